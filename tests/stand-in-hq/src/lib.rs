//! A stand-in for CommCare HQ's user-create and group-list APIs, faithful to what HQ really
//! does (see the project's notes on HQ's API): its username rules and messages, status codes and
//! bodies, ApiKey checking, CORS headers only on successful answers, tastypie pagination, and
//! burned usernames. Tests drive it in-process through [`StandIn`]; people run the binary.
//!
//! Fault injection: [`StandIn::inject`] (or `POST /_stand-in/faults`) makes the next API answer
//! a chosen status and body, arrive late, or never arrive (the connection is dropped).

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// HQ's canned body for every unhandled server error.
pub const CANNED_500: &str = "Sorry, this request could not be processed. Please try again later.";
const RESERVED_USERNAMES: [&str; 2] = ["admin", "demo_user"];
const ALLOW_HEADERS: &str = "Content-Type, Authorization, X-Requested-With";

/// How the stand-in is set up.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Project spaces that exist.
    pub domains: Vec<String>,
    /// Accepted `email:key` pairs for `Authorization: ApiKey email:key`.
    pub api_keys: Vec<String>,
    /// Groups made for each project space.
    pub groups_per_domain: usize,
    /// Print a line for each request (credentials never printed).
    pub log_to_stdout: bool,
    /// HQ-style rate limit: at most this many creations per project in any minute, then 429.
    pub creations_per_minute: Option<usize>,
    /// Locations per project: the 24 regions and districts, then villages up to this many
    /// (big projects have tens of thousands).
    pub locations_per_domain: usize,
}

pub const DEV_API_KEY: &str = "dev@example.org:dev-api-key";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            domains: vec!["demo".into()],
            api_keys: vec![DEV_API_KEY.into()],
            groups_per_domain: 250,
            log_to_stdout: false,
            creations_per_minute: None,
            locations_per_domain: 24,
        }
    }
}

/// The next answer to give instead of the real one.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Fault {
    /// Answer this status with `body` (and `content_type`) instead of handling the request.
    pub status: Option<u16>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    /// Wait this long first (the real handling still happens unless `status` or `drop`).
    pub delay_ms: u64,
    /// Close the connection without answering.
    pub drop: bool,
    /// Apply to this many requests in a row (0 and 1 both mean once). Browsers resend a
    /// request whose reused connection closed without a reply, so a dropped connection needs
    /// several to reach the page.
    pub times: u32,
    /// Only for requests whose path and query (`/a/…/location/?limit=1000&offset=12000`)
    /// contain this (`"/group/"`, `"offset=12000"`, say); others pass it by.
    pub path_contains: Option<String>,
}

/// A request the stand-in received, as the test sees it.
#[derive(Clone, Debug, Serialize)]
pub struct ReceivedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl ReceivedRequest {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MobileWorker {
    pub id: String,
    pub domain: String,
    pub username: String,
    pub fields: Value,
}

#[derive(Clone, Debug, Serialize)]
pub struct Location {
    pub location_id: String,
    pub domain: String,
    pub name: String,
    pub site_code: String,
    /// Index of the parent among all the stand-in's locations.
    pub parent: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub id: String,
    pub domain: String,
    pub name: String,
}

#[derive(Default)]
struct Inner {
    requests: Vec<ReceivedRequest>,
    faults: VecDeque<Fault>,
    users: Vec<MobileWorker>,
    /// Usernames of retired accounts: HQ never lets them be used again.
    burned: BTreeSet<String>,
    groups: Vec<Group>,
    locations: Vec<Location>,
    /// When each project's recent create requests arrived, for the rate limit.
    recent_creations: Vec<(String, std::time::Instant)>,
    ids_issued: u64,
}

/// A running (or ready to run) stand-in. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct StandIn {
    settings: Arc<Settings>,
    inner: Arc<Mutex<Inner>>,
}

