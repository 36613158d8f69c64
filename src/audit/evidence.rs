//! `--evidence DIR`: per URL and scenario, what was recorded as JSON (`<scenario>.json`: each
//! step's Intercom requests with their initiators, cookies, storage keys, DOM nodes and widget
//! calls) and every request of the scenario as a HAR 1.2 file (`<scenario>.har`), which
//! browsers' developer tools and HAR viewers open.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::observe::Observation;
use super::plan::Plan;
use super::scenario::Scenario;
use super::session::Request;

/// A directory name for a URL: its host, port and path with everything else made `_`.
pub fn slug(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let mut out: String = rest
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("page");
    }
    out
}

pub struct Record<'a> {
    pub url: &'a str,
    pub plan: &'a Plan,
    pub scenario: &'a Scenario,
    pub observations: &'a [Observation],
    pub requests: &'a [Request],
    pub seconds: f64,
}

/// Writes both files; an I/O error names the file.
pub fn write(dir: &Path, record: &Record) -> Result<Vec<PathBuf>, String> {
    let folder = dir.join(slug(record.url));
    std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create `{}`: {e}", folder.display()))?;
    let json_path = folder.join(format!("{}.json", record.scenario.id));
    let har_path = folder.join(format!("{}.har", record.scenario.id));
    let evidence = json!({
        "url": record.url,
        "policy": record.plan.policy,
        "cmp": record.plan.cmp,
        "region": record.plan.region,
        "scenario": record.scenario.id,
        "title": record.scenario.title,
        "seconds": record.seconds,
        "steps": record.observations,
    });
    for (path, value) in [(&json_path, evidence), (&har_path, har(record))] {
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        std::fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(vec![json_path, har_path])
}

fn headers(list: &[(String, String)]) -> Value {
    Value::Array(list.iter().map(|(n, v)| json!({"name": n, "value": v})).collect())
}

/// ISO 8601 in UTC from seconds since the epoch (HAR's `startedDateTime`).
fn iso(seconds: f64) -> String {
    let millis = (seconds * 1000.0).round() as i64;
    let (days, rest) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (the well-known era algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn har(record: &Record) -> Value {
    let entries: Vec<Value> = record
        .requests
        .iter()
        .map(|r| {
            json!({
                "startedDateTime": iso(r.time),
                "time": 0,
                "request": {
                    "method": r.method,
                    "url": r.url,
                    "httpVersion": "",
                    "cookies": [],
                    "headers": headers(&r.request_headers),
                    "queryString": [],
                    "headersSize": -1,
                    "bodySize": -1,
                },
                "response": {
                    "status": r.status.unwrap_or(0),
                    "statusText": r.error.clone().unwrap_or_default(),
                    "httpVersion": "",
                    "cookies": [],
                    "headers": headers(&r.response_headers),
                    "content": {"size": -1, "mimeType": r.mime_type.clone().unwrap_or_default()},
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": -1,
                },
                "cache": {},
                "timings": {"send": 0, "wait": 0, "receive": 0},
                "_initiator": r.initiator,
                "_step": record.observations.get(r.step).map(|o| o.step.as_str()),
                "_answeredByAudit": r.answered_by_audit,
            })
        })
        .collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "consentc audit", "version": env!("CARGO_PKG_VERSION")},
            "comment": format!("{} — scenario: {}", record.url, record.scenario.title),
            "entries": entries,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_folder_names() {
        assert_eq!(slug("http://127.0.0.1:8080/app/"), "127.0.0.1_8080_app");
        assert_eq!(slug("https://x.test"), "x.test");
    }

    #[test]
    fn times_are_iso() {
        assert_eq!(iso(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_700_000_000.5), "2023-11-14T22:13:20.500Z");
    }
}
