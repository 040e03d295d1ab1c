#!/usr/bin/env bash
# weft's whole test run: setup, Rust unit tests, Node tests, browser tests (isolated and not) on
# Chromium, Firefox ESR and WebKit, the demo site (built, served, driven in Chromium), the package
# as consumers get it (npm pack, Node, Vite/webpack/esbuild apps, CDN import), the API reference.
# Every stage runs even when an earlier one failed; the exit status is non-zero if any failed.
# The last line printed is "N passed, M failed", summed over all runners.
#
# Env: WEFT_TEST_OUT   where logs and machine-readable results go (default test-artifacts/)
#      WEFT_SKIP_SETUP=1  skip scripts/setup.sh (dist/ must already be built)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="${WEFT_TEST_OUT:-$ROOT/test-artifacts}"
mkdir -p "$OUT"

PASSED=0
FAILED=0
STATUS=0
REPORT=()

# record STAGE RC PASSED FAILED: add a stage's counts; a failed stage that reported no failing
# test (crash, build error, timeout) counts as one failure.
record() {
  local stage=$1 rc=$2 p=${3:-0} f=${4:-0}
  if [ "$rc" -ne 0 ]; then
    STATUS=1
    if [ "$f" -eq 0 ]; then f=1; fi
  fi
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  REPORT+=("[$stage] exit=$rc passed=$p failed=$f")
  echo "== [$stage] exit=$rc passed=$p failed=$f"
}

finish() {
  echo
  echo "== weft test summary"
  for line in "${REPORT[@]}"; do echo "$line"; done
  echo "$PASSED passed, $FAILED failed"
  exit "$STATUS"
}

# --- setup ------------------------------------------------------------------------------------
if [ "${WEFT_SKIP_SETUP:-0}" != 1 ]; then
  echo "== setup"
  rc=0
  bash scripts/setup.sh 2>&1 | tee "$OUT/setup.log" || rc=$?
  if [ "$rc" -ne 0 ]; then
    record setup "$rc" 0 1
    finish
  fi
fi

# --- Rust unit tests (Debian's cargo, first on PATH) ---------------------------------------------
echo "== cargo test -p weft-kernels --release"
rc=0
PATH="/usr/bin:$PATH" timeout 1200 cargo test -p weft-kernels --release 2>&1 | tee "$OUT/cargo.log" || rc=$?
# "test result: ok. 12 passed; 0 failed; 0 ignored; ..." once per test binary / doc-tests
p=$(grep -E '^test result:' "$OUT/cargo.log" | sed -nE 's/.* ([0-9]+) passed.*/\1/p' | awk '{s+=$1} END {print s+0}')
f=$(grep -E '^test result:' "$OUT/cargo.log" | sed -nE 's/.* ([0-9]+) failed.*/\1/p' | awk '{s+=$1} END {print s+0}')
record cargo "$rc" "$p" "$f"

# --- Node: node:test on worker_threads ---------------------------------------------------------
echo "== node --test test/node"
rc=0
timeout 900 node --test --test-timeout=600000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$OUT/node.tap" \
  test/node/*.test.js 2>&1 | tee "$OUT/node.log" || rc=$?
# TAP's closing lines: "# pass N", "# fail N", "# cancelled N" (suites are counted apart)
tap_count() { grep -E "^# $1 [0-9]+\$" "${2:-$OUT/node.tap}" 2>/dev/null | tail -n1 | awk '{print $3}'; }
p=$(tap_count pass); f=$(tap_count fail); c=$(tap_count cancelled)
record node "$rc" "${p:-0}" "$(( ${f:-0} + ${c:-0} ))"

# --- Browser: @web/test-runner + Debian's Chromium, with and without cross-origin isolation ----
browser() { # stage isolated [wtr config: default Chromium's]
  local stage=$1 isolated=$2 json="$OUT/$1.json" config=${3:-test/web-test-runner.config.mjs}
  echo "== $stage (WEFT_ISOLATED=$isolated, $config)"
  rm -f "$json"
  local rc=0
  WEFT_ISOLATED=$isolated WEFT_RESULTS_FILE="$json" NO_COLOR=1 \
    timeout 900 node_modules/.bin/wtr --config "$config" 2>&1 | tee "$OUT/$stage.log" || rc=$?
  local p=0 f=0
  if [ -f "$json" ]; then
    p=$(node -p "require(process.argv[1]).passed" "$json")
    f=$(node -p "require(process.argv[1]).failed" "$json")
  fi
  record "$stage" "$rc" "$p" "$f"
}
browser browser-isolated 1
browser browser-fallback 0
# The same suite on Firefox ESR (Debian's firefox-esr, WebDriver BiDi through puppeteer-core).
browser firefox-isolated 1 test/engines/web-test-runner.firefox.config.mjs
browser firefox-fallback 0 test/engines/web-test-runner.firefox.config.mjs
# And on WebKit (WebKitGTK's MiniBrowser over WebDriver, under a private Xvfb): not isolated only —
# WebKitGTK gives an isolated page no SharedArrayBuffer, so weft stays in 'fallback' there too
# (docs/engines.md).
browser webkit-fallback 0 test/engines/web-test-runner.webkit.config.mjs

# --- Demo site: build it, serve it (with COOP/COEP, and a plain static server without them:
# service worker and fallback), drive every panel in Chromium; screenshots in $OUT/demo/ -------
echo "== node --test test/demo"
rc=0
rm -f "$OUT/demo.tap"
WEFT_TEST_OUT="$OUT" timeout 900 node --test --test-timeout=600000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$OUT/demo.tap" \
  test/demo/*.test.js 2>&1 | tee "$OUT/demo.log" || rc=$?
p=$(tap_count pass "$OUT/demo.tap"); f=$(tap_count fail "$OUT/demo.tap"); c=$(tap_count cancelled "$OUT/demo.tap")
record demo "$rc" "${p:-0}" "$(( ${f:-0} + ${c:-0} ))"

# --- The package as others get it: npm pack's file list, Node from the installed tarball, Vite /
# webpack / esbuild apps built from the tarball and run in Chromium, the CDN entry imported from
# another origin. One work dir per run: the tarball and the apps' installs are made once. --------
CONSUMERS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/weft-consumers.XXXXXX")"
node_stage() { # stage timeout files...
  local stage=$1 limit=$2 tap="$OUT/$1.tap"
  shift 2
  echo "== node --test $*"
  local rc=0
  rm -f "$tap"
  WEFT_CONSUMERS_DIR="$CONSUMERS_DIR" timeout "$limit" node --test --test-concurrency=1 --test-timeout=600000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$@" 2>&1 | tee "$OUT/$stage.log" || rc=$?
  local p f c
  p=$(tap_count pass "$tap"); f=$(tap_count fail "$tap"); c=$(tap_count cancelled "$tap")
  record "$stage" "$rc" "${p:-0}" "$(( ${f:-0} + ${c:-0} ))"
}
node_stage package 600 test/consumers/package.test.js
node_stage consumers 900 test/consumers/bundlers.test.js test/consumers/cdn.test.js
rm -rf "$CONSUMERS_DIR"

# --- API reference: TypeDoc over the doc comments; any warning fails the stage ----------------------
echo "== typedoc --treatWarningsAsErrors"
rc=0
timeout 300 node_modules/.bin/typedoc --treatWarningsAsErrors 2>&1 | tee "$OUT/docs.log" || rc=$?
if [ "$rc" -eq 0 ]; then record docs 0 1 0; else record docs "$rc" 0 1; fi

finish
