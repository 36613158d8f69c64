//! pest parse tree to AST, and pest errors to diagnostics in words.

use pest::iterators::Pair;
use pest::Parser as _;

use super::ast::*;
use crate::diagnostics::words::{join, Last};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::chars::is_invisible;
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

pub fn parse(file: FileId, text: &str) -> Result<File, Box<Diagnostic>> {
    let mut pairs = PolicyParser::parse(Rule::file, text).map_err(|e| syntax_error(file, text, e))?;
    let root = pairs.next().ok_or_else(|| internal(file))?;
    let builder = Builder { file };
    let mut items = Vec::new();
    for pair in significant(root) {
        match pair.as_rule() {
            Rule::EOI => {}
            _ => items.push(builder.item(pair)?),
        }
    }
    Ok(File { items })
}

fn internal(file: FileId) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::new(Code::CP0001, "the parser produced an unexpected tree")
            .primary(Span::new(file, 0, 0), "while reading this file"),
    )
}

struct Builder {
    file: FileId,
}

/// The pairs that carry meaning: punctuation rules exist only for error messages, and comments
/// are pairs only because atomic rules are fast to skip (comments are read from the text by
/// `syntax::comments` where they matter).
fn significant(pair: Pair<Rule>) -> impl Iterator<Item = Pair<Rule>> {
    pair.into_inner().filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::eq | Rule::comma | Rule::lbrace | Rule::rbrace | Rule::rbracket | Rule::rparen | Rule::comment
        )
    })
}

type Built<T> = Result<T, Box<Diagnostic>>;

impl Builder {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    fn item(&self, pair: Pair<Rule>) -> Built<Item> {
        match pair.as_rule() {
            Rule::assignment => Ok(Item::Assignment(self.assignment(pair)?)),
            Rule::block => Ok(Item::Block(self.block(pair)?)),
            _ => Err(internal(self.file)),
        }
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: self.span(&pair),
        }
    }

    fn assignment(&self, pair: Pair<Rule>) -> Built<Assignment> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let key = inner.next().ok_or_else(|| internal(self.file))?;
        let value = inner.next().ok_or_else(|| internal(self.file))?;
        Ok(Assignment {
            key: self.ident(key),
            value: self.value(value)?,
            span,
        })
    }

    fn block(&self, pair: Pair<Rule>) -> Built<Block> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let kind = self.ident(inner.next().ok_or_else(|| internal(self.file))?);
        let mut block = Block {
            kind,
            name: None,
            options: Vec::new(),
            items: Vec::new(),
            span,
        };
        for part in inner {
            match part.as_rule() {
                Rule::block_name => {
                    let ident = part.into_inner().next().ok_or_else(|| internal(self.file))?;
                    block.name = Some(self.ident(ident));
                }
                Rule::options => {
                    for option in significant(part) {
                        block.options.push(self.assignment(option)?);
                    }
                }
                _ => block.items.push(self.item(part)?),
            }
        }
        Ok(block)
    }

    fn value(&self, pair: Pair<Rule>) -> Built<Value> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::string => {
                let inner = pair.into_inner().next().ok_or_else(|| internal(self.file))?;
                ValueKind::String(self.unescape(&inner)?)
            }
            Rule::integer => ValueKind::Integer(self.integer(&pair)?),
            Rule::duration => {
                let mut inner = significant(pair);
                let amount = inner.next().ok_or_else(|| internal(self.file))?;
                let unit = inner.next().ok_or_else(|| internal(self.file))?;
                let unit_span = self.span(&unit);
                let unit = UnitWord::parse(unit.as_str()).ok_or_else(|| internal(self.file))?;
                ValueKind::Duration(DurationLiteral {
                    amount: self.integer(&amount)?,
                    unit,
                    unit_span,
                })
            }
            Rule::path => {
                let text = pair.as_str();
                let (body, wildcard) = match text.strip_suffix(".*") {
                    Some(body) => (body, true),
                    None => (text, false),
                };
                ValueKind::Path(Path {
                    segments: body.split('.').map(str::to_owned).collect(),
                    wildcard,
                })
            }
            Rule::list_value => {
                let mut inner = significant(pair);
                let list = inner.next().ok_or_else(|| internal(self.file))?;
                let items = self.list(list)?;
                let except = match (inner.next(), inner.next()) {
                    (Some(_keyword), Some(list)) => {
                        let except_span = self.span(&list);
                        let items = self.list(list)?;
                        Some(Box::new(Value {
                            kind: ValueKind::List { items, except: None },
                            span: except_span,
                        }))
                    }
                    _ => None,
                };
                ValueKind::List { items, except }
            }
            _ => return Err(internal(self.file)),
        };
        Ok(Value { kind, span })
    }

    fn list(&self, pair: Pair<Rule>) -> Built<Vec<Value>> {
        significant(pair).map(|v| self.value(v)).collect()
    }

    fn integer(&self, pair: &Pair<Rule>) -> Built<u32> {
        pair.as_str().parse::<u32>().map_err(|_| {
            Box::new(
                Diagnostic::new(
                    Code::CP0001,
                    format!("integer `{}` does not fit in 32 bits", clip(pair.as_str())),
                )
                .primary(self.span(pair), "too large")
                .help(format!("integers range from 0 to {}", u32::MAX)),
            )
        })
    }

    fn unescape(&self, pair: &Pair<Rule>) -> Built<String> {
        let raw = pair.as_str();
        let base = pair.as_span().start();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, ch)) = chars.next() {
            if ch != '\\' {
                out.push(ch);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'u')) => {
                    let rest = &raw[i + 2..];
                    let close = rest.find('}').unwrap_or(rest.len());
                    let hex = rest.get(1..close).unwrap_or("");
                    let end = base + i + 2 + close + 1;
                    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        Some(c) => out.push(c),
                        None => {
                            return Err(Box::new(
                                Diagnostic::new(Code::CP0001, format!("`\\u{{{hex}}}` is not a Unicode scalar value"))
                                    .primary(Span::new(self.file, base + i, end), "invalid escape")
                                    .help("use a code point up to `10FFFF`, outside the surrogates `D800`-`DFFF`"),
                            ))
                        }
                    }
                    // skip `{hex}`
                    for _ in 0..close + 1 {
                        chars.next();
                    }
                }
                _ => return Err(internal(self.file)),
            }
        }
        Ok(out)
    }
}

