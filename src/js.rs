//! What the wasm layer binds from JavaScript: the clock, the I/O loop of
//! `js/driver.js`, the values of `js/values.js`; and the core's [`Value`]
//! view of JS values.

use js_sys::{Array, Object, Promise, Reflect};
use looker_render_core::value::{Kind, Value};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    /// `Date.now()`.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub fn now_ms() -> f64;

    /// `Math.random()`, to seed the core's jitter.
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    pub fn random() -> f64;
}

#[wasm_bindgen(module = "/js/driver.js")]
extern "C" {
    /// A client's I/O: its fetch and token callback, and the calls waiting for a login.
    pub type Io;
    #[wasm_bindgen(constructor)]
    pub fn new(fetch: &JsValue, get_access_token: &JsValue) -> Io;

    /// Runs a call to its end with fetch and timers.
    pub fn drive(
        io: &Io,
        call: crate::PendingCall,
        signal: Option<AbortSignal>,
        on_progress: JsValue,
        deadline_ms: Option<f64>,
    ) -> Promise;

    /// The step "send this request".
    #[wasm_bindgen(js_name = sendStep)]
    #[allow(clippy::too_many_arguments)]
    pub fn send_step(
        settled: bool,
        method: &str,
        url: &str,
        authorization: Option<String>,
        content_type: Option<&str>,
        body: Option<String>,
        bytes_limit: f64,
        remaining_ms: f64,
        timeout_ms: f64,
    ) -> JsValue;

    /// Any other step.
    pub fn step(kind: u8, settled: bool, value: &JsValue, ms: f64) -> JsValue;

    /// An answer, read by `readAnswer`.
    pub type Answer;
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &Answer) -> u16;
    #[wasm_bindgen(method, getter, js_name = contentType)]
    pub fn content_type(this: &Answer) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    pub fn retry_after(this: &Answer) -> Option<String>;
    /// 0 JSON, 1 not JSON, 2 bytes, 3 too large.
    #[wasm_bindgen(method, getter)]
    pub fn kind(this: &Answer) -> u8;
    #[wasm_bindgen(method, getter)]
    pub fn body(this: &Answer) -> JsValue;
    #[wasm_bindgen(method, getter)]
    pub fn size(this: &Answer) -> f64;
}

#[wasm_bindgen(module = "/js/values.js")]
extern "C" {
    #[wasm_bindgen(js_name = kindOf)]
    fn kind_of(value: &JsValue) -> u8;

    /// `{ bytes, contentType }`, with `task` first when given.
    pub fn result(bytes: &JsValue, content_type: &str, task: &JsValue) -> JsValue;

    #[wasm_bindgen(js_name = apiError)]
    pub fn api_error(message: &str, status: u16, documentation_url: &JsValue, errors: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = responseError)]
    pub fn response_error(message: &str) -> JsValue;
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error(path: &str, cause: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = failedError)]
    pub fn failed_error(message: &str, task: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = renderTimeoutError)]
    pub fn render_timeout_error(message: &str, timeout_ms: f64, task: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = notReadyError)]
    pub fn not_ready_error(message: &str, retry_after_ms: Option<f64>) -> JsValue;
}

/// A JS value seen through the core's [`Value`] view.
#[derive(Clone, Debug)]
#[repr(transparent)]
pub struct Js(pub JsValue);

impl Value for Js {
    fn kind(&self) -> Kind {
        match kind_of(&self.0) {
            0 => Kind::Undefined,
            1 => Kind::Null,
            2 => Kind::Boolean,
            3 => Kind::Number,
            4 => Kind::String,
            5 => Kind::Array,
            6 => Kind::Function,
            7 => Kind::Object,
            _ => Kind::Other,
        }
    }

    fn get(&self, key: &str) -> Option<Self> {
        let value = Reflect::get(&self.0, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined()).then_some(Self(value))
    }

    fn keys(&self) -> Vec<String> {
        match self.0.dyn_ref::<Object>() {
            Some(object) => Object::keys(object).iter().filter_map(|key| key.as_string()).collect(),
            None => Vec::new(),
        }
    }

    fn items(&self) -> Vec<Self> {
        match self.0.dyn_ref::<Array>() {
            Some(array) => array.iter().map(Self).collect(),
            None => Vec::new(),
        }
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn is_abort_signal(&self) -> bool {
        self.0.has_type::<AbortSignal>()
    }
}
