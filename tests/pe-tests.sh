#!/usr/bin/env bash
# tests/pe-tests.sh: is every shipped binary fit for the user's servers?
# No Wine needed, so both arches run here (objdump and windres read the
# files).  For build/ARCH/empkp.exe, empkpps.dll and empkpcred.exe:
#   - PE32 (i686) or PE32+ (x86_64), subsystem and OS version 5.0 (i686:
#     Windows 2000) or 5.2 (x86_64: Windows Server 2003 x64);
#   - DYNAMICBASE and NXCOMPAT (and HIGH_ENTROPY_VA on x86_64), with a base
#     relocation table actually present (ASLR cannot move an image without);
#   - no section both writable and executable; no debug sections;
#   - every import in tests/pe/imports-ARCH.txt, whose entries all name a
#     Windows no newer than the arch's oldest target;
#   - the version resource carries the Makefile's VERSION, PRODUCT, COMPANY;
#   - reproducible: TimeDateStamp is SOURCE_DATE_EPOCH, CheckSum is the
#     file's true PE checksum (computed here, not by the linker), and no
#     absolute path of the build machine is in the file.
# The same checks run on build/ARCH/tests/badpe.exe, unfit on purpose, and
# must all fail there: proof that each check can fail.
# Results go to $RESULTS (see lib.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
source "$top/tests/lib.sh"

: "${EMPKP_VERSION:?run from make: the Makefile exports EMPKP_VERSION}"
: "${SOURCE_DATE_EPOCH:?run from make: the Makefile exports SOURCE_DATE_EPOCH}"

# Order of the oldest-Windows names in the allowlists, oldest first.
WINDOWS_ORDER=(NT4 2000 2000SP4 XP 2003 2003x64 Vista)
win_rank() { local i; for i in "${!WINDOWS_ORDER[@]}"; do [[ ${WINDOWS_ORDER[$i]} == "$1" ]] && { echo "$i"; return 0; }; done; return 1; }

