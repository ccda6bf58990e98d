// The I/O loop of every call. The Rust core decides each step (what to
// send, how long to sleep, when a token is needed, what to report, how the
// call ends: core/src/call.rs); this loop only does it, with fetch and
// timers, and feeds back what happened. src/lib.rs starts it for each call.

import { LookerTimeoutError } from './errors.js';

// The events the core's `Call::step` takes (src/call.rs reads these numbers).
const START = 0;
const ANSWER = 1;
const NO_ANSWER = 2;
const TOKEN = 3;
const WOKE = 4;
const EXPIRED = 5;

// The steps it answers with.
const SEND = 0;
const SLEEP = 1;
const ASK_TOKEN = 2;
const AWAIT_LOGIN = 3;
const PROGRESS = 4;
const RESOLVE = 5;
const REJECT = 6;

/** A step to send a request. */
const sendStep = (settled, method, url, authorization, contentType, body, bytesLimit, remainingMs, timeoutMs) => ({
  kind: SEND, settled, method, url, authorization, contentType, body, bytesLimit, remainingMs, timeoutMs,
});

/** Any other step: `value` is the task, result or error; `ms` a sleep's length. */
const step = (kind, settled, value, ms) => ({ kind, settled, value, ms });

/** A client's I/O: its fetch and token callback, and the calls waiting for a login. */
class Io {
  constructor(fetch, getAccessToken) {
    this.fetch = fetch;
    this.getAccessToken = getAccessToken;
    this.waiting = null;
  }

  /** Resolves when a login of this client settles. */
  loginSettled() {
    this.waiting ??= new Promise((resolve) => { this.wake = resolve; });
    return this.waiting;
  }

  /** Lets the calls waiting for a login go on. */
  woke() {
    if (this.waiting) this.wake();
    this.waiting = null;
  }
}

/**
 * Runs `call` to its end: resolves with its value or rejects with its error.
 * A wait or render has `deadlineMs` over all its requests; each request has
 * the deadline the core gives it.
 */
async function drive(io, call, callerSignal, onProgress, deadlineMs) {
  const job = deadlineMs === undefined ? null : deadline(callerSignal, deadlineMs, deadlineMs);
  const signal = job ? job.signal : callerSignal;
  const expired = () => job !== null && job.timedOut();
  let event = START;
  let value;
  let answer;
  try {
    for (;;) {
      const next = answer === undefined ? call.step(event, value)
        : call.step(ANSWER, answer.body, answer.status, answer.contentType, answer.retryAfter, answer.kind, answer.size);
      if (next.settled) io.woke();
      value = undefined;
      answer = undefined;
      switch (next.kind) {
        case SEND: {
          const request = deadline(signal, next.remainingMs, next.timeoutMs);
          try {
            answer = await exchange(io.fetch, next, request.signal);
          } catch (error) {
            if (expired()) event = EXPIRED;
            else if (request.signal.aborted) throw request.signal.reason;
            else {
              event = NO_ANSWER;
              value = error;
            }
          } finally {
            request.release();
          }
          break;
        }
        case SLEEP:
          try {
            await sleep(next.ms, signal);
            event = WOKE;
          } catch (reason) {
            if (!expired()) throw reason;
            event = EXPIRED;
          }
          break;
        case ASK_TOKEN:
          value = await io.getAccessToken();
          event = TOKEN;
          break;
        case AWAIT_LOGIN:
          await io.loginSettled();
          event = WOKE;
          break;
        case PROGRESS:
          onProgress?.(next.value);
          event = WOKE;
          break;
        case RESOLVE:
          return next.value;
        default:
          throw next.value;
      }
    }
  } finally {
    job?.release();
    // However the call ended, it holds no login any more.
    if (call.cancel()) io.woke();
    call.free();
  }
}

/** One request out, its whole answer in. */
async function exchange(fetch, request, signal) {
  const headers = {};
  if (request.authorization !== undefined) headers.authorization = request.authorization;
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  const init = { method: request.method, headers, body: request.body, signal };
  const response = await (fetch === undefined ? globalThis.fetch(request.url, init) : fetch(request.url, init));
  return readAnswer(response, request.bytesLimit);
}

// What `readAnswer` found in the body: the core's `Body` variants.
const JSON_BODY = 0;
const NOT_JSON = 1;
const BYTES = 2;
const TOO_LARGE = 3;

/** The most a JSON body may weigh: a RenderTask or an error is a few KiB. */
const MAX_JSON_BYTES = 1024 * 1024;

/**
 * Reads a Response: status, the two headers the core parses, and the body —
 * bytes for a 2xx when `bytesLimit` is given (>= 0), otherwise JSON, parsed
 * here, once, for the core to check.
 */
async function readAnswer(response, bytesLimit) {
  const { status, headers } = response;
  const asBytes = bytesLimit >= 0 && status >= 200 && status < 300;
  const limit = asBytes ? bytesLimit : MAX_JSON_BYTES;
  const answer = {
    status, contentType: headers.get('content-type') ?? undefined, retryAfter: headers.get('retry-after') ?? undefined,
    kind: TOO_LARGE, body: undefined, size: limit,
  };
  const bytes = await readBytes(response, limit);
  if (bytes === null) return answer;
  if (asBytes) {
    answer.kind = BYTES;
    answer.body = bytes;
    return answer;
  }
  try {
    answer.body = JSON.parse(new TextDecoder().decode(bytes));
    answer.kind = JSON_BODY;
  } catch {
    answer.kind = NOT_JSON;
    answer.size = bytes.byteLength;
  }
  return answer;
}

/**
 * The body's bytes, or null when there are more than `limit`: a body over
 * the cap is cancelled, which releases the connection.
 */
async function readBytes(response, limit) {
  const declared = response.headers.get('content-length');
  // Without a declared length the body is read a chunk at a time, so that an
  // endless one stops at the cap.
  const reader = declared === null ? response.body?.getReader?.() : undefined;
  if (!reader) {
    if (Number(declared) > limit) {
      await response.body?.cancel?.().catch(() => {});
      return null;
    }
    // A Response-like object from an injected fetch may have no stream.
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
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * One abort signal for a request or a job: it fires on the caller's signal
 * or when `ms` run out (with a LookerTimeoutError naming `timeoutMs`), and is
 * released (listener removed, timer cleared) as soon as the work settles, so
 * nothing keeps a Node process alive.
 */
function deadline(callerSignal, ms, timeoutMs) {
  const controller = new AbortController();
  const { signal } = controller;
  const onAbort = () => controller.abort(callerSignal.reason);
  let timer;
  let timedOut = false;
  if (callerSignal?.aborted) onAbort();
  else callerSignal?.addEventListener('abort', onAbort, { once: true });
  if (Number.isFinite(ms) && !signal.aborted) {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new LookerTimeoutError(`The request took longer than timeoutMs (${timeoutMs} ms)`, { timeoutMs }));
    }, Math.max(ms, 1));
  }
  return {
    signal,
    timedOut: () => timedOut,
    release() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    },
  };
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

export { Io, drive, sendStep, step };
