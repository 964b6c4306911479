#!/usr/bin/env bash
# deps/build-openssl.sh SRCDIR TRIPLET PREFIX
#
# Cross-builds a trimmed static libcrypto.a from an OpenSSL 3.0 source tree
# (Debian's source package, its patches not yet applied; or an upstream tree
# with no debian/) in the current directory and installs lib/libcrypto.a and
# include/openssl into PREFIX. Called by setup.sh, which hashes this file and
# patches/NAME-*.patch into the cache key: any change here or there rebuilds.
set -euo pipefail

srcdir=$1 triplet=$2 prefix=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case $triplet in
    x86_64-w64-mingw32) target=mingw64 ;;
    i686-w64-mingw32) target=mingw ;;
    *) echo "unsupported triplet $triplet" >&2; exit 2 ;;
esac

opts=(
    # Windows XP / Server 2003 API level. With mingw's default (0x0A00) libcrypto
    # imports Vista-only functions (SRW locks, InitOnce, BCryptGenRandom) and the
    # exe does not load on the Exchange 2000/2003 servers it is meant for.
    -D_WIN32_WINNT=0x0502
    # A plain static library: no shared builds, loadable modules, engines, config
    # file loading or legacy provider.
    no-shared no-module no-legacy no-engine no-dso no-autoload-config
    # Subsystems empkp does not use.
    no-tests no-async no-sock no-dgram no-ui-console no-comp no-ct no-ocsp no-ts
    no-cmp no-cms no-srp no-srtp no-rfc3779 no-ssl-trace
    # Algorithms empkp does not use. Kept: RSA (PKCS#1 v1.5 and OAEP), SHA-1 and
    # SHA-2, MD5, HMAC, BN, and AES, which the default CTR-DRBG needs. The MSBLOB
    # functions in crypto/pem/pvkfmt.c need only RSA: RC4 is used there only for
    # encrypted PVK files and DSA only for DSA keys, both under #ifndef.
    no-aria no-bf no-blake2 no-camellia no-cast no-chacha no-cmac no-des no-dh
    no-dsa no-ec no-idea no-md4 no-mdc2 no-ocb no-poly1305 no-rc2 no-rc4 no-rc5
    no-rmd160 no-scrypt no-seed no-siphash no-siv no-sm2 no-sm3 no-sm4
    no-whirlpool
    # Size: empkp.exe is mostly libcrypto, and only Configure-time
    # choices shrink it (the default provider's tables reference every
    # algorithm, so the linker keeps them all).  -Os: libcrypto's C code at
    # about two thirds of its -O3 size; RSA keygen time is the bignum assembly
    # (bn_mul_mont), which -Os does not touch: 1024-bit modexp measured equal,
    # trial division about 5% slower.  no-multiblock: the multi-buffer SHA
    # code that only TLS's stitched AES-CBC-HMAC ciphers use (~66 KB on
    # x86_64).  no-err: OpenSSL's error reason strings (~60 KB); errors keep
    # their numeric codes ("error:1C800066:..."), which `openssl errstr`
    # decodes; empkp reports its own codes, not OpenSSL's text.
    -Os no-multiblock no-err
)
# i686: no DWARF unwind tables for libcrypto's C code (~260 KB of .eh_frame,
# 12% of the stripped exe).  Nothing unwinds through libcrypto with them:
# Windows SEH on i386 walks the FS:[0] frame chain, and there is no C++ here.
# (x86_64's unwind data is .pdata/.xdata, which Windows' SEH needs: kept.)
if [[ $target == mingw ]]; then
    opts+=(-fno-asynchronous-unwind-tables)
fi

