//! The results file: a line per row of the file, what became of it, and the passwords this
//! page generated, in the file's own separator, safe to open in a spreadsheet.

use crate::record::Status;
use mobile_worker_form::i18n::Message;

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
    use mobile_worker_form::hq::CreateError;

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
