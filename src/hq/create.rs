//! Creating a mobile worker: the one request, and the reading of every answer HQ (or something
//! in the way) can give.
//!
//! HQ's wording has changed over the years, so answers are told apart by status code; only a
//! 400's own text is shown, because it is HQ explaining a refusal of this very draft.

use super::credentials::{CredentialError, Credentials};
use super::exchange::{exchange, Method, NoAnswer};
use crate::config::Config;
use crate::i18n::Message;
use crate::json::Json;
use crate::worker::Field;

/// A created mobile worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    pub user_id: String,
}

/// Every way creating a mobile worker can fail, each with its own explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreateError {
    /// 400: HQ refused this draft and said why.
    Refused { message: String },
    /// 400 with no reason given.
    RefusedSilently,
    /// 401: bad credentials, or a plan without API access.
    Unauthorized { message: Option<String> },
    /// 403: the web user lacks permission in this project space.
    Forbidden,
    /// 404: no user API at that address.
    NotFound,
    /// 429: HQ's rate limit.
    RateLimited,
    /// Another 4xx (a proxy's 413, say): refused before anything was created.
    Rejected { status: u16 },
    /// 5xx: HQ failed part-way; the account may exist.
    ServerFault { status: u16 },
    /// A refusal whose body is not HQ's JSON (an HTML error page from a proxy, say).
    NotJson { status: u16 },
    /// A success status whose body is not HQ's `{"id": …}`: something answered "created"
    /// but the answer cannot be trusted, so the worker may or may not exist.
    CreatedUnreadable { status: u16 },
    /// The credential cannot be put in a request (checked before sending; this is the
    /// last line if anything slips past).
    BadCredential(CredentialError),
    /// Any other status.
    Unexpected { status: u16 },
    /// No answer within the configured time.
    Timeout { seconds: u32 },
    /// The connection failed before an answer arrived (same origin).
    Network,
    /// A cross-origin request failed and the browser hid the reason.
    CrossOrigin { base_url: String },
}

impl CreateError {
    /// What the page says about it. A 400's text is HQ's own, shown as HQ sent it.
    pub fn message(&self) -> Message {
        let status = |key, status: &u16| Message::new(key).text("status", status.to_string());
        match self {
            Self::Refused { message } => {
                Message::new("answer.refused").text("hq_message", message.as_str())
            }
            Self::RefusedSilently => Message::new("answer.refused_silently"),
            Self::Unauthorized { message: None } => Message::new("answer.unauthorized"),
            Self::Unauthorized { message: Some(m) } => {
                Message::new("answer.unauthorized_said").text("hq_message", m.as_str())
            }
            Self::Forbidden => Message::new("answer.forbidden"),
            Self::NotFound => Message::new("answer.not_found"),
            Self::RateLimited => Message::new("answer.rate_limited"),
            Self::Rejected { status: s } => status("answer.rejected", s),
            Self::ServerFault { status: s } => status("answer.server_fault", s),
            Self::NotJson { status: s } => status("answer.not_json", s),
            Self::CreatedUnreadable { status: s } => status("answer.created_unreadable", s),
            Self::BadCredential(error) => {
                Message::new("answer.bad_credential").message("problem", error.message())
            }
            Self::Unexpected { status: s } => status("answer.unexpected", s),
            Self::Timeout { seconds } => Message::new("answer.timeout").count(*seconds as usize),
            Self::Network => Message::new("answer.network"),
            Self::CrossOrigin { base_url } => {
                Message::new("answer.cross_origin").text("base_url", base_url.as_str())
            }
        }
    }

    /// Whether the worker may exist after all: no clear answer came back.
    pub fn may_have_created(&self) -> bool {
        matches!(
            self,
            Self::ServerFault { .. }
                | Self::CreatedUnreadable { .. }
                | Self::Unexpected { .. }
                | Self::Timeout { .. }
                | Self::Network
                | Self::CrossOrigin { .. }
        ) || matches!(self, Self::NotJson { status } if !(400..=499).contains(status))
    }

    /// The form field this error belongs next to, if any.
    pub fn field(&self) -> Option<Field> {
        match self {
            // HQ's wording: "Username '…' is already taken or reserved."
            Self::Refused { message } if message.to_ascii_lowercase().contains("username") => {
                Some(Field::Username)
            }
            _ => None,
        }
    }
}

/// The non-blank text at `key` of the JSON object `body`; `Err` when `body` is no JSON object.
fn text_of(body: &str, key: &str) -> Result<Option<String>, ()> {
    match Json::parse(body) {
        Ok(object @ Json::Object(_)) => Ok(object
            .get(key)
            .and_then(Json::as_str)
            .filter(|text| !text.trim().is_empty())
            .map(str::to_string)),
        _ => Err(()),
    }
}

