//! The project's commands: `cargo xtask serve`, `cargo xtask test`, `cargo xtask size`,
//! `cargo xtask setup`. Each installs what is missing first, pinned, into a per-user cache
//! (`~/.cache/mobile-worker-form/tools/<tool>-<version>`), and links trunk, wasm-bindgen and
//! wasm-opt where cargo installs binaries (`~/.cargo/bin`), so plain `trunk serve` and
//! `trunk build` work too: with `offline = true` trunk looks for its tools on PATH only. A
//! tool of the user's own already there is never replaced.

mod minify;

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};

const TRUNK_VERSION: &str = "0.21.14";
/// Formats the markup inside `view!`, which rustfmt leaves alone.
const LEPTOSFMT_VERSION: &str = "0.1.33";
/// npm's binaryen build: Debian's binaryen (108) produces wasm that Chromium rejects.
const BINARYEN_VERSION: &str = "132";
/// The accessibility engine the end-to-end tests run on every screen (WCAG 2.2 AA rules).
const AXE_CORE_VERSION: &str = "4.14.1";
const STAND_IN_PORT: u16 = 8001;
/// The release page is built with this pinned nightly, which rebuilds the standard library so
/// that a panic is a bare trap: no panic messages, source locations, Debug formatting or the
/// code they need in the download (about 17 KB brotli). Everything else (serve, tests, clippy) uses the
/// stable toolchain, and plain `trunk build --release` still works with it, a little larger.
const RELEASE_TOOLCHAIN: &str = "nightly-2026-05-20";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test(),
        Some("size") => size(),
        Some("build") => setup(false).and_then(|tools| tools.release_build()),
        Some("bench") => bench(args.get(1).map(String::as_str)),
        Some("post-build") => post_build(),
        Some("setup") => setup(args.iter().any(|a| a == "--browser")).map(|_| ()),
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

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn tools_dir() -> PathBuf {
    let cache = env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(|| root().join("target"));
    cache.join("mobile-worker-form").join("tools")
}

fn step(message: &str) {
    println!("\n==> {message}");
    let _ = std::io::stdout().flush();
}

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

fn found(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The environment every tool runs in: cached tools first on PATH, trunk kept offline.
struct Tools {
    path: OsString,
}

impl Tools {
    fn cmd(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(root())
            .env("PATH", &self.path)
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        cmd
    }

    /// The release build that is deployed, measured and tested: trunk with the pinned nightly
    /// and a standard library built to trap on panic, writing `dist/`.
    fn release_build(&self) -> Result {
        install_release_toolchain()?;
        step(&format!(
            "release build (trunk build --release, {RELEASE_TOOLCHAIN}, panics as traps)"
        ));
        run(self
            .cmd("trunk")
            .env("RUSTUP_TOOLCHAIN", RELEASE_TOOLCHAIN)
            // Its own target folder, so the nightly's wasm never replaces the stable one's
            // (trunk's hook leaves both for the stable toolchain and the usual folder).
            .env("CARGO_TARGET_DIR", root().join("target/nightly"))
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
                // Also no Debug formatting (the page never shows it) and no source locations.
                "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none",
            )
            .args(["build", "--release"]))
    }
}

/// The pinned nightly with the standard library's source and the wasm target, once.
fn install_release_toolchain() -> Result {
    let sysroot = || {
        Command::new("rustup")
            .args(["run", RELEASE_TOOLCHAIN, "rustc", "--print", "sysroot"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
    };
    let library = |root: &Path| root.join("lib/rustlib/src/rust/library/Cargo.toml");
    let complete = |root: &Path| {
        library(root).is_file() && root.join("lib/rustlib/wasm32-unknown-unknown").is_dir()
    };
    if !sysroot().is_some_and(|root| complete(&root)) {
        step(&format!(
            "installing the release build's toolchain, {RELEASE_TOOLCHAIN} (once, seconds)"
        ));
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            RELEASE_TOOLCHAIN,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
            "--target",
            "wasm32-unknown-unknown",
        ]))?;
    }
    let root = sysroot().ok_or(format!("{RELEASE_TOOLCHAIN} did not install"))?;
    // trunk builds offline, and the standard library's own crates come from the registry.
    run(Command::new("rustup")
        .args([
            "run",
            RELEASE_TOOLCHAIN,
            "cargo",
            "fetch",
            "--quiet",
            "--manifest-path",
        ])
        .arg(library(&root)))
}