impl StandIn {
    pub fn new(settings: Settings) -> Self {
        let mut inner = Inner::default();
        for domain in &settings.domains {
            seed_locations(&mut inner, domain, settings.locations_per_domain);
            for n in 1..=settings.groups_per_domain {
                let id = next_id(&mut inner.ids_issued);
                inner.groups.push(Group {
                    id,
                    domain: domain.clone(),
                    name: group_name(n),
                });
            }
        }
        StandIn {
            settings: Arc::new(settings),
            inner: Arc::new(Mutex::new(inner)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a fault for the next API request.
    pub fn inject(&self, fault: Fault) {
        self.lock().faults.push_back(fault);
    }

    /// Queues a fault for the next create request only, passing by the list reads a page
    /// makes at the same time.
    pub fn inject_on_create(&self, fault: Fault) {
        self.inject(Fault {
            path_contains: Some("/user/".into()),
            ..fault
        });
    }

    /// Every API request received so far, oldest first (the stand-in's own control paths and
    /// CORS preflights excluded).
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.lock().requests.clone()
    }

    pub fn users(&self) -> Vec<MobileWorker> {
        self.lock().users.clone()
    }

    pub fn groups(&self, domain: &str) -> Vec<Group> {
        self.lock()
            .groups
            .iter()
            .filter(|g| g.domain == domain)
            .cloned()
            .collect()
    }

    pub fn locations(&self, domain: &str) -> Vec<Location> {
        self.lock()
            .locations
            .iter()
            .filter(|l| l.domain == domain)
            .cloned()
            .collect()
    }

    /// Makes a username taken, as if it had been created earlier.
    pub fn add_existing_user(&self, domain: &str, local_part: &str) {
        let mut inner = self.lock();
        let id = next_id(&mut inner.ids_issued);
        inner.users.push(MobileWorker {
            id,
            domain: domain.into(),
            username: format!("{local_part}@{domain}.commcarehq.org"),
            fields: json!({}),
        });
    }

    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/a/{domain}/api/v0.5/user/", post(create_user))
            .route("/a/{domain}/api/user/v1/", post(create_user))
            .route("/a/{domain}/api/v0.5/group/", get(list_groups))
            .route("/a/{domain}/api/group/v1/", get(list_groups))
            .route("/a/{domain}/api/v0.5/location/", get(list_locations))
            .route("/a/{domain}/api/location/v1/", get(list_locations))
            // Before the layer, so requests for any other path are recorded too: tests check
            // that nothing but the form's own paths ever arrives.
            .fallback(|| async { not_found() })
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                record_and_fault,
            ))
            .layer(axum::middleware::from_fn(preflight));
        Router::new()
            .route("/_stand-in/faults", post(add_fault))
            .route("/_stand-in/requests", get(list_requests))
            .merge(api)
            .with_state(self.clone())
    }

    /// Serves on `addr` (port 0 picks a free one) in the background; returns the bound address.
    pub async fn spawn(&self, addr: SocketAddr) -> std::io::Result<SocketAddr> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        let app = self.router();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(bound)
    }
}

