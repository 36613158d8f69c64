//! The parser on its own: every syntax construct through `consentc::syntax::parse`, with the
//! tree it builds and the spans it records.

use consentc::diagnostics::{Code, Diagnostic};
use consentc::source::{decode, FileId, SourceFile, Span};
use consentc::syntax::ast::{Assignment, Block, File, Item, Path, UnitWord, Value, ValueKind};
use proptest::prelude::*;

const FILE: FileId = FileId(0);

fn parse(text: &str) -> File {
    consentc::syntax::parse(FILE, text).unwrap_or_else(|d| panic!("{text:?} does not parse: {}", d.message))
}

fn error(text: &str) -> Box<Diagnostic> {
    match consentc::syntax::parse(FILE, text) {
        Ok(tree) => panic!("{text:?} parses: {tree:?}"),
        Err(d) => d,
    }
}

fn span(start: usize, end: usize) -> Span {
    Span::new(FILE, start, end)
}

fn block(item: &Item) -> &Block {
    match item {
        Item::Block(b) => b,
        Item::Assignment(a) => panic!("expected a block, found `{}`", a.key.name),
    }
}

fn assignment(item: &Item) -> &Assignment {
    match item {
        Item::Assignment(a) => a,
        Item::Block(b) => panic!("expected an assignment, found block `{}`", b.kind.name),
    }
}

/// The value of the only assignment in `key = <value>`.
fn value_of(value: &str) -> Value {
    let text = format!("key = {value}");
    let tree = parse(&text);
    assert_eq!(tree.items.len(), 1, "{text}");
    let a = assignment(&tree.items[0]);
    assert_eq!(a.value.span, span(6, text.len()), "the value spans `{value}`");
    a.value.clone()
}

fn path(dotted: &str, wildcard: bool) -> ValueKind {
    ValueKind::Path(Path {
        segments: dotted.split('.').map(str::to_owned).collect(),
        wildcard,
    })
}

fn string(value: &str) -> String {
    match value_of(value).kind {
        ValueKind::String(s) => s,
        other => panic!("{value} is {other:?}"),
    }
}

#[test]
fn an_empty_file_and_comments_only_are_empty_trees() {
    assert!(parse("").items.is_empty());
    assert!(parse("  \n\t\n").items.is_empty());
    assert!(parse("// a line comment\n/* a block\n comment */").items.is_empty());
    assert!(parse("// no line end at the end of the file").items.is_empty());
}