fn wasm_bindgen_version() -> Result<String> {
    let lock =
        fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen".into())
}

/// `cargo install` into its own cached root, once per version.
fn cargo_install(krate: &str, version: &str, locked: bool, bin: &str) -> Result<PathBuf> {
    let dir = tools_dir().join(format!("{krate}-{version}"));
    let bin_dir = dir.join("bin");
    if bin_dir.join(bin).exists() {
        return Ok(bin_dir);
    }
    step(&format!(
        "installing {krate} {version} into {} (a few minutes, once)",
        dir.display()
    ));
    let mut cmd = Command::new("cargo");
    cmd.args(["install", krate, "--version", version, "--root"])
        .arg(&dir)
        .env("CARGO_TARGET_DIR", tools_dir().join("build"));
    if locked {
        cmd.arg("--locked");
    }
    run(&mut cmd)?;
    let _ = fs::remove_dir_all(tools_dir().join("build"));
    Ok(bin_dir)
}

fn install_wasm_opt() -> Result<PathBuf> {
    let dir = npm_install("binaryen", BINARYEN_VERSION, "node_modules/.bin/wasm-opt")?;
    Ok(dir.join("node_modules").join(".bin"))
}

/// axe-core's browser script, for the end-to-end tests.
fn install_axe() -> Result<PathBuf> {
    let dir = npm_install(
        "axe-core",
        AXE_CORE_VERSION,
        "node_modules/axe-core/axe.min.js",
    )?;
    Ok(dir.join("node_modules/axe-core/axe.min.js"))
}

/// `npm install package@version` into its own cached folder, once; `check` is a file the
/// install must have written.
fn npm_install(package: &str, version: &str, check: &str) -> Result<PathBuf> {
    let dir = tools_dir().join(format!("{package}-{version}"));
    if dir.join(check).exists() {
        return Ok(dir);
    }
    if !found("npm") {
        apt_install(&["nodejs", "npm"], &format!("npm (for {package})"))?;
    }
    step(&format!(
        "installing npm {package}@{version} into {}",
        dir.display()
    ));
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .current_dir(&dir)
        .args(["install", "--no-audit", "--no-fund", "--no-save"])
        .arg(format!("{package}@{version}")))?;
    Ok(dir)
}

