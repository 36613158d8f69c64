//! `consentc lsp`, spoken to as an editor would: a conversation that opens, edits and closes
//! files and checks every kind of response with exact ranges (UTF-16 columns, on a line with
//! umlauts and an emoji), and bad input that must neither crash nor hang the server.
#![cfg(feature = "lsp")]

#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::path::Path;

use lsp_client::{uri, Client};
use serde_json::{json, Value};

const SITE: &str = include_str!("lsp/site.policy");
const DE: &str = include_str!("lsp/de.policy");
const BIN: &str = env!("CARGO_BIN_EXE_consentc");
const EXPLAIN: &str = "https://consentc.test/codes/{code}.md";

/// A workspace with `policies/site.policy` and `policies/de.policy` (a translation), and a
/// fixture directory that must stay out of the compile set.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("policies")).expect("policies");
    std::fs::create_dir_all(dir.path().join("fixtures")).expect("fixtures");
    std::fs::write(dir.path().join("policies/site.policy"), SITE).expect("site");
    std::fs::write(dir.path().join("policies/de.policy"), DE).expect("de");
    std::fs::write(dir.path().join("fixtures/broken.policy"), "policy {").expect("fixture");
    dir
}

fn start(dir: &Path, options: Value) -> Client {
    let mut client = Client::start(BIN, dir);
    client.initialize(&uri(dir), options);
    client
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn find<'a>(published: &'a Value, code: &str) -> &'a Value {
    published["diagnostics"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["code"] == code))
        .unwrap_or_else(|| panic!("no {code} in {published}"))
}

/// `text` with one LSP text edit applied (UTF-16 positions).
fn apply(text: &str, edit: &Value) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().expect("line") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        let mut at = start;
        for c in text[start..].chars() {
            if units >= p["character"].as_u64().expect("character") as usize {
                break;
            }
            units += c.len_utf16();
            at += c.len_utf8();
        }
        at
    };
    let (start, end) = (offset(&edit["range"]["start"]), offset(&edit["range"]["end"]));
    format!(
        "{}{}{}",
        &text[..start],
        edit["newText"].as_str().expect("newText"),
        &text[end..]
    )
}

