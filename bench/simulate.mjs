// A pure simulation of poll schedules against a distribution of render
// durations: no network, no clocks. Used to compare schedules cheaply; the
// measured section 5 checks it against the real thing for the current one.
//
// Model (times in ms from the moment the server creates the task):
// - every request costs `rttMs`; the server sees it halfway through;
// - render(): the create answer arrives at rtt/2; then sleep delay(k), poll,
//   for k = 0, 1, … until a poll sees the task finished; then one more
//   request downloads the result; delay(k) = min(first × factor^k, cap),
//   ±jitter uniformly (as src/poll.rs);
// - Looker's example loop: poll at once after creating, then sleep a fixed
//   period after each unfinished answer.
// The delay is (result downloaded) − (task finished), as in section 5.

import { prng } from '../sandbox/prng.js';
import { mean, percentile } from './stats.cjs';

/** The schedules compared. `immediate`: the first poll right after creation. */
export const SCHEDULES = [
  { name: 'current: 400 ms, ×1.5, cap 1 s, ±10%', first: 400, factor: 1.5, cap: 1000, jitter: 0.1 },
  { name: "Looker's examples: at once, then every 500 ms", immediate: true, first: 500, factor: 1, cap: 500, jitter: 0 },
  { name: 'the first choice: 250 ms, ×1.5, cap 1 s, ±10%', first: 250, factor: 1.5, cap: 1000, jitter: 0.1 },
  { name: '250 ms, ×1.5, cap 750 ms, ±10%', first: 250, factor: 1.5, cap: 750, jitter: 0.1 },
  { name: '250 ms, ×1.5, cap 1.5 s, ±10%', first: 250, factor: 1.5, cap: 1500, jitter: 0.1 },
  { name: '250 ms, ×1.5, cap 2 s, ±10%', first: 250, factor: 1.5, cap: 2000, jitter: 0.1 },
  { name: '250 ms, ×2, cap 1 s, ±10%', first: 250, factor: 2, cap: 1000, jitter: 0.1 },
  { name: '250 ms, ×1.25, cap 1 s, ±10%', first: 250, factor: 1.25, cap: 1000, jitter: 0.1 },
  { name: '500 ms, ×1.5, cap 1 s, ±10%', first: 500, factor: 1.5, cap: 1000, jitter: 0.1 },
  { name: 'every 1 s, ±10%', first: 1000, factor: 1, cap: 1000, jitter: 0.1 },
  { name: '1 s, ×1.25, cap 1.5 s, ±10%', first: 1000, factor: 1.25, cap: 1500, jitter: 0.1 },
  { name: 'every 1.2 s, ±10%', first: 1200, factor: 1, cap: 1200, jitter: 0.1 },
  { name: 'every 1 s, at once first', immediate: true, first: 1000, factor: 1, cap: 1000, jitter: 0 },
];

function delayMs(s, k, random) {
  const base = Math.min(s.first * s.factor ** Math.min(k, 64), s.cap);
  return Math.max(0, base + base * s.jitter * (2 * random() - 1));
}

/** One render of duration `d`: { delayMs, requests }. */
export function simulateOne(s, d, rttMs, random) {
  let t = rttMs / 2; // the create answer is in
  let polls = 0;
  for (;;) {
    if (!(s.immediate && polls === 0)) t += delayMs(s, s.immediate ? 0 : polls, random);
    polls += 1;
    const seen = t + rttMs / 2;
    t += rttMs;
    if (seen >= d) break;
  }
  t += rttMs; // download the result
  return { delayMs: t - d, requests: 1 + polls + 1 };
}

/** Mean and p95 delay and mean requests over `n` renders of uniform [min, max] durations. */
export function simulate(s, { minMs, maxMs, n = 100_000, rttMs = 1, seed = 7 }) {
  const random = prng(seed);
  const delays = new Float64Array(n);
  let requests = 0;
  for (let i = 0; i < n; i++) {
    const d = minMs + random() * (maxMs - minMs); // as the sandbox draws them
    const one = simulateOne(s, d, rttMs, random);
    delays[i] = one.delayMs;
    requests += one.requests;
  }
  return { meanMs: mean(delays), p95Ms: percentile(delays, 0.95), requests: requests / n };
}

// Standalone: `node bench/simulate.mjs [minMs maxMs [rttMs]]` prints the table
// for another duration distribution (uniform), e.g. short renders: 300 1500.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [minMs = 500, maxMs = 6000, rttMs = 1] = process.argv.slice(2).map(Number);
  const rows = SCHEDULES.map((s) => ({ s, r: simulate(s, { minMs, maxMs, rttMs }) }));
  const loop = rows[1].r;
  console.log(`Simulated: uniform ${minMs}–${maxMs} ms renders, ${rttMs} ms per request\n`);
  console.log('| schedule (simulated) | mean delay, ms | p95, ms | requests/render | ÷ the 500 ms loop |\n|---|--:|--:|--:|--:|');
  for (const { s, r } of rows) {
    console.log(`| ${s.name} | ${r.meanMs.toFixed(0)} | ${r.p95Ms.toFixed(0)} | ${r.requests.toFixed(2)} | ${(r.requests / loop.requests).toFixed(2)}× |`);
  }
}
