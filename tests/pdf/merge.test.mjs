// looker-render/pdf: mergePdfs() on PDFs the sandbox rendered over HTTP, read
// back with pdf-lib (page count, order by page size and text), and its errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PDFDocument } from 'pdf-lib';
import { mergePdfs } from '../../js/pdf.js';
import { startSandbox } from '../../sandbox/index.js';
import { pdfPageText } from '../../sandbox/testkit.js';

const T = { timeout: 10_000 };
const INSTANT = { enqueued_for_query: 0, querying: 0, enqueued_for_render: 0, rendering: 0 };
// One dashboard PDF per region, each on its own paper size, so order shows in sizes and text alike.
const REGIONS = [['EMEA', 'a4', [595, 842]], ['APAC', 'letter', [612, 792]], ['US', 'a3', [842, 1191]]];

let sb;
let pdfs; // the three PDFs' bytes (Buffers), in REGIONS order

async function renderDashboardPdf(region, paperSize) {
  const headers = { authorization: `token ${sb.token}`, 'content-type': 'application/json' };
  const created = await fetch(`${sb.url}/api/4.0/render_tasks/dashboards/42/pdf?width=1280&height=720&pdf_paper_size=${paperSize}`, {
    method: 'POST', headers, body: JSON.stringify({ dashboard_filters: `Region=${region}` }), signal: AbortSignal.timeout(5000),
  });
  assert.equal(created.status, 200);
  const { id } = await created.json();
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${sb.url}/api/4.0/render_tasks/${id}/results`, { headers, signal: AbortSignal.timeout(5000) });
    if (res.status === 200) return Buffer.from(await res.arrayBuffer());
    await res.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`render task ${id} did not finish`);
}

before(async () => {
  sb = await startSandbox({ stageMs: INSTANT });
  pdfs = [];
  for (const [region, paperSize] of REGIONS) pdfs.push(await renderDashboardPdf(region, paperSize));
});
after(() => sb.close());

const sizeOf = (page) => page.getSize();
const roundedSizes = (doc) => doc.getPages().map(sizeOf).map(({ width, height }) => [Math.round(width), Math.round(height)]);
const regionLines = (doc) => doc.getPages().map((_, i) => pdfPageText(doc, i).find((line) => line.startsWith('  Region: ')));

test('three rendered PDFs merge into one of three pages, in the order given', T, async () => {
  const merged = await mergePdfs(pdfs);
  assert.ok(merged instanceof Uint8Array);
  const doc = await PDFDocument.load(merged);
  assert.equal(doc.getPageCount(), 3);
  assert.deepEqual(roundedSizes(doc), REGIONS.map(([, , size]) => size));
  assert.deepEqual(regionLines(doc), ['  Region: EMEA', '  Region: APAC', '  Region: US']);
  const reversed = await PDFDocument.load(await mergePdfs([...pdfs].reverse()));
  assert.deepEqual(regionLines(reversed), ['  Region: US', '  Region: APAC', '  Region: EMEA']);
});

test('Buffer, Uint8Array and ArrayBuffer items alike; the inputs are left as they were', T, async () => {
  const copies = pdfs.map((b) => Buffer.from(b));
  const asUint8 = new Uint8Array(pdfs[1]);
  const asArrayBuffer = pdfs[2].buffer.slice(pdfs[2].byteOffset, pdfs[2].byteOffset + pdfs[2].length);
  const merged = await mergePdfs([pdfs[0], asUint8, asArrayBuffer]);
  assert.deepEqual(Buffer.from(merged), Buffer.from(await mergePdfs(pdfs)), 'same pages, same bytes');
  for (const [i, b] of pdfs.entries()) assert.ok(b.equals(copies[i]), `input ${i} unchanged`);
});

test('the same inputs give the same bytes', T, async () => {
  const first = await mergePdfs(pdfs);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // a creation date would show in another second
  assert.ok(Buffer.from(first).equals(Buffer.from(await mergePdfs(pdfs))));
});

test('multi-page inputs keep all their pages, in order; one PDF alone comes back whole', T, async () => {
  const twoPages = await mergePdfs(pdfs.slice(0, 2));
  const doc = await PDFDocument.load(await mergePdfs([twoPages, pdfs[2], twoPages]));
  assert.deepEqual(regionLines(doc), ['  Region: EMEA', '  Region: APAC', '  Region: US', '  Region: EMEA', '  Region: APAC']);
  const single = await PDFDocument.load(await mergePdfs([pdfs[1]]));
  assert.deepEqual(regionLines(single), ['  Region: APAC']);
  assert.deepEqual(roundedSizes(single), [REGIONS[1][2]]);
});

test('not an array is a TypeError; an empty array is a RangeError', async () => {
  for (const notAList of [undefined, null, 'a.pdf', pdfs[0], { length: 1, 0: pdfs[0] }, new Set(pdfs)]) {
    await assert.rejects(mergePdfs(notAList), (e) => e instanceof TypeError && /^mergePdfs: expected an array of PDF bytes, got /.test(e.message));
  }
  await assert.rejects(mergePdfs([]), (e) => e instanceof RangeError && e.message === 'mergePdfs: expected at least one PDF, got an empty array');
});

test('an item that is not bytes, or not a PDF, is a TypeError naming its index', T, async () => {
  const cases = [
    [[pdfs[0], 'x.pdf'], /^mergePdfs: item 1 is string, not a Uint8Array or ArrayBuffer$/],
    [[null, pdfs[0]], /^mergePdfs: item 0 is null, not a Uint8Array or ArrayBuffer$/],
    [[pdfs[0], pdfs[1], new Uint16Array(8)], /^mergePdfs: item 2 is Uint16Array, not a Uint8Array or ArrayBuffer$/],
    [[pdfs[0], [0x25, 0x50, 0x44, 0x46]], /^mergePdfs: item 1 is an array, not a Uint8Array or ArrayBuffer$/],
    [[pdfs[0], Buffer.from('<html>Sign in to Looker</html>')], /^mergePdfs: item 1 is not a PDF \(no %PDF- header\)$/],
    [[pdfs[0], new Uint8Array(0)], /^mergePdfs: item 1 is not a PDF \(no %PDF- header\)$/],
    [[pdfs[0], Buffer.from('%PDF-1.7\nnothing else')], /^mergePdfs: item 1 is not a PDF that can be read: /],
    [[pdfs[0], pdfs[1], pdfs[2].subarray(0, 400)], /^mergePdfs: item 2 is not a PDF that can be read: /],
  ];
  for (const [list, message] of cases) {
    await assert.rejects(mergePdfs(list), (e) => e instanceof TypeError && message.test(e.message), String(message));
  }
  const damaged = await mergePdfs([Buffer.from('%PDF-1.7\nnothing else')]).catch((e) => e);
  assert.ok(damaged.cause instanceof Error, "pdf-lib's own error is kept as the cause");
});

test('every item is checked before any is read: a bad last item is named before a damaged first one', async () => {
  const damaged = Buffer.from('%PDF-1.7\nnothing else'); // passes the header check, fails once read
  await assert.rejects(mergePdfs([damaged, pdfs[0], new Uint8Array(8)]), /^TypeError: mergePdfs: item 2 is not a PDF \(no %PDF- header\)$/);
  await assert.rejects(mergePdfs([damaged, pdfs[0]]), /^TypeError: mergePdfs: item 0 is not a PDF that can be read: /);
});

test('a PDF with a little junk before its header (allowed by readers) is taken', T, async () => {
  const doc = await PDFDocument.load(await mergePdfs([Buffer.concat([Buffer.from('\n\n  '), pdfs[0]])]));
  assert.deepEqual(regionLines(doc), ['  Region: EMEA']);
});
