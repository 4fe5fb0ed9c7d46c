#!/usr/bin/env bash
# Builds the section-3 man pages of the verbs from their reference pages docs/<VERB>.md with
# lowdown (Debian package `lowdown`; scripts/deps.sh installs it), so the man pages and the
# Markdown pages are one source.
#
#   scripts/man.sh OUTDIR DOCDIR
#
# OUTDIR gets man3/<VERB>.3 for every verb include/softcca.h exports (CSNEPCU as a `.so` link
# to CSNBPCU.3) and man1/softcca-ivp.1; DOCDIR is where the Markdown pages are installed, named in SEE ALSO.
# The Markdown is adapted for man only on its way to lowdown: the title line becomes the NAME
# section, the page's summary table a list, `## Format` SYNOPSIS, `## Description`
# DESCRIPTION, the other `##` headings upper-case sections, `###` subsections.
set -euo pipefail
out=${1:?usage: scripts/man.sh OUTDIR DOCDIR}
docdir=${2:?usage: scripts/man.sh OUTDIR DOCDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v lowdown >/dev/null || { echo "man: lowdown is missing (run: make deps)" >&2; exit 1; }
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)
mkdir -p "$out/man3"
verbs=$(grep -o '^void CS[A-Z]*' "$root/include/softcca.h" | cut -d' ' -f2)
for verb in $verbs; do
  page=$verb
  [ "$verb" = CSNEPCU ] && page=CSNBPCU
  src="$root/docs/$page.md"
  [ -f "$src" ] || { echo "man: $verb has no reference page docs/$page.md" >&2; exit 1; }
  if [ "$page" != "$verb" ]; then
    printf '.so man3/%s.3\n' "$page" > "$out/man3/$verb.3"
    continue
  fi
  # "# PIN Change/Unblock (CSNBPCU and CSNEPCU)" -> names "CSNBPCU, CSNEPCU", "PIN Change/Unblock".
  title=$(head -1 "$src" | sed 's/^# //')
  what=${title% (*}
  names=$(printf '%s' "$title" | sed 's/.*(\(.*\))$/\1/; s/ and /, /g')
  {
    printf 'title: %s\nsection: 3\ndate: softcca %s\nsource: softcca %s\nvolume: softcca manual\n\n' \
      "$page" "$version" "$version"
    printf '# NAME\n\n%s - %s\n\n' "$names" "$what"
    awk -v docdir="$docdir" '
      NR == 1 { next }                                   # the title: NAME above
      /^\| \| \|$/ || /^\|---\|---\|$/ { intro = 1; next } # the summary table ...
      intro && /^\| / {                                  # ... becomes "Field: value" lines
        n = split($0, c, " \\| ")
        sub(/^\| /, "", c[1]); sub(/ \|$/, "", c[n])
        printf "**%s:** %s  \n", c[1], c[2]; next
      }
      { intro = 0 }
      /^## Format$/      { print "# SYNOPSIS"; next }
      /^## Description$/ { print "# DESCRIPTION"; next }
      /^## /             { sub(/^## /, ""); print "# " toupper($0); next }
      /^### /            { sub(/^### /, "## "); print; next }
      { print }
      END {
        print ""
        print "# SEE ALSO"
        print ""
        print "The softcca documentation in " docdir ": README.md (the index), codes.md (every"
        print "return and reason code), decisions.md, tokens.md, pin-blocks.md, state.md, security.md,"
        print "audit.md, card-verbs.md (the operator-card verbs), custody.md (master-key custody),"
        print "cca-linux.md (IBM CCA for Linux programs); softcca-ivp(1)."
        print "A reference to docs/NAME.md names the page NAME.md there."
      }' "$src"
  } | lowdown -s -Tman > "$out/man3/$page.3"
done
# Section 1: softcca-ivp(1) from docs/softcca-ivp.md and softcca-console(1) from docs/console.md
# (each page's title line "# <program>: what it is").
mkdir -p "$out/man1"
for prog in softcca-ivp:softcca-ivp.md softcca-console:console.md; do
  name=${prog%%:*}
  src="$root/docs/${prog#*:}"
  {
    printf 'title: %s\nsection: 1\ndate: softcca %s\nsource: softcca %s\nvolume: softcca manual\n\n' \
      "$name" "$version" "$version"
    printf '# NAME\n\n%s - %s\n\n# DESCRIPTION\n\n' "$name" "$(head -1 "$src" | sed "s/^# $name: //")"
    sed -e '1d' -e 's/^## /# /' "$src"
    if [ "$name" = softcca-console ]; then
      printf '\n# SEE ALSO\n\nconsole-cards.md, console-keys.md and console-access.md in %s (every command of each area); softcca-ivp(1).\n' "$docdir"
    fi
  } | lowdown -s -Tman > "$out/man1/$name.1"
done
echo "man: $(ls "$out/man3" | wc -l) pages in $out/man3, $(ls "$out/man1" | tr '\n' ' ')in $out/man1"
