//! Reading a file of mobile workers: CSV as spreadsheet programs save it ([`csv_text`]) or the
//! rows of an Excel workbook (read by the `xlsx` module, loaded when one is chosen), with the
//! columns of HQ's bulk upload ([`column`]). Each row keeps its number as the spreadsheet
//! shows it, so every problem can be found where it was typed.

pub mod column;
mod csv_text;

pub use column::{hq_boolean, split_full_name, Column};
use mobile_worker_form::i18n::Message;

/// Rows as a file gives them: each with its number as the spreadsheet shows it, and its cells.
pub type NumberedRows = Vec<(usize, Vec<String>)>;

/// One row of the file: its number as a spreadsheet shows it (the header is row 1) and its
/// cells, one per column of the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

/// A file read: its columns (with the header as written), its rows that hold anything, and
/// how it was written, so the results file can be written the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub columns: Vec<Column>,
    /// The header's cells as the file has them.
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    /// A CSV file's separator (`,` for a workbook).
    pub separator: u8,
    /// The sheet of a workbook the rows come from; `None` for CSV.
    pub sheet_name: Option<String>,
    /// The headers of the columns set aside (HQ writes them; creating never uses them).
    pub ignored: Vec<String>,
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
    /// Not an Excel workbook, though named `.xlsx`.
    NotXlsx,
    /// The module that reads workbooks could not be loaded.
    XlsxUnavailable,
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
            SheetError::NotXlsx => Message::new("sheet.not_xlsx"),
            SheetError::XlsxUnavailable => Message::new("sheet.xlsx_unavailable"),
        }
    }
}

/// Names, each in quotes, for a message.
pub fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("“{n}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a CSV file's bytes.
pub fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    if bytes.len() > MAX_BYTES {
        return Err(SheetError::TooBig);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| SheetError::NotUtf8)?;
    let (rows, separator) = csv_text::rows(text)?;
    let mut sheet = from_rows(rows)?;
    sheet.separator = separator;
    Ok(sheet)
}

/// Makes a sheet of rows read from a file (each with its number, the first the header): the
/// columns named, those HQ writes but creating never uses set aside, anything else refused.
pub fn from_rows(rows: NumberedRows) -> Result<Sheet, SheetError> {
    let mut rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let (_, header) = rows.next().ok_or(SheetError::Empty)?;
    if header.len() > MAX_COLUMNS {
        return Err(SheetError::TooManyColumns);
    }
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    let mut ignored = Vec::new();
    for name in &header {
        match Column::from_header(name) {
            Some(column) if !column.repeats() && columns.contains(&column) => {
                return Err(SheetError::RepeatedColumn(name.trim().to_string()))
            }
            Some(Column::Ignored) => {
                ignored.push(name.trim().to_string());
                columns.push(Column::Ignored);
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
    let blank_column = |i: usize| columns.get(i) == Some(&Column::Data(String::new()));
    let mut read = Vec::new();
    for (number, mut cells) in rows {
        if read.len() == MAX_ROWS {
            return Err(SheetError::TooManyRows);
        }
        let beyond = |(i, cell): (usize, &String)| {
            (i >= width || blank_column(i)) && !cell.trim().is_empty()
        };
        if cells.iter().enumerate().any(beyond) {
            return Err(SheetError::LongRow { row: number });
        }
        cells.resize(width, String::new());
        read.push(Row { number, cells });
    }
    Ok(Sheet {
        columns,
        headers: header.iter().map(|h| h.trim().to_string()).collect(),
        rows: read,
        separator: b',',
        sheet_name: None,
        ignored,
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

/// The header of a file for this project, in HQ's names and the order its download writes
/// them: each repeated column once, numbered, then its custom user fields as `data:` columns,
/// and `user_profile` where it has profiles.
pub fn template_header(custom_fields: &[String], profiles: bool) -> Vec<String> {
    let mut headers: Vec<String> = column::TEMPLATE.iter().map(|c| c.header(1)).collect();
    for repeated in [Column::PhoneNumber, Column::Group, Column::LocationCode] {
        headers.push(repeated.header(1));
    }
    headers.extend(
        custom_fields
            .iter()
            .map(|slug| Column::Data(slug.clone()).header(1)),
    );
    if profiles {
        headers.push(Column::Profile.header(1));
    }
    headers
}

/// A header as a CSV file.
pub fn template_csv(header: &[String]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = writer.write_record(header);
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
    fn the_template_is_read_back_as_its_columns_in_hqs_order() {
        let header = template_csv(&template_header(
            &["district".into(), "chw id".into()],
            true,
        ));
        assert!(header.starts_with("username,password,name,email,language,role,phone-number 1,group 1,location_code 1,data: district,"));
        assert!(header.ends_with(",user_profile\r\n"));
        let s = read(header.as_bytes()).unwrap();
        assert_eq!(s.columns.len(), 12);
        assert_eq!(s.columns[10], Column::Data("chw id".into()));
        assert!(s.rows.is_empty());
        assert!(!template_header(&[], false).contains(&"user_profile".to_string()));
    }

    #[test]
    fn hqs_download_is_read_its_read_only_columns_set_aside() {
        let s = sheet(
            "username,password,name,user_id,is_active,User IMEIs (read only),role,\
             registered_on (read only),last_sync (read only),phone-number 1,phone-number 2,\
             group 1,location_code 1,data: district,uncategorized_data,deactivate_after\n\
             amina,********,Amina Nakato,,True,,Field worker,2024-01-02,,256772987654,,Nurses,gulu,North,,\n",
        );
        assert_eq!(
            s.ignored,
            [
                "User IMEIs (read only)",
                "registered_on (read only)",
                "last_sync (read only)",
                "uncategorized_data",
                "deactivate_after"
            ]
        );
        let row = &s.rows[0];
        assert_eq!(s.cell(row, &Column::Name), "Amina Nakato");
        assert_eq!(
            s.cells(row, &Column::PhoneNumber).collect::<Vec<_>>(),
            ["256772987654", ""]
        );
        assert_eq!(s.headers[5], "User IMEIs (read only)");
    }

    #[test]
    fn rows_from_a_workbook_keep_their_numbers() {
        let s = from_rows(vec![
            (2, vec!["username".into(), "email".into()]),
            (4, vec!["ana".into()]),
            (9, vec!["bo".into(), "b@x.org".into()]),
        ])
        .unwrap();
        assert_eq!(
            s.rows[0],
            Row {
                number: 4,
                cells: vec!["ana".into(), String::new()]
            }
        );
        assert_eq!(s.rows[1].number, 9);
        let many = std::iter::once((1, vec!["username".to_string()]))
            .chain((2..MAX_ROWS + 3).map(|n| (n, vec!["a".to_string()])))
            .collect();
        assert_eq!(from_rows(many), Err(SheetError::TooManyRows));
    }
}
