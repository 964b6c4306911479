#!/usr/bin/env bash
# tests/wine-tests.sh ARCH: every Windows-side test of one arch, under Wine,
# in a fresh prefix (build/ARCH/tests/wine/prefix; i686-wow64, the i686 build
# in a 64-bit prefix: build/i686/tests/wine-wow64/prefix):
#   - the Check unit tests cross-built for Windows;
#   - end to end: install empkp.exe where Exchange 2003 keeps it, /regserver,
#     the KB's script verbatim (message box read and screenshotted), the same
#     calls printed, DATA0 imported by CryptoAPI, the C client through the type
#     library marshaler and then through empkpps.dll, unregistration, bad
#     arguments;
#   - the COM contract of the class factory and the object
#     (tests/e2e/comcontract.c): in process, then across processes through
#     each marshaler, each assertion a check; and the opt-in trace
#     (server/com/trace.h): silent by default, speaking with EMPKP_TRACE=1.
# Results go to $RESULTS (see lib.sh).  Needs DISPLAY from xvfb_start.
set -uo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"
EXE="$INSTALL_DIR\\empkp.exe"
driver_start wine "${1:-}" "Windows tests"   # ARCH: x86_64, i686 or i686-wow64

# --- the COM contract: tests/e2e/comcontract.c ------------------------------
# The debug output (OutputDebugString) on standard error: Wine 8.0 prints it
# on its seh channel as 'warn:seh:OutputDebugStringA "..."' (measured;
# +debugstr printed nothing there), +debugstr for a Wine that uses that one.
DEBUG_OUTPUT=-all,warn+seh,+debugstr
# comcontract LABEL MODE [VAR=VALUE...]: runs comcontract.exe MODE with the
# debug output in $log/comcontract-LABEL.out; each "ok", "not ok" or "skip"
# line it prints is a check of its own, plus one that it ran to its end.
comcontract() {
    local label=$1 mode=$2 out rc line
    out="$log/comcontract-${label// /-}.out"
    shift 2
    wrun 300 "$out" env WINEDEBUG="$DEBUG_OUTPUT" "$@" "$WINE" 'C:\empkp-tests\comcontract.exe' "$mode"; rc=$?
    while IFS= read -r line; do
        case $line in
            'ok '*) pass "$arch/COM contract, $label/${line#ok }" ;;
            'not ok '*) line=${line#not ok }; fail "$arch/COM contract, $label/${line%%: *}" "${line#*: }" ;;
            'skip '*) line=${line#skip }; skip "$arch/COM contract, $label/${line%%: *}" "${line#*: }" ;;
        esac
    done < <(tr -d '\r' <"$out" | grep -aE '^(ok|not ok|skip) ')
    WHY="exit $rc, $(tr -d '\r' <"$out" | grep -a '^done: ' || tr -d '\r' <"$out" | tail -n 2)" \
        check "$arch/COM contract, $label: ran to its end, every assertion held" \
        rc_and_grep "$rc" 0 "$out" '^done: '
}
# trace_lines FILE: what our trace wrote to the debug output (Wine prints
# each line twice, the second time as dispatch_exception: counted once).
trace_lines() { tr -d '\r' <"$1" | grep -a 'OutputDebugStringA "empkp\[[0-9]*\]: '; }
# traced FILE REGEX: a trace line matches.
# (Through a variable: under pipefail, grep -q ending the pipe early could
# fail it.)
traced() {
    local lines; lines=$(trace_lines "$1")
    grep -qE -- "$2" <<<"$lines" || { WHY="no trace line matching [$2]"; return 1; }
}
# untraced FILE: the debug output was captured (the program's own probe
# line is there) and holds no trace line.
untraced() {
    grep -aq 'OutputDebugStringA "comcontract: debug output probe' "$1" ||
        { WHY="the debug output was not captured (no probe line)"; return 1; }
    [[ -z $(trace_lines "$1") ]] || { WHY="traced: $(trace_lines "$1" | head -n 2)"; return 1; }
}
# server_gone: this prefix's empkp.exe ends within 30 s.
server_gone() { empkp_gone_within 30 || { WHY="empkp.exe still running after 30 s"; return 1; }; }


# --- unit tests, cross-built -------------------------------------------------
wrun 600 "$log/unit.out" "$WINE" "$tbin/unit.exe"; rc=$?
if grep -q 'Checks: ' "$log/unit.out"; then
    # summary.sh counts the Check line itself; this line records the run.
    sed -n 's/^\([0-9]*%: Checks: .*\)/CHECK wine\/'"$arch"'\/unit \1/p' "$log/unit.out" | tr -d '\r' >>"$RESULTS"
    tail -n 1 "$log/unit.out" | sed 's/^/  /'
    WHY="exit code $rc" check "wine/$arch/unit exits 0" test "$rc" -eq 0
