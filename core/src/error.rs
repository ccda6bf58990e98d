//! What can go wrong, as values a program can branch on. The wasm layer
//! turns each into the JS error class of the same name.

use crate::suggest::Hint;
use crate::text;

/// A caller's mistake, found before any request is sent: what was wrong, the
/// rule it broke, and what was given when showing it helps. Data rather than
/// text, so that each check costs its call site little; the message is
/// written in one place ([`ArgumentError::message`]). The JS layer throws it
/// as a `TypeError` or a `RangeError`.
#[derive(Clone, Debug, PartialEq)]
pub struct ArgumentError {
    /// A `RangeError` (the right type, a value out of range), not a `TypeError`.
    pub range: bool,
    /// The object the value is in (`options`, `request.body`), or `""` for an argument.
    pub object: &'static str,
    /// The value's name (`timeoutMs`, `renderTaskId`), or `""` for the object itself.
    pub key: &'static str,
    /// The rule, from the verb on: `must be a string`, `is required`.
    pub rule: &'static str,
    /// What was given, when the message shows it.
    pub given: Given,
    /// For a mistake in one request of a batch, its index: the message then
    /// says `requests[3]` where it would say `request`.
    pub item: Option<usize>,
}

/// What a message shows of the value given.
#[derive(Clone, Debug, PartialEq)]
pub enum Given {
    /// Nothing.
    Nothing,
    /// A number: ", not 1.5".
    Number(f64),
    /// A string: `, not "pdf"`.
    Text(String),
    /// Why it is wrong: " (it has no host)".
    Why(&'static str),
    /// Two names: " look_id and query_id".
    Both(&'static str, &'static str),
    /// A key the object does not take (the message names it instead of
    /// `key`), and what was probably meant.
    Unknown(String, Option<Hint>),
    /// The entry of a map that is wrong: `; the value of "Region" is not`.
    At(String),
}

impl ArgumentError {
    /// A `TypeError`: the wrong type, or missing.
    #[inline(never)]
    pub const fn type_error(object: &'static str, key: &'static str, rule: &'static str) -> Self {
        Self { range: false, object, key, rule, given: Given::Nothing, item: None }
    }

    /// A `RangeError`: the right type, a wrong value.
    #[inline(never)]
    pub const fn range_error(object: &'static str, key: &'static str, rule: &'static str, given: Given) -> Self {
        Self { range: true, object, key, rule, given, item: None }
    }

    /// The same mistake, showing `given`.
    pub fn given(self, given: Given) -> Self {
        Self { given, ..self }
    }

    /// The same mistake, in request number `index` of a batch.
    pub fn at_item(self, index: usize) -> Self {
        Self { item: Some(index), ..self }
    }

    /// The message: `options.timeoutMs must be a positive number of milliseconds, not -1`.
    pub fn message(&self) -> String {
        let key = match &self.given {
            Given::Unknown(key, _) => key.as_str(),
            _ => self.key,
        };
        let mut out = String::new();
        match (self.item, self.object.strip_prefix("request")) {
            (Some(index), Some(rest)) => {
                out.push_str("requests[");
                crate::text::put_u64(index as u64, &mut out);
                out.push_str("]");
                out.push_str(rest);
            }
            _ => out.push_str(self.object),
        }
        if !self.object.is_empty() && !key.is_empty() {
            out.push_str(".");
        }
        out.push_str(key);
        out.push_str(" ");
        out.push_str(self.rule);
        match &self.given {
            Given::Nothing => {}
            Given::Number(number) => {
                out.push_str(", not ");
                crate::text::put_number(*number, &mut out);
            }
            Given::Text(text) => {
                out.push_str(", not \"");
                out.push_str(text);
                out.push_str("\"");
            }
            Given::Why(why) => {
                out.push_str(" (");
                out.push_str(why);
                out.push_str(")");
            }
            Given::Both(first, second) => {
                out.push_str(" ");
                out.push_str(first);
                out.push_str(" and ");
                out.push_str(second);
            }
            Given::Unknown(_, Some(Hint::Key(meant))) => {
                out.push_str(": did you mean ");
                out.push_str(meant);
                out.push_str("?");
            }
            Given::Unknown(_, Some(Hint::Note(note))) => {
                out.push_str(": ");
                out.push_str(note);
            }
            Given::Unknown(_, None) => {}
            Given::At(name) => {
                out.push_str("; the value of \"");
                out.push_str(name);
                out.push_str("\" is not");
            }
        }
        out
    }
}

/// A non-2xx answer from Looker: the status and what Looker said. `V` is a
/// parsed value (a JS value in the wasm build), passed to the caller as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError<V> {
    /// The HTTP status code.
    pub status: u16,
    /// Looker's own message, when the body is a Looker error that has one.
    pub looker_message: Option<String>,
    /// What the body was, when it was not a Looker error with a message
    /// (`the body (text/html, 100 bytes) is not a Looker error`).
    pub body: Option<String>,
    /// Looker's documentation link for the error (a string).
    pub documentation_url: Option<V>,
    /// The details of a validation error (422): an array of `ValidationErrorDetail`.
    pub errors: Option<V>,
    /// What the client was doing: `create a PNG render task for look 7`.
    pub context: String,
    /// What the client knows of the cause, as a sentence.
    pub hint: Option<&'static str>,
}

