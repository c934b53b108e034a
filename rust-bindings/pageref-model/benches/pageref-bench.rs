//! Host benchmark of the refcount schemes on real atomics, under criterion.
//!
//! Benchmarks (criterion group / function):
//! * `get-put T threads` / `mainline`, `assume-1`, `series-v6`, `series`,
//!   `series+assume-own`, `series+casput`, for each thread count T (default
//!   1..=N, N = the CPUs this process may use; `PAGEREF_BENCH_THREADS=1,2,4`
//!   chooses): T threads, thread i pinned to the i-th of those CPUs modulo
//!   N, released together from a barrier, each loop `try_get(1)` + `put(1)`
//!   (the generic put, never final) on one shared page whose count never
//!   drops below 1. Criterion's time per iteration is the mean over threads
//!   of each thread's loop time: ns per get+put pair per thread.
//!   (`series+read-cas` is left out: its generic put is `series`'.)
//! * `final-put put-only` and `final-put alloc-put` / one function per
//!   final put shape: mainline's `atomic_sub_and_test()`, (a) v6's sub then
//!   cmpxchg, (b) assume-own, (c) v7's generic read-then-cas, (d) v7's
//!   caller-context CAS loop: the uncontended final put (R7) on one pinned
//!   thread, alone on batches of allocated pages, or right after the
//!   allocation's store.
//!
//! After criterion's own report, prints a Markdown summary: per cell,
//! criterion's median with the min..max of its samples (ns per iteration)
//! and the ratio of the median to mainline's, read back from the
//! `estimates.json` and `sample.json` criterion wrote during this run; cells
//! that did not run (filtered out, `--test`, `--list`) are left out. With
//! `PAGEREF_BENCH_SUMMARY=FILE` the summary goes to FILE instead of stdout.
//!
//! Defaults: 1 s warm-up, 5 s measurement, 100 samples per cell; criterion's
//! options (`--warm-up-time`, `--measurement-time`, `--sample-size`, a
//! filter such as `'2 threads'`) override them. `scripts/model-bench.sh`
//! runs this.

use criterion::Criterion;
use pageref_model::atom::StdAtomic as A;
use pageref_model::bench::{alloc_put, allowed_cpus, contended, pin_to, put_only, thread_counts};
use pageref_model::scheme::{
    AssumeOne, Mainline, RefScheme, Series, SeriesAssumeOwn, SeriesCasPut, SeriesV6,
};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const THREADS_VAR: &str = "PAGEREF_BENCH_THREADS";
const SUMMARY_VAR: &str = "PAGEREF_BENCH_SUMMARY";

/// A contended measurement: threads, iterations, CPUs -> time per thread.
type Contended = fn(usize, u64, &[usize]) -> Duration;
/// A single-thread measurement: iterations -> time.
type Single = fn(u64) -> Duration;

/// Columns of the get+put table, mainline (the reference of the ratios) first.
const CONTENDED: [(&str, Contended); 6] = [
    (Mainline::<A>::NAME, contended::<Mainline<A>>),
    (AssumeOne::<A>::NAME, contended::<AssumeOne<A>>),
    (SeriesV6::<A>::NAME, contended::<SeriesV6<A>>),
    (Series::<A>::NAME, contended::<Series<A>>),
    (SeriesAssumeOwn::<A>::NAME, contended::<SeriesAssumeOwn<A>>),
    (SeriesCasPut::<A>::NAME, contended::<SeriesCasPut<A>>),
];
/// Rows of the final put table: function name, what the final put
/// executes, the two measurements (assume-1 is left out: its put is
/// mainline's).
const FINAL_PUT: [(&str, &str, Single, Single); 5] = [
    (
        "mainline",
        "`atomic_sub_and_test()`: 1 locked sub",
        put_only::<Mainline<A>, false>,
        alloc_put::<Mainline<A>, false>,
    ),
    (
        "a-sub-cas (series-v6)",
        "locked sub + locked cmpxchg(0 -> FROZEN)",
        put_only::<SeriesV6<A>, false>,
        alloc_put::<SeriesV6<A>, false>,
    ),
    (
        "b-assume-own",
        "locked cmpxchg(nr -> FROZEN)",
        put_only::<SeriesAssumeOwn<A>, false>,
        alloc_put::<SeriesAssumeOwn<A>, false>,
    ),
    (
        "c-read-cas (series generic)",
        "load + locked cmpxchg(nr -> FROZEN)",
        put_only::<Series<A>, false>,
        alloc_put::<Series<A>, false>,
    ),
    (
        "d-cas-loop (series caller)",
        "load + locked cmpxchg(nr -> FROZEN), loop",
        put_only::<Series<A>, true>,
        alloc_put::<Series<A>, true>,
    ),
];
const PUT_ONLY: &str = "final-put put-only";
const ALLOC_PUT: &str = "final-put alloc-put";

