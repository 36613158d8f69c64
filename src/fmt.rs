//! The canonical printer behind `consentc fmt`: one layout for every `.policy` file, with every
//! comment kept where it was. `docs/fmt.md` is the user-facing copy of these rules.
//!
//! The layout:
//!
//! - 2-space indentation; one item per line; `key = value`; blocks as
//!   `kind name(options) {` … `}`; no `;` separators (except inside one-line blocks).
//! - Blank lines: at most one is kept wherever the source had one or more. Top-level blocks are
//!   always separated by one blank line, and inside a block, a block that spans several lines is
//!   separated from its neighbours by one. None are kept at the start or end of a block, a list
//!   or the file. (Exception: no blank line is forced after an item whose trailing comment is a
//!   `// consentc:` directive, because a directive applies to the line below it.)
//! - One-line blocks: a block stays on one line, `kind name { a = 1; b = 2 }`, when it was on
//!   one line in the source, holds only assignments, holds no comment, and fits in 100 columns.
//!   Otherwise it is written one item per line. An empty block without comments is `kind name {}`.
//! - Lists, `except` lists and block options go on one line when they hold no comment and fit in
//!   100 columns (trailing comments are not counted); otherwise one element per line, each
//!   followed by `,`, the closing bracket back at the line's indentation. With `except`, the
//!   first list stays on one line if `[...] except [` fits, and the `except` list breaks alone.
//!   Empty options `()` are dropped.
//! - Values are written canonically: strings re-escaped (`\"`, `\\`, `\n`, `\t`; control
//!   characters, line and paragraph separators and invisible or direction-changing characters as
//!   `\u{hex}` in lowercase hex; everything else as itself), integers in plain decimal, durations
//!   with a singular unit for 1 and a plural one otherwise (`1 month`, `24 months`).
//! - Comments: a comment on its own line stays on its own line before the item, list element or
//!   closing bracket it preceded (dangling comments before a closing bracket stay inside it); a
//!   comment after an item on the same line stays after it (after the `,` in a list); a comment
//!   between two tokens of one item stays between them, and a `//` comment there ends the line,
//!   the item continuing on the next line indented one step more. Trailing `//` comments after
//!   one-line elements of one block or list, on consecutive lines, start in one column, one
//!   space after the longest of those lines; a lone one is one space away. Line comments lose
//!   trailing whitespace; block comments are kept verbatim (CRLF inside them becomes LF).
//! - A leading BOM is dropped, line ends are LF, and the file ends with exactly one newline
//!   (a file with no items and no comments becomes empty).
//!
//! A file that does not parse is never formatted: [`format_source`] returns its CP0001.

use crate::diagnostics::Diagnostic;
use crate::source::chars::{is_invisible, pad_bom};
use crate::source::position::width;
use crate::source::FileId;
use crate::syntax::{self, ast::*, Comment};

/// Lines longer than this break lists, options and one-line blocks.
pub const MAX_WIDTH: usize = 100;
const INDENT: usize = 2;

/// The canonical layout of one file's text, or the file's syntax error (CP0001).
pub fn format_source(text: &str) -> Result<String, Box<Diagnostic>> {
    // As `source::decode` does: the BOM becomes spaces so diagnostic spans match the file.
    let text = &*pad_bom(text);
    let file = syntax::parse(FileId(0), text)?;
    let comments = crate::syntax::comments(text);
    let mut printer = Printer {
        src: text,
        comments: &comments,
        next: 0,
        out: String::with_capacity(text.len() + text.len() / 8),
        directive_trailing: false,
        trailing_marks: Vec::new(),
        sequences: 0,
    };
    let items: Vec<Elem> = file.items.iter().map(Elem::Item).collect();
    printer.sequence(&items, 0, 0, text.len(), Ctx::Top);
    Ok(align_trailing(&printer.out, &printer.trailing_marks))
}

/// Replace `path` by `text` atomically: write a temporary file beside it (same directory, so
/// the same file system), give it the original's permissions, then rename it over the original.
/// A symbolic link is followed, so the file it points to is replaced and the link stays.
#[cfg(feature = "fs")]
pub fn write_atomic(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::path::Path;
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".consentc-fmt-").tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(&target) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Where a sequence of elements sits, which decides separators and forced blank lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The file's items.
    Top,
    /// A block's items.
    Body,
    /// List elements or block options: one per line, each followed by `,`.
    List,
}

