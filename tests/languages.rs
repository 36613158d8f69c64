//! One policy in three languages (tests/languages/: English and German in the policy, French in
//! a translator's file): every output carries every language, translations never change the
//! revision, the consent key is the policy's alone, and `fmt` keeps `text` blocks.

use std::collections::BTreeMap;

use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/languages");

fn sources() -> Vec<(String, Vec<u8>)> {
    ["acme.policy", "acme.fr.policy"]
        .iter()
        .map(|f| {
            let path = format!("{DIR}/{f}");
            (format!("tests/languages/{f}"), std::fs::read(&path).expect(&path))
        })
        .collect()
}

fn build(sources: Vec<(String, Vec<u8>)>) -> BTreeMap<String, String> {
    let checked = consentc::check_sources(sources);
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    let output = consentc::emit::emit(&checked.model, consentc::catalog::builtin(), &[]).expect("emit");
    output
        .files
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("utf-8")))
        .collect()
}

/// The JSON object a generated `.js` configuration passes on (`CookieConsent.run({...})`,
/// `window.klaroConfig = {...}`).
fn embedded_json(js: &str) -> Value {
    let start = js
        .find("({")
        .map(|i| i + 1)
        .or_else(|| js.find("= {").map(|i| i + 2))
        .expect("an object");
    let end = js.rfind('}').expect("closing brace") + 1;
    serde_json::from_str(&js[start..end]).expect("json")
}

#[test]
fn every_output_of_a_three_language_policy() {
    let files = build(sources());
    let mut snapshotted = 0;
    for (path, text) in &files {
        // The loaders are tested by running them (loader_js, the browser suites).
        if path.contains("intercom-loader.") {
            continue;
        }
        insta::assert_snapshot!(path.replace('/', "__"), text);
        snapshotted += 1;
    }
    assert_eq!(snapshotted, 20, "{:?}", files.keys().collect::<Vec<_>>());
}

#[test]
fn the_standalone_configurations_carry_every_language_and_follow_the_page() {
    let files = build(sources());
    let cc = embedded_json(&files["acme/cookieconsent-config.js"]);
    assert_eq!(cc["language"]["default"], "en");
    assert_eq!(cc["language"]["autoDetect"], "document");
    let translations = cc["language"]["translations"].as_object().expect("translations");
    assert_eq!(translations.keys().collect::<Vec<_>>(), ["en", "de", "fr"]);
    let de = &translations["de"];
    assert_eq!(de["consentModal"]["acceptAllBtn"], "Alle akzeptieren");
    assert_eq!(de["preferencesModal"]["sections"][0]["title"], "Support-Chat");
    assert_eq!(
        translations["fr"]["preferencesModal"]["savePreferencesBtn"],
        "Enregistrer mon choix"
    );

    let klaro = embedded_json(&files["acme/klaro-config.js"]);
    let translations = klaro["translations"].as_object().expect("translations");
    // Klaro looks a page's language up lower-cased, region dropped; `zz` is its fallback.
    assert_eq!(translations.keys().collect::<Vec<_>>(), ["en", "de", "fr", "zz"]);
    assert_eq!(translations["de"]["purposes"]["livechat"]["title"], "Support-Chat");
    assert_eq!(translations["zz"], translations["en"]);
    let service = &klaro["services"][0];
    assert_eq!(service["translations"]["fr"]["title"], "Intercom: Chat d'assistance");
    assert!(service["translations"]["de"]["description"]
        .as_str()
        .is_some_and(|d| d.starts_with("Damit können Sie")));

    for file in [
        "onetrust-cookies.json",
        "cookiebot-declaration.json",
        "usercentrics-services.json",
        "didomi-vendor.json",
    ] {
        let reference: Value = serde_json::from_str(&files[&format!("acme/{file}")]).expect(file);
        let texts = reference["texts"].as_object().expect(file);
        assert_eq!(texts.keys().collect::<Vec<_>>(), ["en", "de", "fr"], "{file}");
        assert_eq!(texts["fr"][1]["title"], "Mesure d'audience", "{file}");
    }
    let record = &files["acme/record.md"];
    assert!(record.contains("**Languages shown to visitors**: English (`en`, default), German (`de`), French (`fr`)"));
    assert!(
        !record.contains("Support-Chat"),
        "the record stays in the default language"
    );
}

