// renderAll and renderMany through the packed package, against the sandbox
// over HTTP: order, the cap on renders in flight (the sandbox counts them),
// failures that stay per item, aborts, checks before any request, the
// client-wide backoff and retry budget, and filters given as objects.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { LookerClient, LookerApiError, RenderTaskFailedError } from 'looker-render';
import { sandbox, apiRequests, sleep } from './helpers.mjs';
import { awkwardFilters, awkwardFiltersDecoded } from '../fixtures/filters.mjs';

let sb;
before(async () => {
  sb = await sandbox();
});
after(() => sb.close());
beforeEach(() => sb.reset());

const client = () => new LookerClient({ baseUrl: sb.url, accessToken: sb.token });
const look = (id = '7') => ({ look_id: id, result_format: 'png', width: 300, height: 200 });
const dashboard = (filters) => ({ dashboard_id: '42', result_format: 'pdf', width: 800, height: 600, body: { dashboard_filters: filters } });

test('renderAll resolves in input order, one outcome per request, never more in flight than asked', async () => {
  sb.configure({ stageMs: { rendering: 150 } });
  const requests = [look('1'), look('2'), look('7'), { query_id: '1234', result_format: 'jpg', width: 100, height: 100 }, look('1')];
  const progress = [];
  const results = await client().renderAll(requests, { onProgress: (index, task) => progress.push([index, task.status]) });
  assert.equal(results.length, requests.length);
  results.forEach((result, index) => {
    assert.equal(result.ok, true, `${index}: ${result.error}`);
    assert.equal(result.task.status, 'success');
    assert.equal(result.task.look_id ?? null, requests[index].look_id ?? null);
    assert.equal(result.contentType, index === 3 ? 'image/jpeg' : 'image/png');
    assert.ok(result.bytes instanceof Uint8Array && result.bytes.byteLength > 0);
    assert.equal('index' in result, false);
  });
  assert.equal(sb.counters().peakInFlight['1'], 2, 'the default concurrency is 2');
  // Every render reported its success, with its own index.
  assert.deepEqual(progress.filter(([, status]) => status === 'success').map(([index]) => index).sort(), [0, 1, 2, 3, 4]);
  sb.resetCounters();
  await client().renderAll(requests, { concurrency: 4 });
  assert.equal(sb.counters().peakInFlight['1'], 4);
  sb.resetCounters();
  await client().renderAll(requests, { concurrency: 1 });
  assert.equal(sb.counters().peakInFlight['1'], 1);
});

test('one failing render is its own outcome; the others succeed', async () => {
  const results = await client().renderAll([look('7'), look('fail'), look('404404'), look('1')]);
  assert.deepEqual(results.map((r) => r.ok), [true, false, false, true]);
  assert.ok(results[1].error instanceof RenderTaskFailedError);
  assert.ok(results[2].error instanceof LookerApiError && results[2].error.status === 404);
  assert.match(results[2].error.message, /look 404404/);
});

test('renderMany yields each outcome with its index as it finishes', async () => {
  sb.configure({ targetStageMs: { 'looks/slow': { enqueued_for_query: 0, querying: 0, enqueued_for_render: 0, rendering: 1500 } }, stageMs: { rendering: 50 } });
  const order = [];
  for await (const result of client().renderMany([look('slow'), look('7'), look('1')])) {
    assert.equal(result.ok, true);
    order.push(result.index);
  }
  assert.equal(order.length, 3);
  assert.equal(order.at(-1), 0, 'the slow one finishes last');
});

test('leaving renderMany\'s loop early cancels the renders still going', async () => {
  sb.configure({ stageMs: { rendering: 300 } });
  const requests = Array.from({ length: 6 }, () => look('7'));
  for await (const result of client().renderMany(requests)) {
    assert.equal(result.ok, true);
    break;
  }
  await sleep(50); // a request already on its way when the loop was left
  const seen = apiRequests(sb).length;
  await sleep(800);
  assert.equal(apiRequests(sb).length, seen, 'no request after the loop was left');
  assert.ok(sb.counters().createsSeen <= 3, 'the rest were never started');
});

