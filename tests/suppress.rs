//! `// consentc:allow(CODE, reason = "...")` comments.

fn codes(text: &str) -> Vec<(String, usize)> {
    let checked = consentc::check_sources(vec![("t.policy".to_owned(), text.as_bytes().to_vec())]);
    checked
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.primary_span().expect("span");
            (
                d.code.to_string(),
                checked.sources.get(span.file).line_col(span.start).line,
            )
        })
        .collect()
}

fn policy(before_purpose: &str, pages: &str) -> String {
    format!(
        r#"policy docs {{
  title = "Docs"
  intercom {{
    app_id = "abc123xy"
    region = eu
    transfer = dpf
    load = when_granted
    {pages}
    audience_rules = applied
    retention {{ conversations = 12 months; users = 12 months; visitors = 6 months }}
  }}
{before_purpose}
  purpose support {{
    title = "Support chat"
    description = "Chat with our team."
    basis = consent
    features = [intercom.messenger]
  }}
  cmp klaro {{ support = "support" }}
}}
"#
    )
}

#[test]
fn without_an_allow_the_warning_shows() {
    assert_eq!(codes(&policy("", "")), vec![("CP0401".to_owned(), 17)]);
}

#[test]
fn an_allow_with_a_reason_silences_that_warning_in_that_declaration() {
    let text = policy(
        "  // consentc:allow(CP0401, reason = \"support is the whole site\")",
        "",
    );
    assert_eq!(codes(&text), vec![]);
}

#[test]
fn comment_lines_between_the_allow_and_the_declaration_are_skipped() {
    let text = policy(
        "  // consentc:allow(CP0401, reason = \"support is the whole site\")\n  // reviewed by the DPO",
        "",
    );
    assert_eq!(codes(&text), vec![]);
}

#[test]
fn an_allow_of_another_code_silences_nothing_and_says_so() {
    let text = policy("  // consentc:allow(CP0402, reason = \"kept elsewhere\")", "");
    let found = codes(&text);
    assert!(found.contains(&("CP0401".to_owned(), 17)), "{found:?}");
    assert!(found.contains(&("CP0410".to_owned(), 12)), "{found:?}");
}

#[test]
fn an_allow_that_no_longer_applies_is_a_warning() {
    let text = policy(
        "  // consentc:allow(CP0401, reason = \"support is the whole site\")",
        "pages = [\"/help/**\"]",
    );
    assert_eq!(codes(&text), vec![("CP0410".to_owned(), 12)]);
}

#[test]
fn the_reason_is_required_and_errors_cannot_be_allowed() {
    let found = codes(&policy("  // consentc:allow(CP0401)", ""));
    assert!(found.contains(&("CP0103".to_owned(), 12)), "{found:?}");
    assert!(
        found.contains(&("CP0401".to_owned(), 17)),
        "the malformed allow silences nothing: {found:?}"
    );
    let found = codes(&policy("  // consentc:allow(CP0201, reason = \"I know\")", ""));
    assert!(found.contains(&("CP0103".to_owned(), 12)), "{found:?}");
}

#[test]
fn allow_markers_inside_strings_are_text() {
    let text = policy("", "").replace("title = \"Docs\"", "title = \"// consentc:allow(CP0401)\"");
    assert_eq!(codes(&text), vec![("CP0401".to_owned(), 17)]);
}
