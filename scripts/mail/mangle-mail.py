#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mangle one mail the way a broken mailer would, in place, for the negative
cases of scripts/mail/roundtrip.sh. Prints the 1-based line it changed, or
nothing if the mail has no line to mangle.

  mangle-mail.py wrap FILE     wrap the first added diff line longer than
                               72 columns at a space, as a mailer would
  mangle-mail.py latin1 FILE   re-encode 'é' in the first added diff line
                               that has one to Latin-1, leaving the headers
                               saying UTF-8
"""
import sys


def wrap(line):
    if len(line) > 72 and b" " in line[40:72]:
        cut = line.rindex(b" ", 40, 72)
        return [line[:cut], line[cut + 1:]]
    return None


def latin1(line):
    e = "é".encode()
    if e in line:
        return [line.replace(e, "é".encode("latin-1"))]
    return None


def main():
    mode, path = sys.argv[1], sys.argv[2]
    mangle = {"wrap": wrap, "latin1": latin1}[mode]
    lines = open(path, "rb").read().split(b"\n")
    in_diff = False
    for i, line in enumerate(lines):
        if line.startswith(b"diff --git "):
            in_diff = True
        if not in_diff or not line.startswith(b"+") or line.startswith(b"+++"):
            continue
        new = mangle(line)
        if new is not None:
            lines[i:i + 1] = new
            open(path, "wb").write(b"\n".join(lines))
            print(i + 1)
            return


if __name__ == "__main__":
    main()
