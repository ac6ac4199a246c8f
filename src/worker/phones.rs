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

/// Fewer digits than this cannot hold a country code and a subscriber's number.
pub const PHONE_MIN_DIGITS: usize = 8;

/// A number HQ takes but that cannot work for SMS, which CommCare sends only to numbers with
/// their country code: one starting with 0 (a trunk prefix), or too short to hold the code.
/// HQ itself accepts both (`validate_phone_number` asks only for digits), so this is said,
/// never refused. `None` for a number that looks whole, or one the rules refuse anyway.
pub fn phone_warning(typed: &str) -> Option<Message> {
    let digits = normalise_phone_number(typed);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if digits.starts_with('0') {
        Some(Message::new("warning.phone.trunk_prefix"))
    } else if digits.len() < PHONE_MIN_DIGITS {
        Some(Message::new("warning.phone.short").number("count", digits.len()))
    } else {
        None
    }
}

/// `typed` with `country_code` in place of its trunk 0 (`0772 987654`, `256` →
/// `+256772987654`); `None` for a number that does not start with 0.
pub fn with_country_code(typed: &str, country_code: &str) -> Option<String> {
    let digits = normalise_phone_number(typed);
    let national = digits.strip_prefix('0')?.trim_start_matches('0');
    (!national.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("+{country_code}{national}"))
}

#[cfg(test)]
mod warning_tests {
    use super::*;

    #[test]
    fn a_number_without_its_country_code_is_questioned_not_refused() {
        let key = |typed| phone_warning(typed).map(|m| m.key.to_string());
        assert_eq!(
            key("0772 987654").as_deref(),
            Some("warning.phone.trunk_prefix")
        );
        assert_eq!(key("+256 772 987654"), None);
        assert_eq!(key("772 987").as_deref(), Some("warning.phone.short"));
        assert_eq!(key(""), None);
        assert_eq!(key("12ab"), None, "the rules refuse it; no warning on top");
        assert!(check_phone_number("0772 987654", 1).is_ok());
    }

    #[test]
    fn the_country_code_takes_the_place_of_the_trunk_zero() {
        assert_eq!(
            with_country_code("0772 987-654", "256").as_deref(),
            Some("+256772987654")
        );
        assert_eq!(with_country_code("256772987654", "256"), None);
        assert_eq!(with_country_code("0", "256"), None);
        assert_eq!(with_country_code("0x1", "256"), None);
    }
}
