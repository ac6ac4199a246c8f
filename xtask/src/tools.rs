//! The tools the commands need, each installed once, pinned, into a per-user cache
//! (`~/.cache/mobile-worker-form/tools/<tool>-<version>`) and linked where cargo installs
//! binaries (`~/.cargo/bin`), so plain `trunk serve` and `trunk build` work too: with
//! `offline = true` trunk looks for its tools on PATH only. A tool of the user's own already
//! there is never replaced.

use crate::{root, run, step, Result};
use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
/// Formats the markup inside `view!`, which rustfmt leaves alone.
pub const LEPTOSFMT_VERSION: &str = "0.1.33";
/// npm's binaryen build: Debian's binaryen (108) produces wasm that Chromium rejects.
pub const BINARYEN_VERSION: &str = "132";
/// The accessibility engine the end-to-end tests run on every screen (WCAG 2.2 AA rules).
pub const AXE_CORE_VERSION: &str = "4.14.1";
/// The release page is built with this pinned nightly, which rebuilds the standard library so
/// that a panic is a bare trap: no panic messages, source locations, Debug formatting or the
/// code they need in the download (about 17 KB brotli). Everything else (serve, tests, clippy)
/// uses the stable toolchain, and plain `trunk build --release` still works with it, a little
/// larger.
pub const RELEASE_TOOLCHAIN: &str = "nightly-2026-05-20";

pub fn tools_dir() -> PathBuf {
    let cache = env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(|| root().join("target"));
    cache.join("mobile-worker-form").join("tools")
}

pub fn found(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The environment every tool runs in: cached tools first on PATH, trunk kept offline.
pub struct Tools {
    path: OsString,
}

impl Tools {
    pub fn cmd(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(root())
            .env("PATH", &self.path)
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        cmd
    }
}

/// The pinned nightly with the standard library's source and the wasm target, once.
pub fn install_release_toolchain() -> Result {
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

pub fn wasm_bindgen_version() -> Result<String> {
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
pub fn cargo_install(krate: &str, version: &str, locked: bool, bin: &str) -> Result<PathBuf> {
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
    // Tools are built once per machine and spend their time waiting on cargo and the browser,
    // not computing: trunk's own fat LTO in one codegen unit would add minutes to a first run.
    cmd.args(["install", krate, "--version", version, "--root"])
        .arg(&dir)
        .env(
            "CARGO_TARGET_DIR",
            tools_dir().join(format!("build-{krate}")),
        )
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    if locked {
        cmd.arg("--locked");
    }
    run(&mut cmd)?;
    let _ = fs::remove_dir_all(tools_dir().join(format!("build-{krate}")));
    Ok(bin_dir)
}

pub fn install_wasm_opt() -> Result<PathBuf> {
    let dir = npm_install("binaryen", BINARYEN_VERSION, "node_modules/.bin/wasm-opt")?;
    Ok(dir.join("node_modules").join(".bin"))
}

/// axe-core's browser script, for the end-to-end tests.
pub fn install_axe() -> Result<PathBuf> {
    let dir = npm_install(
        "axe-core",
        AXE_CORE_VERSION,
        "node_modules/axe-core/axe.min.js",
    )?;
    Ok(dir.join("node_modules/axe-core/axe.min.js"))
}

/// `npm install package@version` into its own cached folder, once; `check` is a file the
/// install must have written.
pub fn npm_install(package: &str, version: &str, check: &str) -> Result<PathBuf> {
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

pub fn apt_install(packages: &[&str], what: &str) -> Result {
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
pub fn setup(browser: bool) -> Result<Tools> {
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
    }
    // Built side by side: each build ends in a long single-threaded stretch (its own crate,
    // linking) that the others fill.
    let (bins, extra) = std::thread::scope(|s| {
        let trunk = s.spawn(|| cargo_install("trunk", TRUNK_VERSION, true, "trunk"));
        // Its own lock file names a crate release the registry lacks, so no --locked.
        let bindgen =
            s.spawn(|| cargo_install("wasm-bindgen-cli", &wasm_bindgen, false, "wasm-bindgen"));
        let leptosfmt = browser
            .then(|| s.spawn(|| cargo_install("leptosfmt", LEPTOSFMT_VERSION, true, "leptosfmt")));
        let joined = |h: std::thread::ScopedJoinHandle<'_, Result<PathBuf>>| {
            h.join().unwrap_or_else(|_| Err("an install failed".into()))
        };
        let bins = [joined(trunk)?, joined(bindgen)?, install_wasm_opt()?];
        let extra: Vec<PathBuf> = leptosfmt.map(joined).transpose()?.into_iter().collect();
        Ok::<_, String>((bins, extra))
    })?;
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
pub fn cargo_bin() -> Option<PathBuf> {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map(|home| home.join("bin"))
}

/// Links each cached tool into `~/.cargo/bin`, unless a program of that name is already
/// there and is not one of these links (it is the user's own: left alone, with a warning
/// if it is another version, since plain trunk would then refuse to build).
pub fn link_into_cargo_bin(tools: &[(&Path, &str)]) {
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

pub fn version_of(program: &Path) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// PATH as a new shell has it: the system's folders and cargo's own, nothing of this tool's.
pub fn plain_path() -> OsString {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasm_bindgen_version_comes_from_the_lock_file() {
        let v = wasm_bindgen_version().unwrap();
        assert!(v.starts_with("0.2."), "{v}");
    }
}
