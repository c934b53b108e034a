//! A small page world for the model checker.
//!
//! One page, with a life counter (bumped by every allocation) and the
//! scheme's refcount word; a lookup slot (standing for the page cache, or a
//! page table) that holds the life of the page it publishes, or 0; an
//! allocator that hands the page out again once it is free. Threads are
//! owners (they hold references and put them), speculative getters (they
//! find the page through the slot, get, re-validate against the slot and
//! put) and PFN walkers (they get the page by address with no lookup, like
//! compaction or `do_migrate_range()`).
//!
//! Only the refcount word and the slot are loom atomics. Everything else
//! (life, free flag, who holds how many references, the trace) is *ghost*
//! state: a plain [`std::sync::Mutex`] that loom neither schedules on nor
//! uses for synchronisation. Loom switches threads only at its own
//! operations, so a ghost update done right after an atomic operation is
//! atomic with it. The ghost state therefore observes the protocol without
//! adding ordering to it; the memory ordering of the page's payload is the
//! LKMM litmus tests' business, not this model's.
//!
//! Properties asserted in every explored execution (each failure names one):
//!
//! 1. a life is freed at most once (`double free`);
//! 2. a page is never freed while a reference on it is held, and a get never
//!    succeeds on a free or frozen page; an owned page's word stays an owned
//!    value until a freeze or its final put (an owned count that crosses
//!    `INT_MAX` reads as frozen); a holder's `page_ref_count()` never reads
//!    0; `page_ref_add()` and `page_ref_inc_or_thaw()` run only where they
//!    may;
//! 3. a speculative getter that re-validated uses the life it looked up
//!    (checked at use time);
//! 4. the destructor that runs belongs to the life that ended (an owner's
//!    destructor is chosen from the owner's context unless the scenario
//!    says "page state");
//! 5. frozen-bit schemes: no RMW observes 0 and nothing stores 0 outside a
//!    dec-and-test window; the word of a free or frozen page becomes an
//!    owned value only by allocation, unfreeze or `page_ref_inc_or_thaw()`
//!    (R4); no put runs on a value that is not owned;
//! 6. at the end nothing leaks: all references are dropped, the page is
//!    free, and its word is a free value (`FROZEN + k` or 0);
//! 7. a struct page that HVO maps read-only (the shared vmemmap tail pages
//!    of a HugeTLB folio) is never written: no RMW, no store, and no
//!    cmpxchg, not even a failing one (a locked cmpxchg always writes back:
//!    "The processor never produces a locked read without also producing a
//!    locked write", Intel SDM, CMPXCHG).
//!
//! Each execution also records whether a failed get left a stray add (an
//! add whose result is frozen) and whether `page_ref_reset_frozen()` ran;
//! [`Coverage`] counts the executions that did, so that the stray scenarios
//! are seen not to be vacuous.

use crate::atom::LoomAtomic;
use crate::probe::{Hex, Op, Probe, Step};
use crate::scheme::RefScheme;
use std::fmt::Write as _;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::{Arc, Mutex, MutexGuard};

/// How the model's violation panics start (see
/// [`crate::check::quiet_counterexamples`]).
pub const VIOLATION_PREFIX: &str = "counterexample (";

/// Which destructor a thread runs when its put says "free", and so which
/// final put it uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtor {
    /// Chosen from the caller's context: the caller believes the page is
    /// life `n` (as `__free_pages(page, order)` uses the caller's `order`).
    /// Such a caller puts with the caller-context final put
    /// ([`RefScheme::put_caller_probed`]: `page_ref_sub_and_freeze()` in
    /// v7).
    Owner(u32),
    /// Chosen from the page's own state at free time (as `__folio_put()`
    /// looks at the folio's flags). Such a caller puts with the generic
    /// final put ([`RefScheme::put_probed`]: `folio_put_testzero()`).
    PageState,
}

/// A property violation, with the execution's trace up to it.
#[derive(Clone, Debug)]
pub struct Failure {
    /// Which property broke, and how.
    pub message: String,
    /// Every access and ghost event of the execution, in schedule order.
    pub trace: Vec<String>,
}

