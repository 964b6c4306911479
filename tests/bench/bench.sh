#!/usr/bin/env bash
# tests/bench/bench.sh: "make bench" (after the build).  Prints one table to
# the terminal and to build/bench-<date>.txt: the machine and the commit; per
# arch Wine can run, RSA-2048 keygen (OpenSSL vs CryptGenKey), cross-process
# calls (no-op floor vs steady-state Publish, through each marshaler), the
# first Publish on an empty machine, empkp.exe's peak working set, the cold
# path (the KB's calls by cscript vs an empty cscript run); and the sizes of
# every shipped binary.  Every median has its 95% interval (a bootstrap over
# the runs, in bench.exe), and each target a verdict: "met" only when the
# whole interval is under it, "NOT met" when all of it is over, else
# "undecided"; the verdicts are repeated at the end.  Figures only: it fails
# only when it could not measure.
#
# Environment (make passes them): WINE32, WINE32_WHY as for the tests;
# BENCH_KEYGEN_RUNS (101, at least 21), BENCH_FLOOR_CALLS (1000), BENCH_PUBLISH_CALLS (201),
# BENCH_FIRST_RUNS (51), BENCH_COLD_RUNS (5).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
export RESULTS=$top/build/bench/results.txt   # lib.sh wants one; unused here
mkdir -p "$top/build/bench"
: >"$RESULTS"
# shellcheck source=tests/lib.sh
source "$top/tests/lib.sh"

# 101 keygens: with 21 the ratio of medians moved 0.97..2.13 between runs
# here; with 51 its 95% interval on i686 was about +-40% (0.53-1.10 around
# 0.73), too wide to call a target met.  A full make bench took 8 min with 51
# on the 2 shared cores, under load 9.
keygen_runs=${BENCH_KEYGEN_RUNS:-101}
floor_calls=${BENCH_FLOOR_CALLS:-1000}
# 201: with 21 the Publish/floor ratio moved 1.02..1.25 between runs here
publish_calls=${BENCH_PUBLISH_CALLS:-201}
first_runs=${BENCH_FIRST_RUNS:-51}
cold_runs=${BENCH_COLD_RUNS:-5}
((keygen_runs >= 21)) || { echo "bench: BENCH_KEYGEN_RUNS must be >= 21" >&2; exit 2; }

stamp=$(date -u +%Y%m%d-%H%M%S)
report=$top/build/bench-$stamp.txt
: >"$report"
say() { printf '%s\n' "$*"; printf '%s\n' "$*" >>"$report"; }
# say_file FILE: a Windows program's output, without CRs and HOLD lines.
say_file() {
    local line
    while IFS= read -r line; do
        line=${line%$'\r'}
        [[ $line == HOLD* ]] || say "$line"
    done <"$1"
}
# median of whole numbers, rounded to a whole number
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
    printf "%.0f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# Waits up to 30 s for this prefix's empkp.exe to exit (cold runs start cold).
server_gone() { empkp_gone_within 30; }

commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
branch=$(git -C "$top" rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
dirty=; [[ -n $(git -C "$top" status --porcelain 2>/dev/null) ]] && dirty=" + uncommitted changes"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
timeout 30 /usr/lib/wine/wine64 --version >"$top/build/bench/wine-version.txt" 2>&1
say "empkp bench, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "commit:  $commit (branch $branch)$dirty"
say "machine: nproc $(nproc), CPU $cpu, $mem RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "wine:    $(tail -n 1 "$top/build/bench/wine-version.txt")"
say "(times in ms; n runs; keygen spread is 5-10x between runs, so compare medians;"
say " \"95% lo/hi\": the median's 95% interval, a bootstrap over the runs)"
targets=()

# bench_arch ARCH: in the test runs' layout (lib.sh's driver_folders):
# build/ARCH/tests/bench/{prefix,logs}.
bench_arch() {
    local driver arch wow out tbin run log prefix WINE classes_view rc t0 i pid hwm
    local -a cold_empty=() cold_kb=()
    driver_folders bench "$1"
    local wine=$WINE
    say ""
    say "== $arch under Wine (prefix ${prefix#"$top"/})"
    if ! wine_prefix_new "$prefix" "$arch"; then
        say "  NOT measured: wineboot failed (see ${prefix#"$top"/}.boot.log)"
        return 1
    fi
    install_empkp "$out"
    printf 'WScript.Quit 0\r\n' >"$(drive_c)/empkp-tests/empty.vbs"
    wrun 120 "$log/regserver.out" "$wine" "$INSTALL_DIR\\empkp.exe" /regserver ||
        { say "  NOT measured: /regserver failed: $(tr -d '\r' <"$log/regserver.out")"; wine_stop; return 1; }

    printf '%-56s %5s %10s %10s %10s %10s %10s\n' "measurement" n "min" "median" "max" \
        "95% lo" "95% hi" >"$log/head.out"
    say_file "$log/head.out"
    wrun 900 "$log/keygen.out" "$wine" 'C:\empkp-tests\bench.exe' keygen "$keygen_runs"; rc=$?
    say_file "$log/keygen.out"; ((rc == 0)) || say "  (keygen: bench.exe exit $rc)"

    # Steady state through the type library marshaler (what /regserver alone
    # gives, the KB's set-up); the object is held 5 s at the end while the
    # Wine process's VmHWM is read, to check psapi's figure against Linux's.
    wrun 900 "$log/calls-tlb.out" "$wine" 'C:\empkp-tests\bench.exe' calls \
        "$floor_calls" "$publish_calls" 5000 &
    pid=$!
    hwm=
    for _ in $(seq 1800); do
        grep -q '^HOLD' "$log/calls-tlb.out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    for i in $(empkp_pids); do
        hwm=$(awk '/^VmHWM/ { printf "%.1f MB", $2 / 1024 }' "/proc/$i/status")
    done
    wait "$pid"; rc=$?
    say_file "$log/calls-tlb.out"; ((rc == 0)) || say "  (calls: bench.exe exit $rc)"
    say "  empkp.exe VmHWM of the Wine process (Linux /proc/<pid>/status): ${hwm:-not found}"
    server_gone || say "  (empkp.exe still running 30 s after the client released it)"

    # The same through our proxy/stub DLL.
    wrun 120 "$log/regsvr32.out" "$wine" regsvr32.exe /s "$INSTALL_DIR\\empkpps.dll"
    wrun 900 "$log/calls-ps.out" "$wine" 'C:\empkp-tests\bench.exe' calls \
        "$floor_calls" "$publish_calls" 0; rc=$?
    say_file "$log/calls-ps.out"; ((rc == 0)) || say "  (calls: bench.exe exit $rc)"
    server_gone || true

    wrun 900 "$log/first.out" "$wine" 'C:\empkp-tests\bench.exe' first "$first_runs"; rc=$?
    say_file "$log/first.out"; ((rc == 0)) || say "  (first: bench.exe exit $rc)"
    server_gone || true

    # Cold path: process start to exit, as MOM runs the script.  Alternated,
    # and every KB run starts with no empkp.exe running.
    for ((i = 0; i < cold_runs; i++)); do
        t0=$(date +%s%N)
        wrun 120 "$log/empty.out" "$wine" cscript.exe //nologo 'C:\empkp-tests\empty.vbs'
        cold_empty+=("$(ms_since "$t0")")
        server_gone || say "  (a server was still running before cold run $i)"
        t0=$(date +%s%N)
        wrun 180 "$log/echo.out" "$wine" cscript.exe //nologo 'C:\empkp-tests\publish-echo.vbs'; rc=$?
        cold_kb+=("$(ms_since "$t0")")
        grep -q '^ErrID=0' "$log/echo.out" || say "  (cold run $i: $(tr -d '\r' <"$log/echo.out"), exit $rc)"
    done
    local me mk
    me=$(median "${cold_empty[@]}"); mk=$(median "${cold_kb[@]}")
    say "cold path, cscript start to exit (median of $cold_runs each, wall clock):"
    say "$(printf '  %-54s %5d %10s\n' "empty script (WScript.Quit 0)" "$cold_runs" "$me")"
    say "$(printf '  %-54s %5d %10s\n' "publish-echo.vbs (CreateObject, Publish, release)" "$cold_runs" "$mk")"
    # Publish's share: the steady-state median through the marshaler the
    # cold runs used (empkpps.dll was registered last).
    pub=$(awk '/Publish, steady state/ { m = $(NF - 3) } END { printf "%.0f", m }' "$log/calls-ps.out")
    say "  difference $((mk - me)) ms = activation and release of empkp.exe + one Publish"
    say "  (steady-state median ${pub:-?} ms): about $((mk - me - ${pub:-0})) ms is activation, of which"
    say "  Wine 8.0's local-server activation waits about 1 s (a fixed retry) per cold start"
    # This arch's verdicts, for the summary at the end.
    local f line
    for f in keygen calls-tlb calls-ps first; do
        while IFS= read -r line; do
            line=${line%$'\r'}
            [[ $line == "  target: "* ]] && targets+=("$arch: ${line#  target: }")
        done <"$log/$f.out"
    done
    wine_stop
}

for arch in x86_64 i686; do
    if [[ $arch == i686 && ${WINE32:-no} != yes ]]; then
        say ""
        say "== i686: NOT measured: 32-bit Wine (wine32:i386) is not installed here"
        say "   (${WINE32_WHY:-unknown reason}); the shipped build's speed is unknown from this run"
        continue
    fi
    bench_arch "$arch"
done

say ""
say "binary sizes (target: empkp.exe <= 1.5 MB = 1,500,000 bytes):"
for arch in x86_64 i686; do
    for f in empkp.exe empkpps.dll; do
        p=$top/build/$arch/$f
        if [[ -f $p ]]; then
            s=$(stat -c %s "$p")
            note=
            if [[ $f == empkp.exe ]]; then
                if ((s <= 1500000)); then note="within target"; v=met; else note="over target by $((s - 1500000)) bytes"; v="NOT met"; fi
                targets+=("$arch: empkp.exe $s bytes <= 1,500,000: $v")
            fi
            say "$(printf '  %-24s %10d bytes %8.2f MB  %s' "$arch/$f" "$s" "$(awk -v s="$s" 'BEGIN { print s / 1e6 }')" "$note")"
        else
            say "  $arch/$f: not built"
        fi
    done
done
say ""
say "targets (met: the whole 95% interval under the target; NOT met: all of it over;"
say "undecided: the interval holds the target, more runs may decide):"
for line in "${targets[@]}"; do say "  $line"; done
say ""
say "written to ${report#"$top"/}"
