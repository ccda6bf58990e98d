// renderAll and renderMany from the packed package's web entry, in a page in
// headless Chromium, against the sandbox over HTTP on 127.0.0.1: the Node
// tests of tests/package/batch.test.mjs, where browser users run them. Order,
// the cap on renders in flight (the sandbox counts them), one failure among
// good ones, an abort mid-batch, checks before any request, filters as an object.
//
//   node --test tests/fit/batch.test.mjs      (after npm run build)
//
// Needs Debian's Chromium at /usr/bin/chromium (or CHROMIUM_PATH).

import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeConsumer } from './build-apps.mjs';
import { root, CHROMIUM, launchChromium, recordFetches, apiFetches } from '../browser/helpers.mjs';
import { awkwardFilters, awkwardFiltersDecoded } from '../fixtures/filters.mjs';

const skip = !existsSync(join(root, 'pkg/web/index.js'))
  ? 'pkg/ is not built (npm run build)'
  : !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or run npm run setup)` : false;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('renderAll and renderMany from the packed web entry, in headless Chromium', { skip }, () => {
  let sandbox;
  let browser;
  let context;
  let page;
  const problems = [];

  before(async () => {
    const consumer = makeConsumer('batch'); // npm pack ./pkg, installed as a user would have it
    const { startSandbox } = await import('../../sandbox/index.js');
    sandbox = await startSandbox({
      quiet: true,
      staticRoots: { '/lib/': join(consumer, 'node_modules/looker-render'), '/batch/': join(root, 'tests/fit/batch') },
    });
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await recordFetches(page);
    await page.goto(`${sandbox.url}/batch/?${new URLSearchParams({ baseUrl: sandbox.url, token: sandbox.token })}`);
    await page.waitForSelector('html[data-ready]', { timeout: 20_000 });
    assert.equal(await page.getAttribute('html', 'data-ready'), 'true', await page.evaluate(() => window.fitError));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await sandbox?.close();
    assert.deepEqual(problems, []);
  });

  beforeEach(() => sandbox.reset());

  const apiRequests = () => sandbox.requests().filter((r) => r.method !== 'OPTIONS');

  /**
   * After a batch was stopped at `at` (the page's clock): the page sent no request after it, and
   * the sandbox saw just what the page sent. The sandbox logs arrivals, so on a busy machine a
   * request sent just before the stop may arrive 50-200 ms after it: that is not one sent after.
   */
  async function nothingSentAfter(at, what) {
    await sleep(800); // longer than several poll intervals
    const sent = await apiFetches(page);
    const late = sent.filter((call) => call.at > at);
    assert.deepEqual(late.map((call) => `${call.method} ${call.path} at +${call.at - at} ms`), [], `no request sent after ${what}`);
    assert.equal(apiRequests().length, sent.length, 'the sandbox saw just the requests sent before it');
    return sent;
  }

  test('renderAll resolves in input order, one outcome per request, never more in flight than asked', async () => {
    sandbox.configure({ stageMs: { rendering: 150 } });
    const run = (concurrency) => page.evaluate(async (concurrency) => {
      const { client, look, outcome } = window.fit;
      const requests = [look('1'), look('2'), look('7'), { query_id: '1234', result_format: 'jpg', width: 100, height: 100 }, look('1')];
      const progress = [];
      const options = { onProgress: (index, task) => progress.push([index, task.status]) };
      if (concurrency) options.concurrency = concurrency;
      const results = await client().renderAll(requests, options);
      return { results: results.map(outcome), progress };
    }, concurrency);

    const { results, progress } = await run();
    const lookIds = ['1', '2', '7', null, '1'];
    assert.equal(results.length, 5);
    results.forEach((result, index) => {
      assert.equal(result.ok, true, `${index}: ${result.error?.message}`);
      assert.equal(result.status, 'success');
      assert.equal(result.lookId, lookIds[index]);
      assert.equal(result.contentType, index === 3 ? 'image/jpeg' : 'image/png');
      assert.equal(result.isUint8Array, true);
      assert.ok(result.byteLength > 0);
      assert.equal(result.hasIndex, false, 'renderAll leaves the index out');
    });
    assert.equal(sandbox.counters().peakInFlight['1'], 2, 'the default concurrency is 2');
    assert.deepEqual(progress.filter(([, status]) => status === 'success').map(([index]) => index).sort(), [0, 1, 2, 3, 4]);
    for (const concurrency of [4, 1]) {
      sandbox.resetCounters();
      const again = await run(concurrency);
      assert.ok(again.results.every((result) => result.ok));
      assert.equal(sandbox.counters().peakInFlight['1'], concurrency, `concurrency ${concurrency}`);
    }
  });

  test('one failing render is its own outcome; the others succeed', async () => {
    const results = await page.evaluate(async () => {
      const { client, look, outcome } = window.fit;
      return (await client().renderAll([look('7'), look('fail'), look('404404'), look('1')])).map(outcome);
    });
    assert.deepEqual(results.map((r) => r.ok), [true, false, false, true]);
    assert.equal(results[1].error.isRenderTaskFailedError, true);
    assert.match(results[1].error.message, /does not exist/, 'Looker’s status detail');
    assert.equal(results[2].error.isLookerApiError, true);
    assert.equal(results[2].error.status, 404);
    assert.match(results[2].error.message, /look 404404/);
  });

  test('renderMany yields each outcome with its index as it finishes; leaving the loop early cancels the rest', async () => {
    sandbox.configure({ targetStageMs: { 'looks/slow': { enqueued_for_query: 0, querying: 0, enqueued_for_render: 0, rendering: 1500 } }, stageMs: { rendering: 50 } });
    const order = await page.evaluate(async () => {
      const { client, look } = window.fit;
      const seen = [];
      for await (const result of client().renderMany([look('slow'), look('7'), look('1')])) seen.push([result.index, result.ok]);
      return seen;
    });
    assert.deepEqual(order.map(([, ok]) => ok), [true, true, true]);
    assert.equal(order.at(-1)[0], 0, 'the slow one finishes last');

    sandbox.reset();
    await apiFetches(page, { clear: true });
    sandbox.configure({ stageMs: { rendering: 300 } });
    const leftAt = await page.evaluate(async () => {
      const { client, look } = window.fit;
      for await (const result of client().renderMany(Array.from({ length: 6 }, () => look('7')))) {
        if (result.ok) break;
      }
      return Date.now();
    });
    await nothingSentAfter(leftAt, 'the loop was left');
    assert.ok(sandbox.counters().createsSeen <= 3, 'the rest were never started');
  });

  test('an abort stops the whole batch at once: the promise rejects, no request follows', async () => {
    sandbox.configure({ stageMs: { rendering: 400 } });
    await apiFetches(page, { clear: true });
    const aborted = await page.evaluate(async () => {
      const { client, look, failure } = window.fit;
      const controller = new AbortController();
      const batch = client().renderAll(Array.from({ length: 8 }, () => look('7')), { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 250));
      const at = Date.now();
      controller.abort(new Error('enough'));
      try {
        await batch;
        return { at, resolved: true };
      } catch (error) {
        return { at, error: failure(error) };
      }
    });
    assert.equal(aborted.resolved, undefined, 'renderAll rejects');
    assert.equal(aborted.error.message, 'enough', 'with the signal’s reason');
    const sent = await nothingSentAfter(aborted.at, 'the abort');
    assert.ok(sent.length > 0, 'the batch had started');
    assert.ok(sent.filter((call) => call.method === 'POST').length < 8, 'the renders not yet started never were');

    // An already aborted signal sends nothing.
    sandbox.clearRequests();
    await apiFetches(page, { clear: true });
    const early = await page.evaluate(async () => {
      const { client, look, failure } = window.fit;
      try {
        await client().renderAll([look(), look()], { signal: AbortSignal.abort() });
        return null;
      } catch (error) {
        return failure(error);
      }
    });
    assert.equal(early?.name, 'AbortError');
    assert.deepEqual(apiRequests(), []);
    assert.deepEqual(await apiFetches(page), []);
  });

  test('every request is checked before any is sent; a mistake names its index', async () => {
    const answers = await page.evaluate(async () => {
      const { client, look, failure } = window.fit;
      const looker = client();
      const attempt = async (call) => {
        try {
          return { resolved: await call() };
        } catch (error) {
          return failure(error);
        }
      };
      return {
        format: await attempt(() => looker.renderAll([look(), { look_id: '7', result_format: 'pdf', width: 10, height: 10 }])),
        unknownKey: await attempt(() => looker.renderAll([look(), look(), { ...look(), lookId: '7' }])),
        filters: await attempt(() => looker.renderAll([look(), { dashboard_id: '42', result_format: 'pdf', width: 800, height: 600, body: { dashboard_filters: { Region: true } } }])),
        notAnArray: await attempt(() => looker.renderAll('look 7')),
        concurrency: await Promise.all([0, 65, 1.5, NaN].map((concurrency) => attempt(() => looker.renderAll([look()], { concurrency })))),
        misspelt: await attempt(() => looker.renderAll([look()], { concurency: 3 })),
        // renderMany throws at once, before its loop starts.
        many: (() => {
          try {
            looker.renderMany([null]);
            return null;
          } catch (error) {
            return failure(error);
          }
        })(),
        empty: await attempt(() => looker.renderAll([])),
      };
    });
    assert.equal(answers.format.isRangeError, true);
    assert.match(answers.format.message, /^requests\[1\]\.result_format/);
    assert.equal(answers.unknownKey.isTypeError, true);
    assert.match(answers.unknownKey.message, /requests\[2\]\.lookId.*did you mean look_id/);
    assert.equal(answers.filters.isTypeError, true);
    assert.match(answers.filters.message, /requests\[1\]\.body\.dashboard_filters.*"Region"/);
    assert.equal(answers.notAnArray.isTypeError, true);
    for (const answer of answers.concurrency) assert.equal(answer.isRangeError, true, answer.message);
    assert.match(answers.misspelt.message, /did you mean concurrency\?/);
    assert.match(answers.many?.message ?? '', /requests\[0\]/);
    assert.deepEqual(answers.empty, { resolved: [] });
    assert.deepEqual(apiRequests(), [], 'nothing was sent');
  });

  test('filters given as an object arrive intact, as the sandbox decodes them', async () => {
    const result = await page.evaluate(async (filters) => {
      const { client, outcome } = window.fit;
      const [first] = await client().renderAll([{ dashboard_id: '42', result_format: 'pdf', width: 800, height: 600, body: { dashboard_filters: filters } }]);
      return outcome(first);
    }, awkwardFilters);
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(result.contentType, 'application/pdf');
    assert.deepEqual(sandbox.task(result.taskId).filters, awkwardFiltersDecoded);
  });
});
