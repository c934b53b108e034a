//! The parts a frozen-bit scheme is made of: one trait per concern, one
//! type per shape, one file per group of concerns. Each type's comment
//! names its C twin.
//!
//! * [`get`](self::get): speculative gets and the overflow reset of the
//!   stray adds they leave;
//! * [`put`](self::put): final puts, generic and caller-context, and where
//!   their read-side sections start;
//! * [`freeze`](self::freeze): leaving the frozen state (unfreeze, thaw)
//!   and what a struct page built from zeroed memory holds;
//! * [`guard`](self::guard): the tests callers make on the count without
//!   owning it (GUP-fast's overflow guard, fsdax's idle test), and slow
//!   GUP's add of the references it takes for user space.
//!
//! [`InRcu`] runs a get or a put inside an RCU read-side critical section
//! (v8).

use crate::atom::Atom32;
use crate::probe::Probe;
use std::marker::PhantomData;

mod freeze;
mod get;
mod guard;
mod put;

pub use freeze::*;
pub use get::*;
pub use guard::*;
pub use put::*;

/// How a speculative get is done.
pub trait Get {
    /// The function this shape implements, for traces.
    const C_NAME: &'static str;
    /// Whether the get reads the word before it writes anything (v7 on):
    /// then [`Get::try_get`] is that read followed by
    /// [`Get::try_get_in_flight`].
    const READS_FIRST: bool = true;
    /// Take `nr` references unless the page is frozen; `R` resets stray
    /// adds that reached the limit. `max_racy_add` is
    /// `PAGEREF_MAX_RACY_ADD` of the tree (it depends on `NR_CPUS`).
    #[inline(always)]
    fn try_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, max_racy_add: u32, p: &P) -> bool {
        let seen = if Self::READS_FIRST {
            get::read_first(rc, p, Self::C_NAME)
        } else {
            0
        };
        Self::try_get_in_flight::<A, P, R>(rc, nr, seen, max_racy_add, p)
    }
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
    /// True where the tree has no reset because its strays are bounded
    /// per CPU and context (v8: each get reads and adds with preemption
    /// disabled): a frozen page then carries at most
    /// `NR_CPUS * PAGEREF_MAX_RACY_ADD` (2^29) of GUP-fast strays and
    /// `4 * NR_CPUS` single ones, and the overflow scenario starts there
    /// rather than at `PAGEREF_SATURATED - 1`, which such a tree cannot
    /// reach.
    const BOUNDED_PER_CPU: bool = false;
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

/// How slow GUP (`try_grab_folio()` with `FOLL_GET` or `FOLL_PIN`) takes
/// references for user space on a page whose caller holds a reference
/// (the page table's, under its lock).
pub trait Grab {
    /// The count at or past which this shape's check refuses: a
    /// successful add that starts there passed a check that was stale.
    const LIMIT: u32;
    /// Take `nr` references; false when refused.
    fn grab<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool;
}

/// How fsdax decides, without a reference, that nobody uses a page.
pub trait Idle {
    /// Read the word; true when the page counts as idle.
    fn is_idle<A: Atom32, P: Probe>(rc: &A, p: &P) -> bool;
}

/// What a struct page built from zeroed memory holds.
pub trait ZeroedInit {
    /// Its `_refcount` word.
    const VALUE: u32;
}

/// A get or a put run whole inside an RCU read-side critical section.
/// v8's C uses `preempt_disable()` .. `preempt_enable()`, which
/// `synchronize_rcu()` waits for as it waits for `rcu_read_lock()`.
pub struct InRcu<T>(PhantomData<T>);

impl<G: Get> Get for InRcu<G> {
    const C_NAME: &'static str = G::C_NAME;
    #[inline(always)]
    fn try_get<A: Atom32, P: Probe, R: Reset>(rc: &A, nr: u32, mra: u32, p: &P) -> bool {
        in_rcu(p, || G::try_get::<A, P, R>(rc, nr, mra, p))
    }
    #[inline(always)]
    fn try_get_in_flight<A: Atom32, P: Probe, R: Reset>(
        rc: &A,
        nr: u32,
        seen: u32,
        mra: u32,
        p: &P,
    ) -> bool {
        in_rcu(p, || G::try_get_in_flight::<A, P, R>(rc, nr, seen, mra, p))
    }
}

impl<T: Put> Put for InRcu<T> {
    const C_NAME: &'static str = T::C_NAME;
    #[inline(always)]
    fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
        in_rcu(p, || T::put(rc, nr, p))
    }
}

/// `rcu_read_lock()` (v8: `preempt_disable()`), `f`, `rcu_read_unlock()`.
#[inline(always)]
pub(crate) fn in_rcu<P: Probe, T>(p: &P, f: impl FnOnce() -> T) -> T {
    p.rcu_read_lock();
    let r = f();
    p.rcu_read_unlock();
    r
}
