//! The command line's arguments (clap). One definition for the native binary and the npm
//! package, so both take the same flags and print the same help, version and usage errors.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "consentc",
    version,
    about = "A compiler for consent policies",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Parse and check policies; print diagnostics; write nothing.
    Check(CheckArgs),
    /// Check, then write every output: loaders, CMP configurations, documents.
    Build(BuildArgs),
    /// Rewrite policy files in the canonical layout, keeping every comment.
    Fmt {
        /// Files or directories (default: `policies/`).
        paths: Vec<PathBuf>,
        /// Write nothing; list the files that would change and exit 1 if any would.
        #[arg(long)]
        check: bool,
    },
    /// Print the long explanation of a diagnostic code.
    Explain {
        /// A code like `CP0201`.
        code: String,
    },
    /// Write a commented starting policy, `policies/site.policy`; never overwrites.
    Init {
        /// Where to write it.
        #[arg(long, default_value = "policies/site.policy")]
        path: PathBuf,
    },
    /// List the catalogue: feature paths, what each does, its facts; and each CMP's values.
    Features {
        /// The vendor or CMP to list (default: every vendor and every CMP).
        vendor: Option<String>,
    },
    /// Load deployed pages in a real Chromium under every consent choice and report where they
    /// break their policy.
    #[cfg(feature = "audit")]
    Audit(Box<super::audit::AuditArgs>),
    /// Run the language server on stdin/stdout (LSP 3.17) for editors; docs/editors.md.
    #[cfg(feature = "lsp")]
    Lsp,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Files or directories (default: `policies/`).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args)]
pub struct BuildArgs {
    /// Files or directories (default: `policies/`).
    pub paths: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "dist")]
    pub out: PathBuf,
    /// Only these CMPs (repeatable; default: those each policy declares).
    #[arg(long = "cmp", value_name = "NAME")]
    pub cmps: Vec<String>,
    /// Where `--out` is served from, as an absolute path or an http(s) URL: the snippets load
    /// `<base><policy>/<file>`. `build --check` compares with the same value.
    #[arg(long, value_name = "URL", default_value = "/")]
    pub base: String,
    /// Write nothing; exit 1 if the files under `--out` are stale, missing or extra.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args)]
pub struct ReportArgs {
    /// Output format for diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// `--deny warnings` turns warnings into errors.
    #[arg(long, value_name = "warnings")]
    pub deny: Vec<Deny>,
    /// Silence one warning code (repeatable).
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
}

/// Also the npm package's `format` option (wasm/bindings), by the same names.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Deny {
    Warnings,
}
