//! Hostile input: whatever bytes a file holds, `consentc` answers quickly with a diagnostic
//! that names the file (exit 1), or an I/O error (exit 2); it never panics (101), never dies
//! of a signal (a stack overflow), never hangs, and never floods the terminal.
//!
//! Every case runs the built binary as a child process, so a crash shows up as an exit status
//! or a signal here instead of taking the test runner down.
//!
//! An empty file is not hostile: it is a compile set member with no policies, which is clean
//! (exit 0), like an empty directory. A policy file may be empty while its content is being
//! written, and `consentc check` must not fail a repository for it.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Far more than any of these cases needs, even in a debug build on a busy machine.
const DEADLINE: Duration = Duration::from_secs(60);
/// The most a report on one hostile file may print.
const MAX_OUTPUT: usize = 256 * 1024;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Run `consentc ARGS` in `dir` with output to files (a child writing more than a pipe holds
/// must not block), killing it at the deadline.
fn consentc(dir: &Path, args: &[&str]) -> Run {
    let out_path = dir.join(".stdout");
    let err_path = dir.join(".stderr");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).expect("stdout file"))
        .stderr(File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("spawn consentc");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("consentc {args:?} hung: still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let read = |p: &PathBuf| String::from_utf8_lossy(&std::fs::read(p).expect("output")).into_owned();
    let (stdout, stderr) = (read(&out_path), read(&err_path));
    let code = match status.code() {
        Some(code) => code,
        None => panic!(
            "consentc {args:?} was killed by a signal ({status:?}): {}",
            tail(&stderr)
        ),
    };
    assert_ne!(code, 101, "consentc {args:?} panicked: {}", tail(&stderr));
    assert!(
        stdout.len() + stderr.len() <= MAX_OUTPUT,
        "consentc {args:?} printed {} bytes",
        stdout.len() + stderr.len()
    );
    Run {
        code,
        stdout,
        stderr,
        took,
    }
}

fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(2000);
    let start = (start..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    &text[start..]
}

/// Check one file holding `bytes`, in the human and the json format; returns the json report.
fn check(name: &str, bytes: &[u8]) -> (Run, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), bytes).expect("write");
    let human = consentc(dir.path(), &["check", name]);
    let json = consentc(dir.path(), &["check", "--format", "json", name]);
    assert_eq!(human.code, json.code, "{name}: both formats agree on the exit code");
    assert!(!human.stderr.contains('\u{1b}'), "{name}: escape sequences in a report");
    let report: Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("{name}: json report ({e}): {}", tail(&json.stdout)));
    (human, report)
}

/// The file is rejected with CP0001 at `line:column` (if given), named in both formats.
fn rejected(name: &str, bytes: &[u8], at: Option<(u64, u64)>, message: &str) -> Value {
    let (human, report) = check(name, bytes);
    assert_eq!(human.code, 1, "{name}: {}", tail(&human.stderr));
    assert!(
        human.stderr.contains(&format!("{name}:")),
        "{name}: the report names the file: {}",
        tail(&human.stderr)
    );
    assert!(
        human.stderr.contains("error[CP0001]"),
        "{name}: {}",
        tail(&human.stderr)
    );
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1, "{name}: one syntax error per file: {report}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "CP0001", "{name}");
    assert_eq!(d["file"], name);
    assert!(
        d["message"].as_str().is_some_and(|m| m.contains(message)),
        "{name}: {}",
        d["message"]
    );
    if let Some((line, column)) = at {
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(line), Some(column)),
            "{name}: {d}"
        );
    }
    assert!(human.took < DEADLINE, "{name}");
    report
}

#[test]
fn an_empty_file_is_a_clean_file_with_no_policies() {
    for (name, bytes) in [
        ("empty.policy", &b""[..]),
        ("blank.policy", b"\n\n   \t\r\n"),
        ("comments.policy", b"// nothing yet\n/* still nothing */\n"),
        ("bom.policy", b"\xef\xbb\xbf"),
    ] {
        let (run, report) = check(name, bytes);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(report["diagnostics"], Value::Array(Vec::new()), "{name}");
    }
}

#[test]
fn nul_bytes() {
    rejected(
        "nul.policy",
        b"policy shop {\n  title = \"Shop\"\0\n}\n",
        Some((2, 17)),
        "NUL",
    );
    rejected(
        "nul-in-string.policy",
        b"policy shop {\n  title = \"Sh\0op\"\n}\n",
        Some((2, 14)),
        "NUL",
    );
    rejected(
        "nul-in-comment.policy",
        b"// a \0 b\npolicy shop {}\n",
        Some((1, 6)),
        "NUL",
    );
    rejected("nuls.policy", &[0u8; 4096], Some((1, 1)), "NUL");
}

