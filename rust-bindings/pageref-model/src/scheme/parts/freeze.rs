//! Leaving the frozen state (unfreeze, thaw), and what a struct page
//! built from zeroed memory holds.

use super::{Thaw, Unfreeze, ZeroedInit};
use crate::atom::Atom32;
use crate::consts::{value_frozen, PAGEREF_FROZEN_BIT};
use crate::probe::{Op, Probe};
use crate::scheme::traced::{
    traced_add, traced_cas, traced_read, traced_store, traced_store_ordered,
};
use std::sync::atomic::Ordering::Release;

// -- unfreezes --------------------------------------------------------------

/// C: `page_ref_unfreeze()` = `atomic_set_release(count)`, overwriting
/// `FROZEN + k` (the debug build warns if bit 31 was clear).
pub struct SetRelease;
impl SetRelease {
    /// Also mainline's unfreeze.
    #[inline(always)]
    pub fn unfreeze<A: Atom32, P: Probe>(rc: &A, count: u32, p: &P) {
        traced_store_ordered(rc, p, Op::Unfreeze, "page_ref_unfreeze", count, Release)
    }
}
impl Unfreeze for SetRelease {
    #[inline(always)]
    fn unfreeze<A: Atom32, P: Probe>(rc: &A, count: u32, p: &P) {
        SetRelease::unfreeze(rc, count, p)
    }
}

/// Broken: unfreeze is a relaxed `atomic_set(count)`: what the freezer
/// wrote while the page was frozen (migration's copy, split's new
/// metadata) is not published to the getter that then takes a
/// reference.
pub struct SetRelaxed;
impl Unfreeze for SetRelaxed {
    #[inline(always)]
    fn unfreeze<A: Atom32, P: Probe>(rc: &A, count: u32, p: &P) {
        traced_store(
            rc,
            p,
            Op::Unfreeze,
            "page_ref_unfreeze (broken: atomic_set)",
            count,
        )
    }
}

/// Broken: unfreeze adds the count instead of setting it (R11's
/// virtio-mem bug: `page_ref_inc()` on a page frozen by its put).
pub struct AddCount;
impl Unfreeze for AddCount {
    #[inline(always)]
    fn unfreeze<A: Atom32, P: Probe>(rc: &A, count: u32, p: &P) {
        traced_add(
            rc,
            p,
            Op::Unfreeze,
            "page_ref_unfreeze (broken: add)",
            count,
        );
    }
}

// -- thaws ------------------------------------------------------------------

/// C: `page_ref_inc_or_thaw()`: `old = atomic_read()`; loop
/// `new = page_ref_value_frozen(old) ? 1 : old + 1;
/// atomic_try_cmpxchg(&v, &old, new)` until it succeeds.
///
/// * `WAITS_ON_ZERO` = false: v6 (patch 2) and v7 as posted, v8 at its
///   patches 4 to 7, and v8 before the review of v8
///   (`broken:v8-thaw-takes-zero`). A count of 0 is a
///   final put in flight, between its subtract and its `cmpxchg(0 ->
///   FROZEN)`: this thaw takes it to 1, the putter's cmpxchg fails and the
///   putter does not free, and a caller that keeps the page
///   (memory-failure's poisoned page) keeps one whose final put
///   (`__folio_put()`) never ran;
/// * `WAITS_ON_ZERO` = true ([`ThawWaitZero`]): v8 (patch 8, since the
///   review of v8, where the final put's subtract and cmpxchg run with
///   preemption disabled, so the wait is short): `while (unlikely(!old))
///   { cpu_relax(); old = atomic_read(); }` before each attempt, so it
///   waits for the putter's freeze and then thaws the frozen page (a new
///   life). A speculative get may still take the 0 to 1 while it waits
///   (`poison-thaw-walker`); the thaw then adds to the get's count.
pub struct ThawCasLoop<const WAITS_ON_ZERO: bool = false>;
impl<const WAITS_ON_ZERO: bool> Thaw for ThawCasLoop<WAITS_ON_ZERO> {
    #[inline(always)]
    fn inc_or_thaw<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool {
        let c_name = "page_ref_inc_or_thaw";
        let mut old = traced_read(rc, p, Op::Thaw, c_name);
        loop {
            while WAITS_ON_ZERO && old == 0 {
                p.cpu_relax();
                old = traced_read(rc, p, Op::Thaw, c_name);
            }
            let new = if value_frozen(old) {
                1
            } else {
                old.wrapping_add(1)
            };
            match traced_cas(rc, p, Op::Thaw, c_name, old, new) {
                Ok(()) => return value_frozen(old),
                Err(seen) => old = seen,
            }
        }
    }
}

/// v8's `page_ref_inc_or_thaw()` from patch 8: it waits while the count
/// reads 0.
pub type ThawWaitZero = ThawCasLoop<true>;

/// Broken: fsdax's `folio_ref_inc()` as before v6's patch 2, on a folio
/// that is frozen now.
pub struct ThawByInc;
impl Thaw for ThawByInc {
    #[inline(always)]
    fn inc_or_thaw<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool {
        traced_add(rc, p, Op::Thaw, "folio_ref_inc (broken)", 1);
        false
    }
}

/// Broken: v6's virtio-mem "cancel offline"
/// (`virtio_mem_fake_offline_cancel_offline()`):
/// `page_ref_unfreeze(page, 1)` = `atomic_set_release(1)` on every
/// page, frozen or not. Going offline leaves a page that is still
/// referenced unfrozen (it only warns), so the store overwrites its
/// holders' references. v7 (patch 3) uses `page_ref_inc_or_thaw()`
/// ([`ThawCasLoop`]), and so does v8 (up to patch 7; [`ThawWaitZero`]
/// from patch 8). Like
/// `atomic_set()` it learns nothing of the old word, so it never reports
/// a thaw.
pub struct ThawStoreOne;
impl Thaw for ThawStoreOne {
    #[inline(always)]
    fn inc_or_thaw<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool {
        let c_name = "page_ref_unfreeze(page, 1) (v6 virtio-mem cancel, broken)";
        traced_store_ordered(rc, p, Op::Thaw, c_name, 1, Release);
        false
    }
}

// -- zeroed struct pages ----------------------------------------------------

/// v7: struct pages built from zeroed memory (HVO's shared vmemmap tail
/// pages) are initialised to `PAGEREF_FROZEN`.
pub struct ZeroedFrozen;
impl ZeroedInit for ZeroedFrozen {
    const VALUE: u32 = PAGEREF_FROZEN_BIT;
}

/// v6: they keep the bare 0 of the zeroed memory.
pub struct ZeroedBare;
impl ZeroedInit for ZeroedBare {
    const VALUE: u32 = 0;
}
