//! Catalogue types.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use crate::calendar::Duration;

#[derive(Debug, Clone)]
pub struct Catalog {
    pub vendors: IndexMap<String, Vendor>,
    pub jurisdictions: IndexMap<String, Jurisdiction>,
}

impl Catalog {
    pub fn vendor(&self, name: &str) -> Option<&Vendor> {
        self.vendors.get(name)
    }
}

/// Where a catalogue fact comes from: its primary sources, the date they were last checked, and
/// what could not be verified there (issue 14: every legal or factual statement is sourced).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sourcing {
    /// URLs (with the section) or legal citations.
    pub sources: Vec<String>,
    /// `YYYY-MM-DD`.
    pub checked: Option<String>,
    /// What the sources did not confirm, in words; `None` when everything was.
    pub unverified: Option<String>,
}

impl Sourcing {
    /// One line for listings: `source: A; B (checked 2026-12-06); unverified: ...`.
    pub fn describe(&self) -> Option<String> {
        if self.sources.is_empty() && self.unverified.is_none() {
            return None;
        }
        let mut line = if self.sources.is_empty() {
            "source: none found".to_owned()
        } else {
            format!("source: {}", self.sources.join("; "))
        };
        if let Some(date) = &self.checked {
            line.push_str(&format!(" (checked {date})"));
        }
        if let Some(what) = &self.unverified {
            line.push_str(&format!("; unverified: {what}"));
        }
        Some(line)
    }
}

#[derive(Debug, Clone)]
pub struct Jurisdiction {
    pub name: String,
    pub title: String,
    /// What `transfer = dpf` and `transfer = scc` mean under this jurisdiction, for `record.md`.
    pub dpf: Option<String>,
    pub scc: Option<String>,
    /// Conditions on the adequacy list (recipients, dates, pending cases).
    pub note: Option<String>,
    pub sourcing: Sourcing,
    /// Device access needs consent or an explicit request (ePrivacy, PECR).
    pub device_consent: bool,
    /// Locations data may go to without a transfer mechanism; `any` means all.
    pub adequate: Vec<String>,
}

