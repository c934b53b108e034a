// SPDX-License-Identifier: GPL-2.0
/*
 * pageref_bench - cost of the speculative page reference fast path.
 *
 * Out-of-tree module, not part of the series: the same source is built
 * against the base and against the patched kernel (scripts/bench/bench-build.sh),
 * so each build inlines its own kernel's folio_try_get() (a read + cmpxchg
 * loop on the base, a single atomic add with the series) and folio_put().
 *
 * Loading the module runs the benchmark (module init), then keeps its KTAP
 * report in <debugfs>/pageref_bench/results until the module is removed;
 * selftests/bench/tryget_put.c loads it, prints the report and unloads it.
 *
 * For each thread count T (1..CPUs; above 8 CPUs: 1..8, then the powers of
 * two, then the CPU count; or the list in @threads), T kthreads, bound one
 * per online CPU and started together, each loop on folio_try_get() +
 * folio_put() for @seconds, checking the clock every PB_CHUNK pairs:
 *
 *   shared    all T threads on the same order-0 folio (one page->_refcount)
 *   private   each thread on its own folio (no sharing between threads)
 *
 * and reports, per case and T, one line
 *
 *   # BENCH tryget_put_<case> threads=T ns_per_op=X
 *
 * where X = (sum of the threads' run times in ns) / (sum of their pairs):
 * the average time one thread spends on one folio_try_get() + folio_put(),
 * loop overhead included. One KTAP test point per line: ok when every
 * thread did work, no folio_try_get() failed and every folio's count is
 * back to the allocation's single reference.
 *
 * A third case times the freeing put: each thread allocates PB_FREE_BATCH
 * order-0 folios (not timed), then puts each one's only reference (timed),
 * so that X of
 *
 *   # BENCH final_put threads=T ns_per_op=X
 *
 * is one final folio_put(): the put to zero (the series' freeze) and the
 * free to the per-CPU lists, with their drain to the buddy allocator when
 * they fill. Its test point is ok when every thread did work and no
 * allocation failed.
 *
 * The caller-context puts that the series turned into a cmpxchg loop
 * (page_ref_sub_and_freeze(); the base decrements):
 *
 *   page_frag_free   T threads share one page_frag_cache. Each allocates
 *                    PB_FRAG_BATCH frags of PB_FRAG_SIZE bytes under a
 *                    spinlock (not timed), then frees them (timed), so the
 *                    frees of frags of one page race between the threads,
 *                    with the allocator's own sub_and_freeze of its bias
 *                    when a page is used up. ns per page_frag_free(). Ok
 *                    when no allocation failed and the cache's page is left
 *                    with exactly the cache's bias (every frag's reference
 *                    dropped once).
 *   free_pages_shared  all T threads on one page that the benchmark holds:
 *                    get_page() + __free_pages(page, 0), a non-final put
 *                    through ___free_pages(). ns per pair; ok when the count
 *                    is back to 1.
 *
 * With the series only (they need the frozen bit), the shapes of the
 * generic put as local copies working on a page's _refcount, not the
 * kernel's own functions, so that both shapes run in the same kernel:
 *
 *   shape=b   cmpxchg(nr -> FROZEN) first, without reading the count;
 *             if it fails, atomic_sub_return() and, at 0, cmpxchg(0, FROZEN)
 *   shape=c   v8's page_ref_sub_and_test(): read; cmpxchg(nr -> FROZEN)
 *             only if the count read nr; else the same subtract
 *   shape=a   subtract first, cmpxchg(0, FROZEN) at zero: v8's fallback
 *             alone (a non-final put is the base's single decrement, a
 *             final put two atomics)
 *
 *   # BENCH put_shape_shared shape=S threads=T ns_per_op=X
 *             all T threads on one page: page_ref_inc() + a non-final put
 *   # BENCH put_shape_final shape=S threads=T ns_per_op=X
 *             a page per thread: store 1, then a final put (count -> FROZEN)
 *
 * Ok when every put of the shared case was non-final, every put of the
 * final case froze the page, and every count is back to 1.
 *
 * Built into a kernel instead of as a module (the UML benchmark kernels of
 * scripts/bench/uml-bench.sh), the benchmark runs at boot with the parameters
 * from the command line ("pageref_bench.seconds=2") and the report is also
 * printed to the kernel log, one line per printk, prefixed "pageref_bench: ".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#ifdef MODULE
/* Generated for modules only; a built-in benchmark is its kernel's own. */
#include <generated/utsversion.h>
#endif
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/page_frag_cache.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/utsname.h>

