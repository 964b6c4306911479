# empkp: a free EMPKP public key publisher (see README.md).
#
#   make            build both arches: build/x86_64/ and build/i686/
#   make check      every test; ends with one line "N passed, N failed[, N skipped]"
#   make demo       the whole job under Wine: register, the KB's script, DATA0
#   make clean      remove build/ (the dependency cache outside the tree stays)
#   make fuzz       libFuzzer on the parsers of outside input (FUZZ_SECONDS each)
#   make check-valgrind   the native unit tests under valgrind
#   make bench      figures under Wine, to the terminal and build/bench-<date>.txt
#
# The file reads top to bottom: settings, dependencies, then the per-arch
# build (this same Makefile re-invoked with ARCH=x86_64 or ARCH=i686), then
# the native unit tests, then the test and demo drivers.

ARCHES  := x86_64 i686
BUILD   := build
DEPS_MK := $(BUILD)/deps.mk

# Our own code: warnings are errors.
WARN    := -Wall -Wextra -Werror

# --- Dependencies -------------------------------------------------------
# deps/setup.sh installs Debian packages and cross-builds OpenSSL and Check
# into a per-machine cache, then writes $(DEPS_MK) naming their prefixes.
# Make re-reads this file once $(DEPS_MK) exists.
ifeq ($(filter clean,$(MAKECMDGOALS)),)
include $(DEPS_MK)
endif
$(DEPS_MK): deps/setup.sh deps/build-openssl.sh deps/build-check.sh
	deps/setup.sh $@

.PHONY: all check demo clean unit-native
.DEFAULT_GOAL := all

ifeq ($(ARCH),)
# --- Top level: one sub-make per arch -----------------------------------
all:
	@for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a arch-all || exit 1; done

else
# --- One arch: ARCH=x86_64 or ARCH=i686 ---------------------------------
TRIPLET := $(ARCH)-w64-mingw32
CC_WIN  := $(TRIPLET)-gcc
WINDRES := $(TRIPLET)-windres
OUT     := $(BUILD)/$(ARCH)
GEN     := $(OUT)/gen
OBJ     := $(OUT)/obj
WIDL    := $(TRIPLET)-widl $(if $(filter i686,$(ARCH)),-m32,-m64) -Oif \
           -I /usr/include/wine/wine/windows \
           -L /usr/lib/x86_64-linux-gnu/wine/x86_64-windows
OPENSSL := $(OPENSSL_$(ARCH))
CHECK   := $(CHECK_$(ARCH))

# 0x0502 = Windows Server 2003: keeps Vista-only APIs out of our code and
# OpenSSL's (see README, "Supported Windows").
WIN_CPPFLAGS := -D_WIN32_WINNT=0x0502 -DWINVER=0x0502 -DUNICODE -D_UNICODE \
                -DCONST_VTABLE -DCOBJMACROS -I$(GEN) -Iserver -Icrypto \
                -I$(OPENSSL)/include
WIN_CFLAGS   := -std=gnu11 -O2 $(WARN)
WIN_LDFLAGS  := -static -static-libgcc
# Shipped binaries only (issue 7): no symbol table or debug sections (~0.8 MB
# of empkp.exe).  Test programs keep theirs for debugging.
SHIP_LDFLAGS := -s
CRYPTO_LIBS  := $(OPENSSL)/lib/libcrypto.a -ladvapi32 -lcrypt32 -luser32 -lws2_32

# widl output: header, GUIDs, proxy code, dlldata and the type library.
$(GEN)/empkp.h:     idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -h -o $@ $<
$(GEN)/empkp_i.c:   idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -u -o $@ $<
$(GEN)/empkp_p.c:   idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -p -o $@ $<
$(GEN)/empkp.tlb:   idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -t -o $@ $<
$(GEN)/dlldata.c:   idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) --dlldata-only -o $@ empkp

