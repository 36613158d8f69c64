//! Giving consent the way a visitor would, through the CMP's own JavaScript API (audit.md): the
//! same entry points the loader's adapters read (docs/loader.md, "CMP adapters"). Each driver
//! is one expression evaluated in the page; it answers `"ok"`, `"waiting"` while the CMP has not
//! loaded yet, or `"cannot: <why>"`.

use std::collections::BTreeMap;

use serde_json::json;

use super::plan::Plan;
use crate::check::model::CmpValue;

/// The CMPs the audit can drive. The others are reported (exit 2), never skipped.
pub const DRIVEN: &[&str] = &["cookieconsent", "klaro", "cookiebot", "custom", "consent_mode"];

/// Whether the audit can drive this CMP at all.
pub fn drivable(cmp: &str) -> bool {
    DRIVEN.contains(&cmp)
}

/// The expression that gives `choice` (purpose to granted) through the plan's CMP.
pub fn script(plan: &Plan, choice: &BTreeMap<String, bool>) -> String {
    // A CMP value shared by several purposes is granted when any of them is.
    let mut values: BTreeMap<String, bool> = BTreeMap::new();
    for purpose in &plan.purposes {
        let granted = choice.get(&purpose.name).copied().unwrap_or(false);
        let names: Vec<String> = match &purpose.cmp_value {
            Some(CmpValue::Name(n)) => vec![n.clone()],
            Some(CmpValue::Number(n)) => vec![n.to_string()],
            Some(CmpValue::List(list)) => list.clone(),
            None => Vec::new(),
        };
        for name in names {
            *values.entry(name).or_insert(false) |= granted;
        }
    }
    let data = json!({"values": values, "purposes": choice});
    let body = match plan.cmp.as_str() {
        "cookieconsent" => COOKIECONSENT,
        "klaro" => KLARO,
        "cookiebot" => COOKIEBOT,
        "custom" => CUSTOM,
        "consent_mode" => CONSENT_MODE,
        _ => "return 'cannot: the audit has no driver for this CMP';",
    };
    format!("(async (data) => {{ {body} }})({data})")
}

/// vanilla-cookieconsent v3: `acceptCategory(accepted, excluded)` once `run()` drew its UI.
const COOKIECONSENT: &str = r#"
  const cc = (window.consentcCmps || 0).cookieconsent || window.CookieConsent;
  if (!cc || typeof cc.acceptCategory !== 'function' || !document.getElementById('cc-main')) return 'waiting';
  const names = Object.keys(data.values);
  cc.acceptCategory(names.filter((n) => data.values[n]), names.filter((n) => !data.values[n]));
  if (typeof cc.hide === 'function') cc.hide();
  return 'ok';
"#;

/// Klaro: every service of a purpose follows it, then the choice is saved as a visitor's.
const KLARO: &str = r#"
  const k = (window.consentcCmps || 0).klaro || window.klaro;
  const manager = k && typeof k.getManager === 'function' && k.getManager();
  if (!manager || !manager.config) return 'waiting';
  const services = manager.config.services || manager.config.apps || [];
  for (const service of services) {
    if (service.required) continue;
    const purposes = service.purposes || [];
    const mine = purposes.filter((p) => p in data.values);
    if (!mine.length) continue;
    manager.updateConsent(service.name, mine.some((p) => data.values[p] === true));
  }
  manager.saveAndApplyConsents();
  if (typeof k.hide === 'function') { try { k.hide(); } catch (e) {} }
  return 'ok';
"#;

/// Cookiebot: `submitCustomConsent(preferences, statistics, marketing)` from its SDK; `necessary`
/// cannot be refused.
const COOKIEBOT: &str = r#"
  const cb = window.Cookiebot;
  if (!cb || typeof cb.submitCustomConsent !== 'function') return 'waiting';
  const v = data.values;
  cb.submitCustomConsent(v.preferences === true, v.statistics === true, v.marketing === true);
  return 'ok';
"#;

/// `cmp custom`: the loader's own `consentc.set` is the site's banner API by design.
const CUSTOM: &str = r#"
  const c = window.consentc;
  if (!c || typeof c.set !== 'function') return 'waiting';
  c.set(data.purposes);
  return 'ok';
"#;

/// Google Consent Mode: a `consent update` command as gtag writes it into the data layer.
const CONSENT_MODE: &str = r#"
  if (!Array.isArray(window.dataLayer)) return 'waiting';
  const update = {};
  for (const name of Object.keys(data.values)) update[name] = data.values[name] ? 'granted' : 'denied';
  (function gtag() { window.dataLayer.push(arguments); })('consent', 'update', update);
  return 'ok';
"#;
