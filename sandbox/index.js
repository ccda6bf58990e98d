// A local stand-in for the Looker API 4.0 render-task endpoints.
// See sandbox/README.md. No timers: task status is computed from elapsed time.
import http from 'node:http';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync, readdirSync, existsSync, statSync, createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAPER_SIZES } from './paper.js';

// render.js pulls in pdf-lib, pngjs and jpeg-js: load it only when a result is first needed.
let renderModule;
const loadRender = () => (renderModule ??= import('./render.js'));

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const FIXTURES = path.join(REPO, 'tests', 'fixtures');
const API = '/api/4.0';
const DOCS = 'https://cloud.google.com/looker/docs/r/reference/looker-http-codes';

export const DEFAULT_TOKEN = 'sandbox-token-0123456789abcdef';
export const DEFAULT_CLIENT_ID = 'sandbox-client-id';
export const DEFAULT_CLIENT_SECRET = 'sandbox-client-secret';
export const STAGES = ['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering'];
export const DEFAULT_STAGE_MS = Object.freeze({ enqueued_for_query: 20, querying: 40, enqueued_for_render: 20, rendering: 60 });
export const FAULT_KINDS = [
  'status', '429-seconds', '429-date', 'reset-mid-body', 'stall-headers', 'stall-body', 'truncated-json',
  'html-200', 'wrong-content-type', 'huge-body', 'redirect', 'mutate',
];
const FORMATS = ['png', 'jpg', 'pdf'];
const KINDS = { looks: 'look_id', queries: 'query_id', dashboards: 'dashboard_id', dashboard_elements: 'dashboard_element_id' };
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Retry-After, Content-Type, Content-Length, Content-Disposition',
};
const PREFLIGHT = {
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, X-Looker-Appid',
  'access-control-max-age': '600',
};
const MIME = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8', '.ts': 'text/plain; charset=utf-8', '.map': 'application/json; charset=utf-8',
};
const MAX_BODY = 8 * 1024 * 1024;

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(addr) {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

function readJson(p) { return JSON.parse(readFileSync(p, 'utf8')); }

function loadFixtures() {
  const tasks = new Map();
  const dir = path.join(FIXTURES, 'render_tasks');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const t = readJson(path.join(dir, f));
    tasks.set(t.id, t);
  }
  const errors = {};
  for (const code of [400, 401, 404, 422, 429]) errors[code] = readJson(path.join(FIXTURES, 'errors', `${code}.json`));
  return { tasks, errors };
}

function randomToken(n = 40) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (const b of randomBytes(n)) s += abc[b % abc.length];
  return s;
}

function errorBody(status, message) {
  return { message: message ?? (http.STATUS_CODES[status] || 'Error'), documentation_url: `${DOCS}/${status}` };
}

function jsonResp(status, obj, headers = {}) {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(obj)) };
}

function pick(obj, fieldsParam) {
  if (!fieldsParam) return obj;
  const want = fieldsParam.split(',').map((s) => s.trim()).filter(Boolean);
  if (!want.length) return obj;
  const out = {};
  for (const k of want) if (Object.hasOwn(obj, k)) out[k] = obj[k];
  return out;
}

function validateConfig(partial) {
  if (!partial || typeof partial !== 'object' || Array.isArray(partial)) throw new TypeError('config must be an object');
  const allowed = ['stageMs', 'resultsRetryAfterSeconds', 'tokenLifetimeSeconds', 'randomDurationsMs', 'quiet'];
  for (const k of Object.keys(partial)) if (!allowed.includes(k)) throw new TypeError(`unknown config key ${k}`);
  const nonNeg = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if ('stageMs' in partial) {
    const s = partial.stageMs;
    if (!s || typeof s !== 'object') throw new TypeError('stageMs must be an object');
    for (const [k, v] of Object.entries(s)) {
      if (!STAGES.includes(k)) throw new TypeError(`unknown stage ${k}`);
      if (!nonNeg(v)) throw new TypeError(`stageMs.${k} must be a non-negative number`);
    }
  }
  for (const k of ['resultsRetryAfterSeconds', 'tokenLifetimeSeconds']) {
    if (k in partial && !nonNeg(partial[k])) throw new TypeError(`${k} must be a non-negative number`);
  }
  if ('randomDurationsMs' in partial && partial.randomDurationsMs !== null) {
    const r = partial.randomDurationsMs;
    if (!Array.isArray(r) || r.length !== 2 || !nonNeg(r[0]) || !nonNeg(r[1]) || r[0] > r[1]) {
      throw new TypeError('randomDurationsMs must be [min, max] or null');
    }
  }
}

