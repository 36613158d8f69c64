//! The `consentc` command line: parse arguments, call the library, map results to exit codes
//! (0 clean, 1 policy errors, 2 usage or I/O error, 101 internal error).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use consentc::diagnostics::{self, Code, Severity};
use consentc::{catalog, Checked};

#[derive(Parser)]
#[command(
    name = "consentc",
    version,
    about = "A compiler for consent policies",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    /// A language server over standard input and output, for editors (docs/editors.md).
    #[cfg(feature = "lsp")]
    Lsp,
}

#[derive(Args)]
struct CheckArgs {
    /// Files or directories (default: `policies/`).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Args)]
struct BuildArgs {
    /// Files or directories (default: `policies/`).
    paths: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "dist")]
    out: PathBuf,
    /// Only these CMPs (repeatable; default: those each policy declares).
    #[arg(long = "cmp", value_name = "NAME")]
    cmps: Vec<String>,
    /// Where `--out` is served from, as an absolute path or an http(s) URL: the snippets load
    /// `<base><policy>/<file>`. `build --check` compares with the same value.
    #[arg(long, value_name = "URL", default_value = "/")]
    base: String,
    /// Write nothing; exit 1 if the files under `--out` are stale, missing or extra.
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Args)]
struct ReportArgs {
    /// Output format for diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// `--deny warnings` turns warnings into errors.
    #[arg(long, value_name = "warnings")]
    deny: Vec<Deny>,
    /// Silence one warning code (repeatable).
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum Deny {
    Warnings,
}

/// A usage error: exit 2 with a message.
struct Usage(String);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // A panic is a bug in consentc: say so and exit 101 (Rust's default panic exit code).
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Build(args) => build(args),
        Command::Fmt { paths, check } => fmt(paths, check),
        Command::Explain { code } => explain(&code),
        Command::Features { vendor } => features(vendor.as_deref()),
        Command::Init { path } => init(&path),
        #[cfg(feature = "lsp")]
        Command::Lsp => Ok(ExitCode::from(consentc::lsp::serve_stdio())),
    };
    match result {
        Ok(code) => code,
        Err(Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The paths given, or `policies/`; a missing `policies/` is a usage error that says how to
/// start one.
fn default_paths(paths: Vec<PathBuf>) -> Result<Vec<PathBuf>, Usage> {
    if !paths.is_empty() {
        return Ok(paths);
    }
    let default = PathBuf::from("policies");
    if !default.exists() {
        return Err(Usage(
            "there is no `policies/` directory here; `consentc init` creates it with a starting policy, or name the policy files or directories to use".to_owned(),
        ));
    }
    Ok(vec![default])
}

fn check(args: CheckArgs) -> Result<ExitCode, Usage> {
    let allow = parse_allow(&args.report.allow)?;
    let mut checked = consentc::check_paths(&default_paths(args.paths)?).map_err(|e| Usage(e.to_string()))?;
    Ok(report(&mut checked, &args.report, &allow))
}

fn build(args: BuildArgs) -> Result<ExitCode, Usage> {
    let allow = parse_allow(&args.report.allow)?;
    for cmp in &args.cmps {
        if consentc::catalog::cmps::find(cmp).is_none() {
            let names: Vec<&str> = consentc::catalog::cmps::names().collect();
            return Err(Usage(format!("unknown CMP `{cmp}`; known: {}", names.join(", "))));
        }
    }
    let base = consentc::emit::parse_base(&args.base).map_err(Usage)?;
    let options = consentc::emit::Options {
        only_cmps: &args.cmps,
        base: &base,
    };
    let mut built =
        consentc::build::build_paths_with(&default_paths(args.paths)?, options).map_err(|e| Usage(e.to_string()))?;
    let code = report(&mut built.checked, &args.report, &allow);
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    let Some(output) = built.output else { return Ok(code) };
    undeclared_cmps(&built.checked, &args.cmps)?;
    let out = &args.out;
    if args.check {
        let stale = consentc::build::stale(out, &output.files);
        if stale.is_clean() {
            eprintln!(
                "{} generated files under `{}` are up to date",
                output.files.len(),
                out.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for (what, list) in [
            ("missing", &stale.missing),
            ("stale", &stale.changed),
            ("extra", &stale.extra),
        ] {
            for f in list {
                eprintln!("{what}: {}", out.join(f).display());
            }
        }
        for dir in &stale.leftover {
            eprintln!(
                "leftover: {} (the staging directory of a build that did not finish; the next `consentc build` removes it)",
                out.join(dir).display()
            );
        }
        eprintln!(
            "error: the generated files under `{}` are out of date; run `consentc build`",
            out.display()
        );
        return Ok(ExitCode::from(1));
    }
    consentc::build::write(out, &output.files).map_err(|e| Usage(e.to_string()))?;
    let policies = built.checked.model.policies.len();
    eprintln!(
        "built {policies} polic{} into `{}`: {} files",
        if policies == 1 { "y" } else { "ies" },
        out.display(),
        output.files.len()
    );
    for line in consentc::build::size_lines(&output.loaders) {
        eprintln!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `--cmp NAME` for a CMP no policy declares would build nothing for it: a usage error naming
/// the CMPs the policies do declare.
fn undeclared_cmps(checked: &Checked, wanted: &[String]) -> Result<(), Usage> {
    let declared: std::collections::BTreeSet<&str> = checked
        .model
        .policies
        .iter()
        .flat_map(|p| p.cmps.keys().map(String::as_str))
        .collect();
    let missing: Vec<&str> = wanted
        .iter()
        .map(String::as_str)
        .filter(|c| !declared.contains(c))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = missing.iter().map(|c| format!("`cmp {c}`")).collect();
    let known = if declared.is_empty() {
        "the policies declare no CMP".to_owned()
    } else {
        let list: Vec<&str> = declared.into_iter().collect();
        format!("the policies declare {}", list.join(", "))
    };
    Err(Usage(format!(
        "no policy declares {}, so `--cmp` would build nothing for it; {known}",
        names.join(" or ")
    )))
}

fn parse_allow(codes: &[String]) -> Result<Vec<Code>, Usage> {
    codes
        .iter()
        .map(|text| {
            let code = Code::parse(text)
                .ok_or_else(|| Usage(format!("`{text}` is not a diagnostic code (see `consentc explain`)")))?;
            if code.severity() == Severity::Error {
                return Err(Usage(format!("`{code}` is an error and cannot be allowed")));
            }
            Ok(code)
        })
        .collect()
}

/// Apply `--allow` and `--deny`, print in the chosen format, and pick the exit code.
fn report(checked: &mut Checked, args: &ReportArgs, allow: &[Code]) -> ExitCode {
    checked.diagnostics.retain(|d| !allow.contains(&d.code));
    if !args.deny.is_empty() {
        for d in &mut checked.diagnostics {
            d.severity = Severity::Error;
        }
    }
    let files = checked.sources.files().count();
    match args.format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let text = diagnostics::human::render(&checked.diagnostics, &checked.sources, color);
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{text}");
            let _ = writeln!(err, "{}", diagnostics::human::summary(&checked.diagnostics, files));
        }
        Format::Json => print!("{}", diagnostics::json::render(&checked.diagnostics, &checked.sources)),
        Format::Sarif => print!("{}", diagnostics::sarif::render(&checked.diagnostics, &checked.sources)),
        Format::Github => print!(
            "{}",
            diagnostics::github::render(&checked.diagnostics, &checked.sources)
        ),
    }
    if checked.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `consentc fmt`: rewrite each changed file atomically, or with `--check` only list them (exit 1
/// if any). A file that does not parse gets its CP0001, is left alone, and the run goes on.
fn fmt(paths: Vec<PathBuf>, check: bool) -> Result<ExitCode, Usage> {
    let files = consentc::compile::collect(&default_paths(paths)?).map_err(|e| Usage(e.to_string()))?;
    let (mut changed, mut broken) = (0, 0);
    for path in &files {
        let shown = path.display();
        let bytes = std::fs::read(path).map_err(|e| Usage(format!("cannot read `{shown}`: {e}")))?;
        let formatted = std::str::from_utf8(&bytes).ok().map(consentc::fmt::format_source);
        let Some(Ok(text)) = formatted else {
            // Through `check_sources`, for the very CP0001 `consentc check` reports (bad UTF-8 too).
            let name = shown.to_string().trim_start_matches("./").to_owned();
            let mut checked = consentc::check_sources(vec![(name, bytes)]);
            checked.diagnostics.retain(|d| d.code == Code::CP0001);
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let report = diagnostics::human::render(&checked.diagnostics, &checked.sources, color);
            eprint!("{report}");
            broken += 1;
            continue;
        };
        if text.as_bytes() == bytes.as_slice() {
            continue;
        }
        changed += 1;
        if check {
            println!("{shown}");
        } else {
            let written = consentc::fmt::write_atomic(path, &text);
            written.map_err(|e| Usage(format!("cannot write `{shown}`: {e}")))?;
        }
    }
    let verb = if check { "would be reformatted" } else { "reformatted" };
    eprintln!("{changed} of {} files {verb}, {broken} with syntax errors", files.len());
    let failed = broken > 0 || (check && changed > 0);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn explain(code: &str) -> Result<ExitCode, Usage> {
    let code = Code::parse(code).ok_or_else(|| {
        let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        Usage(format!(
            "`{code}` is not a diagnostic code; known codes: {}",
            all.join(", ")
        ))
    })?;
    print!("{}", code.explanation());
    Ok(ExitCode::SUCCESS)
}

/// The starting policy `init` writes (it passes `check`: a test holds it to that).
const STARTER: &str = include_str!("../templates/init/site.policy");

fn init(path: &std::path::Path) -> Result<ExitCode, Usage> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Usage(format!("cannot create `{}`: {e}", parent.display())))?;
    }
    // `create_new` refuses an existing file atomically.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Usage(format!(
                    "`{}` already exists; consentc init never overwrites",
                    path.display()
                ))
            } else {
                Usage(format!("cannot write `{}`: {e}", path.display()))
            }
        })?;
    file.write_all(STARTER.as_bytes())
        .map_err(|e| Usage(format!("cannot write `{}`: {e}", path.display())))?;
    eprintln!("wrote `{}`; set your app id, then run `consentc check`", path.display());
    Ok(ExitCode::SUCCESS)
}

fn features(vendor: Option<&str>) -> Result<ExitCode, Usage> {
    let catalog = catalog::builtin();
    let mut out = String::new();
    match vendor {
        Some(name) => {
            if let Some(v) = catalog.vendor(name) {
                out.push_str(&consentc::catalog::describe(v));
            } else if let Some(cmp) = catalog::cmps::find(name) {
                out.push_str(&catalog::cmps::describe(cmp));
            } else {
                let vendors: Vec<&str> = catalog.vendors.keys().map(String::as_str).collect();
                let cmps: Vec<&str> = catalog::cmps::names().collect();
                return Err(Usage(format!(
                    "unknown vendor or CMP `{name}`; vendors: {}; CMPs: {}",
                    vendors.join(", "),
                    cmps.join(", ")
                )));
            }
        }
        None => {
            for v in catalog.vendors.values() {
                out.push_str(&consentc::catalog::describe(v));
                out.push('\n');
            }
            out.push_str(&consentc::catalog::describe_jurisdictions(catalog));
            out.push('\n');
            out.push_str(&catalog::cmps::describe_all());
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
