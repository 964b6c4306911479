#!/usr/bin/env bash
# tests/dist-tests.sh ARCH: what "make dist" made for ARCH.
#   Without Wine (both arches):
#     - the zip: its files, CRLF scripts, SHA256SUMS that verify;
#     - the MSI: product version and name from the Makefile, its files, the
#       registration custom actions in the right places;
#     - Authenticode: "make dist SIGN_CERT= SIGN_KEY=" with a throwaway
#       certificate made here signs the binaries and the MSI, and
#       osslsigncode verifies them (and rejects a tampered copy).
#   Under Wine, in a fresh prefix build/ARCH/wineprefix-dist (x86_64; i686
#   only where 32-bit Wine is installed, else a SKIP that says why):
#     - the version resource read back by GetFileVersionInfo (verinfo.exe);
#     - msiexec /i /qn, the KB's check (ErrID=0), msiexec /x /qn: no file and
#       none of our registry keys left, ExMPLS's DATA0 and the key store's
#       key kept as they were;
#     - the zip's install.cmd and uninstall.cmd under cmd.exe, the same way.
# Results go to $RESULTS (see lib.sh).
set -uo pipefail
arch=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/$arch
log=$out/dist-logs
# shellcheck source=tests/lib.sh
source "$top/tests/lib.sh"
: "${EMPKP_VERSION:?run from make: the Makefile exports EMPKP_VERSION}"

name=empkp-$EMPKP_VERSION-$arch
dist=$top/build/dist
zip=$dist/$name.zip
msi=$dist/$name.msi
rm -rf "$log"; mkdir -p "$log"
echo "== Distribution, $arch ($name.zip, $name.msi)"

# --- the zip ---------------------------------------------------------------
unz=$log/unzipped
if unzip -q "$zip" -d "$unz" 2>"$log/unzip.err"; then
    want="LICENSE.txt README.txt SHA256SUMS THIRD-PARTY.txt empkp.exe empkpcred.exe empkpps.dll install.cmd uninstall.cmd"
    have=$(find "$unz/$name" -mindepth 1 -printf '%f\n' | LC_ALL=C sort | tr '\n' ' ')
    WHY="has: $have" check "dist/$arch/zip holds $want" test "${have% }" = "$want"
    WHY="mismatch: $(cd "$unz/$name" && sha256sum -c --quiet SHA256SUMS 2>&1)" \
        check "dist/$arch/zip SHA256SUMS verify" bash -c "cd '$unz/$name' && sha256sum -c --quiet SHA256SUMS"
    for f in install.cmd uninstall.cmd README.txt LICENSE.txt; do
        lines=$(wc -l <"$unz/$name/$f"); crlf=$(grep -c $'\r$' "$unz/$name/$f")
        WHY="$crlf of $lines lines end in CRLF" check "dist/$arch/zip $f has CRLF line ends" test "$lines" -eq "$crlf"
    done
    for f in empkp.exe empkpps.dll empkpcred.exe; do
        WHY="differ" check "dist/$arch/zip $f is the tested build/$arch one" \
            cmp -s "$unz/$name/$f" "$out/$f"
    done
else
    fail "dist/$arch/zip" "cannot unzip $zip: $(cat "$log/unzip.err")"
fi

# --- the MSI's tables --------------------------------------------------------
msi_table() { msiinfo export "$msi" "$1" 2>/dev/null | tr -d '\r' | tail -n +4; }
prop() { msi_table Property | awk -F'\t' -v k="$1" '$1 == k { print $2 }'; }
v=$(prop ProductVersion)
WHY="ProductVersion [$v]" check "dist/$arch/msi ProductVersion is the Makefile's VERSION" test "$v" = "$EMPKP_VERSION"
v=$(prop Manufacturer)
WHY="Manufacturer [$v]" check "dist/$arch/msi Manufacturer is the Makefile's COMPANY" test "$v" = "$EMPKP_COMPANY"
v=$(msi_table File | cut -f3 | LC_ALL=C sort | tr '\n' ' ')
WHY="files: $v" check "dist/$arch/msi installs the binaries and the licenses" \
    test "$v" = "empkp-LICENSE.txt empkp-THIRD-PARTY.txt empkp.exe empkpcred.exe empkpps.dll "
