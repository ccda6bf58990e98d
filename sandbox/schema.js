// A checker for the OpenAPI 3 subset used by the Looker render-task spec:
// type, format int64 (integer), nullable, properties, additionalProperties,
// items, $ref (local), required. Unknown properties are allowed (as OpenAPI
// does) unless { strict: true }, which reports properties the schema lacks.
import { readFileSync } from 'node:fs';

export function loadSpec(url) {
  return JSON.parse(readFileSync(url, 'utf8'));
}

function resolveRef(spec, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $ref supported: ${ref}`);
  let node = spec;
  for (const part of ref.slice(2).split('/')) {
    node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return node;
}

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Returns a list of error strings; empty when `value` matches. */
export function check(spec, schema, value, { strict = false } = {}, where = '$') {
  const errs = [];
  const walk = (s, v, at) => {
    if (s.$ref) return walk(resolveRef(spec, s.$ref), v, at);
    if (v === null) {
      if (s.nullable !== true) errs.push(`${at}: null but not nullable`);
      return;
    }
    const t = typeOf(v);
    const type = s.type ?? (s.properties || s.additionalProperties ? 'object' : undefined);
    if (type) {
      const ok = type === t || (type === 'number' && t === 'integer');
      if (!ok) { errs.push(`${at}: expected ${type}, got ${t}`); return; }
    }
    if (t === 'object') {
      const props = s.properties || {};
      for (const r of s.required || []) if (!Object.hasOwn(v, r)) errs.push(`${at}: missing required ${r}`);
      for (const [k, val] of Object.entries(v)) {
        if (Object.hasOwn(props, k)) walk(props[k], val, `${at}.${k}`);
        else if (s.additionalProperties === false) errs.push(`${at}: unexpected property ${k}`);
        else if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, val, `${at}.${k}`);
        else if (strict && s.properties) errs.push(`${at}: property ${k} not in schema`);
      }
    }
    if (t === 'array' && s.items) v.forEach((item, i) => walk(s.items, item, `${at}[${i}]`));
  };
  walk(schema, value, where);
  return errs;
}

/** check() against components.schemas[name]. */
export function checkNamed(spec, name, value, opts) {
  return check(spec, { $ref: `#/components/schemas/${name}` }, value, opts);
}

/** The operation object with this operationId, or throws. */
export function findOperation(spec, operationId) {
  for (const [p, methods] of Object.entries(spec.paths)) {
    for (const [m, op] of Object.entries(methods)) if (op.operationId === operationId) return { path: p, method: m, op };
  }
  throw new Error(`no operation ${operationId}`);
}

/**
 * Checks one HTTP response against the spec's operation. res: { status,
 * contentType, body (string or Buffer) }. undocumented maps status codes the
 * spec leaves out (Looker's 401, gateway 5xx) to a schema name.
 * The spec lists render_task_results errors under image/* and application/pdf
 * media types with the Error schema (a swagger-2 conversion artefact); a JSON
 * error body there is checked against that schema.
 */
export function checkResponse(spec, operationId, res, { undocumented = { 401: 'Error' }, strict = false } = {}) {
  const { op } = findOperation(spec, operationId);
  const ctype = (res.contentType || '').split(';')[0].trim().toLowerCase();
  const text = Buffer.isBuffer(res.body) ? res.body.toString('utf8') : String(res.body ?? '');
  let response = op.responses[String(res.status)];
  if (!response && undocumented[res.status]) {
    response = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${undocumented[res.status]}` } } } };
  }
  if (!response) return [`${operationId}: status ${res.status} is not documented`];
  // 204 never has a body (the spec still names a media type for logout's).
  if (!response.content || res.status === 204) {
    return text.length ? [`${operationId} ${res.status}: expected no body, got ${text.length} chars`] : [];
  }
  let media = response.content[ctype];
  if (!media && ctype === 'application/json') {
    media = Object.values(response.content).find((m) => m.schema?.$ref);
  }
  if (!media) return [`${operationId} ${res.status}: content type ${ctype || '(none)'} not in ${Object.keys(response.content).join(', ')}`];
  if (ctype !== 'application/json') return res.body && res.body.length ? [] : [`${operationId} ${res.status}: empty body`];
  let value;
  try { value = JSON.parse(text); } catch (e) { return [`${operationId} ${res.status}: body is not JSON (${e.message})`]; }
  return check(spec, media.schema, value, { strict }, `${operationId}[${res.status}]`);
}
