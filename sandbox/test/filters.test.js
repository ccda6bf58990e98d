// dashboard_filters: what the sandbox decodes from the string it received, where
// tests read it (sb.task(), GET /__sandbox/tasks/:id), and the PDF that shows it.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { PDFDocument } from 'pdf-lib';
import { start, call, sleep, pdfPageText } from '../testkit.js';
import { decodeDashboardFilters, splitFilterValues } from '../filters.js';
import { STAGES } from '../index.js';

let sb;
before(async () => { sb = await start(); });
after(() => sb.close());
beforeEach(() => sb.reset());

const T = { timeout: 5000 };

// The encoding the issue asks of the client, written out here as the other side of the round trip.
const escapeValue = (value) => value.replace(/\^/g, '^^').replace(/,/g, '^,');
const encodeFilters = (filters) => Object.entries(filters)
  .map(([name, value]) => `${encodeURIComponent(name)}=${[].concat(value).map((v) => encodeURIComponent(escapeValue(v))).join(',')}`)
  .join('&');

const createDashboard = (body, format = 'pdf') => call(sb, `/api/4.0/render_tasks/dashboards/42/${format}?width=800&height=600`, {
  method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
});

test('a filters string decodes to names and their values', () => {
  assert.deepEqual(decodeDashboardFilters('Region=EMEA&Order%20Date=7%20days'), { Region: ['EMEA'], 'Order Date': ['7 days'] });
  assert.deepEqual(decodeDashboardFilters('Region=EMEA,APAC,US'), { Region: ['EMEA', 'APAC', 'US'] });
  assert.deepEqual(decodeDashboardFilters(''), {});
  assert.deepEqual(decodeDashboardFilters('&Region=EMEA&'), { Region: ['EMEA'] }, 'empty pairs are nothing');
  assert.deepEqual(decodeDashboardFilters('Region=&Any'), { Region: [''], Any: [''] }, 'an empty value is one empty value');
  assert.deepEqual(decodeDashboardFilters('a=1&a=2,3'), { a: ['1', '2', '3'] }, 'a name given twice keeps both');
  assert.deepEqual(decodeDashboardFilters('x=a=b'), { x: ['a=b'] }, 'the name ends at the first =');
});

test('`+` is a plus, percent-escapes carry & = # % and spaces', () => {
  assert.deepEqual(decodeDashboardFilters('Q%26A=x%3Dy&Sum=1+2&Tag=%23top&Rate=50%25&Name=a%20b'),
    { 'Q&A': ['x=y'], Sum: ['1+2'], Tag: ['#top'], Rate: ['50%'], Name: ['a b'] });
  assert.throws(() => decodeDashboardFilters('Region=%zz'), (e) => e instanceof URIError && /"Region=%zz"/.test(e.message));
});

test('values split at unescaped commas; ^, is a comma and ^^ a caret; other ^ escapes stay', () => {
  assert.deepEqual(splitFilterValues('a^,b,c'), ['a,b', 'c']);
  assert.deepEqual(splitFilterValues('a^^,b'), ['a^', 'b'], '^^ then a separator');
  assert.deepEqual(splitFilterValues('a^^^,b'), ['a^,b']);
  assert.deepEqual(splitFilterValues('100^%,x^_y'), ['100^%', 'x^_y'], 'filter-expression escapes are the value');
  assert.deepEqual(splitFilterValues('end^'), ['end^']);
  assert.deepEqual(splitFilterValues(',,'), ['', '', '']);
  assert.deepEqual(decodeDashboardFilters('Tags=a%5E%2Cb%2Cc'), { Tags: ['a,b', 'c'] }, 'escapes may arrive percent-encoded');
});

test('a filter named __proto__ is a filter like any other', () => {
  const filters = decodeDashboardFilters('__proto__=x&constructor=y');
  assert.deepEqual(Object.keys(filters), ['__proto__', 'constructor']);
  assert.deepEqual(filters.constructor, ['y']);
  assert.equal(Object.getPrototypeOf(filters), Object.prototype);
});

