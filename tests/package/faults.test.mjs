// The reliability issue's fault matrix, over HTTP against the sandbox: for
// each fault the expected outcome, how many requests the sandbox saw, and a
// good call on the same client afterwards. Each row gets a new client: the
// calls of one client share a backoff and a retry budget (tested on their
// own in batch.test.mjs), which would carry one row's faults into the next.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  LookerClient, LookerApiError, LookerResponseError, LookerNetworkError, LookerTimeoutError,
} from 'looker-render';
import { sandbox, apiRequests, runScript } from './helpers.mjs';

const TASK = '7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5';
const TIMEOUT_MS = 3000;
let sb;
let client;
before(async () => {
  sb = await sandbox();
});
after(() => sb.close());
beforeEach(() => {
  sb.reset();
  client = new LookerClient({ baseUrl: sb.url, accessToken: sb.token, timeoutMs: TIMEOUT_MS });
});

const ok = (check = () => {}) => ({ ok: check });
const fails = (type, extra = {}) => ({ error: type, ...extra });
const soon = () => new Date(Date.now() + 1500).toUTCString();

// [name, fault rule (applied to GET /render_tasks/{id}), expected outcome, requests seen]
const getMatrix = [
  ['429, Retry-After in seconds', { fault: '429-seconds', retryAfter: 1 }, ok(), 2],
  ['429, Retry-After as an HTTP date', { fault: '429-date', retryAfter: 1 }, ok(), 2],
  ['429 asking for more than the cap', { fault: 'status', status: 429, headers: { 'retry-after': '3600' } }, fails(LookerApiError, { status: 429 }), 1],
  ['500', { fault: 'status', status: 500 }, fails(LookerApiError, { status: 500 }), 1],
  ['502 once', { fault: 'status', status: 502 }, ok(), 2],
  ['503 once', { fault: 'status', status: 503 }, ok(), 2],
  ['504 once', { fault: 'status', status: 504 }, ok(), 2],
  // (Retry-After: 0, so that the client's pause, which doubles without one, does not use up the deadline first.)
  ['503 for ever: maxRetries, then the error', { fault: 'status', status: 503, times: null, headers: { 'retry-after': '0' } }, fails(LookerApiError, { status: 503 }), 4],
  ['connection reset mid-body', { fault: 'reset-mid-body' }, ok(), 2],
  ['no headers ever', { fault: 'stall-headers' }, fails(LookerTimeoutError), 1],
  ['a body that never finishes', { fault: 'stall-body' }, fails(LookerTimeoutError), 1],
  ['truncated JSON', { fault: 'truncated-json' }, fails(LookerResponseError), 1],
  ['an HTML page with status 200', { fault: 'html-200' }, fails(LookerResponseError), 1],
  ['JSON with a wrong content type', { fault: 'wrong-content-type' }, ok(), 1],
  ['a 30 MB body', { fault: 'huge-body', bytes: 30_000_000 }, fails(LookerResponseError), 1],
  ['an unknown status value', { fault: 'mutate', set: { status: 'paused_by_admin' } }, ok((t) => assert.equal(t.status, 'paused_by_admin')), 1],
  ['missing properties', { fault: 'mutate', delete: ['status', 'can', 'width'] }, ok((t) => assert.equal('status' in t, false)), 1],
  ['a property of the wrong type', { fault: 'mutate', set: { runtime: 'fast' } }, fails(LookerResponseError), 1],
  ['a redirect to another origin', { fault: 'redirect' }, fails(LookerApiError, { status: 401 }), 2],
];

const rows = { tried: 0, handled: 0 };
after(() => console.log(`fault matrix: ${rows.handled} of ${rows.tried} rows handled`));

for (const [name, rule, expected, requests] of getMatrix) {
  test(`GET under fault: ${name}`, async () => {
    rows.tried++;
    sb.addFault({ method: 'GET', path: '^/render_tasks/[^/]+$', ...rule, origin: rule.fault === 'redirect' ? 'primary' : undefined });
    const started = Date.now();
    const outcome = await client.renderTask(TASK).then((task) => ({ task }), (error) => ({ error }));
    if (expected.ok) {
      assert.ok(outcome.task, `expected success, got ${outcome.error}`);
      expected.ok(outcome.task);
    } else {
      assert.ok(outcome.error instanceof expected.error, `expected ${expected.error.name}, got ${outcome.error ?? 'success'}`);
      if (expected.status) assert.equal(outcome.error.status, expected.status);
    }
    assert.equal(apiRequests(sb).length, requests, 'requests the sandbox saw');
    assert.ok(Date.now() - started < TIMEOUT_MS + 4000, 'within the deadline and Retry-After');
    sb.clearFaults();
    assert.equal((await client.renderTask(TASK, { fields: 'id' })).id, TASK, 'the same client works afterwards');
    rows.handled++;
  });
}

