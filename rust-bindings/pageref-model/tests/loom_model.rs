//! The loom suite: every scheme against every scenario, with the expected
//! verdicts written down. Correct schemes must hold; the broken variants
//! and the series v6 (in the R9 ABA scenarios, on zeroed struct pages and
//! near `INT_MAX`), v7 (R16, R17, slow GUP near the owned limit) and both
//! in poison-thaw (their thaw takes a final put's transient 0) must
//! produce a counterexample, and the kind of violation is checked. So must
//! v8 from its patch 10 in poison-thaw-walker: a speculative get revives
//! the transient 0, and memory-failure keeps the page with its state (the
//! known residual of v8's waiting thaw, which mainline shares when the
//! get lands before the final put).
//!
//! Each test prints its cells (scheme, scenario, bound, executions explored,
//! verdict) and the trace of every counterexample; run with
//! `cargo test --release -j 1 -- --nocapture` to see them.

use pageref_model::atom::LoomAtomic;
use pageref_model::check::{explore, Scenario, Verdict};
use pageref_model::report::{check_by_name, check_by_name_bounded, first_bound};
use pageref_model::scheme::{RefScheme, Series, SeriesV8};
use pageref_model::world::{Coverage, Init, Setup, World, MAX_SPINS};
use std::sync::{Arc, Once};

static QUIET: Once = Once::new();

/// What a row must show: the cells with a counterexample, each with a
/// string its message contains; every other cell holds. A row is written
/// as a base row and the cells where it differs from it (`None`: holds).
type Cells = &'static [(Scenario, Option<&'static str>)];

const H: Option<&str> = None;
const ABA: Option<&str> = Some("the destructor of life 1 (chosen by the putter) ran on life 2");
const OWNED: Option<&str> = Some("it now reads as owned");
const DOUBLE: Option<&str> = Some("double free");
const PUT_FROZEN: Option<&str> = Some("put on a page whose word is not an owned value");
const CROSSED: Option<&str> = Some("the count crossed INT_MAX and the page reads as frozen");
const RESET_OVER_OWNED: Option<&str> = Some("the page reads as frozen while it has owners");
const BARE_GET: Option<&str> = Some("the word of a free page became 1: it now reads as owned");
const BARE_LEFT: Option<&str> = Some("the free page carries word 0, not a free value");
const READ_ONLY: Option<&str> = Some("a struct page that HVO maps read-only: it faults");
const FREED_HELD: Option<&str> = Some("freed while 1 reference(s) are held");
// R16: a write after the struct page became read-only, or any access after
// its memmap went away; in aba-hvo and aba-hotremove only P's stale
// cmpxchg can do that (W is over before the page goes).
const GONE: Option<&str> = Some("a struct page whose memmap memory hot-remove freed");
const STALE_RO: Option<&str> =
    Some("runs a (failing) locked cmpxchg on a struct page that HVO maps read-only");
const STALE_GONE: Option<&str> =
    Some("runs a (failing) locked cmpxchg on a struct page whose memmap memory hot-remove freed");
// R16 with an online after the offline: P's stale cmpxchg(0 -> FROZEN)
// wins on the word that `__init_single_page()` just zeroed.
const REINIT: Option<&str> = Some("writes a struct page that memory online is re-initialising");
// R17: the get revives a life that a reader took as dead.
const REVIVED: Option<&str> = Some("which X already took as dead");
// The frozen word wrapped to 0 under GUP-fast strays.
const WRAPPED: Option<&str> = Some("the word of a free page became 0: it is no longer frozen");
// The unfreeze did not publish what the freezer wrote.
const UNPUBLISHED: Option<&str> = Some("the unfreeze did not publish it");
// CONFIG_DEBUG_VM caught a put on a page that is not owned.
const REFUSED: Option<&str> = Some("CONFIG_DEBUG_VM refuses a put");
// CONFIG_DEBUG_VM's warning in the get: the strays passed PAGEREF_SATURATED.
const WARNS: Option<&str> = Some("CONFIG_DEBUG_VM warns (VM_WARN_ON_ONCE_PAGE): a failed get left");
// Slow GUP checked the owned limit, then added: a GUP-fast add landed in
// between, and its add starts at the limit.
const STALE_CHECK: Option<&str> =
    Some("adds to a count of OWNED_LIMIT, at or past the limit OWNED_LIMIT that its check refuses");
// Property 11: memory-failure's own thaw took the transient 0 of a final
// put in flight to 1; that put's cmpxchg(0 -> FROZEN) fails, and M keeps a
// page whose final put never ran.
const THAW_TOOK_ZERO: Option<&str> =
    Some("page_ref_inc_or_thaw() took the transient 0 of a final put in flight");
// Property 12: M's put subtracted to 0, W's speculative get took the 0 to
// 1 (M's cmpxchg(0 -> FROZEN) then failed), M's thaw added to W's count,
// W's put was not the last: M keeps a page whose final put never ran.
const KEPT_REVIVED: Option<&str> = Some(
    "M keeps life 1 for good, but its count reached 0 in a final put that then did not freeze \
     it (M's put subtracted to 0, W's get took the 0 to 1",
);
// memory-failure's "thaw" left the freed page frozen (an increment), and it
// keeps that.
const KEPT_FROZEN: Option<&str> =
    Some("M keeps life 2 for good, but its word is FROZEN+1, not an owned value");
