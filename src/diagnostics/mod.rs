//! Diagnostics: the one type every stage reports with, and one renderer per output format.

pub mod codes;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod words;

use crate::source::{SourceMap, Span};
pub use codes::{Code, Severity};

/// A span with its message. The primary label marks where the problem is; secondary labels
/// mark the other places involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One lowercase sentence, user input in backticks, no final period.
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Where a finding without a source line was made: the audited page's URL (`consentc
    /// audit`). Renderers put it where the file would stand, with no line or column.
    pub location: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            labels: Vec::new(),
            help: None,
            location: None,
        }
    }

    /// A finding about a place that is no source file (a URL), so it has no line or column.
    pub fn at_location(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    pub fn primary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: true,
        });
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The span diagnostics are sorted and located by: the primary label's.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or_else(|| self.labels.first())
            .map(|l| l.span)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sort by file name, then position, then code, so a run's output does not depend on the order
/// files were given in. Exact duplicates are dropped.
pub fn sort(diagnostics: &mut Vec<Diagnostic>, sources: &SourceMap) {
    diagnostics.sort_by(|a, b| {
        fn key<'a>(d: &'a Diagnostic, sources: &'a SourceMap) -> (&'a str, usize, usize) {
            d.primary_span()
                .map(|s| (sources.get(s.file).name.as_str(), s.start, s.end))
                .unwrap_or((d.location.as_deref().unwrap_or_default(), 0, 0))
        }
        key(a, sources)
            .cmp(&key(b, sources))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    diagnostics.dedup();
}

/// "did you mean" for an unknown name: the closest candidate, if it is close enough to be a
/// plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(distance, c)| *distance <= (word.len().max(c.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_names_only() {
        let names = ["messenger", "help_center", "product_tours"];
        assert_eq!(did_you_mean("mesenger", names), Some("messenger"));
        assert_eq!(did_you_mean("product_tour", names), Some("product_tours"));
        assert_eq!(did_you_mean("billing", names), None);
    }
}
