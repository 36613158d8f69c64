//! Each CMP's own configuration and its HTML snippet, and for the CMPs a site configures in its
//! own code (vanilla-cookieconsent, Klaro) the ES module that merges the policy into the site's
//! configuration, with its TypeScript declarations (docs/outputs.md).

use serde_json::{json, Map, Value};

use super::escape::{html, js_json, js_json_pretty};
use super::render::Renderer;
use crate::catalog::{cmps, Vendor};
use crate::check::model::{Basis, Duration, Policy, Purpose};
use crate::emit::config::{messenger_purpose, storage_rows};

/// The CMP service that stands for a purpose's Intercom features, in the vanilla-cookieconsent
/// and Klaro configurations and modules: `intercom-<purpose>`. The loader's adapters for those
/// two CMPs read the service under the same name (templates/adapters/cookieconsent.js.hbs,
/// klaro.js.hbs), and the bundled-site browser suite (tests/browser/bundled.mjs) runs them
/// against configurations built here.
fn intercom_service(purpose: &str) -> String {
    format!("intercom-{purpose}")
}

/// `(file name, contents)` for one CMP of one policy. `base`: where the output directory is
/// served from (`emit::parse_base`); the snippet loads `<base><policy>/<file>`.
pub fn render(
    r: &Renderer,
    policy: &Policy,
    vendor: &Vendor,
    cmp: &str,
    base: &str,
) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    let title = cmps::find(cmp).map_or(cmp, |c| c.title);
    match cmp {
        "cookieconsent" => {
            let data = json!({"policy": html(&policy.name), "config": js_json(&cookieconsent(policy, vendor))});
            files.push((
                "cookieconsent-config.js".to_owned(),
                r.render("cookieconsent-config.js", &data)?,
            ));
            let module = cookieconsent_module(policy, vendor);
            for file in ["cookieconsent-intercom.mjs", "cookieconsent-intercom.d.mts"] {
                files.push((file.to_owned(), r.render(file, &module)?));
            }
        }
        "klaro" => {
            let data = json!({"policy": html(&policy.name), "config": js_json(&klaro(policy, vendor))});
            files.push(("klaro-config.js".to_owned(), r.render("klaro-config.js", &data)?));
            let module = klaro_module(policy, vendor);
            for file in ["klaro-intercom.mjs", "klaro-intercom.d.mts"] {
                files.push((file.to_owned(), r.render(file, &module)?));
            }
        }
        "onetrust" => files.push(("onetrust-cookies.json".to_owned(), pretty(&onetrust(policy, vendor)))),
        "cookiebot" => files.push((
            "cookiebot-declaration.json".to_owned(),
            pretty(&cookiebot(policy, vendor)),
        )),
        "usercentrics" => files.push((
            "usercentrics-services.json".to_owned(),
            pretty(&usercentrics(policy, vendor)),
        )),
        "didomi" => files.push(("didomi-vendor.json".to_owned(), pretty(&didomi(policy, vendor)))),
        _ => {}
    }
    let snippet = format!("{cmp}-snippet.html");
    if r.has(&snippet) {
        let example: Vec<String> = policy.purposes.keys().map(|p| format!("{p}: true")).collect();
        let url = |file: &str| html(&format!("{base}{}/{file}", policy.name));
        let data = json!({
            "cmp_title": html(title),
            "policy": html(&policy.name),
            "loader": url(&format!("intercom-loader.{cmp}.js")),
            "config": url(&format!("{cmp}-config.js")),
            "purpose_example": html(&example.join(", ")),
        });
        files.push((snippet.clone(), r.render(&snippet, &data)?));
    }
    Ok(files)
}

/// The cookie names that the policy's mapped features set (the messenger's, app id filled in).
pub fn cookie_names(policy: &Policy, vendor: &Vendor) -> Vec<String> {
    storage_rows(policy, vendor)
        .into_iter()
        .filter(|r| r.kind == "cookie")
        .map(|r| r.name)
        .collect()
}

