#!/usr/bin/env bash
# `make test-install`: installs into a temporary prefix, uses the installation as a user would
# (only what was installed), uninstalls, and checks that only what existed before is left.
#
#   1. `make install PREFIX=<tmp>/usr`, with <tmp>/usr/include made beforehand (a directory
#      that exists before install must survive uninstall), then installed again over it as an
#      upgrade (a file only the first one had is removed; its directories stay recorded); every
#      part is there (libsoftcca, libcsulcca with its soname links, softcca.h, csulincl.h, the
#      per-verb copybooks and COBOL samples, softcca-ivp), and the pkg-config file gives the
#      installed paths and the version of Cargo.toml;
#   2. the installed shared libraries are stripped (no .symtab, no .debug_info), their debug
#      information is in lib/debug/.build-id/<id>.debug with .debug_info, the libraries'
#      .gnu_debuglink names it, and gdb (when present) finds CSNBPCU's source line through it;
#   3. C samples (examples/c/pcu_demo.c, keys_demo.c, as installed) build with nothing but
#      `pkg-config --cflags --libs softcca`, load the installed library and give their answers,
#      each on a new state directory in which the installed examples/c/demo_profiles.c has
#      enrolled the demo's profiles (the samples log on as the key custodians);
#   4. a COBOL sample (the installed keysdemo.cob) builds with the installed copybooks only
#      (share/softcca/cobol) and prints its expected output (skipped without cobc, failing
#      under CI);
#   5. the man pages render from the installed tree (man -M), and the installed docs are there;
#   6. the installed softcca-ivp loads <tmp>/usr/lib/libsoftcca.so.1 and passes on a missing
#      (not creating it), a new empty and a used state directory, its known-answer mode refuses
#      a used one (exit 2, the registers unchanged), and it fails (exit 1), naming mode 0700
#      and 12/197, on a directory open to others, and on a library that cannot be loaded or
#      whose version is not its header's (a softcca-ivp built against another softcca.h); it
#      leaves no scratch directory;
#   7. the CCA for Linux program examples/cca-linux/pcu_linux.c built against the installed
#      csulincl.h and -lcsulcca, loading the installed libcsulcca.so.1;
#   8. `make uninstall` leaves exactly the directories that existed before.
# Every state directory it makes is removed, also on failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/softcca-install.XXXXXX")
cobstate=
trap 'rm -rf "$tmp" ${cobstate:+"$cobstate"}' EXIT
prefix=$tmp/usr
work=$tmp/work
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)
fail() { echo "test-install: FAILED: $*" >&2; exit 1; }
state() { local d; d=$(mktemp -d "$tmp/state-XXXXXX"); rmdir "$d"; echo "$d"; }
# legacy_state: a state directory that stands for an existing one (the legacy-form acp.conf,
# every point as before, docs/access-control.md). Kept for the CCA for Linux program
# (examples/cca-linux/pcu_linux.c, step 7): it is a program written for IBM's CCA for Linux,
# which loads keys without logging on, as an existing directory lets it; it also shows that
# such a directory keeps working after the upgrade.
legacy_state() {
  local d; d=$(state); mkdir -m 0700 "$d"
  install -m 600 "$root/tests/data/acp-legacy.conf" "$d/acp.conf"; echo "$d"
}
# demo_dir DIR: enrols the demo's profiles in the new state directory DIR with the installed
# examples/c/demo_profiles.c (built in step 3): the C and COBOL samples log on as them.
demo_dir() {
  SOFTCCA_HOME=$1 CSUDESLD='' LD_LIBRARY_PATH=$prefix/lib "$work/demo_profiles" \
    > "$work/demo_profiles.out" || { cat "$work/demo_profiles.out"; fail "demo_profiles on $1"; }
}
# demo_state: a new state directory (the shipped roles) with the demo's profiles.
demo_state() {
  local d; d=$(state); mkdir -m 0700 "$d"; demo_dir "$d"; echo "$d"
}
# run_sample EXE LIBRARY [STATE]: runs EXE on a fresh state directory made by STATE (demo_state,
# or legacy_state) with the installed libraries, checks that LIBRARY was loaded from the
# prefix, and prints its output.
run_sample() {
  local exe=$1 library=$2 s
  s=$(${3:-demo_state})
  SOFTCCA_HOME=$s LD_LIBRARY_PATH=$prefix/lib "$exe" > "$exe.out" \
    || { cat "$exe.out"; fail "$(basename "$exe") against the installed files"; }
  # (ldd's output kept first: grep -q exiting early would fail the pipe under pipefail)
  local libs
  libs=$(LD_LIBRARY_PATH=$prefix/lib ldd "$exe")
  grep -q "$prefix/lib/$library" <<<"$libs" || fail "$(basename "$exe") did not load the installed $library"
  cat "$exe.out"
}

