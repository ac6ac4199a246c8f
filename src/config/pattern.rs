//! A custom user field's regex, meaning here what it means in HQ.
//!
//! HQ checks a field's `regex` with Python's `re` (a Django `RegexValidator`: `re.search` on the
//! stripped value). The page checks it with the browser's own `RegExp`, which costs no bytes,
//! after translating Python's syntax into ECMAScript's (with the `u` flag) wherever the two
//! differ: Python's `\d`, `\w`, `\s` and `\b` are Unicode-aware, its `$` also matches before a
//! final newline, its `.` stops only at `\n`, `{` is a literal unless it starts a quantifier,
//! groups are named `(?P<name>…)`. What has no ECMAScript equivalent (verbose mode, atomic
//! groups, possessive quantifiers, conditionals) is refused when the configuration is read,
//! so no regex can mean something else here than in HQ. Off the browser (host tests) the
//! translation runs on `regress`, an ECMAScript engine.

use crate::i18n::Message;

mod look_behind;

/// A checked pattern: the regex as HQ holds it, and its ECMAScript translation.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub python: String,
    source: String,
    flags: String,
    /// The last value searched and the answer: the rules run again on every keystroke in any
    /// field, and a value that has not changed is not searched again.
    last: std::sync::Arc<std::sync::Mutex<Option<(String, bool)>>>,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.python == other.python
    }
}

impl Eq for Pattern {}

/// Python's `\w`: letters, digits (any script's) and the underscore; not combining marks.
const WORD: &str = r"\p{L}\p{N}_";
/// Python's `\s`: what `str.isspace()` accepts.
const SPACE: &str = r"\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

impl Pattern {
    /// Translates and compiles `python`; the message says what is wrong with it.
    pub fn new(python: &str) -> Result<Self, Message> {
        let (source, flags) = translate(python)?;
        engine::compile(&source, &flags)
            .map_err(|why| Message::new("config_error.regex_invalid").text("why", why.as_str()))?;
        Ok(Pattern {
            python: python.to_string(),
            source,
            flags,
            last: Default::default(),
        })
    }

    /// Whether HQ's `re.search` would find the pattern in `value`.
    pub fn found_in(&self, value: &str) -> bool {
        let Ok(mut last) = self.last.lock() else {
            return engine::search(&self.source, &self.flags, value);
        };
        match &*last {
            Some((seen, found)) if seen == value => *found,
            _ => {
                let found = engine::search(&self.source, &self.flags, value);
                *last = Some((value.to_string(), found));
                found
            }
        }
    }
}

fn unsupported(what: &str) -> Message {
    Message::new("config_error.regex_unsupported").text("what", what)
}

fn invalid(why: &str) -> Message {
    Message::new("config_error.regex_invalid").text("why", why)
}

