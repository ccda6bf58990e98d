// looker-render/extension in Node: the real client (pkg/) over the real
// @looker/extension-sdk, talking to a fake Looker host (fake-looker-host.mjs)
// that calls the sandbox. Checks what the host is asked (type, method, path,
// params, body), what reaches the API, that bytes arrive intact, and that
// errors, 202s, timeouts and aborts come out as the client's own.
//
//   node --test tests/fit/extension.test.mjs      (after npm run build)

import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeLookerHost } from './fake-looker-host.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const skip = existsSync(join(root, 'pkg/extension/index.js')) ? false : 'pkg/ is not built (npm run build)';

describe('looker-render/extension', { skip }, () => {
  let lib;
  let adapter;
  let sandbox;
  let host;

  // @looker/sdk-rtl's BrowserTransport (the fake host's) logs a misleading
  // "AbortSignal.timeout is not defined" on every call without a signal.
  const debug = console.debug;
  before(async () => {
    console.debug = () => {};
    lib = await import(join(root, 'pkg/node/index.mjs'));
    adapter = await import(join(root, 'pkg/extension/index.js'));
    const { startSandbox } = await import('../../sandbox/index.js');
    sandbox = await startSandbox({ quiet: true });
  });
  after(() => {
    console.debug = debug;
    return sandbox?.close();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.clearRequests();
    host = fakeLookerHost({ apiUrl: sandbox.url, token: sandbox.token });
  });

  const clientThrough = (sdk, extra = {}) => new lib.LookerClient({ ...adapter.extensionClientOptions(sdk), ...extra });
  const apiRequests = () => sandbox.requests().filter((r) => r.method !== 'OPTIONS');

  test('renders a dashboard to PDF through extensionSDK: host calls, API requests, bytes', async () => {
    const looker = clientThrough(host.extensionSDK);
    const statuses = [];
    const { task, bytes, contentType } = await looker.render({
      dashboard_id: '42', result_format: 'pdf', width: 1200, height: 900, pdf_paper_size: 'a4', pdf_landscape: true,
      body: { dashboard_filters: 'Region=EMEA', dashboard_style: 'tiled' },
    }, { onProgress: (t) => statuses.push(t.status), timeoutMs: 20_000 });
    assert.equal(task.status, 'success');
    assert.equal(contentType, 'application/pdf');
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
    assert.deepEqual(Buffer.from(bytes), sandbox.resultBytes(task.id));
    assert.equal(statuses.at(-1), 'success');

    const calls = host.apiCalls();
    assert.ok(calls.every((c) => c.type === 'RAW_INVOKE_CORE_SDK' && c.apiVersion === '4.0' && c.event === 'EXTENSION_API_REQUEST'));
    const [create, ...rest] = calls;
    assert.equal(create.httpMethod, 'POST');
    assert.equal(create.path, '/render_tasks/dashboards/42/pdf');
    assert.deepEqual(create.params, { width: '1200', height: '900', pdf_paper_size: 'a4', pdf_landscape: 'true' });
    assert.deepEqual(create.body, { dashboard_filters: 'Region=EMEA', dashboard_style: 'tiled' }, 'JSON goes to the host as an object');
    const results = rest.pop();
    assert.deepEqual([results.httpMethod, results.path, results.body], ['GET', `/render_tasks/${task.id}/results`, undefined]);
    assert.ok(rest.length >= 1);
    for (const poll of rest) assert.deepEqual([poll.httpMethod, poll.path], ['GET', `/render_tasks/${task.id}`]);

    // What the API saw: the host's session, and JSON with its content type.
    const seen = apiRequests();
    assert.equal(seen.length, calls.length);
    assert.ok(seen.every((r) => r.headers.authorization === `token ${sandbox.token}`));
    assert.equal(seen[0].headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen[0].body), { dashboard_filters: 'Region=EMEA', dashboard_style: 'tiled' });
    assert.equal(seen[0].path, '/api/4.0/render_tasks/dashboards/42/pdf');
  });

  test('renders a look to PNG through core40SDK (a Looker40SDK): the same calls, bytes intact', async () => {
    const looker = clientThrough(host.core40SDK);
    const { task, bytes, contentType } = await looker.render({ look_id: '7', result_format: 'png', width: 300, height: 200 });
    assert.equal(contentType, 'image/png');
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual(Buffer.from(bytes), sandbox.resultBytes(task.id));
    const [create] = host.apiCalls();
    assert.deepEqual([create.type, create.httpMethod, create.path, create.params], ['RAW_INVOKE_CORE_SDK', 'POST', '/render_tasks/looks/7/png', { width: '300', height: '200' }]);
    assert.equal(apiRequests()[0].path, '/api/4.0/render_tasks/looks/7/png', 'no doubled /api/4.0');
  });

  test('the same task is readable through @looker/sdk and through us', async () => {
    const looker = clientThrough(host.extensionSDK);
    const created = await looker.createQueryRenderTask('1234', 'jpg', 400, 300);
    const done = await looker.waitForRenderTask(created.id);
    const theirs = await host.core40SDK.ok(host.core40SDK.render_task(created.id));
    const ours = await looker.renderTask(created.id);
    assert.deepEqual(ours, theirs);
    assert.equal(done.status, 'success');
  });

  test('fields and ids are passed as the SDK passes them', async () => {
    const looker = clientThrough(host.extensionSDK);
    const created = await looker.createDashboardElementRenderTask('101', 'png', 640, 480, { fields: ['id', 'status'] });
    assert.deepEqual(Object.keys(created).sort(), ['id', 'status']);
    const task = await looker.renderTask(created.id, { fields: 'id,result_format' });
    assert.deepEqual(Object.keys(task).sort(), ['id', 'result_format']);
    const calls = host.apiCalls();
    assert.deepEqual(calls[0].params, { width: '640', height: '480', fields: 'id,status' });
    assert.deepEqual(calls[1].params, { fields: 'id,result_format' });
    // An id that needs escaping stays escaped in the path, once.
    await assert.rejects(looker.renderTask('a/b c'), { name: 'LookerApiError', status: 404 });
    assert.equal(host.apiCalls()[2].path, '/render_tasks/a%2Fb%20c');
  });

  test('Looker errors are LookerApiError with status, message, documentation_url and 422 details', async () => {
    const looker = clientThrough(host.extensionSDK);
    await assert.rejects(looker.renderTask('no-such-task'), (error) => {
      assert.ok(error instanceof lib.LookerApiError);
      assert.equal(error.status, 404);
      assert.equal(error.lookerMessage, 'Not found');
      assert.match(error.message, /^get render task no-such-task: 404 Not found/);
      assert.match(error.documentation_url, /^https:\/\//);
      return true;
    });
    await assert.rejects(looker.createLookRenderTask('no-such-look', 'png', 100, 100), { status: 404 });
    await assert.rejects(looker.renderTask('rate-limited'), { name: 'LookerApiError', status: 429 });
    // A 422 the client's own checks let through (the sandbox wants width >= 10).
    await assert.rejects(looker.createLookRenderTask('7', 'png', 5, 100), (error) => {
      assert.equal(error.status, 422);
      assert.deepEqual(error.errors.map((e) => [e.field, e.code]), [['width', 'invalid']]);
      return true;
    });
  });

  test('a result that is not ready (202 + Retry-After) is RenderNotReadyError', async () => {
    sandbox.configure({ stageMs: { rendering: 5_000 }, resultsRetryAfterSeconds: 3 });
    const looker = clientThrough(host.extensionSDK);
    const task = await looker.createLookRenderTask('7', 'png', 100, 100);
    await assert.rejects(looker.renderTaskResults(task.id), (error) => {
      assert.ok(error instanceof lib.RenderNotReadyError);
      assert.equal(error.retryAfterMs, 3000);
      return true;
    });
  });

  test('a failed render is RenderTaskFailedError', async () => {
    const looker = clientThrough(host.extensionSDK);
    await assert.rejects(looker.render({ look_id: 'fail', result_format: 'png', width: 100, height: 100 }), lib.RenderTaskFailedError);
  });

  test('a host that answers with an error, or before INITIALIZE, is LookerNetworkError with the cause', async () => {
    host.override(async () => { throw new Error('host went away'); });
    const looker = clientThrough(host.extensionSDK);
    await assert.rejects(looker.renderTask('x'), (error) => {
      assert.ok(error instanceof lib.LookerNetworkError);
      assert.match(String(error.cause?.message ?? error.cause), /host went away/);
      return true;
    });
    const early = fakeLookerHost({ apiUrl: sandbox.url, token: sandbox.token, initialize: false });
    await assert.rejects(clientThrough(early.extensionSDK).renderTask('x'), (error) => {
      assert.ok(error instanceof lib.LookerNetworkError);
      assert.match(String(error.cause?.message), /connection not established/);
      return true;
    });
    // An answer that is not a raw response at all.
    host.override(async () => ({ ok: true, value: {} }));
    await assert.rejects(looker.renderTask('x'), lib.LookerNetworkError);
    // And the client keeps working.
    host.override(null);
    await assert.rejects(looker.renderTask('no-such-task'), { status: 404 });
  });

  test('a host that never answers: timeoutMs and AbortSignal still end the call at once', async () => {
    host.override(() => new Promise(() => {}));
    const looker = clientThrough(host.extensionSDK, { timeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(looker.renderTask('x'), (error) => error instanceof lib.LookerTimeoutError && error.timeoutMs === 200);
    assert.ok(Date.now() - started < 2_000);

    const patient = clientThrough(host.extensionSDK);
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(patient.renderTask('x', { signal: controller.signal }), (error) => error === reason);
    // Aborted before the call: the host is not even asked.
    host.clear();
    await assert.rejects(patient.renderTask('x', { signal: AbortSignal.abort(reason) }), (error) => error === reason);
    assert.equal(host.apiCalls().length, 0);
  });

  test('binary bodies in each form a host may send: Blob, ArrayBuffer, Uint8Array, binary string', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 0x80, 0xff, 0xfe]);
    const forms = {
      blob: new Blob([bytes], { type: 'image/png' }),
      arrayBuffer: bytes.slice().buffer,
      uint8array: bytes.slice(),
      binaryString: String.fromCharCode(...bytes),
    };
    const doFetch = adapter.extensionFetch(host.extensionSDK);
    for (const [form, body] of Object.entries(forms)) {
      host.override(async () => ({ ok: true, statusCode: 200, statusMessage: 'OK', contentType: 'image/png', headers: {}, body }));
      const response = await doFetch('https://x/api/4.0/render_tasks/1/results', { method: 'GET' });
      assert.equal(response.status, 200, form);
      assert.equal(response.headers.get('content-type'), 'image/png', form);
      assert.deepEqual(new Uint8Array(await response.arrayBuffer()), bytes, form);
    }
    // Text that was decoded as UTF-8 has lost the bytes: said so, not passed on.
    host.override(async () => ({ ok: true, statusCode: 200, contentType: 'image/png', headers: {}, body: '\u0089PNG\ufffd' }));
    await assert.rejects(doFetch('https://x/api/4.0/render_tasks/1/results'), /returned a image\/png result as text/);
    // Through the client.
    host.override(async () => ({ ok: true, statusCode: 200, contentType: 'image/png', headers: { 'content-type': 'image/png' }, body: forms.blob }));
    const result = await clientThrough(host.extensionSDK).renderTaskResults('1');
    assert.deepEqual(result, { bytes, contentType: 'image/png' });
  });

  test('extensionFetch: bad arguments fail at once; URLs outside /api/4.0 are refused', async () => {
    assert.throws(() => adapter.extensionFetch({}), TypeError);
    assert.throws(() => adapter.extensionFetch(undefined), /extensionSDK/);
    const doFetch = adapter.extensionFetch(host.extensionSDK);
    await assert.rejects(doFetch('https://x/api/3.1/looks'), TypeError);
    await assert.rejects(doFetch('https://x/api/4.0/x', { method: 'POST', body: new Uint8Array(1) }), TypeError);
    assert.equal(host.apiCalls().length, 0);
    // A baseUrl with a path of its own, or /api/4.0 already in it, is fine.
    host.override(async (request) => ({ ok: true, statusCode: 200, contentType: 'application/json', headers: {}, body: JSON.stringify({ path: request.payload.path }) }));
    assert.deepEqual(await (await doFetch('https://x/looker/api/4.0/render_tasks/1')).json(), { path: '/render_tasks/1' });
  });

  test('extensionClientOptions: the host URL as baseUrl when the host gives one', () => {
    assert.equal(adapter.extensionClientOptions(host.extensionSDK).baseUrl, 'https://acme.looker.com');
    assert.equal(adapter.extensionClientOptions(host.core40SDK).baseUrl, 'https://looker-extension.invalid');
    assert.equal(typeof adapter.extensionClientOptions(host.extensionSDK).fetch, 'function');
  });

  test('the CommonJS copy is the same API', () => {
    const cjs = createRequire(import.meta.url)(join(root, 'pkg/extension/index.cjs'));
    assert.deepEqual(Object.keys(cjs).sort(), Object.keys(adapter).sort());
    assert.equal(typeof cjs.extensionFetch(host.extensionSDK), 'function');
  });
});
