//! Every CMP has a page in docs/cmps/ whose snippet is exactly what `build` writes for the
//! reference policy below. `UPDATE_DOCS=1` rewrites the snippet sections.

use consentc::catalog::cmps;

const POLICY: &str = r##"
policy site {
  title = "Site"
  intercom {
    app_id = "abc123xy"
    region = eu
    transfer = dpf
    load = on_interaction
    audience_rules = applied
    retention { conversations = 24 months; users = 24 months; visitors = 9 months }
  }
  purpose support {
    title = "Support chat"
    description = "Chat with our support team."
    basis = consent
    features = [intercom.messenger]
  }
  cmp onetrust { support = "C0003" }
  cmp cookiebot { support = preferences }
  cmp klaro { support = "livechat" }
  cmp cookieconsent { support = "support" }
  cmp usercentrics { support = "Intercom Messenger" }
  cmp didomi(vendor = "c:intercom-XyZ") { support = "support" }
  cmp tcf { support = 1 }
  cmp custom {}
  cmp consent_mode { support = functionality_storage }
}
"##;

const START: &str = "## The snippet\n";

#[test]
fn every_cmp_page_shows_the_exact_snippet() {
    let checked = consentc::check_sources(vec![("site.policy".to_owned(), POLICY.as_bytes().to_vec())]);
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let output = consentc::emit::emit(&checked.model, consentc::catalog::builtin(), &[]).expect("emit");
    for cmp in cmps::CMPS {
        let page = format!("docs/cmps/{}.md", cmp.name);
        let text = std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("missing {page}"));
        let snippet = output
            .files
            .get(&format!("site/{}-snippet.html", cmp.name))
            .expect("snippet");
        let section = format!(
            "{START}\nFor a policy `site` with `cmp {}`, `build` writes `dist/site/{}-snippet.html`:\n\n```html\n{}```\n",
            cmp.name,
            cmp.name,
            String::from_utf8_lossy(snippet)
        );
        let current = text.find(START).map(|i| {
            let rest = &text[i..];
            let end = rest
                .find("```\n")
                .and_then(|j| rest[j + 4..].find("```\n").map(|k| j + 4 + k + 4));
            (i, i + end.unwrap_or(rest.len()))
        });
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = match current {
                Some((a, b)) => format!("{}{}{}", &text[..a], section, &text[b..]),
                None => format!("{}\n{}", text.trim_end(), "\n".to_owned() + &section),
            };
            std::fs::write(&page, updated).expect("write");
            continue;
        }
        let (a, b) = current.unwrap_or_else(|| panic!("{page} has no `{}`; run with UPDATE_DOCS=1", START.trim()));
        assert_eq!(
            &text[a..b],
            section,
            "{page}: the snippet differs from what build writes; run with UPDATE_DOCS=1"
        );
    }
}
