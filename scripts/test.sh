#!/usr/bin/env bash
# Every test of the project, in order from the inside out. Expects the set-up
# and build that `npm test` runs first (scripts/setup.sh test, scripts/build.mjs).
#
# A suite passes when its runner exits 0 AND its own summary is there with no
# failure: a runner that crashes before its summary fails, whatever it printed.
# A suite that is skipped, or skips tests, says so loudly; under CI=true that
# fails the run unless the skip was asked for (LOOKER_RENDER_SKIP_BROWSER=1 for
# the suites that need Chromium, LOOKER_RENDER_SKIP_FUZZ=1 for the fuzz run).
# Every suite runs even after one fails; the exit status is 1 if any failed.
#
# To add a suite: run_suite [--skip-ok-if VAR] NAME COUNTS COMMAND...
# (COUNTS: how to read its summary: cargo, node or fuzz).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tmp
rm -f tmp/*.log

rows=()        # one line per suite for the table: name|result|passed|failed|skipped
run_failed=0

# counts_KIND LOG: prints "passed failed skipped" from the runner's closing
# lines, or nothing when they are not there.
counts_cargo() { # `test result: ok. 12 passed; 0 failed; 1 ignored; ...`, once per test binary
  awk '/^test result:/ {seen=1; p+=$4; f+=$6; s+=$8} END {if (seen) print p+0, f+0, s+0}' "$1"
}
counts_node() { # node --test's summary: `ℹ pass 5` (spec reporter) or `# pass 5` (TAP)
  # Its `skipped` leaves out skipped suites (describe with skip); each skipped
  # test or suite has its own line, `﹣ name` (spec) or `ok N - name # SKIP` (TAP).
  awk '/^(ℹ|#) pass [0-9]+$/ {seen=1; p=$3} /^(ℹ|#) (fail|cancelled) [0-9]+$/ {f+=$3} /^(ℹ|#) skipped [0-9]+$/ {s=$3}
       /^ *﹣ / || /^ *ok [0-9]+ - .* # SKIP/ {marked++}
       END {if (seen) print p+0, f+0, (marked > s ? marked : s) + 0}' "$1"
}
counts_fuzz() { # scripts/fuzz.sh's last line: `fuzz: N executions over T targets, C crashed[: names]`
  awk '/^fuzz: [0-9]+ executions over [0-9]+ targets, [0-9]+ crashed/ {seen=1; t=$5; c=$7} END {if (seen) print t-c, c+0, 0}' "$1"
}

step() { printf '\n=== %s ===\n' "$1"; }
loud() { printf '\n!!! %s\n' "$*" >&2; }
slug() { printf '%s' "$1" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//'; }

# A skip is fine when asked for with VAR=1; otherwise it is said loudly, and under CI it fails the run.
judge_skip() { # NAME VAR WHAT
  if [ -n "$2" ] && [ "${!2:-}" = 1 ]; then
    echo "$3 ($2=1)"
  elif [ "${CI:-}" = true ]; then
    loud "$1: $3, and CI=true: that fails the run${2:+ (set $2=1 if the skip is meant)}"
    echo "FAILED: $3 under CI"
  else
    loud "$1: $3. This run does not test everything (under CI=true it would fail)."
    echo "$3"
  fi
}

run_suite() {
  local skip_var=""
  if [ "$1" = --skip-ok-if ]; then skip_var=$2; shift 2; fi
  local name=$1 kind=$2
  shift 2
  local log="tmp/$(slug "$name").log"
  step "$name"
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  local counts result passed=0 failed=0 skipped=0
  counts=$("counts_$kind" "$log")
  if [ -n "$counts" ]; then read -r passed failed skipped <<<"$counts"; fi
  if [ "$status" -ne 0 ]; then
    result="FAILED: exit status $status"
  elif [ -z "$counts" ]; then
    result="FAILED: no summary from the runner"
  elif [ "$failed" -ne 0 ]; then
    result="FAILED: $failed failed"
  elif [ $((passed + skipped)) -eq 0 ]; then
    result="FAILED: no tests ran"
  elif [ "$skipped" -ne 0 ]; then
    result=$(judge_skip "$name" "$skip_var" "$skipped skipped")
  else
    result=ok
  fi
  case $result in FAILED*) run_failed=1; loud "$name: $result (full output: $log)" ;; esac
  rows+=("$name|$result|$passed|$failed|$skipped")
}

# skip_suite [--skip-ok-if VAR] NAME WHY: a suite that is not run at all.
skip_suite() {
  local skip_var=""
  if [ "$1" = --skip-ok-if ]; then skip_var=$2; shift 2; fi
  local result
  step "$1"
  result=$(judge_skip "$1" "$skip_var" "skipped: $2")
  case $result in FAILED*) run_failed=1 ;; esac
  rows+=("$1|$result|0|0|0")
}

# ---------------------------------------------------------------- the suites

run_suite "Rust core, natively (cargo test --workspace)" cargo cargo test --workspace --quiet --no-fail-fast

run_suite "sandbox (node --test sandbox/test/)" node node --test --test-reporter=spec sandbox/test/

run_suite "one PDF from many, js/pdf.js (node --test tests/pdf/)" node node --test --test-reporter=spec tests/pdf/

# The wasm layer's tests call a sandbox in its own process.
step "starting a sandbox for the wasm tests"
rm -f tmp/sandbox.json
node sandbox/server.js --port 0 --ready-file tmp/sandbox.json > tmp/sandbox-server.out 2>&1 &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s tmp/sandbox.json ] && break; sleep 0.1; done
if [ -s tmp/sandbox.json ]; then
  LOOKER_SANDBOX_URL=$(node -p "require('./tmp/sandbox.json').url")
  export LOOKER_SANDBOX_URL
  echo "sandbox at $LOOKER_SANDBOX_URL"
  run_suite "wasm layer in Node (wasm-bindgen-test)" cargo \
    cargo test --target wasm32-unknown-unknown --lib --test wasm
  CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver || true)}
  export CHROMEDRIVER
  if [ "${LOOKER_RENDER_SKIP_BROWSER:-}" = 1 ] || [ -z "$CHROMEDRIVER" ]; then
    skip_suite --skip-ok-if LOOKER_RENDER_SKIP_BROWSER "wasm layer in headless Chromium (wasm-bindgen-test)" \
      "$([ -z "$CHROMEDRIVER" ] && echo 'no chromedriver on PATH' || echo 'asked for')"
  else
    run_suite --skip-ok-if LOOKER_RENDER_SKIP_BROWSER "wasm layer in headless Chromium (wasm-bindgen-test)" cargo \
      env WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown --lib --test wasm
  fi
else
  loud "the sandbox did not start (tmp/sandbox-server.out):"
  cat tmp/sandbox-server.out >&2
  run_failed=1
  rows+=("wasm layer (wasm-bindgen-test)|FAILED: no sandbox to test against|0|0|0")
fi
kill $sandbox_pid 2>/dev/null || true

run_suite "packed npm package (ESM, CommonJS, tsc)" node bash scripts/test-package.sh

run_suite "packed npm package lints clean (publint --strict, attw; node --test tests/package-lint/)" node \
  node --test --test-reporter=spec tests/package-lint/

cli_tests() { bash tests/cli/install.sh && node --test --test-reporter=spec --test-timeout=60000 tests/cli/; }
run_suite "looker-render CLI from the packed package (node --test tests/cli/)" node cli_tests

run_suite --skip-ok-if LOOKER_RENDER_SKIP_BROWSER "demo page in headless Chromium (node --test tests/browser/)" node \
  node --test --test-reporter=spec --test-timeout=120000 tests/browser/

run_suite --skip-ok-if LOOKER_RENDER_SKIP_BROWSER \
  "fit: extension adapter, Vite/esbuild apps and workers in Chromium, @looker/sdk types (node --test tests/fit/)" node \
  node --test --test-reporter=spec --test-timeout=180000 tests/fit/

# Fuzzing the native core: a bounded run (fuzz/README.md has the longer one).
if [ "${LOOKER_RENDER_SKIP_FUZZ:-}" = 1 ]; then
  skip_suite --skip-ok-if LOOKER_RENDER_SKIP_FUZZ "fuzzing the native core (cargo fuzz)" "asked for"
else
  run_suite "fuzzing the native core (cargo fuzz, ${LOOKER_RENDER_FUZZ_SECONDS:-9} s per target)" fuzz \
    bash scripts/fuzz.sh "${LOOKER_RENDER_FUZZ_SECONDS:-9}"
fi

# ---------------------------------------------------------------- the table

step "summary"
total_passed=0 total_failed=0 total_skipped=0
printf '%-8s %-8s %-8s %-40s %s\n' passed failed skipped result suite
for row in "${rows[@]}"; do
  IFS='|' read -r name result passed failed skipped <<<"$row"
  printf '%-8s %-8s %-8s %-40s %s\n' "$passed" "$failed" "$skipped" "$result" "$name"
  total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed)) total_skipped=$((total_skipped + skipped))
done
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
if [ "$run_failed" -ne 0 ]; then
  echo "npm test: FAILED (see the suites marked FAILED above)"
  exit 1
fi
echo "npm test: all suites passed"
