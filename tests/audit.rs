//! `consentc audit` in a real Chromium (audit.md): the demo site passes every scenario with each
//! of its CMPs; the explain pages' broken pages (docs/codes/CP0501.md to CP0506.md) are each
//! caught with their code and evidence, and their fixes pass; faults (no browser, a URL that does
//! not answer, a CMP that never loads, a page that never settles, a browser that dies) end in a
//! clear error with exit 2, within `--timeout`, with no browser left running.
//!
//! Pages are served by a static server on 127.0.0.1 (tests/support/audit_site.rs), the demo site
//! by its own node server; Intercom's widget is the browser suite's stand-in (`--widget`).

#[path = "support/audit_site.rs"]
mod audit_site;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use audit_site::{audit, ready, root, stderr, stdout, widget_file, Answer, Site};
use serde_json::Value;

const POLICY: &str = "examples/demo-site/demo.policy";

/// The ```html blocks (and the ```policy block) under `## Example` and `## Fix` of an explain page.
fn examples(code: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let page = std::fs::read_to_string(root().join(format!("docs/codes/{code}.md"))).expect("explain page");
    let (mut example, mut fix, mut fix_policies) = (Vec::new(), Vec::new(), Vec::new());
    let mut section = "";
    let mut open: Option<(String, String)> = None;
    for line in page.lines() {
        if let Some((lang, mut text)) = open.take() {
            if line.trim() == "```" {
                match (section, lang.as_str()) {
                    ("## Example", "html") => example.push(text),
                    ("## Fix", "html") => fix.push(text),
                    ("## Fix", "policy") => fix_policies.push(text),
                    _ => {}
                }
            } else {
                text.push_str(line);
                text.push('\n');
                open = Some((lang, text));
            }
            continue;
        }
        if line.starts_with("## ") {
            section = match line.trim() {
                "## Example" => "## Example",
                "## Fix" => "## Fix",
                _ => "",
            };
        } else if let Some(lang) = line.trim().strip_prefix("```") {
            open = Some((lang.to_owned(), String::new()));
        }
    }
    (example, fix, fix_policies)
}

/// The findings of a `--format json` run, by URL: (code, severity, message).
fn findings(json: &str) -> HashMap<String, Vec<(String, String, String)>> {
    let value: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("json output: {e}\n{json}"));
    let mut out: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
    for d in value["diagnostics"].as_array().expect("diagnostics") {
        assert!(
            d["line"].is_null() && d["column"].is_null(),
            "a finding has no line: {d}"
        );
        let file = d["file"]
            .as_str()
            .expect("the URL stands where the file would")
            .to_owned();
        out.entry(file).or_default().push((
            d["code"].as_str().unwrap_or_default().to_owned(),
            d["severity"].as_str().unwrap_or_default().to_owned(),
            d["message"].as_str().unwrap_or_default().to_owned(),
        ));
    }
    out
}

