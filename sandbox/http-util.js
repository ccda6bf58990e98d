// HTTP helpers every sandbox handler uses: responses as plain values
// ({ status, headers, body: Buffer }) and sending them, Looker's error body,
// reading a request body, matching a route, and who counts as a local client.
// (CORS headers are set once per request, before any of this runs: cors.js.)
import http from 'node:http';

export const LOOKER_DOCS_URL = 'https://cloud.google.com/looker/docs/r/reference/looker-http-codes';
const MAX_REQUEST_BODY_BYTES = 8 * 1024 * 1024;

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(addr) {
  if (!addr) return false;
  const ip = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return ip === '::1' || /^127\.\d+\.\d+\.\d+$/.test(ip);
}

/** A Looker `Error` body: message and documentation_url. */
export function errorBody(status, message) {
  return { message: message ?? (http.STATUS_CODES[status] || 'Error'), documentation_url: `${LOOKER_DOCS_URL}/${status}` };
}

export function jsonResponse(status, value, headers = {}) {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

export function emptyResponse(status, headers = {}) {
  return { status, headers, body: Buffer.alloc(0) };
}

export function textResponse(status, text, contentType = 'text/plain; charset=utf-8') {
  return { status, headers: { 'content-type': contentType }, body: Buffer.from(text) };
}

/** Writes a response value (after the headers already set on `res`); does nothing once the response has started or the client left. */
export function send(res, { status, headers, body }) {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { ...headers, 'content-length': body.length });
  res.end(body);
}

/** The request body as UTF-8; rejects with `status: 413` past 8 MiB. */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The params of a route `{ method, path }` for a request, or null if it does not match.
 * `path` segments are literal or `:name`; `segments` are the request path's, split at '/'.
 */
export function matchRoute(route, method, segments) {
  if (route.method !== method) return null;
  const pattern = route.path.split('/');
  if (pattern.length !== segments.length) return null;
  const params = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = segments[i];
    else if (pattern[i] !== segments[i]) return null;
  }
  return params;
}
