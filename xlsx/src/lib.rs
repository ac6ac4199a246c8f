//! Excel workbooks for bulk creation, a module of its own: the page downloads it only when an
//! operator chooses an `.xlsx` file or asks for an `.xlsx` template or results file, so the
//! one-worker page and a CSV run carry none of it.
//!
//! Administrators' spreadsheets come from CommCare HQ's "Download Mobile Workers", so cells are
//! read as HQ's own Excel reader reads them (`corehq/util/workbook_json/excel.py`): a whole
//! number without `.0` (phone numbers and site codes are typed as numbers), a formula by its
//! cached value, an empty cell as empty text. Dates are given as ISO text, as a person would
//! type them. What to make of the rows is bulk creation's business (`bulk/src/sheet.rs`).

use calamine::{DataRef, Reader, Xlsx};
use std::io::Cursor;

/// The sheet HQ's bulk upload reads; any other workbook's first sheet is used.
pub const USERS_SHEET: &str = "users";
/// The most an archive may hold unpacked: far above any list of a few thousand workers, far
/// below what would exhaust the page's memory (an archive can unpack a thousandfold).
pub const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

/// A sheet read: its name, and each row that holds anything with its number as the
/// spreadsheet shows it (the first row is 1), its cells from column A on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRows {
    pub sheet: String,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a workbook cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Not an `.xlsx` workbook (an old `.xls`, a CSV renamed, a damaged file).
    NotXlsx,
    /// It would unpack to more than [`MAX_UNPACKED`].
    TooBig,
    /// It holds no sheet.
    NoSheet,
}

impl ReadError {
    /// The name the page's messages know it by.
    pub fn code(self) -> &'static str {
        match self {
            ReadError::NotXlsx => "not_xlsx",
            ReadError::TooBig => "too_big",
            ReadError::NoSheet => "no_sheet",
        }
    }
}

/// Reads the `users` sheet of `bytes` (else the first), stopping after `max_rows` rows that
/// hold anything and keeping at most `max_columns` cells of each: the caller refuses more, and
/// need not hold all of it to say so.
pub fn read(bytes: &[u8], max_rows: usize, max_columns: usize) -> Result<SheetRows, ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::NotXlsx)?;
    let mut unpacked = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| ReadError::NotXlsx)?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    if unpacked > MAX_UNPACKED {
        return Err(ReadError::TooBig);
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadError::NotXlsx)?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.trim().eq_ignore_ascii_case(USERS_SHEET))
        .or(names.first())
        .cloned()
        .ok_or(ReadError::NoSheet)?;
    let mut cells = book
        .worksheet_cells_reader(&sheet)
        .map_err(|_| ReadError::NotXlsx)?;
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| ReadError::NotXlsx)? {
        let (row, column) = cell.get_position();
        let (row, column) = (row as usize + 1, column as usize);
        let text = cell_text(cell.get_value());
        if text.is_empty() || column >= max_columns {
            continue;
        }
        if rows.last().is_none_or(|(number, _)| *number != row) {
            if rows.len() == max_rows {
                break;
            }
            rows.push((row, Vec::new()));
        }
        if let Some((_, cells)) = rows.last_mut() {
            if cells.len() <= column {
                cells.resize(column + 1, String::new());
            }
            cells[column] = text;
        }
    }
    Ok(SheetRows { sheet, rows })
}

/// A cell as HQ's Excel reader turns it into text.
pub fn cell_text(value: &DataRef) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(text) => text.clone(),
        DataRef::SharedString(text) => text.to_string(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(n) => number_text(*n),
        // Python's own words for them, as HQ compares `True` and `False`.
        DataRef::Bool(true) => "True".into(),
        DataRef::Bool(false) => "False".into(),
        DataRef::DateTime(when) if when.is_duration() => {
            let seconds = (when.as_f64() * 86_400.0).round() as i64;
            format!(
                "{}:{:02}:{:02}",
                seconds / 3600,
                seconds / 60 % 60,
                seconds % 60
            )
        }
        DataRef::DateTime(when) => {
            let (y, mo, d, h, mi, s, _) = when.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => text.clone(),
        DataRef::Error(error) => error.to_string(),
    }
}

/// A number as text: a whole one without `.0`, as HQ's reader gives it (`int(value)`), so a
/// phone number typed as a number reads as its digits.
pub fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// A cell to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

