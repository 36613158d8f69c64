//! Syntax: text to tree. Knows nothing of Intercom or of key names.

pub mod ast;
mod parser;
mod prescan;

pub use prescan::{comments, line_comments, Comment};

use crate::diagnostics::Diagnostic;
use crate::source::FileId;

/// Parse one file. A syntax error is one `CP0001` diagnostic; the file then stays out of
/// cross-file checks.
pub fn parse(file: FileId, text: &str) -> Result<ast::File, Box<Diagnostic>> {
    prescan::check(file, text)?;
    parser::parse(file, text)
}