impl Failure {
    /// The trace as numbered lines.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for (i, l) in self.trace.iter().enumerate() {
            let _ = writeln!(s, "{:>3}  {l}", i + 1);
        }
        let _ = writeln!(s, "     VIOLATION: {}", self.message);
        s
    }
}

/// Executions (of one scheme x scenario run) in which a stray add or the
/// overflow reset happened. Plain std atomics: loom does not see them.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Executions in which a failed get wrote a stray add.
    pub strays: AtomicUsize,
    /// Executions in which `page_ref_reset_frozen()` ran.
    pub resets: AtomicUsize,
}

#[derive(Debug, Default)]
struct Ghost {
    free: bool,
    frozen: bool,
    read_only: bool,
    strays: u32,
    resets: u32,
    life: u32,
    refs: u32,
    window: u32,
    trace: Vec<String>,
}

/// Where the page starts.
#[derive(Clone, Copy, Debug)]
pub enum Init {
    /// Owned with one reference (held by the scenario's owner thread),
    /// life 1, published in the slot.
    OwnedPublished,
    /// Owned with `refs` references (held by the scenario's owner thread),
    /// life 1, not published.
    Owned { refs: u32 },
    /// Frozen by the owner thread (which holds one reference), word
    /// `raw`, life 1, published in the slot.
    FrozenPublished { raw: u32 },
    /// Frozen by the owner thread with word `raw`, not published.
    Frozen { raw: u32 },
    /// Free (in the allocator, or a struct page nobody owns), life 0,
    /// word `raw`.
    Free { raw: u32 },
    /// A free struct page that HVO maps read-only, life 0, word `raw`
    /// (property 7).
    ReadOnly { raw: u32 },
}

/// The world of one execution.
pub struct World<S: RefScheme> {
    page: S,
    slot: LoomAtomic,
    ghost: Mutex<Ghost>,
    sink: Arc<Mutex<Option<Failure>>>,
    cov: Arc<Coverage>,
}

impl<S: RefScheme<Atomic = LoomAtomic>> World<S> {
    /// A world in state `init`; violations are reported into `sink`, stray
    /// adds and resets counted in `cov`.
    pub fn new(init: Init, sink: Arc<Mutex<Option<Failure>>>, cov: Arc<Coverage>) -> Arc<Self> {
        let mut g = Ghost::default();
        let (raw, slot) = match init {
            Init::OwnedPublished => {
                g.life = 1;
                g.refs = 1;
                (1, 1)
            }
            Init::Owned { refs } => {
                g.life = 1;
                g.refs = refs;
                (refs, 0)
            }
            Init::FrozenPublished { raw } | Init::Frozen { raw } => {
                g.life = 1;
                g.refs = 1;
                g.frozen = true;
                (raw, u32::from(matches!(init, Init::FrozenPublished { .. })))
            }
            Init::Free { raw } => {
                g.free = true;
                (raw, 0)
            }
            Init::ReadOnly { raw } => {
                g.free = true;
                g.read_only = true;
                (raw, 0)
            }
        };
        g.trace.push(format!(
            "init: word {}, life {}, {}{}, slot {}",
            Hex(raw),
            g.life,
            if g.read_only {
                "mapped read-only, "
            } else {
                ""
            },
            if g.free {
                "free"
            } else if g.frozen {
                "frozen by its owner"
            } else {
                "owned"
            },
            if slot == 0 {
                "empty".to_string()
            } else {
                format!("-> life {slot}")
            }
        ));
        Arc::new(Self {
            page: S::from_raw(raw),
            slot: LoomAtomic::new(slot),
            ghost: Mutex::new(g),
            sink,
            cov,
        })
    }

    /// A handle for the thread called `name`.
    pub fn thread(self: &Arc<Self>, name: &'static str) -> Th<S> {
        Th {
            w: self.clone(),
            name,
        }
    }

