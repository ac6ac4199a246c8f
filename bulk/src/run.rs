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

/// What a run does after an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Go on with the next row.
    GoOn,
    /// HQ's rate limit: send the same row again once the pacer allows.
    Again,
    /// Nothing more can succeed (credentials, permissions, address): stop and say why.
    Stop(Message),
}

/// A row's status after HQ's answer, and what the run does next.
pub fn after(answer: Result<String, CreateError>) -> (Status, Next) {
    let error = match answer {
        Ok(user_id) => return (Status::Created { user_id }, Next::GoOn),
        Err(error) => error,
    };
    match error {
        CreateError::RateLimited => (Status::Waiting, Next::Again),
        CreateError::Refused { .. }
        | CreateError::RefusedSilently
        | CreateError::NotJson { status: 400..=499 }
        | CreateError::Rejected { .. } => (Status::Refused { error }, Next::GoOn),
        // Nothing was created, and nothing else will be.
        CreateError::Unauthorized { .. }
        | CreateError::Forbidden
        | CreateError::NotFound
        | CreateError::BadCredential(_) => (Status::Waiting, Next::Stop(error.message())),
        // A hidden cross-origin answer may be a 5xx: the worker may exist, and no other row
        // can be read either.
        CreateError::CrossOrigin { .. } => {
            let message = error.message();
            (Status::Unsure { error: Some(error) }, Next::Stop(message))
        }
        CreateError::ServerFault { .. }
        | CreateError::CreatedUnreadable { .. }
        | CreateError::NotJson { .. }
        | CreateError::Unexpected { .. }
        | CreateError::Timeout { .. }
        | CreateError::Network => (Status::Unsure { error: Some(error) }, Next::GoOn),
    }
}

/// What is kept of earlier runs in this project space: each username sent and its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kept {
    by_username: BTreeMap<String, Status>,
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

    /// What was kept; entries that cannot be read are left out, never guessed.
    pub fn from_json(json: &Json) -> Kept {
        let mut kept = Kept::default();
        for entry in json.as_list().unwrap_or_default() {
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

/// One line of the results file.
pub struct ResultLine<'a> {
    pub row: usize,
    /// As HQ made it, for a row that could be sent; as written, for one that could not.
    pub username: &'a str,
    pub status: &'a Status,
    /// Problems found before sending (the row was skipped).
    pub problems: &'a [String],
    /// A password generated for the row in this session.
    pub password: Option<&'a str>,
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first), made text by a leading `'`: usernames and messages come from the file and
/// from the server.
fn as_text(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The results file: one line per row of the file, with what became of it, separated by
/// `separator` (the chosen file's), with a byte order mark so spreadsheet programs read it as
/// UTF-8. `say` puts a message in the operator's language. The password column is there only
/// when passwords were generated, filled only for workers that were (or may have been) created.
pub fn results_csv(
    lines: &[ResultLine],
    separator: u8,
    say: &dyn Fn(&Message) -> String,
) -> String {
    let with_passwords = lines.iter().any(|l| l.password.is_some());
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .delimiter(separator)
        .from_writer(Vec::new());
    let mut header = vec!["row", "username", "status", "user_id", "message"];
    if with_passwords {
        header.push("password");
    }
    let _ = writer.write_record(&header);
    for line in lines {
        let (status, id, message) = match line.status {
            _ if !line.problems.is_empty() => ("skipped", "", line.problems.join("; ")),
            Status::Waiting => ("not sent", "", String::new()),
            Status::Sending => ("may have been created", "", String::new()),
            Status::Created { user_id } => ("created", user_id.as_str(), String::new()),
            Status::Refused { .. } => (
                "refused",
                "",
                line.status.reason().map(|m| say(&m)).unwrap_or_default(),
            ),
            Status::Unsure { .. } => (
                "may have been created",
                "",
                line.status.reason().map(|m| say(&m)).unwrap_or_default(),
            ),
        };
        let row = line.row.to_string();
        let (username, id, message) = (as_text(line.username), as_text(id), as_text(&message));
        let mut record = vec![row.as_str(), &username, status, &id, &message];
        if with_passwords {
            let maybe_created = line.problems.is_empty()
                && matches!(
                    line.status,
                    Status::Created { .. } | Status::Unsure { .. } | Status::Sending
                );
            record.push(line.password.filter(|_| maybe_created).unwrap_or(""));
        }
        let _ = writer.write_record(&record);
    }
    let text = String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default();
    format!("\u{feff}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::english;

    #[test]
    fn answers_decide_the_row_and_the_run() {
        assert_eq!(
            after(Ok("abc".into())),
            (
                Status::Created {
                    user_id: "abc".into()
                },
                Next::GoOn
            )
        );
        assert_eq!(
            after(Err(CreateError::RateLimited)),
            (Status::Waiting, Next::Again)
        );
        let (status, next) = after(Err(CreateError::Refused {
            message: "Username 'a@d.commcarehq.org' is already taken or reserved.".into(),
        }));
        assert!(matches!(status, Status::Refused { .. }) && next == Next::GoOn);
        for unsure in [
            CreateError::ServerFault { status: 500 },
            CreateError::Timeout { seconds: 30 },
            CreateError::Network,
            CreateError::CreatedUnreadable { status: 201 },
        ] {
            let (status, next) = after(Err(unsure.clone()));
            assert!(matches!(status, Status::Unsure { .. }), "{unsure:?}");
            assert_eq!(next, Next::GoOn);
        }
        let (status, next) = after(Err(CreateError::Forbidden));
        assert_eq!(status, Status::Waiting);
        assert!(matches!(next, Next::Stop(_)));
    }

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
    fn the_results_file_has_a_line_per_row() {
        let created = Status::Created {
            user_id: "id-1".into(),
        };
        let unsure = Status::Unsure {
            error: Some(CreateError::ServerFault { status: 500 }),
        };
        let refused = Status::Refused {
            error: CreateError::Refused {
                message: "=HYPERLINK(\"x\")".into(),
            },
        };
        let problems = ["Username is required".to_string()];
        let line = |row, username, status, problems, password| ResultLine {
            row,
            username,
            status,
            problems,
            password,
        };
        let lines = [
            line(2, "amina", &created, &[], Some("Xy3!abcdefghjk")),
            line(3, "bo", &unsure, &[], None),
            line(4, "", &Status::Waiting, &problems, None),
            line(5, "=cmd", &refused, &[], Some("Ab3!abcdefghjk")),
        ];
        let csv = results_csv(&lines, b';', &|m| english(m));
        let csv = csv.strip_prefix('\u{feff}').expect("a byte order mark");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "row;username;status;user_id;message;password");
        assert_eq!(lines[1], "2;amina;created;id-1;;Xy3!abcdefghjk");
        assert!(
            lines[2].starts_with("3;bo;may have been created;;"),
            "{}",
            lines[2]
        );
        assert!(lines[2].contains("500"));
        assert_eq!(lines[3], "4;;skipped;;Username is required;");
        // Nothing a spreadsheet would run as a formula; no password for a refused row.
        assert!(lines[4].starts_with("5;'=cmd;refused;;"), "{}", lines[4]);
        assert!(
            !lines[4].contains(";=") && lines[4].ends_with(';'),
            "{}",
            lines[4]
        );
        let without = results_csv(&[line(2, "a", &created, &[], None)], b',', &|m| english(m));
        assert!(!without.contains("password"));
    }
}
