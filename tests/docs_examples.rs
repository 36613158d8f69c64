//! The docs cannot lie: every ```policy block in `docs/codes/*.md` and `docs/language.md` is
//! checked here with the diagnostics it claims, every diagnostic code has a page in the fixed
//! shape, and the generated sections of `docs/language.md` (the catalogue, the code list) match
//! what the binary knows.
//!
//! Set `UPDATE_DOCS=1` to rewrite the generated sections instead of comparing them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use consentc::catalog::{self, Enforcement, NodeKind};
use consentc::diagnostics::{Code, Severity};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One fenced ```policy block of a Markdown page.
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    /// The `## ` heading the block sits under, if any.
    section: Option<String>,
    /// Codes named by an `<!-- expect: CP0201, CP0407 -->` comment on the line before the fence.
    expect: Option<BTreeSet<String>>,
    text: String,
}

/// Every ```policy block, with its section and `expect` comment. Other fences are skipped whole,
/// so a policy fence quoted inside a ```text block is not picked up.
fn policy_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut section: Option<String> = None;
    let mut previous: &str = "";
    let mut open: Option<(bool, usize, Option<BTreeSet<String>>, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim();
        if let Some((is_policy, start, expect, mut text)) = open.take() {
            if trimmed == "```" {
                if is_policy {
                    blocks.push(Block {
                        line: start,
                        section: section.clone(),
                        expect,
                        text,
                    });
                }
            } else {
                text.push_str(line);
                text.push('\n');
                open = Some((is_policy, start, expect, text));
            }
            continue;
        }
        if let Some(lang) = trimmed.strip_prefix("```") {
            let expect = previous
                .trim()
                .strip_prefix("<!-- expect:")
                .and_then(|rest| rest.strip_suffix("-->"))
                .map(|codes| {
                    codes
                        .split(',')
                        .map(|c| c.trim().to_owned())
                        .filter(|c| !c.is_empty())
                        .collect()
                });
            open = Some((lang.trim() == "policy", index + 1, expect, String::new()));
        } else if let Some(heading) = trimmed.strip_prefix("## ") {
            section = Some(heading.trim().to_owned());
        }
        if !trimmed.is_empty() {
            previous = line;
        }
    }
    assert!(open.is_none(), "an unclosed code fence");
    blocks
}

/// The diagnostics of one block checked on its own: (code, severity, message).
fn check(name: &str, text: &str) -> Vec<(String, Severity, String)> {
    let checked = consentc::check_sources(vec![(name.to_owned(), text.as_bytes().to_vec())]);
    checked
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str().to_owned(), d.severity, d.message.clone()))
        .collect()
}

fn codes_of(diagnostics: &[(String, Severity, String)]) -> BTreeSet<String> {
    diagnostics.iter().map(|(c, _, _)| c.clone()).collect()
}

fn show(diagnostics: &[(String, Severity, String)]) -> String {
    if diagnostics.is_empty() {
        return "no diagnostics".to_owned();
    }
    diagnostics
        .iter()
        .map(|(code, severity, message)| format!("{} [{code}] {message}", severity.as_str()))
        .collect::<Vec<_>>()
        .join("; ")
}

fn code_page(code: Code) -> PathBuf {
    root().join("docs/codes").join(format!("{}.md", code.as_str()))
}

