#!/usr/bin/env bash
# HTML validation and accessibility checks of a built vade site.
#   tests/browser/run.sh SITE_DIR
# SITE_DIR is an output folder made by `vade build -o SITE_DIR`. Prints one line per
# check and page: "ok <check> <path>", "FAIL <check> <path>: <why>", or "SKIP <check>: <why>"
# when a tool could not be installed (no network, not root). Checks: vnu (Nu HTML
# Checker on every .html), axe, offline, landmarks, direction, narrow, type-scale (headless
# Chromium over a loopback http server) and file-url (the site opened from disk), see
# check.mjs; crawl (every link and fragment of every HTML file, from file://), see crawl.mjs.
# Exit: 0 once it has run (whatever it found), 2 on a usage error.
# Installs what it lacks: node_modules (npm ci), chromium and a Java runtime (apt, as root).
# Environment: CHROMIUM (default /usr/bin/chromium), JAVA (default java),
#              VADE_BT_STEP_TIMEOUT_MS (default 120000): the limit of each step (a page
#              load, one check of a page, one vnu batch); there is none on the whole run.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ $# -ne 1 ] || [ -z "$1" ] || [ ! -d "$1" ]; then
  echo "usage: tests/browser/run.sh SITE_DIR   (SITE_DIR: a folder made by 'vade build -o SITE_DIR')" >&2
  exit 2
fi
SITE=$(cd "$1" && pwd -P)
CHECKS_VNU=vnu
CHECKS_BROWSER="axe offline landmarks file-url"
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export JAVA=${JAVA:-java}
unset VADE_BT_SKIP_VNU VADE_BT_SKIP_BROWSER   # set below only, for check.mjs
LOG=$(mktemp "${TMPDIR:-/tmp}/vade-browser-tests.XXXXXX")
trap 'rm -f "$LOG"' EXIT

skip() { local checks=$1; shift; for c in $checks; do echo "SKIP $c: $*"; done; }
last_log() { tail -n 3 "$LOG" | tr '\n' ' ' | cut -c1-200; }

# apt-get install, retrying once after 'apt-get update' (a fresh machine has no lists).
apt_install() {
  [ "$(id -u)" = 0 ] || { echo "not root, cannot apt-get install $*" > "$LOG"; return 1; }
  command -v apt-get >/dev/null 2>&1 || { echo "no apt-get to install $*" > "$LOG"; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "$@" > "$LOG" 2>&1 && return 0
  apt-get update >> "$LOG" 2>&1 && apt-get install -y "$@" >> "$LOG" 2>&1
}

# --- node and the npm packages (playwright-core, axe-core, vnu-jar) ---
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  skip "$CHECKS_VNU $CHECKS_BROWSER" "node/npm not installed"
  exit 0
fi
deps_present() {
  [ -f "$HERE/node_modules/playwright-core/package.json" ] &&
  [ -f "$HERE/node_modules/axe-core/axe.min.js" ] &&
  [ -f "$HERE/node_modules/vnu-jar/build/dist/vnu.jar" ]
}
if ! deps_present; then
  # --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime from
  # outside the npm registry; the system Java (below) is used instead.
  if ! (cd "$HERE" && npm ci --no-audit --no-fund --ignore-scripts) > "$LOG" 2>&1 || ! deps_present; then
    why=$(grep -m 3 -E '^npm (error|ERR!)' "$LOG" | sed -E 's/^npm (error|ERR!) ?//' | tr '\n' ' ' | cut -c1-200)
    skip "$CHECKS_VNU $CHECKS_BROWSER" "npm ci in tests/browser failed: ${why:-$(last_log)}"
    exit 0
  fi
fi

# --- Java for vnu ---
if ! command -v "$JAVA" >/dev/null 2>&1; then
  if apt_install default-jre-headless; then why="default-jre-headless installed, but no '$JAVA' command"
  else why="could not install default-jre-headless: $(last_log)"; fi
  command -v "$JAVA" >/dev/null 2>&1 || export VADE_BT_SKIP_VNU="no Java runtime; $why"
fi
if [ -z "${VADE_BT_SKIP_VNU:-}" ] && ! "$JAVA" -version > "$LOG" 2>&1; then
  why=$(last_log); export VADE_BT_SKIP_VNU="$JAVA -version fails: $why"
fi

# --- Chromium ---
if [ ! -x "$CHROMIUM" ]; then
  why="CHROMIUM is set, so apt-get is not tried"
  if [ "$CHROMIUM" = /usr/bin/chromium ]; then
    if apt_install chromium; then why="package chromium installed, but still no $CHROMIUM"
    else why="could not install chromium: $(last_log)"; fi
  fi
  [ -x "$CHROMIUM" ] || export VADE_BT_SKIP_BROWSER="no Chromium at $CHROMIUM; $why"
fi

node "$HERE/check.mjs" "$SITE"
rc=$?
if [ $rc = 2 ]; then exit 2; fi
[ $rc = 0 ] || echo "FAIL browser-tests: check.mjs stopped with exit code $rc"
if [ -n "${VADE_BT_SKIP_BROWSER:-}" ]; then
  echo "SKIP crawl: $VADE_BT_SKIP_BROWSER"
else
  node "$HERE/crawl.mjs" "$SITE" || echo "FAIL crawl: crawl.mjs stopped with exit code $?"
fi
exit 0
