//! A run over the checked rows, as plain data: which row goes next and when, what each
//! answer does to its row and to the run, Pause, Resume and Stop, and what the page says
//! about it all. Each step comes in halves, [`Run::begin_row`] and [`Run::finish_row`], so
//! host tests drive whole runs with a clock and given answers; the page only wires them to
//! signals and HQ (`state.rs`).

use crate::pacing::Pacer;
use crate::record::{Kept, Status};
use crate::rows::{self, Checked};
use mobile_worker_form::config::project_policy::ProjectPolicy;
use mobile_worker_form::hq::CreateError;
use mobile_worker_form::i18n::Message;
use mobile_worker_form::worker::{normalise_username, NewMobileWorker};

/// Where a run stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Phase {
    /// Choosing and checking a file.
    #[default]
    Preparing,
    Running,
    /// Paused by the operator; the row out is answered first.
    Paused,
    /// Stopped by the operator, or by an answer after which nothing could succeed.
    Stopped(Option<Message>),
    Finished,
}

/// What a run does after an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Go on with the next row.
    GoOn,
    /// HQ's rate limit: send the same row again once the pacer allows.
    Again,
    /// Nothing more can succeed (credentials, permissions, address): stop and say why.
    Stop(Message),
}

/// A row's status after HQ's answer, and what the run does next.
pub fn after(answer: Result<String, CreateError>) -> (Status, Next) {
    let error = match answer {
        Ok(user_id) => return (Status::Created { user_id }, Next::GoOn),
        Err(error) => error,
    };
    match error {
        CreateError::RateLimited => (Status::Waiting, Next::Again),
        // Nothing was created, and nothing else will be.
        CreateError::Unauthorized { .. }
        | CreateError::Forbidden
        | CreateError::NotFound
        | CreateError::BadCredential(_) => (Status::Waiting, Next::Stop(error.message())),
        // A hidden cross-origin answer may be a 5xx: the worker may exist, and no other row
        // can be read either.
        CreateError::CrossOrigin { .. } => {
            let message = error.message();
            (Status::Unsure { error: Some(error) }, Next::Stop(message))
        }
        error if error.may_have_created() => (Status::Unsure { error: Some(error) }, Next::GoOn),
        // A 400 (with or without HQ's reason), another 4xx, a proxy's page for one.
        error => (Status::Refused { error }, Next::GoOn),
    }
}

/// What the run does now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing before `until` (ms): the pace, or HQ's rate limit (`held`).
    Wait { until: u64, held: bool },
    /// Send row `row` (its place in the file's checked rows) with this body.
    Send {
        row: usize,
        body: Box<NewMobileWorker>,
    },
    /// The run is over for now: finished, paused or stopped (see its phase).
    Done,
}

/// A run: each row's status, the phase, and the pace, which is kept across Pause so a 429's
/// wait is not forgotten by Resume.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Run {
    pub phase: Phase,
    /// Each checked row's status, in file order.
    pub statuses: Vec<Status>,
    pub pacer: Pacer,
    /// Answers in a row that left their worker perhaps created.
    unclear_in_a_row: usize,
}

impl Run {
    /// Starts or resumes the run; `false` when it is already running.
    pub fn start(&mut self) -> bool {
        if self.phase == Phase::Running {
            return false;
        }
        self.phase = Phase::Running;
        self.unclear_in_a_row = 0;
        true
    }

    /// Pauses a running run; a request already out is answered first.
    pub fn pause(&mut self) {
        if self.phase == Phase::Running {
            self.phase = Phase::Paused;
        }
    }

    /// Stops a running or paused run.
    pub fn stop(&mut self) {
        if matches!(self.phase, Phase::Running | Phase::Paused) {
            self.phase = Phase::Stopped(None);
        }
    }

