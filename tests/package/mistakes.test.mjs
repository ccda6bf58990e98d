// A new user's mistakes fail loudly, before any request, and say what was
// meant; failures from Looker say what the call was doing. Through the
// packed package's ESM entry, against the sandbox over HTTP.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import {
  LookerClient, LookerApiError, LookerNetworkError, LookerTimeoutError,
} from 'looker-render';
import { sandbox, apiRequests } from './helpers.mjs';

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

/** Asserts that `error` is a TypeError naming `key` and, when given, the key meant. */
function misspelt(error, key, meant) {
  assert.ok(error instanceof TypeError, `${key}: ${error}`);
  assert.ok(error.message.includes(key), error.message);
  if (meant) assert.match(error.message, new RegExp(`did you mean ${meant}\\?`), error.message);
  return true;
}

const look = { look_id: '7', result_format: 'png', width: 300, height: 200 };
const dashboard = { dashboard_id: '42', result_format: 'pdf', width: 800, height: 600 };

test('misspelt client options are TypeErrors that say which option was meant', () => {
  const base = { baseUrl: sb.url, accessToken: sb.token };
  const cases = [
    [{ ...base, timeout: 5000 }, 'timeout', 'timeoutMs'],
    [{ accessToken: sb.token, base_url: sb.url }, 'base_url', 'baseUrl'],
    [{ accessToken: sb.token, baseURL: sb.url }, 'baseURL', 'baseUrl'],
    [{ baseUrl: sb.url, client_id: 'id', clientSecret: 's' }, 'client_id', 'clientId'],
    [{ baseUrl: sb.url, clientId: 'id', client_secret: 's' }, 'client_secret', 'clientSecret'],
    [{ ...base, access_token: 'x' }, 'access_token', 'accessToken'],
    [{ ...base, max_retries: 1 }, 'max_retries', 'maxRetries'],
    [{ ...base, bogus: 1 }, 'bogus', null],
  ];
  for (const [options, key, meant] of cases) {
    assert.throws(() => new LookerClient(options), (error) => misspelt(error, key, meant));
  }
  // verify_ssl and friends: what the client does instead.
  assert.throws(() => new LookerClient({ ...base, verify_ssl: false }), (error) => error instanceof TypeError
    && /verify_ssl/.test(error.message) && /certificate/.test(error.message));
  assert.throws(() => new LookerClient({ ...base, bogus: 1 }), /not an option of new LookerClient\(\)/);
});

test('misspelt keys in each method\'s options and in render requests reject before any request', async () => {
  const cases = [
    [() => client.renderTask('t', { field: 'id' }), 'field', 'fields'],
    [() => client.renderTask('t', { timeoutMs: 5 }), 'timeoutMs', null],
    [() => client.createLookRenderTask('7', 'png', 10, 10, { feilds: 'id' }), 'feilds', 'fields'],
    [() => client.renderTaskResults('t', { signl: null }), 'signl', 'signal'],
    [() => client.waitForRenderTask('t', { timeout: 5 }), 'timeout', 'timeoutMs'],
    [() => client.waitForRenderTask('t', { on_progress: () => {} }), 'on_progress', 'onProgress'],
    [() => client.render(look, { timeout: 5 }), 'timeout', 'timeoutMs'],
    [() => client.render({ ...dashboard, dashboard_id: undefined, dashboardId: '42' }), 'dashboardId', 'dashboard_id'],
    [() => client.render({ look_id: '7', format: 'png', width: 10, height: 10 }), 'format', 'result_format'],
    [() => client.render({ ...look, lookId: '7' }), 'lookId', 'look_id'],
    [() => client.render({ ...dashboard, paper_size: 'a4' }), 'paper_size', 'pdf_paper_size'],
    [() => client.createDashboardRenderTask({ ...dashboard, look_id: '7' }), 'look_id', null],
    [() => client.createDashboardRenderTask({ ...dashboard, resultFormat: 'pdf' }), 'resultFormat', 'result_format'],
    [() => client.createDashboardRenderTask(dashboard, { timeoutMs: 5 }), 'timeoutMs', null],
  ];
  for (const [call, key, meant] of cases) {
    await assert.rejects(call(), (error) => misspelt(error, key, meant));
  }
  assert.equal(apiRequests(sb).length, 0, 'nothing was sent');
});

