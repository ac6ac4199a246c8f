//! Every reader on what the fuzzers once found (`fuzz/regressions/<reader>/`), on its seeds, on
//! hostile inputs (nesting 20,000 deep, 10 MB texts, NUL, lone surrogates) spliced into them,
//! and on seeded mutations of both: the same inputs on every run, so a failure here is a
//! failure on every machine. A panic fails the test; the reader
//! and the input's file in `target/fuzz-failures/` are named. `FUZZ_ROUNDS` and `FUZZ_SEED`
//! run it longer or otherwise; libFuzzer (`cargo xtask fuzz`) searches far wider.

use mobile_worker_fuzz::{seeds, Reader, READERS};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Tokens each reader's syntax gives meaning to, for mutations to insert.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"\\",
    b",",
    b";",
    b":",
    b"\n",
    b"\r",
    b"\t",
    b"\0",
    b"\\u0000",
    b"\\ud800",
    b"\\udc00",
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"null",
    b"true",
    b"-1",
    b"1e999",
    b"18446744073709551616",
    b"0.5",
    b"\"x\":",
    b"(?",
    b"(?i:",
    b"(?-i:",
    b"(?<=",
    b"(?P<a>",
    b"[^",
    b"\\W",
    b"\\S",
    b"{1,2}",
    b"{,",
    b"|",
    b"*",
    b"+?",
    b"\\1",
    b"\\x4",
    b"\\U0010ffff",
    b"\\N{",
    b"--",
    b"&&",
    b"username",
    b"password",
    b"phone-number 1",
    b"group 2",
    b"data: ",
    b"user_profile",
    b"is_active",
    b"location_code 1",
    b"{{count}}",
    b"{{",
    b"}}",
    "İ".as_bytes(),
    "\u{202e}".as_bytes(),
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn hostile() -> Vec<Vec<u8>> {
    let ten_mb = "a".repeat(10 << 20);
    vec![
        [&"[".repeat(20_000), "]".repeat(20_000).as_str()]
            .concat()
            .into_bytes(),
        [&r#"{"a":"#.repeat(20_000), "1", &"}".repeat(20_000)]
            .concat()
            .into_bytes(),
        "(".repeat(20_000).into_bytes(),
        format!(r#"{{"domain": "{ten_mb}", "username": "{ten_mb}"}}"#).into_bytes(),
        format!("username,password\n{ten_mb},{ten_mb}\n").into_bytes(),
        format!("{ten_mb}\u{1f}{ten_mb}").into_bytes(),
        b"{\"domain\": \"de\\u0000mo\", \"a\0b\": \"\0\"}".to_vec(),
        br#"{"domain": "\ud800", "\udc00": ["\ud800x"]}"#.to_vec(),
        b"username\n\xed\xa0\x80\n\0\0\0\n".to_vec(),
        Vec::new(),
    ]
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, others: &[Vec<u8>]) {
    for _ in 0..=rng.below(4) {
        let at = rng.below(input.len() + 1);
        match rng.below(6) {
            0 if !input.is_empty() => {
                let (at, bit) = (at.min(input.len() - 1), rng.below(8));
                input[at] ^= 1 << bit;
            }
            1 => input.insert(at, rng.next() as u8),
            2 => {
                let end = (at + rng.below(64)).min(input.len());
                input.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(256)).min(input.len());
                let copy = input[at..end].to_vec();
                for _ in 0..rng.below(8) {
                    input.splice(at..at, copy.iter().copied());
                }
            }
            4 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                input.splice(at..at, token.iter().copied());
            }
            _ => {
                let other = &others[rng.below(others.len())];
                let from = rng.below(other.len());
                let end = (from + rng.below(512)).min(other.len());
                input.splice(at..at, other[from..end].iter().copied());
            }
        }
    }
}

fn run(reader: &Reader, input: &[u8], what: &str) {
    if catch_unwind(AssertUnwindSafe(|| (reader.read)(input))).is_err() {
        let folder =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
        let file = folder.join(format!("{}-{what}", reader.name));
        let _ = std::fs::create_dir_all(&folder);
        let _ = std::fs::write(&file, input);
        panic!(
            "the {} reader panicked on {what}, kept in {}",
            reader.name,
            file.display()
        );
    }
}

#[test]
fn no_reader_panics_on_seeds_hostile_inputs_or_their_mutations() {
    let rounds: usize = std::env::var("FUZZ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed);
    let hostile = hostile();
    for reader in READERS {
        let found = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("regressions")
            .join(reader.name);
        for file in std::fs::read_dir(found).into_iter().flatten().flatten() {
            let input = std::fs::read(file.path()).unwrap();
            run(reader, &input, &file.file_name().to_string_lossy());
        }
        let seeds = seeds(reader.name);
        assert!(!seeds.is_empty(), "{} has no seeds", reader.name);
        for (n, input) in seeds.iter().chain(&hostile).enumerate() {
            run(reader, input, &format!("input-{n}"));
        }
        let mut rng = Rng(seed ^ reader.name.len() as u64);
        for round in 0..rounds {
            let mut input = seeds[rng.below(seeds.len())].clone();
            if round % 50 == 0 {
                let piece = &hostile[rng.below(hostile.len())];
                let at = rng.below(input.len() + 1);
                input.splice(at..at, piece.iter().copied());
            }
            mutate(&mut rng, &mut input, &seeds);
            run(reader, &input, &format!("seed-{seed}-round-{round}"));
        }
    }
}
