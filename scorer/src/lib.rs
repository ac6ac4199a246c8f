//! The password strength scorer: zxcvbn and its word lists, about 640 KB brotli, far more
//! than the rest of the page. So it runs in a Web Worker of its own
//! (`mobile-worker-scorer_loader.js`, built by trunk beside the page), started the first time
//! a strong-password project's password field is used; the form stays usable while it loads.
//!
//! The form and the worker speak JSON: the form sends a [`Question`], the worker answers with
//! a [`Strength`]. Both types live here, and the form depends on this crate without its
//! `worker` feature, so it gets them without zxcvbn.

use serde::{Deserialize, Serialize};

/// What the form asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub password: String,
    /// Words counted as known: HQ's (`commcare`, `hq`, `dimagi`, `commcarehq`) and the username.
    pub words: Vec<String>,
}

/// The verdict on one password: zxcvbn's score (0 to 4) and its feedback as codes the form's
/// catalogue has texts for. It repeats the question, so the form can tell an answer about
/// what was typed a moment ago from one about what is there now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strength {
    pub password: String,
    pub words: Vec<String>,
    pub score: u8,
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
}

impl Strength {
    /// Whether this verdict is about `question`.
    pub fn answers(&self, question: &Question) -> bool {
        self.password == question.password && self.words == question.words
    }
}

/// Every feedback code the scorer sends.
pub const FEEDBACK_CODES: [&str; 27] = [
    "straight_rows",
    "short_keyboard_patterns",
    "repeats_aaa",
    "repeats_abcabc",
    "top10",
    "top100",
    "common",
    "similar_to_common",
    "sequences",
    "recent_years",
    "word_by_itself",
    "dates",
    "names_by_themselves",
    "common_names",
    "use_a_few_words",
    "no_need_for_symbols",
    "add_another_word",
    "capitalization",
    "all_uppercase",
    "reversed_words",
    "predictable_substitutions",
    "longer_keyboard_pattern",
    "avoid_repeats",
    "avoid_sequences",
    "avoid_recent_years",
    "avoid_years",
    "avoid_dates",
];

#[cfg(feature = "worker")]
mod score {
    use super::{Question, Strength};
    use zxcvbn::feedback::{Suggestion, Warning};

    fn warning_code(warning: Warning) -> &'static str {
        match warning {
            Warning::StraightRowsOfKeysAreEasyToGuess => "straight_rows",
            Warning::ShortKeyboardPatternsAreEasyToGuess => "short_keyboard_patterns",
            Warning::RepeatsLikeAaaAreEasyToGuess => "repeats_aaa",
            Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => "repeats_abcabc",
            Warning::ThisIsATop10Password => "top10",
            Warning::ThisIsATop100Password => "top100",
            Warning::ThisIsACommonPassword => "common",
            Warning::ThisIsSimilarToACommonlyUsedPassword => "similar_to_common",
            Warning::SequencesLikeAbcAreEasyToGuess => "sequences",
            Warning::RecentYearsAreEasyToGuess => "recent_years",
            Warning::AWordByItselfIsEasyToGuess => "word_by_itself",
            Warning::DatesAreOftenEasyToGuess => "dates",
            Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => "names_by_themselves",
            Warning::CommonNamesAndSurnamesAreEasyToGuess => "common_names",
        }
    }

    fn suggestion_code(suggestion: Suggestion) -> &'static str {
        match suggestion {
            Suggestion::UseAFewWordsAvoidCommonPhrases => "use_a_few_words",
            Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => "no_need_for_symbols",
            Suggestion::AddAnotherWordOrTwo => "add_another_word",
            Suggestion::CapitalizationDoesntHelpVeryMuch => "capitalization",
            Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => "all_uppercase",
            Suggestion::ReversedWordsArentMuchHarderToGuess => "reversed_words",
            Suggestion::PredictableSubstitutionsDontHelpVeryMuch => "predictable_substitutions",
            Suggestion::UseALongerKeyboardPatternWithMoreTurns => "longer_keyboard_pattern",
            Suggestion::AvoidRepeatedWordsAndCharacters => "avoid_repeats",
            Suggestion::AvoidSequences => "avoid_sequences",
            Suggestion::AvoidRecentYears => "avoid_recent_years",
            Suggestion::AvoidYearsThatAreAssociatedWithYou => "avoid_years",
            Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => "avoid_dates",
        }
    }

    /// zxcvbn's verdict on the question's password, the question's words counted as known.
    pub fn score(question: Question) -> Strength {
        let words: Vec<&str> = question.words.iter().map(String::as_str).collect();
        let entropy = zxcvbn::zxcvbn(&question.password, &words);
        let feedback = entropy.feedback();
        Strength {
            score: u8::from(entropy.score()),
            warning: feedback
                .and_then(|f| f.warning())
                .map(|w| warning_code(w).to_string()),
            suggestions: feedback
                .map(|f| {
                    f.suggestions()
                        .iter()
                        .map(|s| suggestion_code(*s).to_string())
                        .collect()
                })
                .unwrap_or_default(),
            password: question.password,
            words: question.words,
        }
    }

    /// One message from the form, answered; `None` for a message that is not a question.
    pub fn answer(message: &str) -> Option<String> {
        let question: Question = serde_json::from_str(message).ok()?;
        serde_json::to_string(&score(question)).ok()
    }
}

