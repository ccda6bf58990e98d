// The CommonJS entry: require() works without an init call, and shares one
// instance (and so one set of error classes) with the ESM entry.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const lib = require('looker-render');

test('require gives the client and the error classes', async () => {
  const { startSandbox } = await import('../../sandbox/index.js');
  const sb = await startSandbox({ quiet: true });
  try {
    const client = new lib.LookerClient({ baseUrl: sb.url, accessToken: sb.token });
    const task = await client.renderTask('7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5', { fields: ['id', 'status'] });
    assert.deepEqual(task, { id: '7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5', status: 'success' });
    const error = await client.renderTask('missing').catch((e) => e);
    assert.ok(error instanceof lib.LookerApiError);
    const esm = await import('looker-render');
    assert.equal(esm.LookerApiError, lib.LookerApiError, 'one instance for ESM and CommonJS');
    assert.ok(error instanceof esm.LookerError);
  } finally {
    await sb.close();
  }
});

test('require gives the other entries too: inline, extension, pdf and render-kinds', async () => {
  const { startSandbox } = await import('../../sandbox/index.js');
  const sb = await startSandbox({ quiet: true });
  try {
    // looker-render/inline: the wasm inside the file, compiled on require.
    const inline = require('looker-render/inline');
    const client = new inline.LookerClient({ baseUrl: sb.url, accessToken: sb.token });
    const task = await client.renderTask('7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5', { fields: ['id', 'status'] });
    assert.deepEqual(task, { id: '7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5', status: 'success' });
    const error = await client.renderTask('missing').catch((e) => e);
    assert.ok(error instanceof inline.LookerApiError);
    assert.equal(error.name, 'LookerApiError');
  } finally {
    await sb.close();
  }
  assert.equal(typeof require('looker-render/extension').extensionFetch, 'function');
  assert.equal(typeof require('looker-render/pdf').mergePdfs, 'function');
  const { renderKinds } = require('looker-render/render-kinds');
  assert.deepEqual(renderKinds, (await import('looker-render/render-kinds')).renderKinds);
  assert.ok(Object.isFrozen(renderKinds.kinds[0]));
});
