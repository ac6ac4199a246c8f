use leptos::prelude::*;

/// Shown once HQ has created the mobile worker.
#[component]
pub fn CreatedView(
    user_id: String,
    full_username: String,
    on_another: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <div class="created" role="status">
            <h2>"Mobile worker created"</h2>
            <dl>
                <dt>"Username"</dt>
                <dd class="created-username">{full_username}</dd>
                <dt>"User id"</dt>
                <dd><code class="created-user-id">{user_id}</code></dd>
            </dl>
            <button type="button" class="secondary" on:click=move |_| on_another()>
                "Create another"
            </button>
        </div>
    }
}
