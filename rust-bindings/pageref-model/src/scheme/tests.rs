use super::*;
use crate::atom::StdAtomic;
use crate::probe::{Op, Step};

type S = Series<StdAtomic>;
type V6 = SeriesV6<StdAtomic>;
type M = Mainline<StdAtomic>;
type C = SeriesCasPut<StdAtomic>;
type A1 = AssumeOne<StdAtomic>;

#[test]
fn series_sequential() {
    fn run<T: RefScheme<Atomic = StdAtomic>>() {
        let s = T::from_raw(PAGEREF_FROZEN_BIT);
        assert_eq!(s.count(), 0);
        assert!(!s.try_get(1), "get on a free page fails");
        assert!(T::is_free_value(s.raw()), "and leaves a free value");
        s.alloc_init();
        assert_eq!(s.count(), 1);
        assert!(s.try_get(2));
        assert_eq!(s.count(), 3);
        assert!(!s.put(2));
        assert!(!s.freeze(2));
        assert!(s.freeze(1));
        assert_eq!(s.count(), 0);
        assert!(!s.try_get(1));
        s.unfreeze(1);
        assert_eq!(s.raw(), 1, "unfreeze overwrites stray adds");
        s.add(1);
        assert!(!s.put(1));
        assert!(s.put(1), "the final put frees");
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
        s.alloc_init();
        s.add(2);
        assert!(!s.put_caller(1));
        assert_eq!(s.raw(), 2);
        assert!(!s.put_caller(1));
        assert!(s.put_caller(1), "the caller-context final put frees");
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
    }
    run::<S>();
    run::<V6>();
    run::<C>();
    run::<SeriesAssumeOwn<StdAtomic>>();
    run::<SeriesReadCas<StdAtomic>>();
    run::<SeriesSubCas<StdAtomic>>();
    run::<SeriesAt3<StdAtomic>>();
    run::<SeriesAt5<StdAtomic>>();
    run::<SeriesAt6<StdAtomic>>();
}

#[test]
fn series_reset_at_limit() {
    // v6 adds on any page; v7 only when its read saw the page owned (a
    // getter in flight across the freeze).
    let s = V6::from_raw(PAGEREF_SATURATED - 2);
    assert!(!s.try_get(1));
    assert_eq!(s.raw(), PAGEREF_SATURATED - 1, "below the limit: no reset");
    assert!(!s.try_get(1));
    assert_eq!(s.raw(), PAGEREF_FROZEN_BIT, "at the limit: reset to FROZEN");
    let s = S::from_raw(PAGEREF_SATURATED - 2);
    assert!(!s.try_get(1));
    assert_eq!(s.raw(), PAGEREF_SATURATED - 2, "v7 reads frozen: no write");
    assert!(!s.try_get_in_flight_probed(1, 1, &NoProbe));
    assert_eq!(s.raw(), PAGEREF_SATURATED - 1, "read owned: it adds");
    assert!(!s.try_get_in_flight_probed(1, 1, &NoProbe));
    assert_eq!(s.raw(), PAGEREF_FROZEN_BIT, "at the limit: reset to FROZEN");
}

#[test]
fn v7_get_reads_first() {
    assert_eq!(PAGEREF_MAX_RACY_ADD, 1 << 23, "NR_CPUS = 64");
    // A frozen page (HVO's read-only tail pages among them) is never
    // written, for any nr.
    for nr in [1, PAGEREF_MAX_RACY_ADD, PAGEREF_MAX_RACY_ADD + 1] {
        let s = S::from_raw(PAGEREF_FROZEN_BIT);
        assert!(!s.try_get(nr));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
    }
    // Small adds: the add itself; a failed one (read owned, then the
    // page froze) leaves its stray add.
    let s = S::from_raw(3);
    assert!(s.try_get(PAGEREF_MAX_RACY_ADD));
    assert_eq!(s.raw(), 3 + PAGEREF_MAX_RACY_ADD);
    let s = S::from_raw(PAGEREF_FROZEN_BIT);
    assert!(!s.try_get_in_flight_probed(PAGEREF_MAX_RACY_ADD, 1, &NoProbe));
    assert_eq!(s.raw(), PAGEREF_FROZEN_BIT + PAGEREF_MAX_RACY_ADD);
    // Big adds: the cmpxchg loop, which succeeds on an owned value and
    // gives up on a frozen one without writing, even when its read was
    // owned.
    let big = PAGEREF_MAX_RACY_ADD + 1;
    let s = S::from_raw(3);
    assert!(s.try_get(big));
    assert_eq!(s.raw(), 3 + big);
    let s = S::from_raw(PAGEREF_FROZEN_BIT);
    assert!(!s.try_get_in_flight_probed(big, 1, &NoProbe));
    assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
    // The transient 0 of a v6-style put window still reads as not
    // frozen, and the add takes it.
    let s = S::from_raw(0);
    assert!(s.try_get(big));
    assert_eq!(s.raw(), big);
}

