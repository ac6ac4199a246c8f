use super::{open_slips, tr, use_form, use_texts};
use crate::form::FormState;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Shown once HQ has created the mobile worker.
#[component]
pub fn CreatedView(
    /// HQ's id for the new mobile worker.
    user_id: String,
    /// `name@project.commcarehq.org`.
    full_username: String,
    /// A password generated in the form, shown this once so it can be handed over.
    generated_password: Option<String>,
    /// "Create another".
    on_another: impl Fn() + 'static,
    /// "Create another with the same settings".
    on_another_alike: impl Fn() + 'static,
) -> impl IntoView {
    let texts = use_texts();
    // The key of what the copy did, or that the slips could not be opened, shown in the current
    // language.
    let status = RwSignal::new(None::<&'static str>);
    let copy = {
        let user_id = user_id.clone();
        move |_| {
            let promise = window().navigator().clipboard().write_text(&user_id);
            spawn_local(async move {
                status.set(Some(
                    match wasm_bindgen_futures::JsFuture::from(promise).await {
                        Ok(_) => "created.copied",
                        Err(_) => "created.copy_failed",
                    },
                ));
            });
        }
    };
    // The sheet of slips opens here; the page forgets the password once it is closed.
    let slips_host = NodeRef::<leptos::html::Div>::new();
    let form = use_form();
    let print_slip = move |_| print_slip(form, slips_host, status);
    let created = view! {
        <div class="created" role="status">
            <h2 id="created-title" tabindex="-1">
                {tr("created.title")}
            </h2>
            <dl>
                <dt>{tr("label.username")}</dt>
                <dd class="created-username">{full_username}</dd>
                <dt>{tr("created.user_id")}</dt>
                <dd>
                    <code class="created-user-id">{user_id}</code>
                </dd>
                {generated_password
                    .map(|password| {
                        view! {
                            <dt>{tr("label.password")}</dt>
                            <dd>
                                <code class="created-password" dir="ltr">
                                    {password}
                                </code>
                                <p class="hint">{tr("created.password_once")}</p>
                            </dd>
                        }
                    })}
            </dl>
            <p class="actions">
                <button type="button" class="secondary copy" on:click=copy>
                    {tr("created.copy")}
                </button>
                <button type="button" class="secondary print-slip" on:click=print_slip>
                    {tr("slips.print_this_worker")}
                </button>
                <span class="copy-status" aria-live="polite">
                    {Signal::derive(move || {
                        status.get().map(|key| texts.get(key)).unwrap_or_default()
                    })}
                </span>
            </p>
            <p class="actions">
                <button type="button" class="another" on:click=move |_| on_another()>
                    {tr("created.another")}
                </button>
                <button
                    type="button"
                    class="secondary another-alike"
                    on:click=move |_| on_another_alike()
                >
                    {tr("created.another_alike")}
                </button>
            </p>
        </div>
    };
    (
        created,
        view! { <div class="slips-host" node_ref=slips_host></div> },
    )
}

/// Opens the worker's handover slip in `host`; says in `status` if it could not be opened.
fn print_slip(
    form: FormState,
    host: NodeRef<leptos::html::Div>,
    status: RwSignal<Option<&'static str>>,
) {
    let Some(host) = host.get() else {
        return;
    };
    let sheet = form.slip_sheet();
    status.set(None);
    spawn_local(async move {
        if !open_slips(host.into(), sheet, move || form.forget_password()).await {
            status.set(Some("slips.failed"));
        }
    });
}