# Our sources.
SERVER_OBJS := $(addprefix $(OBJ)/,main.o cmdline.o console.o lifetime.o factory.o \
                 publisher.o typelib.o publish.o register.o keyblob.o empkp_i.o empkp_res.o)

$(OBJ)/%.o: server/%.c $(GEN)/empkp.h
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -c -o $@ $<
$(OBJ)/%.o: crypto/%.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -c -o $@ $<
$(OBJ)/empkp_res.o: server/empkp.rc $(GEN)/empkp.tlb
	@mkdir -p $(@D)
	$(WINDRES) -I$(GEN) -o $@ $<

# widl's C is not ours: built with -Werror all the same, but without the
# one warning its generated casts always raise.
GEN_CFLAGS := -std=gnu11 -O2 $(WARN) -Wno-cast-function-type
$(OBJ)/empkp_i.o: $(GEN)/empkp_i.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(GEN_CFLAGS) -c -o $@ $<
$(OBJ)/ps/%.o: $(GEN)/%.c $(GEN)/empkp.h
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(GEN_CFLAGS) -DREGISTER_PROXY_DLL -DPROXY_DELEGATION \
	    -include proxystub/iunknown_proxy.h -c -o $@ $<

# empkp.exe: GUI subsystem, so COM starting it opens no console window.
$(OUT)/empkp.exe: $(SERVER_OBJS)
	$(CC_WIN) -municode -mwindows $(WIN_LDFLAGS) $(SHIP_LDFLAGS) -o $@ $^ $(CRYPTO_LIBS) \
	    -lole32 -loleaut32 -luuid

# empkpps.dll: the proxy/stub DLL, from widl's output alone.
$(OUT)/empkpps.dll: $(addprefix $(OBJ)/ps/,empkp_p.o empkp_i.o dlldata.o) proxystub/empkpps.def
	$(CC_WIN) -shared $(WIN_LDFLAGS) $(SHIP_LDFLAGS) -Wl,--enable-stdcall-fixup -o $@ $^ \
	    -lrpcrt4 -loleaut32 -lole32 -luuid

# A new OpenSSL build (deps/setup.sh names another cache folder whenever
# deps/build-openssl.sh changes) recompiles and so relinks what uses it: its
# configuration.h differs, and the old objects would link the old library.
# (On the objects, whose recipes use only $<, not on the exe, whose $^ links.)
$(SERVER_OBJS): $(OPENSSL)/include/openssl/configuration.h $(OPENSSL)/lib/libcrypto.a

$(OUT)/empkp.tlb: $(GEN)/empkp.tlb
	cp $< $@

.PHONY: arch-all arch-tests
arch-all: $(OUT)/empkp.exe $(OUT)/empkpps.dll $(OUT)/empkp.tlb

