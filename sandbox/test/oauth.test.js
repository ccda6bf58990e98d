// OAuth 2 with PKCE as the sandbox plays Looker's part: the consent page on
// the Looker UI origin, POST /api/token, bearer tokens, refresh with rotation,
// logout, CORS for registered apps only, and the control endpoints.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { start, call, form, FORM } from '../testkit.js';

const T = { timeout: 5000 };
const TASK = '/api/4.0/render_tasks/a0000000000000000000000000000001';

let sb;
before(async () => { sb = await start(); });
after(() => sb.close());
beforeEach(() => sb.reset());

/** A PKCE pair as RFC 7636 makes it: 32 random bytes, base64url; the challenge is base64url(sha256(verifier)). */
function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The parameters of an authorization request for the sandbox's app, with `changes` (undefined drops one). */
function authParams(challenge, changes = {}) {
  const params = {
    response_type: 'code', client_id: sb.oauthClientId, redirect_uri: sb.oauthRedirectUri, scope: 'cors_api',
    code_challenge: challenge, code_challenge_method: 'S256', state: 'state-123', ...changes,
  };
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

const authorize = (params) => call(sb, `${sb.lookerUrl}/auth?${form(params)}`, { token: false, redirect: 'manual' });
/** The consent form's POST: the request again and the user's choice. */
const decide = (params, decision) => call(sb, `${sb.lookerUrl}/auth`, {
  method: 'POST', token: false, redirect: 'manual', headers: FORM, body: form({ ...params, decision }),
});
const locationOf = (r) => new URL(r.headers.get('location'));

/** A code for the sandbox's app, as the browser gets it after Allow. */
async function codeFor(challenge, changes = {}) {
  const r = await decide(authParams(challenge, changes), 'allow');
  assert.equal(r.status, 302);
  return locationOf(r).searchParams.get('code');
}

/** POST /api/token with `params`, form-encoded (or JSON, as @looker/sdk-rtl sends). */
function tokenRequest(params, { json = false, headers = {} } = {}) {
  return call(sb, '/api/token', {
    method: 'POST', token: false,
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded', ...headers },
    body: json ? JSON.stringify(params) : form(params),
  });
}

const redeem = (code, verifier, changes = {}) => tokenRequest({
  grant_type: 'authorization_code', client_id: sb.oauthClientId, redirect_uri: sb.oauthRedirectUri, code, code_verifier: verifier, ...changes,
});
const refresh = (refreshToken, changes = {}) => tokenRequest({ grant_type: 'refresh_token', client_id: sb.oauthClientId, refresh_token: refreshToken, ...changes });

/** Signs in as the browser and the app would; resolves to the token response. */
async function signIn() {
  const { verifier, challenge } = pkce();
  const r = await redeem(await codeFor(challenge), verifier);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const bearer = (path, accessToken, opts = {}) => call(sb, path, { ...opts, token: false, headers: { authorization: `Bearer ${accessToken}`, ...(opts.headers || {}) } });

function assertOAuthError(r, error, description, message = r.text) {
  assert.equal(r.status, 400, message);
  assert.equal(r.json.error, error, message);
  if (description) assert.match(r.json.error_description, description);
  assert.equal(r.headers.get('cache-control'), 'no-store');
}

test('the code flow with Allow: consent page, redirect with code and state, token, bearer calls', T, async () => {
  const { verifier, challenge } = pkce();
  const params = authParams(challenge);
  const page = await authorize(params);
  assert.equal(page.status, 200);
  assert.match(page.contentType, /^text\/html/);
  assert.match(page.text, /<button[^>]*id="allow"[^>]*>Allow<\/button>/);
  assert.match(page.text, /<button[^>]*id="deny"[^>]*>Deny<\/button>/);
  assert.match(page.text, /<form method="post" action="\/auth">/);
  for (const [name, value] of Object.entries(params)) assert.ok(page.text.includes(`name="${name}" value="${value}"`), `the form carries ${name}`);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  assert.match(page.headers.get('content-security-policy'), /frame-ancestors 'none'/);

  const allowed = await decide(params, 'allow');
  assert.equal(allowed.status, 302);
  const back = locationOf(allowed);
  assert.equal(`${back.origin}${back.pathname}`, sb.oauthRedirectUri);
  assert.deepEqual([...back.searchParams.keys()].sort(), ['code', 'state']);
  assert.equal(back.searchParams.get('state'), 'state-123');

  const r = await redeem(back.searchParams.get('code'), verifier);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type']);
  assert.equal(r.json.token_type, 'Bearer');
  assert.equal(r.json.expires_in, 3600);
  assert.match(r.json.access_token, /^[A-Za-z0-9]{40}$/);
  assert.match(r.json.refresh_token, /^[A-Za-z0-9]{40}$/);
  assert.equal(r.headers.get('cache-control'), 'no-store');

  const created = await bearer('/api/4.0/render_tasks/looks/1/png?width=100&height=100', r.json.access_token, { method: 'POST' });
  assert.equal(created.status, 200);
  assert.equal((await bearer(`/api/4.0/render_tasks/${created.json.id}`, r.json.access_token)).status, 200);
  assert.ok([200, 202].includes((await bearer(`/api/4.0/render_tasks/${created.json.id}/results`, r.json.access_token)).status));
  assert.equal((await call(sb, TASK)).status, 200, 'the static token keeps working');
  assert.equal((await call(sb, TASK, { token: r.json.access_token })).status, 200, 'the `token` scheme takes it too');

  const { counters } = sb.oauth();
  assert.deepEqual(counters, {
    consentPages: 1, codesIssued: 1, denials: 0, tokenRequests: 1, tokenErrors: 0, codesRedeemed: 1, refreshes: 0, tokensIssued: 1, revocations: 0,
  });
  const ui = sb.requests().filter((e) => e.origin === 'ui');
  assert.deepEqual(ui.map((e) => [e.method, e.path, e.status]), [['GET', '/auth', 200], ['POST', '/auth', 302]], 'the UI origin is logged');
});

test('the token endpoint takes JSON too, as @looker/sdk-rtl sends it', T, async () => {
  const { verifier, challenge } = pkce();
  const code = await codeFor(challenge);
  const r = await tokenRequest({
    client_id: sb.oauthClientId, code, code_verifier: verifier, grant_type: 'authorization_code', redirect_uri: sb.oauthRedirectUri,
  }, { json: true, headers: { 'x-looker-appid': 'TS-SDK' } });
  assert.equal(r.status, 200, r.text);
  const again = await tokenRequest({
    client_id: sb.oauthClientId, grant_type: 'refresh_token', redirect_uri: sb.oauthRedirectUri, refresh_token: r.json.refresh_token,
  }, { json: true });
  assert.equal(again.status, 200, again.text);
  assert.equal((await bearer(TASK, again.json.access_token)).status, 200);
});

test('Deny sends the browser back with error=access_denied and the state, and no code', T, async () => {
  const r = await decide(authParams(pkce().challenge, { state: 'st/ate ü' }), 'deny');
  assert.equal(r.status, 302);
  const back = locationOf(r);
  assert.equal(`${back.origin}${back.pathname}`, sb.oauthRedirectUri);
  assert.equal(back.searchParams.get('error'), 'access_denied');
  assert.equal(back.searchParams.get('state'), 'st/ate ü');
  assert.equal(back.searchParams.get('code'), null);
  assert.equal(sb.oauth().counters.denials, 1);
  assert.equal(sb.oauth().counters.codesIssued, 0);
  const neither = await decide(authParams(pkce().challenge), 'maybe');
  assert.equal(neither.status, 400);
  assert.equal(neither.headers.get('location'), null);
});

test('a bad request of a registered app goes back to it with an OAuth error (and the state when given)', T, async () => {
  const { challenge } = pkce();
  const cases = [
    [{ code_challenge_method: 'plain' }, 'invalid_request', /code_challenge_method must be S256/],
    [{ code_challenge_method: undefined }, 'invalid_request', /code_challenge_method must be S256, not missing/],
    [{ code_challenge: undefined }, 'invalid_request', /code_challenge/],
    [{ code_challenge: `${challenge}=` }, 'invalid_request', /43 characters, no padding/],
    [{ code_challenge: challenge.replace(/[-_]/g, '+').replace(/^./, '/') }, 'invalid_request', /code_challenge/],
    [{ response_type: 'token' }, 'unsupported_response_type', /response_type must be code/],
    [{ scope: 'admin' }, 'invalid_scope', /cors_api/],
    [{ state: undefined }, 'invalid_request', /state is required/],
  ];
  for (const [changes, error, description] of cases) {
    for (const r of [await authorize(authParams(challenge, changes)), await decide(authParams(challenge, changes), 'allow')]) {
      assert.equal(r.status, 302, JSON.stringify(changes));
      const back = locationOf(r);
      assert.equal(`${back.origin}${back.pathname}`, sb.oauthRedirectUri);
      assert.equal(back.searchParams.get('error'), error, JSON.stringify(changes));
      assert.match(back.searchParams.get('error_description'), description);
      assert.equal(back.searchParams.get('state'), 'state' in changes ? null : 'state-123');
      assert.equal(back.searchParams.get('code'), null);
    }
  }
  assert.equal(sb.oauth().counters.codesIssued, 0, 'a POST is checked again: changed hidden fields get no code');
});

test('an unregistered client or redirect URI gets an error page and no redirect', T, async () => {
  const { challenge } = pkce();
  const other = `${sb.appUrl}/elsewhere`;
  const cases = [
    [{ client_id: 'nobody' }, /No OAuth client app is registered with client_id &#34;nobody&#34;/],
    [{ client_id: undefined }, /No OAuth client app/],
    [{ redirect_uri: other }, /is not the one registered for sandbox-web-app/],
    [{ redirect_uri: sb.oauthRedirectUri.replace(/\/$/, '') }, /is not the one registered/],
    [{ redirect_uri: `${sb.oauthRedirectUri}?x=1` }, /is not the one registered/],
    [{ redirect_uri: sb.url + '/' }, /is not the one registered/],
    [{ redirect_uri: undefined }, /is not the one registered/],
    [{ client_id: 'nobody', code_challenge_method: 'plain' }, /No OAuth client app/],
  ];
  for (const [changes, message] of cases) {
    for (const r of [await authorize(authParams(challenge, changes)), await decide(authParams(challenge, changes), 'allow')]) {
      assert.equal(r.status, 400, JSON.stringify(changes));
      assert.equal(r.headers.get('location'), null);
      assert.match(r.contentType, /^text\/html/);
      assert.match(r.text, message);
    }
  }
  assert.equal(sb.oauth().counters.codesIssued, 0);
});

test('the consent page escapes what the request says', T, async () => {
  const r = await authorize(authParams(pkce().challenge, { state: '"><script>alert(1)</script>' }));
  assert.equal(r.status, 200);
  assert.ok(!r.text.includes('<script>'));
  assert.ok(r.text.includes('value="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"'));
});

test('a tampered verifier is refused, and spends the code', T, async () => {
  const { verifier, challenge } = pkce();
  const code = await codeFor(challenge);
  const tampered = verifier.slice(0, -1) + (verifier.endsWith('A') ? 'B' : 'A');
  assertOAuthError(await redeem(code, tampered), 'invalid_grant', /code_verifier does not match the code_challenge/);
  assertOAuthError(await redeem(code, verifier), 'invalid_grant', /already used/);
  assertOAuthError(await redeem(await codeFor(challenge), pkce().verifier), 'invalid_grant', /does not match/);
  assertOAuthError(await redeem(await codeFor(challenge), challenge), 'invalid_grant', /does not match/, 'the challenge is not the verifier');
  assert.equal(sb.oauth().counters.codesRedeemed, 0);
  assert.equal(sb.oauth().counters.tokenErrors, 4);
});

test('a malformed verifier is an invalid request, checked before the code is looked at', T, async () => {
  const { verifier, challenge } = pkce();
  const code = await codeFor(challenge);
  for (const bad of ['short', 'x'.repeat(129), `${verifier.slice(0, 42)}+`, `${verifier.slice(0, 42)}=`]) {
    assertOAuthError(await redeem(code, bad), 'invalid_request', /code_verifier must be 43 to 128/);
  }
  assert.equal((await redeem(code, verifier)).status, 200, 'the code is still good');
});

test('a replayed code is refused and revokes the tokens it gave', T, async () => {
  const { verifier, challenge } = pkce();
  const code = await codeFor(challenge);
  const first = await redeem(code, verifier);
  assert.equal(first.status, 200);
  assertOAuthError(await redeem(code, verifier), 'invalid_grant', /already used/);
  assert.equal((await bearer(TASK, first.json.access_token)).status, 401);
  assertOAuthError(await refresh(first.json.refresh_token), 'invalid_grant', /revoked/);
  assert.equal(sb.oauth().counters.revocations, 1);
  assertOAuthError(await redeem('no-such-code', verifier), 'invalid_grant', /unknown authorization code/);
});

test('a code expires after oauthCodeLifetimeSeconds (60 by default)', T, async () => {
  assert.equal(sb.config().oauthCodeLifetimeSeconds, 60);
  sb.configure({ oauthCodeLifetimeSeconds: 0 });
  const { verifier, challenge } = pkce();
  assertOAuthError(await redeem(await codeFor(challenge), verifier), 'invalid_grant', /authorization code expired/);
  sb.configure({ oauthCodeLifetimeSeconds: 1 });
  assert.equal((await redeem(await codeFor(challenge), verifier)).status, 200, 'within its life it works');
});

test('a code is bound to its client id and redirect URI', T, async () => {
  sb.configure({ oauthApps: [{ clientId: 'other-app', redirectUri: 'http://127.0.0.1:9/cb' }] });
  const { verifier, challenge } = pkce();
  assertOAuthError(await redeem(await codeFor(challenge), verifier, { client_id: 'other-app' }), 'invalid_grant', /issued to another client/);
  assertOAuthError(await redeem(await codeFor(challenge), verifier, { redirect_uri: 'http://127.0.0.1:9/cb' }), 'invalid_grant', /redirect_uri is not the one/);
  const otherCode = await codeFor(challenge, { client_id: 'other-app', redirect_uri: 'http://127.0.0.1:9/cb' });
  assert.equal((await redeem(otherCode, verifier, { client_id: 'other-app', redirect_uri: 'http://127.0.0.1:9/cb' })).status, 200);
});

test('refresh returns a new access token and rotates the refresh token; the old one is refused', T, async () => {
  const first = await signIn();
  const second = await refresh(first.refresh_token);
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json.token_type, 'Bearer');
  assert.notEqual(second.json.access_token, first.access_token);
  assert.notEqual(second.json.refresh_token, first.refresh_token);
  assert.equal((await bearer(TASK, second.json.access_token)).status, 200);
  assert.equal((await bearer(TASK, first.access_token)).status, 200, 'the previous access token lives until it expires');
  assertOAuthError(await refresh(first.refresh_token), 'invalid_grant', /already used/);
  const third = await refresh(second.json.refresh_token);
  assert.equal(third.status, 200);
  assertOAuthError(await refresh(third.json.refresh_token, { client_id: 'nobody' }), 'invalid_client');
  assertOAuthError(await refresh('no-such-token'), 'invalid_grant', /unknown refresh token/);
  assert.equal((await refresh(third.json.refresh_token)).status, 200, 'a refused request leaves the token alone');
  const { counters } = sb.oauth();
  assert.equal(counters.refreshes, 3);
  assert.equal(counters.tokensIssued, 4);
});

test('refresh after the access token expires (short lifetime, or expired now through the control API)', T, async () => {
  sb.configure({ oauthTokenLifetimeSeconds: 30 });
  const first = await signIn();
  assert.equal(first.expires_in, 30);
  const expire = await call(sb, '/__sandbox/oauth/expire-access-tokens', { method: 'POST', token: false, body: '{}' });
  assert.deepEqual(expire.json, { expired: 1 });
  const late = await bearer(TASK, first.access_token);
  assert.equal(late.status, 401);
  assert.equal(late.json.message, 'Requires authentication.');
  const next = await refresh(first.refresh_token);
  assert.equal(next.status, 200);
  assert.equal((await bearer(TASK, next.json.access_token)).status, 200);
  assert.equal((await call(sb, TASK)).status, 200, 'the static token never expires');

  const other = await signIn();
  assert.equal(sb.expireAccessTokens(other.access_token), 1, 'one token by name');
  assert.equal((await bearer(TASK, other.access_token)).status, 401);
  assert.equal((await bearer(TASK, next.json.access_token)).status, 200, 'the others live on');
});

test('a revoked refresh token is refused; its access token lives until it expires', T, async () => {
  const tokens = await signIn();
  const revoke = await call(sb, '/__sandbox/oauth/revoke-refresh-tokens', {
    method: 'POST', token: false, body: JSON.stringify({ refreshToken: tokens.refresh_token }),
  });
  assert.deepEqual(revoke.json, { revoked: 1 });
  assertOAuthError(await refresh(tokens.refresh_token), 'invalid_grant', /refresh token revoked/);
  assert.equal((await bearer(TASK, tokens.access_token)).status, 200);
  const a = await signIn();
  const b = await signIn();
  assert.equal(sb.revokeRefreshTokens(), 2, 'all of them');
  for (const t of [a, b]) assertOAuthError(await refresh(t.refresh_token), 'invalid_grant', /revoked/);
  assert.equal(sb.oauth().activeRefreshTokens, 0);
});

test('logout revokes the access token and its refresh token', T, async () => {
  const tokens = await signIn();
  const refreshed = (await refresh(tokens.refresh_token)).json;
  const out = await bearer('/api/logout', refreshed.access_token, { method: 'DELETE' });
  assert.equal(out.status, 204);
  assert.equal(out.body.length, 0);
  assert.equal((await bearer(TASK, refreshed.access_token)).status, 401);
  assert.equal((await bearer(TASK, tokens.access_token)).status, 401, 'every access token of the sign-in');
  assertOAuthError(await refresh(refreshed.refresh_token), 'invalid_grant', /revoked/);
  assert.equal((await bearer('/api/logout', refreshed.access_token, { method: 'DELETE' })).status, 401);
  assert.equal((await call(sb, '/api/logout', { method: 'DELETE', token: false })).status, 401);
  assert.equal(sb.oauth().counters.revocations, 1);
  assert.deepEqual([sb.oauth().activeGrants, sb.oauth().activeAccessTokens], [0, 0]);

  const viaApi = await signIn();
  assert.equal((await bearer('/api/4.0/logout', viaApi.access_token, { method: 'DELETE' })).status, 204);
  assertOAuthError(await refresh(viaApi.refresh_token), 'invalid_grant', /revoked/, 'API 4.0 logout ends the sign-in too');
  assert.equal((await call(sb, '/api/logout', { method: 'DELETE' })).status, 204);
  assert.equal((await call(sb, TASK)).status, 200, 'the static token outlives logout');
});

test('the token endpoint refuses bad requests with OAuth errors', T, async () => {
  const { verifier, challenge } = pkce();
  const code = await codeFor(challenge);
  const full = { grant_type: 'authorization_code', client_id: sb.oauthClientId, redirect_uri: sb.oauthRedirectUri, code, code_verifier: verifier };
  const without = (name) => Object.fromEntries(Object.entries(full).filter(([k]) => k !== name));
  assertOAuthError(await tokenRequest(without('grant_type')), 'invalid_request', /grant_type is required/);
  for (const name of ['client_id', 'redirect_uri', 'code', 'code_verifier']) {
    assertOAuthError(await tokenRequest(without(name)), 'invalid_request', new RegExp(`${name} is required`));
  }
  for (const grantType of ['password', 'client_credentials', 'implicit']) {
    assertOAuthError(await tokenRequest({ ...full, grant_type: grantType }), 'unsupported_grant_type');
  }
  assertOAuthError(await tokenRequest({ ...full, client_id: 'nobody' }), 'invalid_client', /nobody/);
  const plain = await call(sb, '/api/token', { method: 'POST', token: false, body: form(full) }); // fetch labels a string text/plain
  assertOAuthError(plain, 'invalid_request', /Content-Type/);
  const twice = await call(sb, '/api/token', { method: 'POST', token: false, headers: FORM, body: `${form(full)}&code=${code}` });
  assertOAuthError(twice, 'invalid_request', /more than once/);
  assertOAuthError(await tokenRequest({ ...full, code: 7 }, { json: true }), 'invalid_request', /code must be a string/);
  const notJson = await call(sb, '/api/token', { method: 'POST', token: false, headers: { 'content-type': 'application/json' }, body: '{nope' });
  assertOAuthError(notJson, 'invalid_request', /not valid JSON/);
  assert.equal((await tokenRequest(full)).status, 200, 'none of those spent the code');
  assert.equal(sb.oauth().counters.tokenErrors, 13);
  assert.equal(sb.oauth().counters.tokenRequests, 14);
  assert.equal((await call(sb, '/api/token')).status, 404, 'POST only');
});

test('faults reach the token endpoint by its whole path', T, async () => {
  sb.addFault({ path: '^/api/token$', fault: 'status', status: 503 });
  const { verifier, challenge } = pkce();
  const code = await codeFor(challenge);
  assert.equal((await redeem(code, verifier)).status, 503);
  assert.equal((await call(sb, TASK)).status, 200);
  assert.equal((await redeem(code, verifier)).status, 200, 'the fault answered instead of the endpoint');
  assert.deepEqual(sb.requests().filter((e) => e.path === '/api/token').map((e) => e.status), [503, 200]);
});

test('an outage answers the OAuth endpoints too, with the app\'s CORS headers; the consent page is not the API', T, async () => {
  sb.configure({ cors: 'oauth-apps' });
  const tokens = await signIn();
  const { challenge } = pkce();
  sb.addFault({ fault: 'outage', seconds: 30, retryAfter: 5 });
  const fromApp = { origin: sb.appUrl };
  const refreshRequest = () => tokenRequest({ grant_type: 'refresh_token', client_id: sb.oauthClientId, refresh_token: tokens.refresh_token }, { headers: fromApp });
  for (const r of [await refreshRequest(), await bearer('/api/logout', tokens.access_token, { method: 'DELETE', headers: fromApp })]) {
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '5');
    assert.equal(r.headers.get('access-control-allow-origin'), sb.appUrl, 'the page can read the 503 and its Retry-After');
  }
  assert.equal((await authorize(authParams(challenge))).status, 200, 'the Looker UI origin is not the API');
  assert.equal(sb.counters().serviceUnavailable, 2, 'the counters count the OAuth endpoints\' 503s');
  sb.clearFaults();
  assert.equal((await refreshRequest()).status, 200, 'the refresh token was not spent by the outage');
});

test('strict CORS: the API answers registered app origins only, preflights included', T, async () => {
  sb.configure({ cors: 'oauth-apps' });
  const preflight = (origin, path = TASK) => call(sb, path, {
    method: 'OPTIONS', token: false,
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  const app = await preflight(sb.appUrl);
  assert.equal(app.status, 204);
  assert.equal(app.headers.get('access-control-allow-origin'), sb.appUrl);
  assert.match(app.headers.get('access-control-allow-headers'), /Authorization/);
  assert.match(app.headers.get('access-control-allow-headers'), /Content-Type/);
  assert.match(app.headers.get('access-control-allow-methods'), /POST/);
  assert.match(app.headers.get('vary'), /Origin/);
  assert.equal((await preflight(sb.appUrl, '/api/token')).headers.get('access-control-allow-origin'), sb.appUrl);

  const tokens = await signIn();
  for (const [path, token, status] of [[TASK, tokens.access_token, 200], [TASK, 'wrong', 401], ['/api/4.0/render_tasks/rate-limited', tokens.access_token, 429]]) {
    const r = await bearer(path, token, { headers: { origin: sb.appUrl } });
    assert.equal(r.status, status);
    assert.equal(r.headers.get('access-control-allow-origin'), sb.appUrl, `${path} ${status}`);
    assert.match(r.headers.get('access-control-expose-headers'), /Retry-After/);
    assert.match(r.headers.get('access-control-expose-headers'), /Content-Type/);
  }
  const token = await tokenRequest({ grant_type: 'refresh_token', client_id: sb.oauthClientId, refresh_token: tokens.refresh_token }, { headers: { origin: sb.appUrl } });
  assert.equal(token.headers.get('access-control-allow-origin'), sb.appUrl);

  for (const origin of ['http://evil.test', sb.appUrl.replace('127.0.0.1', 'localhost'), `${sb.appUrl}0`, 'null']) {
    const pre = await preflight(origin);
    assert.equal(pre.headers.get('access-control-allow-origin'), null, origin);
    assert.equal(pre.headers.get('access-control-allow-headers'), null, origin);
    const r = await bearer(TASK, tokens.access_token, { headers: { origin } });
    assert.equal(r.status, 200, 'the server answers; the browser keeps the answer from the page');
    assert.equal(r.headers.get('access-control-allow-origin'), null, origin);
    assert.equal(r.headers.get('access-control-expose-headers'), null, origin);
  }
  assert.equal((await bearer(TASK, tokens.access_token)).headers.get('access-control-allow-origin'), null, 'none without an Origin');

  sb.configure({ oauthApps: [{ clientId: 'tool', redirectUri: 'http://tool.test:8080/cb' }] });
  assert.equal((await preflight('http://tool.test:8080')).headers.get('access-control-allow-origin'), 'http://tool.test:8080', 'a registered app\'s origin comes from its redirect URI');
  sb.configure({ oauthApps: [] });
  assert.equal((await preflight('http://tool.test:8080')).headers.get('access-control-allow-origin'), null, 'and goes with it');
  const control = await call(sb, '/__sandbox/info', { token: false, headers: { origin: 'http://evil.test' } });
  assert.equal(control.headers.get('access-control-allow-origin'), '*', 'the control API stays open to tests');

  sb.configure({ cors: 'any' });
  assert.equal((await preflight('http://evil.test')).headers.get('access-control-allow-origin'), '*', 'the default lets any origin in');
});

test('config: OAuth apps, lifetimes and the CORS mode are checked, and reset restores them', T, async () => {
  const bad = [
    { oauthApps: {} },
    { oauthApps: [{ redirectUri: 'http://a.test/' }] },
    { oauthApps: [{ clientId: 'a', redirectUri: '/relative' }] },
    { oauthApps: [{ clientId: 'a', redirectUri: 'ftp://a.test/' }] },
    { oauthApps: [{ clientId: 'a', redirectUri: 'http://a.test/#frag' }] },
    { oauthApps: [{ clientId: 'a', redirectUri: 'http://a.test/', origin: 'http://a.test/' }] },
    { oauthApps: [{ clientId: 'a', redirectUri: 'http://a.test/', secret: 'x' }] },
    { oauthApps: [{ clientId: 'a', redirectUri: 'http://a.test/' }, { clientId: 'a', redirectUri: 'http://b.test/' }] },
    { oauthApps: [{ clientId: 'sandbox-web-app', redirectUri: 'http://a.test/' }] },
    { cors: 'none' },
    { oauthTokenLifetimeSeconds: 1.5 },
    { oauthCodeLifetimeSeconds: -1 },
  ];
  for (const partial of bad) {
    assert.throws(() => sb.configure(partial), TypeError, JSON.stringify(partial));
    const r = await call(sb, '/__sandbox/config', { method: 'POST', token: false, body: JSON.stringify(partial) });
    assert.equal(r.status, 400, JSON.stringify(partial));
  }
  const ok = await call(sb, '/__sandbox/config', {
    method: 'POST', token: false,
    body: JSON.stringify({ cors: 'oauth-apps', oauthTokenLifetimeSeconds: 5, oauthApps: [{ clientId: 'a', redirectUri: 'http://a.test:1/cb', displayName: 'App A' }] }),
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json.oauthApps, [{ clientId: 'a', redirectUri: 'http://a.test:1/cb', origin: 'http://a.test:1', displayName: 'App A' }]);
  const page = await authorize(authParams(pkce().challenge, { client_id: 'a', redirect_uri: 'http://a.test:1/cb' }));
  assert.match(page.text, /Allow App A to use Looker as you\?/);
  await signIn();
  sb.reset();
  const cfg = sb.config();
  assert.deepEqual([cfg.cors, cfg.oauthTokenLifetimeSeconds, cfg.oauthCodeLifetimeSeconds, cfg.oauthApps], ['any', 3600, 60, []]);
  const status = sb.oauth();
  assert.ok(Object.values(status.counters).every((n) => n === 0), 'counters back to zero');
  assert.deepEqual([status.activeGrants, status.activeAccessTokens, status.activeRefreshTokens], [0, 0, 0]);
});

test('GET /__sandbox/oauth shows the registered apps, the counters and what is live', T, async () => {
  const fresh = await start({ oauthApps: [{ clientId: 'x', redirectUri: 'http://x.test/cb', origin: 'http://x.test' }], oauthTokenLifetimeSeconds: 7 });
  try {
    assert.equal(fresh.oauthRedirectUri, `${fresh.appUrl}/`);
    const r = await call(fresh, '/__sandbox/oauth', { token: false });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.apps, [
      { clientId: 'sandbox-web-app', redirectUri: `${fresh.appUrl}/`, origin: fresh.appUrl, displayName: 'looker-render demo' },
      { clientId: 'x', redirectUri: 'http://x.test/cb', origin: 'http://x.test', displayName: 'x' },
    ]);
    assert.deepEqual(Object.keys(r.json.counters).sort(), [
      'codesIssued', 'codesRedeemed', 'consentPages', 'denials', 'refreshes', 'revocations', 'tokenErrors', 'tokenRequests', 'tokensIssued',
    ]);
    assert.deepEqual([r.json.activeGrants, r.json.activeAccessTokens, r.json.activeRefreshTokens], [0, 0, 0]);
    assert.equal(fresh.config().oauthTokenLifetimeSeconds, 7);
  } finally { await fresh.close(); }
  await signIn();
  await signIn();
  assert.deepEqual([sb.oauth().activeGrants, sb.oauth().activeAccessTokens, sb.oauth().activeRefreshTokens], [2, 2, 2]);
  const bad = await call(sb, '/__sandbox/oauth/expire-access-tokens', { method: 'POST', token: false, body: '{"accessToken":1}' });
  assert.equal(bad.status, 400);
  assert.equal(sb.oauth().activeAccessTokens, 2);
});

test('the UI origin serves /auth only; the app origin serves the site, not the API', T, async () => {
  assert.notEqual(new URL(sb.lookerUrl).origin, new URL(sb.url).origin);
  assert.notEqual(new URL(sb.appUrl).origin, new URL(sb.url).origin);
  for (const p of ['/', '/api/4.0/render_tasks/x', '/__sandbox/info', '/index.html']) {
    assert.equal((await call(sb, `${sb.lookerUrl}${p}`, { token: false })).status, 404, `UI ${p}`);
  }
  assert.equal((await call(sb, `${sb.lookerUrl}/auth`, { method: 'DELETE', token: false })).status, 405);
  const onApi = await call(sb, `/auth?${form(authParams(pkce().challenge))}`, { token: false });
  assert.equal(onApi.status, 404, 'the API origin has no consent page');
  const site = await call(sb, `${sb.appUrl}/`, { token: false });
  const primarySite = await call(sb, '/', { token: false });
  assert.equal(site.status, primarySite.status);
  assert.equal(site.text, primarySite.text, 'the same demo page as the API origin serves');
  assert.equal((await call(sb, `${sb.appUrl}${TASK}`)).status, 404, 'no API on the app origin');
  const info = await call(sb, `${sb.appUrl}/__sandbox/info`, { token: false });
  assert.equal(info.status, 200, 'the demo page finds the API from the app origin too');
  assert.deepEqual(info.json, (await call(sb, '/__sandbox/info', { token: false })).json);
  for (const p of ['/__sandbox/config', '/__sandbox/requests']) assert.equal((await call(sb, `${sb.appUrl}${p}`, { token: false })).status, 404, p);
  assert.equal((await call(sb, `${sb.appUrl}/__sandbox/info`, { method: 'POST', token: false })).status, 405);
});
