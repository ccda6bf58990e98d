//! The JS surface of looker-render: `LookerClient`, compiled to WebAssembly.
//!
//! Every method is a thin shim: the core (`looker-render-core`) checks the
//! arguments and turns them into a call ([`Call`]), and one driver
//! ([`driver::drive`]) runs every call with `fetch` and timers. The rules —
//! retries, sign-in, polling, decoding, errors — are all in the core.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs)]

mod driver;
mod js;

use js::{Js, Latch};
use js_sys::{Function, Promise};
use looker_render_core::call::{Call, Client, Op};
use looker_render_core::error::ArgumentError;
use looker_render_core::input::{self, Controls};
use looker_render_core::params::RenderKind;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

/// What a client's calls share: the core's client state, and the caller's
/// functions the driver calls.
pub(crate) struct Inner {
    state: RefCell<Client<Js>>,
    fetch: Option<Function>,
    get_access_token: Option<Function>,
    /// Opens when a login settles, for the calls waiting on it.
    latch: RefCell<Option<Latch>>,
}

impl Inner {
    /// The promise calls waiting for another call's login await.
    fn latch(&self) -> Promise {
        self.latch.borrow_mut().get_or_insert_with(Latch::new).promise()
    }

    /// Wakes the calls waiting for a login, if one settled.
    fn wake_if_login_settled(&self) {
        if self.state.borrow_mut().session.take_settled() {
            if let Some(latch) = self.latch.borrow_mut().take() {
                latch.open();
            }
        }
    }
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
        let options = input::client_options(&Js(options)).map_err(driver::argument_error)?;
        let seed = (js::random() * 9_007_199_254_740_992.0) as u64;
        let function = |value: Option<Js>| value.map(|value| value.0.unchecked_into::<Function>());
        let inner = Inner {
            state: RefCell::new(Client::new(options.config, options.session, seed)),
            fetch: function(options.fetch),
            get_access_token: function(options.get_access_token),
            latch: RefCell::new(None),
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
        match call {
            Ok((op, controls)) => future_to_promise(driver::drive(Rc::clone(&self.inner), Call::new(op), controls)),
            Err(error) => Promise::reject(&driver::argument_error(error)),
        }
    }
}