fn next_id(issued: &mut u64) -> String {
    *issued += 1;
    // Deterministic, 32 lower-case hex characters like CouchDB ids, and distinct per call.
    let mixed = (*issued as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
    format!("{mixed:032x}")
}

/// Regions, each with districts, each district a site code people search by; then villages
/// in the districts, up to `total` locations.
fn seed_locations(inner: &mut Inner, domain: &str, total: usize) {
    let first = inner.locations.len();
    const REGIONS: [(&str, [&str; 5]); 4] = [
        ("Northern", ["Gulu", "Lira", "Kitgum", "Arua", "Adjumani"]),
        ("Eastern", ["Mbale", "Soroti", "Tororo", "Jinja", "Busia"]),
        (
            "Central",
            ["Kampala", "Wakiso", "Mukono", "Masaka", "Mpigi"],
        ),
        (
            "Western",
            ["Mbarara", "Hoima", "Kabale", "Kasese", "Fort Portal"],
        ),
    ];
    for (region, districts) in REGIONS {
        let region_index = inner.locations.len();
        let location_id = next_id(&mut inner.ids_issued);
        inner.locations.push(Location {
            location_id,
            domain: domain.into(),
            name: format!("{region} Region"),
            site_code: region.to_lowercase(),
            parent: None,
        });
        for district in districts {
            let location_id = next_id(&mut inner.ids_issued);
            inner.locations.push(Location {
                location_id,
                domain: domain.into(),
                name: district.into(),
                site_code: format!("{}_district", district.to_lowercase().replace(' ', "_")),
                parent: Some(region_index),
            });
        }
    }
    let districts: Vec<usize> = (first..inner.locations.len())
        .filter(|&i| inner.locations[i].parent.is_some())
        .collect();
    for n in 1..=total.saturating_sub(inner.locations.len() - first) {
        let location_id = next_id(&mut inner.ids_issued);
        inner.locations.push(Location {
            location_id,
            domain: domain.into(),
            name: format!("Village {n}"),
            site_code: format!("village_{n:05}"),
            parent: Some(districts[n % districts.len()]),
        });
    }
}

fn group_name(n: usize) -> String {
    const AREAS: [&str; 10] = [
        "Kampala", "Gulu", "Mbale", "Lira", "Jinja", "Arua", "Masaka", "Mbarara", "Soroti", "Hoima",
    ];
    const TEAMS: [&str; 5] = [
        "CHW team",
        "Supervisors",
        "Nurses",
        "Outreach",
        "Data clerks",
    ];
    format!("{} {} {}", AREAS[n % 10], TEAMS[(n / 10) % 5], n)
}

/// HQ answers OPTIONS preflights itself, with the CORS headers, for any API path.
async fn preflight(request: Request, next: axum::middleware::Next) -> Response {
    if request.method() != Method::OPTIONS {
        return next.run(request).await;
    }
    let mut response = (StatusCode::OK, "GET, POST").into_response();
    let h = response.headers_mut();
    h.insert("Access-Control-Allow-Origin", HeaderValue::from_static("*"));
    h.insert(
        "Access-Control-Allow-Headers",
        HeaderValue::from_static(ALLOW_HEADERS),
    );
    h.insert(
        "Access-Control-Allow-Methods",
        HeaderValue::from_static("GET, POST"),
    );
    h.insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

/// Logs the request, applies any queued fault, and adds CORS headers to successful answers
/// only: HQ's error answers bypass the code that adds them.
async fn record_and_fault(
    State(stand_in): State<StandIn>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let received = ReceivedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let fault = {
        let mut inner = stand_in.lock();
        let path = format!("{}?{}", received.path, received.query);
        inner.requests.push(received);
        let position = inner.faults.iter().position(|f| {
            f.path_contains
                .as_deref()
                .is_none_or(|part| path.contains(part))
        });
        match position {
            Some(i) if inner.faults[i].times > 1 => {
                inner.faults[i].times -= 1;
                Some(inner.faults[i].clone())
            }
            Some(i) => inner.faults.remove(i),
            None => None,
        }
    };
    let fault = fault.unwrap_or_default();
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    if fault.drop {
        // Ends this connection's task without a reply; resume_unwind skips the panic message.
        std::panic::resume_unwind(Box::new("connection dropped by fault injection"));
    }
    let mut response = match fault.status {
        Some(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut r = (status, fault.body.unwrap_or_default()).into_response();
            let ct = fault
                .content_type
                .unwrap_or_else(|| "application/json".into());
            if let Ok(ct) = HeaderValue::from_str(&ct) {
                r.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            r
        }
        None => {
            next.run(Request::from_parts(parts.clone(), Body::from(bytes)))
                .await
        }
    };
    if stand_in.settings.log_to_stdout {
        println!(
            "{} {} -> {}",
            parts.method,
            parts.uri.path(),
            response.status().as_u16()
        );
    }
    if response.status().is_success() {
        let h = response.headers_mut();
        h.insert("Access-Control-Allow-Origin", HeaderValue::from_static("*"));
        h.insert(
            "Access-Control-Allow-Headers",
            HeaderValue::from_static(ALLOW_HEADERS),
        );
    }
    response
}

fn error_400(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": message.into() })),
    )
        .into_response()
}

fn error_500() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({ "error_message": CANNED_500 })),
    )
        .into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html")],
        "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>",
    )
        .into_response()
}

/// `None` when the project space exists and the credentials are good; else HQ's answer.
fn refuse_access(stand_in: &StandIn, domain: &str, headers: &HeaderMap) -> Option<Response> {
    if !stand_in.settings.domains.iter().any(|d| d == domain) {
        return Some(not_found());
    }
    let authorised = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("ApiKey "))
        .is_some_and(|pair| stand_in.settings.api_keys.iter().any(|k| k == pair.trim()));
    (!authorised).then(|| StatusCode::UNAUTHORIZED.into_response())
}

