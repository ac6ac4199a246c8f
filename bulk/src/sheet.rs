//! Reading a file of mobile workers: CSV as spreadsheet programs save it (UTF-8 with or without
//! a byte order mark; commas, or semicolons as French and Portuguese locales write them), with
//! HQ's bulk upload column names. Each row keeps its number as the spreadsheet shows it, so
//! every problem can be found where it was typed.

use mobile_worker_form::i18n::Message;

/// A column HQ's bulk upload knows. Phone numbers, groups and locations may have several
/// columns (`group`, `group 2`, or `group` twice); each other column at most one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    Username,
    Password,
    FirstName,
    LastName,
    Email,
    PhoneNumber,
    Group,
    LocationCode,
    Role,
    Language,
    /// HQ's `user_profile`: a profile's name.
    Profile,
    /// `data: <slug>`: user data, or a custom user field of the project.
    Data(String),
}

const NAMED: [(&str, Column); 11] = [
    ("username", Column::Username),
    ("password", Column::Password),
    ("first_name", Column::FirstName),
    ("last_name", Column::LastName),
    ("email", Column::Email),
    ("phone-number", Column::PhoneNumber),
    ("group", Column::Group),
    ("location_code", Column::LocationCode),
    ("role", Column::Role),
    ("language", Column::Language),
    ("user_profile", Column::Profile),
];

impl Column {
    /// The column a header names, in any case; `None` for a header HQ does not know.
    pub fn from_header(header: &str) -> Option<Column> {
        let header = header.trim();
        if let Some(slug) = header
            .get(..5)
            .filter(|p| p.eq_ignore_ascii_case("data:"))
            .map(|_| header[5..].trim())
        {
            return (!slug.is_empty()).then(|| Column::Data(slug.to_string()));
        }
        let lower = header.to_ascii_lowercase();
        NAMED.iter().find_map(|(name, column)| {
            let rest = lower.strip_prefix(name)?;
            let numbered = || {
                let digits = rest.trim_start_matches([' ', '-', '_']);
                digits.len() < rest.len()
                    && !digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit())
            };
            (rest.is_empty() || (column.repeats() && numbered())).then(|| column.clone())
        })
    }

    /// Whether the column may be given more than once.
    pub fn repeats(&self) -> bool {
        matches!(
            self,
            Column::PhoneNumber | Column::Group | Column::LocationCode
        )
    }

    /// The header as the template writes it.
    pub fn header(&self) -> String {
        match self {
            Column::Data(slug) => format!("data: {slug}"),
            other => NAMED
                .iter()
                .find(|(_, c)| c == other)
                .map(|(name, _)| name.to_string())
                .unwrap_or_default(),
        }
    }
}

/// One row of the file: its number as a spreadsheet shows it (the header is row 1) and its
/// cells, one per column of the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

/// A file read: its columns, its rows that hold anything, and its separator (the results file
/// is written with the same, so the operator's spreadsheet program opens it as it did this).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub separator: u8,
}

/// The most rows a file may have: HQ's own uploader stops at a few thousand, and a day of
/// creations under HQ's rate limits is fewer.
pub const MAX_ROWS: usize = 5000;
/// The largest file read at all.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most columns a file may have (HQ's are a few dozen, with user data).
pub const MAX_COLUMNS: usize = 256;

/// Why a file cannot be read, for the operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SheetError {
    TooBig,
    NotUtf8,
    Empty,
    /// A quote never closed, or the like: where.
    Unreadable {
        row: usize,
    },
    UnknownColumns(Vec<String>),
    RepeatedColumn(String),
    NoUsername,
    TooManyRows,
    TooManyColumns,
    /// A row with more cells than the header has columns.
    LongRow {
        row: usize,
    },
}