/// A short stable number from the consent-relevant content: purposes, their leaves and bases,
/// and how each CMP names them. Reworded titles or comments do not change it.
pub fn revision(policy: &Policy, vendor: &Vendor) -> u32 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in policy.purposes.values() {
        h.update(p.name.as_bytes());
        h.update([0]);
        h.update(p.basis.value.as_str().as_bytes());
        for &leaf in &p.leaves {
            h.update([1]);
            h.update(vendor.leaves[leaf].as_bytes());
        }
        h.update([2]);
    }
    for (name, block) in &policy.cmps {
        h.update(name.as_bytes());
        for (purpose, entry) in &block.entries {
            h.update(purpose.as_bytes());
            h.update([3]);
            h.update(entry.value.to_string().as_bytes());
        }
    }
    let digest = h.finalize();
    // 31 bits: a positive JavaScript integer on every engine.
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) & 0x7fff_ffff
}

fn purpose_cmp_value(policy: &Policy, cmp: &str, purpose: &str) -> Option<String> {
    policy.cmps.get(cmp)?.entries.get(purpose).map(|e| e.value.to_string())
}

/// The facts both vanilla-cookieconsent outputs share (the standalone `cookieconsent-config.js`
/// and the composable `cookieconsent-intercom.mjs`), computed once here.
struct CookieconsentParts {
    /// The categories the policy's purposes use, each with its `intercom-<purpose>` services and,
    /// for the messenger's category, the cookies to clear.
    categories: Map<String, Value>,
    /// Per language (canonical tag), one preferences-modal section per purpose, linked to its
    /// category.
    sections: Map<String, Value>,
    /// `{purpose, basis, category, service}` per purpose, for the module's merge.
    purposes: Vec<Value>,
    /// `{category, cookies}` of the messenger's purpose, or null.
    messenger: Value,
}

/// The purposes a visitor is shown (those that gate features) with the value `cmp` maps each to.
fn shown_purposes<'a>(policy: &'a Policy, cmp: &'a str) -> impl Iterator<Item = (&'a Purpose, String)> {
    policy
        .purposes
        .values()
        .filter(|p| !p.leaves.is_empty())
        .filter_map(move |p| Some((p, purpose_cmp_value(policy, cmp, &p.name)?)))
}

fn cookieconsent_parts(policy: &Policy, vendor: &Vendor) -> CookieconsentParts {
    let messenger = messenger_purpose(policy, vendor);
    let default = policy.default_language();
    let mut parts = CookieconsentParts {
        categories: Map::new(),
        sections: Map::new(),
        purposes: Vec::new(),
        messenger: Value::Null,
    };
    for (p, category) in shown_purposes(policy, "cookieconsent") {
        let service = intercom_service(&p.name);
        let entry = parts.categories.entry(category.clone()).or_insert_with(|| {
            json!({
                // Only a legitimate-interest or contract purpose is on until refused; a contract
                // purpose is information, not a choice (no right to object), so read-only.
                "enabled": p.basis.value != Basis::Consent,
                "readOnly": category == "necessary" || p.basis.value == Basis::Contract,
                "services": {},
            })
        });
        if let Some(services) = entry.get_mut("services").and_then(Value::as_object_mut) {
            // vanilla-cookieconsent v3 takes one label per service, whatever the language: the
            // default language's title (the section above it is translated).
            services.insert(service.clone(), json!({"label": html(policy.title_in(p, default))}));
        }
        if messenger == Some(p.name.as_str()) {
            let names = cookie_names(policy, vendor);
            let cookies: Vec<Value> = names.iter().map(|n| json!({"name": n})).collect();
            entry["autoClear"] = json!({"cookies": cookies, "reloadPage": false});
            parts.messenger = json!({"category": category, "cookies": names});
        }
        parts.purposes.push(json!({
            "purpose": p.name,
            "basis": p.basis.value.as_str(),
            "category": category,
            "service": service,
        }));
    }
    for language in policy.language_tags() {
        let sections: Vec<Value> = shown_purposes(policy, "cookieconsent")
            .map(|(p, category)| {
                // vanilla-cookieconsent inserts titles and descriptions as HTML: the policy's
                // words are text, so they are escaped.
                json!({
                    "title": html(policy.title_in(p, language)),
                    "description": html(policy.description_in(p, language)),
                    "linkedCategory": category,
                })
            })
            .chain(controller_section(policy))
            .collect();
        parts.sections.insert(language.to_owned(), Value::Array(sections));
    }
    parts
}

