#!/usr/bin/python3
"""Ingest end to end: `syndic fetch` against feeds served on 127.0.0.1.

Checks the per-source state machine (200, 304, 410, 500 backoff and
disable, permanent redirect), dedupe by (source, id) and by canonical URL
across sources, updates, SimHash clustering, keyword topics, the SSRF
refusal, and that kill -9 during a fetch leaves all or nothing of a feed.
Usage: test_ingest.py SYNDIC_BIN
"""
import http.server
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

BIN = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="syndic-ingest-")
DB = os.path.join(TMP, "t.db")
CONF = os.path.join(TMP, "t.ini")

WIRE = ("The regional flood early warning system went live on Monday in the "
        "lower river basin, sending text alerts to forty thousand households "
        "when gauges upstream cross danger levels. Engineers spent two years "
        "installing sensors along the tributaries and training volunteers in "
        "every village to relay warnings by radio and loudspeaker. Officials "
        "said the system would have given six hours of notice before last "
        "year's floods, enough to move livestock and seed stores to higher "
        "ground. Funding came from a partnership of local councils and two "
        "international donors, and the data will be published openly so "
        "that schools and farmers can follow river levels in real time.")


def rss(items, title="Feed"):
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
           "<title>%s</title><link>http://example.org/</link>" % title,
           "<description>d</description>"]
    for guid, link, t, body in items:
        out.append("<item><title>%s</title><link>%s</link>" % (t, link))
        if guid:
            out.append("<guid>%s</guid>" % guid)
        out.append("<description><![CDATA[<p>%s</p>]]></description>"
                   "<pubDate>Mon, 23 Nov 2026 09:00:00 +0000</pubDate></item>"
                   % body)
    out.append("</channel></rss>")
    return "".join(out).encode()


FEEDS = {
    "/a.xml": rss([
        ("a1", "https://a.example.org/flood-warning", "Flood warning system live", WIRE),
        ("a2", "https://a.example.org/school", "New school opens", "Pupils and teachers celebrate a new school building in the hills."),
    ], "Alpha"),
    # B carries A's first story under a tracking URL (same canonical URL:
    # not stored twice) and a lightly edited copy of the wire story under
    # its own URL (clustered with A's).
    "/b.xml": rss([
        ("b1", "https://A.example.org:443/flood-warning?utm_source=rss&utm_medium=feed#top", "Flood warning system live", WIRE),
        ("b2", "https://b.example.org/stories/flood", "Flood alerts go live",
         WIRE.replace("went live on Monday", "was switched on on Monday")),
        ("b3", "https://b.example.org/market", "Market prices", "Grain prices fell for a third week as the harvest came in."),
    ], "Beta"),
    "/a2.xml": rss([("m1", "https://m.example.org/1", "Moved feed item", "Text of the moved feed.")], "Moved"),
    "/etag.xml": rss([("e1", "https://e.example.org/1", "Etag item", "Validators item.")], "Etag"),
}
BIG = rss([("big%d" % i, "https://big.example.org/%d" % i, "Story %d" % i,
            ("Paragraph %d about many different things. " % i) * 20)
           for i in range(3000)], "Big")
PAGE = (b'<!doctype html><html><head><title>Etag site</title>'
        b'<link rel="alternate" type="application/rss+xml" href="/etag.xml">'
        b'</head><body>hi</body></html>')
hits = {}
sent_big = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        p = self.path
        hits[p] = hits.get(p, 0) + 1
        if p == "/etag.xml" and self.headers.get("If-None-Match") == '"e1"':
            return self.reply(304, headers=[("ETag", '"e1"')])
        if p in FEEDS:
            h = [("Content-Type", "application/rss+xml")]
            if p == "/etag.xml":
                h.append(("ETag", '"e1"'))
            return self.reply(200, FEEDS[p], h)
        if p == "/moved.xml":
            return self.reply(301, headers=[("Location", "/a2.xml")])
        if p == "/gone.xml":
            return self.reply(410)
        if p == "/fail.xml":
            return self.reply(500)
        if p == "/notfeed.xml":
            return self.reply(200, b"<html><body>not a feed</body></html>",
                              [("Content-Type", "text/html")])
        if p == "/page.html":
            return self.reply(200, PAGE, [("Content-Type", "text/html")])
        if p == "/big.xml":
            self.reply(200, BIG, [("Content-Type", "application/rss+xml")])
            sent_big.set()
            return
        return self.reply(404)


