//! The embedding protocol: messages between the form (in an iframe) and the admin portal that
//! frames it, over `postMessage`. Version 1.
//!
//! Form → parent: `ready`, `resize {height}`, `created {user_id, username}`,
//! `error {message}`, `cancelled`. Parent → form: `configure {defaults, credentials}`.
//! Every message is an object `{"protocol": "commcare-mobile-worker-form", "version": 1,
//! "type": …}`. Messages go only to the parent origins allowed in `config.json`, never to `"*"`,
//! and are taken only from `window.parent` at one of those origins.

use crate::config::handover;
use crate::config::project_policy::ProjectPolicy;
use crate::hq::credentials::{CredentialError, Credentials};
use crate::i18n::Lang;
use crate::json::Json;
use crate::worker::{Draft, UserDataEntry};
use std::collections::BTreeMap;

pub const PROTOCOL: &str = "commcare-mobile-worker-form";
pub const VERSION: u32 = 1;

/// What the form tells its parent.
#[derive(Clone, Debug, PartialEq)]
pub enum Outgoing {
    Ready,
    Resize { height: u32 },
    Created { user_id: String, username: String },
    Error { message: String },
    Cancelled,
}

impl Outgoing {
    pub fn to_json(&self) -> Json {
        let text = |s: &String| Json::from(s.as_str());
        let (kind, mut rest) = match self {
            Outgoing::Ready => ("ready", vec![]),
            Outgoing::Resize { height } => ("resize", vec![("height", u64::from(*height).into())]),
            Outgoing::Created { user_id, username } => (
                "created",
                vec![("user_id", text(user_id)), ("username", text(username))],
            ),
            Outgoing::Error { message } => ("error", vec![("message", text(message))]),
            Outgoing::Cancelled => ("cancelled", vec![]),
        };
        let mut message = vec![
            ("protocol", PROTOCOL.into()),
            ("version", u64::from(VERSION).into()),
            ("type", kind.into()),
        ];
        message.append(&mut rest);
        Json::object(message)
    }
}

/// Field values the portal fills in; the operator can still change them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Defaults {
    pub language: Option<String>,
    pub groups: Vec<String>,
    pub user_data: BTreeMap<String, String>,
}

/// The largest message from the parent that is read at all.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Bounds on what a portal may hand over, so a hostile or broken one cannot freeze the page.
pub const MAX_DEFAULT_ITEMS: usize = 200;
pub const MAX_DEFAULT_TEXT: usize = 1000;

impl Defaults {
    /// `defaults` as a portal writes it; `None` unless each key is known and of its type.
    fn read(json: &Json) -> Option<Defaults> {
        let fields = json.fields("", &["language", "groups", "user_data"]).ok()?;
        let user_data = match fields.get("user_data") {
            None => BTreeMap::new(),
            Some(Json::Object(pairs)) => pairs
                .iter()
                .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect::<Option<_>>()?,
            Some(_) => return None,
        };
        Some(Defaults {
            language: fields.nullable_text("language").ok()?.map(str::to_string),
            groups: (fields.texts("groups", usize::MAX).ok()?)
                .into_iter()
                .map(|(_, group)| group.to_string())
                .collect(),
            user_data,
        })
    }

    fn is_reasonable(&self) -> bool {
        let short = |s: &String| s.len() <= MAX_DEFAULT_TEXT;
        self.groups.len() <= MAX_DEFAULT_ITEMS
            && self.user_data.len() <= MAX_DEFAULT_ITEMS
            && self.groups.iter().all(short)
            && self.language.as_ref().is_none_or(short)
            && self.user_data.iter().all(|(k, v)| short(k) && short(v))
    }

    /// A fresh draft's values: these defaults over an empty form.
    pub fn apply_to(&self, draft: &mut Draft) {
        self.refill(&Defaults::default(), draft);
    }

    /// Moves `draft` from the `previous` defaults to these, field by field, but only where the
    /// operator has not changed what `previous` put there: what they chose or typed stays.
    /// A user data row the operator removed is not brought back.
    pub fn refill(&self, previous: &Defaults, draft: &mut Draft) {
        if draft.language == previous.language.clone().unwrap_or_default() {
            draft.language = self.language.clone().unwrap_or_default();
        }
        if draft.groups == previous.groups {
            draft.groups = self.groups.clone();
        }
        // A row names the same field as a default the way HQ compares names: trimmed, any case.
        let same = |row: &UserDataEntry, key: &str| row.key.trim().eq_ignore_ascii_case(key.trim());
        for (key, old) in &previous.user_data {
            let Some(i) = draft.user_data.iter().position(|e| same(e, key)) else {
                continue;
            };
            if &draft.user_data[i].value != old {
                continue;
            }
            match self.user_data.get(key) {
                Some(new) => draft.user_data[i].value = new.clone(),
                None => {
                    draft.user_data.remove(i);
                }
            }
        }
        for (key, value) in &self.user_data {
            let known = previous
                .user_data
                .keys()
                .any(|k| k.trim().eq_ignore_ascii_case(key.trim()))
                || draft.user_data.iter().any(|e| same(e, key));
            if !known {
                draft.user_data.push(UserDataEntry {
                    key: key.clone(),
                    value: value.clone(),
                });
            }
        }
    }
}

