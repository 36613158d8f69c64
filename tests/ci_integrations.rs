//! The CI integrations we document: the pre-commit hooks, the GitHub Actions workflow and the
//! `build.rs` example run what they claim.

use std::process::Command;

#[path = "../examples/build_script.rs"]
mod build_script;

fn consentc(dir: &std::path::Path, command_line: &str) -> std::process::Output {
    let args: Vec<&str> = command_line.split_whitespace().skip(1).collect();
    Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(&args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run")
}

/// A scratch repository with the shipped policies and an up-to-date `dist/`.
fn scratch_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    for entry in std::fs::read_dir("policies").unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "policy") {
            std::fs::copy(entry.path(), dir.path().join("policies").join(entry.file_name())).unwrap();
        }
    }
    assert_eq!(
        consentc(dir.path(), "consentc build --out dist policies").status.code(),
        Some(0)
    );
    dir
}

#[test]
fn pre_commit_hook_entries_run() {
    let yaml = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let repo = scratch_repo();
    let entries: Vec<&str> = yaml.lines().filter_map(|l| l.trim().strip_prefix("entry: ")).collect();
    // The Rust hooks and their npm twins (`language: node`), which run the same commands.
    assert_eq!(entries.len(), 4, "{yaml}");
    // The node hooks install the npm package of this very version (the root package.json has no
    // `consentc` command: .pre-commit-hooks.yaml says why).
    let pinned = format!("additional_dependencies: [\"consentc@{}\"]", env!("CARGO_PKG_VERSION"));
    let node_hooks = yaml.lines().filter(|l| l.trim() == "language: node").count();
    assert_eq!(node_hooks, 2, "{yaml}");
    assert_eq!(yaml.matches(&pinned).count(), node_hooks, "each node hook has {pinned}");
    let npm_package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("npm/package.json").unwrap()).unwrap();
    assert_eq!(npm_package["version"], env!("CARGO_PKG_VERSION"), "npm/package.json");
    for entry in entries {
        // pass_filenames hooks get the changed files appended.
        let line = if entry.ends_with("check") {
            format!("{entry} policies/saas_app.policy")
        } else {
            entry.to_owned()
        };
        let out = consentc(repo.path(), &line);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn github_workflow_commands_run() {
    let yaml = std::fs::read_to_string("examples/ci/github-actions.yml").unwrap();
    let repo = scratch_repo();
    let commands: Vec<String> = yaml
        .lines()
        // `npx consentc` is the npm package, which tests/npm_package.rs holds to the binary's
        // behaviour: the binary stands in for it here.
        .filter_map(|l| l.trim().strip_prefix("run: npx consentc "))
        .map(|c| format!("consentc {}", c.split(" > ").next().unwrap_or(c)))
        .collect();
    assert_eq!(commands.len(), 3, "{commands:?}");
    for c in &commands {
        let out = consentc(repo.path(), c);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{c}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The stale check fails once a policy changes and dist/ is not rebuilt.
    let path = repo.path().join("policies/saas_app.policy");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("title = \"", "title = \"Changed ", 1)).unwrap();
    assert_eq!(
        consentc(repo.path(), "consentc build --check --out dist policies")
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn build_rs_example_compiles_policies_with_the_library() {
    let out = tempfile::tempdir().unwrap();
    let n = build_script::compile(std::path::Path::new("policies"), out.path()).expect("policies compile");
    assert!(n > 0);
    let broken = tempfile::tempdir().unwrap();
    std::fs::copy("examples/ambiguous.policy", broken.path().join("ambiguous.policy")).unwrap();
    let target = out.path().join("never");
    let report = build_script::compile(broken.path(), &target).expect_err("CP0201");
    assert!(report.contains("CP0201"), "{report}");
    assert!(!target.exists());
}
