//! Scenarios and the loom driver.
//!
//! [`check`] runs one scenario for one scheme under loom with a preemption
//! bound, counts the executions explored and returns whether every
//! execution kept the properties of [`crate::world`] or, if one did not, the
//! counterexample with its trace.

use crate::atom::LoomAtomic;
use crate::scheme::RefScheme;
use crate::world::{pfn_walker, speculative_getter, Dtor, Failure, Init, Th, World};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The scenarios every scheme is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// R1: the last owner removes the page from the slot and puts it while
    /// a speculative getter that looked it up gets, re-validates and puts.
    PutVsGet,
    /// The owner freezes the page (expecting its own reference), unfreezes,
    /// removes it and puts it; a speculative getter races.
    FreezeVsGet,
    /// The page starts frozen by its owner, who unfreezes, removes and
    /// puts; a speculative getter's stray add races with the unfreeze.
    UnfreezeVsStray,
    /// The page is free; one thread allocates, uses and frees it while a
    /// PFN walker tries to get it (stray add vs `set_page_refcounted()`).
    AllocVsStray,
    /// The page is frozen with the most stray adds below the reset limit;
    /// two PFN walkers push it over the limit and reset it while the owner
    /// unfreezes and puts.
    OverflowReset,
    /// R9: the last owner P removes and puts; a speculative getter G that
    /// looked the page up gets, fails to re-validate and puts; a third
    /// thread N allocates the page if it is free, uses it and puts it.
    /// P and N free with the destructor of the life they own.
    AbaOwnerDtor,
    /// R9 again, but every free picks its destructor from the page state.
    AbaPageDtor,
    /// Three threads: the last owner's remove+put, a speculative getter and
    /// a PFN walker.
    Mixed3,
}

impl Scenario {
    /// Every scenario, in table order.
    pub const ALL: [Scenario; 8] = [
        Scenario::PutVsGet,
        Scenario::FreezeVsGet,
        Scenario::UnfreezeVsStray,
        Scenario::AllocVsStray,
        Scenario::OverflowReset,
        Scenario::AbaOwnerDtor,
        Scenario::AbaPageDtor,
        Scenario::Mixed3,
    ];

    /// Short name used in tables.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::PutVsGet => "put-vs-get (R1)",
            Scenario::FreezeVsGet => "freeze-vs-get",
            Scenario::UnfreezeVsStray => "unfreeze-vs-stray",
            Scenario::AllocVsStray => "alloc-vs-stray",
            Scenario::OverflowReset => "overflow-reset",
            Scenario::AbaOwnerDtor => "aba-owner-dtor (R9)",
            Scenario::AbaPageDtor => "aba-page-dtor (R9)",
            Scenario::Mixed3 => "mixed-3",
        }
    }

    /// Number of model threads.
    pub fn threads(self) -> usize {
        match self {
            Scenario::OverflowReset
            | Scenario::AbaOwnerDtor
            | Scenario::AbaPageDtor
            | Scenario::Mixed3 => 3,
            _ => 2,
        }
    }

    /// The preemption bound used unless the environment sets one (see
    /// [`bound_for`]): none (exhaustive) for the two-thread scenarios, 4 for
    /// the three-thread ones. The R9 ABA needs at most three preemptions (G
    /// after its lookup, P after its decrement, N after its decrement), fewer
    /// when G's lookup reads the slot's old value.
    pub fn default_bound(self) -> Option<usize> {
        if self.threads() == 2 {
            None
        } else {
            Some(4)
        }
    }

    fn init<S: RefScheme>(self) -> Init {
        match self {
            Scenario::PutVsGet
            | Scenario::FreezeVsGet
            | Scenario::AbaOwnerDtor
            | Scenario::AbaPageDtor
            | Scenario::Mixed3 => Init::OwnedPublished,
            Scenario::UnfreezeVsStray => Init::FrozenPublished { raw: S::FREE_VALUE },
            Scenario::AllocVsStray => Init::Free,
            Scenario::OverflowReset => Init::Frozen {
                raw: S::NEAR_LIMIT_FROZEN,
            },
        }
    }

    fn run<S: RefScheme<Atomic = LoomAtomic>>(self, w: &Arc<World<S>>) {
        type Body<S> = fn(&Th<S>);
        let bodies: Vec<(&'static str, Body<S>)> = match self {
            Scenario::PutVsGet => {
                vec![("P", owner_remove_put::<S>), ("G", speculative_getter::<S>)]
            }
            Scenario::FreezeVsGet => vec![("F", owner_freeze::<S>), ("G", speculative_getter::<S>)],
            Scenario::UnfreezeVsStray => {
                vec![
                    ("F", owner_unfreeze_remove_put::<S>),
                    ("G", speculative_getter::<S>),
                ]
            }
            Scenario::AllocVsStray => vec![("N", allocator::<S>), ("W", pfn_walker::<S>)],
            Scenario::OverflowReset => vec![
                ("F", owner_unfreeze_put::<S>),
                ("W1", pfn_walker::<S>),
                ("W2", pfn_walker::<S>),
            ],
            Scenario::AbaOwnerDtor => vec![
                ("P", owner_remove_put::<S>),
                ("G", speculative_getter::<S>),
                ("N", allocator::<S>),
            ],
            Scenario::AbaPageDtor => vec![
                ("P", owner_remove_put_pagestate::<S>),
                ("G", speculative_getter::<S>),
                ("N", allocator_pagestate::<S>),
            ],
            Scenario::Mixed3 => vec![
                ("P", owner_remove_put::<S>),
                ("G", speculative_getter::<S>),
                ("W", pfn_walker::<S>),
            ],
        };
        let handles: Vec<_> = bodies
            .into_iter()
            .map(|(name, body)| {
                let th = w.thread(name);
                loom::thread::spawn(move || body(&th))
            })
            .collect();
        for h in handles {
            h.join().expect("model thread panicked");
        }
    }
}

