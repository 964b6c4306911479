#!/usr/bin/env bash
# tests/dist-tests.sh ARCH: what "make dist" made for ARCH.
#   Without Wine (both arches):
#     - the zip: its files, CRLF scripts, SHA256SUMS that verify, README.txt
#       the administrator's manual (packaging/MANUAL.txt, for Notepad);
#     - the MSI: product version and name from the Makefile, its files (the
#       manual among them), the registration custom actions in the right
#       places;
#     - Authenticode: "make dist SIGN_CERT= SIGN_KEY=" with a throwaway
#       certificate made here signs the binaries and the MSI, and
#       osslsigncode verifies them (and rejects a tampered copy).
#   Under Wine, in a fresh prefix build/ARCH/tests/dist/prefix (x86_64; i686
#   only where 32-bit Wine is installed, else a SKIP that says why):
#     - the version resource read back by GetFileVersionInfo (verinfo.exe);
#     - msiexec /i /qn, the KB's check (ErrID=0), msiexec /x /qn: no file and
#       none of our registry keys left, ExMPLS's DATA0 and the key store's
#       key kept as they were;
#     - the zip's install.cmd and uninstall.cmd under cmd.exe, the same way;
#     - upgrades from the package as 1.0.0 shipped it to the next version,
#       with a server lingering and with Publish calls in flight, then
#       uninstall and reinstall; install.cmd over an earlier install.
# Results go to $RESULTS (see lib.sh).
set -uo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"
: "${EMPKP_VERSION:?run from make: the Makefile exports EMPKP_VERSION}"
driver_folders dist "${1:-}"   # ARCH: x86_64 or i686; the logs in build/ARCH/tests/dist/logs

name=empkp-$EMPKP_VERSION-$arch
dist=$top/build/dist
zip=$dist/$name.zip
msi=$dist/$name.msi
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
    # README.txt is the administrator's manual, for Notepad: the text of
    # packaging/MANUAL.txt with CRLF line ends, ASCII only (Notepad of
    # Windows 2000 reads a file without a BOM in the ANSI code page), no line
    # wider than 78 columns.
    readme=$unz/$name/README.txt
    WHY="differs from packaging/MANUAL.txt with CRLF line ends" \
        check "dist/$arch/zip README.txt is the administrator's manual (packaging/MANUAL.txt)" \
        bash -c "sed 's/\r*\$/\r/' '$top/packaging/MANUAL.txt' | cmp -s - '$readme'"
    bad=$(tr -d '\r' <"$readme" | LC_ALL=C grep -n '[^ -~]' | head -n 3)
    WHY="not ASCII: $bad" check "dist/$arch/zip README.txt is plain ASCII text" test -z "$bad"
    bad=$(tr -d '\r' <"$readme" | awk 'length($0) > 78 { print NR ": " length($0) " columns" }' | head -n 3)
    WHY="too wide: $bad" check "dist/$arch/zip README.txt wraps at 78 columns" test -z "$bad"
else
    fail "dist/$arch/zip" "cannot unzip $zip: $(cat "$log/unzip.err")"
fi

# --- the MSI's tables --------------------------------------------------------
msi_table() { msiinfo export "$msi" "$1" 2>/dev/null | tr -d '\r' | tail -n +4; }
v=$(msi_prop "$msi" ProductVersion)
WHY="ProductVersion [$v]" check "dist/$arch/msi ProductVersion is the Makefile's VERSION" test "$v" = "$EMPKP_VERSION"
v=$(msi_prop "$msi" Manufacturer)
WHY="Manufacturer [$v]" check "dist/$arch/msi Manufacturer is the Makefile's COMPANY" test "$v" = "$EMPKP_COMPANY"
v=$(msi_table File | cut -f3 | LC_ALL=C sort | tr '\n' ' ')
WHY="files: $v" check "dist/$arch/msi installs the binaries, the licenses and the manual" \
    test "$v" = "empkp-LICENSE.txt empkp-README.txt empkp-THIRD-PARTY.txt empkp.exe empkpcred.exe empkpps.dll "
