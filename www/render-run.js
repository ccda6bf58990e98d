// One render from the form: `client.render()` with a live timeline, stepper
// and progress bar from its onProgress, Cancel, and the result to view and
// download.
import { el, ui } from './dom.js';
import { KINDS, FORMAT_LABELS, MIME_TYPES, STAGES, STATUS_LABELS, statusStep, buildRenderRequest, fileName, formatSeconds, formatBytes } from './model.js';
import { prepareClient } from './connection.js';
import { showError } from './error-view.js';
import { statusBadge, taskLink } from './task-panel.js';
import { formValues } from './render-form.js';

let run = null; // the render in progress: { controller, started, polls, lastStatus, taskId, task, cancelled, values, timer }
let lastBlobUrl = null;

export const isRendering = () => run !== null;

function setRunning(running) {
  ui.renderButton.disabled = running;
  ui.cancelButton.disabled = !running;
  ui.renderButton.textContent = running ? 'Rendering…' : 'Render';
  ui.output.setAttribute('aria-busy', String(running));
  if (running) ui.output.dataset.state = 'running';
}

function resetOutput() {
  ui.output.hidden = false;
  delete ui.output.dataset.cancelledAt;
  ui.output.dataset.state = 'running';
  ui.timeline.replaceChildren();
  ui.runtimes.replaceChildren();
  ui.runtimes.hidden = true;
  ui.renderError.hidden = true;
  ui.renderError.replaceChildren();
  ui.result.hidden = true;
  ui.resultView.replaceChildren();
  ui.fit.hidden = true;
  ui.openTab.hidden = true;
  ui.openTab.removeAttribute('href');
  ui.download.removeAttribute('href');
  if (lastBlobUrl) URL.revokeObjectURL(lastBlobUrl);
  lastBlobUrl = null;
  ui.progress.removeAttribute('value'); // indeterminate until the first status
  ui.stepper.replaceChildren(...[...STAGES, 'success'].map((status) => el('li', { 'data-status': status },
    el('span', { class: 'dot' }), el('span', { class: 'step-label', text: STATUS_LABELS[status] }))));
}

const elapsedSeconds = (render) => (performance.now() - render.started) / 1000;

function tick() {
  if (run) ui.elapsed.textContent = formatSeconds(elapsedSeconds(run));
}

/** A timeline row: a status of the task, or one of the page's own events (`extraClass`: request, cancelled). */
function addTimeline(render, status, detail, extraClass) {
  const item = el('li', { 'data-status': status, class: extraClass },
    statusBadge(status),
    el('span', { class: 'timeline-label', text: STATUS_LABELS[status] ?? (extraClass ? '' : 'Unknown status') }),
    el('time', { class: 'timeline-time', dateTime: new Date().toISOString(), text: `+${elapsedSeconds(render).toFixed(2)} s` }),
    el('span', { class: 'timeline-clock', text: new Date().toLocaleTimeString() }),
    detail ? el('span', { class: 'timeline-detail', text: detail }) : null,
  );
  ui.timeline.append(item);
  return item;
}

function onProgress(render, task) {
  if (run !== render || render.cancelled || !task) return;
  render.polls += 1;
  render.task = task;
  if (task.id && !render.taskId) {
    render.taskId = task.id;
    ui.output.dataset.taskId = task.id;
  }
  const status = task.status ?? 'unknown';
  if (status !== render.lastStatus) {
    render.lastStatus = status;
    addTimeline(render, status, status === 'failure' ? task.status_detail : null);
    const step = statusStep(status);
    if (step) ui.progress.value = step;
    const last = ui.stepper.lastElementChild;
    last.dataset.status = status === 'failure' ? 'failure' : 'success';
    last.querySelector('.step-label').textContent = STATUS_LABELS[last.dataset.status];
    for (const item of ui.stepper.children) {
      const itemStep = statusStep(item.dataset.status);
      item.className = itemStep < step ? 'done'
        : itemStep === step ? (status === 'failure' ? 'failed' : status === 'success' ? 'done' : 'current') : '';
    }
  }
  ui.status.replaceChildren(
    el('strong', { text: STATUS_LABELS[status] ?? status }),
    render.taskId ? ' · task ' : '',
    render.taskId ? taskLink(render.taskId) : '',
  );
  showRuntimes(task);
}

function showRuntimes(task) {
  const rows = [['Total', task.runtime], ['Query', task.query_runtime], ['Render', task.render_runtime]]
    .filter(([, seconds]) => typeof seconds === 'number');
  ui.runtimes.hidden = rows.length === 0;
  ui.runtimes.replaceChildren(...rows.map(([name, seconds]) =>
    el('div', {}, el('dt', { text: `${name} runtime` }), el('dd', { text: formatSeconds(seconds), 'data-runtime': name.toLowerCase() }))));
}

