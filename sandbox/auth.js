// Access tokens: the sandbox's static token, the short-lived ones that
// POST /login issues for the client credentials, and those that POST
// /api/token issues to OAuth apps (oauth.js), which belong to a grant.
import { randomBytes } from 'node:crypto';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string of letters and digits, for tokens and codes. */
export function randomToken(length = 40) {
  let token = '';
  for (const byte of randomBytes(length)) token += TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length];
  return token;
}

/** The token of an `Authorization: token …` (or `Bearer …`) header, else null. */
export function tokenFromHeaders(headers) {
  const match = /^\s*(token|bearer)\s+(\S+)\s*$/i.exec(headers.authorization || '');
  return match ? match[2] : null;
}

export function isValidToken(state, token) {
  if (!token) return false;
  if (token === state.token) return true;
  const issued = state.issuedTokens.get(token);
  if (issued === undefined) return false;
  if (Date.now() >= issued.expiresAt) {
    state.issuedTokens.delete(token);
    return false;
  }
  return true;
}

export function areClientCredentials(state, clientId, clientSecret) {
  return clientId === state.clientId && clientSecret === state.clientSecret;
}

/** A new access token that works for `lifetimeSeconds`; `grantId` ties an OAuth one to its grant. */
export function issueAccessToken(state, lifetimeSeconds, grantId = null) {
  const token = randomToken();
  state.issuedTokens.set(token, { expiresAt: Date.now() + lifetimeSeconds * 1000, grantId });
  return token;
}

/** A new token for /login, for the configured lifetime, as Looker's AccessToken. */
export function issueToken(state) {
  const lifetime = state.config.tokenLifetimeSeconds;
  return { access_token: issueAccessToken(state, lifetime), token_type: 'Bearer', expires_in: lifetime, refresh_token: null };
}

/** The OAuth grant an issued access token belongs to, else null. */
export const grantOfToken = (state, token) => state.issuedTokens.get(token)?.grantId ?? null;

/** Removes the issued access tokens for which `which(entry)` holds; returns how many. */
export function removeAccessTokens(state, which) {
  let removed = 0;
  for (const [token, issued] of state.issuedTokens) {
    if (which(issued, token)) { state.issuedTokens.delete(token); removed += 1; }
  }
  return removed;
}

/** Makes issued access tokens (the one named, or all) expire now; the static token never does. Returns how many. */
export function expireAccessTokens(state, token = null) {
  let expired = 0;
  const now = Date.now();
  for (const [issuedToken, issued] of state.issuedTokens) {
    if (token !== null && issuedToken !== token) continue;
    if (issued.expiresAt > now) { issued.expiresAt = now; expired += 1; }
  }
  return expired;
}

/** Logout of a token from /login: it stops working; the static token stays valid. */
export function revokeToken(state, token) {
  if (token !== state.token) state.issuedTokens.delete(token);
}
