#!/usr/bin/env bash
# bench_sanitize: MB/s of `syndic sanitize` against python3-bleach, side by
# side in one run, on the HTML bodies (description, content:encoded, Atom
# content/summary, JSON Feed content_html) of the real feed corpus.
#   bash bench/bench_sanitize.sh BUILD_DIR
# Env: SYNDIC_CORPUS (default: <repo>/../shared/corpus), RUNS (default 3;
# the best run of each tool counts). bleach runs in-process (its start-up
# and imports are not timed); syndic is timed as a whole process that reads
# every body from its own file, so the ratio is conservative.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=$(cd "$build" && pwd)/syndic
corpus=${SYNDIC_CORPUS:-$repo/../shared/corpus}
runs=${RUNS:-3}
py=/usr/bin/python3

if [ ! -d "$corpus/feeds/real" ]; then
    echo "bench_sanitize: no corpus at $corpus/feeds/real; skipped"
    exit 0
fi
if ! "$py" -c 'import bleach, feedparser' 2>/dev/null; then
    echo "bench_sanitize: python3-bleach or python3-feedparser missing; skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Extract the bodies once, one file each.
"$py" - "$corpus/feeds/real" "$tmp/bodies" <<'PY'
import json, os, sys, feedparser
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
n = 0
def emit(html):
    global n
    if html and html.strip():
        with open(os.path.join(out, "%05d.html" % n), "w", encoding="utf-8") as f:
            f.write(html)
        n += 1
for sub in ("rss2", "atom", "rdf", "rss0"):
    d = os.path.join(src, sub)
    for name in sorted(os.listdir(d)):
        fp = feedparser.parse(os.path.join(d, name), sanitize_html=False,
                              resolve_relative_uris=False)
        for e in fp.entries:
            seen = set()
            for c in e.get("content", []):
                seen.add(c.get("value"))
                emit(c.get("value"))
            if e.get("summary") not in seen:
                emit(e.get("summary"))
d = os.path.join(src, "json")
for name in sorted(os.listdir(d)):
    try:
        doc = json.load(open(os.path.join(d, name), encoding="utf-8"))
    except ValueError:
        continue
    for it in doc.get("items", []) if isinstance(doc, dict) else []:
        if isinstance(it, dict):
            emit(it.get("content_html"))
            emit(it.get("summary"))
PY
nfiles=$(ls "$tmp/bodies" | wc -l)
bytes=$(cat "$tmp/bodies"/*.html | wc -c)

# 2. syndic: one process, every body a separate fragment. The machine is
# shared, so CPU time (user + sys) is what counts; wall time is shown too.
best_syndic= best_syndic_wall=
TIMEFORMAT='%R %U %S'
for _ in $(seq "$runs"); do
    read -r wall user sys < <({ time "$bin" sanitize --base https://example.org/ \
        "$tmp"/bodies/*.html > "$tmp/syndic.out"; } 2>&1)
    t=$(echo "$user + $sys" | bc -l)
    if [ -z "$best_syndic" ] || [ "$(echo "$t < $best_syndic" | bc -l)" = 1 ]; then
        best_syndic=$t
        best_syndic_wall=$wall
    fi
done

# 3. bleach with the same allowlist (tags, attributes, URL schemes).
read -r best_bleach best_bleach_wall < <("$py" - "$tmp/bodies" "$runs" <<'PY'
import os, sys, time, bleach
d, runs = sys.argv[1], int(sys.argv[2])
tags = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
        "ul", "ol", "li", "dl", "dt", "dd", "figure", "figcaption", "hr", "br",
        "wbr", "a", "em", "strong", "b", "i", "u", "s", "small", "mark", "cite",
        "q", "dfn", "abbr", "time", "code", "var", "samp", "kbd", "sub", "sup",
        "span", "bdi", "bdo", "ins", "del", "img", "video", "audio", "source",
        "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr",
        "td", "th"]
common = ["title", "lang", "dir"]
attrs = {t: common for t in tags}
attrs.update({
    "a": common + ["href"], "img": common + ["src", "srcset", "alt", "width", "height"],
    "blockquote": common + ["cite"], "q": common + ["cite"],
    "del": common + ["cite", "datetime"], "ins": common + ["cite", "datetime"],
    "time": common + ["datetime"], "video": common + ["src", "poster", "width", "height"],
    "audio": common + ["src"], "source": common + ["src", "type"],
    "td": common + ["colspan", "rowspan"], "th": common + ["colspan", "rowspan", "scope"],
    "ol": common + ["start", "reversed", "type"], "li": common + ["value"],
    "col": common + ["span"], "colgroup": common + ["span"],
})
cleaner = bleach.sanitizer.Cleaner(tags=tags, attributes=attrs,
                                   protocols=["http", "https", "mailto"], strip=True,
                                   strip_comments=True)
bodies = [open(os.path.join(d, n), encoding="utf-8").read() for n in sorted(os.listdir(d))]
best = best_wall = None
for _ in range(runs):
    w0, t0 = time.perf_counter(), time.process_time()
    for b in bodies:
        cleaner.clean(b)
    t, w = time.process_time() - t0, time.perf_counter() - w0
    if best is None or t < best:
        best, best_wall = t, w
print("%.6f %.6f" % (best, best_wall))
PY
)

mbps() { echo "scale=2; $bytes / 1048576 / $1" | bc -l; }
echo "corpus: $nfiles HTML bodies, $bytes bytes, from feeds/real of $corpus"
echo "best of $runs runs, CPU time (user+sys); wall time in brackets"
printf 'syndic sanitize: %8.3f s  %8s MB/s  [wall %.3f s]\n' "$best_syndic" \
    "$(mbps "$best_syndic")" "$best_syndic_wall"
printf 'python3-bleach:  %8.3f s  %8s MB/s  [wall %.3f s]\n' "$best_bleach" \
    "$(mbps "$best_bleach")" "$best_bleach_wall"
printf 'ratio: syndic is %.1fx bleach in CPU time, %.1fx in wall time (target >= 20x)\n' \
    "$(echo "$best_bleach / $best_syndic" | bc -l)" \
    "$(echo "$best_bleach_wall / $best_syndic_wall" | bc -l)"
