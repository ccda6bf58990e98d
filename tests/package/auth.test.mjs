// The auth issue: API credentials, token expiry and renewal, 401 recovery,
// logout, and no secret anywhere it could leak. Over HTTP against the sandbox.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { LookerClient, LookerApiError } from 'looker-render';
import { sandbox, apiRequests, sleep } from './helpers.mjs';

const TASK = '7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5';
let sb;
before(async () => {
  sb = await sandbox();
});
after(() => sb.close());
beforeEach(() => {
  sb.reset();
});

const credentials = () => ({ baseUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret });
const logins = () => apiRequests(sb).filter((r) => r.path === '/api/4.0/login');
const bearerOf = (request) => request.headers.authorization?.replace(/^token /, '');

test('login is a form POST with the secret in the body, never the URL', async () => {
  const client = new LookerClient(credentials());
  assert.equal((await client.renderTask(TASK, { fields: 'id' })).id, TASK);
  const [login, call] = apiRequests(sb);
  assert.equal(login.method, 'POST');
  assert.equal(login.path, '/api/4.0/login');
  assert.equal(login.query, '');
  assert.equal(login.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(login.body)), { client_id: sb.clientId, client_secret: sb.clientSecret });
  assert.equal(login.headers.authorization, undefined);
  assert.match(call.headers.authorization, /^token \S{20,}$/);
  assert.notEqual(bearerOf(call), sb.token, 'uses the token it logged in for');
  for (const request of apiRequests(sb)) {
    assert.ok(!`${request.path}?${request.query}`.includes(sb.clientSecret), 'no secret in any URL');
  }
});

test('the token is cached, and renewed before it expires', async () => {
  sb.configure({ tokenLifetimeSeconds: 1 });
  const client = new LookerClient(credentials());
  await client.renderTask(TASK, { fields: 'id' });
  await client.renderTask(TASK, { fields: 'id' });
  assert.equal(logins().length, 1, 'one login for two calls');
  await sleep(1100);
  await client.renderTask(TASK, { fields: 'id' });
  assert.equal(logins().length, 2, 'a new login after expiry');
  assert.ok(apiRequests(sb).every((r) => r.status !== 401), 'renewed before the server refused it');
});

test('10 concurrent calls on a cold client make exactly one login', async () => {
  const client = new LookerClient(credentials());
  const tasks = await Promise.all(Array.from({ length: 10 }, () => client.renderTask(TASK, { fields: 'id' })));
  assert.equal(tasks.length, 10);
  assert.equal(logins().length, 1);
  const tokens = new Set(apiRequests(sb).filter((r) => r.method === 'GET').map(bearerOf));
  assert.equal(tokens.size, 1);
});

test('a 401 drops the token, logs in once and repeats the request once', async () => {
  const client = new LookerClient(credentials());
  await client.renderTask(TASK, { fields: 'id' });
  const token = bearerOf(apiRequests(sb).at(-1));
  // The server forgets the token behind the client's back.
  await fetch(`${sb.url}/api/4.0/logout`, { method: 'DELETE', headers: { authorization: `token ${token}` } });
  sb.clearRequests();
  assert.equal((await client.renderTask(TASK, { fields: 'id' })).id, TASK);
  assert.deepEqual(apiRequests(sb).map((r) => [r.method, r.path, r.status]), [
    ['GET', `/api/4.0/render_tasks/${TASK}`, 401],
    ['POST', '/api/4.0/login', 200],
    ['GET', `/api/4.0/render_tasks/${TASK}`, 200],
  ]);
});

test('a second 401 rejects with LookerApiError 401', async () => {
  const client = new LookerClient(credentials());
  sb.addFault({ method: 'GET', path: '^/render_tasks/', fault: 'status', status: 401, times: 2 });
  await assert.rejects(client.renderTask(TASK), (e) => e instanceof LookerApiError && e.status === 401);
  assert.equal(logins().length, 2, 'the first login, and one more after the 401');
  assert.equal(apiRequests(sb).filter((r) => r.method === 'GET').length, 2, 'the request, and one repeat');
});

test('a fixed token is not retried on 401', async () => {
  const client = new LookerClient({ baseUrl: sb.url, accessToken: 'expired-token' });
  await assert.rejects(client.renderTask(TASK), { status: 401 });
  assert.equal(apiRequests(sb).length, 1);
});

test('getAccessToken is asked for each request, and again after a 401', async () => {
  let calls = 0;
  const client = new LookerClient({ baseUrl: sb.url, getAccessToken: async () => (calls++ === 0 ? 'stale' : sb.token) });
  assert.equal((await client.renderTask(TASK, { fields: 'id' })).id, TASK);
  assert.equal(calls, 2);
  assert.deepEqual(apiRequests(sb).map((r) => r.status), [401, 200]);
  const bad = new LookerClient({ baseUrl: sb.url, getAccessToken: () => 42 });
  await assert.rejects(bad.renderTask(TASK), TypeError);
});

