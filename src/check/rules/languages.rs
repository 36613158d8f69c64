//! What a visitor reads, in each language the policy declares (CP0413): consent given in a
//! language the visitor does not read is not informed (GDPR Art. 4(11), Art. 7(2)).

use crate::check::model::{Banner, Policy, Spanned, BANNER_TEXTS};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// CP0413: per declared language other than the default, one warning for each visitor-facing
/// text written in the default language and not in that one, labelled on the default text.
pub fn missing_translations(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let shown = || policy.purposes.values().filter(|p| !p.leaves.is_empty());
    for language in policy.languages.value.iter().skip(1) {
        let tag = language.value.as_str();
        let texts = policy.texts_in(tag);
        for purpose in shown() {
            let translated = texts.and_then(|t| t.purposes.get(&purpose.name));
            for (key, default, have) in [
                ("title", &purpose.title, translated.and_then(|t| t.title.as_ref())),
                (
                    "description",
                    &purpose.description,
                    translated.and_then(|t| t.description.as_ref()),
                ),
            ] {
                if let (Some(default), None) = (default, have) {
                    missing(
                        out,
                        tag,
                        format!("the `{key}` of purpose `{}`", purpose.name),
                        default,
                        format!("purpose {} {{ {key} = \"...\" }}", purpose.name),
                    );
                }
            }
        }
        let facade = policy.intercom.as_ref().and_then(|i| i.facade.as_ref());
        if let Some(facade) = facade {
            if texts.and_then(|t| t.facade_label.as_ref()).is_none() {
                match facade.label_span {
                    Some(span) => missing(
                        out,
                        tag,
                        "the facade `label`".to_owned(),
                        &Spanned {
                            value: facade.label.clone(),
                            span,
                        },
                        "facade { label = \"...\" }".to_owned(),
                    ),
                    None => unwritten_label(policy, tag, out),
                }
            }
        }
        if let Some(banner) = &policy.banner {
            let translated = texts.map(|t| &t.banner);
            for (key, default) in &banner.texts {
                if translated.and_then(|b| b.texts.get(key)).is_none() {
                    missing(
                        out,
                        tag,
                        format!("the banner's `{key}`"),
                        default,
                        format!("banner {{ {key} = \"...\" }}"),
                    );
                }
            }
            unwritten_banner_keys(banner, tag, translated, out);
        }
    }
    english_defaults(policy, out);
}

fn missing(out: &mut Vec<Diagnostic>, tag: &str, what: String, default: &Spanned<String>, block: String) {
    out.push(
        Diagnostic::new(Code::CP0413, format!("{what} has no `{}` text", written(tag)))
            .primary(default.span, format!("visitors reading `{tag}` would see this instead"))
            .help(format!("add it to `text {} {{ {block} }}`", written(tag))),
    );
}

/// The facade's built-in label is English: a language other than English that does not give
/// its own would show it.
fn unwritten_label(policy: &Policy, tag: &str, out: &mut Vec<Diagnostic>) {
    if is_english(tag) {
        return;
    }
    let Some(intercom) = &policy.intercom else {
        return;
    };
    let at = intercom.load.span.unwrap_or(intercom.span);
    out.push(
        Diagnostic::new(Code::CP0413, format!("the facade `label` has no `{}` text", written(tag)))
            .primary(at, format!("the facade shows the English default here to visitors reading `{tag}`"))
            .help(format!(
                "add `facade {{ label = \"...\" }}` to `text {}`, and write the default language's label in `intercom {{ facade {{ label = \"...\" }} }}`",
                written(tag)
            )),
    );
}

/// Banner keys the default `banner` block leaves out fall back to English: a language other than
/// English that does not give them itself shows English there.
fn unwritten_banner_keys(banner: &Banner, tag: &str, translated: Option<&Banner>, out: &mut Vec<Diagnostic>) {
    let Some(head) = banner.span else {
        return;
    };
    if is_english(tag) {
        return;
    }
    for (key, _) in BANNER_TEXTS {
        let given = banner.texts.contains_key(key) || translated.is_some_and(|b| b.texts.contains_key(key));
        if !given {
            out.push(
                Diagnostic::new(
                    Code::CP0413,
                    format!("the banner's `{key}` has no `{}` text", written(tag)),
                )
                .primary(
                    head,
                    format!("`{key}` is not written here, so visitors reading `{tag}` see the English default"),
                )
                .help(format!(
                    "add `{key} = \"...\"` to this `banner` and to `text {} {{ banner {{ ... }} }}`",
                    written(tag)
                )),
            );
        }
    }
}

/// CP0413 for the default language itself: a policy whose default is not English, with
/// vanilla-cookieconsent's standalone banner and no `banner` block (Klaro has its own texts in
/// many languages; vanilla-cookieconsent has none), or with the facade's built-in English label,
/// shows English to every visitor of the default language.
pub fn english_defaults(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let default = policy.default_language();
    if is_english(default) {
        return;
    }
    let at: Span = policy.languages.value[0].span;
    let standalone = policy.cmps.get("cookieconsent");
    match (&policy.banner, standalone) {
        (None, Some(cmp)) => out.push(
            Diagnostic::new(
                Code::CP0413,
                format!("the `{}` banner has no texts in the default language `{default}`", cmp.name),
            )
            .primary(at, format!("`{default}` is the default language"))
            .secondary(cmp.name_span, "this CMP's standalone configuration shows the banner")
            .help("add `banner { title = \"...\"; description = \"...\"; accept_all = \"...\"; reject_all = \"...\"; preferences = \"...\"; save = \"...\" }` to the policy: without it the banner is in English"),
        ),
        (Some(banner), _) => {
            if let Some(head) = banner.span {
                for (key, _) in BANNER_TEXTS.iter().filter(|(k, _)| !banner.texts.contains_key(k)) {
                    out.push(
                        Diagnostic::new(Code::CP0413, format!("the banner's `{key}` has no `{}` text", written(default)))
                            .primary(head, format!("`{key}` is not written here, so the English default shows"))
                            .secondary(at, format!("`{default}` is the default language"))
                            .help(format!("add `{key} = \"...\"` in `{default}` to this `banner`")),
                    );
                }
            }
        }
        (None, None) => {}
    }
    let label_unwritten = policy
        .intercom
        .as_ref()
        .and_then(|i| i.facade.as_ref())
        .is_some_and(|f| f.label_span.is_none());
    if label_unwritten {
        let intercom = policy.intercom.as_ref().map(|i| i.load.span.unwrap_or(i.span));
        out.push(
            Diagnostic::new(
                Code::CP0413,
                format!("the facade `label` has no `{}` text", written(default)),
            )
            .primary(
                intercom.unwrap_or(at),
                "the facade shows its English default label here",
            )
            .secondary(at, format!("`{default}` is the default language"))
            .help(format!(
                "write the label in `{default}`: `intercom {{ facade {{ label = \"...\" }} }}`"
            )),
        );
    }
}

fn is_english(tag: &str) -> bool {
    tag == "en" || tag.starts_with("en-")
}

/// A canonical tag as a policy writes it: `pt-BR` -> `pt_br`.
fn written(tag: &str) -> String {
    tag.to_ascii_lowercase().replace('-', "_")
}
