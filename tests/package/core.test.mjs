// The core issue's rules, through the packed package's ESM entry, over HTTP
// against the sandbox: what the client returned and what the sandbox got.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import {
  LookerClient, LookerError, LookerApiError, LookerResponseError, LookerNetworkError, LookerTimeoutError,
} from 'looker-render';
import { sandbox, apiRequests } from './helpers.mjs';

const fixtureDir = new URL('../fixtures/render_tasks/', import.meta.url);
const fixtures = readdirSync(fixtureDir).map((file) => JSON.parse(readFileSync(new URL(file, fixtureDir), 'utf8')));
const success = fixtures.find((task) => task.status === 'success');

let sb;
let client;
before(async () => {
  sb = await sandbox();
  client = new LookerClient({ baseUrl: sb.url, accessToken: sb.token });
});
after(() => sb.close());
beforeEach(() => {
  sb.clearFaults();
  sb.clearRequests();
});

test('gets a render task: path, token header, typed result', async () => {
  const task = await client.renderTask(success.id);
  assert.deepEqual(task, success);
  const [request] = apiRequests(sb);
  assert.equal(request.method, 'GET');
  assert.equal(request.path, `/api/4.0/render_tasks/${success.id}`);
  assert.equal(request.query, '');
  assert.equal(request.headers.authorization, `token ${sb.token}`);
});

test('every fixture JSON.stringifies to exactly what the server sent', async () => {
  for (const fixture of fixtures) {
    const task = await client.renderTask(fixture.id);
    assert.equal(JSON.stringify(task), JSON.stringify(fixture), fixture.id);
    assert.equal(Object.getPrototypeOf(task.can ?? {}), Object.prototype, 'can is a plain object');
  }
});

test('unknown statuses and properties pass through', async () => {
  const task = await client.renderTask('a0000000000000000000000000000008');
  assert.equal(task.status, 'paused_for_review');
  assert.deepEqual(task.new_property, { nested: [1, 2, 3] });
});

test('the id is one percent-encoded path segment', async () => {
  await assert.rejects(client.renderTask('a/b?c#d'), LookerApiError);
  assert.equal(apiRequests(sb)[0].path, '/api/4.0/render_tasks/a%2Fb%3Fc%23d');
  assert.equal(apiRequests(sb)[0].query, '');
});

test('fields as a string or an array become ?fields=a,b', async () => {
  const task = await client.renderTask(success.id, { fields: 'id,status' });
  assert.deepEqual(task, { id: success.id, status: 'success' });
  await client.renderTask(success.id, { fields: ['id', 'status'] });
  assert.deepEqual(apiRequests(sb).map((r) => r.query), ['fields=id,status', 'fields=id,status']);
});

test('baseUrl with or without /api/4.0 and trailing slashes', async () => {
  for (const baseUrl of [sb.url, `${sb.url}/`, `${sb.url}/api/4.0`, `${sb.url}/api/4.0/`]) {
    const c = new LookerClient({ baseUrl, accessToken: sb.token });
    assert.equal((await c.renderTask(success.id, { fields: 'id' })).id, success.id, baseUrl);
  }
  assert.deepEqual(new Set(apiRequests(sb).map((r) => r.path)), new Set([`/api/4.0/render_tasks/${success.id}`]));
});

test('bad input is a TypeError and sends nothing', async () => {
  for (const id of ['', undefined, null, 42, {}, ['x']]) {
    await assert.rejects(client.renderTask(id), (error) => error instanceof TypeError && /renderTaskId/.test(error.message));
  }
  await assert.rejects(client.renderTask('x', { fields: 7 }), TypeError);
  await assert.rejects(client.renderTask('x', { signal: 'no' }), TypeError);
  await assert.rejects(client.renderTask('x', 'options'), TypeError);
  assert.equal(apiRequests(sb).length, 0);
  assert.throws(() => new LookerClient(), TypeError);
  assert.throws(() => new LookerClient({ baseUrl: 'acme.looker.com' }), /baseUrl/);
  assert.throws(() => new LookerClient({ baseUrl: sb.url, timeoutMs: -1 }), RangeError);
  assert.throws(() => new LookerClient({ baseUrl: sb.url, accessToken: 'a\nb' }), TypeError);
});

test('a 404 is a LookerApiError with Looker\'s message and link', async () => {
  const error = await client.renderTask('no-such-task').then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof LookerApiError && error instanceof LookerError && error instanceof Error);
  assert.equal(error.name, 'LookerApiError');
  assert.equal(error.status, 404);
  // The message names the operation and its target; Looker's own words stay in lookerMessage.
  assert.equal(error.lookerMessage, 'Not found');
  assert.match(error.message, /^get render task no-such-task: 404 Not found/);
  assert.match(error.documentation_url, /^https:\/\//);
  assert.equal(error.errors, null);
  assert.match(String(error), /^LookerApiError: get render task no-such-task: 404/);
});

test('400 and 429 keep their status; a missing token is a 401', async () => {
  await assert.rejects(client.renderTask('bad-request'), { name: 'LookerApiError', status: 400 });
  await assert.rejects(client.renderTask('rate-limited'), { name: 'LookerApiError', status: 429 });
  const wrongToken = new LookerClient({ baseUrl: sb.url, accessToken: 'not-a-token' });
  await assert.rejects(wrongToken.renderTask(success.id), (e) => e.status === 401 && e.lookerMessage === 'Requires authentication.'
    // It says how the client signed in, never the token.
    && /options\.accessToken/.test(e.message) && !e.message.includes('not-a-token'));
});

