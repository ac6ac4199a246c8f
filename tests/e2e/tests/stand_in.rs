//! The stand-in itself, over HTTP, where its behaviour is not already shown through the page.

use e2e::nginx::raw_request;
use e2e::stand_in_hq::{Settings, StandIn, DEV_API_KEY};

#[tokio::test]
async fn the_rate_limit_answers_429_with_no_body_once_a_project_reaches_it() {
    let stand_in = StandIn::new(Settings {
        creations_per_minute: Some(2),
        ..Settings::default()
    });
    let addr = stand_in.spawn(([127, 0, 0, 1], 0).into()).await.unwrap();
    let key = format!("ApiKey {DEV_API_KEY}");
    let headers = [
        ("Content-Type", "application/json"),
        ("Authorization", key.as_str()),
    ];
    let mut statuses = Vec::new();
    for n in 0..3 {
        let body = format!(r#"{{"username": "limited{n}", "password": "pw"}}"#);
        let answer = raw_request(addr, "POST", "/a/demo/api/v0.5/user/", &headers, &body).await;
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
