//! consentc for JavaScript: the library and the command line compiled to WebAssembly with
//! wasm-bindgen. npm/lib/ wraps these exports in the package's API (`check`, `build`, `format`,
//! ...) and its `consentc` command; the playground (playground/) loads the same module.
//!
//! Everything crosses the boundary as strings, byte arrays and plain arrays; options and reports
//! as JSON text, which the JavaScript side parses (the report is the json format's own text, so
//! it has that format's exact shape).

mod api;
mod host;
mod panic;

use wasm_bindgen::prelude::*;

/// Runs the `consentc` command line (`args` without the program name) on the host that
/// npm/lib/node-host.js makes, and returns the exit code.
#[wasm_bindgen(js_name = runCli)]
pub fn run_cli(args: Vec<String>, host: host::JsHost) -> u8 {
    let mut host = host::Bound::new(host);
    let argv = std::iter::once("consentc".to_owned()).chain(args);
    consentc::cli::run(argv, &mut host)
}

/// The crate's version, the npm package's and `consentc --version`'s.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
