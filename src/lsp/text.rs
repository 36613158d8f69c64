//! Byte offsets <-> LSP positions. LSP counts columns in UTF-16 code units (the default
//! `positionEncoding`, and the only one every client supports), where the compiler counts
//! Unicode scalar values (`source::position`): `ü` is one unit of each, `😀` one scalar value
//! but two UTF-16 units.

use lsp_types::{Position, Range};

/// Where the lines of one text start.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The position of a byte offset (clamped to the text and to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let character: usize = self.text[self.starts[line]..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// The byte offset of a position. A line past the end is the end of the text; a column past
    /// the line's end (before its line break) is the line's end; a column inside a surrogate
    /// pair is the character's start.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        let mut units = 0usize;
        for (i, c) in self.text[start..line_end].char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        // A CR before the line feed belongs to the line end, not to the columns.
        if line_end > start && self.text.as_bytes()[line_end - 1] == b'\r' {
            return line_end - 1;
        }
        line_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns() {
        let text = "ab\ntitle = \"Grüße 😀\" x\r\nz";
        let lines = Lines::new(text);
        let x = text.find(" x").unwrap() + 1;
        // `title = "` is 9 units, `Grüße ` 6, the emoji 2, `" ` 2.
        assert_eq!(lines.position(x), Position::new(1, 19));
        assert_eq!(lines.offset(Position::new(1, 19)), x);
        assert_eq!(lines.offset(Position::new(1, 99)), text.find('\r').unwrap());
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
        let emoji = text.find('😀').unwrap();
        assert_eq!(lines.offset(Position::new(1, 15)), emoji);
        assert_eq!(lines.offset(Position::new(1, 16)), emoji, "inside the surrogate pair");
        assert_eq!(lines.position(text.len()), Position::new(2, 1));
    }
}
