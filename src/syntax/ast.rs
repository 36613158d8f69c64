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

/// The unit word of a duration literal, as the grammar accepts it (`day` or `days`, ...). What a
/// duration means on the calendar is the model's business (`crate::calendar`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitWord {
    Day,
    Week,
    Month,
    Year,
}

impl UnitWord {
    pub fn parse(word: &str) -> Option<UnitWord> {
        Some(match word {
            "day" | "days" => UnitWord::Day,
            "week" | "weeks" => UnitWord::Week,
            "month" | "months" => UnitWord::Month,
            "year" | "years" => UnitWord::Year,
            _ => return None,
        })
    }

    /// The canonical spelling after `amount` (the printer normalises `1 days` to `1 day`).
    pub fn word(self, amount: u32) -> &'static str {
        match (self, amount == 1) {
            (UnitWord::Day, true) => "day",
            (UnitWord::Day, false) => "days",
            (UnitWord::Week, true) => "week",
            (UnitWord::Week, false) => "weeks",
            (UnitWord::Month, true) => "month",
            (UnitWord::Month, false) => "months",
            (UnitWord::Year, true) => "year",
            (UnitWord::Year, false) => "years",
        }
    }
}

/// `12 months` as written: the amount and the unit word, with the unit's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DurationLiteral {
    pub amount: u32,
    pub unit: UnitWord,
    pub unit_span: Span,
}

impl std::fmt::Display for DurationLiteral {
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
    Duration(DurationLiteral),
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
