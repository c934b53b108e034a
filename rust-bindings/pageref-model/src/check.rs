//! Scenarios and the loom driver.
//!
//! [`check`] runs one scenario for one scheme under loom with a preemption
//! bound, counts the executions explored and returns whether every
//! execution kept the properties of [`crate::world`] or, if one did not, the
//! counterexample with its trace.

use crate::atom::LoomAtomic;
use crate::scheme::{RefScheme, GUP_MAX_REFS, PAGEREF_FROZEN_BIT, PAGEREF_OWNED_LIMIT};
use crate::world::{
    in_flight_getter, in_flight_walker, pfn_walker, speculative_getter, Coverage, Dtor, Failure,
    Init, Setup, Th, World,
};
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
    /// puts; a speculative getter in flight (it looked the page up and read
    /// it owned before the freeze) adds, racing with the unfreeze.
    UnfreezeVsStray,
    /// The page is free and has already absorbed one failed get
    /// (`FROZEN + 1`); one thread allocates, uses and frees it while a PFN
    /// walker in flight (it read the page owned in its previous life) adds
    /// (stray add vs `set_page_refcounted()`).
    AllocVsStray,
    /// The page is frozen with the most stray adds the tree tolerates, less
    /// two: just below the reset limit (`PAGEREF_SATURATED - 1`, v6, v7),
    /// or v8's bound on the strays of gets in flight less two (v8 has no
    /// reset and cannot reach `PAGEREF_SATURATED`); two PFN walkers in
    /// flight (they read it owned before the freeze) add, pushing v6 and v7
    /// over the limit and into the reset, while the owner unfreezes and
    /// puts.
    OverflowReset,
    /// R9: the last owner P removes and puts; a speculative getter G that
    /// looked the page up gets, fails to re-validate and puts; a third
    /// thread N allocates the page if it is free, uses it and puts it.
    /// P and N free in caller context (the destructor of the life they own,
    /// and the caller-context final put).
    AbaOwnerDtor,
    /// R9 again, but every free picks its destructor from the page state
    /// (and uses the generic final put).
    AbaPageDtor,
    /// R9 with mixed final puts: P frees life 1 in caller context, N frees
    /// life 2 with the generic put and the page-state destructor.
    AbaMixed,
    /// The other mix: P puts life 1 with the generic put (page state), N
    /// frees life 2 in caller context.
    AbaGenericStale,
    /// Three threads: the last owner's remove+put, a speculative getter and
    /// a PFN walker.
    Mixed3,
    /// A struct page built from zeroed memory (HVO's shared vmemmap tail
    /// pages, mapped read-only), as the tree initialises it, nobody's page:
    /// two PFN walkers.
    ZeroedVsWalker,
    /// gve: the owner biases its page (`page_ref_add(BIAS - 1)`), reads
    /// `page_ref_count()` for its recycle test, drops the bias and puts;
    /// a PFN walker gets and puts.
    GveBias,
    /// GUP-fast near the limit: the owner holds `2^31 - GUP_MAX_REFS`
    /// references and puts them all; a GUP-fast getter of `GUP_MAX_REFS`
    /// (guard, get, use, put) races.
    GupNearLimit,
    /// memory-failure / fsdax: the last holder puts the page (it becomes
    /// idle: frozen, outside the allocator); T takes a reference with
    /// `page_ref_inc_or_thaw()`, uses and puts; a PFN walker races.
    Thaw,
    /// memory-failure's `page_handle_poison()` against another holder's
    /// final put: H and M hold the page's two references; H puts it
    /// (generic put); M drops its own reference (`put_page()`, generic),
    /// takes one back with `page_ref_inc_or_thaw()` and keeps it for good
    /// (the poisoned page). If H's put is the final one and M's thaw takes
    /// its transient 0 to 1, H's `cmpxchg(0 -> FROZEN)` fails, H does not
    /// free, and M keeps a page whose final put never ran (property 11:
    /// the keeper's own thaw never takes a transient 0; property 12: the
    /// kept page owes no final put's teardown).
    PoisonThaw,
    /// [`Scenario::PoisonThaw`] with a PFN walker W (get, check, put)
    /// racing: W's speculative get may take the transient 0 of a final put
    /// in flight to 1 while M's thaw waits (v8 from its patch 10: the
    /// single-add get), M's thaw then adds to W's count and M keeps the
    /// page, and W's put is not the final one: the teardown of the put
    /// that reached 0 never runs (property 12). This is the known residual
    /// of v8's wait, the end state mainline reaches when the walker's get
    /// lands before the final put; a cmpxchg-loop get refuses the 0.
    PoisonThawWalker,
    /// `NR_CPUS` GUP-fast gets of `GUP_MAX_REFS` in flight on one page that
    /// froze under them (each read it owned first): the other
    /// `NR_CPUS - 2` have landed, none has reset yet; two more land in the
    /// model. Shows what `PAGEREF_MAX_RACY_ADD` is for.
    GupStrays,
    /// Slow GUP (`try_grab_folio()`) racing a freeze and a final put: S
    /// holds the page table's reference (it runs under the page table
    /// lock), takes one more for user space, uses it and drops both; O
    /// holds the page cache's reference, tries `page_ref_freeze(1)`
    /// (unfreezing again if it wins) and puts it. Either put may be the
    /// final one.
    SlowGupRace,
    /// Adds near the owned limit: S holds `PAGEREF_OWNED_LIMIT - 2^18`
    /// references (a page user space has pinned that often) and takes one
    /// more with slow GUP; a GUP-fast get of 2^18 (guard, get, use, put)
    /// races. v7's slow GUP checks the count, then adds: the GUP-fast add
    /// can land in between, and S's add then starts at the limit.
    GupRaceLimit,
    /// R16 (HVO): P and X hold the last two references; P's generic put
    /// reads 2 and takes the slow path (subtract, then `cmpxchg(0 ->
    /// FROZEN)`); X puts, reads the count and, if the page is free, hands
    /// it out as a HugeTLB tail page whose struct page HVO then remaps
    /// read-only; a PFN walker W gets and puts. X hands the page out only
    /// after W is done with it: W's own race with the remap is
    /// [`Scenario::HvoVsGet`]'s, and this one is about P's stale write.
    AbaHvo,
    /// R16 (hot-remove): as [`Scenario::AbaHvo`], but X hot-removes the
    /// free page's memory: `offline_pages()`, then `__remove_pages()` (its
    /// memmap goes away: any access after it, a read included, is a
    /// violation).
    AbaHotremove,
    /// R16 (offline, then online again): as [`Scenario::AbaHotremove`],
    /// but after `offline_pages()` X onlines the block again:
    /// `__init_single_page()` re-initialises the struct page (its word
    /// goes 0, then 1) and `__free_pages_core()` frees it frozen. A stale
    /// `cmpxchg(0 -> FROZEN)` must not land in between.
    AbaReonline,
    /// R16, the get's side (HVO): the last owner O puts the page, looks at
    /// the count and, if the page is free, hands it out as a HugeTLB tail
    /// page that HVO remaps read-only; a PFN walker W that may have read
    /// the page owned gets and puts.
    HvoVsGet,
    /// R16, the get's side (hot-remove): O removes the page from the slot,
    /// puts it, looks, and hot-removes its memory if it is free; a
    /// page-cache getter W races.
    HotremoveVsGet,
    /// R9 with four threads: P's stale `cmpxchg(0 -> FROZEN)` *wins* on the
    /// next life. P and X hold the last two references and put them
    /// (generic puts); X then allocates the page if it is free, uses it and
    /// puts it; two PFN walkers W1, W2 get and put (one revives life 1 in
    /// P's window, the other holds life 2 while X puts it).
    AbaStaleWin,
    /// R17: fsdax's idle test (`dax_page_is_idle()`, as the tree has it:
    /// `page_ref_count() == 0` in mainline and v7, `page_ref_is_frozen()`
    /// in v8) races a get that revives the transient 0 of a contended
    /// final put: P and X hold the last two references and put them; X
    /// then tests the page and, if idle, takes it as dead; a PFN walker W
    /// gets and puts. (Until 2026-12-06 `zero-reader`, which tested
    /// `page_ref_count() == 0` in every scheme.)
    DaxIdle,
    /// R17's answer for every scheme: the same, but the reader tests
    /// `page_ref_is_frozen()` (mainline: `page_ref_count() == 0`).
    FrozenReader,
}

