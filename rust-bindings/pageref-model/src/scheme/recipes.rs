//! The recipes: every row of the verdict table that is a frozen-bit scheme
//! is a whole tree's choice of parts. [`V7`] names all of its parts; every
//! other recipe is "like" another one with the parts that differ.

use super::parts::*;
use super::{FrozenBit, GracePeriods, Recipe, INT_MAX, NR_CPUS, USHRT_MAX};

/// Declares a recipe type and its scheme alias: either every part, or
/// `like` a base recipe with some parts replaced (the fields keep this
/// order).
macro_rules! recipe {
    (@ty , $d:ty) => { $d };
    (@ty $v:ty, $d:ty) => { $v };
    (@ex , $d:expr) => { $d };
    (@ex $v:expr, $d:expr) => { $v };
    (
        $(#[$doc:meta])*
        $recipe:ident, $alias:ident = $name:literal like $base:ty {
            $(get: $get:ty,)? $(put: $put:ty,)? $(caller_put: $cput:ty,)?
            $(reset: $reset:ty,)? $(unfreeze: $unfreeze:ty,)? $(thaw: $thaw:ty,)?
            $(guard: $guard:ty,)? $(grab: $grab:ty,)? $(idle: $idle:ty,)?
            $(zeroed: $zeroed:ty,)?
            $(bias: $bias:expr,)? $(gp: $gp:expr,)? $(nr_cpus: $cpus:expr,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $recipe;
        impl Recipe for $recipe {
            const NAME: &'static str = $name;
            type Get = recipe!(@ty $($get)?, <$base as Recipe>::Get);
            type Put = recipe!(@ty $($put)?, <$base as Recipe>::Put);
            type CallerPut = recipe!(@ty $($cput)?, <$base as Recipe>::CallerPut);
            type Reset = recipe!(@ty $($reset)?, <$base as Recipe>::Reset);
            type Unfreeze = recipe!(@ty $($unfreeze)?, <$base as Recipe>::Unfreeze);
            type Thaw = recipe!(@ty $($thaw)?, <$base as Recipe>::Thaw);
            type Guard = recipe!(@ty $($guard)?, <$base as Recipe>::Guard);
            type Grab = recipe!(@ty $($grab)?, <$base as Recipe>::Grab);
            type Idle = recipe!(@ty $($idle)?, <$base as Recipe>::Idle);
            type Zeroed = recipe!(@ty $($zeroed)?, <$base as Recipe>::Zeroed);
            const DRIVER_BIAS: u32 = recipe!(@ex $($bias)?, <$base as Recipe>::DRIVER_BIAS);
            const GRACE_PERIODS: GracePeriods =
                recipe!(@ex $($gp)?, <$base as Recipe>::GRACE_PERIODS);
            const NR_CPUS: u32 = recipe!(@ex $($cpus)?, <$base as Recipe>::NR_CPUS);
        }
        $(#[$doc])*
        pub type $alias<A> = FrozenBit<A, $recipe>;
    };
}

/// The series v7 (the tree from its patch 8 on): the get reads first and
/// never writes to a frozen page, generic final put (c), caller-context
/// final put (d), zeroed struct pages initialised frozen, GUP-fast's
/// owned-limit guard, slow GUP's check of the owned limit before its add,
/// fsdax idle at a count of 0, gve at `USHRT_MAX`, no grace periods,
/// `NR_CPUS` = 64.
#[derive(Debug)]
pub struct V7;
impl Recipe for V7 {
    const NAME: &'static str = "series";
    type Get = ReadThenAdd;
    type Put = ReadThenCas;
    type CallerPut = CasLoopFreeze;
    type Reset = ResetCasLoop;
    type Unfreeze = SetRelease;
    type Thaw = ThawCasLoop;
    type Guard = GuardOwnedLimit;
    type Grab = GrabCheckThenAdd<true>;
    type Idle = IdleZero;
    type Zeroed = ZeroedFrozen;
    const DRIVER_BIAS: u32 = USHRT_MAX;
    const GRACE_PERIODS: GracePeriods = GracePeriods::NONE;
    const NR_CPUS: u32 = NR_CPUS;
}
/// The series v7.
pub type Series<A> = FrozenBit<A, V7>;

recipe!(
    /// The series v6 as posted: one-add get, every final put shape (a),
    /// zeroed struct pages left at 0, GUP-fast's `< 0` guard, gve at
    /// `INT_MAX`.
    V6, SeriesV6 = "series-v6" like V7 {
        get: AddReturn, put: SubThenCas, caller_put: SubThenCas, guard: GuardNegative,
        grab: GrabCheckThenAdd<false>, zeroed: ZeroedBare, bias: INT_MAX,
    }
);
recipe!(
    /// v6 after its patch 2 (a bisection point of v6): frozen bit,
    /// cmpxchg-loop get; otherwise v6.
    V6At2, V6Patch2 = "v6@patch2" like V6 {
        get: CasLoopGet,
    }
);
recipe!(
    /// v7 at its patches 3 and 4 (bisection points; patch 4 is a rename):
    /// the frozen bit with v7's fixes (zeroed struct pages frozen,
    /// GUP-fast's owned-limit guard, `page_ref_inc_or_thaw()` for
    /// virtio-mem's cancel path too, gve at `USHRT_MAX` from patch 1),
    /// the get still the cmpxchg loop that refuses any value `<= 0`,
    /// every final put shape (a).
    V7At3, SeriesAt3 = "series@3" like V7 {
        get: CasLoopGet, put: SubThenCas, caller_put: SubThenCas,
    }
);
recipe!(
    /// v7 at its patch 5 (a bisection point): as [`V7At3`], but the
    /// caller-context final put is shape (d), the CAS loop that never
    /// stores 0.
    V7At5, SeriesAt5 = "series@5" like V7At3 {
        caller_put: CasLoopFreeze,
    }
);
recipe!(
    /// v7 at its patches 6 and 7 (bisection points; patch 7 adds debug
    /// checks only): as [`V7At5`], but the get reads first and then adds.
    /// The generic final put is still shape (a) until patch 8 ([`V7`]).
    V7At6, SeriesAt6 = "series@6" like V7At5 {
        get: ReadThenAdd,
    }
);
recipe!(
    /// v7 built with `CONFIG_NR_CPUS=8192` (the largest x86-64 allows):
    /// `PAGEREF_MAX_RACY_ADD` = 2^16, below GUP-fast's 2^18, so
    /// GUP-fast's biggest gets take the cmpxchg branch.
    V7Cpus8192, SeriesCpus8192 = "series-8192cpus" like V7 {
        nr_cpus: 8192,
    }
);
recipe!(
    /// v8 (patch 14 on): v7 with the answer of `lib/rcuref.c` to its
    /// "deconstruction race" (R16): the speculative get, and the generic
    /// put's slow path from the subtract through the `cmpxchg(0 ->
    /// FROZEN)`, run inside an RCU read-side critical section, and HVO's
    /// read-only remap, `offline_pages()` and `__remove_pages()` wait for
    /// a grace period first (patch 8); fsdax takes only a frozen page as
    /// idle (patch 9); the get's large-add loop refuses to reach
    /// `PAGEREF_OWNED_LIMIT`, and there is no `page_ref_reset_frozen()`
    /// (patch 10); slow GUP checks and adds in one cmpxchg,
    /// `folio_ref_add_bounded()` (patch 5); `page_ref_inc_or_thaw()` waits
    /// while the count reads 0, for the final put in flight to freeze the
    /// page (patch 8, since the review of v8: the wait relies on the final
    /// put's preemption-disabled section, which patch 8 adds).
    V8, SeriesV8 = "series-v8" like V7 {
        get: RcuReadThenAdd, put: RcuReadThenCas, reset: NoResetBounded, thaw: ThawWaitZero,
        grab: GrabBounded, idle: IdleFrozen, gp: GracePeriods::V8,
    }
);
recipe!(
    /// v8 at its patch 4 (a bisection point): the frozen bit with the
    /// cmpxchg-loop get and every final put shape (a), as v7's patch 3
    /// ([`V7At3`]), but GUP-fast still has the old `folio_ref_count() < 0`
    /// guard, which the frozen bit makes dead, and slow GUP's mainline
    /// check (`<= 0`) before its add: `PAGEREF_OWNED_LIMIT` comes in patch
    /// 5. No reset, no sections, no grace periods, fsdax idle at 0.
    /// `page_ref_inc_or_thaw()` (new in patch 4) keeps its first form up to
    /// patch 7, v7's cmpxchg loop that takes a final put's transient 0 to
    /// 1 ([`ThawCasLoop`]); the wait while the count reads 0 comes with
    /// patch 8's preemption-disabled final put, which it relies on.
    V8At4, SeriesV8At4 = "series-v8@4" like V7At3 {
        reset: NoReset, guard: GuardNegative, grab: GrabCheckThenAdd<false>,
    }
);
recipe!(
    /// v8 at its patches 5 and 6 (bisection points; patch 6 is a rename):
    /// as [`V8At4`] with GUP-fast's owned-limit guard and slow GUP's
    /// bounded add.
    V8At5, SeriesV8At5 = "series-v8@5" like V8At4 {
        guard: GuardOwnedLimit, grab: GrabBounded,
    }
);
recipe!(
    /// v8 at its patch 7 (a bisection point): as [`V8At5`], but the
    /// caller-context final put is shape (d).
    V8At7, SeriesV8At7 = "series-v8@7" like V8At5 {
        caller_put: CasLoopFreeze,
    }
);
recipe!(
    /// v8 at its patches 8 and 9 (bisection points; patch 9 changes
    /// fsdax's idle test only, and with this get nothing revives a 0, so
    /// patch 8's reader of a count of 0 holds as well: `series-v8@7`'s
    /// cell): [`V8At7`] plus the cmpxchg-loop get and the generic put (a)
    /// inside read-side sections, the grace periods, and
    /// `page_ref_inc_or_thaw()`'s wait while the count reads 0
    /// ([`ThawWaitZero`], which relies on the put's section).
    V8At8, SeriesV8At8 = "series-v8@8" like V8 {
        get: RcuCasLoopGet, put: RcuSubThenCas,
    }
);
recipe!(
    /// v8 at its patches 10 to 13 (bisection points): as [`V8At8`] with
    /// the read-first get (in its section); the generic put is still
    /// (a), whole in its section, until patch 14 ([`V8`]).
    V8At10, SeriesV8At10 = "series-v8@10" like V8 {
        put: RcuSubThenCas,
    }
);
recipe!(
    /// v8 built with `CONFIG_DEBUG_VM`: the generic put and the
    /// caller-context put refuse, without writing, a put on a page that
    /// reads frozen or holds fewer references than it drops, and a failed
    /// get warns when its result is at or past `PAGEREF_SATURATED` or it
    /// carried an owned count into the frozen bit.
    V8DebugVm, SeriesV8DebugVm = "series-v8-debug-vm" like V8 {
        get: RcuReadThenAddDebugVm, put: RcuReadThenCasDebugVm, caller_put: CasLoopFreeze<true>,
    }
);
recipe!(
    /// v8 built with `CONFIG_NR_CPUS=8192` (`MAXSMP`): `PAGEREF_MAX_RACY_ADD`
    /// = 2^16, below GUP-fast's 2^18, so GUP-fast's biggest gets take the
    /// cmpxchg loop, which v8 bounds by `PAGEREF_OWNED_LIMIT`.
    V8Cpus8192, SeriesV8Cpus8192 = "series-v8-8192cpus" like V8 {
        nr_cpus: 8192,
    }
);
recipe!(
    /// v8 built with `CONFIG_NR_CPUS=2`: `PAGEREF_MAX_RACY_ADD` = 2^28, the
    /// largest, so the strays of gets in flight come from adds of up to
    /// 2^28 each (still 2^29 at most in all).
    V8Cpus2, SeriesV8Cpus2 = "series-v8-2cpus" like V8 {
        nr_cpus: 2,
    }
);
recipe!(
    /// v7 with every final put (generic and caller-context) shape (a).
    V7SubCas, SeriesSubCas = "series+sub-cas" like V7 {
        put: SubThenCas, caller_put: SubThenCas,
    }
);
recipe!(
    /// v7 with every final put shape (b).
    V7AssumeOwn, SeriesAssumeOwn = "series+assume-own" like V7 {
        put: AssumeOwn, caller_put: AssumeOwn,
    }
);
recipe!(
    /// v7 with every final put shape (c).
    V7ReadCas, SeriesReadCas = "series+read-cas" like V7 {
        caller_put: ReadThenCas,
    }
);
recipe!(
    /// v7 with every final put shape (d).
    V7CasPut, SeriesCasPut = "series+casput" like V7 {
        put: CasLoopFreeze,
    }
);
recipe!(
    /// Broken: v7, but a failed get decrements back.
    UndoOnFailR, UndoOnFail = "broken:undo-on-fail" like V7 {
        get: AddUndo,
    }
);
recipe!(
    /// Broken: v7, but the get adds without reading first (v6's get):
    /// it writes to frozen pages, HVO's read-only struct pages among
    /// them.
    AddOnFrozenR, AddOnFrozen = "broken:add-on-frozen" like V7 {
        get: AddReturn,
    }
);
recipe!(
    /// Broken: v7, but every put that reaches 0 frees without the CAS.
    NoFreezeCasR, NoFreezeCas = "broken:no-freeze-cas" like V7 {
        put: SubThenStore, caller_put: SubThenStore,
    }
);
recipe!(
    /// Broken: v7, but the overflow reset is a plain store.
    ResetStoreR, ResetByStore = "broken:reset-store" like V7 {
        reset: ResetStore,
    }
);
recipe!(
    /// Broken: v7, but unfreeze adds the count (R11).
    UnfreezeAddR, UnfreezeByAdd = "broken:unfreeze-add" like V7 {
        unfreeze: AddCount,
    }
);
recipe!(
    /// Broken: v7, but zeroed struct pages keep their bare 0 (v6's HVO).
    BareZeroR, BareZeroInit = "broken:bare-zero-init" like V7 {
        zeroed: ZeroedBare,
    }
);
recipe!(
    /// Broken: v7, but GUP-fast keeps v6's dead `< 0` guard.
    GuardV6R, GuardV6 = "broken:gup-guard-v6" like V7 {
        guard: GuardNegative,
    }
);
recipe!(
    /// Broken: v7, but gve still biases its pages to `INT_MAX`.
    GveIntMaxR, GveIntMax = "broken:gve-intmax" like V7 {
        bias: INT_MAX,
    }
);
recipe!(
    /// Broken: v7, but the caller-context final put is left on v6's
    /// shape (a), with its zero window.
    CallerPutV6R, CallerPutV6 = "broken:caller-put-v6" like V7 {
        caller_put: SubThenCas,
    }
);
recipe!(
    /// Broken: v7, but fsdax takes its reference with a plain
    /// `folio_ref_inc()` (the tree before v6's patch 2).
    ThawByIncR, ThawIncrement = "broken:thaw-by-inc" like V7 {
        thaw: ThawByInc,
    }
);
recipe!(
    /// Broken: v7, but the thaw is v6's virtio-mem "cancel offline":
    /// `page_ref_unfreeze(page, 1)`, a store of 1 whether or not the
    /// page was frozen (fixed in v7 patch 3 by `page_ref_inc_or_thaw()`).
    ThawStoreOneR, ThawByStoreOne = "broken:thaw-store-1" like V7 {
        thaw: ThawStoreOne,
    }
);
recipe!(
    /// Broken: v7 without `page_ref_reset_frozen()`.
    NoResetR, NoResetFrozen = "broken:no-reset" like V7 {
        reset: NoReset,
    }
);
recipe!(
    /// Broken: v7 at `NR_CPUS=8192` without the get's cmpxchg branch for
    /// `nr > PAGEREF_MAX_RACY_ADD`: GUP-fast's gets of 2^18 add even
    /// though 8192 of them in flight reach 2^31.
    NoLargeCasR, NoLargeAddCas = "broken:no-large-add-cas" like V7Cpus8192 {
        get: ReadThenAddAlways,
    }
);
recipe!(
    /// Broken: v7, but unfreeze is a relaxed `atomic_set()`.
    UnfreezeRelaxedR, UnfreezeRelaxed = "broken:unfreeze-relaxed" like V7 {
        unfreeze: SetRelaxed,
    }
);
recipe!(
    /// Broken: v8, but the generic put's slow path is outside any RCU
    /// read-side section (v7's put): a grace period does not wait for a
    /// putter stalled between its subtract and its cmpxchg.
    V8PutOutsideR, V8PutOutsideRcu = "broken:v8-put-outside-rcu" like V8 {
        put: ReadThenCas,
    }
);
recipe!(
    /// Broken: v8, but the put's section starts after its subtract, around
    /// the `cmpxchg(0 -> FROZEN)` only.
    V8PutSectionAfterSubR, V8PutSectionAfterSub = "broken:v8-put-section-after-sub" like V8 {
        put: ReadThenCas<SectionAfterSub>,
    }
);
recipe!(
    /// Broken: v8, but the get's section starts after its read, around
    /// the add only.
    V8GetReadOutsideR, V8GetReadOutside = "broken:v8-get-read-outside" like V8 {
        get: ReadOutsideRcu<ReadThenAdd>,
    }
);
recipe!(
    /// Broken: v8's read-side sections, but HVO, `offline_pages()` and
    /// `__remove_pages()` do not wait for a grace period.
    V8NoGpR, V8NoGracePeriod = "broken:v8-no-grace-period" like V8 {
        gp: GracePeriods::NONE,
    }
);
recipe!(
    /// Broken: v8, but `offline_pages()` does not wait for a grace period
    /// (HVO and `__remove_pages()` still do): an online of the offlined
    /// range re-initialises struct pages that a stalled putter still
    /// writes.
    V8NoOfflineGpR, V8NoOfflineGracePeriod = "broken:v8-no-offline-gp" like V8 {
        gp: GracePeriods { offline_pages: false, ..GracePeriods::V8 },
    }
);
recipe!(
    /// Broken: v8, but fsdax keeps v7's idle test (a count of 0), which
    /// the read-first get can revive.
    V8IdleZeroR, V8IdleZero = "broken:v8-idle-zero" like V8 {
        idle: IdleZero,
    }
);
recipe!(
    /// Broken: v8 built with `CONFIG_DEBUG_VM`, but fsdax takes its
    /// reference with a plain `folio_ref_inc()`, which leaves an idle
    /// folio frozen: the generic put that then finds it frozen is refused,
    /// and writes nothing.
    V8ThawByIncDebugVmR, V8ThawByIncDebugVm = "broken:v8-thaw-by-inc-debug-vm" like V8DebugVm {
        thaw: ThawByInc,
    }
);
recipe!(
    /// Broken: v8, but `page_ref_inc_or_thaw()` is v8's before the review
    /// of v8 (and v6's and v7's, and v8's at patches 4 to 7): it takes the
    /// transient 0 of a final put in flight to 1, so the putter's
    /// `cmpxchg(0 -> FROZEN)` fails and memory-failure keeps a page whose
    /// final put never ran.
    V8ThawTakesZeroR, V8ThawTakesZero = "broken:v8-thaw-takes-zero" like V8 {
        thaw: ThawCasLoop,
    }
);
recipe!(
    /// Broken: v8, but slow GUP keeps v7's `try_grab_folio()`: it checks
    /// the count against `PAGEREF_OWNED_LIMIT`, then adds.
    V8GrabCheckThenAddR, V8GrabCheckThenAdd = "broken:v8-grab-check-then-add" like V8 {
        grab: GrabCheckThenAdd<true>,
    }
);
recipe!(
    /// Broken: v8 built with `CONFIG_NR_CPUS=8192` and `CONFIG_DEBUG_VM`,
    /// but without the get's cmpxchg loop for `nr > PAGEREF_MAX_RACY_ADD`:
    /// GUP-fast's gets of 2^18 in flight on a page that froze under them
    /// pile up past `PAGEREF_SATURATED`, and the get's debug check warns.
    V8NoLargeCasDebugVmR, V8NoLargeAddCasDebugVm = "broken:v8-no-large-add-cas-debug-vm" like V8Cpus8192 {
        get: InRcu<ReadThenAddAlways<true>>, put: RcuReadThenCasDebugVm,
        caller_put: CasLoopFreeze<true>,
    }
);
