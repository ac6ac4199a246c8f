//! Every answer CommCare HQ (or the network) can give, through the stand-in's fault injection:
//! each has its own message, the typed values stay, and each submit sends exactly one POST.

use e2e::serde_json::json;
use e2e::stand_in_hq::Fault;
use e2e::{with_harness, ConfigFile, Harness};

async fn fill(h: &Harness) {
    h.type_into("#username", "Jane Doe").await;
    h.type_into("#password", "s3cret-Pass").await;
    h.type_into("#first-name", "Jane").await;
}

async fn assert_kept(h: &Harness) {
    assert_eq!(h.value("#username").await, "Jane Doe");
    assert_eq!(h.value("#password").await, "s3cret-Pass");
    assert_eq!(h.value("#first-name").await, "Jane");
}

fn answer(status: u16, body: &str, content_type: &str) -> Fault {
    Fault {
        status: Some(status),
        body: Some(body.into()),
        content_type: Some(content_type.into()),
        ..Fault::default()
    }
}

#[tokio::test]
async fn each_refusal_has_its_own_message_and_nothing_typed_is_lost() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        fill(&h).await;
        let json_type = "application/json";
        let cases = [
            (answer(400, r#"{"error": "<b>Bad</b> group"}"#, json_type), "<b>Bad</b> group"),
            (answer(401, "", json_type), "did not accept the credentials (401)"),
            (
                answer(401, r#"{"error": "Your current subscription does not have access to this feature"}"#, json_type),
                "CommCare HQ said: Your current subscription does not have access",
            ),
            (answer(403, "", json_type), "not allowed to create mobile workers in this project space (403)"),
            (answer(404, "<h1>Not Found</h1>", "text/html"), "no CommCare user API at this address (404)"),
            (answer(429, "", json_type), "limiting how often mobile workers can be created (429)"),
            (
                answer(500, r#"{"error_message": "Sorry, this request could not be processed."}"#, json_type),
                "CommCare HQ had a problem (500). The mobile worker may have been created anyway",
            ),
            (answer(502, "<html>Bad gateway</html>", "text/html"), "CommCare HQ had a problem (502)"),
            (answer(400, "<html>proxy error</html>", "text/html"), "was not from CommCare HQ's API: it was not JSON"),
            (answer(201, "{}", json_type), "which means created, but its answer was not CommCare HQ's"),
            // Something answered "created" with nothing HQ would send: it may exist.
            (answer(201, "", json_type), "may have been created anyway"),
            (answer(200, "<html>Saved</html>", "text/html"), "answered 200, which means created"),
        ];
        for (n, (fault, expected)) in cases.into_iter().enumerate() {
            h.stand_in.inject_on_create(fault);
            h.click("button[type=submit]").await;
            let summary = h
                .wait_for_text(".error-summary", |t| t.contains(expected))
                .await;
            assert!(summary.starts_with("There is a problem"), "{summary}");
            assert_eq!(h.user_posts().len(), n + 1, "one POST per submit ({expected})");
            assert_kept(&h).await;
        }
        // HQ's text is shown as text, never parsed as markup.
        h.stand_in.inject_on_create(answer(400, r#"{"error": "<img src=x id=injected>"}"#, json_type));
        h.click("button[type=submit]").await;
        h.wait_for_text(".error-summary", |t| t.contains("<img src=x id=injected>")).await;
        assert!(!h.exists("#injected").await);
    })
    .await;
}

#[tokio::test]
async fn a_taken_username_is_marked_on_the_field_until_it_changes() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.stand_in.add_existing_user("demo", "jane.doe");
        h.open().await;
        fill(&h).await;
        h.click("button[type=submit]").await;
        let message = h
            .wait_for_text("#username-error", |t| t.contains("already taken"))
            .await;
        h.assert_accessible("HQ's refusal on the username").await;
        assert!(
            !h.exists(".error-summary a[href*=settings]").await,
            "a refusal created nothing: no link to HQ's list"
        );
        assert!(message
            .contains("Username 'jane.doe@demo.commcarehq.org' is already taken or reserved."));
        h.click(".error-summary a[href='#username']").await;
        assert_eq!(
            h.js("return document.activeElement.id").await,
            json!("username")
        );
        h.type_into("#username", "2").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-username", |t| {
            t == "jane.doe2@demo.commcarehq.org"
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_slow_server_times_out_with_a_clear_message() {
    let config = ConfigFile::proxy_with(json!({"timeout_seconds": 1}));
    with_harness(config, |h| async move {
        h.open().await;
        fill(&h).await;
        h.stand_in.inject_on_create(Fault { delay_ms: 4000, ..Fault::default() });
        h.click("button[type=submit]").await;
        h.wait_for_text(".error-summary", |t| {
            t.contains("CommCare HQ did not answer within 1 second. The mobile worker may have been created")
        })
        .await;
        assert_kept(&h).await;
        // The words lead to HQ's Mobile Workers list, the record of truth, in a new tab.
        let link = ".error-summary a[href='/a/demo/settings/users/commcare/']";
        assert!(h.text(link).await.contains("may have been created"));
        h.assert_accessible("an answer that may have created the worker").await;
        h.click(link).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while h.browser.windows().await.unwrap().len() < 2 {
            assert!(std::time::Instant::now() < deadline, "no new tab");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_kept(&h).await;
    })
    .await;
}

#[tokio::test]
async fn a_dropped_connection_is_explained() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        fill(&h).await;
        // Chromium itself resends a request once when a reused connection closes without a
        // reply, so the connection is dropped for that resend too.
        // Chromium resends a request when a reused connection closes without a reply, until
        // one on a fresh connection fails too; each of those resends is dropped as well.
        h.stand_in.inject_on_create(Fault {
            drop: true,
            times: 10,
            ..Fault::default()
        });
        h.click("button[type=submit]").await;
        h.wait_for_text(".error-summary", |t| {
            t.contains("The connection failed before the server answered")
        })
        .await;
        assert_kept(&h).await;
        assert!(h.stand_in.users().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_second_click_while_sending_sends_nothing_more() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        fill(&h).await;
        h.stand_in.inject_on_create(Fault {
            delay_ms: 1500,
            ..Fault::default()
        });
        h.click("button[type=submit]").await;
        h.wait_for_text("button[type=submit]", |t| t == "Creating…")
            .await;
        h.assert_accessible("a mobile worker being created").await;
        h.click("button[type=submit]").await;
        h.find("#username")
            .await
            .send_keys("\u{E007}")
            .await
            .unwrap(); // Enter
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        assert_eq!(h.user_posts().len(), 1);
        assert_eq!(h.stand_in.users().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_cross_origin_refusal_explains_the_proxy_setup() {
    // HQ's 401 carries no CORS headers, so the browser hides it from the page.
    let config = ConfigFile::CrossOrigin(json!({"domain": "demo", "auth": "proxy"}));
    with_harness(config, |h| async move {
        h.open().await;
        fill(&h).await;
        h.click("button[type=submit]").await;
        let summary = h
            .wait_for_text(".error-summary", |t| {
                t.contains("does not let this page read why")
            })
            .await;
        assert!(summary.contains("same-origin proxy"), "{summary}");
        assert_eq!(h.user_posts().len(), 1);
        assert_kept(&h).await;
    })
    .await;
}
