#!/usr/bin/env bash
# Ingest of N generated feeds (issue 5): syndic against Debian's
# sfeed_update, side by side in one run, over the same feeds served by
# nginx on 127.0.0.1.
#
#   pass 1  first full fetch: download, parse, sanitize, store
#   pass 2  everything again; nginx answers 304 to a conditional request
#           (syndic sends If-None-Match / If-Modified-Since; Debian's
#           sfeed_update 1.7 sends none, so its pass 2 is a full re-fetch)
#   pass 2c sfeed_update again with the conditional fetch() its README
#           suggests (curl --etag-compare, -z), ETags saved in pass 1
#
# Prints wall time, CPU time (user+sys, children included) and peak RSS
# (GNU time's "Maximum resident set size": for sfeed_update, the largest
# single process of the run, not a sum) of each, the wall-time ratio
# sfeed_update/syndic, and whether the issue's targets are met:
# pass 1 at least 5x faster than sfeed_update, pass 2 under 5 s, peak
# RSS under 100 MB.
#
# Usage: bench_ingest.sh BUILD_DIR [N_FEEDS=10000]
# Environment: ITEMS (mean items per feed, default 20), JOBS (syndic
# concurrency and sfeed_update maxjobs, default 64).
set -eu
build=$(cd "${1:-build}" && pwd)
n=${2:-10000}
items=${ITEMS:-20}
jobs=${JOBS:-64}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
syndic=$build/syndic
mkfeeds=$src/../shared/bench/mkfeeds.py

skip() { echo "bench_ingest: $*, skipped"; exit 0; }
command -v nginx >/dev/null || skip "nginx missing"
command -v sfeed_update >/dev/null || skip "sfeed_update missing"
[ -x /usr/bin/time ] || skip "/usr/bin/time missing"
[ -f "$mkfeeds" ] || skip "$mkfeeds missing"
[ -x "$syndic" ] || { echo "bench_ingest: $syndic missing (run make)"; exit 1; }
case $n in '' | *[!0-9]*) echo "bench_ingest: N_FEEDS must be a number"; exit 2 ;; esac

tmp=$(mktemp -d)
nginx_pid=
cleanup() {
    if [ -n "$nginx_pid" ]; then
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }

say "load: $(uptime | sed 's/.*load/load/')"

# --- feeds ---------------------------------------------------------------
say "generating $n feeds of ~$items items"
/usr/bin/python3 "$mkfeeds" --out "$tmp/www" -n "$n" --items "$items" \
    --seed 5 | tail -1
chmod 755 "$tmp"
chmod -R a+rX "$tmp/www"

# --- nginx ---------------------------------------------------------------
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 2048; }
http {
    access_log off;
    default_type application/xml;
    keepalive_requests 100000;
    etag on;
    if_modified_since exact;
    server { listen 127.0.0.1:$port; root $tmp/www; }
}
CONF
nginx -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" \
    -g 'daemon off;' &
nginx_pid=$!
base="http://127.0.0.1:$port/feeds"
first=$(cd "$tmp/www/feeds" && ls | head -1)
for _ in $(seq 100); do
    curl -sf -o /dev/null "$base/$first" && break
    sleep 0.1
done
curl -sf -o /dev/null "$base/$first" || { echo "bench_ingest: nginx did not start"; cat "$tmp/nginx/error.log"; exit 1; }

# The same list of feeds for both sides, in file order.
(cd "$tmp/www/feeds" && ls) > "$tmp/list"
[ "$(wc -l < "$tmp/list")" -eq "$n" ] || { echo "bench_ingest: expected $n feeds"; exit 1; }

# --- syndic setup --------------------------------------------------------
mkdir -p "$tmp/syndic"
cat > "$tmp/syndic/syndic.ini" <<INI
[fetch]
allow_private = true
concurrency = $jobs
per_host = $jobs
timeout = 60
INI
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<opml version="2.0"><head><title>bench</title></head><body>'
    sed "s|.*|<outline type=\"rss\" text=\"&\" xmlUrl=\"$base/&\"/>|" "$tmp/list"
    echo '</body></opml>'
} > "$tmp/syndic/feeds.opml"
db=$tmp/syndic/syndic.db
sy() { "$syndic" --db "$db" --config "$tmp/syndic/syndic.ini" "$@"; }
sy init >/dev/null
a=$(date +%s%N)
sy opml import "$tmp/syndic/feeds.opml" >/dev/null
b=$(date +%s%N)
say "syndic: $n sources imported from OPML in $(( (b - a) / 1000000 )) ms"

# --- sfeed setup ---------------------------------------------------------
mkdir -p "$tmp/sfeed"
{
    echo "sfeedpath=\"$tmp/sfeed/feeds\""
    echo "maxjobs=$jobs"
    echo 'feeds() {'
    sed "s|.*|\tfeed \"&\" \"$base/&\"|" "$tmp/list"
    echo '}'
} > "$tmp/sfeed/sfeedrc"
# The same with the conditional fetch() that sfeed's README suggests
# (curl --etag-save/--etag-compare and -z): Debian's default fetch()
# sends no conditional request at all.
mkdir -p "$tmp/sfeed/etags"
{
    cat "$tmp/sfeed/sfeedrc"
    cat <<'RC'
fetch() {
	tag="$sfeed_etags/$(basename "$3")"
	curl -L --max-redirs 0 -H "User-Agent:" -f -s -m 15 --compressed \
		--etag-save "$tag" --etag-compare "$tag" -z "$tag" "$2" 2>/dev/null
}
RC
    echo "sfeed_etags=\"$tmp/sfeed/etags\""
} > "$tmp/sfeed/sfeedrc.etag"

