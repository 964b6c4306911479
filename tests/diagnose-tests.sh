#!/usr/bin/env bash
# tests/diagnose-tests.sh ARCH: KB 911143 as a command, under Wine in a fresh
# prefix build/ARCH/tests/diagnose/prefix:
#   - empkp /diagnose on a working install: every check, verdict 9986, exit 0,
#     nothing changed; then one failure the KB describes at a time, each
#     asserting the check that names the cause, the MOM event and the exit
#     code (the whole 32-bit code, read by exitcode.exe: a Unix shell sees it
#     modulo 256): ExMPLS deleted, DATA0 corrupted, the exe unregistered (and
#     /fix repairing it), LocalServer32 naming a missing file, a file that is
#     not a PE image, a PE image for another machine (ARM64 header), the AppID
#     removed, Publish failing on an unwritable ExMPLS (a real DACL, and the
#     fault-point build called through COM); /format:json parses;
#   - registration safety: /fix from C:\temp and from a UNC path refuses and
#     changes nothing; /fix refuses a folder others may write, a file another
#     account owns, a removable drive (descriptors and drive type injected in
#     the fault build: Wine keeps no ACLs) and registers when only
#     administrators may write; /unregserver from a copy leaves the KB copy's
#     registration and says so; one failing on a child key that will not open
#     ends instead of looping; an unquoted LocalServer32 with a blank WARNs
#     naming C:\Program.exe, FAILs when that file exists, and /fix quotes it;
#   - ExchKP compatibility: ExchKP.exe in the KB's MOM 2000 SP1 folder,
#     ExchKP /regserver, the KB's Exchange 2000 / MOM 2000 SP1 script verbatim
#     (message box shows 0), the same DATA0 as EMPKP's, both identities side
#     by side and each unregistered with the other left working.
# Results go to $RESULTS (see lib.sh).  Needs DISPLAY from xvfb_start.
set -uo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"

EXE="$INSTALL_DIR\\empkp.exe"
ONEPOINT='C:\Program Files\Microsoft Operations Manager 2000\OnePoint'
XEXE="$ONEPOINT\\ExchKP.exe"
T='C:\empkp-tests'
GOOD_SDDL='D:P(A;CI;KA;;;SY)(A;CI;KA;;;BA)'

driver_start diagnose "${1:-}" "/diagnose and ExchKP"   # ARCH: x86_64 or i686
install_empkp "$out"
cdrive=$(drive_c)
cp "$out/empkpcred.exe" "$cdrive/Program Files/Exchsrvr/bin/"
mkdir -p "$cdrive/Program Files/Microsoft Operations Manager 2000/OnePoint"

reg_q()   { wrun 60 "$log/reg.out" "${REG[@]}" query "$@"; }
reg_set_default() { wrun 60 "$log/reg.out" "${REG[@]}" add "$1" /ve /d "$2" /f "$classes_view"; }

# Any of our servers still running in this prefix (a lingering one would
# answer activations the broken registry no longer allows): wait it out.
wait_servers_gone() { empkp_gone_within 20 'empkp\.exe|exchkp\.exe|empkp-faults\.exe'; }

# diagnose [PROGRAM] -- ARGS: runs PROGRAM (default empkp.exe) /diagnose ARGS
# through exitcode.exe; the report without CR is in $log/diag.txt, the
# whole exit code in $code.  A server of the previous run may still be
# lingering (3 s): cases that break the registration wait it out first
# (wait_servers_gone), the others need not.
diagnose() {
    local program=$EXE
    if [[ $1 != -- ]]; then program=$1; shift; fi
    shift
    wrun 240 "$log/diag.out" "$WINE" "$T\\exitcode.exe" "$program" /diagnose "$@"
    tr -d '\r' <"$log/diag.out" | grep -v '^exit=' >"$log/diag.txt"
    code=$(tr -d '\r' <"$log/diag.out" | sed -n 's/^exit=//p')
    cp "$log/diag.txt" "$log/diag-$((++runs)).txt"
}
runs=0
# line STATUS CHECK REGEX: the report has "STATUS CHECK: ..." matching REGEX.
line() { grep -E "^$1 $2: .*$3" "$log/diag.txt" >/dev/null || { WHY="no \"$1 $2: ...$3\" in $(grep -E "^[A-Z]+ $2:" "$log/diag.txt" | head -n 1)"; return 1; }; }
# verdict EVENT: the VERDICT line names EVENT and the exit code is EVENT (0 for 9986).
verdict() {
    local want=$1; [[ $1 == 9986 ]] && want=0
    if grep -q "^VERDICT $1 " "$log/diag.txt" && [[ $code == "$want" ]]; then return 0; fi
    WHY="exit=$code, $(grep '^VERDICT' "$log/diag.txt" | cut -c1-60)"
    return 1
}
# fix_line REGEX: the report has a "FIX ..." line matching REGEX.
fix_line() { grep -E "^FIX .*$1" "$log/diag.txt" >/dev/null || { WHY="no FIX line matching $1"; return 1; }; }
no_fail() { ! grep -q '^FAIL ' "$log/diag.txt" || { WHY=$(grep '^FAIL ' "$log/diag.txt" | head -n 2); return 1; }; }
# A working install again: registration and key as /regserver and Publish leave them.
healthy() {
    probe set-sddl "$GOOD_SDDL" >/dev/null
    wrun 120 "$log/heal.out" "$WINE" "$EXE" /regserver &&
        wrun 300 "$log/heal.out" "$WINE" "$EXE" /publish
}

