#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The postings of the series: which commit goes to which thread, and who
gets each mail. patches/postings/postings.conf says it (its header explains
the keys); Documentation/submitting.md, "Routing", says why.

  postings.py plan CONF COMMITS
      COMMITS: one line per commit of the series, in order,
      "SHA<TAB>SUBJECT<TAB>FILE FILE ...". Checks the configuration and
      the routing, and prints the plan:
        posting<TAB>NAME<TAB>PREFIX<TAB>DEPS<TAB>COVER<TAB>NOTE
        commit<TAB>NAME<TAB>SHA
      postings in file order, DEPS every posting to apply first (transitive,
      in file order, space-separated; "-" for none), COVER and NOTE
      absolute paths or "-".
      Exit 1 with the reason on a commit that no posting takes, a posting
      that gets none, an unknown or later dependency, a missing template.
  postings.py gm-input LIST
      for each line "MAIL<TAB>OUT" of LIST, write to OUT the mail as
      get_maintainer.pl should read it: the subject, the trailers and the
      diff, without the prose of the changelog and the notes, so that a
      word there (a keyword of MAINTAINERS) adds nobody.
  postings.py address CONF NAME DIR GMDIR VERSION
      write To: and Cc: into the mails of posting NAME in DIR: To: the
      posting's "to"; Cc: what get_maintainer.pl said for that patch
      (GMDIR/MAIL.gm), the [cc] rules that match it, the Cc: trailers of
      its message; the cover letter to all of its patches' recipients.
      Writes DIR/recipients (MAIL<TAB>to|cc<TAB>ADDRESS) and
      DIR/unaddressed; exit 1 when a To: is named by nothing or the
      posting breaks netdev's limit.
  postings.py message-ids DIR NAME VERSION DOMAIN
      give every mail of DIR a Message-ID, and the patches In-Reply-To and
      References: the first mail (shallow threading, as git format-patch
      --thread does), so that one git send-email per posting keeps it one
      thread and a cover letter can name another posting before it is sent.
  postings.py fill DIR NAME CONF VERSION BASEFILE RESULTSFILE ROUTINGFILE
      the cover letter (or the single patch's note) of posting NAME: the
      template's subject and body, @BASE@, @RESULTS@ and @ROUTING@; prints
      "complete" or what is left (a placeholder, a patch number "m/n" that
      does not match the posting's n).
  postings.py routing CONF PLAN SERIESDIR NAME VERSION SENT
      the text that replaces @ROUTING@: the postings NAME depends on and
      those that depend on it, each by subject and Message-ID (SENT: a file
      of "NAME MESSAGE-ID" lines of postings already sent, whose sent
      Message-ID is used instead).
"""
import configparser
import email
import email.policy
import email.utils
import fnmatch
import os
import re
import sys
import textwrap

KEYS = {
    "series": {"assisted-by", "netdev-max-patches"},
    "posting": {"subjects", "prefix", "to", "depends", "cover", "note"},
    "cc": {"files", "diff", "subjects", "cc", "unaddressed", "reason"},
}
NETDEV = "netdev@vger.kernel.org"


class ConfError(Exception):
    pass


def lines(value):
    return [x.strip() for x in (value or "").split("\n") if x.strip()]


class Conf:
    def __init__(self, path):
        self.path = path
        self.dir = os.path.dirname(os.path.abspath(path))
        cp = configparser.ConfigParser(interpolation=None, default_section="__none__")
        cp.optionxform = str
        try:
            with open(path, encoding="utf-8") as f:
                cp.read_file(f)
        except (OSError, configparser.Error) as e:
            raise ConfError(f"{path}: {e}")
        self.series = {}
        self.postings = []  # (name, dict)
        self.rules = []  # (name, dict)
        for sect in cp.sections():
            kind, _, name = sect.partition(" ")
            if kind not in KEYS or (kind != "series" and not name.strip()):
                raise ConfError(f"{path}: unknown section [{sect}]: use [series], [posting NAME] or [cc NAME]")
            vals = dict(cp[sect])
            unknown = set(vals) - KEYS[kind]
            if unknown:
                raise ConfError(f"{path}: [{sect}]: unknown key(s) {', '.join(sorted(unknown))}; "
                                f"known: {', '.join(sorted(KEYS[kind]))}")
            if kind == "series":
                self.series = vals
            elif kind == "posting":
                self.postings.append((name.strip(), vals))
            else:
                self.rules.append((name.strip(), vals))
        names = [n for n, _ in self.postings]
        if not names:
            raise ConfError(f"{path}: no [posting NAME] section")
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ConfError(f"{path}: posting(s) named twice: {', '.join(sorted(dup))}")
        for name, vals in self.postings:
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
                raise ConfError(f"{path}: [posting {name}]: a name is lower case letters, digits and '-'")
            for key in ("subjects", "prefix", "to"):
                if not lines(vals.get(key)):
                    raise ConfError(f"{path}: [posting {name}] has no {key} =")
            if not re.fullmatch(r"PATCH( [A-Za-z0-9._-]+)*", vals["prefix"].strip()):
                raise ConfError(f"{path}: [posting {name}]: prefix = {vals['prefix']!r}: "
                                "\"PATCH\" and tree tags, without the version (make series adds vN)")
            vals["_re"] = []
            for s in lines(vals["subjects"]):
                try:
                    vals["_re"].append(re.compile(s))
                except re.error as e:
                    raise ConfError(f"{path}: [posting {name}]: subjects = {s!r}: {e}")
            for dep in vals.get("depends", "").split():
                if dep not in names:
                    raise ConfError(f"{path}: [posting {name}] depends on {dep!r}, which is no posting")
                if names.index(dep) >= names.index(name):
                    raise ConfError(f"{path}: [posting {name}] depends on {dep!r}, which comes after it: "
                                    "list a posting after those it depends on")
            for key in ("cover", "note"):
                if vals.get(key):
                    p = os.path.normpath(os.path.join(self.dir, vals[key].strip()))
                    if not os.path.isfile(p):
                        raise ConfError(f"{path}: [posting {name}]: {key} = {vals[key]}: no such file ({p})")
                    vals["_" + key] = p
        for name, vals in self.rules:
            if not vals.get("reason", "").strip():
                raise ConfError(f"{path}: [cc {name}] has no reason =")
            if not (lines(vals.get("cc")) or lines(vals.get("unaddressed"))):
                raise ConfError(f"{path}: [cc {name}] names nobody (cc = or unaddressed =)")
            if not (vals.get("files") or vals.get("diff") or vals.get("subjects")):
                raise ConfError(f"{path}: [cc {name}] matches nothing (files =, diff = or subjects =)")
            try:
                vals["_diff"] = re.compile(vals["diff"].strip()) if vals.get("diff") else None
                vals["_subjects"] = [re.compile(s) for s in lines(vals.get("subjects"))]
            except re.error as e:
                raise ConfError(f"{path}: [cc {name}]: {e}")
            for who in lines(vals.get("cc")):
                if not email.utils.parseaddr(who)[1]:
                    raise ConfError(f"{path}: [cc {name}]: {who!r} is no address")

    def posting(self, name):
        for n, vals in self.postings:
            if n == name:
                return vals
        raise ConfError(f"{self.path}: no posting {name!r}")

    def deps(self, name):
        """Every posting to apply before NAME, transitively, in file order."""
        want, todo = set(), list(self.posting(name).get("depends", "").split())
        while todo:
            d = todo.pop()
            if d not in want:
                want.add(d)
                todo.extend(self.posting(d).get("depends", "").split())
        return [n for n, _ in self.postings if n in want]


def die(msg, *more):
    print(f"postings.py: {msg}", file=sys.stderr)
    for m in more:
        print(f"    {m}", file=sys.stderr)
    sys.exit(1)


def plan(conf_path, commits_path):
    conf = Conf(conf_path)
    commits = []
    with open(commits_path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                sha, subject, files = (line.split("\t") + ["", ""])[:3]
                commits.append((sha, subject, files.split()))
    got = {n: [] for n, _ in conf.postings}
    unrouted = []
    for sha, subject, files in commits:
        for name, vals in conf.postings:
            if any(r.match(subject) for r in vals["_re"]):
                got[name].append(sha)
                break
        else:
            unrouted.append(f"{sha[:12]} \"{subject}\" (touches {' '.join(files) or 'nothing'})")
    if unrouted:
        die(f"{len(unrouted)} commit(s) of the series go to no posting of {conf_path}:", *unrouted,
            "Add a subjects = expression to the posting that should take each one "
            "(Documentation/submitting.md, \"Routing\").")
    empty = [n for n, shas in got.items() if not shas]
    if empty:
        die(f"posting(s) with no patch: {', '.join(empty)}.",
            "Each [posting] of the configuration must take at least one commit of the series:",
            "fix its subjects = or remove the posting.")
    for name, vals in conf.postings:
        if len(got[name]) > 1 and not vals.get("_cover"):
            die(f"[posting {name}] has {len(got[name])} patches but no cover = template.")
        print("\t".join(["posting", name, vals["prefix"].strip(), " ".join(conf.deps(name)) or "-",
                         vals.get("_cover", "-"), vals.get("_note", "-")]))
        for sha in got[name]:
            print(f"commit\t{name}\t{sha}")
    return 0


def read_mail(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "surrogateescape")


def split_mail(text):
    """(headers, body) of a mail file as git format-patch writes it."""
    head, _, body = text.partition("\n\n")
    return head, body


def subject_of(head):
    m = re.search(r"^Subject: (.*(?:\n[ \t].*)*)", head, re.MULTILINE)
    return " ".join(m.group(1).split()) if m else ""


TRAILER = re.compile(r"^[A-Za-z0-9-]+: \S")


def message_and_rest(body):
    """The commit message (above the first "---" line) and the rest."""
    msg, sep, rest = body.partition("\n---\n")
    return msg, rest


def trailers(msg):
    paras = msg.strip("\n").split("\n\n")
    last = paras[-1].split("\n") if len(paras) > 1 else []
    return [x for x in last if TRAILER.match(x)]


def diff_part(text):
    i = text.find("\ndiff --git ")
    return text[i + 1:] if i >= 0 else ""


def gm_input(list_path):
    with open(list_path, encoding="utf-8") as f:
        pairs = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for path, out_path in pairs:
        text = read_mail(path)
        head, body = split_mail(text)
        msg, _ = message_and_rest(body)
        out = [f"Subject: {subject_of(head)}", ""]
        out += trailers(msg)
        out += ["---", ""]
        with open(out_path, "wb") as f:
            f.write(("\n".join(out) + "\n" + diff_part(text)).encode("utf-8", "surrogateescape"))
    return 0


def mail_files(d):
    return sorted(f for f in os.listdir(d) if re.match(r"v\d+-\d{4}-.*\.patch$", f))


def is_cover(f):
    return re.match(r"v\d+-0000-cover-letter\.patch$", f) is not None


def addr_key(who):
    return email.utils.parseaddr(who)[1].lower()


def gm_addresses(path):
    out = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            m = re.match(r"^(.*?) \(([^()]*(?:\([^()]*\))?[^()]*)\)$", line)
            out.append((m.group(1) if m else line).strip())
    return out


def touched(diff):
    files = []
    for m in re.finditer(r"^diff --git a/(\S+) b/(\S+)$", diff, re.MULTILINE):
        files += [m.group(1), m.group(2)]
    return sorted(set(files))


def changed_lines(diff):
    return [x[1:] for x in diff.split("\n") if x[:1] in "+-" and not x.startswith(("+++ ", "--- "))]


def header_lines(name, addrs):
    return f"{name}: " + ",\n    ".join(addrs) if addrs else ""


def set_headers(path, to, cc):
    text = read_mail(path)
    head, body = split_mail(text)
    hl = re.split(r"\n(?![ \t])", head)
    hl = [h for h in hl if not re.match(r"(To|Cc): ", h)]
    new = []
    for h in hl:
        new.append(h)
        if h.startswith("Subject: "):
            new += [x for x in (header_lines("To", to), header_lines("Cc", cc)) if x]
    with open(path, "wb") as f:
        f.write(("\n".join(new) + "\n\n" + body).encode("utf-8", "surrogateescape"))


def address(conf_path, name, d, gmdir, version):
    conf = Conf(conf_path)
    vals = conf.posting(name)
    to = lines(vals["to"])
    to_keys = [addr_key(x) for x in to]
    mails = mail_files(d)
    patches = [m for m in mails if not is_cover(m)]
    per, why, unaddressed = {}, {}, {}
    named_by = set()  # addresses get_maintainer.pl or a rule named for a patch
    for m in patches:
        text = read_mail(os.path.join(d, m))
        head, body = split_mail(text)
        msg, _ = message_and_rest(body)
        diff = diff_part(text)
        files = touched(diff)
        subject = re.sub(r"^\[[^]]*\] ", "", subject_of(head))
        cc = []
        gm = os.path.join(gmdir, m + ".gm")
        if not os.path.isfile(gm):
            die(f"no get_maintainer.pl output for {m} ({gm})")
        for who in gm_addresses(gm):
            cc.append(who)
            why.setdefault(addr_key(who), "get_maintainer.pl")
        for rname, r in conf.rules:
            hit = any(fnmatch.fnmatch(f, g) for f in files for g in r.get("files", "").split())
            hit = hit or (r["_diff"] is not None and any(r["_diff"].search(x) for x in changed_lines(diff)))
            hit = hit or any(s.match(subject) for s in r["_subjects"])
            if not hit:
                continue
            for who in lines(r.get("cc")):
                cc.append(who)
                why.setdefault(addr_key(who), f"[cc {rname}]")
            for who in lines(r.get("unaddressed")):
                unaddressed.setdefault(f"{who}  [cc {rname}]", []).append(m)
        for t in trailers(msg):
            if t.startswith("Cc: "):
                cc.append(t[4:].strip())
                why.setdefault(addr_key(t[4:]), "a Cc: trailer")
        named_by.update(addr_key(x) for x in cc)
        seen, out = set(to_keys), []
        for who in cc:
            k = addr_key(who)
            if k and k not in seen:
                seen.add(k)
                out.append(who)
        per[m] = out
    bad = [t for t, k in zip(to, to_keys) if k not in named_by]
    if bad:
        die(f"[posting {name}]: To: {', '.join(bad)} is named neither by get_maintainer.pl nor by a [cc] "
            f"rule for any of its patches.",
            "Take it out of to =, or add the [cc] rule (with its reason) that says why it should get them.")
    covers = [m for m in mails if is_cover(m)]
    union, seen = [], set(to_keys)
    for m in patches:
        for who in per[m]:
            if addr_key(who) not in seen:
                seen.add(addr_key(who))
                union.append(who)
    for m in covers:
        per[m] = union
    limit = int(conf.series.get("netdev-max-patches", "0") or 0)
    reaches = any(NETDEV in [addr_key(x) for x in to + per[m]] for m in mails)
    if limit and reaches and len(patches) > limit:
        die(f"[posting {name}] has {len(patches)} patches and reaches {NETDEV}, which takes at most "
            f"{limit} per series (Documentation/process/maintainer-netdev.rst).",
            "Split the posting in postings.conf.")
    with open(os.path.join(d, "recipients"), "w", encoding="utf-8") as f:
        for m in mails:
            set_headers(os.path.join(d, m), to, per[m])
            for who in to:
                f.write(f"{m}\tto\t{who}\n")
            for who in per[m]:
                f.write(f"{m}\tcc\t{who}\t{why.get(addr_key(who), 'the union of the patches')}\n")
    with open(os.path.join(d, "unaddressed"), "w", encoding="utf-8") as f:
        for u, ms in unaddressed.items():
            f.write(f"{u}: {', '.join(ms)}\n")
    return 0


def message_ids(d, name, version, domain, stamp):
    mails = mail_files(d)
    ids = {m: f"<{stamp}.v{version}-{name}-{i:02d}@{domain}>" for i, m in enumerate(mails)}
    first = ids[mails[0]]
    for i, m in enumerate(mails):
        path = os.path.join(d, m)
        head, body = split_mail(read_mail(path))
        hl = [h for h in re.split(r"\n(?![ \t])", head)
              if not re.match(r"(Message-ID|In-Reply-To|References): ", h, re.IGNORECASE)]
        out = []
        for h in hl:
            out.append(h)
            if h.startswith("Date: "):
                out.append(f"Message-ID: {ids[m]}")
                if i:
                    out += [f"In-Reply-To: {first}", f"References: {first}"]
        with open(path, "wb") as f:
            f.write(("\n".join(out) + "\n\n" + body).encode("utf-8", "surrogateescape"))
    return 0


def header(path, key):
    head, _ = split_mail(read_mail(path))
    m = re.search(rf"^{key}: (.*(?:\n[ \t].*)*)", head, re.MULTILINE | re.IGNORECASE)
    return " ".join(m.group(1).split()) if m else ""


def read_plan(path):
    postings, commits = [], {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p[0] == "posting":
                postings.append(p[1])
            elif p[0] == "commit":
                commits.setdefault(p[1], []).append(p[2])
    return postings, commits


def posting_dir(seriesdir, name):
    for e in sorted(os.listdir(seriesdir)):
        if re.fullmatch(rf"\d+-{re.escape(name)}", e):
            return os.path.join(seriesdir, e)
    die(f"no folder of posting {name} in {seriesdir}")


def routing(conf_path, plan_path, seriesdir, name, version, sent_path):
    conf = Conf(conf_path)
    names, _ = read_plan(plan_path)
    sent = {}
    if sent_path and os.path.isfile(sent_path):
        with open(sent_path, encoding="utf-8") as f:
            for line in f:
                p = line.split()
                if len(p) == 2:
                    sent[p[0]] = p[1]

    def describe(n):
        first = os.path.join(posting_dir(seriesdir, n), mail_files(posting_dir(seriesdir, n))[0])
        msgid = sent.get(n) or header(first, "Message-ID")
        subject = header(first, "Subject")
        if "*** SUBJECT HERE ***" in subject:  # a cover letter not filled in yet
            with open(conf.posting(n)["_cover"], encoding="utf-8") as f:
                subject = subject.replace("*** SUBJECT HERE ***", f.readline().strip())
        return textwrap.wrap(subject, 72, initial_indent="  ", subsequent_indent="    ") + \
            [f"  https://lore.kernel.org/r/{msgid.strip('<>')}"]

    deps = conf.deps(name)
    users = [n for n in names if name in conf.deps(n)]
    out = []
    if deps:
        out.append("This posting applies on top of these, posted at the same time:")
        for n in deps:
            out += [""] + describe(n)
    else:
        out.append("This posting applies on its own to the base below.")
    if users:
        out += ["", "These postings build on it:"]
        for n in users:
            out += [""] + describe(n)
    print("\n".join(out))
    return 0


def numbering_problems(text, n, version):
    """Patch numbers "m/k" with k other than this posting's n, outside the
    changelogs of earlier versions."""
    problems, old = [], False
    for line in text.split("\n"):
        m = re.match(r"^Changes in v(\d+)", line)
        if m:
            old = int(m.group(1)) < version
        if old:
            continue
        line = re.sub(r"\[[^]]*\]", "", line)  # subject tags such as [PATCH v8 0/3]
        for k in re.finditer(r"(?<![\w/.])(\d{1,2})/(\d{1,2})(?![\w/.])", line):
            if int(k.group(2)) != n and 0 < int(k.group(1)) <= int(k.group(2)):
                problems.append(k.group(0))
    return sorted(set(problems), key=lambda s: [int(x) for x in s.split("/")])


def fill(d, name, conf_path, version, base_file, results_file, routing_file):
    conf = Conf(conf_path)
    vals = conf.posting(name)
    mails = mail_files(d)
    n = len([m for m in mails if not is_cover(m)])
    base = open(base_file, encoding="utf-8").read().strip("\n")
    route = open(routing_file, encoding="utf-8").read().strip("\n")
    results = open(results_file, encoding="utf-8").read().strip("\n") if results_file != "-" else None

    def subst(body):
        if results is not None:
            body = body.replace("@RESULTS@", results)
        body = body.replace("@ROUTING@", route)
        if "@BASE@" in body:
            body = body.replace("@BASE@", base)
        else:
            body = body.rstrip("\n") + "\n\n" + base + "\n"
        return body

    cover = [m for m in mails if is_cover(m)]
    if cover:
        tmpl = open(vals["_cover"], encoding="utf-8").read()
        subject, _, body = tmpl.partition("\n")
        path = os.path.join(d, cover[0])
        text = read_mail(path)
        text = text.replace("*** SUBJECT HERE ***", subject.strip())
        text = text.replace("*** BLURB HERE ***", subst(body).strip("\n"))
        with open(path, "wb") as f:
            f.write(text.encode("utf-8", "surrogateescape"))
        check = text
    elif vals.get("_note"):
        note = subst(open(vals["_note"], encoding="utf-8").read()).strip("\n")
        path = os.path.join(d, mails[0])
        text = read_mail(path)
        # After the changelog notes (an indented "Notes:" block), before the
        # diffstat: mail-notes.py still reads the notes as they were.
        head, body = split_mail(text)
        msg, sep, rest = body.partition("\n---\n")
        if not sep:
            die(f"{mails[0]} has no \"---\" line")
        rl = rest.split("\n")
        i = 0
        while i < len(rl) and rl[i] == "":
            i += 1
        if i < len(rl) and rl[i] == "Notes:":
            i += 1
            while i < len(rl) and (rl[i].startswith("    ") or rl[i] == ""):
                i += 1
            while i > 0 and rl[i - 1] == "":
                i -= 1
            j = i
            while j < len(rl) and rl[j] == "":
                j += 1
            rl = rl[:i] + [""] + note.split("\n") + [""] + rl[j:]
        else:
            rl = [""] + note.split("\n") + [""] + rl[i:]
        text = head + "\n\n" + msg + "\n---\n" + "\n".join(rl)
        with open(path, "wb") as f:
            f.write(text.encode("utf-8", "surrogateescape"))
        check = note
    else:
        print("complete")
        return 0
    left = sorted(set(re.findall(r"\*\*\* [A-Z ]+ HERE \*\*\*|@[A-Z][A-Z0-9_]*@", check)))
    if cover and not subject.strip():
        left.append("no subject (the template's first line)")
    numbers = numbering_problems(split_mail(check)[1] if cover else check, n, version)
    problems = []
    if left:
        problems.append("placeholders left: " + " ".join(left))
    if numbers:
        problems.append(f"patch numbers of another series (this posting has {n}): " + " ".join(numbers))
    print("; ".join(problems) if problems else "complete")
    return 0


def main(argv):
    try:
        if len(argv) == 4 and argv[1] == "plan":
            return plan(argv[2], argv[3])
        if len(argv) == 3 and argv[1] == "gm-input":
            return gm_input(argv[2])
        if len(argv) == 7 and argv[1] == "address":
            return address(argv[2], argv[3], argv[4], argv[5], int(argv[6]))
        if len(argv) == 7 and argv[1] == "message-ids":
            return message_ids(argv[2], argv[3], int(argv[4]), argv[5], argv[6])
        if len(argv) == 9 and argv[1] == "fill":
            return fill(argv[2], argv[3], argv[4], int(argv[5]), argv[6], argv[7], argv[8])
        if len(argv) == 8 and argv[1] == "routing":
            return routing(argv[2], argv[3], argv[4], argv[5], int(argv[6]), argv[7])
    except ConfError as e:
        die(str(e))
    print(textwrap.dedent(__doc__), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