/* folio_try_get() + folio_put() pairs between two reads of the clock. */
#define PB_CHUNK		1024
/* Folios allocated, then put, per timed batch of the final_put case. */
#define PB_FREE_BATCH		64
#define PB_MAX_COUNTS		64
/* page_frag case: frags per locked allocation batch, and their size. */
#define PB_FRAG_BATCH		32
#define PB_FRAG_SIZE		256
#define PB_REPORT_SIZE		(64 * 1024)

static unsigned int seconds = 3;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "seconds per case and thread count (default 3)");

static char *threads = "";
module_param(threads, charp, 0444);
MODULE_PARM_DESC(threads, "thread counts to run, e.g. \"1,2,4\" (default: 1..CPUs)");

static int max_threads;
module_param(max_threads, int, 0444);
MODULE_PARM_DESC(max_threads, "highest thread count (default: online CPUs)");

/*
 * The put shapes need the frozen bit; on the base the benchmark runs the
 * cases up to PB_FREE_PAGES_SHARED only.
 */
#ifdef PAGEREF_FROZEN
#define PB_HAVE_SHAPES		1
#else
#define PB_HAVE_SHAPES		0
#endif

enum pb_case {
	PB_SHARED,
	PB_PRIVATE,
	PB_FINAL_PUT,
	PB_FRAG_FREE,
	PB_FREE_PAGES_SHARED,
	PB_SHAPE_A_SHARED,
	PB_SHAPE_B_SHARED,
	PB_SHAPE_C_SHARED,
	PB_SHAPE_A_FINAL,
	PB_SHAPE_B_FINAL,
	PB_SHAPE_C_FINAL,
	PB_NR_CASES,
};

#define PB_LAST_CASE		(PB_HAVE_SHAPES ? PB_NR_CASES - 1 : PB_FREE_PAGES_SHARED)

static const char *const pb_case_name[] = {
	[PB_SHARED] = "tryget_put_shared",
	[PB_PRIVATE] = "tryget_put_private",
	[PB_FINAL_PUT] = "final_put",
	[PB_FRAG_FREE] = "page_frag_free",
	[PB_FREE_PAGES_SHARED] = "free_pages_shared",
	[PB_SHAPE_A_SHARED] = "put_shape_shared shape=a",
	[PB_SHAPE_B_SHARED] = "put_shape_shared shape=b",
	[PB_SHAPE_C_SHARED] = "put_shape_shared shape=c",
	[PB_SHAPE_A_FINAL] = "put_shape_final shape=a",
	[PB_SHAPE_B_FINAL] = "put_shape_final shape=b",
	[PB_SHAPE_C_FINAL] = "put_shape_final shape=c",
};

static bool pb_case_shape_shared(enum pb_case mode)
{
	return mode >= PB_SHAPE_A_SHARED && mode <= PB_SHAPE_C_SHARED;
}

static bool pb_case_shape_final(enum pb_case mode)
{
	return mode >= PB_SHAPE_A_FINAL && mode <= PB_SHAPE_C_FINAL;
}

/* Whether all threads of the case work on folios[0]. */
static bool pb_case_shared(enum pb_case mode)
{
	return mode == PB_SHARED || mode == PB_FREE_PAGES_SHARED ||
	       pb_case_shape_shared(mode);
}

/* The frag cache of the page_frag_free case, shared by its threads. */
static struct {
	spinlock_t lock;	/* serialises page_frag_alloc() on nc */
	struct page_frag_cache nc;
} pb_frag ____cacheline_aligned_in_smp;

