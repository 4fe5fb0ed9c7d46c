#!/usr/bin/env bash
# `make test-install`: installs into a temporary prefix, uses the installation as a user would,
# uninstalls, and checks that nothing is left.
#
#   1. `make install PREFIX=<tmp>/usr`, with <tmp>/usr/include made beforehand (a directory
#      that exists before install must survive uninstall), then installed again over it as an
#      upgrade (a file only the first one had is removed; its directories stay recorded);
#   2. the installed shared library is stripped (no .symtab, no .debug_info), its debug
#      information is in lib/debug/.build-id/<id>.debug with .debug_info, the library's
#      .gnu_debuglink names it, and gdb (when present) finds CSNBPCU's source line through it;
#   3. a C sample (examples/c/pcu_demo.c) builds with nothing but
#      `pkg-config --cflags --libs softcca` and prints the published answer;
#   4. a COBOL sample (keysdemo.cob) builds against the installed copybook only
#      (share/doc/softcca/examples/cobol) and prints its expected output;
#   5. the man page renders from the installed tree (man -M), and the installed docs are there;
#   6. softcca-ivp loads the installed library, passes on a fresh and an initialised state
#      directory (known-answer CSNBPCU), and fails with a clear message on an unsafe one;
#   7. `make uninstall` leaves exactly the directories that existed before.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/softcca-install.XXXXXX")
cobstate=
trap 'rm -rf "$tmp" ${cobstate:+"$cobstate"}' EXIT
prefix=$tmp/usr
fail() { echo "test-install: FAILED: $*" >&2; exit 1; }

mkdir -p "$prefix/include"
before=$(cd "$tmp" && find . -type d | sort)
make -s -C "$root" install PREFIX="$prefix" >/dev/null
# An upgrade over it: a file the earlier installation had and this one has not is removed, and
# the directories the first installation created stay recorded for uninstall.
touch "$prefix/share/man/man3/CSNBOLD.3"
sed -i "1i f $prefix/share/man/man3/CSNBOLD.3" "$prefix/lib/softcca/manifest"
make -s -C "$root" install PREFIX="$prefix" >/dev/null
[ ! -e "$prefix/share/man/man3/CSNBOLD.3" ] || fail "reinstall kept a file the new version does not install"
lib=$prefix/lib/libsoftcca.so.1.0.0

