#!/usr/bin/env bash
# The README's walkthrough of softcca-console (docs/console.md) on three virtual operator
# cards, from a fresh state directory to a bound, activated directory, its audit log and a
# backup:
#
#   cargo build -p softcca-vcard -p softcca-console
#   bash scripts/virtual-cards.sh run 3 bash examples/console/walkthrough.sh
#
# Every secret below (passphrases, PINs, master-key parts) is DEMO ONLY: it is given through a
# file descriptor (3 or 4), as a script must, never as an argument. An operator at a terminal
# leaves out the --…-fd options and types each secret with echo off instead.
#
# Environment: SOFTCCA_CONSOLE (default target/debug/softcca-console), WALKTHROUGH_HOME (the
# state directory to create; default a new one under /tmp, kept for you to look at),
# WALKTHROUGH_READERS (three reader names, one per line; default cards 0-2 of
# $SOFTCCA_VCARDS_DIR/cards.tsv, which scripts/virtual-cards.sh writes).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
console=${SOFTCCA_CONSOLE:-$root/target/debug/softcca-console}
home=${WALKTHROUGH_HOME:-$(mktemp -d /tmp/softcca-console-XXXXXX)}
mkdir -p -m 0700 "$home"
if [ -n "${WALKTHROUGH_READERS:-}" ]; then
  mapfile -t readers <<<"$WALKTHROUGH_READERS"
else
  [ -n "${SOFTCCA_VCARDS_DIR:-}" ] || { echo "walkthrough: run it under scripts/virtual-cards.sh run 3" >&2; exit 2; }
  mapfile -t readers < <(awk -F'\t' '$1 <= 2 { print $3 }' "$SOFTCCA_VCARDS_DIR/cards.tsv")
fi
[ "${#readers[@]}" -ge 3 ] || { echo "walkthrough: three readers needed" >&2; exit 2; }
r1=${readers[0]} r2=${readers[1]} r3=${readers[2]}

# DEMO ONLY secrets.
officer='DEMO ONLY officer passphrase'
cust1='DEMO ONLY cust1 passphrase'
cust2='DEMO ONLY cust2 passphrase'
oper='DEMO ONLY operator passphrase'
transport=12345678          # a new card's PIN (docs/card-profile.md)
pin=13572468                # the PIN each card gets (changeable once)
part1=0123456789ABCDEFFEDCBA987654321089ABCDEF01234567
part2=F1E0D3C2B5A497862A3B4C5D6E7F80914A5B6D7C8F9EA1B0

step() { printf '\n== %s\n' "$*"; }
sc() {  # shows and runs one console command
  printf '$ softcca-console'; printf ' %q' "$@"; printf '\n'
  "$console" --home "$home" "$@"
}

step "1. The readers and a new card"
sc readers
sc card inspect --reader "$r1"

step "2. Profiles: the first security officer (the bootstrap), then custodians and an operator"
sc profile add SECOFF1 --role SECOFF --passphrase-fd 3 3<<<"$officer"
sc --user SECOFF1 --logon-fd 3 profile add CUST1 --role KEYCUST --passphrase-fd 3 3<<<"$officer"$'\n'"$cust1"
sc --user SECOFF1 --logon-fd 3 profile add CUST2 --role KEYCUST --passphrase-fd 3 3<<<"$officer"$'\n'"$cust2"
sc --user SECOFF1 --logon-fd 3 profile add OPER1 --role CUSTODY --passphrase-fd 3 3<<<"$officer"$'\n'"$oper"
sc --user SECOFF1 --logon-fd 3 profile list 3<<<"$officer"

step "3. The operator gives each card its PIN (once: then the PIN is sealed)"
for r in "$r1" "$r2" "$r3"; do
  sc --user OPER1 --logon-fd 3 card change-pin --reader "$r" --pin-fd 3 --yes 3<<<"$oper"$'\n'"$transport"$'\n'"$pin"
done

step "4. A server master key, 2 of 3, one card after the other"
sc --user OPER1 --logon-fd 3 set create --kind svmk --m 2 --n 3 \
  --reader "$r1" --reader "$r2" --reader "$r3" --label "SVMK 1 of 3" --label "SVMK 2 of 3" --label "SVMK 3 of 3" \
  --pin-fd 3 --yes 3<<<"$oper"$'\n'"$pin"$'\n'"$pin"$'\n'"$pin"

step "5. Two key custodians load the master key (dual control), one of them sets it"
sc mk load-parts --custodian CUST1 --custodian CUST2 --logon-fd 3 --part-fd 4 \
  3<<<"$cust1"$'\n'"$cust2" 4<<<"$part1"$'\n'"$part2"
sc --user CUST1 --logon-fd 3 mk set --yes 3<<<"$cust1"

step "6. Bind the directory to the set with two cards, deactivate, activate with two others"
sc --user OPER1 --logon-fd 3 bind --reader "$r1" --reader "$r2" --pin-fd 3 --yes 3<<<"$oper"$'\n'"$pin"$'\n'"$pin"
sc status
sc --user OPER1 --logon-fd 3 deactivate 3<<<"$oper"
sc status
sc --user OPER1 --logon-fd 3 activate --reader "$r3" --reader "$r1" --pin-fd 3 3<<<"$oper"$'\n'"$pin"$'\n'"$pin"
sc status

step "7. The audit log: the last records, and its chain verified"
sc --user SECOFF1 --logon-fd 3 audit tail -n 6 3<<<"$officer"
sc --user SECOFF1 --logon-fd 3 audit verify 3<<<"$officer"

step "8. A consistent online backup of the directory"
sc --user SECOFF1 --logon-fd 3 backup "$home.backup" 3<<<"$officer"

printf '\nwalkthrough: done; the state directory is %s, its backup %s.backup\n' "$home" "$home"
