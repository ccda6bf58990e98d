#!/usr/bin/env bash
# Idempotent set-up, per command: each step checks first and skips what is
# already there, so `npm start` and `npm test` call this every time at almost
# no cost.
#
#   bash scripts/setup.sh start   what `npm start` (and `npm run build`) needs: the Rust target
#                                 wasm32-unknown-unknown and the rust-src component (the build
#                                 rebuilds std), wasm-bindgen-cli at the version Cargo.toml pins,
#                                 and the npm packages
#   bash scripts/setup.sh test    all of that, plus what only the tests use: cargo-fuzz (unless
#                                 LOOKER_RENDER_SKIP_FUZZ=1) and Debian's chromium and
#                                 chromium-driver (unless LOOKER_RENDER_SKIP_BROWSER=1)
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[setup] %s\n' "$*" >&2; }

rust_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

rust_src() {
  # The shipped wasm rebuilds std (scripts/build.mjs): it needs std's sources.
  # What counts is that they are there: a toolchain can hold them without
  # rustup listing the component, and adding it then fails on the files.
  if [ ! -f "$(rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.lock" ]; then
    log "adding Rust component rust-src"
    rustup component add rust-src
  fi
}

wasm_bindgen_cli() {
  # The CLI must match the `wasm-bindgen = "=X"` pin in Cargo.toml exactly.
  local version
  version=$(sed -n 's/^wasm-bindgen = { *version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -n1)
  if [ -z "$version" ]; then
    log "cannot find the exact wasm-bindgen pin (wasm-bindgen = \"=X\") in Cargo.toml"
    exit 1
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
    # Not --locked: its lockfile names crate versions the registry here lacks.
    log "installing wasm-bindgen-cli $version (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$version" --force
  fi
}

npm_packages() {
  # playwright-core, binaryen, typescript, the sandbox's libraries.
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

cargo_fuzz() {
  # For the short fuzz run of `npm test` (scripts/fuzz.sh, fuzz/).
  if cargo fuzz --version >/dev/null 2>&1; then return; fi
  if [ "${LOOKER_RENDER_SKIP_FUZZ:-}" = 1 ]; then
    log "LOOKER_RENDER_SKIP_FUZZ=1: not installing cargo-fuzz"
    return
  fi
  log "installing cargo-fuzz (about 3 minutes, once)"
  cargo install cargo-fuzz --version 0.13.2
}

chromium_for_tests() {
  # Headless Chromium for the browser tests; the npm browsers download from
  # hosts this network cannot reach, Debian's build can be installed.
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then return; fi
  if [ "${LOOKER_RENDER_SKIP_BROWSER:-}" = 1 ]; then
    log "LOOKER_RENDER_SKIP_BROWSER=1: not installing Chromium"
    return
  fi
  log "installing chromium and chromium-driver from Debian"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
}

case "${1:-}" in
  start)
    rust_wasm_target
    rust_src
    wasm_bindgen_cli
    npm_packages
    ;;
  test)
    rust_wasm_target
    rust_src
    wasm_bindgen_cli
    npm_packages
    cargo_fuzz
    chromium_for_tests
    ;;
  *)
    echo "usage: bash scripts/setup.sh start|test   (start: build and run the demo; test: everything npm test runs)" >&2
    exit 2
    ;;
esac