export async function startRender(event) {
  event.preventDefault();
  if (run) return;
  if (!ui.renderForm.checkValidity()) {
    ui.renderForm.reportValidity();
    return;
  }
  const values = formValues();
  resetOutput();
  const { request, lib, client, error } = await prepareClient(() => buildRenderRequest(values));
  if (error) {
    ui.output.dataset.state = 'error';
    ui.status.replaceChildren(el('strong', { text: 'Not started' }));
    ui.progress.value = 0;
    showError(ui.renderError, error, lib);
    return;
  }

  const render = { controller: new AbortController(), started: performance.now(), polls: 0, lastStatus: null, taskId: null, task: null, cancelled: false, values };
  run = render;
  setRunning(true);
  ui.status.replaceChildren(el('strong', { text: 'Creating the render task…' }));
  const path = `/render_tasks/${KINDS[values.kind].path}/${encodeURIComponent(values.id.trim())}/${values.format}`;
  addTimeline(render, 'request', `POST ${path}`, 'request').querySelector('.badge').textContent = 'sent';
  render.timer = setInterval(tick, 100);
  tick();

  try {
    const result = await client.render(request, { signal: render.controller.signal, onProgress: (task) => onProgress(render, task) });
    if (render.cancelled) return;
    onProgress(render, result.task);
    finish(render, 'success');
    showResult(render, result);
  } catch (error) {
    if (render.cancelled) return; // cancelRender() has said so already
    if (error?.task) onProgress(render, error.task);
    finish(render, 'error');
    ui.status.replaceChildren(el('strong', { text: error?.task?.status === 'failure' ? 'The render failed' : 'Something went wrong' }),
      render.taskId ? ' · task ' : '', render.taskId ? taskLink(render.taskId) : '');
    showError(ui.renderError, error, lib);
  } finally {
    client.free?.(); // wasm memory now, not at garbage collection
  }
}

function finish(render, state) {
  clearInterval(render.timer);
  tick();
  if (run === render) run = null;
  setRunning(false);
  ui.output.dataset.state = state;
}

export function cancelRender() {
  const render = run;
  if (!render) return;
  const cancelledAt = Date.now(); // when Cancel was pressed: no poll may start after it
  render.cancelled = true;
  render.controller.abort();
  const seconds = elapsedSeconds(render);
  finish(render, 'cancelled');
  ui.output.dataset.cancelledAt = String(cancelledAt);
  for (const item of ui.stepper.querySelectorAll('.current')) item.className = 'failed';
  addTimeline(render, 'cancelled', 'Stopped polling', 'cancelled').querySelector('.badge').className = 'badge failure';
  ui.status.replaceChildren(
    el('strong', { text: `Cancelled after ${seconds.toFixed(1)} s.` }),
    render.taskId ? ' No more polling of task ' : ' No more requests will be sent.',
    render.taskId ? taskLink(render.taskId) : '',
    render.taskId ? '; Looker may still finish it in the background.' : '',
  );
  ui.renderButton.focus();
}

function showResult(render, { bytes, contentType, task }) {
  const format = task?.result_format || render.values.format;
  const type = (contentType || MIME_TYPES[format] || 'application/octet-stream').split(';')[0].trim();
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  lastBlobUrl = url;
  const name = fileName(render.values.kind, render.values.id, format);
  ui.download.href = url;
  ui.download.download = name;
  ui.download.textContent = `Download ${name}`;
  const what = `${KINDS[render.values.kind].label} ${render.values.id.trim()}`;
  const info = [FORMAT_LABELS[format] ?? type, formatBytes(bytes.length)];
  ui.resultView.classList.remove('fit');
  ui.fit.setAttribute('aria-pressed', 'false');
  if (type.startsWith('image/')) {
    const img = el('img', { src: url, alt: `${what} rendered as ${format.toUpperCase()}`, 'data-testid': 'result-image' });
    img.decode().then(() => {
      ui.resultInfo.textContent = [`${img.naturalWidth} × ${img.naturalHeight}`, ...info].join(' · ');
      requestAnimationFrame(() => { ui.fit.hidden = img.naturalWidth <= ui.resultView.clientWidth; });
    }, () => {});
    ui.resultView.replaceChildren(img);
  } else if (type === 'application/pdf') {
    ui.resultView.replaceChildren(el('iframe', { src: url, title: `${what} as PDF`, 'data-testid': 'result-pdf', type }));
    // Phones rarely show a PDF inside a page: offer the browser's own viewer too.
    ui.openTab.href = url;
    ui.openTab.hidden = false;
  } else {
    ui.resultView.replaceChildren(el('p', { class: 'hint', text: `Looker answered with ${type}, which this page cannot show; download it instead.` }));
  }
  ui.resultInfo.textContent = info.join(' · ');
  ui.result.hidden = false;
  ui.status.replaceChildren(el('strong', { text: `Done in ${formatSeconds(elapsedSeconds(render))}` }), ' · task ', taskLink(task?.id ?? render.taskId ?? '?'));
}

/** Fit a wide image to the panel, or back to its own size. */
export function toggleFit() {
  const fit = ui.resultView.classList.toggle('fit');
  ui.fit.setAttribute('aria-pressed', String(fit));
}