test('an abort stops the whole batch at once: the promise rejects, no request follows', async () => {
  sb.configure({ stageMs: { rendering: 400 } });
  const controller = new AbortController();
  const requests = Array.from({ length: 8 }, () => look('7'));
  const batch = client().renderAll(requests, { signal: controller.signal });
  await sleep(250);
  controller.abort(new Error('enough'));
  await assert.rejects(batch, /enough/);
  await sleep(50); // a request already on its way at the abort
  const seen = apiRequests(sb).length;
  await sleep(600);
  assert.equal(apiRequests(sb).length, seen);
  // An already aborted signal sends nothing.
  sb.clearRequests();
  await assert.rejects(client().renderAll(requests, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.equal(apiRequests(sb).length, 0);
});

test('every request is checked before any is sent; a mistake names its index', async () => {
  const looker = client();
  await assert.rejects(looker.renderAll([look(), { look_id: '7', result_format: 'pdf', width: 10, height: 10 }]),
    (error) => error instanceof RangeError && /^requests\[1\]\.result_format/.test(error.message));
  await assert.rejects(looker.renderAll([look(), look(), { ...look(), lookId: '7' }]),
    (error) => error instanceof TypeError && /requests\[2\]\.lookId.*did you mean look_id/.test(error.message));
  await assert.rejects(looker.renderAll([look(), dashboard({ Region: true })]),
    (error) => error instanceof TypeError && /requests\[1\]\.body\.dashboard_filters.*"Region"/.test(error.message));
  await assert.rejects(looker.renderAll('look 7'), TypeError);
  for (const concurrency of [0, 65, 1.5, NaN]) {
    await assert.rejects(looker.renderAll([look()], { concurrency }), RangeError);
  }
  await assert.rejects(looker.renderAll([look()], { concurency: 3 }), /did you mean concurrency\?/);
  assert.throws(() => looker.renderMany([null]), /requests\[0\]/);
  assert.equal(apiRequests(sb).length, 0);
  assert.deepEqual(await looker.renderAll([]), []);
});

test('a 429 pauses the whole client for its Retry-After, not just the request that got it', async () => {
  sb.configure({ stageMs: { rendering: 100 } });
  sb.addFault({ method: 'POST', path: '^/render_tasks/', fault: '429-seconds', retryAfter: 1 });
  const started = Date.now();
  const results = await client().renderAll([look('1'), look('2')]);
  assert.ok(results.every((r) => r.ok));
  const creates = apiRequests(sb).filter((r) => r.method === 'POST');
  assert.equal(creates.length, 3, 'one 429, then each create once');
  // The 429 came first; after the requests already on their way, nothing was sent
  // until its second was over (the other render's first poll was due at 400 ms).
  const first = creates[0].time;
  const during = apiRequests(sb).filter((r) => r.time > first + 200 && r.time < first + 950);
  assert.deepEqual(during, [], 'requests during the pause');
  assert.ok(Date.now() - started >= 1000);
});

test('through a 3 s outage, the batch finishes with few extra requests', async () => {
  sb.configure({ stageMs: { rendering: 300 } });
  const looker = client();
  const requests = Array.from({ length: 6 }, (_, n) => look(String((n % 2) + 1)));
  // The same batch on a sound sandbox: the requests it takes.
  await looker.renderAll(requests);
  const sound = apiRequests(sb).length;
  sb.clearRequests();
  sb.addFault({ fault: 'outage', seconds: 3 });
  const results = await looker.renderAll(requests);
  assert.ok(results.every((r) => r.ok), results.filter((r) => !r.ok).map((r) => r.error.message).join('; '));
  const failed = sb.requests().filter((r) => r.status === 503).length;
  assert.ok(failed <= 8, `${failed} requests answered 503 during the outage`);
  assert.ok(apiRequests(sb).length <= sound + 10, `${apiRequests(sb).length} requests, against ${sound} without the outage`);
});

test('filters given as an object arrive intact, as the sandbox decodes them', async () => {
  const [result] = await client().renderAll([dashboard(awkwardFilters)]);
  assert.equal(result.ok, true);
  assert.deepEqual(sb.task(result.task.id).filters, awkwardFiltersDecoded);
  // A string is sent as it is.
  const task = await client().createDashboardRenderTask({ ...dashboard('Region=EMEA&Order%20Date=7%20days'), body: { dashboard_filters: 'Region=EMEA&Order%20Date=7%20days' } });
  assert.equal(sb.task(task.id).dashboardFilters, 'Region=EMEA&Order%20Date=7%20days');
});
