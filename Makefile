# empkp: a free EMPKP public key publisher (see README.md).
#
#   make            build both arches: build/x86_64/ and build/i686/
#   make demo       the whole job under Wine: register, the KB's script, DATA0
#   make check      every test; ends with one line "N passed, N failed[, N skipped]"
#   make dist       per-arch zip and MSI in build/dist/ (SIGN_CERT=, SIGN_KEY= to sign)
#   make verify-release SUMS=file [REF=commit]   rebuild a release, compare its bytes
#   make bench      figures under Wine, to the terminal and build/bench-<date>.txt
#   make fuzz       libFuzzer on the parsers of outside input (FUZZ_SECONDS each)
#   make check-valgrind   the native unit tests under valgrind
#   make clean      remove build/ (the dependency cache outside the tree stays)
#
# It reads top to bottom:
#   1. settings: version, reproducibility, warnings;
#   2. sources, one list per folder, and the dependencies' set-up;
#   3. the top level (no ARCH): native builds (unit tests, valgrind, fuzz,
#      msi-stamp) and the targets above, which re-invoke this Makefile once
#      per arch with ARCH=x86_64 or ARCH=i686 for their Windows part;
#   4. one arch (ARCH set): widl and windmc output, objects, the shipped
#      binaries and their PE fitness, the test programs, the packages.
# Header dependencies are generated (-MMD -MP) into .d files beside each
# object and read at the end.

# --- 1. Settings ------------------------------------------------------------
ARCHES := x86_64 i686
BUILD  := build

# Our own code: warnings are errors.
WARN := -Wall -Wextra -Werror

# The one place for the version: the VERSIONINFO resource in every shipped
# binary, the zip and MSI names, the MSI's ProductVersion.  MAJOR.MINOR.PATCH
# in numbers only: VERSIONINFO and MSI both want numbers.  No double quotes in
# PRODUCT or COMPANY (they become C strings in the resource).
VERSION := 1.0.0
PRODUCT := empkp
COMPANY := empkp project
# The tests compare what Windows reads back from the binaries with these.
export EMPKP_VERSION := $(VERSION)
export EMPKP_PRODUCT := $(PRODUCT)
export EMPKP_COMPANY := $(COMPANY)

# Reproducible builds: the same commit and VERSION give byte-identical
# binaries, zips and MSIs on any machine of this kind, in any folder, at any
# time.  Every time stamp in them is SOURCE_DATE_EPOCH: given on the command
# line or in the environment, else the commit's time (git log), else, outside
# a git checkout, the Makefile's modification time (which a `git archive`
# tarball sets to the commit's time), with a warning.  ld writes it as the PE
# TimeDateStamp and then computes the PE checksum; widl as the type library's
# time; make dist as every file time in the zips and MSIs.
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
ifeq ($(shell git rev-parse --show-toplevel 2>/dev/null),$(CURDIR))
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct)
SOURCE_DATE_EPOCH_FROM := git
else
SOURCE_DATE_EPOCH := $(shell stat -c %Y Makefile)
SOURCE_DATE_EPOCH_FROM := Makefile mtime
$(warning not a git checkout: SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH), the Makefile's modification time; set SOURCE_DATE_EPOCH to the release commit's time (git log -1 --format=%ct) to reproduce a release)
endif
endif
SOURCE_DATE_EPOCH_FROM ?= $(origin SOURCE_DATE_EPOCH)
ifeq ($(shell printf '%s' '$(SOURCE_DATE_EPOCH)' | grep -x '[0-9]\{1,11\}'),)
$(error SOURCE_DATE_EPOCH must be a number of seconds since 1970, not "$(SOURCE_DATE_EPOCH)")
endif
export SOURCE_DATE_EPOCH SOURCE_DATE_EPOCH_FROM
# No absolute build path in our objects: __FILE__ and debug info name files
# relative to the top of the tree.
REPRO_CFLAGS := -ffile-prefix-map=$(CURDIR)/=
# Every include names its folder ("common/keystore.h") unless it is the
# including file's own, so the one include path is the top of the tree.
DEPFLAGS := -MMD -MP

