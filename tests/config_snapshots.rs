//! Snapshots of every CMP configuration, composable module (with its declarations) and snippet
//! `build` writes, for a policy that declares every CMP. Review changes with `cargo insta review` (or `INSTA_UPDATE=always`).

const POLICY: &str = r##"
policy every_cmp {
  title = "Every CMP"
  jurisdictions = [eu, uk]
  controller { name = "Acme Software GmbH"; contact = "privacy@acme.example"; dpo = "dpo@acme.example"; privacy_policy = "https://acme.example/privacy" }
  intercom {
    app_id = "abc123xy"
    region = eu
    identity_verification = jwt
    load = on_interaction
    pages = ["/app/**"]
    transfer = dpf
    audience_rules = applied
    retention { conversations = 24 months; users = 24 months; visitors = 9 months }
    facade { label = "Chat with us"; color = "#1f6feb"; position = right }
  }
  purpose support {
    title = "Support chat"
    description = "Chat with our support team."
    basis = consent
    features = [intercom.messenger, intercom.help_center, intercom.identity]
  }
  // consentc:allow(CP0414, reason = "tours for visitors who open the chat")
  purpose guidance {
    title = "Tours and messages"
    description = "Tours chosen from how you use the app."
    basis = consent
    features = [intercom.product_tours, intercom.targeted_messages]
  }
  purpose analytics {
    title = "Usage analytics"
    description = "Pages you visit and what you do."
    basis = consent
    features = [intercom.tracking.*]
  }
  cmp onetrust { support = "C0003"; guidance = "C0004"; analytics = "C0002" }
  cmp cookiebot { support = preferences; guidance = marketing; analytics = statistics }
  cmp klaro { support = "livechat"; guidance = "marketing"; analytics = "analytics" }
  cmp cookieconsent { support = "support"; guidance = "marketing"; analytics = "analytics" }
  cmp usercentrics { support = "Intercom Messenger"; guidance = "Intercom Tours"; analytics = "Intercom Analytics" }
  cmp didomi(vendor = "c:intercom-XyZ") { support = "support"; guidance = "marketing"; analytics = "analytics" }
  cmp tcf { support = 1; guidance = 2; analytics = 3 }
  cmp custom {}
  cmp consent_mode { support = functionality_storage; guidance = [ad_storage, ad_personalization]; analytics = analytics_storage }
}
"##;

#[test]
fn every_configuration_file_and_snippet() {
    let checked = consentc::check_sources(vec![("every.policy".to_owned(), POLICY.as_bytes().to_vec())]);
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let output = consentc::emit::emit(&checked.model, consentc::catalog::builtin(), &[]).expect("emit");
    let mut snapshotted = 0;
    for (path, bytes) in &output.files {
        // The loaders are tested by running them (loader_js, loader_cmps), not by text.
        if path.contains("intercom-loader.") {
            continue;
        }
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        insta::assert_snapshot!(path.replace('/', "__"), text);
        snapshotted += 1;
    }
    // 6 configurations, 2 modules with their declarations, 9 snippets, 4 documents.
    assert_eq!(snapshotted, 23, "{:?}", output.files.keys().collect::<Vec<_>>());
}

/// The origins of a directive in a `csp.txt`.
fn csp_sources<'a>(csp: &'a str, directive: &str) -> Vec<&'a str> {
    csp.lines()
        .find_map(|l| l.strip_prefix(&format!("{directive} ")))
        .map(|l| l.trim_end_matches(';').split(' ').collect())
        .unwrap_or_default()
}

/// csp.txt allows every host a snippet loads a script (`script-src`) or a stylesheet
/// (`style-src`) from, for the CMPs built and no others, and says a word on `style-src`.
#[test]
fn csp_allows_every_host_the_snippets_load_from() {
    let checked = consentc::check_sources(vec![("every.policy".to_owned(), POLICY.as_bytes().to_vec())]);
    let output = consentc::emit::emit(&checked.model, consentc::catalog::builtin(), &[]).expect("emit");
    let csp = String::from_utf8(output.files["every_cmp/csp.txt"].clone()).unwrap();
    assert!(csp.contains("# style-src: the loader's chat button (the facade) is styled through the CSSOM"));
    let mut hosts = 0;
    for (path, bytes) in output.files.iter().filter(|(p, _)| p.ends_with("-snippet.html")) {
        let html = String::from_utf8(bytes.clone()).unwrap();
        for (attr, directive) in [("<script", "script-src"), ("<link", "style-src")] {
            for tag in html.split(attr).skip(1) {
                let tag = tag.split('>').next().unwrap_or_default();
                let Some(url) = tag
                    .split(['"'])
                    .skip_while(|p| !p.ends_with("src=") && !p.ends_with("href="))
                    .nth(1)
                else {
                    continue;
                };
                let Some(rest) = url.strip_prefix("https://") else {
                    continue;
                };
                let origin = format!("https://{}", rest.split('/').next().unwrap_or_default());
                let allowed = csp_sources(&csp, directive);
                let covered = allowed.iter().any(|s| {
                    *s == origin
                        || s.strip_prefix("https://*.")
                            .is_some_and(|d| origin.ends_with(&format!(".{d}")))
                });
                assert!(
                    covered,
                    "{path} loads {origin}, which csp.txt's {directive} lacks:\n{csp}"
                );
                hosts += 1;
            }
        }
    }
    assert!(hosts >= 6, "{hosts}");

    // Only the CMPs built: `--cmp klaro` leaves out jsDelivr (vanilla-cookieconsent).
    let only = ["klaro".to_owned()];
    let options = consentc::emit::Options {
        only_cmps: &only,
        base: "/",
    };
    let output = consentc::emit::emit_with(&checked.model, consentc::catalog::builtin(), options).expect("emit");
    let csp = String::from_utf8(output.files["every_cmp/csp.txt"].clone()).unwrap();
    assert!(
        csp_sources(&csp, "script-src").contains(&"https://cdn.kiprotect.com"),
        "{csp}"
    );
    assert!(!csp.contains("jsdelivr"), "{csp}");
}
