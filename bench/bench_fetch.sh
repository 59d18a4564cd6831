#!/usr/bin/env bash
# Fetch throughput: syndic's fetch_run() (one libcurl multi loop, lazy
# start, per-host limit) against the curl tool's own parallel mode
# (curl -Z), both pulling the same 60 KB feed N times from nginx on
# 127.0.0.1 with 16 transfers at once; then the same with conditional
# requests answered 304. Prints requests/s of each and the ratio.
# Usage: bench_fetch.sh BUILD_DIR [N]
set -eu
build=$(cd "${1:-build}" && pwd)
n=${2:-5000}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
command -v nginx >/dev/null || { echo "bench_fetch: nginx missing, skipped"; exit 0; }
tmp=$(mktemp -d)
nginx_pid=
cleanup() {
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

cc -O2 -std=c11 -I"$src/src" -DSYNDIC_VERSION='"bench"' \
    "$here/bench_fetch.c" "$build/libsyndic.a" \
    $(pkg-config --cflags --libs libcurl libxml-2.0 gumbo) -lm \
    -o "$tmp/bench_fetch"

mkdir -p "$tmp/www" "$tmp/logs"
chmod 755 "$tmp"  # nginx workers may run as nobody
/usr/bin/python3 - "$tmp/www/feed.xml" <<'PY'
import sys
items = "".join(
    "<item><title>Story %d</title><link>https://example.org/%d</link>"
    "<description>%s</description></item>\n" % (i, i, "lorem ipsum " * 40)
    for i in range(100))
open(sys.argv[1], "w").write(
    '<?xml version="1.0"?><rss version="2.0"><channel><title>b</title>\n'
    + items + "</channel></rss>\n")
PY
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$port; root $tmp/www; }
}
CONF
nginx -p "$tmp" -c "$tmp/nginx.conf" &
nginx_pid=$!
chmod -R a+rX "$tmp/www"
url="http://127.0.0.1:$port/feed.xml"
for _ in $(seq 50); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
etag=$(curl -sI "$url" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')

run_curl() { # $1 = extra header line or ""
    : > "$tmp/curl.cfg"
    [ -n "$1" ] && echo "header = \"$1\"" >> "$tmp/curl.cfg"
    for _ in $(seq "$n"); do
        printf 'url = "%s"\noutput = "/dev/null"\n' "$url" >> "$tmp/curl.cfg"
    done
    local a b
    a=$(date +%s%N)
    curl -s -Z --parallel-max 16 -K "$tmp/curl.cfg" 2>/dev/null
    b=$(date +%s%N)
    echo $(( (b - a) / 1000000 ))
}

report() { # name syndic_ms curl_ms
    awk -v name="$1" -v s="$2" -v c="$3" -v n="$n" 'BEGIN {
        if (s < 1) s = 1; if (c < 1) c = 1;
        printf "%-14s syndic %7.0f req/s   curl -Z %7.0f req/s   ratio %.2f\n",
               name, n * 1000 / s, n * 1000 / c, c / s }'
}

out=$("$tmp/bench_fetch" "$url" "$n" 16)
s_ms=${out##*ms=}
c_ms=$(run_curl "")
report "200 (60 KB)" "$s_ms" "$c_ms"
echo "  syndic: $out"

out=$("$tmp/bench_fetch" "$url" "$n" 16 "$etag")
s_ms=${out##*ms=}
c_ms=$(run_curl "If-None-Match: $etag")
report "304" "$s_ms" "$c_ms"
echo "  syndic: $out"
