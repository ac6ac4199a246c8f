//! The mobile worker being drafted, HQ's rules for it, and the JSON body HQ's user API takes.
//!
//! HQ drops bad optional fields silently on create and burns a username on late failures, so
//! every rule HQ applies (or should) is checked here, before anything is sent.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What the operator has typed, exactly as typed. Kept across errors and (without the
/// password) across reloads, so nothing is ever retyped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub username: String,
    #[serde(skip)]
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// The first non-empty number is the default one.
    pub phone_numbers: Vec<String>,
    /// Group ids, chosen by name from the project's list.
    pub groups: Vec<String>,
    /// Location ids, chosen by name or site code from the project's list.
    pub locations: Vec<String>,
    /// One of `locations`; empty or stale means the first.
    pub primary_location: String,
    /// A role's exact name in the project.
    pub role: String,
    pub user_data: Vec<UserDataEntry>,
    pub language: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDataEntry {
    pub key: String,
    pub value: String,
}

/// A form control a rule can point at. `id()` is the element id the error summary links to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Username,
    Password,
    FirstName,
    LastName,
    Email,
    PhoneNumber(usize),
    Group(usize),
    Location(usize),
    Role,
    UserDataKey(usize),
    Language,
}

impl Field {
    pub fn id(self) -> String {
        match self {
            Field::Username => "username".into(),
            Field::Password => "password".into(),
            Field::FirstName => "first-name".into(),
            Field::LastName => "last-name".into(),
            Field::Email => "email".into(),
            Field::PhoneNumber(i) => format!("phone-number-{i}"),
            Field::Group(i) => format!("group-{i}"),
            Field::Location(i) => format!("location-{i}"),
            Field::Role => "role".into(),
            Field::UserDataKey(i) => format!("user-data-key-{i}"),
            Field::Language => "language".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The request body of `POST /a/{domain}/api/v0.5/user/`. Empty optionals are omitted, never
/// sent as `null` or `""`: HQ crashes on a null email and stores empty strings as values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewMobileWorker {
    pub username: String,
    pub password: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_phone_number: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// HQ requires both together, the primary one in the list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_location: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub user_data: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// Language codes CommCare apps commonly use, offered in a select; any other code can be typed.
pub const COMMON_LANGUAGES: [(&str, &str); 14] = [
    ("en", "English"),
    ("fra", "French"),
    ("por", "Portuguese"),
    ("spa", "Spanish"),
    ("ara", "Arabic"),
    ("hin", "Hindi"),
    ("ben", "Bengali"),
    ("urd", "Urdu"),
    ("swa", "Swahili"),
    ("amh", "Amharic"),
    ("hau", "Hausa"),
    ("ind", "Indonesian"),
    ("nep", "Nepali"),
    ("tel", "Telugu"),
];

pub const USERNAME_MAX_CHARS: usize = 50;
pub const NAME_MAX_CHARS: usize = 30;
/// E.164 allows at most 15 digits including the country code.
pub const PHONE_MAX_DIGITS: usize = 15;
const RESERVED_USERNAMES: [&str; 2] = ["admin", "demo_user"];
const RESERVED_USER_DATA_KEYS: [&str; 9] = [
    "commcare_project",
    "commcare_profile",
    "name",
    "type",
    "owner_id",
    "external_id",
    "hq_user_id",
    "user_type",
    "commtrack-supply-point",
];
const RESERVED_USER_DATA_PREFIXES: [&str; 2] = ["commcare", "xml"];

/// HQ's normalisation: runs of whitespace become one `.`, then lower case.
pub fn normalise_username(typed: &str) -> String {
    let mut out = String::with_capacity(typed.len());
    let mut in_space = false;
    for c in typed.trim().chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push('.');
            }
            in_space = true;
        } else {
            out.extend(c.to_lowercase());
            in_space = false;
        }
    }
    out
}