// Group and function names contain none of the characters criterion
// replaces in directory names (`?"/\*<>:|^`), so the names are the paths.
fn contended_group(threads: usize) -> String {
    format!("get-put {threads} threads")
}

fn benchmarks(c: &mut Criterion, threads: &[usize], cpus: &[usize]) {
    for &t in threads {
        let mut g = c.benchmark_group(contended_group(t));
        for (name, run) in CONTENDED {
            g.bench_function(name, |b| b.iter_custom(|iters| run(t, iters, cpus)));
        }
        g.finish();
    }
    assert!(pin_to(cpus[0]), "cannot pin to CPU {}", cpus[0]);
    for (group, column) in [(PUT_ONLY, 0), (ALLOC_PUT, 1)] {
        let mut g = c.benchmark_group(group);
        for (name, _, put_only, alloc_put) in FINAL_PUT {
            let run = [put_only, alloc_put][column];
            g.bench_function(name, |b| b.iter_custom(run));
        }
        g.finish();
    }
}

/// Where criterion writes its results: `$CRITERION_HOME`, else `criterion/`
/// in cargo's target directory, which holds this executable as
/// `<target>/<profile>/deps/<name>` (criterion's own default, which it finds
/// with `cargo metadata` instead). Handed to criterion, so that the summary
/// reads what criterion wrote.
fn output_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(|t| t.join("criterion")))
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

/// One cell: criterion's median estimate and the extremes of its samples,
/// ns per iteration.
struct Cell {
    median: f64,
    min: f64,
    max: f64,
    samples: usize,
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn numbers(v: &Value, path: &Path, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .and_then(|a| a.iter().map(Value::as_f64).collect())
        .unwrap_or_else(|| panic!("{}: no numeric array {key:?}", path.display()))
}

/// The cell of `group`/`function` if criterion measured it in this run
/// (its estimates are newer than `since`).
fn cell(dir: &Path, group: &str, function: &str, since: SystemTime) -> Option<Cell> {
    let new = dir.join(group).join(function).join("new");
    let est_path = new.join("estimates.json");
    let written = std::fs::metadata(&est_path)
        .and_then(|m| m.modified())
        .ok()?;
    if written < since {
        return None;
    }
    let est = load(&est_path);
    let median = est["median"]["point_estimate"]
        .as_f64()
        .unwrap_or_else(|| panic!("{}: no median", est_path.display()));
    let sample_path = new.join("sample.json");
    let sample = load(&sample_path);
    let iters = numbers(&sample, &sample_path, "iters");
    let times = numbers(&sample, &sample_path, "times");
    assert!(!iters.is_empty() && iters.len() == times.len());
    let per_iter = times.iter().zip(&iters).map(|(t, i)| t / i);
    Some(Cell {
        median,
        min: per_iter.clone().fold(f64::INFINITY, f64::min),
        max: per_iter.fold(f64::NEG_INFINITY, f64::max),
        samples: iters.len(),
    })
}

fn spread(c: &Cell) -> String {
    format!("{:.2} ({:.2}..{:.2})", c.median, c.min, c.max)
}

fn ratio(c: &Cell, base: Option<&Cell>) -> String {
    base.map_or_else(|| "-".into(), |b| format!("x{:.2}", c.median / b.median))
}

/// The Markdown summary of the cells measured since `since`; empty if none.
fn summary(dir: &Path, threads: &[usize], cpus: &[usize], since: SystemTime) -> String {
    let mut samples = Vec::new();
    let mut get = |group: &str, function: &str| {
        let c = cell(dir, group, function, since);
        if let Some(c) = &c {
            samples.push(c.samples);
        }
        c
    };
    let rows: Vec<(usize, Vec<Option<Cell>>)> = threads
        .iter()
        .map(|&t| {
            let g = contended_group(t);
            (t, CONTENDED.iter().map(|(f, _)| get(&g, f)).collect())
        })
        .collect();
    let final_rows: Vec<(&str, &str, Option<Cell>, Option<Cell>)> = FINAL_PUT
        .iter()
        .map(|&(f, what, ..)| (f, what, get(PUT_ONLY, f), get(ALLOC_PUT, f)))
        .collect();
    if samples.is_empty() {
        return String::new();
    }
    let (lo, hi) = (samples.iter().min().unwrap(), samples.iter().max().unwrap());
    let samples = if lo == hi {
        lo.to_string()
    } else {
        format!("{lo} to {hi}")
    };

    let mut s = String::new();
    let oversubscribed = threads.iter().any(|&t| t > cpus.len());
    writeln!(
        s,
        "CPUs available: {} ({cpus:?}); thread i pinned to the CPU at position i mod {} of that list{}; \
         {} criterion samples per cell; median (min..max) ns, x = median / mainline median.\n",
        cpus.len(),
        cpus.len(),
        if oversubscribed {
            " (more threads than CPUs: shared)"
        } else {
            ""
        },
        samples
    )
    .unwrap();

    if rows.iter().any(|(_, r)| r.iter().any(Option::is_some)) {
        writeln!(s, "### get+put on one shared page\n").unwrap();
        writeln!(s, "ns per `try_get(1)` + `put(1)` pair, per thread.\n").unwrap();
        let names: Vec<&str> = CONTENDED.iter().map(|(f, _)| *f).collect();
        writeln!(s, "| threads | {} |", names.join(" | ")).unwrap();
        writeln!(s, "|---|{}", "---|".repeat(CONTENDED.len())).unwrap();
        for (t, r) in &rows {
            if r.iter().all(Option::is_none) {
                continue;
            }
            let base = r[0].as_ref();
            let cells: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(i, c)| match c {
                    None => "-".into(),
                    // No ratio for mainline itself, or when it did not run.
                    Some(c) if i == 0 || base.is_none() => spread(c),
                    Some(c) => format!("{} {}", spread(c), ratio(c, base)),
                })
                .collect();
            writeln!(s, "| {t} | {} |", cells.join(" | ")).unwrap();
        }
    }

