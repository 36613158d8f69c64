//! `consentc fmt`: the canonical printer keeps meaning and comments, and is idempotent, on every
//! policy in the repository and on generated policies; the layout rules in `docs/fmt.md` hold;
//! the command rewrites files atomically and `--check` lists what would change.

use std::path::{Path, PathBuf};
use std::process::Command;

use consentc::fmt::format_source;
use consentc::source::{decode, FileId};
use proptest::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// Oracles, independent of the printer.

/// `Debug` output with every `Span { .. }` replaced by `Span`: what a tree or model means.
fn strip_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span { file: FileId(") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let after = &rest[at..];
        let close = after.find('}').expect("a closed span");
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn ast(text: &str) -> String {
    let decoded = decode(text.as_bytes()).expect("utf-8");
    let file = consentc::syntax::parse(FileId(0), &decoded).expect("parses");
    strip_spans(&format!("{:?}", file.items))
}

/// Every comment's text, in order: line comments without trailing whitespace, block comments
/// with CRLF as LF. Scanned with the language's rules: not inside strings.
fn comments(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'/') {
            let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
            found.push(text[i..end].trim_end().to_owned());
            i = end;
        } else if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            let end = text[i + 2..].find("*/").map_or(text.len(), |n| i + n + 4);
            found.push(text[i..end].replace("\r\n", "\n"));
            i = end;
        } else if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else {
            i += 1;
        }
    }
    found
}

/// The checked model (spans removed) and every diagnostic's code and message. CP0411 is left
/// out: the printer writes invisible characters in strings as `\u{..}` escapes, which is
/// that warning's fix, so the same string stops being warned about.
fn meaning(name: &str, text: &str) -> (String, Vec<(String, String)>) {
    let checked = consentc::check_sources(vec![(name.to_owned(), text.as_bytes().to_vec())]);
    let model = strip_spans(&format!("{:?}", checked.model.policies));
    let diagnostics = checked
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() != "CP0411")
        .map(|d| (d.code.as_str().to_owned(), d.message.clone()))
        .collect();
    (model, diagnostics)
}

/// Every property of the printer, on one text that parses.
fn assert_formats_well(name: &str, original: &str) {
    let formatted = format_source(original).unwrap_or_else(|d| panic!("{name}: does not format: {}", d.message));
    let again = format_source(&formatted)
        .unwrap_or_else(|d| panic!("{name}: the output does not parse: {}\n{formatted}", d.message));
    assert_eq!(again, formatted, "{name}: not idempotent; first pass:\n{formatted}");
    assert_eq!(ast(&formatted), ast(original), "{name}: the tree changed:\n{formatted}");
    assert_eq!(
        comments(&formatted),
        comments(original),
        "{name}: comments lost, doubled or reordered:\n{formatted}"
    );
    assert_eq!(
        meaning(name, &formatted),
        meaning(name, original),
        "{name}: the checked model or the diagnostics changed:\n{formatted}"
    );
    assert!(!formatted.starts_with('\u{feff}'), "{name}: BOM kept");
    assert!(!formatted.contains("\r\n"), "{name}: CRLF kept");
    if !formatted.is_empty() {
        assert!(
            formatted.ends_with('\n') && !formatted.ends_with("\n\n"),
            "{name}: must end with exactly one newline"
        );
    }
    assert!(!formatted.starts_with('\n'), "{name}: leading blank line");
    assert!(!formatted.contains("\n\n\n"), "{name}: two blank lines in a row");
    if !original.contains("/*") {
        for line in formatted.lines() {
            assert_eq!(line, line.trim_end(), "{name}: trailing whitespace");
        }
    }
}

// The repository's policies.

fn policy_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            policy_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "policy" || e == "vendor") {
            found.push(path);
        }
    }
}

/// Every ```policy block of a Markdown page.
fn markdown_policies(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut open: Option<(bool, String)> = None;
    for line in markdown.lines() {
        match open.take() {
            Some((is_policy, text)) if line.trim() == "```" => {
                if is_policy {
                    blocks.push(text);
                }
            }
            Some((is_policy, mut text)) => {
                text.push_str(line);
                text.push('\n');
                open = Some((is_policy, text));
            }
            None => {
                if let Some(lang) = line.trim().strip_prefix("```") {
                    open = Some((lang.trim() == "policy", String::new()));
                }
            }
        }
    }
    blocks
}

