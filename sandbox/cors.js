// Which pages on other origins may read the sandbox's answers. Decided once
// per request, before any handler runs, and set on the response, so that every
// answer (normal, fault, error, static file) carries the same CORS headers.
import { emptyResponse } from './http-util.js';

// Browsers call the sandbox from other origins (the wasm-bindgen-test page,
// the fit apps) and read Retry-After and friends.
const OPEN = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Retry-After, Content-Type, Content-Length, Content-Disposition',
};
// The answer to a preflight OPTIONS (sent when a request has Authorization).
const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, X-Looker-Appid',
  'access-control-max-age': '600',
};

/** Sets the CORS headers on `res`; returns the answer to a preflight OPTIONS of the same request. */
export function applyCors(res) {
  for (const [name, value] of Object.entries(OPEN)) res.setHeader(name, value);
  return emptyResponse(204, PREFLIGHT_HEADERS);
}