    /// End-of-execution check (property 6); call after joining every thread.
    pub fn final_check(self: &Arc<Self>) {
        let th = self.thread("end");
        let raw = self.page.raw();
        let g = th.ghost();
        if g.strays > 0 {
            self.cov.strays.fetch_add(1, Relaxed);
        }
        if g.resets > 0 {
            self.cov.resets.fetch_add(1, Relaxed);
        }
        if g.window != 0 {
            let msg = format!("{} dec-and-test window(s) never closed", g.window);
            th.violate(g, msg);
        } else if g.refs != 0 {
            let msg = format!(
                "leak: {} reference(s) still counted, word {}",
                g.refs,
                Hex(raw)
            );
            th.violate(g, msg);
        } else if !g.free {
            let msg = format!(
                "leak: no reference is held but life {} was never freed (word {})",
                g.life,
                Hex(raw)
            );
            th.violate(g, msg);
        } else if !S::is_free_value(raw) {
            let msg = format!("the free page carries word {}, not a free value", Hex(raw));
            th.violate(g, msg);
        }
    }
}

/// One thread's view of the world; also the [`Probe`] its scheme calls.
pub struct Th<S: RefScheme> {
    w: Arc<World<S>>,
    name: &'static str,
}

impl<S: RefScheme<Atomic = LoomAtomic>> Th<S> {
    fn ghost(&self) -> MutexGuard<'_, Ghost> {
        self.w.ghost.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn note(&self, g: &mut Ghost, what: String) {
        g.trace.push(format!("{:<2} {what}", self.name));
    }

    /// Report a violation and end the execution (loom then stops exploring).
    fn violate(&self, mut g: MutexGuard<'_, Ghost>, message: String) -> ! {
        let failure = Failure {
            message: format!("[{}] {message}", self.name),
            trace: g.trace.clone(),
        };
        g.trace.push(format!("VIOLATION: {message}"));
        drop(g);
        let text = failure.render();
        {
            let mut sink = self.w.sink.lock().unwrap_or_else(|e| e.into_inner());
            if sink.is_none() {
                *sink = Some(failure);
            }
        }
        panic!("{VIOLATION_PREFIX}{}):\n{text}", S::NAME);
    }

    /// Look the page up in the slot (`xas_load()` under `rcu_read_lock()`).
    pub fn lookup(&self) -> Option<u32> {
        let life = self.w.slot.load(Acquire);
        let mut g = self.ghost();
        if life == 0 {
            self.note(&mut g, "lookup: slot empty".into());
            None
        } else {
            self.note(&mut g, format!("lookup: slot -> life {life}"));
            Some(life)
        }
    }

    /// Is the slot still pointing at `life` (`xas_reload()`)?
    pub fn revalidate(&self, life: u32) -> bool {
        let now = self.w.slot.load(Acquire);
        let mut g = self.ghost();
        let ok = now == life;
        self.note(
            &mut g,
            format!(
                "re-validate life {life}: {}",
                if ok { "ok" } else { "gone" }
            ),
        );
        ok
    }

    /// Remove the page from the slot (`__filemap_remove_folio()`), before
    /// the remover drops the slot's reference.
    pub fn unpublish(&self) {
        self.w.slot.store(0, Release);
        let mut g = self.ghost();
        self.note(&mut g, "remove from slot".into());
    }

    /// Speculative get of one reference.
    pub fn try_get(&self) -> bool {
        self.try_get_n(1)
    }

    /// Speculative get of `nr` references.
    pub fn try_get_n(&self, nr: u32) -> bool {
        let ok = self.w.page.try_get_probed(nr, self);
        self.got(ok, nr)
    }

    /// The rest of a get of `nr` whose first read already returned `seen`
    /// (a getter in flight: see [`RefScheme::try_get_in_flight_probed`]).
    pub fn try_get_in_flight(&self, nr: u32, seen: u32) -> bool {
        let ok = self.w.page.try_get_in_flight_probed(nr, seen, self);
        self.got(ok, nr)
    }

    /// GUP-fast's get of `refs` references: the overflow guard (a
    /// `page_ref_count()` read), then the speculative get.
    pub fn gup_fast_get(&self, refs: u32) -> bool {
        let ok = self.w.page.gup_fast_get_probed(refs, self);
        self.got(ok, refs)
    }