impl Jurisdiction {
    pub fn is_adequate(&self, location: &str) -> bool {
        self.adequate.iter().any(|a| a == "any" || a == location)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    /// The loader can stop it in the browser.
    Client,
    /// Only the vendor's workspace settings (audience rules) can stop it.
    Workspace,
    /// Methods are stopped by the loader; delivery only by audience rules.
    Mixed,
}

impl Enforcement {
    pub fn needs_workspace(self) -> bool {
        matches!(self, Enforcement::Workspace | Enforcement::Mixed)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Cookie {
    /// Name pattern; `{app_id}` is replaced by the policy's app id.
    pub name: String,
    pub lifetime: Duration,
    pub description: String,
    /// Recognises the visitor or the device across visits (`identifier = true`): what the
    /// request exemption has to justify (CP0406).
    pub identifier: bool,
    /// Each visit extends the lifetime: it runs from the last visit.
    pub renewed: bool,
    pub sourcing: Sourcing,
}

impl Cookie {
    /// The name people call the cookie by, without the app id: `intercom-id`.
    pub fn short_name(&self) -> String {
        self.name.replace("-{app_id}", "").replace("{app_id}", "")
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Storage {
    /// `local` or `session`.
    pub kind: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Feature {
    pub requires: Vec<String>,
    pub data: Vec<String>,
    pub behavioural: bool,
    pub personal: bool,
    pub verification_required: bool,
    pub enforcement: Enforcement,
    pub methods: Vec<String>,
    pub subprocessors: Vec<String>,
    pub cookies: Vec<Cookie>,
    pub storage: Vec<Storage>,
    pub note: Option<String>,
    pub sourcing: Sourcing,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    // Boxed: a feature is large beside a group.
    Leaf(Box<Feature>),
    Group,
}

#[derive(Debug, Clone)]
pub struct Node {
    /// Full dotted path, `intercom.tracking.events`.
    pub path: String,
    pub title: String,
    pub description: String,
    pub kind: NodeKind,
}

impl Node {
    pub fn feature(&self) -> Option<&Feature> {
        match &self.kind {
            NodeKind::Leaf(f) => Some(f.as_ref()),
            NodeKind::Group => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Region {
    pub name: String,
    pub title: String,
    pub location: String,
    pub api_base: String,
    /// Where and how the region's data is hosted, in words (`record.md`).
    pub hosting: Option<String>,
    /// CSP directive (`connect-src`) to sources, for this region only.
    pub csp: IndexMap<String, Vec<String>>,
    pub sourcing: Sourcing,
}

/// The leaves the checker and the loader treat specially, by full path. Each is named in the
/// catalogue by `role = NAME` on one feature; a catalogue without one of them does not load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeafRoles {
    /// The widget itself: what every other leaf requires, and what the facade stands in for.
    pub messenger: String,
    /// Identity settings (`user_id`, `email`, ...) on `boot` and `update`.
    pub identity: String,
    /// Custom data keys on `boot` and `update`.
    pub attributes: String,
    /// The extra `update` on single-page navigation.
    pub page_views: String,
}

impl LeafRoles {
    /// The role names the catalogue uses, each with where the loaded path goes.
    pub(crate) fn slots(&mut self) -> [(&'static str, &mut String); 4] {
        [
            ("messenger", &mut self.messenger),
            ("identity", &mut self.identity),
            ("attributes", &mut self.attributes),
            ("page_views", &mut self.page_views),
        ]
    }
}

/// Leaf indices into [`Vendor::leaves`], in catalogue order.
pub type LeafSet = BTreeSet<usize>;

#[derive(Debug, Clone)]
pub struct Vendor {
    pub name: String,
    pub title: String,
    pub provider: String,
    pub privacy_url: String,
    /// Where the vendor's own company sits: its staff and affiliates there can access the data
    /// whatever the hosting region (CP0403 counts it as a destination).
    pub home: Option<String>,
    /// Who in the home country, and on what evidence (`record.md`, CP0403's reasoning).
    pub home_note: Option<String>,
    pub erasure: String,
    /// What the vendor deletes on its own, and what it keeps until told (CP0402, `record.md`).
    pub automatic_deletion: Option<String>,
    /// The security measures the vendor states (Art. 30(1)(g), `record.md`).
    pub security: Option<String>,
    pub sourcing: Sourcing,
    pub script: String,
    pub cookie_prefix: String,
    pub storage_prefix: String,
    pub dom_ids: Vec<String>,
    pub dom_classes: Vec<String>,
    pub always_forward: Vec<String>,
    pub callbacks: Vec<String>,
    pub update_limit: u32,
    pub update_window_seconds: u32,
    pub settings_messenger: Vec<String>,
    pub settings_identity: Vec<String>,
    pub settings_verification: Vec<String>,
    pub roles: LeafRoles,
    pub regions: IndexMap<String, Region>,
    /// CSP sources every region needs.
    pub csp: IndexMap<String, Vec<String>>,
    /// Every group and leaf by full path, in catalogue order.
    pub nodes: IndexMap<String, Node>,
    /// Full paths of the leaves, in catalogue order; a [`LeafSet`] indexes this.
    pub leaves: Vec<String>,
    /// The leaves below each node, computed once when the catalogue is loaded
    /// ([`Vendor::index_covers`]): every feature path of every policy is looked up here.
    pub covers: std::collections::HashMap<String, LeafSet>,
}

impl Vendor {
    pub fn node(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    pub fn leaf(&self, path: &str) -> Option<&Feature> {
        self.node(path).and_then(Node::feature)
    }

    pub fn leaf_index(&self, path: &str) -> Option<usize> {
        self.leaves.iter().position(|l| l == path)
    }

    /// The messenger leaf's index ([`LeafRoles::messenger`]).
    pub fn messenger_leaf(&self) -> Option<usize> {
        self.leaf_index(&self.roles.messenger)
    }

    pub fn leaf_feature(&self, index: usize) -> &Feature {
        match self.leaves.get(index).and_then(|p| self.leaf(p)) {
            Some(f) => f,
            None => unreachable!("leaf indices come from `leaves`"),
        }
    }

    /// Every leaf below `path` (the leaf itself for a leaf); `None` if the path is unknown.
    pub fn cover(&self, path: &str) -> Option<LeafSet> {
        self.covers.get(path).cloned()
    }

    /// Fill [`Vendor::covers`] once every node is known.
    pub(crate) fn index_covers(&mut self) {
        self.covers = self
            .nodes
            .keys()
            .filter_map(|path| Some((path.clone(), self.compute_cover(path)?)))
            .collect();
    }

    fn compute_cover(&self, path: &str) -> Option<LeafSet> {
        let node = self.node(path)?;
        Some(match node.kind {
            NodeKind::Leaf(_) => self.leaf_index(path).into_iter().collect(),
            NodeKind::Group => {
                let prefix = format!("{path}.");
                self.leaves
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.starts_with(&prefix))
                    .map(|(i, _)| i)
                    .collect()
            }
        })
    }

    /// The leaf a JavaScript API method belongs to.
    pub fn method_leaf(&self, method: &str) -> Option<&str> {
        self.nodes.values().find_map(|n| {
            n.feature()
                .filter(|f| f.methods.iter().any(|m| m == method))
                .map(|_| n.path.as_str())
        })
    }

    /// The fewest catalogue nodes whose leaves are exactly `set`, largest first: a group when
    /// the set holds all of it.
    pub fn largest_nodes(&self, set: &LeafSet) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut covered = LeafSet::new();
        for (path, _) in &self.nodes {
            let below = |o: &&str| path.len() > o.len() && path.starts_with(*o) && path.as_bytes()[o.len()] == b'.';
            if out.iter().any(below) {
                continue;
            }
            if let Some(cover) = self.covers.get(path) {
                if !cover.is_empty() && cover.is_subset(set) && !cover.is_subset(&covered) {
                    covered.extend(cover);
                    out.push(path);
                }
            }
        }
        out
    }
}
