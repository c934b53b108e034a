//! The refcount schemes, one API for all of them.
//!
//! [`RefScheme`] is the page's `_refcount` word together with the operations
//! the kernel performs on it. Each method names its C twin.
//!
//! The zero-means-dead schemes ([`Mainline`], [`AssumeOne`]) are written out
//! in [`ZeroDead`]. The frozen-bit schemes are *composed*: a [`Recipe`]
//! names one part per concern (how a speculative get is done, how a generic
//! final put and a caller-context final put freeze the page, how stray adds
//! are reset, how a page is unfrozen and thawed, how GUP-fast guards against
//! overflow, what a struct page built from zeroed memory holds, how far a
//! driver biases its pages), and [`FrozenBit`] runs the recipe. Each part is
//! a small type beside its siblings in [`parts`], and names its C twin; a
//! new shape or a broken variant is one more part, or one more recipe.
//!
//! | type | name | what it is |
//! |---|---|---|
//! | [`Mainline`] | `mainline` | Linux 7.3: zero means dead, speculative get = `atomic_add_unless(v, nr, 0)` |
//! | [`AssumeOne`] | `assume-1` | zero means dead, the get's CAS loop starts by assuming the count is 1 |
//! | [`V6Patch2`] | `v6@patch2` | v6 after its patch 2: frozen bit, get still a cmpxchg loop refusing `<= 0` |
//! | [`SeriesV6`] | `series-v6` | the series as posted (v6): one-add get, every final put sub-then-cmpxchg |
//! | [`SeriesAt3`] | `series@3` | v7 after patches 3 and 4: frozen bit and v7's fixes, get still a cmpxchg loop refusing `<= 0`, every final put sub-then-cmpxchg |
//! | [`SeriesAt5`] | `series@5` | v7 after patch 5: as `series@3`, caller-context final put the CAS loop that never stores 0 |
//! | [`SeriesAt6`] | `series@6` | v7 after patches 6 and 7: as `series@5`, get read-then-add |
//! | [`Series`] | `series` | the series v7: generic final put read-then-cas, caller-context final put a CAS loop that never stores 0, zeroed struct pages initialised frozen, GUP-fast owned-limit guard, gve biased to `USHRT_MAX` |
//! | [`SeriesSubCas`] | `series+sub-cas` | v7 with every final put shape (a), sub then cmpxchg |
//! | [`SeriesAssumeOwn`] | `series+assume-own` | v7 with every final put shape (b), cmpxchg(nr -> FROZEN) first |
//! | [`SeriesReadCas`] | `series+read-cas` | v7 with every final put shape (c), read then cmpxchg |
//! | [`SeriesCasPut`] | `series+casput` | v7 with every final put shape (d), the CAS loop |
//! | `broken:*` | | v7 with one part replaced by a wrong one (see [`report::SCHEMES`](crate::report::SCHEMES)) |
//!
//! The broken variants exist so that the checker is seen to find
//! counterexamples; nothing should use them.

use crate::atom::Atom32;
use crate::probe::{NoProbe, Op, Probe, Step};
use std::marker::PhantomData;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};

/// `PAGEREF_FROZEN_BIT`: bit 31 of `_refcount`; set = frozen or free.
pub const PAGEREF_FROZEN_BIT: u32 = 1 << 31;
/// `PAGEREF_SATURATED` (`PAGEREF_FROZEN + (1 << 30)`, 0xC0000000): a failed
/// get whose result is frozen and at or above this value (as the C code
/// compares it, signed: -2^30 and up) resets the stray adds back to
/// `PAGEREF_FROZEN`.
pub const PAGEREF_SATURATED: u32 = PAGEREF_FROZEN_BIT + (1 << 30);
/// `PAGEREF_OWNED_LIMIT` (v7, `1 << 30`): GUP-fast refuses a get when
/// `page_ref_count() >= PAGEREF_OWNED_LIMIT`, leaving 2^30 of headroom for
/// adds that race past the check.
pub const PAGEREF_OWNED_LIMIT: u32 = 1 << 30;
/// `NR_CPUS` as the model assumes it for `PAGEREF_MAX_RACY_ADD`: 64, the
/// project's lean config (`CONFIG_NR_CPUS=64`).
pub const NR_CPUS: u32 = 64;
/// `PAGEREF_MAX_RACY_ADD` (v7, `(1 << 29) / NR_CPUS` = 2^23 with
/// [`NR_CPUS`] = 64): the largest `nr` that v7's get adds unconditionally
/// after reading the page owned. With at most `NR_CPUS` such adds in flight
/// they land at most 2^29 on a page frozen after their read, below the
/// 2^30 between `PAGEREF_FROZEN` and `PAGEREF_SATURATED`; bigger gets take
/// a cmpxchg loop that never writes to a frozen page.
pub const PAGEREF_MAX_RACY_ADD: u32 = (1 << 29) / NR_CPUS;
/// `INT_MAX`: the largest owned count; one more reads as frozen.
pub const INT_MAX: u32 = i32::MAX as u32;
/// `USHRT_MAX`: the bias of the Intel drivers, and of gve from v7 on.
pub const USHRT_MAX: u32 = u16::MAX as u32;
/// The most references one GUP-fast get takes: `gup_fast_pud_leaf()` on a
/// 1 GiB folio records `PUD_SIZE / PAGE_SIZE` = 2^18 pages and passes them
/// to `try_grab_folio_fast()` as one `refs`.
pub const GUP_MAX_REFS: u32 = 1 << 18;

