// The render issue: create, wait, download, over HTTP against the sandbox.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import {
  LookerClient, LookerApiError, RenderTaskFailedError, RenderTimeoutError, RenderNotReadyError, LookerTimeoutError,
} from 'looker-render';
import { sandbox, apiRequests, sleep, runScript } from './helpers.mjs';

let sb;
let client;
before(async () => {
  sb = await sandbox();
  client = new LookerClient({ baseUrl: sb.url, accessToken: sb.token });
});
after(() => sb.close());
beforeEach(() => {
  sb.reset();
});

test('create calls: paths, query parameters and bodies as the spec', async () => {
  const look = await client.createLookRenderTask('7', 'png', 800, 600);
  assert.equal(look.look_id, '7');
  assert.equal(look.status, 'enqueued_for_query');
  await client.createQueryRenderTask('1234', 'jpg', 640, 480, { fields: ['id', 'status'] });
  await client.createDashboardElementRenderTask('101', 'png', 300, 200);
  const dashboard = await client.createDashboardRenderTask({
    dashboard_id: '42', result_format: 'pdf', width: 1920, height: 1080,
    body: { dashboard_filters: 'Region=EMEA&Date=7 days', dashboard_style: 'single_column', tab_ids: ['t1'] },
    pdf_paper_size: 'a4', pdf_landscape: true, long_tables: false,
  });
  assert.equal(dashboard.dashboard_filters, 'Region=EMEA&Date=7 days');
  await client.createDashboardRenderTask({ dashboard_id: '42', result_format: 'png', width: 800, height: 600 });
  const seen = apiRequests(sb).map((r) => [r.method, r.path, r.query, r.body, r.headers['content-type'] ?? null]);
  assert.deepEqual(seen, [
    ['POST', '/api/4.0/render_tasks/looks/7/png', 'width=800&height=600', '', null],
    ['POST', '/api/4.0/render_tasks/queries/1234/jpg', 'width=640&height=480&fields=id,status', '', null],
    ['POST', '/api/4.0/render_tasks/dashboard_elements/101/png', 'width=300&height=200', '', null],
    ['POST', '/api/4.0/render_tasks/dashboards/42/pdf', 'width=1920&height=1080&pdf_paper_size=a4&pdf_landscape=true&long_tables=false',
      '{"dashboard_filters":"Region=EMEA&Date=7 days","dashboard_style":"single_column","tab_ids":["t1"]}', 'application/json'],
    ['POST', '/api/4.0/render_tasks/dashboards/42/png', 'width=800&height=600', '{}', 'application/json'],
  ]);
});

test('invalid arguments are TypeError/RangeError naming the argument, and send nothing', async () => {
  const cases = [
    [() => client.createLookRenderTask('7', 'pdf', 800, 600), RangeError, /resultFormat.*look/],
    [() => client.createQueryRenderTask('1', 'gif', 800, 600), RangeError, /resultFormat/],
    [() => client.createDashboardElementRenderTask('101', 'pdf', 800, 600), RangeError, /dashboard element/],
    [() => client.createLookRenderTask('', 'png', 800, 600), TypeError, /look_id/],
    [() => client.createLookRenderTask('7', 'png', 0, 600), RangeError, /width/],
    [() => client.createLookRenderTask('7', 'png', 800, 1.5), RangeError, /height/],
    [() => client.createLookRenderTask('7', 'png', 800, 100000), RangeError, /height/],
    [() => client.createLookRenderTask('7', 'png', '800', 600), TypeError, /width/],
    [() => client.createDashboardRenderTask({ result_format: 'pdf', width: 1, height: 1 }), TypeError, /dashboard_id/],
    [() => client.createDashboardRenderTask({ dashboard_id: '42', result_format: 'pdf', width: 1, height: 1, pdf_paper_size: 'a9' }), RangeError, /pdf_paper_size/],
    [() => client.createDashboardRenderTask({ dashboard_id: '42', result_format: 'pdf', width: 1, height: 1, body: { dashboard_style: 'grid' } }), RangeError, /dashboard_style/],
    [() => client.render({ result_format: 'png', width: 1, height: 1 }), TypeError, /one of look_id/],
    [() => client.render({ look_id: '7', query_id: '1', result_format: 'png', width: 1, height: 1 }), TypeError, /exactly one id/],
    [() => client.render({ look_id: '7', result_format: 'png', width: 1, height: 1, pdf_landscape: true }), TypeError, /dashboards only/],
    [() => client.waitForRenderTask(''), TypeError, /renderTaskId/],
    [() => client.waitForRenderTask('x', { timeoutMs: 0 }), RangeError, /timeoutMs/],
    [() => client.renderTaskResults(5), TypeError, /renderTaskId/],
  ];
  for (const [call, type, message] of cases) {
    await assert.rejects(call(), (e) => e instanceof type && message.test(e.message), String(call));
  }
  assert.equal(apiRequests(sb).length, 0);
});

