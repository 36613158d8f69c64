//! One scenario's tab: a fresh browser context (its own cookies and storage, like a fresh
//! profile), one page in it, and the recording of every request the page makes. Intercom's
//! requests are answered here and never reach the network: the widget script with `--widget`,
//! everything else with an error, as audit.md says.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::fetch::{
    self, ContinueRequestParams, EventRequestPaused, FailRequestParams, FulfillRequestParams, HeaderEntry,
    RequestPattern, RequestStage,
};
use chromiumoxide::cdp::browser_protocol::inspector::EventTargetCrashed;
use chromiumoxide::cdp::browser_protocol::network::{
    self, CookieParam, ErrorReason, EventLoadingFailed, EventRequestWillBeSent, EventResponseReceived,
};
use chromiumoxide::cdp::browser_protocol::page::{
    AddScriptToEvaluateOnNewDocumentParams, EventLoadEventFired, NavigateParams, ReloadParams,
};
use chromiumoxide::cdp::browser_protocol::storage::GetCookiesParams;
use chromiumoxide::cdp::browser_protocol::target::{CreateBrowserContextParams, CreateTargetParams};
use chromiumoxide::Page;
use futures::StreamExt;
use serde::Serialize;

use super::browser::Chromium;
use super::plan::{host_of, Plan};

/// What the audit adds to the page's own requests, and how it answers Intercom's.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub widget: Option<Arc<Vec<u8>>>,
    /// `--cookie NAME=VALUE`, set for the audited URL before it loads.
    pub cookies: Vec<(String, String)>,
    /// `--header NAME:VALUE`, sent with requests to the audited origin only.
    pub headers: Vec<(String, String)>,
}

/// One request as recorded: enough for the findings and for a HAR entry.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    #[serde(skip)]
    pub id: String,
    pub url: String,
    pub method: String,
    /// Wall-clock seconds since the epoch, as the browser stamped it.
    pub time: f64,
    #[serde(rename = "type")]
    pub resource_type: Option<String>,
    /// What started it: `parser`, `script`, `other`, with the script URL and stack if given.
    pub initiator: serde_json::Value,
    pub status: Option<i64>,
    pub mime_type: Option<String>,
    pub error: Option<String>,
    /// How the audit answered an Intercom request: `widget` (the `--widget` file) or `blocked`.
    pub answered_by_audit: Option<&'static str>,
    #[serde(skip)]
    pub request_headers: Vec<(String, String)>,
    #[serde(skip)]
    pub response_headers: Vec<(String, String)>,
    /// Which step of the scenario it happened in (its index).
    pub step: usize,
}

impl Request {
    /// The URLs of the scripts on the initiator's stack, innermost first (async parents too),
    /// or the initiator's own URL for a parser-inserted script.
    pub fn initiator_scripts(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = self.initiator.get("stack");
        while let Some(s) = stack {
            for frame in s.get("callFrames").and_then(|f| f.as_array()).into_iter().flatten() {
                if let Some(url) = frame.get("url").and_then(|u| u.as_str()).filter(|u| !u.is_empty()) {
                    out.push(url.to_owned());
                }
            }
            stack = s.get("parent");
        }
        if let Some(url) = self.initiator.get("url").and_then(|u| u.as_str()) {
            out.push(url.to_owned());
        }
        out
    }
}

#[derive(Debug, Default)]
pub struct Log {
    pub requests: Vec<Request>,
    index: HashMap<String, usize>,
    /// How the audit answered requests whose `requestWillBeSent` has not arrived yet (the two
    /// events come on different streams, in either order).
    answered: HashMap<String, &'static str>,
    pub crashed: bool,
    pub loads: usize,
    /// When the latest request started.
    pub last_request: Option<std::time::Instant>,
    /// The step new requests are counted in.
    pub step: usize,
}

pub struct Tab {
    pub page: Page,
    gone: Arc<std::sync::atomic::AtomicBool>,
    context: BrowserContextId,
    pub log: Arc<Mutex<Log>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

fn lock(log: &Mutex<Log>) -> std::sync::MutexGuard<'_, Log> {
    log.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    ))
}