# 2. Stripped, debug information split off.
readelf -S "$lib" | grep -q '\.debug_info' && fail "installed library has .debug_info"
readelf -S "$lib" | grep -q ' \.symtab' && fail "installed library has .symtab"
id=$(readelf -n "$lib" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
debug=$prefix/lib/debug/.build-id/${id:0:2}/${id:2}.debug
[ -f "$debug" ] || fail "no debug file $debug"
readelf -S "$debug" | grep -q '\.debug_info' || fail "debug file has no .debug_info"
readelf -p .gnu_debuglink "$lib" | grep -q 'libsoftcca.so.1.0.0.debug' || fail "no .gnu_debuglink"
echo "test-install: library $(stat -c %s "$lib") bytes stripped, debug info $(stat -c %s "$debug") bytes"
if command -v gdb >/dev/null 2>&1; then
  where=$(gdb -nx -batch -ex "set debug-file-directory $prefix/lib/debug" -ex "file $lib" \
    -ex 'info line CSNBPCU' 2>&1 || true)
  grep -q 'src/ffi/pcu.rs' <<<"$where" || fail "gdb does not find CSNBPCU's source line: $where"
  echo "test-install: gdb finds CSNBPCU in src/ffi/pcu.rs through the split debug file"
fi

# 3. C sample with pkg-config only.
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -pedantic -o "$tmp/pcu_demo" \
  "$prefix/share/doc/softcca/examples/c/pcu_demo.c" $(pkg-config --cflags --libs softcca)
out=$(SOFTCCA_HOME="$tmp/state-c" LD_LIBRARY_PATH="$prefix/lib" "$tmp/pcu_demo") \
  || fail "pcu_demo exited non-zero: $out"
grep -q C29371CC36BA70C1EE671384F0D3A7B9 <<<"$out" || fail "pcu_demo did not print the answer"
echo "test-install: C sample built with pkg-config --cflags --libs softcca printed the answer"

# 4. COBOL sample with the installed copybook.
if command -v cobc >/dev/null 2>&1; then
  mkdir "$tmp/cob"
  cp "$prefix/share/doc/softcca/examples/cobol/keysdemo.cob" "$tmp/cob/"
  (cd "$tmp/cob" && cobc -x -Wall -fstatic-call -I "$prefix/share/doc/softcca/examples/cobol" \
    -o keysdemo keysdemo.cob $(pkg-config --libs softcca) -Q -Wl,-rpath,"$prefix/lib")
  [ ! -e "$tmp/cob/SOFTCCA.cpy" ] || fail "copybook leaked into the build directory"
  # CSNBKRL returns the list file's path in a 64-byte field: a short state directory under /tmp
  # (as make test-cobol uses), whatever TMPDIR is.
  cobstate=$(mktemp -d /tmp/softcca-cob.XXXXXX)
  SOFTCCA_HOME="$cobstate/s" CSUDESLD='' "$tmp/cob/keysdemo" > "$tmp/cob/out" 2>&1 \
    || { cat "$tmp/cob/out"; fail "keysdemo exited non-zero"; }
  diff -u "$root/examples/cobol/expected-output.txt" "$tmp/cob/out" || fail "keysdemo output"
  echo "test-install: COBOL sample built with the installed copybook gave its expected output"
elif [ -n "${CI:-}" ]; then
  fail "cobc is missing"
fi

# 5. Man pages and docs.
page=$(MANWIDTH=80 man -M "$prefix/share/man" 3 CSNEPCU 2>/dev/null) || fail "man -M ... CSNEPCU"
grep -q 'CSNBPCU, CSNEPCU - PIN Change/Unblock' <<<"$page" || fail "man page NAME"
MANWIDTH=80 man -M "$prefix/share/man" 1 softcca-ivp 2>/dev/null | grep -q 'known answer' || fail "man 1 softcca-ivp"
for f in README.md codes.md decisions.md LICENSE examples/cobol/SOFTCCA.cpy; do
  [ -f "$prefix/share/doc/softcca/$f" ] || fail "share/doc/softcca/$f not installed"
done
echo "test-install: man 3 CSNEPCU renders from the installed tree; docs installed"

# 6. The installation verification program: passes on a fresh and on an initialised state
# directory, and fails, saying why, on one softcca must refuse (open to the group and others).
ivp=$prefix/bin/softcca-ivp
[ -x "$ivp" ] || fail "softcca-ivp not installed"
readelf -d "$ivp" | grep -q "$prefix/lib" || fail "softcca-ivp does not look for the installed library"
for state in fresh initialised; do
  out=$(SOFTCCA_HOME="$tmp/state-ivp" "$ivp" 2>&1) || { echo "$out"; fail "softcca-ivp ($state) exited non-zero"; }
  grep -q "library: *$prefix/lib/libsoftcca.so.1" <<<"$out" || { echo "$out"; fail "softcca-ivp loaded another library"; }
  grep -q 'known answer: .*C29371CC36BA70C1EE671384F0D3A7B9' <<<"$out" || { echo "$out"; fail "softcca-ivp known answer"; }
  grep -q 'softcca-ivp: OK' <<<"$out" || { echo "$out"; fail "softcca-ivp ($state) did not report OK"; }
  mkdir -p "$tmp/state-ivp" && chmod 700 "$tmp/state-ivp"
done
grep -q 'master keys: *new empty, current empty, old empty' <<<"$out" || { echo "$out"; fail "softcca-ivp registers"; }
grep -q "access control: .*acp.conf: [0-9]* points on" <<<"$out" || { echo "$out"; fail "softcca-ivp acp.conf"; }
chmod 777 "$tmp/state-ivp"
if out=$(SOFTCCA_HOME="$tmp/state-ivp" "$ivp" 2>&1); then
  echo "$out"; fail "softcca-ivp passed on a state directory open to everyone"
fi
grep -q 'softcca-ivp: FAILED: Cryptographic Facility Query STATCCA: return code 12, reason code 197' <<<"$out" \
  || { echo "$out"; fail "softcca-ivp did not say why it failed"; }
echo "test-install: softcca-ivp passed (fresh and initialised directory) and failed, saying why, on an unsafe one"

# 7. Uninstall: only what existed before remains.
make -s -C "$root" uninstall PREFIX="$prefix" >/dev/null
rm -rf "$tmp/pcu_demo" "$tmp/cob" "$tmp"/state-*
after=$(cd "$tmp" && find . | sort)
[ "$after" = "$before" ] || fail "uninstall left: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')"
echo "test-install: uninstall removed everything it installed and every directory it created"
