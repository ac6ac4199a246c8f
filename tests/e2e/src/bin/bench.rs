//! `cargo xtask bench`: how soon a person on a slow connection can use the form, next to a plain
//! HTML+JS page with the same fields (`benches/plain/`).
//!
//! Both are served compressed from one loopback origin (the `.br` files the release build
//! writes), each opened cold (a new browser profile every time), alternating, under
//! Lighthouse's "slow 4G": 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, CPU slowed 4×.
//! Three figures per visit, from navigation start:
//! - **usable**: the username field and the Create button are both shown (drawn, not hidden),
//!   so a person can type and press;
//! - **interactive**: the page reacts to typing. At the usable moment the benchmark types a
//!   username, and this is when the login preview under the field shows it;
//! - **layout shift**: the sum of Chromium's `layout-shift` entries over the whole start.
//!
//! A visit fails if anything typed at the usable moment was lost by the end.
//!
//! Usage: `bench <dist> <plain> [runs]`; prints medians, bytes and the ratios.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use e2e::chromium;
use e2e::fantoccini::actions::{InputSource, KeyAction, KeyActions};
use e2e::serde_json::json;
use e2e::stand_in_hq::{Settings, StandIn};
use e2e::{forward_with_credential, static_file_encoded};
use std::path::PathBuf;
use std::time::Duration;

const CPU_SLOWDOWN: u64 = 4;

/// Records, from the document's start: when the username field and the Create button are
/// first both drawn (the frame that shows them painted), when the login preview first shows
/// what the benchmark typed, and every layout shift.
const WATCH: &str = "(() => {
  const drawn = (el) => !!el && el.checkVisibility({ visibilityProperty: true });
  window.__shift = 0;
  window.__trace = { long: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__trace.long.push([Math.round(e.startTime), Math.round(e.duration)]);
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__shift += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
  let seen = false;
  const watch = () => {
    if (!seen && drawn(document.getElementById('username'))
        && drawn(document.querySelector('button[type=submit]'))) {
      // This frame shows them: the moment is once it is painted, after this callback.
      seen = true;
      setTimeout(() => { window.__usableAt = performance.now(); });
    }
    const hint = document.getElementById('username-hint');
    if (window.__typed && hint && hint.textContent.includes(window.__typed)) {
      window.__interactiveAt = performance.now();
    } else {
      requestAnimationFrame(watch);
    }
  };
  requestAnimationFrame(watch);
})();";

/// What a person types at the usable moment.
const TYPED: &str = "bench.user";

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

/// What one cold visit measured.
struct Visit {
    usable: f64,
    interactive: f64,
    shift: f64,
    /// Bytes transferred until usable.
    bytes: u64,
}

/// One cold visit; `Err` when the page lost what was typed.
async fn visit(url: &str) -> Result<Visit, String> {
    let (browser, mut chromedriver, profile) = e2e::start_browser_impatient("en-US,en").await;
    let outcome = async {
        chromium::slow_network(&browser, chromium::SLOW_4G).await?;
        chromium::slow_cpu(&browser, CPU_SLOWDOWN).await?;
        chromium::at_every_start(&browser, WATCH).await?;
        // Not waiting for the load event: the person types as soon as the field is shown.
        browser.goto(url).await?;
        // Waits in the page (asking often from here would take the page's own time), then
        // puts the cursor in the field, as a person's tap would.
        loop {
            let usable = browser
                .execute_async(
                    "const [url, done] = arguments;
                     if (document.URL !== url) return done(false);
                     const wait = () => {
                       if (!window.__usableAt) return requestAnimationFrame(wait);
                       document.getElementById('username').focus();
                       done(true);
                     };
                     wait();",
                    vec![json!(url)],
                )
                .await;
            if usable.is_ok_and(|u| u.as_bool() == Some(true)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Keys go to whatever has the focus, as a keyboard's do: the app may take the first
        // view's place while they are typed.
        let mut keys = KeyActions::new("keyboard".into());
        for c in TYPED.chars() {
            keys = keys
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        browser.perform_actions(keys).await?;
        browser
            .execute("window.__typed = arguments[0];", vec![json!(TYPED)])
            .await?;
        browser
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const wait = () => {
                   if (!window.__interactiveAt) return setTimeout(wait, 20);
                   const usable = window.__usableAt;
                   const bytes = [performance.getEntriesByType('navigation')[0],
                                  ...performance.getEntriesByType('resource')]
                     .filter(e => e && e.responseEnd <= usable)
                     .reduce((sum, e) => sum + e.transferSize, 0);
                   const nav = performance.getEntriesByType('navigation')[0];
                   window.__trace.parsed = Math.round(nav.domInteractive);
                   window.__trace.files = performance.getEntriesByType('resource').map((e) =>
                     [e.name.split('/').pop().split('?')[0].slice(0, 16), Math.round(e.startTime), Math.round(e.responseEnd)]);
                   done([usable, window.__interactiveAt, window.__shift, bytes,
                         document.getElementById('username').value, window.__trace]);
                 };
                 wait();",
                vec![],
            )
            .await
    }
    .await;
    let _ = browser.close().await;
    let _ = chromedriver.kill();
    let _ = chromedriver.wait();
    let _ = std::fs::remove_dir_all(&profile);
    let measured = outcome.map_err(|e| format!("{url}: {e}"))?;
    if std::env::var_os("BENCH_TRACE").is_some() {
        println!("  {url}: {}", measured[5]);
    }
    let kept = measured[4].as_str().unwrap_or_default();
    if kept != TYPED {
        return Err(format!(
            "{url}: typed {TYPED:?} at the usable moment, the field holds {kept:?}"
        ));
    }
    Ok(Visit {
        usable: measured[0].as_f64().unwrap_or(f64::NAN),
        interactive: measured[1].as_f64().unwrap_or(f64::NAN),
        shift: measured[2].as_f64().unwrap_or(f64::NAN),
        bytes: measured[3].as_u64().unwrap_or(0),
    })
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
    let mut visits: [Vec<Visit>; 2] = [Vec::new(), Vec::new()];
    for run in 0..runs {
        for (i, (name, path)) in pages.iter().enumerate() {
            let visit = visit(&format!("{origin}/{path}"))
                .await
                .unwrap_or_else(|why| {
                    eprintln!("run {}: {name}: {why}", run + 1);
                    std::process::exit(1);
                });
            println!(
                "run {}: {name:<10} usable {:>6.0} ms  interactive {:>6.0} ms  layout shift {:.3}  {:>7} bytes",
                run + 1,
                visit.usable,
                visit.interactive,
                visit.shift,
                visit.bytes
            );
            visits[i].push(visit);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let medians = visits.each_ref().map(|v| {
        (
            median(v.iter().map(|v| v.usable).collect()),
            median(v.iter().map(|v| v.interactive).collect()),
            median(v.iter().map(|v| v.shift).collect()),
            v.last().map_or(0, |v| v.bytes),
        )
    });
    let [(usable, interactive, shift, bytes), (p_usable, p_interactive, p_shift, p_bytes)] =
        medians;
    println!("\nslow 4G (1.6 Mbit/s, 150 ms, CPU 4x), median of {runs} cold loads each:");
    println!("              usable   interactive   layout shift     bytes");
    println!("  form       {usable:>6.0} ms   {interactive:>8.0} ms   {shift:>12.3}   {bytes:>7}");
    println!("  plain page {p_usable:>6.0} ms   {p_interactive:>8.0} ms   {p_shift:>12.3}   {p_bytes:>7}");
    println!(
        "  ratio      {:>6.2}x    {:>8.2}x",
        usable / p_usable,
        interactive / p_interactive
    );
}
