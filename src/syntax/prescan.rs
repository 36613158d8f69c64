//! A linear pass before the parser for the errors a recursive-descent parser reports badly or
//! dangerously: files too large to be policies, nesting deep enough to exhaust the stack,
//! brackets that do not match, unterminated comments and strings, unknown escapes, control
//! characters, and invisible characters that make code read differently from how it runs.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::chars::{is_direction_control, is_invisible};
use crate::source::{FileId, Span};

/// Deeper nesting than any real policy needs; well below what the parser's stack can take.
pub const MAX_NESTING: usize = 64;

/// The largest policy file consentc reads. Real policies are a few kilobytes; the limit keeps
/// a stray or hostile file from taking minutes and gigabytes to reject.
pub const MAX_FILE_BYTES: usize = 1 << 20;

pub fn check(file: FileId, text: &str) -> Result<(), Box<Diagnostic>> {
    if text.len() > MAX_FILE_BYTES {
        let first = text.chars().next().map_or(0, char::len_utf8);
        return Err(error(
            Diagnostic::new(
                Code::CP0001,
                format!(
                    "the file is {} bytes, more than the {MAX_FILE_BYTES} a policy file may have",
                    text.len()
                ),
            )
            .primary(Span::new(file, 0, first), "this file is too large to be a policy")
            .help("policies are a few kilobytes: check that this is the file you meant, or split it"),
        ));
    }
    control_characters(file, text)?;
    let bytes = text.as_bytes();
    // Open brackets: the byte and its offset.
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                direction_controls(file, text, i, end)?;
                i = end;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(n) => {
                    direction_controls(file, text, i, i + n + 4)?;
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
                open.push((bytes[i], i));
                if open.len() > MAX_NESTING {
                    return Err(error(
                        Diagnostic::new(Code::CP0001, format!("nesting deeper than {MAX_NESTING} levels"))
                            .primary(Span::new(file, i, i + 1), "too deep here")
                            .help("policies nest a few levels at most; look for unclosed brackets"),
                    ));
                }
            }
            close @ (b']' | b'}' | b')') => match open.pop() {
                Some((opener, _)) if closer_of(opener) == close => {}
                Some((opener, at)) => {
                    let (o, c, want) = (opener as char, close as char, closer_of(opener) as char);
                    return Err(error(
                        Diagnostic::new(Code::CP0001, format!("`{c}` does not close the `{o}` before it"))
                            .primary(Span::new(file, i, i + 1), format!("expected `{want}` here"))
                            .secondary(Span::new(file, at, at + 1), format!("this `{o}` is still open"))
                            .help(format!(
                                "close `{o}` with `{want}` before this `{c}`, or remove the `{c}`"
                            )),
                    ));
                }
                None => {
                    let c = close as char;
                    return Err(error(
                        Diagnostic::new(Code::CP0001, format!("unmatched `{c}`"))
                            .primary(Span::new(file, i, i + 1), "nothing is open here")
                            .help(format!(
                                "remove this `{c}`, or add the opening bracket it was meant to close"
                            )),
                    ));
                }
            },
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
    if let Some(&(opener, at)) = open.last() {
        let (o, want) = (opener as char, closer_of(opener) as char);
        let mut d = Diagnostic::new(Code::CP0001, format!("unclosed `{o}`"))
            .primary(Span::new(file, at, at + 1), format!("this `{o}` is never closed"));
        for &(outer, at) in open.iter().rev().skip(1).take(3) {
            d = d.secondary(Span::new(file, at, at + 1), format!("inside this `{}`", outer as char));
        }
        return Err(error(
            d.help(format!("the file ends before a `{want}` closes it; add the `{want}`")),
        ));
    }
    Ok(())
}

fn closer_of(opener: u8) -> u8 {
    match opener {
        b'[' => b']',
        b'{' => b'}',
        _ => b')',
    }
}

/// How a character is named in messages: itself, or its code point when it is invisible.
fn shown(ch: char) -> String {
    if ch.is_control() || ch.is_whitespace() || is_invisible(ch) {
        format!("U+{:04X}", ch as u32)
    } else {
        ch.to_string()
    }
}

/// Control characters anywhere, strings and comments included: tab, line feed and a carriage
/// return before a line feed are the only ones a policy holds. (A stray one can hide text in
/// a terminal or end a line in one editor and not in another.)
fn control_characters(file: FileId, text: &str) -> Result<(), Box<Diagnostic>> {
    let bytes = text.as_bytes();
    let found = text.char_indices().find(|&(i, ch)| {
        ch.is_control() && ch != '\t' && ch != '\n' && !(ch == '\r' && bytes.get(i + 1) == Some(&b'\n'))
    });
    let Some((at, ch)) = found else { return Ok(()) };
    let (what, help) = match ch {
        '\r' => (
            "a carriage return without a line feed".to_owned(),
            "save the file with LF or CRLF line ends",
        ),
        '\0' => ("a NUL byte".to_owned(), "remove it: policy files are text"),
        _ => (
            format!("the control character U+{:04X}", ch as u32),
            "remove it; inside a string, write a tab as `\\t` and a line break as `\\n`",
        ),
    };
    Err(error(
        Diagnostic::new(Code::CP0001, format!("{what} in the policy"))
            .primary(Span::new(file, at, at + ch.len_utf8()), "control character here")
            .help(help),
    ))
}

