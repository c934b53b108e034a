// SPDX-License-Identifier: GPL-2.0
//! What `Folio::try_get()` returns is not an `ARef<Folio>`: a speculative
//! reference may be on a folio that was freed and reused, and becomes an
//! `ARef` only through `SpeculativeFolio::revalidate()`.
//! Expect: E0308 (mismatched types).
use core::ptr::NonNull;
use kernel::{bindings, mm::folio::Folio, sync::aref::ARef, sync::rcu};

/// Looks a folio up without re-checking that it is still the one looked for.
pub fn lookup(ptr: NonNull<bindings::folio>) -> Option<ARef<Folio>> {
    let guard = rcu::read_lock();
    // SAFETY: Only compiled, never run.
    let spec = unsafe { Folio::try_get(&guard, ptr) };
    //~ OK: let got: Option<ARef<Folio>> = spec.and_then(|s| s.revalidate(|f| f.as_ptr() == ptr.as_ptr()));
    let got: Option<ARef<Folio>> = spec; //~ ERROR E0308
    drop(guard);
    got
}
