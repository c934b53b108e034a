//! The loom suite: every scheme against every scenario, with the expected
//! verdicts written down. Correct schemes must hold; the broken variants
//! and the series v6 (in the R9 ABA scenarios, on zeroed struct pages and
//! near `INT_MAX`) must produce a counterexample, and the kind of violation
//! is checked.
//!
//! Each test prints its cells (scheme, scenario, bound, executions explored,
//! verdict) and the trace of every counterexample; run with
//! `cargo test --release -j 1 -- --nocapture` to see them.

use pageref_model::check::{Scenario, Verdict};
use pageref_model::report::{check_by_name, first_bound};
use std::sync::Once;

static QUIET: Once = Once::new();

/// What a cell must show: `None` = holds, `Some(s)` = a counterexample whose
/// message contains `s`.
type Expect = [Option<&'static str>; 22];

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
// R17: the get revives a life that a reader took as dead.
const REVIVED: Option<&str> = Some("which X already took as dead");
// The frozen word wrapped to 0 under GUP-fast strays.
const WRAPPED: Option<&str> = Some("the word of a free page became 0: it is no longer frozen");
// The unfreeze did not publish what the freezer wrote.
const UNPUBLISHED: Option<&str> = Some("the unfreeze did not publish it");

// Column order = Scenario::ALL: put-vs-get, freeze-vs-get, unfreeze-vs-stray,
// alloc-vs-stray, zeroed-vs-walker, gve-bias, gup-near-limit, gup-strays,
// overflow-reset, aba-owner-dtor, aba-page-dtor, aba-mixed, aba-generic-stale,
// mixed-3, thaw, hvo-vs-get, hotremove-vs-get, aba-hvo, aba-hotremove,
// aba-stale-win, zero-reader, frozen-reader.
//
// Mainline's get reads the count and then runs its cmpxchg: a page freed,
// reused and remapped read-only (or removed) in between takes the write (or
// the read); its put has no window, and a count of 0 is final.
const MAINLINE: Expect = [
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, READ_ONLY, GONE, H, H, H, H, H,
];
// Its get enters the cmpxchg loop without a read: on HVO's read-only
// struct pages even the failing locked cmpxchg faults.
const ASSUME_ONE: Expect = [
    H, H, H, H, READ_ONLY, H, H, H, H, H, H, H, H, H, H, READ_ONLY, GONE, H, H, H, H, H,
];
// v6 before its patch 4: the get refuses the transient 0, so nothing can
// revive a page inside a put's window: no ABA, no stale write, no revived
// zero. It refuses the bare 0 of a zeroed struct page too, but leaves it
// there (not a free value), and its cmpxchg-loop get takes an owned count
// past INT_MAX like v6's add.
const V6_PATCH2: Expect = [
    H, H, H, H, BARE_LEFT, CROSSED, CROSSED, H, H, H, H, H, H, H, H, READ_ONLY, GONE, H, H, H, H, H,
];
// v6: the R9 ABA (a stale caller-context put frees the next life, whether
// that life ends with a caller-context or a generic put), the bare 0 of
// HVO's struct pages, gve's INT_MAX bias and the dead GUP-fast guard; R16's
// stale write and R17's revived zero.
const SERIES_V6: Expect = [
    H, H, H, H, BARE_GET, CROSSED, CROSSED, H, H, ABA, H, ABA, H, H, H, READ_ONLY, GONE, STALE_RO,
    STALE_GONE, H, REVIVED, H,
];
// v7 at each commit where the protocol changes. Patches 3-4: the
// cmpxchg-loop get refuses the transient 0 (no ABA although every final
// put is shape (a)), and v7's fixes are in from the start.
const SERIES_AT_3: Expect = [
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, READ_ONLY, GONE, H, H, H, H, H,
];
// Patch 5: the caller-context final put never stores 0.
const SERIES_AT_5: Expect = SERIES_AT_3;
// Patches 6-7: the get may succeed at the transient 0 of a generic put,
// but no caller-context put has a window left to be stale in (before the
// reorder of 2026-11-30 this commit had caller-context puts (a):
// series+sub-cas, R9 open). The generic put's window is where R16's stale
// write and R17's revived zero come from.
const SERIES_AT_6: Expect = V7;
// v7, and v7 with any part that the new scenarios do not touch replaced.
const V7: Expect = [
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, READ_ONLY, GONE, STALE_RO, STALE_GONE, H, REVIVED,
    H,
];
const SERIES: Expect = V7;
const SERIES_8192: Expect = V7;
// v8 closes R16 (both sides); R17 is the readers' to close (frozen-reader).
const SERIES_V8: Expect = [
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, REVIVED, H,
];
// v8 at patches 7-8: the cmpxchg-loop get refuses the transient 0 (no
// window can be revived: R17 holds too), and the sections with the grace
// periods close the get's side of R16.
const SERIES_V8_AT_7: Expect = [
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
];
// Patches 9-12: the read-first get revives the generic put's window (R17),
// and the put's section covers it whole (R16 holds).
const SERIES_V8_AT_9: Expect = SERIES_V8;
// Final put shape (a) everywhere: v7's other fixes, but R9 again.
const SUB_CAS: Expect = [
    H, H, H, H, H, H, H, H, H, ABA, H, ABA, H, H, H, READ_ONLY, GONE, STALE_RO, STALE_GONE, H,
    REVIVED, H,
];
const ASSUME_OWN: Expect = V7;
const READ_CAS: Expect = V7;
// Shape (d) for the generic put too: no window at all, so no stale write
// and no revived zero (the get's own R16 race stays).
const CASPUT: Expect = SERIES_AT_3;
const UNDO: Expect = [
    H, OWNED, OWNED, OWNED, H, H, H, H, OWNED, OWNED, OWNED, OWNED, OWNED, H, OWNED, READ_ONLY,
    GONE, STALE_RO, STALE_GONE, H, REVIVED, H,
];
// v7 with v6's get: it adds to HVO's read-only (frozen) struct pages.
const ADD_ON_FROZEN: Expect = [
    H, H, H, H, READ_ONLY, H, H, H, H, H, H, H, H, H, H, READ_ONLY, GONE, STALE_RO, STALE_GONE, H,
    REVIVED, H,
];
const NO_CAS: Expect = [
    DOUBLE, DOUBLE, DOUBLE, DOUBLE, H, DOUBLE, DOUBLE, H, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE,
    DOUBLE, DOUBLE, READ_ONLY, GONE, DOUBLE, DOUBLE, FREED_HELD, DOUBLE, DOUBLE,
];
const RESET_STORE: Expect = [
    H,
    H,
    H,
    H,
    H,
    H,
    H,
    H,
    RESET_OVER_OWNED,
    H,
    H,
    H,
    H,
    H,
    H,
    READ_ONLY,
    GONE,
    STALE_RO,
    STALE_GONE,
    H,
    REVIVED,
    H,
];
const UNFREEZE_ADD: Expect = [
    H, PUT_FROZEN, PUT_FROZEN, H, H, H, H, H, PUT_FROZEN, H, H, H, H, H, H, READ_ONLY, GONE,
    STALE_RO, STALE_GONE, H, REVIVED, H,
];
const BARE_ZERO: Expect = [
    H, H, H, H, BARE_GET, H, H, H, H, H, H, H, H, H, H, READ_ONLY, GONE, STALE_RO, STALE_GONE, H,
    REVIVED, H,
];
const GUARD_V6: Expect = [
    H, H, H, H, H, H, CROSSED, H, H, H, H, H, H, H, H, READ_ONLY, GONE, STALE_RO, STALE_GONE, H,
    REVIVED, H,
];
const GVE_INTMAX: Expect = [
    H, H, H, H, H, CROSSED, H, H, H, H, H, H, H, H, H, READ_ONLY, GONE, STALE_RO, STALE_GONE, H,
    REVIVED, H,
];
// The caller-context put with a zero window: a stale one frees the next
// life when that life also ends in caller context (aba-owner-dtor); when it
// ends with v7's generic put, three threads cannot open a window there.
const CALLER_PUT_V6: Expect = [
    H, H, H, H, H, H, H, H, H, ABA, H, H, H, H, H, READ_ONLY, GONE, STALE_RO, STALE_GONE, H,
    REVIVED, H,
];
const THAW_BY_INC: Expect = [
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, PUT_FROZEN, READ_ONLY, GONE, STALE_RO, STALE_GONE, H,
    REVIVED, H,
];
// v6's virtio-mem cancel: `page_ref_unfreeze(page, 1)` over a page still
// held (going offline left it unfrozen) overwrites the holder's reference;
// the thawer's own final put then frees the page under the holder.
const THAW_STORE_ONE: Expect = [
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, FREED_HELD, READ_ONLY, GONE, STALE_RO, STALE_GONE, H,
    REVIVED, H,
];
// Without the reset: v7's strays per frozen period are bounded by the gets
// in flight, far below where the reset starts, so no cell can tell.
const NO_RESET: Expect = V7;
// NR_CPUS = 8192 without the cmpxchg branch: 8192 GUP-fast adds of 2^18 in
// flight wrap the frozen word to 0.
const NO_LARGE_ADD_CAS: Expect = [
    H, H, H, H, H, H, H, WRAPPED, H, H, H, H, H, H, H, READ_ONLY, GONE, STALE_RO, STALE_GONE, H,
    REVIVED, H,
];
const UNFREEZE_RELAXED: Expect = [
    H,
    UNPUBLISHED,
    UNPUBLISHED,
    H,
    H,
    H,
    H,
    H,
    H,
    H,
    H,
    H,
    H,
    H,
    H,
    READ_ONLY,
    GONE,
    STALE_RO,
    STALE_GONE,
    H,
    REVIVED,
    H,
];
// v8 without the read-side section around the put: the get's side of R16
// is closed, the put's is open again.
const V8_PUT_OUTSIDE: Expect = [
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, STALE_RO, STALE_GONE, H, REVIVED, H,
];
// v8 without the grace period: its read-side sections protect nothing.
const V8_NO_GP: Expect = V7;

/// The rows `make model-deep` (`PAGEREF_MODEL_DEEP=1`) checks at the deep
/// bounds; it skips the others.
const DEEP_ROWS: [&str; 8] = [
    "mainline",
    "series-v6",
    "series@6",
    "series",
    "series-v8",
    "series+casput",
    "broken:v8-put-outside-rcu",
    "broken:v8-no-grace-period",
];

fn run(scheme: &str, expect: Expect) {
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
    for (sc, want) in Scenario::ALL.into_iter().zip(expect) {
        let o = check_by_name(scheme, sc);
        println!("{}", o.summary());
        assert!(o.executions > 0);
        match (&o.verdict, want) {
            (Verdict::Holds, None) => {}
            (Verdict::Counterexample(f), Some(msg)) => {
                println!("{}", f.render());
                if !f.message.contains(msg) {
                    bad.push(format!(
                        "{scheme} x {}: expected `{msg}`, got `{}`",
                        sc.name(),
                        f.message
                    ));
                }
            }
            (Verdict::Holds, Some(msg)) => {
                bad.push(format!(
                    "{scheme} x {}: expected a counterexample (`{msg}`), none found",
                    sc.name()
                ));
            }
            (Verdict::Counterexample(f), None) => {
                println!("{}", f.render());
                bad.push(format!(
                    "{scheme} x {}: unexpected counterexample: {}",
                    sc.name(),
                    f.message
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "verdicts differ from the expected ones:\n{}",
        bad.join("\n")
    );
}

#[test]
fn mainline() {
    run("mainline", MAINLINE);
}

#[test]
fn assume_one() {
    run("assume-1", ASSUME_ONE);
}

#[test]
fn v6_at_patch2() {
    run("v6@patch2", V6_PATCH2);
}

#[test]
fn series_v6() {
    run("series-v6", SERIES_V6);
}

#[test]
fn series_at_3() {
    run("series@3", SERIES_AT_3);
}

#[test]
fn series_at_5() {
    run("series@5", SERIES_AT_5);
}

#[test]
fn series_at_6() {
    run("series@6", SERIES_AT_6);
}

#[test]
fn series() {
    run("series", SERIES);
}

#[test]
fn series_sub_cas() {
    run("series+sub-cas", SUB_CAS);
}

#[test]
fn series_assume_own() {
    run("series+assume-own", ASSUME_OWN);
}

#[test]
fn series_read_cas() {
    run("series+read-cas", READ_CAS);
}

#[test]
fn series_casput() {
    run("series+casput", CASPUT);
}

#[test]
fn broken_undo_on_fail() {
    run("broken:undo-on-fail", UNDO);
}

#[test]
fn broken_add_on_frozen() {
    run("broken:add-on-frozen", ADD_ON_FROZEN);
}

#[test]
fn broken_no_freeze_cas() {
    run("broken:no-freeze-cas", NO_CAS);
}

#[test]
fn broken_reset_store() {
    run("broken:reset-store", RESET_STORE);
}

#[test]
fn broken_unfreeze_add() {
    run("broken:unfreeze-add", UNFREEZE_ADD);
}

#[test]
fn broken_bare_zero_init() {
    run("broken:bare-zero-init", BARE_ZERO);
}

#[test]
fn broken_gup_guard_v6() {
    run("broken:gup-guard-v6", GUARD_V6);
}

#[test]
fn broken_gve_intmax() {
    run("broken:gve-intmax", GVE_INTMAX);
}

#[test]
fn broken_caller_put_v6() {
    run("broken:caller-put-v6", CALLER_PUT_V6);
}

#[test]
fn broken_thaw_by_inc() {
    run("broken:thaw-by-inc", THAW_BY_INC);
}

#[test]
fn broken_thaw_store_1() {
    run("broken:thaw-store-1", THAW_STORE_ONE);
}

#[test]
fn series_8192cpus() {
    run("series-8192cpus", SERIES_8192);
}

#[test]
fn series_v8() {
    run("series-v8", SERIES_V8);
}

#[test]
fn series_v8_at_7() {
    run("series-v8@7", SERIES_V8_AT_7);
}

#[test]
fn series_v8_at_9() {
    run("series-v8@9", SERIES_V8_AT_9);
}

#[test]
fn broken_no_reset() {
    run("broken:no-reset", NO_RESET);
}

#[test]
fn broken_no_large_add_cas() {
    run("broken:no-large-add-cas", NO_LARGE_ADD_CAS);
}

#[test]
fn broken_unfreeze_relaxed() {
    run("broken:unfreeze-relaxed", UNFREEZE_RELAXED);
}

#[test]
fn broken_v8_put_outside_rcu() {
    run("broken:v8-put-outside-rcu", V8_PUT_OUTSIDE);
}

#[test]
fn broken_v8_no_grace_period() {
    run("broken:v8-no-grace-period", V8_NO_GP);
}

/// Every scheme of the table has a test above.
#[test]
fn every_scheme_is_tested() {
    let src = include_str!("loom_model.rs");
    for (name, _) in pageref_model::report::SCHEMES {
        assert!(
            src.contains(&format!("run(\"{name}\", ")),
            "no test runs {name}"
        );
    }
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
/// after its read, P inside its window), R17 three. The default bound of
/// every bounded three-thread scenario must stay at least two above the
/// first bound of each of its known counterexamples; these are the largest
/// ones (the others, listed in Documentation/model.md, appear at 0 or 1).
/// The scenarios searched without a bound need no margin.
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
        ("series@6", Scenario::AbaHvo, 2),
        ("broken:v8-put-outside-rcu", Scenario::AbaHvo, 2),
        ("series", Scenario::ZeroReader, 3),
        ("broken:no-freeze-cas", Scenario::AbaStaleWin, 1),
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
/// and HVO remapped it, then P's cmpxchg(0 -> FROZEN) ran), and v8 holds
/// there with grace periods that had to wait for P.
#[test]
fn r16_stale_write_shape() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    for (sc, gone) in [
        (Scenario::AbaHvo, "HVO remaps the struct page read-only"),
        (Scenario::AbaHotremove, "memory hot-remove frees the memmap"),
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
