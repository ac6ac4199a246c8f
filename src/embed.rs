//! The embedding protocol: messages between the form (in an iframe) and the admin portal that
//! frames it, over `postMessage`. Version 1.
//!
//! Form → parent: `ready`, `resize {height}`, `created {user_id, username}`,
//! `error {message}`, `cancelled`. Parent → form: `configure {defaults, credentials}`.
//! Every message is an object `{"protocol": "commcare-mobile-worker-form", "version": 1,
//! "type": …}`. Messages go only to the parent origins allowed in `config.json`, never to `"*"`,
//! and are taken only from `window.parent` at one of those origins.

use crate::hq::Credentials;
use crate::mobile_worker::{Draft, UserDataEntry};
use serde::Deserialize;
use serde_json::{json, Value};
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
    pub fn to_json(&self) -> Value {
        let mut message = match self {
            Outgoing::Ready => json!({"type": "ready"}),
            Outgoing::Resize { height } => json!({"type": "resize", "height": height}),
            Outgoing::Created { user_id, username } => {
                json!({"type": "created", "user_id": user_id, "username": username})
            }
            Outgoing::Error { message } => json!({"type": "error", "message": message}),
            Outgoing::Cancelled => json!({"type": "cancelled"}),
        };
        message["protocol"] = json!(PROTOCOL);
        message["version"] = json!(VERSION);
        message
    }
}

/// Field values the portal fills in; the operator can still change them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Defaults {
    pub language: Option<String>,
    pub groups: Vec<String>,
    pub user_data: BTreeMap<String, String>,
}

