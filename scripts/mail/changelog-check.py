#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the commit messages of patch mails stand alone.

A commit message ends up in git on its own, without the cover letter
and without the other patches of the posting around it.  This script
reads each patch mail given on the command line (by default the files
listed in patches/series of this repository, relative to patches/),
takes its commit message (the body after the mail headers, up to the
first line that is exactly "---"), and reports every reference to
another patch by number or position, to the series as a whole, to the
cover letter, or to a repository of ours, e.g.:

    the next patch, the previous patch(es), a later patch, patch 5,
    patches 3-4, 5/23, this series, earlier in this series,
    the cover letter, the model that accompanies the series,
    our repository

It also reports a paragraph of the changelog under "---" that comes
twice (git notes concatenates a commit's old note onto its new one when
a rebase rewrites it after the note was set).

Matching is case-insensitive and works across line breaks.  A phrase
that names a patch by its content ("the patch that added X") is fine.
Each finding is printed as FILE:LINE: TEXT, and the exit status is 1
if there was any finding, 0 otherwise (2 on a usage or read error).

--self-test runs the checks on built-in good and bad examples and
fails if one of them is misjudged.
"""

import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATCH_DIR = os.path.join(ROOT, "patches")
SERIES_FILE = os.path.join(PATCH_DIR, "series")

_POS = (r"(?:next|previous|prior|preceding|following|later|earlier|"
        r"subsequent|upcoming|last|first|second|third|other|"
        r"follow-?up|follow-?on|final)")
_PATCH = r"(?:patch(?:es)?|patch-?set|commits?)"

# (description, regex).  Spaces in a phrase match any run of white space,
# so that a phrase broken over two lines is still found.
CHECKS = [
    ("reference to a patch by position",
     r"\b(?:the|a|an|this|that|its|our)\s+" + _POS + r"\s+" + _PATCH +
     r"\b"),
    ("reference to a patch by position",
     r"\b(?:later|earlier|previous|next|following|preceding)\s+"
     r"patch(?:es)?\b"),
    ("reference to a patch by position",
     r"\bpatch(?:es)?\s+(?:after|before)\s+(?:the|this|that)\b"),
    ("reference to a patch by position",
     r"\b(?:in|from|by|with)\s+the\s+(?:next|previous|preceding)\s+one\b"),
    ("reference to a patch by number",
     r"\bpatch(?:es)?\s*#?\s*\d+"),
    ("reference to a patch by number",
     r"(?<![\w./^-])\d{1,3}/\d{1,3}(?![\w/^.-]|\.\d)"),
    ("reference to the series",
     r"\b(?:this|the|our|whole|rest\s+of\s+the)\s+"
     r"(?:patch[\s-]?series|patch[\s-]?set|patchset|series)\b(?!\s+of\b)"),
    ("reference to the series",
     r"\bseries'"),
    ("reference to the series",
     r"\b(?:earlier|later|above|below|elsewhere)\s+in\s+(?:this|the)\s+"
     r"(?:series|set|patchset|thread)\b"),
    ("reference to the cover letter",
     r"\bcover[\s-]*(?:letter|mail|note)s?\b"),
    ("reference to a repository of ours",
     r"\b(?:our|the\s+project(?:'s)?)\s+(?:git\s+)?"
     r"(?:repo|repository|repositories|tree|branch)\b"),
    ("reference to material that accompanies the posting",
     r"\baccompan(?:y|ies|ying)\s+(?:the|this)\s+(?:series|patch|posting)"),
]

_COMPILED = [(what, re.compile(rx, re.IGNORECASE)) for what, rx in CHECKS]
_URL = re.compile(r"\b(?:https?|ftp|git)://\S+|<[^>\s]+@[^>\s]+>|"
                  r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


_HEADER = re.compile(r"^(?:From|Subject|Date|To|Cc|Message-I[Dd]|In-Reply-To|"
                     r"References|MIME-Version|Content-[\w-]+|X-[\w-]+):",
                     re.IGNORECASE)


def commit_message(lines):
    """Return [(line number, text)] of the commit message of a mail.

    The message is the body after the headers (the first empty line
    ends them) up to the first line that is exactly "---".  A file that
    does not start with a mail header ("From " or a header such as
    "Subject:") is taken as a bare commit message.
    """
    start = 0
    if lines and (lines[0].startswith("From ") or
                  _HEADER.match(lines[0])):
        for i, line in enumerate(lines):
            if line == "":
                start = i + 1
                break
        else:
            return []
    out = []
    for i in range(start, len(lines)):
        if lines[i] == "---":
            break
        out.append((i + 1, lines[i]))
    return out


def check_message(msg):
    """Return [(line number, description, text)] for one message."""
    text_parts = []
    starts = []
    pos = 0
    for lineno, line in msg:
        # Hide addresses and URLs, keeping offsets.
        line = _URL.sub(lambda m: " " * len(m.group(0)), line)
        starts.append((pos, lineno))
        text_parts.append(line)
        pos += len(line) + 1
    text = "\n".join(text_parts)

    def line_of(off):
        found = starts[0][1] if starts else 0
        for s, ln in starts:
            if s > off:
                break
            found = ln
        return found

    findings = []
    seen = set()
    for what, rx in _COMPILED:
        for m in rx.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in seen):
                continue
            seen.add((m.start(), m.end()))
            snippet = re.sub(r"\s+", " ", m.group(0))
            findings.append((line_of(m.start()), what, snippet))
    findings.sort()
    return findings


def changelog(lines):
    """Return [(line number, text)] of the changelog under "---".

    It runs from the line after the first "---" to the diffstat (the
    first line that reads " path | N ...") or the diff, whichever comes
    first.
    """
    out = []
    try:
        start = lines.index("---") + 1
    except ValueError:
        return out
    for i in range(start, len(lines)):
        if _DIFFSTAT.match(lines[i]) or lines[i].startswith("diff --git "):
            break
        out.append((i + 1, lines[i]))
    return out


_DIFFSTAT = re.compile(r"^ \S.* \| +(?:\d+|Bin)")


def check_changelog(log):
    """Find a paragraph of the changelog that comes twice: a note that
    was appended to itself (git notes concatenates on a rewrite)."""
    findings, seen, para = [], {}, []

    def close():
        text = " ".join(t.strip() for _, t in para)
        if text.count(" ") >= 5:
            if text in seen:
                findings.append((para[0][0], "changelog paragraph repeated "
                                 "(first on line %d)" % seen[text],
                                 text[:60]))
            else:
                seen[text] = para[0][0]

    for ln, text in log + [(0, "")]:
        if text.strip() == "Notes:":
            text = ""
        if text.strip():
            para.append((ln, text))
        elif para:
            close()
            para = []
    return findings


def check_file(path):
    """Check one mail; print findings; return how many there were."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    msg = commit_message(lines)
    log = changelog(lines)
    by_line = {ln: text for ln, text in msg + log}
    findings = check_message(msg) + check_changelog(log)
    for lineno, what, snippet in findings:
        print("%s:%d: %s: \"%s\"" % (path, lineno, what, snippet))
        print("    %s" % by_line.get(lineno, "").strip())
    return len(findings)


