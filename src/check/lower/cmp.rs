//! Lowering a `cmp NAME(options) { purpose = value }` block against the CMP's facts in
//! `catalog::cmps`.

use indexmap::IndexMap;

use super::super::model::*;
use super::super::reader::{duplicate, unknown, wrong_kind};
use crate::catalog::cmps;
use crate::diagnostics::words::{backticked, Last};
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{Block, Item, Value, ValueKind};

pub(super) fn cmp_block(b: &Block, out: &mut Vec<Diagnostic>) -> Option<CmpBlock> {
    let Some(name) = &b.name else {
        out.push(
            Diagnostic::new(Code::CP0104, "a `cmp` block needs the CMP's name")
                .primary(b.kind.span, "which CMP?")
                .help(format!(
                    "write `cmp NAME {{ ... }}` with NAME one of {}",
                    backticked(&cmps::names().collect::<Vec<_>>(), Last::Or)
                )),
        );
        return None;
    };
    let Some(cmp) = cmps::find(&name.name) else {
        out.push(unknown(
            &format!("CMP `{}`", name.name),
            name.span,
            &name.name,
            cmps::names(),
        ));
        return None;
    };
    let mut options = IndexMap::new();
    for opt in &b.options {
        let key = opt.key.name.as_str();
        let Some(spec) = cmp.options.iter().find(|o| o.name == key) else {
            let d = unknown(
                &format!("option `{key}` for `cmp {}`", cmp.name),
                opt.key.span,
                key,
                cmp.options.iter().map(|o| o.name),
            );
            out.push(if cmp.options.is_empty() {
                d.help(format!("`cmp {}` takes no options", cmp.name))
            } else {
                d
            });
            continue;
        };
        if options.contains_key(key) {
            out.push(
                Diagnostic::new(Code::CP0102, format!("duplicate option `{key}` in `cmp {}`", cmp.name))
                    .primary(opt.key.span, "given again here")
                    .help("give each option once"),
            );
            continue;
        }
        let value = match (spec.kind, &opt.value.kind) {
            (cmps::OptionKind::String, ValueKind::String(s)) => CmpOptionValue::String(s.clone()),
            (cmps::OptionKind::StringList, ValueKind::List { items, except: None }) => {
                let strings: Option<Vec<String>> = items.iter().map(|i| i.as_str().map(str::to_owned)).collect();
                match strings {
                    Some(s) => CmpOptionValue::List(s),
                    None => {
                        out.push(wrong_kind(key, &opt.value, "a list of strings", spec.what));
                        continue;
                    }
                }
            }
            (cmps::OptionKind::String, _) => {
                out.push(wrong_kind(key, &opt.value, "a string", spec.what));
                continue;
            }
            (cmps::OptionKind::StringList, _) => {
                out.push(wrong_kind(key, &opt.value, "a list of strings", spec.what));
                continue;
            }
        };
        options.insert(key.to_owned(), value);
    }
    let mut entries: IndexMap<String, CmpEntry> = IndexMap::new();
    let mut invalid_entries = indexmap::IndexSet::new();
    let context = format!("`cmp {}`", cmp.name);
    for item in &b.items {
        let a = match item {
            Item::Assignment(a) => a,
            Item::Block(inner) => {
                out.push(unknown(
                    &format!("block `{}` in {context}", inner.kind.name),
                    inner.kind.span,
                    &inner.kind.name,
                    [],
                ));
                continue;
            }
        };
        if cmp.entry == cmps::EntryKind::None {
            out.push(
                Diagnostic::new(Code::CP0101, format!("{context} takes no entries"))
                    .primary(a.key.span, "unexpected entry")
                    .help("the site's own banner calls `consentc.set({purpose: true})` with purpose names"),
            );
            continue;
        }
        let purpose = a.key.name.clone();
        if let Some(first) = entries.get(&purpose) {
            out.push(duplicate(
                &format!("entry `{purpose}`"),
                &context,
                first.key_span,
                a.key.span,
            ));
            continue;
        }
        let Some(value) = cmp_value(cmp, &purpose, &a.value, out) else {
            invalid_entries.insert(purpose);
            continue;
        };
        entries.insert(
            purpose,
            CmpEntry {
                value,
                key_span: a.key.span,
                value_span: a.value.span,
            },
        );
    }
    Some(CmpBlock {
        name: name.name.clone(),
        name_span: name.span,
        options,
        entries,
        invalid_entries,
    })
}