impl Tab {
    pub async fn open(chromium: &Chromium, plan: &Plan, url: &str, setup: &Setup) -> Result<Tab, String> {
        let browser = &chromium.browser;
        let context = browser
            .create_browser_context(CreateBrowserContextParams::default())
            .await
            .map_err(|e| format!("cannot open a browser context: {e}"))?;
        let target = CreateTargetParams::builder()
            .url("about:blank")
            .browser_context_id(context.clone())
            .build()
            .map_err(|e| format!("cannot open a tab: {e}"))?;
        let page = browser
            .new_page(target)
            .await
            .map_err(|e| format!("cannot open a tab: {e}"))?;
        let log = Arc::new(Mutex::new(Log::default()));
        let mut tasks = Vec::new();
        let cdp = |e: chromiumoxide::error::CdpError| format!("the browser did not answer: {e}");

        let mut sent = page.event_listener::<EventRequestWillBeSent>().await.map_err(cdp)?;
        let l = log.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(event) = sent.next().await {
                let mut log = lock(&l);
                let step = log.step;
                let request = Request {
                    id: event.request_id.inner().clone(),
                    url: event.request.url.clone(),
                    method: event.request.method.clone(),
                    time: *event.wall_time.inner(),
                    resource_type: event.r#type.as_ref().map(|t| t.as_ref().to_owned()),
                    initiator: serde_json::to_value(&event.initiator).unwrap_or_default(),
                    status: None,
                    mime_type: None,
                    error: None,
                    answered_by_audit: None,
                    request_headers: headers(event.request.headers.inner()),
                    response_headers: Vec::new(),
                    step,
                };
                let mut request = request;
                request.answered_by_audit = log.answered.remove(&request.id);
                log.last_request = Some(std::time::Instant::now());
                let at = log.requests.len();
                log.index.insert(request.id.clone(), at);
                log.requests.push(request);
            }
        }));
        let mut responses = page.event_listener::<EventResponseReceived>().await.map_err(cdp)?;
        let l = log.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(event) = responses.next().await {
                let mut log = lock(&l);
                if let Some(&at) = log.index.get(event.request_id.inner()) {
                    let r = &mut log.requests[at];
                    r.status = Some(event.response.status);
                    r.mime_type = Some(event.response.mime_type.clone());
                    r.response_headers = headers(event.response.headers.inner());
                }
            }
        }));
        let mut failures = page.event_listener::<EventLoadingFailed>().await.map_err(cdp)?;
        let l = log.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(event) = failures.next().await {
                let mut log = lock(&l);
                if let Some(&at) = log.index.get(event.request_id.inner()) {
                    log.requests[at].error = Some(event.error_text.clone());
                }
            }
        }));
        let mut loads = page.event_listener::<EventLoadEventFired>().await.map_err(cdp)?;
        let l = log.clone();
        tasks.push(tokio::spawn(async move {
            while loads.next().await.is_some() {
                lock(&l).loads += 1;
            }
        }));
        let mut crashes = page.event_listener::<EventTargetCrashed>().await.map_err(cdp)?;
        let l = log.clone();
        tasks.push(tokio::spawn(async move {
            if crashes.next().await.is_some() {
                lock(&l).crashed = true;
            }
        }));

        // Every request pauses here: Intercom's are answered by the audit, the audited origin's
        // get `--header`, everything else goes on unchanged.
        let mut paused = page.event_listener::<EventRequestPaused>().await.map_err(cdp)?;
        let answering = page.clone();
        let hosts = plan.hosts.clone();
        let script_prefix = plan.script_prefix.clone();
        let widget = setup.widget.clone();
        let origin = origin_of(url);
        let extra = setup.headers.clone();
        let l = log.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(event) = paused.next().await {
                let url = &event.request.url;
                let host = host_of(url).unwrap_or_default();
                let id = event.request_id.clone();
                let network_id = event.network_id.as_ref().map(|n| n.inner().clone());
                let mark = |how: &'static str| {
                    let mut log = lock(&l);
                    let Some(id) = network_id.clone() else { return };
                    match log.index.get(&id).copied() {
                        Some(at) => log.requests[at].answered_by_audit = Some(how),
                        None => {
                            log.answered.insert(id, how);
                        }
                    }
                };
                if hosts.is_catalogued(&host) {
                    match (&widget, url.starts_with(&script_prefix)) {
                        (Some(body), true) => {
                            mark("widget");
                            let params = FulfillRequestParams::builder()
                                .request_id(id)
                                .response_code(200)
                                .response_header(HeaderEntry::new("content-type", "text/javascript; charset=utf-8"))
                                .response_header(HeaderEntry::new("cache-control", "no-store"))
                                .body(base64::engine::general_purpose::STANDARD.encode(body.as_slice()))
                                .build();
                            if let Ok(params) = params {
                                let _ = answering.execute(params).await;
                            }
                        }
                        _ => {
                            mark("blocked");
                            let _ = answering
                                .execute(FailRequestParams::new(id, ErrorReason::BlockedByClient))
                                .await;
                        }
                    }
                    continue;
                }
                let mut params = ContinueRequestParams::new(id);
                if !extra.is_empty() && origin.is_some() && origin_of(url) == origin {
                    let mut entries: Vec<HeaderEntry> = event
                        .request
                        .headers
                        .inner()
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter_map(|(k, v)| Some(HeaderEntry::new(k.clone(), v.as_str()?.to_owned())))
                        .collect();
                    entries.extend(extra.iter().map(|(k, v)| HeaderEntry::new(k.clone(), v.clone())));
                    params.headers = Some(entries);
                }
                let _ = answering.execute(params).await;
            }
        }));

        // A visitor's browser says `navigator.webdriver = false`; CMPs hide their banner from
        // automation (vanilla-cookieconsent's `hideFromBots`), which would leave nothing to
        // answer. Headless Chromium says true whatever its flags, so the page is told otherwise.
        page.execute(AddScriptToEvaluateOnNewDocumentParams::new(
            "Object.defineProperty(Navigator.prototype, 'webdriver', {get: () => false, configurable: true});",
        ))
        .await
        .map_err(cdp)?;
        page.execute(network::EnableParams::default()).await.map_err(cdp)?;
        let pattern = RequestPattern::builder()
            .url_pattern("*")
            .request_stage(RequestStage::Request)
            .build();
        page.execute(fetch::EnableParams::builder().pattern(pattern).build())
            .await
            .map_err(cdp)?;
        if !setup.cookies.is_empty() {
            let cookies: Vec<CookieParam> = setup
                .cookies
                .iter()
                .filter_map(|(name, value)| CookieParam::builder().name(name).value(value).url(url).build().ok())
                .collect();
            page.execute(network::SetCookiesParams::new(cookies))
                .await
                .map_err(cdp)?;
        }
        Ok(Tab {
            page,
            gone: chromium.gone.clone(),
            context,
            log,
            tasks,
        })
    }

    /// Starts counting new requests in `step`.
    pub fn begin_step(&self, step: usize) {
        lock(&self.log).step = step;
    }

    /// Runs a browser command, or fails at once when the browser is gone (a command to a dead
    /// browser would otherwise wait for chromiumoxide's request timeout).
    async fn guarded<T>(&self, command: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
        tokio::select! {
            result = command => result,
            () = super::browser::until_gone(&self.gone) => Err(super::browser::GONE.to_owned()),
        }
    }

    /// Navigates; an error page (`net::ERR_CONNECTION_REFUSED`) is an error naming the URL.
    pub async fn navigate(&self, url: &str) -> Result<(), String> {
        let command = async {
            self.page
                .execute(NavigateParams::new(url))
                .await
                .map_err(|e| format!("cannot load `{url}`: {e}"))
        };
        let answer = self.guarded(command).await?;
        if let Some(error) = &answer.result.error_text {
            return Err(format!("`{url}` does not answer ({error})"));
        }
        Ok(())
    }

    pub async fn reload(&self) -> Result<(), String> {
        let command = async {
            self.page
                .execute(ReloadParams::default())
                .await
                .map(|_| ())
                .map_err(|e| format!("cannot reload the page: {e}"))
        };
        self.guarded(command).await
    }

    /// Whether the server answered the latest document request of the page.
    pub fn document_answered(&self) -> bool {
        let log = lock(&self.log);
        let document = log
            .requests
            .iter()
            .rev()
            .find(|r| r.resource_type.as_deref() == Some("Document"));
        document.is_some_and(|r| r.status.is_some())
    }

    /// Clicks the button labelled `label` with the mouse, where a visitor would (a real,
    /// trusted click); `Ok(false)` while it is not drawn yet, an error if something covers it.
    pub async fn click_button(&self, label: &str) -> Result<bool, String> {
        let find = format!(
            r#"(() => {{
  const label = {label};
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === label);
  if (!button) return null;
  button.scrollIntoView({{block: 'center'}});
  const r = button.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const top = document.elementFromPoint(x, y);
  return {{x, y, covered: button.contains(top) ? null : (top ? top.outerHTML.slice(0, 80) : 'nothing')}};
}})()"#,
            label = serde_json::to_string(label).unwrap_or_default()
        );
        let found = self.eval(&find).await?;
        if found.is_null() {
            return Ok(false);
        }
        if let Some(cover) = found.get("covered").and_then(|c| c.as_str()) {
            return Err(format!(
                "the chat button `{label}` is covered by `{cover}`, so a visitor could not click it"
            ));
        }
        let (x, y) = (found["x"].as_f64().unwrap_or(0.0), found["y"].as_f64().unwrap_or(0.0));
        let command = async {
            self.page
                .click(chromiumoxide::layout::Point { x, y })
                .await
                .map(|_| true)
                .map_err(|e| format!("cannot click the chat button: {e}"))
        };
        self.guarded(command).await
    }

    /// How long ago the latest request started (forever if none did).
    pub fn since_last_request(&self) -> Duration {
        lock(&self.log).last_request.map_or(Duration::MAX, |t| t.elapsed())
    }

    pub fn loads(&self) -> usize {
        lock(&self.log).loads
    }

    pub fn crashed(&self) -> bool {
        lock(&self.log).crashed
    }

    /// Waits until the page's load event has fired `loads` times and no request has started
    /// for `quiet`; the caller bounds it with `--timeout`.
    pub async fn settle(&self, loads: usize, quiet: Duration) -> Result<(), String> {
        let mut last = (usize::MAX, tokio::time::Instant::now());
        loop {
            if self.crashed() {
                return Err("the browser's page crashed".to_owned());
            }
            if self.gone.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(super::browser::GONE.to_owned());
            }
            let (count, loaded) = {
                let log = lock(&self.log);
                (log.requests.len(), log.loads >= loads)
            };
            if count != last.0 {
                last = (count, tokio::time::Instant::now());
            } else if loaded && last.1.elapsed() >= quiet {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Evaluates an expression (awaiting a promise) and returns its JSON value.
    pub async fn eval(&self, expression: &str) -> Result<serde_json::Value, String> {
        let command = async {
            self.page
                .evaluate_expression(expression)
                .await
                .map_err(|e| format!("cannot run the audit's script in the page: {e}"))
        };
        let result = self.guarded(command).await?;
        Ok(result.value().cloned().unwrap_or(serde_json::Value::Null))
    }

    /// Every cookie of this scenario's profile, whatever its domain.
    pub async fn cookies(&self, chromium: &Chromium) -> Result<Vec<network::Cookie>, String> {
        // Asked of the browser, not the page: only the browser target may name a context.
        let params = GetCookiesParams {
            browser_context_id: Some(self.context.clone()),
        };
        let command = async {
            chromium
                .browser
                .execute(params)
                .await
                .map(|r| r.result.cookies.clone())
                .map_err(|e| format!("cannot read the cookies: {e}"))
        };
        self.guarded(command).await
    }

    pub fn requests(&self) -> Vec<Request> {
        lock(&self.log).requests.clone()
    }

    /// Closes the tab and its context; the recording tasks end with it.
    pub async fn close(self, chromium: &Chromium) {
        for task in &self.tasks {
            task.abort();
        }
        // A dead browser answers nothing: waiting for it would only delay the error.
        if self.gone.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), self.page.close()).await;
        let _ = tokio::time::timeout(
            Duration::from_secs(2),
            chromium.browser.dispose_browser_context(self.context),
        )
        .await;
    }
}

fn headers(value: &serde_json::Value) -> Vec<(String, String)> {
    value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()),
            )
        })
        .collect()
}