pf=ProgramFilesFolder; [[ $arch == x86_64 ]] && pf=ProgramFiles64Folder
v=$(msi_table Directory | awk -F'\t' '{ print $1 ">" $2 ">" $3 }' | sort | tr '\n' ' ')
WHY="directories: $v" check "dist/$arch/msi installs into [$pf]Exchsrvr\\bin" \
    grep -qF "EXCHSRVR>$pf>Exchsrvr INSTALLDIR>EXCHSRVR>bin" <<<"$v"
# The order that matters: register after InstallFiles, /regserver before
# regsvr32; unregister before RemoveFiles, regsvr32 /u first.
seq_of() { msi_table InstallExecuteSequence | awk -F'\t' -v a="$1" '$1 == a { print $3 }'; }
order_ok() {
    local prev=0 a s
    for a in "$@"; do
        s=$(seq_of "$a"); [[ -n $s && $s -gt $prev ]] || { WHY="$a at [${s:-missing}] after $prev"; return 1; }
        prev=$s
    done
}
check "dist/$arch/msi registers after installing, server before proxy/stub" \
    order_ok InstallFiles RegServerRollback RegServer RegProxy InstallFinalize
check "dist/$arch/msi unregisters proxy/stub, then server, then removes files" \
    order_ok InstallInitialize UnregProxy UnregServer RemoveFiles
check "dist/$arch/msi removes an older version before installing" \
    order_ok InstallValidate RemoveExistingProducts InstallInitialize

# --- Authenticode, with a throwaway certificate -------------------------------
sdir=$log/sign
mkdir -p "$sdir"
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=empkp throwaway test signer" \
        -addext extendedKeyUsage=codeSigning -keyout "$sdir/key.pem" -out "$sdir/cert.pem" \
        >"$sdir/req.log" 2>&1; then
    # The real path: make dist with SIGN_CERT/SIGN_KEY, into a folder of its own.
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 300 make -C "$top" --no-print-directory \
        ARCH="$arch" arch-dist DIST="$sdir/dist" SIGN_CERT="$sdir/cert.pem" SIGN_KEY="$sdir/key.pem" \
        >"$sdir/make.log" 2>&1; rc=$?
    WHY="exit $rc: $(tail -n 3 "$sdir/make.log")" check "dist/$arch/make dist SIGN_CERT=... SIGN_KEY=... succeeds" test "$rc" -eq 0
    for f in "$sdir/dist/$name/empkp.exe" "$sdir/dist/$name/empkpps.dll" \
             "$sdir/dist/$name/empkpcred.exe" "$sdir/dist/$name.msi"; do
        timeout 60 osslsigncode verify -CAfile "$sdir/cert.pem" -in "$f" >"$f.verify" 2>&1; rc=$?
        WHY="exit $rc: $(grep -m2 -iE 'fail|error' "$f.verify")" \
            check "dist/$arch/${f##*/} signature verifies (osslsigncode verify)" \
            rc_and_grep "$rc" 0 "$f.verify" 'Signature verification: ok'
    done
    # A signature that cannot fail proves nothing: change one byte of code.
    cp "$sdir/dist/$name/empkp.exe" "$sdir/tampered.exe"
    printf '\x90' | dd of="$sdir/tampered.exe" bs=1 seek=4096 conv=notrunc status=none
    timeout 60 osslsigncode verify -CAfile "$sdir/cert.pem" -in "$sdir/tampered.exe" >"$sdir/tampered.verify" 2>&1; rc=$?
    WHY="exit $rc" check "dist/$arch/a tampered signed empkp.exe fails verification" test "$rc" -ne 0
else
    fail "dist/$arch/sign" "openssl req failed: $(tail -n 3 "$sdir/req.log")"
fi

# --- under Wine ----------------------------------------------------------------
if [[ $arch == i686 && ${WINE32:-no} != yes ]]; then
    skip "dist/$arch/wine" "32-bit Wine (wine32:i386) is not installed: ${WINE32_WHY:-unknown reason}; the i686 zip and MSI were built and checked above but NOT installed"
    exit 0
