#!/usr/bin/python3
"""Digests end to end: import subscribers, seed stories, `syndic digest
send` to a real SMTP server (smtpsink.py), then parse every received
message with Python's email module: headers, both parts, links, signed
tokens, topic filtering, no empty digest, no second digest in a period,
bounces, confirmation mails for pending imports, list/export/delete."""
import csv
import io
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailtest  # noqa: E402

NOW = 1800000000  # Fri, 15 Jan 2027 08:00:00 UTC

SUBSCRIBERS = """email,name,organization,topics,frequency
alice@example.org,Alice,Org A,climate,daily
bob@example.org,"Bob, Jr.",,health;climate,daily
carol@example.org,Carol,,,weekly
dave@example.org,Zoë Müller-Łukasiewicz,Ünïcode e.V.,,daily
gone@example.org,Gone,,,daily
erin@example.org,Erin,,sports,daily
"""

STORIES = [
    ("Glaciers retreat faster — café owners worry", ["climate"], 600),
    ("Clinics open in three districts", ["health"], 1200),
    ("Old story from last week", ["climate"], 10 * 86400),
    ("Rivers & floods: what the data <says>", ["climate", "water"], 300),
]


def main():
    mailtest.check_aiosmtpd()
    tmp = mailtest.tmpdir()
    sink = mailtest.Sink(os.path.join(tmp, "sink"),
                         "--reject-rcpt", "gone@example.org:550")
    try:
        run(tmp, sink)
    finally:
        sink.stop()
        mailtest.cleanup(tmp)
    print("test_mail: ok")


