//! Bulk mode's state and what the operator can do: choose a file, have every row checked,
//! start, pause, resume or stop the run, and download the results. The rules, pacing and
//! bookkeeping are in [`crate::rows`], [`crate::pacing`] and [`crate::run`]; this wires them to
//! signals, HQ and sessionStorage.

use crate::record::{Kept, Status};
use crate::results::{self, ResultLine};
use crate::rows::{self, Checked, Lists};
use crate::run::{self, held_back, Counts, NotCreated, Phase, Run, Step};
use crate::sheet::{self, Column, Sheet, SheetError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use mobile_worker_form::config::project_policy::ProjectPolicy;
use mobile_worker_form::config::{AuthMode, Config};
use mobile_worker_form::form::{KeyIds, Problem};
use mobile_worker_form::hq;
use mobile_worker_form::hq::credentials::{self, Credentials, TypedKey};
use mobile_worker_form::hq::lists::{self, ChoiceList, ListState, Resource};
use mobile_worker_form::hq::Tickets;
use mobile_worker_form::i18n::{Message, Texts};
use mobile_worker_form::portal::protocol::Outgoing;
use mobile_worker_form::worker::normalise_username;
use mobile_worker_form::worker::password::{self, Question, Strength};
use std::collections::HashMap;
use std::sync::Arc;

mod slips;
mod storage;

/// What the page that opened bulk mode hands over, and hands over again when it changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Handover {
    /// A portal's credential, if one was handed over.
    pub credentials: Option<Credentials>,
    /// A portal's policies, where `config.json` states none.
    pub project: Option<ProjectPolicy>,
    /// A portal's country calling code, where `config.json` names none.
    pub country_code: Option<String>,
    /// What a portal's handover slips say of the app, where `config.json` states none.
    pub slips: Option<String>,
}

/// Bulk mode's controls an error can point at, with element ids of their own: the one-worker
/// form, hidden, shares the page.
pub const KEY_IDS: KeyIds = KeyIds {
    email: "bulk-web-user-email",
    key: "bulk-api-key",
};
pub const FILE_ID: &str = "bulk-workers-file";
pub const SKIP_ID: &str = "bulk-skip-rows";

/// The file chosen, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChosenFile {
    pub name: String,
    pub sheet: Result<Sheet, SheetError>,
}

