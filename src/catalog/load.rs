//! Read `.vendor` files (the `.policy` syntax) into a [`Catalog`].

use indexmap::IndexMap;

use super::model::*;
use crate::calendar::Duration;
use crate::source::FileId;
use crate::syntax::ast::{Assignment, Block, Item, ValueKind};
use crate::syntax::parse;

type R<T> = Result<T, String>;

pub fn load(sources: &[(&str, &str)]) -> R<Catalog> {
    let mut catalog = Catalog {
        vendors: IndexMap::new(),
        jurisdictions: IndexMap::new(),
    };
    for (i, (name, text)) in sources.iter().enumerate() {
        let file = parse(FileId(i as u32), text).map_err(|d| format!("{name}: {}", d.message))?;
        for item in &file.items {
            let Item::Block(block) = item else {
                return Err(format!("{name}: only blocks at the top level"));
            };
            let block_name = block
                .name
                .as_ref()
                .map(|n| n.name.clone())
                .ok_or(format!("{name}: unnamed block"))?;
            match block.kind.name.as_str() {
                "vendor" => {
                    let vendor = vendor(&block_name, block).map_err(|e| format!("{name}: {e}"))?;
                    catalog.vendors.insert(block_name, vendor);
                }
                "jurisdiction" => {
                    let f = Fields::new(block);
                    catalog.jurisdictions.insert(
                        block_name.clone(),
                        Jurisdiction {
                            name: block_name,
                            title: f.string("title")?,
                            device_consent: f.boolean("device_consent")?,
                            adequate: f.idents("adequate")?,
                            dpf: f.opt_string("dpf")?,
                            scc: f.opt_string("scc")?,
                            note: f.opt_string("note")?,
                            sourcing: f.sourcing()?,
                        },
                    );
                }
                other => return Err(format!("{name}: unknown block `{other}`")),
            }
        }
    }
    Ok(catalog)
}

fn vendor(name: &str, block: &Block) -> R<Vendor> {
    let f = Fields::new(block);
    let mut v = Vendor {
        name: name.to_owned(),
        title: f.string("title")?,
        provider: f.string("provider")?,
        privacy_url: f.string("privacy_url")?,
        home: f.opt_ident("home")?,
        home_note: f.opt_string("home_note")?,
        automatic_deletion: f.opt_string("automatic_deletion")?,
        security: f.opt_string("security")?,
        sourcing: f.sourcing()?,
        erasure: f.string("erasure")?,
        script: f.string("script")?,
        cookie_prefix: f.string("cookie_prefix")?,
        storage_prefix: f.string("storage_prefix")?,
        dom_ids: f.strings("dom_ids")?,
        dom_classes: f.strings("dom_classes")?,
        always_forward: f.strings("always_forward")?,
        callbacks: f.strings("callbacks")?,
        update_limit: f.integer("update_limit")?,
        update_window_seconds: f.integer("update_window_seconds")?,
        settings_messenger: f.strings("settings_messenger")?,
        settings_identity: f.strings("settings_identity")?,
        settings_verification: f.strings("settings_verification")?,
        roles: LeafRoles::default(),
        regions: IndexMap::new(),
        csp: IndexMap::new(),
        nodes: IndexMap::new(),
        leaves: Vec::new(),
        covers: Default::default(),
    };
    // `role = NAME` on features, by role: each role once.
    let mut roles: IndexMap<String, String> = IndexMap::new();
    for child in f.blocks() {
        let child_name = child.name.as_ref().map(|n| n.name.as_str());
        match (child.kind.name.as_str(), child_name) {
            ("region", Some(region)) => {
                let rf = Fields::new(child);
                v.regions.insert(
                    region.to_owned(),
                    Region {
                        name: region.to_owned(),
                        title: rf.string("title")?,
                        location: rf.ident("location")?,
                        api_base: rf.string("api_base")?,
                        hosting: rf.opt_string("hosting")?,
                        csp: rf.csp_lists(),
                        sourcing: rf.sourcing()?,
                    },
                );
            }
            ("csp", None) => v.csp = Fields::new(child).csp_lists(),
            ("feature" | "group", Some(_)) => node(&mut v, &mut roles, name, child)?,
            (kind, _) => return Err(format!("vendor `{name}`: unexpected block `{kind}`")),
        }
    }
    v.roles = leaf_roles(name, roles)?;
    v.index_covers();
    Ok(v)
}

