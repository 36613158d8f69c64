//! Source files and byte spans. Positions (line and column) are defined in [`position`], the
//! character classes every stage shares (invisible characters, the BOM) in [`chars`].

pub mod chars;
pub mod position;

pub use chars::has_bom;
pub use position::LineCol;
use position::LineIndex;

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
    lines: LineIndex,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        SourceFile {
            name: name.into(),
            lines: LineIndex::new(&text),
            text,
        }
    }

    /// Mark the text as decoded from bytes that began with a BOM, which [`decode`] turned into
    /// spaces: columns on the first line do not count them.
    pub fn with_bom(mut self, bom: bool) -> Self {
        self.lines = self.lines.with_bom(bom);
        self
    }

    /// Line and column of a byte offset (clamped to the text, and to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    /// Where the text's lines start.
    pub fn lines(&self) -> &LineIndex {
        &self.lines
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

    /// Where a span starts: its file's name, line and column.
    pub fn start(&self, span: Span) -> (&str, LineCol) {
        let file = self.get(span.file);
        (&file.name, file.line_col(span.start))
    }

    /// The line and column just after a span.
    pub fn end(&self, span: Span) -> LineCol {
        self.get(span.file).line_col(span.end)
    }
}

/// Decode file bytes as policy text: UTF-8 with an optional leading BOM, which becomes
/// [`chars::BOM_PADDING`] so spans still match the file.
pub fn decode(bytes: &[u8]) -> Result<String, (usize, String)> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(chars::pad_bom(text).into_owned()),
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