wrun 120 "$log/regserver.out" "$WINE" "$EXE" /regserver ||
    { fail "diagnose/$arch/regserver" "$(tr -d '\r' <"$log/regserver.out")"; exit 0; }
wrun 300 "$log/publish.out" "$WINE" "$EXE" /publish

# --- a working install ------------------------------------------------------------
before=$(snapshot classes exmpls store)
diagnose --
check "diagnose/$arch healthy: verdict 9986, exit code 0" verdict 9986
check "diagnose/$arch healthy: no FAIL line" no_fail
n=$(grep -cE '^(PASS|WARN|FAIL) ' "$log/diag.txt")
WHY="$n check lines" check "diagnose/$arch healthy: 18 checks, one line each" test "$n" -eq 18
check "diagnose/$arch healthy: Publish() called through COM, ErrID 0" line PASS 'Publish\(\)' 'returned ErrID 0'
check "diagnose/$arch healthy: the object created through COM" line PASS 'object created' 'CLSCTX_LOCAL_SERVER'
check "diagnose/$arch healthy: a PE image this Windows starts" line PASS 'valid Win32 application' 'yes'
check "diagnose/$arch healthy: the helper at the KB's Exchange 2003 location, registered" \
    line PASS 'helper file' 'Exchsrvr.bin.empkp.exe: present, registered as EMPKP.PubKeyPublisher'
check "diagnose/$arch healthy, no credentials yet: DATA1..3 WARN, nothing to decrypt" \
    line WARN 'DATA1\.\.3 decryptable' 'nothing to decrypt'
# DATA0's fingerprint, the one empkpcred set /server: asks for, computed
# here from DATA0's bytes; and the Base provider's limit (RSA-2048 DATA0).
fp=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())' "$(probe data0)")
fp_line() { grep -A1 '^PASS DATA0:' "$log/diag.txt" | grep -qx "     DATA0 SHA-256: $1"; }
WHY="want $fp: $(grep 'SHA-256' "$log/diag.txt")" check "diagnose/$arch healthy: the DATA0 SHA-256 line under DATA0's" \
    fp_line "$fp"
check "diagnose/$arch healthy RSA-2048: WARN naming the Base provider's 1024-bit limit" \
    line WARN 'DATA0 providers' 'Base Cryptographic Provider \(MS_DEF_PROV\) cannot import .* 384 to 1024 bits.*Refused by: Base \(MS_DEF_PROV\) \(0x80090005\)'
check "diagnose/$arch healthy RSA-2048: the Strong, Enhanced, RSA/AES and default providers import it" \
    line WARN 'DATA0 providers' 'imported by: Strong \(MS_STRONG_PROV\), Enhanced \(MS_ENHANCED_PROV\), Enhanced RSA and AES \(MS_ENH_RSA_AES_PROV\), default PROV_RSA_FULL'
WHY="registry or key store changed" check "diagnose/$arch healthy: /diagnose changed nothing" test "$(snapshot classes exmpls store)" = "$before"
wrun 180 "$log/plain.out" "$WINE" "$EXE" /diagnose; rc=$?
WHY="exit $rc" check "diagnose/$arch healthy: empkp /diagnose exits 0 (no exitcode.exe between)" test "$rc" -eq 0

diagnose -- /format:json
json_ok() {
    python3 - "$log/diag.txt" "$@" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
event, n = int(sys.argv[2]), len(doc["checks"])
assert doc["verdict"]["event"] == event, doc["verdict"]
assert doc["verdict"]["exit_code"] == (0 if event == 9986 else event)
assert n == 18, n
assert all(c["status"] in ("PASS", "WARN", "FAIL") for c in doc["checks"])
if len(sys.argv) > 3:
    data0 = [c for c in doc["checks"] if c["check"] == "data0"][0]
    assert data0.get("sha256") == sys.argv[3], data0
    assert [c["check"] for c in doc["checks"] if "sha256" in c] == ["data0"]
EOF
}
json_parses() { python3 -m json.tool "$log/diag.txt" >"$log/json.out" 2>&1 || { WHY=$(head -n 1 "$log/json.out"); return 1; }; }
check "diagnose/$arch /format:json parses (python3 -m json.tool)" json_parses
check "diagnose/$arch /format:json: 18 checks, verdict 9986, exit_code 0" json_ok 9986
check "diagnose/$arch /format:json: DATA0's \"sha256\" is its SHA-256" json_ok 9986 "$fp"

# --- credentials: set by empkpcred, decrypted by the same check, never shown ----------
printf 'S3cret pass!\r\n' >"$log/pw.in"
timeout 60 "$WINE" "$INSTALL_DIR\\empkpcred.exe" set /domain:CONTOSO /user:mom-svc \
    <"$log/pw.in" >"$log/cred.out" 2>&1; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/cred.out")" check "diagnose/$arch empkpcred set stores DATA1..3" test "$rc" -eq 0
diagnose --
check "diagnose/$arch credentials: DATA1..3 present" line PASS 'DATA1\.\.3' 'DATA1, DATA2 and DATA3 present'
check "diagnose/$arch credentials: they decrypt with the stored key" line PASS 'DATA1\.\.3 decryptable' 'decrypt with the stored key'
not_shown() { ! grep -qiE 'CONTOSO|mom-svc|S3cret' "$log/diag.txt" || { WHY="a credential is printed"; return 1; }; }
check "diagnose/$arch credentials: neither domain, user nor password printed" not_shown
check "diagnose/$arch credentials: verdict 9986" verdict 9986
exmpls_set DATA2 00
diagnose --
check "diagnose/$arch a damaged DATA2: decryptability WARNs and names it" line WARN 'DATA1\.\.3 decryptable' 'damaged.*DATA2'
check "diagnose/$arch a damaged DATA2: verdict still 9986 (credentials come after it)" verdict 9986
for v in DATA1 DATA2 DATA3; do exmpls_del "$v"; done

