// Configuration as in the Looker SDKs: looker.ini, then LOOKERSDK_*, then
// flags; which host and which credentials were used is read from the
// sandbox's request log.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import {
  sandboxForFile, apiRequests, scratch, environment, tokenEnv, run, closedPort, ini,
} from './helpers.mjs';

const T = { timeout: 20_000 };
let sb;
sandboxForFile((started) => { sb = started; });
let dead; // a base URL nothing answers on
before(async () => { dead = `http://127.0.0.1:${await closedPort()}`; });

const FIXTURE_TASK = '7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5';
const origins = () => [...new Set(apiRequests(sb).map((r) => r.origin))];
const logins = () => apiRequests(sb).filter((r) => r.path === '/api/4.0/login');

test('base URL: ./looker.ini, overridden by LOOKERSDK_BASE_URL, overridden by --base-url', T, async (t) => {
  // The sandbox answers on two origins: sb.url (primary) and sb.alternateUrl (alternate).
  const dir = scratch(t, { 'looker.ini': ini({ base_url: sb.url }) });
  const token = { LOOKERSDK_ACCESS_TOKEN: sb.token };
  let r = await run(['get', FIXTURE_TASK], { cwd: dir, env: environment(token) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(origins(), ['primary'], 'from the ini file');

  const other = scratch(t, { 'looker.ini': ini({ base_url: dead }) });
  sb.clearRequests();
  r = await run(['get', FIXTURE_TASK], { cwd: other, env: environment({ ...token, LOOKERSDK_BASE_URL: sb.alternateUrl }) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(origins(), ['alternate'], 'the environment wins over the file');

  sb.clearRequests();
  r = await run(['get', FIXTURE_TASK, '--base-url', sb.url], { cwd: other, env: environment({ ...token, LOOKERSDK_BASE_URL: dead }) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(origins(), ['primary'], 'the flag wins over both');
});

test('--ini PATH and --section NAME choose the file and section; quotes and comments as configparser', T, async (t) => {
  const dir = scratch(t, {
    'other.ini': `; a comment\n[Looker]\nbase_url=${dead}\n\n[Sandbox]\n# another\nBASE_URL : "${sb.alternateUrl}"\ntimeout = 30\n`,
    'looker.ini': ini({ base_url: dead }),
  });
  const r = await run(['get', FIXTURE_TASK, '--ini', 'other.ini', '--section', 'Sandbox', '--verbose'],
    { cwd: dir, env: environment({ LOOKERSDK_ACCESS_TOKEN: sb.token }) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(origins(), ['alternate']);
  assert.match(r.stderr, /base URL http:\/\/localhost:\d+ \(other\.ini \[Sandbox\]\)/);
  assert.match(r.stderr, /timeout 30 s \(other\.ini \[Sandbox\]\)/);
});

test('timeout: ini, then LOOKERSDK_TIMEOUT, then --timeout; it bounds the render (exit 4)', T, async (t) => {
  const dir = scratch(t, { 'looker.ini': ini({ base_url: sb.url, timeout: 1 }) });
  const token = { LOOKERSDK_ACCESS_TOKEN: sb.token };
  let r = await run(['render', 'look', 'slow'], { cwd: dir, env: environment(token) });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /^ {2}timeout: 1 s\b.*looker\.ini \[Looker\]/m);

  r = await run(['render', 'look', 'slow', '--verbose'], { cwd: dir, env: environment({ ...token, LOOKERSDK_TIMEOUT: '1.5' }) });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /timeout 1\.5 s \(environment LOOKERSDK_TIMEOUT\)/);
  assert.match(r.stderr, /^ {2}timeout: 1\.5 s\b.*LOOKERSDK_TIMEOUT/m);

  r = await run(['render', 'look', 'slow', '--timeout', '0.5', '--verbose'], { cwd: dir, env: environment({ ...token, LOOKERSDK_TIMEOUT: '1.5' }) });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /timeout 0\.5 s \(flag --timeout\)/);
  assert.ok(r.ms < 3000, `${r.ms} ms`);
  assert.deepEqual(readdirSync(dir), ['looker.ini']);

  r = await run(['get', FIXTURE_TASK, '--verbose'], { cwd: scratch(t), env: tokenEnv(sb) });
  assert.match(r.stderr, /timeout 120 s \(default\)/);
  r = await run(['render', 'look', '7', '-q', '--verbose'], { cwd: scratch(t), env: tokenEnv(sb) });
  assert.match(r.stderr, /timeout 600 s \(default\)/);
});

test('exit 2: configuration errors, before any request', T, async (t) => {
  const dir = scratch(t, { 'bad.ini': 'base_url=x\n', 'looker.ini': ini({ base_url: sb.url }) });
  const cases = [
    [[], environment({ LOOKERSDK_ACCESS_TOKEN: sb.token }), /no Looker host/, scratch(t)],
    [[], environment({ LOOKERSDK_BASE_URL: sb.url }), /no credentials: set LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET/],
    [[], environment({ LOOKERSDK_CLIENT_ID: 'someone' }), /incomplete API credentials: no client secret/],
    [[], environment({ LOOKERSDK_CLIENT_SECRET: 'hush-hush-secret' }), /incomplete API credentials: no client id/],
    [['--timeout', 'soon'], tokenEnv(sb), /timeout must be a positive number of seconds, not "soon" \(flag --timeout\)/],
    [[], tokenEnv(sb, { LOOKERSDK_TIMEOUT: '0' }), /timeout must be .* \(environment LOOKERSDK_TIMEOUT\)/],
    [['--ini', 'missing.ini'], tokenEnv(sb), /cannot read missing\.ini: no such file/],
    [['--section', 'Nope'], tokenEnv(sb), /looker\.ini has no \[Nope\] section \(it has \[Looker\]\)/],
    [['--ini', 'bad.ini'], tokenEnv(sb), /bad\.ini: line 1: "base_url" is outside any \[section\]/],
    [['--base-url', 'not a url'], environment({ LOOKERSDK_ACCESS_TOKEN: sb.token }), /baseUrl|URL/i],
  ];
  for (const [args, env, message, cwd = dir] of cases) {
    const r = await run(['render', 'look', '7', ...args], { cwd, env });
    assert.equal(r.code, 2, `${args} ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.ok(!r.stderr.includes('hush-hush-secret'));
  }
  assert.equal(apiRequests(sb).length, 0);
  assert.deepEqual(readdirSync(dir).sort(), ['bad.ini', 'looker.ini']);
});

test('an access token from LOOKERSDK_ACCESS_TOKEN wins over credentials: no login', T, async (t) => {
  const dir = scratch(t, { 'looker.ini': ini({ base_url: sb.url, client_id: sb.clientId, client_secret: sb.clientSecret }) });
  const r = await run(['render', 'look', '7', '--verbose'], { cwd: dir, env: environment({ LOOKERSDK_ACCESS_TOKEN: sb.token }) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(logins().length, 0);
  assert.ok(apiRequests(sb).every((req) => req.headers.authorization === `token ${sb.token}`));
  assert.match(r.stderr, /not used: the access token wins/);
});

test('secrets are never printed, not even with --verbose', T, async (t) => {
  const secret = 'Sup3r-S3cret-Value-42';
  const token = 'tok-Abc123-never-print-me';
  const dir = scratch(t, { 'looker.ini': ini({ base_url: sb.url, client_id: 'cli-test-client-id', client_secret: secret }) });
  const runs = [
    await run(['render', 'look', '7', '--verbose'], { cwd: dir, env: environment() }),
    await run(['get', FIXTURE_TASK, '--verbose'], { cwd: dir, env: environment({ LOOKERSDK_CLIENT_SECRET: `${secret}-env` }) }),
    await run(['render', 'dashboard', '42', '--verbose', '-o', '-'], { cwd: dir, env: environment({ LOOKERSDK_ACCESS_TOKEN: token }) }),
    await run(['render', 'look', '7', '--verbose', '--force'], { cwd: dir, env: tokenEnv(sb) }),
  ];
  for (const r of runs) {
    const text = r.stderr + r.stdout.toString('latin1');
    for (const s of [secret, token, sb.token, 'cli-test-client-id']) assert.ok(!text.includes(s), `printed ${s}:\n${r.stderr}`);
    assert.match(r.stderr, /\[redacted\]/);
    assert.match(r.stderr, /> (GET|POST) http/, 'verbose shows the requests');
  }
  assert.equal(runs[2].code, 3, 'a wrong token is an authentication error');
  assert.equal(runs[3].code, 0);
  assert.equal(runs[0].code, 3, 'wrong credentials are an authentication error');
});

// ----- with client credentials: the CLI logs in first -----

test('credentials from LOOKERSDK_CLIENT_ID/SECRET: one login, secret only in its form body', T, async (t) => {
  const dir = scratch(t);
  const r = await run(['render', 'look', '7'], {
    cwd: dir, env: environment({ LOOKERSDK_BASE_URL: sb.url, LOOKERSDK_CLIENT_ID: sb.clientId, LOOKERSDK_CLIENT_SECRET: sb.clientSecret }),
  });
  assert.equal(r.code, 0, r.stderr);
  const [login, ...more] = logins();
  assert.equal(more.length, 0, 'one login');
  assert.equal(login.method, 'POST');
  const form = new URLSearchParams(login.body);
  assert.equal(form.get('client_id'), sb.clientId);
  assert.equal(form.get('client_secret'), sb.clientSecret);
  for (const req of apiRequests(sb)) assert.ok(!`${req.path}?${req.query}`.includes(sb.clientSecret), 'never in a URL');
  assert.ok(!r.stderr.includes(sb.clientSecret));
  assert.ok(readdirSync(dir).includes('look-7.png'));
});

test('credentials: ini values, overridden key by key by the environment', T, async (t) => {
  const dir = scratch(t, { 'looker.ini': ini({ base_url: sb.url, client_id: sb.clientId, client_secret: 'stale-secret-from-ini' }) });
  let r = await run(['get', FIXTURE_TASK], { cwd: dir, env: environment() });
  assert.equal(r.code, 3, 'the ini secret alone is wrong');
  assert.equal(new URLSearchParams(logins()[0].body).get('client_secret'), 'stale-secret-from-ini');
  assert.ok(!r.stderr.includes('stale-secret-from-ini'), r.stderr);

  sb.clearRequests();
  r = await run(['get', FIXTURE_TASK], { cwd: dir, env: environment({ LOOKERSDK_CLIENT_SECRET: sb.clientSecret }) });
  assert.equal(r.code, 0, r.stderr);
  const form = new URLSearchParams(logins()[0].body);
  assert.deepEqual([form.get('client_id'), form.get('client_secret')], [sb.clientId, sb.clientSecret], 'id from the file, secret from the environment');

  sb.clearRequests();
  r = await run(['get', FIXTURE_TASK], { cwd: dir, env: environment({ LOOKERSDK_CLIENT_ID: 'someone-else', LOOKERSDK_CLIENT_SECRET: sb.clientSecret }) });
  assert.equal(r.code, 3);
  assert.equal(new URLSearchParams(logins()[0].body).get('client_id'), 'someone-else');
  assert.match(r.stderr, /log in to Looker: 404/);
  assert.match(r.stderr, /^ {2}credentials: .*LOOKERSDK_CLIENT_ID.*LOOKERSDK_CLIENT_SECRET.*environment/m);
});

test('credentials with a base URL from the flag: the login goes to that host', T, async (t) => {
  const dir = scratch(t, { 'looker.ini': ini({ base_url: dead, client_id: sb.clientId, client_secret: sb.clientSecret }) });
  const r = await run(['get', FIXTURE_TASK, '--base-url', sb.alternateUrl], { cwd: dir, env: environment({ LOOKERSDK_BASE_URL: dead }) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(logins().length, 1);
  assert.deepEqual(origins(), ['alternate']);
  assert.equal(JSON.parse(r.stdout).id, FIXTURE_TASK);
});
