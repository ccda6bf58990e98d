#!/usr/bin/env bash
# Every test of the project, in order from the inside out. Expects the set-up
# and build that `npm test` runs first (scripts/setup.sh, scripts/build.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p tmp
rm -f tmp/*.log
summary=()
step() { printf '\n=== %s ===\n' "$1"; }

step "Rust core, natively (cargo test)"
cargo test --quiet 2>&1 | tee tmp/cargo-test.log
summary+=("cargo test: $(grep -h '^test result' tmp/cargo-test.log | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}' || true)")

step "sandbox (node --test sandbox/test/)"
node --test --test-reporter=spec sandbox/test/ 2>&1 | tee tmp/sandbox-test.log | grep -E '^(✖|ℹ (tests|pass|fail))' || true
summary+=("sandbox: $(grep -E '^ℹ (pass|fail)' tmp/sandbox-test.log | tr '\n' ' ' || true)")

step "wasm layer in Node and headless Chromium (wasm-bindgen-test)"
rm -f tmp/sandbox.json
node sandbox/server.js --port 0 --ready-file tmp/sandbox.json > tmp/sandbox.log 2>&1 &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s tmp/sandbox.json ] && break; sleep 0.1; done
export LOOKER_SANDBOX_URL=$(node -p "require('./tmp/sandbox.json').url")
export CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver || true)}
cargo test --target wasm32-unknown-unknown --test wasm 2>&1 | tee tmp/wasm-node.log
summary+=("wasm in Node: $(grep -h '^test result' tmp/wasm-node.log | awk '{print $4" passed, "$6" failed"}' || true)")
if [ -n "$CHROMEDRIVER" ]; then
  WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown --test wasm 2>&1 | tee tmp/wasm-web.log
  summary+=("wasm in Chromium: $(grep -h '^test result' tmp/wasm-web.log | awk '{print $4" passed, "$6" failed"}' || true)")
else
  echo "chromedriver not found: skipping the browser run (LOOKER_RENDER_SKIP_BROWSER=1?)"
fi
kill $sandbox_pid 2>/dev/null || true

step "packed npm package (ESM, CommonJS, tsc)"
bash scripts/test-package.sh 2>&1 | tee tmp/package-test.log | grep -vE '^ *(duration_ms|\.\.\.|---)' | grep -E '^(ok|not ok|#|\[test\])' || true
summary+=("package: $(grep -E '^# (pass|fail)' tmp/package-test.log | tr '\n' ' ' || true)")

step "looker-render CLI: the packed package's bin against the sandbox (node --test tests/cli/)"
{ bash tests/cli/install.sh && node --test --test-timeout=60000 tests/cli/; } 2>&1 | tee tmp/cli-test.log | grep -vE '^ *(duration_ms|\.\.\.|---)' | grep -E '^(ok|not ok|# (pass|fail|skip)|\[test\])' || true
summary+=("CLI: $(grep -E '^# (pass|fail)' tmp/cli-test.log | tr '\n' ' ' || true)")

if [ -d tests/browser ]; then
  step "demo page in headless Chromium (playwright-core)"
  node --test --test-timeout=120000 tests/browser/ 2>&1 | tee tmp/browser-test.log | grep -E '^(ok|not ok|# (pass|fail))' || true
  summary+=("demo page: $(grep -E '^# (pass|fail)' tmp/browser-test.log | tr '\n' ' ' || true)")
fi

if [ -d tests/fit ]; then
  step "fit: extension adapter, Vite/esbuild apps and module workers in Chromium, @looker/sdk types"
  node --test --test-timeout=180000 tests/fit/ 2>&1 | tee tmp/fit-test.log | grep -E '^(ok|not ok|# (pass|fail))' || true
  summary+=("fit: $(grep -E '^# (pass|fail)' tmp/fit-test.log | tr '\n' ' ' || true)")
fi

# Fuzzing the native core: a bounded run (fuzz/README.md has the longer one).
# fuzz.sh prints the executions per target and fails on any crash, which
# stops this script (pipefail) with the crashing input's path on screen.
if [ "${LOOKER_RENDER_SKIP_FUZZ:-}" = 1 ]; then
  summary+=("fuzz: skipped (LOOKER_RENDER_SKIP_FUZZ=1)")
else
  step "fuzzing the native core (cargo fuzz, ${LOOKER_RENDER_FUZZ_SECONDS:-9} s per target)"
  bash scripts/fuzz.sh "${LOOKER_RENDER_FUZZ_SECONDS:-9}" 2>&1 | tee tmp/fuzz.log
  summary+=("$(tail -n1 tmp/fuzz.log)")
fi

step "summary"
printf '%s\n' "${summary[@]}"
# The totals, from the runners' own closing lines.
logs=$(ls tmp/*.log)
passed=$(cat $logs | awk '/^test result:/ {n+=$4} /^(# pass|ℹ pass) / {n+=$3} END {print n+0}')
failed=$(cat $logs | awk '/^test result:/ {n+=$6} /^(# fail|ℹ fail) / {n+=$3} END {print n+0}')
echo "$passed passed, $failed failed"
if [ "$failed" -ne 0 ] || ! grep -q '^# pass' tmp/package-test.log || ! grep -q '^# pass' tmp/cli-test.log; then exit 1; fi
