//! The library for JavaScript build tools: sources in, diagnostics and files out, nothing
//! written. Sources are `[[path, bytes], ...]`; options arrive as JSON text; a report is the
//! json format's text (diagnostics/json.rs), so JavaScript gets exactly that shape. Bad options
//! (an unknown code in `allow`, an unknown CMP, a bad `base`) throw with the command line's
//! words for them.

use consentc::cli::{self, Format};
use consentc::diagnostics::{self, Code};
use consentc::Checked;
use js_sys::{Array, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// What `check` and `build` take (npm/lib/index.d.ts, `CheckOptions` and `BuildOptions`).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct Options {
    allow: Vec<String>,
    deny_warnings: bool,
    /// Also render the diagnostics in this format (`human`, `json`, `sarif`, `github`).
    format: Option<Format>,
    color: bool,
    cmps: Vec<String>,
    base: Option<String>,
}

fn options(json: &str) -> Result<Options, JsError> {
    serde_json::from_str(json).map_err(|e| JsError::new(&format!("bad options: {e}")))
}

fn inputs(files: &Array) -> Result<Vec<(String, Vec<u8>)>, JsError> {
    files
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            let name = pair
                .get(0)
                .as_string()
                .ok_or_else(|| JsError::new("a file's path must be a string"))?;
            let bytes = pair.get(1);
            if !bytes.is_instance_of::<Uint8Array>() {
                return Err(JsError::new(&format!("`{name}`: a file's content must be bytes")));
            }
            Ok((name, Uint8Array::from(bytes).to_vec()))
        })
        .collect()
}

/// A check's results for JavaScript: the json report and, when asked, another rendering.
#[wasm_bindgen(getter_with_clone)]
#[derive(Clone)]
pub struct Report {
    /// The json format's text.
    pub json: String,
    /// The diagnostics in `options.format`, if given.
    pub rendered: Option<String>,
}

fn report(checked: &mut Checked, options: &Options, allow: &[Code]) -> Report {
    cli::apply_allow_deny(checked, allow, options.deny_warnings);
    let rendered = options
        .format
        .map(|format| cli::render(checked, format, options.color).1);
    Report {
        json: diagnostics::json::render(&checked.diagnostics, &checked.sources),
        rendered,
    }
}

/// Checks `files` (`[[path, bytes], ...]`) as one compile set.
#[wasm_bindgen]
pub fn check(files: Array, options_json: &str) -> Result<Report, JsError> {
    let options = options(options_json)?;
    let allow = cli::parse_allow(&options.allow).map_err(|e| JsError::new(&e))?;
    let mut checked = consentc::check_sources(inputs(&files)?);
    Ok(report(&mut checked, &options, &allow))
}

/// A build's results: the report, and the files when the check had no errors.
#[wasm_bindgen(getter_with_clone)]
pub struct Built {
    pub report: Report,
    /// `[[path, text], ...]` in path order, or `undefined` when there were errors.
    pub files: Option<Array>,
    /// `[[path, bytes, gzipped bytes], ...]`, one per loader.
    pub loaders: Array,
}

/// Checks and builds `files`; writes nothing.
#[wasm_bindgen]
pub fn build(files: Array, options_json: &str) -> Result<Built, JsError> {
    let options = options(options_json)?;
    let allow = cli::parse_allow(&options.allow).map_err(|e| JsError::new(&e))?;
    cli::known_cmps(&options.cmps).map_err(|e| JsError::new(&e))?;
    let base = consentc::emit::parse_base(options.base.as_deref().unwrap_or("/")).map_err(|e| JsError::new(&e))?;
    let emit = consentc::emit::Options {
        only_cmps: &options.cmps,
        base: &base,
    };
    let mut built = consentc::build_sources(inputs(&files)?, emit).map_err(|e| JsError::new(&e.to_string()))?;
    let report = report(&mut built.checked, &options, &allow);
    // `--deny warnings` (or an allowed code) can change whether there are errors: as the
    // command, no files unless the check as reported is clean.
    let output = built.output.filter(|_| !built.checked.has_errors());
    if output.is_some() {
        cli::undeclared_cmps(&built.checked, &options.cmps).map_err(|e| JsError::new(&e))?;
    }
    let loaders = Array::new();
    let files = match output {
        Some(output) => {
            for l in &output.loaders {
                loaders.push(&Array::of3(
                    &JsValue::from_str(&l.path),
                    &JsValue::from_f64(l.raw as f64),
                    &JsValue::from_f64(l.gzip as f64),
                ));
            }
            let list = Array::new();
            for (path, bytes) in output.files {
                let text = String::from_utf8(bytes)
                    .map_err(|_| JsError::new(&format!("internal error: `{path}` is not UTF-8")))?;
                list.push(&Array::of2(&JsValue::from_str(&path), &JsValue::from_str(&text)));
            }
            Some(list)
        }
        None => None,
    };
    Ok(Built { report, files, loaders })
}

/// What `format` gives: the canonical text, or the json report of why the file does not parse.
#[wasm_bindgen(getter_with_clone)]
pub struct Formatted {
    pub text: Option<String>,
    pub json: Option<String>,
}

/// Formats one file (`name` is what a syntax error's report shows).
#[wasm_bindgen]
pub fn format(name: &str, source: &str) -> Formatted {
    match consentc::fmt::format_source(source) {
        Ok(text) => Formatted {
            text: Some(text),
            json: None,
        },
        Err(_) => {
            // Through `check_sources`, for the very CP0001 `consentc check` reports.
            let mut checked = consentc::check_sources(vec![(name.to_owned(), source.as_bytes().to_vec())]);
            checked.diagnostics.retain(|d| d.code == Code::CP0001);
            Formatted {
                text: None,
                json: Some(diagnostics::json::render(&checked.diagnostics, &checked.sources)),
            }
        }
    }
}

/// The long explanation of a diagnostic code.
#[wasm_bindgen]
pub fn explain(code: &str) -> Result<String, JsError> {
    cli::explanation(code).map(str::to_owned).map_err(|e| JsError::new(&e))
}

/// The catalogue as `consentc features [VENDOR]` lists it.
#[wasm_bindgen]
pub fn features(vendor: Option<String>) -> Result<String, JsError> {
    cli::feature_list(vendor.as_deref()).map_err(|e| JsError::new(&e))
}

/// The starting policy `consentc init` writes.
#[wasm_bindgen(js_name = starterPolicy)]
pub fn starter_policy() -> String {
    cli::STARTER.to_owned()
}
