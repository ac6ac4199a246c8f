//! Which field of the draft a rule speaks of, and a rule's refusal of it. Where each field
//! stands on the page is the form's business (`form::field`).

use crate::i18n::Message;

/// A field of the draft, as the rules name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Username,
    Password,
    FirstName,
    LastName,
    Email,
    PhoneNumber(usize),
    Group(usize),
    /// The locations as a whole (one is required).
    Locations,
    Location(usize),
    Role,
    Profile,
    /// A custom user field, by its place in the project's list.
    UserField(usize),
    UserDataKey(usize),
    UserDataValue(usize),
    Language,
}

/// A rule's refusal of one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: Message,
}
