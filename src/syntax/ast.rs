//! The syntax tree: generic blocks, assignments and values, each with its span.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Assignment(Assignment),
    Block(Block),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Assignment(a) => a.span,
            Item::Block(b) => b.span,
        }
    }
}

/// `key = value`
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub key: Ident,
    pub value: Value,
    pub span: Span,
}

/// `kind name? (options)? { items }`
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: Ident,
    pub name: Option<Ident>,
    pub options: Vec<Assignment>,
    pub items: Vec<Item>,
    pub span: Span,
}

impl Block {
    /// The span naming the block: `kind name`, for labels that should not cover the body.
    pub fn head_span(&self) -> Span {
        match &self.name {
            Some(name) => self.kind.span.to(name.span),
            None => self.kind.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    pub fn parse(word: &str) -> Option<TimeUnit> {
        Some(match word {
            "day" | "days" => TimeUnit::Day,
            "week" | "weeks" => TimeUnit::Week,
            "month" | "months" => TimeUnit::Month,
            "year" | "years" => TimeUnit::Year,
            _ => return None,
        })
    }

    pub fn word(self, amount: u32) -> &'static str {
        match (self, amount == 1) {
            (TimeUnit::Day, true) => "day",
            (TimeUnit::Day, false) => "days",
            (TimeUnit::Week, true) => "week",
            (TimeUnit::Week, false) => "weeks",
            (TimeUnit::Month, true) => "month",
            (TimeUnit::Month, false) => "months",
            (TimeUnit::Year, true) => "year",
            (TimeUnit::Year, false) => "years",
        }
    }

    /// Approximate length in days, for comparisons only (a month is 30 days, a year 365).
    pub fn days(self) -> u64 {
        match self {
            TimeUnit::Day => 1,
            TimeUnit::Week => 7,
            TimeUnit::Month => 30,
            TimeUnit::Year => 365,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Duration {
    pub amount: u32,
    pub unit: TimeUnit,
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.word(self.amount))
    }
}

/// `a.b.c` or `a.b.*`. A bare identifier is a path of one segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    pub segments: Vec<String>,
    pub wildcard: bool,
}

impl Path {
    pub fn is_ident(&self) -> bool {
        self.segments.len() == 1 && !self.wildcard
    }

    /// The dotted path without the wildcard.
    pub fn dotted(&self) -> String {
        self.segments.join(".")
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.dotted())?;
        if self.wildcard {
            f.write_str(".*")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    String(String),
    Integer(u32),
    Duration(Duration),
    Path(Path),
    List {
        items: Vec<Value>,
        except: Option<Box<Value>>,
    },
}

impl ValueKind {
    /// How the value is described in "expected ..., found ..." messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::String(_) => "a string",
            ValueKind::Integer(_) => "an integer",
            ValueKind::Duration(_) => "a duration",
            ValueKind::Path(p) if p.is_ident() => "an identifier",
            ValueKind::Path(_) => "a path",
            ValueKind::List { .. } => "a list",
        }
    }
}

impl Value {
    pub fn as_ident(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Path(p) if p.is_ident() => Some(&p.segments[0]),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }
}

/// One parsed file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}