fn cookieconsent(policy: &Policy, vendor: &Vendor) -> Value {
    let mut parts = cookieconsent_parts(policy, vendor);
    let mut translations = Map::new();
    for language in policy.language_tags() {
        let text = |key: &str| html(policy.banner_text_in(key, language));
        translations.insert(
            language.to_owned(),
            json!({
                "consentModal": {
                    "title": text("title"),
                    "description": text("description"),
                    "acceptAllBtn": text("accept_all"),
                    "acceptNecessaryBtn": text("reject_all"),
                    "showPreferencesBtn": text("preferences"),
                },
                "preferencesModal": {
                    "title": text("preferences"),
                    "acceptAllBtn": text("accept_all"),
                    "acceptNecessaryBtn": text("reject_all"),
                    "savePreferencesBtn": text("save"),
                    "sections": parts.sections.remove(language).unwrap_or_default(),
                },
            }),
        );
    }
    json!({
        "revision": revision(policy, vendor),
        "categories": parts.categories,
        "language": {
            "default": policy.default_language(),
            // The page's `<html lang>`: vanilla-cookieconsent takes the exact tag, then its first
            // two letters, then `default`.
            "autoDetect": "document",
            "translations": translations,
        },
    })
}

/// The data of `cookieconsent-intercom.mjs`: the same facts as the standalone configuration, each
/// encoded for its JavaScript context.
fn cookieconsent_module(policy: &Policy, vendor: &Vendor) -> Value {
    let parts = cookieconsent_parts(policy, vendor);
    let translations: Map<String, Value> = parts
        .sections
        .into_iter()
        .map(|(language, sections)| (language, json!({"preferencesModal": {"sections": sections}})))
        .collect();
    json!({
        "policy": html(&policy.name),
        "revision": js_json(&json!(revision(policy, vendor))),
        "categories": js_json_pretty(&Value::Object(parts.categories)),
        "translations": js_json_pretty(&Value::Object(translations)),
        "purposes": js_json_pretty(&Value::Array(parts.purposes)),
        "messenger": js_json_pretty(&parts.messenger),
        "language": js_json(&json!(policy.default_language())),
    })
}

/// The last preferences section: who is responsible and where the privacy policy is (EDPB
/// Guidelines 05/2020 on consent: the controller's identity is part of informed consent). Its
/// title is the controller's name, so it reads the same in every language.
fn controller_section(policy: &Policy) -> Option<Value> {
    let c = policy.controller.as_ref()?;
    let name = c.name.as_ref()?;
    let mut parts: Vec<String> = Vec::new();
    if let Some(contact) = &c.contact {
        parts.push(html(&contact.value));
    }
    if let Some(dpo) = &c.dpo {
        parts.push(html(&dpo.value));
    }
    if let Some(url) = &c.privacy_policy {
        // Checked as an https URL or absolute path (CP0103); escaped for the attribute.
        let href = html(&url.value);
        parts.push(format!("<a href=\"{href}\">{href}</a>"));
    }
    Some(json!({"title": html(&name.value), "description": parts.join(" · ")}))
}

/// The key Klaro looks a language up under: it lower-cases the page's `lang` and keeps only the
/// language of a `language-region` pair (`de-AT` -> `de`), so a tag of two subtags is found under
/// its first; a longer one (`zh-Hant-TW`) whole.
fn klaro_key(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    match lower.split('-').count() {
        2 => lower.split('-').next().unwrap_or_default().to_owned(),
        _ => lower,
    }
}

