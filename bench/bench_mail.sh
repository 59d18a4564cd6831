#!/usr/bin/env bash
# Mail delivery: syndic vs Postfix's smtp-source, side by side, into one
# Postfix smtp-sink on 127.0.0.1.
#
# COUNT confirmed subscribers (default 100000) are imported from CSV with
# mixed topics and frequencies all daily; 20 stories are seeded; then
#   0. `syndic digest send --dry-run`: composes every digest (average size);
#   1. `syndic digest send` with no SMTP server configured: queues one
#      daily digest row per subscriber (creation);
#   2. `syndic digest send` again with smtp_url set: composes and sends
#      every row over CONNS reused connections (delivery);
#   3. `smtp-source -s CONNS -d -l SIZE -m COUNT`: the same number of
#      messages of the same average size over CONNS reused connections.
# Prints messages/second of 2 and 3, the ratio (target >= 0.5), peak RSS,
# and the CPU time (user + system) per message of 2 and 3.
# smtp-sink offers PIPELINING, like Postfix's smtpd: syndic uses it,
# smtp-source cannot ("No SMTP command pipelining support"). SINK_OPTS=-p
# runs the sink without the offer, so both sides go one command at a time.
# Usage: bench/bench_mail.sh [BUILD_DIR]; env COUNT, CONNS (default 4),
# SINK_OPTS (extra smtp-sink options).
set -euo pipefail
build=${1:-build}
bin=$(cd "$build" && pwd)/syndic
COUNT=${COUNT:-100000}
CONNS=${CONNS:-4}
PY=/usr/bin/python3
for tool in /usr/sbin/smtp-sink /usr/sbin/smtp-source /usr/bin/time; do
    [ -x "$tool" ] || { echo "bench_mail: $tool missing (postfix, time)"; exit 1; }
done
tmp=$(mktemp -d)
sink_pid=
cleanup() {
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# smtp-sink refuses to run as root without a user to switch to.
sink_user=$(id -un)
[ "$(id -u)" = 0 ] && { id postfix >/dev/null 2>&1 && sink_user=postfix || sink_user=nobody; }
case " ${SINK_OPTS:-} " in
*" -p "*) sink_label="without PIPELINING" ;;
*) sink_label="offering PIPELINING" ;;
esac
# shellcheck disable=SC2086 # SINK_OPTS is a list of options
/usr/sbin/smtp-sink ${SINK_OPTS:-} -u "$sink_user" 127.0.0.1:"$port" 1000 &
sink_pid=$!

export SYNDIC_DB=$tmp/bench.db SYNDIC_CONFIG=$tmp/syndic.ini
cat >"$tmp/syndic.ini" <<INI
[site]
title = Network News
base_url = https://news.example.org
[mail]
from = Network News <news@example.org>
connections = $CONNS
INI
"$bin" init >/dev/null
$PY - "$tmp/subs.csv" "$COUNT" <<'PYEOF'
import sys
topics = ["", "climate", "health", "water;climate", "education", "health;education"]
with open(sys.argv[1], "w") as f:
    f.write("email,name,organization,topics,frequency\n")
    for i in range(int(sys.argv[2])):
        f.write("reader%d@example.org,Reader %d,Org %d,%s,daily\n"
                % (i, i, i % 97, topics[i % len(topics)]))
PYEOF
t0=$(date +%s.%N)
"$bin" subscribers import "$tmp/subs.csv" --confirmed >/dev/null
t1=$(date +%s.%N)
now=$(date +%s)
$PY - "$SYNDIC_DB" "$now" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); now = int(sys.argv[2])
db.execute("INSERT INTO sources(url, title, created) VALUES "
           "('https://src.example.net/feed', 'Partner Source', ?)", (now,))
names = ["climate", "health", "water", "education"]
for n in names:
    db.execute("INSERT INTO topics(slug, name) VALUES (?, ?)", (n, n))
