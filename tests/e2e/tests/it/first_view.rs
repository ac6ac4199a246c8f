//! The first view: the form rendered into `index.html` at build time, shown in the page's own
//! language before the WebAssembly has arrived, and taken over by the app with nothing lost.
//! Most tests hold the page's WebAssembly back (the page then stays at its first view for as
//! long as the test likes), or slow the network and the processor as on a cheap phone.

use e2e::chromium::{self, SLOW_4G};
use e2e::fantoccini::actions::{InputSource, KeyAction, KeyActions};
use e2e::fantoccini::Locator;
use e2e::nginx::Site;
use e2e::serde_json::{json, Value};
use e2e::{with_harness_using, with_nginx_using, Browser, ConfigFile, Harness};
use std::time::Duration;

/// Each control, label, legend, button, heading and link of `root`, in page order, with its
/// id, words and the attributes that make a control what it is: what must not differ between
/// the first view and the app.
const SHAPE: &str = "window.shapeOf = (root) => [...root.querySelectorAll(
    '[id], label, legend, button, h1, a, input, select')].map((e) =>
    `${e.tagName.toLowerCase()}#${e.id}` + (['LABEL', 'LEGEND', 'BUTTON', 'H1', 'A']
      .includes(e.tagName) ? ` ${e.textContent.trim().replace(/\\s+/g, ' ')}` : '') +
    ['type', 'name', 'autocomplete', 'dir', 'inputmode', 'aria-describedby', 'form', 'method']
      .filter((a) => e.hasAttribute(a)).map((a) => ` ${a}=${e.getAttribute(a)}`).join(''));";

/// Records the app's page the moment it takes the first view's place, before anything else
/// (lists arriving, say) changes it.
const WATCH_TAKE_OVER: &str = "new MutationObserver(() => {
    const main = document.body && document.body.querySelector(':scope > main.page');
    if (main && !window.taken) {
      window.taken = shapeOf(main);
      window.takenAt = performance.now();
    }
  }).observe(document, { childList: true, subtree: true });";

/// Records the page as it is first drawn with its username field.
const WATCH_FIRST_PAINT: &str = "(() => {
  const look = () => {
    const field = document.getElementById('username');
    if (field && field.checkVisibility({ visibilityProperty: true })) {
      const label = document.querySelector('label[for=username]').textContent;
      window.firstPaint = { lang: document.documentElement.lang,
        dir: getComputedStyle(field.closest('main')).direction, label, title: document.title };
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
})();";

/// Waits for the app to take over the first view; what it found there.
async fn taken_over(h: &Harness) -> Value {
    h.js_until("the take-over", "return window.taken || null")
        .await
}

async fn watch(h: &Harness) {
    chromium::at_every_start(&h.browser, &format!("{SHAPE}\n{WATCH_TAKE_OVER}"))
        .await
        .unwrap();
}

