//! The form's state in one place: the draft (a signal per field, so a field's widget wakes
//! for its own field only), the typed key, the project's lists, the rules' verdict, and what
//! became of the last submit.
//!
//! Its actions are the only writers. Components call them from event handlers; the Effects in
//! the view only push state out (sessionStorage, the page title, focus). Each action that
//! talks to HQ comes in two halves, `begin_*` (checks and numbering) and `finish_*` (the
//! answer applied), so host tests can drive every transition without a browser or a network.

pub mod session;

use crate::config::project_policy::ProjectPolicy;
use crate::config::{AuthMode, Config};
use crate::hq::credentials::{self, CredentialError, Credentials};
use crate::hq::lists::{self, ChoiceList, ListState, ReadError, Resource};
use crate::hq::{self, CreateError, Created};
use crate::i18n::{Message, Texts};
use crate::portal::protocol::{Defaults, Outgoing};
use crate::portal::Portal;
use crate::worker::password::{self, Strength, Verdict};
use crate::worker::{
    hq_strip, normalise_username, Checks, Draft, Field, FieldError, NewMobileWorker, UserDataEntry,
};

use leptos::prelude::*;
use std::sync::Arc;

/// The draft, one signal per field.
#[derive(Clone, Copy)]
pub struct DraftSignals {
    pub username: RwSignal<String>,
    pub password: RwSignal<String>,
    pub first_name: RwSignal<String>,
    pub last_name: RwSignal<String>,
    pub email: RwSignal<String>,
    pub phone_numbers: RwSignal<Vec<String>>,
    pub groups: RwSignal<Vec<String>>,
    pub locations: RwSignal<Vec<String>>,
    pub primary_location: RwSignal<String>,
    pub role: RwSignal<String>,
    pub user_data: RwSignal<Vec<UserDataEntry>>,
    pub language: RwSignal<String>,
    pub custom: RwSignal<Vec<UserDataEntry>>,
    pub profile: RwSignal<String>,
    pub confirm_by_email: RwSignal<bool>,
}

impl DraftSignals {
    fn new(draft: Draft) -> Self {
        DraftSignals {
            username: RwSignal::new(draft.username),
            password: RwSignal::new(draft.password),
            first_name: RwSignal::new(draft.first_name),
            last_name: RwSignal::new(draft.last_name),
            email: RwSignal::new(draft.email),
            phone_numbers: RwSignal::new(draft.phone_numbers),
            groups: RwSignal::new(draft.groups),
            locations: RwSignal::new(draft.locations),
            primary_location: RwSignal::new(draft.primary_location),
            role: RwSignal::new(draft.role),
            user_data: RwSignal::new(draft.user_data),
            language: RwSignal::new(draft.language),
            custom: RwSignal::new(draft.custom),
            profile: RwSignal::new(draft.profile),
            confirm_by_email: RwSignal::new(draft.confirm_by_email),
        }
    }

    /// The whole draft, read (and so tracked) field by field.
    pub fn snapshot(&self) -> Draft {
        Draft {
            username: self.username.get(),
            password: self.password.get(),
            first_name: self.first_name.get(),
            last_name: self.last_name.get(),
            email: self.email.get(),
            phone_numbers: self.phone_numbers.get(),
            groups: self.groups.get(),
            locations: self.locations.get(),
            primary_location: self.primary_location.get(),
            role: self.role.get(),
            user_data: self.user_data.get(),
            language: self.language.get(),
            custom: self.custom.get(),
            profile: self.profile.get(),
            confirm_by_email: self.confirm_by_email.get(),
        }
    }