def default_files():
    with open(SERIES_FILE, encoding="utf-8") as f:
        names = [l.strip() for l in f
                 if l.strip() and not l.lstrip().startswith("#")]
    return [os.path.join(PATCH_DIR, n) for n in names]


_BAD = [
    "The next patch replaces the loop with a single atomic add.",
    "Since the previous patch that state is the frozen bit.",
    "as the previous patches did",
    "A later patch of the series removes that in the common case.",
    "a warning from patch 5 on",
    "answered in patches 3-4",
    "[PATCH 3/23] is the one",
    "a one-time warning (warn_on_once!, previous patch), and then",
    "That cost was asked about on\nevery version of this series.",
    "four work items on system_dfl_wq (earlier in this series)",
    "Numbers are in the cover letter.",
    "The executable model of the protocol that accompanies the series\n"
    "finds it.",
    "Commands are in our repository.",
    "The CONFIG_DEBUG_VM check comes in the patch after the next.",
    "the next\npatch lets the get succeed",
    "a misuse that the series' checks report",
    "This patch comes first so that no commit of the patch set has it.",
]

_GOOD = [
    "Once the speculative get becomes a single atomic add, it succeeds\n"
    "on the transient zero.",
    "the frozen bit (PAGEREF_FROZEN_BIT) replaces the zero state",
    "The patch that added page_ref_sub_and_freeze() closed the window.",
    "it fails on the previous refill and passes with this one",
    "Fixes: 622026e87c40 (\"mm/hugetlb: remove fake head pages\")",
    "Link: https://lore.kernel.org/r/20231018122518.128049-1-x@y.com",
    "a count of 2^30, 0x80000001, x86/32 and x0.99-1.04",
    "The single add is the core of Gladyshev Ilya's and Gorbunov\n"
    "Ivan's series, from the RFC on.",
    "The Owned/RefCounted rework of ARef is not in this tree.",
    "Demotion makes struct pages 512, 1024, ... heads of 2 MB folios.",
    "a series of events",
]

