#!/usr/bin/env bash
# tests/cred-tests.sh ARCH: the credentials tool empkpcred.exe under Wine, in
# a fresh prefix build/ARCH/tests/cred/prefix (README "Credentials";
# i686-wow64: the i686 build in a 64-bit prefix, build/i686/tests/cred-wow64/prefix):
#   - empkpcred set writes DATA1..3 and verify confirms them; a CryptoAPI-only
#     writer (capicred.exe: CryptImportKey of DATA0 + CryptEncrypt) too; our
#     ciphertexts decrypt with CryptDecrypt and the stored key, byte for byte,
#     non-ASCII included; the password typed on a console is not echoed;
#   - every refusal of set with its exit code, and the registry unchanged;
#   - verify tells missing, stale (key replaced), corrupt and mis-encoded
#     credentials apart;
#   - all three or none: the test build empkpcred-faults.exe is killed at
#     every step of a write, or has a write fail, and recover/verify then find
#     all old or all new values, never a mixture.
# Results go to $RESULTS (see lib.sh).
set -uo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"

T='C:\empkp-tests'
CRED="$INSTALL_DIR\\empkpcred.exe"
FAULTS="$T\\empkpcred-faults.exe"
# Wine turns Unix arguments into UTF-16 with the locale's charset: UTF-8
# here, so that non-ASCII arguments arrive as typed.
export LC_ALL=C.UTF-8

# Publish from the command line: the stored key in the machine
# container and DATA0 its public blob, as MOM's script would leave them.
publish() { wrun 120 "$log/publish.out" "$WINE" "$INSTALL_DIR\\empkp.exe" /publish; }

driver_start cred "${1:-}" "Credentials tool"   # ARCH: x86_64, i686 or i686-wow64
# A running wineserver before the console test, so that none is started
# on (and keeps open) its pseudo-terminal; wine_stop ends it.
timeout 30 wineserver -p >/dev/null 2>&1 </dev/null
cdrive=$(drive_c)
mkdir -p "$cdrive/Program Files/Exchsrvr/bin" "$cdrive/empkp-tests"
cp "$out/empkp.exe" "$out/empkpcred.exe" "$cdrive/Program Files/Exchsrvr/bin/"
cp "$tbin/empkpcred-faults.exe" "$tbin/capicred.exe" "$tbin/regacl.exe" "$tbin/probe.exe" \
    "$cdrive/empkp-tests/"

# --- helpers -------------------------------------------------------------------
# cred OUT INPUT ARGS...: empkpcred with standard input from the file INPUT.
cred() {
    local o=$1 in=$2; shift 2
    timeout 60 "$WINE" "$CRED" "$@" >"$o" 2>&1 <"$in"
}
faulty() { # faulty FAULTS OUT INPUT ARGS...: the fault build with EMPKP_FAULT=FAULTS
    local f=$1 o=$2 in=$3; shift 3
    EMPKP_FAULT=$f timeout 60 "$WINE" "$FAULTS" "$@" >"$o" 2>&1 <"$in"
}
helper() { local o=$1; shift; wrun 60 "$o" "$WINE" "$T\\$1" "${@:2}"; }
text() { tr -d '\r' <"$1"; }
not_grep() { ! grep -q -- "$1" "$2"; }
# input NAME BYTES...: a standard-input file of exactly those bytes (printf format).
input() { local f=$log/$1.in; shift; # shellcheck disable=SC2059
          printf "$@" >"$f"; echo "$f"; }
# The UTF-16LE bytes of a UTF-8 string, as lowercase hex.
utf16hex() { printf '%s' "$1" | iconv -f UTF-8 -t UTF-16LE | od -An -tx1 -v | tr -d ' \n'; }
# The plaintext CryptDecrypt gives for DATA<N> with the stored key.
plain_hex() { helper "$log/plain$1.out" capicred.exe decrypt "$1" && sed -n 's/^plain=//p' "$log/plain$1.out" | tr -d '\r'; }
# refused NAME WANT-RC PATTERN INPUT ARGS...: set (or another command) is
# refused with that exit code and message, and the registry is unchanged.
refused() {
    local name=$1 want=$2 pat=$3 in=$4 before after rc; shift 4
    before=$(snapshot exmpls)
    cred "$log/refused.out" "$in" "$@"; rc=$?
    after=$(snapshot exmpls)
    WHY="exit $rc (want $want): $(text "$log/refused.out")" \
        check "$arch/refused: $name: exit $want with a message" rc_and_grep "$rc" "$want" "$log/refused.out" "$pat"
    WHY="registry changed" check "$arch/refused: $name: nothing written" test "$before" = "$after"
}
# verify_is NAME WANT-RC PATTERN: verify ends with that code and says so.
verify_is() {
    local rc
    cred "$log/verify.out" /dev/null verify; rc=$?
    WHY="exit $rc (want $2): $(text "$log/verify.out")" \
        check "$arch/verify: $1" rc_and_grep "$rc" "$2" "$log/verify.out" "$3"
}
decrypts_to() { # decrypts_to NAME DOMAIN USER PASSWORD: CryptDecrypt gives exactly these
    local i got want vals=("$2" "$3" "$4") ok=yes why=
    for i in 1 2 3; do
        got=$(plain_hex "$i"); want=$(utf16hex "${vals[i - 1]}")
        [[ -n $want && $got == "$want" ]] || { ok=no; why+="DATA$i=[$got] want [$want] "; }
    done
    WHY=$why check "$arch/$1" test $ok = yes
}
# sha256_of_hex HEX: SHA-256 of those bytes (python3), as 64 lowercase hex digits.
sha256_of_hex() { python3 -c 'import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())' "$1"; }
pw=$(input pw 'S3cret pass!\r\n')

