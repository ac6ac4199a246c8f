//! Real nginx (Debian's package) in front of the stand-in, configured from the very template in
//! `deploy/nginx/`, on a free loopback port.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What the tests vary in the site.
#[derive(Clone, Debug)]
pub struct Site {
    /// Where the form lives: `/` or `/forms/register/`.
    pub form_path: &'static str,
    pub frame_ancestors: &'static str,
    /// The `config.json` written beside the copied `index.html`.
    pub config_json: String,
    /// The access rules file; `{dir}` stands for the site's own folder.
    pub access: String,
    /// An nginx user file written as `{dir}/htpasswd`, for `auth_basic` rules.
    pub htpasswd: Option<String>,
    /// Locations in the stand-in's project (24 by default; big projects have 50,000).
    pub locations: usize,
}

impl Site {
    pub fn at(form_path: &'static str) -> Site {
        Site {
            form_path,
            frame_ancestors: "'none'",
            config_json:
                r#"{"base_url": "", "domain": "demo", "api_version": "v0.5", "auth": "proxy"}"#
                    .into(),
            access: "allow 127.0.0.1;\ndeny all;\n".into(),
            htpasswd: None,
            locations: 24,
        }
    }
}

/// Debian's brotli_static module (libnginx-mod-http-brotli-static), which the tests install.
pub const BROTLI_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

/// The one host name the site answers to.
pub const SERVER_NAME: &str = "localhost";

/// The key nginx adds; the browser must never see it.
pub const PROXY_API_KEY: &str = "proxy-admin@example.org:key-held-by-nginx-only";

/// A script the test copy of `index.html` loads first, recording every CSP violation.
const VIOLATION_RECORDER: &str = "window.cspViolations = [];\n\
document.addEventListener('securitypolicyviolation', e =>\n\
  window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));\n";

pub struct Nginx {
    child: Child,
    dir: PathBuf,
    pub addr: SocketAddr,
}

fn render(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("${{{name}}}"), value);
    }
    let unfilled = out
        .lines()
        .find(|l| !l.trim_start().starts_with('#') && l.contains("${"));
    assert!(
        unfilled.is_none(),
        "a template value was left unfilled: {unfilled:?}"
    );
    out
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let kind = entry.file_type().unwrap();
        if kind.is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        }
    }
}

impl Nginx {
    pub fn start(dist: &Path, site: &Site, upstream: SocketAddr) -> Nginx {
        let port = crate::free_port();
        let dir = std::env::temp_dir().join(format!("e2e-nginx-{}-{port}", std::process::id()));
        let served = dir.join("dist");
        serve_with_recorder(dist, &served, site);
        let (credential, access) = secrets(&dir, site);
        let template_path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../deploy/nginx/mobile-worker-form.conf.template");
        let template = fs::read_to_string(&template_path).unwrap();
        let site_conf = render(
            &template,
            &[
                ("LISTEN", format!("127.0.0.1:{port}")),
                ("SERVER_NAME", SERVER_NAME.into()),
                ("FORM_PATH", site.form_path.into()),
                ("DIST_DIR", served.display().to_string()),
                ("COMMCARE_URL", format!("http://{upstream}")),
                ("DOMAIN", "demo".into()),
                ("API_VERSION", "v0.5".into()),
                ("CREDENTIAL_FILE", credential.display().to_string()),
                ("FRAME_ANCESTORS", site.frame_ancestors.into()),
                ("ACCESS_FILE", access.display().to_string()),
                (
                    "BROTLI_STATIC",
                    if Path::new(BROTLI_MODULE).exists() {
                        "brotli_static on;".into()
                    } else {
                        String::new()
                    },
                ),
            ],
        );
        fs::write(dir.join("site.conf"), site_conf).unwrap();
        fs::write(dir.join("nginx.conf"), main_conf(&dir)).unwrap();
        Self::run(dir, port)
    }

