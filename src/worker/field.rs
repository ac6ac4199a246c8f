//! Which part of the worker a rule speaks of, and a rule's verdict on it.

use crate::i18n::Message;

/// A form control a rule can point at. `id()` is the element id the error summary links to;
/// the order is the order on the page.
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
    /// The operator's own web user email and API key (`api_key` mode), under the form.
    WebUserEmail,
    ApiKey,
    /// Bulk creation's file of workers, and its choice to skip rows with problems.
    WorkersFile,
    SkipRows,
}

impl Field {
    /// Where the control stands: a user data row's name and value sit side by side, row after
    /// row, so variant order alone is not page order.
    fn page_position(self) -> (u8, usize, u8) {
        match self {
            Field::Username => (0, 0, 0),
            Field::Password => (1, 0, 0),
            Field::FirstName => (2, 0, 0),
            Field::LastName => (3, 0, 0),
            Field::Email => (4, 0, 0),
            Field::PhoneNumber(i) => (5, i, 0),
            Field::Group(i) => (6, i, 0),
            Field::Locations => (7, 0, 0),
            Field::Location(i) => (7, i + 1, 0),
            Field::Role => (8, 0, 0),
            Field::Profile => (9, 0, 0),
            Field::UserField(i) => (9, i + 1, 0),
            Field::UserDataKey(i) => (10, i, 0),
            Field::UserDataValue(i) => (10, i, 1),
            Field::Language => (11, 0, 0),
            Field::WebUserEmail => (12, 0, 0),
            Field::ApiKey => (12, 0, 1),
            Field::WorkersFile => (13, 0, 0),
            Field::SkipRows => (14, 0, 0),
        }
    }

    /// The element id of the control.
    pub fn id(self) -> String {
        match self {
            Field::WebUserEmail => "web-user-email".into(),
            Field::ApiKey => "api-key".into(),
            Field::Username => "username".into(),
            Field::Password => "password".into(),
            Field::FirstName => "first-name".into(),
            Field::LastName => "last-name".into(),
            Field::Email => "email".into(),
            Field::PhoneNumber(i) => format!("phone-number-{i}"),
            Field::Group(i) => format!("group-{i}"),
            Field::Locations => "location-search".into(),
            Field::Location(i) => format!("location-{i}"),
            Field::Role => "role".into(),
            Field::Profile => "profile".into(),
            Field::UserField(i) => format!("user-field-{i}"),
            Field::UserDataKey(i) => format!("user-data-key-{i}"),
            Field::UserDataValue(i) => format!("user-data-value-{i}"),
            Field::Language => "language".into(),
            Field::WorkersFile => "workers-file".into(),
            Field::SkipRows => "skip-rows".into(),
        }
    }

    /// The name a list's own controls are known by (`{list}-add`, `{list}-search`,
    /// `{list}-refresh`, `{list}-picker`), for fields that are rows of a list.
    pub fn list(self) -> Option<&'static str> {
        match self {
            Field::PhoneNumber(_) => Some("phone-number"),
            Field::Group(_) => Some("group"),
            Field::Location(_) | Field::Locations => Some("location"),
            Field::UserDataKey(_) | Field::UserDataValue(_) => Some("user-data"),
            _ => None,
        }
    }
}

impl PartialOrd for Field {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Field {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.page_position().cmp(&other.page_position())
    }
}

/// A rule's refusal of one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: Message,
}
