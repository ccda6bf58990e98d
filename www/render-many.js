// The many mode: one dashboard rendered as a PDF once per value of one filter
// with `client.renderMany()`, a row per value with its live stage (from
// onProgress), Cancel for the whole batch, and the PDFs that succeeded merged
// (`mergePdfs`, in the order of the values) into one download.
import { el, ui } from './dom.js';
import {
  KINDS, FORMAT_LABELS, STATUS_LABELS, buildManyRequests, filterValues, batchCounts, batchSummary,
  fileName, formatBytes, formatSeconds, jsLiteral,
} from './model.js';
import { loadPdf } from './library.js';
import { prepareClient } from './connection.js';
import { showError, errorTitle } from './error-view.js';
import { statusBadge, taskLink } from './task-panel.js';
import { clientPreview } from './render-form.js';

let batch = null; // the batch in progress: { controller, rows, started, cancelled, lib, values }
let lastBlobUrl = null;

export const isRenderingMany = () => batch !== null;

// A row's stages besides Looker's statuses: before its render starts, and after a Cancel.
const PAGE_STAGES = {
  pending: { tone: '', label: 'Waiting for a free slot' },
  cancelled: { tone: 'failure', label: 'Cancelled' },
};
const FINISHED = new Set(['success', 'failure', 'cancelled']);

/** Shows the form and output of the chosen mode; the single render's output only once it has one. */
export function syncMode() {
  const many = ui.modeMany.checked;
  ui.renderForm.hidden = many;
  ui.output.hidden = many || !ui.output.dataset.state;
  ui.manyPanel.hidden = !many;
  if (many) updateManyCode();
}

export function manyValues() {
  return { id: ui.manyDashboard.value, filter: ui.manyFilter.value, values: ui.manyValues.value, concurrency: ui.manyConcurrency.value };
}

/** The hint under the dashboard ID: the size and format each value is rendered at (the table's dashboard defaults). */
export function describeManyRender() {
  const { example, defaultWidth, defaultHeight } = KINDS.dashboard;
  ui.manyDashboardHint.textContent = `For example ${example}. Each value is rendered as a ${defaultWidth} × ${defaultHeight} PDF.`;
}

/** The code preview: the renderMany loop and the merge the form describes. */
export function updateManyCode() {
  const values = manyValues();
  const { defaultWidth, defaultHeight } = KINDS.dashboard;
  const filter = values.filter.trim() || 'Region';
  const key = /^[A-Za-z_$][\w$]*$/.test(filter) ? filter : jsLiteral(filter);
  ui.manyCode.textContent = [
    ...clientPreview(["import { mergePdfs } from 'looker-render/pdf';"]),
    `const values = ${jsLiteral(filterValues(values.values)).replace(/\s*\n\s*/g, ' ')};`,
    'const requests = values.map((value) => ({',
    `  dashboard_id: ${jsLiteral(values.id.trim() || '…')}, result_format: 'pdf', width: ${defaultWidth}, height: ${defaultHeight},`,
    `  body: { dashboard_filters: { ${key}: value } },`,
    '}));',
    'const pdfs = [];',
    'for await (const { index, ok, bytes, error } of client.renderMany(requests, {',
    `  concurrency: ${Number(values.concurrency) || 2},`,
    '  signal: controller.signal,',
    '  onProgress: (index, task) => console.log(values[index], task.status),',
    '})) {',
    '  if (ok) pdfs[index] = bytes;',
    '  else console.error(values[index], error.message);',
    '}',
    'const merged = await mergePdfs(pdfs.filter(Boolean)); // in the order of the values',
  ].join('\n');
}

function setRunning(running) {
  ui.manyButton.disabled = running;
  ui.manyCancel.disabled = !running;
  ui.manyButton.textContent = running ? 'Rendering…' : 'Render all';
  ui.manyOutput.setAttribute('aria-busy', String(running));
}