pub fn check_username(typed: &str) -> Result<String, String> {
    let name = normalise_username(typed);
    if name.is_empty() {
        return Err("Enter a username".into());
    }
    let len = name.chars().count();
    if len > USERNAME_MAX_CHARS {
        return Err(format!(
            "Username must be {USERNAME_MAX_CHARS} characters or fewer (it has {len})"
        ));
    }
    let mut bad: Vec<char> = name
        .chars()
        .filter(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
        .collect();
    if !bad.is_empty() {
        bad.dedup();
        let shown: Vec<String> = bad.iter().map(|c| format!("“{c}”")).collect();
        return Err(format!(
            "Username can only contain letters a to z, numbers, dots, hyphens and underscores; remove {}",
            shown.join(" ")
        ));
    }
    if name.starts_with('.') || name.ends_with('.') {
        return Err("Username cannot start or end with a dot".into());
    }
    if name.contains("..") {
        return Err("Username cannot contain two dots in a row".into());
    }
    if RESERVED_USERNAMES.contains(&name.as_str()) {
        return Err(format!(
            "“{name}” is reserved by CommCare; choose another username"
        ));
    }
    Ok(name)
}

pub fn check_password(typed: &str) -> Result<String, String> {
    if typed.is_empty() {
        Err("Enter a password".into())
    } else if typed.trim().is_empty() {
        Err("Password cannot be only spaces".into())
    } else {
        Ok(typed.to_string())
    }
}

/// `None` for a blank optional field.
fn optional(typed: &str) -> Option<&str> {
    Some(typed.trim()).filter(|t| !t.is_empty())
}

fn check_name(typed: &str, label: &str) -> Result<Option<String>, String> {
    let Some(name) = optional(typed) else {
        return Ok(None);
    };
    let len = name.chars().count();
    if len > NAME_MAX_CHARS {
        return Err(format!(
            "{label} must be {NAME_MAX_CHARS} characters or fewer (it has {len})"
        ));
    }
    Ok(Some(name.to_string()))
}

pub fn check_email(typed: &str) -> Result<Option<String>, String> {
    let Some(email) = optional(typed) else {
        return Ok(None);
    };
    let well_formed = email.split_once('@').is_some_and(|(local, host)| {
        !local.is_empty()
            && !host.contains('@')
            && host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && !host.contains("..")
    }) && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if well_formed {
        Ok(Some(email.to_string()))
    } else {
        Err("Enter an email address in the correct format, like name@example.com".into())
    }
}

/// Digits only, country code first, as HQ stores them. Spaces, dashes, brackets and dots people
/// type are dropped, and one leading `+`.
pub fn normalise_phone_number(typed: &str) -> String {
    let trimmed = typed.trim();
    let trimmed = trimmed.strip_prefix('+').unwrap_or(trimmed);
    trimmed
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')' | '.')))
        .collect()
}

pub fn check_phone_number(typed: &str, position: usize) -> Result<Option<String>, String> {
    if optional(typed).is_none() {
        return Ok(None);
    }
    let digits = normalise_phone_number(typed);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "Phone number {position} must be digits with the country code, like +256 772 123456"
        ));
    }
    if digits.len() > PHONE_MAX_DIGITS {
        return Err(format!(
            "Phone number {position} must be {PHONE_MAX_DIGITS} digits or fewer (it has {})",
            digits.len()
        ));
    }
    Ok(Some(digits))
}

pub fn check_group_id(typed: &str, position: usize) -> Result<Option<String>, String> {
    let Some(id) = optional(typed) else {
        return Ok(None);
    };
    if id.len() == 32
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 'a'..='f'))
    {
        Ok(Some(id.to_string()))
    } else {
        Err(format!(
            "Group {position} must be a group id: 32 characters, digits and letters a to f"
        ))
    }
}

pub fn check_user_data_key(key: &str) -> Result<(), String> {
    let lower = key.to_ascii_lowercase();
    if RESERVED_USER_DATA_KEYS.contains(&lower.as_str()) {
        return Err(format!(
            "User data “{key}” is reserved by CommCare; use another name"
        ));
    }
    if let Some(prefix) = RESERVED_USER_DATA_PREFIXES
        .iter()
        .find(|p| lower.starts_with(*p))
    {
        return Err(format!(
            "User data “{key}” cannot start with “{prefix}”, which CommCare keeps for itself"
        ));
    }
    let mut chars = key.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')) {
        return Err(format!(
            "User data “{key}” must start with a letter and contain only letters, numbers, hyphens and underscores"
        ));
    }
    Ok(())
}