# objdump's view of a file, read once per file: every check below looks at
# the file named by $PE_FILE through these.
pe_load() {
    PE_FILE=$1
    PE_P=$(objdump -p "$1" 2>&1)
    PE_H=$(objdump -h "$1" 2>&1)
    PE_IMPORTS=$(awk '
        /^The Import Tables/ { on = 1; next }
        /^The Export Tables|^PE File Base Relocations|^The Function Table/ { on = 0 }
        !on { next }
        /^\tDLL Name: / { dll = toupper($3); next }
        dll != "" && /^\t[0-9a-f]+\t/ {
            n = split($0, f, /[ \t]+/)
            print dll "!" (f[n] == "<none>" ? "#" f[n-1] : f[n]); next }
        /^ [0-9a-f]+\t/ { dll = "" }' <<<"$PE_P" | sort -u)
}
# pe_field NAME: a header field from objdump -p (first word of its value).
pe_field() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$PE_P"; }

# Each check_* ARCH succeeds when $PE_FILE has the property, else sets WHY.
check_magic() {
    local want=010b got; [[ $1 == x86_64 ]] && want=020b
    got=$(pe_field Magic)
    [[ $got == "$want" ]] || { WHY="Magic $got, want $want"; return 1; }
}
check_versions() {
    local want=5.0 f v bad=''
    [[ $1 == x86_64 ]] && want=5.2
    for f in OSystem Subsystem; do
        v=$(pe_field "Major${f}Version").$(pe_field "Minor${f}Version")
        [[ $v == "$want" ]] || bad+=" ${f}Version=$v"
    done
    [[ -z $bad ]] || { WHY="want $want:$bad"; return 1; }
}
check_dllchars() {
    local c bad='' bit bits=(0x40:DYNAMIC_BASE 0x100:NX_COMPAT)
    [[ $1 == x86_64 ]] && bits+=(0x20:HIGH_ENTROPY_VA)
    c=$((16#$(pe_field DllCharacteristics)))
    for bit in "${bits[@]}"; do
        ((c & ${bit%%:*})) || bad+=" ${bit#*:}"
    done
    [[ -z $bad ]] || { WHY=$(printf 'DllCharacteristics 0x%04x lacks%s' "$c" "$bad"); return 1; }
}
check_reloc() {
    local size
    # "Entry 5 <rva> <size> Base Relocation Directory [.reloc]"
    size=$(awk '$1 == "Entry" && $2 == "5" { print $4; exit }' <<<"$PE_P")
    [[ -n $size && $((16#$size)) -gt 0 ]] || { WHY="base relocation directory is empty (size ${size:-none})"; return 1; }
    grep -q ' \.reloc ' <<<"$PE_H" || { WHY="no .reloc section"; return 1; }
}
# objdump -h prints each section's flags on the line after it: CODE for an
# executable section (IMAGE_SCN_CNT_CODE or MEM_EXECUTE), and READONLY
# unless IMAGE_SCN_MEM_WRITE is set.
check_no_wx() {
    local wx
    wx=$(awk '/^ *[0-9]+ / { name = $2; next }
              name != "" && /CODE/ && !/READONLY/ { print name } { name = "" }' <<<"$PE_H")
    [[ -z $wx ]] || { WHY="writable and executable: $wx"; return 1; }
}
check_no_debug() {
    local dbg
    dbg=$(awk '/^ *[0-9]+ \.debug/ { print $2 }' <<<"$PE_H" | tr '\n' ' ')
    [[ -z $dbg ]] || { WHY="debug sections: $dbg"; return 1; }
}
# Every import is in the allowlist, with an oldest Windows no newer than the
# arch allows (i686: Windows 2000 SP4; x86_64: Windows Server 2003 x64).
check_imports() {
    local list=$top/tests/pe/imports-$1.txt max=2000SP4 problems
    [[ $1 == x86_64 ]] && max=2003x64
    [[ -n $PE_IMPORTS ]] || { WHY="objdump listed no imports"; return 1; }
    # One pass: the allowlist first (name -> oldest Windows), then each import.
    problems=$(awk -v max="$max" -v order="${WINDOWS_ORDER[*]}" '
        BEGIN { n = split(order, o, " "); for (i = 1; i <= n; i++) rank[o[i]] = i }
        FNR == NR { if ($0 !~ /^#/ && NF >= 3) when[$1] = $2; next }
        !($1 in when) { missing = missing " " $1; next }
        !(when[$1] in rank) || rank[when[$1]] > rank[max] { late = late " " $1 "(" when[$1] ")" }
        END {
            if (missing != "") printf "not in tests/pe/imports-%s.txt (add each with its oldest Windows and source):%s", arch, missing
            if (late != "") printf "%snewer than %s:%s", (missing != "" ? "; " : ""), max, late
        }' arch="$1" "$list" - <<<"$PE_IMPORTS")
    [[ -z $problems ]] || { WHY=$problems; return 1; }
}
# No DLL of a toolchain or library next to the binary: only Windows' own.
check_system_dlls() {
    local odd
    odd=$(cut -d'!' -f1 <<<"$PE_IMPORTS" | sort -u | grep -iE '^(LIB|CYG|MSYS)|PTHREAD|CRYPTO|SSL|GCC|STDC' | tr '\n' ' ')
    [[ -z $odd ]] || { WHY="imports non-Windows DLLs: $odd"; return 1; }
}
# The version resource, as windres decompiles it: VERSIONINFO's numbers and
# the StringFileInfo values the Makefile wrote.
check_versioninfo() {
    local rc want_num bad='' k v
    rc=$("${1}-w64-mingw32-windres" -i "$PE_FILE" -O rc 2>/dev/null | tr -d '\r')
    want_num=$(tr . , <<<"$EMPKP_VERSION.0" | sed 's/,/, /g')
    grep -q "^ FILEVERSION $want_num\$" <<<"$rc" || bad+=" FILEVERSION"
    grep -q "^ PRODUCTVERSION $want_num\$" <<<"$rc" || bad+=" PRODUCTVERSION"
    for k in "FileVersion=$EMPKP_VERSION" "ProductVersion=$EMPKP_VERSION" \
             "ProductName=$EMPKP_PRODUCT" "CompanyName=$EMPKP_COMPANY" \
             "OriginalFilename=$(basename "$PE_FILE")"; do
        v=${k#*=}
        grep -qF "VALUE \"${k%%=*}\", \"$v\"" <<<"$rc" || bad+=" ${k%%=*}"
    done
    [[ -z $bad ]] || { WHY="version resource lacks or differs in:$bad"; return 1; }
}

# pe_stamp FILE: "TimeDateStamp StoredCheckSum ComputedCheckSum" (decimal,
# hex, hex).  The checksum as ImageHlp's CheckSumMappedFile defines it: the
# file's 16-bit little-endian words (CheckSum field as zero, an odd last
# byte padded) added with the carry folded back in, plus the file's length.
pe_stamp() {
    perl -e '
        local $/; open(my $fh, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!\n"; my $d = <$fh>;
        my $len = length $d;
        die "not a PE file\n" if $len < 0x40 || substr($d, 0, 2) ne "MZ";
        my $pe = unpack("V", substr($d, 0x3c, 4));
        die "not a PE file\n" if $pe + 24 + 68 > $len || substr($d, $pe, 4) ne "PE\0\0";
        my $off = $pe + 24 + 64;    # CheckSum: same place in PE32 and PE32+
        my ($stamp, $stored) = (unpack("V", substr($d, $pe + 8, 4)), unpack("V", substr($d, $off, 4)));
        substr($d, $off, 4) = "\0\0\0\0";
        $d .= "\0" if $len % 2;
        my $sum = 0;
        for my $w (unpack("v*", $d)) { $sum += $w; $sum = ($sum & 0xffff) + ($sum >> 16) }
        printf "%u %08x %08x\n", $stamp, $stored, ((($sum & 0xffff) + ($sum >> 16)) + $len) & 0xffffffff;
    ' "$1" 2>&1
}
check_timestamp() {
    local s; read -r s _ <<<"$(pe_stamp "$PE_FILE")"
    [[ $s == "$SOURCE_DATE_EPOCH" ]] || { WHY="TimeDateStamp $s, want SOURCE_DATE_EPOCH $SOURCE_DATE_EPOCH"; return 1; }
}
check_checksum() {
    local s stored computed; read -r s stored computed <<<"$(pe_stamp "$PE_FILE")"
    [[ -n $computed && $stored == "$computed" ]] || { WHY="CheckSum $stored, the file's is ${computed:-unknown ($s)}"; return 1; }
}
# The tree's own path, and the places builds happen on machines of this kind
# (work trees, the dependency cache, temporary folders, home folders).
check_no_build_path() {
    local hits
    hits=$(strings -a "$PE_FILE" | grep -F -e "$top" -e /var/cache/ -e /tmp/ -e /work/ -e /home/ -e /root/ |
           sort -u | head -n 3 | tr '\n' ' ')
    [[ -z $hits ]] || { WHY="build paths in the file: $hits"; return 1; }
}

CHECKS=(magic versions dllchars reloc no_wx no_debug imports system_dlls versioninfo
        timestamp checksum no_build_path)
declare -A WHAT=(
    [magic]="PE32/PE32+ for its arch" [versions]="subsystem and OS version"
    [dllchars]="DYNAMICBASE, NXCOMPAT (HIGH_ENTROPY_VA on x86_64)"
    [reloc]="base relocation table present" [no_wx]="no writable+executable section"
    [no_debug]="no debug sections" [imports]="imports all in the allowlist, none too new"
    [system_dlls]="imports only Windows DLLs" [versioninfo]="version resource matches the Makefile"
    [timestamp]="TimeDateStamp is SOURCE_DATE_EPOCH" [checksum]="PE CheckSum is the file's"
    [no_build_path]="no absolute build path in it")

for arch in i686 x86_64; do
    echo "== PE checks, $arch (no Wine needed)"
    used=''
    for bin in empkp.exe empkpps.dll empkpcred.exe; do
        f=$top/build/$arch/$bin
        if [[ ! -f $f ]]; then fail "pe/$arch/$bin" "missing; run make"; continue; fi
        pe_load "$f"
        for c in "${CHECKS[@]}"; do
            WHY=
            if "check_$c" "$arch"; then pass "pe/$arch/$bin: ${WHAT[$c]}"; else fail "pe/$arch/$bin: ${WHAT[$c]}" "$WHY"; fi
        done
        echo "  $(wc -l <<<"$PE_IMPORTS") imports from $(cut -d'!' -f1 <<<"$PE_IMPORTS" | sort -u | tr '\n' ' ')"
        used+=$PE_IMPORTS$'\n'
    done
    # Allowlist entries nothing imports any more: not an error (the list may
    # run ahead of a change), but worth a line.
    stale=$(grep -v '^#' "$top/tests/pe/imports-$arch.txt" | awk 'NF { print $1 }' | sort -u |
            comm -23 - <(sort -u <<<"$used"))
    [[ -z $stale ]] || echo "  note: imports-$arch.txt lists what no binary imports: $(echo "$stale" | tr '\n' ' ')"

    # The negative control: each check must catch badpe.exe.  Not asked of
    # it: its arch (right on purpose) and its DLLs (Windows' own).
    bad=$top/build/$arch/tests/badpe.exe
    if [[ ! -f $bad ]]; then fail "pe/$arch/badpe.exe" "missing; run make check"; continue; fi
    pe_load "$bad"
    for c in versions dllchars reloc no_wx no_debug imports versioninfo timestamp no_build_path; do
        WHY=
        if "check_$c" "$arch"; then
            fail "pe/$arch/badpe.exe: the ${WHAT[$c]} check catches it" "check passed on a binary made to fail it"
        else
            pass "pe/$arch/badpe.exe: the ${WHAT[$c]} check catches it"
        fi
    done
    WHY=
    check_imports "$arch"
    said=$WHY
    WHY="it said: $said" check "pe/$arch/badpe.exe: the import check names GetTickCount64 (Vista)" \
        grep -q 'KERNEL32.DLL!GetTickCount64' <<<"$said"
    # The linker writes a right checksum even into badpe.exe: the checksum
    # check's negative control is empkp.exe with one byte of code changed.
    cp "$top/build/$arch/empkp.exe" "$top/build/$arch/tests/badsum.exe"
    printf '\x90' | dd of="$top/build/$arch/tests/badsum.exe" bs=1 seek=4096 conv=notrunc status=none
    pe_load "$top/build/$arch/tests/badsum.exe"
    WHY=
    if check_checksum "$arch"; then
        fail "pe/$arch/badsum.exe: the ${WHAT[checksum]} check catches a changed byte" "check passed on a changed file"
    else
        pass "pe/$arch/badsum.exe: the ${WHAT[checksum]} check catches a changed byte"
    fi
done
