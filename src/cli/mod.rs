//! The `consentc` command line over a [`Host`]: parse arguments, call the library, print, and
//! pick the exit code (0 clean, 1 policy errors, 2 usage or I/O error; a panic is 101). The
//! native binary runs it on [`crate::host::Native`], the npm package on Node (wasm/bindings):
//! one implementation, so both print the same bytes and exit with the same codes.

mod args;
#[cfg(feature = "audit")]
mod audit;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::diagnostics::{self, Code, Severity};
use crate::host::{Host, Stream};
use crate::{catalog, Checked};
pub use args::Format;
use args::{BuildArgs, CheckArgs, Cli, Command, ReportArgs};

/// A usage or I/O error: exit 2 with a message.
struct Usage(String);

/// Runs one command line (`args` starts with the program name) and returns the exit code.
pub fn run<I, T, H>(args: I, host: &mut H) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
    H: Host + ?Sized,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with exit 0, usage errors to stderr with exit 2.
            let stream = if e.use_stderr() { Stream::Stderr } else { Stream::Stdout };
            let rendered = e.render();
            let text = if host.color(stream) {
                rendered.ansi().to_string()
            } else {
                rendered.to_string()
            };
            host.print(stream, &text);
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(host, args),
        Command::Build(args) => build(host, args),
        Command::Fmt { paths, check } => fmt(host, paths, check),
        Command::Explain { code } => explain(host, &code),
        Command::Features { vendor } => features(host, vendor.as_deref()),
        Command::Init { path } => init(host, &path),
        #[cfg(feature = "audit")]
        Command::Audit(args) => audit::audit(host, *args),
        // The server talks LSP on the process's own stdin and stdout, not through the host.
        #[cfg(feature = "lsp")]
        Command::Lsp => Ok(crate::lsp::serve_stdio()),
    };
    match result {
        Ok(code) => code,
        Err(Usage(message)) => {
            host.print(Stream::Stderr, &format!("error: {message}\n"));
            2
        }
    }
}

/// The paths given, or `policies/`; a missing `policies/` is a usage error that says how to
/// start one.
fn default_paths<H: Host + ?Sized>(host: &H, paths: Vec<PathBuf>) -> Result<Vec<PathBuf>, Usage> {
    if !paths.is_empty() {
        return Ok(paths);
    }
    let default = PathBuf::from("policies");
    if host.metadata(&default).is_err() {
        return Err(Usage(
            "there is no `policies/` directory here; `consentc init` creates it with a starting policy, or name the policy files or directories to use".to_owned(),
        ));
    }
    Ok(vec![default])
}

fn check<H: Host + ?Sized>(host: &mut H, args: CheckArgs) -> Result<u8, Usage> {
    let allow = parse_allow(&args.report.allow).map_err(Usage)?;
    let paths = default_paths(host, args.paths)?;
    let mut checked = crate::compile::check_paths_in(host, &paths).map_err(|e| Usage(e.to_string()))?;
    Ok(report(host, &mut checked, &args.report, &allow))
}

fn build<H: Host + ?Sized>(host: &mut H, args: BuildArgs) -> Result<u8, Usage> {
    let allow = parse_allow(&args.report.allow).map_err(Usage)?;
    known_cmps(&args.cmps).map_err(Usage)?;
    let base = crate::emit::parse_base(&args.base).map_err(Usage)?;
    let options = crate::emit::Options {
        only_cmps: &args.cmps,
        base: &base,
    };
    let paths = default_paths(host, args.paths)?;
    let mut built = crate::build::build_paths_in(host, &paths, options).map_err(|e| Usage(e.to_string()))?;
    let code = report(host, &mut built.checked, &args.report, &allow);
    if code != 0 {
        return Ok(code);
    }
    let Some(output) = built.output else { return Ok(code) };
    undeclared_cmps(&built.checked, &args.cmps).map_err(Usage)?;
    let out = &args.out;
    if args.check {
        let stale = host.stale(out, &output.files);
        let mut say = |line: String| host.print(Stream::Stderr, &(line + "\n"));
        if stale.is_clean() {
            say(format!(
                "{} generated files under `{}` are up to date",
                output.files.len(),
                out.display()
            ));
            return Ok(0);
        }
        for (what, list) in [
            ("missing", &stale.missing),
            ("stale", &stale.changed),
            ("extra", &stale.extra),
        ] {
            for f in list {
                say(format!("{what}: {}", out.join(f).display()));
            }
        }
        for dir in &stale.leftover {
            say(format!(
                "leftover: {} (the staging directory of a build that did not finish; the next `consentc build` removes it)",
                out.join(dir).display()
            ));
        }
        say(format!(
            "error: the generated files under `{}` are out of date; run `consentc build`",
            out.display()
        ));
        return Ok(1);
    }
    host.write_build(out, &output.files).map_err(|e| Usage(e.to_string()))?;
    let policies = built.checked.model.policies.len();
    let mut say = |line: String| host.print(Stream::Stderr, &(line + "\n"));
    say(format!(
        "built {policies} polic{} into `{}`: {} files",
        if policies == 1 { "y" } else { "ies" },
        out.display(),
        output.files.len()
    ));
    for line in crate::build::size_lines(&output.loaders) {
        say(line);
    }
    Ok(0)
}

