//! Contextual encoders: every policy string reaches generated output through exactly one of
//! these, chosen by the context it lands in. Nothing else in the crate escapes text.

/// A JSON value as a JavaScript expression that is safe inside an inline `<script>` element:
/// `<`, `>` and `&` become `\u` escapes (so `</script>` and `<!--` cannot close or confuse the
/// element) and U+2028 / U+2029 are escaped (they end lines in older JavaScript engines).
pub fn js_json(value: &serde_json::Value) -> String {
    // serde_json only fails on non-string map keys, which a `Value` cannot hold.
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    escape_for_script(&json)
}

/// [`js_json`], indented over several lines: for data that people read in a generated module.
/// The line breaks fall between tokens, never inside a string, so the escaping is the same.
pub fn js_json_pretty(value: &serde_json::Value) -> String {
    let json = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    escape_for_script(&json)
}

/// A string as a JavaScript string literal (double-quoted), safe inside `<script>`.
pub fn js_string(text: &str) -> String {
    js_json(&serde_json::Value::String(text.to_owned()))
}

fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for ch in json.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(ch),
        }
    }
    out
}

/// A name as a CSS identifier (an id or class in a selector): ASCII letters, digits, `-`, `_`
/// and non-ASCII characters stay, every other character becomes a hexadecimal escape.
pub fn css_ident(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' || !ch.is_ascii() {
            out.push(ch);
        } else {
            out.push_str(&format!("\\{:x} ", u32::from(ch)));
        }
    }
    out
}

/// Text as a double-quoted CSS string (an attribute selector's value): `"`, `\\` and every
/// control character become hexadecimal escapes, each ended by a space, so nothing can close
/// the string or the selector.
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        if ch == '"' || ch == '\\' || ch.is_control() {
            out.push_str(&format!("\\{:x} ", u32::from(ch)));
        } else {
            out.push(ch);
        }
    }
    out.push('"');
    out
}

/// Text as the value of a double-quoted HTML attribute, or as HTML text content.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '`' => out.push_str("&#96;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Text as Markdown text (CommonMark with GitHub's tables) in a table cell, a list item, a
/// heading or a paragraph of its own: it renders as the text, and reads as the text in the raw
/// file. A pair of backtick runs marks code, as in every Markdown (`` `startTour` ``, the
/// catalogue's texts use it), and becomes a code span ([`markdown_code`]); everything else is
/// literal. Markdown's own escape, a backslash, is used, and only where a character would
/// otherwise mean something: `R&D` stays `R&D`, while `&amp;` (which Markdown would decode) is
/// written `\&amp;`; `<` is always escaped, so no tag, comment or autolink can start; `|` is
/// always escaped, so a cell stays one cell. Line breaks become spaces and the ends are
/// trimmed, so the text stays on its line and cannot start a block (a list, a quote, a heading,
/// an indented code block). HTML entities are never used: this is not an HTML document.
pub fn markdown(text: &str) -> String {
    let chars: Vec<char> = one_line(text).chars().collect();
    let trimmed = {
        let start = chars.iter().position(|c| !c.is_whitespace()).unwrap_or(chars.len());
        let end = chars.iter().rposition(|c| !c.is_whitespace()).map_or(start, |e| e + 1);
        &chars[start..end]
    };
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let mut literal_from = 0;
    while i < trimmed.len() {
        if trimmed[i] != '`' {
            i += 1;
            continue;
        }
        let run = trimmed[i..].iter().take_while(|c| **c == '`').count();
        match closing_run(trimmed, i + run, run) {
            Some(close) => {
                markdown_literal(&trimmed[literal_from..i], literal_from == 0, &mut out);
                let inner: String = trimmed[i + run..close].iter().collect();
                out.push_str(&markdown_code(&inner));
                i = close + run;
                literal_from = i;
            }
            // An unpaired run is text (escaped below).
            None => i += run,
        }
    }
    markdown_literal(&trimmed[literal_from..], literal_from == 0, &mut out);
    out
}

/// Where the first run of exactly `run` backticks at or after `from` starts.
fn closing_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let len = chars[i..].iter().take_while(|c| **c == '`').count();
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// Line breaks and other control characters as spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Literal text, backslash-escaped where Markdown would read it as markup. `at_start`: the
/// text begins the line, where block markers count.
fn markdown_literal(text: &[char], at_start: bool, out: &mut String) {
    for (i, &ch) in text.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| text[p]);
        let next = text.get(i + 1).copied();
        let escape = match ch {
            // Always meaningful: escapes, code spans, emphasis, strikethrough, links, tags and
            // autolinks, table cells.
            '\\' | '`' | '*' | '~' | '[' | ']' | '<' | '|' => true,
            // `_` inside a word is never emphasis (`snake_case`).
            '_' => !(prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric)),
            // A character reference (`&amp;`, `&#38;`) would be decoded; a plain `&` is text.
            '&' => starts_reference(&text[i + 1..]),
            // `#` opens a heading at the start, and closes one after a space.
            '#' => prev.is_none_or(char::is_whitespace),
            // Block starts: a quote, a list item, a thematic break, a setext underline.
            '>' | '-' | '+' | '=' => at_start && i == 0,
            // An ordered list item (`1.` or `1)` at the start).
            '.' | ')' => at_start && prev.is_some() && text[..i].iter().all(char::is_ascii_digit),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(ch);
    }
}