fn apt_install(packages: &[&str], what: &str) -> Result {
    if !is_root() {
        return Err(format!(
            "{what} is missing. Install it with: sudo apt-get install -y {}",
            packages.join(" ")
        ));
    }
    step(&format!("installing {what} with apt-get"));
    run(Command::new("apt-get").arg("update").arg("-qq"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Installs whatever is missing; `browser` adds what the tests need: Chromium, chromedriver
/// and nginx.
fn setup(browser: bool) -> Result<Tools> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if !installed {
        step("adding the wasm32-unknown-unknown Rust target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let wasm_bindgen = wasm_bindgen_version()?;
    let bins = [
        cargo_install("trunk", TRUNK_VERSION, true, "trunk")?,
        // Its own lock file names a crate release the registry lacks, so no --locked.
        cargo_install("wasm-bindgen-cli", &wasm_bindgen, false, "wasm-bindgen")?,
        install_wasm_opt()?,
    ];
    let mut extra = Vec::new();
    if browser {
        // The test command's gates: rustfmt and clippy from rustup, leptosfmt from crates.io.
        let components = Command::new("rustup")
            .args(["component", "list", "--installed"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        for component in ["rustfmt", "clippy"] {
            if !components.lines().any(|l| l.starts_with(component)) {
                step(&format!("adding the {component} component"));
                run(Command::new("rustup").args(["component", "add", component]))?;
            }
        }
        extra.push(cargo_install(
            "leptosfmt",
            LEPTOSFMT_VERSION,
            true,
            "leptosfmt",
        )?);
    }
    if browser {
        // The tests drive Chromium, and put Debian's nginx in front for the deployment tests.
        let mut missing = Vec::new();
        if !(found("chromium") && found("chromedriver")) {
            missing.extend(["chromium", "chromium-driver"]);
        }
        if !(found("nginx") || Path::new("/usr/sbin/nginx").exists()) {
            missing.push("nginx");
        }
        // Serves the release build's .br files, as the nginx template can.
        if !Path::new("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so").exists() {
            missing.push("libnginx-mod-http-brotli-static");
        }
        if !missing.is_empty() {
            apt_install(
                &missing,
                "Chromium, chromedriver and nginx (with brotli_static) for the tests",
            )?;
        }
    }
    link_into_cargo_bin(&[
        (&bins[0], "trunk"),
        (&bins[1], "wasm-bindgen"),
        (&bins[2], "wasm-opt"),
    ]);
    let mut paths: Vec<PathBuf> = bins.to_vec();
    paths.extend(extra);
    paths.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
    let path = env::join_paths(paths).map_err(|e| e.to_string())?;
    let tools = Tools { path };
    step("fetching crates (trunk builds offline)");
    run(tools.cmd("cargo").args(["fetch", "--locked"]))?;
    Ok(tools)
}

/// Where cargo installs binaries, which rustup puts on every shell's PATH.
fn cargo_bin() -> Option<PathBuf> {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map(|home| home.join("bin"))
}

/// Links each cached tool into `~/.cargo/bin`, unless a program of that name is already
/// there and is not one of these links (it is the user's own: left alone, with a warning
/// if it is another version, since plain trunk would then refuse to build).
fn link_into_cargo_bin(tools: &[(&Path, &str)]) {
    let Some(bin) = cargo_bin() else {
        return;
    };
    if fs::create_dir_all(&bin).is_err() {
        return;
    }
    for (dir, name) in tools {
        let target = dir.join(name);
        let link = bin.join(name);
        match fs::read_link(&link) {
            Ok(current) if current == target => continue,
            // An earlier version of these links: point it at this one.
            Ok(current) if current.starts_with(tools_dir()) => {
                let _ = fs::remove_file(&link);
            }
            _ if link.exists() || fs::symlink_metadata(&link).is_ok() => {
                let theirs = version_of(&link);
                if theirs != version_of(&target) {
                    println!(
                        "xtask: {} is not the version this project needs ({}); plain `trunk` will use it and fail. `cargo xtask serve` and `cargo xtask test` are unaffected.",
                        link.display(),
                        theirs.unwrap_or_else(|| "unknown".into())
                    );
                }
                continue;
            }
            _ => {}
        }
        if let Err(e) = std::os::unix::fs::symlink(&target, &link) {
            println!("xtask: could not link {}: {e}", link.display());
        }
    }
}

fn version_of(program: &Path) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// PATH as a new shell has it: the system's folders and cargo's own, nothing of this tool's.
fn plain_path() -> OsString {
    let mut paths: Vec<PathBuf> = cargo_bin().into_iter().collect();
    paths.extend(
        [
            "/usr/local/sbin",
            "/usr/local/bin",
            "/usr/sbin",
            "/usr/bin",
            "/sbin",
            "/bin",
        ]
        .map(PathBuf::from),
    );
    env::join_paths(paths).expect("plain folders join")
}

/// Children of `serve` die with it, however it stops (Ctrl-C, SIGTERM, a killed terminal):
/// the kernel sends them SIGTERM when this process's main thread ends.
fn tied_to_this_process(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have gone before the call above took effect.
            if libc::getppid() != parent {
                libc::raise(libc::SIGTERM);
            }
            Ok(())
        })
    };
    cmd
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `extra` goes to `trunk serve`, e.g. `--config Trunk.local.toml`.
fn serve(extra: &[String]) -> Result {
    let tools = setup(false)?;
    step("building the stand-in CommCare HQ");
    run(tools
        .cmd("cargo")
        .args(["build", "--quiet", "-p", "stand-in-hq"]))?;
    let stand_in = tied_to_this_process(
        tools
            .cmd(root().join("target/debug/stand-in-hq").to_str().unwrap())
            .args(["--port", &STAND_IN_PORT.to_string()]),
    )
    .spawn()
    .map_err(|e| format!("could not start the stand-in: {e}"))?;
    let mut stand_in = KillOnDrop(stand_in);
    std::thread::sleep(std::time::Duration::from_millis(500));
    if let Ok(Some(status)) = stand_in.0.try_wait() {
        return Err(format!(
            "the stand-in stopped ({status}); is port {STAND_IN_PORT} in use?"
        ));
    }
    step("serving the form at http://127.0.0.1:8080/ (Ctrl-C stops both)");
    println!(
        "    The API goes through trunk's proxy to the stand-in, which adds the dev credential."
    );
    let mut trunk = tools.cmd("trunk");
    run(tied_to_this_process(trunk.arg("serve").args(extra)))
}

fn test() -> Result {
    let tools = setup(true)?;
    step("formatting and lints: rustfmt, leptosfmt (view! markup), clippy for host and wasm");
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
    step("host tests: rules, request building, answer reading, stand-in HQ, xtask");
    run(tools
        .cmd("cargo")
        .args(["test", "--workspace", "--exclude", "e2e"]))?;
    step("browser component tests (wasm-bindgen-test in headless Chromium)");
    run(tools.cmd("cargo").args([
        "test",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "mobile-worker-form",
        "--test",
        "web",
    ]))?;
    // As a new shell would run it: only the system's and cargo's folders on PATH.
    step("release build: plain `trunk build --release`, PATH reduced to the system's and cargo's");
    run(Command::new("trunk")
        .current_dir(root())
        .env("PATH", plain_path())
        .env_remove("TRUNK_SKIP_VERSION_CHECK")
        .args(["build", "--release"]))?;
    tools.release_build()?;
    step("the size budget: the initial download, brotli, against size-budget.txt");
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
    let axe = install_axe()?;
    step("end-to-end tests: dist/ in headless Chromium against the stand-in HQ, axe-core on each screen");
    run(tools.cmd("cargo").env("AXE_CORE_JS", &axe).args([
        "test",
        "-p",
        "e2e",
        "--no-fail-fast",
        "--",
        "--test-threads",
        "1",
    ]))?;
    step("the run command: `cargo xtask serve` serves the form and the stand-in, and SIGTERM stops both");
    check_serve()?;
    Ok(())
}

/// One HTTP/1.1 exchange on loopback; the whole answer as text.
fn http(port: u16, request: &str) -> std::io::Result<String> {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    stream.write_all(request.as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Runs `cargo xtask serve` as a person would, uses the form's API through trunk's proxy,
/// then stops it with SIGTERM (as a terminal closing or a service manager would) and checks
/// that trunk and the stand-in went with it.
fn check_serve() -> Result {
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
    let exe = env::current_exe().map_err(|e| e.to_string())?;
    let mut serve = KillOnDrop(
        Command::new(exe)
            .arg("serve")
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

fn size() -> Result {
    let tools = setup(false)?;
    tools.release_build()?;
    let dist = root().join("dist");
    let sizes = measure(&dist)?;
    print!("{}", size_table(&sizes));
    println!("\nlocale is the largest catalogue; a page downloads only its own language's:");
    print!("{}", size_table(&locale_sizes(&dist)?));
    println!(
        "\nloaded only when used (the password scorer of strong-password projects, bulk creation):"
    );
    print!("{}", size_table(&when_used_sizes(&dist)?));
    match check_budget(&sizes, &read_budget()?) {
        Ok(()) => println!("\nwithin the budget in {BUDGET_FILE}"),
        Err(over) => println!("\n{over}"),
    }
    Ok(())
}

/// The kinds of file the initial download is made of. `locale` is one catalogue of
/// `locales/`, the largest: a page downloads its own language's only.
const KINDS: [&str; 6] = ["wasm", "js", "css", "html", "json", "locale"];
/// The initial download's budget, brotli bytes per kind and in all, kept in the repository.
const BUDGET_FILE: &str = "size-budget.txt";

/// Raw, gzip (-9) and brotli (q 11) bytes of each kind of file in `dist`, as a page costs on
/// first load; the precompressed `.br` and `.gz` copies are not counted twice.
/// Files of `dist/` the page loads only when they are used (the password scorer's worker,
/// bulk creation's module), which are no part of the initial download.
const LOADED_WHEN_USED: [&str; 2] = ["mobile-worker-scorer", "mobile-worker-bulk"];

fn loaded_when_used(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let name = n.to_string_lossy();
        LOADED_WHEN_USED
            .iter()
            .any(|prefix| name.starts_with(prefix))
    })
}

/// Raw, gzip and brotli bytes of each file loaded only when used.
fn when_used_sizes(dist: &Path) -> Result<Vec<(String, [usize; 3])>> {
    file_sizes(dist, |path| {
        loaded_when_used(path) && path.extension().is_some_and(|e| e == "js" || e == "wasm")
    })
}

/// Raw, gzip and brotli bytes of each file of `dir` that `keep` accepts, by name (none for a
/// folder that is not there).
fn file_sizes(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<(String, [usize; 3])>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut sizes = Vec::new();
    for path in entries.flatten().map(|e| e.path()).filter(|p| keep(p)) {
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        sizes.push((name.into_owned(), compressed_sizes(&bytes)));
    }
    sizes.sort();
    Ok(sizes)
}

fn measure(dist: &Path) -> Result<Vec<(String, [usize; 3])>> {
    let mut totals = [[0usize; 3]; KINDS.len()];
    let entries = fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if loaded_when_used(&path) {
            continue;
        }
        let Some(i) = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(|e| KINDS.iter().position(|k| *k == e))
        else {
            continue;
        };
        let bytes = fs::read(&path).map_err(|e| e.to_string())?;
        let sizes = compressed_sizes(&bytes);
        for (total, size) in totals[i].iter_mut().zip(sizes) {
            *total += size;
        }
    }
    if let Some((_, largest)) = locale_sizes(dist)?
        .into_iter()
        .max_by_key(|(_, s)| (s[2], s[0]))
    {
        totals[KINDS.len() - 1] = largest;
    }
    let mut rows: Vec<(String, [usize; 3])> = KINDS
        .iter()
        .zip(totals)
        .map(|(k, t)| (k.to_string(), t))
        .collect();
    let mut sum = [0usize; 3];
    for (_, row) in &rows {
        for (s, v) in sum.iter_mut().zip(row) {
            *s += v;
        }
    }
    rows.push(("total".into(), sum));
    Ok(rows)
}

/// Raw, gzip and brotli bytes of each language's catalogue, `locales/<code>.json`.
fn locale_sizes(dist: &Path) -> Result<Vec<(String, [usize; 3])>> {
    file_sizes(&dist.join("locales"), |path| {
        path.extension().is_some_and(|e| e == "json")
    })
}

fn size_table(sizes: &[(String, [usize; 3])]) -> String {
    let mut out = format!(
        "\n{:<8}{:>12}{:>12}{:>12}\n",
        "file", "raw", "gzip", "brotli"
    );
    for (kind, row) in sizes {
        out += &format!("{kind:<8}{:>12}{:>12}{:>12}\n", row[0], row[1], row[2]);
    }
    out
}

/// Raw, gzip and brotli bytes per kind, as a table.
#[cfg(test)]
fn size_report(dist: &Path) -> Result<String> {
    Ok(size_table(&measure(dist)?))
}

/// `kind bytes` lines; `#` starts a comment.
fn parse_budget(text: &str) -> Result<Vec<(String, usize)>> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (kind, bytes) = l
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("{BUDGET_FILE}: \"{l}\" is not `kind bytes`"))?;
            let bytes = bytes
                .trim()
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{BUDGET_FILE}: \"{l}\" is not `kind bytes`"))?;
            Ok((kind.to_string(), bytes))
        })
        .collect()
}

