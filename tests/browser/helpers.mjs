// Shared by the demo page's browser tests: where Chromium and the screenshots
// are, when to skip, the browser, a page per test, and opening the page.
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
export async function newPage(browser) {
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