#[derive(Clone, Copy)]
pub struct BulkState {
    pub config: StoredValue<Config>,
    pub texts: Texts,
    pub handover: RwSignal<Handover>,
    /// The project's policies in force.
    policy: Memo<ProjectPolicy>,
    /// The operator's web user email and API key (`api_key` mode, no portal credential).
    pub typed: RwSignal<TypedKey>,
    pub file: RwSignal<Option<ChosenFile>>,
    /// The lists the rows name, as far as they have come (`None`: no row names one).
    pub groups: RwSignal<Option<ListState>>,
    pub locations: RwSignal<Option<ListState>>,
    /// Each list's loads, numbered: a late answer to an older one is dropped.
    list_loads: StoredValue<[Tickets; 2]>,
    /// A password is generated for each row without one.
    pub generate: RwSignal<bool>,
    /// Rows with problems are left out of the run.
    pub skip: RwSignal<bool>,
    /// The country calling code is put in place of a trunk 0 in every number.
    pub add_country_code: RwSignal<bool>,
    pub checked: Memo<Vec<Checked>>,
    /// Each checked row's state in the run.
    /// The run: each row's status, its phase, its pace.
    run: RwSignal<Run>,
    pub statuses: Memo<Vec<Status>>,
    pub phase: Memo<Phase>,
    /// When a 429 lets the run go on (ms since the epoch), while it waits.
    pub held_until: RwSignal<Option<f64>>,
    /// Now, every second while the run waits or runs, for countdowns and estimates.
    pub now: RwSignal<f64>,
    pub estimate_ms: RwSignal<u64>,
    /// Shown once Start was pressed and something stood in the way.
    pub tried: RwSignal<bool>,
    /// Passwords the scorer has yet to answer about (strong-password projects).
    pub scoring: RwSignal<usize>,
    /// The scorer's answers, by question; `scored` changes once each batch is in.
    scores: StoredValue<HashMap<String, Strength>>,
    scored: RwSignal<usize>,
    scorer_failed: RwSignal<bool>,
    /// Passwords generated in this page's life, by username as HQ compares them: only ever in
    /// the results file.
    passwords: StoredValue<HashMap<String, String>>,
    /// Passwords were generated since the results file was last downloaded.
    pub unsaved_passwords: RwSignal<bool>,
    /// A request is out.
    pub in_flight: RwSignal<bool>,
    /// The run going on: a loop whose number is not this one ends at its next step.
    /// The run going on: a loop whose number is not the latest ends at its next step.
    runs: StoredValue<Tickets>,
    kept: StoredValue<Kept>,
    /// This tab's name in the note of what every tab sent.
    tab: StoredValue<String>,
    /// This tab's record was there but could not be read.
    record_lost: bool,
    /// Rows of the chosen file this tab has no record of were sent from another tab (or the
    /// record was lost): HQ is the record of truth for them.
    pub elsewhere: RwSignal<bool>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl BulkState {
    pub fn new(config: Config, texts: Texts, handover: Handover) -> Self {
        let (kept, record_lost) = storage::read_kept(&config.domain);
        let run = RwSignal::new(Run::default());
        let config = StoredValue::new(config);
        let handover = RwSignal::new(handover);
        let file = RwSignal::new(None::<ChosenFile>);
        let groups = RwSignal::new(None::<ListState>);
        let locations = RwSignal::new(None::<ListState>);
        // A reload carries on the run as it was sent.
        let generate = RwSignal::new(kept.generate);
        let add_country_code = RwSignal::new(false);
        let scores = StoredValue::new(HashMap::<String, Strength>::new());
        let scored = RwSignal::new(0usize);
        let scorer_failed = RwSignal::new(false);
        // As the one-worker form has it: a portal's, which the page hands over only where
        // config.json states none (`embed::Configure::keep_hosts_project`), else the host's.
        let policy = Memo::new(move |_| {
            handover
                .with(|h| h.project.clone())
                .unwrap_or_else(|| config.with_value(|c| c.project.clone()))
        });
        let checked = Memo::new(move |_| {
            let Some(Ok(sheet)) = file.with(|f| f.as_ref().map(|f| f.sheet.clone())) else {
                return Vec::new();
            };
            let loaded = |list: RwSignal<Option<ListState>>| match list.get() {
                Some(ListState::Loaded(choices)) => choices.choices().to_vec(),
                _ => Vec::new(),
            };
            let (groups, locations) = (loaded(groups), loaded(locations));
            let policy = policy.get();
            let domain = config.with_value(|c| c.domain.clone());
            let country_code = config
                .with_value(|c| c.default_country_code.clone())
                .or_else(|| handover.with(|h| h.country_code.clone()));
            scored.track();
            let failed = scorer_failed.get();
            let strength = |typed: &str, username: &str| {
                let question = password::question(typed, username);
                let key = password::write_question(&question);
                scores.with_value(|s| password::verdict(&question, s.get(&key), failed, None))
            };
            rows::check(
                &sheet,
                &Lists {
                    groups: &groups,
                    locations: &locations,
                    policy: &policy,
                    generate_passwords: generate.get(),
                    strength: &strength,
                    domain: &domain,
                    country_code: country_code.as_deref().filter(|_| add_country_code.get()),
                },
            )
        });
        BulkState {
            config,
            texts,
            handover,
            policy,
            typed: RwSignal::new(TypedKey::default()),
            file,
            groups,
            locations,
            list_loads: StoredValue::new(Default::default()),
            generate,
            skip: RwSignal::new(false),
            add_country_code,
            checked,
            run,
            statuses: Memo::new(move |_| run.with(|r| r.statuses.clone())),
            phase: Memo::new(move |_| run.with(|r| r.phase.clone())),
            held_until: RwSignal::new(None),
            now: RwSignal::new(now_ms()),
            estimate_ms: RwSignal::new(0),
            tried: RwSignal::new(false),
            scoring: RwSignal::new(0),
            scores,
            scored,
            scorer_failed,
            passwords: StoredValue::new(HashMap::new()),
            unsaved_passwords: RwSignal::new(false),
            in_flight: RwSignal::new(false),
            runs: StoredValue::new(Tickets::default()),
            kept: StoredValue::new(kept),
            tab: StoredValue::new(storage::tab_id()),
            record_lost,
            elsewhere: RwSignal::new(false),
        }
    }

    pub fn needs_typed_key(&self) -> bool {
        self.config.with_value(|c| c.auth == AuthMode::ApiKey)
            && self.handover.with(|h| h.credentials.is_none())
    }

    /// What a request carries, by the one-worker form's rule.
    fn credentials(&self) -> Option<Credentials> {
        let handed_over = self.handover.with_untracked(|h| h.credentials.clone());
        let auth = self.config.with_value(|c| c.auth);
        self.typed
            .with_untracked(|typed| credentials::for_request(auth, handed_over.as_ref(), typed))
    }

    /// The country calling code offered to numbers with a trunk 0: `config.json`'s, else a
    /// portal's.
    pub fn country_code(&self) -> Option<String> {
        self.config
            .with_value(|c| c.default_country_code.clone())
            .or_else(|| self.handover.with(|h| h.country_code.clone()))
    }

    /// The project's policies: `config.json`'s, else a portal's.
    pub fn policy(&self) -> ProjectPolicy {
        self.policy.get_untracked()
    }

    /// The rows that will be sent: checked, not settled by an earlier run, and with no
    /// problems (or the operator chose to skip those).
    pub fn counts(&self) -> Counts {
        self.checked
            .with(|rows| self.statuses.with(|statuses| Counts::of(rows, statuses)))
    }

    /// Everything that stands in the way of starting, for the error summary.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        // A file that cannot be used is said at once, before Start.
        if let Some(ChosenFile { sheet: Err(e), .. }) = self.file.get() {
            if !self.tried.get() {
                problems.push(Problem::at(Some(FILE_ID), e.message()));
            }
        }
        if !self.tried.get() {
            return problems;
        }
        if self.needs_typed_key() {
            for error in self.typed.with(TypedKey::problems) {
                problems.push(Problem::at(KEY_IDS.of(error.part()), error.message()));
            }
        }
        let at_file = |message| Problem::at(Some(FILE_ID), message);
        match self.file.get() {
            None => problems.push(at_file(Message::new("bulk.error.no_file"))),
            Some(ChosenFile { sheet: Err(e), .. }) => problems.push(at_file(e.message())),
            Some(_) if self.checking() => {
                problems.push(at_file(Message::new("bulk.error.still_checking")));
            }
            Some(_) => {
                for (list, resource) in [
                    (self.groups.get(), Resource::Groups),
                    (self.locations.get(), Resource::Locations),
                ] {
                    if let Some(ListState::Failed(error)) = list {
                        problems.push(at_file(error.describe(resource)));
                    }
                }
                let counts = self.counts();
                if counts.problems > 0 && !self.skip.get() {
                    problems.push(Problem::at(
                        Some(SKIP_ID),
                        Message::new("bulk.error.rows_with_problems").count(counts.problems),
                    ));
                } else if counts.waiting == 0 {
                    problems.push(at_file(Message::new("bulk.error.nothing_to_send")));
                }
            }
        }
        problems
    }

