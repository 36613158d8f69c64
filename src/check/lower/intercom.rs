//! Lowering the `intercom` block in three steps: [`read`] what was written (unknown keys,
//! duplicates, values of the wrong kind or form are reported there), run the rules that judge
//! the block as written ([`rules::facade`](crate::check::rules::facade): a `facade` the
//! defaults would drop), then [`with_defaults`] to make the model's [`Intercom`].

use super::super::model::*;
use super::super::reader::{duplicate, unknown, wrong_kind, Reader};
use super::{nested_blocks, no_options};
use crate::catalog::{Catalog, Vendor};
use crate::check::rules;
use crate::diagnostics::words::{backticked, Last};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::Block;

pub(crate) const INTERCOM_KEYS: &[&str] = &[
    "app_id",
    "region",
    "identity_verification",
    "load",
    "pages",
    "transfer",
    "audience_rules",
    "on_withdraw",
    "request_exemption",
];
pub(crate) const RETENTION_KEYS: &[&str] = &["conversations", "users", "visitors"];
pub(crate) const FACADE_KEYS: &[&str] = &["label", "color", "position"];

pub const DEFAULT_FACADE_LABEL: &str = "Chat with us";
pub const DEFAULT_FACADE_COLOR: &str = "#1f6feb";

/// An `intercom` block as written: required keys may be missing, and the `facade` is kept
/// whatever `load` says (keyword settings hold their defaults already).
pub struct WrittenIntercom {
    /// `intercom` at the head of the block.
    pub head: Span,
    pub app_id: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    pub identity_verification: Setting<IdentityVerification>,
    pub load: Setting<Load>,
    pub pages: Option<Spanned<Vec<String>>>,
    pub transfer: Option<Spanned<Transfer>>,
    pub audience_rules: Setting<AudienceRules>,
    pub on_withdraw: Setting<OnWithdraw>,
    pub request_exemption: Option<Spanned<String>>,
    pub retention: Retention,
    pub facade: Option<WrittenFacade>,
}

/// A `facade { ... }` block as written.
pub struct WrittenFacade {
    /// `facade` at the head of the block.
    pub head: Span,
    pub label: Option<Spanned<String>>,
    pub color: Option<Spanned<String>>,
    pub position: Position,
}

pub(super) fn intercom(b: &Block, catalog: &Catalog, out: &mut Vec<Diagnostic>) -> Option<Intercom> {
    no_options(b, out);
    if let Some(name) = &b.name {
        out.push(
            Diagnostic::new(Code::CP0101, "a vendor block takes no name")
                .primary(name.span, "unexpected name")
                .help("write `intercom { ... }`"),
        );
    }
    let vendor = catalog.vendor("intercom")?;
    let written = read(b, vendor, out);
    rules::facade::never_drawn(&written, out);
    with_defaults(written)
}

/// Every key and block of `intercom { ... }`, as written.
fn read(b: &Block, vendor: &Vendor, out: &mut Vec<Diagnostic>) -> WrittenIntercom {
    let r = Reader::new("`intercom`".to_owned(), b.kind.span, &b.items, INTERCOM_KEYS, out);
    let app_id = app_id(&r, out);
    let app_id = r.require("app_id", app_id, "app_id = \"abc123xy\"", out);
    let region = region(&r, vendor, out);
    let region = r.require("region", region, "region = eu", out);
    let mut written = WrittenIntercom {
        head: b.kind.span,
        app_id,
        region,
        identity_verification: r.setting("identity_verification", IdentityVerification::Off, out),
        load: r.setting("load", Load::WhenGranted, out),
        pages: pages(&r, out),
        transfer: r.keyword("transfer", out),
        audience_rules: r.setting("audience_rules", AudienceRules::Missing, out),
        on_withdraw: r.setting("on_withdraw", OnWithdraw::Cleanup, out),
        request_exemption: request_exemption(&r, out),
        retention: Retention::default(),
        facade: None,
    };
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
            "retention" => written.retention = retention(child, out),
            "facade" => written.facade = Some(facade(child, out)),
            other => out.push(unknown(
                &format!("block `{other}` in `intercom`"),
                child.kind.span,
                other,
                ["retention", "facade"],
            )),
        }
    }
    written
}

