//! Escapes, literals and sets: Python's meaning written in ECMAScript's `v` syntax.
//!
//! Every literal that is not a letter or digit is written as `\u{…}`, which means that one
//! character wherever it stands in ECMAScript, so no Python literal can become ECMAScript syntax
//! (`v` sets reserve `&&`, `--`, `(`, `|` and more).

use super::cost::Chars;
use super::{invalid, unsupported};
use crate::i18n::Message;

/// Python's `\w`: letters, digits (any script's) and the underscore; not combining marks.
const WORD: &str = r"\p{L}\p{N}_";
/// Python's `\s`: what `str.isspace()` accepts.
const SPACE: &str = r"\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Letters Python's `(?i)` takes as one: it lower-cases `İ` to `i` and pairs `ı` with `i`,
/// where Unicode's simple case folding, ECMAScript's, leaves both apart.
const DOTTED_AND_DOTLESS: [u32; 4] = ['I' as u32, 'i' as u32, 0x130, 0x131];

/// What an escape stands for.
pub(super) enum Escaped {
    /// One character, by its code (a lone surrogate has no `char`).
    Char(u32),
    /// A class, as a member of a `v` set (`\p{Nd}`, `[^…]`), and what it holds.
    Class(String, Chars),
    /// A zero-width assertion, written whole (outside sets only).
    Assertion(String),
}

/// Writes one character as a literal; under `(?i)`, one of `i`, `I`, `ı`, `İ` as all four.
pub(super) fn literal(code: u32, ignore_case: bool, out: &mut String) {
    if ignore_case && DOTTED_AND_DOTLESS.contains(&code) {
        out.push_str(r"[i\u{130}\u{131}]");
    } else {
        push_char(code, out);
    }
}

fn push_char(code: u32, out: &mut String) {
    match char::from_u32(code) {
        Some(c) if c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_control()) => out.push(c),
        _ => out.push_str(&format!(r"\u{{{code:x}}}")),
    }
}

/// An escape after `\`, inside a set or not: what it stands for and where the pattern goes on.
pub(super) fn escape(chars: &[char], i: usize, in_set: bool) -> Result<(Escaped, usize), Message> {
    let Some(&c) = chars.get(i) else {
        return Err(invalid("bad escape (end of pattern)"));
    };
    let mut next = i + 1;
    let class = |class: &str, chars: Chars| Escaped::Class(class.to_string(), chars);
    let escaped = match c {
        'd' => class(r"\p{Nd}", Chars::DIGIT),
        'D' => class(r"\P{Nd}", Chars::DIGIT.not()),
        'w' => class(WORD, Chars::WORD),
        's' => class(SPACE, Chars::SPACE),
        'W' => Escaped::Class(format!("[^{WORD}]"), Chars::WORD.not()),
        'S' => Escaped::Class(format!("[^{SPACE}]"), Chars::SPACE.not()),
        'b' if in_set => Escaped::Char(8),
        'b' => Escaped::Assertion(format!(
            "(?:(?<=[{WORD}])(?![{WORD}])|(?<![{WORD}])(?=[{WORD}]))"
        )),
        'B' if !in_set => Escaped::Assertion(format!(
            "(?:(?<=[{WORD}])(?=[{WORD}])|(?<![{WORD}])(?![{WORD}]))"
        )),
        'A' if !in_set => Escaped::Assertion(r"(?<![\s\S])".into()),
        'Z' if !in_set => Escaped::Assertion(r"(?![\s\S])".into()),
        'n' => Escaped::Char(10),
        't' => Escaped::Char(9),
        'r' => Escaped::Char(13),
        'f' => Escaped::Char(12),
        'v' => Escaped::Char(11),
        'a' => Escaped::Char(7),
        'x' | 'u' | 'U' => {
            let len = match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let hex: String = chars
                .get(next..next + len)
                .unwrap_or_default()
                .iter()
                .collect();
            let code = u32::from_str_radix(&hex, 16)
                .ok()
                .filter(|&code| hex.len() == len && code <= 0x10_ffff && !hex.starts_with('+'))
                .ok_or_else(|| invalid(&format!(r"incomplete escape \{c}{hex}")))?;
            next += len;
            Escaped::Char(code)
        }
        '0'..='7' => {
            // Octal (`\0`, `\012`, three digits), else a group reference.
            let digits: String = chars[i..]
                .iter()
                .take(3)
                .take_while(|d| d.is_ascii_digit())
                .collect();
            let octal =
                c == '0' || (digits.len() == 3 && digits.chars().all(|d| ('0'..='7').contains(&d)));
            if !(octal || in_set) {
                return Err(unsupported(r"\1 … \99"));
            }
            let oct: String = digits
                .chars()
                .take_while(|d| ('0'..='7').contains(d))
                .collect();
            let code = u32::from_str_radix(&oct, 8).unwrap_or(0);
            if code > 0o377 {
                return Err(invalid("octal escape value outside of range 0-0o377"));
            }
            next = i + oct.len();
            Escaped::Char(code)
        }
        '8' | '9' if !in_set => return Err(unsupported(r"\1 … \99")),
        'N' => return Err(unsupported(r"\N{…}")),
        c if c.is_ascii_alphanumeric() => return Err(invalid(&format!(r"bad escape \{c}"))),
        // Any other character escaped is itself.
        c => Escaped::Char(c as u32),
    };
    Ok((escaped, next))
}

