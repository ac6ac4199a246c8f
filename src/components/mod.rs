//! The page's markup, wired to the form's state. Components only wire signals: they read the
//! state, call the form's actions from event handlers, and hold no rule, request or message
//! decision of their own.
//!
//! Fields are built GOV.UK's way from label, hint and error pieces (`text_field`,
//! `select_field`, `picker`), each error also listed in the one `error_summary`; the
//! sections of the form (`credential_fields`, `password_fields`, `phone_numbers`,
//! `location_fields`, `project_fields`, `user_data`) are built from them, and `app`
//! puts the page together. Bulk creation reuses them from its own crate.
//!
//! May import: every stage before it (`form`, `portal`, `hq`, `worker`, `config`, `i18n`,
//! `json`). Not `start`.

mod app;
mod created;
mod credential_fields;
mod error_summary;
mod language;
mod list_editor;
mod location_fields;
mod modes;
mod password_fields;
mod phone_numbers;
mod picker;
mod project_fields;
mod registration_form;
mod select_field;
mod slips;
mod text_field;
mod user_data;

pub use app::{App, Start};
pub use created::CreatedView;
pub use credential_fields::CredentialFields;
pub use error_summary::{focus_element, ErrorSummary};
pub use language::LanguageField;
pub use list_editor::ListEditor;
pub use location_fields::LocationFields;
pub use modes::{many_in_address, use_mode, BulkMode, ModeSwitch};
pub use password_fields::PasswordFields;
pub use phone_numbers::PhoneNumbers;
pub use picker::Picker;
pub use project_fields::ProjectFields;
pub use registration_form::RegistrationForm;
pub use select_field::SelectField;
pub use slips::open_slips;
pub use text_field::{described_by, FieldShell, InlineError, TextField};
pub use user_data::UserDataRows;

use crate::form::FormState;
use crate::i18n::{Message, Texts};
use leptos::prelude::*;

/// The form's state, provided by [`RegistrationForm`] to everything inside it.
pub fn use_form() -> FormState {
    expect_context::<FormState>()
}

/// The interface language's texts, provided by [`App`] to the whole page.
pub fn use_texts() -> Texts {
    expect_context::<Texts>()
}

/// The text of `key` in the interface language, following it when it changes.
pub fn tr(key: &'static str) -> Signal<String> {
    let texts = use_texts();
    Signal::derive(move || texts.get(key))
}

/// "`label` (optional)", as the interface language writes it.
pub fn optional(label: Signal<String>) -> Signal<String> {
    optional_when(label, Signal::stored(true))
}

/// `label`, with "(optional)" while `optional` holds (a field some answers make required).
pub fn optional_when(label: Signal<String>, optional: Signal<bool>) -> Signal<String> {
    let texts = use_texts();
    Signal::derive(move || {
        let label = label.get();
        if optional.get() {
            texts.render(&Message::new("field.optional").text("label", label))
        } else {
            label
        }
    })
}

/// `message` in the interface language, following it when it changes.
pub fn say(message: Message) -> Signal<String> {
    let texts = use_texts();
    Signal::derive(move || texts.render(&message))
}
