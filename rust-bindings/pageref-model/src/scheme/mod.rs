//! The refcount schemes, one API for all of them.
//!
//! [`RefScheme`] is the page's `_refcount` word together with the operations
//! the kernel performs on it. Each method names its C twin.
//!
//! The zero-means-dead schemes ([`Mainline`], [`AssumeOne`]) are written out
//! in [`ZeroDead`]. The frozen-bit schemes are *composed*: a [`Recipe`]
//! names one part per concern (how a speculative get is done, how a generic
//! final put and a caller-context final put freeze the page, how stray adds
//! are reset (v6 and v7; v8 has no reset), how a page is unfrozen and
//! thawed, how GUP-fast guards against overflow, how slow GUP takes its
//! references for user space, how fsdax decides that a page is idle, what a struct page built
//! from zeroed memory holds, how far a driver biases its pages, which grace
//! periods the tree waits for), and [`FrozenBit`] runs the recipe. Each part
//! is a small type beside its siblings in [`parts`] (one file per concern:
//! gets, puts, freeze and thaw, guards), and names its C twin; a new shape
//! or a broken variant is one more part, or one more recipe
//! ([`recipes`]).
//!
//! | type | name | what it is |
//! |---|---|---|
//! | [`Mainline`] | `mainline` | Linux 7.3: zero means dead, speculative get = `atomic_add_unless(v, nr, 0)` |
//! | [`AssumeOne`] | `assume-1` | zero means dead, the get's CAS loop starts by assuming the count is 1 |
//! | [`Series`] | `series` | the series v7 |
//! | [`SeriesV8`] | `series-v8` | the series v8 |
//! | the others | | bisection points, final put shapes and broken variants: see [`recipes`] and [`report::SCHEMES`](crate::report::SCHEMES) |
//!
//! The broken variants exist so that the checker is seen to find
//! counterexamples; nothing should use them.

use crate::atom::Atom32;
use crate::probe::{NoProbe, Probe};
use std::marker::PhantomData;

pub use crate::consts::*;

pub mod parts;
pub mod recipes;
#[cfg(test)]
mod tests;
mod traced;
mod zero_dead;

pub use recipes::*;
pub use zero_dead::{AssumeOne, Mainline, ZeroDead};

use parts::{Get as _, Guard as _, Idle as _, Put as _, Thaw as _, Unfreeze as _, ZeroedInit as _};
use traced::{alloc_store, plain_add, traced_cas, traced_read, traced_store};

/// The RCU grace periods (`synchronize_rcu()`) a tree waits for before a
/// struct page stops being the one a stalled writer read (v8, patch 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GracePeriods {
    /// `hugetlb_vmemmap_optimize_folio()` and
    /// `__hugetlb_vmemmap_optimize_folios()`, before HVO remaps the struct
    /// pages of a HugeTLB folio's tail pages read-only.
    pub hvo_remap: bool,
    /// `offline_pages()`, once every page of the range is free: before the
    /// memmap is freed, or re-initialised by an online
    /// (`__init_single_page()`).
    pub offline_pages: bool,
    /// `__remove_pages()`, before the memmap is freed (ZONE_DEVICE reaches
    /// it without offlining).
    pub remove_pages: bool,
}

impl GracePeriods {
    /// No grace period anywhere (mainline, v6, v7).
    pub const NONE: Self = Self {
        hvo_remap: false,
        offline_pages: false,
        remove_pages: false,
    };
    /// v8: all three.
    pub const V8: Self = Self {
        hvo_remap: true,
        offline_pages: true,
        remove_pages: true,
    };

    /// Whether the tree waits for any grace period (and so whether the
    /// model must record read-side sections).
    pub const fn any(self) -> bool {
        self.hvo_remap || self.offline_pages || self.remove_pages
    }
}

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
    /// A frozen value with as many stray adds as the scheme tolerates, less
    /// the two gets in flight of the overflow scenario: just below where
    /// its overflow reset triggers (`PAGEREF_SATURATED - 1`), or, for a
    /// tree without a reset whose strays are bounded per CPU and context
    /// (v8), that bound less two (`FROZEN + 2^29 + 4 * NR_CPUS - 2`); the
    /// value itself for the zero schemes.
    const NEAR_LIMIT_FROZEN: u32;
    /// What a struct page built from zeroed memory holds once the tree has
    /// initialised it (HVO's shared vmemmap tail pages).
    const ZEROED_STRUCT_PAGE: u32;
    /// The count a gve-like driver biases its pages to
    /// (`page_ref_add(page, BIAS - 1)` on a fresh page).
    const DRIVER_BIAS: u32;
    /// The grace periods the tree waits for before HVO's read-only remap,
    /// memory offlining and the freeing of a memmap (v8).
    const GRACE_PERIODS: GracePeriods;
    /// `CONFIG_NR_CPUS` of the tree (it sets `PAGEREF_MAX_RACY_ADD`).
    const NR_CPUS: u32;
    /// The count at or past which slow GUP's check refuses
    /// (`PAGEREF_OWNED_LIMIT` in v7 and v8; the frozen bit, i.e. a count
    /// that reads negative, in mainline and v6). A successful add of slow
    /// GUP that starts there passed a check that was stale.
    const GRAB_LIMIT: u32;

    /// The word of a free page (`FROZEN`, or 0) after `n` GUP-fast gets of
    /// `nr` references, all in flight (each read the page owned before it
    /// was freed), have landed and none of them has run its overflow reset
    /// (v6, v7; v8 has none) yet: the worst case of `NR_CPUS` CPUs racing one freeze. (Test
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
    /// Slow GUP's references for user space, on a page whose caller holds
    /// a reference; false when refused. C: `try_grab_folio()` with
    /// `FOLL_GET` (and `FOLL_PIN`'s add): v8's `folio_ref_add_bounded()`,
    /// before it a check of `folio_ref_count()` and a `folio_ref_add()`.
    fn grab_probed<P: Probe>(&self, nr: u32, p: &P) -> bool;
    /// A free page handed out as a tail page (of a HugeTLB folio, whose
    /// struct pages HVO then remaps read-only), or a page that memory
    /// online hands to the page allocator. C: `set_page_count_as_frozen()`
    /// in `prep_compound_tail()` and `__free_pages_core()` (mainline:
    /// `set_page_count(page, 0)`).
    fn set_frozen_probed<P: Probe>(&self, p: &P);
    /// Memory online re-initialises the struct page of an offlined page.
    /// C: `__init_single_page()`: `mm_zero_struct_page()` (the word
    /// becomes 0), then `init_page_count()` (1); `__free_pages_core()`
    /// then sets it frozen ([`Self::set_frozen_probed`]).
    fn init_struct_page_probed<P: Probe>(&self, p: &P);
    /// Whether the page has no owner. C: `page_ref_is_frozen()` (bit 31;
    /// mainline has no such state: `page_ref_count() == 0`).
    fn is_frozen_probed<P: Probe>(&self, p: &P) -> bool;
    /// fsdax's test of whether nobody uses a DAX page any more, made
    /// without a reference. C: `dax_page_is_idle()` (and the same test in
    /// `dax_busy_page()`): `page_ref_count() == 0` in mainline and v7,
    /// `page_ref_is_frozen()` in v8 from its patch 9 on.
    fn dax_idle_probed<P: Probe>(&self, p: &P) -> bool;
    /// Take a reference on a page that may be frozen (memory-failure,
    /// fsdax); true when it thawed a frozen (or, for the zero schemes,
    /// zero) page. C: `page_ref_inc_or_thaw()` (series; v8's waits while
    /// the count reads 0), `page_ref_inc()` (mainline).
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

