//! Backends: each reads only the checked model and the catalogue, and produces files in memory.
//! Writing them (atomically) is `crate::build`'s job.

mod cmp_configs;
pub mod config;
mod documents;
pub mod escape;
pub mod loader;
pub mod loader_view;
pub mod minify;
mod record;
mod render;

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Vendor};
use crate::check::model::{Model, Policy};

/// Generated files, keyed by path relative to the output directory (`<policy>/<file>`).
/// A `BTreeMap` so iteration, and so every listing, is in one order.
pub type Files = BTreeMap<String, Vec<u8>>;

#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("policy `{policy}`: no loader for CMP `{cmp}` ({reason})")]
    Loader {
        policy: String,
        cmp: String,
        reason: String,
    },
    #[error("internal template error: {0}")]
    Template(String),
}

/// The size of one generated loader, for the build summary and the size report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoaderSize {
    pub path: String,
    pub raw: usize,
    pub gzip: usize,
}

#[derive(Debug, Default)]
pub struct Output {
    pub files: Files,
    pub loaders: Vec<LoaderSize>,
}

/// What a build is asked for beyond the policies.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Only these CMPs (empty: each policy's own).
    pub only_cmps: &'a [String],
    /// Where the output directory is served from, as [`parse_base`] gives it (ends in `/`): the
    /// snippets load `<base><policy>/<file>`.
    pub base: &'a str,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            only_cmps: &[],
            base: "/",
        }
    }
}

/// A `--base` value: an absolute path (`/`, `/static/consent/`) or an http(s) URL
/// (`https://cdn.example.com/consent/`), with a `/` added at the end if missing. Anything else
/// (a relative path, `//host`, another scheme, a query or fragment, spaces or control
/// characters) is refused with the reason: the snippets must find the files from any page.
pub fn parse_base(text: &str) -> Result<String, String> {
    let bad = |why: &str| Err(format!("`--base {text}`: {why}"));
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("a URL has no spaces or control characters (percent-encode them)");
    }
    if text.contains(['?', '#', '\\']) {
        return bad("give the directory the files are served from, without `?`, `#` or `\\`");
    }
    if let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) {
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || host.contains('@') {
            return bad("an http(s) URL needs a host (and no user name)");
        }
    } else if !text.starts_with('/') || text.starts_with("//") {
        return bad(
            "give an absolute path like `/static/consent/` or an http(s) URL, so the snippets work from any page",
        );
    }
    let mut base = text.to_owned();
    if !base.ends_with('/') {
        base.push('/');
    }
    Ok(base)
}

/// Every output of every policy. `only_cmps` narrows the CMPs (empty: each policy's own).
pub fn emit(model: &Model, catalog: &Catalog, only_cmps: &[String]) -> Result<Output, EmitError> {
    emit_with(
        model,
        catalog,
        Options {
            only_cmps,
            ..Options::default()
        },
    )
}

/// Every output of every policy, as `options` ask.
/// Policies are emitted several at once with the `parallel` feature (each reads only its own part
/// of the model) and merged in model order, so the output does not depend on the threads; of
/// several failures, the first policy's is returned.
pub fn emit_with(model: &Model, catalog: &Catalog, options: Options<'_>) -> Result<Output, EmitError> {
    let renderer = render::Renderer::new().map_err(EmitError::Template)?;
    let Some(vendor) = catalog.vendor("intercom") else {
        return Ok(Output::default());
    };
    let policies: Vec<&Policy> = model.policies.iter().filter(|p| p.intercom.is_some()).collect();
    let parts = crate::par::map(policies, |_, policy| {
        emit_policy(policy, &renderer, catalog, vendor, options)
    })
    .into_iter()
    .collect::<Result<Vec<Output>, EmitError>>()?;
    let mut out = Output::default();
    for part in parts {
        out.files.extend(part.files);
        out.loaders.extend(part.loaders);
    }
    Ok(out)
}

/// One policy's directory: a loader and the CMP's files per selected CMP, then the documents.
fn emit_policy(
    policy: &Policy,
    renderer: &render::Renderer,
    catalog: &Catalog,
    vendor: &Vendor,
    options: Options<'_>,
) -> Result<Output, EmitError> {
    let mut out = Output::default();
    let dir = &policy.name;
    let mut put = |name: &str, bytes: Vec<u8>| {
        out.files.insert(format!("{dir}/{name}"), bytes);
    };
    for cmp in selected_cmps(policy, options.only_cmps) {
        let failed = |reason: String| EmitError::Loader {
            policy: policy.name.clone(),
            cmp: cmp.to_owned(),
            reason,
        };
        let config = config::loader_config(policy, vendor, cmp)
            .ok_or_else(|| failed("the policy has no `intercom` block".to_owned()))?;
        let js = loader::render(&config, cmp).map_err(|e| failed(e.to_string()))?;
        let name = format!("intercom-loader.{cmp}.js");
        let size = LoaderSize {
            path: format!("{dir}/{name}"),
            raw: js.len(),
            gzip: gzip_len(js.as_bytes()),
        };
        put(&name, js.into_bytes());
        for (file, text) in
            cmp_configs::render(renderer, policy, vendor, cmp, options.base).map_err(EmitError::Template)?
        {
            put(&file, text.into_bytes());
        }
        out.loaders.push(size);
    }
    let cmps: Vec<&str> = selected_cmps(policy, options.only_cmps).collect();
    for (file, text) in documents::render(renderer, policy, catalog, vendor, &cmps).map_err(EmitError::Template)? {
        put(&file, text.into_bytes());
    }
    Ok(out)
}

fn selected_cmps<'a>(policy: &'a Policy, only: &'a [String]) -> impl Iterator<Item = &'a str> {
    policy
        .cmps
        .keys()
        .map(String::as_str)
        .filter(move |c| only.is_empty() || only.iter().any(|o| o == c))
}

/// Bytes after gzip at the best level: what a server sends for the loader. gzip frames the
/// deflate stream with a fixed 10-byte header (no name, no comment) and an 8-byte trailer. One
/// compressor per thread is reset and reused: a new one allocates and clears several hundred
/// kilobytes of tables, which made large builds slow (docs/performance.md).
pub fn gzip_len(bytes: &[u8]) -> usize {
    use flate2::{Compress, Compression, FlushCompress, Status};
    const HEADER: usize = 10;
    const TRAILER: usize = 8;
    thread_local! {
        static DEFLATE: std::cell::RefCell<Compress> = std::cell::RefCell::new(Compress::new(Compression::best(), false));
    }
    DEFLATE.with(|cell| {
        let mut deflate = cell.borrow_mut();
        deflate.reset();
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        loop {
            let consumed = usize::try_from(deflate.total_in())
                .unwrap_or(bytes.len())
                .min(bytes.len());
            match deflate.compress_vec(&bytes[consumed..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return HEADER + out.len() + TRAILER,
                Ok(_) => out.reserve(out.capacity().max(64)),
                Err(_) => return bytes.len(),
            }
        }
    })
}
