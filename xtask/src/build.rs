//! The release build: `cargo xtask build`, and trunk's post-build hook that every release
//! build runs (the first view, minifying, compressing).

use crate::size::compress_dir;
use crate::tools::{install_release_toolchain, Tools, RELEASE_TOOLCHAIN};
use crate::{exports, minify, root, run, run_without_warnings, unused, Result};
use std::env;
use std::path::Path;
use std::process::Command;

impl Tools {
    /// The release build that is deployed, measured and tested: trunk with the pinned nightly
    /// and a standard library built to trap on panic, writing `dist/`.
    pub fn release_build(&self) -> Result {
        install_release_toolchain()?;
        println!("    trunk build --release, {RELEASE_TOOLCHAIN}, panics as traps");
        run_without_warnings(self
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

/// Run by trunk after each build (a hook in Trunk.toml). In a release build: the first view
/// written into `index.html` (rendered by the app's components on the host, `first-view/`),
/// wasm-streams' unused classes dropped (`unused.rs`), wasm-bindgen's long export names
/// shortened, the page minified, then a `.br` and a `.gz` beside each file of the page, for a server to
/// send as they are (nginx's `brotli_static` and `gzip_static`; not beside `config.json`,
/// which operators replace). A development build (`trunk serve`) is left as it is: the app
/// draws the whole page there.
pub fn post_build() -> Result {
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
    unused::drop_dir(Path::new(&dir))?;
    exports::shorten_dir(Path::new(&dir))?;
    minify::page(Path::new(&dir))?;
    compress_dir(Path::new(&dir))
}
