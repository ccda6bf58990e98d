// The JS values the wasm reads and makes: a value's kind (for the core's
// `Value` view), render results, and the errors callers get. No policy:
// every message and decision comes from the Rust core.

import {
  LookerApiError, LookerResponseError, LookerNetworkError, LookerTimeoutError, LookerOAuthError,
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

/** An object's property (the wasm only asks objects). */
const property = (object, key) => object[key];

/** The kinds of `object`'s properties `names`, into `kinds` (bytes) by the same index: a schema's check in one call. */
function kindsAt(object, names, kinds) {
  for (let i = 0; i < names.length; i++) kinds[i] = kindOf(object[names[i]]);
}

/** The first own key of `object` whose value is not of the kind numbered `kind`. */
function strayKey(object, kind) {
  for (const key of Object.keys(object)) if (kindOf(object[key]) !== kind) return key;
  return undefined;
}

/** An object's own enumerable keys. */
const keys = (object) => Object.keys(object);

/** `{ bytes, contentType }`, with `task` first when given (what `render` resolves with). */
const result = (bytes, contentType, task) => (task === undefined ? { bytes, contentType } : { task, bytes, contentType });

// The kinds of failure, numbered as src/lib.rs numbers them.
const API = 0;
const RESPONSE = 1;
const NETWORK = 2;
const FAILED = 3;
const TIMEOUT = 4;
const NOT_READY = 5;
const TYPE = 6;
const RANGE = 7;
const REQUEST_TIMEOUT = 8;

/**
 * The error a call rejects with: `kind` picks the class, `message` is the
 * core's; `said` is Looker's own message (API) or the OAuth error's code; `number` is the status (API),
 * the deadline (timeouts) or the wait Looker asks for (not ready; NaN for
 * none); `a` and `b` are the rest of its fields. For a network failure `a`
 * is the original error, whose reason the message ends with.
 */
function failure(kind, message, said, number, a, b) {
  switch (kind) {
    case API: return new LookerApiError(message, { status: number, lookerMessage: said ?? null, documentation_url: a, errors: b });
    case RESPONSE: return new LookerResponseError(message);
    case NETWORK: return networkError(message, a);
    case FAILED: return new RenderTaskFailedError(message, { task: a });
    case TIMEOUT: return new RenderTimeoutError(message, { timeoutMs: number, task: a });
    case NOT_READY: return new RenderNotReadyError(message, { retryAfterMs: Number.isNaN(number) ? null : number });
    case TYPE: return new TypeError(message);
    case RANGE: return new RangeError(message);
    case REQUEST_TIMEOUT: return new LookerTimeoutError(message, { timeoutMs: number });
    default: return new LookerOAuthError(message, { code: said });
  }
}

/** A request that got no answer: the core's message, then the reason (for Node's "fetch failed", the one a level down). */
function networkError(message, cause) {
  let what = (cause instanceof Error && cause.message) || 'no answer';
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : '';
  if (inner) what += `: ${inner}`;
  return new LookerNetworkError(`${message} (${what})`, { cause });
}

export { kindOf, kindsAt, strayKey, property, keys, result, failure };
