#!/usr/bin/env bash
# deps/build-check.sh TARBALL TRIPLET PREFIX
#
# Cross-builds the Check unit-test library from its source tarball in the
# current directory and installs include/check.h and lib/libcheck.a into PREFIX.
# Called by setup.sh, which hashes this file into the cache key: any change here
# rebuilds.
set -euo pipefail

tarball=$1 triplet=$2 prefix=$3

cat >toolchain.cmake <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR ${triplet%%-*})
set(CMAKE_C_COMPILER $triplet-gcc)
set(CMAKE_RC_COMPILER $triplet-windres)
# Find libraries and headers of the target only, build tools of the host only.
set(CMAKE_FIND_ROOT_PATH /usr/$triplet)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
EOF


mkdir src
tar -xf "$tarball" -C src --strip-components=1
# Same API level as the rest of empkp (see build-openssl.sh), and MinGW's own C99
# printf family: Check formats ck_assert_int_* messages with %jd, which the
# msvcrt of Windows 2000/2003 does not know.
cmake -S src -B build -DCMAKE_TOOLCHAIN_FILE="$PWD/toolchain.cmake" \
    -DCMAKE_C_FLAGS="-O2 -D_WIN32_WINNT=0x0502 -D__USE_MINGW_ANSI_STDIO=1" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCHECK_ENABLE_TESTS=OFF -DBUILD_TESTING=OFF
cmake --build build -j2 --verbose
cmake --install build

# Check always builds a DLL too; drop it and its import library so that -lcheck
# can only mean the static libcheck.a. The CMake and pkg-config files go too:
# they name the DLL and the temporary install path. Link: libcheck.a -pthread.
rm -rf "${prefix:?}/bin" "$prefix/share" "$prefix/lib/libcheck.dll.a" "$prefix/lib/cmake" \
    "$prefix/lib/pkgconfig"

# check.h marks its message functions format(printf), which MinGW's GCC reads as
# msvcrt's printf: no %jd, so every ck_assert_int_* warned (an error under our
# -Werror). libcheck formats with MinGW's C99 printf (above): say gnu_printf.
sed -i 's/__attribute__ ((format (a, b, c)))/__attribute__ ((format (gnu_##a, b, c)))/' \
    "$prefix/include/check.h"
grep -q 'format (gnu_##a, b, c)' "$prefix/include/check.h"

# Prove the prefix compiles and links with the project's flags before it is cached.
cat >probe.c <<'EOF'
#include <check.h>
START_TEST(t) { ck_assert_int_eq(1 + 1, 2); ck_assert_str_eq("a", "a"); }
END_TEST
int main(void)
{
    Suite *s = suite_create("probe");
    TCase *tc = tcase_create("probe");
    tcase_add_test(tc, t);
    suite_add_tcase(s, tc);
    srunner_free(srunner_create(s));
    return 0;
}
EOF
"$triplet-gcc" -std=gnu11 -Wall -Wextra -Werror -D_WIN32_WINNT=0x0502 -I"$prefix/include" \
    probe.c -o probe.exe -static -static-libgcc "$prefix/lib/libcheck.a" -pthread
