// looker-render/extension: LookerClient inside a Looker extension.
//
// An extension page runs in a sandboxed iframe with no API token: it cannot
// call the Looker API with `fetch`. Calls go to the Looker page around it (the
// "host"), which makes them with the user's session, through
// @looker/extension-sdk. extensionFetch() turns that host connection into a
// `fetch` for LookerClient's `fetch` option, so the same client (the same
// polling, deadlines, errors and bytes) runs there too:
//
//   import { LookerClient } from 'looker-render';
//   import { extensionClientOptions } from 'looker-render/extension';
//   const looker = new LookerClient(extensionClientOptions(extensionSDK));
//
// How the host is asked: `invokeCoreSdkRaw(method, path, params, body, '4.0')`
// of the extension SDK's host API (the object `connectExtensionHost()`
// resolves with, `extensionSDK` in ExtensionContext), which sends a
// RAW_INVOKE_CORE_SDK request and answers with @looker/sdk-rtl's raw response:
// `{ ok, statusCode, statusMessage, contentType, headers, body }`, `body` a
// string for JSON and text and a Blob for images and PDFs (the host's
// BrowserTransport reads binary types with `res.blob()`). The raw call is
// used, not INVOKE_CORE_SDK, because the client needs the status (202 while a
// result is not ready, 429 and Retry-After) and the bytes as sent.
//
// A Looker40SDK works too (`core40SDK` in an extension, or any SDK instance
// with a session): its transport's `rawRequest` is called with its own
// authenticator, so the SDK's login is shared.
//
// No dependency on @looker/extension-sdk: it is duck-typed.

const API_PATH = /\/api\/4\.0(?=\/|$)/;
const NO_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const FALLBACK_BASE_URL = 'https://looker-extension.invalid';
const PREFIX = 'looker-render/extension';

/** The function that asks the host: (method, path, params, body) => raw response. */
function invokerOf(sdk) {
  if (sdk && typeof sdk.invokeCoreSdkRaw === 'function') {
    // The extension SDK's host API. Its implementation takes (method, path,
    // params, body, apiVersion), in this order, and sends them by name (its
    // .d.ts names the third and fourth the other way round; SdkConnection,
    // the SDK's own caller, passes params third as here).
    return (method, path, params, body) => sdk.invokeCoreSdkRaw(method, path, params, body, '4.0');
  }
  const session = sdk && sdk.authSession;
  if (session && session.transport && typeof session.transport.rawRequest === 'function') {
    // A Looker40SDK: as its own get()/post() do (APIMethods.authRequest), with
    // the path under its apiPath ('' in an extension, where the host adds it).
    const authenticator = (init) => session.authenticate(init);
    return (method, path, params, body) =>
      session.transport.rawRequest(method, `${sdk.apiPath || ''}${path}`, params, body, authenticator, { ...session.settings });
  }
  throw new TypeError(`${PREFIX}: extensionFetch needs the extension SDK's host connection (extensionSDK from connectExtensionHost() or ExtensionContext) or a Looker40SDK (core40SDK)`);
}

/** Rejects with the signal's reason as soon as it aborts: the host call itself cannot be stopped. */
function abortable(promise, signal) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

/** The request body as the host's transport wants it: JSON as an object (it stringifies it and sets Content-Type). */
function bodyOf(init, headers) {
  const body = init.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'string') throw new TypeError(`${PREFIX}: only string bodies can go through the Looker host`);
  if (body === '') return undefined;
  if (/\bjson\b/i.test(headers.get('content-type') || '')) return JSON.parse(body);
  return body;
}

const isBlob = (value) => typeof Blob !== 'undefined' && value instanceof Blob;
const isBinaryType = (contentType) => /^(image|audio|video|font)\/|^application\/(pdf|octet-stream|zip)\b/i.test(contentType || '');

