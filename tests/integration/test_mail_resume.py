#!/usr/bin/python3
"""A `syndic digest send` killed with SIGKILL in the middle of sending
(the SMTP server is slow, so the kill lands while messages are in
flight), then run again once the dead sender's lease has expired:
every subscriber gets the digest exactly once."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailtest  # noqa: E402

NOW = 1800000000
N = 24
LEASE_S = 300  # OUTBOX_LEASE_S in src/mail/outbox.h


def main():
    mailtest.check_aiosmtpd()
    tmp = mailtest.tmpdir()
    sink = mailtest.Sink(os.path.join(tmp, "sink"), "--delay-ms", "200")
    try:
        run(tmp, sink)
    finally:
        sink.stop()
        mailtest.cleanup(tmp)
    print("test_mail_resume: ok")


def run(tmp, sink):
    s = mailtest.Syndic(tmp, sink.port, "connections = 2\n")
    s.run("init")
    with open(os.path.join(tmp, "subs.csv"), "w") as f:
        f.write("email,name,organization,topics,frequency\n")
        for i in range(N):
            f.write("r%02d@example.org,Reader %d,,,daily\n" % (i, i))
    s.run("subscribers", "import", os.path.join(tmp, "subs.csv"),
          "--confirmed")
    s.seed_stories(NOW, [("Story %d" % i, ["news"], 60 * (i + 1))
                         for i in range(5)])

    p = s.popen("digest", "send", now=NOW)
    deadline = time.time() + 60
    while len(sink.files()) < 4:
        assert p.poll() is None, "finished before the kill"
        assert time.time() < deadline, "no mail arrived"
        time.sleep(0.01)
    # Half-way through the server's delay: messages are in flight, none is
    # between "accepted" and "marked sent".
    time.sleep(0.1)
    p.send_signal(signal.SIGKILL)
    p.wait()
    p.stdout.close()
    p.stderr.close()
    got = len(sink.files())
    assert 4 <= got < N, got
    sent = s.sql("SELECT count(*) FROM outbox WHERE status = 'sent'")[0][0]
    assert sent == got, (sent, got)

    # Right away: the rows the dead sender claimed are still leased.
    out = s.run("digest", "send", now=NOW + 10).stdout.decode()
    assert "already created" in out, out
    # After the lease: everything left goes out, once.
    out = s.run("digest", "send", now=NOW + LEASE_S + 60).stdout.decode()
    assert "already created" in out, out
    rcpts = [r for e in sink.index() for r in e["rcpt"]]
    assert len(rcpts) == N, (len(rcpts), sorted(rcpts))
    assert len(set(rcpts)) == N, "a digest was delivered twice"
    assert s.sql("SELECT count(*) FROM outbox WHERE status = 'sent'")[0][0] \
        == N
    # and a later run in the same period sends nothing
    s.run("digest", "send", now=NOW + 2 * LEASE_S)
    assert len(sink.files()) == N


if __name__ == "__main__":
    main()