/// A page reference count scheme.
///
/// Every operation exists in a `*_probed` form that reports each access to a
/// [`Probe`] (used by the model checker) and a plain form (used by the
/// benchmarks) that passes [`NoProbe`].
pub trait RefScheme: Send + Sync + Sized + 'static {
    /// The atomic backend.
    type Atomic: Atom32;
    /// Short name used in tables.
    const NAME: &'static str;
    /// True for the frozen-bit schemes: a stored 0 may only exist inside
    /// the dec-and-test window.
    const ZERO_TRANSIENT: bool;
    /// The value of a page sitting in the allocator right after it was freed.
    const FREE_VALUE: u32;
    /// A frozen value with as many stray adds as the scheme tolerates before
    /// its overflow reset triggers (the value itself for the zero schemes).
    const NEAR_LIMIT_FROZEN: u32;
    /// What a struct page built from zeroed memory holds once the tree has
    /// initialised it (HVO's shared vmemmap tail pages).
    const ZEROED_STRUCT_PAGE: u32;
    /// The count a gve-like driver biases its pages to
    /// (`page_ref_add(page, BIAS - 1)` on a fresh page).
    const DRIVER_BIAS: u32;
    /// Whether the tree waits for an RCU grace period (`synchronize_rcu()`)
    /// before it makes a struct page unwritable (HVO's read-only remap) or
    /// frees a memmap (memory hot-remove): v8.
    const RCU_GP: bool;
    /// `CONFIG_NR_CPUS` of the tree (it sets `PAGEREF_MAX_RACY_ADD`).
    const NR_CPUS: u32;

    /// The word of a free page (`FROZEN`, or 0) after `n` GUP-fast gets of
    /// `nr` references, all in flight (each read the page owned before it
    /// was freed), have landed and none of them has run its overflow reset
    /// yet: the worst case of `NR_CPUS` CPUs racing one freeze. (Test
    /// set-up, computed sequentially with the scheme's own get; no C twin.)
    fn in_flight_strays(n: u32, nr: u32) -> u32;

    /// A free page that absorbed `k` failed gets (test set-up; no C twin).
    fn free_with_strays(k: u32) -> u32;
    /// A counter holding `v` (test set-up; no C twin).
    fn from_raw(v: u32) -> Self;
    /// The raw word, fully ordered read (checker only; no C twin).
    fn raw(&self) -> u32;
    /// Whether `v` is the value of a page with owners.
    fn is_owned_value(v: u32) -> bool;
    /// Whether `v` is a value a free (or frozen) page may carry.
    fn is_free_value(v: u32) -> bool;

    /// Speculative get of `nr` references. C: `page_ref_add_unless_frozen()`
    /// (series), `page_ref_add_unless_zero()` (mainline, and the series
    /// before v6's patch 3 or v7's patch 4 renamed it); callers
    /// `folio_try_get()`, `folio_ref_try_add()`, `get_page_unless_frozen()`.
    fn try_get_probed<P: Probe>(&self, nr: u32, p: &P) -> bool;
    /// The rest of a speculative get of `nr` whose first read of the word
    /// (if the get reads first) already returned `seen`: a getter in flight
    /// that read the page owned before another thread froze or freed it.
    /// A get that does not read first is the whole [`Self::try_get_probed`].
    /// (Test set-up for the stray scenarios; the C is the same function.)
    fn try_get_in_flight_probed<P: Probe>(&self, nr: u32, seen: u32, p: &P) -> bool;
    /// GUP-fast's get of `refs`: the overflow guard (a `page_ref_count()`
    /// read), then the speculative get. C: `try_get_folio()` in mm/gup.c.
    fn gup_fast_get_probed<P: Probe>(&self, refs: u32, p: &P) -> bool;
    /// Generic final put of `nr`; true when the caller must free the page
    /// (with a destructor read from the page's own state). C:
    /// `page_ref_sub_and_test()`, `page_ref_dec_and_test()`,
    /// `folio_put_testzero()`, `put_page_testzero()`.
    fn put_probed<P: Probe>(&self, nr: u32, p: &P) -> bool;
    /// Caller-context final put of `nr`: the caller frees with what it
    /// knows (an order, a free routine). C (v7): `page_ref_sub_and_freeze()`,
    /// `page_ref_dec_and_freeze()` (`___free_pages()`, page_frag, vmscan's
    /// free path, ...); the generic put before v7 and in mainline.
    fn put_caller_probed<P: Probe>(&self, nr: u32, p: &P) -> bool;
    /// Freeze a page whose count is exactly `count`. C: `page_ref_freeze()`.
    fn freeze_probed<P: Probe>(&self, count: u32, p: &P) -> bool;
    /// Unfreeze to `count`. C: `page_ref_unfreeze()`.
    fn unfreeze_probed<P: Probe>(&self, count: u32, p: &P);
    /// Allocation: a free page becomes owned with one reference.
    /// C: `set_page_refcounted()`, `init_page_count()`.
    fn alloc_init_probed<P: Probe>(&self, p: &P);
    /// The count as callers see it. C: `page_ref_count()`.
    fn count_probed<P: Probe>(&self, p: &P) -> u32;
    /// Plain add on an owned page. C: `page_ref_add()` / `page_ref_inc()`.
    fn add_probed<P: Probe>(&self, nr: u32, p: &P);
    /// A free page handed out as a tail page (of a HugeTLB folio, whose
    /// struct pages HVO then remaps read-only). C:
    /// `set_page_count_as_frozen()` in `prep_compound_tail()` (mainline:
    /// `set_page_count(page, 0)`).
    fn set_frozen_probed<P: Probe>(&self, p: &P);
    /// Whether the page has no owner. C: `page_ref_is_frozen()` (bit 31;
    /// mainline has no such state: `page_ref_count() == 0`).
    fn is_frozen_probed<P: Probe>(&self, p: &P) -> bool;
    /// Take a reference on a page that may be frozen (memory-failure,
    /// fsdax); true when it thawed a frozen (or, for the zero schemes,
    /// zero) page. C: `page_ref_inc_or_thaw()` (series), `page_ref_inc()`
    /// (mainline).
    fn inc_or_thaw_probed<P: Probe>(&self, p: &P) -> bool;

    /// [`Self::try_get_probed`] without a probe.
    #[inline(always)]
    fn try_get(&self, nr: u32) -> bool {
        self.try_get_probed(nr, &NoProbe)
    }
    /// [`Self::gup_fast_get_probed`] without a probe.
    #[inline(always)]
    fn gup_fast_get(&self, refs: u32) -> bool {
        self.gup_fast_get_probed(refs, &NoProbe)
    }
    /// [`Self::put_probed`] without a probe.
    #[inline(always)]
    fn put(&self, nr: u32) -> bool {
        self.put_probed(nr, &NoProbe)
    }
    /// [`Self::put_caller_probed`] without a probe.
    #[inline(always)]
    fn put_caller(&self, nr: u32) -> bool {
        self.put_caller_probed(nr, &NoProbe)
    }
    /// [`Self::freeze_probed`] without a probe.
    #[inline(always)]
    fn freeze(&self, count: u32) -> bool {
        self.freeze_probed(count, &NoProbe)
    }
    /// [`Self::unfreeze_probed`] without a probe.
    #[inline(always)]
    fn unfreeze(&self, count: u32) {
        self.unfreeze_probed(count, &NoProbe)
    }
    /// [`Self::alloc_init_probed`] without a probe.
    #[inline(always)]
    fn alloc_init(&self) {
        self.alloc_init_probed(&NoProbe)
    }
    /// [`Self::count_probed`] without a probe.
    #[inline(always)]
    fn count(&self) -> u32 {
        self.count_probed(&NoProbe)
    }
    /// [`Self::add_probed`] without a probe.
    #[inline(always)]
    fn add(&self, nr: u32) {
        self.add_probed(nr, &NoProbe)
    }
    /// [`Self::inc_or_thaw_probed`] without a probe.
    #[inline(always)]
    fn inc_or_thaw(&self) -> bool {
        self.inc_or_thaw_probed(&NoProbe)
    }
}

/// One `try_cmpxchg` of a CAS loop, recorded as a trace step right after
/// the atomic operation (so that the ghost state stays atomic with it under
/// loom). `Ok` on success; `Err(seen)` with the value found otherwise.
/// Success is `SeqCst` and failure relaxed, as the kernel's fully ordered
/// cmpxchg.
#[inline(always)]
fn traced_cas<A: Atom32, P: Probe>(
    rc: &A,
    p: &P,
    op: Op,
    c_name: &'static str,
    expect: u32,
    new: u32,
) -> Result<(), u32> {
    let r = rc.compare_exchange(expect, new, SeqCst, Relaxed);
    let seen = match r {
        Ok(_) => expect,
        Err(seen) => seen,
    };
    p.step(op, c_name, Step::Cas { expect, new, seen });
    r.map(|_| ())
}

/// `atomic_read()`, recorded.
#[inline(always)]
fn traced_read<A: Atom32, P: Probe>(rc: &A, p: &P, op: Op, c_name: &'static str) -> u32 {
    let v = rc.load(Relaxed);
    p.step(op, c_name, Step::Load { val: v });
    v
}

/// A fully ordered `atomic_fetch_add()`/`atomic_add_return()`, recorded;
/// returns the new value.
#[inline(always)]
fn traced_add<A: Atom32, P: Probe>(rc: &A, p: &P, op: Op, c_name: &'static str, nr: u32) -> u32 {
    let old = rc.fetch_add(nr, SeqCst);
    let new = old.wrapping_add(nr);
    p.step(op, c_name, Step::Rmw { old, new });
    new
}

/// A fully ordered `atomic_sub_return()`, recorded; returns the new value.
#[inline(always)]
fn traced_sub<A: Atom32, P: Probe>(rc: &A, p: &P, op: Op, c_name: &'static str, nr: u32) -> u32 {
    let old = rc.fetch_sub(nr, SeqCst);
    let new = old.wrapping_sub(nr);
    p.step(op, c_name, Step::Rmw { old, new });
    new
}

/// Whether `v` has the frozen bit. C: `page_ref_value_frozen()`.
#[inline(always)]
pub fn value_frozen(v: u32) -> bool {
    v & PAGEREF_FROZEN_BIT != 0
}

// ---------------------------------------------------------------------------
// Zero means dead: mainline and the "assume the count is 1" alternative.
// ---------------------------------------------------------------------------

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
    const RCU_GP: bool = false;
    const NR_CPUS: u32 = NR_CPUS;

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
        let new = traced_sub(&self.rc, p, Op::Put, "page_ref_sub_and_test", nr);
        p.step(Op::Put, "page_ref_sub_and_test", Step::Released { nr });
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

    /// C (mainline): `set_page_count(page, 0)`.
    #[inline(always)]
    fn set_frozen_probed<P: Probe>(&self, p: &P) {
        self.rc.store(0, Relaxed);
        p.step(Op::SetFrozen, "set_page_count", Step::Store { val: 0 });
    }

    /// C (mainline): `page_ref_count(page) == 0`.
    #[inline(always)]
    fn is_frozen_probed<P: Probe>(&self, p: &P) -> bool {
        traced_read(&self.rc, p, Op::IsFrozen, "page_ref_count") == 0
    }

    /// C (mainline): fsdax's `folio_ref_inc()` on an idle (0) folio.
    #[inline(always)]
    fn inc_or_thaw_probed<P: Probe>(&self, p: &P) -> bool {
        let old = self.rc.fetch_add(1, SeqCst);
        let step = Step::Rmw {
            old,
            new: old.wrapping_add(1),
        };
        p.step(Op::Thaw, "folio_ref_inc", step);
        old == 0
    }
}

