//! The render job: create a render task, wait for it, download its result.

use super::args::{self, Options};
use super::http::{Payload, Scope};
use super::js;
use super::{api_failure, CallError, Client, LookerClient, Task};
use crate::models::{CreateDashboardRenderTask, RenderTask, RenderTaskStatus};
use crate::poll::{Next, PollSchedule};
use crate::request::{self, ArgumentError, CreateRenderTask, DashboardOptions, RenderKind, ResultFormat};
use crate::response::{retry_after_ms, Failure};
use js_sys::{Function, Object};
use std::rc::Rc;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// Default deadline of a wait or a whole render: Looker's own render
/// timeout is in this range, and a script should not hang for ever.
const DEFAULT_WAIT_TIMEOUT_MS: f64 = 600_000.0;

/// How long to wait on a 202 without a usable `Retry-After`.
const NOT_READY_DEFAULT_MS: f64 = 1_000.0;

/// The options of a wait, read.
struct WaitArgs {
    signal: Option<AbortSignal>,
    timeout_ms: f64,
    on_progress: Option<Function>,
}

impl WaitArgs {
    fn read(options: &JsValue) -> Result<Self, ArgumentError> {
        let options = Options::new(options, "options")?;
        let timeout_ms = request::check_timeout(
            "options.timeoutMs",
            options.number("timeoutMs")?.unwrap_or(DEFAULT_WAIT_TIMEOUT_MS),
        )?;
        Ok(Self { signal: options.signal("signal")?, timeout_ms, on_progress: options.function("onProgress")? })
    }
}

/// Reads a create request from its JS arguments.
fn simple_request(
    kind: RenderKind,
    id: &JsValue,
    format: &JsValue,
    width: &JsValue,
    height: &JsValue,
    options: &Options,
) -> Result<CreateRenderTask, ArgumentError> {
    let id = args::id(kind.id_name(), id)?;
    let format = ResultFormat::for_kind(kind, &args::string("resultFormat", format)?)?;
    Ok(CreateRenderTask {
        kind,
        id,
        format,
        width: request::check_dimension("width", args::number("width", width)?)?,
        height: request::check_dimension("height", args::number("height", height)?)?,
        dashboard: DashboardOptions::default(),
        fields: options.fields()?,
    })
}

/// Reads a `render()` or `createDashboardRenderTask()` request object.
fn request_object(value: &JsValue, only: Option<RenderKind>) -> Result<CreateRenderTask, ArgumentError> {
    let object = Options::new(value, "request")?;
    if object.is_empty() {
        return Err(ArgumentError::Type("request must be an object".into()));
    }
    let id_of = |kind: RenderKind| -> Result<Option<String>, ArgumentError> {
        match object.get(kind.id_name()) {
            Some(value) => args::id(&format!("request.{}", kind.id_name()), &value).map(Some),
            None => Ok(None),
        }
    };
    let (kind, id) = match only {
        Some(kind) => {
            (kind, id_of(kind)?.ok_or_else(|| ArgumentError::Type(format!("request.{} is required", kind.id_name())))?)
        }
        None => request::render_target([
            (RenderKind::Look, id_of(RenderKind::Look)?),
            (RenderKind::Query, id_of(RenderKind::Query)?),
            (RenderKind::Dashboard, id_of(RenderKind::Dashboard)?),
            (RenderKind::DashboardElement, id_of(RenderKind::DashboardElement)?),
        ])?,
    };
    let required_number =
        |name: &str| object.number(name)?.ok_or_else(|| ArgumentError::Type(format!("request.{name} is required")));
    let format = object
        .string("result_format")?
        .ok_or_else(|| ArgumentError::Type("request.result_format is required".into()))?;
    let body = match object.get("body") {
        None => CreateDashboardRenderTask::default(),
        Some(value) => {
            let body = Options::new(&value, "request.body")?;
            let dashboard_style = body.string("dashboard_style")?;
            if let Some(style) = dashboard_style.as_deref() {
                if style != "tiled" && style != "single_column" {
                    return Err(ArgumentError::Range(format!(
                        "request.body.dashboard_style must be 'tiled' or 'single_column', not {style:?}"
                    )));
                }
            }
            let mut parsed = CreateDashboardRenderTask::default();
            parsed.dashboard_filters = body.string("dashboard_filters")?;
            parsed.dashboard_style = dashboard_style;
            parsed.tab_ids = body.strings("tab_ids")?;
            parsed
        }
    };
    Ok(CreateRenderTask {
        kind,
        id,
        format: ResultFormat::for_kind(kind, &format)?,
        width: request::check_dimension("width", required_number("width")?)?,
        height: request::check_dimension("height", required_number("height")?)?,
        dashboard: DashboardOptions {
            body,
            pdf_paper_size: object.string("pdf_paper_size")?,
            pdf_landscape: object.boolean("pdf_landscape")?,
            long_tables: object.boolean("long_tables")?,
            theme: object.string("theme")?,
        },
        fields: object.fields()?,
    })
}

