//! The rules: one function per diagnostic code (or per tight family of messages under one
//! code), grouped by what they look at. `diagnostics::codes` lists every code with the
//! function that raises it; docs/rules.md says how to add one.
//!
//! - [`hygiene`]: string values whatever their key (CP0105, CP0411), per file.
//! - [`facade`]: the `intercom` block as written, while lowering (CP0412).
//! - [`mapping`]: purposes against the catalogue (CP0201, CP0202, CP0409).
//! - [`legal_basis`]: bases where EU or UK law applies (CP0203, CP0204, CP0206, CP0406), and
//!   the GPC signal where California's applies (CP0415).
//! - [`purposes`]: what a visitor sees of a purpose (CP0404), granular consent (CP0207, CP0408).
//! - [`intercom`]: the `intercom` settings against what is mapped (CP0205, CP0208, CP0401-CP0403,
//!   CP0407, CP0414).
//! - [`cmp`]: `cmp` blocks against the CMPs' facts (CP0301, CP0302, CP0405).
//! - [`languages`]: visitor-facing texts in every declared language (CP0413).
//!
//! Structural codes (CP0101-CP0104) are raised while reading (`check::reader`,
//! `check::lower`), as is CP0106 (languages and `text` blocks), CP0001 by the parser, CP0410 by
//! `check::suppress`.

pub mod cmp;
pub mod facade;
mod facts;
pub mod hygiene;
pub mod intercom;
pub mod languages;
pub mod legal_basis;
pub mod mapping;
pub mod purposes;

use crate::catalog::{Catalog, Vendor};
use crate::check::model::Policy;
use crate::diagnostics::Diagnostic;

/// Every rule on one lowered policy of the compile set (duplicates dropped). Diagnostics are
/// sorted before anyone sees them, so this order is only the order a reader meets them in.
pub fn check_policy(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    mapping::ambiguous(policy, vendor, out);
    mapping::requirements(policy, vendor, out);
    mapping::redundant(policy, vendor, out);
    legal_basis::behavioural_without_consent(policy, catalog, vendor, out);
    legal_basis::messenger_without_consent(policy, catalog, vendor, out);
    legal_basis::request_exemption_unstated(policy, catalog, vendor, out);
    legal_basis::request_exemption_identifiers(policy, catalog, vendor, out);
    legal_basis::gpc_ignored_for_sharing(policy, catalog, vendor, out);
    purposes::unclear_purposes(policy, out);
    purposes::bundled_consent(policy, catalog, vendor, out);
    intercom::messenger_on_every_page(policy, vendor, out);
    intercom::missing_retention(policy, vendor, out);
    intercom::unverified_identity(policy, vendor, out);
    intercom::transfers_without_mechanism(policy, catalog, vendor, out);
    intercom::audience_rules_missing(policy, vendor, out);
    intercom::proactive_after_click(policy, vendor, out);
    cmp::ungrantable_purposes(policy, out);
    cmp::unrefusable_consent(policy, out);
    cmp::shared_switches(policy, out);
    languages::missing_translations(policy, out);
}
