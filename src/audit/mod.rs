//! `consentc audit` (audit.md): load a deployed page in a real Chromium under every consent
//! choice and judge what happened against the policy. The parts, in the order they act:
//! [`plan`] (what the policy promises for the URL), [`scenario`] (the choices), [`browser`]
//! and [`session`] (Chromium over the DevTools protocol, recording), [`cmp`] (giving consent),
//! [`observe`] (reading the page), [`verdict`] (findings CP0501-CP0506) and [`evidence`].
//!
//! Behind the `audit` cargo feature: chromiumoxide and tokio are never part of the library's
//! core or its WebAssembly build.

mod browser;
mod cmp;
mod evidence;
/// The evidence folder's name for a URL, for tools and tests that read `--evidence`.
pub use evidence::slug as evidence_folder;
mod observe;
pub mod plan;
pub mod scenario;
mod session;
mod verdict;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use tokio::time::timeout_at;

use crate::diagnostics::Diagnostic;
use crate::Checked;
use browser::Chromium;
use observe::Observation;
use plan::Plan;
use scenario::{Consent, Scenario, Step};
use session::{Setup, Tab};

/// The command line's choices, already parsed.
#[derive(Debug, Clone)]
pub struct Options {
    pub urls: Vec<String>,
    pub policy_paths: Vec<PathBuf>,
    pub name: Option<String>,
    pub cmp: Option<String>,
    pub browser: Option<PathBuf>,
    pub widget: Option<PathBuf>,
    /// The longest one scenario may take, and the browser's start.
    pub timeout: Duration,
    pub cookies: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub evidence: Option<PathBuf>,
    /// Scenarios run at once, each in its own browser context of one browser.
    pub jobs: usize,
}

#[derive(Debug)]
pub enum Error {
    /// Bad input: exit 2.
    Usage(String),
    /// The policies have errors: they are printed as `check` prints them, exit 1.
    Policy(Box<Checked>),
    /// The browser, the page or the CMP failed: exit 2.
    Fault(String),
}

/// What an audit found.
#[derive(Debug)]
pub struct Report {
    pub findings: Vec<Diagnostic>,
    pub urls: usize,
    pub scenarios: usize,
    pub elapsed: Duration,
    /// The evidence files written.
    pub evidence: Vec<PathBuf>,
    /// For the renderers: the policies' sources (findings have none of their own).
    pub checked: Checked,
}

/// Runs the whole audit; the browser is ended before this returns, whatever happened.
pub fn run(options: &Options) -> Result<Report, Error> {
    for url in &options.urls {
        if !(url.starts_with("http://") || url.starts_with("https://")) || plan::host_of(url).is_none() {
            return Err(Error::Usage(format!("`{url}` is not an http or https URL")));
        }
    }
    if options.urls.is_empty() {
        return Err(Error::Usage("name at least one URL to audit".to_owned()));
    }
    let checked = crate::check_paths(&options.policy_paths).map_err(|e| Error::Usage(e.to_string()))?;
    if checked.has_errors() {
        return Err(Error::Policy(Box::new(checked)));
    }
    let mut plans = Vec::new();
    for url in &options.urls {
        let plan =
            plan::choose(&checked.model, url, options.name.as_deref(), options.cmp.as_deref()).map_err(Error::Usage)?;
        if !cmp::drivable(&plan.cmp) {
            return Err(Error::Fault(format!(
                "the audit cannot give consent through `cmp {}` (policy `{}`): it drives {} through their JavaScript API; audit with one of those, or check this CMP by hand",
                plan.cmp,
                plan.policy,
                cmp::DRIVEN.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            )));
        }
        plans.push((url.clone(), plan));
    }
    let widget = match &options.widget {
        Some(path) => Some(Arc::new(std::fs::read(path).map_err(|e| {
            Error::Usage(format!("cannot read `{}` (`--widget`): {e}", path.display()))
        })?)),
        None => None,
    };
    let setup = Setup {
        widget,
        cookies: options.cookies.clone(),
        headers: options.headers.clone(),
    };
    let executable = browser::find(options.browser.as_deref()).map_err(Error::Fault)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Fault(format!("cannot start the audit's runtime: {e}")))?;
    let started = Instant::now();
    let outcome = runtime.block_on(async {
        let chromium = Chromium::launch(&executable, options.timeout)
            .await
            .map_err(Error::Fault)?;
        let result = run_all(&chromium, &plans, &setup, options).await;
        chromium.close().await;
        result
    });
    // Tasks still reading a closed connection end here, with the runtime.
    runtime.shutdown_timeout(Duration::from_secs(1));
    let (findings, evidence, scenarios) = outcome?;
    Ok(Report {
        findings,
        urls: plans.len(),
        scenarios,
        elapsed: started.elapsed(),
        evidence,
        checked,
    })
}

type Outcome = (Vec<Diagnostic>, Vec<PathBuf>, usize);

async fn run_all(
    chromium: &Chromium,
    plans: &[(String, Plan)],
    setup: &Setup,
    options: &Options,
) -> Result<Outcome, Error> {
    let jobs: Vec<(&str, &Plan, Scenario)> = plans
        .iter()
        .flat_map(|(url, plan)| scenario::all(plan).into_iter().map(move |s| (url.as_str(), plan, s)))
        .collect();
    let count = jobs.len();
    // The first fault ends the audit: the scenarios still running are dropped with their tabs,
    // and the caller closes the browser.
    let results: Vec<(Vec<Diagnostic>, Vec<PathBuf>)> = futures::stream::iter(jobs)
        .map(|(url, plan, scenario)| async move {
            let begun = Instant::now();
            let (observations, requests) = run_scenario(chromium, plan, url, &scenario, setup, options.timeout).await?;
            let findings = verdict::judge(plan, url, &scenario.title, &observations);
            let mut files = Vec::new();
            if let Some(dir) = &options.evidence {
                let record = evidence::Record {
                    url,
                    plan,
                    scenario: &scenario,
                    observations: &observations,
                    requests: &requests,
                    seconds: begun.elapsed().as_secs_f64(),
                };
                files = evidence::write(dir, &record)?;
            }
            Ok((findings, files))
        })
        .buffered(options.jobs.max(1))
        .try_collect()
        .await
        .map_err(Error::Fault)?;
    let mut findings = Vec::new();
    let mut files = Vec::new();
    for (f, e) in results {
        findings.extend(f);
        files.extend(e);
    }
    Ok((findings, files, count))
}

