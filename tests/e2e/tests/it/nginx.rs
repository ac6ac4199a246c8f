//! Production deployment: the release build behind real nginx configured from
//! `deploy/nginx/`, between headless Chromium and the stand-in HQ.

use e2e::nginx::{
    raw_request, raw_request_from, raw_request_to, Site, BROTLI_MODULE, PROXY_API_KEY, SERVER_NAME,
};
use e2e::serde_json::json;
use e2e::{with_nginx, Harness};
use std::net::SocketAddr;

const JSON: (&str, &str) = ("Content-Type", "application/json");

async fn create_user(h: &Harness) -> String {
    h.open().await;
    h.type_into("#username", "Nginx User").await;
    h.type_into("#password", "s3cret-Pass").await;
    h.click("button[type=submit]").await;
    h.wait_for_text(".created-user-id", |t| !t.is_empty()).await
}

fn nginx_addr(h: &Harness) -> SocketAddr {
    h.nginx.as_ref().unwrap().addr
}

fn form_path(h: &Harness) -> String {
    let after_host = h.app_url.splitn(4, '/').nth(3).unwrap_or_default();
    format!("/{after_host}")
}

async fn assert_key_never_reached_the_browser(h: &Harness) {
    let key = PROXY_API_KEY.split(':').nth(1).unwrap();
    let seen = h
        .js("return document.documentElement.outerHTML + JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + performance.getEntries().map(e => e.name).join(' ')")
        .await;
    assert!(!seen.as_str().unwrap().contains(key));
    let start = h
        .js("return document.querySelector('script[async]').getAttribute('src')")
        .await;
    let start = start.as_str().unwrap().trim_start_matches("./").to_string();
    for file in ["config.json", "index.html", &start] {
        let path = format!("{}{file}", form_path(h));
        let answer = raw_request(nginx_addr(h), "GET", &path, &[], "").await;
        assert_eq!(answer.status, 200, "{path}");
        assert!(!answer.body.contains(key), "{file} holds the key");
    }
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

        // index.html and config.json are re-checked each visit; hashed files are kept.
        let addr = nginx_addr(&h);
        let index = raw_request(addr, "GET", "/forms/register/", &[], "").await;
        assert!(
            index.head.contains("Cache-Control: no-cache"),
            "{}",
            index.head
        );
        let wasm = h
            .js("return document.querySelector('script[data-wasm]').dataset.wasm")
            .await;
        let wasm_path = format!(
            "/forms/register/{}",
            wasm.as_str().unwrap().trim_start_matches("./")
        );
        let hashed = raw_request(addr, "GET", &wasm_path, &[], "").await;
        assert_eq!(hashed.status, 200, "{wasm_path}");
        assert!(
            hashed.head.contains("Cache-Control: max-age=2592000"),
            "{}",
            hashed.head
        );
        assert!(
            hashed.head.contains("Content-Type: application/wasm"),
            "{}",
            hashed.head
        );
        assert!(!hashed.head.contains("Content-Encoding"), "{}", hashed.head);

        // The browser got the precompressed copies: brotli for everything the page loads.
        assert!(
            std::path::Path::new(BROTLI_MODULE).exists(),
            "cargo xtask test installs Debian's brotli_static module"
        );
        let encodings = h
            // (Not index.html: the test rewrites it and drops its stale compressed copies.)
            .js("const files = performance.getEntriesByType('resource').map(e => e.name).filter(n => /\\.(js|wasm|css)$/.test(n) && !n.endsWith('csp-recorder.js'));
                 const got = await Promise.all(files.map(f => fetch(f).then(r => [f.split('/').pop(), r.headers.get('content-encoding')])));
                 return got;")
            .await;
        let encodings = encodings.as_array().unwrap();
        assert!(encodings.len() >= 3, "start.js, the glue, the wasm, the css: {encodings:?}");
        for pair in encodings {
            assert_eq!(pair[1], json!("br"), "{pair}");
        }
        // A client that takes gzip only gets gzip.
        let gzipped = raw_request(addr, "GET", &wasm_path, &[("Accept-Encoding", "gzip")], "").await;
        assert!(gzipped.head.contains("Content-Encoding: gzip"), "{}", gzipped.head);
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
        let addr = nginx_addr(&h);
        other_calls_are_refused(&h, addr).await;
        odd_bodies_and_queries_never_leave_nginx(&h, addr).await;
        the_servers_credential_replaces_any_other(&h, addr).await;
        // Bodies are capped.
        let large = [JSON, ("Content-Length", "20000")];
        assert_eq!(
            raw_request(addr, "POST", "/a/demo/api/v0.5/user/", &large, "")
                .await
                .status,
            413
        );
    })
    .await;
}