// ---------------------------------------------------------------------------
// The frozen bit: a scheme is a recipe of parts.
// ---------------------------------------------------------------------------

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
    /// The overflow reset of stray adds (v6, v7; none in v8).
    type Reset: parts::Reset;
    /// `page_ref_unfreeze()`.
    type Unfreeze: parts::Unfreeze;
    /// `page_ref_inc_or_thaw()`.
    type Thaw: parts::Thaw;
    /// GUP-fast's overflow guard.
    type Guard: parts::Guard;
    /// Slow GUP's add (`try_grab_folio()`).
    type Grab: parts::Grab;
    /// fsdax's idle test.
    type Idle: parts::Idle;
    /// What zeroed struct pages hold.
    type Zeroed: parts::ZeroedInit;
    /// gve's page bias in this tree.
    const DRIVER_BIAS: u32;
    /// The grace periods before HVO's read-only remap, memory offlining and
    /// the freeing of a memmap (v8).
    const GRACE_PERIODS: GracePeriods;
    /// `CONFIG_NR_CPUS`.
    const NR_CPUS: u32;
    /// `PAGEREF_MAX_RACY_ADD` = `(1 << 29) / NR_CPUS`.
    const MAX_RACY_ADD: u32 = max_racy_add(Self::NR_CPUS);
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
    const NEAR_LIMIT_FROZEN: u32 = if <K::Reset as parts::Reset>::BOUNDED_PER_CPU {
        PAGEREF_FROZEN_BIT + (1 << 29) + 4 * K::NR_CPUS - 2
    } else {
        PAGEREF_SATURATED - 1
    };
    const ZEROED_STRUCT_PAGE: u32 = K::Zeroed::VALUE;
    const DRIVER_BIAS: u32 = K::DRIVER_BIAS;
    const GRACE_PERIODS: GracePeriods = K::GRACE_PERIODS;
    const NR_CPUS: u32 = K::NR_CPUS;
    const GRAB_LIMIT: u32 = <K::Grab as parts::Grab>::LIMIT;

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
        self.rc.load(std::sync::atomic::Ordering::SeqCst)
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
        let op = crate::probe::Op::Freeze;
        traced_cas(
            &self.rc,
            p,
            op,
            "page_ref_freeze",
            count,
            PAGEREF_FROZEN_BIT,
        )
        .is_ok()
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
        let v = traced_read(&self.rc, p, crate::probe::Op::Count, "page_ref_count");
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

    #[inline(always)]
    fn grab_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        <K::Grab as parts::Grab>::grab(&self.rc, nr, p)
    }

    /// C: `set_page_count_as_frozen()` = `atomic_set(PAGEREF_FROZEN)`.
    #[inline(always)]
    fn set_frozen_probed<P: Probe>(&self, p: &P) {
        let op = crate::probe::Op::SetFrozen;
        traced_store(
            &self.rc,
            p,
            op,
            "set_page_count_as_frozen",
            PAGEREF_FROZEN_BIT,
        )
    }

    #[inline(always)]
    fn init_struct_page_probed<P: Probe>(&self, p: &P) {
        traced::init_struct_page(&self.rc, p)
    }

    /// C: `page_ref_is_frozen()`: bit 31 of `atomic_read()`.
    #[inline(always)]
    fn is_frozen_probed<P: Probe>(&self, p: &P) -> bool {
        parts::IdleFrozen::is_idle(&self.rc, p)
    }

    #[inline(always)]
    fn dax_idle_probed<P: Probe>(&self, p: &P) -> bool {
        K::Idle::is_idle(&self.rc, p)
    }

    #[inline(always)]
    fn inc_or_thaw_probed<P: Probe>(&self, p: &P) -> bool {
        K::Thaw::inc_or_thaw(&self.rc, p)
    }
}
