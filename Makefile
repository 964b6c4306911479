# empkp: a free EMPKP public key publisher (see README.md).
#
#   make            build both arches: build/x86_64/ and build/i686/
#   make check      every test; ends with one line "N passed, N failed[, N skipped]"
#   make demo       the whole job under Wine: register, the KB's script, DATA0
#   make dist       per-arch zip and MSI in build/dist/ (SIGN_CERT=, SIGN_KEY= to sign)
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

# The plain-C logic (no Windows headers) that the unit tests reach, natively
# under the sanitizers and cross-built under Wine.
LOGIC_SRCS := server/cmdline.c server/publish_plan.c crypto/keyblob.c \
              server/identity.c server/localserver.c server/pe_check.c \
              server/diagnose_logic.c server/diagnose_report.c server/sdcheck.c \
              server/dcom_perm.c \
              server/regsafe.c

# --- Product identity (issue 6) -------------------------------------------
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

# --- Reproducible builds ----------------------------------------------------
# The same commit and VERSION give byte-identical binaries, zips and MSIs on
# any machine of this kind, in any folder, at any time (README, "Reproducing
# a release").  Every time stamp in them is SOURCE_DATE_EPOCH: given on the
# command line or in the environment, else the commit's time (git log), else,
# outside a git checkout, the Makefile's modification time (which a
# `git archive` tarball sets to the commit's time), with a warning.  ld
# writes it as the PE TimeDateStamp (and the export directory's) and then
# computes the PE checksum; widl as the type library's time; make dist as
# every file time in the zips and MSIs.
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
# Sets an MSI's package code and summary times (make dist; built natively).
MSI_STAMP := $(BUILD)/native/msi-stamp

