// The CommonJS entry: require() works without an init call, and shares one
// instance (and so one set of error classes) with the ESM entry. The other
// entries can be required too.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const lib = require('looker-render');

const TASK_ID = '7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5';
let sb;
before(async () => {
  const { startSandbox } = await import('../../sandbox/index.js');
  sb = await startSandbox({ quiet: true });
});
after(() => sb.close());

/** Gets a task and a missing one through `entry`'s LookerClient; returns the miss's error. */
async function getTaskAndMiss(entry) {
  const client = new entry.LookerClient({ baseUrl: sb.url, accessToken: sb.token });
  const task = await client.renderTask(TASK_ID, { fields: ['id', 'status'] });
  assert.deepEqual(task, { id: TASK_ID, status: 'success' });
  const error = await client.renderTask('missing').catch((e) => e);
  assert.ok(error instanceof entry.LookerApiError);
  assert.equal(error.name, 'LookerApiError');
  return error;
}

test('require gives the client and the error classes', async () => {
  const error = await getTaskAndMiss(lib);
  const esm = await import('looker-render');
  assert.equal(esm.LookerApiError, lib.LookerApiError, 'one instance for ESM and CommonJS');
  assert.ok(error instanceof esm.LookerError);
});

test('require gives the other entries too: inline, extension, pdf and render-kinds', async () => {
  // looker-render/inline: the wasm inside the file, compiled on require.
  await getTaskAndMiss(require('looker-render/inline'));
  assert.equal(typeof require('looker-render/extension').extensionFetch, 'function');
  assert.equal(typeof require('looker-render/pdf').mergePdfs, 'function');
  const { renderKinds } = require('looker-render/render-kinds');
  assert.deepEqual(renderKinds, (await import('looker-render/render-kinds')).renderKinds);
  assert.ok(Object.isFrozen(renderKinds.kinds[0]));
});
