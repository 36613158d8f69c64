//! A panic is a bug in consentc. On wasm32 it ends in a trap, which JavaScript sees as a bare
//! `RuntimeError: unreachable`; this keeps the panic's message so the caller can say what broke
//! (the command exits 101, as the native binary does).

use std::sync::Mutex;

use wasm_bindgen::prelude::*;

static LAST: Mutex<Option<String>> = Mutex::new(None);

#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST.lock() {
            *last = Some(info.to_string());
        }
    }));
}

/// The message of the last panic, once.
#[wasm_bindgen(js_name = takePanic)]
pub fn take_panic() -> Option<String> {
    LAST.lock().ok().and_then(|mut last| last.take())
}
