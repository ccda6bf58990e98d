#!/usr/bin/env bash
# One-time, idempotent set-up for building and testing looker-render.
# Each step checks first and skips what is already there, so `npm start` and
# `npm test` can call this every time at almost no cost.
set -euo pipefail
cd "$(dirname "$0")/.."

# The CLI must match the `wasm-bindgen = "=X"` pin in Cargo.toml exactly.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { *version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -n1)
log() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The shipped wasm rebuilds std (scripts/build.mjs): it needs std's sources.
if ! rustup component list --installed | grep -q '^rust-src'; then
  log "adding Rust component rust-src"
  rustup component add rust-src
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  # Not --locked: its lockfile names crate versions the registry here lacks.
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# cargo-fuzz for the short fuzz run of `npm test` (scripts/fuzz.sh, fuzz/).
if ! cargo fuzz --version >/dev/null 2>&1; then
  if [ "${LOOKER_RENDER_SKIP_FUZZ:-}" = 1 ]; then
    log "LOOKER_RENDER_SKIP_FUZZ=1: not installing cargo-fuzz"
  else
    log "installing cargo-fuzz (about 3 minutes, once)"
    cargo install cargo-fuzz --version 0.13.2
  fi
fi

# Headless Chromium for the browser tests; the npm browsers download from
# hosts this network cannot reach, Debian's build can be installed.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "${LOOKER_RENDER_SKIP_BROWSER:-}" = 1 ]; then
    log "LOOKER_RENDER_SKIP_BROWSER=1: not installing Chromium"
  else
    log "installing chromium and chromium-driver from Debian"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi

# npm packages (playwright-core, binaryen, typescript, the sandbox's libraries).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
