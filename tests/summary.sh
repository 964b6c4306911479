#!/usr/bin/env bash
# tests/summary.sh RESULTS: prints every failure and skip again, then the
# closing line "N passed, N failed[, N skipped]"; exits 1 if anything failed
# or nothing ran.  A "CHECK name NN%: Checks: N, Failures: F, Errors: E" line
# counts each of Check's tests on its own.
set -u
results=$1
passed=0 failed=0 skipped=0
while IFS= read -r line; do
    case $line in
        PASS\ *) passed=$((passed + 1)) ;;
        FAIL\ *) failed=$((failed + 1)); echo "$line" ;;
        SKIP\ *) skipped=$((skipped + 1)); echo "$line" ;;
        CHECK\ *)
            if [[ $line =~ Checks:\ ([0-9]+),\ Failures:\ ([0-9]+),\ Errors:\ ([0-9]+) ]]; then
                n=${BASH_REMATCH[1]} f=$((BASH_REMATCH[2] + BASH_REMATCH[3]))
                passed=$((passed + n - f)) failed=$((failed + f))
            fi ;;
    esac
done <"$results"
line="$passed passed, $failed failed"
((skipped)) && line="$line, $skipped skipped"
echo "$line"
((failed == 0 && passed > 0))
