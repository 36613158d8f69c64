//! Character classes every stage agrees on: the characters that hide or reorder text, and the
//! byte-order mark. The prescan rejects them, the checker warns about them in strings, `fmt`
//! escapes them and the human report masks them; one definition keeps those four in step.

use std::borrow::Cow;

/// The byte-order mark some editors write at the start of a UTF-8 file.
pub const BOM: char = '\u{feff}';

/// What a leading BOM becomes in the text consentc reads: as many spaces as the BOM has bytes,
/// so byte offsets (spans) still match the file on disk. [`super::position`] does not count
/// them as columns, as editors do not show a BOM.
pub const BOM_PADDING: &str = "   ";

// The padding must keep every later byte where it was.
const _: () = assert!(BOM_PADDING.len() == BOM.len_utf8());

/// Whether file bytes start with a UTF-8 byte-order mark.
pub fn has_bom(bytes: &[u8]) -> bool {
    bytes.starts_with("\u{feff}".as_bytes())
}

/// `text` with a leading BOM replaced by [`BOM_PADDING`]; borrowed when there is none.
pub fn pad_bom(text: &str) -> Cow<'_, str> {
    match text.strip_prefix(BOM) {
        Some(rest) => Cow::Owned(format!("{BOM_PADDING}{rest}")),
        None => Cow::Borrowed(text),
    }
}

/// Bidirectional controls and zero-width characters (CVE-2021-42574 "Trojan Source"), the BOM
/// and the soft hyphen: characters that show as nothing, or make text display in another order
/// than it is read.
pub fn is_invisible(ch: char) -> bool {
    matches!(ch,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | BOM | '\u{00AD}' | '\u{061C}')
}

/// The characters that override or isolate text direction (rustc's `text_direction_codepoint`).
pub fn is_direction_control(ch: char) -> bool {
    matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character a report must not print as itself: a control character (it could drive the
/// terminal) or an invisible one. Tab and line feed are layout, and so is a carriage return
/// when `before_line_feed`.
pub fn is_hidden_in_reports(ch: char, before_line_feed: bool) -> bool {
    match ch {
        '\t' | '\n' => false,
        '\r' => !before_line_feed,
        _ => ch.is_control() || is_invisible(ch),
    }
}

/// The first UTF-8 byte of every character [`is_hidden_in_reports`] may hide: C0 controls but
/// tab and line feed, DEL, then the lead bytes of C1 controls and U+00AD, of U+061C, of
/// U+200B-U+2069 and of U+FEFF. Text without any of them holds no such character, which a byte
/// search finds far faster than decoding every character (seconds on a large file in a debug
/// build).
const HIDDEN_LEAD_BYTES: &[u8] = &[
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
    0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x7f, 0xc2, 0xd8, 0xe2, 0xef,
];

/// Whether `text` may hold a character [`is_hidden_in_reports`] hides; `false` is certain.
pub fn may_hold_hidden(text: &str) -> bool {
    let bytes = text.as_bytes();
    HIDDEN_LEAD_BYTES.iter().any(|b| bytes.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_padding_keeps_offsets() {
        let padded = pad_bom("\u{feff}x");
        assert_eq!(padded.len(), 4);
        assert_eq!(&padded[3..], "x");
        assert!(matches!(pad_bom("x\u{feff}"), Cow::Borrowed("x\u{feff}")));
    }

    #[test]
    fn the_byte_filter_misses_no_hidden_character() {
        for ch in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if is_hidden_in_reports(ch, false) {
                let mut buf = [0; 4];
                assert!(may_hold_hidden(ch.encode_utf8(&mut buf)), "U+{:04X}", ch as u32);
            }
        }
        assert!(!may_hold_hidden("policy a {\n\ttitle = \"日本語 é\"\n}\n"));
    }

    #[test]
    fn direction_controls_are_invisible() {
        for ch in ['\u{202E}', '\u{2066}'] {
            assert!(is_direction_control(ch) && is_invisible(ch));
        }
        assert!(is_invisible('\u{00AD}') && !is_direction_control('\u{00AD}'));
    }
}
