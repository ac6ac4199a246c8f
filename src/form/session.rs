//! Keeps the draft (never the password: `Draft::to_json` leaves it out) in sessionStorage,
//! so a reload or a crashed tab does not lose what was typed. One draft per project space.

use crate::worker::Draft;

/// Where a project space's draft is kept, after this prefix; `start.js` looks there too (a
/// test keeps the two equal), so that a kept draft is shown by the app, not under an empty form.
pub const KEY_PREFIX: &str = "mobile-worker-form:draft:";

fn key(domain: &str) -> String {
    format!("{KEY_PREFIX}{domain}")
}

fn storage() -> Option<web_sys::Storage> {
    // Off the browser (host tests of the form's state) there is nowhere to keep it.
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    web_sys::window()?.session_storage().ok()?
}

pub fn restore(domain: &str) -> Option<Draft> {
    let text = storage()?.get_item(&key(domain)).ok()??;
    Draft::from_json(&crate::json::Json::parse(&text).ok()?)
}

/// Keeps `draft`; a blank one is nothing to keep.
pub fn save(domain: &str, draft: &Draft) {
    if draft.is_blank() {
        return clear(domain);
    }
    if let Some(storage) = storage() {
        let text = draft.to_json().write();
        // Storage may be full or disabled; the form still works without it.
        let _ = storage.set_item(&key(domain), &text);
    }
}

pub fn clear(domain: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(domain));
    }
}