fn codes(list: Option<&Vec<(String, String, String)>>) -> Vec<String> {
    let mut codes: Vec<String> = list.into_iter().flatten().map(|(c, _, _)| c.clone()).collect();
    codes.sort();
    codes.dedup();
    codes
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// No browser left behind by an audit whose TMPDIR was `tmp` (the kill may take a moment to
/// reach the browser's helper processes).
fn assert_no_browser_left(tmp: &Path) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = audit_site::processes_under(tmp);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "browser processes left running:\n{}",
            left.join("\n")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_explain_pages_broken_pages_are_caught_and_their_fixes_pass() {
    if !ready("the audit's explain-page test") {
        return;
    }
    let dist = audit_site::build_demo();
    let tmp = tempfile::tempdir().expect("tempdir");
    // Each code's broken pages at /app/<code>/example-N/ and fixes at /app/<code>/fix-N/, all
    // audited in one run (one browser, every scenario of every URL).
    let mut pages = HashMap::new();
    let mut expected: Vec<(String, &str, bool)> = Vec::new();
    for code in ["CP0501", "CP0502", "CP0503", "CP0504", "CP0505"] {
        let (example, fix, _) = examples(code);
        assert!(
            !example.is_empty() && !fix.is_empty(),
            "{code}: no ```html example or fix"
        );
        for (kind, list) in [("example", example), ("fix", fix)] {
            for (n, html) in list.into_iter().enumerate() {
                let path = format!("/app/{}/{kind}-{n}/", code.to_lowercase());
                pages.insert(path.clone(), Answer::Page(html));
                expected.push((path, code, kind == "example"));
            }
        }
    }
    let site = Site::start(dist.path(), pages);
    let widget = widget_file(tmp.path(), None);
    let evidence = tmp.path().join("evidence");
    // app.site.localhost: Chromium resolves *.localhost to the loopback address, and the page
    // gets a parent domain (site.localhost) for CP0504's cookie.
    let urls: Vec<String> = expected
        .iter()
        .map(|(p, _, _)| site.url("app.site.localhost", p))
        .collect();
    let mut args = vec![
        "--policy",
        POLICY,
        "--name",
        "demo",
        "--cmp",
        "cookieconsent",
        "--widget",
        widget.to_str().expect("utf-8 path"),
        "--format",
        "json",
        "--evidence",
        evidence.to_str().expect("utf-8 path"),
    ];
    args.extend(urls.iter().map(String::as_str));
    let out = audit(&args, tmp.path());
    assert_eq!(out.status.code(), Some(1), "findings exit 1\n{}", stderr(&out));
    let found = findings(&stdout(&out));
    for ((path, code, broken), url) in expected.iter().zip(&urls) {
        let got = codes(found.get(url));
        if *broken {
            assert!(got.iter().any(|c| c == code), "{path}: expected {code}, got {got:?}");
        } else {
            assert!(
                got.is_empty(),
                "{path}: the fix of {code} must pass, got {:?}",
                found.get(url)
            );
        }
    }

    // The findings say which scenario, as the explain pages show them.
    let by_code = |code: &str| -> Vec<String> {
        let url = &urls[expected.iter().position(|(_, c, b)| *c == code && *b).expect("example")];
        found[url]
            .iter()
            .filter(|(c, _, _)| c == code)
            .map(|(_, _, m)| m.clone())
            .collect()
    };
    let m = by_code("CP0501");
    assert!(
        m.iter().any(|m| m.starts_with("a request to `https://widget.intercom.io/widget/demo1234` before `support` was granted (scenario: first visit, step: load)")),
        "{m:?}"
    );
    let m = by_code("CP0503");
    assert!(
        m.iter().any(|m| m.starts_with("`trackEvent`")
            && m.contains("while `analytics` was refused (scenario: only `support` granted")),
        "{m:?}"
    );
    let m = by_code("CP0504");
    assert!(
        m.iter().any(
            |m| m.contains("`intercom-id-demo1234` on `.site.localhost` (path `/app`)")
                && m.contains("scenario: everything granted, then withdrawn")
        ),
        "{m:?}"
    );
    assert!(
        by_code("CP0505")
            .iter()
            .any(|m| m.starts_with("the policy's loader did not run before the visitor answered")),
        "CP0505 for the gated loader"
    );
    // CP0501's page also loads the widget by its own snippet: CP0505 names the page as the
    // initiator.
    let url0501 = &urls[0];
    assert!(
        found[url0501]
            .iter()
            .any(|(c, _, m)| c == "CP0505" && m.contains("was loaded by the script `http://app.site.localhost")),
        "{:?}",
        found[url0501]
    );

    // Evidence: JSON and HAR per scenario, and the request with its initiator.
    let folder = evidence.join(format!("app.site.localhost_{}_app_cp0501_example-0", site.port));
    for scenario in [
        "first-visit",
        "all-refused",
        "only-support",
        "only-guidance",
        "only-analytics",
        "withdrawn",
    ] {
        for ext in ["json", "har"] {
            assert!(
                folder.join(format!("{scenario}.{ext}")).is_file(),
                "no {scenario}.{ext} in {}",
                folder.display()
            );
        }
    }
    let first = read_json(&folder.join("first-visit.json"));
    let request = &first["steps"][0]["requests"][0];
    assert_eq!(request["url"], "https://widget.intercom.io/widget/demo1234", "{first}");
    assert_eq!(request["initiator"]["type"], "script", "{request}");
    assert_eq!(request["answered_by_audit"], "widget", "{request}");
    let har = read_json(&folder.join("first-visit.har"));
    let entries = har["log"]["entries"].as_array().expect("entries");
    assert!(entries
        .iter()
        .any(|e| e["request"]["url"] == "https://widget.intercom.io/widget/demo1234"));
    assert!(entries.iter().any(|e| e["request"]["url"]
        .as_str()
        .is_some_and(|u| u.ends_with("/consentc/intercom-loader.cookieconsent.js"))
        && e["response"]["status"] == 200));
    let withdrawn = read_json(
        &evidence
            .join(format!("app.site.localhost_{}_app_cp0504_example-0", site.port))
            .join("withdrawn.json"),
    );
    let left = &withdrawn["steps"][2]["cookies"];
    assert!(
        left.as_array().is_some_and(|c| c
            .iter()
            .any(|c| c["domain"] == ".site.localhost" && c["path"] == "/app")),
        "{left}"
    );
    assert_no_browser_left(tmp.path());
}

#[test]
fn a_widget_talking_to_another_region_is_a_warning_that_deny_turns_into_an_error() {
    if !ready("the audit's region test") {
        return;
    }
    let dist = audit_site::build_demo();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (example, _, fix_policies) = examples("CP0506");
    let site = Site::start(
        dist.path(),
        HashMap::from([("/app/".to_owned(), Answer::Page(example[0].clone()))]),
    );
    let us = widget_file(tmp.path(), Some("api-iam.intercom.io"));
    let url = site.url("127.0.0.1", "/app/");
    let common = [
        "--name",
        "demo",
        "--cmp",
        "cookieconsent",
        "--widget",
        us.to_str().expect("utf-8"),
        "--format",
        "json",
    ];
    let mut args = vec!["--policy", POLICY];
    args.extend(common);
    args.push(&url);
    let out = audit(&args, tmp.path());
    assert_eq!(out.status.code(), Some(0), "a warning alone exits 0\n{}", stderr(&out));
    let found = findings(&stdout(&out));
    let list = &found[&url];
    assert_eq!(codes(Some(list)), ["CP0506"], "{list:?}");
    assert!(list.iter().all(|(_, s, _)| s == "warning"));
    assert!(
        list.iter().any(|(_, _, m)| m.starts_with(
            "the widget talked to `api-iam.intercom.io`, a host of region `us`, but the policy's region is `eu`"
        )),
        "{list:?}"
    );
    // The fix: a policy that says where the workspace is.
    let fixed = tmp.path().join("fixed.policy");
    std::fs::write(&fixed, &fix_policies[0]).expect("write policy");
    let mut args = vec!["--policy", fixed.to_str().expect("utf-8"), "--deny", "warnings"];
    args.extend(common);
    args.push(&url);
    let out = audit(&args, tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(findings(&stdout(&out)).is_empty());
    assert_no_browser_left(tmp.path());
}

/// Starts examples/demo-site/serve.mjs for one policy and CMP and returns it with its URL.
fn demo_site(policy: &str, cmp: &str) -> (std::process::Child, String) {
    let mut child = Command::new("node")
        .args([
            "examples/demo-site/serve.mjs",
            "--port",
            "0",
            "--policy",
            policy,
            "--cmp",
            cmp,
        ])
        .env("CONSENTC", env!("CARGO_BIN_EXE_consentc"))
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node examples/demo-site/serve.mjs");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let url = loop {
        let line = lines.next().and_then(Result::ok).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("the demo server did not start")
        });
        if let Some(at) = line.find("http://127.0.0.1:") {
            break line[at..].trim().to_owned();
        }
    };
    (child, url)
}

