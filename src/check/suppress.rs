//! `// consentc:allow(CODE, reason = "...")` on the line before a declaration silences one
//! warning code inside that declaration. The reason is required, errors cannot be allowed, and
//! an allow that silences nothing is itself a warning (CP0410), so stale allows do not pile up.

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::ast::{File, Item};
use crate::syntax::line_comments;

const MARKER: &str = "consentc:";

/// One allow comment and the declaration it covers.
#[derive(Debug)]
pub struct Allow {
    code: Code,
    comment: Span,
    /// The declaration it covers.
    target: Span,
    used: bool,
}

/// Drop the diagnostics that an allow comment covers and report unused allows; `allows` are
/// every file's, from [`collect`] (which reports the malformed ones).
pub fn apply(mut allows: Vec<Allow>, diagnostics: &mut Vec<Diagnostic>) {
    let index = Index::new(&allows);
    diagnostics.retain(|d| {
        if d.severity != Severity::Warning {
            return true;
        }
        let Some(primary) = d.primary_span() else { return true };
        match index.first_covering(&allows, d.code, primary) {
            Some(i) => {
                allows[i].used = true;
                false
            }
            None => true,
        }
    });
    for allow in allows.into_iter().filter(|a| !a.used) {
        diagnostics.push(
            Diagnostic::new(Code::CP0410, format!("this allow of `{}` silences nothing", allow.code))
                .primary(allow.comment, "no such warning in the declaration below")
                .secondary(
                    Span::new(allow.target.file, allow.target.start, allow.target.start),
                    "declaration starts here",
                )
                .help("remove the comment: the warning it was written for is gone"),
        );
    }
}

/// The allows of each code and file, by target, so that a diagnostic finds the allows covering
/// it without a look at every allow (a file may hold thousands). Targets are declarations,
/// so any two are nested or apart: each target's parent is the nearest target holding it.
struct Index {
    groups: std::collections::HashMap<(Code, FileId), Group>,
}

struct Group {
    /// Allow indices by target start, outer targets first.
    order: Vec<usize>,
    /// For each position in `order`, the position of the nearest target holding it.
    parent: Vec<Option<usize>>,
}

impl Index {
    fn new(allows: &[Allow]) -> Index {
        let mut members: std::collections::HashMap<(Code, FileId), Vec<usize>> = std::collections::HashMap::new();
        for (i, a) in allows.iter().enumerate() {
            members.entry((a.code, a.target.file)).or_default().push(i);
        }
        let groups = members
            .into_iter()
            .map(|(key, mut order)| {
                order.sort_by_key(|&i| (allows[i].target.start, std::cmp::Reverse(allows[i].target.end), i));
                let mut parent = Vec::with_capacity(order.len());
                let mut open: Vec<usize> = Vec::new();
                for (k, &i) in order.iter().enumerate() {
                    let t = allows[i].target;
                    while let Some(&top) = open.last() {
                        let outer = allows[order[top]].target;
                        if outer.start <= t.start && t.end <= outer.end {
                            break;
                        }
                        open.pop();
                    }
                    parent.push(open.last().copied());
                    open.push(k);
                }
                (key, Group { order, parent })
            })
            .collect();
        Index { groups }
    }

    /// The first allow (in comment order) of `code` whose target holds `span`.
    fn first_covering(&self, allows: &[Allow], code: Code, span: Span) -> Option<usize> {
        let group = self.groups.get(&(code, span.file))?;
        let last = group.order.partition_point(|&i| allows[i].target.start <= span.start);
        let mut at = last.checked_sub(1);
        let mut found: Option<usize> = None;
        while let Some(k) = at {
            let i = group.order[k];
            let t = allows[i].target;
            if t.start <= span.start && span.end <= t.end {
                found = Some(found.map_or(i, |f| f.min(i)));
            }
            at = group.parent[k];
        }
        found
    }
}