fi
WINE=$(wine_for "$arch")
classes_view=/reg:64; progfiles='Program Files'
# The i686 prefix is a 32-bit Windows (see wine_prefix_new): one Program Files.
[[ $arch == i686 ]] && classes_view=/reg:32

if ! wine_prefix_new "$out/wineprefix-dist" "$arch"; then
    fail "dist/$arch/wine prefix" "wineboot failed: $(tail -n 3 "$out/wineprefix-dist.boot.log" 2>/dev/null)"
    exit 0
fi
trap wine_stop EXIT
cdrive=$(drive_c)
bindir="$cdrive/$progfiles/Exchsrvr/bin"
winbin="C:\\$progfiles\\Exchsrvr\\bin"
mkdir -p "$cdrive/empkp-tests"
cp "$top/tests/e2e/publish-echo.vbs" "$out/tests/verinfo.exe" "$out/tests/probe.exe" "$msi" "$cdrive/empkp-tests/"

data0() { reg_value /reg:64 "$EXMPLS" DATA0; }
# The stored key's public half (probe.exe store-public), or "absent".
store_key() {
    wrun 60 "$log/probe.out" "$WINE" 'C:\empkp-tests\probe.exe' store-public && tr -d '\r' <"$log/probe.out"
}
our_files_gone() {
    local left
    left=$(find "$bindir" -maxdepth 1 -iname 'empkp*' -printf '%f ' 2>/dev/null)
    [[ -z $left ]] || { WHY="left: $left"; return 1; }
}
wait_server_gone() { # the server exits after its last client; files in use cannot go
    for _ in $(seq 30); do empkp_running || return 0; sleep 1; done
    return 1
}
# installed WHAT: checks after an install by WHAT (msi or install.cmd).
installed() {
    local what=$1 f v rc
    for f in empkp.exe empkpps.dll empkpcred.exe; do
        WHY="not in $bindir" check "dist/$arch/$what put $f in $winbin" test -f "$bindir/$f"
    done
    v=$(reg_value "$classes_view" "$C\\CLSID\\$CLSID\\LocalServer32" "")
    WHY="LocalServer32 is [$v]" check "dist/$arch/$what registered the server (LocalServer32)" \
        test "$v" = "\"$winbin\\empkp.exe\""
    v=$(reg_value "$classes_view" "$C\\Interface\\$IID\\ProxyStubClsid32" "")
    WHY="ProxyStubClsid32 is [$v]" check "dist/$arch/$what registered empkpps.dll after the server" test "$v" = "$IID"
    wrun 180 "$log/$what-echo.out" "$WINE" cscript.exe //nologo 'C:\empkp-tests\publish-echo.vbs'; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$log/$what-echo.out")" check "dist/$arch/after $what the KB's calls print ErrID=0" \
        grep -qE $'^ErrID=0\r?$' "$log/$what-echo.out"
    WHY="still running after 30 s" check "dist/$arch/after $what the server exits after its client" wait_server_gone
}
# removed WHAT DATA0-BEFORE KEY-BEFORE: checks after an uninstall by WHAT.
removed() {
    local what=$1 before=$2 key_before=$3 after
    check "dist/$arch/$what removed our files" our_files_gone
    check "dist/$arch/$what left none of our registry keys" none_of_our_keys
    after=$(data0)
    WHY="DATA0 before [${before:0:16}...] after [${after:0:16}...]" \
        check "dist/$arch/$what kept ExMPLS DATA0 as it was" test -n "$before" -a "$before" = "$after"
    after=$(store_key)
    WHY="stored key before [${key_before:0:16}...] after [${after:0:16}...]" \
        check "dist/$arch/$what kept the key store's key" \
        test -n "$key_before" -a "$key_before" != absent -a "$key_before" = "$after"
}

# --- version resource, as Windows reads it ----------------------------------
wrun 60 "$log/verinfo.out" "$WINE" 'C:\empkp-tests\verinfo.exe' \
    "Z:${out//\//\\}\\empkp.exe" "Z:${out//\//\\}\\empkpps.dll"; rc=$?
