// Result files for finished render tasks: a small bar chart, deterministic per
// task id, as PNG (pngjs), JPEG (jpeg-js) or a one-page PDF (pdf-lib).
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

const { PNG } = pngjs;

import { PAPER_SIZES } from './paper.js';
import { prng, hashString } from './prng.js';
import { renderKinds } from '../js/render-kinds.js';
import { decodeDashboardFilters } from './filters.js';

const CONTENT_TYPES = Object.fromEntries(renderKinds.formats.map(({ format, contentType }) => [format, contentType]));

const PALETTE = [
  [0x42, 0x76, 0xbe], // blue
  [0xfb, 0xb5, 0x55], // orange
  [0x3e, 0xb0, 0xd5], // cyan
  [0xb1, 0x39, 0x9e], // purple
  [0x72, 0xd1, 0x6d], // green
  [0xe5, 0x73, 0x73], // red
];

/** Bar values (0.2..1) and count, deterministic per seed string. */
export function chartValues(seedStr) {
  const r = prng(hashString(String(seedStr)));
  const n = 4 + Math.floor(r() * 5);
  const values = [];
  for (let i = 0; i < n; i++) values.push(0.2 + 0.8 * r());
  return values;
}

/** RGBA pixels (Buffer of width*height*4) of the chart for this seed. */
export function drawChart(width, height, seedStr) {
  const data = Buffer.alloc(width * height * 4, 255);
  const fill = (x0, y0, x1, y1, [r, g, b]) => {
    x0 = Math.max(0, Math.floor(x0)); y0 = Math.max(0, Math.floor(y0));
    x1 = Math.min(width, Math.ceil(x1)); y1 = Math.min(height, Math.ceil(y1));
    if (x1 <= x0 || y1 <= y0) return;
    const row = Buffer.alloc((x1 - x0) * 4);
    for (let i = 0; i < row.length; i += 4) { row[i] = r; row[i + 1] = g; row[i + 2] = b; row[i + 3] = 255; }
    for (let y = y0; y < y1; y++) row.copy(data, (y * width + x0) * 4);
  };
  const left = Math.round(width * 0.08), right = width - Math.round(width * 0.04);
  const top = Math.round(height * 0.15), bottom = height - Math.round(height * 0.1);
  const line = Math.max(1, Math.round(Math.min(width, height) / 200));
  // Header band with a dark "title" block.
  fill(0, 0, width, Math.round(height * 0.1), [0xf1, 0xf3, 0xf4]);
  fill(left, height * 0.03, left + width * 0.3, height * 0.07, [0x3c, 0x40, 0x43]);
  // Grid lines at 25/50/75 %.
  for (const f of [0.25, 0.5, 0.75]) {
    const y = bottom - (bottom - top) * f;
    fill(left, y, right, y + line, [0xdd, 0xdd, 0xdd]);
  }
  const values = chartValues(seedStr);
  const slot = (right - left) / values.length;
  values.forEach((v, i) => {
    const x = left + slot * i + slot * 0.2;
    fill(x, bottom - (bottom - top) * v, x + slot * 0.6, bottom, PALETTE[i % PALETTE.length]);
  });
  // Axes.
  fill(left - line, top, left, bottom + line, [0x5f, 0x63, 0x68]);
  fill(left - line, bottom, right, bottom + line, [0x5f, 0x63, 0x68]);
  return data;
}

export function encodePng(width, height, seedStr) {
  const png = new PNG({ width, height });
  png.data = drawChart(width, height, seedStr);
  return PNG.sync.write(png, { colorType: 2 });
}

export function encodeJpeg(width, height, seedStr) {
  const data = drawChart(width, height, seedStr);
  return Buffer.from(jpeg.encode({ data, width, height }, 85).data);
}

