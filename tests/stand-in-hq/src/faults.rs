//! What happens to every request before it is handled: it is recorded, a queued fault may
//! answer instead (a status, a delay, a dropped connection), and successful answers get HQ's
//! CORS headers (its error answers do not).

use crate::{Fault, ReceivedRequest, StandIn, ALLOW_HEADERS};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::time::Duration;

/// HQ answers OPTIONS preflights itself, with the CORS headers, for any API path.
pub(crate) async fn preflight(request: Request, next: axum::middleware::Next) -> Response {
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
pub(crate) async fn record_and_fault(
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
        Some(status) if fault.after_handling => {
            let _ = next
                .run(Request::from_parts(parts.clone(), Body::from(bytes)))
                .await;
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, fault.body.unwrap_or_default()).into_response()
        }
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

pub(crate) async fn add_fault(
    State(stand_in): State<StandIn>,
    Json(fault): Json<Fault>,
) -> StatusCode {
    stand_in.inject(fault);
    StatusCode::NO_CONTENT
}

pub(crate) async fn list_requests(State(stand_in): State<StandIn>) -> Json<Vec<ReceivedRequest>> {
    Json(stand_in.requests())
}