// The same with a walker: its add, which read the page owned before M's
// put freed it, lands on M's FROZEN + 1 (the model's ghost has M's
// increment as a thaw, so the walker's add to an "owned" page yields a
// frozen word).
const KEPT_FROZEN_GET: Option<&str> = Some("the word of an owned page became FROZEN+2");
// A failed get's decrement (broken:undo-on-fail) takes the count to 0.
const LOST: Option<&str> = Some("count dropped to 0 outside dec-and-test: a reference is lost");

use Scenario::*;

// Mainline's get reads the count and then runs its cmpxchg: a page freed,
// reused and remapped read-only (or removed) in between takes the write (or
// the read); its put has no window, and a count of 0 is final.
const MAINLINE: Cells = &[(HvoVsGet, READ_ONLY), (HotremoveVsGet, GONE)];
// Its get enters the cmpxchg loop without a read: on HVO's read-only
// struct pages even the failing locked cmpxchg faults.
const ASSUME_ONE: Cells = &[(ZeroedVsWalker, READ_ONLY)];
// v6 before its patch 4: the get refuses the transient 0, so nothing can
// revive a page inside a put's window: no ABA, no stale write, no revived
// zero. It refuses the bare 0 of a zeroed struct page too, but leaves it
// there (not a free value), and its cmpxchg-loop get takes an owned count
// past INT_MAX like v6's add.
const V6_PATCH2: Cells = &[
    (ZeroedVsWalker, BARE_LEFT),
    (GveBias, CROSSED),
    (GupNearLimit, CROSSED),
];
// `page_ref_inc_or_thaw()` as v6 (patch 2) and v7 have it, v8 at patches 4
// to 7, and v8 before its review: it takes the transient 0 of a final put
// in flight to 1 (poison-thaw; in poison-thaw-walker too, where the
// cmpxchg-loop get of these trees refuses the 0). v8 waits while the
// count reads 0 from patch 8, with the final put's preemption-disabled
// section that the wait relies on.
const OLD_THAW: Cells = &[
    (PoisonThaw, THAW_TOOK_ZERO),
    (PoisonThawWalker, THAW_TOOK_ZERO),
];
// v6: the R9 ABA (a stale caller-context put frees the next life, whether
// that life ends with a caller-context or a generic put), the bare 0 of
// HVO's struct pages, gve's INT_MAX bias and the dead GUP-fast guard; R16's
// stale write and R17's revived zero.
//
// v6's slow GUP checks only for a count that reads `<= 0`, 2^31 away from
// gup-race-limit's counts: its check-then-add is the same race, not shown
// there.
const SERIES_V6: Cells = &[
    (ZeroedVsWalker, BARE_GET),
    (GveBias, CROSSED),
    (GupNearLimit, CROSSED),
    (GupRaceLimit, H),
    (AbaOwnerDtor, ABA),
    (AbaMixed, ABA),
];
// v7's slow GUP from its patch 3 on: the owned limit is checked, then the
// add made (v8 checks and adds in one cmpxchg).
const V7_GRAB: Cells = &[(GupRaceLimit, STALE_CHECK)];
// v7 at each commit where the protocol changes. Patches 3-4: the
// cmpxchg-loop get refuses the transient 0 (no ABA although every final
// put is shape (a)), and v7's fixes are in from the start. Patch 5: the
// caller-context final put never stores 0. Patches 6-7: the get may
// succeed at the transient 0 of a generic put, but no caller-context put
// has a window left to be stale in (before the reorder of 2026-11-30 this
// commit had caller-context puts (a): series+sub-cas, R9 open). The
// generic put's window is where R16's stale write and R17's revived zero
// come from.
//
// In poison-thaw-walker the read-first (or single-add) get's revival of the
// transient 0 is what loom finds first (property 12); v7's thaw would take
// the 0 as well.
//
// v7, and v7 with any part that the R16 and R17 scenarios do not touch
// replaced:
const V7: Cells = &[
    (GupRaceLimit, STALE_CHECK),
    (PoisonThaw, THAW_TOOK_ZERO),
    (PoisonThawWalker, KEPT_REVIVED),
    (HvoVsGet, READ_ONLY),
    (HotremoveVsGet, GONE),
    (AbaHvo, STALE_RO),
    (AbaHotremove, STALE_GONE),
    (AbaReonline, REINIT),
    (DaxIdle, REVIVED),
];
// Final put shape (a) everywhere: v7's other fixes, but R9 again.
const SUB_CAS: Cells = &[(AbaOwnerDtor, ABA), (AbaMixed, ABA)];
// Shape (b): both revivals fail poison-thaw-walker, and loom finds M's
// thaw first.
const ASSUME_OWN: Cells = &[(PoisonThawWalker, THAW_TOOK_ZERO)];
// Shape (d) for the generic put too: no window at all, so no stale write,
// no revived zero and no zero for the thaw or a get to take (the get's own
// R16 race stays).
const NO_WINDOW: Cells = &[
    (PoisonThaw, H),
    (PoisonThawWalker, H),
    (AbaHvo, H),
    (AbaHotremove, H),
    (AbaReonline, H),
    (DaxIdle, H),
];
const UNDO: Cells = &[
    (FreezeVsGet, OWNED),
    (UnfreezeVsStray, OWNED),
    (AllocVsStray, OWNED),
    (OverflowReset, OWNED),
    (AbaOwnerDtor, OWNED),
    (AbaPageDtor, OWNED),
    (AbaMixed, OWNED),
    (AbaGenericStale, OWNED),
    (Thaw, OWNED),
    (PoisonThawWalker, LOST),
];
// v7 with v6's get: it adds to HVO's read-only (frozen) struct pages.
const ADD_ON_FROZEN: Cells = &[(ZeroedVsWalker, READ_ONLY)];
const NO_CAS: Cells = &[
    (PutVsGet, DOUBLE),
    (FreezeVsGet, DOUBLE),
    (UnfreezeVsStray, DOUBLE),
    (AllocVsStray, DOUBLE),
    (GveBias, DOUBLE),
    (GupNearLimit, DOUBLE),
    (GupRaceLimit, DOUBLE),
    (OverflowReset, DOUBLE),
    (AbaOwnerDtor, DOUBLE),
    (AbaPageDtor, DOUBLE),
    (AbaMixed, DOUBLE),
    (AbaGenericStale, DOUBLE),
    (Mixed3, DOUBLE),
    (Thaw, DOUBLE),
    (AbaHvo, DOUBLE),
    (AbaHotremove, DOUBLE),
    (AbaReonline, DOUBLE),
    (AbaStaleWin, FREED_HELD),
    (DaxIdle, DOUBLE),
    (FrozenReader, DOUBLE),
    // M's thaw takes H's 0 (property 11, when M keeps the page), and H then
    // stores FROZEN over M's 1 and frees the page M holds.
    (PoisonThaw, THAW_TOOK_ZERO),
    // M and W both free life 1.
    (PoisonThawWalker, DOUBLE),
];
const RESET_STORE: Cells = &[(OverflowReset, RESET_OVER_OWNED)];
const UNFREEZE_ADD: Cells = &[
    (FreezeVsGet, PUT_FROZEN),
    (UnfreezeVsStray, PUT_FROZEN),
    (SlowGupRace, PUT_FROZEN),
    (OverflowReset, PUT_FROZEN),
];
const BARE_ZERO: Cells = &[(ZeroedVsWalker, BARE_GET)];
const GUARD_V6: Cells = &[(GupNearLimit, CROSSED)];
const GVE_INTMAX: Cells = &[(GveBias, CROSSED)];
// The caller-context put with a zero window: a stale one frees the next
// life when that life also ends in caller context (aba-owner-dtor); when it
// ends with v7's generic put, three threads cannot open a window there.
const CALLER_PUT_V6: Cells = &[(AbaOwnerDtor, ABA)];
const THAW_BY_INC: Cells = &[
    (Thaw, PUT_FROZEN),
    (PoisonThaw, KEPT_FROZEN),
    (PoisonThawWalker, KEPT_FROZEN_GET),
];
// v6's virtio-mem cancel: `page_ref_unfreeze(page, 1)` over a page still
// held (going offline left it unfrozen) overwrites the holder's reference;
// the thawer's own final put then frees the page under the holder.
// In poison-thaw the store of 1 replaces H's reference by M's, and H's put
// then frees the page M keeps.
const THAW_STORE_ONE: Cells = &[
    (Thaw, FREED_HELD),
    (PoisonThaw, FREED_HELD),
    (PoisonThawWalker, FREED_HELD),
];
// NR_CPUS = 8192 without the cmpxchg branch: 8192 GUP-fast adds of 2^18 in
// flight wrap the frozen word to 0.
const NO_LARGE_ADD_CAS: Cells = &[(GupStrays, WRAPPED)];
const UNFREEZE_RELAXED: Cells = &[(FreezeVsGet, UNPUBLISHED), (UnfreezeVsStray, UNPUBLISHED)];
// v8 closes R16 (both sides, with HVO, hot-remove and an online after an
// offline) and, with fsdax's frozen test, R17; its thaw never takes a
// transient 0 (poison-thaw). Its one failing cell is the known residual of
// that wait: in poison-thaw-walker a speculative get takes the transient 0
// of a final put to 1 (by design: a get may revive it), the putter's
// cmpxchg fails, and memory-failure keeps a page whose final put never ran
// (property 12) -- the end state mainline reaches when the walker's get
// lands before the final put (there the count never reaches 0, so the
// model's mainline cell holds). Every v8 row with the single-add get
// (patch 10 on) and every broken:v8-* row shows it.
const V8: Cells = &[(PoisonThawWalker, KEPT_REVIVED)];
// v8 at patches 8-9 holds in every cell: the cmpxchg-loop get refuses the
// transient 0 (no window can be revived, so poison-thaw-walker holds too,
// unbounded in `poison_thaw_walker_shape`), and the sections with the
// grace periods close the get's side of R16. So do patches 10-13 but for
// the residual: the read-first get revives the generic put's window, but
// the put's section covers it whole and fsdax's test is the frozen bit.
// And so does v8 with CONFIG_DEBUG_VM: its checks never refuse a put that
// holds its references.
const V8_AT_8: Cells = &[(PoisonThawWalker, H)];
//
// v8 at patch 4: v7's patch 3 with GUP-fast's guard still the `< 0` test
// that the frozen bit made dead (PAGEREF_OWNED_LIMIT comes in patch 5): a
// GUP-fast get carries an owned count past INT_MAX. Patches 5 to 7 are
// v7's patches 3 to 5 without the reset.
const SERIES_V8_AT_4: Cells = &[(GupNearLimit, CROSSED)];

