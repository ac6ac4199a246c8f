//! Strong mobile passwords, for projects that require them, and generated passwords.
//!
//! HQ's rule (`corehq/apps/domain/extension_points.py`, `clean_password`): at least 8
//! characters, then a zxcvbn score of at least 2 with `commcare`, `hq`, `dimagi` and
//! `commcarehq` counted as known words. This form also counts the username, so a password
//! made of the worker's own name is refused. The scorer itself (zxcvbn and its word lists) is
//! far bigger than the rest of the page, so it lives in its own module, `scorer/`, loaded the
//! first time a strong-password project's password field is used; this module holds what the
//! page needs before and around it.

use super::text::{contains, hq_strip};
use crate::i18n::Message;
use crate::json::Json;

/// The password HQ's own dialog would set: outer white space stripped (Django's
/// `CharField(strip=True)`), where the API alone would store it verbatim.
pub fn check_password(typed: &str) -> Result<String, Message> {
    if typed.is_empty() {
        Err(Message::new("rule.password.missing"))
    } else if hq_strip(typed).is_empty() {
        Err(Message::new("rule.password.only_spaces"))
    } else if typed.contains('\0') {
        // Django's form refuses it; through the API it would fail after the account exists.
        Err(contains(Message::new("label.password"), '\0'))
    } else {
        Ok(hq_strip(typed).to_string())
    }
}

pub const MIN_LENGTH: usize = 8;
pub const MIN_SCORE: u8 = 2;
/// Words zxcvbn is told about, besides the username.
pub const KNOWN_WORDS: [&str; 4] = ["commcare", "hq", "dimagi", "commcarehq"];
/// The length of a generated password: HQ's own generator makes 10 to 14 characters.
pub const GENERATED_LENGTH: usize = 14;

pub use mobile_worker_scorer::{Question, Strength};

/// The question for `password` (as HQ strips it) under `username`.
pub fn question(password: &str, username: &str) -> Question {
    let mut words: Vec<String> = KNOWN_WORDS.iter().map(|w| w.to_string()).collect();
    if !username.is_empty() {
        words.push(username.to_string());
    }
    Question {
        password: password.to_string(),
        words,
    }
}

/// Every feedback code the scorer can send, with its catalogue text. Unknown codes are left
/// out rather than shown raw.
pub const FEEDBACK: [(&str, &str); 27] = [
    ("straight_rows", "strength.feedback.straight_rows"),
    (
        "short_keyboard_patterns",
        "strength.feedback.short_keyboard_patterns",
    ),
    ("repeats_aaa", "strength.feedback.repeats_aaa"),
    ("repeats_abcabc", "strength.feedback.repeats_abcabc"),
    ("top10", "strength.feedback.top10"),
    ("top100", "strength.feedback.top100"),
    ("common", "strength.feedback.common"),
    ("similar_to_common", "strength.feedback.similar_to_common"),
    ("sequences", "strength.feedback.sequences"),
    ("recent_years", "strength.feedback.recent_years"),
    ("word_by_itself", "strength.feedback.word_by_itself"),
    ("dates", "strength.feedback.dates"),
    (
        "names_by_themselves",
        "strength.feedback.names_by_themselves",
    ),
    ("common_names", "strength.feedback.common_names"),
    ("use_a_few_words", "strength.feedback.use_a_few_words"),
    (
        "no_need_for_symbols",
        "strength.feedback.no_need_for_symbols",
    ),
    ("add_another_word", "strength.feedback.add_another_word"),
    ("capitalization", "strength.feedback.capitalization"),
    ("all_uppercase", "strength.feedback.all_uppercase"),
    ("reversed_words", "strength.feedback.reversed_words"),
    (
        "predictable_substitutions",
        "strength.feedback.predictable_substitutions",
    ),
    (
        "longer_keyboard_pattern",
        "strength.feedback.longer_keyboard_pattern",
    ),
    ("avoid_repeats", "strength.feedback.avoid_repeats"),
    ("avoid_sequences", "strength.feedback.avoid_sequences"),
    ("avoid_recent_years", "strength.feedback.avoid_recent_years"),
    ("avoid_years", "strength.feedback.avoid_years"),
    ("avoid_dates", "strength.feedback.avoid_dates"),
];

/// The catalogue key of a feedback code.
pub fn feedback_key(code: &str) -> Option<&'static str> {
    FEEDBACK
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, key)| *key)
}

/// Where the strength of a password stands, as the meter shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Shorter than HQ's minimum: no need to ask the scorer.
    TooShort,
    /// The scorer is loading or thinking.
    Checking,
    /// The scorer could not be loaded; a generated password is still known to be strong.
    Unavailable,
    Weak(u8),
    Strong(u8),
}

