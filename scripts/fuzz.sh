#!/usr/bin/env bash
# Fuzzes the native core (cargo-fuzz, libFuzzer) for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Every target runs SECONDS_PER_TARGET seconds (default 9: about a minute for
# the seven, what `npm test` runs); `scripts/fuzz.sh 600` is the longer run
# (fuzz/README.md). Prints the executions of each target and exits non-zero
# if any input made the core panic, with the crash artifact's path.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-9}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(decode_render_task api_error retry_after request_urls dashboard_body_json call_machine caller_input)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is not installed (bash scripts/setup.sh test installs it)" >&2
  exit 1
fi
# cargo-fuzz passes nightly-only flags (-Zsanitizer...); this lets the stable
# toolchain, the only one a fresh machine has, accept them.
export RUSTC_BOOTSTRAP=1
# No AddressSanitizer: the core is safe Rust, so a sanitizer finds nothing
# there and costs throughput. Overflow checks and debug assertions stay on
# (cargo-fuzz's default), so an arithmetic overflow is a crash too.
fuzz_args=(--sanitizer none)

# Seed the corpora. The response targets take
# [status high byte, status low byte, content-type selector, body]
# (fuzz/src/lib.rs): every fixture goes in as the answer it is, render tasks
# with 200 and errors with the status their file is named after, and both
# sets with the other statuses too. Hand-written seeds and inputs that once
# crashed (regression-*) are in fuzz/seeds/<target>/. Seeds are rewritten
# every run; what the fuzzer adds stays (fuzz/corpus/ is not committed).
byte() { printf "\\$(printf '%03o' "$1")"; }
seed_response() { # DIR NAME STATUS FILE
  { byte $(($3 >> 8)); byte $(($3 & 255)); byte 0; cat "$4"; } > "$1/seed-$2-$3"
}
for target in "${targets[@]}"; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  case $target in
    decode_render_task | api_error)
      for file in tests/fixtures/render_tasks/*.json tests/fixtures/errors/*.json; do
        name=$(basename "$file" .json)
        status=200
        [[ $name =~ ^[0-9]+$ ]] && status=$name
        for s in $status 200 404 502; do seed_response "$corpus" "$name" "$s" "$file"; done
      done
      ;;
  esac
  if [ -d "fuzz/seeds/$target" ]; then cp fuzz/seeds/"$target"/* "$corpus"/; fi
done

echo "fuzz: building the targets (cargo fuzz build)"
mkdir -p tmp/fuzz
if ! cargo fuzz build "${fuzz_args[@]}" >tmp/fuzz/build.log 2>&1; then
  tail -n 40 tmp/fuzz/build.log
  echo "fuzz: the build failed (tmp/fuzz/build.log)" >&2
  exit 1
fi

total=0
crashed=()
for target in "${targets[@]}"; do
  log=tmp/fuzz/$target.log
  # -timeout: an input that takes 10 s is a hang, reported like a crash.
  if cargo fuzz run "${fuzz_args[@]}" "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH"
    crashed+=("$target")
  fi
  runs=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$log" | tail -n1)
  runs=${runs:-0}
  total=$((total + runs))
  printf 'fuzz: %-20s %10d executions in %ss, %s\n' "$target" "$runs" "$seconds" "$result"
  if [ "$result" = CRASH ]; then
    # What panicked, on which input, and where libFuzzer kept that input.
    grep -A1 -m1 'panicked at' "$log" | sed 's/^/    /' || true
    grep -m1 -E 'libFuzzer: (timeout|out-of-memory)' "$log" | sed 's/^/    /' || true
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n1)
    if [ -n "$artifact" ]; then
      echo "    input: $artifact"
      echo "    input text (first 300 bytes): $(head -c 300 "$artifact" | cat -v)"
      echo "    reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run ${fuzz_args[*]} $target $artifact"
    fi
    echo "    full log: $log"
  fi
done

echo "fuzz: $total executions over ${#targets[@]} targets, ${#crashed[@]} crashed${crashed[*]:+: ${crashed[*]}}"
[ ${#crashed[@]} -eq 0 ]
