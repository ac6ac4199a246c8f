//! Files served beside `index.html` that the page reads when it starts: `config.json` and the
//! interface language's catalogue. Relative URLs, so the page works from any sub-path; always
//! revalidated, because their names carry no content hash (operators replace `config.json`,
//! and a new build may bring new texts under the same name).

use gloo_net::http::{Request, Response};
use wasm_bindgen::JsCast;
use web_sys::RequestCache;

/// The text of `path`. When `early` names a `window` property where `start.js` left the
/// promise of a request it started before the wasm arrived, that request's answer is used.
/// `Err` says why, in the browser's or the server's words (`404 Not Found`).
pub async fn fetch(path: &str, early: Option<&str>) -> Result<String, String> {
    let started = early.and_then(|name| {
        let window = web_sys::window()?;
        let key = wasm_bindgen::JsValue::from_str(name);
        let promise = js_sys::Reflect::get(&window, &key).ok()?;
        let _ = js_sys::Reflect::delete_property(&window, &key);
        promise.dyn_into::<js_sys::Promise>().ok()
    });
    let response = match started {
        Some(promise) => wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .ok()
            .and_then(|r| r.dyn_into::<web_sys::Response>().ok())
            .map(Response::from),
        None => None,
    };
    let response = match response {
        Some(response) => response,
        None => Request::get(path)
            .cache(RequestCache::NoCache)
            .send()
            .await
            .map_err(|e| e.to_string())?,
    };
    if !response.ok() {
        return Err(format!("{} {}", response.status(), response.status_text()));
    }
    response.text().await.map_err(|e| e.to_string())
}