/// The verdict on `password`, given the scorer's answer to the same question (if any), whether
/// the scorer failed to load, and the last generated password (strong by construction).
pub fn verdict(
    question: &Question,
    answer: Option<&Strength>,
    scorer_failed: bool,
    generated: Option<&str>,
) -> Verdict {
    if question.password.chars().count() < MIN_LENGTH {
        return Verdict::TooShort;
    }
    if generated == Some(question.password.as_str()) {
        return Verdict::Strong(4);
    }
    match answer.filter(|a| a.answers(question)) {
        Some(a) => Verdict::of_score(a.score),
        None if scorer_failed => Verdict::Unavailable,
        None => Verdict::Checking,
    }
}

impl Verdict {
    /// HQ's rule on a zxcvbn score.
    pub fn of_score(score: u8) -> Self {
        if score >= MIN_SCORE {
            Verdict::Strong(score)
        } else {
            Verdict::Weak(score)
        }
    }

    /// What the meter shows: while a new answer is awaited, the verdict on the last password
    /// scored stands, so a screen reader does not hear "checking" after every keystroke.
    pub fn shown(self, last: Option<&Strength>) -> Self {
        match (self, last) {
            (Verdict::Checking, Some(last)) => Verdict::of_score(last.score),
            (verdict, _) => verdict,
        }
    }
}

/// The rule: `Ok` for a strong password, else what the operator should do.
pub fn check_strong(verdict: Verdict) -> Result<(), Message> {
    match verdict {
        Verdict::Strong(_) => Ok(()),
        Verdict::TooShort => Err(Message::new("rule.password.too_short").number("min", MIN_LENGTH)),
        Verdict::Weak(_) => Err(Message::new("rule.password.weak")),
        Verdict::Checking => Err(Message::new("rule.password.checking")),
        Verdict::Unavailable => Err(Message::new("rule.password.unavailable")),
    }
}

const LOWER: &str = "abcdefghijkmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &str = "23456789";
const SPECIAL: &str = "!#$%&*+-=?@_";

/// A password in HQ's shape: at least one lower-case letter, upper-case letter, digit and
/// special character, [`GENERATED_LENGTH`] in all, easy to read aloud (no `l`, `I`, `O`, `0`,
/// `1`), and never starting with a symbol: a spreadsheet would read `=`, `+`, `-` or `@` first as
/// a formula (bulk creation's results file holds generated passwords). `below(n)` must answer a
/// uniformly random number under `n` (the browser's crypto generator in the page).
pub fn generate(mut below: impl FnMut(u32) -> u32) -> String {
    let sets = [LOWER, UPPER, DIGITS, SPECIAL];
    let all: String = sets.concat();
    let pick = |set: &str, below: &mut dyn FnMut(u32) -> u32| {
        let chars: Vec<char> = set.chars().collect();
        chars[below(chars.len() as u32) as usize]
    };
    let mut chars: Vec<char> = sets.iter().map(|set| pick(set, &mut below)).collect();
    while chars.len() < GENERATED_LENGTH {
        chars.push(pick(&all, &mut below));
    }
    // Fisher–Yates, so the guaranteed characters are not always first.
    for i in (1..chars.len()).rev() {
        let j = below(i as u32 + 1) as usize;
        chars.swap(i, j);
    }
    if let Some(letter) = chars.iter().position(|c| c.is_ascii_alphanumeric()) {
        chars.swap(0, letter);
    }
    chars.into_iter().collect()
}

/// A uniformly random number under `n` from uniformly random 32-bit words: words from the
/// uneven top of the range are drawn again rather than folded in.
pub fn below(n: u32, mut word: impl FnMut() -> u32) -> u32 {
    let zone = u32::MAX - u32::MAX % n;
    loop {
        let w = word();
        if w < zone {
            return w % n;
        }
    }
}

/// The question as the scorer reads it.
pub fn write_question(question: &Question) -> String {
    Json::object([
        ("password", Json::from(question.password.as_str())),
        ("words", Json::texts(&question.words)),
    ])
    .write()
}

/// The scorer's answer, read from its JSON (an answer is five fields).
pub fn read_answer(text: &str) -> Option<Strength> {
    let value = Json::parse(text).ok()?;
    let texts = |key: &str| value.get(key)?.as_texts();
    Some(Strength {
        password: value.get("password")?.as_str()?.to_string(),
        words: texts("words")?,
        score: u8::try_from(value.get("score")?.as_whole()?).ok()?,
        warning: value
            .get("warning")
            .and_then(Json::as_str)
            .map(str::to_string),
        suggestions: texts("suggestions")?,
    })
}

