//! A linear pass before the parser for the errors a recursive-descent parser reports badly or
//! dangerously: nesting deep enough to exhaust the stack, unterminated comments and strings,
//! and invisible characters that make code read differently from how it runs.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Deeper nesting than any real policy needs; well below what the parser's stack can take.
pub const MAX_NESTING: usize = 64;

pub fn check(file: FileId, text: &str) -> Result<(), Box<Diagnostic>> {
    let bytes = text.as_bytes();
    let mut depth_stack: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(n) => {
                    i += n + 4;
                    continue;
                }
                None => {
                    return Err(error(
                        Diagnostic::new(Code::CP0001, "unterminated block comment")
                            .primary(Span::new(file, i, i + 2), "this comment is never closed")
                            .help("close it with `*/` (block comments do not nest)"),
                    ))
                }
            },
            b'"' => {
                i = skip_string(file, text, i)?;
                continue;
            }
            b'[' | b'{' | b'(' => {
                depth_stack.push(i);
                if depth_stack.len() > MAX_NESTING {
                    return Err(error(
                        Diagnostic::new(Code::CP0001, format!("nesting deeper than {MAX_NESTING} levels"))
                            .primary(Span::new(file, i, i + 1), "too deep here")
                            .help("policies nest a few levels at most; look for unclosed brackets"),
                    ));
                }
            }
            b']' | b'}' | b')' => {
                depth_stack.pop();
            }
            _ => {}
        }
        // Invisible or direction-changing characters outside strings and comments.
        if bytes[i] >= 0x80 {
            let ch = text[i..].chars().next().unwrap_or('\0');
            if is_invisible(ch) {
                return Err(error(
                    Diagnostic::new(
                        Code::CP0001,
                        format!("invisible character U+{:04X} in the policy", ch as u32),
                    )
                    .primary(
                        Span::new(file, i, i + ch.len_utf8()),
                        "this character is invisible or reorders text",
                    )
                    .help("remove it: identifiers are `[a-z][a-z0-9_]*` and must read as they run"),
                ));
            }
            i += ch.len_utf8();
            continue;
        }
        i += 1;
    }
    Ok(())
}

fn skip_string(file: FileId, text: &str, start: usize) -> Result<usize, Box<Diagnostic>> {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            b'\n' | b'\r' => break,
            _ => i += 1,
        }
    }
    Err(error(
        Diagnostic::new(Code::CP0001, "unterminated string")
            .primary(
                Span::new(file, start, start + 1),
                "this string is not closed on its line",
            )
            .help("close the string with `\"`; write a line break inside a string as `\\n`"),
    ))
}

/// Bidirectional controls and zero-width characters (CVE-2021-42574 "Trojan Source").
pub fn is_invisible(ch: char) -> bool {
    matches!(ch,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}' | '\u{061C}')
}

fn error(d: Diagnostic) -> Box<Diagnostic> {
    Box::new(d)
}

/// Byte ranges `(start, end)` of every `//` comment (from the slashes to the line end), found
/// with the same rules the parser uses: not inside strings or block comments.
pub fn line_comments(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                let end = if end > i && bytes.get(end - 1) == Some(&b'\r') {
                    end - 1
                } else {
                    end
                };
                found.push((i, end));
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(bytes.len(), |n| i + n + 4);
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    found
}
