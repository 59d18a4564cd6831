#!/usr/bin/python3
"""Ingest with the worker pool: the same stored result whatever the
number of parsing threads.

60 feeds on 127.0.0.1 share wire stories (lightly edited copies: one
cluster each), carry each other's links with tracking parameters
(cross-source duplicates), match keyword topics, and include a page that
is not a feed and a failing one. `syndic fetch --all` runs with
[fetch] workers = 1, 2 and 4:
  - with concurrency = 1 the completion order is fixed, so every stored
    row (items, excerpts, clusters, topics, source state) and the
    summary line must be identical;
  - with concurrency = 16 the order varies: the summary line, the item
    set, the topics and the cluster partition must still be identical.
A second pass (all 304) must give the same summary each time.
Usage: test_ingest_workers.py SYNDIC_BIN
"""
import http.server
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading

BIN = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="syndic-workers-")
N_FEEDS = 60

rng = random.Random(5)
WORDS = ("river council school market harvest bridge railway storm budget "
         "hospital election museum festival drought forest harbour factory "
         "teacher farmer nurse engineer mayor village city coast mountain "
         "valley library stadium theatre bakery orchard vineyard mine port "
         "airport clinic court prison parliament union strike price wage "
         "rain snow wind sun cloud flood fire road tunnel canal dam").split()


def text(n, r):
    return " ".join(r.choice(WORDS) for _ in range(n)).capitalize() + "."


WIRE = [text(250, rng) for _ in range(8)]


def edit(s, i):
    """A partner's lightly edited copy: its own closing line."""
    return s + " Reported for partner number %d." % i


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;")


def story(i, j):
    return text(60, random.Random(1000 * i + j))


def make_feed(i):
    items = []
    for j in range(10):
        items.append(("f%d-%d" % (i, j), "https://f%d.example.org/s/%d" % (i, j),
                      "Story %d of feed %d" % (j, i), story(i, j)))
    w = i % len(WIRE)
    items.append(("f%d-w" % i, "https://f%d.example.org/wire/%d" % (i, w),
                  "Wire story %d" % w, edit(WIRE[w], i)))
    # The previous feed's first story, under a tracking URL: whichever
    # copy is stored first, the other is a duplicate.
    p = (i - 1) % N_FEEDS
    items.append(("f%d-dup" % i,
                  "https://F%d.example.org:443/s/0?utm_source=x&fbclid=1" % p,
                  "Story 0 of feed %d" % p, story(p, 0)))
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
           "<title>Feed %d</title><link>https://f%d.example.org/</link>"
           "<description>d</description>" % (i, i)]
    for guid, link, title, body in items:
        out.append("<item><title>%s</title><link>%s</link><guid>%s</guid>"
                   "<description><![CDATA[<p>%s <a href=\"/more\">more</a>"
                   "</p><img src=\"https://img.example.org/%s.jpg\" "
                   "width=\"600\" height=\"400\">]]></description>"
                   "<pubDate>Mon, 23 Nov 2026 09:00:00 +0000</pubDate></item>"
                   % (esc(title), esc(link), esc(guid), esc(body), guid))
    out.append("</channel></rss>")
    return "".join(out).encode()


FEEDS = {"/f%d.xml" % i: make_feed(i) for i in range(N_FEEDS)}


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
        if p in FEEDS:
            tag = '"%s"' % p
            if self.headers.get("If-None-Match") == tag:
                return self.reply(304, headers=[("ETag", tag)])
            return self.reply(200, FEEDS[p],
                              [("Content-Type", "application/rss+xml"),
                               ("ETag", tag)])
        if p == "/notfeed.xml":
            return self.reply(200, b"<html><body>not a feed</body></html>",
                              [("Content-Type", "text/html")])
        return self.reply(500)


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
BASE = "http://127.0.0.1:%d" % server.server_address[1]
URLS = [BASE + p for p in sorted(FEEDS)] + [BASE + "/notfeed.xml",
                                            BASE + "/fail.xml"]

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(name, workers, concurrency):
    """Fetch every source twice into a fresh database; returns the two
    summary lines and the path of the database."""
    d = os.path.join(TMP, name)
    os.mkdir(d)
    conf, db = os.path.join(d, "t.ini"), os.path.join(d, "t.db")
    with open(conf, "w") as f:
        f.write("[fetch]\nallow_private = true\nconcurrency = %d\n"
                "per_host = %d\nworkers = %d\n"
                "[topics]\nwater = flood, river, rain\n"
                "education = school, teacher\n"
                % (concurrency, concurrency, workers))
    with open(os.path.join(d, "feeds.opml"), "w") as f:
        f.write('<?xml version="1.0"?><opml version="2.0"><body>')
        for u in URLS:
            f.write('<outline type="rss" text="x" xmlUrl="%s"/>' % u)
        f.write("</body></opml>")

    def sy(*args):
        r = subprocess.run([BIN, "--config", conf, "--db", db] + list(args),
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "%s: syndic %s: %s" % (name, args, r.stderr))
        return r.stdout

    sy("init")
    sy("opml", "import", os.path.join(d, "feeds.opml"))
    lines = []
    for _ in range(2):
        out = sy("fetch", "--all")
        line = [x for x in out.splitlines() if x.startswith("fetch:")]
        # Drop the time, which varies.
        lines.append(line[0].rsplit(",", 1)[0] if line else out)
    return lines, db


