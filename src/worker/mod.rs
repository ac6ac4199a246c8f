//! The mobile worker being drafted, HQ's rules for it, and the JSON body HQ's user API takes.
//!
//! HQ drops bad optional fields silently on create and burns a username on late failures, so
//! every rule HQ applies (or should) is checked here, before anything is sent.

pub mod password;

use crate::config::project_policy::{check_user_data_key, ProjectPolicy};
use crate::i18n::Message;
use crate::json::Json;
use crate::worker::password::{check_strong, Verdict};
use std::collections::BTreeMap;

/// What the operator has typed, exactly as typed. Kept across errors and (without the
/// password) across reloads, so nothing is ever retyped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub username: String,
    /// Never kept (see [`Draft::to_json`]).
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
    /// The project's custom user fields: each slug and its value (see
    /// [`crate::config::project_policy`]).
    pub custom: Vec<UserDataEntry>,
    /// The chosen profile's id, as text; empty for none.
    pub profile: String,
    /// The worker sets their own password from an emailed link (where the project allows it).
    pub confirm_by_email: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserDataEntry {
    pub key: String,
    pub value: String,
}

impl Draft {
    /// The draft as kept across reloads: all but the password.
    /// Nothing typed or chosen, as a fresh form (the password aside: it is never kept). A
    /// project field's row counts only by its value; its name is the project's.
    pub fn is_blank(&self) -> bool {
        let texts = [
            &self.username,
            &self.first_name,
            &self.last_name,
            &self.email,
            &self.primary_location,
            &self.role,
            &self.language,
            &self.profile,
        ];
        texts.iter().all(|t| t.is_empty())
            && self.phone_numbers.iter().all(String::is_empty)
            && self.groups.is_empty()
            && self.locations.is_empty()
            && self
                .user_data
                .iter()
                .all(|e| e.key.is_empty() && e.value.is_empty())
            && self.custom.iter().all(|e| e.value.is_empty())
            && !self.confirm_by_email
    }

    pub fn to_json(&self) -> Json {
        let entries = |rows: &[UserDataEntry]| {
            Json::List(
                rows.iter()
                    .map(|e| {
                        Json::object([
                            ("key", e.key.as_str().into()),
                            ("value", e.value.as_str().into()),
                        ])
                    })
                    .collect(),
            )
        };
        let text = |s: &String| Json::from(s.as_str());
        Json::object([
            ("username", text(&self.username)),
            ("first_name", text(&self.first_name)),
            ("last_name", text(&self.last_name)),
            ("email", text(&self.email)),
            ("phone_numbers", Json::texts(&self.phone_numbers)),
            ("groups", Json::texts(&self.groups)),
            ("locations", Json::texts(&self.locations)),
            ("primary_location", text(&self.primary_location)),
            ("role", text(&self.role)),
            ("user_data", entries(&self.user_data)),
            ("language", text(&self.language)),
            ("custom", entries(&self.custom)),
            ("profile", text(&self.profile)),
            ("confirm_by_email", self.confirm_by_email.into()),
        ])
    }

    /// A kept draft (missing keys left empty); `None` if `json` is not one.
    pub fn from_json(json: &Json) -> Option<Draft> {
        let text = |key| match json.get(key) {
            None => Some(String::new()),
            Some(value) => value.as_str().map(str::to_string),
        };
        let list = |key| match json.get(key) {
            None => Some(&[][..]),
            Some(value) => value.as_list(),
        };
        let texts = |key| match json.get(key) {
            None => Some(Vec::new()),
            Some(value) => value.as_texts(),
        };
        let entries = |key| -> Option<Vec<UserDataEntry>> {
            list(key)?
                .iter()
                .map(|e| {
                    Some(UserDataEntry {
                        key: e.get("key")?.as_str()?.to_string(),
                        value: e.get("value")?.as_str()?.to_string(),
                    })
                })
                .collect()
        };
        matches!(json, Json::Object(_)).then_some(())?;
        Some(Draft {
            username: text("username")?,
            password: String::new(),
            first_name: text("first_name")?,
            last_name: text("last_name")?,
            email: text("email")?,
            phone_numbers: texts("phone_numbers")?,
            groups: texts("groups")?,
            locations: texts("locations")?,
            primary_location: text("primary_location")?,
            role: text("role")?,
            user_data: entries("user_data")?,
            language: text("language")?,
            custom: entries("custom")?,
            profile: text("profile")?,
            confirm_by_email: match json.get("confirm_by_email") {
                None => false,
                Some(flag) => flag.as_bool()?,
            },
        })
    }
}

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: Message,
}

/// The request body of `POST /a/{domain}/api/v0.5/user/`. Empty optionals are omitted, never
/// sent as `null` or `""`: HQ crashes on a null email and stores empty strings as values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMobileWorker {
    pub username: String,
    /// None when the worker sets their own (account confirmation): HQ refuses both together.
    pub password: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone_numbers: Vec<String>,
    pub default_phone_number: Option<String>,
    pub groups: Vec<String>,
    /// HQ requires both together, the primary one in the list.
    pub primary_location: Option<String>,
    pub locations: Vec<String>,
    pub role: Option<String>,
    pub user_data: UserData,
    pub language: Option<String>,
    /// HQ creates the account unconfirmed and emails the worker a link to set a password.
    pub require_account_confirmation: bool,
    pub send_confirmation_email_now: bool,
}

impl NewMobileWorker {
    /// The JSON body, in HQ's field names.
    pub fn to_json(&self) -> Json {
        let mut body = vec![("username", Json::from(self.username.as_str()))];
        let texts = [
            ("password", &self.password),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("email", &self.email),
            ("default_phone_number", &self.default_phone_number),
            ("primary_location", &self.primary_location),
            ("role", &self.role),
            ("language", &self.language),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                body.push((key, value.as_str().into()));
            }
        }
        let lists = [
            ("phone_numbers", &self.phone_numbers),
            ("groups", &self.groups),
            ("locations", &self.locations),
        ];
        for (key, values) in lists {
            if !values.is_empty() {
                body.push((key, Json::texts(values)));
            }
        }
        if !self.user_data.is_empty() {
            let mut data: Vec<(&str, Json)> = (self.user_data.values.iter())
                .map(|(k, v)| (k.as_str(), v.as_str().into()))
                .collect();
            if let Some(id) = self.user_data.profile {
                data.push((PROFILE_KEY, id.into()));
            }
            body.push(("user_data", Json::object(data)));
        }
        for (key, on) in [
            (
                "require_account_confirmation",
                self.require_account_confirmation,
            ),
            (
                "send_confirmation_email_now",
                self.send_confirmation_email_now,
            ),
        ] {
            if on {
                body.push((key, on.into()));
            }
        }
        Json::object(body)
    }
}

