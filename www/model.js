// Pure helpers of the demo page: what each kind of content allows, the
// request the form describes, file names, and how values are shown. No DOM.
// Kinds, formats, default sizes, paper sizes and styles come from the one
// table in js/render-kinds.js (served at /js/ by the sandbox).
import { renderKinds } from '../js/render-kinds.js';

const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1);

// What the page adds to a kind of the table: its name on the form and an id the sandbox has.
const FORM_TEXT = {
  look: { label: 'Look', example: '7' },
  query: { label: 'Query', example: '1234' },
  dashboard: { label: 'Dashboard', example: '42' },
  dashboard_element: { label: 'Dashboard tile', example: '101' },
};

/**
 * The kinds of content Looker renders, in the table's order, by `kind`: the table's row
 * (idName, path, formats, defaultFormat, defaultWidth, defaultHeight) with label, example and fileStem.
 */
export const KINDS = Object.fromEntries(renderKinds.kinds.map((kind) => [kind.kind, {
  ...kind,
  label: FORM_TEXT[kind.kind]?.label ?? capitalize(kind.noun),
  example: FORM_TEXT[kind.kind]?.example ?? null,
  fileStem: kind.kind.replaceAll('_', '-'),
}]));

export const FORMAT_LABELS = { png: 'PNG image', jpg: 'JPEG image', pdf: 'PDF document' };
export const MIME_TYPES = Object.fromEntries(renderKinds.formats.map(({ format, contentType }) => [format, contentType]));
export const PDF_PAPER_SIZES = renderKinds.pdfPaperSizes;
export const DASHBOARD_STYLES = renderKinds.dashboardStyles;

/** `A4`, `Letter`: a paper size as people write it. */
export const paperSizeLabel = (size) => (/^a\d+$/.test(size) ? size.toUpperCase() : capitalize(size));
/** `Single column`: a dashboard style as a label. */
export const dashboardStyleLabel = (style) => capitalize(style.replaceAll('_', ' '));

/** Looker's render-task statuses, in the order a task goes through them. */
export const STAGES = ['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering'];
export const STATUS_LABELS = {
  enqueued_for_query: 'Waiting to query',
  querying: 'Querying',
  enqueued_for_render: 'Waiting to render',
  rendering: 'Rendering',
  success: 'Done',
  failure: 'Failed',
};

/** 1..4 for the stages, 5 when finished, 0 for a status this page does not know. */
export function statusStep(status) {
  const i = STAGES.indexOf(status);
  if (i >= 0) return i + 1;
  return status === 'success' || status === 'failure' ? 5 : 0;
}

/** `idle`, `running`, `success`, `failure` or `unknown`: picks the badge colour. */
export function statusTone(status) {
  if (status === 'success') return 'success';
  if (status === 'failure') return 'failure';
  if (STAGES.includes(status)) return status.startsWith('enqueued') ? 'waiting' : 'running';
  return 'unknown';
}

/**
 * The argument of `client.render()` for the form's values.
 * `values`: { kind, id, format, width, height, dashboard_filters, dashboard_style, tab_ids, pdf_paper_size, orientation, long_tables }
 */