fn labels(items: &Value) -> Vec<String> {
    items["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["label"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn diagnostics_fixes_and_navigation() {
    let dir = workspace();
    let site = uri(&dir.path().join("policies/site.policy"));
    let de = uri(&dir.path().join("policies/de.policy"));
    let mut client = start(dir.path(), json!({"debounceMs": 0, "explainUrl": EXPLAIN}));
    let init = client.request("initialize", json!({}));
    assert_eq!(init["error"]["code"], -32600, "a second initialize is refused: {init}");

    // Opening a file checks the compile set: policies/ and the open documents, not fixtures/.
    client.open(&site, SITE);
    let published = client.diagnostics_at(&site, 1);
    assert_eq!(codes(&published), ["CP0413", "CP0101", "CP0201", "CP0407", "CP0414"]);
    assert_eq!(published["version"], 1);

    // `basis = consnt` after `"Hilfe für Kunden 😀"`: the emoji is two UTF-16 units.
    let unknown = find(&published, "CP0101");
    assert_eq!(unknown["range"], range(13, 82, 13, 88));
    assert_eq!(unknown["severity"], 1);
    assert_eq!(unknown["source"], "consentc");
    assert_eq!(
        unknown["codeDescription"]["href"],
        "https://consentc.test/codes/CP0101.md"
    );
    assert_eq!(
        unknown["message"],
        "unknown value `consnt` for `basis`: not a known value\nhelp: did you mean `consent`? `basis` is one of `consent`, `legitimate_interest` or `contract`"
    );
    let warning = find(&published, "CP0407");
    assert_eq!(warning["severity"], 2);

    // CP0201: the second mapping is the range, the first one related information.
    let overlap = find(&published, "CP0201").clone();
    assert_eq!(overlap["range"], range(27, 16, 27, 40));
    assert_eq!(overlap["relatedInformation"][0]["location"]["uri"], json!(site));
    assert_eq!(
        overlap["relatedInformation"][0]["location"]["range"],
        range(20, 16, 20, 35)
    );
    assert_eq!(
        overlap["relatedInformation"][0]["message"],
        "first mapped here, by `analytics`"
    );

    // Quick fix: did you mean.
    let actions = client.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": site}, "range": unknown["range"], "context": {"diagnostics": [unknown]}}),
    );
    assert_eq!(actions.as_array().map(Vec::len), Some(1), "{actions}");
    assert_eq!(actions[0]["title"], "Replace `consnt` with `consent`");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(
        actions[0]["edit"]["changes"][&site],
        json!([{"range": range(13, 82, 13, 88), "newText": "consent"}])
    );

    // Quick fixes for CP0201: remove either mapping, or narrow the group with `except`.
    let actions = client.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": site}, "range": overlap["range"], "context": {"diagnostics": [overlap]}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Remove `intercom.tracking.events` from `onboarding`",
            "Remove `intercom.tracking.*` from `analytics`",
            "Add `except [intercom.tracking.events]` to `analytics`",
        ]
    );
    assert_eq!(
        actions[0]["edit"]["changes"][&site],
        json!([{"range": range(27, 16, 27, 42), "newText": ""}])
    );
    assert_eq!(
        actions[2]["edit"]["changes"][&site],
        json!([{"range": range(20, 36, 20, 36), "newText": " except [intercom.tracking.events]"}])
    );

    // Each fix, applied, leaves a policy without the overlap.
    for action in actions.as_array().expect("actions") {
        let edit = &action["edit"]["changes"][&site][0];
        let applied = apply(SITE, edit);
        let checked = consentc::check_sources(vec![("site.policy".into(), applied.into_bytes())]);
        assert!(
            checked.diagnostics.iter().all(|d| d.code.as_str() != "CP0201"),
            "{}: {:?}",
            action["title"],
            checked.diagnostics
        );
    }

    // Hover: a feature path, a CMP, a CMP value, a purpose in a cmp block, a code in a comment.
    let hover = client.call("textDocument/hover", at(&site, 14, 40));
    assert_eq!(hover["range"], range(14, 36, 14, 56));
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(text.starts_with("**`intercom.help_center`**"), "{text}");
    assert!(
        text.contains("Articles searched and read inside the messenger."),
        "{text}"
    );
    assert!(text.contains("requires `intercom.messenger`"), "{text}");
    let hover = client.call("textDocument/hover", at(&site, 30, 8));
    assert_eq!(hover["range"], range(30, 6, 30, 15));
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .contains("necessary, preferences, statistics, marketing"));
    let hover = client.call("textDocument/hover", at(&site, 30, 55));
    assert_eq!(hover["range"], range(30, 53, 30, 63));
    assert_eq!(
        hover["contents"]["value"],
        "`statistics`: a Cookiebot category; visitors can refuse it."
    );
    let hover = client.call("textDocument/hover", at(&site, 30, 19));
    assert_eq!(hover["range"], range(30, 18, 30, 25));
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(text.starts_with("**purpose `support`** of policy `shop`"), "{text}");
    assert!(text.contains("- `title` = \"Hilfe für Kunden 😀\""), "{text}");

    // Definition and references: a cmp entry and a translation lead to the purpose.
    let definition = client.call("textDocument/definition", at(&site, 30, 19));
    assert_eq!(definition, json!([{"uri": site, "range": range(13, 10, 13, 17)}]));
    let definition = client.call("textDocument/definition", at(&de, 1, 12));
    assert_eq!(definition, json!([{"uri": site, "range": range(13, 10, 13, 17)}]));
    let references = client.call(
        "textDocument/references",
        json!({"textDocument": {"uri": site}, "position": {"line": 13, "character": 12}, "context": {"includeDeclaration": true}}),
    );
    let mut found: Vec<(String, Value)> = references
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| (l["uri"].as_str().unwrap_or("").to_owned(), l["range"].clone()))
        .collect();
    found.sort_by_key(|(u, r)| (u.clone(), r.to_string()));
    assert_eq!(
        found,
        [
            (de.clone(), range(1, 10, 1, 17)),
            (site.clone(), range(13, 10, 13, 17)),
            (site.clone(), range(30, 18, 30, 25)),
        ]
    );

    // Document symbols: blocks with their keys, ranges to the closing brace.
    let symbols = client.call("textDocument/documentSymbol", json!({"textDocument": {"uri": site}}));
    assert_eq!(symbols[0]["name"], "policy shop");
    assert_eq!(symbols[0]["range"], range(0, 0, 31, 1));
    assert_eq!(symbols[0]["selectionRange"], range(0, 7, 0, 11));
    let children: Vec<&str> = symbols[0]["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        children,
        [
            "title",
            "languages",
            "intercom",
            "purpose support",
            "purpose analytics",
            "purpose onboarding",
            "cmp cookiebot"
        ]
    );

    // Formatting: the whole document, in fmt's layout.
    let edits = client.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": site}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["range"], range(0, 0, 32, 0));
    let formatted = consentc::fmt::format_source(SITE).expect("formats");
    assert_eq!(edits[0]["newText"], json!(formatted));
    assert!(formatted.contains("  purpose support {\n    title = \"Hilfe für Kunden 😀\"\n"));

    // An edit that fixes the typo: the new version's diagnostics no longer have CP0101.
    let fixed = SITE.replace("consnt", "consent");
    client.change(&site, 2, &fixed);
    let published = client.diagnostics_at(&site, 2);
    assert_eq!(published["version"], 2);
    assert_eq!(codes(&published), ["CP0413", "CP0201", "CP0407", "CP0414"]);
    // Fixes computed for version 1 are not offered for version 2.
    let stale = client.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": site}, "range": unknown["range"], "context": {"diagnostics": [unknown]}}),
    );
    assert_eq!(stale, json!([]));

    // A new open document in policies/ joins the compile set: a second `policy shop` is CP0102
    // across files.
    let dup = uri(&dir.path().join("policies/dup.policy"));
    client.open(&dup, "policy shop {\n  title = \"Again\"\n}\n");
    let published = client.diagnostics(&dup);
    assert!(codes(&published).contains(&"CP0102".to_owned()), "{published}");
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": dup}}));
    let published = client.diagnostics(&dup);
    assert_eq!(
        published["diagnostics"],
        json!([]),
        "a closed file outside the set is cleared"
    );

    // Closing the site goes back to the file on disk, typo included.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": site}}));
    let published = client.diagnostics(&site);
    assert!(codes(&published).contains(&"CP0101".to_owned()));
    assert_eq!(published["version"], Value::Null);

    // Nothing was ever published for the fixtures.
    client.forget();
    assert_eq!(client.call("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(0));
}

#[test]
fn completion_by_context() {
    let dir = workspace();
    let site = uri(&dir.path().join("policies/site.policy"));
    let mut client = start(dir.path(), json!({"debounceMs": 0}));
    let text = "policy shop {\n  title = \"Grüße 😀\"; \n  purpose support {\n    basis = \n    features = [intercom.tr]\n  }\n  cmp \n  cmp cookiebot { s = pr }\n  purpose later { }\n}\n// see CP0201\n";
    client.open(&site, text);

    // A key of a policy after `"Grüße 😀"; `: keys and nested blocks.
    let items = client.call("textDocument/completion", at(&site, 1, 22));
    let got = labels(&items);
    for want in [
        "title",
        "jurisdictions",
        "languages",
        "intercom",
        "purpose",
        "cmp",
        "text",
        "banner",
        "controller",
    ] {
        assert!(got.contains(&want.to_owned()), "{want} in {got:?}");
    }
    let title = &items["items"][0];
    assert_eq!(
        title["textEdit"],
        json!({"range": range(1, 22, 1, 22), "newText": "title = "})
    );

    // `basis = `: the legal bases.
    let items = client.call("textDocument/completion", at(&site, 3, 12));
    assert_eq!(labels(&items), ["consent", "legitimate_interest", "contract"]);

    // `intercom.tr|`: feature paths, replacing what is typed.
    let items = client.call("textDocument/completion", at(&site, 4, 27));
    let got = labels(&items);
    assert!(got.contains(&"intercom.tracking.events".to_owned()), "{got:?}");
    assert!(got.contains(&"intercom.tracking.*".to_owned()), "{got:?}");
    let events = items["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["label"] == "intercom.tracking.events"))
        .expect("events");
    assert_eq!(events["textEdit"]["range"], range(4, 16, 4, 27));
    assert_eq!(events["detail"], "`trackEvent` calls from the page.");

    // `cmp |`: the CMPs.
    let items = client.call("textDocument/completion", at(&site, 6, 6));
    let got = labels(&items);
    assert!(
        got.contains(&"cookiebot".to_owned()) && got.contains(&"onetrust".to_owned()),
        "{got:?}"
    );

    // A key in a cmp block: the policy's purposes, including one defined after the block.
    let items = client.call("textDocument/completion", at(&site, 7, 19));
    assert_eq!(labels(&items), ["support", "later"]);
    // A value in `cmp cookiebot`: its categories.
    let items = client.call("textDocument/completion", at(&site, 7, 24));
    assert_eq!(labels(&items), ["necessary", "preferences", "statistics", "marketing"]);
    assert_eq!(items["items"][0]["detail"], "Cookiebot: cannot be refused");

    // Hover on a code in a comment: its explanation.
    let hover = client.call("textDocument/hover", at(&site, 10, 9));
    assert_eq!(hover["range"], range(10, 7, 10, 13));
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        text.starts_with("**CP0201** (error): a feature falls under two purposes"),
        "{text}"
    );
    assert!(text.contains("# CP0201"), "the explain page follows: {text}");
}

#[test]
fn bad_input_neither_crashes_nor_hangs() {
    let dir = workspace();
    let mut client = Client::start(BIN, dir.path());

    // Before initialize, requests are refused; a notification is ignored.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    client.initialize(&uri(dir.path()), json!({"debounceMs": 0}));

    // Not JSON, and JSON that is not JSON-RPC: errors with a null id, and the server goes on.
    client.write_raw(b"Content-Length: 9\r\n\r\n{not json");
    let error = client.wait_for(|m| m["id"].is_null() && m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32700);
    client.write_raw(b"Content-Length: 12\r\n\r\n{\"hello\": 1}");
    let error = client.wait_for(|m| m["id"].is_null() && m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32600);

    // An unknown method, a known one with bad parameters, an unknown notification.
    let unknown = client.request("textDocument/semanticTokens/full", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let bad = client.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(bad["error"]["code"], -32602);
    client.notify("$/somethingNew", json!({"x": [1, 2]}));
    let missing = client.request("textDocument/hover", at("file:///nowhere/x.policy", 0, 0));
    assert_eq!(missing["error"]["code"], -32602);

    // A file outside the workspace is checked on its own.
    let outside_dir = tempfile::tempdir().expect("temp dir");
    let outside = uri(&outside_dir.path().join("elsewhere.policy"));
    client.open(
        &outside,
        "policy shop {\n  title = \"Elsewhere\"\n  purpose x { basis = consent; features = [intercom.fin] }\n}\n",
    );
    let published = client.diagnostics(&outside);
    assert!(
        !codes(&published).contains(&"CP0102".to_owned()),
        "not in the workspace's set: {published}"
    );
    let hover = client.call("textDocument/hover", at(&outside, 2, 48));
    assert!(
        hover["contents"]["value"].as_str().unwrap_or("").contains("AI agent"),
        "{hover}"
    );

    // A file over the 1 MiB limit, and one just under it full of one long comment.
    let big = uri(&dir.path().join("policies/big.policy"));
    let huge = format!("policy big {{\n  title = \"{}\"\n}}\n", "ü".repeat(600 * 1024));
    client.open(&big, &huge);
    let published = client.diagnostics(&big);
    assert_eq!(
        codes(&published),
        ["CP0001"],
        "{}",
        published.to_string().chars().take(400).collect::<String>()
    );
    let long = format!("// {}\npolicy big {{ title = \"x\" }}\n", "x".repeat(1024 * 1024 - 100));
    client.change(&big, 2, &long);
    client.diagnostics(&big);
    let items = client.call("textDocument/completion", at(&big, 1, 13));
    assert!(!labels(&items).is_empty());
    let symbols = client.call("textDocument/documentSymbol", json!({"textDocument": {"uri": big}}));
    assert_eq!(symbols[0]["name"], "policy big");

    // A position past the end, a line past the end.
    let hover = client.call("textDocument/hover", at(&big, 99, 99));
    assert_eq!(hover, Value::Null);

    // A message over the size limit is skipped and answered; the next one is served.
    client.write_raw(format!("Content-Length: {}\r\n\r\n", 17 * 1024 * 1024).as_bytes());
    client.write_raw(&vec![b' '; 17 * 1024 * 1024]);
    let error = client.wait_for(|m| m["id"].is_null() && m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32600);
    let symbols = client.call("textDocument/documentSymbol", json!({"textDocument": {"uri": big}}));
    assert_eq!(symbols[0]["name"], "policy big");

    // The client goes away without shutdown: the server ends, with 1.
    client.hang_up();
    assert_eq!(client.exit_code(), Some(1));
}

#[test]
fn exit_without_shutdown_and_broken_framing_end_the_server() {
    let dir = workspace();
    let mut client = start(dir.path(), json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1));

    let mut client = start(dir.path(), json!({}));
    client.write_raw(b"this is no header\r\n\r\n");
    assert_eq!(client.exit_code(), Some(1));
}

#[test]
fn initialization_paths_name_the_compile_set() {
    let dir = workspace();
    let fixture = uri(&dir.path().join("fixtures/broken.policy"));
    let site = uri(&dir.path().join("policies/site.policy"));
    // `paths` names fixtures/ only: its file is checked (and published) without being open,
    // and policies/ is not read.
    let mut client = start(dir.path(), json!({"debounceMs": 0, "paths": ["fixtures"]}));
    let published = client.diagnostics(&fixture);
    assert_eq!(codes(&published), ["CP0001"]);
    client.open(&site, "policy solo {\n  title = \"x\"\n}\n");
    let published = client.diagnostics(&site);
    assert!(!codes(&published).contains(&"CP0102".to_owned()));
}

#[test]
fn changes_within_the_debounce_are_checked_once() {
    let dir = workspace();
    let site = uri(&dir.path().join("policies/site.policy"));
    // A long debounce: the three edits below are sent long before it ends, so only the last
    // one is checked. (No time is measured; the debounce only has to outlast three writes.)
    let mut client = start(dir.path(), json!({"debounceMs": 5000}));
    client.open(&site, SITE);
    client.change(&site, 2, &SITE.replace("consnt", "consent"));
    client.change(&site, 3, SITE);
    client.change(&site, 4, &SITE.replace("consnt", "consent"));
    let published = client.diagnostics(&site);
    assert_eq!(published["version"], 4, "{published}");
    assert!(!codes(&published).contains(&"CP0101".to_owned()));
}
