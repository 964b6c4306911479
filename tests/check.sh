#!/usr/bin/env bash
# tests/check.sh: every test (run by "make check" after the build), in this
# order (tests/README.md describes each driver):
#   1. native unit tests under ASan/UBSan;
#   2. the shipped binaries' PE checks and imports allowlist (pe-tests.sh),
#      both arches, no Wine;
#   3. under Xvfb and Wine, x86_64 then i686, each driver in its own fresh
#      prefix: cross-built unit tests and end to end (wine-tests.sh),
#      Publish's state table, concurrency and crash consistency
#      (publish-tests.sh), /diagnose and the ExchKP identity
#      (diagnose-tests.sh), the credentials tool empkpcred.exe
#      (cred-tests.sh), load on one server (stress-tests.sh);
#   4. the i686 build on 64-bit Windows (i686-wow64): wine-tests.sh and
#      cred-tests.sh again;
#   5. make dist's zips and MSIs (dist-tests.sh), x86_64 then i686;
#   6. make dist again in a second clone of HEAD (build/repro-clone), every
#      artifact compared byte for byte with this tree's (repro-tests.sh).
# i686 runs only where 32-bit Wine is installed; elsewhere each i686 driver
# writes a SKIP line that says so.
# Ends with summary.sh's line "N passed, N failed[, N skipped]".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export RESULTS=$top/build/test-results.txt
: >"$RESULTS"
# shellcheck source=tests/lib.sh
source "$top/tests/lib.sh"

echo "== Native unit tests (ASan, UBSan)"
timeout 600 "$top/build/native/unit" >"$top/build/native/unit.log" 2>&1; rc=$?
tail -n 1 "$top/build/native/unit.log" | sed 's/^/  /'
if grep -q 'Checks: ' "$top/build/native/unit.log"; then
    sed -n 's/^\([0-9]*%: Checks: .*\)/CHECK native\/unit \1/p' "$top/build/native/unit.log" >>"$RESULTS"
    grep -E ':(F|E):' "$top/build/native/unit.log" | sed 's/^/  /'
    sanitizer_quiet() { ! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$1"; }
    WHY="exit code $rc" check "native/unit exits 0" test "$rc" -eq 0
    WHY="see build/native/unit.log" check "native/unit: no sanitizer report" \
        sanitizer_quiet "$top/build/native/unit.log"
else
    fail "native/unit" "no Check summary (exit $rc): $(tail -n 3 "$top/build/native/unit.log")"
fi

# The shipped binaries' PE fitness, imports and version resource: no Wine.
"$top/tests/pe-tests.sh"
# The folders' layers: includes point one way, no cycle (no build either).
"$top/tests/layers.sh"

if ! xvfb_start; then
    fail "xvfb" "could not start Xvfb; message box tests cannot run"
fi
for arch in x86_64 i686; do
    "$top/tests/wine-tests.sh" "$arch"
    "$top/tests/publish-tests.sh" "$arch"
    "$top/tests/diagnose-tests.sh" "$arch"
    "$top/tests/cred-tests.sh" "$arch"
    "$top/tests/stress-tests.sh" "$arch"
done
# The i686 build on 64-bit Windows too (WOW64), where its registry view
# choices (ExMPLS, the classes, empkpcred's /server:) differ.
"$top/tests/wine-tests.sh" i686-wow64
"$top/tests/cred-tests.sh" i686-wow64
# make dist's zips and MSIs: contents, signing, and under Wine installing,
# working and uninstalling.
for arch in x86_64 i686; do
    "$top/tests/dist-tests.sh" "$arch"
done
xvfb_stop
# make dist is reproducible: a second clone of HEAD in another folder builds
# the same bytes (no Wine; a full compile of both arches, not of OpenSSL).
"$top/tests/repro-tests.sh"

echo "== Summary (details: $RESULTS)"
if [[ ${WINE32:-no} != yes ]]; then
    echo "NOTE: only x86_64 ran under Wine; the shipped i686 build was NOT exercised (${WINE32_WHY:-no wine32})."
fi
"$top/tests/summary.sh" "$RESULTS"