    /// Replaces the draft, waking only the fields whose value changes.
    pub fn replace(&self, draft: Draft) {
        fn put<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
            if signal.with_untracked(|v| *v != value) {
                signal.set(value);
            }
        }
        put(self.username, draft.username);
        put(self.password, draft.password);
        put(self.first_name, draft.first_name);
        put(self.last_name, draft.last_name);
        put(self.email, draft.email);
        put(self.phone_numbers, draft.phone_numbers);
        put(self.groups, draft.groups);
        put(self.locations, draft.locations);
        put(self.primary_location, draft.primary_location);
        put(self.role, draft.role);
        put(self.user_data, draft.user_data);
        put(self.language, draft.language);
        put(self.custom, draft.custom);
        put(self.profile, draft.profile);
        put(self.confirm_by_email, draft.confirm_by_email);
    }

    /// Changes the draft as a whole (defaults arriving, say).
    pub fn update(&self, change: impl FnOnce(&mut Draft)) {
        let mut draft = untrack(|| self.snapshot());
        change(&mut draft);
        self.replace(draft);
    }
}

/// The web user's email and API key as typed; in memory only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TypedKey {
    pub email: String,
    pub key: String,
}

/// A created mobile worker, as the success view shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Success {
    pub user_id: String,
    pub full_username: String,
    /// A password generated here, shown this once so the operator can hand it over.
    pub generated_password: Option<String>,
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

/// One problem for the error summary and its field: rule, credential or server answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where it links to; `None` for an answer that belongs to no field.
    pub field: Option<Field>,
    pub message: Message,
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
    loads: StoredValue<[u64; 2]>,
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

