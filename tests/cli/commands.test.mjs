// `looker-render get`, --help, --version and usage errors, spawning the
// installed bin against the sandbox over 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE, sandboxForFile, apiRequests, scratch, environment, tokenEnv, run } from './helpers.mjs';

const T = { timeout: 20_000 };
const FIXTURE_TASK = '7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5';
const fixture = JSON.parse(readFileSync(join(fileURLToPath(new URL('../fixtures/render_tasks', import.meta.url)), 'success.json'), 'utf8')); // the task FIXTURE_TASK
let sb;
sandboxForFile((started) => { sb = started; });

test('--help: usage, every option and examples on stdout, exit 0, without any configuration', T, async (t) => {
  for (const flag of ['--help', '-h']) {
    const r = await run([flag], { cwd: scratch(t), env: environment() });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const help = r.stdout.toString();
    assert.match(help, /^Usage:$/m);
    for (const option of ['--format', '--width', '--height', '--filters', '--filter ', '--each', '--concurrency', 'batch <jobs.json>', '--style', '--paper', '--landscape', '--long-tables',
      '--output', '--force', '--timeout', '--fields', '--ini', '--section', '--base-url', '--quiet', '--verbose', '--version',
      'LOOKERSDK_BASE_URL', 'LOOKERSDK_CLIENT_ID', 'LOOKERSDK_CLIENT_SECRET', 'LOOKERSDK_TIMEOUT', 'LOOKERSDK_ACCESS_TOKEN']) {
      assert.ok(help.includes(option), option);
    }
    assert.match(help, /^Examples:$/m);
    assert.match(help, /looker-render render dashboard 42 --format pdf/);
    assert.match(help, /Exit codes: 0 done; 1 .*; 2 usage/s);
  }
});

test('--version: the package\'s version', T, async (t) => {
  const r = await run(['--version'], { cwd: scratch(t), env: environment() });
  assert.equal(r.code, 0);
  assert.equal(r.stdout.toString(), `${PACKAGE.version}\n`);
});

test('get: the task as JSON on stdout, exactly as the sandbox has it', T, async (t) => {
  const r = await run(['get', FIXTURE_TASK], { cwd: scratch(t), env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no progress for get');
  assert.deepEqual(JSON.parse(r.stdout), fixture);
  const [request] = apiRequests(sb);
  assert.deepEqual([request.method, request.path, request.query], ['GET', `/api/4.0/render_tasks/${FIXTURE_TASK}`, '']);
  assert.equal(request.headers.authorization, `token ${sb.token}`);
});

test('get --fields a,b: only those, asked of Looker', T, async (t) => {
  const r = await run(['get', FIXTURE_TASK, '--fields', 'id,status'], { cwd: scratch(t), env: tokenEnv(sb) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { id: FIXTURE_TASK, status: fixture.status });
  assert.equal(apiRequests(sb)[0].query, 'fields=id,status');
});

test('get: an unknown task is exit 3, the message names the task and Looker\'s 404, nothing on stdout', T, async (t) => {
  const r = await run(['get', 'no-such-task'], { cwd: scratch(t), env: tokenEnv(sb) });
  assert.equal(r.code, 3);
  assert.equal(r.stdout.length, 0);
  assert.match(r.stderr, /^looker-render: .*render task no-such-task.*\b404 Not found/m);
});

test('exit 2: usage errors, each with a message and no request', T, async (t) => {
  const dir = scratch(t);
  const cases = [
    [[], /a command is needed: render, batch or get/],
    [['draw', 'look', '7'], /unknown command "draw"/],
    [['render'], /render what\?/],
    [['render', 'chart', '7'], /unknown kind "chart": one of look, query, dashboard, element/],
    [['render', 'look'], /render look needs an id/],
    [['render', 'look', '7', '8'], /unexpected argument "8"/],
    [['render', 'look', '7', '--format', 'pdf'], /a look renders to png or jpg/],
    [['render', 'element', '101', '--format', 'gif'], /an element renders to png or jpg/],
    [['render', 'look', '7', '--paper', 'a4'], /--paper is for dashboards only/],
    [['render', 'query', '1234', '--landscape'], /--landscape is for dashboards only/],
    [['render', 'look', '7', '--filters', 'a=1'], /--filters is for dashboards only/],
    [['render', 'dashboard', '42', '--style', 'grid'], /--style must be tiled or single_column/],
    [['render', 'look', '7', '--width', 'wide'], /--width must be a whole number of pixels/],
    [['render', 'look', '7', '--height', '-3'], /--height must be a whole number|Unknown option|ambiguous|argument/i],
    [['render', 'look', '7', '--fields', 'id'], /--fields is for get only/],
    [['render', 'look', '7', '--colour', 'red'], /Unknown option '--colour'/],
    [['get'], /get needs a render task id/],
    [['get', 'a', 'b'], /unexpected argument "b"/],
    [['get', FIXTURE_TASK, '-o', 'x.json'], /--output is for render only/],
    [['get', FIXTURE_TASK, '--force'], /--force is for render and batch only/],
    [['get', FIXTURE_TASK, '--concurrency', '2'], /--concurrency is for batch and render --each only/],
    [['render', 'look', '7', '--concurrency', '2'], /--concurrency is for batch and render --each only/],
    [['render', 'look', '7', '--each', 'Region=a,b'], /--each is for dashboards only/],
    [['render', 'look', '7', '--filter', 'Region=a'], /--filter is for dashboards only/],
    [['render', 'dashboard', '42', '--filter', 'Region'], /--filter takes Name=value/],
    [['render', 'dashboard', '42', '--each', 'Region=a', '--each', 'Date=b'], /--each takes one filter/],
    [['render', 'dashboard', '42', '--each', 'Region=a,,b'], /--each Region: an empty value/],
    [['render', 'dashboard', '42', '--each', 'Region=a,b,a'], /"a" is given twice/],
    [['render', 'dashboard', '42', '-f', 'png', '--each', 'Region=a b,a_b'], /"a b" and "a_b" would both be written to dashboard-42-a_b\.png/],
    [['render', 'dashboard', '42', '-f', 'png', '--each', 'Region=a', '-o', '-'], /one file per value: -o - cannot/],
    [['render', 'dashboard', '42', '--each', 'Region=a', '--concurrency', 'many'], /--concurrency must be a whole number/],
    [['render', 'dashboard', '42', '--each', 'Region=a', '--concurrency', '65'], /--concurrency must be a whole number from 1 to 64/],
    [['render', 'dashboard', '42', '--filters', 'a=%zz', '--filter', 'b=1'], /--filters: bad percent-encoding in "a=%zz"/],
    [['batch'], /batch needs a jobs file/],
    [['batch', 'jobs.json', 'more.json'], /unexpected argument "more.json"/],
    [['batch', 'jobs.json', '-o', 'x'], /--output is for render only/],
    [['batch', 'jobs.json', '--fields', 'id'], /--fields is for get only/],
    [['batch', 'missing.json'], /cannot read missing\.json: no such file/],
    [['render', 'look', '7', '--landscape=yes'], /--landscape/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args, { cwd: dir, env: tokenEnv(sb) });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /^looker-render: /);
    assert.equal(r.stdout.length, 0);
  }
  assert.equal(apiRequests(sb).length, 0);
});