class Server(http.server.ThreadingHTTPServer):
    # socketserver's default backlog of 5 resets connections when syndic
    # opens its transfers at once on a loaded machine.
    request_queue_size = 128
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
BASE = "http://127.0.0.1:%d" % server.server_address[1]

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def syndic(*args, conf=CONF, db=DB, ok=True):
    r = subprocess.run([BIN, "--config", conf, "--db", db] + list(args),
                       capture_output=True, text=True, timeout=120)
    if ok and r.returncode != 0:
        print("command failed:", args, r.stderr)
    return r


def sources():
    return {s["url"].replace(BASE, ""): s
            for s in json.loads(syndic("source", "list", "--json").stdout)}


def q(sql, *args):
    con = sqlite3.connect(DB)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


with open(CONF, "w") as f:
    f.write("[fetch]\nallow_private = true\nmax_errors = 3\n"
            "min_interval = 60\ninterval = 600\n"
            "[topics]\nwater = flood, river\neducation = school\n")

syndic("init")
for path in ["/a.xml", "/b.xml", "/moved.xml", "/gone.xml", "/fail.xml",
             "/etag.xml", "/notfeed.xml"]:
    syndic("source", "add", "--no-check", BASE + path)

# A first, alone: with several transfers at once, whichever of A and B
# is stored first keeps the shared story and the other's copy is the
# duplicate, and the checks below name A as the original.
r = syndic("fetch", "--source", str(sources()["/a.xml"]["id"]))
check(" 1 sources, 1 fetched, 0 not modified, 0 failed, 2 new," in r.stdout,
      "A fetched alone: " + r.stdout)
r = syndic("-v", "fetch", "--all")
print(r.stdout.strip())
check(r.returncode == 0, "fetch --all exits 0")
check(" 7 sources, 4 fetched, 0 not modified, 3 failed, 4 new, 0 updated,"
      " 1 duplicates" in r.stdout, "first summary line: " + r.stdout)
check("gone.xml: failed (now disabled)" in r.stderr, "-v reports the 410")

s = sources()
check(s["/a.xml"]["items"] == 2 and s["/a.xml"]["last_status"] == 200,
      "a.xml stored 2 items")
check(s["/b.xml"]["items"] == 2, "b.xml: the tracking-URL copy is a duplicate")
check(s["/a.xml"]["title"] == "Alpha", "the feed title names the source")
check(not s["/gone.xml"]["enabled"] and "410" in (s["/gone.xml"]["disabled_reason"] or ""),
      "410 disables the source with a reason")
check(s["/fail.xml"]["errors"] == 1 and s["/fail.xml"]["last_status"] == 500,
      "500 counts an error")
check("/a2.xml" in s and "/moved.xml" not in s, "301 moved the source URL")
check(s["/notfeed.xml"]["errors"] == 1 and "not a readable feed" in (s["/notfeed.xml"]["last_error"] or ""),
      "an HTML page is a failure, not a feed")

# Clustering: A's wire story and B's edited copy share a cluster.
rows = q("SELECT url, cluster_id FROM items WHERE url LIKE '%flood%' ORDER BY url")
check(len(rows) == 2 and rows[0][1] and rows[0][1] == rows[1][1],
      "wire story clustered across sources: %r" % rows)
rows = q("SELECT cluster_id FROM items WHERE url LIKE '%market%'")
check(rows and not rows[0][0], "unrelated story not clustered")
# Keyword topics.
topics = dict(q("SELECT i.url, group_concat(t.slug) FROM items i JOIN item_topics it ON it.item_id = i.id JOIN topics t ON t.id = it.topic_id GROUP BY i.id"))
check("water" in (topics.get("https://a.example.org/flood-warning") or ""), "keyword topic water")
check("education" in (topics.get("https://a.example.org/school") or ""), "keyword topic education")
check("https://b.example.org/market" not in topics, "no topic without keywords")
# Sanitized and excerpted.
row = q("SELECT excerpt_text, summary_html FROM items WHERE url = 'https://a.example.org/school'")[0]
check(row[0] and "Pupils" in row[0], "excerpt text stored")
check(row[1] and row[1].startswith("<p>"), "sanitized HTML stored")

