//! The accesses every scheme is made of, each reported to the probe right
//! after the atomic operation (so that the model checker's ghost state
//! stays atomic with it under loom, which switches threads only at its own
//! operations).
//!
//! Orderings follow the kernel: value-returning RMWs and a successful
//! cmpxchg are fully ordered (`SeqCst`), a failed cmpxchg and
//! `atomic_read()` relaxed.

use crate::atom::Atom32;
use crate::probe::{Op, Probe, Step};
use std::sync::atomic::Ordering::{self, Relaxed, SeqCst};

/// One `try_cmpxchg` (of a CAS loop, or alone), recorded. `Ok` on
/// success; `Err(seen)` with the value found otherwise. Success is `SeqCst`
/// and failure relaxed, as the kernel's fully ordered cmpxchg.
#[inline(always)]
pub(crate) fn traced_cas<A: Atom32, P: Probe>(
    rc: &A,
    p: &P,
    op: Op,
    c_name: &'static str,
    expect: u32,
    new: u32,
) -> Result<(), u32> {
    traced_cas_ordered(rc, p, op, c_name, expect, new, SeqCst)
}

/// [`traced_cas`] with the success ordering given (`_relaxed` forms).
#[inline(always)]
pub(crate) fn traced_cas_ordered<A: Atom32, P: Probe>(
    rc: &A,
    p: &P,
    op: Op,
    c_name: &'static str,
    expect: u32,
    new: u32,
    success: Ordering,
) -> Result<(), u32> {
    let r = rc.compare_exchange(expect, new, success, Relaxed);
    let seen = match r {
        Ok(_) => expect,
        Err(seen) => seen,
    };
    p.step(op, c_name, Step::Cas { expect, new, seen });
    r.map(|_| ())
}

/// `atomic_read()`, recorded.
#[inline(always)]
pub(crate) fn traced_read<A: Atom32, P: Probe>(rc: &A, p: &P, op: Op, c_name: &'static str) -> u32 {
    let v = rc.load(Relaxed);
    p.step(op, c_name, Step::Load { val: v });
    v
}

/// `atomic_set()` (relaxed) or `atomic_set_release()`, recorded.
#[inline(always)]
pub(crate) fn traced_store_ordered<A: Atom32, P: Probe>(
    rc: &A,
    p: &P,
    op: Op,
    c_name: &'static str,
    val: u32,
    order: Ordering,
) {
    rc.store(val, order);
    p.step(op, c_name, Step::Store { val });
}

/// `atomic_set()`, recorded.
#[inline(always)]
pub(crate) fn traced_store<A: Atom32, P: Probe>(
    rc: &A,
    p: &P,
    op: Op,
    c_name: &'static str,
    val: u32,
) {
    traced_store_ordered(rc, p, op, c_name, val, Relaxed)
}

/// `atomic_fetch_add()`/`atomic_add_return()` with the ordering given,
/// recorded; returns the new value.
#[inline(always)]
pub(crate) fn traced_add_ordered<A: Atom32, P: Probe>(
    rc: &A,
    p: &P,
    op: Op,
    c_name: &'static str,
    nr: u32,
    order: Ordering,
) -> u32 {
    let old = rc.fetch_add(nr, order);
    let new = old.wrapping_add(nr);
    p.step(op, c_name, Step::Rmw { old, new });
    new
}

/// A fully ordered `atomic_add_return()`, recorded; returns the new value.
#[inline(always)]
pub(crate) fn traced_add<A: Atom32, P: Probe>(
    rc: &A,
    p: &P,
    op: Op,
    c_name: &'static str,
    nr: u32,
) -> u32 {
    traced_add_ordered(rc, p, op, c_name, nr, SeqCst)
}

/// A fully ordered `atomic_sub_return()`, recorded; returns the new value.
/// (A subtract of `nr` is an add of `-nr` on the 32-bit word.)
#[inline(always)]
pub(crate) fn traced_sub<A: Atom32, P: Probe>(
    rc: &A,
    p: &P,
    op: Op,
    c_name: &'static str,
    nr: u32,
) -> u32 {
    traced_add_ordered(rc, p, op, c_name, nr.wrapping_neg(), SeqCst)
}

/// C: `set_page_refcounted()` / `init_page_count()` = `atomic_set(1)`.
#[inline(always)]
pub(crate) fn alloc_store<A: Atom32, P: Probe>(rc: &A, p: &P) {
    traced_store(rc, p, Op::AllocInit, "set_page_refcounted", 1)
}

/// C: `page_ref_add()` = `atomic_add()` (unordered).
#[inline(always)]
pub(crate) fn plain_add<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) {
    traced_add_ordered(rc, p, Op::Add, "page_ref_add", nr, Relaxed);
}

/// C: `__init_single_page()`: `mm_zero_struct_page()` (plain stores over
/// the whole struct page: the word becomes 0), then `init_page_count()` =
/// `atomic_set(1)`.
#[inline(always)]
pub(crate) fn init_struct_page<A: Atom32, P: Probe>(rc: &A, p: &P) {
    traced_store(rc, p, Op::InitStructPage, "mm_zero_struct_page", 0);
    traced_store(rc, p, Op::InitStructPage, "init_page_count", 1);
}
