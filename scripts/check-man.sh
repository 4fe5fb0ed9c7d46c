#!/usr/bin/env bash
# `make test-man`: every verb of include/softcca.h has a man page in $1/man3 that man(1)
# renders without a troff error, whose NAME section names the verb, and whose sections
# include SYNOPSIS (the C prototype) and RETURN AND REASON CODES.
set -euo pipefail
dir=${1:?usage: scripts/check-man.sh MANBUILD}
root=$(cd "$(dirname "$0")/.." && pwd)
fail=0
for verb in $(grep -o '^void CS[A-Z]*' "$root/include/softcca.h" | cut -d' ' -f2); do
  page=$dir/man3/$verb.3
  [ -f "$page" ] || { echo "man: no page for $verb" >&2; fail=1; continue; }
  # `.so` links resolve relative to the man tree, as man(1) does for installed pages.
  text=$(cd "$dir" && MANWIDTH=100 man -l "man3/$verb.3" 2>"$dir/.stderr") || true
  # (no `grep -v | grep -q` under pipefail: the first grep's SIGPIPE could hide an error)
  if [ -n "$(grep -v -e 'cannot adjust line' -e "can't break line" "$dir/.stderr" || true)" ]; then
    echo "man: $verb.3: troff reported:" >&2; cat "$dir/.stderr" >&2; fail=1
  fi
  name=$(sed -n '/^NAME$/{n;p;q}' <<<"$text")
  case $name in
    *"$verb"*" - "*) ;;
    *) echo "man: $verb.3: NAME section does not name $verb: '$name'" >&2; fail=1 ;;
  esac
  for section in SYNOPSIS "RETURN AND REASON CODES"; do
    grep -qx "$section" <<<"$text" || { echo "man: $verb.3 lacks $section" >&2; fail=1; }
  done
  grep -q "void $verb(\|void CSNBPCU(" <<<"$text" || { echo "man: $verb.3 lacks the C prototype" >&2; fail=1; }
done
ivp=$(cd "$dir" && MANWIDTH=100 man -l man1/softcca-ivp.1 2>/dev/null) || true
grep -q '^ *softcca-ivp - the installation verification program' <<<"$ivp" || { echo "man: softcca-ivp.1 NAME" >&2; fail=1; }
console=$(cd "$dir" && MANWIDTH=100 man -l man1/softcca-console.1 2>/dev/null) || true
grep -q '^ *softcca-console - the operator console' <<<"$console" || { echo "man: softcca-console.1 NAME" >&2; fail=1; }
grep -qix 'exit statuses' <<<"$console" || { echo "man: softcca-console.1 lacks EXIT STATUSES" >&2; fail=1; }
rm -f "$dir/.stderr"
[ $fail -eq 0 ] && echo "man: every verb's page renders"
exit $fail