#[test]
fn cas_loop_get_refuses_zero_and_frozen() {
    fn run<T: RefScheme<Atomic = StdAtomic>>() {
        let s = T::from_raw(0);
        assert!(
            !s.try_get(1),
            "the cmpxchg-loop get refuses the transient 0"
        );
        assert_eq!(s.raw(), 0);
        let s = T::from_raw(PAGEREF_FROZEN_BIT);
        assert!(!s.try_get(1));
        assert_eq!(s.raw(), PAGEREF_FROZEN_BIT, "and writes nothing on failure");
        s.alloc_init();
        assert!(s.try_get(1));
        assert_eq!(s.count(), 2);
    }
    // v6 after its patch 2; v7 at its patches 3 to 5.
    run::<V6Patch2<StdAtomic>>();
    run::<SeriesAt3<StdAtomic>>();
    run::<SeriesAt5<StdAtomic>>();
}

#[test]
fn series_get_succeeds_on_transient_zero() {
    let s = S::from_raw(0);
    assert!(
        s.try_get(1),
        "the single-add get (v6 patch 4, v7 patch 6) succeeds at the transient 0"
    );
    assert_eq!(s.raw(), 1);
}

#[test]
fn v7_final_puts_never_store_zero_when_uncontended() {
    // The caller-context put goes from nr straight to FROZEN, also for
    // nr > 1, and steps down without a read when it is not the last.
    let s = S::from_raw(5);
    assert!(!s.put_caller(2));
    assert_eq!(s.raw(), 3);
    assert!(s.put_caller(3));
    assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
    // The generic put: read, then cmpxchg(nr -> FROZEN).
    let s = S::from_raw(GUP_MAX_REFS);
    assert!(s.put(GUP_MAX_REFS));
    assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
    // v6's put passes through 0.
    let s = SubThenCasProbe::default();
    let v6 = V6::from_raw(1);
    assert!(v6.put_probed(1, &s));
    assert!(s.saw_window.get(), "v6's final put opens a zero window");
    let s = SubThenCasProbe::default();
    let v7 = S::from_raw(1);
    assert!(v7.put_probed(1, &s) && !s.saw_window.get());
}

#[derive(Default)]
struct SubThenCasProbe {
    saw_window: std::cell::Cell<bool>,
}
impl Probe for SubThenCasProbe {
    fn step(&self, _op: Op, _c: &'static str, step: Step) {
        if step == Step::WindowOpen {
            self.saw_window.set(true);
        }
    }
}

#[test]
fn inc_or_thaw() {
    let s = S::from_raw(PAGEREF_FROZEN_BIT + 3);
    assert!(s.inc_or_thaw(), "a frozen page is thawed to 1");
    assert_eq!(s.raw(), 1);
    assert!(!s.inc_or_thaw(), "an owned page gets one more");
    assert_eq!(s.raw(), 2);
    let b = ThawIncrement::<StdAtomic>::from_raw(PAGEREF_FROZEN_BIT);
    b.inc_or_thaw();
    assert_eq!(
        b.raw(),
        PAGEREF_FROZEN_BIT + 1,
        "an increment does not thaw"
    );
    let m = M::from_raw(0);
    assert!(m.inc_or_thaw());
    assert_eq!(m.raw(), 1);
    // v6's and v7's thaw (and v8's before its review) takes a final put's
    // transient 0 to 1, so that put's cmpxchg(0 -> FROZEN) fails.
    let s = S::from_raw(0);
    assert!(!s.inc_or_thaw(), "v7 takes the transient 0: no thaw");
    assert_eq!(s.raw(), 1);
    let b = V8ThawTakesZero::<StdAtomic>::from_raw(0);
    b.inc_or_thaw();
    assert_eq!(b.raw(), 1);
}

