#!/usr/bin/env bash
# One closing line over the CTest runs of the given build folders, from the
# console logs that `make test` and `make test-asan` keep (ctest.log):
#   check: N passed, N failed, N skipped
# Skipped tests (exit 77: a missing corpus or tool) are counted apart.
set -u
passed=0 failed=0 skipped=0
for dir in "$@"; do
    log="$dir/ctest.log"
    [ -f "$log" ] || continue
    total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
    bad=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -1)
    skip=$(grep -c '(Skipped)$' "$log" || true)
    total=${total:-0} bad=${bad:-0}
    passed=$((passed + total - bad - skip))
    failed=$((failed + bad))
    skipped=$((skipped + skip))
done
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
