//! The refcount schemes, one API for all of them.
//!
//! [`RefScheme`] is the page's `_refcount` word together with the operations
//! the kernel performs on it. Each method names its C twin. The schemes:
//!
//! | type | name | what it is |
//! |---|---|---|
//! | [`Mainline`] | `mainline` | Linux 7.3: zero means dead, speculative get = `atomic_add_unless(v, nr, 0)` |
//! | [`AssumeOne`] | `assume-1` | zero means dead, the get's CAS loop starts by assuming the count is 1 |
//! | [`Series`] | `series` | the patch series: dead = `PAGEREF_FROZEN_BIT`, get = one `atomic_add_return` |
//! | [`SeriesPatch2`] | `series@patch2` | the tree after patch 2 of 7: frozen bit, get still a cmpxchg loop refusing `<= 0` |
//! | [`SeriesCasPut`] | `series+casput` | the series with a final put that never stores 0 (fix candidate for R9) |
//! | [`UndoOnFail`] | `broken:undo-on-fail` | series, but a failed get decrements back |
//! | [`NoFreezeCas`] | `broken:no-freeze-cas` | series, but the put that reaches 0 frees without the CAS |
//! | [`ResetStore`] | `broken:reset-store` | series, but the overflow reset is a plain store |
//! | [`UnfreezeByAdd`] | `broken:unfreeze-add` | series, but unfreeze adds the count instead of setting it (R11) |
//!
//! The broken variants exist so that the checker is seen to find
//! counterexamples; nothing should use them.

use crate::atom::Atom32;
use crate::probe::{NoProbe, Op, Probe, Step};
use std::sync::atomic::Ordering::{Relaxed, Release, SeqCst};

/// `PAGEREF_FROZEN_BIT`: bit 31 of `_refcount`; set = frozen or free.
pub const PAGEREF_FROZEN_BIT: u32 = 1 << 31;
/// `PAGEREF_SATURATED` (`PAGEREF_FROZEN + (1 << 30)`, 0xC0000000): a failed
/// get whose result is frozen and at or above this value (as the C code
/// compares it, signed: -2^30 and up) resets the stray adds back to
/// `PAGEREF_FROZEN`. The brief called it the reset limit.
pub const PAGEREF_SATURATED: u32 = PAGEREF_FROZEN_BIT + (1 << 30);

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

    /// A counter holding `v` (test set-up; no C twin).
    fn from_raw(v: u32) -> Self;
    /// The raw word, fully ordered read (checker only; no C twin).
    fn raw(&self) -> u32;
    /// Whether `v` is the value of a page with owners.
    fn is_owned_value(v: u32) -> bool;
    /// Whether `v` is a value a free (or frozen) page may carry.
    fn is_free_value(v: u32) -> bool;

    /// Speculative get of `nr` references. C: `page_ref_add_unless_frozen()`
    /// (series), `page_ref_add_unless_zero()` (mainline); callers
    /// `folio_try_get()`, `folio_ref_try_add()`, `get_page_unless_zero()`.
    fn try_get_probed<P: Probe>(&self, nr: u32, p: &P) -> bool;
    /// Drop `nr` references; true when the caller must free the page.
    /// C: `page_ref_sub_and_test()`, `page_ref_dec_and_test()`,
    /// `folio_put_testzero()`.
    fn put_probed<P: Probe>(&self, nr: u32, p: &P) -> bool;
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

    /// [`Self::try_get_probed`] without a probe.
    #[inline(always)]
    fn try_get(&self, nr: u32) -> bool {
        self.try_get_probed(nr, &NoProbe)
    }
    /// [`Self::put_probed`] without a probe.
    #[inline(always)]
    fn put(&self, nr: u32) -> bool {
        self.put_probed(nr, &NoProbe)
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
        let c_name = if ASSUME_ONE {
            "page_ref_add_unless_zero (assume 1)"
        } else {
            "page_ref_add_unless_zero"
        };
        let mut old = if ASSUME_ONE {
            1
        } else {
            let v = self.rc.load(Relaxed);
            p.step(Op::TryGet, c_name, Step::Load { val: v });
            v
        };
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

    /// C (mainline): `page_ref_sub_and_test()` = `atomic_sub_and_test()`;
    /// reaching 0 means the caller frees.
    #[inline(always)]
    fn put_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        let old = self.rc.fetch_sub(nr, SeqCst);
        let new = old.wrapping_sub(nr);
        p.step(Op::Put, "page_ref_sub_and_test", Step::Rmw { old, new });
        p.step(Op::Put, "page_ref_sub_and_test", Step::Released { nr });
        new == 0
    }

    /// C (mainline): `page_ref_freeze()` = `atomic_cmpxchg(count -> 0)`.
    #[inline(always)]
    fn freeze_probed<P: Probe>(&self, count: u32, p: &P) -> bool {
        let r = self.rc.compare_exchange(count, 0, SeqCst, Relaxed);
        let seen = r.unwrap_or_else(|s| s);
        p.step(
            Op::Freeze,
            "page_ref_freeze",
            Step::Cas {
                expect: count,
                new: 0,
                seen,
            },
        );
        r.is_ok()
    }

    /// C (mainline): `page_ref_unfreeze()` = `atomic_set_release(count)`.
    #[inline(always)]
    fn unfreeze_probed<P: Probe>(&self, count: u32, p: &P) {
        self.rc.store(count, Release);
        p.step(
            Op::Unfreeze,
            "page_ref_unfreeze",
            Step::Store { val: count },
        );
    }

    /// C (mainline): `set_page_refcounted()` = `set_page_count(page, 1)`.
    #[inline(always)]
    fn alloc_init_probed<P: Probe>(&self, p: &P) {
        self.rc.store(1, Relaxed);
        p.step(Op::AllocInit, "set_page_refcounted", Step::Store { val: 1 });
    }

    /// C (mainline): `page_ref_count()` = `atomic_read()`.
    #[inline(always)]
    fn count_probed<P: Probe>(&self, p: &P) -> u32 {
        let v = self.rc.load(Relaxed);
        p.step(Op::Count, "page_ref_count", Step::Load { val: v });
        v
    }

    /// C (mainline): `page_ref_add()` = `atomic_add()`.
    #[inline(always)]
    fn add_probed<P: Probe>(&self, nr: u32, p: &P) {
        let old = self.rc.fetch_add(nr, Relaxed);
        p.step(
            Op::Add,
            "page_ref_add",
            Step::Rmw {
                old,
                new: old.wrapping_add(nr),
            },
        );
    }
}