#[test]
fn v8_inc_or_thaw_waits_while_zero() {
    type V8 = SeriesV8<StdAtomic>;
    let s = V8::from_raw(PAGEREF_FROZEN_BIT + 3);
    assert!(s.inc_or_thaw(), "a frozen page is thawed to 1");
    assert_eq!(s.raw(), 1);
    assert!(!s.inc_or_thaw(), "an owned page gets one more");
    assert_eq!(s.raw(), 2);
    // On a 0 (a final put between its subtract and its cmpxchg) it waits
    // until the putter has frozen the page, then thaws it.
    let s = std::sync::Arc::new(V8::from_raw(0));
    let thawer = {
        let s = s.clone();
        std::thread::spawn(move || s.inc_or_thaw())
    };
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(s.raw(), 0, "the thaw waits while the count reads 0");
    assert!(s.freeze(0), "the putter's cmpxchg(0 -> FROZEN) wins");
    assert!(
        thawer.join().unwrap(),
        "then the thaw thaws the frozen page"
    );
    assert_eq!(s.raw(), 1);
    // v8's patches 4 to 7 keep the first form, v7's, which takes the 0 to
    // 1 without waiting; the wait comes with patch 8.
    let at4 = SeriesV8At4::<StdAtomic>::from_raw(0);
    assert!(!at4.inc_or_thaw(), "v8@4 takes the transient 0: no thaw");
    assert_eq!(at4.raw(), 1);
    assert!(SeriesV8At4::<StdAtomic>::from_raw(PAGEREF_FROZEN_BIT).inc_or_thaw());
}

#[test]
fn gup_guards_and_bias() {
    let near = PAGEREF_FROZEN_BIT - GUP_MAX_REFS;
    // v6: the guard admits, and the add crosses INT_MAX: the owned page
    // now reads as frozen and the get fails.
    let v6 = V6::from_raw(near);
    assert!(!v6.gup_fast_get(GUP_MAX_REFS));
    assert_eq!(v6.raw(), PAGEREF_FROZEN_BIT);
    assert_eq!(v6.count(), 0, "an owned page now reads as free");
    // v7: refused before the add.
    let v7 = S::from_raw(near);
    assert!(!v7.gup_fast_get(GUP_MAX_REFS));
    assert_eq!(v7.raw(), near);
    let v7 = S::from_raw(PAGEREF_OWNED_LIMIT - 1);
    assert!(v7.gup_fast_get(GUP_MAX_REFS), "below the limit: admitted");
    let v7 = S::from_raw(PAGEREF_OWNED_LIMIT);
    assert!(!v7.gup_fast_get(1), "count >= PAGEREF_OWNED_LIMIT: refused");
    assert_eq!(v7.raw(), PAGEREF_OWNED_LIMIT);
    // Mainline: the count goes negative and the guard only stops the
    // next get.
    let m = M::from_raw(near);
    assert!(m.gup_fast_get(GUP_MAX_REFS));
    assert!(!m.gup_fast_get(1));
    assert_eq!(S::DRIVER_BIAS, USHRT_MAX);
    assert_eq!(V6::DRIVER_BIAS, INT_MAX);
    assert_eq!(S::ZEROED_STRUCT_PAGE, PAGEREF_FROZEN_BIT);
    assert_eq!(V6::ZEROED_STRUCT_PAGE, 0);
}

#[test]
fn zero_dead_sequential() {
    fn run<T: RefScheme<Atomic = StdAtomic>>() {
        let s = T::from_raw(0);
        assert!(!s.try_get(1));
        assert_eq!(s.raw(), 0, "a failed get writes nothing");
        s.alloc_init();
        assert!(s.try_get(1));
        assert!(s.try_get(1), "assume-1 retries with the observed value");
        assert_eq!(s.count(), 3);
        assert!(!s.freeze(1));
        assert!(!s.put(2));
        assert!(s.freeze(1));
        assert!(!s.try_get(1));
        s.unfreeze(1);
        assert!(s.put_caller(1));
        assert_eq!(s.raw(), 0);
    }
    run::<M>();
    run::<A1>();
}

