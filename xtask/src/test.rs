//! `cargo xtask test`: every check, as named steps in order, each stopping the run when it
//! fails.

use crate::serve::{KillOnDrop, STAND_IN_PORT};
use crate::size::{measure, size_table};
use crate::tidy::{check_budget, read_budget};
use crate::tools::{install_axe, plain_path, setup, Tools};
use crate::{root, run, run_without_warnings, step, Result};
use std::env;
use std::fs;
use std::io::Write;
use std::process::Command;

/// One step of the test command: its heading, and what it runs.
struct Step {
    name: &'static str,
    run: fn(&Tools) -> Result,
}

/// The test command's steps, in order: the cheap gates first, the release builds before the
/// tests that use them.
const STEPS: [Step; 8] = [
    Step {
        name: "formatting and lints: rustfmt, leptosfmt (view! markup), clippy for host and wasm",
        run: lints,
    },
    Step {
        name: "host tests: rules, request building, answer reading, stand-in HQ, xtask, tidy",
        run: host_tests,
    },
    Step {
        name: "browser component tests (wasm-bindgen-test in headless Chromium)",
        run: browser_tests,
    },
    Step {
        name: "release build: plain `trunk build --release`, PATH reduced to the system's and cargo's",
        run: plain_release_build,
    },
    Step {
        name: "the deployed release build (`cargo xtask build`)",
        run: Tools::release_build,
    },
    Step {
        name: "the size budget: the initial download, brotli, against size-budget.txt",
        run: size_budget,
    },
    Step {
        name: "end-to-end tests: dist/ in headless Chromium against the stand-in HQ, axe-core on each screen",
        run: end_to_end,
    },
    Step {
        name: "the run command: `cargo xtask serve` serves the form and the stand-in, and SIGTERM stops both",
        run: |_| check_serve(),
    },
];

/// Every step, or with words, only the steps whose heading holds them all
/// (`cargo xtask test run command`).
pub fn test(words: &[String]) -> Result {
    // One clean run gains nothing from incremental compilation's caches, which take gigabytes
    // of the disk it runs on; a caller's own setting stands.
    if env::var_os("CARGO_INCREMENTAL").is_none() {
        env::set_var("CARGO_INCREMENTAL", "0");
    }
    let tools = setup(true)?;
    let chosen = |name: &str| words.iter().all(|word| name.contains(word.as_str()));
    for Step { name, run } in STEPS.into_iter().filter(|s| chosen(s.name)) {
        step(name);
        run(&tools).map_err(|why| format!("{name}: {why}"))?;
    }
    Ok(())
}