impl Scenario {
    /// Every scenario, in table order.
    pub const ALL: [Scenario; 27] = [
        Scenario::PutVsGet,
        Scenario::FreezeVsGet,
        Scenario::UnfreezeVsStray,
        Scenario::AllocVsStray,
        Scenario::ZeroedVsWalker,
        Scenario::GveBias,
        Scenario::GupNearLimit,
        Scenario::GupStrays,
        Scenario::SlowGupRace,
        Scenario::GupRaceLimit,
        Scenario::OverflowReset,
        Scenario::AbaOwnerDtor,
        Scenario::AbaPageDtor,
        Scenario::AbaMixed,
        Scenario::AbaGenericStale,
        Scenario::Mixed3,
        Scenario::Thaw,
        Scenario::PoisonThaw,
        Scenario::PoisonThawWalker,
        Scenario::HvoVsGet,
        Scenario::HotremoveVsGet,
        Scenario::AbaHvo,
        Scenario::AbaHotremove,
        Scenario::AbaReonline,
        Scenario::AbaStaleWin,
        Scenario::DaxIdle,
        Scenario::FrozenReader,
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
            Scenario::AbaMixed => "aba-mixed (R9)",
            Scenario::AbaGenericStale => "aba-generic-stale",
            Scenario::Mixed3 => "mixed-3",
            Scenario::ZeroedVsWalker => "zeroed-vs-walker",
            Scenario::GveBias => "gve-bias",
            Scenario::GupNearLimit => "gup-near-limit",
            Scenario::Thaw => "thaw",
            Scenario::PoisonThaw => "poison-thaw",
            Scenario::PoisonThawWalker => "poison-thaw-walker",
            Scenario::GupStrays => "gup-strays",
            Scenario::SlowGupRace => "slow-gup-race",
            Scenario::GupRaceLimit => "gup-race-limit",
            Scenario::HvoVsGet => "hvo-vs-get (R16)",
            Scenario::HotremoveVsGet => "hotremove-vs-get (R16)",
            Scenario::AbaHvo => "aba-hvo (R16)",
            Scenario::AbaHotremove => "aba-hotremove (R16)",
            Scenario::AbaReonline => "aba-reonline (R16)",
            Scenario::AbaStaleWin => "aba-stale-win (R9)",
            Scenario::DaxIdle => "dax-idle (R17)",
            Scenario::FrozenReader => "frozen-reader (R17)",
        }
    }

    /// Number of model threads.
    pub fn threads(self) -> usize {
        match self {
            Scenario::OverflowReset
            | Scenario::AbaOwnerDtor
            | Scenario::AbaPageDtor
            | Scenario::AbaMixed
            | Scenario::AbaGenericStale
            | Scenario::Mixed3
            | Scenario::Thaw
            | Scenario::PoisonThawWalker
            | Scenario::AbaHvo
            | Scenario::AbaHotremove
            | Scenario::AbaReonline
            | Scenario::AbaStaleWin
            | Scenario::DaxIdle
            | Scenario::FrozenReader => 3,
            _ => 2,
        }
    }

    /// The preemption bound used unless the environment sets one (see
    /// [`bound_for`]): none (exhaustive) for the two-thread scenarios and
    /// for `dax-idle` and `frozen-reader` (their steps that are not the
    /// race are ordered by joins, see [`Scenario::run`], which makes the
    /// exhaustive search cheap); for the others, two above the largest
    /// bound at which a known counterexample of the scenario first appears
    /// (`model-report` prints that number per column and fails when a cell
    /// lacks the margin; `Documentation/model.md` lists them): 5 for
    /// `overflow-reset` (`broken:reset-store` needs 3), `aba-reonline`
    /// (R16's stale cmpxchg needs 3 to land between the online's two
    /// stores) and `poison-thaw-walker` (the thaw that takes the 0 needs 3,
    /// as in `poison-thaw`; v8's residual, a get that revives it, 2), 4 for the R9 ABA scenarios, `aba-hvo` and `aba-hotremove`
    /// (2) and for `mixed-3` and `thaw` (1; 4 since before issue 26), 3
    /// for `aba-stale-win` (1; the stale win it exists for first happens
    /// at 3).
    pub fn default_bound(self) -> Option<usize> {
        match self {
            _ if self.threads() == 2 => None,
            Scenario::DaxIdle | Scenario::FrozenReader => None,
            Scenario::OverflowReset | Scenario::AbaReonline | Scenario::PoisonThawWalker => Some(5),
            Scenario::AbaStaleWin => Some(3),
            _ => Some(4),
        }
    }

    /// The world this scenario runs in.
    pub fn setup<S: RefScheme>(self) -> Setup {
        Setup {
            init: self.init::<S>(),
            rcu: matches!(
                self,
                Scenario::AbaHvo
                    | Scenario::AbaHotremove
                    | Scenario::AbaReonline
                    | Scenario::HvoVsGet
                    | Scenario::HotremoveVsGet
            ),
            payload: matches!(self, Scenario::FreezeVsGet | Scenario::UnfreezeVsStray),
            zone: matches!(
                self,
                Scenario::AllocVsStray
                    | Scenario::AbaOwnerDtor
                    | Scenario::AbaPageDtor
                    | Scenario::AbaMixed
                    | Scenario::AbaGenericStale
                    | Scenario::HvoVsGet
                    | Scenario::HotremoveVsGet
                    | Scenario::AbaHvo
                    | Scenario::AbaHotremove
                    | Scenario::AbaReonline
                    | Scenario::AbaStaleWin
            ),
        }
    }

    /// The bound of `make model-deep` (`PAGEREF_MODEL_DEEP=1`): none for
    /// the scenarios searched without a bound anyway and for
    /// `aba-stale-win`, `aba-hvo`, `aba-hotremove`, `aba-reonline` and
    /// `poison-thaw-walker`; the default plus two for the others.
    pub fn deep_bound(self) -> Option<usize> {
        match self {
            Scenario::AbaStaleWin
            | Scenario::AbaHvo
            | Scenario::AbaHotremove
            | Scenario::AbaReonline
            | Scenario::PoisonThawWalker => None,
            _ => self.default_bound().map(|b| b + 2),
        }
    }

    fn init<S: RefScheme>(self) -> Init {
        match self {
            Scenario::PutVsGet
            | Scenario::FreezeVsGet
            | Scenario::AbaOwnerDtor
            | Scenario::AbaPageDtor
            | Scenario::AbaMixed
            | Scenario::AbaGenericStale
            | Scenario::Mixed3 => Init::OwnedPublished,
            Scenario::UnfreezeVsStray => Init::FrozenPublished { raw: S::FREE_VALUE },
            Scenario::AllocVsStray => Init::Free {
                raw: S::free_with_strays(1),
            },
            Scenario::ZeroedVsWalker => Init::ReadOnly {
                raw: S::ZEROED_STRUCT_PAGE,
            },
            Scenario::OverflowReset => Init::Frozen {
                raw: S::NEAR_LIMIT_FROZEN,
            },
            Scenario::GveBias | Scenario::Thaw => Init::Owned { refs: 1 },
            Scenario::PoisonThaw | Scenario::PoisonThawWalker => Init::Owned { refs: 2 },
            Scenario::GupNearLimit => Init::Owned {
                refs: GUP_OWNER_REFS,
            },
            Scenario::GupStrays => Init::Free {
                raw: S::in_flight_strays(S::NR_CPUS - 2, GUP_MAX_REFS),
            },
            Scenario::AbaHvo
            | Scenario::AbaHotremove
            | Scenario::AbaReonline
            | Scenario::AbaStaleWin
            | Scenario::DaxIdle
            | Scenario::FrozenReader => Init::Owned { refs: 2 },
            Scenario::HvoVsGet => Init::Owned { refs: 1 },
            Scenario::HotremoveVsGet => Init::OwnedPublished,
            Scenario::SlowGupRace => Init::Owned { refs: 2 },
            Scenario::GupRaceLimit => Init::Owned {
                refs: GUP_RACE_REFS,
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
                    ("G", in_flight_getter::<S>),
                ]
            }
            Scenario::AllocVsStray => vec![("N", allocator::<S>), ("W", in_flight_walker::<S>)],
            Scenario::OverflowReset => vec![
                ("F", owner_unfreeze_put::<S>),
                ("W1", in_flight_walker::<S>),
                ("W2", in_flight_walker::<S>),
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
            Scenario::AbaMixed => vec![
                ("P", owner_remove_put::<S>),
                ("G", speculative_getter::<S>),
                ("N", allocator_pagestate::<S>),
            ],
            Scenario::AbaGenericStale => vec![
                ("P", owner_remove_put_pagestate::<S>),
                ("G", speculative_getter::<S>),
                ("N", allocator::<S>),
            ],
            Scenario::Mixed3 => vec![
                ("P", owner_remove_put::<S>),
                ("G", speculative_getter::<S>),
                ("W", pfn_walker::<S>),
            ],
            Scenario::ZeroedVsWalker => vec![("W1", pfn_walker::<S>), ("W2", pfn_walker::<S>)],
            Scenario::GveBias => vec![("O", gve_owner::<S>), ("W", pfn_walker::<S>)],
            Scenario::GupNearLimit => vec![("O", gup_owner::<S>), ("G", gup_fast_getter::<S>)],
            Scenario::Thaw => vec![
                ("P", last_holder_put::<S>),
                ("T", thawer::<S>),
                ("W", pfn_walker::<S>),
            ],
            Scenario::PoisonThaw => vec![("H", last_holder_put::<S>), ("M", poison_and_keep::<S>)],
            Scenario::PoisonThawWalker => vec![
                ("H", last_holder_put::<S>),
                ("M", poison_and_keep::<S>),
                ("W", pfn_walker::<S>),
            ],
            Scenario::GupStrays => vec![("G1", in_flight_gup::<S>), ("G2", in_flight_gup::<S>)],
            Scenario::SlowGupRace => vec![
                ("S", slow_gup_then_unmap::<S>),
                ("O", freezer_then_put::<S>),
            ],
            Scenario::GupRaceLimit => {
                vec![("S", slow_gup_near_limit::<S>), ("G", gup_fast_getter::<S>)]
            }
            Scenario::HvoVsGet => vec![("O", put_then_hvo::<S>), ("W", pfn_walker::<S>)],
            Scenario::HotremoveVsGet => vec![
                ("O", remove_put_then_hot_remove::<S>),
                ("W", speculative_getter::<S>),
            ],
            Scenario::AbaHvo | Scenario::AbaHotremove | Scenario::AbaReonline => vec![
                ("P", last_holder_put::<S>),
                ("X", last_holder_put::<S>),
                ("W", pfn_walker::<S>),
            ],
            Scenario::AbaStaleWin => {
                return run_stale_win(w);
            }
            Scenario::DaxIdle | Scenario::FrozenReader => {
                vec![("P", last_holder_put::<S>), ("X", last_holder_put::<S>)]
            }
        };
        // The second half of X in aba-hvo, aba-hotremove and aba-reonline:
        // once X's put and W are over (the main thread joins them, which
        // orders their accesses before the rest without a spin loop or a
        // preemption), X looks at the page and makes it read-only, removes
        // it, or offlines and re-onlines it, while P may still be anywhere
        // in its put. W's own race with the remap
        // is hvo-vs-get's and hotremove-vs-get's, so this one is about P.
        //
        // The readers of dax-idle and frozen-reader work the same way:
        // once X's put is over, X reads the count (P may be anywhere in its
        // put), and only then does W start its walk, so that the
        // preemptions go to the race between P's window and the reader.
        let (join_first, tail, late): (&[usize], Option<Body<S>>, Option<Body<S>>) = match self {
            Scenario::AbaHvo => (&[1, 2], Some(look_then_hvo::<S>), None),
            Scenario::AbaHotremove => (&[1, 2], Some(look_then_hot_remove::<S>), None),
            Scenario::AbaReonline => (&[1, 2], Some(look_then_reonline::<S>), None),
            Scenario::DaxIdle => (&[1], Some(read_dax_idle::<S>), Some(pfn_walker::<S>)),
            Scenario::FrozenReader => (&[1], Some(read_frozen::<S>), Some(pfn_walker::<S>)),
            _ => (&[], None, None),
        };
        let mut handles: Vec<_> = bodies
            .into_iter()
            .enumerate()
            .map(|(idx, (name, body))| {
                let th = w.thread(idx, name);
                Some(loom::thread::spawn(move || body(&th)))
            })
            .collect();
        for &h in join_first {
            let h = handles[h].take().expect("joined once");
            h.join().expect("model thread panicked");
        }
        if let Some(body) = tail {
            body(&w.thread(1, "X"));
        }
        if let Some(body) = late {
            let th = w.thread(2, "W");
            handles.push(Some(loom::thread::spawn(move || body(&th))));
        }
        for h in handles.into_iter().flatten() {
            h.join().expect("model thread panicked");
        }
    }
}

