// A local stand-in for the Looker API 4.0 render-task endpoints (sandbox/README.md).
// This file starts the servers and sends each request to its part. The API
// origin (and its twin, the alternate origin):
//   /__sandbox/*  control.js (loopback clients only)
//   /api/*        logged, then faults.js or api.js
//   anything else static.js
// The Looker UI origin: /auth, logged, then consent.js.
// The app origin (a registered OAuth app's site): static.js, and GET /__sandbox/info
// so that the demo page finds the API and the Looker UI from there too.
// All of them share the one state of state.js.
import http from 'node:http';
import { createState, sandboxInfo, clearRequests, configure, publicConfig, resetState, oauthApp, DEFAULT_OAUTH_CLIENT_ID } from './state.js';
import { isLoopbackAddress, send, readBody, jsonResponse, errorBody, textResponse } from './http-util.js';
import { applyCors } from './cors.js';
import { API_ROOT, handleApi, isCreateRequest } from './api.js';
import { takeFault, applyFault, addFaultRule, listFaultRules, clearFaultRules } from './faults.js';
import { handleControl } from './control.js';
import { handleLookerUi } from './consent.js';
import { oauthStatus, revokeRefreshTokens } from './oauth.js';
import { expireAccessTokens } from './auth.js';
import { serveStatic } from './static.js';
import { taskRecords } from './tasks.js';
import { countResponse, publicCounters, resetCounters } from './counters.js';

export { DEFAULT_TOKEN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_OAUTH_CLIENT_ID, STAGES, DEFAULT_STAGE_MS } from './state.js';
export { FAULT_KINDS } from './faults.js';
export { isLoopbackAddress };

const CONTROL_PREFIX = '/__sandbox';
const isUnder = (rawPath, prefix) => rawPath === prefix || rawPath.startsWith(`${prefix}/`);

/** Adds a request to the log (its status is filled in once answered); returns its body, or answers 413/400 and returns null. */
async function logRequest(state, req, res, origin, { rawPath, rawQuery, time }) {
  let body;
  try { body = await readBody(req); } catch (e) {
    send(res, jsonResponse(e.status || 400, errorBody(e.status || 400)));
    return null;
  }
  const entry = {
    seq: ++state.requestSeq, time, method: req.method, path: rawPath, query: rawQuery,
    headers: { ...req.headers }, body, status: null, origin,
  };
  state.requests.push(entry);
  res.on('finish', () => { entry.status = res.statusCode; });
  if (!state.config.quiet) {
    res.on('close', () => process.stderr.write(`[sandbox] ${origin === 'primary' ? '' : `(${origin}) `}${req.method} ${req.url} -> ${entry.status ?? 'dropped'}\n`));
  }
  return body;
}

/** Logs and counts an API request, then answers it with a fault or the API. */
async function serveApi(state, req, res, origin, { rawPath, rawQuery, time, preflight }) {
  const body = await logRequest(state, req, res, origin, { rawPath, rawQuery, time });
  if (body === null) return;
  // Count by status as the head is written, before the client can see it: a
  // counter read after a response has that response in it.
  const writeHead = res.writeHead;
  res.writeHead = function countedWriteHead(status, ...rest) {
    countResponse(state, status);
    return writeHead.call(this, status, ...rest);
  };
  const request = { method: req.method, rawPath, rawQuery, query: new URLSearchParams(rawQuery), headers: req.headers, body, origin };
  if (isCreateRequest(request)) state.counters.createsSeen += 1;
  const rule = takeFault(state, request);
  if (rule) return applyFault(state, rule, request, res);
  if (req.method === 'OPTIONS') return send(res, preflight);
  return send(res, await handleApi(state, request));
}

/** A request handler that splits the URL and answers 500 when `answer` throws. */
function requestHandler(state, answer) {
  return async (req, res) => {
    const time = Date.now();
    const queryAt = req.url.indexOf('?');
    const rawPath = queryAt === -1 ? req.url : req.url.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? '' : req.url.slice(queryAt + 1);
    try {
      await answer(req, res, { rawPath, rawQuery, time });
    } catch (e) {
      if (!state.config.quiet) process.stderr.write(`[sandbox] error: ${e.stack}\n`);
      if (!res.headersSent) send(res, jsonResponse(500, errorBody(500, 'Internal sandbox error')));
      else res.destroy();
    }
  };
}

