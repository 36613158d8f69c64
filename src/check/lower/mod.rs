//! Syntax tree to checked model. Structural problems (unknown names, duplicates, wrong kinds,
//! missing keys, values of the wrong form) are reported here; meaning is checked by the rules
//! (`check::rules`) afterwards. Policies and purposes are lowered here, the `intercom` block
//! in [`intercom`], `cmp` blocks in [`cmp`].

mod cmp;
pub(crate) mod controller;
pub(crate) mod intercom;
pub(crate) mod texts;

use indexmap::IndexMap;

pub use intercom::{WrittenIntercom, DEFAULT_FACADE_COLOR, DEFAULT_FACADE_LABEL};
pub use texts::{resolve as resolve_texts, unknown_policy as text_for_unknown_policy};

use super::model::*;
use super::reader::{duplicate, unknown, wrong_kind, Reader};
use crate::catalog::{Catalog, LeafSet};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Block, File, Item, Value, ValueKind};

pub(crate) const POLICY_KEYS: &[&str] = &["title", "jurisdictions", "languages"];
pub(crate) const PURPOSE_KEYS: &[&str] = &["title", "description", "basis", "gpc", "features"];

/// Every `policy` block of one file, and its top-level `text LANG(policy = NAME)` blocks (matched
/// with their policies once the whole compile set is read).
pub fn lower_file(file: &File, catalog: &Catalog, out: &mut Vec<Diagnostic>) -> (Vec<Policy>, Vec<WrittenText>) {
    let mut policies = Vec::new();
    let mut translations = Vec::new();
    for item in &file.items {
        match item {
            Item::Block(b) if b.kind.name == "policy" => {
                if let Some(p) = policy(b, catalog, out) {
                    policies.push(p);
                }
            }
            Item::Block(b) if b.kind.name == "text" => translations.extend(texts::text_block(b, true, out)),
            Item::Block(b) => out.push(unknown(
                &format!("top-level block `{}`", b.kind.name),
                b.kind.span,
                &b.kind.name,
                ["policy", "text"],
            )),
            Item::Assignment(a) => out.push(
                Diagnostic::new(Code::CP0101, format!("`{}` outside a policy", a.key.name))
                    .primary(a.key.span, "keys belong inside `policy NAME { ... }`")
                    .help("a file holds `policy NAME { ... }` blocks; move this key into one"),
            ),
        }
    }
    (policies, translations)
}

pub(super) fn no_options(b: &Block, out: &mut Vec<Diagnostic>) {
    if let Some(first) = b.options.first() {
        out.push(
            Diagnostic::new(Code::CP0101, format!("`{}` takes no options", b.kind.name))
                .primary(first.key.span, "unexpected option")
                .help("options in `(...)` belong to `cmp` blocks"),
        );
    }
}