/// Browser side: the crypto generator and the scorer's worker.
pub mod browser {
    use super::{Question, Strength};
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    /// A generated password from the browser's cryptographic random numbers.
    pub fn generate() -> Option<String> {
        let crypto = web_sys::window()?.crypto().ok()?;
        let mut failed = false;
        let password = super::generate(|n| {
            super::below(n, || {
                let mut word = [0u8; 4];
                failed |= crypto.get_random_values_with_u8_array(&mut word).is_err();
                u32::from_le_bytes(word)
            })
        });
        (!failed).then_some(password)
    }

    /// The scorer's start, written by trunk beside the page (`index.html`'s worker link).
    pub const SCORER: &str = "mobile-worker-scorer_loader.js";

    /// The scorer's worker, started by the first question. It says `ready` once it listens;
    /// until then questions wait (of the form's, only the latest). `None` once it has failed.
    struct Worker {
        worker: Option<web_sys::Worker>,
        ready: bool,
        waiting: Vec<String>,
    }

    thread_local! {
        static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    }

    /// How long the scorer may take to load before the form says it could not (640 KB: about
    /// 4 s on slow 4G, longer on 3G).
    const PATIENCE_MS: u64 = 60_000;

    /// Asks the scorer about `question`, starting it if need be (`SCORER`, beside the page).
    /// `on_answer` hears each answer, or `None` once if the scorer cannot be loaded (it is not
    /// tried again in this page's life); the first call's `on_answer` is the one kept.
    pub fn ask(question: &Question, on_answer: impl Fn(Option<Strength>) + 'static) {
        ask_each(std::slice::from_ref(question), true, on_answer);
    }

    /// `ask` about each of `questions` (bulk creation's rows): every one is answered.
    pub fn ask_all(questions: &[Question], on_answer: impl Fn(Option<Strength>) + 'static) {
        ask_each(questions, false, on_answer);
    }

    /// `latest_only`: a question waiting for the scorer to load replaces the one before.
    fn ask_each(
        questions: &[Question],
        latest_only: bool,
        on_answer: impl Fn(Option<Strength>) + 'static,
    ) {
        let on_answer: std::rc::Rc<dyn Fn(Option<Strength>)> = std::rc::Rc::new(on_answer);
        let started = WORKER.with_borrow_mut(|slot| {
            let fresh = slot.is_none();
            let w = slot.get_or_insert_with(|| Worker {
                worker: start(on_answer.clone()),
                ready: false,
                waiting: Vec::new(),
            });
            if latest_only {
                w.waiting.clear();
            }
            for message in questions.iter().map(super::write_question) {
                match &w.worker {
                    Some(worker) if w.ready => {
                        let _ = worker.post_message(&JsValue::from_str(&message));
                    }
                    Some(_) => w.waiting.push(message),
                    None => {}
                }
            }
            fresh.then_some(w.worker.is_some())
        });
        if started == Some(false) {
            on_answer(None);
        }
    }

    /// Gives up on the scorer: it failed to load, or took too long.
    fn fail(on_answer: &dyn Fn(Option<Strength>)) {
        let failed = WORKER.with_borrow_mut(|slot| {
            let worker = slot.as_mut().and_then(|w| w.worker.take());
            if let Some(worker) = &worker {
                worker.terminate();
            }
            worker.is_some()
        });
        if failed {
            on_answer(None);
        }
    }

