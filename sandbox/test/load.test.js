// The sandbox under load, over HTTP: renderer slots, the per-user query limit,
// 429 on too many tasks in flight, durations per target, and the counters.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { start, call, assertSpec, sleep } from '../testkit.js';

let sb;
before(async () => { sb = await start(); });
after(() => sb.close());
beforeEach(() => sb.reset());

const T = { timeout: 8000 };
const INSTANT = { enqueued_for_query: 0, querying: 0, enqueued_for_render: 0, rendering: 0 };
const createLook = (id = '1', size = 'width=100&height=100') => call(sb, `/api/4.0/render_tasks/looks/${id}/png?${size}`, { method: 'POST' });
const createDashboard = () => call(sb, '/api/4.0/render_tasks/dashboards/42/pdf?width=800&height=600', {
  method: 'POST', body: '{}', headers: { 'content-type': 'application/json' },
});
const getTask = async (id) => (await call(sb, `/api/4.0/render_tasks/${id}`)).json;
const countBy = (values) => values.reduce((counts, v) => ({ ...counts, [v]: (counts[v] ?? 0) + 1 }), {});

/** Polls until every task is finished (bounded); returns their RenderTasks. */
async function allFinished(ids, { tries = 200, everyMs = 25 } = {}) {
  for (let i = 0; i < tries; i++) {
    const tasks = await Promise.all(ids.map(getTask));
    if (tasks.every((t) => t.status === 'success' || t.status === 'failure')) return tasks;
    await sleep(everyMs);
  }
  throw new Error('tasks did not finish');
}

test('by default two renders run at once; the others wait in enqueued_for_render', T, async () => {
  assert.equal(sb.config().renderSlots, 2);
  sb.configure({ stageMs: { ...INSTANT, rendering: 60_000 } });
  const created = await Promise.all(Array.from({ length: 5 }, () => createDashboard()));
  const statuses = (await Promise.all(created.map((c) => getTask(c.json.id)))).map((t) => t.status);
  assert.deepEqual(countBy(statuses), { rendering: 2, enqueued_for_render: 3 });
  assert.equal(sb.counters().rendering, 2);
});

test('waiting renders start as slots free, and the wait counts in runtime', T, async () => {
  sb.configure({ stageMs: { ...INSTANT, rendering: 150 } });
  const created = await Promise.all(Array.from({ length: 5 }, () => createDashboard()));
  const finished = await allFinished(created.map((c) => c.json.id));
  assert.deepEqual(finished.map((t) => t.status), Array(5).fill('success'));
  assert.equal(sb.counters().peakRendering, 2);
  assert.equal(sb.counters().rendering, 0);
  const timelines = sb.tasks().map((t) => t.timeline);
  const starts = timelines.map((t) => t.renderStartedAt).sort((a, b) => a - b);
  assert.ok(starts[4] >= starts[0] + 300, 'the fifth starts once two rounds of two have rendered');
  for (const t of timelines) assert.ok(timelines.filter((o) => o.renderStartedAt <= t.renderStartedAt && t.renderStartedAt < o.finishedAt).length <= 2, 'never three at once');
  // Looker's runtime includes the wait; render_runtime is the rendering alone.
  const last = finished.find((t) => Date.parse(t.finalized_at) === Math.max(...timelines.map((o) => o.finishedAt)));
  assert.equal(last.render_runtime, 0.15);
  assert.ok(last.runtime > 0.15);
});

test('renderSlots sets the pool: one slot renders one at a time', T, async () => {
  sb.configure({ renderSlots: 1, stageMs: { ...INSTANT, rendering: 40 } });
  const created = await Promise.all(Array.from({ length: 3 }, () => createLook()));
  await allFinished(created.map((c) => c.json.id));
  const timelines = sb.tasks().map((t) => t.timeline).sort((a, b) => a.renderStartedAt - b.renderStartedAt);
  for (let i = 1; i < timelines.length; i++) assert.ok(timelines[i].renderStartedAt >= timelines[i - 1].finishedAt);
  assert.equal(sb.counters().peakRendering, 1);
});

test('an API user runs at most 15 queries at once; the rest wait in enqueued_for_query', T, async () => {
  assert.equal(sb.config().maxQueriesPerUser, 15);
  sb.configure({ renderSlots: null, stageMs: { ...INSTANT, querying: 60_000 } });
  const created = await Promise.all(Array.from({ length: 20 }, () => createLook()));
  const statuses = (await Promise.all(created.map((c) => getTask(c.json.id)))).map((t) => t.status);
  assert.deepEqual(countBy(statuses), { querying: 15, enqueued_for_query: 5 });
  const counters = sb.counters();
  assert.deepEqual(counters.querying, { 1: 15 });
  assert.deepEqual(counters.peakQuerying, { 1: 15 });
  assert.deepEqual(counters.inFlight, { 1: 20 });
  sb.configure({ maxQueriesPerUser: 18 });
  assert.deepEqual(sb.counters().querying, { 1: 18 }, 'a higher limit lets waiting queries start now');
});

