#!/usr/bin/env bash
# tests/layers.sh: do the folders keep their layers?  No Wine, nothing built: it
# reads the #include lines of every tracked C file and header.
#   - crypto/ includes only crypto/;
#   - common/ and its subfolders (the shared layer) only common/, common/*
#     and crypto/;
#   - tools/ (empkpcred's front end) only tools/, common/, common/* and crypto/;
#   - server/ only server/, common/, common/*, crypto/ and widl/windmc output;
#   - no include cycle between folders (server/com <-> server/register...);
#   - no folder of ours holds more than MAX_FILES files;
#   - README.md's layout table names exactly the folders git ls-files has;
#   - the build's generated header dependencies (make -n -W, after a build)
#     recompile what includes a header, and only that.
# Each include rule is checked on a made-up violation too, so that it can
# fail.
# Results go to $RESULTS (see lib.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
source "$top/tests/lib.sh"
cd "$top" || exit 1
MAX_FILES=22
GENERATED='empkp.h|messages.h|version.h'

echo "== Layers: includes between folders"
# "FROMDIR TODIR" for each quoted include of a tracked source: a bare name
# is the including file's own folder, or a generated header (gen).
edges() {
    local f inc dir
    while read -r f; do
        dir=$(dirname "$f")
        while read -r inc; do
            if [[ $inc == */* ]]; then echo "$dir $(dirname "$inc")"
            elif [[ $inc =~ ^($GENERATED)$ ]]; then echo "$dir gen"
            else echo "$dir $dir"; fi
        done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
    done
}
# allowed FROMDIR TODIR: may code in FROMDIR include a header of TODIR?
allowed() {
    local from=$1 to=$2
    [[ $from == "$to" ]] && return 0
    case $from in
        crypto) return 1 ;;
        common|common/*) [[ $to == common || $to == common/* || $to == crypto ]] ;;
        tools)  [[ $to == common || $to == common/* || $to == crypto ]] ;;
        server|server/*) [[ $to == server || $to == server/* || $to == common || $to == common/* || $to == crypto || $to == gen ]] ;;
        *) return 0 ;;   # tests/, packaging/: anything
    esac
}
# violations < edges: the edges that break a rule.
violations() { local a b; sort -u | while read -r a b; do allowed "$a" "$b" || echo "$a -> $b"; done; }
# cycles < edges: folders on an include cycle (tsort names them).
cycles() { awk '$1 != $2 && $2 != "gen"' | sort -u | tsort 2>&1 >/dev/null | grep -v '^tsort: .*: input contains a loop:$' | sed 's/^tsort: //'; }

sources=$(git ls-files 'crypto/*.[ch]' 'common/*.[ch]' 'common/*/*.[ch]' 'tools/*.[ch]' 'server/*.[ch]' 'server/*/*.[ch]')
all_edges=$(edges <<<"$sources")
bad=$(violations <<<"$all_edges")
WHY="includes against the layers: $(tr '\n' ';' <<<"$bad")" check "layers: every include points down (crypto <- common <- server, tools)" test -z "$bad"
loops=$(cycles <<<"$all_edges")
WHY="include cycle through: $(tr '\n' ' ' <<<"$loops")" check "layers: no include cycle between folders" test -z "$loops"
# The rules can fail: a shared-layer file that includes a program's header,
# and two folders that include each other.
made_up=$(violations <<<"common server/com")
check "layers: a made-up common -> server/com include is refused" test "$made_up" = "common -> server/com"
made_up=$(violations <<<$'common/cred server\ncommon/cred tools\ncommon/cred common\ncommon/cred crypto')
WHY="refused: $(tr '\n' ';' <<<"$made_up")" check "layers: a made-up common/cred -> server or tools include is refused, -> common, crypto allowed" test "$made_up" = $'common/cred -> server\ncommon/cred -> tools'
made_up=$(cycles <<<$'server/com server/register\nserver/register server/com')
check "layers: a made-up server/com <-> server/register cycle is found" test -n "$made_up"

echo "== Layers: folder sizes"
while read -r n d; do
    WHY="$n files" check "layers: $d/ holds at most $MAX_FILES files" test "$n" -le "$MAX_FILES"
done < <(git ls-files crypto common tools server proxystub idl | xargs -n1 dirname | sort | uniq -c)

echo "== Layers: README's layout table"
# Folders as the table names them: every folder with tracked files, cut to
# two levels (tests/fuzz/corpus/... is tests/fuzz/), the top as "./".
tracked_folders() { git ls-files | xargs -n1 dirname | awk -F/ '{ print (NF > 2 ? $1 "/" $2 : $0) "/" }' | sed 's#^\./$#./#' | sort -u; }
# The first column of README.md's "## Layout" table: | `folder/` | ... |
table_folders() { awk '/^## /{on = ($0 ~ /^## Layout/)} on' README.md | sed -n 's#^| `\([^`]*/\)` |.*#\1#p' | sort -u; }
missing=$(comm -23 <(tracked_folders) <(table_folders) | tr '\n' ' ')
extra=$(comm -13 <(tracked_folders) <(table_folders) | tr '\n' ' ')
WHY="not in the table: $missing" check "layers: README's layout table names every folder of git ls-files" test -z "$missing"
WHY="in the table, not in git ls-files: $extra" check "layers: README's layout table names no folder that is gone" test -z "$extra"

echo "== Build: generated header dependencies"
# make -n -W HEADER: what a change of HEADER would recompile (nothing is
# built or touched).  The two dependencies the hand-kept lists once missed,
# and one object that must not follow.
# flags.txt is remade on every run (FORCE) and rewritten only when a flag
# changes; make -n cannot know it would stay, and would list every object:
# -o takes it as unchanged.
recompiled() { make -s -n -W "$1" -o build/x86_64/obj/flags.txt ARCH=x86_64 arch-all 2>/dev/null | grep -o -- "-c -o build/x86_64/obj/[^ ]*\.o" | sed 's#.*/obj/##'; }
if [[ -d $top/build/x86_64/obj ]]; then
    objs=$(recompiled common/cred/credcheck.h)
    WHY="recompiled: $(tr '\n' ' ' <<<"$objs")" check "build: a change of common/cred/credcheck.h recompiles server/diagnose/diagnose_key.o" grep -qx server/diagnose/diagnose_key.o <<<"$objs"
    WHY="recompiled: $(tr '\n' ' ' <<<"$objs")" check "build: a change of common/cred/credcheck.h leaves server/com/factory.o alone" bash -c '! grep -qx server/com/factory.o <<<"$1"' _ "$objs"
    objs=$(recompiled common/faultpoint.h)
    WHY="recompiled: $(tr '\n' ' ' <<<"$objs")" check "build: a change of common/faultpoint.h recompiles common/cred/credstore.o" grep -qx common/cred/credstore.o <<<"$objs"
else
    skip "build: generated header dependencies" "build/x86_64/obj is missing: run make first"
fi
