// The @looker/sdk type compatibility check (types/sdk-compat.ts), compiled by
// tsc in a consumer project with the packed looker-render installed, so the
// package's exports map ('looker-render', 'looker-render/extension') and its
// .d.ts files are what users get. @looker/sdk and @looker/extension-sdk come
// from the repo's devDependencies.
//
//   node --test tests/fit/types.test.mjs      (after npm run build)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeConsumer } from './build-apps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const skip = existsSync(join(root, 'pkg/index.d.ts')) ? false : 'pkg/ is not built (npm run build)';

test('tsc: RenderTask and IRenderTask flow both ways; the extension adapter takes ExtensionSDK and Looker40SDK', { skip, timeout: 120_000 }, async () => {
  const consumer = makeConsumer('types');
  cpSync(join(root, 'tests/fit/types'), consumer, { recursive: true });
  const tsc = join(root, 'node_modules/.bin/tsc');
  const { stdout, stderr } = await promisify(execFile)(tsc, ['-p', join(consumer, 'tsconfig.json')], { cwd: consumer })
    .catch((error) => assert.fail(`tsc failed:\n${error.stdout}${error.stderr}`));
  assert.equal(stdout + stderr, '');
});