// v8 without the read-side section around the put, or with the section
// starting after the subtract: the get's side of R16 is closed, the put's
// is open again.
const V8_PUT_OPEN: Cells = &[
    (AbaHvo, STALE_RO),
    (AbaHotremove, STALE_GONE),
    (AbaReonline, REINIT),
];
// v8 with the get's read before its section: the put's side is closed, the
// get's is open again for a PFN walker, which has no section of its own.
// (hotremove-vs-get still holds: its getter is a page cache lookup,
// whose own rcu_read_lock() covers the read.)
const V8_GET_OPEN: Cells = &[(HvoVsGet, READ_ONLY)];
// v8 without any grace period: its read-side sections protect nothing.
const V8_NO_GP: Cells = &[
    (HvoVsGet, READ_ONLY),
    (HotremoveVsGet, GONE),
    (AbaHvo, STALE_RO),
    (AbaHotremove, STALE_GONE),
    (AbaReonline, REINIT),
];
// v8 without offline_pages()' grace period: __remove_pages()' still covers
// hot-remove, but nothing covers an online after the offline.
const V8_NO_OFFLINE_GP: Cells = &[(AbaReonline, REINIT)];
// v8 with v7's fsdax idle test.
const V8_IDLE_ZERO: Cells = &[(DaxIdle, REVIVED)];
// v8 with CONFIG_DEBUG_VM and fsdax's folio_ref_inc(): the thawer's
// generic put finds the folio frozen and is refused without writing (v7
// without CONFIG_DEBUG_VM subtracts: PUT_FROZEN in broken:thaw-by-inc).
const V8_DEBUG_THAW_BY_INC: Cells = &[
    (Thaw, REFUSED),
    (PoisonThaw, KEPT_FROZEN),
    (PoisonThawWalker, KEPT_FROZEN_GET),
];
// v8 at NR_CPUS=8192 with CONFIG_DEBUG_VM, without the get's cmpxchg loop:
// the strays of 8190 GUP-fast gets in flight pass PAGEREF_SATURATED, and the
// get's debug check warns before the word wraps.
const V8_DEBUG_NO_LARGE_ADD_CAS: Cells = &[(GupStrays, WARNS)];