    fn got(&self, ok: bool, nr: u32) -> bool {
        let mut g = self.ghost();
        if ok {
            if g.free {
                self.violate(g, "speculative get succeeded on a free page".into());
            }
            if g.frozen {
                self.violate(g, "speculative get succeeded on a frozen page".into());
            }
            g.refs += nr;
            let life = g.life;
            let what = if nr == 1 {
                "a reference".to_string()
            } else {
                format!("{} references", Hex(nr))
            };
            self.note(&mut g, format!("  -> got {what} (page is life {life})"));
        } else {
            self.note(&mut g, "  -> get failed".into());
        }
        ok
    }

    /// Use the page we hold a reference on; `life` is the life we expect
    /// (None for a PFN walker, which only needs the page not to be free).
    pub fn use_page(&self, life: Option<u32>) {
        let mut g = self.ghost();
        if g.free {
            self.violate(g, "uses a page that is free".into());
        }
        if let Some(l) = life {
            if l != g.life {
                let msg = format!("uses life {l} but the page is now life {}", g.life);
                self.violate(g, msg);
            }
        }
        let l = g.life;
        self.note(&mut g, format!("uses the page (life {l})"));
    }

    /// Drop one reference; free the page with `dtor` if the put says so.
    pub fn put(&self, dtor: Dtor) -> bool {
        self.put_n(1, dtor)
    }

    /// Drop `nr` references with the final put that goes with `dtor` (the
    /// caller-context one for [`Dtor::Owner`], the generic one for
    /// [`Dtor::PageState`]); free the page with `dtor` if it says so.
    pub fn put_n(&self, nr: u32, dtor: Dtor) -> bool {
        let freed = match dtor {
            Dtor::Owner(_) => self.w.page.put_caller_probed(nr, self),
            Dtor::PageState => self.w.page.put_probed(nr, self),
        };
        if freed {
            self.free(dtor);
        } else {
            let mut g = self.ghost();
            self.note(&mut g, "  -> put: not the last (or lost the CAS)".into());
        }
        freed
    }

    fn free(&self, dtor: Dtor) {
        let mut g = self.ghost();
        if g.free {
            let msg = format!("double free: life {} freed again", g.life);
            self.violate(g, msg);
        }
        if g.refs != 0 {
            let msg = format!(
                "life {} freed while {} reference(s) are held",
                g.life, g.refs
            );
            self.violate(g, msg);
        }
        if let Dtor::Owner(l) = dtor {
            if l != g.life {
                let msg = format!(
                    "the destructor of life {l} (chosen by the putter) ran on life {}: \
                     life {} is freed by a stale put",
                    g.life, g.life
                );
                self.violate(g, msg);
            }
        }
        g.free = true;
        g.frozen = false;
        let life = g.life;
        let how = match dtor {
            Dtor::Owner(_) => "owner's destructor",
            Dtor::PageState => "destructor from page state",
        };
        self.note(&mut g, format!("  -> frees life {life} ({how})"));
    }

    /// `page_ref_add(nr)` on a page the thread holds a reference to.
    pub fn add(&self, nr: u32) {
        let g = self.ghost();
        if g.free || g.frozen || g.refs == 0 {
            self.violate(g, "page_ref_add() on a page that is not owned".into());
        }
        drop(g);
        self.w.page.add_probed(nr, self);
        let mut g = self.ghost();
        g.refs += nr;
    }

    /// `page_ref_count()` read by a thread that holds references: it must
    /// not read 0 (its own references are in the count).
    pub fn count_held(&self) -> u32 {
        let c = self.w.page.count_probed(self);
        let mut g = self.ghost();
        if c == 0 {
            let msg = format!(
                "page_ref_count() reads 0 while {} reference(s) are held",
                Hex(g.refs)
            );
            self.violate(g, msg);
        }
        self.note(&mut g, format!("  -> count {}", Hex(c)));
        c
    }

    /// `page_ref_inc_or_thaw()` (memory-failure, fsdax): take a reference
    /// on a page that is owned, or that is free but kept outside the page
    /// allocator by the caller (an idle fsdax folio, a poisoned page).
    pub fn inc_or_thaw(&self) {
        let g = self.ghost();
        if g.frozen {
            self.violate(
                g,
                "page_ref_inc_or_thaw() on a page frozen by another owner".into(),
            );
        }
        drop(g);
        let thawed = self.w.page.inc_or_thaw_probed(self);
        let mut g = self.ghost();
        if g.free {
            g.free = false;
            g.life += 1;
            g.refs = 1;
            let life = g.life;
            self.note(&mut g, format!("  -> thawed: life {life}, one reference"));
        } else {
            g.refs += 1;
            let what = if thawed { " (thawed 0)" } else { "" };
            self.note(&mut g, format!("  -> one more reference{what}"));
        }
    }

