//! The username: HQ's normalisation and its rules.

use super::text::{hq_strip, is_hq_space, lower_case, too_long, without_accents};
use crate::i18n::Message;

pub const USERNAME_MAX_CHARS: usize = 50;

pub(super) const RESERVED_USERNAMES: [&str; 2] = ["admin", "demo_user"];

/// HQ's normalisation: outer white space stripped, runs of white space become one `.`, then
/// lower case.
pub fn normalise_username(typed: &str) -> String {
    let mut out = String::with_capacity(typed.len());
    let mut in_space = false;
    for c in hq_strip(typed).chars() {
        if is_hq_space(c) {
            if !in_space {
                out.push('.');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    lower_case(&out)
}

pub fn check_username(typed: &str) -> Result<String, Message> {
    let name = normalise_username(typed);
    if name.is_empty() {
        return Err(Message::new("rule.username.missing"));
    }
    // HQ's form counts what was typed, outer spaces stripped, before spaces become dots.
    let len = hq_strip(typed).chars().count();
    if len > USERNAME_MAX_CHARS {
        return Err(too_long(
            Message::new("label.username"),
            USERNAME_MAX_CHARS,
            len,
        ));
    }
    let allowed =
        |c: &char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    let mut bad: Vec<char> = name.chars().filter(|c| !allowed(c)).collect();
    if !bad.is_empty() {
        bad.dedup();
        let refused = Message::new("rule.username.characters").chars("chars", bad);
        // HQ refuses `müller`; the name most likely meant is the plain one.
        let plain = without_accents(&name);
        return Err(if plain.chars().all(|c| allowed(&c)) {
            Message::new("rule.did_you_mean")
                .message("problem", refused)
                .text("suggestion", plain)
        } else {
            refused
        });
    }
    if name.starts_with('.') || name.ends_with('.') {
        return Err(Message::new("rule.username.dot_at_end"));
    }
    if name.contains("..") {
        return Err(Message::new("rule.username.two_dots"));
    }
    if RESERVED_USERNAMES.contains(&name.as_str()) {
        return Err(Message::new("rule.username.reserved").text("name", name));
    }
    Ok(name)
}
