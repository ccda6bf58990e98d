//! The JS surface: `LookerClient`, over `fetch`. Everything here is I/O and
//! conversion; the rules live in the core modules.

mod args;
mod http;
mod js;
mod render;
mod session;

use crate::auth::{self, AuthMode, AuthOptions};
use crate::models::RenderTask;
use crate::request::{self, ApiBase, ArgumentError};
use crate::response::{self, Failure, ResponseHead};
use crate::retry::RetryPolicy;
use args::Options;
use http::{Answer, Http, Payload, Scope};
use serde::de::{DeserializeOwned, IgnoredAny};
use session::{Auth, Login};
use std::rc::Rc;
use tsify::Ts;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
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
  /** Deadline of each call in milliseconds, retries and body included (default 120000). */
  timeoutMs?: number;
  /** How many times a failed request may be repeated (default 3). Reads repeat on 429, 502, 503, 504 and network errors; creates only on 429. */
  maxRetries?: number;
  /** The largest render result accepted, in bytes (default 256 MiB). */
  maxResultBytes?: number;
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

/** The body of Looker's "Create Dashboard Render Task". */
export interface CreateDashboardRenderTask {
  /** Filter values to apply to the dashboard queries, in URL query format: `'Region=EMEA&Date=7 days'`. */
  dashboard_filters?: string;
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

/** Base class of every error this package makes itself. */
export class LookerError extends Error {}

/** Looker answered with an error status (4xx/5xx). */
export class LookerApiError extends LookerError {
  constructor(message: string, details: { status: number; documentation_url?: string | null; errors?: ValidationErrorDetail[] | null }, options?: ErrorOptions);
  /** The HTTP status code. */
  readonly status: number;
  /** Looker's documentation link for the error, if it gave one. */
  readonly documentation_url: string | null;
  /** The details of a validation error (422). */
  readonly errors: ValidationErrorDetail[] | null;
}

/** A 2xx answer whose body is not what Looker's spec promises (an HTML page, cut-off JSON, a property of the wrong type). */
export class LookerResponseError extends LookerError {}

/** The request got no answer (refused or reset connection, DNS, CORS); the original error is in `cause`. */
export class LookerNetworkError extends LookerError {}

/** A request took longer than the client's `timeoutMs`. */
export class LookerTimeoutError extends LookerError {
  constructor(message: string, details: { timeoutMs: number }, options?: ErrorOptions);
  readonly timeoutMs: number;
}

/** A render task ended in `failure`; the message quotes Looker's `status_detail`. */
export class RenderTaskFailedError extends LookerError {
  constructor(message: string, details: { task: RenderTask }, options?: ErrorOptions);
  /** The failed task. */
  readonly task: RenderTask;
}

/** Waiting for a render took longer than its `timeoutMs`. */
export class RenderTimeoutError extends LookerTimeoutError {
  constructor(message: string, details: { timeoutMs: number; task?: RenderTask | null }, options?: ErrorOptions);
  /** The last task seen, if any. */
  readonly task: RenderTask | null;
}

/** The results are not ready yet (HTTP 202). */
export class RenderNotReadyError extends LookerError {
  constructor(message: string, details: { retryAfterMs?: number | null }, options?: ErrorOptions);
  /** How long Looker asked to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | null;
}
"#;

/// Default per-request deadline: long enough for a slow Looker, short enough
/// that a stalled connection does not hang a script.
const DEFAULT_TIMEOUT_MS: f64 = 120_000.0;

/// Default cap on a downloaded result: far above any real render, far below
/// what would exhaust a browser tab.
const DEFAULT_MAX_RESULT_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

struct Client {
    base: ApiBase,
    auth: Auth,
    http: Http,
}

/// A client for Looker's render-task API.
#[wasm_bindgen]
pub struct LookerClient {
    inner: Rc<Client>,
}

#[wasm_bindgen]
impl LookerClient {
    /// Creates a client; checks the options, sends nothing.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "LookerClientOptions")] options: JsValue,
    ) -> Result<LookerClient, JsValue> {
        Ok(Self::from_options(&options)?)
    }

    fn from_options(options: &JsValue) -> Result<LookerClient, ArgumentError> {
        let options = Options::new(options, "options")?;
        let base_url = options.string("baseUrl")?.ok_or_else(|| {
            ArgumentError::Type(
                "options.baseUrl is required: the Looker API host, such as https://acme.looker.com:19999".into(),
            )
        })?;
        let base = ApiBase::parse(&base_url)?;
        let timeout_ms =
            request::check_timeout("options.timeoutMs", options.number("timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS))?;
        let fetch = options.function("fetch")?;
        let access_token = options.string("accessToken")?;
        let get_access_token = options.function("getAccessToken")?;
        let client_id = options.string("clientId")?;
        let client_secret = options.string("clientSecret")?;
        let mode = auth::auth_mode(AuthOptions {
            access_token: access_token.is_some(),
            get_access_token: get_access_token.is_some(),
            client_id: client_id.is_some(),
            client_secret: client_secret.is_some(),
            fetch: fetch.is_some(),
        })?;
        if mode != AuthMode::Transport {
            auth::check_transport_security(&base, options.boolean("allowInsecureHttp")?.unwrap_or(false))?;
        }
        let max_retries = options.number("maxRetries")?.map(request::check_max_retries).transpose()?;
        let max_result_bytes =
            request::check_max_bytes(options.number("maxResultBytes")?.unwrap_or(DEFAULT_MAX_RESULT_BYTES))?;
        let default = RetryPolicy::default();
        let retry = RetryPolicy { max_retries: max_retries.unwrap_or(default.max_retries), ..default };
        let http = Http::new(fetch, timeout_ms, retry, max_result_bytes);
        let auth = match (mode, access_token, get_access_token, client_id, client_secret) {
            (AuthMode::Token, Some(token), ..) => {
                auth::check_secret("options.accessToken", &token)?;
                Auth::Token(Some(token).into())
            }
            (AuthMode::Callback, _, Some(get), ..) => Auth::Callback(get),
            (AuthMode::Credentials, _, _, Some(id), Some(secret)) => {
                auth::check_secret("options.clientId", &id)?;
                auth::check_secret("options.clientSecret", &secret)?;
                Auth::Credentials(Login::new(base.clone(), http.clone(), id, secret))
            }
            _ => Auth::Transport,
        };
        Ok(LookerClient { inner: Rc::new(Client { base, auth, http }) })
    }

    /// Logs in now with the client's API credentials. Optional: calls log in
    /// on demand. Resolves at once for the other ways to authenticate.
    pub async fn login(&self) -> Result<(), JsValue> {
        let client = Rc::clone(&self.inner);
        Ok(client.auth.login().await?)
    }

    /// Looker's "Logout" (`DELETE /logout`) for the token in hand, then forgets
    /// it. Credentials log in again on the next call.
    pub async fn logout(&self) -> Result<(), JsValue> {
        let client = Rc::clone(&self.inner);
        let Some(token) = client.auth.current() else {
            return Ok(());
        };
        let scope = Scope::new(None, client.http.timeout_ms);
        let answer = client.http.send(&request::logout(&client.base), Some(&token), &scope, false).await;
        client.auth.forget();
        let answer = answer?;
        if (200..300).contains(&answer.status) {
            Ok(())
        } else {
            Err(api_failure(&answer).into())
        }
    }

    /// Looker's "Get Render Task": `GET /render_tasks/{render_task_id}`.
    #[wasm_bindgen(js_name = renderTask)]
    pub async fn render_task(
        &self,
        #[wasm_bindgen(js_name = renderTaskId, unchecked_param_type = "string")] render_task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<Ts<RenderTask>, JsValue> {
        let client = Rc::clone(&self.inner);
        let options = options.unwrap_or_default();
        let options = Options::new(&options, "options")?;
        let id = args::id("renderTaskId", &render_task_id)?;
        let request = request::render_task(&client.base, &id, &options.fields()?)?;
        let signal = options.signal("signal")?;
        Ok(client.task(&request, signal.as_ref()).await?.to_js())
    }
}

/// How a call failed: as Looker or its response said (still inspectable,
/// for retries and waits), or already as the JS error to reject with.
enum CallError {
    /// An error status or a bad body, with the answer's `Retry-After`.
    Looker(Failure, Option<String>),
    /// Render results that are not ready (202), and how long to wait.
    NotReady(Option<f64>),
    /// An abort reason, a timeout, a network or argument error.
    Js(JsValue),
}

impl From<JsValue> for CallError {
    fn from(error: JsValue) -> Self {
        Self::Js(error)
    }
}

impl From<ArgumentError> for CallError {
    fn from(error: ArgumentError) -> Self {
        Self::Js(error.into())
    }
}

impl From<CallError> for JsValue {
    fn from(error: CallError) -> Self {
        match error {
            CallError::Looker(failure, _) => js::failure_error(failure),
            CallError::NotReady(retry_after_ms) => js::not_ready_error(retry_after_ms),
            CallError::Js(error) => error,
        }
    }
}

impl Client {
    /// Sends `request` and decodes its answer as a render task.
    async fn task(&self, request: &request::Request, signal: Option<&web_sys::AbortSignal>) -> Result<Task, CallError> {
        Task::decode(&self.send(request, signal, false).await?)
    }

    /// Sends `request` with the session's token. A 401 drops the token,
    /// gets a new one (one login for all concurrent calls) and repeats the
    /// request once; a second 401 is the caller's.
    async fn send(
        &self,
        request: &request::Request,
        signal: Option<&web_sys::AbortSignal>,
        binary: bool,
    ) -> Result<Answer, CallError> {
        let scope = Scope::new(signal, self.http.timeout_ms);
        let token = if request.authenticated { self.auth.token().await? } else { None };
        let answer = self.http.send(request, token.as_deref(), &scope, binary).await?;
        if answer.status != 401 || !request.authenticated || !self.auth.renew_after_401(token.as_deref()) {
            return Ok(answer);
        }
        let token = self.auth.token().await?;
        self.http.send(request, token.as_deref(), &scope, binary).await
    }
}

/// Decodes a JSON answer as `T`, keeping `Retry-After` with a failure.
fn decode<T: DeserializeOwned>(answer: &Answer, what: &str) -> Result<T, CallError> {
    let head = ResponseHead { status: answer.status, content_type: answer.content_type.as_deref() };
    let failed = |failure| CallError::Looker(failure, answer.retry_after.clone());
    match &answer.payload {
        Payload::Text(_, text) => response::decode_text(head, text, what).map_err(failed),
        Payload::Bytes(bytes) => {
            response::decode_text(head, &String::from_utf8_lossy(&bytes.to_vec()), what).map_err(failed)
        }
        Payload::TooLarge(limit) => Err(failed(Failure::Response(format!(
            "The response body is larger than {limit} bytes, more than any Looker JSON answer"
        )))),
    }
}

/// The failure a non-2xx answer is, whatever its body.
fn api_failure(answer: &Answer) -> CallError {
    match decode::<IgnoredAny>(answer, "response") {
        Err(error) => error,
        // A 2xx where an error was expected cannot come here; say so all the same.
        Ok(_) => CallError::Looker(Failure::Response(format!("Unexpected HTTP {}", answer.status)), None),
    }
}

/// A render task as decoded: the typed value the client reasons with, and
/// the server's own object, which that decoding checked, for the caller. No
/// second conversion: the caller gets exactly the JSON the server sent.
#[derive(Clone)]
struct Task {
    value: RenderTask,
    js: JsValue,
}

impl Task {
    /// Decodes a JSON answer as a RenderTask, and parses the same text in JS
    /// for the caller.
    fn decode(answer: &Answer) -> Result<Self, CallError> {
        let value = decode(answer, "RenderTask")?;
        let js = match &answer.payload {
            Payload::Text(text, _) => js::json_parse(text)?,
            _ => JsValue::NULL,
        };
        Ok(Self { value, js })
    }

    /// The task for the caller: a plain object, typed `RenderTask`.
    fn to_js(&self) -> Ts<RenderTask> {
        Ts::new_unchecked(self.js.clone())
    }
}