/// The references the owner holds in [`Scenario::GupNearLimit`]: one
/// GUP-fast get of [`GUP_MAX_REFS`] more reaches `2^31`, which reads as
/// frozen.
pub const GUP_OWNER_REFS: u32 = PAGEREF_FROZEN_BIT - GUP_MAX_REFS;

/// The references S holds in [`Scenario::GupRaceLimit`]: one GUP-fast get
/// of [`GUP_MAX_REFS`] more brings the count to `PAGEREF_OWNED_LIMIT`.
pub const GUP_RACE_REFS: u32 = PAGEREF_OWNED_LIMIT - GUP_MAX_REFS;

/// Slow GUP under the page table lock (`follow_page_pte()` ..
/// `try_grab_folio(folio, 1, FOLL_GET)`): the thread's own reference is
/// the page table's; use the page, `put_page()` it, and then the unmap
/// drops the page table's reference (`zap_pte_range()`: a generic put).
fn slow_gup_then_unmap<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if th.grab(1) {
        th.use_page(None);
        th.put(Dtor::PageState);
    }
    th.put(Dtor::PageState);
}

/// The page cache's holder tries to freeze the page with the count it
/// expects when nobody else uses it (`folio_ref_freeze(folio, 1)`, as
/// `__remove_mapping()` does), unfreezes it again if it wins, and puts.
fn freezer_then_put<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if th.freeze(1) {
        th.use_page(None);
        th.unfreeze(1);
    }
    th.put(Dtor::PageState);
}

