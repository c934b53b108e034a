//! Tests that callers make on the count of a page they do not own:
//! GUP-fast's overflow guard, and fsdax's idle test; and slow GUP's add of
//! the references it takes for user space, with its own bound.

use super::{Grab, Guard, Idle};
use crate::atom::Atom32;
use crate::consts::{value_frozen, PAGEREF_FROZEN_BIT, PAGEREF_OWNED_LIMIT};
use crate::probe::{Op, Probe};
use crate::scheme::traced::{traced_add_ordered, traced_cas, traced_read};
use std::sync::atomic::Ordering::Relaxed;

// -- GUP-fast guards --------------------------------------------------------

/// C (mainline, v6): `try_get_folio()`'s
/// `if (WARN_ON_ONCE(folio_ref_count(folio) < 0)) return NULL;`. With
/// the frozen bit `page_ref_count()` of a frozen value is 0, so this
/// can no longer fire.
pub struct GuardNegative;
impl Guard for GuardNegative {
    #[inline(always)]
    fn admits(count: u32, _refs: u32) -> bool {
        (count as i32) >= 0
    }
}

/// C (v7): `try_get_folio()` refuses when
/// `folio_ref_count(folio) >= PAGEREF_OWNED_LIMIT` (`1 << 30`),
/// whatever `refs` is: an admitted get of at most `GUP_MAX_REFS` = 2^18
/// starts below 2^30, so 4096 of them racing past the check are needed
/// to reach 2^31.
pub struct GuardOwnedLimit;
impl Guard for GuardOwnedLimit {
    #[inline(always)]
    fn admits(count: u32, _refs: u32) -> bool {
        count < PAGEREF_OWNED_LIMIT
    }
}

// -- slow GUP's add -----------------------------------------------------------

/// C (mainline, v6, v7 and v8 before its patch 5): `try_grab_folio()`
/// checks the count, then adds: `if (WARN_ON_ONCE(folio_ref_count(folio)
/// <= 0 [|| folio_ref_count_too_high(folio)])) return -ENOMEM;` ..
/// `folio_ref_add(folio, refs)` (a plain `atomic_add()`). `OWNED_LIMIT`:
/// the check also refuses at `PAGEREF_OWNED_LIMIT` (v7, from its patch
/// 3); without it (mainline, v6, v8 at patch 4) the check refuses only a
/// count that reads `<= 0`, and its limit is the frozen bit. Another
/// task's add can land between the check and the add, so any number of
/// tasks that passed the check together pass the limit together.
pub struct GrabCheckThenAdd<const OWNED_LIMIT: bool>;
impl<const OWNED_LIMIT: bool> Grab for GrabCheckThenAdd<OWNED_LIMIT> {
    const LIMIT: u32 = if OWNED_LIMIT {
        PAGEREF_OWNED_LIMIT
    } else {
        PAGEREF_FROZEN_BIT
    };
    #[inline(always)]
    fn grab<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
        let v = traced_read(rc, p, Op::Grab, "try_grab_folio: folio_ref_count");
        let count = if value_frozen(v) { 0 } else { v };
        if count == 0 || (OWNED_LIMIT && count >= PAGEREF_OWNED_LIMIT) {
            return false;
        }
        traced_add_ordered(
            rc,
            p,
            Op::Grab,
            "try_grab_folio: folio_ref_add",
            nr,
            Relaxed,
        );
        true
    }
}

/// C (v8, patch 5 on): `try_grab_folio()` takes its references with
/// `folio_ref_add_bounded()` = `page_ref_add_bounded()`: `v =
/// atomic_read()`; loop: refuse if `v <= 0 || v >= PAGEREF_OWNED_LIMIT -
/// nr`, else `atomic_try_cmpxchg(&v, v + nr)`. The check and the add are
/// one cmpxchg: no add ever brings the count to the limit.
pub struct GrabBounded;
impl Grab for GrabBounded {
    const LIMIT: u32 = PAGEREF_OWNED_LIMIT;
    #[inline(always)]
    fn grab<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
        let c_name = "page_ref_add_bounded";
        let mut v = traced_read(rc, p, Op::Grab, c_name);
        loop {
            if v as i32 <= 0 || v >= PAGEREF_OWNED_LIMIT - nr {
                return false;
            }
            match traced_cas(rc, p, Op::Grab, c_name, v, v + nr) {
                Ok(()) => return true,
                Err(now) => v = now,
            }
        }
    }
}

// -- fsdax's idle test ------------------------------------------------------

/// C (v7, and v8 before its patch 9): `dax_page_is_idle()` =
/// `page_ref_count(page) == 0` (and `dax_busy_page()`'s
/// `folio_ref_count() - folio_mapcount()`): a frozen page and the
/// transient 0 of a contended final put both count as idle.
pub struct IdleZero;
impl Idle for IdleZero {
    #[inline(always)]
    fn is_idle<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool {
        let v = traced_read(rc, p, Op::Count, "page_ref_count");
        v == 0 || value_frozen(v)
    }
}

/// C (v8, patch 9 on): `dax_page_is_idle()` = `page_ref_is_frozen(page)`;
/// a bare 0 is a final put in flight, busy until it freezes. Also
/// `page_ref_is_frozen()` itself.
pub struct IdleFrozen;
impl Idle for IdleFrozen {
    #[inline(always)]
    fn is_idle<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool {
        value_frozen(traced_read(rc, p, Op::IsFrozen, "page_ref_is_frozen"))
    }
}
