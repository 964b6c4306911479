# shellcheck shell=bash
# Shared by the test drivers (sourced, not run).  Every result is one line in
# $RESULTS: "PASS name", "FAIL name: why" or "SKIP name: why"; summary.sh
# counts them.  Wine rules (PLATFORM-NOTES.md): a prefix under build/, never
# ~/.wine; every Wine command under timeout, its output redirected to a file
# (never a pipe: wineserver and COM servers inherit it and keep it open).

: "${RESULTS:?RESULTS must name the results file}"

pass() { echo "PASS $1" >>"$RESULTS"; echo "  PASS $1"; }
fail() { echo "FAIL $1: $2" >>"$RESULTS"; echo "  FAIL $1: $2"; }
skip() { echo "SKIP $1: $2" >>"$RESULTS"; echo "  SKIP $1: $2"; }
# WHY: set by a caller (or a condition) to explain a FAIL; check() clears it.
WHY=
# rc_and_grep RC WANT FILE PATTERN: RC is WANT and FILE has a line matching PATTERN.
rc_and_grep() { [[ $1 -eq $2 ]] && grep -q -- "$4" "$3"; }
# check NAME COND-COMMAND... : PASS when the command succeeds.
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name" "${WHY:-$*}"; fi; WHY=; }

# Loader for an arch's programs.  x86_64 programs need wine64 by name: once
# wine32 is installed, plain "wine" is the 32-bit loader.
wine_for() {
    case $1 in
        x86_64) echo /usr/lib/wine/wine64 ;;
        i686|i686-wow64) echo /usr/lib/wine/wine ;;
    esac
}

# Starts Xvfb on a free display (for message boxes) and exports DISPLAY.
# Must run before the first Wine command of the session.
xvfb_start() {
    local n
    for n in $(seq 90 130); do
        [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] && continue
        Xvfb ":$n" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
        XVFB_PID=$!
        export DISPLAY=":$n"
        for _ in $(seq 50); do [[ -e /tmp/.X11-unix/X$n ]] && return 0; sleep 0.1; done
        kill "$XVFB_PID" 2>/dev/null
    done
    return 1
}
xvfb_stop() { [[ -n ${XVFB_PID:-} ]] && kill "$XVFB_PID" 2>/dev/null; XVFB_PID=; }

# wine_prefix_new DIR [ARCH]: makes a fresh prefix at DIR and exports the
# Wine environment for it.  ARCH i686 makes a 32-bit Windows (WINEARCH=win32):
# what the shipped i686 build meets on Windows 2000/2003, no WOW64; anything
# else (i686-wow64 included) a 64-bit one.  Sets REG (reg.exe of the prefix's own loader) and
# PROGRAM_FILES (its Program Files folder under drive_c).
wine_prefix_new() {
    local loader=/usr/lib/wine/wine64
    export WINEPREFIX=$1 WINEDEBUG=-all WINEARCH=win64
    PROGRAM_FILES='Program Files'
    if [[ ${2:-} == i686-wow64 ]]; then
        # The i686 build in a 64-bit prefix: a 32-bit program on 64-bit
        # Windows (WOW64), where ExMPLS is in the other registry view.
        PROGRAM_FILES='Program Files (x86)'
    elif [[ ${2:-} == i686 ]]; then
        loader=/usr/lib/wine/wine
        WINEARCH=win32
    fi
    REG=("$loader" reg)
    # No Mono or Gecko: they cannot be downloaded here, and nothing needs them.
    export WINEDLLOVERRIDES="mscoree,mshtml="
    wine_stop
    rm -rf "$WINEPREFIX"
    mkdir -p "$(dirname "$WINEPREFIX")"
    timeout 180 "$loader" wineboot -i >"$WINEPREFIX.boot.log" 2>&1 || return 1
    # wineboot returns before the prefix is ready; the first program in a
    # half-made prefix can stall for minutes.
    timeout 180 wineserver -w
}