test('a 422 from Looker is a LookerApiError with its errors', async () => {
  const error = await client.createLookRenderTask('7', 'png', 5, 600).catch((e) => e);
  assert.ok(error instanceof LookerApiError, String(error));
  assert.equal(error.status, 422);
  assert.equal(error.errors[0].field, 'width');
});

test('render() a look to PNG: bytes as served, decoding to the requested size', async () => {
  const progress = [];
  const result = await client.render({ look_id: '7', result_format: 'png', width: 640, height: 480 }, { onProgress: (t) => progress.push(t.status) });
  assert.equal(result.task.status, 'success');
  assert.equal(result.contentType, 'image/png');
  assert.ok(result.bytes instanceof Uint8Array);
  assert.deepEqual(Buffer.from(result.bytes), sb.resultBytes(result.task.id));
  const png = PNG.sync.read(Buffer.from(result.bytes));
  assert.deepEqual([png.width, png.height], [640, 480]);
  assert.equal(progress[0], 'enqueued_for_query');
  assert.equal(progress.at(-1), 'success');
  assert.equal(new Set(progress).size, progress.length, 'once per status change');
  const order = ['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering', 'success'];
  assert.deepEqual(progress, order.filter((s) => progress.includes(s)), 'in order');
});

test('render() each format byte for byte', async () => {
  for (const [request, type, magic] of [
    [{ query_id: '1234', result_format: 'jpg', width: 320, height: 240 }, 'image/jpeg', [0xff, 0xd8, 0xff]],
    [{ dashboard_element_id: '101', result_format: 'png', width: 300, height: 200 }, 'image/png', [0x89, 0x50, 0x4e, 0x47]],
    [{ dashboard_id: '42', result_format: 'pdf', width: 1920, height: 1080, pdf_paper_size: 'a4', body: { dashboard_filters: 'a=1' } }, 'application/pdf', [0x25, 0x50, 0x44, 0x46]],
  ]) {
    const result = await client.render(request);
    assert.equal(result.contentType, type);
    assert.deepEqual([...result.bytes.subarray(0, magic.length)], magic);
    assert.deepEqual(Buffer.from(result.bytes), sb.resultBytes(result.task.id), type);
  }
});

test('renderTaskResults: 202 before done is RenderNotReadyError with retryAfterMs', async () => {
  sb.configure({ stageMs: { enqueued_for_query: 5000 }, resultsRetryAfterSeconds: 3 });
  const task = await client.createLookRenderTask('7', 'png', 100, 100);
  const error = await client.renderTaskResults(task.id).catch((e) => e);
  assert.ok(error instanceof RenderNotReadyError, String(error));
  assert.equal(error.retryAfterMs, 3000);
  await assert.rejects(client.renderTaskResults('no-such-task'), { name: 'LookerApiError', status: 404 });
});

