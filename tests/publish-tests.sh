#!/usr/bin/env bash
# tests/publish-tests.sh ARCH: Publish as the careful operation of README's
# state table, under Wine in a fresh prefix build/ARCH/tests/publish/prefix:
# idempotence, repair of DATA0, a lost key, concurrency across processes,
# a crash at every step (the fault-point build), refused writes, the KeyBits
# setting, the ExMPLS DACL and the event log texts.
set -uo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"

EXE="$INSTALL_DIR\\empkp.exe"
FAULTS='C:\empkp-tests\empkp-faults.exe'

driver_start publish "${1:-}" "Publish state table"   # ARCH: x86_64 or i686
install_empkp "$out"
wrun 120 "$log/regserver.out" "$WINE" "$EXE" /regserver ||
    { fail "publish/$arch/regserver" "$(cat "$log/regserver.out")"; exit 0; }

# publish_cmd [EXE]: empkp /publish with event log tracing on; sets rc.
publish_cmd() {
    WINEDEBUG=-all,+eventlog wrun 300 "$log/publish.out" "$WINE" "${1:-$EXE}" /publish
    rc=$?
}
creds_set() { exmpls_set DATA1 0101 && exmpls_set DATA2 0202 && exmpls_set DATA3 0303; }
creds_kept() { reg_has /reg:64 "$EXMPLS" DATA1 && reg_has /reg:64 "$EXMPLS" DATA2 && reg_has /reg:64 "$EXMPLS" DATA3; }
creds_gone() { ! reg_has /reg:64 "$EXMPLS" DATA1 && ! reg_has /reg:64 "$EXMPLS" DATA2 && ! reg_has /reg:64 "$EXMPLS" DATA3; }
# consistent: DATA0 is exactly the stored key's public blob.
consistent() {
    local s d
    s=$(probe store-public) d=$(probe data0)
    [[ $s != absent && ${#s} -gt 40 && $s == "$d" ]] || { WHY="store=${s:0:24}... data0=${d:0:24}..."; return 1; }
}
empty_state() { probe store-delete >/dev/null; exmpls_del DATA0; exmpls_del DATA1; exmpls_del DATA2; exmpls_del DATA3; true; }
events() { grep -c "$1" "$log/publish.out"; }

# --- first Publish, then a second: nothing changes ---------------------------
empty_state
publish_cmd
WHY="rc $rc: $(tr -d '\r' <"$log/publish.out")" check "publish/$arch first Publish on an empty machine: ErrID 0" test "$rc" -eq 0
check "publish/$arch DATA0 is the stored key's public blob" consistent
WHY="no new-key event in $(tr -d '\r' <"$log/publish.out")" check "publish/$arch first Publish logs the new key pair" \
    grep -q 'no key was stored' "$log/publish.out"
first=$(probe data0)
creds_set
wrun 120 "$log/c1.out" "$WINE" 'C:\empkp-tests\client.exe'; rc1=$?
wrun 120 "$log/c2.out" "$WINE" 'C:\empkp-tests\client.exe'; rc2=$?
WHY="rc $rc1/$rc2" check "publish/$arch two Publish calls through COM: ErrID 0 both" test "$rc1$rc2" = 00
WHY="DATA0 changed" check "publish/$arch two Publish calls: DATA0 byte-identical, no new pair" test "$(probe data0)" = "$first"
check "publish/$arch two Publish calls: DATA1..3 kept" creds_kept

# --- DATA0 deleted, truncated, replaced by another key: restored --------------
for damage in deleted truncated other-key not-binary oversized; do
    case $damage in
        deleted)   exmpls_del DATA0 ;;
        truncated) exmpls_set DATA0 "${first:0:200}" ;;
        other-key) probe other-blob >/dev/null ;;
        not-binary) exmpls_del DATA0; wrun 60 "$log/reg.out" "${REG[@]}" add "$EXMPLS" /v DATA0 /t REG_SZ /d "$first" /f /reg:64 ;;
        # over the registry reader's limit (REGVALUE_MAX): not read, rewritten
        oversized) probe big-value DATA0 65537 >/dev/null ;;
    esac
    publish_cmd
    WHY="rc $rc" check "publish/$arch DATA0 $damage: ErrID 0" test "$rc" -eq 0
    WHY="DATA0 not restored" check "publish/$arch DATA0 $damage: restored from the stored key" test "$(probe data0)" = "$first"
    check "publish/$arch DATA0 $damage: DATA1..3 kept" creds_kept
    WHY="no repair event" check "publish/$arch DATA0 $damage: repair logged" \
        grep -qE 'ReportEventW L"(missing|not the stored key)' "$log/publish.out"
