#!/usr/bin/python3
"""SMTP over TLS against a real local server (aiosmtpd) with a throwaway
self-signed certificate made here with the openssl command line:

  - smtp:// with STARTTLS required by the server and AUTH: the digests
    arrive over TLS, after AUTH, with [mail] ca_file trusting the cert,
    pipelined (the server offers PIPELINING);
  - smtp:// to this host offering STARTTLS with a certificate nothing
    trusts (Debian's Postfix and its snakeoil certificate), no ca_file:
    STARTTLS is not taken on loopback, the digests arrive in clear;
  - smtps:// (implicit TLS) without ca_file: the certificate is not
    trusted, so nothing is sent (verification is never turned off) and
    the rows wait; then with ca_file and AUTH, one command at a time.

Skips (77) without python3-aiosmtpd or openssl."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailtest  # noqa: E402

NOW = 1800000000
N = 3
USER, PASSWORD = "relay", "s3cret-pass"


def make_cert(tmp):
    """A self-signed certificate for 127.0.0.1 (IP SAN: libcurl checks the
    host it connects to against it)."""
    if shutil.which("openssl") is None:
        mailtest.skip("the openssl command is not installed")
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
         "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def main():
    mailtest.check_aiosmtpd()
    tmp = mailtest.tmpdir()
    try:
        cert, key = make_cert(tmp)
        run_starttls(tmp, cert, key)
        run_local_untrusted(tmp, cert, key)
        run_smtps(tmp, cert, key)
    finally:
        mailtest.cleanup(tmp)
    print("test_mail_tls: ok")


def setup(folder, port, extra, scheme="smtp"):
    os.makedirs(folder)
    s = mailtest.Syndic(folder, port, extra, scheme=scheme)
    s.run("init")
    with open(os.path.join(folder, "subs.csv"), "w") as f:
        f.write("email,name,organization,topics,frequency\n")
        for i in range(N):
            f.write("t%d@example.org,Reader %d,,,daily\n" % (i, i))
    s.run("subscribers", "import", os.path.join(folder, "subs.csv"),
          "--confirmed")
    s.seed_stories(NOW, [("Encrypted story", ["news"], 60)])
    return s


def auth_conf(password, ca_file):
    conf = "username = %s\npassword = %s\nconnections = 2\n" % (USER,
                                                                 password)
    if ca_file is not None:
        conf += "ca_file = %s\n" % ca_file
    return conf


def check_delivered(sink, s, pipelined):
    idx = sink.index()
    rcpts = sorted(r for e in idx for r in e["rcpt"])
    assert rcpts == ["t%d@example.org" % i for i in range(N)], rcpts
    assert all(e["tls"] and e["auth"] for e in idx), idx
    assert all(e["pipelined"] == pipelined for e in idx), idx
    for raw, m in sink.messages():
        assert "Encrypted story" in m.get_body(("plain",)).get_content()
    assert s.sql("SELECT count(*) FROM outbox WHERE status = 'sent'")[0][0] \
        == N


def run_starttls(tmp, cert, key):
    sink = mailtest.Sink(os.path.join(tmp, "sink1"), "--tls-cert", cert,
                         "--tls-key", key, "--starttls", "--pipelining",
                         "--auth", "%s:%s" % (USER, PASSWORD))
    try:
        # Trusted: STARTTLS, AUTH, every digest once.
        s = setup(os.path.join(tmp, "c"), sink.port,
                  auth_conf(PASSWORD, cert))
        out = s.run("digest", "send", now=NOW).stdout.decode()
        assert "%d sent" % N in out, out
        check_delivered(sink, s, True)
    finally:
        sink.stop()


def run_local_untrusted(tmp, cert, key):
    sink = mailtest.Sink(os.path.join(tmp, "sink3"), "--tls-cert", cert,
                         "--tls-key", key, "--starttls-optional")
    try:
        s = setup(os.path.join(tmp, "d"), sink.port, "connections = 2\n")
        out = s.run("digest", "send", now=NOW).stdout.decode()
        assert "%d sent" % N in out, out
        idx = sink.index()
        assert len(idx) == N and not any(e["tls"] for e in idx), idx
    finally:
        sink.stop()


def run_smtps(tmp, cert, key):
    sink = mailtest.Sink(os.path.join(tmp, "sink2"), "--tls-cert", cert,
                         "--tls-key", key, "--implicit-tls",
                         "--auth", "%s:%s" % (USER, PASSWORD))
    try:
        # Not trusted without ca_file: nothing leaves, the rows wait
        # (the server logs the failed handshakes on its stderr).
        s = setup(os.path.join(tmp, "a"), sink.port,
                  auth_conf(PASSWORD, None), scheme="smtps")
        p = s.run("digest", "send", now=NOW, check=False)
        assert b"0 sent" in p.stdout or p.returncode != 0, p.stdout
        assert sink.files() == [], sink.files()
        assert s.sql("SELECT count(*) FROM outbox WHERE status = 'sent'"
                     )[0][0] == 0

        s = setup(os.path.join(tmp, "b"), sink.port,
                  auth_conf(PASSWORD, cert), scheme="smtps")
        out = s.run("digest", "send", now=NOW).stdout.decode()
        assert "%d sent" % N in out, out
        check_delivered(sink, s, False)
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
