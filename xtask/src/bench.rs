//! `cargo xtask bench`: the release build against the plain page under slow 4G.

use crate::size::compress_dir;
use crate::tools::setup;
use crate::{root, run, step, Result};
use std::fs;

/// The form against the plain page under slow 4G (see `tests/e2e/src/bin/bench.rs`).
pub fn bench(runs: Option<&str>) -> Result {
    let tools = setup(true)?;
    tools.release_build()?;
    let plain = root().join("target/bench-plain");
    let _ = fs::remove_dir_all(&plain);
    fs::create_dir_all(&plain).map_err(|e| e.to_string())?;
    for (from, name) in [
        ("benches/plain/index.html", "index.html"),
        ("benches/plain/plain.js", "plain.js"),
        ("style/main.css", "main.css"),
    ] {
        fs::copy(root().join(from), plain.join(name)).map_err(|e| format!("{from}: {e}"))?;
    }
    compress_dir(&plain)?;
    step("cold loads in headless Chromium under slow 4G, alternating form and plain page");
    let mut cmd = tools.cmd("cargo");
    cmd.args(["run", "--quiet", "-p", "e2e", "--bin", "bench", "--"])
        .arg(root().join("dist"))
        .arg(&plain)
        .arg(runs.unwrap_or("5"));
    run(&mut cmd)
}