pub fn check_language(typed: &str) -> Result<Option<String>, String> {
    let Some(code) = optional(typed) else {
        return Ok(None);
    };
    let mut parts = code.split(['-', '_']);
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_lowercase()));
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(Some(code.to_string()))
    } else {
        Err("Language must be a language code like en, fra or hin".into())
    }
}

/// Whether the `position`th chosen `kind` ("group", "location") is in the project's list:
/// `known` is `None` while that list is not loaded.
fn check_listed(known: Option<bool>, kind: &str, position: usize) -> Result<(), String> {
    let mut title = kind.to_string();
    title[..1].make_ascii_uppercase();
    match known {
        Some(true) => Ok(()),
        Some(false) => Err(format!(
            "{title} {position} is not one of this project's {kind}s; remove it"
        )),
        None => Err(format!(
            "{title} {position} cannot be checked because the project's {kind}s are not loaded; refresh the {kind} list or remove it"
        )),
    }
}

fn keep_or_record<T>(
    errors: &mut Vec<FieldError>,
    field: Field,
    result: Result<T, String>,
) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(message) => {
            errors.push(FieldError { field, message });
            None
        }
    }
}

impl Draft {
    /// Applies every rule, taking any group or location id as known. On success, the body to
    /// send; otherwise every problem, in the order the fields appear on the page.
    pub fn validate(&self) -> Result<NewMobileWorker, Vec<FieldError>> {
        self.validate_with(|_| Some(true), |_| Some(true))
    }

