'use strict';
// Shared by every contender process: argument parsing, timing helpers and the
// one line of JSON each run prints for bench/run.mjs. CommonJS so that the
// CommonJS contender (@looker/sdk) and the ES module ones load it alike.

const { performance } = require('node:perf_hooks');
const { median } = require('../stats.cjs');

/** The run's parameters: one JSON argument from bench/run.mjs. */
function params() {
  return JSON.parse(process.argv[2] || '{}');
}

/** Prints the run's result where run.mjs looks for it, and exits. */
function report(result) {
  process.stdout.write(`BENCH-RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

function fail(error) {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * Runs `call` `n` times, one after another: per-call latencies (ms), wall
 * time and the process's CPU time per call (µs).
 */
async function sequential(n, call) {
  const latencies = new Float64Array(n);
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await call(i);
    latencies[i] = performance.now() - start;
  }
  const wallMs = performance.now() - t0;
  return summary(latencies, wallMs, cpuMicros() - cpu0, n);
}

/** Runs `call` `n` times with `inFlight` calls pending at any moment. */
async function concurrent(n, inFlight, call) {
  const latencies = new Float64Array(n);
  let next = 0;
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const start = performance.now();
      await call(i);
      latencies[i] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker));
  const wallMs = performance.now() - t0;
  return summary(latencies, wallMs, cpuMicros() - cpu0, n);
}

/**
 * Runs each of `calls` (named variants of one call) in four blocks that
 * alternate between them, sequentially and then `inFlight` at a time, n
 * calls per variant in all: each variant's mean over its blocks of the
 * median latency and the CPU per call, { name: { seq, par } }.
 */
async function alternating(n, inFlight, calls) {
  const block = Math.ceil(n / 4);
  const runs = Object.fromEntries(Object.keys(calls).map((name) => [name, { seq: [], par: [] }]));
  for (let i = 0; i < 4; i++) {
    for (const [name, call] of Object.entries(calls)) runs[name].seq.push(await sequential(block, call));
    for (const [name, call] of Object.entries(calls)) runs[name].par.push(await concurrent(block, inFlight, call));
  }
  const mean = (list, key) => list.reduce((sum, x) => sum + x[key], 0) / list.length;
  const warm = (list) => ({ medianMs: mean(list, 'medianMs'), cpuUsPerCall: mean(list, 'cpuUsPerCall') });
  return Object.fromEntries(Object.entries(runs).map(([name, { seq, par }]) => [name, { seq: warm(seq), par: warm(par) }]));
}

/**
 * Runs `call` `n` times, one after another, with no per-call clock: wall
 * time and the process's CPU time (user + system, all threads) per call, µs.
 */
async function loop(n, call) {
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await call(i);
  return { usPerCall: ((performance.now() - t0) * 1000) / n, cpuUsPerCall: (cpuMicros() - cpu0) / n };
}

function summary(latencies, wallMs, cpuUs, n) {
  return {
    medianMs: median(latencies),
    throughput: (n * 1000) / wallMs,
    cpuUsPerCall: cpuUs / n,
  };
}

/** Runs `job(i)` for i in [0, n) with at most `inFlight` at once; results in order. */
async function pool(n, inFlight, job) {
  const results = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      results[i] = await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker));
  return results;
}

/**
 * Peak RSS while `pending` is running: samples every `everyMs` for `holdMs`.
 */
async function peakRss(holdMs, everyMs = 10) {
  let peak = process.memoryUsage.rss();
  const end = performance.now() + holdMs;
  while (performance.now() < end) {
    await sleep(everyMs);
    peak = Math.max(peak, process.memoryUsage.rss());
  }
  return peak;
}

/** RSS of the process at rest: after a full GC when --expose-gc is on. */
async function idleRss() {
  for (let i = 0; i < 3; i++) {
    if (global.gc) global.gc();
    await sleep(20);
  }
  return process.memoryUsage.rss();
}

/**
 * Holds `pending` waits for `holdMs` and measures the peak RSS meanwhile and
 * the RSS after a GC with the waits still pending; then aborts them through
 * `controller` and counts those that finished before the abort.
 */
async function holdWaits(pending, controller, holdMs) {
  const outcomes = pending.map((wait) => wait.then(() => 'finished', () => 'aborted'));
  const peak = await peakRss(holdMs);
  const settled = await idleRss(); // still pending, after GC: what the waits keep
  controller.abort();
  const finishedEarly = (await Promise.all(outcomes)).filter((o) => o === 'finished').length;
  return { peak, settled, finishedEarly };
}

/** One render of the polling section: how long after the task's end it was seen and in hand. */
function pollSample(task, bytes, seenAt, resolvedAt) {
  if (!bytes.length) throw new Error('no bytes');
  const end = finishedAt(task);
  return { id: task.id, delayMs: resolvedAt - end, detectMs: seenAt - end, runtimeMs: task.runtime * 1000 };
}

/** Milliseconds between a task's end (as the server recorded it) and `now`. */
function finishedAt(task) {
  if (task.finalized_at) return Date.parse(task.finalized_at);
  return Date.parse(task.created_at) + task.runtime * 1000;
}

/** The batch section's renders: `p.renders` times the same dashboard PDF (one target). */
function batchRequests(p) {
  return Array.from({ length: p.renders }, () => ({ dashboard_id: p.dashboard, result_format: 'pdf', width: 1920, height: 1080 }));
}

/** A batch's report: wall time, how many renders ended well, and the first few errors (null for a render that succeeded). */
function batchResult(started, errors) {
  const failed = errors.filter((e) => e);
  return {
    wallMs: performance.now() - started,
    ok: errors.length - failed.length,
    failed: failed.length,
    errors: [...new Set(failed.map((e) => `${e.name}: ${e.message}`))].slice(0, 5),
  };
}

/** The pre-built answer the decode section hands to every client. */
function jsonResponse(body) {
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}

module.exports = {
  params, report, fail, sleep, sequential, concurrent, alternating, loop, pool, peakRss, idleRss, holdWaits, pollSample, finishedAt, batchRequests, batchResult,
  jsonResponse, performance,
};