async fn create_user(
    State(stand_in): State<StandIn>,
    Path(domain): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Some(refusal) = refuse_access(&stand_in, &domain, &headers) {
        return refusal;
    }
    if let Some(limit) = stand_in.settings.creations_per_minute {
        let mut inner = stand_in.lock();
        let now = std::time::Instant::now();
        inner
            .recent_creations
            .retain(|(_, at)| now.duration_since(*at) < Duration::from_secs(60));
        if inner
            .recent_creations
            .iter()
            .filter(|(d, _)| *d == domain)
            .count()
            >= limit
        {
            // HQ's rate limiter answers with no body and no Retry-After.
            return StatusCode::TOO_MANY_REQUESTS.into_response();
        }
        inner.recent_creations.push((domain.clone(), now));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({ "error_message": CANNED_500 })),
        )
            .into_response();
    }
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&body) else {
        return error_400("Request is not valid JSON.");
    };
    // HQ reads bundle.data['username'] unguarded: a missing or null username is a 500.
    let Some(Value::String(typed)) = fields.get("username") else {
        return error_500();
    };
    let username = complete_username(typed, &domain);
    if let Err(message) = validate_username(&username, &domain) {
        return error_400(message);
    }
    let taken = {
        let inner = stand_in.lock();
        let local = username.split('@').next().unwrap_or_default();
        RESERVED_USERNAMES.contains(&local)
            || inner.burned.contains(&username)
            || inner.users.iter().any(|u| u.username == username)
    };
    if taken {
        return error_400(format!(
            "Username '{username}' is already taken or reserved."
        ));
    }
    if !fields.get("password").is_some_and(truthy) {
        return error_400("Password or connect username required");
    }
    // HQ lower-cases the email without a None check.
    if fields.get("email").is_some_and(Value::is_null) {
        return error_500();
    }

    let mut inner = stand_in.lock();
    let id = next_id(&mut inner.ids_issued);
    // Groups are set after the account exists; a failure retires it and burns the username.
    if let Some(Value::Array(groups)) = fields.get("groups") {
        let mut foreign = Vec::new();
        for group in groups {
            let group = group.as_str().unwrap_or_default();
            match inner.groups.iter().find(|g| g.id == group) {
                Some(g) if g.domain == domain => {}
                Some(_) => foreign.push(group.to_string()),
                None => {
                    inner.burned.insert(username);
                    return error_500();
                }
            }
        }
        if !foreign.is_empty() {
            inner.burned.insert(username);
            return error_400(format!(
                "['Unable to save groups. The following group_ids are not in the current domain: {}']",
                foreign.join(", ")
            ));
        }
    }
    let mut stored = Map::new();
    for (key, value) in fields {
        if key != "password" {
            stored.insert(key, value);
        }
    }
    inner.users.push(MobileWorker {
        id: id.clone(),
        domain: domain.clone(),
        username,
        fields: Value::Object(stored),
    });
    (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/a/{domain}/api/v0.5/user/{id}/"))],
        Json(json!({ "id": id })),
    )
        .into_response()
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// HQ's `get_complete_username`: a name without `@` has whitespace runs turned into `.`,
/// is lower-cased and gets `@{domain}.commcarehq.org`.
pub fn complete_username(typed: &str, domain: &str) -> String {
    if typed.contains('@') {
        return typed.to_string();
    }
    let mut local = String::new();
    let mut in_space = false;
    for c in typed.chars() {
        if c.is_whitespace() {
            if !in_space {
                local.push('.');
            }
            in_space = true;
        } else {
            local.push(c);
            in_space = false;
        }
    }
    format!(
        "{}@{}.commcarehq.org",
        local.to_lowercase(),
        domain.to_lowercase()
    )
}

/// HQ's `_validate_complete_username`, in its order and with its messages.
pub fn validate_username(username: &str, domain: &str) -> Result<(), String> {
    let invalid_email = || format!("Username '{username}' must be a valid email address.");
    let (local, email_domain) = username.rsplit_once('@').ok_or_else(invalid_email)?;
    if username.len() > 320 || !is_dot_atom(local) || !is_hostname(email_domain) {
        return Err(invalid_email());
    }
    // HQ's class is [^A-Za-z0-9.+-_], where +-_ is the range 0x2B..=0x5F.
    let special = local
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '.' || ('+'..='_').contains(&c)));
    if special {
        return Err(format!(
            "The username component '{local}' of '{username}' may not contain special characters."
        ));
    }
    let expected = format!("{domain}.commcarehq.org");
    if email_domain != expected {
        return Err(format!(
            "The username email domain '@{email_domain}' should be '@{expected}'."
        ));
    }
    Ok(())
}

/// Django's EmailValidator user part (unquoted form).
fn is_dot_atom(local: &str) -> bool {
    !local.is_empty()
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{}|~-".contains(c))
        })
}