#[cfg(feature = "worker")]
pub use score::{answer, score};

/// In the worker: every message is a question, answered by a message.
#[cfg(all(feature = "worker", target_arch = "wasm32"))]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(answer) = event.data().as_string().as_deref().and_then(answer) {
                let _ = reply_to.post_message(&JsValue::from_str(&answer));
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Tells the form the scorer is running (the form shows "checking" until then).
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

#[cfg(all(test, feature = "worker"))]
mod tests {
    use super::*;

    fn ask(password: &str, username: &str) -> Strength {
        let mut words: Vec<String> = ["commcare", "hq", "dimagi", "commcarehq"]
            .map(String::from)
            .to_vec();
        words.push(username.into());
        score(Question {
            password: password.into(),
            words,
        })
    }

    /// zxcvbn's own reference examples (its README and test suite): the scores HQ's rule is
    /// built on, so a version of the scorer that scores them differently is noticed.
    #[test]
    fn scores_match_zxcvbns_reference_examples() {
        for (password, score) in [
            ("password", 0),
            ("p4ssw0rd", 0),
            ("123456", 0),
            ("qwerty", 0),
            ("correcthorsebatterystaple", 4),
            ("correct horse battery staple", 4),
            ("r0sebudmaelstrom11/20/91aaaa", 4),
            ("Tr0ub4dour&3", 2),
            ("TestMeNow!", 3),
            ("hey<123", 2),
            ("Imaginative-Say-Shoulder-Dish-0", 4),
            ("08märz2010", 3),
            ("𐰊𐰂𐰄𐰀𐰁", 1),
        ] {
            assert_eq!(ask(password, "amina").score, score, "{password}");
        }
    }

    #[test]
    fn hqs_words_and_the_username_count_as_known() {
        assert!(ask("dimagi2024", "amina").score < 2);
        assert!(ask("commcarehq!", "amina").score < 2);
        let own_name = ask("kwame.asante", "kwame.asante");
        let someone_else = ask("kwame.asante", "amina");
        assert!(
            own_name.score < someone_else.score,
            "{own_name:?} {someone_else:?}"
        );
    }

    #[test]
    fn feedback_is_sent_as_known_codes() {
        let top = ask("password", "amina");
        assert_eq!(top.warning.as_deref(), Some("top10"));
        assert!(!top.suggestions.is_empty());
        for answer in [
            top,
            ask("qwertyuiop", "x"),
            ask("aaaaaaaa", "x"),
            ask("2019", "x"),
        ] {
            for code in answer.warning.iter().chain(&answer.suggestions) {
                assert!(FEEDBACK_CODES.contains(&code.as_str()), "{code}");
            }
        }
    }

    #[test]
    fn the_worker_answers_questions_and_ignores_anything_else() {
        let reply = answer(r#"{"password": "password", "words": []}"#).unwrap();
        let strength: Strength = serde_json::from_str(&reply).unwrap();
        assert_eq!(
            (strength.score, strength.password.as_str()),
            (0, "password")
        );
        assert_eq!(answer("ready"), None);
        assert_eq!(answer(r#"{"password": 1}"#), None);
    }
}
