// Many renders from one command: `render dashboard --each` (one merged PDF, or
// a file per value) and `batch jobs.json`: the filters each task received,
// the files, failures, checks before any request, Ctrl-C, --concurrency and
// progress. Spawns the installed bin against the sandbox over 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pdfPageText } from '../../sandbox/testkit.js';
import { BIN, sandboxForFile, apiRequests, scratch, tokenEnv, run, start, sleep, hasScript, taskRecord } from './helpers.mjs';

// The pdf-lib that sandbox/testkit.js reads pages with (the repository's, not the
// package's copy in tests/cli/node_modules): its checks use instanceof.
const { PDFDocument } = createRequire(new URL('../../sandbox/testkit.js', import.meta.url))('pdf-lib');

const T = { timeout: 30_000 };
let sb;
sandboxForFile((started) => { sb = started; });

/** Every created task's record, fetched one by one from the control API. */
const taskRecords = () => Promise.all(sb.tasks().map((task) => taskRecord(sb, task.id)));

const writeJobs = (dir, jobs, name = 'jobs.json') => writeFileSync(join(dir, name), JSON.stringify(jobs));

const PNG = [0x89, 0x50];
const JPEG = [0xff, 0xd8];
const PDF = [0x25, 0x50];
const magic = (path) => [...readFileSync(path).subarray(0, 2)];

test('--each with pdf: one merged PDF, a page per value in the given order, each render with its filter', T, async (t) => {
  const dir = scratch(t);
  // A value with & and =, one with a comma (^, on the command line); --filter keeps the other filters.
  const values = ['EMEA', 'A&B=C', 'North, South'];
  const r = await run(['render', 'dashboard', '42', '--each', 'Region=EMEA,A&B=C,North^, South',
    '--filter', 'Order Date=7 days', '-o', 'regions.pdf'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir), ['regions.pdf'], 'one file, no temporary files');

  const records = await taskRecords();
  assert.equal(records.length, 3);
  for (const record of records) {
    assert.equal(record.target.split('/').slice(0, 3).join('/'), 'dashboards/42/pdf');
    assert.equal(record.filtersError, null);
    assert.deepEqual(Object.keys(record.filters).sort(), ['Order Date', 'Region']);
    assert.deepEqual(record.filters['Order Date'], ['7 days']);
  }
  assert.deepEqual(records.map((record) => record.filters.Region).sort(), values.map((v) => [v]).sort(), 'one value per render');

  const pdf = await PDFDocument.load(readFileSync(join(dir, 'regions.pdf')));
  assert.equal(pdf.getPageCount(), 3);
  values.forEach((value, page) => {
    const region = pdfPageText(pdf, page).find((line) => line.trim().startsWith('Region:'));
    assert.ok(region?.includes(value), `page ${page + 1} is ${value}: ${region}`);
  });
  assert.match(r.stderr, /wrote regions\.pdf/);
});

