//! A generator of valid `.policy` sources, shared by the benchmarks (`benches/pipeline.rs`,
//! seeded, tidy layout) and the property tests (`tests/properties.rs`, driven by proptest,
//! messy layout). It is a directory module so Cargo does not take it for a bench target.
//!
//! Every random decision goes through [`Choices::pick`], so the same generator runs from a
//! seeded RNG or from a proptest-generated list of numbers; a list that shrinks towards
//! zeros and runs out yields simpler and simpler policies, because choice `0` is always the
//! simplest option.
//!
//! "Valid" means no error (warnings are allowed): the generator reads the built-in catalogue
//! and the CMP facts to keep every rule the checker enforces as an error: one purpose per leaf,
//! required leaves mapped, consent for behavioural leaves and for an eagerly loaded messenger
//! where `eu`/`uk` apply, verification for identity, refusable CMP categories for consent and
//! legitimate interest, an entry in every CMP block for every purpose with features; and where
//! `eu`/`uk` apply, the messenger apart from behavioural leaves (granular consent), a stated
//! request exemption for a messenger not based on consent, and no `transfer = none`.

#![allow(dead_code)] // each user takes the parts it needs

use consentc::catalog::{self, cmps, LeafSet, Vendor};

/// A source of decisions.
pub trait Choices {
    /// A number in `0..n` (`n > 0`).
    fn pick(&mut self, n: usize) -> usize;

    /// True with probability about `percent`%; `false` when choices run out.
    fn chance(&mut self, percent: usize) -> bool {
        self.pick(100) >= 100 - percent
    }

    fn one_of<T: Copy>(&mut self, options: &[T]) -> T {
        options[self.pick(options.len())]
    }
}

/// SplitMix64: small, fast, and the same on every platform, so a corpus is reproducible.
pub struct Seeded(pub u64);

impl Choices for Seeded {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n as u64) as usize
    }
}

/// Replays a list of numbers (from proptest); `0` once the list is exhausted.
pub struct Replay<'a> {
    choices: &'a [u32],
    at: usize,
}

impl<'a> Replay<'a> {
    pub fn new(choices: &'a [u32]) -> Self {
        Replay { choices, at: 0 }
    }
}

impl Choices for Replay<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let v = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        v as usize % n
    }
}

// ---------------------------------------------------------------------------------------------
// The tree: the grammar's shapes (blocks, assignments, values), plus comments.

