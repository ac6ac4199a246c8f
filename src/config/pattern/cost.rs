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
//! `\A`. The fuzzers search what this bound accepts (`cargo xtask fuzz regex_shapes`, `regex`).

use super::SEARCHED_MAX_CHARS;

/// The value's length, and one: a repeat can take from none to all of it.
const COUNTS: f64 = (SEARCHED_MAX_CHARS + 1) as f64;

/// The most steps a search may take: a fraction of a second on a slow phone. The bound errs
/// high, often by the value's length; the patterns projects use stay below a few million.
const BUDGET: f64 = 1e7;

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

/// A part of the pattern, with what the bound asks of it.
struct Node {
    kind: Kind,
    head: Head,
}

enum Kind {
    Chars,
    Assert { start: bool },
    Look(Box<Node>),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

/// How a part begins: whether it can match nothing, the characters it can start with,
/// whether a look-ahead or look-behind may be tried before it takes one, and the steps its
/// other zero-width parts (`\b`, `$`, repeats of them) take first. For what follows a part,
/// `nullable` means the pattern can end there.
#[derive(Clone, Copy)]
struct Head {
    nullable: bool,
    first: Chars,
    looks: bool,
    lead: f64,
}

impl Head {
    const EMPTY: Head = Head {
        nullable: true,
        first: Chars::NONE,
        looks: false,
        lead: 0.0,
    };

    /// This, then `next`.
    fn then(self, next: Head) -> Head {
        if !self.nullable {
            return self;
        }
        Head {
            nullable: next.nullable,
            first: self.first.or(next.first),
            looks: self.looks || next.looks,
            lead: self.lead + next.lead,
        }
    }

    /// This or `other`.
    fn or(self, other: Head) -> Head {
        Head {
            nullable: self.nullable || other.nullable,
            first: self.first.or(other.first),
            looks: self.looks || other.looks,
            lead: self.lead + other.lead,
        }
    }

    /// Whether, before `next`, the next character alone decides between taking this part and
    /// going on.
    fn decided_before(self, next: Head) -> bool {
        !self.nullable && !self.first.meets(next.first) && !next.looks
    }
}

impl Node {
    fn new(kind: Kind) -> Node {
        let head = match &kind {
            Kind::Chars => Head::EMPTY,
            Kind::Assert { .. } => Head {
                lead: 1.0,
                ..Head::EMPTY
            },
            Kind::Look(_) => Head {
                looks: true,
                lead: 1.0,
                ..Head::EMPTY
            },
            Kind::Seq(items) => items
                .iter()
                .rev()
                .fold(Head::EMPTY, |next, item| item.head.then(next)),
            Kind::Alt(branches) => branches.iter().fold(
                Head {
                    nullable: false,
                    ..Head::EMPTY
                },
                |head, branch| head.or(branch.head),
            ),
            Kind::Repeat(_, _, Some(0)) => Head::EMPTY,
            Kind::Repeat(body, min, max) => Head {
                nullable: *min == 0 || body.head.nullable,
                // A part that never takes a character repeats whole before anything is taken.
                lead: if body.head.first == Chars::NONE {
                    body.head.lead * f64::from(max.unwrap_or(u32::MAX))
                } else {
                    body.head.lead
                },
                ..body.head
            },
        };
        Node { kind, head }
    }

    fn chars(chars: Chars) -> Node {
        Node {
            kind: Kind::Chars,
            head: Head {
                nullable: false,
                first: chars,
                looks: false,
                lead: 0.0,
            },
        }
    }