test('counters: creates seen and answered, renders in flight now and at most, over HTTP too', T, async () => {
  sb.configure({ stageMs: { ...INSTANT, rendering: 600 } });
  const created = await Promise.all(Array.from({ length: 3 }, () => createLook()));
  await createLook('does-not-exist');
  await call(sb, '/api/4.0/render_tasks/looks/1/png?width=1&height=1', { method: 'POST' });
  let counters = sb.counters();
  assert.equal(counters.createsSeen, 5);
  assert.equal(counters.tasksCreated, 3);
  assert.deepEqual(counters.inFlight, { 1: 3 });
  assert.deepEqual(counters.peakInFlight, { 1: 3 });
  await allFinished(created.map((c) => c.json.id));
  const overHttp = await call(sb, '/__sandbox/counters', { token: false });
  assert.deepEqual(overHttp.json, {
    createsSeen: 5, tasksCreated: 3, tooManyRequests: 0, serviceUnavailable: 0,
    inFlight: { 1: 0 }, peakInFlight: { 1: 3 }, querying: { 1: 0 }, peakQuerying: overHttp.json.peakQuerying,
    rendering: 0, peakRendering: 2,
  });
  assert.equal((await call(sb, '/__sandbox/counters', { method: 'DELETE', token: false })).status, 204);
  counters = sb.counters();
  assert.deepEqual([counters.createsSeen, counters.tasksCreated, counters.peakInFlight, counters.peakRendering], [0, 0, { 1: 0 }, 0]);
  const one = await createLook();
  sb.resetCounters();
  assert.deepEqual(sb.counters().peakInFlight, { 1: 1 }, 'peaks start again from what is in flight');
  await allFinished([one.json.id]);
  sb.reset();
  assert.deepEqual(sb.counters().inFlight, {}, 'reset forgets the tasks');
});

test('maxPendingTasksPerUser: a create past the limit is a 429 with Retry-After, until one finishes', T, async () => {
  assert.equal(sb.config().maxPendingTasksPerUser, null);
  sb.configure({ maxPendingTasksPerUser: 3, createRetryAfterSeconds: 2, stageMs: { ...INSTANT, rendering: 1000 } });
  const first = await Promise.all(Array.from({ length: 3 }, () => createLook()));
  assert.deepEqual(first.map((c) => c.status), [200, 200, 200]);
  const refused = await createLook();
  assert.equal(refused.status, 429);
  assertSpec('create_look_render_task', refused);
  assert.equal(refused.headers.get('retry-after'), '2');
  assert.match(refused.json.message, /^Too many requests/);
  const dashboard = await createDashboard();
  assert.equal(dashboard.status, 429, 'the limit is per user, whatever the kind');
  assert.deepEqual(sb.requests().slice(-2).map((e) => e.status), [429, 429], 'logged as sent');
  let counters = sb.counters();
  assert.deepEqual([counters.createsSeen, counters.tasksCreated, counters.tooManyRequests], [5, 3, 2]);
  await allFinished(first.map((c) => c.json.id).slice(0, 1));
  assert.equal((await createLook()).status, 200, 'a finished task frees its place');
  counters = sb.counters();
  assert.ok(counters.peakInFlight['1'] <= 3);
  sb.addFault({ fault: '429-seconds' });
  assert.equal((await call(sb, '/api/4.0/render_tasks/1')).status, 429);
  assert.equal((await call(sb, '/api/4.0/render_tasks/rate-limited')).status, 429);
  assert.equal(sb.counters().tooManyRequests, 4, 'every 429 sent counts: the limit, a fault, the special id');
});

