//! The stable diagnostic codes, one registry in the manner of ruff's `codes.rs`: each code's
//! severity, one-line summary, the places that raise it, and the long explanation, which lives
//! in `docs/codes/<CODE>.md` and is compiled into the binary for `consentc explain`.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The one name of a severity, as every format writes it (json `severity`, SARIF `level`,
    /// GitHub's `::error`/`::warning`, the human header and summary).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a code is raised: a source file and the functions in it that raise the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Relative to the crate root: `src/check/rules/mapping.rs`.
    pub file: &'static str,
    pub functions: &'static [&'static str],
}

macro_rules! codes {
    ($($variant:ident => $severity:ident, $summary:literal, raised in [
        $($file:literal => [$($function:ident),+ $(,)?]),+ $(,)?
    ];)*) => {
        /// A diagnostic code. The set is closed: every code has an explain page.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => stringify!($variant)),* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }

            /// One line: what the code reports.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }

            /// Every place that raises the code (tests/registry.rs holds this to the source).
            pub fn raised_in(self) -> &'static [Place] {
                match self {
                    $(Code::$variant => &[$(Place { file: $file, functions: &[$(stringify!($function)),+] }),+]),*
                }
            }

            /// The long explanation (Markdown), with a failing and a fixed example.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("../../docs/codes/", stringify!($variant), ".md"))),*
                }
            }
        }
    };
}

