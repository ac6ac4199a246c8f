//! Python refuses a look-behind whose every way through is not of one length ("look-behind
//! requires fixed-width pattern"); ECMAScript takes any. So the translation refuses what Python
//! refuses, or HQ would refuse every value the page lets through.

/// Where the group opened just before `from` closes: the index of its `)`, skipping escapes and
/// sets.
pub(super) fn group_end(chars: &[char], from: usize) -> Option<usize> {
    let (mut depth, mut i) = (0usize, from);
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => i = set_end(chars, i)?,
            '(' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index of the `]` closing the set opened at `open`.
fn set_end(chars: &[char], open: usize) -> Option<usize> {
    let mut i = open + 1;
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    // A `]` first in a set is a literal in Python.
    if chars.get(i) == Some(&']') {
        i += 1;
    }
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            ']' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The width of a look-behind's `body` when every way through it has the same length.
pub(super) fn fixed_width(body: &[char]) -> Option<usize> {
    let mut branches = Vec::new();
    let (mut width, mut last, mut i) = (0usize, 0usize, 0usize);
    while i < body.len() {
        let atom = match body[i] {
            '|' => {
                branches.push(std::mem::take(&mut width));
                i += 1;
                continue;
            }
            '*' | '+' | '?' if last == 0 => 0,
            '*' | '+' | '?' => return None,
            '{' => match repeat(&body[i + 1..]) {
                Some((min, max, len)) if min == max || last == 0 => {
                    width = width - last + last * min;
                    i += len + 1;
                    continue;
                }
                Some(_) => return None,
                None => 1,
            },
            '\\' => {
                let (atom, len) = escape_width(&body[i + 1..])?;
                i += len;
                atom
            }
            '[' => {
                i = set_end(body, i)?;
                1
            }
            '(' => {
                let end = group_end(body, i + 1)?;
                let inner = &body[i + 1..end];
                i = end;
                match inner {
                    ['?', '=' | '!', ..] | ['?', '<', '=' | '!', ..] | ['?', '#', ..] => 0,
                    ['?', ':', rest @ ..] => fixed_width(rest)?,
                    ['?', 'P', '<', ..] => {
                        let name_end = inner.iter().position(|&c| c == '>')?;
                        fixed_width(&inner[name_end + 1..])?
                    }
                    // `(?i:…)`, `(?-i:…)`: flags for the group's body (the translation checks
                    // the flags themselves).
                    ['?', flags @ ..] => {
                        let colon = flags.iter().position(|&c| c == ':')?;
                        fixed_width(&flags[colon + 1..])?
                    }
                    _ => fixed_width(inner)?,
                }
            }
            '^' | '$' => 0,
            _ => 1,
        };
        width += atom;
        last = atom;
        i += 1;
    }
    branches.push(width);
    branches.windows(2).all(|w| w[0] == w[1]).then_some(width)
}

/// `{m}` or `{m,n}` after the `{`: the least and most, and the length up to the `}`.
fn repeat(rest: &[char]) -> Option<(usize, usize, usize)> {
    let end = rest.iter().position(|&c| c == '}')?;
    let inside: String = rest[..end].iter().collect();
    let number = |s: &str| s.parse::<usize>().ok();
    let (min, max) = match inside.split_once(',') {
        Some((min, max)) => (number(min).or(Some(0))?, number(max)?),
        None => (number(&inside)?, number(&inside)?),
    };
    Some((min, max, end + 1))
}

/// An escape's width and the characters it takes after the `\` (itself counted by the caller's
/// step). References to groups are of no fixed width.
fn escape_width(rest: &[char]) -> Option<(usize, usize)> {
    Some(match rest.first()? {
        'b' | 'B' | 'A' | 'Z' => (0, 1),
        'x' => (1, 3),
        'u' => (1, 5),
        'U' => (1, 9),
        '0' => (
            1,
            1 + rest[1..]
                .iter()
                .take(2)
                .take_while(|c| c.is_digit(8))
                .count(),
        ),
        c if c.is_ascii_digit() => return None,
        _ => (1, 1),
    })
}

#[cfg(test)]
mod tests {
    use super::fixed_width;

    fn width(body: &str) -> Option<usize> {
        fixed_width(&body.chars().collect::<Vec<_>>())
    }

    #[test]
    fn only_a_body_of_one_length_has_a_width() {
        assert_eq!(width("ab|cd"), Some(2));
        assert_eq!(width(r"\d{3}-"), Some(4));
        assert_eq!(width(r"[a-z]\b(?:x|y)"), Some(2));
        assert_eq!(width(r"(?P<n>ab)c"), Some(3));
        assert_eq!(width(r"\x41\u0042"), Some(2));
        assert_eq!(width(r"(?i:ab)(?-i:c)"), Some(3));
        assert_eq!(width("a|bc"), None);
        assert_eq!(width("a+"), None);
        assert_eq!(width("a{1,2}"), None);
        assert_eq!(width("(?:ab|c)"), None);
        assert_eq!(width(r"(a)\1"), None);
        assert_eq!(width(r"(?i:a|bc)"), None);
    }
}
