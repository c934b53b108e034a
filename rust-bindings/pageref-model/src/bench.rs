//! Host benchmark workloads (std atomics, pinned threads).
//!
//! The benchmark itself is `benches/pageref-bench.rs`, run by criterion
//! through [`Bencher::iter_custom`]: criterion picks the iteration counts,
//! repeats, and computes the statistics; the functions here run one
//! measurement of `iters` operations and return the time it took per
//! thread. [`contended`] spawns its threads pinned one per CPU and releases
//! them together from a barrier, so that every thread's loop overlaps the
//! others'.
//!
//! [`Bencher::iter_custom`]: https://docs.rs/criterion/0.7.0/criterion/struct.Bencher.html#method.iter_custom

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

/// The thread counts to measure: `spec` is a comma-separated list such as
/// `1,2,4` (the `PAGEREF_BENCH_THREADS` variable of the benchmark); without
/// one, 1..=`ncpus`, so that the same command covers a bigger machine.
pub fn thread_counts(spec: Option<&str>, ncpus: usize) -> Result<Vec<usize>, String> {
    let Some(spec) = spec else {
        return Ok((1..=ncpus.max(1)).collect());
    };
    spec.split(',')
        .map(|t| match t.trim().parse() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "bad thread count {t:?} in {spec:?}: want e.g. 1,2,4"
            )),
        })
        .collect()
}

/// One measurement of the contended loop: `threads` threads, thread `i`
/// pinned to `cpus[i % cpus.len()]`, each do `iters` x (`try_get(1)` +
/// `put(1)`) on one shared page whose count never drops below 1, starting
/// together from a barrier. Returns the mean over threads of each thread's
/// own loop time, i.e. `iters` times the time per get+put pair per thread.
pub fn contended<S: RefScheme<Atomic = StdAtomic>>(
    threads: usize,
    iters: u64,
    cpus: &[usize],
) -> Duration {
    let page = Arc::new(Padded(S::from_raw(1)));
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let page = page.clone();
            let barrier = barrier.clone();
            let cpu = cpus[i % cpus.len()];
            std::thread::spawn(move || {
                assert!(pin_to(cpu), "cannot pin a benchmark thread to CPU {cpu}");
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
    total / threads as u32
}

/// The final put a benchmark times: the generic one
/// ([`RefScheme::put`], `CALLER = false`) or the caller-context one
/// ([`RefScheme::put_caller`], `CALLER = true`).
#[inline(always)]
fn final_put<S: RefScheme, const CALLER: bool>(s: &S, nr: u32) -> bool {
    if CALLER {
        s.put_caller(nr)
    } else {
        s.put(nr)
    }
}

/// One measurement of the uncontended final put on the calling thread:
/// `iters` x (`alloc_init()` + a freeing final put, generic or, with
/// `CALLER`, caller-context), all timed.
pub fn alloc_put<S: RefScheme<Atomic = StdAtomic>, const CALLER: bool>(iters: u64) -> Duration {
    let page = Padded(S::from_raw(S::FREE_VALUE));
    let s = &page.0;
    let t0 = Instant::now();
    for _ in 0..iters {
        s.alloc_init();
        let freed = final_put::<S, CALLER>(s, black_box(1));
        debug_assert!(freed);
        black_box(freed);
    }
    let el = t0.elapsed();
    assert!(S::is_free_value(s.raw()));
    el
}

/// A value alone on one cache line.
#[repr(align(64))]
pub struct Line<T>(pub T);

/// Pages per batch in [`put_only`] (16 KiB of counters: they stay in L1).
pub const BATCH: usize = 256;

/// One measurement of the final put alone, on the calling thread: `iters`
/// final puts (generic or, with `CALLER`, caller-context) in batches of up
/// to [`BATCH`] pages, each batch allocated (`alloc_init()`, untimed), then
/// each page put once (timed; every put frees). Unlike [`alloc_put`], no
/// put follows its page's allocation store immediately.
pub fn put_only<S: RefScheme<Atomic = StdAtomic>, const CALLER: bool>(iters: u64) -> Duration {
    let pages: Vec<Line<S>> = (0..BATCH)
        .map(|_| Line(S::from_raw(S::FREE_VALUE)))
        .collect();
    let mut left = iters;
    let mut timed = Duration::ZERO;
    while left > 0 {
        let batch = &pages[..left.min(BATCH as u64) as usize];
        for p in batch {
            p.0.alloc_init();
        }
        let t0 = Instant::now();
        for p in batch {
            black_box(final_put::<S, CALLER>(&p.0, black_box(1)));
        }
        timed += t0.elapsed();
        left -= batch.len() as u64;
    }
    assert!(pages.iter().all(|p| S::is_free_value(p.0.raw())));
    timed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::{Mainline, Series, SeriesAssumeOwn, SeriesCasPut, SeriesV6};

    #[test]
    fn thread_counts_default_and_list() {
        assert_eq!(thread_counts(None, 4).unwrap(), vec![1, 2, 3, 4]);
        assert_eq!(thread_counts(Some("1, 2,8"), 2).unwrap(), vec![1, 2, 8]);
        assert!(thread_counts(Some("1,0"), 2).is_err());
        assert!(thread_counts(Some("two"), 2).is_err());
        assert!(thread_counts(Some(""), 2).is_err());
    }

    #[test]
    fn workloads_run_and_leave_pages_consistent() {
        let cpus = allowed_cpus();
        assert!(!cpus.is_empty());
        contended::<Series<StdAtomic>>(2, 1000, &cpus);
        contended::<SeriesCasPut<StdAtomic>>(1, 1000, &cpus);
        contended::<SeriesAssumeOwn<StdAtomic>>(2, 1000, &cpus);
        // A partial last batch, and a zero-length measurement.
        put_only::<Series<StdAtomic>, false>(BATCH as u64 + 3);
        put_only::<Series<StdAtomic>, true>(BATCH as u64 + 3);
        assert_eq!(put_only::<Mainline<StdAtomic>, false>(0), Duration::ZERO);
        alloc_put::<SeriesCasPut<StdAtomic>, false>(1000);
        alloc_put::<SeriesV6<StdAtomic>, true>(1000);
    }
}