# 1. Install, and install again over it (an upgrade).
mkdir -p "$prefix/include"
before=$(cd "$tmp" && find . -type d | sort)
mkdir "$work"
make -s -C "$root" install PREFIX="$prefix" > "$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "make install"; }
touch "$prefix/share/man/man3/CSNBOLD.3"
sed -i "1i f $prefix/share/man/man3/CSNBOLD.3" "$prefix/lib/softcca/manifest"
make -s -C "$root" install PREFIX="$prefix" > "$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "make install (upgrade)"; }
[ ! -e "$prefix/share/man/man3/CSNBOLD.3" ] || fail "reinstall kept a file the new version does not install"
cobdir=$prefix/share/softcca/cobol
for f in lib/libsoftcca.so.1 lib/libsoftcca.so lib/libsoftcca.a lib/libcsulcca.so.1 lib/libcsulcca.so \
         include/softcca.h include/csulincl.h bin/softcca-ivp bin/softcca-console \
         lib/softcca/cobol/CSNBPCU.so; do
  [ -e "$prefix/$f" ] || fail "make install did not install $f"
done
for f in "$root"/examples/cobol/copybooks/*.cpy "$root"/examples/cobol/*.cob; do
  cmp -s "$f" "$cobdir/$(basename "$f")" || fail "share/softcca/cobol/$(basename "$f") not installed"
done
soname=$(readelf -d "$prefix/lib/libcsulcca.so.1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libcsulcca.so.1 ] || fail "libcsulcca's soname is '$soname'"
pc=$prefix/lib/pkgconfig/softcca.pc
[ -f "$pc" ] || fail "no $pc"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs softcca | xargs)
[ "$(pkg-config --modversion softcca)" = "$version" ] || fail "softcca.pc version is not $version"
[ "$flags" = "-I$prefix/include -L$prefix/lib -lsoftcca" ] || fail "pkg-config gives '$flags'"
echo "test-install: installed twice (an upgrade); softcca.pc: $flags (version $version)"

# 2. Stripped, debug information split off (libsoftcca and libcsulcca).
for name in libsoftcca.so.1.0.0 libcsulcca.so.1.0.0; do
  lib=$prefix/lib/$name
  # (readelf's output kept first, as ldd's: grep -q exiting early would fail the pipe under
  # pipefail, and a `&& fail` check would then pass whatever the file holds)
  sections=$(readelf -S "$lib")
  grep -q '\.debug_info' <<<"$sections" && fail "installed $name has .debug_info"
  grep -q ' \.symtab' <<<"$sections" && fail "installed $name has .symtab"
  id=$(readelf -n "$lib" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
  debug=$prefix/lib/debug/.build-id/${id:0:2}/${id:2}.debug
  [ -f "$debug" ] || fail "no debug file $debug for $name"
  link=$(readelf -p .gnu_debuglink "$lib")
  grep -q "$name.debug" <<<"$link" || fail "$name has no .gnu_debuglink"
done
lib=$prefix/lib/libsoftcca.so.1.0.0
id=$(readelf -n "$lib" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
debug=$prefix/lib/debug/.build-id/${id:0:2}/${id:2}.debug
sections=$(readelf -S "$debug")
grep -q '\.debug_info' <<<"$sections" || fail "debug file has no .debug_info"
echo "test-install: library $(stat -c %s "$lib") bytes stripped, debug info $(stat -c %s "$debug") bytes"
if command -v gdb >/dev/null 2>&1; then
  where=$(gdb -nx -batch -ex "set debug-file-directory $prefix/lib/debug" -ex "file $lib" \
    -ex 'info line CSNBPCU' 2>&1 || true)
  grep -q 'src/ffi/pcu.rs' <<<"$where" || fail "gdb does not find CSNBPCU's source line: $where"
  echo "test-install: gdb finds CSNBPCU in src/ffi/pcu.rs through the split debug file"
elif [ -n "${CI:-}" ]; then
  fail "CI set but no gdb"
fi

# 3. C samples with pkg-config only.
examples=$prefix/share/doc/softcca/examples
# shellcheck disable=SC2086 # the flags are words
cc -std=c11 -Wall -Wextra -Werror -pedantic -o "$work/demo_profiles" "$examples/c/demo_profiles.c" $flags
# shellcheck disable=SC2086 # the flags are words
cc -std=c11 -Wall -Wextra -Werror -pedantic -o "$work/pcu_demo" "$examples/c/pcu_demo.c" $flags
out=$(run_sample "$work/pcu_demo" libsoftcca.so.1)
grep -q C29371CC36BA70C1EE671384F0D3A7B9 <<<"$out" || fail "pcu_demo did not print the answer: $out"
# shellcheck disable=SC2086
cc -std=c11 -o "$work/keys_demo" "$examples/c/keys_demo.c" $flags
run_sample "$work/keys_demo" libsoftcca.so.1 | tail -1
echo "test-install: C samples built with pkg-config --cflags --libs softcca gave their answers"

# 4. COBOL sample with the installed copybooks.
if command -v cobc >/dev/null 2>&1; then
  mkdir "$tmp/cob"
  cp "$cobdir/keysdemo.cob" "$tmp/cob/"
  # shellcheck disable=SC2046
  (cd "$tmp/cob" && cobc -x -Wall -fstatic-call -I "$cobdir" -o keysdemo keysdemo.cob \
    $(pkg-config --libs softcca) -Q -Wl,-rpath,"$prefix/lib")
  [ -z "$(find "$tmp/cob" -name '*.cpy')" ] || fail "a copybook leaked into the build directory"
  # CSNBKRL returns the list file's path in a 64-byte field: a short state directory under /tmp
  # (as make test-cobol uses), whatever TMPDIR is.
  cobstate=$(mktemp -d /tmp/softcca-cob.XXXXXX)
  mkdir -m 0700 "$cobstate/s"
  demo_dir "$cobstate/s"
  SOFTCCA_HOME="$cobstate/s" CSUDESLD='' "$tmp/cob/keysdemo" > "$tmp/cob/out" 2>&1 \
    || { cat "$tmp/cob/out"; fail "keysdemo exited non-zero"; }
  diff -u "$root/examples/cobol/expected-output.txt" "$tmp/cob/out" || fail "keysdemo output"
  echo "test-install: COBOL sample built with the installed copybooks gave its expected output"
elif [ -n "${CI:-}" ]; then
  fail "CI set but no cobc"
else
  echo "test-install: COBOL sample skipped: no cobc (apt-get install gnucobol3)"
fi

# 5. Man pages and docs.
page=$(MANWIDTH=80 man -M "$prefix/share/man" 3 CSNEPCU 2>/dev/null) || fail "man -M ... CSNEPCU"
grep -q 'CSNBPCU, CSNEPCU - PIN Change/Unblock' <<<"$page" || fail "man page NAME"
page=$(MANWIDTH=80 man -M "$prefix/share/man" 1 softcca-ivp 2>/dev/null) || fail "man -M ... softcca-ivp"
grep -q 'known-answer' <<<"$page" || fail "man 1 softcca-ivp"
page=$(MANWIDTH=80 man -M "$prefix/share/man" 1 softcca-console 2>/dev/null) || fail "man -M ... softcca-console"
grep -q 'operator console' <<<"$page" || fail "man 1 softcca-console"
for f in README.md codes.md decisions.md cca-linux.md softcca-ivp.md LICENSE examples/cca-linux/pcu_linux.c; do
  [ -f "$prefix/share/doc/softcca/$f" ] || fail "share/doc/softcca/$f not installed"
done
echo "test-install: man 3 CSNEPCU and man 1 softcca-ivp render from the installed tree; docs installed"

# 6. The installation verification program.
ivp=$prefix/bin/softcca-ivp
[ -x "$ivp" ] || fail "softcca-ivp not installed"
grep -qF "$prefix/lib/libsoftcca.so.1" "$ivp" || fail "softcca-ivp does not look for the installed library"
scratch_glob="${TMPDIR:-/tmp}/softcca-ivp-*"
# shellcheck disable=SC2086
scratch_before=$(ls -d $scratch_glob 2>/dev/null || true)
check_ivp() { # check_ivp OUT: the lines every passing run has
  grep -q "file      $prefix/lib/libsoftcca.so.1.0.0" "$1" || { cat "$1"; fail "softcca-ivp did not load the installed library"; }
  grep -q "header    softcca.h SOFTCCA_VERSION $version" "$1" || { cat "$1"; fail "softcca-ivp header version"; }
  grep -q "version   $version " "$1" || { cat "$1"; fail "softcca-ivp library version"; }
  grep -q "KAT       CSNBPCU TDES-XOR VISAPCU2 = C29371CC36BA70C1EE671384F0D3A7B9" "$1" || { cat "$1"; fail "softcca-ivp known answer"; }
  [ "$(tail -1 "$1")" = "softcca-ivp: OK" ] || { cat "$1"; fail "softcca-ivp did not report OK"; }
}
# A state directory that does not exist: reported, not created.
s=$(state)
SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2>&1 || { cat "$work/ivp.out"; fail "softcca-ivp on a missing state directory"; }
check_ivp "$work/ivp.out"
grep -q "does not exist" "$work/ivp.out" || fail "softcca-ivp did not report the missing state directory"
[ ! -e "$s" ] || fail "softcca-ivp created the state directory it reports on"
# A new, empty state directory (mode 0700): empty registers, acp.conf made on first use.
mkdir -m 0700 "$s"
SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2>&1 || { cat "$work/ivp.out"; fail "softcca-ivp on a new state directory"; }
check_ivp "$work/ivp.out"
for r in new current old; do
  grep -Eq "^   $r +empty +MKVP none$" "$work/ivp.out" || { cat "$work/ivp.out"; fail "softcca-ivp register $r (new directory)"; }
done
grep -Eq "points    [0-9]+ on, [0-9]+ off in DEFAULT; X'00BC' \(CSNBPCU with OPINENC\) off" "$work/ivp.out" \
  || { cat "$work/ivp.out"; fail "softcca-ivp acp.conf"; }
grep -q "protection UNBOUND: UNPROTECTED" "$work/ivp.out" || fail "softcca-ivp protection"
# A used state directory: the C sample's, with a current master key and acp.conf.
s=$(demo_state)
SOFTCCA_HOME=$s LD_LIBRARY_PATH=$prefix/lib "$work/keys_demo" > /dev/null
SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2>&1 || { cat "$work/ivp.out"; fail "softcca-ivp on a used state directory"; }
check_ivp "$work/ivp.out"
grep -Eq "current +loaded +MKVP [0-9A-F]{16}" "$work/ivp.out" || { cat "$work/ivp.out"; fail "softcca-ivp registers"; }
grep -q "acp.conf" "$work/ivp.out" || fail "softcca-ivp access-control file"
cat "$work/ivp.out"
# softcca-ivp's known-answer mode replaces the master key: pointed at a used state directory it
# must refuse (exit 2) and leave the master-key registers as they were.
regs=$(grep -E "^   (new|current|old) " "$work/ivp.out")
status=0
SOFTCCA_HOME=$s "$ivp" --kat "$prefix/lib/libsoftcca.so.1" > "$work/kat.out" 2>&1 || status=$?
[ "$status" = 2 ] || { cat "$work/kat.out"; fail "softcca-ivp --kat on a used state directory exited $status"; }
grep -q "FAILED: --kat refuses" "$work/kat.out" || { cat "$work/kat.out"; fail "softcca-ivp --kat's message"; }
SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2>&1 || fail "softcca-ivp after --kat"
[ "$(grep -E "^   (new|current|old) " "$work/ivp.out")" = "$regs" ] || fail "--kat changed the registers"
echo "test-install: softcca-ivp --kat on a used state directory: refused, registers unchanged"
# A state directory softcca refuses (group and others may enter it): exit 1, saying why, and
# the library refuses it too (12/197).
for mode in 0755 0777; do
  chmod "$mode" "$s"
  if SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2> "$work/ivp.err"; then
    fail "softcca-ivp passed a state directory of mode $mode"
  fi
  grep -q "FAILED: .*mode 0700" "$work/ivp.err" || { cat "$work/ivp.err"; fail "softcca-ivp's message (mode $mode)"; }
  grep -q 'FAILED: Cryptographic Facility Query STATCCA: return code 12, reason code 197' "$work/ivp.err" \
    || { cat "$work/ivp.err"; fail "softcca-ivp did not show the library's refusal (mode $mode)"; }
done
chmod 0700 "$s"
echo "test-install: softcca-ivp on mode 0777: $(head -1 "$work/ivp.err")"
# A library that cannot be loaded, and one whose version is not the header's: exit 1, saying why.
status=0
SOFTCCA_HOME=$s "$ivp" --library "$tmp/no-such-lib.so" > "$work/ivp.out" 2> "$work/ivp.err" || status=$?
[ "$status" = 1 ] || { cat "$work/ivp.out" "$work/ivp.err"; fail "softcca-ivp --library <missing> exited $status"; }
grep -q "FAILED: cannot load the library: .*no-such-lib.so" "$work/ivp.err" || { cat "$work/ivp.err"; fail "softcca-ivp's message for a missing library"; }
mkdir "$work/oldinc"
sed 's/^#define SOFTCCA_VERSION "[^"]*"/#define SOFTCCA_VERSION "0.0.9"/' "$prefix/include/softcca.h" > "$work/oldinc/softcca.h"
grep -q '"0.0.9"' "$work/oldinc/softcca.h" || fail "could not make a header of another version"
cc -std=c11 -Wall -Wextra -Werror -pedantic -O2 -I"$work/oldinc" -DSOFTCCA_IVP_LIBRARY="\"$prefix/lib/libsoftcca.so.1\"" \
  -o "$work/ivp-other" "$root/ivp/softcca-ivp.c" -ldl
status=0
SOFTCCA_HOME=$s "$work/ivp-other" > "$work/ivp.out" 2> "$work/ivp.err" || status=$?
[ "$status" = 1 ] || { cat "$work/ivp.out" "$work/ivp.err"; fail "softcca-ivp built for another version exited $status"; }
grep -q "FAILED: the library is version $version, the header softcca-ivp was compiled with is 0.0.9" "$work/ivp.err" \
  || { cat "$work/ivp.err"; fail "softcca-ivp's message for a version mismatch"; }
echo "test-install: softcca-ivp: $(grep -m1 'FAILED: the library is version' "$work/ivp.err")"
# shellcheck disable=SC2086
[ "$(ls -d $scratch_glob 2>/dev/null || true)" = "$scratch_before" ] || fail "softcca-ivp left a scratch directory"
echo "test-install: softcca-ivp passed (missing, new and used directory) and failed, saying why, on unsafe ones"

# 7. The installed operator console reports the used state directory as softcca-ivp does.
console=$prefix/bin/softcca-console
[ -x "$console" ] || fail "softcca-console not installed"
"$console" --home "$s" --json status > "$work/console.out" 2>&1 || { cat "$work/console.out"; fail "softcca-console status"; }
SOFTCCA_HOME=$s "$ivp" > "$work/ivp.out" 2>&1 || fail "softcca-ivp before the console check"
mkvp=$(sed -En 's/^ *current +loaded +MKVP ([0-9A-F]{16}).*/\1/p' "$work/ivp.out" | head -1)
[ -n "$mkvp" ] || { cat "$work/ivp.out"; fail "no current MKVP in softcca-ivp's report"; }
grep -q "\"current\":{\"mkvp\":\"$mkvp\",\"state\":\"loaded\"}" "$work/console.out" \
  || { cat "$work/console.out"; fail "softcca-console status does not show the current MKVP $mkvp"; }
status=0
"$console" --home "$s" no-such-command > /dev/null 2>&1 || status=$?
[ "$status" = 2 ] || fail "softcca-console with a bad command exited $status"
echo "test-install: softcca-console status shows MKVP $mkvp; a bad command exits 2"

# 8. The CCA for Linux program against the installed csulincl.h and -lcsulcca.
cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$prefix/include" -o "$work/pcu_linux" \
  "$examples/cca-linux/pcu_linux.c" -L"$prefix/lib" -lcsulcca
run_sample "$work/pcu_linux" libcsulcca.so.1 legacy_state | tail -1
echo "test-install: the CCA for Linux program built with csulincl.h and -lcsulcca"

# 8. Uninstall: only what existed before remains.
make -s -C "$root" uninstall PREFIX="$prefix" > "$work/uninstall.log" 2>&1 \
  || { cat "$work/uninstall.log"; fail "make uninstall"; }
rm -rf "$work" "$tmp/cob" "$tmp"/state-*
after=$(cd "$tmp" && find . | sort)
[ "$after" = "$before" ] || fail "uninstall left: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')"
echo "test-install: passed: uninstall removed everything it installed and every directory it created"
