//! The verdict table: every scheme against every scenario.

use crate::atom::LoomAtomic as L;
use crate::check::{bound_for, check_bounded, Outcome, Scenario, Verdict};
use crate::scheme::*;
use std::fmt::Write as _;

/// Declares the rows of the table once: [`SCHEMES`] (name and what each
/// is) and [`check_by_name_bounded`] (name to type).
macro_rules! schemes {
    ($($ty:ident: $desc:expr;)*) => {
        /// The schemes in table order, with what each is.
        pub const SCHEMES: [(&str, &str); [$(stringify!($ty)),*].len()] =
            [$(($ty::<L>::NAME, $desc)),*];

        /// Run `sc` for the scheme called `scheme` with preemption bound
        /// `bound`.
        pub fn check_by_name_bounded(
            scheme: &str,
            sc: Scenario,
            bound: Option<usize>,
        ) -> Outcome {
            $(if scheme == $ty::<L>::NAME {
                return check_bounded::<$ty<L>>(sc, bound);
            })*
            panic!("unknown scheme {scheme}")
        }
    };
}

schemes! {
    Mainline: "Linux 7.3: zero means dead";
    AssumeOne: "zero means dead, the get's CAS loop assumes 1";
    V6Patch2: "v6 after its patch 2: frozen bit, cmpxchg-loop get";
    SeriesV6: "the series v6: one-add get, final puts (a)";
    SeriesAt3: "v7 at patches 3-4: frozen bit and v7's fixes, cmpxchg-loop get, final puts (a)";
    SeriesAt5: "v7 at patch 5: as series@3, caller-context put (d)";
    SeriesAt6: "v7 at patches 6-7: read-first get, generic put (a), caller-context put (d)";
    Series: "the series v7: read-first get, generic put (c), caller-context put (d), and the \
             v7 fixes";
    SeriesCpus8192: "v7 built with NR_CPUS=8192: PAGEREF_MAX_RACY_ADD = 2^16, below GUP-fast's \
                     2^18";
    SeriesV8At4: "v8 at patch 4: frozen bit, cmpxchg-loop get, final puts (a), GUP-fast's \
                  dead `count < 0` guard, no reset, v7's thaw (it takes a final put's 0)";
    SeriesV8At5: "v8 at patches 5-6: as series-v8@4 with the owned-limit guard";
    SeriesV8At7: "v8 at patch 7: as series-v8@5, caller-context put (d)";
    SeriesV8At8: "v8 at patches 8-9: series-v8@7, the cmpxchg-loop get and the generic put (a) \
                  in RCU read-side sections, grace periods before HVO, offlining and \
                  hot-remove, the thaw waits while the count reads 0, fsdax idle only when \
                  frozen";
    SeriesV8At10: "v8 at patches 10-13: as series-v8@8 with the read-first get";
    SeriesV8: "v8: v7, the get and the generic put's slow path in RCU read-side sections, \
               grace periods before HVO, offlining and hot-remove, fsdax idle only when \
               frozen, the large-add loop bounded, no reset";
    SeriesV8DebugVm: "v8 built with CONFIG_DEBUG_VM: both final puts refuse, without writing, \
                      a put on a frozen page; a failed get warns past PAGEREF_SATURATED";
    SeriesV8Cpus8192: "v8 built with NR_CPUS=8192: GUP-fast's 2^18 take the bounded cmpxchg \
                       loop";
    SeriesV8Cpus2: "v8 built with NR_CPUS=2: PAGEREF_MAX_RACY_ADD = 2^28";
    SeriesSubCas: "v7 with every final put (a): sub, then cmpxchg(0 -> FROZEN)";
    SeriesAssumeOwn: "v7 with every final put (b): cmpxchg(nr -> FROZEN), else (a)";
    SeriesReadCas: "v7 with every final put (c): read, cmpxchg if nr, else (a)";
    SeriesCasPut: "v7 with every final put (d): the CAS loop that never stores 0";
    UndoOnFail: "v7, a failed get decrements back";
    AddOnFrozen: "v7, the get adds without reading first (v6's get)";
    NoFreezeCas: "v7, the put that reaches 0 stores FROZEN and frees";
    ResetByStore: "v7, the overflow reset is atomic_set(FROZEN)";
    UnfreezeByAdd: "v7, unfreeze adds the count (R11)";
    BareZeroInit: "v7, zeroed struct pages keep a bare 0 (v6's HVO)";
    GuardV6: "v7, GUP-fast keeps the `count < 0` guard of v6";
    GveIntMax: "v7, gve still biases to INT_MAX";
    CallerPutV6: "v7, the caller-context put left on shape (a)";
    ThawIncrement: "v7, fsdax takes its reference with folio_ref_inc()";
    ThawByStoreOne: "v7, virtio-mem's cancel stores 1 (v6: page_ref_unfreeze(page, 1))";
    NoResetFrozen: "v7 without page_ref_reset_frozen()";
    NoLargeAddCas: "v7 at NR_CPUS=8192 without the get's cmpxchg branch for \
                    nr > PAGEREF_MAX_RACY_ADD";
    UnfreezeRelaxed: "v7, unfreeze is a relaxed atomic_set()";
    V8PutOutsideRcu: "v8, the generic put's slow path outside any RCU read-side section";
    V8PutSectionAfterSub: "v8, the generic put's section starts after its subtract";
    V8GetReadOutside: "v8, the get's section starts after its read";
    V8NoGracePeriod: "v8, HVO, offlining and hot-remove do not wait for a grace period";
    V8NoOfflineGracePeriod: "v8, offline_pages() does not wait for a grace period";
    V8IdleZero: "v8, fsdax keeps v7's idle test (a count of 0)";
    V8ThawByIncDebugVm: "v8 with CONFIG_DEBUG_VM, fsdax takes its reference with \
                         folio_ref_inc()";
    V8ThawTakesZero: "v8, page_ref_inc_or_thaw() takes a final put's transient 0 to 1 (v8 \
                      before its review and at patches 4-7, v6, v7)";
    V8GrabCheckThenAdd: "v8, slow GUP keeps v7's check of the owned limit before its add";
    V8NoLargeAddCasDebugVm: "v8 at NR_CPUS=8192 with CONFIG_DEBUG_VM, without the get's cmpxchg \
                             loop for nr > PAGEREF_MAX_RACY_ADD";
}

