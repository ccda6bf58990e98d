#!/usr/bin/env bash
# Installs the packed looker-render into this consumer project, so that the
# CLI tests spawn node_modules/.bin/looker-render exactly as users get it.
# Uses the tarball scripts/test-package.sh packed into tmp/ if it is newer
# than the build, or packs pkg/ itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p tmp
tarball=$(ls -t tmp/looker-render-*.tgz 2>/dev/null | head -n1 || true)
if [ -z "$tarball" ] || [ pkg/package.json -nt "$tarball" ]; then
  rm -f tmp/looker-render-*.tgz
  tarball=tmp/$(npm pack ./pkg --pack-destination tmp --silent | tail -n1)
fi
( cd tests/cli && npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error "../../$tarball" )
echo "[test] installed $tarball into tests/cli"
