// The Looker web UI's part of OAuth, on the UI origin (the client's
// `lookerUrl`): GET /auth checks an authorization request and shows a consent
// page with "Allow" and "Deny"; the page posts the choice back to /auth, which
// sends the browser to the app's redirect URI with `code` and `state`, or
// with `error=access_denied`. A request naming an unregistered client, or a
// redirect URI other than the registered one, gets an error page and no
// redirect (RFC 6749 4.1.2.1), as Looker does; any other bad request goes back
// to the app with `error=…`. The signed-in Looker user is always the sandbox's.
import { textResponse, emptyResponse } from './http-util.js';
import { OAUTH_SCOPE, CODE_CHALLENGE, findApp, issueCode } from './oauth.js';

// The authorization request's parameters, which the consent form carries back.
const REQUEST_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'code_challenge', 'code_challenge_method', 'state'];
// Not framed by other sites (a click on Allow must be the user's), never cached.
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status, title, body) {
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)} · Looker (sandbox)</title>
<style>body{font:16px system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em;color:#262d33}
button{font:inherit;padding:.5em 1.5em;margin-right:.5em}#allow{background:#1a73e8;color:#fff;border:0;border-radius:4px}</style>
</head><body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`;
  const response = textResponse(status, html, 'text/html; charset=utf-8');
  Object.assign(response.headers, PAGE_HEADERS);
  return response;
}

const errorPage = (message) => page(400, 'This app cannot sign you in', `<p id="error">${escapeHtml(message)}</p>`);

/** 302 to the app's redirect URI with `params` added to its query. */
function redirectBack(redirectUri, params) {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return emptyResponse(302, { location: url.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
}

/** The problem with an authorization request of a registered app, as an OAuth error code and description; null if none. */
function requestProblem(params) {
  const responseType = params.get('response_type');
  if (responseType !== 'code') return ['unsupported_response_type', `response_type must be code, not ${responseType ?? 'missing'}`];
  if (params.get('scope') !== OAUTH_SCOPE) return ['invalid_scope', `scope must be ${OAUTH_SCOPE}`];
  const method = params.get('code_challenge_method');
  if (method !== 'S256') return ['invalid_request', `code_challenge_method must be S256, not ${method ?? 'missing'}`];
  if (!CODE_CHALLENGE.test(params.get('code_challenge') ?? '')) {
    return ['invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters, no padding)'];
  }
  if (!params.get('state')) return ['invalid_request', 'state is required'];
  return null;
}

/**
 * Checks an authorization request: `{ app }` when it may go on, else `{ response }`,
 * an error page (unknown client or redirect URI) or a redirect back with the error.
 */
function checkRequest(state, params) {
  const clientId = params.get('client_id');
  const app = clientId ? findApp(state, clientId) : null;
  if (!app) return { response: errorPage(`No OAuth client app is registered with client_id "${clientId ?? ''}".`) };
  if (params.get('redirect_uri') !== app.redirectUri) {
    return { response: errorPage(`The redirect_uri "${params.get('redirect_uri') ?? ''}" is not the one registered for ${app.clientId}.`) };
  }
  const problem = requestProblem(params);
  if (problem) {
    const [error, description] = problem;
    return { response: redirectBack(app.redirectUri, { error, error_description: description, state: params.get('state') }) };
  }
  return { app };
}

function consentPage(app, params) {
  const hidden = REQUEST_PARAMS.map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name))}">`).join('\n');
  return page(200, `Allow ${app.displayName} to use Looker as you?`, `
<p><b>${escapeHtml(app.displayName)}</b> (client id <code>${escapeHtml(app.clientId)}</code>, at
<code>${escapeHtml(app.origin)}</code>) asks to call the Looker API with your account (scope <code>${OAUTH_SCOPE}</code>).</p>
<p>Signed in as: Sandbox User</p>
<form method="post" action="/auth">
${hidden}
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>`);
}

/** The response to a request on the UI origin: `{ method, rawPath, query, body }`. */
export function handleLookerUi(state, request) {
  if (request.rawPath !== '/auth') return textResponse(404, 'Not found\n');
  if (request.method === 'GET') {
    const checked = checkRequest(state, request.query);
    if (checked.response) return checked.response;
    state.oauthCounters.consentPages += 1;
    return consentPage(checked.app, request.query);
  }
  if (request.method === 'POST') {
    // The consent form: the request again (checked again), and the user's choice.
    const form = new URLSearchParams(request.body);
    const checked = checkRequest(state, form);
    if (checked.response) return checked.response;
    const { app } = checked;
    const decision = form.get('decision');
    if (decision === 'deny') {
      state.oauthCounters.denials += 1;
      return redirectBack(app.redirectUri, { error: 'access_denied', error_description: 'The user denied access', state: form.get('state') });
    }
    if (decision !== 'allow') return errorPage('Choose Allow or Deny.');
    const code = issueCode(state, { clientId: app.clientId, redirectUri: app.redirectUri, challenge: form.get('code_challenge') });
    return redirectBack(app.redirectUri, { code, state: form.get('state') });
  }
  return textResponse(405, 'Method not allowed\n');
}
