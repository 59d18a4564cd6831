#!/usr/bin/env bash
# syndic parse: the command-line contract (DESIGN.md): one JSON document
# per line, NDJSON for several files, stdin with '-', a file that cannot
# be parsed named on stderr with exit 1 while the others still print,
# usage errors exit 2.
set -u
bin=${1:-${SYNDIC_BIN:-build/syndic}}
data=${SYNDIC_TEST_DATA:-$(dirname "$0")/../data}/feeds
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3

# one file: one line of JSON with the DESIGN.md members
"$bin" parse --raw "$data/rss20.xml" >"$tmp/one" || fail "rss20 exit $?"
[ "$(wc -l <"$tmp/one")" -eq 1 ] || fail "one file, not one line"
"$py" - "$tmp/one" <<'PY' || fail "rss20 JSON shape"
import json, sys
d = json.loads(open(sys.argv[1]).read())
for k in ("format", "bozo", "errors", "title", "link", "description",
          "language", "updated", "image", "items"):
    assert k in d, k
assert d["format"] == "rss2.0" and d["updated"] == "2021-07-02T10:00:00Z"
it = d["items"][0]
for k in ("id", "url", "title", "authors", "published", "updated",
          "summary_html", "content_html", "excerpt_html", "excerpt_text",
          "image", "categories", "language", "enclosures"):
    assert k in it, k
assert it["enclosures"][0] == {"url": "https://cdn.example/ep1.mp3",
                               "type": "audio/mpeg", "length": 12345}
PY

# several files with a bad one in the middle: NDJSON of the good ones,
# the bad one named on stderr, exit 1
"$bin" parse --raw "$data/atom10.xml" "$data/not-a-feed.html" \
    "$data/json11.json" >"$tmp/many" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "bad file: exit $rc, want 1"
grep -q "not-a-feed.html" "$tmp/err" || fail "stderr does not name the file"
[ "$(wc -l <"$tmp/many")" -eq 2 ] || fail "want 2 NDJSON lines"
"$py" -c '
import json, sys
f = [json.loads(l)["format"] for l in open(sys.argv[1])]
assert f == ["atom1.0", "json1.1"], f' "$tmp/many" || fail "NDJSON order"

# missing file: exit 1, named
"$bin" parse "$tmp/nope.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "missing file exit"
grep -q "nope.xml" "$tmp/err" || fail "missing file not named"

# stdin, --base and --charset
"$bin" parse --base https://site.example/feeds/x.xml - \
    <"$data/quirks-no-guid.xml" >"$tmp/stdin" || fail "stdin exit $?"
grep -q '"url":"https://site.example/relative/path"' "$tmp/stdin" ||
    fail "--base not applied"
"$bin" parse --charset utf-8 "$data/quirks-http-charset.xml" >"$tmp/cs" ||
    fail "--charset exit"
grep -q '"title":"été"' "$tmp/cs" || fail "--charset not applied"

# usage errors
"$bin" parse >/dev/null 2>&1
[ $? -eq 2 ] || fail "no file: want exit 2"
"$bin" parse --bogus x >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option: want exit 2"
"$bin" parse --help | grep -q "usage: syndic parse" || fail "--help"
echo "ok"