_MAIL = """From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: A U Thor
 <author@example.org>
Subject: [PATCH 2/3] mm: do a thing

Body line one.
The previous patch did it.
---
 patch 4/5 in the diffstat is ignored
"""


def self_test():
    bad = 0
    for ex in _BAD:
        msg = list(enumerate(ex.split("\n"), 1))
        if not check_message(msg):
            print("self-test: missed a reference in: %r" % ex)
            bad += 1
    for ex in _GOOD:
        msg = list(enumerate(ex.split("\n"), 1))
        found = check_message(msg)
        if found:
            print("self-test: false positive %r in: %r" % (found, ex))
            bad += 1
    msg = commit_message(_MAIL.split("\n"))
    found = check_message(msg)
    if [f[0] for f in found] != [7]:
        print("self-test: mail parsing gave %r, want one finding on "
              "line 7" % (found,))
        bad += 1
    twice = ("---\n\nNotes:\n    v8: one two three four five six.\n    \n"
             "    v7: seven.\n    \n    v8: one two three four five six.\n"
             "\n mm/x.c | 2 +-\n")
    once = twice.replace("    v8: one two three four five six.\n\n", "\n")
    if [f[0] for f in check_changelog(changelog(twice.split("\n")))] != [8]:
        print("self-test: a changelog paragraph given twice was not found")
        bad += 1
    if check_changelog(changelog(once.split("\n"))):
        print("self-test: a changelog with no repeated paragraph was flagged")
        bad += 1
    total = len(_BAD) + len(_GOOD) + 3
    if bad:
        print("self-test: %d of %d cases misjudged" % (bad, total))
        return 1
    print("self-test: %d cases passed" % total)
    return 0


def main():
    ap = argparse.ArgumentParser(
        description="Fail on commit messages that refer to other patches "
        "by number or position, to the series or to the cover letter.")
    ap.add_argument("--self-test", action="store_true",
                    help="check built-in good and bad examples")
    ap.add_argument("files", nargs="*",
                    help="patch mails (default: %s)" % SERIES_FILE)
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    try:
        files = args.files or default_files()
        total = 0
        for path in files:
            total += check_file(path)
    except OSError as e:
        print("changelog-check: %s" % e, file=sys.stderr)
        return 2
    if total:
        print("changelog-check: %d finding(s) in %d file(s): references "
              "to other patches, repeated changelog paragraphs"
              % (total, len(files)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
