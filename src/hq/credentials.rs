//! The credential a request to HQ carries, held in memory only: a web user's API key (typed by
//! the operator or handed over by an embedding portal) or an OAuth bearer token from the portal.
//!
//! It travels in the `Authorization` header, which browsers only take in visible ASCII: a
//! pasted zero-width space or an `ł` in an email would make the request fail to build. So every
//! credential is checked here first, and the operator is told which character is the problem.

use crate::config::AuthMode;
use crate::i18n::Message;
use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    ApiKey { email: String, key: String },
    Bearer { token: String },
}

impl Credentials {
    pub fn authorization(&self) -> String {
        match self {
            Self::ApiKey { email, key } => format!("ApiKey {}:{}", email.trim(), key.trim()),
            Self::Bearer { token } => format!("Bearer {}", token.trim()),
        }
    }

    /// Every part checked: `Err` names the part and the character that cannot be sent.
    pub fn check(&self) -> Result<(), CredentialError> {
        match self {
            Self::ApiKey { email, key } => {
                check_part(email, CredentialPart::Email)?;
                check_part(key, CredentialPart::ApiKey)
            }
            Self::Bearer { token } => check_part(token, CredentialPart::BearerToken),
        }
    }
}

/// Never prints the secret, so a stray `{:?}` cannot put it in a console or log.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey { email, .. } => write!(f, "ApiKey {{ email: {email:?}, key: <hidden> }}"),
            Self::Bearer { .. } => f.write_str("Bearer { token: <hidden> }"),
        }
    }
}

/// Which part of a credential a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialPart {
    Email,
    ApiKey,
    BearerToken,
}

/// Why a credential cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialError {
    Missing(CredentialPart),
    /// A character outside visible ASCII, which no request header can carry.
    Unsendable {
        part: CredentialPart,
        found: char,
    },
}

impl CredentialError {
    pub fn part(&self) -> CredentialPart {
        match self {
            Self::Missing(part) | Self::Unsendable { part, .. } => *part,
        }
    }
}

impl CredentialError {
    /// What the page says about it.
    pub fn message(&self) -> Message {
        match self {
            Self::Missing(CredentialPart::Email) => Message::new("credential.email.missing"),
            Self::Missing(CredentialPart::ApiKey) => Message::new("credential.api_key.missing"),
            Self::Missing(CredentialPart::BearerToken) => Message::new("credential.token.missing"),
            Self::Unsendable { part, found } => Message::new(match part {
                CredentialPart::Email => "credential.email.unsendable",
                CredentialPart::ApiKey => "credential.api_key.unsendable",
                CredentialPart::BearerToken => "credential.token.unsendable",
            })
            .chars("chars", vec![*found]),
        }
    }
}

/// The web user's email and API key as the operator typed them; in memory only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TypedKey {
    pub email: String,
    pub key: String,
}

/// Never prints the key.
impl fmt::Debug for TypedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypedKey {{ email: {:?}, key: <hidden> }}", self.email)
    }
}

impl TypedKey {
    /// Every problem with it, each part on its own.
    pub fn problems(&self) -> Vec<CredentialError> {
        api_key_problems(&self.email, &self.key)
    }
}

/// The credential a request carries, for the one-worker form and bulk creation alike: none
/// behind a proxy (it adds its own, and nothing from here should reach it); in `api_key` mode
/// the one a portal handed over, else the typed one, unless its email or key is still blank.
pub fn for_request(
    auth: AuthMode,
    handed_over: Option<&Credentials>,
    typed: &TypedKey,
) -> Option<Credentials> {
    match auth {
        AuthMode::Proxy => None,
        AuthMode::ApiKey => handed_over.cloned().or_else(|| {
            let blank = typed.email.trim().is_empty() || typed.key.trim().is_empty();
            (!blank).then(|| Credentials::ApiKey {
                email: typed.email.clone(),
                key: typed.key.clone(),
            })
        }),
    }
}

