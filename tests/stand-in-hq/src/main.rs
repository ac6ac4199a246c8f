//! `stand-in-hq [--port N] [--host ADDR] [--domain NAME]... [--api-key EMAIL:KEY]...
//! [--groups N] [--locations N] [--rate-limit PER_MINUTE]`
//! Serves the stand-in CommCare HQ until interrupted. `--port 0` picks a free port; the
//! address in use is printed on the first line.

use stand_in_hq::{Settings, StandIn};
use std::net::{IpAddr, SocketAddr};

const USAGE: &str = "usage: stand-in-hq [--port N] [--host ADDR] [--domain NAME]... [--api-key EMAIL:KEY]... [--groups N] [--locations N] [--rate-limit PER_MINUTE]";

fn main() {
    let mut settings = Settings {
        log_to_stdout: true,
        ..Settings::default()
    };
    let (mut domains, mut keys) = (Vec::new(), Vec::new());
    let mut port: u16 = 8001;
    let mut host: IpAddr = [127, 0, 0, 1].into();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--port" => {
                port = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--port takes a number"))
            }
            "--host" => {
                host = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--host takes an IP address"))
            }
            "--domain" => domains.push(value()),
            "--api-key" => keys.push(value()),
            "--rate-limit" => {
                settings.creations_per_minute = Some(
                    value()
                        .parse()
                        .unwrap_or_else(|_| fail("--rate-limit takes a number")),
                )
            }
            "--groups" => {
                settings.groups_per_domain = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--groups takes a number"))
            }
            "--locations" => {
                settings.locations_per_domain = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--locations takes a number"))
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }
    if !domains.is_empty() {
        settings.domains = domains;
    }
    if !keys.is_empty() {
        settings.api_keys = keys;
    }
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async move {
        let domains = settings.domains.join(", ");
        let stand_in = StandIn::new(settings);
        let addr = stand_in
            .spawn(SocketAddr::new(host, port))
            .await
            .unwrap_or_else(|e| fail(&format!("cannot listen on {host}:{port}: {e}")));
        println!("stand-in CommCare HQ listening on http://{addr} (project spaces: {domains})");
        let _ = tokio::signal::ctrl_c().await;
    });
}

fn fail(message: &str) -> ! {
    eprintln!("stand-in-hq: {message}\n{USAGE}");
    std::process::exit(2);
}
