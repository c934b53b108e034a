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
//! Under loom a store is a store. loom 0.7.2 as published lets a plain
//! store land between the read and the write of a concurrent
//! read-modify-write on the same word (upstream issue tokio-rs/loom#254),
//! which produces executions that C11 and every CPU forbid; this workspace
//! builds a copy of loom with that fixed (`rust-bindings/vendor/loom`,
//! `PAGEREF-PATCH.md` there). Until 2026-12-06 the model performed stores
//! as exchanges instead, which continue release sequences where the
//! kernel's `atomic_set()` and `atomic_set_release()` do not.

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
impl_atom32!(LoomAtomic, store);
