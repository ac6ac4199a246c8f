//! `cargo xtask serve`: the bundled stand-in CommCare HQ and `trunk serve` in front of it,
//! both stopped together however the command ends.

use crate::tools::setup;
use crate::{root, run, step, Result};
use std::process::{Child, Command};

pub const STAND_IN_PORT: u16 = 8001;

/// Children of `serve` die with it, however it stops (Ctrl-C, SIGTERM, a killed terminal):
/// the kernel sends them SIGTERM when this process's main thread ends.
pub fn tied_to_this_process(cmd: &mut Command) -> &mut Command {
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

pub struct KillOnDrop(pub Child);

/// `extra` goes to `trunk serve`, e.g. `--config Trunk.local.toml`.
pub fn serve(extra: &[String]) -> Result {
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
