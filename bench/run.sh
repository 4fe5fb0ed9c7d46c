#!/usr/bin/env bash
# `make bench`: CSNBPCU calls per second (softcca, through the C entry point) beside
# pyemv+psec doing the same computation, in the same run on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${BENCH_SECONDS:-3}"
cargo build --release --quiet --example bench_pcu
# The Python peers go into a virtual environment of the build tree, never the system Python.
venv=target/bench-venv
if ! "$venv/bin/python" -c 'import pyemv, psec' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet -r tests/vectors/requirements.txt
fi
ours=$(./target/release/examples/bench_pcu "$secs")
# The same work on a bound, activated and authorised directory (activation and authorisation
# checked on every call; docs/custody.md).
bound=$(./target/release/examples/bench_pcu "$secs" TDES-XOR bound)
peer=$("$venv/bin/python" bench/pyemv_pcu.py "$secs")
echo "$ours"
echo "$bound"
echo "$peer"
echo
echo "Ratios (softcca / pyemv+psec), one thread and all cores:"
for alg in TDES-XOR TDESEMV4; do
  s1=$(awk -v a="$alg" '$1=="softcca" && $2==a {print $5}' <<<"$ours")
  sn=$(awk -v a="$alg" '$1=="softcca" && $2==a {print $9}' <<<"$ours")
  p1=$(awk -v a="$alg" '$1=="pyemv" && $2==a {print $5}' <<<"$peer")
  pn=$(awk -v a="$alg" '$1=="pyemv" && $2==a {print $9}' <<<"$peer")
  awk -v a="$alg" -v s1="$s1" -v sn="$sn" -v p1="$p1" -v pn="$pn" \
    'BEGIN { printf "  %-8s %6.1fx (1 thread)   %6.1fx (all cores)   softcca scaling %.2fx\n", a, s1/p1, sn/pn, sn/s1 }'
done
u1=$(awk '$1=="softcca" && $2=="TDES-XOR" {print $5}' <<<"$ours")
b1=$(awk '$1=="softcca-bound" && $2=="TDES-XOR" {print $5}' <<<"$bound")
bn=$(awk '$1=="softcca-bound" && $2=="TDES-XOR" {print $9}' <<<"$bound")
awk -v u1="$u1" -v b1="$b1" -v bn="$bn" \
  'BEGIN { printf "Bound+active+authorised TDES-XOR: %.1f %% of unbound on one thread, scaling %.2fx\n", 100*b1/u1, bn/b1 }'

# Operator cards: Inspect and a PIN verify through pcscd and our virtual card (targets: Inspect
# under 20 ms, a PIN verify under 10 ms), and the same APDUs without TCP_QUICKACK (about 50 ms
# each): tests/card_pcsc.rs measures and prints them (no timed assertion), under its own pcscd
# and virtual cards (scripts/virtual-cards.sh stops what it started).
echo
echo "Operator cards (pcscd + virtual card, debug build of the card client; targets: Inspect < 20 ms,"
echo "PIN verify < 10 ms):"
cargo build --quiet -p softcca-vcard
rm -rf target/vcards-bench
VCARDS_DIR=target/vcards-bench \
  bash scripts/virtual-cards.sh run 9 cargo test --quiet --test card_pcsc -- \
  --exact inspect_through_pcscd_and_latency latency_without_quickack --nocapture --test-threads=1 2>&1 \
  | grep -oE 'latency .*' | sed 's/^/  /'
