// Each fault kind, rule matching, and what the request log records.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { start, call, assertSpec, assertSchema, sleep, form, FORM } from '../testkit.js';

let sb;
before(async () => { sb = await start(); });
after(() => sb.close());
beforeEach(() => sb.reset());

const T = { timeout: 8000 };
const TASK = '/api/4.0/render_tasks/a0000000000000000000000000000001';
const lastEntry = () => sb.requests().at(-1);

/** Raw HTTP GET (no fetch) so partial bodies and resets can be observed. */
function rawGet(url, { timeoutMs = 2000, headers = {} } = {}) {
  return new Promise((resolve) => {
    const out = { status: null, headers: null, chunks: [], error: null, ended: false };
    const req = http.get(url, { headers: { authorization: `token ${sb.token}`, ...headers }, agent: false }, (res) => {
      out.status = res.statusCode;
      out.headers = res.headers;
      res.on('data', (c) => out.chunks.push(c));
      res.on('end', () => { out.ended = true; });
      res.on('error', (e) => { out.error = e; });
      res.on('close', () => finish());
    });
    const timer = setTimeout(() => { out.timedOut = true; req.destroy(); finish(); }, timeoutMs);
    req.on('error', (e) => { out.error = out.error || e; finish(); });
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      clearTimeout(timer);
      out.body = Buffer.concat(out.chunks);
      resolve(out);
    }
  });
}

test('status fault sends the given status, body and headers, `times` times, before auth', T, async () => {
  sb.addFault({ path: '^/render_tasks/[^/]+$', fault: 'status', status: 503, times: 2, headers: { 'x-trace': 'abc' } });
  for (let i = 0; i < 2; i++) {
    const r = await call(sb, TASK, { token: false });
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('x-trace'), 'abc');
    assert.equal(r.contentType, 'application/json');
    assertSchema('Error', r.json);
    assert.equal(r.json.message, 'Service Unavailable');
  }
  assert.equal((await call(sb, TASK, { token: false })).status, 401, 'rule used up');
  sb.addFault({ fault: 'status', status: 502, body: { message: 'Bad gateway', documentation_url: null } });
  const custom = await call(sb, TASK);
  assert.equal(custom.status, 502);
  assert.deepEqual(custom.json, { message: 'Bad gateway', documentation_url: null });
  assert.deepEqual(sb.requests().map((e) => e.status), [503, 503, 401, 502], 'faulted requests are logged');
});

test('rules match on method and path; first matching rule wins; times null is unlimited', T, async () => {
  sb.addFault({ method: 'post', path: '^/render_tasks/looks/', fault: 'status', status: 500 });
  sb.addFault({ method: 'GET', path: '/results$', fault: 'status', status: 504, times: null });
  sb.addFault({ method: 'GET', path: '/results$', fault: 'status', status: 500 });
  assert.equal((await call(sb, TASK)).status, 200, 'GET task not matched');
  for (let i = 0; i < 3; i++) assert.equal((await call(sb, `${TASK}/results`)).status, 504);
  const c = await call(sb, '/api/4.0/render_tasks/looks/1/png?width=100&height=100', { method: 'POST' });
  assert.equal(c.status, 500);
  assert.equal((await call(sb, '/api/4.0/render_tasks/looks/1/png?width=100&height=100', { method: 'POST' })).status, 200);
  assert.deepEqual(sb.faults().map((f) => f.times), [0, null, 1]);
  sb.clearFaults();
  assert.equal((await call(sb, `${TASK}/results`)).status, 202);
});

test('preflights do not use up faults unless the rule names OPTIONS', T, async () => {
  sb.addFault({ fault: 'status', status: 500 });
  const pre = await call(sb, TASK, { method: 'OPTIONS', token: false });
  assert.equal(pre.status, 204);
  assert.equal((await call(sb, TASK)).status, 500);
  sb.addFault({ method: 'OPTIONS', fault: 'status', status: 503 });
  assert.equal((await call(sb, TASK, { method: 'OPTIONS', token: false })).status, 503);
});

test('addFault rejects unknown faults and bad rules', T, () => {
  assert.throws(() => sb.addFault({ fault: 'explode' }), /unknown fault/);
  assert.throws(() => sb.addFault({ fault: 'status' }), /integer status/);
  assert.throws(() => sb.addFault({ fault: 'html-200', path: '(' }), SyntaxError);
  assert.deepEqual(sb.faults(), []);
});