# --- ExMPLS key deleted -------------------------------------------------------------
wrun 60 "$log/reg.out" "${REG[@]}" delete "$EXMPLS" /f /reg:64
before=$(snapshot classes exmpls store)
diagnose --
check "diagnose/$arch ExMPLS deleted: names the key" line FAIL 'ExMPLS key' 'is not present'
check "diagnose/$arch ExMPLS deleted: verdict 9987, exit code 9987" verdict 9987
check "diagnose/$arch ExMPLS deleted: Publish() not called (it would write)" line WARN 'Publish\(\)' 'not called'
WHY="something was written" check "diagnose/$arch ExMPLS deleted: /diagnose changed nothing" test "$(snapshot classes exmpls store)" = "$before"
healthy

# --- DATA0 corrupted ----------------------------------------------------------------
good=$(probe data0)
exmpls_set DATA0 "${good:0:200}"
before=$(snapshot classes exmpls store)
diagnose --
check "diagnose/$arch DATA0 truncated: names DATA0" line FAIL 'DATA0' 'not a well-formed PUBLICKEYBLOB: key blob truncated'
check "diagnose/$arch DATA0 truncated: verdict 9987" verdict 9987
WHY="DATA0 changed" check "diagnose/$arch DATA0 truncated: /diagnose changed nothing" test "$(snapshot classes exmpls store)" = "$before"
probe other-blob >/dev/null
diagnose --
check "diagnose/$arch DATA0 of another key: names the stored key" line FAIL 'stored key' "DATA0 is another key's"
check "diagnose/$arch DATA0 of another key: verdict 9987" verdict 9987
healthy

# --- the exe unregistered, then /fix ------------------------------------------------
wait_servers_gone
wrun 120 "$log/unreg.out" "$WINE" "$EXE" /unregserver
diagnose --
check "diagnose/$arch unregistered: names the CLSID" line FAIL 'CLSID' 'is not present: EMPKP.PubKeyPublisher is not registered'
check "diagnose/$arch unregistered: CreateObject fails" line FAIL 'object created' 'fails'
check "diagnose/$arch unregistered: remedy is the KB's EMPKP /regserver" line FAIL 'CLSID' 'type EMPKP /regserver'
check "diagnose/$arch unregistered: verdict 10001, exit code 10001" verdict 10001
diagnose -- /format:json
check "diagnose/$arch unregistered: /format:json parses, verdict 10001" json_ok 10001
diagnose -- /fix
check "diagnose/$arch /fix: says it re-registered" fix_line 'registered EMPKP.PubKeyPublisher to .*: done'
check "diagnose/$arch /fix: after it, verdict 9986, exit code 0" verdict 9986
WHY="before/after sections missing" check "diagnose/$arch /fix: report shows before and after" \
    grep -q '^After /fix:' "$log/diag.txt"
v=$(reg_value "$classes_view" "$C\\CLSID\\$CLSID\\LocalServer32" "")
WHY="LocalServer32 is [$v]" check "diagnose/$arch /fix: LocalServer32 names the installed exe" test "$v" = "\"$EXE\""
diagnose --
check "diagnose/$arch after /fix, a plain /diagnose: verdict 9986" verdict 9986

# --- LocalServer32 naming a missing file ---------------------------------------------
reg_set_default "$C\\CLSID\\$CLSID\\LocalServer32" "\"$INSTALL_DIR\\gone\\empkp.exe\""
wait_servers_gone
diagnose --
check "diagnose/$arch missing file: names it" line FAIL 'server file' 'gone.empkp.exe does not exist'
check "diagnose/$arch missing file: remedy copies the helper" line FAIL 'server file' 'copy empkp.exe there'
check "diagnose/$arch missing file: verdict 10001" verdict 10001
healthy

# --- LocalServer32 naming a file that is not a PE image -------------------------------
cp "$top/tests/e2e/kb911143-exchange2003.vbs" "$cdrive/empkp-tests/notpe.exe"
reg_set_default "$C\\CLSID\\$CLSID\\LocalServer32" "$T\\notpe.exe"
wait_servers_gone
diagnose --
check "diagnose/$arch not a PE image: not a valid Win32 application, no MZ" \
    line FAIL 'valid Win32 application' 'not a valid Win32 application.*does not start with "MZ"'
check "diagnose/$arch not a PE image: CreateObject fails" line FAIL 'object created' 'fails'
check "diagnose/$arch not a PE image: the failure points at the PE check" \
    line FAIL 'object created' 'see "valid Win32 application"'
check "diagnose/$arch not a PE image: verdict 10001" verdict 10001
healthy

# --- LocalServer32 naming a PE image for another machine type --------------------------
# The KB's own error: the x64 build on 32-bit Windows.  The i686 run's prefix
# is a 32-bit Windows (WINEARCH=win32), so it is the real thing there; the
# x86_64 run has no such case (its Windows runs both) and tests ARM64 below.
if [[ $arch == i686 ]]; then
    cp "$top/build/x86_64/empkp.exe" "$cdrive/empkp-tests/x64.exe"
    reg_set_default "$C\\CLSID\\$CLSID\\LocalServer32" "\"$T\\x64.exe\""
    wait_servers_gone
    diagnose --
    check "diagnose/$arch x64 exe on 32-bit Windows: names the machine type" \
        line FAIL 'valid Win32 application' 'a PE image for AMD64 \(machine 0x8664\), which this i386 Windows cannot run'
    check "diagnose/$arch x64 exe on 32-bit Windows: CreateObject fails" line FAIL 'object created' 'fails'
    check "diagnose/$arch x64 exe on 32-bit Windows: verdict 10001" verdict 10001
    healthy