// ---------------------------------------------------------------------------
// The frozen bit: the series, its fix candidate and the broken variants.
// ---------------------------------------------------------------------------

/// Variant selectors for [`FrozenBit`].
pub mod variant {
    /// The series as the C patches implement it.
    pub const SERIES: u8 = 0;
    /// Final put by CAS loop, no zero state (fix candidate for R9).
    pub const CASPUT: u8 = 1;
    /// Broken: a failed get decrements back.
    pub const UNDO_ON_FAIL: u8 = 2;
    /// Broken: the put that reaches 0 frees without the CAS `0 -> FROZEN`.
    pub const NO_FREEZE_CAS: u8 = 3;
    /// Broken: the overflow reset is `atomic_set(FROZEN)`, not a CAS loop.
    pub const RESET_STORE: u8 = 4;
    /// Broken: unfreeze by adding the count (R11's virtio-mem bug).
    pub const UNFREEZE_BY_ADD: u8 = 5;
    /// The tree after patch 2 of the series: frozen bit, but the get is
    /// still a cmpxchg loop refusing any value <= 0 (patch 4 replaces it).
    pub const CAS_GET: u8 = 6;
}

/// The frozen-bit family; `V` is one of [`variant`].
#[derive(Debug)]
pub struct FrozenBit<A: Atom32, const V: u8> {
    rc: A,
}

/// The series.
pub type Series<A> = FrozenBit<A, { variant::SERIES }>;
/// The series with the CAS-loop put.
pub type SeriesCasPut<A> = FrozenBit<A, { variant::CASPUT }>;
/// Broken: undo on a failed get.
pub type UndoOnFail<A> = FrozenBit<A, { variant::UNDO_ON_FAIL }>;
/// Broken: no CAS after reaching 0.
pub type NoFreezeCas<A> = FrozenBit<A, { variant::NO_FREEZE_CAS }>;
/// Broken: reset by plain store.
pub type ResetStore<A> = FrozenBit<A, { variant::RESET_STORE }>;
/// Broken: unfreeze by add.
pub type UnfreezeByAdd<A> = FrozenBit<A, { variant::UNFREEZE_BY_ADD }>;
/// The series as of patch 2 (frozen bit, cmpxchg-loop get).
pub type SeriesPatch2<A> = FrozenBit<A, { variant::CAS_GET }>;

