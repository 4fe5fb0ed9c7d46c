# softcca top-level build. `make demo` and `make test` do all set-up themselves (deps).
#
#   make            library (release) + header check
#   make demo       end-to-end demo on a fresh demo state directory
#   make test       every test: Rust, header, C (cmocka), COBOL
#   make bench      CSNBPCU calls per second beside pyemv+psec
#   make install    PREFIX=/usr/local DESTDIR=
SHELL := /bin/bash
CARGO ?= cargo
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BUILD := $(CURDIR)/build
LIBOUT := $(BUILD)/lib
SONAME := libsoftcca.so.1
RELEASE := $(CURDIR)/target/release

.PHONY: all deps lib header header-check test test-rust test-c test-cobol demo bench install uninstall clean lint vectors

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
	$(CARGO) clippy --all-targets -- -D warnings

test-rust:
	$(CARGO) test

test-c: lib
	$(MAKE) -C c-tests test LIBDIR=$(LIBOUT)

test-cobol: lib
	$(MAKE) -C examples/cobol test LIBDIR=$(LIBOUT)

test: deps lint test-rust test-c test-cobol
	@echo "make test: all suites passed"

demo: deps lib
	@bash examples/demo.sh $(LIBOUT)

bench: deps lib
	@bash bench/run.sh $(LIBOUT)

# Regenerate the independent test vectors (needs the pinned Python packages).
vectors:
	python3 -m pip install -q -r tests/vectors/requirements.txt
	python3 tests/vectors/gen.py

install: lib
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)
	install -m 0755 $(RELEASE)/libsoftcca.so $(DESTDIR)$(LIBDIR)/libsoftcca.so.1.0.0
	ln -sf libsoftcca.so.1.0.0 $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libsoftcca.so
	install -m 0644 $(RELEASE)/libsoftcca.a $(DESTDIR)$(LIBDIR)/libsoftcca.a
	install -m 0644 include/softcca.h $(DESTDIR)$(INCLUDEDIR)/softcca.h

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libsoftcca.so* $(DESTDIR)$(LIBDIR)/libsoftcca.a $(DESTDIR)$(INCLUDEDIR)/softcca.h

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
	$(MAKE) -C c-tests clean