#[test]
fn every_code_has_a_page_in_the_fixed_shape() {
    let mut failures = Vec::new();
    for &code in Code::ALL {
        let path = code_page(code);
        let Ok(page) = std::fs::read_to_string(&path) else {
            failures.push(format!("{code}: no page at {}", path.display()));
            continue;
        };
        let title = format!("# {}: {}", code.as_str(), code.summary());
        if page.lines().next() != Some(title.as_str()) {
            failures.push(format!("{code}: the first line must be `{title}`"));
        }
        let severity = format!("**Severity:** {}", code.severity().as_str());
        if !page.lines().any(|l| l.trim() == severity) {
            failures.push(format!("{code}: no `{severity}` line"));
        }
        let mut last = 0;
        for heading in ["## What it means", "## Why it matters", "## Example", "## Fix"] {
            match page.lines().position(|l| l.trim() == heading) {
                Some(at) if at >= last => last = at,
                Some(_) => failures.push(format!("{code}: `{heading}` is out of order")),
                None => failures.push(format!("{code}: no `{heading}` section")),
            }
        }
        let allow = format!("--allow {}", code.as_str());
        if code.severity() == Severity::Warning && !page.contains(&allow) {
            failures.push(format!(
                "{code}: a warning's page must say how to silence it (`{allow}`)"
            ));
        }
        if code.explanation() != page {
            failures.push(format!(
                "{code}: the binary's explanation differs from the page (rebuild)"
            ));
        }
    }
    // No page for a code that does not exist.
    for entry in std::fs::read_dir(root().join("docs/codes")).expect("docs/codes") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".md") {
            if !matches!(Code::parse(stem), Some(c) if c.as_str() == stem) {
                failures.push(format!("docs/codes/{name} names no diagnostic code"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Issue 14: a page that makes a legal claim (names a law, an article, a guideline or an
/// authority) ends with its sources, a `## Sources` section listing them; and the citations the
/// privacy review asked for are there.
#[test]
fn legal_pages_end_with_their_sources() {
    let legal = [
        "GDPR",
        "ePrivacy",
        "PECR",
        "EDPB",
        "CCPA",
        "Art. ",
        "Directive",
        "Guidelines",
        "CNIL",
    ];
    let mut failures = Vec::new();
    for &code in Code::ALL {
        let page = read(&code_page(code));
        let claims = legal.iter().any(|word| page.contains(word));
        let headings: Vec<&str> = page.lines().filter(|l| l.starts_with("## ")).collect();
        let sources = page.split("\n## Sources\n").nth(1).unwrap_or_default();
        if claims && headings.last() != Some(&"## Sources") {
            failures.push(format!(
                "{code}: makes a legal claim but does not end with `## Sources`"
            ));
        } else if claims && !sources.lines().any(|l| l.starts_with("- ")) {
            failures.push(format!("{code}: `## Sources` lists nothing"));
        }
    }
    for (code, citation) in [
        ("CP0203", "C-673/17"),
        ("CP0204", "C-673/17"),
        ("CP0203", "Guidelines 2/2023"),
        ("CP0204", "Guidelines 2/2023"),
        ("CP0204", "CNIL"),
        ("CP0205", "Art. 25"),
        ("CP0206", "Opinion 04/2012"),
        ("CP0207", "05/2020"),
        ("CP0415", "7025"),
    ] {
        let page = read(&root().join(format!("docs/codes/{code}.md")));
        let sources = page.split("\n## Sources\n").nth(1).unwrap_or_default();
        if !sources.contains(citation) {
            failures.push(format!("{code}: its sources do not cite {citation}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn code_page_examples_fail_and_fixes_pass() {
    let mut failures = Vec::new();
    // The audit's pages show a web page and its finding; tests/audit.rs serves and audits them.
    for &code in Code::ALL.iter().filter(|c| !c.is_audit()) {
        let Ok(page) = std::fs::read_to_string(code_page(code)) else {
            continue;
        };
        let name = format!("docs/codes/{}.md", code.as_str());
        let blocks = policy_blocks(&page);
        let mut examples = 0;
        let mut fixes = 0;
        for block in &blocks {
            let at = format!("{name}:{}", block.line);
            let diagnostics = check(&at, &block.text);
            let codes = codes_of(&diagnostics);
            match block.section.as_deref() {
                // The failing example produces the page's code and nothing else.
                Some("Example") => {
                    examples += 1;
                    let only: BTreeSet<String> = [code.as_str().to_owned()].into();
                    if codes != only {
                        failures.push(format!(
                            "{at}: the example must produce exactly {code}, got {}",
                            show(&diagnostics)
                        ));
                    }
                }
                // The fix is clean: no diagnostic of any code.
                Some("Fix") => {
                    fixes += 1;
                    if !diagnostics.is_empty() {
                        failures.push(format!("{at}: the fix must check clean, got {}", show(&diagnostics)));
                    }
                }
                other => failures.push(format!(
                    "{at}: a ```policy block outside `## Example` and `## Fix` (in {other:?})"
                )),
            }
        }
        if examples == 0 {
            failures.push(format!("{name}: no ```policy block under `## Example`"));
        }
        if fixes == 0 {
            failures.push(format!("{name}: no ```policy block under `## Fix`"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn language_reference_examples_check_as_claimed() {
    let path = root().join("docs/language.md");
    let page = read(&path);
    let blocks = policy_blocks(&page);
    assert!(
        blocks.len() >= 10,
        "docs/language.md should show its constructs in ```policy blocks"
    );
    let mut failures = Vec::new();
    for block in &blocks {
        let at = format!("docs/language.md:{}", block.line);
        let diagnostics = check(&at, &block.text);
        let codes = codes_of(&diagnostics);
        match &block.expect {
            // Exactly the codes the comment names: each produced, none other.
            Some(expected) => {
                for c in expected {
                    if !matches!(Code::parse(c), Some(code) if code.as_str() == c) {
                        failures.push(format!("{at}: `<!-- expect: {c} -->` names no diagnostic code"));
                    }
                }
                if &codes != expected {
                    failures.push(format!(
                        "{at}: expected exactly {}, got {}",
                        expected.iter().cloned().collect::<Vec<_>>().join(", "),
                        show(&diagnostics)
                    ));
                }
            }
            None => {
                if !diagnostics.is_empty() {
                    failures.push(format!(
                        "{at}: must check clean (or say `<!-- expect: CODE -->` on the line before), got {}",
                        show(&diagnostics)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn example_policies_check_clean() {
    let checked = consentc::check_paths(&[root().join("policies")]).expect("policies/");
    assert!(
        checked.sources.files().count() >= 2,
        "policies/ should hold at least two example policies"
    );
    let diagnostics: Vec<_> = checked
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str().to_owned(), d.severity, d.message.clone()))
        .collect();
    assert!(
        diagnostics.is_empty(),
        "policies/ must check clean, got {}",
        show(&diagnostics)
    );
}

#[test]
fn the_ambiguous_example_fails_with_cp0201() {
    let path = root().join("examples/ambiguous.policy");
    let diagnostics = check("examples/ambiguous.policy", &read(&path));
    let only: BTreeSet<String> = ["CP0201".to_owned()].into();
    assert_eq!(codes_of(&diagnostics), only, "{}", show(&diagnostics));
}

// Generated sections of docs/language.md.

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn ticks(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

/// The catalogue as Markdown tables: features, regions, jurisdictions.
fn render_catalogue() -> String {
    let catalog = catalog::builtin();
    let mut out = String::new();
    for vendor in catalog.vendors.values() {
        out.push_str(&format!(
            "#### `{}`: {} ({})\n\n",
            vendor.name, vendor.title, vendor.provider
        ));
        out.push_str("| path | kind | description | facts |\n| --- | --- | --- | --- |\n");
        for node in vendor.nodes.values() {
            let (kind, facts) = match &node.kind {
                NodeKind::Group => {
                    let prefix = format!("{}.", node.path);
                    let leaves: Vec<String> = vendor
                        .leaves
                        .iter()
                        .filter_map(|l| l.strip_prefix(&prefix).map(|rest| format!(".{rest}")))
                        .collect();
                    ("group", vec![format!("leaves {}", ticks(&leaves))])
                }
                NodeKind::Leaf(f) => {
                    let mut facts = Vec::new();
                    if f.behavioural {
                        facts.push("behavioural (needs consent where `eu` or `uk` applies)".to_owned());
                    }
                    if f.personal {
                        facts.push("personal data".to_owned());
                    }
                    if f.verification_required {
                        facts.push("needs `identity_verification`".to_owned());
                    }
                    if !f.requires.is_empty() {
                        facts.push(format!("requires {}", ticks(&f.requires)));
                    }
                    facts.push(
                        match f.enforcement {
                            Enforcement::Client => "enforced by the loader",
                            Enforcement::Workspace => "enforced only by Intercom audience rules (workspace)",
                            Enforcement::Mixed => {
                                "methods enforced by the loader, delivery by Intercom audience rules (mixed)"
                            }
                        }
                        .to_owned(),
                    );
                    if !f.data.is_empty() {
                        facts.push(format!("data {}", ticks(&f.data)));
                    }
                    if !f.methods.is_empty() {
                        facts.push(format!("methods {}", ticks(&f.methods)));
                    }
                    if !f.subprocessors.is_empty() {
                        facts.push(format!("subprocessors in {}", ticks(&f.subprocessors)));
                    }
                    for c in &f.cookies {
                        facts.push(format!("cookie `{}` ({})", c.name, c.lifetime));
                    }
                    for s in &f.storage {
                        facts.push(format!("{} storage `{}`", s.kind, s.name));
                    }
                    if let Some(note) = &f.note {
                        facts.push(note.trim_end_matches('.').to_owned());
                    }
                    ("leaf", facts)
                }
            };
            out.push_str(&format!(
                "| `{}` | {kind} | {} | {} |\n",
                node.path,
                cell(&node.description),
                cell(&facts.join("; "))
            ));
        }
        out.push_str("\n| region | where | API base |\n| --- | --- | --- |\n");
        for region in vendor.regions.values() {
            out.push_str(&format!(
                "| `{}` | {} (location `{}`) | `{}` |\n",
                region.name,
                cell(&region.title),
                region.location,
                region.api_base
            ));
        }
        out.push('\n');
    }
    out.push_str("#### Jurisdictions\n\n");
    out.push_str(
        "| jurisdiction | what it is | device access needs consent or a request | data may go without a transfer mechanism to |\n| --- | --- | --- | --- |\n",
    );
    for j in catalog.jurisdictions.values() {
        let adequate = if j.adequate.iter().any(|a| a == "any") {
            "anywhere".to_owned()
        } else {
            ticks(&j.adequate)
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {adequate} |\n",
            j.name,
            cell(&j.title),
            if j.device_consent { "yes" } else { "no" }
        ));
    }
    out
}

/// Every diagnostic code with its severity and summary, linking to its page.
fn render_codes() -> String {
    let mut out = String::from("| code | severity | what it reports |\n| --- | --- | --- |\n");
    for &code in Code::ALL {
        out.push_str(&format!(
            "| [{c}](codes/{c}.md) | {} | {} |\n",
            code.severity().as_str(),
            cell(code.summary()),
            c = code.as_str()
        ));
    }
    out
}

/// Compare the section between `<!-- NAME:start -->` and `<!-- NAME:end -->` with `generated`,
/// or rewrite it when `UPDATE_DOCS=1`.
fn generated_section(name: &str, generated: &str) {
    let path = root().join("docs/language.md");
    let page = read(&path);
    let start_marker = format!("<!-- {name}:start -->\n");
    let end_marker = format!("<!-- {name}:end -->");
    let start = page
        .find(&start_marker)
        .unwrap_or_else(|| panic!("docs/language.md has no `{start_marker}`"))
        + start_marker.len();
    let end = start
        + page[start..]
            .find(&end_marker)
            .unwrap_or_else(|| panic!("docs/language.md has no `{end_marker}`"));
    let expected = format!("\n{generated}\n");
    if std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1") {
        if page[start..end] != expected {
            let updated = format!("{}{expected}{}", &page[..start], &page[end..]);
            std::fs::write(&path, updated).expect("write docs/language.md");
        }
        return;
    }
    assert!(
        page[start..end] == expected,
        "the `{name}` section of docs/language.md is stale; run `UPDATE_DOCS=1 cargo test --test docs_examples`\n\nexpected:\n{expected}"
    );
}

/// One test for both sections, so that `UPDATE_DOCS=1` never has two tests rewriting the page
/// at once.
#[test]
fn language_reference_generated_sections_are_current() {
    generated_section("catalogue", &render_catalogue());
    generated_section("codes", &render_codes());
}
