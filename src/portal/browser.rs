//! Browser side: posting to the parent and listening to it.

use super::protocol::{self, read_incoming, Configure, Outgoing};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// True inside an iframe.
pub fn is_framed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match (window.parent(), window.top()) {
        (Ok(Some(parent)), _) => parent != *window.as_ref(),
        _ => false,
    }
}

/// Posts to the parent once per allowed origin; the browser delivers it only to the one
/// the parent really has.
pub fn post(message: &Outgoing, allowed: &[String]) {
    if allowed.is_empty() || !is_framed() {
        return;
    }
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let Ok(data) = js_sys::JSON::parse(&message.to_json().write()) else {
        return;
    };
    for origin in allowed {
        let _ = parent.post_message(&data, origin);
    }
}

/// Calls `on_configure` for each valid `configure` from an allowed parent; ignores and logs
/// (without content) anything else. `host_states_project`: `config.json` states the
/// project's policies, which a portal's then cannot replace.
pub fn listen(
    allowed: Vec<String>,
    host_states_project: bool,
    on_configure: impl Fn(Configure) + 'static,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let parent = window.parent().ok().flatten();
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(
        move |event: web_sys::MessageEvent| {
            let from_parent = match (event.source(), &parent) {
                (Some(source), Some(parent)) => source == *parent.as_ref(),
                _ => false,
            };
            let origin = event.origin();
            if !from_parent || !protocol::is_allowed(&origin, &allowed) {
                web_sys::console::warn_1(
                &format!("mobile worker form: ignored a message from {origin}: not the parent page at an allowed origin").into(),
            );
                return;
            }
            // Anything bigger than a configure could be is not read at all.
            let data = js_sys::JSON::stringify(&event.data())
                .ok()
                .and_then(|s| s.as_string())
                .filter(|s| s.len() <= protocol::MAX_MESSAGE_BYTES)
                .unwrap_or_default();
            match read_incoming(&data) {
                Ok(mut configure) => {
                    // What was left aside is applied without it, and the portal told.
                    let complaints = [
                        configure.language_complaint(),
                        configure.keep_hosts_project(host_states_project),
                    ];
                    for complaint in complaints.into_iter().flatten() {
                        web_sys::console::warn_1(&complaint.clone().into());
                        post(&Outgoing::Error { message: complaint }, &allowed);
                    }
                    on_configure(configure)
                }
                Err(why) => {
                    web_sys::console::warn_1(
                        &format!("mobile worker form: ignored a message from {origin}: {why}")
                            .into(),
                    );
                    // A portal that sends an unusable credential needs to hear why.
                    if let protocol::Ignored::BadCredential(_) | protocol::Ignored::BadProject(_) =
                        why
                    {
                        post(
                            &Outgoing::Error {
                                message: why.to_string(),
                            },
                            &allowed,
                        );
                    }
                }
            }
        },
    );
    let _ = window.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
    // Lives as long as the page.
    handler.forget();
}

/// Reports `element`'s height to the parent whenever it changes.
pub fn report_height(element: &web_sys::Element, allowed: Vec<String>) {
    let observed = element.clone();
    let callback = Closure::<dyn Fn()>::new(move || {
        let height = observed.get_bounding_client_rect().height().ceil() as u32;
        post(&Outgoing::Resize { height }, &allowed);
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(element);
        // Observes for the page's life.
        std::mem::forget(observer);
    }
    callback.forget();
}
