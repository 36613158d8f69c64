//! Language tags: the identifiers a policy writes (`pt_br`), checked against the ISO 639 list
//! (`iso639.tsv`, data like the rest of the catalogue) and written in outputs in their BCP 47
//! canonical form (`pt-BR`, RFC 5646 §2.1.1: language lower case, script title case, region
//! upper case).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const DATA: &str = include_str!("iso639.tsv");

/// The ISO 639 codes a primary language subtag may be.
#[derive(Debug)]
pub struct Iso639 {
    /// ISO 639-1 code -> (ISO 639-3 code, English name).
    two_letter: HashMap<&'static str, (&'static str, &'static str)>,
    /// ISO 639-3 code of a language that has an ISO 639-1 code -> that code.
    shorter: HashMap<&'static str, &'static str>,
    /// ISO 639-2/B code -> the language's tag (`ger` -> `de`).
    bibliographic: HashMap<&'static str, &'static str>,
    /// Every other ISO 639-3 code.
    three_letter: HashSet<&'static str>,
}

/// Country codes often written where a language is meant, with the language most likely meant:
/// a hint only, never accepted. Codes that are themselves languages (`ch` Chamorro, `br` Breton,
/// `si` Sinhala) are not here: they are valid tags.
const COUNTRY_CODES: &[(&str, &str)] = &[
    ("al", "sq"),
    ("at", "de"),
    ("cn", "zh"),
    ("cz", "cs"),
    ("dk", "da"),
    ("gr", "el"),
    ("il", "he"),
    ("ir", "fa"),
    ("jp", "ja"),
    ("kr", "ko"),
    ("rs", "sr"),
    ("se", "sv"),
    ("ua", "uk"),
    ("us", "en"),
    ("vn", "vi"),
];

/// ISO 639-1 codes withdrawn in 1989 and still seen (Java's `Locale` wrote them until JDK 17).
const RETIRED_CODES: &[(&str, &str)] = &[("in", "id"), ("iw", "he"), ("ji", "yi")];

/// Why a code that is no language was probably written, for the hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookalike {
    Country,
    Retired,
    Bibliographic,
}

pub fn iso639() -> &'static Iso639 {
    static LIST: OnceLock<Iso639> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut list = Iso639 {
            two_letter: HashMap::new(),
            shorter: HashMap::new(),
            bibliographic: HashMap::new(),
            three_letter: HashSet::new(),
        };
        for line in DATA.lines().filter(|l| !l.starts_with('#')) {
            let fields: Vec<&'static str> = line.split('\t').collect();
            match fields.as_slice() {
                ["1", two, three, name] => {
                    list.two_letter.insert(two, (three, name));
                    list.shorter.insert(three, two);
                }
                ["b", b, tag] => {
                    list.bibliographic.insert(b, tag);
                }
                ["3", codes] => list.three_letter.extend(codes.split(' ')),
                _ => {}
            }
        }
        list
    })
}

/// Why a written language identifier is not a tag consentc accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagError {
    /// Not of the form language[_script][_region][_variant...]; says what is wrong.
    Malformed(String),
    /// The primary subtag is no ISO 639-1 or ISO 639-3 code; maybe the tag meant, and why.
    UnknownLanguage {
        primary: String,
        suggestion: Option<(String, Lookalike)>,
    },
    /// A three-letter code for a language that has a two-letter one (`deu`): BCP 47 uses the
    /// shorter, and pages say `lang="de"`, so `deu` would never match.
    Longer { written: String, tag: String },
}

/// The canonical BCP 47 tag of a language identifier as a policy writes it: `pt_br` -> `pt-BR`,
/// `zh_hant` -> `zh-Hant`, `es_419` -> `es-419`.
pub fn canonical_tag(ident: &str) -> Result<String, TagError> {
    let subtags: Vec<&str> = ident.split('_').collect();
    if subtags.iter().any(|s| s.is_empty()) {
        return Err(TagError::Malformed("subtags are separated by a single `_`".into()));
    }
    let primary = subtags[0];
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(TagError::Malformed(format!(
            "a language subtag is an ISO 639 code of two or three letters, and `{primary}` is not"
        )));
    }
    check_primary(primary, &subtags[1..])?;
    let mut out = vec![primary.to_owned()];
    // Script, then region, then variants, each at most where RFC 5646 allows it.
    let mut stage = 0;
    for s in &subtags[1..] {
        let (next, written) = if s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()) && stage < 1 {
            (1, title_case(s))
        } else if (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())
            || s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
            && stage < 2
        {
            (2, s.to_ascii_uppercase())
        } else if (5..=8).contains(&s.len()) || s.len() == 4 && s.as_bytes()[0].is_ascii_digit() {
            (3, (*s).to_owned())
        } else if s.len() == 1 {
            return Err(TagError::Malformed(format!(
                "extension and private-use subtags (`{s}_...`) are not supported"
            )));
        } else {
            return Err(TagError::Malformed(format!(
                "`{s}` is neither a script (4 letters), a region (2 letters or 3 digits) nor a variant (5-8 characters) in this position"
            )));
        };
        stage = next;
        out.push(written);
    }
    Ok(out.join("-"))
}

