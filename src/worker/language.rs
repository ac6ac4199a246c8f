//! The worker's app language: a code an app language can be.

use super::text::optional;
use crate::i18n::Message;

/// Language codes CommCare apps commonly use, offered in a select with the catalogue key of
/// their name; any other code can be typed.
pub const COMMON_LANGUAGES: [(&str, &str); 14] = [
    ("en", "app_language.en"),
    ("fra", "app_language.fra"),
    ("por", "app_language.por"),
    ("spa", "app_language.spa"),
    ("ara", "app_language.ara"),
    ("hin", "app_language.hin"),
    ("ben", "app_language.ben"),
    ("urd", "app_language.urd"),
    ("swa", "app_language.swa"),
    ("amh", "app_language.amh"),
    ("hau", "app_language.hau"),
    ("ind", "app_language.ind"),
    ("nep", "app_language.nep"),
    ("tel", "app_language.tel"),
];

/// An app language in CommCare must match `^[a-z]{2,3}(-[a-z]*)?$` (`validate_lang`); HQ
/// stores any string, but a code outside that shape can never match one of the apps' languages.
pub fn check_language(typed: &str) -> Result<Option<String>, Message> {
    let Some(code) = optional(typed) else {
        return Ok(None);
    };
    let (primary, region) = match code.split_once('-') {
        Some((p, r)) => (p, Some(r)),
        None => (code, None),
    };
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase());
    let region_ok = region.is_none_or(|r| r.chars().all(|c| c.is_ascii_lowercase()));
    if primary_ok && region_ok {
        Ok(Some(code.to_string()))
    } else {
        let lower = code.to_ascii_lowercase().replace('_', "-");
        let message = Message::new("rule.language.shape").text("code", code);
        Err(if lower != code && check_language(&lower).is_ok() {
            Message::new("rule.did_you_mean")
                .message("problem", message)
                .text("suggestion", lower)
        } else {
            message
        })
    }
}