tr -d '\r' <"$log/verinfo.out" >"$log/verinfo.txt"
WHY="exit $rc: $(grep error "$log/verinfo.txt")" check "dist/$arch/GetFileVersionInfo reads both binaries" test "$rc" -eq 0
for kv in "fixed.file=$EMPKP_VERSION.0" "fixed.product=$EMPKP_VERSION.0" "FileVersion=$EMPKP_VERSION" \
          "ProductVersion=$EMPKP_VERSION" "ProductName=$EMPKP_PRODUCT" "CompanyName=$EMPKP_COMPANY"; do
    n=$(grep -cxF "$kv" "$log/verinfo.txt")
    WHY="$n of 2 binaries: $(grep "^${kv%%=*}=" "$log/verinfo.txt" | tr '\n' ' ')" \
        check "dist/$arch/VerQueryValue: $kv in both binaries" test "$n" -eq 2
done
WHY="$(grep -E '^(file|fixed.type)=' "$log/verinfo.txt" | tr '\n' ' ')" \
    check "dist/$arch/VerQueryValue: empkp.exe is VFT_APP, empkpps.dll VFT_DLL" \
    bash -c "grep -x 'fixed.type=[12]' '$log/verinfo.txt' | tr -d '\n' | grep -qx 'fixed.type=1fixed.type=2'"

# --- the MSI ---------------------------------------------------------------------
wrun 300 "$log/msi-install.out" "$WINE" msiexec /i "C:\\empkp-tests\\$name.msi" /qn \
    /l*v 'C:\empkp-tests\msi-install.log'; rc=$?
cp "$cdrive/empkp-tests/msi-install.log" "$log/" 2>/dev/null
WHY="exit $rc (log: $log/msi-install.log)" check "dist/$arch/msiexec /i /qn exits 0" test "$rc" -eq 0
installed msi
data0_before=$(data0) key_before=$(store_key)
wrun 300 "$log/msi-remove.out" "$WINE" msiexec /x "C:\\empkp-tests\\$name.msi" /qn \
    /l*v 'C:\empkp-tests\msi-remove.log'; rc=$?
cp "$cdrive/empkp-tests/msi-remove.log" "$log/" 2>/dev/null
WHY="exit $rc (log: $log/msi-remove.log)" check "dist/$arch/msiexec /x /qn exits 0" test "$rc" -eq 0
removed "msiexec /x" "$data0_before" "$key_before"

# --- the zip's scripts -------------------------------------------------------------
if [[ -d $unz/$name ]]; then
    rm -rf "$cdrive/empkp-zip"; mkdir -p "$cdrive/empkp-zip"
    cp -r "$unz/$name" "$cdrive/empkp-zip/"
    zdir="C:\\empkp-zip\\$name"
    wrun 180 "$log/install-cmd.out" "$WINE" cmd.exe /c "$zdir\\install.cmd"; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$log/install-cmd.out")" check "dist/$arch/install.cmd exits 0" \
        rc_and_grep "$rc" 0 "$log/install-cmd.out" 'installed and registered'
    installed install.cmd
    data0_before=$(data0) key_before=$(store_key)
    wrun 180 "$log/uninstall-cmd.out" "$WINE" cmd.exe /c "$zdir\\uninstall.cmd"; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$log/uninstall-cmd.out")" check "dist/$arch/uninstall.cmd exits 0" \
        rc_and_grep "$rc" 0 "$log/uninstall-cmd.out" 'unregistered and removed'
    removed uninstall.cmd "$data0_before" "$key_before"
    wrun 180 "$log/uninstall-cmd2.out" "$WINE" cmd.exe /c "$zdir\\uninstall.cmd"; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$log/uninstall-cmd2.out")" check "dist/$arch/uninstall.cmd with nothing installed exits 0" test "$rc" -eq 0
    # Bad input: install.cmd without the binaries beside it changes nothing.
    mkdir -p "$cdrive/empkp-zip/alone"
    cp "$unz/$name/install.cmd" "$cdrive/empkp-zip/alone/"
    wrun 180 "$log/install-alone.out" "$WINE" cmd.exe /c 'C:\empkp-zip\alone\install.cmd'; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$log/install-alone.out")" \
        check "dist/$arch/install.cmd without the binaries: exit 1, a message, nothing installed" \
        bash -c "[[ $rc -eq 1 ]] && grep -q 'must be in the folder' '$log/install-alone.out' && [[ ! -e '$bindir/empkp.exe' ]]"
fi