fn check_primary(primary: &str, rest: &[&str]) -> Result<(), TagError> {
    let list = iso639();
    let known = match primary.len() {
        2 => list.two_letter.contains_key(primary),
        _ => list.three_letter.contains(primary),
    };
    if known {
        return Ok(());
    }
    let tail: String = rest.iter().map(|s| format!("_{s}")).collect();
    if let Some(two) = list.shorter.get(primary) {
        return Err(TagError::Longer {
            written: primary.to_owned(),
            tag: format!("{two}{tail}"),
        });
    }
    let find = |table: &[(&str, &'static str)]| table.iter().find(|(w, _)| *w == primary).map(|(_, l)| *l);
    let suggestion = list
        .bibliographic
        .get(primary)
        .map(|code| (*code, Lookalike::Bibliographic))
        .or_else(|| find(RETIRED_CODES).map(|code| (code, Lookalike::Retired)))
        .or_else(|| find(COUNTRY_CODES).map(|code| (code, Lookalike::Country)))
        .map(|(code, why)| (format!("{code}{tail}"), why));
    Err(TagError::UnknownLanguage {
        primary: primary.to_owned(),
        suggestion,
    })
}

/// A language named in English where its code belongs (`german` -> `de`).
pub fn code_for_name(word: &str) -> Option<&'static str> {
    iso639().two_letter.iter().find_map(|(code, (_, name))| {
        let first = name.split([' ', ',', ';', '(']).next().unwrap_or_default();
        first.eq_ignore_ascii_case(word).then_some(*code)
    })
}

/// The English name of a tag's language, for documents (`de-AT` -> `German`).
pub fn english_name(tag: &str) -> Option<&'static str> {
    let primary = tag.split('-').next()?;
    iso639().two_letter.get(primary).map(|(_, name)| *name)
}

fn title_case(s: &str) -> String {
    let mut out = s[..1].to_ascii_uppercase();
    out.push_str(&s[1..].to_ascii_lowercase());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        for (written, tag) in [
            ("en", "en"),
            ("pt_br", "pt-BR"),
            ("zh_hant", "zh-Hant"),
            ("zh_hant_tw", "zh-Hant-TW"),
            ("es_419", "es-419"),
            ("sr_latn_rs", "sr-Latn-RS"),
            ("de_ch_1996", "de-CH-1996"),
            ("gsw", "gsw"),
            ("fil", "fil"),
        ] {
            assert_eq!(canonical_tag(written), Ok(tag.to_owned()), "{written}");
        }
    }

    #[test]
    fn rejections_say_why() {
        assert_eq!(
            canonical_tag("deu"),
            Err(TagError::Longer {
                written: "deu".into(),
                tag: "de".into()
            })
        );
        assert_eq!(
            canonical_tag("ger_at"),
            Err(TagError::UnknownLanguage {
                primary: "ger".into(),
                suggestion: Some(("de_at".into(), Lookalike::Bibliographic))
            })
        );
        assert_eq!(
            canonical_tag("gr"),
            Err(TagError::UnknownLanguage {
                primary: "gr".into(),
                suggestion: Some(("el".into(), Lookalike::Country))
            })
        );
        assert!(matches!(
            canonical_tag("qq"),
            Err(TagError::UnknownLanguage { suggestion: None, .. })
        ));
        assert!(matches!(canonical_tag("english"), Err(TagError::Malformed(_))));
        assert!(matches!(canonical_tag("pt__br"), Err(TagError::Malformed(_))));
        assert!(matches!(canonical_tag("de_x_private"), Err(TagError::Malformed(_))));
        assert!(matches!(canonical_tag("de_at_hant"), Err(TagError::Malformed(_))));
        assert!(matches!(canonical_tag("e1"), Err(TagError::Malformed(_))));
    }

    #[test]
    fn names_and_lists() {
        assert_eq!(code_for_name("german"), Some("de"));
        assert_eq!(code_for_name("English"), Some("en"));
        assert_eq!(english_name("pt-BR"), Some("Portuguese"));
        assert_eq!(iso639().two_letter.len(), 184);
        assert!(iso639().three_letter.len() > 7000);
    }
}
