//! HQ's text rules, as Python and Django apply them: white space as Python's `\s`, stripping,
//! lower case, and the refusals every free-text field shares.

use crate::i18n::Message;

/// Python's `\s` and `str.strip()`, which HQ uses: Unicode white space plus the four
/// information separators U+001C..U+001F that Rust's `char::is_whitespace` leaves out.
pub fn is_hq_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Unicode lower case, as Python's `str.lower()` gives it. In the browser it is the browser's
/// own `toLowerCase` (the same Unicode mapping): Rust's case tables would add about 6 KB to
/// the download.
pub fn lower_case(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(text).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.to_lowercase()
    }
}

/// A letter or digit of any script (for internationalised domain labels); in the browser by
/// its own Unicode tables, for the same reason as [`lower_case`].
pub(super) fn is_letter_or_digit(c: char) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        let mut buf = [0; 4];
        js_sys::RegExp::new(r"^[\p{L}\p{N}\p{M}]$", "u").test(c.encode_utf8(&mut buf))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        c.is_alphanumeric()
    }
}

/// `text` with the accents taken off its letters (`müller` → `muller`): decomposed, then the
/// combining marks dropped. Letters that do not decompose (`ø`, `ß`) stay. In the browser by
/// its own `String.normalize`, for the same reason as [`lower_case`].
pub fn without_accents(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    let decomposed = String::from(js_sys::JsString::from(text).normalize("NFD"));
    #[cfg(not(target_arch = "wasm32"))]
    let decomposed: String = unicode_normalization::UnicodeNormalization::nfd(text).collect();
    let mark = |c: &char| {
        matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}')
            || matches!(c, '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
    };
    decomposed.chars().filter(|c| !mark(c)).collect()
}

/// Python's `str.strip()`: what Django's form fields do to every value first.
pub fn hq_strip(typed: &str) -> &str {
    typed.trim_matches(is_hq_space)
}

/// `None` for a blank optional field; otherwise the value as HQ's form strips it.
pub(super) fn optional(typed: &str) -> Option<&str> {
    Some(hq_strip(typed)).filter(|t| !t.is_empty())
}

/// Free text (a role, a user data value): stripped as HQ's form strips it, and without
/// control characters. HQ's form refuses NUL, which through the API would reach the database
/// after the account exists (a 500 and a burned username); the others are never part of a
/// name or a value, only of a bad paste.
pub(super) fn check_text(typed: &str, label: Message) -> Result<Option<String>, Message> {
    let Some(text) = optional(typed) else {
        return Ok(None);
    };
    match text.chars().find(|c| c.is_control()) {
        Some(c) => Err(contains(label, c)),
        None => Ok(Some(text.to_string())),
    }
}

/// "`label` must be `max` characters or fewer (it has `len`)".
pub(super) fn too_long(label: Message, max: usize, len: usize) -> Message {
    Message::new("rule.too_long")
        .message("label", label)
        .number("max", max)
        .number("length", len)
}

/// "`label` contains `c`; remove it".
pub(super) fn contains(label: Message, c: char) -> Message {
    Message::new("rule.contains")
        .message("label", label)
        .chars("chars", vec![c])
}
