//! Languages: `languages = [...]`, `banner { ... }`, and `text LANG { ... }` blocks, inside a
//! policy or at the top level of any file as `text LANG(policy = NAME) { ... }`. A `text` block is
//! read on its own here (its keys, its values, its tag: CP0101-CP0103, CP0106) and matched with
//! its policy once the whole compile set is read ([`resolve`]): the policy's languages and
//! purposes may be in another file.

use indexmap::IndexMap;

use super::intercom::nonempty_label;
use super::nested_blocks;
use crate::catalog::languages::{canonical_tag, code_for_name, Lookalike, TagError};
use crate::check::model::*;
use crate::check::reader::{duplicate, unknown, wrong_kind, Reader};
use crate::diagnostics::words::{backticked, Last};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Block, Ident, Value};

pub(crate) const TEXT_BLOCKS: &[&str] = &["purpose", "facade", "banner"];
pub(crate) const TEXT_PURPOSE_KEYS: &[&str] = &["title", "description"];
pub(crate) const TEXT_FACADE_KEYS: &[&str] = &["label"];

/// `languages = [...]`: canonical tags, the default first; `[en]` when absent.
pub(super) fn languages(r: &Reader, out: &mut Vec<Diagnostic>) -> Setting<Vec<Spanned<String>>> {
    let Some((items, span)) = r.list("languages", out) else {
        return Setting {
            value: vec![Spanned {
                value: "en".to_owned(),
                span: r.head,
            }],
            span: None,
        };
    };
    let mut tags: Vec<Spanned<String>> = Vec::new();
    for v in items {
        let Some(word) = v.as_ident() else {
            out.push(not_a_language_ident(v));
            continue;
        };
        let Some(tag) = tag(word, v.span, out) else {
            continue;
        };
        if let Some(first) = tags.iter().find(|t| t.value == tag) {
            out.push(duplicate(
                &format!("language `{word}`"),
                "`languages`",
                first.span,
                v.span,
            ));
        } else {
            tags.push(Spanned {
                value: tag,
                span: v.span,
            });
        }
    }
    if items.is_empty() {
        out.push(
            Diagnostic::new(Code::CP0103, "`languages` is empty")
                .primary(span, "visitors would have no language to read")
                .help("name the languages your site speaks, the default first, like `languages = [en, de]`, or remove the key to mean `[en]`"),
        );
    }
    if tags.is_empty() {
        // Every entry was rejected (already reported): go on in English rather than in nothing.
        tags.push(Spanned {
            value: "en".to_owned(),
            span,
        });
    }
    Setting {
        value: tags,
        span: Some(span),
    }
}

fn not_a_language_ident(v: &Value) -> Diagnostic {
    let hint = match v.as_str() {
        Some(s) if canonical_tag(&s.to_ascii_lowercase().replace('-', "_")).is_ok() => format!(
            "write the tag without quotes, with `_` for `-`: `{}`",
            s.to_ascii_lowercase().replace('-', "_")
        ),
        _ => "write ISO 639 codes without quotes, like `[en, de, pt_br]`".to_owned(),
    };
    wrong_kind("languages", v, "a language tag", &hint)
}

