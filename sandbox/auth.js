// Access tokens: the sandbox's static token, and the short-lived ones that
// POST /login issues for the client credentials.
import { randomBytes } from 'node:crypto';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(length = 40) {
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
  const expiresAt = state.issuedTokens.get(token);
  if (expiresAt === undefined) return false;
  if (Date.now() >= expiresAt) {
    state.issuedTokens.delete(token);
    return false;
  }
  return true;
}

export function areClientCredentials(state, clientId, clientSecret) {
  return clientId === state.clientId && clientSecret === state.clientSecret;
}

/** A new token for the configured lifetime, as Looker's AccessToken. */
export function issueToken(state) {
  const token = randomToken();
  const lifetime = state.config.tokenLifetimeSeconds;
  state.issuedTokens.set(token, Date.now() + lifetime * 1000);
  return { access_token: token, token_type: 'Bearer', expires_in: lifetime, refresh_token: null };
}

/** Logout: an issued token stops working; the static token stays valid. */
export function revokeToken(state, token) {
  if (token !== state.token) state.issuedTokens.delete(token);
}
