//! The loom suite: every scheme against every scenario, with the expected
//! verdicts written down. Correct schemes must hold; the broken variants
//! (and the series in the R9 ABA scenario with owner-chosen destructors)
//! must produce a counterexample, and the kind of violation is checked.
//!
//! Each test prints its cells (scheme, scenario, bound, executions explored,
//! verdict) and the trace of every counterexample; run with
//! `cargo test --release -j 1 -- --nocapture` to see them.

use pageref_model::check::{Scenario, Verdict};
use pageref_model::report::check_by_name;
use std::sync::Once;

static QUIET: Once = Once::new();

/// What a cell must show: `None` = holds, `Some(s)` = a counterexample whose
/// message contains `s`.
type Expect = [Option<&'static str>; 8];

const H: Option<&str> = None;
const ABA: Option<&str> = Some("the destructor of life 1 (chosen by the putter) ran on life 2");
const OWNED: Option<&str> = Some("it now reads as owned");
const DOUBLE: Option<&str> = Some("double free");
const PUT_FROZEN: Option<&str> = Some("put on a page whose word is not an owned value");
const LEAK: Option<&str> = Some("leak");

// Column order = Scenario::ALL: put-vs-get, freeze-vs-get, unfreeze-vs-stray,
// alloc-vs-stray, overflow-reset, aba-owner-dtor, aba-page-dtor, mixed-3.
const MAINLINE: Expect = [H, H, H, H, H, H, H, H];
const ASSUME_ONE: Expect = [H, H, H, H, H, H, H, H];
const SERIES: Expect = [H, H, H, H, H, ABA, H, H];
// Before patch 4 the get refuses the transient 0, so nothing can revive a
// page inside a put's window: no ABA.
const SERIES_PATCH2: Expect = [H, H, H, H, H, H, H, H];
const CASPUT: Expect = [H, H, H, H, H, H, H, H];
const UNDO: Expect = [H, OWNED, OWNED, OWNED, OWNED, OWNED, OWNED, H];
const NO_CAS: Expect = [
    DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE,
];
// The variants built on the series inherit its R9 counterexample.
const RESET_STORE: Expect = [H, H, H, H, LEAK, ABA, H, H];
const UNFREEZE_ADD: Expect = [H, PUT_FROZEN, PUT_FROZEN, H, PUT_FROZEN, ABA, H, H];

fn run(scheme: &str, expect: Expect) {
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
fn series_at_patch2() {
    run("series@patch2", SERIES_PATCH2);
}

#[test]
fn series() {
    run("series", SERIES);
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

/// R9 in detail: the series' counterexample is the ABA the review described
/// (a putter's stale CAS frees the next life), and the fix candidate holds.
#[test]
fn r9_aba_shape() {
    QUIET.call_once(pageref_model::check::quiet_counterexamples);
    let o = check_by_name("series", Scenario::AbaOwnerDtor);
    let Verdict::Counterexample(f) = &o.verdict else {
        panic!("the series must show the R9 ABA");
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
    let fixed = check_by_name("series+casput", Scenario::AbaOwnerDtor);
    assert!(
        !fixed.found(),
        "series+casput must hold: {}",
        fixed.summary()
    );
    let pagestate = check_by_name("series", Scenario::AbaPageDtor);
    assert!(
        !pagestate.found(),
        "page-state destructors make the stale free benign"
    );
}