/// Waits until the first view is shown (its language chosen); the app has not run.
async fn first_view_shown(h: &Harness) {
    h.find("#first-view.shown #username").await;
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_first_view_is_the_form_the_app_draws_and_passes_axe() {
    with_harness_using(
        ConfigFile::proxy(),
        Browser::Impatient("en-US,en"),
        |h| async move {
            watch(&h).await;
            h.hold_the_app();
            h.browser.goto(&h.app_url).await.unwrap();
            first_view_shown(&h).await;
            let first = h
                .js("return shapeOf(document.querySelector('#first-view main'))")
                .await;
            assert!(
                first
                    .to_string()
                    .contains("input#username type=text autocomplete=off dir=ltr"),
                "{first}"
            );
            assert_eq!(
                h.js("return document.querySelectorAll('#first-view [name]').length")
                    .await,
                0,
                "no field has a name a native submission could send"
            );
            assert!(
                first
                    .to_string()
                    .contains("button#create Create mobile worker type=submit form=registration"),
                "{first}"
            );
            assert!(h.user_posts().is_empty() && h.stand_in.requests().is_empty());
            h.assert_accessible("the first view, before the app runs")
                .await;
            // The login preview names config.json's project space already.
            assert_eq!(
                h.text("#username-hint").await,
                "Their login will be name@demo.commcarehq.org"
            );

            h.release_the_app();
            let taken = taken_over(&h).await;
            // The app's form is the first view with the later fields (groups to language) under
            // the phone numbers: everything the first view shows, the same and in the same order.
            let (first, taken) = (strings(&first), strings(&taken));
            let after_phones = |shape: &[String]| {
                1 + shape
                    .iter()
                    .position(|s| s.starts_with("button#phone-number-add"))
                    .expect("the phone numbers' Add button")
            };
            let create = |shape: &[String]| {
                shape
                    .iter()
                    .position(|s| s.starts_with("button#create "))
                    .expect("the Create button")
            };
            let (cut, later) = (after_phones(&taken), create(&taken));
            assert_eq!(
                after_phones(&first),
                create(&first),
                "nothing between phones and Create"
            );
            let without_later: Vec<String> = [&taken[..cut], &taken[later..]].concat();
            assert_eq!(
                first, without_later,
                "the first view and the app's form differ"
            );
            let later = taken[cut..later].join(" | ");
            for part in [
                "fieldset#group-picker",
                "fieldset#location-picker",
                "input#role",
                "select#language-choice",
            ] {
                assert!(later.contains(part), "{part} comes with the app: {later}");
            }
            assert!(!h.exists("#first-view").await && !h.exists("script[type='text/html']").await);
            // One request for config.json and one for the texts, shared by the first view and
            // the app.
            let asked = |end: &str| h.served_paths().iter().filter(|p| p.ends_with(end)).count();
            assert_eq!(
                [
                    asked("/config.json"),
                    asked("/locales/en.json"),
                    asked("_bg.wasm")
                ],
                [1, 1, 1],
                "{:?}",
                h.served_paths()
            );
            assert_eq!(
                h.js("return document.querySelectorAll('main').length")
                    .await,
                1
            );
        },
    )
    .await;
}

#[tokio::test]
async fn what_was_done_before_the_app_ran_is_kept_focus_caret_and_scroll_too() {
    with_harness_using(
        ConfigFile::proxy(),
        Browser::Impatient("en-US,en"),
        |h| async move {
            watch(&h).await;
            // A short window, so that the page scrolls.
            h.browser.set_window_size(1024, 520).await.unwrap();
            h.hold_the_app();
            h.browser.goto(&h.app_url).await.unwrap();
            first_view_shown(&h).await;
            h.type_into("#username", "early bird").await;
            h.type_into("#email", "Ada@Example.org").await;
            h.type_into("#last-name", "Byron").await;
            h.type_into("#first-name", "Ada Lovelace").await;
            let before = h
                .js("const f = document.getElementById('first-name');
                 f.setSelectionRange(2, 5, 'backward');
                 window.scrollTo(0, 140);
                 return [window.scrollY, f.getBoundingClientRect().top];")
                .await;
            assert_eq!(before[0], json!(140), "the page scrolls: {before}");

            h.release_the_app();
            taken_over(&h).await;
            let after = h
                .js("const f = document.activeElement;
                 return [f.id, f.value, f.selectionStart, f.selectionEnd, f.selectionDirection,
                         window.scrollY, f.getBoundingClientRect().top];")
                .await;
            assert_eq!(
                after,
                json!([
                    "first-name",
                    "Ada Lovelace",
                    2,
                    5,
                    "backward",
                    before[0],
                    before[1]
                ])
            );
            assert_eq!(h.value("#username").await, "early bird");
            assert_eq!(h.value("#email").await, "Ada@Example.org");
            assert_eq!(h.value("#last-name").await, "Byron");
            // The app holds what was typed: its preview and its request follow it.
            h.wait_for_text("#username-hint", |t| {
                t.contains("early.bird@demo.commcarehq.org")
            })
            .await;
            h.type_into("#password", "s3cret-Pass").await;
            h.click("button[type=submit]").await;
            h.find(".created-username").await;
            let sent = h.user_posts()[0].json();
            assert_eq!(sent["username"], json!("early.bird"));
            assert_eq!(sent["first_name"], json!("Ada Lovelace"));
            assert_eq!(sent["email"], json!("ada@example.org"));
            assert_eq!(sent["last_name"], json!("Byron"));
        },
    )
    .await;
}

#[tokio::test]
async fn typing_on_through_the_take_over_on_a_slow_phone_loses_nothing() {
    with_harness_using(
        ConfigFile::proxy(),
        Browser::Impatient("en-US,en"),
        |h| async move {
            watch(&h).await;
            chromium::slow_network(&h.browser, SLOW_4G).await.unwrap();
            chromium::slow_cpu(&h.browser, 4).await.unwrap();
            h.hold_the_app();
            h.browser.goto(&h.app_url).await.unwrap();
            first_view_shown(&h).await;
            h.click("#username").await;
            let mut typed = String::new();
            let mut after_take_over = 0;
            // A key at a time into whatever has the focus, as fast as the driver goes, on and on
            // until well after the app took over; the app is let in after the first few keys.
            for c in "slowphone.typist.and.more.letters.than.anyone.needs.for.a.name"
                .chars()
                .cycle()
            {
                let key = KeyActions::new("keyboard".into())
                    .then(KeyAction::Down { value: c })
                    .then(KeyAction::Up { value: c });
                h.browser.perform_actions(key).await.unwrap();
                typed.push(c);
                if typed.len() == 4 {
                    h.release_the_app();
                }
                if h.js("return !!window.taken").await == json!(true) {
                    after_take_over += 1;
                }
                if after_take_over == 8 || typed.len() > 400 {
                    break;
                }
            }
            assert_eq!(
                after_take_over, 8,
                "the app never took over while keys were typed"
            );
            h.wait_for_value("#username", |v| v == typed).await;
            // The app holds every key: its preview shows the login, or, for a username past
            // HQ's 50 characters, says how long it is.
            let too_long = format!("(it has {})", typed.chars().count());
            h.wait_for_text("#username-hint", |t| {
                t.contains(&format!("{typed}@demo")) || t.contains(&too_long)
            })
            .await;
            assert_eq!(
                h.js("return document.activeElement.id").await,
                json!("username")
            );
            assert_eq!(
                h.js("return document.activeElement.selectionStart").await,
                json!(typed.len())
            );
        },
    )
    .await;
}

/// Focuses the field `id` and types `text` into whatever has the focus, key by key, as a
/// keyboard does (a WebDriver element goes stale when the app takes the first view's place).
async fn keys_into(h: &Harness, id: &str, text: &str) {
    h.js(&format!(
        "document.getElementById('{id}').focus(); return true"
    ))
    .await;
    let mut keys = KeyActions::new("keyboard".into());
    for c in text.chars() {
        keys = keys
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    h.browser.perform_actions(keys).await.unwrap();
}

/// Every request line the page's server or nginx was asked for must be free of `secret`.
fn assert_never_sent_in_a_url(lines: &[String], secret: &str) {
    for line in lines {
        assert!(
            !line.contains(secret),
            "the password went out in a URL: {line}"
        );
        assert!(
            !line.contains("username="),
            "the form was submitted natively: {line}"
        );
    }
}

#[tokio::test]
async fn create_pressed_before_the_app_runs_is_honoured_once_never_submitted_natively() {
    with_harness_using(
        ConfigFile::proxy(),
        Browser::Impatient("en-US,en"),
        |h| async move {
            chromium::slow_network(&h.browser, SLOW_4G).await.unwrap();
            h.hold_the_app();
            h.browser.goto(&h.app_url).await.unwrap();
            first_view_shown(&h).await;
            let history = h
                .js("window.stillThisPage = true; return history.length")
                .await;
            h.type_into("#username", "early.press").await;
            h.type_into("#password", "s3cret-Pass").await;
            h.click("button[type=submit]").await;
            // Enter in a field presses Create too.
            h.type_into("#password", "\u{E007}").await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(
                h.js("return window.stillThisPage === true").await,
                json!(true)
            );
            assert_eq!(h.browser.current_url().await.unwrap().as_str(), h.app_url);
            assert!(
                h.user_posts().is_empty(),
                "nothing is sent before the rules ran"
            );

            h.release_the_app();
            h.find(".created-username").await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let posts = h.user_posts();
            assert_eq!(posts.len(), 1, "exactly one request for the presses");
            assert_eq!(posts[0].json()["username"], json!("early.press"));
            assert_eq!(h.browser.current_url().await.unwrap().as_str(), h.app_url);
            assert_eq!(
                h.js("return history.length").await,
                history,
                "no navigation was added"
            );
            let paths: Vec<String> = h.served_paths();
            assert_never_sent_in_a_url(&paths, "s3cret-Pass");
            let stand_in: Vec<String> = h
                .stand_in
                .requests()
                .iter()
                .map(|r| format!("{}?{}", r.path, r.query))
                .collect();
            assert_never_sent_in_a_url(&stand_in, "s3cret-Pass");
        },
    )
    .await;
}

#[tokio::test]
async fn create_pressed_early_with_mistakes_shows_the_summary_once_the_app_runs() {
    with_harness_using(
        ConfigFile::proxy(),
        Browser::Impatient("en-US,en"),
        |h| async move {
            h.hold_the_app();
            h.browser.goto(&h.app_url).await.unwrap();
            first_view_shown(&h).await;
            h.type_into("#username", "Admin").await;
            h.click("button[type=submit]").await;
            h.release_the_app();
            let summary = h
                .wait_for_text(".error-summary", |t| t.contains("There is a problem"))
                .await;
            assert!(summary.contains("reserved"), "{summary}");
            assert!(summary.contains("Enter a password"), "{summary}");
            assert_eq!(
                h.js("return document.activeElement.id").await,
                json!("error-summary")
            );
            assert!(h.user_posts().is_empty());
        },
    )
    .await;
}

#[tokio::test]
async fn behind_nginx_on_a_slow_network_an_early_create_sends_no_password_in_a_url() {
    let site = Site::at("/forms/register/");
    with_nginx_using(site, Browser::Impatient("en-US,en"), |h| async move {
        watch(&h).await;
        // Slower still than slow 4G, so that the wasm takes seconds: the press comes first.
        let crawl = chromium::Network {
            down: 25_000,
            ..SLOW_4G
        };
        chromium::slow_network(&h.browser, crawl).await.unwrap();
        h.browser.goto(&h.app_url).await.unwrap();
        first_view_shown(&h).await;
        // Keys go to whatever has the focus, the first view's field or the app's.
        keys_into(&h, "username", "slow.net").await;
        keys_into(&h, "password", "s3cret-Pass\u{E007}").await;
        assert_eq!(
            h.js("return !window.taken").await,
            json!(true),
            "pressed before the app ran"
        );
        h.wait_for_text(".start-status", |t| t.contains("still loading"))
            .await;
        h.find(".created-username").await;
        assert_eq!(h.stand_in.users().len(), 1);
        // Under the strict CSP, from a sub-path: the first view's script ran, nothing broke it.
        assert_eq!(h.js("return window.cspViolations").await, json!([]));
        let log = h.nginx.as_ref().unwrap().access_log();
        let lines: Vec<String> = log.lines().map(str::to_string).collect();
        assert_never_sent_in_a_url(&lines, "s3cret-Pass");
        assert!(log.contains("GET /forms/register/ "), "{log}");
    })
    .await;
}

async fn first_paint(config: ConfigFile, languages: &'static str) -> Value {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    with_harness_using(config, Browser::Impatient(languages), |h| async move {
        chromium::at_every_start(&h.browser, WATCH_FIRST_PAINT)
            .await
            .unwrap();
        h.hold_the_app();
        h.browser.goto(&h.app_url).await.unwrap();
        let seen = h
            .js_until("the first paint", "return window.firstPaint || null")
            .await;
        let _ = sender.send(seen);
    })
    .await;
    receiver.await.unwrap()
}

#[tokio::test]
async fn arabic_and_french_are_painted_from_the_first_frame() {
    let arabic = first_paint(ConfigFile::proxy(), "ar-EG,ar").await;
    assert_eq!(arabic["lang"], json!("ar"));
    assert_eq!(arabic["dir"], json!("rtl"));
    assert_eq!(arabic["label"], json!("اسم المستخدم"));
    assert!(
        !arabic["title"].as_str().unwrap().contains("Create"),
        "{arabic}"
    );

    // config.json fixes French for an English browser: French from the first frame all the same.
    let fixed = ConfigFile::proxy_with(json!({"ui_language": "fr"}));
    let french = first_paint(fixed, "en-US,en").await;
    assert_eq!(french["lang"], json!("fr"));
    assert_eq!(french["dir"], json!("ltr"));
    assert_eq!(french["label"], json!("Nom d'utilisateur"));
}

#[tokio::test]
async fn a_fixed_language_shows_no_switcher_and_bulk_mode_no_form_from_the_start() {
    let config = ConfigFile::proxy_with(json!({"ui_language": "fr"}));
    with_harness_using(config, Browser::Impatient("en-US,en"), |h| async move {
        h.hold_the_app();
        h.browser
            .goto(&format!("{}#bulk", h.app_url))
            .await
            .unwrap();
        h.find("#first-view.shown").await;
        assert!(!h.exists("#first-view #ui-language").await);
        assert!(
            h.attr("#one-worker", "hidden").await.is_some(),
            "the form is hidden"
        );
        assert_eq!(
            h.attr("#mode-many", "aria-current").await.as_deref(),
            Some("page")
        );
        assert_eq!(h.attr("#mode-one", "aria-current").await, None);
        h.release_the_app();
        h.app_running().await;
        assert!(!h.exists("#ui-language").await);
        assert_eq!(
            h.attr("#mode-many", "aria-current").await.as_deref(),
            Some("page")
        );
    })
    .await;
}

#[tokio::test]
async fn a_broken_config_json_replaces_the_first_view_cleanly() {
    let broken = ConfigFile::Raw("{\"base_url\": \"\", \"domain\": ");
    with_harness_using(broken, Browser::Impatient("en-US,en"), |h| async move {
        h.hold_the_app();
        h.browser.goto(&h.app_url).await.unwrap();
        first_view_shown(&h).await;
        h.release_the_app();
        h.find("body > main .config-error").await;
        assert!(!h.exists("#first-view").await);
        assert!(!h.exists("form").await, "no form is left behind the error");
        assert_eq!(
            h.js("return document.querySelectorAll('main').length")
                .await,
            1
        );
        h.assert_accessible("the configuration error after the first view")
            .await;
    })
    .await;
}

#[tokio::test]
async fn without_javascript_the_form_shows_but_cannot_submit() {
    with_harness_using(
        ConfigFile::proxy(),
        Browser::WithoutJavaScript,
        |h| async move {
            h.browser.goto(&h.app_url).await.unwrap();
            // (WebDriver's own visibility rules never count a <noscript>: the layout tells.)
            let noscript = h
                .js("const n = document.querySelector('noscript');
                 return [n.getClientRects().length > 0, n.textContent];")
                .await;
            assert_eq!(
                noscript[0],
                json!(true),
                "the <noscript> text is shown: {noscript}"
            );
            assert!(
                noscript[1].as_str().unwrap().contains("needs JavaScript"),
                "{noscript}"
            );
            let field = h.find("#username").await;
            assert!(field.is_displayed().await.unwrap(), "the form is shown");
            h.type_into("#username", "no.script").await;
            h.type_into("#password", "s3cret-Pass\u{E007}").await;
            h.click("button[type=submit]").await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert_eq!(h.browser.current_url().await.unwrap().as_str(), h.app_url);
            assert_never_sent_in_a_url(&h.served_paths(), "s3cret-Pass");
            assert!(h.stand_in.requests().is_empty());
            assert_eq!(
                h.browser
                    .find(Locator::Id("username"))
                    .await
                    .unwrap()
                    .prop("value")
                    .await
                    .unwrap()
                    .as_deref(),
                Some("no.script"),
                "still the same page"
            );
        },
    )
    .await;
}

#[tokio::test]
async fn in_a_portals_frame_ready_comes_only_once_the_app_listens() {
    let portal = e2e::Portal::serve().await;
    let config =
        ConfigFile::proxy_with(json!({"embed": {"parent_origins": [portal.origin.clone()]}}));
    with_harness_using(
        config,
        Browser::Impatient("en-US,en"),
        move |h| async move {
            h.hold_the_app();
            h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
            let frame = h.find("#mobile-worker-form").await;
            frame.clone().enter_frame().await.unwrap();
            first_view_shown(&h).await;
            h.browser.enter_parent_frame().await.unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
            let heard = h
                .js("return (window.received || []).map(m => m.type)")
                .await;
            assert_eq!(heard, json!([]), "nothing is said before the app listens");
            h.release_the_app();
            h.js_until(
                "ready",
                "return (window.received || []).some(m => m.type === 'ready')",
            )
            .await;
            frame.enter_frame().await.unwrap();
            h.app_running().await;
            h.assert_accessible("the form in a portal's frame after the take-over")
                .await;
        },
    )
    .await;
}

#[tokio::test]
async fn typing_after_an_early_create_cancels_it_nothing_typed_is_sent_unseen() {
    with_harness_using(
        ConfigFile::proxy(),
        Browser::Impatient("en-US,en"),
        |h| async move {
            h.hold_the_app();
            h.browser.goto(&h.app_url).await.unwrap();
            first_view_shown(&h).await;
            // "Go" on a phone's keyboard in the username field, then the password still to type.
            h.type_into("#username", "early.go\u{E007}").await;
            h.wait_for_text(".start-status", |t| t.contains("still loading"))
                .await;
            h.type_into("#password", "s3cret-Pass").await;
            assert_eq!(h.text(".start-status").await, "");
            h.release_the_app();
            h.app_running().await;
            h.wait_for_text("#username-hint", |t| t.contains("early.go@demo"))
                .await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert!(
                h.user_posts().is_empty(),
                "nothing sent: the press was before the password"
            );
            assert_eq!(h.value("#password").await, "s3cret-Pass");
            assert!(!h.exists(".error-summary:not([hidden])").await);
        },
    )
    .await;
}

#[tokio::test]
async fn focus_on_create_and_the_other_buttons_waiting_for_the_app() {
    with_harness_using(
        ConfigFile::proxy(),
        Browser::Impatient("en-US,en"),
        |h| async move {
            h.hold_the_app();
            h.browser.goto(&h.app_url).await.unwrap();
            first_view_shown(&h).await;
            assert_eq!(
                h.attr("#generate-password", "aria-disabled")
                    .await
                    .as_deref(),
                Some("true"),
                "a button that cannot work yet says so"
            );
            h.js("document.getElementById('create').focus(); return true")
                .await;
            h.release_the_app();
            h.app_running().await;
            assert_eq!(
                h.js("return document.activeElement.id").await,
                json!("create")
            );
            assert_eq!(h.attr("#generate-password", "aria-disabled").await, None);
        },
    )
    .await;
}

#[tokio::test]
async fn a_config_json_slower_than_three_seconds_shows_the_view_and_the_app_keeps_it() {
    let french = ConfigFile::proxy_with(json!({"ui_language": "fr"}));
    with_harness_using(french, Browser::Impatient("en-US,en"), |h| async move {
        h.hold("/config.json");
        h.browser.goto(&h.app_url).await.unwrap();
        let started = std::time::Instant::now();
        first_view_shown(&h).await;
        assert!(
            started.elapsed() >= Duration::from_millis(2500),
            "{:?}",
            started.elapsed()
        );
        // Without config.json: the browser's language, and no project space named yet.
        assert_eq!(h.text("label[for=username]").await, "Username");
        assert_eq!(
            h.text("#username-hint").await,
            "Their login will be name@….commcarehq.org"
        );
        h.type_into("#username", "patient").await;
        h.release("/config.json");
        h.wait_for_text("label[for=username]", |t| t == "Nom d'utilisateur")
            .await;
        assert_eq!(h.value("#username").await, "patient");
        assert_eq!(
            h.js("return document.activeElement.id").await,
            json!("username")
        );
    })
    .await;
}

#[tokio::test]
async fn a_page_whose_app_cannot_start_says_so_in_its_language() {
    let dist = std::env::temp_dir().join(format!("e2e-dist-no-wasm-{}", std::process::id()));
    e2e::nginx::copy_dir(&e2e::dist_dir(), &dist);
    for entry in std::fs::read_dir(&dist).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("mobile-worker-form-") && name.contains("_bg.wasm") {
            if name.ends_with(".wasm") {
                std::fs::write(entry.path(), b"not webassembly").unwrap();
            } else {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
    }
    e2e::with_harness_from(
        dist.clone(),
        ConfigFile::proxy(),
        "fr-FR,fr",
        |h| async move {
            h.browser.goto(&h.app_url).await.unwrap();
            let alert = h
                .wait_for_text(".start-failed", |t| t.contains("n'a pas pu démarrer"))
                .await;
            assert!(alert.contains("Rechargez"), "{alert}");
            assert_eq!(
                h.attr(".start-failed", "role").await.as_deref(),
                Some("alert")
            );
            h.assert_accessible("a page whose app could not start")
                .await;
        },
    )
    .await;
    let _ = std::fs::remove_dir_all(&dist);
}

#[tokio::test]
async fn without_its_start_script_the_view_shows_late_with_a_word_and_cannot_submit() {
    let dist = std::env::temp_dir().join(format!("e2e-dist-no-start-{}", std::process::id()));
    e2e::nginx::copy_dir(&e2e::dist_dir(), &dist);
    for entry in std::fs::read_dir(&dist).unwrap().flatten() {
        if entry.file_name().to_string_lossy().starts_with("start-") {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    e2e::with_harness_from(dist.clone(), ConfigFile::proxy(), "en-US,en", |h| async move {
        h.browser.goto(&h.app_url).await.unwrap();
        let drawn = "return !!document.querySelector(arguments[0])?.checkVisibility({ visibilityProperty: true })";
        let late = h.browser.execute(drawn, vec![json!(".first-view-late")]).await.unwrap();
        assert_eq!(late, json!(false));
        tokio::time::sleep(Duration::from_millis(8500)).await;
        for css in ["#username", ".first-view-late"] {
            let shown = h.browser.execute(drawn, vec![json!(css)]).await.unwrap();
            assert_eq!(shown, json!(true), "{css} is shown");
        }
        assert!(h.text(".first-view-late").await.contains("taking a long time"));
        h.type_into("#username", "stuck").await;
        h.type_into("#password", "s3cret-Pass\u{E007}").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(h.browser.current_url().await.unwrap().as_str(), h.app_url);
        assert_never_sent_in_a_url(&h.served_paths(), "s3cret-Pass");
    })
    .await;
    let _ = std::fs::remove_dir_all(&dist);
}

#[tokio::test]
async fn after_a_reload_a_kept_draft_waits_for_the_app_to_show_it() {
    with_harness_using(ConfigFile::proxy(), Browser::Impatient("en-US,en"), |h| async move {
        h.browser.goto(&h.app_url).await.unwrap();
        h.app_running().await;
        h.type_into("#username", "kept.draft").await;
        h.type_into("#email", "kept@example.org").await;
        h.hold_the_app();
        h.browser.refresh().await.unwrap();
        h.find("#first-view.kept").await;
        let shown = h
            .js("return document.getElementById('username').checkVisibility({ visibilityProperty: true })")
            .await;
        assert_eq!(shown, json!(false), "an empty form is not offered over the kept draft");
        h.release_the_app();
        h.app_running().await;
        assert_eq!(h.value("#username").await, "kept.draft");
        assert_eq!(h.value("#email").await, "kept@example.org");
    })
    .await;
}

#[tokio::test]
async fn a_word_being_composed_is_finished_before_the_app_takes_over() {
    with_harness_using(ConfigFile::proxy(), Browser::Impatient("hi-IN,hi"), |h| async move {
        watch(&h).await;
        h.hold_the_app();
        h.browser.goto(&h.app_url).await.unwrap();
        first_view_shown(&h).await;
        h.click("#first-name").await;
        let compose = |text: &str| {
            json!({"text": text, "selectionStart": text.chars().count(), "selectionEnd": text.chars().count()})
        };
        chromium::devtools(&h.browser, "Input.imeSetComposition", compose("नम"))
            .await
            .unwrap();
        h.release_the_app();
        // The app is ready, but the word is still being composed: the view stays.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(h.js("return !!window.taken").await, json!(false));
        chromium::devtools(&h.browser, "Input.insertText", json!({"text": "नमन"}))
            .await
            .unwrap();
        taken_over(&h).await;
        assert_eq!(h.value("#first-name").await, "नमन");
        assert_eq!(h.js("return document.activeElement.id").await, json!("first-name"));
    })
    .await;
}
