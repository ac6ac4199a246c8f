//! The stand-in itself, over HTTP, where its behaviour is not already shown through the page.

use e2e::nginx::raw_request;
use e2e::stand_in_hq::{Settings, StandIn, DEV_API_KEY};
use std::net::SocketAddr;

/// A create, as the form's proxy sends it.
async fn create(addr: SocketAddr, body: &str) -> e2e::nginx::Answer {
    let key = format!("ApiKey {DEV_API_KEY}");
    let headers = [
        ("Content-Type", "application/json"),
        ("Authorization", key.as_str()),
    ];
    raw_request(addr, "POST", "/a/demo/api/v0.5/user/", &headers, body).await
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_no_body_once_a_project_reaches_it() {
    let stand_in = StandIn::new(Settings {
        rate_limits: Some(e2e::stand_in_hq::RateLimits {
            per_second: 10,
            per_minute: 2,
            ..e2e::stand_in_hq::RateLimits::NEW_PROJECT
        }),
        ..Settings::default()
    });
    let addr = stand_in.spawn(([127, 0, 0, 1], 0).into()).await.unwrap();
    let mut statuses = Vec::new();
    for n in 0..3 {
        let body = format!(r#"{{"username": "limited{n}", "password": "pw"}}"#);
        let answer = create(addr, &body).await;
        statuses.push(answer.status);
        if answer.status == 429 {
            assert_eq!(answer.body, "");
            assert!(!answer
                .head
                .to_lowercase()
                .contains("access-control-allow-origin"));
        }
    }
    assert_eq!(statuses, vec![201, 201, 429]);
    assert_eq!(stand_in.users().len(), 2);
}

/// HQ's two-stage creation (v0_5.py) and its profile check, as the stand-in learns them from
/// the project's settings.
#[tokio::test]
async fn account_confirmation_and_profiles_are_checked_as_hq_checks_them() {
    let stand_in = StandIn::new(Settings {
        project: e2e::serde_json::json!({
            "account_confirmation": true,
            "profiles": [{"id": 12, "name": "Nurse"}]
        }),
        ..Settings::default()
    });
    let addr = stand_in.spawn(([127, 0, 0, 1], 0).into()).await.unwrap();
    for (body, status, words) in [
        (
            r#"{"username": "a1", "require_account_confirmation": true, "send_confirmation_email_now": true}"#,
            400,
            "provide the user's email",
        ),
        (
            r#"{"username": "a2", "password": "pw", "email": "a@x.org", "require_account_confirmation": true}"#,
            400,
            "provide their own password",
        ),
        (
            r#"{"username": "a3", "email": "a@x.org", "send_confirmation_email_now": true}"#,
            400,
            "must require account confirmation",
        ),
        (
            r#"{"username": "a4"}"#,
            400,
            "Password or connect username required",
        ),
        (
            r#"{"username": "a5", "password": "pw", "user_data": {"commcare_profile": 13}}"#,
            400,
            "profile not found",
        ),
        (
            r#"{"username": "a6", "password": "pw", "user_data": {"commcare_profile": 12}}"#,
            201,
            "",
        ),
        (
            r#"{"username": "a7", "email": "a@x.org", "require_account_confirmation": true, "send_confirmation_email_now": true}"#,
            201,
            "",
        ),
    ] {
        let answer = create(addr, body).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert!(answer.body.contains(words), "{body}: {}", answer.body);
    }
    let users = stand_in.users();
    let confirmed = users
        .iter()
        .find(|u| u.username.starts_with("a7@"))
        .unwrap();
    assert_eq!(confirmed.fields["is_account_confirmed"], false);
    assert_eq!(confirmed.fields["confirmation_email_sent"], true);
    assert!(confirmed
        .fields
        .get("require_account_confirmation")
        .is_none());
}
