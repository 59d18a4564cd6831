#!/usr/bin/python3
"""The site's forms over HTTP, with the mail sender of `syndic serve`
talking to a real SMTP server (smtpsink.py): /subscribe (CSRF, honeypot,
validation, rate limits, the double opt-in through the link of the mail
received), /subscribe/confirm, /preferences, /unsubscribe (form and RFC
8058 one-click), /partner (inquiry, acknowledgement and team
notifications, the subscribe checkbox). Refused input must store nothing:
checked in the database with sqlite3.
Usage: test_forms.py SYNDIC_BIN   (exit 77 = skipped)"""
import base64
import hashlib
import hmac
import http.client
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailtest  # noqa: E402

TEAM = ["team1@example.org", "team2@example.org"]


class Server:
    def __init__(self, s, *flags):
        self.port = mailtest.free_port()
        self.proc = subprocess.Popen(
            [s.bin, "serve", "--no-fetch", "--listen",
             "127.0.0.1:%d" % self.port] + list(flags),
            env=s.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                assert self.proc.poll() is None, self.proc.stderr.read()
                time.sleep(0.05)
        raise AssertionError("serve did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        err = self.proc.communicate(timeout=30)[1].decode()
        assert self.proc.returncode == 0, err

    def req(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = dict(headers or {})
        if body is not None:
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        c.close()
        return r.status, data

    def csrf(self, path):
        st, page = self.req("GET", path)
        assert st == 200, (path, st)
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def post(self, path, fields, csrf_from=None, headers=None):
        fields = list(fields)
        if csrf_from is not None:
            fields.append(("csrf", self.csrf(csrf_from)))
        return self.req("POST", path, urllib.parse.urlencode(fields), headers)


def count(s, table, where="1"):
    return s.sql("SELECT count(*) FROM %s WHERE %s" % (table, where))[0][0]


def sign(key, purpose, subject, expires):
    head = bytes([1, mailtest.PURPOSES[purpose]]) + struct.pack(">Q", expires)
    mac = hmac.new(key, b"syndic-token-v1\0" + head + subject.encode(),
                   hashlib.sha256).digest()
    raw = head + subject.encode() + mac
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def wait_mail(sink, n, what):
    deadline = time.time() + 30
    while len(sink.files()) < n:
        assert time.time() < deadline, "no mail: " + what
        time.sleep(0.05)
    return sink.messages()


def wait_for(sink, pred, what):
    """The first received mail for which pred(msg) holds."""
    deadline = time.time() + 30
    while True:
        for _, m in sink.messages():
            if pred(m):
                return m
        assert time.time() < deadline, "no mail: %s (have: %s)" % (
            what, [m["Subject"] for _, m in sink.messages()])
        time.sleep(0.05)


def link(m, path):
    """The path+query of the first link to path in the mail's text."""
    text = m.get_body(("plain",)).get_content()
    url = re.search(r"https?://[^\s>]+%s\?t=[A-Za-z0-9_-]+" % re.escape(path),
                    text).group(0)
    u = urllib.parse.urlsplit(url)
    return u.path + "?" + u.query


def main():
    mailtest.check_aiosmtpd()
    tmp = mailtest.tmpdir()
    sink = mailtest.Sink(os.path.join(tmp, "sink"))
    try:
        run(tmp, sink)
        run_ip_limit(os.path.join(tmp, "second"))
    finally:
        sink.stop()
        mailtest.cleanup(tmp)
    print("test_forms: ok")


def run(tmp, sink):
    s = mailtest.Syndic(tmp, sink.port,
                        "team_addresses = %s\n" % ", ".join(TEAM))
    s.run("init")
    s.sql("INSERT INTO topics(slug, name) VALUES ('climate', 'Climate'), "
          "('health', 'Health')")
    srv = Server(s)
    try:
        subscribe(s, srv, sink)
        partner(s, srv, sink)
    finally:
        srv.stop()


def subscribe(s, srv, sink):
    st, page = srv.req("GET", "/subscribe")
    assert st == 200
    assert "Join our partner mailing list to receive the latest news" in page
    for want in ('name="email"', 'name="name"', 'name="organization"',
                 'name="topics" value="climate"', 'name="frequency"',
                 'value="weekly"', 'name="website_url"', 'name="csrf"'):
        assert want in page, want
    # the subscribe box of an article page posts here with a CSRF field
    box = open(os.path.join(os.environ.get(
        "SYNDIC_SOURCE_DIR", os.path.join(mailtest.HERE, "..", "..")),
        "themes/default/templates/_subscribe.html")).read()
    assert 'action="/subscribe"' in box and 'name="csrf"' in box
    assert 'name="website_url"' in box

    good = [("email", "alice@example.org"), ("name", "Alice"),
            ("organization", "Org A"), ("topics", "climate"),
            ("frequency", "weekly")]

    # CSRF: missing, forged, from another origin -> 403, nothing stored
    st, page = srv.post("/subscribe", good)
    assert st == 403 and "expired or did not come from this site" in page
    st, _ = srv.post("/subscribe", good + [("csrf", "1700000000.abcd")])
    assert st == 403
    st, _ = srv.post("/subscribe", good, "/subscribe",
                     {"Origin": "https://evil.example"})
    assert st == 403
    st, _ = srv.post("/subscribe", [("email", "origin@example.org")],
                     "/subscribe",
                     {"Origin": "http://127.0.0.1:%d" % srv.port})
    assert st == 200
    # the origin of base_url (behind a proxy that rewrites Host) is ours
    st, _ = srv.post("/subscribe", [("email", "origin2@example.org")],
                     "/subscribe", {"Origin": "https://news.example.org"})
    assert st == 200
    assert count(s, "subscribers") == 2
    wait_mail(sink, 2, "confirm after origin check")
    deadline = time.time() + 30
    while count(s, "outbox", "status = 'sent'") != 2:
        assert time.time() < deadline, "confirm row not marked sent"
        time.sleep(0.05)
    s.sql("DELETE FROM subscribers")
    s.sql("DELETE FROM outbox")
    for f in sink.files():
        os.unlink(os.path.join(sink.dir, f))
    os.unlink(os.path.join(sink.dir, "index.jsonl"))

    # honeypot: same answer, nothing stored
    st, page = srv.post("/subscribe", good + [("website_url", "http://x")],
                        "/subscribe")
    assert st == 200 and "Almost done: check your inbox" in page
    assert count(s, "subscribers") == 0 and count(s, "outbox") == 0

    # invalid input -> 400, message by the field, values kept and escaped
    bad = [
        ([("email", "not-an-address")], "valid email address"),
        ([("email", "a@b@example.org")], "valid email address"),
        ([("email", "a b@example.org")], "valid email address"),
        ([("email", "a@localhost")], "valid email address"),
        ([("email", "a@example.org\r\nBcc: x@example.org")],
         "line breaks"),
        ([("email", "x" * 250 + "@example.org")], "too long"),
        ([("email", "")], "Please enter your email address"),
        ([("name", "n" * 201)], "This field is too long: at most 200 bytes"),
        ([("name", "Eve\nBcc: x@example.org")], "line breaks"),
        ([("frequency", "hourly")], "how often"),
        ([("topics", "nope")], "choose among the topics"),
    ]
    for change, msg in bad:
        names = {k for k, _ in change}
        fields = [kv for kv in good
                  if kv[0] not in names and kv[0] != "organization"] + change
        fields.append(("organization", "<b>Org & Co</b>"))
        st, page = srv.post("/subscribe", fields, "/subscribe")
        assert st == 400, (change, st)
        assert msg in page, (change, msg)
        assert "&lt;b&gt;Org &amp; Co&lt;/b&gt;" in page
        assert "<b>Org & Co</b>" not in page
    # bad UTF-8 in the body
    body = "email=a%40example.org&name=%FF%FE&csrf=" + \
        urllib.parse.quote(srv.csrf("/subscribe"))
    st, page = srv.req("POST", "/subscribe", body)
    assert st == 400 and "not valid UTF-8" in page, st
    assert count(s, "subscribers") == 0 and count(s, "outbox") == 0

    # valid: a pending subscriber and one confirm row; the mail arrives
    st, page = srv.post("/subscribe", good, "/subscribe")
    assert st == 200, st
    assert "Almost done: check your inbox to confirm your subscription." \
        in page
    rows = s.sql("SELECT id, status, frequency, topics, consent_source, "
                 "consent_ip FROM subscribers")
    assert len(rows) == 1, rows
    sid = rows[0][0]
    assert rows[0][1:] == ("pending", "weekly", "climate", "subscribe form",
                           "127.0.0.1"), rows
    assert s.sql("SELECT kind, recipient FROM outbox") == \
        [("confirm", "alice@example.org")]
    m = wait_mail(sink, 1, "confirm")[0][1]
    assert m["To"].addresses[0].addr_spec == "alice@example.org"
    confirm = link(m, "/subscribe/confirm")

    # the same address again: the same page, nothing revealed
    st, page2 = srv.post("/subscribe", good, "/subscribe")
    assert st == 200 and "Almost done: check your inbox" in page2
    assert count(s, "subscribers") == 1

    # a tampered or expired link -> 400
    tok = confirm.split("t=")[1]
    bad_tok = tok[:-3] + ("AAA" if tok[-3:] != "AAA" else "BBB")
    st, page = srv.req("GET", "/subscribe/confirm?t=" + bad_tok)
    assert st == 400 and "invalid or has expired" in page
    key = s.key()
    st, page = srv.req("GET", "/subscribe/confirm?t=" +
                       sign(key, "confirm", str(sid), int(time.time()) - 10))
    assert st == 400 and "invalid or has expired" in page
    st, _ = srv.req("GET", "/subscribe/confirm?t=" +
                    sign(key, "unsubscribe", str(sid), int(time.time()) + 99))
    assert st == 400
    st, _ = srv.req("GET", "/subscribe/confirm")
    assert st == 400
    assert s.sql("SELECT status FROM subscribers") == [("pending",)]

    # the link of the mail confirms
    st, page = srv.req("GET", confirm)
    assert st == 200 and "You have successfully subscribed!" in page
    assert s.sql("SELECT status FROM subscribers") == [("confirmed",)]
    st, page = srv.req("GET", confirm)
    assert st == 200 and "You have successfully subscribed!" in page

    # a confirmed address: the same page; its mail says so, with links
    st, page3 = srv.post("/subscribe", good, "/subscribe")
    assert st == 200 and "Almost done: check your inbox" in page3
    m = wait_for(sink, lambda m: "/preferences?" in m.get_body(
        ("plain",)).get_content(), "already subscribed")
    prefs = link(m, "/preferences")
    unsub = link(m, "/unsubscribe")

    # per-address limit: a fourth request within the hour -> 429
    st, page = srv.post("/subscribe", good, "/subscribe")
    assert st == 429 and "Too many requests" in page, st

    # preferences
    st, page = srv.req("GET", prefs)
    assert st == 200 and 'value="Alice"' in page
    assert re.search(r'value="climate" checked', page)
    assert re.search(r'value="weekly" selected', page)
    t = prefs.split("t=")[1]
    change = [("t", t), ("name", "Alice B"), ("organization", ""),
              ("topics", "health"), ("topics", "climate"),
              ("topics", "health"), ("frequency", "daily")]
    st, _ = srv.post("/preferences", change)
    assert st == 403
    st, page = srv.post("/preferences", change + [("frequency", "x")],
                        prefs)
    assert st == 200, st  # the first frequency counts
    assert "Your preferences have been saved" in page
    assert s.sql("SELECT name, organization, topics, frequency FROM "
                 "subscribers") == [("Alice B", None, "health,climate",
                                     "daily")] or \
        s.sql("SELECT name, topics, frequency FROM subscribers") == \
        [("Alice B", "health,climate", "daily")]
    st, page = srv.post("/preferences", [("t", t), ("frequency", "hourly")],
                        prefs)
    assert st == 400 and "how often" in page
    st, _ = srv.post("/preferences", [("t", t[:-2] + "xx")], prefs)
    assert st == 400

    # unsubscribe: the page has a button; a POST without CSRF is refused
    st, page = srv.req("GET", unsub)
    assert st == 200 and "<button" in page and 'method="post"' in page
    st, _ = srv.req("POST", unsub, "")
    assert st == 403
    assert s.sql("SELECT status FROM subscribers") == [("confirmed",)]
    # RFC 8058 one-click, as a mail client sends it
    st, page = srv.req("POST", unsub, "List-Unsubscribe=One-Click")
    assert st == 200 and "You have been unsubscribed" in page, st
    assert s.sql("SELECT status FROM subscribers") == [("unsubscribed",)]
    # the old confirm link does not bring the address back
    st, _ = srv.req("GET", confirm)
    assert st == 400
    assert s.sql("SELECT status FROM subscribers") == [("unsubscribed",)]

    # the form button, for a second subscriber
    s.sql("INSERT INTO subscribers(email, status, frequency, created, "
          "consent_time) VALUES ('bob@example.org', 'confirmed', 'daily', "
          "1, 1)")
    bid = s.sql("SELECT id FROM subscribers WHERE email = "
                "'bob@example.org'")[0][0]
    path = "/unsubscribe?t=" + sign(key, "unsubscribe", str(bid),
                                    int(time.time()) + 3600)
    st, page = srv.post(path, [], path)
    assert st == 200 and "You have been unsubscribed" in page
    assert s.sql("SELECT status FROM subscribers WHERE id = ?", (bid,)) == \
        [("unsubscribed",)]


def drain(s):
    """Wait until the sender has handled every queued row."""
    deadline = time.time() + 30
    while count(s, "outbox", "status = 'queued'") != 0:
        assert time.time() < deadline, "outbox not drained"
        time.sleep(0.05)


def partner(s, srv, sink):
    drain(s)
    st, page = srv.req("GET", "/partner")
    assert st == 200 and "Connect with us to build a partnership" in page
    for want in ('name="organization"', 'name="website"', 'name="country"',
                 'value="content">content syndication', 'name="message"',
                 'name="subscribe"', "Also join the partner mailing list",
                 'name="website_url"', 'name="csrf"'):
        assert want in page, want
    good = [("organization", "River Voices"), ("name", "Ines Kamau"),
            ("email", "ines@example.net"), ("website", "https://rv.example"),
            ("country", "Kenya"), ("kind", "media"),
            ("message", "Hello,\nwe publish weekly stories on water.")]
    st, _ = srv.post("/partner", good)
    assert st == 403
    bad = [
        ([("organization", "")], "name of your organization"),
        ([("name", "")], "Please enter your name"),
        ([("email", "ines@")], "valid email address"),
        ([("kind", "spam")], "kind of partnership"),
        ([("kind", "")], "kind of partnership"),
        ([("message", "")], "Please enter a message"),
        ([("message", "é" * 5001)], "at most 5000 characters"),
        ([("website", "javascript:alert(1)")], "starting with https://"),
        ([("website", "ftp://rv.example")], "starting with https://"),
        ([("organization", "A\r\nBcc: x@example.org")], "line breaks"),
    ]
    for change, msg in bad:
        names = {k for k, _ in change}
        fields = [kv for kv in good if kv[0] not in names] + change
        st, page = srv.post("/partner", fields, "/partner")
        assert st == 400, (change, st)
        assert msg in page, (change, msg)
        assert "River Voices" in page or names == {"organization"}
    st, page = srv.post("/partner", good + [("website_url", "x")], "/partner")
    assert st == 200 and "Thank you" in page
    assert count(s, "inquiries") == 0
    drain(s)
    n0 = len(sink.files())
    outbox0 = count(s, "outbox")

    # a message of exactly 5000 characters (10000 bytes) is accepted
    st, page = srv.post("/partner", good[:-1] + [("message", "é" * 5000)],
                        "/partner")
    assert st == 200, st
    assert "Thank you — we received your inquiry and will get back to you" \
        in page
    iid = s.sql("SELECT max(id) FROM inquiries")[0][0]
    keys = sorted(k for k, in s.sql("SELECT dedupe_key FROM outbox WHERE "
                                    "dedupe_key LIKE '%inquiry%'"))
    assert keys == sorted(["ack:inquiry:%d" % iid] + [
        "notify:inquiry:%d:%s" % (iid, a) for a in TEAM]), keys
    assert count(s, "outbox") == outbox0 + 3
    msgs = wait_mail(sink, n0 + 3, "inquiry mails")[n0:]
    by_to = {m["To"].addresses[0].addr_spec: m for _, m in msgs}
    assert set(by_to) == {"ines@example.net"} | set(TEAM), set(by_to)
    note = by_to[TEAM[0]].get_body(("plain",)).get_content()
    assert "River Voices" in note and "ines@example.net" in note
    ack = by_to["ines@example.net"].get_body(("plain",)).get_content()
    assert "River Voices" in ack
    # the team replies straight to the inquirer; the inquirer to the site
    reply_to = by_to[TEAM[0]]["Reply-To"]
    assert reply_to is not None and "ines@example.net" in str(reply_to), \
        reply_to
    assert "ines@example.net" not in str(
        by_to["ines@example.net"]["Reply-To"] or ""), "ack Reply-To"
    assert s.sql("SELECT organization, kind, ip FROM inquiries WHERE id = ?",
                 (iid,)) == [("River Voices", "media", "127.0.0.1")]
    assert count(s, "subscribers", "email = 'ines@example.net'") == 0

    # the subscribe checkbox starts the double opt-in
    good2 = [kv for kv in good if kv[0] != "email"] + \
        [("email", "olu@example.net"), ("subscribe", "1")]
    st, page = srv.post("/partner", good2, "/partner")
    assert st == 200 and "confirm your subscription" in page
    assert s.sql("SELECT status, consent_source FROM subscribers WHERE "
                 "email = 'olu@example.net'") == [("pending", "partner form")]
    msgs = wait_mail(sink, n0 + 7, "inquiry + confirm")[n0 + 3:]
    confirm = [m for _, m in msgs
               if m["To"].addresses[0].addr_spec == "olu@example.net" and
               "confirm" in m["Subject"].lower()]
    assert len(confirm) == 1, [m["Subject"] for _, m in msgs]
    st, page = srv.req("GET", link(confirm[0], "/subscribe/confirm"))
    assert st == 200 and "You have successfully subscribed!" in page


def run_ip_limit(tmp):
    """Per client address: the 11th subscription within the hour -> 429,
    and it stores nothing."""
    os.makedirs(tmp)
    s = mailtest.Syndic(tmp, 1)
    s.run("init")
    srv = Server(s, "--no-mail")
    try:
        for i in range(10):
            st, _ = srv.post("/subscribe", [("email", "u%d@example.org" % i)],
                             "/subscribe")
            assert st == 200, (i, st)
        st, page = srv.post("/subscribe", [("email", "u10@example.org")],
                            "/subscribe")
        assert st == 429 and "Too many requests" in page, st
        assert count(s, "subscribers") == 10
        assert count(s, "outbox") == 10
        # a proxy on this host names the client in X-Forwarded-For
        st, _ = srv.post("/subscribe", [("email", "u11@example.org")],
                         "/subscribe",
                         {"X-Forwarded-For": "203.0.113.9, 192.0.2.7"})
        assert st == 200, st
        assert s.sql("SELECT consent_ip FROM subscribers WHERE email = "
                     "'u11@example.org'") == [("192.0.2.7",)]
        st, _ = srv.post("/subscribe", [("email", "u12@example.org")],
                         "/subscribe", {"X-Forwarded-For": "junk"})
        assert st == 429, st
        assert count(s, "subscribers") == 11
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