/// The rows `make model-deep` (`PAGEREF_MODEL_DEEP=1`) checks at the deep
/// bounds; it skips the others.
const DEEP_ROWS: [&str; 11] = [
    "mainline",
    "series-v6",
    "series@6",
    "series",
    "series-v8",
    "series-v8-8192cpus",
    "series+casput",
    "broken:v8-put-outside-rcu",
    "broken:v8-put-section-after-sub",
    "broken:v8-no-grace-period",
    "broken:v8-no-offline-gp",
];

/// The expected verdict of each cell of a row: the last of `layers` that
/// names the cell decides, a cell that none names holds.
fn expected(layers: &[Cells]) -> Vec<Option<&'static str>> {
    Scenario::ALL
        .into_iter()
        .map(|sc| {
            layers
                .iter()
                .rev()
                .find_map(|l| l.iter().find(|(c, _)| *c == sc).map(|&(_, e)| e))
                .flatten()
        })
        .collect()
}

fn run(scheme: &str, layers: &[Cells]) {
    if pageref_model::check::deep() && !DEEP_ROWS.contains(&scheme) {
        println!("PAGEREF_MODEL_DEEP: {scheme} is not one of the deep rows");
        return;
    }
    // The traces are printed below; keep the panic hook from repeating them.
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    for var in ["PAGEREF_MODEL_PREEMPTIONS", "LOOM_MAX_PREEMPTIONS"] {
        if let Ok(b) = std::env::var(var) {
            println!("{var}={b} overrides the default preemption bounds");
        }
    }
    let mut bad = Vec::new();
    for (sc, want) in Scenario::ALL.into_iter().zip(expected(layers)) {
        let o = check_by_name(scheme, sc);
        println!("{}", o.summary());
        assert!(o.executions > 0);
        let cell = format!("{scheme} x {}", sc.name());
        match (&o.verdict, want) {
            (Verdict::Holds, None) => {}
            (Verdict::Counterexample(f), Some(msg)) => {
                println!("{}", f.render());
                if !f.message.contains(msg) {
                    bad.push(format!("{cell}: expected `{msg}`, got `{}`", f.message));
                }
            }
            (Verdict::Holds, Some(msg)) => {
                bad.push(format!(
                    "{cell}: expected a counterexample (`{msg}`), none found"
                ));
            }
            (Verdict::Counterexample(f), None) => {
                println!("{}", f.render());
                bad.push(format!("{cell}: unexpected counterexample: {}", f.message));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "verdicts differ from the expected ones:\n{}",
        bad.join("\n")
    );
}

/// One `#[test]` per row.
macro_rules! rows {
    ($($test:ident: $name:literal => [$($layer:expr),*];)*) => {
        $(
            #[test]
            fn $test() {
                run($name, &[$($layer),*]);
            }
        )*
        /// The rows the tests above run, in order.
        const TESTED: &[&str] = &[$($name),*];
    };
}

rows! {
    mainline: "mainline" => [MAINLINE];
    assume_one: "assume-1" => [MAINLINE, ASSUME_ONE];
    v6_at_patch2: "v6@patch2" => [MAINLINE, V6_PATCH2, OLD_THAW];
    series_v6: "series-v6" => [V7, SERIES_V6];
    series_at_3: "series@3" => [MAINLINE, V7_GRAB, OLD_THAW];
    series_at_5: "series@5" => [MAINLINE, V7_GRAB, OLD_THAW];
    series_at_6: "series@6" => [V7];
    series: "series" => [V7];
    series_8192cpus: "series-8192cpus" => [V7];
    series_v8_at_4: "series-v8@4" => [MAINLINE, SERIES_V8_AT_4, OLD_THAW];
    series_v8_at_5: "series-v8@5" => [MAINLINE, OLD_THAW];
    series_v8_at_7: "series-v8@7" => [MAINLINE, OLD_THAW];
    series_v8_at_8: "series-v8@8" => [V8, V8_AT_8];
    series_v8_at_10: "series-v8@10" => [V8];
    series_v8: "series-v8" => [V8];
    series_v8_debug_vm: "series-v8-debug-vm" => [V8];
    series_v8_8192cpus: "series-v8-8192cpus" => [V8];
    series_v8_2cpus: "series-v8-2cpus" => [V8];
    series_sub_cas: "series+sub-cas" => [V7, SUB_CAS];
    series_assume_own: "series+assume-own" => [V7, ASSUME_OWN];
    series_read_cas: "series+read-cas" => [V7];
    series_casput: "series+casput" => [V7, NO_WINDOW];
    broken_undo_on_fail: "broken:undo-on-fail" => [V7, UNDO];
    broken_add_on_frozen: "broken:add-on-frozen" => [V7, ADD_ON_FROZEN];
    broken_no_freeze_cas: "broken:no-freeze-cas" => [V7, NO_CAS];
    broken_reset_store: "broken:reset-store" => [V7, RESET_STORE];
    broken_unfreeze_add: "broken:unfreeze-add" => [V7, UNFREEZE_ADD];
    broken_bare_zero_init: "broken:bare-zero-init" => [V7, BARE_ZERO];
    broken_gup_guard_v6: "broken:gup-guard-v6" => [V7, GUARD_V6];
    broken_gve_intmax: "broken:gve-intmax" => [V7, GVE_INTMAX];
    broken_caller_put_v6: "broken:caller-put-v6" => [V7, CALLER_PUT_V6];
    broken_thaw_by_inc: "broken:thaw-by-inc" => [V7, THAW_BY_INC];
    broken_thaw_store_1: "broken:thaw-store-1" => [V7, THAW_STORE_ONE];
    // Without the reset: v7's strays per frozen period are bounded by the
    // gets in flight, far below where the reset starts, so no cell can
    // tell.
    broken_no_reset: "broken:no-reset" => [V7];
    broken_no_large_add_cas: "broken:no-large-add-cas" => [V7, NO_LARGE_ADD_CAS];
    broken_unfreeze_relaxed: "broken:unfreeze-relaxed" => [V7, UNFREEZE_RELAXED];
    broken_v8_put_outside_rcu: "broken:v8-put-outside-rcu" => [V8, V8_PUT_OPEN];
    broken_v8_put_section_after_sub: "broken:v8-put-section-after-sub" => [V8, V8_PUT_OPEN];
    broken_v8_get_read_outside: "broken:v8-get-read-outside" => [V8, V8_GET_OPEN];
    broken_v8_no_grace_period: "broken:v8-no-grace-period" => [V8, V8_NO_GP];
    broken_v8_no_offline_gp: "broken:v8-no-offline-gp" => [V8, V8_NO_OFFLINE_GP];
    broken_v8_idle_zero: "broken:v8-idle-zero" => [V8, V8_IDLE_ZERO];
    broken_v8_thaw_by_inc_debug_vm: "broken:v8-thaw-by-inc-debug-vm" => [V8, V8_DEBUG_THAW_BY_INC];
    // Its read-first get revives the 0 first in poison-thaw-walker (V8's
    // cell), its thaw takes it in poison-thaw.
    broken_v8_thaw_takes_zero: "broken:v8-thaw-takes-zero" => [OLD_THAW, V8];
    broken_v8_grab_check_then_add: "broken:v8-grab-check-then-add" => [V8, V7_GRAB];
    broken_v8_no_large_add_cas_debug_vm: "broken:v8-no-large-add-cas-debug-vm" => [V8, V8_DEBUG_NO_LARGE_ADD_CAS];
}

/// Every scheme of the table has a test above, in table order.
#[test]
fn every_scheme_is_tested() {
    let names: Vec<&str> = pageref_model::report::SCHEMES
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let mut tested = TESTED.to_vec();
    tested.sort_unstable();
    let mut all = names.clone();
    all.sort_unstable();
    assert_eq!(tested, all, "the rows tested are the rows of the table");
}

/// R9 in detail: the series' counterexample is the ABA the review described
/// (a putter's stale CAS frees the next life), and the fix candidate holds.
#[test]
fn r9_aba_shape() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    let o = check_by_name("series-v6", Scenario::AbaOwnerDtor);
    let Verdict::Counterexample(f) = &o.verdict else {
        panic!("the series v6 must show the R9 ABA");
    };
    println!("{}", f.render());
    let t = f.trace.join("\n");
    // P decremented to 0 first, G took 0 -> 1 and freed life 1, N allocated
    // life 2 and decremented to 0, then P's stale CAS succeeded.
    let pos = |needle: &str| {
        t.find(needle)
            .unwrap_or_else(|| panic!("trace lacks `{needle}`:\n{t}"))
    };
    let p_dec = pos("P  page_ref_sub_and_test: 1 -> 0");
    let g_get = pos("G  page_ref_add_unless_frozen: 0 -> 1");
    let g_free = pos("G    -> frees life 1");
    let n_alloc = pos("N    -> allocated: life 2");
    let p_cas = t
        .rfind("P  page_ref_sub_and_test: cmpxchg(0 -> FROZEN) succeeds")
        .expect("P's CAS");
    assert!(
        p_dec < g_get && g_get < g_free && g_free < n_alloc && n_alloc < p_cas,
        "{t}"
    );
    assert!(f.message.starts_with("[P]"));
    for fixed in ["series", "series+casput"] {
        let o = check_by_name(fixed, Scenario::AbaOwnerDtor);
        assert!(!o.found(), "{fixed} must hold: {}", o.summary());
    }
    let pagestate = check_by_name("series-v6", Scenario::AbaPageDtor);
    assert!(
        !pagestate.found(),
        "page-state destructors make the stale free benign"
    );
}

/// The preemption bound at which R9 first appears: two preemptions (P
/// after its decrement, N after its decrement; G's lookup may read the
/// slot's old value, so it needs none). R16's stale write needs two too (P
/// after its read, P inside its window), three where it must land between
/// the two stores of an online (aba-reonline), R17 three. The default
/// bound of every bounded three-thread scenario must stay at least two
/// above the first bound of each of its known counterexamples; these are
/// the largest ones per column (`model-report` checks every cell). The
/// scenarios searched without a bound need no margin.
#[test]
fn first_bounds_leave_two_spare() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    for (scheme, sc, want) in [
        ("series-v6", Scenario::AbaOwnerDtor, 2),
        ("series-v6", Scenario::AbaMixed, 2),
        ("broken:caller-put-v6", Scenario::AbaOwnerDtor, 2),
        ("broken:reset-store", Scenario::OverflowReset, 3),
        ("series", Scenario::AbaHvo, 2),
        ("series", Scenario::AbaHotremove, 2),
        ("series", Scenario::AbaReonline, 3),
        ("series@6", Scenario::AbaHvo, 2),
        ("broken:v8-put-outside-rcu", Scenario::AbaHvo, 2),
        ("broken:v8-put-section-after-sub", Scenario::AbaHvo, 2),
        ("broken:v8-no-offline-gp", Scenario::AbaReonline, 3),
        ("series", Scenario::DaxIdle, 3),
        ("broken:no-freeze-cas", Scenario::AbaStaleWin, 1),
        ("broken:no-freeze-cas", Scenario::Mixed3, 1),
        ("broken:thaw-store-1", Scenario::Thaw, 1),
        ("series-v8@4", Scenario::PoisonThawWalker, 3),
        ("series-v8", Scenario::PoisonThawWalker, 2),
    ] {
        let first = first_bound(scheme, sc, want + 1);
        assert_eq!(first, Some(want), "{scheme} x {}", sc.name());
        // None: the scenario is searched without a bound.
        if let Some(default) = sc.default_bound() {
            assert!(
                default >= want + 2,
                "{}: default bound {default} is less than two above {want}",
                sc.name()
            );
        }
    }
}