/// Where HQ keeps a worker's profile in `user_data`.
pub const PROFILE_KEY: &str = "commcare_profile";

/// `user_data` as HQ takes it: text values, and a profile's id as a number under
/// [`PROFILE_KEY`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserData {
    pub values: BTreeMap<String, String>,
    pub profile: Option<u64>,
}

impl UserData {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.profile.is_none()
    }
}

/// What the rules need besides the draft: the project's policies, the strong-password
/// verdict, and whether the project's lists hold a chosen group or location id (`None` while a
/// list is not loaded).
pub struct Checks<'a> {
    pub policy: &'a ProjectPolicy,
    /// Consulted only where the project requires strong passwords.
    pub strength: Verdict,
    pub known_group: &'a dyn Fn(&str) -> Option<bool>,
    pub known_location: &'a dyn Fn(&str) -> Option<bool>,
}

/// Language codes CommCare apps commonly use, offered in a select with the catalogue key of
/// their name; any other code can be typed.
pub const COMMON_LANGUAGES: [(&str, &str); 14] = [
    ("en", "app_language.en"),
    ("fra", "app_language.fra"),
    ("por", "app_language.por"),
    ("spa", "app_language.spa"),
    ("ara", "app_language.ara"),
    ("hin", "app_language.hin"),
    ("ben", "app_language.ben"),
    ("urd", "app_language.urd"),
    ("swa", "app_language.swa"),
    ("amh", "app_language.amh"),
    ("hau", "app_language.hau"),
    ("ind", "app_language.ind"),
    ("nep", "app_language.nep"),
    ("tel", "app_language.tel"),
];

pub const USERNAME_MAX_CHARS: usize = 50;
pub const NAME_MAX_CHARS: usize = 30;
/// The database column's size; longer addresses fail after the account exists.
pub const EMAIL_MAX_CHARS: usize = 254;
/// E.164 allows at most 15 digits including the country code.
pub const PHONE_MAX_DIGITS: usize = 15;
/// A project field's value: HQ sets no limit, but nothing a worker's field holds is longer,
/// and a project's regex is not run over pages of text.
pub const CUSTOM_VALUE_MAX_CHARS: usize = 1000;
const RESERVED_USERNAMES: [&str; 2] = ["admin", "demo_user"];

/// Python's `\s` and `str.strip()`, which HQ uses: Unicode white space plus the four
/// information separators U+001C..U+001F that Rust's `char::is_whitespace` leaves out.
pub fn is_hq_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Unicode lower case, as Python's `str.lower()` gives it. In the browser it is the browser's
/// own `toLowerCase` (the same Unicode mapping): Rust's case tables would add about 6 KB to
/// the download.
pub fn lower_case(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(text).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.to_lowercase()
    }
}

/// A letter or digit of any script (for internationalised domain labels); in the browser by
/// its own Unicode tables, for the same reason as [`lower_case`].
fn is_letter_or_digit(c: char) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        let mut buf = [0; 4];
        js_sys::RegExp::new(r"^[\p{L}\p{N}\p{M}]$", "u").test(c.encode_utf8(&mut buf))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        c.is_alphanumeric()
    }
}

/// Python's `str.strip()`: what Django's form fields do to every value first.
pub fn hq_strip(typed: &str) -> &str {
    typed.trim_matches(is_hq_space)
}

/// HQ's normalisation: outer white space stripped, runs of white space become one `.`, then
/// lower case.
pub fn normalise_username(typed: &str) -> String {
    let mut out = String::with_capacity(typed.len());
    let mut in_space = false;
    for c in hq_strip(typed).chars() {
        if is_hq_space(c) {
            if !in_space {
                out.push('.');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    lower_case(&out)
}

pub fn check_username(typed: &str) -> Result<String, Message> {
    let name = normalise_username(typed);
    if name.is_empty() {
        return Err(Message::new("rule.username.missing"));
    }
    // HQ's form counts what was typed, outer spaces stripped, before spaces become dots.
    let len = hq_strip(typed).chars().count();
    if len > USERNAME_MAX_CHARS {
        return Err(too_long(
            Message::new("label.username"),
            USERNAME_MAX_CHARS,
            len,
        ));
    }
    let mut bad: Vec<char> = name
        .chars()
        .filter(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
        .collect();
    if !bad.is_empty() {
        bad.dedup();
        return Err(Message::new("rule.username.characters").chars("chars", bad));
    }
    if name.starts_with('.') || name.ends_with('.') {
        return Err(Message::new("rule.username.dot_at_end"));
    }
    if name.contains("..") {
        return Err(Message::new("rule.username.two_dots"));
    }
    if RESERVED_USERNAMES.contains(&name.as_str()) {
        return Err(Message::new("rule.username.reserved").text("name", name));
    }
    Ok(name)
}

/// The password HQ's own dialog would set: outer white space stripped (Django's
/// `CharField(strip=True)`), where the API alone would store it verbatim.
pub fn check_password(typed: &str) -> Result<String, Message> {
    if typed.is_empty() {
        Err(Message::new("rule.password.missing"))
    } else if hq_strip(typed).is_empty() {
        Err(Message::new("rule.password.only_spaces"))
    } else if typed.contains('\0') {
        // Django's form refuses it; through the API it would fail after the account exists.
        Err(contains(Message::new("label.password"), '\0'))
    } else {
        Ok(hq_strip(typed).to_string())
    }
}

/// `None` for a blank optional field; otherwise the value as HQ's form strips it.
fn optional(typed: &str) -> Option<&str> {
    Some(hq_strip(typed)).filter(|t| !t.is_empty())
}

/// Free text (a role, a user data value): stripped as HQ's form strips it, and without
/// control characters. HQ's form refuses NUL, which through the API would reach the database
/// after the account exists (a 500 and a burned username); the others are never part of a
/// name or a value, only of a bad paste.
fn check_text(typed: &str, label: Message) -> Result<Option<String>, Message> {
    let Some(text) = optional(typed) else {
        return Ok(None);
    };
    match text.chars().find(|c| c.is_control()) {
        Some(c) => Err(contains(label, c)),
        None => Ok(Some(text.to_string())),
    }
}

/// First and last names: free text of at most 30 characters (code points), as HQ counts.
fn check_name(typed: &str, label: Message) -> Result<Option<String>, Message> {
    let Some(name) = check_text(typed, label.clone())? else {
        return Ok(None);
    };
    let len = name.chars().count();
    if len > NAME_MAX_CHARS {
        return Err(too_long(label, NAME_MAX_CHARS, len));
    }
    Ok(Some(name.to_string()))
}

/// HQ's form lower-cases the address (after stripping) and checks it with Django's
/// `EmailValidator`; the database holds at most 254 characters.
pub fn check_email(typed: &str) -> Result<Option<String>, Message> {
    let Some(email) = optional(typed) else {
        return Ok(None);
    };
    let email = lower_case(email);
    let len = email.chars().count();
    if len > EMAIL_MAX_CHARS {
        return Err(too_long(Message::new("label.email"), EMAIL_MAX_CHARS, len));
    }
    if is_django_email(&email) {
        Ok(Some(email))
    } else {
        Err(Message::new("rule.email.format"))
    }
}

/// Django's `EmailValidator`: a dot-atom or quoted local part, then a domain of letter/digit
/// labels with inner hyphens (at most 63 each) and a top-level label of at least 2, `localhost`,
/// or an IP literal in brackets. Internationalised domains are accepted where each label is
/// letters and digits of any script with inner hyphens (HQ tries them again as punycode).
fn is_django_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let atom_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{}|~-".contains(c);
    let dot_atom = !local.is_empty()
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atom_char));
    let quoted = local.len() >= 2
        && local.starts_with('"')
        && local.ends_with('"')
        && is_quoted_content(&local[1..local.len() - 1]);
    if !(dot_atom || quoted) {
        return false;
    }
    domain == "localhost" || is_email_domain(domain, false) || is_ip_literal(domain) || {
        !domain.is_ascii() && is_email_domain(domain, true)
    }
}

/// The inside of a quoted local part: printable ASCII but `"` and `\`, or a `\` escape.
fn is_quoted_content(inner: &str) -> bool {
    let plain = |c: char| matches!(c as u32, 1..=8 | 11 | 12 | 14..=31 | 33 | 35..=91 | 93..=127);
    let escapable = |c: char| matches!(c as u32, 1..=9 | 11 | 12 | 14..=127);
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let ok = if c == '\\' {
            chars.next().is_some_and(escapable)
        } else {
            plain(c)
        };
        if !ok {
            return false;
        }
    }
    true
}

