//! The draft's fields on the page: each one's control and its element id (the rules name a
//! field, `worker::Field`; this layer puts it on the page), the typed key's inputs, and the
//! problems the error summary lists, each pointing at a control by its id.

use crate::hq::credentials::CredentialPart;
use crate::i18n::Message;
use crate::worker::Field;

/// A draft field's control on the page.
pub trait Control {
    /// The element id the error summary links to.
    fn id(self) -> String;
    /// The name a list's own controls are known by (`{list}-add`, `{list}-search`,
    /// `{list}-refresh`, `{list}-picker`), for fields that are rows of a list.
    fn list(self) -> Option<&'static str>;
    /// Where it stands on the page, to sort by: a user data row's name and value sit side by
    /// side, row after row, so the rules' order of fields alone is not the page's.
    fn page_position(self) -> (u8, usize, u8);
}

impl Control for Field {
    fn id(self) -> String {
        match self {
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
        }
    }

    fn list(self) -> Option<&'static str> {
        match self {
            Field::PhoneNumber(_) => Some("phone-number"),
            Field::Group(_) => Some("group"),
            Field::Location(_) | Field::Locations => Some("location"),
            Field::UserDataKey(_) | Field::UserDataValue(_) => Some("user-data"),
            _ => None,
        }
    }

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
        }
    }
}

/// The element ids of the typed key's two inputs, under the form.
pub const KEY_IDS: KeyIds = KeyIds {
    email: "web-user-email",
    key: "api-key",
};

/// Where a page keeps the web user email and API key inputs (the one-worker form's are
/// [`KEY_IDS`]; bulk creation has its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyIds {
    pub email: &'static str,
    pub key: &'static str,
}

impl KeyIds {
    /// The input a credential's part was typed in; a portal's token has none.
    pub fn of(self, part: CredentialPart) -> Option<&'static str> {
        match part {
            CredentialPart::Email => Some(self.email),
            CredentialPart::ApiKey => Some(self.key),
            CredentialPart::BearerToken => None,
        }
    }
}

/// One problem for the error summary: a rule's, a credential's or a server's answer, and the
/// control it is about, by element id (`None` for an answer that belongs to no control).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub target: Option<String>,
    pub message: Message,
    /// A page outside this one that settles it: HQ's Mobile Workers list, where a worker may
    /// have been created.
    pub link: Option<String>,
}

impl Problem {
    /// A problem at the control `id`, or at none.
    pub fn at(target: Option<&str>, message: Message) -> Self {
        Problem {
            target: target.map(str::to_string),
            message,
            link: None,
        }
    }

    /// The same problem, with a link to `url`.
    pub fn linking(self, url: String) -> Self {
        Problem {
            link: Some(url),
            ..self
        }
    }

    /// Whether it is about the control `id`.
    pub fn is_at(&self, id: &str) -> bool {
        self.target.as_deref() == Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_links_to_its_control() {
        assert_eq!(Field::Username.id(), "username");
        assert_eq!(Field::UserDataValue(0).id(), "user-data-value-0");
        assert_eq!(Field::Location(2).list(), Some("location"));
        assert_eq!(KEY_IDS.of(CredentialPart::ApiKey), Some("api-key"));
        assert_eq!(KEY_IDS.of(CredentialPart::BearerToken), None);
        let problem = Problem::at(Some("email"), Message::new("rule.email.format"));
        assert!(problem.is_at("email") && !problem.is_at("username"));
    }
}
