//! The browser: finding Chromium or Chrome, starting it headless with a profile of its own, and
//! always ending it. chromiumoxide starts the process with tokio's `kill_on_drop`, so an early
//! return, an error or a panic still ends it; `close` asks politely first.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use futures::StreamExt;

/// The names a browser goes by on `PATH`, most specific first.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// Flags for a quiet, reproducible run: no GPU, no QUIC (requests go over TCP, where the
/// recording sees them), no first-run or background traffic of the browser's own that could be
/// mistaken for the page's.
const FLAGS: &[&str] = &[
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
];

/// `--browser`, then `CONSENTC_BROWSER`, then the usual names on `PATH`.
pub fn find(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = explicit {
        return executable(path).ok_or_else(|| format!("no browser at `{}` (`--browser`)", path.display()));
    }
    if let Some(path) = std::env::var_os("CONSENTC_BROWSER").filter(|v| !v.is_empty()) {
        let path = PathBuf::from(path);
        return executable(&path).ok_or_else(|| format!("no browser at `{}` (`CONSENTC_BROWSER`)", path.display()));
    }
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    for name in NAMES {
        for dir in &dirs {
            if let Some(found) = executable(&dir.join(name)) {
                return Ok(found);
            }
        }
    }
    Err(format!(
        "no Chromium or Chrome found (looked for {} on `PATH`); install one (`apt-get install chromium`) or name it with `--browser PATH` or `CONSENTC_BROWSER`",
        NAMES.join(", ")
    ))
}

fn executable(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 == 0 {
            return None;
        }
    }
    Some(path.to_path_buf())
}

/// Resolves once the browser is gone; raced against every command, which would otherwise wait
/// for chromiumoxide's request timeout when the browser dies.
pub async fn until_gone(gone: &AtomicBool) {
    while !gone.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The message for a browser that is gone.
pub const GONE: &str = "the browser exited (it crashed or was killed)";

/// Whether a child process still runs: on Linux, its `/proc` entry exists and is no zombie.
/// Elsewhere the audit relies on the commands' own timeouts.
fn alive(pid: u32) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// A running browser. Dropping it kills the process; its profile directory goes with it.
pub struct Chromium {
    pub browser: Browser,
    /// Set when the connection to the browser ends: it exited or was killed.
    pub gone: Arc<AtomicBool>,
    handler: tokio::task::JoinHandle<()>,
    _profile: tempfile::TempDir,
}

impl Chromium {
    pub async fn launch(executable: &Path, timeout: Duration) -> Result<Chromium, String> {
        let profile = tempfile::Builder::new()
            .prefix("consentc-audit-")
            .tempdir()
            .map_err(|e| format!("cannot create a browser profile directory: {e}"))?;
        // Without the sandbox: Chromium refuses to start with it as root, which is how CI
        // containers run; the audit only opens the site it was asked to audit.
        let config = BrowserConfig::builder()
            .chrome_executable(executable)
            .user_data_dir(profile.path())
            .no_sandbox()
            .disable_default_args()
            .args(FLAGS.iter().copied())
            .launch_timeout(timeout)
            .request_timeout(timeout)
            .build()
            .map_err(|e| format!("cannot configure the browser: {e}"))?;
        let (mut browser, mut handler) = Browser::launch(config)
            .await
            .map_err(|e| format!("cannot start the browser `{}`: {e}", executable.display()))?;
        // The connection's events must be read for any command to complete.
        let gone = Arc::new(AtomicBool::new(false));
        let flag = gone.clone();
        let handler = tokio::spawn(async move {
            while handler.next().await.is_some() {}
            flag.store(true, Ordering::SeqCst);
        });
        // chromiumoxide's handler does not end when the browser dies (its commands wait for their
        // timeout instead), so the process itself is watched: every wait in the scenarios stops
        // at once when it is gone.
        if let Some(pid) = browser.get_mut_child().and_then(|c| c.as_mut_inner().id()) {
            let flag = gone.clone();
            tokio::spawn(async move {
                while alive(pid) {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                flag.store(true, Ordering::SeqCst);
            });
        }
        Ok(Chromium {
            browser,
            gone,
            handler,
            _profile: profile,
        })
    }

    /// Ends the browser: a `Browser.close`, then a kill if it has not exited a moment later.
    pub async fn close(mut self) {
        if !self.gone.load(Ordering::SeqCst) {
            let _ = tokio::time::timeout(Duration::from_secs(2), self.browser.close()).await;
        }
        let exited = tokio::time::timeout(Duration::from_secs(3), self.browser.wait()).await;
        if !matches!(exited, Ok(Ok(_))) {
            let _ = self.browser.kill().await;
        }
        self.handler.abort();
    }
}
