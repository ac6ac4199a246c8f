//! Headless Chromium driven by its own chromedriver on a free port, with the flags that work
//! here as root.

use crate::free_port;
use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium preferring English, whatever the machine's own locale.
pub async fn start_browser() -> (Client, Child, PathBuf) {
    start_browser_speaking("en-US,en").await
}

/// Chromium whose preferred languages (`navigator.languages`, `Accept-Language`) are
/// `languages`, e.g. `"fr-FR,fr"`.
pub async fn start_browser_speaking(languages: &str) -> (Client, Child, PathBuf) {
    launch(languages, "normal", true).await
}

/// Chromium with JavaScript turned off, as some locked-down browsers have it.
pub async fn start_browser_without_javascript() -> (Client, Child, PathBuf) {
    launch("en-US,en", "normal", false).await
}

/// Chromium that does not wait for a page to load before the next command, as a person on a
/// slow connection does not: they type as soon as the field is shown.
pub async fn start_browser_impatient(languages: &str) -> (Client, Child, PathBuf) {
    launch(languages, "none", true).await
}

async fn launch(
    languages: &str,
    page_load_strategy: &str,
    javascript: bool,
) -> (Client, Child, PathBuf) {
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
        &format!("--lang={}", languages.split(',').next().unwrap_or("en-US")),
        &format!("--user-data-dir={}", profile.display()),
    ];
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({ "args": args, "prefs": {
            "intl": { "accept_languages": languages },
            "profile": { "managed_default_content_settings": { "javascript": if javascript { 1 } else { 2 } } }
        } }),
    );
    capabilities.insert("pageLoadStrategy".into(), json!(page_load_strategy));
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
