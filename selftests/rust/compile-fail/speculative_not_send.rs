// SPDX-License-Identifier: GPL-2.0
//! A `SpeculativeFolio` cannot be sent to another thread: the RCU read-side
//! critical section it depends on belongs to the current one.
//! Expect: E0277 (the trait bound `Send` is not satisfied).
use kernel::mm::folio::{Folio, SpeculativeFolio};

fn needs_send<T: Send>(_: &T) {}

/// Hands a speculative reference to code that may send it away.
pub fn send(spec: SpeculativeFolio<'_>) {
    //~ OK: let _ = spec.revalidate(|f: &Folio| f.ref_count() > 0);
    needs_send(&spec); //~ ERROR E0277
}
