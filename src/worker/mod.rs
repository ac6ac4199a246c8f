//! The mobile worker being drafted and HQ's rules for it, up to the JSON body HQ's user API
//! takes. HQ drops bad optional fields silently on create and burns a username on late
//! failures, so every rule HQ applies (or should) is checked here, before anything is sent.
//!
//! - [`draft`]: what was typed, exactly as typed, and how it is kept across reloads;
//! - [`text`]: HQ's text rules (Python's white space, stripping, lower case);
//! - the checks by field family: [`username`], [`password`] (with strong passwords and their
//!   scorer), [`names`], [`email`], [`phones`], [`places`] (groups and locations),
//!   [`language`]; user data keys are the project's custom-field rules
//!   (`config::project_policy`);
//! - [`validate`]: every rule over the draft, a function per section, into one list of
//!   refusals ([`field`] names what each speaks of);
//! - [`request`]: the body to send.
//!
//! May import: `config`, `i18n`, `json` (and the scorer's messages). Nothing here knows the
//! page: no element ids, no signals, no requests.

pub mod draft;
pub mod email;
pub mod field;
pub mod language;
pub mod names;
pub mod password;
pub mod phones;
pub mod places;
pub mod request;
pub mod slip;
pub mod text;
pub mod username;
pub mod validate;

pub use draft::{effective_primary_location, Draft, UserDataEntry};
pub use field::{Field, FieldError};
pub use language::COMMON_LANGUAGES;
pub use request::{NewMobileWorker, UserData, PROFILE_KEY};
pub use text::{hq_strip, is_hq_space, lower_case};
pub use username::{check_username, normalise_username};
pub use validate::{Checks, CUSTOM_VALUE_MAX_CHARS};

#[cfg(test)]
mod tests;
