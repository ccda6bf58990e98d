// The looker-render demo page: a form for `client.render()` with a live
// timeline, and a "Get render task" panel for `client.renderTask()`.
// Plain DOM, no framework; every string from Looker goes in as text.

import {
  KINDS, FORMAT_LABELS, MIME_TYPES, STAGES, STATUS_LABELS, statusStep, statusTone,
  buildRenderRequest, fileName, formatSeconds, formatBytes, taskEntries,
  defaultsFromQuery, defaultsFromSandbox,
} from './model.js';

// Relative, so it resolves to /pkg/web/index.js both when www/ is served at
// the root (the sandbox) and when the repository root is served as is.
const LIB_URL = new URL('../pkg/web/index.js', import.meta.url).href;
const SANDBOX_INFO = '/__sandbox/info';

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'title' || k === 'href' || k === 'type') node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children.flat()) if (c != null && c !== false) node.append(c);
  return node;
};

const ui = {
  banner: $('lib-banner'),
  baseUrl: $('base-url'), token: $('token'), tokenToggle: $('token-toggle'),
  clientId: $('client-id'), clientSecret: $('client-secret'), defaultsSource: $('defaults-source'),
  renderForm: $('render-form'), kind: $('kind'), id: $('content-id'), idLabel: $('content-id-label'), idHint: $('content-id-hint'),
  format: $('format'), width: $('width'), height: $('height'),
  dashboardOptions: $('dashboard-options'), filters: $('filters'), style: $('style'), tabIds: $('tab-ids'),
  paperSize: $('paper-size'), longTables: $('long-tables'),
  renderButton: $('render-button'), cancelButton: $('cancel-button'), elapsed: $('elapsed'), code: $('code-preview'),
  output: $('render-output'), status: $('render-status'), progress: $('render-progress'), stepper: $('stepper'),
  timeline: $('timeline'), runtimes: $('runtimes'), renderError: $('render-error'),
  result: $('result'), resultInfo: $('result-info'), resultView: $('result-view'), download: $('download'), fit: $('fit-toggle'), openTab: $('open-tab'),
  getForm: $('get-form'), taskId: $('task-id'), getButton: $('get-button'), getOutput: $('get-output'),
  getBadge: $('get-badge'), getMeta: $('get-meta'), refresh: $('refresh-button'), getError: $('get-error'), table: $('task-table'),
};

// ---------------------------------------------------------------- library

const libReady = import(LIB_URL).then((lib) => {
  if (typeof lib.LookerClient?.prototype?.render !== 'function') {
    showBanner('info', 'This build of looker-render has no render() yet, so the Render panel cannot run; "Get render task" works.');
  } else {
    ui.banner.hidden = true;
  }
  document.documentElement.dataset.lib = 'ready';
  return lib;
}, (error) => {
  showBanner('error', `Could not load looker-render from ${LIB_URL}: ${error.message}. Build it with "npm run build" and serve the repository with "npm start".`);
  document.documentElement.dataset.lib = 'failed';
  throw error;
});
libReady.catch(() => {});

function showBanner(kind, text) {
  ui.banner.className = `banner ${kind}`;
  ui.banner.textContent = text;
  ui.banner.hidden = false;
}

// ---------------------------------------------------------------- connection

