#!/usr/bin/python3
"""`syndic serve` runs the mail worker: a confirmation queued before the
start (a pending import) is sent at once, and the worker stops cleanly
with the server."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailtest  # noqa: E402


def main():
    mailtest.check_aiosmtpd()
    tmp = mailtest.tmpdir()
    sink = mailtest.Sink(os.path.join(tmp, "sink"))
    try:
        run(tmp, sink)
    finally:
        sink.stop()
        mailtest.cleanup(tmp)
    print("test_mail_serve: ok")


def run(tmp, sink):
    s = mailtest.Syndic(tmp, sink.port)
    s.run("init")
    with open(os.path.join(tmp, "subs.csv"), "w") as f:
        f.write("email,name,organization,topics,frequency\n"
                "pending@example.org,Pat,,,weekly\n")
    s.run("subscribers", "import", os.path.join(tmp, "subs.csv"))
    p = subprocess.Popen([s.bin, "serve", "--no-fetch", "--listen",
                          "127.0.0.1:%d" % mailtest.free_port()], env=s.env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while not sink.files():
            assert p.poll() is None, p.stderr.read().decode()
            assert time.time() < deadline, "no mail from serve"
            time.sleep(0.1)
        m = sink.messages()[0][1]
        assert m["To"].addresses[0].addr_spec == "pending@example.org"
        assert "confirm" in m["Subject"].lower()
    finally:
        p.send_signal(signal.SIGTERM)
        err = p.communicate(timeout=30)[1].decode()
    assert p.returncode == 0, err
    assert "mail=on" in err, err
    assert s.sql("SELECT status FROM outbox") == [("sent",)]


if __name__ == "__main__":
    main()
