// Helpers for the sandbox's own tests (kept out of test/ so the runner does not
// treat it as a test file). Also usable by other test suites.
import assert from 'node:assert/strict';
import { loadSpec, checkResponse, checkNamed } from './schema.js';
import { startSandbox } from './index.js';
import { PDFArray, decodePDFRawStream } from 'pdf-lib';

// The repo is cloned with shared/ as a sibling: <parent>/shared/looker/...
export const SPEC_URL = new URL('../../shared/looker/render_task_spec.json', import.meta.url);
export const SPEC = loadSpec(SPEC_URL);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a sandbox with quick defaults; pass options through. */
export function start(options = {}) {
  return startSandbox({ quiet: true, ...options });
}

/**
 * fetch() with a time bound; resolves to { status, headers, contentType, body (Buffer), text, json }.
 * opts: { method, token (false for none), headers, body, timeoutMs, redirect }.
 */
export async function call(sb, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  const token = opts.token === undefined ? sb.token : opts.token;
  if (token) headers.authorization = `token ${token}`;
  const res = await fetch(path.startsWith('http') ? path : sb.url + path, {
    method: opts.method || 'GET',
    headers,
    body: opts.body,
    redirect: opts.redirect || 'follow',
    signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
  });
  const body = Buffer.from(await res.arrayBuffer());
  const text = body.toString('utf8');
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, contentType: res.headers.get('content-type'), body, text, json };
}

/** Asserts a response matches the spec for operationId (plus Error for 401). */
export function assertSpec(operationId, r, opts) {
  const errs = checkResponse(SPEC, operationId, r, opts);
  assert.deepEqual(errs, [], `response does not match spec: ${errs.join('; ')}`);
  const binary = operationId === 'render_task_results' && r.status === 200;
  if (r.body.length && !binary) assert.match(r.contentType || '', /^application\/json/, 'JSON responses carry application/json');
}

export function assertSchema(name, value, opts) {
  const errs = checkNamed(SPEC, name, value, opts);
  assert.deepEqual(errs, [], `${name} schema: ${errs.join('; ')}`);
}

export const form = (o) => new URLSearchParams(o).toString();
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * The lines of text drawn on a page of a pdf-lib PDFDocument, in drawing order: what the
 * sandbox's PDFs show (their text is Helvetica, drawn as hex strings, one `Tj` a line).
 */
export function pdfPageText(doc, pageIndex) {
  const contents = doc.getPage(pageIndex).node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
  const lines = [];
  for (const stream of streams) {
    const text = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
    for (const [, hex] of text.matchAll(/<([0-9A-Fa-f]*)> Tj/g)) lines.push(Buffer.from(hex, 'hex').toString('latin1'));
  }
  return lines;
}
