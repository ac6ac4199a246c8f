//! Sending the draft and what follows: HQ's answer applied, "Create another", Cancel, and a
//! portal's new defaults.

use super::{Focus, FormState, Success};
use crate::form::session;
use crate::hq::credentials::Credentials;
use crate::hq::{self, CreateError, Created};
use crate::portal::protocol::{Defaults, Outgoing};
use crate::worker::slip::{sheet_json, Slip};
use crate::worker::{Draft, Field, NewMobileWorker};
use leptos::prelude::*;

impl FormState {
    /// Checks everything and, if all is well, sends one request.
    pub fn submit(&self) {
        let Some((body, credentials)) = self.begin_submit() else {
            return;
        };
        let state = *self;
        leptos::task::spawn_local(async move {
            let flight = InFlight(state.in_flight);
            let config = state.config.get_value();
            let answer = hq::create_mobile_worker(&config, credentials.as_ref(), &body).await;
            drop(flight);
            state.finish_submit(&body, answer);
        });
    }

    /// The body to send and its credential, or `None` (nothing to send: a request is already
    /// out, or there are problems, which the summary now shows).
    pub fn begin_submit(&self) -> Option<(NewMobileWorker, Option<Credentials>)> {
        if self.in_flight.get_untracked() {
            return None;
        }
        self.submitted.set(true);
        self.key_tried.set(true);
        self.server_error.set(None);
        match self.checked.get_untracked() {
            Ok(body) if self.credential_problems.with_untracked(Vec::is_empty) => {
                self.in_flight.set(true);
                Some((body, self.current_credentials()))
            }
            _ => {
                self.focus.set(Some(Focus::Summary));
                None
            }
        }
    }

    /// HQ's answer to `body`.
    pub fn finish_submit(&self, body: &NewMobileWorker, answer: Result<Created, CreateError>) {
        self.in_flight.try_set(false);
        match answer {
            Ok(created) => {
                let full_username = self.config(|c| {
                    session::clear(&c.domain);
                    c.full_username(&body.username)
                });
                if let Some(portal) = self.portal {
                    portal.post(Outgoing::Created {
                        user_id: created.user_id.clone(),
                        username: full_username.clone(),
                    });
                }
                let generated = self.scorer.with_untracked(|s| s.generated.clone());
                let slip = Slip::new(
                    &body.username,
                    full_username.clone(),
                    [body.first_name.as_deref(), body.last_name.as_deref()],
                    body.password.clone(),
                );
                self.success.set(Some(Success {
                    user_id: created.user_id,
                    full_username,
                    generated_password: generated.filter(|g| body.password.as_ref() == Some(g)),
                    slip,
                }));
                // The form is gone; the news takes focus.
                self.focus.set(Some(Focus::Created));
            }
            Err(error) => {
                if let Some(portal) = self.portal {
                    portal.post(Outgoing::Error {
                        message: self.texts.render(&error.message()),
                    });
                }
                self.server_error.set(Some(error));
                self.focus.set(Some(Focus::Summary));
            }
        }
    }

    /// Closing the slip's preview: the page forgets the worker's password.
    pub fn forget_password(&self) {
        self.success.update(|success| {
            if let Some(success) = success {
                success.slip.password = None;
                success.generated_password = None;
            }
        });
        self.focus.set(Some(Focus::Created));
    }

    /// What the handover module is handed to show the created worker's slip, in the page's
    /// language: the app is `config.json`'s, else the portal's.
    pub fn slip_sheet(&self) -> String {
        let handover = self
            .config(|c| c.handover.clone())
            .or_else(|| self.portal?.handover_text.get_untracked());
        self.success.with_untracked(|success| {
            let slips: Vec<Slip> = success.iter().map(|s| s.slip.clone()).collect();
            self.config(|c| sheet_json(self.texts.lang(), &c.domain, &slips, handover.as_deref()))
        })
    }

    /// An empty form with the portal's latest defaults.
    fn fresh_draft(&self) -> Draft {
        let mut fresh = Draft::default();
        if let Some(portal) = self.portal {
            portal.defaults.with_untracked(|d| d.apply_to(&mut fresh));
        }
        self.policy
            .with_untracked(|p| fresh.adopt_project_fields(p));
        fresh
    }

    fn reset(&self) {
        self.draft.replace(self.fresh_draft());
        self.scorer.update(|s| s.generated = None);
        self.submitted.set(false);
        self.server_error.set(None);
    }

    /// "Create another": a fresh form, the cursor in the username.
    pub fn start_another(&self) {
        self.reset();
        self.success.set(None);
        self.focus.set(Some(Focus::Field(Field::Username)));
    }

    /// "Create another with the same settings": a fresh form that keeps what a team shares
    /// (groups, locations and the primary one, role, language, profile and project fields),
    /// never what is the worker's own (username, names, email, phones, password).
    pub fn start_another_alike(&self) {
        let kept = self.draft.snapshot();
        self.start_another();
        self.draft.update(|d| {
            d.groups = kept.groups;
            d.locations = kept.locations;
            d.primary_location = kept.primary_location;
            d.role = kept.role;
            d.language = kept.language;
            d.profile = kept.profile;
            d.custom = kept.custom;
        });
    }

    /// Tells the portal the operator gave up; the next visitor starts afresh. Not while a
    /// request is out: its answer decides (created, or an error), and the portal hears that.
    pub fn cancel(&self) {
        if self.in_flight.get_untracked() {
            return;
        }
        if let Some(portal) = self.portal {
            portal.post(Outgoing::Cancelled);
        }
        self.reset();
    }

    /// A portal's `configure`: new defaults fill only what the operator has not touched, and
    /// a new credential reloads the lists. After a creation the form waits for "Create
    /// another", which takes the defaults then; the created worker's draft is left alone.
    pub fn configured(&self, previous: &Defaults, new: &Defaults, credentials_changed: bool) {
        if self.success.with_untracked(Option::is_none) {
            let policy = self.policy.get_untracked();
            self.draft.update(|d| {
                new.refill(previous, d);
                d.adopt_project_fields(&policy);
            });
        }
        if credentials_changed {
            self.load_lists();
        }
    }
}

/// Ends "in flight" when the request's task ends, however it ends.
struct InFlight(RwSignal<bool>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.try_set(false);
    }
}
