//! Speculative gets, and the overflow reset of the stray adds that failed
//! gets leave on a frozen page.

use super::{Get, InRcu, Reset};
use crate::atom::Atom32;
use crate::consts::{value_frozen, PAGEREF_FROZEN_BIT, PAGEREF_OWNED_LIMIT, PAGEREF_SATURATED};
use crate::probe::{Op, Probe, Step};
use crate::scheme::traced::{
    traced_add, traced_cas, traced_cas_ordered, traced_read, traced_store, traced_sub,
};
use std::marker::PhantomData;
use std::sync::atomic::Ordering::Relaxed;

/// The get's first read of the word, recorded.
#[inline(always)]
pub(super) fn read_first<A: Atom32, P: Probe>(rc: &A, p: &P, c_name: &'static str) -> u32 {
    traced_read(rc, p, Op::TryGet, c_name)
}

const ADD_UNLESS_FROZEN: &str = "page_ref_add_unless_frozen";

/// The tail of v6's get and of v7's and v8's get for small `nr`:
/// `v = atomic_add_return(nr)`; success iff `v > 0` as a signed int
/// (bit 31 clear and not 0). A failure never decrements; a frozen
/// `v >= PAGEREF_SATURATED` calls `page_ref_reset_frozen(page, v)` (v6,
/// v7; v8 has no reset, its recipes pass [`NoReset`]). `DEBUG_VM` (v8
/// built with `CONFIG_DEBUG_VM`): a failed add whose result is at or past
/// `PAGEREF_SATURATED` (signed, so 0 too), or whose old value was owned,
/// warns: `VM_WARN_ON_ONCE_PAGE(!ret && (v >= PAGEREF_SATURATED ||
/// (int)((unsigned int)v - nr) > 0), page)`.
#[inline(always)]
fn add_return_get<A: Atom32, P: Probe, R: Reset, const DEBUG_VM: bool>(
    rc: &A,
    nr: u32,
    p: &P,
) -> bool {
    let v = traced_add(rc, p, Op::TryGet, ADD_UNLESS_FROZEN, nr);
    if v as i32 > 0 {
        return true;
    }
    if DEBUG_VM && get_warns(v, nr) {
        p.step(Op::TryGet, ADD_UNLESS_FROZEN, Step::Warned { seen: v, nr });
    }
    if value_frozen(v) && v >= PAGEREF_SATURATED {
        R::reset(rc, v, p);
    }
    false
}

/// v8's `CONFIG_DEBUG_VM` test of a failed get's result `v` (`v <= 0` as
/// a signed int): `v >= PAGEREF_SATURATED || (int)((unsigned int)v - nr) >
/// 0`, both signed as in the C.
pub fn get_warns(v: u32, nr: u32) -> bool {
    v as i32 >= PAGEREF_SATURATED as i32 || v.wrapping_sub(nr) as i32 > 0
}

/// C: `page_ref_add_unless_frozen()` of v6 (patch 4 on):
/// `v = atomic_add_return(nr)` with no read first; success iff `v > 0`
/// as a signed int (bit 31 clear and not 0). A failure never
/// decrements; a frozen `v >= PAGEREF_SATURATED` calls
/// `page_ref_reset_frozen(page, v)`. It writes to every page it is
/// called on, frozen or not.
pub struct AddReturn;
impl Get for AddReturn {
    const C_NAME: &'static str = ADD_UNLESS_FROZEN;
    const READS_FIRST: bool = false;
    #[inline(always)]
    fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
        rc: &A,
        nr: u32,
        _seen: u32,
        _mra: u32,
        p: &P,
    ) -> bool {
        add_return_get::<A, P, R, false>(rc, nr, p)
    }
}

