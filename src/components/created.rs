use leptos::prelude::*;
use leptos::task::spawn_local;

/// Shown once HQ has created the mobile worker.
#[component]
pub fn CreatedView(
    /// HQ's id for the new mobile worker.
    user_id: String,
    /// `name@project.commcarehq.org`.
    full_username: String,
    /// "Create another".
    on_another: impl Fn() + 'static,
) -> impl IntoView {
    let copy_status = RwSignal::new("");
    let copy = {
        let user_id = user_id.clone();
        move |_| {
            let promise = window().navigator().clipboard().write_text(&user_id);
            spawn_local(async move {
                copy_status.set(match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(_) => "Copied",
                    Err(_) => "Could not copy: select the id and copy it",
                });
            });
        }
    };
    view! {
        <div class="created" role="status">
            <h2 id="created-title" tabindex="-1">
                "Mobile worker created"
            </h2>
            <dl>
                <dt>"Username"</dt>
                <dd class="created-username">{full_username}</dd>
                <dt>"User id"</dt>
                <dd>
                    <code class="created-user-id">{user_id}</code>
                </dd>
            </dl>
            <p class="actions">
                <button type="button" class="secondary copy" on:click=copy>
                    "Copy user id"
                </button>
                <span class="copy-status" aria-live="polite">
                    {move || copy_status.get()}
                </span>
            </p>
            <button type="button" class="another" on:click=move |_| on_another()>
                "Create another"
            </button>
        </div>
    }
}
