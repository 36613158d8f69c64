//! Hygiene of string values, whatever key they belong to: a value that looks like a secret
//! (CP0105: the loader would ship it to every visitor) and invisible or direction-changing
//! characters (CP0411: text that reads differently from what it is).

use crate::diagnostics::{Code, Diagnostic};
use crate::source::chars::is_invisible;
use crate::source::Span;
use crate::syntax::ast::{File, Item, Value, ValueKind};

/// `text` is the file's source: invisible characters are looked for in what was written, so
/// an escape like `\u{200b}` (visible in review) is not warned about.
pub fn check(file: &File, text: &str, out: &mut Vec<Diagnostic>) {
    let mut strings = Vec::new();
    gather(&file.items, &mut strings);
    for (value, span) in strings {
        secret(value, span, out);
        invisible_character(text, span, out);
    }
}

/// CP0105: the loader would ship the value to every visitor.
fn secret(value: &str, span: Span, out: &mut Vec<Diagnostic>) {
    if looks_like_secret(value) {
        out.push(
            Diagnostic::new(Code::CP0105, "this value looks like a secret")
                .primary(span, "a token, key or signed identity")
                .help("never put Intercom's identity-verification secret or an access token in a policy: generated files are public; compute `user_hash` or the JWT on your server"),
        );
    }
}

/// CP0411: text that reads differently from what it is.
fn invisible_character(text: &str, span: Span, out: &mut Vec<Diagnostic>) {
    let written = text.get(span.start..span.end).unwrap_or_default();
    if let Some(ch) = written.chars().find(|&c| is_invisible(c)) {
        out.push(
            Diagnostic::new(
                Code::CP0411,
                format!("this string holds the invisible character U+{:04X}", ch as u32),
            )
            .primary(span, "invisible or reorders text")
            .help("remove it, or write it as an escape like `\\u{200b}` if it is meant"),
        );
    }
}

fn gather<'a>(items: &'a [Item], out: &mut Vec<(&'a str, Span)>) {
    for item in items {
        match item {
            Item::Assignment(a) => value(&a.value, out),
            Item::Block(b) => {
                for o in &b.options {
                    value(&o.value, out);
                }
                gather(&b.items, out);
            }
        }
    }
}

fn value<'a>(v: &'a Value, out: &mut Vec<(&'a str, Span)>) {
    match &v.kind {
        ValueKind::String(s) => out.push((s, v.span)),
        ValueKind::List { items, except } => {
            for i in items {
                value(i, out);
            }
            if let Some(e) = except {
                value(e, out);
            }
        }
        _ => {}
    }
}

/// JWTs, Intercom access tokens, and long high-entropy tokens (HMAC keys). Ordinary names,
/// paths, URLs and sentences do not match: they are short, spaced, or low in entropy.
pub fn looks_like_secret(text: &str) -> bool {
    let t = text.trim();
    let jwt = t.starts_with("eyJ") && t.matches('.').count() == 2 && t.len() > 30;
    let intercom_token = t.starts_with("dG9rO") && t.len() > 20;
    let prefixed = ["sk_live_", "sk_test_", "-----BEGIN"].iter().any(|p| t.starts_with(p));
    jwt || intercom_token || prefixed || high_entropy_token(t)
}

fn high_entropy_token(t: &str) -> bool {
    if t.len() < 32 || !t.chars().all(|c| c.is_ascii_alphanumeric() || "+/=_-".contains(c)) {
        return false;
    }
    let has_digit = t.chars().any(|c| c.is_ascii_digit());
    let has_alpha = t.chars().any(|c| c.is_ascii_alphabetic());
    has_digit && has_alpha && shannon_bits_per_char(t) >= 3.5
}

fn shannon_bits_per_char(t: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in t.bytes() {
        counts[b as usize] += 1;
    }
    let n = t.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::looks_like_secret;

    #[test]
    fn secrets_are_recognised_and_ordinary_values_are_not() {
        for secret in [
            "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiMTIzIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
            "dG9rOjEyMzQ1Njc4OWFiY2RlZjoxOjA=",
            "9f2b7c1e4a8d6e3f0b5c2a7d9e1f4b8c6a3d0e7f",
            "sk_live_abcdef",
        ] {
            assert!(looks_like_secret(secret), "{secret}");
        }
        for fine in [
            "abc123xy",
            "Lets you talk to our support team when you open the chat.",
            "/app/**",
            "c:intercom-XyZ",
            "https://api-iam.eu.intercom.io",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
        ] {
            assert!(!looks_like_secret(fine), "{fine}");
        }
    }
}