/// The model's [`Intercom`]: `None` when a required key is missing (already reported). The
/// facade is drawn only with `load = on_interaction`, with defaults for what it leaves out.
fn with_defaults(w: WrittenIntercom) -> Option<Intercom> {
    let facade = match w.load.value {
        Load::OnInteraction => Some(match w.facade {
            Some(f) => Facade {
                label_span: f.label.as_ref().map(|l| l.span),
                label: f.label.map_or_else(|| DEFAULT_FACADE_LABEL.to_owned(), |l| l.value),
                color: f.color.map_or_else(|| DEFAULT_FACADE_COLOR.to_owned(), |c| c.value),
                position: f.position,
            },
            None => Facade {
                label_span: None,
                label: DEFAULT_FACADE_LABEL.to_owned(),
                color: DEFAULT_FACADE_COLOR.to_owned(),
                position: Position::Right,
            },
        }),
        Load::WhenGranted => None,
    };
    Some(Intercom {
        span: w.head,
        app_id: w.app_id?,
        region: w.region?,
        identity_verification: w.identity_verification,
        load: w.load,
        pages: w.pages,
        transfer: w.transfer,
        audience_rules: w.audience_rules,
        on_withdraw: w.on_withdraw,
        request_exemption: w.request_exemption,
        retention: w.retention,
        facade,
    })
}

/// `request_exemption = "<why>"`: why the chat's device access rests on the visitor's click
/// rather than consent; it goes to `record.md`, so it must say something (CP0103).
fn request_exemption(r: &Reader, out: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    let why = r.string("request_exemption", out)?;
    if why.value.trim().chars().count() < 10 {
        out.push(
            Diagnostic::new(Code::CP0103, "`request_exemption` gives no reason")
                .primary(why.span, "a reviewer reads this in `record.md`")
                .help("say why the chat's storage is strictly necessary for the service the visitor asked for, in a sentence"),
        );
    }
    Some(why)
}

/// `app_id`, which must look like one (CP0103).
fn app_id(r: &Reader, out: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    let id = r.string("app_id", out)?;
    let ok = !id.value.is_empty()
        && id.value.len() <= 32
        && id.value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    // A pasted secret is reported once, as CP0105, not also as a malformed id.
    if !ok && !rules::hygiene::looks_like_secret(&id.value) {
        out.push(
            Diagnostic::new(
                Code::CP0103,
                format!("`{}` is not an Intercom app id", id.value.escape_debug()),
            )
            .primary(id.span, "expected lowercase letters and digits")
            .help("copy the app id from Intercom's Settings, Installation (like `abc123xy`)"),
        );
    }
    Some(id)
}

fn retention(b: &Block, out: &mut Vec<Diagnostic>) -> Retention {
    let r = Reader::new("`retention`".to_owned(), b.kind.span, &b.items, RETENTION_KEYS, out);
    let mut retention = Retention {
        conversations: r.duration("conversations", out),
        users: r.duration("users", out),
        visitors: r.duration("visitors", out),
        invalid: Vec::new(),
    };
    retention.invalid = [
        ("conversations", retention.conversations),
        ("users", retention.users),
        ("visitors", retention.visitors),
    ]
    .into_iter()
    .filter(|(key, got)| got.is_none() && r.value(key).is_some())
    .map(|(key, _)| key)
    .collect();
    nested_blocks(&r, out);
    retention
}

/// `facade { ... }`, whose colour and label must be usable (CP0103).
fn facade(b: &Block, out: &mut Vec<Diagnostic>) -> WrittenFacade {
    let r = Reader::new("`facade`".to_owned(), b.kind.span, &b.items, FACADE_KEYS, out);
    let label = r.string("label", out);
    let color = r.string("color", out);
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
        nonempty_label(l, out);
    }
    let position = r.setting("position", Position::Right, out).value;
    nested_blocks(&r, out);
    WrittenFacade {
        head: b.kind.span,
        label,
        color,
        position,
    }
}

/// CP0103: a facade label, in any language, is the button's accessible name.
pub(super) fn nonempty_label(label: &Spanned<String>, out: &mut Vec<Diagnostic>) {
    if label.value.trim().is_empty() {
        out.push(
            Diagnostic::new(Code::CP0103, "the facade label is empty")
                .primary(label.span, "a button needs an accessible name")
                .help("write what the button does, like `\"Chat with support\"`"),
        );
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
            &format!("one of {}", backticked(&names, Last::Or)),
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