    /// Allocate the page if it is free; returns the new life.
    pub fn alloc(&self) -> Option<u32> {
        let free = self.ghost().free;
        if !free {
            let mut g = self.ghost();
            self.note(&mut g, "alloc: no free page".into());
            return None;
        }
        self.w.page.alloc_init_probed(self);
        let mut g = self.ghost();
        g.free = false;
        g.frozen = false;
        g.life += 1;
        g.refs = 1;
        let life = g.life;
        self.note(
            &mut g,
            format!("  -> allocated: life {life}, one reference"),
        );
        Some(life)
    }

    /// Freeze the page, expecting `count` references (all ours).
    pub fn freeze(&self, count: u32) -> bool {
        let ok = self.w.page.freeze_probed(count, self);
        let mut g = self.ghost();
        if ok {
            if g.refs != count {
                let msg = format!(
                    "freeze({count}) succeeded while {} references are held",
                    g.refs
                );
                self.violate(g, msg);
            }
            g.frozen = true;
            self.note(&mut g, "  -> frozen".into());
        } else {
            self.note(&mut g, "  -> freeze failed".into());
        }
        ok
    }

    /// Unfreeze to `count` (our references).
    pub fn unfreeze(&self, count: u32) {
        let g = self.ghost();
        if !g.frozen {
            self.violate(g, "unfreeze of a page that is not frozen".into());
        }
        drop(g);
        self.w.page.unfreeze_probed(count, self);
        let mut g = self.ghost();
        g.frozen = false;
        self.note(&mut g, "  -> unfrozen".into());
    }
}

