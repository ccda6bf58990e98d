// The /__sandbox/* endpoints tests and tools use to steer the sandbox: the
// request log, runtime config, fault rules, OAuth counters and token
// controls, reset and info. Loopback clients only (index.js checks); not logged.
import { readBody, jsonResponse, emptyResponse, send } from './http-util.js';
import { clearRequests, configure, publicConfig, resetState, sandboxInfo } from './state.js';
import { addFaultRule, listFaultRules, clearFaultRules } from './faults.js';
import { oauthStatus, revokeRefreshTokens } from './oauth.js';
import { expireAccessTokens } from './auth.js';

/** A named token from a control request's JSON body, or null for all of them. */
function namedToken(body, name) {
  const token = body[name] ?? null;
  if (token !== null && typeof token !== 'string') throw new TypeError(`${name} must be a string`);
  return token;
}

// 'METHOD /path' -> (state, jsonBody) => [status, JSON value] or [status] for no body.
// `jsonBody()` parses the request body ({} when empty); a throw answers 400 with its message.
export const controlRoutes = {
  'GET /requests': (state) => [200, state.requests],
  'DELETE /requests': (state) => { clearRequests(state); return [204]; },
  'GET /config': (state) => [200, publicConfig(state)],
  'POST /config': (state, jsonBody) => { configure(state, jsonBody()); return [200, publicConfig(state)]; },
  'GET /faults': (state) => [200, listFaultRules(state)],
  'POST /faults': (state, jsonBody) => [201, addFaultRule(state, jsonBody())],
  'DELETE /faults': (state) => { clearFaultRules(state); return [204]; },
  'GET /oauth': (state) => [200, oauthStatus(state)],
  'POST /oauth/expire-access-tokens': (state, jsonBody) => [200, { expired: expireAccessTokens(state, namedToken(jsonBody(), 'accessToken')) }],
  'POST /oauth/revoke-refresh-tokens': (state, jsonBody) => [200, { revoked: revokeRefreshTokens(state, namedToken(jsonBody(), 'refreshToken')) }],
  'POST /reset': (state) => { resetState(state); return [204]; },
  'GET /info': (state) => [200, sandboxInfo(state)],
};

/** Answers a control request; `controlPath` is the path after /__sandbox. */
export async function handleControl(state, req, res, controlPath) {
  const answer = (status, value) => send(res, value === undefined ? emptyResponse(status) : jsonResponse(status, value));
  let text;
  try { text = await readBody(req); } catch (e) { return answer(e.status || 400, { message: e.message }); }
  const route = controlRoutes[`${req.method} ${controlPath}`];
  if (!route) return answer(404, { message: 'Unknown sandbox control endpoint' });
  const jsonBody = () => (text.trim() === '' ? {} : JSON.parse(text));
  try {
    return answer(...route(state, jsonBody));
  } catch (e) {
    return answer(400, { message: e.message });
  }
}