/// C: `page_ref_add_unless_frozen(page, nr)` of v7
/// (include/linux/page_ref.h): `v = atomic_read()` (relaxed); a frozen
/// `v` gives up and writes nothing (HVO maps the struct pages of HugeTLB
/// tail pages read-only, and they are frozen). For
/// `nr > PAGEREF_MAX_RACY_ADD` a `try_cmpxchg(v -> v + nr)` loop that
/// gives up as soon as it sees a frozen value (fully ordered on success,
/// relaxed on failure); otherwise [`AddReturn`]'s tail: the add, success
/// iff the result is `> 0`, and the reset of a saturated frozen result.
///
/// `BOUNDED` (v8, patch 10 on): the cmpxchg loop also gives up when the
/// add would bring the count to `PAGEREF_OWNED_LIMIT`
/// (`v >= PAGEREF_OWNED_LIMIT - nr`); v8 has no reset (its recipes use
/// [`NoReset`]: the strays of gets in flight stay below 2^29 for every
/// `NR_CPUS`, and a failed add at or past `PAGEREF_SATURATED` only warns).
/// `DEBUG_VM` (v8 built with `CONFIG_DEBUG_VM`): that warning
/// ([`Step::Warned`]).
pub struct ReadThenAdd<const BOUNDED: bool = false, const DEBUG_VM: bool = false>;
impl<const BOUNDED: bool, const DEBUG_VM: bool> Get for ReadThenAdd<BOUNDED, DEBUG_VM> {
    const C_NAME: &'static str = ADD_UNLESS_FROZEN;
    #[inline(always)]
    fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
        rc: &A,
        nr: u32,
        seen: u32,
        mra: u32,
        p: &P,
    ) -> bool {
        if value_frozen(seen) {
            return false;
        }
        if nr > mra {
            let mut v = seen;
            loop {
                if value_frozen(v) || (BOUNDED && v >= PAGEREF_OWNED_LIMIT.wrapping_sub(nr)) {
                    return false;
                }
                let new = v.wrapping_add(nr);
                match traced_cas(rc, p, Op::TryGet, Self::C_NAME, v, new) {
                    Ok(()) => return true,
                    Err(now) => v = now,
                }
            }
        }
        add_return_get::<A, P, R, DEBUG_VM>(rc, nr, p)
    }
}

/// C (v8, patch 10 on): v7's [`ReadThenAdd`], its large-add loop bounded by
/// `PAGEREF_OWNED_LIMIT`, inside a read-side section, the read through the
/// add: the answer of `lib/rcuref.c` to its "deconstruction race".
/// Every transition that makes a struct page unwritable (HVO) or frees
/// or re-initialises the memmap (memory offlining and hot-remove) first
/// waits for a grace period, so a getter that read the page owned
/// finishes its add before the page can become read-only or go away.
pub type RcuReadThenAdd = InRcu<ReadThenAdd<true>>;
/// v8's get built with `CONFIG_DEBUG_VM`.
pub type RcuReadThenAddDebugVm = InRcu<ReadThenAdd<true, true>>;
/// C (v8, patches 8 and 9): the cmpxchg-loop get inside a read-side
/// section.
pub type RcuCasLoopGet = InRcu<CasLoopGet>;

/// Broken: v8's get with its read before the read-side section: the
/// section starts after the read and covers the add. A getter that read
/// the page owned and stalled before its section is not waited for.
pub struct ReadOutsideRcu<G>(PhantomData<G>);
impl<G: Get> Get for ReadOutsideRcu<G> {
    const C_NAME: &'static str = G::C_NAME;
    #[inline(always)]
    fn try_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, mra: u32, p: &P) -> bool {
        let seen = read_first(rc, p, Self::C_NAME);
        Self::try_get_in_flight::<A, P, R>(rc, nr, seen, mra, p)
    }
    #[inline(always)]
    fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
        rc: &A,
        nr: u32,
        seen: u32,
        mra: u32,
        p: &P,
    ) -> bool {
        InRcu::<G>::try_get_in_flight::<A, P, R>(rc, nr, seen, mra, p)
    }
}

/// Broken: v7's [`ReadThenAdd`] without its cmpxchg branch for
/// `nr > PAGEREF_MAX_RACY_ADD`: every get that read the page owned adds,
/// however many references it takes. `DEBUG_VM`: with v8's warning.
pub struct ReadThenAddAlways<const DEBUG_VM: bool = false>;
impl<const DEBUG_VM: bool> Get for ReadThenAddAlways<DEBUG_VM> {
    const C_NAME: &'static str = ADD_UNLESS_FROZEN;
    #[inline(always)]
    fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
        rc: &A,
        nr: u32,
        seen: u32,
        _mra: u32,
        p: &P,
    ) -> bool {
        if value_frozen(seen) {
            return false;
        }
        add_return_get::<A, P, R, DEBUG_VM>(rc, nr, p)
    }
}