/// R16 in detail: v7's counterexample in aba-hvo is P's stale cmpxchg (P
/// read 2, subtracted to 0, W revived and freed the page, X handed it out
/// and HVO remapped it, then P's cmpxchg(0 -> FROZEN) ran), the same in
/// aba-hotremove and aba-reonline (there P's cmpxchg wins on the word
/// that the online zeroed), and v8 holds there with grace periods that
/// had to wait for P.
#[test]
fn r16_stale_write_shape() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    for (sc, gone) in [
        (Scenario::AbaHvo, "HVO remaps the struct page read-only"),
        (Scenario::AbaHotremove, "memory hot-remove frees the memmap"),
        (
            Scenario::AbaReonline,
            "online_pages: __init_single_page() re-initialises the struct page",
        ),
    ] {
        let o = check_by_name("series", sc);
        let Verdict::Counterexample(f) = &o.verdict else {
            panic!("v7 must show R16's stale write in {}", sc.name());
        };
        println!("{}", f.render());
        assert!(
            f.message.starts_with("[P] page_ref_sub_and_test"),
            "{}",
            f.message
        );
        let t = f.trace.join("\n");
        let pos = |needle: &str| {
            t.find(needle)
                .unwrap_or_else(|| panic!("trace lacks `{needle}`:\n{t}"))
        };
        let p_read = pos("P  page_ref_sub_and_test: read 2");
        let p_dec = pos("P  page_ref_sub_and_test: 1 -> 0");
        let w_get = pos("W  page_ref_add_unless_frozen: 0 -> 1");
        let w_free = pos("W    -> frees life 1");
        let x_gone = pos(gone);
        assert!(
            p_read < p_dec && p_dec < w_get && w_get < w_free && w_free < x_gone,
            "{t}"
        );
        let o = check_by_name("series-v8", sc);
        println!(
            "{} ({} read-only/gone, {} with a grace period that waited)",
            o.summary(),
            o.transition_executions,
            o.gp_wait_executions
        );
        assert!(!o.found());
        assert!(o.transition_executions > 0 && o.gp_wait_executions > 0);
    }
}

