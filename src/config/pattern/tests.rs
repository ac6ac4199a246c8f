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

/// Idioms Python takes that ECMAScript writes otherwise: sets holding `\W`, `\S` or `\D`,
/// flags for one group, Python's case-insensitive `i`, `I`, `ı`, `İ`, and set literals that are
/// syntax in ECMAScript's `v` sets. Answers from Python's `re.search`.
#[test]
fn python_idioms_match_as_python_does() {
    let cases: &[(&str, &str, bool)] = &[
        (r"^(?i:i)$", "İ", true),
        (r"(?i)^(?-i:i)$", "İ", false),
        (r"(?i)^(?-i:i)$", "I", false),
        (r"^(?i:[h-j])$", "ı", true),
        (r"(?<=(?i:a))b", "Ab", true),
        (r"^(?i:a(?-i:b)c)$", "AbC", true),
        (r"^(?i:a(?-i:b)c)d$", "AbCD", false),
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
    assert!(refused(r"(?x:a b)").contains("(?x)"));
    assert!(refused(r"(?a:\w)").contains("(?a)"));
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
        // Inline flags as Python's parser reads them.
        r"a(?i)b",
        r"(?i-i:a)",
        r"(?-:a)",
        r"(?-u:a)",
        r"(?L:a)",
        r"(?q:a)",
        r"(?i",
        r"(?-i)a",
        // Ranges run between two characters, upwards.
        r"[a--b]",
        r"[\d-z]",
        r"[z-a]",
    ] {
        let why = refused(python);
        assert!(why.contains("not a valid"), "{python}: {why}");
    }
}
