//! A fault in the page's own code is never silent: a WebAssembly trap, forced here through a
//! hook only the test installs (the app's instance, caught as it starts), is said in the page
//! in its language with a way back, keeps what was typed, and is told to a framing portal.

use e2e::chromium::at_every_start;
use e2e::serde_json::{json, Value};
use e2e::{with_harness, with_harness_speaking, ConfigFile, Harness, Portal};
use std::time::{Duration, Instant};

/// Keeps the app's WebAssembly instance where the test can reach it.
const CATCH_INSTANCE: &str = "for (const name of ['instantiate', 'instantiateStreaming']) { \
    const real = WebAssembly[name]; \
    WebAssembly[name] = async (...args) => { \
      const made = await real.apply(WebAssembly, args); \
      (window.appInstances ||= []).push(made.instance ?? made); \
      return made; }; }";

/// A trap inside the app's own code, at the next turn of the event loop: a table slot far
/// out of bounds given to its externref allocator.
async fn force_a_trap(h: &Harness) {
    h.js("const app = window.appInstances[0]; \
          setTimeout(() => app.exports.__externref_table_dealloc(1 << 30));")
        .await;
}

#[tokio::test]
async fn a_trap_is_said_keeps_the_draft_and_offers_a_reload() {
    with_harness(ConfigFile::proxy(), |h| async move {
        at_every_start(&h.browser, CATCH_INSTANCE).await.unwrap();
        h.open().await;
        h.app_running().await;
        h.type_into("#username", "kept.after.trap").await;
        h.type_into("#first-name", "Amina").await;
        force_a_trap(&h).await;
        let said = h
            .wait_for_text("[role=alert]", |t| t.contains("Something went wrong"))
            .await;
        assert!(
            said.contains("What you typed is kept in this tab"),
            "{said}"
        );
        assert_eq!(
            h.js("return document.activeElement.textContent").await,
            json!("Reload")
        );
        assert!(!h.exists("#username").await, "the stuck form is gone");
        h.assert_accessible("a fault in the page's own code").await;
        h.screenshot("trap").await;
        h.click(".start-broken button").await;
        h.app_running().await;
        h.wait_for_value("#username", |v| v == "kept.after.trap")
            .await;
        assert_eq!(h.value("#first-name").await, "Amina");
    })
    .await;
}

#[tokio::test]
async fn a_trap_is_said_in_the_pages_language() {
    with_harness_speaking(ConfigFile::proxy(), "fr-FR,fr", |h| async move {
        at_every_start(&h.browser, CATCH_INSTANCE).await.unwrap();
        h.open().await;
        h.app_running().await;
        force_a_trap(&h).await;
        h.wait_for_text("[role=alert]", |t| t.contains("Un problème est survenu"))
            .await;
    })
    .await;
}

#[tokio::test]
async fn a_framing_portal_is_told_once() {
    let portal = Portal::serve().await;
    let config = ConfigFile::proxy_with(json!({"embed": {"parent_origins": [portal.origin]}}));
    with_harness(config, move |h| async move {
        at_every_start(&h.browser, CATCH_INSTANCE).await.unwrap();
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        let frame = h.find("#mobile-worker-form").await;
        frame.enter_frame().await.unwrap();
        h.app_running().await;
        force_a_trap(&h).await;
        // A second fault after the first says nothing more.
        tokio::time::sleep(Duration::from_millis(300)).await;
        h.js("setTimeout(() => { throw new Error('later, ' + location.origin); })")
            .await;
        h.find(".start-broken").await;
        h.browser.enter_parent_frame().await.unwrap();
        let errors = || async {
            let received = h.js("return window.received || []").await;
            received
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|m| m["type"] == "error")
                .collect::<Vec<Value>>()
        };
        let deadline = Instant::now() + e2e::PATIENCE;
        while errors().await.is_empty() {
            assert!(Instant::now() < deadline, "the portal was never told");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let errors = errors().await;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Something went wrong in this page"),
            "{errors:?}"
        );
    })
    .await;
}
