//! Syntax tree to checked model. Structural problems (unknown names, duplicates, wrong kinds,
//! missing keys) are reported here; meaning is checked by the rule modules afterwards.

use indexmap::IndexMap;

use super::model::*;
use super::reader::{backticked, duplicate, unknown, wrong_kind, Reader};
use crate::catalog::{cmps, Catalog, LeafSet, Vendor};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Block, File, Item, Value, ValueKind};

const POLICY_KEYS: &[&str] = &["title", "jurisdictions"];
const INTERCOM_KEYS: &[&str] = &[
    "app_id",
    "region",
    "identity_verification",
    "load",
    "pages",
    "transfer",
    "audience_rules",
    "on_withdraw",
];
const PURPOSE_KEYS: &[&str] = &["title", "description", "basis", "gpc", "features"];
const RETENTION_KEYS: &[&str] = &["conversations", "users", "visitors"];
const FACADE_KEYS: &[&str] = &["label", "color", "position"];

pub const DEFAULT_FACADE_LABEL: &str = "Chat with us";
pub const DEFAULT_FACADE_COLOR: &str = "#1f6feb";

/// Every `policy` block of one file.
pub fn lower_file(file: &File, catalog: &Catalog, out: &mut Vec<Diagnostic>) -> Vec<Policy> {
    let mut policies = Vec::new();
    for item in &file.items {
        match item {
            Item::Block(b) if b.kind.name == "policy" => {
                if let Some(p) = policy(b, catalog, out) {
                    policies.push(p);
                }
            }
            Item::Block(b) => out.push(unknown(
                &format!("top-level block `{}`", b.kind.name),
                b.kind.span,
                &b.kind.name,
                ["policy"],
            )),
            Item::Assignment(a) => out.push(
                Diagnostic::new(Code::CP0101, format!("`{}` outside a policy", a.key.name))
                    .primary(a.key.span, "keys belong inside `policy NAME { ... }`")
                    .help("a file holds `policy NAME { ... }` blocks; move this key into one"),
            ),
        }
    }
    policies
}

