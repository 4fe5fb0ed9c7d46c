# softcca top-level build. `make demo` and `make test` do all set-up themselves (deps).
#
#   make            library (release) + header check
#   make demo       end-to-end demo on a fresh demo state directory
#   make test       every test: Rust (with the C examples), header, C (cmocka), COBOL, lint
#   make bench      CSNBPCU calls per second beside pyemv+psec
#   make man        section-3 man pages of the verbs from docs/<VERB>.md (build/man/man3)
#   make install    PREFIX=/usr/local DESTDIR=   (make uninstall removes exactly what it put)
SHELL := /bin/bash
CARGO ?= cargo
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/softcca
DEBUGDIR ?= $(LIBDIR)/debug
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
BUILD := $(CURDIR)/build
LIBOUT := $(BUILD)/lib
SONAME := libsoftcca.so.1
RELEASE := $(CURDIR)/target/release

.PHONY: all deps lib header header-check test test-rust test-c test-cobol test-man test-install man demo bench fuzz install uninstall clean lint vectors
.PHONY: csulcca test-compat ivp console

all: lib

# Idempotent system set-up: apt packages (with sudo when not root), then nothing else.
deps:
	@bash scripts/deps.sh

lib:
	$(CARGO) build --release --lib
	@mkdir -p $(LIBOUT)
	@ln -sf $(RELEASE)/libsoftcca.so $(LIBOUT)/$(SONAME)
	@ln -sf $(SONAME) $(LIBOUT)/libsoftcca.so
	@cp -f $(RELEASE)/libsoftcca.a $(LIBOUT)/libsoftcca.a

# libcsulcca.so.1: IBM CCA for Linux's verb names with `long` integers, for programs written
# against csulincl.h (docs/cca-linux.md). csulcca/csulcca.c only forwards each call to
# libsoftcca's softcca_lp64_<VERB> (src/ffi/lp64.rs); $$ORIGIN finds libsoftcca.so.1 beside it.
CC ?= cc
CSULSONAME := libcsulcca.so.1
CSULFLAGS := -std=c11 -Wall -Wextra -Werror -pedantic
csulcca: lib
	$(CC) $(CSULFLAGS) -O2 -fPIC -shared -Iinclude -Wl,-soname,$(CSULSONAME) -Wl,--no-undefined \
	  -Wl,-rpath,'$$ORIGIN' -o $(LIBOUT)/libcsulcca.so.1.0.0 csulcca/csulcca.c -L$(LIBOUT) -lsoftcca
	@ln -sf libcsulcca.so.1.0.0 $(LIBOUT)/$(CSULSONAME)
	@ln -sf $(CSULSONAME) $(LIBOUT)/libcsulcca.so

# examples/cca-linux/pcu_linux.c, a CCA for Linux program (csulincl.h, `long`, -lcsulcca and no
# softcca header), built with the strict flags and run on a fresh state directory it removes,
# given the legacy-form acp.conf (an existing directory, all points as before): a program
# written for IBM's CCA for Linux loads its keys without logging on, as an existing directory
# still lets it after the upgrade (docs/access-control.md); the softcca examples log on.
test-compat: csulcca
	@mkdir -p $(BUILD)/compat
	$(CC) $(CSULFLAGS) -D_XOPEN_SOURCE=700 -Iinclude -o $(BUILD)/compat/pcu_linux examples/cca-linux/pcu_linux.c \
	  -L$(LIBOUT) -lcsulcca -Wl,-rpath,$(LIBOUT)
	@! nm -D --undefined-only $(BUILD)/compat/pcu_linux | grep -q softcca || { echo "pcu_linux uses softcca names"; exit 1; }
	@home=$$(mktemp -d /tmp/softcca-compat-XXXXXX); \
	install -m 600 tests/data/acp-legacy.conf $$home/acp.conf; \
	SOFTCCA_HOME=$$home $(BUILD)/compat/pcu_linux > $(BUILD)/compat/pcu_linux.out; status=$$?; \
	rm -rf "$$home"; cat $(BUILD)/compat/pcu_linux.out; \
	if [ $$status -ne 0 ]; then echo "test-compat: pcu_linux FAILED"; exit 1; fi

# softcca-ivp (ivp/softcca-ivp.c), the installation verification program (docs/softcca-ivp.md):
# it loads $(LIBDIR)/libsoftcca.so.1, the library `make install` puts there, so it is rebuilt
# for each LIBDIR (`softcca-ivp --library PATH` loads another); the library's version must be
# the SOFTCCA_VERSION of the include/softcca.h it is compiled with.
ivp: lib
	@mkdir -p $(BUILD)/ivp
	$(CC) $(CSULFLAGS) -O2 -Iinclude -DSOFTCCA_IVP_LIBRARY='"$(LIBDIR)/$(SONAME)"' \
	  -o $(BUILD)/ivp/softcca-ivp ivp/softcca-ivp.c -ldl

# Installs into a temporary prefix (twice: an upgrade), uses only what was installed (a C sample
# built with pkg-config alone, a COBOL sample with the installed copybooks, the man pages, gdb on
# the split debug information, softcca-ivp, the CCA for Linux program against
# csulincl.h/-lcsulcca), then uninstalls and checks that only what was there before is left.
test-install: lib csulcca man console
	@bash scripts/test-install.sh

# softcca-console (console/, docs/console.md), the operator console: a program of its own that
# calls the library's C entry points; libsoftcca does not link it.
console:
	$(CARGO) build --release -p softcca-console

header:
	SOFTCCA_BLESS_HEADER=1 $(CARGO) test --test header

header-check:
	$(CARGO) test --test header

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --quiet

