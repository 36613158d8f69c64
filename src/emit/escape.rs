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

/// Text inside a Markdown table cell or paragraph: Markdown and inline-HTML metacharacters are
/// backslash-escaped or entity-encoded, and line breaks become spaces so a cell stays one cell.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
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
        assert_eq!(markdown("a|b\n<i>*"), "a\\|b &lt;i&gt;\\*");
    }
}