struct pb_worker {
	struct task_struct *task;
	struct folio *folio;
	enum pb_case mode;
	struct completion *go;
	atomic_t *waiting;
	struct completion *all_waiting;
	ktime_t *deadline;
	struct completion exited;
	u64 ops;
	u64 ns;
	unsigned int cpu;
	bool failed;
} ____cacheline_aligned_in_smp;

static struct dentry *pb_dir;
static struct debugfs_blob_wrapper pb_blob;
static char *pb_report;

/*
 * The final_put case: batches of PB_FREE_BATCH folios, allocated outside
 * the timed part and freed inside it; w->ns is the time spent putting.
 */
static void pb_final_puts(struct pb_worker *w)
{
	struct folio *batch[PB_FREE_BATCH];
	ktime_t t0, t1;
	unsigned int i, n;

	do {
		for (n = 0; n < PB_FREE_BATCH; n++) {
			batch[n] = folio_alloc(GFP_KERNEL, 0);
			if (unlikely(!batch[n])) {
				w->failed = true;
				break;
			}
		}
		t0 = ktime_get();
		for (i = 0; i < n; i++)
			folio_put(batch[i]);
		t1 = ktime_get();
		w->ops += n;
		w->ns += ktime_to_ns(ktime_sub(t1, t0));
		cond_resched();
	} while (!w->failed && ktime_before(t1, *w->deadline));
}

/*
 * The page_frag_free case: batches of PB_FRAG_BATCH frags allocated from the
 * shared cache under its lock (not timed), then freed (timed). The threads'
 * batches come from the same page, so their frees race on its count.
 */
static void pb_frag_frees(struct pb_worker *w)
{
	void *batch[PB_FRAG_BATCH];
	ktime_t t0, t1;
	unsigned int i, n;

	do {
		spin_lock(&pb_frag.lock);
		for (n = 0; n < PB_FRAG_BATCH; n++) {
			batch[n] = page_frag_alloc(&pb_frag.nc, PB_FRAG_SIZE, GFP_ATOMIC);
			if (unlikely(!batch[n])) {
				w->failed = true;
				break;
			}
		}
		spin_unlock(&pb_frag.lock);
		t0 = ktime_get();
		for (i = 0; i < n; i++)
			page_frag_free(batch[i]);
		t1 = ktime_get();
		w->ops += n;
		w->ns += ktime_to_ns(ktime_sub(t1, t0));
		cond_resched();
	} while (!w->failed && ktime_before(t1, *w->deadline));
}

#if PB_HAVE_SHAPES
/*
 * Local copies of the generic put's shapes, without the tracepoints and
 * debug checks (the numbers kernels have neither). Each returns true when it
 * dropped the last reference and froze the page.
 */

/* The rest of every shape that does not freeze at once: v8's subtract. */
static __always_inline bool pb_put_sub(atomic_t *ref, int nr)
{
	int v, zero = 0;
	bool ret;

	preempt_disable();
	v = atomic_sub_return(nr, ref);
	ret = !v && atomic_try_cmpxchg(ref, &zero, PAGEREF_FROZEN);
	preempt_enable();
	return ret;
}

/*
 * (a) subtract first, cmpxchg(0 -> FROZEN) only at zero: v8's fallback path
 * alone. A non-final put is the base's one decrement; a final put is two
 * atomics.
 */
static __always_inline bool pb_put_shape_a(atomic_t *ref, int nr)
{
	return pb_put_sub(ref, nr);
}

/* (b) cmpxchg(nr -> FROZEN) first, no read; else the subtract. */
static __always_inline bool pb_put_shape_b(atomic_t *ref, int nr)
{
	int old = nr;

	if (atomic_try_cmpxchg(ref, &old, PAGEREF_FROZEN))
		return true;
	return pb_put_sub(ref, nr);
}

/* (c) v8's page_ref_sub_and_test(): read, cmpxchg only if last; else subtract. */
static __always_inline bool pb_put_shape_c(atomic_t *ref, int nr)
{
	int old = atomic_read(ref);

	if (old == nr && atomic_try_cmpxchg(ref, &old, PAGEREF_FROZEN))
		return true;
	return pb_put_sub(ref, nr);
}