/// S of [`Scenario::GupRaceLimit`]: slow GUP takes one more reference on a
/// page that holds [`GUP_RACE_REFS`], uses it and puts it; then drops the
/// rest.
fn slow_gup_near_limit<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if th.grab(1) {
        th.use_page(None);
        th.put(Dtor::PageState);
    }
    th.put_n(GUP_RACE_REFS, Dtor::PageState);
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
        th.write_payload();
        th.use_page(Some(1));
        th.unfreeze(1);
    }
    th.unpublish();
    th.put(Dtor::Owner(1));
}

fn owner_unfreeze_remove_put<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.write_payload();
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

/// gve (`gve_rx_alloc_buffer()` .. `gve_free_page_dqo()`): bias the page,
/// test `page_count(page) - bias` to decide on recycling, drop the bias
/// (`page_ref_sub()`) and put the page (`put_page()`).
fn gve_owner<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    let bias = S::DRIVER_BIAS;
    th.add(bias - 1);
    th.count_held();
    th.put_n(bias - 1, Dtor::PageState);
    th.put(Dtor::PageState);
}

/// A holder of [`GUP_OWNER_REFS`] references (a page pinned that many
/// times) that drops them all.
fn gup_owner<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.put_n(GUP_OWNER_REFS, Dtor::PageState);
}

