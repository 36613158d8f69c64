//! `consentc audit`'s arguments and report: the command line side of `crate::audit`. Native
//! only (feature `audit`): it drives a browser, which the npm package cannot.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::args::{Format, ReportArgs};
use super::{default_paths, parse_allow, report, Usage};
use crate::audit::{self, Error};
use crate::diagnostics::{self, Severity};
use crate::host::{Host, Stream};

#[derive(Args)]
pub struct AuditArgs {
    /// The pages to audit (http or https URLs).
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,
    /// Policy files or directories (default: `policies/`).
    #[arg(long = "policy", value_name = "PATHS")]
    policy: Vec<PathBuf>,
    /// The policy to audit with, where several cover the URL.
    #[arg(long, value_name = "POLICY")]
    name: Option<String>,
    /// The CMP to give consent through, where the policy declares several.
    #[arg(long, value_name = "NAME")]
    cmp: Option<String>,
    /// Write each scenario's recording here, as JSON and HAR.
    #[arg(long, value_name = "DIR")]
    evidence: Option<PathBuf>,
    /// Chromium or Chrome to drive (default: `CONSENTC_BROWSER`, then `chromium`, `google-chrome`... on `PATH`).
    #[arg(long, value_name = "PATH")]
    browser: Option<PathBuf>,
    /// Answer requests for Intercom's widget script with this file (staging, or no Intercom).
    #[arg(long, value_name = "FILE")]
    widget: Option<PathBuf>,
    /// The longest one scenario may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    timeout: f64,
    /// A cookie set for the URL before it loads, for pages behind a login (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    cookie: Vec<String>,
    /// A header sent with every request to the URL's origin (repeatable).
    #[arg(long, value_name = "NAME:VALUE")]
    header: Vec<String>,
    /// Scenarios run at once, each in its own browser context of one browser (default: one more
    /// than the CPUs, 2 to 6; 1 runs them one after the other).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    report: ReportArgs,
}

fn pairs(values: &[String], separator: char, flag: &str) -> Result<Vec<(String, String)>, Usage> {
    values
        .iter()
        .map(|v| match v.split_once(separator) {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.trim_start().to_owned()))
            }
            _ => Err(Usage(format!("`{v}` is not `{flag}`"))),
        })
        .collect()
}

pub fn audit<H: Host + ?Sized>(host: &mut H, args: AuditArgs) -> Result<u8, Usage> {
    let allow = parse_allow(&args.report.allow).map_err(Usage)?;
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        return Err(Usage(format!(
            "`--timeout {}` must be a number of seconds between 0 and 3600",
            args.timeout
        )));
    }
    // A scenario mostly waits (for the network to go quiet, for the CMP), so one more than the
    // CPUs keeps them busy; docs/audit.md has the measurements.
    let jobs = args.jobs.unwrap_or_else(|| {
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        (cpus + 1).clamp(2, 6)
    });
    if jobs == 0 {
        return Err(Usage("`--jobs` must be at least 1".to_owned()));
    }
    let options = audit::Options {
        urls: args.urls,
        policy_paths: default_paths(host, args.policy)?,
        name: args.name,
        cmp: args.cmp,
        browser: args.browser,
        widget: args.widget,
        timeout: Duration::from_secs_f64(args.timeout),
        cookies: pairs(&args.cookie, '=', "NAME=VALUE")?,
        headers: pairs(&args.header, ':', "NAME:VALUE")?,
        evidence: args.evidence,
        jobs,
    };
    let mut report = match audit::run(&options) {
        Ok(report) => report,
        Err(Error::Usage(message)) | Err(Error::Fault(message)) => return Err(Usage(message)),
        Err(Error::Policy(mut checked)) => {
            host.print(
                Stream::Stderr,
                "error: the policies have errors, so nothing was audited\n",
            );
            return Ok(report(host, &mut checked, &args.report, &allow));
        }
    };
    let findings = &mut report.findings;
    findings.retain(|d| !allow.contains(&d.code));
    if !args.report.deny.is_empty() {
        for d in findings.iter_mut() {
            d.severity = Severity::Error;
        }
    }
    let sources = &report.checked.sources;
    match args.report.format {
        Format::Human => {
            let color = host.color(Stream::Stderr);
            let mut text = diagnostics::human::render(findings, sources, color);
            let errors = findings.iter().filter(|d| d.is_error()).count();
            let warnings = findings.len() - errors;
            text.push_str(&format!(
                "audited {} URL{} in {} scenarios ({:.1} s): {}\n",
                report.urls,
                if report.urls == 1 { "" } else { "s" },
                report.scenarios,
                report.elapsed.as_secs_f64(),
                match (errors, warnings) {
                    (0, 0) => "no problems".to_owned(),
                    (e, w) => format!(
                        "{e} error{}, {w} warning{}",
                        if e == 1 { "" } else { "s" },
                        if w == 1 { "" } else { "s" }
                    ),
                }
            ));
            if let Some(dir) = &options.evidence {
                text.push_str(&format!(
                    "evidence: {} files in `{}`\n",
                    report.evidence.len(),
                    dir.display()
                ));
            }
            host.print(Stream::Stderr, &text);
        }
        Format::Json => host.print(Stream::Stdout, &diagnostics::json::render(findings, sources)),
        Format::Sarif => host.print(Stream::Stdout, &diagnostics::sarif::render(findings, sources)),
        Format::Github => host.print(Stream::Stdout, &diagnostics::github::render(findings, sources)),
    }
    Ok(u8::from(findings.iter().any(|d| d.is_error())))
}
