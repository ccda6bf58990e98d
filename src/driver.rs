//! Runs one call of the core's state machine ([`Call`]) with real I/O:
//! `fetch`, timers, the caller's callbacks and abort signal. It decides
//! nothing: each step says what to do, and the outcome goes back as an event.

use crate::js::{self, Deadline, Js};
use crate::Inner;
use js_sys::{Function, Promise};
use looker_render_core::call::{Call, Event, Output, Step};
use looker_render_core::error::{ArgumentError, Error};
use looker_render_core::input::Controls;
use looker_render_core::request::{Expect, Request};
use looker_render_core::response::{Answer, Body, Head, MAX_JSON_BYTES};
use looker_render_core::text;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// Runs `call` to its end: the value or the error the caller's promise settles with.
pub async fn drive(client: Rc<Inner>, mut call: Call<Js>, controls: Controls<Js>) -> Result<JsValue, JsValue> {
    let caller = controls.signal.map(|signal| signal.0.unchecked_into::<AbortSignal>());
    // A wait or render has a deadline of its own, over all its requests.
    let job = controls.deadline_ms.map(|ms| Deadline::new(caller.as_ref(), ms, ms));
    let signal = job.as_ref().map(Deadline::signal).or(caller);
    let on_progress = controls.on_progress.map(|callback| callback.0.unchecked_into::<Function>());
    let mut io = Io { client: &client, signal, job: job.as_ref(), on_progress, cause: JsValue::UNDEFINED };
    let outcome = io.run(&mut call).await;
    if let Some(job) = &job {
        job.release();
    }
    // However the call ended, it holds no login any more.
    call.cancel(&mut client.state.borrow_mut());
    client.wake_if_login_settled();
    outcome
}

struct Io<'a> {
    client: &'a Inner,
    signal: Option<AbortSignal>,
    job: Option<&'a Deadline>,
    on_progress: Option<Function>,
    /// The last request that got no answer, the cause of a network error.
    cause: JsValue,
}

impl Io<'_> {
    async fn run(&mut self, call: &mut Call<Js>) -> Result<JsValue, JsValue> {
        let mut event = Event::Start;
        loop {
            let step = call.step(&mut self.client.state.borrow_mut(), event, js::now_ms());
            self.client.wake_if_login_settled();
            event = match step {
                Step::Send { request, token, remaining_ms, timeout_ms } => {
                    let deadline = Deadline::new(self.signal.as_ref(), remaining_ms, timeout_ms);
                    let answer = self.exchange(&request, token, &deadline).await;
                    deadline.release();
                    match answer {
                        Ok(answer) => Event::Answer(answer),
                        Err(_) if self.expired() => Event::Expired,
                        Err(_) if deadline.aborted() => return Err(deadline.reason()),
                        Err(error) => {
                            self.cause = error;
                            Event::NoAnswer
                        }
                    }
                }
                Step::Sleep(ms) => match JsFuture::from(js::sleep(ms, self.signal.as_ref())).await {
                    Ok(_) => Event::Woke,
                    Err(_) if self.expired() => Event::Expired,
                    Err(reason) => return Err(reason),
                },
                Step::AskToken => {
                    let get = self.client.get_access_token.as_ref().ok_or(JsValue::UNDEFINED)?;
                    let token = JsFuture::from(Promise::resolve(&get.call0(&JsValue::UNDEFINED)?)).await?;
                    Event::Token(token.as_string())
                }
                Step::AwaitLogin => {
                    JsFuture::from(self.client.latch()).await?;
                    Event::Woke
                }
                Step::Progress(task) => {
                    if let Some(on_progress) = &self.on_progress {
                        on_progress.call1(&JsValue::UNDEFINED, &task.0)?;
                    }
                    Event::Woke
                }
                Step::Done(result) => return result.map(output).map_err(|error| self.error(error)),
            };
        }
    }

    fn expired(&self) -> bool {
        self.job.is_some_and(Deadline::timed_out)
    }

    /// One request out, its whole answer in, under `deadline`.
    async fn exchange(&self, request: &Request, token: Option<String>, deadline: &Deadline) -> Result<Answer<Js>, JsValue> {
        let body = request.body.as_ref();
        let init = js::request_init(
            request.method.as_str(),
            token.map(|token| text!("token ", token)),
            body.map(|body| body.content_type()),
            body.map(|body| body.text().to_owned()),
            &deadline.signal(),
        );
        let response = match &self.client.fetch {
            // An injected fetch may throw instead of rejecting: a failure all the same.
            Some(fetch) => Promise::resolve(&fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(&request.url), &init)?),
            None => js::global_fetch(&request.url, &init),
        };
        let response = JsFuture::from(response).await?;
        let bytes_limit = match request.expect {
            Expect::Bytes(limit) => limit,
            Expect::Json => -1.0,
        };
        let answer: js::Answer = JsFuture::from(js::read_answer(&response, bytes_limit, MAX_JSON_BYTES)).await?.unchecked_into();
        let head = Head::new(answer.status(), answer.content_type(), answer.retry_after().as_deref(), js::now_ms());
        let body = match answer.kind() {
            0 => Body::Json(Js(answer.body())),
            1 => Body::NotJson(answer.size() as usize),
            2 => Body::Bytes(Js(answer.body())),
            _ => Body::TooLarge(answer.size()),
        };
        Ok(Answer { head, body })
    }

    /// The JS error for a failed call.
    fn error(&self, error: Error<Js>) -> JsValue {
        let value = |value: Option<Js>| value.map_or(JsValue::NULL, |value| value.0);
        match error {
            Error::Argument(error) => argument_error(error),
            Error::Api(error) => {
                js::api_error(&error.message, error.status, &value(error.documentation_url), &value(error.errors))
            }
            Error::Response(message) => js::response_error(&message),
            Error::Network { path } => js::network_error(&path, &self.cause),
            Error::Failed { task, message } => js::failed_error(&message, &task.0),
            Error::Timeout { timeout_ms, task, message } => js::render_timeout_error(&message, timeout_ms, &value(task)),
            Error::NotReady { retry_after_ms, message } => js::not_ready_error(&message, retry_after_ms),
        }
    }
}

/// What a call resolves with.
fn output(output: Output<Js>) -> JsValue {
    match output {
        Output::Nothing => JsValue::UNDEFINED,
        Output::Task(task) => task.0,
        Output::Results { bytes, content_type } => js::result(&bytes.0, &content_type, &JsValue::UNDEFINED),
        Output::Rendered { task, bytes, content_type } => js::result(&bytes.0, &content_type, &task.0),
    }
}

/// A caller's mistake as the built-in error of its kind.
pub fn argument_error(error: ArgumentError) -> JsValue {
    match error {
        ArgumentError::Type(message) => js_sys::TypeError::new(&message).into(),
        ArgumentError::Range(message) => js_sys::RangeError::new(&message).into(),
    }
}