    if final_rows.iter().any(|r| r.2.is_some() || r.3.is_some()) {
        writeln!(s, "\n### Uncontended final put (R7)\n").unwrap();
        writeln!(
            s,
            "One pinned thread, ns per final put. *put only*: batches of {} allocated pages, each put\n\
             once (timed; every put frees). *alloc+put*: `alloc_init()` (store 1) immediately followed\n\
             by the freeing `put(1)`.\n",
            pageref_model::bench::BATCH
        )
        .unwrap();
        writeln!(
            s,
            "| final put | what it executes | put only | x mainline | alloc+put | x mainline |"
        )
        .unwrap();
        writeln!(s, "|---|---|---|---|---|---|").unwrap();
        let (base_p, base_a) = (final_rows[0].2.as_ref(), final_rows[0].3.as_ref());
        for (f, what, p, a) in &final_rows {
            let col = |c: &Option<Cell>, base| match c {
                None => "- | -".to_string(),
                Some(c) => format!("{} | {}", spread(c), ratio(c, base)),
            };
            writeln!(
                s,
                "| {f} | {what} | {} | {} |",
                col(p, base_p),
                col(a, base_a)
            )
            .unwrap();
        }
    }
    s
}

fn main() {
    let cpus = allowed_cpus();
    let spec = std::env::var(THREADS_VAR).ok().filter(|s| !s.is_empty());
    let threads = thread_counts(spec.as_deref(), cpus.len()).unwrap_or_else(|e| {
        eprintln!("{THREADS_VAR}: {e}");
        std::process::exit(2)
    });
    let dir = output_dir();
    let since = SystemTime::now();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .output_directory(&dir)
        .configure_from_args();

    benchmarks(&mut c, &threads, &cpus);
    c.final_summary();

    let s = summary(&dir, &threads, &cpus, since);
    if s.is_empty() {
        return;
    }
    match std::env::var_os(SUMMARY_VAR) {
        Some(path) => std::fs::write(&path, s)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", Path::new(&path).display())),
        None => print!("\n{s}"),
    }
}
