//! A registration form that creates CommCare mobile workers through CommCare HQ's user API.
//!
//! The data's path: [`config`] (where to send) → [`mobile_worker`] (the draft and HQ's rules)
//! → [`hq`] (the request and the reading of HQ's answer) → [`components`] (signals and markup).

pub mod components;
pub mod config;
pub mod credentials;
pub mod embed;
pub mod hq;
pub mod mobile_worker;
pub mod project_data;
pub mod session;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(components::App);
}