/// CP0106: the canonical tag of a language as written, or a diagnostic at `span`.
fn tag(word: &str, span: Span, out: &mut Vec<Diagnostic>) -> Option<String> {
    match canonical_tag(word) {
        Ok(tag) => Some(tag),
        Err(TagError::Malformed(why)) => {
            let d = Diagnostic::new(Code::CP0106, format!("`{word}` is not a language tag")).primary(span, why);
            out.push(match code_for_name(word) {
                Some(code) => d.help(format!(
                    "did you mean `{code}`? languages are written as ISO 639 codes, like `en`, `de`, `pt_br`"
                )),
                None => d.help("write an ISO 639 code with optional script and region, `_` between them: `en`, `pt_br`, `zh_hant`, `es_419`"),
            });
            None
        }
        Err(TagError::UnknownLanguage { primary, suggestion }) => {
            let d = Diagnostic::new(Code::CP0106, format!("`{primary}` is not an ISO 639 language code"))
                .primary(span, "no language has this code");
            out.push(match suggestion {
                Some((s, why)) => d.help(format!(
                    "did you mean `{s}`? {}",
                    match why {
                        Lookalike::Country => format!("`{primary}` is a country code; a tag starts with the language's"),
                        Lookalike::Retired => format!("`{primary}` is a withdrawn ISO 639-1 code"),
                        Lookalike::Bibliographic =>
                            format!("`{primary}` is an ISO 639-2/B code; tags use the ISO 639-1 code where there is one"),
                    }
                )),
                None => d.help("use the language's ISO 639-1 code (`de`, `fr`), or its ISO 639-3 code where it has no two-letter one"),
            });
            None
        }
        Err(TagError::Longer { written, tag }) => {
            out.push(
                Diagnostic::new(Code::CP0106, format!("`{written}` is written `{tag}` in a language tag"))
                    .primary(span, "a three-letter code for a language with a two-letter one")
                    .help(format!(
                        "write `{tag}`: language tags use the ISO 639-1 code where there is one, as pages do in `lang`, so `{written}` would never match"
                    )),
            );
            None
        }
    }
}

/// `banner { title, description, accept_all, reject_all, preferences, save }`.
pub(super) fn banner(b: &Block, out: &mut Vec<Diagnostic>) -> Banner {
    super::no_options(b, out);
    let keys: Vec<&str> = BANNER_TEXTS.iter().map(|(k, _)| *k).collect();
    let r = Reader::new("`banner`".to_owned(), b.kind.span, &b.items, &keys, out);
    nested_blocks(&r, out);
    let mut texts = IndexMap::new();
    for (key, _) in BANNER_TEXTS {
        if let Some(text) = r.string(key, out) {
            if text.value.trim().is_empty() {
                out.push(
                    Diagnostic::new(Code::CP0103, format!("the banner's `{key}` is empty"))
                        .primary(text.span, "visitors would see nothing here")
                        .help("write the text, or remove the key to use the default"),
                );
            }
            texts.insert(*key, text);
        }
    }
    Banner {
        span: Some(b.kind.span),
        texts,
    }
}

/// A `text LANG { ... }` block read on its own. `top_level`: it stands outside any policy and
/// must name one with `(policy = NAME)`.
pub(super) fn text_block(b: &Block, top_level: bool, out: &mut Vec<Diagnostic>) -> Option<WrittenText> {
    let Some(language) = &b.name else {
        out.push(
            Diagnostic::new(Code::CP0104, "a `text` block needs a language")
                .primary(b.kind.span, "which language are these texts in?")
                .help("write `text de { ... }` with one of the policy's `languages`"),
        );
        return None;
    };
    let policy = text_policy(b, language, top_level, out);
    if top_level && policy.is_none() {
        return None;
    }
    let tag = tag(&language.name, language.span, out);
    let context = format!("`text {}`", language.name);
    let r = Reader::new(context.clone(), b.head_span(), &b.items, &[], out);
    let mut text = WrittenText {
        language: Spanned {
            value: language.name.clone(),
            span: language.span,
        },
        tag,
        policy,
        head: b.head_span(),
        purposes: Vec::new(),
        facade_label: None,
        banner: Banner::default(),
    };
    let mut seen: Vec<(&str, Span)> = Vec::new();
    for child in &r.blocks {
        let kind = child.kind.name.as_str();
        if !TEXT_BLOCKS.contains(&kind) {
            out.push(unknown(
                &format!("block `{kind}` in {context}"),
                child.kind.span,
                kind,
                TEXT_BLOCKS.iter().copied(),
            ));
            continue;
        }
        if kind != "purpose" {
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kind) {
                out.push(duplicate(&format!("`{kind}` block"), &context, *first, child.kind.span));
                continue;
            }
            seen.push((kind, child.kind.span));
        }
        match kind {
            "purpose" => purpose_texts(child, &context, &mut text.purposes, out),
            "facade" => {
                super::no_options(child, out);
                let r = Reader::new(
                    format!("`facade` in {context}"),
                    child.kind.span,
                    &child.items,
                    TEXT_FACADE_KEYS,
                    out,
                );
                nested_blocks(&r, out);
                text.facade_label = r.string("label", out);
                if let Some(label) = &text.facade_label {
                    nonempty_label(label, out);
                }
            }
            _ => text.banner = banner(child, out),
        }
    }
    Some(text)
}