#[wasm_bindgen]
impl LookerClient {
    /// Looker's "Create Look Render Task": renders a look to png or jpg.
    #[wasm_bindgen(js_name = createLookRenderTask)]
    pub async fn create_look_render_task(
        &self,
        #[wasm_bindgen(js_name = lookId, unchecked_param_type = "string")] look_id: JsValue,
        #[wasm_bindgen(js_name = resultFormat, unchecked_param_type = "'png' | 'jpg'")] result_format: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<Ts<RenderTask>, JsValue> {
        self.create_simple(RenderKind::Look, look_id, result_format, width, height, options).await
    }

    /// Looker's "Create Query Render Task": renders a query to png or jpg.
    #[wasm_bindgen(js_name = createQueryRenderTask)]
    pub async fn create_query_render_task(
        &self,
        #[wasm_bindgen(js_name = queryId, unchecked_param_type = "string")] query_id: JsValue,
        #[wasm_bindgen(js_name = resultFormat, unchecked_param_type = "'png' | 'jpg'")] result_format: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<Ts<RenderTask>, JsValue> {
        self.create_simple(RenderKind::Query, query_id, result_format, width, height, options).await
    }

    /// Looker's "Create Dashboard Element Render Task": renders one tile to png or jpg.
    #[wasm_bindgen(js_name = createDashboardElementRenderTask)]
    pub async fn create_dashboard_element_render_task(
        &self,
        #[wasm_bindgen(js_name = dashboardElementId, unchecked_param_type = "string")] dashboard_element_id: JsValue,
        #[wasm_bindgen(js_name = resultFormat, unchecked_param_type = "'png' | 'jpg'")] result_format: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<Ts<RenderTask>, JsValue> {
        self.create_simple(RenderKind::DashboardElement, dashboard_element_id, result_format, width, height, options)
            .await
    }

    /// Looker's "Create Dashboard Render Task": renders a dashboard to pdf, png or jpg.
    #[wasm_bindgen(js_name = createDashboardRenderTask)]
    pub async fn create_dashboard_render_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DashboardRenderTaskRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ signal?: AbortSignal }")] options: Option<JsValue>,
    ) -> Result<Ts<RenderTask>, JsValue> {
        let client = Rc::clone(&self.inner);
        let task = request_object(&request, Some(RenderKind::Dashboard))?;
        let options = options.unwrap_or_default();
        let options = Options::new(&options, "options")?;
        let signal = options.signal("signal")?;
        Ok(client.create(&task, signal.as_ref()).await?.to_js())
    }

    /// Looker's "Render Task Results": the rendered bytes, exactly as sent.
    /// Rejects with `RenderNotReadyError` while the task is not finished (202).
    #[wasm_bindgen(js_name = renderTaskResults, unchecked_return_type = "RenderTaskResults")]
    pub async fn render_task_results(
        &self,
        #[wasm_bindgen(js_name = renderTaskId, unchecked_param_type = "string")] render_task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ signal?: AbortSignal }")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let client = Rc::clone(&self.inner);
        let id = args::id("renderTaskId", &render_task_id)?;
        let options = options.unwrap_or_default();
        let options = Options::new(&options, "options")?;
        let signal = options.signal("signal")?;
        Ok(client.results(&id, signal.as_ref()).await?.into())
    }

    /// Polls a render task until it succeeds (resolves with the task) or fails
    /// (rejects with `RenderTaskFailedError`), on the schedule of the core's
    /// `PollSchedule`.
    #[wasm_bindgen(js_name = waitForRenderTask)]
    pub async fn wait_for_render_task(
        &self,
        #[wasm_bindgen(js_name = renderTaskId, unchecked_param_type = "string")] render_task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: Option<JsValue>,
    ) -> Result<Ts<RenderTask>, JsValue> {
        let client = Rc::clone(&self.inner);
        let id = args::id("renderTaskId", &render_task_id)?;
        let wait = WaitArgs::read(&options.unwrap_or_default())?;
        let job = Job::new(&wait);
        Ok(job.run(client.wait(&id, None, &job)).await?.to_js())
    }

    /// The whole job: create a render task, wait for it, download the result.
    #[wasm_bindgen(unchecked_return_type = "RenderResult")]
    pub async fn render(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RenderRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let client = Rc::clone(&self.inner);
        let create = request_object(&request, None)?;
        let wait = WaitArgs::read(&options.unwrap_or_default())?;
        let job = Job::new(&wait);
        let (task, results) = job
            .run(async {
                let created = client.create(&create, Some(&job.signal())).await?;
                let id = created.value.id.clone().ok_or_else(|| {
                    CallError::Looker(Failure::Response("The created render task has no id".into()), None)
                })?;
                let task = client.wait(&id, Some(created), &job).await?;
                let results = client.results_when_ready(&id, &job).await?;
                Ok((task, results))
            })
            .await?;
        let result = Object::from(results);
        js_sys::Reflect::set(&result, &"task".into(), &task.js)?;
        Ok(result.into())
    }
}