/// The policy's languages as Klaro keys, the default first; of two tags with one key (`pt-BR`,
/// `pt-PT`), the first declared.
fn klaro_languages(policy: &Policy) -> Vec<(String, &str)> {
    let mut keys: Vec<(String, &str)> = Vec::new();
    for tag in policy.language_tags() {
        let key = klaro_key(tag);
        if !keys.iter().any(|(k, _)| *k == key) {
            keys.push((key, tag));
        }
    }
    keys
}

/// The facts both Klaro outputs share (`klaro-config.js` and `klaro-intercom.mjs`).
struct KlaroParts {
    /// One Klaro service `intercom-<purpose>` per purpose; the messenger's lists its cookies.
    services: Vec<Value>,
    /// Per Klaro language key, the title and description of each Klaro purpose the policy uses
    /// (of the first policy purpose mapped to it).
    purpose_texts: Map<String, Value>,
    /// `{purpose, basis, value, service}` per purpose (`value`: the Klaro purpose id).
    purposes: Vec<Value>,
}

fn klaro_parts(policy: &Policy, vendor: &Vendor) -> KlaroParts {
    let messenger = messenger_purpose(policy, vendor);
    let languages = klaro_languages(policy);
    let default = policy.default_language();
    let mut parts = KlaroParts {
        services: Vec::new(),
        purpose_texts: Map::new(),
        purposes: Vec::new(),
    };
    for (key, tag) in &languages {
        let mut titles = Map::new();
        for (p, klaro_purpose) in shown_purposes(policy, "klaro") {
            if !titles.contains_key(&klaro_purpose) {
                let texts = json!({"title": policy.title_in(p, tag), "description": policy.description_in(p, tag)});
                titles.insert(klaro_purpose, texts);
            }
        }
        parts.purpose_texts.insert(key.clone(), json!({"purposes": titles}));
    }
    for (p, klaro_purpose) in shown_purposes(policy, "klaro") {
        let cookies = if messenger == Some(p.name.as_str()) {
            cookie_names(policy, vendor)
        } else {
            Vec::new()
        };
        let service = intercom_service(&p.name);
        let texts: Map<String, Value> = languages
            .iter()
            .map(|(key, tag)| {
                (
                    key.clone(),
                    json!({
                        "title": format!("Intercom: {}", policy.title_in(p, tag)),
                        "description": policy.description_in(p, tag),
                    }),
                )
            })
            .collect();
        parts.services.push(json!({
            "name": service,
            "title": format!("Intercom: {}", policy.title_in(p, default)),
            "purposes": [klaro_purpose],
            "cookies": cookies,
            "default": p.basis.value != Basis::Consent,
            "optOut": false,
            // A contract purpose carries no right to object: Klaro shows it, always on.
            "required": p.basis.value == Basis::Contract,
            "onlyOnce": true,
            "translations": texts,
        }));
        parts.purposes.push(json!({
            "purpose": p.name,
            "basis": p.basis.value.as_str(),
            "value": klaro_purpose,
            "service": service,
        }));
    }
    parts
}

