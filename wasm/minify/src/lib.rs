//! consentc's loader minifier as a WebAssembly module: the same source file as the library's
//! (`src/emit/minify.rs`), behind a minimal C ABI. tests/minify_wasm.rs builds it for
//! `wasm32-unknown-unknown`, runs it under Node (tests/js/minify_wasm.mjs) and checks that it
//! gives the same bytes as the native build.
//!
//! The ABI (all integers little-endian `u32`):
//! - `alloc(len) -> ptr`: `len` bytes for the caller to write the source into;
//! - `minify(ptr, len, mangle) -> out`: minifies the UTF-8 source at `ptr` (`mangle` 0: keep
//!   our names, otherwise mangle them) and frees it; `out` points to `[status][n][n bytes]`,
//!   status 0 with the minified code or 1 with the error message (2: the source is not UTF-8);
//! - `dealloc(ptr, len)`: frees `len` bytes at `ptr` (`out` is `8 + n` bytes long).

#[path = "../../../src/emit/minify.rs"]
mod minify;

use minify::{minify as minify_source, Names};

/// `len` bytes for the caller (never freed unless passed to `minify` or `dealloc`).
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Frees a buffer from `alloc`, or the result of `minify` (`len` is then `8 + n`).
///
/// # Safety
///
/// `ptr` and `len` must be those of a buffer this module handed out and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
    drop(Vec::from_raw_parts(ptr, 0, len));
}

/// Minifies the `len` bytes at `ptr` (a buffer from `alloc(len)`, freed here) and returns a
/// pointer to `[status][n][n bytes]`, for `dealloc(out, 8 + n)`.
///
/// # Safety
///
/// `ptr` must come from `alloc(len)` and hold `len` initialised bytes.
#[no_mangle]
pub unsafe extern "C" fn minify(ptr: *mut u8, len: usize, mangle: u32) -> *mut u8 {
    let input = Vec::from_raw_parts(ptr, len, len);
    let names = if mangle == 0 { Names::Kept } else { Names::Mangled };
    let (status, bytes): (u32, Vec<u8>) = match String::from_utf8(input) {
        Ok(source) => match minify_source(&source, names) {
            Ok(code) => (0, code.into_bytes()),
            Err(message) => (1, message.into_bytes()),
        },
        Err(_) => (2, b"the source is not UTF-8".to_vec()),
    };
    let n = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(8 + bytes.len());
    out.extend_from_slice(&status.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&bytes);
    let mut out = out.into_boxed_slice();
    let ptr = out.as_mut_ptr();
    std::mem::forget(out);
    ptr
}