/// Every problem with a typed email and key, each part on its own.
pub fn api_key_problems(email: &str, key: &str) -> Vec<CredentialError> {
    [
        check_part(email, CredentialPart::Email),
        check_part(key, CredentialPart::ApiKey),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect()
}

fn check_part(value: &str, part: CredentialPart) -> Result<(), CredentialError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(CredentialError::Missing(part));
    }
    // Inner spaces would split the header's fields; outer ones are trimmed when sending.
    match value.chars().find(|c| !c.is_ascii_graphic()) {
        Some(found) => Err(CredentialError::Unsendable { part, found }),
        None => Ok(()),
    }
}

/// Host tests read the explanation in English.
#[cfg(test)]
impl std::fmt::Display for CredentialError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::i18n::english(&self.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(email: &str, key: &str) -> Credentials {
        Credentials::ApiKey {
            email: email.into(),
            key: key.into(),
        }
    }

    #[test]
    fn the_header_never_shows_the_secret_in_debug_output() {
        let c = key(" admin@example.org", "abc123secret ");
        assert_eq!(c.authorization(), "ApiKey admin@example.org:abc123secret");
        assert!(!format!("{c:?}").to_string().contains("abc123secret"));
        let b = Credentials::Bearer {
            token: "tok-secret".into(),
        };
        assert_eq!(b.authorization(), "Bearer tok-secret");
        assert!(!format!("{b:?}").to_string().contains("tok-secret"));
    }

    #[test]
    fn characters_no_header_can_carry_are_named() {
        assert_eq!(key("admin@example.org", " abc123 ").check(), Ok(()));
        let err = key("paweł@example.org", "abc").check().unwrap_err();
        assert_eq!(
            err,
            CredentialError::Unsendable {
                part: CredentialPart::Email,
                found: 'ł'
            }
        );
        assert!(
            err.to_string()
                .to_string()
                .starts_with("The web user email contains “ł”"),
            "{err}"
        );
        let err = key("a@b.org", "abc\u{200b}def").check().unwrap_err();
        assert_eq!(err.part(), CredentialPart::ApiKey);
        assert!(
            err.to_string().contains("the invisible character U+200B"),
            "{err}"
        );
        assert!(key("a@b.org", "ab cd").check().is_err());
        let token = Credentials::Bearer {
            token: "tök".into(),
        };
        assert_eq!(
            token.check().unwrap_err().part(),
            CredentialPart::BearerToken
        );
    }

    #[test]
    fn both_typed_parts_are_checked_on_their_own() {
        let problems = api_key_problems("", "k\u{feff}");
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0], CredentialError::Missing(CredentialPart::Email));
        assert_eq!(problems[1].part(), CredentialPart::ApiKey);
        assert!(api_key_problems("a@b.org", "k").is_empty());
    }

    #[test]
    fn blank_parts_are_missing() {
        assert_eq!(
            key(" ", "k").check(),
            Err(CredentialError::Missing(CredentialPart::Email))
        );
        assert_eq!(
            key("a@b.org", "").check().unwrap_err().to_string(),
            "Enter your CommCare API key"
        );
    }

    #[test]
    fn a_request_carries_a_portals_credential_else_a_whole_typed_key_never_behind_a_proxy() {
        let portal = Credentials::Bearer {
            token: "tok".into(),
        };
        let typed = |email: &str, key: &str| TypedKey {
            email: email.into(),
            key: key.into(),
        };
        let whole = typed("a@b.org", "k");
        assert_eq!(for_request(AuthMode::Proxy, Some(&portal), &whole), None);
        assert_eq!(
            for_request(AuthMode::ApiKey, Some(&portal), &whole),
            Some(portal.clone())
        );
        assert_eq!(
            for_request(AuthMode::ApiKey, None, &whole),
            Some(key("a@b.org", "k"))
        );
        for blank in [typed("a@b.org", " "), typed("", "k")] {
            assert_eq!(
                for_request(AuthMode::ApiKey, None, &blank),
                None,
                "{blank:?}"
            );
        }
        assert!(!format!("{whole:?}").contains("\"k\""));
    }
}
