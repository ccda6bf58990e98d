// The TypeScript that wasm-bindgen cannot derive: the open status union, the
// one-of render request, options that hold functions and signals. Appended to
// the package's index.d.ts (src/lib.rs includes it); the models (RenderTask,
// ValidationErrorDetail) come from the core's serde types through tsify, and
// the error classes from js/errors.js.
/** A render task's status; a status this client does not know is passed through. */
export type RenderTaskStatus =
  | 'enqueued_for_query'
  | 'querying'
  | 'enqueued_for_render'
  | 'rendering'
  | 'success'
  | 'failure'
  | (string & {});

/** Options of `new LookerClient(...)`. */
export interface LookerClientOptions {
  /** The Looker API host, as the Looker SDKs' `base_url`: `https://acme.looker.com:19999`. `/api/4.0` is appended unless present. */
  baseUrl: string;
  /** An API access token, sent as `Authorization: token <accessToken>`. */
  accessToken?: string;
  /** Returns the current access token; called before each request (for hosts that own the session). */
  getAccessToken?: () => string | Promise<string>;
  /** API credentials (Looker's client id): the client logs in, and renews its token before it expires. */
  clientId?: string;
  /** API credentials (Looker's client secret); never sent anywhere but the login's form body. */
  clientSecret?: string;
  /** Allows plain http to a host other than this machine (default false: tokens must not travel in clear text). */
  allowInsecureHttp?: boolean;
  /** The `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Deadline of each call in milliseconds, retries and body included (default 120000); `Infinity` for none (requests then carry only the caller's `signal`). */
  timeoutMs?: number;
  /** How many times a failed request may be repeated (default 3). Reads repeat on 429, 502, 503, 504 and network errors; creates only on 429. */
  maxRetries?: number;
  /** The largest render result accepted, in bytes (default 256 MiB). */
  maxResultBytes?: number;
  /** Signs a user in from a web app with OAuth 2 and PKCE (`startOAuthLogin`, `completeOAuthLogin`). */
  oauth?: OAuthOptions;
}

/** The OAuth app a web app signs its users in through, as a Looker admin registered it. */
export interface OAuthOptions {
  /** The app's `client_guid` in Looker's OAuth client apps. */
  clientId: string;
  /** The page Looker sends the browser back to, exactly as registered (`https://app.example.com/signed-in`). */
  redirectUri: string;
  /** The Looker web UI, where users sign in: `https://acme.looker.com` (the API host in `baseUrl` may differ, e.g. port 19999). */
  lookerUrl: string;
}