/// C: `set_page_refcounted()` / `init_page_count()` = `atomic_set(1)`.
#[inline(always)]
fn alloc_store<A: Atom32, P: Probe>(rc: &A, p: &P) {
    rc.store(1, Relaxed);
    p.step(Op::AllocInit, "set_page_refcounted", Step::Store { val: 1 });
}

/// C: `page_ref_add()` = `atomic_add()` (unordered).
#[inline(always)]
fn plain_add<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) {
    let old = rc.fetch_add(nr, Relaxed);
    let step = Step::Rmw {
        old,
        new: old.wrapping_add(nr),
    };
    p.step(Op::Add, "page_ref_add", step);
}

// ---------------------------------------------------------------------------
// The frozen bit: a scheme is a recipe of parts.
// ---------------------------------------------------------------------------

/// The parts a frozen-bit scheme is made of, one trait per concern and one
/// type per shape. Each type's comment names its C twin.
pub mod parts {
    use super::*;

    /// How a speculative get is done.
    pub trait Get {
        /// Take `nr` references unless the page is frozen; `R` resets stray
        /// adds that reached the limit. `max_racy_add` is
        /// `PAGEREF_MAX_RACY_ADD` of the tree (it depends on `NR_CPUS`).
        fn try_get<A: Atom32, P: Probe, R: Reset>(
            rc: &A,
            nr: u32,
            max_racy_add: u32,
            p: &P,
        ) -> bool;
        /// The same get, in flight: its first read (if it reads first)
        /// already returned `seen`.
        fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
            rc: &A,
            nr: u32,
            seen: u32,
            max_racy_add: u32,
            p: &P,
        ) -> bool;
    }

    /// How a final put drops `nr` references and freezes the page when they
    /// were the last; true when the caller must free it.
    pub trait Put {
        /// The function this shape implements, for traces.
        const C_NAME: &'static str;
        /// Drop `nr` references.
        fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool;
    }

    /// How a failed get that saw a saturated frozen value resets it.
    pub trait Reset {
        /// Called with the failed get's result `v`.
        fn reset<A: Atom32, P: Probe>(rc: &A, v: u32, p: &P);
    }

    /// How a frozen page is given its count back.
    pub trait Unfreeze {
        /// Unfreeze to `count`.
        fn unfreeze<A: Atom32, P: Probe>(rc: &A, count: u32, p: &P);
    }

    /// How memory-failure and fsdax take a reference on a page that may be
    /// frozen.
    pub trait Thaw {
        /// Returns true when it thawed a frozen page.
        fn inc_or_thaw<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool;
    }

    /// GUP-fast's overflow guard on the count it read.
    pub trait Guard {
        /// Whether a get of `refs` may go ahead on a page whose
        /// `page_ref_count()` read `count`.
        fn admits(count: u32, refs: u32) -> bool;
    }

    /// What a struct page built from zeroed memory holds.
    pub trait ZeroedInit {
        /// Its `_refcount` word.
        const VALUE: u32;
    }

    // -- gets ---------------------------------------------------------------

    /// The tail of v6's get and of v7's get for small `nr`:
    /// `v = atomic_add_return(nr)`; success iff `v > 0` as a signed int
    /// (bit 31 clear and not 0). A failure never decrements; a frozen
    /// `v >= PAGEREF_SATURATED` calls `page_ref_reset_frozen(page, v)`.
    #[inline(always)]
    fn add_return_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, p: &P) -> bool {
        let v = traced_add(rc, p, Op::TryGet, "page_ref_add_unless_frozen", nr);
        if v as i32 > 0 {
            return true;
        }
        if value_frozen(v) && v >= PAGEREF_SATURATED {
            R::reset(rc, v, p);
        }
        false
    }

    /// C: `page_ref_add_unless_frozen()` of v6 (patch 4 on):
    /// `v = atomic_add_return(nr)` with no read first; success iff `v > 0`
    /// as a signed int (bit 31 clear and not 0). A failure never
    /// decrements; a frozen `v >= PAGEREF_SATURATED` calls
    /// `page_ref_reset_frozen(page, v)`. It writes to every page it is
    /// called on, frozen or not.
    pub struct AddReturn;
    impl Get for AddReturn {
        #[inline(always)]
        fn try_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, _mra: u32, p: &P) -> bool {
            add_return_get::<A, P, R>(rc, nr, p)
        }
        #[inline(always)]
        fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
            rc: &A,
            nr: u32,
            _seen: u32,
            _mra: u32,
            p: &P,
        ) -> bool {
            add_return_get::<A, P, R>(rc, nr, p)
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
    pub struct ReadThenAdd;
    impl Get for ReadThenAdd {
        #[inline(always)]
        fn try_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, mra: u32, p: &P) -> bool {
            let v = traced_read(rc, p, Op::TryGet, "page_ref_add_unless_frozen");
            Self::try_get_in_flight::<A, P, R>(rc, nr, v, mra, p)
        }
        #[inline(always)]
        fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
            rc: &A,
            nr: u32,
            seen: u32,
            mra: u32,
            p: &P,
        ) -> bool {
            let mut v = seen;
            if value_frozen(v) {
                return false;
            }
            if nr > mra {
                loop {
                    if value_frozen(v) {
                        return false;
                    }
                    let new = v.wrapping_add(nr);
                    match traced_cas(rc, p, Op::TryGet, "page_ref_add_unless_frozen", v, new) {
                        Ok(()) => return true,
                        Err(now) => v = now,
                    }
                }
            }
            add_return_get::<A, P, R>(rc, nr, p)
        }
    }

    /// A get or a put run whole inside an RCU read-side critical section.
    /// v8's C uses `preempt_disable()` .. `preempt_enable()`, which
    /// `synchronize_rcu()` waits for as it waits for `rcu_read_lock()`.
    pub struct InRcu<T>(PhantomData<T>);

    impl<G: Get> Get for InRcu<G> {
        #[inline(always)]
        fn try_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, mra: u32, p: &P) -> bool {
            p.rcu_read_lock();
            let ok = G::try_get::<A, P, R>(rc, nr, mra, p);
            p.rcu_read_unlock();
            ok
        }
        #[inline(always)]
        fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
            rc: &A,
            nr: u32,
            seen: u32,
            mra: u32,
            p: &P,
        ) -> bool {
            p.rcu_read_lock();
            let ok = G::try_get_in_flight::<A, P, R>(rc, nr, seen, mra, p);
            p.rcu_read_unlock();
            ok
        }
    }

    impl<T: Put> Put for InRcu<T> {
        const C_NAME: &'static str = T::C_NAME;
        #[inline(always)]
        fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
            p.rcu_read_lock();
            let won = T::put(rc, nr, p);
            p.rcu_read_unlock();
            won
        }
    }

    /// C (v8, patch 9 on): v7's [`ReadThenAdd`] inside a read-side
    /// section, the read through the add (and the reset of a saturated
    /// result): the answer of `lib/rcuref.c` to its "deconstruction race".
    /// Every transition that makes a struct page unwritable (HVO) or frees
    /// the memmap (memory hot-remove) first waits for a grace period, so a
    /// getter that read the page owned finishes its add before the page
    /// can become read-only or go away.
    pub type RcuReadThenAdd = InRcu<ReadThenAdd>;
    /// C (v8, patches 7 and 8): the cmpxchg-loop get inside a read-side
    /// section.
    pub type RcuCasLoopGet = InRcu<CasLoopGet>;
    /// C (v8, patches 7 to 12): the generic put (a) inside a read-side
    /// section, whole (its subtract is its first access).
    pub type RcuSubThenCas = InRcu<SubThenCas>;

    /// Broken: v7's [`ReadThenAdd`] without its cmpxchg branch for
    /// `nr > PAGEREF_MAX_RACY_ADD`: every get that read the page owned adds,
    /// however many references it takes.
    pub struct ReadThenAddAlways;
    impl Get for ReadThenAddAlways {
        #[inline(always)]
        fn try_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, mra: u32, p: &P) -> bool {
            let v = traced_read(rc, p, Op::TryGet, "page_ref_add_unless_frozen");
            Self::try_get_in_flight::<A, P, R>(rc, nr, v, mra, p)
        }
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
            add_return_get::<A, P, R>(rc, nr, p)
        }
    }

    /// C: `page_ref_add_unless_zero()` as the frozen-bit patch leaves it (v6
    /// patch 2, v7 patch 3; v7 patch 4 renames it
    /// `page_ref_add_unless_frozen()`): a cmpxchg loop refusing any
    /// `old <= 0` (so it refuses the transient 0 too). v6 patch 4 replaces
    /// it by [`AddReturn`], v7 patch 6 by [`ReadThenAdd`].
    pub struct CasLoopGet;
    impl Get for CasLoopGet {
        #[inline(always)]
        fn try_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, mra: u32, p: &P) -> bool {
            let old = traced_read(rc, p, Op::TryGet, "page_ref_add_unless_zero (cmpxchg loop)");
            Self::try_get_in_flight::<A, P, R>(rc, nr, old, mra, p)
        }
        #[inline(always)]
        fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
            rc: &A,
            nr: u32,
            seen: u32,
            _mra: u32,
            p: &P,
        ) -> bool {
            let c_name = "page_ref_add_unless_zero (cmpxchg loop)";
            let mut old = seen;
            loop {
                if old as i32 <= 0 {
                    return false;
                }
                let new = old.wrapping_add(nr);
                match traced_cas(rc, p, Op::TryGet, c_name, old, new) {
                    Ok(()) => return true,
                    Err(seen) => old = seen,
                }
            }
        }
    }

    /// Broken: [`ReadThenAdd`], but a failed add decrements back.
    pub struct AddUndo;
    impl Get for AddUndo {
        #[inline(always)]
        fn try_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, mra: u32, p: &P) -> bool {
            let v = traced_read(rc, p, Op::TryGet, "page_ref_add_unless_frozen");
            Self::try_get_in_flight::<A, P, R>(rc, nr, v, mra, p)
        }
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
            let v = traced_add(rc, p, Op::TryGet, "page_ref_add_unless_frozen", nr);
            if v as i32 > 0 {
                return true;
            }
            traced_sub(
                rc,
                p,
                Op::Undo,
                "page_ref_add_unless_frozen (broken: undo)",
                nr,
            );
            false
        }
    }

    // -- final puts ---------------------------------------------------------

    /// The tail every put shape but (d) shares: `atomic_sub_return(nr)`; at
    /// 0, `atomic_try_cmpxchg(0 -> FROZEN)` (`page_ref_freeze_zero()`), and
    /// only the winner frees.
    #[inline(always)]
    fn sub_then_cas<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P, c_name: &'static str) -> bool {
        let new = traced_sub(rc, p, Op::Put, c_name, nr);
        p.step(Op::Put, c_name, Step::Released { nr });
        if new != 0 {
            return false;
        }
        p.step(Op::Put, c_name, Step::WindowOpen);
        let won = traced_cas(rc, p, Op::Put, c_name, 0, PAGEREF_FROZEN_BIT).is_ok();
        p.step(Op::Put, c_name, Step::WindowClose);
        won
    }

    /// Final put shape (a), v6's `page_ref_sub_and_test()`:
    /// `atomic_sub_and_test(nr) && page_ref_freeze_zero()`. Between the two
    /// the word is 0: the dec-and-test window.
    pub struct SubThenCas;
    impl Put for SubThenCas {
        const C_NAME: &'static str = "page_ref_sub_and_test";
        #[inline(always)]
        fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
            sub_then_cas(rc, nr, p, Self::C_NAME)
        }
    }

    /// Final put shape (b), "assume own": `atomic_try_cmpxchg(nr -> FROZEN)`
    /// with no read first; when it fails, shape (a).
    pub struct AssumeOwn;
    impl Put for AssumeOwn {
        const C_NAME: &'static str = "page_ref_sub_and_test (assume own)";
        #[inline(always)]
        fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
            if traced_cas(rc, p, Op::Put, Self::C_NAME, nr, PAGEREF_FROZEN_BIT).is_ok() {
                p.step(Op::Put, Self::C_NAME, Step::Released { nr });
                return true;
            }
            sub_then_cas(rc, nr, p, Self::C_NAME)
        }
    }

    /// Final put shape (c), v7's generic `page_ref_sub_and_test()`:
    /// `old = atomic_read()`; if `old == nr`,
    /// `atomic_try_cmpxchg(&v, &old, PAGEREF_FROZEN)` and true on success;
    /// otherwise (or when that cmpxchg fails) shape (a).
    pub struct ReadThenCas;
    impl Put for ReadThenCas {
        const C_NAME: &'static str = "page_ref_sub_and_test";
        #[inline(always)]
        fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
            let old = traced_read(rc, p, Op::Put, Self::C_NAME);
            if old == nr && traced_cas(rc, p, Op::Put, Self::C_NAME, nr, PAGEREF_FROZEN_BIT).is_ok()
            {
                p.step(Op::Put, Self::C_NAME, Step::Released { nr });
                return true;
            }
            sub_then_cas(rc, nr, p, Self::C_NAME)
        }
    }

    /// C (v8): v7's generic put (c) with its slow path, from the subtract
    /// through the `cmpxchg(0 -> FROZEN)`, inside `rcu_read_lock()` ..
    /// `rcu_read_unlock()`. The fast path (read, `cmpxchg(nr -> FROZEN)`)
    /// runs while the caller's references still count, so the page cannot
    /// be freed under it; after the subtract they no longer do, and the
    /// read-side section keeps the struct page writable (and present) until
    /// the cmpxchg has run, whoever frees the page meanwhile.
    pub struct RcuReadThenCas;
    impl Put for RcuReadThenCas {
        const C_NAME: &'static str = "page_ref_sub_and_test";
        #[inline(always)]
        fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
            let old = traced_read(rc, p, Op::Put, Self::C_NAME);
            if old == nr && traced_cas(rc, p, Op::Put, Self::C_NAME, nr, PAGEREF_FROZEN_BIT).is_ok()
            {
                p.step(Op::Put, Self::C_NAME, Step::Released { nr });
                return true;
            }
            p.rcu_read_lock();
            let won = sub_then_cas(rc, nr, p, Self::C_NAME);
            p.rcu_read_unlock();
            won
        }
    }

    /// Final put shape (d), v7's caller-context `page_ref_sub_and_freeze()`:
    /// `old = atomic_read()` (relaxed); loop `new = old == nr ?
    /// PAGEREF_FROZEN : old - nr; atomic_try_cmpxchg(&v, &old, new)` until it
    /// succeeds; true iff it stored `FROZEN`. It never stores 0. (Until
    /// 2026-11-29 22:15 UTC it started from `old = nr` without the read; the
    /// C changed because `page_frag_free()` mostly drops one reference of
    /// many, which then paid a failed cmpxchg first.)
    pub struct CasLoopFreeze;
    impl Put for CasLoopFreeze {
        const C_NAME: &'static str = "page_ref_sub_and_freeze";
        #[inline(always)]
        fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
            let mut old = traced_read(rc, p, Op::Put, Self::C_NAME);
            loop {
                let new = if old == nr {
                    PAGEREF_FROZEN_BIT
                } else {
                    old.wrapping_sub(nr)
                };
                match traced_cas(rc, p, Op::Put, Self::C_NAME, old, new) {
                    Ok(()) => {
                        p.step(Op::Put, Self::C_NAME, Step::Released { nr });
                        return new == PAGEREF_FROZEN_BIT;
                    }
                    Err(seen) => old = seen,
                }
            }
        }
    }

    /// Broken: the put that reaches 0 frees, marking the page frozen with a
    /// plain store instead of winning a cmpxchg.
    pub struct SubThenStore;
    impl Put for SubThenStore {
        const C_NAME: &'static str = "page_ref_sub_and_test (broken: no CAS)";
        #[inline(always)]
        fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
            let new = traced_sub(rc, p, Op::Put, Self::C_NAME, nr);
            p.step(Op::Put, Self::C_NAME, Step::Released { nr });
            if new != 0 {
                return false;
            }
            p.step(Op::Put, Self::C_NAME, Step::WindowOpen);
            rc.store(PAGEREF_FROZEN_BIT, Relaxed);
            let step = Step::Store {
                val: PAGEREF_FROZEN_BIT,
            };
            p.step(Op::Put, Self::C_NAME, step);
            p.step(Op::Put, Self::C_NAME, Step::WindowClose);
            true
        }
    }

    // -- resets -------------------------------------------------------------

    /// C: `page_ref_reset_frozen(page, v)` (mm/util.c):
    /// `atomic_try_cmpxchg_relaxed(v -> FROZEN)`, retrying with the value
    /// seen only while it is still frozen and saturated, and stopping at the
    /// first success. It can never overwrite an unfreeze or an allocation,
    /// because those store owned values, which end the loop.
    pub struct ResetCasLoop;
    impl Reset for ResetCasLoop {
        #[inline(never)]
        fn reset<A: Atom32, P: Probe>(rc: &A, v: u32, p: &P) {
            let mut v = v;
            while value_frozen(v) && v >= PAGEREF_SATURATED {
                let r = rc.compare_exchange(v, PAGEREF_FROZEN_BIT, Relaxed, Relaxed);
                let seen = r.unwrap_or_else(|s| s);
                let step = Step::Cas {
                    expect: v,
                    new: PAGEREF_FROZEN_BIT,
                    seen,
                };
                p.step(Op::Reset, "page_ref_reset_frozen", step);
                if r.is_ok() {
                    break;
                }
                v = seen;
            }
        }
    }

    /// Broken: no `page_ref_reset_frozen()` at all; stray adds pile up.
    pub struct NoReset;
    impl Reset for NoReset {
        #[inline(always)]
        fn reset<A: Atom32, P: Probe>(_rc: &A, _v: u32, _p: &P) {}
    }

    /// Broken: the reset is `atomic_set(FROZEN)`.
    pub struct ResetStore;
    impl Reset for ResetStore {
        #[inline(never)]
        fn reset<A: Atom32, P: Probe>(rc: &A, _v: u32, p: &P) {
            rc.store(PAGEREF_FROZEN_BIT, Relaxed);
            let step = Step::Store {
                val: PAGEREF_FROZEN_BIT,
            };
            p.step(
                Op::Reset,
                "page_ref_reset_frozen (broken: atomic_set)",
                step,
            );
        }
    }

    // -- unfreezes ----------------------------------------------------------

    /// C: `page_ref_unfreeze()` = `atomic_set_release(count)`, overwriting
    /// `FROZEN + k` (the debug build warns if bit 31 was clear).
    pub struct SetRelease;
    impl SetRelease {
        /// Also mainline's unfreeze.
        #[inline(always)]
        pub fn unfreeze<A: Atom32, P: Probe>(rc: &A, count: u32, p: &P) {
            rc.store(count, std::sync::atomic::Ordering::Release);
            p.step(
                Op::Unfreeze,
                "page_ref_unfreeze",
                Step::Store { val: count },
            );
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
            rc.store(count, Relaxed);
            p.step(
                Op::Unfreeze,
                "page_ref_unfreeze (broken: atomic_set)",
                Step::Store { val: count },
            );
        }
    }

    /// Broken: unfreeze adds the count instead of setting it (R11's
    /// virtio-mem bug: `page_ref_inc()` on a page frozen by its put).
    pub struct AddCount;
    impl Unfreeze for AddCount {
        #[inline(always)]
        fn unfreeze<A: Atom32, P: Probe>(rc: &A, count: u32, p: &P) {
            let old = rc.fetch_add(count, SeqCst);
            let step = Step::Rmw {
                old,
                new: old.wrapping_add(count),
            };
            p.step(Op::Unfreeze, "page_ref_unfreeze (broken: add)", step);
        }
    }

    // -- thaws --------------------------------------------------------------

    /// C: `page_ref_inc_or_thaw()` (v6 patch 2): `old = atomic_read()`; loop
    /// `new = page_ref_value_frozen(old) ? 1 : old + 1;
    /// atomic_try_cmpxchg(&v, &old, new)` until it succeeds.
    pub struct ThawCasLoop;
    impl Thaw for ThawCasLoop {
        #[inline(always)]
        fn inc_or_thaw<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool {
            let c_name = "page_ref_inc_or_thaw";
            let mut old = traced_read(rc, p, Op::Thaw, c_name);
            loop {
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

    /// Broken: fsdax's `folio_ref_inc()` as before v6's patch 2, on a folio
    /// that is frozen now.
    pub struct ThawByInc;
    impl Thaw for ThawByInc {
        #[inline(always)]
        fn inc_or_thaw<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool {
            let old = rc.fetch_add(1, SeqCst);
            let step = Step::Rmw {
                old,
                new: old.wrapping_add(1),
            };
            p.step(Op::Thaw, "folio_ref_inc (broken)", step);
            false
        }
    }

    /// Broken: v6's virtio-mem "cancel offline"
    /// (`virtio_mem_fake_offline_cancel_offline()`):
    /// `page_ref_unfreeze(page, 1)` = `atomic_set_release(1)` on every
    /// page, frozen or not. Going offline leaves a page that is still
    /// referenced unfrozen (it only warns), so the store overwrites its
    /// holders' references. v7 (patch 3) uses `page_ref_inc_or_thaw()`
    /// ([`ThawCasLoop`]). Like `atomic_set()` it learns nothing of the old
    /// word, so it never reports a thaw.
    pub struct ThawStoreOne;
    impl Thaw for ThawStoreOne {
        #[inline(always)]
        fn inc_or_thaw<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool {
            rc.store(1, std::sync::atomic::Ordering::Release);
            p.step(
                Op::Thaw,
                "page_ref_unfreeze(page, 1) (v6 virtio-mem cancel, broken)",
                Step::Store { val: 1 },
            );
            false
        }
    }

    // -- GUP-fast guards ----------------------------------------------------

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

    // -- zeroed struct pages ------------------------------------------------

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
}

use parts::{Get as _, Guard as _, Put as _, Thaw as _, Unfreeze as _, ZeroedInit as _};

/// A frozen-bit scheme: one part per concern.
pub trait Recipe: Send + Sync + 'static {
    /// The scheme's name in tables.
    const NAME: &'static str;
    /// The speculative get.
    type Get: parts::Get;
    /// The generic final put (`page_ref_sub_and_test()`).
    type Put: parts::Put;
    /// The caller-context final put (`page_ref_sub_and_freeze()` in v7).
    type CallerPut: parts::Put;
    /// The overflow reset of stray adds.
    type Reset: parts::Reset;
    /// `page_ref_unfreeze()`.
    type Unfreeze: parts::Unfreeze;
    /// `page_ref_inc_or_thaw()`.
    type Thaw: parts::Thaw;
    /// GUP-fast's overflow guard.
    type Guard: parts::Guard;
    /// What zeroed struct pages hold.
    type Zeroed: parts::ZeroedInit;
    /// gve's page bias in this tree.
    const DRIVER_BIAS: u32;
    /// Whether HVO's read-only remap and memory hot-remove wait for an RCU
    /// grace period first (v8).
    const RCU_GP: bool;
    /// `CONFIG_NR_CPUS`.
    const NR_CPUS: u32;
    /// `PAGEREF_MAX_RACY_ADD` = `(1 << 29) / NR_CPUS`.
    const MAX_RACY_ADD: u32 = (1 << 29) / Self::NR_CPUS;
}

/// A frozen-bit scheme running recipe `K`.
pub struct FrozenBit<A: Atom32, K: Recipe> {
    rc: A,
    _recipe: PhantomData<fn() -> K>,
}

impl<A: Atom32 + std::fmt::Debug, K: Recipe> std::fmt::Debug for FrozenBit<A, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(K::NAME).field("rc", &self.rc).finish()
    }
}

