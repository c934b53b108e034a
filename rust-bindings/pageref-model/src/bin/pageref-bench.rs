//! Host benchmark of the refcount schemes on real atomics.
//!
//! Prints two Markdown tables:
//! 1. get+put on one shared page for 1..N pinned threads (N = the CPUs this
//!    process may use), for mainline, assume-1, series and series+casput:
//!    median ns per get+put pair per thread, min..max over repetitions, and
//!    the ratio of medians to mainline;
//! 2. the uncontended final put: `alloc_init()` then a `put()` that frees,
//!    on one thread (R7: what the extra CAS on every final put costs).
//!
//! Options: `--reps N` (default 11), `--target-ms M` per repetition
//! (default 100), `--threads 1,2,4` (default 1..=N), `--quick` (3 reps,
//! 20 ms: a smoke run, not for publishing).

use pageref_model::atom::StdAtomic as A;
use pageref_model::bench::{
    allowed_cpus, contended_once, final_put_batch_once, final_put_once, measure, pin_to, Stats,
    BATCH,
};
use pageref_model::scheme::{AssumeOne, Mainline, RefScheme, Series, SeriesCasPut};
use std::time::Duration;

struct Opts {
    reps: usize,
    target: Duration,
    threads: Vec<usize>,
}

fn usage() -> ! {
    eprintln!("usage: pageref-bench [--reps N] [--target-ms M] [--threads 1,2,..] [--quick]");
    std::process::exit(2)
}

fn parse(cpus: usize) -> Opts {
    let mut o = Opts {
        reps: 11,
        target: Duration::from_millis(100),
        threads: (1..=cpus).collect(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--reps" => o.reps = val().parse().unwrap_or_else(|_| usage()),
            "--target-ms" => {
                o.target = Duration::from_millis(val().parse().unwrap_or_else(|_| usage()))
            }
            "--threads" => {
                o.threads = val()
                    .split(',')
                    .map(|t| t.parse().unwrap_or_else(|_| usage()))
                    .collect();
            }
            "--quick" => {
                o.reps = 3;
                o.target = Duration::from_millis(20);
            }
            _ => usage(),
        }
    }
    if o.reps == 0 || o.threads.contains(&0) {
        usage();
    }
    o
}

fn cell(s: Stats, base: Option<Stats>) -> String {
    let mut c = format!("{:.2} ({:.2}..{:.2})", s.median, s.min, s.max);
    if let Some(b) = base {
        c.push_str(&format!(" x{:.2}", s.median / b.median));
    }
    c
}

fn contended<S: RefScheme<Atomic = A>>(o: &Opts, threads: usize, cpus: &[usize]) -> Stats {
    measure(o.reps, o.target, |iters| {
        contended_once::<S>(threads, iters, cpus)
    })
}

fn final_put_batch<S: RefScheme<Atomic = A>>(o: &Opts) -> Stats {
    measure(o.reps, o.target, final_put_batch_once::<S>)
}

fn final_put<S: RefScheme<Atomic = A>>(o: &Opts) -> Stats {
    measure(o.reps, o.target, final_put_once::<S>)
}

fn main() {
    let cpus = allowed_cpus();
    let o = parse(cpus.len());
    println!(
        "CPUs available: {} ({:?}); repetitions: {}; ~{} ms per repetition; threads pinned one per CPU{}.\n",
        cpus.len(),
        cpus,
        o.reps,
        o.target.as_millis(),
        if o.threads.iter().any(|&t| t > cpus.len()) { " (more threads than CPUs: shared)" } else { "" }
    );

    println!("### get+put on one shared page\n");
    println!("ns per `try_get(1)` + `put(1)` pair, per thread: median (min..max), x = median / mainline median.\n");
    println!("| threads | mainline | assume-1 | series | series+casput |");
    println!("|---|---|---|---|---|");
    for &t in &o.threads {
        let m = contended::<Mainline<A>>(&o, t, &cpus);
        let a1 = contended::<AssumeOne<A>>(&o, t, &cpus);
        let s = contended::<Series<A>>(&o, t, &cpus);
        let c = contended::<SeriesCasPut<A>>(&o, t, &cpus);
        println!(
            "| {t} | {} | {} | {} | {} |",
            cell(m, None),
            cell(a1, Some(m)),
            cell(s, Some(m)),
            cell(c, Some(m))
        );
    }

    println!("\n### Uncontended final put (R7)\n");
    println!("One pinned thread; median (min..max) ns. *put only*: batches of {BATCH} allocated pages, each put once");
    println!("(timed; every put frees). *alloc+put*: `alloc_init()` (store 1) immediately followed by the freeing `put(1)`.\n");
    println!("| scheme | final put | put only | x mainline | alloc+put | x mainline |");
    println!("|---|---|---|---|---|---|");
    pin_to(cpus[0]);
    let mb = final_put_batch::<Mainline<A>>(&o);
    let mp = final_put::<Mainline<A>>(&o);
    let rows: [(&str, &str, Stats, Stats); 3] = [
        ("mainline", "1 locked RMW (sub)", mb, mp),
        (
            "series",
            "locked sub + locked cmpxchg(0 -> FROZEN)",
            final_put_batch::<Series<A>>(&o),
            final_put::<Series<A>>(&o),
        ),
        (
            "series+casput",
            "load + locked cmpxchg(1 -> FROZEN)",
            final_put_batch::<SeriesCasPut<A>>(&o),
            final_put::<SeriesCasPut<A>>(&o),
        ),
    ];
    for (name, seq, b, p) in rows {
        println!(
            "| {name} | {seq} | {:.2} ({:.2}..{:.2}) | x{:.2} | {:.2} ({:.2}..{:.2}) | x{:.2} |",
            b.median,
            b.min,
            b.max,
            b.median / mb.median,
            p.median,
            p.min,
            p.max,
            p.median / mp.median
        );
    }
}
