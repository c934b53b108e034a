#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Diff coverage of the series: which of its changed lines ran in a guest run.

Inputs: the kernel tree (its base..pageref diff gives the changed lines),
the build folder of the profiled kernel (its .gcno notes, written by the
compiler for the objects scripts/wide/wide.sh profiles with GCOV_PROFILE_<obj>=y)
and the .gcda counters that the guest copied out of /sys/kernel/debug/gcov
at the end of the run (scripts/pipeline/guest-run.sh, GCOV_OUT); --gcda may be given
more than once, for runs of the same build (a full run and a partial rerun
with RUN_TAG): a line ran if it ran in any of them.

For each profiled object, LLVM's gcov (llvm-cov gcov) turns its counters
into line counts for every source file the object compiled, headers
included; a changed line counts as executable if any object has code for it
and as run if any object ran it. Lines that no profiled object compiled
(a driver this config does not build, Rust) are listed apart, by file.
The test's own file (mm/tests/page_ref_kunit.c) is not part of the figure.

Prints a Markdown report (--markdown writes it too); exit status 0.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
COMMENT_LINE = re.compile(r"^\*(/|\s|$)")
EXCLUDE = re.compile(r"^(mm/tests/|tools/|Documentation/|samples/|rust/kernel/)")


def changed_lines(linux, base, head):
    """{path: {line: text}} of the lines the series adds or changes (C only)."""
    diff = subprocess.run(["git", "-C", linux, "diff", "-U0", "--no-color", "--no-ext-diff",
                           "--src-prefix=a/", "--dst-prefix=b/", f"{base}..{head}",
                           "--", "*.c", "*.h"], check=True, capture_output=True,
                          text=True).stdout
    out, path, line, in_hunk, in_comment = {}, None, 0, False, False
    for l in diff.splitlines():
        m = HUNK.match(l)
        if m:
            line, in_hunk, in_comment = int(m.group(1)), True, False
            continue
        if l.startswith("diff --git "):
            in_hunk = False
            continue
        if not in_hunk:
            if l.startswith("+++ "):
                path = l[6:] if l.startswith("+++ b/") else None
                if path and EXCLUDE.match(path):
                    path = None
            continue
        if not l.startswith("+"):
            continue
        text = l[1:]
        code = text.strip()
        # Comments are not code whatever gcov says; a "*" that starts a
        # statement (a dereference) is code.
        if in_comment:
            if "*/" in code:
                in_comment = False
            code = ""
        elif code.startswith("/*"):
            in_comment = "*/" not in code
            code = ""
        elif code.startswith("//") or COMMENT_LINE.match(code):
            code = ""
        if path and code:
            out.setdefault(path, {})[line] = text
        line += 1
    return out


def gcov_counts(llvm_cov, build, gcda_roots, linux):
    """({source path relative to the tree: {line: count}}, objects, objects run).

    Every profiled object is read, run or not: one whose counters did not
    come back (a module never loaded) counts as compiled and never run.
    """
    counts = {}
    gcnos = []
    for dirpath, _, files in os.walk(build):
        gcnos += [os.path.join(dirpath, f) for f in files if f.endswith(".gcno")]
    if not gcnos:
        raise SystemExit(f"ERROR: no .gcno file in {build}: the kernel was not built "
                         "with gcov profiling (scripts/wide/wide.sh build series)")
    if shutil.which(llvm_cov) is None:
        raise SystemExit(f"ERROR: {llvm_cov} is not installed: run scripts/pipeline/setup.sh")
    work = tempfile.mkdtemp(prefix="wide-gcov.")
    ran = 0
    try:
        for gcno in sorted(gcnos):
            stem = gcno[:-len(".gcno")]
            # The guest's copy mirrors debugfs: <gcda_root>/<absolute build path>.gcda.
            gcdas = [g for g in (os.path.join(r, stem.lstrip("/") + ".gcda") for r in gcda_roots)
                     if os.path.exists(g)]
            ran += bool(gcdas)
            # Once per run that has counters for the object, or once without
            # any (compiled, never ran); read_gcov() keeps each line's maximum.
            for gcda in gcdas or [None]:
                if os.path.exists(stem + ".gcda"):
                    os.unlink(stem + ".gcda")
                if gcda:
                    shutil.copyfile(gcda, stem + ".gcda")
                for f in os.listdir(work):
                    os.unlink(os.path.join(work, f))
                r = subprocess.run([llvm_cov, "gcov", "-p", "-o", gcno, stem + ".c"],
                                   cwd=work, capture_output=True, text=True)
                if r.returncode != 0 or "mismatch" in r.stderr.lower():
                    raise SystemExit(f"ERROR: {llvm_cov} gcov failed on {gcno} (rebuilt since "
                                     f"the run?): {r.stderr.strip()[:300]}")
                for f in os.listdir(work):
                    if f.endswith(".gcov"):
                        read_gcov(os.path.join(work, f), linux, counts)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return counts, len(gcnos), ran


