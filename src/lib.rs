//! The JS surface of looker-render: `LookerClient`, compiled to WebAssembly.
//!
//! Every method is a thin shim: the core (`looker-render-core`) checks the
//! arguments and turns them into a call, a state machine that decides every
//! step; `js/driver.js` runs it with `fetch` and timers, asking
//! [`PendingCall::step`] what to do next. The wasm carries no async runtime:
//! the only loop is the JS one, and every rule is in the core.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs)]

mod js;

use js::{Io, Js};
use js_sys::Promise;
use looker_render_core::call::{Call, Client, Event, Op, Output, Step};
use looker_render_core::error::{ArgumentError, Error};
use looker_render_core::input::{self, Controls};
use looker_render_core::params::RenderKind;
use looker_render_core::request::Expect;
use looker_render_core::response::{Answer, Body, Head};
use looker_render_core::text;
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

/// A client for Looker's render-task API.
#[wasm_bindgen]
pub struct LookerClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl LookerClient {
    /// Creates a client; checks the options, sends nothing.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "LookerClientOptions")] options: JsValue,
    ) -> Result<LookerClient, JsValue> {
        let options = input::client_options(&Js(options)).map_err(argument_error)?;
        let seed = (js::random() * 9_007_199_254_740_992.0) as u64;
        let function = |value: Option<Js>| value.map_or(JsValue::UNDEFINED, |value| value.0);
        let inner = Inner {
            client: RefCell::new(Client::new(options.config, options.session, seed)),
            io: Io::new(&function(options.fetch), &function(options.get_access_token)),
        };
        Ok(LookerClient { inner: Rc::new(inner) })
    }

    /// Logs in now with the client's API credentials. Optional: calls log in
    /// on demand. Resolves at once for the other ways to authenticate.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn login(&self) -> Promise {
        self.start(Ok((Op::Login, Controls { signal: None, on_progress: None, deadline_ms: None })))
    }

    /// Looker's "Logout" (`DELETE /logout`) for the token in hand, then forgets
    /// it. Credentials log in again on the next call.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn logout(&self) -> Promise {
        self.start(Ok((Op::Logout, Controls { signal: None, on_progress: None, deadline_ms: None })))
    }

    /// Looker's "Get Render Task": `GET /render_tasks/{render_task_id}`.
    #[wasm_bindgen(js_name = renderTask, unchecked_return_type = "Promise<RenderTask>")]
    pub fn render_task(
        &self,
        #[wasm_bindgen(js_name = renderTaskId, unchecked_param_type = "string")] render_task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        self.start(input::render_task(&Js(render_task_id), &Js(options.unwrap_or_default())))
    }

    /// Looker's "Create Look Render Task": renders a look to png or jpg.
    #[wasm_bindgen(js_name = createLookRenderTask, unchecked_return_type = "Promise<RenderTask>")]
    pub fn create_look_render_task(
        &self,
        #[wasm_bindgen(js_name = lookId, unchecked_param_type = "string")] look_id: JsValue,
        #[wasm_bindgen(js_name = resultFormat, unchecked_param_type = "'png' | 'jpg'")] result_format: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        self.create(RenderKind::Look, look_id, result_format, width, height, options)
    }

    /// Looker's "Create Query Render Task": renders a query to png or jpg.
    #[wasm_bindgen(js_name = createQueryRenderTask, unchecked_return_type = "Promise<RenderTask>")]
    pub fn create_query_render_task(
        &self,
        #[wasm_bindgen(js_name = queryId, unchecked_param_type = "string")] query_id: JsValue,
        #[wasm_bindgen(js_name = resultFormat, unchecked_param_type = "'png' | 'jpg'")] result_format: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        self.create(RenderKind::Query, query_id, result_format, width, height, options)
    }

    /// Looker's "Create Dashboard Element Render Task": renders one tile to png or jpg.
    #[wasm_bindgen(js_name = createDashboardElementRenderTask, unchecked_return_type = "Promise<RenderTask>")]
    pub fn create_dashboard_element_render_task(
        &self,
        #[wasm_bindgen(js_name = dashboardElementId, unchecked_param_type = "string")] dashboard_element_id: JsValue,
        #[wasm_bindgen(js_name = resultFormat, unchecked_param_type = "'png' | 'jpg'")] result_format: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        self.create(RenderKind::DashboardElement, dashboard_element_id, result_format, width, height, options)
    }

    /// Looker's "Create Dashboard Render Task": renders a dashboard to pdf, png or jpg.
    #[wasm_bindgen(js_name = createDashboardRenderTask, unchecked_return_type = "Promise<RenderTask>")]
    pub fn create_dashboard_render_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DashboardRenderTaskRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ signal?: AbortSignal }")] options: Option<JsValue>,
    ) -> Promise {
        self.start(input::create_dashboard_render_task(&Js(request), &Js(options.unwrap_or_default())))
    }

    /// Looker's "Render Task Results": the rendered bytes, exactly as sent.
    /// Rejects with `RenderNotReadyError` while the task is not finished (202).
    #[wasm_bindgen(js_name = renderTaskResults, unchecked_return_type = "Promise<RenderTaskResults>")]
    pub fn render_task_results(
        &self,
        #[wasm_bindgen(js_name = renderTaskId, unchecked_param_type = "string")] render_task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ signal?: AbortSignal }")] options: Option<JsValue>,
    ) -> Promise {
        self.start(input::render_task_results(&Js(render_task_id), &Js(options.unwrap_or_default())))
    }

    /// Polls a render task until it succeeds (resolves with the task) or fails
    /// (rejects with `RenderTaskFailedError`), backing off as it goes.
    #[wasm_bindgen(js_name = waitForRenderTask, unchecked_return_type = "Promise<RenderTask>")]
    pub fn wait_for_render_task(
        &self,
        #[wasm_bindgen(js_name = renderTaskId, unchecked_param_type = "string")] render_task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: Option<JsValue>,
    ) -> Promise {
        self.start(input::wait_for_render_task(&Js(render_task_id), &Js(options.unwrap_or_default())))
    }

    /// The whole job: create a render task, wait for it, download the result.
    #[wasm_bindgen(unchecked_return_type = "Promise<RenderResult>")]
    pub fn render(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RenderRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: Option<JsValue>,
    ) -> Promise {
        self.start(input::render(&Js(request), &Js(options.unwrap_or_default())))
    }
}

