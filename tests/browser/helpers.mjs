// Shared by the demo page's browser tests: where Chromium and the screenshots
// are, when to skip, the browser, a page per test, and opening the page.
import { before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SHOTS = join(root, 'tmp/screenshots');

export const skip = !existsSync(join(root, 'pkg/web/index.js'))
  ? 'pkg/web/index.js is missing: build the package first (npm run build)'
  : !existsSync(CHROMIUM)
    ? `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or run npm run setup)`
    : false;

/** Debian's headless Chromium through playwright-core; screenshots' folder made. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new context and page; `pageErrors` collects the page's uncaught errors. */
async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  return { context, page, pageErrors };
}

/** Opens the demo page with the sandbox's connection in the query string, as `npm start` prints it. */
export async function openDemo(page, sandbox, query = { baseUrl: sandbox.url, token: sandbox.token }) {
  const search = query ? `?${new URLSearchParams(query)}` : '';
  await page.goto(`${sandbox.url}/${search}`);
  await page.waitForSelector('html[data-defaults="ready"][data-lib="ready"]', { timeout: 10_000 });
}

/**
 * The hooks of a suite of page tests: one in-process sandbox and one browser for the suite, and
 * before each test `prepare(sandbox)` then a new page; after it, the page may have thrown nothing.
 * `ready({ sandbox, browser, context, page, pageErrors })` hands them to the suite before each test.
 */
export function pageSuite({ prepare, ready }) {
  const env = {};
  before(async () => {
    const { startSandbox } = await import('../../sandbox/index.js');
    env.sandbox = await startSandbox({});
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await env.sandbox?.close();
  });
  beforeEach(async () => {
    await prepare(env.sandbox);
    Object.assign(env, await newPage(env.browser));
    ready(env);
  });
  afterEach(async () => {
    await env.context?.close();
    assert.deepEqual(env.pageErrors.map(String), [], 'no uncaught errors on the page');
  });
}

/**
 * Records each call of the page's fetch() from its next navigation on, with the page's clock:
 * a test can then tell a request sent after a cancel from one sent just before it that a busy
 * machine delivered late (the sandbox logs arrivals, not sends).
 */
export function recordFetches(page) {
  return page.addInitScript(() => {
    const sent = [];
    const pageFetch = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const request = input instanceof Request ? input : null;
      sent.push({
        at: Date.now(),
        method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
        path: new URL(request ? request.url : String(input), location.href).pathname,
      });
      return pageFetch(input, init);
    };
    window.__fetches = sent;
  });
}

/** The API requests the page has sent since it loaded (recordFetches), or since the last `{ clear: true }`. */
export function apiFetches(page, { clear = false } = {}) {
  return page.evaluate((clear) => {
    const api = window.__fetches.filter((call) => call.path.startsWith('/api/'));
    if (clear) window.__fetches.length = 0;
    return api;
  }, clear);
}