fn clip(text: &str) -> String {
    if text.chars().count() > 24 {
        format!("{}…", text.chars().take(24).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// What a rule means to a user, for "expected ..." messages.
fn describe(rule: &Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::eq => "`=`",
        Rule::comma => "`,`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::rbracket => "`]`",
        Rule::rparen => "`)`",
        Rule::item | Rule::assignment | Rule::block => "a key or a block",
        Rule::ident | Rule::block_name => "a name",
        Rule::options | Rule::option => "options in `(...)`",
        Rule::list_value | Rule::list => "a list `[...]`",
        Rule::except_kw => "`except`",
        Rule::duration => "a duration",
        Rule::unit => "a time unit (`days`, `weeks`, `months`, `years`)",
        Rule::integer => "an integer",
        Rule::path => "a name or path",
        Rule::wildcard => "`.*`",
        Rule::string | Rule::string_inner => "a string",
        _ => "a value",
    }
}

fn syntax_error(file: FileId, text: &str, error: pest::error::Error<Rule>) -> Box<Diagnostic> {
    let pos = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            // A comment is allowed between any two tokens, so it is never news.
            let mut words: Vec<&str> = positives
                .iter()
                .filter(|r| !matches!(r, Rule::comment))
                .map(describe)
                .collect();
            // What the grammar always allows at that point but `positives` omits.
            if words.is_empty() {
                words.push("a value");
            }
            words.dedup();
            words.sort_unstable();
            words.dedup();
            words
        }
        pest::error::ErrorVariant::CustomError { .. } => vec!["valid syntax"],
    };
    let expected = join(&expected, Last::Or);
    let (found, width) = found_at(text, pos);
    let span = Span::new(file, pos, pos + width);
    let mut d = Diagnostic::new(Code::CP0001, format!("expected {expected}, found {found}"))
        .primary(span, format!("expected {expected} here"));
    let fallback = if expected.contains("`,`") {
        "separate list items with `,` and close the list with `]`"
    } else {
        "items are `key = value` or `kind name { ... }`; strings are double-quoted; see `consentc explain CP0001`"
    };
    d = d.help(hint(text, pos, &expected).unwrap_or_else(|| fallback.to_owned()));
    Box::new(d)
}

/// A targeted hint for the commonest slips.
fn hint(text: &str, pos: usize, expected: &str) -> Option<String> {
    let rest = text.get(pos..)?;
    let ch = rest.chars().next()?;
    if ch == '-' {
        if let Some(joined) = dashed_name(text, pos) {
            return Some(format!(
                "names use `_`, not `-`: write `{joined}` (language tags too; the outputs write them with `-`)"
            ));
        }
    }
    fixed_hint(ch, text, pos, expected).map(str::to_owned)
}

/// `pt-br` around a `-` at `pos`, as the name it was meant to be: `pt_br`.
fn dashed_name(text: &str, pos: usize) -> Option<String> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let before: String = text[..pos].chars().rev().take_while(|&c| is_name(c)).collect();
    let before: String = before.chars().rev().collect();
    let after: String = text[pos..].chars().take_while(|&c| is_name(c)).collect();
    let joined = format!("{before}{after}").replace('-', "_");
    let valid = joined.starts_with(|c: char| c.is_ascii_lowercase())
        && joined
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !before.is_empty()
        && after.len() > 1;
    valid.then_some(joined)
}

fn fixed_hint(ch: char, text: &str, pos: usize, expected: &str) -> Option<&'static str> {
    if expected.contains("`=`") && (ch == '"' || ch == '[' || ch.is_ascii_digit()) {
        return Some("put `=` between a key and its value: `key = value`");
    }
    if ch == '.' && text[..pos].ends_with(".*") {
        return Some("`.*` means every feature below a group, so it comes last: `intercom.tracking.*`");
    }
    if ch == '\'' {
        return Some("strings use double quotes: `\"...\"`");
    }
    if ch.is_ascii_uppercase() {
        return Some("names are lowercase: `[a-z][a-z0-9_]*`");
    }
    if ch == '-' {
        return Some("names use `_`, not `-`; negative numbers are not allowed");
    }
    if ch == ':' {
        return Some("assign with `=`, not `:`");
    }
    None
}

fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = text.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => ("end of file".to_owned(), 0),
        Some(c) if c.is_whitespace() => ("whitespace".to_owned(), c.len_utf8()),
        Some('"') => ("a string".to_owned(), 1),
        Some(c) => {
            let word: String = rest
                .chars()
                .take_while(|ch| ch.is_alphanumeric() || *ch == '_')
                .take(24)
                .collect();
            if word.is_empty() {
                let shown = if c.is_control() || is_invisible(c) {
                    format!("U+{:04X}", c as u32)
                } else {
                    format!("`{c}`")
                };
                (shown, c.len_utf8())
            } else {
                (format!("`{word}`"), word.len())
            }
        }
    }
}
