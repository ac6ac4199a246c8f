//! The form's state in one place: the draft (a signal per field, [`draft_signals`]), the
//! typed key, the project's lists, the rules' verdict, and what became of the last submit;
//! where each field stands on the page ([`field`]); the draft kept across reloads
//! ([`session`]).
//!
//! Its actions are the only writers. Components call them from event handlers; the Effects in
//! the view only push state out (sessionStorage, the page title, focus). Each action that
//! talks to HQ comes in two halves, `begin_*` (checks and numbering) and `finish_*` (the
//! answer applied), so host tests can drive every transition without a browser or a network:
//! the lists' in `lists`, the submit's in `submit`.
//!
//! May import: `portal`, `hq`, `worker`, `config`, `i18n`, `json`. Not components.

pub mod draft_signals;
pub mod field;
mod lists;
pub mod session;
mod submit;

pub use draft_signals::DraftSignals;
pub use field::{Control, KeyIds, Problem, KEY_IDS};

use crate::config::project_policy::ProjectPolicy;
use crate::config::{AuthMode, Config};
use crate::hq::credentials::{self, CredentialError, Credentials, TypedKey};
use crate::hq::lists::ListState;
use crate::hq::{CreateError, Tickets};
use crate::i18n::{Message, Texts};
use crate::portal::Portal;
use crate::worker::password::{self, Strength, Verdict};
use crate::worker::slip::Slip;
use crate::worker::{
    check_username, hq_strip, normalise_username, Checks, Draft, Field, FieldError, NewMobileWorker,
};
use leptos::prelude::*;

/// A created mobile worker, as the success view shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Success {
    pub user_id: String,
    pub full_username: String,
    /// A password generated here, shown this once so the operator can hand it over.
    pub generated_password: Option<String>,
    /// The worker's handover slip, with the password sent (typed or generated) until the
    /// operator closes the slip's preview.
    pub slip: Slip,
}

/// The password scorer, as the form sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scorer {
    /// Its latest answer (perhaps about an earlier password).
    pub answer: Option<Strength>,
    /// It could not be loaded.
    pub failed: bool,
    /// The password generated here last: strong by construction.
    pub generated: Option<String>,
}

/// Where focus should go next; the view moves it once the page has drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Focus {
    Summary,
    Created,
    Field(Field),
}

/// The state and its actions. Cheap to copy; provided as context by the form.
#[derive(Clone, Copy)]
pub struct FormState {
    config: StoredValue<Config>,
    portal: Option<Portal>,
    /// The interface language, for what the portal is told.
    texts: Texts,
    pub draft: DraftSignals,
    pub typed_key: RwSignal<TypedKey>,
    pub groups: RwSignal<ListState>,
    pub locations: RwSignal<ListState>,
    /// The project's policies: `config.json`'s, or a portal's once it states them.
    pub policy: Memo<ProjectPolicy>,
    pub scorer: RwSignal<Scorer>,
    /// Each load of a list is numbered, so an older answer arriving late cannot replace a newer.
    loads: StoredValue<[Tickets; 2]>,
    /// A submit was tried: from then on, every rule's verdict is shown as things change.
    pub submitted: RwSignal<bool>,
    /// The typed key was used (submit or "Load …"): its problems are shown.
    key_tried: RwSignal<bool>,
    pub in_flight: RwSignal<bool>,
    pub server_error: RwSignal<Option<CreateError>>,
    pub success: RwSignal<Option<Success>>,
    /// Every rule, ids checked against the loaded lists: the body to send, or the problems.
    checked: Memo<Result<NewMobileWorker, Vec<FieldError>>>,
    credential_problems: Memo<Vec<CredentialError>>,
    pub problems: Memo<Vec<Problem>>,
    /// Where focus goes next: set anew for each move (every set wakes the view, even to the
    /// same place).
    pub focus: RwSignal<Option<Focus>>,
}

/// What the scorer is asked about the draft's password: as HQ strips it, under the username
/// HQ will make.
fn question(draft: DraftSignals) -> password::Question {
    password::question(
        draft.password.with(|p| hq_strip(p).to_string()).as_str(),
        &draft.username.with(|u| normalise_username(u)),
    )
}

/// Where the password stands against the strong-password rule.
fn verdict(draft: DraftSignals, scorer: RwSignal<Scorer>) -> Verdict {
    verdict_of(&question(draft), scorer)
}

fn verdict_of(question: &password::Question, scorer: RwSignal<Scorer>) -> Verdict {
    scorer.with(|s| {
        password::verdict(
            question,
            s.answer.as_ref(),
            s.failed,
            s.generated.as_deref(),
        )
    })
}

fn needs_typed_key(config: StoredValue<Config>, portal: Option<Portal>) -> bool {
    config.with_value(|c| c.auth) == AuthMode::ApiKey
        && portal.is_none_or(|p| p.credentials.with(Option::is_none))
}