/// Every role named exactly once, and no other.
fn leaf_roles(vendor: &str, mut found: IndexMap<String, String>) -> R<LeafRoles> {
    let mut roles = LeafRoles::default();
    for (role, slot) in roles.slots() {
        *slot = found
            .shift_remove(role)
            .ok_or_else(|| format!("vendor `{vendor}`: no feature has `role = {role}`"))?;
    }
    match found.keys().next() {
        Some(unknown) => Err(format!("vendor `{vendor}`: unknown role `{unknown}`")),
        None => Ok(roles),
    }
}

fn node(v: &mut Vendor, roles: &mut IndexMap<String, String>, parent: &str, block: &Block) -> R<()> {
    let f = Fields::new(block);
    let name = block.name.as_ref().map(|n| n.name.as_str()).unwrap_or_default();
    let path = format!("{parent}.{name}");
    let title = f.string("title")?;
    let description = f.string("description")?;
    if block.kind.name == "group" {
        v.nodes.insert(
            path.clone(),
            Node {
                path: path.clone(),
                title,
                description,
                kind: NodeKind::Group,
            },
        );
        for child in f.blocks() {
            node(v, roles, &path, child)?;
        }
        return Ok(());
    }
    if let Some(role) = f.opt_ident("role")? {
        if let Some(first) = roles.insert(role.clone(), path.clone()) {
            return Err(format!("`{path}`: role `{role}` is already `{first}`'s"));
        }
    }
    let mut feature = Feature {
        requires: f.paths("requires")?,
        data: f.idents("data")?,
        behavioural: f.opt_boolean("behavioural")?.unwrap_or(false),
        personal: f.opt_boolean("personal")?.unwrap_or(false),
        verification_required: f.opt_ident("verification")?.as_deref() == Some("required"),
        enforcement: match f.ident("enforcement")?.as_str() {
            "client" => Enforcement::Client,
            "workspace" => Enforcement::Workspace,
            "mixed" => Enforcement::Mixed,
            other => return Err(format!("`{path}`: unknown enforcement `{other}`")),
        },
        methods: f.strings("methods")?,
        subprocessors: f.idents("subprocessors")?,
        cookies: Vec::new(),
        storage: Vec::new(),
        note: f.opt_string("note")?,
        sourcing: f.sourcing()?,
    };
    for child in f.blocks() {
        let cf = Fields::new(child);
        match child.kind.name.as_str() {
            "cookie" => feature.cookies.push(Cookie {
                name: cf.string("name")?,
                lifetime: cf.duration("lifetime")?,
                description: cf.string("description")?,
                identifier: cf.opt_boolean("identifier")?.unwrap_or(false),
                renewed: cf.opt_boolean("renewed")?.unwrap_or(false),
                sourcing: cf.sourcing()?,
            }),
            "storage" => feature.storage.push(Storage {
                kind: child.name.as_ref().map(|n| n.name.clone()).unwrap_or_default(),
                name: cf.string("name")?,
                description: cf.string("description")?,
            }),
            other => return Err(format!("`{path}`: unexpected block `{other}`")),
        }
    }
    v.nodes.insert(
        path.clone(),
        Node {
            path: path.clone(),
            title,
            description,
            kind: NodeKind::Leaf(Box::new(feature)),
        },
    );
    v.leaves.push(path);
    Ok(())
}

/// Typed access to one block's assignments. Missing list keys read as empty.
struct Fields<'a> {
    block: &'a Block,
}

impl<'a> Fields<'a> {
    fn new(block: &'a Block) -> Self {
        Fields { block }
    }