/// R9's stale cmpxchg does win on the next life in aba-stale-win (v6, v7 and
/// v8 alike: v8's read-side sections do not stop it, and need not), and the
/// winner frees that life from its page state: every cell holds.
#[test]
fn r9_stale_win_reached() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    for scheme in ["series-v6", "series", "series-v8"] {
        let o = check_by_name(scheme, Scenario::AbaStaleWin);
        println!("{} ({} stale wins)", o.summary(), o.stale_win_executions);
        assert!(!o.found());
        assert!(o.stale_win_executions > 0, "{scheme}: no stale win");
    }
}

/// R17: the reader of frozen-reader takes the page as dead in some
/// executions (the cells are not vacuous), and with `page_ref_is_frozen()`
/// it is right to.
#[test]
fn r17_readers_act() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    for scheme in ["mainline", "series", "series-v8"] {
        let o = check_by_name(scheme, Scenario::FrozenReader);
        println!(
            "{} ({} taken as dead)",
            o.summary(),
            o.taken_dead_executions
        );
        assert!(!o.found() && o.taken_dead_executions > 0);
    }
}

/// The stray scenarios are not vacuous for v7, whose get adds only after
/// reading the page owned: their getters are in flight (they read the page
/// owned before it was frozen or freed), so some executions leave a stray
/// add, and in overflow-reset some run `page_ref_reset_frozen()`. On HVO's
/// read-only struct pages v7 writes nothing at all.
#[test]
fn v7_stray_scenarios_reach_strays_and_reset() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    for sc in [
        Scenario::UnfreezeVsStray,
        Scenario::AllocVsStray,
        Scenario::OverflowReset,
    ] {
        let o = check_by_name("series", sc);
        println!(
            "{} ({} with a stray add, {} with a reset)",
            o.summary(),
            o.stray_executions,
            o.reset_executions
        );
        assert!(!o.found());
        assert!(o.stray_executions > 0, "{}: no stray add", sc.name());
        if sc == Scenario::OverflowReset {
            assert!(
                o.reset_executions > 0,
                "overflow-reset: the reset never ran"
            );
        }
    }
    let o = check_by_name("series", Scenario::ZeroedVsWalker);
    assert!(!o.found() && o.stray_executions == 0);
}

