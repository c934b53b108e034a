//! The verdict table: every scheme against every scenario.

use crate::atom::LoomAtomic as L;
use crate::check::{bound_for, check_bounded, Outcome, Scenario, Verdict};
use crate::scheme::*;
use std::fmt::Write as _;

/// The schemes in table order, with what each is.
pub const SCHEMES: [(&str, &str); 32] = [
    ("mainline", "Linux 7.3: zero means dead"),
    ("assume-1", "zero means dead, the get's CAS loop assumes 1"),
    (
        "v6@patch2",
        "v6 after its patch 2: frozen bit, cmpxchg-loop get",
    ),
    ("series-v6", "the series v6: one-add get, final puts (a)"),
    (
        "series@3",
        "v7 at patches 3-4: frozen bit and v7's fixes, cmpxchg-loop get, final puts (a)",
    ),
    (
        "series@5",
        "v7 at patch 5: as series@3, caller-context put (d)",
    ),
    (
        "series@6",
        "v7 at patches 6-7: read-first get, generic put (a), caller-context put (d)",
    ),
    (
        "series",
        "the series v7: read-first get, generic put (c), caller-context put (d), and the v7 fixes",
    ),
    (
        "series-8192cpus",
        "v7 built with NR_CPUS=8192: PAGEREF_MAX_RACY_ADD = 2^16, below GUP-fast's 2^18",
    ),
    (
        "series-v8@7",
        "v8 at patches 7-8: series@5, the cmpxchg-loop get and the generic put (a) in RCU \
         read-side sections, HVO and hot-remove after a grace period",
    ),
    (
        "series-v8@9",
        "v8 at patches 9-12: as series-v8@7 with the read-first get",
    ),
    (
        "series-v8",
        "v8: v7, the get and the generic put's slow path in RCU read-side sections, \
         HVO and hot-remove after a grace period",
    ),
    (
        "series+sub-cas",
        "v7 with every final put (a): sub, then cmpxchg(0 -> FROZEN)",
    ),
    (
        "series+assume-own",
        "v7 with every final put (b): cmpxchg(nr -> FROZEN), else (a)",
    ),
    (
        "series+read-cas",
        "v7 with every final put (c): read, cmpxchg if nr, else (a)",
    ),
    (
        "series+casput",
        "v7 with every final put (d): the CAS loop that never stores 0",
    ),
    ("broken:undo-on-fail", "v7, a failed get decrements back"),
    (
        "broken:add-on-frozen",
        "v7, the get adds without reading first (v6's get)",
    ),
    (
        "broken:no-freeze-cas",
        "v7, the put that reaches 0 stores FROZEN and frees",
    ),
    (
        "broken:reset-store",
        "v7, the overflow reset is atomic_set(FROZEN)",
    ),
    ("broken:unfreeze-add", "v7, unfreeze adds the count (R11)"),
    (
        "broken:bare-zero-init",
        "v7, zeroed struct pages keep a bare 0 (v6's HVO)",
    ),
    (
        "broken:gup-guard-v6",
        "v7, GUP-fast keeps the `count < 0` guard of v6",
    ),
    ("broken:gve-intmax", "v7, gve still biases to INT_MAX"),
    (
        "broken:caller-put-v6",
        "v7, the caller-context put left on shape (a)",
    ),
    (
        "broken:thaw-by-inc",
        "v7, fsdax takes its reference with folio_ref_inc()",
    ),
    (
        "broken:thaw-store-1",
        "v7, virtio-mem's cancel stores 1 (v6: page_ref_unfreeze(page, 1))",
    ),
    ("broken:no-reset", "v7 without page_ref_reset_frozen()"),
    (
        "broken:no-large-add-cas",
        "v7 at NR_CPUS=8192 without the get's cmpxchg branch for nr > PAGEREF_MAX_RACY_ADD",
    ),
    (
        "broken:unfreeze-relaxed",
        "v7, unfreeze is a relaxed atomic_set()",
    ),
    (
        "broken:v8-put-outside-rcu",
        "v8, the generic put's slow path outside any RCU read-side section",
    ),
    (
        "broken:v8-no-grace-period",
        "v8, HVO and hot-remove do not wait for a grace period",
    ),
];

/// Run `sc` for the scheme called `scheme` (one of [`SCHEMES`]) with the
/// bound of [`crate::check::bound_for`].
pub fn check_by_name(scheme: &str, sc: Scenario) -> Outcome {
    check_by_name_bounded(scheme, sc, bound_for(sc))
}

