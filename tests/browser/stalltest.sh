#!/usr/bin/env bash
# Proves that a stalled step fails alone: copies a built site, makes some steps hang
# for good, runs run.sh (check.mjs) and print.mjs on the copy with a short step limit,
# and expects a FAIL line naming each hung step while every other check still reports.
#   tests/browser/stalltest.sh SITE_DIR    (SITE_DIR: a build of tests/sites/print)
# The hangs cost no CPU (a busy machine is what this is about):
#   en/a6/index.html   a script from a server that accepts and never answers: never loads
#   en/a7/index.html   loads, then a synchronous request to that server on the first key
#                      press: the 'landmarks' check (which presses Tab) hangs; the page is
#                      loaded again for 'direction' and 'narrow'
#   en/a6/card.html    never loads: the print step of that card hangs
#   vnu                a Java that sleeps when given en/guide/handbook.html: that batch hangs
# Ends with "N passed, N failed"; exits 1 if an expectation is not met.
# The checks that do not hang must report a line each (ok, or a FAIL of their own: this
# test is about what runs, the main run is about what passes).
# Environment: VADE_BT_STEP_TIMEOUT_MS (default here 20000).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 1 ] || [ ! -f "$1/en/a6/card.html" ] || [ ! -f "$1/en/guide/handbook.html" ]; then
  echo "usage: tests/browser/stalltest.sh SITE_DIR  (a build of tests/sites/print)" >&2; exit 2
fi
export VADE_BT_STEP_TIMEOUT_MS=${VADE_BT_STEP_TIMEOUT_MS:-20000}
limit_s=$((VADE_BT_STEP_TIMEOUT_MS / 1000))
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vade-browser-stalltest.XXXXXX")
tarpit=
trap '[ -n "$tarpit" ] && kill "$tarpit" 2>/dev/null; rm -rf "$TMP"' EXIT
pass=0 fail=0
expect() { # expect OUTFILE REGEX DESCRIPTION
  if grep -qE "$2" "$1"; then pass=$((pass + 1)); echo "ok   $3"; else fail=$((fail + 1)); echo "FAIL $3 (no line matching /$2/)"; fi
}
expect_n() { # expect_n OUTFILE REGEX COUNT DESCRIPTION
  local n; n=$(grep -cE "$2" "$1")
  if [ "$n" = "$3" ]; then pass=$((pass + 1)); echo "ok   $4"; else fail=$((fail + 1)); echo "FAIL $4 ($n lines matching /$2/, want $3)"; fi
}

# A server on loopback that accepts connections and never answers.
node -e "const s = require('net').createServer(() => {}); s.listen(0, '127.0.0.1', () => console.log(s.address().port));" > "$TMP/port" &
tarpit=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
port=$(cat "$TMP/port")
[ -n "$port" ] || { echo "stalltest: the never-answering server did not start" >&2; exit 2; }
never="http://127.0.0.1:$port/never"

B=$TMP/site; cp -R "$1" "$B"
perl -0pi -e 's{</head>}{<script src="'"$never"'.js"></script>\n</head>}' "$B/en/a6/index.html" "$B/en/a6/card.html"
perl -0pi -e 's{</head>}{<script>addEventListener("keydown", () => { const x = new XMLHttpRequest(); x.open("GET", "'"$never"'", false); try { x.send(); } catch (e) {} });</script>\n</head>}' "$B/en/a7/index.html"
cat > "$TMP/java" <<EOF
#!/bin/sh
for a; do case \$a in */en/guide/handbook.html) exec sleep 100000 ;; esac; done
exec ${JAVA:-java} "\$@"
EOF
chmod +x "$TMP/java"
pages=$(cd "$B" && find . -mindepth 2 -name index.html | wc -l)
files=$(cd "$B" && find . -name '*.html' | wc -l)

t0=$SECONDS
JAVA=$TMP/java VADE_BT_VNU_BATCH=4 "$HERE/run.sh" "$B" > "$TMP/check" 2>&1 &
c=$!
node "$HERE/print.mjs" "$B" > "$TMP/print" 2>&1 &
p=$!
wait $c $p
took=$((SECONDS - t0))
sed 's/^/    | /' "$TMP/check" "$TMP/print" | grep -E '^    \| (FAIL|SKIP)'
O=$TMP/check
expect "$O" "^FAIL axe en/a6/index.html: step 'load' not finished after $limit_s s, stopped" "a page that never loads fails its first check, naming the load step"
expect_n "$O" "^FAIL (offline|landmarks|direction|narrow) en/a6/index.html: not run, the page did not load" 4 "and its other checks fail saying why"
expect "$O" "^FAIL landmarks en/a7/index.html: not finished after $limit_s s, stopped" "a check that hangs fails, naming the check and the page"
expect_n "$O" "^(ok (axe|offline|direction [a-z]+|narrow)|FAIL (direction|narrow)) en/a7/index.html" 4 "the same page's other checks ran (loaded again after the hang)"
expect_n "$O" "^FAIL (axe|offline|direction|narrow) en/a7/index.html: not run" 0 "none of them was skipped"
grep -vE " en/a[67]/index.html" "$O" > "$TMP/others"
expect_n "$TMP/others" "^(ok|FAIL) (axe|offline|landmarks|direction|narrow) " $(( (pages - 2) * 5 )) "every check of every other page ran"
expect_n "$TMP/others" "^FAIL [a-z]+ [^ ]+: (not run|step 'load')" 0 "none of them was skipped"
# The batch of 4 (in check.mjs's order: names sorted by localeCompare, depth first) that holds the hanging file.
batch=$(node -e '
  const fs = require("fs"), path = require("path");
  const walk = (d, o = []) => { for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(d, e.name); if (e.isDirectory()) walk(p, o); else if (e.isFile()) o.push(p); } return o; };
  const html = walk(process.argv[1]).filter((f) => /\.html?$/i.test(f)).map((f) => path.relative(process.argv[1], f));
  const i = html.indexOf("en/guide/handbook.html"), a = i - i % 4;
  console.log(`${a + 1}-${Math.min(a + 4, html.length)}`);' "$B")
expect_n "$O" "^FAIL vnu [^ ]+: step 'vnu of files $batch of $files' not finished after $limit_s s" 4 "a vnu run that hangs fails the files it was given, naming them"
expect "$O" "^FAIL vnu en/guide/handbook.html: step 'vnu of files" "among them the one that hung it"
expect_n "$O" "^(ok|FAIL) vnu " "$files" "the other vnu batches ran"
expect "$O" "^(ok|FAIL) file-url" "the file:// walk ran"
expect_n "$O" "^FAIL run" 0 "no check went unreported"
O=$TMP/print
expect "$O" "^FAIL card en/a6/card.html: not finished after $limit_s s, stopped" "a print step that hangs fails, naming the card"
expect "$O" "^(ok|FAIL) card PDF: en/a7/card.html" "the next card is printed"
expect_n "$O" "^(ok|FAIL) sheet PDF: " 4 "both sheets are printed on both papers"
expect "$O" "^(ok|FAIL) handbook PDF: " "the handbook is printed"
expect "$O" "^(ok|FAIL) search filters offline: " "the search page is checked"
echo "# the stalled runs took ${took} s with steps limited to $limit_s s"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