/// A string: what the source says (escapes and all) and what it means.
#[derive(Debug, Clone)]
pub struct Text {
    pub source: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub enum Val {
    Str(Text),
    Int(u32),
    Duration(u32, &'static str),
    /// An identifier or a path (`eu`, `intercom.tracking.*`).
    Word(String),
    List(Vec<Val>),
    Except(Vec<Val>, Vec<Val>),
}

#[derive(Debug, Clone)]
pub enum Item {
    Assign(String, Val),
    Block {
        kind: String,
        name: Option<String>,
        options: Vec<(String, Val)>,
        items: Vec<Item>,
    },
    Comment(String),
}

fn assign(key: &str, value: Val) -> Item {
    Item::Assign(key.to_owned(), value)
}

fn block(kind: &str, name: Option<&str>, items: Vec<Item>) -> Item {
    Item::Block {
        kind: kind.to_owned(),
        name: name.map(str::to_owned),
        options: Vec::new(),
        items,
    }
}

fn word(w: &str) -> Val {
    Val::Word(w.to_owned())
}

// ---------------------------------------------------------------------------------------------
// Strings.

/// Pieces of string literals: (source, meaning). The messy ones probe every escaping layer
/// downstream: JS string and regex literals, HTML, Markdown, JSON, handlebars.
const MESSY_PIECES: &[(&str, &str)] = &[
    ("a", "a"),
    ("Chat", "Chat"),
    (" ", " "),
    ("\\\"", "\""),
    ("\\\\", "\\"),
    ("\\n", "\n"),
    ("\\t", "\t"),
    ("\\u{e9}", "\u{e9}"),
    ("\\u{1F600}", "\u{1F600}"),
    ("\\u{0}", "\u{0}"),
    ("\\u{2028}", "\u{2028}"),
    ("é", "é"),
    ("€", "€"),
    ("𝄞", "𝄞"),
    ("\u{2029}", "\u{2029}"),
    ("\u{202E}", "\u{202E}"),
    ("</script>", "</script>"),
    ("<!--", "<!--"),
    ("${x}", "${x}"),
    ("'", "'"),
    ("`", "`"),
    ("&amp;", "&amp;"),
    ("*/", "*/"),
    ("//", "//"),
    ("{{x}}", "{{x}}"),
    ("{{{", "{{{"),
    ("[link](javascript:x)", "[link](javascript:x)"),
    ("# ", "# "),
    ("|", "|"),
    ("_*", "_*"),
];

const WORDS: &[&str] = &[
    "chat",
    "with",
    "our",
    "support",
    "team",
    "when",
    "you",
    "open",
    "the",
    "messenger",
    "tours",
    "and",
    "tips",
    "chosen",
    "from",
    "how",
    "use",
    "app",
    "records",
    "which",
    "pages",
    "visit",
    "what",
    "do",
    "there",
    "so",
    "we",
    "can",
    "see",
    "where",
    "customers",
    "get",
    "stuck",
];

fn sentence(c: &mut impl Choices, words: usize) -> Text {
    let n = 1 + c.pick(words);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(c.one_of(WORDS));
    }
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s.push('.');
    Text {
        source: s.clone(),
        value: s,
    }
}

fn messy_text(c: &mut impl Choices, max: usize) -> Text {
    let mut t = Text {
        source: String::new(),
        value: String::new(),
    };
    for _ in 0..c.pick(max + 1) {
        let (source, value) = c.one_of(MESSY_PIECES);
        t.source.push_str(source);
        t.value.push_str(value);
    }
    t
}

/// Text for a title, description or label: a sentence, or (messy) pieces glued together.
fn text(c: &mut impl Choices, style: Style, words: usize) -> Text {
    match style {
        Style::Tidy => sentence(c, words),
        Style::Messy if c.chance(50) => messy_text(c, words),
        Style::Messy => sentence(c, words),
    }
}

/// A string that is not empty once trimmed (facade labels).
fn label(c: &mut impl Choices, style: Style) -> Text {
    let mut t = text(c, style, 4);
    t.source.push_str("Chat");
    t.value.push_str("Chat");
    t
}

fn plain(s: &str) -> Text {
    Text {
        source: s.to_owned(),
        value: s.to_owned(),
    }
}

fn str_val(t: Text) -> Val {
    Val::Str(t)
}

fn ident(c: &mut impl Choices, max: usize) -> String {
    const HEAD: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const TAIL: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_";
    let mut s = String::new();
    s.push(HEAD[c.pick(HEAD.len())] as char);
    for _ in 0..c.pick(max) {
        s.push(TAIL[c.pick(TAIL.len())] as char);
    }
    s
}

fn app_id(c: &mut impl Choices) -> String {
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    // 32 characters is the limit, but a long random id reads as a secret (CP0105).
    let len = if c.chance(5) { 31 } else { 1 + c.pick(12) };
    (0..len).map(|_| ALNUM[c.pick(ALNUM.len())] as char).collect()
}

/// Page patterns: plausible paths, and (messy) the characters a glob-to-regex translation
/// must escape.
fn page(c: &mut impl Choices, style: Style) -> Text {
    const TIDY: &[&str] = &[
        "app", "help", "docs", "billing", "account", "**", "*", "settings", "pricing",
    ];
    const MESSY: &[(&str, &str)] = &[
        ("app", "app"),
        ("**", "**"),
        ("*", "*"),
        ("a.b", "a.b"),
        ("x+y", "x+y"),
        ("(g)", "(g)"),
        ("[c]", "[c]"),
        ("$", "$"),
        ("^", "^"),
        ("?q", "?q"),
        ("é", "é"),
        ("%20", "%20"),
        ("\\\\", "\\"),
        ("\\\"", "\""),
        ("'", "'"),
        ("{a,b}", "{a,b}"),
        ("|", "|"),
        ("</script>", "</script>"),
    ];
    let mut t = plain("");
    let segments = c.pick(4);
    if segments == 0 {
        return plain("/");
    }
    for _ in 0..segments {
        t.source.push('/');
        t.value.push('/');
        let (s, v) = match style {
            Style::Tidy => {
                let w = c.one_of(TIDY);
                (w, w)
            }
            Style::Messy => c.one_of(MESSY),
        };
        t.source.push_str(s);
        t.value.push_str(v);
    }
    t
}

fn hex_color(c: &mut impl Choices) -> String {
    const HEX: &[u8] = b"0123456789abcdefABCDEF";
    let len = if c.chance(50) { 3 } else { 6 };
    std::iter::once('#')
        .chain((0..len).map(|_| HEX[c.pick(HEX.len())] as char))
        .collect()
}

fn duration(c: &mut impl Choices) -> Val {
    const UNITS: &[&str] = &["months", "month", "days", "day", "weeks", "week", "years", "year"];
    Val::Duration(1 + c.pick(36) as u32, c.one_of(UNITS))
}

// ---------------------------------------------------------------------------------------------
// Policies.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Canonical layout with comment lines and realistic text: the benchmark corpus.
    Tidy,
    /// Random whitespace, comments between any two tokens, `;` or not, CRLF, hostile strings.
    Messy,
}

