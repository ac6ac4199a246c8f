//! The project's commands, after rust-analyzer's `xtask`: `main.rs` only dispatches; each job
//! is a module of its own. Every command installs what it needs first (`tools`).
//!
//! - `serve` (`serve.rs`): the stand-in CommCare HQ and `trunk serve`;
//! - `build` (`build.rs`): the release build, and `post-build`, trunk's hook in every release
//!   build (the first view, minifying with `minify.rs`, compressing);
//! - `test` (`test.rs`): every check, as named steps;
//! - `size` (`size.rs`): the release page's bytes against the budget;
//! - `bench` (`bench.rs`): the release page against the plain one under slow 4G;
//! - `fuzz` (`fuzz.rs`): libFuzzer on each reader of outside input (`fuzz/`);
//! - `setup` (`tools.rs`): install only;
//! - `tidy.rs`: rules the tree keeps, checked by the host tests.

mod bench;
mod build;
#[cfg(test)]
mod docs;
mod exports;
mod fuzz;
mod minify;
mod serve;
mod size;
mod test;
mod tidy;
mod tools;
mod unused;

use std::env;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => serve::serve(&args[1..]),
        Some("test") => test::test(&args[1..]),
        Some("size") => size::size(),
        Some("build") => tools::setup(false).and_then(|tools| tools.release_build()),
        Some("bench") => bench::bench(args.get(1).map(String::as_str)),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("post-build") => build::post_build(),
        Some("setup") => tools::setup(args.iter().any(|a| a == "--browser")).map(|_| ()),
        _ => Err(
            "usage: cargo xtask <serve [trunk serve options] | build | test | size | bench [runs] | fuzz [reader|all] [seconds] | setup [--browser]>"
                .into(),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository's root folder.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A step's heading in the output.
fn step(message: &str) {
    println!("\n==> {message}");
    let _ = std::io::stdout().flush();
}

/// Runs a build, showing its output as it comes; `Err` when it fails or prints a warning, since
/// a clean build prints none (trunk's ` WARN ` lines, such as its minifier's "Failed to minify
/// JS", and cargo's and rustc's `warning:`).
fn run_without_warnings(cmd: &mut Command) -> Result {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    let warnings = |out: Box<dyn std::io::Read + Send>, to_stderr: bool| {
        std::thread::spawn(move || {
            let mut warnings = Vec::new();
            for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
                if to_stderr {
                    eprintln!("{line}");
                } else {
                    println!("{line}");
                }
                if is_warning(&line) {
                    warnings.push(line);
                }
            }
            warnings
        })
    };
    let stdout = warnings(Box::new(child.stdout.take().expect("piped")), false);
    let stderr = warnings(Box::new(child.stderr.take().expect("piped")), true);
    let status = child.wait().map_err(|e| e.to_string())?;
    let mut warned = stdout.join().unwrap_or_default();
    warned.extend(stderr.join().unwrap_or_default());
    if !status.success() {
        return Err(format!("{shown} failed ({status})"));
    }
    if !warned.is_empty() {
        return Err(format!("{shown} printed warnings:\n{}", warned.join("\n")));
    }
    Ok(())
}

fn is_warning(line: &str) -> bool {
    line.contains(" WARN ") || line.trim_start().starts_with("warning:")
}

/// Runs `cmd`; `Err` names it when it cannot start or fails.
fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::is_warning;

    #[test]
    fn warnings_of_trunk_and_cargo_are_told_apart_from_other_lines() {
        assert!(is_warning(
            "2026-12-06T18:35:19.38Z  WARN Failed to minify JS: Syntax error"
        ));
        assert!(is_warning("warning: unused variable: `x`"));
        assert!(is_warning("   warning: field `a` is never read"));
        assert!(!is_warning("2026-12-06T18:35:19.38Z  INFO ✅ success"));
        assert!(!is_warning("   Compiling warnings v0.1.0"));
    }
}
