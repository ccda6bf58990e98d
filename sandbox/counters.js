// What the sandbox counted since it started or its counters were last reset:
// requests (creates seen and answered, 429s and 503s sent) and, from the
// schedule, renders in flight per user now and at most. Tests of a client's
// batching read these instead of timing it.
import { advanceTo, scheduleCounts, resetPeaks } from './schedule.js';

export function createCounters() {
  return { createsSeen: 0, tasksCreated: 0, tooManyRequests: 0, serviceUnavailable: 0 };
}

/** Counts a response by its status, when its head is written (before the client can see it). */
export function countResponse(state, status) {
  if (status === 429) state.counters.tooManyRequests += 1;
  if (status === 503) state.counters.serviceUnavailable += 1;
}

/** The counters as the control API shows them (sandbox/README.md, "Counters"). */
export function publicCounters(state, now = Date.now()) {
  advanceTo(state, now);
  return { ...state.counters, ...scheduleCounts(state.schedule) };
}

/** Zero the request counts; the peaks start again from what is in flight now. */
export function resetCounters(state, now = Date.now()) {
  advanceTo(state, now);
  state.counters = createCounters();
  resetPeaks(state.schedule);
}
