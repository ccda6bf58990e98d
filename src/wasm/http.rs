//! HTTP over `fetch`: one request out, the whole answer in, under the call's
//! deadline (which also covers reading the body), repeated as the core's
//! retry policy allows.

use super::js::{self, Deadline};
use super::CallError;
use crate::request::Request;
use crate::response::retry_after_ms;
use crate::retry::{Attempt, Decision, RetryPolicy};
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

/// The most a JSON body may weigh: a RenderTask or an error is a few KiB.
pub const MAX_JSON_BYTES: f64 = 1024.0 * 1024.0;

/// A body as read: text, raw bytes, or too much.
pub enum Payload {
    /// Text (expected to be JSON), as a JS string and its copy in wasm.
    Text(JsValue, String),
    /// Binary, untouched.
    Bytes(Uint8Array),
    /// Larger than the limit (in bytes); the rest was not read.
    TooLarge(f64),
}

/// An answer, with its body read.
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub payload: Payload,
}

/// How requests go out: which `fetch`, which deadline, how patient.
#[derive(Clone)]
pub struct Http {
    fetch: Option<Function>,
    pub timeout_ms: f64,
    pub retry: RetryPolicy,
    pub max_result_bytes: f64,
}

/// Releases a deadline however the call ends.
pub struct Scope(pub Deadline);

impl Scope {
    /// A deadline of `timeout_ms` that also ends when `signal` aborts.
    pub fn new(signal: Option<&AbortSignal>, timeout_ms: f64) -> Self {
        Self(Deadline::new(signal, timeout_ms))
    }

    pub fn signal(&self) -> AbortSignal {
        self.0.signal()
    }

    /// Whether its time ran out (rather than the caller aborting).
    pub fn timed_out(&self) -> bool {
        self.0.timed_out()
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.0.release();
    }
}

impl Http {
    pub fn new(fetch: Option<Function>, timeout_ms: f64, retry: RetryPolicy, max_result_bytes: f64) -> Self {
        Self { fetch, timeout_ms, retry, max_result_bytes }
    }

    /// Sends `request` with `token`, repeating it as the retry policy allows
    /// for its idempotency, within `scope`'s deadline. A 2xx body is read as
    /// bytes when `binary`, everything else as JSON. Rejects with the caller's
    /// abort reason, a timeout error or a network error.
    pub async fn send(
        &self,
        request: &Request,
        token: Option<&str>,
        scope: &Scope,
        binary: bool,
    ) -> Result<Answer, CallError> {
        let started = js::now_ms();
        let mut retries = 0;
        loop {
            let outcome = self.exchange(request, token, &scope.0, binary).await;
            let attempt = match &outcome {
                Ok(_) if matches!(&outcome, Ok(answer) if answer.status < 400) => {
                    return outcome.map_err(CallError::Js)
                }
                Ok(answer) => {
                    let asked = answer.retry_after.as_deref().and_then(|value| retry_after_ms(value, js::now_ms()));
                    Attempt::Status(answer.status, asked)
                }
                // The deadline fired, or the caller aborted: never retried.
                Err(_) if scope.0.aborted() => return Err(CallError::Js(scope.0.reason())),
                Err(_) => Attempt::Network,
            };
            let remaining = self.timeout_ms - (js::now_ms() - started);
            match self.retry.decide(request.idempotency(), attempt, retries, js::random(), remaining) {
                Decision::RetryAfter(ms) => {
                    JsFuture::from(js::sleep(ms, Some(&scope.signal()))).await?;
                    retries += 1;
                }
                Decision::GiveUp => {
                    return outcome.map_err(|error| CallError::Js(js::network_error(path_of(&request.url), error)));
                }
            }
        }
    }

    async fn exchange(
        &self,
        request: &Request,
        token: Option<&str>,
        deadline: &Deadline,
        binary: bool,
    ) -> Result<Answer, JsValue> {
        let headers = Headers::new()?;
        if let (true, Some(token)) = (request.authenticated, token) {
            headers.set("Authorization", &format!("token {token}"))?;
        }
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        if let Some(body) = &request.body {
            headers.set("Content-Type", body.content_type())?;
            init.set_body(&JsValue::from_str(body.text()));
        }
        init.set_headers(&headers);
        init.set_signal(Some(&deadline.signal()));
        let promise = match &self.fetch {
            Some(fetch) => {
                Promise::resolve(&fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(&request.url), &init)?)
            }
            None => js::global_fetch(&request.url, &init),
        };
        // Duck-typed: an injected fetch may return a Response of its own.
        let response: Response = JsFuture::from(promise).await?.unchecked_into();
        let status = response.status();
        let header = |name: &str| response.headers().get(name).ok().flatten();
        let content_type = header("content-type");
        let retry_after = header("retry-after");
        let binary = binary && (200..300).contains(&status);
        let limit = if binary { self.max_result_bytes } else { MAX_JSON_BYTES };
        let body = JsFuture::from(js::read_body(&response, limit, !binary)).await?;
        let payload = if body.is_null() {
            Payload::TooLarge(limit)
        } else if binary {
            Payload::Bytes(body.unchecked_into())
        } else {
            let text = body.as_string().unwrap_or_default();
            Payload::Text(body, text)
        };
        Ok(Answer { status, content_type, retry_after, payload })
    }
}

/// The path of a URL, for messages: never the query.
fn path_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let path_start = url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i);
    let path_end = url.find('?').unwrap_or(url.len());
    url.get(path_start..path_end.max(path_start)).unwrap_or("")
}
