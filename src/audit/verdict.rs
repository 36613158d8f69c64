//! The verdicts: each scenario's observations judged against the plan, as the findings
//! CP0501-CP0506 (audit.md, "Verdicts"). A finding names the URL where a file would stand and
//! the scenario in its message; one finding per rule and step, naming the first offender and
//! how many more there were (the evidence files list them all).

use crate::diagnostics::{Code, Diagnostic};

use super::observe::Observation;
use super::plan::{host_of, Plan};

/// Every finding of one scenario.
pub fn judge(plan: &Plan, url: &str, scenario: &str, observations: &[Observation]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (index, seen) in observations.iter().enumerate() {
        let at = Where {
            url,
            scenario,
            step: &seen.step,
        };
        out.extend(early_requests(plan, &at, seen));
        out.extend(stored_without_grant(plan, &at, seen));
        out.extend(refused_calls(plan, &at, seen));
        out.extend(withdrawal_leftovers(plan, &at, seen));
        out.extend(foreign_loaders(plan, &at, seen, index == 0));
        out.extend(other_region(plan, &at, seen));
    }
    out
}

struct Where<'a> {
    url: &'a str,
    scenario: &'a str,
    step: &'a str,
}

impl Where<'_> {
    /// `(scenario: first visit, step: load)`, the part of every message that says when.
    fn when(&self) -> String {
        format!("(scenario: {}, step: {})", self.scenario, self.step)
    }
}

/// " and 3 more" after the first of a list.
fn more(n: usize) -> String {
    match n {
        0 | 1 => String::new(),
        2 => " and 1 more".to_owned(),
        n => format!(" and {} more", n - 1),
    }
}

/// Why the messenger may not run now, in words.
fn not_allowed(plan: &Plan, seen: &Observation) -> String {
    if !plan.in_pages {
        return "on a page outside the policy's `pages`".to_owned();
    }
    match plan.messenger_purpose.as_deref() {
        None => "although no purpose maps the messenger".to_owned(),
        Some(m) if !seen.state.allows(plan, m) => match seen.state.answers.get(m) {
            Some(false) => format!("while `{m}` was refused"),
            _ => format!("before `{m}` was granted"),
        },
        Some(_) => "before the chat button was clicked".to_owned(),
    }
}

/// CP0501: Intercom's hosts reached while the messenger may not run (before any withdrawal:
/// after one, CP0504 says it).
fn early_requests(plan: &Plan, at: &Where, seen: &Observation) -> Option<Diagnostic> {
    if seen.state.allows_messenger(plan) || seen.withdrawn || seen.requests.is_empty() {
        return None;
    }
    let first = &seen.requests[0];
    Some(
        Diagnostic::new(
            Code::CP0501,
            format!(
                "a request to `{}`{} {} {}",
                first.url,
                more(seen.requests.len()),
                not_allowed(plan, seen),
                at.when()
            ),
        )
        .help(format!(
            "load Intercom only through the policy's loader (`intercom-loader.{}.js`), and remove any other Intercom snippet, tag or preconnect from the page",
            plan.cmp
        ))
        .at_location(at.url),
    )
}

/// CP0502: an Intercom cookie or storage key while the messenger may not run.
fn stored_without_grant(plan: &Plan, at: &Where, seen: &Observation) -> Option<Diagnostic> {
    if seen.state.allows_messenger(plan) || seen.withdrawn {
        return None;
    }
    let mut found: Vec<String> = seen
        .cookies
        .iter()
        .map(|c| format!("the cookie `{}` (domain `{}`)", c.name, c.domain))
        .collect();
    found.extend(
        seen.storage
            .iter()
            .map(|k| format!("the {} storage key `{}`", k.kind, k.key)),
    );
    let first = found.first()?;
    Some(
        Diagnostic::new(
            Code::CP0502,
            format!("{first}{} {} {}", more(found.len()), not_allowed(plan, seen), at.when()),
        )
        .help("nothing may store Intercom's identifiers before the grant: find what loads the widget or writes these names (the evidence lists them) and let the policy's loader do it")
        .at_location(at.url),
    )
}

/// CP0503: a method reached the widget while the purpose of its feature did not run. The
/// firewall always forwards `shutdown` and `hide`, and filters `boot` and `update` key by key.
fn refused_calls(plan: &Plan, at: &Where, seen: &Observation) -> Option<Diagnostic> {
    let bad: Vec<(String, String)> = seen
        .new_calls
        .iter()
        .filter(|m| !plan.exempt_methods.contains(*m))
        .filter_map(|m| {
            let why = match plan.method_purposes.get(m) {
                Some(p) if !seen.state.allows(plan, p) => match seen.state.answers.get(p) {
                    Some(false) => format!("while `{p}` was refused"),
                    _ => format!("before `{p}` was granted"),
                },
                Some(_) if !seen.state.allows_messenger(plan) => not_allowed(plan, seen),
                Some(_) => return None,
                None if plan.known_methods.contains(m) => {
                    "although no purpose of the policy maps its feature".to_owned()
                }
                None => "although the catalogue does not know it, so the loader drops it".to_owned(),
            };
            Some((m.clone(), why))
        })
        .collect();
    let (method, why) = bad.first()?;
    Some(
        Diagnostic::new(
            Code::CP0503,
            format!("`{method}`{} reached the widget {why} {}", more(bad.len()), at.when()),
        )
        .help("call Intercom through `window.Intercom` (the loader's firewall), never through a reference to the widget's own function kept by the page or another script")
        .at_location(at.url),
    )
}