/// Run `sc` for the scheme called `scheme` with preemption bound `bound`.
pub fn check_by_name_bounded(scheme: &str, sc: Scenario, bound: Option<usize>) -> Outcome {
    match scheme {
        "mainline" => check_bounded::<Mainline<L>>(sc, bound),
        "assume-1" => check_bounded::<AssumeOne<L>>(sc, bound),
        "v6@patch2" => check_bounded::<V6Patch2<L>>(sc, bound),
        "series-v6" => check_bounded::<SeriesV6<L>>(sc, bound),
        "series@3" => check_bounded::<SeriesAt3<L>>(sc, bound),
        "series@5" => check_bounded::<SeriesAt5<L>>(sc, bound),
        "series@6" => check_bounded::<SeriesAt6<L>>(sc, bound),
        "series" => check_bounded::<Series<L>>(sc, bound),
        "series-8192cpus" => check_bounded::<SeriesCpus8192<L>>(sc, bound),
        "series-v8@7" => check_bounded::<SeriesV8At7<L>>(sc, bound),
        "series-v8@9" => check_bounded::<SeriesV8At9<L>>(sc, bound),
        "series-v8" => check_bounded::<SeriesV8<L>>(sc, bound),
        "series+sub-cas" => check_bounded::<SeriesSubCas<L>>(sc, bound),
        "series+assume-own" => check_bounded::<SeriesAssumeOwn<L>>(sc, bound),
        "series+read-cas" => check_bounded::<SeriesReadCas<L>>(sc, bound),
        "series+casput" => check_bounded::<SeriesCasPut<L>>(sc, bound),
        "broken:undo-on-fail" => check_bounded::<UndoOnFail<L>>(sc, bound),
        "broken:add-on-frozen" => check_bounded::<AddOnFrozen<L>>(sc, bound),
        "broken:no-freeze-cas" => check_bounded::<NoFreezeCas<L>>(sc, bound),
        "broken:reset-store" => check_bounded::<ResetByStore<L>>(sc, bound),
        "broken:unfreeze-add" => check_bounded::<UnfreezeByAdd<L>>(sc, bound),
        "broken:bare-zero-init" => check_bounded::<BareZeroInit<L>>(sc, bound),
        "broken:gup-guard-v6" => check_bounded::<GuardV6<L>>(sc, bound),
        "broken:gve-intmax" => check_bounded::<GveIntMax<L>>(sc, bound),
        "broken:caller-put-v6" => check_bounded::<CallerPutV6<L>>(sc, bound),
        "broken:thaw-by-inc" => check_bounded::<ThawIncrement<L>>(sc, bound),
        "broken:thaw-store-1" => check_bounded::<ThawByStoreOne<L>>(sc, bound),
        "broken:no-reset" => check_bounded::<NoResetFrozen<L>>(sc, bound),
        "broken:no-large-add-cas" => check_bounded::<NoLargeAddCas<L>>(sc, bound),
        "broken:unfreeze-relaxed" => check_bounded::<UnfreezeRelaxed<L>>(sc, bound),
        "broken:v8-put-outside-rcu" => check_bounded::<V8PutOutsideRcu<L>>(sc, bound),
        "broken:v8-no-grace-period" => check_bounded::<V8NoGracePeriod<L>>(sc, bound),
        _ => panic!("unknown scheme {scheme}"),
    }
}

/// The smallest preemption bound at which `scheme` x `sc` shows a
/// counterexample, searching 0, 1, .. up to `max`; None if none up to it.
pub fn first_bound(scheme: &str, sc: Scenario, max: usize) -> Option<usize> {
    (0..=max).find(|&b| check_by_name_bounded(scheme, sc, Some(b)).found())
}

/// How far [`run_all`] searches for the first bound of a counterexample
/// found in an unbounded cell.
pub const FIRST_BOUND_MAX_UNBOUNDED: usize = 8;

/// Run the whole matrix, or the rows named in `only` and the columns named
/// in `scenarios` (scenario names up to the first space) when not empty,
/// calling `progress` after each cell. With `first_bounds`, each
/// counterexample's cell also records the smallest preemption bound at
/// which one appears (searched up to the cell's bound, or up to
/// [`FIRST_BOUND_MAX_UNBOUNDED`] for an unbounded cell).
pub fn run_all(
    only: &[String],
    scenarios: &[String],
    first_bounds: bool,
    mut progress: impl FnMut(&Outcome),
) -> Vec<Outcome> {
    let short = |sc: Scenario| sc.name().split(' ').next().unwrap_or_default().to_string();
    let columns: Vec<Scenario> = Scenario::ALL
        .into_iter()
        .filter(|&sc| scenarios.is_empty() || scenarios.contains(&short(sc)))
        .collect();
    assert!(!columns.is_empty(), "no scenario matches {scenarios:?}");
    let mut v = Vec::new();
    for (s, _) in SCHEMES
        .into_iter()
        .filter(|(s, _)| only.is_empty() || only.iter().any(|o| o == s))
    {
        for &sc in &columns {
            let mut o = check_by_name(s, sc);
            if first_bounds && o.found() {
                let max = o.bound.unwrap_or(FIRST_BOUND_MAX_UNBOUNDED);
                o.first_bound = first_bound(s, sc, max);
            }
            progress(&o);
            v.push(o);
        }
    }
    v
}

