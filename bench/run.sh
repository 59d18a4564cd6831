#!/usr/bin/env bash
# make bench: run every bench/bench_*.sh with the build folder as $1.
# Each script compares syndic side by side with its anchor in one run and
# prints ratios; see docs/BENCHMARKS.md for recorded results.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for b in "$here"/bench_*.sh; do
    [ -e "$b" ] || continue
    echo "=== $(basename "$b" .sh)"
    bash "$b" "$build" || { echo "bench: $(basename "$b") failed"; status=1; }
done
exit $status
