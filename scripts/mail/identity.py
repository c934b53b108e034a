#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The sender's identity on the mails: whether it is a real one, and the
commit messages as the sender mails them.

  identity.py check NAME EMAIL
      exit 0 for an identity that may sign off and send; else print why not
      (one line) and exit 1.
  identity.py message NAME EMAIL [ASSISTED-BY] <message >message
      the commit message as mailed: Signed-off-by: lines of identities that
      are not real (the project's placeholder, a reserved domain) dropped,
      then "Assisted-by: ASSISTED-BY" (once; Documentation/process/
      coding-assistants.rst) and the sender's own Signed-off-by: last
      (once). Nobody else's sign-off is added.
"""
import re
import sys

# RFC 2606 / RFC 6761 names, and the ones git makes up when it guesses.
RESERVED_TLDS = {"example", "invalid", "test", "localhost", "local", "localdomain",
                 "internal", "lan", "home", "(none)", "none"}
RESERVED_DOMAINS = {"localhost", "example.com", "example.net", "example.org"}
# The placeholder identities of this project: the neutral author of the
# commits in patches/, the base commit, the round trip's throwaway sender.
PLACEHOLDER_NAMES = [re.compile(r"^Seed [0-9a-f]+ maintainers$"), re.compile(r"^Linux base$")]
EMAIL = re.compile(r"^[^@\s<>,;\"]+@([^@\s<>,;\"]+)$")


def why_not(name, email):
    """None for a real identity, else the reason in words."""
    name, email = name.strip(), email.strip()
    if not name:
        return "no name (user.name is not set)"
    if not email:
        return "no address (user.email is not set)"
    if any(c in name for c in "<>@\n"):
        return f"the name {name!r} has <, > or @ in it"
    if any(p.match(name) for p in PLACEHOLDER_NAMES):
        return f"{name!r} is this project's placeholder identity, not a person"
    m = EMAIL.match(email)
    if not m:
        return f"{email!r} is not an e-mail address"
    domain = m.group(1).lower().rstrip(".")
    labels = domain.split(".")
    if "noreply" in email.lower() or "no-reply" in email.lower():
        return f"{email} is a no-reply address: nobody can answer the review there"
    if domain in RESERVED_DOMAINS or len(labels) < 2 or labels[-1] in RESERVED_TLDS or any(
            d in RESERVED_DOMAINS for d in (".".join(labels[i:]) for i in range(len(labels)))):
        return f"{email} has no real domain ({domain} is reserved or local)"
    return None


SOB = re.compile(r"^Signed-off-by:\s*(.*?)\s*<([^<>]*)>\s*$", re.IGNORECASE)


def mailed_message(text, name, email, assisted_by=None):
    lines = text.split("\n")
    sob = f"Signed-off-by: {name} <{email}>"
    assisted = f"Assisted-by: {assisted_by}" if assisted_by else None
    kept = []
    for line in lines:
        m = SOB.match(line)
        if m and why_not(m.group(1), m.group(2)):
            continue
        if line in (sob, assisted):
            continue  # added again below, once, in that order
        kept.append(line)
    body = "\n".join(kept).rstrip("\n")
    paras = body.split("\n\n")
    last = paras[-1].split("\n") if paras else []
    trailer = re.compile(r"^[A-Za-z0-9-]+: \S")
    add = "\n".join(x for x in (assisted, sob) if x)
    if len(paras) > 1 and last and all(trailer.match(x) for x in last):
        body += "\n" + add
    else:
        body += "\n\n" + add
    return body + "\n"


def main(argv):
    if len(argv) == 4 and argv[1] == "check":
        reason = why_not(argv[2], argv[3])
        if reason:
            print(reason)
            return 1
        return 0
    if len(argv) in (4, 5) and argv[1] == "message":
        text = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
        out = mailed_message(text, argv[2], argv[3], argv[4] if len(argv) == 5 else None)
        sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape"))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
