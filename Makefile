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
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/softcca
DEBUGDIR ?= $(LIBDIR)/debug
BUILD := $(CURDIR)/build
LIBOUT := $(BUILD)/lib
SONAME := libsoftcca.so.1
RELEASE := $(CURDIR)/target/release

.PHONY: all deps lib header header-check test test-rust test-c test-cobol test-man test-install man demo bench fuzz install uninstall clean lint vectors

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
# c-tests/test_csucins.c uses card 0, examples/cobol/carddemo.cob card 1; the script's trap
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

# Install into a temporary prefix, use it (pkg-config C sample, COBOL with the installed
# copybook, man, gdb on the split debug info, softcca-ivp), uninstall, find nothing left.
test-install: lib man
	@bash scripts/test-install.sh

test: deps lint test-rust test-c test-cobol test-man test-install
	@echo "make test: all suites passed"

# The demo's last step runs examples/c/card_demo.c under its own scripts/virtual-cards.sh run 1.
demo: deps lib
	$(CARGO) build -p softcca-vcard
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
	BINDIR='$(BINDIR)' MANDIR='$(MANDIR)' DOCDIR='$(DOCDIR)' COBOLDIR='$(COBOLDIR)' \
	DEBUGDIR='$(DEBUGDIR)' RELEASE='$(RELEASE)' MANBUILD='$(MANBUILD)' VERBS='$(VERBS)'

# Installs (scripts/install.sh): the shared library stripped (soname libsoftcca.so.1) with its
# debug information split off into $(DEBUGDIR) (objcopy --only-keep-debug, .gnu_debuglink), the
# static library, the header, a pkg-config file, one `<VERB>.so` link per verb in $(COBOLDIR)
# (put that directory on COB_LIBRARY_PATH and GnuCOBOL's dynamic `CALL 'CSNBPCU'` finds the
# verb with no relinking), the man pages in $(MANDIR)/man3, and the docs, LICENSE and samples
# (C examples, COBOL programs and copybook) in $(DOCDIR), and softcca-ivp, the installation
# verification program, in $(BINDIR). It records what it installed and the
# directories it created in $(LIBDIR)/softcca/manifest; `make uninstall` removes exactly those.
# softcca-ivp (ivp/softcca-ivp.c) is built for the installed library: linked against the one
# just built (same soname), with the run path $(LIBDIR).
IVP_BUILD := $(BUILD)/ivp/softcca-ivp
install: lib man
	@mkdir -p $(dir $(IVP_BUILD))
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic -O2 -I include -o $(IVP_BUILD) ivp/softcca-ivp.c \
	    -L$(LIBOUT) -lsoftcca -Wl,-rpath,$(LIBDIR)
	$(INSTALL_VARS) IVP='$(IVP_BUILD)' bash scripts/install.sh install

uninstall:
	$(INSTALL_VARS) bash scripts/install.sh uninstall

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
	$(MAKE) -C c-tests clean
