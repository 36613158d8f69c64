//! `consentc build`: outputs, atomicity, determinism, `--check`, and the vanilla-cookieconsent
//! revision. Runs the built binary.

use std::path::{Path, PathBuf};
use std::process::Command;

fn consentc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run consentc")
}

const POLICY: &str = r#"
policy shop {
  title = "Shop"
  jurisdictions = [eu]
  intercom {
    app_id = "shop0001"
    region = eu
    transfer = dpf
    identity_verification = jwt
    load = when_granted
    pages = ["/help/**"]
    audience_rules = applied
    retention { conversations = 12 months; users = 12 months; visitors = 6 months }
  }
  purpose support {
    title = "Support chat"
    description = "Talk to us."
    basis = consent
    features = [intercom.messenger, intercom.help_center]
  }
  purpose marketing {
    title = "Tours"
    description = "Product tours."
    basis = consent
    features = [intercom.product_tours]
  }
  cmp cookieconsent { support = "support"; marketing = "marketing" }
  cmp klaro { support = "chat"; marketing = "marketing" }
}
"#;

const SECOND: &str = r#"
policy blog {
  title = "Blog"
  intercom {
    app_id = "blog0001"
    region = us
    transfer = scc
    load = when_granted
    pages = ["/contact"]
    retention { conversations = 12 months; users = 12 months; visitors = 6 months }
  }
  purpose support {
    title = "Support chat"
    description = "Talk to us."
    basis = consent
    features = [intercom.messenger]
  }
  cmp custom {}
}
"#;

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn read_tree(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((
                    path.strip_prefix(root).expect("prefix").to_path_buf(),
                    std::fs::read(&path).expect("read"),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn build_writes_every_output_of_every_policy() {
    let src = dir_with(&[("a.policy", POLICY), ("b.policy", SECOND)]);
    let out = tempfile::tempdir().expect("out");
    let r = consentc(&[
        "build",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    let names: Vec<String> = read_tree(out.path())
        .into_iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    for expected in [
        "shop/intercom-loader.cookieconsent.js",
        "shop/intercom-loader.klaro.js",
        "shop/cookieconsent-config.js",
        "shop/cookieconsent-snippet.html",
        "shop/klaro-config.js",
        "shop/klaro-snippet.html",
        "shop/cookies.md",
        "shop/record.md",
        "shop/csp.txt",
        "shop/policy.json",
        "blog/intercom-loader.custom.js",
        "blog/custom-snippet.html",
    ] {
        assert!(names.contains(&expected.to_owned()), "missing {expected} in {names:?}");
    }
    // No staging directory is left behind.
    assert!(!names.iter().any(|n| n.contains(".consentc-")), "{names:?}");
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("gzipped"), "summary reports loader sizes: {stderr}");

    let csp = std::fs::read_to_string(out.path().join("shop/csp.txt")).unwrap();
    assert!(
        csp.contains("connect-src") && csp.contains("https://api-iam.eu.intercom.io"),
        "{csp}"
    );
    assert!(
        !csp.contains("https://api-iam.au.intercom.io"),
        "only the policy's region: {csp}"
    );
    let record = std::fs::read_to_string(out.path().join("shop/record.md")).unwrap();
    assert!(
        record.contains("consent_marketing is true"),
        "audience rule for tours: {record}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("shop/policy.json")).unwrap()).unwrap();
    assert_eq!(json["purposes"][1]["features"][0], "intercom.product_tours");
    assert_eq!(json["intercom"]["region"], "eu");
}

#[test]
fn outputs_do_not_depend_on_input_order() {
    let src = dir_with(&[("a.policy", POLICY), ("b.policy", SECOND)]);
    let a = src.path().join("a.policy");
    let b = src.path().join("b.policy");
    let out1 = tempfile::tempdir().unwrap();
    let out2 = tempfile::tempdir().unwrap();
    let r1 = consentc(&[
        "build",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        out1.path().to_str().unwrap(),
    ]);
    let r2 = consentc(&[
        "build",
        b.to_str().unwrap(),
        a.to_str().unwrap(),
        "--out",
        out2.path().to_str().unwrap(),
    ]);
    assert_eq!((r1.status.code(), r2.status.code()), (Some(0), Some(0)));
    let t1 = read_tree(out1.path());
    assert!(!t1.is_empty());
    assert_eq!(t1, read_tree(out2.path()));
}

#[test]
fn a_build_with_errors_writes_nothing_and_keeps_old_outputs() {
    let src = dir_with(&[("a.policy", POLICY)]);
    let out = tempfile::tempdir().unwrap();
    let r = consentc(&[
        "build",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(0));
    let before = read_tree(out.path());

    // Now break the policy: help_center under two purposes (CP0201).
    let broken = POLICY.replace(
        "features = [intercom.product_tours]",
        "features = [intercom.product_tours, intercom.help_center]",
    );
    std::fs::write(src.path().join("a.policy"), broken).unwrap();
    let r = consentc(&[
        "build",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("CP0201"));
    assert_eq!(
        read_tree(out.path()),
        before,
        "the failed build changed the output directory"
    );

    let fresh = out.path().join("never");
    let r = consentc(&["build", src.path().to_str().unwrap(), "--out", fresh.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    assert!(!fresh.exists(), "a failed build created its output directory");
}

#[test]
fn build_check_reports_stale_missing_and_extra_files() {
    let src = dir_with(&[("a.policy", POLICY)]);
    let out = tempfile::tempdir().unwrap();
    let (s, o) = (src.path().to_str().unwrap(), out.path().to_str().unwrap());
    assert_eq!(
        consentc(&["build", s, "--out", o, "--check"]).status.code(),
        Some(1),
        "missing outputs are stale"
    );
    assert_eq!(consentc(&["build", s, "--out", o]).status.code(), Some(0));
    assert_eq!(consentc(&["build", s, "--out", o, "--check"]).status.code(), Some(0));

    std::fs::write(out.path().join("shop/cookies.md"), "edited by hand").unwrap();
    std::fs::write(out.path().join("shop/old-file.js"), "left over").unwrap();
    std::fs::remove_file(out.path().join("shop/csp.txt")).unwrap();
    let r = consentc(&["build", s, "--out", o, "--check"]);
    assert_eq!(r.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("stale: ") && stderr.contains("cookies.md"), "{stderr}");
    assert!(stderr.contains("extra: ") && stderr.contains("old-file.js"), "{stderr}");
    assert!(stderr.contains("missing: ") && stderr.contains("csp.txt"), "{stderr}");
    // --check wrote nothing.
    assert_eq!(
        std::fs::read_to_string(out.path().join("shop/cookies.md")).unwrap(),
        "edited by hand"
    );
}

#[test]
fn build_check_covers_the_composable_cmp_modules() {
    let src = dir_with(&[("a.policy", POLICY)]);
    let out = tempfile::tempdir().unwrap();
    let (s, o) = (src.path().to_str().unwrap(), out.path().to_str().unwrap());
    assert_eq!(consentc(&["build", s, "--out", o]).status.code(), Some(0));
    let modules = [
        "cookieconsent-intercom.mjs",
        "cookieconsent-intercom.d.mts",
        "klaro-intercom.mjs",
        "klaro-intercom.d.mts",
    ];
    for file in modules {
        assert!(out.path().join("shop").join(file).exists(), "{file} is written");
    }
    assert_eq!(consentc(&["build", s, "--out", o, "--check"]).status.code(), Some(0));

    std::fs::write(out.path().join("shop/klaro-intercom.mjs"), "export {};\n").unwrap();
    std::fs::remove_file(out.path().join("shop/cookieconsent-intercom.d.mts")).unwrap();
    let r = consentc(&["build", s, "--out", o, "--check"]);
    assert_eq!(r.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(
        stderr.contains("stale: ") && stderr.contains("klaro-intercom.mjs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing: ") && stderr.contains("cookieconsent-intercom.d.mts"),
        "{stderr}"
    );

    // A CMP configured in a dashboard has no module to merge.
    let narrowed = tempfile::tempdir().unwrap();
    let n = narrowed.path().to_str().unwrap();
    assert_eq!(
        consentc(&["build", s, "--out", n, "--cmp", "klaro"]).status.code(),
        Some(0)
    );
    assert!(narrowed.path().join("shop/klaro-intercom.mjs").exists());
    assert!(!narrowed.path().join("shop/cookieconsent-intercom.mjs").exists());
}

#[test]
fn cmp_flag_narrows_the_outputs_and_rejects_unknown_cmps() {
    let src = dir_with(&[("a.policy", POLICY)]);
    let out = tempfile::tempdir().unwrap();
    let r = consentc(&[
        "build",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--cmp",
        "klaro",
    ]);
    assert_eq!(r.status.code(), Some(0));
    assert!(out.path().join("shop/intercom-loader.klaro.js").exists());
    assert!(!out.path().join("shop/intercom-loader.cookieconsent.js").exists());
    let r = consentc(&[
        "build",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--cmp",
        "klaroo",
    ]);
    assert_eq!(r.status.code(), Some(2));
}

/// `--cmp` naming a known CMP that no policy declares would build nothing for it: a usage
/// error (exit 2) naming the CMPs the policies declare, and nothing written.
#[test]
fn cmp_flag_for_an_undeclared_cmp_is_a_usage_error() {
    let src = dir_with(&[("a.policy", POLICY), ("b.policy", SECOND)]);
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("dist");
    let (s, o) = (src.path().to_str().unwrap(), target.to_str().unwrap());
    for extra in [&[][..], &["--check"]] {
        let mut args = vec!["build", s, "--out", o, "--cmp", "onetrust"];
        args.extend_from_slice(extra);
        let r = consentc(&args);
        assert_eq!(r.status.code(), Some(2), "{extra:?}");
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(
            stderr.contains("error: no policy declares `cmp onetrust`")
                && stderr.contains("the policies declare cookieconsent, custom, klaro"),
            "{stderr}"
        );
        assert!(!target.exists(), "{extra:?}: wrote outputs");
    }
    // Declared by one policy of the two: builds it for that one.
    let r = consentc(&["build", s, "--out", o, "--cmp", "custom"]);
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(target.join("blog/intercom-loader.custom.js").exists());
}

fn revision_of(policy: &str) -> u64 {
    let src = dir_with(&[("a.policy", policy)]);
    let out = tempfile::tempdir().unwrap();
    let r = consentc(&[
        "build",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--cmp",
        "cookieconsent",
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    let js = std::fs::read_to_string(out.path().join("shop/cookieconsent-config.js")).unwrap();
    let start = js.find("CookieConsent.run(").expect("run call") + "CookieConsent.run(".len();
    let end = js.rfind(");").expect("end");
    let config: serde_json::Value = serde_json::from_str(&js[start..end]).expect("config is JSON");
    config["revision"].as_u64().expect("numeric revision")
}

#[test]
fn cookieconsent_revision_follows_consent_relevant_content_only() {
    let base = revision_of(POLICY);
    assert_eq!(
        revision_of(&POLICY.replace("title = \"Tours\"", "title = \"Guided tours\"")),
        base,
        "a reworded title"
    );
    assert_eq!(revision_of(&format!("// a new comment\n{POLICY}")), base, "a comment");
    assert_ne!(
        revision_of(&POLICY.replace("[intercom.product_tours]", "[intercom.product_tours, intercom.surveys]")),
        base,
        "a purpose gained a feature"
    );
    assert_ne!(
        revision_of(
            &POLICY
                .replace(
                    "basis = consent\n    features = [intercom.messenger",
                    "basis = legitimate_interest\n    features = [intercom.messenger"
                )
                .replace(
                    "load = when_granted",
                    "load = on_interaction\n    request_exemption = \"Visitors click to ask for help.\""
                )
        ),
        base,
        "a purpose changed basis"
    );
}

#[test]
fn hostile_policy_strings_stay_data_in_every_output() {
    let hostile = POLICY.replace(
        "title = \"Tours\"",
        "title = \"</script><script>alert(1)</script> <!-- ` ${x} \\\" ' \\u{2028} | *x* [a](b)\"",
    );
    let src = dir_with(&[("a.policy", &hostile)]);
    let out = tempfile::tempdir().unwrap();
    let r = consentc(&[
        "build",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    for (path, bytes) in read_tree(out.path()) {
        let text = String::from_utf8(bytes).unwrap();
        let name = path.display().to_string();
        if name.ends_with(".js") || name.ends_with(".mjs") || name.ends_with(".html") {
            assert!(
                !text.contains("</script><script>alert"),
                "{name} lets a policy string close a script"
            );
            assert!(!text.contains('\u{2028}'), "{name} holds a raw U+2028");
        }
        if name.ends_with(".md") {
            // Markdown escapes `<` with a backslash: rendered, no HTML comes through.
            let html: Vec<String> = markdown_skeleton(&text)
                .into_iter()
                .filter(|e| e.starts_with("html"))
                .collect();
            assert!(html.is_empty(), "{name} holds raw HTML from the policy: {html:?}");
        }
    }
    // The text survives: policy.json holds it unchanged.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("shop/policy.json")).unwrap()).unwrap();
    assert_eq!(
        json["purposes"][1]["title"],
        "</script><script>alert(1)</script> <!-- ` ${x} \" ' \u{2028} | *x* [a](b)"
    );
}

/// Files are parsed and checked in parallel and policies emitted in parallel: the diagnostics,
/// their order, the summary and every output byte must not depend on how many threads did it.
#[test]
fn outputs_and_reports_do_not_depend_on_the_number_of_threads() {
    let mut files: Vec<(String, String)> = (0..40)
        .map(|i| {
            // Policies with warnings (no retention in every other one) and distinct names.
            let mut text = POLICY.replace("policy shop", &format!("policy shop{i}"));
            if i % 2 == 1 {
                text = text.replace(
                    "    retention { conversations = 12 months; users = 12 months; visitors = 6 months }\n",
                    "",
                );
            }
            (format!("p{i:02}.policy"), text)
        })
        .collect();
    files.push(("z.policy".to_owned(), SECOND.to_owned()));
    let named: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let src = dir_with(&named);
    let run = |threads: &str, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_consentc"))
            .args(args)
            .env("NO_COLOR", "1")
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("run consentc")
    };
    let dir = src.path().to_str().unwrap();
    let one = run("1", &["check", "--format", "json", dir]);
    let many = run("8", &["check", "--format", "json", dir]);
    assert_eq!(one.status.code(), Some(0), "{}", String::from_utf8_lossy(&one.stderr));
    assert!(
        String::from_utf8_lossy(&one.stdout).contains("CP0402"),
        "the fixture has warnings to order"
    );
    assert_eq!(one.stdout, many.stdout);

    let (out1, out8) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let b1 = run("1", &["build", dir, "--out", out1.path().to_str().unwrap()]);
    let b8 = run("8", &["build", dir, "--out", out8.path().to_str().unwrap()]);
    assert_eq!((b1.status.code(), b8.status.code()), (Some(0), Some(0)));
    let tree = read_tree(out1.path());
    assert!(tree.len() > 40 * 5, "every policy's files: {}", tree.len());
    assert_eq!(tree, read_tree(out8.path()));
    let summary = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stderr)
            .replace(out1.path().to_str().unwrap(), "OUT")
            .replace(out8.path().to_str().unwrap(), "OUT")
    };
    assert_eq!(summary(&b1), summary(&b8));
}

/// The tag structure of a Markdown document as GitHub renders it (tables, strikethrough):
/// every start and end of an element and every piece of raw HTML, without the text.
fn markdown_skeleton(text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser};
    Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
        .filter_map(|e| match e {
            Event::Start(tag) => Some(format!("start {tag:?}")),
            Event::End(tag) => Some(format!("end {tag:?}")),
            Event::Html(h) | Event::InlineHtml(h) => Some(format!("html {h}")),
            Event::Rule => Some("rule".to_owned()),
            _ => None,
        })
        .collect()
}

/// The rendered text of a Markdown document, code spans included, one line per block.
fn markdown_text(text: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, TagEnd};
    let mut out = String::new();
    for e in Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// record.md and cookies.md are Markdown: policy and catalogue text is escaped for Markdown
/// (never with HTML entities), renders as written, and cannot add an element: the hostile
/// build's documents have exactly the structure of the plain build's.
#[test]
fn markdown_documents_render_policy_text_as_written_and_nothing_more() {
    const NASTY: &str =
        "R&D &amp; <b>x</b> <!-- c --> | *em* _u_ [a](https://e.example) ~~s~~ # h <https://e.example> \\\\ `a|b` it`s";
    // What a reader sees: every character as written, the code span without its backticks.
    const SEEN: &str =
        "R&D &amp; <b>x</b> <!-- c --> | *em* _u_ [a](https://e.example) ~~s~~ # h <https://e.example> \\ a|b it`s";
    let hostile = POLICY
        .replace("title = \"Shop\"", &format!("title = \"{NASTY}\""))
        .replace("title = \"Tours\"", "title = \"- > # 1. Tours\"")
        .replace(
            "description = \"Product tours.\"",
            &format!("description = \"    {NASTY}\\n\\n| x |\\n|---|\""),
        )
        .replace("marketing = \"marketing\" }", "marketing = \"a|b <i>c</i>\" }");
    let mut docs = Vec::new();
    for policy in [POLICY, hostile.as_str()] {
        let src = dir_with(&[("a.policy", policy)]);
        let out = tempfile::tempdir().unwrap();
        let r = consentc(&[
            "build",
            src.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
        let read = |f: &str| std::fs::read_to_string(out.path().join("shop").join(f)).unwrap();
        docs.push((read("record.md"), read("cookies.md")));
    }
    let (plain, nasty) = (&docs[0], &docs[1]);
    assert_eq!(
        markdown_skeleton(&nasty.0),
        markdown_skeleton(&plain.0),
        "record.md:\n{}",
        nasty.0
    );
    assert_eq!(
        markdown_skeleton(&nasty.1),
        markdown_skeleton(&plain.1),
        "cookies.md:\n{}",
        nasty.1
    );
    let record = markdown_text(&nasty.0);
    assert!(record.contains(&format!("Record of processing: {SEEN}\n")), "{record}");
    assert!(record.contains(&format!("\n{SEEN}  | x | |---|\n")), "{record}");
    assert!(record.contains("\nmarketing: - > # 1. Tours\n"), "{record}");
    assert!(record.contains("\na|b <i>c</i>\n"), "{record}");
    // The catalogue's own text: `R&D` as written, its code spans as code.
    assert!(nasty.0.contains("Intercom R&D Unlimited Company"), "{}", nasty.0);
    assert!(nasty.0.contains("`POST /user_delete_requests`"), "{}", nasty.0);
    assert!(!nasty.0.contains("&amp;D") && !nasty.0.contains("&lt;"), "{}", nasty.0);
    assert!(markdown_text(&nasty.1).contains(&format!("Cookies and storage: {SEEN}\n")));
}

/// The snippets load the CMP configuration and the loader from `<base><policy>/<file>`
/// (`--base`, default `/`), so they work from any page (`/app/x/y` too); the value is checked
/// and HTML-encoded, and `build --check` compares with the `--base` it is given.
#[test]
fn base_decides_where_the_snippets_load_files_from() {
    let src = dir_with(&[("a.policy", POLICY)]);
    let out = tempfile::tempdir().unwrap();
    let (s, o) = (src.path().to_str().unwrap(), out.path().to_str().unwrap());
    let snippet = |cmp: &str| std::fs::read_to_string(out.path().join(format!("shop/{cmp}-snippet.html"))).unwrap();

    assert_eq!(consentc(&["build", s, "--out", o]).status.code(), Some(0));
    let cc = snippet("cookieconsent");
    assert!(
        cc.contains(r#"<script defer src="/shop/cookieconsent-config.js"></script>"#),
        "{cc}"
    );
    assert!(
        cc.contains(r#"<script src="/shop/intercom-loader.cookieconsent.js"></script>"#),
        "{cc}"
    );
    let klaro = snippet("klaro");
    assert!(
        klaro.contains(r#"<script src="/shop/klaro-config.js"></script>"#),
        "{klaro}"
    );
    assert!(
        klaro.contains(r#"<script src="/shop/intercom-loader.klaro.js"></script>"#),
        "{klaro}"
    );

    let base = "https://cdn.example.com/consent/a&\"b";
    assert_eq!(
        consentc(&["build", s, "--out", o, "--base", base]).status.code(),
        Some(0)
    );
    let cc = snippet("cookieconsent");
    assert!(
        cc.contains(r#"src="https://cdn.example.com/consent/a&amp;&quot;b/shop/cookieconsent-config.js""#),
        "{cc}"
    );
    // --check compares with the base it is given.
    assert_eq!(
        consentc(&["build", s, "--out", o, "--base", base, "--check"])
            .status
            .code(),
        Some(0)
    );
    let r = consentc(&["build", s, "--out", o, "--check"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("cookieconsent-snippet.html"));

    // A trailing slash is added; the same files either way.
    assert_eq!(
        consentc(&["build", s, "--out", o, "--base", "/app/x"]).status.code(),
        Some(0)
    );
    assert!(snippet("klaro").contains(r#"src="/app/x/shop/klaro-config.js""#));
    assert_eq!(
        consentc(&["build", s, "--out", o, "--base", "/app/x/", "--check"])
            .status
            .code(),
        Some(0)
    );

    for bad in [
        "static/",
        "./",
        "//cdn.example.com/",
        "ftp://h/",
        "https://",
        "/a b/",
        "/a?x",
        "javascript:alert(1)",
    ] {
        let r = consentc(&["build", s, "--out", o, "--base", bad]);
        assert_eq!(r.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&r.stderr).contains(&format!("`--base {bad}`")),
            "{bad}"
        );
    }
}

/// A build killed while writing leaves `<out>/.consentc-*`: `build --check` reports it (exit 1)
/// and the next build removes it.
#[test]
fn a_dead_builds_staging_directory_is_reported_and_cleared() {
    let src = dir_with(&[("a.policy", POLICY)]);
    let out = tempfile::tempdir().unwrap();
    let (s, o) = (src.path().to_str().unwrap(), out.path().to_str().unwrap());
    assert_eq!(consentc(&["build", s, "--out", o]).status.code(), Some(0));
    // What a killed build leaves: its staging directory, its lock file (no process holds the
    // lock any more) and half a policy directory.
    let dead = out.path().join(".consentc-Xy12ab");
    std::fs::create_dir_all(dead.join("shop")).unwrap();
    std::fs::write(dead.join(".lock"), "").unwrap();
    std::fs::write(dead.join("shop/cookies.md"), "half").unwrap();

    let r = consentc(&["build", s, "--out", o, "--check"]);
    assert_eq!(r.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(
        stderr.contains("leftover: ")
            && stderr.contains(".consentc-Xy12ab (the staging directory of a build that did not finish; the next `consentc build` removes it)"),
        "{stderr}"
    );
    assert!(dead.exists(), "--check removed it");

    assert_eq!(consentc(&["build", s, "--out", o]).status.code(), Some(0));
    assert!(!dead.exists(), "the next build left it");
    assert_eq!(consentc(&["build", s, "--out", o, "--check"]).status.code(), Some(0));
}