def read_gcov(path, linux, counts):
    src, lines = None, {}
    with open(path, errors="replace") as f:
        for l in f:
            parts = l.split(":", 2)
            if len(parts) < 3:
                continue
            c, n = parts[0].strip(), parts[1].strip()
            if n == "0":
                if parts[2].startswith("Source:"):
                    src = parts[2][len("Source:"):].strip()
                continue
            if not n.isdigit():
                continue
            if c == "-":
                continue
            c = c.rstrip("*")
            lines[int(n)] = 0 if c in ("#####", "=====") else int(c) if c.isdigit() else 0
    if not src:
        return
    src = os.path.realpath(src if os.path.isabs(src) else os.path.join(linux, src))
    rel = os.path.relpath(src, os.path.realpath(linux))
    if rel.startswith(".."):
        return
    d = counts.setdefault(rel, {})
    for n, c in lines.items():
        d[n] = max(d.get(n, 0), c)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--linux", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--gcda", required=True, action="append",
                    help="the guest's copy of /sys/kernel/debug/gcov (repeatable)")
    ap.add_argument("--base", default="base")
    ap.add_argument("--head", default="pageref")
    ap.add_argument("--llvm-cov", default="llvm-cov-19")
    ap.add_argument("--markdown")
    a = ap.parse_args()
    for g in a.gcda:
        if not os.path.isdir(g):
            print(f"ERROR: no gcov data in {g}: run scripts/wide/wide.sh run series first",
                  file=sys.stderr)
            return 2
    changed = changed_lines(a.linux, a.base, a.head)
    counts, nobj, nran = gcov_counts(a.llvm_cov, os.path.realpath(a.build), a.gcda, a.linux)
    execd, ran, unreached, not_compiled = 0, 0, [], {}
    for path in sorted(changed):
        cov = counts.get(path)
        if cov is None:
            not_compiled[path] = len(changed[path])
            continue
        for n in sorted(changed[path]):
            if n not in cov:
                continue
            execd += 1
            if cov[n] > 0:
                ran += 1
            else:
                unreached.append((path, n, changed[path][n].strip()))
    share = 100.0 * ran / execd if execd else 0.0
    md = [f"Changed executable lines that ran: **{ran} of {execd} ({share:.1f}%)**, "
          f"from {nobj} profiled objects ({nran} of them ran: the others are modules "
          "never loaded, or namesakes this config does not run).", "",
          "Changed lines in files that no profiled object compiled "
          "(not in the figure):", ""]
    md += [f"- {p}: {n} line(s)" for p, n in sorted(not_compiled.items())] or ["- none"]
    md += ["", "Changed executable lines that never ran:", ""]
    md += [f"- {p}:{n}: `{t}`" for p, n, t in unreached] or ["- none"]
    text = "\n".join(md) + "\n"
    print(text)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