impl<S: RefScheme<Atomic = LoomAtomic>> Probe for Th<S> {
    fn step(&self, op: Op, c_name: &'static str, step: Step) {
        let mut g = self.ghost();
        let line = match step {
            Step::Load { val } => format!("{c_name}: read {}", Hex(val)),
            Step::Store { val } => format!("{c_name}: set {}", Hex(val)),
            Step::Rmw { old, new } => format!("{c_name}: {} -> {}", Hex(old), Hex(new)),
            Step::Cas { expect, new, seen } => format!(
                "{c_name}: cmpxchg({} -> {}) {}",
                Hex(expect),
                Hex(new),
                if seen == expect {
                    "succeeds".to_string()
                } else {
                    format!("fails, saw {}", Hex(seen))
                }
            ),
            Step::WindowOpen => format!("{c_name}: reached 0: dec-and-test window opens"),
            Step::WindowClose => String::new(),
            Step::Released { .. } => String::new(),
        };
        if !line.is_empty() {
            self.note(&mut g, line);
        }
        // Property 5: the zero state is transient (frozen-bit schemes only).
        if S::ZERO_TRANSIENT && !g.free {
            let seen_zero = match step {
                Step::Rmw { old, .. } => old == 0,
                Step::Cas { seen, .. } => seen == 0,
                _ => false,
            };
            if seen_zero && g.window == 0 {
                self.violate(g, "count 0 observed outside a dec-and-test window".into());
            }
            match step {
                Step::Rmw { new: 0, .. } if op != Op::Put => {
                    self.violate(
                        g,
                        "count dropped to 0 outside dec-and-test: a reference is lost".into(),
                    );
                }
                Step::Store { val: 0 } => self.violate(g, "stored 0".into()),
                _ => {}
            }
        }
        // A free or frozen page keeps a free value until its allocation or
        // unfreeze (R4): nothing else may turn its word into an owned one.
        if (g.free || g.frozen) && !matches!(op, Op::AllocInit | Op::Unfreeze | Op::Thaw) {
            let written = match step {
                Step::Rmw { new, .. } | Step::Store { val: new } => Some(new),
                Step::Cas { expect, new, seen } if seen == expect => Some(new),
                _ => None,
            };
            if let Some(v) = written {
                if !S::is_free_value(v) {
                    let what = if g.free { "free" } else { "frozen" };
                    let msg = format!(
                        "the word of a {what} page became {}: it now reads as owned",
                        Hex(v)
                    );
                    self.violate(g, msg);
                }
            }
        }
        // An owned page keeps an owned word until a freeze or its final put
        // freezes it: a count pushed past INT_MAX would read as frozen.
        if !g.free && !g.frozen && !matches!(op, Op::Put | Op::Freeze) {
            let written = match step {
                Step::Rmw { new, .. } | Step::Store { val: new } => Some(new),
                Step::Cas { expect, new, seen } if seen == expect => Some(new),
                _ => None,
            };
            if let Some(v) = written {
                let in_window_zero = v == 0 && g.window > 0;
                if !S::is_owned_value(v) && !in_window_zero {
                    let why = match op {
                        _ if !crate::scheme::value_frozen(v) => "it no longer reads as owned",
                        Op::TryGet | Op::Add | Op::Thaw => {
                            "the count crossed INT_MAX and the page reads as frozen"
                        }
                        _ => "the page reads as frozen while it has owners",
                    };
                    let msg = format!("the word of an owned page became {}: {why}", Hex(v));
                    self.violate(g, msg);
                }
            }
        }
        // Puts run only on owned values (the debug build's VM_WARN_ON_ONCE).
        if op == Op::Put {
            let bad = match step {
                Step::Rmw { old, .. } => !S::is_owned_value(old),
                Step::Cas { expect, seen, .. } => expect != 0 && !S::is_owned_value(seen),
                _ => false,
            };
            if bad {
                self.violate(g, "put on a page whose word is not an owned value".into());
            }
        }
        // Property 7: HVO's read-only struct pages are never written.
        if g.read_only {
            let write = match step {
                Step::Rmw { .. } | Step::Store { .. } => Some("writes"),
                Step::Cas { expect, seen, .. } if seen == expect => Some("writes"),
                Step::Cas { .. } => Some("runs a (failing) locked cmpxchg on"),
                _ => None,
            };
            if let Some(how) = write {
                let msg =
                    format!("{c_name} {how} a struct page that HVO maps read-only: it faults");
                self.violate(g, msg);
            }
        }
        if op == Op::TryGet {
            if let Step::Rmw { new, .. } = step {
                if S::ZERO_TRANSIENT && crate::scheme::value_frozen(new) {
                    g.strays += 1;
                }
            }
        }
        if op == Op::Reset {
            g.resets += 1;
        }
        match step {
            Step::WindowOpen => g.window += 1,
            Step::WindowClose => g.window -= 1,
            Step::Released { nr } => {
                if g.refs < nr {
                    self.violate(g, "dropped more references than are held".into());
                }
                g.refs -= nr;
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Thread bodies.
// ---------------------------------------------------------------------------

/// A speculative getter: lookup, get, re-validate, use, put. A getter never
/// knows what the page is, so it frees (if it has to) with the page-state
/// destructor, as `folio_put()` does.
pub fn speculative_getter<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    let Some(life) = th.lookup() else { return };
    if !th.try_get() {
        return;
    }
    if th.revalidate(life) {
        th.use_page(Some(life));
    }
    th.put(Dtor::PageState);
}

/// A speculative getter in flight: it looked up life 1 and read the word
/// owned (1) before the scenario's start froze or freed the page; the rest
/// of its get, re-validate, use, put.
pub fn in_flight_getter<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if !th.try_get_in_flight(1, 1) {
        return;
    }
    if th.revalidate(1) {
        th.use_page(Some(1));
    }
    th.put(Dtor::PageState);
}

/// A PFN walker in flight: it read the word owned (1) before the
/// scenario's start froze or freed the page; the rest of its get, check,
/// put.
pub fn in_flight_walker<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if th.try_get_in_flight(1, 1) {
        th.use_page(None);
        th.put(Dtor::PageState);
    }
}

/// A PFN walker: get by address, check, put.
pub fn pfn_walker<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if th.try_get() {
        th.use_page(None);
        th.put(Dtor::PageState);
    }
}
