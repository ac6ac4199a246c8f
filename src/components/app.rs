use super::RegistrationForm;
use crate::config::{self, Config, ConfigError};
use crate::credentials::Credentials;
use crate::embed::{self, CredentialChange, Defaults, Outgoing};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug)]
enum Start {
    Loading,
    Ready(Config),
    Failed(ConfigError),
}

/// The admin portal framing the form, if any: what it handed over, and the way to answer it.
/// Provided as context; absent outside an iframe.
#[derive(Clone, Copy)]
pub struct Portal {
    allowed: StoredValue<Vec<String>>,
    pub defaults: RwSignal<Defaults>,
    /// In memory only, like a typed key.
    pub credentials: RwSignal<Option<Credentials>>,
    /// What the form does with new defaults: `(previous, new)`.
    on_defaults: StoredValue<Option<Callback<(Defaults, Defaults)>>>,
}

impl Portal {
    /// Registers what the form does when the portal's defaults change.
    pub fn on_defaults(&self, handler: Callback<(Defaults, Defaults)>) {
        self.on_defaults.set_value(Some(handler));
    }

    /// A `configure` from the portal: the credential changes only when the message names one;
    /// new defaults go to the form, which fills only what the operator has not touched.
    fn configure(&self, configure: embed::Configure) {
        match configure.credentials {
            CredentialChange::Keep => {}
            CredentialChange::Clear => self.credentials.set(None),
            CredentialChange::Set(credentials) => self.credentials.set(Some(credentials)),
        }
        let previous = self.defaults.get_untracked();
        if previous != configure.defaults {
            self.defaults.set(configure.defaults.clone());
            if let Some(handler) = self.on_defaults.get_value() {
                handler.run((previous, configure.defaults));
            }
        }
    }

    pub fn post(&self, message: Outgoing) {
        self.allowed
            .with_value(|allowed| embed::browser::post(&message, allowed));
    }

    /// Whether a parent is there to hear (allowed origins configured).
    pub fn listening(&self) -> bool {
        self.allowed.with_value(|a| !a.is_empty())
    }
}

/// Loads `config.json`, then shows the form, or a screen naming what is wrong with the file.
#[component]
pub fn App() -> impl IntoView {
    let start = RwSignal::new(Start::Loading);
    let framed = embed::browser::is_framed();
    let main_ref = NodeRef::<html::Main>::new();
    spawn_local(async move {
        start.set(match config::load().await {
            Ok(config) => Start::Ready(config),
            Err(error) => Start::Failed(error),
        });
    });

    let form = move |config: Config| {
        if framed {
            let portal = Portal {
                allowed: StoredValue::new(config.parent_origins.clone()),
                defaults: RwSignal::new(Defaults::default()),
                credentials: RwSignal::new(None),
                on_defaults: StoredValue::new(None),
            };
            embed::browser::listen(config.parent_origins.clone(), move |configure| {
                portal.configure(configure)
            });
            if let Some(main) = main_ref.get_untracked() {
                embed::browser::report_height(&main, config.parent_origins.clone());
            }
            provide_context(portal);
            portal.post(Outgoing::Ready);
        }
        view! { <RegistrationForm config /> }
    };

    view! {
        <main class="page" class:embedded=framed node_ref=main_ref>
            <h1 class:visually-hidden=framed>"Create a mobile worker"</h1>
            {move || match start.get() {
                Start::Loading => view! {
                    <p class="loading" role="status">"Loading settings…"</p>
                }.into_any(),
                Start::Ready(config) => form(config).into_any(),
                Start::Failed(error) => view! {
                    <div class="config-error" role="alert">
                        <h2>"This form is not set up correctly"</h2>
                        <p class="config-error-reason">{error.to_string()}</p>
                        <p>
                            "Whoever hosts this page needs to fix config.json next to index.html. "
                            "See the Configuration section of the README."
                        </p>
                    </div>
                }.into_any(),
            }}
        </main>
    }
}
