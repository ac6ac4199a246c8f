//! First and last names: stripped, at most 30 characters each, no control characters.

use super::text::{check_text, too_long};
use crate::i18n::Message;

pub const NAME_MAX_CHARS: usize = 30;

/// First and last names: free text of at most 30 characters (code points), as HQ counts.
pub(super) fn check_name(typed: &str, label: Message) -> Result<Option<String>, Message> {
    let Some(name) = check_text(typed, label.clone())? else {
        return Ok(None);
    };
    let len = name.chars().count();
    if len > NAME_MAX_CHARS {
        return Err(too_long(label, NAME_MAX_CHARS, len));
    }
    Ok(Some(name.to_string()))
}
