// GET render_task, creating tasks, validation, and the status pipeline.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { start, call, assertSpec, assertSchema, sleep, SPEC } from '../testkit.js';
import { renderKinds } from '../../js/render-kinds.js';
import { PAPER_SIZES } from '../paper.js';

const FIX = new URL('../../tests/fixtures/render_tasks/', import.meta.url);
const fixtures = readdirSync(FIX).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(new URL(f, FIX), 'utf8')));
const RENDER_TASK_KEYS = Object.keys(SPEC.components.schemas.RenderTask.properties).sort();

let sb;
before(async () => { sb = await start(); });
after(() => sb.close());
beforeEach(() => sb.reset());

const T = { timeout: 5000 };
const create = (kind, id, fmt, query = 'width=640&height=480', body) => call(
  sb, `/api/4.0/render_tasks/${kind}/${id}/${fmt}${query === null ? '' : `?${query}`}`,
  { method: 'POST', body: body === undefined && kind === 'dashboards' ? '{}' : body, headers: { 'content-type': 'application/json' } },
);
const OPS = { looks: 'create_look_render_task', queries: 'create_query_render_task', dashboards: 'create_dashboard_render_task', dashboard_elements: 'create_dashboard_element_render_task' };
const getTask = (id, query = '') => call(sb, `/api/4.0/render_tasks/${encodeURIComponent(id)}${query}`);
const untilMs = (createdAt, offset) => sleep(Math.max(0, Date.parse(createdAt) + offset - Date.now()));

test('every fixture task is served by its id, exactly as stored', T, async () => {
  assert.ok(fixtures.length >= 8);
  for (const f of fixtures) {
    const r = await getTask(f.id);
    assert.equal(r.status, 200, f.id);
    assertSpec('render_task', r);
    assert.deepEqual(r.json, f);
  }
});

test('fields= returns only the requested top-level properties', T, async () => {
  const r = await getTask('7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5', '?fields=id,status,nope');
  assert.equal(r.status, 200);
  assertSpec('render_task', r);
  assert.deepEqual(r.json, { id: '7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5', status: 'success' });
  const c = await create('looks', '1', 'png', 'width=100&height=100&fields=id,status');
  assert.deepEqual(Object.keys(c.json).sort(), ['id', 'status']);
});

test('special ids and unknown ids give Looker errors', T, async () => {
  const bad = await getTask('bad-request');
  assert.equal(bad.status, 400);
  assertSpec('render_task', bad);
  assert.equal(bad.json.message, 'Invalid fields parameter');
  const limited = await getTask('rate-limited');
  assert.equal(limited.status, 429);
  assertSpec('render_task', limited);
  assert.equal(limited.headers.get('retry-after'), '2');
  const missing = await getTask('no-such-task');
  assert.equal(missing.status, 404);
  assertSpec('render_task', missing);
  assert.equal(missing.json.message, 'Not found');
  const nested = await call(sb, '/api/4.0/render_tasks/a/b');
  assert.equal(nested.status, 404);
});

test('the id is the percent-decoded path segment', T, async () => {
  const r = await call(sb, '/api/4.0/render_tasks/a0000000000000000000000000000001%2Fx');
  assert.equal(r.status, 404);
  const ok = await call(sb, '/api/4.0/render_tasks/%61%30000000000000000000000000000001');
  assert.equal(ok.status, 200);
  assert.equal(ok.json.id, 'a0000000000000000000000000000001');
  assert.equal(sb.requests().at(-1).path, '/api/4.0/render_tasks/%61%30000000000000000000000000000001', 'log keeps the raw path');
  const lookml = await create('dashboards', 'thelook%3A%3Abusiness_pulse', 'png');
  assert.equal(lookml.status, 200);
  assert.equal(lookml.json.lookml_dashboard_id, 'thelook::business_pulse');
  assert.equal(lookml.json.dashboard_id, null);
});