#[test]
fn invalid_utf8_is_located_at_the_bad_byte() {
    rejected(
        "latin1.policy",
        b"policy shop {\n  title = \"Caf\xe9\"\n}\n",
        Some((2, 15)),
        "UTF-8",
    );
    rejected("continuation.policy", b"\x80policy shop {}", Some((1, 1)), "UTF-8");
    rejected(
        "overlong.policy",
        b"policy shop {\n\n  title = \"\xc0\xaf\"\n}",
        Some((3, 12)),
        "UTF-8",
    );
    rejected(
        "surrogate.policy",
        b"policy shop { title = \"\xed\xa0\x80\" }",
        Some((1, 24)),
        "UTF-8",
    );
    rejected(
        "truncated.policy",
        b"policy shop { title = \"\xe2\x82",
        Some((1, 24)),
        "UTF-8",
    );
    // Columns before the bad byte count characters, not bytes.
    rejected(
        "after-accents.policy",
        "policy shop { title = \"éé"
            .as_bytes()
            .iter()
            .chain(b"\xff\"}")
            .copied()
            .collect::<Vec<_>>()
            .as_slice(),
        Some((1, 26)),
        "UTF-8",
    );
    // UTF-16 with its byte order mark.
    let utf16: Vec<u8> = "\u{feff}policy shop {}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    rejected("utf16.policy", &utf16, Some((1, 1)), "UTF-8");
}

#[test]
fn a_30_mb_single_line() {
    let mut line = b"policy shop { title = \"Shop\" } ".repeat(30 * 1024 * 1024 / 32);
    line.push(b'\n');
    rejected("line.policy", &line, Some((1, 1)), "bytes");
    // Just under the size limit, one line of a million characters is read, and reported
    // without printing it.
    let mut long = b"policy shop { ".to_vec();
    long.extend(std::iter::repeat_n(b'a', 1_000_000));
    long.extend_from_slice(b" = = }\n");
    let report = rejected("long-line.policy", &long, None, "expected");
    assert_eq!(report["diagnostics"][0]["line"], 1);
    assert_eq!(report["diagnostics"][0]["column"], 1_000_018);
}

#[test]
fn a_30_mb_string() {
    let mut text = b"policy shop {\n  title = \"".to_vec();
    text.extend(std::iter::repeat_n(b'x', 30 * 1024 * 1024));
    text.extend_from_slice(b"\"\n}\n");
    rejected("string.policy", &text, Some((1, 1)), "bytes");
    // A long string under the limit is a string like any other; a problem after it is located.
    let mut text = b"policy shop {\n  title = \"".to_vec();
    text.extend(std::iter::repeat_n("é".as_bytes(), 400_000).flatten());
    text.extend_from_slice(b"\" titel = 1\n}\n");
    let (run, report) = check("long-string.policy", &text);
    assert_eq!(run.code, 1, "{}", tail(&run.stderr));
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("CP0101"), Some(2), Some(400_014))
    );
}

#[test]
fn nesting_100_000_deep() {
    for (name, open, close) in [("brackets", "[", "]"), ("braces", "{", "}"), ("parens", "(", ")")] {
        let deep = format!(
            "policy shop {{\n  x = {}{}\n}}\n",
            open.repeat(100_000),
            close.repeat(100_000)
        );
        // The policy's `{` is the first level.
        rejected(&format!("{name}.policy"), deep.as_bytes(), Some((2, 70)), "nesting");
        let unclosed = open.repeat(100_000);
        rejected(
            &format!("{name}-unclosed.policy"),
            unclosed.as_bytes(),
            Some((1, 65)),
            "nesting",
        );
    }
    let closers = "]".repeat(100_000);
    rejected("closers.policy", closers.as_bytes(), Some((1, 1)), "unmatched");
    let blocks = format!("{}{}", "a {".repeat(100_000), "}".repeat(100_000));
    rejected("blocks.policy", blocks.as_bytes(), Some((1, 195)), "nesting");
}

#[test]
fn integers_that_overflow() {
    rejected(
        "overflow.policy",
        b"policy shop {\n  cmp tcf { support = 4294967296 }\n}\n",
        Some((2, 23)),
        "32 bits",
    );
    let huge = format!("policy shop {{ x = {} }}", "9".repeat(100_000));
    let report = rejected("huge.policy", huge.as_bytes(), Some((1, 19)), "32 bits");
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.len() < 200),
        "the number is clipped"
    );
    rejected(
        "duration.policy",
        b"policy shop { intercom { retention { users = 99999999999 months } } }",
        Some((1, 46)),
        "32 bits",
    );
}

#[test]
fn unterminated_comments_and_strings() {
    rejected(
        "comment.policy",
        b"policy shop {\n  /* never closed\n}\n",
        Some((2, 3)),
        "block comment",
    );
    rejected(
        "comment-at-end.policy",
        b"policy shop {}\n/*",
        Some((2, 1)),
        "block comment",
    );
    rejected(
        "string.policy",
        b"policy shop {\n  title = \"Shop\n}\n",
        Some((2, 11)),
        "unterminated string",
    );
    rejected(
        "backslash-at-end.policy",
        b"policy shop { title = \"Shop\\",
        Some((1, 23)),
        "unterminated string",
    );
}

