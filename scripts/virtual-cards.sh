#!/usr/bin/env bash
# virtual-cards.sh: pcscd + vpcd reader slots + N softcca virtual cards (vcard/), for tests.
#
#   scripts/virtual-cards.sh start N      start pcscd and cards 0..N-1, wait until all N show
#   scripts/virtual-cards.sh stop         stop exactly the processes `start` recorded
#   scripts/virtual-cards.sh run N CMD..  start, run CMD with the environment below, stop (trap:
#                                         also when CMD fails or the script is interrupted);
#                                         exits with CMD's status
#
# Installs nothing: pcscd, vsmartcard-vpcd and opensc come from scripts/deps.sh. Every card tool
# call runs under `timeout`. Card i listens on vpcd port BASE+i, has serial number
# 5C0FCCA0 followed by i as 8 hex digits, and keeps its memory in $VCARDS_DIR/card-<i>.state
# (kept across card restarts; `run` uses a fresh directory and removes it afterwards).
#
# Environment: VCARDS_DIR (default /tmp/softcca-vcards; `run`: a new temporary directory; created
# with mode 0700, and an existing one refused unless it is this user's, not a symbolic link, and
# not writable by group or others: see own_dir),
# VCARDS_BASE_PORT (default 35963), VCARDS_TIMEOUT seconds (default 20), VCARDS_BIN (default
# target/debug/softcca-vcard, built by `cargo build -p softcca-vcard`), VCARDS_ISOLATE
# (auto|0|1: 1 runs pcscd in a private mount namespace so that a pcscd we did not start, which
# owns /run/pcscd, is left alone; auto does that only when such a pcscd runs),
# VCARDS_CARD_ARGS (extra arguments for every card, e.g. --no-quickack).
#
# Clients get, exported by `run` and written to $VCARDS_DIR/env by `start`:
#   PCSCLITE_CSOCK_NAME  the pcscd socket      SOFTCCA_VCARDS_DIR  this directory
#   SOFTCCA_VCARD_BIN    the card program (tests restart killed cards with it)
# and $VCARDS_DIR/cards.tsv lists: index, port, reader name, CSN, pid, state file.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${VCARDS_BASE_PORT:-35963}
TIMEOUT=${VCARDS_TIMEOUT:-20}
BIN=${VCARDS_BIN:-$ROOT/target/debug/softcca-vcard}
VPCD_LIB=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
SYS_SOCK=/run/pcscd/pcscd.comm

die() { echo "virtual-cards: $*" >&2; exit 1; }
log() { echo "virtual-cards: $*" >&2 || true; }   # never fatal: stderr may be a dead pipe

