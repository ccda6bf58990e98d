// Looker's side of OAuth 2 with PKCE (RFC 6749 and RFC 7636) for registered
// OAuth client apps: which apps are registered, the codes the consent page
// (consent.js) hands out, and POST /api/token, which redeems a code or a
// refresh token for an access token. One sign-in is a grant: its access tokens
// (kept with the others in auth.js) and one current refresh token, replaced on
// every refresh. Logout revokes the whole grant.
import { createHash } from 'node:crypto';
import { jsonResponse, emptyResponse } from './http-util.js';
import { randomToken, issueAccessToken, removeAccessTokens, grantOfToken, revokeToken, tokenFromHeaders } from './auth.js';

/** The one scope Looker grants OAuth apps: calling the API from a browser. */
export const OAUTH_SCOPE = 'cors_api';
/** RFC 7636 4.2: base64url of a SHA-256, without padding. */
export const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
// RFC 7636 4.1.
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
// The token endpoint's answers must not be cached (RFC 6749 5.1).
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** Every registered app: the sandbox's own (for its app origin), then config.oauthApps. */
export function registeredApps(state) {
  return [...(state.defaultOAuthApp ? [state.defaultOAuthApp] : []), ...state.config.oauthApps];
}

export const findApp = (state, clientId) => registeredApps(state).find((app) => app.clientId === clientId) ?? null;

/** The S256 code challenge of a verifier: base64url(sha256(verifier)). */
export const s256 = (verifier) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** A new code for an allowed authorization request: single-use, valid for config.oauthCodeLifetimeSeconds. */
export function issueCode(state, { clientId, redirectUri, challenge }) {
  const code = randomToken(32);
  const expiresAt = Date.now() + state.config.oauthCodeLifetimeSeconds * 1000;
  state.oauthCodes.set(code, { clientId, redirectUri, challenge, expiresAt, used: false, grantId: null });
  state.oauthCounters.codesIssued += 1;
  return code;
}

/** A refused token request, as RFC 6749 5.2 words it: `error` is its code, the message its description. */
class OAuthError extends Error {
  constructor(error, description) {
    super(description);
    this.error = error;
  }
}

function fail(error, description) { throw new OAuthError(error, description); }

/** The parameters of a token request: a form, as RFC 6749 has it, or a JSON object of strings, as @looker/sdk-rtl sends. */
function tokenParams(request) {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  let entries;
  if (type === 'application/json') {
    let value;
    try { value = JSON.parse(request.body); } catch { fail('invalid_request', 'the body is not valid JSON'); }
    if (!value || typeof value !== 'object' || Array.isArray(value)) fail('invalid_request', 'the JSON body must be an object');
    entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
    for (const [name, v] of entries) if (typeof v !== 'string') fail('invalid_request', `${name} must be a string`);
  } else if (type === 'application/x-www-form-urlencoded' || type === '') {
    entries = [...new URLSearchParams(request.body)];
  } else {
    fail('invalid_request', 'Content-Type must be application/x-www-form-urlencoded or application/json');
  }
  const params = new Map(entries);
  if (params.size !== entries.length) fail('invalid_request', 'a parameter is given more than once');
  return params;
}

function required(params, name) {
  const value = params.get(name);
  if (!value) fail('invalid_request', `${name} is required`);
  return value;
}

function clientOf(state, params) {
  const clientId = required(params, 'client_id');
  return findApp(state, clientId) ?? fail('invalid_client', `no OAuth client app is registered with client_id ${clientId}`);
}

function newTokens(state, grant) {
  const lifetime = state.config.oauthTokenLifetimeSeconds;
  const accessToken = issueAccessToken(state, lifetime, grant.id);
  grant.refreshToken = randomToken();
  state.refreshTokens.set(grant.refreshToken, { grantId: grant.id, status: 'active' });
  state.oauthCounters.tokensIssued += 1;
  return { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime, refresh_token: grant.refreshToken };
}