impl<A: Atom32, K: Recipe> RefScheme for FrozenBit<A, K> {
    type Atomic = A;
    const NAME: &'static str = K::NAME;
    const ZERO_TRANSIENT: bool = true;
    const FREE_VALUE: u32 = PAGEREF_FROZEN_BIT;
    const NEAR_LIMIT_FROZEN: u32 = PAGEREF_SATURATED - 1;
    const ZEROED_STRUCT_PAGE: u32 = K::Zeroed::VALUE;
    const DRIVER_BIAS: u32 = K::DRIVER_BIAS;
    const RCU_GP: bool = K::RCU_GP;
    const NR_CPUS: u32 = K::NR_CPUS;

    fn free_with_strays(k: u32) -> u32 {
        PAGEREF_FROZEN_BIT + k
    }
    fn in_flight_strays(n: u32, nr: u32) -> u32 {
        let a = crate::atom::StdAtomic::new(PAGEREF_FROZEN_BIT);
        for _ in 0..n {
            K::Get::try_get_in_flight::<_, NoProbe, parts::NoReset>(
                &a,
                nr,
                1,
                K::MAX_RACY_ADD,
                &NoProbe,
            );
        }
        a.into_inner()
    }
    fn from_raw(v: u32) -> Self {
        Self {
            rc: A::new(v),
            _recipe: PhantomData,
        }
    }
    fn raw(&self) -> u32 {
        self.rc.load(SeqCst)
    }
    fn is_owned_value(v: u32) -> bool {
        v != 0 && !value_frozen(v)
    }
    fn is_free_value(v: u32) -> bool {
        value_frozen(v)
    }