/// The allow comments of one file, each with the declaration it covers.
pub fn collect(id: FileId, source: &SourceFile, file: &File, out: &mut Vec<Diagnostic>) -> Vec<Allow> {
    let text = &source.text;
    // Most files have no directive: one substring search spares them the comment scan.
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let mut items = Vec::new();
    gather(&file.items, &mut items);
    let comments = line_comments(text);
    // Lines holding a comment and nothing else, and the first (outermost) item starting on
    // each line: looked up once per allow, so they are indexed once here.
    let comment_lines: std::collections::HashSet<usize> = comments
        .iter()
        .filter(|&&(s, _)| only_space_before(text, s))
        .map(|&(s, _)| source.line_col(s).line)
        .collect();
    let mut item_on_line: std::collections::HashMap<usize, Span> = std::collections::HashMap::new();
    for item in &items {
        item_on_line.entry(source.line_col(item.start).line).or_insert(*item);
    }
    let mut allows = Vec::new();
    for (start, end) in comments.iter().copied() {
        let body = text[start + 2..end].trim();
        let Some(directive) = body.strip_prefix(MARKER) else {
            continue;
        };
        let span = Span::new(id, start, end);
        let code = match parse(directive) {
            Ok(code) => code,
            Err(why) => {
                out.push(
                    Diagnostic::new(Code::CP0103, format!("malformed `consentc:` comment: {why}"))
                        .primary(span, "not understood")
                        .help("write `// consentc:allow(CP0401, reason = \"why this is acceptable here\")`"),
                );
                continue;
            }
        };
        if code.severity() == Severity::Error {
            out.push(
                Diagnostic::new(Code::CP0103, format!("`{code}` is an error and cannot be allowed"))
                    .primary(span, "errors always fail the build")
                    .help(format!("fix the policy; `consentc explain {code}` says how")),
            );
            continue;
        }
        // The declaration is the outermost item starting on the first line after this comment
        // and any comment lines directly below it.
        let mut line = source.line_col(end).line + 1;
        while comment_lines.contains(&line) {
            line += 1;
        }
        let target = item_on_line.get(&line).copied();
        let Some(target) = target else {
            out.push(
                Diagnostic::new(
                    Code::CP0410,
                    format!("this allow of `{code}` is not followed by a declaration"),
                )
                .primary(span, "nothing below to apply it to")
                .help("put the comment on the line directly above the declaration it silences"),
            );
            continue;
        };
        allows.push(Allow {
            code,
            comment: span,
            target,
            used: false,
        });
    }
    allows
}

fn only_space_before(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].trim().is_empty()
}

/// Every item's span, outer before inner.
fn gather(items: &[Item], out: &mut Vec<Span>) {
    for item in items {
        out.push(item.span());
        if let Item::Block(b) = item {
            gather(&b.items, out);
        }
    }
}

/// `allow(CP0401, reason = "...")`
fn parse(directive: &str) -> Result<Code, String> {
    let inner = directive
        .trim()
        .strip_prefix("allow(")
        .and_then(|r| r.trim_end().strip_suffix(')'))
        .ok_or("expected `allow(CODE, reason = \"...\")`")?;
    let (code, rest) = inner
        .split_once(',')
        .ok_or("the reason is required: `reason = \"...\"`")?;
    let code = Code::parse(code).ok_or_else(|| format!("`{}` is not a diagnostic code", code.trim()))?;
    let reason = rest
        .trim()
        .strip_prefix("reason")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('='))
        .map(str::trim)
        .ok_or("the reason is required: `reason = \"...\"`")?;
    let quoted = reason.len() >= 2 && reason.starts_with('"') && reason.ends_with('"');
    if !quoted || reason[1..reason.len() - 1].trim().is_empty() {
        return Err("the reason must be a non-empty string".to_owned());
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse_or_say_why_not() {
        assert_eq!(
            parse("allow(CP0401, reason = \"chat on every page\")"),
            Ok(Code::CP0401)
        );
        assert!(parse("allow(CP0401)").unwrap_err().contains("reason is required"));
        assert!(parse("allow(CP0401, reason = \"\")").unwrap_err().contains("non-empty"));
        assert!(parse("allow(CP9999, reason = \"x\")")
            .unwrap_err()
            .contains("not a diagnostic code"));
        assert!(parse("deny(CP0401)").is_err());
    }
}
