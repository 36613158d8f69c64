//! The stable diagnostic codes: severity, one-line summary and the long explanation, which
//! lives in `docs/codes/<CODE>.md` and is compiled into the binary for `consentc explain`.

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

macro_rules! codes {
    ($($variant:ident => $severity:ident, $summary:literal;)*) => {
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

            /// The long explanation (Markdown), with a failing and a fixed example.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("../../docs/codes/", stringify!($variant), ".md"))),*
                }
            }
        }
    };
}

codes! {
    CP0001 => Error, "syntax error";
    CP0101 => Error, "unknown key, vendor, feature, purpose, CMP or value";
    CP0102 => Error, "duplicate policy, purpose, key or CMP entry";
    CP0103 => Error, "a value of the wrong kind or form";
    CP0104 => Error, "a required key is missing";
    CP0105 => Error, "a value that looks like a secret";
    CP0201 => Error, "a feature falls under two purposes (ambiguous purpose mapping)";
    CP0202 => Error, "a mapped feature requires a feature that no purpose maps";
    CP0203 => Error, "a behavioural feature without consent where EU or UK law applies";
    CP0204 => Error, "the messenger loads without consent or a request where EU or UK law applies";
    CP0205 => Error, "identity data sent without identity verification";
    CP0301 => Error, "a consent purpose mapped to a CMP category that cannot be refused";
    CP0302 => Error, "a purpose that no CMP can grant";
    CP0401 => Warning, "the messenger loads on every page";
    CP0402 => Warning, "no retention period for Intercom data";
    CP0403 => Warning, "an international transfer without a transfer mechanism";
    CP0404 => Warning, "a purpose the visitor cannot understand, or that does nothing";
    CP0405 => Warning, "purposes with different legal bases share one CMP category";
    CP0406 => Warning, "long-lived identifiers under the request exemption";
    CP0407 => Warning, "a workspace-enforced feature without audience rules";
    CP0408 => Warning, "one consent purpose bundles the messenger with behavioural features";
    CP0409 => Warning, "an `except` that removes nothing, or a feature listed twice";
    CP0410 => Warning, "a `consentc:allow` comment that silences nothing";
    CP0411 => Warning, "an invisible or direction-changing character in a string";
    CP0412 => Warning, "a `facade` block that is never drawn";
}

impl Code {
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
