//! Where a run's record lives in the browser: this tab's record in sessionStorage (by project
//! space), and the note of what every tab sent in localStorage (hashes only). Storage may be
//! full or switched off: the run goes on, and the results file still tells all.

use crate::record::elsewhere::SentByTabs;
use crate::record::Kept;
use mobile_worker_form::json::Json;
use web_sys::Storage;

const PREFIX: &str = "mobile-worker-form:bulk";

fn session() -> Option<Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

fn local() -> Option<Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// This tab's record of earlier runs in `domain`, and whether one was there but could not be
/// read (lost).
pub(super) fn read_kept(domain: &str) -> (Kept, bool) {
    let text = session().and_then(|s| s.get_item(&format!("{PREFIX}:{domain}")).ok().flatten());
    match text.map(|t| Json::parse(&t)) {
        None => (Kept::default(), false),
        Some(Ok(json)) => (Kept::from_json(&json), false),
        Some(Err(_)) => (Kept::default(), true),
    }
}

pub(super) fn write_kept(domain: &str, kept: &Kept) {
    if let Some(storage) = session() {
        let _ = storage.set_item(&format!("{PREFIX}:{domain}"), &kept.to_json().write());
    }
}

/// This tab's name in the note: kept in sessionStorage, so a reload keeps it.
pub(super) fn tab_id() -> String {
    let key = format!("{PREFIX}:tab");
    let stored = session().and_then(|s| s.get_item(&key).ok().flatten());
    stored.unwrap_or_else(|| {
        // Only tells tabs apart; nothing depends on it being unguessable.
        let id = format!(
            "{:013x}",
            (js_sys::Math::random() * 4_503_599_627_370_496.0) as u64
        );
        if let Some(storage) = session() {
            let _ = storage.set_item(&key, &id);
        }
        id
    })
}

/// What every tab of this browser sent in `domain`.
pub(super) fn read_sent(domain: &str) -> SentByTabs {
    let text = local().and_then(|s| {
        s.get_item(&format!("{PREFIX}-sent:{domain}"))
            .ok()
            .flatten()
    });
    text.and_then(|t| Json::parse(&t).ok())
        .map(|json| SentByTabs::from_json(&json))
        .unwrap_or_default()
}

/// Notes that this tab sent `username` in `domain`.
pub(super) fn note_sent(domain: &str, tab: &str, username: &str) {
    let mut sent = read_sent(domain);
    if sent.note(tab, username) {
        if let Some(storage) = local() {
            let _ = storage.set_item(&format!("{PREFIX}-sent:{domain}"), &sent.to_json().write());
        }
    }
}