done

# --- the same while one server stays up: its fast path must notice ------------
# A running server answers a repeated Publish from what it last published
# (server/publish/publish_cache.h); any change to DATA0 or ExMPLS must send it down
# the full path again.  One holder keeps the server up; each client.exe is a
# new process calling into that same server.
wrun 300 "$log/hold.out" "$WINE" 'C:\empkp-tests\stress.exe' hold 120 'C:\empkp-tests\release' &
holder=$!
wait_holding "$log/hold.out" || fail "publish/$arch holder" "no \"holding\" in 60 s: $(tr -d '\r' <"$log/hold.out")"
client() { wrun 120 "$log/client.out" "$WINE" 'C:\empkp-tests\client.exe'; rc=$?; }
client
WHY="rc $rc" check "publish/$arch running server: Publish ErrID 0" test "$rc" -eq 0
for damage in deleted other-key ExMPLS-deleted; do
    case $damage in
        deleted)        exmpls_del DATA0 ;;
        other-key)      probe other-blob >/dev/null ;;
        ExMPLS-deleted) wrun 60 "$log/reg.out" "${REG[@]}" delete "$EXMPLS" /f /reg:64 ;;
    esac
    client
    WHY="rc $rc" check "publish/$arch running server, DATA0 $damage: ErrID 0" test "$rc" -eq 0
    WHY="DATA0 not restored" check "publish/$arch running server, DATA0 $damage: restored" \
        test "$(probe data0)" = "$first"
done
n=$(empkp_pids | wc -l)
WHY="$n server processes" check "publish/$arch running server: every call went to one server" test "$n" -eq 1
: >"$(drive_c)/empkp-tests/release"
wait "$holder"
creds_set   # ExMPLS-deleted took them; the next case needs them there

# --- the stored key lost: a new pair, old credentials removed ------------------
probe store-delete >/dev/null
publish_cmd
WHY="rc $rc" check "publish/$arch stored key removed: ErrID 0" test "$rc" -eq 0
WHY="DATA0 unchanged" check "publish/$arch stored key removed: a new pair (DATA0 changes)" test "$(probe data0)" != "$first"
check "publish/$arch stored key removed: DATA0 matches the new stored key" consistent
check "publish/$arch stored key removed: DATA1..3 removed" creds_gone
WHY="no event" check "publish/$arch stored key removed: new key pair logged" grep -q 'no key was stored' "$log/publish.out"

# --- 8 processes at once from an empty state: one key pair ----------------------
concurrent() { # $1: label, then a command per client (background)
    local label=$1 i pids=() fails=0   # label: a file-name-safe word
    shift
    empty_state
    for i in 1 2 3 4 5 6 7 8; do
        WINEDEBUG=-all,+eventlog wrun 300 "$log/$label-$i.out" "$WINE" "$@" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || fails=$((fails + 1)); done
    WHY="$fails of 8 failed" check "publish/$arch 8 concurrent $label: every one ErrID 0" test "$fails" -eq 0
    check "publish/$arch 8 concurrent $label: DATA0 matches the stored key" consistent
}
concurrent publish-cmd "$EXE" /publish
n=$(cat "$log"/publish-cmd-*.out | grep -c 'no key was stored')
WHY="$n new-key events" check "publish/$arch 8 concurrent /publish: exactly one key pair generated" test "$n" -eq 1
concurrent com-clients 'C:\empkp-tests\client.exe'
n=$(cat "$log"/com-clients-*.out | tr -d '\r' | grep '^DATA0=' | sort -u | wc -l)
WHY="$n distinct DATA0 values seen" check "publish/$arch 8 concurrent COM clients: all saw one and the same DATA0" test "$n" -eq 1

