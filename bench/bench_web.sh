#!/usr/bin/env bash
# bench_web: syndic serve against nginx serving the same bytes as a static
# file, side by side in one run: a demo article page, wrk at 64
# connections for $SECS s each, without and with gzip. nginx gets its own
# temporary config on a loopback port, runs in the foreground, and sends a
# pre-compressed copy when gzip is accepted (gzip_static), which is what
# syndic's cache does too. Prints req/s, p99 and the syndic/nginx ratio.
#
# Cores: wrk runs on the same machine, and when it shares the cores with
# the server the p99 mostly measures the scheduler (a server thread that
# waits for wrk's time slice). So by default (PIN=1, with taskset and at
# least 2 cores) each server gets the first half of the cores, with as
# many threads/workers, and wrk the other half, with as many threads;
# PIN=0 lets them share every core (server threads = wrk threads = all).
# Usage: bench/bench_web.sh BUILD_DIR
#        (env SECS=10, CONNS=64, ROUNDS=2, PIN=1, THREADS; about 90 s)
set -u
build=${1:-build}
bin=$build/syndic
helper=$build/unit_web_test_sitedata
secs=${SECS:-10}
conns=${CONNS:-64}
ncpu=$(nproc)
srv_pin= ; wrk_pin=
if [ "${PIN:-1}" = 1 ] && [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null; then
    half=$((ncpu / 2))
    threads=${THREADS:-$half}
    wrk_threads=$((ncpu - half))
    srv_pin="taskset -c 0-$((half - 1))"
    wrk_pin="taskset -c $half-$((ncpu - 1))"
else
    threads=${THREADS:-$ncpu}
    wrk_threads=$ncpu
fi
for tool in wrk nginx curl gzip; do
    command -v "$tool" >/dev/null || { echo "bench_web: $tool missing, skipped"; exit 0; }
done
[ -x "$bin" ] && [ -x "$helper" ] || { echo "bench_web: build first ($bin, $helper)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_web.XXXXXX")
syn_pid= ; ngx_pid=
cleanup() {
    [ -n "$syn_pid" ] && kill "$syn_pid" 2>/dev/null && wait "$syn_pid" 2>/dev/null
    [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null
    [ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() {
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.05
    done
    echo "bench_web: $1 did not answer"; exit 1
}

# The demo site (demo/: partners and file:// feeds, as `make demo` loads
# it); when that cannot be built, the web tests' fixture site.
root=$(cd "$(dirname "$0")/.." && pwd)
demo_db() {
    local db=$1 conf=$root/demo/syndic.ini
    [ -f "$conf" ] && [ -f "$root/demo/partners.tsv" ] || return 1
    SYNDIC_DB=$db SYNDIC_CONFIG=$conf "$bin" -q init >/dev/null || return 1
    while IFS=$'\t' read -r slug name url description feed; do
        SYNDIC_DB=$db SYNDIC_CONFIG=$conf "$bin" -q partner add "$slug" \
            --name "$name" --url "$url" --description "$description" \
            >/dev/null || return 1
        SYNDIC_DB=$db SYNDIC_CONFIG=$conf "$bin" -q source add \
            "file://$root/demo/feeds/$feed" --partner "$slug" >/dev/null ||
            return 1
    done < "$root/demo/partners.tsv"
    SYNDIC_DB=$db SYNDIC_CONFIG=$conf "$bin" -q fetch --all >/dev/null
}
site=demo
if ! demo_db "$tmp/site.db" 2>/dev/null; then
    site=fixture
    rm -f "$tmp/site.db"*
    "$helper" --write "$tmp/site.db" || exit 1
fi
sp=$(free_port)
$srv_pin "$bin" -q --db "$tmp/site.db" serve --listen "127.0.0.1:$sp" --no-fetch \
    --no-mail --threads "$threads" --base-url "http://127.0.0.1:$sp" &
syn_pid=$!
wait_http "http://127.0.0.1:$sp/"
# The newest article with an ASCII slug (a plain file name for nginx).
page=$(curl -fs "http://127.0.0.1:$sp/" | grep -o 'href="/a/[0-9]*/[a-z0-9-]*"' |
       head -1 | sed 's/^href="//; s/"$//')
[ -n "$page" ] || { echo "bench_web: no article on the home page"; exit 1; }
wait_http "http://127.0.0.1:$sp$page"

# The same bytes for nginx: the rendered page and its gzip form.
mkdir -p "$tmp/www$(dirname "$page")" "$tmp/ngx"
curl -fs "http://127.0.0.1:$sp$page" -o "$tmp/www$page.html"
gzip -6 -k "$tmp/www$page.html"
# When run as root, nginx workers drop to an unprivileged user: let them
# read the document root.
chmod -R a+rX "$tmp/www" && chmod a+x "$tmp"
np=$(free_port)
cat > "$tmp/ngx/nginx.conf" <<CONF
daemon off;
worker_processes $threads;
pid $tmp/ngx/nginx.pid;
error_log $tmp/ngx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/ngx/body;
    proxy_temp_path $tmp/ngx/proxy;
    fastcgi_temp_path $tmp/ngx/fastcgi;
    uwsgi_temp_path $tmp/ngx/uwsgi;
    scgi_temp_path $tmp/ngx/scgi;
    types { text/html html; }
    default_type text/html;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$np;
        root $tmp/www;
        gzip_static on;
        etag on;
        location / { try_files \$uri.html =404; }
    }
}
CONF
$srv_pin nginx -p "$tmp/ngx" -c "$tmp/ngx/nginx.conf" -e "$tmp/ngx/error.log" &
ngx_pid=$!
wait_http "http://127.0.0.1:$np$page"

# run URL [HEADER] -> "req_per_s p99_ms"
run() {
    local out
    if [ -n "${2:-}" ]; then
        out=$($wrk_pin wrk -t"$wrk_threads" -c"$conns" -d"${secs}s" --latency -H "$2" "$1")
    else
        out=$($wrk_pin wrk -t"$wrk_threads" -c"$conns" -d"${secs}s" --latency "$1")
    fi
    local rps p99
    if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then
        echo "bench_web: errors during the run on $1:" >&2
        echo "$out" | grep -E 'Non-2xx|Socket errors' >&2
    fi
    rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}')
    echo "$rps ${p99:-nan}"
}

# Each side runs $ROUNDS times, alternating, and keeps its best run: the
# machine is shared, and the best run is the least disturbed one.
rounds=${ROUNDS:-2}
best() { # "rps p99" lines on stdin -> the line with the highest rps
    sort -k1,1 -g -r | head -1
}
printf '%-8s %-6s %12s %9s\n' server gzip "req/s" "p99 ms"
for enc in plain gzip; do
    hdr=
    [ "$enc" = gzip ] && hdr="Accept-Encoding: gzip"
    s_runs= ; n_runs=
    for _ in $(seq "$rounds"); do
        s_runs+="$(run "http://127.0.0.1:$sp$page" "$hdr")"$'\n'
        n_runs+="$(run "http://127.0.0.1:$np$page" "$hdr")"$'\n'
    done
    read -r s_rps s_p99 < <(printf '%s' "$s_runs" | best)
    read -r n_rps n_p99 < <(printf '%s' "$n_runs" | best)
    printf '%-8s %-6s %12s %9s\n' syndic "$enc" "$s_rps" "$s_p99"
    printf '%-8s %-6s %12s %9s\n' nginx "$enc" "$n_rps" "$n_p99"
    awk -v s="$s_rps" -v n="$n_rps" -v e="$enc" -v sp="$s_p99" -v np="$n_p99" \
        'BEGIN { printf "ratio    %-6s syndic/nginx req/s = %.2f, p99 = %.2f\n", e, s / n, sp / np }'
done
bytes=$(stat -c %s "$tmp/www$page.html")
gzbytes=$(stat -c %s "$tmp/www$page.html.gz")
echo "page: $page of the $site site, $bytes bytes ($gzbytes gzipped), $conns connections, ${secs}s per run, best of $rounds, $threads server threads/workers${srv_pin:+ on CPUs ${srv_pin#taskset -c }}, wrk $wrk_threads threads${wrk_pin:+ on CPUs ${wrk_pin#taskset -c }}"
