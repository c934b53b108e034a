#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Aggregate the guest benchmarks of an A/B run into a Markdown report.

Reads the `# BENCH <name> [param=value ...] <metric>=<value>` lines from
the guest-*.ktap files of each boot's run folder (scripts/bench/bench.sh passes
them, A's and B's), and prints, per benchmark and parameters: the median,
min and max over boots of A and of B, and B/A as the median of the per-pair
ratios B_i/A_i over the alternating pairs, with a 95% bootstrap confidence
interval over the pairs (percentile bootstrap of the median, resampling
pairs with replacement, seeded per cell so that the same boots give the
same report). A cell whose interval contains 1.0 is "no difference
measured". The last key=value of a line is the measured metric; the others
identify the cell (e.g. threads=2).

Cells that carry a `shape=` parameter and ran on one side only (the put
shapes of the pageref_bench module, which need the series) are compared
within that side instead: per boot, each shape's figure over the reference
shape's (--shape-ref, default c), with the same median and interval over
the boots.

The header records the date, the host, the guests' vCPUs and accelerator
(from each run's boot.status, written by scripts/pipeline/boot.sh) and the commands.
Exit status 1 when a run folder holds no benchmark line or a benchmark is
missing from some boot.
"""
import argparse
import datetime
import glob
import os
import platform
import random
import re
import statistics
import subprocess
import sys

BENCH = re.compile(r"^#\s+BENCH\s+(\S+)((?:\s+\S+=\S+)+)\s*$")
# Which direction is better, per metric; anything else is shown as is.
BETTER = {"ops_per_sec": "higher", "ns_per_page": "lower", "ns_per_op": "lower"}


def read_run(run):
    """{(name, params, metric): value} and the boot status of one run folder."""
    values = {}
    for path in sorted(glob.glob(os.path.join(run, "guest-*.ktap"))):
        with open(path, errors="replace") as f:
            for line in f:
                m = BENCH.match(line.strip())
                if not m:
                    continue
                pairs = [kv.split("=", 1) for kv in m.group(2).split()]
                metric, value = pairs[-1]
                params = " ".join(f"{k}={v}" for k, v in pairs[:-1])
                try:
                    values[(m.group(1), params, metric)] = float(value)
                except ValueError:
                    print(f"bench-report: {path}: not a number: {line.strip()}",
                          file=sys.stderr)
    status = ["?", "?", "?", "?", "?"]
    try:
        with open(os.path.join(run, "boot.status")) as f:
            status = (f.read().split() + status)[:5]
    except OSError:
        pass
    accel = {"--disable-kvm": "TCG", "kvm": "KVM", "uml": "UML"}.get(status[2], "?")
    # UML runs (scripts/bench/uml-bench-run.sh) add the host CPU seconds of the process.
    return values, {"elapsed": status[1], "accel": accel, "cpus": status[3],
                    "cpu_seconds": status[4]}


def sort_key(cell):
    """Benchmarks by name, then numerically by their parameters."""
    name, params, metric = cell
    nums = [int(n) for n in re.findall(r"=(\d+)", params)]
    return (name, re.sub(r"=\d+", "=", params), nums, metric)


def fmt(v):
    if v >= 1e5:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.1f}"


def cell_text(vals):
    if not vals:
        return "-"
    return f"{fmt(statistics.median(vals))} ({fmt(min(vals))}..{fmt(max(vals))})"


def pair_ratios(runs, cell):
    """B_i / A_i over the alternating pairs that both have the cell."""
    return [b[cell] / a[cell] for (a, _), (b, _) in zip(runs["A"], runs["B"])
            if cell in a and cell in b and a[cell] > 0]


def bootstrap_median(xs, key, resamples, level=0.95):
    """(median, low, high): the percentile bootstrap interval of the median.

    Resamples xs with replacement `resamples` times with a generator seeded
    by `key`, so that the same data always give the same interval.
    """
    med = statistics.median(xs)
    if len(xs) < 2:
        return med, None, None
    rng = random.Random(key)
    n = len(xs)
    meds = sorted(statistics.median(rng.choices(xs, k=n)) for _ in range(resamples))
    tail = (1 - level) / 2
    lo = meds[int(tail * (resamples - 1))]
    hi = meds[int(round((1 - tail) * (resamples - 1)))]
    return med, lo, hi


def ratio_text(rs, key, resamples):
    """'1.06 [1.05, 1.07] +-1.0%' and the verdict of a list of ratios."""
    if not rs:
        return "-", "-", "-"
    med, lo, hi = bootstrap_median(rs, key, resamples)
    if lo is None:
        return f"{med:.3f}", "-", "one pair: no interval"
    half = (hi - lo) / 2 / med * 100
    if lo <= 1.0 <= hi:
        verdict = "no difference measured"
    elif lo > 1.0:
        verdict = f"higher, x{med:.3f}"
    else:
        verdict = f"lower, x{med:.3f}"
    return f"{med:.3f} [{lo:.3f}, {hi:.3f}]", f"+-{half:.1f}%", verdict


def host_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        m = re.search(r"^Model name:\s*(.+)$", out, re.M)
        if m:
            return m.group(1).strip()
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            return m.group(1).strip() if m else "unknown CPU"
    except OSError:
        return "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a-label", required=True, help="name of variant A (e.g. baseline)")
    ap.add_argument("--b-label", required=True, help="name of variant B (e.g. pageref)")
    ap.add_argument("--a", nargs="+", required=True, metavar="RUN", help="A's run folders")
    ap.add_argument("--b", nargs="+", required=True, metavar="RUN", help="B's run folders")
    ap.add_argument("--a-kernel", default="", help="what A's kernel is (commit)")
    ap.add_argument("--b-kernel", default="", help="what B's kernel is (commit)")
    ap.add_argument("--title", default="Guest benchmark run")
    ap.add_argument("--self-test", action="store_true",
                    help="A and B are the same kernel: label the report a pipeline self-test")
    ap.add_argument("--memory", default="?", help="guest memory")
    ap.add_argument("--seconds", default="?", help="BENCH_SECONDS")
    ap.add_argument("--load-before", default="", help="host load average before the run")
    ap.add_argument("--command", action="append", default=[],
                    help="a command that produced the run (repeatable)")
    ap.add_argument("--resamples", type=int, default=10000,
                    help="bootstrap resamples per cell (default 10000)")
    ap.add_argument("--seed", default="pageref-bench",
                    help="seed of the bootstrap (with the cell's name; default pageref-bench)")
    ap.add_argument("--shape-ref", default="c",
                    help="reference shape of the within-kernel comparison (default c)")
    a = ap.parse_args()

    problems = []
    runs = {"A": [read_run(r) for r in a.a], "B": [read_run(r) for r in a.b]}
    for side, folders in (("A", a.a), ("B", a.b)):
        for folder, (values, _) in zip(folders, runs[side]):
            if not values:
                problems.append(f"{folder}: no '# BENCH' line in its guest-*.ktap")
    cells = sorted({c for side in runs.values() for v, _ in side for c in v}, key=sort_key)
    statuses = [s for side in runs.values() for _, s in side]
    accels = sorted({s["accel"] for s in statuses})
    vcpus = sorted({s["cpus"] for s in statuses})
    accel = "/".join(accels)
    tag = f"[{accel}]"

    out = []
    title = a.title + (" - PIPELINE SELF-TEST (A and B are the same kernel)"
                       if a.self_test else "")
    out.append(f"### {title}\n")
    out.append(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S UTC}")
    out.append(f"- host: {host_model()}, {os.cpu_count()} CPUs online ({platform.machine()}), "
               f"kernel {platform.release()}")
    if a.load_before:
        out.append(f"- host load average before the run: {a.load_before}, after: "
                   f"{' '.join(open('/proc/loadavg').read().split()[:3])}")
    if accel == "UML":
        out.append(f"- kernels: UML (ARCH=um) host processes, {', '.join(vcpus)} virtual CPUs "
                   f"(one host thread each), {a.memory} memory")
        busy = [float(s["cpu_seconds"]) / float(s["elapsed"]) for s in statuses
                if s["cpu_seconds"] != "?" and s["elapsed"] not in ("?", "0", "0.0")]
        if busy:
            out.append(f"- host CPU time / wall time of each UML process: "
                       f"{min(busy):.2f}..{max(busy):.2f} (above 1: its virtual CPUs ran "
                       "at the same time on different host CPUs)")
    else:
        out.append(f"- guests: {', '.join(vcpus)} vCPUs, {a.memory} memory, under **{accel}**"
                   + (" (emulation)" if accel == "TCG" else ""))
    out.append(f"- A = `{a.a_label}`{' (' + a.a_kernel + ')' if a.a_kernel else ''}, "
               f"B = `{a.b_label}`{' (' + a.b_kernel + ')' if a.b_kernel else ''}; "
               f"{len(a.a)} + {len(a.b)} boots, alternating A, B; "
               f"BENCH_SECONDS={a.seconds}")
    for c in a.command:
        out.append(f"- command: `{c}`")
    out.append("")
    if a.self_test:
        out.append("**Pipeline self-test: A and B boot the same kernel, so every ratio "
                   "should be close to 1.00; its spread shows the noise of the setup. "
                   "Not a result.**\n")
    if accel == "UML":
        caveat = ("The kernels ran as UML processes: the page-count atomics are this host's "
                  "own instructions on its own cores, but the scheduler, timer and idle "
                  "paths are UML's, so absolute figures are not bare-metal figures; only "
                  "the B/A ratios of this one alternating run are compared.")
    else:
        caveat = (f"Guests ran under {accel}"
                  + (" emulation: absolute figures are not claims about any hardware"
                     if accel == "TCG" else ": absolute figures depend on this host")
                  + "; only the B/A ratios of this one alternating run are compared.")
    out.append(caveat + "\n")
    npairs = min(len(a.a), len(a.b))
    out.append(f"| benchmark | cell | metric (better) | A `{a.a_label}` median (min..max) {tag} "
               f"| B `{a.b_label}` median (min..max) {tag} "
               f"| B/A, median of {npairs} pairs [95% CI] {tag} | CI half-width | reading |")
    out.append("|---|---|---|---|---|---|---|---|")
    one_side = {}
    for cell in cells:
        name, params, metric = cell
        av = [v[cell] for v, _ in runs["A"] if cell in v]
        bv = [v[cell] for v, _ in runs["B"] if cell in v]
        if "shape=" in params and (not av or not bv):
            side = "A" if av else "B"
            if len(av or bv) != len(a.a if av else a.b):
                problems.append(f"{name} {params}: in {len(av or bv)}/"
                                f"{len(a.a if av else a.b)} {side} boots")
            one_side.setdefault(side, []).append(cell)
            continue
        if len(av) != len(a.a) or len(bv) != len(a.b):
            problems.append(f"{name} {params}: in {len(av)}/{len(a.a)} A boots and "
                            f"{len(bv)}/{len(a.b)} B boots")
        ratio, half, verdict = ratio_text(pair_ratios(runs, cell),
                                          f"{a.seed}:{name}:{params}:{metric}", a.resamples)
        better = BETTER.get(metric, "?")
        out.append(f"| {name} | {params or '-'} | {metric} ({better}) | {cell_text(av)} "
                   f"| {cell_text(bv)} | {ratio} | {half} | {verdict} |")
    if not cells:
        out.append("| (no benchmark lines) | | | | | | | |")
    out.append("")
    out.append(f"B/A: the median over the {npairs} alternating pairs of the ratio of each B "
               "boot to the A boot just before it (the boots alternate A, B, A, B, ...), with "
               f"the 95% percentile-bootstrap interval of that median ({a.resamples} "
               f"resamples of the pairs, seeded with '{a.seed}' and the cell's name: the same "
               "boots always give the same interval). CI half-width: half the interval's "
               "width, in percent of the median. *no difference measured*: the interval "
               "contains 1.0; *higher*/*lower*: the whole interval lies above/below 1.0, "
               "B's figure is higher/lower than A's (for ns_per_op, higher is slower).")
    out.append("")
    for side, side_cells in sorted(one_side.items()):
        label = a.a_label if side == "A" else a.b_label
        side_runs = runs[side]
        out.extend(shape_table(side_cells, side_runs, label, tag, a))
    for p in problems:
        out.append(f"- PROBLEM: {p}")
    print("\n".join(out))
    return 1 if problems else 0


def shape_table(side_cells, side_runs, label, tag, a):
    """The within-kernel comparison of the cells that carry shape=."""
    out = []
    groups = {}
    for cell in side_cells:
        name, params, metric = cell
        shape = re.search(r"shape=(\S+)", params).group(1)
        rest = re.sub(r"\s*shape=\S+", "", params).strip()
        groups.setdefault((name, rest, metric), {})[shape] = cell
    out.append(f"Within `{label}` only (the cells need its kernel): each shape against "
               f"shape {a.shape_ref}, per boot, median of {len(side_runs)} boots [95% CI].\n")
    out.append(f"| benchmark | cell | metric (better) | shape | median (min..max) {tag} "
               f"| shape / shape {a.shape_ref} [95% CI] | CI half-width | reading |")
    out.append("|---|---|---|---|---|---|---|---|")
    for key in sorted(groups, key=sort_key):
        name, rest, metric = key
        shapes = groups[key]
        ref = shapes.get(a.shape_ref)
        for shape in sorted(shapes):
            cell = shapes[shape]
            vals = [v[cell] for v, _ in side_runs if cell in v]
            if shape == a.shape_ref or ref is None:
                ratio, half, verdict = "(reference)" if ref else "-", "-", "-"
            else:
                rs = [v[cell] / v[ref] for v, _ in side_runs
                      if cell in v and ref in v and v[ref] > 0]
                ratio, half, verdict = ratio_text(
                    rs, f"{a.seed}:{name}:{rest}:{shape}/{a.shape_ref}", a.resamples)
            out.append(f"| {name} | {rest or '-'} | {metric} "
                       f"({BETTER.get(metric, '?')}) | {shape} | {cell_text(vals)} "
                       f"| {ratio} | {half} | {verdict} |")
    out.append("")
    out.append(f"Shape over shape {a.shape_ref}: the ratio of the two shapes' figures in the "
               "same boot, so the boot-to-boot noise that both share cancels; "
               "*no difference measured* when the interval contains 1.0.")
    out.append("")
    return out


if __name__ == "__main__":
    sys.exit(main())