for i in range(20):
    age = 600 + 1800 * i
    cur = db.execute(
        "INSERT INTO items(source_id, guid, url, title, published, ingested,"
        " sort_time, excerpt_html, excerpt_text, content_hash) VALUES "
        "(1,?,?,?,?,?,?,?,?,?)",
        ("g%d" % i, "https://src.example.net/story/%d" % i,
         "Partner story number %d about %s" % (i, names[i % 4]),
         now - age, now - age, now - age,
         "<p>" + ("A short excerpt of the story, as the sanitizer keeps it. " * 3) + "</p>",
         "A short excerpt of the story, as the sanitizer keeps it. " * 3, "h%d" % i))
    db.execute("INSERT INTO item_topics VALUES (?, ?)", (cur.lastrowid, 1 + i % 4))
db.commit()
PYEOF

# 0. compose every digest once without storing (its size for smtp-source)
td0=$(date +%s.%N)
"$bin" digest send --dry-run >"$tmp/out0"
td1=$(date +%s.%N)
bytes=$(sed -n 's/.* \([0-9]*\) bytes$/\1/p' "$tmp/out0")
composed=$(sed -n 's/^digest daily [^:]*: \([0-9]*\) composed.*/\1/p' "$tmp/out0")
size=$((bytes / composed))

# 1. creation (no SMTP configured: the rows stay queued, exit status 1)
t2=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$tmp/rss1" "$bin" digest send >"$tmp/out1" 2>"$tmp/err1" || true
t3=$(date +%s.%N)
queued=$(sed -n 's/^digest daily [^:]*: \([0-9]*\) queued.*/\1/p' "$tmp/out1")
[ "$queued" = "$composed" ] || { cat "$tmp/out1" "$tmp/err1"; exit 1; }

# 2. delivery by syndic
echo "smtp_url = smtp://127.0.0.1:$port" >>"$tmp/syndic.ini"
t4=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$tmp/rss2" "$bin" digest send >"$tmp/out2"
t5=$(date +%s.%N)
sent=$(sed -n 's/^mail: \([0-9]*\) sent.*/\1/p' "$tmp/out2")
[ "$sent" = "$queued" ] || { echo "bench_mail: sent $sent of $queued"; cat "$tmp/out2"; exit 1; }

# 3. the anchor: smtp-source, same count, same size, same connections
t6=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$tmp/rss3" /usr/sbin/smtp-source -s "$CONNS" -d \
    -l "$size" -m "$queued" -f news@example.org -t reader@example.org \
    127.0.0.1:"$port"
t7=$(date +%s.%N)

$PY - "$queued" "$size" "$CONNS" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$t6" "$t7" "$td0" "$td1" \
    "$(tail -n1 "$tmp/rss1")" "$(tail -n1 "$tmp/rss2")" "$(tail -n1 "$tmp/rss3")" \
    "$sink_label" <<'PYEOF'
import sys
n, size, conns = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
t = [float(x) for x in sys.argv[4:14]]
res = [x.split() for x in sys.argv[14:17]]
rss = [int(r[0]) for r in res]
cpu = [float(r[1]) + float(r[2]) for r in res]  # user + system seconds
imp, create, send, src = t[1]-t[0], t[3]-t[2], t[5]-t[4], t[7]-t[6]
dry = t[9]-t[8]
print("messages: %d digests, %d bytes each on average, %d connections, "
      "sink %s" % (n, size, conns, sys.argv[17]))
print("import CSV          %7.2f s  %9.0f subscribers/s" % (imp, n / imp))
print("syndic compose only %7.2f s  %9.0f digests/s     (--dry-run)" % (dry, n / dry))
print("syndic create       %7.2f s  %9.0f rows/s        peak RSS %d MiB" % (create, n / create, rss[0] // 1024))
print("syndic deliver      %7.2f s  %9.0f msg/s         peak RSS %d MiB (composes each)" % (send, n / send, rss[1] // 1024))
print("smtp-source         %7.2f s  %9.0f msg/s         peak RSS %d MiB" % (src, n / src, rss[2] // 1024))
print("ratio deliver/smtp-source: %.2f (target >= 0.5)" % ((n / send) / (n / src)))
# CPU per message (user + system) moves less than wall time on a shared
# machine: the client's own cost, whatever the sink and neighbours do.
print("cpu per message: syndic deliver %.0f us, smtp-source %.0f us"
      % (1e6 * cpu[1] / n, 1e6 * cpu[2] / n))
print("ratio create+deliver/smtp-source: %.2f" % ((n / (create + send)) / (n / src)))
PYEOF
