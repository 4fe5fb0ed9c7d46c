#!/usr/bin/env bash
# make test-install: install softcca into a temporary prefix, use only what was installed, then
# uninstall and check that nothing is left under the prefix.
#
#   1. make install PREFIX=<tmp>; the pkg-config file exists and gives the installed paths and
#      the version of Cargo.toml;
#   2. a C sample (examples/c/keys_demo.c) built with nothing but
#      `pkg-config --cflags --libs softcca`, run on a fresh state directory;
#   3. a COBOL sample (the installed keysdemo.cob) built with the installed copybooks only, its
#      output equal to examples/cobol/expected-output.txt (skipped without cobc, failing under CI);
#   4. the installed softcca-ivp: it loads <tmp>/lib/libsoftcca.so.1 and passes on a missing
#      and on a used state directory, its known-answer mode refuses a used one (exit 2, the
#      registers unchanged), and it fails (exit 1, a message) on one softcca would refuse;
#   5. the CCA for Linux program examples/cca-linux/pcu_linux.c built against the installed
#      csulincl.h and -lcsulcca;
#   6. make uninstall PREFIX=<tmp>: nothing left under <tmp>.
# Every state directory it makes is removed, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(mktemp -d /tmp/softcca-install-XXXXXX)
prefix=$root/prefix
work=$root/work
trap 'rm -rf "$root"' EXIT
mkdir -p "$work"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
fail() { echo "install-test: FAILED: $*" >&2; exit 1; }
state() { local d; d=$(mktemp -d "$root/state-XXXXXX"); rmdir "$d"; echo "$d"; }
# run_sample EXE LIBRARY: runs EXE on a fresh state directory with the installed libraries and
# checks that LIBRARY was loaded from the prefix; prints its last line.
run_sample() {
    local exe=$1 library=$2 s
    s=$(state)
    SOFTCCA_HOME=$s LD_LIBRARY_PATH=$prefix/lib "$exe" > "$exe.out" \
        || { cat "$exe.out"; fail "$(basename "$exe") against the installed files"; }
    # (ldd's output kept first: grep -q exiting early would fail the pipe under pipefail)
    local libs
    libs=$(LD_LIBRARY_PATH=$prefix/lib ldd "$exe")
    grep -q "$prefix/lib/$library" <<< "$libs" || fail "$(basename "$exe") did not load the installed $library"
    tail -1 "$exe.out"
}

echo "install-test: 1. make install PREFIX=$prefix"
make --no-print-directory install PREFIX="$prefix" > "$work/install.log" 2>&1 \
    || { cat "$work/install.log"; fail "make install"; }
pc=$prefix/lib/pkgconfig/softcca.pc
[ -f "$pc" ] || fail "no $pc"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs softcca | xargs)
[ "$(pkg-config --modversion softcca)" = "$version" ] || fail "softcca.pc version is not $version"
[ "$flags" = "-I$prefix/include -L$prefix/lib -lsoftcca" ] || fail "pkg-config gives '$flags'"
for f in lib/libsoftcca.so.1 lib/libcsulcca.so.1 include/softcca.h include/csulincl.h \
         bin/softcca-ivp share/softcca/cobol/SOFTCCA.cpy share/softcca/cobol/CSNBPCU.cpy; do
    [ -e "$prefix/$f" ] || fail "make install did not install $f"