fn read_budget() -> Result<Vec<(String, usize)>> {
    let text =
        fs::read_to_string(root().join(BUDGET_FILE)).map_err(|e| format!("{BUDGET_FILE}: {e}"))?;
    parse_budget(&text)
}

/// `Err` when the brotli total is over the budget's, naming every kind that grew.
fn check_budget(sizes: &[(String, [usize; 3])], budget: &[(String, usize)]) -> Result {
    let brotli = |kind: &str| sizes.iter().find(|(k, _)| k == kind).map(|(_, s)| s[2]);
    let allowed = |kind: &str| budget.iter().find(|(k, _)| k == kind).map(|(_, b)| *b);
    let total = brotli("total").unwrap_or(0);
    let limit = allowed("total").ok_or(format!("{BUDGET_FILE} has no total"))?;
    if total <= limit {
        return Ok(());
    }
    let mut grew = String::new();
    for kind in KINDS {
        if let (Some(now), Some(was)) = (brotli(kind), allowed(kind)) {
            if now > was {
                grew += &format!(
                    "\n  {kind}: {now} bytes brotli, budget {was} (+{})",
                    now - was
                );
            }
        }
    }
    Err(format!(
        "the initial download is {total} bytes brotli, over the budget of {limit} in {BUDGET_FILE} by {}. What grew:{grew}\nCode only some users need belongs in a part loaded when it is used.",
        total - limit
    ))
}