#[test]
fn every_policy_in_the_repository_formats_well() {
    let mut files = Vec::new();
    for dir in ["policies", "examples", "templates", "tests", "docs"] {
        policy_files(&root().join(dir), &mut files);
    }
    policy_files(Path::new("/work/shared/conformance"), &mut files);
    files.sort();
    let (mut formatted, mut refused) = (0, 0);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.display().to_string();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            refused += 1;
            continue;
        };
        match format_source(text) {
            Ok(_) => {
                assert_formats_well(&name, text);
                formatted += 1;
            }
            Err(d) => {
                // A file that does not parse is refused with the CP0001 `check` reports.
                let checked = consentc::check_sources(vec![(name.clone(), bytes.clone())]);
                let codes: Vec<_> = checked.diagnostics.iter().map(|d| d.code.as_str()).collect();
                assert_eq!(codes, ["CP0001"], "{name}");
                assert_eq!(checked.diagnostics[0].message, d.message, "{name}");
                refused += 1;
            }
        }
    }
    let mut pages = vec![root().join("docs/language.md"), root().join("docs/fmt.md")];
    if let Ok(entries) = std::fs::read_dir(root().join("docs/codes")) {
        pages.extend(entries.flatten().map(|e| e.path()));
    }
    for page in pages {
        let markdown = std::fs::read_to_string(&page).unwrap();
        for (i, block) in markdown_policies(&markdown).iter().enumerate() {
            if format_source(block).is_ok() {
                assert_formats_well(&format!("{} block {}", page.display(), i + 1), block);
                formatted += 1;
            }
        }
    }
    eprintln!("formatted {formatted} policies, refused {refused} that do not parse");
    assert!(formatted >= 100, "only {formatted} policies found");
    assert!(refused >= 5, "the CP0001 fixtures should be refused");
}

/// `policies/*.policy` and `examples/*.policy` are kept formatted.
#[test]
fn the_committed_policies_are_formatted() {
    for dir in ["policies", "examples"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "policy"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no policies in {dir}/");
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let formatted = format_source(&text).unwrap();
            assert!(
                formatted == text,
                "{} is not formatted; run `consentc fmt {}`",
                path.display(),
                path.display()
            );
        }
    }
}

// The layout rules, as documented.