// The registry: every code with its severity, summary and the functions that raise it. A new
// code needs a row here, `docs/codes/<CODE>.md` and `tests/ui/<CODE>/` (docs/rules.md).
codes! {
    CP0001 => Error, "syntax error", raised in [
        "src/syntax/prescan.rs" => [check, control_characters, direction_controls, skip_escape, skip_string],
        "src/syntax/parser.rs" => [internal, integer, unescape, syntax_error],
        "src/compile.rs" => [front_end],
    ];
    CP0101 => Error, "unknown key, vendor, feature, purpose, CMP or value", raised in [
        "src/check/reader.rs" => [unknown, keyword_value],
        "src/check/lower/mod.rs" => [lower_file, no_options, feature_ref],
        "src/check/lower/intercom.rs" => [intercom],
        "src/check/lower/cmp.rs" => [cmp_block],
        "src/check/lower/texts.rs" => [text_policy],
    ];
    CP0102 => Error, "duplicate policy, purpose, key or CMP entry", raised in [
        "src/check/reader.rs" => [duplicate],
        "src/check/lower/cmp.rs" => [cmp_block],
        "src/check/mod.rs" => [first_definitions],
        "src/check/lower/texts.rs" => [resolve],
    ];
    CP0103 => Error, "a value of the wrong kind or form", raised in [
        "src/check/reader.rs" => [wrong_kind, list],
        "src/check/lower/mod.rs" => [jurisdictions],
        "src/check/lower/intercom.rs" => [app_id, nonempty_label, pages, request_exemption],
        "src/check/lower/cmp.rs" => [cmp_value],
        "src/check/lower/texts.rs" => [languages, banner],
        "src/check/lower/controller.rs" => [privacy_policy_url],
        "src/check/suppress.rs" => [collect],
    ];
    CP0104 => Error, "a required key is missing", raised in [
        "src/check/reader.rs" => [require],
        "src/check/lower/mod.rs" => [policy, purpose],
        "src/check/lower/cmp.rs" => [cmp_block],
        "src/check/lower/texts.rs" => [text_block, text_policy, purpose_texts],
    ];
    CP0105 => Error, "a value that looks like a secret", raised in [
        "src/check/rules/hygiene.rs" => [secret],
    ];
    CP0106 => Error, "a malformed or undeclared language, or a `text` block for no policy", raised in [
        "src/check/lower/texts.rs" => [tag, language_declared, unknown_policy],
    ];
    CP0201 => Error, "a feature falls under two purposes (ambiguous purpose mapping)", raised in [
        "src/check/rules/mapping.rs" => [ambiguous],
    ];
    CP0202 => Error, "a mapped feature requires a feature that no purpose maps", raised in [
        "src/check/rules/mapping.rs" => [requirements],
    ];
    CP0203 => Error, "a behavioural feature without consent where EU or UK law applies", raised in [
        "src/check/rules/legal_basis.rs" => [behavioural_without_consent],
    ];
    CP0204 => Error, "the messenger loads without consent or a request where EU or UK law applies", raised in [
        "src/check/rules/legal_basis.rs" => [messenger_without_consent],
    ];
    CP0205 => Error, "identity data sent without identity verification", raised in [
        "src/check/rules/intercom.rs" => [unverified_identity],
    ];
    CP0206 => Error, "the request exemption claimed without saying why, where EU or UK law applies", raised in [
        "src/check/rules/legal_basis.rs" => [request_exemption_unstated],
    ];
    CP0207 => Error, "one consent purpose bundles the messenger with behavioural features, where EU or UK law applies", raised in [
        "src/check/rules/purposes.rs" => [bundled],
    ];
    CP0208 => Error, "`transfer = none` where data leaves the adequate countries, under EU or UK law", raised in [
        "src/check/rules/intercom.rs" => [transfers_without_mechanism],
    ];
    CP0301 => Error, "a consent or legitimate-interest purpose mapped to a CMP category that cannot be refused", raised in [
        "src/check/rules/cmp.rs" => [unrefusable_consent],
    ];
    CP0302 => Error, "a purpose that no CMP can grant", raised in [
        "src/check/rules/cmp.rs" => [ungrantable_purposes],
    ];
    CP0401 => Warning, "the messenger loads on every page", raised in [
        "src/check/rules/intercom.rs" => [messenger_on_every_page],
    ];
    CP0402 => Warning, "no retention period for Intercom data", raised in [
        "src/check/rules/intercom.rs" => [missing_retention],
    ];
    CP0403 => Warning, "an international transfer without a transfer mechanism", raised in [
        "src/check/rules/intercom.rs" => [transfers_without_mechanism],
    ];
    CP0404 => Warning, "a purpose the visitor cannot understand, or that does nothing", raised in [
        "src/check/rules/purposes.rs" => [unclear_purposes],
    ];
    CP0405 => Warning, "purposes with different legal bases share one CMP category", raised in [
        "src/check/rules/cmp.rs" => [shared_switches],
    ];
    CP0406 => Warning, "long-lived identifiers under the request exemption", raised in [
        "src/check/rules/legal_basis.rs" => [request_exemption_identifiers],
    ];
    CP0407 => Warning, "a workspace-enforced feature without audience rules", raised in [
        "src/check/rules/intercom.rs" => [audience_rules_missing],
    ];
    CP0408 => Warning, "one consent purpose bundles the messenger with behavioural features", raised in [
        "src/check/rules/purposes.rs" => [bundled],
    ];
    CP0409 => Warning, "an `except` that removes nothing, or a feature listed twice", raised in [
        "src/check/rules/mapping.rs" => [redundant],
    ];
    CP0410 => Warning, "a `consentc:allow` comment that silences nothing", raised in [
        "src/check/suppress.rs" => [apply, collect],
    ];
    CP0411 => Warning, "an invisible or direction-changing character in a string", raised in [
        "src/check/rules/hygiene.rs" => [invisible_character],
    ];
    CP0412 => Warning, "a `facade` block that is never drawn", raised in [
        "src/check/rules/facade.rs" => [never_drawn],
    ];
    CP0413 => Warning, "a visitor-facing text missing in a declared language", raised in [
        "src/check/rules/languages.rs" => [missing_translations, english_defaults],
    ];
    CP0414 => Warning, "proactive features under a messenger that loads on a click", raised in [
        "src/check/rules/intercom.rs" => [proactive_after_click],
    ];
    CP0415 => Warning, "behavioural features that ignore Global Privacy Control, where California's law applies", raised in [
        "src/check/rules/legal_basis.rs" => [gpc_ignored_for_sharing],
    ];
    // `consentc audit` (src/audit/): findings about a deployed page, located by its URL.
    CP0501 => Error, "a request to Intercom before the messenger's purpose was granted", raised in [
        "src/audit/verdict.rs" => [early_requests],
    ];
    CP0502 => Error, "an Intercom cookie or storage key while the messenger's purpose is not granted", raised in [
        "src/audit/verdict.rs" => [stored_without_grant],
    ];
    CP0503 => Error, "a feature's method reached the widget while its purpose was refused", raised in [
        "src/audit/verdict.rs" => [refused_calls],
    ];
    CP0504 => Error, "Intercom left on the page after the messenger's purpose was withdrawn", raised in [
        "src/audit/verdict.rs" => [withdrawal_leftovers],
    ];
    CP0505 => Error, "Intercom loaded by something other than the policy's loader, or the loader missing or gated", raised in [
        "src/audit/verdict.rs" => [foreign_loaders],
    ];
    CP0506 => Warning, "the widget talks to another region's hosts than the policy's", raised in [
        "src/audit/verdict.rs" => [other_region],
    ];
}

impl Code {
    /// Codes `consentc audit` raises about a deployed page: their explain pages show a page, not
    /// a policy, and the audit's own tests hold their examples (tests/audit.rs).
    pub fn is_audit(self) -> bool {
        self.as_str().starts_with("CP05")
    }

    pub fn parse(text: &str) -> Option<Code> {
        let upper = text.trim().to_ascii_uppercase();
        Code::ALL.iter().copied().find(|c| c.as_str() == upper)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