fn cmp_value(cmp: &cmps::Cmp, key: &str, v: &Value, out: &mut Vec<Diagnostic>) -> Option<CmpValue> {
    match (cmp.entry, &v.kind) {
        (cmps::EntryKind::String, ValueKind::String(s)) if !s.trim().is_empty() => Some(CmpValue::Name(s.clone())),
        (cmps::EntryKind::String, ValueKind::String(_)) => {
            out.push(
                Diagnostic::new(Code::CP0103, format!("empty {} name for `{key}`", cmp.title))
                    .primary(v.span, "empty")
                    .help(format!("write the name {} uses for this purpose", cmp.title)),
            );
            None
        }
        (cmps::EntryKind::String, _) => {
            let hint = match v.as_ident() {
                Some(word) => format!("{} names are free-form strings: write `{key} = \"{word}\"`", cmp.title),
                None => format!("{} names are free-form strings", cmp.title),
            };
            out.push(wrong_kind(key, v, "a string", &hint));
            None
        }
        (cmps::EntryKind::Ident, _) => vocabulary_word(cmp, key, v, out).map(CmpValue::Name),
        (cmps::EntryKind::Idents, ValueKind::List { items, except: None }) => {
            if items.is_empty() {
                out.push(
                    Diagnostic::new(Code::CP0103, format!("empty list of {} types for `{key}`", cmp.title))
                        .primary(v.span, "empty")
                        .help(format!(
                            "write one type, or the types that must all be granted, like `{key} = [ad_storage, ad_user_data]`"
                        )),
                );
                return None;
            }
            let mut words: Vec<(String, &Value)> = Vec::with_capacity(items.len());
            let mut valid = true;
            for item in items {
                let Some(word) = vocabulary_word(cmp, key, item, out) else {
                    valid = false;
                    continue;
                };
                if let Some((_, first)) = words.iter().find(|(w, _)| *w == word) {
                    out.push(duplicate(
                        &format!("type `{word}`"),
                        &format!("the list of `{key}`"),
                        first.span,
                        item.span,
                    ));
                    valid = false;
                    continue;
                }
                words.push((word, item));
            }
            valid.then(|| CmpValue::List(words.into_iter().map(|(w, _)| w).collect()))
        }
        (cmps::EntryKind::Idents, _) => vocabulary_word(cmp, key, v, out).map(CmpValue::Name),
        (cmps::EntryKind::Integer, ValueKind::Integer(n)) if *n >= 1 => Some(CmpValue::Number(*n)),
        (cmps::EntryKind::Integer, _) => {
            out.push(match &v.kind {
                ValueKind::Integer(_) => {
                    Diagnostic::new(Code::CP0103, format!("TCF custom purpose `{key}` is numbered 0"))
                        .primary(v.span, "custom purposes are numbered from 1")
                        .help(format!(
                            "use the number your CMP shows for this custom purpose, like `{key} = 1`"
                        ))
                }
                _ => wrong_kind(
                    key,
                    v,
                    "a custom purpose number",
                    "TCF publisher custom purposes are numbered from 1, like `support = 1`",
                ),
            });
            None
        }
        (cmps::EntryKind::None, _) => None,
    }
}

/// One word of a fixed vocabulary (a Cookiebot category, a Consent Mode type), written as an
/// identifier.
fn vocabulary_word(cmp: &cmps::Cmp, key: &str, v: &Value, out: &mut Vec<Diagnostic>) -> Option<String> {
    let (noun, expected) = match cmp.entry {
        cmps::EntryKind::Idents => ("types", "a consent type or a list of them"),
        _ => ("categories", "an identifier"),
    };
    let word = match (&v.kind, v.as_ident()) {
        (_, Some(w)) => w.to_owned(),
        (ValueKind::String(s), None) => {
            out.push(wrong_kind(
                key,
                v,
                expected,
                &format!(
                    "{} {noun} are fixed words: write `{key} = {s}` without quotes",
                    cmp.title
                ),
            ));
            return None;
        }
        _ => {
            out.push(wrong_kind(
                key,
                v,
                expected,
                &format!("one of {}", backticked(cmp.vocabulary, Last::Or)),
            ));
            return None;
        }
    };
    if cmp.vocabulary.contains(&word.as_str()) {
        Some(word)
    } else {
        let singular = if cmp.entry == cmps::EntryKind::Idents {
            "type"
        } else {
            "category"
        };
        out.push(unknown(
            &format!("{} {singular} `{word}`", cmp.title),
            v.span,
            &word,
            cmp.vocabulary.iter().copied(),
        ));
        None
    }
}
