// looker-render where browser users have it: bundled by Vite and by esbuild
// from the packed package (build-apps.mjs), and loaded without a bundler, each
// in headless Chromium, in the page and in a module worker, against the
// sandbox on another origin (so CORS is real).
//
//   node --test tests/fit/bundlers.test.mjs      (after npm run build)
//
// Needs Debian's Chromium at /usr/bin/chromium (or CHROMIUM_PATH).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeConsumer, buildWithVite, buildWithEsbuild, buildClassicApp, buildExtensionExample } from './build-apps.mjs';
import { readFileSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const skip = !existsSync(join(root, 'pkg/web/index.js'))
  ? 'pkg/ is not built (npm run build)'
  : !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or run npm run setup)` : false;

describe('bundlers, workers, no bundler: in headless Chromium', { skip }, () => {
  const dist = {};
  let consumer;
  let sandbox;
  let browser;

  before(async () => {
    const { chromium } = await import('playwright-core');
    const { startSandbox } = await import('../../sandbox/index.js');
    consumer = makeConsumer();
    dist.vite = join(consumer, 'dist-vite');
    dist.esbuild = join(consumer, 'dist-esbuild');
    dist.classic = join(consumer, 'dist-classic');
    dist.example = join(consumer, 'dist-example');
    sandbox = await startSandbox({
      quiet: true,
      staticRoots: {
        '/vite/': dist.vite,
        '/esbuild/': dist.esbuild,
        '/classic/': dist.classic,
        '/example/': dist.example,
        '/pkg/': join(root, 'pkg'),
        '/app/': join(root, 'tests/fit/app'),
        '/plain/': join(root, 'tests/fit/plain'),
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  /** Opens /<app>/ with the API on the sandbox's other origin; returns window.__fit and what the page loaded. */
  async function run(app) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    const loaded = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // Chromium logs the deliberate 404 (renderTask('no-such-task')) as a failed load.
      if (message.type() === 'error' && !message.location().url.endsWith('/api/4.0/render_tasks/no-such-task')) {
        problems.push(`console: ${message.text()} (${message.location().url})`);
      }
    });
    context.on('request', (request) => loaded.push(new URL(request.url()).pathname));
    try {
      const query = new URLSearchParams({ baseUrl: sandbox.alternateUrl, token: sandbox.token });
      await page.goto(`${sandbox.url}/${app}/?${query}`);
      await page.waitForSelector('html[data-done="true"]', { timeout: 45_000 });
      const report = await page.evaluate(() => window.__fit);
      return { report, problems, loaded };
    } finally {
      await context.close();
    }
  }

  const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

  function checkRun(result, scope) {
    assert.equal(result.failed, undefined, result.failed);
    assert.equal(result.scope, scope);
    assert.equal(result.status, 'success');
    assert.equal(result.contentType, 'image/png');
    assert.equal(result.isUint8Array, true);
    assert.equal(result.digest, sha256(sandbox.resultBytes(result.taskId)), 'the bytes the sandbox sent');
    assert.deepEqual(result.error, { name: 'LookerApiError', status: 404, isLookerApiError: true });
  }

  function checkApp({ report, problems, loaded }, wasmPath) {
    assert.deepEqual(problems, []);
    checkRun(report.main, 'window');
    checkRun(report.worker, 'worker');
    assert.ok(loaded.some((p) => wasmPath.test(p)), `the wasm came from ${wasmPath}: ${loaded.join(' ')}`);
    const api = sandbox.requests().filter((r) => r.path.startsWith('/api/4.0/') && r.method !== 'OPTIONS');
    assert.ok(api.length >= 6 && api.every((r) => r.origin === 'alternate'), 'the API calls went to the other origin');
  }

  test('Vite builds the app with no plugin: the wasm is emitted as an asset, page and worker', async () => {
    await buildWithVite(consumer);
    const files = readdirSync(dist.vite, { recursive: true }).map(String);
    assert.ok(files.some((f) => /^assets\/looker_render_bg-[\w-]+\.wasm$/.test(f)), files.join(' '));
    assert.ok(files.some((f) => /^assets\/worker-[\w-]+\.js$/.test(f)), files.join(' '));
  });

  test('the Vite app renders in the page and in a module worker', async () => {
    sandbox.clearRequests();
    checkApp(await run('vite'), /^\/vite\/assets\/looker_render_bg-[\w-]+\.wasm$/);
  });

  test('esbuild bundles the app (wasm copied beside the bundles)', async () => {
    await buildWithEsbuild(consumer);
    assert.deepEqual(readdirSync(dist.esbuild).sort(), ['index.html', 'looker_render_bg.wasm', 'main.js', 'worker.js']);
  });

  test('the esbuild app renders in the page and in a module worker', async () => {
    sandbox.clearRequests();
    checkApp(await run('esbuild'), /^\/esbuild\/looker_render_bg\.wasm$/);
  });

  test('looker-render/inline in one classic script (IIFE), as a Looker extension bundle is loaded', async () => {
    await buildClassicApp(consumer);
    const bundle = readFileSync(join(dist.classic, 'bundle.js'), 'utf8');
    assert.doesNotMatch(bundle, /import\.meta|looker_render_bg\.wasm/);
    sandbox.clearRequests();
    const { report, problems, loaded } = await run('classic');
    assert.deepEqual(problems, []);
    checkRun(report.main, 'window');
    assert.ok(!loaded.some((p) => p.endsWith('.wasm')), 'no wasm file is fetched');
  });

  test('examples/extension builds to one classic script that starts and waits for its Looker host', async () => {
    await buildExtensionExample(consumer);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${sandbox.url}/example/`);
      await page.waitForSelector('#form button', { timeout: 10_000 });
      await page.waitForTimeout(300);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('without a bundler, web/index.js renders in the page and in a module worker', async () => {
    sandbox.clearRequests();
    checkApp(await run('plain'), /^\/pkg\/web\/looker_render_bg\.wasm$/);
  });
});
