#!/usr/bin/env bash
# Store benchmark: ingesting items (upsert + search index, 50 per
# transaction), full-text searches and page walks through syndic's store,
# against the anchor: the sqlite3 shell running the same inserts and the
# same MATCH queries as plain SQL scripts on the same schema.
# Usage: bench_store.sh BUILD_DIR [N_ITEMS]   (ratio > 1: syndic slower)
set -eu
build=${1:-build}
n=${2:-20000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
command -v sqlite3 >/dev/null || { echo "bench_store: no sqlite3 shell, skipped"; exit 0; }
[ -f "$build/libsyndic.a" ] || { echo "bench_store: build $build first"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I "$root/src" \
    "$here/bench_store.c" "$build/libsyndic.a" \
    $(pkg-config --libs sqlite3) -lm -lpthread -o "$tmp/bench_store"

"$tmp/bench_store" "$tmp" "$n" > "$tmp/ours.txt"
ours() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/ours.txt"; }
count() { awk -v k="$1" '$1 == k { print $3 }' "$tmp/ours.txt"; }
calc() { awk "BEGIN { print $1 }"; }
timed() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
          calc "$t1 - $t0"; }
a_ingest=$(timed sqlite3 "$tmp/anchor.db" < "$tmp/anchor_ingest.sql")
a_search=$(timed sqlite3 "$tmp/anchor.db" < "$tmp/anchor_search.sql")

printf '%-8s %10s %12s %12s %8s\n' what count "syndic s" "sqlite3 s" ratio
printf '%-8s %10s %12.3f %12.3f %8.2f\n' ingest "$(count ingest)" \
    "$(ours ingest)" "$a_ingest" "$(calc "$(ours ingest) / $a_ingest")"
printf '%-8s %10s %12.3f %12.3f %8.2f\n' search "$(count search)" \
    "$(ours search)" "$a_search" "$(calc "$(ours search) / $a_search")"
printf '%-8s %10s %12.3f %12s %8s\n' pages "$(count pages)" "$(ours pages)" - -
echo "items/s ingest: $(calc "int($(count ingest) / $(ours ingest))") ;" \
     "searches/s: $(calc "int($(count search) / $(ours search))") ;" \
     "pages of 30/s: $(calc "int($(count pages) / $(ours pages))")"
