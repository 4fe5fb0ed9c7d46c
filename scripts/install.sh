#!/usr/bin/env bash
# `make install` and `make uninstall`.
#
#   scripts/install.sh install|uninstall
#
# Variables (the Makefile passes them): DESTDIR, PREFIX, LIBDIR, INCLUDEDIR, DATADIR, MANDIR,
# DOCDIR, COBOLDIR (the per-verb .so links for GnuCOBOL's dynamic CALL), BINDIR, DEBUGDIR
# (split-off debug information, by build id), RELEASE (cargo's release directory), MANBUILD
# (scripts/man.sh's output), VERBS (the exported verbs), CSULIB (the built libcsulcca.so.1.0.0,
# IBM CCA for Linux compatibility), IVP (the built softcca-ivp), CONSOLE (the built
# softcca-console).
#
# install writes a manifest, $LIBDIR/softcca/manifest: every file and link it installed, and
# every directory it had to create (those that did not exist before). uninstall removes exactly
# those files, then those directories when they are empty, deepest first: it leaves nothing
# it installed and no empty directory it created, and never removes a directory that was
# there before (an empty /usr/local/include stays).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${PREFIX:=/usr/local}" "${DESTDIR:=}"
: "${LIBDIR:=$PREFIX/lib}" "${INCLUDEDIR:=$PREFIX/include}" "${BINDIR:=$PREFIX/bin}"
: "${DATADIR:=$PREFIX/share}" "${MANDIR:=$DATADIR/man}" "${DOCDIR:=$DATADIR/doc/softcca}"
: "${COBOLDIR:=$LIBDIR/softcca/cobol}" "${DEBUGDIR:=$LIBDIR/debug}"
: "${RELEASE:=$root/target/release}" "${MANBUILD:=$root/build/man}"
: "${CSULIB:=$root/build/lib/libcsulcca.so.1.0.0}" "${IVP:=$root/build/ivp/softcca-ivp}"
: "${CONSOLE:=$RELEASE/softcca-console}"
manifest=$LIBDIR/softcca/manifest
SONAME=libsoftcca.so.1
REAL=libsoftcca.so.1.0.0

entries=()