# --- before any Publish: nothing to encrypt to ------------------------------------
refused "no ExMPLS key" 2 '9986' "$pw" set /domain:CONTOSO /user:mom-svc
verify_is "nothing published: exit 2" 2 '9986'

publish; rc=$?
WHY="exit $rc: $(text "$log/publish.out")" check "$arch/empkp /publish makes the stored key and DATA0" test "$rc" -eq 0
verify_is "published, no credentials: exit 10 (missing)" 10 'credentials missing'

# --- our tool writes, the server decrypts --------------------------------------------
cred "$log/set.out" "$pw" set /domain:CONTOSO /user:mom-svc; rc=$?
WHY="exit $rc: $(text "$log/set.out")" check "$arch/set writes DATA1..3 (password from standard input)" \
    rc_and_grep "$rc" 0 "$log/set.out" 'set for CONTOSO\\mom-svc'
lens=""
for v in DATA1 DATA2 DATA3; do h=$(exmpls_hex $v); lens+="${#h} "; done
WHY="hex lengths $lens" check "$arch/DATA1..3 are REG_BINARY of 256 bytes (one RSA-2048 block)" test "$lens" = "512 512 512 "
verify_is "our values: credentials for CONTOSO\\mom-svc decrypt" 0 'credentials for CONTOSO\\mom-svc decrypt'
WHY="password in verify's output" check "$arch/verify never prints the password" \
    not_grep 'S3cret' "$log/verify.out"
decrypts_to "CryptDecrypt of our ciphertexts gives the UTF-16LE values" CONTOSO mom-svc 'S3cret pass!'

# --- another writer: CryptoAPI alone ---------------------------------------------------
helper "$log/capi.out" capicred.exe write FABRIKAM svc-mom 'An0ther!'; rc=$?
WHY="exit $rc: $(text "$log/capi.out")" check "$arch/CryptoAPI-only writer (CryptImportKey of DATA0 + CryptEncrypt)" test "$rc" -eq 0
verify_is "CryptoAPI's values: credentials for FABRIKAM\\svc-mom decrypt" 0 'credentials for FABRIKAM\\svc-mom decrypt'

# --- non-ASCII --------------------------------------------------------------------------
d='Müller-GmbH' u='Jürgen.日本' p='Pässwörd🔑 ok'
cred "$log/set-utf8.out" "$(input utf8 '%s\n' "$p")" set "/domain:$d" "/user:$u"; rc=$?
WHY="exit $rc: $(text "$log/set-utf8.out")" check "$arch/set with non-ASCII values (UTF-8 standard input)" test "$rc" -eq 0
decrypts_to "non-ASCII survives: CryptDecrypt gives the UTF-16LE bytes (surrogate pair included)" "$d" "$u" "$p"
verify_is "non-ASCII values decrypt" 0 'decrypt'
utf16in=$log/utf16.in
{ printf '\xff\xfe'; printf '%s\r\n' 'Grüße🔑' | iconv -f UTF-8 -t UTF-16LE; } >"$utf16in"
cred "$log/set-utf16.out" "$utf16in" set /domain:D /user:U; rc=$?
got=$(plain_hex 3)
WHY="exit $rc, DATA3=[$got]: $(text "$log/set-utf16.out")" check "$arch/password from UTF-16LE standard input (BOM) arrives as typed" \
    test "$rc-$got" = "0-$(utf16hex 'Grüße🔑')"
helper "$log/capi-utf8.out" capicred.exe write "$d" "$u" "$p"; rc=$?
verify_is "CryptoAPI's non-ASCII values decrypt" 0 'decrypt'
decrypts_to "CryptoAPI writer and our reading agree on UTF-16LE without terminator" "$d" "$u" "$p"

