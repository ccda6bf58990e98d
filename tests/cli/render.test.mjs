// `looker-render render`: files, flags, progress, exit codes and Ctrl-C,
// spawning the installed bin against the sandbox over 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIN, sandboxForFile, apiRequests, scratch, tokenEnv, run, start, sleep, resultTaskId, hasScript, taskRecord,
} from './helpers.mjs';

const T = { timeout: 20_000 };
let sb;
sandboxForFile((started) => { sb = started; });

const creates = () => apiRequests(sb).filter((r) => r.method === 'POST');

test('each kind renders to its default file name, byte for byte the sandbox\'s file', T, async (t) => {
  const dir = scratch(t);
  const cases = [
    [['look', '7'], 'look-7.png', '/api/4.0/render_tasks/looks/7/png', 'width=1200&height=800', [0x89, 0x50]],
    [['query', '1234', '--format', 'jpg'], 'query-1234.jpg', '/api/4.0/render_tasks/queries/1234/jpg', 'width=1200&height=800', [0xff, 0xd8]],
    [['dashboard', '42'], 'dashboard-42.pdf', '/api/4.0/render_tasks/dashboards/42/pdf', 'width=1920&height=1080', [0x25, 0x50]],
    [['element', '101'], 'element-101.png', '/api/4.0/render_tasks/dashboard_elements/101/png', 'width=800&height=600', [0x89, 0x50]],
    [['dashboard_element', '101', '-f', 'jpg'], 'dashboard_element-101.jpg', '/api/4.0/render_tasks/dashboard_elements/101/jpg', 'width=800&height=600', [0xff, 0xd8]],
    [['dashboard', 'thelook::business_pulse', '-f', 'png', '--width', '640', '--height', '480'],
      'dashboard-thelook__business_pulse.png', '/api/4.0/render_tasks/dashboards/thelook%3A%3Abusiness_pulse/png', 'width=640&height=480', [0x89, 0x50]],
  ];
  for (const [args, file, path, query, magic] of cases) {
    sb.reset();
    const r = await run(['render', ...args], { cwd: dir, env: tokenEnv(sb) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0, 'nothing on stdout');
    const bytes = readFileSync(join(dir, file));
    assert.deepEqual([...bytes.subarray(0, 2)], magic, file);
    assert.deepEqual(bytes, sb.resultBytes(resultTaskId(sb)), file);
    const [create] = creates();
    assert.deepEqual([create.path, create.query], [path, query]);
  }
  assert.deepEqual(readdirSync(dir).sort(), cases.map((c) => c[1]).sort(), 'no temporary files left');
});

test('dashboard flags travel as Looker\'s parameters and body', T, async (t) => {
  const dir = scratch(t);
  const r = await run(['render', 'dashboard', '42', '--format', 'pdf', '--width', '1000', '--height', '700',
    '--filters', 'Region=EMEA&Date=7 days', '--style', 'single_column', '--paper', 'a4', '--landscape', '--long-tables',
    '-o', 'report.pdf'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  const [create] = creates();
  assert.equal(create.path, '/api/4.0/render_tasks/dashboards/42/pdf');
  assert.equal(create.query, 'width=1000&height=700&pdf_paper_size=a4&pdf_landscape=true&long_tables=true');
  assert.deepEqual(JSON.parse(create.body), { dashboard_filters: 'Region=EMEA&Date=7 days', dashboard_style: 'single_column' });
  assert.deepEqual(readFileSync(join(dir, 'report.pdf')), sb.resultBytes(resultTaskId(sb)));
});

test('--filter: names and values arrive as typed; a comma separates values, ^, is a comma inside one', T, async (t) => {
  const dir = scratch(t);
  let r = await run(['render', 'dashboard', '42', '--filter', 'Region=EMEA,North^, South', '--filter', 'Order Date=7 days',
    '--filter', 'a&b=c+d%e f', '--filter', 'Caret=x^^y^z', '--filter', 'Region=US', '-o', 'a.pdf'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  let record = await taskRecord(sb, resultTaskId(sb));
  assert.equal(record.filtersError, null);
  assert.deepEqual(record.filters, {
    Region: ['EMEA', 'North, South', 'US'], 'Order Date': ['7 days'], 'a&b': ['c+d%e f'], Caret: ['x^y^z'],
  });

  // With --filters: the string is read as Looker reads it, and --filter wins for a name in both.
  sb.reset();
  r = await run(['render', 'dashboard', '42', '--filters', 'Region=US&Date=7%20days&Tags=a%5E%2Cb,c', '--filter', 'Region=EMEA',
    '-o', 'b.pdf'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  record = await taskRecord(sb, resultTaskId(sb));
  assert.deepEqual(record.filters, { Region: ['EMEA'], Date: ['7 days'], Tags: ['a,b', 'c'] });
});

test('-o: a file, a directory, and - for standard output', T, async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'out'));
  let r = await run(['render', 'look', '7', '-o', 'out/my.png'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(join(dir, 'out/my.png')), sb.resultBytes(resultTaskId(sb)));
  r = await run(['render', 'look', '7', '--output', 'out'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(join(dir, 'out/look-7.png')), sb.resultBytes(resultTaskId(sb)));
  r = await run(['render', 'element', '101', '--format', 'jpg', '-o', '-'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout, sb.resultBytes(resultTaskId(sb)));
  assert.deepEqual(readdirSync(dir).sort(), ['out']);
  assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['look-7.png', 'my.png']);
  r = await run(['render', 'look', '7', '-o', 'missing/x.png'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no directory missing/);
});

test('never overwrites without --force; --force replaces the file', T, async (t) => {
  const dir = scratch(t, { 'look-7.png': 'keep me' });
  sb.clearRequests();
  const r = await run(['render', 'look', '7'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /look-7\.png exists; use --force/);
  assert.equal(readFileSync(join(dir, 'look-7.png'), 'utf8'), 'keep me');
  assert.equal(apiRequests(sb).length, 0, 'refused before any request');
  const forced = await run(['render', 'look', '7', '--force'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(readFileSync(join(dir, 'look-7.png')), sb.resultBytes(resultTaskId(sb)));
  assert.deepEqual(readdirSync(dir), ['look-7.png']);
});

test('progress off a terminal: one plain line per status change, in order; --quiet: none', T, async (t) => {
  const dir = scratch(t);
  // Rendering from 0.6 s to 1.8 s: the poll at about 1.2 s sees it whatever the jitter.
  sb.configure({ stageMs: { enqueued_for_query: 200, querying: 200, enqueued_for_render: 200, rendering: 1200 } });
  const r = await run(['render', 'look', '7'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(!r.stderr.includes('\r') && !r.stderr.includes('\x1b'), 'no terminal control');
  for (const line of lines.slice(0, -1)) assert.match(line, /^\[\d+\.\ds\] look 7: [a-z_ ]+( \(render task [0-9a-f]{32}\))?$/);
  const stages = lines.slice(0, -1).map((l) => l.replace(/^\[[^\]]+\] look 7: /, '').replace(/ \(.*$/, ''));
  const order = ['creating render task', 'enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering', 'downloading'];
  assert.equal(stages[0], 'creating render task');
  assert.equal(stages[1], 'enqueued_for_query');
  assert.equal(stages.at(-1), 'downloading');
  assert.ok(stages.includes('rendering'), `saw ${stages}`);
  assert.deepEqual(stages, order.filter((s) => stages.includes(s)), 'once each, in order');
  assert.match(lines.at(-1), /^look 7: wrote look-7\.png \(\d+ bytes, image\/png\), render task [0-9a-f]{32}, in \d+\.\ds$/);
  assert.ok(lines[1].includes(resultTaskId(sb)), 'names the render task');

  const quiet = await run(['render', 'look', '7', '-o', 'q.png', '--quiet'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, '');
});

test('progress on a terminal: one live line rewritten in place', { ...T, skip: hasScript() ? false : 'no `script` to give it a terminal' }, async (t) => {
  const dir = scratch(t);
  // Rendering from 0.6 s to 1.8 s: the poll at about 1.2 s sees it whatever the jitter.
  sb.configure({ stageMs: { enqueued_for_query: 200, querying: 200, enqueued_for_render: 200, rendering: 1200 } });
  // script(1) runs the bin on a pseudo-terminal; its output is what the terminal got.
  // Asynchronously: the sandbox answers from this process.
  const { stdout: out } = await promisify(execFile)('script', ['-qec', `${BIN} render look 7`, '/dev/null'], {
    cwd: dir, env: tokenEnv(sb), timeout: 15_000, encoding: 'utf8',
  });
  const frames = out.split('\r\x1b[2K');
  assert.ok(frames.length > 5, `rewrites the line: ${JSON.stringify(out)}`);
  for (const frame of frames.slice(1, -1)) {
    assert.match(frame, /^. look 7 · [a-z_ ]+ · \d+\.\ds$/, 'stage, status, elapsed; no newline');
  }
  assert.ok(frames.some((f) => f.includes(' · rendering · ')), `shows the status: ${JSON.stringify(frames)}`);
  assert.match(frames.at(-1), /^look 7: wrote look-7\.png .* in \d+\.\ds\r?\n$/);
  assert.ok(!out.includes('[0.0s]'), 'no plain lines');
  assert.deepEqual(readFileSync(join(dir, 'look-7.png')), sb.resultBytes(resultTaskId(sb)));
});

test('exit 1: the render failed, Looker\'s status_detail printed, no file', T, async (t) => {
  const dir = scratch(t);
  for (const [kind, detail] of [['look', 'column "orders.total" does not exist'], ['dashboard', 'timeout after 300 seconds'],
    ['query', 'relation "public.missing_table"'], ['element', 'permission denied for model "thelook"']]) {
    const r = await run(['render', kind, 'fail'], { cwd: dir, env: tokenEnv(sb) });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^looker-render: .*render task [0-9a-f]{32}.*: the render failed: /m);
    assert.ok(r.stderr.includes(`Query failed: ${detail}`), r.stderr);
  }
  assert.deepEqual(readdirSync(dir), []);
});

// 404, 401, failed logins and no answer: errors.test.mjs.
test('exit 3: a 422 with its field errors, a non-Looker answer', T, async (t) => {
  const dir = scratch(t);
  let r = await run(['render', 'look', '7', '--width', '5'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /look 7.*\b422 Validation Failed\n {2}width: must be between 10 and 16384\n {2}see https:\/\/\S+\/422/);

  sb.addFault({ method: 'POST', fault: 'html-200' });
  r = await run(['render', 'look', '7'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /look 7: .*not JSON/);
  assert.deepEqual(readdirSync(dir), []);
});

test('exit 4: --timeout gives up on a slow render, no file', T, async (t) => {
  const dir = scratch(t);
  const r = await run(['render', 'look', 'slow', '--timeout', '1'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /render task [0-9a-f]{32} .*did not finish.*; last status: (enqueued_for_query|querying)$/m);
  assert.match(r.stderr, /^ {2}timeout: 1 s\b.*--timeout/m, 'which setting the timeout came from');
  assert.ok(r.ms < 4000, `gave up after ${r.ms} ms`);
  assert.deepEqual(readdirSync(dir), []);
});

test('exit 130: Ctrl-C mid-render stops polling at once and leaves no file', T, async (t) => {
  const dir = scratch(t);
  let polling;
  const seen = new Promise((resolve) => { polling = resolve; });
  const { child, done } = start(['render', 'dashboard', 'slow'], {
    cwd: dir, env: tokenEnv(sb), onStderr: (text) => { if (text.includes('enqueued_for_query')) polling(); },
  });
  await seen;
  await sleep(1200); // a few polls in
  const polls = apiRequests(sb).filter((r) => r.method === 'GET');
  assert.ok(polls.length >= 2, `polling before Ctrl-C (${polls.length} polls)`);
  const interruptedAt = Date.now();
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
  assert.ok(Date.now() - interruptedAt < 1000, `exited ${Date.now() - interruptedAt} ms after SIGINT`);
  assert.match(r.stderr, /interrupted/);
  assert.deepEqual(readdirSync(dir), [], 'no file, no temporary file');
  await sleep(1500);
  // A poll already on the wire at the signal may land a moment later; none may start after it.
  const late = apiRequests(sb).filter((req) => req.time > interruptedAt + 50);
  assert.deepEqual(late.map((req) => `${req.method} ${req.path}`), [], 'no poll after Ctrl-C');
  assert.equal(apiRequests(sb).filter((req) => req.path.endsWith('/results')).length, 0);
});

test('arguments the library refuses are usage errors (exit 2) before any request', T, async (t) => {
  const dir = scratch(t);
  const r = await run(['render', 'look', '7', '--width', '20000'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /width/);
  const paper = await run(['render', 'dashboard', '42', '--paper', 'a9'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(paper.code, 2, paper.stderr);
  assert.match(paper.stderr, /pdf_paper_size/);
  assert.equal(apiRequests(sb).length, 0);
});