# A NAME.pid is trusted only with NAME.start (the process start time from /proc/PID/stat), so a
# recycled pid is never signalled.
proc_start() { [ -r "/proc/$1/stat" ] && sed -E 's/^.*\) //' "/proc/$1/stat" | awk '$1 !~ /^[ZX]$/ {print $20; ok=1} END {exit !ok}'; }
record_pid() { echo "$2" > "$DIR/$1.pid"; proc_start "$2" > "$DIR/$1.start" || true; }
ours() {  # ours NAME -> prints the pid when NAME.pid/NAME.start describe a live process
  local pid st
  [ -s "$DIR/$1.pid" ] && [ -s "$DIR/$1.start" ] || return 1
  pid=$(cat "$DIR/$1.pid"); st=$(proc_start "$pid" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" = "$(cat "$DIR/$1.start")" ] && echo "$pid"
}
port_listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
reader_name() {  # vpcd gives 2 slots per reader.conf entry: "Virtual PCD 00 00/01", "Virtual PCD #1 00 00/01", ...
  local e=$(( $1 / 2 )) s=$(( $1 % 2 ))
  if (( e == 0 )); then printf 'Virtual PCD 00 %02d' "$s"; else printf 'Virtual PCD #%d 00 %02d' "$e" "$s"; fi
}
csn_of() { printf '5C0FCCA0%08X' "$1"; }
present_readers() {  # the names of readers that hold a card
  timeout 10 opensc-tool -l 2>/dev/null | awk '$2 == "Yes" { $1 = $2 = ""; sub(/^ +/, ""); print }' || true
}

start_card() {  # start_card INDEX
  local i=$1
  # shellcheck disable=SC2086
  setsid "$BIN" --port $(( BASE + i )) --state "$DIR/card-$i.state" --csn "$(csn_of "$i")" \
    ${VCARDS_CARD_ARGS:-} > "$DIR/card-$i.log" 2>&1 < /dev/null &
  record_pid "card-$i" $!
  disown   # tests kill cards on purpose: no job report from bash
}

start() {
  local k=$1 e nentries port name lib isolate=${VCARDS_ISOLATE:-auto}
  [[ "$k" =~ ^[0-9]+$ ]] && (( k >= 1 && k <= 16 )) || die "N must be 1..16 (pcscd allows 16 readers), got '$k'"
  command -v pcscd >/dev/null || die "pcscd not installed (scripts/deps.sh)"
  command -v opensc-tool >/dev/null || die "opensc not installed (scripts/deps.sh)"
  [ -e "$VPCD_LIB" ] || die "vsmartcard-vpcd not installed ($VPCD_LIB missing; scripts/deps.sh)"
  [ -x "$BIN" ] || die "$BIN missing (cargo build -p softcca-vcard)"
  ours pcscd >/dev/null && die "already started in $DIR (stop first)"
  mkdir -p "$DIR/reader.conf.d" "$DIR/lib"
  # vpcd keeps its sockets in a static per-slot array and pcscd loads a driver path once: each
  # reader.conf entry needs its own copy of the driver, or entries overwrite each other's slots.
  nentries=$(( (k + 1) / 2 ))
  for (( e = 0; e < nentries; e++ )); do
    port=$(( BASE + 2 * e ))
    if (( e == 0 )); then name="Virtual PCD"; else name="Virtual PCD #$e"; fi
    lib="$DIR/lib/libifdvpcd-$e.so"
    cp "$(readlink -f "$VPCD_LIB")" "$lib"
    printf 'FRIENDLYNAME "%s"\nDEVICENAME /dev/null:%d\nLIBPATH %s\nCHANNELID %d\n\n' "$name" "$port" "$lib" "$port"
  done > "$DIR/reader.conf.d/vpcd"
  for (( i = 0; i < 2 * nentries; i++ )); do
    port_listening $(( BASE + i )) && die "TCP port $(( BASE + i )) already in use (set VCARDS_BASE_PORT)"
  done
  if [ "$isolate" = auto ]; then
    isolate=0
    # Someone else's pcscd (or systemd's socket for one) owns /run/pcscd: leave it alone.
    if [ -S "$SYS_SOCK" ] || { [ -s /run/pcscd/pcscd.pid ] && kill -0 "$(tr -d '\0' < /run/pcscd/pcscd.pid)" 2>/dev/null; }; then
      log "$SYS_SOCK is taken: isolating our pcscd in a private mount namespace"
      isolate=1
    fi
  fi
  if [ "$isolate" = 1 ]; then
    SOCK="$DIR/run/pcscd.comm"
    mkdir -p "$DIR/run" /run/pcscd
    # pcscd 1.9.9 always serves /run/pcscd/pcscd.comm: give it a private /run/pcscd.
    setsid unshare --mount --propagation private \
      sh -c 'mount --bind "$1" /run/pcscd && exec pcscd --foreground -c "$2"' sh \
      "$DIR/run" "$DIR/reader.conf.d" > "$DIR/pcscd.log" 2>&1 < /dev/null &
  else
    SOCK="$SYS_SOCK"
    rm -f /run/pcscd/pcscd.pid   # a stale pid file of a dead pcscd (checked above)
    setsid pcscd --foreground -c "$DIR/reader.conf.d" > "$DIR/pcscd.log" 2>&1 < /dev/null &
  fi
  record_pid pcscd $!
  printf 'PCSCLITE_CSOCK_NAME=%s\nSOFTCCA_VCARDS_DIR=%s\nSOFTCCA_VCARD_BIN=%s\n' "$SOCK" "$DIR" "$BIN" > "$DIR/env"
  export PCSCLITE_CSOCK_NAME=$SOCK
  local deadline=$(( $(date +%s) + TIMEOUT ))
  for (( i = 0; i < 2 * nentries; i++ )); do   # a card exits at once if its port does not listen
    until port_listening $(( BASE + i )); do
      ours pcscd >/dev/null || { tail -5 "$DIR/pcscd.log" >&2; die "pcscd died"; }
      (( $(date +%s) < deadline )) || die "vpcd port $(( BASE + i )) not listening after ${TIMEOUT}s"
      sleep 0.05
    done
  done
  for (( i = 0; i < k; i++ )); do start_card "$i"; done
  local have missing
  while :; do
    have=$(present_readers)
    missing=0
    for (( i = 0; i < k; i++ )); do
      grep -qxF "$(reader_name "$i")" <<<"$have" && continue
      missing=$(( missing + 1 ))
      ours "card-$i" >/dev/null || { tail -5 "$DIR/card-$i.log" >&2; die "card $i died"; }
    done
    (( missing == 0 )) && break
    (( $(date +%s) < deadline )) || die "$missing card(s) not visible after ${TIMEOUT}s"
    sleep 0.05
  done
  { printf 'index\tport\treader\tcsn\tpid\tstate\n'
    for (( i = 0; i < k; i++ )); do
      printf '%d\t%d\t%s\t%s\t%s\t%s\n' "$i" $(( BASE + i )) "$(reader_name "$i")" "$(csn_of "$i")" \
        "$(cat "$DIR/card-$i.pid")" "$DIR/card-$i.state"
    done; } > "$DIR/cards.tsv"
  log "$k card(s) visible (pcscd socket $SOCK; map in $DIR/cards.tsv)"
}

stop_group() {  # SIGTERM each recorded live process, wait up to 5 s, then SIGKILL
  local n pid names=()
  for n in "$@"; do
    if pid=$(ours "$n"); then kill -TERM "$pid" 2>/dev/null && names+=("$n"); fi
  done
  for _ in $(seq 100); do
    local alive=0
    for n in "${names[@]}"; do ours "$n" >/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.05
  done
  for n in "${names[@]}"; do
    if pid=$(ours "$n"); then log "$n ($pid) ignored SIGTERM: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  done
  for n in "$@"; do rm -f "$DIR/$n.pid" "$DIR/$n.start"; done
}

stop() {
  [ -d "$DIR" ] || return 0
  local f cards=()
  for f in "$DIR"/card-*.pid; do [ -e "$f" ] && cards+=("$(basename "$f" .pid)"); done
  (( ${#cards[@]} )) && stop_group "${cards[@]}"
  stop_group pcscd
  rm -f "$DIR/cards.tsv" "$DIR/env" "$DIR/run/pcscd.comm" "$DIR/run/pcscd.pid"
}

# The directory holds the cards' state files (their PINs and secrets), pcscd's socket and the pid
# files `stop` signals: another user who made it first, or may write into it, could read the
# cards, plant a socket or make `stop` signal a process of their choice. So it is created here
# with mode 0700, and an existing one is used only when it is a real directory (no symbolic
# link) of this user that neither group nor others may write to.
own_dir() {  # own_dir DIR [create]
  local d=$1 owner mode
  [ -L "$d" ] && die "$d is a symbolic link: refused"
  if [ ! -e "$d" ] && [ "${2:-}" = create ]; then
    mkdir -p -- "$(dirname -- "$d")"
    mkdir -m 700 -- "$d" 2>/dev/null || [ -d "$d" ] || die "cannot create $d"
    [ -L "$d" ] && die "$d is a symbolic link: refused"
  fi
  [ -e "$d" ] || return 0
  [ -d "$d" ] || die "$d is not a directory: refused"
  owner=$(stat -c %u -- "$d") mode=$(stat -c %a -- "$d")
  [ "$owner" = "$(id -u)" ] || die "$d belongs to uid $owner, not to this user (uid $(id -u)): refused"
  (( (8#$mode & 8#022) == 0 )) || die "$d is writable by group or others (mode $mode): refused"
}

cmd=${1:-}; shift || true
case "$cmd" in
  start) DIR=${VCARDS_DIR:-/tmp/softcca-vcards}; own_dir "$DIR" create; DIR=$(cd "$DIR" && pwd)
         trap 'stop' ERR; start "${1:-2}"; trap - ERR ;;
  stop)  DIR=${VCARDS_DIR:-/tmp/softcca-vcards}; own_dir "$DIR"; stop ;;
  run)   k=${1:-}; shift || true; (( $# )) || die "usage: run N CMD..."
         DIR=${VCARDS_DIR:-$(mktemp -d /tmp/softcca-vcards.XXXXXX)}; own_dir "$DIR" create; DIR=$(cd "$DIR" && pwd)
         # SIGPIPE ignored: when a signal ends CMD and also the readers of our output, bash's own
         # "Terminated" report would otherwise kill it before the cleanup (observed).
         trap '' PIPE
         cleanup() { trap '' INT TERM HUP; set +e; stop; [ -n "${VCARDS_DIR:-}" ] || rm -rf "$DIR"; }
         trap cleanup EXIT; trap 'exit 130' INT TERM HUP
         start "$k"
         export SOFTCCA_VCARDS_DIR=$DIR SOFTCCA_VCARD_BIN=$BIN
         set +e; "$@"; status=$?; set -e
         exit "$status" ;;
  *) die "usage: $0 start N | stop | run N CMD..." ;;
esac