/// The revision says when visitors must be asked again: for consent-relevant changes, never for
/// a translation. The same build with the texts reworded or removed keeps it; a changed basis
/// does not (so this test can fail).
#[test]
fn translations_never_change_the_revision() {
    let revision = |sources: Vec<(String, Vec<u8>)>| {
        let checked = consentc::check_sources(sources);
        let output = consentc::emit::emit(&checked.model, consentc::catalog::builtin(), &[]).expect("emit");
        let js = String::from_utf8(output.files["acme/cookieconsent-config.js"].clone()).unwrap();
        embedded_json(&js)["revision"].clone()
    };
    let original = revision(sources());
    let edit = |from: &str, to: &str, fr: bool| {
        let mut s = sources();
        let i = usize::from(fr);
        let text = String::from_utf8(s[i].1.clone()).unwrap();
        assert!(text.contains(from), "{from}");
        s[i].1 = text.replace(from, to).into_bytes();
        s
    };
    assert_eq!(revision(edit("Support-Chat", "Hilfe-Chat", false)), original);
    assert_eq!(revision(edit("Choisir", "Sélectionner", true)), original);
    assert_eq!(revision(vec![sources().remove(0)]), original, "without the French file");
    assert_eq!(
        revision(edit("languages = [en, de, fr]", "languages = [en, de, fr, it]", false)),
        original
    );
    assert_ne!(
        revision(edit(
            "basis = consent\n    features = [intercom.tracking.*]",
            "basis = legitimate_interest\n    features = [intercom.tracking.*]",
            false
        )),
        original,
        "a consent-relevant change does change it"
    );
}

/// One policy keeps one consent key and one withdrawal channel whatever the page's language:
/// the loader's configuration is the same for every language but for the facade's labels.
#[test]
fn one_consent_key_for_every_language() {
    let checked = consentc::check_sources(sources());
    let policy = &checked.model.policies[0];
    let vendor = consentc::catalog::builtin().vendor("intercom").unwrap();
    let config = consentc::emit::config::loader_config(policy, vendor, "klaro").expect("config");
    let facade = config.facade.as_ref().expect("facade");
    assert_eq!(
        facade.labels,
        [
            ("en".to_owned(), "Chat with support".to_owned()),
            ("de".to_owned(), "Chat mit dem Support".to_owned()),
            ("fr".to_owned(), "Discuter avec le support".to_owned()),
        ]
    );
    let english_only = consentc::check_sources(vec![sources().remove(0)]);
    let mut other = consentc::emit::config::loader_config(&english_only.model.policies[0], vendor, "klaro").unwrap();
    other.facade = config.facade.clone();
    assert_eq!(other, config);
}

/// `fmt` keeps `text` blocks, top-level `text(policy = ...)` blocks and their comments, and is
/// idempotent on them.
#[test]
fn fmt_keeps_text_blocks_and_their_comments() {
    for file in ["acme.policy", "acme.fr.policy"] {
        let text = std::fs::read_to_string(format!("{DIR}/{file}")).unwrap();
        let formatted = consentc::fmt::format_source(&text).expect("formats");
        assert_eq!(formatted, text, "{file} is already formatted");
    }
    let messy =
        "// translator: Anna\ntext   de( policy=acme ){purpose support{title=\"A\" // short\n description=\"B\"}}\n";
    let formatted = consentc::fmt::format_source(messy).expect("formats");
    assert!(
        formatted.contains("// translator: Anna\ntext de(policy = acme) {"),
        "{formatted}"
    );
    assert!(formatted.contains("// short"), "{formatted}");
    assert_eq!(consentc::fmt::format_source(&formatted).expect("formats"), formatted);
}