test('bad credentials: a LookerApiError saying the login failed, without the secret', async () => {
  const secret = 'wrong-secret-a8f3k2';
  const client = new LookerClient({ ...credentials(), clientSecret: secret });
  const error = await client.renderTask(TASK).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof LookerApiError);
  assert.equal(error.status, 404);
  assert.match(error.message, /^log in to Looker: 404 .*Check clientId and clientSecret/);
  for (const text of [error.message, String(error), error.stack, JSON.stringify(error), inspect(error)]) {
    assert.ok(!text.includes(secret), text);
  }
  await assert.rejects(client.login(), { status: 404 });
});

test('login() logs in now; logout() deletes the token and forgets it', async () => {
  const client = new LookerClient(credentials());
  await client.login();
  assert.equal(logins().length, 1);
  await client.renderTask(TASK, { fields: 'id' });
  await client.logout();
  const logout = apiRequests(sb).find((r) => r.path === '/api/4.0/logout');
  assert.equal(logout.method, 'DELETE');
  assert.equal(logout.status, 204);
  await client.renderTask(TASK, { fields: 'id' });
  assert.equal(logins().length, 2, 'logs in again after logout');
  const fresh = new LookerClient(credentials());
  await fresh.logout();
  assert.equal(apiRequests(sb).filter((r) => r.path === '/api/4.0/logout').length, 1, 'nothing to log out of');
  const fixed = new LookerClient({ baseUrl: sb.url, accessToken: 'some-token' });
  await fixed.logout().catch(() => {});
  await assert.rejects(fixed.renderTask(TASK), { status: 401 });
  assert.equal(apiRequests(sb).at(-1).headers.authorization, undefined, 'the fixed token is forgotten');
});

test('no secret or token in errors, JSON.stringify(client), inspection or console output', async () => {
  const client = new LookerClient(credentials());
  await client.renderTask(TASK, { fields: 'id' });
  const token = bearerOf(apiRequests(sb).at(-1));
  const texts = [JSON.stringify(client), inspect(client, { showHidden: true, depth: 5 }), String(client)];
  sb.addFault({ path: '^/render_tasks/', fault: 'html-200' });
  const errors = [
    await client.renderTask(TASK).catch((e) => e),
    await client.renderTask('missing').catch((e) => e),
    await client.render({ look_id: 'fail', result_format: 'png', width: 10, height: 10 }).catch((e) => e),
    await new LookerClient({ ...credentials(), baseUrl: 'http://127.0.0.1:9' }).renderTask(TASK).catch((e) => e),
  ];
  for (const error of errors) {
    assert.ok(error instanceof Error, String(error));
    texts.push(error.message, String(error), error.stack, JSON.stringify(error), inspect(error, { depth: 5 }));
  }
  const logged = [];
  const saved = { ...console };
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) console[level] = (...args) => logged.push(args.map(String).join(' '));
  try {
    await client.renderTask('missing').catch(() => {});
  } finally {
    Object.assign(console, saved);
  }
  texts.push(...logged);
  for (const text of texts) {
    assert.ok(!text.includes(sb.clientSecret), `secret in: ${text}`);
    assert.ok(!text.includes(token), `token in: ${text}`);
  }
});

test('exactly one way to authenticate; http only to this machine', () => {
  const base = { baseUrl: 'https://acme.looker.com' };
  assert.throws(() => new LookerClient(base), /one way to authenticate/);
  assert.throws(() => new LookerClient({ ...base, accessToken: 't', clientId: 'i', clientSecret: 's' }), TypeError);
  assert.throws(() => new LookerClient({ ...base, clientId: 'i' }), /clientSecret/);
  assert.throws(() => new LookerClient({ ...base, accessToken: 't', getAccessToken: () => 't' }), TypeError);
  assert.throws(() => new LookerClient({ baseUrl: 'http://acme.looker.com', accessToken: 't' }), /https/);
  assert.ok(new LookerClient({ baseUrl: 'http://acme.looker.com', accessToken: 't', allowInsecureHttp: true }));
  for (const baseUrl of ['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1']) {
    assert.ok(new LookerClient({ baseUrl, clientId: 'i', clientSecret: 's' }), baseUrl);
  }
  const error = (() => { try { new LookerClient({ ...base, clientId: 'i', clientSecret: 'topsecret\n' }); } catch (e) { return e; } })();
  assert.ok(error instanceof TypeError && !error.message.includes('topsecret'));
});