#[test]
fn invisible_and_direction_changing_characters_in_identifiers() {
    rejected(
        "rlo.policy",
        "policy sh\u{202e}op {}".as_bytes(),
        Some((1, 10)),
        "U+202E",
    );
    rejected(
        "zwsp.policy",
        "policy shop {\n  ti\u{200b}tle = \"Shop\"\n}".as_bytes(),
        Some((2, 5)),
        "U+200B",
    );
    rejected(
        "lri.policy",
        "policy shop {\n  title = \"Shop\" \u{2066}\n}".as_bytes(),
        Some((2, 18)),
        "U+2066",
    );
    rejected(
        "bom-inside.policy",
        "policy shop {\u{feff}}".as_bytes(),
        Some((1, 14)),
        "U+FEFF",
    );
    // In a comment, a direction override can make code read as comment (Trojan Source).
    rejected(
        "rlo-comment.policy",
        "policy shop { // \u{202e} } policy evil {\n}".as_bytes(),
        Some((1, 18)),
        "U+202E",
    );
}

/// xorshift64*: reproducible pseudo-random bytes without a dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_bytes_and_random_policy_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut random = Random(0x5eed_c0de_1234_5678);
    let pieces: &[&str] = &[
        "policy",
        "purpose",
        "cmp",
        "intercom",
        "features",
        "basis",
        "consent",
        "except",
        "days",
        " ",
        "\n",
        "=",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ",",
        ";",
        "\"",
        "\\",
        "//",
        "/*",
        "*/",
        ".*",
        ".",
        "1",
        "4294967296",
        "é",
        "\u{202e}",
        "\r\n",
        "a",
        "intercom.messenger",
        "support",
        "klaro",
    ];
    let mut names = Vec::new();
    for i in 0..40 {
        let name = format!("bytes-{i:02}.policy");
        let len = random.below(2048);
        let bytes: Vec<u8> = (0..len).map(|_| random.next() as u8).collect();
        std::fs::write(dir.path().join(&name), bytes).expect("write");
        names.push(name);
        let name = format!("text-{i:02}.policy");
        let text: String = (0..random.below(400))
            .map(|_| pieces[random.below(pieces.len())])
            .collect();
        std::fs::write(dir.path().join(&name), text).expect("write");
        names.push(name);
    }
    // Each file alone: a crash is pinned to its input.
    for name in &names {
        let run = consentc(dir.path(), &["check", "--format", "json", name]);
        assert!(
            run.code == 0 || run.code == 1,
            "{name}: exit {}: {}",
            run.code,
            tail(&run.stderr)
        );
        let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        for d in report["diagnostics"].as_array().expect("diagnostics") {
            assert_eq!(d["file"], name.as_str(), "{name}: {d}");
            assert!(d["line"].as_u64().is_some_and(|l| l >= 1), "{name}: {d}");
            assert!(d["column"].as_u64().is_some_and(|c| c >= 1), "{name}: {d}");
        }
        if run.code == 1 {
            assert!(
                !report["diagnostics"].as_array().expect("diagnostics").is_empty(),
                "{name}"
            );
        }
    }
    // All at once, in the human format: the run goes on past every bad file.
    let run = consentc(dir.path(), &["check", "."]);
    assert_eq!(run.code, 1, "{}", tail(&run.stderr));
    assert!(
        run.stderr.contains(&format!("checked {} files", names.len())),
        "{}",
        tail(&run.stderr)
    );
    assert!(!run.stderr.contains('\u{1b}'));
}