def run(tmp, sink):
    s = mailtest.Syndic(tmp, sink.port, "bounce_threshold = 1\n")
    s.run("init")
    with open(os.path.join(tmp, "subs.csv"), "w") as f:
        f.write(SUBSCRIBERS)
    out = s.run("subscribers", "import", os.path.join(tmp, "subs.csv"),
                "--confirmed").stdout.decode()
    assert "imported 6" in out, out
    ids = s.seed_stories(NOW, STORIES)
    key = s.key()

    # preview writes one message and stores nothing
    p = s.run("digest", "preview", "--email", "alice@example.org", now=NOW)
    prev = mailtest.email.message_from_bytes(
        p.stdout, policy=mailtest.email.policy.default)
    assert prev["To"].addresses[0].addr_spec == "alice@example.org"
    assert s.sql("SELECT count(*) FROM outbox")[0][0] == 0
    assert s.run("digest", "send", "--dry-run", now=NOW).returncode == 0
    assert s.sql("SELECT count(*) FROM outbox")[0][0] == 0

    out = s.run("digest", "send", now=NOW).stdout.decode()
    # alice, bob, dave, gone get one; erin (sports) nothing; carol weekly
    assert "4 queued, 1 with nothing new, 5 subscribers" in out, out
    assert "3 sent" in out and "1 failed" in out and "1 bouncing" in out, out
    msgs = sink.messages()
    assert len(msgs) == 3, len(msgs)
    by_rcpt = {}
    for raw, m in msgs:
        check_message(raw, m, key)
        by_rcpt[m["To"].addresses[0].addr_spec] = m
    assert set(by_rcpt) == {"alice@example.org", "bob@example.org",
                            "dave@example.org"}

    # topics: alice has climate only (2 new), bob climate+health (3 new),
    # dave all (3 new); the 10-day-old story is in nobody's first digest
    def titles(m):
        text = m.get_body(("plain",)).get_content()
        return [t for t, _, _ in STORIES if t in text]
    assert titles(by_rcpt["alice@example.org"]) == [STORIES[0][0],
                                                    STORIES[3][0]]
    assert len(titles(by_rcpt["bob@example.org"])) == 3
    assert len(titles(by_rcpt["dave@example.org"])) == 3
    dave = by_rcpt["dave@example.org"]
    assert dave["To"].addresses[0].display_name == "Zoë Müller-Łukasiewicz"
    assert "=?UTF-8?" in raw_header(msgs, "dave@example.org", "To")
    html = dave.get_body(("html",)).get_content()
    # HTML escaping of titles from feeds; article links to our pages
    assert "Rivers &amp; floods: what the data &lt;says&gt;" in html
    assert "https://news.example.org/a/%d/rivers-floods-what-the-data-says" \
        % ids[3] in html
    # tokens name the subscriber id
    sub_ids = dict(s.sql("SELECT email, id FROM subscribers"))
    for rcpt, m in by_rcpt.items():
        url = re.search(r"<(https://[^>]+)>", m["List-Unsubscribe"]).group(1)
        tok = url.split("?t=")[1]
        assert mailtest.verify_token(key, tok, "unsubscribe", NOW) == \
            str(sub_ids[rcpt])

    # the 550 bounced: row failed with the server's text, subscriber bouncing
    row = s.sql("SELECT status, last_error FROM outbox WHERE recipient = "
                "'gone@example.org'")[0]
    assert row[0] == "failed" and "No such user" in row[1], row
    lst = json.loads(s.run("subscribers", "list", "--json").stdout)
    status = {x["email"]: x["status"] for x in lst}
    assert status["gone@example.org"] == "bouncing", status
    assert status["alice@example.org"] == "confirmed"
    assert {x["email"]: x["topics"] for x in lst}["bob@example.org"] == \
        ["health", "climate"]

    # a second run in the same period sends nothing new
    out = s.run("digest", "send", now=NOW + 3600).stdout.decode()
    assert "already created" in out and "0 sent" in out, out
    assert len(sink.files()) == 3
    # next day: only what is new since the last digest; nothing new -> none
    out = s.run("digest", "send", now=NOW + 86400).stdout.decode()
    assert "0 queued" in out, out
    s.seed_stories(NOW + 86400 + 100, [("Next day climate news",
                                        ["climate"], 50)])
    out = s.run("digest", "send", now=NOW + 86400 + 200).stdout.decode()
    assert "already created" in out, out
    out = s.run("digest", "send", now=NOW + 2 * 86400).stdout.decode()
    assert "3 queued" in out, out  # alice, bob, dave: the one new story
    assert len(sink.files()) == 6

    # weekly: carol gets the week's stories (not the 10-day-old one)
    out = s.run("digest", "send", "--frequency", "weekly",
                now=NOW + 2 * 86400).stdout.decode()
    assert "1 queued" in out, out
    carol = sink.messages()[-1][1]
    assert carol["To"].addresses[0].addr_spec == "carol@example.org"
    assert "Old story from last week" not in carol.get_body(
        ("plain",)).get_content()

    # pending import: a confirmation mail with a signed confirm link
    with open(os.path.join(tmp, "more.csv"), "w") as f:
        f.write("email,name,organization,topics,frequency\n"
                "frank@example.org,Frank,,,weekly\n"
                "alice@example.org,Alice again,,,daily\n")
    out = s.run("subscribers", "import",
                os.path.join(tmp, "more.csv")).stdout.decode()
    assert "imported 1" in out and "1 already known" in out, out
    s.run("digest", "send", now=NOW + 2 * 86400 + 60)
    raw, conf = sink.messages()[-1]
    assert conf["To"].addresses[0].addr_spec == "frank@example.org"
    assert "confirm" in conf["Subject"].lower()
    assert conf["Auto-Submitted"] == "auto-generated"
    text = conf.get_body(("plain",)).get_content()
    link = re.search(r"https://news.example.org/subscribe/confirm\?t=(\S+)",
                     text).group(1)
    assert mailtest.verify_token(key, link, "confirm", NOW) == \
        str(dict(s.sql("SELECT email, id FROM subscribers"))[
            "frank@example.org"])

    # rows queued by web/ with an empty body: an inquiry's acknowledgement
    # and team notification, composed by the sender
    iid = s.sql("INSERT INTO inquiries(organization, name, email, kind, "
                "message, created) VALUES ('Water\r\nBcc: x@example.org', "
                "'Ines', 'ines@example.net', 'content', 'Hello <team>!', ?) "
                "RETURNING id", (NOW,))[0][0]
    for kind, dkey, rcpt in (("ack", "ack:inquiry:%d" % iid, "ines@example.net"),
                            ("notify", "notify:inquiry:%d:team" % iid,
                             "team@example.org")):
        s.sql("INSERT INTO outbox(kind, dedupe_key, recipient, subject, "
              "next_attempt, created) VALUES (?, ?, ?, 'x', 0, ?)",
              (kind, dkey, rcpt, NOW))
    # a confirm row for an address that is already confirmed (the web form
    # does not reveal it): "already subscribed" with the preferences link
    s.sql("INSERT INTO outbox(kind, dedupe_key, recipient, subject, "
          "next_attempt, created) VALUES ('confirm', 'confirm:again', "
          "'alice@example.org', 'x', 0, ?)", (NOW,))
    before = len(sink.files())
    s.run("digest", "send", now=NOW + 2 * 86400 + 120)
    got = {m["To"].addresses[0].addr_spec: m
           for _, m in sink.messages()[before:]}
    assert set(got) == {"ines@example.net", "team@example.org",
                        "alice@example.org"}, got.keys()
    again = got["alice@example.org"]
    assert "already subscribed" in again["Subject"], again["Subject"]
    tok = re.search(r"https://news.example.org/preferences\?t=([\w-]+)",
                    again.get_body(("plain",)).get_content()).group(1)
    assert mailtest.verify_token(key, tok, "preferences", NOW) == \
        str(sub_ids["alice@example.org"])
    ack, note = got["ines@example.net"], got["team@example.org"]
    assert ack["Auto-Submitted"] == "auto-generated"
    assert "we received your message" in ack["Subject"]
    assert "Hello <team>!" in ack.get_body(("plain",)).get_content()
    assert "Hello &lt;team&gt;!" in ack.get_body(("html",)).get_content()
    # the organization is user input: its line break never splits a header
    assert note["Subject"] == "New partnership inquiry: Water  Bcc: " \
        "x@example.org", note["Subject"]
    assert note["Bcc"] is None
    assert "ines@example.net" in note.get_body(("plain",)).get_content()

    # a bad line imports nothing (header injection through a name)
    with open(os.path.join(tmp, "bad.csv"), "w") as f:
        f.write('email,name,organization,topics,frequency\n'
                'ok@example.org,Ok,,,daily\n'
                'eve@example.org,"Eve\r\nBcc: all@example.org",,,daily\n'
                'not-an-address,x,,,daily\n')
    p = s.run("subscribers", "import", os.path.join(tmp, "bad.csv"),
              check=False)
    assert p.returncode == 1 and b"nothing imported" in p.stderr, p.stderr
    assert not s.sql("SELECT 1 FROM subscribers WHERE email = "
                     "'ok@example.org'")

    # export (CSV and JSON) and delete
    exp = s.run("subscribers", "export").stdout.decode()
    rows = list(csv.DictReader(io.StringIO(exp)))
    assert {r["email"] for r in rows} >= {"alice@example.org",
                                          "frank@example.org"}
    assert [r for r in rows if r["email"] == "bob@example.org"][0][
        "topics"] == "health;climate"
    assert all(r["consent_source"] == "import" for r in rows)
    js = json.loads(s.run("subscribers", "export", "--json").stdout)
    assert all("consent_time" in x for x in js)
    s.run("subscribers", "delete", "bob@example.org")
    assert not s.sql("SELECT 1 FROM subscribers WHERE email = "
                     "'bob@example.org'")
    p = s.run("subscribers", "delete", "nobody@example.org", check=False)
    assert p.returncode == 1
    assert s.run("digest", "bogus", check=False).returncode == 2
    assert s.run("subscribers", check=False).returncode == 2


