// The installed package's manifest: what npm shows and bundlers read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = dirname(createRequire(import.meta.url).resolve('looker-render/package.json'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('npm metadata: repository, homepage, bugs', () => {
  assert.deepEqual(manifest.repository, { type: 'git', url: 'git+https://github.com/looker-render/looker-render.git' });
  assert.equal(manifest.homepage, 'https://github.com/looker-render/looker-render#readme');
  assert.equal(manifest.bugs, 'https://github.com/looker-render/looker-render/issues');
});

test('every path in `files` and `sideEffects` is in the package; the changelog ships', () => {
  for (const path of [...manifest.files, ...manifest.sideEffects]) assert.ok(existsSync(join(root, path)), path);
  assert.match(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), /^## \[Unreleased\]$/m);
});