/// GUP-fast on a PUD leaf: `try_get_folio(page, GUP_MAX_REFS)`, use,
/// `folio_put_refs()`.
fn gup_fast_getter<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if th.gup_fast_get(GUP_MAX_REFS) {
        th.use_page(None);
        th.put_n(GUP_MAX_REFS, Dtor::PageState);
    }
}

fn last_holder_put<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.put(Dtor::PageState);
}

/// fsdax's fault path (`dax_fault_iter()`): `folio_ref_inc_or_thaw()`
/// under the dax entry lock, map, and later the unmap's put.
fn thawer<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.inc_or_thaw();
    th.use_page(None);
    th.put(Dtor::PageState);
}

/// memory-failure's `page_handle_poison()` with `release`: after
/// `SetPageHWPoison()`, `put_page()` of its own reference (a generic put;
/// if it is the final one, the page is freed and stays frozen, out of the
/// allocator), then `page_ref_inc_or_thaw()` (the page may be frozen), and
/// the reference is kept for good.
fn poison_and_keep<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.put(Dtor::PageState);
    th.inc_or_thaw();
    th.keep(1);
}

/// A GUP-fast get in flight: its guard passed and its read saw the page
/// owned (1) before the page was frozen; the rest of its get, use, put.
fn in_flight_gup<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    if th.try_get_in_flight(GUP_MAX_REFS, 1) {
        th.use_page(None);
        th.put_n(GUP_MAX_REFS, Dtor::PageState);
    }
}