// grant_type=authorization_code: a code from the consent page, with the verifier of its challenge.
function redeemCode(state, params) {
  const app = clientOf(state, params);
  const code = required(params, 'code');
  const redirectUri = required(params, 'redirect_uri');
  const verifier = required(params, 'code_verifier');
  if (!CODE_VERIFIER.test(verifier)) fail('invalid_request', 'code_verifier must be 43 to 128 of A-Z a-z 0-9 - . _ ~ (RFC 7636)');
  const issued = state.oauthCodes.get(code) ?? fail('invalid_grant', 'unknown authorization code');
  if (issued.used) {
    // RFC 6749 4.1.2: a code used twice revokes what it gave.
    if (issued.grantId) revokeGrant(state, issued.grantId);
    fail('invalid_grant', 'authorization code already used (the tokens it gave are revoked)');
  }
  issued.used = true; // spent by its first redemption, good or bad, so that a verifier cannot be guessed
  if (Date.now() >= issued.expiresAt) fail('invalid_grant', 'authorization code expired');
  if (issued.clientId !== app.clientId) fail('invalid_grant', 'authorization code was issued to another client');
  if (issued.redirectUri !== redirectUri) fail('invalid_grant', 'redirect_uri is not the one of the authorization request');
  if (s256(verifier) !== issued.challenge) fail('invalid_grant', 'code_verifier does not match the code_challenge');
  const grant = { id: `grant-${++state.oauthSeq}`, clientId: app.clientId, refreshToken: null, revoked: false };
  state.oauthGrants.set(grant.id, grant);
  issued.grantId = grant.id;
  state.oauthCounters.codesRedeemed += 1;
  return newTokens(state, grant);
}

// grant_type=refresh_token: the grant's current refresh token, which is replaced.
function refresh(state, params) {
  const app = clientOf(state, params);
  const refreshToken = required(params, 'refresh_token');
  const known = state.refreshTokens.get(refreshToken) ?? fail('invalid_grant', 'unknown refresh token');
  if (known.status === 'rotated') fail('invalid_grant', 'refresh token already used: each refresh returns the next one');
  if (known.status === 'revoked') fail('invalid_grant', 'refresh token revoked');
  const grant = state.oauthGrants.get(known.grantId);
  if (grant.clientId !== app.clientId) fail('invalid_grant', 'refresh token was issued to another client');
  known.status = 'rotated';
  state.oauthCounters.refreshes += 1;
  return newTokens(state, grant);
}

/** POST /api/token: 200 with { access_token, token_type, expires_in, refresh_token }, or 400 with { error, error_description }. */
export function tokenEndpoint(state, request) {
  state.oauthCounters.tokenRequests += 1;
  try {
    const params = tokenParams(request);
    const grantType = required(params, 'grant_type');
    if (grantType === 'authorization_code') return jsonResponse(200, redeemCode(state, params), NO_STORE);
    if (grantType === 'refresh_token') return jsonResponse(200, refresh(state, params), NO_STORE);
    fail('unsupported_grant_type', `grant_type must be authorization_code or refresh_token, not ${grantType}`);
  } catch (e) {
    if (!(e instanceof OAuthError)) throw e;
    state.oauthCounters.tokenErrors += 1;
    return jsonResponse(400, { error: e.error, error_description: e.message }, NO_STORE);
  }
}

/** Ends a grant: its access tokens stop working and its refresh token is refused. */
export function revokeGrant(state, grantId) {
  const grant = state.oauthGrants.get(grantId);
  if (!grant || grant.revoked) return;
  grant.revoked = true;
  removeAccessTokens(state, (issued) => issued.grantId === grantId);
  const refreshToken = state.refreshTokens.get(grant.refreshToken);
  if (refreshToken?.status === 'active') refreshToken.status = 'revoked';
  state.oauthCounters.revocations += 1;
}

/** DELETE /api/logout and /api/4.0/logout: an OAuth token's whole grant ends; any other issued token stops working. */
export function logout(state, request) {
  const token = tokenFromHeaders(request.headers);
  const grantId = grantOfToken(state, token);
  if (grantId) revokeGrant(state, grantId);
  else revokeToken(state, token);
  return emptyResponse(204);
}

/** Revokes active refresh tokens (the one named, or all), leaving their access tokens to expire; returns how many. */
export function revokeRefreshTokens(state, refreshToken = null) {
  let revoked = 0;
  for (const [token, known] of state.refreshTokens) {
    if (refreshToken !== null && token !== refreshToken) continue;
    if (known.status === 'active') { known.status = 'revoked'; revoked += 1; }
  }
  return revoked;
}

/** What GET /__sandbox/oauth shows: the registered apps, the counters, and what is live now. */
export function oauthStatus(state) {
  const now = Date.now();
  const count = (values, which) => [...values].filter(which).length;
  return {
    apps: registeredApps(state),
    counters: { ...state.oauthCounters },
    activeGrants: count(state.oauthGrants.values(), (grant) => !grant.revoked),
    activeAccessTokens: count(state.issuedTokens.values(), (issued) => issued.grantId && issued.expiresAt > now),
    activeRefreshTokens: count(state.refreshTokens.values(), (known) => known.status === 'active'),
  };
}