fn is_email_domain(domain: &str, unicode: bool) -> bool {
    let letter_or_digit = |c: char| {
        if unicode {
            is_letter_or_digit(c)
        } else {
            c.is_ascii_alphanumeric()
        }
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((top, rest)) = labels.split_last() else {
        return false;
    };
    let label_ok = |l: &str| {
        (1..=63).contains(&l.chars().count())
            && l.chars().all(|c| letter_or_digit(c) || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    !rest.is_empty()
        && rest.iter().all(|l| label_ok(l))
        && (2..=63).contains(&top.chars().count())
        && top.chars().all(|c| letter_or_digit(c) || c == '-')
        && !top.ends_with('-')
}

fn is_ip_literal(domain: &str) -> bool {
    domain
        .strip_prefix('[')
        .and_then(|d| d.strip_suffix(']'))
        .is_some_and(|ip| {
            ip.chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
                && ip.parse::<std::net::IpAddr>().is_ok()
        })
}

/// The number as HQ stores it: every entry point strips white space (Python's, so NBSP and
/// U+202F too), `+` and `-`, and nothing else.
pub fn normalise_phone_number(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !(is_hq_space(*c) || matches!(c, '+' | '-')))
        .collect()
}

pub fn check_phone_number(typed: &str, position: usize) -> Result<Option<String>, Message> {
    if optional(typed).is_none() {
        return Ok(None);
    }
    let phone = |key| Message::new(key).number("position", position);
    let digits = normalise_phone_number(typed);
    if digits.is_empty() {
        return Err(phone("rule.phone.no_digits"));
    }
    if digits.contains(['(', ')']) {
        // Dropping them would keep a trunk 0 and store a number that cannot be dialled.
        return Err(phone("rule.phone.brackets"));
    }
    let mut bad: Vec<char> = digits.chars().filter(|c| !c.is_ascii_digit()).collect();
    if !bad.is_empty() {
        bad.dedup();
        return Err(phone("rule.phone.characters").chars("chars", bad));
    }
    if digits.len() > PHONE_MAX_DIGITS {
        return Err(phone("rule.phone.too_long")
            .number("max", PHONE_MAX_DIGITS)
            .number("length", digits.len()));
    }
    Ok(Some(digits))
}

pub fn check_group_id(typed: &str, position: usize) -> Result<Option<String>, Message> {
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
        Err(Message::new("rule.group.id").number("position", position))
    }
}

/// An app language in CommCare must match `^[a-z]{2,3}(-[a-z]*)?$` (`validate_lang`); HQ
/// stores any string, but a code outside that shape can never match one of the apps' languages.
pub fn check_language(typed: &str) -> Result<Option<String>, Message> {
    let Some(code) = optional(typed) else {
        return Ok(None);
    };
    let (primary, region) = match code.split_once('-') {
        Some((p, r)) => (p, Some(r)),
        None => (code, None),
    };
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase());
    let region_ok = region.is_none_or(|r| r.chars().all(|c| c.is_ascii_lowercase()));
    if primary_ok && region_ok {
        Ok(Some(code.to_string()))
    } else {
        let lower = code.to_ascii_lowercase().replace('_', "-");
        let message = Message::new("rule.language.shape").text("code", code);
        Err(if lower != code && check_language(&lower).is_ok() {
            Message::new("rule.language.did_you_mean")
                .message("problem", message)
                .text("code", lower)
        } else {
            message
        })
    }
}

/// The messages for a chosen item of a project list that the list does not hold, and for
/// one that cannot be checked because the list is not loaded.
const GROUP_NOT_LISTED: [&str; 2] = ["rule.group.unknown", "rule.group.unchecked"];
const LOCATION_NOT_LISTED: [&str; 2] = ["rule.location.unknown", "rule.location.unchecked"];

