//! Runtime configuration: `config.json`, fetched from beside `index.html` at start-up, so one
//! build can be pointed at any CommCare server without rebuilding. Nothing in the page URL is
//! read: where data and credentials go is decided by whoever hosts the files.
//!
//! [`project_policy`] reads the project space's own settings (custom user data fields,
//! profiles, required locations, password rules); [`pattern`] turns HQ's Python regexes into
//! the browser's.
//!
//! May import: `i18n`, `json`. Nothing here knows the draft, the page or the network.

pub mod handover;
pub mod pattern;
pub mod project_policy;

use crate::config::project_policy::PolicyError;
use crate::config::project_policy::ProjectPolicy;
use crate::i18n::{Lang, Message};
use crate::json::{Json, Wrong};

/// How requests to CommCare HQ are authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// Send no credentials: a same-origin reverse proxy adds them on the server side.
    Proxy,
    /// The operator types their web-user email and API key; held in memory only.
    ApiKey,
}

/// A checked configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `""` for same origin, otherwise scheme and host without a trailing slash.
    pub base_url: String,
    /// The project space.
    pub domain: String,
    pub api_version: String,
    pub auth: AuthMode,
    pub timeout_seconds: u32,
    /// Origins of admin portals allowed to embed the form and talk to it (see `embed`).
    pub parent_origins: Vec<String>,
    /// The one interface language, when the host fixes it.
    pub ui_language: Option<Lang>,
    /// The interface languages offered (all when empty).
    pub ui_languages: Vec<Lang>,
    /// The project's own policies for new mobile workers (none when absent).
    pub project: ProjectPolicy,
    /// The country calling code offered to numbers typed with a trunk 0 (`"256"`), if any.
    pub default_country_code: Option<String>,
    /// What the handover slips say of the app to install, checked, as JSON text (none when
    /// absent).
    pub handover: Option<String>,
}

/// Why `config.json` could not be used, shown on the error screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The file could not be fetched at all (missing, server error, network).
    Unavailable(String),
    /// The file is not the JSON object this page expects (the parser's own words).
    Malformed(String),
    /// A key has a value this page cannot use.
    Invalid { key: String, reason: Message },
}

impl ConfigError {
    /// What the error screen says.
    pub fn message(&self) -> Message {
        match self {
            Self::Unavailable(why) => Message::new("config_error.unavailable").text("why", why),
            Self::Malformed(why) => Message::new("config_error.malformed").text("why", why),
            Self::Invalid { key, reason } => Message::new("config_error.invalid")
                .text("key", key.as_str())
                .message("reason", reason.clone()),
        }
    }
}

