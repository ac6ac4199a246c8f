use super::RegistrationForm;
use crate::config::{self, Config, ConfigError};
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
    spawn_local(async move {
        start.set(match config::load().await {
            Ok(config) => Start::Ready(config),
            Err(error) => Start::Failed(error),
        });
    });

    view! {
        <main class="page">
            <h1>"Create a mobile worker"</h1>
            {move || match start.get() {
                Start::Loading => view! {
                    <p class="loading" role="status">"Loading settings…"</p>
                }.into_any(),
                Start::Ready(config) => view! { <RegistrationForm config /> }.into_any(),
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
