// The "Get render task" panel: one render task, every property of it, as
// `client.renderTask()` returns it. Also the status badge and the task-id
// link the render panel shows.
import { el, ui } from './dom.js';
import { STATUS_LABELS, statusTone, taskEntries } from './model.js';
import { libReady } from './library.js';
import { makeClient } from './connection.js';
import { showError } from './error-view.js';

let getController = null; // the fetch in flight; a newer one supersedes it

/** A status as a coloured badge. */
export function statusBadge(status) {
  return el('span', {
    class: `badge ${statusTone(status)}`, 'data-testid': 'status-badge',
    title: STATUS_LABELS[status] ?? 'A status this page does not know', text: status ?? 'unknown',
  });
}

/** A task id that opens the task in this panel. */
export function taskLink(id) {
  return el('button', {
    type: 'button', class: 'link mono', 'data-testid': 'task-id', title: 'Show this task in "Get render task"', text: id,
    onclick: () => { ui.taskId.value = id; fetchTask(id); ui.taskId.scrollIntoView({ block: 'center', behavior: 'smooth' }); },
  });
}

/** The example task id is a sandbox fixture: offer it only when the API is the page's own host. */
export function showExampleTaskIfSandbox() {
  let sameOrigin = false;
  try { sameOrigin = new URL(ui.baseUrl.value.trim()).origin === location.origin; } catch { /* not a URL yet */ }
  ui.exampleHint.hidden = !sameOrigin;
}

export async function fetchTask(id) {
  id = String(id ?? '').trim();
  if (!id) {
    ui.taskId.focus();
    ui.getForm.reportValidity();
    return;
  }
  getController?.abort();
  const controller = new AbortController();
  getController = controller;
  ui.getOutput.hidden = false;
  ui.getOutput.setAttribute('aria-busy', 'true');
  ui.getOutput.dataset.state = 'loading';
  ui.getButton.disabled = true;
  ui.refresh.disabled = true;
  ui.refresh.dataset.taskId = id;
  ui.getMeta.textContent = 'Loading…';
  ui.table.classList.add('stale');
  let lib;
  let client;
  try {
    lib = await libReady;
    client = makeClient(lib);
    const task = await client.renderTask(id, { signal: controller.signal });
    if (getController !== controller) return;
    ui.getError.hidden = true;
    showTask(task);
    ui.getMeta.textContent = `Fetched at ${new Date().toLocaleTimeString()}`;
    ui.getOutput.dataset.state = 'done';
  } catch (error) {
    if (getController !== controller) return;
    ui.getBadge.replaceChildren();
    ui.table.hidden = true;
    ui.getMeta.textContent = '';
    showError(ui.getError, error, lib);
    ui.getOutput.dataset.state = 'error';
  } finally {
    client?.free?.(); // wasm memory now, not at garbage collection
    if (getController === controller) {
      ui.getButton.disabled = false;
      ui.refresh.disabled = false;
      ui.getOutput.setAttribute('aria-busy', 'false');
      ui.table.classList.remove('stale');
    }
  }
}

function showTask(task) {
  ui.getBadge.replaceChildren(statusBadge(task.status), ' ', el('span', { class: 'hint', text: STATUS_LABELS[task.status] ?? '' }));
  ui.table.tBodies[0].replaceChildren(...taskEntries(task).map(([key, value]) =>
    el('tr', { 'data-field': key }, el('th', { scope: 'row' }, el('code', { text: key })), el('td', {}, cell(key, value)))));
  ui.table.hidden = false;
}

function cell(key, value) {
  if (value === null || value === undefined) return el('span', { class: 'null', text: 'null' });
  if (key === 'status') return statusBadge(value);
  if (key === 'can' && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return el('span', { class: 'null', text: '{}' });
    return el('ul', { class: 'can' }, entries.map(([name, allowed]) => el('li', { class: allowed ? 'yes' : 'no' }, el('code', { text: name }), `: ${allowed}`)));
  }
  if (/runtime$/.test(key) && typeof value === 'number') {
    return el('span', {}, String(value), el('span', { class: 'hint', text: ' s' }));
  }
  if (/_at$/.test(key) && typeof value === 'string') {
    const date = new Date(value);
    return el('span', {}, el('span', { class: 'mono', text: value }),
      Number.isNaN(date.getTime()) ? null : el('span', { class: 'hint block', text: date.toLocaleString() }));
  }
  if (typeof value === 'object') return el('code', { class: 'mono', text: JSON.stringify(value) });
  return el('span', { class: /id$/.test(key) ? 'mono' : null, text: String(value) });
}
