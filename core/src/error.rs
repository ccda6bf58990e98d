//! What can go wrong, as values a program can branch on. The wasm layer
//! turns each into the JS error class of the same name.

use crate::text;

/// A caller's mistake, found before any request is sent. The JS layer throws
/// it as the built-in error of the same kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgumentError {
    /// The value has the wrong type, or is empty (a JS `TypeError`).
    Type(String),
    /// The value has the right type but is out of range (a JS `RangeError`).
    Range(String),
}

impl ArgumentError {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            Self::Type(message) | Self::Range(message) => message,
        }
    }
}

/// A non-2xx answer from Looker: the status and what Looker said. `V` is a
/// parsed value (a JS value in the wasm build), passed to the caller as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError<V> {
    /// The HTTP status code.
    pub status: u16,
    /// Looker's message, or a description of the response when the body was
    /// not a Looker error.
    pub message: String,
    /// Looker's documentation link for the error (a string).
    pub documentation_url: Option<V>,
    /// The details of a validation error (422): an array of `ValidationErrorDetail`.
    pub errors: Option<V>,
}

/// Why a call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Error<V> {
    /// A bad argument (JS `TypeError`/`RangeError`).
    Argument(ArgumentError),
    /// Looker answered with an error status (`LookerApiError`).
    Api(ApiError<V>),
    /// A 2xx whose body is not what the spec promises (`LookerResponseError`).
    Response(String),
    /// No answer at all (`LookerNetworkError`); the I/O layer adds the cause.
    Network {
        /// The path of the request, never its query.
        path: String,
    },
    /// The render task ended in `failure` (`RenderTaskFailedError`).
    Failed {
        /// The failed task.
        task: V,
        /// Says which task, and quotes Looker's `status_detail`.
        message: String,
    },
    /// A wait or render outlived its deadline (`RenderTimeoutError`).
    Timeout {
        /// The deadline, in milliseconds.
        timeout_ms: f64,
        /// The last task seen, if any.
        task: Option<V>,
        /// Says how long, and the last status.
        message: String,
    },
    /// Results asked for before the task finished: HTTP 202 (`RenderNotReadyError`).
    NotReady {
        /// How long Looker asked to wait, in milliseconds.
        retry_after_ms: Option<f64>,
        /// Says so.
        message: String,
    },
}

impl<V> From<ArgumentError> for Error<V> {
    fn from(error: ArgumentError) -> Self {
        Self::Argument(error)
    }
}

impl<V> Error<V> {
    /// Results that are not ready yet.
    pub fn not_ready(retry_after_ms: Option<f64>) -> Self {
        let message = match retry_after_ms {
            Some(ms) => text!(
                "The render task's results are not ready yet (HTTP 202); Looker asks to retry in ",
                ms,
                " ms"
            ),
            None => "The render task's results are not ready yet (HTTP 202)".into(),
        };
        Self::NotReady { retry_after_ms, message }
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(error) => Some(error.status),
            _ => None,
        }
    }
}
