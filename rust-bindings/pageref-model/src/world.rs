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
//!    locked write", Intel SDM, CMPXCHG); a hot-removed memmap is not
//!    accessed at all, and a struct page that memory online re-initialises
//!    is written by nobody else meanwhile;
//! 8. a life that a reader took as dead is never owned again (R17);
//! 9. `CONFIG_DEBUG_VM` finds nothing: no put is refused (v8's puts) and no
//!    failed get warns (v8's get: a result at or past `PAGEREF_SATURATED`,
//!    or an owned count carried into the frozen bit);
//! 10. slow GUP's add never starts on a count at or past the limit its
//!     check refuses (`PAGEREF_OWNED_LIMIT` in v7 and v8): a check made
//!     before the add must still hold when it lands;
//! 11. the keeper's own thaw never takes a transient 0: a thread that
//!     keeps a page for good (memory-failure's poisoned page:
//!     [`Th::keep`]) did not take the reference it keeps with a
//!     `page_ref_inc_or_thaw()` that took a final put's 0 (inside its
//!     dec-and-test window) to 1. That is what v8's wait while the count
//!     reads 0 guarantees; a wait that nothing can end (`cpu_relax()` while
//!     the count reads 0 and no final put is in flight) is reported as
//!     blocked;
//! 12. the page kept for good is not a life whose count reached 0 in a
//!     final put that then never froze and freed it (that put's teardown,
//!     `__folio_put()`, is owed, and nobody is left to put the page and
//!     run it), and its word is an owned value, checked at the end. Beyond
//!     property 11 this catches a speculative get that revived the
//!     transient 0 while the thaw waited: by design a get may do that, and
//!     the keeper then keeps the page with its state, as it does in
//!     mainline when the get lands before the final put (the trace names
//!     who took the 0 to 1).
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
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
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

/// Executions (of one scheme x scenario run) in which a stray add, the
/// overflow reset and the other events a scenario exists for happened.
/// Plain std atomics: loom does not see them.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Executions in which a failed get wrote a stray add.
    pub strays: AtomicUsize,
    /// Executions in which `page_ref_reset_frozen()` ran.
    pub resets: AtomicUsize,
    /// Executions in which the page became read-only (HVO) or its memmap
    /// went away (hot-remove) while another thread was still running.
    pub transitions: AtomicUsize,
    /// Executions in which a grace period had to wait for a read-side
    /// section.
    pub gp_waits: AtomicUsize,
    /// Executions in which a put's `cmpxchg(0 -> FROZEN)` won on a life
    /// other than the one its caller's references were in (R9's stale win).
    pub stale_wins: AtomicUsize,
    /// Executions in which a reader took the page as dead.
    pub taken_dead: AtomicUsize,
    /// Executions in which `page_ref_inc_or_thaw()` read 0 and waited
    /// (`cpu_relax()`) for a final put in flight to freeze the page.
    pub thaw_waits: AtomicUsize,
}

/// The most model threads a scenario has.
pub const MAX_THREADS: usize = 4;

/// The most `cpu_relax()` one thread may run in an execution (all its
/// waits together) before the model reports its wait as blocked. loom runs
/// the other threads before a thread that yielded runs again, and a load
/// after the yield reads a newer store where there is one, so each wasted
/// round needs another thread's step, and a wait that something ends ends
/// after as many rounds as the other threads have operations before the
/// word changes (one or two in poison-thaw); 16 means that nothing will
/// change the word. No cell reaches it; a thaw alone on a page whose word
/// is a 0 that nobody changes does, after 16 rounds (the test
/// `lone_thaw_on_zero_is_blocked`). A false "blocked" would be a reported
/// failure, never a silent pass.
pub const MAX_SPINS: u32 = 16;