# --- the console: no echo, typed twice ------------------------------------------------
# wait_for FILE PATTERN: PATTERN appears in FILE (terminal escapes removed).
wait_for() {
    for _ in $(seq 150); do
        sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$1" 2>/dev/null | grep -q "$2" && return 0
        sleep 0.2
    done
    return 1
}
# console_run OUT ARGS...: empkpcred ARGS on a pseudo-terminal (script(1));
# STEPS holds PATTERN TEXT pairs: when PATTERN shows, TEXT is typed (with
# Enter), as a person would.  OUT is what the terminal showed.
console_run() {
    local o=$1 fifo=$log/tty.fifo cmd pid fd rc i; shift
    rm -f "$fifo"; mkfifo "$fifo"
    cmd=$(printf '%q ' "$WINE" "$CRED" "$@")
    timeout 90 script -qfec "$cmd" /dev/null <"$fifo" >"$o" 2>&1 &
    pid=$!
    exec {fd}>"$fifo"
    for ((i = 0; i < ${#STEPS[@]}; i += 2)); do
        wait_for "$o" "${STEPS[i]}" && printf '%s\r' "${STEPS[i + 1]}" >&"$fd"
    done
    wait "$pid"; rc=$?
    exec {fd}>&-
    sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$o" | tr -d '\r' >"$o.txt"
    return "$rc"
}
# console_set OUT FIRST SECOND ARGS...: set on a pseudo-terminal; types
# FIRST at the password prompt and SECOND at the confirmation (none if
# SECOND is "-": a refused first entry asks no more).
console_set() {
    local o=$1 first=$2 second=$3; shift 3
    STEPS=('Password' "$first")
    [[ $second == - ]] || STEPS+=('confirm' "$second")
    console_run "$o" set "$@"
}
console_set "$log/tty.out" 'Tty-Gr€et' 'Tty-Gr€et' /domain:CONTOSO /user:console; rc=$?
WHY="exit $rc: $(cat "$log/tty.out.txt")" check "$arch/console: prompts twice and sets (exit 0)" \
    rc_and_grep "$rc" 0 "$log/tty.out.txt" 'confirm'
WHY="no prompt seen: $(cat "$log/tty.out.txt")" check "$arch/console: the prompt names the account" \
    grep -qF 'CONTOSO\console' "$log/tty.out.txt"
WHY="the typed password appears on the terminal: $(cat "$log/tty.out.txt")" \
    check "$arch/console: the password is not echoed" not_grep 'Tty-Gr' "$log/tty.out.txt"
decrypts_to "console: the typed password is what DATA3 holds" CONTOSO console 'Tty-Gr€et'
before=$(snapshot exmpls)
console_set "$log/tty2.out" 'first-one' 'second-one' /domain:CONTOSO /user:console; rc=$?
WHY="exit $rc: $(cat "$log/tty2.out.txt")" check "$arch/console: two different entries are refused (exit 7)" \
    rc_and_grep "$rc" 7 "$log/tty2.out.txt" 'differ'
WHY="registry changed" check "$arch/console: a refused entry writes nothing" test "$before" = "$(snapshot exmpls)"
# The console buffer holds 1024 units: exactly that many is read whole (and
# is too long for the key); one more is refused as it is, never cut.
long1024=$(printf 'p%.0s' $(seq 1024)) long1025=$(printf 'q%.0s' $(seq 1025))
console_set "$log/tty3.out" "$long1024" "$long1024" /domain:CONTOSO /user:console; rc=$?
WHY="exit $rc: $(tail -c 400 "$log/tty3.out.txt")" check "$arch/console: 1024 characters typed twice: too long for the key (exit 4)" \
    rc_and_grep "$rc" 4 "$log/tty3.out.txt" "too long for DATA0's 2048-bit key"
console_set "$log/tty4.out" "$long1025" - /domain:CONTOSO /user:console; rc=$?
WHY="exit $rc: $(tail -c 400 "$log/tty4.out.txt")" check "$arch/console: 1025 characters: refused as longer than empkpcred reads (exit 4)" \
    rc_and_grep "$rc" 4 "$log/tty4.out.txt" 'longer than empkpcred reads (1024'
WHY="$(tail -c 400 "$log/tty4.out.txt")" check "$arch/console: 1025 characters: no confirmation asked, not taken as empty" \
    not_grep 'confirm\|is empty' "$log/tty4.out.txt"
WHY="registry changed" check "$arch/console: over-long entries write nothing" test "$before" = "$(snapshot exmpls)"

# --- /server: the remote registry path, with this computer's name ---------------------
wrun 60 "$log/name.out" "$WINE" cmd.exe /c 'echo %COMPUTERNAME%'
name=$(tr -d '\r\n ' <"$log/name.out")
# The stored key cannot be seen through /server: DATA0's SHA-256 must be
# confirmed on the console or given; it is computed here with python3.
fp=$(sha256_of_hex "$(exmpls_hex DATA0)")
fp_colons=$(echo "$fp" | tr a-f A-F | sed 's/../&:/g; s/:$//')
refused "/server, standard input redirected, no /fingerprint:" 8 'not a console' "$pw" \
    set /domain:REMOTE /user:via-rpc "/server:$name"
WHY="$(text "$log/refused.out")" check "$arch/set /server: prints DATA0's SHA-256 fingerprint" \
    grep -q "^  $fp" "$log/refused.out"
other=$(sha256_of_hex "00$(exmpls_hex DATA0)")
refused "/server with another key's /fingerprint:" 8 'not the fingerprint given' "$pw" \
    set /domain:REMOTE /user:via-rpc "/server:$name" "/fingerprint:$other"
refused "/fingerprint: of 63 hex digits" 87 '64 hex digits' "$pw" \
    set /domain:REMOTE /user:via-rpc "/server:$name" "/fingerprint:${fp:1}"
cred "$log/server.out" "$pw" set /domain:REMOTE /user:via-rpc "/server:$name" "/fingerprint:$fp"; rc=$?
WHY="exit $rc: $(text "$log/server.out")" check "$arch/set /server:$name /fingerprint: (RegConnectRegistry)" \
    rc_and_grep "$rc" 0 "$log/server.out" "on \\\\\\\\$name"
cred "$log/server2.out" "$pw" set /domain:REMOTE /user:via-unc "/server:\\\\$name" "/fingerprint:$fp_colons"; rc=$?
WHY="exit $rc: $(text "$log/server2.out")" check "$arch/set /server:\\\\$name, /fingerprint: as colon pairs in capitals" test "$rc" -eq 0
verify_is "values set through /server decrypt" 0 'credentials for REMOTE\\via-unc decrypt'
# On the console: the fingerprint is shown and "yes" typed, then the password.
STEPS=('Type yes' yes 'Password' 'Tty-remote1' 'confirm' 'Tty-remote1')
console_run "$log/tty-fp.out" set /domain:REMOTE /user:tty-yes "/server:$name"; rc=$?
WHY="exit $rc: $(cat "$log/tty-fp.out.txt")" check "$arch/console /server: fingerprint shown, yes typed: set (exit 0)" \
    rc_and_grep "$rc" 0 "$log/tty-fp.out.txt" "$fp"
decrypts_to "console /server: the values after the confirmation" REMOTE tty-yes 'Tty-remote1'
before=$(snapshot exmpls)
STEPS=('Type yes' no)
console_run "$log/tty-fp2.out" set /domain:REMOTE /user:tty-no "/server:$name"; rc=$?
WHY="exit $rc: $(cat "$log/tty-fp2.out.txt")" check "$arch/console /server: \"no\" typed: refused before the password (exit 8)" \
    rc_and_grep "$rc" 8 "$log/tty-fp2.out.txt" 'not confirmed'
WHY="$(cat "$log/tty-fp2.out.txt")" check "$arch/console /server: no password asked after \"no\"" not_grep 'Password for' "$log/tty-fp2.out.txt"
WHY="registry changed" check "$arch/console /server: nothing written after \"no\"" test "$before" = "$(snapshot exmpls)"

# --- refusals: exit code, message, nothing written ------------------------------------
long122=$(printf 'u%.0s' $(seq 122)) long123=$(printf 'd%.0s' $(seq 123))
cred "$log/max.out" "$pw" set /domain:D "/user:$long122"; rc=$?
WHY="exit $rc: $(text "$log/max.out")" check "$arch/a value of exactly 122 UTF-16 units (245 bytes) fits RSA-2048" test "$rc" -eq 0
refused "domain of 123 units (246 bytes)" 4 'too long' "$pw" set "/domain:$long123" /user:U
refused "password of 123 units" 4 'password is too long' "$(input long '%s\n' "$long123")" set /domain:D /user:U
refused "empty standard input" 7 'empty' "$(input empty '')" set /domain:D /user:U
refused "password not UTF-8 (Latin-1 bytes)" 7 'not UTF-8' "$(input latin1 'P\xe4ssword\r\n')" set /domain:D /user:U
refused "two lines on standard input" 7 'more than one line' "$(input lines 'one\ntwo\n')" set /domain:D /user:U
refused "password given as an argument" 87 'never an argument' "$pw" set /domain:D /user:U /password:x
refused "bare word (not shown)" 87 'not shown' "$pw" set /domain:D /user:U S3cret
WHY="$(text "$log/refused.out")" check "$arch/refused: a bare word (maybe a password) is not echoed" \
    not_grep S3cret "$log/refused.out"
refused "no /user" 87 'needs /domain' "$pw" set /domain:D
refused "unreachable /server" 6 'cannot reach' "$pw" set /domain:D /user:U /server:NO-SUCH-HOST
data0=$(exmpls_hex DATA0)
exmpls_set DATA0 "${data0:0:550}"
refused "DATA0 truncated" 3 'DATA0' "$pw" set /domain:D /user:U
exmpls_set DATA0 "07${data0:2}"
refused "DATA0 of the wrong blob type" 3 'not PUBLICKEYBLOB' "$pw" set /domain:D /user:U
# The registry reader's size limit (REGVALUE_MAX, 64 KiB): a DATA0 of
# that size is read (and is no key blob), one byte more is not read at all.
helper "$log/big.out" probe.exe big-value DATA0 65536
refused "DATA0 of 64 KiB: read, not a key" 3 'not a public key empkpcred can use' "$pw" set /domain:D /user:U
helper "$log/big.out" probe.exe big-value DATA0 65537
refused "DATA0 over 64 KiB: not read" 3 'DATA0 on this computer is 65537 bytes, larger than any public key' "$pw" set /domain:D /user:U
verify_is "DATA0 over 64 KiB: verify refuses to read it, as set does" 3 'DATA0 on this computer is 65537 bytes, larger than any public key'
exmpls_del DATA0
refused "ExMPLS without DATA0" 2 '9986' "$pw" set /domain:D /user:U
publish   # DATA0 back from the stored key
# Another program's key as DATA0 (CryptoAPI alone: only it holds the
# private half).  Refused before the password is asked for: standard input
# is empty here, which would be exit 7 if it were read.
data0=$(exmpls_hex DATA0)
helper "$log/plant.out" capicred.exe plant 2048; rc=$?
WHY="exit $rc: $(text "$log/plant.out")" check "$arch/a CryptoAPI-only program plants its own DATA0" test "$rc" -eq 0
WHY="DATA0 unchanged" check "$arch/the planted DATA0 is another key" test "$(exmpls_hex DATA0)" != "$data0"
refused "planted DATA0 (not the stored key's), before the password" 8 'not the public half of the key' \
    "$(input empty2 '')" set /domain:CONTOSO /user:mom
refused "planted DATA0 through /server, with the stored key's /fingerprint:" 8 'not the fingerprint given' \
    "$pw" set /domain:CONTOSO /user:mom "/server:$name" "/fingerprint:$fp"
publish   # rewrites DATA0 from the stored key
WHY="DATA0 is $(exmpls_hex DATA0 | cut -c1-40)..." check "$arch/Publish puts the stored key's DATA0 back" test "$(exmpls_hex DATA0)" = "$data0"
helper "$log/acl.out" regacl.exe get
acl=$(tr -d '\r\n' <"$log/acl.out")
helper "$log/acl-set.out" regacl.exe set 'D:P(A;;KR;;;WD)(A;;RCWD;;;BA)'; rc=$?
WHY="regacl exit $rc: $(text "$log/acl-set.out")" check "$arch/ExMPLS made read-only for the access test" test "$rc" -eq 0
refused "access denied (ExMPLS read-only)" 5 'access denied' "$pw" set /domain:D /user:U
helper "$log/acl-back.out" regacl.exe set "$acl"; rc=$?
WHY="regacl exit $rc: $(text "$log/acl-back.out")" check "$arch/ExMPLS permissions put back ($acl)" test "$rc" -eq 0
cred "$log/usage.out" /dev/null /?; rc=$?
WHY="exit $rc" check "$arch/ /? prints usage, exit 0" rc_and_grep "$rc" 0 "$log/usage.out" 'verify'

# --- what verify tells apart --------------------------------------------------------------
cred "$log/base.out" "$pw" set /domain:CONTOSO /user:mom-svc
d3=$(exmpls_hex DATA3) d2=$(exmpls_hex DATA2)
flip=$(printf '%02X' $(( 0x${d3:100:2} ^ 0x5a )))
exmpls_set DATA3 "${d3:0:100}$flip${d3:102}"
verify_is "one byte of DATA3 changed: exit 12 (corrupt)" 12 'damaged'
WHY="names printed for damaged credentials" check "$arch/verify names nobody when credentials are damaged" \
    not_grep 'credentials for' "$log/verify.out"
exmpls_set DATA3 "$d3"; exmpls_set DATA2 "${d2:0:500}"
verify_is "DATA2 truncated: exit 12 (corrupt)" 12 'not the size of any RSA ciphertext'
helper "$log/big.out" probe.exe big-value DATA2 65537
verify_is "DATA2 over 64 KiB (not read): exit 12 (corrupt), as a truncated one" 12 'DATA2 (user name): not the size of any RSA ciphertext'
exmpls_set DATA2 "$d2"; exmpls_del DATA2
verify_is "DATA2 deleted: exit 10 (missing)" 10 'DATA2 (user name): missing'
helper "$log/ansi.out" capicred.exe write-ansi CONTOSO mom-svc 'odd1'
verify_is "ANSI values with terminator (odd length): exit 13 (not UTF-16LE)" 13 'not to UTF-16LE text'

# The stored key replaced: credentials set before are stale.  (Publish with
# a new key deletes DATA1..3; they come back here as from a backup.)
cred "$log/base.out" "$pw" set /domain:CONTOSO /user:mom-svc
old1=$(exmpls_hex DATA1) old2=$(exmpls_hex DATA2) old3=$(exmpls_hex DATA3) olddata0=$(exmpls_hex DATA0)
helper "$log/delkey.out" capicred.exe delete-key
verify_is "stored key deleted: exit 14 (no stored key)" 14 'stored private key is missing'
refused "stored key deleted: set refuses to encrypt to DATA0" 14 'no key is stored' "$pw" set /domain:D /user:U
publish
WHY="DATA0 unchanged" check "$arch/a new stored key has a new DATA0" test "$(exmpls_hex DATA0)" != "$olddata0"
exmpls_set DATA1 "$old1"; exmpls_set DATA2 "$old2"; exmpls_set DATA3 "$old3"
verify_is "after the key was replaced: exit 11 (stale), not garbage" 11 'stale'
WHY="$(text "$log/verify.out")" check "$arch/stale credentials: each value is said not to decrypt" \
    grep -qF 'DATA3 (password): does not decrypt with the stored key' "$log/verify.out"
WHY="names printed" check "$arch/stale credentials: verify prints no decrypted text" \
    not_grep 'credentials for' "$log/verify.out"

# --- all three or none ------------------------------------------------------------------
WHY="EMPKP_FAULT found in the shipped binary" check "$arch/the shipped empkpcred.exe has no fault points" \
    not_grep EMPKP_FAULT "$out/empkpcred.exe"
check "$arch/the test build has them" grep -q EMPKP_FAULT "$tbin/empkpcred-faults.exe"
oldpw=$(input oldpw 'old-pass\n') newpw=$(input newpw 'new-pass\n')
# every step of a write, killed: before the journal is complete the old
# values stay; after it, recovery completes the new ones.
for point in journal-data1 journal-data2 journal-data3 journal-data0 \
             main-data1 main-data2 main-data3 journal-delete; do
    case $point in journal-data*) want=OLD ;; *) want=NEW ;; esac
    cred "$log/old.out" "$oldpw" set /domain:OLDD /user:OLDU
    faulty "kill:$point" "$log/kill.out" "$newpw" set /domain:NEWD /user:NEWU; rc=$?
    WHY="exit $rc: $(text "$log/kill.out")" check "$arch/killed at $point: the process ended there" test "$rc" -eq 250
    verify_is "killed at $point: verify reports the interrupted set (exit 15)" 15 'recover'
    cred "$log/recover.out" /dev/null recover; rc=$?
    WHY="exit $rc: $(text "$log/recover.out")" check "$arch/killed at $point: recover exits 0" test "$rc" -eq 0
    if [[ $want == OLD ]]; then
        decrypts_to "killed at $point: all three values are the old ones" OLDD OLDU old-pass
    else
        decrypts_to "killed at $point: all three values are the new ones" NEWD NEWU new-pass
    fi
done
# A set after an interrupted one finishes it first, then writes its own.
cred "$log/old.out" "$oldpw" set /domain:OLDD /user:OLDU
faulty kill:main-data2 "$log/kill.out" "$newpw" set /domain:NEWD /user:NEWU
cred "$log/after.out" "$pw" set /domain:AFTER /user:kill; rc=$?
WHY="exit $rc: $(text "$log/after.out")" check "$arch/set after an interrupted set completes it first" \
    rc_and_grep "$rc" 0 "$log/after.out" 'interrupted set was completed'
decrypts_to "and then holds its own values" AFTER kill 'S3cret pass!'
# A write that fails: the old values are put back, byte for byte.
before=$(snapshot exmpls)
faulty fail:main-data3 "$log/fail.out" "$newpw" set /domain:NEWD /user:NEWU; rc=$?
WHY="exit $rc: $(text "$log/fail.out")" check "$arch/DATA3 write fails: exit 1, old values put back" \
    rc_and_grep "$rc" 1 "$log/fail.out" 'nothing changed'
WHY="registry changed" check "$arch/DATA3 write fails: registry byte-identical to before" test "$before" = "$(snapshot exmpls)"
# ... and when putting them back fails too, the journal finishes the write.
faulty fail:main-data3,fail:rollback-data1 "$log/fail2.out" "$newpw" set /domain:NEWD /user:NEWU; rc=$?
WHY="exit $rc: $(text "$log/fail2.out")" check "$arch/write and rollback fail: exit 1, told to recover" \
    rc_and_grep "$rc" 1 "$log/fail2.out" 'empkpcred recover'
verify_is "write and rollback failed: verify reports the interrupted set" 15 'recover'
cred "$log/recover.out" /dev/null recover
decrypts_to "write and rollback failed: recover completes all three new values" NEWD NEWU new-pass
verify_is "after recovery: credentials for NEWD\\NEWU decrypt" 0 'credentials for NEWD\\NEWU decrypt'

# --- Publish's lock made by another account (common/publish_lock.h) ---------------------
# Wine protects no kernel object, so the test build answers for Windows: a
# foreign owner on the existing lock (fail:lock-foreign), or access denied
# opening it (err:lock-create=5).  set must refuse before it asks for the
# password (standard input is empty here: reading it would end in exit 7),
# with exit 5, and write nothing.
for f in fail:lock-foreign err:lock-create=5; do
    before=$(snapshot exmpls)
    faulty "$f" "$log/lock.out" /dev/null set /domain:LOCKD /user:LOCKU; rc=$?
    WHY="exit $rc: $(text "$log/lock.out")" check "$arch/Publish lock not empkp's ($f): exit 5 before the password" \
        rc_and_grep "$rc" 5 "$log/lock.out" 'lock'
    WHY="$(text "$log/lock.out")" check "$arch/Publish lock not empkp's ($f): no password asked for" \
        not_grep 'password' "$log/lock.out"
    WHY="registry changed" check "$arch/Publish lock not empkp's ($f): nothing written" test "$before" = "$(snapshot exmpls)"
done
verify_is "after the refused sets: the credentials before them still decrypt" 0 'credentials for NEWD\\NEWU decrypt'

# --- a key container another account controls (common/keystore.c) -----------------
# both_true CMD1... -- CMD2...: both commands succeed.
both_true() { local a=() ; while [[ $1 != -- ]]; do a+=("$1"); shift; done; shift; "${a[@]}" && "$@"; }
# Wine reports every container as ours: the test build's fail:keyset-foreign
# gives it a made-up account's owner and DACL, err:keyset-get-sd=5 makes
# them unreadable.  set and verify judge it as Publish does (ErrID 1338,
# event 1103): set refuses before the password (exit 8), verify decrypts
# nothing with it (exit 8); unreadable is access denied (exit 5).
before=$(snapshot)
faulty fail:keyset-foreign "$log/foreign.out" /dev/null set /domain:FORD /user:FORU; rc=$?
WHY="exit $rc: $(text "$log/foreign.out")" check "$arch/set, untrusted key container: exit 8 naming its owner" \
    rc_and_grep "$rc" 8 "$log/foreign.out" 'not trusted: its owner is S-1-5-21-1-2-3-1001'
WHY="$(text "$log/foreign.out")" check "$arch/set, untrusted key container: Publish's ErrID named, no password asked for" \
    both_true grep -q 'ErrID 1338, event 1103' "$log/foreign.out" -- not_grep 'password' "$log/foreign.out"
WHY="registry changed" check "$arch/set, untrusted key container: nothing written" test "$before" = "$(snapshot)"
faulty fail:keyset-foreign "$log/foreign-v.out" /dev/null verify; rc=$?
WHY="exit $rc: $(text "$log/foreign-v.out")" check "$arch/verify, untrusted key container: exit 8, nothing decrypted" \
    rc_and_grep "$rc" 8 "$log/foreign-v.out" 'Nothing was decrypted'
WHY="$(text "$log/foreign-v.out")" check "$arch/verify, untrusted key container: no names shown" \
    not_grep 'NEWD' "$log/foreign-v.out"
faulty err:keyset-get-sd=5 "$log/sd5.out" /dev/null verify; rc=$?
WHY="exit $rc: $(text "$log/sd5.out")" check "$arch/verify, key container's owner and DACL unreadable: exit 5" \
    rc_and_grep "$rc" 5 "$log/sd5.out" 'access denied'
faulty err:keyset-get-sd=5 "$log/sd5s.out" /dev/null set /domain:FORD /user:FORU; rc=$?
after=$(snapshot)
WHY="exit $rc: $(text "$log/sd5s.out")" check "$arch/set, key container's owner and DACL unreadable: exit 5, nothing written" \
    test "$rc $after" = "5 $before"
verify_is "after the refusals: the credentials still decrypt" 0 'credentials for NEWD\\NEWU decrypt'

# --- KeyBits = 1024: for credential tools that open the Base provider --------------
# Measured: the Base provider (MS_DEF_PROV) refuses the 2048-bit DATA0;
# the README's way out, step by step, makes one that every provider imports.
helper "$log/import2048.out" capicred.exe import-all 2048; rc=$?
WHY="exit $rc: $(text "$log/import2048.out")" check "$arch/RSA-2048 DATA0: the Base provider refuses it (NTE_BAD_DATA), the others import it" \
    test "$rc-$(grep -c ': imported, 2048 bits' "$log/import2048.out")" = "1-4"
check "$arch/RSA-2048 DATA0: the refusal is the Base provider's" grep -q '^base: CryptImportKey 0x80090005' "$log/import2048.out"
helper "$log/base2048.out" capicred.exe write-with base CONTOSO mom-svc 'Base-pw1'; rc=$?
WHY="exit $rc: $(text "$log/base2048.out")" check "$arch/RSA-2048 DATA0: a tool on the Base provider cannot encrypt to it" test "$rc" -eq 3
wrun 60 "$log/kb.out" "${REG[@]}" add 'HKLM\SOFTWARE\EMPKP' /v KeyBits /t REG_DWORD /d 1024 /f /reg:64
before=$(snapshot exmpls)
cred "$log/newkey0.out" /dev/null newkey; rc=$?
WHY="exit $rc: $(text "$log/newkey0.out")" check "$arch/newkey with standard input redirected: refused (exit 87)" \
    rc_and_grep "$rc" 87 "$log/newkey0.out" 'not a console'
WHY="registry changed" check "$arch/newkey refused: nothing removed" test "$before" = "$(snapshot exmpls)"
STEPS=('Type yes' yes)
console_run "$log/newkey.out" newkey; rc=$?
WHY="exit $rc: $(cat "$log/newkey.out.txt")" check "$arch/newkey on the console, yes typed: exit 0, names the new size" \
    rc_and_grep "$rc" 0 "$log/newkey.out.txt" 'new RSA-1024 pair'
WHY="DATA0 still there" check "$arch/newkey removed DATA0" test -z "$(exmpls_hex DATA0)"
verify_is "newkey removed the stored key too (verify: no DATA0 and no stored key, exit 2)" 2 'no DATA0 and no stored key'
publish; rc=$?
d=$(exmpls_hex DATA0)
WHY="exit $rc, ${#d} hex digits" check "$arch/KeyBits 1024: Publish makes a 1024-bit pair (148-byte DATA0)" test "$rc-${#d}" = "0-296"
helper "$log/import1024.out" capicred.exe import-all 1024; rc=$?
WHY="exit $rc: $(text "$log/import1024.out")" check "$arch/RSA-1024 DATA0: every provider imports it, the Base one included" \
    test "$rc-$(grep -c ': imported, 1024 bits, encrypted 117 bytes' "$log/import1024.out")" = "0-5"
helper "$log/base1024.out" capicred.exe write-with base FABRIKAM base-mom 'Base-pw1'; rc=$?
WHY="exit $rc: $(text "$log/base1024.out")" check "$arch/RSA-1024 DATA0: a tool on the Base provider writes DATA1..3" test "$rc" -eq 0
verify_is "RSA-1024: the Base provider's values decrypt" 0 'credentials for FABRIKAM\\base-mom decrypt (stored 1024-bit key)'
long58=$(printf 'k%.0s' $(seq 58)) long59=$(printf 'k%.0s' $(seq 59))
cred "$log/set1024.out" "$(input pw58 '%s\n' "$long58")" set /domain:D1024 /user:U1024; rc=$?
WHY="exit $rc: $(text "$log/set1024.out")" check "$arch/RSA-1024: a password of 58 UTF-16 units (116 bytes) fits" \
    rc_and_grep "$rc" 0 "$log/set1024.out" "1024-bit"
lens=""
for v in DATA1 DATA2 DATA3; do h=$(exmpls_hex $v); lens+="${#h} "; done
WHY="hex lengths $lens" check "$arch/RSA-1024: DATA1..3 are 128 bytes each" test "$lens" = "256 256 256 "
decrypts_to "RSA-1024: CryptDecrypt with the stored key gives the values" D1024 U1024 "$long58"
refused "RSA-1024: a password of 59 units (118 bytes)" 4 "at most 58 UTF-16 units" "$(input pw59 '%s\n' "$long59")" \
    set /domain:D /user:U
wrun 60 "$log/kb.out" "${REG[@]}" delete 'HKLM\SOFTWARE\EMPKP' /v KeyBits /f /reg:64
