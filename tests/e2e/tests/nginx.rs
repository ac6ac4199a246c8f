//! Production deployment: the release build behind real nginx configured from
//! `deploy/nginx/`, between headless Chromium and the stand-in HQ.

use e2e::nginx::{raw_request, Site, PROXY_API_KEY};
use e2e::serde_json::json;
use e2e::{with_nginx, Harness};

async fn create_user(h: &Harness) -> String {
    h.open().await;
    h.type_into("#username", "Nginx User").await;
    h.type_into("#password", "s3cret-Pass").await;
    h.click("button[type=submit]").await;
    h.wait_for_text(".created-user-id", |t| !t.is_empty()).await
}

async fn assert_key_never_reached_the_browser(h: &Harness) {
    let key = PROXY_API_KEY.split(':').nth(1).unwrap();
    let seen = h
        .js("return document.documentElement.outerHTML + JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + performance.getEntries().map(e => e.name).join(' ')")
        .await;
    assert!(!seen.as_str().unwrap().contains(key));
    for file in ["config.json", "index.html", "boot.js"] {
        let (_, body) = raw_request(
            h.nginx.as_ref().unwrap().addr,
            "GET",
            &format!("{}{file}", form_path(h)),
            &[],
            "",
        )
        .await;
        assert!(!body.contains(key), "{file} holds the key");
    }
}

fn form_path(h: &Harness) -> String {
    let url = &h.app_url;
    let after_host = url.splitn(4, '/').nth(3).unwrap_or_default();
    format!("/{after_host}")
}

#[tokio::test]
async fn a_user_is_created_through_nginx_under_a_sub_path() {
    with_nginx(Site::at("/forms/register/"), |h| async move {
        let shown = create_user(&h).await;
        assert_eq!(shown, h.stand_in.users()[0].id);
        let posts = h.user_posts();
        assert_eq!(posts.len(), 1);
        assert_eq!(
            posts[0].headers["authorization"],
            format!("ApiKey {PROXY_API_KEY}")
        );
        assert_eq!(
            posts[0].json(),
            json!({"username": "nginx.user", "password": "s3cret-Pass"})
        );
        assert_key_never_reached_the_browser(&h).await;
    })
    .await;
}

#[tokio::test]
async fn a_user_is_created_through_nginx_at_the_root() {
    with_nginx(Site::at("/"), |h| async move {
        let shown = create_user(&h).await;
        assert_eq!(shown, h.stand_in.users()[0].id);
        assert_key_never_reached_the_browser(&h).await;
    })
    .await;
}

#[tokio::test]
async fn the_page_runs_under_the_strict_csp_without_a_violation() {
    with_nginx(Site::at("/forms/register/"), |h| async move {
        // The policy is really sent and enforced: a page with an inline script is blocked.
        h.browser.goto(&format!("{}csp-probe.html", h.app_url)).await.unwrap();
        let probe = h.js("return [document.title, window.cspViolations]").await;
        assert_ne!(probe[0], json!("inline ran"));
        assert!(probe[1].to_string().contains("script-src"), "{probe}");

        create_user(&h).await;
        h.click("button.another").await;
        h.click("button[type=submit]").await; // the error summary, focus and title too
        h.find(".error-summary:not([hidden])").await;
        let violations = h.js("return window.cspViolations").await;
        assert_eq!(violations, json!([]));
        let headers = h
            .js("const r = await fetch(location.href); return ['content-security-policy', 'referrer-policy', 'x-content-type-options'].map(n => r.headers.get(n));")
            .await;
        let csp = headers[0].as_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
        assert!(csp.contains("connect-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(headers[1], json!("no-referrer"));
        assert_eq!(headers[2], json!("nosniff"));
    })
    .await;
}

#[tokio::test]
async fn nginx_forwards_only_the_forms_calls_and_replaces_any_credential() {
    with_nginx(Site::at("/forms/register/"), |h| async move {
        let addr = h.nginx.as_ref().unwrap().addr;
        let json_type = ("Content-Type", "application/json");
        let refused = [
            ("GET", "/a/demo/api/v0.5/user/"),
            ("DELETE", "/a/demo/api/v0.5/user/"),
            ("PUT", "/a/demo/api/v0.5/user/0123/"),
            ("POST", "/a/demo/api/v0.5/web-user/"),
            ("POST", "/a/other-project/api/v0.5/user/"),
            ("POST", "/a/demo/api/v0.5/group/"),
            ("GET", "/a/demo/settings/users/"),
            ("POST", "/forms/register/"),
        ];
        for (method, path) in refused {
            let (status, _) = raw_request(addr, method, path, &[json_type], "{}").await;
            assert_eq!(status, 403, "{method} {path}");
        }
        let (status, _) = raw_request(addr, "GET", "/etc/passwd", &[], "").await;
        assert_eq!(status, 404);
        assert!(
            h.stand_in.requests().is_empty(),
            "nothing refused reached CommCare"
        );

        // Whatever credential a browser sends is replaced by the server's own.
        let (status, _) = raw_request(
            addr,
            "POST",
            "/a/demo/api/v0.5/user/",
            &[
                json_type,
                ("Authorization", "ApiKey someone@else.org:stolen-key"),
            ],
            r#"{"username": "via.curl", "password": "pw"}"#,
        )
        .await;
        assert_eq!(status, 201);
        let (status, body) =
            raw_request(addr, "GET", "/a/demo/api/v0.5/group/?limit=2", &[], "").await;
        assert_eq!(status, 200);
        assert!(body.contains("\"total_count\":250"), "{body}");
        let received = h.stand_in.requests();
        assert_eq!(received.len(), 2);
        for r in &received {
            assert_eq!(
                r.headers["authorization"],
                format!("ApiKey {PROXY_API_KEY}")
            );
        }

        // Bodies are capped, and so is the rate of creation.
        let large = [json_type, ("Content-Length", "20000")];
        let (status, _) = raw_request(addr, "POST", "/a/demo/api/v0.5/user/", &large, "").await;
        assert_eq!(status, 413);
        let mut statuses = Vec::new();
        for n in 0..8 {
            let body = format!(r#"{{"username": "burst{n}", "password": "pw"}}"#);
            statuses.push(
                raw_request(addr, "POST", "/a/demo/api/v0.5/user/", &[json_type], &body)
                    .await
                    .0,
            );
        }
        assert!(statuses.contains(&429), "{statuses:?}");
        let created = h.stand_in.users().len();
        assert!(
            created < 1 + 8,
            "the rate limit let every request through: {statuses:?}"
        );
    })
    .await;
}