function resetOutput() {
  ui.manyOutput.hidden = false;
  delete ui.manyOutput.dataset.cancelledAt;
  ui.manyOutput.dataset.state = 'running';
  ui.manyTable.tBodies[0].replaceChildren();
  ui.manyError.hidden = true;
  ui.manyError.replaceChildren();
  ui.manyResult.hidden = true;
  ui.manyView.replaceChildren();
  ui.manyDownload.removeAttribute('href');
  ui.manyOpenTab.removeAttribute('href');
  if (lastBlobUrl) URL.revokeObjectURL(lastBlobUrl);
  lastBlobUrl = null;
  ui.manyProgress.removeAttribute('value');
}

function makeRow(value, index) {
  const tr = el('tr', { 'data-testid': 'many-row', 'data-index': String(index) },
    el('th', { scope: 'row', class: 'many-value', text: value }),
    el('td', { class: 'many-stage' }),
    el('td', { class: 'many-task' }));
  const row = { value, status: null, taskId: null, tr };
  setStage(row, 'pending');
  return row;
}

/** A row's stage: a badge and its label, and for a failed one what went wrong. */
function setStage(row, status, error, lib) {
  row.status = status;
  row.tr.dataset.status = status;
  const page = PAGE_STAGES[status];
  const badge = page ? el('span', { class: `badge ${page.tone}`, 'data-testid': 'status-badge', text: status }) : statusBadge(status);
  const label = el('span', { class: 'many-label', text: page?.label ?? STATUS_LABELS[status] ?? status });
  row.tr.cells[1].replaceChildren(badge, ' ', label);
  if (error) {
    row.tr.cells[1].append(el('p', { class: 'many-row-error', 'data-testid': 'many-row-error' },
      el('strong', { text: `${errorTitle(error, lib)}: ` }), error.message ?? String(error)));
  }
  if (error) row.tr.dataset.error = error.name ?? 'Error';
}

function setTask(row, id) {
  if (!id || row.taskId) return;
  row.taskId = id;
  row.tr.dataset.taskId = id;
  row.tr.cells[2].replaceChildren(taskLink(id));
}

/** The count line (aria-live: it changes only when a render starts or finishes) and the progress bar. */
function showCounts(run) {
  const counts = batchCounts(run.rows.map((row) => row.status));
  const text = batchSummary(counts);
  if (ui.manyStatus.textContent !== text) ui.manyStatus.textContent = text;
  ui.manyProgress.max = counts.total;
  ui.manyProgress.value = counts.success + counts.failure;
  return counts;
}

function onProgress(run, index, task) {
  if (batch !== run || run.cancelled || !task) return;
  const row = run.rows[index];
  setTask(row, task.id);
  if (task.status && task.status !== row.status && !FINISHED.has(row.status)) setStage(row, task.status);
  showCounts(run);
}

function finishRow(run, outcome) {
  const row = run.rows[outcome.index];
  const task = outcome.ok ? outcome.task : outcome.error?.task;
  setTask(row, task?.id);
  if (outcome.ok) setStage(row, 'success');
  else setStage(row, 'failure', outcome.error, run.lib);
  showCounts(run);
}

export async function startMany(event) {
  event.preventDefault();
  if (batch) return;
  if (!ui.manyForm.checkValidity()) {
    ui.manyForm.reportValidity();
    return;
  }
  const values = manyValues();
  resetOutput();
  const { request: requests, lib, client, error } = await prepareClient(() => buildManyRequests(values));
  if (error) {
    ui.manyOutput.dataset.state = 'error';
    ui.manyStatus.textContent = 'Not started';
    showError(ui.manyError, error, lib);
    return;
  }

  const run = { controller: new AbortController(), started: performance.now(), cancelled: false, lib, values };
  run.rows = filterValues(values.values).map(makeRow);
  batch = run;
  ui.manyTable.tBodies[0].replaceChildren(...run.rows.map((row) => row.tr));
  setRunning(true);
  showCounts(run);
  const outcomes = [];
  try {
    const options = { concurrency: Number(values.concurrency), signal: run.controller.signal, onProgress: (index, task) => onProgress(run, index, task) };
    for await (const outcome of client.renderMany(requests, options)) {
      outcomes[outcome.index] = outcome;
      finishRow(run, outcome);
    }
  } catch (error) {
    if (run.cancelled) return; // cancelMany() has said so already
    finish(run, 'error'); // a request or option the library refused: nothing was sent
    showError(ui.manyError, error, lib);
    return;
  } finally {
    client.free?.(); // wasm memory now, not at garbage collection
  }
  await offerMerged(run, outcomes);
}