# The manual it installs is the zip's README.txt, byte for byte.
rm -rf "$log/msi-files"; mkdir -p "$log/msi-files"
msiextract -C "$log/msi-files" "$msi" >"$log/msiextract.out" 2>&1
manual=$(find "$log/msi-files" -type f -name empkp-README.txt | head -n 1)
WHY="extracted: ${manual:-no empkp-README.txt} ($(tail -n 2 "$log/msiextract.out"))" \
    check "dist/$arch/msi's empkp-README.txt is the zip's README.txt (the manual)" \
    cmp -s "${manual:-/nonexistent}" "$dist/$name/README.txt"
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
# No running server may hold the files: /stopservers before the older
# version's removal, and after unregistering, before files go or come.
check "dist/$arch/msi waits for running servers before removing an older version" \
    order_ok InstallValidate StopServersUpgrade RemoveExistingProducts
check "dist/$arch/msi waits for running servers after unregistering, before RemoveFiles" \
    order_ok UnregServer StopServers RemoveFiles InstallFiles
v=$(msi_table CustomAction | awk -F'\t' '$1 ~ /^StopServers/ { print $1 "=" $2 ":" $3 ":" $4 }' | sort | tr '\n' ' ')
WHY="rows: $v" check "dist/$arch/msi runs its own empkp.exe /stopservers (type 2 immediate, 3074 deferred as LocalSystem)" \
    test "$v" = "StopServers=3074:empkpstop:/stopservers StopServersUpgrade=2:empkpstop:/stopservers "
msiinfo extract "$msi" Binary.empkpstop >"$log/empkpstop.exe" 2>/dev/null
WHY="the Binary stream differs from build/$arch/empkp.exe" check "dist/$arch/msi's Binary empkpstop is the tested empkp.exe" \
    cmp -s "$log/empkpstop.exe" "$out/empkp.exe"

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
driver_wine "the i686 zip and MSI were built and checked above but NOT installed"
# The i686 prefix is a 32-bit Windows (see wine_prefix_new): one Program Files.
progfiles='Program Files'
cdrive=$(drive_c)
bindir="$cdrive/$progfiles/Exchsrvr/bin"
winbin="C:\\$progfiles\\Exchsrvr\\bin"
mkdir -p "$cdrive/empkp-tests"
cp "$top/tests/e2e/publish-echo.vbs" "$out/tests/verinfo.exe" "$out/tests/probe.exe" "$msi" "$cdrive/empkp-tests/"

