#!/usr/bin/env bash
# Memory over a long run of `syndic serve` (issue 6: "memory flat across a
# 10-minute run"): serves the demo site, drives it with wrk for SECS
# seconds at CONNS connections over a mix of cached pages (home, articles,
# feeds) and uncached ones (searches with a new query each time), and
# samples the server's RSS every STEP seconds. Prints the samples and the
# growth between the first sample after warm-up and the last.
# Usage: bench/soak_web.sh BUILD_DIR   (env SECS=600 CONNS=64 STEP=30)
set -eu
build=$(cd "${1:-build}" && pwd)
bin="$build/syndic"
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${SECS:-600} conns=${CONNS:-64} step=${STEP:-30}
command -v wrk >/dev/null || { echo "soak: wrk missing"; exit 77; }
tmp=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
export SYNDIC_DB="$tmp/demo.db" SYNDIC_CONFIG="$here/demo/syndic.ini"
"$bin" init >/dev/null
while IFS=$'\t' read -r slug name url description feed; do
    "$bin" partner add "$slug" --name "$name" --url "$url" >/dev/null
    "$bin" source add --no-check "file://$here/demo/feeds/$feed" --partner "$slug" >/dev/null
done < "$here/demo/partners.tsv"
"$bin" fetch --all >/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" -q serve --listen "127.0.0.1:$port" --no-fetch --no-mail &
srv=$!
sleep 1
cat > "$tmp/mix.lua" <<'LUA'
local n = 0
local paths = {"/", "/a/1/x", "/a/5/x", "/a/16/x", "/partners", "/feed.xml",
               "/t/water", "/s/2", "/atom.xml", "/feed.json"}
request = function()
    n = n + 1
    local p
    if n % 10 == 0 then
        p = "/search?q=water+" .. n   -- a new query: rendered, not cached
    else
        p = paths[(n % #paths) + 1]
    end
    return wrk.format("GET", p, {["Accept-Encoding"] = (n % 2 == 0) and "gzip" or ""})
end
LUA
wrk -t2 -c"$conns" -d"${secs}s" -s "$tmp/mix.lua" "http://127.0.0.1:$port" > "$tmp/wrk.txt" 2>&1 &
w=$!
echo "t_s rss_kb"
first=0 last=0 t=0
while kill -0 "$w" 2>/dev/null; do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$srv/status")
    echo "$t $rss"
    [ "$t" -eq "$step" ] && first=$rss
    last=$rss
    sleep "$step"
    t=$((t + step))
done
wait "$w" || true
grep -E "Requests/sec|requests in|Non-2xx|Socket errors" "$tmp/wrk.txt" || true
echo "rss after warm-up ${first} kB, at the end ${last} kB, growth $((last - first)) kB"