test('429-seconds and 429-date set Retry-After', T, async () => {
  sb.addFault({ fault: '429-seconds', retryAfter: 3 });
  const a = await call(sb, TASK);
  assert.equal(a.status, 429);
  assertSpec('render_task', a);
  assert.equal(a.headers.get('retry-after'), '3');
  sb.addFault({ fault: '429-seconds' });
  assert.equal((await call(sb, TASK)).headers.get('retry-after'), '1');
  sb.addFault({ fault: '429-date', retryAfter: 5 });
  const b = await call(sb, TASK);
  assert.equal(b.status, 429);
  assertSpec('render_task', b);
  const ra = b.headers.get('retry-after');
  assert.match(ra, /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
  const delta = (Date.parse(ra) - Date.now()) / 1000;
  assert.ok(delta > 4 && delta <= 6, `date ${delta}s ahead`);
});

test('reset-mid-body sends 200 headers and half the body, then drops the connection', T, async () => {
  sb.addFault({ fault: 'reset-mid-body' });
  const r = await rawGet(sb.url + TASK);
  assert.equal(r.status, 200);
  const len = Number(r.headers['content-length']);
  assert.ok(r.body.length > 0 && r.body.length < len, `${r.body.length} of ${len}`);
  assert.equal(r.ended, false);
  assert.ok(r.error, 'client sees an error');
  assert.equal((await call(sb, TASK)).status, 200, 'the rule was used once');
  sb.addFault({ fault: 'reset-mid-body' });
  await assert.rejects(call(sb, TASK), 'fetch body read fails');
  await sleep(50);
  assert.equal(sb.requests().filter((e) => e.status === null).length, 2, 'dropped requests logged with status null');
});

test('stall-headers sends nothing until the client gives up', T, async () => {
  sb.addFault({ fault: 'stall-headers' });
  const t0 = Date.now();
  await assert.rejects(call(sb, TASK, { timeoutMs: 300 }), (e) => e.name === 'TimeoutError');
  assert.ok(Date.now() - t0 >= 280);
  assert.equal(lastEntry().status, null);
  assert.equal((await call(sb, TASK)).status, 200, 'server still answers others');
});

test('stall-body sends headers and part of the body, then nothing', T, async () => {
  sb.addFault({ fault: 'stall-body' });
  const r = await rawGet(sb.url + TASK, { timeoutMs: 400 });
  assert.equal(r.status, 200);
  assert.equal(r.timedOut, true);
  assert.ok(r.body.length > 0 && r.body.length < Number(r.headers['content-length']));
  assert.equal(lastEntry().status, null);
});

test('truncated-json is a complete 200 response whose JSON is cut', T, async () => {
  sb.addFault({ fault: 'truncated-json' });
  const r = await call(sb, TASK);
  assert.equal(r.status, 200);
  assert.equal(r.contentType, 'application/json');
  assert.equal(Number(r.headers.get('content-length')), r.body.length);
  assert.throws(() => JSON.parse(r.text));
  assert.ok(r.text.startsWith('{"can"'), 'starts like the real task');
  assert.equal(lastEntry().status, 200);
});

test('html-200 answers with a login page', T, async () => {
  sb.addFault({ fault: 'html-200' });
  const r = await call(sb, TASK);
  assert.equal(r.status, 200);
  assert.match(r.contentType, /^text\/html/);
  assert.match(r.text, /<form/);
});

test('wrong-content-type keeps the JSON body but labels it text/plain', T, async () => {
  sb.addFault({ fault: 'wrong-content-type' });
  const r = await call(sb, TASK);
  assert.equal(r.status, 200);
  assert.equal(r.contentType, 'text/plain');
  assertSchema('RenderTask', r.json);
  assert.equal(r.json.id, 'a0000000000000000000000000000001');
  sb.addFault({ fault: 'wrong-content-type' });
  const noAuth = await call(sb, TASK, { token: false });
  assert.equal(noAuth.status, 200, 'works without a token');
  assertSchema('RenderTask', noAuth.json);
});

test('huge-body streams a 30 MB JSON body by default, or `bytes`', T, async () => {
  sb.addFault({ fault: 'huge-body', bytes: 100000 });
  const small = await call(sb, TASK);
  assert.equal(small.body.length, 100000);
  assert.equal(JSON.parse(small.text).id, 'huge');
  sb.addFault({ fault: 'huge-body' });
  const r = await call(sb, TASK, { timeoutMs: 7000 });
  assert.equal(r.status, 200);
  assert.equal(r.contentType, 'application/json');
  assert.equal(Number(r.headers.get('content-length')), 30 * 1024 * 1024);
  assert.equal(r.body.length, 30 * 1024 * 1024);
});

test('redirect points at the same path on the alternate origin, which serves normally', T, async () => {
  assert.match(sb.alternateUrl, /^http:\/\/localhost:\d+$/);
  assert.notEqual(new URL(sb.alternateUrl).port, String(sb.port));
  sb.addFault({ fault: 'redirect' });
  const manual = await call(sb, `${TASK}?fields=id`, { redirect: 'manual' });
  assert.equal(manual.status, 302);
  assert.equal(manual.headers.get('location'), `${sb.alternateUrl}${TASK}?fields=id`);
  sb.addFault({ fault: 'redirect', status: 307 });
  const followed = await call(sb, `${TASK}?fields=id`, { token: false, headers: { authorization: `token ${sb.token}` } });
  const log = sb.requests();
  const alt = log.filter((e) => e.origin === 'alternate');
  assert.equal(alt.length, 1);
  assert.equal(alt[0].path, TASK);
  assert.equal(alt[0].query, 'fields=id');
  // Whether Authorization survives the cross-origin hop is the client's choice; the log shows it.
  const forwarded = 'authorization' in alt[0].headers;
  assert.equal(followed.status, forwarded ? 200 : 401);
  if (forwarded) assert.deepEqual(followed.json, { id: 'a0000000000000000000000000000001' });
  assert.deepEqual(log.map((e) => e.origin), ['primary', 'primary', 'alternate']);
});

test('faults on the alternate origin only when asked', T, async () => {
  sb.addFault({ fault: 'status', status: 500, origin: 'alternate' });
  assert.equal((await call(sb, TASK)).status, 200);
  assert.equal((await call(sb, sb.alternateUrl + TASK)).status, 500);
});

test('mutate merges `set` and removes `delete` from the real JSON', T, async () => {
  sb.addFault({ fault: 'mutate', set: { status: 'paused', width: 'wide' }, delete: ['height', 'id'] });
  const r = await call(sb, TASK);
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'paused');
  assert.equal(r.json.width, 'wide');
  assert.ok(!('height' in r.json) && !('id' in r.json));
  assert.equal(r.json.look_id, '7', 'the rest is the real task');
  const normal = await call(sb, TASK);
  assertSpec('render_task', normal);
});