fi
arm64="$cdrive/empkp-tests/arm64.exe"
cp "$out/empkp.exe" "$arm64"
lfanew=$(od -An -t u4 -j 60 -N 4 "$arm64" | tr -d ' ')
printf '\x64\xaa' | dd of="$arm64" bs=1 seek=$((lfanew + 4)) conv=notrunc status=none
m=$(od -An -t x2 -j $((lfanew + 4)) -N 2 "$arm64" | tr -d ' ')
WHY="machine field reads $m" check "diagnose/$arch ARM64 copy: machine field patched to 0xAA64" test "$m" = aa64
reg_set_default "$C\\CLSID\\$CLSID\\LocalServer32" "\"$T\\arm64.exe\""
wait_servers_gone
diagnose --
check "diagnose/$arch ARM64 image: names the machine type" \
    line FAIL 'valid Win32 application' 'a PE image for ARM64 \(machine 0xAA64\)'
check "diagnose/$arch ARM64 image: verdict 10001" verdict 10001
healthy

# --- the AppID removed ----------------------------------------------------------------
wrun 60 "$log/reg.out" "${REG[@]}" delete "$C\\AppID\\$APPID" /f "$classes_view"
wait_servers_gone   # a cold start, so COM really starts it without the AppID
diagnose --
check "diagnose/$arch AppID removed: names it (DCOM Config)" line WARN 'AppID' 'is not registered: DCOM Config does not list EMPKP'
# COM creates the object with the machine's default DCOM permissions without
# an AppID, so MOM still gets 9986: a WARN, documented in README.
check "diagnose/$arch AppID removed: the object is still created" line PASS 'object created' ''
check "diagnose/$arch AppID removed: verdict 9986 (AppID is not needed to create it)" verdict 9986
diagnose -- /fix
check "diagnose/$arch AppID removed: /fix re-registers it" line PASS 'AppID' '"EMPKP": DCOM Config lists it'
healthy

# --- DCOM permissions (KB 274696), for the account MOM runs as ----------------------
# Wine stores these descriptors but enforces none of them: the cases test
# /diagnose's reading of them (server/diagnose/dcom_perm.c), not Windows' refusal.
APPKEY="SOFTWARE\\Classes\\AppID\\$APPID"
OLE='SOFTWARE\Microsoft\Ole'
regsd() { wrun 60 "$log/regsd.out" "$WINE" "$T\\regsd.exe" "$@"; }
regsd_get() { regsd get "$1" "$2" && tr -d '\r' <"$log/regsd.out"; }
no_appid_acls() {
    ! regsd get "$APPKEY" LaunchPermission && ! regsd get "$APPKEY" AccessPermission ||
        { WHY="found: $(tr -d '\r' <"$log/regsd.out")"; return 1; }
}
check "dcom/$arch /regserver writes no LaunchPermission/AccessPermission (machine defaults apply)" no_appid_acls
check "dcom/$arch healthy: SYSTEM may launch and call EMPKP" line PASS 'DCOM permissions' 'SYSTEM .*may launch and call EMPKP'
saved_default=$(regsd_get "$OLE" DefaultLaunchPermission || true)

regsd set "$APPKEY" LaunchPermission 'O:BAG:BAD:(A;;CCDCSW;;;IU)'
diagnose --
check "dcom/$arch LaunchPermission granting only INTERACTIVE: FAIL names LaunchPermission" \
    line FAIL 'DCOM permissions' 'SYSTEM .*may not launch EMPKP: launch: LaunchPermission leaves it out'
check "dcom/$arch LaunchPermission without SYSTEM: remedy is KB 274696's dcomcnfg path" \
    line FAIL 'DCOM permissions' 'KB 274696: in dcomcnfg .*DCOM Config > EMPKP > Properties > Security.*add SYSTEM with Local Launch and Local Activation'
check "dcom/$arch LaunchPermission without SYSTEM: verdict 10001, exit code 10001" verdict 10001
diagnose -- /fix
check "dcom/$arch /fix without /dcom leaves the permission alone" line FAIL 'DCOM permissions' 'LaunchPermission leaves it out'
wrun 120 "$log/rereg.out" "$WINE" "$EXE" /regserver
v=$(regsd_get "$APPKEY" LaunchPermission)
WHY="[$v]" check "dcom/$arch /regserver keeps the administrator's LaunchPermission" grep -q '(A;;CCDCSW;;;IU)' <<<"$v"
diagnose -- /fix /dcom
check "dcom/$arch /fix /dcom: says it added SYSTEM to LaunchPermission" fix_line 'added SYSTEM with Local Launch and Local Activation to EMPKP.s LaunchPermission.*done'
check "dcom/$arch /fix /dcom: after it, DCOM permissions PASS, verdict 9986" verdict 9986
v=$(regsd_get "$APPKEY" LaunchPermission)
WHY="[$v]" check "dcom/$arch /fix /dcom kept INTERACTIVE and added SYSTEM after it" \
    grep -qE '\(A;;CCDCSW;;;IU\)\(A;;CCDCSW;;;SY\)' <<<"$v"

