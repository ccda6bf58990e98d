// OAuth 2 with PKCE through the packed package in Node, against the
// sandbox's Looker (consent page on its UI origin, /api/token on the API
// origin). Node has Web Crypto but no sessionStorage: the tests give it a
// tab's, as a browser would. The browser round trip (real redirects, CORS,
// a second origin) is in tests/browser/.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { LookerClient, LookerOAuthError, LookerError } from 'looker-render';
import { sandbox, apiRequests } from './helpers.mjs';

let sb;
before(async () => {
  sb = await sandbox();
});
after(() => {
  delete globalThis.sessionStorage;
  return sb.close();
});
beforeEach(() => {
  sb.reset();
  globalThis.sessionStorage = tabStorage();
});

/** A tab's sessionStorage. */
function tabStorage() {
  const items = new Map();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
    get length() { return items.size; },
  };
}

const oauthClient = () => new LookerClient({
  baseUrl: sb.url,
  oauth: { clientId: sb.oauthClientId, redirectUri: sb.oauthRedirectUri, lookerUrl: sb.lookerUrl },
});

/** What the browser does on Looker's consent page: Allow or Deny; resolves with the redirect URL. */
async function consent(authorizeUrl, decision) {
  const page = await fetch(authorizeUrl);
  assert.equal(page.status, 200, await page.clone().text());
  const params = new URL(authorizeUrl).searchParams;
  params.set('decision', decision);
  const answer = await fetch(new URL('/auth', authorizeUrl), { method: 'POST', body: params, redirect: 'manual' });
  assert.equal(answer.status, 302);
  return answer.headers.get('location');
}

const oauthRequests = () => sb.requests().filter((r) => r.path === '/api/token');

test('the whole round trip: authorize URL, consent, code redeemed once, Bearer calls, logout', async () => {
  const looker = oauthClient();
  const authorizeUrl = await looker.startOAuthLogin();
  const url = new URL(authorizeUrl);
  assert.equal(url.origin, sb.lookerUrl);
  assert.equal(url.pathname, '/auth');
  assert.equal(url.searchParams.get('client_id'), sb.oauthClientId);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.match(url.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(url.searchParams.get('scope'), 'cors_api');
  // The verifier and state wait in the tab's sessionStorage, and only there.
  assert.equal(globalThis.sessionStorage.length, 1);
  const redirect = await consent(authorizeUrl, 'allow');
  await looker.completeOAuthLogin(redirect);
  assert.equal(globalThis.sessionStorage.length, 0, 'removed after use');
  assert.equal(oauthRequests().length, 1);
  const { task } = await looker.render({ look_id: '7', result_format: 'png', width: 100, height: 100 });
  assert.equal(task.status, 'success');
  const calls = apiRequests(sb).filter((r) => r.path.startsWith('/api/4.0/'));
  assert.ok(calls.every((r) => /^Bearer [A-Za-z0-9]{40}$/.test(r.headers.authorization)), 'Bearer tokens on every call');
  // Nothing in the authorize URL, the redirect or any request URL carries a token.
  const accessToken = calls[0].headers.authorization.slice('Bearer '.length);
  for (const text of [authorizeUrl, redirect, ...sb.requests().map((r) => `${r.path}?${r.query}`)]) {
    assert.ok(!text.includes(accessToken));
  }
  await looker.logout();
  const logout = sb.requests().find((r) => r.method === 'DELETE');
  assert.equal(logout.path, '/api/logout');
  await assert.rejects(looker.renderTask(task.id), (e) => e instanceof LookerOAuthError && e.code === 'sign_in_required');
});

test('a denied sign-in, a tampered state, a replayed code: LookerOAuthError, no token request', async () => {
  const looker = oauthClient();
  const denied = await consent(await looker.startOAuthLogin(), 'deny');
  await assert.rejects(looker.completeOAuthLogin(denied), (e) => e instanceof LookerOAuthError && e.code === 'access_denied' && /denied/.test(e.message));
  const allowed = await consent(await looker.startOAuthLogin(), 'allow');
  const tampered = new URL(allowed);
  tampered.searchParams.set('state', 'forged');
  await assert.rejects(looker.completeOAuthLogin(tampered.href), { code: 'state_mismatch' });
  // The tampered attempt used up what the tab kept: the real redirect is now a replay.
  await assert.rejects(looker.completeOAuthLogin(allowed), { code: 'no_login_pending' });
  assert.equal(oauthRequests().length, 0, 'no token request for any of them');
  // A good one, then the same redirect again.
  const good = await consent(await looker.startOAuthLogin(), 'allow');
  await looker.completeOAuthLogin(good);
  await assert.rejects(looker.completeOAuthLogin(good), (e) => e instanceof LookerError && e.code === 'no_login_pending');
  assert.equal(oauthRequests().length, 1);
  await assert.rejects(looker.completeOAuthLogin(42), TypeError);
});

test('an expired access token is refreshed without the caller seeing it; a revoked refresh asks for a new sign-in', async () => {
  const looker = oauthClient();
  await looker.completeOAuthLogin(await consent(await looker.startOAuthLogin(), 'allow'));
  sb.expireAccessTokens();
  const task = await looker.createLookRenderTask('7', 'png', 100, 100);
  assert.ok(task.id);
  const grants = oauthRequests().map((r) => new URLSearchParams(r.body).get('grant_type'));
  assert.deepEqual(grants, ['authorization_code', 'refresh_token']);
  sb.expireAccessTokens();
  sb.revokeRefreshTokens();
  const error = await looker.renderTask(task.id).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof LookerOAuthError);
  assert.equal(error.code, 'sign_in_required');
  assert.match(error.message, /sign in again/);
});

test('oauth is a fourth way to sign in, exclusive with the others, and checked', async () => {
  const oauth = { clientId: 'a', redirectUri: 'https://app.example.com/', lookerUrl: 'https://acme.looker.com' };
  assert.ok(new LookerClient({ baseUrl: 'https://acme.looker.com:19999', oauth }));
  assert.throws(() => new LookerClient({ baseUrl: sb.url, accessToken: 't', oauth }), /exactly one way/);
  assert.throws(() => new LookerClient({ baseUrl: sb.url, oauth: { ...oauth, clientID: 'a' } }), /clientID.*did you mean clientId\?/);
  assert.throws(() => new LookerClient({ baseUrl: sb.url, oauth: { ...oauth, redirectUri: undefined } }), /oauth\.redirectUri is required/);
  assert.throws(() => new LookerClient({ baseUrl: sb.url, oauth: { ...oauth, lookerUrl: 'http://acme.looker.com' } }), /lookerUrl.*https/);
  const withToken = new LookerClient({ baseUrl: sb.url, accessToken: sb.token });
  await assert.rejects(withToken.startOAuthLogin(), (e) => e instanceof TypeError && /oauth option/.test(e.message));
  await assert.rejects(withToken.completeOAuthLogin('https://app/?code=c&state=s'), TypeError);
  // No sessionStorage (a page that is not secure, or Node): says what is needed.
  delete globalThis.sessionStorage;
  await assert.rejects(oauthClient().startOAuthLogin(), (e) => e instanceof LookerOAuthError && e.code === 'no_web_crypto' && /https/.test(e.message));
  // Before a sign-in, calls reject without a request.
  await assert.rejects(oauthClient().renderTask('1'), { code: 'sign_in_required' });
  assert.equal(apiRequests(sb).length, 0);
});
