//! Browser side: posting to the parent and listening to it.

use super::protocol::{self, read_incoming, Configure, HostStates, Outgoing};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
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

/// What reads the portal's messages: those waiting (origin, text), whether a turn to read them
/// is booked, and what to do with a `configure`.
struct Reader {
    waiting: RefCell<Vec<(String, String)>>,
    booked: Cell<bool>,
    allowed: Vec<String>,
    host_states: HostStates,
    on_configure: Box<dyn Fn(Configure)>,
}

/// How long one turn reads messages before the page answers keys and clicks again.
const TURN_MS: f64 = 8.0;

/// Calls `on_configure` for each valid `configure` from an allowed parent; ignores and logs
/// (without content) anything else. `host_states`: what `config.json` states, the
/// project's policies, which a portal's then cannot replace.
///
/// A portal that posts thousands of messages at once (a loop gone wrong) costs a queue push
/// each: they are read in turns of a few milliseconds, between which the page answers keys
/// and clicks, and a message equal to the one queued before it is read once (an equal
/// `configure` again changes nothing).
pub fn listen(
    allowed: Vec<String>,
    host_states: HostStates,
    on_configure: impl Fn(Configure) + 'static,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let parent = window.parent().ok().flatten();
    let reader = Rc::new(Reader {
        waiting: RefCell::new(Vec::new()),
        booked: Cell::new(false),
        allowed,
        host_states,
        on_configure: Box::new(on_configure),
    });
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(
        move |event: web_sys::MessageEvent| {
            let from_parent = match (event.source(), &parent) {
                (Some(source), Some(parent)) => source == *parent.as_ref(),
                _ => false,
            };
            let origin = event.origin();
            if !from_parent || !protocol::is_allowed(&origin, &reader.allowed) {
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
            let mut waiting = reader.waiting.borrow_mut();
            if waiting.last().is_some_and(|(_, last)| *last == data) {
                return;
            }
            waiting.push((origin, data));
            if !reader.booked.replace(true) {
                book(reader.clone());
            }
        },
    );
    let _ = window.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
    // Lives as long as the page.
    handler.forget();
}

/// Has `reader` take a turn once the page has answered what is waiting.
fn book(reader: Rc<Reader>) {
    leptos::prelude::set_timeout(move || read_turn(reader), std::time::Duration::ZERO);
}

/// Reads the messages waiting, for at most [`TURN_MS`]; books another turn for the rest.
fn read_turn(reader: Rc<Reader>) {
    let start = js_sys::Date::now();
    let mut batch = std::mem::take(&mut *reader.waiting.borrow_mut()).into_iter();
    for (origin, data) in batch.by_ref() {
        read_message(
            &origin,
            &data,
            &reader.allowed,
            reader.host_states,
            &reader.on_configure,
        );
        if js_sys::Date::now() - start > TURN_MS {
            break;
        }
    }
    let mut waiting = reader.waiting.borrow_mut();
    let newer = std::mem::replace(&mut *waiting, batch.collect());
    waiting.extend(newer);
    let more = !waiting.is_empty();
    drop(waiting);
    reader.booked.set(more);
    if more {
        book(reader);
    }
}

/// Reads one message from the portal at `origin`.
fn read_message(
    origin: &str,
    data: &str,
    allowed: &[String],
    host_states: HostStates,
    on_configure: &dyn Fn(Configure),
) {
    match read_incoming(data) {
        Ok(mut configure) => {
            // What was left aside is applied without it, and the portal told.
            let complaints = [
                configure.language_complaint(),
                configure.keep_hosts_project(host_states.project),
                configure.keep_hosts_handover(host_states.handover),
            ];
            for complaint in complaints.into_iter().flatten() {
                web_sys::console::warn_1(&complaint.clone().into());
                post(&Outgoing::Error { message: complaint }, allowed);
            }
            on_configure(configure)
        }
        Err(why) => {
            web_sys::console::warn_1(
                &format!("mobile worker form: ignored a message from {origin}: {why}").into(),
            );
            // A portal that sends an unusable credential needs to hear why.
            if let protocol::Ignored::BadCredential(_)
            | protocol::Ignored::BadProject(_)
            | protocol::Ignored::BadHandover(_) = why
            {
                post(
                    &Outgoing::Error {
                        message: why.to_string(),
                    },
                    allowed,
                );
            }
        }
    }
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
