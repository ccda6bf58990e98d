// How an error reads on the page: what happened, Looker's own message, the
// fields it named, and its documentation link.
import { el } from './dom.js';
import { authMode } from './connection.js';

const HTTP_REASONS = {
  400: 'bad request', 401: 'not signed in', 403: 'forbidden', 404: 'not found', 409: 'conflict',
  422: 'invalid request', 429: 'too many requests', 500: 'server error', 503: 'unavailable',
};

// LookerOAuthError by its `code` (README: "Web apps: sign in with OAuth").
const OAUTH_TITLES = {
  access_denied: 'Sign-in denied on Looker’s page',
  state_mismatch: 'This sign-in did not start here',
  missing_code: 'Looker sent no sign-in code',
  no_login_pending: 'No sign-in was waiting for this page',
  invalid_grant: 'Looker refused the sign-in',
  sign_in_required: 'Not signed in with Looker',
  no_web_crypto: 'This page cannot sign in (it is not secure)',
};

/** A title and hints for a person, by the package's error class. */
function explain(error, lib) {
  const is = (name) => (lib[name] && error instanceof lib[name]) || error?.name === name;
  if (error?.name === 'AbortError') return { title: 'Cancelled' };
  if (is('RenderTaskFailedError')) return { title: 'Looker could not render it' };
  if (is('RenderTimeoutError')) {
    return { title: 'Gave up waiting for the render', hints: error.task?.status ? [`It was still "${error.task.status}".`] : [] };
  }
  if (is('RenderNotReadyError')) return { title: 'The render is not ready yet' };
  if (is('LookerApiError')) {
    const reason = HTTP_REASONS[error.status];
    const hints = error.status !== 401 ? []
      : [authMode() === 'credentials' ? 'Check the client ID and secret.' : 'Check the access token: it may be wrong or expired.'];
    return { title: `Looker answered ${error.status}${reason ? ` (${reason})` : ''}`, hints };
  }
  if (is('LookerTimeoutError')) return { title: 'A request took too long' };
  if (is('LookerNetworkError')) {
    return {
      title: 'Could not reach Looker',
      hints: [`Check the base URL, that the host is up, and that it allows requests from ${location.origin} (CORS).`],
    };
  }
  if (is('LookerResponseError')) return { title: 'Looker sent something unexpected' };
  if (is('LookerOAuthError')) {
    const hint = error.code === 'no_web_crypto' ? 'Open the page over https, or from this machine (localhost).' : 'Sign in with Looker again.';
    return { title: OAUTH_TITLES[error.code] ?? 'Could not sign in with Looker', hints: [hint] };
  }
  if (error instanceof TypeError) return { title: 'Check the form' };
  return { title: error?.name ?? 'Error' };
}

/** The short name of what went wrong (`Looker could not render it`), for a line in a list. */
export const errorTitle = (error, lib = {}) => explain(error, lib).title;

function docLink(url, text) {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return null;
  return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'doc-link', 'data-testid': 'doc-link', text: text ?? url });
}

/** Shows `error` in `box`; `lib` is the loaded package (its error classes), if it loaded. */
export function showError(box, error, lib = {}) {
  const { title, hints = [] } = explain(error, lib);
  const children = [
    el('p', { class: 'error-title' },
      el('strong', { text: title }),
      typeof error?.status === 'number' ? el('span', { class: 'badge failure', 'data-testid': 'error-status', text: String(error.status) }) : null),
    el('p', { class: 'error-message', 'data-testid': 'error-message', text: error?.message ?? String(error) }),
    ...hints.map((text) => el('p', { class: 'hint', text })),
  ];
  if (Array.isArray(error?.errors) && error.errors.length) {
    children.push(el('ul', { class: 'error-details' }, error.errors.map((detail) =>
      el('li', {}, el('code', { text: detail.field ?? '' }), ' ', detail.message ?? detail.code ?? '', docLink(detail.documentation_url)))));
  }
  const doc = docLink(error?.documentation_url, 'Looker’s documentation for this error');
  if (doc) children.push(el('p', {}, doc));
  box.replaceChildren(...children);
  box.hidden = false;
}