impl<V> ApiError<V> {
    /// An error for `status` with Looker's `message`, in no context yet.
    pub fn new(status: u16, looker_message: Option<String>, body: Option<String>) -> Self {
        Self { status, looker_message, body, documentation_url: None, errors: None, context: String::new(), hint: None }
    }
}

/// Why a call failed. Each failure but a bad argument says what the call
/// was doing (its `context`: `get render task 7`), set where it failed or,
/// failing that, by the call as it ends; [`Error::message`] writes the text.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Error<V> {
    /// A bad argument (JS `TypeError`/`RangeError`).
    Argument(ArgumentError),
    /// Looker answered with an error status (`LookerApiError`).
    Api(ApiError<V>),
    /// A 2xx whose body is not what the spec promises (`LookerResponseError`).
    Response {
        /// What the call was doing.
        context: String,
        /// What was wrong with the body.
        problem: String,
    },
    /// No answer at all (`LookerNetworkError`); the I/O layer adds the cause.
    Network {
        /// What the call was doing.
        context: String,
        /// The path of the request, never its query.
        path: String,
        /// The origin of the web page that sent it, when the API is on
        /// another: the browser's CORS check is then the likely cause.
        page_origin: Option<String>,
    },
    /// One request outlived the client's `timeoutMs` (`LookerTimeoutError`).
    RequestTimeout {
        /// What the call was doing.
        context: String,
        /// The deadline, in milliseconds.
        timeout_ms: f64,
    },
    /// The render task ended in `failure` (`RenderTaskFailedError`).
    Failed {
        /// What the call was doing.
        context: String,
        /// The failed task.
        task: V,
        /// Looker's `status_detail`.
        detail: Option<String>,
    },
    /// A wait or render outlived its deadline (`RenderTimeoutError`).
    Timeout {
        /// What the call was doing.
        context: String,
        /// The deadline, in milliseconds.
        timeout_ms: f64,
        /// The last task seen, if any.
        task: Option<V>,
        /// The last status seen, if any.
        last_status: Option<String>,
    },
    /// Signing in with OAuth cannot go on (`LookerOAuthError`): a denied or
    /// tampered redirect, a refused code, a sign-in that has ended.
    OAuth {
        /// What went wrong, as a word a program can branch on: OAuth's own
        /// (`access_denied`, `invalid_grant`) or this client's
        /// (`state_mismatch`, `no_login_pending`, `sign_in_required`, ...).
        code: String,
        /// Says so, and what to do.
        message: String,
    },
    /// Results asked for before the task finished: HTTP 202 (`RenderNotReadyError`).
    NotReady {
        /// What the call was doing.
        context: String,
        /// How long Looker asked to wait, in milliseconds.
        retry_after_ms: Option<f64>,
    },
}

impl<V> From<ArgumentError> for Error<V> {
    fn from(error: ArgumentError) -> Self {
        Self::Argument(error)
    }
}