/// X of the R16 scenarios: drop its reference, then (a scheduling point:
/// the allocator's view of the page) look at the count, and hand the page
/// out as a HugeTLB tail page if it is free (HVO then remaps it
/// read-only).
fn put_then_hvo<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.put(Dtor::PageState);
    th.peek_count();
    th.hvo_remap_if_free();
}

/// O of `hotremove-vs-get`: remove the page from the slot, put it, look,
/// and hot-remove its memory if it is free.
fn remove_put_then_hot_remove<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.unpublish();
    th.put(Dtor::PageState);
    th.peek_count();
    if th.offline_if_free() {
        th.remove_memmap();
    }
}

/// The rest of X in `dax-idle`, after its put: take the page as dead if
/// the tree's `dax_page_is_idle()` says so.
fn read_dax_idle<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.take_dead_if_dax_idle();
}

/// The rest of X in `frozen-reader`: the same with `page_ref_is_frozen()`.
fn read_frozen<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.take_dead_if_frozen();
}

/// The rest of X in `aba-hvo`, after X's put and W are over: look at the
/// count (the allocator's view) and hand the page out as a HugeTLB tail
/// page, which HVO remaps read-only, if it is free.
fn look_then_hvo<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.peek_count();
    th.hvo_remap_if_free();
}

