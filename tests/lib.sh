# shellcheck shell=bash
# Shared by the test drivers (sourced, not run).  Every result is one line in
# $RESULTS: "PASS name", "FAIL name: why" or "SKIP name: why"; summary.sh
# counts them.  Wine rules: a prefix under build/, never ~/.wine (an unset
# WINEPREFIX silently makes one there); every Wine command under timeout, its
# output redirected to a file, never a pipe (wineserver and the COM servers
# Wine starts inherit the pipe and keep it open, so its reader hangs).
# tests/README.md describes the drivers and the layout of their folders.

: "${RESULTS:?RESULTS must name the results file}"
# The tree's top folder (the one holding tests/).
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

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
# PROGRAM_FILES (its Program Files folder under drive_c).  Its wineboot's
# output goes to DIR.boot.log.  From here on, whatever way the script ends,
# session_end ends this prefix's wineserver (and Xvfb, if this script started it).
wine_prefix_new() {
    local loader=/usr/lib/wine/wine64
    export WINEPREFIX=$1 WINEDEBUG=-all WINEARCH=win64
    trap session_end EXIT
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
    mkdir -p "$(dirname "$WINEPREFIX")"
    # wineboot -i has once failed at random on a loaded machine ("could not
    # load kernel32.dll, status c0000135") and cost a whole driver: a second
    # try in a new folder, said on the terminal, the first log kept.
    local try
    for try in 1 2; do
        rm -rf "$WINEPREFIX"
        timeout 180 "$loader" wineboot -i >"$WINEPREFIX.boot.log" 2>&1 && break
        [[ $try == 2 ]] && return 1
        mv -f "$WINEPREFIX.boot.log" "$WINEPREFIX.boot-failed.log"
        echo "  NOTE: wineboot failed in ${WINEPREFIX#"$top"/} ($(tail -n 1 "$WINEPREFIX.boot-failed.log")); trying once more"
        timeout 30 wineserver -k >/dev/null 2>&1 || true
    done
    # wineboot returns before the prefix is ready; the first program in a
    # half-made prefix can stall for minutes.
    timeout 180 wineserver -w
}
# The EXIT trap wine_prefix_new sets: the cleanup of every script that makes a prefix.
session_end() { wine_stop; xvfb_stop; }