# Administrators only: LocalSystem's token holds Administrators (MSDN
# "LocalSystem Account"), so SYSTEM may launch; an account outside it may not.
regsd set "$APPKEY" LaunchPermission 'O:BAG:BAD:(A;;CCDCSW;;;BA)'
diagnose --
check "dcom/$arch LaunchPermission granting only Administrators: SYSTEM (an Administrators member) passes" \
    line PASS 'DCOM permissions' 'SYSTEM .*may launch and call'
# /account: NETWORK SERVICE, an account Wine's LookupAccountName knows.  Wine's
# NetUserGetLocalGroups puts every account in Administrators (measured), so
# the rule here grants SYSTEM alone; Administrators-only for an action
# account is a unit test (test_dcom_perm.c).
regsd set "$APPKEY" LaunchPermission 'O:BAG:BAD:(A;;CCDCSW;;;SY)'
NS='/account:NT AUTHORITY\NETWORK SERVICE'
diagnose --
check "dcom/$arch LaunchPermission granting SYSTEM alone: SYSTEM passes" line PASS 'DCOM permissions' 'SYSTEM .*may launch and call'
diagnose -- "$NS"
check "dcom/$arch /account:NETWORK SERVICE left out by LaunchPermission: FAIL for that account" \
    line FAIL 'DCOM permissions' 'NETWORK SERVICE \(MOM.s action account; credited groups: Everyone, Authenticated Users.*\) may not launch EMPKP'
check "dcom/$arch /account: left out: remedy names the account" line FAIL 'DCOM permissions' 'add NT AUTHORITY.NETWORK SERVICE with Local Launch'
check "dcom/$arch /account: left out: verdict 10001" verdict 10001
diagnose -- /fix /dcom "$NS"
check "dcom/$arch /fix /dcom /account: adds that account, verdict 9986" verdict 9986
v=$(regsd_get "$APPKEY" LaunchPermission)
WHY="[$v]" check "dcom/$arch /fix /dcom /account: SYSTEM kept, NETWORK SERVICE (NS) added after it" \
    grep -qE '\(A;;CCDCSW;;;SY\)\(A;;CCDCSW;;;NS\)' <<<"$v"
# Granted only through INTERACTIVE: depends on how MOM logs the account on.
regsd set "$APPKEY" LaunchPermission 'O:BAG:BAD:(A;;CCDCSW;;;SY)(A;;CCDCSW;;;IU)'
diagnose -- "$NS"
check "dcom/$arch /account: let in only through INTERACTIVE: WARN, not FAIL" \
    line WARN 'DCOM permissions' 'only INTERACTIVE would let it in'
check "dcom/$arch /account: only through INTERACTIVE: verdict 9986" verdict 9986
diagnose -- /account:NoSuchUser-dcomperm
check "dcom/$arch /account: naming an unknown account: WARN, not judged" line WARN 'DCOM permissions' 'is not known here'

# A deny entry for SYSTEM before an allow for Everyone: /fix does not override it.
regsd set "$APPKEY" LaunchPermission 'O:BAG:BAD:(D;;CCDCSW;;;SY)(A;;CCDCSW;;;WD)'
diagnose -- /fix /dcom
check "dcom/$arch a deny for SYSTEM: FAIL names the deny entry" line FAIL 'DCOM permissions' 'denies it \(a deny entry for SYSTEM\)'
check "dcom/$arch a deny for SYSTEM: /fix /dcom leaves it (the administrator's to remove)" fix_line 'LaunchPermission not changed: a deny entry'
regsd delete "$APPKEY" LaunchPermission

regsd set "$APPKEY" AccessPermission 'O:BAG:BAD:(A;;CCDC;;;IU)'
diagnose --
check "dcom/$arch AccessPermission granting only INTERACTIVE: FAIL names AccessPermission" \
    line FAIL 'DCOM permissions' 'SYSTEM .*may not call EMPKP: .*access: AccessPermission leaves it out'
check "dcom/$arch AccessPermission without SYSTEM: remedy adds SYSTEM with Local Access" \
    line FAIL 'DCOM permissions' 'Access Permissions > Customize > Edit: add SYSTEM with Local Access'
check "dcom/$arch AccessPermission without SYSTEM: verdict 10001" verdict 10001
regsd delete "$APPKEY" AccessPermission

regsd set "$OLE" DefaultLaunchPermission 'O:BAG:BAD:(A;;CCDCSW;;;IU)'
diagnose --
check "dcom/$arch machine default without SYSTEM, no AppID value: FAIL names DefaultLaunchPermission" \
    line FAIL 'DCOM permissions' 'launch: DefaultLaunchPermission leaves it out'
check "dcom/$arch machine default without SYSTEM: verdict 10001" verdict 10001
diagnose -- /fix /dcom
check "dcom/$arch machine default: /fix /dcom writes EMPKP's own LaunchPermission from it" \
    fix_line 'to EMPKP.s LaunchPermission \(from DefaultLaunchPermission'
v=$(regsd_get "$OLE" DefaultLaunchPermission)
WHY="[$v]" check "dcom/$arch machine default: /fix /dcom left DefaultLaunchPermission as it was" \
    test "$v" = "O:BAG:BAD:(A;;CCDCSW;;;IU)"
check "dcom/$arch machine default: after /fix /dcom, verdict 9986" verdict 9986
regsd delete "$APPKEY" LaunchPermission
if [[ -n $saved_default ]]; then regsd set "$OLE" DefaultLaunchPermission "$saved_default"
else regsd delete "$OLE" DefaultLaunchPermission; fi
diagnose --
check "dcom/$arch rules restored: DCOM permissions PASS, verdict 9986" verdict 9986

