// CORS, static files, the /__sandbox control API and the request log.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { start, call, assertSpec } from '../testkit.js';
import { isLoopbackAddress } from '../index.js';

const T = { timeout: 5000 };
const TASK = '/api/4.0/render_tasks/a0000000000000000000000000000001';
const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-static-'));
const www = path.join(dir, 'www');
const pkg = path.join(dir, 'pkg');
mkdirSync(path.join(www, 'sub'), { recursive: true });
mkdirSync(pkg);
const files = {
  'www/index.html': '<!doctype html><title>demo</title>',
  'www/app.js': 'export const x = 1;',
  'www/lib.mjs': 'export default 2;',
  'www/style.css': 'body{}',
  'www/data.json': '{"a":1}',
  'www/icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'www/pic.png': '\x89PNG',
  'www/sub/index.html': '<p>sub</p>',
  'pkg/looker_render_bg.wasm': '\0asm',
  'pkg/looker_render.js': 'export {}',
  'pkg/looker_render.d.ts': 'export {};',
};
for (const [f, c] of Object.entries(files)) writeFileSync(path.join(dir, f), c);
writeFileSync(path.join(dir, 'secret.txt'), 'secret');

let sb;
before(async () => { sb = await start({ staticRoots: { '/': www, '/pkg/': pkg } }); });
after(async () => { await sb.close(); rmSync(dir, { recursive: true, force: true }); });
beforeEach(() => sb.reset());

function assertCors(r) {
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.equal(r.headers.get('access-control-expose-headers'), 'Retry-After, Content-Type, Content-Length, Content-Disposition');
}

/** GET with the path sent exactly as written (fetch would normalise ../). */
function rawGet(p) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: sb.port, path: p, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    }).on('error', reject);
  });
}

test('CORS headers on API successes, errors, 202s and static files', T, async () => {
  for (const [p, token, status] of [[TASK, undefined, 200], [TASK, false, 401], ['/api/4.0/render_tasks/nope', undefined, 404], [`${TASK}/results`, undefined, 202], ['/', undefined, 200], ['/missing.js', undefined, 404]]) {
    const r = await call(sb, p, { token });
    assert.equal(r.status, status, p);
    assertCors(r);
  }
});

