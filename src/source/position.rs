//! Byte offset -> line and column: the one definition of a position, used by every diagnostic
//! format (human, json, sarif, github), the checker and `fmt`. `docs/language.md` (Diagnostics)
//! states it for users:
//!
//! - Lines are 1-based and end at a line feed; a carriage return before it (CRLF) belongs to
//!   the line end.
//! - Columns are 1-based and count Unicode scalar values (Rust `char`s, SARIF's
//!   `unicodeCodePoints`) from the line start: a tab, a wide CJK character or emoji, a combining
//!   mark and an invisible character (soft hyphen, zero-width space) are one column each.
//! - A leading BOM is no column: it is read as [`super::chars::BOM_PADDING`] (so byte offsets
//!   stay those of the file), and those spaces are not counted.
//! - An offset inside a character is that character's; an offset past the end is the end. An
//!   end position (json `end_column`, SARIF `endColumn`) is the column after the span.

use std::fmt;

use super::chars::BOM_PADDING;

/// A 1-based line and a 1-based column, as defined in this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// How many columns `text` takes on a line: its Unicode scalar values. `fmt` measures widths
/// with it, so its 100 columns are the columns diagnostics report.
pub fn width(text: &str) -> usize {
    text.chars().count()
}

/// Bytes between two column checkpoints.
const CHECKPOINT_BYTES: usize = 1024;

/// Where the lines of one text start, and enough to count columns quickly. It does not hold
/// the text: every method takes the text it was built from.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset of each line's start; the first is 0.
    line_starts: Vec<usize>,
    /// Characters before each [`CHECKPOINT_BYTES`] boundary, so a column is counted from the
    /// nearest checkpoint rather than from the line start: thousands of diagnostics on one long
    /// line (a minified file) stay linear.
    chars_at_checkpoint: Vec<usize>,
    /// Columns at the start of the first line that are not counted: a BOM's padding.
    uncounted_at_start: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut chars_at_checkpoint = vec![0];
        for block in text.as_bytes().chunks(CHECKPOINT_BYTES) {
            let before = chars_at_checkpoint.last().copied().unwrap_or(0);
            chars_at_checkpoint.push(before + char_starts(block));
        }
        LineIndex {
            line_starts,
            chars_at_checkpoint,
            uncounted_at_start: 0,
        }
    }

    /// The text was decoded from bytes that began with a BOM (see [`super::chars::pad_bom`]).
    pub fn with_bom(mut self, bom: bool) -> LineIndex {
        self.uncounted_at_start = if bom { width(BOM_PADDING) } else { 0 };
        self
    }

    /// Line and column of a byte offset in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let mut column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        if line == 0 {
            column = column.saturating_sub(self.uncounted_at_start).max(1);
        }
        LineCol { line: line + 1, column }
    }

    /// The 0-based line holding byte `offset` (the last line for an offset past the end).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where the 0-based `line` starts (the last line's start past the end).
    pub fn line_start(&self, line: usize) -> usize {
        let last = self.line_starts.len() - 1;
        self.line_starts[line.min(last)]
    }

    /// How many lines the text has: one more than its line feeds.
    pub fn lines(&self) -> usize {
        self.line_starts.len()
    }

    /// Characters of `text` before the char boundary `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let checkpoint = offset / CHECKPOINT_BYTES;
        let from = checkpoint * CHECKPOINT_BYTES;
        self.chars_at_checkpoint[checkpoint] + char_starts(&text.as_bytes()[from..offset])
    }
}

/// `offset` clamped to `text` and moved back to a char boundary.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How many characters start in `bytes`: every byte that is not a UTF-8 continuation byte.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests {
    use super::super::chars::pad_bom;
    use super::*;

    fn at(text: &str, offset: usize) -> (usize, usize) {
        let at = LineIndex::new(text).line_col(text, offset);
        (at.line, at.column)
    }

    /// Line and column of the first `needle` in `text`.
    fn of(text: &str, bom: bool, needle: &str) -> (usize, usize) {
        let offset = text.find(needle).expect("needle in text");
        let at = LineIndex::new(text).with_bom(bom).line_col(text, offset);
        (at.line, at.column)
    }

    #[test]
    fn columns_count_scalar_values() {
        let text = "ab\né€x\r\ny";
        assert_eq!(at(text, 0), (1, 1));
        assert_eq!(at(text, 3), (2, 1));
        // `x` follows two multi-byte characters
        assert_eq!(at(text, 3 + 2 + 3), (2, 3));
        assert_eq!(at(text, text.len() - 1), (3, 1));
    }

    #[test]
    fn tabs_wide_combining_and_invisible_characters_are_one_column_each() {
        assert_eq!(of("\t\tx", false, "x"), (1, 3));
        assert_eq!(of("日本語x", false, "x"), (1, 4));
        assert_eq!(of("😀x", false, "x"), (1, 2));
        // `e` and a combining acute accent: two scalar values, one glyph.
        assert_eq!(of("e\u{301}x", false, "x"), (1, 3));
        assert_eq!(of("a\u{ad}b\u{200b}x", false, "x"), (1, 5));
    }

    #[test]
    fn a_bom_is_no_column() {
        let text = pad_bom("\u{feff}policy a { basis = foo }\nbasis");
        assert_eq!(of(&text, true, "policy"), (1, 1));
        assert_eq!(of(&text, true, "basis"), (1, 12));
        // Only the first line starts after the BOM.
        let second = text.rfind("basis").expect("second line");
        let index = LineIndex::new(&text).with_bom(true);
        assert_eq!(index.line_col(&text, second), LineCol { line: 2, column: 1 });
        // Offsets inside the padding are the first column.
        assert_eq!(index.line_col(&text, 1), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn crlf_belongs_to_the_line_end() {
        let text = "a\r\n\tb";
        assert_eq!(at(text, 1), (1, 2));
        assert_eq!(of(text, false, "b"), (2, 2));
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        let text = "é€";
        assert_eq!(at(text, 1), (1, 1));
        assert_eq!(at(text, 3), (1, 2));
        assert_eq!(at(text, 99), (1, 3));
        assert_eq!(at("", 0), (1, 1));
    }

    #[test]
    fn columns_agree_with_counting_from_the_line_start_across_checkpoints() {
        // Two- and three-byte characters straddle the 1 KiB checkpoints.
        let line: String = (0..3000).map(|i| ["a", "é", "€"][i % 3]).collect();
        let text = format!("x\n{line}\n{line}");
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices() {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = width(&text[line_start..offset]) + 1;
            assert_eq!(index.line_col(&text, offset).column, expected, "at byte {offset}");
        }
        assert_eq!(index.line_col(&text, text.len()).column, width(&line) + 1);
    }

    #[test]
    fn lines_and_their_starts() {
        let text = "a\nbc\n";
        let index = LineIndex::new(text);
        assert_eq!(index.lines(), 3);
        assert_eq!((index.line_of(0), index.line_of(2), index.line_of(5)), (0, 1, 2));
        assert_eq!(
            (index.line_start(1), index.line_start(2), index.line_start(9)),
            (2, 5, 5)
        );
    }
}
