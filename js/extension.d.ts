// Types of `looker-render/extension`. No dependency on @looker/extension-sdk
// or @looker/sdk: their objects are described by what this module uses.

/**
 * The extension SDK's connection to the Looker host: `extensionSDK` from
 * `connectExtensionHost()` or `ExtensionContext`. Typed as the SDK's public
 * `ExtensionSDK` does (which does not list `invokeCoreSdkRaw`, though the
 * object has it); the call checks for `invokeCoreSdkRaw` when it runs.
 */
export interface ExtensionHostConnection {
  verifyHostConnection(): Promise<boolean>;
  lookerHostData?: Readonly<{ hostUrl?: string }> | undefined;
}

/** A Looker40SDK (`core40SDK` in an extension, or one with its own session). */
export interface LookerSdkLike {
  readonly apiPath?: string;
  authSession: {
    settings?: unknown;
    authenticate(init: any): Promise<any>;
    transport: {
      rawRequest(method: any, path: string, queryParams?: any, body?: any, authenticator?: any, options?: any): Promise<any>;
    };
  };
}

/**
 * A `fetch` that sends Looker API 4.0 requests through the extension's Looker
 * host (or a Looker40SDK's transport). For `new LookerClient({ fetch })`.
 * Throws a `TypeError` at once when `sdk` is neither.
 */
export function extensionFetch(sdk: ExtensionHostConnection | LookerSdkLike): typeof fetch;

/** `{ baseUrl, fetch }` for `new LookerClient(...)` inside an extension. */
export function extensionClientOptions(sdk: ExtensionHostConnection | LookerSdkLike): { baseUrl: string; fetch: typeof fetch };