// Helvetica in pdf-lib can only encode WinAnsi; keep text printable Latin-1.
function pdfText(s) {
  return String(s).replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

export function titleFor(task, contentTitle) {
  let t;
  if (task.lookml_dashboard_id) t = `LookML dashboard ${task.lookml_dashboard_id}`;
  else if (task.dashboard_id) t = `Dashboard ${task.dashboard_id}`;
  else if (task.dashboard_element_id) t = `Dashboard element ${task.dashboard_element_id}`;
  else if (task.look_id) t = `Look ${task.look_id}`;
  else if (task.query_id) t = `Query ${task.query_id}`;
  else t = `Render task ${task.id}`;
  return contentTitle ? `${t}: ${contentTitle}` : t;
}

// The filters as the dashboard applied them, one per line; a value with a comma in it is quoted.
function filterLines(dashboardFilters) {
  let filters;
  try { filters = decodeDashboardFilters(dashboardFilters); } catch { return [`Filters (not decodable): ${dashboardFilters}`]; }
  const names = Object.keys(filters);
  if (!names.length) return ['Filters: none'];
  const shown = (value) => (value.includes(',') || value === '' ? JSON.stringify(value) : value);
  return ['Filters:', ...names.map((name) => `  ${name}: ${filters[name].map(shown).join(', ')}`)];
}

/**
 * One-page PDF. extra: { paperSize, landscape, title }.
 * Without paperSize the page is width x height pixels at 96 dpi.
 */
export async function encodePdf(task, extra = {}) {
  let [pw, ph] = extra.paperSize && PAPER_SIZES[extra.paperSize]
    ? PAPER_SIZES[extra.paperSize]
    : [Math.max(72, (task.width || 1280) * 0.75), Math.max(72, (task.height || 720) * 0.75)];
  if (extra.paperSize && extra.landscape) [pw, ph] = [ph, pw];
  const doc = await PDFDocument.create();
  const date = new Date(task.created_at || 0);
  const title = titleFor(task, extra.title);
  doc.setTitle(pdfText(title));
  doc.setProducer('looker-render sandbox');
  doc.setCreator('looker-render sandbox');
  doc.setCreationDate(isNaN(date) ? new Date(0) : date);
  doc.setModificationDate(isNaN(date) ? new Date(0) : date);
  const page = doc.addPage([pw, ph]);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const margin = Math.min(pw, ph) * 0.06;
  const titleSize = Math.max(8, Math.min(28, pw / 30));
  const textSize = titleSize * 0.5;
  let y = ph - margin - titleSize;
  page.drawText(pdfText(title), { x: margin, y, size: titleSize, font: bold, color: rgb(0.15, 0.16, 0.17) });
  y -= titleSize * 0.9;
  const lines = [
    ...filterLines(task.dashboard_filters),
    `Style: ${task.dashboard_style || 'default'}`,
    `Render task ${task.id} (${task.width}x${task.height})`,
  ];
  for (const l of lines) {
    y -= textSize * 1.4;
    page.drawText(pdfText(l), { x: margin, y, size: textSize, font, color: rgb(0.3, 0.32, 0.34) });
  }
  // Bar chart in the space below the text.
  const cx0 = margin, cx1 = pw - margin, cy0 = margin, cy1 = y - textSize * 2;
  if (cy1 - cy0 > 20) {
    const values = chartValues(task.id);
    const slot = (cx1 - cx0) / values.length;
    values.forEach((v, i) => {
      const [r, g, b] = PALETTE[i % PALETTE.length];
      page.drawRectangle({
        x: cx0 + slot * i + slot * 0.2, y: cy0, width: slot * 0.6, height: (cy1 - cy0) * v,
        color: rgb(r / 255, g / 255, b / 255),
      });
    });
    page.drawLine({ start: { x: cx0, y: cy0 }, end: { x: cx1, y: cy0 }, thickness: 1, color: rgb(0.37, 0.39, 0.41) });
  }
  return Buffer.from(await doc.save());
}

/** { contentType, bytes } for a finished task. */
export async function renderResult(task, extra = {}) {
  const w = task.width || 800, h = task.height || 600;
  const contentType = CONTENT_TYPES[task.result_format];
  switch (task.result_format) {
    case 'png': return { contentType, bytes: encodePng(w, h, task.id) };
    case 'jpg': return { contentType, bytes: encodeJpeg(w, h, task.id) };
    case 'pdf': return { contentType, bytes: await encodePdf(task, extra) };
    default: throw new Error(`cannot render result_format ${task.result_format}`);
  }
}