# --- a crash at every step: the next Publish repairs ----------------------------
for fault in new-key-generated new-key-container-ready new-key-values-deleted new-key-stored \
             new-key-data0-written before-rewrite-data0; do
    if [[ $fault == before-rewrite-data0 ]]; then
        publish_cmd; exmpls_del DATA0; creds_set
    else
        empty_state; creds_set
    fi
    EMPKP_FAULT=kill:$fault publish_cmd "$FAULTS"
    WHY="exit $rc" check "publish/$arch fault $fault: the fault build died there (exit 250)" test "$rc" -eq 250
    publish_cmd
    WHY="rc $rc" check "publish/$arch fault $fault: next Publish ErrID 0" test "$rc" -eq 0
    check "publish/$arch fault $fault: DATA0 matches the stored key" consistent
    if [[ $fault == before-rewrite-data0 ]]; then
        check "publish/$arch fault $fault: DATA1..3 kept" creds_kept
    else
        check "publish/$arch fault $fault: no credentials beside a new key" creds_gone
    fi
done

# --- Windows' answers that Wine never gives, injected ---------------------------------
# Wine runs everything as one all-powerful user, so the fault build answers
# for Windows (common/faultpoint.h: err:POINT=CODE, fail:POINT) right before
# the real call.  Each case: the documented ErrID (exit code mod 256 and the
# ErrID= line), its event, and nothing lost: DATA0..3 and the stored key
# exactly as before.
snap_all() { echo "$(probe store-public)|$(probe data0)|$(reg_value /reg:64 "$EXMPLS" DATA1)|$(reg_value /reg:64 "$EXMPLS" DATA2)|$(reg_value /reg:64 "$EXMPLS" DATA3)"; }
# injected LABEL FAULTS ERRID EVENT-PATTERN: from the state set up by the caller.
injected() {
    local label=$1 faults=$2 errid=$3 pat=$4 before after
    before=$(snap_all)
    EMPKP_FAULT=$faults publish_cmd "$FAULTS"
    after=$(snap_all)
    WHY="rc $rc, $(tr -d '\r' <"$log/publish.out" | grep -v ReportEvent | head -c 300)" \
        check "publish/$arch $label: ErrID $(printf %d $errid) ($(printf 0x%X $errid))" \
        rc_and_grep "$rc" $(( errid & 255 )) "$log/publish.out" "^ErrID=$(( errid > 0x7FFFFFFF ? errid - 0x100000000 : errid ))"
    WHY="no event matching $pat" check "publish/$arch $label: event logged" grep -q -- "$pat" "$log/publish.out"
    WHY="before [${before:0:60}...] after [${after:0:60}...]" \
        check "publish/$arch $label: DATA0..3 and the stored key unchanged" test "$before" = "$after"
    [[ $before != absent* ]] || return 0
    WHY="$(probe store-public | head -c 20)" check "publish/$arch $label: the key is still there" \
        test "$(probe store-public)" != absent
}
publish_cmd; creds_set
# CryptAcquireContext says NTE_BAD_KEYSET for a container another account
# made (or whose DACL leaves this one out): "absent" is a claim, and
# creating it (NTE_EXISTS) says otherwise.  Formerly this deleted DATA1..3.
injected "existing container answered NTE_BAD_KEYSET" err:keyset-open=0x80090016 \
    $((0x8009000F)) '0x8009000F'
# /diagnose /fix publishes in its own process: the same answer, the same rule.
before=$(snap_all)
EMPKP_FAULT=err:keyset-open=0x80090016 wrun 300 "$log/fix.out" "$WINE" "$FAULTS" /diagnose /fix
WHY="$(tr -d '\r' <"$log/fix.out" | grep -E 'FIX|stored key' | head -c 400)" \
    check "publish/$arch /diagnose /fix, container answered NTE_BAD_KEYSET: Publish refused (NTE_EXISTS)" \
    grep -q 'FIX.*ErrID -2146893809' "$log/fix.out"