# driver_begin NAME TITLE PREFIX: how every Wine test driver starts, with
# $arch and $log set.  Where i686 cannot run, a SKIP saying why, and exit.
# Else sets WINE and classes_view, empties $log, prints the title, makes a
# fresh prefix at PREFIX (a FAIL and exit if it cannot) and ends its
# wineserver when the driver exits.
driver_begin() {
    local name=$1 title=$2 prefix=$3
    if [[ $arch == i686* && ${WINE32:-no} != yes ]]; then
        skip "$name/$arch" "32-bit Wine (wine32:i386) is not installed: ${WINE32_WHY:-unknown reason}; the i686 build was made but NOT run"
        exit 0
    fi
    WINE=$(wine_for "$arch")
    # The registry view our classes are in: the exe's own (one view in the
    # i686 run's 32-bit Windows).  ExMPLS is always asked for with /reg:64:
    # a 32-bit empkp on 64-bit Windows writes it there (see README).
    classes_view=/reg:64
    [[ $arch == i686* ]] && classes_view=/reg:32
    rm -rf "$log"; mkdir -p "$log"
    echo "== $title, $arch (Wine prefix $prefix)"
    if ! wine_prefix_new "$prefix" "$arch"; then
        fail "$name/$arch/prefix" "wineboot failed: $(tail -n 3 "$prefix.boot.log" 2>/dev/null)"
        exit 0
    fi
    trap wine_stop EXIT
}

# Ends the wineserver of $WINEPREFIX (and with it every process in it).
wine_stop() {
    [[ -n ${WINEPREFIX:-} && -d $WINEPREFIX ]] || return 0
    timeout 30 wineserver -k >/dev/null 2>&1 || true
    timeout 30 wineserver -w >/dev/null 2>&1 || true
}

# wrun SECONDS OUTFILE LOADER PROGRAM ARGS...: runs a Windows program with
# its output in OUTFILE; returns its exit code (124 on timeout).
wrun() {
    local secs=$1 out=$2; shift 2
    timeout "$secs" "$@" >"$out" 2>&1 </dev/null
}

# empkp_pids: the Unix pids of this prefix's empkp.exe processes (other
# trees' Wine prefixes may run theirs at the same time).
empkp_pids() {
    local pid
    for pid in $(pgrep -f 'empkp\.exe' 2>/dev/null); do
        # 2>/dev/null first: the process may be gone before the < opens.
        tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "WINEPREFIX=$WINEPREFIX" && echo "$pid"
    done
}
empkp_running() { [[ -n $(empkp_pids) ]]; }
# wait_holding FILE: waits (up to 60 s) for "stress hold"'s "holding" line in
# FILE; its server is then up and registered.
wait_holding() {
    local _
    for _ in $(seq 120); do grep -q holding "$1" 2>/dev/null && return 0; sleep 0.5; done
    return 1
}

# The C: drive of the current prefix as a Unix path.
drive_c() { echo "$WINEPREFIX/drive_c"; }