/// Every path and method but the form's three answers 403, and none reaches CommCare.
async fn other_calls_are_refused(h: &Harness, addr: SocketAddr) {
    let refused = [
        ("GET", "/a/demo/api/v0.5/user/"),
        ("DELETE", "/a/demo/api/v0.5/user/"),
        ("PUT", "/a/demo/api/v0.5/user/0123/"),
        ("POST", "/a/demo/api/v0.5/web-user/"),
        ("POST", "/a/other-project/api/v0.5/user/"),
        ("POST", "/a/demo/api/v0.5/group/"),
        ("GET", "/a/demo/api/v0x5/group/"),
        ("GET", "/a/demo/settings/users/"),
        ("POST", "/forms/register/"),
    ];
    for (method, path) in refused {
        let status = raw_request(addr, method, path, &[JSON], "{}").await.status;
        assert_eq!(status, 403, "{method} {path}");
    }
    assert_eq!(
        raw_request(addr, "GET", "/etc/passwd", &[], "")
            .await
            .status,
        404
    );
    // The page's link to HQ's Mobile Workers list sends the browser on to CommCare; nothing
    // is fetched from it here, with the key or without.
    let list = raw_request(addr, "GET", "/a/demo/settings/users/commcare/", &[], "").await;
    assert_eq!(list.status, 302, "{}", list.head);
    let location = list
        .head
        .lines()
        .find_map(|l| l.strip_prefix("Location: "))
        .unwrap_or_default();
    assert!(
        location.starts_with("http") && location.ends_with("/a/demo/settings/users/commcare/"),
        "{location}"
    );
    for odd in [
        "/a/other/settings/users/commcare/",
        "/a/demo/settings/users/commcare/x",
    ] {
        assert_eq!(
            raw_request(addr, "GET", odd, &[], "").await.status,
            403,
            "{odd}"
        );
    }
    assert!(
        h.stand_in.requests().is_empty(),
        "nothing refused reached CommCare"
    );
}

/// A body CommCare would read as anything but JSON, or a query on the create path or beyond
/// a list page's own, never leaves nginx.
async fn odd_bodies_and_queries_never_leave_nginx(h: &Harness, addr: SocketAddr) {
    let body = r#"{"username": "odd", "password": "pw"}"#;
    for (method, path, content_type, status) in [
        ("POST", "/a/demo/api/v0.5/user/", "text/plain", 415),
        ("POST", "/a/demo/api/v0.5/user/", "application/xml", 415),
        (
            "POST",
            "/a/demo/api/v0.5/user/?format=xml",
            "application/json",
            403,
        ),
        ("GET", "/a/demo/api/v0.5/group/?callback=steal", "", 403),
        ("GET", "/a/demo/api/v0.5/location/?format=yaml", "", 403),
        ("GET", "/a/demo/api/v0.5/group/?limit=2&username=x", "", 403),
    ] {
        let answer = raw_request(addr, method, path, &[("Content-Type", content_type)], body).await;
        assert_eq!(answer.status, status, "{method} {path} {content_type}");
    }
    assert!(h.stand_in.requests().is_empty());
}