test('create returns a fresh enqueued RenderTask for each content kind', T, async () => {
  const cases = [['looks', '7', 'png', 'look_id'], ['queries', '1234', 'jpg', 'query_id'], ['dashboards', '42', 'pdf', 'dashboard_id'], ['dashboard_elements', '101', 'png', 'dashboard_element_id']];
  const ids = new Set();
  for (const [kind, id, fmt, prop] of cases) {
    const before = Date.now();
    const r = await create(kind, id, fmt, 'width=640&height=480');
    assert.equal(r.status, 200, `${kind} ${r.text}`);
    assertSpec(OPS[kind], r);
    assertSchema('RenderTask', r.json, { strict: true });
    const t = r.json;
    assert.deepEqual(Object.keys(t).sort(), RENDER_TASK_KEYS, 'all RenderTask properties present');
    assert.match(t.id, /^[0-9a-f]{32}$/);
    ids.add(t.id);
    assert.equal(t.status, 'enqueued_for_query');
    assert.equal(t[prop], id);
    assert.equal(t.result_format, fmt);
    assert.equal(t.width, 640);
    assert.equal(t.height, 480);
    assert.equal(t.user_id, '1');
    assert.deepEqual(t.can, { show: true });
    assert.ok(Math.abs(Date.parse(t.created_at) - before) < 1000);
    for (const k of ['finalized_at', 'query_runtime', 'render_runtime', 'runtime', 'status_detail']) assert.equal(t[k], null, k);
    for (const other of ['look_id', 'query_id', 'dashboard_id', 'dashboard_element_id', 'lookml_dashboard_id'].filter((k) => k !== prop)) assert.equal(t[other], null, other);
    const again = await getTask(t.id);
    assertSpec('render_task', again);
    assert.equal(again.json.id, t.id);
  }
  assert.equal(ids.size, 4);
});