def dump(db):
    """Everything stored, keyed by (source URL, guid), ids left out."""
    con = sqlite3.connect(db)
    try:
        key = {i: (u, g) for i, u, g in con.execute(
            "SELECT i.id, s.url, i.guid FROM items i"
            " JOIN sources s ON s.id = i.source_id")}
        clusters = {}
        for i, c in con.execute(
                "SELECT id, cluster_id FROM items WHERE cluster_id IS NOT NULL"):
            clusters.setdefault(c, set()).add(key[i])
        partition = sorted(sorted(m) for m in clusters.values())
        cluster_of = {k: min(m) for m in clusters.values() for k in m}
        topics = {}
        for i, slug in con.execute(
                "SELECT it.item_id, t.slug FROM item_topics it"
                " JOIN topics t ON t.id = it.topic_id"):
            topics.setdefault(key[i], set()).add(slug)
        items = sorted(
            (key[r[0]],) + tuple(r[1:]) +
            (cluster_of.get(key[r[0]]), sorted(topics.get(key[r[0]], ())))
            for r in con.execute(
                "SELECT id, url, canonical_url, title, summary_html,"
                " content_html, excerpt_html, excerpt_text, image,"
                " content_hash, simhash FROM items"))
        found = con.execute("SELECT count(*) FROM items_fts"
                            " WHERE items_fts MATCH 'river'").fetchone()[0]
        state = sorted(con.execute(
            "SELECT url, title, site_url, etag, last_status, errors,"
            " coalesce(last_error, '') FROM sources"))
        canon = sorted(con.execute(
            "SELECT i.canonical_url, group_concat(t.slug) FROM items i"
            " LEFT JOIN (SELECT * FROM item_topics ORDER BY topic_id) it"
            " ON it.item_id = i.id LEFT JOIN topics t ON t.id = it.topic_id"
            " GROUP BY i.id"), key=repr)
        canon_of = {i: c for i, c in con.execute(
            "SELECT id, canonical_url FROM items")}
        by_canon = sorted(sorted(canon_of[i] for i, k in key.items()
                                 if k in m) for m in clusters.values())
        return {"items": items, "partition": partition, "fts": found,
                "state": state, "keys": sorted(key.values()),
                "topics": sorted((k, sorted(v)) for k, v in topics.items()),
                "canon": canon, "clusters": by_canon}
    finally:
        con.close()


try:
    ref_lines, ref_db = run("w1c1", 1, 1)
    ref = dump(ref_db)
    print(ref_lines[0])
    print(ref_lines[1])
    n = len(URLS)
    check(ref_lines[0] == "fetch: %d sources, %d fetched, 0 not modified, 2 failed,"
          " %d new, 0 updated, %d duplicates"
          % (n, N_FEEDS, N_FEEDS * 11, N_FEEDS), "first pass: " + ref_lines[0])
    check(ref_lines[1].startswith("fetch: %d sources, 0 fetched, %d not modified,"
                                  " 2 failed, 0 new" % (n, N_FEEDS)),
          "second pass: " + ref_lines[1])
    check(sorted(len(m) for m in ref["partition"]) ==
          sorted(len(range(w, N_FEEDS, len(WIRE))) for w in range(len(WIRE))),
          "one cluster per wire story: %r" % [len(m) for m in ref["partition"]])
    check(ref["fts"] > 0, "items are searchable")
    check(len(ref["topics"]) > 0, "keyword topics assigned")
    for workers in (2, 4):
        lines, db = run("w%dc1" % workers, workers, 1)
        got = dump(db)
        check(lines == ref_lines, "workers=%d, ordered: summaries %r" % (workers, lines))
        for k in ref:
            check(got[k] == ref[k], "workers=%d, ordered: same %s" % (workers, k))
    for workers in (1, 4):
        lines, db = run("w%dc16" % workers, workers, 16)
        got = dump(db)
        check(lines == ref_lines, "workers=%d, concurrent: summaries %r" % (workers, lines))
        # Which copy of a duplicated link is kept depends on the order:
        # compare by canonical URL.
        for k in ("canon", "clusters", "fts"):
            check(got[k] == ref[k], "workers=%d, concurrent: same %s" % (workers, k))
finally:
    server.shutdown()
    shutil.rmtree(TMP, ignore_errors=True)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
