//! CSV as spreadsheet programs save it: UTF-8 with or without a byte order mark; commas, or
//! semicolons as French and Portuguese locales write them; quoted cells with separators,
//! quotes and line breaks inside. Rows keep their numbers as the spreadsheet shows them.

use super::{NumberedRows, SheetError, MAX_ROWS};

/// The rows of a CSV text that hold anything, each with its number as a spreadsheet shows it,
/// and the separator it uses.
pub fn rows(text: &str) -> Result<(NumberedRows, u8), SheetError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let separator = separator(text);
    if let Some(row) = unclosed_quote(text, separator) {
        return Err(SheetError::Unreadable { row });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());

    // A spreadsheet's row numbers count blank rows, which the reader skips, and not the line
    // breaks inside a cell, which it counts: each row's number is worked out from both.
    let mut records = Vec::new();
    let (mut row, mut next_line) = (0usize, 1u64);
    for record in reader.records() {
        let record = record.map_err(|e| SheetError::Unreadable {
            row: row
                + 1
                + e.position()
                    .map_or(0, |p| p.line().saturating_sub(next_line) as usize),
        })?;
        let line = record.position().map_or(next_line, |p| p.line());
        row += 1 + line.saturating_sub(next_line) as usize;
        next_line = line + 1 + breaks(&record) as u64;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        // The header and one row too many are enough to say the file is too long.
        if records.len() > MAX_ROWS + 1 {
            break;
        }
        records.push((row, record.iter().map(str::to_string).collect()));
    }
    Ok((records, separator))
}

/// The separator a file uses: the one of `,` and `;` its header line holds more of outside
/// quotes (a comma when neither).
pub fn separator(text: &str) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            '\n' | '\r' if !quoted => break,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// The row (as a spreadsheet numbers them) where a quoted cell opens and is never closed: the
/// reader would take the rest of the file into that cell. A quote opens a cell only at its
/// start; inside one, `""` is a quote.
fn unclosed_quote(text: &str, separator: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut row, mut opened, mut quoted, mut at_start) = (1, 0, false, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if b == b'"' && at_start {
            quoted = true;
            opened = row;
        } else if b == separator {
            at_start = true;
            i += 1;
            continue;
        } else if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            row += 1;
            at_start = true;
            i += 1;
            continue;
        }
        at_start = b == b'\r';
        i += 1;
    }
    quoted.then_some(opened)
}

/// Line breaks inside a record's cells: the lines it takes beyond its first.
fn breaks(record: &csv::StringRecord) -> usize {
    record
        .iter()
        .map(|cell| {
            cell.matches('\n').count() + cell.matches('\r').count() - cell.matches("\r\n").count()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_separator_inside_quotes_does_not_count() {
        assert_eq!(separator("\"a;b;c\",d\n"), b',');
        assert_eq!(separator("a;b,c;d\nx,y,z,w,v"), b';');
        assert_eq!(separator("username\n"), b',');
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(
            rows("username,data: note\nana,fine\nbo,\"never closed\ncy,x\n"),
            Err(SheetError::Unreadable { row: 3 })
        );
    }
}