/// C: `page_ref_add_unless_zero()` as the frozen-bit patch leaves it (v6
/// patch 2, v7 patch 3; v7 patch 4 renames it
/// `page_ref_add_unless_frozen()`): a cmpxchg loop refusing any
/// `old <= 0` (so it refuses the transient 0 too). v6 patch 4 replaces
/// it by [`AddReturn`], v7 patch 6 by [`ReadThenAdd`].
pub struct CasLoopGet;
impl Get for CasLoopGet {
    const C_NAME: &'static str = "page_ref_add_unless_zero (cmpxchg loop)";
    #[inline(always)]
    fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
        rc: &A,
        nr: u32,
        seen: u32,
        _mra: u32,
        p: &P,
    ) -> bool {
        let mut old = seen;
        loop {
            if old as i32 <= 0 {
                return false;
            }
            let new = old.wrapping_add(nr);
            match traced_cas(rc, p, Op::TryGet, Self::C_NAME, old, new) {
                Ok(()) => return true,
                Err(seen) => old = seen,
            }
        }
    }
}

/// Broken: [`ReadThenAdd`], but a failed add decrements back.
pub struct AddUndo;
impl Get for AddUndo {
    const C_NAME: &'static str = ADD_UNLESS_FROZEN;
    #[inline(always)]
    fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
        rc: &A,
        nr: u32,
        seen: u32,
        _mra: u32,
        p: &P,
    ) -> bool {
        if value_frozen(seen) {
            return false;
        }
        let v = traced_add(rc, p, Op::TryGet, Self::C_NAME, nr);
        if v as i32 > 0 {
            return true;
        }
        let c_name = "page_ref_add_unless_frozen (broken: undo)";
        traced_sub(rc, p, Op::Undo, c_name, nr);
        false
    }
}

// -- resets -----------------------------------------------------------------

/// C: `page_ref_reset_frozen(page, v)` (mm/util.c):
/// `atomic_try_cmpxchg_relaxed(v -> FROZEN)`, retrying with the value
/// seen only while it is still frozen and saturated, and stopping at the
/// first success. It can never overwrite an unfreeze or an allocation,
/// because those store owned values, which end the loop.
pub struct ResetCasLoop;
impl Reset for ResetCasLoop {
    #[inline(never)]
    fn reset<A: Atom32, P: Probe>(rc: &A, v: u32, p: &P) {
        let c_name = "page_ref_reset_frozen";
        let mut v = v;
        while value_frozen(v) && v >= PAGEREF_SATURATED {
            match traced_cas_ordered(rc, p, Op::Reset, c_name, v, PAGEREF_FROZEN_BIT, Relaxed) {
                Ok(()) => break,
                Err(seen) => v = seen,
            }
        }
    }
}

/// No `page_ref_reset_frozen()` at all: v8 at its patches 4 to 7 (whose
/// cmpxchg-loop get leaves no strays), and `broken:no-reset` (v7 without
/// it).
pub struct NoReset;
impl Reset for NoReset {
    #[inline(always)]
    fn reset<A: Atom32, P: Probe>(_rc: &A, _v: u32, _p: &P) {}
}

/// v8 (patch 8 on, with the read-first get from patch 10): no reset; the
/// strays of gets in flight are bounded per CPU and context, 2^29 +
/// `4 * NR_CPUS` at most, whatever `NR_CPUS` is (a failed add at or past
/// `PAGEREF_SATURATED` only warns under `CONFIG_DEBUG_VM`).
pub struct NoResetBounded;
impl Reset for NoResetBounded {
    const BOUNDED_PER_CPU: bool = true;
    #[inline(always)]
    fn reset<A: Atom32, P: Probe>(_rc: &A, _v: u32, _p: &P) {}
}

/// Broken: the reset is `atomic_set(FROZEN)`.
pub struct ResetStore;
impl Reset for ResetStore {
    #[inline(never)]
    fn reset<A: Atom32, P: Probe>(rc: &A, _v: u32, p: &P) {
        let c_name = "page_ref_reset_frozen (broken: atomic_set)";
        traced_store(rc, p, Op::Reset, c_name, PAGEREF_FROZEN_BIT)
    }
}