test('an error body that is not Looker JSON still gives a clear message', async () => {
  sb.addFault({ path: '^/render_tasks/', fault: 'status', status: 500, body: '<html>oops</html>', headers: { 'content-type': 'text/html' } });
  await assert.rejects(client.renderTask(success.id), (e) => e instanceof LookerApiError && e.status === 500
    && e.lookerMessage === null && /: 500 Internal Server Error; the body \(text\/html/.test(e.message));
});

test('a 2xx that is not a RenderTask is a LookerResponseError saying what was wrong', async () => {
  const cases = [
    [{ fault: 'html-200' }, /text\/html.*not JSON/],
    [{ fault: 'truncated-json' }, /not JSON|terminated|failed/],
    [{ fault: 'mutate', set: { width: 'wide' } }, /property width/],
    [{ fault: 'mutate', set: { status: 12 } }, /property status/],
    [{ fault: 'mutate', set: { id: null } }, /property id: expected a string, found null/],
    [{ fault: 'mutate', set: { can: { show: true, download: 'yes' } } }, /property can\.download: expected an object of booleans, found a string/],
    [{ fault: 'mutate', set: { can: [true] } }, /property can: expected an object of booleans, found an array/],
  ];
  for (const [fault, message] of cases) {
    sb.addFault({ path: '^/render_tasks/', ...fault });
    const error = await client.renderTask(success.id).then(() => assert.fail('resolved'), (e) => e);
    assert.ok(error instanceof LookerError, `${fault.fault}: ${error}`);
    assert.match(error.message, message, fault.fault);
  }
  sb.addFault({ path: '^/render_tasks/', fault: 'wrong-content-type' });
  assert.equal((await client.renderTask(success.id)).id, success.id, 'valid JSON with the wrong content type still decodes');
});

test('a network failure is a LookerNetworkError with the cause', async () => {
  const offline = new LookerClient({ baseUrl: 'http://127.0.0.1:9', accessToken: 't' });
  const error = await offline.renderTask('x').then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof LookerNetworkError, String(error));
  assert.ok(error.cause instanceof Error);
  assert.match(error.message, /\/api\/4\.0\/render_tasks\/x/);
});

test('timeoutMs aborts a stalled request, and the client still works after', async () => {
  const quick = new LookerClient({ baseUrl: sb.url, accessToken: sb.token, timeoutMs: 200 });
  for (const fault of ['stall-headers', 'stall-body']) {
    sb.addFault({ path: '^/render_tasks/', fault });
    const started = Date.now();
    const error = await quick.renderTask(success.id).then(() => assert.fail('resolved'), (e) => e);
    assert.ok(error instanceof LookerTimeoutError, `${fault}: ${error}`);
    assert.equal(error.timeoutMs, 200);
    assert.ok(Date.now() - started < 5000);
  }
  assert.equal((await quick.renderTask(success.id)).id, success.id);
});

test('an AbortSignal aborts the fetch with its reason', async () => {
  sb.addFault({ path: '^/render_tasks/', fault: 'stall-headers' });
  const controller = new AbortController();
  const pending = client.renderTask(success.id, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('user gave up')), 50);
  await assert.rejects(pending, { message: 'user gave up' });
  await assert.rejects(client.renderTask(success.id, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.equal((await client.renderTask(success.id)).id, success.id);
});

test('with timeoutMs: Infinity a request carries the caller\'s signal or none, and the caller can still abort it', async () => {
  const signals = [];
  const spy = (url, init) => {
    signals.push(init.signal);
    return fetch(url, init);
  };
  // The default deadline gives each request a signal of its own.
  const bounded = new LookerClient({ baseUrl: sb.url, accessToken: sb.token, fetch: spy });
  await bounded.renderTask(success.id);
  assert.ok(signals.pop() instanceof AbortSignal);
  const unbounded = new LookerClient({ baseUrl: sb.url, accessToken: sb.token, timeoutMs: Infinity, fetch: spy });
  assert.equal((await unbounded.renderTask(success.id)).id, success.id);
  assert.equal(signals.pop(), undefined);
  const controller = new AbortController();
  assert.equal((await unbounded.renderTask(success.id, { signal: controller.signal })).id, success.id);
  assert.equal(signals.pop(), controller.signal);
  sb.addFault({ path: '^/render_tasks/', fault: 'stall-headers' });
  const pending = unbounded.renderTask(success.id, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('user gave up')), 50);
  await assert.rejects(pending, { message: 'user gave up' });
  // A wait's own deadline still ends the requests inside it.
  sb.addFault({ path: '^/render_tasks/', fault: 'stall-headers' });
  await assert.rejects(unbounded.waitForRenderTask(success.id, { timeoutMs: 200 }), { name: 'RenderTimeoutError' });
});

test('an injected fetch is used instead of the global one', async () => {
  const seen = [];
  const c = new LookerClient({
    baseUrl: sb.url, accessToken: sb.token,
    fetch: (url, init) => { seen.push(url); return fetch(url, init); },
  });
  assert.equal((await c.renderTask(success.id)).id, success.id);
  assert.deepEqual(seen, [`${sb.url}/api/4.0/render_tasks/${success.id}`]);
  const throwing = new LookerClient({ baseUrl: sb.url, fetch: () => { throw new Error('boom'); } }); // the transport authenticates
  await assert.rejects(throwing.renderTask('x'), (e) => e instanceof LookerNetworkError && e.cause.message === 'boom');
});

test('the module survives every failure above: many calls, one client', async () => {
  const results = await Promise.all(fixtures.map((f) => client.renderTask(f.id, { fields: ['id'] })));
  assert.deepEqual(results.map((t) => t.id), fixtures.map((f) => f.id));
});