impl FormState {
    /// A form for `config`, starting from `draft` (a restored one, or empty).
    pub fn new(config: Config, portal: Option<Portal>, draft: Draft, texts: Texts) -> Self {
        let config = StoredValue::new(config);
        let draft = DraftSignals::new(draft);
        let groups = RwSignal::new(ListState::loading());
        let locations = RwSignal::new(ListState::loading());
        let typed_key = RwSignal::new(TypedKey::default());
        let submitted = RwSignal::new(false);
        let key_tried = RwSignal::new(false);
        let server_error = RwSignal::new(None::<CreateError>);
        let policy = Memo::new(move |_| {
            portal
                .and_then(|p| p.project.get())
                .unwrap_or_else(|| config.with_value(|c| c.project.clone()))
        });
        let scorer = RwSignal::new(Scorer::default());
        let checked = Memo::new(move |_| {
            let d = draft.snapshot();
            let strength = verdict(draft, scorer);
            policy.with(|policy| {
                groups.with(|g| {
                    locations.with(|l| {
                        d.validate_with(&Checks {
                            policy,
                            strength,
                            known_group: &|id| g.membership(id),
                            known_location: &|id| l.membership(id),
                        })
                    })
                })
            })
        });
        let credential_problems = Memo::new(move |_| {
            if !(submitted.get() || key_tried.get()) || !needs_typed_key(config, portal) {
                return Vec::new();
            }
            typed_key.with(TypedKey::problems)
        });
        let problems = Memo::new(move |_| {
            let mut problems = Vec::new();
            if submitted.get() {
                if let Err(errors) = checked.get() {
                    problems.extend(errors.into_iter().map(|FieldError { field, message }| {
                        Problem::at(Some(&field.id()), message)
                    }));
                }
            }
            // The typed key's box stands under the form's fields.
            problems.extend(
                credential_problems
                    .get()
                    .into_iter()
                    .map(|error| Problem::at(KEY_IDS.of(error.part()), error.message())),
            );
            if let Some(error) = server_error.get() {
                let at = error.field().map(|f| f.id());
                let problem = Problem::at(at.as_deref(), error.message());
                problems.push(match error.may_have_created() {
                    true => problem.linking(config.with_value(Config::mobile_workers_url)),
                    false => problem,
                });
            }
            problems
        });
        FormState {
            config,
            portal,
            texts,
            draft,
            typed_key,
            groups,
            locations,
            policy,
            scorer,
            loads: StoredValue::new(Default::default()),
            submitted,
            key_tried,
            in_flight: RwSignal::new(false),
            server_error,
            success: RwSignal::new(None),
            checked,
            credential_problems,
            problems,
            focus: RwSignal::new(None),
        }
    }

    pub fn config<T>(&self, read: impl FnOnce(&Config) -> T) -> T {
        self.config.with_value(read)
    }

    pub fn portal(&self) -> Option<Portal> {
        self.portal
    }

    /// The country calling code offered to numbers typed with a trunk 0: `config.json`'s, else
    /// a portal's.
    pub fn country_code(&self) -> Option<String> {
        self.config
            .with_value(|c| c.default_country_code.clone())
            .or_else(|| self.portal.and_then(|p| p.country_code.get()))
    }

    /// The message for `field`, if the summary lists one.
    pub fn error(&self, field: Field) -> Signal<Option<Message>> {
        self.error_at(field.id())
    }

    /// The message for the control `id`, if the summary lists one.
    pub fn error_at(&self, id: String) -> Signal<Option<Message>> {
        let problems = self.problems;
        Signal::derive(move || {
            problems.with(|ps| ps.iter().find(|p| p.is_at(&id)).map(|p| p.message.clone()))
        })
    }

    /// Whether the operator must type a key: `api_key` mode and no portal credential.
    pub fn needs_typed_key(&self) -> bool {
        needs_typed_key(self.config, self.portal)
    }

    /// "Their login will be …", as HQ will complete what is typed, for a username that can be
    /// used; for one that cannot, the reason.
    pub fn login_preview(&self) -> Message {
        let typed = self.draft.username.get();
        let preview = Message::new("username.preview");
        if normalise_username(&typed).is_empty() {
            let sample = Message::new("username.preview_sample")
                .text("suffix", self.config(|c| c.full_username("")));
            return preview.message("login", sample);
        }
        // Only a login that can be used is shown; otherwise why it cannot.
        match check_username(&typed) {
            Ok(name) => preview.text("login", self.config(|c| c.full_username(&name))),
            Err(why) => why,
        }
    }

    /// Typing in the username: a refusal of the old name no longer stands.
    pub fn type_username(&self, value: String) {
        self.draft.username.set(value);
        if self.server_error.with_untracked(|e| {
            e.as_ref()
                .is_some_and(|e| e.field() == Some(Field::Username))
        }) {
            self.server_error.set(None);
        }
    }

    /// What a request should carry, if anything; `None` also while a typed key is blank.
    fn current_credentials(&self) -> Option<Credentials> {
        let handed_over = self.portal.and_then(|p| p.credentials.get_untracked());
        self.typed_key.with_untracked(|typed| {
            credentials::for_request(self.config(|c| c.auth), handed_over.as_ref(), typed)
        })
    }

    /// Where the password stands against the strong-password rule.
    pub fn verdict(&self) -> Verdict {
        verdict(self.draft, self.scorer)
    }

    /// A password generated for the worker: it fills the password field, and is known strong.
    pub fn use_generated(&self, password: String) {
        self.scorer.update(|s| s.generated = Some(password.clone()));
        self.draft.password.set(password);
    }

    /// The scorer's answer.
    pub fn scored(&self, answer: Strength) {
        self.scorer.try_update(|s| s.answer = Some(answer));
    }

    /// The scorer could not be loaded: the rule says so instead of "checking" for ever.
    pub fn scorer_failed(&self) {
        self.scorer.try_update(|s| s.failed = true);
    }

    /// What to ask the scorer now, if anything: only where the project requires strong
    /// passwords, and only while the rule is waiting for it (not for a short or generated
    /// password, nor one already answered, nor once the scorer has failed).
    pub fn question_for_scorer(&self) -> Option<password::Question> {
        if !self.policy.with(|p| p.strong_passwords) {
            return None;
        }
        let question = question(self.draft);
        (verdict_of(&question, self.scorer) == Verdict::Checking).then_some(question)
    }
}

#[cfg(test)]
mod tests;
