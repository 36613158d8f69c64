//! The human format: rustc-style reports drawn by miette.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap};

/// Render every diagnostic, then a summary line. `color` is decided by the caller (terminal and
/// `NO_COLOR`); tests render without it.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut named: HashMap<FileId, NamedSource<Arc<str>>> = HashMap::new();
    let mut out = String::new();
    for d in diagnostics {
        // rustc's header, `error[CP0201]: message`, drawn where miette puts its severity icon.
        let mut theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        theme.characters.error = format!("error[{}]:", d.code);
        theme.characters.warning = format!("warning[{}]:", d.code);
        theme.characters.advice = "note:".to_owned();
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_links(false);
        let report = Report::new(d, sources, &mut named);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}[{}]: {}\n", d.severity.as_str(), d.code, d.message));
        }
        out.push('\n');
    }
    out
}

/// `error: 2 errors and 1 warning in 3 files` style closing line.
pub fn summary(diagnostics: &[Diagnostic], files: usize) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let files = plural(files, "file");
    match (errors, warnings) {
        (0, 0) => format!("checked {files}: no problems"),
        (0, w) => format!("checked {files}: {}", plural(w, "warning")),
        (e, 0) => format!("checked {files}: {}", plural(e, "error")),
        (e, w) => format!("checked {files}: {} and {}", plural(e, "error"), plural(w, "warning")),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// One diagnostic in miette's shape. Labels in another file than the primary one become
/// related reports with their own source.
struct Report {
    message: String,
    code: String,
    severity: Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(d: &Diagnostic, sources: &SourceMap, named: &mut HashMap<FileId, NamedSource<Arc<str>>>) -> Report {
        let mut source_of = |file: FileId| {
            named
                .entry(file)
                .or_insert_with(|| {
                    let f = sources.get(file);
                    NamedSource::new(f.name.clone(), Arc::<str>::from(f.text.as_str()))
                })
                .clone()
        };
        let main_file = d.primary_span().map(|s| s.file);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        for label in &d.labels {
            let span = miette::SourceSpan::new(label.span.start.into(), label.span.len());
            let text = (!label.message.is_empty()).then(|| label.message.clone());
            let labeled = if label.primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            };
            if Some(label.span.file) == main_file {
                labels.push(labeled);
            } else {
                related.push(Report {
                    message: label.message.clone(),
                    code: String::new(),
                    severity: Severity::Warning,
                    help: None,
                    source: Some(source_of(label.span.file)),
                    labels: vec![LabeledSpan::new_with_span(None, span)],
                    related: Vec::new(),
                });
            }
        }
        Report {
            message: d.message.clone(),
            code: d.code.to_string(),
            severity: d.severity,
            help: d.help.clone(),
            source: main_file.map(source_of),
            labels,
            related,
        }
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning if self.code.is_empty() => miette::Severity::Advice,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty()).then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = _>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic))
                as Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>
        })
    }
}
