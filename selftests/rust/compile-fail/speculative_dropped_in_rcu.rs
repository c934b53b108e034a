// SPDX-License-Identifier: GPL-2.0
//! A `SpeculativeFolio` drops its reference within the RCU read-side critical
//! section: it borrows the `rcu::Guard` until it is dropped (it implements
//! `Drop`), so the guard cannot be dropped first even when the handle is not
//! used again.
//! Expect: E0505 (the guard is moved out while borrowed).
use core::ptr::NonNull;
use kernel::{bindings, mm::folio::Folio, sync::rcu};

/// Ends the critical section before the speculative reference is dropped.
pub fn lookup(ptr: NonNull<bindings::folio>) {
    let guard = rcu::read_lock();
    // SAFETY: Only compiled, never run.
    let spec = unsafe { Folio::try_get(&guard, ptr) };
    //~ OK: drop(spec);
    drop(guard); //~ ERROR E0505
}
