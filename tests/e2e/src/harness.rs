//! One test's world: the stand-in HQ, the served app (directly or behind nginx), Chromium,
//! and what a test does with them.

use crate::browser::{
    start_browser_impatient, start_browser_speaking, start_browser_without_javascript,
};
use crate::servers::app_router;
use crate::{dist_dir, nginx, ConfigFile, PATIENCE};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::Value;
use stand_in_hq::{Settings, StandIn};
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One test's world: stand-in HQ, the served app, Chromium.
pub struct Harness {
    pub stand_in: StandIn,
    pub app_url: String,
    pub browser: Client,
    /// The nginx in front, when the test runs behind it.
    pub nginx: Option<nginx::Nginx>,
    /// Every path (with its query) the page's own server was asked for, in order (not behind
    /// nginx).
    served: Arc<Mutex<Vec<String>>>,
    /// The endings of the paths the page's server holds back for now (see [`Harness::hold`]).
    held: tokio::sync::watch::Sender<Vec<&'static str>>,
    chromedriver: Mutex<Option<Child>>,
    profile: PathBuf,
}

impl Harness {
    pub async fn start(config: ConfigFile) -> Harness {
        Self::start_speaking(config, "en-US,en").await
    }

    /// `start`, with a browser whose preferred languages are `languages` (`"fr-FR,fr"`).
    pub async fn start_speaking(config: ConfigFile, languages: &str) -> Harness {
        Self::start_from(dist_dir(), config, languages).await
    }

    /// `start_speaking`, serving the page from `dist` (a copy a test has changed).
    pub async fn start_from(dist: PathBuf, config: ConfigFile, languages: &str) -> Harness {
        Self::start_with(dist, config, Browser::Patient(languages)).await
    }

    /// The page's own server for `dist` and `config`, and `browser`.
    pub async fn start_with(dist: PathBuf, config: ConfigFile, browser: Browser<'_>) -> Harness {
        // The stand-in holds the project's settings as HQ would: the same `"project"`.
        let project = match &config {
            ConfigFile::Json(v) | ConfigFile::CrossOrigin(v) => v["project"].clone(),
            _ => serde_json::Value::Null,
        };
        let stand_in = StandIn::new(Settings {
            project,
            ..Settings::default()
        });
        let direct = stand_in.spawn(([127, 0, 0, 1], 0).into()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let served = Arc::new(Mutex::new(Vec::new()));
        let log = served.clone();
        let (held, gate) = tokio::sync::watch::channel(Vec::<&'static str>::new());
        let app = app_router(&stand_in, dist, config, format!("http://{direct}")).layer(
            axum::middleware::from_fn(
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    log.lock().unwrap().push(request.uri().to_string());
                    let mut gate = gate.clone();
                    async move {
                        let path = request.uri().path().to_string();
                        let _ = gate
                            .wait_for(|held| !held.iter().any(|end| path.ends_with(end)))
                            .await;
                        next.run(request).await
                    }
                },
            ),
        );
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let mut harness =
            Self::with_browser(stand_in, format!("http://{addr}/"), None, browser).await;
        harness.served = served;
        harness.held = held;
        harness
    }

    /// The release build served by real nginx from `deploy/nginx/`, which forwards the API to a
    /// stand-in that accepts only nginx's key.
    pub async fn start_behind_nginx(site: nginx::Site) -> Harness {
        Self::start_behind_nginx_with(site, Browser::Patient("en-US,en")).await
    }

    /// `start_behind_nginx`, with `browser`.
    pub async fn start_behind_nginx_with(site: nginx::Site, browser: Browser<'_>) -> Harness {
        let stand_in = StandIn::new(Settings {
            api_keys: vec![nginx::PROXY_API_KEY.into()],
            locations_per_domain: site.locations,
            ..Settings::default()
        });
        let upstream = stand_in.spawn(([127, 0, 0, 1], 0).into()).await.unwrap();
        let front = nginx::Nginx::start(&dist_dir(), &site, upstream);
        let app_url = front.url(site.form_path);
        Self::with_browser(stand_in, app_url, Some(front), browser).await
    }

    async fn with_browser(
        stand_in: StandIn,
        app_url: String,
        nginx: Option<nginx::Nginx>,
        browser: Browser<'_>,
    ) -> Harness {
        let (browser, chromedriver, profile) = match browser {
            Browser::Patient(languages) => start_browser_speaking(languages).await,
            Browser::Impatient(languages) => start_browser_impatient(languages).await,
            Browser::WithoutJavaScript => start_browser_without_javascript().await,
        };
        Harness {
            stand_in,
            app_url,
            browser,
            nginx,
            served: Arc::default(),
            held: tokio::sync::watch::channel(Vec::new()).0,
            chromedriver: Mutex::new(Some(chromedriver)),
            profile,
        }
    }

    /// From now on the page's server holds back every file whose path ends with `end`, until
    /// [`Harness::release`] (not behind nginx).
    pub fn hold(&self, end: &'static str) {
        self.held.send_modify(|held| held.push(end));
    }

    /// Hands out the files held back by `hold(end)`, and any asked for later.
    pub fn release(&self, end: &'static str) {
        self.held.send_modify(|held| held.retain(|e| *e != end));
    }

    /// The page's WebAssembly held back, so the page stays at its first view, until
    /// [`Harness::release_the_app`].
    pub fn hold_the_app(&self) {
        self.hold(".wasm");
    }

    pub fn release_the_app(&self) {
        self.release(".wasm");
    }

    /// Waits until the app has taken the first view's place (or drawn the page itself).
    pub async fn app_running(&self) {
        self.browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("body > main.page"))
            .await
            .expect("the app never took over the page");
    }

