#!/usr/bin/env bash
# Installs what softcca's build, tests and demo need, once. Safe to run again: it only calls
# apt-get when a package is missing. Uses sudo when not root.
set -euo pipefail
# make, gcc and libc6-dev: C tests and examples (present on most Rust images, listed for bare ones).
# pcscd, vsmartcard-vpcd, pcsc-tools, opensc, iproute2 (ss): the operator-card tests run through
# the real PC/SC stack with virtual cards (scripts/virtual-cards.sh), opensc-tool as a second client.
# lowdown: the man pages from docs/<VERB>.md (scripts/man.sh); man-db and groff-base render them
# in `make test-man`; binutils (objcopy, strip): `make install` splits off the debug information;
# tmux: the operator console's menu is driven in a real terminal by its tests (console/tests/).
packages=(libpcsclite-dev pcscd pkg-config gnucobol3 libcmocka-dev python3 python3-venv make gcc libc6-dev
  vsmartcard-vpcd pcsc-tools opensc iproute2 lowdown man-db groff-base binutils tmux)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
