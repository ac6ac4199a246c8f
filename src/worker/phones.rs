//! Phone numbers, cleaned as every HQ entry point cleans them.

use super::text::{is_hq_space, optional};
use crate::i18n::Message;

/// E.164 allows at most 15 digits including the country code.
pub const PHONE_MAX_DIGITS: usize = 15;

/// The number as HQ stores it: every entry point strips white space (Python's, so NBSP and
/// U+202F too), `+` and `-`, and nothing else.
pub fn normalise_phone_number(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !(is_hq_space(*c) || matches!(c, '+' | '-')))
        .collect()
}

pub fn check_phone_number(typed: &str, position: usize) -> Result<Option<String>, Message> {
    if optional(typed).is_none() {
        return Ok(None);
    }
    let phone = |key| Message::new(key).number("position", position);
    let digits = normalise_phone_number(typed);
    if digits.is_empty() {
        return Err(phone("rule.phone.no_digits"));
    }
    if digits.contains(['(', ')']) {
        // Dropping them would keep a trunk 0 and store a number that cannot be dialled.
        return Err(phone("rule.phone.brackets"));
    }
    let mut bad: Vec<char> = digits.chars().filter(|c| !c.is_ascii_digit()).collect();
    if !bad.is_empty() {
        bad.dedup();
        return Err(phone("rule.phone.characters").chars("chars", bad));
    }
    if digits.len() > PHONE_MAX_DIGITS {
        return Err(phone("rule.phone.too_long")
            .number("max", PHONE_MAX_DIGITS)
            .number("length", digits.len()));
    }
    Ok(Some(digits))
}
