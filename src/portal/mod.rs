//! An admin portal that frames the form: the protocol between them ([`protocol`]: messages,
//! checks, defaults), the browser's side of it ([`browser`]: posting, listening, the frame's
//! height), and the portal as the page holds it ([`Portal`]: what it handed over, the way to
//! answer it).
//!
//! May import: `hq` (a handed-over credential), `worker` (defaults fill a draft), `config`,
//! `i18n`, `json`.

pub mod browser;
pub mod protocol;

use crate::config::project_policy::ProjectPolicy;
use crate::hq::credentials::Credentials;
use crate::i18n::Lang;
use crate::portal::protocol::{Configure, CredentialChange, Defaults, Outgoing};
use leptos::prelude::*;

/// What the form does with a `configure`: `(previous defaults, new defaults, whether the
/// credential changed)`.
pub type OnConfigure = Callback<(Defaults, Defaults, bool)>;

/// Provided as context inside an iframe; absent at the top level.
#[derive(Clone, Copy)]
pub struct Portal {
    allowed: StoredValue<Vec<String>>,
    pub defaults: RwSignal<Defaults>,
    /// In memory only, like a typed key.
    pub credentials: RwSignal<Option<Credentials>>,
    /// The interface language the portal asked for, if any.
    pub ui_language: RwSignal<Option<Lang>>,
    /// The project's policies, once the portal states them (they replace `config.json`'s).
    pub project: RwSignal<Option<ProjectPolicy>>,
    /// The same, as the portal wrote them.
    pub project_text: RwSignal<Option<String>>,
    /// The country calling code the portal offers, where `config.json` names none.
    pub country_code: RwSignal<Option<String>>,
    /// What the handover slips say of the app, where `config.json` states none: checked, and
    /// kept as `config.json` writes it (bulk creation's module is handed the same text).
    pub handover_text: RwSignal<Option<String>>,
    on_configure: StoredValue<Option<OnConfigure>>,
}

impl Portal {
    pub fn new(allowed: Vec<String>) -> Self {
        Portal {
            allowed: StoredValue::new(allowed),
            defaults: RwSignal::new(Defaults::default()),
            credentials: RwSignal::new(None),
            ui_language: RwSignal::new(None),
            project: RwSignal::new(None),
            project_text: RwSignal::new(None),
            country_code: RwSignal::new(None),
            handover_text: RwSignal::new(None),
            on_configure: StoredValue::new(None),
        }
    }

    /// Registers what the form does when the portal configures it.
    pub fn on_configure(&self, handler: OnConfigure) {
        self.on_configure.set_value(Some(handler));
    }

    /// A `configure` from the portal: the credential changes only when the message names one;
    /// the form hears of new defaults and a changed credential.
    pub fn configure(&self, configure: Configure) {
        let before = self.credentials.get_untracked();
        match configure.credentials {
            CredentialChange::Keep => {}
            CredentialChange::Clear => self.credentials.set(None),
            CredentialChange::Set(credentials) => self.credentials.set(Some(credentials)),
        }
        let credentials_changed = self.credentials.with_untracked(|c| *c != before);
        if configure.ui_language.is_some()
            && configure.ui_language != self.ui_language.get_untracked()
        {
            self.ui_language.set(configure.ui_language);
        }
        if configure.project.is_some() && configure.project != self.project.get_untracked() {
            self.project.set(configure.project);
            self.project_text.set(configure.project_text);
        }
        if configure.default_country_code.is_some()
            && configure.default_country_code != self.country_code.get_untracked()
        {
            self.country_code.set(configure.default_country_code);
        }
        if configure.handover.is_some() && configure.handover != self.handover_text.get_untracked()
        {
            self.handover_text.set(configure.handover);
        }
        let previous = self.defaults.get_untracked();
        if previous != configure.defaults {
            self.defaults.set(configure.defaults.clone());
        }
        if let Some(handler) = self.on_configure.get_value() {
            handler.run((previous, configure.defaults, credentials_changed));
        }
    }

    pub fn post(&self, message: Outgoing) {
        self.allowed
            .with_value(|allowed| browser::post(&message, allowed));
    }

    /// Whether a parent is there to hear (allowed origins configured).
    pub fn listening(&self) -> bool {
        self.allowed.with_value(|a| !a.is_empty())
    }
}