test('the filters a dashboard task received round trip to sb.task() and GET /__sandbox/tasks/:id', T, async () => {
  const sent = {
    Region: 'EMEA',
    'Order Date': '7 days',
    Tags: ['a,b', 'c'],
    'Q&A = #1': ['50% + more', 'x^y', 'caret^,comma'],
    Empty: '',
  };
  const text = encodeFilters(sent);
  const created = await createDashboard({ dashboard_filters: text });
  assert.equal(created.status, 200);
  assert.equal(created.json.dashboard_filters, text, 'the RenderTask keeps the string as sent');
  const expected = Object.fromEntries(Object.entries(sent).map(([name, value]) => [name, [].concat(value)]));
  const record = sb.task(created.json.id);
  assert.deepEqual(record.filters, expected);
  assert.equal(record.filtersError, null);
  assert.equal(record.dashboardFilters, text);
  const overHttp = await call(sb, `/__sandbox/tasks/${created.json.id}`, { token: false });
  assert.equal(overHttp.status, 200);
  assert.deepEqual(overHttp.json.filters, expected);
  assert.deepEqual(sb.tasks().map((t) => t.id), [created.json.id]);
});

test('undecodable filters still create the task, and the record says what was wrong', T, async () => {
  const created = await createDashboard({ dashboard_filters: 'Region=%E0%A4%A' });
  assert.equal(created.status, 200);
  const record = sb.task(created.json.id);
  assert.equal(record.filters, null);
  assert.match(record.filtersError, /bad percent-encoding in "Region=%E0%A4%A"/);
  const noFilters = await createDashboard({});
  assert.equal(sb.task(noFilters.json.id).filters, null, 'no dashboard_filters, no filters');
  assert.equal(sb.task(noFilters.json.id).filtersError, null);
});

test('task records: what was asked for; unknown ids are 404 over HTTP and null from sb.task()', T, async () => {
  const look = await call(sb, '/api/4.0/render_tasks/looks/7/jpg?width=320&height=200', { method: 'POST' });
  const { createdAt, stageMs, timeline, status, ...asked } = sb.task(look.json.id);
  assert.deepEqual(asked, {
    id: look.json.id, userId: '1', target: 'looks/7/jpg/320x200', kindPath: 'looks', contentId: '7', format: 'jpg',
    width: 320, height: 200, dashboardFilters: null, filters: null, filtersError: null,
  });
  assert.equal(createdAt, Date.parse(look.json.created_at));
  assert.deepEqual(stageMs, sb.config().stageMs, 'no spread: the configured durations');
  assert.deepEqual(Object.keys(timeline), ['queryStartedAt', 'queryEndedAt', 'renderStartedAt', 'finishedAt']);
  assert.ok([...STAGES, 'success'].includes(status), status);
  assert.equal((await call(sb, '/__sandbox/tasks/nope', { token: false })).status, 404);
  assert.equal(sb.task('nope'), null);
  const list = await call(sb, '/__sandbox/tasks', { token: false });
  assert.deepEqual(list.json.map((t) => t.id), [look.json.id]);
});

test('the dashboard PDF shows the filters it was given, decoded', T, async () => {
  sb.configure({ stageMs: { enqueued_for_query: 0, querying: 0, enqueued_for_render: 0, rendering: 0 } });
  const created = await createDashboard({ dashboard_filters: encodeFilters({ Region: ['EMEA', 'APAC'], 'Q&A': '1+1=2', Tags: ['a,b', 'c'] }) });
  let r;
  for (let i = 0; i < 50 && r?.status !== 200; i++) {
    r = await call(sb, `/api/4.0/render_tasks/${created.json.id}/results`);
    if (r.status !== 200) await sleep(10);
  }
  assert.equal(r.status, 200);
  const lines = pdfPageText(await PDFDocument.load(r.body), 0);
  for (const line of ['Filters:', '  Region: EMEA, APAC', '  Q&A: 1+1=2', '  Tags: "a,b", c']) assert.ok(lines.includes(line), `${line} in ${JSON.stringify(lines)}`);
});