impl Config {
    /// Parses and checks the text of `config.json`.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let json = Json::parse(text).map_err(|e| ConfigError::Malformed(e.0))?;
        let raw = json.fields(
            "",
            &[
                "base_url",
                "domain",
                "api_version",
                "auth",
                "timeout_seconds",
                "embed",
                "ui_language",
                "ui_languages",
                "project",
                "default_country_code",
                "handover",
            ],
        )?;
        let auth = match raw.required_text("auth")? {
            "proxy" => AuthMode::Proxy,
            "api_key" => AuthMode::ApiKey,
            _ => return Err(invalid("auth", Message::new("config_error.auth"))),
        };
        let timeout = raw
            .whole("timeout_seconds")?
            .map_or(30, |n| n.min(u32::MAX.into()) as u32);
        let parent_origins = match raw.get("embed") {
            None => Vec::new(),
            Some(embed) => embed
                .fields("embed", &["parent_origins"])?
                .texts("parent_origins", usize::MAX)?,
        };
        Ok(Config {
            base_url: check_base_url(raw.required_text("base_url")?)?,
            domain: check_domain(raw.required_text("domain")?)?,
            api_version: check_api_version(raw.text("api_version")?.unwrap_or("v0.5"))?,
            auth,
            timeout_seconds: check_timeout(timeout)?,
            parent_origins: check_parent_origins(parent_origins.into_iter().map(|(_, o)| o))?,
            ui_language: raw
                .nullable_text("ui_language")?
                .map(|code| check_ui_language("ui_language", code))
                .transpose()?,
            ui_languages: raw
                .texts("ui_languages", usize::MAX)?
                .into_iter()
                .map(|(_, code)| check_ui_language("ui_languages", code))
                .collect::<Result<_, _>>()?,
            project: ProjectPolicy::read(raw.get("project").unwrap_or(&Json::Null))
                .map_err(|e| invalid(&format!("project.{}", e.key), e.reason))?,
            default_country_code: raw
                .nullable_text("default_country_code")?
                .map(|code| {
                    country_code(code).ok_or_else(|| {
                        invalid(
                            "default_country_code",
                            Message::new("config_error.country_code"),
                        )
                    })
                })
                .transpose()?,
            handover: match raw.get("handover") {
                None | Some(Json::Null) => None,
                Some(handover) => {
                    handover::check(handover)
                        .map_err(|e| invalid(&format!("handover.{}", e.key), e.reason))?;
                    Some(handover.write())
                }
            },
        })
    }

    /// `{base_url}/a/{domain}/api/{api_version}/user/`
    pub fn user_endpoint(&self) -> String {
        format!(
            "{}/a/{}/api/{}/user/",
            self.base_url, self.domain, self.api_version
        )
    }

    /// HQ's Mobile Workers list of the project space: the record of truth when the page cannot
    /// tell whether a worker was created. Through a same-origin proxy, the proxy sends the
    /// browser on to CommCare (see the nginx template).
    pub fn mobile_workers_url(&self) -> String {
        format!(
            "{}/a/{}/settings/users/commcare/",
            self.base_url, self.domain
        )
    }

    /// The full username HQ makes of a local part: `name@{domain}.commcarehq.org`.
    pub fn full_username(&self, username: &str) -> String {
        format!("{username}@{}.commcarehq.org", self.domain)
    }

    /// True when requests leave the page's own origin, where HQ's error replies cannot be read.
    pub fn is_cross_origin(&self, page_origin: &str) -> bool {
        !self.base_url.is_empty() && self.base_url != page_origin
    }
}

/// Fetches `config.json` from beside the page (a relative URL, so sub-path hosting works).
/// `start.js` starts that request before the wasm has even arrived and leaves its promise on
/// `window.mobileWorkerFormConfig`; it is taken from there when present.
pub async fn load() -> Result<Config, ConfigError> {
    let text = crate::page_file::fetch("config.json", Some("mobileWorkerFormConfig"))
        .await
        .map_err(ConfigError::Unavailable)?;
    Config::parse(&text)
}

impl From<Wrong> for ConfigError {
    fn from(wrong: Wrong) -> Self {
        let PolicyError { key, reason } = wrong.into();
        ConfigError::Invalid { key, reason }
    }
}

fn invalid(key: &str, reason: Message) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        reason,
    }
}

/// A country calling code as written in `config.json` or a portal's `configure` (`"256"`,
/// `"+256"`): 1 to 3 digits, the first not 0. `None` for anything else.
pub fn country_code(written: &str) -> Option<String> {
    let code = written.trim().strip_prefix('+').unwrap_or(written.trim());
    let ok = (1..=3).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_digit())
        && !code.starts_with('0');
    ok.then(|| code.to_string())
}

fn check_ui_language(key: &'static str, code: &str) -> Result<Lang, ConfigError> {
    Lang::from_code(code).ok_or_else(|| {
        let codes: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        invalid(
            key,
            Message::new("config_error.ui_language")
                .text("code", code)
                .text("codes", codes.join(", ")),
        )
    })
}

/// `value` as the browser writes an origin (`event.origin`, `location.origin`): scheme and
/// host in lower case, the default port dropped. `None` unless it is `http(s)://host[:port]`
/// and nothing more: no path, query, credentials, wildcard, or non-ASCII host (browsers
/// write those in punycode, `xn--…`).
pub fn normalise_origin(value: &str) -> Option<String> {
    let (scheme, rest) = value.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let (host, port) = match rest.rsplit_once(':') {
        // An IPv6 literal's own colons sit inside its brackets.
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (rest, None),
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ipv6) => ipv6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        }
    };
    if !host_ok {
        return None;
    }
    let host = host.to_ascii_lowercase();
    match port {
        None => Some(format!("{scheme}://{host}")),
        Some(port) => {
            let number: u16 = port
                .parse()
                .ok()
                .filter(|_| port.chars().all(|c| c.is_ascii_digit()))?;
            if port == default_port || number.to_string() == default_port {
                Some(format!("{scheme}://{host}"))
            } else {
                Some(format!("{scheme}://{host}:{number}"))
            }
        }
    }
}