# --- 2. Sources, one list per folder -----------------------------------------
# Layers (README, "Layout"): the two programs (server/, tools/) link the
# shared layer (common/), which uses crypto/; nothing points the other way
# (tests/layers.sh checks the includes).
CRYPTO_SRCS := $(wildcard crypto/*.c)
COMMON_SRCS := $(wildcard common/*.c common/*/*.c)
SERVER_SRCS := $(wildcard server/*.c server/*/*.c)
TOOL_SRCS   := $(wildcard tools/*.c)

# The plain-C logic (no Windows headers) that the unit tests reach: natively
# under the sanitizers and valgrind, and cross-built under Wine.  One list
# for the three builds.
LOGIC_SRCS := crypto/keyblob.c crypto/credblob.c common/publish_plan.c common/sdcheck.c \
              server/cmdline.c server/com/identity.c server/register/localserver32.c \
              server/register/regsafe.c server/diagnose/pe_check.c \
              server/diagnose/diagnose_logic.c server/diagnose/diagnose_report.c \
              server/diagnose/dcom_perm.c tools/credargs.c tools/credinput.c \
              tests/bench/benchstats.c
UNIT_SRCS  := $(wildcard tests/unit/*.c) $(LOGIC_SRCS)
# Windows code that the cross-built unit tests reach as well (under Wine).
WIN_UNIT_SRCS := common/wintext.c common/regvalue.c

# The Windows test programs (never shipped): each tests/e2e/NAME.c or
# tests/pe/NAME.c becomes build/ARCH/tests/NAME.exe by one pattern rule.
HELPERS := $(basename $(notdir $(wildcard tests/e2e/*.c))) verinfo

# libFuzzer targets (make fuzz): tests/fuzz/fuzz_NAME.c with the code it
# reaches, and the libFuzzer options of each.
FUZZ_NAMES := keyblob cmdline pe_check credinput credtext
FUZZ_SRCS_keyblob   := crypto/keyblob.c
FUZZ_SRCS_cmdline   := server/cmdline.c
FUZZ_SRCS_pe_check  := server/diagnose/pe_check.c
FUZZ_SRCS_credinput := tools/credinput.c
FUZZ_SRCS_credtext  := crypto/credblob.c crypto/keyblob.c
FUZZ_OPTS_keyblob   := -max_len=1024
FUZZ_OPTS_cmdline   := -max_len=4096 -dict=tests/fuzz/cmdline.dict
FUZZ_OPTS_pe_check  := -max_len=4096
FUZZ_OPTS_credinput := -max_len=2048
FUZZ_OPTS_credtext  := -max_len=1024

# Dependencies: deps/setup.sh installs Debian packages and cross-builds
# OpenSSL and Check into a per-machine cache, then writes $(DEPS_MK) naming
# their prefixes (and WINE32: whether 32-bit Wine can run the i686 build).
# Make re-reads this file once $(DEPS_MK) exists.
DEPS_MK := $(BUILD)/deps.mk
ifeq ($(filter clean,$(MAKECMDGOALS)),)
include $(DEPS_MK)
endif
$(DEPS_MK): deps/setup.sh deps/build-openssl.sh deps/build-check.sh $(wildcard deps/patches/*.patch)
	deps/setup.sh $@
# OpenSSL is built from Debian's source of libssl-dev's version: a Debian
# update (often a security fix that keeps the upstream version) runs set-up
# again, and set-up builds it anew under that version's cache key.
ifneq ($(OPENSSL_DEBVER),$(shell dpkg-query -W -f='$${source:Version}' libssl-dev 2>/dev/null))
$(DEPS_MK): openssl-version-changed
endif

.PHONY: all demo check dist verify-release bench fuzz fuzz-corpus check-valgrind clean \
        openssl-version-changed FORCE
.DEFAULT_GOAL := all
# Runs one target of this Makefile for each arch.
PER_ARCH = +@for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a $(1) || exit 1; done
TEST_ENV := WINE32=$(WINE32) WINE32_WHY="$(WINE32_WHY)"

# A native tool that make dist uses per arch: wixl 0.101 takes the MSI's
# package code and summary times from the random generator and the clock;
# msi-stamp (libmsi) sets them afterwards.
MSI_STAMP := $(BUILD)/native/msi-stamp
$(MSI_STAMP): packaging/msi-stamp.c
	@mkdir -p $(@D)
	cc -std=gnu11 -O2 $(WARN) $$(pkg-config --cflags libmsi-1.0) -o $@ $< \
	    $$(pkg-config --libs libmsi-1.0)

ifeq ($(ARCH),)
# --- 3. Top level -------------------------------------------------------------
all:
	$(call PER_ARCH,arch-all)

# The demo reads the KB script's message box back with msgbox-text.exe.
demo: all
	$(call PER_ARCH,arch-demo)
	$(TEST_ENV) tests/demo.sh

# check also builds what every other documented target builds (the valgrind
# and fuzz binaries, the bench program), so that a break in one shows in CI;
# it runs none of them.
check: all dist $(BUILD)/native/unit $(BUILD)/native/unit-vg $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
	$(call PER_ARCH,arch-tests arch-bench)
	$(TEST_ENV) tests/check.sh

# Figures side by side in one run, printed and written to
# build/bench-<date>.txt; never fails on a slow figure.  Not part of make
# check.  Run counts can be changed: make bench BENCH_KEYGEN_RUNS=201 (see
# tests/bench/bench.sh).
bench: all
	$(call PER_ARCH,arch-bench)
	$(TEST_ENV) tests/bench/bench.sh

clean:
	rm -rf $(BUILD)

# Native objects: the unit tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, and again without them for valgrind (which
# cannot run ASan binaries), against the system's OpenSSL and Check.
NATIVE      := $(BUILD)/native
ASAN_CFLAGS := -std=c11 -g -O1 $(WARN) -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer
VG_CFLAGS   := -std=c11 -g -O1 $(WARN)
CHECK_PC    := $$(pkg-config --cflags --libs check)
$(NATIVE)/asan/%.o: %.c
	@mkdir -p $(@D)
	cc $(ASAN_CFLAGS) $(DEPFLAGS) -I. -c -o $@ $<
$(NATIVE)/vg/%.o: %.c
	@mkdir -p $(@D)
	cc $(VG_CFLAGS) $(DEPFLAGS) -I. -c -o $@ $<
$(NATIVE)/unit: $(UNIT_SRCS:%.c=$(NATIVE)/asan/%.o)
	cc $(ASAN_CFLAGS) -o $@ $^ $(CHECK_PC) -lcrypto
$(NATIVE)/unit-vg: $(UNIT_SRCS:%.c=$(NATIVE)/vg/%.o)
	cc $(VG_CFLAGS) -o $@ $^ $(CHECK_PC) -lcrypto
DEPFILES += $(UNIT_SRCS:%.c=$(NATIVE)/asan/%.d) $(UNIT_SRCS:%.c=$(NATIVE)/vg/%.d)

# make check-valgrind: any memcheck error or leak fails the rule.  CK_FORK=no:
# Check runs every test in the one process valgrind watches, so one leak
# check at exit covers them all and Check's per-test timeouts (which
# valgrind's slowdown would trip on RSA-4096 keygen) do not apply; it is
# also how the tests run under Wine.
check-valgrind: $(NATIVE)/unit-vg
	@CK_FORK=no timeout 1800 valgrind --error-exitcode=1 --leak-check=full \
	    --log-file=$(NATIVE)/valgrind.log $(NATIVE)/unit-vg; rc=$$?; \
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|All heap blocks' \
	    $(NATIVE)/valgrind.log; \
	echo "valgrind: exit $$rc (full report $(NATIVE)/valgrind.log)"; exit $$rc

# make fuzz: each target runs FUZZ_SECONDS (clang, ASan+UBSan).
# tests/fuzz/corpus/ holds the checked-in seeds (read only); new inputs and
# any crash go to build/fuzz/NAME/.  A finding fails the rule and becomes a
# unit test in tests/unit/.  make fuzz-corpus rewrites the seeds with
# tests/fuzz/gen_corpus.c.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=c11 -g -O1 $(WARN) -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -fno-omit-frame-pointer
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) $(DEPFLAGS) -I. -c -o $@ $<
FUZZ_OBJS = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,tests/fuzz/fuzz_$(1).c $(FUZZ_SRCS_$(1)))
$(foreach n,$(FUZZ_NAMES),$(eval $(BUILD)/fuzz/fuzz_$(n): $(call FUZZ_OBJS,$(n))))
$(BUILD)/fuzz/fuzz_%:
	clang $(FUZZ_CFLAGS) -o $@ $^ -lcrypto
DEPFILES += $(patsubst %.o,%.d,$(foreach n,$(FUZZ_NAMES),$(call FUZZ_OBJS,$(n))))
fuzz: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
	@rc=0; $(foreach n,$(FUZZ_NAMES),tests/fuzz/run.sh $(n) $(BUILD)/fuzz/fuzz_$(n) \
	    tests/fuzz/corpus/$(n) $(BUILD)/fuzz/$(n) $(FUZZ_SECONDS) $(FUZZ_OPTS_$(n)) || rc=1;) exit $$rc
$(BUILD)/fuzz/gen_corpus: tests/fuzz/gen_corpus.c crypto/keyblob.c
	@mkdir -p $(@D)
	cc -std=c11 -O1 $(WARN) $(DEPFLAGS) -I. -o $@ $^ -lcrypto
DEPFILES += $(BUILD)/fuzz/gen_corpus.d
fuzz-corpus: $(BUILD)/fuzz/gen_corpus
	rm -rf tests/fuzz/corpus && mkdir -p tests/fuzz/corpus
	$(BUILD)/fuzz/gen_corpus tests/fuzz/corpus

# make dist: per arch, build/dist/empkp-VERSION-ARCH.zip and .msi (the
# recipe is in the arch part below); here build/dist/SHA256SUMS lists every
# artifact of this VERSION in one order, each binary as the stage (and so the
# zip) has it, printed with its own hash.  make check tests the zips and MSIs
# too (tests/pe-tests.sh, tests/dist-tests.sh).
DIST_ARTIFACTS := $(foreach a,$(ARCHES),$(addprefix empkp-$(VERSION)-$(a)/,empkp.exe \
                    empkpps.dll empkpcred.exe) empkp-$(VERSION)-$(a).zip empkp-$(VERSION)-$(a).msi)
dist: all $(MSI_STAMP)
	$(call PER_ARCH,arch-dist)
	cd $(BUILD)/dist && sha256sum $(DIST_ARTIFACTS) >SHA256SUMS
	@echo "== SHA-256 of the artifacts (SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH), from $(SOURCE_DATE_EPOCH_FROM)):"
	@cat $(BUILD)/dist/SHA256SUMS
	@cd $(BUILD)/dist && sha256sum SHA256SUMS
	@if [ "$(SOURCE_DATE_EPOCH_FROM)" = git ] && [ -n "$$(git status --porcelain --untracked-files=no)" ]; then \
	    echo "NOTE: the tree has uncommitted changes: these are not the artifacts of commit $$(git rev-parse --short HEAD)"; fi

# make verify-release SUMS=path/to/SHA256SUMS [REF=v1.0.0] [VERSION=...]:
# clones this repository at REF (default HEAD) into build/verify-release/,
# runs make dist there (its SOURCE_DATE_EPOCH from that commit, the shared
# dependency cache), and checks its artifacts against SUMS (sha256sum -c:
# one line per artifact, OK or FAILED).  VERSION is passed on only when
# given here, for a release built with VERSION= on the command line.
VERIFY_DIR := $(BUILD)/verify-release
REF ?= HEAD
verify-release:
	@[ -n "$(SUMS)" ] && [ -r "$(SUMS)" ] || { echo "verify-release: give SUMS=path/to/SHA256SUMS (a readable file)" >&2; exit 2; }
	@commit=$$(git rev-parse --verify -q "$(REF)^{commit}") || \
	    { echo "verify-release: $(REF) is not a commit of this repository (git fetch --tags?)" >&2; exit 2; }; \
	echo "== verify-release: $(REF) = $$commit, rebuilt in $(VERIFY_DIR)/src"; \
	rm -rf $(VERIFY_DIR) && mkdir -p $(VERIFY_DIR) && \
	git clone -q --no-checkout . $(VERIFY_DIR)/src && git -C $(VERIFY_DIR)/src checkout -q --detach $$commit
	cp "$(SUMS)" $(VERIFY_DIR)/SHA256SUMS.given
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SOURCE_DATE_EPOCH -u SOURCE_DATE_EPOCH_FROM \
	    $(MAKE) -C $(VERIFY_DIR)/src --no-print-directory dist \
	    $(if $(filter command line,$(origin VERSION)),VERSION=$(VERSION)) >$(VERIFY_DIR)/make.log 2>&1 || \
	    { tail -n 20 $(VERIFY_DIR)/make.log; echo "verify-release: the build failed (log $(VERIFY_DIR)/make.log)" >&2; exit 1; }
	@cd $(VERIFY_DIR)/src/build/dist && if sha256sum -c ../../../SHA256SUMS.given; then \
	    echo "verify-release: every artifact in $(SUMS) rebuilt byte for byte from $(REF)"; \
	else echo "verify-release: MISMATCH (above); rebuilt files in $(VERIFY_DIR)/src/build/dist" >&2; exit 1; fi

else
# --- 4. One arch: ARCH=x86_64 or ARCH=i686 -------------------------------------
.PHONY: arch-all arch-demo arch-tests arch-bench arch-dist
TRIPLET := $(ARCH)-w64-mingw32
CC_WIN  := $(TRIPLET)-gcc
AR_WIN  := $(TRIPLET)-ar
WINDRES := $(TRIPLET)-windres
WINDMC  := $(TRIPLET)-windmc
OUT     := $(BUILD)/$(ARCH)
GEN     := $(OUT)/gen
OBJ     := $(OUT)/obj
TBIN    := $(OUT)/tests
OPENSSL := $(OPENSSL_$(ARCH))
CHECK   := $(CHECK_$(ARCH))
comma   := ,

# 0x0502 = Windows Server 2003: keeps Vista-only APIs out of our code and
# OpenSSL's (README, "Platform").
WIN_CPPFLAGS := -D_WIN32_WINNT=0x0502 -DWINVER=0x0502 -DUNICODE -D_UNICODE \
                -DCONST_VTABLE -DCOBJMACROS -I$(GEN) -I. -I$(OPENSSL)/include
# Stack canaries in our code and widl's: from the static libssp (-static:
# never libssp-0.dll), whose few imports (CryptAcquireContextA, msvcrt's
# _open/_write/_close) Windows 2000 has.
WIN_HARDEN  := -fstack-protector-strong
# Size (make bench's target: empkp.exe <= 1.5 MB; deps/patches/NOTES.md,
# "Size"): our code at -Os, none of it hot (keygen is OpenSSL's);
# --gc-sections drops the input sections nothing references, mostly each
# object's "GCC: ..." string and libuuid's GUID tables (the linker script
# KEEPs .ctors, .CRT, .tls, .rsrc).
WIN_CFLAGS  := -std=gnu11 -Os $(WARN) $(REPRO_CFLAGS) $(WIN_HARDEN)
# widl's C is not ours: built with -Werror all the same, but without the one
# warning its generated casts always raise.
GEN_CFLAGS  := -std=gnu11 -O2 $(WARN) -Wno-cast-function-type $(REPRO_CFLAGS) $(WIN_HARDEN)
WIN_LDFLAGS := -static -static-libgcc -Wl,--gc-sections $(WIN_HARDEN)
CRYPTO_LIBS := $(OPENSSL)/lib/libcrypto.a -ladvapi32 -lcrypt32 -luser32 -lws2_32

# widl output: header, GUIDs, proxy code, dlldata and the type library.
# widl writes its clock into the type library (as a number and as ctime()
# text, hence TZ) unless WIDL_TIME_OVERRIDE says otherwise.
WIDL := TZ=UTC WIDL_TIME_OVERRIDE=$(SOURCE_DATE_EPOCH) $(TRIPLET)-widl \
        $(if $(filter i686,$(ARCH)),-m32,-m64) -Oif -I /usr/include/wine/wine/windows \
        -L /usr/lib/x86_64-linux-gnu/wine/x86_64-windows
$(GEN)/empkp.h:   idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -h -o $@ $<
$(GEN)/empkp_i.c: idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -u -o $@ $<
$(GEN)/empkp_p.c: idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -p -o $@ $<
$(GEN)/empkp.tlb: idl/empkp.idl $(GEN)/version.h ; @mkdir -p $(@D) && $(WIDL) -t -o $@ $<
$(GEN)/dlldata.c: idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) --dlldata-only -o $@ empkp
# windmc output: the event log message table (messages.rc + MSG00409.bin)
# and its header of message ids.
$(GEN)/messages.rc: server/publish/messages.mc ; @mkdir -p $(@D) && $(WINDMC) -h $(GEN) -r $(GEN) $<
$(GEN)/messages.h:  $(GEN)/messages.rc
# version.h: VERSION, PRODUCT, COMPANY and SOURCE_DATE_EPOCH for the
# VERSIONINFO resources (packaging/version.rc).  Rewritten only when one
# changes, so that a new version or commit relinks the shipped binaries and
# remakes the type library with the new time, and nothing else.
$(GEN)/version.h: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '/* Written by the Makefile from VERSION, PRODUCT, COMPANY, SOURCE_DATE_EPOCH. */' \
	    '#define EMPKP_VER_COMMA $(subst .,$(comma),$(VERSION)),0' \
	    '#define EMPKP_VER_STR "$(VERSION)"' \
	    '#define EMPKP_PRODUCT_STR "$(PRODUCT)"' \
	    '#define EMPKP_COMPANY_STR "$(COMPANY)"' \
	    '#define EMPKP_SOURCE_DATE_EPOCH $(SOURCE_DATE_EPOCH)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
GEN_HDRS := $(GEN)/empkp.h $(GEN)/messages.h

# Objects mirror the tree: server/com/factory.c -> obj/server/com/factory.o;
# obj/faults/ holds the same code with the fault points compiled in
# (common/faultpoint.h), for the crash-consistency tests only.  The
# generated headers exist before the first compile (order-only); after it,
# the .d files name what each object really includes.
$(OBJ)/%.o: %.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(OBJ)/faults/%.o: %.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) -DEMPKP_FAULT_POINTS $(WIN_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(OBJ)/gen/%.o: $(GEN)/%.c $(GEN)/empkp.h
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(GEN_CFLAGS) -c -o $@ $<
$(OBJ)/ps/%.o: $(GEN)/%.c $(GEN)/empkp.h
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(GEN_CFLAGS) -DREGISTER_PROXY_DLL -DPROXY_DELEGATION \
	    -include proxystub/iunknown_proxy.h -c -o $@ $<
objs = $(patsubst %.c,$(OBJ)/$(1)%.o,$(2))

# The shared layer and crypto/ as static libraries: each program links
# what it uses.  Archives are written in a fixed order with no time stamps
# (D), for reproducible links.
$(OBJ)/%.a:
	@rm -f $@
	$(AR_WIN) rcsD $@ $^
$(OBJ)/common.a:        $(call objs,,$(COMMON_SRCS))
$(OBJ)/crypto.a:        $(call objs,,$(CRYPTO_SRCS))
$(OBJ)/faults/common.a: $(call objs,faults/,$(COMMON_SRCS))
LIBS_SHARED := $(OBJ)/common.a $(OBJ)/crypto.a
LIBS_FAULTS := $(OBJ)/faults/common.a $(OBJ)/crypto.a

# A new OpenSSL build (deps/setup.sh names another cache folder whenever
# deps/build-openssl.sh or a patch changes) recompiles what uses it: its
# configuration.h differs, and the old objects would link the old library.
ALL_WIN_OBJS := $(call objs,,$(SERVER_SRCS) $(COMMON_SRCS) $(CRYPTO_SRCS) $(TOOL_SRCS)) \
                $(call objs,faults/,$(SERVER_SRCS) $(COMMON_SRCS) $(TOOL_SRCS))
$(ALL_WIN_OBJS): $(OPENSSL)/include/openssl/configuration.h $(OPENSSL)/lib/libcrypto.a
DEPFILES += $(ALL_WIN_OBJS:.o=.d)
# The flags are a prerequisite too: flags.txt is rewritten only when the
# compiler or a flag changes (as version.h), and then every object is
# compiled again and every binary relinked; links take their inputs with
# $(LINK_INPUTS), which leaves the stamp out.
$(OBJ)/flags.txt: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(GEN_CFLAGS)' '$(WIN_LDFLAGS)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
$(ALL_WIN_OBJS) $(OBJ)/gen/empkp_i.o $(addprefix $(OBJ)/ps/,empkp_p.o empkp_i.o dlldata.o): $(OBJ)/flags.txt
LINK_INPUTS = $(filter %.o %.a %.def,$^)

# Resources: the type library inside empkp.exe, the event message table,
# and VERSIONINFO (packaging/version.rc), compiled once per binary.
$(OBJ)/empkp_res.o: server/empkp.rc $(GEN)/empkp.tlb
	@mkdir -p $(@D)
	$(WINDRES) -I$(GEN) -o $@ $<
$(OBJ)/messages_res.o: $(GEN)/messages.rc
	@mkdir -p $(@D)
	cd $(GEN) && $(WINDRES) -o $(CURDIR)/$@ messages.rc
$(OBJ)/version-%.o: packaging/version.rc $(GEN)/version.h
	@mkdir -p $(@D)
	$(WINDRES) -I$(GEN) -DEMPKP_$(shell echo $* | tr a-z A-Z) -o $@ $<

# The shipped binaries.
# empkp.exe: GUI subsystem, so COM starting it opens no console window.
# empkpcred.exe: the administrator's credentials tool, a console program
# (it prompts for the password).  empkpps.dll: the proxy/stub DLL, from
# widl's output alone.
SERVER_LIBS := $(CRYPTO_LIBS) -lole32 -loleaut32 -luuid -lshell32
SERVER_RES  := $(OBJ)/gen/empkp_i.o $(OBJ)/empkp_res.o $(OBJ)/messages_res.o
$(OUT)/empkp.exe: $(call objs,,$(SERVER_SRCS)) $(SERVER_RES) $(OBJ)/version-exe.o $(LIBS_SHARED)
	$(CC_WIN) -municode -mwindows $(WIN_LDFLAGS) -o $@ $(LINK_INPUTS) $(SERVER_LIBS)
$(OUT)/empkpcred.exe: $(call objs,,$(TOOL_SRCS)) $(OBJ)/version-cred.o $(LIBS_SHARED)
	$(CC_WIN) -municode $(WIN_LDFLAGS) -o $@ $(LINK_INPUTS) $(CRYPTO_LIBS)
$(OUT)/empkpps.dll: $(addprefix $(OBJ)/ps/,empkp_p.o empkp_i.o dlldata.o) $(OBJ)/version-ps.o \
                    proxystub/empkpps.def
	$(CC_WIN) -shared $(WIN_LDFLAGS) -Wl,--enable-stdcall-fixup -o $@ $(LINK_INPUTS) \
	    -lrpcrt4 -loleaut32 -lole32 -luuid
$(OUT)/empkp.tlb: $(GEN)/empkp.tlb
	cp $< $@
SHIPPED := $(OUT)/empkp.exe $(OUT)/empkpps.dll $(OUT)/empkpcred.exe
arch-all: $(SHIPPED) $(OUT)/empkp.tlb

# Fit for the user's servers (tests/pe-tests.sh checks each point on the
# linked files).  Oldest Windows each build must load on: i686 is what
# Exchange 2000/2003 admins deploy, on Windows 2000 Server (5.0) and Server
# 2003; x86_64 starts at Windows Server 2003 x64 (5.2).  The loader refuses
# an image whose subsystem version is newer than the OS, with the KB's very
# message "is not a valid Win32 application".  ASLR (DYNAMICBASE, with the
# relocation table it needs: older ld dropped .reloc from executables unless
# told), DEP (NXCOMPAT), 64-bit ASLR entropy on x86_64; -s: no debug
# sections in what we ship.
PE_WINVER   := $(if $(filter i686,$(ARCH)),5 0,5 2)
PE_VERFLAGS  = --major-$(1)-version,$(word 1,$(PE_WINVER)),--minor-$(1)-version,$(word 2,$(PE_WINVER))
PE_LDFLAGS  := -s -Wl,$(call PE_VERFLAGS,subsystem),$(call PE_VERFLAGS,os) \
               -Wl,--dynamicbase,--nxcompat,--enable-reloc-section \
               $(if $(filter x86_64,$(ARCH)),-Wl$(comma)--high-entropy-va)
$(SHIPPED): private WIN_LDFLAGS += $(PE_LDFLAGS)

# Test programs (not shipped).  unit.exe: the unit tests cross-built with
# Check, in obj/unit/ because Check wants MinGW's C99 printf.
UNIT_OBJS := $(call objs,unit/,$(UNIT_SRCS) $(WIN_UNIT_SRCS))
$(OBJ)/unit/%.o: %.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) -isystem $(CHECK)/include -D__USE_MINGW_ANSI_STDIO=1 \
	    $(WIN_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(UNIT_OBJS): $(OPENSSL)/include/openssl/configuration.h $(OBJ)/flags.txt
DEPFILES += $(UNIT_OBJS:.o=.d)
$(TBIN)/unit.exe: $(UNIT_OBJS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_LDFLAGS) -o $@ $(LINK_INPUTS) $(CHECK)/lib/libcheck.a -pthread $(CRYPTO_LIBS)

# The fault-point builds of both programs (tests/publish-tests.sh,
# tests/cred-tests.sh).
$(TBIN)/empkp-faults.exe: $(call objs,faults/,$(SERVER_SRCS)) $(SERVER_RES) $(LIBS_FAULTS)
	@mkdir -p $(@D)
	$(CC_WIN) -municode -mwindows $(WIN_LDFLAGS) -o $@ $(LINK_INPUTS) $(SERVER_LIBS)
$(TBIN)/empkpcred-faults.exe: $(call objs,faults/,$(TOOL_SRCS)) $(LIBS_FAULTS)
	@mkdir -p $(@D)
	$(CC_WIN) -municode $(WIN_LDFLAGS) -o $@ $(LINK_INPUTS) $(CRYPTO_LIBS)

# Each helper program from its one source, tests/e2e/NAME.c or
# tests/pe/NAME.c, with the same flags as the shipped code (smash.exe, which
# overflows a local array on purpose, proves their stack protector live);
# below, per program, the objects and libraries it links, and whether its
# entry point is wmain.
vpath %.c tests/e2e tests/pe
$(TBIN)/%.exe: %.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(DEPFLAGS) $(if $(filter $*,$(WMAIN)),-municode) \
	    $(WIN_LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(HELPER_LIBS)
WMAIN := probe msgbox-text capicred regacl regsd verinfo comcontract
# comcontract.exe calls the server's own class factory in process, so it
# links the server's objects but main.o (empkp_res.o carries the type library).
$(TBIN)/comcontract.exe: $(filter-out $(OBJ)/server/main.o,$(call objs,,$(SERVER_SRCS))) \
                         $(SERVER_RES) $(LIBS_SHARED)
$(TBIN)/comcontract.exe: HELPER_LIBS := $(SERVER_LIBS)
$(TBIN)/client.exe $(TBIN)/stress.exe: $(OBJ)/gen/empkp_i.o
$(TBIN)/client.exe:      HELPER_LIBS := -lole32 -luuid -ladvapi32
$(TBIN)/stress.exe:      HELPER_LIBS := -lole32 -luuid
$(TBIN)/msgbox-text.exe: HELPER_LIBS := -luser32
$(TBIN)/verinfo.exe:     HELPER_LIBS := -lversion
$(addprefix $(TBIN)/,importkey.exe probe.exe capicred.exe regacl.exe regsd.exe): HELPER_LIBS := -ladvapi32
$(HELPERS:%=$(TBIN)/%.exe): $(OBJ)/flags.txt
DEPFILES += $(HELPERS:%=$(TBIN)/%.d)
# badpe.exe is unfit on purpose (tests/pe/badpe.c), linked with everything
# switched off (no time stamp either; -g keeps the build folder's path in
# its debug info).
$(TBIN)/badpe.exe: tests/pe/badpe.c
	@mkdir -p $(@D)
	$(CC_WIN) -O2 -g -o $@ $^ -Wl,--disable-dynamicbase,--disable-nxcompat \
	    -Wl,--disable-reloc-section,--major-subsystem-version,6,--major-os-version,6 \
	    -Wl,--no-insert-timestamp \
	    $(if $(filter x86_64,$(ARCH)),-Wl$(comma)--disable-high-entropy-va)

# tests/bench/bench.c: keygen, cross-process calls and the server's working
# set, measured under Wine by tests/bench/bench.sh.  Not shipped, not a test.
$(TBIN)/bench.exe: $(call objs,,tests/bench/bench.c tests/bench/benchstats.c) \
                   $(OBJ)/gen/empkp_i.o $(LIBS_SHARED)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_LDFLAGS) -o $@ $(LINK_INPUTS) $(CRYPTO_LIBS) -lole32 -loleaut32 -luuid -lpsapi
DEPFILES += $(patsubst %.c,$(OBJ)/%.d,tests/bench/bench.c tests/bench/benchstats.c)

arch-demo:  $(TBIN)/msgbox-text.exe
arch-tests: $(TBIN)/unit.exe $(HELPERS:%=$(TBIN)/%.exe) $(TBIN)/badpe.exe \
            $(TBIN)/empkp-faults.exe $(TBIN)/empkpcred-faults.exe
arch-bench: $(TBIN)/bench.exe

# make dist, per arch: build/dist/empkp-VERSION-ARCH.zip (the binaries,
# install.cmd, uninstall.cmd, README.txt: the administrator's manual
# packaging/MANUAL.txt, LICENSE.txt, THIRD-PARTY.txt, SHA256SUMS) and
# build/dist/empkp-VERSION-ARCH.msi (packaging/empkp.wxs,
# wixl).  With SIGN_CERT=cert.pem SIGN_KEY=key.pem the binaries and the MSI
# are Authenticode-signed (packaging/sign.sh); build/ARCH/ keeps the
# unsigned ones.  The staging folder is remade every time: signing depends
# on variables, not files.
#
# Reproducible: every file in the stage, so in the zip and in the MSI's
# cabinet, gets SOURCE_DATE_EPOCH as its time and fixed permissions; the
# zip lists them in one order, without extra fields (-X), in UTC.  The
# MSI's codes are name-based UUIDs in the UpgradeCode's namespace
# (packaging/uuid5.sh): the ProductCode from VERSION and arch, so that each
# version has its own and the major upgrade finds the older one; the
# package code also from the files and empkp.wxs, so that two different
# packages never share one.  Signing comes last, on top of the
# reproducible files.
DIST      := $(BUILD)/dist
DIST_NAME := empkp-$(VERSION)-$(ARCH)
STAGE     := $(DIST)/$(DIST_NAME)
MSI_ARCH  := $(if $(filter x86_64,$(ARCH)),x64,x86)
UPGRADE_CODE := $(shell sed -n 's/.*UpgradeCode="\([0-9A-Fa-f-]*\)".*/\1/p' packaging/empkp.wxs)
SIGN       = $(if $(SIGN_CERT),packaging/sign.sh $(SIGN_CERT) $(SIGN_KEY) $(1))
# Text for Windows: CRLF line ends (cmd.exe needs them for labels; Notepad
# before Windows 10 shows LF files as one line).
CRLF      := sed 's/\r*$$/\r/'
DIST_DOCS := packaging/install.cmd packaging/uninstall.cmd packaging/MANUAL.txt LICENSE \
             packaging/THIRD-PARTY.txt packaging/empkp.wxs
# The custom actions that run "empkp.exe /stopservers" from the MSI's
# Binary table before files are removed or replaced (the comment in
# packaging/empkp.wxs sequences them): type 2, an EXE in the Binary table,
# immediate; 3074 = 2 + deferred (1024) + not impersonated (2048).  wixl
# cannot write this type, so msibuild adds the rows.
MSI_STOP_ACTIONS := 'StopServersUpgrade',:2,:'empkpstop',:'/stopservers' \
                    'StopServers',:3074,:'empkpstop',:'/stopservers'
arch-dist: $(SHIPPED) $(DIST_DOCS) $(MSI_STAMP)
	$(if $(SIGN_CERT),$(if $(SIGN_KEY),,$(error SIGN_CERT needs SIGN_KEY, the certificate's private key)))
	rm -rf $(STAGE) $(STAGE).zip $(STAGE).msi
	mkdir -p $(STAGE)
	cp $(SHIPPED) $(STAGE)/
	$(call SIGN,$(STAGE)/empkp.exe $(STAGE)/empkpps.dll $(STAGE)/empkpcred.exe)
	sed 's/@ARCH@/$(ARCH)/' packaging/install.cmd | $(CRLF) >$(STAGE)/install.cmd
	sed 's/@ARCH@/$(ARCH)/' packaging/uninstall.cmd | $(CRLF) >$(STAGE)/uninstall.cmd
	$(CRLF) packaging/MANUAL.txt >$(STAGE)/README.txt
	$(CRLF) LICENSE >$(STAGE)/LICENSE.txt
	cat packaging/THIRD-PARTY.txt /usr/share/common-licenses/Apache-2.0 | $(CRLF) >$(STAGE)/THIRD-PARTY.txt
	cd $(STAGE) && sha256sum empkp.exe empkpps.dll empkpcred.exe install.cmd uninstall.cmd README.txt \
	    LICENSE.txt THIRD-PARTY.txt >SHA256SUMS
	chmod 0755 $(STAGE) $(STAGE)/*.exe $(STAGE)/*.dll
	chmod 0644 $(STAGE)/*.cmd $(STAGE)/*.txt $(STAGE)/SHA256SUMS
	touch -d @$(SOURCE_DATE_EPOCH) $(STAGE)/* $(STAGE)
	cd $(DIST) && find $(DIST_NAME) | LC_ALL=C sort | TZ=UTC zip -qX -@ $(DIST_NAME).zip
	product=$$(packaging/uuid5.sh $(UPGRADE_CODE) "empkp ProductCode $(VERSION) $(MSI_ARCH)") && \
	cd $(STAGE) && TZ=UTC wixl -a $(MSI_ARCH) -D Arch=$(MSI_ARCH) -D Version=$(VERSION) \
	    -D Company="$(COMPANY)" -D ProductCode="$$product" \
	    -o ../$(DIST_NAME).msi $(CURDIR)/packaging/empkp.wxs
	msibuild $(STAGE).msi $(foreach r,$(MSI_STOP_ACTIONS),-q "INSERT INTO \`CustomAction\` \
	    (\`Action\`, \`Type\`, \`Source\`, \`Target\`) VALUES ($(subst :, ,$(r)))")
	content=$$(cat $(STAGE)/SHA256SUMS packaging/empkp.wxs | sha256sum | cut -c1-64) && \
	package=$$(packaging/uuid5.sh $(UPGRADE_CODE) \
	    "empkp PackageCode $(VERSION) $(MSI_ARCH) $(COMPANY) $$content") && \
	$(MSI_STAMP) $(STAGE).msi "$$package" $(SOURCE_DATE_EPOCH)
	$(call SIGN,$(STAGE).msi)
endif

# Generated header dependencies (missing ones are fine: not built yet).
-include $(DEPFILES)