# Windows test programs (not shipped): the unit tests cross-built with Check,
# and the end-to-end helpers in tests/e2e/.
TBIN := $(OUT)/tests
UNIT_SRCS := $(wildcard tests/unit/*.c) server/cmdline.c crypto/keyblob.c
$(TBIN)/unit.exe: $(OPENSSL)/lib/libcrypto.a
$(TBIN)/unit.exe: $(UNIT_SRCS) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) -isystem $(CHECK)/include -Itests/unit $(WIN_CFLAGS) \
	    -D__USE_MINGW_ANSI_STDIO=1 $(WIN_LDFLAGS) -o $@ $(UNIT_SRCS) \
	    $(CHECK)/lib/libcheck.a -pthread $(CRYPTO_LIBS)
$(TBIN)/client.exe: tests/e2e/client.c $(OBJ)/empkp_i.o
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $^ -lole32 -luuid
$(TBIN)/importkey.exe: tests/e2e/importkey.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $^ -ladvapi32
$(TBIN)/msgbox-text.exe: tests/e2e/msgbox-text.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -municode $(WIN_LDFLAGS) -o $@ $^ -luser32

arch-tests: $(addprefix $(TBIN)/,unit.exe client.exe importkey.exe msgbox-text.exe)

# --- Benchmark program: make bench (issue 7) ----------------------------------
# tests/bench/bench.c: keygen, cross-process calls and the server's working
# set, measured under Wine by tests/bench/bench.sh.  Not shipped, not a test.
.PHONY: arch-bench
$(TBIN)/bench.exe: tests/bench/bench.c $(OBJ)/keyblob.o $(OBJ)/empkp_i.o $(GEN)/empkp.h \
                   $(OPENSSL)/lib/libcrypto.a
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $(filter %.c %.o,$^) \
	    $(CRYPTO_LIBS) -lole32 -loleaut32 -luuid -lpsapi
arch-bench: $(TBIN)/bench.exe

# --- Stress client: make stress (issue 7) ------------------------------------
# tests/e2e/stress-client.c, driven by tests/stress.sh.  Not in make check
# until issue 3 makes Publish idempotent (see README).
.PHONY: arch-stress
$(TBIN)/stress-client.exe: tests/e2e/stress-client.c $(OBJ)/empkp_i.o $(GEN)/empkp.h
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $(filter %.c %.o,$^) \
	    -lole32 -luuid -ladvapi32 -lpsapi
arch-stress: $(TBIN)/stress-client.exe

endif

# --- Native unit tests ----------------------------------------------------
# The plain-C logic (crypto/, server/cmdline.c) under AddressSanitizer and
# UndefinedBehaviorSanitizer, against the system's OpenSSL and Check.
NATIVE_CFLAGS := -std=c11 -g -O1 $(WARN) -fsanitize=address,undefined \
                 -fno-sanitize-recover=all -fno-omit-frame-pointer
$(BUILD)/native/unit: $(wildcard tests/unit/*.c tests/unit/*.h) server/cmdline.c \
                      server/cmdline.h crypto/keyblob.c crypto/keyblob.h
	@mkdir -p $(@D)
	cc $(NATIVE_CFLAGS) -Iserver -Icrypto -Itests/unit -o $@ \
	    $(filter %.c,$^) $$(pkg-config --cflags --libs check) -lcrypto

# --- Native unit tests under valgrind: make check-valgrind (issue 7) --------
# The same tests built without the sanitizers (valgrind cannot run ASan
# binaries) and run under memcheck; any error or leak fails the rule.
# CK_FORK=no: Check runs every test in the one process valgrind watches, so
# one leak check at exit covers them all and Check's per-test timeouts (which
# valgrind's slowdown would trip on RSA-4096 keygen) do not apply; it is also
# how the tests already run under Wine.  (valgrind follows fork() by itself;
# --trace-children is about exec, which Check does not do, and forked tests
# would each report the parent's heap as their own.)
VG_CFLAGS := -std=c11 -g -O1 $(WARN)
.PHONY: check-valgrind
$(BUILD)/native/unit-vg: $(wildcard tests/unit/*.c tests/unit/*.h) server/cmdline.c \
                         server/cmdline.h crypto/keyblob.c crypto/keyblob.h
	@mkdir -p $(@D)
	cc $(VG_CFLAGS) -Iserver -Icrypto -Itests/unit -o $@ \
	    $(filter %.c,$^) $$(pkg-config --cflags --libs check) -lcrypto
check-valgrind: $(BUILD)/native/unit-vg
	@CK_FORK=no timeout 1800 valgrind --error-exitcode=1 --leak-check=full \
	    --log-file=$(BUILD)/native/valgrind.log $(BUILD)/native/unit-vg; rc=$$?; \
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|All heap blocks' \
	    $(BUILD)/native/valgrind.log; \
	echo "valgrind: exit $$rc (full report $(BUILD)/native/valgrind.log)"; exit $$rc

# --- Fuzzing: make fuzz (issue 7) -------------------------------------------
# libFuzzer targets (clang, native, ASan+UBSan) for every parser of outside
# input: the PUBLICKEYBLOB reader (DATA0) and the command line.  Each target
# runs FUZZ_SECONDS; tests/fuzz/corpus/ holds the checked-in seeds (read only),
# new inputs and any crash go to build/fuzz/<target>/.  A finding fails the
# rule and becomes a unit test in tests/unit/.  Not part of make check.
# make fuzz-corpus rewrites the seeds with tests/fuzz/gen_corpus.c.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=c11 -g -O1 $(WARN) -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -fno-omit-frame-pointer
.PHONY: fuzz fuzz-corpus
$(BUILD)/fuzz/fuzz_keyblob: tests/fuzz/fuzz_keyblob.c crypto/keyblob.c crypto/keyblob.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Icrypto -o $@ $(filter %.c,$^) -lcrypto
$(BUILD)/fuzz/fuzz_cmdline: tests/fuzz/fuzz_cmdline.c server/cmdline.c server/cmdline.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Iserver -o $@ $(filter %.c,$^)
fuzz: $(BUILD)/fuzz/fuzz_keyblob $(BUILD)/fuzz/fuzz_cmdline
	@rc=0; \
	tests/fuzz/run.sh keyblob $(BUILD)/fuzz/fuzz_keyblob tests/fuzz/corpus/keyblob \
	    $(BUILD)/fuzz/keyblob $(FUZZ_SECONDS) -max_len=1024 || rc=1; \
	tests/fuzz/run.sh cmdline $(BUILD)/fuzz/fuzz_cmdline tests/fuzz/corpus/cmdline \
	    $(BUILD)/fuzz/cmdline $(FUZZ_SECONDS) -max_len=4096 -dict=tests/fuzz/cmdline.dict || rc=1; \
	exit $$rc
$(BUILD)/fuzz/gen_corpus: tests/fuzz/gen_corpus.c crypto/keyblob.c crypto/keyblob.h
	@mkdir -p $(@D)
	cc -std=c11 -O1 $(WARN) -Icrypto -o $@ $(filter %.c,$^) -lcrypto
fuzz-corpus: $(BUILD)/fuzz/gen_corpus
	rm -rf tests/fuzz/corpus && mkdir -p tests/fuzz/corpus
	$(BUILD)/fuzz/gen_corpus tests/fuzz/corpus

# --- Tests and demo -------------------------------------------------------
ifeq ($(ARCH),)
check: all $(BUILD)/native/unit
	@for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a arch-tests || exit 1; done
	WINE32=$(WINE32) WINE32_WHY="$(WINE32_WHY)" tests/check.sh

demo: all
	WINE32=$(WINE32) WINE32_WHY="$(WINE32_WHY)" tests/demo.sh

# --- Benchmarks: make bench (issue 7) -----------------------------------------
# Figures side by side in one run, printed and written to build/bench-<date>.txt;
# never fails on a slow figure.  Not part of make check.  Run counts can be
# changed: make bench BENCH_KEYGEN_RUNS=101 (see tests/bench/bench.sh).
.PHONY: bench
bench: all
	@for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a arch-bench || exit 1; done
	WINE32=$(WINE32) WINE32_WHY="$(WINE32_WHY)" tests/bench/bench.sh

# --- Stress: make stress (issue 7) ---------------------------------------------
# 16 clients x 50 Publish against one server, 200 activation cycles (counts:
# STRESS_CLIENTS, STRESS_CALLS, STRESS_CYCLES).  Its DATA0-unchanged and
# key-pair checks need issue 3; once that is merged, tests/check.sh can run
# tests/stress.sh per arch like wine-tests.sh.  Ends with the summary line.
.PHONY: stress
stress: all
	@for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a arch-stress || exit 1; done
	@mkdir -p $(BUILD)/stress && : >$(BUILD)/stress/results.txt
	@for a in $(ARCHES); do RESULTS=$(CURDIR)/$(BUILD)/stress/results.txt WINE32=$(WINE32) \
	    WINE32_WHY="$(WINE32_WHY)" tests/stress.sh $$a; done
	@tests/summary.sh $(BUILD)/stress/results.txt
endif

clean:
	rm -rf $(BUILD)
