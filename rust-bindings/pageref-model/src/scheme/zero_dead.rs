//! Zero means dead: mainline and the "assume the count is 1" alternative.

use super::parts::{self, Guard as _};
use super::traced::{alloc_store, plain_add, traced_add, traced_cas, traced_read, traced_store};
use super::{GracePeriods, RefScheme, INT_MAX, NR_CPUS};
use crate::atom::Atom32;
use crate::probe::{Op, Probe};
use std::sync::atomic::Ordering::SeqCst;

/// The zero-means-dead family. `ASSUME_ONE = false` is mainline 7.3,
/// `true` the alternative whose get never reads the counter first.
#[derive(Debug)]
pub struct ZeroDead<A: Atom32, const ASSUME_ONE: bool> {
    rc: A,
}

/// Mainline 7.3.
pub type Mainline<A> = ZeroDead<A, false>;
/// Zero means dead, get's CAS loop starts with expected = 1.
pub type AssumeOne<A> = ZeroDead<A, true>;

impl<A: Atom32, const ASSUME_ONE: bool> RefScheme for ZeroDead<A, ASSUME_ONE> {
    type Atomic = A;
    const NAME: &'static str = if ASSUME_ONE { "assume-1" } else { "mainline" };
    const ZERO_TRANSIENT: bool = false;
    const FREE_VALUE: u32 = 0;
    const NEAR_LIMIT_FROZEN: u32 = 0;
    /// Zeroed memory is a free page as it stands.
    const ZEROED_STRUCT_PAGE: u32 = 0;
    /// gve in mainline: `page_ref_add(page, INT_MAX - 1)`.
    const DRIVER_BIAS: u32 = INT_MAX;
    const GRACE_PERIODS: GracePeriods = GracePeriods::NONE;
    const NR_CPUS: u32 = NR_CPUS;
    const GRAB_LIMIT: u32 = <parts::GrabCheckThenAdd<false> as parts::Grab>::LIMIT;

    fn free_with_strays(_k: u32) -> u32 {
        0
    }
    /// A get in flight (its read saw 1) on a 0 fails its cmpxchg and
    /// writes nothing.
    fn in_flight_strays(_n: u32, _nr: u32) -> u32 {
        0
    }
    fn from_raw(v: u32) -> Self {
        Self { rc: A::new(v) }
    }
    fn raw(&self) -> u32 {
        self.rc.load(SeqCst)
    }
    fn is_owned_value(v: u32) -> bool {
        v != 0
    }
    fn is_free_value(v: u32) -> bool {
        v == 0
    }

