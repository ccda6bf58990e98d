// The Connection card: where its defaults come from (www/README.md), the
// sign-in mode, and a LookerClient for what it holds.
import { ui } from './dom.js';
import { defaultsFromQuery, defaultsFromSandbox } from './model.js';
import { libReady } from './library.js';
import { showSignIn, signedInClient } from './sign-in.js';

const SANDBOX_INFO = '/__sandbox/info';

/** Fills the empty connection fields from the query string, else the sandbox, else the page's origin. */
export async function loadDefaults() {
  const fromQuery = defaultsFromQuery(location.search);
  const servedOverHttp = /^https?:$/.test(location.protocol);
  let fromSandbox = {};
  const complete = fromQuery.baseUrl && (fromQuery.token || (fromQuery.clientId && fromQuery.clientSecret));
  if (!complete && servedOverHttp) {
    try {
      const response = await fetch(SANDBOX_INFO, { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (response.ok && /json/.test(response.headers.get('content-type') ?? '')) fromSandbox = defaultsFromSandbox(await response.json());
    } catch { /* not a sandbox: fine */ }
  }
  const defaults = { baseUrl: servedOverHttp ? location.origin : '', ...fromSandbox, ...fromQuery };
  // Only fill what the user has not typed into while we were asking.
  const fill = (input, value) => { if (value && !input.value) input.value = value; };
  fill(ui.baseUrl, defaults.baseUrl);
  fill(ui.token, defaults.token);
  fill(ui.clientId, defaults.clientId);
  fill(ui.clientSecret, defaults.clientSecret);
  if (!defaults.token && defaults.clientId && defaults.clientSecret) setAuthMode('credentials');

  const fromTheQuery = Object.keys(fromQuery).length > 0;
  const fromTheSandbox = Object.keys(fromSandbox).length > 0;
  const sources = [];
  if (fromTheQuery) sources.push('the page address');
  if (fromTheSandbox) sources.push(`the sandbox (${SANDBOX_INFO})`);
  ui.defaultsSource.textContent = sources.length
    ? `Filled in from ${sources.join(' and ')}.`
    : 'Nothing to fill in from: enter your Looker API host and credentials.';
  ui.defaultsSource.dataset.source = fromTheSandbox ? (fromTheQuery ? 'query+sandbox' : 'sandbox') : (fromTheQuery ? 'query' : 'origin');
}

/** `token`, `credentials` or `oauth` (Sign in with Looker: sign-in.js). */
export function authMode() {
  return document.querySelector('input[name="auth"]:checked').value;
}

function setAuthMode(mode) {
  document.querySelector(`input[name="auth"][value="${mode}"]`).checked = true;
  showAuthFields();
}

/** Shows the fields of the chosen sign-in mode. */
export function showAuthFields() {
  const mode = authMode();
  ui.tokenField.hidden = mode !== 'token';
  ui.clientIdField.hidden = mode !== 'credentials';
  ui.clientSecretField.hidden = mode !== 'credentials';
  showSignIn(mode === 'oauth');
}

export function toggleTokenVisible() {
  const show = ui.token.type === 'password';
  ui.token.type = show ? 'text' : 'password';
  ui.tokenToggle.textContent = show ? 'Hide' : 'Show';
  ui.tokenToggle.setAttribute('aria-pressed', String(show));
}

/** The LookerClient options the fields describe. */
function connection() {
  const baseUrl = ui.baseUrl.value.trim();
  if (authMode() === 'credentials') {
    return { baseUrl, clientId: ui.clientId.value.trim(), clientSecret: ui.clientSecret.value };
  }
  const token = ui.token.value.trim();
  return token ? { baseUrl, accessToken: token } : { baseUrl };
}

/** A client for the connection fields; a TypeError (bad base URL, unknown option) goes to the caller. */
export function makeClient(lib) {
  const options = connection();
  if (!options.baseUrl) {
    ui.baseUrl.focus();
    throw new TypeError('Enter the base URL of your Looker API host, such as https://acme.looker.com:19999.');
  }
  if (authMode() === 'oauth') return signedInClient(lib);
  if ('clientId' in options && (!options.clientId || !options.clientSecret)) {
    throw new TypeError('Enter both the client ID and the client secret, or sign in with an access token.');
  }
  return new lib.LookerClient(options);
}

/**
 * What a render needs before it sends anything: `build()`'s request, the loaded package and a
 * client for the connection fields. Resolves to `{ request, lib, client }`, or to `{ error, lib }`
 * for a mistake (a bad field, no base URL, the package not loaded) for the caller to show.
 */
export async function prepareClient(build) {
  let lib;
  try {
    const request = build();
    lib = await libReady;
    return { request, lib, client: makeClient(lib) };
  } catch (error) {
    return { error, lib };
  }
}
