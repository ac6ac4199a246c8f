//! Components only wire signals to the plain modules; no rule or request logic lives here.

mod app;
mod created;
mod error_summary;
mod language;
mod picker;
mod registration_form;
mod string_list;
mod text_field;
mod user_data;

pub use app::{App, Portal};
pub use created::CreatedView;
pub use error_summary::ErrorSummary;
pub use language::LanguageField;
pub use picker::Picker;
pub use registration_form::RegistrationForm;
pub use string_list::StringList;
pub use text_field::TextField;
pub use user_data::UserDataRows;
