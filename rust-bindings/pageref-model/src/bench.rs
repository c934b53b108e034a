//! Host benchmark harness (std atomics, pinned threads).
//!
//! A small custom harness rather than criterion: each measurement spawns
//! `n` threads pinned to distinct CPUs, releases them together from a
//! barrier and times each thread's loop; a repetition's figure is the mean
//! per-thread time per operation, and a result is the median and the
//! min..max spread over repetitions. Criterion's `iter_custom` could host
//! the same closure, but its per-sample statistics assume one timed
//! routine, its reports need post-processing to put several schemes and
//! thread counts side by side with ratios, and its dependency tree is
//! heavy to build on a 2-core machine.

use crate::atom::StdAtomic;
use crate::scheme::RefScheme;
use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// A value alone on its cache lines (128 bytes: two lines, so the adjacent
/// line prefetcher does not pull a neighbour in either).
#[repr(align(128))]
pub struct Padded<T>(pub T);

/// The CPUs this process may run on, in order.
pub fn allowed_cpus() -> Vec<usize> {
    // SAFETY: cpu_set_t is plain data; sched_getaffinity writes at most
    // size_of::<cpu_set_t>() bytes into it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            let n = std::thread::available_parallelism().map_or(1, |n| n.get());
            return (0..n).collect();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&c| libc::CPU_ISSET(c, &set))
            .collect()
    }
}

/// Pin the calling thread to `cpu`; false if the kernel refused.
pub fn pin_to(cpu: usize) -> bool {
    // SAFETY: as above; the set lives on our stack for the call.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

/// One repetition of the contended loop: `threads` pinned threads each do
/// `iters` x (`try_get(1)` + `put(1)`) on one shared page whose count
/// never drops below 1. Returns the mean per-thread ns per get+put pair.
pub fn contended_once<S: RefScheme<Atomic = StdAtomic>>(
    threads: usize,
    iters: u64,
    cpus: &[usize],
) -> f64 {
    let page = Arc::new(Padded(S::from_raw(1)));
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let page = page.clone();
            let barrier = barrier.clone();
            let cpu = cpus[i % cpus.len()];
            std::thread::spawn(move || {
                pin_to(cpu);
                let s = &page.0;
                barrier.wait();
                let t0 = Instant::now();
                for _ in 0..iters {
                    let got = s.try_get(black_box(1));
                    let freed = s.put(black_box(1));
                    black_box((got, freed));
                }
                t0.elapsed()
            })
        })
        .collect();
    let total: Duration = handles
        .into_iter()
        .map(|h| h.join().expect("bench thread"))
        .sum();
    assert_eq!(
        page.0.count(),
        1,
        "{}: the shared page's count drifted",
        S::NAME
    );
    total.as_nanos() as f64 / threads as f64 / iters as f64
}

/// One repetition of the uncontended final put on the calling thread:
/// `iters` x (`alloc_init()` + `put(1)` that frees). Returns ns per pair.
pub fn final_put_once<S: RefScheme<Atomic = StdAtomic>>(iters: u64) -> f64 {
    let page = Padded(S::from_raw(S::FREE_VALUE));
    let s = &page.0;
    let t0 = Instant::now();
    for _ in 0..iters {
        s.alloc_init();
        let freed = s.put(black_box(1));
        debug_assert!(freed);
        black_box(freed);
    }
    let el = t0.elapsed();
    assert!(S::is_free_value(s.raw()));
    el.as_nanos() as f64 / iters as f64
}

/// A value alone on one cache line.
#[repr(align(64))]
pub struct Line<T>(pub T);

/// Pages per batch in [`final_put_batch_once`] (16 KiB of counters: they
/// stay in L1).
pub const BATCH: usize = 256;

/// One repetition of the final put alone: batches of [`BATCH`] pages, each
/// allocated (`alloc_init()`, untimed), then each put once (timed; every
/// put frees). Returns ns per final put. Unlike [`final_put_once`], no put
/// follows its page's allocation store immediately.
pub fn final_put_batch_once<S: RefScheme<Atomic = StdAtomic>>(iters: u64) -> f64 {
    let pages: Vec<Line<S>> = (0..BATCH)
        .map(|_| Line(S::from_raw(S::FREE_VALUE)))
        .collect();
    let batches = iters.div_ceil(BATCH as u64);
    let mut timed = Duration::ZERO;
    for _ in 0..batches {
        for p in &pages {
            p.0.alloc_init();
        }
        let t0 = Instant::now();
        for p in &pages {
            black_box(p.0.put(black_box(1)));
        }
        timed += t0.elapsed();
    }
    assert!(pages.iter().all(|p| S::is_free_value(p.0.raw())));
    timed.as_nanos() as f64 / (batches * BATCH as u64) as f64
}

/// Median and spread of a set of repetitions.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    /// Median.
    pub median: f64,
    /// Smallest repetition.
    pub min: f64,
    /// Largest repetition.
    pub max: f64,
    /// Repetitions.
    pub reps: usize,
}

impl Stats {
    /// Statistics of `v` (not empty).
    pub fn of(mut v: Vec<f64>) -> Stats {
        assert!(!v.is_empty());
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Stats {
            median,
            min: v[0],
            max: v[n - 1],
            reps: n,
        }
    }
}

/// Run `f(iters)` (which returns ns per operation) `reps` times, with
/// `iters` chosen so that one repetition takes about `target`.
pub fn measure(reps: usize, target: Duration, mut f: impl FnMut(u64) -> f64) -> Stats {
    // Calibrate (and warm up) with a short run.
    let probe_iters = 20_000;
    let mut per_op = f(probe_iters).max(0.1);
    per_op = per_op.min(f(probe_iters).max(0.1));
    let iters = ((target.as_nanos() as f64 / per_op) as u64).clamp(10_000, 200_000_000);
    Stats::of((0..reps).map(|_| f(iters)).collect())
}
