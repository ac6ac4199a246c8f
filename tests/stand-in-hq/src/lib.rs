//! A stand-in for CommCare HQ's user-create and group-list APIs, faithful to what HQ really
//! does (see the project's notes on HQ's API): its username rules and messages, status codes and
//! bodies, ApiKey checking, CORS headers only on successful answers, tastypie pagination, and
//! burned usernames. Tests drive it in-process through [`StandIn`]; people run the binary.
//!
//! Fault injection: [`StandIn::inject`] (or `POST /_stand-in/faults`) makes the next API answer
//! a chosen status and body, arrive late, or never arrive (the connection is dropped).

mod faults;
mod lists;
mod users;

pub use users::{complete_username, validate_username};

use faults::{add_fault, list_requests, preflight, record_and_fault};
use lists::{group_name, list_groups, list_locations, seed_locations};
use users::{create_user, mobile_workers_page};

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// HQ's canned body for every unhandled server error.
pub const CANNED_500: &str = "Sorry, this request could not be processed. Please try again later.";
pub(crate) const RESERVED_USERNAMES: [&str; 2] = ["admin", "demo_user"];
pub(crate) const ALLOW_HEADERS: &str = "Content-Type, Authorization, X-Requested-With";

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
    /// HQ's rate limits on creations per project (none when `None`), then 429.
    pub rate_limits: Option<RateLimits>,
    /// Locations per project: the 24 regions and districts, then villages up to this many
    /// (big projects have tens of thousands).
    pub locations_per_domain: usize,
    /// The project's own settings, as the form's `"project"` object states them (HQ holds
    /// them; no API lists them). Read from it: the profiles' ids, and `account_confirmation`
    /// standing for HQ's two-stage account creation privilege. HQ checks no other policy on
    /// create, and neither does the stand-in.
    pub project: Value,
}

pub const DEV_API_KEY: &str = "dev@example.org:dev-api-key";

/// HQ's rate limits on creating users (`project_limits/rate_limiter.py`): at most this many
/// creations per project in any second, minute, hour and day. A new project's are
/// [`RateLimits::NEW_PROJECT`]. `minute` is how long a minute lasts (an hour is 60 of them, a
/// day 24 hours, a second a sixtieth), so tests can see an hour's limit in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    pub per_second: usize,
    pub per_minute: usize,
    pub per_hour: usize,
    pub per_day: usize,
    pub minute: std::time::Duration,
}

impl RateLimits {
    pub const NEW_PROJECT: RateLimits = RateLimits {
        per_second: 1,
        per_minute: 10,
        per_hour: 30,
        per_day: 50,
        minute: std::time::Duration::from_secs(60),
    };

    /// Whether one more creation may happen `now`, given the earlier ones (oldest first).
    pub fn allows(&self, earlier: &[std::time::Instant], now: std::time::Instant) -> bool {
        let windows = [
            (self.minute / 60, self.per_second),
            (self.minute, self.per_minute),
            (self.minute * 60, self.per_hour),
            (self.minute * 60 * 24, self.per_day),
        ];
        windows.iter().all(|(window, limit)| {
            earlier
                .iter()
                .filter(|at| now.duration_since(**at) < *window)
                .count()
                < *limit
        })
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            domains: vec!["demo".into()],
            api_keys: vec![DEV_API_KEY.into()],
            groups_per_domain: 250,
            log_to_stdout: false,
            rate_limits: None,
            locations_per_domain: 24,
            project: Value::Null,
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
    /// Handle the request for real first, then answer `status` instead (HQ failing once the
    /// account exists: the worker was created, the answer says otherwise).
    pub after_handling: bool,
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
pub(crate) struct Inner {
    requests: Vec<ReceivedRequest>,
    faults: VecDeque<Fault>,
    users: Vec<MobileWorker>,
    /// Usernames of retired accounts: HQ never lets them be used again.
    burned: BTreeSet<String>,
    groups: Vec<Group>,
    locations: Vec<Location>,
    /// When each project's create requests arrived within the last day, for the rate limits.
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
            // HQ's own page, which the form links to where a worker may have been created.
            .route(
                "/a/{domain}/settings/users/commcare/",
                get(mobile_workers_page),
            )
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

pub(crate) fn next_id(issued: &mut u64) -> String {
    *issued += 1;
    // Deterministic, 32 lower-case hex characters like CouchDB ids, and distinct per call.
    let mixed = (*issued as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
    format!("{mixed:032x}")
}

pub(crate) fn error_400(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": message.into() })),
    )
        .into_response()
}

pub(crate) fn error_500() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({ "error_message": CANNED_500 })),
    )
        .into_response()
}

pub(crate) fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html")],
        "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>",
    )
        .into_response()
}

/// `None` when the project space exists and the credentials are good; else HQ's answer.
pub(crate) fn refuse_access(
    stand_in: &StandIn,
    domain: &str,
    headers: &HeaderMap,
) -> Option<Response> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_count_each_window() {
        use std::time::{Duration, Instant};
        let limits = RateLimits {
            per_second: 1,
            per_minute: 3,
            per_hour: 4,
            per_day: 5,
            minute: Duration::from_millis(600),
        };
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        assert!(limits.allows(&[], at(0)));
        // A "second" is 10 ms here: two within it are one too many.
        assert!(!limits.allows(&[at(0)], at(5)));
        assert!(limits.allows(&[at(0)], at(10)));
        // Three in a "minute" (600 ms), then no more until the first is a minute old.
        let three = [at(0), at(100), at(200)];
        assert!(!limits.allows(&three, at(599)));
        assert!(limits.allows(&three, at(600)));
        // Four in an "hour" (36 s).
        let four = [at(0), at(700), at(1400), at(2100)];
        assert!(!limits.allows(&four, at(35_999)));
        assert!(limits.allows(&four, at(36_000)));
        // Five in a "day".
        let five = [at(0), at(36_000), at(72_000), at(108_000), at(144_000)];
        assert!(!limits.allows(&five, at(200_000)));
        assert!(limits.allows(&five, at(864_000)));
    }

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