/// The set whose `[` stands just before `i`, read item by item as Python's parser reads it (a
/// `]` first is a literal, `-` makes a range only between two characters); returns where the
/// pattern goes on, and what the set holds.
pub(super) fn set(
    chars: &[char],
    mut i: usize,
    ignore_case: bool,
    out: &mut String,
) -> Result<(usize, Chars), Message> {
    let unterminated = || invalid("unterminated character set");
    out.push('[');
    let negated = chars.get(i) == Some(&'^');
    if negated {
        out.push('^');
        i += 1;
    }
    let mut holds = Chars::NONE;
    let first = i;
    // Whether the set holds one of `i`, `I`, `ı`, `İ`, which `(?i)` then makes all four.
    let mut dotted_or_dotless = false;
    loop {
        let (item, next) = match chars.get(i) {
            None => return Err(unterminated()),
            Some(']') if i > first => break,
            Some('\\') => escape(chars, i + 1, true)?,
            Some(&c) => (Escaped::Char(c as u32), i + 1),
        };
        i = next;
        let range_to = match chars.get(i..i + 2) {
            Some(['-', ']']) | None => None,
            Some(['-', '\\', ..]) => Some(escape(chars, i + 2, true)?),
            Some(['-', c]) => Some((Escaped::Char(*c as u32), i + 2)),
            Some(_) => None,
        };
        match (item, range_to) {
            (Escaped::Char(low), Some((Escaped::Char(high), next))) => {
                if high < low {
                    return Err(invalid("bad character range"));
                }
                dotted_or_dotless |= DOTTED_AND_DOTLESS.iter().any(|c| (low..=high).contains(c));
                holds = holds.or(Chars::range(low, high, ignore_case));
                push_char(low, out);
                out.push('-');
                push_char(high, out);
                i = next;
            }
            (_, Some(_)) => return Err(invalid("bad character range")),
            (Escaped::Char(code), None) => {
                dotted_or_dotless |= DOTTED_AND_DOTLESS.contains(&code);
                holds = holds.or(Chars::range(code, code, ignore_case));
                push_char(code, out);
            }
            (Escaped::Class(class, chars), None) => {
                holds = holds.or(chars);
                out.push_str(&class);
            }
            (Escaped::Assertion(_), None) => return Err(invalid("bad escape")),
        }
    }
    if ignore_case && dotted_or_dotless {
        out.push_str(r"i\u{130}\u{131}");
    }
    out.push(']');
    Ok((i + 1, if negated { holds.not() } else { holds }))
}
