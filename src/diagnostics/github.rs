//! GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=...::message`,
//! which annotate the pull request's diff.

use super::Diagnostic;
use crate::source::SourceMap;

/// Workflow-command data: `%`, CR and LF are percent-encoded.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Workflow-command properties additionally encode `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        // Workflow commands are named `error` and `warning`, as our severities are.
        let kind = d.severity.as_str();
        let mut message = d.message.clone();
        // An audited URL is no file of the repository: it goes into the message instead.
        if let Some(location) = d.location.as_deref().filter(|_| d.labels.is_empty()) {
            message = format!("{location}: {message}");
        }
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        match d.primary_span() {
            Some(span) => {
                let (file, start) = sources.start(span);
                let end = sources.end(span);
                out.push_str(&format!(
                    "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                    property(file),
                    start.line,
                    start.column,
                    end.line,
                    end.column,
                    property(&format!("{} {}", d.code, d.code.summary())),
                    data(&message)
                ));
            }
            None => out.push_str(&format!(
                "::{kind} title={}::{}\n",
                property(d.code.as_str()),
                data(&message)
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_and_separators_are_encoded() {
        assert_eq!(data("a\nb%"), "a%0Ab%25");
        assert_eq!(property("x,y:z"), "x%2Cy%3Az");
    }
}