impl<A: Atom32, const V: u8> FrozenBit<A, V> {
    /// C: `page_ref_reset_frozen(page, v)` (mm/util.c). Called by a failed
    /// get whose result `v` is frozen and at or above `PAGEREF_SATURATED`:
    /// `atomic_try_cmpxchg_relaxed(v -> FROZEN)`, retrying with the value
    /// seen only while it is still frozen and saturated, and stopping at the
    /// first success. It can never overwrite an unfreeze or an allocation,
    /// because those store owned values, which end the loop.
    #[inline(never)]
    fn reset_frozen<P: Probe>(&self, v: u32, p: &P) {
        if V == variant::RESET_STORE {
            self.rc.store(PAGEREF_FROZEN_BIT, Relaxed);
            p.step(
                Op::Reset,
                "page_ref_reset_frozen (broken: atomic_set)",
                Step::Store {
                    val: PAGEREF_FROZEN_BIT,
                },
            );
            return;
        }
        let c_name = "page_ref_reset_frozen";
        let mut v = v;
        while v & PAGEREF_FROZEN_BIT != 0 && v >= PAGEREF_SATURATED {
            let r = self
                .rc
                .compare_exchange(v, PAGEREF_FROZEN_BIT, Relaxed, Relaxed);
            let seen = r.unwrap_or_else(|s| s);
            p.step(
                Op::Reset,
                c_name,
                Step::Cas {
                    expect: v,
                    new: PAGEREF_FROZEN_BIT,
                    seen,
                },
            );
            if r.is_ok() {
                break;
            }
            v = seen;
        }
    }
}