test('--each with png: one file per value, named by the value, each the bytes of its own render', T, async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'out'));
  const r = await run(['render', 'dashboard', '42', '-f', 'png', '--each', 'Region=EMEA,APAC', '--each', 'Region=US / Canada',
    '-o', 'out'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  const files = { EMEA: 'dashboard-42-EMEA.png', APAC: 'dashboard-42-APAC.png', 'US / Canada': 'dashboard-42-US___Canada.png' };
  assert.deepEqual(readdirSync(join(dir, 'out')).sort(), Object.values(files).sort());
  assert.deepEqual(readdirSync(dir), ['out']);
  const records = await taskRecords();
  assert.equal(records.length, 3);
  for (const record of records) {
    const [value] = record.filters.Region;
    assert.deepEqual(readFileSync(join(dir, 'out', files[value])), sb.resultBytes(record.id), value);
  }

  // -o NAME.png: the value goes before the extension; existing files are refused before any request.
  const named = await run(['render', 'dashboard', '42', '-f', 'jpg', '--each', 'Region=EMEA', '-o', 'out/regions.jpg'],
    { cwd: dir, env: tokenEnv(sb) });
  assert.equal(named.code, 0, named.stderr);
  assert.deepEqual(magic(join(dir, 'out/regions-EMEA.jpg')), JPEG);
  sb.clearRequests();
  const again = await run(['render', 'dashboard', '42', '-f', 'png', '--each', 'Region=APAC', '-o', 'out'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /dashboard-42-APAC\.png exists; use --force/);
  assert.equal(apiRequests(sb).length, 0);
});

test('--each with pdf and a failing render: no merged file, the failure named, exit 1', T, async (t) => {
  const dir = scratch(t);
  // dashboards/fail fails whatever its filters: every value fails.
  const r = await run(['render', 'dashboard', 'fail', '--each', 'Region=EMEA,APAC', '-o', 'r.pdf'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /2 of 2 failed/);
  assert.match(r.stderr, /Region="EMEA": .*the render failed/);
  assert.match(r.stderr, /r\.pdf not written/);
  assert.deepEqual(readdirSync(dir), []);
});

test('batch: a failing job does not stop the others; exit 1, the summary names it, the good files are written', T, async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'out'));
  writeJobs(dir, [
    { look_id: 7, result_format: 'png', output: 'out/look.png' },
    { look_id: 'fail', result_format: 'png', output: 'out/failed.png' },
    { dashboard_id: '42', result_format: 'pdf', pdf_paper_size: 'a4', output: 'out/emea.pdf',
      body: { dashboard_filters: { Region: ['EMEA', 'a,b'], 'Order Date': '7 days' }, dashboard_style: 'single_column' } },
    { query_id: '1234', result_format: 'jpg', width: 300, height: 200, output: 'out/query.jpg' },
    { dashboard_element_id: '101', result_format: 'png', output: 'out/tile.png' },
  ]);
  const r = await run(['batch', 'jobs.json'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['emea.pdf', 'look.png', 'query.jpg', 'tile.png'], 'no failed or temporary file');
  assert.deepEqual(magic(join(dir, 'out/look.png')), PNG);
  assert.deepEqual(magic(join(dir, 'out/emea.pdf')), PDF);
  assert.deepEqual(magic(join(dir, 'out/query.jpg')), JPEG);
  assert.deepEqual(magic(join(dir, 'out/tile.png')), PNG);

  const summary = r.stderr.slice(r.stderr.indexOf('1 of 5 failed'));
  assert.ok(summary.length < r.stderr.length, `a summary:\n${r.stderr}`);
  const line = summary.split('\n').find((l) => l.includes('jobs.json[1]'));
  assert.ok(line, `the summary names the job:\n${summary}`);
  assert.match(line, /out\/failed\.png/, 'and its output');
  assert.match(line, /the render failed: Query failed: column "orders\.total" does not exist/, 'and the library\'s message');
  assert.doesNotMatch(summary, /jobs\.json\[[0234]\]/, 'only the failure');

  // What each job asked for arrived: defaults for the sizes, the dashboard's options and filters.
  const records = await taskRecords();
  const byTarget = Object.fromEntries(records.map((record) => [record.target.split('/').slice(0, 2).join('/'), record]));
  assert.deepEqual([byTarget['looks/7'].width, byTarget['looks/7'].height], [1200, 800]);
  assert.deepEqual([byTarget['queries/1234'].width, byTarget['queries/1234'].height], [300, 200]);
  assert.deepEqual([byTarget['dashboard_elements/101'].width, byTarget['dashboard_elements/101'].height], [800, 600]);
  assert.deepEqual(byTarget['dashboards/42'].filters, { Region: ['EMEA', 'a,b'], 'Order Date': ['7 days'] });
  const dashboardCreate = apiRequests(sb).find((req) => req.method === 'POST' && req.path.includes('/dashboards/42/'));
  assert.match(dashboardCreate.query, /pdf_paper_size=a4/);
  assert.equal(JSON.parse(dashboardCreate.body).dashboard_style, 'single_column');
  assert.deepEqual(readFileSync(join(dir, 'out/emea.pdf')), sb.resultBytes(byTarget['dashboards/42'].id));
});

