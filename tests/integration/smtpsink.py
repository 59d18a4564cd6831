#!/usr/bin/python3
"""A test SMTP server (aiosmtpd) on 127.0.0.1 and an ephemeral port.

Every accepted message is written to DIR as NNNNNN.eml (the bytes as
received, written to a temporary name and renamed, so a reader never sees
half a file), and a line is appended to DIR/index.jsonl with the envelope
and the connection it came on. The port is printed on stdout, then the
server runs until SIGTERM/SIGINT or --max-seconds.

Fault injection, for tests of retries and bounces:
  --fail N:CODE         answer the Nth DATA (1-based, all connections) with
                        CODE (451 -> temporary, 550 -> permanent), repeatable
  --reject-rcpt A:CODE  answer RCPT TO:<A> with CODE, repeatable
  --delay-ms MS         wait MS before accepting each message (slow MTA);
                        a client that disconnects meanwhile loses it
  --slow-rcpt A:MS      wait MS before answering RCPT TO:<A> (one slow
                        recipient among fast ones), repeatable
  --greet-delay-ms MS   wait MS before the greeting of each connection
  --pipelining          offer PIPELINING (RFC 2920) in the EHLO reply
  --size-limit BYTES    offer SIZE BYTES (RFC 1870) instead of 64 MiB
  --per-connection N    answer MAIL with 421 and close the connection once
                        it has carried N messages (Exim's
                        smtp_accept_max_per_connection)
  --drop-after N        close the connection without a word right after
                        its Nth message (an MTA's idle timeout)
  --auth USER:PASS      offer AUTH PLAIN/LOGIN and require it (without TLS
                        unless --starttls or --implicit-tls)
  --tls-cert PEM --tls-key PEM
                        the certificate and key for TLS, with one of:
  --starttls            offer STARTTLS (RFC 3207) and require it before MAIL
  --starttls-optional   offer STARTTLS, take mail without it too (a local
                        Postfix with its self-signed certificate)
  --implicit-tls        TLS from the first byte (smtps, RFC 8314)
Each index line says whether the message came over TLS ("tls"), after
a successful AUTH ("auth"), and whether its RCPT was already sent with
its MAIL ("pipelined").

Usage: smtpsink.py --dir DIR [options]
"""
import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

REPLIES = {
    421: "421 4.3.2 Service shutting down (smtpsink)",
    450: "450 4.2.1 Mailbox busy (smtpsink)",
    451: "451 4.3.0 Temporary failure (smtpsink)",
    452: "452 4.3.1 Insufficient storage (smtpsink)",
    550: "550 5.1.1 No such user (smtpsink)",
    552: "552 5.3.4 Message too big (smtpsink)",
    554: "554 5.7.1 Rejected (smtpsink)",
}


def reply(code):
    return REPLIES.get(code, "%d smtpsink says %d" % (code, code))


class Sink:
    def __init__(self, args):
        self.dir = args.dir
        self.fail = {}
        for spec in args.fail:
            n, code = spec.split(":")
            self.fail[int(n)] = int(code)
        self.reject = {}
        for spec in args.reject_rcpt:
            addr, code = spec.rsplit(":", 1)
            self.reject[addr.lower()] = int(code)
        self.delay = args.delay_ms / 1000.0
        self.slow = {}
        for spec in args.slow_rcpt:
            addr, ms = spec.rsplit(":", 1)
            self.slow[addr.lower()] = int(ms) / 1000.0
        self.per_connection = args.per_connection
        self.drop_after = args.drop_after
        self.data_count = 0
        self.accepted = 0
        self.connections = 0
        self.index = open(os.path.join(self.dir, "index.jsonl"), "a")

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.per_connection and server.carried >= self.per_connection:
            asyncio.get_running_loop().call_soon(server.transport.close)
            return reply(421)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        # More commands already read behind MAIL: the client pipelines.
        reader = getattr(server, "_reader", None)
        buffered = getattr(reader, "_buffer", b"")
        session.pipelined = b"RCPT" in bytes(buffered)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        slow = self.slow.get(address.lower())
        if slow is not None:
            await asyncio.sleep(slow)
        code = self.reject.get(address.lower())
        if code is not None:
            return reply(code)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_count += 1
        n = self.data_count
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        code = self.fail.get(n)
        if code is not None:
            return reply(code)
        # Like a careful MTA, keep nothing for a client that went away
        # before it could hear the answer (it will send again).
        transport = getattr(server, "transport", None)
        if transport is None or transport.is_closing():
            return reply(421)
        self.accepted += 1
        name = "%06d.eml" % self.accepted
        tmp = os.path.join(self.dir, "." + name + ".tmp")
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.dir, name))
        self.index.write(json.dumps({
            "file": name, "n": n, "from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt": envelope.rcpt_tos,
            "session": server.conn_no,
            "tls": transport.get_extra_info("ssl_object") is not None,
            "auth": bool(session.authenticated),
            "pipelined": getattr(session, "pipelined", False)}) + "\n")
        self.index.flush()
        server.carried += 1
        if self.drop_after and server.carried >= self.drop_after:
            asyncio.get_running_loop().call_soon(transport.close)
        return "250 2.0.0 Ok: queued as %s" % name


