//! Prints the model checker's verdict table and counterexample traces as
//! Markdown (the generated part of `Documentation/model.md`).
//!
//! ```text
//! cargo run --release -j 1 -p pageref-model --bin model-report -- \
//!     [--doc PATH] [--scenarios NAME,...] [SCHEME...]
//! ```
//!
//! All schemes and scenarios by default (`--scenarios` takes scenario
//! names up to the first space, e.g. `put-vs-get,mixed-3`). `--doc PATH` rewrites the part of PATH between
//! the `BEGIN model-report` and `END model-report` markers instead of
//! printing. `PAGEREF_MODEL_PREEMPTIONS=n|none` overrides every scenario's
//! preemption bound.

const BEGIN: &str = "<!-- BEGIN model-report (generated: do not edit) -->";
const END: &str = "<!-- END model-report -->";

fn main() {
    // Counterexamples are expected; their panics are caught and reported in
    // the table, so keep the default hook from printing them twice.
    pageref_model::check::quiet_counterexamples();
    let mut only: Vec<String> = Vec::new();
    let mut doc: Option<String> = None;
    let mut scenarios: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--doc" {
            doc = Some(args.next().expect("--doc needs a path"));
        } else if a == "--scenarios" {
            let list = args
                .next()
                .expect("--scenarios needs a comma-separated list");
            scenarios = list.split(',').map(str::to_string).collect();
        } else {
            only.push(a);
        }
    }
    for s in &only {
        assert!(
            pageref_model::report::SCHEMES.iter().any(|(n, _)| n == s),
            "unknown scheme {s}"
        );
    }
    let outcomes = pageref_model::report::run_all(&only, &scenarios, true, |o| {
        let first = o
            .first_bound
            .map_or_else(String::new, |b| format!(" [first at bound {b}]"));
        let mut extra = String::new();
        for (n, what) in [
            (o.stray_executions, "stray"),
            (o.reset_executions, "reset"),
            (o.transition_executions, "read-only/gone"),
            (o.gp_wait_executions, "grace period waited"),
            (o.stale_win_executions, "stale win"),
            (o.taken_dead_executions, "taken as dead"),
            (o.thaw_wait_executions, "thaw waited"),
        ] {
            if n > 0 {
                extra.push_str(&format!(" [{what}: {n}]"));
            }
        }
        eprintln!("{}{first}{extra}", o.summary())
    });
    let md = pageref_model::report::markdown(&outcomes);
    match doc {
        None => print!("{md}"),
        Some(path) => {
            let text = std::fs::read_to_string(&path).expect("read the document");
            let (begin, end) = (BEGIN, END);
            let b = text
                .find(begin)
                .expect("the document lacks the BEGIN marker");
            let e = text.find(end).expect("the document lacks the END marker");
            assert!(b < e, "markers out of order");
            let new = format!("{}{begin}\n{md}{}", &text[..b], &text[e..]);
            std::fs::write(&path, new).expect("write the document");
            eprintln!("updated {path}");
        }
    }
    let bad = pageref_model::report::margin_violations(&outcomes);
    if !bad.is_empty() {
        eprintln!(
            "cells whose bound is not two above their first counterexample:\n{}",
            bad.join("\n")
        );
        std::process::exit(1);
    }
}
