#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The A/B table of make check-wide: every test on the base and on the series.

Reads the two run folders that scripts/pipeline/boot.sh left (the JSON that the
kernel's `kunit.py parse` wrote for the boot-time KUnit suites and for every
guest program, among them the mm selftests), and each kernel log. Prints,
and writes as Markdown with --markdown:

  - per suite: passed / failed / skipped on each kernel;
  - every test whose result differs, and every test that fails on both,
    with its reason from --reasons (config/wide-known-failures: a glob of
    test paths, a tab, the reason), or "no reason recorded";
  - the kernel log's reports by kind (KASAN, KFENCE, lockdep, DEBUG_VM and
    BUG_ON, refcount_t, bad page, other warnings, oopses) on each kernel,
    with the first line of each.

Exit status 1 if the series fails a test that passes (or skips) on the base,
if the series has a test the base has and did not run it, or if the
series' log has a report that the base's log does not have as often (the
same line without addresses and numbers; reports that the series' own
KUnit cases provoke on purpose are listed apart); 0 otherwise. A missing
run folder is an error (exit 2).
"""
import argparse
import fnmatch
import json
import os
import re
import sys

# Kernel log reports, by kind; the first pattern that matches a line wins.
REPORTS = [
    ("KASAN", re.compile(r"BUG: KASAN:")),
    ("KFENCE", re.compile(r"BUG: KFENCE:")),
    ("lockdep", re.compile(r"WARNING: (possible .*lock|inconsistent lock state|"
                           r"suspicious RCU usage|bad unlock balance|held lock freed)|"
                           r"BUG: (sleeping function called|scheduling while atomic)|"
                           r"INFO: possible recursive locking|WARNING: kernel/locking/")),
    ("refcount", re.compile(r"refcount_t: ")),
    ("bad page", re.compile(r"BUG: Bad (page state|page map|rss-counter)")),
    ("DEBUG_VM/BUG_ON", re.compile(r"kernel BUG at |VM_BUG_ON|VM_WARN_ON|page dumped because|"
                                   r"WARNING: (mm/|include/linux/(mm|page_ref|huge_mm|"
                                   r"hugetlb|pagemap|mm_inline)\.h:)")),
    ("other warning", re.compile(r"WARNING: |BUG: |UBSAN: ")),
    ("oops/panic", re.compile(r"Oops|general protection fault|Kernel panic")),
]
# Log lines that look like reports and are not: dumps a test asks for.
NOT_A_REPORT = re.compile(r"page dumped because: gup_test: dump_pages\(\) test")
DYNAMIC = re.compile(r"\s*\([^()]*\)\s*$")
# One report is one splat: the lines that match after its first line, up to
# its end marker (or SPLAT_LINES lines), belong to it ("refcount_t:" and the
# WARNING it comes with, "Bad page state" and its page dump, "kernel BUG"
# and its Oops).
SPLAT_END = re.compile(r"---\[ end trace|^=+$|^\s*(?:not )?ok \d+ ")
SPLAT_LINES = 200


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def flatten(group, prefix, out):
    """Test path -> status, from a kunit.py parse JSON group."""
    for tc in group.get("test_cases", []):
        # Guest programs put measured numbers in their names: "x (0 bad)".
        out[prefix + "/" + DYNAMIC.sub("", tc["name"])] = tc["status"]
    for sub in group.get("sub_groups", []):
        flatten(sub, prefix + "/" + sub["name"], out)


def asked_categories(run):
    """The mm selftest categories a run was asked for, or None if it does not say."""
    try:
        with open(os.path.join(run, "guest-mm_selftests.ktap"), errors="replace") as f:
            for line in f:
                if line.startswith("# categories: "):
                    return {"guest/mm_selftests/mm-" + c for c in line.split()[2:]}
    except OSError:
        pass
    return None


def results(run):
    """All test results of one run folder: {path: status}."""
    out = {}
    kunit = load_json(os.path.join(run, "kunit.json"))
    if kunit:
        for g in kunit["sub_groups"]:
            flatten(g, "kunit/" + g["name"], out)
    for fn in sorted(os.listdir(run)):
        if fn.startswith("guest-") and fn.endswith(".json"):
            name = fn[len("guest-"):-len(".json")]
            g = load_json(os.path.join(run, fn))
            if g is None:
                out["guest/" + name] = "NO RESULT"
            else:
                flatten(g, "guest/" + name, out)
    return out


KUNIT_CASE_RESULT = re.compile(r"^\s{4,}(?:not )?ok \d+ (\S+)")
SUBTEST = re.compile(r"^\s*# Subtest: (\S+)")
# The series' KUnit cases that trip a debug check on purpose and count the
# warning with KUnit's suppression (the page dump before it still prints).
PROVOKING = {"page_ref": re.compile(r"^page_ref_test_warns_"),
             "rust_kernel_folio": re.compile(r"^check_")}


def reports(run):
    """Kernel log reports: ({kind: [first lines]}, [provoked lines]).

    A report printed while one of the series' KUnit cases that provoke a
    warning on purpose ran (PROVOKING), and that passed (it counted the
    warning it expected), is set apart as provoked; every other one counts.
    """
    found, provoked, pending, suite = {}, [], [], ""
    try:
        with open(os.path.join(run, "console.log"), errors="backslashreplace") as f:
            lines = f.read().splitlines()
    except OSError:
        return {"no console log": ["(missing)"]}, []
    def count_pending():
        for kind, t in pending:
            found.setdefault(kind, []).append(t)
        pending.clear()

    in_splat = 0
    for raw in lines:
        line = re.sub(r"^\[[ 0-9.]*\] ?", "", raw)
        sm = SUBTEST.match(line)
        if sm:
            suite = sm.group(1)
        m = KUNIT_CASE_RESULT.match(line)
        if m:
            # The reports printed since the previous case result are this case's.
            rx = PROVOKING.get(suite)
            if rx and rx.match(m.group(1)) and not line.lstrip().startswith("not ok"):
                provoked += [f"{m.group(1)}: {t}" for _, t in pending]
                pending.clear()
            else:
                count_pending()
            in_splat = 0
            continue
        if sm or re.match(r"^\s*(?:not )?ok \d+ ", line):
            count_pending()
        if in_splat:
            in_splat -= 1
            if SPLAT_END.search(line):
                in_splat = 0
            continue
        if NOT_A_REPORT.search(line):
            continue
        for kind, rx in REPORTS:
            if rx.search(line):
                pending.append((kind, line.strip()))
                in_splat = SPLAT_LINES
                break
    count_pending()
    return found, provoked


def signature(line):
    """A report line without what changes from boot to boot."""
    line = re.sub(r"\+0x[0-9a-f]+/0x[0-9a-f]+", "", line)
    line = re.sub(r", CPU#\d+: .*$|\s+\[#\d+\].*$", "", line)
    return re.sub(r"0x[0-9a-f]+|\b\d+\b", "N", line).strip()


def suite_of(path):
    parts = path.split("/")
    return "/".join(parts[:3]) if parts[0] == "guest" and parts[1] == "mm_selftests" \
        else "/".join(parts[:2])


def tally(res):
    t = {}
    for path, st in res.items():
        s = t.setdefault(suite_of(path), [0, 0, 0])
        s[0 if st == "PASS" else 2 if st == "SKIP" else 1] += 1
    return t


def boot_line(run):
    try:
        rc, secs, accel, cpus = open(os.path.join(run, "boot.status")).read().split()[:4]
    except (OSError, ValueError):
        return "no boot.status"
    return (f"guest exit {rc} after {secs} s under "
            f"{'TCG' if accel == '--disable-kvm' else 'KVM'}, {cpus} vCPUs")


def load_reasons(path):
    """GLOB<TAB>reason lines; '#' comments and blank lines skipped."""
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if "\t" not in line:
                sys.exit(f"ERROR: {path}:{n}: no tab between the test glob and the reason")
            glob, reason = line.split("\t", 1)
            out.append((glob.strip(), reason.strip()))
    return out


def reason_of(reasons, path):
    for glob, reason in reasons:
        if fnmatch.fnmatchcase(path, glob):
            return reason
    return "no reason recorded"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--series", required=True)
    ap.add_argument("--markdown")
    ap.add_argument("--reasons", help="known failures on both kernels: GLOB<TAB>reason per line")
    a = ap.parse_args()
    reasons = load_reasons(a.reasons) if a.reasons else []
    for run in (a.base, a.series):
        if not os.path.isdir(run):
            print(f"ERROR: no run folder {run}: run scripts/wide/wide.sh run first", file=sys.stderr)
            return 2
    rb, rs = results(a.base), results(a.series)
    tb, ts = tally(rb), tally(rs)
    (wb, pb), (ws, ps) = reports(a.base), reports(a.series)

    md = ["## Per suite (passed / failed / skipped)", "",
          f"base: {boot_line(a.base)}; series: {boot_line(a.series)}", "",
          "| suite | base | series |", "|---|---|---|"]
    for suite in sorted(set(tb) | set(ts)):
        fmt = lambda t: "/".join(map(str, t[suite])) if suite in t else "not run"
        md.append(f"| {suite} | {fmt(tb)} | {fmt(ts)} |")

    new_fail, diffs, both, only, uncompared = [], [], [], {}, {}
    for path in sorted(set(rb) | set(rs)):
        b, s = rb.get(path, "not run"), rs.get(path, "not run")
        suite = suite_of(path)
        if suite.startswith("guest/mm_selftests/") and (suite not in tb or suite not in ts):
            # A selftest category that one of the runs was not asked for
            # (MM_CATEGORIES) is not compared; one that a run was asked for
            # and lost (a guest that died partway) is.
            missing_from = a.base if suite not in tb else a.series
            asked = asked_categories(missing_from)
            if asked is None or suite not in asked:
                uncompared[suite] = uncompared.get(suite, 0) + 1
                continue
        if b == "not run" and s in ("PASS", "SKIP"):
            # The series' own tests: listed per suite above, not one by one.
            only[suite_of(path)] = only.get(suite_of(path), 0) + 1
            continue
        if b == s:
            if b not in ("PASS", "SKIP"):
                both.append((path, b))
            continue
        diffs.append((path, b, s))
        # Anything the series does worse: a failure, a crash, a test it did not run.
        if s not in ("PASS", "SKIP"):
            new_fail.append(path)
    md += ["", "## Differences", ""]
    if uncompared:
        md += ["Not compared (mm selftest categories that only one of the runs included): " +
               ", ".join(f"{k} ({n})" for k, n in sorted(uncompared.items())), ""]
    if only:
        md += ["Tests that exist on the series only, and pass or skip there: " +
               ", ".join(f"{k} ({n})" for k, n in sorted(only.items())), ""]
    if diffs:
        md += ["| test | base | series |", "|---|---|---|"]
        md += [f"| {p} | {b} | {s} |" for p, b, s in diffs]
    else:
        md.append("none")
    md += ["", "## Failing on both kernels", ""]
    md += [f"- {p}: {st}: {reason_of(reasons, p)}" for p, st in both] or ["none"]
    md += ["", "## Kernel log reports", "", "| kind | base | series |", "|---|---|---|"]
    kinds = [k for k, _ in REPORTS] + ["no console log"]
    for kind in kinds:
        if kind in wb or kind in ws:
            md.append(f"| {kind} | {len(wb.get(kind, []))} | {len(ws.get(kind, []))} |")
    if not any(k in wb or k in ws for k in kinds):
        md.append("| any | 0 | 0 |")
    for name, w in (("base", wb), ("series", ws)):
        for kind, lines in w.items():
            md.append(f"\n{name}, {kind}, first: `{lines[0]}`")
    for name, p in (("base", pb), ("series", ps)):
        if p:
            md.append(f"\n{name}: {len(p)} report line(s) provoked on purpose by KUnit cases "
                      f"that count the warning they expect (not counted), first: `{p[0]}`")
    # A report whose signature (its line without addresses, offsets and
    # tasks) the base's log has too is the base's: listed, not counted.
    # Counted: a signature the series' log has more often than the base's.
    base_sigs = {}
    for lines in wb.values():
        for t in lines:
            base_sigs[signature(t)] = base_sigs.get(signature(t), 0) + 1
    own, shared = [], []
    for k, lines in ws.items():
        for t in lines:
            sig = signature(t)
            if base_sigs.get(sig, 0) > 0:
                base_sigs[sig] -= 1
                shared.append((k, t))
            else:
                own.append((k, t))
    if shared:
        md.append("\nReports on both kernels (the base's own, not counted): " +
                  "; ".join(f"{k}: `{t}`" for k, t in shared))
    verdict = []
    if new_fail:
        verdict.append(f"{len(new_fail)} test(s) fail or did not run on the series only")
    if own:
        verdict.append(f"{len(own)} report(s) in the series' kernel log that the base's has not")
    md += ["", "**Verdict:** " + ("; ".join(verdict) if verdict else
                                  "no new failure and no report on the series")]
    text = "\n".join(md) + "\n"
    print(text)
    if a.markdown:
        os.makedirs(os.path.dirname(a.markdown), exist_ok=True)
        with open(a.markdown, "w") as f:
            f.write(text)
    return 1 if verdict else 0


if __name__ == "__main__":
    sys.exit(main())
