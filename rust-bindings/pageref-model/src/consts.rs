//! The constants of `include/linux/page_ref.h` and of the callers the model
//! stands for, as the model uses them.
//!
//! Both the schemes ([`crate::scheme`]) and the probes that print their
//! accesses ([`crate::probe`]) need them, so they live here, below both.

/// `PAGEREF_FROZEN_BIT`: bit 31 of `_refcount`; set = frozen or free.
pub const PAGEREF_FROZEN_BIT: u32 = 1 << 31;
/// `PAGEREF_SATURATED` (`PAGEREF_FROZEN + (1 << 30)`, 0xC0000000): the
/// frozen values that stray adds must stay below. In v6 and v7 a failed
/// get whose result is frozen and at or above it (as the C code compares
/// it, signed: -2^30 and up) resets the stray adds back to
/// `PAGEREF_FROZEN` (`page_ref_reset_frozen()`); v8 has no reset (its
/// strays stay below 2^29 + `4 * NR_CPUS` for every `NR_CPUS`), and under
/// `CONFIG_DEBUG_VM` such a get warns (`Step::Warned`).
pub const PAGEREF_SATURATED: u32 = PAGEREF_FROZEN_BIT + (1 << 30);
/// `PAGEREF_OWNED_LIMIT` (`1 << 30`; v7 patch 3, v8 patch 5): GUP-fast
/// refuses a get when `page_ref_count() >= PAGEREF_OWNED_LIMIT`, leaving
/// 2^30 of headroom for adds that race past the check (one per CPU and
/// context). Slow GUP: v7 checks the same before its add, so any number of
/// preempted tasks pass it together; v8 checks and adds in one cmpxchg
/// (`folio_ref_add_bounded()`) that refuses to reach the limit, and so does
/// v8's large-add loop of the get.
pub const PAGEREF_OWNED_LIMIT: u32 = 1 << 30;
/// `NR_CPUS` as the model assumes it for `PAGEREF_MAX_RACY_ADD`: 64, the
/// project's lean config (`CONFIG_NR_CPUS=64`). The rows
/// `series-8192cpus`, `series-v8-8192cpus` (`MAXSMP`) and `series-v8-2cpus`
/// set their own.
pub const NR_CPUS: u32 = 64;
/// `PAGEREF_MAX_RACY_ADD` (v7 and v8, `(1 << 29) / NR_CPUS` = 2^23 with
/// [`NR_CPUS`] = 64): the largest `nr` that the get adds unconditionally
/// after reading the page owned. With at most `NR_CPUS` such adds in flight
/// (v8: one per CPU, as GUP-fast runs with interrupts off and the get with
/// preemption disabled) they land at most 2^29 on a page frozen after their
/// read, below the 2^30 between `PAGEREF_FROZEN` and `PAGEREF_SATURATED`;
/// bigger gets take a cmpxchg loop that never writes to a frozen page (and
/// in v8 refuses to reach `PAGEREF_OWNED_LIMIT`).
pub const PAGEREF_MAX_RACY_ADD: u32 = max_racy_add(NR_CPUS);
/// `INT_MAX`: the largest owned count; one more reads as frozen.
pub const INT_MAX: u32 = i32::MAX as u32;
/// `USHRT_MAX`: the bias of the Intel drivers, and of gve from v7 on.
pub const USHRT_MAX: u32 = u16::MAX as u32;
/// The most references one GUP-fast get takes: `gup_fast_pud_leaf()` on a
/// 1 GiB folio records `PUD_SIZE / PAGE_SIZE` = 2^18 pages and passes them
/// to `try_grab_folio_fast()` as one `refs`.
pub const GUP_MAX_REFS: u32 = 1 << 18;

/// `PAGEREF_MAX_RACY_ADD` of a tree built with `CONFIG_NR_CPUS=nr_cpus`.
pub const fn max_racy_add(nr_cpus: u32) -> u32 {
    (1 << 29) / nr_cpus
}

/// Whether `v` has the frozen bit. C: `page_ref_value_frozen()`.
#[inline(always)]
pub fn value_frozen(v: u32) -> bool {
    v & PAGEREF_FROZEN_BIT != 0
}