/** A raw response's body as something `new Response()` takes, bytes intact. */
function bodyInit(body, contentType) {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') {
    if (!isBinaryType(contentType)) return body;
    // A binary result the host sent as a string: only a "binary string" (one
    // char a byte) still holds the bytes; text decoded as UTF-8 has lost them.
    const bytes = new Uint8Array(body.length);
    for (let i = 0; i < body.length; i++) {
      const code = body.charCodeAt(i);
      if (code > 0xff) throw new TypeError(`${PREFIX}: the Looker host returned a ${contentType} result as text; its bytes are lost`);
      bytes[i] = code;
    }
    return bytes;
  }
  if (isBlob(body) || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body;
  return JSON.stringify(body); // an object the host already parsed
}

/** A @looker/sdk-rtl raw response (`IRawResponse`) as a fetch `Response`. */
function responseOf(raw) {
  if (!raw || typeof raw !== 'object' || !Number.isInteger(raw.statusCode)) {
    throw new TypeError(`${PREFIX}: the Looker host answered without an HTTP response`, { cause: raw });
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw.headers || {})) {
    try {
      headers.append(name, String(value));
    } catch { /* a header fetch itself would not accept: drop it */ }
  }
  // BrowserTransport records a missing Content-Type as the string 'null'.
  const contentType = typeof raw.contentType === 'string' && raw.contentType !== 'null' ? raw.contentType : null;
  if (contentType && !headers.has('content-type')) headers.set('content-type', contentType);
  const status = raw.statusCode;
  const body = NO_BODY_STATUS.has(status) ? null : bodyInit(raw.body, headers.get('content-type'));
  const statusText = typeof raw.statusMessage === 'string' ? raw.statusMessage : '';
  if (status >= 200 && status <= 599) return new Response(body, { status, statusText, headers });
  // Outside what `Response` accepts: a minimal stand-in with the same reads.
  const read = body === null ? new Response(null) : new Response(body);
  return {
    ok: false, status, statusText, headers, url: '', redirected: false, type: 'default', bodyUsed: false,
    text: () => read.text(), arrayBuffer: () => read.arrayBuffer(), json: () => read.json(), blob: () => read.blob(),
  };
}

/**
 * A `fetch` that sends Looker API 4.0 requests through the Looker host of an
 * extension (or through a Looker40SDK's transport) instead of the network.
 * It takes the URLs LookerClient makes (`<any base>/api/4.0/<path>?<query>`);
 * the origin is ignored, the host decides where the API is. Authorization
 * headers are dropped: the host authenticates. An aborted `init.signal`
 * rejects at once with its reason.
 */
function extensionFetch(sdk) {
  const invoke = invokerOf(sdk);
  return async function fetchThroughLookerHost(input, init = {}) {
    const signal = init.signal || undefined;
    if (signal && signal.aborted) throw signal.reason;
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const api = API_PATH.exec(url.pathname);
    if (!api) throw new TypeError(`${PREFIX}: ${url.pathname} is not a Looker API 4.0 path`);
    const path = url.pathname.slice(api.index + api[0].length) || '/';
    const params = url.search ? Object.fromEntries(url.searchParams) : undefined;
    const method = (init.method || 'GET').toUpperCase();
    const body = bodyOf(init, new Headers(init.headers || {}));
    const raw = await abortable(Promise.resolve().then(() => invoke(method, path, params, body)), signal);
    return responseOf(raw);
  };
}

/**
 * Options for `new LookerClient(...)` inside an extension: a `baseUrl` (the
 * host's URL when it says, a placeholder otherwise: it only shows in
 * messages) and the `fetch` above. Spread it to add `timeoutMs`.
 */
function extensionClientOptions(sdk) {
  const hostUrl = sdk && sdk.lookerHostData && sdk.lookerHostData.hostUrl;
  const baseUrl = typeof hostUrl === 'string' && /^https?:\/\//i.test(hostUrl) ? hostUrl : FALLBACK_BASE_URL;
  return { baseUrl, fetch: extensionFetch(sdk) };
}

export { extensionFetch, extensionClientOptions };