#[test]
fn the_demo_site_keeps_its_policies_in_every_scenario_with_each_cmp() {
    if !ready("the audit's demo-site test") {
        return;
    }
    if !Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(std::env::var_os("CI").is_none(), "node is needed");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let widget = widget_file(tmp.path(), None);
    for (policy, cmp) in [
        ("demo", "cookieconsent"),
        ("demo", "klaro"),
        ("demo_chat_button", "cookieconsent"),
        ("demo_chat_button", "klaro"),
    ] {
        let (mut server, url) = demo_site(policy, cmp);
        let evidence = tmp.path().join(format!("{policy}-{cmp}"));
        let app = format!("{url}app/");
        let out = audit(
            &[
                "--policy",
                POLICY,
                "--name",
                policy,
                "--cmp",
                cmp,
                "--widget",
                widget.to_str().expect("utf-8"),
                "--evidence",
                evidence.to_str().expect("utf-8"),
                &app,
                &url,
            ],
            tmp.path(),
        );
        let _ = server.kill();
        let _ = server.wait();
        let err = stderr(&out);
        let which = format!("{policy} with {cmp}");
        assert_eq!(out.status.code(), Some(0), "{which}:\n{err}");
        assert!(
            err.contains("audited 2 URLs in 12 scenarios") && err.contains("no problems"),
            "{err}"
        );
        // Not a vacuous pass: the grant (and, for the chat button, the click) loaded and booted
        // the widget, and the withdrawal undid it.
        let folder = evidence.join(consentc::audit::evidence_folder(&app));
        let only = read_json(&folder.join("only-support.json"));
        let steps = only["steps"].as_array().expect("steps");
        let booted = steps
            .iter()
            .find(|s| s["widget"]["booted"] == true)
            .unwrap_or_else(|| panic!("{which}: the widget never booted: {only}"));
        assert_eq!(booted["cookies"].as_array().map(Vec::len), Some(3), "{which}: {only}");
        if policy == "demo_chat_button" {
            assert_eq!(
                booted["step"], "click the chat button",
                "{which}: it loads on the click only"
            );
        }
        let withdrawn = read_json(&folder.join("withdrawn.json"));
        let after = withdrawn["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["step"] == "refuse all")
            .expect("the withdrawal");
        assert_eq!(after["cookies"], serde_json::json!([]), "{which}: {withdrawn}");
        assert_eq!(after["dom"], serde_json::json!([]), "{which}: {withdrawn}");
        assert_eq!(after["widget"]["booted"], false, "{which}: {withdrawn}");
        // The home page is outside `pages`: nothing of Intercom even with everything granted.
        let home = read_json(
            &evidence
                .join(consentc::audit::evidence_folder(&url))
                .join("withdrawn.json"),
        );
        for step in home["steps"].as_array().expect("steps") {
            assert_eq!(step["requests"], serde_json::json!([]), "{which}: {home}");
        }
    }
    assert_no_browser_left(tmp.path());
}

/// The page every fault test starts from: the demo policy's loader and CMP, as it should be.
fn good_page() -> String {
    examples("CP0501").1[0].clone()
}

fn parent_of(pid: &str) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid ...`; comm may hold spaces, so read after its closing parenthesis.
    stat.rsplit_once(')')?.1.split_whitespace().nth(1).map(str::to_owned)
}

#[test]
fn faults_end_in_a_clear_error_with_exit_2_in_time_and_no_browser_left() {
    // Usage errors come before any browser: a URL that is no http URL, an ambiguous choice.
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = audit(&["--policy", POLICY, "ftp://example.test/"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: `ftp://example.test/` is not an http or https URL"),
        "{}",
        stderr(&out)
    );
    let out = audit(&["--policy", POLICY, "http://127.0.0.1:9/app/"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("more than one policy and CMP could audit `http://127.0.0.1:9/app/`; choose one: `--name demo --cmp cookieconsent`"),
        "{err}"
    );
    // A policy set with errors is not audited: its diagnostics, exit 1.
    let broken = tmp.path().join("broken.policy");
    std::fs::write(
        &broken,
        "policy broken {\n  title = \"x\"\n  intercom { app_id = 42 }\n}\n",
    )
    .expect("write");
    let out = audit(
        &["--policy", broken.to_str().expect("utf-8"), "http://127.0.0.1:9/app/"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: the policies have errors, so nothing was audited"),
        "{}",
        stderr(&out)
    );
    // An error code cannot be allowed.
    let out = audit(
        &["--policy", POLICY, "--allow", "CP0501", "http://127.0.0.1:9/app/"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`CP0501` is an error and cannot be allowed"),
        "{}",
        stderr(&out)
    );
    // No browser: one named that is not there.
    let out = audit(
        &[
            "--policy",
            POLICY,
            "--name",
            "demo",
            "--cmp",
            "klaro",
            "--browser",
            "/nonexistent/chromium",
            "http://127.0.0.1:9/app/",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: no browser at `/nonexistent/chromium` (`--browser`)"),
        "{}",
        stderr(&out)
    );

    if !ready("the audit's fault test") {
        return;
    }
    let dist = audit_site::build_demo();
    let widget = widget_file(tmp.path(), None);
    let no_cmp = good_page().replace(
        "<script src=\"/vendor/vanilla-cookieconsent/cookieconsent.umd.js\"></script>",
        "",
    );
    let busy = good_page().replace(
        "</body>",
        "<script>setInterval(() => fetch('/tick?' + Date.now()), 100);</script></body>",
    );
    let never_loads = good_page().replace("<body>", "<body><img src=\"/hang\" alt=\"\">");
    let site = Site::start(
        dist.path(),
        HashMap::from([
            ("/app/no-cmp/".to_owned(), Answer::Page(no_cmp)),
            ("/app/slow/".to_owned(), Answer::Page(never_loads)),
            ("/hang".to_owned(), Answer::Hang),
            ("/app/busy/".to_owned(), Answer::Page(busy)),
        ]),
    );
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let unreachable = format!("http://127.0.0.1:{closed}/app/");
    let cases = [
        (
            unreachable.clone(),
            format!("`{unreachable}` does not answer (net::ERR_CONNECTION_REFUSED)"),
        ),
        (
            site.url("127.0.0.1", "/app/no-cmp/"),
            "the CMP `cookieconsent` never loaded within 8 s".to_owned(),
        ),
        (
            site.url("127.0.0.1", "/app/slow/"),
            "the page did not finish loading (its load event never fired) within 8 s".to_owned(),
        ),
        (
            site.url("127.0.0.1", "/app/busy/"),
            "the page did not settle (it kept making requests) within 8 s".to_owned(),
        ),
    ];
    for (url, expected) in &cases {
        let run = tempfile::tempdir().expect("tempdir");
        let started = Instant::now();
        let out = audit(
            &[
                "--policy",
                POLICY,
                "--name",
                "demo",
                "--cmp",
                "cookieconsent",
                "--widget",
                widget.to_str().expect("utf-8"),
                "--timeout",
                "8",
                url,
            ],
            run.path(),
        );
        let took = started.elapsed();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{url}: {err}");
        assert!(
            err.starts_with("error: scenario `") && err.contains(expected.as_str()),
            "{url}: expected `{expected}` in:\n{err}"
        );
        // One scenario's timeout, the browser's start and its close; never the sum of all.
        assert!(took < Duration::from_secs(30), "{url}: took {took:?}");
        assert_no_browser_left(run.path());
    }

    // The browser dies during the audit (killed here, as a crash would end it).
    let run = tempfile::tempdir().expect("tempdir");
    let child = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args([
            "audit",
            "--policy",
            POLICY,
            "--name",
            "demo",
            "--cmp",
            "cookieconsent",
            "--timeout",
            "60",
        ])
        .arg(site.url("127.0.0.1", "/app/slow/"))
        .current_dir(root())
        .env("TMPDIR", run.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run consentc audit");
    let audit_pid = child.id().to_string();
    let started = Instant::now();
    let browser = loop {
        let found = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|pid| parent_of(pid).as_deref() == Some(audit_pid.as_str()));
        if let Some(pid) = found {
            break pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the audit started no browser"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    std::thread::sleep(Duration::from_secs(2));
    let killed = Command::new("kill").args(["-KILL", &browser]).status().expect("kill");
    assert!(killed.success());
    let killed_at = Instant::now();
    let out = child.wait_with_output().expect("wait");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the browser"), "{err}");
    assert!(
        killed_at.elapsed() < Duration::from_secs(15),
        "a dead browser is noticed at once, not at --timeout (took {:?})",
        killed_at.elapsed()
    );
    assert_no_browser_left(run.path());
}

#[test]
fn findings_render_with_the_url_in_place_of_the_file() {
    use consentc::diagnostics::{github, human, json, sarif, Code, Diagnostic};
    let url = "https://preview.example.test/app/";
    let d = Diagnostic::new(Code::CP0501, "a request to `https://widget.intercom.io/widget/x` before `support` was granted (scenario: first visit, step: load)")
        .help("load Intercom only through the policy's loader")
        .at_location(url);
    let sources = consentc::source::SourceMap::default();
    let text = human::render(std::slice::from_ref(&d), &sources, false);
    assert!(text.starts_with("error[CP0501]: a request to"), "{text}");
    assert!(
        text.contains(&format!("  --> {url}\n")) && text.contains("  help: load Intercom"),
        "{text}"
    );
    let j: Value = serde_json::from_str(&json::render(std::slice::from_ref(&d), &sources)).expect("json");
    assert_eq!(j["diagnostics"][0]["file"], url);
    assert!(j["diagnostics"][0]["line"].is_null() && j["diagnostics"][0]["column"].is_null());
    let s: Value = serde_json::from_str(&sarif::render(std::slice::from_ref(&d), &sources)).expect("sarif");
    let location = &s["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], url);
    assert!(location.get("region").is_none(), "no region: {location}");
    let g = github::render(std::slice::from_ref(&d), &sources);
    assert!(
        g.starts_with("::error title=CP0501::https%3A") || g.starts_with("::error title=CP0501::https:"),
        "{g}"
    );
    assert!(!g.contains("file="), "an annotation without a file: {g}");
}

#[test]
fn cookie_and_header_reach_a_page_behind_a_login() {
    if !ready("the audit's login test") {
        return;
    }
    let dist = audit_site::build_demo();
    let tmp = tempfile::tempdir().expect("tempdir");
    let widget = widget_file(tmp.path(), None);
    let private = Answer::Private {
        html: good_page(),
        cookie: "session=test-account".to_owned(),
        header: "x-preview-token: t0ken".to_owned(),
    };
    let site = Site::start(dist.path(), HashMap::from([("/app/".to_owned(), private)]));
    let url = site.url("127.0.0.1", "/app/");
    let base = [
        "--policy",
        POLICY,
        "--name",
        "demo",
        "--cmp",
        "cookieconsent",
        "--widget",
        widget.to_str().expect("utf-8"),
        "--format",
        "json",
    ];
    // Without the session the audit sees the sign-in page, which has no banner to answer.
    let mut args = base.to_vec();
    args.extend(["--timeout", "8", &url]);
    let out = audit(&args, tmp.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the CMP `cookieconsent` never loaded within 8 s"),
        "{}",
        stderr(&out)
    );
    // With them it audits the app page itself, which keeps the policy.
    let mut args = base.to_vec();
    args.extend([
        "--cookie",
        "session=test-account",
        "--header",
        "X-Preview-Token: t0ken",
        &url,
    ]);
    let out = audit(&args, tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(findings(&stdout(&out)).is_empty());
    // Malformed ones are usage errors.
    let mut args = base.to_vec();
    args.extend(["--cookie", "no-equals-sign", &url]);
    let out = audit(&args, tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: `no-equals-sign` is not `NAME=VALUE`"),
        "{}",
        stderr(&out)
    );
}

/// A policy like the demo's, for Cookiebot, whose three categories hold the three purposes.
const COOKIEBOT_POLICY: &str = r#"policy demo {
  title = "consentc demo site, Cookiebot"
  jurisdictions = [eu, uk]
  intercom {
    app_id = "demo1234"
    region = eu
    load = when_granted
    pages = ["/app/**"]
    audience_rules = applied
    retention { conversations = 12 months; users = 24 months; visitors = 6 months }
  }
  purpose support {
    title = "Support chat"
    description = "Lets you chat with our support team in the app."
    basis = consent
    features = [intercom.messenger, intercom.help_center]
  }
  purpose guidance {
    title = "Product tours and in-app messages"
    description = "Shows you product tours, tips, surveys and announcements chosen from how you use the app."
    basis = consent
    features = [intercom.*] except [intercom.messenger, intercom.help_center, intercom.identity, intercom.fin, intercom.tracking]
  }
  purpose analytics {
    title = "Usage analytics"
    description = "Records which pages of the app you visit and what you do there."
    basis = consent
    features = [intercom.tracking.*]
  }
  cmp cookiebot { support = preferences; guidance = marketing; analytics = statistics }
}
"#;

#[test]
fn cookiebot_is_driven_through_its_sdk() {
    if !ready("the audit's Cookiebot test") {
        return;
    }
    // Cookiebot is a hosted service: the page runs the fake the loader's QuickJS tests use
    // (tests/js/fakes/cookiebot.js, written from Cookiebot's documented SDK), not Cookiebot.
    let tmp = tempfile::tempdir().expect("tempdir");
    let policy = tmp.path().join("cookiebot.policy");
    std::fs::write(&policy, COOKIEBOT_POLICY).expect("write policy");
    let dist = tmp.path().join("dist");
    let built = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .arg("build")
        .arg(&policy)
        .arg("--out")
        .arg(&dist)
        .output()
        .expect("consentc build");
    assert!(built.status.success(), "{}", stderr(&built));
    let fake = std::fs::read_to_string(root().join("tests/js/fakes/cookiebot.js")).expect("fake");
    let page = |loader: &str| {
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<title>App</title>\n<script>{fake}</script>\n<script>setTimeout(() => __cb.load(), 50);</script>\n{loader}\n</head>\n<body><h1>App</h1></body>\n</html>\n"
        )
    };
    let good = page("<script src=\"/consentc/intercom-loader.cookiebot.js\" data-cookieconsent=\"ignore\"></script>");
    // The loader marked as a marketing script, as Cookiebot's auto-blocker would hold it back.
    let gated = page("<script type=\"text/plain\" data-cookieconsent=\"marketing\" src=\"/consentc/intercom-loader.cookiebot.js\"></script>");
    let site = Site::start(
        &dist,
        HashMap::from([
            ("/app/".to_owned(), Answer::Page(good)),
            ("/app/gated/".to_owned(), Answer::Page(gated)),
        ]),
    );
    let widget = widget_file(tmp.path(), None);
    let evidence = tmp.path().join("evidence");
    let (app, gated_url) = (site.url("127.0.0.1", "/app/"), site.url("127.0.0.1", "/app/gated/"));
    let out = audit(
        &[
            "--policy",
            policy.to_str().expect("utf-8"),
            "--widget",
            widget.to_str().expect("utf-8"),
            "--format",
            "json",
            "--evidence",
            evidence.to_str().expect("utf-8"),
            &app,
            &gated_url,
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = findings(&stdout(&out));
    assert!(!found.contains_key(&app), "{:?}", found.get(&app));
    assert!(codes(found.get(&gated_url)).contains(&"CP0505".to_owned()), "{found:?}");
    let only = read_json(
        &evidence
            .join(consentc::audit::evidence_folder(&app))
            .join("only-support.json"),
    );
    assert_eq!(only["steps"][1]["widget"]["booted"], true, "{only}");
    let refused = read_json(
        &evidence
            .join(consentc::audit::evidence_folder(&app))
            .join("only-analytics.json"),
    );
    assert_eq!(refused["steps"][1]["requests"], serde_json::json!([]), "{refused}");
}

#[test]
fn custom_and_consent_mode_are_driven_through_the_page_api() {
    if !ready("the audit's custom and Consent Mode test") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let widget = widget_file(tmp.path(), None);
    // The Cookiebot policy's purposes, with the site's own banner (`consentc.set`) or Google
    // Consent Mode (gtag's `consent` commands in the data layer) instead.
    for (cmp, block, head) in [
        ("custom", "cmp custom {}", ""),
        (
            "consent_mode",
            "cmp consent_mode { support = functionality_storage; guidance = [ad_storage, ad_personalization]; analytics = analytics_storage }",
            "<script>window.dataLayer = window.dataLayer || []; function gtag() { dataLayer.push(arguments); } gtag('consent', 'default', {functionality_storage: 'denied', ad_storage: 'denied', ad_personalization: 'denied', analytics_storage: 'denied'});</script>",
        ),
    ] {
        let text = COOKIEBOT_POLICY.replace("cmp cookiebot { support = preferences; guidance = marketing; analytics = statistics }", block);
        let policy = tmp.path().join(format!("{cmp}.policy"));
        std::fs::write(&policy, text).expect("write policy");
        let dist = tmp.path().join(format!("dist-{cmp}"));
        let built = Command::new(env!("CARGO_BIN_EXE_consentc"))
            .arg("build")
            .arg(&policy)
            .arg("--out")
            .arg(&dist)
            .output()
            .expect("consentc build");
        assert!(built.status.success(), "{cmp}: {}", stderr(&built));
        let page = format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<title>App</title>\n{head}\n<script src=\"/consentc/intercom-loader.{cmp}.js\"></script>\n</head>\n<body><h1>App</h1></body>\n</html>\n"
        );
        let site = Site::start(&dist, HashMap::from([("/app/".to_owned(), Answer::Page(page))]));
        let url = site.url("127.0.0.1", "/app/");
        let evidence = tmp.path().join(format!("evidence-{cmp}"));
        let out = audit(
            &[
                "--policy",
                policy.to_str().expect("utf-8"),
                "--widget",
                widget.to_str().expect("utf-8"),
                "--evidence",
                evidence.to_str().expect("utf-8"),
                &url,
            ],
            tmp.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{cmp}: {}", stderr(&out));
        let folder = evidence.join(consentc::audit::evidence_folder(&url));
        let only = read_json(&folder.join("only-support.json"));
        assert_eq!(only["steps"][1]["widget"]["booted"], true, "{cmp}: {only}");
        let withdrawn = read_json(&folder.join("withdrawn.json"));
        assert_eq!(withdrawn["steps"][1]["widget"]["booted"], true, "{cmp}: {withdrawn}");
        assert_eq!(withdrawn["steps"][2]["cookies"], serde_json::json!([]), "{cmp}: {withdrawn}");
        let refused = read_json(&folder.join("only-guidance.json"));
        assert_eq!(refused["steps"][1]["requests"], serde_json::json!([]), "{cmp}: {refused}");
    }
}
