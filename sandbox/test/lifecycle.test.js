// close() leaves nothing open, and the CLI entry starts, reports and stops cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const INDEX = fileURLToPath(new URL('../index.js', import.meta.url));
const SERVER = fileURLToPath(new URL('../server.js', import.meta.url));
// What the ready line (and file) tells scripts.
const READY_KEYS = ['alternateUrl', 'appUrl', 'clientId', 'clientSecret', 'lookerUrl', 'oauthClientId', 'oauthRedirectUri', 'token', 'url'];

/** Runs node with args; resolves { code, signal, stdout, stderr, ms } or rejects after timeoutMs (killing it). */
function run(args, { timeoutMs = 5000, env, onStdout } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; onStdout?.(stdout, child); });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out; stdout=${stdout} stderr=${stderr}`)); }, timeoutMs);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 }); });
  });
}

test('close() destroys stalled and keep-alive sockets so the process exits by itself', { timeout: 10000 }, async () => {
  const script = `
    import { startSandbox } from ${JSON.stringify(INDEX)};
    const sb = await startSandbox();
    const H = { authorization: 'token ' + sb.token };
    sb.addFault({ fault: 'stall-headers' });
    sb.addFault({ fault: 'stall-body', path: '/results$' });
    const stalled = fetch(sb.url + '/api/4.0/render_tasks/x', { headers: H }).catch((e) => 'rejected');
    const partial = fetch(sb.url + '/api/4.0/render_tasks/x/results', { headers: H }).then((r) => r.text()).catch((e) => 'rejected');
    const ok = await fetch(sb.url + '/api/4.0/render_tasks/a0000000000000000000000000000001', { headers: H });
    await ok.json(); // a keep-alive connection stays in the pool
    await fetch(sb.alternateUrl + '/api/4.0/render_tasks/a0000000000000000000000000000001', { headers: H }).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    await sb.close();
    console.log('closed', await stalled, await partial);
  `;
  const r = await run(['--input-type=module', '-e', script], { timeoutMs: 8000 });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), 'closed rejected rejected');
  assert.ok(r.ms < 5000, `exited in ${r.ms} ms`);
});

test('close() is idempotent and frees the port', { timeout: 5000 }, async () => {
  const { startSandbox } = await import('../index.js');
  const sb = await startSandbox();
  await Promise.all([sb.close(), sb.close()]);
  for (const url of [sb.url, sb.lookerUrl, sb.appUrl]) await assert.rejects(fetch(url + '/', { signal: AbortSignal.timeout(1000) }), url);
  const again = await startSandbox({ port: sb.port });
  assert.equal(again.port, sb.port);
  await again.close();
});

test('server.js prints one JSON line, writes --ready-file, serves, and exits 0 on SIGTERM', { timeout: 10000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-cli-'));
  const ready = path.join(dir, 'ready.json');
  let info;
  let checked;
  const r = await run([SERVER, '--ready-file', ready, '--stage-ms', '5'], {
    timeoutMs: 8000,
    env: { PORT: '' },
    onStdout: (out, child) => {
      if (checked || !out.includes('\n')) return;
      info = JSON.parse(out.split('\n')[0]);
      checked = (async () => {
        const t = await fetch(`${info.url}/api/4.0/render_tasks/a0000000000000000000000000000001`, { headers: { authorization: `token ${info.token}` } });
        const cfg = await (await fetch(`${info.url}/__sandbox/config`)).json();
        const fileLine = readFileSync(ready, 'utf8');
        child.kill('SIGTERM');
        return { status: t.status, cfg, fileLine };
      })();
    },
  });
  const { status, cfg, fileLine } = await checked;
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1, 'exactly one line on stdout');
  assert.deepEqual(Object.keys(info).sort(), READY_KEYS);
  assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(info.url, 'http://127.0.0.1:8100', 'port 0 by default without --human');
  assert.equal(info.token, 'sandbox-token-0123456789abcdef');
  assert.equal(status, 200);
  assert.deepEqual(cfg.stageMs, { enqueued_for_query: 5, querying: 5, enqueued_for_render: 5, rendering: 5 });
  assert.equal(fileLine, r.stdout, 'ready file holds the same line');
});

test('server.js --human prints one banner for people (no JSON), uses visible stage durations and stops on SIGINT', { timeout: 10000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-cli-'));
  const ready = path.join(dir, 'ready.json');
  let checked;
  const r = await run([SERVER, '--human', '--port', '0', '--ready-file', ready], {
    timeoutMs: 8000,
    onStdout: (out, child) => {
      if (checked || !out.includes('Press Ctrl+C to stop.')) return;
      checked = (async () => {
        const info = JSON.parse(readFileSync(ready, 'utf8')); // written before the banner
        const cfg = await (await fetch(`${info.url}/__sandbox/config`)).json();
        child.kill('SIGINT');
        return { info, cfg };
      })();
    },
  });
  const { info, cfg } = await checked;
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.code, 0);
  assert.deepEqual(Object.keys(info).sort(), READY_KEYS, 'the ready file is for scripts');
  for (const v of Object.values(cfg.stageMs)) assert.ok(v >= 1000 && v <= 2000, `stage ${v} ms`);
  assert.match(r.stdout, /^\nlooker-render sandbox: /, 'the banner comes first');
  assert.ok(!r.stdout.split('\n').some((line) => line.startsWith('{')), 'no JSON line for people');
  assert.equal(r.stdout.split('Press Ctrl+C to stop.').length, 2, 'one banner');
  for (const s of [`${info.url}/`, info.token, info.clientId, info.clientSecret, `${info.appUrl}/`, info.lookerUrl, info.oauthClientId, info.oauthRedirectUri]) {
    assert.ok(r.stdout.includes(s), `the banner shows ${s}`);
  }
});

test('server.js takes the port from PORT and rejects unknown flags', { timeout: 10000 }, async () => {
  const { startSandbox } = await import('../index.js');
  const probe = await startSandbox(); // find a free port
  const port = probe.port;
  await probe.close();
  let seen;
  const r = await run([SERVER], {
    env: { PORT: String(port) },
    onStdout: (out, child) => { if (!seen && out.includes('\n')) { seen = JSON.parse(out.split('\n')[0]); child.kill('SIGTERM'); } },
  });
  assert.equal(r.code, 0);
  assert.equal(seen.url, `http://127.0.0.1:${port}`);
  const bad = await run([SERVER, '--bogus']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown option '--bogus'/);
  const badPort = await run([SERVER, '--port', 'eighty']);
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /--port must be a whole number from 0 to 65535, not "eighty"/);
  const badUiPort = await run([SERVER, '--ui-port', '70000']);
  assert.equal(badUiPort.code, 2);
  assert.match(badUiPort.stderr, /--ui-port must be a whole number from 0 to 65535, not "70000"/);
  const badCors = await run([SERVER, '--cors', 'some']);
  assert.equal(badCors.code, 2);
  assert.match(badCors.stderr, /--cors must be one of any, oauth-apps, not "some"/);
});

test('server.js puts the Looker UI and the app origin on --ui-port and --app-port, and takes --cors', { timeout: 10000 }, async () => {
  const { startSandbox } = await import('../index.js');
  const probe = await startSandbox(); // find free ports
  const [uiPort, appPort] = [probe.uiPort, probe.appPort];
  await probe.close();
  let seen;
  const r = await run([SERVER, '--ui-port', String(uiPort), '--app-port', String(appPort), '--cors', 'oauth-apps'], {
    onStdout: (out, child) => {
      if (seen || !out.includes('\n')) return;
      seen = (async () => {
        const info = JSON.parse(out.split('\n')[0]);
        const cfg = await (await fetch(`${info.url}/__sandbox/config`)).json();
        child.kill('SIGTERM');
        return { info, cfg };
      })();
    },
  });
  const { info, cfg } = await seen;
  assert.equal(r.code, 0);
  assert.equal(info.lookerUrl, `http://127.0.0.1:${uiPort}`);
  assert.equal(info.appUrl, `http://127.0.0.1:${appPort}`);
  assert.equal(info.oauthRedirectUri, `http://127.0.0.1:${appPort}/`);
  assert.equal(cfg.cors, 'oauth-apps');
});
