//! Observation hooks.
//!
//! Each scheme reports every access it makes to the counter to a [`Probe`].
//! The benchmarks pass [`NoProbe`], whose methods are empty and vanish after
//! inlining; the model checker passes a probe that appends the access to the
//! execution's trace and checks the step invariants (see
//! [`crate::world`]).

use crate::consts::{INT_MAX, PAGEREF_FROZEN_BIT, PAGEREF_OWNED_LIMIT, PAGEREF_SATURATED};
use std::fmt;

/// Which API function an access belongs to (the C function is named in
/// [`Step`]'s `c_name` argument of [`Probe::step`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Speculative get (`folio_try_get()` and friends).
    TryGet,
    /// The broken "undo-on-fail" variant's decrement after a failed get.
    Undo,
    /// `page_ref_reset_frozen()`: bring stray adds back to `FROZEN`.
    Reset,
    /// A final put: `folio_put_testzero()` / `page_ref_sub_and_test()`
    /// (generic) or `page_ref_sub_and_freeze()` (caller context).
    Put,
    /// `page_ref_freeze()`.
    Freeze,
    /// `page_ref_unfreeze()`.
    Unfreeze,
    /// `set_page_refcounted()` / `init_page_count()`.
    AllocInit,
    /// `page_ref_count()`.
    Count,
    /// `page_ref_add()` on an owned page.
    Add,
    /// `page_ref_inc_or_thaw()` (mainline: fsdax's `folio_ref_inc()`).
    Thaw,
    /// `set_page_count_as_frozen()` on a free page that is handed out as a
    /// tail page (`prep_compound_tail()`), e.g. of a HugeTLB folio.
    SetFrozen,
    /// `page_ref_is_frozen()`.
    IsFrozen,
    /// Slow GUP's add of the references it takes for user space
    /// (`try_grab_folio()`: v8's `folio_ref_add_bounded()`, before it a
    /// check of the count and a `folio_ref_add()`), on a page whose caller
    /// holds a reference.
    Grab,
    /// `__init_single_page()`: memory online re-initialises the struct
    /// page of an offlined page (`mm_zero_struct_page()`, then
    /// `init_page_count()`).
    InitStructPage,
}

/// One access to the counter, with the values it saw and wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// A plain read.
    Load { val: u32 },
    /// A plain write.
    Store { val: u32 },
    /// `atomic_add_return`/`atomic_sub_return`: the value before and after.
    Rmw { old: u32, new: u32 },
    /// `atomic_cmpxchg(expect -> new)`; it succeeded iff `seen == expect`.
    Cas { expect: u32, new: u32, seen: u32 },
    /// A put's decrement reached exactly 0: the dec-and-test window opens.
    WindowOpen,
    /// The put's CAS `0 -> FROZEN` has run (won or lost): the window closes.
    WindowClose,
    /// The caller's references stopped counting here (the put's
    /// linearisation point: its decrement, or its successful CAS).
    Released { nr: u32 },
    /// `CONFIG_DEBUG_VM`: the put's read found `seen` (frozen, or fewer
    /// references than it drops); it warns (`VM_WARN_ON_ONCE_PAGE`) and
    /// returns without writing.
    Refused { seen: u32 },
    /// `CONFIG_DEBUG_VM` (v8): a failed get's add returned `seen`, which
    /// is at or past `PAGEREF_SATURATED` (or 0, the wrap), or whose old
    /// value was owned (an owned count carried into the frozen bit); it
    /// warns (`VM_WARN_ON_ONCE_PAGE`) and goes on.
    Warned { seen: u32, nr: u32 },
}

/// Receives the accesses of one thread, and stands for the kernel
/// services a scheme calls besides its atomics: RCU's read side, and
/// `cpu_relax()` in a wait.
pub trait Probe {
    /// Called right after each access, before any other access of the thread.
    #[inline(always)]
    fn step(&self, _op: Op, _c_name: &'static str, _step: Step) {}
    /// `rcu_read_lock()`: enter an RCU read-side critical section (sections
    /// nest). The model checker's world records it where a grace period can
    /// wait for it; the benchmarks' [`NoProbe`] does nothing, as
    /// `rcu_read_lock()` is a compiler barrier (`preempt_disable()`) on the
    /// non-preemptible kernels the benchmark stands for.
    #[inline(always)]
    fn rcu_read_lock(&self) {}
    /// `rcu_read_unlock()`: leave the innermost RCU read-side section.
    #[inline(always)]
    fn rcu_read_unlock(&self) {}
    /// `cpu_relax()` in a loop that waits for another CPU to change the
    /// word (v8's `page_ref_inc_or_thaw()` while the count reads 0). The
    /// benchmarks' [`NoProbe`] spins (`std::hint::spin_loop()`); the model
    /// checker's world yields to the other threads
    /// (`loom::thread::yield_now()`, without which loom would explore the
    /// loop forever) and reports a wait that nothing can end.
    #[inline(always)]
    fn cpu_relax(&self) {
        std::hint::spin_loop();
    }
}

/// The probe that observes nothing (benchmarks).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProbe;

impl Probe for NoProbe {}

/// Formats a counter value the way the documentation writes it.
pub struct Hex(pub u32);

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        let frozen = PAGEREF_FROZEN_BIT;
        if v >= frozen && v - frozen < 0x1000 {
            if v == frozen {
                write!(f, "FROZEN")
            } else {
                write!(f, "FROZEN+{}", v - frozen)
            }
        } else if (PAGEREF_SATURATED - 0x1000..PAGEREF_SATURATED + 0x1000).contains(&v) {
            let d = i64::from(v) - i64::from(PAGEREF_SATURATED);
            if d == 0 {
                write!(f, "SATURATED")
            } else {
                write!(f, "SATURATED{d:+}")
            }
        } else if (INT_MAX - 0x100000..=INT_MAX).contains(&v) {
            if v == INT_MAX {
                write!(f, "INT_MAX")
            } else {
                write!(f, "INT_MAX-{}", INT_MAX - v)
            }
        } else if (PAGEREF_OWNED_LIMIT - 0x100000..=PAGEREF_OWNED_LIMIT).contains(&v) {
            if v == PAGEREF_OWNED_LIMIT {
                write!(f, "OWNED_LIMIT")
            } else {
                write!(f, "OWNED_LIMIT-{}", PAGEREF_OWNED_LIMIT - v)
            }
        } else if v < 0x100000 {
            write!(f, "{v}")
        } else {
            write!(f, "{v:#x}")
        }
    }
}
