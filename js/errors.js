// The errors looker-render rejects with. Plain classes in JS so that
// `instanceof` works for callers; the wasm layer constructs them.
//
// Keep this file in the form `class ... {}` declarations followed by a single
// `export { ... };` line: the packaging step turns that line into
// `module.exports = { ... };` for the CommonJS build.

/** Base class of every error this package makes itself. */
class LookerError extends Error {}

/** Looker answered with an error status (4xx/5xx). */
class LookerApiError extends LookerError {
  constructor(message, { status, documentation_url = null, errors = null } = {}, options) {
    super(message, options);
    this.status = status;
    this.documentation_url = documentation_url;
    this.errors = errors;
  }
}

/** A 2xx answer whose body is not what Looker's spec promises. */
class LookerResponseError extends LookerError {}

/** The request never got an answer (DNS, refused or reset connection, CORS). */
class LookerNetworkError extends LookerError {}

/** A request took longer than the client's `timeoutMs`. */
class LookerTimeoutError extends LookerError {
  constructor(message, { timeoutMs } = {}, options) {
    super(message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** A render task ended in `failure`; `task` is the failed task. */
class RenderTaskFailedError extends LookerError {
  constructor(message, { task } = {}, options) {
    super(message, options);
    this.task = task;
  }
}

/** Waiting for a render task took longer than `timeoutMs`; `task` is the last one seen. */
class RenderTimeoutError extends LookerTimeoutError {
  constructor(message, { timeoutMs, task = null } = {}, options) {
    super(message, { timeoutMs }, options);
    this.task = task;
  }
}

/** The results are not ready yet (HTTP 202); ask again after `retryAfterMs`. */
class RenderNotReadyError extends LookerError {
  constructor(message, { retryAfterMs = null } = {}, options) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

// Names as literals: minifiers (Vite's, esbuild --minify) rename classes, so
// `error.name` (the function's name) would come out as 'r' in a bundled app.
const names = {
  LookerError, LookerApiError, LookerResponseError, LookerNetworkError, LookerTimeoutError,
  RenderTaskFailedError, RenderTimeoutError, RenderNotReadyError,
};
for (const [name, error] of Object.entries(names)) {
  // On the prototype, as for built-in errors: not an own, enumerable property.
  Object.defineProperty(error.prototype, 'name', { value: name, writable: true, configurable: true });
}

export { LookerError, LookerApiError, LookerResponseError, LookerNetworkError, LookerTimeoutError, RenderTaskFailedError, RenderTimeoutError, RenderNotReadyError };