    /// Whether rows are still being checked: a list loading, passwords being scored.
    pub fn checking(&self) -> bool {
        self.lists_loading() || self.scoring.get() > 0
    }

    /// Whether a list the rows name is still loading.
    pub fn lists_loading(&self) -> bool {
        [self.groups.get(), self.locations.get()]
            .iter()
            .any(|l| l.as_ref().is_some_and(ListState::is_loading))
    }

    /// Whether a run holds the file: going, paused, or with a request out.
    pub fn busy(&self) -> bool {
        matches!(self.phase.get(), Phase::Running | Phase::Paused) || self.in_flight.get()
    }

    /// The message beside the file input, if any.
    pub fn file_error(&self) -> Option<Message> {
        self.problems()
            .into_iter()
            .find(|p| p.is_at(FILE_ID))
            .map(|p| p.message)
    }

    /// Reads the chosen file, loads the lists its rows name, and checks every row; rows an
    /// earlier run in this project space settled keep what became of them.
    pub fn choose(&self, name: String, bytes: Vec<u8>) {
        self.choose_read(name, sheet::read(&bytes));
    }

    /// `choose`, with the file already read (or refused unread).
    pub fn choose_read(&self, name: String, sheet: Result<Sheet, SheetError>) {
        if self.busy() {
            return;
        }
        self.run.update(|r| r.phase = Phase::Preparing);
        self.tried.set(false);
        if let Ok(sheet) = &sheet {
            for (column, list, resource) in [
                (Column::Group, self.groups, Resource::Groups),
                (Column::LocationCode, self.locations, Resource::Locations),
            ] {
                let needed = sheet.columns.contains(&column);
                match list.get_untracked() {
                    Some(ListState::Loaded(_) | ListState::Loading { .. }) if needed => {}
                    _ if needed => self.load(list, resource),
                    _ => {}
                }
            }
        }
        if let Ok(sheet) = &sheet {
            if self.policy().strong_passwords {
                self.score(sheet);
            }
        }
        self.file.set(Some(ChosenFile { name, sheet }));
        self.refresh_statuses();
    }

