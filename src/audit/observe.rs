//! What is read from the page after each step: Intercom's cookies (all domains of the profile),
//! storage keys, the widget's DOM nodes, whether the loader's firewall owns `window.Intercom`,
//! and, with the suite's stand-in widget, which methods reached it.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::browser::Chromium;
use super::plan::Plan;
use super::scenario::Consent;
use super::session::{Request, Tab};

#[derive(Debug, Clone, Serialize)]
pub struct Cookie {
    pub name: String,
    pub domain: String,
    pub path: String,
    /// Seconds since the epoch; a session cookie has none.
    pub expires: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StorageKey {
    /// `local` or `session`.
    pub kind: String,
    pub key: String,
}

/// What the widget received, where a widget that records it (the test suite's stand-in) runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WidgetRecord {
    /// The methods it received since the page loaded, in order.
    pub calls: Vec<String>,
    pub booted: bool,
}

/// The state after one step.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    pub step: String,
    /// What had been answered while this step ran.
    pub consent: std::collections::BTreeMap<String, bool>,
    pub withdrawn: bool,
    pub url: String,
    /// `window.Intercom` is the loader's accessor: the loader ran.
    pub loader: bool,
    /// Requests to Intercom's hosts during the step.
    pub requests: Vec<Request>,
    pub cookies: Vec<Cookie>,
    pub storage: Vec<StorageKey>,
    pub dom: Vec<String>,
    pub widget: Option<WidgetRecord>,
    /// Methods the widget received during this step only.
    #[serde(skip)]
    pub new_calls: Vec<String>,
    #[serde(skip)]
    pub state: Consent,
}

/// The script that reads the page's side; the plan's prefixes and selector go in as JSON.
fn script(plan: &Plan) -> String {
    let data = json!({"storage": plan.storage_prefix, "dom": plan.dom_selector});
    format!(
        r#"((data) => {{
  const d = Object.getOwnPropertyDescriptor(window, 'Intercom');
  const keys = [];
  for (const [kind, name] of [['local', 'localStorage'], ['session', 'sessionStorage']]) {{
    try {{ for (const key of Object.keys(window[name])) if (key.startsWith(data.storage)) keys.push({{kind, key}}); }} catch (e) {{}}
  }}
  const dom = [...document.querySelectorAll(data.dom)].map((e) =>
    e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''));
  const fake = window.__fakeIntercom;
  return {{
    url: location.href,
    loader: !!(d && typeof d.get === 'function' && typeof d.set === 'function'),
    storage: keys,
    dom,
    widget: fake ? {{calls: fake.calls.map((c) => String(c[0])), booted: !!fake.booted}} : null,
  }};
}})({data})"#
    )
}

/// Reads the page after a step. `calls_before` is how many widget calls the previous
/// observation of the same document saw, so that `new_calls` holds this step's only.
pub async fn observe(
    chromium: &Chromium,
    tab: &Tab,
    plan: &Plan,
    step: (usize, String),
    state: &Consent,
    calls_before: usize,
) -> Result<Observation, String> {
    let page = tab.eval(&script(plan)).await?;
    let cookies = tab
        .cookies(chromium)
        .await?
        .into_iter()
        .filter(|c| c.name.starts_with(&plan.cookie_prefix))
        .map(|c| Cookie {
            name: c.name,
            domain: c.domain,
            path: c.path,
            expires: (!c.session).then_some(c.expires),
        })
        .collect();
    let requests = tab
        .requests()
        .into_iter()
        .filter(|r| r.step == step.0)
        .filter(|r| super::plan::host_of(&r.url).is_some_and(|h| plan.hosts.is_catalogued(&h)))
        .collect();
    let widget: Option<WidgetRecord> = page
        .get("widget")
        .filter(|w| !w.is_null())
        .and_then(|w| serde_json::from_value(w.clone()).ok());
    let new_calls = widget
        .as_ref()
        .map(|w| w.calls.iter().skip(calls_before).cloned().collect())
        .unwrap_or_default();
    Ok(Observation {
        step: step.1,
        consent: state.answers.clone(),
        withdrawn: state.withdrawn,
        url: page.get("url").and_then(|u| u.as_str()).unwrap_or_default().to_owned(),
        loader: page.get("loader").and_then(|l| l.as_bool()).unwrap_or(false),
        requests,
        cookies,
        storage: page
            .get("storage")
            .and_then(|s| serde_json::from_value(s.clone()).ok())
            .unwrap_or_default(),
        dom: page
            .get("dom")
            .and_then(|s| serde_json::from_value(s.clone()).ok())
            .unwrap_or_default(),
        widget,
        new_calls,
        state: state.clone(),
    })
}
