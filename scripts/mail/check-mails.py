#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of the mails of a series, as written or as received (mbox).

  check-mails.py identity "Name <address>" MAIL-OR-MBOX...
      every mail is From: that sender, and every patch's last
      Signed-off-by: is the sender's, with no sign-off of an identity that
      is not real (identity.py) before it. Prints one line per problem,
      then a summary; exit 1 on any problem.
  check-mails.py base-commit MAIL-OR-MBOX...
      print the base-commit: of the series (empty when there is none).
"""
import email
import importlib.util
import email.policy
import email.utils
import mailbox
import os
import re
import sys

# identity.py's rules, so that both say the same about a sign-off.
_spec = importlib.util.spec_from_file_location(
    "identity", os.path.join(os.path.dirname(os.path.abspath(__file__)), "identity.py"))
identity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(identity)


def messages(paths):
    for path in paths:
        with open(path, "rb") as f:
            head = f.read(5)
        if head == b"From " and path.endswith(".mbox"):
            box = mailbox.mbox(path, factory=None, create=False)
            for key in box.iterkeys():
                raw = box.get_bytes(key)
                yield path, email.message_from_bytes(raw, policy=email.policy.default)
        else:
            with open(path, "rb") as f:
                yield path, email.message_from_binary_file(f, policy=email.policy.default)


def text(msg):
    part = msg.get_body(preferencelist=("plain",)) or msg
    payload = part.get_payload(decode=True) or b""
    return payload.decode(part.get_content_charset() or "utf-8", "replace")


def is_patch(msg):
    m = re.search(r"\[PATCH[^\]]*?(\d+)/(\d+)\]", " ".join(str(msg["subject"]).split()))
    return m is None or int(m.group(1)) > 0


SOB = re.compile(r"^Signed-off-by:\s*(.*?)\s*<([^<>]*)>\s*$")


def check_identity(sender, paths):
    want_name, want_addr = email.utils.parseaddr(sender)
    problems, n = [], 0
    for path, msg in messages(paths):
        n += 1
        subject = " ".join(str(msg["subject"]).split())
        name, addr = email.utils.parseaddr(str(msg["from"]))
        if (name, addr.lower()) != (want_name, want_addr.lower()):
            problems.append(f"{subject}: From: is {name} <{addr}>, not {sender}")
        if not is_patch(msg):
            continue
        message = text(msg).split("\n---\n", 1)[0]
        sobs = [SOB.match(line) for line in message.split("\n")]
        sobs = [m for m in sobs if m]
        if not sobs:
            problems.append(f"{subject}: no Signed-off-by:")
            continue
        last = sobs[-1]
        if (last.group(1), last.group(2).lower()) != (want_name, want_addr.lower()):
            problems.append(f"{subject}: the last Signed-off-by: is {last.group(1)} <{last.group(2)}>")
        for m in sobs:
            why = identity.why_not(m.group(1), m.group(2))
            if why:
                problems.append(f"{subject}: Signed-off-by: {m.group(1)} <{m.group(2)}>: {why}")
    for p in problems:
        print(p)
    print(f"{n} mails, {len(problems)} problems")
    return 1 if problems or n == 0 else 0


def base_commit(paths):
    for _, msg in messages(paths):
        m = re.search(r"^base-commit: ([0-9a-f]{40})$", text(msg), re.MULTILINE)
        if m:
            print(m.group(1))
            return 0
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "identity":
        return check_identity(argv[2], argv[3:])
    if len(argv) >= 3 and argv[1] == "base-commit":
        return base_commit(argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