impl LookerClient {
    async fn create_simple(
        &self,
        kind: RenderKind,
        id: JsValue,
        format: JsValue,
        width: JsValue,
        height: JsValue,
        options: Option<JsValue>,
    ) -> Result<Ts<RenderTask>, JsValue> {
        let client = Rc::clone(&self.inner);
        let options = options.unwrap_or_default();
        let options = Options::new(&options, "options")?;
        let task = simple_request(kind, &id, &format, &width, &height, &options)?;
        let signal = options.signal("signal")?;
        Ok(client.create(&task, signal.as_ref()).await?.to_js())
    }
}

/// One wait or render: its deadline and progress reporting, and the last
/// task seen, for the timeout error.
struct Job {
    scope: Scope,
    started_ms: f64,
    timeout_ms: f64,
    on_progress: Option<Function>,
    last: std::cell::RefCell<Option<Task>>,
}

impl Job {
    fn new(wait: &WaitArgs) -> Self {
        Self {
            scope: Scope::new(wait.signal.as_ref(), wait.timeout_ms),
            started_ms: js::now_ms(),
            timeout_ms: wait.timeout_ms,
            on_progress: wait.on_progress.clone(),
            last: Default::default(),
        }
    }

    fn signal(&self) -> AbortSignal {
        self.scope.signal()
    }

    fn remaining_ms(&self) -> f64 {
        self.timeout_ms - (js::now_ms() - self.started_ms)
    }

    /// Runs `work` under this job's deadline, turning whatever it fails with
    /// after the deadline into a `RenderTimeoutError`. (The scope releases the
    /// deadline's timer and listener when the job is dropped.)
    async fn run<T>(&self, work: impl std::future::Future<Output = Result<T, CallError>>) -> Result<T, JsValue> {
        let outcome = work.await;
        outcome.map_err(|error| if self.scope.timed_out() { self.timeout_error() } else { error.into() })
    }

    fn timeout_error(&self) -> JsValue {
        let last = self.last.borrow();
        let task = last.as_ref().map_or(JsValue::NULL, |task| task.js.clone());
        let status =
            last.as_ref().and_then(|task| task.value.status()).map_or("no status yet", |s| s.as_str()).to_owned();
        let message = format!(
            "The render did not finish within timeoutMs ({} ms); last status: {status}",
            request::show_number(self.timeout_ms)
        );
        js::render_timeout_error(&message, self.timeout_ms, task)
    }

    /// Remembers `task` and reports it when its status changed.
    fn saw(&self, task: &Task) -> Result<(), CallError> {
        let changed = self.last.borrow().as_ref().map(|last| last.value.status()) != Some(task.value.status());
        *self.last.borrow_mut() = Some(task.clone());
        if let (true, Some(on_progress)) = (changed, &self.on_progress) {
            on_progress.call1(&JsValue::UNDEFINED, &task.js)?;
        }
        Ok(())
    }