async function loadDefaults() {
  const fromQuery = defaultsFromQuery(location.search);
  let fromSandbox = {};
  let sandboxPath = null;
  const complete = fromQuery.baseUrl && (fromQuery.token || (fromQuery.clientId && fromQuery.clientSecret));
  if (!complete && /^https?:$/.test(location.protocol)) {
    try {
      const response = await fetch(SANDBOX_INFO, { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (response.ok && /json/.test(response.headers.get('content-type') ?? '')) {
        fromSandbox = defaultsFromSandbox(await response.json());
        if (Object.keys(fromSandbox).length) sandboxPath = SANDBOX_INFO;
      }
    } catch { /* not a sandbox: fine */ }
  }
  const origin = /^https?:$/.test(location.protocol) ? location.origin : '';
  const defaults = { baseUrl: origin, ...fromSandbox, ...fromQuery };
  // Only fill what the user has not typed into while we were asking.
  const fill = (input, value) => { if (value && !input.value) input.value = value; };
  fill(ui.baseUrl, defaults.baseUrl);
  fill(ui.token, defaults.token);
  fill(ui.clientId, defaults.clientId);
  fill(ui.clientSecret, defaults.clientSecret);
  if (!defaults.token && defaults.clientId && defaults.clientSecret) setAuth('credentials');

  const sources = [];
  if (Object.keys(fromQuery).length) sources.push('the page address');
  if (sandboxPath) sources.push(`the sandbox (${sandboxPath})`);
  ui.defaultsSource.textContent = sources.length
    ? `Filled in from ${sources.join(' and ')}.`
    : 'Nothing to fill in from: enter your Looker API host and credentials.';
  syncExample();
  ui.defaultsSource.dataset.source = sandboxPath ? (Object.keys(fromQuery).length ? 'query+sandbox' : 'sandbox') : (Object.keys(fromQuery).length ? 'query' : 'origin');
  updateCode();
}

function authMode() {
  return document.querySelector('input[name="auth"]:checked').value;
}

function setAuth(mode) {
  document.querySelector(`input[name="auth"][value="${mode}"]`).checked = true;
  syncAuth();
}

function syncAuth() {
  const credentials = authMode() === 'credentials';
  $('token-field').hidden = credentials;
  $('client-id-field').hidden = !credentials;
  $('client-secret-field').hidden = !credentials;
  updateCode();
}

function connection() {
  const baseUrl = ui.baseUrl.value.trim();
  if (authMode() === 'credentials') {
    return { baseUrl, clientId: ui.clientId.value.trim(), clientSecret: ui.clientSecret.value };
  }
  const token = ui.token.value.trim();
  return token ? { baseUrl, accessToken: token } : { baseUrl };
}

/** A client for the connection fields; a TypeError (bad base URL, unknown option) goes to the caller. */
function makeClient(lib) {
  const options = connection();
  if (!options.baseUrl) {
    ui.baseUrl.focus();
    throw new TypeError('Enter the base URL of your Looker API host, such as https://acme.looker.com:19999.');
  }
  if ('clientId' in options && (!options.clientId || !options.clientSecret)) {
    throw new TypeError('Enter both the client ID and the client secret, or sign in with an access token.');
  }
  return new lib.LookerClient(options);
}

// ---------------------------------------------------------------- render form

function formValues() {
  return {
    kind: ui.kind.value,
    id: ui.id.value,
    format: ui.format.value,
    width: ui.width.value,
    height: ui.height.value,
    dashboard_filters: ui.filters.value,
    dashboard_style: ui.style.value,
    tab_ids: ui.tabIds.value,
    pdf_paper_size: ui.paperSize.value,
    orientation: document.querySelector('input[name="orientation"]:checked').value,
    long_tables: ui.longTables.checked,
  };
}

function syncKind({ resetSize = true } = {}) {
  const kind = KINDS[ui.kind.value];
  const previous = ui.format.value;
  ui.format.replaceChildren(...kind.formats.map((f) => el('option', { value: f, text: FORMAT_LABELS[f] })));
  // Keep a format the user chose if it fits; otherwise the kind's usual one (PDF for dashboards).
  ui.format.value = ui.format.dataset.touched && kind.formats.includes(previous) ? previous : kind.formats[0];
  ui.idLabel.textContent = `${kind.label} ID`;
  ui.idHint.textContent = `For example ${kind.example}.`;
  if (resetSize) {
    if (!ui.width.dataset.touched) ui.width.value = kind.width;
    if (!ui.height.dataset.touched) ui.height.value = kind.height;
  }
  ui.dashboardOptions.hidden = ui.kind.value !== 'dashboard';
  syncFormat();
}

function syncFormat() {
  const pdf = ui.format.value === 'pdf';
  for (const node of ui.dashboardOptions.querySelectorAll('.pdf-only')) {
    node.classList.toggle('disabled', !pdf);
    for (const input of node.querySelectorAll('input, select')) input.disabled = !pdf;
    if (node.matches('input, select')) node.disabled = !pdf;
  }
  updateCode();
}

/** The example task id is a sandbox fixture: offer it only when the API is the page's own host. */
function syncExample() {
  let same = false;
  try { same = new URL(ui.baseUrl.value.trim()).origin === location.origin; } catch { /* not a URL yet */ }
  $('example-hint').hidden = !same;
}

function updateCode() {
  let request;
  try {
    request = buildRenderRequest(formValues());
  } catch {
    request = { [KINDS[ui.kind.value].idField]: '…', result_format: ui.format.value, width: Number(ui.width.value), height: Number(ui.height.value) };
  }
  const options = { baseUrl: ui.baseUrl.value.trim() || 'https://acme.looker.com:19999' };
  if (authMode() === 'credentials') Object.assign(options, { clientId: '…', clientSecret: '…' });
  else options.accessToken = '…';
  const js = (value, indent) => JSON.stringify(value, null, 2).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:').replace(/"/g, "'").replace(/\n/g, `\n${indent}`);
  ui.code.textContent = [
    "import { LookerClient } from 'looker-render';",
    '',
    `const client = new LookerClient(${js(options, '')});`,
    `const { task, bytes, contentType } = await client.render(${js(request, '')}, {`,
    '  signal: controller.signal,',
    '  onProgress: (task) => console.log(task.status),',
    '});',
  ].join('\n');
}

// ---------------------------------------------------------------- a render run

let run = null; // the render in progress: { controller, started, ... }
let lastBlobUrl = null;

function setRunning(running) {
  ui.renderButton.disabled = running;
  ui.cancelButton.disabled = !running;
  ui.renderButton.textContent = running ? 'Rendering…' : 'Render';
  ui.output.setAttribute('aria-busy', String(running));
  ui.output.dataset.state = running ? 'running' : ui.output.dataset.state;
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
  ui.stepper.replaceChildren(...[...STAGES, 'success'].map((s) => el('li', { 'data-status': s }, el('span', { class: 'dot' }), el('span', { class: 'step-label', text: STATUS_LABELS[s] }))));
}

function elapsedSeconds(r) {
  return (performance.now() - r.started) / 1000;
}

function tick() {
  if (!run) return;
  ui.elapsed.textContent = formatSeconds(elapsedSeconds(run));
}

function addTimeline(status, detail, extraClass, r = run) {
  const at = r ? elapsedSeconds(r) : 0;
  const item = el('li', { 'data-status': status, class: extraClass },
    badge(status),
    el('span', { class: 'timeline-label', text: STATUS_LABELS[status] ?? (extraClass ? '' : 'Unknown status') }),
    el('time', { class: 'timeline-time', dateTime: new Date().toISOString(), text: `+${at.toFixed(2)} s` }),
    el('span', { class: 'timeline-clock', text: new Date().toLocaleTimeString() }),
    detail ? el('span', { class: 'timeline-detail', text: detail }) : null,
  );
  ui.timeline.append(item);
  return item;
}

function badge(status) {
  const text = status ?? 'unknown';
  return el('span', { class: `badge ${statusTone(status)}`, 'data-testid': 'status-badge', title: STATUS_LABELS[status] ?? 'A status this page does not know', text });
}

function onProgress(r, task) {
  if (run !== r || r.cancelled || !task) return;
  r.polls += 1;
  r.task = task;
  if (task.id && !r.taskId) {
    r.taskId = task.id;
    ui.output.dataset.taskId = task.id;
  }
  const status = task.status ?? 'unknown';
  if (status !== r.lastStatus) {
    r.lastStatus = status;
    addTimeline(status, status === 'failure' ? task.status_detail : null);
    const step = statusStep(status);
    if (step) ui.progress.value = step;
    const last = ui.stepper.lastElementChild;
    last.dataset.status = status === 'failure' ? 'failure' : 'success';
    last.querySelector('.step-label').textContent = STATUS_LABELS[last.dataset.status];
    for (const li of ui.stepper.children) {
      const s = statusStep(li.dataset.status);
      li.className = s < step ? 'done' : s === step ? (status === 'failure' ? 'failed' : status === 'success' ? 'done' : 'current') : '';
    }
  }
  const label = STATUS_LABELS[status] ?? status;
  ui.status.replaceChildren(
    el('strong', { text: `${label}` }),
    r.taskId ? ` · task ` : '',
    r.taskId ? taskLink(r.taskId) : '',
  );
  showRuntimes(task);
}

function taskLink(id) {
  return el('button', {
    type: 'button', class: 'link mono', 'data-testid': 'task-id', title: 'Show this task in "Get render task"', text: id,
    onclick: () => { ui.taskId.value = id; fetchTask(id); ui.taskId.scrollIntoView({ block: 'center', behavior: 'smooth' }); },
  });
}

function showRuntimes(task) {
  const rows = [['Total', task.runtime], ['Query', task.query_runtime], ['Render', task.render_runtime]]
    .filter(([, v]) => typeof v === 'number');
  ui.runtimes.hidden = rows.length === 0;
  ui.runtimes.replaceChildren(...rows.flatMap(([name, v]) => [
    el('div', {}, el('dt', { text: `${name} runtime` }), el('dd', { text: formatSeconds(v), 'data-runtime': name.toLowerCase() })),
  ]));
}

async function startRender(event) {
  event.preventDefault();
  if (run) return;
  if (!ui.renderForm.checkValidity()) {
    ui.renderForm.reportValidity();
    return;
  }
  const values = formValues();
  resetOutput();
  let lib;
  let client;
  let request;
  try {
    request = buildRenderRequest(values);
    lib = await libReady;
    client = makeClient(lib);
    if (typeof client.render !== 'function') {
      client.free?.();
      throw new TypeError('This build of looker-render has no client.render() yet: rebuild the package from a newer main.');
    }
  } catch (error) {
    ui.output.dataset.state = 'error';
    ui.status.replaceChildren(el('strong', { text: 'Not started' }));
    ui.progress.value = 0;
    showError(ui.renderError, error, lib);
    return;
  }

  const r = { controller: new AbortController(), started: performance.now(), polls: 0, lastStatus: null, taskId: null, task: null, cancelled: false, values };
  run = r;
  setRunning(true);
  ui.status.replaceChildren(el('strong', { text: 'Creating the render task…' }));
  addTimeline('request', `POST /render_tasks/${KINDS[values.kind].path}/${encodeURIComponent(values.id.trim())}/${values.format}`, 'request').querySelector('.badge').textContent = 'sent';
  r.timer = setInterval(tick, 100);
  tick();

  try {
    const result = await client.render(request, { signal: r.controller.signal, onProgress: (task) => onProgress(r, task) });
    if (r.cancelled) return;
    onProgress(r, result.task);
    finish(r, 'success');
    showResult(r, result);
  } catch (error) {
    if (r.cancelled) return; // cancel() has said so already
    if (error?.task) onProgress(r, error.task);
    finish(r, 'error');
    ui.status.replaceChildren(el('strong', { text: error?.task?.status === 'failure' ? 'The render failed' : 'Something went wrong' }),
      r.taskId ? ' · task ' : '', r.taskId ? taskLink(r.taskId) : '');
    showError(ui.renderError, error, lib);
  } finally {
    try { client.free?.(); } catch { /* already freed */ }
  }
}

function finish(r, state) {
  clearInterval(r.timer);
  tick();
  if (run === r) run = null;
  setRunning(false);
  ui.output.dataset.state = state;
  ui.output.setAttribute('aria-busy', 'false');
}

function cancelRender() {
  const r = run;
  if (!r) return;
  r.cancelled = true;
  r.cancelledAt = Date.now();
  r.controller.abort();
  const seconds = elapsedSeconds(r);
  finish(r, 'cancelled');
  ui.output.dataset.cancelledAt = String(r.cancelledAt);
  for (const li of ui.stepper.querySelectorAll('.current')) li.className = 'failed';
  addTimeline('cancelled', 'Stopped polling', 'cancelled', r).querySelector('.badge').className = 'badge failure';
  ui.status.replaceChildren(
    el('strong', { text: `Cancelled after ${seconds.toFixed(1)} s.` }),
    r.taskId ? ' No more polling of task ' : ' No more requests will be sent.',
    r.taskId ? taskLink(r.taskId) : '',
    r.taskId ? '; Looker may still finish it in the background.' : '',
  );
  ui.status.dataset.testState = 'cancelled';
  ui.renderButton.focus();
}

function showResult(r, { bytes, contentType, task }) {
  const format = task?.result_format || r.values.format;
  const type = (contentType || MIME_TYPES[format] || 'application/octet-stream').split(';')[0].trim();
  const blob = new Blob([bytes], { type });
  const url = URL.createObjectURL(blob);
  lastBlobUrl = url;
  const name = fileName(r.values.kind, r.values.id, format);
  ui.download.href = url;
  ui.download.download = name;
  ui.download.textContent = `Download ${name}`;
  const kind = KINDS[r.values.kind];
  const what = `${kind.label} ${r.values.id.trim()}`;
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
    const frame = el('iframe', { src: url, title: `${what} as PDF`, 'data-testid': 'result-pdf', type });
    ui.resultView.replaceChildren(frame);
    // Phones rarely show a PDF inside a page: offer the browser's own viewer too.
    ui.openTab.href = url;
    ui.openTab.hidden = false;
  } else {
    ui.resultView.replaceChildren(el('p', { class: 'hint', text: `Looker answered with ${type}, which this page cannot show; download it instead.` }));
  }
  ui.resultInfo.textContent = info.join(' · ');
  ui.result.hidden = false;
  const total = formatSeconds(elapsedSeconds(r));
  ui.status.replaceChildren(el('strong', { text: `Done in ${total}` }), ' · task ', taskLink(task?.id ?? r.taskId ?? '?'));
}

// ---------------------------------------------------------------- errors

/** Shows an error for a person: what happened, Looker's message, its documentation link. */
function showError(box, error, lib = {}) {
  const is = (name) => (lib[name] && error instanceof lib[name]) || error?.name === name;
  let title;
  const lines = [];
  if (error?.name === 'AbortError') {
    title = 'Cancelled';
  } else if (is('RenderTaskFailedError')) {
    title = 'Looker could not render it';
  } else if (is('RenderTimeoutError')) {
    title = 'Gave up waiting for the render';
    if (error.task?.status) lines.push(`It was still "${error.task.status}".`);
  } else if (is('RenderNotReadyError')) {
    title = 'The render is not ready yet';
  } else if (is('LookerApiError')) {
    title = `Looker answered ${error.status}${httpReason(error.status)}`;
    if (error.status === 401) {
      lines.push(authMode() === 'credentials'
        ? 'Check the client ID and secret; if this build of looker-render cannot log in with them yet, use an access token.'
        : 'Check the access token: it may be wrong or expired.');
    }
  } else if (is('LookerTimeoutError')) {
    title = 'A request took too long';
  } else if (is('LookerNetworkError')) {
    title = 'Could not reach Looker';
    lines.push(`Check the base URL, that the host is up, and that it allows requests from ${location.origin} (CORS).`);
  } else if (is('LookerResponseError')) {
    title = 'Looker sent something unexpected';
  } else if (error instanceof TypeError) {
    title = 'Check the form';
  } else {
    title = error?.name ?? 'Error';
  }
  const children = [
    el('p', { class: 'error-title' },
      el('strong', { text: title }),
      typeof error?.status === 'number' ? el('span', { class: 'badge failure', 'data-testid': 'error-status', text: String(error.status) }) : null),
    el('p', { class: 'error-message', 'data-testid': 'error-message', text: error?.message ?? String(error) }),
    ...lines.map((text) => el('p', { class: 'hint', text })),
  ];
  if (Array.isArray(error?.errors) && error.errors.length) {
    children.push(el('ul', { class: 'error-details' }, error.errors.map((d) =>
      el('li', {}, el('code', { text: d.field ?? '' }), ' ', d.message ?? d.code ?? '', docLink(d.documentation_url)))));
  }
  const doc = docLink(error?.documentation_url, 'Looker’s documentation for this error');
  if (doc) children.push(el('p', {}, doc));
  box.replaceChildren(...children);
  box.hidden = false;
}

function docLink(url, text) {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return null;
  return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'doc-link', 'data-testid': 'doc-link', text: text ?? url });
}

