//! SARIF 2.1.0 for code-scanning upload: one rule per code (with its help and explain page),
//! one result per diagnostic, columns in Unicode code points (`source::position`).

use serde_json::{json, Value};

use super::{Code, Diagnostic};
use crate::source::{SourceMap, Span};

/// Where each code's explain page lives, for `helpUri`: the page's path in consentc's
/// repository (`consentc explain CODE` prints the same text).
pub const DOCS_BASE: &str = "docs/codes/";

fn region(sources: &SourceMap, span: Span) -> Value {
    let (_, start) = sources.start(span);
    let end = sources.end(span);
    json!({"startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column})
}

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Value {
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": sources.get(span.file).name.replace('\\', "/")},
            "region": region(sources, span),
        }
    });
    if let Some(m) = message.filter(|m| !m.is_empty()) {
        loc["message"] = json!({"text": m});
    }
    loc
}

pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": c.as_str(),
                "shortDescription": {"text": c.summary()},
                "fullDescription": {"text": c.summary()},
                "help": {"text": format!("Run `consentc explain {c}`."), "markdown": c.explanation()},
                "helpUri": format!("{DOCS_BASE}{c}.md"),
                // SARIF's levels include ours under the same names.
                "defaultConfiguration": {"level": c.severity().as_str()},
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let primary = d.labels.iter().filter(|l| l.primary);
            let related: Vec<Value> = d
                .labels
                .iter()
                .filter(|l| !l.primary)
                .enumerate()
                .map(|(i, l)| {
                    let mut loc = location(sources, l.span, Some(&l.message));
                    loc["id"] = json!(i);
                    loc
                })
                .collect();
            let text = match &d.help {
                Some(h) => format!("{}\nhelp: {h}", d.message),
                None => d.message.clone(),
            };
            json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code),
                "level": d.severity.as_str(),
                "message": {"text": text},
                "locations": match &d.location {
                    // An audited URL: an artifact location with no region.
                    Some(url) if d.labels.is_empty() => vec![json!({"physicalLocation": {"artifactLocation": {"uri": url}}})],
                    _ => primary.map(|l| location(sources, l.span, None)).collect::<Vec<_>>(),
                },
                "relatedLocations": related,
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "consentc",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
