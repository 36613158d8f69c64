//! A directory with 10 000 policy files: every file is read, checked and reported in one run.
//! (Speed is measured in the benchmarks, not asserted here.)

use std::process::Command;

fn policy(i: usize) -> String {
    format!(
        "policy site_{i} {{\n  title = \"Site {i}\"\n  intercom {{\n    app_id = \"app{i}\"\n    region = eu\n    transfer = dpf\n    load = on_interaction\n    audience_rules = applied\n    retention {{ conversations = 12 months; users = 12 months; visitors = 6 months }}\n  }}\n  purpose support {{\n    title = \"Support\"\n    description = \"Chat with us.\"\n    basis = consent\n    features = [intercom.messenger]\n  }}\n  cmp custom {{}}\n}}\n"
    )
}

#[test]
fn ten_thousand_files_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..10_000 {
        // Spread over subdirectories as a real repository would be.
        let sub = dir.path().join(format!("team_{:02}", i % 50));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("site_{i}.policy")), policy(i)).unwrap();
    }
    // One broken file among them is reported, and the rest are still checked.
    std::fs::write(dir.path().join("team_07/broken.policy"), "policy broken {").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run consentc");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let diagnostics = v["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(
        diagnostics.len(),
        1,
        "only the broken file: {:?}",
        &diagnostics[..diagnostics.len().min(3)]
    );
    assert_eq!(diagnostics[0]["code"], "CP0001");
    assert!(diagnostics[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("team_07/broken.policy"));
}
