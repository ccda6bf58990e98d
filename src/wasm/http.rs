//! One HTTP exchange over `fetch`: the request out, the whole answer in,
//! under one deadline that also covers reading the body.

use super::js::{self, Deadline};
use crate::request::Request;
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

/// A body as read: parsed JSON, text that is not JSON, or raw bytes.
pub enum Payload {
    /// `JSON.parse` succeeded (or the body was empty: `null`).
    Json(JsValue),
    /// Not JSON; its length in UTF-16 code units.
    NotJson(usize),
    /// Binary, untouched.
    Bytes(Uint8Array),
}

/// An answer, with its body read.
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub payload: Payload,
}

/// How requests go out: which `fetch`, which deadline.
#[derive(Clone)]
pub struct Http {
    fetch: Option<Function>,
    timeout_ms: f64,
}

/// Releases a deadline however the exchange ends.
struct Release(Deadline);

impl Drop for Release {
    fn drop(&mut self) {
        self.0.release();
    }
}

impl Http {
    pub fn new(fetch: Option<Function>, timeout_ms: f64) -> Self {
        Self { fetch, timeout_ms }
    }

    /// Sends `request` with `token` (if the request is authenticated) and reads
    /// the whole answer: as bytes when `binary` and the status is 2xx, else as
    /// JSON. Rejects with the caller's abort reason, a timeout error or a
    /// network error.
    pub async fn send(
        &self,
        request: &Request,
        token: Option<&str>,
        signal: Option<&AbortSignal>,
        binary: bool,
    ) -> Result<Answer, JsValue> {
        let deadline = Release(Deadline::new(signal, self.timeout_ms));
        let outcome = self.exchange(request, token, &deadline.0, binary).await;
        outcome.map_err(|error| {
            if deadline.0.aborted() {
                deadline.0.reason()
            } else {
                js::network_error(path_of(&request.url), error)
            }
        })
    }

    async fn exchange(
        &self,
        request: &Request,
        token: Option<&str>,
        deadline: &Deadline,
        binary: bool,
    ) -> Result<Answer, JsValue> {
        let headers = Headers::new()?;
        if request.authenticated {
            if let Some(token) = token {
                headers.set("Authorization", &format!("token {token}"))?;
            }
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
            Some(fetch) => Promise::resolve(&fetch.call2(
                &JsValue::UNDEFINED,
                &JsValue::from_str(&request.url),
                &init,
            )?),
            None => js::global_fetch(&request.url, &init),
        };
        // Duck-typed: an injected fetch may return a Response of its own.
        let response: Response = JsFuture::from(promise).await?.unchecked_into();
        let status = response.status();
        let header = |name: &str| response.headers().get(name).ok().flatten();
        let content_type = header("content-type");
        let retry_after = header("retry-after");
        let payload = if binary && (200..300).contains(&status) {
            Payload::Bytes(Uint8Array::new(
                &JsFuture::from(response.array_buffer()?).await?,
            ))
        } else {
            let text = JsFuture::from(response.text()?)
                .await?
                .as_string()
                .unwrap_or_default();
            if text.is_empty() {
                Payload::Json(JsValue::NULL)
            } else {
                match js_sys::JSON::parse(&text) {
                    Ok(value) => Payload::Json(value),
                    Err(_) => Payload::NotJson(text.len()),
                }
            }
        };
        Ok(Answer {
            status,
            content_type,
            retry_after,
            payload,
        })
    }
}

/// The path of a URL, for messages: never the query, which could carry a
/// secret in someone else's URL scheme.
fn path_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let path_start = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    let path_end = url.find('?').unwrap_or(url.len());
    url.get(path_start..path_end.max(path_start)).unwrap_or("")
}