fn is_hostname(host: &str) -> bool {
    host.split('.').count() >= 2
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[derive(Deserialize)]
struct Page {
    limit: Option<usize>,
    offset: Option<usize>,
}

/// Tastypie's list: default limit 20, at most 1000 (0 means the maximum). `objects` makes
/// the JSON of one page's range only, so pages of a 50,000-item list stay cheap.
fn paginate(
    total: usize,
    page: &Page,
    objects: impl FnOnce(std::ops::Range<usize>) -> Vec<Value>,
) -> Response {
    let limit = match page.limit.unwrap_or(20) {
        0 => 1000,
        n => n.min(1000),
    };
    let offset = page.offset.unwrap_or(0);
    let objects = objects(offset.min(total)..offset.saturating_add(limit).min(total));
    // HQ's v0.5 lists build `next` without a path (tastypie cannot reverse their URI).
    let next =
        (offset + limit < total).then(|| format!("?limit={limit}&offset={}", offset + limit));
    let previous =
        (offset > 0).then(|| format!("?limit={limit}&offset={}", offset.saturating_sub(limit)));
    Json(json!({
        "meta": {
            "limit": limit,
            "offset": offset,
            "next": next,
            "previous": previous,
            "total_count": total,
        },
        "objects": objects,
    }))
    .into_response()
}

/// A list endpoint: HQ's access checks, then one page of `objects`.
fn list_answer<T>(
    stand_in: &StandIn,
    domain: &str,
    headers: &HeaderMap,
    page: &Page,
    items: Vec<T>,
    object: impl Fn(&T) -> Value,
) -> Response {
    match refuse_access(stand_in, domain, headers) {
        Some(refusal) => refusal,
        None => paginate(items.len(), page, |range| {
            items[range].iter().map(&object).collect()
        }),
    }
}

async fn list_groups(
    State(stand_in): State<StandIn>,
    Path(domain): Path<String>,
    Query(page): Query<Page>,
    headers: HeaderMap,
) -> Response {
    let groups = stand_in.groups(&domain);
    list_answer(&stand_in, &domain, &headers, &page, groups, |g| {
        json!({
            "id": g.id,
            "domain": g.domain,
            "name": g.name,
            "users": [],
            "case_sharing": false,
            "reporting": true,
            "metadata": {},
            "resource_uri": "",
        })
    })
}

async fn list_locations(
    State(stand_in): State<StandIn>,
    Path(domain): Path<String>,
    Query(page): Query<Page>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = refuse_access(&stand_in, &domain, &headers) {
        return refusal;
    }
    let inner = stand_in.lock();
    let all = &inner.locations;
    let uri = |l: &Location| format!("/a/{domain}/api/v0.5/location/{}/", l.location_id);
    // References, not copies: a page of a 50,000-location project builds 1,000 objects only.
    let mine: Vec<&Location> = all.iter().filter(|l| l.domain == domain).collect();
    paginate(mine.len(), &page, |range| {
        mine[range]
            .iter()
            .map(|l| {
                json!({
                    "id": l.location_id,
                    "location_id": l.location_id,
                    "domain": l.domain,
                    "name": l.name,
                    "site_code": l.site_code,
                    "external_id": null,
                    "latitude": null,
                    "longitude": null,
                    "location_data": {},
                    "location_type": format!("/a/{domain}/api/v0.5/location_type/{}/", if l.parent.is_some() { 2 } else { 1 }),
                    "parent": l.parent.map(|p| uri(&all[p])),
                    "resource_uri": uri(l),
                })
            })
            .collect()
    })
}

async fn add_fault(State(stand_in): State<StandIn>, Json(fault): Json<Fault>) -> StatusCode {
    stand_in.inject(fault);
    StatusCode::NO_CONTENT
}

async fn list_requests(State(stand_in): State<StandIn>) -> Json<Vec<ReceivedRequest>> {
    Json(stand_in.requests())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_completed_as_hq_does() {
        assert_eq!(
            complete_username("John  Doe", "demo"),
            "john.doe@demo.commcarehq.org"
        );
        assert_eq!(complete_username("x@Other.org", "demo"), "x@Other.org");
    }

    #[test]
    fn username_validation_follows_hqs_order_and_messages() {
        assert_eq!(
            validate_username("jdoe@demo.commcarehq.org", "demo"),
            Ok(())
        );
        assert_eq!(
            validate_username("@demo.commcarehq.org", "demo").unwrap_err(),
            "Username '@demo.commcarehq.org' must be a valid email address."
        );
        assert!(validate_username(".jdoe@demo.commcarehq.org", "demo")
            .unwrap_err()
            .ends_with("must be a valid email address."));
        assert_eq!(
            validate_username("bad!name@demo.commcarehq.org", "demo").unwrap_err(),
            "The username component 'bad!name' of 'bad!name@demo.commcarehq.org' may not contain special characters."
        );
        // The range quirk: '=' and '?' sit between '+' and '_', so HQ lets them through.
        assert_eq!(validate_username("a=b@demo.commcarehq.org", "demo"), Ok(()));
        assert_eq!(
            validate_username("a@other.commcarehq.org", "demo").unwrap_err(),
            "The username email domain '@other.commcarehq.org' should be '@demo.commcarehq.org'."
        );
    }

    #[test]
    fn ids_look_like_couch_ids_and_differ() {
        let mut n = 0;
        let (a, b) = (next_id(&mut n), next_id(&mut n));
        assert_eq!(a.len(), 32);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
