#!/usr/bin/env bash
# tests/fuzz/run.sh NAME FUZZER SEEDS WORKDIR SECONDS [LIBFUZZER-ARGS...]
#
# Runs one libFuzzer target for SECONDS (make fuzz calls it once per target).
# New inputs go to WORKDIR/corpus (the checked-in SEEDS folder is only read),
# a crashing input to WORKDIR/crash-*, the whole log to WORKDIR/fuzz.log.
# Prints one summary line: runs, executions per second, corpus size, coverage.
# Exit status: 0 when the time ran out without a finding, else 1.
set -uo pipefail

[[ $# -ge 5 ]] || { echo "usage: $0 NAME FUZZER SEEDS WORKDIR SECONDS [ARGS...]" >&2; exit 2; }
name=$1 fuzzer=$2 seeds=$3 work=$4 secs=$5
shift 5

mkdir -p "$work/corpus"
log=$work/fuzz.log
# Leaks count as findings; UBSan stops at the first report (the target is
# also built with -fno-sanitize-recover=all).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# timeout: libFuzzer's own -max_total_time is the bound; this one catches a hang
# in libFuzzer's shutdown or a stuck input that -timeout did not end.
timeout $((secs + 120)) "$fuzzer" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/" "$@" "$work/corpus" "$seeds" >"$log" 2>&1
rc=$?

stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
runs=$(stat number_of_executed_units)
eps=$(stat average_exec_per_sec)
rss=$(stat peak_rss_mb)
cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1)
printf 'fuzz %-8s %s s: %s runs, %s exec/s, peak RSS %s MB, %s\n' \
    "$name" "$secs" "${runs:-?}" "${eps:-?}" "${rss:-?}" "${cov:-no coverage line}"
if [[ $rc -ne 0 ]]; then
    shopt -s nullglob
    echo "fuzz $name: FINDING (exit $rc), see $log; input(s):" "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
    grep -m 5 -E 'ERROR: |runtime error|property failed' "$log"
    exit 1
fi
exit 0
