//! A registration form that creates CommCare mobile workers through CommCare HQ's user API.
//!
//! The folders follow the data's path, and each stage may import only the stages before it
//! (`xtask`'s tidy tests hold it to that):
//!
//! 1. [`json`] and [`page_file`]: reading and writing the JSON documents and files the page
//!    handles;
//! 2. [`i18n`]: every word the page says, in the operator's language;
//! 3. [`config`]: where to send, and the project's policies;
//! 4. [`worker`]: the mobile worker being drafted, HQ's rules for it and the body to send;
//! 5. [`hq`]: the request, the credential it carries and the reading of HQ's answers;
//! 6. [`portal`]: an admin portal that frames the page;
//! 7. [`form`]: the form's state and the actions that change it;
//! 8. [`components`]: markup wired to that state;
//! 9. [`start`]: the first view rendered at build time, and the app taking it over.
//!
//! `docs/architecture.md` tells the same plan at more length.

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