impl SheetError {
    pub fn message(&self) -> Message {
        match self {
            SheetError::TooBig => {
                Message::new("sheet.too_big").number("max", MAX_BYTES / (1024 * 1024))
            }
            SheetError::NotUtf8 => Message::new("sheet.not_utf8"),
            SheetError::Empty => Message::new("sheet.empty"),
            SheetError::Unreadable { row } => Message::new("sheet.unreadable").number("row", *row),
            SheetError::UnknownColumns(names) => Message::new("sheet.unknown_columns")
                .count(names.len())
                .text("columns", quoted(names)),
            SheetError::RepeatedColumn(name) => {
                Message::new("sheet.repeated_column").text("column", name.as_str())
            }
            SheetError::NoUsername => Message::new("sheet.no_username"),
            SheetError::TooManyRows => Message::new("sheet.too_many_rows").number("max", MAX_ROWS),
            SheetError::TooManyColumns => {
                Message::new("sheet.too_many_columns").number("max", MAX_COLUMNS)
            }
            SheetError::LongRow { row } => Message::new("sheet.long_row").number("row", *row),
        }
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("“{n}”"))
        .collect::<Vec<_>>()
        .join(", ")
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

/// Reads a file's bytes.
pub fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    if bytes.len() > MAX_BYTES {
        return Err(SheetError::TooBig);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| SheetError::NotUtf8)?;
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
        if records.len() > MAX_ROWS {
            return Err(SheetError::TooManyRows);
        }
        records.push((row, record));
    }
    let mut records = records.into_iter();
    let (_, header) = records.next().ok_or(SheetError::Empty)?;
    if header.len() > MAX_COLUMNS {
        return Err(SheetError::TooManyColumns);
    }

    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    for name in header.iter() {
        match Column::from_header(name) {
            Some(column) if !column.repeats() && columns.contains(&column) => {
                return Err(SheetError::RepeatedColumn(name.trim().to_string()))
            }
            Some(column) => columns.push(column),
            // A header cell left empty past the last column is no column.
            None if name.trim().is_empty() => columns.push(Column::Data(String::new())),
            None => unknown.push(name.trim().to_string()),
        }
    }
    if !unknown.is_empty() {
        return Err(SheetError::UnknownColumns(unknown));
    }
    if !columns.contains(&Column::Username) {
        return Err(SheetError::NoUsername);
    }
    let width = columns.len();
    let rows = records
        .map(|(number, record)| {
            let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
            let blank_column = |i: usize| columns.get(i) == Some(&Column::Data(String::new()));
            if cells
                .iter()
                .enumerate()
                .any(|(i, cell)| (i >= width || blank_column(i)) && !cell.trim().is_empty())
            {
                return Err(SheetError::LongRow { row: number });
            }
            cells.resize(width, String::new());
            Ok(Row { number, cells })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sheet {
        columns,
        rows,
        separator,
    })
}

impl Sheet {
    /// The cells of `row` under `column` (several for a repeated column), in order.
    pub fn cells<'a>(&'a self, row: &'a Row, column: &'a Column) -> impl Iterator<Item = &'a str> {
        self.columns
            .iter()
            .zip(&row.cells)
            .filter(move |(c, _)| *c == column)
            .map(|(_, cell)| cell.as_str())
    }

    /// The one cell of `row` under `column`, or `""`.
    pub fn cell<'a>(&'a self, row: &'a Row, column: &'a Column) -> &'a str {
        self.cells(row, column).next().unwrap_or("")
    }
}