impl<A: Atom32, const V: u8> RefScheme for FrozenBit<A, V> {
    type Atomic = A;
    const NAME: &'static str = match V {
        variant::SERIES => "series",
        variant::CASPUT => "series+casput",
        variant::UNDO_ON_FAIL => "broken:undo-on-fail",
        variant::NO_FREEZE_CAS => "broken:no-freeze-cas",
        variant::RESET_STORE => "broken:reset-store",
        variant::UNFREEZE_BY_ADD => "broken:unfreeze-add",
        variant::CAS_GET => "series@patch2",
        _ => panic!("unknown FrozenBit variant"),
    };
    const ZERO_TRANSIENT: bool = true;
    const FREE_VALUE: u32 = PAGEREF_FROZEN_BIT;
    const NEAR_LIMIT_FROZEN: u32 = PAGEREF_SATURATED - 1;

    fn from_raw(v: u32) -> Self {
        Self { rc: A::new(v) }
    }
    fn raw(&self) -> u32 {
        self.rc.load(SeqCst)
    }
    fn is_owned_value(v: u32) -> bool {
        v != 0 && v & PAGEREF_FROZEN_BIT == 0
    }
    fn is_free_value(v: u32) -> bool {
        v & PAGEREF_FROZEN_BIT != 0
    }

    /// C: `page_ref_add_unless_frozen()`: `v = atomic_add_return(nr)`;
    /// success iff `v > 0` as a signed int (bit 31 clear and not 0). A
    /// failure never decrements; a frozen `v >= PAGEREF_SATURATED` calls
    /// `page_ref_reset_frozen(page, v)`.
    /// `series@patch2` (the tree after patch 2 of 7): the cmpxchg loop
    /// `page_ref_add_unless_zero()` still has there, refusing any `old <= 0`.
    #[inline(always)]
    fn try_get_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        if V == variant::CAS_GET {
            let c_name = "page_ref_add_unless_zero (patch 2)";
            let mut old = self.rc.load(Relaxed);
            p.step(Op::TryGet, c_name, Step::Load { val: old });
            loop {
                if old as i32 <= 0 {
                    return false;
                }
                let new = old.wrapping_add(nr);
                match traced_cas(&self.rc, p, Op::TryGet, c_name, old, new) {
                    Ok(()) => return true,
                    Err(seen) => old = seen,
                }
            }
        }
        let old = self.rc.fetch_add(nr, SeqCst);
        let v = old.wrapping_add(nr);
        p.step(
            Op::TryGet,
            "page_ref_add_unless_frozen",
            Step::Rmw { old, new: v },
        );
        if v as i32 > 0 {
            return true;
        }
        if V == variant::UNDO_ON_FAIL {
            let o = self.rc.fetch_sub(nr, SeqCst);
            let step = Step::Rmw {
                old: o,
                new: o.wrapping_sub(nr),
            };
            p.step(Op::Undo, "page_ref_add_unless_frozen (broken: undo)", step);
            return false;
        }
        if v & PAGEREF_FROZEN_BIT != 0 && v >= PAGEREF_SATURATED {
            self.reset_frozen(v, p);
        }
        false
    }

    /// C: `page_ref_sub_and_test()` / `page_ref_dec_and_test()` /
    /// `folio_put_testzero()`: `atomic_sub_return(nr)`; when it reaches 0,
    /// `atomic_cmpxchg(0 -> FROZEN)` and only the winner frees.
    /// `series+casput`: a `try_cmpxchg` loop from the current value to
    /// `old - nr`, or to `FROZEN` when `old == nr`, so 0 is never stored.
    #[inline(always)]
    fn put_probed<P: Probe>(&self, nr: u32, p: &P) -> bool {
        if V == variant::CASPUT {
            let c_name = "page_ref_sub_and_test (casput)";
            let mut old = self.rc.load(Relaxed);
            p.step(Op::Put, c_name, Step::Load { val: old });
            loop {
                let new = if old == nr {
                    PAGEREF_FROZEN_BIT
                } else {
                    old.wrapping_sub(nr)
                };
                match traced_cas(&self.rc, p, Op::Put, c_name, old, new) {
                    Ok(()) => {
                        p.step(Op::Put, c_name, Step::Released { nr });
                        return new == PAGEREF_FROZEN_BIT;
                    }
                    Err(seen) => old = seen,
                }
            }
        }
        let c_name = "page_ref_sub_and_test";
        let old = self.rc.fetch_sub(nr, SeqCst);
        let new = old.wrapping_sub(nr);
        p.step(Op::Put, c_name, Step::Rmw { old, new });
        p.step(Op::Put, c_name, Step::Released { nr });
        if new != 0 {
            return false;
        }
        p.step(Op::Put, c_name, Step::WindowOpen);
        if V == variant::NO_FREEZE_CAS {
            self.rc.store(PAGEREF_FROZEN_BIT, Relaxed);
            let step = Step::Store {
                val: PAGEREF_FROZEN_BIT,
            };
            p.step(Op::Put, "page_ref_sub_and_test (broken: no CAS)", step);
            p.step(Op::Put, c_name, Step::WindowClose);
            return true;
        }
        let r = self
            .rc
            .compare_exchange(0, PAGEREF_FROZEN_BIT, SeqCst, Relaxed);
        let seen = r.unwrap_or_else(|s| s);
        p.step(
            Op::Put,
            c_name,
            Step::Cas {
                expect: 0,
                new: PAGEREF_FROZEN_BIT,
                seen,
            },
        );
        p.step(Op::Put, c_name, Step::WindowClose);
        r.is_ok()
    }

    /// C: `page_ref_freeze()` = `atomic_cmpxchg(count -> FROZEN)`.
    #[inline(always)]
    fn freeze_probed<P: Probe>(&self, count: u32, p: &P) -> bool {
        let r = self
            .rc
            .compare_exchange(count, PAGEREF_FROZEN_BIT, SeqCst, Relaxed);
        let seen = r.unwrap_or_else(|s| s);
        let step = Step::Cas {
            expect: count,
            new: PAGEREF_FROZEN_BIT,
            seen,
        };
        p.step(Op::Freeze, "page_ref_freeze", step);
        r.is_ok()
    }

    /// C: `page_ref_unfreeze()` = `atomic_set_release(count)`, overwriting
    /// `FROZEN + k` (the debug build warns if bit 31 was clear).
    #[inline(always)]
    fn unfreeze_probed<P: Probe>(&self, count: u32, p: &P) {
        if V == variant::UNFREEZE_BY_ADD {
            let old = self.rc.fetch_add(count, SeqCst);
            let step = Step::Rmw {
                old,
                new: old.wrapping_add(count),
            };
            p.step(Op::Unfreeze, "page_ref_unfreeze (broken: add)", step);
            return;
        }
        self.rc.store(count, Release);
        p.step(
            Op::Unfreeze,
            "page_ref_unfreeze",
            Step::Store { val: count },
        );
    }

    /// C: `set_page_refcounted()` / `init_page_count()` = `atomic_set(1)`
    /// over `FROZEN + k`: the only frozen -> owned transition besides unfreeze.
    #[inline(always)]
    fn alloc_init_probed<P: Probe>(&self, p: &P) {
        self.rc.store(1, Relaxed);
        p.step(Op::AllocInit, "set_page_refcounted", Step::Store { val: 1 });
    }

    /// C: `page_ref_count()`: 0 for any frozen value.
    #[inline(always)]
    fn count_probed<P: Probe>(&self, p: &P) -> u32 {
        let v = self.rc.load(Relaxed);
        p.step(Op::Count, "page_ref_count", Step::Load { val: v });
        if v & PAGEREF_FROZEN_BIT != 0 {
            0
        } else {
            v
        }
    }

    /// C: `page_ref_add()` = `atomic_add()`; owned pages only.
    #[inline(always)]
    fn add_probed<P: Probe>(&self, nr: u32, p: &P) {
        let old = self.rc.fetch_add(nr, Relaxed);
        p.step(
            Op::Add,
            "page_ref_add",
            Step::Rmw {
                old,
                new: old.wrapping_add(nr),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom::StdAtomic;

    type S = Series<StdAtomic>;
    type M = Mainline<StdAtomic>;
    type C = SeriesCasPut<StdAtomic>;
    type A1 = AssumeOne<StdAtomic>;

    #[test]
    fn series_sequential() {
        let s = S::from_raw(PAGEREF_FROZEN_BIT);
        assert_eq!(s.count(), 0);
        assert!(!s.try_get(1), "get on a free page fails");
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT + 1, "and leaves a stray add");
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
    }

    #[test]
    fn series_reset_at_limit() {
        let s = S::from_raw(PAGEREF_SATURATED - 2);
        assert!(!s.try_get(1));
        assert_eq!(s.raw(), PAGEREF_SATURATED - 1, "below the limit: no reset");
        assert!(!s.try_get(1));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT, "at the limit: reset to FROZEN");
    }

    #[test]
    fn patch2_get_refuses_zero_and_frozen() {
        let s = SeriesPatch2::<StdAtomic>::from_raw(0);
        assert!(
            !s.try_get(1),
            "the cmpxchg-loop get refuses the transient 0"
        );
        assert_eq!(s.raw(), 0);
        let s = SeriesPatch2::<StdAtomic>::from_raw(PAGEREF_FROZEN_BIT);
        assert!(!s.try_get(1));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT, "and writes nothing on failure");
        s.alloc_init();
        assert!(s.try_get(1));
        assert_eq!(s.count(), 2);
    }

    #[test]
    fn series_get_succeeds_on_transient_zero() {
        let s = S::from_raw(0);
        assert!(s.try_get(1), "patch 4's get succeeds at the transient 0");
        assert_eq!(s.raw(), 1);
    }

    #[test]
    fn casput_never_stores_zero() {
        let s = C::from_raw(2);
        assert!(!s.put(1));
        assert_eq!(s.raw(), 1);
        assert!(s.put(1));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
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
            assert!(s.put(1));
            assert_eq!(s.raw(), 0);
        }
        run::<M>();
        run::<A1>();
    }

    #[test]
    fn names() {
        assert_eq!(S::NAME, "series");
        assert_eq!(C::NAME, "series+casput");
        assert_eq!(M::NAME, "mainline");
        assert_eq!(A1::NAME, "assume-1");
        assert_eq!(UndoOnFail::<StdAtomic>::NAME, "broken:undo-on-fail");
    }
}