# --- Publish failing: ExMPLS not writable ------------------------------------------------
exmpls_del DATA0
probe set-sddl 'D:P(A;CI;KR;;;WD)' >/dev/null
diagnose --
check "diagnose/$arch ExMPLS read-only: Publish() would return ErrID 5" line FAIL 'Publish\(\)' 'would return ErrID 5'
check "diagnose/$arch ExMPLS read-only: verdict 10000, exit code 10000" verdict 10000
diagnose -- /fix
check "diagnose/$arch ExMPLS read-only, /fix: its Publish gets ErrID 5 and says so" fix_line 'Publish\(\) run here.*ErrID 5'
check "diagnose/$arch ExMPLS read-only, /fix: Publish() through COM returns ErrID 5" line FAIL 'Publish\(\)' 'returned ErrID 5'
check "diagnose/$arch ExMPLS read-only, /fix: verdict stays 10000" verdict 10000
healthy

# The fault-point build as the COM server: the server COM starts inherits
# EMPKP_FAULT from the client under Wine (measured here: without that, its
# Publish would succeed and the verdict would be 9986).
cp "$out/tests/empkp-faults.exe" "$cdrive/Program Files/Exchsrvr/bin/"
FEXE="$INSTALL_DIR\\empkp-faults.exe"
wrun 120 "$log/reg-faults.out" "$WINE" "$FEXE" /regserver
exmpls_del DATA0
wait_servers_gone
EMPKP_FAULT=fail:exmpls-write diagnose "$FEXE" -- /fix
check "diagnose/$arch fault build, fail:exmpls-write: COM server's Publish() returns ErrID 5" \
    line FAIL 'Publish\(\)' 'returned ErrID 5'
check "diagnose/$arch fault build, fail:exmpls-write: verdict 10000" verdict 10000
check "diagnose/$arch fault build: LocalServer32 names the fault build" line PASS 'LocalServer32' 'empkp-faults.exe'

# /fix and who may write the folder: Wine keeps no real ACLs, so the fault
# build substitutes Windows' answer (diagnose_fixsafe.c).  The fault build is
# the file LocalServer32 names, so only the descriptor or the drive decides.
wrun 60 "$log/reg.out" "${REG[@]}" delete "$C\\AppID\\$APPID" /f "$classes_view"
appid_gone() { ! reg_q "$C\\AppID\\$APPID" "$classes_view" || { WHY="the AppID is back"; return 1; }; }
EMPKP_FAULT='text:fix-folder-sd=O:BAD:(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;BU)' \
    diagnose "$FEXE" -- /fix
check "diagnose/$arch /fix, folder Users may modify (injected SD): refuses, naming Users" \
    fix_line 'refused to register EMPKP.PubKeyPublisher.*the folder of .*empkp-faults.exe lets Users'
check "diagnose/$arch /fix, folder Users may modify: nothing registered" appid_gone
EMPKP_FAULT='text:fix-file-sd=O:S-1-5-21-1-2-3-1000D:(A;;FA;;;BA)' diagnose "$FEXE" -- /fix
check "diagnose/$arch /fix, file owned by another account (injected SD): refuses, naming it" \
    fix_line 'refused to register.*the file of .*is owned by S-1-5-21-1-2-3-1000'
check "diagnose/$arch /fix, file owned by another account: nothing registered" appid_gone
EMPKP_FAULT='err:fix-drive=2' diagnose "$FEXE" -- /fix
check "diagnose/$arch /fix on a removable drive (injected GetDriveType): refuses" \
    fix_line 'refused to register.*is on a removable drive'
check "diagnose/$arch /fix on a removable drive: nothing registered" appid_gone
EMPKP_FAULT='text:fix-folder-sd=O:BAD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU),text:fix-file-sd=O:SYD:(A;;FA;;;BA)(A;;0x1200a9;;;WD)' \
    diagnose "$FEXE" -- /fix
check "diagnose/$arch /fix, administrators-only folder and file (injected SDs): registers" \
    fix_line 'registered EMPKP.PubKeyPublisher to .*empkp-faults.exe.*: done'
check "diagnose/$arch /fix, administrators-only: the AppID is back" line PASS 'AppID' '"EMPKP": DCOM Config lists it'

# An unregistration that fails on a child key that enumerates but will not
# open ("not found"): it must end with an error, not loop for ever.
wait_servers_gone
wrun 60 "$log/reg.out" "${REG[@]}" add "$C\\CLSID\\$CLSID\\Stuck" /f "$classes_view"
EMPKP_FAULT='err:regdel-open:Stuck=2' wrun 60 "$log/unreg-stuck.out" "$WINE" "$FEXE" /unregserver; rc=$?
WHY="exit $rc (124: it hung)" check "diagnose/$arch /unregserver, a child key that will not open: fails, does not hang" \
    bash -c "[[ $rc -ne 0 && $rc -ne 124 ]]"
wait_servers_gone
wrun 120 "$log/unreg-faults.out" "$WINE" "$FEXE" /unregserver; rc=$?
WHY="exit $rc" check "diagnose/$arch /unregserver without the fault: exits 0" test "$rc" -eq 0
check "diagnose/$arch /unregserver without the fault: the CLSID is gone" key_gone "$C\\CLSID\\$CLSID"
healthy