fn policy(b: &Block, catalog: &Catalog, out: &mut Vec<Diagnostic>) -> Option<Policy> {
    no_options(b, out);
    let Some(name) = &b.name else {
        out.push(
            Diagnostic::new(Code::CP0104, "a policy needs a name")
                .primary(b.kind.span, "this policy has no name")
                .help("write `policy my_site { ... }`"),
        );
        return None;
    };
    let context = format!("policy `{}`", name.name);
    let r = Reader::new(context.clone(), b.head_span(), &b.items, POLICY_KEYS, out);
    let title = r.string("title", out);
    let jurisdictions = jurisdictions(&r, catalog, out);
    let languages = texts::languages(&r, out);

    let mut intercom_cfg = None;
    let mut intercom_span: Option<Span> = None;
    let mut purposes: IndexMap<String, Purpose> = IndexMap::new();
    let mut cmps_: IndexMap<String, CmpBlock> = IndexMap::new();
    let mut invalid_cmp_blocks = false;
    let mut written_texts = Vec::new();
    let mut banner: Option<Banner> = None;
    let mut controller_block: Option<Controller> = None;
    let mut block_kinds: Vec<&str> = vec!["purpose", "cmp", "text", "banner", "controller"];
    block_kinds.extend(catalog.vendors.keys().map(String::as_str));

    for child in &r.blocks {
        match child.kind.name.as_str() {
            "purpose" => {
                let Some(p) = purpose(child, catalog, out) else {
                    continue;
                };
                if let Some(first) = purposes.get(&p.name) {
                    out.push(duplicate(
                        &format!("purpose `{}`", p.name),
                        &context,
                        first.name_span,
                        p.name_span,
                    ));
                } else {
                    purposes.insert(p.name.clone(), p);
                }
            }
            "cmp" => {
                let Some(c) = cmp::cmp_block(child, out) else {
                    invalid_cmp_blocks = true;
                    continue;
                };
                if let Some(first) = cmps_.get(&c.name) {
                    out.push(duplicate(
                        &format!("`cmp {}` block", c.name),
                        &context,
                        first.name_span,
                        c.name_span,
                    ));
                } else {
                    cmps_.insert(c.name.clone(), c);
                }
            }
            "text" => written_texts.extend(texts::text_block(child, false, out)),
            "controller" => match &controller_block {
                Some(first) => out.push(duplicate("`controller` block", &context, first.span, child.kind.span)),
                None => controller_block = Some(controller::controller(child, out)),
            },
            "banner" => match &banner {
                Some(Banner { span: Some(first), .. }) => {
                    out.push(duplicate("`banner` block", &context, *first, child.kind.span))
                }
                _ => banner = Some(texts::banner(child, out)),
            },
            "intercom" => {
                if let Some(first) = intercom_span {
                    out.push(duplicate("`intercom` block", &context, first, child.kind.span));
                    continue;
                }
                intercom_span = Some(child.kind.span);
                intercom_cfg = intercom::intercom(child, catalog, out);
            }
            other => out.push(unknown(
                &format!("block `{other}` in {context}"),
                child.kind.span,
                other,
                block_kinds.iter().copied(),
            )),
        }
    }

    // Mapping a vendor's features without its block leaves the loader nothing to load and the
    // checker nothing to check the mapping against.
    if intercom_span.is_none() {
        if let Some(p) = purposes.values().find(|p| !p.leaves.is_empty()) {
            out.push(
                Diagnostic::new(
                    Code::CP0104,
                    format!("{context} maps Intercom features but has no `intercom` block"),
                )
                .primary(b.head_span(), "no `intercom { ... }` in this policy")
                .secondary(p.name_span, "maps Intercom features")
                .help("add `intercom { app_id = \"...\"; region = eu }` with the settings of your workspace"),
            );
        }
    }

    // CMP entries must name declared purposes.
    for c in cmps_.values_mut() {
        c.entries.retain(|purpose, entry| {
            if purposes.contains_key(purpose) {
                return true;
            }
            out.push(unknown(
                &format!("purpose `{purpose}` in `cmp {}`", c.name),
                entry.key_span,
                purpose,
                purposes.keys().map(String::as_str),
            ));
            false
        });
    }

    Some(Policy {
        invalid_cmp_blocks,
        name: name.name.clone(),
        name_span: name.span,
        title,
        jurisdictions,
        intercom: intercom_cfg,
        purposes,
        cmps: cmps_,
        languages,
        texts: IndexMap::new(),
        written_texts,
        banner,
        controller: controller_block,
    })
}

fn jurisdictions(r: &Reader, catalog: &Catalog, out: &mut Vec<Diagnostic>) -> Setting<Vec<String>> {
    let Some((items, span)) = r.list("jurisdictions", out) else {
        return Setting {
            value: vec!["eu".to_owned()],
            span: None,
        };
    };
    let mut seen: Vec<(String, Span)> = Vec::new();
    for v in items {
        let Some(word) = v.as_ident() else {
            out.push(wrong_kind(
                "jurisdictions",
                v,
                "an identifier",
                "name a jurisdiction, like `eu`",
            ));
            continue;
        };
        if !catalog.jurisdictions.contains_key(word) {
            out.push(unknown(
                &format!("jurisdiction `{word}`"),
                v.span,
                word,
                catalog.jurisdictions.keys().map(String::as_str),
            ));
        } else if let Some((_, first)) = seen.iter().find(|(w, _)| w == word) {
            out.push(duplicate(
                &format!("jurisdiction `{word}`"),
                "`jurisdictions`",
                *first,
                v.span,
            ));
        } else {
            seen.push((word.to_owned(), v.span));
        }
    }
    if items.is_empty() {
        out.push(
            Diagnostic::new(Code::CP0103, "`jurisdictions` is empty")
                .primary(span, "no law would apply, so no rule could protect anyone")
                .help(
                    "name where your visitors are, like `jurisdictions = [eu, uk]`, or remove the key to mean `[eu]`",
                ),
        );
    }
    Setting {
        value: seen.into_iter().map(|(w, _)| w).collect(),
        span: Some(span),
    }
}

pub(super) fn nested_blocks(r: &Reader, out: &mut Vec<Diagnostic>) {
    for b in &r.blocks {
        out.push(unknown(
            &format!("block `{}` in {}", b.kind.name, r.context),
            b.kind.span,
            &b.kind.name,
            [],
        ));
    }
}