test('durationSpread with targetStageMs: renders of one target spread around its base, reproducibly', T, async () => {
  const config = { durationSpread: 0.2, targetStageMs: { 'dashboards/42': { ...INSTANT, rendering: 4000 } }, renderSlots: null };
  sb.configure(config);
  const draw = async () => {
    await Promise.all(Array.from({ length: 40 }, () => createDashboard()));
    return sb.tasks().sort((a, b) => a.createdAt - b.createdAt).map((t) => t.stageMs.rendering);
  };
  const first = await draw();
  for (const ms of first) assert.ok(ms >= 3200 && ms <= 4800, `${ms} within ±20% of 4 s`);
  const mean = first.reduce((a, b) => a + b, 0) / first.length;
  assert.ok(Math.abs(mean - 4000) < 400, `mean ${mean} near 4 s`);
  assert.ok(new Set(first).size > 30, 'spread, not one value');
  assert.ok(Math.max(...first) - Math.min(...first) > 800, 'spread over much of the range');
  for (const t of sb.tasks()) assert.equal(t.stageMs.querying, 0, 'the target sets the other stages too');
  // Same seed and reset: the nth task draws the same factor (the sorted set of durations is the same).
  sb.reset();
  sb.configure(config);
  assert.deepEqual((await draw()).sort(), [...first].sort());
  sb.reset();
  sb.configure({ ...config, durationSeed: 2 });
  assert.notDeepEqual((await draw()).sort(), [...first].sort(), 'another seed, other durations');
});

test('with a spread and no base of its own, each target has its own typical duration', T, async () => {
  sb.configure({ durationSpread: 0.2, renderSlots: null });
  const base = sb.config().stageMs.rendering;
  const byTarget = {};
  for (const size of ['width=100&height=100', 'width=200&height=100', 'width=300&height=100']) {
    for (let i = 0; i < 6; i++) await createLook('1', size);
  }
  for (const t of sb.tasks()) (byTarget[t.target] ??= []).push(t.stageMs.rendering);
  assert.equal(Object.keys(byTarget).length, 3);
  for (const [target, values] of Object.entries(byTarget)) {
    for (const ms of values) assert.ok(ms >= base * 0.64 - 1e-9 && ms <= base * 1.44 + 1e-9, `${target}: ${ms}`);
    const ratios = values.map((ms) => ms / values[0]);
    for (const r of ratios) assert.ok(r >= 0.8 / 1.2 - 1e-9 && r <= 1.2 / 0.8 + 1e-9, 'one base per target, the spread around it');
  }
  sb.configure({ durationSpread: 0 });
  const exact = await createLook('1');
  assert.equal(sb.task(exact.json.id).stageMs.rendering, base, 'no spread: the configured duration exactly');
});

test('content.json stageMs stays a target base; targetStageMs overrides it per stage', T, async () => {
  sb.configure({ targetStageMs: { 'looks/slow': { rendering: 10 } } });
  const slow = await createLook('slow');
  assert.deepEqual(sb.task(slow.json.id).stageMs, { enqueued_for_query: 2000, querying: 4000, enqueued_for_render: 2000, rendering: 10 });
});

test('the new config keys are checked', () => {
  const bad = [
    [{ renderSlots: 0 }, /renderSlots must be a whole number from 1, or null/],
    [{ maxQueriesPerUser: 1.5 }, /maxQueriesPerUser/],
    [{ maxPendingTasksPerUser: '3' }, /maxPendingTasksPerUser/],
    [{ createRetryAfterSeconds: -1 }, /createRetryAfterSeconds/],
    [{ durationSpread: 1 }, /durationSpread must be a number from 0 to below 1/],
    [{ durationSeed: 0.5 }, /durationSeed/],
    [{ targetStageMs: { dashboards: {} } }, /targetStageMs key dashboards must be "<kind path>\/<id>"/],
    [{ targetStageMs: { 'dashboards/42': { cooking: 1 } } }, /unknown stage cooking/],
    [{ targetStageMs: { 'dashboards/42': { rendering: -1 } } }, /targetStageMs\["dashboards\/42"\].rendering must be a non-negative number/],
  ];
  for (const [partial, message] of bad) assert.throws(() => sb.configure(partial), message, JSON.stringify(partial));
  sb.configure({ renderSlots: null, maxQueriesPerUser: null, maxPendingTasksPerUser: 40 });
  assert.deepEqual([sb.config().renderSlots, sb.config().maxQueriesPerUser, sb.config().maxPendingTasksPerUser], [null, null, 40]);
});

test('startSandbox takes the load options too', T, async () => {
  const other = await start({ renderSlots: 4, maxQueriesPerUser: null, durationSpread: 0.1 });
  try {
    const { renderSlots, maxQueriesPerUser, durationSpread, maxPendingTasksPerUser } = other.config();
    assert.deepEqual([renderSlots, maxQueriesPerUser, durationSpread, maxPendingTasksPerUser], [4, null, 0.1, null]);
    other.configure({ renderSlots: 1 });
    other.reset();
    assert.equal(other.config().renderSlots, 4, 'reset restores the options it started with');
  } finally {
    await other.close();
  }
});
