//! One exchange with HQ: any method, a JSON body, the credential, a time limit; never throws.

use super::credentials::{CredentialError, Credentials};
use crate::json::Json;

/// Why no answer could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoAnswer {
    /// Nothing within the configured time.
    Timeout,
    /// The connection failed, or the browser hid a cross-origin answer.
    Network,
    /// The request could not be built with this credential; nothing was sent.
    BadCredential(CredentialError),
}

/// The HTTP method of an exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// One exchange with HQ: `method` to `url` with `body` as JSON (if any) and the credential
/// (if any), given up after `timeout_seconds`. Returns the status and body text.
///
/// Every failure, including a credential the browser would refuse to put in a header, comes
/// back as an `Err`: nothing here can throw, so a caller's "in flight" state always ends.
pub async fn exchange(
    method: Method,
    url: &str,
    body: Option<&Json>,
    credentials: Option<&Credentials>,
    timeout_seconds: u32,
) -> Result<(u16, String), NoAnswer> {
    use gloo_net::http::{Headers, RequestBuilder};
    use std::{cell::Cell, rc::Rc, time::Duration};

    let headers = web_sys::Headers::new().map_err(|_| NoAnswer::Network)?;
    if let Some(credentials) = credentials {
        credentials.check().map_err(NoAnswer::BadCredential)?;
        headers
            .set("Authorization", &credentials.authorization())
            .map_err(|_| NoAnswer::Network)?;
    }
    let body = match body {
        Some(body) => {
            headers
                .set("Content-Type", "application/json")
                .map_err(|_| NoAnswer::Network)?;
            Some(body.write())
        }
        None => None,
    };

    let controller = web_sys::AbortController::new().ok();
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        leptos::prelude::set_timeout_with_handle(
            move || {
                timed_out.set(true);
                if let Some(c) = controller {
                    c.abort();
                }
            },
            Duration::from_secs(timeout_seconds.into()),
        )
        .ok()
    };
    let request = RequestBuilder::new(url)
        .method(match method {
            Method::Get => gloo_net::http::Method::GET,
            Method::Post => gloo_net::http::Method::POST,
        })
        .headers(Headers::from_raw(headers))
        // A redirect would carry the body (a new worker's password) and perhaps the key to
        // wherever it points: no answer of HQ's API redirects, so one is a failure.
        .redirect(web_sys::RequestRedirect::Error)
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
    let answer = async {
        let request = match body {
            Some(body) => request.body(body),
            None => request.build(),
        }
        .map_err(|_| NoAnswer::Network)?;
        let response = request.send().await.map_err(|_| NoAnswer::Network)?;
        let text = response.text().await.map_err(|_| NoAnswer::Network)?;
        Ok((response.status(), text))
    }
    .await;
    if let Some(timer) = timer {
        timer.clear();
    }
    match answer {
        Err(_) if timed_out.get() => Err(NoAnswer::Timeout),
        other => other,
    }
}