# The KB's install: empkp.exe and empkpps.dll where Exchange 2003 keeps them
# (C:\Program Files\Exchsrvr\bin), and the test programs and scripts in
# C:\empkp-tests.  $1: the arch's build folder.
export INSTALL_DIR='C:\Program Files\Exchsrvr\bin'
install_empkp() {
    local out=$1 c
    c=$(drive_c)
    mkdir -p "$c/Program Files/Exchsrvr/bin" "$c/empkp-tests"
    cp "$out/empkp.exe" "$out/empkpps.dll" "$c/Program Files/Exchsrvr/bin/"
    cp "$(dirname "${BASH_SOURCE[0]}")"/e2e/*.vbs "$out"/tests/*.exe "$c/empkp-tests/"
}

# kb_script_msgbox LOADER LOGDIR PNG [SCRIPT]: runs one of the KB's scripts
# verbatim with wscript, as an administrator would (double-click), reads the
# text of the message box it shows (msgbox-text.exe), takes a screenshot,
# and closes the box with Return as a person would.  SCRIPT is a file name
# in C:\empkp-tests (default: the Exchange 2003 / MOM 2005 script,
# kb911143-exchange2003.vbs; kb911143-exchange2000-mom2000.vbs is the
# Exchange 2000 / MOM 2000 SP1 one).  Leaves the box's text in
# LOGDIR/box.out ("text: ..." lines) and returns wscript's exit code.
kb_script_msgbox() {
    local wine=$1 log=$2 png=$3 script=${4:-kb911143-exchange2003.vbs} pid
    wrun 180 "$log/kb.out" "$wine" wscript.exe "C:\\empkp-tests\\$script" &
    pid=$!
    wrun 120 "$log/box.out" "$wine" 'C:\empkp-tests\msgbox-text.exe' 90
    import -window root "$png" >/dev/null 2>&1 || true
    for _ in 1 2 3 4 5; do
        kill -0 "$pid" 2>/dev/null || break
        xdotool key Return >/dev/null 2>&1
        sleep 1
    done
    wait "$pid"
}

# --- Our registry identities and keys (one place for every driver) ----------
# shellcheck disable=SC2034  # used by the drivers that source this file
# reg.exe of the prefix's loader (wine_prefix_new sets it), with /reg:32 or
# /reg:64 saying which view.
REG=(/usr/lib/wine/wine64 reg)
CLSID='{94A6DCD0-B6F5-40E8-8C9D-CEE2C7796380}'
IID='{429D0426-A34B-4823-A3F7-4FC531BD5D5C}'
LIBID='{552841D7-ED79-424D-A566-F1A8ADCE8E18}'
APPID='{D618966E-4B67-47DB-B2CC-350ED396B2AB}'
C='HKLM\SOFTWARE\Classes'
# shellcheck disable=SC2034
EXMPLS='HKLM\SOFTWARE\Microsoft\ExMPLS'
# What /regserver and regsvr32 empkpps.dll write; none may outlive uninstall.
OUR_KEYS=("$C\\CLSID\\$CLSID" "$C\\EMPKP.PubKeyPublisher" "$C\\EMPKP.PubKeyPublisher.1"
          "$C\\AppID\\$APPID" "$C\\AppID\\empkp.exe" "$C\\TypeLib\\$LIBID"
          "$C\\Interface\\$IID" "$C\\CLSID\\$IID")

# reg_value VIEW KEY NAME ("" for the default value): prints its data.
# Uses the caller's $log folder for reg.exe's output.
reg_value() {
    local args=(/v "$3"); [[ -z $3 ]] && args=(/ve)
    wrun 60 "$log/reg.out" "${REG[@]}" query "$2" "${args[@]}" "$1" || return 1
    sed -n 's/^ *[^ ].*REG_[A-Z_]* *//p' "$log/reg.out" | tr -d '\r' | head -n 1
}
# reg_said: what the last reg_value's reg.exe printed, on one line, for a
# failed check's WHY (an empty value read back once, x86_64, cause unknown).
reg_said() { echo "reg.exe said: $(tr -d '\r' <"$log/reg.out" 2>/dev/null | tr '\n' ' ')"; }
# none_of_our_keys: no key of OUR_KEYS in the caller's $classes_view (and,
# for i686-wow64, in the 64-bit view too, where Wine keeps shared keys).
# shellcheck disable=SC2154  # classes_view: set by the driver per arch
none_of_our_keys() {
    local k v views=("$classes_view")
    [[ $arch == *-wow64 ]] && views+=(/reg:64)
    for k in "${OUR_KEYS[@]}"; do
        for v in "${views[@]}"; do
            if wrun 60 "$log/reg.out" "${REG[@]}" query "$k" "$v"; then WHY="still present: $k ($v)"; return 1; fi
        done
    done
}