#[test]
fn blocks_have_a_kind_an_optional_name_options_and_items() {
    let text = "policy shop {\n  retention { users = 12 months }\n}";
    let tree = parse(text);
    let policy = block(&tree.items[0]);
    assert_eq!(policy.kind.name, "policy");
    assert_eq!(policy.kind.span, span(0, 6));
    let name = policy.name.as_ref().expect("a name");
    assert_eq!(name.name, "shop");
    assert_eq!(name.span, span(7, 11));
    assert_eq!(policy.head_span(), span(0, 11));
    assert_eq!(policy.span, span(0, text.len()));
    assert!(policy.options.is_empty());
    let retention = block(&policy.items[0]);
    assert_eq!(retention.kind.name, "retention");
    assert_eq!(retention.name, None);
    assert_eq!(retention.head_span(), retention.kind.span);

    let tree = parse(r#"cmp didomi(vendor = "c:intercom-XyZ", always_active = ["a", "b"],) { support = "s" }"#);
    let cmp = block(&tree.items[0]);
    assert_eq!(cmp.name.as_ref().map(|n| n.name.as_str()), Some("didomi"));
    let options: Vec<&str> = cmp.options.iter().map(|o| o.key.name.as_str()).collect();
    assert_eq!(options, ["vendor", "always_active"]);
    assert_eq!(cmp.options[0].value.kind, ValueKind::String("c:intercom-XyZ".into()));
    assert_eq!(assignment(&cmp.items[0]).key.name, "support");

    // Options without a name, empty options, an empty block.
    let tree = parse("facade() {}\nx {}");
    assert!(block(&tree.items[0]).options.is_empty());
    assert!(block(&tree.items[1]).items.is_empty());
}

#[test]
fn assignments_record_key_value_and_spans() {
    let tree = parse("title = \"Shop\"");
    let a = assignment(&tree.items[0]);
    assert_eq!(a.key.name, "title");
    assert_eq!(a.key.span, span(0, 5));
    assert_eq!(a.value.span, span(8, 14));
    assert_eq!(a.span, span(0, 14));
    assert_eq!(a.value.kind, ValueKind::String("Shop".into()));
    assert_eq!(a.value.as_str(), Some("Shop"));
}

#[test]
fn identifiers_and_paths() {
    assert_eq!(value_of("eu").kind, path("eu", false));
    assert_eq!(value_of("eu").as_ident(), Some("eu"));
    assert_eq!(value_of("a_1").kind, path("a_1", false));
    assert_eq!(
        value_of("intercom.tracking.page_views").kind,
        path("intercom.tracking.page_views", false)
    );
    assert_eq!(value_of("intercom.tracking.page_views").as_ident(), None);
    assert_eq!(value_of("intercom.tracking.*").kind, path("intercom.tracking", true));
    assert_eq!(value_of("intercom.*").kind, path("intercom", true));
    let ValueKind::Path(p) = value_of("intercom.tracking.*").kind else {
        unreachable!()
    };
    assert_eq!(p.to_string(), "intercom.tracking.*");
    assert_eq!(p.dotted(), "intercom.tracking");
    // Keywords are keywords only where the grammar expects them.
    assert_eq!(value_of("except").kind, path("except", false));
    assert_eq!(value_of("days").kind, path("days", false));
    assert_eq!(value_of("policy").kind, path("policy", false));
}

#[test]
fn paths_are_one_token() {
    for text in [
        "key = intercom. tracking",
        "key = intercom .tracking",
        "key = intercom.*.events",
        "key = a..b",
    ] {
        assert_eq!(error(text).code, Code::CP0001, "{text}");
    }
}

#[test]
fn integers_fit_in_32_bits() {
    assert_eq!(value_of("0").kind, ValueKind::Integer(0));
    assert_eq!(value_of("42").kind, ValueKind::Integer(42));
    assert_eq!(value_of("4294967295").kind, ValueKind::Integer(u32::MAX));
    assert_eq!(value_of("007").kind, ValueKind::Integer(7));
    let d = error("key = 4294967296");
    assert_eq!(d.code, Code::CP0001);
    assert_eq!(d.primary_span(), Some(span(6, 16)));
    assert!(d.message.contains("32 bits"), "{}", d.message);
    let d = error("key = 99999999999999999999999999999999 days");
    assert_eq!(d.primary_span(), Some(span(6, 38)));
    assert_eq!(error("key = -1").code, Code::CP0001);
    assert_eq!(error("key = 12abc").code, Code::CP0001);
}

#[test]
fn durations_in_every_unit() {
    for (text, amount, unit) in [
        ("1 day", 1, UnitWord::Day),
        ("90 days", 90, UnitWord::Day),
        ("1 week", 1, UnitWord::Week),
        ("52 weeks", 52, UnitWord::Week),
        ("1 month", 1, UnitWord::Month),
        ("24 months", 24, UnitWord::Month),
        ("1 year", 1, UnitWord::Year),
        ("3 years", 3, UnitWord::Year),
    ] {
        let ValueKind::Duration(d) = value_of(text).kind else {
            panic!("{text} is not a duration")
        };
        assert_eq!((d.amount, d.unit), (amount, unit), "{text}");
        assert_eq!(d.to_string(), text);
    }
    // Line ends and comments may separate the amount from the unit.
    let tree = parse("key = 12 /* twelve */\n months");
    assert!(matches!(assignment(&tree.items[0]).value.kind, ValueKind::Duration(_)));
    // A unit needs its whole word.
    assert_eq!(error("key = 3 dayz").code, Code::CP0001);
}

#[test]
fn a_key_named_like_a_unit_after_an_integer_stays_a_key() {
    for text in [
        "x = 3\ndays = 4",
        "x = 3 days = 4",
        "x = 3; days = 4",
        "x = 3 months = 1 year",
    ] {
        let tree = parse(text);
        assert_eq!(tree.items.len(), 2, "{text}");
        let first = assignment(&tree.items[0]);
        assert_eq!(first.value.kind, ValueKind::Integer(3), "{text}");
        let second = assignment(&tree.items[1]);
        assert!(["days", "months"].contains(&second.key.name.as_str()), "{text}");
    }
    let ValueKind::Duration(d) = assignment(&parse("x = 3 months = 1 year").items[1]).value.kind else {
        panic!("`months = 1 year` holds a duration")
    };
    assert_eq!((d.amount, d.unit), (1, UnitWord::Year));
}

#[test]
fn strings_with_every_escape() {
    assert_eq!(string(r#""""#), "");
    assert_eq!(string(r#""plain text""#), "plain text");
    assert_eq!(string(r#""a \"quoted\" word""#), "a \"quoted\" word");
    assert_eq!(string(r#""back\\slash""#), "back\\slash");
    assert_eq!(string(r#""line\nbreak""#), "line\nbreak");
    assert_eq!(string(r#""tab\there""#), "tab\there");
    assert_eq!(string(r#""\u{e9}t\u{E9}""#), "été");
    assert_eq!(string(r#""\u{1F600}""#), "😀");
    assert_eq!(string(r#""\u{10FFFF}""#), "\u{10FFFF}");
    assert_eq!(string(r#""\u{0}""#), "\0");
    assert_eq!(
        string(r#""// not a comment /* either */""#),
        "// not a comment /* either */"
    );
    assert_eq!(string(r#""[{( not brackets""#), "[{( not brackets");
    assert_eq!(string("\"raw unicode: é 中文 👋\""), "raw unicode: é 中文 👋");
    assert_eq!(string(r#""\\\"""#), "\\\"");
}

#[test]
fn bad_strings_are_syntax_errors_at_the_right_place() {
    // (text, expected primary span)
    for (text, at) in [
        ("key = \"no end", (6, 7)),
        ("key = \"line\nbreak\"", (6, 7)),
        ("key = \"a\\qb\"", (8, 10)),
        ("key = \"\\u{D800}\"", (7, 15)),
        ("key = \"\\u{110000}\"", (7, 17)),
        ("key = \"\\u00e9\"", (7, 13)),
        ("key = \"\\u{}\"", (7, 11)),
        ("key = \"\\u{1234567}\"", (7, 18)),
        ("key = 'single'", (6, 7)),
    ] {
        let d = error(text);
        assert_eq!(d.code, Code::CP0001, "{text}");
        assert_eq!(d.primary_span(), Some(span(at.0, at.1)), "{text}: {}", d.message);
        assert!(d.help.is_some(), "{text}");
    }
}

#[test]
fn lists_with_and_without_trailing_commas() {
    let items = |text: &str| match value_of(text).kind {
        ValueKind::List { items, except: None } => items,
        other => panic!("{text} is {other:?}"),
    };
    assert!(items("[]").is_empty());
    assert!(items("[ ]").is_empty());
    assert_eq!(items("[a]").len(), 1);
    assert_eq!(items("[a, b, c]").len(), 3);
    assert_eq!(items("[a, b, c,]").len(), 3);
    assert_eq!(items("[\n  a,\n  b,\n]").len(), 2);
    let mixed = items(r#"["s", 1, 2 weeks, x.y, [z]]"#);
    let kinds: Vec<&str> = mixed.iter().map(|v| v.kind.describe()).collect();
    assert_eq!(kinds, ["a string", "an integer", "a duration", "a path", "a list"]);
    let spans: Vec<Span> = items("[ab, cd]").iter().map(|v| v.span).collect();
    assert_eq!(spans, [span(7, 9), span(11, 13)]);
    for text in ["key = [,]", "key = [a,,]", "key = [a b]", "key = [a", "key = a, b"] {
        assert_eq!(error(text).code, Code::CP0001, "{text}");
    }
}

#[test]
fn except_narrows_a_list() {
    let text = "features = [intercom.tracking.*] except [intercom.tracking.events, ]";
    let tree = parse(text);
    let v = &assignment(&tree.items[0]).value;
    assert_eq!(v.span, span(11, text.len()));
    let ValueKind::List {
        items,
        except: Some(except),
    } = &v.kind
    else {
        panic!("{v:?}")
    };
    assert_eq!(items[0].kind, path("intercom.tracking", true));
    assert_eq!(except.span, span(40, text.len()));
    let ValueKind::List { items, except: None } = &except.kind else {
        panic!("{except:?}")
    };
    assert_eq!(items[0].kind, path("intercom.tracking.events", false));
    // `except` needs a list after it, and only one.
    assert_eq!(error("key = [a] except b").code, Code::CP0001);
    assert_eq!(error("key = [a] except [b] except [c]").code, Code::CP0001);
    // `exception` is a name, not `except`.
    assert_eq!(parse("key = [a]\nexception = 1").items.len(), 2);
}

#[test]
fn semicolons_are_optional_between_items() {
    let with = parse("policy a { x = 1; y = 2; b { z = 3; }; };");
    let without = parse("policy a {\n x = 1\n y = 2\n b { z = 3 }\n}");
    let one_line = parse("policy a { x = 1 y = 2 b { z = 3 } }");
    for tree in [&with, &without, &one_line] {
        let policy = block(&tree.items[0]);
        let keys: Vec<String> = policy
            .items
            .iter()
            .map(|i| match i {
                Item::Assignment(a) => a.key.name.clone(),
                Item::Block(b) => b.kind.name.clone(),
            })
            .collect();
        assert_eq!(keys, ["x", "y", "b"]);
    }
    assert_eq!(error("policy a { x = 1;; }").code, Code::CP0001);
    assert_eq!(error("; policy a {}").code, Code::CP0001);
}

#[test]
fn comments_of_both_kinds_anywhere_between_tokens() {
    let text = "// head\npolicy /* name: */ a /* x */ { // open\n  x /* = */ = /* one */ 1 // end\n  /* multi\n line */ y = [a, /* b, */ c]\n}\n";
    let tree = parse(text);
    let policy = block(&tree.items[0]);
    assert_eq!(policy.name.as_ref().map(|n| n.name.as_str()), Some("a"));
    let x = assignment(&policy.items[0]);
    assert_eq!(x.value.kind, ValueKind::Integer(1));
    let ValueKind::List { items, .. } = &assignment(&policy.items[1]).value.kind else {
        panic!()
    };
    assert_eq!(items.len(), 2);
    // Block comments do not nest: the first `*/` ends the comment.
    assert_eq!(error("/* a /* b */ c */").code, Code::CP0001);
    let d = error("policy a {} /* never closed");
    assert_eq!(d.primary_span(), Some(span(12, 14)));
}

#[test]
fn comments_inside_lists_durations_and_except_are_not_values() {
    let tree = parse("x = [a /* 1 */, // 2\n b] /* 3 */ except /* 4 */ [c]\ny = 2 // 5\n weeks");
    let [Item::Assignment(x), Item::Assignment(y)] = &tree.items[..] else {
        panic!("two assignments: {tree:?}")
    };
    let ValueKind::List {
        items,
        except: Some(except),
    } = &x.value.kind
    else {
        panic!("a list with except: {x:?}")
    };
    assert_eq!(items.len(), 2);
    assert!(matches!(&except.kind, ValueKind::List { items, .. } if items.len() == 1));
    assert!(matches!(&y.value.kind, ValueKind::Duration(d) if d.amount == 2));
}

#[test]
fn identifiers_are_lowercase_ascii() {
    for text in [
        "Key = 1",
        "kEy = 1",
        "_key = 1",
        "1key = 1",
        "ké = 1",
        "key-name = 1",
        "key = Eu",
    ] {
        assert_eq!(error(text).code, Code::CP0001, "{text}");
    }
    let d = error("policy Shop {}");
    assert_eq!(d.primary_span(), Some(span(7, 11)));
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("lowercase")),
        "{:?}",
        d.help
    );
}

#[test]
fn syntax_errors_say_what_was_expected_in_words() {
    let d = error("policy shop {\n  title \"Shop\"\n}");
    assert_eq!(d.primary_span(), Some(span(22, 23)));
    assert!(
        d.message.starts_with("expected ") && d.message.contains("`=`"),
        "{}",
        d.message
    );
    let d = error("policy shop {\n  title: \"Shop\"\n}");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("`=`")), "{:?}", d.help);
    for text in [
        "policy {",
        "x = ",
        "x = [a",
        "policy a { x = }",
        "}",
        "policy a ( b = 1 {}",
    ] {
        let d = error(text);
        assert_eq!(d.code, Code::CP0001, "{text}");
        let lower = d.message.to_lowercase();
        assert!(
            !lower.contains("rule") && !lower.contains("eoi"),
            "{text}: {}",
            d.message
        );
        assert!(d.labels.iter().all(|l| !l.message.is_empty()), "{text}");
        assert!(d.help.is_some(), "{text}");
    }
}

#[test]
fn unbalanced_brackets_are_reported_at_the_bracket() {
    let d = error("policy a {\n  x = [a, b}\n}");
    assert_eq!(d.primary_span(), Some(span(22, 23)));
    assert!(
        d.labels.iter().any(|l| !l.primary && l.span == span(17, 18)),
        "{:?}",
        d.labels
    );
    let d = error("policy a {\n  x = 1\n");
    assert_eq!(d.primary_span(), Some(span(9, 10)));
    let d = error("policy a {}\n}");
    assert_eq!(d.primary_span(), Some(span(12, 13)));
}

#[test]
fn nesting_is_limited_before_the_parser_runs() {
    let ok = format!("x = {}{}", "[".repeat(60), "]".repeat(60));
    parse(&ok);
    let deep = format!("x = {}{}", "[".repeat(65), "]".repeat(65));
    let d = error(&deep);
    assert!(d.message.contains("nesting"), "{}", d.message);
    assert_eq!(d.primary_span(), Some(span(4 + 64, 4 + 65)));
}

#[test]
fn crlf_and_bom_are_accepted_with_spans_into_the_file_as_written() {
    let bytes = b"\xef\xbb\xbf// BOM\r\npolicy shop {\r\n  title = \"Shop\"\r\n}\r\n";
    let text = decode(bytes).expect("UTF-8");
    assert_eq!(
        text.len(),
        bytes.len(),
        "offsets in the decoded text are offsets in the file"
    );
    let tree = parse(&text);
    let policy = block(&tree.items[0]);
    let name = policy.name.as_ref().expect("a name");
    let at = |s: Span| &bytes[s.start..s.end];
    assert_eq!(at(name.span), b"shop");
    let title = assignment(&policy.items[0]);
    assert_eq!(at(title.key.span), b"title");
    assert_eq!(at(title.value.span), b"\"Shop\"");
    assert_eq!(title.value.kind, ValueKind::String("Shop".into()));
    let file = SourceFile::new("crlf.policy", text.clone());
    let lc = file.line_col(title.key.span.start);
    assert_eq!((lc.line, lc.column), (3, 3));
    // A syntax error after CRLF lines is located on its own line.
    let bytes = b"policy shop {\r\n  title \"Shop\"\r\n}\r\n";
    let text = decode(bytes).expect("UTF-8");
    let d = error(&text);
    let lc = SourceFile::new("crlf.policy", text.clone()).line_col(d.primary_span().expect("a span").start);
    assert_eq!((lc.line, lc.column), (2, 9));
}

#[test]
fn control_and_invisible_characters_are_rejected() {
    for (text, at) in [
        ("x = 1\0", 5),
        ("x = \"a\u{1b}[31m\"", 6),
        ("x = 1\r y = 2", 5),
        ("x\u{200b}y = 1", 1),
        ("x\u{202e} = 1", 1),
        ("x = 1 // \u{202e} }", 9),
        ("x = 1 /* \u{2067} */", 9),
        ("\u{feff}x = 1", 0),
    ] {
        let d = error(text);
        assert_eq!(d.code, Code::CP0001, "{text:?}");
        assert_eq!(d.primary_span().map(|s| s.start), Some(at), "{text:?}: {}", d.message);
    }
    // Tabs are whitespace; non-ASCII text is fine in strings and comments.
    parse("x =\t1 // é 中文 👋\ny = \"é 中文 👋\"");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever the text, the parser returns a tree or one CP0001 with a span inside the text,
    /// a label and a help; it never panics.
    #[test]
    fn any_text_parses_or_gets_one_located_syntax_error(
        text in proptest::string::string_regex(
            r#"([a-z_ ]|policy|purpose|intercom|\.\*|[=;,\[\]{}()"\\\n/*]|[0-9]|days|except|\u{e9}|\u{202e}|\u{0})*"#
        ).expect("regex")
    ) {
        match consentc::syntax::parse(FILE, &text) {
            Ok(_) => {}
            Err(d) => {
                prop_assert_eq!(d.code, Code::CP0001);
                let s = d.primary_span().expect("a primary span");
                prop_assert!(s.start <= s.end && s.end <= text.len(), "{:?} outside {:?}", s, text);
                prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                prop_assert!(d.labels.iter().all(|l| !l.message.is_empty()));
                prop_assert!(d.help.is_some());
            }
        }
    }
}
