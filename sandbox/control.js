// The /__sandbox/* endpoints tests and tools use to steer the sandbox: the
// request log, runtime config, fault rules, created tasks, counters, OAuth
// counters and token controls, reset and info. Loopback clients only (index.js
// checks); not logged.
import { readBody, jsonResponse, emptyResponse, send, matchRoute } from './http-util.js';
import { clearRequests, configure, publicConfig, resetState, sandboxInfo } from './state.js';
import { addFaultRule, listFaultRules, clearFaultRules } from './faults.js';
import { taskRecords } from './tasks.js';
import { publicCounters, resetCounters } from './counters.js';
import { oauthStatus, revokeRefreshTokens } from './oauth.js';
import { expireAccessTokens } from './auth.js';

const taskOr404 = (record) => (record ? [200, record] : [404, { message: 'No task created with that id' }]);

/** A named token from a control request's JSON body, or null for all of them. */
function namedToken(body, name) {
  const token = body[name] ?? null;
  if (token !== null && typeof token !== 'string') throw new TypeError(`${name} must be a string`);
  return token;
}

// `handle(state, jsonBody, params)` -> [status, JSON value] or [status] for no body. `path` segments
// are literal or `:name`. `jsonBody()` parses the request body ({} when empty); a throw answers 400.
export const controlRoutes = [
  { method: 'GET', path: '/requests', handle: (state) => [200, state.requests] },
  { method: 'DELETE', path: '/requests', handle: (state) => { clearRequests(state); return [204]; } },
  { method: 'GET', path: '/config', handle: (state) => [200, publicConfig(state)] },
  { method: 'POST', path: '/config', handle: (state, jsonBody) => { configure(state, jsonBody()); return [200, publicConfig(state)]; } },
  { method: 'GET', path: '/faults', handle: (state) => [200, listFaultRules(state)] },
  { method: 'POST', path: '/faults', handle: (state, jsonBody) => [201, addFaultRule(state, jsonBody())] },
  { method: 'DELETE', path: '/faults', handle: (state) => { clearFaultRules(state); return [204]; } },
  { method: 'GET', path: '/tasks', handle: (state) => [200, taskRecords(state)] },
  { method: 'GET', path: '/tasks/:id', handle: (state, jsonBody, { id }) => taskOr404(taskRecords(state, id)) },
  { method: 'GET', path: '/counters', handle: (state) => [200, publicCounters(state)] },
  { method: 'DELETE', path: '/counters', handle: (state) => { resetCounters(state); return [204]; } },
  { method: 'GET', path: '/oauth', handle: (state) => [200, oauthStatus(state)] },
  {
    method: 'POST', path: '/oauth/expire-access-tokens',
    handle: (state, jsonBody) => [200, { expired: expireAccessTokens(state, namedToken(jsonBody(), 'accessToken')) }],
  },
  {
    method: 'POST', path: '/oauth/revoke-refresh-tokens',
    handle: (state, jsonBody) => [200, { revoked: revokeRefreshTokens(state, namedToken(jsonBody(), 'refreshToken')) }],
  },
  { method: 'POST', path: '/reset', handle: (state) => { resetState(state); return [204]; } },
  { method: 'GET', path: '/info', handle: (state) => [200, sandboxInfo(state)] },
];

function findControlRoute(method, controlPath) {
  let segments;
  try { segments = controlPath.split('/').map(decodeURIComponent); } catch { return null; }
  for (const route of controlRoutes) {
    const params = matchRoute(route, method, segments);
    if (params) return { route, params };
  }
  return null;
}

/** Answers a control request; `controlPath` is the path after /__sandbox. */
export async function handleControl(state, req, res, controlPath) {
  const answer = (status, value) => send(res, value === undefined ? emptyResponse(status) : jsonResponse(status, value));
  let text;
  try { text = await readBody(req); } catch (e) { return answer(e.status || 400, { message: e.message }); }
  const found = findControlRoute(req.method, controlPath);
  if (!found) return answer(404, { message: 'Unknown sandbox control endpoint' });
  const jsonBody = () => (text.trim() === '' ? {} : JSON.parse(text));
  try {
    return answer(...found.route.handle(state, jsonBody, found.params));
  } catch (e) {
    return answer(400, { message: e.message });
  }
}
