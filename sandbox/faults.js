// Fault rules: answers a real Looker (or the network in front of it) may give,
// on demand. The first matching rule with uses left replaces the API's normal
// answer (sandbox/README.md, "Faults").
import { LOOKER_DOCS_URL, errorBody, jsonResponse, send } from './http-util.js';
import { API_4_0, handleApi } from './api.js';

export const FAULT_KINDS = [
  'status', '429-seconds', '429-date', 'reset-mid-body', 'stall-headers', 'stall-body', 'truncated-json',
  'html-200', 'wrong-content-type', 'huge-body', 'redirect', 'mutate', 'outage',
];
const ORIGINS = ['primary', 'alternate', 'any'];

/** A rule as given, checked and with its defaults; `pathPattern` is its compiled `path`. */
function normalizeRule(rule) {
  if (!rule || typeof rule !== 'object') throw new TypeError('fault rule must be an object');
  if (!FAULT_KINDS.includes(rule.fault)) throw new TypeError(`unknown fault ${rule.fault}; one of ${FAULT_KINDS.join(', ')}`);
  const pathPattern = rule.path != null ? new RegExp(rule.path) : null; // throws SyntaxError on a bad regex
  const outage = rule.fault === 'outage';
  // An outage answers every request while it lasts; other rules answer once unless told.
  const times = rule.times === undefined ? (outage ? Infinity : 1) : rule.times === null ? Infinity : Number(rule.times);
  if (Number.isNaN(times)) throw new TypeError('times must be a number or null');
  const origin = rule.origin ?? 'primary';
  if (!ORIGINS.includes(origin)) throw new TypeError('origin must be primary, alternate or any');
  if (rule.fault === 'status' && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) {
    throw new TypeError('status fault needs an integer status');
  }
  if (!outage) return { ...rule, origin, times, pathPattern };
  if (!(typeof rule.seconds === 'number' && rule.seconds > 0 && Number.isFinite(rule.seconds))) {
    throw new TypeError('outage fault needs seconds, a positive number');
  }
  if (rule.retryAfter !== undefined && !(Number.isSafeInteger(rule.retryAfter) && rule.retryAfter >= 0)) {
    throw new TypeError('retryAfter must be a whole number of seconds');
  }
  return { ...rule, origin, times, pathPattern, until: Date.now() + rule.seconds * 1000 };
}

/** A rule as the control API shows it: as given, with `times: null` for unlimited. */
function publicRule(rule) {
  const { pathPattern, ...shown } = rule;
  return { ...shown, times: rule.times === Infinity ? null : rule.times };
}

export function addFaultRule(state, rule) {
  const normalized = normalizeRule(rule);
  normalized.id = ++state.faultSeq;
  state.faultRules.push(normalized);
  return publicRule(normalized);
}

export const listFaultRules = (state) => state.faultRules.map(publicRule);

export function clearFaultRules(state) { state.faultRules = []; }

/** What a rule's `path` is tested on: the raw path after /api/4.0, or the whole path outside it (/api/token). */
function rulePath(rawPath) {
  return rawPath.startsWith(`${API_4_0}/`) ? rawPath.slice(API_4_0.length) : rawPath;
}

/**
 * The rule for the request, with one use taken, or null: an outage going on, else the first
 * rule that matches and has uses left. An outage is over at its `until`.
 */
export function takeFault(state, request) {
  const now = Date.now();
  const outagesFirst = [...state.faultRules].sort((a, b) => (b.fault === 'outage') - (a.fault === 'outage'));
  for (const rule of outagesFirst) {
    if (rule.times <= 0 || now >= rule.until) continue;
    if (rule.origin !== 'any' && rule.origin !== request.origin) continue;
    // A rule without a method leaves preflights alone.
    if (rule.method ? rule.method.toUpperCase() !== request.method : request.method === 'OPTIONS') continue;
    if (rule.pathPattern && !rule.pathPattern.test(rulePath(request.rawPath))) continue;
    rule.times -= 1;
    return rule;
  }
  return null;
}

