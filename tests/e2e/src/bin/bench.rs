//! `cargo xtask bench`: how long the form takes to become usable on a slow connection, next to
//! a plain HTML+JS page with the same fields (`benches/plain/`).
//!
//! Both are served compressed from one loopback origin (the `.br` files the release build
//! writes), each opened cold (a new browser profile every time), alternating, under
//! Lighthouse's "slow 4G": 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, CPU slowed 4×.
//! "Usable" is when the username field and the Create button are both on the page and the
//! load event has fired, measured from navigation start.
//!
//! Usage: `bench <dist> <plain> [runs]`; prints medians, bytes and the ratio.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use e2e::fantoccini::wd::WebDriverCompatibleCommand;
use e2e::serde_json::{json, Value};
use e2e::stand_in_hq::{Settings, StandIn};
use e2e::{forward_with_credential, static_file_encoded};
use std::path::PathBuf;
use std::time::Duration;

/// Lighthouse's slow 4G, in chromedriver's units (bytes a second, milliseconds).
const DOWN: u64 = 1_600_000 / 8;
const UP: u64 = 750_000 / 8;
const LATENCY_MS: u64 = 150;
const CPU_SLOWDOWN: u64 = 4;

/// Records when the username field and the Create button are first both on the page.
const WATCH: &str = "(() => {
  const check = () => {
    if (!window.__usableAt && document.getElementById('username')
        && document.querySelector('button[type=submit]')) {
      window.__usableAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();";

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

fn router(stand_in: &StandIn, dist: PathBuf, plain: PathBuf) -> Router {
    let api = stand_in.router();
    Router::new().fallback(move |request: Request| {
        let (api, dist, plain) = (api.clone(), dist.clone(), plain.clone());
        async move {
            let path = request.uri().path().to_string();
            let accepts_br = request
                .headers()
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("br"));
            if path.starts_with("/a/") {
                return forward_with_credential(api, request).await;
            }
            match path.split_once('/').map(|(_, rest)| rest) {
                Some(rest) if rest.starts_with("app/") => {
                    static_file_encoded(&dist, &rest["app".len()..], accepts_br)
                }
                Some(rest) if rest.starts_with("plain/") => {
                    static_file_encoded(&plain, &rest["plain".len()..], accepts_br)
                }
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
    })
}

/// One cold visit: milliseconds to usable, and bytes transferred until then.
async fn visit(url: &str) -> (f64, u64) {
    let (browser, mut chromedriver, profile) = e2e::start_browser().await;
    let outcome = async {
        browser
            .issue_cmd(Extension {
                path: "chromium/network_conditions",
                body: json!({"network_conditions": {
                    "offline": false, "latency": LATENCY_MS,
                    "download_throughput": DOWN, "upload_throughput": UP
                }}),
            })
            .await?;
        for (cmd, params) in [
            (
                "Emulation.setCPUThrottlingRate",
                json!({"rate": CPU_SLOWDOWN}),
            ),
            (
                "Page.addScriptToEvaluateOnNewDocument",
                json!({"source": WATCH}),
            ),
        ] {
            browser
                .issue_cmd(Extension {
                    path: "goog/cdp/execute",
                    body: json!({"cmd": cmd, "params": params}),
                })
                .await?;
        }
        browser.goto(url).await?;
        let measured = browser
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const wait = () => {
                   const nav = performance.getEntriesByType('navigation')[0];
                   if (!window.__usableAt || !nav || !nav.loadEventEnd) return setTimeout(wait, 20);
                   const usable = Math.max(window.__usableAt, nav.loadEventEnd);
                   const bytes = [nav, ...performance.getEntriesByType('resource')]
                     .filter(e => e.responseEnd <= usable)
                     .reduce((sum, e) => sum + e.transferSize, 0);
                   done([usable, bytes]);
                 };
                 wait();",
                vec![],
            )
            .await?;
        Ok::<_, e2e::fantoccini::error::CmdError>(measured)
    }
    .await;
    let _ = browser.close().await;
    let _ = chromedriver.kill();
    let _ = chromedriver.wait();
    let _ = std::fs::remove_dir_all(&profile);
    let measured = outcome.unwrap_or_else(|e| panic!("{url}: {e}"));
    (
        measured[0].as_f64().unwrap_or(f64::NAN),
        measured[1].as_u64().unwrap_or(0),
    )
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dist, plain) = match (args.first(), args.get(1)) {
        (Some(d), Some(p)) => (PathBuf::from(d), PathBuf::from(p)),
        _ => {
            eprintln!("usage: bench <dist> <plain> [runs]");
            std::process::exit(2);
        }
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let stand_in = StandIn::new(Settings::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let app = router(&stand_in, dist, plain);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let pages = [("form", "app/"), ("plain page", "plain/")];
    let mut times = [Vec::new(), Vec::new()];
    let mut bytes = [0, 0];
    for run in 0..runs {
        for (i, (name, path)) in pages.iter().enumerate() {
            let (ms, transferred) = visit(&format!("{origin}/{path}")).await;
            println!(
                "run {}: {name:<10} usable after {ms:>7.0} ms, {transferred:>7} bytes",
                run + 1
            );
            times[i].push(ms);
            bytes[i] = transferred;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (form, plain) = (median(times[0].clone()), median(times[1].clone()));
    println!("\nslow 4G (1.6 Mbit/s, 150 ms, CPU 4x), median of {runs} cold loads each:");
    println!("  form        {form:>7.0} ms   {:>7} bytes", bytes[0]);
    println!("  plain page  {plain:>7.0} ms   {:>7} bytes", bytes[1]);
    println!("  ratio       {:>7.2}x", form / plain);
}