/** The API origin ('primary') and its twin ('alternate'): control, API, static files. */
function apiOrigin(state, origin) {
  return requestHandler(state, async (req, res, parts) => {
    const { rawPath } = parts;
    const api = isUnder(rawPath, API_ROOT);
    const preflight = applyCors(state, req, res, { api });
    if (isUnder(rawPath, CONTROL_PREFIX)) {
      if (req.method === 'OPTIONS') return send(res, preflight);
      if (!isLoopbackAddress(req.socket.remoteAddress)) return send(res, textResponse(404, 'Not found\n', 'text/plain'));
      return handleControl(state, req, res, rawPath.slice(CONTROL_PREFIX.length));
    }
    if (api) return serveApi(state, req, res, origin, { ...parts, preflight });
    if (req.method === 'OPTIONS') return send(res, preflight);
    return serveStatic(state.staticRoots, req, res, rawPath);
  });
}

/** The Looker web UI origin: the consent page at /auth. */
function lookerUiOrigin(state) {
  return requestHandler(state, async (req, res, parts) => {
    const body = await logRequest(state, req, res, 'ui', parts);
    if (body === null) return;
    const { rawPath, rawQuery } = parts;
    send(res, handleLookerUi(state, { method: req.method, rawPath, query: new URLSearchParams(rawQuery), body }));
  });
}

/** The app origin: the demo page and the package, served as a web app's own site would serve them. */
function appOrigin(state) {
  return requestHandler(state, async (req, res, { rawPath }) => {
    if (rawPath === `${CONTROL_PREFIX}/info` && req.method === 'GET' && isLoopbackAddress(req.socket.remoteAddress)) {
      return send(res, jsonResponse(200, sandboxInfo(state)));
    }
    return serveStatic(state.staticRoots, req, res, rawPath);
  });
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(server.address().port); });
  });
}

/** Starts the sandbox; resolves once it listens (options and the returned object: sandbox/README.md). */
export async function startSandbox(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const state = createState(options);
  const sockets = new Set();
  const listening = [];
  let closing = null;
  function close() {
    closing ??= (async () => {
      const closed = listening.map((s) => new Promise((resolve) => s.close(() => resolve())));
      for (const socket of sockets) socket.destroy();
      for (const socket of state.stalledSockets) socket.destroy();
      await Promise.all(closed);
    })();
    return closing;
  }
  const serve = async (handler, port, at) => {
    const server = http.createServer(handler);
    server.on('connection', (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
    const bound = await listen(server, port, at);
    listening.push(server);
    return bound;
  };
  const urlAt = (port) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let port, alternatePort, uiPort, appPort;
  try {
    port = await serve(apiOrigin(state, 'primary'), options.port ?? 0, host);
    alternatePort = await serve(apiOrigin(state, 'alternate'), options.alternatePort ?? 0, host === 'localhost' ? '127.0.0.1' : host);
    // `localhost` may resolve to ::1 for some clients; answer there too when possible.
    if (host === '127.0.0.1' || host === 'localhost') {
      try { await serve(apiOrigin(state, 'alternate'), alternatePort, '::1'); } catch { /* no IPv6 loopback */ }
    }
    uiPort = await serve(lookerUiOrigin(state), options.uiPort ?? 0, host);
    appPort = await serve(appOrigin(state), options.appPort ?? 0, host);
  } catch (e) {
    await close();
    throw e;
  }
  state.primaryUrl = urlAt(port);
  state.alternateUrl = `http://localhost:${alternatePort}`;
  state.lookerUrl = urlAt(uiPort);
  state.appUrl = urlAt(appPort);
  // The demo page is its own redirect URI: it finds `code` and `state` in its query.
  state.defaultOAuthApp = oauthApp({ clientId: DEFAULT_OAUTH_CLIENT_ID, redirectUri: `${state.appUrl}/`, displayName: 'looker-render demo' });

  const { url, alternateUrl, token, clientId, clientSecret, lookerUrl, appUrl, oauthClientId, oauthRedirectUri } = sandboxInfo(state);
  return {
    url,
    alternateUrl,
    lookerUrl,
    appUrl,
    port,
    alternatePort,
    uiPort,
    appPort,
    token,
    clientId,
    clientSecret,
    oauthClientId,
    oauthRedirectUri,
    requests: () => structuredClone(state.requests),
    clearRequests: () => clearRequests(state),
    configure: (partial) => configure(state, partial),
    config: () => publicConfig(state),
    addFault: (rule) => addFaultRule(state, rule),
    faults: () => listFaultRules(state),
    clearFaults: () => clearFaultRules(state),
    reset: () => resetState(state),
    tasks: () => taskRecords(state),
    task: (taskId) => taskRecords(state, taskId),
    counters: () => publicCounters(state),
    resetCounters: () => resetCounters(state),
    resultBytes: (taskId) => state.resultBytes.get(taskId),
    oauth: () => oauthStatus(state),
    expireAccessTokens: (accessToken) => expireAccessTokens(state, accessToken ?? null),
    revokeRefreshTokens: (refreshToken) => revokeRefreshTokens(state, refreshToken ?? null),
    close,
  };
}
