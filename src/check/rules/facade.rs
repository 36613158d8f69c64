//! CP0412: a `facade` block under `load = when_granted`, which is never drawn. It runs on the
//! block as written ([`WrittenIntercom`]), right after reading: the model keeps a facade only
//! when it is drawn, and an `intercom` block missing a required key has no model at all.

use crate::check::lower::WrittenIntercom;
use crate::check::model::Load;
use crate::diagnostics::{Code, Diagnostic};

/// CP0412: the messenger loads as soon as it is granted, so nothing stands in for it.
pub fn never_drawn(intercom: &WrittenIntercom, out: &mut Vec<Diagnostic>) {
    let (Load::WhenGranted, Some(facade)) = (intercom.load.value, &intercom.facade) else {
        return;
    };
    let mut d = Diagnostic::new(Code::CP0412, "this `facade` is never drawn").primary(
        facade.head,
        "a facade stands in for the messenger only with `load = on_interaction`",
    );
    d = match intercom.load.span {
        Some(at) => d.secondary(at, "the messenger loads as soon as it is granted"),
        None => d.secondary(intercom.head, "`load` is `when_granted` by default"),
    };
    out.push(d.help("remove the `facade` block, or set `load = on_interaction` to load the messenger on a click"));
}