function httpReason(status) {
  const reasons = { 400: ' (bad request)', 401: ' (not signed in)', 403: ' (forbidden)', 404: ' (not found)', 409: ' (conflict)', 422: ' (invalid request)', 429: ' (too many requests)', 500: ' (server error)', 503: ' (unavailable)' };
  return reasons[status] ?? '';
}

// ---------------------------------------------------------------- get render task

let getController = null;

async function fetchTask(id) {
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
    try { client?.free?.(); } catch { /* already freed */ }
    if (getController === controller) {
      ui.getButton.disabled = false;
      ui.refresh.disabled = false;
      ui.getOutput.setAttribute('aria-busy', 'false');
      ui.table.classList.remove('stale');
    }
  }
}

function showTask(task) {
  ui.getBadge.replaceChildren(badge(task.status), ' ', el('span', { class: 'hint', text: STATUS_LABELS[task.status] ?? '' }));
  const body = ui.table.tBodies[0];
  body.replaceChildren(...taskEntries(task).map(([key, value]) =>
    el('tr', { 'data-field': key }, el('th', { scope: 'row' }, el('code', { text: key })), el('td', {}, cell(key, value)))));
  ui.table.hidden = false;
}

function cell(key, value) {
  if (value === null || value === undefined) return el('span', { class: 'null', text: 'null' });
  if (key === 'status') return badge(value);
  if (key === 'can' && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return el('span', { class: 'null', text: '{}' });
    return el('ul', { class: 'can' }, entries.map(([k, v]) => el('li', { class: v ? 'yes' : 'no' }, el('code', { text: k }), `: ${v}`)));
  }
  if (/runtime$/.test(key) && typeof value === 'number') {
    return el('span', {}, String(value), el('span', { class: 'hint', text: ` s` }));
  }
  if (/_at$/.test(key) && typeof value === 'string') {
    const date = new Date(value);
    return el('span', {}, el('span', { class: 'mono', text: value }),
      Number.isNaN(date.getTime()) ? null : el('span', { class: 'hint block', text: date.toLocaleString() }));
  }
  if (typeof value === 'object') return el('code', { class: 'mono', text: JSON.stringify(value) });
  return el('span', { class: /id$/.test(key) ? 'mono' : null, text: String(value) });
}