# `lib` first: tests/script.rs and tests/c_examples.rs compile examples/c/pin_change_script.c,
# pcu_demo.c and card_demo.c (on virtual card 8, given a fresh state file) against the library just built (SOFTCCA_C_LIB) and run them; with CI set they
# fail, not skip, when they cannot run. The whole workspace's tests run under
# scripts/virtual-cards.sh: pcscd and 15 virtual operator cards (tests/card_pcsc.rs, tests/card_verbs.rs), stopped by
# its trap however the tests end; `timeout` turns a hung test into a failure within 30 min.
test-rust: lib
	$(CARGO) build -p softcca-vcard
	SOFTCCA_C_LIB=$(LIBOUT) bash scripts/virtual-cards.sh run 15 timeout --kill-after=10 1800 $(CARGO) test --workspace

# The C and COBOL suites run under their own scripts/virtual-cards.sh (3 cards, slot 3 empty):
# c-tests/test_csucins.c uses card 0, c-tests/test_csuccpy.c cards 1 and 2 (in the C suite's
# own run), examples/cobol/carddemo.cob card 1; the script's trap
# stops exactly the pcscd and cards it started, also when a test fails.
test-c: lib
	$(CARGO) build -p softcca-vcard
	bash scripts/virtual-cards.sh run 3 $(MAKE) -C c-tests test LIBDIR=$(LIBOUT)

test-cobol: lib
	$(CARGO) build -p softcca-vcard
	bash scripts/virtual-cards.sh run 3 $(MAKE) -C examples/cobol test LIBDIR=$(LIBOUT)

# Man pages: lowdown (Debian's `lowdown`, installed by scripts/deps.sh) turns each verb's
# reference page into its man page; scripts/man.sh says what it adapts on the way.
MANBUILD := $(BUILD)/man
man:
	@bash scripts/man.sh $(MANBUILD) $(DOCDIR)

# Every verb's page builds, renders through man(1) without a troff error, and has its NAME.
test-man: man
	@bash scripts/check-man.sh $(MANBUILD)

test: deps lint test-rust test-c test-cobol test-compat test-man test-install
	@echo "make test: all suites passed"

# The demo's last steps run examples/c/card_demo.c under its own scripts/virtual-cards.sh run 1
# and examples/c/custody_demo.c (then pcu_demo.c and `softcca-console status` on its bound
# directory) under run 3.
demo: deps lib
	$(CARGO) build -p softcca-vcard -p softcca-console
	@bash examples/demo.sh $(LIBOUT)

bench: deps lib
	@bash bench/run.sh $(LIBOUT)

# 30 s of libFuzzer per target (needs `cargo install cargo-fuzz`; see fuzz/README.md).
fuzz:
	cd fuzz && for t in pin_block key_token rule_array csnbpcu; do \
	    RUSTC_BOOTSTRAP=1 cargo fuzz run $$t -- -max_total_time=30 || exit 1; done

# Regenerate the independent test vectors (needs the pinned Python packages).
vectors:
	python3 -m pip install -q -r tests/vectors/requirements.txt
	python3 tests/vectors/gen.py
	python3 tests/vectors/gen_emv.py
	python3 tests/vectors/gen_script.py
	python3 tests/vectors/kyt_default.py

# Verbs exported by the library, from the header (for the COBOL dynamic-CALL links below).
VERBS = $(shell grep -o 'void CS[NU][A-Z]*' include/softcca.h | cut -d' ' -f2)
COBOLDIR ?= $(LIBDIR)/softcca/cobol
INSTALL_VARS = DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' LIBDIR='$(LIBDIR)' INCLUDEDIR='$(INCLUDEDIR)' \
	BINDIR='$(BINDIR)' MANDIR='$(MANDIR)' DOCDIR='$(DOCDIR)' COBOLDIR='$(COBOLDIR)' DATADIR='$(DATADIR)' \
	DEBUGDIR='$(DEBUGDIR)' RELEASE='$(RELEASE)' MANBUILD='$(MANBUILD)' VERBS='$(VERBS)'

# Installs (scripts/install.sh): the shared library stripped (soname libsoftcca.so.1) with its
# debug information split off into $(DEBUGDIR) (objcopy --only-keep-debug, .gnu_debuglink), the
# static library, the header, a pkg-config file, one `<VERB>.so` link per verb in $(COBOLDIR)
# (put that directory on COB_LIBRARY_PATH and GnuCOBOL's dynamic `CALL 'CSNBPCU'` finds the
# verb with no relinking); IBM CCA for Linux compatibility (docs/cca-linux.md): libcsulcca.so.1
# (stripped, its debug information split off too) with its soname links and csulincl.h; the
# COBOL copybooks (one per verb or family) and COBOL samples in $(DATADIR)/softcca/cobol; the
# man pages in $(MANDIR)/man3 and man1; the docs, LICENSE and the C samples in $(DOCDIR); and
# softcca-ivp, the installation verification program, and softcca-console, the operator
# console (stripped, its debug information split off), in $(BINDIR) with their man pages. It records what it
# installed and the directories it created in $(LIBDIR)/softcca/manifest; `make uninstall`
# removes exactly those, and an install over an earlier one (an upgrade) removes the files
# only the earlier one had.
install: lib csulcca ivp man console
	$(INSTALL_VARS) IVP='$(BUILD)/ivp/softcca-ivp' CONSOLE='$(RELEASE)/softcca-console' CSULIB='$(LIBOUT)/libcsulcca.so.1.0.0' bash scripts/install.sh install

uninstall:
	$(INSTALL_VARS) bash scripts/install.sh uninstall

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
	$(MAKE) -C c-tests clean
