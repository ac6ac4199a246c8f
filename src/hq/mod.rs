//! Talking to CommCare HQ: one exchange ([`exchange`](mod@exchange)), the credential it carries
//! ([`credentials`]), creating a mobile worker and reading HQ's answer ([`create`]), and the
//! project's groups and locations ([`lists`]).
//!
//! May import: `worker` (the body to send, the field an answer speaks of), `config`, `i18n`,
//! `json`. Nothing here holds signals: each request is a plain `async fn`, each answer a plain
//! value, so host tests read every answer without a browser.

pub mod create;
pub mod credentials;
pub mod exchange;
pub mod lists;

pub use create::{create_mobile_worker, read_answer, CreateError, Created};
pub use exchange::{exchange, Method, NoAnswer};

/// Numbers each request of one kind, so that an answer to an older one, arriving late, is
/// known and dropped: only the latest ticket's answer counts. The one-worker form numbers its
/// list loads with it, bulk creation its list loads and its runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tickets {
    latest: u64,
}

impl Tickets {
    /// A new request's number; every earlier one is stale from now on.
    pub fn issue(&mut self) -> u64 {
        self.latest += 1;
        self.latest
    }

    /// Whether `ticket`'s answer is still the one awaited.
    pub fn is_latest(&self, ticket: u64) -> bool {
        ticket == self.latest
    }
}

#[cfg(test)]
mod tests {
    use super::Tickets;

    #[test]
    fn only_the_latest_tickets_answer_counts() {
        let mut tickets = Tickets::default();
        let first = tickets.issue();
        assert!(tickets.is_latest(first));
        let second = tickets.issue();
        assert!(!tickets.is_latest(first) && tickets.is_latest(second));
    }
}
