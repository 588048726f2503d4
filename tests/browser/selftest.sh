#!/usr/bin/env bash
# Proves that every check of run.sh can fail: copies a built site, breaks one page per
# check, runs run.sh on the copy and expects a FAIL line for each break (and ok lines for
# an untouched control page). Not part of the normal run.
#   tests/browser/selftest.sh SITE_DIR      (SITE_DIR: a vade output of the shipped content)
# Ends with "N passed, N failed"; exits 1 if any expectation is not met.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 1 ] || [ ! -f "$1/en/index.html" ]; then
  echo "usage: tests/browser/selftest.sh SITE_DIR  (a built site with en/index.html)" >&2; exit 2
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vade-browser-selftest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
expect() { # expect OUTFILE REGEX DESCRIPTION
  if grep -qE "$2" "$1"; then pass=$((pass + 1)); echo "ok   $3"; else fail=$((fail + 1)); echo "FAIL $3 (no line matching /$2/)"; fi
}
page() { [ -f "$B/$1" ] || { echo "selftest: $1 missing in the site; cannot break it" >&2; exit 2; }; echo "$B/$1"; }
inject_head() { perl -0pi -e 's{</head>}{'"$2"'\n</head>}' "$(page "$1")"; }
inject_main() { perl -0pi -e 's{(<main\b[^>]*>)}{$1\n'"$2"'}' "$(page "$1")"; }

# ---- copy 1: one break per page ----
B=$TMP/broken; cp -R "$1" "$B"
# vnu + axe: an image without alt
inject_main en/documents/index.html '<img src="../../assets/style.css" width="10" height="10">'
# vnu: an element left open
inject_main en/topics/index.html '<div class="unclosed"><span>'
# offline: a script from another host (requests are aborted, never sent)
inject_head en/organizations/index.html '<script src="https://example.com/tracker.js"></script>'
# offline (DOM scan): a connection hint to another host, which fires no request event
inject_head en/topics/thb/related-topics/index.html '<link rel="preconnect" href="https://fonts.example.com">'
# axe: text contrast too low
inject_head en/topics/thb/legal-definition/index.html '<style>.prose p, .prose li { color: #c8c8c8; }</style>'
# landmarks: no skip link
perl -0pi -e 's{<a class="skip-link"[^>]*>.*?</a>}{}s' "$(page en/topics/thb/cooperation/index.html)"
# landmarks: skip link to a missing id
perl -0pi -e 's{(<a class="skip-link" href=")#[^"]*"}{$1#nowhere"}' "$(page en/topics/thb/dos-and-donts/index.html)"
# landmarks: a second <main>
perl -0pi -e 's{</footer>}{</footer>\n<main><p>second</p></main>}' "$(page en/topics/thb/identification/index.html)"
# landmarks: focus indicator removed from the skip link
inject_head en/topics/thb/implications/index.html '<style>.skip-link:focus, .skip-link:focus-visible { outline: none; box-shadow: none; }</style>'
# landmarks: skip link stays off screen when focused
inject_head en/topics/thb/index.html '<style>.skip-link:focus { inset-block-start: -3rem; }</style>'
# file-url: the first link in main of the language home leads to a folder (a listing on file://)
perl -0pi -e 's{(<main\b.*?<a href=")([^"#]*?)index\.html"}{$1$2"}s' "$(page en/index.html)"

"$HERE/run.sh" "$B" > "$TMP/out1" 2>&1
sed 's/^/    | /' "$TMP/out1" | grep -E '^    \| (FAIL|SKIP)' || true
expect "$TMP/out1" '^FAIL vnu en/documents/index.html: .*alt' "vnu: img without alt"
expect "$TMP/out1" '^FAIL vnu en/topics/index.html: ' "vnu: unclosed element"
expect "$TMP/out1" '^FAIL axe en/documents/index.html: .*image-alt' "axe: image-alt"
expect "$TMP/out1" '^FAIL axe en/topics/thb/legal-definition/index.html: .*color-contrast' "axe: color-contrast"
expect "$TMP/out1" '^FAIL offline en/organizations/index.html: .*example\.com/tracker\.js' "offline: external script"
expect "$TMP/out1" '^FAIL offline en/topics/thb/related-topics/index.html: .*fonts\.example\.com' "offline: preconnect hint"
expect "$TMP/out1" '^FAIL landmarks en/topics/thb/cooperation/index.html: no skip link' "landmarks: no skip link"
expect "$TMP/out1" '^FAIL landmarks en/topics/thb/dos-and-donts/index.html: .*missing id' "landmarks: skip target missing"
expect "$TMP/out1" '^FAIL landmarks en/topics/thb/identification/index.html: 2 <main>' "landmarks: two <main>"
expect "$TMP/out1" '^FAIL landmarks en/topics/thb/implications/index.html: .*no visible focus indicator' "landmarks: focus not visible"
expect "$TMP/out1" '^FAIL landmarks en/topics/thb/index.html: .*not visible on screen' "landmarks: skip link off screen"
expect "$TMP/out1" '^FAIL file-url: .*is a folder' "file-url: link to a folder"
for c in vnu axe offline landmarks; do
  expect "$TMP/out1" "^ok $c en/topics/thb/tasks/index.html( |\$)" "control page passes $c"
done

# ---- copy 2: the root page leads to a file that does not exist ----
B=$TMP/broken2; cp -R "$1" "$B"
perl -0pi -e 's{en/index\.html}{xx/index.html}g' "$(page index.html)"
"$HERE/run.sh" "$B" > "$TMP/out2" 2>&1
grep -E '^(FAIL|SKIP) file-url' "$TMP/out2" | sed 's/^/    | /'
expect "$TMP/out2" '^FAIL file-url: .*(does not exist|ERR_FILE_NOT_FOUND)' "file-url: missing file"

# ---- usage error ----
"$HERE/run.sh" "$TMP/none" >/dev/null 2>&1; rc=$?
if [ $rc = 2 ]; then pass=$((pass + 1)); echo "ok   usage error exits 2"; else fail=$((fail + 1)); echo "FAIL usage error exits 2 (got $rc)"; fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
