#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of the mails of a series, as written or as received (mbox).

  check-mails.py identity "Name <address>" [--assisted-by TEXT] MAIL-OR-MBOX...
      every mail is From: that sender, and every patch's last
      Signed-off-by: is the sender's, with no sign-off of an identity that
      is not real (identity.py) before it (and, with --assisted-by, the
      line before it is "Assisted-by: TEXT"). Prints one line per problem,
      then a summary; exit 1 on any problem.
  check-mails.py base-commit MAIL-OR-MBOX...
      print the base-commit: of the series (empty when there is none).
  check-mails.py prerequisites MAIL-OR-MBOX...
      print the number of prerequisite-patch-id: lines of the series.
  check-mails.py subjects PREFIX VERSION N MAIL-OR-MBOX...
      every subject is "[PREFIX vVERSION m/N] ..." (m = 1..N, the cover
      letter 0) or, for a single patch (N = 1), "[PREFIX vVERSION] ...",
      each m once: what b4 am -v VERSION and patchwork look for.
  check-mails.py recipients DIR ENVELOPES MBOX
      each message of MBOX (found in DIR, a posting's folder, by its
      Message-ID) went to exactly the To: and Cc: that series.sh wrote in
      DIR/recipients: in its headers as received, and on the envelope
      (ENVELOPES, written by smtp-sink.py --envelopes). Prints one line
      per problem and a summary; exit 1 on any problem.
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


def check_identity(sender, paths, assisted_by=None):
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
        if assisted_by:
            lines = message.rstrip("\n").split("\n")
            i = max(k for k, line in enumerate(lines) if SOB.match(line))
            if i == 0 or lines[i - 1] != f"Assisted-by: {assisted_by}":
                problems.append(f"{subject}: no \"Assisted-by: {assisted_by}\" before the sender's sign-off")
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


def prerequisites(paths):
    ids = set()
    for _, msg in messages(paths):
        ids.update(re.findall(r"^prerequisite-patch-id: ([0-9a-f]{40})$", text(msg), re.MULTILINE))
    print(len(ids))
    return 0


def check_subjects(prefix, version, n, paths):
    problems, seen = [], []
    if n == 1:
        want = re.compile(r"^\[" + re.escape(prefix) + r" v" + str(version) + r"\] \S")
    else:
        want = re.compile(r"^\[" + re.escape(prefix) + r" v" + str(version) + r" (\d+)/(\d+)\] \S")
    for _, msg in messages(paths):
        subject = " ".join(str(msg["subject"]).split())
        m = want.match(subject)
        if not m:
            problems.append(f"{subject}: not [{prefix} v{version}{' m/' + str(n) if n > 1 else ''}]")
            continue
        if n > 1:
            k, total = int(m.group(1)), int(m.group(2))
            width = len(m.group(2))
            if total != n or len(m.group(1)) != width:
                problems.append(f"{subject}: numbered {m.group(1)}/{m.group(2)}, the posting has {n} patches")
            seen.append(k)
        else:
            seen.append(1)
    want_seen = list(range(0 if n > 1 else 1, n + 1))
    if sorted(seen) != want_seen:
        problems.append(f"patch numbers {sorted(seen)}, not {want_seen}")
    for p in problems:
        print(p)
    print(f"{len(seen)} subjects, {len(problems)} problems")
    return 1 if problems else 0


def addresses(values):
    return {a.lower() for _, a in email.utils.getaddresses([str(v) for v in values if v]) if a}


def check_recipients(d, envelopes, mbox):
    by_id = {}
    for f in sorted(os.listdir(d)):
        if f.endswith(".patch"):
            with open(os.path.join(d, f), "rb") as fh:
                msg = email.message_from_binary_file(fh, policy=email.policy.default)
            by_id[str(msg["message-id"]).strip()] = f
    want = {}
    with open(os.path.join(d, "recipients"), encoding="utf-8") as fh:
        for line in fh:
            p = line.rstrip("\n").split("\t")
            want.setdefault(p[0], set()).add(email.utils.parseaddr(p[2])[1].lower())
    env = {}
    with open(envelopes, encoding="utf-8") as fh:
        for line in fh:
            mid, _, rcpts = line.rstrip("\n").partition("\t")
            env[mid] = {r.lower() for r in rcpts.split(",") if r}
    problems, n, sizes = [], 0, {}
    for _, msg in messages([mbox]):
        n += 1
        mid = str(msg["message-id"]).strip()
        subject = " ".join(str(msg["subject"]).split())
        f = by_id.get(mid)
        if not f:
            problems.append(f"{subject}: Message-ID {mid} is none of the mails in {d}")
            continue
        got = addresses(msg.get_all("to", []) + msg.get_all("cc", []))
        if got != want[f]:
            problems.append(f"{subject}: headers name {sorted(got - want[f])} more and "
                            f"{sorted(want[f] - got)} fewer than series.sh addressed")
        if env.get(mid) != want[f]:
            e = env.get(mid, set())
            problems.append(f"{subject}: the envelope had {sorted(e - want[f])} more and "
                            f"{sorted(want[f] - e)} fewer than series.sh addressed")
        sizes[f] = len(want[f])
    for p in problems:
        print(p)
    print(f"{n} mails, {len(problems)} problems, recipients per mail: "
          + " ".join(str(sizes[f]) for f in sorted(sizes)))
    return 1 if problems or n == 0 else 0


def main(argv):
    if len(argv) >= 6 and argv[1] == "identity" and argv[3] == "--assisted-by":
        return check_identity(argv[2], argv[5:], argv[4])
    if len(argv) >= 4 and argv[1] == "identity":
        return check_identity(argv[2], argv[3:])
    if len(argv) >= 3 and argv[1] == "base-commit":
        return base_commit(argv[2:])
    if len(argv) >= 3 and argv[1] == "prerequisites":
        return prerequisites(argv[2:])
    if len(argv) >= 6 and argv[1] == "subjects":
        return check_subjects(argv[2], int(argv[3]), int(argv[4]), argv[5:])
    if len(argv) == 5 and argv[1] == "recipients":
        return check_recipients(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