fn slot(resource: Resource) -> usize {
    match resource {
        Resource::Groups => 0,
        Resource::Locations => 1,
    }
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
            typed_key.with(|t| credentials::api_key_problems(&t.email, &t.key))
        });
        let problems = Memo::new(move |_| {
            let mut problems = Vec::new();
            if submitted.get() {
                if let Err(errors) = checked.get() {
                    problems.extend(errors.into_iter().map(|FieldError { field, message }| {
                        Problem {
                            field: Some(field),
                            message,
                        }
                    }));
                }
            }
            // The typed key's box stands under the form's fields.
            problems.extend(credential_problems.get().into_iter().map(|error| Problem {
                field: error.part().field(),
                message: error.message(),
            }));
            if let Some(error) = server_error.get() {
                problems.push(Problem {
                    field: error.field(),
                    message: error.message(),
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
            loads: StoredValue::new([0, 0]),
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

    /// The message for `field`, if the summary lists one.
    pub fn error(&self, field: Field) -> Signal<Option<Message>> {
        let problems = self.problems;
        Signal::derive(move || {
            problems.with(|ps| {
                ps.iter()
                    .find(|p| p.field == Some(field))
                    .map(|p| p.message.clone())
            })
        })
    }

    /// Whether the operator must type a key: `api_key` mode and no portal credential.
    pub fn needs_typed_key(&self) -> bool {
        needs_typed_key(self.config, self.portal)
    }

    /// "Their login will be …", as HQ will complete what is typed.
    pub fn login_preview(&self) -> Message {
        let typed = self.draft.username.with(|u| normalise_username(u));
        let preview = Message::new("username.preview");
        if typed.is_empty() {
            let sample = Message::new("username.preview_sample")
                .text("suffix", self.config(|c| c.full_username("")));
            preview.message("login", sample)
        } else {
            preview.text("login", self.config(|c| c.full_username(&typed)))
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
        match self.config(|c| c.auth) {
            // A same-origin proxy adds the credential; nothing is sent from here.
            AuthMode::Proxy => None,
            AuthMode::ApiKey => self
                .portal
                .and_then(|p| p.credentials.get_untracked())
                .or_else(|| {
                    self.typed_key.with_untracked(|t| {
                        (!t.email.trim().is_empty() && !t.key.trim().is_empty()).then(|| {
                            Credentials::ApiKey {
                                email: t.email.clone(),
                                key: t.key.clone(),
                            }
                        })
                    })
                }),
        }
    }

    fn list(&self, resource: Resource) -> RwSignal<ListState> {
        match resource {
            Resource::Groups => self.groups,
            Resource::Locations => self.locations,
        }
    }

    /// The operator asked for a list (Load or Refresh): their key is now in use.
    pub fn refresh(&self, resource: Resource) {
        self.key_tried.set(true);
        self.load(resource);
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

    /// Loads both lists (at start, and when a portal hands over another credential).
    pub fn load_lists(&self) {
        self.load(Resource::Groups);
        self.load(Resource::Locations);
    }

    pub fn load(&self, resource: Resource) {
        let Some((ticket, credentials)) = self.begin_load(resource) else {
            return;
        };
        let state = *self;
        leptos::task::spawn_local(async move {
            let config = state.config.get_value();
            let progress = move |loaded, total| state.progress(resource, ticket, loaded, total);
            let loaded = lists::load_all(&config, credentials.as_ref(), resource, progress).await;
            state.finish_load(resource, ticket, loaded);
        });
    }

    /// Numbers a new load and says whether to fetch, with which credential.
    pub fn begin_load(&self, resource: Resource) -> Option<(u64, Option<Credentials>)> {
        let ticket = self.loads.with_value(|l| l[slot(resource)]) + 1;
        self.loads.update_value(|l| l[slot(resource)] = ticket);
        let list = self.list(resource);
        let credentials = self.current_credentials();
        if credentials.is_none() && self.config(|c| c.auth) == AuthMode::ApiKey {
            list.set(ListState::NeedsCredentials);
            return None;
        }
        if let Some(Err(error)) = credentials.as_ref().map(Credentials::check) {
            list.set(ListState::Failed(ReadError::BadCredential(error)));
            return None;
        }
        list.set(ListState::loading());
        Some((ticket, credentials))
    }

    fn is_current(&self, resource: Resource, ticket: u64) -> bool {
        self.loads
            .try_with_value(|l| l[slot(resource)] == ticket)
            .unwrap_or(false)
    }

    /// Pages are arriving.
    pub fn progress(&self, resource: Resource, ticket: u64, loaded: usize, total: Option<usize>) {
        if self.is_current(resource, ticket) {
            self.list(resource)
                .try_set(ListState::Loading { loaded, total });
        }
    }

    /// A list's answer, unless a newer load has started since.
    pub fn finish_load(
        &self,
        resource: Resource,
        ticket: u64,
        loaded: Result<Vec<lists::Choice>, ReadError>,
    ) {
        if !self.is_current(resource, ticket) {
            return;
        }
        // Locations this server or account cannot have could never be sent: they go.
        if resource == Resource::Locations
            && loaded.as_ref().is_err_and(ReadError::means_unavailable)
        {
            self.draft.locations.set(Vec::new());
            self.draft.primary_location.set(String::new());
        }
        self.list(resource).try_set(match loaded {
            Ok(choices) => ListState::Loaded(Arc::new(ChoiceList::new(choices))),
            Err(error) => ListState::Failed(error),
        });
    }

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
                self.success.set(Some(Success {
                    user_id: created.user_id,
                    full_username,
                    generated_password: generated.filter(|g| body.password.as_ref() == Some(g)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hq::lists::Choice;
    use crate::i18n::{Catalogue, Lang};

    fn form(config: &str) -> (Owner, FormState) {
        let owner = Owner::new();
        let state = owner.with(|| {
            let english = include_str!("../../locales/en.json");
            let texts = Texts::new(Catalogue::parse(Lang::En, english).unwrap());
            FormState::new(
                Config::parse(config).unwrap(),
                None,
                Draft::default(),
                texts,
            )
        });
        (owner, state)
    }

    const PROXY: &str = r#"{"base_url": "", "domain": "demo", "auth": "proxy"}"#;
    const API_KEY: &str =
        r#"{"base_url": "https://hq.example", "domain": "demo", "auth": "api_key"}"#;

    /// The two required fields, so the form can be sent.
    fn fill(state: &FormState, username: &str) {
        state.type_username(username.into());
        state.draft.password.set("pw".into());
    }

    fn messages(state: &FormState) -> Vec<String> {
        state
            .problems
            .get_untracked()
            .into_iter()
            .map(|p| p.message.to_string())
            .collect()
    }

    #[test]
    fn problems_show_only_after_a_submit_and_follow_each_change() {
        let (owner, state) = form(PROXY);
        owner.with(|| {
            assert!(messages(&state).is_empty());
            assert_eq!(state.begin_submit(), None);
            assert_eq!(messages(&state), ["Enter a username", "Enter a password"]);
            assert_eq!(state.focus.get_untracked(), Some(Focus::Summary));
            state.type_username("Jane Doe".into());
            assert_eq!(messages(&state), ["Enter a password"]);
            assert_eq!(
                state
                    .error(Field::Password)
                    .get_untracked()
                    .map(|m| m.to_string())
                    .as_deref(),
                Some("Enter a password")
            );
            state.draft.password.set("s3cret".into());
            let (body, credentials) = state.begin_submit().unwrap();
            assert_eq!(body.username, "jane.doe");
            assert_eq!(credentials, None, "the proxy adds the key");
            assert!(state.in_flight.get_untracked());
            assert_eq!(state.begin_submit(), None, "one request at a time");
        });
    }

    #[test]
    fn a_refusal_of_the_username_stands_until_the_username_changes() {
        let (owner, state) = form(PROXY);
        owner.with(|| {
            fill(&state, "taken");
            let (body, _) = state.begin_submit().unwrap();
            let refusal = CreateError::Refused {
                message: "Username 'taken@demo.commcarehq.org' is already taken or reserved."
                    .into(),
            };
            state.finish_submit(&body, Err(refusal));
            assert!(!state.in_flight.get_untracked());
            assert_eq!(
                state.error(Field::Username).get_untracked().map(|m| m.to_string()).as_deref(),
                Some("CommCare HQ refused to create the mobile worker. It said: Username 'taken@demo.commcarehq.org' is already taken or reserved.")
            );
            state.draft.first_name.set("Other".into());
            assert!(
                state.server_error.get_untracked().is_some(),
                "other fields leave it"
            );
            state.type_username("taken2".into());
            assert_eq!(state.server_error.get_untracked(), None);
        });
    }

    #[test]
    fn success_is_kept_and_another_form_starts_empty() {
        let (owner, state) = form(PROXY);
        owner.with(|| {
            fill(&state, "jdoe");
            let (body, _) = state.begin_submit().unwrap();
            state.finish_submit(
                &body,
                Ok(Created {
                    user_id: "abc".into(),
                }),
            );
            assert_eq!(
                state.success.get_untracked(),
                Some(Success {
                    user_id: "abc".into(),
                    full_username: "jdoe@demo.commcarehq.org".into(),
                    generated_password: None,
                })
            );
            state.start_another();
            assert_eq!(state.success.get_untracked(), None);
            assert_eq!(untrack(|| state.draft.snapshot()), Draft::default());
            assert!(
                messages(&state).is_empty(),
                "a fresh form shows no problems"
            );
            assert_eq!(
                state.focus.get_untracked(),
                Some(Focus::Field(Field::Username))
            );
        });
    }

    fn choices(ids: &[&str]) -> Vec<Choice> {
        ids.iter()
            .map(|id| Choice::new(id.to_string(), id.to_uppercase(), String::new()))
            .collect()
    }

    #[test]
    fn a_late_list_answer_never_replaces_a_newer_one() {
        let (owner, state) = form(PROXY);
        owner.with(|| {
            let (first, _) = state.begin_load(Resource::Groups).unwrap();
            let (second, _) = state.begin_load(Resource::Groups).unwrap();
            state.finish_load(Resource::Groups, second, Ok(choices(&["new"])));
            state.progress(Resource::Groups, first, 5, Some(10));
            state.finish_load(Resource::Groups, first, Ok(choices(&["old"])));
            assert_eq!(
                state.groups.with_untracked(|g| g.membership("new")),
                Some(true)
            );
            assert_eq!(
                state.groups.with_untracked(|g| g.membership("old")),
                Some(false)
            );
        });
    }

    #[test]
    fn chosen_locations_go_when_the_list_proves_unavailable() {
        let (owner, state) = form(PROXY);
        owner.with(|| {
            state.draft.locations.set(vec!["loc-1".into()]);
            state.draft.primary_location.set("loc-1".into());
            let (ticket, _) = state.begin_load(Resource::Locations).unwrap();
            state.finish_load(Resource::Locations, ticket, Err(ReadError::Forbidden));
            assert!(state.draft.locations.get_untracked().is_empty());
            assert_eq!(state.draft.primary_location.get_untracked(), "");
        });
    }

    #[test]
    fn chosen_ids_are_checked_against_the_loaded_list() {
        let (owner, state) = form(PROXY);
        owner.with(|| {
            fill(&state, "jdoe");
            state.draft.locations.set(vec!["loc-1".into()]);
            assert_eq!(state.begin_submit(), None, "the list is not loaded");
            let (ticket, _) = state.begin_load(Resource::Locations).unwrap();
            state.finish_load(Resource::Locations, ticket, Ok(choices(&["loc-1"])));
            assert!(state.begin_submit().is_some());
        });
    }

    #[test]
    fn a_typed_key_is_asked_for_checked_and_then_sent() {
        let (owner, state) = form(API_KEY);
        owner.with(|| {
            assert!(state.needs_typed_key());
            assert_eq!(state.begin_load(Resource::Groups), None);
            assert_eq!(state.groups.get_untracked(), ListState::NeedsCredentials);
            state.typed_key.set(TypedKey {
                email: "paweł@example.org".into(),
                key: "k".into(),
            });
            state.refresh(Resource::Groups);
            assert!(matches!(
                state.groups.get_untracked(),
                ListState::Failed(ReadError::BadCredential(_))
            ));
            assert!(state
                .error(Field::WebUserEmail)
                .get_untracked()
                .unwrap()
                .to_string()
                .contains("“ł”"));
            state.typed_key.set(TypedKey {
                email: "a@b.org".into(),
                key: "k".into(),
            });
            fill(&state, "jdoe");
            let (_, credentials) = state.begin_submit().unwrap();
            assert_eq!(
                credentials,
                Some(Credentials::ApiKey {
                    email: "a@b.org".into(),
                    key: "k".into()
                })
            );
        });
    }

    #[test]
    fn defaults_fill_only_what_the_operator_left_alone_and_never_after_success() {
        let (owner, state) = form(PROXY);
        owner.with(|| {
            let first = Defaults {
                language: Some("fra".into()),
                ..Defaults::default()
            };
            state.configured(&Defaults::default(), &first, false);
            assert_eq!(state.draft.language.get_untracked(), "fra");
            state.draft.language.set("hin".into());
            let second = Defaults {
                language: Some("por".into()),
                ..Defaults::default()
            };
            state.configured(&first, &second, false);
            assert_eq!(state.draft.language.get_untracked(), "hin");

            fill(&state, "jdoe");
            let (body, _) = state.begin_submit().unwrap();
            state.finish_submit(
                &body,
                Ok(Created {
                    user_id: "abc".into(),
                }),
            );
            let third = Defaults {
                language: Some("swa".into()),
                ..Defaults::default()
            };
            state.configured(&second, &third, false);
            assert_eq!(
                state.draft.language.get_untracked(),
                "hin",
                "the created draft stays as it was"
            );
        });
    }

    #[test]
    fn cancel_waits_for_a_request_in_flight() {
        let (owner, state) = form(PROXY);
        owner.with(|| {
            fill(&state, "jdoe");
            let _ = state.begin_submit().unwrap();
            state.cancel();
            assert_eq!(state.draft.username.get_untracked(), "jdoe");
            state.in_flight.set(false);
            state.cancel();
            assert_eq!(state.draft.username.get_untracked(), "");
        });
    }
}
