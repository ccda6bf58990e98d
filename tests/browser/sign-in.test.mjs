// The demo page's "Sign in with Looker" (OAuth 2 with PKCE, issue 14) in headless
// Chromium, against the sandbox with strict CORS (`cors: 'oauth-apps'`): the page
// on the app origin, the consent page on the Looker UI origin, the API on a
// third origin, so every call is a real cross-origin request.
//
//   node --test tests/browser/sign-in.test.mjs      (after npm run build)

import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  skip, TIMEOUT, startLooker, launchChromium, watchedPage, answerConsent, tokenGrants, pageStorage,
} from './oauth-kit.mjs';

describe('demo page: Sign in with Looker', { skip }, () => {
  let sb;
  let browser;
  let tab; // watchedPage(): { page, console, errors, tokens, visited }
  let page;

  before(async () => {
    sb = await startLooker();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await sb?.close();
  });

  beforeEach(async () => {
    sb.reset();
    tab = await watchedPage(browser);
    page = tab.page;
  });

  afterEach(async () => {
    await tab.context.close();
    assert.deepEqual(tab.errors, [], 'no uncaught errors on the page');
  });

  const signInState = () => page.getAttribute('html', 'data-sign-in');
  const settled = (state) => page.waitForSelector(`html[data-sign-in="${state}"]`);
  const apiCalls = () => sb.requests().filter((r) => r.path.startsWith('/api/4.0/') && r.method !== 'OPTIONS');

  /** The demo on the app origin, the sandbox's registered OAuth app, not signed in. */
  async function openApp(path = '/') {
    await page.goto(`${sb.appUrl}${path}`);
    await settled('signed-out');
  }

  /** Sign in with Looker, answering the consent page; resolves to the redirect URL once the page has settled. */
  async function signIn(decision = 'allow', options) {
    await openApp();
    await page.click('#sign-in');
    const redirect = await answerConsent(page, sb, sb.appUrl, decision, options);
    await settled(decision === 'allow' && !options ? 'signed-in' : 'signed-out');
    return redirect;
  }

  async function renderDashboard() {
    await page.selectOption('#kind', 'dashboard');
    await page.fill('#content-id', '42');
    await page.selectOption('#format', 'pdf');
    await page.click('#render-button');
    await page.waitForSelector('#render-output[data-state="success"], #render-output[data-state="error"]');
    return page.getAttribute('#render-output', 'data-state');
  }

  const errorText = (box) => page.textContent(`${box} [data-testid="error-message"]`);
  /** The render's error is LookerOAuthError sign_in_required: its title, and the library's words. */
  async function assertSignInRequired(words = /not signed in/) {
    assert.match(await page.textContent('#render-error .error-title'), /Not signed in with Looker/);
    assert.match(await errorText('#render-error'), words);
  }

  test('on the app origin it offers Sign in with Looker; not signed in, a render says to sign in, with no request', { timeout: TIMEOUT }, async () => {
    await openApp();
    assert.equal(await page.isChecked('#auth-oauth'), true, 'OAuth is the mode on an OAuth app\'s page');
    assert.equal(await page.isVisible('#sign-in'), true);
    assert.equal(await page.isVisible('#sign-out'), false);
    assert.equal(await page.isVisible('#token'), false);
    assert.match(await page.textContent('#code-preview'), /oauth: \{/);
    assert.equal(await renderDashboard(), 'error');
    await assertSignInRequired();
    assert.deepEqual(apiCalls(), []);

    // Anywhere else (here the API origin), the mode is not offered.
    await page.goto(`${sb.url}/`);
    await settled('unavailable');
    assert.equal(await page.isVisible('#auth-oauth-label'), false);
    assert.equal(await page.isChecked('#auth-token'), true);
  });

  test('Allow: the page goes to Looker, comes back signed in, and renders a dashboard across origins', { timeout: TIMEOUT }, async () => {
    const redirect = await signIn('allow');
    const origins = tab.visited.map((url) => new URL(url).origin).filter((origin, i, all) => origin !== all[i - 1]);
    assert.deepEqual(origins, [sb.appUrl, sb.lookerUrl, sb.appUrl], 'app, consent on the Looker UI, app again');
    assert.ok(new URL(redirect).searchParams.has('code'));
    const landed = new URL(page.url());
    assert.deepEqual([...landed.searchParams.keys()], [], 'code and state are gone from the address bar');
    assert.equal(`${landed.origin}${landed.pathname}`, sb.oauthRedirectUri);
    assert.equal(await page.isVisible('#sign-out'), true);
    assert.equal(await page.isVisible('#sign-in'), false);
    assert.match(await page.textContent('#sign-in-status'), /Signed in/);

    assert.equal(await renderDashboard(), 'success');
    assert.match(await page.getAttribute('[data-testid="result-pdf"]', 'src'), /^blob:/);
    const taskId = await page.getAttribute('#render-output', 'data-task-id');
    const pdf = Buffer.from(await page.$eval('#download', async (a) => {
      const bytes = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
      return btoa(String.fromCharCode(...bytes));
    }), 'base64');
    assert.deepEqual(pdf, sb.resultBytes(taskId), 'the PDF Looker made');

    // The sandbox saw: one consent page, one code redeemed by the app's origin,
    // then the API called from that origin with the token, each call preflighted.
    const oauth = sb.oauth().counters;
    assert.equal(oauth.consentPages, 1);
    assert.equal(oauth.codesRedeemed, 1);
    assert.deepEqual(tokenGrants(sb), ['authorization_code']);
    const token = sb.requests().find((r) => r.path === '/api/token');
    assert.equal(token.headers.origin, sb.appUrl);
    const calls = apiCalls();
    assert.ok(calls.some((r) => r.method === 'POST' && r.path.endsWith('/render_tasks/dashboards/42/pdf')));
    for (const call of calls) {
      assert.equal(call.headers.origin, sb.appUrl, `${call.method} ${call.path} is cross-origin`);
      assert.match(call.headers.authorization, /^Bearer [A-Za-z0-9]+$/);
      assert.ok(sb.requests().some((r) => r.method === 'OPTIONS' && r.path === call.path && r.seq < call.seq), `${call.path} was preflighted`);
    }
  });

  test('after the sign-in, no token in the URL, localStorage, sessionStorage, cookies, the page or the console', { timeout: TIMEOUT }, async () => {
    await signIn('allow');
    assert.equal(await renderDashboard(), 'success');
    assert.equal(tab.tokens.length, 2, 'Looker gave an access token and a refresh token');
    const places = await pageStorage(page);
    assert.equal(places.sessionStorageLength, 0, 'the PKCE verifier and state are gone once used');
    assert.equal(places.localStorage, '{}');
    for (const [where, text] of Object.entries({ ...places, console: tab.console.join('\n'), visited: tab.visited.join('\n') })) {
      for (const token of tab.tokens) assert.ok(!String(text).includes(token), `no token in ${where}`);
    }
  });

  test('Deny: the page says the sign-in was denied, and asks Looker for no token', { timeout: TIMEOUT }, async () => {
    await signIn('deny');
    assert.equal(await page.isVisible('#sign-in-error'), true);
    assert.equal(await page.getAttribute('#sign-in-error', 'data-code'), 'access_denied');
    assert.match(await page.textContent('#sign-in-error'), /denied/i);
    assert.deepEqual([...new URL(page.url()).searchParams.keys()], [], 'error and state are gone from the address bar');
    assert.equal(sb.oauth().counters.denials, 1);
    assert.deepEqual(tokenGrants(sb), []);
    assert.equal(await page.isVisible('#sign-in'), true, 'it can sign in again');
  });

  test('a forged state: the page refuses the redirect and asks Looker for no token', { timeout: TIMEOUT }, async () => {
    const redirect = await signIn('allow', { forgeState: 'forged-by-someone-else' });
    assert.equal(new URL(redirect).searchParams.get('state'), 'forged-by-someone-else');
    assert.ok(new URL(redirect).searchParams.has('code'), 'Looker issued a code');
    assert.equal(await page.getAttribute('#sign-in-error', 'data-code'), 'state_mismatch');
    assert.deepEqual(tokenGrants(sb), [], 'the code was never redeemed');
  });

  test('a replayed redirect (the same URL again) is refused without a token request', { timeout: TIMEOUT }, async () => {
    const redirect = await signIn('allow');
    await page.goto(redirect);
    await settled('signed-out');
    assert.equal(await page.getAttribute('#sign-in-error', 'data-code'), 'no_login_pending');
    assert.match(await page.textContent('#sign-in-error'), /No sign-in was waiting/);
    assert.deepEqual(tokenGrants(sb), ['authorization_code'], 'the code was redeemed once');
    assert.equal(sb.oauth().counters.revocations, 0, 'so Looker saw no reuse');
  });

  test('a reload forgets the sign-in: the page says so, and a render asks to sign in again', { timeout: TIMEOUT }, async () => {
    await signIn('allow');
    await page.reload();
    await settled('signed-out');
    assert.equal(await page.isVisible('#sign-in-error'), false, 'not an error');
    assert.match(await page.textContent('#sign-in-status'), /reload/i);
    assert.equal(await renderDashboard(), 'error');
    await assertSignInRequired();
    assert.deepEqual(tokenGrants(sb), ['authorization_code']);
  });

  test('an expired access token is refreshed on the way: the render succeeds and the page stays signed in', { timeout: TIMEOUT }, async () => {
    await signIn('allow');
    assert.equal(sb.expireAccessTokens(), 1, 'the access token expired');
    assert.equal(await renderDashboard(), 'success');
    assert.equal(await page.isVisible('#render-error'), false);
    assert.equal(await signInState(), 'signed-in');
    assert.deepEqual(tokenGrants(sb), ['authorization_code', 'refresh_token']);
    assert.equal(sb.oauth().counters.refreshes, 1);
  });

  test('a refused refresh: the render says to sign in again, and the page is signed out', { timeout: TIMEOUT }, async () => {
    await signIn('allow');
    sb.expireAccessTokens();
    sb.revokeRefreshTokens();
    assert.equal(await renderDashboard(), 'error');
    await assertSignInRequired(/sign in again/);
    await settled('signed-out');
    assert.equal(await page.isVisible('#sign-in'), true);
    assert.equal(tokenGrants(sb).at(-1), 'refresh_token', 'the client tried to refresh');
    assert.ok(sb.oauth().counters.tokenErrors >= 1, 'and Looker refused');
  });

  test('Sign out: Looker ends the grant, and the next render needs a sign-in and sends nothing', { timeout: TIMEOUT }, async () => {
    await signIn('allow');
    await page.click('#sign-out');
    await settled('signed-out');
    assert.equal(await page.isVisible('#sign-in-error'), false);
    const logout = sb.requests().find((r) => r.method === 'DELETE');
    assert.equal(logout.path, '/api/logout');
    assert.equal(logout.status, 204);
    assert.match(logout.headers.authorization, /^Bearer /);
    assert.equal(sb.oauth().counters.revocations, 1);
    assert.equal(sb.oauth().activeGrants, 0);

    sb.clearRequests();
    assert.equal(await renderDashboard(), 'error');
    await assertSignInRequired();
    assert.deepEqual(apiCalls(), [], 'no request without a sign-in');
  });

  test('a page on an origin the API does not allow: the request fails as LookerNetworkError', { timeout: TIMEOUT }, async () => {
    // The alternate origin serves the demo too, but is no registered app's origin.
    await page.goto(`${sb.alternateUrl}/?${new URLSearchParams({ baseUrl: sb.url, token: sb.token })}`);
    await page.waitForSelector('html[data-defaults="ready"][data-lib="ready"]');
    await settled('unavailable');
    await page.click('#render-button');
    await page.waitForSelector('#render-output[data-state="error"]');
    assert.match(await page.textContent('#render-error .error-title'), /Could not reach Looker/);
    assert.match(await page.textContent('#render-error'), /CORS/, 'the demo\'s own hint');

    const error = await page.evaluate(async ({ baseUrl, accessToken }) => {
      const lib = await import('/pkg/web/index.js');
      const failure = await new lib.LookerClient({ baseUrl, accessToken }).renderTask('1').catch((e) => e);
      return { isNetworkError: failure instanceof lib.LookerNetworkError, name: failure.name, message: failure.message, cause: failure.cause?.name };
    }, { baseUrl: sb.url, accessToken: sb.token });
    assert.equal(error.isNetworkError, true);
    assert.equal(error.name, 'LookerNetworkError');
    assert.equal(error.cause, 'TypeError');
    assert.match(error.message, /no answer from \/api\/4\.0\/render_tasks\/1/);
    // The library names CORS as the likely cause, the page's origin, and Looker's allowlist.
    assert.match(error.message, /CORS/);
    assert.ok(error.message.includes(sb.alternateUrl), error.message);
    assert.match(error.message, /allowlist/);
    assert.ok(sb.requests().some((r) => r.method === 'OPTIONS' && r.headers.origin === sb.alternateUrl), 'the browser asked');
    assert.deepEqual(apiCalls().filter((r) => r.headers.origin === sb.alternateUrl), [], 'and, refused, sent nothing');
  });
});
