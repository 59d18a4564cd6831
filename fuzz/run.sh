#!/usr/bin/env bash
# Run one libFuzzer target built by `make fuzz`:
#   bash fuzz/run.sh BUILD_FUZZ TARGET [SECONDS]
# Seeds come from fuzz/corpus/TARGET (new finds are kept in a scratch copy
# under BUILD_FUZZ, not in the repo); a crash input lands in
# fuzz/regress/TARGET/, where CTest replays it from then on.
set -eu
build=${1:?usage: run.sh BUILD_FUZZ TARGET [SECONDS]}
target=${2:?usage: run.sh BUILD_FUZZ TARGET [SECONDS]}
seconds=${3:-60}
here=$(cd "$(dirname "$0")" && pwd)
bin="$build/fuzz/fuzz_$target"
[ -x "$bin" ] || { echo "no $bin: run 'make fuzz' first" >&2; exit 2; }
work="$build/fuzz-work/$target"
mkdir -p "$work/corpus" "$here/regress/$target"
cp -n "$here/corpus/$target"/* "$work/corpus/" 2>/dev/null || true
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$here/regress/$target/" "$work/corpus"