# --- Dependencies -------------------------------------------------------
# deps/setup.sh installs Debian packages and cross-builds OpenSSL and Check
# into a per-machine cache, then writes $(DEPS_MK) naming their prefixes.
# Make re-reads this file once $(DEPS_MK) exists.
ifeq ($(filter clean,$(MAKECMDGOALS)),)
include $(DEPS_MK)
endif
$(DEPS_MK): deps/setup.sh deps/build-openssl.sh deps/build-check.sh $(wildcard deps/patches/*.patch)
	deps/setup.sh $@
# OpenSSL is built from Debian's source of libssl-dev's version: a Debian update
# (often a security fix that keeps the upstream version) runs set-up again, and
# set-up builds it anew under that version's cache key.
ifneq ($(OPENSSL_DEBVER),$(shell dpkg-query -W -f='$${source:Version}' libssl-dev 2>/dev/null))
$(DEPS_MK): openssl-version-changed
endif
.PHONY: openssl-version-changed
openssl-version-changed:

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
WINDMC  := $(TRIPLET)-windmc
OUT     := $(BUILD)/$(ARCH)
GEN     := $(OUT)/gen
OBJ     := $(OUT)/obj
# widl writes its clock into the type library (as a number and as ctime()
# text, hence TZ) unless WIDL_TIME_OVERRIDE says otherwise.
WIDL    := TZ=UTC WIDL_TIME_OVERRIDE=$(SOURCE_DATE_EPOCH) $(TRIPLET)-widl $(if $(filter i686,$(ARCH)),-m32,-m64) -Oif \
           -I /usr/include/wine/wine/windows \
           -L /usr/lib/x86_64-linux-gnu/wine/x86_64-windows
OPENSSL := $(OPENSSL_$(ARCH))
CHECK   := $(CHECK_$(ARCH))

# 0x0502 = Windows Server 2003: keeps Vista-only APIs out of our code and
# OpenSSL's (see README, "Supported Windows").
WIN_CPPFLAGS := -D_WIN32_WINNT=0x0502 -DWINVER=0x0502 -DUNICODE -D_UNICODE \
                -DCONST_VTABLE -DCOBJMACROS -I$(GEN) -Iserver -Icrypto \
                -I$(OPENSSL)/include
# Stack canaries in our code and widl's (see README, "Supported Windows"):
# from the static libssp (-static: never libssp-0.dll), whose few imports
# (CryptAcquireContextA, msvcrt's _open/_write/_close) Windows 2000 has.
WIN_HARDEN   := -fstack-protector-strong
WIN_CFLAGS   := -std=gnu11 -O2 $(WARN) $(REPRO_CFLAGS) $(WIN_HARDEN)
WIN_LDFLAGS  := -static -static-libgcc $(WIN_HARDEN)
CRYPTO_LIBS  := $(OPENSSL)/lib/libcrypto.a -ladvapi32 -lcrypt32 -luser32 -lws2_32

# widl output: header, GUIDs, proxy code, dlldata and the type library.
$(GEN)/empkp.h:     idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -h -o $@ $<
$(GEN)/empkp_i.c:   idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -u -o $@ $<
$(GEN)/empkp_p.c:   idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -p -o $@ $<
$(GEN)/empkp.tlb:   idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) -t -o $@ $<
$(GEN)/dlldata.c:   idl/empkp.idl ; @mkdir -p $(@D) && $(WIDL) --dlldata-only -o $@ empkp
# The type library's time is SOURCE_DATE_EPOCH, which version.h follows.
$(GEN)/empkp.tlb: $(GEN)/version.h

# windmc output: the event log message table (messages.rc + MSG00409.bin)
# and its header of message ids.
$(GEN)/messages.rc: server/messages.mc ; @mkdir -p $(@D) && $(WINDMC) -h $(GEN) -r $(GEN) $<
$(GEN)/messages.h:  $(GEN)/messages.rc

# Our sources.
SERVER_NAMES := main cmdline console lifetime rpcpin factory publisher typelib publish \
                publish_cache publish_plan exmpls keystore eventlog register \
                identity self localserver pe_check diagnose diagnose_logic \
                diagnose_report diagnose_com diagnose_key diagnose_reg sdcheck publish_lock \
                dcom_perm diagnose_dcom stopservers \
                regsafe diagnose_fixsafe
OTHER_OBJS   := $(addprefix $(OBJ)/,keyblob.o empkp_i.o empkp_res.o messages_res.o)
SERVER_OBJS  := $(SERVER_NAMES:%=$(OBJ)/%.o) $(OTHER_OBJS)
SERVER_HDRS  := $(GEN)/empkp.h $(GEN)/messages.h $(wildcard server/*.h crypto/*.h)

$(OBJ)/%.o: server/%.c $(SERVER_HDRS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -c -o $@ $<
$(OBJ)/%.o: crypto/%.c $(SERVER_HDRS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -c -o $@ $<
$(OBJ)/empkp_res.o: server/empkp.rc $(GEN)/empkp.tlb
	@mkdir -p $(@D)
	$(WINDRES) -I$(GEN) -o $@ $<
$(OBJ)/messages_res.o: $(GEN)/messages.rc
	@mkdir -p $(@D)
	cd $(GEN) && $(WINDRES) -o $(CURDIR)/$@ messages.rc

# The same server with fault points compiled in (server/faultpoint.h), for
# the crash-consistency tests only: never shipped.
$(OBJ)/faults/%.o: server/%.c $(SERVER_HDRS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) -DEMPKP_FAULT_POINTS $(WIN_CFLAGS) -c -o $@ $<

# widl's C is not ours: built with -Werror all the same, but without the
# one warning its generated casts always raise.
GEN_CFLAGS := -std=gnu11 -O2 $(WARN) -Wno-cast-function-type $(REPRO_CFLAGS) $(WIN_HARDEN)
$(OBJ)/empkp_i.o: $(GEN)/empkp_i.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(GEN_CFLAGS) -c -o $@ $<
$(OBJ)/ps/%.o: $(GEN)/%.c $(GEN)/empkp.h
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(GEN_CFLAGS) -DREGISTER_PROXY_DLL -DPROXY_DELEGATION \
	    -include proxystub/iunknown_proxy.h -c -o $@ $<

# empkp.exe: GUI subsystem, so COM starting it opens no console window.
SERVER_LIBS := $(CRYPTO_LIBS) -lole32 -loleaut32 -luuid -lshell32
$(OUT)/empkp.exe: $(SERVER_OBJS)
	$(CC_WIN) -municode -mwindows $(WIN_LDFLAGS) -o $@ $^ $(SERVER_LIBS)

# empkpps.dll: the proxy/stub DLL, from widl's output alone.
$(OUT)/empkpps.dll: $(addprefix $(OBJ)/ps/,empkp_p.o empkp_i.o dlldata.o) proxystub/empkpps.def
	$(CC_WIN) -shared $(WIN_LDFLAGS) -Wl,--enable-stdcall-fixup -o $@ $^ \
	    -lrpcrt4 -loleaut32 -lole32 -luuid

# A new OpenSSL build (deps/setup.sh names another cache folder whenever
# deps/build-openssl.sh or a patch changes) recompiles and so relinks what uses it: its
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
UNIT_SRCS := $(wildcard tests/unit/*.c) $(LOGIC_SRCS)
$(TBIN)/unit.exe: $(OPENSSL)/lib/libcrypto.a
$(TBIN)/unit.exe: $(UNIT_SRCS) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) -isystem $(CHECK)/include -Itests/unit $(WIN_CFLAGS) \
	    -D__USE_MINGW_ANSI_STDIO=1 $(WIN_LDFLAGS) -o $@ $(UNIT_SRCS) \
	    $(CHECK)/lib/libcheck.a -pthread $(CRYPTO_LIBS)
$(TBIN)/client.exe: tests/e2e/client.c $(OBJ)/empkp_i.o
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $^ -lole32 -luuid -ladvapi32
$(TBIN)/importkey.exe: tests/e2e/importkey.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $^ -ladvapi32
$(TBIN)/stress.exe: tests/e2e/stress.c $(OBJ)/empkp_i.o
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $^ -lole32 -luuid
$(TBIN)/probe.exe: tests/e2e/probe.c server/keystore.h
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -municode $(WIN_LDFLAGS) -o $@ $< -ladvapi32
$(TBIN)/msgbox-text.exe: tests/e2e/msgbox-text.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -municode $(WIN_LDFLAGS) -o $@ $^ -luser32

$(TBIN)/exitcode.exe: tests/e2e/exitcode.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $^
# Overflows a local array on purpose, built with the shipped binaries'
# flags: proof that their stack protector is live (tests/wine-tests.sh).
$(TBIN)/smash.exe: tests/e2e/smash.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $^
arch-tests: $(TBIN)/smash.exe

$(TBIN)/empkp-faults.exe: $(SERVER_NAMES:%=$(OBJ)/faults/%.o) $(OTHER_OBJS)
	@mkdir -p $(@D)
	$(CC_WIN) -municode -mwindows $(WIN_LDFLAGS) -o $@ $^ $(SERVER_LIBS)

.PHONY: arch-demo
arch-demo: $(TBIN)/msgbox-text.exe
arch-tests: $(addprefix $(TBIN)/,unit.exe client.exe importkey.exe msgbox-text.exe empkp-faults.exe probe.exe stress.exe)
arch-tests: $(TBIN)/exitcode.exe

# --- Fit for the user's servers (issue 6) ---------------------------------
# The shipped binaries, and what every one of them must be (tests/pe-tests.sh
# checks each point on the linked files).
SHIPPED := $(OUT)/empkp.exe $(OUT)/empkpps.dll
comma   := ,
# Oldest Windows each build must load on: i686 is what Exchange 2000/2003
# admins deploy, on Windows 2000 Server (5.0) and Server 2003; x86_64 starts
# at Windows Server 2003 x64 (5.2).  The loader refuses an image whose
# subsystem version is newer than the OS, with the KB's very message "is not
# a valid Win32 application".
PE_WINVER  := $(if $(filter i686,$(ARCH)),5 0,5 2)
PE_VERFLAGS = --major-$(1)-version,$(word 1,$(PE_WINVER)),--minor-$(1)-version,$(word 2,$(PE_WINVER))
# ASLR (DYNAMICBASE, with the relocation table it needs: older ld dropped
# .reloc from executables unless told), DEP (NXCOMPAT), 64-bit ASLR entropy
# on x86_64; -s: no debug sections in what we ship.
PE_LDFLAGS := -s -Wl,$(call PE_VERFLAGS,subsystem),$(call PE_VERFLAGS,os) \
              -Wl,--dynamicbase,--nxcompat,--enable-reloc-section \
              $(if $(filter x86_64,$(ARCH)),-Wl$(comma)--high-entropy-va)
$(SHIPPED): private WIN_LDFLAGS += $(PE_LDFLAGS)

# VERSIONINFO: packaging/version.rc, compiled once per binary, with the
# values above.  version.h is rewritten only when they change (also when
# given on the command line), so a version change relinks and nothing else.
# It holds SOURCE_DATE_EPOCH too, so that a new commit relinks the shipped
# binaries (each depends on its version-*.o) and remakes the type library
# with the new time: no binary keeps an older commit's stamp.
$(GEN)/version.h: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '/* Written by the Makefile from VERSION, PRODUCT, COMPANY, SOURCE_DATE_EPOCH. */' \
	    '#define EMPKP_VER_COMMA $(subst .,$(comma),$(VERSION)),0' \
	    '#define EMPKP_VER_STR "$(VERSION)"' \
	    '#define EMPKP_PRODUCT_STR "$(PRODUCT)"' \
	    '#define EMPKP_COMPANY_STR "$(COMPANY)"' \
	    '#define EMPKP_SOURCE_DATE_EPOCH $(SOURCE_DATE_EPOCH)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
.PHONY: FORCE
FORCE:
$(OBJ)/version-exe.o: packaging/version.rc $(GEN)/version.h
	@mkdir -p $(@D)
	$(WINDRES) -I$(GEN) -DEMPKP_EXE -o $@ $<
$(OBJ)/version-ps.o: packaging/version.rc $(GEN)/version.h
	@mkdir -p $(@D)
	$(WINDRES) -I$(GEN) -DEMPKP_PS -o $@ $<
# Extra prerequisites land in the existing link lines' $^.
$(OUT)/empkp.exe: $(OBJ)/version-exe.o
$(OUT)/empkpps.dll: $(OBJ)/version-ps.o

# Test programs for tests/pe-tests.sh and tests/dist-tests.sh: verinfo.exe
# reads the version resource back as Windows does; badpe.exe is unfit on
# purpose (see tests/pe/badpe.c), linked with everything switched off (no
# time stamp either; -g keeps the build folder's path in its debug info).
$(TBIN)/verinfo.exe: tests/pe/verinfo.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -municode $(WIN_LDFLAGS) -o $@ $^ -lversion
$(TBIN)/badpe.exe: tests/pe/badpe.c
	@mkdir -p $(@D)
	$(CC_WIN) -O2 -g -o $@ $^ -Wl,--disable-dynamicbase,--disable-nxcompat \
	    -Wl,--disable-reloc-section,--major-subsystem-version,6,--major-os-version,6 \
	    -Wl,--no-insert-timestamp \
	    $(if $(filter x86_64,$(ARCH)),-Wl$(comma)--disable-high-entropy-va)
arch-tests: $(TBIN)/verinfo.exe $(TBIN)/badpe.exe

# --- Distribution: make dist (issue 6) ------------------------------------
# Per arch, build/dist/empkp-VERSION-ARCH.zip (binaries, install.cmd,
# uninstall.cmd, README.txt, LICENSE.txt, THIRD-PARTY.txt, SHA256SUMS) and
# build/dist/empkp-VERSION-ARCH.msi (packaging/empkp.wxs, wixl).  With
# SIGN_CERT=cert.pem SIGN_KEY=key.pem the binaries and the MSI are
# Authenticode-signed (packaging/sign.sh); build/ARCH/ keeps the unsigned
# ones.  The staging folder is remade every time: signing depends on
# variables, not files.
#
# Reproducible (README, "Reproducing a release"): every file in the stage,
# so in the zip and in the MSI's cabinet, gets SOURCE_DATE_EPOCH as its time
# and fixed permissions; the zip lists them in one order, without extra
# fields (-X), in UTC.  The MSI's codes are name-based UUIDs in the
# UpgradeCode's namespace (packaging/uuid5.sh): the ProductCode from VERSION
# and arch, so that each version has its own and the major upgrade finds the
# older one; the package code also from the files and empkp.wxs, so that
# two different packages never share one.  wixl 0.101 takes the package
# code and the summary times from the random generator and the clock, so
# msi-stamp (packaging/msi-stamp.c) sets them afterwards.  Signing comes
# last, on top of the reproducible files.
DIST      := $(BUILD)/dist
DIST_NAME := empkp-$(VERSION)-$(ARCH)
STAGE     := $(DIST)/$(DIST_NAME)
MSI_ARCH  := $(if $(filter x86_64,$(ARCH)),x64,x86)
UPGRADE_CODE := $(shell sed -n 's/.*UpgradeCode="\([0-9A-Fa-f-]*\)".*/\1/p' packaging/empkp.wxs)
SIGN       = $(if $(SIGN_CERT),packaging/sign.sh $(SIGN_CERT) $(SIGN_KEY) $(1))
# Text for Windows: CRLF line ends (cmd.exe needs them for labels; Notepad
# before Windows 10 shows LF files as one line).
CRLF       = sed 's/\r*$$/\r/'
DIST_DOCS := packaging/install.cmd packaging/uninstall.cmd README.md LICENSE \
             packaging/THIRD-PARTY.txt packaging/empkp.wxs

# The custom actions that run "empkp.exe /stopservers" from the MSI's
# Binary table before files are removed or replaced (see the comment in
# packaging/empkp.wxs, which sequences them): type 2, an EXE in the Binary
# table, immediate; 3074 = 2 + deferred (1024) + not impersonated (2048).
# wixl cannot write this type, so msibuild adds the rows.
MSI_STOP_ACTIONS := 'StopServersUpgrade',:2,:'empkpstop',:'/stopservers' \
                    'StopServers',:3074,:'empkpstop',:'/stopservers'
.PHONY: arch-dist
# empkpcred.exe goes with them: the administrator's tool for DATA1..3.
arch-dist: $(SHIPPED) $(OUT)/empkpcred.exe $(DIST_DOCS) $(MSI_STAMP)
	$(if $(SIGN_CERT),$(if $(SIGN_KEY),,$(error SIGN_CERT needs SIGN_KEY, the certificate's private key)))
	rm -rf $(STAGE) $(STAGE).zip $(STAGE).msi
	mkdir -p $(STAGE)
	cp $(SHIPPED) $(OUT)/empkpcred.exe $(STAGE)/
	$(call SIGN,$(STAGE)/empkp.exe $(STAGE)/empkpps.dll $(STAGE)/empkpcred.exe)
	sed 's/@ARCH@/$(ARCH)/' packaging/install.cmd | $(CRLF) >$(STAGE)/install.cmd
	sed 's/@ARCH@/$(ARCH)/' packaging/uninstall.cmd | $(CRLF) >$(STAGE)/uninstall.cmd
	$(CRLF) README.md >$(STAGE)/README.txt
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

# --- Benchmark program: make bench (issue 7) ----------------------------------
# tests/bench/bench.c: keygen, cross-process calls and the server's working
# set, measured under Wine by tests/bench/bench.sh.  Not shipped, not a test.
.PHONY: arch-bench
$(TBIN)/bench.exe: tests/bench/bench.c tests/bench/benchstats.c tests/bench/benchstats.h \
                   $(OBJ)/keyblob.o $(OBJ)/keystore.o $(OBJ)/exmpls.o \
                   $(OBJ)/publish_lock.o $(OBJ)/publish_plan.o $(OBJ)/sdcheck.o \
                   $(OBJ)/empkp_i.o $(GEN)/empkp.h \
                   $(OPENSSL)/lib/libcrypto.a
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ \
	    $(filter %.c %.o,$^) $(CRYPTO_LIBS) -lole32 -loleaut32 -luuid -lpsapi
arch-bench: $(TBIN)/bench.exe
# Its statistics (bootstrap intervals, verdicts) are plain C: in the unit tests.
UNIT_SRCS += tests/bench/benchstats.c
$(TBIN)/unit.exe: tests/bench/benchstats.c tests/bench/benchstats.h
WIN_CPPFLAGS += -Itests/bench


endif

# --- Native unit tests ----------------------------------------------------
# The plain-C logic (crypto/, server/cmdline.c) under AddressSanitizer and
# UndefinedBehaviorSanitizer, against the system's OpenSSL and Check.
NATIVE_CFLAGS := -std=c11 -g -O1 $(WARN) -fsanitize=address,undefined \
                 -fno-sanitize-recover=all -fno-omit-frame-pointer
# One source list for both native builds (sanitizers here, valgrind below).
NATIVE_UNIT_SRCS := $(wildcard tests/unit/*.c) $(LOGIC_SRCS) crypto/credblob.c \
                    tools/credargs.c tools/credinput.c tests/bench/benchstats.c
NATIVE_UNIT_HDRS := $(wildcard tests/unit/*.h server/*.h crypto/*.h tools/*.h tests/bench/*.h)
$(BUILD)/native/unit: $(NATIVE_UNIT_SRCS) $(NATIVE_UNIT_HDRS)
	@mkdir -p $(@D)
	cc $(NATIVE_CFLAGS) -Iserver -Icrypto -Itools -Itests/unit -Itests/bench -o $@ \
	    $(NATIVE_UNIT_SRCS) $$(pkg-config --cflags --libs check) -lcrypto

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
$(BUILD)/native/unit-vg: $(NATIVE_UNIT_SRCS) $(NATIVE_UNIT_HDRS)
	@mkdir -p $(@D)
	cc $(VG_CFLAGS) -Iserver -Icrypto -Itools -Itests/unit -Itests/bench -o $@ \
	    $(NATIVE_UNIT_SRCS) $$(pkg-config --cflags --libs check) -lcrypto
check-valgrind: $(BUILD)/native/unit-vg
	@CK_FORK=no timeout 1800 valgrind --error-exitcode=1 --leak-check=full \
	    --log-file=$(BUILD)/native/valgrind.log $(BUILD)/native/unit-vg; rc=$$?; \
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|All heap blocks' \
	    $(BUILD)/native/valgrind.log; \
	echo "valgrind: exit $$rc (full report $(BUILD)/native/valgrind.log)"; exit $$rc

# --- Fuzzing: make fuzz (issue 7) -------------------------------------------
# libFuzzer targets (clang, native, ASan+UBSan) for every parser of outside
# input: the PUBLICKEYBLOB reader (DATA0), the command line, the PE checker
# of /diagnose (any file LocalServer32 names), empkpcred's password input
# and the check of what a DATA1..3 value decrypts to.  Each target
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
$(BUILD)/fuzz/fuzz_pe_check: tests/fuzz/fuzz_pe_check.c server/pe_check.c server/pe_check.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Iserver -o $@ $(filter %.c,$^)
$(BUILD)/fuzz/fuzz_credinput: tests/fuzz/fuzz_credinput.c tools/credinput.c tools/credinput.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Itools -o $@ $(filter %.c,$^)
$(BUILD)/fuzz/fuzz_credtext: tests/fuzz/fuzz_credtext.c crypto/credblob.c crypto/credblob.h \
                             crypto/keyblob.c crypto/keyblob.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Icrypto -o $@ $(filter %.c,$^) -lcrypto
FUZZ_TARGETS := $(BUILD)/fuzz/fuzz_keyblob $(BUILD)/fuzz/fuzz_cmdline $(BUILD)/fuzz/fuzz_pe_check \
                $(BUILD)/fuzz/fuzz_credinput $(BUILD)/fuzz/fuzz_credtext
fuzz: $(FUZZ_TARGETS)
	@rc=0; \
	tests/fuzz/run.sh keyblob $(BUILD)/fuzz/fuzz_keyblob tests/fuzz/corpus/keyblob \
	    $(BUILD)/fuzz/keyblob $(FUZZ_SECONDS) -max_len=1024 || rc=1; \
	tests/fuzz/run.sh cmdline $(BUILD)/fuzz/fuzz_cmdline tests/fuzz/corpus/cmdline \
	    $(BUILD)/fuzz/cmdline $(FUZZ_SECONDS) -max_len=4096 -dict=tests/fuzz/cmdline.dict || rc=1; \
	tests/fuzz/run.sh pe_check $(BUILD)/fuzz/fuzz_pe_check tests/fuzz/corpus/pe_check \
	    $(BUILD)/fuzz/pe_check $(FUZZ_SECONDS) -max_len=4096 || rc=1; \
	tests/fuzz/run.sh credinput $(BUILD)/fuzz/fuzz_credinput tests/fuzz/corpus/credinput \
	    $(BUILD)/fuzz/credinput $(FUZZ_SECONDS) -max_len=2048 || rc=1; \
	tests/fuzz/run.sh credtext $(BUILD)/fuzz/fuzz_credtext tests/fuzz/corpus/credtext \
	    $(BUILD)/fuzz/credtext $(FUZZ_SECONDS) -max_len=1024 || rc=1; \
	exit $$rc
$(BUILD)/fuzz/gen_corpus: tests/fuzz/gen_corpus.c crypto/keyblob.c crypto/keyblob.h
	@mkdir -p $(@D)
	cc -std=c11 -O1 $(WARN) -Icrypto -o $@ $(filter %.c,$^) -lcrypto
fuzz-corpus: $(BUILD)/fuzz/gen_corpus
	rm -rf tests/fuzz/corpus && mkdir -p tests/fuzz/corpus
	$(BUILD)/fuzz/gen_corpus tests/fuzz/corpus

# --- Tests and demo -------------------------------------------------------
ifeq ($(ARCH),)
# check also builds what check-valgrind runs, so a stale source list shows.
# check also builds what every other documented target builds (the valgrind
# and fuzz binaries, the bench program), so that a break in one shows in CI;
# it runs none of them.
check: all $(BUILD)/native/unit $(BUILD)/native/unit-vg $(FUZZ_TARGETS)
	@for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a arch-tests arch-bench || exit 1; done
	WINE32=$(WINE32) WINE32_WHY="$(WINE32_WHY)" tests/check.sh

# The demo reads the KB script's message box back with msgbox-text.exe.
demo: all
	@for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a arch-demo || exit 1; done
	WINE32=$(WINE32) WINE32_WHY="$(WINE32_WHY)" tests/demo.sh

# --- Benchmarks: make bench (issue 7) -----------------------------------------
# Figures side by side in one run, printed and written to build/bench-<date>.txt;
# never fails on a slow figure.  Not part of make check.  Run counts can be
# changed: make bench BENCH_KEYGEN_RUNS=201 (see tests/bench/bench.sh).
.PHONY: bench
bench: all
	@for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a arch-bench || exit 1; done
	WINE32=$(WINE32) WINE32_WHY="$(WINE32_WHY)" tests/bench/bench.sh

endif

# --- Distribution and its tests, top level (issue 6) ----------------------
ifeq ($(ARCH),)
.PHONY: dist
# build/dist/SHA256SUMS: every artifact of this VERSION, in one order, each
# binary as the stage (and so the zip) has it; printed, with its own hash.
DIST_ARTIFACTS := $(foreach a,$(ARCHES),$(addprefix empkp-$(VERSION)-$(a)/,empkp.exe \
                    empkpps.dll empkpcred.exe) empkp-$(VERSION)-$(a).zip empkp-$(VERSION)-$(a).msi)
dist: all
	@for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a arch-dist || exit 1; done
	cd $(BUILD)/dist && sha256sum $(DIST_ARTIFACTS) >SHA256SUMS
	@echo "== SHA-256 of the artifacts (SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH), from $(SOURCE_DATE_EPOCH_FROM)):"
	@cat $(BUILD)/dist/SHA256SUMS
	@cd $(BUILD)/dist && sha256sum SHA256SUMS
	@if [ "$(SOURCE_DATE_EPOCH_FROM)" = git ] && [ -n "$$(git status --porcelain --untracked-files=no)" ]; then \
	    echo "NOTE: the tree has uncommitted changes: these are not the artifacts of commit $$(git rev-parse --short HEAD)"; fi
# make check tests the zips and MSIs too (tests/pe-tests.sh, tests/dist-tests.sh).
check: dist
endif

clean:
	rm -rf $(BUILD)

# --- Credentials: crypto/credblob.c and the tool tools/empkpcred.exe -------
# Issue 4, kept in one block so that it merges beside other work on this
# file.  credblob.c (plain C, like keyblob.c) joins both unit-test builds.

ifneq ($(ARCH),)
WIN_CPPFLAGS += -Itools
UNIT_SRCS += crypto/credblob.c tools/credargs.c tools/credinput.c
$(TBIN)/unit.exe: crypto/credblob.c crypto/credblob.h tools/credargs.c tools/credargs.h \
                  tools/credinput.c tools/credinput.h
endif

# empkpcred.exe: the administrator's credentials tool, a console program
# (it prompts for the password), beside empkp.exe in build/ARCH/.
ifneq ($(ARCH),)
TOOL_OBJS := $(addprefix $(OBJ)/tools/,empkpcred.o credargs.o credinput.o password.o \
               credstore.o credcheck.o) $(OBJ)/console.o $(OBJ)/exmpls.o $(OBJ)/credblob.o \
               $(OBJ)/keyblob.o $(OBJ)/publish_lock.o $(OBJ)/publish_plan.o $(OBJ)/sdcheck.o
TOOL_HDRS := $(wildcard tools/*.h) server/keystore.h server/console.h server/publish.h server/exmpls.h \
             server/publish_lock.h server/publish_plan.h server/sdcheck.h \
             crypto/credblob.h crypto/keyblob.h
$(OBJ)/tools/%.o: tools/%.c $(TOOL_HDRS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -c -o $@ $<
$(OUT)/empkpcred.exe: $(TOOL_OBJS)
	$(CC_WIN) -municode $(WIN_LDFLAGS) -o $@ $^ $(CRYPTO_LIBS)
arch-all: $(OUT)/empkpcred.exe
# Fit for the user's servers like the other shipped binaries (PE_LDFLAGS,
# VERSIONINFO; tests/pe-tests.sh checks it); make dist ships it beside
# $(SHIPPED) (see arch-dist).
$(OUT)/empkpcred.exe: private WIN_LDFLAGS += $(PE_LDFLAGS)
$(OBJ)/version-cred.o: packaging/version.rc $(GEN)/version.h
	@mkdir -p $(@D)
	$(WINDRES) -I$(GEN) -DEMPKP_CRED -o $@ $<
$(OUT)/empkpcred.exe: $(OBJ)/version-cred.o
# empkp /diagnose checks DATA1..3 with the same code (server/diagnose_key.c):
# extra prerequisites land in the link lines' $^.
CREDCHECK_OBJS := $(OBJ)/tools/credcheck.o $(OBJ)/tools/credstore.o $(OBJ)/credblob.o
$(OUT)/empkp.exe $(TBIN)/empkp-faults.exe: $(CREDCHECK_OBJS)

# Test build only: the same tool with fault points (tools/credstore.c) that
# end the process or fail a write where EMPKP_FAULT says (server/faultpoint.h).
$(OBJ)/tools/credstore-faults.o: tools/credstore.c $(TOOL_HDRS)
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -DEMPKP_FAULT_POINTS -c -o $@ $<
$(TBIN)/empkpcred-faults.exe: $(filter-out %/credstore.o %/publish_lock.o,$(TOOL_OBJS)) \
                              $(OBJ)/tools/credstore-faults.o $(OBJ)/faults/publish_lock.o
	@mkdir -p $(@D)
	$(CC_WIN) -municode $(WIN_LDFLAGS) -o $@ $^ $(CRYPTO_LIBS)
# CryptoAPI-only helpers for tests/cred-tests.sh (no OpenSSL, none of our
# code).
$(TBIN)/capicred.exe $(TBIN)/regacl.exe: $(TBIN)/%.exe: tests/e2e/%.c server/keystore.h
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -municode $(WIN_LDFLAGS) -o $@ $< -ladvapi32
arch-tests: $(addprefix $(TBIN)/,empkpcred-faults.exe capicred.exe regacl.exe)
# tests/diagnose-tests.sh's DCOM permission cases: SDDL to a REG_BINARY value.
$(TBIN)/regsd.exe: tests/e2e/regsd.c
	@mkdir -p $(@D)
	$(CC_WIN) $(WIN_CPPFLAGS) $(WIN_CFLAGS) -municode $(WIN_LDFLAGS) -o $@ $< -ladvapi32
arch-tests: $(TBIN)/regsd.exe
endif

# --- Reproducible releases: msi-stamp, make verify-release -----------------
# Kept in one block, like the credentials above.  See "Reproducible builds"
# at the top and README, "Reproducing a release".
$(MSI_STAMP): packaging/msi-stamp.c
	@mkdir -p $(@D)
	cc -std=gnu11 -O2 $(WARN) $$(pkg-config --cflags libmsi-1.0) -o $@ $< \
	    $$(pkg-config --libs libmsi-1.0)

# make verify-release SUMS=path/to/SHA256SUMS [REF=v1.0.0] [VERSION=...]:
# clones this repository at REF (default HEAD) into build/verify-release/,
# runs make dist there (its SOURCE_DATE_EPOCH from that commit, the shared
# dependency cache), and checks its artifacts against SUMS (sha256sum -c:
# one line per artifact, OK or FAILED).  VERSION is passed on only when
# given here, for a release built with VERSION= on the command line.
ifeq ($(ARCH),)
.PHONY: verify-release
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
endif