test('every documented option is accepted', async () => {
  const options = {
    baseUrl: sb.url, accessToken: sb.token, timeoutMs: 30_000, maxRetries: 2, maxResultBytes: 1e8, allowInsecureHttp: false,
    fetch: (url, init) => fetch(url, init),
  };
  const full = new LookerClient(options);
  assert.ok(new LookerClient({ baseUrl: sb.url, getAccessToken: () => sb.token }));
  assert.ok(new LookerClient({ baseUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret }));
  const signal = new AbortController().signal;
  const progress = [];
  const { task, bytes } = await full.render(
    {
      ...dashboard, fields: ['id', 'status'], pdf_paper_size: 'a4', pdf_landscape: true, long_tables: false, theme: 'dark',
      body: { dashboard_filters: 'Region=EMEA', dashboard_style: 'single_column', tab_ids: ['t1'] },
    },
    { timeoutMs: 60_000, signal, onProgress: (t) => progress.push(t.status) },
  );
  assert.equal(task.status, 'success');
  assert.ok(bytes.byteLength > 0 && progress.at(-1) === 'success');
  assert.equal((await full.renderTask(task.id, { fields: 'id', signal })).id, task.id);
  assert.ok((await full.renderTaskResults(task.id, { signal })).bytes.byteLength > 0);
  const created = await full.createLookRenderTask('7', 'png', 10, 10, { fields: 'id', signal });
  assert.equal((await full.waitForRenderTask(created.id, { timeoutMs: 60_000, signal, onProgress: () => {} })).status, 'success');
  assert.ok((await full.createDashboardRenderTask(dashboard, { signal })).id);
});

test('a dashboard body is lenient: members a newer Looker may take are sent on as given', async () => {
  await client.createDashboardRenderTask({ ...dashboard, body: { dashboard_style: 'tiled', new_setting: { a: [1] } } });
  const [create] = apiRequests(sb);
  assert.deepEqual(JSON.parse(create.body), { dashboard_style: 'tiled', new_setting: { a: [1] } });
});

test('a 404 on create names the operation and the target; status and Looker\'s own message stay', async () => {
  const error = await client.createLookRenderTask('404404', 'png', 10, 10).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof LookerApiError);
  assert.equal(error.status, 404);
  assert.equal(error.lookerMessage, 'Not found');
  assert.match(error.message, /create a PNG render task for look 404404: 404 Not found/);
  assert.match(error.documentation_url, /^https:\/\//);
  // render() says the same at its create stage.
  await assert.rejects(client.render({ ...dashboard, dashboard_id: '1' }), /create a PDF render task for dashboard 1: 404/);
});

test('a 404 on the results of a finished task says that Looker keeps results for a limited time', async () => {
  const task = await client.createLookRenderTask('7', 'png', 10, 10);
  await client.waitForRenderTask(task.id);
  sb.addFault({ path: '/results$', fault: 'status', status: 404 });
  const error = await client.renderTaskResults(task.id).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof LookerApiError && error.status === 404);
  assert.match(error.message, new RegExp(`results of render task ${task.id}: 404`));
  assert.match(error.message, /limited time/);
});

test('a 401 says how the client signed in, never with what', async () => {
  const secret = 'not-the-right-token';
  const fixed = new LookerClient({ baseUrl: sb.url, accessToken: secret });
  let error = await fixed.renderTask('t1').then(() => assert.fail('resolved'), (e) => e);
  assert.equal(error.status, 401);
  assert.match(error.message, /get render task t1: 401 .*accessToken/);
  assert.ok(!error.message.includes(secret));
  const asked = new LookerClient({ baseUrl: sb.url, getAccessToken: () => secret });
  error = await asked.renderTask('t1').then(() => assert.fail('resolved'), (e) => e);
  assert.match(error.message, /401 .*getAccessToken/);
  assert.ok(!error.message.includes(secret));
  assert.equal(apiRequests(sb).length, 3, 'one request with the fixed token, two with the callback\'s');
});

test('a network failure and a request past its deadline say what the call was doing', async () => {
  const port = await closedPort();
  const offline = new LookerClient({ baseUrl: `http://127.0.0.1:${port}`, accessToken: 't', maxRetries: 0 });
  const error = await offline.createLookRenderTask('7', 'png', 10, 10).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof LookerNetworkError);
  assert.match(error.message, /^create a PNG render task for look 7: no answer from \/api\/4\.0\/render_tasks\/looks\/7\/png/);
  assert.ok(error.cause instanceof Error);
  const slow = new LookerClient({ baseUrl: sb.url, accessToken: sb.token, timeoutMs: 300 });
  sb.addFault({ path: '^/render_tasks/stalled$', fault: 'stall-headers' });
  const timeout = await slow.renderTask('stalled').then(() => assert.fail('resolved'), (e) => e);
  assert.ok(timeout instanceof LookerTimeoutError);
  assert.equal(timeout.timeoutMs, 300);
  assert.match(timeout.message, /^get render task stalled: no answer within timeoutMs \(300 ms\)/);
});

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