/// The rest of X in `aba-hotremove`: look, and hot-remove the page's
/// memory if it is free (offline it, then free its memmap).
fn look_then_hot_remove<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.peek_count();
    if th.offline_if_free() {
        th.remove_memmap();
    }
}

/// The rest of X in `aba-reonline`: look, offline the page's memory if it
/// is free, and online it again.
fn look_then_reonline<S: RefScheme<Atomic = LoomAtomic>>(th: &Th<S>) {
    th.peek_count();
    if th.offline_if_free() {
        th.online_again();
    }
}

/// `aba-stale-win`. P and X hold the last two references of life 1; W is
/// a PFN walker that visits the page twice (compaction's scanner coming
/// back to a block). The main thread plays X, so that X's steps that the
/// scenario is not about are ordered by joins rather than by preemptions:
///
/// * P puts (generic); X puts (generic), while W's first visit (get, use,
///   put) may revive life 1 in P's window and free it;
/// * once W's first visit is over, X looks at the page and, if it is free,
///   allocates it (life 2);
/// * W's second visit takes a reference on life 2 (its get is over before
///   X goes on), then X and W both put life 2 while P may still be in its
///   window: if both read 2, the second to subtract opens a window on life
///   2, and P's stale `cmpxchg(0 -> FROZEN)` wins it.
fn run_stale_win<S: RefScheme<Atomic = LoomAtomic>>(w: &Arc<World<S>>) {
    let spawn = |idx: usize, name: &'static str, body: fn(&Th<S>)| {
        let th = w.thread(idx, name);
        loom::thread::spawn(move || body(&th))
    };
    let p = spawn(0, "P", last_holder_put::<S>);
    let w1 = spawn(2, "W", pfn_walker::<S>);
    let x = w.thread(1, "X");
    x.put(Dtor::PageState);
    w1.join().expect("model thread panicked");
    x.peek_count();
    if let Some(life) = x.alloc() {
        let th = w.thread(2, "W");
        let got = loom::thread::spawn(move || th.try_get())
            .join()
            .expect("model thread panicked");
        let th = w.thread(2, "W");
        let w2 = loom::thread::spawn(move || {
            if got {
                th.use_page(None);
                th.put(Dtor::PageState);
            }
        });
        x.use_page(Some(life));
        x.put(Dtor::PageState);
        w2.join().expect("model thread panicked");
    }
    p.join().expect("model thread panicked");
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
    /// For a counterexample, the smallest preemption bound at which it
    /// appears, when it was searched for (see
    /// [`crate::report::first_bound`]).
    pub first_bound: Option<usize>,
    /// Completed executions in which a failed get left a stray add.
    pub stray_executions: usize,
    /// Completed executions in which `page_ref_reset_frozen()` ran.
    pub reset_executions: usize,
    /// Completed executions in which the page became read-only or went
    /// away (R16 scenarios).
    pub transition_executions: usize,
    /// Completed executions in which a grace period waited for a reader.
    pub gp_wait_executions: usize,
    /// Completed executions in which a stale `cmpxchg(0 -> FROZEN)` won.
    pub stale_win_executions: usize,
    /// Completed executions in which a reader took the page as dead.
    pub taken_dead_executions: usize,
    /// Completed executions in which `page_ref_inc_or_thaw()` waited for
    /// a final put in flight.
    pub thaw_wait_executions: usize,
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

