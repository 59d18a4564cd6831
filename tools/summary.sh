#!/usr/bin/env bash
# Print one closing line over the CTest runs of the given build folders:
#   check: N passed, N failed, N skipped
set -u
passed=0 failed=0 skipped=0
for dir in "$@"; do
    log="$dir/Testing/Temporary/LastTest.log"
    [ -f "$log" ] || continue
    p=$(grep -c '^Test Passed\.' "$log" || true)
    f=$(grep -c '^Test Failed\.' "$log" || true)
    s=$(grep -c 'Skipped' "$dir/Testing/Temporary/LastTestsFailed.log" 2>/dev/null || true)
    passed=$((passed + p)); failed=$((failed + f))
done
# ctest records a skipped test as neither passed nor failed in the log.
for dir in "$@"; do
    n=$(grep -c '^Test Failed\.\|^Test Passed\.' "$dir/Testing/Temporary/LastTest.log" 2>/dev/null || echo 0)
    t=$(grep -c '^[0-9]*/[0-9]* Testing:' "$dir/Testing/Temporary/LastTest.log" 2>/dev/null || echo 0)
    skipped=$((skipped + t - n))
done
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
