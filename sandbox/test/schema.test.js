// The schema checker must catch what it claims to, or the spec checks elsewhere prove nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { loadSpec, check, checkNamed, checkResponse } from '../schema.js';

const SPEC = loadSpec(new URL('../../../shared/looker/render_task_spec.json', import.meta.url));
const FIX = new URL('../../tests/fixtures/', import.meta.url);
const fixture = (p) => JSON.parse(readFileSync(new URL(p, FIX), 'utf8'));

test('every render task fixture and error fixture matches its schema', () => {
  const dir = new URL('render_tasks/', FIX);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 8);
  for (const f of files) assert.deepEqual(checkNamed(SPEC, 'RenderTask', fixture(`render_tasks/${f}`)), [], f);
  for (const c of [400, 401, 404, 429]) assert.deepEqual(checkNamed(SPEC, 'Error', fixture(`errors/${c}.json`)), [], c);
  assert.deepEqual(checkNamed(SPEC, 'ValidationError', fixture('errors/422.json')), []);
});

test('the checker reports wrong types, non-nullable nulls, missing required and bad items', () => {
  const good = fixture('render_tasks/success.json');
  assert.match(checkNamed(SPEC, 'RenderTask', { ...good, width: 'wide' }).join(), /width: expected integer, got string/);
  assert.match(checkNamed(SPEC, 'RenderTask', { ...good, width: 1.5 }).join(), /width: expected integer, got number/);
  assert.match(checkNamed(SPEC, 'RenderTask', { ...good, id: null }).join(), /id: null but not nullable/);
  assert.match(checkNamed(SPEC, 'RenderTask', { ...good, can: { show: 'yes' } }).join(), /can\.show: expected boolean/);
  assert.match(checkNamed(SPEC, 'RenderTask', { ...good, runtime: '1' }).join(), /runtime: expected number/);
  assert.deepEqual(checkNamed(SPEC, 'RenderTask', { ...good, runtime: 3 }), [], 'an integer is a number');
  assert.match(checkNamed(SPEC, 'Error', { message: 'x' }).join(), /missing required documentation_url/);
  assert.match(checkNamed(SPEC, 'ValidationError', { message: 'x', documentation_url: 'u', errors: [{ field: 1 }] }).join(),
    /errors\[0\]\.field: expected string.*missing required documentation_url|missing required documentation_url.*field: expected string/);
  assert.match(checkNamed(SPEC, 'AccessToken', [1]).join(), /expected object, got array/);
  assert.deepEqual(checkNamed(SPEC, 'RenderTask', { ...good, extra: 1 }), [], 'unknown properties allowed by default');
  assert.match(checkNamed(SPEC, 'RenderTask', { ...good, extra: 1 }, { strict: true }).join(), /property extra not in schema/);
  assert.match(check(SPEC, { type: 'object', additionalProperties: false, properties: {} }, { a: 1 }).join(), /unexpected property a/);
});

test('checkResponse knows documented statuses and media types', () => {
  const err = JSON.stringify(fixture('errors/404.json'));
  assert.deepEqual(checkResponse(SPEC, 'render_task', { status: 404, contentType: 'application/json', body: err }), []);
  assert.match(checkResponse(SPEC, 'render_task', { status: 418, contentType: 'application/json', body: err }).join(), /not documented/);
  assert.match(checkResponse(SPEC, 'render_task', { status: 200, contentType: 'application/json', body: '{"id":5}' }).join(), /id: expected string/);
  assert.match(checkResponse(SPEC, 'render_task', { status: 200, contentType: 'text/plain', body: '{}' }).join(), /content type text\/plain/);
  assert.match(checkResponse(SPEC, 'render_task', { status: 200, contentType: 'application/json', body: '{"id":' }).join(), /not JSON/);
  assert.deepEqual(checkResponse(SPEC, 'render_task_results', { status: 202, contentType: null, body: '' }), []);
  assert.match(checkResponse(SPEC, 'render_task_results', { status: 202, contentType: null, body: 'x' }).join(), /expected no body/);
  assert.deepEqual(checkResponse(SPEC, 'render_task_results', { status: 200, contentType: 'image/png', body: Buffer.from([137, 80]) }), []);
  assert.deepEqual(checkResponse(SPEC, 'render_task_results', { status: 404, contentType: 'application/json', body: err }), []);
  assert.deepEqual(checkResponse(SPEC, 'login', { status: 401, contentType: 'application/json', body: err }), [], '401 checked as Error');
});
