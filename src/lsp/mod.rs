//! `consentc lsp`: a language server over standard input and output (LSP 3.17). It reuses the
//! checker, the catalogue and `fmt`, and adds no rules (docs/editors.md).
//!
//! One thread handles every message in order, so the documents it answers about are the ones
//! the client last sent; two more read and write the stream ([`transport`]). Checking waits
//! for a quiet moment ([`server::Options::debounce`]) and covers the whole compile set
//! ([`workspace`]), so cross-file codes such as CP0102 appear as they would in
//! `consentc check`.

mod complete;
mod diagnostics;
mod fixes;
mod hover;
mod navigate;
mod scan;
mod schema;
mod server;
mod text;
mod transport;
mod workspace;

pub use server::serve;

/// Serve on standard input and output until the client says `exit` or goes away. Returns the
/// process's exit code: 0 after `shutdown` and `exit`, 1 otherwise (LSP 3.17, `exit`).
pub fn serve_stdio() -> u8 {
    serve(std::io::stdin(), std::io::stdout())
}