fn owner_remove_put<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.unpublish();
    th.put(Dtor::Owner(1));
}

fn owner_remove_put_pagestate<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.unpublish();
    th.put(Dtor::PageState);
}

fn owner_freeze<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if th.freeze(1) {
        th.use_page(Some(1));
        th.unfreeze(1);
    }
    th.unpublish();
    th.put(Dtor::Owner(1));
}

fn owner_unfreeze_remove_put<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.unfreeze(1);
    th.unpublish();
    th.put(Dtor::Owner(1));
}

fn owner_unfreeze_put<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.unfreeze(1);
    th.put(Dtor::Owner(1));
}

fn allocator<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if let Some(life) = th.alloc() {
        th.use_page(Some(life));
        th.put(Dtor::Owner(life));
    }
}

fn allocator_pagestate<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if let Some(life) = th.alloc() {
        th.use_page(Some(life));
        th.put(Dtor::PageState);
    }
}

/// What the exploration found.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Every explored execution kept every property.
    Holds,
    /// An execution broke a property.
    Counterexample(Failure),
}

/// The result of one scheme x scenario run.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Scheme name.
    pub scheme: &'static str,
    /// The scenario.
    pub scenario: Scenario,
    /// Loom's preemption bound (None: unbounded, i.e. exhaustive).
    pub bound: Option<usize>,
    /// Executions explored (up to and including the failing one).
    pub executions: usize,
    /// Wall time of the exploration.
    pub elapsed: Duration,
    /// The verdict.
    pub verdict: Verdict,
}

impl Outcome {
    /// True when a counterexample was found.
    pub fn found(&self) -> bool {
        matches!(self.verdict, Verdict::Counterexample(_))
    }

    /// The bound as printed in tables ("none" when unbounded).
    pub fn bound_str(&self) -> String {
        self.bound
            .map_or_else(|| "none".to_string(), |b| b.to_string())
    }

    /// One human-readable summary line.
    pub fn summary(&self) -> String {
        let v = match &self.verdict {
            Verdict::Holds => "holds".to_string(),
            Verdict::Counterexample(f) => format!("COUNTEREXAMPLE: {}", f.message),
        };
        format!(
            "{:<22} {:<22} bound {:<4} executions {:>7} ({:.2?}): {v}",
            self.scheme,
            self.scenario.name(),
            self.bound_str(),
            self.executions,
            self.elapsed
        )
    }
}

/// The preemption bound for `sc`: `PAGEREF_MODEL_PREEMPTIONS` if set (a
/// number, or `none` for an unbounded search), else loom's own
/// `LOOM_MAX_PREEMPTIONS` if set (a number), else the scenario's default.
pub fn bound_for(sc: Scenario) -> Option<usize> {
    let parse = |name: &str, v: String| -> Option<usize> {
        if v == "none" {
            None
        } else {
            Some(
                v.parse()
                    .unwrap_or_else(|_| panic!("{name} must be a number or `none`")),
            )
        }
    };
    if let Ok(v) = std::env::var("PAGEREF_MODEL_PREEMPTIONS") {
        return parse("PAGEREF_MODEL_PREEMPTIONS", v);
    }
    if let Ok(v) = std::env::var("LOOM_MAX_PREEMPTIONS") {
        return parse("LOOM_MAX_PREEMPTIONS", v);
    }
    sc.default_bound()
}

/// The panic hook to use while counterexamples are expected: it stays quiet
/// for the model's own violation panics (they are reported from the
/// [`Outcome`]) and passes every other panic to the previous hook.
pub fn quiet_counterexamples() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if !msg.starts_with(crate::world::VIOLATION_PREFIX) {
            previous(info);
        }
    }));
}

/// Explore `sc` for scheme `S` under loom.
pub fn check<S: RefScheme<Atomic = LoomAtomic>>(sc: Scenario) -> Outcome {
    let bound = bound_for(sc);
    let executions = Arc::new(AtomicUsize::new(0));
    let sink: Arc<Mutex<Option<Failure>>> = Arc::new(Mutex::new(None));
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = bound;
    let start = Instant::now();
    let result = {
        let executions = executions.clone();
        let sink = sink.clone();
        panic::catch_unwind(AssertUnwindSafe(move || {
            builder.check(move || {
                executions.fetch_add(1, Ordering::Relaxed);
                let w = World::<S>::new(sc.init::<S>(), sink.clone());
                sc.run(&w);
                w.final_check();
            })
        }))
    };
    let elapsed = start.elapsed();
    let failure = sink.lock().unwrap_or_else(|e| e.into_inner()).take();
    let verdict = match (result, failure) {
        (Ok(()), None) => Verdict::Holds,
        (_, Some(f)) => Verdict::Counterexample(f),
        // A panic that is not one of ours (loom's own limits): propagate.
        (Err(p), None) => panic::resume_unwind(p),
    };
    Outcome {
        scheme: S::NAME,
        scenario: sc,
        bound,
        executions: executions.load(Ordering::Relaxed),
        elapsed,
        verdict,
    }
}