impl LookerClient {
    fn create(
        &self,
        kind: RenderKind,
        id: JsValue,
        format: JsValue,
        width: JsValue,
        height: JsValue,
        options: Option<JsValue>,
    ) -> Promise {
        let options = Js(options.unwrap_or_default());
        self.start(input::create_render_task(kind, [&Js(id), &Js(format), &Js(width), &Js(height), &options]))
    }

    /// Starts a call, or rejects at once with the argument's error.
    fn start(&self, call: Result<(Op, Controls<Js>), ArgumentError>) -> Promise {
        let (op, controls) = match call {
            Ok(call) => call,
            Err(error) => return Promise::reject(&argument_error(error)),
        };
        let call = PendingCall { inner: Rc::clone(&self.inner), call: Call::new(op), cause: JsValue::UNDEFINED };
        let signal = controls.signal.map(|signal| signal.0.unchecked_into());
        let on_progress = controls.on_progress.map_or(JsValue::UNDEFINED, |callback| callback.0);
        js::drive(&self.inner.io, call, signal, on_progress, controls.deadline_ms)
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
    /// Feeds the event (numbered as in `js/driver.js`) and says what to do next.
    #[wasm_bindgen(skip_typescript)]
    pub fn step(&mut self, event: u8, value: JsValue) -> JsValue {
        let event = match event {
            0 => Event::Start,
            1 => Event::Answer(answer(value.unchecked_into())),
            2 => {
                self.cause = value;
                Event::NoAnswer
            }
            3 => Event::Token(value.as_string()),
            4 => Event::Woke,
            _ => Event::Expired,
        };
        let (step, settled) = {
            let mut client = self.inner.client.borrow_mut();
            let step = self.call.step(&mut client, event, js::now_ms());
            (step, client.session.take_settled())
        };
        match step {
            Step::Send { request, token, remaining_ms, timeout_ms } => {
                let body = request.body.as_ref();
                js::send_step(
                    settled,
                    request.method.as_str(),
                    &request.url,
                    token.map(|token| text!("token ", token)),
                    body.map(|body| body.content_type()),
                    body.map(|body| body.text().to_owned()),
                    match request.expect {
                        Expect::Bytes(limit) => limit,
                        Expect::Json => -1.0,
                    },
                    remaining_ms,
                    timeout_ms,
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

/// An answer as the core takes it.
fn answer(answer: js::Answer) -> Answer<Js> {
    let head = Head::new(answer.status(), answer.content_type(), answer.retry_after().as_deref(), js::now_ms());
    let body = match answer.kind() {
        0 => Body::Json(Js(answer.body())),
        1 => Body::NotJson(answer.size() as usize),
        2 => Body::Bytes(Js(answer.body())),
        _ => Body::TooLarge(answer.size()),
    };
    Answer { head, body }
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

/// The JS error a call rejects with.
fn error_value(error: Error<Js>, cause: &JsValue) -> JsValue {
    let value = |value: Option<Js>| value.map_or(JsValue::NULL, |value| value.0);
    match error {
        Error::Argument(error) => argument_error(error),
        Error::Api(error) => {
            js::api_error(&error.message, error.status, &value(error.documentation_url), &value(error.errors))
        }
        Error::Response(message) => js::response_error(&message),
        Error::Network { path } => js::network_error(&path, cause),
        Error::Failed { task, message } => js::failed_error(&message, &task.0),
        Error::Timeout { timeout_ms, task, message } => js::render_timeout_error(&message, timeout_ms, &value(task)),
        Error::NotReady { retry_after_ms, message } => js::not_ready_error(&message, retry_after_ms),
    }
}

/// A caller's mistake as the built-in error of its kind.
fn argument_error(error: ArgumentError) -> JsValue {
    match error {
        ArgumentError::Type(message) => js_sys::TypeError::new(&message).into(),
        ArgumentError::Range(message) => js_sys::RangeError::new(&message).into(),
    }
}
