//! What became of each row, kept so nothing is lost: which were created (with their ids),
//! which HQ refused and why, and which may have been created (a 5xx, a timeout, a dropped
//! connection, a page closed while a request was out). Kept in sessionStorage per project
//! space, by username, never with a password: a reload and the same file again carry on where
//! the run stopped, and no username that may exist is ever sent twice.

use mobile_worker_form::hq::CreateError;
use mobile_worker_form::i18n::Message;
use mobile_worker_form::json::Json;
use mobile_worker_form::worker::normalise_username;
use std::collections::BTreeMap;

pub mod elsewhere;

/// A row's state in a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Not sent yet.
    Waiting,
    /// Sent; no answer read yet.
    Sending,
    Created {
        user_id: String,
    },
    /// HQ refused it: nothing was created.
    Refused {
        error: CreateError,
    },
    /// No clear answer: the worker may exist. Never sent again by the page. `None`: the page
    /// went away while it was out.
    Unsure {
        error: Option<CreateError>,
    },
}

impl Status {
    /// Whether the row is done with: created, refused, or possibly created.
    pub fn is_settled(&self) -> bool {
        !matches!(self, Status::Waiting | Status::Sending)
    }

    /// Why a row was refused or may have been created.
    pub fn reason(&self) -> Option<Message> {
        match self {
            Status::Refused { error } | Status::Unsure { error: Some(error) } => {
                Some(error.message())
            }
            Status::Unsure { error: None } => Some(Message::new("bulk.status.interrupted")),
            _ => None,
        }
    }
}

/// An answer kept across a reload, as JSON.
fn error_to_json(error: &CreateError) -> Json {
    let (kind, detail): (&str, Option<(&str, Json)>) = match error {
        CreateError::Refused { message } => ("refused", Some(("message", message.as_str().into()))),
        CreateError::RefusedSilently => ("refused_silently", None),
        CreateError::NotJson { status } => {
            ("not_json", Some(("status", u64::from(*status).into())))
        }
        CreateError::Rejected { status } => {
            ("rejected", Some(("status", u64::from(*status).into())))
        }
        CreateError::ServerFault { status } => {
            ("server_fault", Some(("status", u64::from(*status).into())))
        }
        CreateError::CreatedUnreadable { status } => (
            "created_unreadable",
            Some(("status", u64::from(*status).into())),
        ),
        CreateError::Unexpected { status } => {
            ("unexpected", Some(("status", u64::from(*status).into())))
        }
        CreateError::Timeout { seconds } => {
            ("timeout", Some(("seconds", u64::from(*seconds).into())))
        }
        CreateError::CrossOrigin { base_url } => {
            ("cross_origin", Some(("base_url", base_url.as_str().into())))
        }
        // The rest never settle a row (see `after`); kept as a dropped connection would be.
        _ => ("network", None),
    };
    let mut fields = vec![("kind", Json::from(kind))];
    fields.extend(detail);
    Json::object(fields)
}

fn error_from_json(json: &Json) -> Option<CreateError> {
    let number = |key| json.get(key).and_then(Json::as_whole);
    let status = || number("status").and_then(|n| u16::try_from(n).ok());
    let text = |key| json.get(key).and_then(Json::as_str).map(str::to_string);
    Some(match json.get("kind")?.as_str()? {
        "refused" => CreateError::Refused {
            message: text("message")?,
        },
        "refused_silently" => CreateError::RefusedSilently,
        "not_json" => CreateError::NotJson { status: status()? },
        "rejected" => CreateError::Rejected { status: status()? },
        "server_fault" => CreateError::ServerFault { status: status()? },
        "created_unreadable" => CreateError::CreatedUnreadable { status: status()? },
        "unexpected" => CreateError::Unexpected { status: status()? },
        "timeout" => CreateError::Timeout {
            seconds: u32::try_from(number("seconds")?).ok()?,
        },
        "cross_origin" => CreateError::CrossOrigin {
            base_url: text("base_url")?,
        },
        "network" => CreateError::Network,
        _ => return None,
    })
}

/// What is kept of earlier runs in this project space: each username sent and its status, and
/// whether the last run generated passwords for rows without one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kept {
    by_username: BTreeMap<String, Status>,
    /// The run's "Generate a password" choice, so the same file chosen again after a reload
    /// is checked as it was sent.
    pub generate: bool,
}

impl Kept {
    /// What is known of `username` (as HQ compares usernames).
    pub fn status(&self, username: &str) -> Option<&Status> {
        self.by_username.get(&normalise_username(username))
    }

    /// Records `status` for `username`. Only what may have created a worker is kept: a row
    /// not sent, or refused (nothing was created), can be sent again, once the file is chosen
    /// again (fixed, say). What is kept is never weakened: a created worker stays created,
    /// and one that may exist stays so unless it turns out created.
    pub fn record(&mut self, username: &str, status: &Status) {
        let key = normalise_username(username);
        let kept = self.by_username.get(&key);
        let stronger = match (kept, status) {
            (Some(Status::Created { .. }), _) => false,
            (Some(_), Status::Created { .. } | Status::Unsure { .. } | Status::Sending) => true,
            (Some(_), _) => false,
            (None, _) => true,
        };
        if !stronger {
            return;
        }
        match status {
            Status::Waiting | Status::Refused { .. } => {}
            status => {
                self.by_username.insert(key, status.clone());
            }
        }
    }