function normalizeRule(rule) {
  if (!rule || typeof rule !== 'object') throw new TypeError('fault rule must be an object');
  if (!FAULT_KINDS.includes(rule.fault)) throw new TypeError(`unknown fault ${rule.fault}; one of ${FAULT_KINDS.join(', ')}`);
  let re = null;
  if (rule.path != null) re = new RegExp(rule.path); // throws SyntaxError on a bad regex
  const times = rule.times === undefined ? 1 : rule.times === null ? Infinity : Number(rule.times);
  if (Number.isNaN(times)) throw new TypeError('times must be a number or null');
  const origin = rule.origin ?? 'primary';
  if (!['primary', 'alternate', 'any'].includes(origin)) throw new TypeError('origin must be primary, alternate or any');
  if (rule.fault === 'status' && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) {
    throw new TypeError('status fault needs an integer status');
  }
  return { ...rule, origin, times, _re: re };
}

function publicRule(r) {
  const { _re, ...rest } = r;
  return { ...rest, times: r.times === Infinity ? null : r.times };
}

export async function startSandbox(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const staticToken = options.token ?? DEFAULT_TOKEN;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const staticRoots = options.staticRoots ?? { '/': path.join(REPO, 'www'), '/pkg/': path.join(REPO, 'pkg') };
  const content = readJson(options.contentFile ?? path.join(HERE, 'content.json'));
  const { tasks: fixtureTasks, errors: ERR } = loadFixtures();

  const initialConfig = {
    stageMs: { ...DEFAULT_STAGE_MS, ...(options.stageMs || {}) },
    resultsRetryAfterSeconds: options.resultsRetryAfterSeconds ?? 1,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    randomDurationsMs: options.randomDurationsMs ?? null,
    quiet: options.quiet ?? true,
  };
  validateConfig(initialConfig);
  let config = structuredClone(initialConfig);

  let log = [];
  let seq = 0;
  let faults = [];
  let faultSeq = 0;
  const tokens = new Map(); // token -> expiresAt (ms)
  const created = new Map(); // id -> record
  const results = new Map(); // id -> Promise<{contentType, bytes}>
  const resultBuffers = new Map(); // id -> Buffer served
  const sockets = new Set();
  const stalled = new Set();
  let closing = false;
  let primaryUrl, alternateUrl;

  // ---------- tasks ----------
  function createTask(kind, id, fmt, width, height, extra) {
    const entry = content[kind][id];
    const stage = { ...config.stageMs };
    let stageMs;
    if (entry.stageMs) stageMs = STAGES.map((s) => entry.stageMs[s] ?? stage[s]);
    else if (config.randomDurationsMs) {
      const [min, max] = config.randomDurationsMs;
      const total = min + Math.random() * (max - min);
      const base = STAGES.map((s) => stage[s]);
      const sum = base.reduce((a, b) => a + b, 0);
      stageMs = sum > 0 ? base.map((b) => (total * b) / sum) : STAGES.map(() => total / 4);
    } else stageMs = STAGES.map((s) => stage[s]);
    const now = Date.now();
    const taskId = randomBytes(16).toString('hex');
    const lookml = kind === 'dashboards' && id.includes('::');
    const task = {
      can: { show: true },
      created_at: new Date(now).toISOString(),
      dashboard_filters: extra.dashboard_filters ?? null,
      dashboard_id: kind === 'dashboards' && !lookml ? id : null,
      dashboard_style: extra.dashboard_style ?? null,
      finalized_at: null,
      height,
      id: taskId,
      look_id: kind === 'looks' ? id : null,
      lookml_dashboard_id: lookml ? id : null,
      query_id: kind === 'queries' ? id : null,
      dashboard_element_id: kind === 'dashboard_elements' ? id : null,
      query_runtime: null,
      render_runtime: null,
      result_format: fmt,
      runtime: null,
      status: 'enqueued_for_query',
      status_detail: null,
      user_id: '1',
      width,
    };
    const rec = { task, createdAt: now, stageMs, fail: entry.fail ?? null, title: entry.title, pdf: extra.pdf };
    created.set(taskId, rec);
    return rec;
  }

  const secs = (ms) => Math.round(ms) / 1000;

  function viewTask(rec, now = Date.now()) {
    const t = structuredClone(rec.task);
    const [a, b, c, d] = rec.stageMs;
    const e = now - rec.createdAt;
    const finish = (at, status, detail) => {
      t.status = status;
      t.status_detail = detail ?? null;
      t.finalized_at = new Date(rec.createdAt + at).toISOString();
      t.runtime = secs(at);
    };
    if (e < a) t.status = 'enqueued_for_query';
    else if (e < a + b) t.status = 'querying';
    else if (rec.fail && rec.fail.stage === 'querying') {
      t.query_runtime = secs(b);
      finish(a + b, 'failure', rec.fail.status_detail ?? 'Query failed');
    } else {
      t.query_runtime = secs(b);
      if (e < a + b + c) t.status = 'enqueued_for_render';
      else if (e < a + b + c + d) t.status = 'rendering';
      else {
        t.render_runtime = secs(d);
        if (rec.fail) finish(a + b + c + d, 'failure', rec.fail.status_detail ?? 'Render failed');
        else finish(a + b + c + d, 'success');
      }
    }
    return t;
  }

  function findTask(id) {
    const rec = created.get(id);
    if (rec) return { rec, task: viewTask(rec) };
    const f = fixtureTasks.get(id);
    if (f) return { rec: null, task: structuredClone(f) };
    return null;
  }

  function getResult(id, task, rec) {
    if (!results.has(id)) {
      const extra = rec ? { ...rec.pdf, title: rec.title } : {};
      if (!rec && task.dashboard_id && content.dashboards[task.dashboard_id]) extra.title = content.dashboards[task.dashboard_id].title;
      const p = loadRender().then((m) => m.renderResult(task, extra)).then((r) => { resultBuffers.set(id, r.bytes); return r; });
      p.catch(() => results.delete(id));
      results.set(id, p);
    }
    return results.get(id);
  }

  // ---------- auth ----------
  function tokenFrom(headers) {
    const m = /^\s*(token|bearer)\s+(\S+)\s*$/i.exec(headers.authorization || '');
    return m ? m[2] : null;
  }
  function isValidToken(t) {
    if (!t) return false;
    if (t === staticToken) return true;
    const exp = tokens.get(t);
    if (exp === undefined) return false;
    if (Date.now() >= exp) { tokens.delete(t); return false; }
    return true;
  }

  // ---------- API ----------
  function validation(errors) {
    return jsonResp(422, {
      message: 'Validation Failed',
      errors: errors.map(([field, code, message]) => ({ field, code, message, documentation_url: `${DOCS}/422` })),
      documentation_url: `${DOCS}/422`,
    });
  }

  function intParam(q, name, errs) {
    const raw = q.get(name);
    if (raw === null || raw === '') { errs.push([name, 'missing', 'This field is required.']); return null; }
    if (!/^-?\d+$/.test(raw)) { errs.push([name, 'invalid', 'must be an integer']); return null; }
    const n = Number(raw);
    if (n < 10 || n > 16384) { errs.push([name, 'invalid', 'must be between 10 and 16384']); return null; }
    return n;
  }

  function boolParam(q, name, errs) {
    const raw = q.get(name);
    if (raw === null || raw === '') return null;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    errs.push([name, 'invalid', 'must be true or false']);
    return null;
  }

  function handleCreate(ctx, kind, id, fmt) {
    const q = ctx.params;
    let body = null;
    if (kind === 'dashboards') {
      try { body = JSON.parse(ctx.body); } catch { body = undefined; }
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        return jsonResp(400, errorBody(400, 'Request body is missing or is not a valid CreateDashboardRenderTask JSON object'));
      }
    }
    const errs = [];
    const width = intParam(q, 'width', errs);
    const height = intParam(q, 'height', errs);
    if (!FORMATS.includes(fmt)) errs.push(['result_format', 'invalid', 'must be one of png, jpg, pdf']);
    let pdf = {};
    if (kind === 'dashboards') {
      const paper = q.get('pdf_paper_size');
      if (paper !== null && paper !== '' && !Object.hasOwn(PAPER_SIZES, paper)) {
        errs.push(['pdf_paper_size', 'invalid', `must be one of ${Object.keys(PAPER_SIZES).join(', ')}`]);
      }
      const landscape = boolParam(q, 'pdf_landscape', errs);
      boolParam(q, 'long_tables', errs);
      for (const f of ['dashboard_filters', 'dashboard_style']) {
        if (body[f] != null && typeof body[f] !== 'string') errs.push([f, 'invalid', 'must be a string']);
      }
      if (body.tab_ids != null && !(Array.isArray(body.tab_ids) && body.tab_ids.every((x) => typeof x === 'string'))) {
        errs.push(['tab_ids', 'invalid', 'must be an array of strings']);
      }
      pdf = { paperSize: paper || null, landscape: !!landscape, theme: q.get('theme'), tabIds: body.tab_ids ?? null };
    }
    if (errs.length) return validation(errs);
    if (fmt === 'pdf' && kind !== 'dashboards') return jsonResp(400, errorBody(400, 'Unsupported result format'));
    if (!Object.hasOwn(content[kind] || {}, id)) return jsonResp(404, ERR[404]);
    const rec = createTask(kind, id, fmt, width, height, {
      dashboard_filters: body?.dashboard_filters, dashboard_style: body?.dashboard_style, pdf,
    });
    return jsonResp(200, pick(viewTask(rec), q.get('fields')));
  }

  async function handleApi(ctx) {
    const segs = ctx.sub.split('/');
    let parts;
    try { parts = segs.map(decodeURIComponent); } catch { return jsonResp(404, ERR[404]); }
    const m = ctx.method;
    if (parts.length === 2 && parts[1] === 'login' && m === 'POST') {
      const form = new URLSearchParams(ctx.body);
      const id = form.get('client_id') ?? ctx.params.get('client_id');
      const secret = form.get('client_secret') ?? ctx.params.get('client_secret');
      if (id !== clientId || secret !== clientSecret) return jsonResp(404, ERR[404]);
      const t = randomToken();
      tokens.set(t, Date.now() + config.tokenLifetimeSeconds * 1000);
      return jsonResp(200, { access_token: t, token_type: 'Bearer', expires_in: config.tokenLifetimeSeconds, refresh_token: null });
    }
    const token = tokenFrom(ctx.headers);
    if (!isValidToken(token)) return jsonResp(401, ERR[401]);
    if (parts.length === 2 && parts[1] === 'logout' && m === 'DELETE') {
      if (token !== staticToken) tokens.delete(token);
      return { status: 204, headers: {}, body: Buffer.alloc(0) };
    }
    if (parts[1] === 'render_tasks') {
      if (m === 'POST' && parts.length === 5 && Object.hasOwn(KINDS, parts[2])) {
        return handleCreate(ctx, parts[2], parts[3], parts[4]);
      }
      if (m === 'GET' && (parts.length === 3 || (parts.length === 4 && parts[3] === 'results'))) {
        const id = parts[2];
        if (id === 'bad-request') return jsonResp(400, ERR[400]);
        if (id === 'rate-limited') return jsonResp(429, ERR[429], { 'retry-after': '2' });
        const found = findTask(id);
        if (!found) return jsonResp(404, ERR[404]);
        if (parts.length === 3) return jsonResp(200, pick(found.task, ctx.params.get('fields')));
        const { task, rec } = found;
        if (task.status === 'failure') return jsonResp(404, ERR[404]);
        if (task.status !== 'success') {
          return { status: 202, headers: { 'retry-after': String(config.resultsRetryAfterSeconds) }, body: Buffer.alloc(0) };
        }
        const r = await getResult(id, task, rec);
        return { status: 200, headers: { 'content-type': r.contentType }, body: r.bytes };
      }
    }
    return jsonResp(404, ERR[404]);
  }

  // ---------- faults ----------
  function takeFault(ctx) {
    for (const r of faults) {
      if (r.times <= 0) continue;
      if (r.origin !== 'any' && r.origin !== ctx.origin) continue;
      if (r.method ? r.method.toUpperCase() !== ctx.method : ctx.method === 'OPTIONS') continue;
      if (r._re && !r._re.test(ctx.sub)) continue;
      r.times -= 1;
      return r;
    }
    return null;
  }

  // A 200 JSON body for faults that cut or relabel a response: the normal one
  // if it was a 200 JSON, else a plausible RenderTask.
  async function okJsonBody(ctx) {
    const normal = await handleApi(ctx);
    if (normal.status === 200 && String(normal.headers['content-type']).startsWith('application/json')) return normal.body;
    const t = structuredClone(fixtureTasks.values().next().value ?? { id: 'sandbox' });
    return Buffer.from(JSON.stringify(t));
  }

  function stall(res) {
    stalled.add(res.socket);
    res.socket?.once('close', () => stalled.delete(res.socket));
  }

  async function applyFault(rule, ctx, res) {
    const h = (extra) => ({ ...CORS, ...extra });
    switch (rule.fault) {
      case 'status': {
        const body = rule.body === undefined ? errorBody(rule.status) : rule.body;
        const buf = typeof body === 'string' ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
        return send(res, { status: rule.status, headers: { 'content-type': 'application/json', ...(rule.headers || {}) }, body: buf });
      }
      case '429-seconds':
        return send(res, jsonResp(429, ERR[429], { 'retry-after': String(rule.retryAfter ?? 1) }));
      case '429-date': {
        const at = Math.ceil((Date.now() + (rule.retryAfter ?? 1) * 1000) / 1000) * 1000;
        return send(res, jsonResp(429, ERR[429], { 'retry-after': new Date(at).toUTCString() }));
      }
      case 'reset-mid-body':
      case 'stall-body': {
        const body = await okJsonBody(ctx);
        res.writeHead(200, h({ 'content-type': 'application/json', 'content-length': body.length }));
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        if (rule.fault === 'reset-mid-body') {
          // Let the first half reach the client, then drop the connection.
          setTimeout(() => res.destroy(), 20).unref();
        } else stall(res);
        return;
      }
      case 'stall-headers':
        stall(res);
        return;
      case 'truncated-json': {
        const body = await okJsonBody(ctx);
        return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: body.subarray(0, Math.floor(body.length / 2)) });
      }
      case 'html-200': {
        const html = '<!DOCTYPE html>\n<html><head><title>Looker</title></head><body>'
          + '<form method="post" action="/login"><h1>Sign in to Looker</h1>'
          + '<input name="email"><input name="password" type="password"><button>Log In</button></form></body></html>\n';
        return send(res, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(html) });
      }
      case 'wrong-content-type':
        return send(res, { status: 200, headers: { 'content-type': 'text/plain' }, body: await okJsonBody(ctx) });
      case 'huge-body': {
        const total = Math.max(16, Math.floor(rule.bytes ?? 30 * 1024 * 1024));
        const head = Buffer.from('{"id":"huge","padding":"');
        const tail = Buffer.from('"}');
        let left = total - head.length - tail.length;
        res.writeHead(200, h({ 'content-type': 'application/json', 'content-length': total }));
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
        return;
      }
      case 'redirect': {
        const status = rule.status ?? 302;
        const location = `${alternateUrl}${ctx.rawPath}${ctx.rawQuery ? `?${ctx.rawQuery}` : ''}`;
        return send(res, jsonResp(status, { message: 'Redirect', documentation_url: `${DOCS}/${status}` }, { location }));
      }
      case 'mutate': {
        const normal = await handleApi(ctx);
        let obj;
        try { obj = JSON.parse(normal.body.toString('utf8')); } catch { return send(res, normal); }
        if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
          Object.assign(obj, rule.set || {});
          for (const k of rule.delete || []) delete obj[k];
        }
        return send(res, { ...normal, body: Buffer.from(JSON.stringify(obj)) });
      }
      default:
        throw new Error(`unhandled fault ${rule.fault}`);
    }
  }

  // ---------- HTTP plumbing ----------
  function send(res, { status, headers, body }) {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, { ...CORS, ...headers, 'content-length': body.length });
    res.end(body);
  }

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      let n = 0;
      req.on('data', (c) => {
        n += c.length;
        if (n > MAX_BODY) { reject(Object.assign(new Error('body too large'), { status: 413 })); req.destroy(); return; }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  function publicConfig() { return structuredClone(config); }

  function configure(partial) {
    validateConfig(partial);
    const next = { ...config, ...structuredClone(partial) };
    if (partial.stageMs) next.stageMs = { ...config.stageMs, ...partial.stageMs };
    config = next;
  }
  function addFault(rule) {
    const r = normalizeRule(rule);
    r.id = ++faultSeq;
    faults.push(r);
    return publicRule(r);
  }
  function clearFaults() { faults = []; }
  function clearRequests() { log = []; }
  function reset() {
    log = [];
    faults = [];
    created.clear();
    tokens.clear();
    for (const id of [...results.keys()]) if (!fixtureTasks.has(id)) { results.delete(id); resultBuffers.delete(id); }
    config = structuredClone(initialConfig);
  }

  async function handleControl(req, res, sub) {
    const ok = (status, obj) => send(res, obj === undefined ? { status, headers: {}, body: Buffer.alloc(0) } : jsonResp(status, obj));
    const bad = (e) => ok(400, { message: e.message });
    const m = req.method;
    let body = '';
    try { body = await readBody(req); } catch (e) { return ok(e.status || 400, { message: e.message }); }
    const parse = () => (body.trim() === '' ? {} : JSON.parse(body));
    try {
      if (sub === '/requests' && m === 'GET') return ok(200, log);
      if (sub === '/requests' && m === 'DELETE') { clearRequests(); return ok(204); }
      if (sub === '/config' && m === 'GET') return ok(200, publicConfig());
      if (sub === '/config' && m === 'POST') { configure(parse()); return ok(200, publicConfig()); }
      if (sub === '/faults' && m === 'GET') return ok(200, faults.map(publicRule));
      if (sub === '/faults' && m === 'POST') return ok(201, addFault(parse()));
      if (sub === '/faults' && m === 'DELETE') { clearFaults(); return ok(204); }
      if (sub === '/reset' && m === 'POST') { reset(); return ok(204); }
      if (sub === '/info' && m === 'GET') return ok(200, info());
    } catch (e) { return bad(e); }
    return ok(404, { message: 'Unknown sandbox control endpoint' });
  }

  function serveStatic(req, res, rawPath) {
    const text = (status, msg) => send(res, { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(msg) });
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'Method not allowed\n');
    let p;
    try { p = decodeURIComponent(rawPath); } catch { return text(400, 'Bad path\n'); }
    if (p.includes('\0')) return text(400, 'Bad path\n');
    const prefix = Object.keys(staticRoots).filter((k) => p.startsWith(k)).sort((a, b) => b.length - a.length)[0];
    if (prefix === undefined) return text(404, 'Not found\n');
    const root = path.resolve(staticRoots[prefix]);
    let file = path.resolve(root, '.' + path.posix.normalize('/' + p.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + path.sep)) return text(404, 'Not found\n');
    try {
      let st = statSync(file);
      if (st.isDirectory()) { file = path.join(file, 'index.html'); st = statSync(file); }
      if (!st.isFile()) return text(404, 'Not found\n');
      const type = file.endsWith('.d.ts') ? 'text/plain; charset=utf-8'
        : MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, { ...CORS, 'content-type': type, 'content-length': st.size, 'cache-control': 'no-store' });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch {
      return text(404, 'Not found\n');
    }
  }

  function makeHandler(origin) {
    return async (req, res) => {
      const time = Date.now();
      const q = req.url.indexOf('?');
      const rawPath = q === -1 ? req.url : req.url.slice(0, q);
      const rawQuery = q === -1 ? '' : req.url.slice(q + 1);
      try {
        if (rawPath.startsWith('/__sandbox/') || rawPath === '/__sandbox') {
          if (req.method === 'OPTIONS') return send(res, { status: 204, headers: PREFLIGHT, body: Buffer.alloc(0) });
          if (!isLoopbackAddress(req.socket.remoteAddress)) {
            return send(res, { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Not found\n') });
          }
          return await handleControl(req, res, rawPath.slice('/__sandbox'.length));
        }
        if (rawPath !== API && !rawPath.startsWith(API + '/')) {
          if (req.method === 'OPTIONS') return send(res, { status: 204, headers: PREFLIGHT, body: Buffer.alloc(0) });
          return serveStatic(req, res, rawPath);
        }
        let body;
        try { body = await readBody(req); } catch (e) {
          return send(res, jsonResp(e.status || 400, errorBody(e.status || 400)));
        }
        const entry = {
          seq: ++seq, time, method: req.method, path: rawPath, query: rawQuery,
          headers: { ...req.headers }, body, status: null, origin,
        };
        log.push(entry);
        res.on('finish', () => { entry.status = res.statusCode; });
        if (!config.quiet) {
          res.on('close', () => process.stderr.write(`[sandbox] ${origin === 'alternate' ? '(alt) ' : ''}${req.method} ${req.url} -> ${entry.status ?? 'dropped'}\n`));
        }
        const ctx = {
          method: req.method, rawPath, rawQuery, sub: rawPath.slice(API.length), params: new URLSearchParams(rawQuery),
          headers: req.headers, body, origin,
        };
        const rule = takeFault(ctx);
        if (rule) return await applyFault(rule, ctx, res);
        if (req.method === 'OPTIONS') return send(res, { status: 204, headers: PREFLIGHT, body: Buffer.alloc(0) });
        return send(res, await handleApi(ctx));
      } catch (e) {
        if (!config.quiet) process.stderr.write(`[sandbox] error: ${e.stack}\n`);
        if (!res.headersSent) send(res, jsonResp(500, errorBody(500, 'Internal sandbox error')));
        else res.destroy();
      }
    };
  }

  function track(server) {
    server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
    return server;
  }
  const listen = (server, port, h) => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, h, () => { server.off('error', reject); resolve(server.address().port); });
  });

  const primary = track(http.createServer(makeHandler('primary')));
  const alternate = track(http.createServer(makeHandler('alternate')));
  const alternate6 = track(http.createServer(makeHandler('alternate')));
  const port = await listen(primary, options.port ?? 0, host);
  let port2;
  try {
    port2 = await listen(alternate, options.alternatePort ?? 0, host === 'localhost' ? '127.0.0.1' : host);
  } catch (e) { primary.close(); throw e; }
  // `localhost` may resolve to ::1 for some clients; answer there too when possible.
  let have6 = false;
  if (host === '127.0.0.1' || host === 'localhost') {
    try { await listen(alternate6, port2, '::1'); have6 = true; } catch { /* no IPv6 loopback */ }
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  primaryUrl = `http://${urlHost}:${port}`;
  alternateUrl = `http://localhost:${port2}`;

  function info() {
    return { url: primaryUrl, alternateUrl, token: staticToken, clientId, clientSecret };
  }

  async function close() {
    if (closing) return closing;
    closing = (async () => {
      const servers = [primary, alternate, ...(have6 ? [alternate6] : [])];
      const done = servers.map((s) => new Promise((r) => s.close(() => r())));
      for (const s of sockets) s.destroy();
      for (const s of stalled) s.destroy();
      await Promise.all(done);
    })();
    return closing;
  }

  return {
    url: primaryUrl,
    alternateUrl,
    port,
    alternatePort: port2,
    token: staticToken,
    clientId,
    clientSecret,
    requests: () => structuredClone(log),
    clearRequests,
    configure,
    config: publicConfig,
    addFault,
    faults: () => faults.map(publicRule),
    clearFaults,
    reset,
    resultBytes: (taskId) => resultBuffers.get(taskId),
    close,
  };
}