/// The header of a file for this project: every column, its custom user fields as `data:`
/// columns.
pub fn template(custom_fields: &[String]) -> String {
    let mut headers: Vec<String> = NAMED.iter().map(|(name, _)| name.to_string()).collect();
    headers.extend(
        custom_fields
            .iter()
            .map(|slug| Column::Data(slug.clone()).header()),
    );
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = writer.write_record(&headers);
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> Sheet {
        read(text.as_bytes()).unwrap()
    }

    #[test]
    fn headers_are_hqs_names_in_any_case_and_repeated_ones_numbered() {
        assert_eq!(Column::from_header(" Username "), Some(Column::Username));
        assert_eq!(
            Column::from_header("phone-number 2"),
            Some(Column::PhoneNumber)
        );
        assert_eq!(Column::from_header("group_3"), Some(Column::Group));
        assert_eq!(
            Column::from_header("location_code"),
            Some(Column::LocationCode)
        );
        assert_eq!(Column::from_header("username 2"), None);
        assert_eq!(
            Column::from_header("Data: District"),
            Some(Column::Data("District".into()))
        );
        assert_eq!(Column::from_header("data:"), None);
        assert_eq!(Column::from_header("groups"), None);
        for (_, column) in NAMED {
            assert_eq!(Column::from_header(&column.header()), Some(column));
        }
    }

    #[test]
    fn quotes_embedded_newlines_and_row_numbers_as_a_spreadsheet_shows_them() {
        let s = sheet(
            "username,first_name,data: note\r\n\
             amina,\"Amina, \"\"Mina\"\"\",\"two\r\nlines\"\r\n\
             \r\n\
             ,,\r\n\
             jo,Jo,x\r\n",
        );
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[0].number, 2);
        assert_eq!(
            s.rows[0].cells,
            ["amina", "Amina, \"Mina\"", "two\r\nlines"]
        );
        // Row 3 is blank, row 4 holds only empty cells: neither is a worker.
        assert_eq!(s.rows[1].number, 5);
        assert_eq!(s.cell(&s.rows[1], &Column::FirstName), "Jo");
    }

    #[test]
    fn a_byte_order_mark_and_semicolons_are_read() {
        let s = sheet("\u{feff}username;first_name;phone-number;phone-number\nana;Ana;+1 5,5;+2\n");
        assert_eq!(s.columns[0], Column::Username);
        let row = &s.rows[0];
        assert_eq!(
            s.cells(row, &Column::PhoneNumber).collect::<Vec<_>>(),
            ["+1 5,5", "+2"]
        );
    }

    #[test]
    fn a_separator_inside_quotes_does_not_count() {
        assert_eq!(separator("\"a;b;c\",d\n"), b',');
        assert_eq!(separator("a;b,c;d\nx,y,z,w,v"), b';');
        assert_eq!(separator("username\n"), b',');
    }

    #[test]
    fn short_rows_are_padded_and_long_ones_refused() {
        let s = sheet("username,email\nana\n");
        assert_eq!(s.rows[0].cells, ["ana", ""]);
        assert_eq!(
            read(b"username,email\nana,a@b.org\nbo,b@b.org,extra\n"),
            Err(SheetError::LongRow { row: 3 })
        );
    }

    #[test]
    fn what_is_not_a_file_of_workers_is_named() {
        assert_eq!(read(b""), Err(SheetError::Empty));
        assert_eq!(read(b"\n\n"), Err(SheetError::Empty));
        assert_eq!(read(b"username\n\xff\n"), Err(SheetError::NotUtf8));
        assert_eq!(
            read(b"username,colour,group,Shoe size\n"),
            Err(SheetError::UnknownColumns(vec![
                "colour".into(),
                "Shoe size".into()
            ]))
        );
        assert_eq!(
            read(b"username,email,Email\n"),
            Err(SheetError::RepeatedColumn("Email".into()))
        );
        assert_eq!(read(b"first_name\nAna\n"), Err(SheetError::NoUsername));
        assert_eq!(
            read(b"username,data: note\nana,fine\nbo,\"never closed\ncy,x\n"),
            Err(SheetError::Unreadable { row: 3 })
        );
        // A quote inside a cell is only a character; "" inside a quoted cell is a quote.
        let s = sheet("username,data: note\nana,5\" screen\nbo,\"say \"\"hi\"\"\"\n");
        assert_eq!(s.rows[0].cells[1], "5\" screen");
        assert_eq!(s.rows[1].cells[1], "say \"hi\"");
        let wide = "username".to_string() + &",".repeat(MAX_COLUMNS) + "\na\n";
        assert_eq!(read(wide.as_bytes()), Err(SheetError::TooManyColumns));
        let many = "username\n".to_string() + &"a\n".repeat(MAX_ROWS + 1);
        assert_eq!(read(many.as_bytes()), Err(SheetError::TooManyRows));
        assert_eq!(read(&vec![b'a'; MAX_BYTES + 1]), Err(SheetError::TooBig));
    }

    #[test]
    fn the_template_is_read_back_as_its_columns() {
        let header = template(&["district".into(), "chw id".into()]);
        assert!(header.ends_with("\r\n"));
        let s = read(header.as_bytes()).unwrap();
        assert_eq!(s.columns.len(), NAMED.len() + 2);
        assert_eq!(s.columns.last(), Some(&Column::Data("chw id".into())));
        assert!(s.rows.is_empty());
    }
}
