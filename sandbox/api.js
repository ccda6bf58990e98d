// The Looker API endpoints the sandbox serves, as a table of routes: API 4.0's
// render tasks, login and logout, and the OAuth token and logout endpoints
// (oauth.js). A request reaches handleApi() as a plain value (see serveApi in
// index.js) and gets a response value back ({ status, headers, body });
// faults.js calls it too, to cut or change the normal answer.
import { renderKinds } from '../js/render-kinds.js';
import { LOOKER_DOCS_URL, errorBody, jsonResponse, emptyResponse, matchRoute } from './http-util.js';
import { tokenFromHeaders, isValidToken, areClientCredentials, issueToken } from './auth.js';
import { tokenEndpoint, logout } from './oauth.js';
import { createTask, renderTaskAt, findRenderTask, taskResult } from './tasks.js';
import { advanceTo, inFlight } from './schedule.js';
import { SANDBOX_USER_ID } from './state.js';

/** Where the API is; its versioned routes are under /api/4.0, OAuth's right under /api. */
export const API_ROOT = '/api';
export const API_4_0 = '/api/4.0';
const KIND_BY_PATH = new Map(renderKinds.kinds.map((kind) => [kind.path, kind]));
const FORMATS = renderKinds.formats.map(({ format }) => format);
const { pdfPaperSizes, dashboardStyles } = renderKinds;

// `path` (after /api) segments are literal or `:name` (the percent-decoded segment, in `params`).
// Routes with `signedOut: true` are answered without a token; the others need one (else 401).
const CREATE_ROUTE = { method: 'POST', path: '/4.0/render_tasks/:kindPath/:id/:format', handle: createRenderTask };
export const apiRoutes = [
  { method: 'POST', path: '/4.0/login', signedOut: true, handle: login },
  { method: 'DELETE', path: '/4.0/logout', handle: logout },
  CREATE_ROUTE,
  { method: 'GET', path: '/4.0/render_tasks/:id', handle: getRenderTask },
  { method: 'GET', path: '/4.0/render_tasks/:id/results', handle: getRenderTaskResults },
  { method: 'POST', path: '/token', signedOut: true, handle: tokenEndpoint },
  { method: 'DELETE', path: '/logout', handle: logout },
];

/** The percent-decoded segments of a request's raw path after /api, or null if one does not decode. */
function pathSegments(request) {
  try { return request.rawPath.slice(API_ROOT.length).split('/').map(decodeURIComponent); } catch { return null; }
}

/** True for a request to create a render task, whatever its answer will be (counted as a create seen). */
export function isCreateRequest(request) {
  const segments = pathSegments(request);
  return segments !== null && matchRoute(CREATE_ROUTE, request.method, segments) !== null;
}

/** The response value for an API request (`request.rawPath` starts with /api/). */
export async function handleApi(state, request) {
  const segments = pathSegments(request);
  if (!segments) return notFound(state);
  const find = (signedOut) => {
    for (const route of apiRoutes) {
      if (!!route.signedOut !== signedOut) continue;
      const params = matchRoute(route, request.method, segments);
      if (params) return { route, params };
    }
    return null;
  };
  let found = find(true);
  if (!found) {
    if (!isValidToken(state, tokenFromHeaders(request.headers))) return jsonResponse(401, state.lookerErrors[401]);
    found = find(false);
  }
  if (!found) return notFound(state);
  return found.route.handle(state, request, found.params);
}

const notFound = (state) => jsonResponse(404, state.lookerErrors[404]);

/** Only the named top-level fields (`?fields=a,b`), as Looker does. */
function pickFields(value, fields) {
  if (!fields) return value;
  const wanted = fields.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted.length) return value;
  const picked = {};
  for (const key of wanted) if (Object.hasOwn(value, key)) picked[key] = value[key];
  return picked;
}

function login(state, request) {
  const form = new URLSearchParams(request.body);
  const clientId = form.get('client_id') ?? request.query.get('client_id');
  const clientSecret = form.get('client_secret') ?? request.query.get('client_secret');
  if (!areClientCredentials(state, clientId, clientSecret)) return notFound(state);
  return jsonResponse(200, issueToken(state));
}

// ---- creating a render task: Looker's 422 ValidationError lists every bad field ----

function validationFailed(fieldErrors) {
  return jsonResponse(422, {
    message: 'Validation Failed',
    errors: fieldErrors.map(([field, code, message]) => ({ field, code, message, documentation_url: `${LOOKER_DOCS_URL}/422` })),
    documentation_url: `${LOOKER_DOCS_URL}/422`,
  });
}

