// The errors looker-render rejects with. Plain classes in JS so that
// `instanceof` works for callers; the wasm layer constructs them (js/values.js).
// Their TypeScript declarations are generated from this file's JSDoc by the
// build (tsc), so each class is documented here, once.
//
// Keep this file in the form `class ... {}` declarations followed by a single
// `export { ... };` line: the packaging step turns that line into
// `module.exports = { ... };` for the CommonJS build.

/** @typedef {import('./index.js').RenderTask} RenderTask */
/** @typedef {import('./index.js').ValidationErrorDetail} ValidationErrorDetail */

/** Base class of every error this package makes itself. */
class LookerError extends Error {}

/**
 * Looker answered with an error status (4xx/5xx). The message says what the
 * client was doing and what Looker said (`create a PNG render task for look 7:
 * 404 Not found`); `lookerMessage` is Looker's own words alone.
 */
class LookerApiError extends LookerError {
  /**
   * @param {string} message What the client was doing, the status and what Looker said.
   * @param {{ status: number, lookerMessage?: string | null, documentation_url?: string | null, errors?: ValidationErrorDetail[] | null }} details
   * @param {ErrorOptions} [options]
   */
  constructor(message, { status, lookerMessage = null, documentation_url = null, errors = null }, options) {
    super(message, options);
    /** The HTTP status code. @readonly @type {number} */
    this.status = status;
    /** Looker's own message (the `message` of its error body), or null when the body was not a Looker error. @readonly @type {string | null} */
    this.lookerMessage = lookerMessage;
    /** Looker's documentation link for the error, if it gave one. @readonly @type {string | null} */
    this.documentation_url = documentation_url;
    /** The details of a validation error (422). @readonly @type {ValidationErrorDetail[] | null} */
    this.errors = errors;
  }
}

/** A 2xx answer whose body is not what Looker's spec promises (an HTML page, cut-off JSON, a property of the wrong type). */
class LookerResponseError extends LookerError {}

/** The request got no answer (refused or reset connection, DNS, CORS); the original error is in `cause`. */
class LookerNetworkError extends LookerError {}

/** A request got no answer within the client's `timeoutMs`. */
class LookerTimeoutError extends LookerError {
  /**
   * @param {string} message
   * @param {{ timeoutMs: number }} details
   * @param {ErrorOptions} [options]
   */
  constructor(message, { timeoutMs }, options) {
    super(message, options);
    /** The deadline that passed, in milliseconds. @readonly @type {number} */
    this.timeoutMs = timeoutMs;
  }
}

/** A render task ended in `failure`; the message quotes Looker's `status_detail`. */
class RenderTaskFailedError extends LookerError {
  /**
   * @param {string} message
   * @param {{ task: RenderTask }} details
   * @param {ErrorOptions} [options]
   */
  constructor(message, { task }, options) {
    super(message, options);
    /** The failed task. @readonly @type {RenderTask} */
    this.task = task;
  }
}

/** Waiting for a render took longer than its `timeoutMs`. */
class RenderTimeoutError extends LookerTimeoutError {
  /**
   * @param {string} message
   * @param {{ timeoutMs: number, task?: RenderTask | null }} details
   * @param {ErrorOptions} [options]
   */
  constructor(message, { timeoutMs, task = null }, options) {
    super(message, { timeoutMs }, options);
    /** The last task seen, if any. @readonly @type {RenderTask | null} */
    this.task = task;
  }
}

/** The results are not ready yet (HTTP 202). */
class RenderNotReadyError extends LookerError {
  /**
   * @param {string} message
   * @param {{ retryAfterMs?: number | null }} details
   * @param {ErrorOptions} [options]
   */
  constructor(message, { retryAfterMs = null }, options) {
    super(message, options);
    /** How long Looker asked to wait (`Retry-After`), in milliseconds. @readonly @type {number | null} */
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Signing in with OAuth cannot go on: the user denied it, the redirect was
 * tampered with or replayed, Looker refused the code, or the sign-in has
 * ended (`sign_in_required`: call `startOAuthLogin()` again).
 */
class LookerOAuthError extends LookerError {
  /**
   * @param {string} message
   * @param {{ code: string }} details
   * @param {ErrorOptions} [options]
   */
  constructor(message, { code }, options) {
    super(message, options);
    /**
     * What went wrong: OAuth's own code (`access_denied`, `invalid_grant`, ...)
     * or this client's: `state_mismatch`, `missing_code`, `no_login_pending`
     * (no sign-in waits for this redirect in this tab: a replayed code),
     * `sign_in_required`, `no_web_crypto`.
     * @readonly @type {string}
     */
    this.code = code;
  }
}

// Names as literals: minifiers (Vite's, esbuild --minify) rename classes, so
// `error.name` (the function's name) would come out as 'r' in a bundled app.
const names = {
  LookerError, LookerApiError, LookerResponseError, LookerNetworkError, LookerTimeoutError, LookerOAuthError,
  RenderTaskFailedError, RenderTimeoutError, RenderNotReadyError,
};
for (const [name, error] of Object.entries(names)) {
  // On the prototype, as for built-in errors: not an own, enumerable property.
  Object.defineProperty(error.prototype, 'name', { value: name, writable: true, configurable: true });
}

export { LookerError, LookerApiError, LookerResponseError, LookerNetworkError, LookerTimeoutError, LookerOAuthError, RenderTaskFailedError, RenderTimeoutError, RenderNotReadyError };