/// For the portal's developers (protocol messages are not translated): which part of the
/// credential cannot be sent, and the character, never the credential itself.
fn unsendable(error: &CredentialError) -> String {
    let part = match error.part() {
        crate::hq::credentials::CredentialPart::Email => "the web user email",
        crate::hq::credentials::CredentialPart::ApiKey => "the API key",
        crate::hq::credentials::CredentialPart::BearerToken => "the bearer token",
    };
    match error {
        CredentialError::Missing(_) => format!("{part} is empty"),
        CredentialError::Unsendable { found, .. } if found.is_ascii_graphic() => {
            format!("{part} contains “{found}”, which no request header can carry")
        }
        CredentialError::Unsendable { found, .. } => format!(
            "{part} contains “{found}” (U+{:04X}), which no request header can carry",
            *found as u32
        ),
    }
}

/// What a `configure` does to the credential handed over earlier. Only a message that names
/// `credentials` changes it: without the key it stays, `null` takes it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialChange {
    Keep,
    Clear,
    Set(Credentials),
}

/// A `configure` message, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Configure {
    pub defaults: Defaults,
    pub credentials: CredentialChange,
    /// The interface language the portal speaks, if it says.
    pub ui_language: Option<Lang>,
    /// A `ui_language` the form does not speak, left aside (the rest of the message stands).
    pub unknown_language: Option<String>,
    /// The project's policies, when the portal states them (they replace `config.json`'s).
    pub project: Option<ProjectPolicy>,
    /// The same, as the portal wrote them (for bulk creation's module, which reads them
    /// itself).
    pub project_text: Option<String>,
    /// The country calling code offered to numbers with a trunk 0, used where `config.json`
    /// names none.
    pub default_country_code: Option<String>,
    /// What the handover slips say of the app (checked, as JSON text), used where
    /// `config.json` states none.
    pub handover: Option<String>,
}

/// What `config.json` states that a portal may not replace.
#[derive(Clone, Copy, Debug, Default)]
pub struct HostStates {
    pub project: bool,
    pub handover: bool,
}

impl Configure {
    /// Takes the portal's policies out when `config.json` states the project's own: a portal
    /// may state them where the host has not, never replace (and so weaken) the host's. What
    /// the portal is told, if anything was taken out.
    pub fn keep_hosts_project(&mut self, host_states_one: bool) -> Option<String> {
        (host_states_one && self.project.take().is_some()).then(|| {
            self.project_text = None;
            "project ignored: config.json states this project's policies, which a portal cannot replace"
                .to_string()
        })
    }

    /// Takes the portal's `handover` out when `config.json` states one, as for the project.
    pub fn keep_hosts_handover(&mut self, host_states_one: bool) -> Option<String> {
        (host_states_one && self.handover.take().is_some()).then(|| {
            "handover ignored: config.json states one, which a portal cannot replace".to_string()
        })
    }

    /// What the portal is told when its `ui_language` was left aside (protocol messages are
    /// for the portal's developers, in English).
    pub fn language_complaint(&self) -> Option<String> {
        let code = self.unknown_language.as_ref()?;
        let codes: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        Some(format!(
            "ui_language \"{code}\" ignored: the form speaks {}",
            codes.join(", ")
        ))
    }
}

/// Why a message from the parent was ignored. Never echoes the message, which may hold a
/// credential.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Ignored {
    #[error("not a message of this form's protocol")]
    OtherProtocol,
    #[error("unsupported protocol version")]
    UnsupportedVersion,
    #[error("unknown message type")]
    UnknownType,
    #[error("malformed configure message")]
    Malformed,
    #[error("credentials must hold exactly one of api_key or bearer_token")]
    AmbiguousCredentials,
    /// Defaults no form could show (thousands of rows, novels for values).
    #[error("defaults too large for one form")]
    TooLarge,
    /// A credential that could never be sent; the portal is told, as an `error`.
    #[error("configure ignored: {}", unsendable(.0))]
    BadCredential(CredentialError),
    /// Policies that could not be enforced as written: the whole message is refused, since
    /// applying the rest would leave the form enforcing less than the project asks. The
    /// portal is told where; the same object in `config.json` shows why on the error screen.
    #[error("configure ignored: \"project.{0}\" is not valid (put the same object in config.json to see why)")]
    BadProject(String),
    #[error("configure ignored: \"handover.{0}\" is not valid (put the same object in config.json to see why)")]
    BadHandover(String),
    #[error("configure ignored: \"default_country_code\" must be a country calling code of 1 to 3 digits, such as \"256\"")]
    BadCountryCode,
}

