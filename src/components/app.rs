use super::RegistrationForm;
use crate::config::{self, Config, ConfigError};
use crate::embed::{self, Outgoing};
use crate::portal::Portal;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug)]
enum Start {
    Loading,
    Ready(Config),
    Failed(ConfigError),
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
            let portal = Portal::new(config.parent_origins.clone());
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
                Start::Loading => {
                    view! {
                        <p class="loading" role="status">
                            "Loading settings…"
                        </p>
                    }
                        .into_any()
                }
                Start::Ready(config) => form(config).into_any(),
                Start::Failed(error) => view! { <ConfigErrorScreen error /> }.into_any(),
            }}
        </main>
    }
}

/// What is wrong with `config.json`, for whoever hosts the page.
#[component]
fn ConfigErrorScreen(
    /// Why the file could not be used.
    error: ConfigError,
) -> impl IntoView {
    view! {
        <div class="config-error" role="alert">
            <h2>"This form is not set up correctly"</h2>
            <p class="config-error-reason">{error.to_string()}</p>
            <p>
                "Whoever hosts this page needs to fix config.json next to index.html. "
                "See the Configuration section of the README."
            </p>
        </div>
    }
}