fn check_base_url(value: &str) -> Result<String, ConfigError> {
    let value = value.trim().trim_end_matches('/');
    if value.is_empty() {
        return Ok(String::new());
    }
    let lower = value.to_ascii_lowercase();
    if !lower.starts_with("https://") && !lower.starts_with("http://") {
        return Err(invalid(
            "base_url",
            Message::new("config_error.base_url_scheme"),
        ));
    }
    normalise_origin(value)
        .ok_or_else(|| invalid("base_url", Message::new("config_error.base_url_origin")))
}

/// The longest project space name: it stands as a DNS label in `name@{domain}.commcarehq.org`.
const DOMAIN_MAX_CHARS: usize = 63;

fn check_domain(value: &str) -> Result<String, ConfigError> {
    // HQ's project space names: lower-case letters and digits, single hyphens between them.
    let ok = (1..=DOMAIN_MAX_CHARS).contains(&value.len())
        && value.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(value.to_string())
    } else {
        Err(invalid("domain", Message::new("config_error.domain")))
    }
}

fn check_api_version(value: &str) -> Result<String, ConfigError> {
    let ok = value
        .strip_prefix('v')
        .and_then(|v| v.split_once('.'))
        .is_some_and(|(major, minor)| {
            [major, minor]
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        });
    if ok {
        Ok(value.to_string())
    } else {
        Err(invalid(
            "api_version",
            Message::new("config_error.api_version"),
        ))
    }
}

fn check_timeout(seconds: u32) -> Result<u32, ConfigError> {
    if (1..=600).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(invalid(
            "timeout_seconds",
            Message::new("config_error.timeout"),
        ))
    }
}

/// Each origin written as browsers write it, duplicates dropped.
fn check_parent_origins<'a>(
    origins: impl Iterator<Item = &'a str>,
) -> Result<Vec<String>, ConfigError> {
    let mut checked: Vec<String> = Vec::new();
    for origin in origins {
        let origin = normalise_origin(origin).ok_or_else(|| {
            let key = if origin.is_ascii() {
                "config_error.origin"
            } else {
                "config_error.origin_idn"
            };
            invalid(
                "embed.parent_origins",
                Message::new(key).text("origin", origin),
            )
        })?;
        if !checked.contains(&origin) {
            checked.push(origin);
        }
    }
    Ok(checked)
}