else
    fail "wine/$arch/unit" "no Check summary (exit $rc): $(tail -n 3 "$log/unit.out" | tr -d '\r')"
fi

# --- install and register ----------------------------------------------------
install_empkp "$out"

wrun 120 "$log/regserver.out" "$WINE" "$EXE" /regserver; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/regserver.out")" check "$arch/regserver exits 0" test "$rc" -eq 0
v=$(reg_value "$classes_view" "$C\\CLSID\\$CLSID\\LocalServer32" "")
WHY="LocalServer32 is [$v]; $(reg_said)" check "$arch/regserver LocalServer32 is the quoted path" \
    test "$v" = "\"$EXE\""
v=$(reg_value "$classes_view" "$C\\AppID\\$APPID" "")
WHY="AppID name is [$v]; $(reg_said)" check "$arch/regserver AppID named EMPKP (DCOM Config)" test "$v" = EMPKP
# The identity pinned: lib.sh reads the GUIDs from the sources, so this is
# the one place their values are stated.  The CLSIDs are KB 911143's (MOM's
# scripts name them); the AppIDs are ours since 1.0.0, and administrators'
# DCOM Config settings hang on them.
check "$arch/identity pinned: EMPKP's CLSID is KB 911143's" test "$CLSID" = '{94A6DCD0-B6F5-40E8-8C9D-CEE2C7796380}'
check "$arch/identity pinned: ExchKP's CLSID is KB 911143's" test "$XCLSID" = '{E3D2F927-69FA-4EFD-8D05-8726EF540A06}'
check "$arch/identity pinned: EMPKP's AppID is 1.0.0's" test "$APPID" = '{D618966E-4B67-47DB-B2CC-350ED396B2AB}'
check "$arch/identity pinned: ExchKP's AppID is 1.0.0's" test "$XAPPID" = '{54C3C0DA-BDB0-4369-8530-A01726E814E5}'
v=$(reg_value "$classes_view" "$C\\EMPKP.PubKeyPublisher\\CLSID" "")
# WOW64: ProgID keys are shared by both views (Windows 7 and later); Wine
# keeps a 32-bit program's in the 64-bit view, where its reg /reg:32 does
# not look (seen: /reg:64 shows it, /reg:32 says no such key).
[[ -z $v && $arch == *-wow64 ]] && v=$(reg_value /reg:64 "$C\\EMPKP.PubKeyPublisher\\CLSID" "")
WHY="ProgID CLSID is [$v]; $(reg_said)" check "$arch/regserver ProgID resolves to the CLSID" test "$v" = "$CLSID"
wrun 120 "$log/regserver2.out" "$WINE" "$EXE" -RegServer; rc=$?
WHY="exit $rc" check "$arch/regserver twice succeeds" test "$rc" -eq 0

# --- the KB's script, verbatim, with its message box ------------------------
kb_script_msgbox "$WINE" "$log" "$log/kb911143-msgbox.png"; rc=$?
box=$(tr -d '\r' <"$log/box.out")
WHY="box: $box" check "$arch/KB script (Exchange 2003) message box shows 0" \
    grep -qx 'text: 0' <<<"$box"
WHY="wscript exit $rc" check "$arch/KB script closed with Return and ended" test "$rc" -eq 0

# --- the same calls, printed --------------------------------------------------
wrun 180 "$log/echo.out" "$WINE" cscript.exe //nologo 'C:\empkp-tests\publish-echo.vbs'; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/echo.out")" check "$arch/VBScript Publish() prints ErrID=0" \
    grep -qE $'^ErrID=0\r?$' "$log/echo.out"

# --- DATA0 is a PUBLICKEYBLOB CryptoAPI accepts --------------------------------
wrun 120 "$log/import.out" "$WINE" 'C:\empkp-tests\importkey.exe'; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/import.out")" check "$arch/DATA0 imports into CryptoAPI (2048 bits, re-export identical)" \
    test "$rc" -eq 0
exmpls_hex DATA0 >"$log/DATA0.hex" || true

