//! Creating a mobile worker as HQ does: its username completion and checks, in its order and
//! with its messages; taken, reserved and burned names; late group failures.

// Each step's `Err` is the answer HQ would send; boxing it would only add noise here.
#![allow(clippy::result_large_err)]

use crate::{error_400, error_500};
use crate::{next_id, refuse_access, MobileWorker, StandIn, CANNED_500, RESERVED_USERNAMES};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

pub(crate) async fn create_user(
    State(stand_in): State<StandIn>,
    Path(domain): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    create(&stand_in, &domain, &headers, &body).unwrap_or_else(|refusal| refusal)
}

/// HQ's steps, in its order: access, rate limit, the body, the username, the project's
/// two-stage creation and profiles, then the account, its groups and what is stored.
fn create(
    stand_in: &StandIn,
    domain: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Response> {
    if let Some(refusal) = refuse_access(stand_in, domain, headers) {
        return Err(refusal);
    }
    rate_limit(stand_in, domain)?;
    let fields = read_body(headers, body)?;
    // HQ reads bundle.data['username'] unguarded: a missing or null username is a 500.
    let Some(Value::String(typed)) = fields.get("username") else {
        return Err(error_500());
    };
    let username = complete_username(typed, domain);
    validate_username(&username, domain).map_err(error_400)?;
    let taken = {
        let inner = stand_in.lock();
        let local = username.split('@').next().unwrap_or_default();
        RESERVED_USERNAMES.contains(&local)
            || inner.burned.contains(&username)
            || inner.users.iter().any(|u| u.username == username)
    };
    if taken {
        return Err(error_400(format!(
            "Username '{username}' is already taken or reserved."
        )));
    }
    let project = &stand_in.settings.project;
    let confirmation = confirmation(project, &fields)?;
    check_profile(project, &fields)?;
    // HQ lower-cases the email without a None check.
    if fields.get("email").is_some_and(Value::is_null) {
        return Err(error_500());
    }
    let mut inner = stand_in.lock();
    let id = next_id(&mut inner.ids_issued);
    assign_groups(&mut inner, &fields, domain, &username)?;
    inner.users.push(MobileWorker {
        id: id.clone(),
        domain: domain.to_string(),
        username,
        fields: stored(fields, confirmation),
    });
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/a/{domain}/api/v0.5/user/{id}/"))],
        Json(json!({ "id": id })),
    )
        .into_response())
}

/// HQ's rate limits on creations per project space, where the stand-in has them.
fn rate_limit(stand_in: &StandIn, domain: &str) -> Result<(), Response> {
    let Some(limits) = stand_in.settings.rate_limits else {
        return Ok(());
    };
    let mut inner = stand_in.lock();
    let now = std::time::Instant::now();
    let day = limits.minute * 60 * 24;
    inner
        .recent_creations
        .retain(|(_, at)| now.duration_since(*at) < day);
    let earlier: Vec<_> = (inner.recent_creations.iter())
        .filter(|(d, _)| d == domain)
        .map(|(_, at)| *at)
        .collect();
    if !limits.allows(&earlier, now) {
        // HQ's rate limiter answers with no body and no Retry-After.
        return Err(StatusCode::TOO_MANY_REQUESTS.into_response());
    }
    inner.recent_creations.push((domain.to_string(), now));
    Ok(())
}

/// The request's JSON object.
fn read_body(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Response> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({ "error_message": CANNED_500 })),
        )
            .into_response());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(error_400("Request is not valid JSON.")),
    }
}

/// v0_5.py's two-stage creation, where the project has the privilege: `Some((require,
/// send))` when it applies; otherwise the two flags are ignored and a password is required.
fn confirmation(
    project: &Value,
    fields: &Map<String, Value>,
) -> Result<Option<(bool, bool)>, Response> {
    let flag = |key| fields.get(key).is_some_and(truthy);
    let (require, send) = (
        flag("require_account_confirmation"),
        flag("send_confirmation_email_now"),
    );
    let two_stage = project["account_confirmation"] == Value::Bool(true) && (require || send);
    if !two_stage {
        if !flag("password") {
            return Err(error_400("Password or connect username required"));
        }
        return Ok(None);
    }
    if require && !flag("email") {
        return Err(error_400(
            "You must provide the user's email to send a confirmation email.",
        ));
    }
    if require && flag("password") {
        return Err(error_400(
            "Users will provide their own password on confirmation.",
        ));
    }
    if send && !require {
        return Err(error_400(
            "You must require account confirmation to send a confirmation email.",
        ));
    }
    Ok(Some((require, send)))
}

/// validate_profile_id: a profile must be one of the project's.
fn check_profile(project: &Value, fields: &Map<String, Value>) -> Result<(), Response> {
    let Some(profile) = fields
        .get("user_data")
        .and_then(|d| d.get("commcare_profile"))
    else {
        return Ok(());
    };
    let known = project["profiles"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["id"] == *profile));
    if known {
        Ok(())
    } else {
        Err(error_400("User data profile not found"))
    }
}

/// Groups are set after the account exists; a failure retires it and burns the username.
fn assign_groups(
    inner: &mut crate::Inner,
    fields: &Map<String, Value>,
    domain: &str,
    username: &str,
) -> Result<(), Response> {
    let Some(Value::Array(groups)) = fields.get("groups") else {
        return Ok(());
    };
    let mut foreign = Vec::new();
    for group in groups {
        let group = group.as_str().unwrap_or_default();
        match inner.groups.iter().find(|g| g.id == group) {
            Some(g) if g.domain == domain => {}
            Some(_) => foreign.push(group.to_string()),
            None => {
                inner.burned.insert(username.to_string());
                return Err(error_500());
            }
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    inner.burned.insert(username.to_string());
    Err(error_400(format!(
        "['Unable to save groups. The following group_ids are not in the current domain: {}']",
        foreign.join(", ")
    )))
}

/// What HQ keeps of the request (never the password), and, for a two-stage creation, the
/// account unconfirmed until the worker follows the emailed link.
fn stored(fields: Map<String, Value>, confirmation: Option<(bool, bool)>) -> Value {
    let mut stored = Map::new();
    for (key, value) in fields {
        if ![
            "password",
            "require_account_confirmation",
            "send_confirmation_email_now",
        ]
        .contains(&key.as_str())
        {
            stored.insert(key, value);
        }
    }
    if let Some((require, send)) = confirmation {
        stored.insert("is_account_confirmed".into(), Value::Bool(!require));
        stored.insert(
            "confirmation_email_sent".into(),
            Value::Bool(require && send),
        );
    }
    Value::Object(stored)
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

/// HQ's Mobile Workers list of a project space, as a plain page naming each worker created.
pub(crate) async fn mobile_workers_page(
    State(hq): State<StandIn>,
    Path(domain): Path<String>,
) -> Response {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let items: String = hq
        .users()
        .iter()
        .filter(|u| u.domain == domain)
        .map(|u| format!("<li>{}</li>", escape(&u.username)))
        .collect();
    let page = format!(
        "<!doctype html><html lang=\"en\"><title>Mobile Workers</title>\
         <main><h1>Mobile Workers of {}</h1><ul id=\"mobile-workers\">{items}</ul></main></html>",
        escape(&domain)
    );
    axum::response::Html(page).into_response()
}