WHY="changed" check "publish/$arch /diagnose /fix, container answered NTE_BAD_KEYSET: nothing lost" test "$before" = "$(snap_all)"
# No container, and creating one says it exists: nothing deleted.
probe store-delete >/dev/null
injected "container creation answered NTE_EXISTS" err:keyset-create=0x8009000F \
    $((0x8009000F)) '0x8009000F'
# A squatter's container (another account owns it, holding its own key or
# empty): neither used nor written into.
publish_cmd; creds_set
injected "container owned by another account, with a key" fail:keyset-foreign 1338 'S-1-5-21-1-2-3-1001'
probe store-delete >/dev/null
EMPKP_FAULT=kill:new-key-container-ready publish_cmd "$FAULTS"   # leaves an empty container
creds_set
injected "empty container owned by another account" fail:keyset-foreign 1338 'S-1-5-21-1-2-3-1001'
WHY="$(probe store-public)" check "publish/$arch empty foreign container: no key imported into it" \
    test "$(probe store-public)" = absent
publish_cmd   # an empty container of ours: reused
WHY="rc $rc" check "publish/$arch an empty container of ours is reused: ErrID 0" test "$rc" -eq 0
check "publish/$arch an empty container of ours is reused: DATA0 matches" consistent
# The owner and DACL a container we create gets (Wine keeps the DACL and
# reports its own token owner in place of Administrators: measured).
s=$(probe store-sddl)
WHY="SDDL $s" check "publish/$arch a new container gets a DACL of SYSTEM and Administrators only" \
    grep -q 'D:P\?(A;;GA;;;SY)(A;;GA;;;BA)$' <<<"$s"
# /diagnose shows who controls the key, and FAILs on a foreign container.
wrun 300 "$log/diag.out" "$WINE" "$FAULTS" /diagnose
WHY="$(tr -d '\r' <"$log/diag.out" | grep 'stored key')" \
    check "publish/$arch /diagnose shows the container's owner and DACL" \
    grep -qE '^PASS stored key: .*security: owner [^;]+; allowed: SYSTEM full, Administrators full' "$log/diag.out"
creds_set   # so that the credentials check opens the container too
EMPKP_FAULT=fail:keyset-foreign wrun 300 "$log/diag.out" "$WINE" "$FAULTS" /diagnose
WHY="$(tr -d '\r' <"$log/diag.out" | grep 'stored key')" \
    check "publish/$arch /diagnose on a foreign container: FAIL naming its owner" \
    grep -qE '^FAIL stored key: .*not trusted.*S-1-5-21-1-2-3-1001' "$log/diag.out"
WHY="$(tr -d '\r' <"$log/diag.out" | grep 'decryptable')" \
    check "publish/$arch /diagnose on a foreign container: the credentials check refuses it too" \
    grep -qE "^WARN DATA1..3 decryptable: the key container's owner or DACL is not trusted" "$log/diag.out"
# Its owner and DACL cannot be read: not trusted, not replaced.
creds_set
injected "container security unreadable (access denied)" err:keyset-get-sd=5 5 'open the key store'
# The Publish lock: made by another account (owner check), or not openable.
injected "Publish lock owned by another account" fail:lock-foreign 1307 'S-1-5-21-1-2-3-1001'
injected "Publish lock not openable (access denied)" err:lock-create=5 1307 'may not open it'
injected "Publish lock name taken by another kind of object" err:lock-create=6 1307 'may not open it'

