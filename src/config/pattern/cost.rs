//! A bound on what searching a project's regex can cost, read off its shape.
//!
//! The browser's `RegExp`, like Python's `re` in HQ, backtracks: a pattern such as `(a|a)*$` or
//! `((|)\0)+x` tries exponentially many ways through a value that almost matches, and the search
//! holds the page for minutes. The rules search a field's value on every change, and the form is
//! the only place a project's rules are enforced (HQ's API takes any value), so a regex is taken
//! only when the steps a search can take are bounded by a small power of the value's length;
//! any other is refused, with the key and the reason, when the configuration is read.
//!
//! The bound counts, for one start in the value, the ways a backtracking search can go on past
//! each part of the pattern and the steps it takes on the way:
//! - a repeat whose next character decides whether it goes on (`[a-z]+@`, `\d+$`) adds steps
//!   but no ways: a shorter run leaves a character that what follows cannot take;
//! - any other repeat multiplies the ways by the counts it can take, up to the value's length,
//!   and an alternation by its branches, unless they begin with different characters;
//! - a repeat of a part that can itself go more than one way, or match nothing, has no bound:
//!   that is the shape of every exponential case.
//!
//! A search costs that over every start, or one start where the pattern is anchored by `^` or
//! `\A`. The fuzzers search what this bound accepts (`cargo xtask fuzz regex`).

use super::SEARCHED_MAX_CHARS;

/// The value's length, and one: a repeat can take from none to all of it.
const COUNTS: f64 = (SEARCHED_MAX_CHARS + 1) as f64;

/// The most steps a search may take: a fraction of a second in a browser. The bound errs
/// high, often by the value's length, so the patterns projects use stay far below it.
const BUDGET: f64 = 1e8;

/// What one character of the pattern can take, as far as the bound needs it: each ASCII
/// character, and whether any other.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Chars {
    ascii: u128,
    other: bool,
}

const fn span(low: u32, high: u32) -> u128 {
    (u128::MAX >> (127 - high)) & (u128::MAX << low)
}

const LETTERS: u128 = span('A' as u32, 'Z' as u32) | span('a' as u32, 'z' as u32);

impl Chars {
    pub const NONE: Chars = Chars {
        ascii: 0,
        other: false,
    };
    pub const DIGIT: Chars = Chars {
        ascii: span('0' as u32, '9' as u32),
        other: true,
    };
    pub const WORD: Chars = Chars {
        ascii: span('0' as u32, '9' as u32) | LETTERS | 1 << b'_',
        other: true,
    };
    pub const SPACE: Chars = Chars {
        ascii: span(0x09, 0x0d) | span(0x1c, 0x20),
        other: true,
    };

    /// `.`: anything but a newline, unless `(?s)`.
    pub fn any(dot_all: bool) -> Chars {
        Chars {
            ascii: if dot_all { u128::MAX } else { !(1 << b'\n') },
            other: true,
        }
    }

    /// The characters `low..=high`; under `(?i)` their case partners too, some of which are
    /// not ASCII (the Kelvin sign, `ſ`, `İ`) or are ASCII for a character that is not (`K`).
    pub fn range(low: u32, high: u32, ignore_case: bool) -> Chars {
        let mut ascii = if low < 128 {
            span(low, high.min(127))
        } else {
            0
        };
        let mut other = high >= 128;
        if ignore_case {
            let letters = ascii & LETTERS;
            ascii |= (letters & span('A' as u32, 'Z' as u32)) << 32;
            ascii |= (letters & span('a' as u32, 'z' as u32)) >> 32;
            other |= letters != 0;
            if high >= 128 {
                ascii |= LETTERS;
            }
        }
        Chars { ascii, other }
    }

    /// A negated set or class: it holds characters outside ASCII, whatever it leaves out.
    pub fn not(self) -> Chars {
        Chars {
            ascii: !self.ascii,
            other: true,
        }
    }

