#!/usr/bin/env bash
# deps/setup.sh OUTFILE
#
# Prepares a Debian 12 machine (as root) for building and testing empkp:
#   - installs the Debian packages the build and tests use, and wine32:i386 if the
#     archive allows it;
#   - cross-builds a trimmed static OpenSSL libcrypto and Check for
#     x86_64-w64-mingw32 and i686-w64-mingw32 into a per-machine cache
#     (${EMPKP_CACHE:-/var/cache/empkp}), reused by every clone of the repo;
#   - writes OUTFILE, a make fragment naming those prefixes (see LAYOUT).
# Idempotent: with everything present it only checks and rewrites OUTFILE.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 OUTFILE" >&2; exit 2; }
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${EMPKP_CACHE:-/var/cache/empkp}
triplets=(x86_64-w64-mingw32 i686-w64-mingw32)
pkgs=(mingw-w64 mingw-w64-tools libwine-dev wine wine64 check libssl-dev pkg-config
      cmake make perl xvfb xdotool imagemagick msitools osslsigncode clang dpkg-dev
      wixl zip unzip libclang-rt-14-dev valgrind libmsi-dev libglib2.0-dev)
# libclang-rt-14-dev: clang's libFuzzer and sanitizer runtimes (make fuzz);
# valgrind: make check-valgrind; libmsi-dev, libglib2.0-dev: make dist's
# msi-stamp (packaging/msi-stamp.c).

export DEBIAN_FRONTEND=noninteractive
# Wait for an apt/dpkg run that is already going on instead of failing at once.
apt=(apt-get -q -o DPkg::Lock::Timeout=600)