    async fn close(&self) {
        let _ = self.browser.clone().close().await;
        if let Some(mut child) = self.chromedriver.lock().unwrap().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    /// Opens the form and waits until the app runs it (or shows the configuration error).
    pub async fn open(&self) {
        self.browser.goto(&self.app_url).await.unwrap();
        self.browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(
                "body > main form.registration, body > main .config-error",
            ))
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

    /// Polls `css`'s value (an input's or a select's) until `accept` holds; returns it.
    pub async fn wait_for_value(&self, css: &str, accept: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(el) = self.browser.find(Locator::Css(css)).await {
                if let Ok(Some(value)) = el.prop("value").await {
                    if accept(&value) {
                        return value;
                    }
                    last = value;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{css} never had the expected value; last seen: {last:?}");
    }

    /// Runs JavaScript in the page and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.browser.execute(script, vec![]).await.unwrap()
    }

    /// Runs `script` until it returns something other than `null` or `false`, and returns
    /// that; fails naming `what` if it never does.
    pub async fn js_until(&self, what: &str, script: &str) -> Value {
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            let value = self.js(script).await;
            if !value.is_null() && value != Value::Bool(false) {
                return value;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{what} never happened"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Runs axe-core's WCAG 2.0–2.2 A and AA rules on the page as it is now (in the frame the
    /// browser is in) and fails with every violation, naming `state`.
    pub async fn assert_accessible(&self, state: &str) {
        let violations = self.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "{state}: axe-core found {} WCAG A/AA violation(s):\n{}",
            violations.len(),
            violations.join("\n")
        );
    }

    /// axe-core's WCAG A and AA violations on the page as it is now, one line each.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let path = std::env::var("AXE_CORE_JS").unwrap_or_else(|_| {
            panic!("AXE_CORE_JS is not set: `cargo xtask test` installs axe-core and sets it")
        });
        let axe = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        self.browser
            .execute(&format!("{axe}\n;return true"), vec![])
            .await
            .unwrap();
        let violations = self
            .browser
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag',
                     values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                   .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help}: ` +
                       v.nodes.map(n => n.target.join(' ')).join(', '))))
                   .catch(e => done([`axe could not run: ${e}`]));",
                vec![],
            )
            .await
            .unwrap();
        e2e_strings(&violations)
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

    /// The paths the page's server has been asked for so far.
    pub fn served_paths(&self) -> Vec<String> {
        self.served.lock().unwrap().clone()
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

/// The browser a test drives.
#[derive(Clone, Copy, Debug)]
pub enum Browser<'a> {
    /// Waits for each page to load before the next command; prefers these languages.
    Patient(&'a str),
    /// Goes on as soon as a page starts loading, as a person on a slow connection does.
    Impatient(&'a str),
    /// Runs no page script at all.
    WithoutJavaScript,
}

/// `with_harness_from`, with `browser`.
pub async fn with_harness_using<F, Fut>(config: ConfigFile, browser: Browser<'_>, test: F)
where
    F: FnOnce(Arc<Harness>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(Harness::start_with(dist_dir(), config, browser).await, test).await
}

/// Starts a harness, runs `test`, and always closes the browser, even when the test panics.
pub async fn with_harness<F, Fut>(config: ConfigFile, test: F)
where
    F: FnOnce(Arc<Harness>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(Harness::start(config).await, test).await
}

/// `with_harness`, in a browser whose preferred languages are `languages`.
pub async fn with_harness_speaking<F, Fut>(config: ConfigFile, languages: &str, test: F)
where
    F: FnOnce(Arc<Harness>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(Harness::start_speaking(config, languages).await, test).await
}

/// `with_harness_speaking`, serving the page from `dist` (a copy the test has changed).
pub async fn with_harness_from<F, Fut>(dist: PathBuf, config: ConfigFile, languages: &str, test: F)
where
    F: FnOnce(Arc<Harness>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(Harness::start_from(dist, config, languages).await, test).await
}

/// `with_nginx`, with `browser`.
pub async fn with_nginx_using<F, Fut>(site: nginx::Site, browser: Browser<'_>, test: F)
where
    F: FnOnce(Arc<Harness>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(Harness::start_behind_nginx_with(site, browser).await, test).await
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

fn e2e_strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
