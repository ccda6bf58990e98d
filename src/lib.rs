//! The wasm layer of looker-render. `LookerClient` (js/client.js) is a thin
//! JS class over [`Core`]: each of its API methods is one `Core::call`, where
//! the core crate (`looker-render-core`) checks the arguments and turns them
//! into a call, a state machine that decides every step; `js/driver.js` runs
//! it with `fetch` and timers, asking [`PendingCall::step`] what to do next.
//! `Core::batch` checks a whole `renderAll` before any render starts, and
//! `Core::oauthUrl` builds an OAuth sign-in's URL from what Web Crypto made.
//! The wasm carries no async runtime and no formatting machinery; every rule
//! is in the core.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs)]

mod js;

use js::{Io, Js};
use js_sys::Promise;
use looker_render_core::call::{Call, Client, Event, Op, Output, Step};
use looker_render_core::error::{ArgumentError, Error};
use looker_render_core::input::{self, Controls};
use looker_render_core::oauth;
use looker_render_core::params::RenderKind;
use looker_render_core::request::Expect;
use looker_render_core::response::{Answer, Body, Head};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// Talc instead of dlmalloc: the same job in a fraction of the bytes.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

// The error classes js/values.js builds; bound here so that wasm-bindgen
// ships errors.js beside it (it copies only the modules the wasm names).
#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = LookerError)]
    type LookerError;
}

/// What a client's calls share: the core's client state, and its I/O.
struct Inner {
    client: RefCell<Client<Js>>,
    io: Io,
}

/// A client's core: what `LookerClient` (js/client.js) wraps. Its one
/// method starts any call, so the wasm exports one entry instead of one per
/// API method.
#[wasm_bindgen(skip_typescript)]
pub struct Core {
    inner: Rc<Inner>,
}

// The methods `Core::call` starts: `LookerClient`'s, numbered as
// js/client.js numbers them.
const LOGIN: u8 = 0;
const LOGOUT: u8 = 1;
const RENDER_TASK: u8 = 2;
const CREATE_LOOK_RENDER_TASK: u8 = 3;
const CREATE_QUERY_RENDER_TASK: u8 = 4;
const CREATE_DASHBOARD_ELEMENT_RENDER_TASK: u8 = 5;
const CREATE_DASHBOARD_RENDER_TASK: u8 = 6;
const RENDER_TASK_RESULTS: u8 = 7;
const WAIT_FOR_RENDER_TASK: u8 = 8;
const RENDER: u8 = 9;
const COMPLETE_OAUTH_LOGIN: u8 = 10;