    /// C (mainline): `page_ref_add_unless_zero()` =
    /// `atomic_add_unless(&page->_refcount, nr, 0)`: read, then a
    /// `try_cmpxchg` loop that gives up on 0.
    /// C (assume-1): the same loop entered with `c = 1` and no read.
    #[inline(always)]
    fn try_get_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        if ASSUME_ONE {
            return self.try_get_in_flight_probed(nr, 1, p);
        }
        let old = traced_read(&self.rc, p, Op::TryGet, "page_ref_add_unless_zero");
        self.try_get_in_flight_probed(nr, old, p)
    }

    /// The cmpxchg loop of [`Self::try_get_probed`], entered with `seen`
    /// (assume-1 never reads: its loop always starts at 1).
    #[inline(always)]
    fn try_get_in_flight_probed<P: Probe>(&self, nr: u32, seen: u32, p: &P) -> bool {
        let c_name = if ASSUME_ONE {
            "page_ref_add_unless_zero (assume 1)"
        } else {
            "page_ref_add_unless_zero"
        };
        let mut old = if ASSUME_ONE { 1 } else { seen };
        loop {
            if old == 0 {
                return false;
            }
            let new = old.wrapping_add(nr);
            match traced_cas(&self.rc, p, Op::TryGet, c_name, old, new) {
                Ok(()) => return true,
                Err(seen) => old = seen,
            }
        }
    }

    /// C (mainline): `try_get_folio()`:
    /// `if (WARN_ON_ONCE(folio_ref_count(folio) < 0)) return NULL;` then
    /// `folio_ref_try_add(folio, refs)`.
    #[inline(always)]
    fn gup_fast_get_probed<P: Probe>(&self, refs: u32, p: &P) -> bool {
        if !parts::GuardNegative::admits(self.count_probed(p), refs) {
            return false;
        }
        self.try_get_probed(refs, p)
    }

    /// C (mainline): `page_ref_sub_and_test()` = `atomic_sub_and_test()`;
    /// reaching 0 means the caller frees.
    #[inline(always)]
    fn put_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        let c_name = "page_ref_sub_and_test";
        let new = super::traced::traced_sub(&self.rc, p, Op::Put, c_name, nr);
        p.step(Op::Put, c_name, crate::probe::Step::Released { nr });
        new == 0
    }

    /// Mainline has one final put: `put_page_testzero()` in
    /// `___free_pages()` is `page_ref_dec_and_test()`.
    #[inline(always)]
    fn put_caller_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        self.put_probed(nr, p)
    }

    /// C (mainline): `page_ref_freeze()` = `atomic_cmpxchg(count -> 0)`.
    #[inline(always)]
    fn freeze_probed<P: Probe>(&self, count: u32, p: &P) -> bool {
        traced_cas(&self.rc, p, Op::Freeze, "page_ref_freeze", count, 0).is_ok()
    }

    /// C (mainline): `page_ref_unfreeze()` = `atomic_set_release(count)`.
    #[inline(always)]
    fn unfreeze_probed<P: Probe>(&self, count: u32, p: &P) {
        parts::SetRelease::unfreeze(&self.rc, count, p)
    }

    /// C (mainline): `set_page_refcounted()` = `set_page_count(page, 1)`.
    #[inline(always)]
    fn alloc_init_probed<P: Probe>(&self, p: &P) {
        alloc_store(&self.rc, p)
    }

    /// C (mainline): `page_ref_count()` = `atomic_read()`.
    #[inline(always)]
    fn count_probed<P: Probe>(&self, p: &P) -> u32 {
        traced_read(&self.rc, p, Op::Count, "page_ref_count")
    }

    /// C (mainline): `page_ref_add()` = `atomic_add()`.
    #[inline(always)]
    fn add_probed<P: Probe>(&self, nr: u32, p: &P) {
        plain_add(&self.rc, nr, p)
    }

    /// C (mainline): `try_grab_folio()`: `if (WARN_ON_ONCE(folio_ref_count(
    /// folio) <= 0)) return -ENOMEM;` .. `folio_ref_add(folio, refs)`.
    #[inline(always)]
    fn grab_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        <parts::GrabCheckThenAdd<false> as parts::Grab>::grab(&self.rc, nr, p)
    }

    /// C (mainline): `set_page_count(page, 0)`.
    #[inline(always)]
    fn set_frozen_probed<P: Probe>(&self, p: &P) {
        traced_store(&self.rc, p, Op::SetFrozen, "set_page_count", 0)
    }

    #[inline(always)]
    fn init_struct_page_probed<P: Probe>(&self, p: &P) {
        super::traced::init_struct_page(&self.rc, p)
    }

    /// C (mainline): `page_ref_count(page) == 0`.
    #[inline(always)]
    fn is_frozen_probed<P: Probe>(&self, p: &P) -> bool {
        traced_read(&self.rc, p, Op::IsFrozen, "page_ref_count") == 0
    }

    /// C (mainline): `dax_page_is_idle()`: `page_ref_count(page) == 0`,
    /// which is final in mainline.
    #[inline(always)]
    fn dax_idle_probed<P: Probe>(&self, p: &P) -> bool {
        traced_read(&self.rc, p, Op::Count, "page_ref_count") == 0
    }

    /// C (mainline): fsdax's `folio_ref_inc()` on an idle (0) folio.
    #[inline(always)]
    fn inc_or_thaw_probed<P: Probe>(&self, p: &P) -> bool {
        let new = traced_add(&self.rc, p, Op::Thaw, "folio_ref_inc", 1);
        new == 1
    }
}
