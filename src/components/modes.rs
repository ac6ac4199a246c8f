//! The page's two modes: one worker at a time (the form) and many from a file (bulk
//! creation). The mode is in the address (`#bulk`), so a reload or a link keeps it, also inside
//! a portal's iframe. Bulk creation is a module of its own (`bulk/`), fetched through
//! `start.js` the first time it is opened, so the one-worker page downloads none of it.

use super::{say, tr, use_texts};
use crate::hq::credentials::Credentials;
use crate::i18n::Message;
use crate::json::Json;
use crate::portal::Portal;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The address of bulk mode.
const MANY: &str = "#bulk";

/// Whether the address asks for bulk mode.
pub fn many_in_address() -> bool {
    window().location().hash().ok().as_deref() == Some(MANY)
}

/// Whether bulk mode is shown: `many` at first, then following the address.
pub fn use_mode(many: bool) -> RwSignal<bool> {
    let many = RwSignal::new(many);
    // Once the page is up (never while the first view is rendered at build time).
    Effect::new(move |_| {
        let follow = Closure::<dyn Fn()>::new(move || many.set(many_in_address()));
        let _ = window()
            .add_event_listener_with_callback("hashchange", follow.as_ref().unchecked_ref());
        // Listens for the page's life.
        follow.forget();
    });
    many
}

/// The two modes as links.
#[component]
pub fn ModeSwitch(
    /// Whether bulk mode is shown.
    many: RwSignal<bool>,
) -> impl IntoView {
    let current = move |shown: bool| (many.get() == shown).then_some("page");
    view! {
        <nav class="modes" aria-label=tr("mode.label")>
            <a href="#single" id="mode-one" aria-current=move || current(false)>
                {tr("mode.one")}
            </a>
            <a href=MANY id="mode-many" aria-current=move || current(true)>
                {tr("mode.many")}
            </a>
        </nav>
    }
}

/// Bulk creation's place on the page: its module is fetched the first time the mode is
/// opened, then handed the language, a portal's credential and a portal's policies whenever
/// they change. It stays on the page once there (a run goes on while one worker is created).
#[component]
pub fn BulkMode(
    /// Whether bulk mode is shown.
    many: RwSignal<bool>,
) -> impl IntoView {
    let texts = use_texts();
    let portal = use_context::<Portal>();
    let opened = Memo::new(move |was: Option<&bool>| was == Some(&true) || many.get());
    // Shown: `Some("")`; could not be: `Some(why)`; on its way: `None`.
    let outcome = RwSignal::new(None::<String>);
    let attempt = RwSignal::new(0usize);
    let placed = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        attempt.track();
        if placed.get().is_none() || !opened.get() {
            return;
        }
        let credentials = portal.and_then(|p| p.credentials.get());
        let settings = Json::object([
            ("lang", texts.lang().code().into()),
            ("credentials", credentials_json(credentials.as_ref())),
            (
                "project",
                portal
                    .and_then(|p| p.project_text.get())
                    .map_or(Json::Null, Json::from),
            ),
            (
                "country_code",
                portal
                    .and_then(|p| p.country_code.get())
                    .map_or(Json::Null, Json::from),
            ),
            (
                "handover",
                portal
                    .and_then(|p| p.handover_text.get())
                    .map_or(Json::Null, Json::from),
            ),
        ]);
        leptos::task::spawn_local(async move {
            let shown = show(&settings.write()).await;
            outcome.set(Some(shown.err().unwrap_or_default()));
        });
    });
    view! {
        <div hidden=move || {
            !many.get()
        }>
            {move || match outcome.get() {
                None if opened.get() => {
                    view! {
                        <p class="loading-text" role="status">
                            {tr("mode.loading")}
                        </p>
                    }
                        .into_any()
                }
                Some(why) if !why.is_empty() => {
                    view! {
                        <div class="config-error" role="alert">
                            <p>{say(Message::new("mode.failed").text("why", why))}</p>
                            <button
                                type="button"
                                class="secondary"
                                on:click=move |_| {
                                    outcome.set(None);
                                    attempt.update(|n| *n += 1);
                                }
                            >
                                {tr("mode.retry")}
                            </button>
                        </div>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }} <div id="bulk-mode" node_ref=placed></div>
        </div>
    }
}

/// A portal's credential as the module takes it (in memory, never stored).
fn credentials_json(credentials: Option<&Credentials>) -> Json {
    match credentials {
        None => Json::Null,
        Some(Credentials::ApiKey { email, key }) => Json::object([
            ("email", email.as_str().into()),
            ("key", key.as_str().into()),
        ]),
        Some(Credentials::Bearer { token }) => Json::object([("token", token.as_str().into())]),
    }
}

#[wasm_bindgen]
extern "C" {
    /// `start.js`'s loader of the module: imports it the first time, then shows it in
    /// `#bulk-mode` with `settings` (JSON text).
    #[wasm_bindgen(js_namespace = window, js_name = mobileWorkerFormBulk, catch)]
    fn load_and_show(settings: &str) -> Result<js_sys::Promise, JsValue>;
}

/// Shows bulk mode; `Err` says why it could not be.
async fn show(settings: &str) -> Result<(), String> {
    let why = |e: JsValue| {
        e.dyn_into::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|e| e.as_string().unwrap_or_default())
    };
    let promise = load_and_show(settings).map_err(why)?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(why)
}