fn klaro(policy: &Policy, vendor: &Vendor) -> Value {
    let mut parts = klaro_parts(policy, vendor);
    let languages = klaro_languages(policy);
    let mut translations = Map::new();
    for (key, tag) in &languages {
        let mut texts = parts.purpose_texts.remove(key).unwrap_or_else(|| json!({}));
        // Klaro ships its own texts in many languages: the policy's replace them only where it
        // has a `banner` block.
        if policy.banner.is_some() {
            let text = |k: &str| policy.banner_text_in(k, tag);
            texts["consentNotice"] = json!({
                "title": text("title"),
                "description": text("description"),
                "learnMore": text("preferences"),
            });
            texts["consentModal"] = json!({"title": text("preferences"), "description": text("description")});
            texts["ok"] = json!(text("accept_all"));
            texts["acceptAll"] = json!(text("accept_all"));
            texts["decline"] = json!(text("reject_all"));
            texts["acceptSelected"] = json!(text("save"));
            texts["save"] = json!(text("save"));
        }
        translations.insert(key.clone(), texts);
    }
    // Klaro's fallback for a page language the configuration lacks: the default language.
    if let Some(default) = translations.get(&klaro_key(policy.default_language())).cloned() {
        translations.insert("zz".to_owned(), default);
    }
    let mut config = json!({
        "version": 1,
        "elementID": "klaro",
        "storageMethod": "cookie",
        "cookieName": "klaro",
        "cookieExpiresAfterDays": 180,
        // Policy text is shown as text, never parsed as HTML.
        "htmlTexts": false,
        "mustConsent": false,
        "acceptAll": true,
        "hideDeclineAll": false,
        "showNoticeTitle": policy.banner.is_some(),
        "translations": translations,
        "services": parts.services,
    });
    // Klaro links the privacy policy from its notice and modal, in its own words per language
    // (the key is left out without one: Klaro expects a string there).
    if let Some(url) = policy.controller.as_ref().and_then(|c| c.privacy_policy.as_ref()) {
        config["privacyPolicy"] = json!(url.value);
    }
    config
}

