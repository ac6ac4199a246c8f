//! A custom user field's regex, meaning here what it means in HQ.
//!
//! HQ checks a field's `regex` with Python's `re` (a Django `RegexValidator`: `re.search` on the
//! stripped value). The page checks it with the browser's own `RegExp`, which costs no bytes,
//! after translating Python's syntax into ECMAScript's (with the `v` flag, whose sets can nest)
//! wherever the two differ: Python's `\d`, `\w`, `\s` and `\b` are Unicode-aware, its `$` also
//! matches before a final newline, its `.` stops only at `\n`, `{` is a literal unless it starts
//! a quantifier, groups are named `(?P<name>…)`, flags may hold for one group (`(?i:…)`), and
//! under `(?i)` the letters `i`, `I`, `ı` and `İ` are one. What has no ECMAScript equivalent
//! (verbose mode, atomic groups, possessive quantifiers, conditionals) is refused when the
//! configuration is read, so no regex can mean something else here than in HQ; so is a regex
//! whose search could backtrack for minutes (`cost`). Off the browser (host tests) the
//! translation runs on `regress`, an ECMAScript engine.

use crate::i18n::Message;

mod cost;
mod escape;
mod look_behind;
#[cfg(test)]
mod tests;

use cost::{Chars, Token};
use escape::{escape, literal, Escaped};

/// The longest value a project's regex is searched in: no field the page fills holds more.
pub const SEARCHED_MAX_CHARS: usize = 1000;

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

impl Pattern {
    /// Translates and compiles `python`; the message says what is wrong with it.
    pub fn new(python: &str) -> Result<Self, Message> {
        let (source, flags, tokens) = translate(python)?;
        engine::compile(&source, &flags)
            .map_err(|why| Message::new("config_error.regex_invalid").text("why", why.as_str()))?;
        // The rules search a value on every change: a search that could backtrack for minutes
        // would hold the page (HQ's dialog, on Python's `re`, would hang the same way).
        if !cost::bounded(&tokens) {
            return Err(Message::new("config_error.regex_slow"));
        }
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

/// Python's flags that change a pattern's meaning, where they hold.
#[derive(Clone, Copy, Default)]
struct Flags {
    ignore_case: bool,
    multiline: bool,
    dot_all: bool,
}

impl Flags {
    /// Turns Python's inline flags on or off.
    fn set(&mut self, letters: &[char], on: bool) -> Result<(), Message> {
        for &letter in letters {
            match letter {
                'i' => self.ignore_case = on,
                'm' => self.multiline = on,
                's' => self.dot_all = on,
                // `u` is a str pattern's default; turning `x` off changes nothing here.
                'u' => {}
                'x' if !on => {}
                'x' | 'a' => return Err(unsupported(if letter == 'x' { "(?x)" } else { "(?a)" })),
                _ => return Err(invalid("bad inline flags")),
            }
        }
        Ok(())
    }
}

/// Inline flags after `(?`, as Python's parser reads them: those turned on, those turned off,
/// whether they hold for a group (`(?i-s:…)`) rather than the whole pattern (`(?i)`), and the
/// characters read up to and with the `:` or `)`.
struct InlineFlags<'a> {
    on: &'a [char],
    off: &'a [char],
    scoped: bool,
    len: usize,
}

const FLAG_LETTERS: &str = "iLmsxau";

fn inline_flags(rest: &[char]) -> Result<InlineFlags<'_>, Message> {
    let bad = || invalid("bad inline flags");
    let end = rest
        .iter()
        .position(|&c| !(FLAG_LETTERS.contains(c) || c == '-'))
        .ok_or_else(bad)?;
    let scoped = match rest[end] {
        ':' => true,
        ')' => false,
        _ => return Err(bad()),
    };
    let (on, off) = match rest[..end].iter().position(|&c| c == '-') {
        Some(minus) => (&rest[..minus], &rest[minus + 1..end]),
        None => (&rest[..end], &[][..]),
    };
    // Turned off: only in a group, at least one, each once, never `a`, `u` or `L`.
    let minus = on.len() < end;
    let bad_off = minus
        && (!scoped
            || off.is_empty()
            || off
                .iter()
                .any(|c| "-auL".contains(*c) || on.iter().any(|o| o == c)));
    if end == 0 || bad_off {
        return Err(bad());
    }
    Ok(InlineFlags {
        on,
        off,
        scoped,
        len: end + 1,
    })
}

