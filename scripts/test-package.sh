#!/usr/bin/env bash
# Packs pkg/ as npm would publish it, installs the tarball into the consumer
# project tests/package/, and runs the package's tests there: ESM and
# CommonJS through Node's test runner, and the TypeScript definitions with tsc
# (as ES module and as CommonJS consumers).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p tmp
rm -f tmp/looker-render-*.tgz
tarball=$(npm pack ./pkg --pack-destination tmp --silent | tail -n1)
( cd tests/package && npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error "../../tmp/$tarball" )
echo "[test] installed tmp/$tarball into tests/package"
node_modules/.bin/tsc -p tests/package/tsconfig.json
echo "[test] tsc --noEmit on tests/package/types.ts (ES module, nodenext): ok"
# CommonJS under node16 rules, where require() of an ES module is an error:
# each entry's `require` types must be CommonJS types.
node_modules/.bin/tsc -p tests/package/tsconfig.commonjs.json
echo "[test] tsc --noEmit on tests/package/types-commonjs.cts (CommonJS, node16): ok"
node --test --test-reporter=spec --test-timeout=60000 tests/package/
