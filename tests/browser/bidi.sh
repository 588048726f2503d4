#!/usr/bin/env bash
# Visual order of Latin runs in right-to-left pages, in headless Chromium.
#   tests/browser/bidi.sh SITE_DIR
# SITE_DIR: a folder made by `vade build -o`. Each page of a right-to-left
# language (index.html and handbook.html with dir="rtl") is copied beside itself with
# bidi-probe.js, loaded from disk with `chromium --headless --dump-dom`, and
# the probe's lines ("ok bidi ...", "FAIL bidi ...") are printed. No npm
# package is needed: the probe measures the characters' boxes itself.
# Exit 0 once it has run; 2 on a usage error.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
STEP=${VADE_TEST_STEP_LIMIT:-300}
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: tests/browser/bidi.sh SITE_DIR" >&2; exit 2; }
if [ ! -x "$CHROMIUM" ]; then echo "SKIP bidi: no Chromium at $CHROMIUM"; exit 0; fi
SITE=$(cd "$1" && pwd -P)
n=0
while IFS= read -r f; do
  grep -q '<html[^>]*dir="rtl"' "$f" || continue
  n=$((n + 1))
  probe="${f%.html}.bidi-probe.html"
  cp "$HERE/bidi-probe.js" "$(dirname "$f")/bidi-probe.js"
  sed 's|</head>|<script src="bidi-probe.js"></script></head>|' "$f" > "$probe"
  out=$(timeout -k 10 "$STEP" "$CHROMIUM" --headless --no-sandbox --disable-gpu --allow-file-access-from-files \
        --virtual-time-budget=5000 --dump-dom "file://$probe" 2>/dev/null)
  res=$(printf '%s\n' "$out" | sed -n '/<pre id="bidi-result">/,/<\/pre>/p' | sed 's|<pre id="bidi-result">||; s|</pre>.*||' \
        | sed 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g')
  if [ -z "$res" ]; then echo "FAIL bidi ${f#$SITE/}: Chromium gave no result"; else printf '%s\n' "$res" | sed "s|\.bidi-probe\.html|.html|"; fi
  rm -f "$probe" "$(dirname "$f")/bidi-probe.js"
done < <(find "$SITE" \( -name index.html -o -name handbook.html \) | sort)
[ "$n" -gt 0 ] || echo "FAIL bidi: no right-to-left page in $SITE"
exit 0
