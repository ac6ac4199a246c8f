//! When the next creation may go out. HQ limits creations per project in every second,
//! minute, hour and day, and answers 429 (with no hint of when to try again) once a limit is
//! reached; a new project may create 10 a minute, 30 an hour and 50 a day. So the run starts
//! below one a second, and each 429 makes it wait, longer each time, and go on at half the
//! pace; each creation after that lets it speed up a little again.
//!
//! Times are milliseconds on the run's own clock, so the logic can be tested without one.

/// The pace at the start: below HQ's one a second.
pub const START_INTERVAL_MS: u64 = 1_200;
/// The slowest pace: one every ten minutes.
pub const MAX_INTERVAL_MS: u64 = 10 * 60_000;
/// The first wait after a 429, doubled for each 429 that follows it.
pub const FIRST_WAIT_MS: u64 = 15_000;
/// The longest wait after a 429.
pub const MAX_WAIT_MS: u64 = 15 * 60_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacer {
    interval: u64,
    wait: u64,
    next_at: u64,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer {
            interval: START_INTERVAL_MS,
            wait: 0,
            next_at: 0,
        }
    }
}

impl Pacer {
    /// When the next request may go out.
    pub fn next_at(&self) -> u64 {
        self.next_at
    }

    /// A request went out at `now`.
    pub fn sent(&mut self, now: u64) {
        self.next_at = now + self.interval;
    }

    /// HQ answered at `now`; `limited` when it was a 429, which means the request is to be
    /// made again.
    pub fn answered(&mut self, now: u64, limited: bool) {
        if limited {
            self.wait = if self.wait == 0 {
                FIRST_WAIT_MS
            } else {
                (self.wait * 2).min(MAX_WAIT_MS)
            };
            self.interval = (self.interval * 2).min(MAX_INTERVAL_MS);
            self.next_at = now + self.wait;
        } else {
            self.wait = 0;
            self.interval = (self.interval - self.interval / 20).max(START_INTERVAL_MS);
            self.next_at = self.next_at.max(now);
        }
    }

    /// Whether the run is waiting out a 429.
    pub fn held_back(&self) -> bool {
        self.wait > 0
    }

    /// About how long `remaining` more creations take at the present pace.
    pub fn estimate_ms(&self, remaining: usize) -> u64 {
        self.interval * remaining as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `answers` (true: 429) with each answer `latency` ms after its request; the times
    /// each request went out.
    fn run(answers: &[bool], latency: u64) -> Vec<u64> {
        let (mut pacer, mut now, mut sent) = (Pacer::default(), 0, Vec::new());
        for &limited in answers {
            now = now.max(pacer.next_at());
            sent.push(now);
            pacer.sent(now);
            now += latency;
            pacer.answered(now, limited);
        }
        sent
    }

    #[test]
    fn it_starts_below_one_a_second() {
        assert_eq!(run(&[false; 4], 100), [0, 1_200, 2_400, 3_600]);
        // A slow answer delays the next request no more than it must.
        assert_eq!(run(&[false; 3], 2_000), [0, 2_000, 4_000]);
    }

    #[test]
    fn each_429_waits_longer_and_slows_the_pace() {
        let sent = run(&[false, true, true, true, false, false], 100);
        assert_eq!(sent[1], 1_200);
        // The 429 at 1.3 s: wait 15 s, then 30 s, then 60 s.
        assert_eq!(sent[2], 1_300 + 15_000);
        assert_eq!(sent[3], sent[2] + 100 + 30_000);
        assert_eq!(sent[4], sent[3] + 100 + 60_000);
        // Then on at an eighth of the pace (three halvings), a little faster after a success.
        assert_eq!(sent[5] - sent[4], 1_200 * 8);
    }

    #[test]
    fn waits_and_pace_have_a_ceiling_and_speed_comes_back() {
        let mut pacer = Pacer::default();
        for n in 0..20 {
            pacer.sent(n);
            pacer.answered(n, true);
        }
        assert!(pacer.held_back());
        assert_eq!(pacer.next_at(), 19 + MAX_WAIT_MS);
        assert_eq!(pacer.estimate_ms(1), MAX_INTERVAL_MS);
        let mut now = pacer.next_at();
        for _ in 0..200 {
            pacer.sent(now);
            pacer.answered(now, false);
            now = pacer.next_at();
        }
        assert!(!pacer.held_back());
        assert_eq!(pacer.estimate_ms(10), 10 * START_INTERVAL_MS);
    }
}
