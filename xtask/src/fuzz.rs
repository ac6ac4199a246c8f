//! `cargo xtask fuzz <reader | all> [seconds]`: libFuzzer on the page's readers of outside
//! input (`fuzz/`), for as long as asked (600 seconds each unless told). Built with the pinned
//! nightly (the release build's), coverage instrumentation as `cargo fuzz` adds it, and
//! overflow checks and debug assertions on, so a silent wrap is found too. Inputs that made a reader fail are kept in
//! `target/fuzz/artifacts/<reader>/`; the corpus grows in `target/fuzz/corpus/<reader>/`,
//! starting from the reader's seeds.

use crate::tools::{install_release_toolchain, RELEASE_TOOLCHAIN};
use crate::{root, run, step, Result};
use std::process::Command;

const INSTRUMENTED: &str = "-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing";

const HOST: &str = "x86_64-unknown-linux-gnu";

pub fn fuzz(args: &[String]) -> Result {
    let which = args.first().map(String::as_str).unwrap_or("all");
    let seconds: u64 = match args.get(1) {
        Some(s) => s
            .parse()
            .map_err(|_| format!("not a number of seconds: {s}"))?,
        None => 600,
    };
    install_release_toolchain()?;
    let target = root().join("target/fuzz");
    step("building the fuzzers (nightly, instrumented)");
    let cargo = || {
        let mut cargo = Command::new("cargo");
        cargo
            .current_dir(root())
            .env("RUSTUP_TOOLCHAIN", RELEASE_TOOLCHAIN)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", INSTRUMENTED)
            // The page's release profile links everything into one module (LTO), where the
            // coverage pass never sees the crates' code: fuzz with plain, fast code instead.
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            // Through the profile, so that a package's own setting still holds (Cargo.toml).
            .env("CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS", "true")
            .env("CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS", "true");
        cargo
    };
    run(cargo().args([
        "build",
        "--release",
        "-p",
        "mobile-worker-fuzz",
        "--features",
        "libfuzzer",
        "--bins",
        // With a target named, RUSTFLAGS instrument the fuzzers and not the build scripts.
        "--target",
        HOST,
    ]))?;
    let bin = target.join(HOST).join("release");
    let listed = Command::new(bin.join("fuzz"))
        .env("FUZZ_LIST", "1")
        .output()
        .map_err(|e| format!("could not list the readers: {e}"))?;
    let all: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let readers: Vec<&String> = match which {
        "all" => all.iter().collect(),
        name => all.iter().filter(|reader| *reader == name).collect(),
    };
    if readers.is_empty() {
        return Err(format!("no reader {which}; one of {all:?}, or all"));
    }
    for reader in readers {
        step(&format!("fuzzing {reader} for {seconds} s"));
        let corpus = target.join("corpus").join(reader);
        let artifacts = target.join("artifacts").join(reader);
        for folder in [&corpus, &artifacts] {
            std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
        }
        run(Command::new(bin.join("fuzz"))
            .env("FUZZ_READER", reader)
            .env("FUZZ_SEEDS_TO", &corpus)
            .arg(&corpus)
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            // The largest input a reader meets is a 10 MB file; most findings are far smaller.
            .arg("-max_len=65536")
            .arg("-rss_limit_mb=4096")
            .arg("-timeout=20")
            .arg("-print_final_stats=1"))?;
    }
    Ok(())
}
