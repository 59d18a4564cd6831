#!/usr/bin/python3
"""Test feed server for the fetcher's tests (not a test itself).

Binds 127.0.0.1 on an ephemeral port and prints the port on its first
stdout line, then serves until killed (SIGTERM) or stdin closes.

Routes:
  /feed.xml            RSS with ETag and Last-Modified; honours
                       If-None-Match and If-Modified-Since with 304
  /gzip.xml            the feed, Content-Encoding: gzip
  /deflate.xml         the feed, Content-Encoding: deflate (zlib stream)
  /brotli.xml          the feed, Content-Encoding: br (501 when Debian's
                       python3-brotli is not installed)
  /wrong-type.xml      the feed served as text/plain
  /cache.xml           the feed with Cache-Control: public, max-age=3600
  /r/302 /r/301 /r/308 one redirect of that status to /feed.xml
  /r/chain             301 -> /r/chain2 (302) -> /feed.xml
  /r/loop              redirects to itself forever
  /r/file              302 to file:///etc/hostname
  /r/private?to=URL    302 to URL (to test the guard on redirects)
  /status/N            an empty response of status N (429 carries
                       Retry-After: 120, 503 an HTTP-date 1 h ahead)
  /slow?ms=N           the feed after N ms; counts concurrent requests
  /stall               headers and half a body, then silence for 30 s
  /big?bytes=N         N bytes with a Content-Length
  /big-chunked?bytes=N N bytes without a Content-Length (chunked)
  /bomb                8 MiB of zeros gzip-compressed (~8 KiB on the wire)
  /page.html           an HTML page with <link rel=alternate> feeds
  /headers             the request headers as text/plain
  /stats               JSON {"max_in_flight": N, "requests": N}, then reset
"""
import gzip
import http.server
import json
import sys
import threading
import time
import urllib.parse
import zlib

try:
    import brotli
except ImportError:
    brotli = None

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test feed</title>
<link>http://example.org/</link><description>d</description><ttl>60</ttl>
<item><title>One</title><link>http://example.org/1</link>
<guid>http://example.org/1</guid></item>
</channel></rss>
"""
ETAG = '"v1-abc"'
LAST_MODIFIED = "Tue, 10 Nov 2026 08:00:00 GMT"
BOMB = gzip.compress(b"\0" * (8 * 1024 * 1024), compresslevel=9)
PAGE = b"""<!doctype html><html><head><title>Site</title>
<link rel="alternate" type="application/atom+xml" href="/atom.xml" title="Atom">
<link rel="alternate" type="application/rss+xml" href="/feed.xml" title="RSS">
</head><body><p>hello</p></body></html>
"""

lock = threading.Lock()
stats = {"in_flight": 0, "max_in_flight": 0, "requests": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_body(self, status, body, ctype="application/rss+xml",
                  headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, status, to):
        self.send_response(status)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with lock:
            stats["requests"] += 1
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        p = url.path
        if p == "/feed.xml":
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if inm == ETAG or (inm is None and ims == LAST_MODIFIED):
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            self.send_body(200, FEED, headers=[("ETag", ETAG),
                                               ("Last-Modified",
                                                LAST_MODIFIED)])
        elif p == "/gzip.xml":
            self.send_body(200, gzip.compress(FEED),
                           headers=[("Content-Encoding", "gzip")])
        elif p == "/deflate.xml":
            self.send_body(200, zlib.compress(FEED),
                           headers=[("Content-Encoding", "deflate")])
        elif p == "/brotli.xml":
            if brotli is None:
                self.send_body(501, b"no brotli module", ctype="text/plain")
            else:
                self.send_body(200, brotli.compress(FEED),
                               headers=[("Content-Encoding", "br")])
        elif p == "/wrong-type.xml":
            self.send_body(200, FEED, ctype="text/plain")
        elif p == "/cache.xml":
            self.send_body(200, FEED, headers=[
                ("Cache-Control", "public, max-age=3600")])
        elif p in ("/r/302", "/r/301", "/r/308"):
            self.redirect(int(p[3:]), "/feed.xml")
        elif p == "/r/chain":
            self.redirect(301, "/r/chain2")
        elif p == "/r/chain2":
            self.redirect(302, "/feed.xml")
        elif p == "/r/loop":
            self.redirect(302, "/r/loop")
        elif p == "/r/file":
            self.redirect(302, "file:///etc/hostname")
        elif p == "/r/private":
            self.redirect(302, q.get("to", "/feed.xml"))
        elif p.startswith("/status/"):
            code = int(p[8:])
            hdrs = []
            if code == 429:
                hdrs.append(("Retry-After", "120"))
            elif code == 503:
                hdrs.append(("Retry-After", self.date_time_string(
                    time.time() + 3600)))
            self.send_body(code, b"", ctype="text/plain", headers=hdrs)
        elif p == "/slow":
            with lock:
                stats["in_flight"] += 1
                stats["max_in_flight"] = max(stats["max_in_flight"],
                                             stats["in_flight"])
            try:
                time.sleep(int(q.get("ms", "200")) / 1000.0)
                self.send_body(200, FEED)
            finally:
                with lock:
                    stats["in_flight"] -= 1
        elif p == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED[: len(FEED) // 2])
            self.wfile.flush()
            time.sleep(30)
        elif p == "/big":
            self.send_body(200, b"x" * int(q.get("bytes", "1000")))
        elif p == "/big-chunked":
            n = int(q.get("bytes", "1000"))
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 65536
            try:
                while n > 0:
                    part = chunk[: min(n, len(chunk))]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    n -= len(part)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif p == "/bomb":
            self.send_body(200, BOMB, headers=[("Content-Encoding", "gzip")])
        elif p == "/page.html":
            self.send_body(200, PAGE, ctype="text/html; charset=utf-8")
        elif p == "/headers":
            self.send_body(200, str(self.headers).encode(),
                           ctype="text/plain")
        elif p == "/stats":
            with lock:
                body = json.dumps({"max_in_flight": stats["max_in_flight"],
                                   "requests": stats["requests"]}).encode()
                stats["max_in_flight"] = 0
            self.send_body(200, body, ctype="application/json")
        else:
            self.send_body(404, b"not found", ctype="text/plain")


Handler.do_HEAD = Handler.do_GET


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 resets connections when many
    # transfers start at once on a loaded machine.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass  # clients that hang up early are part of the tests


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    # Stop when the parent goes away (stdin closes) or on SIGTERM.
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except KeyboardInterrupt:
        pass
    srv.shutdown()


if __name__ == "__main__":
    main()
