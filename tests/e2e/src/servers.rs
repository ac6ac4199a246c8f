//! The app's own server for a test: the release `dist/` with the test's `config.json`, and
//! `/a/` forwarded to the stand-in with the key added, as the production proxy does.

use crate::ConfigFile;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::Value;
use stand_in_hq::{StandIn, DEV_API_KEY};
use std::path::{Path, PathBuf};

/// Serves `dist` with the given `config.json`, forwarding `/a/` to the stand-in.
pub fn app_router(
    stand_in: &StandIn,
    dist: PathBuf,
    config: ConfigFile,
    stand_in_url: String,
) -> Router {
    let api = stand_in.router();
    Router::new().fallback(move |request: Request| {
        let (api, dist, config) = (api.clone(), dist.clone(), config.clone());
        let stand_in_url = stand_in_url.clone();
        async move {
            let path = request.uri().path().to_string();
            if path.starts_with("/a/") || path.starts_with("/_stand-in/") {
                return forward_with_credential(api, request).await;
            }
            if path == "/config.json" {
                return match config {
                    // `{app_origin}` stands for the origin the page itself is served from.
                    ConfigFile::Json(v) => {
                        let host = request
                            .headers()
                            .get(header::HOST)
                            .and_then(|h| h.to_str().ok())
                            .unwrap_or_default();
                        json_response(
                            v.to_string()
                                .replace("{app_origin}", &format!("http://{host}")),
                        )
                    }
                    ConfigFile::Raw(text) => json_response(text.to_string()),
                    ConfigFile::Missing => StatusCode::NOT_FOUND.into_response(),
                    ConfigFile::CrossOrigin(mut v) => {
                        v["base_url"] = Value::String(stand_in_url);
                        json_response(v.to_string())
                    }
                };
            }
            static_file(&dist, &path)
        }
    })
}

/// Hands `request` to the stand-in as the production proxy would: whatever credential the
/// browser sent is replaced by the server's key.
pub async fn forward_with_credential(api: Router, mut request: Request) -> Response {
    use tower_service::Service;
    request.headers_mut().insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&format!("ApiKey {DEV_API_KEY}")).unwrap(),
    );
    let mut api = api;
    api.call(request).await.into_response()
}

fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub(crate) fn static_file(dist: &Path, path: &str) -> Response {
    static_file_encoded(dist, path, false)
}

/// A file of `dir` (`index.html` for the folder itself), as a plain static server sends it;
/// the `.br` beside it instead when `accepts_br` and there is one, as nginx's `brotli_static`.
pub fn static_file_encoded(dir: &Path, path: &str, accepts_br: bool) -> Response {
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() {
        "index.html"
    } else {
        relative
    };
    if relative.split('/').any(|part| part == "..") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let file = dir.join(relative);
    let compressed = std::fs::read(format!("{}.br", file.display()))
        .ok()
        .filter(|_| accepts_br);
    let encoded = compressed.is_some();
    let Some(bytes) = compressed.or_else(|| std::fs::read(&file).ok()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match relative.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    let mut response = ([(header::CONTENT_TYPE, mime)], Body::from(bytes)).into_response();
    if encoded {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
    }
    response
}
