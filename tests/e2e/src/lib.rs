//! The end-to-end harness: the release `dist/` served on a loopback port with a test's own
//! `config.json`, the stand-in HQ behind it, and headless Chromium driven over WebDriver.
//!
//! The static server plays the part of the production reverse proxy: same origin, and in
//! `proxy` mode it adds the API key to `/a/` requests, so the browser never holds it.

mod browser;
pub mod chromium;
mod harness;
pub mod nginx;
mod portal;
mod servers;

pub use browser::{start_browser, start_browser_impatient, start_browser_speaking};
pub use fantoccini;
pub use harness::{
    with_harness, with_harness_from, with_harness_speaking, with_harness_using, with_nginx,
    with_nginx_using, Browser, Harness,
};
pub use portal::Portal;
pub use serde_json;
pub use servers::{app_router, forward_with_credential, static_file_encoded};
pub use stand_in_hq;

use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
