//! The results file: a line per row of the file, what became of it, and the passwords this
//! page generated, in the file's own separator, safe to open in a spreadsheet.

use crate::record::Status;
use mobile_worker_form::i18n::Message;

/// One row of the file and what became of it.
pub struct ResultLine<'a> {
    /// The row's cells as the file has them.
    pub cells: &'a [String],
    pub status: &'a Status,
    /// Problems found before sending (the row was skipped).
    pub problems: &'a [String],
    /// A password generated for the row in this session.
    pub password: Option<&'a str>,
}

/// The columns the results file adds after the file's own.
pub const ADDED: [&str; 3] = ["status", "user_id", "message"];

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first), made text by a leading `'`: messages come from the server.
fn as_text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// What became of a row: its status, HQ's id for it, and why, in the operator's language.
fn outcome(line: &ResultLine, say: &dyn Fn(&Message) -> String) -> [String; 3] {
    let (status, id, message) = match line.status {
        _ if !line.problems.is_empty() => ("skipped", "", line.problems.join("; ")),
        Status::Waiting => ("not sent", "", String::new()),
        Status::Sending => ("may have been created", "", String::new()),
        Status::Created { user_id } => ("created", user_id.as_str(), String::new()),
        Status::Refused { .. } | Status::Unsure { .. } => (
            if matches!(line.status, Status::Refused { .. }) {
                "refused"
            } else {
                "may have been created"
            },
            "",
            line.status.reason().map(|m| say(&m)).unwrap_or_default(),
        ),
    };
    [status.to_string(), as_text(id), as_text(&message)]
}

/// The results file: the file back in its own columns and order, each row followed by what
/// became of it (`status`, `user_id`, `message`). A password this page generated goes into
/// the file's `password` column (or a `password` column added at the end) for each worker
/// that was, or may have been, created.
pub fn results_table(
    headers: &[String],
    lines: &[ResultLine],
    say: &dyn Fn(&Message) -> String,
) -> Vec<Vec<String>> {
    let password_at = headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("password"));
    let add_password = password_at.is_none() && lines.iter().any(|l| l.password.is_some());
    let mut header: Vec<String> = headers.to_vec();
    header.extend(ADDED.iter().map(|a| a.to_string()));
    if add_password {
        header.push("password".into());
    }
    let mut table = vec![header];
    for line in lines {
        let mut row: Vec<String> = line.cells.to_vec();
        row.resize(headers.len(), String::new());
        let maybe_created = line.problems.is_empty()
            && matches!(
                line.status,
                Status::Created { .. } | Status::Unsure { .. } | Status::Sending
            );
        let password = line.password.filter(|_| maybe_created);
        if let (Some(at), Some(password)) = (password_at, password) {
            row[at] = password.to_string();
        }
        row.extend(outcome(line, say));
        if add_password {
            row.push(password.unwrap_or("").to_string());
        }
        table.push(row);
    }
    table
}

/// The rows to correct and choose again: those with problems and those HQ refused, in the
/// file's own columns, as they were.
pub fn rows_to_fix(headers: &[String], lines: &[ResultLine]) -> Vec<Vec<String>> {
    let mut table = vec![headers.to_vec()];
    for line in lines {
        if !line.problems.is_empty() || matches!(line.status, Status::Refused { .. }) {
            let mut row = line.cells.to_vec();
            row.resize(headers.len(), String::new());
            table.push(row);
        }
    }
    table
}

/// A table as a CSV file separated by `separator` (the chosen file's), with a byte order
/// mark so spreadsheet programs read it as UTF-8.
pub fn csv_file(table: &[Vec<String>], separator: u8) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .delimiter(separator)
        .from_writer(Vec::new());
    for row in table {
        let _ = writer.write_record(row);
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
    fn the_results_are_the_file_back_with_what_became_of_each_row() {
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
        let headers: Vec<String> = ["username", "password", "group 1"]
            .map(String::from)
            .to_vec();
        let cells = |u: &str, p: &str| vec![u.to_string(), p.to_string(), "Nurses".to_string()];
        let rows = [
            cells("amina", "********"),
            cells("bo", "Own-pass-1"),
            cells("", ""),
            cells("=cmd", ""),
        ];
        let line = |i: usize, status, problems, password| ResultLine {
            cells: &rows[i],
            status,
            problems,
            password,
        };
        let lines = [
            line(0, &created, &[], Some("Xy3!abcdefghjk")),
            line(1, &unsure, &[], None),
            line(2, &Status::Waiting, &problems, None),
            line(3, &refused, &[], Some("Ab3!abcdefghjk")),
        ];
        let table = results_table(&headers, &lines, &|m| english(m));
        assert_eq!(
            table[0],
            ["username", "password", "group 1", "status", "user_id", "message"]
        );
        assert_eq!(
            table[1],
            ["amina", "Xy3!abcdefghjk", "Nurses", "created", "id-1", ""]
        );
        assert_eq!(
            table[2][..4],
            ["bo", "Own-pass-1", "Nurses", "may have been created"]
        );
        assert!(table[2][5].contains("500"));
        assert_eq!(table[3][3..], ["skipped", "", "Username is required"]);
        // The file's own cells as they were; nothing from the server a spreadsheet would run.
        assert_eq!(table[4][0], "=cmd");
        assert_eq!(table[4][1], "", "no password for a refused row");
        assert!(table[4][5].contains("HYPERLINK"), "{:?}", table[4]);
        assert!(
            table[4].iter().skip(3).all(|c| !c.starts_with('=')),
            "{:?}",
            table[4]
        );

        let fix = rows_to_fix(&headers, &lines);
        assert_eq!(
            fix.len(),
            3,
            "the header, the skipped row and the refused one"
        );
        assert_eq!(fix[1], rows[2]);
        assert_eq!(fix[2], rows[3]);

        let no_column: Vec<String> = vec!["username".into()];
        let only = [vec!["amina".to_string()]];
        let line = ResultLine {
            cells: &only[0],
            status: &created,
            problems: &[],
            password: Some("Pw-1-abcdefghj"),
        };
        let table = results_table(&no_column, &[line], &|m| english(m));
        assert_eq!(table[0].last().unwrap(), "password");
        assert_eq!(table[1].last().unwrap(), "Pw-1-abcdefghj");

        let csv = csv_file(&fix, b';');
        assert!(csv.starts_with("\u{feff}username;password;group 1\r\n"));
    }
}