/// Python's pattern as ECMAScript source and flags (`v`, and `i` if the whole is ignoring
/// case: `^`, `$` and `.` are written out, so `m` and `s` are never needed), and its shape for
/// the cost bound.
fn translate(python: &str) -> Result<(String, String, Vec<Token>), Message> {
    let chars: Vec<char> = python.chars().collect();
    let mut translation = Translation {
        chars: &chars,
        i: 0,
        out: String::with_capacity(python.len() + 16),
        flags: Flags::default(),
        groups: Vec::new(),
        tokens: Vec::new(),
    };
    // Global flags may only stand at the very start in Python 3.11 and later.
    while chars[translation.i..].starts_with(&['(', '?'])
        && chars
            .get(translation.i + 2)
            .is_some_and(|c| FLAG_LETTERS.contains(*c))
    {
        let inline = inline_flags(&chars[translation.i + 2..])?;
        if inline.scoped {
            break;
        }
        translation.flags.set(inline.on, true)?;
        translation.i += inline.len + 2;
    }
    let flags = if translation.flags.ignore_case {
        "vi"
    } else {
        "v"
    };
    translation.run()?;
    Ok((translation.out, flags.to_string(), translation.tokens))
}

struct Translation<'a> {
    chars: &'a [char],
    i: usize,
    out: String,
    flags: Flags,
    /// The flags to restore at each open group's `)`.
    groups: Vec<Flags>,
    /// The pattern's shape as it is read, for the cost bound.
    tokens: Vec<Token>,
}

impl Translation<'_> {
    fn run(&mut self) -> Result<(), Message> {
        let chars = self.chars;
        // Whether the last thing written was a quantifier (`?` after it makes it lazy).
        let mut after_quantifier = false;
        while self.i < chars.len() {
            let c = chars[self.i];
            self.i += 1;
            let was_quantifier = std::mem::take(&mut after_quantifier);
            let ignore_case = self.flags.ignore_case;
            let out = &mut self.out;
            let token = match c {
                '\\' => self.escaped()?,
                '[' => {
                    let (next, holds) = escape::set(chars, self.i, ignore_case, out)?;
                    self.i = next;
                    Token::Chars(holds)
                }
                ']' | '}' => {
                    literal(c as u32, false, out);
                    Token::Chars(Chars::range(c as u32, c as u32, false))
                }
                '{' => match quantifier(&chars[self.i..]) {
                    Some((written, len, repeat)) if !was_quantifier => {
                        out.push_str(&written);
                        self.i += len;
                        after_quantifier = true;
                        repeat
                    }
                    Some(_) => return Err(invalid("multiple repeat")),
                    None => {
                        literal('{' as u32, false, out);
                        Token::Chars(Chars::range('{' as u32, '{' as u32, false))
                    }
                },
                // After a quantifier, `?` makes it lazy; `+` would make it possessive.
                '?' if was_quantifier => {
                    out.push('?');
                    continue;
                }
                '+' if was_quantifier => return Err(unsupported("*+ ++ ?+ {}+")),
                '*' | '?' | '+' => {
                    out.push(c);
                    after_quantifier = true;
                    Token::Repeat {
                        min: u32::from(c == '+'),
                        max: (c == '?').then_some(1),
                    }
                }
                '.' => {
                    out.push_str(if self.flags.dot_all {
                        r"[\s\S]"
                    } else {
                        r"[^\n]"
                    });
                    Token::Chars(Chars::any(self.flags.dot_all))
                }
                '$' | '^' => self.anchor(c),
                '|' => {
                    out.push('|');
                    Token::Alt
                }
                '(' => match self.group()? {
                    Some(token) => token,
                    None => continue,
                },
                ')' => {
                    if let Some(flags) = self.groups.pop() {
                        self.flags = flags;
                    }
                    out.push(')');
                    Token::Close
                }
                _ => {
                    literal(c as u32, ignore_case, out);
                    Token::Chars(Chars::range(c as u32, c as u32, ignore_case))
                }
            };
            self.tokens.push(token);
        }
        Ok(())
    }

    /// The escape after a `\\`.
    fn escaped(&mut self) -> Result<Token, Message> {
        let (escaped, next) = escape(self.chars, self.i, false)?;
        let letter = self.chars[self.i];
        self.i = next;
        let ignore_case = self.flags.ignore_case;
        Ok(match escaped {
            Escaped::Char(code) => {
                literal(code, ignore_case, &mut self.out);
                Token::Chars(Chars::range(code, code, ignore_case))
            }
            Escaped::Class(class, holds) => {
                self.out.push('[');
                self.out.push_str(&class);
                self.out.push(']');
                Token::Chars(holds)
            }
            Escaped::Assertion(assertion) => {
                self.out.push_str(&assertion);
                Token::Assert {
                    start: letter == 'A',
                }
            }
        })
    }

    /// `$` or `^`, as `(?m)` has them or not.
    fn anchor(&mut self, c: char) -> Token {
        let multiline = self.flags.multiline;
        self.out.push_str(match (c, multiline) {
            ('$', true) => r"(?=\n|(?![\s\S]))",
            ('$', false) => r"(?=\n?(?![\s\S]))",
            (_, true) => r"(?<=\n|(?<![\s\S]))",
            (_, false) => r"(?<![\s\S])",
        });
        Token::Assert {
            start: c == '^' && !multiline,
        }
    }

    /// A group's opening after `(`: Python's forms written as ECMAScript's; its token (none
    /// for a comment).
    fn group(&mut self) -> Result<Option<Token>, Message> {
        let (chars, i) = (self.chars, self.i);
        let rest = &chars[i..];
        let starts = |s: &str| {
            let s: Vec<char> = s.chars().collect();
            rest.starts_with(&s)
        };
        if starts("?#") {
            let end = rest
                .iter()
                .position(|&c| c == ')')
                .ok_or_else(|| invalid("missing ), unterminated comment"))?;
            self.i += end + 1;
            return Ok(None);
        }
        self.groups.push(self.flags);
        if !starts("?") {
            self.out.push('(');
            return Ok(Some(Token::Open { look: false }));
        }
        if starts("?P<") {
            self.out.push_str("(?<");
            self.i += 3;
            return Ok(Some(Token::Open { look: false }));
        }
        if starts("?P=") {
            // A reference to a group that took no part fails in Python and matches the empty
            // string in ECMAScript: the two would disagree.
            return Err(unsupported("(?P=name)"));
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
                self.out.push('(');
                self.out.push_str(same);
                self.i += same.len();
                return Ok(Some(Token::Open { look: same != "?:" }));
            }
        }
        match rest.get(1) {
            Some(&c) if FLAG_LETTERS.contains(c) || c == '-' => {
                self.scoped_flags()?;
                Ok(Some(Token::Open { look: false }))
            }
            Some('>') => Err(unsupported("(?>…)")),
            Some('(') => Err(unsupported("(?(…)…)")),
            _ => Err(invalid("unknown extension ?")),
        }
    }

    /// `(?i:…)`, `(?-i:…)` and the like: `m` and `s` change how `^`, `$` and `.` are written,
    /// `i` becomes ECMAScript's own modifier group.
    fn scoped_flags(&mut self) -> Result<(), Message> {
        let inline = inline_flags(&self.chars[self.i + 1..])?;
        if !inline.scoped {
            return Err(invalid("global flags not at the start of the expression"));
        }
        let before = self.flags.ignore_case;
        self.flags.set(inline.on, true)?;
        self.flags.set(inline.off, false)?;
        self.out.push_str(match (before, self.flags.ignore_case) {
            (false, true) => "(?i:",
            (true, false) => "(?-i:",
            _ => "(?:",
        });
        self.i += inline.len + 1;
        Ok(())
    }
}