def raw_header(msgs, rcpt, name):
    for raw, m in msgs:
        if m["To"].addresses[0].addr_spec == rcpt:
            head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
            unfolded = re.sub(r"\r\n[ \t]", " ", head)
            for line in unfolded.split("\r\n"):
                if line.lower().startswith(name.lower() + ":"):
                    return line
    return ""


def check_message(raw, m, key):
    """Every digest: RFC 5322 shape, list headers, both parts, links."""
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
    head, body = raw.split(b"\r\n\r\n", 1)
    for line in body.split(b"\r\n"):
        assert len(line) <= 76, line
    for line in head.split(b"\r\n"):
        assert len(line) <= 998
        if b"https://" not in line:
            assert len(line) <= 78, line
    assert m["From"].addresses[0].addr_spec == "news@example.org"
    assert m["Reply-To"].addresses[0].addr_spec == "team@example.org"
    assert m["Date"].datetime.timestamp() == NOW
    assert re.fullmatch(r"<[0-9a-f]+\.\d+@example\.org>", m["Message-ID"])
    assert m["List-Id"].endswith("<digest.news.example.org>")
    unsub = m["List-Unsubscribe"]
    assert re.search(r"<https://news\.example\.org/unsubscribe\?t=[\w-]+>",
                     unsub), unsub
    assert "<mailto:team@example.org?subject=unsubscribe>" in unsub
    assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert m["MIME-Version"] == "1.0"
    assert m.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in m.iter_parts()]
    assert parts == ["text/plain", "text/html"], parts
    for p in m.iter_parts():
        assert p["Content-Transfer-Encoding"] == "quoted-printable"
        assert p.get_content_charset() == "utf-8"
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    assert "Continue reading on the source site: https://src.example.net/s/" \
        in text
    assert ">Continue reading on the source site</a>" in html
    assert 'href="https://src.example.net/s/' in html
    for purpose, path in (("preferences", "/preferences"),
                          ("unsubscribe", "/unsubscribe")):
        tok = re.search(r"https://news\.example\.org%s\?t=([\w-]+)" % path,
                        text).group(1)
        mailtest.verify_token(key, tok, purpose, NOW)
        assert "https://news.example.org%s?t=%s" % (path, tok) in html
    # tampering is caught by the same check
    bad = tok[:-2] + ("A" if tok[-2] != "A" else "B") + tok[-1]
    try:
        mailtest.verify_token(key, bad, "unsubscribe", NOW)
        raise AssertionError("tampered token verified")
    except AssertionError as e:
        if "verified" in str(e):
            raise


if __name__ == "__main__":
    main()
