//! Chromium's own commands through chromedriver, which WebDriver has no words for: a slow
//! network, a slow processor, a script run at the start of every document.

use fantoccini::error::CmdError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};

/// Lighthouse's "slow 4G", in chromedriver's units (bytes a second, milliseconds).
pub const SLOW_4G: Network = Network {
    down: 1_600_000 / 8,
    up: 750_000 / 8,
    latency_ms: 150,
};

/// A network's speed as chromedriver emulates it.
#[derive(Clone, Copy, Debug)]
pub struct Network {
    /// Bytes a second.
    pub down: u64,
    pub up: u64,
    /// Added to every request.
    pub latency_ms: u64,
}

/// A chromedriver command fantoccini has no method for.
#[derive(Debug)]
struct Extension {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for Extension {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// A DevTools protocol command.
pub async fn devtools(browser: &Client, cmd: &str, params: Value) -> Result<Value, CmdError> {
    browser
        .issue_cmd(Extension {
            path: "goog/cdp/execute",
            body: json!({"cmd": cmd, "params": params}),
        })
        .await
}

/// Every request from now on goes at `network`'s pace.
pub async fn slow_network(browser: &Client, network: Network) -> Result<(), CmdError> {
    browser
        .issue_cmd(Extension {
            path: "chromium/network_conditions",
            body: json!({"network_conditions": {
                "offline": false, "latency": network.latency_ms,
                "download_throughput": network.down, "upload_throughput": network.up
            }}),
        })
        .await
        .map(|_| ())
}

/// The page's processor `rate` times slower, as on a cheap phone.
pub async fn slow_cpu(browser: &Client, rate: u64) -> Result<(), CmdError> {
    devtools(
        browser,
        "Emulation.setCPUThrottlingRate",
        json!({"rate": rate}),
    )
    .await
    .map(|_| ())
}

/// Runs `source` at the start of every document, before the page's own scripts.
pub async fn at_every_start(browser: &Client, source: &str) -> Result<(), CmdError> {
    devtools(
        browser,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": source }),
    )
    .await
    .map(|_| ())
}
