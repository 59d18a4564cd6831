#!/usr/bin/python3
"""HTTP tests of `syndic serve` over loopback: every route, status codes,
conditional requests, gzip, headers, feeds well-formed, hostile targets
answered with 4xx and never a crash.

The site is written by the unit-test helper `unit_web_test_sitedata --write
DB` (built beside the syndic binary), which uses the store API so that the
search index is built as in production.
Usage: test_web.py SYNDIC_BIN   (exit 77 = skipped)"""
import gzip
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

BIN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SYNDIC_BIN", "")
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Site:
    def __init__(self, port):
        self.port = port

    def req(self, method, path, headers=None, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            c.putheader(k, v)
        if body is not None:
            c.putheader("Content-Length", str(len(body)))
        c.endheaders(body)
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, hdrs, data

    def get(self, path, headers=None):
        return self.req("GET", path, headers)

    def raw(self, data):
        """Send raw bytes; return the status code (0 if the server closed)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.sendall(data)
        buf = b""
        try:
            while b"\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            pass
        s.close()
        parts = buf.split(b" ", 2)
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def wait_up(site, proc):
    for _ in range(100):
        if proc.poll() is not None:
            return False
        try:
            st, _, _ = site.get("/healthz")
            if st == 200:
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def test_routes(site):
    cases = [
        ("/", 200, "text/html"),
        ("/?before=1764300000.5", 200, "text/html"),
        ("/partners", 200, "text/html"),
        ("/partner", 200, "text/html"),
        ("/subscribe", 200, "text/html"),
        ("/subscribe/confirm?t=junk", 400, "text/html"),
        ("/preferences", 400, "text/html"),
        ("/unsubscribe?t=", 400, "text/html"),
        ("/t/climate", 200, "text/html"),
        ("/s/1", 200, "text/html"),
        ("/search?q=rivers", 200, "text/html"),
        ("/search", 200, "text/html"),
        ("/feed.xml", 200, "application/rss+xml"),
        ("/atom.xml", 200, "application/atom+xml"),
        ("/feed.json", 200, "application/feed+json"),
        ("/t/climate/feed.xml", 200, "application/rss+xml"),
        ("/t/climate/atom.xml", 200, "application/atom+xml"),
        ("/t/climate/feed.json", 200, "application/feed+json"),
        ("/s/2/feed.xml", 200, "application/rss+xml"),
        ("/s/2/atom.xml", 200, "application/atom+xml"),
        ("/s/2/feed.json", 200, "application/feed+json"),
        ("/opml", 200, "text/x-opml"),
        ("/sitemap.xml", 200, "application/xml"),
        ("/robots.txt", 200, "text/plain"),
        ("/favicon.ico", 200, "image/svg+xml"),
        ("/static/site.css", 200, "text/css"),
        ("/static/site.js", 200, "application/javascript"),
        ("/healthz", 200, "text/plain"),
        ("/metrics", 200, "text/plain"),
        ("/a/1", 301, None),
        ("/a/1/wrong-slug", 301, None),
        ("/share/1/facebook", 302, None),
        ("/nope", 404, "text/html"),
        ("/a/999999/x", 404, "text/html"),
        ("/a/abc/x", 404, "text/html"),
        ("/s/999", 404, "text/html"),
        ("/t/nope", 404, "text/html"),
        ("/t/nope/feed.xml", 404, "text/html"),
        ("/s/999/atom.xml", 404, "text/html"),
        ("/share/1/myspace", 404, "text/html"),
        ("/static/nope.css", 404, "text/html"),
        ("/?before=junk", 400, "text/html"),
    ]
    for path, want, ctype in cases:
        st, h, body = site.get(path)
        check(st == want, f"{path}: status {st}, want {want}")
        if ctype:
            check(h.get("content-type", "").startswith(ctype),
                  f"{path}: content-type {h.get('content-type')}")
        csp = h.get("content-security-policy", "")
        check("default-src 'self'" in csp and "unsafe-inline" not in csp
              and "frame-ancestors 'none'" in csp, f"{path}: CSP {csp!r}")
        check(h.get("x-content-type-options") == "nosniff", f"{path}: nosniff")
        check("referrer-policy" in h, f"{path}: Referrer-Policy")
        if want == 404:
            check(b"Page not found" in body or b"There is no" in body,
                  f"{path}: 404 page says why")


def test_conditional_and_gzip(site):
    st, h, body = site.get("/")
    etag, lm = h.get("etag"), h.get("last-modified")
    check(st == 200 and etag and etag.startswith('"'), "strong ETag on /")
    check(lm is not None, "Last-Modified on /")
    check("max-age" in h.get("cache-control", ""), "Cache-Control on /")
    st, h2, b2 = site.get("/", {"If-None-Match": etag})
    check(st == 304 and b2 == b"", f"If-None-Match gives 304 (got {st})")
    check(h2.get("etag") == etag, "304 carries the ETag")
    st, _, _ = site.get("/", {"If-None-Match": '"other"'})
    check(st == 200, "a different ETag gives 200")
    st, _, _ = site.get("/", {"If-Modified-Since": lm})
    check(st == 304, f"If-Modified-Since gives 304 (got {st})")
    st, hz, bz = site.get("/", {"Accept-Encoding": "br, gzip;q=0.8"})
    check(hz.get("content-encoding") == "gzip", "gzip when accepted")
    check("accept-encoding" in hz.get("vary", "").lower(), "Vary")
    check(gzip.decompress(bz) == body, "gzip body inflates to the page")
    check(hz.get("etag") != etag, "gzip variant has its own ETag")
    st, hq, _ = site.get("/", {"Accept-Encoding": "gzip;q=0"})
    check("content-encoding" not in hq, "gzip;q=0 is refused")
    st, hh, bh = site.req("HEAD", "/")
    check(st == 200 and bh == b"" and
          hh.get("content-length") == str(len(body)), "HEAD /")
    # Unknown query parameters do not make cache entries.
    _, _, m0 = site.get("/metrics")
    for i in range(5):
        site.get(f"/?junk={i}")
    _, _, m1 = site.get("/metrics")

    def misses(m):
        for line in m.decode().splitlines():
            if line.startswith("syndic_http_cache_misses_total "):
                return int(line.split()[1])
        return -1
    check(misses(m1) == misses(m0), "cache-busting queries are not cached")
    # Cached answers are byte-identical.
    st, _, again = site.get("/")
    check(again == body, "cached page is stable")


def test_article(site):
    st, h, body = site.get("/a/1")
    loc = h.get("location", "")
    check(st == 301 and "/a/1/" in loc, "/a/1 redirects to its slug")
    # The first fixture (English, two authors, in a cluster) is item 25.
    st, _, page = site.get("/a/25/rivers-rise-as-rains-return")
    html = page.decode()
    check(st == 200, "article 200")
    check('<link rel="canonical" href="https://source0.example.org/story/0">'
          in html, "canonical to the original")
    check('href="https://source0.example.org/story/0" rel="noopener">'
          'Continue reading on the source site</a>' in html, "continue link")
    check('<time datetime="2025-11-29T01:06:40Z">' in html, "time element")
    check("Ana Lima" in html and "Bo Chen" in html, "authors")
    check('src="https://img.example.org/river.jpg"' in html, "lead image")
    check("<p>The <em>rivers</em> of the valley rose again.</p>" in html,
          "safe excerpt rendered raw")
    check("Also reported by" in html and "Agency Wire" in html, "also by")
    check("Related stories" in html, "related")
    check("Pin It on Pinterest" in html and "Share This" in html, "sharing")
    for net in ["pinterest", "facebook", "x", "linkedin", "whatsapp",
                "telegram", "reddit", "email"]:
        check(f'href="/share/25/{net}"' in html, f"share link {net}")
    check('action="/subscribe"' in html and 'name="csrf"' in html and
          'name="frequency"' in html and 'name="topics"' in html,
          "subscribe form")
    check("Join our partner mailing list to receive the latest news and "
          "updates from our team and start the journey as a partner." in html,
          "subscribe text")
    check('href="/partner"' in html and
          "Connect with us to build a partnership" in html, "partner CTA")
    check('property="og:title"' in html and 'name="twitter:card"' in html,
          "OpenGraph and Twitter tags")
    check('class="badge"' in html, "partner badge")
    start = html.index('<script type="application/ld+json">') + 35
    ld = json.loads(html[start:html.index("</script>", start)])
    check(ld["@type"] == "NewsArticle" and ld["headline"], "JSON-LD")
    # The hostile fixture: escaped everywhere, JSON-LD cannot close early.
    st, _, page = site.get("/a/30/script-alert-t-script-quotes-title")
    html = page.decode()
    check("<script>alert" not in html, "hostile title escaped")
    start = html.index('<script type="application/ld+json">') + 35
    raw = html[start:html.index("</script>", start)]
    check("<" not in raw and json.loads(raw)["headline"].startswith(
        "<script>"), "JSON-LD escapes '<'")
    # Right-to-left, with a slug in its own script.
    st, h, _ = site.get("/a/27")
    loc = h.get("location", "")
    check(loc == "/a/27/%D8%A7%D9%84%D9%85%D9%86%D8%A7%D8%AE-%D9%88%D8%A7"
          "%D9%84%D9%85%D8%A7%D8%A1", f"Arabic slug {loc}")
    st, _, page = site.get(loc)
    html = page.decode()
    check(st == 200 and '<html lang="ar" dir="rtl">' in html,
          "Arabic story page is rtl")
    st, _, _ = site.get("/a/27/story")
    check(st == 301, "old ASCII slug redirects")


def test_search(site):
    for q, word in [("rivers", "rivers"),
                    ("%E5%8C%97%E4%BA%AC", "\u5317"),
                    ("%D8%A7%D9%84%D9%85%D8%A7%D8%A1", "\u0627\u0644\u0645"),
                    ("%D0%B2%D0%BE%D0%B4%D0%B5", "\u0432\u043e\u0434")]:
        st, _, body = site.get("/search?q=" + q)
        html = body.decode()
        check(st == 200 and "<mark>" in html and word in html,
              f"search {q} finds and highlights")
    for q in ["", "+++", "%22(AND*%5E", "NEAR(a)", "a" * 3000,
              "%F0%9F%92%A9"]:
        st, _, body = site.get("/search?q=" + q)
        check(st == 200, f"search {q[:20]!r} answered gracefully ({st})")
    st, _, _ = site.get("/search?q=" + "a" * 5000)
    check(st == 413, f"overlong query is 413 ({st})")
    st, _, body = site.get("/search?q=filler")
    html = body.decode()
    check(html.count("<h2><a") == 20 and
          'href="/search?q=filler&amp;start=20"' in html, "search page 1")
    st, _, body = site.get("/search?q=filler&start=20")
    check(st == 200 and body.decode().count("<h2><a") == 4, "search page 2")
    for bad in ["-1", "x", "1001"]:
        st, _, _ = site.get("/search?q=filler&start=" + bad)
        check(st == 400, f"start={bad} is 400 ({st})")


def test_feeds(site):
    st, _, body = site.get("/feed.xml")
    rss = ET.fromstring(body)
    ch = rss.find("channel")
    check(rss.tag == "rss" and rss.get("version") == "2.0", "rss root")
    for tag in ["title", "link", "description"]:
        check(ch.find(tag) is not None and ch.find(tag).text, f"rss {tag}")
    items = ch.findall("item")
    check(len(items) > 5, "rss items")
    for it in items:
        check("/a/" in it.find("link").text, "rss item links to its page")
        src = it.find("source")
        check(src is not None and src.get("url", "").startswith("http"),
              "rss item links to the source")
        check(it.find("pubDate") is not None, "rss pubDate")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    st, _, body = site.get("/atom.xml")
    atom = ET.fromstring(body)
    for tag in ["id", "title", "updated"]:
        check(atom.find("a:" + tag, ns) is not None, f"atom {tag}")
    entries = atom.findall("a:entry", ns)
    check(len(entries) > 5, "atom entries")
    for e in entries:
        for tag in ["id", "title", "updated"]:
            check(e.find("a:" + tag, ns) is not None, f"atom entry {tag}")
        rels = {l.get("rel"): l.get("href") for l in e.findall("a:link", ns)}
        check("/a/" in rels.get("alternate", ""), "atom alternate link")
        check(rels.get("related", "").startswith("https://"),
              "atom related link to the original")
    st, _, body = site.get("/feed.json")
    jf = json.loads(body)
    check(jf["version"] == "https://jsonfeed.org/version/1.1", "json version")
    check(all("/a/" in i["url"] and i["external_url"].startswith("http")
              for i in jf["items"]), "json feed links")
    st, _, body = site.get("/t/climate/feed.xml")
    check(len(ET.fromstring(body).find("channel").findall("item")) > 0,
          "topic feed has items")
    st, _, body = site.get("/opml")
    opml = ET.fromstring(body)
    check(len(opml.findall("body/outline")) == 3, "opml lists the sources")
    st, _, body = site.get("/sitemap.xml")
    sm = ET.fromstring(body)
    check(len(sm.findall("{http://www.sitemaps.org/schemas/sitemap/0.9}url"))
          > 30, "sitemap urls")


def test_feeds_parse(site):
    """The XML feeds as a feed reader sees them (Debian's feedparser 6.0
    has no JSON Feed support; test_feeds checks that one)."""
    try:
        import feedparser
    except ImportError:
        print("note: python3-feedparser missing, feed parse check skipped")
        return
    for path, version in [("/feed.xml", "rss20"), ("/atom.xml", "atom10"),
                          ("/t/climate/atom.xml", "atom10")]:
        _, h, body = site.get(path)
        d = feedparser.parse(body, response_headers={
            "content-type": h.get("content-type", "")})
        check(not d.bozo, f"{path}: feedparser finds no error "
              f"({d.get('bozo_exception')!r})")
        check(d.version == version, f"{path}: version {d.version}")
        check(len(d.entries) > 0 and all(e.get("link") for e in d.entries),
              f"{path}: entries with links")


def test_share_and_metrics(site):
    st, h, _ = site.get("/share/25/facebook")
    check(st == 302 and h.get("location", "").startswith(
        "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2F"),
        "facebook share redirect")
    check(h.get("cache-control") == "no-store", "share not cacheable")
    st, h, _ = site.get("/share/25/pinterest")
    loc = h.get("location", "")
    check("media=https%3A%2F%2Fimg.example.org%2Friver.jpg" in loc,
          "pinterest gets the lead image")
    st, h, _ = site.get("/share/25/email")
    check(h.get("location", "").startswith("mailto:?subject="), "mail share")
    st, _, body = site.get("/metrics")
    m = body.decode()
    check('syndic_shares_total{network="facebook"} 2' in m, "share counted")
    check('syndic_http_requests_total{route="article",status="200"}' in m,
          "requests by route")
    check("syndic_http_request_duration_seconds_bucket" in m, "histogram")
    check("syndic_http_cache_hits_total" in m, "cache hits")
    check("syndic_store_items" in m, "store gauges")


def test_hostile(site):
    cases = [
        b"GET /static/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /static/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /a/%00/x HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /t/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /t/%C0%AF HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /search?q=%ff HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /search?q=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /static\\..\\x HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /?" + b"&".join(b"k%d=v" % i for i in range(100)) +
        b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 70000 + b"\r\n\r\n",
        b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
        b"GET relative HTTP/1.1\r\nHost: x\r\n\r\n",
    ]
    for raw in cases:
        st = site.raw(raw)
        check(400 <= st < 500, f"{raw[:50]!r}: 4xx (got {st})")
    st, _, _ = site.get("/healthz")
    check(st == 200, "server alive after hostile requests")


def test_partners(site):
    st, _, page = site.get("/partners")
    html = page.decode()
    check(st == 200, "partners 200")
    blocks = {}
    for b in html.split('<li class="partner">')[1:]:
        name = "River Network" if "River Network" in b else \
            "Quiet Partner" if "Quiet Partner" in b else "?"
        blocks[name] = b
    river, quiet = blocks.get("River Network", ""), blocks.get("Quiet Partner", "")
    check('<ul class="partner-stories">' in river and
          river.count('<li><a href="/a/') == 3,
          "a partner lists its three latest stories")
    check('href="https://rivers.example.org/"' in river, "partner link")
    check(quiet and "partner-stories" not in quiet,
          "a partner without sources lists no stories")


def test_pagination(site):
    st, _, body = site.get("/")
    html = body.decode()
    check(html.count('<li class="story"') == 20, "20 stories per page")
    check('<a href="/t/climate">Climate</a>' in html, "topic links on home")
    i = html.index('rel="next" href="') + 17
    nxt = html[i:html.index('"', i)].replace("&amp;", "&")
    st, _, body2 = site.get(nxt)
    check(st == 200 and body2.decode().count('<li class="story"') == 10,
          "second page has the rest")


def test_bad_theme(db, tmp):
    """A broken theme template stops start-up with file:line."""
    theme = os.path.join(tmp, "theme")
    os.makedirs(os.path.join(theme, "templates"), exist_ok=True)
    with open(os.path.join(theme, "templates", "home.html"), "w") as f:
        f.write("<h1>\n{{#stories}}\n")
    r = subprocess.run([BIN, "--db", db, "serve", "--listen",
                        f"127.0.0.1:{free_port()}", "--theme", theme],
                       capture_output=True, text=True, timeout=20)
    check(r.returncode == 1 and
          "home.html:2: unclosed section 'stories'" in r.stderr,
          f"bad theme refused with file:line ({r.returncode}, {r.stderr!r})")


def test_subscribe_box_everywhere(site):
    """The subscribe box is on every page, once; the subscription pages
    are their own form."""
    for path, want in [("/", 200), ("/t/climate", 200), ("/s/1", 200),
                       ("/search?q=river", 200), ("/partners", 200),
                       ("/partner", 200), ("/no/such/page", 404),
                       ("/a/25/rivers-rise-as-rains-return", 200)]:
        st, _, body = site.get(path)
        html = body.decode()
        check(st == want and html.count('<section class="subscribe"') == 1 and
              html.count('action="/subscribe"') == 1 and
              'name="csrf"' in html and 'name="topics"' in html and
              "Join our partner mailing list" in html,
              f"subscribe box on {path}")
    st, _, body = site.get("/subscribe")
    check(body.decode().count('action="/subscribe"') == 1,
          "one subscribe form on /subscribe")


def test_port_taken(site, db):
    """A second serve on a port in use fails; the first keeps serving
    (the server threads share their port with SO_REUSEPORT, which must
    not let another process join it)."""
    r = subprocess.run([BIN, "--db", db, "serve", "--listen",
                        f"127.0.0.1:{site.port}", "--no-fetch", "--no-mail"],
                       capture_output=True, text=True, timeout=20)
    check(r.returncode == 1 and "address in use" in r.stderr,
          f"second serve on the port refused ({r.returncode}, {r.stderr!r})")
    st, _, _ = site.get("/")
    check(st == 200, "the first server still answers")


def main():
    if not BIN or not os.path.exists(BIN):
        print("skip: no syndic binary")
        return 77
    helper = os.path.join(os.path.dirname(os.path.abspath(BIN)),
                          "unit_web_test_sitedata")
    if not os.path.exists(helper):
        print("skip: unit_web_test_sitedata not built")
        return 77
    tmp = tempfile.mkdtemp(prefix="syndic-web-")
    db = os.path.join(tmp, "site.db")
    subprocess.run([helper, "--write", db], check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    conf = os.path.join(tmp, "syndic.ini")
    with open(conf, "w") as f:
        f.write("[site]\ntitle = First Title\nlanguage = en\n"
                "tagline = Stories & more from <partners>\n")
    proc = subprocess.Popen([BIN, "--db", db, "--config", conf, "serve",
                             "--listen", f"127.0.0.1:{port}", "--no-fetch",
                             "--no-mail", "--base-url", base])
    site = Site(port)
    try:
        if not wait_up(site, proc):
            print("FAIL: server did not start")
            return 1
        for t in [test_routes, test_conditional_and_gzip, test_article,
                  test_search, test_feeds, test_feeds_parse,
                  test_share_and_metrics,
                  test_hostile, test_partners, test_pagination,
                  test_subscribe_box_everywhere]:
            try:
                t(site)
            except Exception as e:  # a crash of the test is a failure too
                FAILS.append(f"{t.__name__}: {e!r}")
                print("FAIL:", t.__name__, repr(e))
        st, _, body = site.get("/")
        check(b"First Title" in body, "site title from the configuration")
        check(b"Stories &amp; more from &lt;partners&gt;" in body,
              "tagline, escaped")
        with open(conf, "w") as f:
            f.write("[site]\ntitle = Second Title\nlanguage = en\n")
        proc.send_signal(signal.SIGHUP)
        for _ in range(50):
            time.sleep(0.05)
            st, _, body = site.get("/")
            if b"Second Title" in body:
                break
        check(st == 200 and b"Second Title" in body,
              "SIGHUP reloads the configuration")
        test_bad_theme(db, tmp)
        test_port_taken(site, db)
        with open(conf, "w") as f:
            f.write("[site]\nnot a line\n")
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        st, _, body = site.get("/")
        check(st == 200 and b"Second Title" in body,
              "a bad configuration leaves the running site")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = -1
        check(rc == 0, f"clean exit on SIGTERM (rc {rc})")
        subprocess.run(["rm", "-rf", tmp])
    print(f"{len(FAILS)} failure(s)")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
