//! Groups and locations: ids chosen from the project's own lists, and only those.

use super::text::optional;
use crate::i18n::Message;

pub fn check_group_id(typed: &str, position: usize) -> Result<Option<String>, Message> {
    let Some(id) = optional(typed) else {
        return Ok(None);
    };
    if id.len() == 32
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 'a'..='f'))
    {
        Ok(Some(id.to_string()))
    } else {
        Err(Message::new("rule.group.id").number("position", position))
    }
}

/// The messages for a chosen item of a project list that the list does not hold, and for
/// one that cannot be checked because the list is not loaded.
pub(super) const GROUP_NOT_LISTED: [&str; 2] = ["rule.group.unknown", "rule.group.unchecked"];

pub(super) const LOCATION_NOT_LISTED: [&str; 2] =
    ["rule.location.unknown", "rule.location.unchecked"];

/// Whether the `position`th chosen item of a list is in the project's list: `known` is `None`
/// while that list is not loaded.
pub(super) fn check_listed(
    known: Option<bool>,
    [unknown, unchecked]: [&'static str; 2],
    position: usize,
) -> Result<(), Message> {
    match known {
        Some(true) => Ok(()),
        Some(false) => Err(Message::new(unknown).number("position", position)),
        None => Err(Message::new(unchecked).number("position", position)),
    }
}
