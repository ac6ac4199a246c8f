//! The worker's email, as Django's `EmailValidator` checks it after HQ lower-cases it.

use super::text::{is_letter_or_digit, lower_case, optional, too_long};
use crate::i18n::Message;

/// The database column's size; longer addresses fail after the account exists.
pub const EMAIL_MAX_CHARS: usize = 254;

/// HQ's form lower-cases the address (after stripping) and checks it with Django's
/// `EmailValidator`; the database holds at most 254 characters.
pub fn check_email(typed: &str) -> Result<Option<String>, Message> {
    let Some(email) = optional(typed) else {
        return Ok(None);
    };
    let email = lower_case(email);
    let len = email.chars().count();
    if len > EMAIL_MAX_CHARS {
        return Err(too_long(Message::new("label.email"), EMAIL_MAX_CHARS, len));
    }
    if is_django_email(&email) {
        Ok(Some(email))
    } else {
        Err(Message::new("rule.email.format"))
    }
}

/// Django's `EmailValidator`: a dot-atom or quoted local part, then a domain of letter/digit
/// labels with inner hyphens (at most 63 each) and a top-level label of at least 2, `localhost`,
/// or an IP literal in brackets. Internationalised domains are accepted where each label is
/// letters and digits of any script with inner hyphens (HQ tries them again as punycode).
pub(super) fn is_django_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let atom_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{}|~-".contains(c);
    let dot_atom = !local.is_empty()
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atom_char));
    let quoted = local.len() >= 2
        && local.starts_with('"')
        && local.ends_with('"')
        && is_quoted_content(&local[1..local.len() - 1]);
    if !(dot_atom || quoted) {
        return false;
    }
    domain == "localhost" || is_email_domain(domain, false) || is_ip_literal(domain) || {
        !domain.is_ascii() && is_email_domain(domain, true)
    }
}

/// The inside of a quoted local part: printable ASCII but `"` and `\`, or a `\` escape.
pub(super) fn is_quoted_content(inner: &str) -> bool {
    let plain = |c: char| matches!(c as u32, 1..=8 | 11 | 12 | 14..=31 | 33 | 35..=91 | 93..=127);
    let escapable = |c: char| matches!(c as u32, 1..=9 | 11 | 12 | 14..=127);
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let ok = if c == '\\' {
            chars.next().is_some_and(escapable)
        } else {
            plain(c)
        };
        if !ok {
            return false;
        }
    }
    true
}

pub(super) fn is_email_domain(domain: &str, unicode: bool) -> bool {
    let letter_or_digit = |c: char| {
        if unicode {
            is_letter_or_digit(c)
        } else {
            c.is_ascii_alphanumeric()
        }
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((top, rest)) = labels.split_last() else {
        return false;
    };
    let label_ok = |l: &str| {
        (1..=63).contains(&l.chars().count())
            && l.chars().all(|c| letter_or_digit(c) || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    !rest.is_empty()
        && rest.iter().all(|l| label_ok(l))
        && (2..=63).contains(&top.chars().count())
        && top.chars().all(|c| letter_or_digit(c) || c == '-')
        && !top.ends_with('-')
}

pub(super) fn is_ip_literal(domain: &str) -> bool {
    domain
        .strip_prefix('[')
        .and_then(|d| d.strip_suffix(']'))
        .is_some_and(|ip| {
            ip.chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
                && ip.parse::<std::net::IpAddr>().is_ok()
        })
}
