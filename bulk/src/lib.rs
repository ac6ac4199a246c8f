//! Bulk creation: many mobile workers from one file. A module of its own, fetched only when
//! an operator opens "Many from a file", so the one-worker page downloads none of it.
//!
//! The data's path: [`sheet`] (the file read, CSV or a workbook through [`workbook`], with
//! HQ's bulk column names) → [`rows`] (each
//! row through the one-worker form's rules) → [`run`] (a run over the rows as plain data, a
//! step in halves, paced by [`pacing`] under HQ's rate limits) → [`record`] (what became of
//! each row, kept across reloads) and [`results`] (the results file); [`state`] wires them to
//! signals and HQ, [`view`] to markup.

pub mod pacing;
pub mod record;
pub mod results;
pub mod rows;
pub mod run;
pub mod sheet;

/// English, as host tests read the page's messages.
#[cfg(test)]
pub(crate) fn english(message: &mobile_worker_form::i18n::Message) -> String {
    use mobile_worker_form::i18n::{Catalogue, Lang};
    thread_local! {
        static EN: Catalogue = Catalogue::parse(Lang::En, include_str!("../../locales/en.json"))
            .unwrap()
            .with(Catalogue::parse(Lang::En, include_str!("../../locales/bulk/en.json")).unwrap());
    }
    EN.with(|en| en.render(message))
}
pub mod state;
pub mod view;
pub mod workbook;

/// The page's side: `show` is what the one-worker page calls (through `start.js`) when bulk
/// mode is opened, and again whenever what it hands over changes.
#[cfg(target_arch = "wasm32")]
mod browser {
    use crate::state::{BulkState, Handover};
    use crate::view::BulkPage;
    use leptos::prelude::*;
    use mobile_worker_form::config::project_policy::ProjectPolicy;
    use mobile_worker_form::hq::credentials::Credentials;
    use mobile_worker_form::i18n::{self, Catalogue, Lang, Texts};
    use mobile_worker_form::json::Json;
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    /// What a `show` changes once bulk mode is on the page.
    #[derive(Clone, Copy)]
    struct Shown {
        texts: Texts,
        handover: RwSignal<Handover>,
    }

    /// Bulk mode on the page: not yet, on its way (with what a later `show` handed over
    /// meanwhile), or there.
    enum Mount {
        None,
        Mounting(Option<(Lang, Handover)>),
        Shown(Shown),
    }

    thread_local! {
        static MOUNT: RefCell<Mount> = const { RefCell::new(Mount::None) };
    }

    /// Hands `handover` and `lang` to bulk mode on the page.
    async fn update(shown: Shown, lang: Lang, handover: Handover) -> Result<(), JsValue> {
        shown.handover.set(handover);
        if shown.texts.lang() != lang {
            shown.texts.set(texts(lang).await?);
        }
        Ok(())
    }

    /// The page's texts in `lang`, with bulk creation's own (`locales/bulk/`).
    async fn texts(lang: Lang) -> Result<Catalogue, JsValue> {
        let page = i18n::browser::load(lang).await.map_err(|e| e.to_string())?;
        let file = format!("locales/bulk/{}.json", lang.code());
        let text = mobile_worker_form::page_file::fetch(&file, None).await?;
        let bulk = Catalogue::parse(lang, &text).map_err(|e| e.to_string())?;
        Ok(page.with(bulk))
    }

    /// Shows bulk mode in the page's `#bulk-mode`. `settings` is JSON text:
    /// `{"lang", "credentials", "project", "country_code", "handover"}`, `credentials` being `{email, key}`, `{token}` or
    /// `null` (in memory only, as the page holds it), and `project` a portal's policies as JSON
    /// text, or `null`; `handover` a portal's, as JSON text, or `null`.
    #[wasm_bindgen]
    pub async fn show(settings: String) -> Result<(), JsValue> {
        let settings = Json::parse(&settings).unwrap_or(Json::Null);
        let text =
            |value: &Json, key: &str| value.get(key).and_then(Json::as_str).map(str::to_string);
        let lang = text(&settings, "lang")
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or(Lang::En);
        let credentials = settings.get("credentials").and_then(|c| {
            match (text(c, "email"), text(c, "key"), text(c, "token")) {
                (Some(email), Some(key), _) => Some(Credentials::ApiKey { email, key }),
                (_, _, Some(token)) => Some(Credentials::Bearer { token }),
                _ => None,
            }
        });
        let project = text(&settings, "project")
            .and_then(|json| Json::parse(&json).ok())
            .and_then(|json| ProjectPolicy::read(&json).ok());
        let handover = Handover {
            credentials,
            project,
            country_code: text(&settings, "country_code"),
            slips: text(&settings, "handover").filter(|text| {
                Json::parse(text)
                    .is_ok_and(|json| mobile_worker_form::config::handover::check(&json).is_ok())
            }),
        };
        // Only the first `show` mounts; one made while that is under way is applied after.
        let first = MOUNT.with_borrow_mut(|mount| match mount {
            Mount::None => {
                *mount = Mount::Mounting(None);
                Ok(())
            }
            Mount::Mounting(pending) => {
                *pending = Some((lang, handover.clone()));
                Err(None)
            }
            Mount::Shown(shown) => Err(Some(*shown)),
        });
        match first {
            Ok(()) => {}
            Err(None) => return Ok(()),
            Err(Some(shown)) => return update(shown, lang, handover).await,
        }
        let mounted = mount(lang, handover).await;
        let pending = MOUNT.with_borrow_mut(|mount| {
            let pending = match std::mem::replace(mount, Mount::None) {
                Mount::Mounting(pending) => pending,
                _ => None,
            };
            if let Ok(shown) = &mounted {
                *mount = Mount::Shown(*shown);
            }
            pending
        });
        let shown = mounted?;
        match pending {
            Some((lang, handover)) => update(shown, lang, handover).await,
            None => Ok(()),
        }
    }

    async fn mount(lang: Lang, handover: Handover) -> Result<Shown, JsValue> {
        let container: web_sys::HtmlElement = leptos::prelude::document()
            .get_element_by_id("bulk-mode")
            .and_then(|e| e.dyn_into().ok())
            .ok_or_else(|| JsValue::from_str("the page has no #bulk-mode"))?;
        let config = mobile_worker_form::config::load()
            .await
            .map_err(|_| JsValue::from_str("config.json could not be read"))?;
        let catalogue = texts(lang).await?;
        let shown = std::rc::Rc::new(std::cell::Cell::new(None));
        let handle = leptos::mount::mount_to(container, {
            let shown = shown.clone();
            move || {
                let texts = Texts::new(catalogue);
                provide_context(texts);
                let state = BulkState::new(config, texts, handover);
                // Generated passwords live only in this page until the results file is saved.
                let unsaved = state.unsaved_passwords;
                let guard = window_event_listener(leptos::ev::beforeunload, move |ev| {
                    if unsaved.get_untracked() {
                        ev.prevent_default();
                        ev.set_return_value("");
                    }
                });
                std::mem::forget(guard);
                shown.set(Some(Shown {
                    texts,
                    handover: state.handover,
                }));
                view! { <BulkPage state /> }
            }
        });
        // Bulk mode stays for the page's life, hidden while one worker is being created.
        handle.forget();
        shown
            .take()
            .ok_or_else(|| JsValue::from_str("bulk mode was not mounted"))
    }
}
