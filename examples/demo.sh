#!/usr/bin/env bash
# softcca end-to-end demo (`make demo`): usage  examples/demo.sh LIBDIR
#
# Makes a fresh demo state directory, then builds and runs against the library in LIBDIR:
#   0. examples/c/demo_profiles.c  before each example, on that example's new state directory
#                                  (the shipped roles, docs/access-control.md): enrols the
#                                  security officer SECOFF1, the key custodians CUST1 and CUST2
#                                  and the card operator OPERATOR (CSUAACI INIT-AC, DEMO ONLY
#                                  passphrases); the examples log on (CSUALCT) as the custodians
#                                  or the operator for what only they may do, and run the
#                                  application calls logged off, on the DEFAULT role
#   1. examples/c/keys_demo.c      master key, CKDS records, list file (C)
#   2. examples/c/pcu_demo.c       an EMV PIN change: keys from clear parts, labels, check
#                                  values, an IPINENC PIN key, CSNBPCU, published answer (C)
#   3. examples/cobol/keysdemo.cob and pcudemo.cob: the same from GnuCOBOL
#   4. examples/c/pin_change_script.c  the whole issuer script: CSNBPCU + CSNBDKG + CSNBMGN
#   5. examples/c/card_demo.c      an operator smart card: CSUCRDL readers, CSUCINS Inspect, a
#                                  wrong PIN, CSUCCPN Change PIN (sealed), a refused 2nd change;
#                                  on one virtual card that scripts/virtual-cards.sh starts
#                                  (with pcscd) and stops again, its state file in the demo
#                                  directory (VCARDS_DIR=$demo/vcards), so nothing stays running
#                                  (VCARDS_BASE_PORT chooses the card's TCP port, default 35963)
#   6. examples/c/custody_demo.c   master-key custody: an SVMK 2 of 3 on three virtual cards
#                                  (CSUCSVK), the state directory bound to it (CSUCBND),
#                                  deactivated (CSUADAC) and activated with cards 3 and 1
#                                  (CSUCACT), then examples/c/pcu_demo.c on that bound, active
#                                  directory (master key sealed, CSNBPCU's published answer),
#                                  then deactivated again; under scripts/virtual-cards.sh run 3
#                                  (fresh state files in $demo/vcards-custody)
# Each program loads a DEMO ONLY master key (published test parts, never for real keys) into
# its own state directory under the demo directory, so each starts from nothing.
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

# Each example's state directory is new: the library initialises it with the four shipped
# roles (docs/access-control.md), whose DEFAULT role uses keys and manages none.
# examples/c/demo_profiles.c then enrols the demo's profiles in it.
build_c() {
  "$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I "$root/include" \
    -o "$demo/bin/$1" "$root/examples/c/$1.c" \
    -L"$libdir" -lsoftcca -Wl,-rpath,"$libdir"
}
echo "   build: $cc -std=c11 -Wall -Wextra -Werror -pedantic -I include" \
     "examples/c/demo_profiles.c -lsoftcca"
build_c demo_profiles

# Makes the new state directory $1 and enrols the demo's profiles in it (the whole output the
# first time, then its last line); $2 says who of them the example logs on as, for what.
profiles_shown=
profiles_dir() {
  mkdir -m 700 "$1"
  echo "   profiles: SOFTCCA_HOME=$1 $demo/bin/demo_profiles"
  SOFTCCA_HOME="$1" "$demo/bin/demo_profiles" > "$1.profiles" \
    || { cat "$1.profiles"; echo "demo: demo_profiles FAILED" >&2; exit 1; }
  if [ -z "$profiles_shown" ]; then
    sed 's/^/   | /' "$1.profiles"
    profiles_shown=1
  else
    tail -1 "$1.profiles" | sed 's/^/   | /'
  fi
  rm -f "$1.profiles"
  echo "   logons: $2"
}
KEYS_LOGONS="CUST1 (KEYCUST) loads the first master-key and key parts, CUST2 (KEYCUST) the
           last ones (dual control) and sets the master key; the application calls run
           logged off, on DEFAULT, which refuses what only custodians may do"

# Builds examples/c/NAME.c with the strict flags, runs it on state directory $demo/NAME
# after demo_profiles; $2: who logs on for what.
run_c() {
  local name=$1
  echo "   build: $cc -std=c11 -Wall -Wextra -Werror -pedantic -I include" \
       "examples/c/$name.c -lsoftcca"
  build_c "$name"
  profiles_dir "$demo/$name" "$2"
  echo "   run:   SOFTCCA_HOME=$demo/$name $demo/bin/$name"
  SOFTCCA_HOME="$demo/$name" "$demo/bin/$name"
}