/// The scenarios that exist to exercise stray adds and the overflow reset.
pub const STRAY_SCENARIOS: [Scenario; 4] = [
    Scenario::UnfreezeVsStray,
    Scenario::AllocVsStray,
    Scenario::ZeroedVsWalker,
    Scenario::OverflowReset,
];

/// For the stray scenarios present in `outcomes`: per scheme, how many
/// completed executions left a stray add and how many ran the overflow
/// reset (a cell that holds with 0 of both never exercised them).
pub fn coverage(outcomes: &[Outcome]) -> String {
    let columns: Vec<Scenario> = STRAY_SCENARIOS
        .into_iter()
        .filter(|sc| outcomes.iter().any(|o| o.scenario == *sc))
        .collect();
    if columns.is_empty() {
        return String::new();
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\nStray scenarios: executions in which a failed get left a stray add / \
         in which `page_ref_reset_frozen()` ran (completed executions only).\n"
    );
    table_header(&mut s, &columns);
    for (scheme, _) in SCHEMES
        .into_iter()
        .filter(|(s, _)| outcomes.iter().any(|o| o.scheme == *s))
    {
        let _ = write!(s, "| {scheme} |");
        for sc in &columns {
            match outcomes
                .iter()
                .find(|o| o.scheme == scheme && o.scenario == *sc)
            {
                Some(o) => {
                    let _ = write!(s, " {} / {} |", o.stray_executions, o.reset_executions);
                }
                None => {
                    let _ = write!(s, " |");
                }
            }
        }
        let _ = writeln!(s);
    }
    s
}

/// The header of a Markdown table with one column per scenario.
fn table_header(s: &mut String, columns: &[Scenario]) {
    let _ = write!(s, "| scheme |");
    for sc in columns {
        let _ = write!(s, " {} |", sc.name());
    }
    let _ = writeln!(s);
    let _ = write!(s, "|---|");
    for _ in columns {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
}

/// The matrix as Markdown: the verdict table, then every counterexample's
/// trace (the first one found per scheme x scenario).
pub fn markdown(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Cell: verdict / executions explored (preemption bound).");
    let _ = writeln!(
        s,
        "`CE-n` = counterexample, trace n below; `from k`: the smallest \
         preemption bound at which a counterexample appears in that cell.\n"
    );
    let columns: Vec<Scenario> = Scenario::ALL
        .into_iter()
        .filter(|sc| outcomes.iter().any(|o| o.scenario == *sc))
        .collect();
    table_header(&mut s, &columns);
    let mut traces = String::new();
    let mut n = 0;
    for (scheme, _) in SCHEMES
        .into_iter()
        .filter(|(s, _)| outcomes.iter().any(|o| o.scheme == *s))
    {
        let _ = write!(s, "| {scheme} |");
        for o in outcomes.iter().filter(|o| o.scheme == scheme) {
            match &o.verdict {
                Verdict::Holds => {
                    let _ = write!(s, " holds / {} ({}) |", o.executions, o.bound_str());
                }
                Verdict::Counterexample(f) => {
                    n += 1;
                    let first = o
                        .first_bound
                        .map_or_else(String::new, |b| format!("; from {b}"));
                    let _ = write!(
                        s,
                        " **CE-{n}** / {} ({}{first}) |",
                        o.executions,
                        o.bound_str()
                    );
                    let _ = writeln!(
                        traces,
                        "#### CE-{n}: {} x {}\n\n{}\n\n```\n{}```\n",
                        o.scheme,
                        o.scenario.name(),
                        f.message,
                        f.render()
                    );
                }
            }
        }
        let _ = writeln!(s);
    }
    s.push_str(&coverage(outcomes));
    let total: usize = outcomes.iter().map(|o| o.executions).sum();
    let secs: f64 = outcomes.iter().map(|o| o.elapsed.as_secs_f64()).sum();
    let _ = writeln!(
        s,
        "\n{} cells, {} executions explored in all, {:.1} s of exploration.\n",
        outcomes.len(),
        total,
        secs
    );
    s.push_str("### Counterexample traces\n\n");
    s.push_str(&traces);
    s
}