#[wasm_bindgen]
impl Core {
    /// Checks the options of `new LookerClient(options)`; sends nothing.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Core, JsValue> {
        let options = input::client_options(&Js(options)).map_err(argument_error)?;
        let seed = (js::random() * 9_007_199_254_740_992.0) as u64;
        let function = |value: Option<Js>| value.map_or(JsValue::UNDEFINED, |value| value.0);
        let inner = Inner {
            client: RefCell::new(Client::new(options.config, options.session, seed)),
            io: Io::new(&function(options.fetch), &function(options.get_access_token)),
        };
        Ok(Core { inner: Rc::new(inner) })
    }

    /// Starts method `method` with the caller's arguments: the promise of its
    /// result. Throws when an argument is wrong (the JS methods, being async,
    /// reject with it).
    pub fn call(
        &self,
        method: u8,
        a: JsValue,
        b: JsValue,
        c: JsValue,
        d: JsValue,
        e: JsValue,
    ) -> Result<Promise, JsValue> {
        let (a, b, c, d, e) = (Js(a), Js(b), Js(c), Js(d), Js(e));
        if method == COMPLETE_OAUTH_LOGIN {
            let op = oauth::sign_in(&self.inner.client.borrow().config.auth, &a, &b);
            let op = op.map_err(|error| error_value(error, &JsValue::UNDEFINED))?;
            return Ok(self.start(op, Controls::none()));
        }
        let call = match method {
            LOGIN => Ok((Op::Login, Controls::none())),
            LOGOUT => Ok((Op::Logout, Controls::none())),
            RENDER_TASK => input::render_task(&a, &b),
            CREATE_LOOK_RENDER_TASK | CREATE_QUERY_RENDER_TASK | CREATE_DASHBOARD_ELEMENT_RENDER_TASK => {
                let kind = match method {
                    CREATE_LOOK_RENDER_TASK => RenderKind::Look,
                    CREATE_QUERY_RENDER_TASK => RenderKind::Query,
                    _ => RenderKind::DashboardElement,
                };
                input::create_render_task(kind, [&a, &b, &c, &d, &e])
            }
            CREATE_DASHBOARD_RENDER_TASK => input::create_dashboard_render_task(&a, &b),
            RENDER_TASK_RESULTS => input::render_task_results(&a, &b),
            WAIT_FOR_RENDER_TASK => input::wait_for_render_task(&a, &b),
            RENDER => input::render(&a, &b),
            _ => Err(ArgumentError::type_error("", "method", "must be one of LookerClient's")),
        };
        let (op, controls) = call.map_err(argument_error)?;
        Ok(self.start(op, controls))
    }

    /// `startOAuthLogin()`'s URL, from the challenge and state js/client.js
    /// made with Web Crypto (none when the page has none).
    #[wasm_bindgen(js_name = oauthUrl)]
    pub fn oauth_url(&self, challenge: Option<String>, state: Option<String>) -> Result<String, JsValue> {
        let auth = &self.inner.client.borrow().config.auth;
        let made = match (challenge, state) {
            (Some(challenge), Some(state)) => Some((challenge, state)),
            _ => None,
        };
        oauth::start(auth, made).map_err(|error: Error<Js>| error_value(error, &JsValue::UNDEFINED))
    }

    fn start(&self, op: Op, controls: Controls<Js>) -> Promise {
        let call = PendingCall { inner: Rc::clone(&self.inner), call: Call::new(op), cause: JsValue::UNDEFINED };
        let signal = controls.signal.map(|signal| signal.0.unchecked_into());
        let on_progress = controls.on_progress.map_or(JsValue::UNDEFINED, |callback| callback.0);
        js::drive(&self.inner.io, call, signal, on_progress, controls.deadline_ms)
    }

    /// Checks the arguments of `renderAll`/`renderMany` (every request,
    /// before anything is sent): the number of renders to keep in flight.
    pub fn batch(&self, requests: JsValue, options: JsValue) -> Result<u32, JsValue> {
        input::batch(&Js(requests), &Js(options)).map_err(argument_error)
    }
}

/// A call in progress, which `js/driver.js` drives.
#[wasm_bindgen(skip_typescript)]
pub struct PendingCall {
    inner: Rc<Inner>,
    call: Call<Js>,
    /// The last request that got no answer: the cause of a network error.
    cause: JsValue,
}

// The steps `js/driver.js` takes (its constants have the same numbers).
const SLEEP: u8 = 1;
const ASK_TOKEN: u8 = 2;
const AWAIT_LOGIN: u8 = 3;
const PROGRESS: u8 = 4;
const RESOLVE: u8 = 5;
const REJECT: u8 = 6;