    #[inline(always)]
    fn try_get_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        K::Get::try_get::<A, P, K::Reset>(&self.rc, nr, K::MAX_RACY_ADD, p)
    }

    #[inline(always)]
    fn try_get_in_flight_probed<P: Probe>(&self, nr: u32, seen: u32, p: &P) -> bool {
        K::Get::try_get_in_flight::<A, P, K::Reset>(&self.rc, nr, seen, K::MAX_RACY_ADD, p)
    }

    /// C: `try_get_folio()`: the guard on `folio_ref_count()`, then
    /// `folio_ref_try_add()`.
    #[inline(always)]
    fn gup_fast_get_probed<P: Probe>(&self, refs: u32, p: &P) -> bool {
        if !K::Guard::admits(self.count_probed(p), refs) {
            return false;
        }
        self.try_get_probed(refs, p)
    }

    #[inline(always)]
    fn put_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        K::Put::put(&self.rc, nr, p)
    }

    #[inline(always)]
    fn put_caller_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        K::CallerPut::put(&self.rc, nr, p)
    }

    /// C: `page_ref_freeze()` = `atomic_cmpxchg(count -> FROZEN)`.
    #[inline(always)]
    fn freeze_probed<P: Probe>(&self, count: u32, p: &P) -> bool {
        let c_name = "page_ref_freeze";
        traced_cas(&self.rc, p, Op::Freeze, c_name, count, PAGEREF_FROZEN_BIT).is_ok()
    }

    #[inline(always)]
    fn unfreeze_probed<P: Probe>(&self, count: u32, p: &P) {
        K::Unfreeze::unfreeze(&self.rc, count, p)
    }

    /// C: `set_page_refcounted()` / `init_page_count()` = `atomic_set(1)`
    /// over `FROZEN + k`: a frozen -> owned transition, as unfreeze and
    /// `page_ref_inc_or_thaw()` are.
    #[inline(always)]
    fn alloc_init_probed<P: Probe>(&self, p: &P) {
        alloc_store(&self.rc, p)
    }

    /// C: `page_ref_count()`: 0 for any frozen value.
    #[inline(always)]
    fn count_probed<P: Probe>(&self, p: &P) -> u32 {
        let v = traced_read(&self.rc, p, Op::Count, "page_ref_count");
        if value_frozen(v) {
            0
        } else {
            v
        }
    }

    /// C: `page_ref_add()` = `atomic_add()`; owned pages only.
    #[inline(always)]
    fn add_probed<P: Probe>(&self, nr: u32, p: &P) {
        plain_add(&self.rc, nr, p)
    }

    /// C: `set_page_count_as_frozen()` = `atomic_set(PAGEREF_FROZEN)`.
    #[inline(always)]
    fn set_frozen_probed<P: Probe>(&self, p: &P) {
        self.rc.store(PAGEREF_FROZEN_BIT, Relaxed);
        let step = Step::Store {
            val: PAGEREF_FROZEN_BIT,
        };
        p.step(Op::SetFrozen, "set_page_count_as_frozen", step);
    }

    /// C: `page_ref_is_frozen()`: bit 31 of `atomic_read()`.
    #[inline(always)]
    fn is_frozen_probed<P: Probe>(&self, p: &P) -> bool {
        value_frozen(traced_read(&self.rc, p, Op::IsFrozen, "page_ref_is_frozen"))
    }

    #[inline(always)]
    fn inc_or_thaw_probed<P: Probe>(&self, p: &P) -> bool {
        K::Thaw::inc_or_thaw(&self.rc, p)
    }
}

