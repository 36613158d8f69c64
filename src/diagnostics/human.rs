//! The human format: rustc-style reports drawn by miette.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};

use super::{Diagnostic, Severity};
use crate::source::chars::{is_hidden_in_reports, may_hold_hidden};
use crate::source::{FileId, SourceFile, SourceMap};

/// Render every diagnostic, then a summary line. `color` is decided by the caller (terminal and
/// `NO_COLOR`); tests render without it.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut named: HashMap<FileId, Arc<Shown<'_>>> = HashMap::new();
    let mut out = String::new();
    for d in diagnostics {
        // rustc's header, `error[CP0201]: message`, drawn where miette puts its severity icon.
        let mut theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        theme.characters.error = format!("{}[{}]:", Severity::Error, d.code);
        theme.characters.warning = format!("{}[{}]:", Severity::Warning, d.code);
        theme.characters.advice = "note:".to_owned();
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_links(false)
            .with_show_related_as_nested(true);
        if let (Some(location), true) = (&d.location, d.labels.is_empty()) {
            out.push_str(&located(d, location));
            out.push('\n');
            continue;
        }
        let report = Report::new(d, sources, &mut named);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}[{}]: {}\n", d.severity, d.code, d.message));
        }
        out.push('\n');
    }
    out
}

/// A finding about a URL, with no source to draw: rustc's header, the place, the help.
fn located(d: &Diagnostic, location: &str) -> String {
    let mut out = format!("{}[{}]: {}\n  --> {location}\n", d.severity, d.code, d.message);
    if let Some(help) = &d.help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out
}

/// `error: 2 errors and 1 warning in 3 files` style closing line.
pub fn summary(diagnostics: &[Diagnostic], files: usize) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let files = plural(files, "file");
    let (error, warning) = (Severity::Error.as_str(), Severity::Warning.as_str());
    match (errors, warnings) {
        (0, 0) => format!("checked {files}: no problems"),
        (0, w) => format!("checked {files}: {}", plural(w, warning)),
        (e, 0) => format!("checked {files}: {}", plural(e, error)),
        (e, w) => format!("checked {files}: {} and {}", plural(e, error), plural(w, warning)),
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
struct Report<'s> {
    message: String,
    code: String,
    severity: Severity,
    help: Option<String>,
    source: Option<Arc<Shown<'s>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'s>>,
}