data0() { reg_value /reg:64 "$EXMPLS" DATA0; }
# The stored key's public half (probe.exe store-public), or "absent".
store_key() { local s; s=$(probe store-public) && echo "$s"; }
our_files_gone() {
    local left
    left=$(find "$bindir" -maxdepth 1 -iname 'empkp*' -printf '%f ' 2>/dev/null)
    [[ -z $left ]] || { WHY="left: $left"; return 1; }
}
# installed WHAT: checks after an install by WHAT (msi or install.cmd).
installed() {
    local what=$1 f v rc
    for f in empkp.exe empkpps.dll empkpcred.exe; do
        WHY="not in $bindir" check "dist/$arch/$what put $f in $winbin" test -f "$bindir/$f"
    done
    [[ $what == msi ]] && WHY="not in $bindir, or not the zip's README.txt" \
        check "dist/$arch/msi put the manual in $winbin as empkp-README.txt" \
        cmp -s "$bindir/empkp-README.txt" "$dist/$name/README.txt"
    v=$(reg_value "$classes_view" "$C\\CLSID\\$CLSID\\LocalServer32" "")
    WHY="LocalServer32 is [$v]" check "dist/$arch/$what registered the server (LocalServer32)" \
        test "$v" = "\"$winbin\\empkp.exe\""
    v=$(reg_value "$classes_view" "$C\\Interface\\$IID\\ProxyStubClsid32" "")
    WHY="ProxyStubClsid32 is [$v]" check "dist/$arch/$what registered empkpps.dll after the server" test "$v" = "$IID"
    wrun 180 "$log/$what-echo.out" "$WINE" cscript.exe //nologo 'C:\empkp-tests\publish-echo.vbs'; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$log/$what-echo.out")" check "dist/$arch/after $what the KB's calls print ErrID=0" \
        grep -qE $'^ErrID=0\r?$' "$log/$what-echo.out"
    WHY="still running after 30 s" check "dist/$arch/after $what the server exits after its client" empkp_gone_within 30
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
    # A regsvr32.cmd planted in the current folder (the zip's, as an
    # administrator who unpacked it and typed install): cmd.exe would run it
    # for a bare "regsvr32".  It leaves a mark and claims success.
    planted=$cdrive/empkp-zip/$name/regsvr32.cmd
    mark=$cdrive/empkp-tests/planted-regsvr32-ran.txt
    rm -f "$mark"
    printf '@echo off\r\necho %%* >>C:\\empkp-tests\\planted-regsvr32-ran.txt\r\nexit /b 0\r\n' >"$planted"
    (cd "$cdrive/empkp-zip/$name" && wrun 180 "$log/install-cmd.out" "$WINE" cmd.exe /c "$zdir\\install.cmd"); rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$log/install-cmd.out")" check "dist/$arch/install.cmd exits 0" \
        rc_and_grep "$rc" 0 "$log/install-cmd.out" 'installed and registered'
    WHY="it ran: $(cat "$mark" 2>/dev/null)" \
        check "dist/$arch/install.cmd does not run a regsvr32.cmd planted in the current folder" test ! -e "$mark"
    installed install.cmd
    data0_before=$(data0) key_before=$(store_key)
    (cd "$cdrive/empkp-zip/$name" && wrun 180 "$log/uninstall-cmd.out" "$WINE" cmd.exe /c "$zdir\\uninstall.cmd"); rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$log/uninstall-cmd.out")" check "dist/$arch/uninstall.cmd exits 0" \
        rc_and_grep "$rc" 0 "$log/uninstall-cmd.out" 'unregistered and removed'
    WHY="it ran: $(cat "$mark" 2>/dev/null)" \
        check "dist/$arch/uninstall.cmd does not run a regsvr32.cmd planted in the current folder" test ! -e "$mark"
    rm -f "$planted"
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

# --- upgrades, whatever the server is doing -------------------------------------
# The package in the field is the one built from tests/dist/empkp-1.0.0.wxs
# (packaging/empkp.wxs as 1.0.0 shipped it: no /stopservers actions), with
# this tree's binaries at $EMPKP_VERSION; the new package is "make dist" at
# the next patch version, built in build/upgrade-$arch/ (a copy of
# build/$arch, so only the version resource is rebuilt and relinked).
# The field package's server is this tree's too: it differs from 1.0.0's
# only in ending once unregistered, which the new package does not rely on
# (it waits for the servers either way).  Each upgrade runs while a server
# is up: once right after the KB's script (the server lingering), once
# with a client calling Publish in a loop into the upgrade.
# Then: exit 0, one product of the new version, the new file version in
# place, no reboot pending, DATA0 and the stored key as before, the
# credentials still verify, the KB's script gets 0.  Then uninstall and
# reinstall keep the key.
IFS=. read -r vmaj vmin vpatch <<<"$EMPKP_VERSION"
new_version=$vmaj.$vmin.$((vpatch + 1))
upg=$log/upgrade; mkdir -p "$upg"
old_msi=$upg/empkp-$EMPKP_VERSION-$arch-field.msi
ubuild=build/upgrade-$arch
new_msi=$top/$ubuild/dist/empkp-$new_version-$arch.msi
msi_arch=x86; [[ $arch == x86_64 ]] && msi_arch=x64
(cd "$dist/$name" && wixl -a "$msi_arch" -D Arch="$msi_arch" -D Version="$EMPKP_VERSION" \
    -D Company="$EMPKP_COMPANY" -o "$old_msi" "$top/tests/dist/empkp-1.0.0.wxs") >"$upg/wixl-old.log" 2>&1
WHY="$(tail -n 3 "$upg/wixl-old.log")" check "dist/$arch/upgrade: the $EMPKP_VERSION package as shipped builds" test -s "$old_msi"
rm -rf "${top:?}/$ubuild"; mkdir -p "$top/$ubuild"
# The build without the test runs' folders (a Wine prefix is over a
# gigabyte; all of them filled the disk once): only the compiled files are
# needed to relink at the new version.  The last two patterns are the
# prefixes older trees kept in build/ARCH itself.
mkdir -p "$top/$ubuild/${out##*/}" &&
    tar -C "$out" --exclude='./tests/*/prefix' --exclude='./tests/*/logs' \
        --exclude='./wineprefix*' --exclude='./credprefix*' -cf - . |
    tar -C "$top/$ubuild/${out##*/}" -xf - && cp -p "$top/build/deps.mk" "$top/$ubuild/"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 600 make -C "$top" --no-print-directory \
    BUILD="$ubuild" ARCH="$arch" VERSION="$new_version" arch-dist >"$upg/make-new.log" 2>&1; rc=$?
WHY="exit $rc: $(tail -n 3 "$upg/make-new.log")" check "dist/$arch/upgrade: make dist VERSION=$new_version builds" \
    test "$rc" -eq 0 -a -s "$new_msi"
cp "$old_msi" "$new_msi" "$top/build/$arch/empkpcred.exe" "$cdrive/empkp-tests/"
cp "$out/tests/stress.exe" "$cdrive/empkp-tests/"
printf 'S3cret pass!\r\n' >"$upg/pw.in"

msi() { # msi OUT ARGS...: msiexec with a verbose log beside OUT
    local o=$1; shift
    wrun 300 "$upg/$o.out" "$WINE" msiexec "$@" /qn /l*v "C:\\empkp-tests\\$o.log"; local rc=$?
    cp "$cdrive/empkp-tests/$o.log" "$upg/" 2>/dev/null
    return "$rc"
}
# Our products in the Uninstall key, one "version" line each.
our_products() {
    wrun 60 "$upg/products.out" "${REG[@]}" query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s
    tr -d '\r' <"$upg/products.out" | awk '/^HKEY/ { key = $0; ours = 0 }
        /DisplayName .*EMPKP public key publisher/ { ours = 1 }
        /DisplayVersion/ { ver[key] = $NF }
        ours && !(key in seen) { seen[key] = 1; keys[++n] = key }
        END { for (i = 1; i <= n; i++) print ver[keys[i]] }'
}
one_product() { # one_product VERSION
    local p; p=$(our_products | tr '\n' ' ')
    [[ $p == "$1 " ]] || { WHY="products: [${p}]"; return 1; }
}
file_version() { # the installed empkp.exe's fixed file version
    wrun 60 "$upg/verinfo.out" "$WINE" 'C:\empkp-tests\verinfo.exe' "$winbin\\empkp.exe"
    tr -d '\r' <"$upg/verinfo.out" | sed -n 's/^fixed\.file=//p' | head -n 1
}
no_reboot_pending() {
    if wrun 60 "$upg/pfro.out" "${REG[@]}" query 'HKLM\System\CurrentControlSet\Control\Session Manager' \
            /v PendingFileRenameOperations; then
        WHY="pending: $(tr -d '\r' <"$upg/pfro.out" | grep -a REG_ | cut -c1-200)"; return 1
    fi
}
cred_verify() {
    timeout 60 "$WINE" 'C:\empkp-tests\empkpcred.exe' verify >"$upg/verify.out" 2>&1 </dev/null
}
kb_echo() {
    wrun 180 "$upg/$1.out" "$WINE" cscript.exe //nologo 'C:\empkp-tests\publish-echo.vbs'
    grep -qE $'^ErrID=0\r?$' "$upg/$1.out" || { WHY="printed: $(tr -d '\r' <"$upg/$1.out")"; return 1; }
}

# upgraded WHAT RC: the checks after an upgrade.
upgraded() {
    local what=$1 rc=$2 v
    WHY="exit $rc (3010 shows as 194; log $upg/$what.log)" check "dist/$arch/upgrade $what: msiexec exits 0" test "$rc" -eq 0
    check "dist/$arch/upgrade $what: exactly one product, $new_version" one_product "$new_version"
    v=$(file_version)
    WHY="file version [$v]" check "dist/$arch/upgrade $what: empkp.exe is the new file version" test "$v" = "$new_version.0"
    check "dist/$arch/upgrade $what: no file replacement left for a reboot" no_reboot_pending
    check "dist/$arch/upgrade $what: no stray files in $winbin" \
        bash -c "[[ -z \$(find '$bindir' -maxdepth 1 -iname '*.tmp') ]]"
    v=$(data0)
    WHY="DATA0 before [${upg_data0:0:16}...] after [${v:0:16}...]" \
        check "dist/$arch/upgrade $what: DATA0 byte-identical" test -n "$v" -a "$v" = "$upg_data0"
    v=$(store_key)
    WHY="stored key changed" check "dist/$arch/upgrade $what: the key store's key kept" test "$v" = "$upg_key"
    cred_verify; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$upg/verify.out")" check "dist/$arch/upgrade $what: the stored credentials verify" \
        rc_and_grep "$rc" 0 "$upg/verify.out" 'decrypt'
    check "dist/$arch/upgrade $what: the KB's calls then print ErrID=0" kb_echo "$what-kb"
    v=$(reg_value "$classes_view" "$C\\CLSID\\$CLSID\\LocalServer32" "")
    WHY="LocalServer32 is [$v]" check "dist/$arch/upgrade $what: the server is registered" test "$v" = "\"$winbin\\empkp.exe\""
    empkp_gone_within 30
}

# Install what is in the field, publish, store credentials.
msi field-install /i "C:\\empkp-tests\\${old_msi##*/}"; rc=$?
WHY="exit $rc" check "dist/$arch/upgrade: the $EMPKP_VERSION package installs" test "$rc" -eq 0
kb_echo field-kb; rc=$?
WHY="$(tr -d '\r' <"$upg/field-kb.out")" check "dist/$arch/upgrade: $EMPKP_VERSION publishes" test "$rc" -eq 0
timeout 60 "$WINE" 'C:\empkp-tests\empkpcred.exe' set /domain:CONTOSO /user:mom-svc \
    >"$upg/set.out" 2>&1 <"$upg/pw.in"; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$upg/set.out")" check "dist/$arch/upgrade: credentials stored" test "$rc" -eq 0
upg_data0=$(data0) upg_key=$(store_key)

# 1. A server lingering after the KB's script.
kb_echo linger-kb
WHY="no empkp.exe running" check "dist/$arch/upgrade lingering: a server is running when the upgrade starts" empkp_running
t0=$(date +%s%N)
msi upgrade-linger /i "C:\\empkp-tests\\${new_msi##*/}"; rc=$?
echo "  upgrade with a lingering server: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
upgraded upgrade-linger "$rc"

# Uninstall, then the field version again: the key stays.
msi remove-new /x "C:\\empkp-tests\\${new_msi##*/}"; rc=$?
WHY="exit $rc" check "dist/$arch/upgrade: msiexec /x of $new_version exits 0" test "$rc" -eq 0
WHY="products: $(our_products | tr '\n' ' ')" check "dist/$arch/upgrade: no product left" test -z "$(our_products)"
msi field-again /i "C:\\empkp-tests\\${old_msi##*/}"; rc=$?
WHY="exit $rc" check "dist/$arch/upgrade: $EMPKP_VERSION installs again" test "$rc" -eq 0

# 2. A Publish in flight: a client calls Publish in a loop (a few seconds)
# from before the upgrade starts until after the old files went.
rm -f "$cdrive/empkp-tests/stress.out"
wrun 120 "$upg/stress.out" "$WINE" 'C:\empkp-tests\stress.exe' calls 500 &
spid=$!
for _ in $(seq 40); do empkp_running && break; sleep 0.25; done
sleep 1
WHY="no empkp.exe running" check "dist/$arch/upgrade in flight: a server is busy when the upgrade starts" empkp_running
t0=$(date +%s%N)
msi upgrade-busy /i "C:\\empkp-tests\\${new_msi##*/}"; rc=$?
echo "  upgrade with Publish calls in flight: $(( ($(date +%s%N) - t0) / 1000000 )) ms; the client: $(tr -d '\r' <"$upg/stress.out" | tail -n 1)"
wait "$spid"
upgraded upgrade-busy "$rc"

# Uninstall and reinstall the new version: same key.
msi remove-new2 /x "C:\\empkp-tests\\${new_msi##*/}"; rc=$?
WHY="exit $rc" check "dist/$arch/upgrade: then msiexec /x exits 0" test "$rc" -eq 0
msi reinstall-new /i "C:\\empkp-tests\\${new_msi##*/}"; rc=$?
WHY="exit $rc" check "dist/$arch/upgrade: then msiexec /i again exits 0" test "$rc" -eq 0
kb_echo reinstall-kb; rc=$?
WHY="$(tr -d '\r' <"$upg/reinstall-kb.out")" check "dist/$arch/upgrade: after reinstall the KB's calls print ErrID=0" test "$rc" -eq 0
v=$(data0)
WHY="DATA0 changed" check "dist/$arch/upgrade: after uninstall and reinstall DATA0 is the same" test "$v" = "$upg_data0"
v=$(store_key)
WHY="stored key changed" check "dist/$arch/upgrade: after uninstall and reinstall the same key" test "$v" = "$upg_key"
cred_verify; rc=$?
WHY="exit $rc: $(tr -d '\r' <"$upg/verify.out")" check "dist/$arch/upgrade: after reinstall the credentials verify" test "$rc" -eq 0
empkp_gone_within 30
msi remove-last /x "C:\\empkp-tests\\${new_msi##*/}"

# install.cmd over an earlier install.cmd install, its server lingering.
if [[ -d $unz/$name && -d $top/$ubuild/dist/empkp-$new_version-$arch ]]; then
    rm -rf "$cdrive/empkp-zip"; mkdir -p "$cdrive/empkp-zip"
    cp -r "$unz/$name" "$top/$ubuild/dist/empkp-$new_version-$arch" "$cdrive/empkp-zip/"
    wrun 180 "$upg/cmd-old.out" "$WINE" cmd.exe /c "C:\\empkp-zip\\$name\\install.cmd"; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$upg/cmd-old.out")" check "dist/$arch/upgrade install.cmd: $EMPKP_VERSION installs" test "$rc" -eq 0
    kb_echo cmd-linger-kb
    WHY="no empkp.exe running" check "dist/$arch/upgrade install.cmd: a server is running when install.cmd starts" empkp_running
    wrun 180 "$upg/cmd-new.out" "$WINE" cmd.exe /c "C:\\empkp-zip\\empkp-$new_version-$arch\\install.cmd"; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$upg/cmd-new.out")" check "dist/$arch/upgrade install.cmd: $new_version over it exits 0" \
        rc_and_grep "$rc" 0 "$upg/cmd-new.out" 'installed and registered'
    v=$(file_version)
    WHY="file version [$v]" check "dist/$arch/upgrade install.cmd: empkp.exe is the new file version" test "$v" = "$new_version.0"
    check "dist/$arch/upgrade install.cmd: the KB's calls then print ErrID=0" kb_echo cmd-kb
    v=$(data0)
    WHY="DATA0 changed" check "dist/$arch/upgrade install.cmd: DATA0 byte-identical" test "$v" = "$upg_data0"
    cred_verify; rc=$?
    WHY="exit $rc: $(tr -d '\r' <"$upg/verify.out")" check "dist/$arch/upgrade install.cmd: the credentials verify" test "$rc" -eq 0
fi
