//! The compiler's diagnostics as LSP diagnostics: the primary label is the range, the other
//! labels are related information, the help closes the message, the code links to its explain
//! page, and the quick fixes ride along in `data` (`fixes`).

use lsp_types::{CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};
use serde_json::json;

use crate::diagnostics::{Diagnostic, Severity};

use super::fixes;
use super::text::Lines;

/// `explain_url` with `{code}` replaced, when the client gave one and it is a URI.
pub fn explain_href(explain_url: Option<&str>, code: &str) -> Option<Uri> {
    explain_url?.replace("{code}", code).parse().ok()
}

/// One diagnostic of a compile whose files are `uris`, with `lines` and `texts` for each.
pub fn convert(
    d: &Diagnostic,
    uris: &[String],
    lines: &[Lines],
    texts: &[&str],
    version: Option<i32>,
    explain_url: Option<&str>,
) -> Option<(usize, lsp_types::Diagnostic)> {
    let primary = d.primary_span()?;
    let file = primary.file.0 as usize;
    let here = lines.get(file)?;
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .filter_map(|l| {
            let f = l.span.file.0 as usize;
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    uris.get(f)?.parse().ok()?,
                    lines.get(f)?.range(l.span.start, l.span.end),
                ),
                message: l.message.clone(),
            })
        })
        .collect();
    let mut message = d.message.clone();
    if let Some(label) = d.labels.iter().find(|l| l.primary).filter(|l| !l.message.is_empty()) {
        message.push_str(&format!(": {}", label.message));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let fixes: Vec<serde_json::Value> = fixes::fixes(d, texts.get(file)?)
        .into_iter()
        .map(|f| {
            let edits: Vec<serde_json::Value> = f
                .edits
                .iter()
                .map(|(s, e, t)| json!({"range": here.range(*s, *e), "newText": t}))
                .collect();
            json!({"title": f.title, "edits": edits, "preferred": f.preferred})
        })
        .collect();
    let code = d.code.as_str();
    Some((
        file,
        lsp_types::Diagnostic {
            range: here.range(primary.start, primary.end),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(code.to_owned())),
            code_description: explain_href(explain_url, code).map(|href| CodeDescription { href }),
            source: Some("consentc".to_owned()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: (!fixes.is_empty()).then(|| json!({"version": version, "fixes": fixes})),
        },
    ))
}
