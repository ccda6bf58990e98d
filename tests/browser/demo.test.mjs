// The demo page (www/) in headless Chromium against the in-process sandbox.
//
//   node --test tests/browser/
//
// Needs pkg/ built (npm run build) and Debian's Chromium at /usr/bin/chromium.
// Screenshots go to tmp/screenshots/ (ignored by git).

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderKinds } from '../../js/render-kinds.js';
import { root, SHOTS, skip, pageSuite, openDemo } from './helpers.mjs';

const STAGES = ['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering', 'success'];
const stageIndex = (status) => (status === 'failure' ? STAGES.indexOf('success') : STAGES.indexOf(status));
const TIMEOUT = 30_000;
const FIXTURE = JSON.parse(readFileSync(join(root, 'tests/fixtures/render_tasks/success.json'), 'utf8'));

describe('demo page', { skip }, () => {
  let sandbox;
  let page;
  pageSuite({
    prepare: (sb) => {
      sb.clearRequests();
      // Slow enough for the page to see every stage, fast enough for a test.
      sb.configure({ stageMs: { enqueued_for_query: 300, querying: 600, enqueued_for_render: 300, rendering: 800 } });
    },
    ready: (env) => ({ sandbox, page } = env),
  });

  const open = (query) => openDemo(page, sandbox, query);

  async function fillRender({ kind, id, format, width, height }) {
    await page.selectOption('#kind', kind);
    await page.fill('#content-id', id);
    if (format) await page.selectOption('#format', format);
    if (width) await page.fill('#width', String(width));
    if (height) await page.fill('#height', String(height));
  }

  /** The statuses in the timeline, in the order the page added them. */
  const timelineStatuses = () => page.$$eval('#timeline li[data-status]', (items) => items.map((li) => li.dataset.status))
    .then((all) => all.filter((s) => stageIndex(s) >= 0));

  const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  test('is filled in from the query string, and from the sandbox with no query', { timeout: TIMEOUT }, async () => {
    await open({ baseUrl: 'https://acme.looker.com:19999', token: 'from-the-query' });
    assert.equal(await page.inputValue('#base-url'), 'https://acme.looker.com:19999');
    assert.equal(await page.inputValue('#token'), 'from-the-query');

    await open(null);
    assert.equal(await page.inputValue('#base-url'), sandbox.url);
    assert.equal(await page.inputValue('#token'), sandbox.token, 'the token comes from the sandbox when the query has none');
  });

  test('offers only the formats and options that fit the kind of content', { timeout: TIMEOUT }, async () => {
    await open();
    const formats = () => page.$$eval('#format option', (os) => os.map((o) => o.value));
    assert.deepEqual(await formats(), ['png', 'jpg']);
    assert.equal(await page.isVisible('#dashboard-options'), false);
    await page.selectOption('#kind', 'dashboard');
    assert.deepEqual(await formats(), ['pdf', 'png', 'jpg']);
    assert.equal(await page.isVisible('#dashboard-options'), true);
    assert.equal(await page.isEnabled('#paper-size'), true);
    await page.selectOption('#format', 'png');
    assert.equal(await page.isEnabled('#paper-size'), false, 'paper size is for PDFs only');
    await page.selectOption('#kind', 'dashboard_element');
    assert.deepEqual(await formats(), ['png', 'jpg']);
    assert.equal(await page.isVisible('#dashboard-options'), false);
    // Every form control has a label.
    const unlabelled = await page.$$eval('input:not([type=hidden]), select', (controls) =>
      controls.filter((c) => !c.labels?.length && !c.getAttribute('aria-label')).map((c) => c.id));
    assert.deepEqual(unlabelled, []);
  });

  test('kinds, formats, default sizes, paper sizes and layouts are those of the render-kinds table', { timeout: TIMEOUT }, async () => {
    await open();
    const options = (select) => page.$$eval(`${select} option`, (os) => os.map((o) => o.value));
    assert.deepEqual(await options('#kind'), renderKinds.kinds.map((kind) => kind.kind));
    for (const kind of renderKinds.kinds) {
      await page.selectOption('#kind', kind.kind);
      assert.deepEqual(await options('#format'), kind.formats, kind.kind);
      assert.equal(await page.inputValue('#format'), kind.defaultFormat, kind.kind);
      assert.deepEqual([await page.inputValue('#width'), await page.inputValue('#height')],
        [String(kind.defaultWidth), String(kind.defaultHeight)], `${kind.kind}: the CLI's default size too`);
    }
    assert.deepEqual(await options('#paper-size'), ['', ...renderKinds.pdfPaperSizes], 'fit to the size, or a paper size');
    assert.deepEqual(await options('#style'), renderKinds.dashboardStyles);
  });

  test('Get render task shows every property of a fixture task', { timeout: TIMEOUT }, async () => {
    await open();
    await page.fill('#task-id', FIXTURE.id);
    await page.press('#task-id', 'Enter');
    await page.waitForSelector('#get-output[data-state="done"]');
    const rows = await page.$$eval('#task-table tbody tr', (trs) =>
      Object.fromEntries(trs.map((tr) => [tr.dataset.field, tr.querySelector('td').textContent])));
    assert.deepEqual(Object.keys(rows).sort(), Object.keys(FIXTURE).sort(), 'one row per property');
    for (const [key, value] of Object.entries(FIXTURE)) {
      if (value === null) assert.equal(rows[key], 'null', key);
      else if (typeof value === 'object') for (const k of Object.keys(value)) assert.match(rows[key], new RegExp(k), key);
      else assert.ok(rows[key].includes(String(value)), `${key}: ${rows[key]} shows ${value}`);
    }
    assert.equal(await page.textContent('#get-badge .badge'), 'success');

    // Refresh asks Looker again.
    sandbox.clearRequests();
    await page.click('#refresh-button');
    await page.waitForSelector('#get-output[data-state="done"]');
    const gets = sandbox.requests().filter((r) => r.method === 'GET' && r.path.endsWith(`/render_tasks/${FIXTURE.id}`));
    assert.equal(gets.length, 1);
    await shot('get-task');

    // An unknown task: the 404 and Looker's message.
    await page.fill('#task-id', 'no-such-task');
    await page.click('#get-button');
    await page.waitForSelector('#get-output[data-state="error"]');
    assert.equal(await page.textContent('#get-error [data-testid="error-status"]'), '404');
    assert.equal(await page.isVisible('#task-table'), false);
  });

  test('renders look 7 as a 640×480 PNG, with the statuses in order', { timeout: TIMEOUT }, async () => {
    await open();
    await fillRender({ kind: 'look', id: '7', format: 'png', width: 640, height: 480 });
    await page.click('#render-button');
    await page.waitForSelector('#render-output[data-state="running"]');
    assert.equal(await page.isEnabled('#cancel-button'), true);
    await page.waitForSelector('#render-output[data-state="success"]', { timeout: 20_000 });

    const statuses = await timelineStatuses();
    const order = statuses.map(stageIndex);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `statuses in order: ${statuses}`);
    assert.equal(new Set(statuses).size, statuses.length, 'each status once');
    assert.equal(statuses.at(-1), 'success');
    assert.ok(statuses.length >= 3, `saw the task progress: ${statuses}`);

    const size = await page.$eval('[data-testid="result-image"]', async (img) => {
      await img.decode();
      return [img.naturalWidth, img.naturalHeight, img.src.startsWith('blob:')];
    });
    assert.deepEqual(size, [640, 480, true]);
    assert.equal(await page.getAttribute('#download', 'download'), 'look-7.png');
    assert.match(await page.textContent('#runtimes'), /Total runtime/);
    assert.equal(await page.isEnabled('#cancel-button'), false);
    await shot('render-look-success');

    // Phone width: nothing sticks out sideways but the result, which scrolls in its box.
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page fits a phone-width screen (overflow ${overflow}px)`);
    await shot('render-look-phone');
  });

  test('renders dashboard 42 as a PDF: embedded, and downloadable with the right bytes', { timeout: TIMEOUT }, async () => {
    await open();
    await fillRender({ kind: 'dashboard', id: '42', format: 'pdf' });
    await page.fill('#filters', 'Region=EMEA');
    await page.click('#render-button');
    await page.waitForSelector('#render-output[data-state="success"]', { timeout: 20_000 });

    const embedded = await page.$eval('[data-testid="result-pdf"]', (e) => ({ type: e.getAttribute('type'), src: e.getAttribute('src') }));
    assert.equal(embedded.type, 'application/pdf');
    assert.match(embedded.src, /^blob:/);
    const name = await page.getAttribute('#download', 'download');
    assert.equal(name, 'dashboard-42.pdf');

    const downloaded = Buffer.from(await page.$eval('#download', async (a) => {
      const bytes = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
      let s = '';
      for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    }), 'base64');
    const taskId = await page.getAttribute('#render-output', 'data-task-id');
    assert.deepEqual(downloaded, sandbox.resultBytes(taskId), 'the download is the bytes Looker sent');

    const create = sandbox.requests().find((r) => r.method === 'POST');
    assert.match(create.path, /\/render_tasks\/dashboards\/42\/pdf$/);
    assert.equal(JSON.parse(create.body).dashboard_filters, 'Region=EMEA');
    await shot('render-dashboard-pdf');
  });

  test('Cancel stops polling at once and says so', { timeout: TIMEOUT }, async () => {
    await open();
    await fillRender({ kind: 'look', id: 'slow', format: 'png' });
    await page.click('#render-button');
    // Wait until the page has polled the task (the create answer is enqueued_for_query).
    await page.waitForSelector('#timeline li[data-status="querying"]', { timeout: 10_000 });
    const taskId = await page.getAttribute('#render-output', 'data-task-id');
    assert.ok(taskId, 'the page shows the task id');
    await page.click('#cancel-button');
    await page.waitForSelector('#render-output[data-state="cancelled"]');
    assert.match(await page.textContent('#render-status'), /Cancelled after [\d.]+ s/);
    assert.match(await page.textContent('#render-status'), /No more polling/);
    assert.equal(await page.isEnabled('#render-button'), true);
    assert.equal(await page.isEnabled('#cancel-button'), false);
    const cancelledAt = Number(await page.getAttribute('#render-output', 'data-cancelled-at'));

    // Longer than several poll intervals.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const polls = sandbox.requests().filter((r) => r.method === 'GET' && r.path.includes(`/render_tasks/${taskId}`));
    assert.ok(polls.length >= 1, 'it was polling before the cancel');
    // A request already on the wire when Cancel was pressed may land a moment later.
    const late = polls.filter((r) => r.time > cancelledAt + 50);
    assert.deepEqual(late.map((r) => `${r.method} ${r.path} at +${r.time - cancelledAt} ms`), [], 'no GET after the cancel');
    assert.equal(await page.isVisible('[data-testid="result"]'), false);
    await shot('render-cancelled');
  });

  test('an unknown look shows the 404 and Looker’s message', { timeout: TIMEOUT }, async () => {
    const answer = await fetch(`${sandbox.url}/api/4.0/render_tasks/looks/999999/png?width=640&height=480`, {
      method: 'POST', headers: { authorization: `token ${sandbox.token}` },
    });
    assert.equal(answer.status, 404);
    const looker = await answer.json();

    await open();
    await fillRender({ kind: 'look', id: '999999', format: 'png', width: 640, height: 480 });
    await page.click('#render-button');
    await page.waitForSelector('#render-output[data-state="error"]', { timeout: 10_000 });
    assert.equal(await page.textContent('#render-error [data-testid="error-status"]'), '404');
    // The message says what was being done, then Looker's own words.
    const message = await page.textContent('#render-error [data-testid="error-message"]');
    assert.match(message, /look 999999: 404/);
    assert.ok(message.endsWith(looker.message), message);
    if (looker.documentation_url) {
      assert.equal(await page.getAttribute('#render-error [data-testid="doc-link"]', 'href'), looker.documentation_url);
    }
    assert.equal(await page.isVisible('[data-testid="result"]'), false);
    await shot('render-not-found');
  });

  test('a failing render shows the failure and Looker’s status detail', { timeout: TIMEOUT }, async () => {
    await open();
    await fillRender({ kind: 'look', id: 'fail', format: 'png' });
    await page.click('#render-button');
    await page.waitForSelector('#render-output[data-state="error"]', { timeout: 15_000 });
    const statuses = await timelineStatuses();
    assert.equal(statuses.at(-1), 'failure');
    assert.match(await page.textContent('#render-error'), /does not exist/);
    await shot('render-failure');
  });
});
