//! Tests that callers make on the count of a page they do not own:
//! GUP-fast's overflow guard, and fsdax's idle test.

use super::{Guard, Idle};
use crate::atom::Atom32;
use crate::consts::{value_frozen, PAGEREF_OWNED_LIMIT};
use crate::probe::{Op, Probe};
use crate::scheme::traced::traced_read;

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