/// Run `sc` for the scheme called `scheme` (one of [`SCHEMES`]) with the
/// bound of [`crate::check::bound_for`].
pub fn check_by_name(scheme: &str, sc: Scenario) -> Outcome {
    check_by_name_bounded(scheme, sc, bound_for(sc))
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

/// The cells searched with a preemption bound that is not at least two
/// above the smallest bound at which their counterexample appears (the
/// margin that `Documentation/model.md` promises, so that a variant that
/// needs a preemption or two more than the one found is still caught).
pub fn margin_violations(outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter_map(|o| match (o.bound, o.first_bound) {
            (Some(b), Some(k)) if b < k + 2 => Some(format!(
                "{} x {}: bound {b}, first counterexample at {k}",
                o.scheme,
                o.scenario.name()
            )),
            _ => None,
        })
        .collect()
}

/// For each bounded column present in `outcomes`: its bound and the
/// largest first bound of a counterexample in it, and whether every cell
/// keeps the margin of two ([`margin_violations`]).
pub fn margins(outcomes: &[Outcome]) -> String {
    let mut s = String::from(
        "\nBounded columns: the bound, and the largest preemption bound at which a \
         counterexample in the column first appears (every bound must be at least two \
         above it).\n\n| scenario | bound | largest first bound |\n|---|---|---|\n",
    );
    let mut any = false;
    for sc in Scenario::ALL {
        let cells: Vec<&Outcome> = outcomes.iter().filter(|o| o.scenario == sc).collect();
        let Some(bound) = cells.first().and_then(|o| o.bound) else {
            continue;
        };
        any = true;
        let first = cells
            .iter()
            .filter_map(|o| o.first_bound)
            .max()
            .map_or_else(|| "none found".to_string(), |k| k.to_string());
        let _ = writeln!(s, "| {} | {bound} | {first} |", sc.name());
    }
    let bad = margin_violations(outcomes);
    if bad.is_empty() {
        let _ = writeln!(s, "\nEvery bounded cell keeps the margin.");
    } else {
        let _ = writeln!(s, "\nCells without the margin: {}.", bad.join("; "));
    }
    if any {
        s
    } else {
        String::new()
    }
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
    s.push_str(&margins(outcomes));
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
