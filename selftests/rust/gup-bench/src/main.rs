// SPDX-License-Identifier: GPL-2.0
//! gup_shared - get/put of one shared page's refcount through GUP, from N
//! pinned threads.
//!
//! Two workloads on one MAP_SHARED anonymous (shmem) page, for N = 1 .. CPUs
//! threads pinned one per CPU (above 8 CPUs: 1..8, then powers of two, then
//! CPUs; BENCH_THREADS="1,2,4" picks them, BENCH_MAX_THREADS caps them),
//! each for BENCH_SECONDS (default 3):
//!
//! * `gup_shared`: every thread copies 64 bytes out of the page with
//!   process_vm_readv() on its own process, which pins the page through the
//!   slow GUP path (pin_user_pages_remote(): a reference add under the page
//!   table lock) and unpins it (a put), and checks the bytes;
//! * `futex_shared`: every thread does FUTEX_WAKE (no waiters) on its own
//!   word of the page; a shared futex's key comes from get_user_pages_fast(),
//!   whose lockless walk takes a speculative reference (try_get_folio() ->
//!   folio_ref_try_add(), the single atomic add of the series) and
//!   get_futex_key() drops it again.
//!
//! KTAP, one test point per workload and thread count (ok when the threads
//! did work and every check passed; skipped with the reason when the kernel
//! lacks the system call), and machine-readable lines
//!
//!   # BENCH gup_shared threads=N ops_per_sec=X
//!   # BENCH futex_shared threads=N ops_per_sec=X
//!
//! where X is the sum over threads of (operations / the thread's own run
//! time).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

const READ_SIZE: usize = 64;

/// Minimal KTAP writer in the style of tools/testing/selftests/kselftest.h.
struct Ktap {
    plan: usize,
    done: usize,
    failed: usize,
}

impl Ktap {
    fn new(plan: usize) -> Self {
        println!("TAP version 13");
        println!("1..{plan}");
        Ktap {
            plan,
            done: 0,
            failed: 0,
        }
    }

    fn msg(&self, text: &str) {
        println!("# {text}");
    }

    fn result(&mut self, ok: bool, name: &str) {
        self.done += 1;
        if !ok {
            self.failed += 1;
        }
        println!("{} {} {name}", if ok { "ok" } else { "not ok" }, self.done);
    }

    fn skip(&mut self, name: &str, why: &str) {
        self.done += 1;
        println!("ok {} {name} # SKIP {why}", self.done);
    }

    /// Exit 0 when every planned point ran and none failed (kselftest's
    /// ksft_finished()).
    fn finish(self) -> ! {
        let ok = self.failed == 0 && self.done == self.plan;
        println!(
            "# Totals: pass:{} fail:{} planned:{}",
            self.done - self.failed,
            self.failed,
            self.plan
        );
        let _ = io::stdout().flush();
        std::process::exit(if ok { 0 } else { 1 });
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Workload {
    Gup,
    Futex,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Gup => "gup_shared",
            Workload::Futex => "futex_shared",
        }
    }
}

fn pattern(off: usize) -> u8 {
    (off.wrapping_mul(13) + 5) as u8
}

/// The shared page, by address: raw pointers are not Send.
#[derive(Clone, Copy)]
struct Page {
    addr: usize,
    size: usize,
}

impl Page {
    fn new() -> io::Result<Self> {
        // SAFETY: sysconf has no memory-safety preconditions.
        let size = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
            .map_err(|_| io::Error::other("no page size"))?;
        // SAFETY: a fresh anonymous mapping; no existing memory is touched.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: p is a fresh, writable mapping of `size` bytes.
        let bytes = unsafe { std::slice::from_raw_parts_mut(p.cast::<u8>(), size) };
        for (off, b) in bytes.iter_mut().enumerate() {
            *b = pattern(off);
        }
        Ok(Page {
            addr: p as usize,
            size,
        })
    }
}

/// One operation at `off` in the page: Ok(true) when it checked out,
/// Ok(false) on a data or result mismatch, Err on a system call error.
fn op(w: Workload, page: Page, off: usize, buf: &mut [u8; READ_SIZE]) -> io::Result<bool> {
    match w {
        Workload::Gup => {
            let local = libc::iovec {
                iov_base: buf.as_mut_ptr().cast(),
                iov_len: READ_SIZE,
            };
            let remote = libc::iovec {
                iov_base: (page.addr + off) as *mut libc::c_void,
                iov_len: READ_SIZE,
            };
            // SAFETY: local is our buffer of READ_SIZE bytes; the kernel
            // checks the remote range, which lies inside the mapped page.
            let n = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(n as usize == READ_SIZE
                && buf.iter().enumerate().all(|(i, &b)| b == pattern(off + i)))
        }
        Workload::Futex => {
            // SAFETY: FUTEX_WAKE only reads the address to find the key; it
            // is an aligned word inside our mapped page.
            let n = unsafe {
                libc::syscall(
                    libc::SYS_futex,
                    page.addr + off,
                    libc::FUTEX_WAKE,
                    1,
                    std::ptr::null::<libc::timespec>(),
                    std::ptr::null::<u32>(),
                    0,
                )
            };
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(n == 0)
        }
    }
}