/// Host tests read the explanation in English.
#[cfg(test)]
impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::i18n::english(&self.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: &str =
        r#"{"base_url": "", "domain": "demo", "api_version": "v0.5", "auth": "proxy"}"#;

    #[test]
    fn the_shipped_config_targets_the_same_origin() {
        let shipped = Config::parse(include_str!("../../config.json")).unwrap();
        assert_eq!(shipped.base_url, "");
        assert_eq!(shipped.auth, AuthMode::Proxy);
        assert_eq!(shipped.user_endpoint(), "/a/demo/api/v0.5/user/");
    }

    #[test]
    fn same_origin_endpoint_and_defaults() {
        let c = Config::parse(DEFAULT).unwrap();
        assert_eq!(c.user_endpoint(), "/a/demo/api/v0.5/user/");
        assert_eq!(c.timeout_seconds, 30);
        assert_eq!(c.full_username("jdoe"), "jdoe@demo.commcarehq.org");
        assert_eq!(c.mobile_workers_url(), "/a/demo/settings/users/commcare/");
        assert!(!c.is_cross_origin("http://localhost:8080"));
    }

    #[test]
    fn remote_server_endpoint_drops_trailing_slash() {
        let c = Config::parse(
            r#"{"base_url": "https://www.commcarehq.org/", "domain": "my-project", "auth": "api_key"}"#,
        )
        .unwrap();
        assert_eq!(
            c.user_endpoint(),
            "https://www.commcarehq.org/a/my-project/api/v0.5/user/"
        );
        assert_eq!(c.auth, AuthMode::ApiKey);
        assert!(c.is_cross_origin("http://localhost:8080"));
        assert!(!c.is_cross_origin("https://www.commcarehq.org"));
    }

    #[test]
    fn broken_json_is_reported_as_malformed() {
        let err = Config::parse("{\"base_url\": ").unwrap_err();
        assert!(matches!(err, ConfigError::Malformed(_)));
        assert!(err.to_string().starts_with("config.json is not valid"));
    }

    #[test]
    fn missing_and_misspelt_keys_are_named() {
        let err = Config::parse(r#"{"base_url": "", "auth": "proxy"}"#).unwrap_err();
        assert_eq!(err.to_string(), "config.json: \"domain\" must be given");
        let err =
            Config::parse(r#"{"base_ur": "", "domain": "demo", "auth": "proxy", "base_url": ""}"#)
                .unwrap_err();
        assert!(
            err.to_string().contains("\"base_ur\" is not a key"),
            "{err}"
        );
        let err = Config::parse(
            r#"{"base_url": "", "domain": "demo", "auth": "proxy", "embed": {"parent_origin": []}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("\"embed.parent_origin\""), "{err}");
        let err =
            Config::parse(r#"{"base_url": 1, "domain": "demo", "auth": "proxy"}"#).unwrap_err();
        assert!(
            err.to_string().contains("\"base_url\" must be text"),
            "{err}"
        );
    }

    #[test]
    fn a_default_country_code_is_a_calling_code() {
        let with = |code: &str| {
            Config::parse(&format!(
                r#"{{"base_url": "", "domain": "demo", "auth": "proxy", "default_country_code": {code}}}"#
            ))
        };
        assert_eq!(
            with(r#""256""#).unwrap().default_country_code.as_deref(),
            Some("256")
        );
        assert_eq!(
            with(r#""+1""#).unwrap().default_country_code.as_deref(),
            Some("1")
        );
        assert_eq!(with("null").unwrap().default_country_code, None);
        for bad in [
            r#""""#,
            r#""0256""#,
            r#""2567""#,
            r#""+""#,
            r#""25a""#,
            "256",
        ] {
            let err = with(bad).unwrap_err().to_string();
            assert!(err.contains("default_country_code"), "{bad}: {err}");
        }
    }

    #[test]
    fn null_is_none_only_where_a_key_is_optional() {
        let with = |extra: &str| {
            Config::parse(&format!(
                r#"{{"base_url": "", "domain": "demo", "auth": "proxy", {extra}}}"#
            ))
        };
        assert_eq!(with(r#""ui_language": null"#).unwrap().ui_language, None);
        assert_eq!(
            with(r#""project": null"#).unwrap().project,
            ProjectPolicy::default()
        );
        for (extra, words) in [
            (
                r#""timeout_seconds": null"#,
                "\"timeout_seconds\" must be a whole number",
            ),
            (r#""ui_languages": null"#, "\"ui_languages\" must be a list"),
            (r#""embed": null"#, "\"embed\" must be an object"),
            (
                r#""project": {"strong_passwords": null}"#,
                "\"project.strong_passwords\" must be true or false",
            ),
        ] {
            let err = with(extra).unwrap_err().to_string();
            assert!(err.contains(words), "{extra}: {err}");
        }
    }

    #[test]
    fn unknown_auth_mode_is_refused() {
        let err =
            Config::parse(r#"{"base_url": "", "domain": "demo", "auth": "basic"}"#).unwrap_err();
        assert!(
            err.to_string().contains("\"proxy\" or \"api_key\""),
            "{err}"
        );
    }

    #[test]
    fn base_url_must_be_scheme_and_host_only() {
        for bad in [
            "javascript:alert(1)",
            "www.commcarehq.org",
            "https://",
            "https://hq.example/a/other",
            "https://user:pw@hq.example",
            "https://hq.example?x=1",
        ] {
            let text = format!(r#"{{"base_url": "{bad}", "domain": "demo", "auth": "proxy"}}"#);
            let err = Config::parse(&text).unwrap_err();
            assert!(
                matches!(
                    err,
                    ConfigError::Invalid { ref key, .. } if key == "base_url"
                ),
                "{bad}: {err}"
            );
        }
        let ok = Config::parse(
            r#"{"base_url": "http://127.0.0.1:8001", "domain": "demo", "auth": "proxy"}"#,
        )
        .unwrap();
        assert_eq!(ok.base_url, "http://127.0.0.1:8001");
    }

    #[test]
    fn parent_origins_are_read_and_checked() {
        let c = Config::parse(
            r#"{"base_url": "", "domain": "demo", "auth": "proxy", "embed": {"parent_origins": ["https://portal.example.org"]}}"#,
        )
        .unwrap();
        assert_eq!(c.parent_origins, vec!["https://portal.example.org"]);
        assert!(Config::parse(DEFAULT).unwrap().parent_origins.is_empty());
        let err = Config::parse(
            r#"{"base_url": "", "domain": "demo", "auth": "proxy", "embed": {"parent_origins": ["*"]}}"#,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Invalid { ref key, .. } if key == "embed.parent_origins"
            ),
            "{err}"
        );
    }

    #[test]
    fn parent_origins_are_written_as_browsers_write_them_once_each() {
        let c = Config::parse(
            r#"{"base_url": "", "domain": "demo", "auth": "proxy", "embed": {"parent_origins": [
                "https://Portal.Example.org", "https://portal.example.org:443", "HTTP://portal.example.org:80",
                "http://127.0.0.1:8080", "https://portal.example.org", "http://[::1]:8443", "https://[::1]:443"]}}"#,
        )
        .unwrap();
        assert_eq!(
            c.parent_origins,
            vec![
                "https://portal.example.org",
                "http://portal.example.org",
                "http://127.0.0.1:8080",
                "http://[::1]:8443",
                "https://[::1]",
            ]
        );
        for bad in [
            "https://portal.example.org:99999",
            "https://portal.example.org:",
            "https://portal.example.org:+1",
            "https://portäl.example.org",
            "https://user@portal.example.org",
            "ftp://portal.example.org",
            "https://*.example.org",
            "https://portal.example.org/",
            "https://[::1",
        ] {
            let text = format!(
                r#"{{"base_url": "", "domain": "demo", "auth": "proxy", "embed": {{"parent_origins": ["{bad}"]}}}}"#
            );
            let err = Config::parse(&text).unwrap_err();
            assert!(
                err.to_string().contains("must be an origin only"),
                "{bad}: {err}"
            );
        }
        let err = Config::parse(
            r#"{"base_url": "", "domain": "demo", "auth": "proxy", "embed": {"parent_origins": ["https://portäl.example.org"]}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("xn--"), "{err}");
    }

    #[test]
    fn base_url_is_written_as_an_origin() {
        let c = Config::parse(
            r#"{"base_url": "HTTPS://WWW.CommCareHQ.org:443/", "domain": "demo", "auth": "api_key"}"#,
        )
        .unwrap();
        assert_eq!(c.base_url, "https://www.commcarehq.org");
        assert!(!c.is_cross_origin("https://www.commcarehq.org"));
    }

    #[test]
    fn a_domain_is_a_dns_label() {
        let with = |domain: &str| {
            Config::parse(&format!(
                r#"{{"base_url": "", "domain": "{domain}", "auth": "proxy"}}"#
            ))
        };
        assert!(with("my-project-2").is_ok());
        assert!(with(&"a".repeat(63)).is_ok());
        for long in ["a".repeat(64), "a".repeat(100_000)] {
            match with(&long) {
                Err(ConfigError::Invalid { key, .. }) => assert_eq!(key, "domain"),
                other => panic!("{} characters: {other:?}", long.len()),
            }
        }
    }

    #[test]
    fn domain_version_and_timeout_are_checked() {
        for (text, key) in [
            (
                r#"{"base_url": "", "domain": "Demo Space", "auth": "proxy"}"#,
                "domain",
            ),
            (
                r#"{"base_url": "", "domain": "../x", "auth": "proxy"}"#,
                "domain",
            ),
            (
                r#"{"base_url": "", "domain": "-demo", "auth": "proxy"}"#,
                "domain",
            ),
            (
                r#"{"base_url": "", "domain": "demo--2", "auth": "proxy"}"#,
                "domain",
            ),
            (
                r#"{"base_url": "", "domain": "demo-", "auth": "proxy"}"#,
                "domain",
            ),
            (
                r#"{"base_url": "", "domain": "demo", "api_version": "latest", "auth": "proxy"}"#,
                "api_version",
            ),
            (
                r#"{"base_url": "", "domain": "demo", "timeout_seconds": 0, "auth": "proxy"}"#,
                "timeout_seconds",
            ),
        ] {
            match Config::parse(text) {
                Err(ConfigError::Invalid { key: got, .. }) => assert_eq!(got, key, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}