# --- the COM contract in process, and the trace off and on -------------------
# The server's class factory linked into comcontract.exe: no activation.
comcontract "in process" inproc
check "$arch/trace is silent by default (in process)" untraced "$log/comcontract-in-process.out"
# The same with EMPKP_TRACE=1, for the trace only (its assertions are the
# ones above): the factory and the object speak.
wrun 300 "$log/comcontract-traced.out" env WINEDEBUG="$DEBUG_OUTPUT" EMPKP_TRACE=1 \
    "$WINE" 'C:\empkp-tests\comcontract.exe' inproc; rc=$?
WHY="exit $rc" check "$arch/trace on (in process): comcontract.exe ran to its end" \
    rc_and_grep "$rc" 0 "$log/comcontract-traced.out" '^done: '
f=$log/comcontract-traced.out
check "$arch/trace on (in process): the factory's CreateInstance with its answer" \
    traced "$f" 'factory CreateInstance\(outer [0-9A-Fa-f]+, IPubKeyPublisher\) -> 0x00000000'
check "$arch/trace on (in process): the factory's LockServer(TRUE) and (FALSE)" \
    eval 'traced "$f" "factory LockServer\(TRUE\)" && traced "$f" "factory LockServer\(FALSE\)"'
check "$arch/trace on (in process): an unsupported QueryInterface with E_NOINTERFACE" \
    traced "$f" 'object [0-9A-Fa-f]+ QueryInterface\(IClassFactory\) -> 0x80004002'

# --- the C client, early bound ------------------------------------------------
v=$(reg_value "$classes_view" "$C\\Interface\\$IID\\ProxyStubClsid32" "")
WHY="ProxyStubClsid32 is [$v]; $(reg_said)" check "$arch/after /regserver the type library marshaler serves the interface" \
    test "$v" = '{00020424-0000-0000-C000-000000000046}'
wrun 120 "$log/client-tlb.out" "$WINE" 'C:\empkp-tests\client.exe'; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/client-tlb.out")" check "$arch/C client via type library marshaler: ErrID=0" test "$rc" -eq 0

# --- the COM contract through the type library marshaler ---------------------
check "$arch/COM contract: no server runs before the type library marshaler run" server_gone
comcontract "type library marshaler" local
check "$arch/COM contract: the server ends after the type library marshaler run" server_gone
check "$arch/trace is silent by default (the DCOM-started server)" \
    untraced "$log/comcontract-type-library-marshaler.out"

wrun 120 "$log/regsvr32.out" "$WINE" regsvr32.exe /s "$INSTALL_DIR\\empkpps.dll"; rc=$?
WHY="exit $rc" check "$arch/regsvr32 empkpps.dll exits 0" test "$rc" -eq 0
v=$(reg_value "$classes_view" "$C\\Interface\\$IID\\ProxyStubClsid32" "")
WHY="ProxyStubClsid32 is [$v]; $(reg_said)" check "$arch/after regsvr32 empkpps.dll serves the interface" test "$v" = "$IID"
v=$(reg_value "$classes_view" "$C\\CLSID\\$IID\\InProcServer32" "")
WHY="InProcServer32 is [$v]; $(reg_said)" check "$arch/proxy CLSID points at the installed empkpps.dll" \
    grep -qi 'empkpps.dll' <<<"$v"
wrun 120 "$log/client-ps.out" "$WINE" 'C:\empkp-tests\client.exe'; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/client-ps.out")" check "$arch/C client via empkpps.dll: ErrID=0" test "$rc" -eq 0

# --- the server goes away when its clients do ---------------------------------
WHY="empkp.exe still running 30 s after the last client" check "$arch/server exits after the last client" \
    empkp_gone_within 30

# --- the COM contract through empkpps.dll, with the server traced -------------
# The server COM starts inherits the client's environment under Wine, so
# EMPKP_TRACE=1 here reaches it.
comcontract "empkpps.dll" local EMPKP_TRACE=1
check "$arch/COM contract: the server ends after the empkpps.dll run" server_gone
f="$log/comcontract-empkpps.dll.out"
check "$arch/trace on (DCOM-started server): the class registration" \
    traced "$f" 'server CoRegisterClassObject\(\{[0-9A-F-]+\}\) -> 0x00000000'
check "$arch/trace on (DCOM-started server): the factory's CreateInstance" \
    traced "$f" 'factory CreateInstance\(outer 0+, IPubKeyPublisher\) -> 0x00000000'
check "$arch/trace on (DCOM-started server): the object's AddRef and Release" \
    eval 'traced "$f" "object [0-9A-Fa-f]+ AddRef -> [0-9]+" && traced "$f" "object [0-9A-Fa-f]+ Release -> 0, freed"'
check "$arch/trace on (DCOM-started server): Invoke and Publish with its ErrID" \
    eval 'traced "$f" "Invoke\(dispid 1\) -> 0x00000000" && traced "$f" "Publish -> ErrID 0"'