#[derive(Clone, Copy)]
enum Elem<'a> {
    Item(&'a Item),
    Value(&'a Value),
    Option(&'a Assignment),
}

impl Elem<'_> {
    fn start(&self) -> usize {
        match self {
            Elem::Item(item) => item.span().start,
            Elem::Value(value) => value.span.start,
            Elem::Option(option) => option.span.start,
        }
    }
}

const SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

struct Printer<'a> {
    src: &'a str,
    /// Sorted by position; `next` is the first one not printed yet. Every comment is printed
    /// exactly once, in order, because elements are visited in source order and each comment is
    /// taken before the first token that follows it.
    comments: &'a [Comment],
    next: usize,
    out: String,
    /// The last item ended with a trailing `// consentc:` directive, which applies to the line
    /// below it: no blank line may be forced in between.
    directive_trailing: bool,
    /// Where each trailing `//` comment after a one-line element starts in `out`, and which
    /// sequence the element belongs to, for [`align_trailing`].
    trailing_marks: Vec<(usize, usize)>,
    /// Sequences begun so far, to tell them apart in `trailing_marks`.
    sequences: usize,
}

impl Printer<'_> {
    // Source positions.

    fn comment_before(&self, pos: usize) -> Option<Comment> {
        self.comments.get(self.next).copied().filter(|c| c.start < pos)
    }

    fn has_comment_in(&self, start: usize, end: usize) -> bool {
        let first = self.comments.partition_point(|c| c.start < start);
        self.comments.get(first).is_some_and(|c| c.start < end)
    }

    /// The end of the last token in `start..end`. pest lets an optional tail (`except [...]`, a
    /// duration's lookahead) take the whitespace and comments after a value into its span.
    fn token_end(&self, start: usize, mut end: usize) -> usize {
        loop {
            end = start + self.src[start..end].trim_end_matches(SPACE).len();
            let i = self.comments.partition_point(|c| c.start < end);
            match i.checked_sub(1).map(|i| self.comments[i]) {
                Some(c) if c.start >= start && end <= c.end => end = c.start,
                _ => return end,
            }
        }
    }

    /// Where the next token at or after `pos` starts, past whitespace and comments.
    fn next_token(&self, mut pos: usize) -> usize {
        loop {
            let rest = &self.src[pos..];
            pos += rest.len() - rest.trim_start_matches(SPACE).len();
            match self.comments.binary_search_by_key(&pos, |c| c.start) {
                Ok(i) => pos = self.comments[i].end,
                Err(_) => return pos,
            }
        }
    }

    fn byte_at(&self, pos: usize) -> u8 {
        self.src.as_bytes().get(pos).copied().unwrap_or(0)
    }

    /// The closing bracket of a list or options opened at `open`.
    fn closing(&self, open: usize, last_end: Option<usize>) -> usize {
        let mut pos = self.next_token(last_end.unwrap_or(open + 1));
        if self.byte_at(pos) == b',' {
            pos = self.next_token(pos + 1);
        }
        pos
    }

    fn blank_in_source(&self, from: usize, to: usize) -> bool {
        self.src.get(from..to).is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    fn elem_end(&self, elem: Elem) -> usize {
        match elem {
            Elem::Item(Item::Block(b)) => b.span.end,
            Elem::Item(Item::Assignment(a)) | Elem::Option(a) => self.token_end(a.span.start, a.span.end),
            Elem::Value(v) => self.token_end(v.span.start, v.span.end),
        }
    }

    // Output.

    fn push(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn current_line(&self) -> &str {
        &self.out[self.out.rfind('\n').map_or(0, |i| i + 1)..]
    }

    fn column(&self) -> usize {
        width(self.current_line())
    }

    fn line_indent(&self) -> usize {
        let line = self.current_line();
        line.len() - line.trim_start_matches(' ').len()
    }

    fn newline(&mut self) {
        let kept = self.out.trim_end_matches(' ').len();
        self.out.truncate(kept);
        self.out.push('\n');
    }

    fn indent(&mut self, width: usize) {
        self.out.push_str(&" ".repeat(width));
    }

    /// One space before the next token, unless the line is still empty.
    fn space(&mut self) {
        if !self.current_line().trim_start_matches(' ').is_empty() && !self.out.ends_with(' ') {
            self.out.push(' ');
        }
    }

    fn comment_text(&self, c: Comment) -> String {
        let raw = &self.src[c.start..c.end];
        if c.block {
            raw.replace("\r\n", "\n")
        } else {
            raw.trim_end().to_owned()
        }
    }

    fn take_comment(&mut self) -> Comment {
        let c = self.comments[self.next];
        self.next += 1;
        c
    }

    // Comments.

    /// Comments between two tokens of one item, before `pos`: a block comment stays inline; a
    /// line comment ends the line and the item goes on one step further in.
    fn inline_comments(&mut self, pos: usize, indent: usize) {
        while self.comment_before(pos).is_some() {
            let c = self.take_comment();
            self.space();
            let text = self.comment_text(c);
            self.push(&text);
            if !c.block {
                self.newline();
                self.indent(indent + INDENT);
            }
        }
    }

    /// Comments on the same source line after `pos` (only blanks and one `,` or `;` between),
    /// printed after what was just written. Returns the source position after the last one.
    /// `element` is where the element just written starts in `out`, and its sequence: a `//`
    /// comment after an element on one line may be aligned with its neighbours'.
    fn trailing(&mut self, mut pos: usize, element: Option<(usize, usize)>) -> usize {
        while let Some(c) = self.comments.get(self.next).copied() {
            let Some(gap) = self.src.get(pos..c.start) else { break };
            if !gap.chars().all(|ch| matches!(ch, ' ' | '\t' | '\r' | ',' | ';')) {
                break;
            }
            self.next += 1;
            self.space();
            match element {
                Some((start, sequence)) if !c.block && !self.out[start..].contains('\n') => {
                    self.trailing_marks.push((self.out.len(), sequence));
                }
                _ => {}
            }
            let text = self.comment_text(c);
            self.push(&text);
            pos = c.end;
            if !c.block {
                self.directive_trailing = text[2..].trim_start().starts_with("consentc:");
                break;
            }
        }
        pos
    }

    /// A comment on its own line, after a blank line if one is wanted.
    fn own_line_comment(&mut self, indent: usize, blank: bool) -> usize {
        let c = self.take_comment();
        if blank {
            self.out.push('\n');
        }
        self.indent(indent);
        let text = self.comment_text(c);
        self.push(&text);
        self.newline();
        c.end
    }

    // Layout.

    /// Elements one per line at `indent`, with the comments before, after and between them,
    /// then the comments left before `close` (the closing bracket, or the end of the file).
    fn sequence(&mut self, elems: &[Elem], indent: usize, mut prev_end: usize, close: usize, ctx: Ctx) {
        let mut first = true;
        let mut prev: Option<Elem> = None;
        let sequence = self.sequences;
        self.sequences += 1;
        for &elem in elems {
            let start = elem.start();
            let mut forced = match prev {
                Some(p) => !self.directive_trailing && self.force_blank(p, elem, indent, ctx),
                None => false,
            };
            while let Some(c) = self.comment_before(start) {
                let blank = !first && (forced || self.blank_in_source(prev_end, c.start));
                prev_end = self.own_line_comment(indent, blank);
                forced = false;
                first = false;
            }
            if !first && (forced || self.blank_in_source(prev_end, start)) {
                self.out.push('\n');
            }
            self.directive_trailing = false;
            self.indent(indent);
            let out_start = self.out.len();
            match elem {
                Elem::Item(Item::Assignment(a)) => self.assignment(a, indent, 0),
                Elem::Item(Item::Block(b)) => self.block(b, indent),
                Elem::Value(v) => self.value(v, indent, 1),
                Elem::Option(o) => self.assignment(o, indent, 1),
            }
            if ctx == Ctx::List {
                self.push(",");
            }
            prev_end = self.trailing(self.elem_end(elem), Some((out_start, sequence)));
            self.newline();
            first = false;
            prev = Some(elem);
        }
        while let Some(c) = self.comment_before(close) {
            let blank = !first && self.blank_in_source(prev_end, c.start);
            prev_end = self.own_line_comment(indent, blank);
            first = false;
        }
        self.directive_trailing = false;
    }

    fn force_blank(&self, prev: Elem, next: Elem, indent: usize, ctx: Ctx) -> bool {
        let is_block = |e: Elem| matches!(e, Elem::Item(Item::Block(_)));
        let multiline = |e: Elem| match e {
            Elem::Item(Item::Block(b)) => self.one_line(b, indent).is_none(),
            _ => false,
        };
        match ctx {
            Ctx::Top => is_block(prev) || is_block(next),
            Ctx::Body => multiline(prev) || multiline(next),
            Ctx::List => false,
        }
    }

    fn assignment(&mut self, a: &Assignment, indent: usize, suffix: usize) {
        self.push(&a.key.name);
        let eq = self.next_token(a.key.span.end);
        self.inline_comments(eq, indent);
        self.space();
        self.push("=");
        self.inline_comments(a.value.span.start, indent);
        self.space();
        self.value(&a.value, indent, suffix);
    }

    fn block(&mut self, b: &Block, indent: usize) {
        if let Some(line) = self.one_line(b, indent) {
            self.push(&line);
            return;
        }
        self.push(&b.kind.name);
        let mut pos = b.kind.span.end;
        if let Some(name) = &b.name {
            self.inline_comments(name.span.start, indent);
            self.space();
            self.push(&name.name);
            pos = name.span.end;
        }
        let open = self.next_token(pos);
        if self.byte_at(open) == b'(' {
            let last = b.options.last().map(|o| self.token_end(o.span.start, o.span.end));
            let close = self.closing(open, last);
            if !b.options.is_empty() {
                self.inline_comments(open, indent);
                if self.out.ends_with("*/") {
                    self.push(" ");
                }
                self.options(&b.options, open, close);
            }
            pos = close + 1;
        }
        let lbrace = self.next_token(pos);
        self.inline_comments(lbrace, indent);
        self.space();
        self.push("{");
        let prev_end = self.trailing(lbrace + 1, None);
        self.newline();
        let items: Vec<Elem> = b.items.iter().map(Elem::Item).collect();
        let rbrace = b.span.end.saturating_sub(1);
        self.sequence(&items, indent + INDENT, prev_end, rbrace, Ctx::Body);
        self.indent(indent);
        self.push("}");
    }

    /// The block on one line, if it may be: it was on one line, holds only assignments and no
    /// comment, and fits. An empty block without comments is always `kind name {}`.
    fn one_line(&self, b: &Block, indent: usize) -> Option<String> {
        if self.has_comment_in(b.span.start, b.span.end) {
            return None;
        }
        if !b.items.is_empty() && self.src[b.span.start..b.span.end].contains('\n') {
            return None;
        }
        let mut line = b.kind.name.clone();
        if let Some(name) = &b.name {
            line.push(' ');
            line.push_str(&name.name);
        }
        if !b.options.is_empty() {
            line.push_str(&flat_options(&b.options));
        }
        if b.items.is_empty() {
            line.push_str(" {}");
        } else {
            let mut items = Vec::with_capacity(b.items.len());
            for item in &b.items {
                match item {
                    Item::Assignment(a) => items.push(flat_assignment(a)),
                    Item::Block(_) => return None,
                }
            }
            line.push_str(" { ");
            line.push_str(&items.join("; "));
            line.push_str(" }");
        }
        (indent + width(&line) <= MAX_WIDTH).then_some(line)
    }

    fn options(&mut self, options: &[Assignment], open: usize, close: usize) {
        let flat = flat_options(options);
        // ` {` follows the options.
        if !self.has_comment_in(open, close) && self.column() + width(&flat) + 2 <= MAX_WIDTH {
            self.push(&flat);
            return;
        }
        let base = self.line_indent();
        self.push("(");
        let prev_end = self.trailing(open + 1, None);
        self.newline();
        let elems: Vec<Elem> = options.iter().map(Elem::Option).collect();
        self.sequence(&elems, base + INDENT, prev_end, close, Ctx::List);
        self.indent(base);
        self.push(")");
    }

    /// A value; `suffix` is how many columns follow it on its line (a list's `,`).
    fn value(&mut self, v: &Value, indent: usize, suffix: usize) {
        match &v.kind {
            ValueKind::Duration(d) => {
                let amount = d.amount.to_string();
                self.push(&amount);
                let digits = self.src[v.span.start..].bytes().take_while(u8::is_ascii_digit).count();
                let unit = self.next_token(v.span.start + digits);
                self.inline_comments(unit, indent);
                self.space();
                self.push(d.unit.word(d.amount));
            }
            ValueKind::List { items, except } => self.list(v, items, except.as_deref(), indent, suffix),
            _ => self.push(&flat_value(v)),
        }
    }

    fn list(&mut self, v: &Value, items: &[Value], except: Option<&Value>, indent: usize, suffix: usize) {
        let end = self.token_end(v.span.start, v.span.end);
        if !self.has_comment_in(v.span.start, end) {
            let flat = flat_value(v);
            if self.column() + width(&flat) + suffix <= MAX_WIDTH {
                self.push(&flat);
                return;
            }
        }
        let open = v.span.start;
        let last = items.last().map(|i| self.token_end(i.span.start, i.span.end));
        let close = self.closing(open, last);
        let Some(except) = except else {
            self.brackets(items, open, close, suffix);
            return;
        };
        self.brackets(items, open, close, " except [".len());
        let keyword = self.next_token(close + 1);
        self.inline_comments(keyword, indent);
        self.space();
        self.push("except");
        self.inline_comments(except.span.start, indent);
        self.space();
        let ValueKind::List { items: excepted, .. } = &except.kind else {
            self.push(&flat_value(except));
            return;
        };
        let last = excepted.last().map(|i| self.token_end(i.span.start, i.span.end));
        let except_close = self.closing(except.span.start, last);
        self.brackets(excepted, except.span.start, except_close, suffix);
    }

    /// `[a, b]` on one line if it holds no comment and fits before `tail` more columns, else
    /// one element per line.
    fn brackets(&mut self, items: &[Value], open: usize, close: usize, tail: usize) {
        if !self.has_comment_in(open, close) {
            let flat = flat_list(items);
            if self.column() + width(&flat) + tail <= MAX_WIDTH {
                self.push(&flat);
                return;
            }
        }
        let base = self.line_indent();
        self.push("[");
        let prev_end = self.trailing(open + 1, None);
        self.newline();
        let elems: Vec<Elem> = items.iter().map(Elem::Value).collect();
        self.sequence(&elems, base + INDENT, prev_end, close, Ctx::List);
        self.indent(base);
        self.push("]");
    }
}

/// Trailing `//` comments after one-line elements of one sequence, on consecutive lines, start
/// in one column, one space after the longest code among them; any other line ends the run.
fn align_trailing(out: &str, marks: &[(usize, usize)]) -> String {
    // Each line: its code, and its trailing comment with the sequence it belongs to.
    let mut lines: Vec<(&str, Option<(&str, usize)>)> = Vec::new();
    let mut marks = marks.iter().copied().peekable();
    let mut start = 0;
    for line in out.split_inclusive('\n') {
        let end = start + line.len();
        match marks.next_if(|&(at, _)| at < end) {
            Some((at, sequence)) => lines.push((out[start..at].trim_end(), Some((&out[at..end - 1], sequence)))),
            None => lines.push((line.strip_suffix('\n').unwrap_or(line), None)),
        }
        start = end;
    }
    let mut result = String::with_capacity(out.len());
    let mut i = 0;
    while i < lines.len() {
        let run = match lines[i].1 {
            Some((_, sequence)) => lines[i..]
                .iter()
                .take_while(|(_, c)| c.is_some_and(|(_, s)| s == sequence))
                .count(),
            None => 1,
        };
        let column = lines[i..i + run].iter().map(|(code, _)| width(code)).max().unwrap_or(0) + 1;
        for (code, comment) in &lines[i..i + run] {
            result.push_str(code);
            if let Some((comment, _)) = comment {
                result.push_str(&" ".repeat(column - width(code)));
                result.push_str(comment);
            }
            result.push('\n');
        }
        i += run;
    }
    if !out.ends_with('\n') {
        result.pop();
    }
    result
}

fn flat_value(v: &Value) -> String {
    match &v.kind {
        ValueKind::String(s) => quote(s),
        ValueKind::Integer(n) => n.to_string(),
        ValueKind::Duration(d) => d.to_string(),
        ValueKind::Path(p) => p.to_string(),
        ValueKind::List { items, except } => {
            let mut text = flat_list(items);
            if let Some(except) = except {
                text.push_str(" except ");
                text.push_str(&flat_value(except));
            }
            text
        }
    }
}

fn flat_list(items: &[Value]) -> String {
    let items: Vec<String> = items.iter().map(flat_value).collect();
    format!("[{}]", items.join(", "))
}

fn flat_assignment(a: &Assignment) -> String {
    format!("{} = {}", a.key.name, flat_value(&a.value))
}

fn flat_options(options: &[Assignment]) -> String {
    let options: Vec<String> = options.iter().map(flat_assignment).collect();
    format!("({})", options.join(", "))
}

/// A string literal with canonical escapes. The characters the parser refuses outside strings
/// because they hide or reorder text are legal inside them, so the printer makes them visible.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_canonically() {
        assert_eq!(quote("a\"b\\c\nd\te"), r#""a\"b\\c\nd\te""#);
        assert_eq!(quote("\r\u{0}\u{7f}\u{200b}é"), r#""\u{d}\u{0}\u{7f}\u{200b}é""#);
    }

    #[test]
    fn comments_are_found_outside_strings_only() {
        let text = "a = \"// no /* no\" // yes\n/* yes\n */ b = \"\\\"//\"";
        let found: Vec<&str> = syntax::comments(text).iter().map(|c| &text[c.start..c.end]).collect();
        assert_eq!(found, ["// yes", "/* yes\n */"]);
    }
}
