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
    /// Canonical tags (`pt-BR`), the default first; `[en]` when the policy names none.
    pub languages: Setting<Vec<Spanned<String>>>,
    /// The texts of each other language, by canonical tag, in `languages` order (see
    /// [`Policy::texts_in`]). Filled once the whole compile set is read: `text` blocks may stand
    /// in other files.
    pub texts: IndexMap<String, Texts>,
    /// The `text` blocks written for this policy, inside it or at the top level of any file, until
    /// the checker resolves them into `texts`.
    pub written_texts: Vec<WrittenText>,
    /// The standalone banner's texts in the default language, when the policy has a `banner`
    /// block.
    pub banner: Option<Banner>,
    /// Who is responsible for the processing, when the policy says.
    pub controller: Option<Controller>,
}

/// `controller { name, contact, dpo, privacy_policy }` (GDPR Art. 13(1)(a)-(b), Art. 30(1)(a)).
#[derive(Debug, Clone, PartialEq)]
pub struct Controller {
    /// `controller` at the head of the block.
    pub span: Span,
    pub name: Option<Spanned<String>>,
    pub contact: Option<Spanned<String>>,
    pub dpo: Option<Spanned<String>>,
    /// An https URL or an absolute path.
    pub privacy_policy: Option<Spanned<String>>,
}

/// The keys of a `banner { ... }` block with the English text used where a policy writes none
/// (docs/language.md, "Languages").
pub const BANNER_TEXTS: &[(&str, &str)] = &[
    ("title", "We use cookies"),
    ("description", "We ask before loading chat, product tours or analytics."),
    ("accept_all", "Accept all"),
    ("reject_all", "Reject all"),
    ("preferences", "Manage preferences"),
    ("save", "Save preferences"),
];

/// `banner { ... }`: texts by key (keys from [`BANNER_TEXTS`]), each where it was written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Banner {
    /// `banner` at the head of the block.
    pub span: Option<Span>,
    pub texts: IndexMap<&'static str, Spanned<String>>,
}

/// A purpose's words in one language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PurposeTexts {
    pub title: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
}

/// What a `text LANG { ... }` block gives for one language other than the default.
#[derive(Debug, Clone, PartialEq)]
pub struct Texts {
    /// `text LANG` at the head of the block.
    pub span: Span,
    pub purposes: IndexMap<String, PurposeTexts>,
    pub facade_label: Option<Spanned<String>>,
    pub banner: Banner,
}

/// A `text` block as written, before it is matched with its policy's languages and purposes.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenText {
    /// The language as written (`pt_br`) and where.
    pub language: Spanned<String>,
    /// Its canonical tag, or `None` when the tag is malformed (already reported).
    pub tag: Option<String>,
    /// The policy named by `(policy = NAME)` at the top level, with its span.
    pub policy: Option<Spanned<String>>,
    pub head: Span,
    /// Each `purpose NAME { ... }` with the span of its name; duplicates already dropped.
    pub purposes: Vec<(Spanned<String>, PurposeTexts)>,
    pub facade_label: Option<Spanned<String>>,
    pub banner: Banner,
}

impl Policy {
    /// The default language's canonical tag.
    pub fn default_language(&self) -> &str {
        self.languages.value.first().map_or("en", |l| l.value.as_str())
    }

    /// Every language's canonical tag, the default first.
    pub fn language_tags(&self) -> impl Iterator<Item = &str> {
        self.languages.value.iter().map(|l| l.value.as_str())
    }

    /// The texts of a language other than the default, if the policy has a `text` block for it.
    pub fn texts_in(&self, language: &str) -> Option<&Texts> {
        self.texts.get(language)
    }

    /// A purpose's title in `language`: its translation, else the default text, else its name.
    pub fn title_in<'a>(&'a self, purpose: &'a Purpose, language: &str) -> &'a str {
        self.purpose_texts(purpose, language)
            .and_then(|t| t.title.as_ref())
            .or(purpose.title.as_ref())
            .map_or(purpose.name.as_str(), |t| t.value.as_str())
    }

    /// A purpose's description in `language`: its translation, else the default text, else "".
    pub fn description_in<'a>(&'a self, purpose: &'a Purpose, language: &str) -> &'a str {
        self.purpose_texts(purpose, language)
            .and_then(|t| t.description.as_ref())
            .or(purpose.description.as_ref())
            .map_or("", |t| t.value.as_str())
    }

    fn purpose_texts(&self, purpose: &Purpose, language: &str) -> Option<&PurposeTexts> {
        self.texts_in(language)?.purposes.get(&purpose.name)
    }

    /// The facade's label in `language` (the default's when untranslated), when there is a facade.
    pub fn facade_label_in(&self, language: &str) -> Option<&str> {
        let facade = self.intercom.as_ref()?.facade.as_ref()?;
        Some(
            self.texts_in(language)
                .and_then(|t| t.facade_label.as_ref())
                .map_or(facade.label.as_str(), |l| l.value.as_str()),
        )
    }

    /// A banner text in `language`: its translation, else the default language's, else English.
    pub fn banner_text_in(&self, key: &str, language: &str) -> &str {
        fn written<'b>(banner: &'b Banner, key: &str) -> Option<&'b str> {
            banner.texts.get(key).map(|t| t.value.as_str())
        }
        self.texts_in(language)
            .and_then(|t| written(&t.banner, key))
            .or_else(|| self.banner.as_ref().and_then(|b| written(b, key)))
            .or_else(|| BANNER_TEXTS.iter().find(|(k, _)| *k == key).map(|(_, text)| *text))
            .unwrap_or_default()
    }
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
    /// Where `label` was written; `None` for the built-in default.
    pub label_span: Option<Span>,
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
    /// Why the messenger's device access rests on the visitor's request (the click on the
    /// facade) rather than consent: required where EU or UK law applies (CP0206).
    pub request_exemption: Option<Spanned<String>>,
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
    pub title: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
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