    fn get(&self, key: &str) -> Option<&'a Assignment> {
        self.block.items.iter().find_map(|i| match i {
            Item::Assignment(a) if a.key.name == key => Some(a),
            _ => None,
        })
    }

    fn blocks(&self) -> impl Iterator<Item = &'a Block> {
        self.block.items.iter().filter_map(|i| match i {
            Item::Block(b) => Some(b),
            _ => None,
        })
    }

    fn missing(&self, key: &str) -> String {
        format!("block `{}` lacks `{key}` or has the wrong kind", self.block.kind.name)
    }

    /// `sources = [...]`, `checked = "YYYY-MM-DD"`, `unverified = "..."`.
    fn sourcing(&self) -> R<Sourcing> {
        let checked = self.opt_string("checked")?;
        if let Some(date) = &checked {
            let ok = date.len() == 10
                && date.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            if !ok {
                return Err(format!("`checked = \"{date}\"`: write the date as YYYY-MM-DD"));
            }
        }
        Ok(Sourcing {
            sources: self.strings("sources")?,
            checked,
            unverified: self.opt_string("unverified")?,
        })
    }

    fn opt_string(&self, key: &str) -> R<Option<String>> {
        Ok(self.get(key).and_then(|a| a.value.as_str().map(str::to_owned)))
    }

    fn string(&self, key: &str) -> R<String> {
        self.opt_string(key)?.ok_or_else(|| self.missing(key))
    }

    fn opt_ident(&self, key: &str) -> R<Option<String>> {
        Ok(self.get(key).and_then(|a| a.value.as_ident().map(str::to_owned)))
    }

    fn ident(&self, key: &str) -> R<String> {
        self.opt_ident(key)?.ok_or_else(|| self.missing(key))
    }

    fn opt_boolean(&self, key: &str) -> R<Option<bool>> {
        match self.opt_ident(key)?.as_deref() {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(self.missing(key)),
        }
    }

    fn boolean(&self, key: &str) -> R<bool> {
        self.opt_boolean(key)?.ok_or_else(|| self.missing(key))
    }

    fn integer(&self, key: &str) -> R<u32> {
        match self.get(key).map(|a| &a.value.kind) {
            Some(ValueKind::Integer(n)) => Ok(*n),
            _ => Err(self.missing(key)),
        }
    }

    fn duration(&self, key: &str) -> R<Duration> {
        match self.get(key).map(|a| &a.value.kind) {
            Some(ValueKind::Duration(d)) => Ok(Duration::from_literal(d)),
            _ => Err(self.missing(key)),
        }
    }

    fn list<T>(&self, key: &str, each: impl Fn(&ValueKind) -> Option<T>) -> R<Vec<T>> {
        match self.get(key).map(|a| &a.value.kind) {
            None => Ok(Vec::new()),
            Some(ValueKind::List { items, except: None }) => items
                .iter()
                .map(|v| each(&v.kind).ok_or_else(|| self.missing(key)))
                .collect(),
            Some(_) => Err(self.missing(key)),
        }
    }

    fn strings(&self, key: &str) -> R<Vec<String>> {
        self.list(key, |v| match v {
            ValueKind::String(s) => Some(s.clone()),
            _ => None,
        })
    }

    fn idents(&self, key: &str) -> R<Vec<String>> {
        self.list(key, |v| match v {
            ValueKind::Path(p) if p.is_ident() => Some(p.segments[0].clone()),
            _ => None,
        })
    }

    fn paths(&self, key: &str) -> R<Vec<String>> {
        self.list(key, |v| match v {
            ValueKind::Path(p) if !p.wildcard => Some(p.dotted()),
            _ => None,
        })
    }

    /// `connect_src = [...]` and the like, as CSP directive names (`connect-src`).
    fn csp_lists(&self) -> IndexMap<String, Vec<String>> {
        let mut out = IndexMap::new();
        for item in &self.block.items {
            if let Item::Assignment(a) = item {
                if let Some(directive) = csp_directive(&a.key.name) {
                    if let Ok(list) = self.strings(&a.key.name) {
                        out.insert(directive, list);
                    }
                }
            }
        }
        out
    }
}

fn csp_directive(key: &str) -> Option<String> {
    key.strip_suffix("_src")
        .map(|d| format!("{d}-src"))
        .or_else(|| (key == "form_action").then(|| "form-action".to_owned()))
}