# --- /fix and where the program is -----------------------------------------------------
# A copy in C:\temp: MOM would start it as SYSTEM every night.
mkdir -p "$cdrive/temp"
cp "$out/empkp.exe" "$cdrive/temp/empkp.exe"
TEXE='C:\temp\empkp.exe'
wait_servers_gone
wrun 120 "$log/unreg.out" "$WINE" "$EXE" /unregserver
before=$(snapshot classes exmpls store)
diagnose "$TEXE" -- /fix
check "diagnose/$arch /fix from C:\\temp: refuses, not a KB location" \
    fix_line 'refused to register EMPKP.PubKeyPublisher to "C:.temp.empkp.exe": .*not at one of the KB.s locations'
check "diagnose/$arch /fix from C:\\temp: says what to do" fix_line 'Copy empkp.exe to the KB.s folder'
check "diagnose/$arch /fix from C:\\temp: verdict stays 10001 (nothing registered)" verdict 10001
WHY="the registry changed" check "diagnose/$arch /fix from C:\\temp: registry unchanged" test "$(snapshot classes exmpls store)" = "$before"
# The same copy reached through a UNC path (Wine maps \\server\share to
# dosdevices/unc/server/share).  Measured: Wine 8's GetModuleFileName gives
# the program as "UNC\empkphost\share\empkp.exe", not "\\empkphost\...", so
# the refusal here is for a path on no drive letter; the \\server\share form itself is unit-tested (test_regsafe.c).
mkdir -p "$WINEPREFIX/dosdevices/unc/empkphost"
ln -sfn "$cdrive/temp" "$WINEPREFIX/dosdevices/unc/empkphost/share"
diagnose '\\empkphost\share\empkp.exe' -- /fix
check "diagnose/$arch /fix from a UNC path: refuses (a UNC path, or no drive letter)" \
    fix_line 'refused to register EMPKP.PubKeyPublisher to ".*empkphost.share.empkp.exe": .*(a UNC path|not a full path on a drive letter)'
WHY="the registry changed" check "diagnose/$arch /fix from a UNC path: registry unchanged" test "$(snapshot classes exmpls store)" = "$before"
wrun 120 "$log/heal.out" "$WINE" "$EXE" /regserver

# /unregserver from the copy: the registration names the KB's copy, not it.
wait_servers_gone
wrun 120 "$log/unreg-foreign.out" "$WINE" "$TEXE" /unregserver; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/unreg-foreign.out")" \
    check "diagnose/$arch /unregserver of another program's registration: exit 0, says what was left" \
    rc_and_grep "$rc" 0 "$log/unreg-foreign.out" 'left EMPKP.PubKeyPublisher registered: its LocalServer32 names C:.Program Files.Exchsrvr.bin.empkp.exe, not this program'
v=$(reg_value "$classes_view" "$C\\CLSID\\$CLSID\\LocalServer32" "")
WHY="LocalServer32 is [$v]" check "diagnose/$arch /unregserver of another program's registration: left it" test "$v" = "\"$EXE\""
reg_q "$C\\EMPKP.PubKeyPublisher" "$classes_view"; rc=$?
WHY="the ProgID is gone" check "diagnose/$arch /unregserver of another program's registration: its ProgID stays" test "$rc" -eq 0
rm -f "$cdrive/temp/empkp.exe"

# --- an unquoted LocalServer32 with a blank ---------------------------------------------
reg_set_default "$C\\CLSID\\$CLSID\\LocalServer32" "$EXE"
wait_servers_gone
diagnose --
check "diagnose/$arch unquoted LocalServer32: WARNs, naming C:\\Program.exe" \
    line WARN 'LocalServer32' 'is not quoted: Windows would try C:.Program\.exe first'
check "diagnose/$arch unquoted LocalServer32, no C:\\Program.exe: verdict 9986" verdict 9986
printf 'not a program\r\n' >"$cdrive/Program.exe"
wait_servers_gone
diagnose --
check "diagnose/$arch unquoted LocalServer32 and C:\\Program.exe exists: FAILs, naming it" \
    line FAIL 'LocalServer32' 'tries C:.Program\.exe before .*and that file exists'
check "diagnose/$arch unquoted LocalServer32 and C:\\Program.exe exists: verdict 10001" verdict 10001
wait_servers_gone
diagnose -- /fix
v=$(reg_value "$classes_view" "$C\\CLSID\\$CLSID\\LocalServer32" "")
WHY="LocalServer32 is [$v]" check "diagnose/$arch unquoted LocalServer32, /fix: rewritten quoted" test "$v" = "\"$EXE\""
check "diagnose/$arch unquoted LocalServer32, after /fix: PASS" line PASS 'LocalServer32' 'COM starts'
rm -f "$cdrive/Program.exe"
healthy