/// The data of `klaro-intercom.mjs`, each fact encoded for its JavaScript context.
fn klaro_module(policy: &Policy, vendor: &Vendor) -> Value {
    let parts = klaro_parts(policy, vendor);
    json!({
        "policy": html(&policy.name),
        "services": js_json_pretty(&Value::Array(parts.services)),
        "translations": js_json_pretty(&Value::Object(parts.purpose_texts)),
        "purposes": js_json_pretty(&Value::Array(parts.purposes)),
        "language": js_json(&json!(klaro_key(policy.default_language()))),
    })
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// OneTrust: the cookies to add to the scan results (Cookies, Categorize), per group.
fn onetrust(policy: &Policy, vendor: &Vendor) -> Value {
    let cookies: Vec<Value> = storage_rows(policy, vendor)
        .into_iter()
        .map(|r| {
            json!({
                "name": r.name,
                "host": "(your site's parent domain)",
                "type": if r.kind == "cookie" { "HTTP" } else { r.kind },
                // OneTrust's cookie list takes a lifespan in days.
                "lifespan_days": r.lifetime.map(Duration::max_days),
                "category": purpose_cmp_value(policy, "onetrust", &r.purpose),
                "purpose": r.purpose,
                "description": r.description,
                "third_party": false,
                "provider": vendor.title,
            })
        })
        .collect();
    json!({"format": "consentc-onetrust-cookies", "version": 1, "policy": policy.name, "cookies": cookies, "texts": texts_by_language(policy, "onetrust"), "controller": controller_json(policy)})
}

/// Cookiebot: the manual cookie declaration (Cookiebot admin, Cookies, Add cookie).
fn cookiebot(policy: &Policy, vendor: &Vendor) -> Value {
    let cookies: Vec<Value> = storage_rows(policy, vendor)
        .into_iter()
        .map(|r| {
            json!({
                "name": r.name,
                "provider": vendor.title,
                "category": purpose_cmp_value(policy, "cookiebot", &r.purpose),
                "type": if r.kind == "cookie" { "HTTP" } else { "HTML" },
                // Cookiebot declares expiry with its unit ("9 months"): no conversion needed.
                "expiry": r.lifetime.map(|d| d.to_string()),
                "purpose": r.description,
            })
        })
        .collect();
    json!({"format": "consentc-cookiebot-declaration", "version": 2, "policy": policy.name, "cookies": cookies, "texts": texts_by_language(policy, "cookiebot"), "controller": controller_json(policy)})
}

/// Usercentrics: one service per purpose, named as the policy's `cmp usercentrics` block does.
fn usercentrics(policy: &Policy, vendor: &Vendor) -> Value {
    let rows = storage_rows(policy, vendor);
    let services: Vec<Value> = policy
        .purposes
        .values()
        .filter(|p| !p.leaves.is_empty())
        .filter_map(|p| {
            let name = purpose_cmp_value(policy, "usercentrics", &p.name)?;
            let storage: Vec<Value> = rows
                .iter()
                .filter(|r| r.purpose == p.name)
                // Usercentrics stores a cookie's maximum age in seconds (`cookieMaxAgeSeconds`).
                .map(|r| json!({"identifier": r.name, "type": r.kind, "max_age_seconds": r.lifetime.map(Duration::max_seconds), "description": r.description}))
                .collect();
            Some(json!({
                "name": name,
                "description": policy.description_in(p, policy.default_language()),
                "processing_company": vendor.provider,
                "legal_basis": p.basis.value,
                "features": p.leaves.iter().map(|&l| vendor.leaves[l].as_str()).collect::<Vec<_>>(),
                "privacy_policy_url": vendor.privacy_url,
                "storage": storage,
            }))
        })
        .collect();
    json!({"format": "consentc-usercentrics-services", "version": 2, "policy": policy.name, "services": services, "texts": texts_by_language(policy, "usercentrics"), "controller": controller_json(policy)})
}

/// Didomi: the custom vendor (Didomi console, Vendors, Add a custom vendor) and its device
/// storage disclosure in the IAB format.
fn didomi(policy: &Policy, vendor: &Vendor) -> Value {
    let id = match policy.cmps.get("didomi").and_then(|b| b.options.get("vendor")) {
        Some(crate::check::model::CmpOptionValue::String(s)) => s.clone(),
        _ => "c:intercom".to_owned(),
    };
    let mut purpose_ids = Vec::new();
    let mut leg_int_ids = Vec::new();
    for p in policy.purposes.values().filter(|p| !p.leaves.is_empty()) {
        let Some(value) = purpose_cmp_value(policy, "didomi", &p.name) else {
            continue;
        };
        let list = if p.basis.value == Basis::Consent {
            &mut purpose_ids
        } else {
            &mut leg_int_ids
        };
        if !list.contains(&value) {
            list.push(value);
        }
    }
    let disclosures: Vec<Value> = storage_rows(policy, vendor)
        .into_iter()
        .map(|r| {
            json!({
                "identifier": r.name,
                "type": if r.kind == "cookie" { "cookie" } else { "web" },
                // The IAB device storage disclosure counts seconds.
                "maxAgeSeconds": r.lifetime.map(Duration::max_seconds),
                "cookieRefresh": r.kind == "cookie",
                "domain": "*",
                "purposes": purpose_cmp_value(policy, "didomi", &r.purpose).into_iter().collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "id": id,
        "name": vendor.title,
        "policyUrl": vendor.privacy_url,
        "purposeIds": purpose_ids,
        "legIntPurposeIds": leg_int_ids,
        "usesNonCookieAccess": true,
        "deviceStorageDisclosures": {"disclosures": disclosures},
        "texts": texts_by_language(policy, "didomi"),
        "controller": controller_json(policy),
    })
}

/// Who is responsible, for the dashboard CMPs' notice texts (null when the policy does not say).
fn controller_json(policy: &Policy) -> Value {
    let Some(c) = &policy.controller else {
        return Value::Null;
    };
    let field = |v: &Option<crate::check::model::Spanned<String>>| v.as_ref().map(|s| s.value.clone());
    json!({"name": field(&c.name), "contact": field(&c.contact), "dpo": field(&c.dpo), "privacy_policy": field(&c.privacy_policy)})
}

/// What to enter in a dashboard CMP for each language: per canonical tag, each shown purpose's
/// title and description with the CMP's name for it. The default language comes first.
fn texts_by_language(policy: &Policy, cmp: &str) -> Value {
    let mut by_language = Map::new();
    for language in policy.language_tags() {
        let purposes: Vec<Value> = shown_purposes(policy, cmp)
            .map(|(p, value)| {
                json!({
                    "purpose": p.name,
                    cmp: value,
                    "title": policy.title_in(p, language),
                    "description": policy.description_in(p, language),
                })
            })
            .collect();
        by_language.insert(language.to_owned(), Value::Array(purposes));
    }
    Value::Object(by_language)
}