impl<V> Error<V> {
    /// A 2xx answer whose body is wrong, in no context yet.
    pub fn response(problem: impl Into<String>) -> Self {
        Self::Response { context: String::new(), problem: problem.into() }
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(error) => Some(error.status),
            _ => None,
        }
    }

    /// The same error, saying it happened while doing `context` unless it
    /// already says what it was about (a login's failure names the login).
    pub fn in_context(mut self, context: &dyn Fn() -> String) -> Self {
        let slot = match &mut self {
            Self::Argument(_) | Self::OAuth { .. } => return self,
            Self::Api(error) => &mut error.context,
            Self::Response { context, .. }
            | Self::Network { context, .. }
            | Self::RequestTimeout { context, .. }
            | Self::Failed { context, .. }
            | Self::Timeout { context, .. }
            | Self::NotReady { context, .. } => context,
        };
        if slot.is_empty() {
            *slot = context();
        }
        self
    }

    /// The message: what the call was doing, then what went wrong
    /// (`create a PNG render task for look 7: 404 Not found`).
    pub fn message(&self) -> String {
        let context = match self {
            Self::Argument(error) => return error.message(),
            Self::OAuth { message, .. } => return message.clone(),
            Self::Api(error) => &error.context,
            Self::Response { context, .. }
            | Self::Network { context, .. }
            | Self::RequestTimeout { context, .. }
            | Self::Failed { context, .. }
            | Self::Timeout { context, .. }
            | Self::NotReady { context, .. } => context,
        };
        let mut out = context.clone();
        out.push_str(": ");
        match self {
            Self::Argument(_) | Self::OAuth { .. } => {}
            Self::Api(error) => {
                crate::text::put_u64(u64::from(error.status), &mut out);
                let said = error.looker_message.as_deref().or(crate::response::reason_phrase(error.status));
                if let Some(said) = said {
                    out.push_str(" ");
                    out.push_str(said);
                }
                if let Some(body) = &error.body {
                    out.push_str("; ");
                    out.push_str(body);
                }
                if let Some(hint) = error.hint {
                    if out.as_bytes().last() != Some(&b'.') {
                        out.push_str(".");
                    }
                    out.push_str(" ");
                    out.push_str(hint);
                }
            }
            Self::Response { problem, .. } => out.push_str(problem),
            Self::Network { path, page_origin, .. } => {
                out.push_str("no answer from ");
                out.push_str(path);
                if let Some(origin) = page_origin {
                    out.push_str(&text!(
                        "; from a page on ",
                        origin,
                        ", another origin than the API's, the likely cause is CORS: Looker answers a browser only when that origin is on its allowlist (Admin > Embed > Embedded Domain Allowlist)"
                    ));
                }
            }
            Self::RequestTimeout { timeout_ms, .. } => {
                out.push_str(&text!("no answer within timeoutMs (", *timeout_ms, " ms)"));
            }
            Self::Failed { detail, .. } => {
                out.push_str("the render failed: ");
                out.push_str(detail.as_deref().unwrap_or("Looker gave no status_detail"));
            }
            Self::Timeout { timeout_ms, last_status, .. } => out.push_str(&text!(
                "the render did not finish within timeoutMs (",
                *timeout_ms,
                " ms); last status: ",
                last_status.as_deref().unwrap_or("none yet")
            )),
            Self::NotReady { retry_after_ms, .. } => {
                out.push_str("the results are not ready yet (HTTP 202)");
                if let Some(ms) = retry_after_ms {
                    out.push_str(&text!("; Looker asks to retry in ", *ms, " ms"));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_written_from_the_parts() {
        let error = ArgumentError::range_error(
            "options",
            "timeoutMs",
            "must be a positive number of milliseconds",
            Given::Number(-1.5),
        );
        assert_eq!(error.message(), "options.timeoutMs must be a positive number of milliseconds, not -1.5");
        assert_eq!(
            ArgumentError::type_error("", "renderTaskId", "must be a non-empty string").message(),
            "renderTaskId must be a non-empty string"
        );
        assert_eq!(ArgumentError::type_error("options", "", "need one way").message(), "options need one way");
        let error = ArgumentError::type_error("request", "", "must have exactly one id, not both")
            .given(Given::Both("look_id", "query_id"));
        assert_eq!(error.message(), "request must have exactly one id, not both look_id and query_id");
        let error = ArgumentError::range_error(
            "",
            "resultFormat",
            "must be \"png\" or \"jpg\" for a look",
            Given::Text("pdf".into()),
        );
        assert_eq!(error.message(), "resultFormat must be \"png\" or \"jpg\" for a look, not \"pdf\"");
        assert_eq!(
            ArgumentError::type_error("", "baseUrl", "must be a URL").given(Given::Why("it has no host")).message(),
            "baseUrl must be a URL (it has no host)"
        );
    }
}