# --- How a driver starts ------------------------------------------------------
# One layout for every run: build/<build arch>/tests/<driver><-wow64>/, beside
# the arch's test programs in build/<build arch>/tests/, holding prefix/ (the
# Wine prefix, ~1.3 GB), prefix.boot.log and logs/ (every output file of the
# run).  For example build/x86_64/tests/wine/, build/i686/tests/cred-wow64/.
#
# driver_folders NAME ARCH: that layout for driver NAME on ARCH (x86_64,
# i686, or i686-wow64: the i686 build on 64-bit Windows).  Sets driver, arch,
# wow ("-wow64" or empty), out (the build tested: build/x86_64 or build/i686),
# tbin ($out/tests), run ($out/tests/NAME$wow), log ($run/logs, made empty),
# prefix ($run/prefix), WINE (the arch's loader) and classes_view (the registry
# view our classes are in: the exe's own, one view in the i686 run's 32-bit
# Windows; ExMPLS is always asked for with /reg:64: a 32-bit empkp on 64-bit
# Windows writes it there, see README).
driver_folders() {
    driver=$1 arch=$2
    case $arch in
        x86_64|i686|i686-wow64) ;;
        *) echo "${0##*/}: ARCH must be x86_64, i686 or i686-wow64, not [$arch]" >&2; exit 2 ;;
    esac
    wow=${arch#"${arch%-wow64}"}
    out=$top/build/${arch%-wow64}
    tbin=$out/tests
    run=$tbin/$driver$wow
    log=$run/logs
    prefix=$run/prefix
    WINE=$(wine_for "$arch")
    classes_view=/reg:64
    [[ $arch == i686* ]] && classes_view=/reg:32
    rm -rf "$log"; mkdir -p "$log"
}
# driver_wine [CONSEQUENCE]: the Wine half of a start, after driver_folders.
# Where i686 cannot run, a SKIP "$driver/$arch" saying why and CONSEQUENCE
# (default: the i686 build was made but NOT run), and exit.  Else a fresh
# prefix at $prefix (a FAIL and exit if it cannot be made), ended when the
# driver exits (wine_prefix_new's trap).
driver_wine() {
    if [[ $arch == i686* && ${WINE32:-no} != yes ]]; then
        skip "$driver/$arch" "32-bit Wine (wine32:i386) is not installed: ${WINE32_WHY:-unknown reason}; ${1:-the i686 build was made but NOT run}"
        exit 0
    fi
    if ! wine_prefix_new "$prefix" "$arch"; then
        fail "$driver/$arch/prefix" "wineboot failed: $(tail -n 3 "$prefix.boot.log" 2>/dev/null)"
        exit 0
    fi
}
# driver_start NAME ARCH TITLE: how every Wine test driver starts:
# driver_folders, the title line, driver_wine.
driver_start() {
    driver_folders "$1" "$2"
    echo "== $3, $arch (Wine prefix ${prefix#"$top"/})"
    driver_wine ""
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

# empkp_pids [ERE]: the Unix pids of this prefix's processes whose command
# line matches ERE (case-insensitive; default empkp.exe): other trees' Wine
# prefixes may run theirs at the same time.
empkp_pids() {
    local pid
    for pid in $(pgrep -i -f "${1:-empkp\.exe}" 2>/dev/null); do
        # 2>/dev/null first: the process may be gone before the < opens.
        tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "WINEPREFIX=$WINEPREFIX" && echo "$pid"
    done
}
empkp_running() { [[ -n $(empkp_pids "$@") ]]; }
# empkp_gone_within SECONDS [ERE]: waits (polling every 0.5 s) until no such
# process of this prefix runs; fails if one still does after SECONDS.  Our
# server lingers 3 s after its last client, and files in use cannot go.
empkp_gone_within() {
    local _
    for _ in $(seq $(($1 * 2))); do empkp_running "${@:2}" || return 0; sleep 0.5; done
    ! empkp_running "${@:2}"
}
# wait_holding FILE: waits (up to 60 s) for "stress hold"'s "holding" line in
# FILE; its server is then up and registered.
wait_holding() {
    local _
    for _ in $(seq 120); do grep -q holding "$1" 2>/dev/null && return 0; sleep 0.5; done
    return 1
}

# The C: drive of the current prefix as a Unix path.
drive_c() { echo "$WINEPREFIX/drive_c"; }

# probe ARGS...: tests/e2e/probe.exe (installed by install_empkp) on the
# stored key, DATA0, DACLs and message texts; prints its output without CRs
# and returns its exit code.
probe() {
    local rc
    wrun 120 "$log/probe.out" "$WINE" 'C:\empkp-tests\probe.exe' "$@"; rc=$?
    tr -d '\r' <"$log/probe.out"
    return "$rc"
}

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
# The GUIDs, as the program's sources define them (no copy here): the
# CLSIDs, the IID and the LIBID from the uuid() attributes of idl/empkp.idl,
# the AppIDs (not an IDL thing: only /regserver writes them, into
# HKLM\SOFTWARE\Classes\AppID) from the GUID structs the server registers
# them from, in server/com/self_identity.c.  That the values never change
# (the CLSIDs are the KB's; administrators' DCOM settings hang on the AppID)
# is asserted once, by wine-tests.sh ("identity pinned").
IDL_FILE=$top/idl/empkp.idl
APPID_FILE=$top/server/com/self_identity.c
# idl_uuid NAME: "{uuid}" of the interface, library or coclass NAME.
idl_uuid() {
    awk -v want="$1" '
        match($0, /uuid\([0-9A-Fa-f-]+\)/) { u = toupper(substr($0, RSTART + 5, RLENGTH - 6)) }
        $1 ~ /^(interface|library|coclass)$/ {
            if ($2 == want && u != "") { print "{" u "}"; found = 1; exit }
            u = ""   # an attribute belongs to the one declaration after it
        }
        END { exit !found }' "$IDL_FILE"
}
# struct_guid NAME: "{...}" of "static const GUID NAME = { 0x..., ... };",
# the initializer on the lines after it (11 numbers: 8, 4, 4, then 8 bytes).
struct_guid() {
    awk -v want="$1" '
        $0 ~ ("GUID " want " *=") { on = 1; next }
        on { text = text " " $0; if ($0 ~ /;/) exit }
        END {
            gsub(/[{},;]/, " ", text); n = split(text, h, " ")
            if (n != 11) exit 1
            for (i = 1; i <= 11; i++) { sub(/^0[xX]/, "", h[i]); h[i] = toupper(h[i]) }
            printf "{%08s-%04s-%04s-%02s%02s-", h[1], h[2], h[3], h[4], h[5]
            for (i = 6; i <= 11; i++) printf "%02s", h[i]
            print "}"
        }' "$APPID_FILE" | tr ' ' 0
}
CLSID=$(idl_uuid PubKeyPublisher) && IID=$(idl_uuid IPubKeyPublisher) &&
    LIBID=$(idl_uuid EMPKPLib) && XCLSID=$(idl_uuid ExchKPPubKeyPublisher) &&
    APPID=$(struct_guid appid_empkp) && XAPPID=$(struct_guid appid_exchkp) || {
    echo "tests/lib.sh: cannot read our GUIDs from ${IDL_FILE#"$top"/} and ${APPID_FILE#"$top"/}" \
         "(CLSID=${CLSID:-} IID=${IID:-} LIBID=${LIBID:-} XCLSID=${XCLSID:-} APPID=${APPID:-} XAPPID=${XAPPID:-})" >&2
    exit 2
}
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
# reg_has VIEW KEY [VALUE-NAME]: the key (or its value) exists.
reg_has() {
    local args=(); [[ $# -gt 2 ]] && args=(/v "$3")
    wrun 60 "$log/reg.out" "${REG[@]}" query "$2" "${args[@]}" "$1"
}
# key_gone KEY: KEY is not in $classes_view (else WHY names it).
key_gone() { ! reg_has "$classes_view" "$1" || { WHY="still present: $1"; return 1; }; }
# ExMPLS's values, always in the 64-bit view: exmpls_hex NAME prints a
# REG_BINARY value's bytes as hex (fails if there is none), exmpls_set NAME
# HEX writes one, exmpls_del NAME deletes it.
exmpls_hex() {
    wrun 60 "$log/exmpls.out" "${REG[@]}" query "$EXMPLS" /v "$1" /reg:64 &&
        sed -n 's/.*REG_BINARY *//p' "$log/exmpls.out" | tr -d '\r\n '
}
exmpls_set() { wrun 60 "$log/reg.out" "${REG[@]}" add "$EXMPLS" /v "$1" /t REG_BINARY /d "$2" /f /reg:64; }
exmpls_del() { wrun 60 "$log/reg.out" "${REG[@]}" delete "$EXMPLS" /v "$1" /f /reg:64; }
# The event source /regserver registers, in the loader's own view.
EVENT_SOURCE='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\EMPKP'
event_source_gone() { ! wrun 60 "$log/reg.out" "${REG[@]}" query "$EVENT_SOURCE"; }
# event_message_file: reg.exe's lines for the event source's EventMessageFile.
event_message_file() {
    wrun 60 "$log/reg.out" "${REG[@]}" query "$EVENT_SOURCE" /v EventMessageFile && tr -d '\r' <"$log/reg.out"
}
# snapshot PART...: one checksum of the named parts as they are now, for the
# "changed nothing" checks.  Parts: classes (HKLM\SOFTWARE\Classes in
# $classes_view), exmpls (the ExMPLS key and its subkeys; "absent" when there
# is none), store (the stored key's public half, probe store-public).
snapshot() {
    local part key view all=$log/snapshot.txt
    : >"$all"
    for part in "$@"; do
        case $part in
            classes) key='HKLM\SOFTWARE\Classes' view=$classes_view ;;
            exmpls) key=$EXMPLS view=/reg:64 ;;
            store) probe store-public >>"$all"; continue ;;
        esac
        rm -f "$(drive_c)/empkp-tests/snapshot.reg"
        if wrun 60 "$log/snap.out" "${REG[@]}" export "$key" 'C:\empkp-tests\snapshot.reg' /y "$view"; then
            cat "$(drive_c)/empkp-tests/snapshot.reg" >>"$all"
        else
            echo "$part: absent" >>"$all"
        fi
    done
    md5sum <"$all"
}

# msi_prop MSI NAME: a property of an MSI package (msiinfo, no Wine).
msi_prop() { msiinfo export "$1" Property 2>/dev/null | tr -d '\r' | awk -F'\t' -v k="$2" '$1 == k { print $2 }'; }

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
