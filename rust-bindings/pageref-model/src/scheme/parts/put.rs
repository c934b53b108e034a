//! Final puts, generic and caller-context, and where the read-side section
//! of a put's slow path starts (v8).

use super::{in_rcu, InRcu, Put};
use crate::atom::Atom32;
use crate::consts::{value_frozen, PAGEREF_FROZEN_BIT};
use crate::probe::{Op, Probe, Step};
use crate::scheme::traced::{traced_cas, traced_read, traced_store, traced_sub};
use std::marker::PhantomData;

/// The subtract of every put shape but (d): `atomic_sub_return(nr)`, after
/// which the caller's references no longer count. Returns the new value.
#[inline(always)]
fn sub<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P, c_name: &'static str) -> u32 {
    let new = traced_sub(rc, p, Op::Put, c_name, nr);
    p.step(Op::Put, c_name, Step::Released { nr });
    new
}

/// The subtract reached 0: the dec-and-test window opens. Reported right
/// after the subtract, with no other atomic operation in between (the
/// model's ghost state must see the window from the subtract on).
#[inline(always)]
fn open_window<P: Probe>(p: &P, c_name: &'static str) {
    p.step(Op::Put, c_name, Step::WindowOpen);
}

/// The end of the slow path, once the subtract reached 0 and the window
/// opened: `atomic_try_cmpxchg(0 -> FROZEN)` (`page_ref_freeze_zero()`);
/// only the winner frees.
#[inline(always)]
fn freeze_zero<A: Atom32, P: Probe>(rc: &A, p: &P, c_name: &'static str) -> bool {
    let won = traced_cas(rc, p, Op::Put, c_name, 0, PAGEREF_FROZEN_BIT).is_ok();
    p.step(Op::Put, c_name, Step::WindowClose);
    won
}

/// Where a put's slow path (the subtract, then at 0 the
/// `cmpxchg(0 -> FROZEN)`) runs with respect to an RCU read-side section.
pub trait SlowPath {
    /// Run the slow path for `nr`; true when this caller froze the page.
    fn sub_then_cas<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P, c_name: &'static str) -> bool;
}

/// No section (v6, v7).
pub struct Bare;
impl SlowPath for Bare {
    #[inline(always)]
    fn sub_then_cas<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P, c_name: &'static str) -> bool {
        if sub(rc, nr, p, c_name) != 0 {
            return false;
        }
        open_window(p, c_name);
        freeze_zero(rc, p, c_name)
    }
}

/// C (v8): the subtract and the cmpxchg in one section
/// (`preempt_disable()` before the subtract): a grace period that starts
/// after the subtract waits for the cmpxchg.
pub struct SectionFromSub;
impl SlowPath for SectionFromSub {
    #[inline(always)]
    fn sub_then_cas<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P, c_name: &'static str) -> bool {
        in_rcu(p, || Bare::sub_then_cas(rc, nr, p, c_name))
    }
}

/// Broken: the section starts after the subtract, around the cmpxchg
/// only. The subtract dropped the caller's references before the section
/// began, so a grace period can start and end in between, and the
/// cmpxchg runs after the struct page went read-only or away.
pub struct SectionAfterSub;
impl SlowPath for SectionAfterSub {
    #[inline(always)]
    fn sub_then_cas<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P, c_name: &'static str) -> bool {
        let zero = sub(rc, nr, p, c_name) == 0;
        if zero {
            open_window(p, c_name);
        }
        in_rcu(p, || zero && freeze_zero(rc, p, c_name))
    }
}

/// Final put shape (a), v6's `page_ref_sub_and_test()`:
/// `atomic_sub_and_test(nr) && page_ref_freeze_zero()`. Between the two
/// the word is 0: the dec-and-test window.
pub struct SubThenCas;
impl Put for SubThenCas {
    const C_NAME: &'static str = "page_ref_sub_and_test";
    #[inline(always)]
    fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
        Bare::sub_then_cas(rc, nr, p, Self::C_NAME)
    }
}

/// C (v8, patches 8 to 13): the generic put (a) inside a read-side
/// section, whole (its subtract is its first access).
pub type RcuSubThenCas = InRcu<SubThenCas>;

/// The fast path of shapes (b) and (c): `atomic_try_cmpxchg(nr -> FROZEN)`;
/// true when it froze the page.
#[inline(always)]
fn cas_own<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P, c_name: &'static str) -> bool {
    let won = traced_cas(rc, p, Op::Put, c_name, nr, PAGEREF_FROZEN_BIT).is_ok();
    if won {
        p.step(Op::Put, c_name, Step::Released { nr });
    }
    won
}