/// Run by trunk after each build (a hook in Trunk.toml): in a release build, a `.br` and a
/// `.gz` beside each file of the page, for a server to send as they are (nginx's
/// `brotli_static` and `gzip_static`). `config.json` is left out: operators replace it.
/// trunk's post-build hook: in a release build, the first view written into `index.html`
/// (rendered by the app's components on the host, `first-view/`), the page minified, then
/// every file compressed. A development build (`trunk serve`) is left as it is: the app draws
/// the whole page there.
fn post_build() -> Result {
    if env::var("TRUNK_PROFILE").as_deref() != Ok("release") {
        return Ok(());
    }
    let dir = env::var_os("TRUNK_STAGING_DIR").ok_or("TRUNK_STAGING_DIR is not set")?;
    run(Command::new("cargo")
        .current_dir(root())
        .args([
            "run",
            "--quiet",
            "--package",
            "mobile-worker-first-view",
            "--",
        ])
        .arg(&dir))?;
    minify::page(Path::new(&dir))?;
    compress_dir(Path::new(&dir))
}

fn compress_dir(dir: &Path) -> Result {
    compress_files(dir, false)
}

/// `catalogues`: `dir` is `locales/` or a folder in it, whose JSON files are the page's.
fn compress_files(dir: &Path, catalogues: bool) -> Result {
    for entry in fs::read_dir(dir).map_err(|e| e.to_string())?.flatten() {
        let path = entry.path();
        let kind = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        // The catalogues are part of the page; config.json beside them is the operator's.
        if path.is_dir() && (catalogues || path.file_name().is_some_and(|n| n == "locales")) {
            compress_files(&path, true)?;
            continue;
        }
        if !(["wasm", "js", "css", "html"].contains(&kind) || (catalogues && kind == "json")) {
            continue;
        }
        let bytes = fs::read(&path).map_err(|e| e.to_string())?;
        let [gzip, brotli] = compress(&bytes);
        fs::write(format!("{}.gz", path.display()), gzip).map_err(|e| e.to_string())?;
        fs::write(format!("{}.br", path.display()), brotli).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// gzip at its best level and brotli at quality 11.
fn compress(bytes: &[u8]) -> [Vec<u8>; 2] {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).expect("gzip into memory");
    let gzip = gz.finish().expect("gzip into memory");
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).expect("brotli into memory");
    [gzip, br]
}