/// Every `--cmp NAME` is a CMP consentc knows, or the error names the known ones.
pub fn known_cmps(cmps: &[String]) -> Result<(), String> {
    for cmp in cmps {
        if catalog::cmps::find(cmp).is_none() {
            let names: Vec<&str> = catalog::cmps::names().collect();
            return Err(format!("unknown CMP `{cmp}`; known: {}", names.join(", ")));
        }
    }
    Ok(())
}

/// `--cmp NAME` for a CMP no policy declares would build nothing for it: a usage error naming
/// the CMPs the policies do declare.
pub fn undeclared_cmps(checked: &Checked, wanted: &[String]) -> Result<(), String> {
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
    Err(format!(
        "no policy declares {}, so `--cmp` would build nothing for it; {known}",
        names.join(" or ")
    ))
}

/// `--allow CODE...`: each a warning code.
pub fn parse_allow(codes: &[String]) -> Result<Vec<Code>, String> {
    codes
        .iter()
        .map(|text| {
            let code = Code::parse(text)
                .ok_or_else(|| format!("`{text}` is not a diagnostic code (see `consentc explain`)"))?;
            if code.severity() == Severity::Error {
                return Err(format!("`{code}` is an error and cannot be allowed"));
            }
            Ok(code)
        })
        .collect()
}

/// `--allow` drops those codes, `--deny warnings` makes every remaining diagnostic an error.
pub fn apply_allow_deny(checked: &mut Checked, allow: &[Code], deny_warnings: bool) {
    checked.diagnostics.retain(|d| !allow.contains(&d.code));
    if deny_warnings {
        for d in &mut checked.diagnostics {
            d.severity = Severity::Error;
        }
    }
}

/// The diagnostics in `format`, and the stream they go to: the human report (with its summary
/// line) to stderr, the machine formats to stdout.
pub fn render(checked: &Checked, format: Format, color: bool) -> (Stream, String) {
    match format {
        Format::Human => {
            let files = checked.sources.files().count();
            let mut text = diagnostics::human::render(&checked.diagnostics, &checked.sources, color);
            text.push_str(&diagnostics::human::summary(&checked.diagnostics, files));
            text.push('\n');
            (Stream::Stderr, text)
        }
        Format::Json => (
            Stream::Stdout,
            diagnostics::json::render(&checked.diagnostics, &checked.sources),
        ),
        Format::Sarif => (
            Stream::Stdout,
            diagnostics::sarif::render(&checked.diagnostics, &checked.sources),
        ),
        Format::Github => (
            Stream::Stdout,
            diagnostics::github::render(&checked.diagnostics, &checked.sources),
        ),
    }
}

/// Apply `--allow` and `--deny`, print in the chosen format, and pick the exit code.
fn report<H: Host + ?Sized>(host: &mut H, checked: &mut Checked, args: &ReportArgs, allow: &[Code]) -> u8 {
    apply_allow_deny(checked, allow, !args.deny.is_empty());
    let color = args.format == Format::Human && host.color(Stream::Stderr);
    let (stream, text) = render(checked, args.format, color);
    host.print(stream, &text);
    u8::from(checked.has_errors())
}

/// What `fmt` makes of one file.
pub enum Formatted {
    /// Already in the canonical layout.
    Unchanged,
    /// The canonical text.
    Changed(String),
    /// It does not parse (or is not UTF-8): its CP0001, rendered for humans.
    Broken(String),
}

/// Formats one file's bytes; `name` is what a CP0001 report shows.
pub fn format_file(name: &str, bytes: &[u8], color: bool) -> Formatted {
    match std::str::from_utf8(bytes).ok().map(crate::fmt::format_source) {
        Some(Ok(text)) if text.as_bytes() == bytes => Formatted::Unchanged,
        Some(Ok(text)) => Formatted::Changed(text),
        _ => {
            // Through `check_sources`, for the very CP0001 `consentc check` reports (bad UTF-8 too).
            let mut checked = crate::check_sources(vec![(name.to_owned(), bytes.to_vec())]);
            checked.diagnostics.retain(|d| d.code == Code::CP0001);
            Formatted::Broken(diagnostics::human::render(
                &checked.diagnostics,
                &checked.sources,
                color,
            ))
        }
    }
}

