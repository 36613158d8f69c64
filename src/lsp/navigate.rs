//! Purposes across the compile set: where one is defined (`purpose NAME` in its policy) and
//! where it is named (a `cmp` entry, a `text` translation), for definition, references and
//! hover.

use super::scan::{Role, Scan};

/// A purpose of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeRef {
    pub policy: String,
    pub name: String,
}

/// One place a purpose is written, in a document of the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub doc: usize,
    pub start: usize,
    pub end: usize,
    pub definition: bool,
}

/// The purpose named by the token at `offset`, if it names one.
pub fn purpose_at(scan: &Scan, text: &str, offset: usize) -> Option<PurposeRef> {
    let token = scan.token_at(offset)?;
    let block = match scan.roles[token] {
        Role::Key(a) => {
            let b = scan.assigns[a].block?;
            (scan.blocks[b].kind == "cmp").then_some(b)?
        }
        Role::Name(b) if scan.blocks[b].kind == "purpose" => b,
        _ => return None,
    };
    Some(PurposeRef {
        policy: scan.policy_of(block)?.to_owned(),
        name: scan.text(text, token).to_owned(),
    })
}

/// Every place `purpose` is written in `docs` (each a scan and its text).
pub fn places(docs: &[(&Scan, &str)], purpose: &PurposeRef) -> Vec<Place> {
    let mut out = Vec::new();
    for (doc, (scan, text)) in docs.iter().enumerate() {
        for (token, role) in scan.roles.iter().enumerate() {
            let (block, definition) = match *role {
                Role::Key(a) => match scan.assigns[a].block {
                    Some(b) if scan.blocks[b].kind == "cmp" => (b, false),
                    _ => continue,
                },
                Role::Name(b) if scan.blocks[b].kind == "purpose" => {
                    let parent = scan.blocks[b].parent.map(|p| scan.blocks[p].kind.as_str());
                    (b, parent == Some("policy"))
                }
                _ => continue,
            };
            if scan.text(text, token) != purpose.name || scan.policy_of(block) != Some(purpose.policy.as_str()) {
                continue;
            }
            let t = scan.tokens[token];
            out.push(Place {
                doc,
                start: t.start,
                end: t.end,
                definition,
            });
        }
    }
    out
}

/// The `key = value` pairs written in the purpose block whose name starts at `name_start`, the
/// values as written.
pub fn purpose_items<'t>(scan: &Scan, text: &'t str, name_start: usize) -> Vec<(&'t str, &'t str)> {
    let Some(block) = scan
        .blocks
        .iter()
        .position(|b| b.name.as_ref().is_some_and(|(_, span)| span.0 == name_start))
    else {
        return vec![];
    };
    scan.assigns
        .iter()
        .filter(|a| a.block == Some(block))
        .filter_map(|a| {
            let first = scan.tokens[*a.value.first()?];
            let last = scan.tokens[*a.value.last()?];
            Some((&text[a.key_span.0..a.key_span.1], &text[first.start..last.end]))
        })
        .collect()
}