#[wasm_bindgen]
impl PendingCall {
    /// Feeds the event (numbered as in `js/driver.js`) and says what to do
    /// next. An answer comes in parts: its body (`value`: parsed JSON or
    /// bytes), `status`, two headers, what the body is (`body`: 0 JSON, 1 not
    /// JSON, 2 bytes, 3 too large) and a size (of text that is not JSON, or
    /// the limit a body passed).
    #[wasm_bindgen(skip_typescript)]
    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &mut self,
        event: u8,
        value: JsValue,
        status: u16,
        content_type: JsValue,
        retry_after: Option<String>,
        body: u8,
        size: f64,
    ) -> JsValue {
        let event = match event {
            0 => Event::Start,
            1 => {
                let content_type = (!content_type.is_undefined()).then_some(Js(content_type));
                let head = Head::new(status, content_type, retry_after.as_deref(), js::now_ms());
                let body = match body {
                    0 => Body::Json(Js(value)),
                    1 => Body::NotJson(size as usize),
                    2 => Body::Bytes(Js(value)),
                    _ => Body::TooLarge(size),
                };
                Event::Answer(Answer { head, body })
            }
            2 => {
                // No answer: `value` is the error, `retry_after` the page's
                // origin when the request went to another (see js/driver.js).
                self.cause = value;
                Event::NoAnswer(retry_after)
            }
            3 => Event::Token(value.as_string()),
            4 => Event::Woke,
            5 => Event::Expired,
            _ => Event::TimedOut,
        };
        let (step, settled) = {
            let mut client = self.inner.client.borrow_mut();
            let step = self.call.step(&mut client, event, js::now_ms());
            (step, client.session.take_settled())
        };
        match step {
            Step::Send { request, authorization, remaining_ms } => {
                let body = request.body.as_ref();
                js::send_step(
                    settled,
                    request.method.as_str(),
                    &request.url,
                    authorization.as_deref(),
                    body.map(|body| body.content_type()),
                    body.map(|body| body.text()),
                    match request.expect {
                        Expect::Bytes(limit) => limit,
                        Expect::Json => -1.0,
                    },
                    remaining_ms,
                )
            }
            Step::Sleep(ms) => js::step(SLEEP, settled, &JsValue::UNDEFINED, ms),
            Step::AskToken => js::step(ASK_TOKEN, settled, &JsValue::UNDEFINED, 0.0),
            Step::AwaitLogin => js::step(AWAIT_LOGIN, settled, &JsValue::UNDEFINED, 0.0),
            Step::Progress(task) => js::step(PROGRESS, settled, &task.0, 0.0),
            Step::Done(Ok(output)) => js::step(RESOLVE, settled, &output_value(output), 0.0),
            Step::Done(Err(error)) => js::step(REJECT, settled, &error_value(error, &self.cause), 0.0),
        }
    }

    /// Ends the call however it went: a login it was making is released.
    /// Whether a login settled (the driver then wakes the calls waiting on it).
    #[wasm_bindgen(skip_typescript)]
    pub fn cancel(&mut self) -> bool {
        let mut client = self.inner.client.borrow_mut();
        self.call.cancel(&mut client);
        client.session.take_settled()
    }
}

/// What a call resolves with.
fn output_value(output: Output<Js>) -> JsValue {
    match output {
        Output::Nothing => JsValue::UNDEFINED,
        Output::Task(task) => task.0,
        Output::Results { bytes, content_type } => js::result(&bytes.0, &content_type, &JsValue::UNDEFINED),
        Output::Rendered { task, bytes, content_type } => js::result(&bytes.0, &content_type, &task.0),
    }
}

// The kinds of failure `js/values.js` builds errors for.
const API: u8 = 0;
const RESPONSE: u8 = 1;
const NETWORK: u8 = 2;
const FAILED: u8 = 3;
const TIMEOUT: u8 = 4;
const NOT_READY: u8 = 5;
const TYPE: u8 = 6;
const RANGE: u8 = 7;
const REQUEST_TIMEOUT: u8 = 8;
const OAUTH: u8 = 9;

/// The JS error a call rejects with: the core's message, the class of its
/// kind, and the fields a program branches on.
fn error_value(error: Error<Js>, cause: &JsValue) -> JsValue {
    let value = |value: Option<Js>| value.map_or(JsValue::NULL, |value| value.0);
    let none = &JsValue::NULL;
    let message = error.message();
    match error {
        Error::Argument(error) => argument_error(error),
        Error::Api(error) => js::failure(
            API,
            &message,
            error.looker_message.as_deref(),
            f64::from(error.status),
            &value(error.documentation_url),
            &value(error.errors),
        ),
        Error::Response { .. } => js::failure(RESPONSE, &message, None, 0.0, none, none),
        Error::Network { .. } => js::failure(NETWORK, &message, None, 0.0, cause, none),
        Error::RequestTimeout { timeout_ms, .. } => {
            js::failure(REQUEST_TIMEOUT, &message, None, timeout_ms, none, none)
        }
        Error::Failed { task, .. } => js::failure(FAILED, &message, None, 0.0, &task.0, none),
        Error::Timeout { timeout_ms, task, .. } => js::failure(TIMEOUT, &message, None, timeout_ms, &value(task), none),
        Error::OAuth { code, .. } => js::failure(OAUTH, &message, Some(&code), 0.0, none, none),
        Error::NotReady { retry_after_ms, .. } => {
            js::failure(NOT_READY, &message, None, retry_after_ms.unwrap_or(f64::NAN), none, none)
        }
    }
}

/// A caller's mistake as the built-in error of its kind.
fn argument_error(error: ArgumentError) -> JsValue {
    let kind = if error.range { RANGE } else { TYPE };
    js::failure(kind, &error.message(), None, 0.0, &JsValue::NULL, &JsValue::NULL)
}
