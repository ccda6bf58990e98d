// "Sign in with Looker": the Connection card's OAuth mode (issue 14). Offered
// where this page is a registered OAuth app's redirect URI: on the sandbox's
// app origin, which `GET /__sandbox/info` names. "Sign in with Looker" asks the
// client for Looker's authorization URL and goes there; Looker sends the browser
// back here with `?code=…&state=…` (or `?error=…`), and the page completes the
// sign-in, then takes those out of the address bar. The signed-in client lives
// in this module only: tokens are in its memory, never stored, so a reload
// signs the page out (it says so) and "Sign in with Looker" starts again.
//
// `<html data-sign-in>`: `unavailable` (not an OAuth app's page), `busy`,
// `signed-out` or `signed-in` (the browser test waits for it).
import { $, ui } from './dom.js';
import { libReady } from './library.js';
import { showError } from './error-view.js';

// What Looker adds to the redirect URI (RFC 6749 4.1.2, 4.1.2.1).
const REDIRECT_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri'];
const REMINDER = 'The sign-in lives in this page’s memory only: reloading the page signs you out.';

const field = $('oauth-field');
const signInButton = $('sign-in');
const signOutButton = $('sign-out');
const status = $('sign-in-status');
const errorBox = $('sign-in-error');

let app = null;      // { clientId, redirectUri, lookerUrl }: the OAuth app this page is, once known
let signedIn = null; // the LookerClient that completed a sign-in

function setState(state, text) {
  document.documentElement.dataset.signIn = state;
  signInButton.hidden = state === 'signed-in';
  signOutButton.hidden = state !== 'signed-in';
  signInButton.disabled = signOutButton.disabled = state === 'busy';
  status.textContent = text;
}

function failed(error, lib) {
  showError(errorBox, error, lib);
  errorBox.dataset.code = error?.code ?? '';
}

/** The OAuth app whose redirect URI this page is, from the sandbox; null anywhere else. */
async function oauthAppOfThisPage() {
  try {
    const info = await (await fetch('/__sandbox/info', { cache: 'no-store' })).json();
    if (info.appUrl !== location.origin || !info.oauthClientId) return null;
    return { clientId: info.oauthClientId, redirectUri: info.oauthRedirectUri, lookerUrl: info.lookerUrl };
  } catch {
    return null; // not the sandbox
  }
}

const newClient = (lib) => new lib.LookerClient({ baseUrl: ui.baseUrl.value.trim(), oauth: app });

/** Shows or hides the OAuth mode's field (connection.js calls it when the mode changes). */
export function showSignIn(shown) {
  field.hidden = !shown;
}

/**
 * The client for a render in OAuth mode: the signed-in one, or (not signed in)
 * a new one, whose calls reject with LookerOAuthError `sign_in_required` and
 * send nothing. A `sign_in_required` from the signed-in client (its refresh was
 * refused) signs the page out, so that the card offers to sign in again.
 */
export function signedInClient(lib) {
  const client = signedIn ?? newClient(lib);
  return new Proxy(client, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return (...args) => {
        const result = value.apply(target, args);
        result?.catch?.((error) => {
          if (error?.code === 'sign_in_required' && signedIn === target) {
            signedIn = null;
            setState('signed-out', `The sign-in has ended: sign in with Looker again. ${REMINDER}`);
          }
        });
        return result;
      };
    },
  });
}

async function signIn() {
  errorBox.hidden = true;
  setState('busy', 'Going to Looker…');
  let lib;
  try {
    lib = await libReady;
    location.assign(await newClient(lib).startOAuthLogin());
  } catch (error) {
    setState('signed-out', 'Not signed in.');
    failed(error, lib);
  }
}

async function signOut() {
  const client = signedIn;
  signedIn = null;
  errorBox.hidden = true;
  setState('busy', 'Signing out…');
  try {
    await client.logout();
    setState('signed-out', 'Signed out: Looker has ended the sign-in.');
  } catch (error) {
    setState('signed-out', 'Signed out here; Looker may not have heard.');
    failed(error, await libReady.catch(() => undefined));
  }
}

/** Back from Looker: completes the sign-in with this page's URL, then tidies the address bar. */
async function completeSignIn() {
  const redirect = location.href;
  const url = new URL(redirect);
  for (const name of REDIRECT_PARAMS) url.searchParams.delete(name);
  // Before anything else: a reload must not send the code again.
  history.replaceState(history.state, '', url);
  setState('busy', 'Completing the sign-in…');
  let lib;
  try {
    lib = await libReady;
    const client = newClient(lib);
    await client.completeOAuthLogin(redirect);
    signedIn = client;
    setState('signed-in', `Signed in with Looker (${app.lookerUrl}); renders call ${ui.baseUrl.value.trim()} as you. ${REMINDER}`);
  } catch (error) {
    setState('signed-out', 'Not signed in.');
    failed(error, lib);
  }
}

/** After the connection defaults are in: offers OAuth on an OAuth app's page, and completes a sign-in coming back from Looker. */
export async function setUpSignIn() {
  app = await oauthAppOfThisPage();
  if (!app) {
    document.documentElement.dataset.signIn = 'unavailable';
    return;
  }
  $('auth-oauth').hidden = false;
  $('auth-oauth-label').hidden = false;
  signInButton.addEventListener('click', signIn);
  signOutButton.addEventListener('click', signOut);
  // The page is this app's: OAuth is its mode (a click, so that the page's change listeners run).
  $('auth-oauth').click();
  const query = new URLSearchParams(location.search);
  if (query.has('code') || query.has('state') || query.has('error')) await completeSignIn();
  else setState('signed-out', `Not signed in. ${REMINDER}`);
}