test('render() waits as Retry-After says when results answer 202 after success', async () => {
  sb.configure({ resultsRetryAfterSeconds: 1 });
  sb.addFault({ method: 'GET', path: '/results$', fault: 'status', status: 202, body: '', headers: { 'retry-after': '1' } });
  const started = Date.now();
  const result = await client.render({ look_id: '7', result_format: 'png', width: 50, height: 50 });
  assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
  assert.equal(apiRequests(sb).filter((r) => r.path.endsWith('/results')).length, 2);
  assert.equal(result.contentType, 'image/png');
});

test('a failed render rejects with RenderTaskFailedError quoting status_detail', async () => {
  const error = await client.render({ look_id: 'fail', result_format: 'png', width: 100, height: 100 }).catch((e) => e);
  assert.ok(error instanceof RenderTaskFailedError, String(error));
  assert.equal(error.task.status, 'failure');
  assert.match(error.message, /column "orders.total" does not exist/);
  assert.equal(apiRequests(sb).filter((r) => r.path.endsWith('/results')).length, 0);
});

test('waitForRenderTask resolves with the final task; timeoutMs gives RenderTimeoutError with the last task', async () => {
  const task = await client.createDashboardRenderTask({ dashboard_id: '42', result_format: 'pdf', width: 800, height: 600 });
  const done = await client.waitForRenderTask(task.id);
  assert.equal(done.status, 'success');
  assert.equal(typeof done.runtime, 'number');
  const slow = await client.createLookRenderTask('slow', 'png', 100, 100);
  const started = Date.now();
  const error = await client.waitForRenderTask(slow.id, { timeoutMs: 700 }).catch((e) => e);
  assert.ok(error instanceof RenderTimeoutError && error instanceof LookerTimeoutError, String(error));
  assert.equal(error.task.id, slow.id);
  assert.equal(error.timeoutMs, 700);
  assert.ok(Date.now() - started < 2000, `gave up in ${Date.now() - started} ms`);
});

test('abort mid-wait rejects at once with the reason, and no request follows', async () => {
  const slow = await client.createLookRenderTask('slow', 'png', 100, 100);
  const controller = new AbortController();
  const waiting = client.waitForRenderTask(slow.id, { signal: controller.signal });
  await sleep(600);
  controller.abort(new Error('stop'));
  const abortedAt = Date.now();
  await assert.rejects(waiting, { message: 'stop' });
  assert.ok(Date.now() - abortedAt < 100);
  await sleep(1500);
  // 50 ms of slack for a poll sent just before the abort that reached the
  // sandbox just after it; the next poll would come 360 ms or more later.
  const after = apiRequests(sb).filter((r) => r.time > abortedAt + 50);
  assert.deepEqual(after, [], 'no poll after the abort');
});

test('polling honours Retry-After on 429', async () => {
  const task = await client.createLookRenderTask('7', 'png', 100, 100);
  sb.clearRequests();
  sb.addFault({ method: 'GET', path: '^/render_tasks/[^/]+$', fault: '429-seconds', retryAfter: 1 });
  const started = Date.now();
  await client.waitForRenderTask(task.id);
  const polls = apiRequests(sb).filter((r) => r.method === 'GET');
  assert.equal(polls[0].status, 429);
  assert.ok(polls[1].time - polls[0].time >= 950, 'waited a second before asking again');
  assert.ok(Date.now() - started >= 950);
});

test('a Node script exits right away after an abort: nothing left pending', async () => {
  const script = `
    import { LookerClient } from 'looker-render';
    const client = new LookerClient({ baseUrl: ${JSON.stringify(sb.url)}, accessToken: ${JSON.stringify(sb.token)} });
    const controller = new AbortController();
    const job = client.render({ look_id: 'slow', result_format: 'png', width: 10, height: 10 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await job.catch((e) => console.log(e.name));
  `;
  const { code, stdout, ms } = await runScript(script);
  assert.equal(code, 0);
  assert.equal(stdout, 'AbortError');
  assert.ok(ms < 3000, `exited after ${ms} ms`);
});
