// The floor: what a bare `fetch` + `JSON.parse` costs, with no client around
// it. Each section does the same job as in ours.mjs and sdk.cjs.
//   node floor.mjs '<json params from bench/run.mjs>'
import common from './common.cjs';

const { params, report, fail, sleep, sequential, concurrent, alternating, loop, pool, idleRss, holdWaits, jsonResponse, performance } = common;
const p = params();
const api = `${p.url}/api/4.0`;
const headers = { authorization: `token ${p.token}` };

/** GET one render task: the floor every client is measured against. */
async function renderTask(id, doFetch = fetch, signal) {
  const res = await doFetch(`${api}/render_tasks/${encodeURIComponent(id)}`, { headers, signal });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return JSON.parse(await res.text());
}

/**
 * The floor with what any client that has request timeouts and abort pays:
 * an AbortSignal given to fetch, and a timer per request.
 */
async function renderTaskWithDeadline(id) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 120_000);
  try {
    return await renderTask(id, fetch, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The floor with an `AbortSignal` and no timer: what fetch's own work for a
 * signal costs, apart from the timer that makes it a deadline.
 */
function renderTaskWithSignal(id) {
  return renderTask(id, fetch, new AbortController().signal);
}

const sections = {
  async percall() {
    for (let i = 0; i < p.warmup; i++) await renderTask(p.taskId);
    const seq = await sequential(p.n, () => renderTask(p.taskId));
    const par = await concurrent(p.n, p.inFlight, () => renderTask(p.taskId));
    // What a deadline costs: after the passes above (so every variant is as
    // warm), alternating blocks without one, with a signal alone, and with both.
    const warm = await alternating(p.n, p.inFlight, {
      bare: () => renderTask(p.taskId), signal: () => renderTaskWithSignal(p.taskId), deadline: () => renderTaskWithDeadline(p.taskId),
    });
    return { seq, par, warm };
  },

  async decode() {
    // The same Response path as the clients' injected fetch, then JSON.parse.
    const stub = async () => jsonResponse(p.json);
    for (let i = 0; i < p.warmup; i++) await renderTask(p.taskId, stub);
    const timed = await loop(p.n, () => renderTask(p.taskId, stub));
    // And JSON.parse alone, without the Response around it.
    let sink = 0;
    const t0 = performance.now();
    for (let i = 0; i < p.n; i++) sink += JSON.parse(p.json).width;
    const parseOnlyUs = ((performance.now() - t0) * 1000) / p.n;
    return { ...timed, parseOnlyUs, sink: sink > 0 };
  },

  async cold() {
    const task = await renderTask(p.taskId);
    const firstMs = performance.now();
    if (task.id !== p.taskId) throw new Error('wrong task');
    return { loadedMs: 0, firstMs };
  },

  async memory() {
    const created = await pool(p.n, 64, async () => {
      const res = await fetch(`${api}/render_tasks/looks/${p.look}/png?width=800&height=600`, { method: 'POST', headers });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return JSON.parse(await res.text()).id;
    });
    const idle = await idleRss();
    const controller = new AbortController();
    // Looker's example loop, on bare fetch: poll, and every 500 ms again.
    const wait = async (id) => {
      for (;;) {
        const task = await renderTask(id, fetch, controller.signal);
        if (task.status === 'success' || task.status === 'failure') return task;
        await sleep(500);
        if (controller.signal.aborted) throw controller.signal.reason;
      }
    };
    const pending = created.map((id) => wait(id));
    return { idle, ...(await holdWaits(pending, controller, p.holdMs)) };
  },
};

sections[p.section]().then(report, fail);