static __always_inline bool pb_put_shape(enum pb_case shape, atomic_t *ref)
{
	switch (shape) {
	case PB_SHAPE_A_SHARED:
	case PB_SHAPE_A_FINAL:
		return pb_put_shape_a(ref, 1);
	case PB_SHAPE_B_SHARED:
	case PB_SHAPE_B_FINAL:
		return pb_put_shape_b(ref, 1);
	default:
		return pb_put_shape_c(ref, 1);
	}
}

/*
 * One chunk of a shape case, the shape a compile-time constant so that each
 * loop inlines one shape only. Returns the number of pairs done; fewer than
 * PB_CHUNK means a put did not do what the case expects.
 */
static __always_inline unsigned int pb_shape_chunk(enum pb_case mode, atomic_t *ref)
{
	unsigned int i;

	for (i = 0; i < PB_CHUNK; i++) {
		if (pb_case_shape_final(mode)) {
			/* The benchmark's own page: nobody else holds it. */
			atomic_set(ref, 1);
			if (unlikely(!pb_put_shape(mode, ref)))
				break;
		} else {
			atomic_inc(ref);
			if (unlikely(pb_put_shape(mode, ref)))
				break;
		}
	}
	return i;
}

static noinline unsigned int pb_shape_chunk_case(enum pb_case mode, atomic_t *ref)
{
	switch (mode) {
	case PB_SHAPE_A_SHARED:
		return pb_shape_chunk(PB_SHAPE_A_SHARED, ref);
	case PB_SHAPE_B_SHARED:
		return pb_shape_chunk(PB_SHAPE_B_SHARED, ref);
	case PB_SHAPE_C_SHARED:
		return pb_shape_chunk(PB_SHAPE_C_SHARED, ref);
	case PB_SHAPE_A_FINAL:
		return pb_shape_chunk(PB_SHAPE_A_FINAL, ref);
	case PB_SHAPE_B_FINAL:
		return pb_shape_chunk(PB_SHAPE_B_FINAL, ref);
	default:
		return pb_shape_chunk(PB_SHAPE_C_FINAL, ref);
	}
}
#endif /* PB_HAVE_SHAPES */

/* One chunk of folio_try_get() + folio_put(), or of get_page() + __free_pages(). */
static unsigned int pb_pair_chunk(enum pb_case mode, struct folio *folio)
{
	struct page *page = &folio->page;
	unsigned int i;

	if (mode == PB_FREE_PAGES_SHARED) {
		for (i = 0; i < PB_CHUNK; i++) {
			get_page(page);
			__free_pages(page, 0);
		}
		return i;
	}
	for (i = 0; i < PB_CHUNK; i++) {
		if (unlikely(!folio_try_get(folio)))
			break;
		folio_put(folio);
	}
	return i;
}

static int pb_worker_fn(void *data)
{
	struct pb_worker *w = data;
	struct folio *folio = w->folio;
	ktime_t start, now;
	u64 ops = 0;
	unsigned int i;

	if (atomic_dec_and_test(w->waiting))
		complete(w->all_waiting);
	wait_for_completion(w->go);
	if (w->mode == PB_FINAL_PUT) {
		pb_final_puts(w);
		kthread_complete_and_exit(&w->exited, 0);
	}
	if (w->mode == PB_FRAG_FREE) {
		pb_frag_frees(w);
		kthread_complete_and_exit(&w->exited, 0);
	}
	start = ktime_get();
	do {
#if PB_HAVE_SHAPES
		if (w->mode >= PB_SHAPE_A_SHARED)
			i = pb_shape_chunk_case(w->mode, &folio->page._refcount);
		else
#endif
			i = pb_pair_chunk(w->mode, folio);
		ops += i;
		if (unlikely(i < PB_CHUNK))
			w->failed = true;
		now = ktime_get();
		cond_resched();
	} while (!w->failed && ktime_before(now, *w->deadline));
#if PB_HAVE_SHAPES
	/* A final-put shape leaves its own page frozen: give it its count back. */
	if (pb_case_shape_final(w->mode))
		atomic_set(&folio->page._refcount, 1);
#endif
	w->ops = ops;
	w->ns = ktime_to_ns(ktime_sub(now, start));
	/* Leaves without returning into this module, which may go next. */
	kthread_complete_and_exit(&w->exited, 0);
}

