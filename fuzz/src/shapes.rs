//! The `regex_shapes` reader: patterns built from the bytes by a small grammar of what makes a
//! backtracking search slow (repeats, nested repeats, alternatives that overlap, look-arounds,
//! sets that meet), searched in a value as long as the page allows that almost matches. Raw
//! bytes rarely become such patterns; here every input is one. A pattern the page takes
//! (`pattern::cost`) must be searched within libFuzzer's time limit; one it refuses is skipped.

use mobile_worker_form::config::pattern::Pattern;
use mobile_worker_form::worker::validate::CUSTOM_VALUE_MAX_CHARS;

/// The bytes, read one choice at a time; zeros once they run out.
struct Choices<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Choices<'_> {
    fn next(&mut self, of: usize) -> usize {
        let byte = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        usize::from(byte) % of
    }

    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[self.next(from.len())]
    }

    /// Alternatives, each a run of parts.
    fn alternatives(&mut self, depth: usize, out: &mut String) {
        let branches = 1 + self.next(3) / 2 + self.next(4) / 3;
        for branch in 0..branches {
            if branch > 0 {
                out.push('|');
            }
            for _ in 0..self.next(4) + 1 {
                self.part(depth, out);
            }
        }
    }

    /// One atom or group, and maybe a quantifier.
    fn part(&mut self, depth: usize, out: &mut String) {
        const ATOMS: &[&str] = &[
            "a", "b", "1", ",", ".", r"\d", r"\w", r"\s", "[ab]", "[^b]", "[a1,]", r"\b", "$", "^",
        ];
        const GROUPS: &[&str] = &["(", "(?:", "(?=", "(?!", "(?i:"];
        const QUANTIFIERS: &[&str] = &["", "", "*", "+", "?", "{2}", "{1,3}", "{2,}", "*?", "+?"];
        if depth < 4 && self.next(3) == 0 {
            out.push_str(self.pick(GROUPS));
            self.alternatives(depth + 1, out);
            out.push(')');
        } else {
            out.push_str(self.pick(ATOMS));
        }
        out.push_str(self.pick(QUANTIFIERS));
    }
}

pub fn regex_shapes(bytes: &[u8]) {
    let (python, value) = shape(bytes);
    if let Ok(pattern) = Pattern::new(&python) {
        std::hint::black_box(pattern.found_in(&value));
    }
}

/// The pattern and the value the bytes make.
pub fn shape(bytes: &[u8]) -> (String, String) {
    let mut choices = Choices { bytes, at: 0 };
    let mut python = String::new();
    choices.alternatives(0, &mut python);
    // A run of one to four characters the grammar uses, repeated to the limit, then one that
    // may break the match.
    const CHARS: &[&str] = &["a", "b", "1", ",", " ", "\n", "!"];
    let unit: String = (0..choices.next(4) + 1)
        .map(|_| choices.pick(CHARS))
        .collect();
    let end = choices.pick(CHARS);
    let mut value = unit.repeat(CUSTOM_VALUE_MAX_CHARS / unit.len());
    value.truncate(CUSTOM_VALUE_MAX_CHARS - 1);
    value.push_str(end);
    (python, value)
}
