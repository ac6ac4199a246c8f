//! Components only wire signals to the plain modules; no rule or request logic lives here.

mod app;
mod created;
mod error_summary;
mod registration_form;
mod text_field;

pub use app::App;
pub use created::CreatedView;
pub use error_summary::ErrorSummary;
pub use registration_form::RegistrationForm;
pub use text_field::TextField;