/// Whatever credential a browser sends is replaced by the server's own, and none of its
/// other headers go on: a method override would turn this POST into a list of every mobile
/// worker at HQ.
async fn the_servers_credential_replaces_any_other(h: &Harness, addr: SocketAddr) {
    let created = raw_request(
        addr,
        "POST",
        "/a/demo/api/v0.5/user/",
        &[
            ("Content-Type", "application/json; charset=utf-8"),
            ("Authorization", "ApiKey someone@else.org:stolen-key"),
            ("X-HTTP-Method-Override", "GET"),
            ("Cookie", "sessionid=admin-session"),
        ],
        r#"{"username": "via.proxy", "password": "pw"}"#,
    )
    .await;
    assert_eq!(created.status, 201);
    for list in ["group", "location"] {
        // A body and an override on a read would make it a write.
        let answer = raw_request(
            addr,
            "GET",
            &format!("/a/demo/api/v0.5/{list}/?format=json&limit=2&offset=0"),
            &[JSON, ("X-HTTP-Method-Override", "POST")],
            r#"{"name": "planted"}"#,
        )
        .await;
        assert_eq!(answer.status, 200, "{list}");
        assert!(answer.body.contains("\"total_count\""), "{}", answer.body);
    }
    let received = h.stand_in.requests();
    assert_eq!(received.len(), 3);
    for r in &received {
        assert_eq!(
            r.headers["authorization"],
            format!("ApiKey {PROXY_API_KEY}")
        );
        for name in ["x-http-method-override", "cookie"] {
            assert!(
                !r.headers.contains_key(name),
                "{name} reached CommCare: {r:?}"
            );
        }
    }
    assert_eq!(received[0].headers["content-type"], "application/json");
    assert!(received[1].body.is_empty() && received[2].body.is_empty());
}

/// A creation from a client at `source`: its status, and how long the answer took.
async fn post_from(source: [u8; 4], addr: SocketAddr, body: String) -> (u16, std::time::Duration) {
    let started = std::time::Instant::now();
    let answer = raw_request_from(
        source,
        addr,
        SERVER_NAME,
        "POST",
        "/a/demo/api/v0.5/user/",
        &[JSON],
        &body,
    )
    .await;
    (answer.map_or(0, |a| a.status), started.elapsed())
}