    /// Sleeps `ms`, or rejects as soon as the job is aborted.
    async fn sleep(&self, ms: f64) -> Result<(), CallError> {
        JsFuture::from(js::sleep(ms, Some(&self.signal()))).await?;
        Ok(())
    }
}

impl Client {
    async fn create(&self, task: &CreateRenderTask, signal: Option<&AbortSignal>) -> Result<Task, CallError> {
        let request = request::create_render_task(&self.base, task)?;
        self.task(&request, signal).await
    }

    /// `{ bytes, contentType }` of a finished task, or the failure: a 202 is
    /// [`CallError::NotReady`].
    async fn results(&self, id: &str, signal: Option<&AbortSignal>) -> Result<Object, CallError> {
        let request = request::render_task_results(&self.base, id)?;
        let answer = self.send(&request, signal, true).await?;
        if answer.status == 202 {
            let retry_after = answer.retry_after.as_deref().and_then(|value| retry_after_ms(value, js::now_ms()));
            return Err(CallError::NotReady(retry_after));
        }
        let content_type = answer.content_type.clone().unwrap_or_else(|| "application/octet-stream".to_owned());
        match answer.payload {
            Payload::Bytes(bytes) => Ok(js::object(&[("bytes", bytes.into()), ("contentType", content_type.into())])),
            Payload::TooLarge(limit) if (200..300).contains(&answer.status) => {
                let message =
                    format!("The render result is larger than maxResultBytes ({} bytes)", request::show_number(limit));
                Err(CallError::Looker(Failure::Response(message), None))
            }
            _ => Err(api_failure(&answer)),
        }
    }

    /// The results, waiting on 202s as `Retry-After` says, within the job.
    async fn results_when_ready(&self, id: &str, job: &Job) -> Result<Object, CallError> {
        loop {
            match self.results(id, Some(&job.signal())).await {
                Err(CallError::NotReady(retry_after)) => {
                    let delay = retry_after.unwrap_or(NOT_READY_DEFAULT_MS);
                    job.sleep(delay.min(job.remaining_ms().max(0.0) + 1.0)).await?;
                }
                other => return other,
            }
        }
    }

    /// Polls task `id` until it is final. `first` is a task already in hand
    /// (from its creation), so the first poll waits; without it the first
    /// poll is at once.
    async fn wait(&self, id: &str, first: Option<Task>, job: &Job) -> Result<Task, CallError> {
        let schedule = PollSchedule::default();
        let request = request::render_task(&self.base, id, &request::Fields::all())?;
        let mut polls = 0;
        let mut retry_after: Option<f64> = None;
        let mut seen = first;
        loop {
            // Wait before asking (again) when a task is in hand or a 429 said so;
            // a wait without either starts by asking at once.
            let must_wait = match seen.take() {
                Some(task) => {
                    job.saw(&task)?;
                    match task.value.status() {
                        Some(RenderTaskStatus::Success) => return Ok(task),
                        Some(RenderTaskStatus::Failure) => return Err(CallError::Js(failed_error(id, &task))),
                        _ => true,
                    }
                }
                None => retry_after.is_some(),
            };
            if must_wait {
                match schedule.next(polls, js::random(), retry_after.take(), job.remaining_ms()) {
                    Next::Sleep(ms) => job.sleep(ms).await?,
                    // The job's deadline fires during this sleep and ends the wait.
                    Next::GiveUpAfter(ms) => {
                        job.sleep(ms + 1.0).await?;
                        return Err(CallError::Js(job.timeout_error()));
                    }
                }
            }
            polls += 1;
            match self.task(&request, Some(&job.signal())).await {
                Ok(task) => seen = Some(task),
                Err(CallError::Looker(Failure::Api(error), header)) if error.status == 429 => {
                    retry_after =
                        Some(header.as_deref().and_then(|value| retry_after_ms(value, js::now_ms())).unwrap_or(0.0));
                }
                Err(error) => return Err(error),
            }
        }
    }
}

fn failed_error(id: &str, task: &Task) -> JsValue {
    let detail = task.value.status_detail().unwrap_or("Looker gave no status_detail");
    js::render_failed_error(&format!("Render task {id} failed: {detail}"), task.js.clone())
}