/// Final put shape (b), "assume own": `atomic_try_cmpxchg(nr -> FROZEN)`
/// with no read first; when it fails, shape (a).
pub struct AssumeOwn;
impl Put for AssumeOwn {
    const C_NAME: &'static str = "page_ref_sub_and_test (assume own)";
    #[inline(always)]
    fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
        cas_own(rc, nr, p, Self::C_NAME) || Bare::sub_then_cas(rc, nr, p, Self::C_NAME)
    }
}

/// Final put shape (c), the generic `page_ref_sub_and_test()` of v7 and
/// v8: `old = atomic_read()`; if `old == nr`,
/// `atomic_try_cmpxchg(&v, &old, PAGEREF_FROZEN)` and true on success;
/// otherwise (or when that cmpxchg fails) the slow path `S`: the subtract
/// and, at 0, the `cmpxchg(0 -> FROZEN)`.
///
/// * `S` = [`Bare`]: v7;
/// * `S` = [`SectionFromSub`]: v8 (patch 14 on). The fast path runs while
///   the caller's references still count, so the page cannot be freed
///   under it; after the subtract they no longer do, and the read-side
///   section keeps the struct page writable (and present) until the
///   cmpxchg has run, whoever frees the page meanwhile;
/// * `DEBUG_VM` (v8 built with `CONFIG_DEBUG_VM`): a put whose read finds
///   the page frozen, or fewer than `nr` references, warns
///   (`VM_WARN_ON_ONCE_PAGE`) and returns 0 without writing.
pub struct ReadThenCas<S = Bare, const DEBUG_VM: bool = false>(PhantomData<S>);
impl<S: SlowPath, const DEBUG_VM: bool> Put for ReadThenCas<S, DEBUG_VM> {
    const C_NAME: &'static str = "page_ref_sub_and_test";
    #[inline(always)]
    fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
        let old = traced_read(rc, p, Op::Put, Self::C_NAME);
        if DEBUG_VM && (value_frozen(old) || old < nr) {
            p.step(Op::Put, Self::C_NAME, Step::Refused { seen: old });
            return false;
        }
        if old == nr && cas_own(rc, nr, p, Self::C_NAME) {
            return true;
        }
        S::sub_then_cas(rc, nr, p, Self::C_NAME)
    }
}

/// v8's generic put.
pub type RcuReadThenCas = ReadThenCas<SectionFromSub>;
/// v8's generic put built with `CONFIG_DEBUG_VM`.
pub type RcuReadThenCasDebugVm = ReadThenCas<SectionFromSub, true>;

/// Final put shape (d), v7's caller-context `page_ref_sub_and_freeze()`:
/// `old = atomic_read()` (relaxed); loop `new = old == nr ?
/// PAGEREF_FROZEN : old - nr; atomic_try_cmpxchg(&v, &old, new)` until it
/// succeeds; true iff it stored `FROZEN`. It never stores 0. (Until
/// 2026-11-29 22:15 UTC it started from `old = nr` without the read; the
/// C changed because `page_frag_free()` mostly drops one reference of
/// many, which then paid a failed cmpxchg first.) `DEBUG_VM` (v8 built
/// with `CONFIG_DEBUG_VM`): each attempt first refuses, without writing, a
/// value that is frozen or below `nr`, as v8's generic put does.
pub struct CasLoopFreeze<const DEBUG_VM: bool = false>;
impl<const DEBUG_VM: bool> Put for CasLoopFreeze<DEBUG_VM> {
    const C_NAME: &'static str = "page_ref_sub_and_freeze";
    #[inline(always)]
    fn put<A: Atom32, P: Probe>(rc: &A, nr: u32, p: &P) -> bool {
        let mut old = traced_read(rc, p, Op::Put, Self::C_NAME);
        loop {
            if DEBUG_VM && (value_frozen(old) || old < nr) {
                p.step(Op::Put, Self::C_NAME, Step::Refused { seen: old });
                return false;
            }
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
        if sub(rc, nr, p, Self::C_NAME) != 0 {
            return false;
        }
        open_window(p, Self::C_NAME);
        traced_store(rc, p, Op::Put, Self::C_NAME, PAGEREF_FROZEN_BIT);
        p.step(Op::Put, Self::C_NAME, Step::WindowClose);
        true
    }
}