test('a redirect never carries the Authorization header to another origin', async () => {
  sb.addFault({ method: 'GET', path: '^/render_tasks/', fault: 'redirect' });
  await client.renderTask(TASK).catch(() => {});
  const alternate = sb.requests().filter((r) => r.origin === 'alternate');
  assert.equal(alternate.length, 1, 'the redirect was followed');
  assert.equal(alternate[0].headers.authorization, undefined);
});

// A create must never be repeated once the server may have taken it.
const createMatrix = [
  ['429', { fault: '429-seconds', retryAfter: 1 }, ok(), 2],
  ['500', { fault: 'status', status: 500 }, fails(LookerApiError, { status: 500 }), 1],
  ['502', { fault: 'status', status: 502 }, fails(LookerApiError, { status: 502 }), 1],
  ['503', { fault: 'status', status: 503 }, fails(LookerApiError, { status: 503 }), 1],
  ['504', { fault: 'status', status: 504 }, fails(LookerApiError, { status: 504 }), 1],
  ['connection reset mid-body', { fault: 'reset-mid-body' }, fails(LookerNetworkError), 1],
  ['no headers ever', { fault: 'stall-headers' }, fails(LookerTimeoutError), 1],
  ['truncated JSON', { fault: 'truncated-json' }, fails(LookerResponseError), 1],
];

for (const [name, rule, expected, requests] of createMatrix) {
  test(`create under fault: ${name} never yields two render tasks`, async () => {
    rows.tried++;
    sb.addFault({ method: 'POST', path: '^/render_tasks/looks/', ...rule });
    const outcome = await client.createLookRenderTask('7', 'png', 100, 100).then((task) => ({ task }), (error) => ({ error }));
    if (expected.ok) assert.ok(outcome.task, String(outcome.error));
    else assert.ok(outcome.error instanceof expected.error, `expected ${expected.error.name}, got ${outcome.error ?? 'success'}`);
    if (expected.status) assert.equal(outcome.error.status, expected.status);
    const posts = apiRequests(sb).filter((r) => r.method === 'POST');
    assert.equal(posts.length, requests, 'POSTs the sandbox saw');
    assert.ok(posts.filter((r) => r.status === 200 || r.status === null).length <= 1, 'at most one task created');
    sb.clearFaults();
    assert.equal((await client.createLookRenderTask('7', 'png', 100, 100)).look_id, '7');
    rows.handled++;
  });
}

test('results and login retry what is safe to retry', async () => {
  const task = await client.render({ look_id: '7', result_format: 'png', width: 20, height: 20 });
  sb.clearRequests();
  sb.addFault({ method: 'GET', path: '/results$', fault: 'status', status: 503 });
  const results = await client.renderTaskResults(task.task.id);
  assert.deepEqual(Buffer.from(results.bytes), sb.resultBytes(task.task.id));
  assert.equal(apiRequests(sb).length, 2);

  sb.addFault({ method: 'POST', path: '^/login$', fault: 'status', status: 503 });
  sb.addFault({ method: 'POST', path: '^/login$', fault: '429-seconds', retryAfter: 1 });
  const withCredentials = new LookerClient({ baseUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret });
  await withCredentials.login();
  assert.deepEqual(apiRequests(sb).filter((r) => r.path === '/api/4.0/login').map((r) => r.status), [503, 429, 200]);
});

test('a result larger than maxResultBytes fails clearly', async () => {
  const small = new LookerClient({ baseUrl: sb.url, accessToken: sb.token, maxResultBytes: 100 });
  await assert.rejects(small.render({ look_id: '7', result_format: 'png', width: 400, height: 400 }), (e) =>
    e instanceof LookerResponseError && /maxResultBytes \(100 bytes\)/.test(e.message));
});

test('deadlines fire on a stalled server and nothing stays pending: the process exits', async () => {
  const script = `
    import { LookerClient } from 'looker-render';
    const client = new LookerClient({ baseUrl: ${JSON.stringify(sb.url)}, accessToken: ${JSON.stringify(sb.token)}, timeoutMs: 300 });
    const error = await client.renderTask('x').catch((e) => e);
    console.log(error.name);
  `;
  sb.addFault({ method: 'GET', path: '^/render_tasks/', fault: 'stall-headers' });
  const { code, stdout, ms } = await runScript(script);
  assert.equal(code, 0);
  assert.equal(stdout, 'LookerTimeoutError');
  assert.ok(ms < 3000, `exited after ${ms} ms`);
});