// A 200 JSON body for faults that cut or relabel a response: the normal one
// if it was a 200 JSON, else a plausible RenderTask.
async function okJsonBody(state, request) {
  const normal = await handleApi(state, request);
  if (normal.status === 200 && String(normal.headers['content-type']).startsWith('application/json')) return normal.body;
  const renderTask = structuredClone(state.fixtureTasks.values().next().value ?? { id: 'sandbox' });
  return Buffer.from(JSON.stringify(renderTask));
}

// Keeps the socket open (and closes it when the sandbox closes).
function stall(state, res) {
  const socket = res.socket;
  state.stalledSockets.add(socket);
  socket?.once('close', () => state.stalledSockets.delete(socket));
}

const LOGIN_PAGE = '<!DOCTYPE html>\n<html><head><title>Looker</title></head><body>'
  + '<form method="post" action="/login"><h1>Sign in to Looker</h1>'
  + '<input name="email"><input name="password" type="password"><button>Log In</button></form></body></html>\n';

// Writes `total` bytes of a JSON object, honouring back-pressure; resolves when done or when the client leaves.
async function streamHugeBody(res, total) {
  const head = Buffer.from('{"id":"huge","padding":"');
  const tail = Buffer.from('"}');
  let left = total - head.length - tail.length;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': total });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  res.write(head);
  await new Promise((resolve) => {
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(chunk.subarray(0, n))) { res.once('drain', pump); return; }
      }
      if (!res.destroyed) res.end(tail);
      resolve();
    };
    res.once('close', resolve);
    pump();
  });
}

/** Answers `request` on `res` the way `rule` says. */
export async function applyFault(state, rule, request, res) {
  const tooManyRequests = state.lookerErrors[429];
  switch (rule.fault) {
    case 'status': {
      const body = rule.body === undefined ? errorBody(rule.status) : rule.body;
      const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      return send(res, { status: rule.status, headers: { 'content-type': 'application/json', ...(rule.headers || {}) }, body: bytes });
    }
    case '429-seconds':
      return send(res, jsonResponse(429, tooManyRequests, { 'retry-after': String(rule.retryAfter ?? 1) }));
    case '429-date': {
      const at = Math.ceil((Date.now() + (rule.retryAfter ?? 1) * 1000) / 1000) * 1000;
      return send(res, jsonResponse(429, tooManyRequests, { 'retry-after': new Date(at).toUTCString() }));
    }
    case 'reset-mid-body':
    case 'stall-body': {
      const body = await okJsonBody(state, request);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      // Let the first half reach the client, then drop the connection.
      if (rule.fault === 'reset-mid-body') setTimeout(() => res.destroy(), 20).unref();
      else stall(state, res);
      return;
    }
    case 'stall-headers':
      stall(state, res);
      return;
    case 'truncated-json': {
      const body = await okJsonBody(state, request);
      return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: body.subarray(0, Math.floor(body.length / 2)) });
    }
    case 'html-200':
      return send(res, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(LOGIN_PAGE) });
    case 'wrong-content-type':
      return send(res, { status: 200, headers: { 'content-type': 'text/plain' }, body: await okJsonBody(state, request) });
    case 'huge-body':
      return streamHugeBody(res, Math.max(16, Math.floor(rule.bytes ?? 30 * 1024 * 1024)));
    case 'redirect': {
      const status = rule.status ?? 302;
      const location = `${state.alternateUrl}${request.rawPath}${request.rawQuery ? `?${request.rawQuery}` : ''}`;
      return send(res, jsonResponse(status, { message: 'Redirect', documentation_url: `${LOOKER_DOCS_URL}/${status}` }, { location }));
    }
    case 'outage': {
      const headers = rule.retryAfter === undefined ? {} : { 'retry-after': String(rule.retryAfter) };
      return send(res, jsonResponse(503, errorBody(503), headers));
    }
    case 'mutate': {
      const normal = await handleApi(state, request);
      let value;
      try { value = JSON.parse(normal.body.toString('utf8')); } catch { return send(res, normal); }
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        Object.assign(value, rule.set || {});
        for (const key of rule.delete || []) delete value[key];
      }
      return send(res, { ...normal, body: Buffer.from(JSON.stringify(value)) });
    }
    default:
      throw new Error(`unhandled fault ${rule.fault}`);
  }
}