/*
 * One cell: nthreads kthreads on the first nthreads CPUs of @cpus, on
 * folios[0] (shared), folios[i] (private) or folios of their own
 * (final_put). Returns 0 or -errno; the caller reads the workers' results.
 */
static int pb_run_cell(struct pb_worker *w, int nthreads, const unsigned int *cpus,
		       struct folio **folios, enum pb_case mode)
{
	DECLARE_COMPLETION_ONSTACK(go);
	DECLARE_COMPLETION_ONSTACK(all_waiting);
	atomic_t waiting = ATOMIC_INIT(nthreads);
	ktime_t deadline = KTIME_MAX;
	int i;

	if (mode == PB_FRAG_FREE) {
		spin_lock_init(&pb_frag.lock);
		page_frag_cache_init(&pb_frag.nc);
	}
	for (i = 0; i < nthreads; i++) {
		w[i] = (struct pb_worker) {
			.folio = mode == PB_FINAL_PUT || mode == PB_FRAG_FREE ? NULL :
				 folios[pb_case_shared(mode) ? 0 : i],
			.mode = mode,
			.go = &go,
			.waiting = &waiting,
			.all_waiting = &all_waiting,
			.deadline = &deadline,
			.cpu = cpus[i],
		};
		init_completion(&w[i].exited);
		w[i].task = kthread_create_on_node(pb_worker_fn, &w[i], cpu_to_node(cpus[i]),
						   "pageref_bench/%u", cpus[i]);
		if (IS_ERR(w[i].task)) {
			int err = PTR_ERR(w[i].task);

			/* Never woken: they exit without running pb_worker_fn(). */
			while (i--)
				kthread_stop(w[i].task);
			return err;
		}
		kthread_bind(w[i].task, cpus[i]);
	}
	for (i = 0; i < nthreads; i++)
		wake_up_process(w[i].task);
	wait_for_completion(&all_waiting);
	deadline = ktime_add_ms(ktime_get(), (u64)seconds * MSEC_PER_SEC);
	complete_all(&go);
	for (i = 0; i < nthreads; i++)
		wait_for_completion(&w[i].exited);
	return 0;
}

/*
 * After a page_frag_free cell: every frag's reference is dropped, so the
 * cache's page holds exactly the cache's bias. Then drain the cache.
 * Returns the page's count less the bias (0 when right).
 */
static int pb_frag_check_and_drain(void)
{
	struct page_frag_cache *nc = &pb_frag.nc;
	struct page *page;
	int diff;

	if (!nc->encoded_page)
		return 0;
	page = virt_to_head_page((void *)(nc->encoded_page & PAGE_MASK));
	diff = page_ref_count(page) - (int)nc->pagecnt_bias;
	if (!diff)
		page_frag_cache_drain(nc);
	/* Otherwise leak the page rather than free one that may be in use. */
	return diff;
}

static void pb_report_cell(struct seq_buf *s, int *test, int nthreads, struct pb_worker *w,
			   struct folio **folios, enum pb_case mode, int err)
{
	const char *name = pb_case_name[mode];
	int nfolios = mode == PB_FINAL_PUT || mode == PB_FRAG_FREE ? 0 :
		      pb_case_shared(mode) ? 1 : nthreads;
	u64 ops = 0, ns = 0, hundredths = 0;
	bool ok = !err;
	int refs = 1, frag_diff = 0, i;

