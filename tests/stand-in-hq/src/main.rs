//! `stand-in-hq [--port N] [--host ADDR] [--domain NAME]... [--api-key EMAIL:KEY]...
//! [--groups N] [--locations N] [--rate-limits SECOND,MINUTE,HOUR,DAY] [--minute-ms MS]`
//! Serves the stand-in CommCare HQ until interrupted. `--port 0` picks a free port; the
//! address in use is printed on the first line.

use stand_in_hq::{RateLimits, Settings, StandIn};
use std::net::{IpAddr, SocketAddr};

const USAGE: &str = "usage: stand-in-hq [--port N] [--host ADDR] [--domain NAME]... [--api-key EMAIL:KEY]... [--groups N] [--locations N] [--rate-limits SECOND,MINUTE,HOUR,DAY] [--minute-ms MS]";

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
            "--rate-limits" => {
                let limits: Vec<usize> = value()
                    .split(',')
                    .map(|n| n.trim().parse())
                    .collect::<Result<_, _>>()
                    .unwrap_or_default();
                let [per_second, per_minute, per_hour, per_day] = limits[..] else {
                    fail("--rate-limits takes four numbers, e.g. 1,10,30,50 (HQ's for a new project)")
                };
                let minute = settings
                    .rate_limits
                    .map_or(RateLimits::NEW_PROJECT.minute, |l| l.minute);
                settings.rate_limits = Some(RateLimits {
                    per_second,
                    per_minute,
                    per_hour,
                    per_day,
                    minute,
                });
            }
            "--minute-ms" => {
                let ms: u64 = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--minute-ms takes a number"));
                let limits = settings.rate_limits.get_or_insert(RateLimits::NEW_PROJECT);
                limits.minute = std::time::Duration::from_millis(ms.max(60));
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