/// The form against the plain page under slow 4G (see `tests/e2e/src/bin/bench.rs`).
fn bench(runs: Option<&str>) -> Result {
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

fn compressed_sizes(bytes: &[u8]) -> [usize; 3] {
    let [gzip, brotli] = compress(bytes);
    [bytes.len(), gzip.len(), brotli.len()]
}

/// The modules of `src/` (its top-level files; `components` as one) and, for each, the
/// modules it names as `crate::…`.
#[cfg(test)]
fn module_imports(src: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let mut modules = Vec::new();
    for entry in fs::read_dir(src).map_err(|e| e.to_string())?.flatten() {
        let path = entry.path();
        let (name, text) = if path.is_dir() {
            let mut text = String::new();
            for file in fs::read_dir(&path).map_err(|e| e.to_string())?.flatten() {
                text += &fs::read_to_string(file.path()).unwrap_or_default();
            }
            (entry.file_name().to_string_lossy().into_owned(), text)
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&path).map_err(|e| e.to_string())?)
        } else {
            continue;
        };
        if name == "lib" {
            continue;
        }
        let mut named: Vec<String> = text
            .split("crate::")
            .skip(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .filter(|m: &String| !m.is_empty() && *m != name)
            .collect();
        // `use crate::{a, b::c}` names several at once.
        for group in text.split("crate::{").skip(1) {
            let inside = group.split('}').next().unwrap_or_default();
            named.extend(inside.split(',').filter_map(|part| {
                let m: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                (!m.is_empty() && m != name).then_some(m)
            }));
        }
        named.sort();
        named.dedup();
        modules.push((name, named));
    }
    modules.sort();
    Ok(modules)
}

