//! The first slice end to end: a mobile worker is created through the real page.

use e2e::serde_json::json;
use e2e::{with_harness, ConfigFile};

#[tokio::test]
async fn creating_a_mobile_worker_shows_the_id_the_server_gave() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        h.wait_for_text("#group-picker .picker-status", |t| {
            t.contains("in this project")
        })
        .await;
        h.assert_accessible("the empty form, lists loaded").await;
        h.type_into("#username", "Jane Doe").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;

        let shown = h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        let users = h.stand_in.users();
        assert_eq!(users.len(), 1);
        assert_eq!(shown, users[0].id);
        assert_eq!(
            h.text(".created-username").await,
            "jane.doe@demo.commcarehq.org"
        );

        let posts = h.user_posts();
        assert_eq!(posts.len(), 1, "exactly one POST per submit");
        assert_eq!(posts[0].path, "/a/demo/api/v0.5/user/");
        assert_eq!(
            posts[0].json(),
            json!({"username": "jane.doe", "password": "s3cret-Pass"})
        );
        assert!(posts[0].headers["content-type"].starts_with("application/json"));
    })
    .await;
}

#[tokio::test]
async fn a_taken_username_shows_hqs_message_and_keeps_what_was_typed() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.stand_in.add_existing_user("demo", "jdoe");
        h.open().await;
        h.type_into("#username", "JDoe").await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;

        let expected = "Username 'jdoe@demo.commcarehq.org' is already taken or reserved.";
        let summary = h
            .wait_for_text(".error-summary", |t| t.contains(expected))
            .await;
        assert!(summary.starts_with("There is a problem"), "{summary}");
        assert!(h.text("#username-error").await.contains(expected));
        assert_eq!(
            h.attr("#username", "aria-invalid").await.as_deref(),
            Some("true")
        );
        assert_eq!(h.value("#username").await, "JDoe");
        assert_eq!(h.value("#password").await, "s3cret-Pass");
        assert_eq!(h.user_posts().len(), 1);
        assert!(!h.exists(".created").await);
    })
    .await;
}

#[tokio::test]
async fn a_broken_config_file_shows_the_error_screen() {
    with_harness(
        ConfigFile::Raw("{\"base_url\": \"\", \"domain\": "),
        |h| async move {
            h.open().await;
            let reason = h.text(".config-error-reason").await;
            assert!(reason.starts_with("config.json is not valid"), "{reason}");
            assert!(!h.exists("form.registration").await);
            h.assert_accessible("the configuration error screen").await;
        },
    )
    .await;
}

#[tokio::test]
async fn a_missing_config_file_is_named_on_the_error_screen() {
    with_harness(ConfigFile::Missing, |h| async move {
        h.open().await;
        let reason = h.text(".config-error-reason").await;
        assert_eq!(reason, "config.json could not be loaded: 404 Not Found");
    })
    .await;
}