/// Direction-changing characters inside a comment: they can make the code after them read as
/// part of the comment, or the comment as code (CVE-2021-42574, "Trojan Source").
fn direction_controls(file: FileId, text: &str, start: usize, end: usize) -> Result<(), Box<Diagnostic>> {
    let comment = &text[start..end.min(text.len())];
    let Some((at, ch)) = comment.char_indices().find(|&(_, ch)| is_direction_control(ch)) else {
        return Ok(());
    };
    let at = start + at;
    Err(error(
        Diagnostic::new(
            Code::CP0001,
            format!("direction-changing character U+{:04X} in a comment", ch as u32),
        )
        .primary(
            Span::new(file, at, at + ch.len_utf8()),
            "this character reorders how the line reads",
        )
        .secondary(Span::new(file, start, start + 2), "in this comment")
        .help("remove it: text after it may display in another order than consentc reads it"),
    ))
}

fn skip_string(file: FileId, text: &str, start: usize) -> Result<usize, Box<Diagnostic>> {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i = skip_escape(file, text, i)?.unwrap_or(bytes.len() + 1),
            b'"' => return Ok(i + 1),
            b'\n' | b'\r' => break,
            _ => i += 1,
        }
        if i > bytes.len() {
            break;
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

/// The escape at `i` (a backslash): the offset after it, `None` if the line or file ends
/// first (an unterminated string), or a diagnostic for an escape the language does not have.
fn skip_escape(file: FileId, text: &str, i: usize) -> Result<Option<usize>, Box<Diagnostic>> {
    let rest = &text[i + 1..];
    let Some(ch) = rest.chars().next() else { return Ok(None) };
    match ch {
        '"' | '\\' | 'n' | 't' => Ok(Some(i + 2)),
        '\n' | '\r' => Ok(None),
        'u' => {
            let digits = rest[1..]
                .strip_prefix('{')
                .map(|r| r.bytes().take_while(u8::is_ascii_hexdigit).count());
            match digits {
                Some(n @ 1..=6) if rest.as_bytes().get(2 + n) == Some(&b'}') => Ok(Some(i + 1 + 2 + n + 1)),
                _ => {
                    let shown_len: usize = rest
                        .chars()
                        .take_while(|c| !matches!(c, '"' | '\n' | '\r'))
                        .take(12)
                        .map(char::len_utf8)
                        .sum();
                    let end = (i + 1 + shown_len).max(i + 2);
                    Err(error(
                        Diagnostic::new(Code::CP0001, "malformed Unicode escape")
                            .primary(
                                Span::new(file, i, end),
                                "expected `\\u{` with 1 to 6 hex digits and `}`",
                            )
                            .help("write a code point in hex between braces, like `\\u{e9}` for `é`"),
                    ))
                }
            }
        }
        other => Err(error(
            Diagnostic::new(
                Code::CP0001,
                match shown(other) {
                    code_point if code_point.starts_with("U+") => format!("unknown escape: `\\` before {code_point}"),
                    ch => format!("unknown escape `\\{ch}` in a string"),
                },
            )
            .primary(Span::new(file, i, i + 1 + other.len_utf8()), "not an escape")
            .help("strings know `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{...}`; write a backslash as `\\\\`"),
        )),
    }
}

fn error(d: Diagnostic) -> Box<Diagnostic> {
    Box::new(d)
}

/// One comment: `//` to the line end (before any `\r`), or `/* ... */` through the `*/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
    pub block: bool,
}

/// Every comment, found with the parser's rules: `//` and `/*` only count outside strings and
/// other comments. The one comment scanner (suppression comments and `fmt` both use it).
pub fn comments(text: &str) -> Vec<Comment> {
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
                found.push(Comment {
                    start: i,
                    end,
                    block: false,
                });
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(bytes.len(), |n| i + n + 4);
                found.push(Comment {
                    start: i,
                    end,
                    block: true,
                });
                i = end;
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

/// Byte ranges `(start, end)` of every `//` comment.
pub fn line_comments(text: &str) -> Vec<(usize, usize)> {
    comments(text)
        .into_iter()
        .filter(|c| !c.block)
        .map(|c| (c.start, c.end))
        .collect()
}