    pub fn or(self, other: Chars) -> Chars {
        Chars {
            ascii: self.ascii | other.ascii,
            other: self.other || other.other,
        }
    }

    /// Whether some character may be taken by both.
    fn meets(self, other: Chars) -> bool {
        self.ascii & other.ascii != 0 || (self.other && other.other)
    }
}

/// The pattern as the translation reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Token {
    Chars(Chars),
    /// `^`, `$`, `\b` and the like; `start` for `^` (not under `(?m)`) and `\A`.
    Assert {
        start: bool,
    },
    /// A group's opening; `look` for a look-ahead or look-behind.
    Open {
        look: bool,
    },
    Close,
    Alt,
    /// A quantifier of the part before it; `max` is `None` when it has none.
    Repeat {
        min: u32,
        max: Option<u32>,
    },
}

enum Node {
    Chars(Chars),
    Assert { start: bool },
    Look(Box<Node>),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

/// Whether searching the pattern read as `tokens` stays within the budget whatever the value.
pub(super) fn bounded(tokens: &[Token]) -> bool {
    let root = parse(&mut tokens.iter());
    let Some(cost) = seq(&items(&root), Follow::END) else {
        return false;
    };
    let starts = if root.anchored() { 1.0 } else { COUNTS };
    starts * (cost.work + cost.ways) <= BUDGET
}

/// The tokens up to the `)` that closes the group being read, or the end.
fn parse(tokens: &mut std::slice::Iter<Token>) -> Node {
    let (mut branches, mut seq) = (Vec::new(), Vec::new());
    while let Some(token) = tokens.next() {
        match *token {
            Token::Chars(chars) => seq.push(Node::Chars(chars)),
            Token::Assert { start } => seq.push(Node::Assert { start }),
            Token::Open { look } => {
                let inside = parse(tokens);
                seq.push(if look {
                    Node::Look(Box::new(inside))
                } else {
                    inside
                });
            }
            Token::Close => break,
            Token::Alt => branches.push(Node::Seq(std::mem::take(&mut seq))),
            Token::Repeat { min, max } => {
                if let Some(last) = seq.pop() {
                    seq.push(Node::Repeat(Box::new(last), min, max));
                }
            }
        }
    }
    if branches.is_empty() {
        Node::Seq(seq)
    } else {
        branches.push(Node::Seq(seq));
        Node::Alt(branches)
    }
}

impl Node {
    fn nullable(&self) -> bool {
        match self {
            Node::Chars(_) => false,
            Node::Assert { .. } | Node::Look(_) => true,
            Node::Seq(items) => items.iter().all(Node::nullable),
            Node::Alt(branches) => branches.iter().any(Node::nullable),
            Node::Repeat(body, min, _) => *min == 0 || body.nullable(),
        }
    }

    /// What the node's first character can be.
    fn first(&self) -> Chars {
        match self {
            Node::Chars(chars) => *chars,
            Node::Assert { .. } | Node::Look(_) | Node::Repeat(_, _, Some(0)) => Chars::NONE,
            Node::Seq(items) => {
                let mut first = Chars::NONE;
                for item in items {
                    first = first.or(item.first());
                    if !item.nullable() {
                        break;
                    }
                }
                first
            }
            Node::Alt(branches) => branches
                .iter()
                .fold(Chars::NONE, |first, b| first.or(b.first())),
            Node::Repeat(body, _, _) => body.first(),
        }
    }

    /// Whether a look-ahead or look-behind may be tried before the node takes a character.
    fn looks_first(&self) -> bool {
        match self {
            Node::Look(_) => true,
            Node::Chars(_) | Node::Assert { .. } | Node::Repeat(_, _, Some(0)) => false,
            Node::Seq(items) => {
                for item in items {
                    if item.looks_first() {
                        return true;
                    }
                    if !item.nullable() {
                        return false;
                    }
                }
                false
            }
            Node::Alt(branches) => branches.iter().any(Node::looks_first),
            Node::Repeat(body, _, _) => body.looks_first(),
        }
    }

