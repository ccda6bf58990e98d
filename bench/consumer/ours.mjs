// looker-render, from the packed package installed into this folder.
//   node ours.mjs '<json params from bench/run.mjs>'
import common from './common.cjs';

const {
  params, report, fail, sequential, concurrent, alternating, loop, pool, idleRss, holdWaits, pollSample, batchRequests, batchResult, jsonResponse, performance,
} = common;
const p = params();

// Loaded here, not by a static import, so that the cold-start section can
// time the load on its own; the other sections pay it before measuring.
const { LookerClient } = await import('looker-render');
const loadedMs = performance.now();

const client = (options = {}) => new LookerClient({ baseUrl: p.url, accessToken: p.token, ...options });

const sections = {
  async percall() {
    const looker = client();
    for (let i = 0; i < p.warmup; i++) await looker.renderTask(p.taskId);
    const seq = await sequential(p.n, () => looker.renderTask(p.taskId));
    const par = await concurrent(p.n, p.inFlight, () => looker.renderTask(p.taskId));
    // The same with no deadline per request (timeoutMs: Infinity: fetch gets
    // no signal), in blocks alternating with the default, as the floor's.
    const unbounded = client({ timeoutMs: Infinity });
    for (let i = 0; i < p.warmup; i++) await unbounded.renderTask(p.taskId);
    const warm = await alternating(p.n, p.inFlight, {
      bare: () => unbounded.renderTask(p.taskId), deadline: () => looker.renderTask(p.taskId),
    });
    return { seq, par, warm };
  },

  async decode() {
    // No public decode-only function: an injected fetch hands back a
    // pre-built Response, so only the client's own work is timed.
    const looker = client({ fetch: async () => jsonResponse(p.json) });
    for (let i = 0; i < p.warmup; i++) await looker.renderTask(p.taskId);
    return loop(p.n, () => looker.renderTask(p.taskId));
  },

  async cold() {
    const task = await client().renderTask(p.taskId);
    const firstMs = performance.now();
    if (task.id !== p.taskId) throw new Error('wrong task');
    return { loadedMs, firstMs };
  },

  async poll() {
    const looker = client();
    const renders = await pool(p.renders, p.inFlight, async () => {
      let seenAt;
      const { task, bytes } = await looker.render(
        { look_id: p.look, result_format: 'png', width: 800, height: 600 },
        // Called once per status change: 'success' is the poll that saw the end.
        { timeoutMs: 120_000, onProgress: (t) => { if (t.status === 'success') seenAt = Date.now(); } },
      );
      return pollSample(task, bytes, seenAt, Date.now());
    });
    return { renders };
  },

  async batch() {
    // One renderAll at its default concurrency: the batch as the README shows it.
    const looker = client();
    const started = performance.now();
    const outcomes = await looker.renderAll(batchRequests(p));
    return batchResult(started, outcomes.map((o) => (o.ok ? null : o.error)));
  },

  async memory() {
    const looker = client();
    const ids = await pool(p.n, 64, async () => (await looker.createLookRenderTask(p.look, 'png', 800, 600)).id);
    const idle = await idleRss();
    const controller = new AbortController();
    const pending = ids.map((id) => looker.waitForRenderTask(id, { signal: controller.signal, timeoutMs: 600_000 }));
    return { idle, ...(await holdWaits(pending, controller, p.holdMs)) };
  },
};

sections[p.section]().then(report, fail);
