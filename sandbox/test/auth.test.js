// Login, tokens, logout and 401s; every response checked against the spec.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { start, call, assertSpec, assertSchema, sleep, form, FORM } from '../testkit.js';

let sb;
before(async () => { sb = await start(); });
after(() => sb.close());
beforeEach(() => sb.reset());

const T = { timeout: 5000 };
const login = (body, query = '') => call(sb, `/api/4.0/login${query}`, { method: 'POST', token: false, headers: FORM, body });
const get = (token) => call(sb, '/api/4.0/render_tasks/a0000000000000000000000000000001', { token });

test('login with form body returns an AccessToken that works', T, async () => {
  const r = await login(form({ client_id: sb.clientId, client_secret: sb.clientSecret }));
  assert.equal(r.status, 200);
  assertSpec('login', r);
  assertSchema('AccessToken', r.json, { strict: true });
  assert.match(r.json.access_token, /^[A-Za-z0-9]{40}$/);
  assert.equal(r.json.token_type, 'Bearer');
  assert.equal(r.json.expires_in, 3600);
  assert.equal(r.json.refresh_token, null);
  assert.equal((await get(r.json.access_token)).status, 200);
  const bearer = await call(sb, '/api/4.0/render_tasks/a0000000000000000000000000000001', {
    token: false, headers: { authorization: `Bearer ${r.json.access_token}` },
  });
  assert.equal(bearer.status, 200, 'Bearer scheme accepted too');
  const again = await login(form({ client_id: sb.clientId, client_secret: sb.clientSecret }));
  assert.notEqual(again.json.access_token, r.json.access_token, 'each login issues a fresh token');
});

test('login with credentials in the query string works and is logged as sent', T, async () => {
  const q = `?client_id=${sb.clientId}&client_secret=${sb.clientSecret}`;
  const r = await login('', q);
  assert.equal(r.status, 200);
  assertSpec('login', r);
  const [entry] = sb.requests();
  assert.equal(entry.query, q.slice(1));
  assert.equal(entry.body, '');
  assert.equal(entry.status, 200);
});

test('wrong or missing credentials give 404 with the Looker error body', T, async () => {
  for (const body of [form({ client_id: sb.clientId, client_secret: 'nope' }), form({ client_id: 'x', client_secret: sb.clientSecret }), '']) {
    const r = await login(body);
    assert.equal(r.status, 404);
    assertSpec('login', r);
    assert.equal(r.json.message, 'Not found');
  }
});

test('requests without a valid token get 401 with the fixture body', T, async () => {
  for (const token of [false, 'wrong-token']) {
    const r = await get(token);
    assert.equal(r.status, 401);
    assertSpec('render_task', r);
    assert.equal(r.json.message, 'Requires authentication.');
  }
  const weird = await call(sb, '/api/4.0/render_tasks/a0000000000000000000000000000001', {
    token: false, headers: { authorization: `Basic ${sb.token}` },
  });
  assert.equal(weird.status, 401, 'unknown scheme rejected');
  for (const [method, path] of [['POST', '/api/4.0/render_tasks/looks/1/png?width=100&height=100'], ['GET', '/api/4.0/render_tasks/x/results'], ['DELETE', '/api/4.0/logout']]) {
    const r = await call(sb, path, { method, token: false });
    assert.equal(r.status, 401, `${method} ${path}`);
  }
});

test('issued tokens expire after tokenLifetimeSeconds (changeable at runtime)', T, async () => {
  sb.configure({ tokenLifetimeSeconds: 1 });
  const r = await login(form({ client_id: sb.clientId, client_secret: sb.clientSecret }));
  assert.equal(r.json.expires_in, 1);
  assert.equal((await get(r.json.access_token)).status, 200);
  await sleep(1100);
  const late = await get(r.json.access_token);
  assert.equal(late.status, 401);
  assertSpec('render_task', late);
  assert.equal((await get(sb.token)).status, 200, 'static token never expires');
});

test('logout invalidates an issued token but not the static one', T, async () => {
  const { json } = await login(form({ client_id: sb.clientId, client_secret: sb.clientSecret }));
  const out = await call(sb, '/api/4.0/logout', { method: 'DELETE', token: json.access_token });
  assert.equal(out.status, 204);
  assertSpec('logout', out);
  assert.equal(out.body.length, 0);
  assert.equal((await get(json.access_token)).status, 401);
  assert.equal((await call(sb, '/api/4.0/logout', { method: 'DELETE', token: json.access_token })).status, 401);
  assert.equal((await call(sb, '/api/4.0/logout', { method: 'DELETE' })).status, 204);
  assert.equal((await get(sb.token)).status, 200);
});

test('reset() forgets issued tokens', T, async () => {
  const { json } = await login(form({ client_id: sb.clientId, client_secret: sb.clientSecret }));
  sb.reset();
  assert.equal((await get(json.access_token)).status, 401);
});

test('custom credentials from options', T, async () => {
  const other = await start({ token: 'tok-1', clientId: 'id-1', clientSecret: 'sec-1', tokenLifetimeSeconds: 60 });
  try {
    assert.equal(other.token, 'tok-1');
    assert.equal((await call(other, '/api/4.0/render_tasks/a0000000000000000000000000000001')).status, 200);
    assert.equal((await call(other, '/api/4.0/render_tasks/a0000000000000000000000000000001', { token: sb.token })).status, 401);
    const r = await call(other, '/api/4.0/login', { method: 'POST', token: false, headers: FORM, body: form({ client_id: 'id-1', client_secret: 'sec-1' }) });
    assert.equal(r.status, 200);
    assert.equal(r.json.expires_in, 60);
  } finally { await other.close(); }
});
