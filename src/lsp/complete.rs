//! Completion by context: keys and nested blocks where a key may stand, CMP names after `cmp`,
//! the purposes of the policy inside a `cmp` block, feature paths in `features` lists and after
//! a vendor's `intercom.`, keyword values, and each CMP's values.

use crate::catalog::cmps;

use super::scan::{self, Slot};
use super::schema;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    Key,
    Block,
    Value,
    Feature,
    Purpose,
    Cmp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub detail: String,
    pub kind: ItemKind,
    /// What to insert: the label, or `key = ` and the like.
    pub insert: String,
}

/// The start of the word being typed at `offset` (letters, digits, `_`, `.` and `*`).
pub fn word_start(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut start = offset.min(bytes.len());
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || b"_.*".contains(&bytes[start - 1])) {
        start -= 1;
    }
    start
}

/// The completions at `offset`: the replaced range starts at [`word_start`].
pub fn complete(text: &str, offset: usize) -> Vec<Item> {
    let start = word_start(text, offset);
    let typed = &text[start..offset.min(text.len())];
    let before = scan::scan(&text[..start]);
    let full = scan::scan(text);
    let item = |label: &str, detail: &str, kind: ItemKind, insert: String| Item {
        label: label.to_owned(),
        detail: detail.to_owned(),
        kind,
        insert,
    };
    let features = || {
        schema::feature_paths()
            .into_iter()
            .map(|(p, d)| item(&p, &d, ItemKind::Feature, p.clone()))
            .collect::<Vec<_>>()
    };
    // A vendor's path wherever it is typed.
    if typed.contains('.') {
        return features();
    }
    match before.slot {
        Some(Slot::Key(block)) => {
            let path = before.path(block);
            if path.last() == Some(&"cmp") {
                return purposes_of(&before, &full, text, block);
            }
            let (keys, blocks) = schema::keys(&path);
            let mut out: Vec<Item> = keys
                .into_iter()
                .map(|k| item(k, "key", ItemKind::Key, format!("{k} = ")))
                .collect();
            out.extend(
                blocks
                    .into_iter()
                    .map(|b| item(b, "block", ItemKind::Block, b.to_owned())),
            );
            out
        }
        Some(Slot::Name { kind, .. }) if kind == "cmp" => cmps::CMPS
            .iter()
            .map(|c| item(c.name, c.title, ItemKind::Cmp, c.name.to_owned()))
            .collect(),
        Some(Slot::Value { assign, .. }) => {
            let a = &before.assigns[assign];
            let block = a.block.map(|b| before.blocks[b].kind.as_str());
            if block == Some("cmp") {
                let cmp = a
                    .block
                    .and_then(|b| before.blocks[b].name.as_ref())
                    .map_or("", |(n, _)| n.as_str());
                return schema::cmp_values(cmp)
                    .into_iter()
                    .map(|(v, d)| item(&v, &d, ItemKind::Value, v.clone()))
                    .collect();
            }
            if a.key == "features" {
                return features();
            }
            schema::words(&a.key)
                .into_iter()
                .map(|(w, d)| item(&w, &d, ItemKind::Value, w.clone()))
                .collect()
        }
        _ => vec![],
    }
}

/// The purposes of the policy around a `cmp` block, as keys of its entries. They are read from
/// the whole text (`full`): a purpose may be defined after the `cmp` block.
fn purposes_of(before: &scan::Scan, full: &scan::Scan, text: &str, cmp_block: Option<usize>) -> Vec<Item> {
    let Some(policy) = cmp_block.and_then(|b| before.policy_of(b)) else {
        return vec![];
    };
    full.blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.kind == "purpose")
        .filter(|(i, b)| {
            b.parent.is_some_and(|p| full.blocks[p].kind == "policy") && full.policy_of(*i) == Some(policy)
        })
        .filter_map(|(_, b)| b.name.as_ref())
        .map(|(name, span)| {
            let title = full
                .assigns
                .iter()
                .find(|a| {
                    a.key == "title"
                        && a.block
                            .and_then(|x| full.blocks[x].name.as_ref())
                            .is_some_and(|(_, s)| s == span)
                })
                .and_then(|a| a.value.first())
                .map_or("purpose", |&t| full.text(text, t));
            Item {
                label: name.clone(),
                detail: title.to_owned(),
                kind: ItemKind::Purpose,
                insert: format!("{name} = "),
            }
        })
        .collect()
}