/// A workbook of one sheet named `sheet`: the first row in bold, every cell as given. Text is
/// written as text, so a phone number keeps its `+` and a code its leading zeros.
pub fn write(sheet: &str, rows: &[Vec<Cell>]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let page = book.add_worksheet();
    page.set_name(sheet).map_err(|e| e.to_string())?;
    for (r, row) in rows.iter().enumerate() {
        let format = if r == 0 { &bold } else { &text };
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (
                u32::try_from(r).map_err(|e| e.to_string())?,
                u16::try_from(c).map_err(|e| e.to_string())?,
            );
            match cell {
                Cell::Text(value) => page.write_string_with_format(r, c, value, format),
                Cell::Number(value) => page.write_number(r, c, *value),
            }
            .map_err(|e| e.to_string())?;
        }
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// The browser's side: what bulk creation's module calls once this one is loaded.
#[cfg(target_arch = "wasm32")]
mod browser {
    use super::*;
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use wasm_bindgen::prelude::*;

    /// `{sheet, rows: [[number, [cells…]], …]}`, or `{error}` with [`ReadError::code`].
    #[wasm_bindgen(js_name = read)]
    pub fn read_js(bytes: &[u8], max_rows: usize, max_columns: usize) -> JsValue {
        let out = Object::new();
        let set = |key: &str, value: &JsValue| {
            let _ = Reflect::set(&out, &JsValue::from_str(key), value);
        };
        match read(bytes, max_rows, max_columns) {
            Ok(sheet) => {
                set("sheet", &JsValue::from_str(&sheet.sheet));
                let rows: Array = sheet
                    .rows
                    .iter()
                    .map(|(number, cells)| {
                        let cells: Array = cells.iter().map(|c| JsValue::from_str(c)).collect();
                        Array::of2(&JsValue::from_f64(*number as f64), &cells)
                    })
                    .collect();
                set("rows", &rows);
            }
            Err(error) => set("error", &JsValue::from_str(error.code())),
        }
        out.into()
    }

    /// A workbook of `rows` (arrays of texts) on one sheet named `sheet`; empty if it cannot
    /// be written.
    #[wasm_bindgen(js_name = write)]
    pub fn write_js(sheet: &str, rows: Array) -> Uint8Array {
        let rows: Vec<Vec<Cell>> = rows
            .iter()
            .map(|row| {
                Array::from(&row)
                    .iter()
                    .map(|cell| Cell::Text(cell.as_string().unwrap_or_default()))
                    .collect()
            })
            .collect();
        let bytes = write(sheet, &rows).unwrap_or_default();
        Uint8Array::from(bytes.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

    fn texts(row: &[&str]) -> Vec<Cell> {
        row.iter().map(|t| Cell::Text(t.to_string())).collect()
    }

    #[test]
    fn cells_read_as_hqs_reader_reads_them() {
        let mut book = Workbook::new();
        let page = book.add_worksheet();
        page.set_name("users").unwrap();
        page.write_string(0, 0, "username").unwrap();
        page.write_string(0, 1, "phone-number 1").unwrap();
        page.write_string(0, 2, "data: born").unwrap();
        page.write_string(0, 3, "data: score").unwrap();
        page.write_string(0, 4, "data: sum").unwrap();
        page.write_string(0, 5, "is_active").unwrap();
        page.write_string(2, 0, "amina").unwrap();
        page.write_number(2, 1, 256_772_987_654.0).unwrap();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let day = ExcelDateTime::from_ymd(1990, 4, 3).unwrap();
        page.write_datetime_with_format(2, 2, &day, &date).unwrap();
        page.write_number(2, 3, 2.5).unwrap();
        page.write_formula(2, 4, Formula::new("=1+1").set_result("2"))
            .unwrap();
        page.write_boolean(2, 5, true).unwrap();
        let bytes = book.save_to_buffer().unwrap();

        let read = read(&bytes, 10, 10).unwrap();
        assert_eq!(read.sheet, "users");
        // Row 2 is blank and not given; row numbers are the spreadsheet's.
        assert_eq!(read.rows.len(), 2);
        assert_eq!(read.rows[1].0, 3);
        assert_eq!(
            read.rows[1].1,
            ["amina", "256772987654", "1990-04-03", "2.5", "2", "True"]
        );
    }

    #[test]
    fn the_users_sheet_is_read_else_the_first() {
        let mut book = Workbook::new();
        book.add_worksheet()
            .set_name("notes")
            .unwrap()
            .write(0, 0, "x")
            .unwrap();
        book.add_worksheet()
            .set_name("Users")
            .unwrap()
            .write(0, 0, "username")
            .unwrap();
        let read_back = read(&book.save_to_buffer().unwrap(), 10, 10).unwrap();
        assert_eq!(read_back.sheet, "Users");
        assert_eq!(read_back.rows, [(1, vec!["username".to_string()])]);

        let written = write("workers", &[texts(&["username"]), texts(&["ana"])]).unwrap();
        let read_back = read(&written, 10, 10).unwrap();
        assert_eq!(read_back.sheet, "workers");
        assert_eq!(read_back.rows[1], (2, vec!["ana".to_string()]));
    }

    #[test]
    fn text_written_is_read_back_unchanged() {
        let row = texts(&["+256 772", "007", "Ünïcødé ت", "", "a,b;\"c\"\nd"]);
        let written = write("users", &[texts(&["h1", "h2", "h3", "h4", "h5"]), row]).unwrap();
        let read_back = read(&written, 10, 10).unwrap();
        assert_eq!(
            read_back.rows[1].1,
            ["+256 772", "007", "Ünïcødé ت", "", "a,b;\"c\"\nd"]
        );
    }

    #[test]
    fn rows_and_columns_past_the_limits_are_not_kept() {
        let rows: Vec<Vec<Cell>> = (0..20)
            .map(|r| {
                (0..8)
                    .map(|c| Cell::Number(f64::from(r * 10 + c)))
                    .collect()
            })
            .collect();
        let read_back = read(&write("users", &rows).unwrap(), 5, 3).unwrap();
        assert_eq!(read_back.rows.len(), 5);
        assert_eq!(read_back.rows[4].1, ["40", "41", "42"]);
    }

    #[test]
    fn what_is_no_workbook_is_said() {
        assert_eq!(read(b"username\nana\n", 10, 10), Err(ReadError::NotXlsx));
        assert_eq!(read(&[], 10, 10), Err(ReadError::NotXlsx));
        // A zip that is not a workbook.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("a.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, b"hello").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(read(&bytes, 10, 10), Err(ReadError::NotXlsx));
    }

    #[test]
    fn an_archive_that_unpacks_too_far_is_refused_unread() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..=MAX_UNPACKED / zeros.len() as u64 {
            std::io::Write::write_all(&mut zip, &zeros).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());
        assert_eq!(read(&bytes, 10, 10), Err(ReadError::TooBig));
    }

    #[test]
    fn numbers_are_whole_without_a_point() {
        assert_eq!(number_text(256_772_987_654.0), "256772987654");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(0.5), "0.5");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }
}