cp -R "$srcdir" src
cd src
# Debian's patches (its security fixes on top of the upstream version), in the
# order of debian/patches/series, except pic.patch: it makes the i386 perlasm
# emit ELF PIC code for Debian's Linux libcrypto (GOT-relative addressing, @PLT
# calls, .hidden), which the i686 mingw (COFF) assembler rejects
# ("unknown pseudo-op: .hidden"; the same patch in Debian 12 and 13); it
# changes no C code.
if [[ -f debian/patches/series ]]; then
    while read -r p _; do
        [[ -n $p && $p != \#* && $p != pic.patch ]] || continue
        echo "Debian patch $p"
        patch -p1 --no-backup-if-mismatch -s <"debian/patches/$p"
    done <debian/patches/series
else
    echo "no debian/patches: upstream source only"
fi
# Our patches to OpenSSL 3.0 (each fails loudly if a new 3.0.x moved its lines):
# - openssl-providers.patch: the default provider offers only what empkp uses
#   (RSA key management and encryption, the AES-CTR DRBG), and the "base"
#   provider (encoders, decoders, file store) is not predefined.  Their tables
#   reference every encoder, PEM/PKCS7/X509 reader, HTTP client, KDF, MAC and
#   digest: this keeps that code out of empkp.exe (~150 KB on x86_64, issue
#   7), and it is less code that parses anything.
# - openssl-keygen-gcd.patch: RSA keygen's GCD(Y-1, e) on (Y-1) mod e, as
#   OpenSSL 3.1 does; the constant-time GCD on 1024-bit numbers was ~65% of
#   a 2048-bit keygen (callgrind, Debian's own libcrypto 3.0).
# - openssl-keygen-rounds.patch: the primes RSA keygen draws at random get
#   FIPS 186-5 Table B.1's Miller-Rabin rounds (5 for a 2048-bit key's p and
#   q, 38 for their auxiliary primes), as later OpenSSL does, instead of 3.0's
#   64-round floor for numbers of unknown origin.  Checks of primes that come
#   from outside (BN_check_prime) keep the floor.
# - openssl-keygen-sieve.patch: the walk that looks for p and q passes over
#   candidates with a factor below 2^16 (a sieve: each small prime's first
#   multiple among the candidates is worked out once, then its multiples are
#   marked a window at a time) instead of a Miller-Rabin round for each of them;
#   3.0 trial-divides by the first 128 primes only.  About 36 rounds per
#   prime found instead of 61, each 3.4 ms on i686 under Wine.  The walk
#   ends on the same prime (tests/unit/test_keygen.c checks it).
for p in providers keygen-gcd keygen-rounds keygen-sieve; do
    patch -p1 --no-backup-if-mismatch <"$here/patches/openssl-$p.patch"
done
# Reproducible: the one time in libcrypto.a, crypto/cversion.c's "built on"
# (util/mkbuildinf.pl), is the source's own date, not the clock's; nothing
# else in it depends on the time or on this folder's path.
export SOURCE_DATE_EPOCH; SOURCE_DATE_EPOCH=$(stat -c %Y VERSION.dat)
perl Configure "$target" --cross-compile-prefix="$triplet-" "${opts[@]}"
# Asm stays enabled (perlasm emits GNU as for both mingw targets).
make -j2 build_generated
make -j2 libcrypto.a

mkdir -p "$prefix/lib" "$prefix/include"
cp libcrypto.a "$prefix/lib/"
# include/openssl holds the generated headers (opensslv.h, configuration.h, ...) too.
cp -R include/openssl "$prefix/include/"
printf '%s\n' "perl Configure $target --cross-compile-prefix=$triplet- ${opts[*]}" \
    >"$prefix/configure-command.txt"

# Prove the library links with the project's flags and imports nothing newer
# than Windows XP / Server 2003 (the point of -D_WIN32_WINNT=0x0502).
cat >probe.c <<'EOF'
#include <openssl/evp.h>
#include <openssl/pem.h>
int main(void)
{
    EVP_PKEY *key = EVP_RSA_gen(512);
    BIO *mem = BIO_new(BIO_s_mem());
    int ok = key != NULL && mem != NULL && i2b_PublicKey_bio(mem, key) > 0;
    BIO_free(mem);
    EVP_PKEY_free(key);
    return !ok;
}
EOF
"$triplet-gcc" -std=gnu11 -Wall -Wextra -Werror -D_WIN32_WINNT=0x0502 -I"$prefix/include" \
    probe.c -o probe.exe -static -static-libgcc "$prefix/lib/libcrypto.a" \
    -ladvapi32 -lcrypt32 -luser32
if "$triplet-objdump" -p probe.exe | grep -E 'SRWLock|InitOnce|ConditionVariable|GetTickCount64|BCrypt'; then
    echo "libcrypto imports Vista-only functions (listed above)" >&2
    exit 1
fi