fn no_options(b: &Block, out: &mut Vec<Diagnostic>) {
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

    let mut intercom_cfg = None;
    let mut intercom_span: Option<Span> = None;
    let mut purposes: IndexMap<String, Purpose> = IndexMap::new();
    let mut cmps_: IndexMap<String, CmpBlock> = IndexMap::new();
    let mut invalid_cmp_blocks = false;
    let mut block_kinds: Vec<&str> = vec!["purpose", "cmp"];
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
                let Some(c) = cmp_block(child, out) else {
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
            "intercom" => {
                if let Some(first) = intercom_span {
                    out.push(duplicate("`intercom` block", &context, first, child.kind.span));
                    continue;
                }
                intercom_span = Some(child.kind.span);
                intercom_cfg = intercom(child, catalog, out);
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

fn intercom(b: &Block, catalog: &Catalog, out: &mut Vec<Diagnostic>) -> Option<Intercom> {
    no_options(b, out);
    if let Some(name) = &b.name {
        out.push(
            Diagnostic::new(Code::CP0101, "a vendor block takes no name")
                .primary(name.span, "unexpected name")
                .help("write `intercom { ... }`"),
        );
    }
    let vendor = catalog.vendor("intercom")?;
    let r = Reader::new("`intercom`".to_owned(), b.kind.span, &b.items, INTERCOM_KEYS, out);
    let app_id = r.string("app_id", out);
    if let Some(id) = &app_id {
        let ok = !id.value.is_empty()
            && id.value.len() <= 32
            && id.value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        // A pasted secret is reported once, as CP0105, not also as a malformed id.
        if !ok && !super::hygiene::looks_like_secret(&id.value) {
            out.push(
                Diagnostic::new(
                    Code::CP0103,
                    format!("`{}` is not an Intercom app id", id.value.escape_debug()),
                )
                .primary(id.span, "expected lowercase letters and digits")
                .help("copy the app id from Intercom's Settings, Installation (like `abc123xy`)"),
            );
        }
    }
    let app_id = r.require("app_id", app_id, "app_id = \"abc123xy\"", out);
    let region = region(&r, vendor, out);
    let region = r.require("region", region, "region = eu", out);
    let identity_verification = r.setting("identity_verification", IdentityVerification::Off, out);
    let load = r.setting("load", Load::WhenGranted, out);
    let pages = pages(&r, out);
    let transfer = r.keyword("transfer", out);
    let audience_rules = r.setting("audience_rules", AudienceRules::Missing, out);
    let on_withdraw = r.setting("on_withdraw", OnWithdraw::Cleanup, out);

    let mut retention = Retention::default();
    let mut facade_block: Option<Facade> = None;
    let mut facade_span: Option<Span> = None;
    let mut seen: Vec<(&str, Span)> = Vec::new();
    for child in &r.blocks {
        let kind = child.kind.name.as_str();
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kind) {
            out.push(duplicate(
                &format!("`{kind}` block"),
                "`intercom`",
                *first,
                child.kind.span,
            ));
            continue;
        }
        seen.push((kind, child.kind.span));
        no_options(child, out);
        match kind {
            "retention" => {
                let rr = Reader::new(
                    "`retention`".to_owned(),
                    child.kind.span,
                    &child.items,
                    RETENTION_KEYS,
                    out,
                );
                retention = Retention {
                    conversations: rr.duration("conversations", out),
                    users: rr.duration("users", out),
                    visitors: rr.duration("visitors", out),
                    invalid: Vec::new(),
                };
                retention.invalid = [
                    ("conversations", retention.conversations),
                    ("users", retention.users),
                    ("visitors", retention.visitors),
                ]
                .into_iter()
                .filter(|(key, got)| got.is_none() && rr.value(key).is_some())
                .map(|(key, _)| key)
                .collect();
                nested_blocks(&rr, out);
            }
            "facade" => {
                let fr = Reader::new("`facade`".to_owned(), child.kind.span, &child.items, FACADE_KEYS, out);
                let label = fr.string("label", out);
                let color = fr.string("color", out);
                if let Some(c) = &color {
                    if !is_hex_color(&c.value) {
                        out.push(
                            Diagnostic::new(Code::CP0103, format!("`{}` is not a colour", c.value.escape_debug()))
                                .primary(c.span, "expected `#rgb` or `#rrggbb`")
                                .help("write a hex colour, like `\"#1f6feb\"`"),
                        );
                    }
                }
                if let Some(l) = &label {
                    if l.value.trim().is_empty() {
                        out.push(
                            Diagnostic::new(Code::CP0103, "the facade label is empty")
                                .primary(l.span, "a button needs an accessible name")
                                .help("write what the button does, like `\"Chat with support\"`"),
                        );
                    }
                }
                facade_span = Some(child.kind.span);
                facade_block = Some(Facade {
                    label: label
                        .map(|l| l.value)
                        .unwrap_or_else(|| DEFAULT_FACADE_LABEL.to_owned()),
                    color: color
                        .map(|c| c.value)
                        .unwrap_or_else(|| DEFAULT_FACADE_COLOR.to_owned()),
                    position: fr.setting("position", Position::Right, out).value,
                });
                nested_blocks(&fr, out);
            }
            other => out.push(unknown(
                &format!("block `{other}` in `intercom`"),
                child.kind.span,
                other,
                ["retention", "facade"],
            )),
        }
    }
    if let (Load::WhenGranted, Some(span)) = (load.value, facade_span) {
        let mut d = Diagnostic::new(Code::CP0412, "this `facade` is never drawn").primary(
            span,
            "a facade stands in for the messenger only with `load = on_interaction`",
        );
        d = match load.span {
            Some(at) => d.secondary(at, "the messenger loads as soon as it is granted"),
            None => d.secondary(b.kind.span, "`load` is `when_granted` by default"),
        };
        out.push(d.help("remove the `facade` block, or set `load = on_interaction` to load the messenger on a click"));
    }
    let facade = match load.value {
        Load::OnInteraction => Some(facade_block.unwrap_or(Facade {
            label: DEFAULT_FACADE_LABEL.to_owned(),
            color: DEFAULT_FACADE_COLOR.to_owned(),
            position: Position::Right,
        })),
        Load::WhenGranted => None,
    };
    Some(Intercom {
        span: b.kind.span,
        app_id: app_id?,
        region: region?,
        identity_verification,
        load,
        pages,
        transfer,
        audience_rules,
        on_withdraw,
        retention,
        facade,
    })
}

fn nested_blocks(r: &Reader, out: &mut Vec<Diagnostic>) {
    for b in &r.blocks {
        out.push(unknown(
            &format!("block `{}` in {}", b.kind.name, r.context),
            b.kind.span,
            &b.kind.name,
            [],
        ));
    }
}

fn is_hex_color(text: &str) -> bool {
    let Some(hex) = text.strip_prefix('#') else {
        return false;
    };
    matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn region(r: &Reader, vendor: &Vendor, out: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    let v = r.value("region")?;
    let names: Vec<&str> = vendor.regions.keys().map(String::as_str).collect();
    let Some(word) = v.as_ident() else {
        out.push(wrong_kind(
            "region",
            v,
            "an identifier",
            &format!("one of {}", backticked(&names)),
        ));
        return None;
    };
    if !vendor.regions.contains_key(word) {
        out.push(unknown(&format!("region `{word}`"), v.span, word, names));
        return None;
    }
    Some(Spanned {
        value: word.to_owned(),
        span: v.span,
    })
}

fn pages(r: &Reader, out: &mut Vec<Diagnostic>) -> Option<Spanned<Vec<String>>> {
    let (items, span) = r.list("pages", out)?;
    let mut globs = Vec::new();
    for v in items {
        let Some(s) = v.as_str() else {
            out.push(wrong_kind(
                "pages",
                v,
                "a string",
                "write path patterns in quotes, like `\"/app/**\"`",
            ));
            continue;
        };
        if !s.starts_with('/') || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            out.push(
                Diagnostic::new(Code::CP0103, format!("`{}` is not a path pattern", s.escape_debug()))
                    .primary(v.span, "expected a path starting with `/`")
                    .help(
                        "patterns match the URL path: `*` within a segment, `**` across segments, like `\"/app/**\"`",
                    ),
            );
            continue;
        }
        globs.push(s.to_owned());
    }
    if items.is_empty() {
        out.push(
            Diagnostic::new(Code::CP0103, "`pages` is empty")
                .primary(span, "the messenger would load on no page")
                .help("list the pages it runs on, or remove `pages` to mean every page"),
        );
    }
    Some(Spanned { value: globs, span })
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
    let title = r.string("title", out).map(|s| s.value);
    let description = r.string("description", out).map(|s| s.value);
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

fn cmp_block(b: &Block, out: &mut Vec<Diagnostic>) -> Option<CmpBlock> {
    let Some(name) = &b.name else {
        out.push(
            Diagnostic::new(Code::CP0104, "a `cmp` block needs the CMP's name")
                .primary(b.kind.span, "which CMP?")
                .help(format!(
                    "write `cmp NAME {{ ... }}` with NAME one of {}",
                    backticked(&cmps::names().collect::<Vec<_>>())
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
        (cmps::EntryKind::Ident, _) => {
            let word = match (&v.kind, v.as_ident()) {
                (_, Some(w)) => w.to_owned(),
                (ValueKind::String(s), None) => {
                    out.push(wrong_kind(
                        key,
                        v,
                        "an identifier",
                        &format!(
                            "{} categories are fixed words: write `{key} = {s}` without quotes",
                            cmp.title
                        ),
                    ));
                    return None;
                }
                _ => {
                    out.push(wrong_kind(
                        key,
                        v,
                        "an identifier",
                        &format!("one of {}", backticked(cmp.vocabulary)),
                    ));
                    return None;
                }
            };
            if cmp.vocabulary.contains(&word.as_str()) {
                Some(CmpValue::Name(word))
            } else {
                out.push(unknown(
                    &format!("{} category `{word}`", cmp.title),
                    v.span,
                    &word,
                    cmp.vocabulary.iter().copied(),
                ));
                None
            }
        }
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
