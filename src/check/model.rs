//! The checked model: what a policy means, with spans kept for later diagnostics. Emitters
//! read only this and the catalogue.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub use crate::calendar::{Duration, TimeUnit};
use crate::catalog::LeafSet;
use crate::source::Span;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A setting with a default: `span` is `None` when the policy did not write it.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub span: Option<Span>,
}

macro_rules! keyword_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $word)] $variant),* }

        impl Keyword for $name {
            const WORDS: &'static [(&'static str, Self)] = &[$(($word, $name::$variant)),*];
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),* }
            }
        }
    };
}

/// A fixed set of identifiers a key accepts.
pub trait Keyword: Sized + Copy + 'static {
    const WORDS: &'static [(&'static str, Self)];

    fn from_word(word: &str) -> Option<Self> {
        Self::WORDS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
    }

    fn words() -> Vec<&'static str> {
        Self::WORDS.iter().map(|(w, _)| *w).collect()
    }
}

keyword_enum!(
    /// The GDPR Art. 6 legal basis of a purpose.
    Basis { Consent = "consent", LegitimateInterest = "legitimate_interest", Contract = "contract" }
);
keyword_enum!(Gpc { Ignore = "ignore", Honor = "honor", Strict = "strict" });
keyword_enum!(Load { WhenGranted = "when_granted", OnInteraction = "on_interaction" });
keyword_enum!(IdentityVerification { Jwt = "jwt", Hmac = "hmac", Off = "off" });
keyword_enum!(Transfer { Dpf = "dpf", Scc = "scc", None = "none" });
keyword_enum!(AudienceRules { Applied = "applied", Missing = "missing" });
keyword_enum!(OnWithdraw { Cleanup = "cleanup", Reload = "reload" });
keyword_enum!(Position { Left = "left", Right = "right" });

#[derive(Debug, Clone, Default)]
pub struct Model {
    /// In (file, offset) order.
    pub policies: Vec<Policy>,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    pub name_span: Span,
    pub title: Option<Spanned<String>>,
    /// Defaults to `[eu]`, the strictest.
    pub jurisdictions: Setting<Vec<String>>,
    pub intercom: Option<Intercom>,
    pub purposes: IndexMap<String, Purpose>,
    pub cmps: IndexMap<String, CmpBlock>,
    /// A `cmp` block was written but rejected (already reported).
    pub invalid_cmp_blocks: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Retention {
    pub conversations: Option<Duration>,
    pub users: Option<Duration>,
    pub visitors: Option<Duration>,
    /// Keys written with a value of the wrong kind (already reported): not missing.
    pub invalid: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Facade {
    pub label: String,
    pub color: String,
    pub position: Position,
}

#[derive(Debug, Clone)]
pub struct Intercom {
    /// `intercom` at the head of the block.
    pub span: Span,
    pub app_id: Spanned<String>,
    pub region: Spanned<String>,
    pub identity_verification: Setting<IdentityVerification>,
    pub load: Setting<Load>,
    pub pages: Option<Spanned<Vec<String>>>,
    pub transfer: Option<Spanned<Transfer>>,
    pub audience_rules: Setting<AudienceRules>,
    pub on_withdraw: Setting<OnWithdraw>,
    pub retention: Retention,
    /// Present when `load = on_interaction` (defaults filled in).
    pub facade: Option<Facade>,
}

/// One entry of `features = [...]` or of its `except [...]`, resolved.
#[derive(Debug, Clone)]
pub struct FeatureRef {
    /// As written: `intercom.tracking.*`.
    pub written: String,
    pub span: Span,
    pub cover: LeafSet,
}

#[derive(Debug, Clone)]
pub struct Purpose {
    pub name: String,
    pub name_span: Span,
    pub title: Option<String>,
    pub description: Option<String>,
    pub basis: Spanned<Basis>,
    pub gpc: Setting<Gpc>,
    pub features: Vec<FeatureRef>,
    pub excepts: Vec<FeatureRef>,
    /// `S(p)`: the leaves this purpose gates.
    pub leaves: LeafSet,
    /// Some `features` entries were rejected (already reported), so `leaves` may be short.
    pub invalid_features: bool,
}

impl Purpose {
    /// The first listed entry that brings `leaf` in (the place to point at).
    pub fn mapping_of(&self, leaf: usize) -> Option<&FeatureRef> {
        self.features.iter().find(|f| f.cover.contains(&leaf))
    }
}

/// What a `cmp` block maps a purpose to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CmpValue {
    Name(String),
    Number(u32),
    /// Names that must all be granted (Google Consent Mode types).
    List(Vec<String>),
}

impl std::fmt::Display for CmpValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CmpValue::Name(s) => f.write_str(s),
            CmpValue::Number(n) => write!(f, "{n}"),
            CmpValue::List(names) => write!(f, "[{}]", names.join(", ")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CmpOptionValue {
    String(String),
    List(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct CmpEntry {
    pub value: CmpValue,
    pub key_span: Span,
    pub value_span: Span,
}

#[derive(Debug, Clone)]
pub struct CmpBlock {
    pub name: String,
    pub name_span: Span,
    pub options: IndexMap<String, CmpOptionValue>,
    pub entries: IndexMap<String, CmpEntry>,
    /// Purposes whose entry was written but rejected (already reported): not missing.
    pub invalid_entries: indexmap::IndexSet<String>,
}