check "$arch/trace on (DCOM-started server): each wake of the server loop" \
    traced "$f" 'server wake \((a lock released|1 s tick)\): [0-9]+ locks held'
check "$arch/trace on (DCOM-started server): the exit and its reason" \
    traced "$f" 'server exits \(last lock released\)'

# --- IClassFactory::LockServer across processes --------------------------------
comcontract "LockServer across processes" lockserver EMPKP_TRACE=1
check "$arch/COM contract: the server ends after the LockServer run" server_gone
f="$log/comcontract-LockServer-across-processes.out"
if grep -aq '^skip ' "$f"; then
    # The skip says the call never reached us; the server's trace shows it.
    WHY="the server traced a LockServer call: $(trace_lines "$f" | grep -a 'LockServer' | head -n 1)" \
        check "$arch/LockServer skipped: the server's trace shows no LockServer call reached it" \
        eval '! traced "$f" "factory LockServer"'
fi

# --- bad arguments: message, exit code, nothing written -----------------------
before=$(snapshot classes exmpls)
for bad in /bogus regserver '/regserver /unregserver' ''; do
    # shellcheck disable=SC2086  # word splitting makes the two-switch case
    wrun 60 "$log/bad.out" "$WINE" "$EXE" $bad; rc=$?
    WHY="exit $rc, output: $(tr -d '\r' <"$log/bad.out")" \
        check "$arch/bad arguments [$bad]: exit 87 with a message" \
        rc_and_grep "$rc" 87 "$log/bad.out" '^empkp: '
done
wrun 60 "$log/usage.out" "$WINE" "$EXE" '/?'; rc=$?
WHY="exit $rc" check "$arch/ /? prints usage and exits 0" rc_and_grep "$rc" 0 "$log/usage.out" regserver
after=$(snapshot classes exmpls)
WHY="registry changed" check "$arch/bad arguments write nothing" test "$before" = "$after"

# --- unregistration ------------------------------------------------------------
wrun 120 "$log/regsvr32u.out" "$WINE" regsvr32.exe /s /u "$INSTALL_DIR\\empkpps.dll"; rc=$?
WHY="exit $rc" check "$arch/regsvr32 /u empkpps.dll exits 0" test "$rc" -eq 0
wrun 120 "$log/unreg.out" "$WINE" "$EXE" /unregserver; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/unreg.out")" check "$arch/unregserver exits 0" test "$rc" -eq 0
check "$arch/after unregistration none of our keys remain" none_of_our_keys
wrun 120 "$log/unreg2.out" "$WINE" "$EXE" /unregserver; rc=$?
WHY="exit $rc" check "$arch/unregserver when not registered succeeds" test "$rc" -eq 0
wrun 180 "$log/echo-unreg.out" "$WINE" cscript.exe //nologo 'C:\empkp-tests\publish-echo.vbs'; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/echo-unreg.out")" check "$arch/CreateObject after unregistration fails with 429" \
    grep -q 'CreateObject failed: 429' "$log/echo-unreg.out"

# --- the stack protector of the shipped binaries' flags is live -----------------
# smash.exe (tests/e2e/smash.c, built with WIN_CFLAGS and WIN_LDFLAGS) copies
# its argument into an 8-byte local array.  With -fstack-protector-strong,
# libssp's __stack_chk_fail ends the process with an illegal instruction
# (0xC000001D); without it (measured: the same source built without the
# flag) it returned into the overwritten bytes and died of a page fault
# (0xC0000005).  No crash dialog: it would wait for a click under Xvfb.
wrun 60 "$log/reg.out" "${REG[@]}" add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f
wrun 120 "$log/smash-short.out" "$WINE" 'C:\empkp-tests\exitcode.exe' 'C:\empkp-tests\smash.exe' short
WHY="$(tr -d '\r' <"$log/smash-short.out" | head -n 3)" \
    check "$arch/stack protector: smash.exe with a short argument runs to its end" \
    grep -qx 'exit=0' <(tr -d '\r' <"$log/smash-short.out")
wrun 120 "$log/smash.out" "$WINE" 'C:\empkp-tests\exitcode.exe' 'C:\empkp-tests\smash.exe' "$(printf 'A%.0s' $(seq 120))"
code=$(tr -d '\r' <"$log/smash.out" | sed -n 's/^exit=//p')
WHY="exit=$code" check "$arch/stack protector: an overflowed local array ends the process (0xC000001D), no return into it" \
    test "$code" = 3221225501
