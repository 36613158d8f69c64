//! Typed, diagnosing access to a block's items: unknown keys (CP0101), duplicates (CP0102),
//! values of the wrong kind (CP0103) and missing keys (CP0104) are reported here, once.

use indexmap::IndexMap;

use super::model::{Duration, Keyword, Setting, Spanned};
use crate::diagnostics::words::{backticked, Last};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Assignment, Block, Item, Value, ValueKind};

pub struct Reader<'a> {
    /// What the block is called in messages: "policy `acme`", "`intercom`".
    pub context: String,
    pub head: Span,
    assignments: IndexMap<&'a str, &'a Assignment>,
    pub blocks: Vec<&'a Block>,
}

impl<'a> Reader<'a> {
    /// Read `items`, reporting keys outside `keys` and duplicates. Blocks are returned for the
    /// caller to interpret.
    pub fn new(context: String, head: Span, items: &'a [Item], keys: &[&str], out: &mut Vec<Diagnostic>) -> Self {
        let mut assignments: IndexMap<&'a str, &'a Assignment> = IndexMap::new();
        let mut blocks = Vec::new();
        for item in items {
            match item {
                Item::Assignment(a) => {
                    let key = a.key.name.as_str();
                    if !keys.contains(&key) {
                        out.push(unknown(
                            &format!("key `{key}` in {context}"),
                            a.key.span,
                            key,
                            keys.iter().copied(),
                        ));
                    } else if let Some(first) = assignments.get(key) {
                        out.push(duplicate(&format!("key `{key}`"), &context, first.key.span, a.key.span));
                    } else {
                        assignments.insert(key, a);
                    }
                }
                Item::Block(b) => blocks.push(b),
            }
        }
        Reader {
            context,
            head,
            assignments,
            blocks,
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Assignment> {
        self.assignments.get(key).copied()
    }

    pub fn value(&self, key: &str) -> Option<&'a Value> {
        self.get(key).map(|a| &a.value)
    }

    pub fn require<T>(&self, key: &str, got: Option<T>, example: &str, out: &mut Vec<Diagnostic>) -> Option<T> {
        if got.is_none() && self.get(key).is_none() {
            out.push(
                Diagnostic::new(Code::CP0104, format!("{} has no `{key}`", self.context))
                    .primary(self.head, format!("`{key}` is required here"))
                    .help(format!("add `{example}`")),
            );
        }
        got
    }

    pub fn string(&self, key: &str, out: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
        let v = self.value(key)?;
        match &v.kind {
            ValueKind::String(s) => Some(Spanned {
                value: s.clone(),
                span: v.span,
            }),
            _ => {
                out.push(wrong_kind(key, v, "a string", "write it in double quotes"));
                None
            }
        }
    }

    pub fn duration(&self, key: &str, out: &mut Vec<Diagnostic>) -> Option<Duration> {
        let v = self.value(key)?;
        match &v.kind {
            ValueKind::Duration(d) => Some(Duration::from_literal(d)),
            _ => {
                out.push(wrong_kind(
                    key,
                    v,
                    "a duration",
                    "write an amount and a unit, like `12 months`",
                ));
                None
            }
        }
    }

    pub fn keyword<K: Keyword>(&self, key: &str, out: &mut Vec<Diagnostic>) -> Option<Spanned<K>> {
        let v = self.value(key)?;
        keyword_value(key, v, out).map(|k| Spanned { value: k, span: v.span })
    }

    pub fn setting<K: Keyword>(&self, key: &str, default: K, out: &mut Vec<Diagnostic>) -> Setting<K> {
        match self.keyword(key, out) {
            Some(k) => Setting {
                value: k.value,
                span: Some(k.span),
            },
            None => Setting {
                value: default,
                span: None,
            },
        }
    }

    /// A plain list (no `except`) whose items the caller reads.
    pub fn list(&self, key: &str, out: &mut Vec<Diagnostic>) -> Option<(&'a [Value], Span)> {
        let v = self.value(key)?;
        match &v.kind {
            ValueKind::List { items, except: None } => Some((items, v.span)),
            ValueKind::List { except: Some(e), .. } => {
                out.push(
                    Diagnostic::new(Code::CP0103, format!("`{key}` does not take `except`"))
                        .primary(e.span, "`except` only narrows a purpose's `features`")
                        .help("list the values you mean"),
                );
                None
            }
            _ => {
                out.push(wrong_kind(key, v, "a list", "write it in brackets, like `[a, b]`"));
                None
            }
        }
    }
}

/// An identifier from a fixed set, with "did you mean".
pub fn keyword_value<K: Keyword>(key: &str, v: &Value, out: &mut Vec<Diagnostic>) -> Option<K> {
    let words = K::words();
    let Some(word) = v.as_ident() else {
        let example = words.first().copied().unwrap_or_default();
        let hint = match &v.kind {
            ValueKind::String(s) if K::from_word(s).is_some() => format!("write `{key} = {s}` without quotes"),
            _ => format!("one of {}", backticked(&words, Last::Or)),
        };
        out.push(wrong_kind(key, v, "an identifier", &hint).help(format!("{hint} (for example `{key} = {example}`)")));
        return None;
    };
    match K::from_word(word) {
        Some(k) => Some(k),
        None => {
            let mut d = Diagnostic::new(Code::CP0101, format!("unknown value `{word}` for `{key}`"))
                .primary(v.span, "not a known value");
            d = match did_you_mean(word, words.iter().copied()) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? `{key}` is one of {}",
                    backticked(&words, Last::Or)
                )),
                None => d.help(format!("`{key}` is one of {}", backticked(&words, Last::Or))),
            };
            out.push(d);
            None
        }
    }
}

pub fn wrong_kind(key: &str, v: &Value, expected: &str, hint: &str) -> Diagnostic {
    Diagnostic::new(
        Code::CP0103,
        format!("`{key}` expects {expected}, found {}", v.kind.describe()),
    )
    .primary(v.span, format!("expected {expected}"))
    .help(hint.to_owned())
}

pub fn unknown<'c>(what: &str, span: Span, word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Diagnostic {
    let d = Diagnostic::new(Code::CP0101, format!("unknown {what}")).primary(span, "not known here");
    let candidates: Vec<&str> = candidates.into_iter().collect();
    match did_you_mean(word, candidates.iter().copied()) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None if candidates.len() <= 12 && !candidates.is_empty() => {
            d.help(format!("expected one of {}", backticked(&candidates, Last::Or)))
        }
        None => d.help("see `consentc features` and `docs/language.md` for the names consentc knows"),
    }
}

pub fn duplicate(what: &str, context: &str, first: Span, again: Span) -> Diagnostic {
    Diagnostic::new(Code::CP0102, format!("duplicate {what} in {context}"))
        .primary(again, "defined again here")
        .secondary(first, "first defined here")
        .help("remove one of them; a later definition does not override an earlier one")
}