# --- ExchKP.PubKeyPublisher -----------------------------------------------------------
empkp_data0=$(probe data0)
cp "$out/empkp.exe" "$cdrive/Program Files/Microsoft Operations Manager 2000/OnePoint/ExchKP.exe"
wrun 120 "$log/xreg.out" "$WINE" "$XEXE" /regserver; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/xreg.out")" check "exchkp/$arch ExchKP /regserver exits 0" test "$rc" -eq 0
v=$(reg_value "$classes_view" "$C\\CLSID\\$XCLSID\\LocalServer32" "")
WHY="[$v]" check "exchkp/$arch CLSID {E3D2F927-...} LocalServer32 names OnePoint\\ExchKP.exe" test "$v" = "\"$XEXE\""
v=$(reg_value "$classes_view" "$C\\AppID\\$XAPPID" "")
WHY="[$v]" check "exchkp/$arch AppID {54C3C0DA-...} named ExchKP (DCOM Config)" test "$v" = ExchKP
reg_q "$C\\AppID\\ExchKP.exe" /v AppID "$classes_view"
WHY="$(tr -d '\r' <"$log/reg.out")" check "exchkp/$arch AppID\\ExchKP.exe names the AppID" grep -q "$XAPPID" "$log/reg.out"
v=$(reg_value "$classes_view" "$C\\ExchKP.PubKeyPublisher\\CLSID" "")
WHY="[$v]" check "exchkp/$arch ProgID ExchKP.PubKeyPublisher resolves to {E3D2F927-...}" test "$v" = "$XCLSID"
v=$(reg_value "$classes_view" "$C\\CLSID\\$CLSID\\LocalServer32" "")
WHY="[$v]" check "exchkp/$arch EMPKP's registration untouched by ExchKP /regserver" test "$v" = "\"$EXE\""

kb_script_msgbox "$WINE" "$log" "$log/kb911143-exchkp-msgbox.png" kb911143-exchange2000-mom2000.vbs; rc=$?
box=$(tr -d '\r' <"$log/box.out")
WHY="box: $box" check "exchkp/$arch KB script (Exchange 2000 / MOM 2000 SP1) verbatim: message box shows 0" \
    grep -qx 'text: 0' <<<"$box"
WHY="wscript exit $rc" check "exchkp/$arch KB script closed with Return and ended" test "$rc" -eq 0
WHY="DATA0 changed" check "exchkp/$arch DATA0 is the same key as EMPKP's" test "$(probe data0)" = "$empkp_data0"

diagnose "$XEXE" --
check "exchkp/$arch ExchKP /diagnose: diagnoses ExchKP.PubKeyPublisher" \
    grep -q '^empkp /diagnose of ExchKP.PubKeyPublisher {E3D2F927' "$log/diag.txt"
check "exchkp/$arch ExchKP /diagnose: helper at the MOM 2000 SP1 location, registered" \
    line PASS 'helper file' 'OnePoint.ExchKP.exe: present, registered as ExchKP.PubKeyPublisher'
check "exchkp/$arch ExchKP /diagnose: verdict 9986, exit code 0" verdict 9986

# Side by side, each removed in turn: the other keeps working.
echo_ok() { # VBS: prints ErrID=0 through cscript
    wrun 180 "$log/echo.out" "$WINE" cscript.exe //nologo "$T\\$1"
    grep -qE $'^ErrID=0\r?$' "$log/echo.out" || { WHY=$(tr -d '\r' <"$log/echo.out"); return 1; }
}
wait_servers_gone
wrun 120 "$log/xunreg.out" "$WINE" "$XEXE" /unregserver; rc=$?
WHY="exit $rc" check "exchkp/$arch ExchKP /unregserver exits 0" test "$rc" -eq 0
check "exchkp/$arch ExchKP's CLSID removed" key_gone "$C\\CLSID\\$XCLSID"
check "exchkp/$arch ExchKP's ProgID removed" key_gone "$C\\ExchKP.PubKeyPublisher"
check "exchkp/$arch ExchKP's AppID removed" key_gone "$C\\AppID\\$XAPPID"
check "exchkp/$arch EMPKP still works after ExchKP is removed (VBScript)" echo_ok publish-echo.vbs
wrun 120 "$log/client.out" "$WINE" "$T\\client.exe"; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$log/client.out")" \
    check "exchkp/$arch EMPKP's type library marshaling still works (C client)" test "$rc" -eq 0
v=$(reg_q "$C\\TypeLib\\$LIBID" /s "$classes_view" && tr -d '\r' <"$log/reg.out")
WHY="$v" check "exchkp/$arch the shared type library now names empkp.exe" grep -qF 'Exchsrvr\bin\empkp.exe' <<<"$v"
diagnose "$XEXE" --
check "exchkp/$arch ExchKP unregistered: ExchKP /diagnose verdict 9972 (MOM 2000 SP1's event), exit 9972" verdict 9972

wrun 120 "$log/xreg2.out" "$WINE" "$XEXE" /regserver
wait_servers_gone
wrun 120 "$log/unreg2.out" "$WINE" "$EXE" /unregserver; rc=$?
WHY="exit $rc" check "exchkp/$arch then empkp /unregserver exits 0" test "$rc" -eq 0
check "exchkp/$arch EMPKP's CLSID removed" key_gone "$C\\CLSID\\$CLSID"
check "exchkp/$arch ExchKP still works after EMPKP is removed (VBScript)" echo_ok exchkp-echo.vbs
v=$(reg_q "$C\\TypeLib\\$LIBID" /s "$classes_view" && tr -d '\r' <"$log/reg.out")
WHY="$v" check "exchkp/$arch the shared type library now names ExchKP.exe" grep -qF 'OnePoint\ExchKP.exe' <<<"$v"
v=$(event_message_file)
WHY="$v" check "exchkp/$arch the event source now names ExchKP.exe's messages" grep -qF 'OnePoint\ExchKP.exe' <<<"$v"
wait_servers_gone
wrun 120 "$log/xunreg2.out" "$WINE" "$XEXE" /unregserver
check "exchkp/$arch both removed: no type library left" key_gone "$C\\TypeLib\\$LIBID"
check "exchkp/$arch both removed: no ExchKP CLSID left" key_gone "$C\\CLSID\\$XCLSID"
WHY="still registered" check "exchkp/$arch both removed: no event source left" event_source_gone