test('dashboard body fills filters and style; missing or bad JSON is 400', T, async () => {
  const r = await create('dashboards', '42', 'pdf', 'width=1920&height=1080&pdf_paper_size=a4&pdf_landscape=true&long_tables=false&theme=Looker',
    JSON.stringify({ dashboard_filters: 'Region=EMEA', dashboard_style: 'single_column', tab_ids: ['1'] }));
  assert.equal(r.status, 200);
  assert.equal(r.json.dashboard_filters, 'Region=EMEA');
  assert.equal(r.json.dashboard_style, 'single_column');
  for (const body of ['', 'not json', '[1]', 'null']) {
    const bad = await create('dashboards', '42', 'png', 'width=100&height=100', body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assertSpec('create_dashboard_render_task', bad);
  }
  const typed = await create('dashboards', '42', 'png', 'width=100&height=100', JSON.stringify({ dashboard_filters: 5 }));
  assert.equal(typed.status, 422);
  assert.equal(typed.json.errors[0].field, 'dashboard_filters');
});

test('width/height/result_format/pdf options are validated like Looker (422)', T, async () => {
  const cases = [
    ['looks', 'png', '', [['width', 'missing'], ['height', 'missing']]],
    ['looks', 'png', 'width=abc&height=10.5', [['width', 'invalid'], ['height', 'invalid']]],
    ['queries', 'png', 'width=9&height=16385', [['width', 'invalid'], ['height', 'invalid']]],
    ['dashboard_elements', 'gif', 'width=10&height=16384', [['result_format', 'invalid']]],
    ['dashboards', 'pdf', 'width=100&height=100&pdf_paper_size=a6', [['pdf_paper_size', 'invalid']]],
    ['dashboards', 'pdf', 'width=100&height=100&pdf_landscape=maybe', [['pdf_landscape', 'invalid']]],
    ['dashboards', 'png', 'width=100&height=100', [['dashboard_style', 'invalid']], { dashboard_style: 'grid' }],
  ];
  for (const [kind, fmt, q, want, body] of cases) {
    const id = { looks: '1', queries: '1234', dashboard_elements: '101', dashboards: '42' }[kind];
    const r = await create(kind, id, fmt, q, body && JSON.stringify(body));
    assert.equal(r.status, 422, `${kind} ${q}`);
    assertSpec(OPS[kind], r);
    assert.equal(r.json.message, 'Validation Failed');
    assert.deepEqual(r.json.errors.map((e) => [e.field, e.code]), want);
  }
  for (const size of renderKinds.pdfPaperSizes) {
    assert.equal((await create('dashboards', '42', 'pdf', `width=100&height=100&pdf_paper_size=${size}`)).status, 200, size);
  }
  for (const style of renderKinds.dashboardStyles) {
    assert.equal((await create('dashboards', '42', 'png', 'width=100&height=100', JSON.stringify({ dashboard_style: style }))).status, 200, style);
  }
});

test('the sandbox can draw every paper size of the render-kinds table, and no other', () => {
  assert.deepEqual(Object.keys(PAPER_SIZES).sort(), [...renderKinds.pdfPaperSizes].sort());
});

test('each kind of the render-kinds table takes its own formats, and only those', T, async () => {
  const ids = { looks: '1', queries: '1234', dashboard_elements: '101', dashboards: '42' };
  for (const kind of renderKinds.kinds) {
    for (const { format } of renderKinds.formats) {
      const r = await create(kind.path, ids[kind.path], format);
      assert.equal(r.status, kind.formats.includes(format) ? 200 : 400, `${kind.kind} ${format}`);
      if (r.status === 200) assert.equal(r.json[kind.idName], ids[kind.path]);
    }
  }
});

test('pdf for looks, queries and elements is an opaque 400; unknown content is 404', T, async () => {
  for (const [kind, id] of [['looks', '1'], ['queries', '1234'], ['dashboard_elements', '101']]) {
    const r = await create(kind, id, 'pdf');
    assert.equal(r.status, 400, kind);
    assertSpec(OPS[kind], r);
    assert.equal(r.json.message, 'Unsupported result format');
  }
  for (const kind of Object.keys(OPS)) {
    const r = await create(kind, 'does-not-exist', 'png');
    assert.equal(r.status, 404, kind);
    assertSpec(OPS[kind], r);
  }
  const wrongMethod = await call(sb, '/api/4.0/render_tasks/looks/1/png?width=100&height=100');
  assert.equal(wrongMethod.status, 404);
});

test('status follows the stage durations, with runtimes once done', T, async () => {
  sb.configure({ stageMs: { enqueued_for_query: 150, querying: 150, enqueued_for_render: 150, rendering: 150 } });
  const { json: t } = await create('looks', '2', 'png');
  const seen = [];
  for (const offset of [75, 225, 375, 525, 675]) {
    await untilMs(t.created_at, offset);
    const r = await getTask(t.id);
    assertSpec('render_task', r);
    assertSchema('RenderTask', r.json, { strict: true });
    seen.push(r.json.status);
    if (offset >= 375) assert.equal(r.json.query_runtime, 0.15, `query_runtime at ${offset}`);
    if (offset === 675) {
      assert.equal(r.json.render_runtime, 0.15);
      assert.equal(r.json.runtime, 0.6);
      assert.equal(Date.parse(r.json.finalized_at) - Date.parse(t.created_at), 600);
      assert.equal(r.json.status_detail, null);
    } else assert.equal(r.json.finalized_at, null);
  }
  assert.deepEqual(seen, ['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering', 'success']);
});

test('content marked to fail ends in failure during querying', T, async () => {
  const kinds = [['looks', 'png'], ['queries', 'jpg'], ['dashboards', 'pdf'], ['dashboard_elements', 'png']];
  const created = await Promise.all(kinds.map(([kind, fmt]) => create(kind, 'fail', fmt)));
  await untilMs(created.map((c) => c.json.created_at).sort().at(-1), 100);
  for (const [i, [kind]] of kinds.entries()) {
    const r = await getTask(created[i].json.id);
    assertSpec('render_task', r);
    assert.equal(r.json.status, 'failure', kind);
    assert.match(r.json.status_detail, /^Query failed: /);
    assert.equal(r.json.query_runtime, 0.04);
    assert.equal(r.json.render_runtime, null);
    assert.equal(r.json.runtime, 0.06);
    assert.ok(r.json.finalized_at);
  }
});

test('slow content uses its own stage durations; the config decides the rest', T, async () => {
  const { json: slow } = await create('looks', 'slow', 'png');
  sb.configure({ stageMs: { querying: 1000 } });
  const { json: fast } = await create('looks', '1', 'png');
  await untilMs(fast.created_at, 300);
  assert.equal((await getTask(slow.id)).json.status, 'enqueued_for_query', 'slow look still queued');
  assert.equal((await getTask(fast.id)).json.status, 'querying', 'runtime stageMs applies to new tasks');
  sb.configure({ stageMs: { querying: 10 } });
  assert.equal((await getTask(fast.id)).json.status, 'querying', 'durations fixed at creation');
});

test('randomDurationsMs spreads total durations over the range', T, async () => {
  // Enough renderer slots that no task waits for one: this is about the durations alone.
  sb.configure({ randomDurationsMs: [100, 300], renderSlots: null });
  const tasks = [];
  for (let i = 0; i < 8; i++) tasks.push((await create('queries', '1234', 'png')).json);
  await sleep(Math.max(0, Date.parse(tasks.at(-1).created_at) + 320 - Date.now()));
  const runtimes = [];
  for (const t of tasks) {
    const r = (await getTask(t.id)).json;
    assert.equal(r.status, 'success');
    runtimes.push(r.runtime);
  }
  for (const rt of runtimes) assert.ok(rt >= 0.1 && rt <= 0.3, `runtime ${rt} in range`);
  assert.ok(new Set(runtimes).size > 1, 'not all equal');
  sb.reset();
  assert.equal(sb.config().randomDurationsMs, null, 'reset restores config');
});

test('configure() rejects bad input', T, () => {
  assert.throws(() => sb.configure({ nope: 1 }), /unknown config key/);
  assert.throws(() => sb.configure({ stageMs: { querying: -1 } }), /non-negative/);
  assert.throws(() => sb.configure({ stageMs: { cooking: 1 } }), /unknown stage/);
  assert.throws(() => sb.configure({ randomDurationsMs: [5, 1] }), /randomDurationsMs/);
});
