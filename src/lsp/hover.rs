//! Hover texts (Markdown): a feature path's catalogue entry, a CMP and its values, a purpose as
//! defined, a diagnostic code's explanation.

use crate::catalog::{self, cmps, Enforcement};
use crate::diagnostics::Code;

use super::scan::{Kind, Role, Scan};

/// The code (`CP0201`) written around `offset`, in a comment or anywhere else.
pub fn code_at(text: &str, offset: usize) -> Option<(usize, usize, Code)> {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let mut start = offset;
    while start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let word = &text[start..end];
    (word.len() == 6 && word.starts_with("CP")).then_some(())?;
    Code::parse(word).map(|c| (start, end, c))
}

pub fn code(code: Code) -> String {
    format!(
        "**{code}** ({}): {}\n\n---\n\n{}",
        code.severity(),
        code.summary(),
        code.explanation()
    )
}

/// A catalogue path (`intercom.tracking.*`, `intercom.fin`): its description and facts.
pub fn feature(path: &str) -> Option<String> {
    let dotted = path.trim_end_matches(".*");
    let vendor_name = dotted.split('.').next()?;
    let vendor = catalog::builtin().vendor(vendor_name)?;
    if dotted == vendor_name {
        return Some(format!(
            "**{}** ({})\n\nEvery feature of {}: {}.",
            vendor.title,
            vendor.provider,
            vendor.title,
            backticked(&vendor.leaves)
        ));
    }
    let node = vendor.node(dotted)?;
    let mut out = format!("**`{}`**: {}\n\n{}", node.path, node.title, node.description);
    let Some(f) = node.feature() else {
        let leaves: Vec<String> = vendor
            .leaves
            .iter()
            .filter(|l| l.starts_with(&format!("{dotted}.")))
            .cloned()
            .collect();
        out.push_str(&format!("\n\nA group: {}.", backticked(&leaves)));
        return Some(out);
    };
    let mut facts = Vec::new();
    if f.behavioural {
        facts.push("behavioural: needs consent where `eu` or `uk` applies".to_owned());
    }
    if f.personal {
        facts.push("personal data".to_owned());
    }
    if f.verification_required {
        facts.push("needs `identity_verification`".to_owned());
    }
    facts.push(
        match f.enforcement {
            Enforcement::Client => "enforced by the loader",
            Enforcement::Workspace => "enforced only by Intercom audience rules (workspace)",
            Enforcement::Mixed => "methods enforced by the loader, delivery by audience rules",
        }
        .to_owned(),
    );
    if !f.requires.is_empty() {
        facts.push(format!("requires {}", backticked(&f.requires)));
    }
    if !f.methods.is_empty() {
        facts.push(format!("methods {}", backticked(&f.methods)));
    }
    if !f.data.is_empty() {
        facts.push(format!("data {}", backticked(&f.data)));
    }
    for c in &f.cookies {
        facts.push(format!("cookie `{}` ({}): {}", c.name, c.lifetime, c.description));
    }
    for s in &f.storage {
        facts.push(format!("{} storage `{}`", s.kind, s.name));
    }
    if let Some(note) = &f.note {
        facts.push(note.clone());
    }
    for fact in facts {
        out.push_str(&format!("\n- {fact}"));
    }
    Some(out)
}

fn backticked(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

/// A CMP named in `cmp NAME`.
pub fn cmp(name: &str) -> Option<String> {
    let c = cmps::find(name)?;
    Some(format!(
        "**{}** (`cmp {}`)\n\n```text\n{}```",
        c.title,
        c.name,
        cmps::describe(c)
    ))
}

/// A value in a `cmp NAME { purpose = VALUE }` entry.
pub fn cmp_value(cmp: &str, value: &str) -> Option<String> {
    let c = cmps::find(cmp)?;
    let value = value.trim_matches('"');
    let refusable = if c.non_refusable.contains(&value)
        || c.non_refusable_option
            .is_some_and(|(_, defaults)| defaults.contains(&value))
    {
        "visitors **cannot refuse** it: a consent or legitimate-interest purpose may not map to it (CP0301)"
    } else {
        "visitors can refuse it"
    };
    let known = if c.vocabulary.is_empty() || c.vocabulary.contains(&value) {
        String::new()
    } else {
        format!(" Not one of {}'s values: {}.", c.title, c.vocabulary.join(", "))
    };
    Some(format!("`{value}`: a {} category; {refusable}.{known}", c.title))
}

/// A purpose, from the items written in its block.
pub fn purpose(name: &str, policy: &str, items: &[(&str, &str)]) -> String {
    let mut out = format!("**purpose `{name}`** of policy `{policy}`");
    for (key, value) in items {
        out.push_str(&format!("\n- `{key}` = {value}"));
    }
    out
}

/// What the token at `offset` of a scanned text is, for the hovers that need no other file.
pub fn local(scan: &Scan, text: &str, offset: usize) -> Option<((usize, usize), String)> {
    if let Some((start, end, c)) = code_at(text, offset) {
        return Some(((start, end), code(c)));
    }
    let token = scan.token_at(offset)?;
    let t = scan.tokens[token];
    let word = scan.text(text, token);
    let span = (t.start, t.end);
    match scan.roles[token] {
        Role::Name(b) if scan.blocks[b].kind == "cmp" => cmp(word).map(|h| (span, h)),
        Role::Value(a) => {
            let block = scan.assigns[a].block.map(|b| &scan.blocks[b]);
            match block {
                Some(b) if b.kind == "cmp" && matches!(t.kind, Kind::Word | Kind::Str) => {
                    let name = &b.name.as_ref()?.0;
                    cmp_value(name, word).map(|h| (span, h))
                }
                _ if t.kind == Kind::Word => feature(word).map(|h| (span, h)),
                _ => None,
            }
        }
        _ => None,
    }
}