impl<'s> Report<'s> {
    fn new(d: &Diagnostic, sources: &'s SourceMap, named: &mut HashMap<FileId, Arc<Shown<'s>>>) -> Report<'s> {
        let mut source_of = |file: FileId| {
            named
                .entry(file)
                .or_insert_with(|| Arc::new(Shown::new(sources.get(file))))
                .clone()
        };
        let main_file = d.primary_span().map(|s| s.file);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        for label in &d.labels {
            let span = source_of(label.span.file).clamp(label.span.start, label.span.end);
            let text = (!label.message.is_empty()).then(|| label.message.clone());
            let labeled = if label.primary {
                LabeledSpan::new_primary_with_span(text.clone(), span)
            } else {
                LabeledSpan::new_with_span(text.clone(), span)
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
                    labels: vec![LabeledSpan::new_with_span(text, span)],
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

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
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
        self.source.as_deref().map(|s| s as &dyn SourceCode)
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

/// Lines longer than this are shown as a window around each label, without context lines.
const LONG_LINE: usize = 240;
/// Bytes shown on each side of a label on a long line.
const WINDOW: usize = 60;
/// The longest label drawn on a long line.
const LONG_LABEL: usize = 120;

/// A file as the report shows it: what could drive a terminal (control characters) or
/// reorder the text (direction controls, invisible characters) replaced by visible marks of
/// the same byte length, so spans still match; a space after the end, so a label at the end of
/// the file has a character to point at; long lines cut to a window around each label.
///
/// The `file:line:column` miette prints is the line and column this gives for a span's start,
/// which come from the file as read (`source::position`), never from the displayed text: the
/// marks and a BOM's padding would otherwise shift them away from the other formats'.
#[derive(Debug)]
struct Shown<'s> {
    file: &'s SourceFile,
    /// The displayed text, with the extra space at the end. Its lines start where the file's
    /// do: marks replace no line feed.
    text: String,
}

impl<'s> Shown<'s> {
    fn new(file: &'s SourceFile) -> Shown<'s> {
        let original = file.text.as_str();
        let mut text = String::with_capacity(original.len() + 1);
        if may_hold_hidden(original) {
            let mut chars = original.chars().peekable();
            while let Some(ch) = chars.next() {
                let hidden = is_hidden_in_reports(ch, chars.peek() == Some(&'\n'));
                match (hidden, ch.len_utf8()) {
                    (false, _) => text.push(ch),
                    (true, 3) => text.push('\u{fffd}'),
                    (true, n) => text.extend(std::iter::repeat_n('?', n)),
                }
            }
        } else {
            text.push_str(original);
        }
        text.push(' ');
        Shown { file, text }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.file.lines().line_of(offset)
    }

    fn line_start(&self, line: usize) -> usize {
        self.file.lines().line_start(line)
    }

    fn lines(&self) -> usize {
        self.file.lines().lines()
    }

    /// The line's text without its line end.
    fn line(&self, line: usize) -> (usize, usize) {
        let start = self.line_start(line);
        let end = if line + 1 < self.lines() {
            self.line_start(line + 1) - 1
        } else {
            self.text.len()
        };
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        (start, end)
    }

    fn is_long(&self, line: usize) -> bool {
        let (start, end) = self.line(line);
        end - start > LONG_LINE
    }

    fn floor(&self, mut at: usize) -> usize {
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    fn ceil(&self, mut at: usize) -> usize {
        while !self.text.is_char_boundary(at) {
            at += 1;
        }
        at
    }

    /// The span a label is drawn on: inside the text, not empty at the end of the file, and
    /// short on a long line.
    fn clamp(&self, start: usize, end: usize) -> SourceSpan {
        let len = self.text.len();
        let start = self.floor(start.min(len - 1));
        let mut end = self.ceil(end.clamp(start, len));
        if end == start && start == len - 1 {
            end = len;
        }
        let line = self.line_of(start);
        if end > start && (self.is_long(line) || self.is_long(self.line_of(end - 1))) {
            let (_, line_end) = self.line(line);
            end = self.ceil(end.min(start + LONG_LABEL).min(line_end.max(start + 1)));
        }
        SourceSpan::new(start.into(), end - start)
    }

    /// The contents miette draws from `start` to `end`; `line_count` is what miette's
    /// `SpanContents::line_count` reports.
    fn contents(&self, start: usize, end: usize, line_count: usize) -> Box<dyn SpanContents<'_> + '_> {
        let at = self.file.line_col(start);
        Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            &self.text.as_bytes()[start..end],
            SourceSpan::new(start.into(), end - start),
            at.line - 1,
            at.column - 1,
            line_count,
        ))
    }
}

impl SourceCode for Shown<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_of(start);
        let last = self.line_of(end.saturating_sub(1).max(start));
        let newlines_to = |line: usize| {
            if line + 1 < self.lines() {
                line + 1
            } else {
                line
            }
        };
        if context_lines_before == 0 && context_lines_after == 0 {
            return Ok(self.contents(start, end, newlines_to(last)));
        }
        if (first..=last).any(|l| self.is_long(l)) {
            // One window on one line: two labels far apart on a long line get a window each.
            if first != last || span.len() > 2 * LONG_LABEL + 2 * WINDOW {
                return Err(MietteError::OutOfBounds);
            }
            let (line_start, line_end) = self.line(first);
            let from = self.ceil(start.saturating_sub(WINDOW).max(line_start));
            let to = self.floor((end + WINDOW).min(line_end));
            return Ok(self.contents(from, to.max(from), first));
        }
        // Context lines, unless they are long.
        let mut from = first;
        for _ in 0..context_lines_before {
            if from == 0 || self.is_long(from - 1) {
                break;
            }
            from -= 1;
        }
        let mut to = last;
        for _ in 0..context_lines_after {
            // The space added after the end is no context line of its own.
            if to + 1 >= self.lines() || self.is_long(to + 1) || self.line_start(to + 1) + 1 == self.text.len() {
                break;
            }
            to += 1;
        }
        let data_end = if to + 1 < self.lines() {
            self.line_start(to + 1)
        } else {
            self.text.len()
        };
        Ok(self.contents(self.line_start(from), data_end, newlines_to(to)))
    }
}
