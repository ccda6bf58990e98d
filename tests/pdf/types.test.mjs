// js/pdf.d.ts: tsc (strict) compiles tests/pdf/types.ts, where every call that
// should not type-check is marked @ts-expect-error (an unmet one is an error too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
const PROJECT = fileURLToPath(new URL('./tsconfig.json', import.meta.url));

test('the types of looker-render/pdf take PDF bytes, give Uint8Array, and refuse the rest', { timeout: 60_000 }, () => {
  const run = spawnSync(process.execPath, [TSC, '-p', PROJECT], { encoding: 'utf8', timeout: 55_000 });
  assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`);
});

test('js/pdf.d.ts has no `any`', async () => {
  const { readFile } = await import('node:fs/promises');
  const types = await readFile(new URL('../../js/pdf.d.ts', import.meta.url), 'utf8');
  const code = types.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  assert.doesNotMatch(code, /\bany\b/);
  assert.match(code, /export function mergePdfs\(list: readonly PdfBytes\[\]\): Promise<Uint8Array>;/);
});
