'use strict';
// @looker/sdk + @looker/sdk-rtl from npm, through their CommonJS entries (the
// root ES module entry does not load in Node), with a token session.
//   node sdk.cjs '<json params from bench/run.mjs>'
const common = require('./common.cjs');

const {
  params, report, fail, sleep, sequential, concurrent, loop, pool, idleRss, holdWaits, pollSample, batchRequests, batchResult, jsonResponse, performance,
} = common;
const p = params();

// sdk-rtl 21.6.5 logs "AbortSignal.timeout is not defined" with console.debug
// on every request made without a signal (a misplaced else in
// baseTransport.initRequest); in Node that is a line on stdout per call.
// Silenced, so that the SDK's work is measured and not terminal output.
console.debug = () => {};

// The package's documented Node entry (lib/index.js), or only the modules
// the job needs when p.entry === 'deep'.
const { Looker40SDK } = p.entry === 'deep' ? require('@looker/sdk/lib/4.0/methods') : require('@looker/sdk');
const { AuthSession, BrowserTransport, DefaultSettings } = require('@looker/sdk-rtl');
const loadedMs = performance.now();

/** A session with a fixed API token: what `Authorization: token …` needs. */
class TokenSession extends AuthSession {
  constructor(settings, transport, token) {
    super(settings, transport);
    this.token = token;
  }
  isAuthenticated() { return true; }
  async authenticate(props) {
    props.headers = { ...props.headers, Authorization: `token ${this.token}` };
    return props;
  }
  async getToken() { return { access_token: this.token }; }
}

function makeSdk() {
  const settings = { ...DefaultSettings(), base_url: p.url };
  const transport = new BrowserTransport(settings); // fetch-based: Node 18+ has fetch
  return new Looker40SDK(new TokenSession(settings, transport, p.token));
}

/**
 * The loop of Looker's own TypeScript examples (waitForRender in
 * examples/typescript/utils.ts): ask, and while not finished sleep 500 ms and
 * ask again; then download.
 */
async function waitFor(sdk, id, options) {
  for (;;) {
    const task = await sdk.ok(sdk.render_task(id, undefined, options));
    if (task.status === 'success' || task.status === 'failure') return task;
    await sleep(500);
    if (options && options.signal && options.signal.aborted) throw options.signal.reason;
  }
}

const sections = {
  async percall() {
    const sdk = makeSdk();
    for (let i = 0; i < p.warmup; i++) await sdk.ok(sdk.render_task(p.taskId));
    const seq = await sequential(p.n, () => sdk.ok(sdk.render_task(p.taskId)));
    const par = await concurrent(p.n, p.inFlight, () => sdk.ok(sdk.render_task(p.taskId)));
    return { seq, par };
  },

  async decode() {
    // BrowserTransport calls the global fetch: the same pre-built Response.
    globalThis.fetch = async () => jsonResponse(p.json);
    const sdk = makeSdk();
    for (let i = 0; i < p.warmup; i++) await sdk.ok(sdk.render_task(p.taskId));
    return loop(p.n, () => sdk.ok(sdk.render_task(p.taskId)));
  },

  async cold() {
    const sdk = makeSdk();
    const task = await sdk.ok(sdk.render_task(p.taskId));
    const firstMs = performance.now();
    if (task.id !== p.taskId) throw new Error('wrong task');
    return { loadedMs, firstMs };
  },

  async poll() {
    const sdk = makeSdk();
    const renders = await pool(p.renders, p.inFlight, async () => {
      const created = await sdk.ok(sdk.create_look_render_task(p.look, 'png', 800, 600));
      const task = await waitFor(sdk, created.id);
      const seenAt = Date.now();
      if (task.status !== 'success') throw new Error(`render ${task.status}`);
      const blob = await sdk.ok(sdk.render_task_results(created.id));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      return pollSample(task, bytes, seenAt, Date.now());
    });
    return { renders };
  },

  async batch() {
    // Each render is Looker's example job (create, the 500 ms loop, download);
    // 'all' starts every one at once (Promise.all over the list, as a script
    // would write it; settled one by one here, so that one refused create does
    // not hide how the others ended), 'pool' keeps p.concurrency going.
    const sdk = makeSdk();
    const job = async (request) => {
      try {
        const { dashboard_id, result_format, width, height } = request;
        const created = await sdk.ok(sdk.create_dashboard_render_task({ dashboard_id, result_format, width, height, body: {} }));
        const task = await waitFor(sdk, created.id);
        if (task.status !== 'success') throw new Error(`render ${task.status}`);
        const blob = await sdk.ok(sdk.render_task_results(created.id));
        if (!(await blob.arrayBuffer()).byteLength) throw new Error('no bytes');
        return null;
      } catch (error) {
        return error;
      }
    };
    const requests = batchRequests(p);
    const started = performance.now();
    const errors = p.mode === 'pool'
      ? await pool(requests.length, p.concurrency, (i) => job(requests[i]))
      : await Promise.all(requests.map(job));
    return batchResult(started, errors);
  },

  async memory() {
    const sdk = makeSdk();
    const ids = await pool(p.n, 64, async () => (await sdk.ok(sdk.create_look_render_task(p.look, 'png', 800, 600))).id);
    const idle = await idleRss();
    const controller = new AbortController();
    const pending = ids.map((id) => waitFor(sdk, id, { signal: controller.signal }));
    return { idle, ...(await holdWaits(pending, controller, p.holdMs)) };
  },
};

sections[p.section]().then(report, fail);
