//! The end-to-end harness: the release `dist/` served on a loopback port with a test's own
//! `config.json`, the stand-in HQ behind it, and headless Chromium driven over WebDriver.
//!
//! The static server plays the part of the production reverse proxy: same origin, and in
//! `proxy` mode it adds the API key to `/a/` requests, so the browser never holds it.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use stand_in_hq::{Settings, StandIn, DEV_API_KEY};
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub mod nginx;

pub use fantoccini;
pub use serde_json;
pub use stand_in_hq;

/// How long to wait for the page to reach an expected state.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// What a test serves as `config.json`.
#[derive(Clone, Debug)]
pub enum ConfigFile {
    /// This JSON value.
    Json(Value),
    /// These exact bytes (for broken files).
    Raw(&'static str),
    /// No file at all (404).
    Missing,
    /// This JSON with `base_url` set to the stand-in's own origin, so requests cross origins
    /// and go straight to it, with no proxy adding credentials.
    CrossOrigin(Value),
}

impl ConfigFile {
    /// The default: same origin, project space `demo`, credentials added by the proxy.
    pub fn proxy() -> Self {
        ConfigFile::Json(json!({
            "base_url": "", "domain": "demo", "api_version": "v0.5", "auth": "proxy"
        }))
    }

    /// `proxy()` with some keys changed.
    pub fn proxy_with(changes: Value) -> Self {
        let mut config = json!({
            "base_url": "", "domain": "demo", "api_version": "v0.5", "auth": "proxy"
        });
        if let (Some(target), Some(changes)) = (config.as_object_mut(), changes.as_object()) {
            for (k, v) in changes {
                target.insert(k.clone(), v.clone());
            }
        }
        ConfigFile::Json(config)
    }
}

pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
    assert!(
        dir.join("index.html").exists(),
        "no release build at {}: run `cargo xtask test` (it runs `trunk build --release` first)",
        dir.display()
    );
    dir
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

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

async fn forward_with_credential(api: Router, mut request: Request) -> Response {
    use tower_service::Service;
    // Like the production proxy: whatever the browser sent is replaced by the server's key.
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

fn static_file(dist: &Path, path: &str) -> Response {
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() {
        "index.html"
    } else {
        relative
    };
    if relative.split('/').any(|part| part == "..") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let Ok(bytes) = std::fs::read(dist.join(relative)) else {
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
    ([(header::CONTENT_TYPE, mime)], Body::from(bytes)).into_response()
}

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

/// One test's world: stand-in HQ, the served app, Chromium.
pub struct Harness {
    pub stand_in: StandIn,
    pub app_url: String,
    pub browser: Client,
    /// The nginx in front, when the test runs behind it.
    pub nginx: Option<nginx::Nginx>,
    chromedriver: Mutex<Option<Child>>,
    profile: PathBuf,
}

impl Harness {
    pub async fn start(config: ConfigFile) -> Harness {
        let stand_in = StandIn::new(Settings::default());
        let direct = stand_in.spawn(([127, 0, 0, 1], 0).into()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let app = app_router(&stand_in, dist_dir(), config, format!("http://{direct}"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self::with_browser(stand_in, format!("http://{addr}/"), None).await
    }

    /// The release build served by real nginx from `deploy/nginx/`, which forwards the API to a
    /// stand-in that accepts only nginx's key.
    pub async fn start_behind_nginx(site: nginx::Site) -> Harness {
        let stand_in = StandIn::new(Settings {
            api_keys: vec![nginx::PROXY_API_KEY.into()],
            locations_per_domain: site.locations,
            ..Settings::default()
        });
        let upstream = stand_in.spawn(([127, 0, 0, 1], 0).into()).await.unwrap();
        let front = nginx::Nginx::start(&dist_dir(), &site, upstream);
        let app_url = front.url(site.form_path);
        Self::with_browser(stand_in, app_url, Some(front)).await
    }

    async fn with_browser(
        stand_in: StandIn,
        app_url: String,
        nginx: Option<nginx::Nginx>,
    ) -> Harness {
        let (browser, chromedriver, profile) = start_browser().await;
        Harness {
            stand_in,
            app_url,
            browser,
            nginx,
            chromedriver: Mutex::new(Some(chromedriver)),
            profile,
        }
    }

    async fn close(&self) {
        let _ = self.browser.clone().close().await;
        if let Some(mut child) = self.chromedriver.lock().unwrap().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    /// Opens the form and waits until it (or the configuration error screen) is shown.
    pub async fn open(&self) {
        self.browser.goto(&self.app_url).await.unwrap();
        self.browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("form.registration, .config-error"))
            .await
            .expect("the page never showed the form or the configuration error");
    }

    pub async fn find(&self, css: &str) -> Element {
        self.browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn exists(&self, css: &str) -> bool {
        self.browser.find(Locator::Css(css)).await.is_ok()
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.unwrap()
    }

    /// Polls `css`'s text until `accept` holds; returns it.
    pub async fn wait_for_text(&self, css: &str, accept: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(el) = self.browser.find(Locator::Css(css)).await {
                if let Ok(text) = el.text().await {
                    if accept(&text) {
                        return text;
                    }
                    last = text;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{css} never showed the expected text; last seen: {last:?}");
    }

    /// Runs JavaScript in the page and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.browser.execute(script, vec![]).await.unwrap()
    }

    /// Saves a PNG of the page as `docs/screenshots/{name}.png`, where the README shows it.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.browser.screenshot().await.unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Replaces the text of an input, as a person selecting all and typing would.
    pub async fn replace_text(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    /// Chooses `value` in a `<select>`.
    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("cannot choose {value} in {css}: {e}"));
    }

    /// The POSTs the stand-in received on the user endpoint.
    pub fn user_posts(&self) -> Vec<stand_in_hq::ReceivedRequest> {
        self.stand_in
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/user/"))
            .collect()
    }
}

/// Starts a harness, runs `test`, and always closes the browser, even when the test panics.
pub async fn with_harness<F, Fut>(config: ConfigFile, test: F)
where
    F: FnOnce(Arc<Harness>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(Harness::start(config).await, test).await
}

/// `with_harness`, behind real nginx.
pub async fn with_nginx<F, Fut>(site: nginx::Site, test: F)
where
    F: FnOnce(Arc<Harness>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(Harness::start_behind_nginx(site).await, test).await
}

async fn run<F, Fut>(harness: Harness, test: F)
where
    F: FnOnce(Arc<Harness>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let harness = Arc::new(harness);
    let outcome = tokio::spawn(test(harness.clone())).await;
    harness.close().await;
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("test task failed: {error}"),
        }
    }
}

async fn start_browser() -> (Client, Child, PathBuf) {
    let port = free_port();
    let chromedriver = Command::new(std::env::var("CHROMEDRIVER").unwrap_or("chromedriver".into()))
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver must be installed: `cargo xtask test` installs it");
    let profile = std::env::temp_dir().join(format!("e2e-chromium-{}-{port}", std::process::id()));
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1024,1100",
        &format!("--user-data-dir={}", profile.display()),
    ];
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), json!({ "args": args }));
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return (client, chromedriver, profile),
            Err(e) if Instant::now() > deadline => panic!("could not start Chromium: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}