/// One scenario in its own browser context, within `timeout`.
async fn run_scenario(
    chromium: &Chromium,
    plan: &Plan,
    url: &str,
    scenario: &Scenario,
    setup: &Setup,
    timeout: Duration,
) -> Result<(Vec<Observation>, Vec<session::Request>), String> {
    let deadline = tokio::time::Instant::now() + timeout;
    let seconds = timeout.as_secs_f64();
    let late = |what: &str| format!("{what} within {seconds} s; raise `--timeout` if the page is only slow");
    let open = async {
        tokio::select! {
            opened = Tab::open(chromium, plan, url, setup) => opened,
            () = browser::until_gone(&chromium.gone) => Err(browser::GONE.to_owned()),
        }
    };
    let tab = timeout_at(deadline, open)
        .await
        .map_err(|_| late("the browser did not open a tab"))
        .and_then(|opened| opened)
        .map_err(|e| format!("scenario `{}` on `{url}`: {e}", scenario.title))?;
    let result = steps(chromium, &tab, plan, url, scenario, deadline, &late).await;
    let requests = tab.requests();
    tab.close(chromium).await;
    result
        .map(|observations| (observations, requests))
        .map_err(|e| format!("scenario `{}` on `{url}`: {e}", scenario.title))
}

/// Why a load timed out: the server never answered, or the page never finished loading.
fn unfinished(tab: &Tab, url: &str) -> String {
    if tab.document_answered() {
        "the page did not finish loading (its load event never fired)".to_owned()
    } else {
        format!("`{url}` did not answer")
    }
}

/// How long the page must make no new request to count as settled: the loader's adapters poll
/// for a late CMP and the widget boots a moment after its script runs.
const QUIET: Duration = Duration::from_millis(600);

async fn steps(
    chromium: &Chromium,
    tab: &Tab,
    plan: &Plan,
    url: &str,
    scenario: &Scenario,
    deadline: tokio::time::Instant,
    late: &dyn Fn(&str) -> String,
) -> Result<Vec<Observation>, String> {
    let mut state = Consent::default();
    let mut observations = Vec::new();
    let mut calls_before = 0;
    for (index, step) in scenario.steps.iter().enumerate() {
        tab.begin_step(index);
        let loads = tab.loads();
        perform(tab, plan, url, step, deadline, late).await?;
        let reloads = matches!(step, Step::Load | Step::Reload);
        let expected = if reloads { loads + 1 } else { loads };
        timeout_at(deadline, tab.settle(expected, QUIET)).await.map_err(|_| {
            if tab.loads() < expected {
                late(&unfinished(tab, url))
            } else if tab.since_last_request() < QUIET {
                late("the page did not settle (it kept making requests)")
            } else {
                late("the page did not settle")
            }
        })??;
        if reloads {
            calls_before = 0;
        }
        state = state.after(step, plan);
        let seen = timeout_at(
            deadline,
            observe::observe(chromium, tab, plan, (index, step.label()), &state, calls_before),
        )
        .await
        .map_err(|_| late("the page did not answer the audit"))??;
        calls_before = seen.widget.as_ref().map_or(0, |w| w.calls.len());
        observations.push(seen);
    }
    Ok(observations)
}

/// Does one step: load, reload, answer the CMP or click the chat button, within the deadline.
async fn perform(
    tab: &Tab,
    plan: &Plan,
    url: &str,
    step: &Step,
    deadline: tokio::time::Instant,
    late: &dyn Fn(&str) -> String,
) -> Result<(), String> {
    match step {
        Step::Load => {
            timeout_at(deadline, tab.navigate(url))
                .await
                .map_err(|_| late(&unfinished(tab, url)))??;
        }
        Step::Reload => {
            timeout_at(deadline, tab.reload())
                .await
                .map_err(|_| late(&unfinished(tab, url)))??;
        }
        Step::Choose(choice) => {
            let script = cmp::script(plan, choice);
            let given = timeout_at(deadline, async {
                loop {
                    let answer = tab.eval(&script).await?;
                    match answer.as_str() {
                        Some("ok") => return Ok(()),
                        Some(other) if other.starts_with("cannot") => {
                            return Err(format!(
                                "the audit cannot drive `cmp {}` on `{url}`: {}",
                                plan.cmp,
                                other.trim_start_matches("cannot: ")
                            ))
                        }
                        _ => tokio::time::sleep(Duration::from_millis(100)).await,
                    }
                }
            })
            .await;
            given.map_err(|_| late(&format!("the CMP `{}` never loaded", plan.cmp)))??;
        }
        Step::ClickFacade => {
            let label = plan.facade_label.as_deref().unwrap_or_default();
            let clicked = timeout_at(deadline, async {
                while !tab.click_button(label).await? {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Ok::<(), String>(())
            })
            .await;
            clicked.map_err(|_| late(&format!("the chat button `{label}` never appeared")))??;
        }
    }
    Ok(())
}