#[tokio::test]
async fn creations_are_paced_for_the_whole_site_not_per_client() {
    let site = Site {
        access: "allow 127.0.0.0/8;\ndeny all;\n".into(),
        ..Site::at("/forms/register/")
    };
    with_nginx(site, |h| async move {
        let addr = nginx_addr(&h);
        // Four at once, from two clients: one goes through, one waits its turn, two are
        // refused at once. Never two within 10 seconds, whoever sends them.
        let sends: Vec<_> = (0..4u8)
            .map(|n| {
                let source = [127, 0, 0, 1 + n % 2];
                let body = format!(r#"{{"username": "paced{n}", "password": "pw"}}"#);
                tokio::spawn(post_from(source, addr, body))
            })
            .collect();
        let mut answers = Vec::new();
        for send in sends {
            answers.push(send.await.unwrap());
        }
        answers.sort_by_key(|(_, took)| *took);
        let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            2,
            "{answers:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 429).count(),
            2,
            "{answers:?}"
        );
        let created: Vec<_> = answers.iter().filter(|(s, _)| *s == 201).collect();
        assert!(
            created[1].1 - created[0].1 >= std::time::Duration::from_secs(9),
            "two creations reached CommCare less than 10 seconds apart: {answers:?}"
        );
        assert_eq!(h.stand_in.users().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn commcare_receives_only_the_forms_exact_paths_however_the_client_writes_them() {
    with_nginx(Site::at("/forms/register/"), |h| async move {
        let addr = nginx_addr(&h);
        // Each resolves, in nginx's own reading, to one of the form's locations; none may
        // reach CommCare as written. Reads first: creations are paced 10 seconds apart.
        let tricks = [
            ("GET", "/a/demo/api/v0.5/user/set/abc;x/../../../group/"),
            ("GET", "/a/demo/api/v0.5/group/%2e%2e/group/?limit=1"),
            (
                "GET",
                "/a/demo/api/v0.5/location/%2F..%2Flocation/?format=json",
            ),
            ("GET", "/a/demo/api/v0.5/location/./?format=json&limit=2"),
            ("GET", "/forms/register/../../a/demo/api/v0.5/group/"),
            (
                "POST",
                "/a/other/api/v0.5/user/../../../../demo/api/v0.5/user/",
            ),
            ("POST", "/a/demo/api/v0.5/user/%2e%2e/user/"),
            ("POST", "/a/demo/api/v0.5/user/%2F..%2Fuser/"),
            ("POST", "/forms/register/../../a/demo/api/v0.5/user/"),
        ];
        for (n, (method, path)) in tricks.iter().enumerate() {
            let body = format!(r#"{{"username": "trick{n}", "password": "pw"}}"#);
            let answer = raw_request(addr, method, path, &[JSON], &body).await;
            assert!(
                [200, 201, 400, 403, 404].contains(&answer.status),
                "{method} {path}: {}",
                answer.status
            );
        }
        let exact = [
            "/a/demo/api/v0.5/user/",
            "/a/demo/api/v0.5/group/",
            "/a/demo/api/v0.5/location/",
        ];
        let received = h.stand_in.requests();
        assert!(!received.is_empty(), "nothing reached the stand-in at all");
        for r in &received {
            assert!(
                exact.contains(&r.path.as_str()),
                "CommCare received {} {}?{}",
                r.method,
                r.path,
                r.query
            );
        }
        // The query goes along unchanged.
        assert!(
            received.iter().any(|r| r.query == "format=json&limit=2"),
            "{received:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn requests_for_any_other_host_name_are_closed_unanswered() {
    with_nginx(Site::at("/forms/register/"), |h| async move {
        let addr = nginx_addr(&h);
        let port = addr.port();
        // A page that rebinds its own name to this server's address sends its own name.
        for host in [
            "rebound.attacker.example".to_string(),
            format!("rebound.attacker.example:{port}"),
            "127.0.0.1".to_string(),
            format!("127.0.0.1:{port}"),
            "localhost.attacker.example".to_string(),
        ] {
            for (method, path) in [
                ("GET", "/forms/register/"),
                ("POST", "/a/demo/api/v0.5/user/"),
                ("GET", "/a/demo/api/v0.5/group/"),
            ] {
                let body = r#"{"username": "rebound", "password": "pw"}"#;
                let answer = raw_request_to(addr, &host, method, path, &[JSON], body).await;
                assert!(
                    answer.is_none(),
                    "Host {host}: {method} {path} was answered {:?}",
                    answer.map(|a| a.status)
                );
            }
        }
        // A request line naming another host wins over the Host header, and is refused too.
        let absolute = raw_request_to(
            addr,
            "localhost",
            "GET",
            "http://rebound.attacker.example/forms/register/",
            &[],
            "",
        )
        .await;
        assert!(absolute.is_none(), "{:?}", absolute.map(|a| a.status));
        assert!(h.stand_in.requests().is_empty());
        // The site's own name, with or without the port, is served.
        for host in ["localhost".to_string(), format!("LocalHost:{port}")] {
            let answer = raw_request_to(addr, &host, "GET", "/forms/register/", &[], "")
                .await
                .unwrap();
            assert_eq!(answer.status, 200, "{host}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_access_rules_guard_the_form_and_the_key() {
    let site = Site {
        access: "auth_basic \"Mobile worker form\";\nauth_basic_user_file {dir}/htpasswd;\n".into(),
        htpasswd: Some("admin:{PLAIN}correct-horse\n".into()),
        ..Site::at("/forms/register/")
    };
    with_nginx(site, |h| async move {
        let addr = nginx_addr(&h);
        let body = r#"{"username": "guarded", "password": "pw"}"#;
        for (method, path) in [
            ("GET", "/forms/register/"),
            ("POST", "/a/demo/api/v0.5/user/"),
            ("GET", "/a/demo/api/v0.5/group/"),
        ] {
            let anonymous = raw_request(addr, method, path, &[JSON], body).await;
            assert_eq!(anonymous.status, 401, "{method} {path}");
        }
        let wrong = raw_request(
            addr,
            "POST",
            "/a/demo/api/v0.5/user/",
            &[JSON, ("Authorization", "Basic YWRtaW46d3Jvbmc=")],
            body,
        )
        .await;
        assert_eq!(wrong.status, 401);
        assert!(
            h.stand_in.requests().is_empty(),
            "nobody unknown reached CommCare"
        );

        // admin:correct-horse; nginx swaps the login for the API key on the way to CommCare.
        let login = ("Authorization", "Basic YWRtaW46Y29ycmVjdC1ob3JzZQ==");
        assert_eq!(
            raw_request(addr, "GET", "/forms/register/", &[login], "")
                .await
                .status,
            200
        );
        let created =
            raw_request(addr, "POST", "/a/demo/api/v0.5/user/", &[JSON, login], body).await;
        assert_eq!(created.status, 201);
        assert_eq!(
            h.stand_in.requests()[0].headers["authorization"],
            format!("ApiKey {PROXY_API_KEY}")
        );
    })
    .await;
}

#[tokio::test]
async fn a_network_rule_that_excludes_the_client_refuses_everything() {
    let site = Site {
        access: "allow 10.0.0.0/8;\ndeny all;\n".into(),
        ..Site::at("/forms/register/")
    };
    with_nginx(site, |h| async move {
        let addr = nginx_addr(&h);
        assert_eq!(
            raw_request(addr, "GET", "/forms/register/", &[], "")
                .await
                .status,
            403
        );
        let post = raw_request(
            addr,
            "POST",
            "/a/demo/api/v0.5/user/",
            &[JSON],
            r#"{"username": "x", "password": "y"}"#,
        )
        .await;
        assert_eq!(post.status, 403);
        assert!(h.stand_in.requests().is_empty());
    })
    .await;
}

/// The password scorer is a worker of its own: under the template's strict CSP it loads and
/// scores, and its files (not hashed) are re-checked each visit and sent compressed.
#[tokio::test]
async fn the_password_scorer_loads_and_runs_behind_nginx_under_the_csp() {
    let mut site = Site::at("/forms/register/");
    site.config_json =
        r#"{"base_url": "", "domain": "demo", "api_version": "v0.5", "auth": "proxy",
        "project": {"strong_passwords": true}}"#
            .into();
    with_nginx(site, |h| async move {
        h.open().await;
        h.type_into("#password", "correct horse battery staple")
            .await;
        h.wait_for_text(".strength-words", |t| t.contains("Strong enough"))
            .await;
        h.replace_text("#password", "password1").await;
        h.wait_for_text(".strength-words", |t| t.contains("Too easy to guess"))
            .await;
        let addr = nginx_addr(&h);
        for file in [
            "mobile-worker-scorer_loader.js",
            "mobile-worker-scorer_bg.wasm",
        ] {
            let path = format!("/forms/register/{file}");
            let answer = raw_request(addr, "GET", &path, &[("Accept-Encoding", "br")], "").await;
            assert_eq!(answer.status, 200, "{path}");
            assert!(
                answer.head.contains("Cache-Control: no-cache"),
                "{}",
                answer.head
            );
            assert!(
                answer.head.contains("Content-Encoding: br"),
                "{}",
                answer.head
            );
        }
    })
    .await;
}