#[test]
fn paths_that_are_not_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A missing file is an I/O error naming it.
    let run = consentc(dir.path(), &["check", "missing.policy"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.policy"), "{}", run.stderr);
    // Symbolic links: a loop to a directory is not followed, a dangling or self link is skipped.
    #[cfg(unix)]
    {
        let policies = dir.path().join("policies");
        std::fs::create_dir_all(&policies).expect("mkdir");
        std::fs::write(policies.join("bad.policy"), "policy shop {\n  titel = 1\n}\n").expect("write");
        std::os::unix::fs::symlink(".", policies.join("loop")).expect("symlink");
        std::os::unix::fs::symlink("self.policy", policies.join("self.policy")).expect("symlink");
        std::os::unix::fs::symlink("nowhere.policy", policies.join("dangling.policy")).expect("symlink");
        let run = consentc(dir.path(), &["check", "policies"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("checked 1 file"), "{}", run.stderr);
        // Named explicitly, a link that leads nowhere is an I/O error.
        let run = consentc(dir.path(), &["check", "policies/self.policy"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        let run = consentc(dir.path(), &["check", "policies/dangling.policy"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
    }
    // A FIFO named explicitly is not a policy file (and is never read, so nothing blocks).
    #[cfg(unix)]
    {
        let made = Command::new("mkfifo").arg(dir.path().join("pipe.policy")).status();
        if made.is_ok_and(|s| s.success()) {
            let run = consentc(dir.path(), &["check", "pipe.policy"]);
            assert_eq!(run.code, 2, "{}", run.stderr);
            assert!(run.stderr.contains("pipe.policy"), "{}", run.stderr);
        }
    }
}

#[test]
fn a_hostile_file_next_to_good_ones_does_not_stop_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.policy"), b"policy a {\n  title \"A\"\n}\n").expect("write");
    std::fs::write(dir.path().join("b.policy"), [b'[', 0xff, 0].repeat(1000)).expect("write");
    std::fs::write(dir.path().join("c.policy"), "[".repeat(100_000)).expect("write");
    std::fs::write(dir.path().join("d.policy"), b"policy d {\n  titel = \"D\"\n}\n").expect("write");
    let run = consentc(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(run.code, 1);
    let report: Value = serde_json::from_str(&run.stdout).expect("json");
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("a.policy", "CP0001"),
        ("b.policy", "CP0001"),
        ("c.policy", "CP0001"),
        ("d.policy", "CP0101"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(f, c)| (f.to_string(), c.to_string())).collect();
    assert_eq!(found, expected);
}

/// Files made of thousands of repeated declarations: every rule that compares pairs or
/// looks things up must stay near-linear (and pairwise reports are capped), so a file at the
/// size limit is still answered in seconds.
#[test]
fn floods_of_declarations_are_answered_quickly() {
    const SIZE: usize = 512 * 1024;
    let fill = |head: &str, unit: &dyn Fn(usize) -> String, tail: &str| {
        let mut text = head.to_owned();
        let mut i = 0;
        while text.len() < SIZE {
            text.push_str(&unit(i));
            i += 1;
        }
        text.push_str(tail);
        text
    };
    let intercom = "intercom { app_id = \"abc123xy\"; region = eu }\n";
    let cases = [
        ("policies", fill("", &|i| format!("policy p{i} {{}}\n"), "")),
        (
            "shared-leaf",
            fill(
                &format!("policy a {{\n{intercom}purpose s {{ basis = consent; features = [intercom.messenger] }}\n"),
                &|i| format!("purpose p{i} {{ basis = consent; features = [intercom.help_center] }}\n"),
                "cmp custom {}\n}\n",
            ),
        ),
        ("shared-category", {
            // Purposes of alternating bases, all on one Cookiebot category.
            let n = 4000;
            let purposes: String = (0..n)
                .map(|i| {
                    format!(
                        "purpose p{i} {{ basis = {} }}\n",
                        if i % 2 == 0 { "consent" } else { "contract" }
                    )
                })
                .collect();
            let entries: String = (0..n).map(|i| format!("p{i} = preferences; ")).collect();
            format!("policy a {{\n{intercom}{purposes}cmp cookiebot {{ {entries} }}\n}}\n")
        }),
        (
            "allows",
            fill(
                "policy a {\n",
                &|i| format!("// consentc:allow(CP0409, reason = \"x\")\npurpose p{i} {{ basis = consent }}\n"),
                "}\n",
            ),
        ),
        (
            "listed-twice",
            fill(
                &format!("policy a {{\n{intercom}purpose p {{ basis = consent; features = ["),
                &|_| "intercom.messenger,\n".to_owned(),
                "] }\ncmp custom {}\n}\n",
            ),
        ),
        (
            "unknown-keys",
            fill("policy a {\n", &|i| format!("k{i} = {i}\n"), "}\n"),
        ),
        // One line, so every diagnostic's column is counted along it, with non-ASCII text so
        // columns are not byte offsets.
        (
            "unknown-keys-one-line",
            fill("policy a { ", &|i| format!("k{i} = \"é\" "), "}\n"),
        ),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in cases {
        let file = format!("{name}.policy");
        std::fs::write(dir.path().join(&file), text).expect("write");
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_consentc"))
            .args(["check", "--format", "json", &file])
            .current_dir(dir.path())
            .stdout(File::create(dir.path().join(".out")).expect("out"))
            .stderr(Stdio::null())
            .status()
            .expect("run");
        let took = started.elapsed();
        assert!(matches!(out.code(), Some(0 | 1)), "{name}: {out:?}");
        assert!(took < DEADLINE, "{name}: {took:?}");
        let report = std::fs::read(dir.path().join(".out")).expect("out");
        assert!(
            report.starts_with(b"{") && report.trim_ascii_end().ends_with(b"}"),
            "{name}"
        );
    }
}