/// A chain of imports that comes back to where it started, if there is one.
#[cfg(test)]
fn import_cycle(modules: &[(String, Vec<String>)]) -> Option<Vec<String>> {
    fn visit(
        at: &str,
        modules: &[(String, Vec<String>)],
        path: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == at) {
            let mut cycle = path[i..].to_vec();
            cycle.push(at.to_string());
            return Some(cycle);
        }
        if done.iter().any(|d| d == at) {
            return None;
        }
        path.push(at.to_string());
        let next = modules
            .iter()
            .find(|(m, _)| m == at)
            .map(|(_, n)| n.clone());
        for n in next.unwrap_or_default() {
            if let Some(cycle) = visit(&n, modules, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.push(at.to_string());
        None
    }
    let mut done = Vec::new();
    modules
        .iter()
        .find_map(|(m, _)| visit(m, modules, &mut Vec::new(), &mut done))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_module_of_the_app_imports_in_a_circle() {
        let modules = module_imports(&root().join("src")).unwrap();
        assert!(modules.len() > 5, "{modules:?}");
        if let Some(cycle) = import_cycle(&modules) {
            panic!("src/ imports in a circle: {}", cycle.join(" → "));
        }
    }

    #[test]
    fn the_budget_names_what_grew() {
        let sizes = vec![
            ("wasm".to_string(), [0, 0, 120]),
            ("js".to_string(), [0, 0, 10]),
            ("total".to_string(), [0, 0, 130]),
        ];
        let budget = parse_budget("# brotli\nwasm 100\njs 12\ntotal 125 # all\n").unwrap();
        let err = check_budget(&sizes, &budget).unwrap_err();
        assert!(
            err.contains("130 bytes brotli, over the budget of 125"),
            "{err}"
        );
        assert!(
            err.contains("wasm: 120 bytes brotli, budget 100 (+20)"),
            "{err}"
        );
        assert!(!err.contains("js:"), "{err}");
        let roomy = parse_budget("total 1_000").unwrap();
        assert_eq!(check_budget(&sizes, &roomy), Ok(()));
        assert!(parse_budget("total lots").is_err());
    }

    #[test]
    fn the_shipped_budget_reads() {
        let budget = read_budget().unwrap();
        assert!(budget.iter().any(|(k, _)| k == "total"), "{budget:?}");
    }

    #[test]
    fn compressed_copies_are_written_beside_the_page_files_but_not_config() {
        let dir = env::temp_dir().join(format!("xtask-compress-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let text = "mobile worker ".repeat(100);
        fs::write(dir.join("app.wasm"), &text).unwrap();
        fs::write(dir.join("config.json"), "{}").unwrap();
        fs::create_dir_all(dir.join("locales")).unwrap();
        fs::write(dir.join("locales/fr.json"), &text).unwrap();
        fs::create_dir_all(dir.join("locales/bulk")).unwrap();
        fs::write(dir.join("locales/bulk/fr.json"), &text).unwrap();
        compress_dir(&dir).unwrap();
        assert!(dir.join("locales/fr.json.br").exists());
        assert!(dir.join("locales/bulk/fr.json.gz").exists());
        let br = fs::read(dir.join("app.wasm.br")).unwrap();
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
        assert!(dir.join("app.wasm.gz").exists());
        assert!(!dir.join("config.json.br").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_import_circle_is_found() {
        let modules = vec![
            ("a".to_string(), vec!["b".to_string()]),
            ("b".to_string(), vec!["c".to_string()]),
            ("c".to_string(), vec!["a".to_string()]),
        ];
        assert_eq!(import_cycle(&modules).unwrap(), ["a", "b", "c", "a"]);
        assert_eq!(import_cycle(&modules[..2]), None);
    }

    #[test]
    fn wasm_bindgen_version_comes_from_the_lock_file() {
        let v = wasm_bindgen_version().unwrap();
        assert!(v.starts_with("0.2."), "{v}");
    }

    #[test]
    fn compression_shrinks_repetitive_text() {
        let text = "mobile worker ".repeat(1000);
        let [raw, gzip, brotli] = compressed_sizes(text.as_bytes());
        assert_eq!(raw, 14_000);
        assert!(gzip < raw / 20 && brotli < raw / 20, "{gzip} {brotli}");
    }

    #[test]
    fn size_report_sums_each_kind_and_the_total() {
        let dir = env::temp_dir().join(format!("xtask-size-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.js"), "x".repeat(100)).unwrap();
        fs::write(dir.join("b.js"), "y".repeat(50)).unwrap();
        fs::write(dir.join("index.html"), "<p>hi</p>").unwrap();
        fs::write(dir.join("notes.txt"), "ignored").unwrap();
        fs::create_dir_all(dir.join("locales")).unwrap();
        fs::write(dir.join("locales/en.json"), "z".repeat(20)).unwrap();
        fs::write(dir.join("locales/ar.json"), "z".repeat(30)).unwrap();
        let report = size_report(&dir).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let row = |name: &str| {
            report
                .lines()
                .find(|l| l.starts_with(name))
                .unwrap()
                .split_whitespace()
                .nth(1)
                .unwrap()
                .to_string()
        };
        assert_eq!(row("js"), "150");
        assert_eq!(row("html"), "9");
        // One catalogue is downloaded: the largest is counted.
        assert_eq!(row("locale"), "30");
        assert_eq!(row("total"), "189");
    }
}
