//! The verdict table: every scheme against every scenario.

use crate::atom::LoomAtomic as L;
use crate::check::{check, Outcome, Scenario, Verdict};
use crate::scheme::*;
use std::fmt::Write as _;

/// The schemes in table order.
pub const SCHEMES: [&str; 9] = [
    "mainline",
    "assume-1",
    "series@patch2",
    "series",
    "series+casput",
    "broken:undo-on-fail",
    "broken:no-freeze-cas",
    "broken:reset-store",
    "broken:unfreeze-add",
];

/// Run `sc` for the scheme called `scheme` (one of [`SCHEMES`]).
pub fn check_by_name(scheme: &str, sc: Scenario) -> Outcome {
    match scheme {
        "mainline" => check::<Mainline<L>>(sc),
        "assume-1" => check::<AssumeOne<L>>(sc),
        "series@patch2" => check::<SeriesPatch2<L>>(sc),
        "series" => check::<Series<L>>(sc),
        "series+casput" => check::<SeriesCasPut<L>>(sc),
        "broken:undo-on-fail" => check::<UndoOnFail<L>>(sc),
        "broken:no-freeze-cas" => check::<NoFreezeCas<L>>(sc),
        "broken:reset-store" => check::<ResetStore<L>>(sc),
        "broken:unfreeze-add" => check::<UnfreezeByAdd<L>>(sc),
        _ => panic!("unknown scheme {scheme}"),
    }
}

/// Run the whole matrix, or the rows named in `only` and the columns named
/// in `scenarios` (scenario names up to the first space) when not empty,
/// calling `progress` after each cell.
pub fn run_all(
    only: &[String],
    scenarios: &[String],
    mut progress: impl FnMut(&Outcome),
) -> Vec<Outcome> {
    let short = |sc: Scenario| sc.name().split(' ').next().unwrap_or_default().to_string();
    let columns: Vec<Scenario> = Scenario::ALL
        .into_iter()
        .filter(|&sc| scenarios.is_empty() || scenarios.contains(&short(sc)))
        .collect();
    assert!(!columns.is_empty(), "no scenario matches {scenarios:?}");
    let mut v = Vec::new();
    for s in SCHEMES
        .into_iter()
        .filter(|s| only.is_empty() || only.iter().any(|o| o == s))
    {
        for &sc in &columns {
            let o = check_by_name(s, sc);
            progress(&o);
            v.push(o);
        }
    }
    v
}

/// The matrix as Markdown: the verdict table, then every counterexample's
/// trace (the first one found per scheme x scenario).
pub fn markdown(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Cell: verdict / executions explored (preemption bound).");
    let _ = writeln!(s, "`CE-n` = counterexample, trace n below.\n");
    let columns: Vec<Scenario> = Scenario::ALL
        .into_iter()
        .filter(|sc| outcomes.iter().any(|o| o.scenario == *sc))
        .collect();
    let _ = write!(s, "| scheme |");
    for sc in &columns {
        let _ = write!(s, " {} |", sc.name());
    }
    let _ = writeln!(s);
    let _ = write!(s, "|---|");
    for _ in &columns {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
    let mut traces = String::new();
    let mut n = 0;
    for scheme in SCHEMES
        .into_iter()
        .filter(|s| outcomes.iter().any(|o| o.scheme == *s))
    {
        let _ = write!(s, "| {scheme} |");
        for o in outcomes.iter().filter(|o| o.scheme == scheme) {
            match &o.verdict {
                Verdict::Holds => {
                    let _ = write!(s, " holds / {} ({}) |", o.executions, o.bound_str());
                }
                Verdict::Counterexample(f) => {
                    n += 1;
                    let _ = write!(s, " **CE-{n}** / {} ({}) |", o.executions, o.bound_str());
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
