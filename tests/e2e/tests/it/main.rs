//! The end-to-end tests, one binary (one link of the browser driver, the servers and the
//! runtime instead of one per file), a module per concern. `cargo xtask test` runs them one at
//! a time (`--test-threads 1`): each drives its own Chromium.

mod accessibility;
mod api_key;
mod bulk;
mod bulk_carrying_on;
mod bulk_hq_files;
mod create_user;
mod embed;
mod faults;
mod first_view;
mod full_form;
mod handover;
mod languages;
mod nginx;
mod phone_warnings;
mod pickers;
mod policies;
mod server_answers;
mod stand_in;
