// The OAuth round trip in headless Chromium, with no client library: a tiny
// page on the app origin makes a PKCE pair with Web Crypto, the browser goes
// to the consent page on the Looker UI origin, a click on Allow brings it back
// with `code` and `state`, and the page redeems the code and calls the API
// across origins (strict CORS). A page on an unregistered origin cannot read
// the API. Needs Debian's Chromium at /usr/bin/chromium (else skipped).
import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { start } from '../testkit.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT = 30_000;
const TASK = '/api/4.0/render_tasks/a0000000000000000000000000000001';
// The app's page: the redirect URI of the sandbox's registered app is the site's root.
const APP_PAGE = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>app</title></head><body><p id="app">app</p></body></html>\n';

/** In the page: a verifier and state kept in sessionStorage, and the authorization URL, as a client makes them. */
function startLogin({ lookerUrl, clientId, redirectUri }) {
  const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('verifier', verifier);
  sessionStorage.setItem('state', state);
  return crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then((hash) => {
    const url = new URL('/auth', lookerUrl);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'cors_api',
      code_challenge: base64url(new Uint8Array(hash)), code_challenge_method: 'S256', state,
    });
    return url.href;
  });
}

/** In the page, back from the consent page: redeem the code, then call the API with the token. */
async function completeLogin({ apiUrl, clientId, redirectUri, task }) {
  const query = new URLSearchParams(location.search);
  const token = await fetch(`${apiUrl}/api/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code', client_id: clientId, redirect_uri: redirectUri,
      code: query.get('code'), code_verifier: sessionStorage.getItem('verifier'),
    }),
  }).then((r) => r.json());
  const call = await fetch(`${apiUrl}${task}`, { headers: { authorization: `Bearer ${token.access_token}` } });
  return {
    stateMatches: query.get('state') === sessionStorage.getItem('state'),
    tokenType: token.token_type,
    hasRefreshToken: typeof token.refresh_token === 'string',
    status: call.status,
    renderTaskId: (await call.json()).id,
  };
}

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or run npm run setup)`;

describe('OAuth in Chromium', { skip }, () => {
  let sb;
  let browser;
  let context;
  let page;
  const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-oauth-app-'));
  writeFileSync(path.join(dir, 'index.html'), APP_PAGE);

  before(async () => {
    const { chromium } = await import('playwright-core');
    sb = await start({ cors: 'oauth-apps', staticRoots: { '/': dir } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    sb.reset();
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterEach(() => context?.close());

  async function goToConsent() {
    await page.goto(`${sb.appUrl}/`);
    const authUrl = await page.evaluate(startLogin, { lookerUrl: sb.lookerUrl, clientId: sb.oauthClientId, redirectUri: sb.oauthRedirectUri });
    await page.goto(authUrl);
    assert.equal(new URL(page.url()).origin, sb.lookerUrl);
  }

  test('Allow on the consent page lands on the redirect URI with code and state; the app then calls the API', { timeout: TIMEOUT }, async () => {
    await goToConsent();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.origin === sb.appUrl && url.searchParams.has('code'));
    const landed = new URL(page.url());
    assert.equal(`${landed.origin}${landed.pathname}`, sb.oauthRedirectUri);
    assert.match(landed.searchParams.get('code'), /^[A-Za-z0-9]{32}$/);
    assert.equal(landed.searchParams.get('state'), await page.evaluate(() => sessionStorage.getItem('state')));
    assert.equal(await page.textContent('#app'), 'app', 'the app\'s own page');

    const result = await page.evaluate(completeLogin, { apiUrl: sb.url, clientId: sb.oauthClientId, redirectUri: sb.oauthRedirectUri, task: TASK });
    assert.deepEqual(result, { stateMatches: true, tokenType: 'Bearer', hasRefreshToken: true, status: 200, renderTaskId: 'a0000000000000000000000000000001' });
    const preflight = sb.requests().find((e) => e.method === 'OPTIONS' && e.path === TASK);
    assert.ok(preflight, 'the bearer call was preflighted');
    assert.equal(preflight.headers.origin, sb.appUrl);
    assert.equal(sb.oauth().counters.codesRedeemed, 1);
  });

  test('Deny on the consent page lands on the redirect URI with error=access_denied', { timeout: TIMEOUT }, async () => {
    await goToConsent();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((url) => url.origin === sb.appUrl && url.searchParams.has('error'));
    const landed = new URL(page.url());
    assert.equal(landed.searchParams.get('error'), 'access_denied');
    assert.equal(landed.searchParams.get('state'), await page.evaluate(() => sessionStorage.getItem('state')));
    assert.equal(landed.searchParams.get('code'), null);
  });

  test('a page on an unregistered origin cannot read the API', { timeout: TIMEOUT }, async () => {
    await page.goto(`${sb.alternateUrl}/`); // served by the sandbox too, but not a registered app's origin
    const outcome = await page.evaluate(async ({ apiUrl, token, task }) => {
      const attempt = (url, init) => fetch(url, init).then((r) => `status ${r.status}`, (e) => e.name);
      return {
        call: await attempt(`${apiUrl}${task}`, { headers: { authorization: `token ${token}` } }),
        tokenEndpoint: await attempt(`${apiUrl}/api/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token' }) }),
      };
    }, { apiUrl: sb.url, token: sb.token, task: TASK });
    assert.deepEqual(outcome, { call: 'TypeError', tokenEndpoint: 'TypeError' });
    const preflight = sb.requests().find((e) => e.method === 'OPTIONS' && e.path === TASK);
    assert.ok(preflight, 'the browser asked');
    assert.equal(sb.requests().filter((e) => e.method === 'GET' && e.path === TASK).length, 0, 'and, refused, never sent the call');
  });
});
