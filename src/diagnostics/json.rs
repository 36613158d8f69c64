//! The json format: one object with every diagnostic. Field names are stable (docs/cli.md).

use serde::Serialize;

use super::Diagnostic;
use crate::source::SourceMap;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    span: Option<JsonSpan>,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    primary: bool,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonSpan {
    start: usize,
    end: usize,
}

pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let out = Output {
        version: 1,
        errors: diagnostics.iter().filter(|d| d.is_error()).count(),
        warnings: diagnostics.iter().filter(|d| !d.is_error()).count(),
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let primary = d.primary_span();
                let at = primary.map(|s| sources.start(s));
                JsonDiagnostic {
                    code: d.code.as_str(),
                    severity: d.severity.as_str(),
                    message: &d.message,
                    // A finding without a source (an audited URL) names its place, no line.
                    file: at.map(|(file, _)| file).or(d.location.as_deref()),
                    line: at.map(|(_, at)| at.line),
                    column: at.map(|(_, at)| at.column),
                    span: primary.map(|s| JsonSpan {
                        start: s.start,
                        end: s.end,
                    }),
                    labels: d
                        .labels
                        .iter()
                        .map(|l| {
                            let (file, start) = sources.start(l.span);
                            let end = sources.end(l.span);
                            JsonLabel {
                                message: &l.message,
                                primary: l.primary,
                                file,
                                line: start.line,
                                column: start.column,
                                end_line: end.line,
                                end_column: end.column,
                                span: JsonSpan {
                                    start: l.span.start,
                                    end: l.span.end,
                                },
                            }
                        })
                        .collect(),
                    help: d.help.as_deref(),
                }
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    text
}