/// `(policy = NAME)`: required at the top level, refused inside a policy.
fn text_policy(b: &Block, language: &Ident, top_level: bool, out: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    let mut named = None;
    for option in &b.options {
        if !top_level {
            out.push(
                Diagnostic::new(Code::CP0101, "a `text` block inside a policy takes no options")
                    .primary(option.key.span, "unexpected option")
                    .help("a `text` block inside a policy translates that policy; remove the `(...)`"),
            );
            return None;
        }
        if option.key.name != "policy" {
            out.push(unknown(
                &format!("option `{}` of `text`", option.key.name),
                option.key.span,
                &option.key.name,
                ["policy"],
            ));
            continue;
        }
        match option.value.as_ident() {
            Some(name) => {
                named = Some(Spanned {
                    value: name.to_owned(),
                    span: option.value.span,
                })
            }
            None => out.push(wrong_kind(
                "policy",
                &option.value,
                "a policy name",
                "write the name without quotes, like `text de(policy = my_site) { ... }`",
            )),
        }
    }
    if top_level && named.is_none() && b.options.iter().all(|o| o.key.name != "policy") {
        out.push(
            Diagnostic::new(
                Code::CP0104,
                format!("`text {}` outside a policy must name its policy", language.name),
            )
            .primary(b.head_span(), "which policy does this translate?")
            .help(format!(
                "write `text {}(policy = NAME) {{ ... }}`, or move the block into `policy NAME {{ ... }}`",
                language.name
            )),
        );
    }
    named
}

/// `purpose NAME { title, description }` inside a `text` block.
fn purpose_texts(
    b: &Block,
    context: &str,
    purposes: &mut Vec<(Spanned<String>, PurposeTexts)>,
    out: &mut Vec<Diagnostic>,
) {
    super::no_options(b, out);
    let Some(name) = &b.name else {
        out.push(
            Diagnostic::new(Code::CP0104, format!("a purpose in {context} needs a name"))
                .primary(b.kind.span, "which purpose do these texts translate?")
                .help("write `purpose support { title = \"...\"; description = \"...\" }`"),
        );
        return;
    };
    let r = Reader::new(
        format!("purpose `{}` in {context}", name.name),
        b.head_span(),
        &b.items,
        TEXT_PURPOSE_KEYS,
        out,
    );
    nested_blocks(&r, out);
    let texts = PurposeTexts {
        title: r.string("title", out),
        description: r.string("description", out),
    };
    if let Some((first, _)) = purposes.iter().find(|(n, _)| n.value == name.name) {
        out.push(duplicate(
            &format!("purpose `{}`", name.name),
            context,
            first.span,
            name.span,
        ));
        return;
    }
    purposes.push((
        Spanned {
            value: name.name.clone(),
            span: name.span,
        },
        texts,
    ));
}