	for (i = 0; !err && i < nthreads; i++) {
		ops += w[i].ops;
		ns += w[i].ns;
		if (!w[i].ops || w[i].failed)
			ok = false;
	}
	for (i = 0; i < nfolios; i++) {
		refs = folio_ref_count(folios[i]);
		if (refs != 1) {
			ok = false;
			break;
		}
	}
	if (mode == PB_FRAG_FREE && !err) {
		frag_diff = pb_frag_check_and_drain();
		if (frag_diff)
			ok = false;
	}
	if (ok) {
		hundredths = div64_u64(ns * 100 + ops / 2, ops);
		seq_buf_printf(s, "# BENCH %s threads=%d ns_per_op=%llu.%02llu\n",
			       name, nthreads, hundredths / 100, hundredths % 100);
	}
	/* The test point's name: the case's name with '_' for ' ' and '='. */
	seq_buf_printf(s, "%sok %d ", ok ? "" : "not ", ++*test);
	for (i = 0; name[i]; i++)
		seq_buf_putc(s, name[i] == ' ' || name[i] == '=' ? '_' : name[i]);
	if (mode == PB_FINAL_PUT || mode == PB_FRAG_FREE)
		seq_buf_printf(s, "_threads_%d (%llu puts in %llu ns", nthreads, ops, ns);
	else
		seq_buf_printf(s, "_threads_%d (%llu pairs in %llu ns; refcount %d after",
			       nthreads, ops, ns, refs);
	if (mode == PB_FRAG_FREE && frag_diff)
		seq_buf_printf(s, "; the cache's page holds %d references more than its bias",
			       frag_diff);
	if (err)
		seq_buf_printf(s, "; kthread_create: %d", err);
	for (i = 0; !err && i < nthreads; i++)
		if (w[i].failed)
			seq_buf_printf(s, "; %s failed on CPU %u",
				       mode == PB_FINAL_PUT ? "folio_alloc()" :
				       mode == PB_FRAG_FREE ? "page_frag_alloc()" :
				       mode == PB_SHARED || mode == PB_PRIVATE ? "folio_try_get()" :
				       "a put that froze a shared page or failed to freeze a private one",
				       w[i].cpu);
	seq_buf_puts(s, ")\n");
	/* A failed shape case may leave folios[0] frozen: give it its count back. */
	if (!ok && (pb_case_shape_shared(mode) || pb_case_shape_final(mode)))
		for (i = 0; i < nfolios; i++)
			atomic_set(&folios[i]->page._refcount, 1);
}

/* The thread counts, by the rule of selftests/bench/bench.h. */
static int pb_thread_counts(int ncpu, int *counts)
{
	int cap = max_threads > 0 && max_threads < ncpu ? max_threads : ncpu;
	int n = 0, t;

	if (threads && *threads) {
		char *list = kstrdup(threads, GFP_KERNEL), *p = list, *tok;

		if (!list)
			return -ENOMEM;
		while ((tok = strsep(&p, ", ")) && n < PB_MAX_COUNTS) {
			if (!kstrtoint(tok, 10, &t) && t >= 1 && t <= cap)
				counts[n++] = t;
		}
		kfree(list);
		return n;
	}
	for (t = 1; t <= cap && n < PB_MAX_COUNTS; t = t < 8 ? t + 1 : t * 2)
		counts[n++] = t;
	if (n && counts[n - 1] != cap && n < PB_MAX_COUNTS)
		counts[n++] = cap;
	return n;
}

