#!/usr/bin/env bash
# weft's whole test run: setup, Rust unit tests, Node tests, browser tests (isolated and not).
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
tap_count() { grep -E "^# $1 [0-9]+\$" "$OUT/node.tap" 2>/dev/null | tail -n1 | awk '{print $3}'; }
p=$(tap_count pass); f=$(tap_count fail); c=$(tap_count cancelled)
record node "$rc" "${p:-0}" "$(( ${f:-0} + ${c:-0} ))"

# --- Browser: @web/test-runner + Debian's Chromium, with and without cross-origin isolation ----
browser() { # stage isolated
  local stage=$1 isolated=$2 json="$OUT/$1.json"
  echo "== $stage (WEFT_ISOLATED=$isolated)"
  rm -f "$json"
  local rc=0
  WEFT_ISOLATED=$isolated WEFT_RESULTS_FILE="$json" NO_COLOR=1 \
    timeout 900 node_modules/.bin/wtr --config test/web-test-runner.config.mjs 2>&1 | tee "$OUT/$stage.log" || rc=$?
  local p=0 f=0
  if [ -f "$json" ]; then
    p=$(node -p "require(process.argv[1]).passed" "$json")
    f=$(node -p "require(process.argv[1]).failed" "$json")
  fi
  record "$stage" "$rc" "$p" "$f"
}
browser browser-isolated 1
browser browser-fallback 0

finish