/// Python's pattern as ECMAScript source and flags (always `u`).
fn translate(python: &str) -> Result<(String, String), Message> {
    let chars: Vec<char> = python.chars().collect();
    let mut i = 0;
    let mut flags = String::from("u");
    // Global flags may only stand at the very start in Python 3.11 and later.
    while chars[i..].starts_with(&['(', '?']) {
        let Some(len) = chars[i + 2..].iter().position(|&c| c == ')') else {
            break;
        };
        let group = &chars[i + 2..i + 2 + len];
        if group.is_empty() || !group.iter().all(char::is_ascii_lowercase) {
            break;
        }
        for &flag in group {
            match flag {
                'i' | 'm' | 's' if !flags.contains(flag) => flags.push(flag),
                'i' | 'm' | 's' | 'u' => {}
                'x' => return Err(unsupported("(?x)")),
                'a' => return Err(unsupported("(?a)")),
                _ => return Err(invalid(&format!("unknown flag {flag}"))),
            }
        }
        i += len + 3;
    }
    let multiline = flags.contains('m');
    let dot_all = flags.contains('s');
    let mut out = String::with_capacity(python.len() + 16);
    let mut in_class = false;
    // Whether the last thing written was a quantifier (`?` after it makes it lazy).
    let mut after_quantifier = false;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let was_quantifier = std::mem::take(&mut after_quantifier);
        if in_class {
            match c {
                ']' => {
                    in_class = false;
                    out.push(']');
                }
                '[' => out.push_str(r"\["),
                '\\' => i = escape(&chars, i, true, &mut out)?,
                _ => out.push(c),
            }
            continue;
        }
        match c {
            '\\' => i = escape(&chars, i, false, &mut out)?,
            '[' => {
                in_class = true;
                out.push('[');
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` first in a set is a literal in Python.
                if chars.get(i) == Some(&']') {
                    out.push_str(r"\]");
                    i += 1;
                }
            }
            ']' => out.push_str(r"\]"),
            '}' => out.push_str(r"\}"),
            '{' => match quantifier(&chars[i..]) {
                Some((written, len)) if !was_quantifier => {
                    out.push_str(&written);
                    i += len;
                    after_quantifier = true;
                }
                Some(_) => return Err(invalid("multiple repeat")),
                None => out.push_str(r"\{"),
            },
            // After a quantifier, `?` makes it lazy; `+` would make it possessive.
            '?' if was_quantifier => out.push('?'),
            '+' if was_quantifier => return Err(unsupported("*+ ++ ?+ {}+")),
            '*' | '?' | '+' => {
                out.push(c);
                after_quantifier = true;
            }
            '.' if dot_all => out.push('.'),
            '.' => out.push_str(r"[^\n]"),
            '$' if multiline => out.push_str(r"(?=\n|(?![\s\S]))"),
            '$' => out.push_str(r"(?=\n?(?![\s\S]))"),
            '^' if multiline => out.push_str(r"(?<=\n|(?<![\s\S]))"),
            '^' => out.push_str(r"(?<![\s\S])"),
            '(' => i = group(&chars, i, &mut out)?,
            _ => out.push(c),
        }
    }
    if in_class {
        return Err(invalid("unterminated character set"));
    }
    Ok((out, flags))
}

/// `{m}`, `{m,}`, `{,n}`, `{m,n}` at the start of `rest` (after the `{`): the quantifier as
/// ECMAScript writes it (`{,n}` is `{0,n}`) and its length up to and with the `}`. Anything
/// else makes the `{` a literal, as in Python.
fn quantifier(rest: &[char]) -> Option<(String, usize)> {
    // Only digits and a comma can stand before the `}`: looking no further keeps a long run of
    // `{` linear.
    let end = rest
        .iter()
        .position(|&c| !(c.is_ascii_digit() || c == ','))
        .filter(|&end| rest[end] == '}')?;
    let inside: String = rest[..end].iter().collect();
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let written = match inside.split_once(',') {
        Some((min, max)) if digits(min) && digits(max) => {
            format!("{{{},{max}}}", if min.is_empty() { "0" } else { min })
        }
        None if !inside.is_empty() && digits(&inside) => format!("{{{inside}}}"),
        _ => return None,
    };
    Some((written, end + 1))
}

/// A group's opening after `(`: Python's forms written as ECMAScript's.
fn group(chars: &[char], i: usize, out: &mut String) -> Result<usize, Message> {
    let rest = &chars[i..];
    let starts = |s: &str| {
        let s: Vec<char> = s.chars().collect();
        rest.starts_with(&s)
    };
    if !starts("?") {
        out.push('(');
        return Ok(i);
    }
    if starts("?P<") {
        out.push_str("(?<");
        return Ok(i + 3);
    }
    if starts("?P=") {
        // A reference to a group that took no part fails in Python and matches the empty
        // string in ECMAScript: the two would disagree.
        return Err(unsupported("(?P=name)"));
    }
    if starts("?#") {
        let end = rest
            .iter()
            .position(|&c| c == ')')
            .ok_or_else(|| invalid("missing ), unterminated comment"))?;
        return Ok(i + end + 1);
    }
    if starts("?<=") || starts("?<!") {
        let end = look_behind::group_end(chars, i + 3);
        if end
            .and_then(|end| look_behind::fixed_width(&chars[i + 3..end]))
            .is_none()
        {
            return Err(invalid("look-behind requires fixed-width pattern"));
        }
    }
    for same in ["?:", "?=", "?!", "?<=", "?<!"] {
        if starts(same) {
            out.push('(');
            out.push_str(same);
            return Ok(i + same.len());
        }
    }
    Err(match rest.get(1) {
        Some('>') => unsupported("(?>…)"),
        Some('(') => unsupported("(?(…)…)"),
        Some(c) if c.is_ascii_lowercase() || *c == '-' => unsupported("(?flags:…)"),
        _ => invalid("unknown extension ?"),
    })
}

/// An escape after `\`, inside a set or not; returns where the pattern goes on.
fn escape(chars: &[char], i: usize, in_class: bool, out: &mut String) -> Result<usize, Message> {
    let Some(&c) = chars.get(i) else {
        return Err(invalid("bad escape (end of pattern)"));
    };
    let mut next = i + 1;
    let set = |inner: &str, negated: bool| {
        if negated {
            format!("[^{inner}]")
        } else if in_class {
            inner.to_string()
        } else {
            format!("[{inner}]")
        }
    };
    match c {
        'd' => out.push_str(r"\p{Nd}"),
        'D' => out.push_str(r"\P{Nd}"),
        'w' | 's' => out.push_str(&set(if c == 'w' { WORD } else { SPACE }, false)),
        'W' | 'S' if in_class => return Err(unsupported(r"\W \S in [...]")),
        'W' | 'S' => out.push_str(&set(if c == 'W' { WORD } else { SPACE }, true)),
        'b' if in_class => out.push_str(r"\x08"),
        'b' => out.push_str(&format!(
            "(?:(?<=[{WORD}])(?![{WORD}])|(?<![{WORD}])(?=[{WORD}]))"
        )),
        'B' if !in_class => out.push_str(&format!(
            "(?:(?<=[{WORD}])(?=[{WORD}])|(?<![{WORD}])(?![{WORD}]))"
        )),
        'A' if !in_class => out.push_str(r"(?<![\s\S])"),
        'Z' if !in_class => out.push_str(r"(?![\s\S])"),
        'n' | 't' | 'r' | 'f' | 'v' => {
            out.push('\\');
            out.push(c);
        }
        'a' => out.push_str(r"\x07"),
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
            out.push_str(&format!(r"\u{{{code:x}}}"));
            next += len;
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
            if octal || in_class {
                let oct: String = digits
                    .chars()
                    .take_while(|d| ('0'..='7').contains(d))
                    .collect();
                let code = u32::from_str_radix(&oct, 8).unwrap_or(0);
                if code > 0o377 {
                    return Err(invalid("octal escape value outside of range 0-0o377"));
                }
                out.push_str(&format!(r"\u{{{code:x}}}"));
                next = i + oct.len();
            } else {
                return Err(unsupported(r"\1 … \99"));
            }
        }
        '8' | '9' if !in_class => return Err(unsupported(r"\1 … \99")),
        'N' => return Err(unsupported(r"\N{…}")),
        c if c.is_ascii_alphanumeric() => return Err(invalid(&format!(r"bad escape \{c}"))),
        // Any other character escaped is itself; ECMAScript's `u` mode allows the escape only
        // on its own syntax characters (and `-` in a set).
        c if r"^$\.*+?()[]{}|/".contains(c) || (in_class && c == '-') => {
            out.push('\\');
            out.push(c);
        }
        c => out.push(c),
    }
    Ok(next)
}

#[cfg(target_arch = "wasm32")]
mod engine {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `RegExp(source, flags)`: a new regex, or the browser's SyntaxError.
        #[wasm_bindgen(catch, js_name = RegExp)]
        fn reg_exp(source: &str, flags: &str) -> Result<js_sys::RegExp, JsValue>;
    }

    pub fn compile(source: &str, flags: &str) -> Result<js_sys::RegExp, String> {
        reg_exp(source, flags).map_err(|e| {
            e.dyn_into::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default()
        })
    }

    pub fn search(source: &str, flags: &str, value: &str) -> bool {
        compile(source, flags).is_ok_and(|re| re.test(value))
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod engine {
    pub fn compile(source: &str, flags: &str) -> Result<regress::Regex, String> {
        regress::Regex::with_flags(source, flags).map_err(|e| e.to_string())
    }

    pub fn search(source: &str, flags: &str, value: &str) -> bool {
        compile(source, flags).is_ok_and(|re| re.find(value).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(python: &str, value: &str) -> bool {
        Pattern::new(python)
            .unwrap_or_else(|e| panic!("{python}: {}", crate::i18n::english(&e)))
            .found_in(value)
    }

    fn refused(python: &str) -> String {
        crate::i18n::english(&Pattern::new(python).expect_err(python))
    }

    /// Each line: the pattern, a value, and what Python 3.12's `re.search` answers.
    #[test]
    fn matches_as_python_re_search_does() {
        let cases: &[(&str, &str, bool)] = &[
            (r"^[0-9]{6}$", "004512", true),
            (r"^[0-9]{6}$", "04512", false),
            // search, not fullmatch: unanchored patterns match anywhere.
            (r"[0-9]{3}", "ab123cd", true),
            // `$` also matches before a final newline.
            (r"^abc$", "abc\n", true),
            (r"^abc\Z", "abc\n", false),
            (r"\Aabc", "xabc", false),
            // Unicode-aware classes.
            (r"^\d+$", "٠١٢", true),
            (r"^\d+$", "१२३", true),
            (r"^\w+$", "José_Ünal", true),
            (r"^\w+$", "नमस्ते", false), // Devanagari vowel signs are marks, not \w in Python
            (r"^\s$", "\u{a0}", true),
            (r"^\s$", "\u{1c}", true),
            (r"^\s$", "\u{feff}", false),
            (r"\bcat\b", "a cat sat", true),
            (r"\bcat\b", "ècat", false),
            (r"^\S+$", "a b", false),
            // `.` stops at `\n` only.
            (r"^a.b$", "a\rb", true),
            (r"^a.b$", "a\nb", false),
            (r"(?s)^a.b$", "a\nb", true),
            (r"(?i)^abc$", "ABC", true),
            (r"(?m)^b$", "a\nb\nc", true),
            // `{` and `}` are literals unless they form a quantifier; `{,n}` is `{0,n}`.
            (r"^a{,2}$", "aa", true),
            (r"^a{,2}$", "aaa", false),
            (r"^x{y}$", "x{y}", true),
            (r"^{$", "{", true),
            (r"^a{2,}$", "aaaa", true),
            // Named groups.
            (r"^(?P<d>\d)-(?P<e>\d)$", "1-2", true),
            // Escapes Python allows and ECMAScript's u mode does not.
            (r"^\-\#\ \'$", "-# '", true),
            (r"^[\w\-]+$", "a-b_c", true),
            (r"^[]a]+$", "]a", true),
            (r"^\x41\u0042\U00000043\101$", "ABCA", true),
            (r"^a(?#comment)b$", "ab", true),
            (r"^(?:ab)+?$", "abab", true),
            (r"^[^\n]$", "é", true),
            (r"(?<=ab|cd)x", "cdx", true),
            (r"(?<!\d{3})x", "12x", true),
        ];
        for &(python, value, python_answer) in cases {
            assert_eq!(
                search(python, value),
                python_answer,
                "{python} on {value:?}"
            );
        }
    }

    #[test]
    fn what_ecmascript_cannot_say_is_refused_by_name() {
        assert!(refused(r"(?x) a b").contains("(?x)"));
        assert!(refused(r"(?>ab)c").contains("(?>"));
        assert!(refused(r"a++").contains("++"));
        assert!(refused(r"(a)?(?(1)b|c)").contains("(?("));
        assert!(refused(r"[\W]").contains(r"\W"));
        assert!(refused(r"\N{DIGIT ONE}").contains(r"\N"));
        // Python and ECMAScript disagree on references to groups that took no part.
        assert!(refused(r"^(?:(a)|b)\1$").contains(r"\1"));
        assert!(refused(r"(?P<d>a)(?P=d)").contains("(?P=name)"));
    }

    #[test]
    fn broken_patterns_are_refused_with_the_reason() {
        for python in [
            r"(abc",
            r"[abc",
            r"\q",
            r"a)",
            r"*a",
            r"\x4",
            r"\400",
            // Python's look-behinds are of one width.
            r"(?<=a|bc)x",
            r"(?<!a+)x",
        ] {
            let why = refused(python);
            assert!(why.contains("not a valid"), "{python}: {why}");
        }
    }
}
