// The I/O loop of every call. The Rust core decides each step (what to
// send, how long to sleep, when a token is needed, what to report, how the
// call ends: core/src/call.rs); this loop only does it, with fetch and
// timers, and feeds back what happened. src/lib.rs starts it for each call.

// The events the core's `Call::step` takes (src/lib.rs reads these numbers).
const START = 0;
const ANSWER = 1;
const NO_ANSWER = 2;
const TOKEN = 3;
const WOKE = 4;
const EXPIRED = 5;
const TIMED_OUT = 6;

// The steps it answers with.
const SEND = 0;
const SLEEP = 1;
const ASK_TOKEN = 2;
const AWAIT_LOGIN = 3;
const PROGRESS = 4;
const RESOLVE = 5;
const REJECT = 6;

/** A step to send a request. */
const sendStep = (settled, method, url, authorization, contentType, body, bytesLimit, remainingMs) => ({
  kind: SEND, settled, method, url, authorization, contentType, body, bytesLimit, remainingMs,
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
  const job = deadlineMs === undefined ? null : new Deadline(callerSignal, deadlineMs);
  const signal = job ? job.signal : callerSignal;
  const expired = () => job !== null && job.timedOut;
  let event = START;
  let value;
  let answer;
  let crossOrigin;
  try {
    for (;;) {
      const next = answer === undefined ? call.step(event, value, 0, undefined, crossOrigin, 0, 0)
        : call.step(ANSWER, answer.body, answer.status, answer.contentType, answer.retryAfter, answer.kind, answer.size);
      if (next.settled) io.woke();
      value = undefined;
      answer = undefined;
      crossOrigin = undefined;
      switch (next.kind) {
        case SEND: {
          const request = new Deadline(signal, next.remainingMs);
          try {
            answer = await exchange(io.fetch, next, request);
          } catch (error) {
            if (expired()) event = EXPIRED;
            else if (request.timedOut) event = TIMED_OUT;
            else if (request.aborted) throw request.reason;
            else {
              event = NO_ANSWER;
              value = error;
              crossOrigin = pageOriginIfOther(next.url);
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

// What the body of an answer is: the core's `Body` variants.
const JSON_BODY = 0;
const NOT_JSON = 1;
const BYTES = 2;
const TOO_LARGE = 3;

/** The most a JSON body may weigh: a RenderTask or an error is a few KiB. */
const MAX_JSON_BYTES = 1024 * 1024;

/**
 * One request out, its whole answer in, under `deadline`: status, the two
 * headers the core parses, and the body — bytes for a 2xx when `bytesLimit`
 * is given (>= 0), otherwise JSON, parsed here, once, for the core to check.
 * A body larger than its limit is cancelled, which releases the connection.
 */
async function exchange(fetch, request, deadline) {
  const headers = {};
  if (request.authorization !== undefined) headers.authorization = request.authorization;
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  const init = {
    method: request.method, headers, body: request.body,
    // Made only if the fetch asks for it (see Deadline). An own getter, so
    // that a wrapper's `{ ...init }` still carries it.
    get signal() {
      return deadline.signal;
    },
  };
  const response = await (fetch === undefined ? globalThis.fetch(request.url, init) : fetch(request.url, init));
  const status = response.status;
  const asBytes = request.bytesLimit >= 0 && status >= 200 && status < 300;
  const limit = asBytes ? request.bytesLimit : MAX_JSON_BYTES;
  const answer = {
    status, contentType: response.headers.get('content-type') ?? undefined,
    retryAfter: response.headers.get('retry-after') ?? undefined, kind: TOO_LARGE, body: undefined, size: limit,
  };
  // Without a declared length the body is read a chunk at a time, so that an
  // endless one stops at the cap.
  const declared = response.headers.get('content-length');
  const reader = declared === null ? response.body?.getReader?.() : undefined;
  let bytes;
  if (!reader) {
    if (Number(declared) > limit) {
      await response.body?.cancel?.().catch(() => {});
      return answer;
    }
    // A Response-like object from an injected fetch may have no stream.
    bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > limit) return answer;
  } else {
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return answer;
      }
      chunks.push(value);
    }
    bytes = chunks.length === 1 ? chunks[0] : concat(chunks, size);
  }
  if (asBytes) {
    answer.kind = BYTES;
    answer.body = bytes;
    return answer;
  }
  try {
    answer.body = JSON.parse(textDecoder.decode(bytes));
    answer.kind = JSON_BODY;
  } catch {
    answer.kind = NOT_JSON;
    answer.size = bytes.byteLength;
  }
  return answer;
}

const textDecoder = new TextDecoder();

/** The origin of the web page, when `url` is on another (a request the browser's CORS check may have stopped). */
function pageOriginIfOther(url) {
  const origin = globalThis.location?.origin;
  return origin && origin !== 'null' && !url.startsWith(`${origin}/`) ? origin : undefined;
}

function concat(chunks, size) {
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
 * or when `ms` run out (then `timedOut` is set, and the core says so), and is
 * released (listener removed, timer cleared) as soon as the work settles, so
 * nothing keeps a Node process alive. The controller and its signal are
 * made only when asked for: in Node making a signal costs more than the rest
 * of a call's own work, and a fetch that never looks at it should not pay for
 * it. Work with
 * no deadline (`timeoutMs: Infinity`) can only be ended by the caller's
 * signal, so it is given that one, or none: Node's fetch spends tens of
 * microseconds of CPU on each request's signal.
 */
class Deadline {
  constructor(callerSignal, ms) {
    this.controller = undefined;
    this.callerSignal = callerSignal;
    this.timer = undefined;
    this.timedOut = false;
    this.aborted = false;
    this.reason = undefined;
    this.onAbort = undefined;
    if (callerSignal?.aborted) this.abort(callerSignal.reason);
    else if (callerSignal) {
      this.onAbort = () => this.abort(callerSignal.reason);
      callerSignal.addEventListener('abort', this.onAbort, { once: true });
    }
    if (Number.isFinite(ms) && !this.aborted) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.abort(new DOMException('The deadline passed', 'TimeoutError'));
      }, Math.max(ms, 1));
    }
  }

  get signal() {
    if (this.timer === undefined && !this.aborted) return this.callerSignal;
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason) {
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }

  release() {
    clearTimeout(this.timer);
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

export { Io, drive, sendStep, step };