    /// Asks the scorer about every password typed in `sheet` that it has not judged yet.
    fn score(&self, sheet: &Sheet) {
        let questions: Vec<Question> = sheet
            .rows
            .iter()
            .map(|row| {
                password::question(
                    sheet.cell(row, &Column::Password),
                    sheet.cell(row, &Column::Username),
                )
            })
            .filter(|q| q.password.chars().count() >= password::MIN_LENGTH)
            .filter(|q| {
                self.scores
                    .with_value(|s| !s.contains_key(&password::write_question(q)))
            })
            .collect();
        if questions.is_empty() || self.scorer_failed.get_untracked() {
            return;
        }
        self.scoring.update(|n| *n += questions.len());
        let (scores, scored, scoring, failed) =
            (self.scores, self.scored, self.scoring, self.scorer_failed);
        password::browser::ask_all(&questions, move |answer| match answer {
            Some(strength) => {
                let key = password::write_question(&Question {
                    password: strength.password.clone(),
                    words: strength.words.clone(),
                });
                scores.update_value(|s| drop(s.insert(key, strength)));
                scoring.update(|n| *n = n.saturating_sub(1));
                if scoring.get_untracked() == 0 {
                    scored.update(|n| *n += 1);
                }
            }
            None => {
                failed.set(true);
                scoring.set(0);
            }
        });
    }

    fn load(&self, list: RwSignal<Option<ListState>>, resource: Resource) {
        let slot = usize::from(resource == Resource::Locations);
        let ticket = self.list_loads.try_update_value(|t| t[slot].issue());
        let credentials = self.credentials();
        if credentials.is_none() && self.config.with_value(|c| c.auth == AuthMode::ApiKey) {
            list.set(Some(ListState::NeedsCredentials));
            return;
        }
        list.set(Some(ListState::loading()));
        let config = self.config.get_value();
        let state = *self;
        spawn_local(async move {
            let loaded = lists::load_all(&config, credentials.as_ref(), resource, |_, _| {}).await;
            let latest = state
                .list_loads
                .try_with_value(|t| ticket.is_some_and(|n| t[slot].is_latest(n)));
            if latest != Some(true) {
                return;
            }
            list.set(Some(match loaded {
                Ok(choices) => ListState::Loaded(Arc::new(ChoiceList::new(choices))),
                Err(error) => ListState::Failed(error),
            }));
            state.refresh_statuses();
        });
    }