// ---------------------------------------------------------------- wiring

ui.kind.addEventListener('change', () => syncKind());
ui.format.addEventListener('change', () => { ui.format.dataset.touched = '1'; syncFormat(); });
for (const input of [ui.width, ui.height]) {
  input.addEventListener('input', () => { input.dataset.touched = '1'; });
}
ui.renderForm.addEventListener('input', updateCode);
ui.renderForm.addEventListener('change', updateCode);
ui.baseUrl.addEventListener('input', () => { updateCode(); syncExample(); });
for (const radio of document.querySelectorAll('input[name="auth"]')) radio.addEventListener('change', syncAuth);
ui.tokenToggle.addEventListener('click', () => {
  const show = ui.token.type === 'password';
  ui.token.type = show ? 'text' : 'password';
  ui.tokenToggle.textContent = show ? 'Hide' : 'Show';
  ui.tokenToggle.setAttribute('aria-pressed', String(show));
});
ui.renderForm.addEventListener('submit', startRender);
ui.cancelButton.addEventListener('click', cancelRender);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && run) cancelRender();
});
ui.fit.addEventListener('click', () => {
  const fit = ui.resultView.classList.toggle('fit');
  ui.fit.setAttribute('aria-pressed', String(fit));
});
$('connection-form').addEventListener('submit', (event) => event.preventDefault());
ui.getForm.addEventListener('submit', (event) => { event.preventDefault(); fetchTask(ui.taskId.value); });
ui.refresh.addEventListener('click', () => fetchTask(ui.refresh.dataset.taskId || ui.taskId.value));

syncKind();
syncAuth();
document.documentElement.dataset.defaults = 'loading';
loadDefaults().finally(() => { document.documentElement.dataset.defaults = 'ready'; });
showBanner('info', 'Loading looker-render…');
libReady.then(() => {}, () => {});
$('example-task').addEventListener('click', (event) => {
  ui.taskId.value = event.currentTarget.textContent.trim();
  fetchTask(ui.taskId.value);
});
