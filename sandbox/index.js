// A local stand-in for the Looker API 4.0 render-task endpoints (sandbox/README.md).
// This file starts the servers and sends each request to its part:
//   /__sandbox/*  control.js (loopback clients only)
//   /api/4.0/*    logged, then faults.js or api.js
//   anything else static.js
// All of them share the one state of state.js.
import http from 'node:http';
import { createState, sandboxInfo, clearRequests, configure, publicConfig, resetState } from './state.js';
import { isLoopbackAddress, send, readBody, jsonResponse, errorBody, textResponse, preflightResponse } from './http-util.js';
import { API_PREFIX, handleApi, isCreateRequest } from './api.js';
import { takeFault, applyFault, addFaultRule, listFaultRules, clearFaultRules } from './faults.js';
import { handleControl } from './control.js';
import { serveStatic } from './static.js';
import { taskRecords } from './tasks.js';
import { countResponse, publicCounters, resetCounters } from './counters.js';

export { DEFAULT_TOKEN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, STAGES, DEFAULT_STAGE_MS } from './state.js';
export { FAULT_KINDS } from './faults.js';
export { isLoopbackAddress };

const CONTROL_PREFIX = '/__sandbox';

/** Logs an API request, then answers it with a fault or the API. */
async function serveApi(state, req, res, origin, { rawPath, rawQuery, time }) {
  let body;
  try { body = await readBody(req); } catch (e) {
    return send(res, jsonResponse(e.status || 400, errorBody(e.status || 400)));
  }
  const entry = {
    seq: ++state.requestSeq, time, method: req.method, path: rawPath, query: rawQuery,
    headers: { ...req.headers }, body, status: null, origin,
  };
  state.requests.push(entry);
  res.on('finish', () => { entry.status = res.statusCode; });
  // Count by status as the head is written, before the client can see it: a
  // counter read after a response has that response in it.
  const writeHead = res.writeHead;
  res.writeHead = function countedWriteHead(status, ...rest) {
    countResponse(state, status);
    return writeHead.call(this, status, ...rest);
  };
  if (!state.config.quiet) {
    res.on('close', () => process.stderr.write(`[sandbox] ${origin === 'alternate' ? '(alt) ' : ''}${req.method} ${req.url} -> ${entry.status ?? 'dropped'}\n`));
  }
  const request = {
    method: req.method, rawPath, rawQuery, apiPath: rawPath.slice(API_PREFIX.length), query: new URLSearchParams(rawQuery),
    headers: req.headers, body, origin,
  };
  if (isCreateRequest(request)) state.counters.createsSeen += 1;
  const rule = takeFault(state, request);
  if (rule) return applyFault(state, rule, request, res);
  if (req.method === 'OPTIONS') return send(res, preflightResponse());
  return send(res, await handleApi(state, request));
}

/** The request handler of one origin ('primary' or 'alternate'). */
function requestHandler(state, origin) {
  return async (req, res) => {
    const time = Date.now();
    const queryAt = req.url.indexOf('?');
    const rawPath = queryAt === -1 ? req.url : req.url.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? '' : req.url.slice(queryAt + 1);
    try {
      if (rawPath === CONTROL_PREFIX || rawPath.startsWith(`${CONTROL_PREFIX}/`)) {
        if (req.method === 'OPTIONS') return send(res, preflightResponse());
        if (!isLoopbackAddress(req.socket.remoteAddress)) return send(res, textResponse(404, 'Not found\n', 'text/plain'));
        return await handleControl(state, req, res, rawPath.slice(CONTROL_PREFIX.length));
      }
      if (rawPath === API_PREFIX || rawPath.startsWith(`${API_PREFIX}/`)) {
        return await serveApi(state, req, res, origin, { rawPath, rawQuery, time });
      }
      if (req.method === 'OPTIONS') return send(res, preflightResponse());
      return serveStatic(state.staticRoots, req, res, rawPath);
    } catch (e) {
      if (!state.config.quiet) process.stderr.write(`[sandbox] error: ${e.stack}\n`);
      if (!res.headersSent) send(res, jsonResponse(500, errorBody(500, 'Internal sandbox error')));
      else res.destroy();
    }
  };
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
  const server = (origin) => {
    const created = http.createServer(requestHandler(state, origin));
    created.on('connection', (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
    return created;
  };
  const primary = server('primary');
  const alternate = server('alternate');
  const alternateIpv6 = server('alternate');
  const port = await listen(primary, options.port ?? 0, host);
  let alternatePort;
  try {
    alternatePort = await listen(alternate, options.alternatePort ?? 0, host === 'localhost' ? '127.0.0.1' : host);
  } catch (e) { primary.close(); throw e; }
  // `localhost` may resolve to ::1 for some clients; answer there too when possible.
  let listeningOnIpv6 = false;
  if (host === '127.0.0.1' || host === 'localhost') {
    try { await listen(alternateIpv6, alternatePort, '::1'); listeningOnIpv6 = true; } catch { /* no IPv6 loopback */ }
  }
  state.primaryUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  state.alternateUrl = `http://localhost:${alternatePort}`;

  let closing = null;
  function close() {
    closing ??= (async () => {
      const servers = [primary, alternate, ...(listeningOnIpv6 ? [alternateIpv6] : [])];
      const closed = servers.map((s) => new Promise((resolve) => s.close(() => resolve())));
      for (const socket of sockets) socket.destroy();
      for (const socket of state.stalledSockets) socket.destroy();
      await Promise.all(closed);
    })();
    return closing;
  }

  const { url, alternateUrl, token, clientId, clientSecret } = sandboxInfo(state);
  return {
    url,
    alternateUrl,
    port,
    alternatePort,
    token,
    clientId,
    clientSecret,
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
    close,
  };
}