/// `consentc fmt`: rewrite each changed file atomically, or with `--check` only list them (exit 1
/// if any). A file that does not parse gets its CP0001, is left alone, and the run goes on.
fn fmt<H: Host + ?Sized>(host: &mut H, paths: Vec<PathBuf>, check: bool) -> Result<u8, Usage> {
    let paths = default_paths(host, paths)?;
    let files = crate::compile::collect_in(host, &paths).map_err(|e| Usage(e.to_string()))?;
    let (mut changed, mut broken) = (0, 0);
    let color = host.color(Stream::Stderr);
    for path in &files {
        let shown = path.display();
        let bytes = host
            .read(path)
            .map_err(|e| Usage(format!("cannot read `{shown}`: {e}")))?;
        match format_file(shown.to_string().trim_start_matches("./"), &bytes, color) {
            Formatted::Unchanged => {}
            Formatted::Broken(report) => {
                host.print(Stream::Stderr, &report);
                broken += 1;
            }
            Formatted::Changed(text) => {
                changed += 1;
                if check {
                    host.print(Stream::Stdout, &format!("{shown}\n"));
                } else {
                    let written = host.write_atomic(path, &text);
                    written.map_err(|e| Usage(format!("cannot write `{shown}`: {e}")))?;
                }
            }
        }
    }
    let verb = if check { "would be reformatted" } else { "reformatted" };
    let summary = format!(
        "{changed} of {} files {verb}, {broken} with syntax errors\n",
        files.len()
    );
    host.print(Stream::Stderr, &summary);
    let failed = broken > 0 || (check && changed > 0);
    Ok(u8::from(failed))
}

/// The long explanation of a code, or the error naming the known codes.
pub fn explanation(code: &str) -> Result<&'static str, String> {
    let code = Code::parse(code).ok_or_else(|| {
        let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        format!("`{code}` is not a diagnostic code; known codes: {}", all.join(", "))
    })?;
    Ok(code.explanation())
}

fn explain<H: Host + ?Sized>(host: &mut H, code: &str) -> Result<u8, Usage> {
    host.print(Stream::Stdout, explanation(code).map_err(Usage)?);
    Ok(0)
}

/// The starting policy `init` writes (it passes `check`: a test holds it to that).
pub const STARTER: &str = include_str!("../../templates/init/site.policy");

fn init<H: Host + ?Sized>(host: &mut H, path: &Path) -> Result<u8, Usage> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        host.create_dir_all(parent)
            .map_err(|e| Usage(format!("cannot create `{}`: {e}", parent.display())))?;
    }
    host.create_new(path, STARTER.as_bytes()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Usage(format!(
                "`{}` already exists; consentc init never overwrites",
                path.display()
            ))
        } else {
            Usage(format!("cannot write `{}`: {e}", path.display()))
        }
    })?;
    let said = format!(
        "wrote `{}`; set your app id, then run `consentc check`\n",
        path.display()
    );
    host.print(Stream::Stderr, &said);
    Ok(0)
}

/// The catalogue as `consentc features [VENDOR]` lists it, or the error naming what there is.
pub fn feature_list(vendor: Option<&str>) -> Result<String, String> {
    let catalog = catalog::builtin();
    let mut out = String::new();
    match vendor {
        Some(name) => {
            if let Some(v) = catalog.vendor(name) {
                out.push_str(&catalog::describe(v));
            } else if let Some(cmp) = catalog::cmps::find(name) {
                out.push_str(&catalog::cmps::describe(cmp));
            } else {
                let vendors: Vec<&str> = catalog.vendors.keys().map(String::as_str).collect();
                let cmps: Vec<&str> = catalog::cmps::names().collect();
                return Err(format!(
                    "unknown vendor or CMP `{name}`; vendors: {}; CMPs: {}",
                    vendors.join(", "),
                    cmps.join(", ")
                ));
            }
        }
        None => {
            for v in catalog.vendors.values() {
                out.push_str(&catalog::describe(v));
                out.push('\n');
            }
            out.push_str(&catalog::describe_jurisdictions(catalog));
            out.push('\n');
            out.push_str(&catalog::cmps::describe_all());
        }
    }
    Ok(out)
}

fn features<H: Host + ?Sized>(host: &mut H, vendor: Option<&str>) -> Result<u8, Usage> {
    let out = feature_list(vendor).map_err(Usage)?;
    host.print(Stream::Stdout, &out);
    Ok(0)
}
