//! Snapshots of every CMP configuration, composable module (with its declarations) and snippet
//! `build` writes, for a policy that declares every CMP. Review changes with `cargo insta review` (or `INSTA_UPDATE=always`).

const POLICY: &str = r##"
policy every_cmp {
  title = "Every CMP"
  jurisdictions = [eu, uk]
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