/// Slow GUP near the owned limit: v7's counterexample is the stale check
/// (S read the count below the limit, GUP-fast's add took it to the limit,
/// then S added), and v8's bounded add holds; at 8192 CPUs GUP-fast's own
/// get is v8's bounded cmpxchg loop, which refuses there.
#[test]
fn gup_race_limit_shape() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    let o = check_by_name("series", Scenario::GupRaceLimit);
    let Verdict::Counterexample(f) = &o.verdict else {
        panic!("v7 must show slow GUP's stale check");
    };
    println!("{}", f.render());
    assert!(f.message.starts_with("[S] try_grab_folio"), "{}", f.message);
    let t = f.trace.join("\n");
    let pos = |needle: &str| {
        t.find(needle)
            .unwrap_or_else(|| panic!("trace lacks `{needle}`:\n{t}"))
    };
    let s_check = pos("S  try_grab_folio: folio_ref_count: read OWNED_LIMIT-262144");
    let g_add = pos("G  page_ref_add_unless_frozen: OWNED_LIMIT-262144 -> OWNED_LIMIT");
    let s_add = pos("S  try_grab_folio: folio_ref_add: OWNED_LIMIT -> ");
    assert!(s_check < g_add && g_add < s_add, "{t}");
    for fixed in ["series-v8", "series-v8-8192cpus", "series-v8-2cpus"] {
        let o = check_by_name(fixed, Scenario::GupRaceLimit);
        assert!(!o.found(), "{fixed} must hold: {}", o.summary());
    }
}

/// memory-failure against a final put in flight: v8 before its review (and
/// v6, v7, and v8 at patches 4 to 7) takes the put's transient 0 to 1 (H
/// subtracted to 0, M's thaw took 0 -> 1, so H's cmpxchg(0 -> FROZEN) will
/// fail, and M keeps a page whose final put never ran: property 11), first at
/// bound 3; v8's thaw from patch 8 waits while the count reads 0 (in some
/// executions it does wait) and holds, exhaustively.
#[test]
fn poison_thaw_shape() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    let o = check_by_name("broken:v8-thaw-takes-zero", Scenario::PoisonThaw);
    let Verdict::Counterexample(f) = &o.verdict else {
        panic!("the thaw that takes 0 must fail poison-thaw");
    };
    println!("{}", f.render());
    assert!(
        f.message
            .starts_with("[M] page_ref_inc_or_thaw() took the transient 0 of a final put in flight (H's) to 1, and M keeps life 1"),
        "{}",
        f.message
    );
    let t = f.trace.join("\n");
    let pos = |needle: &str| {
        t.find(needle)
            .unwrap_or_else(|| panic!("trace lacks `{needle}`:\n{t}"))
    };
    let h_zero = pos("H  page_ref_sub_and_test: reached 0: dec-and-test window opens");
    let m_thaw = pos("M  page_ref_inc_or_thaw: cmpxchg(0 -> 1) succeeds");
    // Property 11 is checked when M keeps the page: H is still in its
    // window, and its cmpxchg(0 -> FROZEN) can only fail now.
    assert!(h_zero < m_thaw, "{t}");
    assert!(
        !t.contains("H  page_ref_sub_and_test: cmpxchg(0 -> FROZEN)"),
        "{t}"
    );
    for old in ["broken:v8-thaw-takes-zero", "series-v8@7"] {
        assert_eq!(first_bound(old, Scenario::PoisonThaw, 3), Some(3), "{old}");
    }
    for fixed in ["series-v8", "series-v8@8"] {
        let o = check_by_name(fixed, Scenario::PoisonThaw);
        println!("{} ({} with a wait)", o.summary(), o.thaw_wait_executions);
        assert!(!o.found(), "{fixed} must hold: {}", o.summary());
        assert!(o.thaw_wait_executions > 0, "{fixed}: the thaw never waited");
    }
}

