//! The example admin portal (`examples/`) served on an origin of its own.

use crate::servers::static_file;
use axum::extract::Request;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Router;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The example admin portal (`examples/`) on an origin of its own. Its origin is known at once
/// (for the form's `config.json`); the form it frames is set once the form is served.
pub struct Portal {
    pub origin: String,
    form_url: Arc<Mutex<String>>,
}

impl Portal {
    pub async fn serve() -> Portal {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let form_url = Arc::new(Mutex::new(String::new()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = form_url.clone();
        let app = Router::new().fallback(move |request: Request| {
            let (examples, form_url) = (examples.clone(), shared.clone());
            async move {
                let mut response = static_file(&examples, request.uri().path());
                if request.uri().path().ends_with(".js") {
                    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
                        .await
                        .unwrap();
                    // The copy-paste values of the example, replaced for this test.
                    let text = String::from_utf8_lossy(&bytes)
                        .replace(
                            "https://forms.example.org/forms/register/",
                            &form_url.lock().unwrap(),
                        )
                        .replace(
                            "const DEFAULTS = { language: \"en\" };",
                            "const DEFAULTS = {};",
                        );
                    response = ([(header::CONTENT_TYPE, "text/javascript")], text).into_response();
                }
                response
            }
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Portal {
            origin: format!("http://{addr}"),
            form_url,
        }
    }

    /// The portal page, framing the form at `form_url`.
    pub fn page(&self, form_url: &str) -> String {
        *self.form_url.lock().unwrap() = form_url.to_string();
        format!("{}/admin-portal.html", self.origin)
    }
}