test('OPTIONS preflights answer 204 with the allowed methods and headers, and are logged', T, async () => {
  const r = await call(sb, '/api/4.0/render_tasks/looks/1/png', {
    method: 'OPTIONS', token: false,
    headers: { origin: 'http://example.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  assert.equal(r.status, 204);
  assertCors(r);
  assert.equal(r.headers.get('access-control-allow-methods'), 'GET, POST, DELETE, OPTIONS');
  assert.equal(r.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, X-Looker-Appid');
  assert.equal(r.headers.get('access-control-max-age'), '600');
  assert.equal(r.body.length, 0);
  const [e] = sb.requests();
  assert.equal(e.method, 'OPTIONS');
  assert.equal(e.status, 204);
  assert.equal(e.headers['access-control-request-method'], 'POST');
});

test('static files are served with the right content types', T, async () => {
  const want = {
    '/': ['text/html', files['www/index.html']],
    '/index.html': ['text/html', files['www/index.html']],
    '/app.js': ['text/javascript', null],
    '/lib.mjs': ['text/javascript', null],
    '/style.css': ['text/css', null],
    '/data.json': ['application/json', null],
    '/icon.svg': ['image/svg+xml', null],
    '/pic.png': ['image/png', null],
    '/sub/': ['text/html', '<p>sub</p>'],
    '/pkg/looker_render_bg.wasm': ['application/wasm', null],
    '/pkg/looker_render.js': ['text/javascript', null],
    '/pkg/looker_render.d.ts': ['text/plain', 'export {};'],
  };
  for (const [p, [type, body]] of Object.entries(want)) {
    const r = await call(sb, p, { token: false });
    assert.equal(r.status, 200, p);
    assert.equal(r.contentType.split(';')[0], type, p);
    if (body !== null) assert.equal(r.text, body, p);
  }
  assert.equal((await call(sb, '/pkg/looker_render_bg.wasm')).body.length, 4);
  assert.equal(sb.requests().length, 0, 'static requests are not logged');
});

test('no directory traversal; missing files are a plain 404', T, async () => {
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/pkg/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/pkg/%2e%2e/%2e%2e/secret.txt', '/%00']) {
    const r = await rawGet(p);
    assert.ok([400, 404].includes(r.status), `${p} -> ${r.status}`);
    assert.doesNotMatch(r.text, /secret$/);
  }
  const missing = await call(sb, '/nope.html');
  assert.equal(missing.status, 404);
  assert.match(missing.contentType, /^text\/plain/);
  assert.equal((await call(sb, '/', { method: 'POST' })).status, 405);
});

test('missing static roots are handled (www/ and pkg/ may not exist yet)', T, async () => {
  const other = await start({ staticRoots: { '/': path.join(dir, 'no-www'), '/pkg/': path.join(dir, 'no-pkg') } });
  try {
    assert.equal((await call(other, '/')).status, 404);
    assert.equal((await call(other, '/pkg/x.wasm')).status, 404);
    assert.equal((await call(other, TASK)).status, 200, 'API still works');
  } finally { await other.close(); }
});

test('request log entries have the documented shape', T, async () => {
  await call(sb, `${TASK}?fields=id,status`, { headers: { 'X-Looker-Appid': 'looker-render' } });
  await call(sb, '/api/4.0/render_tasks/dashboards/42/png?width=100&height=100', { method: 'POST', body: '{"dashboard_style":"tiled"}', headers: { 'content-type': 'application/json' } });
  await call(sb, '/api/4.0/unknown');
  const log = sb.requests();
  assert.equal(log.length, 3);
  const [a, b, c] = log;
  assert.deepEqual(Object.keys(a).sort(), ['body', 'headers', 'method', 'origin', 'path', 'query', 'seq', 'status', 'time'].sort());
  assert.ok(a.seq < b.seq && b.seq < c.seq);
  assert.ok(Math.abs(a.time - Date.now()) < 5000);
  assert.deepEqual([a.method, a.path, a.query, a.body, a.status, a.origin], ['GET', TASK, 'fields=id,status', '', 200, 'primary']);
  assert.equal(a.headers['x-looker-appid'], 'looker-render');
  assert.equal(a.headers.authorization, `token ${sb.token}`);
  assert.equal(b.body, '{"dashboard_style":"tiled"}');
  assert.equal(b.headers['content-type'], 'application/json');
  assert.equal(c.status, 404);
  sb.requests()[0].status = 999;
  assert.equal(sb.requests()[0].status, 200, 'requests() returns copies');
  sb.clearRequests();
  assert.deepEqual(sb.requests(), []);
});

test('control API over HTTP: requests, config, faults, reset, info; not logged', T, async () => {
  const ctl = (method, p, body) => call(sb, `/__sandbox${p}`, { method, token: false, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  await call(sb, TASK);
  const reqs = await ctl('GET', '/requests');
  assert.equal(reqs.status, 200);
  assertCors(reqs);
  assert.equal(reqs.json.length, 1);
  assert.equal(reqs.json[0].path, TASK);
  assert.equal((await ctl('DELETE', '/requests')).status, 204);
  assert.deepEqual((await ctl('GET', '/requests')).json, []);

  const cfg = await ctl('POST', '/config', { resultsRetryAfterSeconds: 7, stageMs: { rendering: 5 } });
  assert.equal(cfg.status, 200);
  assert.equal(cfg.json.resultsRetryAfterSeconds, 7);
  assert.deepEqual(cfg.json.stageMs, { enqueued_for_query: 20, querying: 40, enqueued_for_render: 20, rendering: 5 });
  assert.equal(sb.config().resultsRetryAfterSeconds, 7);
  assert.equal((await ctl('POST', '/config', { bogus: 1 })).status, 400);
  assert.equal((await ctl('POST', '/config', 'not an object')).status, 400);

  const f = await ctl('POST', '/faults', { path: '^/render_tasks/', fault: 'status', status: 503, times: null });
  assert.equal(f.status, 201);
  assert.equal(f.json.times, null);
  assert.equal((await call(sb, TASK)).status, 503);
  assert.equal((await call(sb, TASK)).status, 503);
  assert.equal((await ctl('GET', '/faults')).json.length, 1);
  assert.equal((await ctl('POST', '/faults', { fault: 'nope' })).status, 400);
  const bad = await call(sb, '/__sandbox/faults', { method: 'POST', token: false, body: '{oops' });
  assert.equal(bad.status, 400);
  assert.equal((await ctl('DELETE', '/faults')).status, 204);
  assert.equal((await call(sb, TASK)).status, 200);

  const info = await ctl('GET', '/info');
  assert.deepEqual(info.json, {
    url: sb.url, alternateUrl: sb.alternateUrl, token: sb.token, clientId: sb.clientId, clientSecret: sb.clientSecret,
    lookerUrl: sb.lookerUrl, appUrl: sb.appUrl, oauthClientId: sb.oauthClientId, oauthRedirectUri: sb.oauthRedirectUri,
  });
  await ctl('POST', '/faults', { fault: 'status', status: 500 });
  assert.equal((await ctl('POST', '/reset')).status, 204);
  assert.equal(sb.config().resultsRetryAfterSeconds, 1);
  assert.deepEqual(sb.faults(), []);
  assert.deepEqual(sb.requests(), [], 'control requests never logged; reset cleared the rest');
  assert.equal((await ctl('OPTIONS', '/faults')).status, 204);
  assert.equal((await ctl('GET', '/nope')).status, 404);
});

test('reset() forgets created tasks and their results', T, async () => {
  const { json: t } = await call(sb, '/api/4.0/render_tasks/looks/1/png?width=50&height=50', { method: 'POST' });
  assert.equal((await call(sb, `/api/4.0/render_tasks/${t.id}`)).status, 200);
  sb.reset();
  const r = await call(sb, `/api/4.0/render_tasks/${t.id}`);
  assert.equal(r.status, 404);
  assertSpec('render_task', r);
});

test('control API answers loopback addresses only', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(a), true, a);
  for (const a of ['10.0.0.1', '192.168.1.1', '::ffff:10.0.0.1', 'fe80::1', '', undefined, '128.0.0.1']) assert.equal(isLoopbackAddress(a), false, String(a));
});
