//! Quick fixes, computed when a diagnostic is published and carried in its `data`, so that a
//! code action needs nothing but what the client sends back: a did-you-mean replacement, and for
//! CP0201 removing one of the two mappings or narrowing the wider one with `except [...]`.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

use super::scan::{self, Kind, Scan};

/// One fix: a title and byte-range replacements in the diagnostic's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<(usize, usize, String)>,
    /// The one fix a client may apply without asking (`isPreferred`).
    pub preferred: bool,
}

/// The fixes for `d`, whose primary label lies in `text`.
pub fn fixes(d: &Diagnostic, text: &str) -> Vec<Fix> {
    let Some(primary) = d.primary_span() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(fix) = did_you_mean(d, primary, text) {
        out.push(fix);
    }
    if d.code == Code::CP0201 {
        out.extend(ambiguous(d, text));
    }
    out
}

/// "did you mean `x`?": replace the primary span's text with `x`.
fn did_you_mean(d: &Diagnostic, primary: Span, text: &str) -> Option<Fix> {
    let help = d.help.as_deref()?;
    let rest = help.strip_prefix("did you mean `")?;
    let suggestion = &rest[..rest.find('`')?];
    // `text de` and the like name a different construct, not a replacement for the span.
    if suggestion.is_empty() || suggestion.contains(char::is_whitespace) {
        return None;
    }
    let written = text.get(primary.start..primary.end)?;
    let (start, end, replacement) = if written.contains('.') && !suggestion.contains('.') {
        // An unknown vendor: the suggestion is for the path's first segment.
        let first = written.find('.').unwrap_or(written.len());
        (primary.start, primary.start + first, suggestion.to_owned())
    } else if written.ends_with(".*") && !suggestion.ends_with(".*") && suggestion.contains('.') {
        (primary.start, primary.end, format!("{suggestion}.*"))
    } else {
        (primary.start, primary.end, suggestion.to_owned())
    };
    Some(Fix {
        title: format!("Replace `{}` with `{replacement}`", &text[start..end]),
        edits: vec![(start, end, replacement)],
        preferred: true,
    })
}

/// CP0201: remove either mapping, and narrow a group or `.*` with `except [...]` where the other
/// mapping is the narrower one.
fn ambiguous(d: &Diagnostic, text: &str) -> Vec<Fix> {
    let scan = scan::scan(text);
    let mut out = Vec::new();
    // The help ends "... narrow a group with `except [A, B]`".
    let narrow = d.help.as_deref().and_then(|h| {
        h.rsplit_once("`except [")
            .map(|(_, rest)| rest.trim_end_matches("]`").to_owned())
    });
    let labelled: Vec<(Span, bool)> = d.labels.iter().map(|l| (l.span, l.primary)).collect();
    for &(span, _) in &labelled {
        if let Some(fix) = remove_item(&scan, text, span) {
            out.push(fix);
        }
    }
    let Some(narrow) = narrow else {
        return out;
    };
    for &(span, _) in &labelled {
        let written = &text[span.start.min(text.len())..span.end.min(text.len())];
        let narrowed: Vec<&str> = narrow.split(", ").collect();
        // Only the wider mapping is narrowed: a group or `.*` that is not itself the overlap.
        let prefix = format!("{}.", written.trim_end_matches(".*"));
        if !narrowed.iter().all(|n| n.starts_with(&prefix)) {
            continue;
        }
        if let Some(fix) = add_except(&scan, text, span, &narrowed) {
            out.push(fix);
        }
    }
    out
}

/// The list holding the value token at `span`: the assignment's index and the token's.
fn list_item(scan: &Scan, span: Span) -> Option<(usize, usize)> {
    let token = scan
        .tokens
        .iter()
        .position(|t| t.start == span.start && t.kind == Kind::Word)?;
    match scan.roles[token] {
        scan::Role::Value(a) => Some((a, token)),
        _ => None,
    }
}

/// Remove one list item and the comma that separates it from a neighbour.
fn remove_item(scan: &Scan, text: &str, span: Span) -> Option<Fix> {
    let (assign, token) = list_item(scan, span)?;
    let tokens = &scan.tokens;
    let after = tokens.get(token + 1)?;
    let before = tokens.get(token.checked_sub(1)?)?;
    let (start, end) = if after.kind == Kind::Punct(b',') {
        // `a, b` -> `b`: up to the next item.
        let next = tokens.get(token + 2).map_or(after.end, |t| t.start);
        (tokens[token].start, next)
    } else if before.kind == Kind::Punct(b',') {
        // `a, b` -> `a`: from the end of the previous item.
        (tokens[token - 2].end, tokens[token].end)
    } else {
        (tokens[token].start, tokens[token].end)
    };
    let purpose = scan.assigns[assign]
        .block
        .and_then(|b| scan.blocks[b].name.as_ref())
        .map_or("its purpose", |(n, _)| n.as_str());
    Some(Fix {
        title: format!("Remove `{}` from `{purpose}`", &text[span.start..span.end]),
        edits: vec![(start, end, String::new())],
        preferred: false,
    })
}

/// Add the overlap to the `except` list of the list holding `span`, or write one.
fn add_except(scan: &Scan, text: &str, span: Span, narrowed: &[&str]) -> Option<Fix> {
    let (assign, _) = list_item(scan, span)?;
    let value = &scan.assigns[assign].value;
    let purpose = scan.assigns[assign]
        .block
        .and_then(|b| scan.blocks[b].name.as_ref())
        .map_or("its purpose", |(n, _)| n.as_str());
    let title = format!("Add `except [{}]` to `{purpose}`", narrowed.join(", "));
    let except = value.iter().position(|&t| scan.text(text, t) == "except");
    let edit = match except {
        Some(at) => {
            // `except [a]` -> `except [a, b]`: before its closing bracket.
            let close = value[at..]
                .iter()
                .find(|&&t| scan.tokens[t].kind == Kind::Punct(b']'))?;
            let close = scan.tokens[*close];
            let empty = scan.tokens[value[at + 1]].end == close.start
                || value.get(at + 2).is_some_and(|&t| scan.tokens[t].start == close.start);
            let sep = if empty { "" } else { ", " };
            (close.start, close.start, format!("{sep}{}", narrowed.join(", ")))
        }
        None => {
            let last = scan.tokens[*value.last()?];
            (last.end, last.end, format!(" except [{}]", narrowed.join(", ")))
        }
    };
    Some(Fix {
        title,
        edits: vec![edit],
        preferred: false,
    })
}
