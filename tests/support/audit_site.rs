//! What the audit tests share: a static HTTP server on 127.0.0.1 (std only, one thread per
//! connection) that serves test pages beside the demo policy's built loader and the CMP library
//! from `node_modules`, prerequisites (skip loudly, fail under `CI`), and running the binary.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const CHROMIUM: &str = "/usr/bin/chromium";

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Whether this machine can run the audit's browser tests; without Chromium or `npm ci` they
/// are skipped loudly, and fail under `CI`.
pub fn ready(test: &str) -> bool {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push(CHROMIUM.to_owned());
    }
    for package in ["vanilla-cookieconsent", "klaro"] {
        if !root().join("node_modules").join(package).join("package.json").exists() {
            missing.push(format!("node_modules/{package}"));
        }
    }
    if missing.is_empty() {
        return true;
    }
    let reason = format!(
        "{test} needs chromium and npm ci; run: apt-get install -y chromium && npm ci (missing: {})",
        missing.join(", ")
    );
    assert!(!in_ci(), "{reason}");
    let line = "=".repeat(72);
    let _ = writeln!(std::io::stderr(), "\n{line}\nSKIPPED: {reason}\n{line}\n");
    false
}

/// `consentc build examples/demo-site/demo.policy` into a temporary directory.
pub fn build_demo() -> tempfile::TempDir {
    let dist = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(["build", "examples/demo-site/demo.policy", "--out"])
        .arg(dist.path())
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run consentc build");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dist
}

/// A response the server gives for a path.
#[derive(Clone)]
pub enum Answer {
    Page(String),
    /// Never answers (until the server stops): a page that never finishes loading.
    Hang,
    /// The page only for a request carrying this cookie (`name=value`) and header
    /// (`name: value`), as behind a login; anything else gets a 401 page.
    Private {
        html: String,
        cookie: String,
        header: String,
    },
}

pub struct Site {
    pub port: u16,
    stop: Arc<AtomicBool>,
    pages: Arc<Mutex<HashMap<String, Answer>>>,
}

impl Site {
    /// Serves `pages` by path, `/consentc/<file>` from `<dist>/demo/` and `/vendor/<package>/<file>`
    /// from the package's `dist/` in node_modules. Any host name reaches it (`app.site.localhost`).
    pub fn start(dist: &Path, pages: HashMap<String, Answer>) -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let pages = Arc::new(Mutex::new(pages));
        let (s, p, dist) = (stop.clone(), pages.clone(), dist.join("demo"));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (s, p, dist) = (s.clone(), p.clone(), dist.clone());
                std::thread::spawn(move || answer(stream, &p, &dist, &s));
            }
        });
        Site { port, stop, pages }
    }

    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn file_under(dir: &Path, name: &str) -> Option<PathBuf> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    ok.then(|| dir.join(name)).filter(|f| f.is_file())
}

fn answer(stream: TcpStream, pages: &Mutex<HashMap<String, Answer>>, dist: &Path, stop: &AtomicBool) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => headers.push(header.trim_end().to_ascii_lowercase()),
        }
    }
    let path = line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap_or("/")
        .to_owned();
    let page = pages.lock().map(|p| p.get(&path).cloned()).unwrap_or(None);
    let (status, kind, body): (&str, &str, Vec<u8>) = match page {
        Some(Answer::Hang) => {
            for _ in 0..600 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            return;
        }
        Some(Answer::Page(html)) => ("200 OK", "text/html; charset=utf-8", html.into_bytes()),
        Some(Answer::Private { html, cookie, header }) => {
            let has_cookie = headers.iter().any(|h| {
                h.strip_prefix("cookie:")
                    .is_some_and(|v| v.split(';').any(|c| c.trim() == cookie.to_ascii_lowercase()))
            });
            let has_header = headers
                .iter()
                .any(|h| h.replace(": ", ":") == header.to_ascii_lowercase().replace(": ", ":"));
            if has_cookie && has_header {
                ("200 OK", "text/html; charset=utf-8", html.into_bytes())
            } else {
                (
                    "401 Unauthorized",
                    "text/html; charset=utf-8",
                    b"<!doctype html><title>Sign in</title><h1>Sign in</h1>\n".to_vec(),
                )
            }
        }
        None => {
            let file = if let Some(name) = path.strip_prefix("/consentc/") {
                file_under(dist, name)
            } else if let Some(rest) = path.strip_prefix("/vendor/") {
                rest.split_once('/').and_then(|(package, name)| {
                    let known = ["vanilla-cookieconsent", "klaro"].contains(&package);
                    known
                        .then(|| file_under(&root().join("node_modules").join(package).join("dist"), name))
                        .flatten()
                })
            } else {
                None
            };
            match file.and_then(|f| Some((std::fs::read(&f).ok()?, f))) {
                Some((bytes, f)) => {
                    let kind = match f.extension().and_then(|e| e.to_str()) {
                        Some("js") => "text/javascript; charset=utf-8",
                        Some("css") => "text/css; charset=utf-8",
                        _ => "application/octet-stream",
                    };
                    ("200 OK", kind, bytes)
                }
                None => ("404 Not Found", "text/plain", b"not found\n".to_vec()),
            }
        }
    };
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// The suite's stand-in widget (tests/browser/stand_in_widget.js), with, where `talks_to` is
/// given, a request to that host on every boot, as a real widget talks to its workspace's region.
pub fn widget_file(dir: &Path, talks_to: Option<&str>) -> PathBuf {
    let mut js = std::fs::read_to_string(root().join("tests/browser/stand_in_widget.js")).expect("stand-in widget");
    if let Some(host) = talks_to {
        js.push_str(&format!(
            "\n;(function () {{\n  const boots = window.__fakeIntercom.boots;\n  const push = boots.push;\n  boots.push = function () {{\n    fetch('https://{host}/messenger/web/ping', {{method: 'POST', mode: 'no-cors'}}).catch(() => {{}});\n    return push.apply(this, arguments);\n  }};\n}})();\n"
        ));
    }
    let path = dir.join(format!("widget-{}.js", talks_to.unwrap_or("plain")));
    std::fs::write(&path, js).expect("write widget");
    path
}

/// Runs `consentc audit ARGS` with its own TMPDIR (where the browser's profile goes, so that a
/// test can tell its browser's processes from others').
pub fn audit(args: &[&str], tmp: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_consentc"))
        .arg("audit")
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("TMPDIR", tmp)
        .output()
        .expect("run consentc audit")
}

/// Processes whose command line names `dir` (a browser left running by an audit there).
pub fn processes_under(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
            let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if text.contains(&needle) {
                found.push(format!("{name}: {}", text.chars().take(120).collect::<String>()));
            }
        }
    }
    found
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