# --- a refused write: documented ErrID, event, old state intact -----------------
publish_cmd; creds_set; exmpls_del DATA0
before_store=$(probe store-public)
EMPKP_FAULT=fail:exmpls-write publish_cmd "$FAULTS"
WHY="rc $rc" check "publish/$arch unwritable ExMPLS: ErrID 5 (ERROR_ACCESS_DENIED)" test "$rc" -eq 5
WHY="no failure event" check "publish/$arch unwritable ExMPLS: failure logged" grep -q 'rewrite DATA0' "$log/publish.out"
WHY="DATA0 appeared" check "publish/$arch unwritable ExMPLS: DATA0 still absent" test "$(probe data0)" = absent
WHY="store changed" check "publish/$arch unwritable ExMPLS: stored key unchanged" test "$(probe store-public)" = "$before_store"
check "publish/$arch unwritable ExMPLS: DATA1..3 kept" creds_kept

# --- the KeyBits setting ----------------------------------------------------------
keybits() { wrun 60 "$log/reg.out" "${REG[@]}" add 'HKLM\SOFTWARE\EMPKP' /v KeyBits /t "$1" /d "$2" /f /reg:64; }
empty_state
keybits REG_DWORD 768
publish_cmd
WHY="rc $rc" check "publish/$arch KeyBits 768: refused with ErrID 13" test "$rc" -eq 13
WHY="no event" check "publish/$arch KeyBits 768: event names the value" grep -q '768' "$log/publish.out"
WHY="something was written" check "publish/$arch KeyBits 768: nothing written" test "$(probe data0)$(probe store-public)" = absentabsent
keybits REG_SZ 2048
publish_cmd
WHY="rc $rc" check "publish/$arch KeyBits as REG_SZ: refused with ErrID 13" test "$rc" -eq 13
keybits REG_DWORD 3072
publish_cmd
d=$(probe data0)
WHY="rc $rc, DATA0 ${#d} hex digits" check "publish/$arch KeyBits 3072: a 3072-bit key (404-byte DATA0)" \
    test "$rc-${#d}" = "0-808"
# 1024: the compatibility choice for the Base provider (README "Key size").
empty_state
keybits REG_DWORD 1024
publish_cmd
d=$(probe data0)
WHY="rc $rc, DATA0 ${#d} hex digits" check "publish/$arch KeyBits 1024: a 1024-bit key (148-byte DATA0)" \
    test "$rc-${#d}" = "0-296"
wrun 60 "$log/reg.out" "${REG[@]}" delete 'HKLM\SOFTWARE\EMPKP' /f /reg:64

# --- the ExMPLS DACL --------------------------------------------------------------
wrun 60 "$log/reg.out" "${REG[@]}" delete "$EXMPLS" /f /reg:64
empty_state
publish_cmd
s=$(probe sddl)
WHY="SDDL is $s" check "publish/$arch ExMPLS created with D:P(A;CI;KA;;;SY)(A;CI;KA;;;BA)" \
    test "$s" = 'D:P(A;CI;KA;;;SY)(A;CI;KA;;;BA)'
probe set-sddl 'D:P(A;CI;KA;;;SY)(A;CI;KA;;;BA)(A;CI;KR;;;AU)' >/dev/null
exmpls_del DATA0
publish_cmd
s=$(probe sddl)
WHY="SDDL is $s" check "publish/$arch an existing DACL is left as the administrator set it" \
    test "$s" = 'D:P(A;CI;KA;;;SY)(A;CI;KA;;;BA)(A;CI;KR;;;AU)'

# --- event log: source registered, texts in the message table --------------------
v=$(event_message_file)
WHY="$v" check "publish/$arch /regserver registers event source EMPKP with empkp.exe's messages" \
    grep -qF 'Exchsrvr\bin\empkp.exe' <<<"$v"
for id in 0x400003E8 0x800003E9 0xC000044C 0xC000044D 0xC000044E 0xC000044F 0xC0000450; do
    t=$(probe message "$id" "$EXE")
    WHY="[$t]" check "publish/$arch message $id has readable text" test "${#t}" -gt 40
done
wrun 60 "$log/unreg.out" "$WINE" "$EXE" /unregserver
WHY="still registered" check "publish/$arch /unregserver removes the event source" event_source_gone
