//! Handover slips are shown and printed by a module of their own (`handover/`), with their
//! styles and texts, fetched the first time slips are asked for: the page's first download
//! carries only this loader.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `start.js`'s loader of the module: imports it the first time, then shows the sheet.
    #[wasm_bindgen(js_namespace = window, js_name = mobileWorkerFormSlips, catch)]
    fn show_slips(
        host: &web_sys::Element,
        sheet: &str,
        close: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// Shows the sheet (`worker::slip::sheet_json`) in `host`, focused; `on_close` runs once it is
/// closed and gone. `false` when the module could not be loaded.
pub async fn open_slips(
    host: web_sys::Element,
    sheet: String,
    on_close: impl FnOnce() + 'static,
) -> bool {
    let close = Closure::once_into_js(on_close);
    match show_slips(&host, &sheet, &close) {
        Ok(promise) => JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    }
}
