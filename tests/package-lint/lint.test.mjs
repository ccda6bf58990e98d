// The packed package passes the ecosystem's own linters, reporting nothing at
// all: publint --strict (the manifest, exports and files as published) and
// @arethetypeswrong/cli (every entry's types under node10, node16 from
// CommonJS and from ES modules, and bundlers). Both read the tarball npm would
// publish: pkg/ (node scripts/build.mjs) packed into a temporary folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = join(root, 'pkg');
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));

let dir;
let tarball;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'looker-render-lint-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', pkg, '--pack-destination', dir, '--json', '--silent'], { encoding: 'utf8' }));
  tarball = join(dir, packed.filename);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('publint --strict: no errors, warnings or suggestions', async () => {
  const bytes = readFileSync(tarball);
  const { messages, pkg: linted } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) }, strict: true, level: 'suggestion',
  });
  assert.equal(linted.name, 'looker-render');
  const said = messages.map((message) => `${message.type}: ${formatMessage(message, linted, { color: false })}`);
  assert.deepEqual(said, []);
});

test('attw (are the types wrong?): no problems in any entry under any resolution', () => {
  // --no-definitely-typed: the package has its own types; never look up @types on the registry.
  const run = spawnSync(join(root, 'node_modules/.bin/attw'), [tarball, '--format', 'json', '--no-definitely-typed'],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.ok(run.stdout, `attw printed nothing (exit ${run.status}):\n${run.stderr}`);
  const { analysis, problems } = JSON.parse(run.stdout);
  // Every subpath of `exports` was checked, not a subset.
  assert.deepEqual(Object.keys(analysis.entrypoints).sort(), Object.keys(manifest.exports).sort());
  const found = Object.values(problems).flat()
    .map((p) => `${p.kind}: ${p.entrypoint ?? ''} ${p.resolutionKind ?? ''} ${p.typesFileName ?? ''} ${p.implementationFileName ?? ''}`.replace(/\s+/g, ' ').trim());
  assert.deepEqual(found, [], "attw found problems; `npx attw --pack pkg` prints them as a table");
  assert.equal(run.status, 0, run.stderr);
});
