//! `api_key` mode: the operator types a web-user email and API key, and the page calls a
//! CommCare server on another origin directly. The key lives in memory only.

use e2e::serde_json::json;
use e2e::stand_in_hq::DEV_API_KEY;
use e2e::{with_harness, ConfigFile};

#[tokio::test]
async fn the_typed_key_is_sent_kept_in_memory_for_the_next_user_and_never_stored() {
    let config = ConfigFile::CrossOrigin(json!({"domain": "demo", "auth": "api_key"}));
    with_harness(config, |h| async move {
        let (email, key) = DEV_API_KEY.split_once(':').unwrap();
        h.open().await;
        assert_eq!(h.attr("#api-key", "type").await.as_deref(), Some("password"));
        h.type_into("#web-user-email", email).await;
        h.type_into("#api-key", key).await;
        h.type_into("#username", "first.worker").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-username", |t| t.starts_with("first.worker@")).await;

        // The next mobile worker in the same page needs no retyping of the key.
        h.click("button.another").await;
        assert_eq!(h.value("#api-key").await, key);
        h.type_into("#username", "second.worker").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-username", |t| t.starts_with("second.worker@")).await;

        let posts = h.user_posts();
        assert_eq!(posts.len(), 2);
        for post in &posts {
            assert_eq!(post.headers["authorization"], format!("ApiKey {DEV_API_KEY}"));
            assert!(post.headers["origin"].starts_with("http://127.0.0.1:"));
        }
        let stored = h
            .js("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie + location.href")
            .await;
        assert!(!stored.as_str().unwrap().contains(key), "{stored}");
    })
    .await;
}

#[tokio::test]
async fn a_wrong_key_cannot_be_read_across_origins_and_says_so() {
    let config = ConfigFile::CrossOrigin(json!({"domain": "demo", "auth": "api_key"}));
    with_harness(config, |h| async move {
        h.open().await;
        h.type_into("#web-user-email", "dev@example.org").await;
        h.type_into("#api-key", "wrong-key").await;
        h.type_into("#username", "jdoe").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".error-summary", |t| {
            t.contains("does not let this page read why")
        })
        .await;
        assert_eq!(h.value("#api-key").await, "wrong-key");
        assert!(h.stand_in.users().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_credential_no_header_can_carry_is_named_and_never_leaves_the_form_stuck() {
    let config = ConfigFile::CrossOrigin(json!({"domain": "demo", "auth": "api_key"}));
    with_harness(config, |h| async move {
        let (email, key) = DEV_API_KEY.split_once(':').unwrap();
        h.open().await;
        // An "ł" typed in the email, a zero-width space pasted with the key.
        h.type_into("#web-user-email", "paweł@example.org").await;
        h.type_into("#api-key", &format!("{key}\u{200b}")).await;
        h.click("#group-refresh").await;
        h.wait_for_text("#group-picker .picker-status", |t| {
            t.contains("Could not load the groups: The web user email contains “ł”")
        })
        .await;
        h.wait_for_text("#api-key-error", |t| {
            t.contains("the invisible character U+200B")
        })
        .await;
        h.assert_accessible("the credential fields with their errors")
            .await;
        h.wait_for_text("#api-key-error", |t| {
            t.contains("the invisible character U+200B")
        })
        .await;
        h.type_into("#username", "stuck.not").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        let summary = h
            .wait_for_text(".error-summary", |t| t.contains("U+200B"))
            .await;
        assert!(summary.contains("“ł”"), "{summary}");
        assert!(h.stand_in.requests().is_empty(), "nothing was sent");

        // Corrected, everything works at once: nothing was left "in flight" or "loading".
        h.replace_text("#web-user-email", email).await;
        h.replace_text("#api-key", key).await;
        h.click("#group-refresh").await;
        h.wait_for_text("#group-picker .picker-status", |t| t.contains("250 groups"))
            .await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-username", |t| t.starts_with("stuck.not@"))
            .await;
        assert_eq!(h.stand_in.users().len(), 1);
    })
    .await;
}