/// `{m}`, `{m,}`, `{,n}`, `{m,n}` at the start of `rest` (after the `{`): the quantifier as
/// ECMAScript writes it (`{,n}` is `{0,n}`), its length up to and with the `}`, and its token.
/// Anything else makes the `{` a literal, as in Python.
fn quantifier(rest: &[char]) -> Option<(String, usize, Token)> {
    // Only digits and a comma can stand before the `}`: looking no further keeps a long run of
    // `{` linear.
    let end = rest
        .iter()
        .position(|&c| !(c.is_ascii_digit() || c == ','))
        .filter(|&end| rest[end] == '}')?;
    let inside: String = rest[..end].iter().collect();
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    // Counts beyond what a value holds all mean "as many as there are".
    let count = |s: &str| s.parse::<u32>().unwrap_or(u32::MAX);
    let (written, min, max) = match inside.split_once(',') {
        Some((min, max)) if digits(min) && digits(max) => (
            format!("{{{},{max}}}", if min.is_empty() { "0" } else { min }),
            if min.is_empty() { 0 } else { count(min) },
            (!max.is_empty()).then(|| count(max)),
        ),
        None if !inside.is_empty() && digits(&inside) => (
            format!("{{{inside}}}"),
            count(&inside),
            Some(count(&inside)),
        ),
        _ => return None,
    };
    Some((written, end + 1, Token::Repeat { min, max }))
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