echo
echo "== 1. C: key records (examples/c/keys_demo.c)"
run_c keys_demo "$KEYS_LOGONS"

echo
echo "== 2. C: EMV PIN change, CSNBPCU (examples/c/pcu_demo.c)"
run_c pcu_demo "$KEYS_LOGONS"

echo
echo "== 3. GnuCOBOL: examples/cobol/keysdemo.cob and pcudemo.cob"
if command -v cobc >/dev/null 2>&1; then
  echo "   build: cobc -x -fstatic-call PROGRAM.cob -lsoftcca (make -C examples/cobol build)"
  make -s -C "$root/examples/cobol" build LIBDIR="$libdir" B="$demo/bin" >/dev/null
  for prog in keysdemo pcudemo; do
    echo
    profiles_dir "$demo/$prog" "$KEYS_LOGONS (CALL 'CSUALCT')"
    echo "   run:   SOFTCCA_HOME=$demo/$prog $demo/bin/$prog"
    SOFTCCA_HOME="$demo/$prog" "$demo/bin/$prog"
  done
else
  echo "   skipped: cobc (GnuCOBOL) is not installed (make deps installs gnucobol3)"
fi

echo
echo "== 4. C: the complete EMV PIN change issuer script (examples/c/pin_change_script.c)"
echo "   CSNBPCU encrypts the PIN, CSNBDKG derives the card's MAC session key, CSNBMGN MACs the"
echo "   command; the APDU is checked against pyemv in tests/script.rs (docs/pin-change-script.md)."
build_c pin_change_script
profiles_dir "$demo/pin_change_script" "$KEYS_LOGONS; CSNBPCU, CSNBDKG and CSNBMGN are
           the issuer's application on DEFAULT"
echo "   run:   SOFTCCA_HOME=$demo/pin_change_script $demo/bin/pin_change_script"
SOFTCCA_HOME="$demo/pin_change_script" "$demo/bin/pin_change_script"

echo
echo "== 5. C: an operator smart card, CSUCRDL, CSUCINS, CSUCCPN (examples/c/card_demo.c)"
build_c card_demo
profiles_dir "$demo/card_demo" "OPERATOR (CUSTODY) for CSUCCPN Change PIN, after it is shown
           refused on DEFAULT; CSUCRDL and CSUCINS need no logon"
echo "   cards: scripts/virtual-cards.sh run 1: pcscd and one virtual card (fresh state file in"
echo "          $demo/vcards); its trap stops both when the program ends"
echo "   run:   SOFTCCA_HOME=$demo/card_demo $demo/bin/card_demo"
VCARDS_DIR="$demo/vcards" SOFTCCA_HOME="$demo/card_demo" \
  bash "$root/scripts/virtual-cards.sh" run 1 "$demo/bin/card_demo"

echo
echo "== 6. C: master-key custody on three operator cards (examples/c/custody_demo.c)"
build_c custody_demo
profiles_dir "$demo/custody_demo" "OPERATOR (CUSTODY) for CSUCSVK, CSUCBND, CSUADAC, CSUCACT;
           CUST1 (KEYCUST) for each CSNBMKP CLEAR probe; pcu_demo as in step 2"
echo "   cards: scripts/virtual-cards.sh run 3: pcscd and three fresh virtual cards"
echo "          ($demo/vcards-custody); its trap stops them when the programs end"
echo "   run:   SOFTCCA_HOME=$demo/custody_demo $demo/bin/custody_demo setup"
echo "          then $demo/bin/pcu_demo, then $demo/bin/custody_demo end (same SOFTCCA_HOME)"
# custody_demo exits 3 when the kernel keyring cannot be used here: nothing was bound.
VCARDS_DIR="$demo/vcards-custody" SOFTCCA_HOME="$demo/custody_demo" \
  bash "$root/scripts/virtual-cards.sh" run 3 bash -c '
    status=0
    "$1" setup || status=$?
    if [ "$status" -eq 3 ]; then exit 0; fi
    if [ "$status" -eq 0 ]; then
      echo
      echo "   pcu_demo on the bound, active state directory:"
      "$2" || status=$?
      echo
      echo "   the operator console on it (softcca-console status, docs/console.md):"
      "$3" status | sed "s/^/   /" || status=$?
    fi
    echo
    "$1" end || status=$?
    exit "$status"' custody "$demo/bin/custody_demo" "$demo/bin/pcu_demo" "$root/target/debug/softcca-console"

echo
echo "== demo state directory $demo:"
(cd "$demo" && find . \( -path ./bin -o -path ./vcards/lib -o -path ./vcards-custody/lib \) -prune -o -type f -print 2>/dev/null | sed 's|^\./||' \
  | sort | sed 's/^/   /')
echo "== demo finished"
