// The I/O the wasm layer asks JavaScript for: a request's init, reading an
// answer (JSON parsed once, here; bytes untouched), deadlines and sleeps that
// an AbortSignal cuts short, and building the errors callers get. No policy:
// every decision is the Rust core's (core/src/call.rs).

import {
  LookerApiError, LookerResponseError, LookerNetworkError, LookerTimeoutError,
  RenderTaskFailedError, RenderTimeoutError, RenderNotReadyError,
} from './errors.js';

/** The `init` of a fetch: headers as a plain object (cheaper than `Headers`). */
function requestInit(method, authorization, contentType, body, signal) {
  const headers = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (contentType !== undefined) headers['content-type'] = contentType;
  return { method, headers, body, signal };
}

const tooLarge = async (response) => {
  await response.body?.cancel?.().catch(() => {});
  return null;
};

/**
 * The body as text or bytes, or null when it is larger than `limit` bytes;
 * a body over the cap is cancelled, which releases the connection.
 */
async function readBody(response, limit, asText) {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return tooLarge(response);
  const reader = declared === null ? response.body?.getReader?.() : undefined;
  if (!reader) {
    // A declared length within the cap (the usual case, and the fast path),
    // or a Response-like object from an injected fetch without a stream.
    if (asText) {
      const text = await response.text();
      // Each UTF-16 unit is at least one byte: more units is more bytes.
      return text.length > limit ? null : text;
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.byteLength > limit ? null : bytes;
  }
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  let bytes = chunks.length === 1 ? chunks[0] : new Uint8Array(size);
  if (chunks.length !== 1) {
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
  }
  return asText ? new TextDecoder().decode(bytes) : bytes;
}

// What `readAnswer` found in the body: the Rust side's `Body` variants.
const JSON_BODY = 0;
const NOT_JSON = 1;
const BYTES = 2;
const TOO_LARGE = 3;

/**
 * Reads a fetch Response: status, the two headers the core parses, and the
 * body — bytes for a 2xx when `bytesLimit` is given (>= 0), otherwise JSON,
 * parsed here once and handed to the core to check.
 */
async function readAnswer(response, bytesLimit, jsonLimit) {
  const { status, headers } = response;
  const asBytes = bytesLimit >= 0 && status >= 200 && status < 300;
  const limit = asBytes ? bytesLimit : jsonLimit;
  const answer = {
    status, contentType: headers.get('content-type'), retryAfter: headers.get('retry-after'),
    kind: TOO_LARGE, body: undefined, size: limit,
  };
  const body = await readBody(response, limit, !asBytes);
  if (body === null) return answer;
  if (asBytes) {
    answer.kind = BYTES;
    answer.body = body;
    return answer;
  }
  try {
    answer.body = JSON.parse(body);
    answer.kind = JSON_BODY;
  } catch {
    answer.kind = NOT_JSON;
    answer.size = new TextEncoder().encode(body).length;
  }
  return answer;
}

/**
 * One abort signal for a request or a job: it fires on the caller's signal
 * or when `ms` run out (with a LookerTimeoutError naming `timeoutMs`), and is
 * released (listener removed, timer cleared) as soon as the work settles, so
 * nothing keeps a Node process alive.
 */
class Deadline {
  constructor(callerSignal, ms, timeoutMs) {
    this.controller = new AbortController();
    this.callerSignal = callerSignal ?? null;
    this.timer = null;
    this.timedOut = false;
    if (this.callerSignal) {
      if (this.callerSignal.aborted) this.controller.abort(this.callerSignal.reason);
      else {
        this.onAbort = () => this.controller.abort(this.callerSignal.reason);
        this.callerSignal.addEventListener('abort', this.onAbort, { once: true });
      }
    }
    if (Number.isFinite(ms) && !this.controller.signal.aborted) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.controller.abort(new LookerTimeoutError(`The request took longer than timeoutMs (${timeoutMs} ms)`, { timeoutMs }));
      }, Math.max(ms, 1));
    }
  }

  get signal() {
    return this.controller.signal;
  }

  get aborted() {
    return this.controller.signal.aborted;
  }

  get reason() {
    return this.controller.signal.reason;
  }

  release() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.onAbort) this.callerSignal.removeEventListener('abort', this.onAbort);
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A promise that calls waiting for another call's login await; `open()` lets them go. */
class Latch {
  constructor() {
    this.promise = new Promise((resolve) => { this.open = resolve; });
  }
}

/** What the wasm's `Value` view asks of a value: its kind, as core/src/value.rs numbers them. */
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

export {
  requestInit, readAnswer, Deadline, sleep, Latch, kindOf, result,
  apiError, responseError, failedError, renderTimeoutError, notReadyError, networkError,
};