log() { echo "deps: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
installed() { [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]; }

mkdir -p "$cache/logs" "$cache/src"
# One setup at a time per cache: two CI clones must not build into the same place.
exec 9>"$cache/.lock"
flock -n 9 || { log "waiting for another deps/setup.sh (lock $cache/.lock)"; flock 9; }
# Leftovers of an interrupted run (we hold the lock, so none is in use).
rm -rf "$cache"/.tmp-*
# On exit or when killed, stop a running build (it has its own process group)
# and remove its temporary directory.
tmp='' build_pid=''
cleanup() {
    [[ -z $build_pid ]] || kill -- "-$build_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- apt --------------------------------------------------------------------

# apt-get update runs at most once per run, and only when something needs it.
updated=no
apt_update() {
    [[ $updated == no ]] || return 0
    updated=yes
    log "apt-get update"
    # It exits 100 if any one index fails (seen: the i386 security index mid-sync);
    # the indexes that did load are still usable, so go on and let installs decide.
    "${apt[@]}" update >"$cache/logs/apt-update.log" 2>&1 ||
        log "apt-get update exited $?, continuing (see $cache/logs/apt-update.log)"
}

missing=()
for p in "${pkgs[@]}"; do installed "$p" || missing+=("$p"); done
want_wine32=no
installed wine32:i386 || want_wine32=yes
if [[ $want_wine32 == yes ]]; then
    # wine32 must be installed before any Wine prefix exists: a prefix made
    # without it breaks later ("could not load kernel32.dll"). We create none.
    dpkg --add-architecture i386
fi

if ((${#missing[@]})); then
    apt_update
    log "installing ${missing[*]}"
    "${apt[@]}" install -y --no-install-recommends "${missing[@]}" \
        >"$cache/logs/apt-install.log" 2>&1 ||
        { tail -n 20 "$cache/logs/apt-install.log" >&2; die "apt-get install failed"; }
fi

# The case seen on this kind of machine for weeks: the security suite's i386
# index fails to load (mirror mid-sync), so for every amd64 library installed
# from that suite apt knows no i386 twin of the same version, and Multi-Arch:
# same packages must match. wine32 then "has held broken packages". The twins
# are in the pool next to the amd64 files; fetch exactly those wine32 needs,
# check each is the package, version and arch asked for, and install them with
# the release's own suite preferred for everything else (so apt upgrades, never
# downgrades, the amd64 side to versions that do have i386 builds).
# Trade-off, said plainly: these few files are not checked against a signed
# index (the one that would list them is the one that failed). wine32 is a test
# tool here, never shipped; set EMPKP_NO_TWINS=1 to refuse and skip i686 runs.
wine32_via_twins() {
    [[ -z ${EMPKP_NO_TWINS:-} ]] || { echo "EMPKP_NO_TWINS set: not fetching i386 twins"; return 1; }
    local codename dir need missing uri deb p v got debs=()
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ -n $codename ]] || return 1
    # What wine32 may pull in, by name; then, among those, the amd64 Multi-Arch:
    # same packages installed at a version apt has no i386 build of. (Few apt
    # calls: each one parses the whole cache, ~1.5 s here.)
    need=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
               --no-breaks --no-replaces --no-enhances wine32:i386 2>/dev/null |
           sed -n 's/^\([a-z0-9][^ ]*\):i386$/\1/p' | sort -u)
    missing=$(join -v1 \
        <(dpkg-query -W -f='${Package} ${Version} ${Multi-Arch} ${db:Status-Abbrev}\n' \
              $(sed 's/$/:amd64/' <<<"$need") 2>/dev/null |
          awk '$3 == "same" && $4 ~ /^ii/ { print $1 "=" $2 }' | sort) \
        <(apt-cache madison $(sed 's/$/:i386/' <<<"$need") 2>/dev/null |
          awk -F'|' '{ gsub(/ /, ""); sub(/:i386$/, "", $1); print $1 "=" $2 }' | sort -u))
    [[ -n $missing ]] || { echo "no missing i386 twins: not the index case"; return 1; }
    dir=$cache/apt/i386-twins
    # apt-helper downloads as _apt when it may write there (else as root, with a warning).
    rm -rf "$dir" && mkdir -p "$dir" && chown _apt "$dir" 2>/dev/null || true
    while read -r uri; do
        uri=${uri//\'/}
        [[ $uri == *_amd64.deb ]] || { echo "no pool address: $uri"; return 1; }
        deb=$dir/${uri##*/}; deb=${deb%_amd64.deb}_i386.deb
        echo "fetching ${uri%_amd64.deb}_i386.deb"
        /usr/lib/apt/apt-helper download-file "${uri%_amd64.deb}_i386.deb" "$deb" || return 1
        debs+=("$deb")
    done < <(apt-get download --print-uris $(sed 's/=/:amd64=/' <<<"$missing") | awk '{ print $1 }')
    # Each twin must be exactly the package and version its amd64 side is.
    for deb in "${debs[@]}"; do
        got=$(dpkg-deb -f "$deb" Package Version Architecture | awk -F': ' '{ printf "%s ", $2 }')
        read -r p v _ <<<"$got"
        grep -qxF "$p=$v" <<<"$missing" && [[ $got == *" i386 " ]] ||
            { echo "unexpected twin $deb: $got"; return 1; }
    done
    "${apt[@]}" install -y --no-install-recommends -t "$codename" "${debs[@]}" wine32:i386
}

# 32-bit Wine is "install if the archive allows": the i686 build is made either
# way, and WINE32/WINE32_WHY tell the tests whether they can run it.
wine32=yes wine32_why=
if [[ $want_wine32 == yes ]]; then
    apt_update
    log "installing wine32:i386"
    if "${apt[@]}" install -y --no-install-recommends wine32:i386 \
        >"$cache/logs/apt-wine32.log" 2>&1; then
        log "wine32:i386 installed"
    elif wine32_via_twins >>"$cache/logs/apt-wine32.log" 2>&1; then
        log "wine32:i386 installed (i386 twins fetched from the pool, see $cache/logs/apt-wine32.log)"
    else
        wine32=no
        # Name the cause if it is a failed i386 index (the case seen so far),
        # else apt's first error; without the mirror's address, safe for make.
        wine32_why=$(awk '/^Err:.* i386 Packages/ { s = $3 " " $4 " " $5; getline
                            sub(/^ +/, ""); sub(/ *\[IP:.*/, ""); print s ": " $0; exit }' \
                         "$cache/logs/apt-update.log")
        if [[ -n $wine32_why ]]; then
            wine32_why="i386 index failed in apt-get update ($wine32_why), wine32:i386 not installable"
        else
            wine32_why=$(grep -m1 '^E: ' "$cache/logs/apt-wine32.log" || echo "apt-get install wine32:i386 failed")
        fi
        wine32_why=$(printf '%s' "$wine32_why" | tr -d '#$\134' | cut -c1-240)
        log "wine32:i386 NOT installed: $wine32_why (see $cache/logs/apt-wine32.log)"
    fi
fi

# --- cached cross-builds ----------------------------------------------------

# apt-get source works on a private apt state in the cache: its own deb-src list
# and index files, nothing changed in /etc/apt. Measured: once i386 is enabled
# and the i386 security index fails (mirror mid-sync), apt drops the whole
# bookworm-security update, so a system-wide deb-src never saw the security
# version of openssl that libssl-dev is. The private state fetches only Sources.
srcapt=("${apt[@]}" -o Dir::Etc::SourceList=/dev/null
        -o Dir::Etc::SourceParts="$cache/apt/sources.list.d"
        -o Dir::State::Lists="$cache/apt/lists" -o Dir::Cache="$cache/apt/cache")
src_apt_ready=no
src_apt_update() {
    [[ $src_apt_ready == no ]] || return 0
    src_apt_ready=yes
    local d=/etc/apt/sources.list.d s=$cache/apt/sources.list.d
    mkdir -p "$s" "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial"
    # Same mirror, suites and keys as the machine's own sources, so that no host
    # name is written into the repo.
    if [[ -f $d/debian.sources ]]; then
        # Keep each stanza's URIs/Suites/Components/Signed-By (with continuation
        # lines, e.g. an inline key), set Types, drop everything else.
        awk '/^Types:/ { print "Types: deb-src"; keep = 0; next }
             /^(URIs|Suites|Components|Signed-By):/ { keep = 1; print; next }
             /^[ \t]/ { if (keep) print; next }
             /^$/ { keep = 0; print; next }
             { keep = 0 }' "$d/debian.sources" >"$s/deb-src.sources"
    elif [[ -f /etc/apt/sources.list ]]; then
        sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list >"$s/deb-src.list"
    else
        die "found neither $d/debian.sources nor /etc/apt/sources.list to derive deb-src from"
    fi
    log "apt-get update (deb-src, private state in $cache/apt)"
    "${srcapt[@]}" update >"$cache/logs/apt-update-src.log" 2>&1 ||
        log "deb-src apt-get update exited $?, continuing (see $cache/logs/apt-update-src.log)"
}

# upstream VERSION: Debian version less epoch and revision (3.0.22-1~deb12u2 -> 3.0.22).
upstream() { local v=${1#*:}; echo "${v%-*}"; }

# fetch_src SRCPKG VERSION: sets src_tar to the upstream tarball in $cache/src,
# downloading it (--tar-only: the upstream tarball alone, without Debian's patches).
fetch_src() {
    local pkg=$1 ver=$2 f dl
    for f in "$cache/src/${pkg}_$(upstream "$ver")".orig.tar.{gz,xz,bz2}; do
        [[ -f $f ]] && { src_tar=$f; return 0; }
    done
    src_apt_update
    log "fetching $pkg $ver source"
    dl=$(mktemp -d "$cache/.tmp-dl-$pkg.XXXXXX")
    tmp=$dl
    (cd "$dl" && "${srcapt[@]}" source --tar-only "$pkg=$ver") >"$cache/logs/apt-source-$pkg.log" 2>&1 ||
        { tail -n 20 "$cache/logs/apt-source-$pkg.log" >&2; die "apt-get source $pkg=$ver failed"; }
    # Move the tarball in only when complete, so a half download is never used.
    for f in "$dl/${pkg}_$(upstream "$ver")".orig.tar.{gz,xz,bz2}; do
        [[ -f $f ]] || continue
        mv "$f" "$cache/src/"
        src_tar=$cache/src/${f##*/}
        rm -rf "$dl"
        return 0
    done
    die "apt-get source $pkg=$ver gave no upstream tarball (see $cache/logs/apt-source-$pkg.log)"
}

# fetch_deb_src SRCPKG VERSION: sets src_dir to Debian's source package of exactly
# VERSION, unpacked in $cache/src/SRCPKG_VERSION with debian/ (and its patches,
# not yet applied: deps/build-NAME.sh applies them), and src_kind=debian.
# Debian's security updates often keep the upstream version (3.0.22-1~deb12u2 is
# six CVE fixes on 3.0.22 as debian/patches), so the upstream tarball alone would
# miss them. apt checks the .dsc against the signed Sources index and
# dpkg-source checks the tarballs against the .dsc.
# Seen: the security mirror lists a version whose .dsc and debian.tar.xz answer
# 404 (its upstream tarball is there). Then, unless EMPKP_REQUIRE_DEBIAN_SOURCE
# is set, src_dir is the upstream source of that version, src_kind=upstream, and
# the next run of this script tries Debian's source again.
fetch_deb_src() {
    local pkg=$1 ver=$2 dir
    dir=$cache/src/${pkg}_${ver//:/_}
    src_kind=debian src_dir=$dir
    [[ -d $dir ]] && return 0
    # Tried once per run (both triplets ask).
    if [[ $deb_src_missing != "$pkg=$ver" ]] && fetch_deb_src_dl "$pkg" "$ver" "$dir"; then
        return 0
    fi
    fetch_upstream_tree "$pkg" "$ver"
}

# fetch_deb_src_dl SRCPKG VERSION DIR: the download half of fetch_deb_src. Fails
# (after a warning, or dies under EMPKP_REQUIRE_DEBIAN_SOURCE) if the mirror has
# not got Debian's source of that version.
deb_src_missing=''
fetch_deb_src_dl() {
    local pkg=$1 ver=$2 dir=$3 dl f
    src_apt_update
    log "fetching Debian's $pkg $ver source package"
    dl=$(mktemp -d "$cache/.tmp-dl-$pkg.XXXXXX")
    tmp=$dl
    chown _apt "$dl" 2>/dev/null || true
    # The upstream tarball may be here already (apt reuses a file whose hash matches).
    for f in "$cache/src/${pkg}_$(upstream "$ver")".orig.tar.{gz,xz,bz2}; do
        [[ -f $f ]] && cp "$f" "$dl/"
    done
    if (cd "$dl" && "${srcapt[@]}" source --download-only "$pkg=$ver") \
           >"$cache/logs/apt-source-$pkg.log" 2>&1; then
        # --skip-patches: build-NAME.sh applies Debian's series itself (it leaves out
        # the Linux-only ones). Move in only when complete.
        (cd "$dl" && dpkg-source --skip-patches -x ./*.dsc tree) \
            >>"$cache/logs/apt-source-$pkg.log" 2>&1 ||
            { tail -n 20 "$cache/logs/apt-source-$pkg.log" >&2; die "dpkg-source -x $pkg $ver failed"; }
        mv -T "$dl/tree" "$dir"
        rm -rf "$dl"
        return 0
    fi
    rm -rf "$dl"
    [[ -z ${EMPKP_REQUIRE_DEBIAN_SOURCE:-} ]] ||
        { tail -n 20 "$cache/logs/apt-source-$pkg.log" >&2; die "Debian's source of $pkg $ver not fetchable (EMPKP_REQUIRE_DEBIAN_SOURCE set)"; }
    log "WARNING: Debian's source of $pkg $ver not fetchable ($(grep -m1 -o '[0-9]\{3\} *Not Found' \
        "$cache/logs/apt-source-$pkg.log" || echo "see $cache/logs/apt-source-$pkg.log")):" \
        "building the upstream source without Debian's patches; the next run tries again"
    deb_src_missing="$pkg=$ver"
    return 1
}

# fetch_upstream_tree SRCPKG VERSION: sets src_dir to the upstream tarball of
# VERSION unpacked in $cache/src, and src_kind=upstream.
fetch_upstream_tree() {
    local pkg=$1 ver=$2 dl
    fetch_src "$pkg" "$ver"
    src_kind=upstream src_dir=$cache/src/${pkg}_$(upstream "$ver")-upstream
    [[ -d $src_dir ]] && return 0
    dl=$(mktemp -d "$cache/.tmp-dl-$pkg.XXXXXX")
    tmp=$dl
    tar -xf "$src_tar" -C "$dl" --strip-components=1
    mv -T "$dl" "$src_dir"
}

# cached_build NAME SRCPKG DEBVERSION TRIPLET: sets prefix to a finished build of
# NAME for TRIPLET, building it with deps/build-NAME.sh if the cache lacks it, and
# built_from to what it was built from.  OpenSSL is built from Debian's source
# package and keyed on its full version (e.g. 3.0.22-1~deb12u2), so a Debian update
# that keeps the upstream version builds anew; Check from the upstream tarball,
# keyed on the upstream version.
cached_build() {
    local name=$1 pkg=$2 ver=$3 triplet=$4 script=$here/build-$1.sh hash key dir src logf t0
    # The key covers the build script (it holds every option and flag) and the
    # compiler, so changing either builds anew instead of reusing a stale build;
    # the script's comment lines are left out, so editing one does not.
    hash=$({ grep -v '^[[:space:]]*#' "$script"; cat "$here/patches/$name"-*.patch 2>/dev/null
             "$triplet-gcc" --version; } |
           sha256sum | cut -c1-8)
    if [[ $name == openssl ]]; then key=${ver//:/_} built_from="Debian's source $ver"
    else key=$(upstream "$ver") built_from="upstream $key"; fi
    dir=$cache/$name-$key-${triplet%%-*}-$hash
    prefix=$dir
    # The stamp is written only after a complete install, before the atomic move.
    if [[ -f $dir/.empkp-complete ]]; then
        log "$name ${triplet%%-*} cached at $dir"
        return 0
    fi
    if [[ $name == openssl ]]; then
        fetch_deb_src "$pkg" "$ver"
        src=$src_dir
        if [[ $src_kind == upstream ]]; then
            # Named apart, so that once Debian's source is fetchable it is built.
            dir=$cache/$name-$key-upstream-${triplet%%-*}-$hash
            prefix=$dir built_from="upstream $(upstream "$ver") WITHOUT Debian's patches of $ver"
            if [[ -f $dir/.empkp-complete ]]; then
                log "$name ${triplet%%-*} cached at $dir (upstream source only)"
                return 0
            fi
        fi
    else
        fetch_src "$pkg" "$ver"
        src=$src_tar
    fi
    rm -rf "$dir"
    logf=$cache/logs/${dir##*/}.log
    log "$name ${triplet%%-*}: building (log $logf)"
    t0=$SECONDS
    tmp=$(mktemp -d "$cache/.tmp-$name-${triplet%%-*}.XXXXXX")
    # setsid: a process group of its own for cleanup to kill; 9>&-: an orphaned
    # build must not hold the cache lock.
    (cd "$tmp" && exec setsid bash "$script" "$src" "$triplet" "$tmp/prefix") \
        >"$logf" 2>&1 9>&- &
    build_pid=$!
    if ! wait "$build_pid"; then
        build_pid=''
        tail -n 40 "$logf" >&2
        die "$name ${triplet%%-*} build failed (full log $logf)"
    fi
    build_pid=''
    date -u +%FT%TZ >"$tmp/prefix/.empkp-complete"
    mv -T "$tmp/prefix" "$dir"
    rm -rf "$tmp"
    log "$name ${triplet%%-*} built in $((SECONDS - t0)) s at $dir"
}

ossl_ver=$(dpkg-query -W -f='${source:Version}' libssl-dev)
check_ver=$(dpkg-query -W -f='${source:Version}' check)
declare -A result
for t in "${triplets[@]}"; do
    cached_build openssl openssl "$ossl_ver" "$t"
    result[OPENSSL_${t%%-*}]=$prefix
    ossl_from=$built_from
    cached_build check check "$check_ver" "$t"
    result[CHECK_${t%%-*}]=$prefix
done

# --- make fragment ----------------------------------------------------------

mkdir -p "$(dirname "$out")"
cat >"$out.tmp" <<EOF
# Written by deps/setup.sh; do not edit. OpenSSL: $ossl_from. Check $(upstream "$check_ver").
# libssl-dev's source version: the Makefile runs deps/setup.sh again when it changes.
OPENSSL_DEBVER := $ossl_ver
OPENSSL_x86_64 := ${result[OPENSSL_x86_64]}
OPENSSL_i686 := ${result[OPENSSL_i686]}
CHECK_x86_64 := ${result[CHECK_x86_64]}
CHECK_i686 := ${result[CHECK_i686]}
WINE32 := $wine32
WINE32_WHY := $wine32_why
EOF
mv "$out.tmp" "$out"
log "wrote $out (WINE32=$wine32)"
