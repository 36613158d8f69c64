//! Source files, byte spans and line/column mapping.

use std::fmt;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }

    /// The smallest span holding both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.file, self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One loaded file: its display name and its text (always valid UTF-8; bytes that were not
/// are reported before a `SourceFile` is made).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// Characters before each [`CHAR_BLOCK`]-byte boundary, so a column is counted from the
    /// nearest boundary rather than from the line start: thousands of diagnostics on one long
    /// line (a minified file) stay linear.
    chars_at_block: Vec<usize>,
    /// The file began with a BOM, which [`decode`] turned into three spaces: columns on the
    /// first line do not count them, as editors do not show the BOM.
    bom: bool,
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
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

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut chars_at_block = vec![0];
        for block in text.as_bytes().chunks(CHAR_BLOCK) {
            let before = chars_at_block.last().copied().unwrap_or(0);
            chars_at_block.push(before + char_starts(block));
        }
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            chars_at_block,
            bom: false,
        }
    }

    /// Mark the text as decoded from bytes that began with a BOM.
    pub fn with_bom(mut self, bom: bool) -> Self {
        self.bom = bom;
        self
    }

    /// Line and column of a byte offset (clamped to the text, and to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut column = self.chars_before(offset) - self.chars_before(start) + 1;
        if self.bom && line == 0 {
            column = column.saturating_sub(BOM_PADDING.len()).max(1);
        }
        LineCol { line: line + 1, column }
    }
}

/// Bytes per entry of [`SourceFile::chars_at_block`].
const CHAR_BLOCK: usize = 1024;

/// How many characters start in `bytes`: every byte that is not a UTF-8 continuation byte.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    /// Characters before the char boundary `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        self.chars_at_block[block] + char_starts(&self.text.as_bytes()[block * CHAR_BLOCK..offset])
    }
}

/// Every file of one compile set, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn text(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        text.get(span.start..span.end).unwrap_or("")
    }
}

/// What a leading BOM becomes: as many spaces as it has bytes, so byte offsets still match
/// the file.
const BOM_PADDING: &str = "   ";

/// Whether file bytes start with a UTF-8 byte-order mark.
pub fn has_bom(bytes: &[u8]) -> bool {
    bytes.starts_with("\u{feff}".as_bytes())
}

/// Decode file bytes as policy text: UTF-8 with an optional leading BOM. The BOM is replaced
/// by nothing but its byte length is kept as leading spaces so spans still match the file.
pub fn decode(bytes: &[u8]) -> Result<String, (usize, String)> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => format!("{BOM_PADDING}{rest}"),
            None => text.to_owned(),
        }),
        Err(e) => {
            let valid = e.valid_up_to();
            // The valid prefix still locates the error for a line/column.
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            Err((valid, prefix))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_scalar_values() {
        let f = SourceFile::new("a", "ab\né€x\r\ny");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // `x` follows two multi-byte characters
        assert_eq!(f.line_col(3 + 2 + 3), LineCol { line: 2, column: 3 });
        assert_eq!(f.line_col(f.text.len() - 1), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn columns_agree_with_counting_from_the_line_start_across_blocks() {
        // Two- and three-byte characters straddle the 1 KiB block boundaries.
        let line: String = (0..3000).map(|i| ["a", "é", "€"][i % 3]).collect();
        let text = format!("x\n{line}\n{line}");
        let f = SourceFile::new("a", text.clone());
        for (offset, _) in text.char_indices() {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[line_start..offset].chars().count() + 1;
            assert_eq!(f.line_col(offset).column, expected, "at byte {offset}");
        }
        assert_eq!(f.line_col(text.len()).column, line.chars().count() + 1);
    }

    #[test]
    fn bom_keeps_offsets() {
        let t = decode("\u{feff}x".as_bytes()).unwrap();
        assert_eq!(t.len(), 4);
        assert_eq!(&t[3..], "x");
    }

    #[test]
    fn bom_does_not_count_as_columns() {
        let bytes = "\u{feff}policy x {}".as_bytes();
        let f = SourceFile::new("a", decode(bytes).unwrap()).with_bom(has_bom(bytes));
        assert_eq!(f.line_col(3), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(10), LineCol { line: 1, column: 8 });
    }

    #[test]
    fn invalid_utf8_reports_the_offset() {
        let (at, prefix) = decode(b"ab\n\xffc").unwrap_err();
        assert_eq!(at, 3);
        assert_eq!(prefix, "ab\n");
    }
}