export function buildRenderRequest(values) {
  const kind = KINDS[values.kind];
  if (!kind) throw new TypeError(`Unknown kind of content: ${values.kind}`);
  const id = String(values.id ?? '').trim();
  if (!id) throw new TypeError(`Enter the ${kind.label.toLowerCase()} ID.`);
  if (!kind.formats.includes(values.format)) {
    throw new TypeError(`A ${kind.label.toLowerCase()} renders as ${kind.formats.join(', ')}, not ${values.format}.`);
  }
  const request = {
    [kind.idName]: id,
    result_format: values.format,
    width: Number(values.width),
    height: Number(values.height),
  };
  if (kind.kind === 'dashboard') {
    const body = {};
    const filters = String(values.dashboard_filters ?? '').trim();
    if (filters) body.dashboard_filters = filters;
    if (values.dashboard_style) body.dashboard_style = values.dashboard_style;
    const tabs = String(values.tab_ids ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    if (tabs.length) body.tab_ids = tabs;
    if (Object.keys(body).length) request.body = body;
    if (values.format === 'pdf') {
      if (values.pdf_paper_size) request.pdf_paper_size = values.pdf_paper_size;
      if (values.orientation === 'landscape') request.pdf_landscape = true;
      if (values.long_tables) request.long_tables = true;
    }
  }
  return request;
}

/** The "many" form's values: one a line, trimmed, blank lines left out. A comma is part of its value. */
export function filterValues(text) {
  return String(text ?? '').split(/\r?\n/).map((value) => value.trim()).filter(Boolean);
}

/**
 * The requests of the many mode, one per value: dashboard `id` as a PDF at the table's default size,
 * with the filter as an object (`{ Region: 'EMEA' }`), which the library encodes as Looker's URLs do.
 * `values`: { id, filter, values (the text, one a line) }.
 */
export function buildManyRequests(values) {
  const dashboard = KINDS.dashboard;
  const id = String(values.id ?? '').trim();
  if (!id) throw new TypeError('Enter the dashboard ID.');
  const filter = String(values.filter ?? '').trim();
  if (!filter) throw new TypeError('Enter the name of the filter, as the dashboard shows it.');
  const list = filterValues(values.values);
  if (!list.length) throw new TypeError('Enter at least one filter value, one a line.');
  return list.map((value) => ({
    dashboard_id: id, result_format: 'pdf', width: dashboard.defaultWidth, height: dashboard.defaultHeight,
    body: { dashboard_filters: { [filter]: value } },
  }));
}

/** How many of a batch's rows are at each point: `{ total, waiting, running, success, failure, cancelled }`. */
export function batchCounts(statuses) {
  const counts = { total: statuses.length, waiting: 0, running: 0, success: 0, failure: 0, cancelled: 0 };
  for (const status of statuses) {
    if (status in counts) counts[status] += 1;
    else if (status === 'pending') counts.waiting += 1;
    else counts.running += 1;
  }
  return counts;
}

/** `2 of 3 finished: 1 done, 1 failed · 1 in progress`: a batch's counts as a line. */
export function batchSummary(counts) {
  const finished = [`${counts.success} done`];
  if (counts.failure) finished.push(`${counts.failure} failed`);
  const rest = [
    counts.running && `${counts.running} in progress`,
    counts.waiting && `${counts.waiting} waiting`,
    counts.cancelled && `${counts.cancelled} cancelled`,
  ].filter(Boolean);
  const done = counts.success + counts.failure;
  return [`${done} of ${counts.total} finished${done ? `: ${finished.join(', ')}` : ''}`, ...rest].join(' · ');
}

/** A value as JavaScript source in the code previews: `{ look_id: '7' }`. */
export const jsLiteral = (value) => JSON.stringify(value, null, 2).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:').replace(/"/g, "'");

/** A file name for the result: `look-7.png`, `dashboard-42.pdf`. */
export function fileName(kindKey, id, format) {
  const stem = KINDS[kindKey]?.fileStem ?? 'render';
  const safe = String(id).trim().replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|[._]+$/g, '') || 'result';
  return `${stem}-${safe}.${format === 'jpeg' ? 'jpg' : format}`;
}

/** `12.3 s`, `850 ms`. */
export function formatSeconds(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}

/** `1.4 MB`. */
export function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The properties of a RenderTask, in the order the Get panel lists them. */
export const TASK_FIELDS = [
  'id', 'status', 'status_detail', 'result_format', 'width', 'height',
  'look_id', 'query_id', 'dashboard_id', 'dashboard_element_id', 'lookml_dashboard_id',
  'dashboard_filters', 'dashboard_style',
  'created_at', 'finalized_at', 'runtime', 'query_runtime', 'render_runtime',
  'user_id', 'can',
];

/** Every own property of the task: the known ones in order, then any others. */
export function taskEntries(task) {
  const keys = [...TASK_FIELDS.filter((k) => k in task), ...Object.keys(task).filter((k) => !TASK_FIELDS.includes(k)).sort()];
  return keys.map((k) => [k, task[k]]);
}

/**
 * The connection defaults from the page's query string:
 * `?baseUrl=...&token=...&clientId=...&clientSecret=...` (`base_url`,
 * `access_token`, `accessToken`, `client_id`, `client_secret` are accepted too).
 */
export function defaultsFromQuery(search) {
  const params = new URLSearchParams(search);
  const pick = (...names) => {
    for (const n of names) {
      const v = params.get(n);
      if (v != null && v !== '') return v;
    }
    return undefined;
  };
  const out = {
    baseUrl: pick('baseUrl', 'base_url', 'url'),
    token: pick('token', 'accessToken', 'access_token'),
    clientId: pick('clientId', 'client_id'),
    clientSecret: pick('clientSecret', 'client_secret'),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** Picks the connection fields out of the sandbox's `GET /__sandbox/info` (`{url, token, clientId, clientSecret}`). */
export function defaultsFromSandbox(json) {
  if (!json || typeof json !== 'object') return {};
  const str = (v) => (typeof v === 'string' && v !== '' ? v : undefined);
  const out = {
    baseUrl: str(json.url),
    token: str(json.token),
    clientId: str(json.clientId),
    clientSecret: str(json.clientSecret),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}