impl Defaults {
    /// A fresh draft that starts from these values.
    pub fn apply_to(&self, draft: &mut Draft) {
        if let Some(language) = &self.language {
            draft.language = language.clone();
        }
        if !self.groups.is_empty() {
            draft.groups = self.groups.clone();
        }
        for (key, value) in &self.user_data {
            match draft.user_data.iter_mut().find(|e| &e.key == key) {
                Some(entry) => entry.value = value.clone(),
                None => draft.user_data.push(UserDataEntry {
                    key: key.clone(),
                    value: value.clone(),
                }),
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiKeyCredential {
    email: String,
    key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialMessage {
    api_key: Option<ApiKeyCredential>,
    bearer_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigureMessage {
    #[allow(dead_code)]
    protocol: String,
    #[allow(dead_code)]
    version: u32,
    #[serde(rename = "type")]
    #[allow(dead_code)]
    kind: String,
    #[serde(default)]
    defaults: Defaults,
    credentials: Option<CredentialMessage>,
}

/// A `configure` message, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Configure {
    pub defaults: Defaults,
    pub credentials: Option<Credentials>,
}

/// Reads a message from the parent. `Err` says why it was ignored (never echoing its content,
/// which may hold a credential).
pub fn read_incoming(data: &Value) -> Result<Configure, &'static str> {
    if data.get("protocol").and_then(Value::as_str) != Some(PROTOCOL) {
        return Err("not a message of this form's protocol");
    }
    if data.get("version").and_then(Value::as_u64) != Some(VERSION.into()) {
        return Err("unsupported protocol version");
    }
    if data.get("type").and_then(Value::as_str) != Some("configure") {
        return Err("unknown message type");
    }
    let message: ConfigureMessage =
        serde_json::from_value(data.clone()).map_err(|_| "malformed configure message")?;
    let credentials = match message.credentials {
        None => None,
        Some(CredentialMessage {
            api_key: Some(k),
            bearer_token: None,
        }) => Some(Credentials::ApiKey {
            email: k.email,
            key: k.key,
        }),
        Some(CredentialMessage {
            api_key: None,
            bearer_token: Some(token),
        }) => Some(Credentials::Bearer { token }),
        Some(_) => return Err("credentials must hold exactly one of api_key or bearer_token"),
    };
    Ok(Configure {
        defaults: message.defaults,
        credentials,
    })
}

/// Whether `origin` is one the configuration allows to embed the form.
pub fn is_allowed(origin: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| a == origin)
}

/// Checks one configured parent origin: `scheme://host[:port]`, nothing more, never `*`.
pub fn check_origin(origin: &str) -> Result<(), String> {
    if crate::config::is_origin(origin) {
        Ok(())
    } else {
        Err(format!(
            "\"{origin}\" must be an origin only, like https://portal.example.org (no path, no *)"
        ))
    }
}

/// Browser side: posting to the parent and listening to it.
pub mod browser {
    use super::{read_incoming, Configure, Outgoing};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    /// True inside an iframe.
    pub fn is_framed() -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        match (window.parent(), window.top()) {
            (Ok(Some(parent)), _) => parent != *window.as_ref(),
            _ => false,
        }
    }

    /// Posts to the parent once per allowed origin; the browser delivers it only to the one
    /// the parent really has.
    pub fn post(message: &Outgoing, allowed: &[String]) {
        if allowed.is_empty() || !is_framed() {
            return;
        }
        let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
            return;
        };
        let Ok(data) = js_sys::JSON::parse(&message.to_json().to_string()) else {
            return;
        };
        for origin in allowed {
            let _ = parent.post_message(&data, origin);
        }
    }

    /// Calls `on_configure` for each valid `configure` from an allowed parent; ignores and logs
    /// (without content) anything else.
    pub fn listen(allowed: Vec<String>, on_configure: impl Fn(Configure) + 'static) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let parent = window.parent().ok().flatten();
        let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let from_parent = match (event.source(), &parent) {
                    (Some(source), Some(parent)) => source == *parent.as_ref(),
                    _ => false,
                };
                let origin = event.origin();
                if !from_parent || !super::is_allowed(&origin, &allowed) {
                    web_sys::console::warn_1(
                    &format!("mobile worker form: ignored a message from {origin}: not the parent page at an allowed origin").into(),
                );
                    return;
                }
                let data = js_sys::JSON::stringify(&event.data())
                    .ok()
                    .and_then(|s| s.as_string())
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or(serde_json::Value::Null);
                match read_incoming(&data) {
                    Ok(configure) => on_configure(configure),
                    Err(why) => web_sys::console::warn_1(
                        &format!("mobile worker form: ignored a message from {origin}: {why}")
                            .into(),
                    ),
                }
            },
        );
        let _ =
            window.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
        // Lives as long as the page.
        handler.forget();
    }

    /// Reports `element`'s height to the parent whenever it changes.
    pub fn report_height(element: &web_sys::Element, allowed: Vec<String>) {
        let observed = element.clone();
        let callback = Closure::<dyn Fn()>::new(move || {
            let height = observed.get_bounding_client_rect().height().ceil() as u32;
            post(&Outgoing::Resize { height }, &allowed);
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(element);
            // Observes for the page's life.
            std::mem::forget(observer);
        }
        callback.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configure(extra: Value) -> Value {
        let mut m = json!({"protocol": PROTOCOL, "version": 1, "type": "configure"});
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        m
    }

    #[test]
    fn outgoing_messages_carry_protocol_version_and_type() {
        assert_eq!(
            Outgoing::Created {
                user_id: "abc".into(),
                username: "j@d.commcarehq.org".into()
            }
            .to_json(),
            json!({"protocol": PROTOCOL, "version": 1, "type": "created", "user_id": "abc", "username": "j@d.commcarehq.org"})
        );
        assert_eq!(
            Outgoing::Resize { height: 640 }.to_json()["height"],
            json!(640)
        );
        assert_eq!(Outgoing::Ready.to_json()["type"], json!("ready"));
    }

    #[test]
    fn configure_reads_defaults_and_one_credential() {
        let got = read_incoming(&configure(json!({
            "defaults": {"language": "fra", "groups": ["g1"], "user_data": {"district": "North"}},
            "credentials": {"bearer_token": "tok"}
        })))
        .unwrap();
        assert_eq!(got.defaults.language.as_deref(), Some("fra"));
        assert_eq!(
            got.credentials,
            Some(Credentials::Bearer {
                token: "tok".into()
            })
        );
        let key = read_incoming(&configure(json!({
            "credentials": {"api_key": {"email": "a@b.org", "key": "k"}}
        })))
        .unwrap();
        assert_eq!(
            key.credentials,
            Some(Credentials::ApiKey {
                email: "a@b.org".into(),
                key: "k".into()
            })
        );
    }

    #[test]
    fn other_messages_are_refused_with_a_reason() {
        assert!(read_incoming(&json!("hello")).is_err());
        assert!(
            read_incoming(&json!({"protocol": "other", "version": 1, "type": "configure"}))
                .is_err()
        );
        assert_eq!(
            read_incoming(&json!({"protocol": PROTOCOL, "version": 2, "type": "configure"})),
            Err("unsupported protocol version")
        );
        assert_eq!(
            read_incoming(&json!({"protocol": PROTOCOL, "version": 1, "type": "created"})),
            Err("unknown message type")
        );
        assert_eq!(
            read_incoming(&configure(json!({"defaults": {"password": "x"}}))),
            Err("malformed configure message")
        );
        assert!(read_incoming(&configure(json!({
            "credentials": {"bearer_token": "t", "api_key": {"email": "a", "key": "k"}}
        })))
        .is_err());
    }

    #[test]
    fn defaults_fill_a_draft_without_duplicating_user_data() {
        let defaults = Defaults {
            language: Some("hin".into()),
            groups: vec!["g".into()],
            user_data: [("district".to_string(), "North".to_string())].into(),
        };
        let mut draft = Draft {
            user_data: vec![UserDataEntry {
                key: "district".into(),
                value: "South".into(),
            }],
            ..Draft::default()
        };
        defaults.apply_to(&mut draft);
        assert_eq!(draft.language, "hin");
        assert_eq!(draft.groups, vec!["g"]);
        assert_eq!(draft.user_data.len(), 1);
        assert_eq!(draft.user_data[0].value, "North");
    }

    #[test]
    fn origins_are_exact() {
        let allowed = vec!["https://portal.example.org".to_string()];
        assert!(is_allowed("https://portal.example.org", &allowed));
        assert!(!is_allowed("https://portal.example.org.evil.com", &allowed));
        assert!(!is_allowed("http://portal.example.org", &allowed));
        assert!(!is_allowed("null", &allowed));
        assert!(check_origin("https://portal.example.org").is_ok());
        assert!(check_origin("http://127.0.0.1:8080").is_ok());
        assert!(check_origin("*").is_err());
        assert!(check_origin("https://portal.example.org/").is_err());
        assert!(check_origin("portal.example.org").is_err());
    }
}
