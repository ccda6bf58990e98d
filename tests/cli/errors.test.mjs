// What a user sees when a command fails: the exit code, the words to search
// for (the operation, the target, the status, which setting the credentials
// came from) and never a token or secret; and what --verbose prints of the
// requests. Spawns the installed bin against the sandbox over 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import {
  sandboxForFile, apiRequests, scratch, environment, tokenEnv, run, closedPort, ini,
} from './helpers.mjs';

const T = { timeout: 20_000 };
let sb;
sandboxForFile((started) => { sb = started; });

const credentialsEnv = (extra = {}) => environment({
  LOOKERSDK_BASE_URL: sb.url, LOOKERSDK_CLIENT_ID: sb.clientId, LOOKERSDK_CLIENT_SECRET: sb.clientSecret, ...extra,
});

/** The line under the message that says where `label` came from (`  credentials: …`) names each of `words`. */
function assertNames(stderr, label, ...words) {
  const line = stderr.split('\n').find((l) => l.startsWith(`  ${label}: `)) ?? '';
  for (const word of words) assert.ok(line.includes(word), `"${label}" names ${word}:\n${stderr}`);
}

/** Neither stream holds any of `secrets`, nor anything shaped like a credential. */
function assertNoSecrets(r, ...secrets) {
  const text = `${r.stdout.toString('latin1')}\n${r.stderr}`;
  for (const secret of secrets) assert.ok(!text.includes(secret), `printed ${secret}:\n${r.stderr}`);
  assert.doesNotMatch(text, /authorization|client_secret=|access_token=/i);
}

test('404 on create: exit 3, the message names the look and the 404, nothing written', T, async (t) => {
  const dir = scratch(t);
  const r = await run(['render', 'look', '404404'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout.length, 0);
  const line = r.stderr.split('\n').find((l) => l.startsWith('looker-render: '));
  assert.match(line, /render task for look 404404: .*\b404\b/, 'the operation, the target and the status on one line');
  assert.match(r.stderr, /^ {2}see https:\/\/\S+404$/m, 'Looker\'s documentation link');
  assert.doesNotMatch(r.stderr, /access token|credentials/, 'a 404 is not about the credentials');
  assert.deepEqual(readdirSync(dir), []);
});

test('404 on the results: names the download and the task, and says what to do; exit 3, no file', T, async (t) => {
  const dir = scratch(t);
  sb.addFault({ path: '/results$', fault: 'status', status: 404 });
  const r = await run(['render', 'look', '7'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(r.code, 3, r.stderr);
  const [task] = sb.tasks();
  assert.match(r.stderr, new RegExp(`results of render task ${task.id}\\b.*\\b404\\b`));
  assert.match(r.stderr, /look 7/);
  assert.match(r.stderr, /create a new render task/, 'the library\'s hint');
  assert.deepEqual(readdirSync(dir), []);
});

test('401, a wrong access token: says it came from LOOKERSDK_ACCESS_TOKEN, never prints it', T, async (t) => {
  const token = 'not-the-token-Zx81q';
  const dir = scratch(t);
  let r = await run(['render', 'look', '7'], { cwd: dir, env: tokenEnv(sb, { LOOKERSDK_ACCESS_TOKEN: token }) });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /look 7: 401\b/);
  assertNames(r.stderr, 'access token', 'LOOKERSDK_ACCESS_TOKEN', 'environment');
  assertNoSecrets(r, token);

  // Credentials in looker.ini as well: the token wins, and the message says those were not used.
  const withIni = scratch(t, { 'looker.ini': ini({ client_id: 'ini-client-id-77', client_secret: 'ini-secret-Qw3rty' }) });
  r = await run(['get', 'abc', '--verbose'], { cwd: withIni, env: tokenEnv(sb, { LOOKERSDK_ACCESS_TOKEN: token }) });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /render task abc: 401\b/);
  assertNames(r.stderr, 'access token', 'LOOKERSDK_ACCESS_TOKEN', 'environment');
  assert.match(r.stderr, /not used\b.*client_id.*client_secret.*looker\.ini \[Looker\]/, 'the credentials it did not use');
  assertNoSecrets(r, token, 'ini-client-id-77', 'ini-secret-Qw3rty');
});

test('a failed login: says which settings the credentials came from, never the secret', T, async (t) => {
  const secret = 'wrong-Secret-9f8e7d';
  const cases = [
    // [files, env, args, the words of the credentials line]
    [{}, credentialsEnv({ LOOKERSDK_CLIENT_SECRET: secret }), [],
      ['LOOKERSDK_CLIENT_ID', 'LOOKERSDK_CLIENT_SECRET', 'environment']],
    [{ 'looker.ini': ini({ base_url: sb.url, client_id: sb.clientId, client_secret: secret }) }, environment(), [],
      ['client_id', 'client_secret', 'looker.ini [Looker]']],
    [{ 'looker.ini': ini({ client_id: sb.clientId }) }, environment({ LOOKERSDK_BASE_URL: sb.url, LOOKERSDK_CLIENT_SECRET: secret }), [],
      ['client_id', 'looker.ini [Looker]', 'LOOKERSDK_CLIENT_SECRET', 'environment']],
    [{ 'team.ini': ini({ base_url: sb.url, client_id: sb.clientId, client_secret: secret }, 'Staging') }, environment(),
      ['--ini', 'team.ini', '--section', 'Staging', '--verbose'], ['client_id', 'client_secret', 'team.ini [Staging]']],
  ];
  for (const [files, env, args, words] of cases) {
    sb.clearRequests();
    const r = await run(['render', 'look', '7', ...args], { cwd: scratch(t, files), env });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(apiRequests(sb).length, 1, 'the login only');
    assert.match(r.stderr, /log in to Looker: \d{3}\b/);
    assertNames(r.stderr, 'credentials', ...words);
    assertNames(r.stderr, 'base URL', sb.url);
    assertNoSecrets(r, secret, sb.clientId);
  }
});

test('no answer (nothing listens on the port): names the operation and says "no answer"; exit 3', T, async (t) => {
  const dead = `http://127.0.0.1:${await closedPort()}`;
  const dir = scratch(t);
  let r = await run(['render', 'look', '7'], { cwd: dir, env: tokenEnv(sb, { LOOKERSDK_BASE_URL: dead }) });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /render task for look 7: no answer\b/);
  assert.match(r.stderr, /ECONNREFUSED/);
  assertNames(r.stderr, 'base URL', dead, 'LOOKERSDK_BASE_URL', 'environment');

  r = await run(['get', 'abc', '--base-url', dead], { cwd: dir, env: credentialsEnv() });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /log in to Looker: no answer\b/);
  assertNames(r.stderr, 'base URL', dead, '--base-url');
  assertNoSecrets(r, sb.clientSecret, sb.clientId);
  assert.deepEqual(readdirSync(dir), []);
});

