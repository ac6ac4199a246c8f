//! The project's commands, after rust-analyzer's `xtask`: `main.rs` only dispatches; each job
//! is a module of its own. Every command installs what it needs first (`tools`).
//!
//! - `serve` (`serve.rs`): the stand-in CommCare HQ and `trunk serve`;
//! - `build` (`build.rs`): the release build, and `post-build`, trunk's hook in every release
//!   build (the first view, minifying with `minify.rs`, compressing);
//! - `test` (`test.rs`): every check, as named steps;
//! - `size` (`size.rs`): the release page's bytes against the budget;
//! - `bench` (`bench.rs`): the release page against the plain one under slow 4G;
//! - `setup` (`tools.rs`): install only;
//! - `tidy.rs`: rules the tree keeps, checked by the host tests.

mod bench;
mod build;
#[cfg(test)]
mod docs;
mod exports;
mod minify;
mod serve;
mod size;
mod test;
mod tidy;
mod tools;

use std::env;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => serve::serve(&args[1..]),
        Some("test") => test::test(),
        Some("size") => size::size(),
        Some("build") => tools::setup(false).and_then(|tools| tools.release_build()),
        Some("bench") => bench::bench(args.get(1).map(String::as_str)),
        Some("post-build") => build::post_build(),
        Some("setup") => tools::setup(args.iter().any(|a| a == "--browser")).map(|_| ()),
        _ => Err(
            "usage: cargo xtask <serve [trunk serve options] | build | test | size | bench [runs] | setup [--browser]>"
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