    /// The first half of a step: the next row to send, if the pace allows it now, with its
    /// body (`password` gives a generated one where the row needs it); or a wait; or the end.
    /// Rows with problems are never sent (a run starts with them only when the operator
    /// chose to skip them).
    pub fn begin_row(
        &mut self,
        rows: &[Checked],
        policy: &ProjectPolicy,
        now: u64,
        password: &mut dyn FnMut(&Checked) -> Option<String>,
    ) -> Step {
        if self.phase != Phase::Running {
            return Step::Done;
        }
        let next = rows
            .iter()
            .zip(&self.statuses)
            .position(|(row, status)| *status == Status::Waiting && row.is_ready());
        let Some(i) = next else {
            self.phase = Phase::Finished;
            return Step::Done;
        };
        let until = self.pacer.next_at();
        if now < until {
            let held = self.pacer.held_back();
            return Step::Wait { until, held };
        }
        let row = &rows[i];
        let generated = row.needs_password.then(|| password(row));
        if generated == Some(None) {
            self.phase = Phase::Stopped(Some(Message::new("bulk.error.no_random_numbers")));
            return Step::Done;
        }
        let Some(body) = rows::body(row, policy, generated.flatten().as_deref()) else {
            // The project's policies changed since the file was checked.
            self.phase = Phase::Stopped(None);
            return Step::Done;
        };
        self.statuses[i] = Status::Sending;
        self.pacer.sent(now);
        Step::Send {
            row: i,
            body: Box::new(body),
        }
    }

    /// The second half: HQ's answer to row `row`, applied to the row, the pace and the run.
    /// Returns the row's new status.
    pub fn finish_row(
        &mut self,
        row: usize,
        answer: Result<String, CreateError>,
        now: u64,
    ) -> Status {
        let limited = answer == Err(CreateError::RateLimited);
        self.pacer.answered(now, limited);
        let (status, next) = after(answer);
        self.unclear_in_a_row = match status {
            Status::Unsure { .. } => self.unclear_in_a_row + 1,
            _ => 0,
        };
        if let Some(slot) = self.statuses.get_mut(row) {
            *slot = status.clone();
        }
        if let Next::Stop(why) = next {
            self.phase = Phase::Stopped(Some(why));
        } else if self.unclear_in_a_row >= 2 && self.phase == Phase::Running {
            // Two rows in a row with no clear answer: HQ or the connection is failing, and
            // going on would only mark more rows as possibly created.
            self.phase = Phase::Stopped(Some(Message::new("bulk.error.no_clear_answers")));
        }
        status
    }

    /// How long the rows still waiting will take at the current pace.
    pub fn estimate_ms(&self) -> u64 {
        let waiting = self
            .statuses
            .iter()
            .filter(|s| **s == Status::Waiting)
            .count();
        self.pacer.estimate_ms(waiting)
    }
}

/// Each row's status as `kept` from earlier runs. Only the first row of a username can be the
/// one that was sent: a later row repeating it stays a row with a problem.
pub fn kept_statuses(rows: &[Checked], kept: &Kept) -> Vec<Status> {
    let mut seen = std::collections::HashSet::new();
    rows.iter()
        .map(|row| {
            let first = seen.insert(normalise_username(&row.username));
            match kept.status(&row.username) {
                Some(status) if first => status.clone(),
                _ => Status::Waiting,
            }
        })
        .collect()
}

/// Whether a row's problems hold it back: only a row not sent yet. One an earlier run created
/// (or may have) counts as such, whatever the file says of it now: a reload that forgot
/// "Generate a password", say, never turns created rows into problems.
pub fn held_back(row: &Checked, status: &Status) -> bool {
    !row.is_ready() && *status == Status::Waiting
}

/// How many rows stand where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub rows: usize,
    pub problems: usize,
    pub waiting: usize,
    pub created: usize,
    pub refused: usize,
    pub unsure: usize,
}

