// looker-render/pdf from the packed package: dashboards rendered by the
// client against the sandbox, merged by mergePdfs and read back with pdf-lib,
// and its input checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LookerClient } from 'looker-render';
import { mergePdfs } from 'looker-render/pdf';
import { pdfPageText } from '../../sandbox/testkit.js';
import { sandbox } from './helpers.mjs';

// PDFs are made and read with the workspace's pdf-lib, the one sandbox/testkit.js
// reads page text with; the package's own copy (its dependency) does the merging.
const { PDFDocument } = createRequire(new URL('../../sandbox/testkit.js', import.meta.url))('pdf-lib');
const INSTANT = { enqueued_for_query: 0, querying: 0, enqueued_for_render: 0, rendering: 0 };
// As in the README: one dashboard PDF per region, here each on its own paper
// size, so the merged pages show their order in their text and sizes alike.
const REGIONS = [['EMEA', 'a4', [595, 842]], ['APAC', 'letter', [612, 792]], ['US', 'a3', [842, 1191]]];
const SIZES = REGIONS.map(([, , size]) => size);

let sb;
let rendered; // the PDFs' bytes, in REGIONS order
before(async () => {
  sb = await sandbox({ stageMs: INSTANT });
  const looker = new LookerClient({ baseUrl: sb.url, accessToken: sb.token });
  rendered = await Promise.all(REGIONS.map(async ([region, paper]) => {
    const { bytes, contentType } = await looker.render({
      dashboard_id: '42', result_format: 'pdf', width: 1280, height: 1000, pdf_paper_size: paper,
      body: { dashboard_filters: `Region=${region}` },
    });
    assert.equal(contentType, 'application/pdf');
    return bytes;
  }));
});
after(() => sb.close());

const pageSizes = (doc) => doc.getPages().map((page) => {
  const { width, height } = page.getSize();
  return [Math.round(width), Math.round(height)];
});

/** A PDF of `count` blank pages, each `size` points, made with pdf-lib. */
async function blankPdf(count, size) {
  const doc = await PDFDocument.create();
  for (let i = 0; i < count; i++) doc.addPage(size);
  return doc.save();
}

test('the PDFs of three renders merge into one that pdf-lib opens: the pages of all, in the order given', async () => {
  const merged = await mergePdfs(rendered);
  assert.ok(merged instanceof Uint8Array);
  const doc = await PDFDocument.load(merged);
  assert.equal(doc.getPageCount(), 3);
  assert.deepEqual(pageSizes(doc), SIZES);
  const regions = doc.getPages().map((_, i) => pdfPageText(doc, i).find((line) => line.startsWith('  Region: ')));
  assert.deepEqual(regions, ['  Region: EMEA', '  Region: APAC', '  Region: US']);
  const reversed = await PDFDocument.load(await mergePdfs([...rendered].reverse()));
  assert.deepEqual(pageSizes(reversed), [...SIZES].reverse());
});

test('the page count is the sum of the inputs\' pages', async () => {
  const one = await blankPdf(1, [200, 100]);
  const two = await blankPdf(2, [300, 150]);
  const doc = await PDFDocument.load(await mergePdfs([two, rendered[0], one]));
  assert.equal(doc.getPageCount(), 2 + 1 + 1);
  assert.deepEqual(pageSizes(doc), [[300, 150], [300, 150], SIZES[0], [200, 100]]);
});

test('bad input rejects with a TypeError that names the item', async () => {
  await assert.rejects(mergePdfs(rendered[0]), { name: 'TypeError', message: /expected an array of PDF bytes, got Uint8Array/ });
  await assert.rejects(mergePdfs([rendered[0], 'report.pdf']), { name: 'TypeError', message: /item 1 is string/ });
  const text = new TextEncoder().encode('<html>not a PDF</html>');
  await assert.rejects(mergePdfs([rendered[0], rendered[1], text]), { name: 'TypeError', message: /item 2 is not a PDF/ });
  await assert.rejects(mergePdfs([]), RangeError);
});

test('the CommonJS copy does the same', async () => {
  const require = createRequire(import.meta.url);
  const cjs = require('looker-render/pdf');
  assert.deepEqual(Object.keys(cjs), ['mergePdfs']);
  const doc = await PDFDocument.load(await cjs.mergePdfs([rendered[2], await blankPdf(2, [100, 100])]));
  assert.equal(doc.getPageCount(), 3);
  await assert.rejects(cjs.mergePdfs([rendered[0], {}]), { name: 'TypeError', message: /item 1 is Object/ });
});

test('pdf-lib is a dependency of the package, loaded by looker-render/pdf alone', () => {
  const entry = createRequire(import.meta.url).resolve('looker-render/pdf');
  const root = dirname(dirname(entry));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.ok(manifest.dependencies['pdf-lib'], 'pdf-lib is in dependencies');
  // npm installed it for the package: resolved from the package, it is not the workspace's copy.
  const pdfLib = createRequire(entry).resolve('pdf-lib');
  assert.ok(!relative(fileURLToPath(new URL('.', import.meta.url)), pdfLib).startsWith('..'), pdfLib);
  const files = (dir) => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [relative(root, path)];
  });
  const loaders = files(root).filter((file) => /\.[cm]?js$/.test(file) && readFileSync(join(root, file), 'utf8').includes('pdf-lib'));
  assert.deepEqual(loaders.sort(), ['pdf/index.cjs', 'pdf/index.js']);
});