/// The known residual of v8's waiting thaw (poison-thaw-walker): with the
/// single-add get (patch 10 on) a PFN walker takes the transient 0 of M's
/// own final put to 1, M's cmpxchg(0 -> FROZEN) fails, M's thaw adds to the
/// walker's count (it never takes a 0: property 11 holds) and M keeps the
/// page, whose final put never ran (property 12), first at bound 2.
/// Mainline, whose count never reaches 0 in that interleaving, and v8 at
/// patch 8, whose cmpxchg-loop get refuses the 0, hold without a bound.
#[test]
fn poison_thaw_walker_shape() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    for scheme in ["series-v8", "series-v8@10", "series-v8-debug-vm"] {
        let o = check_by_name(scheme, Scenario::PoisonThawWalker);
        let Verdict::Counterexample(f) = &o.verdict else {
            panic!("{scheme}: a get that revives the 0 must fail poison-thaw-walker");
        };
        println!("{}", f.render());
        assert!(
            f.message.starts_with("[end] M keeps life 1")
                && f.message.contains("W's get took the 0 to 1"),
            "{scheme}: {}",
            f.message
        );
        let t = f.trace.join("\n");
        let pos = |needle: &str| {
            t.find(needle)
                .unwrap_or_else(|| panic!("trace lacks `{needle}`:\n{t}"))
        };
        let m_zero = pos("M  page_ref_sub_and_test: reached 0: dec-and-test window opens");
        let w_get = pos("W  page_ref_add_unless_frozen: 0 -> 1");
        let m_lost = pos("M  page_ref_sub_and_test: cmpxchg(0 -> FROZEN) fails, saw 1");
        let m_keep = pos("M  keeps life 1 for good");
        assert!(m_zero < w_get && w_get < m_lost && m_lost < m_keep, "{t}");
        assert!(
            !t.contains("M  page_ref_inc_or_thaw: cmpxchg(0 -> "),
            "{scheme}: M's thaw took a 0:\n{t}"
        );
        assert_eq!(
            first_bound(scheme, Scenario::PoisonThawWalker, 2),
            Some(2),
            "{scheme}"
        );
    }
    for fixed in ["series-v8@8", "mainline"] {
        let o = check_by_name_bounded(fixed, Scenario::PoisonThawWalker, None);
        println!("{} ({} with a wait)", o.summary(), o.thaw_wait_executions);
        assert!(!o.found(), "{fixed} must hold unbounded: {}", o.summary());
    }
}

/// `MAX_SPINS`: a lone v8 thaw on a count of 0 that nobody changes (no
/// final put in flight will freeze the page) waits `MAX_SPINS` rounds and
/// is reported as blocked, not explored forever; v7's thaw takes the same
/// 0 to 1 without waiting (and property 5 reports that).
#[test]
fn lone_thaw_on_zero_is_blocked() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    fn lone_thaw<S: RefScheme<Atomic = LoomAtomic>>(w: &Arc<World<S>>) {
        let th = w.thread(0, "T");
        loom::thread::spawn(move || {
            th.inc_or_thaw();
            th.keep(1);
        })
        .join()
        .expect("model thread panicked");
    }
    let zero = Setup {
        init: Init::Owned { refs: 0 },
        rcu: false,
        payload: false,
        zone: false,
    };
    let cov = Arc::new(Coverage::default());
    let (n, v) = explore::<SeriesV8<LoomAtomic>>(zero, None, cov.clone(), lone_thaw);
    let Verdict::Counterexample(f) = v else {
        panic!("a lone v8 thaw on a bare 0 must be reported as blocked");
    };
    println!("{n} execution(s)\n{}", f.render());
    assert!(
        f.message.starts_with(&format!(
            "[T] blocked: waited {MAX_SPINS} times (cpu_relax())"
        )),
        "{}",
        f.message
    );
    let rounds = f
        .trace
        .iter()
        .filter(|l| l.contains("cpu_relax(): waits while the count reads 0"))
        .count();
    assert_eq!(rounds, MAX_SPINS as usize, "{}", f.render());
    // v7's thaw does not wait: it takes the bare 0 to 1 at once, which
    // property 5 reports (no final put is in flight).
    let (_, v) = explore::<Series<LoomAtomic>>(zero, None, cov, lone_thaw);
    let Verdict::Counterexample(f) = v else {
        panic!("v7's thaw takes a bare 0");
    };
    assert!(
        f.message
            .contains("count 0 observed outside a dec-and-test window")
            && !f.render().contains("cpu_relax()"),
        "{}",
        f.render()
    );
}