# --- timing --------------------------------------------------------------
# timed NAME CMD...: run CMD under GNU time; stdout to $tmp/NAME.out,
# stderr to $tmp/NAME.err, figures to $tmp/NAME.time.
timed() {
    local name=$1
    shift
    /usr/bin/time -v -o "$tmp/$name.time" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" ||
        echo "bench_ingest: $name exited with status $?"
}
# figures NAME -> "WALL_S CPU_S RSS_MB"
figures() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ {
            k = split($NF, p, ":"); w = 0
            for (i = 1; i <= k; i++) w = w * 60 + p[i]
        }
        /User time/ { c += $NF }
        /System time/ { c += $NF }
        /Maximum resident set size/ { r = $NF / 1024 }
        END { printf "%.2f %.2f %.1f\n", w, c, r }' "$tmp/$1.time"
}

pass_check() { # name want_fetched want_not_modified
    local line
    line=$(grep '^fetch:' "$tmp/$1.out" || true)
    echo "  $line"
    if ! echo "$line" | grep -q "^fetch: $n sources, $2 fetched, $3 not modified, 0 failed"; then
        echo "bench_ingest: $1: expected $2 fetched, $3 not modified, 0 failed"
        sed -n 1,20p "$tmp/$1.err"
        status=1
    fi
}
sfeed_check() {
    local ok fail
    ok=$(grep -c ' OK$' "$tmp/$1.out" || true)
    fail=$(grep -c 'FAIL' "$tmp/$1.err" || true)
    echo "  sfeed_update: $ok OK, $fail FAIL"
    [ "$ok" -eq "$n" ] || { echo "bench_ingest: $1: expected $n OK"; status=1; }
}

status=0
say "pass 1: syndic fetch --all"
timed syndic1 "$syndic" --db "$db" --config "$tmp/syndic/syndic.ini" fetch --all
pass_check syndic1 "$n" 0
say "pass 1: sfeed_update (fetch() saving ETags)"
timed sfeed1 sfeed_update "$tmp/sfeed/sfeedrc.etag"
sfeed_check sfeed1
tags=$(find "$tmp/sfeed/etags" -type f -size +0 | wc -l)
[ "$tags" -eq "$n" ] || echo "bench_ingest: only $tags ETags saved by sfeed_update"
say "pass 2: syndic fetch --all"
timed syndic2 "$syndic" --db "$db" --config "$tmp/syndic/syndic.ini" fetch --all
pass_check syndic2 0 "$n"
say "pass 2: sfeed_update"
timed sfeed2 sfeed_update "$tmp/sfeed/sfeedrc"
sfeed_check sfeed2
say "pass 2c: sfeed_update with the README's conditional fetch()"
timed sfeed2c sfeed_update "$tmp/sfeed/sfeedrc.etag"
sfeed_check sfeed2c
say "load: $(uptime | sed 's/.*load/load/')"
say "sizes: feeds $(du -sm "$tmp/www" | cut -f1) MB, syndic db $(du -sm "$tmp/syndic/syndic.db"* | awk '{s+=$1} END {print s}') MB, sfeed files $(du -sm "$tmp/sfeed/feeds" | cut -f1) MB"

# --- table ---------------------------------------------------------------
echo
printf '%-6s | %-30s | %-30s | %s\n' pass "syndic wall / CPU / RSS" \
    "sfeed_update wall / CPU / RSS" "sfeed/syndic (wall)"
for p in 1 2 2c; do
    read -r sw sc sr <<< "$(figures "syndic${p%c}")"
    read -r fw fc fr <<< "$(figures "sfeed$p")"
    awk -v p="$p" -v sw="$sw" -v sc="$sc" -v sr="$sr" \
        -v fw="$fw" -v fc="$fc" -v fr="$fr" 'BEGIN {
        printf "%-6s | %7.2f s %7.2f s %6.1f MB | %7.2f s %7.2f s %6.1f MB | %.2fx\n",
               p, sw, sc, sr, fw, fc, fr, fw / (sw > 0.01 ? sw : 0.01) }'
done
echo
read -r s1w _ s1r <<< "$(figures syndic1)"
read -r f1w _ _ <<< "$(figures sfeed1)"
read -r s2w _ s2r <<< "$(figures syndic2)"
awk -v s1w="$s1w" -v f1w="$f1w" -v s2w="$s2w" -v s1r="$s1r" -v s2r="$s2r" 'BEGIN {
    r = f1w / (s1w > 0.01 ? s1w : 0.01)
    m = (s1r > s2r ? s1r : s2r)
    printf "target pass 1 >= 5x faster than sfeed_update: %.2fx  %s\n", r, (r >= 5 ? "met" : "NOT met")
    printf "target pass 2 (all 304) under 5 s:            %.2f s  %s\n", s2w, (s2w < 5 ? "met" : "NOT met")
    printf "target peak memory under 100 MB:              %.1f MB  %s\n", m, (m < 100 ? "met" : "NOT met")
}'
exit $status
