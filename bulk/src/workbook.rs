//! Excel workbooks, through the `xlsx` module (`xlsx/`): fetched the first time an `.xlsx` is
//! chosen or asked for, so a CSV run and the one-worker page carry none of it (its loader is
//! a line of this module's own JavaScript, not the page's). This turns the module's answers
//! into a [`Sheet`] or a file.

use crate::sheet::{self, NumberedRows, Sheet, SheetError, MAX_COLUMNS, MAX_ROWS};
use js_sys::{Array, Function, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The media type of an `.xlsx` workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// wasm-bindgen puts this beside the module's glue, in `snippets/<crate>-<hash>/`, two folders
// below the page's files. The browser keeps an imported module: a second load is the first.
#[wasm_bindgen(inline_js = "export function load_module() {
    return import(new URL('../../mobile-worker-xlsx.js', import.meta.url))
        .then(async (module) => { await module.default(); return module; });
}")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn load_module() -> Result<js_sys::Promise, JsValue>;
}

/// Whether a chosen file is a workbook, by its name or its type.
pub fn is_workbook(name: &str, media_type: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".xlsx") || media_type == XLSX_TYPE
}

/// One of the module's functions, the module loaded first.
async fn function(name: &str) -> Result<Function, JsValue> {
    let module = JsFuture::from(load_module()?).await?;
    Reflect::get(&module, &JsValue::from_str(name))?.dyn_into()
}

/// Reads a workbook's `users` sheet (else its first) as a file of workers.
pub async fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    let Ok(read) = function("read").await else {
        return Err(SheetError::XlsxUnavailable);
    };
    // One row past the most a file may have, and one column, so that too many is seen.
    let answer = read
        .call3(
            &JsValue::NULL,
            &Uint8Array::from(bytes),
            &JsValue::from_f64((MAX_ROWS + 2) as f64),
            &JsValue::from_f64((MAX_COLUMNS + 1) as f64),
        )
        .map_err(|_| SheetError::NotXlsx)?;
    let field = |key: &str| Reflect::get(&answer, &JsValue::from_str(key)).ok();
    match field("error").and_then(|e| e.as_string()).as_deref() {
        Some("too_big") => return Err(SheetError::TooBig),
        Some("no_sheet") => return Err(SheetError::Empty),
        Some(_) => return Err(SheetError::NotXlsx),
        None => {}
    }
    let rows: NumberedRows = field("rows")
        .map(|rows| Array::from(&rows))
        .unwrap_or_default()
        .iter()
        .map(|row| {
            let row = Array::from(&row);
            let number = row.get(0).as_f64().unwrap_or(0.0) as usize;
            let cells = Array::from(&row.get(1))
                .iter()
                .map(|c| c.as_string().unwrap_or_default())
                .collect();
            (number, cells)
        })
        .collect();
    let mut sheet = sheet::from_rows(rows)?;
    sheet.sheet_name = field("sheet").and_then(|s| s.as_string());
    Ok(sheet)
}

/// A workbook of one sheet named `sheet_name` holding `rows` as text.
pub async fn write(sheet_name: &str, rows: &[Vec<String>]) -> Result<Vec<u8>, SheetError> {
    let write = function("write")
        .await
        .map_err(|_| SheetError::XlsxUnavailable)?;
    let rows: Array = rows
        .iter()
        .map(|row| row.iter().map(|c| JsValue::from_str(c)).collect::<Array>())
        .collect();
    let bytes = write
        .call2(&JsValue::NULL, &JsValue::from_str(sheet_name), &rows)
        .map_err(|_| SheetError::XlsxUnavailable)?;
    let bytes = Uint8Array::new(&bytes).to_vec();
    if bytes.is_empty() {
        return Err(SheetError::XlsxUnavailable);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_known_by_its_name_or_type() {
        assert!(is_workbook("Mobile Workers.XLSX", ""));
        assert!(is_workbook("download", XLSX_TYPE));
        assert!(!is_workbook("workers.csv", "text/csv"));
        assert!(!is_workbook("workers.xls", "application/vnd.ms-excel"));
    }
}