    /// Each row's state from what was kept of earlier runs.
    fn refresh_statuses(&self) {
        let kept = self.kept.get_value();
        let statuses = self
            .checked
            .with_untracked(|rows| run::kept_statuses(rows, &kept));
        self.run.update(|r| r.statuses = statuses);
        let sent = storage::read_sent(&self.config.with_value(|c| c.domain.clone()));
        let tab = self.tab.get_value();
        let elsewhere = self.checked.with_untracked(|rows| {
            rows.iter().any(|row| {
                kept.status(&row.username).is_none() && sent.sent_elsewhere(&tab, &row.username)
            })
        });
        self.elsewhere
            .set(elsewhere || (self.record_lost && self.file.with_untracked(Option::is_some)));
    }

    /// HQ's Mobile Workers list of the project space.
    pub fn mobile_workers_url(&self) -> String {
        self.config.with_value(Config::mobile_workers_url)
    }

    /// Starts (or resumes) the run, unless something stands in the way. One run at a time: a
    /// loop left waiting by a pause ends at its next step.
    pub fn start(&self) {
        if self.phase.get_untracked() == Phase::Running {
            return;
        }
        self.tried.set(true);
        if !self.problems().is_empty() {
            return;
        }
        self.tried.set(false);
        if self.statuses.with_untracked(Vec::len) != self.checked.with_untracked(Vec::len) {
            self.refresh_statuses();
        }
        if self.run.try_update(Run::start) != Some(true) {
            return;
        }
        let generate = self.generate.get_untracked();
        self.kept.update_value(|kept| kept.generate = generate);
        self.save_kept();
        let number = self
            .runs
            .try_update_value(|t| t.issue())
            .unwrap_or_default();
        let state = *self;
        spawn_local(async move { state.drive(number).await });
    }

    pub fn pause(&self) {
        self.run.update(Run::pause);
    }

    pub fn stop(&self) {
        self.run.update(Run::stop);
    }

    /// Records what became of `username`, kept across reloads (in sessionStorage).
    fn keep(&self, username: &str, status: &Status) {
        self.kept.update_value(|kept| kept.record(username, status));
        self.save_kept();
        if *status == Status::Sending {
            let domain = self.config.with_value(|c| c.domain.clone());
            self.tab
                .with_value(|tab| storage::note_sent(&domain, tab, username));
        }
    }

    fn save_kept(&self) {
        let domain = self.config.with_value(|c| c.domain.clone());
        self.kept
            .with_value(|kept| storage::write_kept(&domain, kept));
    }

    /// The password generated for `row`, kept by username for the results file only.
    fn generated_password(&self, row: &Checked) -> Option<String> {
        let name = normalise_username(&row.username);
        let kept = self.passwords.with_value(|p| p.get(&name).cloned());
        let password = kept.or_else(password::browser::generate)?;
        self.passwords
            .update_value(|p| drop(p.insert(name, password.clone())));
        self.unsaved_passwords.set(true);
        Some(password)
    }

    /// Run `number`'s loop: a step at a time ([`Run::begin_row`], then HQ, then
    /// [`Run::finish_row`]), waiting a second at a time so a pause or stop is heard at once.
    async fn drive(self, number: u64) {
        let (config, policy) = (self.config.get_value(), self.policy());
        let latest =
            |state: &Self| state.runs.try_with_value(|t| t.is_latest(number)) == Some(true);
        while latest(&self) {
            let rows = self.checked.get_untracked();
            let mut password = |row: &Checked| self.generated_password(row);
            let step = self
                .run
                .try_update(|r| r.begin_row(&rows, &policy, now_ms() as u64, &mut password));
            self.estimate_ms
                .set(self.run.with_untracked(Run::estimate_ms));
            self.now.set(now_ms());
            match step {
                Some(Step::Wait { until, held }) => {
                    self.held_until.set(held.then_some(until as f64));
                    sleep((until.saturating_sub(now_ms() as u64)).min(1000) as i32).await;
                }
                Some(Step::Send { row, body }) => {
                    self.held_until.set(None);
                    let username = rows[row].username.clone();
                    self.keep(&username, &Status::Sending);
                    self.in_flight.set(true);
                    let answer =
                        hq::create_mobile_worker(&config, self.credentials().as_ref(), &body).await;
                    self.in_flight.set(false);
                    let answer = answer.map(|created| created.user_id);
                    let status = self
                        .run
                        .try_update(|r| r.finish_row(row, answer, now_ms() as u64));
                    let Some(status) = status else { break };
                    if let Status::Created { user_id } = &status {
                        self.tell_portal(Outgoing::Created {
                            user_id: user_id.clone(),
                            username: config.full_username(&body.username),
                        });
                    }
                    self.keep(&username, &status);
                }
                Some(Step::Done) | None => break,
            }
        }
        if latest(&self) {
            self.held_until.set(None);
        }
    }