    fn start(on_answer: std::rc::Rc<dyn Fn(Option<Strength>)>) -> Option<web_sys::Worker> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(SCORER, &options).ok()?;
        let answered = on_answer.clone();
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                if text == "ready" {
                    WORKER.with_borrow_mut(|slot| {
                        if let Some(Worker {
                            worker: Some(worker),
                            ready,
                            waiting,
                        }) = slot
                        {
                            *ready = true;
                            for message in waiting.drain(..) {
                                let _ = worker.post_message(&JsValue::from_str(&message));
                            }
                        }
                    });
                } else if let Some(strength) = super::read_answer(&text) {
                    answered(Some(strength));
                }
            });
        let failed = on_answer.clone();
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_| fail(&*failed));
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // They live as long as the worker, which lives as long as the page.
        on_message.forget();
        on_error.forget();
        leptos::prelude::set_timeout(
            move || {
                let loaded = WORKER.with_borrow(|slot| slot.as_ref().is_some_and(|w| w.ready));
                if !loaded {
                    fail(&*on_answer);
                }
            },
            std::time::Duration::from_millis(PATIENCE_MS),
        );
        Some(worker)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(password: &str, score: u8) -> Strength {
        let q = question(password, "amina");
        Strength {
            password: q.password,
            words: q.words,
            score,
            warning: None,
            suggestions: vec![],
        }
    }

    #[test]
    fn the_rule_follows_hq_length_first_then_the_score() {
        let q = question("short1!", "amina");
        assert_eq!(verdict(&q, None, false, None), Verdict::TooShort);
        let q = question("password", "amina");
        assert_eq!(verdict(&q, None, false, None), Verdict::Checking);
        assert_eq!(verdict(&q, None, true, None), Verdict::Unavailable);
        assert_eq!(
            verdict(&q, Some(&answer("password", 0)), false, None),
            Verdict::Weak(0)
        );
        assert_eq!(
            verdict(&q, Some(&answer("password", 1)), false, None),
            Verdict::Weak(1)
        );
        let q = question("correct horse", "amina");
        assert_eq!(
            verdict(&q, Some(&answer("correct horse", 2)), false, None),
            Verdict::Strong(2)
        );
        // An answer about another password (typing went on) is not used.
        assert_eq!(
            verdict(&q, Some(&answer("correct hors", 4)), false, None),
            Verdict::Checking
        );
        // Nor one about the same password under another username.
        let other = question("correct horse", "bakari");
        assert_eq!(
            verdict(&other, Some(&answer("correct horse", 4)), false, None),
            Verdict::Checking
        );
        assert!(check_strong(Verdict::Strong(2)).is_ok());
        for v in [
            Verdict::TooShort,
            Verdict::Checking,
            Verdict::Unavailable,
            Verdict::Weak(1),
        ] {
            assert!(check_strong(v).is_err());
        }
    }

    #[test]
    fn while_checking_the_meter_keeps_the_last_verdict() {
        let last = answer("password", 1);
        assert_eq!(Verdict::Checking.shown(Some(&last)), Verdict::Weak(1));
        assert_eq!(Verdict::Checking.shown(None), Verdict::Checking);
        assert_eq!(Verdict::TooShort.shown(Some(&last)), Verdict::TooShort);
        assert_eq!(Verdict::Strong(3).shown(Some(&last)), Verdict::Strong(3));
    }

    #[test]
    fn a_generated_password_is_strong_without_the_scorer() {
        let q = question("Xy3!abcdefghij", "amina");
        assert_eq!(
            verdict(&q, None, true, Some("Xy3!abcdefghij")),
            Verdict::Strong(4)
        );
    }

    #[test]
    fn generated_passwords_have_hqs_shape_and_differ() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut word = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u32
        };
        let mut seen = std::collections::HashSet::new();
        for _ in 0..500 {
            let p = generate(|n| below(n, &mut word));
            assert_eq!(p.chars().count(), GENERATED_LENGTH);
            for set in [LOWER, UPPER, DIGITS, SPECIAL] {
                assert!(p.chars().any(|c| set.contains(c)), "{p} lacks one of {set}");
            }
            assert!(p
                .chars()
                .all(|c| [LOWER, UPPER, DIGITS, SPECIAL].concat().contains(c)));
            assert!(p.starts_with(|c: char| c.is_ascii_alphanumeric()), "{p}");
            seen.insert(p);
        }
        assert_eq!(seen.len(), 500);
    }

    #[test]
    fn below_is_uniform_and_redraws_the_uneven_top() {
        let mut words = [u32::MAX, u32::MAX - 1, 7].into_iter();
        // 2^32 - 1 and 2^32 - 2 lie in the uneven top for n = 10: drawn again.
        assert_eq!(below(10, || words.next().unwrap()), 7);
        let mut counts = [0u32; 6];
        let mut w = 0u32;
        for _ in 0..6000 {
            w = w.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            counts[below(6, || w) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (900..1100).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn questions_are_written_as_the_scorer_reads_them() {
        let question = Question {
            password: "p\"ss\\w\u{1}rd é".into(),
            words: vec!["hq".into(), "amina".into()],
        };
        let read: Question = serde_json::from_str(&write_question(&question)).unwrap();
        assert_eq!(read, question);
    }

    #[test]
    fn the_scorers_answers_are_read_as_it_writes_them() {
        let strength = Strength {
            password: "pass word".into(),
            words: vec!["hq".into(), "amina".into()],
            score: 1,
            warning: Some("common".into()),
            suggestions: vec!["add_another_word".into()],
        };
        let written = serde_json::to_string(&strength).unwrap();
        assert_eq!(read_answer(&written), Some(strength.clone()));
        let none = Strength {
            warning: None,
            ..strength
        };
        assert_eq!(
            read_answer(&serde_json::to_string(&none).unwrap()),
            Some(none)
        );
        for broken in [
            "ready",
            "{}",
            r#"{"password": "p", "words": [], "score": 300, "suggestions": []}"#,
        ] {
            assert_eq!(read_answer(broken), None, "{broken}");
        }
    }

    #[test]
    fn every_feedback_code_has_a_key_and_unknown_codes_none() {
        for (code, key) in FEEDBACK {
            assert_eq!(feedback_key(code), Some(key));
        }
        for code in mobile_worker_scorer::FEEDBACK_CODES {
            assert!(feedback_key(code).is_some(), "{code}");
        }
        assert_eq!(feedback_key("from_a_newer_scorer"), None);
    }
}
