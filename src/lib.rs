//! A registration form that creates CommCare mobile workers through CommCare HQ's user API.
//!
//! The data's path: [`config`] (where to send, and the project's policies in
//! [`project_policy`], its regexes in [`pattern`]) → [`mobile_worker`] (the draft and HQ's
//! rules, with [`password`] for strong passwords)
//! → [`credentials`], [`hq`] and [`project_data`] (the requests and the reading of HQ's
//! answers) → [`form_state`] (the form's state and actions) → [`components`] (markup wired to
//! that state). Beside them: [`session`] keeps the draft across reloads, [`embed`] and
//! [`portal`] speak with an admin portal that frames the form, and [`i18n`] gives every word
//! the page says in the operator's language; [`json`] reads and writes every JSON document the
//! page handles.

// The first view is rendered on the host, where views keep their full types (the page's own
// build erases them): rendering them to HTML nests deeper than the default allows.
#![recursion_limit = "256"]

pub mod components;
pub mod config;
pub mod form;
pub mod hq;
pub mod i18n;
pub mod json;
pub mod page_file;
pub mod portal;
pub mod start;
pub mod worker;

#[cfg(all(target_arch = "wasm32", feature = "page"))]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    wasm_bindgen_futures::spawn_local(async { start::take_over(start::Start::load().await) });
}