    /// nginx on `port` with the configuration in `dir`, once it listens.
    fn run(dir: PathBuf, port: u16) -> Nginx {
        let nginx = ["nginx", "/usr/sbin/nginx"]
            .into_iter()
            .find(|n| Command::new(n).arg("-v").output().is_ok())
            .expect("nginx must be installed: `cargo xtask test` installs it");
        let child = Command::new(nginx)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nginx");
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut nginx = Nginx { child, dir, addr };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(addr).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                use std::io::Read;
                let mut log = fs::read_to_string(nginx.dir.join("error.log")).unwrap_or_default();
                if let Some(mut stderr) = nginx.child.stderr.take() {
                    let _ = stderr.read_to_string(&mut log);
                }
                panic!("nginx stopped ({status}):\n{log}");
            }
            assert!(Instant::now() < deadline, "nginx did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }

    /// The site's address by its name: nginx answers no other.
    pub fn url(&self, path: &str) -> String {
        format!("http://{SERVER_NAME}:{}{path}", self.addr.port())
    }

    /// Every request line nginx has logged so far.
    pub fn access_log(&self) -> String {
        fs::read_to_string(self.dir.join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // TERM lets the master stop its workers; a killed master would leave them serving.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// `dist` copied to `served` with the site's `config.json`, a recorder of CSP violations before
/// the page's own script (so violations during start-up are caught too), and a page that
/// breaks the policy on purpose, to show violations are seen.
fn serve_with_recorder(dist: &Path, served: &Path, site: &Site) {
    copy_dir(dist, served);
    fs::write(served.join("config.json"), &site.config_json).unwrap();
    // The release build's HTML is minified: no `<head>` tag to aim at.
    let index = fs::read_to_string(served.join("index.html")).unwrap();
    assert!(index.contains("<script"), "{index}");
    let index = index.replacen(
        "<script",
        "<script src=\"csp-recorder.js\"></script><script",
        1,
    );
    fs::write(served.join("index.html"), index).unwrap();
    // Its precompressed copies would be the page without the recorder.
    for stale in ["index.html.br", "index.html.gz"] {
        let _ = fs::remove_file(served.join(stale));
    }
    fs::write(served.join("csp-recorder.js"), VIOLATION_RECORDER).unwrap();
    fs::write(
        served.join("csp-probe.html"),
        "<!doctype html><script src=\"csp-recorder.js\"></script><script>document.title = 'inline ran';</script>",
    )
    .unwrap();
}

/// The files only nginx may read: the credential it adds, the access rules, the passwords of
/// a site behind basic authentication; and a folder its workers may buffer in.
fn secrets(dir: &Path, site: &Site) -> (PathBuf, PathBuf) {
    let tmp = dir.join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    // Workers run as nobody when nginx starts as root; they may need to buffer to disk.
    set_mode(&tmp, 0o777);
    let credential = dir.join("commcare-credential.conf");
    fs::write(
        &credential,
        format!("proxy_set_header Authorization \"ApiKey {PROXY_API_KEY}\";\n"),
    )
    .unwrap();
    set_mode(&credential, 0o600);
    let access = dir.join("access.conf");
    fs::write(
        &access,
        site.access.replace("{dir}", &dir.display().to_string()),
    )
    .unwrap();
    if let Some(users) = &site.htpasswd {
        let file = dir.join("htpasswd");
        fs::write(&file, users).unwrap();
        // Read by the workers, which run as nobody when nginx starts as root.
        set_mode(&file, 0o644);
    }
    (credential, access)
}

/// nginx's main configuration: the brotli module where installed, logs and buffers in `dir`.
fn main_conf(dir: &Path) -> String {
    let d = dir.display();
    let brotli = if Path::new(BROTLI_MODULE).exists() {
        format!("load_module {BROTLI_MODULE};\n")
    } else {
        String::new()
    };
    format!(
        "{brotli}worker_processes 1;\n\
         daemon off;\n\
         error_log {d}/error.log;\n\
         pid {d}/nginx.pid;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n\
           include /etc/nginx/mime.types;\n\
           default_type application/octet-stream;\n\
           access_log {d}/access.log;\n\
           client_body_temp_path {d}/tmp/body;\n\
           proxy_temp_path {d}/tmp/proxy;\n\
           fastcgi_temp_path {d}/tmp/fastcgi;\n\
           uwsgi_temp_path {d}/tmp/uwsgi;\n\
           scgi_temp_path {d}/tmp/scgi;\n\
           include {d}/site.conf;\n\
         }}\n"
    )
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// What `raw_request` got back.
pub struct Answer {
    pub status: u16,
    /// The status line and headers.
    pub head: String,
    pub body: String,
}

/// A minimal HTTP/1.1 exchange for checking what nginx lets through: the path is sent exactly
/// as given, with no cleaning of `..` or escapes.
pub async fn raw_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    raw_request_to(addr, SERVER_NAME, method, path, headers, body)
        .await
        .unwrap_or_else(|| panic!("no HTTP answer to {method} {path}"))
}

/// `raw_request` naming `host` in the Host header; `None` when the connection is closed
/// without an answer.
pub async fn raw_request_to(
    addr: SocketAddr,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<Answer> {
    raw_request_from([127, 0, 0, 1], addr, host, method, path, headers, body).await
}

/// `raw_request_to` as a client connecting from `source`, another loopback address, would
/// make it.
pub async fn raw_request_from(
    source: [u8; 4],
    addr: SocketAddr,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<Answer> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((source, 0).into()).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    // A declared length of its own lets a test claim a large body without sending it.
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        request += &format!("Content-Length: {}\r\n", body.len());
    }
    for (name, value) in headers {
        request += &format!("{name}: {value}\r\n");
    }
    request += "\r\n";
    request += body;
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "{method} {path}: no answer and no close within 30 s"
    );
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|s| s.parse().ok())?;
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    Some(Answer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    })
}