/// Whether `PAGEREF_MODEL_DEEP` asks for the deep bounds
/// ([`Scenario::deep_bound`]).
pub fn deep() -> bool {
    std::env::var("PAGEREF_MODEL_DEEP").is_ok_and(|v| v != "0")
}

/// The preemption bound for `sc`: `PAGEREF_MODEL_PREEMPTIONS` if set (a
/// number, or `none` for an unbounded search), else loom's own
/// `LOOM_MAX_PREEMPTIONS` if set (a number), else the scenario's deep bound
/// if `PAGEREF_MODEL_DEEP` is set, else its default.
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
    if deep() {
        return sc.deep_bound();
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

/// Explore `sc` for scheme `S` under loom, with the bound of [`bound_for`].
pub fn check<S: RefScheme<Atomic = LoomAtomic>>(sc: Scenario) -> Outcome {
    check_bounded::<S>(sc, bound_for(sc))
}

/// Explore `sc` for scheme `S` under loom with preemption bound `bound`
/// (None: unbounded).
pub fn check_bounded<S: RefScheme<Atomic = LoomAtomic>>(
    sc: Scenario,
    bound: Option<usize>,
) -> Outcome {
    let cov = Arc::new(Coverage::default());
    let start = Instant::now();
    let (executions, verdict) =
        explore::<S>(sc.setup::<S>(), bound, cov.clone(), move |w| sc.run(w));
    let elapsed = start.elapsed();
    Outcome {
        scheme: S::NAME,
        scenario: sc,
        bound,
        executions,
        elapsed,
        verdict,
        first_bound: None,
        stray_executions: cov.strays.load(Ordering::Relaxed),
        reset_executions: cov.resets.load(Ordering::Relaxed),
        transition_executions: cov.transitions.load(Ordering::Relaxed),
        gp_wait_executions: cov.gp_waits.load(Ordering::Relaxed),
        stale_win_executions: cov.stale_wins.load(Ordering::Relaxed),
        taken_dead_executions: cov.taken_dead.load(Ordering::Relaxed),
        thaw_wait_executions: cov.thaw_waits.load(Ordering::Relaxed),
    }
}

/// Explore a world set up as `setup` under loom with preemption bound
/// `bound` (None: unbounded): in each execution, `run` on the main thread
/// (it spawns and joins the model threads), then the end check. Returns the
/// executions explored (up to and including a failing one) and the
/// verdict; `cov` counts what the completed executions did. The scenarios
/// run through it, and so can a test of the world itself (a world that is
/// not a column of the table).
pub fn explore<S: RefScheme<Atomic = LoomAtomic>>(
    setup: Setup,
    bound: Option<usize>,
    cov: Arc<Coverage>,
    run: impl Fn(&Arc<World<S>>) + Send + Sync + 'static,
) -> (usize, Verdict) {
    let executions = Arc::new(AtomicUsize::new(0));
    let sink: Arc<Mutex<Option<Failure>>> = Arc::new(Mutex::new(None));
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = bound;
    let result = {
        let executions = executions.clone();
        let sink = sink.clone();
        panic::catch_unwind(AssertUnwindSafe(move || {
            builder.check(move || {
                executions.fetch_add(1, Ordering::Relaxed);
                let w = World::<S>::new(setup, sink.clone(), cov.clone());
                run(&w);
                w.final_check();
            })
        }))
    };
    let failure = sink.lock().unwrap_or_else(|e| e.into_inner()).take();
    let verdict = match (result, failure) {
        (Ok(()), None) => Verdict::Holds,
        (_, Some(f)) => Verdict::Counterexample(f),
        // A panic that is not one of ours (loom's own limits): propagate.
        (Err(p), None) => panic::resume_unwind(p),
    };
    (executions.load(Ordering::Relaxed), verdict)
}