/// Match every `text` block written for `policy` with its languages and purposes, in (file,
/// offset) order, into `policy.texts` (in `languages` order). CP0106 for a block in the default
/// language or in one the policy does not declare, CP0102 for a second block of one language,
/// CP0101 for a purpose the policy does not have.
pub fn resolve(policy: &mut Policy, out: &mut Vec<Diagnostic>) {
    let mut written = std::mem::take(&mut policy.written_texts);
    written.sort_by_key(|t| (t.head.file, t.head.start));
    let mut found: IndexMap<String, Texts> = IndexMap::new();
    for text in written {
        let Some(tag) = text.tag.clone() else {
            continue;
        };
        if !language_declared(policy, &text, &tag, out) {
            continue;
        }
        if let Some(first) = found.get(&tag) {
            out.push(
                Diagnostic::new(
                    Code::CP0102,
                    format!("duplicate `text {}` for policy `{}`", text.language.value, policy.name),
                )
                .primary(text.head, "defined again here")
                .secondary(first.span, "first defined here")
                .help("keep one `text` block per language and policy; merge the two"),
            );
            continue;
        }
        let mut purposes = IndexMap::new();
        for (name, texts) in text.purposes {
            if policy.purposes.contains_key(&name.value) {
                purposes.insert(name.value, texts);
            } else {
                out.push(unknown(
                    &format!("purpose `{}` in `text {}`", name.value, text.language.value),
                    name.span,
                    &name.value,
                    policy.purposes.keys().map(String::as_str),
                ));
            }
        }
        found.insert(
            tag,
            Texts {
                span: text.head,
                purposes,
                facade_label: text.facade_label,
                banner: text.banner,
            },
        );
    }
    // In the order the policy declares its languages, which is the order of every output.
    for tag in policy
        .languages
        .value
        .iter()
        .map(|l| l.value.clone())
        .collect::<Vec<_>>()
    {
        if let Some(texts) = found.swap_remove(&tag) {
            policy.texts.insert(tag, texts);
        }
    }
}

/// CP0106 unless `tag` is one of the policy's languages other than the default.
fn language_declared(policy: &Policy, text: &WrittenText, tag: &str, out: &mut Vec<Diagnostic>) -> bool {
    let written = &text.language.value;
    let declared = &policy.languages.value;
    if declared.first().is_some_and(|d| d.value == tag) {
        let mut d = Diagnostic::new(
            Code::CP0106,
            format!(
                "`text {written}` translates policy `{}` into its default language",
                policy.name
            ),
        )
        .primary(
            text.language.span,
            "the default language's texts stand in the policy itself",
        );
        if policy.languages.span.is_some() {
            d = d.secondary(
                declared[0].span,
                format!("`{written}` is the default: it comes first in `languages`"),
            );
        }
        out.push(d.help("write the default texts as `title`, `description` and `label` where they stand, or put another language first in `languages`"));
        return false;
    }
    if declared.iter().any(|d| d.value == tag) {
        return true;
    }
    let names: Vec<String> = policy
        .language_tags()
        .map(|t| t.to_ascii_lowercase().replace('-', "_"))
        .collect();
    let mut d = Diagnostic::new(
        Code::CP0106,
        format!(
            "`text {written}` is for a language policy `{}` does not declare",
            policy.name
        ),
    )
    .primary(text.language.span, "not in `languages`");
    if let Some(span) = policy.languages.span {
        d = d.secondary(span, "the policy's languages");
    }
    // `text de_at` where `de` is declared: the same language, most likely meant.
    let primary = tag.split('-').next().unwrap_or_default();
    let same_language = names.iter().find(|n| n.split('_').next() == Some(primary));
    let close = same_language
        .map(String::as_str)
        .or_else(|| did_you_mean(written, names.iter().map(String::as_str)));
    let help = match close {
        Some(close) => format!("did you mean `text {close}`? or add `{written}` to `languages`"),
        None => format!(
            "add `{written}` to `languages` (now {})",
            backticked(&names.iter().map(String::as_str).collect::<Vec<_>>(), Last::And)
        ),
    };
    out.push(d.help(help));
    false
}

/// CP0106: a top-level `text(policy = NAME)` whose policy is nowhere in the compile set.
pub fn unknown_policy<'a>(text: &WrittenText, policies: impl IntoIterator<Item = &'a str>, out: &mut Vec<Diagnostic>) {
    let Some(named) = &text.policy else {
        return;
    };
    let d = Diagnostic::new(
        Code::CP0106,
        format!(
            "`text {}(policy = {})` names no policy",
            text.language.value, named.value
        ),
    )
    .primary(named.span, "no policy of this name in the compile set");
    let names: Vec<&str> = policies.into_iter().collect();
    out.push(match did_you_mean(&named.value, names.iter().copied()) {
        Some(close) => d.help(format!("did you mean `{close}`?")),
        None => {
            d.help("name a policy of the files being checked; a translation file is checked with its policy's file")
        }
    });
}