    /// What the run is doing, in words.
    pub fn doing(&self) -> Option<Message> {
        run::doing(
            &self.phase.get(),
            &self.counts(),
            self.held_until.get(),
            self.now.get(),
        )
    }

    /// What a screen reader hears of it.
    pub fn announced(&self) -> Option<Message> {
        run::announced(
            &self.phase.get(),
            &self.counts(),
            self.held_until.get(),
            self.now.get(),
        )
    }

    /// The time the run still needs, while it runs.
    pub fn time_left(&self) -> Option<Message> {
        run::time_left(&self.phase.get(), &self.counts(), self.estimate_ms.get())
    }

    /// The rows HQ refused or that may have been created.
    pub fn not_created(&self) -> Vec<NotCreated> {
        self.checked.with(|rows| {
            self.statuses
                .with(|statuses| run::not_created(rows, statuses))
        })
    }

    fn tell_portal(&self, message: Outgoing) {
        let allowed = self.config.with_value(|c| c.parent_origins.clone());
        mobile_worker_form::portal::browser::post(&message, &allowed);
    }

    /// The results file: every row of the file, what became of it, and the passwords
    /// generated in this page's life.
    pub fn results(&self) -> Vec<Vec<String>> {
        self.unsaved_passwords.set(false);
        self.tables(|headers, lines| {
            results::results_table(headers, lines, &|m| self.texts.render(m))
        })
    }

    /// The rows to correct and choose again, in the file's own columns.
    pub fn rows_to_fix(&self) -> Vec<Vec<String>> {
        self.tables(results::rows_to_fix)
    }

    /// How the chosen file was written: its separator, and its sheet if it was a workbook.
    pub fn file_kind(&self) -> (u8, Option<String>) {
        self.file
            .with_untracked(|f| {
                f.as_ref()
                    .and_then(|f| f.sheet.as_ref().ok())
                    .map(|s| (s.separator, s.sheet_name.clone()))
            })
            .unwrap_or((b',', None))
    }

    /// `make` over the file's header and each row with what became of it.
    fn tables(
        &self,
        make: impl Fn(&[String], &[ResultLine]) -> Vec<Vec<String>>,
    ) -> Vec<Vec<String>> {
        let Some(Ok(sheet)) = self
            .file
            .with_untracked(|f| f.as_ref().map(|f| f.sheet.clone()))
        else {
            return Vec::new();
        };
        let checked = self.checked.get_untracked();
        let statuses = self.statuses.get_untracked();
        let passwords = self.passwords.get_value();
        let texts = self.texts;
        let problems: Vec<Vec<String>> = checked
            .iter()
            .zip(&statuses)
            .map(|(row, status)| match held_back(row, status) {
                true => row.problems.iter().map(|m| texts.render(m)).collect(),
                false => Vec::new(),
            })
            .collect();
        let lines: Vec<ResultLine> = sheet
            .rows
            .iter()
            .zip(&checked)
            .zip(&statuses)
            .zip(&problems)
            .map(|(((row, checked), status), problems)| ResultLine {
                cells: &row.cells,
                status,
                problems,
                password: passwords
                    .get(&normalise_username(&checked.username))
                    .map(String::as_str),
            })
            .collect();
        make(&sheet.headers, &lines)
    }

    /// The header of a file for this project, in HQ's column names and order.
    pub fn template_header(&self) -> Vec<String> {
        let policy = self.policy();
        let fields: Vec<String> = policy.user_fields.iter().map(|f| f.slug.clone()).collect();
        sheet::template_header(&fields, !policy.profiles.is_empty())
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
