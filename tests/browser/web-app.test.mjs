// examples/web-app in headless Chromium, as its README runs it: its files on a
// plain static server (an origin of its own, registered with the sandbox as an
// OAuth app), looker-render from pkg/ as node_modules/looker-render, and its
// config.js pointed at the sandbox's ports. Sign in, render the dashboard to
// PDF, see it; and the same files on an unregistered origin.
//
//   node --test tests/browser/web-app.test.mjs      (after npm run build)

import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  root, skip, TIMEOUT, startLooker, launchChromium, serveFiles, watchedPage, answerConsent, tokenGrants, pageStorage,
} from './oauth-kit.mjs';

const EXAMPLE = join(root, 'examples/web-app');
const CLIENT_ID = 'looker-render-web-app'; // config.js's

describe('examples/web-app', { skip }, () => {
  let sb;
  let browser;
  let app;   // the example on a registered origin
  let other; // the same files on an origin nobody registered
  let tab;
  let page;
  const site = join(root, 'tmp/web-app-test');

  before(async () => {
    sb = await startLooker();
    browser = await launchChromium();
    // The example as it is, but for the two sandbox addresses in config.js.
    rmSync(site, { recursive: true, force: true });
    mkdirSync(site, { recursive: true });
    cpSync(EXAMPLE, site, { recursive: true, filter: (from) => !from.includes('node_modules') });
    const shipped = readFileSync(join(EXAMPLE, 'config.js'), 'utf8');
    const config = shipped.replace("'http://127.0.0.1:8100'", `'${sb.url}'`).replace("'http://127.0.0.1:8101'", `'${sb.lookerUrl}'`);
    assert.notEqual(config, shipped);
    assert.ok(config.includes(sb.url) && config.includes(sb.lookerUrl), 'config.js points at the sandbox');
    writeFileSync(join(site, 'config.js'), config);
    const roots = { '/': site, '/node_modules/looker-render/': join(root, 'pkg') };
    app = await serveFiles(roots);
    other = await serveFiles(roots);
  });

  after(async () => {
    await browser?.close();
    await sb?.close();
    await app?.close();
    await other?.close();
    rmSync(site, { recursive: true, force: true });
  });

  beforeEach(async () => {
    sb.reset();
    // What a Looker admin does for the app: register it, with its page as the redirect URI.
    sb.configure({ oauthApps: [{ clientId: CLIENT_ID, redirectUri: `${app.url}/`, displayName: 'looker-render web app example' }] });
    tab = await watchedPage(browser);
    page = tab.page;
  });

  afterEach(async () => {
    await tab.context.close();
    assert.deepEqual(tab.errors, [], 'no uncaught errors on the page');
  });

  const state = (name) => page.waitForSelector(`body[data-state="${name}"]`);

  /** Opens the example, clicks "Sign in with Looker", answers Looker's page, waits until the page has settled. */
  async function signIn(decision) {
    await page.goto(`${app.url}/`);
    await state('signed-out');
    await page.click('#sign-in');
    await answerConsent(page, sb, app.url, decision);
    await state(decision === 'allow' ? 'signed-in' : 'signed-out');
  }

  test('sign in, render the dashboard to PDF, show it, sign out', { timeout: TIMEOUT }, async () => {
    await signIn('allow');
    assert.equal(new URL(page.url()).search, '', 'code and state are gone from the address bar');

    await page.click('#render');
    await page.waitForSelector('#pdf:not([hidden])');
    await state('signed-in');
    const src = await page.getAttribute('#pdf', 'src');
    assert.match(src, /^blob:/);
    const shown = Buffer.from(await page.evaluate(async (url) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      return btoa(String.fromCharCode(...bytes));
    }, src), 'base64');
    const [task] = sb.tasks();
    assert.equal(task.kindPath, 'dashboards');
    assert.equal(task.format, 'pdf');
    assert.deepEqual(shown, sb.resultBytes(task.id), 'the iframe shows the PDF Looker made');
    assert.match(await page.textContent('#status'), /PDF/);
    const create = sb.requests().find((r) => r.method === 'POST' && r.path.includes('/render_tasks/'));
    assert.equal(create.headers.origin, app.url);
    assert.match(create.headers.authorization, /^Bearer /);
    assert.deepEqual(tokenGrants(sb), ['authorization_code']);

    const places = await pageStorage(page);
    assert.equal(places.sessionStorageLength, 0);
    for (const token of tab.tokens) {
      for (const text of [places.url, places.localStorage, places.dom, ...tab.console]) assert.ok(!text.includes(token), 'no token shown or kept');
    }

    await page.click('#sign-out');
    await state('signed-out');
    assert.equal(sb.oauth().counters.revocations, 1);
    assert.equal(await page.isVisible('#error'), false);
  });

  test('Deny: the page shows the code of the failed sign-in', { timeout: TIMEOUT }, async () => {
    await signIn('deny');
    assert.match(await page.textContent('#error'), /access_denied/);
    assert.deepEqual(tokenGrants(sb), []);
  });

  test('on an origin Looker does not know, its sign-in page refuses the app', { timeout: TIMEOUT }, async () => {
    // The redirect URI (this page) is not the registered one: Looker sends nothing back.
    await page.goto(`${other.url}/`);
    await state('signed-out');
    await page.click('#sign-in');
    await page.waitForURL((url) => url.origin === sb.lookerUrl);
    const answer = sb.requests().find((r) => r.origin === 'ui' && r.path === '/auth');
    assert.equal(answer.status, 400);
    assert.equal(await page.locator('#allow').count(), 0, 'no consent to give');
    assert.equal(sb.oauth().counters.codesIssued, 0);
  });
});