/** Options of a single call. */
export interface CallOptions {
  /** Only these properties: `'id,status'` or `['id', 'status']`. */
  fields?: string | string[];
  /** Aborts the call; it rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of `waitForRenderTask` and `render`. */
export interface WaitOptions {
  /** Stops waiting at once; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Gives up after this many milliseconds with a `RenderTimeoutError` (default 600000). */
  timeoutMs?: number;
  /** Called once per status change, in order, with the task. */
  onProgress?: (task: RenderTask) => void;
}

export type ResultFormat = 'png' | 'jpg' | 'pdf';
export type PdfPaperSize = 'letter' | 'legal' | 'tabloid' | 'a0' | 'a1' | 'a2' | 'a3' | 'a4' | 'a5';

/**
 * Dashboard filters as an object: each filter's name and its value (a Looker
 * filter expression such as `'7 days'` or `'>= 100'`), or an array of values.
 * Written as Looker's dashboard URLs write them: names and values
 * percent-encoded, several values joined with commas, a comma inside one
 * value escaped as `^,`; anything else, a caret included, is Looker's filter
 * expression as given.
 */
export type DashboardFilters = Record<string, string | number | ReadonlyArray<string | number>>;

/** The body of Looker's "Create Dashboard Render Task". Members this type lacks are sent on as given (a newer Looker may take more). */
export interface CreateDashboardRenderTask {
  /**
   * Filter values to apply to the dashboard queries: an object
   * (`{ Region: 'EMEA', 'Order Date': '7 days', Tags: ['a,b', 'c'] }`), or
   * the URL query string Looker takes, sent as it is
   * (`'Region=EMEA&Order%20Date=7%20days'`).
   */
  dashboard_filters?: string | DashboardFilters;
  /** Dashboard layout style. */
  dashboard_style?: 'tiled' | 'single_column';
  /** IDs of tabs to render (ID on a UDD and a tab label on LookML dashboards). */
  tab_ids?: string[];
}

/** The dashboard-only parameters of a render. */
export interface DashboardRenderOptions {
  body?: CreateDashboardRenderTask;
  pdf_paper_size?: PdfPaperSize;
  pdf_landscape?: boolean;
  long_tables?: boolean;
  /** Theme to apply; renders the embedded version of the dashboard. */
  theme?: string;
}

/** `createDashboardRenderTask`'s request. */
export interface DashboardRenderTaskRequest extends DashboardRenderOptions {
  dashboard_id: string;
  result_format: ResultFormat;
  width: number;
  height: number;
  fields?: string | string[];
}

type ImageSize = { result_format: 'png' | 'jpg'; width: number; height: number };

/** What `render` renders: exactly one id, a format that fits it, and a size. */
export type RenderRequest =
  | (ImageSize & { look_id: string; query_id?: never; dashboard_id?: never; dashboard_element_id?: never })
  | (ImageSize & { query_id: string; look_id?: never; dashboard_id?: never; dashboard_element_id?: never })
  | (ImageSize & { dashboard_element_id: string; look_id?: never; query_id?: never; dashboard_id?: never })
  | (DashboardRenderOptions & { dashboard_id: string; result_format: ResultFormat; width: number; height: number; look_id?: never; query_id?: never; dashboard_element_id?: never });

/** A downloaded result: the bytes exactly as Looker sent them. */
export interface RenderTaskResults {
  bytes: Uint8Array;
  /** `image/png`, `image/jpeg` or `application/pdf`. */
  contentType: string;
}

/** What `render` resolves with. */
export interface RenderResult extends RenderTaskResults {
  /** The finished task. */
  task: RenderTask;
}

/** Options of `renderAll` and `renderMany`. */
export interface BatchOptions {
  /** Renders in flight at once, 1 to 64 (default 2: Looker's renderer runs two jobs at once by default). */
  concurrency?: number;
  /** Gives up on one render after this many milliseconds (default 600000); the others go on. */
  timeoutMs?: number;
  /** Stops the whole batch at once: `renderAll` rejects, `renderMany`'s loop throws, with the signal's reason. */
  signal?: AbortSignal;
  /** Called once per status change of each render, with its index in `requests`. */
  onProgress?: (index: number, task: RenderTask) => void;
}

/** How one render of a batch ended: its result, or the error `render` would have rejected with. */
export type RenderOutcome =
  | ({ ok: true } & RenderResult)
  | { ok: false; error: Error };

/** A client for Looker's render-task API. */
export declare class LookerClient {
  /** Creates a client; checks the options, sends nothing. */
  constructor(options: LookerClientOptions);
  /**
   * Logs in now with the client's API credentials. Optional: calls log in on
   * demand. Resolves at once for the other ways to authenticate.
   */
  login(): Promise<void>;
  /**
   * Looker's "Logout" (`DELETE /logout`; with OAuth `DELETE /api/logout`,
   * which ends the grant) for the token in hand, then forgets it.
   * Credentials log in again on the next call; an OAuth client needs a new sign-in.
   */
  logout(): Promise<void>;
  /**
   * Starts signing the user in with OAuth (PKCE): makes a verifier and state
   * with Web Crypto, keeps them in sessionStorage for the redirect page, and
   * resolves with the URL of Looker's sign-in page, for the app to navigate to.
   * Rejects with `LookerOAuthError` (`no_web_crypto`) on a page that is not
   * secure, and `TypeError` on a client without the `oauth` option.
   */
  startOAuthLogin(): Promise<string>;
  /**
   * On the redirect page, given `location.href`: checks the redirect (state,
   * code, `?error=`) against what this tab kept, then redeems the code. From
   * then on every call is signed in as the user; tokens stay in memory and
   * are refreshed before they expire. Rejects with `LookerOAuthError`
   * (`access_denied`, `state_mismatch`, `no_login_pending`, `invalid_grant`, ...)
   * without a token request when the redirect fails a check.
   */
  completeOAuthLogin(url: string): Promise<void>;
  /** Looker's "Get Render Task": `GET /render_tasks/{render_task_id}`. */
  renderTask(renderTaskId: string, options?: CallOptions): Promise<RenderTask>;
  /** Looker's "Create Look Render Task": renders a look to png or jpg. */
  createLookRenderTask(lookId: string, resultFormat: 'png' | 'jpg', width: number, height: number, options?: CallOptions): Promise<RenderTask>;
  /** Looker's "Create Query Render Task": renders a query to png or jpg. */
  createQueryRenderTask(queryId: string, resultFormat: 'png' | 'jpg', width: number, height: number, options?: CallOptions): Promise<RenderTask>;
  /** Looker's "Create Dashboard Element Render Task": renders one tile to png or jpg. */
  createDashboardElementRenderTask(dashboardElementId: string, resultFormat: 'png' | 'jpg', width: number, height: number, options?: CallOptions): Promise<RenderTask>;
  /** Looker's "Create Dashboard Render Task": renders a dashboard to pdf, png or jpg. */
  createDashboardRenderTask(request: DashboardRenderTaskRequest, options?: { signal?: AbortSignal }): Promise<RenderTask>;
  /**
   * Looker's "Render Task Results": the rendered bytes, exactly as sent.
   * Rejects with `RenderNotReadyError` while the task is not finished (202).
   */
  renderTaskResults(renderTaskId: string, options?: { signal?: AbortSignal }): Promise<RenderTaskResults>;
  /**
   * Polls a render task until it succeeds (resolves with the task) or fails
   * (rejects with `RenderTaskFailedError`), backing off as it goes.
   */
  waitForRenderTask(renderTaskId: string, options?: WaitOptions): Promise<RenderTask>;
  /** The whole job: create a render task, wait for it, download the result. */
  render(request: RenderRequest, options?: WaitOptions): Promise<RenderResult>;
  /**
   * Renders many, `concurrency` at a time, sharing the client's login,
   * backoff and retry budget: resolves in input order with one outcome per
   * request. One failure never rejects the whole; it rejects only on a bad
   * request (a `TypeError`/`RangeError` naming its index, before anything is
   * sent) or when `signal` aborts.
   */
  renderAll(requests: readonly RenderRequest[], options?: BatchOptions): Promise<RenderOutcome[]>;
  /**
   * The same work as `renderAll`, yielding each outcome with its `index` as
   * it finishes. Leaving the loop early cancels the renders still going.
   * Throws at once on a bad request.
   */
  renderMany(requests: readonly RenderRequest[], options?: BatchOptions): AsyncGenerator<RenderOutcome & { index: number }, void, undefined>;
}