    /// Whether every match starts at the value's start.
    fn anchored(&self) -> bool {
        match &self.kind {
            Kind::Assert { start } => *start,
            Kind::Seq(items) => items.first().is_some_and(Node::anchored),
            Kind::Alt(branches) => branches.iter().all(Node::anchored),
            _ => false,
        }
    }
}

/// Whether searching the pattern read as `tokens` stays within the budget whatever the value.
pub(super) fn bounded(tokens: &[Token]) -> bool {
    let root = parse(&mut tokens.iter());
    let Some(cost) = one(&root, Head::EMPTY) else {
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
            Token::Chars(chars) => seq.push(Node::chars(chars)),
            Token::Assert { start } => seq.push(Node::new(Kind::Assert { start })),
            Token::Open { look } => {
                let inside = parse(tokens);
                seq.push(if look {
                    Node::new(Kind::Look(Box::new(inside)))
                } else {
                    inside
                });
            }
            Token::Close => break,
            Token::Alt => branches.push(Node::new(Kind::Seq(std::mem::take(&mut seq)))),
            Token::Repeat { min, max } => {
                if let Some(last) = seq.pop() {
                    seq.push(Node::new(Kind::Repeat(Box::new(last), min, max)));
                }
            }
        }
    }
    let seq = Node::new(Kind::Seq(seq));
    if branches.is_empty() {
        seq
    } else {
        branches.push(seq);
        Node::new(Kind::Alt(branches))
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

/// Parts one after another: each is reached once per way out of the ones before it. Read from
/// the last, so that what follows each part is at hand.
fn seq(items: &[Node], after: Head) -> Option<Cost> {
    let (mut work, mut ways, mut next) = (0.0, 1.0, after);
    for item in items.iter().rev() {
        let cost = one(item, next)?;
        work = cost.work + cost.ways * work;
        ways *= cost.ways;
        next = item.head.then(next);
        if work > BUDGET || ways > BUDGET {
            return None;
        }
    }
    Some(Cost { work, ways })
}

fn one(node: &Node, follow: Head) -> Option<Cost> {
    match &node.kind {
        Kind::Chars | Kind::Assert { .. } => Some(STEP),
        // Tried whole at each arrival; the search never goes back into it.
        Kind::Look(inside) => {
            let cost = one(inside, Head::EMPTY)?;
            Some(Cost {
                work: cost.work + cost.ways,
                ways: 1.0,
            })
        }
        Kind::Seq(items) => seq(items, follow),
        Kind::Alt(branches) => {
            // Branches that start with different characters: one at most goes past its first.
            let apart = branches.iter().enumerate().all(|(k, b)| {
                !b.head.nullable
                    && branches[..k]
                        .iter()
                        .all(|a| !a.head.first.meets(b.head.first))
            });
            let (mut work, mut sum, mut most) = (0.0, 0.0, 1.0_f64);
            for branch in branches {
                let cost = one(branch, follow)?;
                work += cost.work;
                sum += cost.ways;
                most = most.max(cost.ways);
            }
            let ways = if apart { most } else { sum };
            Some(Cost { work, ways })
        }
        Kind::Repeat(body, min, max) => repeat(body, *min, *max, follow),
    }
}

fn repeat(body: &Node, min: u32, max: Option<u32>, follow: Head) -> Option<Cost> {
    if max == Some(0) {
        return Some(STEP);
    }
    // Inside, each pass is followed by another pass or by what follows the repeat.
    let once = one(body, body.head.or(follow))?;
    let decided = body.head.decided_before(follow);
    // Each pass takes a character, so no more passes than the value has; a part that can match
    // nothing may pass as often as the count says.
    let most = if body.head.nullable {
        f64::INFINITY
    } else {
        COUNTS
    };
    let (min, max) = (
        f64::from(min).min(most),
        max.map_or(most, |max| f64::from(max).min(most)),
    );
    // A decided repeat gives back one pass at a time, and what follows runs its zero-width
    // parts each time before it fails on the character.
    let giving_back = follow.lead * max.min(COUNTS);
    if max == min {
        // `once.ways` to the power `min`, by hand: `powf` would add its code to the download.
        let mut ways = 1.0;
        for _ in 0..min as u32 {
            if once.ways == 1.0 {
                break;
            }
            ways *= once.ways;
            if ways > BUDGET {
                return None;
            }
        }
        return Some(Cost {
            work: once.work * min * ways,
            ways,
        });
    }
    if max == 1.0 {
        return Some(Cost {
            work: once.work + 1.0 + giving_back,
            ways: once.ways + if decided { 0.0 } else { 1.0 },
        });
    }
    // A pass that can go more than one way, or take nothing: exponentially many ways.
    if once.ways > 1.0 || body.head.nullable {
        return None;
    }
    Some(Cost {
        work: once.work * max + if decided { giving_back } else { 0.0 },
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
            r"(?i)^[^\W\d_]+(?:[ '-](?-i:[A-Z])[^\W\d_]*)*$",
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
            // A part that matches nothing, repeated more times than the value is long.
            r"(?:\B){1000000}x",
            r"^(?:(?:\B){10000}){10000}x",
            // Zero-width parts after a repeat run again for every character it gives back.
            r"a+(?:\B){1001}b",
            r"\w+(?:\B){1001}-",
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