done
soname=$(readelf -d "$prefix/lib/libcsulcca.so.1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libcsulcca.so.1 ] || fail "libcsulcca's soname is '$soname'"
echo "   softcca.pc: $flags (version $version)"

echo "install-test: 2. C sample with pkg-config only"
# shellcheck disable=SC2086 # the flags are words
cc -std=c11 -o "$work/keys_demo" examples/c/keys_demo.c $flags
run_sample "$work/keys_demo" libsoftcca.so.1

echo "install-test: 3. COBOL sample with the installed copybooks"
if command -v cobc > /dev/null; then
    cobdir=$prefix/share/softcca/cobol
    cobc -x -fstatic-call -I "$cobdir" -o "$work/keysdemo" "$cobdir/keysdemo.cob" \
        -L"$prefix/lib" -lsoftcca -Q -Wl,-rpath,"$prefix/lib"
    s=$(state)
    SOFTCCA_HOME=$s CSUDESLD= "$work/keysdemo" > "$work/keysdemo.out" 2>&1 \
        || { cat "$work/keysdemo.out"; fail "keysdemo exited non-zero"; }
    diff -u examples/cobol/expected-output.txt "$work/keysdemo.out" || fail "keysdemo output"
    echo "   keysdemo: output as expected"
elif [ -n "${CI:-}" ]; then
    fail "CI set but no cobc"
else
    echo "   skipped: no cobc (apt-get install gnucobol3)"
fi

echo "install-test: 4. the installed softcca-ivp"
ivp=$prefix/bin/softcca-ivp
s=$(state)
SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2>&1 || { cat "$work/ivp.out"; fail "softcca-ivp on a new state directory"; }
grep -q "file      $prefix/lib/libsoftcca.so.1.0.0" "$work/ivp.out" || { cat "$work/ivp.out"; fail "softcca-ivp did not load the installed library"; }
grep -q "version   $version " "$work/ivp.out" || fail "softcca-ivp version"
grep -q "does not exist" "$work/ivp.out" || fail "softcca-ivp did not report the missing state directory"
[ ! -e "$s" ] || fail "softcca-ivp created the state directory it reports on"
# A used state directory: the C sample's, with a current master key and acp.conf.
s=$(state)
SOFTCCA_HOME=$s LD_LIBRARY_PATH=$prefix/lib "$work/keys_demo" > /dev/null
SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2>&1 || { cat "$work/ivp.out"; fail "softcca-ivp on a used state directory"; }
grep -Eq "current +loaded +MKVP [0-9A-F]{16}" "$work/ivp.out" || { cat "$work/ivp.out"; fail "softcca-ivp registers"; }
grep -q "acp.conf" "$work/ivp.out" || fail "softcca-ivp access-control file"
cat "$work/ivp.out"
# softcca-ivp's known-answer mode loads a DEMO master key: pointed at a used state directory it
# must refuse (exit 2) and leave the master-key registers as they were.
before=$(grep -E "^   (new|current|old) " "$work/ivp.out")
status=0
SOFTCCA_HOME=$s "$ivp" --kat "$prefix/lib/libsoftcca.so.1" > "$work/kat.out" 2>&1 || status=$?
[ "$status" = 2 ] || { cat "$work/kat.out"; fail "softcca-ivp --kat on a used state directory exited $status"; }
SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2>&1 || fail "softcca-ivp after --kat"
[ "$(grep -E "^   (new|current|old) " "$work/ivp.out")" = "$before" ] || fail "--kat changed the registers"
echo "   --kat on a used state directory: refused, registers unchanged"
# A state directory softcca refuses (group and others may enter it): exit 1 and a message.
chmod 0755 "$s"
if SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2> "$work/ivp.err"; then
    fail "softcca-ivp passed a state directory of mode 0755"
fi
grep -q "FAILED: .*mode 0700" "$work/ivp.err" || { cat "$work/ivp.err"; fail "softcca-ivp's message"; }
echo "   mode 0755: $(head -1 "$work/ivp.err")"
ls -d /tmp/softcca-ivp-* > /dev/null 2>&1 && fail "softcca-ivp left a scratch directory in /tmp" || true

echo "install-test: 5. the CCA for Linux program against csulincl.h and -lcsulcca"
cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$prefix/include" -o "$work/pcu_linux" \
    examples/cca-linux/pcu_linux.c -L"$prefix/lib" -lcsulcca
run_sample "$work/pcu_linux" libcsulcca.so.1

echo "install-test: 6. make uninstall PREFIX=$prefix"
make --no-print-directory uninstall PREFIX="$prefix" > "$work/uninstall.log" 2>&1 \
    || { cat "$work/uninstall.log"; fail "make uninstall"; }
left=$(find "$prefix" -mindepth 1 2>/dev/null || true)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "install-test: passed (nothing left under $prefix)"