const PURPOSE_NAMES: &[&str] = &[
    "support",
    "analytics",
    "guidance",
    "marketing",
    "chat",
    "tours",
    "insights",
    "help",
];
const CMP_STRINGS: &[&str] = &[
    "functionality",
    "analytics",
    "marketing",
    "support",
    "livechat",
    "preferences",
    "performance",
];

fn intercom_vendor() -> &'static Vendor {
    match catalog::builtin().vendor("intercom") {
        Some(v) => v,
        None => panic!("the built-in catalogue has no intercom"),
    }
}

/// The intercom block's settings that other parts of the policy depend on.
struct IntercomChoice {
    load_on_interaction: bool,
    verification_on: bool,
}

/// One `policy NAME { ... }` block, valid (no error), named `name`.
pub fn policy(c: &mut impl Choices, name: &str, style: Style) -> Item {
    let catalog = catalog::builtin();
    let vendor = intercom_vendor();
    let mut items: Vec<Item> = Vec::new();

    if c.chance(70) {
        items.push(assign("title", str_val(text(c, style, 6))));
    }
    let all_j: Vec<&str> = catalog.jurisdictions.keys().map(String::as_str).collect();
    let jurisdictions: Option<Vec<&str>> = if c.chance(60) {
        let mut chosen: Vec<&str> = Vec::new();
        for _ in 0..1 + c.pick(3) {
            let j = c.one_of(&all_j);
            if !chosen.contains(&j) {
                chosen.push(j);
            }
        }
        Some(chosen)
    } else {
        None
    };
    if let Some(js) = &jurisdictions {
        if style == Style::Tidy && c.chance(50) {
            items.push(Item::Comment("where our visitors are".to_owned()));
        }
        items.push(assign("jurisdictions", Val::List(js.iter().map(|j| word(j)).collect())));
    }
    // Without `jurisdictions` the policy gets `[eu]`.
    let strict = jurisdictions
        .as_deref()
        .unwrap_or(&["eu"])
        .iter()
        .any(|j| catalog.jurisdictions.get(*j).is_some_and(|j| j.device_consent));

    let has_intercom = !c.chance(8);
    let mut ic = IntercomChoice {
        load_on_interaction: false,
        verification_on: false,
    };
    let intercom_items = if has_intercom {
        Some(intercom_items(c, style, vendor, &mut ic, strict))
    } else {
        None
    };

    // Purposes and which leaves each gates.
    let count = if has_intercom { c.pick(5) } else { c.pick(3) };
    let mut names: Vec<String> = Vec::new();
    for i in 0..count {
        let mut n = c.one_of(PURPOSE_NAMES).to_owned();
        if names.contains(&n) || c.chance(10) {
            n = format!("{n}_{i}");
        }
        names.push(n);
    }
    let leaves = vendor.leaves.len();
    let mut owner: Vec<Option<usize>> = vec![None; leaves];
    if has_intercom && count > 0 {
        for slot in owner.iter_mut() {
            let p = c.pick(count + 1);
            *slot = p.checked_sub(1);
        }
        // Each mapped leaf's requirements are mapped too (to the same purpose when free).
        loop {
            let mut changed = false;
            for leaf in 0..leaves {
                let Some(p) = owner[leaf] else { continue };
                for req in &vendor.leaf_feature(leaf).requires {
                    if let Some(r) = vendor.leaf_index(req) {
                        if owner[r].is_none() {
                            owner[r] = Some(p);
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }
    // Where EU or UK law applies, consent is granular: behavioural leaves go to another purpose
    // than the messenger's, or stay off (CP0207).
    if strict {
        let messenger_owner = vendor.leaf_index("intercom.messenger").and_then(|m| owner[m]);
        if let Some(mp) = messenger_owner {
            for (leaf, slot) in owner.iter_mut().enumerate() {
                if *slot == Some(mp) && vendor.leaf_feature(leaf).behavioural {
                    *slot = (count > 1).then(|| (mp + 1 + c.pick(count - 1)) % count);
                }
            }
        }
    }
    let sets: Vec<LeafSet> = (0..count)
        .map(|p| (0..leaves).filter(|&l| owner[l] == Some(p)).collect())
        .collect();
    let messenger = vendor.leaf_index("intercom.messenger");
    let identity = vendor.leaf_index("intercom.identity");
    if identity.is_some_and(|i| owner[i].is_some()) {
        ic.verification_on = true;
    }

    let mut bases: Vec<&str> = Vec::new();
    for set in &sets {
        let mut basis = match c.pick(4) {
            0 | 1 => "consent",
            2 => "legitimate_interest",
            _ => "contract",
        };
        let behavioural = set.iter().any(|&l| vendor.leaf_feature(l).behavioural);
        let eager_messenger = messenger.is_some_and(|m| set.contains(&m)) && !ic.load_on_interaction;
        if strict && (behavioural || eager_messenger) {
            basis = "consent";
        }
        bases.push(basis);
    }

    if let Some(mut body) = intercom_items {
        // The request exemption, stated where EU or UK law applies (CP0206).
        let exempt = messenger.is_some_and(|m| {
            sets.iter()
                .zip(&bases)
                .any(|(set, b)| set.contains(&m) && *b != "consent")
        });
        if strict && exempt && ic.load_on_interaction {
            body.push(assign(
                "request_exemption",
                str_val(plain(
                    "Visitors click the chat button to ask for help; the conversation must survive a page change.",
                )),
            ));
        }
        if ic.verification_on
            && !body
                .iter()
                .any(|i| matches!(i, Item::Assign(k, Val::Word(v)) if k == "identity_verification" && v != "off"))
        {
            body.retain(|i| !matches!(i, Item::Assign(k, _) if k == "identity_verification"));
            body.insert(
                0,
                assign("identity_verification", word(if c.chance(50) { "hmac" } else { "jwt" })),
            );
        }
        if style == Style::Tidy && c.chance(60) {
            items.push(Item::Comment("how Intercom is installed on this site".to_owned()));
        }
        items.push(block("intercom", None, body));
    }

    for (p, set) in sets.iter().enumerate() {
        let mut body = Vec::new();
        if c.chance(85) {
            body.push(assign("title", str_val(text(c, style, 4))));
        }
        if bases[p] != "consent" || c.chance(85) {
            body.push(assign("description", str_val(text(c, style, 24))));
        }
        if style == Style::Tidy && c.chance(30) {
            body.push(Item::Comment("the legal basis, GDPR Art. 6".to_owned()));
        }
        body.push(assign("basis", word(bases[p])));
        if c.chance(30) {
            body.push(assign("gpc", word(c.one_of(&["ignore", "honor", "strict"]))));
        }
        if !set.is_empty() {
            body.push(assign("features", features(c, vendor, set)));
        } else if c.chance(30) {
            body.push(assign("features", Val::List(Vec::new())));
        }
        if style == Style::Messy {
            shuffle(c, &mut body);
        }
        items.push(block("purpose", Some(&names[p]), body));
    }

    // CMP blocks: every purpose with features needs an entry in each (but `custom`).
    let active: Vec<usize> = (0..count).filter(|&p| !sets[p].is_empty()).collect();
    let n_cmps = if active.is_empty() { c.pick(2) } else { 1 + c.pick(3) };
    let mut used: Vec<&str> = Vec::new();
    for _ in 0..n_cmps {
        let cmp = &cmps::CMPS[c.pick(cmps::CMPS.len())];
        if used.contains(&cmp.name) {
            continue;
        }
        used.push(cmp.name);
        items.push(cmp_block(c, cmp, style, &names, &bases, &active));
    }

    if style == Style::Messy {
        shuffle(c, &mut items);
    }
    block("policy", Some(name), items)
}

fn intercom_items(
    c: &mut impl Choices,
    style: Style,
    vendor: &Vendor,
    ic: &mut IntercomChoice,
    strict: bool,
) -> Vec<Item> {
    let mut items = vec![assign("app_id", str_val(plain(&app_id(c))))];
    let regions: Vec<&str> = vendor.regions.keys().map(String::as_str).collect();
    items.push(assign("region", word(c.one_of(&regions))));
    if c.chance(50) {
        let v = c.one_of(&["jwt", "hmac", "off"]);
        ic.verification_on = v != "off";
        items.push(assign("identity_verification", word(v)));
    }
    if c.chance(70) {
        let on_interaction = c.chance(60);
        ic.load_on_interaction = on_interaction;
        if style == Style::Tidy && on_interaction {
            items.push(Item::Comment(
                "the widget loads when the visitor clicks the chat button".to_owned(),
            ));
        }
        items.push(assign(
            "load",
            word(if on_interaction {
                "on_interaction"
            } else {
                "when_granted"
            }),
        ));
    }
    if c.chance(60) {
        let pages = (0..1 + c.pick(4)).map(|_| str_val(page(c, style))).collect();
        items.push(assign("pages", Val::List(pages)));
    }
    if c.chance(50) {
        // Where EU or UK law applies, data always reaches the US (the vendor's home): `none`
        // would be false (CP0208).
        let mechanisms: &[&str] = if strict {
            &["dpf", "scc"]
        } else {
            &["dpf", "scc", "none"]
        };
        items.push(assign("transfer", word(c.one_of(mechanisms))));
    }
    if c.chance(50) {
        items.push(assign("audience_rules", word(c.one_of(&["applied", "missing"]))));
    }
    if c.chance(30) {
        items.push(assign("on_withdraw", word(c.one_of(&["cleanup", "reload"]))));
    }
    if c.chance(70) {
        let mut r = Vec::new();
        for key in ["conversations", "users", "visitors"] {
            if c.chance(85) {
                r.push(assign(key, duration(c)));
            }
        }
        items.push(block("retention", None, r));
    }
    if c.chance(40) {
        let mut f = Vec::new();
        if c.chance(70) {
            f.push(assign("label", str_val(label(c, style))));
        }
        if c.chance(60) {
            f.push(assign("color", str_val(plain(&hex_color(c)))));
        }
        if c.chance(50) {
            f.push(assign("position", word(c.one_of(&["left", "right"]))));
        }
        items.push(block("facade", None, f));
    }
    if style == Style::Messy {
        shuffle(c, &mut items);
    }
    items
}

/// A purpose's `features = [...]` for exactly `set`: leaf by leaf, by the largest groups, or
/// as `intercom.*` minus what it leaves out.
fn features(c: &mut impl Choices, vendor: &Vendor, set: &LeafSet) -> Val {
    let node = |c: &mut dyn FnMut() -> bool, path: &str| -> Val {
        let is_group = vendor.node(path).is_some_and(|n| n.feature().is_none());
        if is_group && c() {
            Val::Word(format!("{path}.*"))
        } else {
            word(path)
        }
    };
    let all: LeafSet = (0..vendor.leaves.len()).collect();
    match c.pick(3) {
        0 => {
            let mut leaves: Vec<Val> = set.iter().map(|&l| word(&vendor.leaves[l])).collect();
            shuffle(c, &mut leaves);
            Val::List(leaves)
        }
        1 => {
            let nodes = vendor.largest_nodes(set);
            let mut star = || c.chance(50);
            Val::List(nodes.iter().map(|n| node(&mut star, n)).collect())
        }
        _ => {
            let rest: LeafSet = all.difference(set).copied().collect();
            let head = vec![word("intercom.*")];
            if rest.is_empty() {
                return Val::List(head);
            }
            let nodes = vendor.largest_nodes(&rest);
            let mut star = || c.chance(50);
            Val::Except(head, nodes.iter().map(|n| node(&mut star, n)).collect())
        }
    }
}

fn cmp_block(
    c: &mut impl Choices,
    cmp: &cmps::Cmp,
    style: Style,
    names: &[String],
    bases: &[&str],
    active: &[usize],
) -> Item {
    let mut options = Vec::new();
    let mut always_active: Vec<&str> = Vec::new();
    for opt in cmp.options {
        if !c.chance(40) {
            continue;
        }
        let value = match (cmp.name, opt.kind) {
            ("onetrust", cmps::OptionKind::StringList) => {
                always_active = vec!["C0001"];
                if c.chance(50) {
                    always_active.push("C0010");
                }
                Val::List(always_active.iter().map(|s| str_val(plain(s))).collect())
            }
            ("didomi", _) => str_val(plain(&format!("c:intercom-{}", ident(c, 6)))),
            (_, cmps::OptionKind::String) => str_val(plain("ucEvent")),
            (_, cmps::OptionKind::StringList) => Val::List(Vec::new()),
        };
        options.push((opt.name.to_owned(), value));
    }
    let mut entries = Vec::new();
    if cmp.entry != cmps::EntryKind::None {
        for (p, name) in names.iter().enumerate() {
            if !active.contains(&p) && !c.chance(40) {
                continue;
            }
            // Consent and legitimate interest must be refusable (CP0301); a contract purpose may
            // sit in an always-active category.
            let consent = bases[p] != "contract";
            let value = match cmp.entry {
                cmps::EntryKind::Ident => {
                    let refusable: Vec<&str> = cmp
                        .vocabulary
                        .iter()
                        .copied()
                        .filter(|v| !consent || !cmp.non_refusable.contains(v))
                        .collect();
                    word(c.one_of(&refusable))
                }
                // One type, or a list of distinct types that must all be granted.
                cmps::EntryKind::Idents if c.chance(50) => word(c.one_of(cmp.vocabulary)),
                cmps::EntryKind::Idents => {
                    let mut types: Vec<&str> = Vec::new();
                    for _ in 0..1 + c.pick(3) {
                        let t = c.one_of(cmp.vocabulary);
                        if !types.contains(&t) {
                            types.push(t);
                        }
                    }
                    Val::List(types.into_iter().map(word).collect())
                }
                cmps::EntryKind::Integer => Val::Int(1 + c.pick(50) as u32),
                _ if cmp.name == "onetrust" => str_val(plain(&format!("C000{}", 2 + c.pick(7)))),
                _ => {
                    let mut v = if style == Style::Messy && c.chance(30) {
                        let mut t = messy_text(c, 4);
                        t.source.push_str("cat");
                        t.value.push_str("cat");
                        t
                    } else {
                        plain(c.one_of(CMP_STRINGS))
                    };
                    if consent
                        && (cmp.non_refusable.contains(&v.value.as_str()) || always_active.contains(&v.value.as_str()))
                    {
                        v = plain("marketing");
                    }
                    str_val(v)
                }
            };
            entries.push(assign(name, value));
        }
    }
    if style == Style::Messy {
        shuffle(c, &mut entries);
    }
    Item::Block {
        kind: "cmp".to_owned(),
        name: Some(cmp.name.to_owned()),
        options,
        items: entries,
    }
}

fn shuffle<T>(c: &mut impl Choices, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = c.pick(i + 1);
        items.swap(i, j);
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering: `.policy` text.

/// A file of `policies`, rendered in `style`.
pub fn render(c: &mut impl Choices, policies: &[Item], style: Style) -> String {
    let mut w = Writer {
        out: String::new(),
        style,
        indent: 0,
    };
    if style == Style::Messy && c.chance(10) {
        w.out.push('\u{feff}');
    }
    if style == Style::Tidy {
        w.out
            .push_str("// Generated by benches/corpus: a policy for one site.\n\n");
    }
    for (i, p) in policies.iter().enumerate() {
        if i > 0 && style == Style::Tidy {
            w.out.push('\n');
        }
        w.item(c, p);
        w.gap(c, false);
    }
    if style == Style::Tidy {
        w.out.push('\n');
    }
    w.out
}

struct Writer {
    out: String,
    style: Style,
    indent: usize,
}

const GAPS: &[&str] = &[
    " ",
    "\n",
    "\t",
    "  \n    ",
    "\r\n",
    " /* a comment */ ",
    "/*\n * é *\u{200B} ** /\n*/",
    " // a line comment */ \"\n",
    "\n\n",
    "//\n",
    "/**/",
];

impl Writer {
    /// Whitespace between two tokens: `required` where they would otherwise run together.
    fn gap(&mut self, c: &mut impl Choices, required: bool) {
        match self.style {
            Style::Tidy => {
                if required {
                    self.out.push(' ');
                }
            }
            Style::Messy => {
                if !required && c.chance(40) {
                    return;
                }
                let g = c.one_of(GAPS);
                self.out.push_str(g);
            }
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    fn item(&mut self, c: &mut impl Choices, item: &Item) {
        match item {
            Item::Comment(text) => match self.style {
                Style::Tidy => {
                    self.out.push_str("// ");
                    self.out.push_str(text);
                    self.newline();
                }
                Style::Messy => {
                    if c.chance(50) {
                        self.out.push_str("/* ");
                        self.out.push_str(text);
                        self.out.push_str(" */");
                    } else {
                        self.out.push_str("// ");
                        self.out.push_str(text);
                        self.out.push('\n');
                    }
                }
            },
            Item::Assign(key, value) => {
                self.out.push_str(key);
                self.gap(c, self.style == Style::Tidy);
                self.out.push('=');
                self.gap(c, self.style == Style::Tidy);
                self.value(c, value);
                self.end_item(c);
            }
            Item::Block {
                kind,
                name,
                options,
                items,
            } => {
                self.out.push_str(kind);
                if let Some(name) = name {
                    self.gap(c, true);
                    self.out.push_str(name);
                }
                if !options.is_empty() {
                    self.gap(c, false);
                    self.out.push('(');
                    for (i, (k, v)) in options.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                            self.gap(c, self.style == Style::Tidy);
                        }
                        self.gap(c, false);
                        self.out.push_str(k);
                        self.gap(c, self.style == Style::Tidy);
                        self.out.push('=');
                        self.gap(c, self.style == Style::Tidy);
                        self.value(c, v);
                    }
                    if self.style == Style::Messy && c.chance(20) {
                        self.out.push(',');
                    }
                    self.out.push(')');
                }
                self.gap(c, self.style == Style::Tidy);
                self.out.push('{');
                let inline = self.style == Style::Tidy
                    && matches!(kind.as_str(), "cmp" | "retention" | "facade")
                    && items.iter().all(|i| matches!(i, Item::Assign(..)));
                if inline {
                    for (i, item) in items.iter().enumerate() {
                        self.out.push_str(if i == 0 { " " } else { "; " });
                        let Item::Assign(k, v) = item else { continue };
                        self.out.push_str(k);
                        self.out.push_str(" = ");
                        self.value(c, v);
                    }
                    self.out.push_str(if items.is_empty() { "}" } else { " }" });
                } else {
                    self.indent += 1;
                    for item in items {
                        if self.style == Style::Tidy {
                            // Real policies explain their choices; about one item in four
                            // has a comment line above it.
                            if c.chance(25) {
                                self.newline();
                                self.out.push_str("// ");
                                self.out.push_str(&sentence(c, 16).value);
                            }
                            self.newline();
                            // `newline` indented for the next line; comments re-indent
                            // themselves, so the item starts right here.
                            self.item_tidy(c, item);
                        } else {
                            self.gap(c, false);
                            self.item(c, item);
                        }
                    }
                    self.indent -= 1;
                    self.gap(c, false);
                    if self.style == Style::Tidy {
                        self.newline();
                    }
                    self.out.push('}');
                }
                self.end_item(c);
            }
        }
    }

    fn item_tidy(&mut self, c: &mut impl Choices, item: &Item) {
        if let Item::Comment(text) = item {
            self.out.push_str("// ");
            self.out.push_str(text);
            return;
        }
        self.item(c, item);
    }

    /// An optional `;`, then (messy) whitespace: required after a word or a number, which the
    /// next key would otherwise extend.
    fn end_item(&mut self, c: &mut impl Choices) {
        if self.style == Style::Messy {
            if c.chance(30) {
                self.out.push(';');
                self.gap(c, false);
            } else {
                self.gap(c, true);
            }
        }
    }

    fn value(&mut self, c: &mut impl Choices, v: &Val) {
        match v {
            Val::Str(t) => {
                self.out.push('"');
                self.out.push_str(&t.source);
                self.out.push('"');
            }
            Val::Int(n) => self.out.push_str(&n.to_string()),
            Val::Duration(n, unit) => {
                self.out.push_str(&n.to_string());
                self.gap(c, true);
                self.out.push_str(unit);
            }
            Val::Word(w) => self.out.push_str(w),
            Val::List(items) => self.list(c, items),
            Val::Except(items, except) => {
                self.list(c, items);
                self.gap(c, self.style == Style::Tidy);
                self.out.push_str("except");
                self.gap(c, self.style == Style::Tidy);
                self.list(c, except);
            }
        }
    }

    fn list(&mut self, c: &mut impl Choices, items: &[Val]) {
        self.out.push('[');
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                self.gap(c, false);
                self.out.push(',');
                self.gap(c, self.style == Style::Tidy);
            } else {
                self.gap(c, false);
            }
            self.value(c, v);
        }
        if self.style == Style::Messy && !items.is_empty() && c.chance(20) {
            self.out.push(',');
        }
        self.gap(c, false);
        self.out.push(']');
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering: the same content as JSON, for the serde_json baseline.

/// The file's content as JSON: a block becomes an object under its kind (and, when named, under
/// its name), an assignment a member, a duration `"24 months"`, `a except b` an object with
/// `items` and `except`. Comments have no JSON form and are dropped.
pub fn to_json(policies: &[Item]) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    for p in policies {
        json_item(&mut root, p);
    }
    serde_json::Value::Object(root)
}

fn json_item(obj: &mut serde_json::Map<String, serde_json::Value>, item: &Item) {
    use serde_json::Value as J;
    match item {
        Item::Comment(_) => {}
        Item::Assign(k, v) => {
            obj.insert(k.clone(), json_val(v));
        }
        Item::Block {
            kind,
            name,
            options,
            items,
        } => {
            let mut body = serde_json::Map::new();
            if !options.is_empty() {
                let opts = options.iter().map(|(k, v)| (k.clone(), json_val(v))).collect();
                body.insert("options".to_owned(), J::Object(opts));
            }
            for i in items {
                json_item(&mut body, i);
            }
            match name {
                Some(n) => {
                    let slot = obj
                        .entry(kind.clone())
                        .or_insert_with(|| J::Object(serde_json::Map::new()));
                    if let J::Object(named) = slot {
                        named.insert(n.clone(), J::Object(body));
                    }
                }
                None => {
                    obj.insert(kind.clone(), J::Object(body));
                }
            }
        }
    }
}

fn json_val(v: &Val) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Val::Str(t) => J::String(t.value.clone()),
        Val::Int(n) => J::from(*n),
        Val::Duration(n, unit) => J::String(format!("{n} {unit}")),
        Val::Word(w) => J::String(w.clone()),
        Val::List(items) => J::Array(items.iter().map(json_val).collect()),
        Val::Except(items, except) => serde_json::json!({
            "items": items.iter().map(json_val).collect::<Vec<_>>(),
            "except": except.iter().map(json_val).collect::<Vec<_>>(),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Corpora.

/// A generated file: its name, its `.policy` text and the same content as JSON text.
pub struct GeneratedFile {
    pub name: String,
    pub policy: String,
    pub json: String,
}

/// `n` files of one tidy policy each, the same for the same `seed` on every machine.
pub fn corpus(n: usize, seed: u64) -> Vec<GeneratedFile> {
    let mut c = Seeded(seed);
    (0..n)
        .map(|i| {
            let stem = c.one_of(&["shop", "app", "docs", "www", "portal", "store", "help"]);
            let name = format!("{stem}_{i}");
            let p = policy(&mut c, &name, Style::Tidy);
            let policies = [p];
            GeneratedFile {
                name: format!("policies/{name}.policy"),
                policy: render(&mut c, &policies, Style::Tidy),
                json: to_json(&policies).to_string(),
            }
        })
        .collect()
}