# Creates directory $1 (an installed path, without DESTDIR) and records every directory of it
# that did not exist yet.
mkd() {
  local d=$1 missing=()
  while [ ! -d "$DESTDIR$d" ]; do
    missing+=("$d")
    d=$(dirname "$d")
  done
  install -d "$DESTDIR$1"
  local i
  for ((i = ${#missing[@]} - 1; i >= 0; i--)); do entries+=("d ${missing[i]}"); done
}

# put MODE SOURCE DIR [NAME]: installs one file and records it.
put() {
  local mode=$1 src=$2 dir=$3 name=${4:-$(basename "$2")}
  mkd "$dir"
  install -m "$mode" "$src" "$DESTDIR$dir/$name"
  entries+=("f $dir/$name")
}

# link TARGET DIR NAME: a symbolic link DIR/NAME -> TARGET, recorded.
link() {
  mkd "$2"
  ln -sfn "$1" "$DESTDIR$2/$3"
  entries+=("f $2/$3")
}

# put_stripped SOURCE NAME TMPDIR: installs shared library SOURCE as $LIBDIR/NAME stripped, its
# debug information split off into $DEBUGDIR/.build-id/<id>.debug (named by build id, where gdb
# looks: `debug-file-directory`, /usr/lib/debug by default, Debian's own place with PREFIX=/usr;
# otherwise `set debug-file-directory $DEBUGDIR`), found through its .gnu_debuglink section.
put_stripped() {  # put_stripped SRC NAME TMP [DIR]: into DIR (default LIBDIR)
  local src=$1 name=$2 tmp=$3 dir=${4:-$LIBDIR}
  cp "$src" "$tmp/$name"
  objcopy --only-keep-debug "$tmp/$name" "$tmp/$name.debug"
  chmod 0644 "$tmp/$name.debug"
  strip --strip-unneeded "$tmp/$name"
  (cd "$tmp" && objcopy --add-gnu-debuglink="$name.debug" "$name")
  put 0755 "$tmp/$name" "$dir"
  local id
  id=$(readelf -n "$tmp/$name" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
  [ -n "$id" ] || { echo "install: $name has no build id" >&2; exit 1; }
  put 0644 "$tmp/$name.debug" "$DEBUGDIR/.build-id/${id:0:2}" "${id:2}.debug"
}

do_install() {
  [ -f "$RELEASE/libsoftcca.so" ] || { echo "install: build first (make lib)" >&2; exit 1; }
  # Installing over an earlier installation (an upgrade): the directories it created are still
  # ours, and files it installed that this version no longer has are removed at the end.
  local old=()
  if [ -f "$DESTDIR$manifest" ]; then
    mapfile -t old < "$DESTDIR$manifest"
    local e
    for e in "${old[@]}"; do [ "${e%% *}" = d ] && entries+=("$e"); done
  fi
  local version
  version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)
  [ -f "$CSULIB" ] || { echo "install: build libcsulcca first (make csulcca)" >&2; exit 1; }
  [ -f "$IVP" ] || { echo "install: build softcca-ivp first (make ivp)" >&2; exit 1; }
  [ -f "$CONSOLE" ] || { echo "install: build softcca-console first (make console)" >&2; exit 1; }
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  # The libraries, stripped, with their debug information split off into DEBUGDIR.
  put_stripped "$RELEASE/libsoftcca.so" "$REAL" "$tmp"
  link "$REAL" "$LIBDIR" "$SONAME"
  link "$SONAME" "$LIBDIR" libsoftcca.so
  put 0644 "$RELEASE/libsoftcca.a" "$LIBDIR"
  put 0644 "$root/include/softcca.h" "$INCLUDEDIR"
  printf 'prefix=%s\nlibdir=%s\nincludedir=%s\n\nName: softcca\nDescription: ICSF/CCA-style callable services (PIN Change/Unblock, key management)\nVersion: %s\nLibs: -L${libdir} -lsoftcca\nLibs.private: -lpthread -ldl -lm\nCflags: -I${includedir}\n' \
    "$PREFIX" "$LIBDIR" "$INCLUDEDIR" "$version" > "$tmp/softcca.pc"
  put 0644 "$tmp/softcca.pc" "$LIBDIR/pkgconfig"
  # One <VERB>.so link per verb: GnuCOBOL's dynamic CALL 'CSNBPCU' finds the verb there.
  local v
  for v in $VERBS; do link "$LIBDIR/$SONAME" "$COBOLDIR" "$v.so"; done
  # IBM CCA for Linux compatibility (docs/cca-linux.md): libcsulcca.so.1 (its run path $ORIGIN
  # finds libsoftcca.so.1 beside it) and csulincl.h.
  put_stripped "$CSULIB" libcsulcca.so.1.0.0 "$tmp"
  link libcsulcca.so.1.0.0 "$LIBDIR" libcsulcca.so.1
  link libcsulcca.so.1 "$LIBDIR" libcsulcca.so
  put 0644 "$root/include/csulincl.h" "$INCLUDEDIR"
  # Man pages (scripts/man.sh) and the documentation they come from.
  local f
  for f in "$MANBUILD"/man3/*.3; do put 0644 "$f" "$MANDIR/man3"; done
  put 0644 "$MANBUILD/man1/softcca-ivp.1" "$MANDIR/man1"
  put 0644 "$MANBUILD/man1/softcca-console.1" "$MANDIR/man1"
  for f in "$root"/docs/*.md; do put 0644 "$f" "$DOCDIR"; done
  put 0644 "$root/README.md" "$DOCDIR" README-softcca.md
  put 0644 "$root/CHANGELOG.md" "$DOCDIR"
  put 0644 "$root/LICENSE" "$DOCDIR"
  # Samples: the C examples and the CCA for Linux program in DOCDIR; the COBOL copybooks (one
  # per verb or family) and the COBOL programs that use them in DATADIR/softcca/cobol.
  for f in "$root"/examples/c/*.c; do put 0644 "$f" "$DOCDIR/examples/c"; done
  for f in "$root"/examples/cca-linux/*.c; do put 0644 "$f" "$DOCDIR/examples/cca-linux"; done
  for f in "$root"/examples/cobol/copybooks/*.cpy "$root"/examples/cobol/*.cob; do
    put 0644 "$f" "$DATADIR/softcca/cobol"
  done
  put 0755 "$IVP" "$BINDIR" softcca-ivp
  # The operator console (docs/console.md), stripped, its debug information split off.
  put_stripped "$CONSOLE" softcca-console "$tmp" "$BINDIR"
  # The manifest last, listing itself, so uninstall removes it too.
  mkd "$(dirname "$manifest")"
  entries+=("f $manifest")
  # (A lookup table, not `printf ... | grep -q`: under pipefail grep's early exit can fail the
  # pipe with SIGPIPE, and the file would be removed although this version installed it.)
  local e
  local -A current=()
  for e in "${entries[@]}"; do current[$e]=1; done
  for e in "${old[@]}"; do
    if [ "${e%% *}" = f ] && [ -z "${current[$e]:-}" ]; then
      rm -f "$DESTDIR${e#f }"
    fi
  done
  printf '%s\n' "${entries[@]}" > "$DESTDIR$manifest"
  chmod 0644 "$DESTDIR$manifest"
  echo "install: $(grep -c '^f' "$DESTDIR$manifest") files under $DESTDIR$PREFIX"
}

do_uninstall() {
  if [ ! -f "$DESTDIR$manifest" ]; then
    echo "uninstall: no manifest at $DESTDIR$manifest (nothing installed by make install)" >&2
    exit 0
  fi
  local kind path
  local dirs=()
  while read -r kind path; do
    case $kind in
      f) rm -f "$DESTDIR$path" ;;
      d) dirs+=("$path") ;;
    esac
  done < "$DESTDIR$manifest"
  # Deepest first; only directories install created, and only when empty.
  local d
  while read -r d; do
    [ -n "$d" ] && rmdir "$DESTDIR$d" 2>/dev/null || true
  done < <(printf '%s\n' "${dirs[@]}" | awk '{ print gsub("/", "/"), $0 }' | sort -rn | cut -d' ' -f2-)
  echo "uninstall: done"
}

case ${1:-} in
  install) do_install ;;
  uninstall) do_uninstall ;;
  *) echo "usage: scripts/install.sh install|uninstall" >&2; exit 2 ;;
esac
