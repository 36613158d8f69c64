//! The scenarios of one URL (audit.md): first visit, everything refused, each purpose granted
//! alone, everything granted then withdrawn then reloaded. A scenario is a list of steps; after
//! each step the page settles and is observed, and the verdicts judge each observation against
//! what was granted while it happened.

use std::collections::BTreeMap;

use super::plan::Plan;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Open the URL in a fresh profile.
    Load,
    /// Answer the CMP: purpose name to granted.
    Choose(BTreeMap<String, bool>),
    /// Reload the page, as a returning visitor.
    Reload,
    /// Click the chat button the loader draws (`load = on_interaction`), as a visitor asking for
    /// help would.
    ClickFacade,
}

impl Step {
    pub fn label(&self) -> String {
        match self {
            Step::Load => "load".to_owned(),
            Step::Reload => "reload".to_owned(),
            Step::ClickFacade => "click the chat button".to_owned(),
            Step::Choose(choice) => {
                let granted: Vec<&str> = choice.iter().filter(|(_, g)| **g).map(|(p, _)| p.as_str()).collect();
                if granted.is_empty() {
                    "refuse all".to_owned()
                } else if granted.len() == choice.len() {
                    "grant all".to_owned()
                } else {
                    format!("grant {}", granted.join(", "))
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Scenario {
    /// A file-name-safe id: `first-visit`, `only-support`.
    pub id: String,
    /// How messages name it: `first visit`, `only \`support\` granted`.
    pub title: String,
    pub steps: Vec<Step>,
}

/// Every scenario for a plan, in the spec's order. With `load = on_interaction`, each grant of
/// the messenger's purpose is followed by a click on the chat button, so that the widget loads
/// and what it does is audited too.
pub fn all(plan: &Plan) -> Vec<Scenario> {
    let mut scenarios = listed(plan);
    // Outside `pages` the loader draws no button: there is nothing to click.
    if plan.on_interaction && plan.in_pages && plan.facade_label.is_some() {
        for scenario in &mut scenarios {
            let mut steps = Vec::new();
            for step in scenario.steps.drain(..) {
                let grants = matches!(&step, Step::Choose(choice)
                    if plan.messenger_purpose.as_ref().is_some_and(|m| choice.get(m) == Some(&true)));
                steps.push(step);
                if grants {
                    steps.push(Step::ClickFacade);
                }
            }
            scenario.steps = steps;
        }
    }
    scenarios
}

fn listed(plan: &Plan) -> Vec<Scenario> {
    let names: Vec<&str> = plan.purposes.iter().map(|p| p.name.as_str()).collect();
    let choice = |granted: &dyn Fn(&str) -> bool| -> BTreeMap<String, bool> {
        names.iter().map(|n| ((*n).to_owned(), granted(n))).collect()
    };
    let mut out = vec![
        Scenario {
            id: "first-visit".to_owned(),
            title: "first visit".to_owned(),
            steps: vec![Step::Load],
        },
        Scenario {
            id: "all-refused".to_owned(),
            title: "everything refused".to_owned(),
            steps: vec![Step::Load, Step::Choose(choice(&|_| false)), Step::Reload],
        },
    ];
    for name in &names {
        out.push(Scenario {
            id: format!("only-{name}"),
            title: format!("only `{name}` granted"),
            steps: vec![Step::Load, Step::Choose(choice(&|n| n == *name)), Step::Reload],
        });
    }
    out.push(Scenario {
        id: "withdrawn".to_owned(),
        title: "everything granted, then withdrawn".to_owned(),
        steps: vec![
            Step::Load,
            Step::Choose(choice(&|_| true)),
            Step::Choose(choice(&|_| false)),
            Step::Reload,
        ],
    });
    out
}

/// What the visitor has said while a step's effects are observed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consent {
    /// Purpose to granted; empty before any answer.
    pub answers: BTreeMap<String, bool>,
    /// The messenger's purpose was granted and then withdrawn in this scenario.
    pub withdrawn: bool,
    /// The chat button was clicked (the loader remembers it for the tab's session).
    pub clicked: bool,
}

impl Consent {
    /// The state after a step, from the state before it.
    pub fn after(&self, step: &Step, plan: &Plan) -> Consent {
        match step {
            Step::Load | Step::Reload => self.clone(),
            Step::ClickFacade => Consent {
                clicked: true,
                ..self.clone()
            },
            Step::Choose(choice) => {
                let messenger = plan.messenger_purpose.as_deref();
                let was = messenger.is_some_and(|m| self.answers.get(m) == Some(&true));
                let now = messenger.is_some_and(|m| choice.get(m) == Some(&true));
                Consent {
                    answers: choice.clone(),
                    withdrawn: (self.withdrawn || was) && !now,
                    clicked: self.clicked,
                }
            }
        }
    }

    /// Whether a purpose runs: granted, or on another basis than consent and not refused.
    pub fn allows(&self, plan: &Plan, purpose: &str) -> bool {
        let needs_consent = plan.purposes.iter().any(|p| p.name == purpose && p.needs_consent);
        match self.answers.get(purpose) {
            Some(granted) => *granted,
            None => !needs_consent,
        }
    }

    /// Whether the messenger may run at all on this page: its purpose runs, the URL is inside
    /// `pages`, and the facade (which the audit never clicks) is not required.
    pub fn allows_messenger(&self, plan: &Plan) -> bool {
        plan.in_pages
            && (!plan.on_interaction || self.clicked)
            && plan.messenger_purpose.as_deref().is_some_and(|m| self.allows(plan, m))
    }
}