/// `docs/fmt.md` shows each rule as a ```policy block marked `<!-- fmt: before -->` followed by
/// one marked `<!-- fmt: after -->`: the printer must turn the first into the second.
#[test]
fn the_documented_examples_hold() {
    let markdown = std::fs::read_to_string(root().join("docs/fmt.md")).unwrap();
    let mut before: Option<String> = None;
    let mut pairs = 0;
    let mut marker = "";
    let mut open: Option<String> = None;
    for line in markdown.lines() {
        if let Some(mut text) = open.take() {
            if line.trim() == "```" {
                match marker {
                    "before" => before = Some(text),
                    "after" => {
                        let input = before.take().expect("an `after` block follows a `before` block");
                        let output = format_source(&input).expect("the example parses");
                        assert_eq!(output, text, "docs/fmt.md example {}:\n{input}", pairs + 1);
                        assert_eq!(format_source(&text).unwrap(), text, "the `after` block is canonical");
                        pairs += 1;
                    }
                    _ => {}
                }
                marker = "";
            } else {
                text.push_str(line);
                text.push('\n');
                open = Some(text);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed == "<!-- fmt: before -->" {
            marker = "before";
        } else if trimmed == "<!-- fmt: after -->" {
            marker = "after";
        } else if trimmed.starts_with("```") {
            open = Some(String::new());
        }
    }
    assert!(pairs >= 5, "docs/fmt.md should show its rules, found {pairs} examples");
}

fn fmt(text: &str) -> String {
    format_source(text).unwrap_or_else(|d| panic!("{}", d.message))
}

#[test]
fn bom_crlf_and_trailing_blank_lines_are_normalized() {
    let text = "\u{feff}policy a {\r\n  title = \"A\" // t \r\n\r\n\r\n\r\n  /* b\r\n  c */\r\n}\r\n\r\n\r\n";
    assert_eq!(fmt(text), "policy a {\n  title = \"A\" // t\n\n  /* b\n  c */\n}\n");
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    assert_eq!(fmt("// only a comment"), "// only a comment\n");
}

#[test]
fn values_are_written_canonically() {
    let text = "a = \"\\u{41}\\\"\\\\\\u{7}\t\\u{200B}\\n\"; b = 007; c = 1 months; d = 2 day; e = [x , y,]";
    assert_eq!(
        fmt(text),
        "a = \"A\\\"\\\\\\u{7}\\t\\u{200b}\\n\"\nb = 7\nc = 1 month\nd = 2 days\ne = [x, y]\n"
    );
}

#[test]
fn long_lists_break_one_element_per_line() {
    let long: Vec<String> = (0..12).map(|i| format!("intercom.feature_{i}")).collect();
    let text = format!("p {{\n  features = [{}] except [intercom.x]\n}}\n", long.join(", "));
    let out = fmt(&text);
    assert!(out.contains("  features = [\n    intercom.feature_0,\n"), "{out}");
    assert!(
        out.contains("    intercom.feature_11,\n  ] except [intercom.x]\n"),
        "{out}"
    );
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    // With `except`, the first list stays whole if `[...] except [` fits.
    let text = format!("p {{\n  features = [intercom.*] except [{}]\n}}\n", long.join(", "));
    let out = fmt(&text);
    assert!(
        out.contains("  features = [intercom.*] except [\n    intercom.feature_0,\n"),
        "{out}"
    );
}

#[test]
fn one_line_blocks_stay_one_line_only_when_they_were_and_fit() {
    assert_eq!(fmt("x { a = 1; b = [c] }"), "x { a = 1; b = [c] }\n");
    assert_eq!(fmt("x {\n a = 1; b = 2 }"), "x {\n  a = 1\n  b = 2\n}\n");
    assert_eq!(fmt("x { y { a = 1 } }"), "x {\n  y { a = 1 }\n}\n");
    assert_eq!(fmt("cmp custom {\n}\ncmp x() { }"), "cmp custom {}\n\ncmp x {}\n");
    let long = format!("x {{ a = \"{}\"; b = 1 }}", "y".repeat(90));
    assert!(fmt(&long).starts_with("x {\n  a = \""), "{}", fmt(&long));
}

#[test]
fn blank_lines_separate_blocks_and_are_kept_at_most_once() {
    let text = "policy a {\n  title = \"A\"\n  jurisdictions = [eu]\n\n\n\n  x = 1\n  intercom {\n    app_id = \"x\"\n  }\n  cmp k { a = \"1\" }\n  cmp l { a = \"2\" }\n}\npolicy b {}";
    assert_eq!(
        fmt(text),
        "policy a {\n  title = \"A\"\n  jurisdictions = [eu]\n\n  x = 1\n\n  intercom {\n    app_id = \"x\"\n  }\n\n  cmp k { a = \"1\" }\n  cmp l { a = \"2\" }\n}\n\npolicy b {}\n"
    );
}

#[test]
fn comments_stay_where_they_were() {
    let text = "// head\npolicy a { // after brace\n  // before title\n  title /* k */ = \"A\" ; // trailing\n  features = [ // after bracket\n    a.b, // after a\n    // before c\n    c /* after c */ ,\n    // dangling\n  ]\n  key = // inline line comment\n    5\n  // last\n} // after policy\n// tail\n";
    assert_eq!(
        fmt(text),
        "// head\npolicy a { // after brace\n  // before title\n  title /* k */ = \"A\" // trailing\n  features = [ // after bracket\n    a.b, // after a\n    // before c\n    c, /* after c */\n    // dangling\n  ]\n  key = // inline line comment\n    5\n  // last\n} // after policy\n// tail\n"
    );
}

#[test]
fn trailing_comments_on_consecutive_lines_line_up() {
    let text = "p {\n  a = 1 // x\n  bb = [c, d]   // y\n  ccc { d = 1 } // z\n  e {\n  f = 1 // w\n  } // v\n  g = 2 // u\n}\n";
    assert_eq!(
        fmt(text),
        "p {\n  a = 1         // x\n  bb = [c, d]   // y\n  ccc { d = 1 } // z\n\n  e {\n    f = 1 // w\n  } // v\n\n  g = 2 // u\n}\n"
    );
}

#[test]
fn a_trailing_directive_keeps_its_declaration_on_the_next_line() {
    // `consentc:allow` applies to the line below it: no blank line is forced there.
    let text = "policy a {\n  title = \"A\" // consentc:allow(CP0404, reason = \"x\")\n  purpose p {\n    basis = consent\n  }\n}\n";
    assert_eq!(fmt(text), text);
    let text = "policy a {\n  title = \"A\" // a remark\n  purpose p {\n    basis = consent\n  }\n}\n";
    assert!(fmt(text).contains("// a remark\n\n  purpose p {"));
}

#[test]
fn syntax_errors_are_refused_with_cp0001() {
    let d = format_source("policy a { title = 'x' }").unwrap_err();
    assert_eq!(d.code.as_str(), "CP0001");
    let d = format_source("a = \"unterminated\n").unwrap_err();
    assert_eq!(d.code.as_str(), "CP0001");
}

// Generated policies: the grammar's constructs with whitespace and comments between any two
// tokens, checked against every property above.

#[derive(Debug, Clone)]
enum GValue {
    Str(String),
    Int(u32),
    Dur(u32, &'static str),
    Path(&'static str),
    List(Vec<GValue>, Option<Vec<GValue>>),
}

#[derive(Debug, Clone)]
enum GItem {
    Assign(&'static str, GValue),
    Block {
        kind: &'static str,
        name: Option<&'static str>,
        options: Vec<(&'static str, GValue)>,
        items: Vec<GItem>,
    },
}

fn assign(key: &'static str, value: GValue) -> GItem {
    GItem::Assign(key, value)
}

fn block(kind: &'static str, name: Option<&'static str>, items: Vec<GItem>) -> GItem {
    GItem::Block {
        kind,
        name,
        options: Vec::new(),
        items,
    }
}

fn g_string() -> impl Strategy<Value = String> {
    let realistic = prop::sample::select(vec![
        "Support chat",
        "abc123xy",
        "/app/**",
        "#1f6feb",
        "C0003",
        "livechat",
        "Lets you chat with our support team when you click the chat button, and read help articles.",
        "",
    ])
    .prop_map(str::to_owned);
    let chars = prop::sample::select(vec![
        'a', 'b', 'x', ' ', ' ', '"', '\\', '\n', '\t', '\r', '\u{7}', '\u{200b}', 'é', '日', '/', '*', '{', '}', ';',
    ]);
    let random = prop::collection::vec(chars, 0..30).prop_map(|c| c.into_iter().collect());
    prop_oneof![3 => realistic, 1 => random]
}

const UNITS: [&str; 8] = ["day", "days", "week", "weeks", "month", "months", "year", "years"];
const PATHS: [&str; 12] = [
    "intercom.messenger",
    "intercom.help_center",
    "intercom.identity",
    "intercom.fin",
    "intercom.tracking",
    "intercom.tracking.*",
    "intercom.tracking.events",
    "intercom.product_tours",
    "intercom.targeted_messages.chats",
    "intercom.*",
    "intercom.news",
    "eu",
];

fn g_path() -> impl Strategy<Value = GValue> {
    prop::sample::select(PATHS.to_vec()).prop_map(GValue::Path)
}

fn g_ident(words: &[&'static str]) -> impl Strategy<Value = GValue> {
    prop::sample::select(words.to_vec()).prop_map(GValue::Path)
}

fn g_duration() -> impl Strategy<Value = GValue> {
    (0u32..40, prop::sample::select(UNITS.to_vec())).prop_map(|(n, u)| GValue::Dur(n, u))
}

/// Any value, lists nested two deep, `except` anywhere a list may have one.
fn g_value() -> impl Strategy<Value = GValue> {
    let leaf = prop_oneof![
        g_string().prop_map(GValue::Str),
        any::<u32>().prop_map(GValue::Int),
        g_duration(),
        g_path(),
    ];
    leaf.prop_recursive(2, 16, 6, |inner| {
        (
            prop::collection::vec(inner.clone(), 0..6),
            prop::option::weighted(0.3, prop::collection::vec(inner, 0..3)),
        )
            .prop_map(|(items, except)| GValue::List(items, except))
    })
}

fn g_list_of<S: Strategy<Value = GValue>>(element: S, max: usize) -> impl Strategy<Value = GValue> {
    prop::collection::vec(element, 0..max).prop_map(|items| GValue::List(items, None))
}

fn g_intercom() -> impl Strategy<Value = GItem> {
    let retention = (
        prop::option::of(g_duration()),
        prop::option::of(g_duration()),
        prop::option::of(g_duration()),
    )
        .prop_map(|(c, u, v)| {
            let mut items = Vec::new();
            items.extend(c.map(|d| assign("conversations", d)));
            items.extend(u.map(|d| assign("users", d)));
            items.extend(v.map(|d| assign("visitors", d)));
            block("retention", None, items)
        });
    let facade = (
        g_string(),
        prop::sample::select(vec!["#1f6feb", "red", "#fff"]),
        g_ident(&["left", "right"]),
    )
        .prop_map(|(label, color, position)| {
            block(
                "facade",
                None,
                vec![
                    assign("label", GValue::Str(label)),
                    assign("color", GValue::Str(color.to_owned())),
                    assign("position", position),
                ],
            )
        });
    (
        prop::sample::select(vec!["abc123xy", "zz9"]),
        g_ident(&["eu", "us", "au", "mars"]),
        prop::option::of(g_ident(&["when_granted", "on_interaction"])),
        prop::option::of(g_list_of(g_string().prop_map(GValue::Str), 8)),
        prop::option::of(g_ident(&["applied", "missing"])),
        prop::option::of(g_ident(&["dpf", "scc", "none"])),
        prop::option::of(g_ident(&["jwt", "hmac", "off"])),
        prop::option::of(retention),
        prop::option::of(facade),
    )
        .prop_map(
            |(app, region, load, pages, audience, transfer, verification, retention, facade)| {
                let mut items = vec![assign("app_id", GValue::Str(app.to_owned())), assign("region", region)];
                items.extend(load.map(|v| assign("load", v)));
                items.extend(pages.map(|v| assign("pages", v)));
                items.extend(audience.map(|v| assign("audience_rules", v)));
                items.extend(transfer.map(|v| assign("transfer", v)));
                items.extend(verification.map(|v| assign("identity_verification", v)));
                items.extend(retention);
                items.extend(facade);
                block("intercom", None, items)
            },
        )
}

const PURPOSES: [&str; 4] = ["support", "guidance", "analytics", "promo"];

fn g_purpose() -> impl Strategy<Value = GItem> {
    let features = (
        prop::collection::vec(g_path(), 0..8),
        prop::option::weighted(0.3, prop::collection::vec(g_path(), 0..4)),
    )
        .prop_map(|(items, except)| GValue::List(items, except));
    (
        prop::sample::select(PURPOSES.to_vec()),
        prop::option::of(g_string()),
        prop::option::of(g_string()),
        prop::option::of(g_ident(&["consent", "legitimate_interest", "contract"])),
        prop::option::of(g_ident(&["ignore", "honor", "strict"])),
        prop::option::of(features),
    )
        .prop_map(|(name, title, description, basis, gpc, features)| {
            let mut items = Vec::new();
            items.extend(title.map(|s| assign("title", GValue::Str(s))));
            items.extend(description.map(|s| assign("description", GValue::Str(s))));
            items.extend(basis.map(|v| assign("basis", v)));
            items.extend(gpc.map(|v| assign("gpc", v)));
            items.extend(features.map(|v| assign("features", v)));
            block("purpose", Some(name), items)
        })
}

fn g_cmp() -> impl Strategy<Value = GItem> {
    let entry_value = prop_oneof![
        g_string().prop_map(GValue::Str),
        g_ident(&["preferences", "statistics", "marketing", "necessary"]),
        (1u32..30).prop_map(GValue::Int),
    ];
    let option = prop_oneof![
        Just(("always_active", GValue::List(vec![GValue::Str("C0001".into())], None))),
        Just(("event", GValue::Str("ucEvent".into()))),
        Just(("vendor", GValue::Str("c:intercom-XyZ".into()))),
        g_value().prop_map(|v| ("extra", v)),
    ];
    (
        prop::sample::select(vec![
            "onetrust",
            "cookiebot",
            "klaro",
            "cookieconsent",
            "usercentrics",
            "didomi",
            "tcf",
            "custom",
        ]),
        prop::collection::vec(option, 0..3),
        prop::collection::vec((prop::sample::select(PURPOSES.to_vec()), entry_value), 0..4),
    )
        .prop_map(|(name, options, entries)| GItem::Block {
            kind: "cmp",
            name: Some(name),
            options,
            items: entries.into_iter().map(|(k, v)| assign(k, v)).collect(),
        })
}

fn g_policy() -> impl Strategy<Value = GItem> {
    (
        prop::sample::select(vec!["app", "site", "docs"]),
        prop::option::of(g_string()),
        prop::option::of(g_list_of(g_ident(&["eu", "uk", "us", "ch"]), 4)),
        prop::option::of(g_intercom()),
        prop::collection::vec(g_purpose(), 0..4),
        prop::collection::vec(g_cmp(), 0..3),
        prop::option::weighted(0.3, g_value()),
    )
        .prop_map(|(name, title, jurisdictions, intercom, purposes, cmps, extra)| {
            let mut items = Vec::new();
            items.extend(title.map(|s| assign("title", GValue::Str(s))));
            items.extend(jurisdictions.map(|v| assign("jurisdictions", v)));
            items.extend(extra.map(|v| assign("extra", v)));
            items.extend(intercom);
            items.extend(purposes);
            items.extend(cmps);
            block("policy", Some(name), items)
        })
}

fn g_file() -> impl Strategy<Value = Vec<GItem>> {
    (
        prop::collection::vec(g_policy(), 1..3),
        prop::option::weighted(0.2, g_value()),
    )
        .prop_map(|(mut items, extra)| {
            items.extend(extra.map(|v| assign("stray", v)));
            items
        })
}

/// Writes a generated tree as text, taking every layout choice from `seed`: whitespace, CRLF,
/// blank lines, `;`, trailing commas, string escapes, and comments between any two tokens.
struct Render<'a> {
    seed: &'a [u8],
    at: usize,
    compact: bool,
    comments: usize,
    out: String,
}

const DIRECTIVE_CODES: [&str; 4] = ["CP0402", "CP0404", "CP0401", "CP0407"];

impl Render<'_> {
    fn choice(&mut self) -> u8 {
        let b = if self.seed.is_empty() {
            0
        } else {
            let round = (self.at / self.seed.len()) as u8;
            self.seed[self.at % self.seed.len()].wrapping_add(round.wrapping_mul(37))
        };
        self.at += 1;
        b
    }

    fn comment(&mut self) -> usize {
        self.comments += 1;
        self.comments
    }

    /// Between two tokens of one item; `required` when the tokens would otherwise merge.
    fn gap(&mut self, required: bool) {
        let b = self.choice();
        if self.compact {
            self.out
                .push_str(if required || b.is_multiple_of(2) { " " } else { "" });
            return;
        }
        let text = match b % 32 {
            0..=14 => " ".to_owned(),
            15..=17 => "\n  ".to_owned(),
            18 => "\n\n".to_owned(),
            19 => "\n\n\n\n    ".to_owned(),
            20 if !required => String::new(),
            20 => " ".to_owned(),
            21 => "\t".to_owned(),
            22 => "\r\n".to_owned(),
            23 | 24 => format!(" /* c{} */ ", self.comment()),
            25 | 26 => format!(" // c{}  \n", self.comment()),
            27 => format!("\n  // c{}\n  ", self.comment()),
            28 => format!("\n\n// c{}\r\n\n", self.comment()),
            29 => format!(" /* c{}\r\n   more // not a line comment */ ", self.comment()),
            30 => format!("/* c{} */", self.comment()),
            _ => format!("\n/* c{} */ /* c{} */\n", self.comment(), self.comment()),
        };
        self.out.push_str(&text);
    }

    /// Between two items (or after `{` before the first): may hold a `consentc:allow`
    /// directive where it means something, on its own line above an item or after one.
    fn item_gap(&mut self) {
        let b = self.choice();
        if !self.compact && b.is_multiple_of(12) {
            let code = DIRECTIVE_CODES[(b / 12) as usize % DIRECTIVE_CODES.len()];
            let n = self.comment();
            if b.is_multiple_of(24) {
                self.out
                    .push_str(&format!("\n  // consentc:allow({code}, reason = \"r{n}\")\n"));
            } else {
                self.out
                    .push_str(&format!(" // consentc:allow({code}, reason = \"r{n}\")\n"));
            }
            return;
        }
        self.gap(true);
    }

    fn items(&mut self, items: &[GItem]) {
        for item in items {
            self.item_gap();
            self.item(item);
            if self.choice().is_multiple_of(4) {
                self.gap(false);
                self.out.push(';');
            }
        }
    }

    fn item(&mut self, item: &GItem) {
        match item {
            GItem::Assign(key, value) => self.assignment(key, value),
            GItem::Block {
                kind,
                name,
                options,
                items,
            } => {
                self.out.push_str(kind);
                if let Some(name) = name {
                    self.gap(true);
                    self.out.push_str(name);
                }
                let empty_parens = options.is_empty() && self.choice().is_multiple_of(16);
                if !options.is_empty() || empty_parens {
                    self.gap(false);
                    self.out.push('(');
                    for (i, (key, value)) in options.iter().enumerate() {
                        self.gap(false);
                        if i > 0 {
                            self.out.push(',');
                            self.gap(false);
                        }
                        self.assignment(key, value);
                    }
                    self.trailing_comma(!options.is_empty());
                    self.gap(false);
                    self.out.push(')');
                }
                self.gap(false);
                self.out.push('{');
                self.items(items);
                self.gap(false);
                self.out.push('}');
            }
        }
    }

    fn trailing_comma(&mut self, allowed: bool) {
        if allowed && self.choice().is_multiple_of(3) {
            self.gap(false);
            self.out.push(',');
        }
    }

    fn assignment(&mut self, key: &str, value: &GValue) {
        self.out.push_str(key);
        self.gap(false);
        self.out.push('=');
        self.gap(false);
        self.value(value);
    }

    fn value(&mut self, value: &GValue) {
        match value {
            GValue::Str(s) => self.string(s),
            GValue::Int(n) => {
                if self.choice().is_multiple_of(8) {
                    self.out.push('0');
                }
                self.out.push_str(&n.to_string());
            }
            GValue::Dur(n, unit) => {
                self.out.push_str(&n.to_string());
                self.gap(true);
                self.out.push_str(unit);
            }
            GValue::Path(p) => self.out.push_str(p),
            GValue::List(items, except) => {
                self.list(items);
                if let Some(except) = except {
                    self.gap(false);
                    self.out.push_str("except");
                    self.gap(false);
                    self.list(except);
                }
            }
        }
    }

    fn list(&mut self, items: &[GValue]) {
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            self.gap(false);
            if i > 0 {
                self.out.push(',');
                self.gap(false);
            }
            self.value(item);
        }
        self.trailing_comma(!items.is_empty());
        self.gap(false);
        self.out.push(']');
    }

    fn string(&mut self, s: &str) {
        self.out.push('"');
        for ch in s.chars() {
            let b = self.choice();
            match ch {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' if b.is_multiple_of(2) => self.out.push_str("\\n"),
                '\t' if b.is_multiple_of(2) => self.out.push_str("\\t"),
                // Raw control characters other than tab are refused even in strings.
                c if c.is_control() && c != '\t' => self.out.push_str(&format!("\\u{{{:X}}}", c as u32)),
                c if b % 8 == 1 => self.out.push_str(&format!("\\u{{{:06x}}}", c as u32)),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
}

fn render(items: &[GItem], seed: &[u8], compact: bool, bom: bool) -> String {
    let mut r = Render {
        seed,
        at: 0,
        compact,
        comments: 0,
        out: String::new(),
    };
    if bom {
        r.out.push('\u{feff}');
    }
    r.items(items);
    r.gap(false);
    r.out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_policies_format_well(
        items in g_file(),
        seed in prop::collection::vec(any::<u8>(), 1..64),
        compact in prop::bool::weighted(0.2),
        bom in prop::bool::weighted(0.1),
    ) {
        let text = render(&items, &seed, compact, bom);
        let decoded = decode(text.as_bytes()).expect("utf-8");
        if let Err(d) = consentc::syntax::parse(FileId(0), &decoded) {
            panic!("the generator wrote a file that does not parse ({}):\n{text}", d.message);
        }
        assert_formats_well("generated.policy", &text);
    }
}

// The command.

fn consentc(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run consentc")
}

const MESSY: &str = "policy a{title=\"A\";jurisdictions=[eu,uk,]   // where\n\n\n}\n";
const TIDY: &str = "policy b {\n  title = \"B\"\n}\n";

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn fmt_check_lists_what_would_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(policies.join("nested")).unwrap();
    std::fs::write(policies.join("messy.policy"), MESSY).unwrap();
    std::fs::write(policies.join("nested/tidy.policy"), TIDY).unwrap();
    std::fs::write(policies.join(".hidden.policy"), MESSY).unwrap();

    // Default paths: `policies/`.
    let out = consentc(dir.path(), &["fmt", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "policies/messy.policy\n");
    assert_eq!(std::fs::read_to_string(policies.join("messy.policy")).unwrap(), MESSY);

    let out = consentc(dir.path(), &["fmt", "--check", "policies/nested"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
}

#[test]
fn fmt_rewrites_changed_files_and_reports_the_ones_that_do_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.policy");
    let tidy = dir.path().join("tidy.policy");
    let broken = dir.path().join("broken.policy");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    std::fs::write(&broken, "policy c { title: \"C\" }\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&messy, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let tidy_modified = std::fs::metadata(&tidy).unwrap().modified().unwrap();

    let out = consentc(dir.path(), &["fmt", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("CP0001") && stderr.contains("broken.policy"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "policy a {\n  title = \"A\"\n  jurisdictions = [eu, uk] // where\n}\n"
    );
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "policy c { title: \"C\" }\n");
    assert_eq!(
        std::fs::metadata(&tidy).unwrap().modified().unwrap(),
        tidy_modified,
        "unchanged files are not rewritten"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&messy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "the rewrite keeps the file's permissions");
    }
    assert_eq!(
        names_in(dir.path()),
        ["broken.policy", "messy.policy", "tidy.policy"],
        "no temporary files left"
    );

    // A link to a policy: the file it points to is rewritten, the link stays a link.
    #[cfg(unix)]
    {
        let elsewhere = tempfile::tempdir().unwrap();
        let real = elsewhere.path().join("real.policy");
        std::fs::write(&real, MESSY).unwrap();
        let link = dir.path().join("link.policy");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let out = consentc(dir.path(), &["fmt", "link.policy"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(
            std::fs::read_to_string(&real).unwrap(),
            std::fs::read_to_string(&messy).unwrap()
        );
        std::fs::remove_file(&link).unwrap();
    }

    std::fs::remove_file(&broken).unwrap();
    let out = consentc(dir.path(), &["fmt", "--check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = consentc(dir.path(), &["fmt", "missing.policy"]);
    assert_eq!(out.status.code(), Some(2));
}