fn purpose(b: &Block, catalog: &Catalog, out: &mut Vec<Diagnostic>) -> Option<Purpose> {
    no_options(b, out);
    let Some(name) = &b.name else {
        out.push(
            Diagnostic::new(Code::CP0104, "a purpose needs a name")
                .primary(b.kind.span, "this purpose has no name")
                .help("write `purpose support { ... }`"),
        );
        return None;
    };
    let r = Reader::new(
        format!("purpose `{}`", name.name),
        b.head_span(),
        &b.items,
        PURPOSE_KEYS,
        out,
    );
    nested_blocks(&r, out);
    let title = r.string("title", out);
    let description = r.string("description", out);
    let basis = r.keyword::<Basis>("basis", out);
    let basis = r.require("basis", basis, "basis = consent", out);
    let gpc = r.setting("gpc", Gpc::Ignore, out);
    let reported = out.len();
    let (features, excepts) = match r.value("features") {
        Some(v) => features(v, catalog, out),
        None => (Vec::new(), Vec::new()),
    };
    let invalid_features = out.len() > reported;
    let mut leaves = LeafSet::new();
    for f in &features {
        leaves.extend(f.cover.iter().copied());
    }
    for e in &excepts {
        for leaf in &e.cover {
            leaves.remove(leaf);
        }
    }
    Some(Purpose {
        name: name.name.clone(),
        name_span: name.span,
        title,
        description,
        basis: basis.unwrap_or(Spanned {
            value: Basis::Consent,
            span: b.head_span(),
        }),
        gpc,
        features,
        excepts,
        leaves,
        invalid_features,
    })
}

fn features(v: &Value, catalog: &Catalog, out: &mut Vec<Diagnostic>) -> (Vec<FeatureRef>, Vec<FeatureRef>) {
    let ValueKind::List { items, except } = &v.kind else {
        out.push(wrong_kind(
            "features",
            v,
            "a list",
            "write catalogue paths in brackets, like `[intercom.messenger]`",
        ));
        return (Vec::new(), Vec::new());
    };
    let resolve_all = |items: &[Value], out: &mut Vec<Diagnostic>| {
        items
            .iter()
            .filter_map(|item| feature_ref(item, catalog, out))
            .collect::<Vec<_>>()
    };
    let listed = resolve_all(items, out);
    let excepted = match except.as_deref() {
        Some(Value {
            kind: ValueKind::List { items, .. },
            ..
        }) => resolve_all(items, out),
        _ => Vec::new(),
    };
    (listed, excepted)
}

fn feature_ref(v: &Value, catalog: &Catalog, out: &mut Vec<Diagnostic>) -> Option<FeatureRef> {
    let ValueKind::Path(path) = &v.kind else {
        out.push(wrong_kind(
            "features",
            v,
            "a catalogue path",
            "write paths without quotes, like `intercom.messenger`",
        ));
        return None;
    };
    let written = path.to_string();
    let Some(vendor) = catalog.vendor(&path.segments[0]) else {
        out.push(unknown(
            &format!("vendor `{}`", path.segments[0]),
            v.span,
            &path.segments[0],
            catalog.vendors.keys().map(String::as_str),
        ));
        return None;
    };
    let dotted = path.dotted();
    if path.segments.len() == 1 {
        if path.wildcard {
            // `intercom.*`: every feature of the vendor.
            return Some(FeatureRef {
                written,
                span: v.span,
                cover: (0..vendor.leaves.len()).collect(),
            });
        }
        out.push(
            Diagnostic::new(Code::CP0101, format!("`{dotted}` is a vendor, not a feature"))
                .primary(v.span, "expected a feature path")
                .help(format!(
                    "name features, like `{dotted}.messenger`, or all of them with `{dotted}.*`"
                )),
        );
        return None;
    }
    let Some(node) = vendor.node(&dotted) else {
        out.push(unknown(
            &format!("feature `{dotted}`"),
            v.span,
            &dotted,
            vendor.nodes.keys().map(String::as_str),
        ));
        return None;
    };
    if path.wildcard && node.feature().is_some() {
        out.push(
            Diagnostic::new(
                Code::CP0101,
                format!("`{written}`: `{dotted}` is a feature, not a group"),
            )
            .primary(v.span, "`.*` applies to groups only")
            .help(format!("write `{dotted}`")),
        );
        return None;
    }
    Some(FeatureRef {
        written,
        span: v.span,
        cover: vendor.cover(&dotted).unwrap_or_default(),
    })
}