/// Declares a recipe type and its scheme alias.
/// `rcu_gp` (default false) and `nr_cpus` (default [`NR_CPUS`]) are
/// optional.
macro_rules! recipe {
    (@or $v:expr, $d:expr) => {
        $v
    };
    (@or , $d:expr) => {
        $d
    };
    (
        $(#[$doc:meta])*
        $recipe:ident, $alias:ident = $name:literal {
            get: $get:ty, put: $put:ty, caller_put: $cput:ty, reset: $reset:ty,
            unfreeze: $unfreeze:ty, thaw: $thaw:ty, guard: $guard:ty,
            zeroed: $zeroed:ty, bias: $bias:expr
            $(, rcu_gp: $gp:expr)? $(, nr_cpus: $cpus:expr)? $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $recipe;
        impl Recipe for $recipe {
            const NAME: &'static str = $name;
            type Get = $get;
            type Put = $put;
            type CallerPut = $cput;
            type Reset = $reset;
            type Unfreeze = $unfreeze;
            type Thaw = $thaw;
            type Guard = $guard;
            type Zeroed = $zeroed;
            const DRIVER_BIAS: u32 = $bias;
            const RCU_GP: bool = recipe!(@or $($gp)?, false);
            const NR_CPUS: u32 = recipe!(@or $($cpus)?, super::NR_CPUS);
        }
        $(#[$doc])*
        pub type $alias<A> = FrozenBit<A, $recipe>;
    };
}

/// The recipes. Every row is a whole tree's choice of parts.
pub mod recipes {
    use super::parts::*;
    use super::{FrozenBit, Recipe, INT_MAX, USHRT_MAX};

    recipe!(
        /// v6 after its patch 2 (a bisection point of v6): frozen bit,
        /// cmpxchg-loop get; otherwise v6.
        V6At2, V6Patch2 = "v6@patch2" {
            get: CasLoopGet, put: SubThenCas, caller_put: SubThenCas, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardNegative,
            zeroed: ZeroedBare, bias: INT_MAX,
        }
    );
    recipe!(
        /// The series v6 as posted: one-add get, every final put shape (a),
        /// zeroed struct pages left at 0, GUP-fast's `< 0` guard, gve at
        /// `INT_MAX`.
        V6, SeriesV6 = "series-v6" {
            get: AddReturn, put: SubThenCas, caller_put: SubThenCas, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardNegative,
            zeroed: ZeroedBare, bias: INT_MAX,
        }
    );
    recipe!(
        /// v7 at its patches 3 and 4 (bisection points; patch 4 is a rename):
        /// the frozen bit with v7's fixes (zeroed struct pages frozen,
        /// GUP-fast's owned-limit guard, `page_ref_inc_or_thaw()` for
        /// virtio-mem's cancel path too, gve at `USHRT_MAX` from patch 1),
        /// the get still the cmpxchg loop that refuses any value `<= 0`,
        /// every final put shape (a).
        V7At3, SeriesAt3 = "series@3" {
            get: CasLoopGet, put: SubThenCas, caller_put: SubThenCas, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// v7 at its patch 5 (a bisection point): as [`V7At3`], but the
        /// caller-context final put is shape (d), the CAS loop that never
        /// stores 0.
        V7At5, SeriesAt5 = "series@5" {
            get: CasLoopGet, put: SubThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// v7 at its patches 6 and 7 (bisection points; patch 7 adds debug
        /// checks only): as [`V7At5`], but the get reads first and then adds.
        /// The generic final put is still shape (a) until patch 8 ([`V7`]).
        V7At6, SeriesAt6 = "series@6" {
            get: ReadThenAdd, put: SubThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// The series v7 (the tree from its patch 8 on): the get reads first
        /// and never writes to a frozen page, generic final put (c),
        /// caller-context final put (d), zeroed struct pages initialised
        /// frozen, GUP-fast's owned-limit guard, gve at `USHRT_MAX`.
        V7, Series = "series" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// v7 built with `CONFIG_NR_CPUS=8192` (the largest x86-64 allows):
        /// `PAGEREF_MAX_RACY_ADD` = 2^16, below GUP-fast's 2^18, so
        /// GUP-fast's biggest gets take the cmpxchg branch.
        V7Cpus8192, SeriesCpus8192 = "series-8192cpus" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX, nr_cpus: 8192,
        }
    );
    recipe!(
        /// v8 at its patches 7 and 8 (bisection points; patch 8 changes
        /// fsdax's idle test only): v7 at patch 5 ([`V7At5`]), plus the
        /// cmpxchg-loop get and the generic put (a) inside read-side
        /// sections and grace periods before HVO's remap and hot-remove.
        V8At7, SeriesV8At7 = "series-v8@7" {
            get: RcuCasLoopGet, put: RcuSubThenCas, caller_put: CasLoopFreeze,
            reset: ResetCasLoop, unfreeze: SetRelease, thaw: ThawCasLoop,
            guard: GuardOwnedLimit, zeroed: ZeroedFrozen, bias: USHRT_MAX, rcu_gp: true,
        }
    );
    recipe!(
        /// v8 at its patches 9 to 12 (bisection points): as [`V8At7`] with
        /// the read-first get (in its section); the generic put is still
        /// (a), whole in its section, until patch 13 ([`V8`]).
        V8At9, SeriesV8At9 = "series-v8@9" {
            get: RcuReadThenAdd, put: RcuSubThenCas, caller_put: CasLoopFreeze,
            reset: ResetCasLoop, unfreeze: SetRelease, thaw: ThawCasLoop,
            guard: GuardOwnedLimit, zeroed: ZeroedFrozen, bias: USHRT_MAX, rcu_gp: true,
        }
    );
    recipe!(
        /// v8 (patch 13 on): v7 with the answer of `lib/rcuref.c` to its
        /// "deconstruction race" (R16): the speculative get, and the generic
        /// put's slow path from the subtract through the `cmpxchg(0 ->
        /// FROZEN)`, run inside an RCU read-side critical section, and HVO's
        /// read-only remap and memory hot-remove wait for a grace period
        /// first.
        V8, SeriesV8 = "series-v8" {
            get: RcuReadThenAdd, put: RcuReadThenCas, caller_put: CasLoopFreeze,
            reset: ResetCasLoop, unfreeze: SetRelease, thaw: ThawCasLoop,
            guard: GuardOwnedLimit, zeroed: ZeroedFrozen, bias: USHRT_MAX, rcu_gp: true,
        }
    );
    recipe!(
        /// v7 with every final put (generic and caller-context) shape (a).
        V7SubCas, SeriesSubCas = "series+sub-cas" {
            get: ReadThenAdd, put: SubThenCas, caller_put: SubThenCas, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// v7 with every final put shape (b).
        V7AssumeOwn, SeriesAssumeOwn = "series+assume-own" {
            get: ReadThenAdd, put: AssumeOwn, caller_put: AssumeOwn, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// v7 with every final put shape (c).
        V7ReadCas, SeriesReadCas = "series+read-cas" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: ReadThenCas, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// v7 with every final put shape (d).
        V7CasPut, SeriesCasPut = "series+casput" {
            get: ReadThenAdd, put: CasLoopFreeze, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but a failed get decrements back.
        UndoOnFailR, UndoOnFail = "broken:undo-on-fail" {
            get: AddUndo, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but the get adds without reading first (v6's get):
        /// it writes to frozen pages, HVO's read-only struct pages among
        /// them.
        AddOnFrozenR, AddOnFrozen = "broken:add-on-frozen" {
            get: AddReturn, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but every put that reaches 0 frees without the CAS.
        NoFreezeCasR, NoFreezeCas = "broken:no-freeze-cas" {
            get: ReadThenAdd, put: SubThenStore, caller_put: SubThenStore, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but the overflow reset is a plain store.
        ResetStoreR, ResetByStore = "broken:reset-store" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetStore,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but unfreeze adds the count (R11).
        UnfreezeAddR, UnfreezeByAdd = "broken:unfreeze-add" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: AddCount, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but zeroed struct pages keep their bare 0 (v6's HVO).
        BareZeroR, BareZeroInit = "broken:bare-zero-init" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedBare, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but GUP-fast keeps v6's dead `< 0` guard.
        GuardV6R, GuardV6 = "broken:gup-guard-v6" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardNegative,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but gve still biases its pages to `INT_MAX`.
        GveIntMaxR, GveIntMax = "broken:gve-intmax" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: INT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but the caller-context final put is left on v6's
        /// shape (a), with its zero window.
        CallerPutV6R, CallerPutV6 = "broken:caller-put-v6" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: SubThenCas, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but fsdax takes its reference with a plain
        /// `folio_ref_inc()` (the tree before v6's patch 2).
        ThawByIncR, ThawIncrement = "broken:thaw-by-inc" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawByInc, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7, but the thaw is v6's virtio-mem "cancel offline":
        /// `page_ref_unfreeze(page, 1)`, a store of 1 whether or not the
        /// page was frozen (fixed in v7 patch 3 by `page_ref_inc_or_thaw()`).
        ThawStoreOneR, ThawByStoreOne = "broken:thaw-store-1" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelease, thaw: ThawStoreOne, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v8, but the generic put's slow path is outside any RCU
        /// read-side section (v7's put): a grace period does not wait for a
        /// putter stalled between its subtract and its cmpxchg.
        V8PutOutsideR, V8PutOutsideRcu = "broken:v8-put-outside-rcu" {
            get: RcuReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze,
            reset: ResetCasLoop, unfreeze: SetRelease, thaw: ThawCasLoop,
            guard: GuardOwnedLimit, zeroed: ZeroedFrozen, bias: USHRT_MAX, rcu_gp: true,
        }
    );
    recipe!(
        /// Broken: v8's read-side sections, but HVO and hot-remove do not
        /// wait for a grace period.
        V8NoGpR, V8NoGracePeriod = "broken:v8-no-grace-period" {
            get: RcuReadThenAdd, put: RcuReadThenCas, caller_put: CasLoopFreeze,
            reset: ResetCasLoop, unfreeze: SetRelease, thaw: ThawCasLoop,
            guard: GuardOwnedLimit, zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7 without `page_ref_reset_frozen()`.
        NoResetR, NoResetFrozen = "broken:no-reset" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: NoReset,
            unfreeze: SetRelease, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
    recipe!(
        /// Broken: v7 at `NR_CPUS=8192` without the get's cmpxchg branch for
        /// `nr > PAGEREF_MAX_RACY_ADD`: GUP-fast's gets of 2^18 add even
        /// though 8192 of them in flight reach 2^31.
        NoLargeCasR, NoLargeAddCas = "broken:no-large-add-cas" {
            get: ReadThenAddAlways, put: ReadThenCas, caller_put: CasLoopFreeze,
            reset: ResetCasLoop, unfreeze: SetRelease, thaw: ThawCasLoop,
            guard: GuardOwnedLimit, zeroed: ZeroedFrozen, bias: USHRT_MAX, nr_cpus: 8192,
        }
    );
    recipe!(
        /// Broken: v7, but unfreeze is a relaxed `atomic_set()`.
        UnfreezeRelaxedR, UnfreezeRelaxed = "broken:unfreeze-relaxed" {
            get: ReadThenAdd, put: ReadThenCas, caller_put: CasLoopFreeze, reset: ResetCasLoop,
            unfreeze: SetRelaxed, thaw: ThawCasLoop, guard: GuardOwnedLimit,
            zeroed: ZeroedFrozen, bias: USHRT_MAX,
        }
    );
}

pub use recipes::{
    AddOnFrozen, BareZeroInit, CallerPutV6, GuardV6, GveIntMax, NoFreezeCas, NoLargeAddCas,
    NoResetFrozen, ResetByStore, Series, SeriesAssumeOwn, SeriesAt3, SeriesAt5, SeriesAt6,
    SeriesCasPut, SeriesCpus8192, SeriesReadCas, SeriesSubCas, SeriesV6, SeriesV8, SeriesV8At7,
    SeriesV8At9, ThawByStoreOne, ThawIncrement, UndoOnFail, UnfreezeByAdd, UnfreezeRelaxed,
    V6Patch2, V8NoGracePeriod, V8PutOutsideRcu,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom::StdAtomic;

    type S = Series<StdAtomic>;
    type V6 = SeriesV6<StdAtomic>;
    type M = Mainline<StdAtomic>;
    type C = SeriesCasPut<StdAtomic>;
    type A1 = AssumeOne<StdAtomic>;

    #[test]
    fn series_sequential() {
        fn run<T: RefScheme<Atomic = StdAtomic>>() {
            let s = T::from_raw(PAGEREF_FROZEN_BIT);
            assert_eq!(s.count(), 0);
            assert!(!s.try_get(1), "get on a free page fails");
            assert!(T::is_free_value(s.raw()), "and leaves a free value");
            s.alloc_init();
            assert_eq!(s.count(), 1);
            assert!(s.try_get(2));
            assert_eq!(s.count(), 3);
            assert!(!s.put(2));
            assert!(!s.freeze(2));
            assert!(s.freeze(1));
            assert_eq!(s.count(), 0);
            assert!(!s.try_get(1));
            s.unfreeze(1);
            assert_eq!(s.raw(), 1, "unfreeze overwrites stray adds");
            s.add(1);
            assert!(!s.put(1));
            assert!(s.put(1), "the final put frees");
            assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
            s.alloc_init();
            s.add(2);
            assert!(!s.put_caller(1));
            assert_eq!(s.raw(), 2);
            assert!(!s.put_caller(1));
            assert!(s.put_caller(1), "the caller-context final put frees");
            assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
        }
        run::<S>();
        run::<V6>();
        run::<C>();
        run::<SeriesAssumeOwn<StdAtomic>>();
        run::<SeriesReadCas<StdAtomic>>();
        run::<SeriesSubCas<StdAtomic>>();
        run::<SeriesAt3<StdAtomic>>();
        run::<SeriesAt5<StdAtomic>>();
        run::<SeriesAt6<StdAtomic>>();
    }

    #[test]
    fn series_reset_at_limit() {
        // v6 adds on any page; v7 only when its read saw the page owned (a
        // getter in flight across the freeze).
        let s = V6::from_raw(PAGEREF_SATURATED - 2);
        assert!(!s.try_get(1));
        assert_eq!(s.raw(), PAGEREF_SATURATED - 1, "below the limit: no reset");
        assert!(!s.try_get(1));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT, "at the limit: reset to FROZEN");
        let s = S::from_raw(PAGEREF_SATURATED - 2);
        assert!(!s.try_get(1));
        assert_eq!(s.raw(), PAGEREF_SATURATED - 2, "v7 reads frozen: no write");
        assert!(!s.try_get_in_flight_probed(1, 1, &NoProbe));
        assert_eq!(s.raw(), PAGEREF_SATURATED - 1, "read owned: it adds");
        assert!(!s.try_get_in_flight_probed(1, 1, &NoProbe));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT, "at the limit: reset to FROZEN");
    }

    #[test]
    fn v7_get_reads_first() {
        assert_eq!(PAGEREF_MAX_RACY_ADD, 1 << 23, "NR_CPUS = 64");
        // A frozen page (HVO's read-only tail pages among them) is never
        // written, for any nr.
        for nr in [1, PAGEREF_MAX_RACY_ADD, PAGEREF_MAX_RACY_ADD + 1] {
            let s = S::from_raw(PAGEREF_FROZEN_BIT);
            assert!(!s.try_get(nr));
            assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
        }
        // Small adds: the add itself; a failed one (read owned, then the
        // page froze) leaves its stray add.
        let s = S::from_raw(3);
        assert!(s.try_get(PAGEREF_MAX_RACY_ADD));
        assert_eq!(s.raw(), 3 + PAGEREF_MAX_RACY_ADD);
        let s = S::from_raw(PAGEREF_FROZEN_BIT);
        assert!(!s.try_get_in_flight_probed(PAGEREF_MAX_RACY_ADD, 1, &NoProbe));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT + PAGEREF_MAX_RACY_ADD);
        // Big adds: the cmpxchg loop, which succeeds on an owned value and
        // gives up on a frozen one without writing, even when its read was
        // owned.
        let big = PAGEREF_MAX_RACY_ADD + 1;
        let s = S::from_raw(3);
        assert!(s.try_get(big));
        assert_eq!(s.raw(), 3 + big);
        let s = S::from_raw(PAGEREF_FROZEN_BIT);
        assert!(!s.try_get_in_flight_probed(big, 1, &NoProbe));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
        // The transient 0 of a v6-style put window still reads as not
        // frozen, and the add takes it.
        let s = S::from_raw(0);
        assert!(s.try_get(big));
        assert_eq!(s.raw(), big);
    }

    #[test]
    fn cas_loop_get_refuses_zero_and_frozen() {
        fn run<T: RefScheme<Atomic = StdAtomic>>() {
            let s = T::from_raw(0);
            assert!(
                !s.try_get(1),
                "the cmpxchg-loop get refuses the transient 0"
            );
            assert_eq!(s.raw(), 0);
            let s = T::from_raw(PAGEREF_FROZEN_BIT);
            assert!(!s.try_get(1));
            assert_eq!(s.raw(), PAGEREF_FROZEN_BIT, "and writes nothing on failure");
            s.alloc_init();
            assert!(s.try_get(1));
            assert_eq!(s.count(), 2);
        }
        // v6 after its patch 2; v7 at its patches 3 to 5.
        run::<V6Patch2<StdAtomic>>();
        run::<SeriesAt3<StdAtomic>>();
        run::<SeriesAt5<StdAtomic>>();
    }

    #[test]
    fn series_get_succeeds_on_transient_zero() {
        let s = S::from_raw(0);
        assert!(
            s.try_get(1),
            "the single-add get (v6 patch 4, v7 patch 6) succeeds at the transient 0"
        );
        assert_eq!(s.raw(), 1);
    }

    #[test]
    fn v7_final_puts_never_store_zero_when_uncontended() {
        // The caller-context put goes from nr straight to FROZEN, also for
        // nr > 1, and steps down without a read when it is not the last.
        let s = S::from_raw(5);
        assert!(!s.put_caller(2));
        assert_eq!(s.raw(), 3);
        assert!(s.put_caller(3));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
        // The generic put: read, then cmpxchg(nr -> FROZEN).
        let s = S::from_raw(GUP_MAX_REFS);
        assert!(s.put(GUP_MAX_REFS));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
        // v6's put passes through 0.
        let s = SubThenCasProbe::default();
        let v6 = V6::from_raw(1);
        assert!(v6.put_probed(1, &s));
        assert!(s.saw_window.get(), "v6's final put opens a zero window");
        let s = SubThenCasProbe::default();
        let v7 = S::from_raw(1);
        assert!(v7.put_probed(1, &s) && !s.saw_window.get());
    }

    #[derive(Default)]
    struct SubThenCasProbe {
        saw_window: std::cell::Cell<bool>,
    }
    impl Probe for SubThenCasProbe {
        fn step(&self, _op: Op, _c: &'static str, step: Step) {
            if step == Step::WindowOpen {
                self.saw_window.set(true);
            }
        }
    }

    #[test]
    fn inc_or_thaw() {
        let s = S::from_raw(PAGEREF_FROZEN_BIT + 3);
        assert!(s.inc_or_thaw(), "a frozen page is thawed to 1");
        assert_eq!(s.raw(), 1);
        assert!(!s.inc_or_thaw(), "an owned page gets one more");
        assert_eq!(s.raw(), 2);
        let b = ThawIncrement::<StdAtomic>::from_raw(PAGEREF_FROZEN_BIT);
        b.inc_or_thaw();
        assert_eq!(
            b.raw(),
            PAGEREF_FROZEN_BIT + 1,
            "an increment does not thaw"
        );
        let m = M::from_raw(0);
        assert!(m.inc_or_thaw());
        assert_eq!(m.raw(), 1);
    }

    #[test]
    fn gup_guards_and_bias() {
        let near = PAGEREF_FROZEN_BIT - GUP_MAX_REFS;
        // v6: the guard admits, and the add crosses INT_MAX: the owned page
        // now reads as frozen and the get fails.
        let v6 = V6::from_raw(near);
        assert!(!v6.gup_fast_get(GUP_MAX_REFS));
        assert_eq!(v6.raw(), PAGEREF_FROZEN_BIT);
        assert_eq!(v6.count(), 0, "an owned page now reads as free");
        // v7: refused before the add.
        let v7 = S::from_raw(near);
        assert!(!v7.gup_fast_get(GUP_MAX_REFS));
        assert_eq!(v7.raw(), near);
        let v7 = S::from_raw(PAGEREF_OWNED_LIMIT - 1);
        assert!(v7.gup_fast_get(GUP_MAX_REFS), "below the limit: admitted");
        let v7 = S::from_raw(PAGEREF_OWNED_LIMIT);
        assert!(!v7.gup_fast_get(1), "count >= PAGEREF_OWNED_LIMIT: refused");
        assert_eq!(v7.raw(), PAGEREF_OWNED_LIMIT);
        // Mainline: the count goes negative and the guard only stops the
        // next get.
        let m = M::from_raw(near);
        assert!(m.gup_fast_get(GUP_MAX_REFS));
        assert!(!m.gup_fast_get(1));
        assert_eq!(S::DRIVER_BIAS, USHRT_MAX);
        assert_eq!(V6::DRIVER_BIAS, INT_MAX);
        assert_eq!(S::ZEROED_STRUCT_PAGE, PAGEREF_FROZEN_BIT);
        assert_eq!(V6::ZEROED_STRUCT_PAGE, 0);
    }

    #[test]
    fn zero_dead_sequential() {
        fn run<T: RefScheme<Atomic = StdAtomic>>() {
            let s = T::from_raw(0);
            assert!(!s.try_get(1));
            assert_eq!(s.raw(), 0, "a failed get writes nothing");
            s.alloc_init();
            assert!(s.try_get(1));
            assert!(s.try_get(1), "assume-1 retries with the observed value");
            assert_eq!(s.count(), 3);
            assert!(!s.freeze(1));
            assert!(!s.put(2));
            assert!(s.freeze(1));
            assert!(!s.try_get(1));
            s.unfreeze(1);
            assert!(s.put_caller(1));
            assert_eq!(s.raw(), 0);
        }
        run::<M>();
        run::<A1>();
    }

    #[test]
    fn names() {
        assert_eq!(S::NAME, "series");
        assert_eq!(V6::NAME, "series-v6");
        assert_eq!(C::NAME, "series+casput");
        assert_eq!(M::NAME, "mainline");
        assert_eq!(A1::NAME, "assume-1");
        assert_eq!(UndoOnFail::<StdAtomic>::NAME, "broken:undo-on-fail");
    }
}