test('batch: a bad job is exit 2 before any request, naming the job and its key', T, async (t) => {
  const dir = scratch(t, { 'taken.png': 'keep me' });
  const good = { look_id: '7', result_format: 'png', output: 'ok.png' };
  const cases = [
    [[good, { ...good, output: 'ok2.png' }, { look_id: '7', result_format: 'png', width: 99999, output: 'big.png' }], /jobs\.json\[2\]\.width\b/],
    [[good, { look_id: '7', result_format: 'pdf', output: 'x.pdf' }], /jobs\.json\[1\]\.result_format\b.*"pdf"/],
    [[good, { look_id: '7', result_format: 'png' }], /jobs\.json\[1\]\.output\b/],
    [[good, { ...good }], /jobs\.json\[1\]\.output: ok\.png is also the output of jobs\.json\[0\]/],
    [[good, { look_id: '7', result_format: 'png', output: 'taken.png' }], /jobs\.json\[1\]\.output: taken\.png exists; use --force/],
    [[good, { look_id: '7', result_format: 'png', output: 'no/such/dir.png' }], /jobs\.json\[1\]\.output: cannot write .*no directory/],
    [[{ result_format: 'png', output: 'a.png' }], /jobs\.json\[0\] needs one of look_id/],
    [[{ ...good, colour: 'red' }], /jobs\.json\[0\]\.colour\b/],
    [[{ dashboard_id: '42', result_format: 'pdf', body: { dashboard_filters: { Region: true } }, output: 'd.pdf' }],
      /jobs\.json\[0\]\.body\.dashboard_filters\b.*"Region"/],
    [[good, 'look 7'], /jobs\.json\[1\] must be an object/],
    [{ jobs: [good] }, /jobs\.json must hold a JSON array/],
  ];
  for (const [jobs, message] of cases) {
    writeJobs(dir, jobs);
    const r = await run(['batch', 'jobs.json'], { cwd: dir, env: tokenEnv(sb) });
    assert.equal(r.code, 2, `${JSON.stringify(jobs)}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  writeFileSync(join(dir, 'jobs.json'), '[{"look_id": "7",');
  const broken = await run(['batch', 'jobs.json'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /jobs\.json is not JSON/);
  assert.equal(apiRequests(sb).length, 0, 'no request at all');
  assert.deepEqual(readdirSync(dir).sort(), ['jobs.json', 'taken.png']);
  assert.equal(readFileSync(join(dir, 'taken.png'), 'utf8'), 'keep me');

  // --force: the existing file is replaced.
  writeJobs(dir, [{ look_id: '7', result_format: 'png', output: 'taken.png' }]);
  const forced = await run(['batch', 'jobs.json', '--force', '-q'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(forced.stderr, '', '--quiet: nothing when all went well');
  assert.deepEqual(magic(join(dir, 'taken.png')), PNG);
});

test('batch: Ctrl-C mid-batch is exit 130; the files already written stay, no partial or temporary file', T, async (t) => {
  const dir = scratch(t);
  writeJobs(dir, [
    { look_id: '7', result_format: 'png', output: 'fast-1.png' },
    { look_id: '7', result_format: 'png', output: 'fast-2.png' },
    { look_id: 'slow', result_format: 'png', output: 'slow-1.png' },
    { look_id: 'slow', result_format: 'png', output: 'slow-2.png' },
  ]);
  let twoDone;
  const seen = new Promise((resolve) => { twoDone = resolve; });
  const { child, done } = start(['batch', 'jobs.json', '--concurrency', '4'], {
    cwd: dir, env: tokenEnv(sb), onStderr: (text) => { if (/2\/4 done/.test(text)) twoDone(); },
  });
  await seen;
  await sleep(500); // the slow ones are still polling (they take 12 s)
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted/);
  assert.match(r.stderr, /the 2 written before stay/);
  assert.deepEqual(readdirSync(dir).sort(), ['fast-1.png', 'fast-2.png', 'jobs.json'], 'no partial or temporary file');
  assert.deepEqual(magic(join(dir, 'fast-1.png')), PNG);
  const slowTasks = sb.tasks().filter((task) => task.contentId === 'slow').map((task) => task.id);
  assert.equal(slowTasks.length, 2);
  const downloads = apiRequests(sb).filter((req) => req.path.endsWith('/results')).map((req) => req.path.split('/').at(-2));
  assert.ok(slowTasks.every((id) => !downloads.includes(id)), 'no slow result was downloaded');
});

test('--concurrency: at most N renders in flight at once; the default is the library\'s 2', T, async (t) => {
  const dir = scratch(t);
  sb.configure({ stageMs: { rendering: 300 } });
  writeJobs(dir, Array.from({ length: 6 }, (_, i) => ({ look_id: '7', result_format: 'png', output: `look-${i}.png` })));
  const peak = () => sb.counters().peakInFlight['1'];
  let r = await run(['batch', 'jobs.json', '--concurrency', '3', '-q'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(peak(), 3);
  assert.equal(sb.counters().tasksCreated, 6);

  sb.resetCounters();
  r = await run(['batch', 'jobs.json', '--force', '-q', '--concurrency', '1'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(peak(), 1);

  sb.resetCounters();
  r = await run(['render', 'dashboard', '42', '--each', 'Region=a,b,c,d,e', '-q'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(peak(), 2, '--each without --concurrency');
  assert.equal(sb.counters().tasksCreated, 5);
});

test('batch progress off a terminal: sparse lines of counts', T, async (t) => {
  const dir = scratch(t);
  const jobs = Array.from({ length: 20 }, (_, i) => ({ look_id: '7', result_format: 'png', output: `look-${i}.png` }));
  jobs[5] = { look_id: 'fail', result_format: 'png', output: 'failed.png' };
  writeJobs(dir, jobs);
  const r = await run(['batch', 'jobs.json', '--concurrency', '4'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 1, r.stderr);
  assert.ok(!r.stderr.includes('\r') && !r.stderr.includes('\x1b'), 'no terminal control');
  const counts = r.stderr.split('\n').filter((line) => / done, /.test(line));
  for (const line of counts) assert.match(line, /^\[\d+\.\ds\] jobs\.json: \d+\/20 done, \d+ rendering, [01] failed$/);
  assert.ok(counts.length <= 12, `sparse: ${counts.length} lines`);
  assert.ok(counts.length >= 2, `some: ${counts.length} lines`);
  assert.match(counts.at(-1), /20\/20 done, 0 rendering, 1 failed$/);
  assert.match(r.stderr, /^jobs\.json: 19 written, 1 failed, in \d+\.\ds$/m);
  assert.equal(readdirSync(dir).length, 20, 'jobs.json and 19 files');
});

test('batch progress on a terminal: one live line of counts', { ...T, skip: hasScript() ? false : 'no `script` to give it a terminal' }, async (t) => {
  const dir = scratch(t);
  writeJobs(dir, Array.from({ length: 4 }, (_, i) => ({ look_id: '7', result_format: 'png', output: `look-${i}.png` })));
  const { stdout: out } = await promisify(execFile)('script', ['-qec', `${BIN} batch jobs.json`, '/dev/null'], {
    cwd: dir, env: tokenEnv(sb), timeout: 15_000, encoding: 'utf8',
  });
  const frames = out.split('\r\x1b[2K');
  assert.ok(frames.length > 3, `rewrites the line: ${JSON.stringify(out)}`);
  for (const frame of frames.slice(1, -1)) assert.ok(!frame.includes('\n'), `no newline in a frame: ${JSON.stringify(frame)}`);
  assert.ok(frames.some((frame) => /jobs\.json · [0-3]\/4 done, \d+ rendering, 0 failed · /.test(frame)), JSON.stringify(frames));
  assert.match(frames.at(-1), /^jobs\.json: 4 written, in \d+\.\ds\r?\n$/);
});
