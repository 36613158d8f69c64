//! `controller { name, contact, dpo, privacy_policy }`: who is responsible for the processing
//! (GDPR Art. 13(1)(a)-(b), Art. 30(1)(a)). `record.md` and the CMP texts name them.

use super::{nested_blocks, no_options};
use crate::check::model::{Controller, Spanned};
use crate::check::reader::Reader;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::Block;

pub(crate) const CONTROLLER_KEYS: &[&str] = &["name", "contact", "dpo", "privacy_policy"];

pub(super) fn controller(b: &Block, out: &mut Vec<Diagnostic>) -> Controller {
    no_options(b, out);
    let r = Reader::new("`controller`".to_owned(), b.kind.span, &b.items, CONTROLLER_KEYS, out);
    nested_blocks(&r, out);
    let name = r.string("name", out);
    let name = r.require("name", name, "name = \"Acme GmbH\"", out);
    let contact = r.string("contact", out);
    let contact = r.require("contact", contact, "contact = \"privacy@acme.example\"", out);
    let privacy_policy = r.string("privacy_policy", out);
    if let Some(url) = &privacy_policy {
        privacy_policy_url(url, out);
    }
    Controller {
        span: b.kind.span,
        name,
        contact,
        dpo: r.string("dpo", out),
        privacy_policy,
    }
}

/// CP0103: the privacy policy is linked from the CMP's texts, so it must be a link a browser
/// follows from any page: an https URL or an absolute path.
fn privacy_policy_url(url: &Spanned<String>, out: &mut Vec<Diagnostic>) {
    let text = url.value.as_str();
    let ok = (text.starts_with("https://") && text.len() > "https://".len()
        || text.starts_with('/') && !text.starts_with("//"))
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'));
    if !ok {
        out.push(
            Diagnostic::new(
                Code::CP0103,
                format!("`{}` is not a link to a privacy policy", text.escape_debug()),
            )
            .primary(url.span, "expected an https URL or an absolute path")
            .help(
                "write the page's address, like `privacy_policy = \"https://acme.example/privacy\"` or `\"/privacy\"`",
            ),
        );
    }
}
