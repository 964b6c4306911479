#!/usr/bin/env bash
# tests/demo.sh (make demo): the whole job end to end, as an administrator
# would do it on an Exchange server, in a fresh Wine prefix build/demo/:
# install empkp.exe, empkp /regserver, the KB's script (its message box read
# back and screenshotted), then DATA0 in hex.  Uses the shipped i686 build
# where 32-bit Wine is installed, else the x86_64 build (and says so).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export RESULTS=$top/build/demo/results.txt
mkdir -p "$top/build/demo"; : >"$RESULTS"
# shellcheck source=tests/lib.sh
source "$top/tests/lib.sh"

arch=i686
if [[ ${WINE32:-no} != yes ]]; then
    arch=x86_64
    echo "NOTE: 32-bit Wine is not installed (${WINE32_WHY:-unknown}); demonstrating the x86_64 build."
fi
out=$top/build/$arch
WINE=$(wine_for "$arch")
log=$top/build/demo/logs; mkdir -p "$log"

xvfb_start || { echo "demo: cannot start Xvfb" >&2; exit 1; }
trap session_end EXIT   # wine_prefix_new sets it too
echo "== 1. A fresh Windows (Wine prefix build/demo/prefix)"
wine_prefix_new "$top/build/demo/prefix" || { echo "demo: wineboot failed" >&2; exit 1; }

echo "== 2. Install $arch empkp.exe to $INSTALL_DIR and run: empkp /regserver"
install_empkp "$out"
wrun 120 "$log/regserver.out" "$WINE" "$INSTALL_DIR\\empkp.exe" /regserver
rc=$?; cat "$log/regserver.out"; echo "   exit code $rc"
[[ $rc -eq 0 ]] || exit 1

echo "== 3. The KB 911143 script (Exchange 2003 / MOM 2005), verbatim:"
sed 's/^/     /' "$top/tests/e2e/kb911143-exchange2003.vbs" | tr -d '\r'
kb_script_msgbox "$WINE" "$log" "$top/build/demo/kb911143-msgbox.png"
rc=$?
shown=$(sed -n 's/^text: //p' "$log/box.out" | tr -d '\r' | grep -vx OK | head -n 1)
echo "   The message box showed: ${shown:-<no box seen>}   (screenshot: build/demo/kb911143-msgbox.png)"
echo "   wscript exit code $rc"

echo "== 4. HKLM\\SOFTWARE\\Microsoft\\ExMPLS, DATA0 (REG_BINARY, a CryptoAPI PUBLICKEYBLOB)"
wrun 60 "$log/data0.out" /usr/lib/wine/wine64 reg query 'HKLM\SOFTWARE\Microsoft\ExMPLS' /v DATA0 /reg:64
hex=$(sed -n 's/.*REG_BINARY *//p' "$log/data0.out" | tr -d '\r\n ')
echo "$hex" | xxd -r -p | xxd -g 1 | sed 's/^/   /'
echo "   ${#hex} hex digits = $(( ${#hex} / 2 )) bytes: bType 06, bVersion 02, CALG_RSA_KEYX 00a40000, \"RSA1\", bit length, exponent, modulus"
[[ $shown == 0 && -n $hex ]]