static int pb_run(struct seq_buf *s)
{
	int counts[PB_MAX_COUNTS], ncounts, ncpu = 0, test = 0, c, i, cpu;
	struct folio **folios = NULL;
	struct pb_worker *w = NULL;
	unsigned int *cpus = NULL;
	int ret = -ENOMEM;

	cpus_read_lock();
	cpus = kcalloc(num_online_cpus(), sizeof(*cpus), GFP_KERNEL);
	if (!cpus)
		goto out;
	for_each_online_cpu(cpu)
		cpus[ncpu++] = cpu;
	ncounts = pb_thread_counts(ncpu, counts);
	if (ncounts < 0) {
		ret = ncounts;
		goto out;
	}
	w = kcalloc(ncpu, sizeof(*w), GFP_KERNEL);
	folios = kcalloc(ncpu, sizeof(*folios), GFP_KERNEL);
	if (!w || !folios)
		goto out;
	for (i = 0; i < ncpu; i++) {
		folios[i] = folio_alloc(GFP_KERNEL, 0);
		if (!folios[i])
			goto out;
	}

	seq_buf_printf(s, "KTAP version 1\n1..%d\n", (PB_LAST_CASE + 1) * ncounts);
	seq_buf_printf(s, "# pageref_bench: kernel %s %s, %d CPUs online, %u s per cell\n",
		       init_utsname()->release, init_utsname()->version, ncpu, seconds);
	seq_buf_printf(s, "# folio_try_get() + folio_put() pairs, clock read every %d;\n",
		       PB_CHUNK);
	seq_buf_puts(s, "# ns_per_op = sum of the threads' run times / sum of their pairs\n");
	seq_buf_printf(s, "# final_put: ns per final folio_put(), in timed batches of %d\n",
		       PB_FREE_BATCH);
	seq_buf_printf(s, "# page_frag_free: ns per free of a %d-byte frag, batches of %d\n",
		       PB_FRAG_SIZE, PB_FRAG_BATCH);
	seq_buf_puts(s, "# free_pages_shared: ns per get_page() + __free_pages() on one page\n");
	if (PB_HAVE_SHAPES)
		seq_buf_puts(s, "# put_shape_*: the generic put's shapes a, b, c\n");
	for (c = 0; c < ncounts; c++) {
		enum pb_case mode;

		for (mode = PB_SHARED; mode <= PB_LAST_CASE; mode++) {
			ret = pb_run_cell(w, counts[c], cpus, folios, mode);
			pb_report_cell(s, &test, counts[c], w, folios, mode, ret);
		}
	}
	ret = seq_buf_has_overflowed(s) ? -EOVERFLOW : 0;
out:
	cpus_read_unlock();
	for (i = 0; folios && i < ncpu && folios[i]; i++)
		folio_put(folios[i]);
	kfree(folios);
	kfree(w);
	kfree(cpus);
	return ret;
}

static void __init __maybe_unused pb_print_report(const char *r, size_t len)
{
	const char *end = r + len, *nl;

	while (r < end) {
		nl = memchr(r, '\n', end - r) ?: end;
		pr_info("%.*s\n", (int)(nl - r), r);
		r = nl + 1;
	}
}

static int __init pageref_bench_init(void)
{
	struct seq_buf s;
	int ret;

	/*
	 * Both bench kernels have the same release string and so the same
	 * vermagic: refuse a module built against the other kernel, whose
	 * inlined fast path would be the wrong one.
	 */
#ifdef MODULE
	if (strcmp(init_utsname()->version, UTS_VERSION)) {
		pr_err("built for kernel \"%s\", this is \"%s\": rebuild it against this kernel\n",
		       UTS_VERSION, init_utsname()->version);
		return -ENOEXEC;
	}
#endif
	if (!seconds)
		seconds = 1;
	pb_report = kzalloc(PB_REPORT_SIZE, GFP_KERNEL);
	if (!pb_report)
		return -ENOMEM;
	seq_buf_init(&s, pb_report, PB_REPORT_SIZE);
	ret = pb_run(&s);
	if (ret) {
		pr_err("benchmark failed: %d\n", ret);
		kfree(pb_report);
		return ret;
	}
	pb_blob.data = pb_report;
	pb_blob.size = seq_buf_used(&s);
#ifndef MODULE
	/* Built in, nothing reads debugfs before the kernel halts. */
	pb_print_report(pb_report, pb_blob.size);
#endif
	pb_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_blob("results", 0444, pb_dir, &pb_blob);
	pr_info("done: report in <debugfs>/%s/results\n", KBUILD_MODNAME);
	return 0;
}

static void __exit pageref_bench_exit(void)
{
	debugfs_remove(pb_dir);
	kfree(pb_report);
}

module_init(pageref_bench_init);
module_exit(pageref_bench_exit);
MODULE_DESCRIPTION("Cost of page reference gets and puts, per thread count");
MODULE_LICENSE("GPL");
