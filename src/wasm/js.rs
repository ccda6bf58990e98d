//! Bindings to the JS this layer needs: the global `fetch`, the error classes
//! of `js/errors.js` and the abort plumbing of `js/signals.js`. Globals are
//! bound directly, never through `window`, which Node and workers lack.

use crate::request::ArgumentError;
use crate::response::{ApiError, Failure};
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (browsers, workers, Node 18+).
    #[wasm_bindgen(js_name = fetch)]
    pub fn global_fetch(input: &str, init: &web_sys::RequestInit) -> Promise;

    /// `Date.now()`.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub fn now_ms() -> f64;

    /// `JSON.parse` of a JS string, without copying it through wasm.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;

    /// `Math.random()`, for jitter.
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    pub fn random() -> f64;
}

#[wasm_bindgen(module = "/js/body.js")]
extern "C" {
    /// The body as text or bytes, or `null` when larger than `limit` bytes.
    #[wasm_bindgen(js_name = readBody)]
    pub fn read_body(response: &web_sys::Response, limit: f64, as_text: bool) -> Promise;
}

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(extends = js_sys::Error)]
    pub type LookerApiError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, details: &Object, options: &JsValue) -> LookerApiError;

    #[wasm_bindgen(extends = js_sys::Error)]
    pub type LookerResponseError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str) -> LookerResponseError;

    #[wasm_bindgen(extends = js_sys::Error)]
    pub type RenderTaskFailedError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, details: &Object) -> RenderTaskFailedError;

    #[wasm_bindgen(extends = js_sys::Error)]
    pub type RenderTimeoutError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, details: &Object) -> RenderTimeoutError;

    #[wasm_bindgen(extends = js_sys::Error)]
    pub type RenderNotReadyError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, details: &Object) -> RenderNotReadyError;

    #[wasm_bindgen(extends = js_sys::Error)]
    pub type LookerNetworkError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, options: &Object) -> LookerNetworkError;
}

#[wasm_bindgen(module = "/js/signals.js")]
extern "C" {
    /// One call's abort signal: the caller's signal or the deadline.
    pub type Deadline;
    #[wasm_bindgen(constructor)]
    pub fn new(caller: Option<&web_sys::AbortSignal>, timeout_ms: f64) -> Deadline;
    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &Deadline) -> web_sys::AbortSignal;
    #[wasm_bindgen(method, getter)]
    pub fn aborted(this: &Deadline) -> bool;
    #[wasm_bindgen(method, getter)]
    pub fn reason(this: &Deadline) -> JsValue;
    /// Whether it fired because its time ran out (not the caller's signal).
    #[wasm_bindgen(method, getter, js_name = timedOut)]
    pub fn timed_out(this: &Deadline) -> bool;
    #[wasm_bindgen(method)]
    pub fn release(this: &Deadline);

    /// Resolves after `ms`; rejects with the signal's reason when it aborts.
    pub fn sleep(ms: f64, signal: Option<&web_sys::AbortSignal>) -> Promise;
}

/// Sets `key` on a fresh object; Reflect.set cannot fail on a plain object.
fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// An object with the given properties.
pub fn object(entries: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in entries {
        set(&object, key, value);
    }
    object
}

/// A caller's mistake becomes the built-in error of its kind.
impl From<ArgumentError> for JsValue {
    fn from(error: ArgumentError) -> Self {
        match error {
            ArgumentError::Type(message) => js_sys::TypeError::new(&message).into(),
            ArgumentError::Range(message) => js_sys::RangeError::new(&message).into(),
        }
    }
}

/// The exported error for an API or response failure.
pub fn failure_error(failure: Failure) -> JsValue {
    match failure {
        Failure::Api(error) => api_error(error),
        Failure::Response(message) => LookerResponseError::new(&message).into(),
    }
}

fn api_error(error: ApiError) -> JsValue {
    let errors = match error.errors {
        Some(details) => serde_wasm_bindgen::to_value(&details).unwrap_or(JsValue::NULL),
        None => JsValue::NULL,
    };
    let details = object(&[
        ("status", JsValue::from(error.status)),
        ("documentation_url", error.documentation_url.as_deref().map_or(JsValue::NULL, JsValue::from_str)),
        ("errors", errors),
    ]);
    LookerApiError::new(&error.message, &details, &JsValue::UNDEFINED).into()
}

/// A fetch that failed without an answer, keeping the original as `cause`.
pub fn network_error(url_path: &str, cause: JsValue) -> JsValue {
    let message_of =
        |error: &JsValue| error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).filter(|m| !m.is_empty());
    let mut what = message_of(&cause).unwrap_or_else(|| "no answer".to_owned());
    // Node's fetch says only "fetch failed"; the reason is one level down.
    if let Some(inner) = cause.dyn_ref::<js_sys::Error>().and_then(|e| message_of(&e.cause())) {
        what = format!("{what} ({inner})");
    }
    let message = format!("Request to {url_path} failed: {what}");
    LookerNetworkError::new(&message, &object(&[("cause", cause)])).into()
}

/// A render task that ended in `failure`.
pub fn render_failed_error(message: &str, task: JsValue) -> JsValue {
    RenderTaskFailedError::new(message, &object(&[("task", task)])).into()
}

/// A wait or render that ran out of time; `task` is the last seen (or null).
pub fn render_timeout_error(message: &str, timeout_ms: f64, task: JsValue) -> JsValue {
    RenderTimeoutError::new(message, &object(&[("timeoutMs", timeout_ms.into()), ("task", task)])).into()
}

/// Results asked for too early (HTTP 202).
pub fn not_ready_error(retry_after_ms: Option<f64>) -> JsValue {
    let message = match retry_after_ms {
        Some(ms) => format!(
            "The render task's results are not ready yet (HTTP 202); Looker asks to retry in {} ms",
            crate::request::show_number(ms)
        ),
        None => "The render task's results are not ready yet (HTTP 202)".to_owned(),
    };
    let retry_after = retry_after_ms.map_or(JsValue::NULL, JsValue::from);
    RenderNotReadyError::new(&message, &object(&[("retryAfterMs", retry_after)])).into()
}
