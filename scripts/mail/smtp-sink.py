#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A local SMTP sink for scripts/mail/roundtrip.sh: accept every message on
127.0.0.1 and append it, byte for byte, to an mbox (mboxrd quoting, which
`git am --patch-format=mboxrd` undoes exactly).

    smtp-sink.py --mbox FILE --port-file FILE [--envelopes FILE]
                 [--host 127.0.0.1] [--port 0]

With --port 0 (the default) the kernel picks a free port; the port is written
to --port-file once the server listens, so the caller waits for that file
instead of racing for a port. --envelopes appends one line per message,
"MESSAGE-ID<TAB>RCPT,RCPT,...", the envelope recipients (RCPT TO), which
the mbox does not keep. SIGTERM/SIGINT stop it. Needs aiosmtpd
(scripts/pipeline/setup.sh installs it into .venv).
"""
import argparse
import asyncio
import os
import re
import signal
import sys
import time

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    sys.exit("smtp-sink.py: aiosmtpd is not installed. Run: scripts/pipeline/setup.sh")

# mboxrd: every line that starts with zero or more '>' then "From " gets one
# more '>'. A reader that undoes this (git mailsplit --mboxrd) gets the
# message back exactly, whatever its lines say.
FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.MULTILINE | re.IGNORECASE)


class MboxSink:
    def __init__(self, path, log, envelopes=None):
        self.path = path
        self.log = log
        self.envelopes = envelopes
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        # SMTP carries lines ending in CRLF; a mail client saving to an mbox
        # stores them with LF. Nothing else is touched.
        data = envelope.original_content or envelope.content
        data = data.replace(b"\r\n", b"\n")
        if not data.endswith(b"\n"):
            data += b"\n"
        data = FROM_LINE.sub(rb">\1", data)
        sep = "From {} {}\n".format(envelope.mail_from or "MAILER-DAEMON",
                                    time.asctime(time.gmtime())).encode()
        with open(self.path, "ab") as f:
            f.write(sep + data + b"\n")
        if self.envelopes:
            head = data.split(b"\n\n", 1)[0]
            m = MESSAGE_ID.search(head)
            msgid = m.group(1).decode("ascii", "replace") if m else "-"
            with open(self.envelopes, "a", encoding="utf-8") as f:
                f.write("{}\t{}\n".format(msgid, ",".join(envelope.rcpt_tos)))
        self.count += 1
        print("smtp-sink: message {} from {} to {} ({} bytes)".format(
            self.count, envelope.mail_from, ", ".join(envelope.rcpt_tos), len(data)),
            file=self.log, flush=True)
        return "250 Message accepted for delivery"


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = MboxSink(args.mbox, sys.stderr, args.envelopes)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.localhost", enable_SMTPUTF8=True),
        host=args.host, port=args.port)
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("{}\n".format(port))
    os.rename(tmp, args.port_file)
    print("smtp-sink: listening on {}:{}, appending to {}".format(args.host, port, args.mbox),
          file=sys.stderr, flush=True)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set_result, None)
    await stop
    server.close()
    await server.wait_closed()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mbox", required=True, help="mbox to append received messages to")
    ap.add_argument("--port-file", required=True, help="where to write the port listened on")
    ap.add_argument("--envelopes", help="file to append each message's envelope recipients to")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0: any free port")
    args = ap.parse_args()
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
