// render_task_results: 202 until done, then real PNG/JPEG/PDF bytes.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import { PDFDocument } from 'pdf-lib';
import { start, call, assertSpec, sleep } from '../testkit.js';

let sb;
before(async () => { sb = await start(); });
after(() => sb.close());
beforeEach(() => sb.reset());

const T = { timeout: 8000 };
const create = (kind, id, fmt, query, body) => call(sb, `/api/4.0/render_tasks/${kind}/${id}/${fmt}?${query}`,
  { method: 'POST', body: kind === 'dashboards' ? (body ?? '{}') : undefined, headers: { 'content-type': 'application/json' } });
const results = (id) => call(sb, `/api/4.0/render_tasks/${id}/results`);
async function done(t) {
  for (let i = 0; i < 100; i++) {
    const r = await call(sb, `/api/4.0/render_tasks/${t.id}`);
    if (r.json.status === 'success' || r.json.status === 'failure') return r.json;
    await sleep(20);
  }
  throw new Error('task did not finish');
}

test('results are 202 with Retry-After and no body until the task is done', T, async () => {
  sb.configure({ resultsRetryAfterSeconds: 3, stageMs: { rendering: 250 } });
  const { json: t } = await create('looks', '1', 'png', 'width=120&height=80');
  const r = await results(t.id);
  assert.equal(r.status, 202);
  assertSpec('render_task_results', r);
  assert.equal(r.headers.get('retry-after'), '3');
  assert.equal(r.body.length, 0);
  assert.equal(sb.resultBytes(t.id), undefined);
  await done(t);
  assert.equal((await results(t.id)).status, 200);
});

test('PNG results decode to the requested size, are deterministic and cached', T, async () => {
  const { json: t } = await create('looks', '7', 'png', 'width=321&height=123');
  await done(t);
  const r = await results(t.id);
  assert.equal(r.status, 200);
  assertSpec('render_task_results', r);
  assert.equal(r.contentType, 'image/png');
  assert.equal(Number(r.headers.get('content-length')), r.body.length);
  const png = pngjs.PNG.sync.read(r.body);
  assert.equal(png.width, 321);
  assert.equal(png.height, 123);
  const px = (x, y) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
  assert.deepEqual(px(png.width - 1, png.height - 1), [255, 255, 255], 'white background');
  const colours = new Set();
  for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUIntBE(i, 3));
  assert.ok(colours.size >= 4, `a chart in several colours (${colours.size})`);
  const again = await results(t.id);
  assert.ok(again.body.equals(r.body), 'repeat download is byte-identical');
  assert.ok(sb.resultBytes(t.id).equals(r.body), 'resultBytes() is what was served');
});

test('JPEG results decode to the requested size', T, async () => {
  const { json: t } = await create('queries', '1234', 'jpg', 'width=200&height=150');
  await done(t);
  const r = await results(t.id);
  assert.equal(r.status, 200);
  assertSpec('render_task_results', r);
  assert.equal(r.contentType, 'image/jpeg');
  const img = jpeg.decode(r.body);
  assert.equal(img.width, 200);
  assert.equal(img.height, 150);
  assert.ok(sb.resultBytes(t.id).equals(r.body));
});

test('tiny and dashboard-element images work too', T, async () => {
  const { json: t } = await create('dashboard_elements', '101', 'png', 'width=10&height=10');
  await done(t);
  const png = pngjs.PNG.sync.read((await results(t.id)).body);
  assert.deepEqual([png.width, png.height], [10, 10]);
});

test('PDF results have one page of the requested paper size and orientation', T, async () => {
  const cases = [
    ['pdf_paper_size=a4&pdf_landscape=true', [842, 595]],
    ['pdf_paper_size=letter', [612, 792]],
    ['', [1024 * 0.75, 768 * 0.75]],
  ];
  for (const [q, [w, h]] of cases) {
    const { json: t } = await create('dashboards', '42', 'pdf', `width=1024&height=768&${q}`, JSON.stringify({ dashboard_filters: 'Region=EMEA' }));
    await done(t);
    const r = await results(t.id);
    assert.equal(r.status, 200);
    assertSpec('render_task_results', r);
    assert.equal(r.contentType, 'application/pdf');
    assert.equal(r.body.subarray(0, 5).toString(), '%PDF-');
    const doc = await PDFDocument.load(r.body);
    assert.equal(doc.getPageCount(), 1);
    const { width, height } = doc.getPage(0).getSize();
    assert.deepEqual([Math.round(width), Math.round(height)], [Math.round(w), Math.round(h)], q);
    assert.match(doc.getTitle(), /^Dashboard 42/);
  }
});

test('the success fixture has a PDF result; other fixtures are pending or failed', T, async () => {
  const r = await results('7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5');
  assert.equal(r.status, 200);
  assert.equal(r.contentType, 'application/pdf');
  const doc = await PDFDocument.load(r.body);
  assert.equal(doc.getPageCount(), 1);
  assert.match(doc.getTitle(), /Dashboard 42/);
  assert.ok(sb.resultBytes('7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5').equals(r.body));
  const failed = await results('a0000000000000000000000000000005');
  assert.equal(failed.status, 404);
  assertSpec('render_task_results', failed);
  for (const id of ['a0000000000000000000000000000001', 'a0000000000000000000000000000008']) {
    const pending = await results(id);
    assert.equal(pending.status, 202, id);
    assertSpec('render_task_results', pending);
  }
});

test('results of failed, unknown and special tasks are Looker errors', T, async () => {
  const { json: t } = await create('looks', 'fail', 'png', 'width=100&height=100');
  assert.equal((await done(t)).status, 'failure');
  const r = await results(t.id);
  assert.equal(r.status, 404);
  assertSpec('render_task_results', r);
  assert.equal(sb.resultBytes(t.id), undefined);
  const unknown = await results('nope');
  assert.equal(unknown.status, 404);
  assertSpec('render_task_results', unknown);
  const limited = await results('rate-limited');
  assert.equal(limited.status, 429);
  assertSpec('render_task_results', limited);
  const noAuth = await call(sb, '/api/4.0/render_tasks/7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5/results', { token: false });
  assert.equal(noAuth.status, 401);
  assertSpec('render_task_results', noAuth);
});
