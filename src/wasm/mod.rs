//! The JS surface: `LookerClient`, over `fetch`. Everything here is I/O and
//! conversion; the rules live in the core modules.

mod args;
mod http;
mod js;

use crate::models::RenderTask;
use crate::request::{self, ApiBase, ArgumentError};
use crate::response::{self, JsonBody, ResponseHead};
use args::Options;
use http::{Http, Payload};
use serde::Deserialize;
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
  /** The `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Per-request deadline in milliseconds, body included (default 120000). */
  timeoutMs?: number;
}

/** Options of a single call. */
export interface CallOptions {
  /** Only these properties: `'id,status'` or `['id', 'status']`. */
  fields?: string | string[];
  /** Aborts the call; it rejects with the signal's reason. */
  signal?: AbortSignal;
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
"#;

/// Default per-request deadline: long enough for a slow Looker, short enough
/// that a stalled connection does not hang a script.
const DEFAULT_TIMEOUT_MS: f64 = 120_000.0;

struct Client {
    base: ApiBase,
    access_token: Option<String>,
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
        Self::from_options(&options).map_err(js::argument_error)
    }

    fn from_options(options: &JsValue) -> Result<LookerClient, ArgumentError> {
        let options = Options::new(options, "options")?;
        let base_url = options
            .string("baseUrl")?
            .ok_or_else(|| ArgumentError::Type("options.baseUrl is required: the Looker API host, such as https://acme.looker.com:19999".into()))?;
        let base = ApiBase::parse(&base_url)?;
        let access_token = options.string("accessToken")?;
        if let Some(token) = &access_token {
            if token.is_empty() || token.chars().any(char::is_control) {
                return Err(ArgumentError::Type(
                    "options.accessToken must be a non-empty string without control characters"
                        .into(),
                ));
            }
        }
        let timeout_ms = options.number("timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS);
        if timeout_ms.is_nan() || timeout_ms <= 0.0 {
            return Err(ArgumentError::Range(format!(
                "options.timeoutMs must be a positive number of milliseconds, not {timeout_ms}"
            )));
        }
        let http = Http::new(options.function("fetch")?, timeout_ms);
        Ok(LookerClient {
            inner: Rc::new(Client {
                base,
                access_token,
                http,
            }),
        })
    }

    /// Looker's "Get Render Task": `GET /render_tasks/{render_task_id}`.
    #[wasm_bindgen(js_name = renderTask)]
    pub async fn render_task(
        &self,
        #[wasm_bindgen(js_name = renderTaskId, unchecked_param_type = "string")]
        render_task_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CallOptions")] options: JsValue,
    ) -> Result<Ts<RenderTask>, JsValue> {
        let client = Rc::clone(&self.inner);
        let options = Options::new(&options, "options").map_err(js::argument_error)?;
        let id = args::id("renderTaskId", &render_task_id).map_err(js::argument_error)?;
        let request = request::render_task(
            &client.base,
            &id,
            &options.fields().map_err(js::argument_error)?,
        )
        .map_err(js::argument_error)?;
        let signal = options.signal("signal").map_err(js::argument_error)?;
        let task: RenderTask = client.json(&request, signal.as_ref(), "RenderTask").await?;
        Ts::from_rust(&task).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
    }
}

impl Client {
    /// Sends `request` and decodes its JSON answer as `T`.
    async fn json<T: for<'de> Deserialize<'de>>(
        &self,
        request: &request::Request,
        signal: Option<&web_sys::AbortSignal>,
        what: &str,
    ) -> Result<T, JsValue> {
        let answer = self
            .http
            .send(request, self.access_token.as_deref(), signal, false)
            .await?;
        let head = ResponseHead {
            status: answer.status,
            content_type: answer.content_type.as_deref(),
        };
        let body = match answer.payload {
            Payload::Json(value) => JsonBody::Json(serde_wasm_bindgen::Deserializer::from(value)),
            Payload::NotJson(len) => JsonBody::NotJson(len),
            Payload::Bytes(bytes) => JsonBody::NotJson(bytes.length() as usize),
        };
        response::decode(head, body, what).map_err(js::failure_error)
    }
}
