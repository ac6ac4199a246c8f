//! Embedding in an admin portal: the example portal (`examples/admin-portal.html`) on one
//! loopback origin frames the form on another, and they talk over postMessage.

use e2e::fantoccini::Locator;
use e2e::serde_json::{json, Value};
use e2e::stand_in_hq::DEV_API_KEY;
use e2e::{with_harness, ConfigFile, Harness, Portal};
use std::time::{Duration, Instant};

/// The messages the portal page has accepted from the form.
async fn received(h: &Harness) -> Vec<Value> {
    let v = h.js("return window.received || []").await;
    v.as_array().cloned().unwrap_or_default()
}

async fn wait_for_message(h: &Harness, kind: &str) -> Value {
    let deadline = Instant::now() + e2e::PATIENCE;
    loop {
        if let Some(m) = received(h)
            .await
            .into_iter()
            .rev()
            .find(|m| m["type"] == kind)
        {
            return m;
        }
        assert!(
            Instant::now() < deadline,
            "the portal never received {kind}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A form in `api_key` mode on its own origin, framed by `portal`.
fn api_key_config(portal: &Portal) -> ConfigFile {
    ConfigFile::CrossOrigin(json!({
        "domain": "demo", "auth": "api_key", "embed": {"parent_origins": [portal.origin]}
    }))
}

/// The portal hands the stand-in's key over; the key.
async fn hand_over_the_key(h: &Harness) -> &'static str {
    let (email, key) = DEV_API_KEY.split_once(':').unwrap();
    h.js(&format!(
        "configure({{}}, {{api_key: {{email: '{email}', key: '{key}'}}}}); return true"
    ))
    .await;
    key
}

async fn enter_form(h: &Harness) {
    let frame = h.find("#mobile-worker-form").await;
    frame.enter_frame().await.unwrap();
    h.app_running().await;
}

async fn create_in_frame(h: &Harness, username: &str) {
    h.type_into("#username", username).await;
    h.type_into("#password", "s3cret-Pass").await;
    h.click("button[type=submit]").await;
    h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
    h.browser.enter_parent_frame().await.unwrap();
}

#[tokio::test]
async fn the_portal_is_told_of_readiness_size_and_the_created_id_and_can_set_defaults() {
    let portal = Portal::serve().await;
    // Written as people write it, not as browsers do: it must still match, once.
    let written = portal.origin.replace("http://", "HTTP://");
    let config = ConfigFile::proxy_with(
        json!({"embed": {"parent_origins": [written, portal.origin.clone()]}}),
    );
    with_harness(config, move |h| async move {
        let group = h.stand_in.groups("demo")[7].clone();
        let defaults =
            json!({"language": "fra", "groups": [group.id], "user_data": {"district": "Gulu"}});
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        wait_for_message(&h, "ready").await;
        h.js(&format!("configure({defaults}); return true")).await;
        let resize = wait_for_message(&h, "resize").await;
        assert!(resize["height"].as_u64().unwrap() > 300, "{resize}");
        // The portal sizes the frame to the latest height it was told (the lists load late).
        let deadline = Instant::now() + e2e::PATIENCE;
        loop {
            let latest = wait_for_message(&h, "resize").await;
            let frame_height = h
                .js("return document.getElementById('mobile-worker-form').style.height")
                .await;
            if frame_height == json!(format!("{}px", latest["height"])) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "frame {frame_height} never matched {latest}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        enter_form(&h).await;
        assert_eq!(h.value("#language-choice").await, "fra");
        h.assert_accessible("the form inside the portal's frame, with defaults")
            .await;
        h.wait_for_text("#group-picker .chosen", |t| t.contains(&group.name))
            .await;
        assert_eq!(h.value("#user-data-key-0").await, "district");
        assert_eq!(h.value("#user-data-value-0").await, "Gulu");
        // No page chrome inside the frame; the heading stays for screen readers.
        assert_eq!(
            h.attr("h1", "class").await.as_deref(),
            Some("visually-hidden")
        );
        create_in_frame(&h, "Embedded Worker").await;

        let created = wait_for_message(&h, "created").await;
        let user = &h.stand_in.users()[0];
        assert_eq!(created["user_id"], json!(user.id));
        assert_eq!(
            created["username"],
            json!("embedded.worker@demo.commcarehq.org")
        );
        assert_eq!(created["version"], json!(1));
        assert_eq!(
            h.text("#created li").await,
            format!("embedded.worker@demo.commcarehq.org: {}", user.id)
        );
        assert_eq!(h.user_posts()[0].json()["language"], json!("fra"));
        assert_eq!(h.user_posts()[0].json()["groups"], json!([group.id]));
    })
    .await;
}

#[tokio::test]
async fn a_credential_handed_over_by_the_portal_replaces_typing_one() {
    let portal = Portal::serve().await;
    let config = api_key_config(&portal);
    with_harness(config, move |h| async move {
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        wait_for_message(&h, "ready").await;
        let key = hand_over_the_key(&h).await;
        enter_form(&h).await;
        let deadline = Instant::now() + e2e::PATIENCE;
        while h.exists("#api-key").await {
            assert!(
                Instant::now() < deadline,
                "the key field stayed although a key was given"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // A later configure that names no credential keeps the one handed over.
        h.browser.enter_parent_frame().await.unwrap();
        h.js("configure({language: 'fra'}); return true").await;
        enter_form(&h).await;
        h.wait_for_value("#language-choice", |v| v == "fra").await;
        assert!(
            !h.exists("#api-key").await,
            "the handed-over key was dropped"
        );
        create_in_frame(&h, "keyed.worker").await;
        assert_eq!(
            h.user_posts()[0].headers["authorization"],
            format!("ApiKey {DEV_API_KEY}")
        );
        enter_form_again_and_check_storage(&h, key).await;
        // null takes the credential back: the operator is asked for one again.
        h.js("configure({}, null); return true").await;
        let frame = h.find("#mobile-worker-form").await;
        frame.enter_frame().await.unwrap();
        h.click("button.another").await;
        h.find("#api-key").await;
    })
    .await;
}

async fn enter_form_again_and_check_storage(h: &Harness, key: &str) {
    let frame = h.find("#mobile-worker-form").await;
    frame.enter_frame().await.unwrap();
    let stored = h
        .js("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + location.href")
        .await;
    assert!(!stored.as_str().unwrap().contains(key), "{stored}");
    h.browser.enter_parent_frame().await.unwrap();
}

#[tokio::test]
async fn a_page_at_another_origin_can_neither_configure_nor_hear_the_form() {
    let allowed = Portal::serve().await;
    let stranger = Portal::serve().await;
    let config = ConfigFile::proxy_with(json!({"embed": {"parent_origins": [allowed.origin]}}));
    with_harness(config, move |h| async move {
        h.browser.goto(&stranger.page(&h.app_url)).await.unwrap();
        enter_form(&h).await;
        h.browser.enter_parent_frame().await.unwrap();
        h.js("configure({language: 'hin', user_data: {district: 'Stolen'}}); return true")
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        enter_form(&h).await;
        assert_eq!(h.value("#language-choice").await, "");
        assert!(!h.exists("#user-data-key-0").await);
        create_in_frame(&h, "private.worker").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(received(&h).await, Vec::<Value>::new());
        assert_eq!(h.stand_in.users().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn with_no_allowed_origins_nothing_is_posted() {
    let portal = Portal::serve().await;
    with_harness(ConfigFile::proxy(), move |h| async move {
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        enter_form(&h).await;
        assert!(
            !h.exists("button.cancel").await,
            "no Cancel when nobody listens"
        );
        create_in_frame(&h, "quiet.worker").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(received(&h).await, Vec::<Value>::new());
        let frame = h
            .browser
            .find(Locator::Css("#mobile-worker-form"))
            .await
            .unwrap();
        assert_eq!(
            frame.attr("style").await.unwrap(),
            None,
            "no resize reached the portal"
        );
    })
    .await;
}

#[tokio::test]
async fn refusals_and_cancelling_are_reported_to_the_portal() {
    let portal = Portal::serve().await;
    let config = ConfigFile::proxy_with(json!({"embed": {"parent_origins": [portal.origin]}}));
    with_harness(config, move |h| async move {
        h.stand_in.add_existing_user("demo", "taken");
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        wait_for_message(&h, "ready").await;
        enter_form(&h).await;
        h.type_into("#username", "taken").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        h.wait_for_text("#username-error", |t| t.contains("already taken"))
            .await;
        h.click("button.cancel").await;
        assert_eq!(h.value("#username").await, "");
        h.browser.enter_parent_frame().await.unwrap();
        let error = wait_for_message(&h, "error").await;
        assert_eq!(
            error["message"],
            json!("CommCare HQ refused to create the mobile worker. It said: Username 'taken@demo.commcarehq.org' is already taken or reserved.")
        );
        wait_for_message(&h, "cancelled").await;
    })
    .await;
}

#[tokio::test]
async fn outside_an_iframe_nothing_is_posted() {
    // Even with the page's own origin allowed, a top-level form has no parent to talk to.
    let config = ConfigFile::proxy_with(json!({"embed": {"parent_origins": ["{app_origin}"]}}));
    with_harness(config, |h| async move {
        h.open().await;
        h.js("window.heard = []; window.addEventListener('message', e => window.heard.push(e.data)); return true")
            .await;
        h.type_into("#username", "top.level").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(h.js("return window.heard").await, json!([]));
    })
    .await;
}

#[tokio::test]
async fn a_second_configure_keeps_what_the_operator_chose_and_a_late_one_saves_nothing() {
    let portal = Portal::serve().await;
    let config = ConfigFile::proxy_with(json!({"embed": {"parent_origins": [portal.origin]}}));
    with_harness(config, move |h| async move {
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        wait_for_message(&h, "ready").await;
        h.js("configure({language: 'fra', user_data: {district: 'Gulu'}}); return true")
            .await;
        enter_form(&h).await;
        h.wait_for_text("#user-data-key-0", |_| true).await;
        assert_eq!(h.value("#user-data-value-0").await, "Gulu");
        // The operator chooses otherwise.
        h.select("#language-choice", "hin").await;
        h.replace_text("#user-data-value-0", "Lira").await;
        h.browser.enter_parent_frame().await.unwrap();
        h.js(
            "configure({language: 'por', user_data: {district: 'Kitgum', team: 'A'}}); return true",
        )
        .await;
        enter_form(&h).await;
        h.find("#user-data-key-1").await;
        assert_eq!(
            h.value("#user-data-value-1").await,
            "A",
            "a new default arrives"
        );
        assert_eq!(h.value("#language-choice").await, "hin", "the choice stays");
        assert_eq!(
            h.value("#user-data-value-0").await,
            "Lira",
            "the typed value stays"
        );
        create_in_frame(&h, "chosen.worker").await;
        let sent = h.user_posts()[0].json();
        assert_eq!(sent["language"], json!("hin"));
        assert_eq!(sent["user_data"], json!({"district": "Lira", "team": "A"}));

        // After the creation a configure changes nothing that is kept: the created worker's
        // draft is not saved again. The next form takes the new defaults.
        h.js("configure({language: 'swa'}); return true").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let frame = h.find("#mobile-worker-form").await;
        frame.enter_frame().await.unwrap();
        let stored = h.js("return JSON.stringify(sessionStorage)").await;
        assert!(!stored.as_str().unwrap().contains("chosen"), "{stored}");
        h.click("button.another").await;
        assert_eq!(h.value("#language-choice").await, "swa");
        assert_eq!(h.value("#username").await, "");
    })
    .await;
}

#[tokio::test]
async fn a_token_no_header_can_carry_is_refused_and_the_portal_told_why() {
    let portal = Portal::serve().await;
    let config = api_key_config(&portal);
    with_harness(config, move |h| async move {
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        wait_for_message(&h, "ready").await;
        h.js("configure({}, {bearer_token: 'abc\\u200bdef'}); return true")
            .await;
        let error = wait_for_message(&h, "error").await;
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("U+200B"), "{message}");
        assert!(
            !message.contains("abc"),
            "the token is never echoed: {message}"
        );
        // The operator can still type a key of their own.
        enter_form(&h).await;
        h.find("#api-key").await;
    })
    .await;
}

#[tokio::test]
async fn cancel_waits_while_a_mobile_worker_is_being_created() {
    let portal = Portal::serve().await;
    let config = ConfigFile::proxy_with(json!({"embed": {"parent_origins": [portal.origin]}}));
    with_harness(config, move |h| async move {
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        wait_for_message(&h, "ready").await;
        enter_form(&h).await;
        h.stand_in.inject_on_create(e2e::stand_in_hq::Fault {
            delay_ms: 1500,
            ..Default::default()
        });
        h.type_into("#username", "slow.worker").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        h.wait_for_text("button[type=submit]", |t| t == "Creating…")
            .await;
        assert_eq!(
            h.attr("button.cancel", "aria-disabled").await.as_deref(),
            Some("true")
        );
        h.click("button.cancel").await;
        assert_eq!(
            h.value("#username").await,
            "slow.worker",
            "nothing was reset"
        );
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        h.browser.enter_parent_frame().await.unwrap();
        wait_for_message(&h, "created").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let kinds: Vec<Value> = received(&h)
            .await
            .into_iter()
            .map(|m| m["type"].clone())
            .collect();
        assert!(!kinds.contains(&json!("cancelled")), "{kinds:?}");
    })
    .await;
}

#[tokio::test]
async fn bulk_creation_inside_the_portal_uses_its_credential_and_tells_it_of_each_worker() {
    let portal = Portal::serve().await;
    let config = api_key_config(&portal);
    with_harness(config, move |h| async move {
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        wait_for_message(&h, "ready").await;
        hand_over_the_key(&h).await;
        enter_form(&h).await;
        h.click("#mode-many").await;
        h.find("#bulk-workers-file").await;
        // The portal's key is used: none is asked for.
        assert!(!h.exists("#bulk-api-key").await);
        h.assert_accessible("bulk mode in a portal's frame").await;
        let path = std::env::temp_dir().join(format!("framed-{}.csv", std::process::id()));
        std::fs::write(
            &path,
            "username,password\r\nframed.one,Pass-1-word\r\nframed.two,Pass-2-word\r\n",
        )
        .unwrap();
        h.find("#bulk-workers-file")
            .await
            .send_keys(&path.display().to_string())
            .await
            .unwrap();
        h.wait_for_text("#bulk-summary", |t| t.contains("2 rows"))
            .await;
        h.click("#start-run").await;
        h.wait_for_text("#bulk-saying", |t| t.contains("Done"))
            .await;
        for post in h.user_posts() {
            assert_eq!(
                post.headers["authorization"],
                format!("ApiKey {DEV_API_KEY}")
            );
        }
        assert_eq!(h.user_posts().len(), 2);
        // The mode is in the frame's address, and the portal heard of each worker.
        assert!(h.js("return location.hash").await == "#bulk");
        h.browser.enter_parent_frame().await.unwrap();
        let created: Vec<Value> = received(&h)
            .await
            .into_iter()
            .filter(|m| m["type"] == "created")
            .collect();
        assert_eq!(created.len(), 2, "{created:?}");
        assert_eq!(created[0]["username"], "framed.one@demo.commcarehq.org");
        let _ = std::fs::remove_file(path);
    })
    .await;
}

/// Presses `key` where the focus is, through Chromium itself, whatever frame the test is in.
async fn press(h: &Harness, key: &str) {
    for kind in ["keyDown", "keyUp"] {
        e2e::chromium::devtools(
            &h.browser,
            "Input.dispatchKeyEvent",
            json!({"type": kind, "key": key, "text": if kind == "keyDown" { key } else { "" }}),
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn a_storm_of_configure_messages_never_holds_a_key_back() {
    let portal = Portal::serve().await;
    let config = ConfigFile::proxy_with(json!({"embed": {"parent_origins": [portal.origin]}}));
    with_harness(config, move |h| async move {
        h.browser.goto(&portal.page(&h.app_url)).await.unwrap();
        wait_for_message(&h, "ready").await;
        enter_form(&h).await;
        h.js("window.keyDelays = []; \
              addEventListener('keydown', (e) => keyDelays.push(performance.now() - e.timeStamp), true); \
              document.getElementById('username').focus(); return true")
            .await;
        h.browser.enter_parent_frame().await.unwrap();
        // 3,000 in one task, none equal to the one before it; the last says French.
        h.js("for (let i = 0; i < 3000; i++) \
                configure({language: i % 2 ? 'fra' : 'hin', user_data: {district: 'D' + i}}); \
              return true")
            .await;
        press(&h, "s").await;
        enter_form(&h).await;
        h.wait_for_value("#username", |v| v == "s").await;
        let delays = h.js("return window.keyDelays").await;
        let delay = delays[0].as_f64().unwrap();
        assert!(delay < 200.0, "the key waited {delay} ms behind the messages");
        // Every message was still read: the last one's language stands.
        h.wait_for_value("#language-choice", |v| v == "fra").await;
    })
    .await;
}
