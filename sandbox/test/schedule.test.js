// The schedule on its own: tasks created at chosen times, played to chosen
// times, so every start and end is exact (no clock, no network).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchedule, admit, advanceTo, inFlight, scheduleCounts } from '../schedule.js';

/** A state with just what the schedule reads. */
const stateWith = (config) => ({ config: { renderSlots: 2, maxQueriesPerUser: 15, ...config }, schedule: createSchedule() });

let seq = 0;
/** A task created at `createdAt` with these stage durations (ms), as tasks.js makes them. */
function task(createdAt, stageMs, { userId = '1', failure = null } = {}) {
  return {
    seq: ++seq, userId, createdAt, failure,
    stageMs: { enqueued_for_query: 0, querying: 0, enqueued_for_render: 0, rendering: 0, ...stageMs },
    timeline: { queryStartedAt: null, queryEndedAt: null, renderStartedAt: null, finishedAt: null },
  };
}

/** The most intervals [start, end) open at once. */
function mostAtOnce(intervals) {
  const edges = intervals.flatMap(([start, end]) => [[start, 1], [end, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of edges) { open += delta; most = Math.max(most, open); }
  return most;
}

test('renders wait for one of the renderer slots, first come first served', () => {
  const state = stateWith({ renderSlots: 2 });
  const tasks = Array.from({ length: 5 }, (_, i) => task(1000 + i, { querying: 100, rendering: 1000 }));
  for (const t of tasks) admit(state, t);
  advanceTo(state, 1000_000);
  assert.deepEqual(tasks.map((t) => t.timeline.renderStartedAt), [1100, 1101, 2100, 2101, 3100]);
  assert.deepEqual(tasks.map((t) => t.timeline.finishedAt), [2100, 2101, 3100, 3101, 4100]);
  assert.deepEqual(tasks.map((t) => t.timeline.queryStartedAt), [1000, 1001, 1002, 1003, 1004], 'queries do not wait for the renderer');
  assert.equal(scheduleCounts(state.schedule).peakRendering, 2);
  assert.equal(inFlight(state, '1'), 0);
});

test('status at a time in between: two rendering, the rest enqueued_for_render', () => {
  const state = stateWith({});
  const tasks = Array.from({ length: 5 }, () => task(0, { rendering: 1000 }));
  for (const t of tasks) admit(state, t);
  advanceTo(state, 500);
  const rendering = tasks.filter((t) => t.timeline.renderStartedAt !== null && t.timeline.renderStartedAt <= 500);
  assert.equal(rendering.length, 2);
  assert.deepEqual(scheduleCounts(state.schedule), {
    inFlight: { 1: 5 }, peakInFlight: { 1: 5 }, querying: { 1: 0 }, peakQuerying: { 1: 1 }, rendering: 2, peakRendering: 2,
  }, 'a zero-length query ends as it starts, before the next task comes');
});

test('enqueued_for_render lasts at least its own duration even with a slot free', () => {
  const state = stateWith({ renderSlots: 4 });
  const t = task(0, { enqueued_for_query: 10, querying: 20, enqueued_for_render: 30, rendering: 40 });
  admit(state, t);
  advanceTo(state, 1000);
  assert.deepEqual(t.timeline, { queryStartedAt: 10, queryEndedAt: 30, renderStartedAt: 60, finishedAt: 100 });
});

test("each user runs at most maxQueriesPerUser queries; the rest wait in enqueued_for_query", () => {
  const state = stateWith({ maxQueriesPerUser: 15, renderSlots: null });
  const mine = Array.from({ length: 20 }, () => task(0, { querying: 100 }));
  const theirs = Array.from({ length: 3 }, () => task(0, { querying: 100 }, { userId: '2' }));
  for (const t of [...mine, ...theirs]) admit(state, t);
  advanceTo(state, 50);
  assert.deepEqual(scheduleCounts(state.schedule).querying, { 1: 15, 2: 3 }, 'another user has slots of its own');
  advanceTo(state, 10_000);
  assert.deepEqual(mine.map((t) => t.timeline.queryStartedAt), [...Array(15).fill(0), ...Array(5).fill(100)]);
  assert.equal(mostAtOnce(mine.map((t) => [t.timeline.queryStartedAt, t.timeline.queryEndedAt])), 15);
  assert.deepEqual(scheduleCounts(state.schedule).peakQuerying, { 1: 15, 2: 3 });
});

test('a query that fails frees its slot and never takes a renderer slot', () => {
  const state = stateWith({ maxQueriesPerUser: 1, renderSlots: 1 });
  const failing = task(0, { querying: 50, rendering: 1000 }, { failure: { stage: 'querying' } });
  const good = task(0, { querying: 50, rendering: 1000 });
  admit(state, failing);
  admit(state, good);
  advanceTo(state, 5000);
  assert.deepEqual(failing.timeline, { queryStartedAt: 0, queryEndedAt: 50, renderStartedAt: null, finishedAt: 50 });
  assert.deepEqual(good.timeline, { queryStartedAt: 50, queryEndedAt: 100, renderStartedAt: 100, finishedAt: 1100 });
});

test('a render that fails holds its slot until it ends', () => {
  const state = stateWith({ renderSlots: 1 });
  const failing = task(0, { rendering: 300 }, { failure: { stage: 'rendering' } });
  const next = task(0, { rendering: 300 });
  admit(state, failing);
  admit(state, next);
  advanceTo(state, 5000);
  assert.equal(failing.timeline.finishedAt, 300);
  assert.equal(next.timeline.renderStartedAt, 300);
});

test('slot limits changed mid-way apply from then on; null means no limit', () => {
  const state = stateWith({ renderSlots: 1 });
  const tasks = Array.from({ length: 4 }, () => task(0, { rendering: 100 }));
  for (const t of tasks) admit(state, t);
  advanceTo(state, 50);
  state.config.renderSlots = null; // configure() plays the schedule to now, then changes the config
  advanceTo(state, 1000);
  assert.deepEqual(tasks.map((t) => t.timeline.renderStartedAt), [0, 50, 50, 50]);
});

test('the same creates at the same times give the same schedule, however often it is read', () => {
  const run = (reads) => {
    const state = stateWith({ renderSlots: 2, maxQueriesPerUser: 3 });
    const tasks = Array.from({ length: 12 }, (_, i) => task(i * 7, { enqueued_for_query: 5 + (i % 3), querying: 40 + i, enqueued_for_render: 3, rendering: 90 - i }));
    for (const t of tasks) {
      for (const at of reads) if (at < t.createdAt) advanceTo(state, at);
      admit(state, t);
    }
    advanceTo(state, 100_000);
    return tasks.map((t) => t.timeline);
  };
  const once = run([]);
  assert.deepEqual(run([1, 2, 3, 10, 11, 30, 31, 32, 50, 70]), once);
  assert.deepEqual(run(Array.from({ length: 80 }, (_, i) => i)), once);
  assert.ok(mostAtOnce(once.map((t) => [t.renderStartedAt, t.finishedAt])) <= 2);
});

test('zero-length stages pass at once; a clock that goes back changes nothing', () => {
  const state = stateWith({});
  const t = task(100, {});
  admit(state, t);
  assert.deepEqual(t.timeline, { queryStartedAt: 100, queryEndedAt: 100, renderStartedAt: 100, finishedAt: 100 });
  advanceTo(state, 50);
  assert.equal(state.schedule.time, 100);
});

test('ten thousand tasks waiting: reading stays cheap and every one finishes in turn', { timeout: 20_000 }, () => {
  const state = stateWith({ renderSlots: 2 });
  const tasks = Array.from({ length: 10_000 }, (_, i) => task(i, { rendering: 10 }));
  for (const t of tasks) {
    admit(state, t);
    advanceTo(state, t.createdAt); // a read after each create, as the API does
  }
  for (let now = 10_000; now <= 60_000; now += 100) advanceTo(state, now);
  assert.equal(inFlight(state, '1'), 0);
  // Two slots take turns from 0 and 1 ms: the last of 10,000 renders of 10 ms starts at 1 + 4999 × 10.
  assert.equal(tasks.at(-1).timeline.finishedAt, 50_001);
  assert.equal(mostAtOnce(tasks.map((t) => [t.timeline.renderStartedAt, t.timeline.finishedAt])), 2);
});
