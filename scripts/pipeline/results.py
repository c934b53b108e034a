#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one guest run and print the summary table.

The KTAP itself is parsed by the kernel's own tools/testing/kunit/kunit.py
(`kunit.py parse --json`); this script only runs it, reads its JSON, and
adds the checks that are not in the KTAP: expected suites present, guest
programs' exit codes, the kernel log free of warnings, a clean power-off.
Exit status 0 only when everything passed.
"""
import argparse
import json
import os
import re
import subprocess
import sys

# Kernel log lines that fail a run whatever the tests said.
BAD_LOG = re.compile(
    r"WARNING:|BUG:|Oops|KASAN:|UBSAN:|Kernel panic|kernel BUG|"
    r"refcount_t:|Bad page state")
TIMESTAMP = re.compile(r"^\[\s*(\d+\.\d+)\]")


def kunit_parse(linux, src, json_out, text_out):
    """Run kunit.py parse on src; return (json dict or None, exit code)."""
    kunit = os.path.join(linux, "tools/testing/kunit/kunit.py")
    with open(text_out, "w") as out:
        rc = subprocess.call([sys.executable, kunit, "parse", "--json=" + json_out, src],
                             stdout=out, stderr=subprocess.STDOUT)
    try:
        with open(json_out) as f:
            return json.load(f), rc
    except (OSError, ValueError):
        return None, rc


def counts(group):
    m = group["misc"]
    return m["passed"], m["failed"] + m["crashed"] + m["errors"], m["skipped"]


def suite_times(console):
    """Seconds per KUnit suite, from printk timestamps of its first and last line."""
    start, times = {}, {}
    for line in console:
        ts = TIMESTAMP.match(line)
        if not ts:
            continue
        m = re.search(r"\]     # Subtest: (\S+)", line)
        if m:
            start.setdefault(m.group(1), float(ts.group(1)))
        m = re.search(r"\] (?:not )?ok \d+ (\S+)", line)
        if m and m.group(1) in start:
            times[m.group(1)] = float(ts.group(1)) - start[m.group(1)]
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--linux", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--expect", help="file listing suites that must run")
    ap.add_argument("--expect-log", help="file listing lines the guest log must contain")
    ap.add_argument("--config", help="the kernel's .config, for conditional expectations")
    ap.add_argument("--variant", default="")
    ap.add_argument("--skipped", help="guest programs not run on this tree: name<TAB>reason a line")
    a = ap.parse_args()
    run = a.run
    rows, problems = [], []

    console_path = os.path.join(run, "console.log")
    try:
        with open(console_path, errors="backslashreplace") as f:
            console = f.read().splitlines()
    except OSError:
        console = []
        problems.append("no console log: the guest never started")

    status = open(os.path.join(run, "boot.status")).read().split() \
        if os.path.exists(os.path.join(run, "boot.status")) else ["?", "?", "?", "?"]
    rc, elapsed = status[0], status[1]
    if rc in ("124", "137"):
        problems.append(f"the guest timed out after {elapsed}s (see {console_path})")
    elif not os.path.exists(os.path.join(run, "guest.done")):
        problems.append(f"the guest did not finish its test command (vng exit {rc}); "
                        f"it crashed or never booted: read {console_path}")
    elif rc != "0":
        problems.append(f"virtme-ng exited with {rc}: the guest did not power off cleanly")

    # 1. Boot-time KUnit suites, from the console log.
    kjson, krc = kunit_parse(a.linux, console_path, os.path.join(run, "kunit.json"),
                             os.path.join(run, "kunit-parse.txt"))
    times = suite_times(console)
    seen = set()
    if kjson is None:
        problems.append("kunit.py parse produced no result for the kernel log "
                        f"(see {os.path.join(run, 'kunit-parse.txt')})")
    else:
        for g in kjson["sub_groups"] + ([kjson] if kjson["test_cases"] else []):
            p, fl, s = counts(g)
            name = g["name"] if g is not kjson else "(top level)"
            seen.add(name)
            rows.append(("kunit", name, p, fl, s, times.get(name)))
        if krc != 0 and not any(r[3] for r in rows):
            problems.append("kunit.py parse reports a failure in the kernel log "
                            "(an incomplete or malformed KTAP stream): see "
                            + os.path.join(run, "kunit-parse.txt"))

    # 2. Guest programs: one KTAP file each.
    for fn in sorted(os.listdir(run)):
        if not (fn.startswith("guest-") and fn.endswith(".ktap")):
            continue
        name = fn[len("guest-"):-len(".ktap")]
        base = os.path.join(run, "guest-" + name)
        seen.add(name)
        gjson, grc = kunit_parse(a.linux, base + ".ktap", base + ".json", base + ".parse.txt")
        prc = open(base + ".rc").read().strip() if os.path.exists(base + ".rc") else "?"
        t0, t1 = (open(base + ".time").read().split() + ["0", "0"])[:2] \
            if os.path.exists(base + ".time") else ("0", "0")
        if gjson is None:
            rows.append(("guest", name, 0, 1, 0, float(t1) - float(t0)))
            problems.append(f"{name}: no KTAP result (see {base}.parse.txt, {base}.err)")
            continue
        p, fl, s = counts(gjson)
        if prc == "124":
            problems.append(f"{name}: timed out in the guest")
            fl += 1
        elif prc != "0" and fl == 0:
            problems.append(f"{name}: exited with {prc} although its KTAP shows no failure "
                            f"(stderr: {base}.err)")
            fl += 1
        elif grc != 0 and fl == 0:
            problems.append(f"{name}: kunit.py parse reports an incomplete KTAP stream "
                            f"(see {base}.parse.txt)")
            fl += 1
        rows.append(("guest", name, p, fl, s, float(t1) - float(t0)))

    # 2b. Guest programs that this tree cannot run (their Requires:), skipped.
    skipped_notes = []
    if a.skipped and os.path.exists(a.skipped):
        for line in open(a.skipped):
            name, _, why = line.rstrip("\n").partition("\t")
            if name and name not in seen:
                rows.append(("guest", name, 0, 0, 1, None))
                skipped_notes.append(f"SKIPPED: {name}: {why}")

    # 3. Suites that must have run.
    config = set()
    if a.config and os.path.exists(a.config):
        config = {l.strip() for l in open(a.config) if l.strip().endswith("=y")}
    if a.expect and os.path.exists(a.expect):
        for line in open(a.expect):
            words = line.split("#")[0].split()
            if not words:
                continue
            name, needs = words[0], words[1:]
            if any(opt + "=y" not in config for opt in needs):
                continue
            if name not in seen:
                problems.append(f"expected suite {name} did not run")
                rows.append(("missing", name, 0, 1, 0, None))

    # 3b. Lines the log must contain: "CONFIG_X|- name regex", one a line.
    if a.expect_log and os.path.exists(a.expect_log):
        for line in open(a.expect_log):
            words = line.split("#")[0].split(None, 2)
            if not words:
                continue
            if len(words) < 3:
                problems.append(f"{a.expect_log}: malformed line: {line.strip()}")
                continue
            needs, name, regex = words[0], words[1], words[2].strip()
            if needs != "-" and needs + "=y" not in config:
                continue
            found = any(re.search(regex, l) for l in console)
            rows.append(("log", name, 1 if found else 0, 0 if found else 1, 0, None))
            if not found:
                problems.append(f"expected log line {name} ({regex}) is not in the guest log")

    # 4. The kernel log must be clean.
    bad = [l for l in console if BAD_LOG.search(l)]
    if bad:
        problems.append(f"{len(bad)} warning/bug line(s) in the guest log, first: "
                        + bad[0].strip())

    # Table.
    print(f"\n{'kind':<8} {'suite':<36} {'pass':>6} {'fail':>5} {'skip':>5} {'time':>8}")
    print("-" * 72)
    for kind, name, p, fl, s, t in rows:
        ts = f"{t:7.1f}s" if t is not None else "      -"
        mark = "  <-- FAILED" if fl else ""
        print(f"{kind:<8} {name:<36} {p:>6} {fl:>5} {s:>5} {ts}{mark}")
    print("-" * 72)
    tp = sum(r[2] for r in rows)
    tf = sum(r[3] for r in rows)
    ts = sum(r[4] for r in rows)
    accel = status[2] if len(status) > 2 else "?"
    print(f"variant {a.variant}: boot+tests {elapsed}s under "
          f"{'TCG' if accel == '--disable-kvm' else 'KVM'}, {status[3] if len(status) > 3 else '?'} vCPUs; "
          f"full guest log: {console_path}")
    for note in skipped_notes:
        print(note)
    for pr in problems:
        print("PROBLEM: " + pr)
    if problems and tf == 0:
        tf = len(problems)
    print(f"{tp} passed, {tf} failed, {ts} skipped")
    return 1 if (tf or problems) else 0


if __name__ == "__main__":
    sys.exit(main())
