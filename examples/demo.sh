#!/usr/bin/env bash
# softcca end-to-end demo (`make demo`): usage  examples/demo.sh LIBDIR
#
# Makes a fresh demo state directory, builds and runs the C example (examples/c/keys_demo.c)
# and the GnuCOBOL example (examples/cobol/keysdemo.cob) against the library in LIBDIR.
# Each example loads a DEMO ONLY master key (published test parts, never for real keys)
# into its own state directory under the demo directory, so both start from nothing.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 LIBDIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
libdir=$(cd "$1" && pwd)
cc=${CC:-cc}

# Short path under /tmp: CSNBKRL returns the list-file path in a 64-byte field.
demo=$(mktemp -d /tmp/softcca-demo.XXXXXX)
mkdir -p "$demo/bin"
echo "== softcca demo"
echo "   library:              $libdir/libsoftcca.so.1"
echo "   demo state directory: $demo (fresh; DEMO ONLY master keys; remove with rm -rf)"
echo "   Nothing outside it is touched: SOFTCCA_HOME points each example at its own subdirectory."
unset CSUDESLD

echo
echo "== C example: examples/c/keys_demo.c"
echo "   build: $cc -std=c11 -Wall -Wextra -Werror -pedantic -I include ... -lsoftcca"
"$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I "$root/include" \
  -o "$demo/bin/keys_demo" "$root/examples/c/keys_demo.c" \
  -L"$libdir" -lsoftcca -Wl,-rpath,"$libdir"
echo "   run:   SOFTCCA_HOME=$demo/c $demo/bin/keys_demo"
SOFTCCA_HOME="$demo/c" "$demo/bin/keys_demo"

echo
echo "== GnuCOBOL example: examples/cobol/keysdemo.cob"
if command -v cobc >/dev/null 2>&1; then
  echo "   build: cobc -x -fstatic-call keysdemo.cob -lsoftcca (make -C examples/cobol build)"
  make -s -C "$root/examples/cobol" build LIBDIR="$libdir" B="$demo/bin" >/dev/null
  echo "   run:   SOFTCCA_HOME=$demo/cobol $demo/bin/keysdemo"
  SOFTCCA_HOME="$demo/cobol" "$demo/bin/keysdemo"
else
  echo "   skipped: cobc (GnuCOBOL) is not installed (make deps installs gnucobol3)"
fi

echo
echo "== demo state directory $demo:"
(cd "$demo" && find c cobol -type f 2>/dev/null | sort | sed 's/^/   /')
echo "== demo finished"

# ---------------------------------------------------------------------------------------------
# EMV PIN change issuer script (examples/c/pin_change_script.c; docs/pin-change-script.md).
# Appended by the emv branch: CSNBPCU + CSNBDKG + CSNBMGN, checked against pyemv in
# tests/script.rs. Own state directory, DEMO ONLY keys.
# ---------------------------------------------------------------------------------------------
echo
echo "== C example: examples/c/pin_change_script.c (Visa PIN change script)"
"$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I "$root/include" \
  -o "$demo/bin/pin_change_script" "$root/examples/c/pin_change_script.c" \
  -L"$libdir" -lsoftcca -Wl,-rpath,"$libdir"
echo "   run:   SOFTCCA_HOME=$demo/emv $demo/bin/pin_change_script"
SOFTCCA_HOME="$demo/emv" "$demo/bin/pin_change_script"
echo "== PIN change script demo finished"
