// Sign in with Looker (OAuth 2 with PKCE), render a dashboard to PDF, show it.
//
//   1. "Sign in with Looker": startOAuthLogin() makes the PKCE verifier and a
//      state, keeps them in this tab's sessionStorage, and gives the URL of
//      Looker's sign-in page. The page goes there.
//   2. Looker sends the browser back to this page with ?code=…&state=… (or
//      ?error=…). completeOAuthLogin(location.href) checks them against what the
//      tab kept and trades the code for tokens.
//   3. The client is signed in: render() calls the API as the user, with tokens
//      it keeps in memory and refreshes itself. Reloading the page forgets them,
//      so the page asks to sign in again.
import { LookerClient, LookerOAuthError } from 'looker-render';
import { config } from './config.js';

const $ = (id) => document.getElementById(id);

const looker = new LookerClient({
  baseUrl: config.baseUrl,
  oauth: { clientId: config.clientId, redirectUri: config.redirectUri, lookerUrl: config.lookerUrl },
});

/** `signed-out`, `signed-in` or `busy`: which buttons show, and a line of status. */
function show(state, status) {
  document.body.dataset.state = state;
  $('sign-in').hidden = state !== 'signed-out';
  $('render').hidden = $('sign-out').hidden = state !== 'signed-in';
  $('status').textContent = status;
}

function showError(error) {
  // A LookerOAuthError's `code` says what went wrong with the sign-in
  // (access_denied, state_mismatch, sign_in_required, ...).
  $('error').textContent = error instanceof LookerOAuthError
    ? `Sign-in failed (${error.code}): ${error.message}`
    : `${error.name}: ${error.message}`;
  $('error').hidden = false;
}

$('sign-in').addEventListener('click', async () => {
  $('error').hidden = true;
  try {
    location.assign(await looker.startOAuthLogin());
  } catch (error) {
    showError(error); // no_web_crypto: the page is not https (or localhost)
  }
});

$('render').addEventListener('click', async () => {
  $('error').hidden = true;
  show('busy', `Rendering dashboard ${config.dashboardId}…`);
  try {
    const { bytes } = await looker.render(
      { dashboard_id: config.dashboardId, result_format: 'pdf', width: 1280, height: 1000, pdf_paper_size: 'a4' },
      { onProgress: (task) => { $('status').textContent = `Dashboard ${config.dashboardId}: ${task.status}…`; } },
    );
    if ($('pdf').src) URL.revokeObjectURL($('pdf').src);
    $('pdf').src = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
    $('pdf').hidden = false;
    show('signed-in', `Dashboard ${config.dashboardId}: a PDF of ${bytes.length} bytes.`);
  } catch (error) {
    // sign_in_required: the sign-in has ended (Looker refused to refresh it).
    const ended = error instanceof LookerOAuthError && error.code === 'sign_in_required';
    show(ended ? 'signed-out' : 'signed-in', ended ? 'Please sign in again.' : 'The render failed.');
    showError(error);
  }
});

$('sign-out').addEventListener('click', async () => {
  try {
    await looker.logout(); // Looker ends the sign-in: its tokens stop working
  } catch (error) {
    showError(error);
  }
  $('pdf').hidden = true;
  show('signed-out', 'Signed out.');
});

// Back from Looker's sign-in page?
const query = new URLSearchParams(location.search);
if (query.has('code') || query.has('error')) {
  const redirect = location.href;
  // The code is for one use: take it out of the address bar (and so out of a
  // reload, a bookmark or the history) before anything else.
  history.replaceState(null, '', location.pathname);
  try {
    await looker.completeOAuthLogin(redirect);
    show('signed-in', 'Signed in with Looker.');
  } catch (error) {
    show('signed-out', 'Not signed in.');
    showError(error);
  }
} else {
  show('signed-out', 'Not signed in.');
}