fn pin_to(cpu: usize) -> io::Result<()> {
    // SAFETY: cpu_set_t is plain data; CPU_SET stays within it (cpu is a
    // CPU number read back from sched_getaffinity).
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn allowed_cpus() -> io::Result<Vec<usize>> {
    // SAFETY: cpu_set_t is plain data, filled in by the kernel.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok((0..libc::CPU_SETSIZE as usize)
            .filter(|&c| libc::CPU_ISSET(c, &set))
            .collect())
    }
}

struct Outcome {
    ops: u64,
    bad: u64,
    rate: f64,
    error: Option<io::Error>,
}

fn run(w: Workload, page: Page, cpus: &[usize], seconds: u64) -> Outcome {
    let stop = Arc::new(AtomicBool::new(false));
    let barrier = Arc::new(Barrier::new(cpus.len() + 1));
    let handles: Vec<_> = cpus
        .iter()
        .enumerate()
        .map(|(i, &cpu)| {
            let stop = Arc::clone(&stop);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let pinned = pin_to(cpu);
                let mut buf = [0u8; READ_SIZE];
                // Each thread its own 64-byte slot (and futex word) of the page.
                let slots = page.size / READ_SIZE;
                let mut off = (i % slots) * READ_SIZE;
                let (mut ops, mut bad, mut error) = (0u64, 0u64, pinned.err());
                barrier.wait();
                let t0 = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    match op(w, page, off, &mut buf) {
                        Ok(true) => {}
                        Ok(false) => bad += 1,
                        Err(e) => {
                            error.get_or_insert(e);
                            break;
                        }
                    }
                    ops += 1;
                    if w == Workload::Gup {
                        off = (off + READ_SIZE) % page.size;
                    }
                }
                (ops, bad, ops as f64 / t0.elapsed().as_secs_f64(), error)
            })
        })
        .collect();
    barrier.wait();
    thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut out = Outcome {
        ops: 0,
        bad: 0,
        rate: 0.0,
        error: None,
    };
    for h in handles {
        let (ops, bad, rate, error) = h.join().expect("benchmark thread panicked");
        out.ops += ops;
        out.bad += bad;
        out.rate += rate;
        if out.error.is_none() {
            out.error = error;
        }
    }
    out
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The thread counts to measure; the rule of selftests/bench/bench.h.
fn thread_counts(ncpu: usize) -> Vec<usize> {
    let cap = match env_u64("BENCH_MAX_THREADS", ncpu as u64) as usize {
        0 => ncpu,
        m => m.min(ncpu),
    };
    if let Ok(list) = std::env::var("BENCH_THREADS") {
        if !list.trim().is_empty() {
            return list
                .split([',', ' '])
                .filter_map(|t| t.parse().ok())
                .filter(|&t| (1..=cap).contains(&t))
                .collect();
        }
    }
    let mut counts = Vec::new();
    let mut t = 1;
    while t <= cap {
        counts.push(t);
        t = if t < 8 { t + 1 } else { t * 2 };
    }
    if counts.last() != Some(&cap) {
        counts.push(cap);
    }
    counts
}

fn main() {
    let seconds = env_u64("BENCH_SECONDS", 3).max(1);
    let cpus = match allowed_cpus() {
        Ok(c) if !c.is_empty() => c,
        _ => {
            println!("TAP version 13\n1..0 # SKIP cannot read the allowed CPUs");
            return;
        }
    };
    let counts = thread_counts(cpus.len());
    let workloads = [Workload::Gup, Workload::Futex];
    let mut k = Ktap::new(workloads.len() * counts.len());
    let page = match Page::new() {
        Ok(p) => p,
        Err(e) => {
            println!("Bail out! mmap of the shared page: {e}");
            std::process::exit(1);
        }
    };
    k.msg(&format!(
        "{} CPUs allowed, {seconds} s per workload and thread count",
        cpus.len()
    ));
    for w in workloads {
        // Probe once: a kernel without the system call skips the workload.
        let missing = match op(w, page, 0, &mut [0u8; READ_SIZE]) {
            Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => Some(match w {
                Workload::Gup => "no process_vm_readv (CONFIG_CROSS_MEMORY_ATTACH)",
                Workload::Futex => "no futex (CONFIG_FUTEX)",
            }),
            _ => None,
        };
        for &n in &counts {
            let name = format!("{}_threads_{n}", w.name());
            if let Some(why) = missing {
                k.skip(&name, why);
                continue;
            }
            let o = run(w, page, &cpus[..n], seconds);
            k.msg(&format!(
                "BENCH {} threads={n} ops_per_sec={:.0}",
                w.name(),
                o.rate
            ));
            if let Some(e) = &o.error {
                k.msg(&format!("{name}: system call failed: {e}"));
            }
            k.msg(&format!("{name}: {} operations, {} bad", o.ops, o.bad));
            k.result(o.ops > 0 && o.bad == 0 && o.error.is_none(), &name);
        }
    }
    k.finish();
}