/// Reads a message from the parent: the text of its JSON.
pub fn read_incoming(text: &str) -> Result<Configure, Ignored> {
    let message = Json::parse(text).map_err(|_| Ignored::OtherProtocol)?;
    let envelope = |key| message.get(key);
    if envelope("protocol").and_then(Json::as_str) != Some(PROTOCOL) {
        return Err(Ignored::OtherProtocol);
    }
    if envelope("version").and_then(Json::as_whole) != Some(VERSION.into()) {
        return Err(Ignored::UnsupportedVersion);
    }
    if envelope("type").and_then(Json::as_str) != Some("configure") {
        return Err(Ignored::UnknownType);
    }
    let fields = message
        .fields(
            "",
            &[
                "protocol",
                "version",
                "type",
                "defaults",
                "credentials",
                "ui_language",
                "project",
                "default_country_code",
                "handover",
            ],
        )
        .map_err(|_| Ignored::Malformed)?;
    let defaults = match fields.get("defaults") {
        None => Defaults::default(),
        Some(defaults) => Defaults::read(defaults).ok_or(Ignored::Malformed)?,
    };
    if !defaults.is_reasonable() {
        return Err(Ignored::TooLarge);
    }
    let credentials = read_credentials(message.get("credentials"))?;
    let ui_language_text = fields
        .nullable_text("ui_language")
        .map_err(|_| Ignored::Malformed)?
        .map(str::to_string);
    let project_json = fields.given("project");
    let project = project_json
        .map(ProjectPolicy::read)
        .transpose()
        .map_err(|e| Ignored::BadProject(e.key))?;
    let ui_language = ui_language_text.as_deref().and_then(Lang::from_code);
    let unknown_language = ui_language_text.filter(|_| ui_language.is_none());
    let default_country_code = fields
        .nullable_text("default_country_code")
        .map_err(|_| Ignored::BadCountryCode)?
        .map(|code| crate::config::country_code(code).ok_or(Ignored::BadCountryCode))
        .transpose()?;
    let handover = match fields.given("handover") {
        None | Some(Json::Null) => None,
        Some(given) => {
            handover::check(given).map_err(|e| Ignored::BadHandover(e.key))?;
            Some(given.write())
        }
    };
    Ok(Configure {
        defaults,
        credentials,
        ui_language,
        unknown_language,
        project,
        project_text: project_json.map(Json::write),
        default_country_code,
        handover,
    })
}

/// A `configure`'s `credentials`, if any.
fn read_credentials(given: Option<&Json>) -> Result<CredentialChange, Ignored> {
    // Absent and `null` differ: see [`CredentialChange`].
    Ok(match given {
        None => CredentialChange::Keep,
        Some(Json::Null) => CredentialChange::Clear,
        Some(raw) => {
            let raw = raw
                .fields("", &["api_key", "bearer_token"])
                .map_err(|_| Ignored::Malformed)?;
            let credentials = match (raw.given("api_key"), raw.given("bearer_token")) {
                (Some(api_key), None) => {
                    let api_key = api_key
                        .fields("", &["email", "key"])
                        .map_err(|_| Ignored::Malformed)?;
                    let text = |key| {
                        api_key
                            .required_text(key)
                            .map(str::to_string)
                            .map_err(|_| Ignored::Malformed)
                    };
                    Credentials::ApiKey {
                        email: text("email")?,
                        key: text("key")?,
                    }
                }
                (None, Some(Json::Text(token))) => Credentials::Bearer {
                    token: token.clone(),
                },
                (None, Some(_)) => return Err(Ignored::Malformed),
                _ => return Err(Ignored::AmbiguousCredentials),
            };
            credentials.check().map_err(Ignored::BadCredential)?;
            CredentialChange::Set(credentials)
        }
    })
}

/// Whether `origin` is one the configuration allows to embed the form. Both sides are written
/// as browsers write origins (`config` normalises the allowed ones).
pub fn is_allowed(origin: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| a == origin)
}

#[cfg(test)]
mod tests;