function sizeParam(query, name, fieldErrors) {
  const raw = query.get(name);
  if (raw === null || raw === '') { fieldErrors.push([name, 'missing', 'This field is required.']); return null; }
  if (!/^-?\d+$/.test(raw)) { fieldErrors.push([name, 'invalid', 'must be an integer']); return null; }
  const pixels = Number(raw);
  if (pixels < 10 || pixels > 16384) { fieldErrors.push([name, 'invalid', 'must be between 10 and 16384']); return null; }
  return pixels;
}

function booleanParam(query, name, fieldErrors) {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  fieldErrors.push([name, 'invalid', 'must be true or false']);
  return null;
}

function createRenderTask(state, request, { kindPath, id, format }) {
  const kind = KIND_BY_PATH.get(kindPath);
  if (!kind) return notFound(state);
  // Too many tasks of this user still in flight: Looker's 429, before looking at the request.
  const { maxPendingTasksPerUser, createRetryAfterSeconds } = state.config;
  advanceTo(state);
  if (maxPendingTasksPerUser !== null && inFlight(state, SANDBOX_USER_ID) >= maxPendingTasksPerUser) {
    return jsonResponse(429, state.lookerErrors[429], { 'retry-after': String(createRetryAfterSeconds) });
  }
  const query = request.query;
  const dashboard = kind.kind === 'dashboard';
  let body = null;
  if (dashboard) {
    try { body = JSON.parse(request.body); } catch { body = undefined; }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return jsonResponse(400, errorBody(400, 'Request body is missing or is not a valid CreateDashboardRenderTask JSON object'));
    }
  }
  const fieldErrors = [];
  const width = sizeParam(query, 'width', fieldErrors);
  const height = sizeParam(query, 'height', fieldErrors);
  if (!FORMATS.includes(format)) fieldErrors.push(['result_format', 'invalid', `must be one of ${FORMATS.join(', ')}`]);
  let pdf = {};
  if (dashboard) {
    const paperSize = query.get('pdf_paper_size');
    if (paperSize !== null && paperSize !== '' && !pdfPaperSizes.includes(paperSize)) {
      fieldErrors.push(['pdf_paper_size', 'invalid', `must be one of ${pdfPaperSizes.join(', ')}`]);
    }
    const landscape = booleanParam(query, 'pdf_landscape', fieldErrors);
    booleanParam(query, 'long_tables', fieldErrors);
    for (const field of ['dashboard_filters', 'dashboard_style']) {
      if (body[field] != null && typeof body[field] !== 'string') fieldErrors.push([field, 'invalid', 'must be a string']);
    }
    if (typeof body.dashboard_style === 'string' && !dashboardStyles.includes(body.dashboard_style)) {
      fieldErrors.push(['dashboard_style', 'invalid', `must be one of ${dashboardStyles.join(', ')}`]);
    }
    if (body.tab_ids != null && !(Array.isArray(body.tab_ids) && body.tab_ids.every((tab) => typeof tab === 'string'))) {
      fieldErrors.push(['tab_ids', 'invalid', 'must be an array of strings']);
    }
    pdf = { paperSize: paperSize || null, landscape: !!landscape, theme: query.get('theme'), tabIds: body.tab_ids ?? null };
  }
  if (fieldErrors.length) return validationFailed(fieldErrors);
  if (!kind.formats.includes(format)) return jsonResponse(400, errorBody(400, 'Unsupported result format'));
  if (!Object.hasOwn(state.content[kind.path] || {}, id)) return notFound(state);
  const task = createTask(state, {
    kind, id, format, width, height,
    dashboardFilters: body?.dashboard_filters, dashboardStyle: body?.dashboard_style, pdf,
  });
  state.counters.tasksCreated += 1;
  return jsonResponse(200, pickFields(renderTaskAt(task, task.createdAt), query.get('fields')));
}

// ---- reading a render task and its results ----

// Task ids that always answer with an error, for clients' error paths.
function specialTaskAnswer(state, id) {
  if (id === 'bad-request') return jsonResponse(400, state.lookerErrors[400]);
  if (id === 'rate-limited') return jsonResponse(429, state.lookerErrors[429], { 'retry-after': '2' });
  return null;
}

function getRenderTask(state, request, { id }) {
  const special = specialTaskAnswer(state, id);
  if (special) return special;
  const found = findRenderTask(state, id);
  if (!found) return notFound(state);
  return jsonResponse(200, pickFields(found.renderTask, request.query.get('fields')));
}

async function getRenderTaskResults(state, request, { id }) {
  const special = specialTaskAnswer(state, id);
  if (special) return special;
  const found = findRenderTask(state, id);
  if (!found) return notFound(state);
  const { task, renderTask } = found;
  if (renderTask.status === 'failure') return notFound(state);
  if (renderTask.status !== 'success') {
    return emptyResponse(202, { 'retry-after': String(state.config.resultsRetryAfterSeconds) });
  }
  const result = await taskResult(state, id, renderTask, task);
  return { status: 200, headers: { 'content-type': result.contentType }, body: result.bytes };
}
