//! The pluggable atomic backend.
//!
//! Every scheme in [`crate::scheme`] is generic over [`Atom32`], a 32-bit
//! atomic word with the handful of operations the kernel's `atomic_t` API
//! offers. Two backends implement it:
//!
//! * [`std::sync::atomic::AtomicU32`] ([`StdAtomic`]): the real hardware
//!   instructions, used by the host benchmarks (`lock xadd`, `lock cmpxchg`
//!   on x86);
//! * [`loom::sync::atomic::AtomicU32`] ([`LoomAtomic`]): loom's model of the
//!   C11 memory model, used by the exhaustive checker in [`crate::world`].
//!
//! Because the backend is a type parameter rather than a `cfg`, one build
//! holds both: `cargo test` runs the loom suite and `cargo bench --bench
//! pageref-bench` measures the same scheme code on real atomics, with no
//! special `RUSTFLAGS`.
//!
//! Orderings follow the kernel: value-returning RMW operations
//! (`atomic_add_return`, `atomic_sub_return`, `atomic_cmpxchg` on success)
//! are fully ordered ([`SeqCst`](Ordering::SeqCst)); a failed cmpxchg and
//! `atomic_read` are unordered ([`Relaxed`](Ordering::Relaxed));
//! `atomic_set_release` is a [`Release`](Ordering::Release) store and
//! `atomic_set` a relaxed one.
//!
//! One deviation, in the loom backend only: [`Atom32::store`] is performed
//! as `swap` (an exchange whose old value is dropped). loom 0.7.2 lets a
//! plain store land between the read and the write of a concurrent
//! read-modify-write on the same word (upstream issue tokio-rs/loom#254,
//! fix proposed in PR #391, unreleased), which produces executions that
//! C11 and every CPU forbid: here, an unfreeze's `atomic_set_release(1)`
//! followed by the same thread's decrement reading a stray add made
//! *before* the store. An exchange writes the same value at the same place
//! in the modification order and is a read-modify-write, so loom keeps the
//! word's modification order total. The only semantic difference is that
//! an exchange continues release sequences where a store would end them;
//! this model checks values (who frees, who holds what), not the ordering
//! of page payload, so that difference cannot hide a counterexample it
//! looks for.

use std::sync::atomic::Ordering;

/// The hardware backend.
pub type StdAtomic = std::sync::atomic::AtomicU32;
/// The model-checking backend.
pub type LoomAtomic = loom::sync::atomic::AtomicU32;

/// A 32-bit atomic word (the kernel's `atomic_t`, seen as unsigned).
pub trait Atom32: Send + Sync + 'static {
    /// `ATOMIC_INIT(v)`.
    fn new(v: u32) -> Self;
    /// `atomic_read()` / `atomic_read_acquire()`.
    fn load(&self, order: Ordering) -> u32;
    /// `atomic_set()` / `atomic_set_release()`.
    fn store(&self, v: u32, order: Ordering);
    /// `atomic_fetch_add()`: returns the old value, wrapping.
    fn fetch_add(&self, v: u32, order: Ordering) -> u32;
    /// `atomic_fetch_sub()`: returns the old value, wrapping.
    fn fetch_sub(&self, v: u32, order: Ordering) -> u32;
    /// `atomic_cmpxchg()`: `Ok(old)` when it swapped, `Err(seen)` otherwise.
    fn compare_exchange(
        &self,
        current: u32,
        new: u32,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u32, u32>;
}

macro_rules! impl_atom32 {
    (@store $s:ident, $v:ident, $o:ident) => {
        $s.store($v, $o)
    };
    (@swap $s:ident, $v:ident, $o:ident) => {{
        let _ = $s.swap($v, $o);
    }};
    ($t:ty, $store:ident) => {
        impl Atom32 for $t {
            #[inline(always)]
            fn new(v: u32) -> Self {
                <$t>::new(v)
            }
            #[inline(always)]
            fn load(&self, order: Ordering) -> u32 {
                <$t>::load(self, order)
            }
            #[inline(always)]
            fn store(&self, v: u32, order: Ordering) {
                impl_atom32!(@$store self, v, order)
            }
            #[inline(always)]
            fn fetch_add(&self, v: u32, order: Ordering) -> u32 {
                <$t>::fetch_add(self, v, order)
            }
            #[inline(always)]
            fn fetch_sub(&self, v: u32, order: Ordering) -> u32 {
                <$t>::fetch_sub(self, v, order)
            }
            #[inline(always)]
            fn compare_exchange(
                &self,
                current: u32,
                new: u32,
                success: Ordering,
                failure: Ordering,
            ) -> Result<u32, u32> {
                <$t>::compare_exchange(self, current, new, success, failure)
            }
        }
    };
}

impl_atom32!(StdAtomic, store);
// See the module documentation: under loom a store is an exchange.
impl_atom32!(LoomAtomic, swap);
