// The HTTP requests of one run, seen through the fetch the CLI hands the
// client. Each request's outcome is kept, so that a failure can say which
// request it was (a login, a create, a download); with `print` (--verbose)
// each is printed as it goes:
//   > GET https://acme.looker.com:19999/api/4.0/render_tasks/abc
//   < 200 application/json 1.2 KiB in 35 ms
// Only the method, the URL (without any user:password@) and the answer's
// status, type, size and time: never a header (the Authorization header
// carries the token) and never a body (the login's carries the secret).

/** `93 B`, `1.2 KiB`, `3.4 MiB`. */
export function byteSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The URL as printed: no user:password@ in it, whatever it was given. */
export function printableUrl(url) {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return String(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return String(url);
  }
}

/** Why a request got no answer, in a word or two: ECONNREFUSED, TimeoutError, … */
function reason(error) {
  // Node's codes are words (ECONNREFUSED, UND_ERR_SOCKET); a DOMException's are numbers.
  return [error?.cause?.code, error?.code].find((code) => typeof code === 'string') ?? error?.name ?? 'Error';
}

/** The `>` line of a request. */
export const requestLine = (entry) => `> ${entry.method} ${entry.url}`;

/** The `<` line of its answer, as far as it got. */
export function answerLine(entry, now = Date.now()) {
  const ms = (entry.endedAt ?? now) - entry.startedAt;
  if (entry.status === null) {
    return entry.error ? `< no answer after ${ms} ms (${reason(entry.error)})` : `< no answer yet after ${ms} ms`;
  }
  const type = entry.contentType?.split(';')[0].trim() || 'no content type';
  if (entry.endedAt === null) return `< ${entry.status} ${type}, body not all read after ${ms} ms`;
  if (entry.size === null) return `< ${entry.status} ${type} in ${ms} ms`; // not counted (no --verbose)
  if (entry.error) return `< ${entry.status} ${type}, cut off after ${byteSize(entry.size)} (${reason(entry.error)}) in ${ms} ms`;
  return `< ${entry.status} ${type} ${byteSize(entry.size)} in ${ms} ms`;
}

/** The login of API credentials (`POST /api/4.0/login`). */
export const isLogin = (entry) => entry.method === 'POST' && /\/login$/.test(new URL(entry.url, 'http://x').pathname);

/**
 * A fetch for `new LookerClient({ fetch })` that keeps each request's outcome
 * (`entries`, in order) and, with `print`, prints it. With `print` the body is
 * passed through a counter, so that the answer line has its size and the time
 * of the whole exchange; without, the answer is untouched.
 */
export function requestLog({ print = null, fetch = globalThis.fetch, now = Date.now } = {}) {
  const entries = [];
  const settle = (entry, size, error) => {
    if (entry.endedAt !== null) return;
    entry.endedAt = now();
    entry.size = size;
    entry.error = error ?? null;
    print?.(answerLine(entry));
  };

  const loggingFetch = async (input, init) => {
    const entry = {
      method: (init?.method ?? input?.method ?? 'GET').toUpperCase(),
      url: printableUrl(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url),
      startedAt: now(), endedAt: null, status: null, contentType: null, size: null, error: null,
    };
    entries.push(entry);
    print?.(requestLine(entry));
    let response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      settle(entry, null, error);
      throw error;
    }
    entry.status = response.status;
    entry.contentType = response.headers.get('content-type');
    if (!print || !response.body) {
      settle(entry, print ? 0 : null);
      return response;
    }
    return counted(response, (size, error) => settle(entry, size, error));
  };

  return { fetch: loggingFetch, entries, last: () => entries.at(-1) ?? null };
}

/** The same answer, its body counted as it is read; `done(size, error?)` once it ends, fails or is cancelled. */
function counted(response, done) {
  const reader = response.body.getReader();
  let size = 0;
  const body = new ReadableStream({
    async pull(controller) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (error) {
        done(size, error);
        controller.error(error);
        return;
      }
      if (chunk.done) {
        done(size);
        controller.close();
      } else {
        size += chunk.value.byteLength;
        controller.enqueue(chunk.value);
      }
    },
    cancel(why) {
      done(size, { name: 'cancelled' });
      return reader.cancel(why);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
