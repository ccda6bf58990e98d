// Shared by the OAuth browser tests (sign-in.test.mjs, web-app.test.mjs): the
// sandbox as Looker with strict CORS, headless Chromium, a plain static server
// for pages on origins of their own, and what a page shows of the sign-in
// (console messages, the tokens Looker gave it). Where Chromium is, when to
// skip and how to launch it are the demo tests' own (helpers.mjs).
import http from 'node:http';
import { serveStatic } from '../../sandbox/static.js';
import { root, skip, launchChromium } from './helpers.mjs';

export { root, skip, launchChromium };
export const TIMEOUT = 60_000;

/** The sandbox as Looker for web apps: its API answers CORS for registered OAuth apps only. */
export async function startLooker() {
  const { startSandbox } = await import('../../sandbox/index.js');
  return startSandbox({ cors: 'oauth-apps' });
}

/** A static server on 127.0.0.1, a port of its own: `roots` as the sandbox's staticRoots. Resolves to { url, close }. */
export async function serveFiles(roots) {
  const server = http.createServer((req, res) => serveStatic(roots, req, res, req.url.split('?')[0]));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/**
 * A new tab that keeps what it shows: `console` (every message's text),
 * `errors` (uncaught), `tokens` (each access and refresh token that
 * POST /api/token answered) and `visited` (each URL the tab went to).
 */
export async function watchedPage(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = { context, page, console: [], errors: [], tokens: [], visited: [] };
  page.on('console', (message) => seen.console.push(message.text()));
  page.on('pageerror', (error) => seen.errors.push(String(error)));
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) seen.visited.push(frame.url()); });
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname !== '/api/token' || response.request().method() !== 'POST' || !response.ok()) return;
    const body = await response.json().catch(() => ({}));
    seen.tokens.push(...[body.access_token, body.refresh_token].filter(Boolean));
  });
  return seen;
}

/**
 * From a page that is going to Looker's consent page: answers it (`allow` or
 * `deny`; `forgeState` changes the state the form sends back) and waits until
 * the browser is back on `appOrigin`. Resolves to the URL Looker sent it to.
 */
export async function answerConsent(page, sb, appOrigin, decision, { forgeState } = {}) {
  await page.waitForURL((url) => url.origin === sb.lookerUrl && url.pathname === '/auth');
  if (forgeState) await page.$eval('input[name="state"]', (input, value) => { input.value = value; }, forgeState);
  await page.click(decision === 'allow' ? '#allow' : '#deny');
  await page.waitForURL((url) => url.origin === appOrigin);
  return page.url();
}

/** The grant_type of each POST /api/token the sandbox saw, in order. */
export const tokenGrants = (sb) => sb.requests()
  .filter((r) => r.method === 'POST' && r.path === '/api/token')
  .map((r) => new URLSearchParams(r.body).get('grant_type'));

/** Where a page could leak a token, as text: its URL, localStorage, sessionStorage, cookies, the DOM. */
export const pageStorage = (page) => page.evaluate(() => ({
  url: location.href,
  localStorage: JSON.stringify({ ...localStorage }),
  sessionStorage: JSON.stringify({ ...sessionStorage }),
  sessionStorageLength: sessionStorage.length,
  cookies: document.cookie,
  dom: document.documentElement.outerHTML,
}));
