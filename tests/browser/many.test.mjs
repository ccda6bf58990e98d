// The demo page's many mode (one dashboard, one PDF per filter value, merged)
// in headless Chromium against the in-process sandbox.
//
//   node --test tests/browser/
//
// Needs pkg/ built (npm run build), node_modules/pdf-lib (npm ci) and Debian's
// Chromium at /usr/bin/chromium. Screenshots go to tmp/screenshots/.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { pdfPageText } from '../../sandbox/testkit.js';
import { SHOTS, skip, pageSuite, openDemo, recordFetches, apiFetches } from './helpers.mjs';

const TIMEOUT = 40_000;
const ORDER = ['pending', 'enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering', 'success'];
const RUNNING = ['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('demo page, many mode', { skip }, () => {
  let sandbox;
  let page;
  pageSuite({
    prepare: (sb) => {
      sb.reset();
      // Slow enough for the page to show stages, fast enough for a test.
      sb.configure({ stageMs: { enqueued_for_query: 100, querying: 300, enqueued_for_render: 100, rendering: 400 } });
    },
    ready: (env) => ({ sandbox, page } = env),
  });

  /** Opens the page in the many mode and fills its form; `values` one a line. */
  async function openMany({ id = '42', filter = 'Region', values, concurrency }) {
    await openDemo(page, sandbox);
    await page.click('label[for="mode-many"]');
    await page.fill('#many-dashboard', id);
    await page.fill('#many-filter', filter);
    await page.fill('#many-values', values.join('\n'));
    if (concurrency) await page.fill('#many-concurrency', String(concurrency));
    // Every stage a row shows, in order, whatever the page later replaces.
    await page.evaluate(() => {
      window.__stages = [];
      new MutationObserver((records) => {
        for (const { target } of records) window.__stages.push([Number(target.dataset.index), target.dataset.status]);
      }).observe(document.querySelector('#many-table tbody'), { subtree: true, attributeFilter: ['data-status'] });
    });
  }

  const rows = () => page.$$eval('[data-testid="many-row"]', (trs) => trs.map((tr) => ({
    value: tr.querySelector('th').textContent,
    status: tr.dataset.status,
    taskId: tr.dataset.taskId ?? null,
    error: tr.dataset.error ?? null,
    errorText: tr.querySelector('[data-testid="many-row-error"]')?.textContent ?? null,
  })));

  /** Clicks the download link; the file as Chromium saved it. */
  async function download() {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#many-download')]);
    return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
  }

  /** The Region line of each page of a sandbox dashboard PDF. */
  const filterLines = (doc) => doc.getPages().map((_, n) => pdfPageText(doc, n).find((line) => /^\s*Region:/.test(line)));

  const apiRequests = () => sandbox.requests().filter((r) => r.method !== 'OPTIONS');

  test('switching modes shows one form at a time; every control has a label and progress is announced', { timeout: TIMEOUT }, async () => {
    await openDemo(page, sandbox);
    assert.equal(await page.isVisible('#render-form'), true);
    assert.equal(await page.isVisible('#many-panel'), false);
    await page.click('label[for="mode-many"]');
    assert.equal(await page.isVisible('#render-form'), false);
    assert.equal(await page.isVisible('#many-form'), true);
    assert.equal(await page.inputValue('#many-concurrency'), '2', 'Looker’s two renderer jobs by default');
    const unlabelled = await page.$$eval('#many-form :is(input, textarea, select)', (controls) =>
      controls.filter((c) => !c.labels?.length).map((c) => c.id));
    assert.deepEqual(unlabelled, []);
    assert.equal(await page.getAttribute('#many-status', 'aria-live'), 'polite');
    assert.match(await page.textContent('#many-code'), /renderMany\(requests/);
    assert.match(await page.textContent('#many-code'), /mergePdfs/);
    await page.click('label[for="mode-one"]');
    assert.equal(await page.isVisible('#render-form'), true);
    assert.equal(await page.isVisible('#many-panel'), false);
  });

  test('renders one PDF per value: each row reaches success, the filters arrive intact, one merged PDF in order', { timeout: TIMEOUT }, async () => {
    const values = ['EMEA', 'R&D, Europe', 'US'];
    await openMany({ values });
    await page.click('#many-button');
    await page.waitForSelector('#many-output[data-state="running"]');
    assert.equal(await page.isEnabled('#many-cancel'), true);
    await page.waitForSelector('#many-output[data-state="done"]', { timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, 'many-done.png'), fullPage: true });

    const done = await rows();
    assert.deepEqual(done.map((row) => row.value), values, 'a row per value, in order');
    assert.deepEqual(done.map((row) => row.status), ['success', 'success', 'success']);
    // Each row went through Looker's stages in order, and was seen in at least one of them.
    const stages = await page.evaluate(() => window.__stages);
    for (const index of [0, 1, 2]) {
      const seen = stages.filter(([i]) => i === index).map(([, status]) => status);
      const order = seen.map((status) => ORDER.indexOf(status));
      assert.ok(order.every((n) => n >= 0), `${index}: known stages ${seen}`);
      assert.deepEqual(order, [...order].sort((a, b) => a - b), `${index}: stages in order ${seen}`);
      assert.ok(seen.some((status) => RUNNING.includes(status)), `${index}: a live stage was shown: ${seen}`);
      assert.equal(seen.at(-1), 'success');
    }
    assert.equal(await page.getAttribute('#many-progress', 'value'), '3');
    assert.match(await page.textContent('#many-status'), /3 of 3/);

    // The sandbox decoded each task's filters to the value typed, comma and ampersand included.
    for (const { value, taskId } of done) {
      const record = await (await fetch(`${sandbox.url}/__sandbox/tasks/${taskId}`)).json();
      assert.deepEqual(record.filters, { Region: [value] }, value);
      assert.equal(record.kindPath, 'dashboards');
      assert.equal(record.format, 'pdf');
    }
    assert.equal(apiRequests().filter((r) => r.method === 'POST').length, 3, 'one create per value');
    assert.ok(sandbox.counters().peakInFlight['1'] <= 2, 'never more than the 2 asked for at once');

    // The merged PDF: one page per value, in the order of the values.
    const file = await download();
    assert.equal(file.name, 'dashboard-42-Region.pdf');
    const doc = await PDFDocument.load(file.bytes);
    assert.equal(doc.getPageCount(), 3);
    const lines = filterLines(doc);
    values.forEach((value, n) => assert.ok(lines[n]?.includes(value), `page ${n + 1} is ${value}: ${lines[n]}`));
    assert.match(await page.textContent('#many-result-info'), /3 of 3/);
    // mergePdfs came from the package's looker-render/pdf entry, and its 'pdf-lib' through the import map.
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
    assert.ok(loaded.includes('/pkg/pdf/index.js'), loaded.join(' '));
    assert.ok(loaded.includes('/node_modules/pdf-lib/dist/pdf-lib.esm.min.js'), loaded.join(' '));
    assert.equal(await page.isEnabled('#many-button'), true);
    assert.equal(await page.isEnabled('#many-cancel'), false);
  });

  test('a failing render shows its error in its row; the others succeed and are merged without it', { timeout: TIMEOUT }, async () => {
    // One at a time, so that the first poll is the first value's: Looker says it failed.
    sandbox.addFault({ method: 'GET', path: '^/render_tasks/[^/]+$', fault: 'mutate', set: { status: 'failure', status_detail: 'No data for EMEA' } });
    await openMany({ values: ['EMEA', 'APAC', 'US'], concurrency: 1 });
    await page.click('#many-button');
    await page.waitForSelector('#many-output[data-state="done"]', { timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, 'many-one-failed.png'), fullPage: true });

    const [failed, ...good] = await rows();
    assert.equal(failed.status, 'failure');
    assert.equal(failed.error, 'RenderTaskFailedError');
    assert.match(failed.errorText, /No data for EMEA/, 'Looker’s status detail');
    assert.ok(failed.taskId, 'the failed task’s id is shown');
    assert.deepEqual(good.map((row) => row.status), ['success', 'success']);
    assert.deepEqual(good.map((row) => row.error), [null, null]);
    assert.match(await page.textContent('#many-status'), /1 failed/);
    assert.match(await page.textContent('#many-result-info'), /2 of 3.*EMEA/);

    const doc = await PDFDocument.load((await download()).bytes);
    assert.equal(doc.getPageCount(), 2);
    const lines = filterLines(doc);
    assert.ok(lines[0].includes('APAC') && lines[1].includes('US'), lines.join(' | '));
  });

  test('when every render fails there is nothing to merge, and each row says why', { timeout: TIMEOUT }, async () => {
    await openMany({ id: 'fail', values: ['EMEA', 'APAC'] });
    await page.click('#many-button');
    await page.waitForSelector('#many-output[data-state="error"]', { timeout: 30_000 });
    const all = await rows();
    assert.deepEqual(all.map((row) => row.status), ['failure', 'failure']);
    for (const row of all) assert.match(row.errorText, /Query failed/);
    assert.match(await page.textContent('#many-status'), /no PDF/i);
    assert.equal(await page.isVisible('#many-result'), false);
  });

  test('values that are all blank are refused before any request', { timeout: TIMEOUT }, async () => {
    await openMany({ values: ['  ', ' '] });
    await page.click('#many-button');
    await page.waitForSelector('#many-output[data-state="error"]');
    assert.match(await page.textContent('#many-error'), /at least one filter value/);
    assert.deepEqual(apiRequests(), []);
  });

  test('Cancel stops the whole batch: no request after it, unfinished rows say so, nothing to download', { timeout: TIMEOUT }, async () => {
    sandbox.configure({ stageMs: { enqueued_for_query: 200, querying: 1500, enqueued_for_render: 200, rendering: 1500 } });
    await recordFetches(page);
    await openMany({ values: ['EMEA', 'APAC', 'US', 'LATAM', 'ANZ'] });
    await page.click('#many-button');
    await page.waitForSelector('[data-testid="many-row"][data-status="querying"]', { timeout: 10_000 });
    await page.click('#many-cancel');
    await page.waitForSelector('#many-output[data-state="cancelled"]');
    const cancelledAt = Number(await page.getAttribute('#many-output', 'data-cancelled-at'));
    assert.match(await page.textContent('#many-status'), /Cancelled/);
    assert.match(await page.textContent('#many-status'), /No more requests/);
    assert.equal(await page.isEnabled('#many-button'), true);
    assert.equal(await page.isEnabled('#many-cancel'), false);

    // Longer than several poll intervals.
    await sleep(2500);
    const requests = apiRequests();
    assert.ok(requests.some((r) => r.method === 'GET' && r.time <= cancelledAt), 'it was polling before the cancel');
    // Nothing was sent after the cancel, and the sandbox saw nothing else. (The sandbox logs when a
    // request arrives: on a busy machine one sent just before the click can arrive 50-200 ms later.)
    const sent = await apiFetches(page);
    const late = sent.filter((call) => call.at > cancelledAt);
    assert.deepEqual(late.map((call) => `${call.method} ${call.path} at +${call.at - cancelledAt} ms`), [], 'no request sent after the cancel');
    assert.equal(requests.length, sent.length, 'the sandbox saw just the requests sent before it');
    assert.ok(requests.filter((r) => r.method === 'POST').length < 5, 'the values not yet started were never created');

    const after = await rows();
    assert.ok(after.every((row) => ['success', 'failure', 'cancelled'].includes(row.status)), after.map((row) => row.status).join(' '));
    assert.ok(after.filter((row) => row.status === 'cancelled').length >= 3, 'the rows still going or waiting say Cancelled');
    assert.equal(await page.isVisible('#many-result'), false);
    await page.screenshot({ path: join(SHOTS, 'many-cancelled.png'), fullPage: true });
  });
});
