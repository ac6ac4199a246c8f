//! What a handover slip says beside the worker's login: the app to install and where to get
//! it, and a note from the project (`"handover"` in `config.json`, or a portal's `configure`
//! where `config.json` has none). Without it a slip still carries the login. Only checked
//! here: the handover module (`handover/`) reads and prints it.

use crate::config::normalise_origin;
use crate::config::project_policy::{text, PolicyError};
use crate::i18n::Message;
use crate::json::Json;

/// The longest app name a slip shows.
pub const APP_NAME_MAX_CHARS: usize = 100;
/// The longest note a slip shows.
pub const NOTE_MAX_CHARS: usize = 300;
/// The longest install address: a QR code of error correction M holds about 2,300 characters.
pub const INSTALL_URL_MAX_CHARS: usize = 2000;

/// Checks a `handover` object: `app_name` (at most 100 characters), `install_url` (an
/// `https://` address) and an optional `note` (at most 300). The page keeps the object as
/// written and hands it to the handover module, which prints it; the error's key is relative
/// to it (`install_url`).
pub fn check(json: &Json) -> Result<(), PolicyError> {
    let fields = json.fields("", &["app_name", "install_url", "note"])?;
    for (key, max, required) in [
        ("app_name", APP_NAME_MAX_CHARS, true),
        ("install_url", INSTALL_URL_MAX_CHARS, true),
        ("note", NOTE_MAX_CHARS, false),
    ] {
        let value = match fields.text(key)? {
            Some(value) => text(&|| key.to_string(), value, max)?,
            None if required => {
                return Err(PolicyError {
                    key: key.to_string(),
                    reason: Message::new("policy_error.missing"),
                })
            }
            None => continue,
        };
        if key == "install_url" && !is_https_url(&value) {
            return Err(PolicyError {
                key: key.to_string(),
                reason: Message::new("config_error.install_url"),
            });
        }
    }
    Ok(())
}

/// An `https://` address (in lower case, as HQ gives it) with a host, an origin as
/// `config.json`'s others are, written as a phone's scanner opens it: no spaces or control
/// characters.
fn is_https_url(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("https://") else {
        return false;
    };
    let origin_end = 8 + rest.find(['/', '?', '#']).unwrap_or(rest.len());
    normalise_origin(&value[..origin_end]).is_some()
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(json: &str) -> Result<(), String> {
        check(&Json::parse(json).unwrap())
            .map_err(|e| format!("{}: {}", e.key, crate::i18n::english(&e.reason)))
    }

    #[test]
    fn a_handover_names_the_app_its_install_address_and_perhaps_a_note() {
        check_text(
            r#"{"app_name": " CHW App ", "install_url": "https://www.commcarehq.org/a/demo/app/download/abc/",
                "note": "Questions? Call Grace on 0772 000 111"}"#,
        )
        .unwrap();
        check_text(r#"{"app_name": "CHW", "install_url": "https://hq.example:8443/i?a=1#b"}"#)
            .unwrap();
    }

    #[test]
    fn each_mistake_is_named_by_its_key() {
        let cases = [
            (
                r#"{"install_url": "https://a.example/"}"#,
                "app_name: must be given",
            ),
            (r#"{"app_name": "A"}"#, "install_url: must be given"),
            (
                r#"{"app_name": " ", "install_url": "https://a.example/"}"#,
                "app_name: must not be empty",
            ),
            (
                r#"{"app_name": "A", "install_url": "http://a.example/"}"#,
                "install_url: must be an https:// address",
            ),
            (
                r#"{"app_name": "A", "install_url": "https://user:pw@a.example/"}"#,
                "install_url: must be an https:// address",
            ),
            (
                r#"{"app_name": "A", "install_url": "https://a.example/x y"}"#,
                "install_url: must be an https:// address",
            ),
            (
                r#"{"app_name": "A", "install_url": "https:///path"}"#,
                "install_url: must be an https:// address",
            ),
            (
                r#"{"app_name": "A", "install_url": "https://a.example/", "note": ""}"#,
                "note: must not be empty",
            ),
            (
                r#"{"app_name": "A", "install_url": "https://a.example/", "extra": 1}"#,
                "extra: is not a key",
            ),
            (
                r#"{"app_name": 5, "install_url": "https://a.example/"}"#,
                "app_name: must be text",
            ),
            (r#"[]"#, ": must be an object"),
        ];
        for (json, expected) in cases {
            let error = check_text(json).unwrap_err();
            assert!(error.starts_with(expected), "{json}: {error}");
        }
        let long_name = format!(
            r#"{{"app_name": "{}", "install_url": "https://a.example/"}}"#,
            "a".repeat(101)
        );
        assert_eq!(
            check_text(&long_name).unwrap_err(),
            "app_name: is too long (at most 100 characters)"
        );
        let long_note = format!(
            r#"{{"app_name": "A", "install_url": "https://a.example/", "note": "{}"}}"#,
            "é".repeat(301)
        );
        assert_eq!(
            check_text(&long_note).unwrap_err(),
            "note: is too long (at most 300 characters)"
        );
    }
}