/// Reads HQ's answer to the create request.
pub fn read_answer(status: u16, body: &str) -> Result<Created, CreateError> {
    match status {
        200..=299 => match text_of(body, "id") {
            Ok(Some(id)) => Ok(Created { user_id: id }),
            _ => Err(CreateError::CreatedUnreadable { status }),
        },
        400 => match text_of(body, "error") {
            Ok(Some(message)) => Err(CreateError::Refused { message }),
            Ok(None) => Err(CreateError::RefusedSilently),
            Err(()) => Err(CreateError::NotJson { status }),
        },
        401 => Err(CreateError::Unauthorized {
            message: text_of(body, "error").ok().flatten(),
        }),
        403 => Err(CreateError::Forbidden),
        404 => Err(CreateError::NotFound),
        429 => Err(CreateError::RateLimited),
        402..=499 => Err(CreateError::Rejected { status }),
        500..=599 => Err(CreateError::ServerFault { status }),
        _ => Err(CreateError::Unexpected { status }),
    }
}

/// Sends `worker` to the project's user API and reads the answer.
pub async fn create_mobile_worker(
    config: &Config,
    credentials: Option<&Credentials>,
    worker: &crate::worker::NewMobileWorker,
) -> Result<Created, CreateError> {
    let url = config.user_endpoint();
    let answer = exchange(
        Method::Post,
        &url,
        Some(&worker.to_json()),
        credentials,
        config.timeout_seconds,
    )
    .await;
    match answer {
        Ok((status, body)) => read_answer(status, &body),
        Err(NoAnswer::Timeout) => Err(CreateError::Timeout {
            seconds: config.timeout_seconds,
        }),
        Err(NoAnswer::BadCredential(error)) => Err(CreateError::BadCredential(error)),
        Err(NoAnswer::Network) if config.is_cross_origin(&page_origin()) => {
            Err(CreateError::CrossOrigin {
                base_url: config.base_url.clone(),
            })
        }
        Err(NoAnswer::Network) => Err(CreateError::Network),
    }
}

fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Host tests read the explanation in English.
#[cfg(test)]
impl std::fmt::Display for CreateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::i18n::english(&self.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_reads_the_id_key() {
        assert_eq!(
            read_answer(201, r#"{"id": "0123456789abcdef0123456789abcdef"}"#),
            Ok(Created {
                user_id: "0123456789abcdef0123456789abcdef".into()
            })
        );
    }

    #[test]
    fn created_without_id_or_json_is_its_own_error() {
        for body in [
            "{}",
            r#"{"id": ""}"#,
            r#"{"id": 7}"#,
            "",
            "<html>Created</html>",
            "{\"id\": \"ab",
        ] {
            let err = read_answer(201, body).unwrap_err();
            assert_eq!(
                err,
                CreateError::CreatedUnreadable { status: 201 },
                "{body}"
            );
            assert!(
                err.to_string().contains("may have been created"),
                "{body}: {err}"
            );
        }
        assert_eq!(
            read_answer(200, "garbled"),
            Err(CreateError::CreatedUnreadable { status: 200 })
        );
    }

    #[test]
    fn refusal_carries_hqs_message_to_the_username_field() {
        let err = read_answer(
            400,
            r#"{"error": "Username 'jdoe@demo.commcarehq.org' is already taken or reserved."}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "CommCare HQ refused to create the mobile worker. It said: Username 'jdoe@demo.commcarehq.org' is already taken or reserved."
        );
        assert_eq!(err.field(), Some(Field::Username));
        let other = read_answer(400, r#"{"error": "Invalid group"}"#).unwrap_err();
        assert_eq!(other.field(), None);
    }

    #[test]
    fn html_error_pages_are_not_mistaken_for_hq() {
        let err = read_answer(400, "<html><body>Bad Request</body></html>").unwrap_err();
        assert_eq!(err, CreateError::NotJson { status: 400 });
        assert!(err.to_string().contains("not JSON"));
    }

    #[test]
    fn each_status_has_its_own_explanation() {
        let cases: [(u16, &str, &str); 8] = [
            (401, "", "did not accept the credentials"),
            (
                401,
                r#"{"error": "Your current subscription does not have access to this feature"}"#,
                "CommCare HQ said: Your current subscription",
            ),
            (403, "", "not allowed to create mobile workers"),
            (
                404,
                "<h1>Not Found</h1>",
                "no CommCare user API at this address",
            ),
            (429, "", "10 a minute, 30 an hour and 50 a day"),
            (
                500,
                r#"{"error_message": "Sorry"}"#,
                "may have been created",
            ),
            (302, "", "does not understand (302)"),
            (
                413,
                "<html>Request Entity Too Large</html>",
                "(413) before CommCare HQ handled it, so nothing was created",
            ),
        ];
        for (status, body, expected) in cases {
            let message = read_answer(status, body).unwrap_err().to_string();
            assert!(message.contains(expected), "{status}: {message}");
        }
        assert_eq!(
            read_answer(502, "<html>"),
            Err(CreateError::ServerFault { status: 502 })
        );
    }
}
