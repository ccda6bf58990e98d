// Looker under load: each API user runs at most `maxQueriesPerUser` queries at
// once, and the renderer runs `renderSlots` render jobs at once for everyone.
// A task waits in enqueued_for_query at least its stage duration and then until
// its user has a query slot; once its query is done it waits in
// enqueued_for_render at least that stage's duration and then until a renderer
// slot is free. Queues are first come, first served (by the time a task became
// ready, then by creation).
//
// There are no timers: every task's durations are fixed when it is created, so
// the whole schedule follows from when tasks were created. advanceTo(now) plays
// the events (a stage ends, a waiting task becomes ready) up to now, and every
// read of the state calls it first. The same creates at the same times give
// the same schedule.
import { Heap } from './heap.js';

const byReady = (a, b) => a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
const byQueryEnd = (a, b) => a.timeline.queryEndedAt < b.timeline.queryEndedAt
  || (a.timeline.queryEndedAt === b.timeline.queryEndedAt && a.seq < b.seq);
const byRenderEnd = (a, b) => a.timeline.finishedAt < b.timeline.finishedAt
  || (a.timeline.finishedAt === b.timeline.finishedAt && a.seq < b.seq);

export function createSchedule() {
  return {
    time: 0, // how far the events have been played (ms since the epoch)
    queuedForQuery: new Map(), // user id -> Heap of tasks waiting for a query slot
    querying: new Heap(byQueryEnd),
    queuedForRender: new Heap(byReady),
    rendering: new Heap(byRenderEnd),
    queryingByUser: new Map(), // user id -> queries running now
    inFlightByUser: new Map(), // user id -> tasks created and not finished
    // The most at once since the counters were last reset.
    peakInFlightByUser: new Map(),
    peakQueryingByUser: new Map(),
    peakRendering: 0,
  };
}

const count = (map, key) => map.get(key) ?? 0;

function add(map, peaks, key, delta) {
  const value = count(map, key) + delta;
  map.set(key, value);
  if (peaks && value > count(peaks, key)) peaks.set(key, value);
}

const hasSlot = (limit, used) => limit === null || used < limit;

// Starts, at time t, every waiting task that is ready and has a slot.
function startWaiting(schedule, config, t) {
  for (const [user, queue] of schedule.queuedForQuery) {
    while (queue.size && queue.peek().readyAt <= t && hasSlot(config.maxQueriesPerUser, count(schedule.queryingByUser, user))) {
      const task = queue.pop();
      task.timeline.queryStartedAt = t;
      task.timeline.queryEndedAt = t + task.stageMs.querying;
      schedule.querying.push(task);
      add(schedule.queryingByUser, schedule.peakQueryingByUser, user, 1);
    }
  }
  const queue = schedule.queuedForRender;
  while (queue.size && queue.peek().readyAt <= t && hasSlot(config.renderSlots, schedule.rendering.size)) {
    const task = queue.pop();
    task.timeline.renderStartedAt = t;
    task.timeline.finishedAt = t + task.stageMs.rendering;
    schedule.rendering.push(task);
    schedule.peakRendering = Math.max(schedule.peakRendering, schedule.rendering.size);
  }
}

function finish(schedule, task, at) {
  task.timeline.finishedAt = at;
  add(schedule.inFlightByUser, null, task.userId, -1);
}

// Ends the queries and renders that are done by time t.
function endStages(schedule, t) {
  while (schedule.querying.size && schedule.querying.peek().timeline.queryEndedAt <= t) {
    const task = schedule.querying.pop();
    add(schedule.queryingByUser, null, task.userId, -1);
    if (task.failure?.stage === 'querying') {
      finish(schedule, task, task.timeline.queryEndedAt);
    } else {
      task.readyAt = task.timeline.queryEndedAt + task.stageMs.enqueued_for_render;
      schedule.queuedForRender.push(task);
    }
  }
  while (schedule.rendering.size && schedule.rendering.peek().timeline.finishedAt <= t) {
    const task = schedule.rendering.pop();
    finish(schedule, task, task.timeline.finishedAt);
  }
}

// The time of the next event after the schedule's time, or null when nothing will happen by itself.
function nextEvent(schedule) {
  let next = null;
  const consider = (t) => { if (next === null || t < next) next = t; };
  if (schedule.querying.size) consider(schedule.querying.peek().timeline.queryEndedAt);
  if (schedule.rendering.size) consider(schedule.rendering.peek().timeline.finishedAt);
  // A ready head that has no slot waits for a stage to end; one not ready yet is an event.
  for (const queue of [...schedule.queuedForQuery.values(), schedule.queuedForRender]) {
    if (queue.size && queue.peek().readyAt > schedule.time) consider(queue.peek().readyAt);
  }
  return next;
}

/** Plays the schedule's events up to `now` (a clock that went back leaves it where it is). */
export function advanceTo(state, now = Date.now()) {
  const schedule = state.schedule;
  for (;;) {
    startWaiting(schedule, state.config, schedule.time);
    const next = nextEvent(schedule);
    if (next === null || next > now) break;
    schedule.time = next;
    endStages(schedule, next);
  }
  schedule.time = Math.max(schedule.time, now);
}

/**
 * Puts a task created now into its user's query queue. The task has `seq`, `userId`,
 * `createdAt`, `stageMs` ({ stage: ms }), `failure` and an empty `timeline`.
 */
export function admit(state, task) {
  advanceTo(state, task.createdAt);
  const schedule = state.schedule;
  task.readyAt = task.createdAt + task.stageMs.enqueued_for_query;
  if (!schedule.queuedForQuery.has(task.userId)) schedule.queuedForQuery.set(task.userId, new Heap(byReady));
  schedule.queuedForQuery.get(task.userId).push(task);
  add(schedule.inFlightByUser, schedule.peakInFlightByUser, task.userId, 1);
  advanceTo(state, task.createdAt);
}

/** Tasks of this user created and not finished, as of the schedule's time. */
export const inFlight = (state, userId) => count(state.schedule.inFlightByUser, userId);

/** What the schedule counts now, and the peaks since resetPeaks() (call advanceTo first). */
export function scheduleCounts(schedule) {
  const object = (map) => Object.fromEntries(map);
  return {
    inFlight: object(schedule.inFlightByUser),
    peakInFlight: object(schedule.peakInFlightByUser),
    querying: object(schedule.queryingByUser),
    peakQuerying: object(schedule.peakQueryingByUser),
    rendering: schedule.rendering.size,
    peakRendering: schedule.peakRendering,
  };
}

/** The peaks start again from what is in flight now. */
export function resetPeaks(schedule) {
  schedule.peakInFlightByUser = new Map(schedule.inFlightByUser);
  schedule.peakQueryingByUser = new Map(schedule.queryingByUser);
  schedule.peakRendering = schedule.rendering.size;
}