/** Merges the PDFs that succeeded, in the order of the values, and offers the one file. */
async function offerMerged(run, outcomes) {
  const succeeded = outcomes.filter((outcome) => outcome.ok);
  const failed = run.rows.filter((row) => row.status === 'failure');
  const seconds = formatSeconds((performance.now() - run.started) / 1000);
  if (!succeeded.length) {
    finish(run, 'error');
    ui.manyStatus.textContent = `None of the ${run.rows.length} renders succeeded, so there is no PDF to merge (${seconds}).`;
    return;
  }
  ui.manyOutput.dataset.state = 'merging';
  ui.manyStatus.textContent = `Merging ${succeeded.length} PDF${succeeded.length === 1 ? '' : 's'}…`;
  let merged;
  try {
    const { mergePdfs } = await loadPdf();
    merged = await mergePdfs(succeeded.map((outcome) => outcome.bytes));
  } catch (error) {
    if (run.cancelled) return;
    finish(run, 'error');
    ui.manyStatus.textContent = 'The renders finished, but their PDFs could not be merged.';
    showError(ui.manyError, error, run.lib);
    return;
  }
  if (run.cancelled) return;
  const url = URL.createObjectURL(new Blob([merged], { type: 'application/pdf' }));
  lastBlobUrl = url;
  const id = run.values.id.trim();
  const filter = run.values.filter.trim();
  const name = fileName('dashboard', `${id}-${filter}`, 'pdf');
  ui.manyDownload.href = url;
  ui.manyDownload.download = name;
  ui.manyDownload.textContent = `Download ${name}`;
  ui.manyOpenTab.href = url;
  ui.manyResult.dataset.merged = String(succeeded.length);
  ui.manyResultInfo.textContent = [
    FORMAT_LABELS.pdf,
    `${succeeded.length} of ${run.rows.length} values`,
    failed.length ? `without ${failed.map((row) => row.value).join(', ')}` : null,
    formatBytes(merged.length),
  ].filter(Boolean).join(' · ');
  ui.manyView.replaceChildren(el('iframe', { src: url, title: `Dashboard ${id} for each ${filter}, as one PDF`, 'data-testid': 'many-pdf', type: 'application/pdf' }));
  ui.manyResult.hidden = false;
  finish(run, 'done');
  ui.manyStatus.textContent = `${batchSummary(batchCounts(run.rows.map((row) => row.status)))} · one PDF, in ${seconds}`;
}

function finish(run, state) {
  if (batch === run) batch = null;
  setRunning(false);
  ui.manyOutput.dataset.state = state;
}

/** Stops the whole batch: no request after it; the rows not finished say Cancelled. */
export function cancelMany() {
  const run = batch;
  if (!run) return;
  const cancelledAt = Date.now(); // when Cancel was pressed: no request may start after it
  run.cancelled = true;
  run.controller.abort();
  for (const row of run.rows) if (!FINISHED.has(row.status)) setStage(row, 'cancelled');
  finish(run, 'cancelled');
  ui.manyOutput.dataset.cancelledAt = String(cancelledAt);
  const counts = showCounts(run);
  ui.manyStatus.textContent = `Cancelled after ${((performance.now() - run.started) / 1000).toFixed(1)} s, with ${counts.success + counts.failure} of ${counts.total} finished. `
    + 'No more requests will be sent; Looker may still finish tasks already started.';
  ui.manyButton.focus();
}
