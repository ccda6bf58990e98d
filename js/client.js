// LookerClient, the package's class: each method is one call into the wasm
// core (`Core::call` in src/lib.rs), which checks the arguments and runs the
// call through js/driver.js; a batch is many renders (js/batch.js). Nothing
// is decided here. The types and docs of every method are in src/types.d.ts.

import { renderMany, renderAll } from './batch.js';

// Method numbers, as src/lib.rs numbers them.
const LOGIN = 0;
const LOGOUT = 1;
const RENDER_TASK = 2;
const CREATE_LOOK_RENDER_TASK = 3;
const CREATE_QUERY_RENDER_TASK = 4;
const CREATE_DASHBOARD_ELEMENT_RENDER_TASK = 5;
const CREATE_DASHBOARD_RENDER_TASK = 6;
const RENDER_TASK_RESULTS = 7;
const WAIT_FOR_RENDER_TASK = 8;
const RENDER = 9;
const COMPLETE_OAUTH_LOGIN = 10;

// Where startOAuthLogin() keeps the state and verifier for the redirect
// page: sessionStorage, this tab only, removed when the redirect is read.
const OAUTH_PENDING = 'looker-render:oauth';

/** The `LookerClient` class over the wasm's `Core` (the entries pass it in). */
function lookerClientClass(Core) {
  return class LookerClient {
    #core;

    constructor(options) {
      this.#core = new Core(options);
    }

    // A wrong argument rejects, as every failure does.
    #call(method, a, b, c, d, e) {
      try {
        return this.#core.call(method, a, b, c, d, e);
      } catch (error) {
        return Promise.reject(error);
      }
    }

    login() {
      return this.#call(LOGIN);
    }

    logout() {
      return this.#call(LOGOUT);
    }

    renderTask(renderTaskId, options) {
      return this.#call(RENDER_TASK, renderTaskId, options);
    }

    createLookRenderTask(lookId, resultFormat, width, height, options) {
      return this.#call(CREATE_LOOK_RENDER_TASK, lookId, resultFormat, width, height, options);
    }

    createQueryRenderTask(queryId, resultFormat, width, height, options) {
      return this.#call(CREATE_QUERY_RENDER_TASK, queryId, resultFormat, width, height, options);
    }

    createDashboardElementRenderTask(dashboardElementId, resultFormat, width, height, options) {
      return this.#call(CREATE_DASHBOARD_ELEMENT_RENDER_TASK, dashboardElementId, resultFormat, width, height, options);
    }

    createDashboardRenderTask(request, options) {
      return this.#call(CREATE_DASHBOARD_RENDER_TASK, request, options);
    }

    renderTaskResults(renderTaskId, options) {
      return this.#call(RENDER_TASK_RESULTS, renderTaskId, options);
    }

    waitForRenderTask(renderTaskId, options) {
      return this.#call(WAIT_FOR_RENDER_TASK, renderTaskId, options);
    }

    render(request, options) {
      return this.#call(RENDER, request, options);
    }

    renderMany(requests, options) {
      return renderMany(this, requests, options, this.#core.batch(requests, options));
    }

    async startOAuthLogin() {
      const { crypto, sessionStorage } = globalThis;
      let made;
      // Without Web Crypto (a page over plain http) the core says what to do.
      if (crypto?.subtle && sessionStorage) {
        const verifier = randomText(crypto, 32);
        const state = randomText(crypto, 16);
        const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
        made = { verifier, state, challenge: base64url(new Uint8Array(digest)) };
      }
      const url = this.#core.oauthUrl(made?.challenge, made?.state);
      sessionStorage.setItem(OAUTH_PENDING, JSON.stringify({ state: made.state, verifier: made.verifier }));
      return url;
    }

    completeOAuthLogin(url) {
      let pending = null;
      try {
        pending = JSON.parse(globalThis.sessionStorage?.getItem(OAUTH_PENDING) ?? 'null');
        // Used once: a replayed redirect finds nothing.
        globalThis.sessionStorage?.removeItem(OAUTH_PENDING);
      } catch {
        // Storage blocked or its value not JSON: nothing is pending.
      }
      return this.#call(COMPLETE_OAUTH_LOGIN, redirectParams(url), pending);
    }

    renderAll(requests, options) {
      try {
        return renderAll(this.renderMany(requests, options), requests.length);
      } catch (error) {
        return Promise.reject(error);
      }
    }
  };
}

/** The query parameters of a redirect the core checks, or undefined when `url` is not a URL. */
function redirectParams(url) {
  let params;
  try {
    params = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const get = (name) => params.get(name) ?? undefined;
  return { code: get('code'), state: get('state'), error: get('error'), error_description: get('error_description') };
}

/** `bytes` random bytes as base64url text (RFC 7636's verifier alphabet). */
function randomText(crypto, bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export { lookerClientClass };