fn lints(tools: &Tools) -> Result {
    run(tools.cmd("cargo").args(["fmt", "--all", "--check"]))?;
    run(tools
        .cmd("leptosfmt")
        .args(["--check", "src", "bulk/src", "tests/web.rs"]))?;
    let wasm = [
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "mobile-worker-form",
        "-p",
        "mobile-worker-scorer",
        "-p",
        "mobile-worker-bulk",
        "-p",
        "mobile-worker-xlsx",
        "-p",
        "mobile-worker-handover",
    ];
    for which in [&["--workspace"][..], &wasm[..]] {
        run(tools.cmd("cargo").arg("clippy").args(which).args([
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    Ok(())
}

fn host_tests(tools: &Tools) -> Result {
    run(tools
        .cmd("cargo")
        .args(["test", "--workspace", "--exclude", "e2e"]))
}

fn browser_tests(tools: &Tools) -> Result {
    run(tools.cmd("cargo").args([
        "test",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "mobile-worker-form",
        "--test",
        "web",
    ]))
}

/// As a new shell would run it: only the system's and cargo's folders on PATH.
fn plain_release_build(_: &Tools) -> Result {
    run_without_warnings(
        Command::new("trunk")
            .current_dir(root())
            .env("PATH", plain_path())
            .env_remove("TRUNK_SKIP_VERSION_CHECK")
            .args(["build", "--release"]),
    )
}

fn size_budget(_: &Tools) -> Result {
    let sizes = measure(&root().join("dist"))?;
    print!("{}", size_table(&sizes));
    check_budget(&sizes, &read_budget()?)?;
    for kind in ["wasm", "js", "css", "html"] {
        let precompressed = fs::read_dir(root().join("dist"))
            .map_err(|e| e.to_string())?
            .flatten()
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .ends_with(&format!(".{kind}.br"))
            });
        if !precompressed {
            return Err(format!(
                "the release build wrote no .{kind}.br (the post_build hook)"
            ));
        }
    }
    Ok(())
}

fn end_to_end(tools: &Tools) -> Result {
    let axe = install_axe()?;
    run(tools.cmd("cargo").env("AXE_CORE_JS", &axe).args([
        "test",
        "-p",
        "e2e",
        "--no-fail-fast",
        "--",
        "--test-threads",
        "1",
    ]))
}

/// One HTTP/1.1 exchange on loopback; the whole answer as text.
pub fn http(port: u16, request: &str) -> std::io::Result<String> {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    stream.write_all(request.as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

pub fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Runs `cargo xtask serve` as a person would, uses the form's API through trunk's proxy,
/// then stops it with SIGTERM (as a terminal closing or a service manager would) and checks
/// that trunk and the stand-in went with it.
pub fn check_serve() -> Result {
    const TRUNK_PORT: u16 = 8080;
    for port in [TRUNK_PORT, STAND_IN_PORT] {
        if listening(port) {
            return Err(format!(
                "port {port} is in use; stop what holds it and run again"
            ));
        }
    }
    let log = root().join("target/xtask-serve.log");
    let out = fs::File::create(&log).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    // The README's command itself, not this binary again: the test run's builds may have
    // replaced this binary on disk. On Unix `cargo run` becomes the program it runs, so the
    // signal below reaches serve.
    let mut serve = KillOnDrop(
        Command::new("cargo")
            .args(["xtask", "serve"])
            .current_dir(root())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("could not start serve: {e}"))?,
    );
    let failed = |why: String| format!("{why} (serve's output: {})", log.display());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
    loop {
        let page = http(
            TRUNK_PORT,
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        );
        if page.is_ok_and(|p| p.starts_with("HTTP/1.1 200") && p.contains("app-files")) {
            break;
        }
        if let Ok(Some(status)) = serve.0.try_wait() {
            return Err(failed(format!(
                "serve stopped ({status}) before the form was served"
            )));
        }
        if std::time::Instant::now() > deadline {
            return Err(failed("the form was not served within 10 minutes".into()));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let body = r#"{"username": "served.worker", "password": "s3cret-Pass"}"#;
    let created = http(
        TRUNK_PORT,
        &format!("POST /a/demo/api/v0.5/user/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()),
    )
    .map_err(|e| failed(format!("creating through trunk's proxy: {e}")))?;
    if !created.starts_with("HTTP/1.1 201") || !created.contains("\"id\"") {
        return Err(failed(format!(
            "creating through trunk's proxy answered: {created}"
        )));
    }
    // Only the form's paths are forwarded: another CommCare path never reaches the stand-in.
    let _ = http(
        TRUNK_PORT,
        "DELETE /a/demo/api/v0.5/web-user/x/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    let seen = http(
        STAND_IN_PORT,
        "GET /_stand-in/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .map_err(|e| failed(e.to_string()))?;
    if seen.contains("web-user") || !seen.contains("served.worker") {
        return Err(failed(format!("the stand-in received: {seen}")));
    }
    // SIGTERM to serve alone, not to its children.
    unsafe { libc::kill(serve.0.id() as libc::pid_t, libc::SIGTERM) };
    let _ = serve.0.wait();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while listening(TRUNK_PORT) || listening(STAND_IN_PORT) {
        if std::time::Instant::now() > deadline {
            return Err(failed(format!(
                "after SIGTERM, still listening: trunk {}, stand-in {}",
                listening(TRUNK_PORT),
                listening(STAND_IN_PORT)
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    println!("    served, created a mobile worker through trunk's proxy, stopped cleanly");
    Ok(())
}