#[test]
fn names() {
    assert_eq!(S::NAME, "series");
    assert_eq!(V6::NAME, "series-v6");
    assert_eq!(C::NAME, "series+casput");
    assert_eq!(M::NAME, "mainline");
    assert_eq!(A1::NAME, "assume-1");
    assert_eq!(UndoOnFail::<StdAtomic>::NAME, "broken:undo-on-fail");
}

#[derive(Default)]
struct RefusalProbe {
    refused: std::cell::Cell<Option<u32>>,
}
impl Probe for RefusalProbe {
    fn step(&self, _op: Op, _c: &'static str, step: Step) {
        if let Step::Refused { seen } = step {
            self.refused.set(Some(seen));
        }
    }
}

#[test]
fn debug_vm_put_refuses_without_writing() {
    type V8 = SeriesV8<StdAtomic>;
    type V8Debug = SeriesV8DebugVm<StdAtomic>;
    // Without CONFIG_DEBUG_VM a put on a frozen page subtracts: FROZEN - 1
    // is INT_MAX, a free page turned owned.
    let s = V8::from_raw(PAGEREF_FROZEN_BIT);
    assert!(!s.put(1));
    assert_eq!(s.raw(), INT_MAX);
    // With it, the put reads the word, refuses, and writes nothing.
    for (raw, nr) in [(PAGEREF_FROZEN_BIT, 1), (PAGEREF_FROZEN_BIT + 5, 1), (1, 2)] {
        let s = V8Debug::from_raw(raw);
        let p = RefusalProbe::default();
        assert!(!s.put_probed(nr, &p));
        assert_eq!(p.refused.get(), Some(raw));
        assert_eq!(s.raw(), raw, "a refused put leaves the count alone");
    }
    // Legitimate puts are not refused.
    let s = V8Debug::from_raw(2);
    let p = RefusalProbe::default();
    assert!(!s.put_probed(1, &p) && s.put_probed(1, &p));
    assert_eq!(p.refused.get(), None);
    assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
}

#[test]
fn v8_large_add_stops_below_the_owned_limit() {
    type V8 = SeriesV8<StdAtomic>;
    let big = PAGEREF_MAX_RACY_ADD + 1;
    // The cmpxchg loop takes a large add on an owned count below the limit.
    let s = V8::from_raw(3);
    assert!(s.try_get(big));
    assert_eq!(s.raw(), 3 + big);
    // It refuses, without writing, an add that would reach the limit (v7
    // takes it), and still gives up on a frozen page.
    let near = PAGEREF_OWNED_LIMIT - big;
    let s = V8::from_raw(near);
    assert!(!s.try_get(big));
    assert_eq!(s.raw(), near);
    let s7 = S::from_raw(near);
    assert!(s7.try_get(big), "v7's loop has no limit");
    let s = V8::from_raw(PAGEREF_FROZEN_BIT);
    assert!(!s.try_get_in_flight_probed(big, 1, &NoProbe));
    assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
    // Small adds do not check the limit (GUP-fast's guard does, before).
    let s = V8::from_raw(near);
    assert!(s.try_get(1));
    // No reset: a stray that reaches PAGEREF_SATURATED stays.
    let s = V8::from_raw(PAGEREF_SATURATED - 1);
    assert!(!s.try_get_in_flight_probed(1, 1, &NoProbe));
    assert_eq!(s.raw(), PAGEREF_SATURATED);
}

#[test]
fn debug_vm_caller_put_refuses_without_writing() {
    type V8Debug = SeriesV8DebugVm<StdAtomic>;
    for (raw, nr) in [(PAGEREF_FROZEN_BIT, 1), (1, 2)] {
        let s = V8Debug::from_raw(raw);
        let p = RefusalProbe::default();
        assert!(!s.put_caller_probed(nr, &p));
        assert_eq!(p.refused.get(), Some(raw));
        assert_eq!(s.raw(), raw);
    }
    let s = V8Debug::from_raw(2);
    assert!(!s.put_caller(1) && s.put_caller(1));
    assert_eq!(s.raw(), PAGEREF_FROZEN_BIT);
}