#[derive(Debug, Default)]
struct Ghost {
    free: bool,
    frozen: bool,
    /// A final put froze the page (its winning cmpxchg, or mainline's
    /// decrement to 0) and its putter has not freed it yet.
    dying: bool,
    read_only: bool,
    /// The memmap was hot-removed: no access at all from here on.
    gone: bool,
    /// The page was handed out as a tail page (frozen, no references).
    tail: bool,
    /// `offline_pages()` took the page's block out of the page allocator.
    offline: bool,
    /// Memory online is re-initialising the struct page
    /// (`__init_single_page()` .. `__free_pages_core()`): no other thread
    /// may write it.
    reinit: bool,
    strays: u32,
    resets: u32,
    transitions: u32,
    gp_waits: u32,
    stale_wins: u32,
    /// The life that a reader took as dead, and the reader's name.
    taken_dead: Option<(u32, &'static str)>,
    taken_dead_count: u32,
    /// The current life's count reached 0 in a final put (its subtract
    /// opened a dec-and-test window) and the page has not been freed
    /// since: the teardown of that final put (`__folio_put()`) is owed. A
    /// get that revives the 0 passes it on to whoever drops the count to
    /// 0 next; a thread that keeps the page for good must not hold it
    /// then (property 12).
    teardown_owed: bool,
    /// The thread whose put opened the window that made the teardown
    /// owed, and the thread and operation that then took the 0 to 1
    /// (`get` or `thaw`), for property 12's message.
    owed_by: &'static str,
    revived_by: Option<(&'static str, &'static str)>,
    /// Per thread: its `page_ref_inc_or_thaw()` took a final put's
    /// transient 0 to 1 (property 11, checked when it keeps the page).
    thaw_took_zero: [bool; MAX_THREADS],
    /// References that a thread keeps for good (memory-failure's poisoned
    /// page), and that thread's name.
    kept: u32,
    keeper: &'static str,
    /// Per thread: `cpu_relax()` calls so far.
    spins: [u32; MAX_THREADS],
    thaw_waits: u32,
    life: u32,
    refs: u32,
    window: u32,
    /// Per thread: the life its last put released references in.
    released_life: [u32; MAX_THREADS],
    /// Per thread: RCU read-side nesting (for the trace; the grace period
    /// reads the loom atomics).
    rcu_depth: [u32; MAX_THREADS],
    /// The payload version a getter must see (freeze-vs-get,
    /// unfreeze-vs-stray): what the freezer wrote while the page was frozen.
    payload: u32,
    names: [&'static str; MAX_THREADS],
    trace: Vec<String>,
}

/// Where the page starts.
#[derive(Clone, Copy, Debug)]
pub enum Init {
    /// Owned with one reference (held by the scenario's owner thread),
    /// life 1, published in the slot.
    OwnedPublished,
    /// Owned with `refs` references (held by the scenario's owner threads),
    /// life 1, published in the slot.
    SharedPublished { refs: u32 },
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

/// What a scenario's world holds besides the page and the slot.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// Where the page starts.
    pub init: Init,
    /// A thread of the scenario makes the page read-only, offlines it or
    /// removes its memmap: RCU read-side sections are recorded, and a
    /// scheme that waits for grace periods ([`RefScheme::GRACE_PERIODS`])
    /// waits for them. In
    /// the other scenarios nothing waits for a grace period, so a section
    /// has no effect and the model does not record it (fewer interleavings,
    /// the same behaviours).
    pub rcu: bool,
    /// The freezer writes the page's payload while it is frozen and
    /// getters check they see it (the unfreeze must publish it).
    pub payload: bool,
    /// A thread of the scenario takes the page from the page allocator
    /// after another freed it: model the allocator's hand-over (see
    /// [`World`]'s `zone`).
    pub zone: bool,
}

/// The world of one execution.
pub struct World<S: RefScheme> {
    page: S,
    slot: LoomAtomic,
    /// Per thread: the RCU read-side nesting depth, read by
    /// [`Th::synchronize_rcu`] with read-modify-writes (which read the
    /// latest value), so a grace period sees every section entered before
    /// it looks (and waits for more than it must, which RCU allows); a
    /// section that starts after it looked synchronises with the look and
    /// sees everything before it.
    rcu: Vec<LoomAtomic>,
    rcu_on: bool,
    /// The page's payload (its flags, mapping, contents) as one word:
    /// the version the freezer last wrote.
    payload: Option<LoomAtomic>,
    /// The page allocator's free list and its lock (`zone->lock`), as one
    /// word that the freeing thread and the allocating thread each update
    /// with one acquire-release read-modify-write: the page goes from the
    /// one to the other under the lock, which orders everything the freer
    /// did before its free before everything the allocator does after it
    /// took the page.
    zone: Option<LoomAtomic>,
    ghost: Mutex<Ghost>,
    sink: Arc<Mutex<Option<Failure>>>,
    cov: Arc<Coverage>,
}

impl<S: RefScheme<Atomic = LoomAtomic>> World<S> {
    /// A world set up as `setup` says; violations are reported into `sink`,
    /// stray adds, resets and the rest counted in `cov`.
    pub fn new(setup: Setup, sink: Arc<Mutex<Option<Failure>>>, cov: Arc<Coverage>) -> Arc<Self> {
        let init = setup.init;
        let mut g = Ghost::default();
        let (raw, slot) = match init {
            Init::OwnedPublished => {
                g.life = 1;
                g.refs = 1;
                (1, 1)
            }
            Init::SharedPublished { refs } => {
                g.life = 1;
                g.refs = refs;
                (refs, 1)
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
        g.payload = 1;
        let rcu_on = setup.rcu && S::GRACE_PERIODS.any();
        Arc::new(Self {
            page: S::from_raw(raw),
            slot: LoomAtomic::new(slot),
            rcu: if rcu_on {
                (0..MAX_THREADS).map(|_| LoomAtomic::new(0)).collect()
            } else {
                Vec::new()
            },
            rcu_on,
            payload: setup.payload.then(|| LoomAtomic::new(1)),
            zone: setup.zone.then(|| LoomAtomic::new(0)),
            ghost: Mutex::new(g),
            sink,
            cov,
        })
    }

    /// A handle for the thread called `name`, the scenario's thread number
    /// `idx` (below [`MAX_THREADS`]).
    pub fn thread(self: &Arc<Self>, idx: usize, name: &'static str) -> Th<S> {
        assert!(idx < MAX_THREADS);
        self.ghost.lock().unwrap_or_else(|e| e.into_inner()).names[idx] = name;
        Th {
            w: self.clone(),
            name,
            idx,
        }
    }

    /// End-of-execution check (property 6); call after joining every thread.
    pub fn final_check(self: &Arc<Self>) {
        let th = Th {
            w: self.clone(),
            name: "end",
            idx: 0,
        };
        let raw = self.page.raw();
        let g = th.ghost();
        for (n, c) in [
            (g.strays, &self.cov.strays),
            (g.resets, &self.cov.resets),
            (g.transitions, &self.cov.transitions),
            (g.gp_waits, &self.cov.gp_waits),
            (g.stale_wins, &self.cov.stale_wins),
            (g.taken_dead_count, &self.cov.taken_dead),
            (g.thaw_waits, &self.cov.thaw_waits),
        ] {
            if n > 0 {
                c.fetch_add(1, Relaxed);
            }
        }
        if g.window != 0 {
            let msg = format!("{} dec-and-test window(s) never closed", g.window);
            th.violate(g, msg);
        } else if g.kept != 0 && g.refs == g.kept {
            // Property 12: the page that a thread keeps for good.
            if g.teardown_owed {
                let how = match g.revived_by {
                    Some((who, what)) => format!("{who}'s {what} took the 0 to 1"),
                    None => "nobody took the 0 to 1".to_string(),
                };
                let msg = format!(
                    "{} keeps life {} for good, but its count reached 0 in a final put that \
                     then did not freeze it ({putter}'s put subtracted to 0, {how}, and \
                     {putter}'s cmpxchg(0 -> FROZEN) failed): that put's teardown \
                     (__folio_put(): off the LRU, out of its memcg, back to its ZONE_DEVICE \
                     owner) never ran, and no put is left to run it (word {})",
                    g.keeper,
                    g.life,
                    Hex(raw),
                    putter = g.owed_by,
                );
                th.violate(g, msg);
            } else if g.free || !S::is_owned_value(raw) {
                let msg = format!(
                    "{} keeps life {} for good, but its word is {}, not an owned value",
                    g.keeper,
                    g.life,
                    Hex(raw)
                );
                th.violate(g, msg);
            }
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
        } else if !g.gone && !S::is_free_value(raw) {
            let msg = format!("the free page carries word {}, not a free value", Hex(raw));
            th.violate(g, msg);
        }
    }
}

/// One thread's view of the world; also the [`Probe`] its scheme calls.
pub struct Th<S: RefScheme> {
    w: Arc<World<S>>,
    name: &'static str,
    idx: usize,
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
        self.report(failure)
    }

    /// Record `failure` (the first one wins) and end the execution. The
    /// ghost lock may still be held: the sink is a separate lock, and the
    /// panic unwinds through the guard.
    fn report(&self, failure: Failure) -> ! {
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
            if g.frozen || g.dying {
                self.violate(g, "speculative get succeeded on a frozen page".into());
            }
            self.check_not_taken_dead(g.life, &g);
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

    /// A get (or thaw) is about to make `life` owned again: that must not
    /// be a life a reader already took as dead (R17).
    fn check_not_taken_dead(&self, life: u32, g: &MutexGuard<'_, Ghost>) {
        if let Some((dead, reader)) = g.taken_dead {
            if dead == life {
                let msg = format!(
                    "the get revives life {life}, which {reader} already took as dead: \
                     the page is owned again after a reader acted on its count"
                );
                // Re-lock through violate(): take the guard's trace by value.
                let failure = Failure {
                    message: format!("[{}] {msg}", self.name),
                    trace: g.trace.clone(),
                };
                self.report(failure);
            }
        }
    }

    /// Use the page we hold a reference on; `life` is the life we expect
    /// (None for a PFN walker, which only needs the page not to be free).
    /// Where the scenario has a payload, the user reads it (relaxed) and
    /// must see what the freezer last wrote while the page was frozen.
    pub fn use_page(&self, life: Option<u32>) {
        let seen = self.w.payload.as_ref().map(|p| p.load(Relaxed));
        let mut g = self.ghost();
        if g.free {
            self.violate(g, "uses a page that is free".into());
        }
        if let Some(v) = seen {
            if v != g.payload {
                let msg = format!(
                    "reads the page's payload version {v}, but the freezer wrote version {} \
                     while the page was frozen: the unfreeze did not publish it",
                    g.payload
                );
                self.violate(g, msg);
            }
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
        let life = g.life;
        let how = match dtor {
            Dtor::Owner(_) => "owner's destructor",
            Dtor::PageState => "destructor from page state",
        };
        let released = g.released_life[self.idx];
        if released != life {
            // R9's stale win: the CAS that froze this life belongs to a put
            // whose references were in an earlier one. Only a destructor
            // read from the page's own state (checked above for an
            // owner's) is right here.
            g.stale_wins += 1;
            self.note(
                &mut g,
                format!(
                    "  -> frees life {life} ({how}): a stale win, its references were in life \
                     {released}"
                ),
            );
        } else {
            self.note(&mut g, format!("  -> frees life {life} ({how})"));
        }
        drop(g);
        // Into the page allocator's free list, under its lock.
        self.zone_lock();
        let mut g = self.ghost();
        g.free = true;
        g.frozen = false;
        g.dying = false;
        g.teardown_owed = false;
        g.revived_by = None;
    }

    /// `spin_lock(&zone->lock)` .. `spin_unlock()` around a free-list
    /// update, as one acquire-release read-modify-write (scenarios with
    /// an allocator only; elsewhere nobody takes the page from the
    /// allocator, and the lock orders nothing the model looks at).
    fn zone_lock(&self) {
        if let Some(zone) = &self.w.zone {
            zone.fetch_add(1, AcqRel);
        }
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

    /// Slow GUP (`try_grab_folio()`) takes `nr` references for user space
    /// on a page the thread holds a reference to (the page table's, under
    /// its lock); false when refused.
    pub fn grab(&self, nr: u32) -> bool {
        let g = self.ghost();
        if g.free || g.frozen || g.refs == 0 {
            self.violate(g, "try_grab_folio() on a page that is not owned".into());
        }
        drop(g);
        let ok = self.w.page.grab_probed(nr, self);
        let mut g = self.ghost();
        if ok {
            g.refs += nr;
            self.note(&mut g, format!("  -> took {} references", Hex(nr)));
        } else {
            self.note(&mut g, "  -> refused (-ENOMEM)".into());
        }
        ok
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
        if !g.free {
            self.check_not_taken_dead(g.life, &g);
        }
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

    /// The thread keeps the `nr` references it holds for good: memory-failure
    /// holds a poisoned page forever (`page_handle_poison()`). Its own
    /// thaw must not have taken a final put's transient 0 to 1 (property
    /// 11); at the end of the execution the references are still counted,
    /// the page is owned, and its life must not owe a final put's teardown
    /// (property 12).
    pub fn keep(&self, nr: u32) {
        let mut g = self.ghost();
        if g.thaw_took_zero[self.idx] {
            let msg = format!(
                "page_ref_inc_or_thaw() took the transient 0 of a final put in flight \
                 ({}'s) to 1, and {} keeps life {} for good: that put cannot freeze the page \
                 now, and its teardown (__folio_put()) is left to a later put, which the keeper \
                 never makes",
                g.owed_by, self.name, g.life
            );
            self.violate(g, msg);
        }
        g.kept += nr;
        g.keeper = self.name;
        let life = g.life;
        self.note(
            &mut g,
            format!("keeps life {life} for good (poisoned): never puts it"),
        );
    }

    /// Allocate the page if it is free; returns the new life.
    ///
    /// Before its `set_page_refcounted()` store the allocator issues a
    /// release fence that the kernel does not have. It stands in for what
    /// LKMM gives and C11 does not: a getter whose fully ordered get
    /// (`smp_mb()` on both sides) reads the new life's count sees every
    /// write that reached the allocator through the free list's lock (the
    /// previous owner's removal of the page from the page cache), so its
    /// re-validation fails. Litmus test 08
    /// (`pageref-08-lookup-vs-remove-realloc-other-cpu`) checks that
    /// hand-over; without the fence loom's relaxed store leaves it out and
    /// every scheme fails property 3 in the R9 scenarios.
    pub fn alloc(&self) -> Option<u32> {
        self.zone_lock();
        let free = self.ghost().free && !self.ghost().offline;
        if !free {
            let mut g = self.ghost();
            self.note(&mut g, "alloc: no free page".into());
            return None;
        }
        loom::sync::atomic::fence(Release);
        self.w.page.alloc_init_probed(self);
        let mut g = self.ghost();
        g.free = false;
        g.frozen = false;
        g.dying = false;
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

impl<S: RefScheme<Atomic = LoomAtomic>> Th<S> {
    /// `page_ref_count()` by a thread that holds no reference (an
    /// allocator, a reader): any value is fine. Also the scheduling point
    /// before a ghost check such as "is the page free?": loom switches
    /// threads only at its own operations, so a check of ghost state right
    /// after this read sees the world as of the read.
    pub fn peek_count(&self) -> u32 {
        let c = self.w.page.count_probed(self);
        let mut g = self.ghost();
        self.note(&mut g, format!("  -> count {}", Hex(c)));
        c
    }

    /// `synchronize_rcu()`: wait until every RCU read-side section that
    /// began before it has ended. It reads each other thread's nesting
    /// depth with a read-modify-write (the latest value) and yields to the
    /// others while it is not 0.
    pub fn synchronize_rcu(&self) {
        {
            let mut g = self.ghost();
            self.note(&mut g, "synchronize_rcu: grace period starts".into());
        }
        let mut waited = false;
        for (j, depth) in self.w.rcu.iter().enumerate() {
            if j == self.idx {
                continue;
            }
            let mut first = true;
            while depth.fetch_add(0, AcqRel) != 0 {
                if first {
                    let mut g = self.ghost();
                    let who = g.names[j];
                    self.note(&mut g, format!("synchronize_rcu: waits for {who}"));
                    first = false;
                }
                waited = true;
                loom::thread::yield_now();
            }
        }
        let mut g = self.ghost();
        if waited {
            g.gp_waits += 1;
        }
        self.note(&mut g, "synchronize_rcu: grace period ends".into());
    }

    /// After a [`Self::peek_count`]: if the page is free, hand it out as a
    /// tail page of a HugeTLB folio and let HVO remap its struct page
    /// read-only (`set_page_count_as_frozen()` in `prep_compound_tail()`,
    /// then, in a scheme whose [`RefScheme::GRACE_PERIODS`] say so,
    /// `synchronize_rcu()`,
    /// then the remap). From the remap on, any write to the word is a
    /// violation (property 7). Returns whether it did.
    pub fn hvo_remap_if_free(&self) -> bool {
        {
            let Some(mut g) = self.take_free_page("no HugeTLB folio") else {
                return false;
            };
            g.life += 1;
            g.tail = true;
            let life = g.life;
            self.note(
                &mut g,
                format!("allocates the free page as a HugeTLB tail page (life {life})"),
            );
        }
        self.w.page.set_frozen_probed(self);
        if S::GRACE_PERIODS.hvo_remap {
            self.synchronize_rcu();
        }
        let mut g = self.ghost();
        g.read_only = true;
        g.transitions += 1;
        self.note(
            &mut g,
            "HVO remaps the struct page read-only (shared vmemmap page)".into(),
        );
        true
    }

    /// After a [`Self::peek_count`]: if the page is free, offline its
    /// memory block (`offline_pages()`: the free page is isolated, then,
    /// in a scheme whose [`RefScheme::GRACE_PERIODS`] say so,
    /// `synchronize_rcu()`, then the block is offline and its pages out of
    /// the allocator). Returns whether it did.
    pub fn offline_if_free(&self) -> bool {
        {
            let Some(mut g) = self.take_free_page("no offline") else {
                return false;
            };
            g.offline = true;
            self.note(
                &mut g,
                "offline_pages: the free page is isolated, its block goes offline".into(),
            );
        }
        if S::GRACE_PERIODS.offline_pages {
            self.synchronize_rcu();
        }
        true
    }

    /// Take the page from the page allocator under its lock if it is free
    /// (and not offline): the ghost state to update, or None (noting
    /// `otherwise`) if it is not free.
    fn take_free_page(&self, otherwise: &str) -> Option<MutexGuard<'_, Ghost>> {
        self.zone_lock();
        let mut g = self.ghost();
        if !g.free || g.offline {
            self.note(&mut g, format!("the page is not free: {otherwise}"));
            return None;
        }
        Some(g)
    }

    /// After [`Self::offline_if_free`]: hot-remove the offline block
    /// (`__remove_pages()`: in a scheme whose grace periods say so,
    /// `synchronize_rcu()`, then the memmap is freed). From then on, any
    /// access to the word, a read included, is a violation.
    pub fn remove_memmap(&self) {
        if S::GRACE_PERIODS.remove_pages {
            self.synchronize_rcu();
        }
        let mut g = self.ghost();
        g.gone = true;
        g.transitions += 1;
        self.note(&mut g, "memory hot-remove frees the memmap".into());
    }

    /// After [`Self::offline_if_free`]: online the block again
    /// (`online_pages()`): `__init_single_page()` re-initialises the
    /// struct page (`mm_zero_struct_page()`, `init_page_count()`) and
    /// `__free_pages_core()` hands it to the page allocator frozen. While
    /// it does, no other thread may write the word.
    pub fn online_again(&self) {
        {
            let mut g = self.ghost();
            g.reinit = true;
            g.transitions += 1;
            self.note(
                &mut g,
                "online_pages: __init_single_page() re-initialises the struct page".into(),
            );
        }
        self.w.page.init_struct_page_probed(self);
        self.w.page.set_frozen_probed(self);
        self.zone_lock();
        let mut g = self.ghost();
        g.reinit = false;
        g.offline = false;
        self.note(
            &mut g,
            "  -> the page is in the page allocator again".into(),
        );
    }

    /// A reader that takes the page as dead when fsdax's idle test says
    /// so (`dax_page_is_idle()`: `page_ref_count() == 0` in mainline and
    /// v7, `page_ref_is_frozen()` in v8) and acts on it: from then on the
    /// life it read must stay dead (R17).
    pub fn take_dead_if_dax_idle(&self) {
        let idle = self.w.page.dax_idle_probed(self);
        let g = self.ghost();
        if idle {
            self.take_dead(g, "dax_page_is_idle()");
        } else {
            let mut g = g;
            self.note(&mut g, "  -> busy".into());
        }
    }

    /// A reader that takes the page as dead when `page_ref_is_frozen()`
    /// (bit 31) says so.
    pub fn take_dead_if_frozen(&self) {
        let frozen = self.w.page.is_frozen_probed(self);
        let g = self.ghost();
        if frozen {
            self.take_dead(g, "page_ref_is_frozen()");
        } else {
            let mut g = g;
            self.note(&mut g, "  -> not frozen: alive".into());
        }
    }

    fn take_dead(&self, mut g: MutexGuard<'_, Ghost>, test: &str) {
        if g.refs != 0 {
            let msg = format!(
                "takes life {} as dead ({test}) while {} reference(s) on it are held",
                g.life, g.refs
            );
            self.violate(g, msg);
        }
        g.taken_dead = Some((g.life, self.name));
        g.taken_dead_count += 1;
        let life = g.life;
        self.note(
            &mut g,
            format!("  -> {test}: takes life {life} as dead and acts on it"),
        );
    }

    /// The freezer updates the page's payload while it holds the page
    /// frozen (migration's copy, split's new metadata).
    pub fn write_payload(&self) {
        let Some(p) = &self.w.payload else { return };
        let v = {
            let mut g = self.ghost();
            if !g.frozen {
                self.violate(g, "writes the payload of a page it has not frozen".into());
            }
            g.payload += 1;
            let v = g.payload;
            self.note(&mut g, format!("writes payload version {v} (page frozen)"));
            v
        };
        p.store(v, Relaxed);
    }
}

impl<S: RefScheme<Atomic = LoomAtomic>> Probe for Th<S> {
    fn rcu_read_lock(&self) {
        if !self.w.rcu_on {
            return;
        }
        self.w.rcu[self.idx].fetch_add(1, AcqRel);
        let mut g = self.ghost();
        g.rcu_depth[self.idx] += 1;
        self.note(&mut g, "rcu_read_lock".into());
    }

    fn rcu_read_unlock(&self) {
        if !self.w.rcu_on {
            return;
        }
        self.w.rcu[self.idx].fetch_sub(1, AcqRel);
        let mut g = self.ghost();
        g.rcu_depth[self.idx] -= 1;
        self.note(&mut g, "rcu_read_unlock".into());
    }

    /// `cpu_relax()` in a wait (v8's `page_ref_inc_or_thaw()` while the
    /// count reads 0): yield to the other threads, as
    /// [`Th::synchronize_rcu`] does. After [`MAX_SPINS`] the wait is
    /// reported as blocked: nothing is left that will change the word.
    fn cpu_relax(&self) {
        {
            let mut g = self.ghost();
            g.spins[self.idx] += 1;
            if g.spins[self.idx] == 1 {
                g.thaw_waits += 1;
            }
            if g.spins[self.idx] > MAX_SPINS {
                let msg = format!(
                    "blocked: waited {MAX_SPINS} times (cpu_relax()) for a count of 0 to change, \
                     and no final put in flight will freeze the page"
                );
                self.violate(g, msg);
            }
            self.note(
                &mut g,
                "  cpu_relax(): waits while the count reads 0".into(),
            );
        }
        loom::thread::yield_now();
    }

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
            Step::Refused { seen } => format!(
                "{c_name}: read {} and refuses the put (CONFIG_DEBUG_VM)",
                Hex(seen)
            ),
            Step::Warned { seen, nr } => format!(
                "{c_name}: the failed add of {} returned {} and warns (CONFIG_DEBUG_VM)",
                Hex(nr),
                Hex(seen)
            ),
            Step::WindowClose => String::new(),
            Step::Released { .. } => String::new(),
        };
        if !line.is_empty() {
            self.note(&mut g, line);
        }
        // The memmap was hot-removed: any access faults (or reads and writes
        // memory that is something else by now).
        if g.gone {
            let how = match step {
                Step::Load { .. } => Some("reads"),
                _ => writes(step),
            };
            if let Some(how) = how {
                let msg =
                    format!("{c_name} {how} a struct page whose memmap memory hot-remove freed");
                self.violate(g, msg);
            }
        }
        // Memory online is re-initialising the struct page: a write from
        // anyone else lands in (or is overwritten by) `__init_single_page()`;
        // a stale `cmpxchg(0 -> FROZEN)` that wins on its zeroed word frees a
        // page that nobody allocated. (A failing locked cmpxchg writes back
        // what it read, atomically: harmless here.)
        if g.reinit && !matches!(op, Op::InitStructPage | Op::SetFrozen) {
            if let (Some(how), Some(_)) = (writes(step), written_value(step)) {
                let msg = format!(
                    "{c_name} {how} a struct page that memory online is re-initialising \
                     (__init_single_page())"
                );
                self.violate(g, msg);
            }
        }
        // CONFIG_DEBUG_VM caught a put on a page that is not owned.
        if let Step::Refused { seen } = step {
            let msg = format!(
                "CONFIG_DEBUG_VM refuses a put on a page whose word is {}, not an owned value \
                 (VM_WARN_ON_ONCE_PAGE), and leaves the count alone",
                Hex(seen)
            );
            self.violate(g, msg);
        }
        // CONFIG_DEBUG_VM's warning in the get: a correct tree never warns
        // (property 9).
        if let Step::Warned { seen, nr } = step {
            let why = if crate::scheme::value_frozen(seen.wrapping_sub(nr)) {
                "at or past PAGEREF_SATURATED: the strays of gets in flight exceeded their bound"
            } else {
                "from an owned count: the add carried it into the frozen bit"
            };
            let msg = format!(
                "CONFIG_DEBUG_VM warns (VM_WARN_ON_ONCE_PAGE): a failed get left {}, {why}",
                Hex(seen)
            );
            self.violate(g, msg);
        }
        // Slow GUP's references for user space: its add must not start on a
        // count at or past the limit its check refuses (property 10). A
        // preemptible caller that checked, then added, passes the limit
        // together with every other task that checked before it; v8 checks
        // and adds in one cmpxchg.
        if op == Op::Grab {
            let added_on = match step {
                Step::Rmw { old, .. } => Some(old),
                Step::Cas { expect, seen, .. } if seen == expect => Some(expect),
                _ => None,
            };
            if let Some(old) = added_on {
                if S::is_owned_value(old) && old >= S::GRAB_LIMIT {
                    let msg = format!(
                        "{c_name} adds to a count of {}, at or past the limit {} that its check \
                         refuses: another add landed between its check and its add",
                        Hex(old),
                        Hex(S::GRAB_LIMIT)
                    );
                    self.violate(g, msg);
                }
            }
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
        if (g.free || g.frozen || g.dying)
            && !matches!(
                op,
                Op::AllocInit | Op::Unfreeze | Op::Thaw | Op::InitStructPage
            )
        {
            if let Some(v) = written_value(step) {
                if !S::is_free_value(v) {
                    let what = if g.free { "free" } else { "frozen" };
                    let how = if v == 0 {
                        "it is no longer frozen, and the next get takes it"
                    } else {
                        "it now reads as owned"
                    };
                    let msg = format!("the word of a {what} page became {}: {how}", Hex(v));
                    self.violate(g, msg);
                }
            }
        }
        // An owned page keeps an owned word until a freeze or its final put
        // freezes it: a count pushed past INT_MAX would read as frozen.
        if !g.free && !g.frozen && !g.dying && !matches!(op, Op::Put | Op::Freeze) {
            if let Some(v) = written_value(step) {
                let in_window_zero = v == 0 && g.window > 0;
                if !S::is_owned_value(v) && !in_window_zero {
                    let why = match op {
                        _ if !crate::scheme::value_frozen(v) => "it no longer reads as owned",
                        Op::TryGet | Op::Add | Op::Thaw | Op::Grab => {
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
            if let Some(how) = writes(step) {
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
        // A final put that froze the page (its winning cmpxchg to FROZEN,
        // or mainline's decrement to 0): from here the page is frozen, with
        // no owner, until its putter frees it. Recorded at the access
        // itself, because a v8 putter leaves its RCU section (a loom
        // operation, so a point where other threads run) before it frees.
        if op == Op::Put && !g.free && !g.dying {
            let froze = match step {
                Step::Cas { expect, new, seen } => seen == expect && S::is_free_value(new),
                Step::Store { val } => S::is_free_value(val),
                Step::Rmw { new, .. } => !S::ZERO_TRANSIENT && S::is_free_value(new),
                _ => false,
            };
            if froze {
                g.dying = true;
            }
        }
        // A get or a thaw took a final put's transient 0 to 1 (a revival:
        // frozen-bit schemes only, where 0 is a window): the putter's
        // cmpxchg(0 -> FROZEN) will fail, and its teardown passes on
        // (properties 11 and 12).
        if g.window > 0 && matches!(op, Op::TryGet | Op::Thaw) {
            let took_zero = match step {
                Step::Rmw { old, .. } => old == 0,
                Step::Cas { expect, seen, .. } => expect == 0 && seen == 0,
                _ => false,
            };
            if took_zero {
                let what = if op == Op::Thaw { "thaw" } else { "get" };
                g.revived_by = Some((self.name, what));
                if op == Op::Thaw {
                    g.thaw_took_zero[self.idx] = true;
                }
            }
        }
        match step {
            Step::WindowOpen => {
                g.window += 1;
                g.teardown_owed = true;
                g.owed_by = self.name;
            }
            Step::WindowClose => g.window -= 1,
            Step::Released { nr } => {
                if g.refs < nr {
                    self.violate(g, "dropped more references than are held".into());
                }
                g.refs -= nr;
                let life = g.life;
                g.released_life[self.idx] = life;
            }
            _ => {}
        }
    }
}

/// How `step` writes the word, for a violation message: every RMW, store
/// and cmpxchg does, a failing locked cmpxchg included ("The processor
/// never produces a locked read without also producing a locked write",
/// Intel SDM, CMPXCHG). None for a read.
fn writes(step: Step) -> Option<&'static str> {
    match step {
        Step::Rmw { .. } | Step::Store { .. } => Some("writes"),
        Step::Cas { expect, seen, .. } if seen == expect => Some("writes"),
        Step::Cas { .. } => Some("runs a (failing) locked cmpxchg on"),
        _ => None,
    }
}

/// The value `step` leaves in the word, if it changed it.
fn written_value(step: Step) -> Option<u32> {
    match step {
        Step::Rmw { new, .. } | Step::Store { val: new } => Some(new),
        Step::Cas { expect, new, seen } if seen == expect => Some(new),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Thread bodies.
// ---------------------------------------------------------------------------

/// A speculative getter: lookup, get, re-validate, use, put. A getter never
/// knows what the page is, so it frees (if it has to) with the page-state
/// destructor, as `folio_put()` does.
///
/// As `filemap_get_entry()`, the lookup, the get and the re-validation run
/// inside one RCU read-side section, and a get that fails re-validation is
/// put back inside it too.
pub fn speculative_getter<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.rcu_read_lock();
    let Some(life) = th.lookup() else {
        th.rcu_read_unlock();
        return;
    };
    if !th.try_get() {
        th.rcu_read_unlock();
        return;
    }
    if !th.revalidate(life) {
        th.put(Dtor::PageState);
        th.rcu_read_unlock();
        return;
    }
    th.rcu_read_unlock();
    th.use_page(Some(life));
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
