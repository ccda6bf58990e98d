// Abort and deadline plumbing for the wasm layer: one AbortSignal per call
// that fires on the caller's signal or on the deadline, and is released
// (listener removed, timer cleared) as soon as the call settles, so nothing
// keeps a Node process alive.

import { LookerTimeoutError } from './errors.js';

class Deadline {
  constructor(callerSignal, timeoutMs) {
    this.controller = new AbortController();
    this.callerSignal = callerSignal ?? null;
    this.timer = null;
    this.timedOut = false;
    this.onAbort = () => this.controller.abort(this.callerSignal.reason);
    if (this.callerSignal) {
      if (this.callerSignal.aborted) this.controller.abort(this.callerSignal.reason);
      else this.callerSignal.addEventListener('abort', this.onAbort, { once: true });
    }
    if (timeoutMs > 0 && Number.isFinite(timeoutMs) && !this.controller.signal.aborted) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        const message = `The request took longer than timeoutMs (${timeoutMs} ms)`;
        this.controller.abort(new LookerTimeoutError(message, { timeoutMs }));
      }, timeoutMs);
    }
  }

  get signal() {
    return this.controller.signal;
  }

  /** Whether it fired; then `reason` is what to reject with. */
  get aborted() {
    return this.controller.signal.aborted;
  }

  get reason() {
    return this.controller.signal.reason;
  }

  release() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.callerSignal?.removeEventListener('abort', this.onAbort);
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

export { Deadline, sleep };