    /// Whether every match starts at the value's start.
    fn anchored(&self) -> bool {
        match self {
            Node::Assert { start } => *start,
            Node::Seq(items) => items.first().is_some_and(Node::anchored),
            Node::Alt(branches) => branches.iter().all(Node::anchored),
            _ => false,
        }
    }
}

/// A group without a quantifier is its parts.
fn items(node: &Node) -> Vec<&Node> {
    fn add<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
        match node {
            Node::Seq(items) => items.iter().for_each(|item| add(item, out)),
            Node::Alt(branches) if branches.len() == 1 => add(&branches[0], out),
            _ => out.push(node),
        }
    }
    let mut out = Vec::new();
    add(node, &mut out);
    out
}

/// What comes after a part: the characters it can start with (none at the pattern's end), and
/// whether a look-around is tried before them.
#[derive(Clone, Copy)]
struct Follow {
    first: Chars,
    look: bool,
}

impl Follow {
    const END: Follow = Follow {
        first: Chars::NONE,
        look: false,
    };

    /// `node`, then this.
    fn after(self, node: &Node) -> Follow {
        if node.nullable() {
            Follow {
                first: node.first().or(self.first),
                look: node.looks_first() || self.look,
            }
        } else {
            Follow {
                first: node.first(),
                look: node.looks_first(),
            }
        }
    }

    /// Whether the next character alone decides between taking `node` and going on to this.
    fn decides(self, node: &Node) -> bool {
        !node.nullable() && !node.first().meets(self.first) && !self.look
    }
}

/// For one arrival at a part: the steps taken in it, and the ways the search leaves it.
#[derive(Clone, Copy)]
struct Cost {
    work: f64,
    ways: f64,
}

const STEP: Cost = Cost {
    work: 1.0,
    ways: 1.0,
};

/// Parts one after another: each is reached once per way out of the ones before it.
fn seq(items: &[&Node], after: Follow) -> Option<Cost> {
    let mut follows = vec![after; items.len()];
    let mut next = after;
    for (k, item) in items.iter().enumerate().rev() {
        follows[k] = next;
        next = next.after(item);
    }
    let (mut work, mut ways) = (0.0, 1.0);
    for (item, follow) in items.iter().zip(follows) {
        let cost = one(item, follow)?;
        work += ways * cost.work;
        ways *= cost.ways;
        if work > BUDGET || ways > BUDGET {
            return None;
        }
    }
    Some(Cost { work, ways })
}

fn one(node: &Node, follow: Follow) -> Option<Cost> {
    match node {
        Node::Chars(_) | Node::Assert { .. } => Some(STEP),
        // Tried whole at each arrival; the search never goes back into it.
        Node::Look(inside) => {
            let cost = seq(&items(inside), Follow::END)?;
            Some(Cost {
                work: cost.work + cost.ways,
                ways: 1.0,
            })
        }
        Node::Seq(_) => seq(&items(node), follow),
        Node::Alt(branches) => {
            let mut costs = Vec::with_capacity(branches.len());
            for branch in branches {
                costs.push(seq(&items(branch), follow)?);
            }
            let work = costs.iter().map(|c| c.work).sum();
            // Branches that start with different characters: one at most goes past its first.
            let apart = branches.iter().enumerate().all(|(k, b)| {
                !b.nullable() && branches[..k].iter().all(|a| !a.first().meets(b.first()))
            });
            let ways = if apart {
                costs.iter().map(|c| c.ways).fold(1.0, f64::max)
            } else {
                costs.iter().map(|c| c.ways).sum()
            };
            Some(Cost { work, ways })
        }
        Node::Repeat(body, min, max) => repeat(body, *min, *max, follow),
    }
}