    /// The location that will be primary: the chosen one if it is in the list, else the first.
    pub fn effective_primary_location(&self) -> Option<&str> {
        let mut ids = self
            .locations
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty());
        let first = ids.clone().next();
        ids.find(|l| *l == self.primary_location.trim()).or(first)
    }

    /// `validate`, also refusing group and location ids the project's lists do not hold (HQ
    /// burns the username when a group turns out unknown after the account was made). The
    /// lookups answer `None` while their list is not loaded: such ids cannot be checked, so
    /// they are refused too.
    pub fn validate_with(
        &self,
        known_group: impl Fn(&str) -> Option<bool>,
        known_location: impl Fn(&str) -> Option<bool>,
    ) -> Result<NewMobileWorker, Vec<FieldError>> {
        let mut errors = Vec::new();

        let username = keep_or_record(&mut errors, Field::Username, check_username(&self.username));
        let password = keep_or_record(&mut errors, Field::Password, check_password(&self.password));
        let first_name = keep_or_record(
            &mut errors,
            Field::FirstName,
            check_name(&self.first_name, "First name"),
        );
        let last_name = keep_or_record(
            &mut errors,
            Field::LastName,
            check_name(&self.last_name, "Last name"),
        );
        let email = keep_or_record(&mut errors, Field::Email, check_email(&self.email));

        let mut phone_numbers: Vec<String> = Vec::new();
        for (i, typed) in self.phone_numbers.iter().enumerate() {
            let checked = check_phone_number(typed, i + 1).and_then(|n| match n {
                Some(n) if phone_numbers.contains(&n) => {
                    Err(format!("Phone number {} is already in the list", i + 1))
                }
                other => Ok(other),
            });
            if let Some(Some(n)) = keep_or_record(&mut errors, Field::PhoneNumber(i), checked) {
                phone_numbers.push(n);
            }
        }

        let mut groups: Vec<String> = Vec::new();
        for (i, typed) in self.groups.iter().enumerate() {
            let checked = check_group_id(typed, i + 1).and_then(|g| match g {
                Some(g) if groups.contains(&g) => {
                    Err(format!("Group {} is already in the list", i + 1))
                }
                Some(g) => check_listed(known_group(&g), "group", i + 1).map(|()| Some(g)),
                None => Ok(None),
            });
            if let Some(Some(g)) = keep_or_record(&mut errors, Field::Group(i), checked) {
                groups.push(g);
            }
        }

        let mut locations: Vec<String> = Vec::new();
        for (i, id) in self.locations.iter().enumerate() {
            let id = id.trim();
            let checked = if id.is_empty() || locations.iter().any(|l| l == id) {
                Ok(None)
            } else {
                check_listed(known_location(id), "location", i + 1).map(|()| Some(id.to_string()))
            };
            if let Some(Some(id)) = keep_or_record(&mut errors, Field::Location(i), checked) {
                locations.push(id);
            }
        }
        let primary_location = self
            .effective_primary_location()
            .filter(|_| !locations.is_empty())
            .map(str::to_string);
        let role = optional(&self.role).map(str::to_string);

        let mut user_data = BTreeMap::new();
        for (i, entry) in self.user_data.iter().enumerate() {
            let key = entry.key.trim();
            if key.is_empty() {
                if !entry.value.trim().is_empty() {
                    keep_or_record(
                        &mut errors,
                        Field::UserDataKey(i),
                        Err::<(), _>(format!("Enter a name for user data value {}", i + 1)),
                    );
                }
                continue;
            }
            let checked = check_user_data_key(key).and_then(|()| {
                if user_data.contains_key(key) {
                    Err(format!("User data “{key}” is already in the list"))
                } else {
                    Ok(())
                }
            });
            if keep_or_record(&mut errors, Field::UserDataKey(i), checked).is_some() {
                user_data.insert(key.to_string(), entry.value.trim().to_string());
            }
        }

        let language = keep_or_record(&mut errors, Field::Language, check_language(&self.language));

        match (username, password, first_name, last_name, email, language) {
            (
                Some(username),
                Some(password),
                Some(first_name),
                Some(last_name),
                Some(email),
                Some(language),
            ) if errors.is_empty() => {
                let default_phone_number = phone_numbers.first().cloned();
                Ok(NewMobileWorker {
                    username,
                    password,
                    first_name,
                    last_name,
                    email,
                    phone_numbers,
                    default_phone_number,
                    groups,
                    primary_location,
                    locations,
                    role,
                    user_data,
                    language,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(username: &str, password: &str) -> Draft {
        Draft {
            username: username.into(),
            password: password.into(),
            ..Draft::default()
        }
    }

    fn username_error(typed: &str) -> String {
        check_username(typed).unwrap_err()
    }

    #[test]
    fn username_is_normalised_as_hq_does() {
        assert_eq!(normalise_username("Jane Doe"), "jane.doe");
        assert_eq!(normalise_username("  Jane \t  Doe  "), "jane.doe");
        assert_eq!(normalise_username("ÉMILE"), "émile");
        assert_eq!(check_username("Jane Doe").unwrap(), "jane.doe");
        assert_eq!(check_username("a_b-c.9").unwrap(), "a_b-c.9");
    }

    #[test]
    fn username_must_be_present() {
        assert_eq!(username_error(""), "Enter a username");
        assert_eq!(username_error(" \t "), "Enter a username");
    }

    #[test]
    fn username_length_is_counted_after_normalising() {
        assert!(check_username(&"a".repeat(50)).is_ok());
        assert_eq!(
            username_error(&"a".repeat(51)),
            "Username must be 50 characters or fewer (it has 51)"
        );
        // 25 + "." + 24 = 50 characters once the space becomes a dot.
        assert!(check_username(&format!("{} {}", "a".repeat(25), "b".repeat(24))).is_ok());
    }

    #[test]
    fn username_dots_are_checked() {
        assert_eq!(
            username_error(".jdoe"),
            "Username cannot start or end with a dot"
        );
        assert_eq!(
            username_error("jdoe."),
            "Username cannot start or end with a dot"
        );
        assert_eq!(
            username_error("j..doe"),
            "Username cannot contain two dots in a row"
        );
    }

    #[test]
    fn username_characters_are_named() {
        assert_eq!(
            username_error("jdoe@x"),
            "Username can only contain letters a to z, numbers, dots, hyphens and underscores; remove “@”"
        );
        assert!(username_error("émile").contains("“é”"));
        assert!(username_error("a+b").contains("“+”"));
        assert!(username_error("日本").contains("“日” “本”"));
    }

    #[test]
    fn reserved_usernames_are_refused_in_any_case() {
        for typed in ["admin", "ADMIN", "Demo_User", "demo_user"] {
            assert!(
                username_error(typed).contains("is reserved by CommCare"),
                "{typed}"
            );
        }
        assert!(check_username("admin2").is_ok());
    }

    #[test]
    fn password_is_required_and_sent_as_typed() {
        assert_eq!(check_password("").unwrap_err(), "Enter a password");
        assert_eq!(
            check_password("   ").unwrap_err(),
            "Password cannot be only spaces"
        );
        assert_eq!(check_password(" s3cret ").unwrap(), " s3cret ");
    }

    #[test]
    fn minimal_draft_sends_only_username_and_password() {
        let body = draft("Jane Doe", "s3cret!").validate().unwrap();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"username": "jane.doe", "password": "s3cret!"})
        );
    }

    #[test]
    fn errors_come_in_page_order_with_their_fields() {
        let errors = draft("", "").validate().unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![Field::Username, Field::Password]);
        assert_eq!(errors[0].field.id(), "username");
    }

    #[test]
    fn names_are_trimmed_capped_and_blank_ones_omitted() {
        let mut d = draft("jdoe", "pw");
        d.first_name = format!("  {}  ", "é".repeat(30));
        d.last_name = "   ".into();
        let body = d.validate().unwrap();
        assert_eq!(body.first_name.as_deref(), Some("é".repeat(30).as_str()));
        assert_eq!(body.last_name, None);
        d.last_name = "x".repeat(31);
        let errors = d.validate().unwrap_err();
        assert_eq!(errors[0].field, Field::LastName);
        assert_eq!(
            errors[0].message,
            "Last name must be 30 characters or fewer (it has 31)"
        );
    }

    #[test]
    fn email_format_is_checked() {
        assert_eq!(
            check_email(" a.b@example.org ").unwrap().as_deref(),
            Some("a.b@example.org")
        );
        assert_eq!(check_email("").unwrap(), None);
        for bad in [
            "a",
            "a@",
            "@b.org",
            "a@b",
            "a@@b.org",
            "a b@c.org",
            "a@b..org",
            "a@.b.org",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phone_numbers_become_digits_and_the_first_is_default() {
        let mut d = draft("jdoe", "pw");
        d.phone_numbers = vec!["".into(), "+256 772-123456".into(), "(0)41 234".into()];
        let body = d.validate().unwrap();
        assert_eq!(body.phone_numbers, vec!["256772123456", "041234"]);
        assert_eq!(body.default_phone_number.as_deref(), Some("256772123456"));
    }

    #[test]
    fn phone_number_errors_name_their_position() {
        assert_eq!(
            check_phone_number("++256", 2).unwrap_err(),
            "Phone number 2 must be digits with the country code, like +256 772 123456"
        );
        assert!(check_phone_number("12ab", 1).is_err());
        assert!(check_phone_number(&"1".repeat(16), 1)
            .unwrap_err()
            .contains("15 digits or fewer"));
        let mut d = draft("jdoe", "pw");
        d.phone_numbers = vec!["+1 555".into(), "1555".into()];
        let errors = d.validate().unwrap_err();
        assert_eq!(errors[0].field, Field::PhoneNumber(1));
        assert_eq!(errors[0].message, "Phone number 2 is already in the list");
    }

    #[test]
    fn group_ids_are_32_lower_hex() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(check_group_id(id, 1).unwrap().as_deref(), Some(id));
        assert!(check_group_id(&id.to_uppercase(), 1).is_err());
        assert!(check_group_id(&id[1..], 1).is_err());
        let mut d = draft("jdoe", "pw");
        d.groups = vec![id.into(), format!(" {id} ")];
        assert_eq!(
            d.validate().unwrap_err()[0].message,
            "Group 2 is already in the list"
        );
    }

    #[test]
    fn unknown_groups_and_locations_are_refused_when_lists_are_known() {
        let id = "0123456789abcdef0123456789abcdef";
        let mut d = draft("jdoe", "pw");
        d.groups = vec![id.into()];
        d.locations = vec!["loc-1".into()];
        let errors = d
            .validate_with(|_| Some(false), |_| Some(false))
            .unwrap_err();
        assert_eq!(errors[0].field, Field::Group(0));
        assert_eq!(
            errors[0].message,
            "Group 1 is not one of this project's groups; remove it"
        );
        assert_eq!(errors[1].field, Field::Location(0));
        assert!(d
            .validate_with(|g| Some(g == id), |l| Some(l == "loc-1"))
            .is_ok());
        let unchecked = d.validate_with(|_| None, |_| None).unwrap_err();
        assert!(unchecked[0]
            .message
            .contains("cannot be checked because the project's groups are not loaded"));
        assert!(unchecked[1]
            .message
            .contains("refresh the location list or remove it"));
    }

    #[test]
    fn locations_go_with_a_primary_that_is_in_the_list() {
        let mut d = draft("jdoe", "pw");
        d.locations = vec!["a".into(), "b".into(), "a".into()];
        d.primary_location = "b".into();
        let body = d.validate().unwrap();
        assert_eq!(body.locations, vec!["a", "b"]);
        assert_eq!(body.primary_location.as_deref(), Some("b"));
        // A primary that was removed from the list falls back to the first.
        d.primary_location = "gone".into();
        assert_eq!(d.validate().unwrap().primary_location.as_deref(), Some("a"));
        d.locations.clear();
        let body = d.validate().unwrap();
        assert_eq!(body.primary_location, None);
        assert!(body.locations.is_empty());
    }

    #[test]
    fn role_is_trimmed_and_omitted_when_blank() {
        let mut d = draft("jdoe", "pw");
        d.role = "  Field worker ".into();
        assert_eq!(d.validate().unwrap().role.as_deref(), Some("Field worker"));
        d.role = "  ".into();
        assert_eq!(d.validate().unwrap().role, None);
    }

    #[test]
    fn reserved_user_data_keys_give_the_reason() {
        assert!(check_user_data_key("commcare_project")
            .unwrap_err()
            .contains("reserved"));
        assert!(check_user_data_key("Name")
            .unwrap_err()
            .contains("reserved"));
        assert!(check_user_data_key("commtrack-supply-point")
            .unwrap_err()
            .contains("reserved"));
        assert!(check_user_data_key("commcare_x")
            .unwrap_err()
            .contains("cannot start with “commcare”"));
        assert!(check_user_data_key("XMLthing")
            .unwrap_err()
            .contains("cannot start with “xml”"));
        assert!(check_user_data_key("1st")
            .unwrap_err()
            .contains("must start with a letter"));
        assert!(check_user_data_key("has space").is_err());
        assert!(check_user_data_key("district_code").is_ok());
    }

    #[test]
    fn user_data_rows_are_checked_and_blank_rows_skipped() {
        let mut d = draft("jdoe", "pw");
        d.user_data = vec![
            UserDataEntry {
                key: " district ".into(),
                value: " North ".into(),
            },
            UserDataEntry {
                key: "".into(),
                value: "".into(),
            },
            UserDataEntry {
                key: "level".into(),
                value: "".into(),
            },
        ];
        let body = d.validate().unwrap();
        assert_eq!(
            serde_json::to_value(&body.user_data).unwrap(),
            json!({"district": "North", "level": ""})
        );
        d.user_data.push(UserDataEntry {
            key: "".into(),
            value: "orphan".into(),
        });
        d.user_data.push(UserDataEntry {
            key: "district".into(),
            value: "x".into(),
        });
        let errors = d.validate().unwrap_err();
        assert_eq!(errors[0].field, Field::UserDataKey(3));
        assert_eq!(errors[0].message, "Enter a name for user data value 4");
        assert_eq!(
            errors[1].message,
            "User data “district” is already in the list"
        );
    }

    #[test]
    fn every_offered_language_passes_the_rule() {
        for (code, _) in COMMON_LANGUAGES {
            assert_eq!(check_language(code).unwrap().as_deref(), Some(code));
        }
    }

    #[test]
    fn language_codes_are_checked() {
        for ok in ["en", "fra", "hin", "pt-BR", "es_419"] {
            assert!(check_language(ok).is_ok(), "{ok}");
        }
        for bad in ["e", "English", "EN", "en-", "fr ca"] {
            assert!(check_language(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_draft_kept_for_reloads_never_holds_the_password() {
        let d = draft("jdoe", "s3cret");
        let saved = serde_json::to_string(&d).unwrap();
        assert!(!saved.contains("s3cret"), "{saved}");
        let restored: Draft = serde_json::from_str(&saved).unwrap();
        assert_eq!(restored.username, "jdoe");
        assert_eq!(restored.password, "");
    }
}