# Second pass: 304 for the etag source, nothing new elsewhere.
r = syndic("fetch", "--all")
check(" 0 new, 0 updated," in r.stdout, "second pass stores nothing new: " + r.stdout)
check(sources()["/etag.xml"]["last_status"] == 304, "etag source answered 304")

# A changed item is updated, not duplicated.
FEEDS["/a.xml"] = FEEDS["/a.xml"].replace(b"New school opens", b"New school opens its doors")
r = syndic("fetch", "--source", str(s["/a.xml"]["id"]))
check(" 0 new, 1 updated," in r.stdout, "changed item updated: " + r.stdout)
check(q("SELECT count(*) FROM items WHERE source_id = ?", s["/a.xml"]["id"])[0][0] == 2,
      "still two items in a.xml")

# Failures back off, then disable at max_errors (3).
# (the second --all pass above counted the second failure)
fail_id = str(s["/fail.xml"]["id"])
f = sources()["/fail.xml"]
check(f["errors"] == 2 and f["enabled"], "two failures, still enabled: %r" % f)
check(f["next_fetch"] is not None, "next fetch scheduled after backoff")
syndic("fetch", "--source", fail_id)
f = sources()["/fail.xml"]
check(f["errors"] == 3 and not f["enabled"] and "3 consecutive" in f["disabled_reason"],
      "disabled after 3 failures: %r" % f)
before = hits.get("/fail.xml")
syndic("fetch", "--all")
check(hits.get("/fail.xml") == before, "a disabled source is not polled")

# SSRF: without allow_private, loopback is refused after resolution.
strict = os.path.join(TMP, "strict.ini")
with open(strict, "w") as f:
    f.write("[fetch]\nallow_private = false\n")
before = hits.get("/a2.xml", 0)
r = syndic("-v", "fetch", "--source", str(sources()["/a2.xml"]["id"]), conf=strict)
check(" 1 failed," in r.stdout, "loopback refused: " + r.stdout + r.stderr)
check(hits.get("/a2.xml", 0) == before, "no request reached the server")

# Discovery: a page URL resolves to the feed it announces.
r = syndic("source", "add", BASE + "/page.html", ok=False)
check(r.returncode == 1 and "already source" in r.stderr,
      "page resolved to the known etag feed: " + r.stdout + r.stderr)
check("found feed %s/etag.xml" % BASE in r.stdout, "discovery says which feed")
r = syndic("source", "add", BASE + "/notfeed.xml", ok=False)
check(r.returncode == 1 and "not a feed" in r.stderr, "a page without feeds is refused")

# kill -9 while a big feed is being stored: all or nothing, never half.
syndic("source", "add", "--no-check", BASE + "/big.xml")
big_id = sources()["/big.xml"]["id"]
outcomes = set()
for delay in (0.0, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6):
    sent_big.clear()
    p = subprocess.Popen([BIN, "--config", CONF, "--db", DB, "fetch",
                          "--source", str(big_id)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sent_big.wait(30)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    p.wait()
    n = q("SELECT count(*) FROM items WHERE source_id = ?", big_id)[0][0]
    outcomes.add(n)
    check(n in (0, 3000), "after kill -9 at +%.2fs: %d items (all or none)" % (delay, n))
    check(q("PRAGMA integrity_check")[0][0] == "ok", "integrity after kill -9")
    if n == 3000:
        break
print("kill -9 outcomes:", sorted(outcomes))
r = syndic("fetch", "--source", str(big_id))
check(q("SELECT count(*) FROM items WHERE source_id = ?", big_id)[0][0] == 3000,
      "a full run stores the whole feed: " + r.stdout)

server.shutdown()
subprocess.run(["rm", "-rf", TMP])
print("ingest: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
