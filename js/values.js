// The JS values the wasm reads and makes: a value's kind (for the core's
// `Value` view), render results, and the errors callers get. No policy:
// every message and decision comes from the Rust core.

import {
  LookerApiError, LookerResponseError, LookerNetworkError,
  RenderTaskFailedError, RenderTimeoutError, RenderNotReadyError,
} from './errors.js';

/** A value's kind, numbered as core/src/value.rs's `Kind` (see src/js.rs). */
function kindOf(value) {
  switch (typeof value) {
    case 'undefined': return 0;
    case 'boolean': return 2;
    case 'number': return 3;
    case 'string': return 4;
    case 'function': return 6;
    case 'object': return value === null ? 1 : Array.isArray(value) ? 5 : 7;
    default: return 8;
  }
}

/** `{ bytes, contentType }`, with `task` first when given (what `render` resolves with). */
const result = (bytes, contentType, task) => (task === undefined ? { bytes, contentType } : { task, bytes, contentType });

const apiError = (message, status, documentation_url, errors) => new LookerApiError(message, { status, documentation_url, errors });
const responseError = (message) => new LookerResponseError(message);
const failedError = (message, task) => new RenderTaskFailedError(message, { task });
const renderTimeoutError = (message, timeoutMs, task) => new RenderTimeoutError(message, { timeoutMs, task });
const notReadyError = (message, retryAfterMs) => new RenderNotReadyError(message, { retryAfterMs });

/** A request that got no answer, naming its path and, for Node's "fetch failed", the reason one level down. */
function networkError(path, cause) {
  let what = (cause instanceof Error && cause.message) || 'no answer';
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : '';
  if (inner) what += ` (${inner})`;
  return new LookerNetworkError(`Request to ${path} failed: ${what}`, { cause });
}

export { kindOf, result, apiError, responseError, failedError, renderTimeoutError, notReadyError, networkError };