/// Whether the `position`th chosen item of a list is in the project's list: `known` is `None`
/// while that list is not loaded.
fn check_listed(
    known: Option<bool>,
    [unknown, unchecked]: [&'static str; 2],
    position: usize,
) -> Result<(), Message> {
    match known {
        Some(true) => Ok(()),
        Some(false) => Err(Message::new(unknown).number("position", position)),
        None => Err(Message::new(unchecked).number("position", position)),
    }
}

/// "`label` must be `max` characters or fewer (it has `len`)".
fn too_long(label: Message, max: usize, len: usize) -> Message {
    Message::new("rule.too_long")
        .message("label", label)
        .number("max", max)
        .number("length", len)
}

/// "`label` contains `c`; remove it".
fn contains(label: Message, c: char) -> Message {
    Message::new("rule.contains")
        .message("label", label)
        .chars("chars", vec![c])
}

/// The location that will be primary: `primary` if it is among `locations`, else the first.
pub fn effective_primary_location<'a>(locations: &'a [String], primary: &str) -> Option<&'a str> {
    let mut ids = locations.iter().map(|l| l.trim()).filter(|l| !l.is_empty());
    let first = ids.clone().next();
    ids.find(|l| *l == primary.trim()).or(first)
}

fn keep_or_record<T>(
    errors: &mut Vec<FieldError>,
    field: Field,
    result: Result<T, Message>,
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
        self.validate_for(&ProjectPolicy::default())
    }

    /// `validate` under a project's policies, taking any password as strong enough.
    pub fn validate_for(&self, policy: &ProjectPolicy) -> Result<NewMobileWorker, Vec<FieldError>> {
        self.validate_with(&Checks {
            policy,
            strength: Verdict::Strong(4),
            known_group: &|_| Some(true),
            known_location: &|_| Some(true),
        })
    }

    /// Moves user data rows that name one of the project's fields (a portal's defaults, say)
    /// into that field, unless it already holds a value: a project field is filled in as
    /// itself, never as a free row.
    pub fn adopt_project_fields(&mut self, policy: &ProjectPolicy) {
        self.user_data.retain(|row| {
            let key = row.key.trim();
            let Some(field) = policy
                .user_fields
                .iter()
                .find(|f| f.slug.eq_ignore_ascii_case(key))
            else {
                return true;
            };
            match self.custom.iter_mut().find(|e| e.key == field.slug) {
                Some(entry) if !entry.value.trim().is_empty() => {}
                Some(entry) => entry.value = row.value.clone(),
                None => self.custom.push(UserDataEntry {
                    key: field.slug.clone(),
                    value: row.value.clone(),
                }),
            }
            false
        });
    }

    /// The location that will be primary: the chosen one if it is in the list, else the first.
    pub fn effective_primary_location(&self) -> Option<&str> {
        effective_primary_location(&self.locations, &self.primary_location)
    }

    /// `validate`, also refusing group and location ids the project's lists do not hold (HQ
    /// burns the username when a group turns out unknown after the account was made). The
    /// lookups answer `None` while their list is not loaded: such ids cannot be checked, so
    /// they are refused too.
    pub fn validate_with(&self, checks: &Checks) -> Result<NewMobileWorker, Vec<FieldError>> {
        let Checks {
            policy,
            known_group,
            known_location,
            ..
        } = checks;
        let mut errors = Vec::new();

        let username = keep_or_record(&mut errors, Field::Username, check_username(&self.username));
        let confirm = policy.account_confirmation && self.confirm_by_email;
        let password = if confirm {
            Some(None)
        } else {
            let checked = check_password(&self.password).and_then(|p| {
                if policy.strong_passwords {
                    check_strong(checks.strength).map(|()| p)
                } else {
                    Ok(p)
                }
            });
            keep_or_record(&mut errors, Field::Password, checked).map(Some)
        };
        let first_name = keep_or_record(
            &mut errors,
            Field::FirstName,
            check_name(&self.first_name, Message::new("label.first_name")),
        );
        let last_name = keep_or_record(
            &mut errors,
            Field::LastName,
            check_name(&self.last_name, Message::new("label.last_name")),
        );
        let email = check_email(&self.email).and_then(|email| match email {
            None if confirm => Err(Message::new("rule.email.needed_for_confirmation")),
            email => Ok(email),
        });
        let email = keep_or_record(&mut errors, Field::Email, email);

        let mut phone_numbers: Vec<String> = Vec::new();
        for (i, typed) in self.phone_numbers.iter().enumerate() {
            let checked = check_phone_number(typed, i + 1).and_then(|n| match n {
                Some(n) if phone_numbers.contains(&n) => {
                    Err(Message::new("rule.phone.repeated").number("position", i + 1))
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
                    Err(Message::new("rule.group.repeated").number("position", i + 1))
                }
                Some(g) => check_listed(known_group(&g), GROUP_NOT_LISTED, i + 1).map(|()| Some(g)),
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
                check_listed(known_location(id), LOCATION_NOT_LISTED, i + 1)
                    .map(|()| Some(id.to_string()))
            };
            if let Some(Some(id)) = keep_or_record(&mut errors, Field::Location(i), checked) {
                locations.push(id);
            }
        }
        let location_refused = errors.iter().any(|e| matches!(e.field, Field::Location(_)));
        if policy.location_required && locations.is_empty() && !location_refused {
            errors.push(FieldError {
                field: Field::Locations,
                message: Message::new("rule.location.required"),
            });
        }
        let primary_location = self
            .effective_primary_location()
            .filter(|_| !locations.is_empty())
            .map(str::to_string);
        let role = check_text(&self.role, Message::new("label.role")).and_then(|role| match role {
            Some(role) if !policy.roles.is_empty() && !policy.roles.contains(&role) => {
                Err(Message::new("rule.role.not_listed").text("role", role))
            }
            role => Ok(role),
        });
        let role = keep_or_record(&mut errors, Field::Role, role).flatten();

        let mut user_data = UserData::default();
        let profile = match self.profile.trim() {
            "" if policy.profile_required => Err(Message::new("rule.profile.required")),
            "" => Ok(None),
            id => policy
                .profile(id)
                .map(Some)
                .ok_or_else(|| Message::new("rule.profile.not_listed")),
        };
        let profile = keep_or_record(&mut errors, Field::Profile, profile).flatten();
        for (i, field) in policy.user_fields.iter().enumerate() {
            // A profile's value stands in for whatever was typed, as in HQ's own dialog.
            let fixed = profile.and_then(|p| p.fields.get(&field.slug));
            let typed = fixed
                .or_else(|| {
                    self.custom
                        .iter()
                        .find(|e| e.key == field.slug)
                        .map(|e| &e.value)
                })
                .map_or("", |v| hq_strip(v));
            let checked = match typed {
                "" if field.required && field.choices.is_empty() => {
                    Err(Message::new("rule.user_field.required")
                        .text("label", field.label.as_str()))
                }
                "" if field.required => {
                    Err(Message::new("rule.user_field.choose").text("label", field.label.as_str()))
                }
                "" => Ok(None),
                value => {
                    let label =
                        || Message::new("user_field.label").text("label", field.label.as_str());
                    let len = value.chars().count();
                    // Long values are refused before a project's regex searches them.
                    if len > CUSTOM_VALUE_MAX_CHARS {
                        Err(too_long(label(), CUSTOM_VALUE_MAX_CHARS, len))
                    } else {
                        check_text(value, label())
                            .and_then(|_| field.check(value))
                            .map(|()| Some(value))
                    }
                }
            };
            if let Some(Some(value)) = keep_or_record(&mut errors, Field::UserField(i), checked) {
                user_data
                    .values
                    .insert(field.slug.clone(), value.to_string());
            }
        }
        user_data.profile = profile.map(|p| p.id);

        for (i, entry) in self.user_data.iter().enumerate() {
            let key = entry.key.trim();
            if key.is_empty() {
                if !entry.value.trim().is_empty() {
                    keep_or_record(
                        &mut errors,
                        Field::UserDataKey(i),
                        Err::<(), _>(
                            Message::new("rule.user_data.name_missing").number("position", i + 1),
                        ),
                    );
                }
                continue;
            }
            let checked = check_user_data_key(key).and_then(|()| {
                if let Some(declared) = policy
                    .user_fields
                    .iter()
                    .find(|f| f.slug.eq_ignore_ascii_case(key))
                {
                    return Err(Message::new("rule.user_field.named_twice")
                        .text("name", key)
                        .text("label", declared.label.as_str()));
                }
                // HQ compares field names without regard to case.
                let lower = key.to_ascii_lowercase();
                match user_data
                    .values
                    .keys()
                    .find(|k: &&String| k.to_ascii_lowercase() == lower)
                {
                    Some(earlier) if earlier == key => {
                        Err(Message::new("rule.user_data.repeated").text("name", key))
                    }
                    Some(earlier) => Err(Message::new("rule.user_data.same_but_case")
                        .text("name", key)
                        .text("earlier", earlier.as_str())),
                    None => Ok(()),
                }
            });
            let key_ok = keep_or_record(&mut errors, Field::UserDataKey(i), checked);
            let value = keep_or_record(
                &mut errors,
                Field::UserDataValue(i),
                check_text(
                    &entry.value,
                    Message::new("label.user_data_value_long").number("position", i + 1),
                ),
            );
            if let (Some(()), Some(value)) = (key_ok, value) {
                user_data
                    .values
                    .insert(key.to_string(), value.unwrap_or_default());
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
                    require_account_confirmation: confirm,
                    send_confirmation_email_now: confirm,
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

    /// The body as HQ reads it.
    fn sent(body: &NewMobileWorker) -> serde_json::Value {
        serde_json::from_str(&body.to_json().write()).unwrap()
    }

    fn entry(key: &str, value: &str) -> UserDataEntry {
        UserDataEntry {
            key: key.into(),
            value: value.into(),
        }
    }

    fn draft(username: &str, password: &str) -> Draft {
        Draft {
            username: username.into(),
            password: password.into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_draft_is_blank_until_something_is_typed_or_chosen() {
        let mut d = Draft {
            password: "typed but never kept".into(),
            phone_numbers: vec![String::new()],
            custom: vec![entry("district", "")],
            ..Draft::default()
        };
        assert!(d.is_blank());
        d.custom[0].value = "North".into();
        assert!(!d.is_blank());
        for changed in [
            Draft {
                email: "a@b.org".into(),
                ..Draft::default()
            },
            Draft {
                user_data: vec![entry("team", "")],
                ..Draft::default()
            },
            Draft {
                confirm_by_email: true,
                ..Draft::default()
            },
        ] {
            assert!(!changed.is_blank(), "{changed:?}");
        }
    }

    /// The checks with these lists and no project policies.
    fn lists<'a>(
        known_group: &'a dyn Fn(&str) -> Option<bool>,
        known_location: &'a dyn Fn(&str) -> Option<bool>,
    ) -> Checks<'a> {
        static NONE: std::sync::LazyLock<ProjectPolicy> =
            std::sync::LazyLock::new(ProjectPolicy::default);
        Checks {
            policy: &NONE,
            strength: Verdict::Strong(4),
            known_group,
            known_location,
        }
    }

    fn username_error(typed: &str) -> String {
        check_username(typed).unwrap_err().to_string()
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
        assert!(username_error("émile").to_string().contains("“é”"));
        assert!(username_error("a+b").to_string().contains("“+”"));
        assert!(username_error("日本").to_string().contains("“日”, “本”"));
        // Pasted invisible characters are named by code point, since quoting shows nothing.
        assert!(
            username_error("jdoe\u{200b}")
                .to_string()
                .ends_with("remove the invisible character U+200B"),
            "{}",
            username_error("jdoe\u{200b}")
        );
    }

    #[test]
    fn reserved_usernames_are_refused_in_any_case() {
        for typed in ["admin", "ADMIN", "Demo_User", "demo_user"] {
            assert!(
                username_error(typed)
                    .to_string()
                    .contains("is reserved by CommCare"),
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
        // As HQ's own dialog sets it: outer white space (Python's, U+001F too) stripped.
        assert_eq!(check_password(" s3cret ").unwrap(), "s3cret");
        assert_eq!(check_password("\u{1f}s3 cret\u{a0}").unwrap(), "s3 cret");
        assert_eq!(
            check_password("\u{3000}\u{1c}").unwrap_err(),
            "Password cannot be only spaces"
        );
    }

    #[test]
    fn minimal_draft_sends_only_username_and_password() {
        let body = draft("Jane Doe", "s3cret!").validate().unwrap();
        assert_eq!(
            sent(&body),
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
    fn email_is_checked_as_djangos_validator_after_lower_casing() {
        // (typed, what is sent; None when refused)
        let table: [(&str, Option<&str>); 23] = [
            (" Jane.Doe@Example.ORG ", Some("jane.doe@example.org")),
            ("a+tag@b.co", Some("a+tag@b.co")),
            ("o'brien@x.ie", Some("o'brien@x.ie")),
            (
                "\"john\\ doe\"@example.org",
                Some("\"john\\ doe\"@example.org"),
            ),
            // Django's quoted form takes a space only escaped.
            ("\"john doe\"@example.org", None),
            ("admin@localhost", Some("admin@localhost")),
            ("x@[192.168.0.1]", Some("x@[192.168.0.1]")),
            ("x@[::1]", Some("x@[::1]")),
            ("x@example.xn--p1ai", Some("x@example.xn--p1ai")),
            ("x@müller.de", Some("x@müller.de")),
            ("x@sub-domain.example.org", Some("x@sub-domain.example.org")),
            (".jane@example.org", None),
            ("jane.@example.org", None),
            ("ja..ne@example.org", None),
            ("jöhn@example.org", None),
            ("x@-example.org", None),
            ("x@example-.org", None),
            ("x@example.o", None),
            ("x@example.org-", None),
            ("x@[999.1.1.1]", None),
            ("x@example", None),
            ("a b@example.org", None),
            ("x@exam_ple.org", None),
        ];
        for (typed, sent) in table {
            assert_eq!(
                check_email(typed).ok().flatten().as_deref(),
                sent,
                "{typed}"
            );
        }
        assert!(check_email(&format!("x@{}.org", "a".repeat(63))).is_ok());
        assert!(check_email(&format!("x@{}.org", "a".repeat(64))).is_err());
        let long = format!("{}@example.org", "a".repeat(242));
        assert_eq!(long.len(), 254);
        assert!(check_email(&long).is_ok());
        assert_eq!(
            check_email(&format!("a{long}")).unwrap_err(),
            "Email must be 254 characters or fewer (it has 255)"
        );
    }

    #[test]
    fn names_refuse_control_characters_and_are_stripped_as_hq_strips() {
        assert!(check_name("Jane\u{0}", Message::new("label.first_name"))
            .unwrap_err()
            .to_string()
            .starts_with("First name contains the invisible character U+0000"));
        assert!(check_name("Ja\u{7}ne", Message::new("label.last_name")).is_err());
        assert_eq!(
            check_name("\u{1f}\u{a0}Jane\u{202f}", Message::new("label.first_name"))
                .unwrap()
                .as_deref(),
            Some("Jane")
        );
        assert_eq!(
            check_name("\u{3000}", Message::new("label.first_name")).unwrap(),
            None
        );
    }

    #[test]
    fn control_characters_in_free_text_are_refused_where_hq_would_fail_late() {
        let mut d = draft("jdoe", "pw");
        d.role = "Field\u{0}worker".into();
        d.user_data = vec![entry("district", "Gulu\u{0}")];
        let errors = d.validate().unwrap_err();
        assert_eq!(errors[0].field, Field::Role);
        assert!(errors[0]
            .message
            .to_string()
            .starts_with("Role contains the invisible character U+0000"));
        assert_eq!(errors[1].field, Field::UserDataValue(0));
        assert_eq!(errors[1].field.id(), "user-data-value-0");
        assert!(errors[1]
            .message
            .to_string()
            .starts_with("User data value 1 contains"));
        assert!(check_password("pa\u{0}ss")
            .unwrap_err()
            .to_string()
            .contains("U+0000"));
        // Tabs and the like are a password's own business, as in HQ.
        assert_eq!(check_password("pa\tss").unwrap(), "pa\tss");
    }

    #[test]
    fn username_length_and_spaces_are_counted_as_hq_counts_them() {
        // 49 typed + one U+001F inside: 50 characters, a Python space that becomes a dot.
        let typed = format!("{}\u{1f}{}", "a".repeat(24), "b".repeat(25));
        assert_eq!(
            check_username(&typed).unwrap(),
            format!("{}.{}", "a".repeat(24), "b".repeat(25))
        );
        // Outer white space is not counted; inner runs are, as typed.
        assert!(check_username(&format!("  {}  ", "a".repeat(50))).is_ok());
        assert_eq!(
            username_error(&format!("{}   {}", "a".repeat(24), "b".repeat(24))),
            "Username must be 50 characters or fewer (it has 51)"
        );
    }

    #[test]
    fn phone_numbers_become_digits_and_the_first_is_default() {
        let mut d = draft("jdoe", "pw");
        d.phone_numbers = vec![
            "".into(),
            "+256 772-123456".into(),
            "+44\u{a0}20\u{202f}7946-0018".into(),
        ];
        let body = d.validate().unwrap();
        assert_eq!(body.phone_numbers, vec!["256772123456", "442079460018"]);
        assert_eq!(body.default_phone_number.as_deref(), Some("256772123456"));
    }

    #[test]
    fn phone_number_errors_name_their_position() {
        assert_eq!(
            check_phone_number("+ -", 2).unwrap_err(),
            "Phone number 2 must be digits with the country code, like +256 772 123456"
        );
        // HQ strips every + and -, as it does.
        assert_eq!(
            check_phone_number("++256-", 1).unwrap().as_deref(),
            Some("256")
        );
        assert!(check_phone_number("12ab", 1)
            .unwrap_err()
            .to_string()
            .ends_with("remove “a”, “b”"));
        // Brackets are not HQ's to drop: the trunk 0 would be stored.
        assert!(check_phone_number("+44 (0)20 7946 0018", 1)
            .unwrap_err()
            .to_string()
            .contains("cannot contain brackets"));
        assert!(check_phone_number("256.772", 1)
            .unwrap_err()
            .to_string()
            .contains("remove “.”"));
        assert!(check_phone_number("٢٥٦٧٧٢", 1)
            .unwrap_err()
            .to_string()
            .contains("the digits 0 to 9"));
        assert!(check_phone_number(&"1".repeat(16), 1)
            .unwrap_err()
            .to_string()
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
            .validate_with(&lists(&|_| Some(false), &|_| Some(false)))
            .unwrap_err();
        assert_eq!(errors[0].field, Field::Group(0));
        assert_eq!(
            errors[0].message,
            "Group 1 is not one of this project's groups; remove it"
        );
        assert_eq!(errors[1].field, Field::Location(0));
        assert!(d
            .validate_with(&lists(&|g| Some(g == id), &|l| Some(l == "loc-1")))
            .is_ok());
        let unchecked = d.validate_with(&lists(&|_| None, &|_| None)).unwrap_err();
        assert!(unchecked[0]
            .message
            .to_string()
            .contains("cannot be checked because the project's groups are not loaded"));
        assert!(unchecked[1]
            .message
            .to_string()
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
    fn user_data_keys_follow_hqs_field_rules() {
        // (key, the start of the verdict: "" for accepted)
        let table = [
            ("district_code", ""),
            ("1st", ""),
            ("-x", ""),
            ("_x", ""),
            ("Name", "User data “Name” is a reserved word"),
            ("CommCare_x", ""),
            ("XMLthing", ""),
            ("123", "User data name “123” cannot be only numbers"),
            ("has space", "User data name “has space” can only contain"),
            ("dïstrict", "User data name “dïstrict” can only contain"),
            ("name", "User data “name” is reserved"),
            (
                "commcare_project",
                "User data “commcare_project” is reserved",
            ),
            (
                "commtrack-supply-point",
                "User data “commtrack-supply-point” is reserved",
            ),
            (
                "commcare_x",
                "User data “commcare_x” cannot start with “commcare”",
            ),
            ("xmlthing", "User data “xmlthing” cannot start with “xml”"),
            ("status", "User data “status” is a reserved word"),
            ("Due_Date", "User data “Due_Date” is a reserved word"),
            ("case_id", "User data “case_id” is a reserved word"),
        ];
        for (key, verdict) in table {
            match check_user_data_key(key) {
                Ok(()) => assert_eq!(verdict, "", "{key} was accepted"),
                Err(message) => assert!(
                    !verdict.is_empty() && message.to_string().starts_with(verdict),
                    "{key}: {message}"
                ),
            }
        }
        assert!(check_user_data_key(&"k".repeat(127)).is_ok());
        assert_eq!(
            check_user_data_key(&"k".repeat(128)).unwrap_err(),
            "User data name must be 127 characters or fewer (it has 128)"
        );
    }

    #[test]
    fn user_data_names_differing_only_in_case_are_one_name_to_hq() {
        let mut d = draft("jdoe", "pw");
        d.user_data = vec![entry("District", "North"), entry("district", "South")];
        let errors = d.validate().unwrap_err();
        assert_eq!(errors[0].field, Field::UserDataKey(1));
        assert!(
            errors[0]
                .message
                .to_string()
                .contains("same name as “District”"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn user_data_rows_are_checked_and_blank_rows_skipped() {
        let mut d = draft("jdoe", "pw");
        d.user_data = vec![
            entry(" district ", " North "),
            entry("", ""),
            entry("level", ""),
        ];
        let body = d.validate().unwrap();
        assert_eq!(
            sent(&body)["user_data"],
            json!({"district": "North", "level": ""})
        );
        d.user_data.push(entry("", "orphan"));
        d.user_data.push(entry("district", "x"));
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
    fn language_codes_are_checked_as_app_languages_are() {
        // HQ's validate_lang: ^[a-z]{2,3}(-[a-z]*)?$
        for ok in ["en", "fra", "hin", "pt-br", "es-", "zh-hans"] {
            assert_eq!(check_language(ok).unwrap().as_deref(), Some(ok), "{ok}");
        }
        for bad in ["e", "English", "EN", "fr ca", "es-419", "abcd", "pt--br"] {
            assert!(
                check_language(bad)
                    .unwrap_err()
                    .to_string()
                    .contains("can never match a CommCare app language"),
                "{bad}"
            );
        }
        assert!(check_language("pt-BR")
            .unwrap_err()
            .to_string()
            .ends_with("did you mean pt-br?"));
        assert!(check_language("pt_br")
            .unwrap_err()
            .to_string()
            .ends_with("did you mean pt-br?"));
    }

    #[test]
    fn the_draft_kept_for_reloads_never_holds_the_password() {
        let d = draft("jdoe", "s3cret");
        let saved = d.to_json().write();
        assert!(!saved.contains("s3cret"), "{saved}");
        let restored = Draft::from_json(&Json::parse(&saved).unwrap()).unwrap();
        assert_eq!(restored.username, "jdoe");
        assert_eq!(restored.password, "");
    }

    #[test]
    fn every_field_but_the_password_comes_back_after_a_reload() {
        let full = Draft {
            username: "jdoe".into(),
            password: "s3cret".into(),
            first_name: "Jane \"J\"".into(),
            last_name: "Doe\n".into(),
            email: "j@d.org".into(),
            phone_numbers: vec!["+256 7".into(), String::new()],
            groups: vec!["g1".into()],
            locations: vec!["l1".into(), "l2".into()],
            primary_location: "l2".into(),
            role: "Field worker".into(),
            user_data: vec![entry("ward", "7")],
            language: "fra".into(),
            custom: vec![entry("district", "North")],
            profile: "12".into(),
            confirm_by_email: true,
        };
        let restored = Draft::from_json(&Json::parse(&full.to_json().write()).unwrap()).unwrap();
        assert_eq!(
            restored,
            Draft {
                password: String::new(),
                ..full
            }
        );
        // What is not a kept draft is no draft at all, never a half-read one.
        for kept in [
            "[]",
            r#"{"groups": "g1"}"#,
            r#"{"user_data": [{"key": "k"}]}"#,
        ] {
            assert_eq!(
                Draft::from_json(&Json::parse(kept).unwrap()),
                None,
                "{kept}"
            );
        }
        assert_eq!(
            Draft::from_json(&Json::parse(r#"{"username": "a"}"#).unwrap())
                .unwrap()
                .username,
            "a"
        );
    }

    fn policy(json: &str) -> ProjectPolicy {
        ProjectPolicy::read(&Json::parse(json).unwrap()).unwrap()
    }

    const PROJECT: &str = r#"{
        "user_fields": [
            {"slug": "district", "label": "District", "required": true, "choices": ["North", "South"]},
            {"slug": "chw_id", "label": "CHW number", "regex": "^[0-9]{6}$", "regex_msg": "Six digits, e.g. 004512"},
            {"slug": "ward", "label": "Ward"}
        ],
        "profiles": [{"id": 12, "name": "Nurse", "fields": {"district": "North"}}],
        "strong_passwords": true,
        "account_confirmation": true,
        "location_required": true,
        "roles": ["Field worker", "Supervisor"]
    }"#;

    fn errors_under(d: &Draft, p: &ProjectPolicy, strength: Verdict) -> Vec<(Field, String)> {
        d.validate_with(&Checks {
            policy: p,
            strength,
            known_group: &|_| Some(true),
            known_location: &|_| Some(true),
        })
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.field, e.message.to_string()))
        .collect()
    }

    fn ready(p: &ProjectPolicy) -> Draft {
        let mut d = draft("jdoe", "s3cret!pw");
        d.locations = vec!["loc-1".into()];
        d.custom.push(entry("district", "South"));
        d.custom.push(entry("chw_id", "004512"));
        assert!(errors_under(&d, p, Verdict::Strong(3)).is_empty());
        d
    }

    #[test]
    fn project_fields_are_required_checked_and_sent_in_user_data() {
        let p = policy(PROJECT);
        let mut d = ready(&p);
        d.custom.push(entry("ward", "  7 "));
        let body = d.validate_with(&Checks {
            policy: &p,
            strength: Verdict::Strong(3),
            known_group: &|_| Some(true),
            known_location: &|_| Some(true),
        });
        let body = body.unwrap();
        assert_eq!(body.user_data.values["district"], "South");
        assert_eq!(body.user_data.values["chw_id"], "004512");
        assert_eq!(body.user_data.values["ward"], "7");

        d.custom.clear();
        assert_eq!(
            errors_under(&d, &p, Verdict::Strong(3)),
            [(Field::UserField(0), "Choose District".to_string())]
        );
        d.custom.push(entry("district", "East"));
        d.custom.push(entry("chw_id", "4512"));
        assert_eq!(
            errors_under(&d, &p, Verdict::Strong(3)),
            [
                (
                    Field::UserField(0),
                    "District must be one of: North, South".to_string()
                ),
                (
                    Field::UserField(1),
                    "CHW number: Six digits, e.g. 004512".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_profile_fixes_its_fields_and_is_sent_as_hq_expects() {
        let p = policy(PROJECT);
        let mut d = ready(&p);
        d.profile = "12".into();
        // What was typed for a field the profile fixes is replaced by the profile's value.
        let body = d.validate_for(&p).unwrap();
        assert_eq!(body.user_data.values["district"], "North");
        let json = sent(&body);
        assert_eq!(json["user_data"][PROFILE_KEY], serde_json::json!(12));
        d.profile = "99".into();
        assert_eq!(
            errors_under(&d, &p, Verdict::Strong(3))[0].0,
            Field::Profile
        );
        let required =
            policy(r#"{"profiles": [{"id": 1, "name": "A"}], "profile_required": true}"#);
        let mut d = draft("jdoe", "pw");
        assert_eq!(
            errors_under(&d, &required, Verdict::Strong(3)),
            [(
                Field::Profile,
                "Choose a profile: this project requires one for every mobile worker".to_string()
            )]
        );
        d.profile = "1".into();
        assert!(errors_under(&d, &required, Verdict::Strong(3)).is_empty());
    }

    #[test]
    fn free_user_data_cannot_name_a_project_field() {
        let p = policy(PROJECT);
        let mut d = ready(&p);
        d.user_data = vec![entry("Ward", "x")];
        let errors = errors_under(&d, &p, Verdict::Strong(3));
        assert_eq!(errors[0].0, Field::UserDataKey(0));
        assert!(errors[0].1.contains("Ward"), "{errors:?}");
    }

    #[test]
    fn strong_passwords_follow_the_verdict() {
        let p = policy(PROJECT);
        let d = ready(&p);
        for (verdict, words) in [
            (Verdict::Weak(1), "too easy to guess"),
            (Verdict::TooShort, "at least 8 characters"),
            (Verdict::Checking, "still being checked"),
            (Verdict::Unavailable, "checker did not load"),
        ] {
            let errors = errors_under(&d, &p, verdict);
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].0, Field::Password);
            assert!(errors[0].1.contains(words), "{errors:?}");
        }
        // Without the policy the verdict is not consulted.
        assert!(errors_under(&d, &ProjectPolicy::default(), Verdict::Weak(0)).is_empty());
    }

    #[test]
    fn account_confirmation_sends_no_password_and_needs_an_email() {
        let p = policy(PROJECT);
        let mut d = ready(&p);
        d.confirm_by_email = true;
        d.password = "weak".into();
        assert_eq!(
            errors_under(&d, &p, Verdict::Weak(0)),
            [(
                Field::Email,
                "Enter the worker's email address: the link to set their password is sent there"
                    .to_string()
            )]
        );
        d.email = "jdoe@example.org".into();
        let body = d.validate_for(&p).unwrap();
        let json = sent(&body);
        assert!(json.get("password").is_none(), "{json}");
        assert_eq!(json["require_account_confirmation"], true);
        assert_eq!(json["send_confirmation_email_now"], true);
        // A project that does not allow it: the box is not shown, and a stale tick counts
        // for nothing.
        let plain = ProjectPolicy::default();
        let json = sent(&d.validate_for(&plain).unwrap());
        assert_eq!(json["password"], "weak");
        assert!(json.get("require_account_confirmation").is_none());
    }

    #[test]
    fn roles_and_locations_follow_the_project() {
        let p = policy(PROJECT);
        let mut d = ready(&p);
        d.role = "Supervisor".into();
        assert!(errors_under(&d, &p, Verdict::Strong(3)).is_empty());
        d.role = "supervisor".into();
        assert_eq!(errors_under(&d, &p, Verdict::Strong(3))[0].0, Field::Role);
        d.role.clear();
        d.locations.clear();
        assert_eq!(
            errors_under(&d, &p, Verdict::Strong(3)),
            [(
                Field::Locations,
                "Choose at least one location: this project requires every mobile worker to have one"
                    .to_string()
            )]
        );
    }

    #[test]
    fn rows_naming_a_project_field_fill_that_field() {
        let p = policy(PROJECT);
        let mut d = draft("jdoe", "pw");
        d.user_data = vec![
            entry("District", "North"),
            entry("team", "A"),
            entry("chw_id", "000001"),
        ];
        d.custom.push(entry("chw_id", "004512"));
        d.adopt_project_fields(&p);
        assert_eq!(d.user_data.len(), 1);
        assert_eq!(d.user_data[0].key, "team");
        let value = |slug: &str| {
            d.custom
                .iter()
                .find(|e| e.key == slug)
                .map(|e| e.value.clone())
        };
        assert_eq!(value("district").as_deref(), Some("North"));
        // What the operator typed in the field stays.
        assert_eq!(value("chw_id").as_deref(), Some("004512"));
    }
}