/// Whether the text after an `&` makes it a character reference: `#` and digits, `#x` and hex
/// digits, or a name, then `;` (names checked by form, not against HTML's list: escaping a
/// few more is harmless).
fn starts_reference(after: &[char]) -> bool {
    let body: Vec<char> = after.iter().take(33).take_while(|c| **c != ';').copied().collect();
    if body.len() == after.len().min(33) || body.is_empty() {
        return false;
    }
    match body.as_slice() {
        ['#', 'x' | 'X', hex @ ..] => !hex.is_empty() && hex.iter().all(char::is_ascii_hexdigit),
        ['#', digits @ ..] => !digits.is_empty() && digits.iter().all(char::is_ascii_digit),
        [first, ..] => first.is_ascii_alphabetic() && body.iter().all(char::is_ascii_alphanumeric),
        [] => false,
    }
}

/// Text as a Markdown code span (a cookie name, a page glob): fenced with one more backtick
/// than the longest run inside, padded where it starts or ends with a backtick, line breaks
/// made spaces. Text holding a `|` is written as escaped literal text instead: GitHub splits
/// table cells before it reads code spans, so `|` needs its backslash inside a cell, and
/// outside one a code span would show that backslash.
pub fn markdown_code(text: &str) -> String {
    let body = one_line(text);
    if body.contains('|') {
        let mut out = String::with_capacity(body.len() + 8);
        markdown_literal(&body.chars().collect::<Vec<_>>(), false, &mut out);
        return out;
    }
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breakers_are_escaped_in_js() {
        let s = js_string("</script><!--\u{2028}\"'`${x}");
        assert!(!s.contains('<'));
        assert!(!s.contains('\u{2028}'));
        assert_eq!(s, "\"\\u003c/script\\u003e\\u003c!--\\u2028\\\"'`${x}\"");
    }

    #[test]
    fn pretty_js_json_is_escaped_the_same() {
        let value = serde_json::json!({"a": ["</script>\u{2028}"]});
        assert_eq!(
            js_json_pretty(&value),
            "{\n  \"a\": [\n    \"\\u003c/script\\u003e\\u2028\"\n  ]\n}"
        );
    }

    #[test]
    fn css_idents_are_escaped() {
        assert_eq!(css_ident("intercom-frame"), "intercom-frame");
        assert_eq!(css_ident("a\"b"), "a\\22 b");
    }

    #[test]
    fn css_strings_cannot_be_closed() {
        assert_eq!(css_string("a\"b\\c\nd,e"), "\"a\\22 b\\5c c\\a d,e\"");
    }

    #[test]
    fn html_attribute_cannot_be_closed() {
        assert_eq!(html("a\"b<c>'&`"), "a&quot;b&lt;c&gt;&#39;&amp;&#96;");
    }

    #[test]
    fn markdown_cells_stay_cells() {
        assert_eq!(markdown("a|b\n<i>*"), "a\\|b \\<i>\\*");
    }

    #[test]
    fn markdown_text_reads_as_written() {
        assert_eq!(markdown("R&D portal"), "R&D portal");
        assert_eq!(
            markdown("Tom & Jerry's C# snake_case 3.5 a-b a > b"),
            "Tom & Jerry's C# snake_case 3.5 a-b a > b"
        );
        assert_eq!(markdown("&amp; &#38; &#x26; &copy"), "\\&amp; \\&#38; \\&#x26; &copy");
        assert_eq!(markdown("Use the `chat` or `a|b`"), "Use the `chat` or a\\|b");
        assert_eq!(markdown("it`s ``x y"), "it\\`s \\`\\`x y");
        assert_eq!(markdown("a `b ``c` d"), "a ```b ``c``` d");
        assert_eq!(markdown("_x_ __init__ a_"), "\\_x\\_ \\_\\_init\\_\\_ a\\_");
    }

    #[test]
    fn markdown_text_cannot_start_a_block() {
        assert_eq!(markdown("  # title #"), "\\# title \\#");
        assert_eq!(markdown("> quote"), "\\> quote");
        assert_eq!(markdown("- item"), "\\- item");
        assert_eq!(markdown("12. item"), "12\\. item");
        assert_eq!(markdown("===="), "\\====");
        assert_eq!(markdown("a\n\n    code\r\n"), "a      code");
    }

    #[test]
    fn markdown_code_spans_hold_any_text() {
        assert_eq!(markdown_code("/app/**"), "`/app/**`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x``"), "``` `x`` ```");
        assert_eq!(markdown_code("a|b*"), "a\\|b\\*");
    }
}
