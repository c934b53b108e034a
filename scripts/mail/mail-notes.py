#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the "Notes:" block that git format-patch --notes put under a mail's
"---" line (the per-version changelog), without its indentation."""
import sys

lines = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().split("\n")
try:
    start = lines.index("---")
except ValueError:
    sys.exit(0)
rest = lines[start + 1:]
while rest and rest[0] == "":
    rest = rest[1:]
if not rest or rest[0] != "Notes:":
    sys.exit(0)
out = []
for line in rest[1:]:
    if line.startswith("    "):
        out.append(line[4:])
    elif line == "":
        out.append("")
    else:
        break
print("\n".join(out).strip("\n"))