impl Counts {
    /// Each row by its state in the run (rows with problems apart).
    pub fn of(rows: &[Checked], statuses: &[Status]) -> Counts {
        let mut counts = Counts {
            rows: rows.len(),
            ..Counts::default()
        };
        for (row, status) in rows.iter().zip(statuses) {
            match status {
                _ if held_back(row, status) => counts.problems += 1,
                Status::Created { .. } => counts.created += 1,
                Status::Refused { .. } => counts.refused += 1,
                Status::Unsure { .. } | Status::Sending => counts.unsure += 1,
                Status::Waiting => counts.waiting += 1,
            }
        }
        counts
    }

    /// Rows this run sends or has sent.
    pub fn to_send(&self) -> usize {
        self.waiting + self.created + self.refused + self.unsure
    }

    pub fn done(&self) -> usize {
        self.created + self.refused + self.unsure
    }

    /// "5 of 10 sent: 3 created, 1 refused, 1 may have been created".
    pub fn said(&self) -> Message {
        Message::new("bulk.progress_counts")
            .number("done", self.done())
            .count(self.to_send())
            .message("created", Message::new("bulk.created").count(self.created))
            .message("refused", Message::new("bulk.refused").count(self.refused))
            .message("unsure", Message::new("bulk.unsure").count(self.unsure))
    }
}

/// What the run is doing, in words: `held_until` is when a rate limit lets it go on (ms, while
/// it waits), `now` the time it is; once it is done, what became of the rows.
pub fn doing(phase: &Phase, counts: &Counts, held_until: Option<f64>, now: f64) -> Option<Message> {
    Some(match phase {
        Phase::Running => match held_until {
            Some(until) => Message::new("bulk.waiting")
                .count(((until - now) / 1000.0).ceil().max(1.0) as usize),
            None => Message::new("bulk.running"),
        },
        Phase::Paused => Message::new("bulk.paused"),
        Phase::Stopped(None) => Message::new("bulk.stopped"),
        Phase::Stopped(Some(why)) => {
            Message::new("bulk.stopped_because").message("why", why.clone())
        }
        Phase::Finished => Message::new("bulk.finished")
            .number("created", counts.created)
            .number("refused", counts.refused)
            .number("skipped", counts.problems)
            .number("unsure", counts.unsure),
        Phase::Preparing => return None,
    })
}

/// What a screen reader hears: the run's state, not each second of a countdown.
pub fn announced(
    phase: &Phase,
    counts: &Counts,
    held_until: Option<f64>,
    now: f64,
) -> Option<Message> {
    match phase {
        Phase::Running if held_until.is_some() => Some(Message::new("bulk.waiting_announced")),
        _ => doing(phase, counts, held_until, now),
    }
}

/// The time the run still needs, while it runs: seconds below two minutes, else minutes.
pub fn time_left(phase: &Phase, counts: &Counts, estimate_ms: u64) -> Option<Message> {
    let seconds = (estimate_ms / 1000) as usize;
    (*phase == Phase::Running && counts.waiting > 0).then(|| {
        if seconds < 120 {
            Message::new("bulk.left_seconds").count(seconds.max(1))
        } else {
            Message::new("bulk.left_minutes").count(seconds.div_ceil(60))
        }
    })
}

/// A row that was sent and not created, as the table of such rows shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotCreated {
    /// The row as the spreadsheet numbers it.
    pub number: usize,
    pub username: String,
    /// Refused, or may have been created.
    pub outcome: Message,
    pub why: Option<Message>,
}

/// The rows HQ refused or that may have been created, in file order.
pub fn not_created(rows: &[Checked], statuses: &[Status]) -> Vec<NotCreated> {
    rows.iter()
        .zip(statuses)
        .filter_map(|(row, status)| {
            let outcome = match status {
                Status::Refused { .. } => "bulk.status.refused",
                Status::Unsure { .. } => "bulk.status.unsure",
                _ => return None,
            };
            Some(NotCreated {
                number: row.number,
                username: row.username.clone(),
                outcome: Message::new(outcome),
                why: status.reason(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
