// Which pages on other origins may read the sandbox's answers. Decided once
// per request, before any handler runs, and set on the response, so that every
// answer (normal, fault, error, static file) carries the same CORS headers.
//
// The API answers as config.cors says: 'any' origin (`*`: what the
// wasm-bindgen-test page, on a random port, and the fit apps need), or only
// 'oauth-apps', the origins of registered OAuth client apps, as Looker's API
// CORS allowlist does; a page anywhere else gets no CORS headers, so the
// browser refuses it the answer. The control API and static files answer any origin.
import { emptyResponse } from './http-util.js';
import { registeredApps } from './oauth.js';

const EXPOSE_HEADERS = 'Retry-After, Content-Type, Content-Length, Content-Disposition';
// The answer to a preflight OPTIONS (sent when a request has Authorization or a JSON body).
const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, X-Looker-Appid',
  'access-control-max-age': '600',
};

/** The origin a page on `origin` may read the answer as, else null. */
function allowedOrigin(state, origin, api) {
  if (!api || state.config.cors === 'any') return '*';
  return origin && registeredApps(state).some((app) => app.origin === origin) ? origin : null;
}

/**
 * Sets the CORS headers on `res` for a request to the API (`api`) or elsewhere;
 * returns the answer to a preflight OPTIONS of the same request.
 */
export function applyCors(state, req, res, { api }) {
  const allowed = allowedOrigin(state, req.headers.origin, api);
  if (allowed !== '*') res.setHeader('vary', 'Origin');
  if (allowed === null) return emptyResponse(204);
  res.setHeader('access-control-allow-origin', allowed);
  res.setHeader('access-control-expose-headers', EXPOSE_HEADERS);
  return emptyResponse(204, PREFLIGHT_HEADERS);
}