test('no answer within --timeout: names the call; exit 4 with the timeout\'s setting', T, async (t) => {
  sb.addFault({ fault: 'stall-headers' });
  const r = await run(['get', 'abc', '--timeout', '1'], { cwd: scratch(t), env: tokenEnv(sb) });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /render task abc: no answer within\b/);
  assertNames(r.stderr, 'timeout', '1 s', '--timeout');
});

test('--verbose: each request and its answer, never a token or secret', T, async (t) => {
  const dir = scratch(t);
  const r = await run(['render', 'look', '7', '--verbose'], { cwd: dir, env: credentialsEnv() });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n');
  const sent = lines.filter((l) => l.startsWith('looker-render: > '));
  assert.equal(sent.length, apiRequests(sb).length, 'one line for each request the sandbox saw');
  assert.equal(lines.filter((l) => l.startsWith('looker-render: < ')).length, sent.length, 'and one for each answer');
  assert.match(r.stderr, /^looker-render: > POST http:\/\/127\.0\.0\.1:\d+\/api\/4\.0\/login$/m);
  assert.match(r.stderr, /^looker-render: > POST \S+\/api\/4\.0\/render_tasks\/looks\/7\/png\?width=1200&height=800$/m);
  assert.match(r.stderr, /^looker-render: > GET \S+\/api\/4\.0\/render_tasks\/[0-9a-f]{32}$/m, 'a poll');
  assert.match(r.stderr, /^looker-render: < 200 application\/json \d+ B in \d+ ms$/m);
  assert.match(r.stderr, /^looker-render: > GET \S+\/results\nlooker-render: < 200 image\/png \d+\.\d KiB in \d+ ms$/m);
  assertNoSecrets(r, sb.clientSecret, sb.clientId);
  assert.doesNotMatch(r.stderr, /failed request/);

  const notFound = await run(['render', 'look', '404404', '--verbose', '-q'], { cwd: dir, env: tokenEnv(sb) });
  assert.equal(notFound.code, 3);
  assert.match(notFound.stderr, /^ {2}failed request: > POST \S+\/render_tasks\/looks\/404404\/png\?\S+\n {18}< 404 application\/json \d+ B in \d+ ms$/m,
    'on failure, the request that failed under the message');
  assertNoSecrets(notFound, sb.token);
});