/// CP0504: after the messenger's purpose was withdrawn, something of Intercom is left.
fn withdrawal_leftovers(plan: &Plan, at: &Where, seen: &Observation) -> Option<Diagnostic> {
    if !seen.withdrawn || seen.state.allows_messenger(plan) {
        return None;
    }
    let mut left: Vec<String> = seen
        .cookies
        .iter()
        .map(|c| format!("the cookie `{}` on `{}` (path `{}`)", c.name, c.domain, c.path))
        .collect();
    left.extend(
        seen.storage
            .iter()
            .map(|k| format!("the {} storage key `{}`", k.kind, k.key)),
    );
    left.extend(seen.dom.iter().map(|n| format!("the element `{n}`")));
    if seen.widget.as_ref().is_some_and(|w| w.booted) {
        left.push("the widget, still booted".to_owned());
    }
    left.extend(seen.requests.iter().map(|r| format!("a request to `{}`", r.url)));
    let first = left.first()?;
    Some(
        Diagnostic::new(
            Code::CP0504,
            format!("{first}{} is left after the withdrawal {}", more(left.len()), at.when()),
        )
        .help("let the loader undo the widget on withdrawal; a cookie on another domain or path than `/` (the evidence names them) was written by something else, which must stop writing it")
        .at_location(at.url),
    )
}

/// Whether a script URL is the policy's loader, as `consentc build` names it.
fn is_loader(script: &str) -> bool {
    let path = script.split(['?', '#']).next().unwrap_or(script);
    let file = path.rsplit('/').next().unwrap_or(path);
    file.starts_with("intercom-loader") && file.ends_with(".js")
}

/// CP0505: the widget's script requested by anything but the loader, or the loader not running
/// when the page first loaded (missing, or gated by the CMP).
fn foreign_loaders(plan: &Plan, at: &Where, seen: &Observation, first_load: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let help = format!(
        "include `intercom-loader.{}.js` once, ungated (no `type=\"text/plain\"` or CMP category), and let it alone load Intercom",
        plan.cmp
    );
    for request in seen.requests.iter().filter(|r| r.url.starts_with(&plan.script_prefix)) {
        let scripts = request.initiator_scripts();
        if scripts.iter().any(|s| is_loader(s)) {
            continue;
        }
        let kind = request
            .initiator
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or("other");
        let by = match scripts.first() {
            Some(s) if kind == "parser" => format!("a `<script>` tag in `{s}`"),
            Some(s) => format!("the script `{s}`"),
            None => format!("something other than a script (`{kind}`)"),
        };
        out.push(
            Diagnostic::new(
                Code::CP0505,
                format!(
                    "Intercom's widget `{}` was loaded by {by}, not by the policy's loader {}",
                    request.url,
                    at.when()
                ),
            )
            .help(help.clone())
            .at_location(at.url),
        );
    }
    if first_load && !seen.loader {
        out.push(
            Diagnostic::new(
                Code::CP0505,
                format!(
                    "the policy's loader did not run before the visitor answered: it is missing or gated by the CMP {}",
                    at.when()
                ),
            )
            .help(help)
            .at_location(at.url),
        );
    }
    out
}

/// CP0506: Intercom's hosts of another region than the policy's.
fn other_region(plan: &Plan, at: &Where, seen: &Observation) -> Option<Diagnostic> {
    let foreign: Vec<(String, Vec<&str>)> = seen
        .requests
        .iter()
        .filter_map(|r| {
            let host = host_of(&r.url)?;
            let regions = plan.hosts.regions_of(&host);
            (!regions.contains(&plan.region.as_str())).then_some((host, regions))
        })
        .collect();
    let (host, regions) = foreign.first()?;
    let names: Vec<String> = regions.iter().map(|r| format!("`{r}`")).collect();
    Some(
        Diagnostic::new(
            Code::CP0506,
            format!(
                "the widget talked to `{host}`{}, a host of region {}, but the policy's region is `{}` {}",
                more(foreign.len()),
                names.join(" and "),
                plan.region,
                at.when()
            ),
        )
        .help(format!(
            "set the workspace's data hosting to `{}` in Intercom, or set `region` in the policy to where the workspace is hosted",
            plan.region
        ))
        .at_location(at.url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_is_known_by_its_file_name() {
        assert!(is_loader("http://127.0.0.1:1/consentc/intercom-loader.klaro.js"));
        assert!(is_loader("https://x.test/a/intercom-loader.cookieconsent.js?v=2"));
        assert!(!is_loader("http://127.0.0.1:1/app/"));
        assert!(!is_loader("https://widget.intercom.io/widget/abc"));
    }
}