#[test]
fn slow_gup_grab_check_then_add_and_bounded() {
    type V8 = SeriesV8<StdAtomic>;
    let limit = PAGEREF_OWNED_LIMIT;
    // v7: the check refuses only a count already at the limit; one add
    // from below may end past it.
    let v7 = S::from_raw(limit - 1);
    assert!(v7.grab_probed(GUP_MAX_REFS, &NoProbe));
    assert_eq!(v7.raw(), limit - 1 + GUP_MAX_REFS);
    assert!(
        !v7.grab_probed(1, &NoProbe),
        "at or past the limit: refused"
    );
    // v8: the check and the add are one cmpxchg that never reaches the
    // limit.
    let v8 = V8::from_raw(limit - GUP_MAX_REFS - 1);
    assert!(v8.grab_probed(GUP_MAX_REFS, &NoProbe));
    assert_eq!(v8.raw(), limit - 1);
    assert!(
        !v8.grab_probed(1, &NoProbe),
        "would reach the limit: refused"
    );
    assert_eq!(v8.raw(), limit - 1, "and wrote nothing");
    for frozen in [PAGEREF_FROZEN_BIT, 0] {
        let v8 = V8::from_raw(frozen);
        assert!(!v8.grab_probed(1, &NoProbe), "v <= 0: refused");
        assert_eq!(v8.raw(), frozen);
    }
    assert_eq!(S::GRAB_LIMIT, limit);
    assert_eq!(V8::GRAB_LIMIT, limit);
    assert_eq!(V6::GRAB_LIMIT, PAGEREF_FROZEN_BIT);
    assert_eq!(M::GRAB_LIMIT, PAGEREF_FROZEN_BIT);
}

#[test]
fn v8_8192cpus_gup_fast_takes_the_bounded_loop() {
    type V8Big = SeriesV8Cpus8192<StdAtomic>;
    assert!(GUP_MAX_REFS > max_racy_add(8192));
    // The guard passes (the count is below the limit), the loop refuses to
    // reach the limit and writes nothing.
    let s = V8Big::from_raw(PAGEREF_OWNED_LIMIT - GUP_MAX_REFS);
    assert!(!s.gup_fast_get(GUP_MAX_REFS));
    assert_eq!(s.raw(), PAGEREF_OWNED_LIMIT - GUP_MAX_REFS);
    let s = V8Big::from_raw(PAGEREF_OWNED_LIMIT - GUP_MAX_REFS - 1);
    assert!(s.gup_fast_get(GUP_MAX_REFS));
    assert_eq!(s.raw(), PAGEREF_OWNED_LIMIT - 1);
    // On a frozen page it never writes: no strays at 8192 CPUs.
    assert_eq!(
        V8Big::in_flight_strays(8190, GUP_MAX_REFS),
        PAGEREF_FROZEN_BIT
    );
}

#[test]
fn v8_debug_vm_get_warning() {
    use crate::scheme::parts::get_warns;
    // Strays below PAGEREF_SATURATED: no warning.
    assert!(!get_warns(PAGEREF_FROZEN_BIT + 1, 1));
    assert!(!get_warns(PAGEREF_SATURATED - 1, 1));
    // At or past it, and the wrap to 0: a warning.
    assert!(get_warns(PAGEREF_SATURATED, 1));
    assert!(get_warns(u32::MAX, 1));
    assert!(get_warns(0, 1));
    // An owned count carried into the frozen bit.
    assert!(get_warns(PAGEREF_FROZEN_BIT, 1));
    assert!(get_warns(PAGEREF_FROZEN_BIT + 5, GUP_MAX_REFS));
    // The most strays v8's bound allows, and the overflow scenario's start.
    type V8 = SeriesV8<StdAtomic>;
    let bound = PAGEREF_FROZEN_BIT + (1 << 29) + 4 * V8::NR_CPUS;
    assert!(!get_warns(bound, 1));
    assert_eq!(V8::NEAR_LIMIT_FROZEN, bound - 2);
    assert_eq!(S::NEAR_LIMIT_FROZEN, PAGEREF_SATURATED - 1);
}
