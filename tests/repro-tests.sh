#!/usr/bin/env bash
# tests/repro-tests.sh: does make dist give the same bytes in another folder,
# at another time?  A second clone of HEAD in build/repro-clone runs its own
# make dist (its SOURCE_DATE_EPOCH from its own git log, unless one was given
# to this make; this tree's deps.mk, so the same dependency cache and no
# OpenSSL build), and
# every artifact that build/dist/SHA256SUMS lists, and that file itself, is
# compared byte for byte with this tree's; a difference names the artifact
# and its first differing bytes.  This tree's uncommitted changes, if any,
# are applied to the clone too (a NOTE says so), so that both build the same
# sources.  Then, in the clone only (this tree's build stays as it is):
# another VERSION must give the MSI another ProductCode and package code and
# the same UpgradeCode.  No Wine.  Results go to $RESULTS (see lib.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
source "$top/tests/lib.sh"
: "${EMPKP_VERSION:?run from make: the Makefile exports EMPKP_VERSION}"

clone=$top/build/repro-clone
log=$top/build/repro-logs
sums=$top/build/dist/SHA256SUMS
echo "== Reproducible make dist (a second clone in build/repro-clone)"
if [[ ! -f $sums ]]; then fail "repro/SHA256SUMS" "build/dist/SHA256SUMS is missing: run make dist"; exit 0; fi
rm -rf "$clone" "$log"; mkdir -p "$log"

if ! { head=$(git -C "$top" rev-parse HEAD) && git clone -q --no-checkout "$top" "$clone" &&
        git -C "$clone" checkout -q --detach "$head"; }; then
    fail "repro/clone" "git clone of $top failed"; exit 0
fi
if [[ -n $(git -C "$top" status --porcelain) ]]; then
    echo "  NOTE: the tree has uncommitted changes; the clone is HEAD plus the same changes"
    git -C "$top" diff HEAD --binary >"$log/uncommitted.diff"
    if [[ -s $log/uncommitted.diff ]] && ! git -C "$clone" apply --binary "$log/uncommitted.diff" 2>"$log/apply.err"; then
        fail "repro/clone" "cannot apply the uncommitted changes: $(head -n 2 "$log/apply.err")"; exit 0
    fi
    (cd "$top" && git ls-files -o --exclude-standard -z | tar --null -T - -cf -) | tar -C "$clone" -xf -
fi

# The shared dependency cache as this tree uses it: its deps.mk (same deps/
# scripts, so the same cache folders), newer than the clone's fresh files, so
# that the clone's make neither re-runs deps/setup.sh (nor waits for its lock
# while another tree builds OpenSSL) nor rebuilds anything of the cache.
mkdir -p "$clone/build" && cp "$top/build/deps.mk" "$clone/build/deps.mk" && touch "$clone/build/deps.mk"
# The clone's own epoch comes from its own git log, as in a fresh clone; one
# given to this make (not from git) is passed on.
envs=(-u MAKEFLAGS -u MFLAGS -u MAKELEVEL)
[[ ${SOURCE_DATE_EPOCH_FROM:-git} == git ]] && envs+=(-u SOURCE_DATE_EPOCH -u SOURCE_DATE_EPOCH_FROM)
t0=$SECONDS
env "${envs[@]}" timeout 3600 make -C "$clone" --no-print-directory dist >"$log/make.log" 2>&1; rc=$?
echo "  the clone's make dist took $((SECONDS - t0)) s"
if [[ $rc -ne 0 ]]; then
    fail "repro/make dist in the clone" "exit $rc: $(tail -n 3 "$log/make.log")"; exit 0
fi
pass "repro/make dist in the clone"

# Every artifact, then the list itself.
differ=()
while read -r _ f; do
    a=$top/build/dist/$f b=$clone/build/dist/$f
    if [[ ! -f $b ]]; then
        fail "repro/$f is the same in both builds" "the clone made no $f"; differ+=("$f"); continue
    fi
    if cmp -s "$a" "$b"; then
        pass "repro/$f is the same in both builds"
    else
        first=$(cmp -l "$a" "$b" 2>&1 | head -n 3 | awk '{ printf "%s%s", s, $0; s = "; " }')
        fail "repro/$f is the same in both builds" "differs (first bytes: offset octal octal: $first)"
        differ+=("$f")
    fi
done <"$sums"
WHY="the lists differ: $(diff "$sums" "$clone/build/dist/SHA256SUMS" | head -n 4 | tr '\n' ' ')" \
    check "repro/SHA256SUMS is the same in both builds" cmp -s "$sums" "$clone/build/dist/SHA256SUMS"
if ((${#differ[@]})); then
    echo "  differ: ${differ[*]}"
    echo "  (a build/ left from older sources or Makefile flags also differs: make clean, then make check)"
fi

# Another VERSION, in the clone: a new ProductCode (the major upgrade finds
# the old one by its UpgradeCode and removes it), a new package code, the
# same UpgradeCode.  x86_64 only: the rule is the same for both arches.
pkgcode() { msiinfo suminfo "$1" 2>/dev/null | sed -n 's/^Revision number (UUID): //p'; }
env "${envs[@]}" timeout 600 make -C "$clone" --no-print-directory ARCH=x86_64 arch-dist VERSION=9.8.7 \
    >"$log/make-9.8.7.log" 2>&1; rc=$?
old=$clone/build/dist/empkp-$EMPKP_VERSION-x86_64.msi new=$clone/build/dist/empkp-9.8.7-x86_64.msi
oldi=$clone/build/dist/empkp-$EMPKP_VERSION-i686.msi
if [[ $rc -eq 0 && -f $new ]]; then
    po=$(msi_prop "$old" ProductCode) pn=$(msi_prop "$new" ProductCode) pi=$(msi_prop "$oldi" ProductCode)
    uo=$(msi_prop "$old" UpgradeCode) un=$(msi_prop "$new" UpgradeCode) ui=$(msi_prop "$oldi" UpgradeCode)
    ko=$(pkgcode "$old") kn=$(pkgcode "$new") ki=$(pkgcode "$oldi")
    WHY="$EMPKP_VERSION [$po], 9.8.7 [$pn]" check "repro/msi another VERSION has another ProductCode" \
        test -n "$po" -a -n "$pn" -a "$po" != "$pn"
    WHY="x86_64 [$po], i686 [$pi]" check "repro/msi each arch has its own ProductCode" \
        test -n "$pi" -a "$po" != "$pi"
    WHY="$EMPKP_VERSION x86_64 [$uo], 9.8.7 [$un], i686 [$ui]" \
        check "repro/msi one UpgradeCode for every version and arch" test -n "$uo" -a "$uo" = "$un" -a "$uo" = "$ui"
    WHY="$EMPKP_VERSION x86_64 [$ko], 9.8.7 [$kn], i686 [$ki]" \
        check "repro/msi every package has its own package code" \
        test -n "$ko" -a -n "$kn" -a -n "$ki" -a "$ko" != "$kn" -a "$ko" != "$ki" -a "$kn" != "$ki"
else
    fail "repro/msi VERSION=9.8.7 in the clone" "exit $rc: $(tail -n 3 "$log/make-9.8.7.log")"
fi