    /// As kept in sessionStorage. A row sent but not answered when the page went away is kept
    /// as possibly created.
    pub fn to_json(&self) -> Json {
        Json::object([
            ("generate", Json::Bool(self.generate)),
            ("rows", self.rows_to_json()),
        ])
    }

    fn rows_to_json(&self) -> Json {
        let entries = self.by_username.iter().map(|(username, status)| {
            let mut fields = vec![("username", Json::from(username.as_str()))];
            match status {
                Status::Waiting | Status::Sending | Status::Unsure { error: None } => {
                    fields.push(("status", "sending".into()))
                }
                Status::Created { user_id } => {
                    fields.push(("status", "created".into()));
                    fields.push(("id", user_id.as_str().into()));
                }
                Status::Refused { error } => {
                    fields.push(("status", "refused".into()));
                    fields.push(("answer", error_to_json(error)));
                }
                Status::Unsure { error: Some(error) } => {
                    fields.push(("status", "unsure".into()));
                    fields.push(("answer", error_to_json(error)));
                }
            }
            Json::object(fields)
        });
        Json::List(entries.collect())
    }

    /// What was kept; entries that cannot be read are left out, never guessed. A bare list
    /// is how earlier versions of this page kept the rows.
    pub fn from_json(json: &Json) -> Kept {
        let mut kept = Kept {
            generate: json.get("generate").and_then(Json::as_bool) == Some(true),
            ..Kept::default()
        };
        let rows = json.get("rows").unwrap_or(json);
        for entry in rows.as_list().unwrap_or_default() {
            let text = |key| entry.get(key).and_then(Json::as_str);
            let answer = || entry.get("answer").and_then(error_from_json);
            let status = match text("status") {
                Some("created") => text("id").map(|id| Status::Created {
                    user_id: id.to_string(),
                }),
                Some("refused") => answer().map(|error| Status::Refused { error }),
                Some("unsure") => answer().map(|error| Status::Unsure { error: Some(error) }),
                Some("sending") => Some(Status::Unsure { error: None }),
                _ => None,
            };
            if let (Some(username), Some(status)) = (text("username"), status) {
                kept.by_username.insert(username.to_string(), status);
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_sent_survives_a_reload_without_passwords() {
        let mut kept = Kept::default();
        kept.record(
            "Amina",
            &Status::Created {
                user_id: "id-1".into(),
            },
        );
        kept.record("bo", &Status::Sending);
        kept.record(
            "cy",
            &Status::Refused {
                error: CreateError::Refused {
                    message: "No.".into(),
                },
            },
        );
        kept.record(
            "eve",
            &Status::Unsure {
                error: Some(CreateError::Timeout { seconds: 30 }),
            },
        );
        kept.record("dee", &Status::Waiting);
        let text = kept.to_json().write();
        let again = Kept::from_json(&Json::parse(&text).unwrap());
        assert_eq!(
            again.status("amina"),
            Some(&Status::Created {
                user_id: "id-1".into()
            })
        );
        // Out when the page went away: it may exist, so it is never sent again.
        assert_eq!(again.status("bo"), Some(&Status::Unsure { error: None }));
        // Refused rows are not kept: nothing was created, so they may be sent again.
        assert_eq!(again.status("cy"), None);
        assert!(matches!(
            again.status("eve"),
            Some(Status::Unsure { error: Some(_) })
        ));
        assert_eq!(again.status("dee"), None);
        // What is kept is never weakened.
        let mut kept = again;
        kept.record(
            "amina",
            &Status::Refused {
                error: CreateError::RefusedSilently,
            },
        );
        kept.record("amina", &Status::Sending);
        assert_eq!(
            kept.status("amina"),
            Some(&Status::Created {
                user_id: "id-1".into()
            })
        );
        kept.record("eve", &Status::Waiting);
        assert!(matches!(kept.status("eve"), Some(Status::Unsure { .. })));
        kept.record(
            "eve",
            &Status::Created {
                user_id: "id-5".into(),
            },
        );
        assert_eq!(
            kept.status("eve"),
            Some(&Status::Created {
                user_id: "id-5".into()
            })
        );
        // Anything not understood is left out.
        let odd = Kept::from_json(
            &Json::parse(r#"[{"username": "x", "status": "created"}, 5]"#).unwrap(),
        );
        assert_eq!(odd, Kept::default());
    }

    #[test]
    fn the_generate_choice_is_kept_with_the_run() {
        let mut kept = Kept::default();
        kept.record("amina", &Status::Sending);
        kept.generate = true;
        let again = Kept::from_json(&Json::parse(&kept.to_json().write()).unwrap());
        assert!(again.generate);
        assert_eq!(again.status("amina"), Some(&Status::Unsure { error: None }));
        // As earlier versions kept it: the rows alone.
        let earlier = Kept::from_json(
            &Json::parse(r#"[{"username": "bo", "status": "created", "id": "i"}]"#).unwrap(),
        );
        assert!(!earlier.generate);
        assert!(earlier.status("bo").is_some());
    }
}