fn repeat(body: &Node, min: u32, max: Option<u32>, follow: Follow) -> Option<Cost> {
    if max == Some(0) {
        return Some(STEP);
    }
    // Inside, each pass is followed by another pass or by what follows the repeat.
    let inside = Follow {
        first: body.first().or(follow.first),
        look: body.looks_first() || follow.look,
    };
    let once = seq(&items(body), inside)?;
    let decided = follow.decides(body);
    let (min, max) = (
        f64::from(min).min(COUNTS),
        max.map_or(COUNTS, |max| f64::from(max).min(COUNTS)),
    );
    if max == min {
        let ways = once.ways.powf(min);
        return (ways <= BUDGET).then_some(Cost {
            work: once.work * min * ways,
            ways,
        });
    }
    if max == 1.0 {
        return Some(Cost {
            work: once.work + 1.0,
            ways: once.ways + if decided { 0.0 } else { 1.0 },
        });
    }
    // A pass that can go more than one way, or take nothing: exponentially many ways.
    if once.ways > 1.0 || body.nullable() {
        return None;
    }
    Some(Cost {
        work: once.work * max,
        ways: if decided { 1.0 } else { max - min + 1.0 },
    })
}

#[cfg(test)]
mod tests {
    use super::super::Pattern;

    /// Taken, or refused as too slow to search (any other refusal fails the test).
    fn taken(python: &str) -> bool {
        match Pattern::new(python) {
            Ok(_) => true,
            Err(why) if why.key == "config_error.regex_slow" => false,
            Err(why) => panic!("{python}: {}", crate::i18n::english(&why)),
        }
    }

    #[test]
    fn the_patterns_projects_use_are_taken() {
        for python in [
            r"^\d{10}$",
            r"^[0-9]{4,6}$",
            r"^[A-Za-z ]+$",
            r"^(M|F)$",
            r"^\+?\d{7,15}$",
            r"^(0|\+256)\d{9}$",
            r"^\d{4}-\d{2}-\d{2}$",
            r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$",
            r"(?i)^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$",
            r"^(?=.*\d)(?=.*[a-z]).{8,}$",
            r"^(\d+,)*\d+$",
            r"^\w+(,\w+)*$",
            r"^(cat|dog)+$",
            r"^[A-Z]{2}-\d+$",
            r"\d+",
            r"a.*b",
            r"(?<=ab|cd)x",
            r"^(?P<area>\d{3})-\d{4}$",
        ] {
            assert!(taken(python), "{python} is refused");
        }
    }

    /// Each backtracks exponentially, or as a high power of the length, on a value that almost
    /// matches: the first is what the fuzzers found (Python's `re` takes 8 s on 8 NULs, and nine
    /// times longer for each one more).
    #[test]
    fn patterns_that_could_hold_the_page_are_refused() {
        for python in [
            "((||||||||)\\0)+=a$",
            r"(a|a)*$",
            r"(a+)+$",
            r"(a*)*b",
            r"^(a|aa)+$",
            r"(\w+\s?)+$",
            r"^(([a-z])+.)+[A-Z]([a-z])+$",
            r".*a.*a.*b",
            r"\d*\d*\d*\d*x",
            r"(.*a){12}",
            r"^(a?){30}a{30}$",
            r"(?=(a|a)*$)",
        ] {
            assert!(!taken(python), "{python} is taken");
        }
    }

    #[test]
    fn sets_are_told_apart_by_what_they_hold() {
        use super::Chars;
        let one = |c: char, i| Chars::range(c as u32, c as u32, i);
        assert!(!Chars::DIGIT.meets(one(',', false)));
        assert!(Chars::WORD.meets(one('_', false)));
        assert!(!one('a', false).meets(one('A', false)));
        assert!(one('a', true).meets(one('A', false)));
        // Under (?i) `k` also takes the Kelvin sign, outside ASCII.
        assert!(one('k', true).meets(one('\u{212a}', false)));
        assert!(one('\u{212a}', true).meets(one('k', false)));
        assert!(!Chars::any(false).meets(one('\n', false)));
        assert!(Chars::any(true).meets(one('\n', false)));
    }
}