class SlowGreetingSMTP(SMTP):
    """Waits greet_delay seconds before the greeting (a loaded MTA)."""
    greet_delay = 0.0

    async def _handle_client(self):
        await asyncio.sleep(self.greet_delay)
        return await super()._handle_client()


class PipeliningSink(Sink):
    async def handle_EHLO(self, server, session, envelope, hostname,
                          responses):
        session.host_name = hostname
        return responses[:-1] + ["250-PIPELINING"] + responses[-1:]


def main():
    # aiosmtpd warns about AUTH without TLS; here that is the point.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--fail", action="append", default=[])
    ap.add_argument("--reject-rcpt", action="append", default=[])
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--slow-rcpt", action="append", default=[])
    ap.add_argument("--greet-delay-ms", type=int, default=0)
    ap.add_argument("--pipelining", action="store_true")
    ap.add_argument("--size-limit", type=int, default=64 << 20)
    ap.add_argument("--per-connection", type=int, default=0)
    ap.add_argument("--drop-after", type=int, default=0)
    ap.add_argument("--auth", default=None)
    ap.add_argument("--tls-cert", default=None)
    ap.add_argument("--tls-key", default=None)
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--starttls-optional", action="store_true")
    ap.add_argument("--implicit-tls", action="store_true")
    ap.add_argument("--max-seconds", type=float, default=600.0)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    sink = (PipeliningSink if args.pipelining else Sink)(args)

    kwargs = {"hostname": "smtpsink.test", "data_size_limit": args.size_limit}
    tls = None
    if args.starttls or args.starttls_optional or args.implicit_tls:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    if args.starttls or args.starttls_optional:
        kwargs.update(tls_context=tls, require_starttls=args.starttls)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, data):
            ok = (isinstance(data, LoginPassword)
                  and data.login.decode() == user
                  and data.password.decode() == password)
            return AuthResult(success=ok)

        # With STARTTLS aiosmtpd itself refuses AUTH before it; with
        # implicit TLS every byte is encrypted anyway (aiosmtpd only
        # knows about STARTTLS, so its own check is off).
        kwargs.update(auth_require_tls=args.starttls, auth_required=True,
                      authenticator=authenticator)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def protocol():
        # Number each connection, so tests can see that one is reused.
        sink.connections += 1
        if args.greet_delay_ms > 0:
            SlowGreetingSMTP.greet_delay = args.greet_delay_ms / 1000.0
            smtp = SlowGreetingSMTP(sink, loop=loop, **kwargs)
        else:
            smtp = SMTP(sink, loop=loop, **kwargs)
        smtp.conn_no = sink.connections
        smtp.carried = 0
        return smtp

    server = loop.run_until_complete(loop.create_server(
        protocol, "127.0.0.1", 0,
        ssl=tls if args.implicit_tls else None))
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write("%d\n" % port)
    sys.stdout.flush()
    # The reader may close its end after the port line: later output (none
    # is planned) must not kill the server.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    loop.call_later(args.max_seconds, loop.stop)
    try:
        loop.run_forever()
    finally:
        server.close()
        sink.index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
