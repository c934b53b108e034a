// SPDX-License-Identifier: GPL-2.0
//! A `SpeculativeFolio` lives no longer than the RCU read-side critical
//! section in which its pointer was found: it borrows the `rcu::Guard`.
//! Expect: E0505 (the guard is moved out while borrowed).
use core::ptr::NonNull;
use kernel::{bindings, mm::folio::Folio, sync::rcu};

/// Keeps a speculative reference past the end of the critical section.
pub fn keep(ptr: NonNull<bindings::folio>) -> bool {
    let guard = rcu::read_lock();
    // SAFETY: Only compiled, never run.
    let spec = unsafe { Folio::try_get(&guard, ptr) };
    //~ OK: let _ = &guard;
    drop(guard); //~ ERROR E0505
    spec.is_some()
}