test('outage answers 503 to every API request for its seconds; tasks go on meanwhile', T, async () => {
  sb.configure({ stageMs: { enqueued_for_query: 0, querying: 0, enqueued_for_render: 0, rendering: 100 } });
  const created = await call(sb, '/api/4.0/render_tasks/looks/1/png?width=100&height=100', { method: 'POST' });
  const rule = sb.addFault({ fault: 'outage', seconds: 1.5 });
  assert.equal(rule.times, null, 'every request while it lasts');
  assert.ok(rule.until > Date.now() && rule.until <= Date.now() + 1500);
  const answers = [
    await call(sb, '/api/4.0/login', { method: 'POST', token: false, body: form({ client_id: sb.clientId, client_secret: sb.clientSecret }), headers: FORM }),
    await call(sb, '/api/4.0/render_tasks/looks/1/png?width=100&height=100', { method: 'POST' }),
    await call(sb, `/api/4.0/render_tasks/${created.json.id}`),
    await call(sb, `/api/4.0/render_tasks/${created.json.id}/results`, { token: false }),
  ];
  for (const r of answers) {
    assert.equal(r.status, 503);
    assertSchema('Error', r.json);
    assert.equal(r.json.message, 'Service Unavailable');
    assert.equal(r.headers.get('retry-after'), null);
  }
  const preflight = await call(sb, TASK, { method: 'OPTIONS', token: false });
  assert.equal(preflight.status, 204, 'preflights are not the API: browsers still get through to see the 503');
  assert.equal(sb.counters().serviceUnavailable, 4);
  assert.equal(sb.counters().createsSeen, 2, 'a create answered by the outage was still seen');
  assert.equal(sb.counters().tasksCreated, 1);
  await sleep(Math.max(0, rule.until - Date.now()) + 20);
  const after = await call(sb, `/api/4.0/render_tasks/${created.json.id}`);
  assert.equal(after.status, 200, 'over when its seconds are up');
  assert.equal(after.json.status, 'success', 'the task kept rendering through the outage');
});

test('outage: Retry-After when asked, before every other rule, and checked', T, async () => {
  sb.addFault({ fault: 'status', status: 500, times: null });
  sb.addFault({ fault: 'outage', seconds: 30, retryAfter: 10 });
  const r = await call(sb, TASK);
  assert.equal(r.status, 503);
  assert.equal(r.headers.get('retry-after'), '10');
  sb.clearFaults();
  assert.equal((await call(sb, TASK)).status, 200, 'clearing the faults ends it');
  assert.throws(() => sb.addFault({ fault: 'outage' }), /outage fault needs seconds, a positive number/);
  assert.throws(() => sb.addFault({ fault: 'outage', seconds: 1, retryAfter: 'soon' }), /retryAfter must be a whole number/);
  const overHttp = await call(sb, '/__sandbox/faults', { method: 'POST', token: false, body: JSON.stringify({ fault: 'outage', seconds: 5 }) });
  assert.equal(overHttp.status, 201);
  assert.equal(overHttp.json.fault, 'outage');
  assert.equal((await call(sb, TASK)).status, 503);
});
