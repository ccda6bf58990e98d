//! Reading Looker's answers: the parts of a response's head that matter,
//! parsed once, and the mapping of a body to the value asked for or to the
//! error it is. The body arrives parsed (by `JSON.parse` in the wasm build)
//! and is checked against [`crate::schema`], never decoded a second time.

use crate::error::{ApiError, Error};
use crate::schema::{self, Schema};
use crate::text;
use crate::text::split_ascii;
use crate::value::{Kind, Value};

/// The most a JSON body may weigh: a RenderTask or an error is a few KiB.
pub const MAX_JSON_BYTES: f64 = 1024.0 * 1024.0;

/// The head of an answer, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Head<V> {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if any, as the I/O layer has it (a string):
    /// only read for messages and results, so not copied on every answer.
    pub content_type: Option<V>,
    /// The delay a `Retry-After` header asks for, in milliseconds, when it
    /// makes sense.
    pub retry_after_ms: Option<f64>,
}

impl<V> Default for Head<V> {
    fn default() -> Self {
        Self { status: 0, content_type: None, retry_after_ms: None }
    }
}

impl<V: Value> Head<V> {
    /// Parses the headers that matter; `now_ms` (ms since the Unix epoch)
    /// turns an HTTP-date `Retry-After` into a delay.
    pub fn new(status: u16, content_type: Option<V>, retry_after: Option<&str>, now_ms: f64) -> Self {
        Self { status, content_type, retry_after_ms: retry_after.and_then(|value| retry_after_ms(value, now_ms)) }
    }

    /// A 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The content type, as a string.
    pub fn content_type(&self) -> Option<String> {
        self.content_type.as_ref()?.string()
    }

    /// "text/html, 512 bytes", for messages about a body.
    fn describe_body(&self, len: usize) -> String {
        text!(self.content_type().as_deref().unwrap_or("no content type"), ", ", len, " bytes")
    }
}

/// A body as the I/O layer read it, as the request expected (JSON, or bytes on 2xx).
#[derive(Clone, Debug, PartialEq)]
pub enum Body<V> {
    /// Parsed JSON.
    Json(V),
    /// Text that is not JSON (an HTML page, a cut-off body), of this many bytes.
    NotJson(usize),
    /// Binary, untouched (a `Uint8Array` in the wasm build).
    Bytes(V),
    /// Larger than the limit (in bytes); the rest was not read.
    TooLarge(f64),
}

/// An answer: head and body.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer<V> {
    /// Status and headers.
    pub head: Head<V>,
    /// The body.
    pub body: Body<V>,
}

impl<V: Value> Answer<V> {
    /// The body of a 2xx as a checked `what` (a Looker type named in messages),
    /// or the failure the answer is.
    pub fn checked(self, schema: &Schema, what: &str) -> Result<V, Error<V>> {
        if !self.head.is_success() {
            return Err(Error::Api(self.api_error()));
        }
        // What is wrong, after one shared "the response is not a RenderTask: ".
        let problem = match self.body {
            Body::Json(value) => match schema::check(schema, &value) {
                Ok(()) => return Ok(value),
                Err(mismatch) => mismatch.describe(),
            },
            Body::NotJson(len) => text!("the body (", self.head.describe_body(len), ") is not JSON"),
            Body::Bytes(_) => "the body is not JSON".to_owned(),
            Body::TooLarge(limit) => {
                return Err(Error::response(text!(
                    "the response body is larger than ",
                    limit,
                    " bytes, more than any Looker JSON answer"
                )))
            }
        };
        Err(Error::response(text!("the response is not a ", what, ": ", problem)))
    }

    /// The error a non-2xx answer is, keeping what Looker said when the body is
    /// a Looker `Error` or `ValidationError`.
    pub fn api_error(&self) -> ApiError<V> {
        let status = self.head.status;
        let looker = match &self.body {
            Body::Json(value) if value.kind() == Kind::Object => Some(value),
            _ => None,
        };
        let property =
            |name: &'static str, shape_ok: fn(&V) -> bool| looker.and_then(|value| value.field(name)).filter(&shape_ok);
        let documentation_url = property("documentation_url", |v| v.kind() == Kind::String);
        let errors = property("errors", |v| {
            v.kind() == Kind::Array
                && v.items().iter().all(|item| schema::check(&schema::VALIDATION_ERROR_DETAIL, item).is_ok())
        });
        let looker_message = looker.and_then(|value| schema::string_of(value, "message")).filter(|m| !m.is_empty());
        let body = match (&looker_message, &self.body) {
            (Some(_), _) => None,
            (None, Body::Json(_)) => Some("the body has no Looker message".to_owned()),
            (None, Body::NotJson(len)) => {
                Some(text!("the body (", self.head.describe_body(*len), ") is not a Looker error"))
            }
            (None, Body::Bytes(_)) => Some("the body is not a Looker error".to_owned()),
            (None, Body::TooLarge(limit)) => Some(text!("the body is larger than ", *limit, " bytes")),
        };
        ApiError { documentation_url, errors, ..ApiError::new(status, looker_message, body) }
    }
}

/// The standard reason phrase of the error statuses a Looker client meets.
pub fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// The delay a `Retry-After` header asks for, in milliseconds: either
/// delay-seconds or an HTTP date (relative to `now_ms`, milliseconds since the
/// Unix epoch). `None` when the header makes no sense.
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim_ascii();
    // Integer seconds; past what an f64 holds makes no sense either.
    if let Some(seconds) = crate::text::ascii_decimal(value) {
        return (seconds * 1000.0).is_finite().then_some(seconds * 1000.0);
    }
    let at = http_date_ms(value)?;
    Some((at - now_ms).max(0.0))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the HTTP date
/// form senders must generate, to milliseconds since the Unix epoch.
fn http_date_ms(value: &str) -> Option<f64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    // An IMF-fixdate has single spaces between its parts.
    let mut parts = split_ascii(value, b' ');
    let (weekday, day, month, year, time, zone) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || zone != "GMT" || weekday.as_bytes().last() != Some(&b',') {
        return None;
    }
    let day = small_number(day, 2)?;
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    // IMF-fixdate years have four digits, which keeps the arithmetic far from overflow.
    let year = small_number(year, 4).filter(|year| *year >= 1)?;
    let mut hms = split_ascii(time, b':');
    let (hour, minute, second) =
        (small_number(hms.next()?, 2)?, small_number(hms.next()?, 2)?, small_number(hms.next()?, 2)?);
    if hms.next().is_some() || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + hour * 3_600 + minute * 60 + second) * 1_000) as f64)
}

/// A number of exactly `digits` ASCII digits.
fn small_number(text: &str, digits: usize) -> Option<i64> {
    if text.len() != digits {
        return None;
    }
    // At most four digits here, so the f64 is exact.
    crate::text::ascii_decimal(text).map(|number| number as i64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::RENDER_TASK;
    use serde_json::{json, Value as Json};

    fn head(status: u16) -> Head<Json> {
        Head { status, content_type: Some(json!("application/json")), retry_after_ms: None }
    }

    /// What the wasm layer does with `JSON.parse`, done with serde_json.
    fn answer(status: u16, text: &str) -> Answer<Json> {
        let body = match serde_json::from_str::<Json>(text) {
            Ok(value) => Body::Json(value),
            Err(_) => Body::NotJson(text.len()),
        };
        Answer { head: head(status), body }
    }

    #[allow(clippy::result_large_err)] // a test helper: serde_json values make the error large
    fn task(text: &str) -> Result<Json, Error<Json>> {
        answer(200, text).checked(&RENDER_TASK, "RenderTask")
    }

    fn fixtures(dir: &str) -> Vec<(String, String)> {
        let path = format!("{}/../tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
        let mut all: Vec<_> = std::fs::read_dir(path)
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                (entry.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(entry.path()).unwrap())
            })
            .collect();
        all.sort();
        all
    }

    #[test]
    fn every_fixture_passes_and_is_handed_back_as_sent() {
        let all = fixtures("render_tasks");
        assert!(all.len() >= 9);
        for (name, text) in all {
            let checked = task(&text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(checked, serde_json::from_str::<Json>(&text).unwrap(), "{name}");
        }
    }

    #[test]
    fn wrong_types_name_the_property_and_the_type() {
        let message = |text: &str| match task(text).unwrap_err() {
            Error::Response { problem, .. } => problem,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            message(r#"{"id":"1","width":"wide"}"#),
            "the response is not a RenderTask: property width: expected a whole number or null, found a string"
        );
        assert!(message(r#"{"id":null}"#).contains("property id"));
        assert!(message(r#"{"can":{"show":"yes"}}"#).contains("property can.show"));
        assert!(message("[1,2]").contains("expected a JSON object"));
        assert!(message("null").contains("expected a JSON object"));
        assert!(message(r#"{"status":7}"#).contains("property status"));
    }

    #[test]
    fn bodies_that_are_not_json() {
        assert_eq!(
            task(r#"{"id":"1","sta"#).unwrap_err(),
            Error::response("the response is not a RenderTask: the body (application/json, 14 bytes) is not JSON")
        );
        let html = Answer::<Json> {
            head: Head { status: 200, content_type: Some(json!("text/html")), retry_after_ms: None },
            body: Body::NotJson(512),
        };
        let Error::Response { problem: message, .. } = html.checked(&RENDER_TASK, "RenderTask").unwrap_err() else {
            panic!()
        };
        assert!(message.contains("text/html, 512 bytes"), "{message}");
        let huge = Answer::<Json> { head: head(200), body: Body::TooLarge(MAX_JSON_BYTES) };
        let Error::Response { problem: message, .. } = huge.checked(&RENDER_TASK, "RenderTask").unwrap_err() else {
            panic!()
        };
        assert!(message.contains("larger than 1048576 bytes"), "{message}");
    }

    #[test]
    fn looker_errors_keep_status_message_and_link() {
        for (name, text) in fixtures("errors") {
            let status: u16 = name.trim_end_matches(".json").parse().unwrap();
            let Err(Error::Api(error)) = answer(status, &text).checked(&RENDER_TASK, "RenderTask") else {
                panic!("{name} is not an API error");
            };
            let sent: Json = serde_json::from_str(&text).unwrap();
            assert_eq!(error.status, status);
            assert_eq!(error.looker_message.as_deref(), sent["message"].as_str());
            assert_eq!(error.body, None);
            assert_eq!(error.documentation_url.as_ref(), sent.get("documentation_url"));
            assert_eq!(error.errors.is_some(), status == 422, "{name}");
        }
    }

    #[test]
    fn errors_that_are_not_looker_json_get_a_clear_message() {
        let gateway = Answer::<Json> {
            head: Head { status: 502, content_type: Some(json!("text/html")), retry_after_ms: None },
            body: Body::NotJson(100),
        };
        let error = Error::Api(gateway.api_error()).in_context(&|| "get render task 1".into());
        assert_eq!(
            error.message(),
            "get render task 1: 502 Bad Gateway; the body (text/html, 100 bytes) is not a Looker error"
        );
        let Error::Api(error) = error else { panic!() };
        assert_eq!(error.documentation_url, None);
        let error = answer(599, r#"{"message":null,"documentation_url":"https://d"}"#).api_error();
        assert_eq!((error.looker_message, error.body.as_deref()), (None, Some("the body has no Looker message")));
        let message = |status, body| Error::Api(answer(status, body).api_error()).message();
        assert_eq!(message(599, r#"{"message":null}"#), ": 599; the body has no Looker message");
        assert_eq!(error.documentation_url, Some(json!("https://d")));
        assert!(message(500, r#"{"message":""}"#).starts_with(": 500 Internal Server Error; "));
        assert!(message(503, r#"["x"]"#).starts_with(": 503 Service Unavailable; "));
        // Details that are not Looker's shape are left out, the rest kept.
        let error = answer(422, r#"{"message":"m","documentation_url":7,"errors":[{"field":1}]}"#).api_error();
        assert_eq!((error.looker_message.as_deref(), error.documentation_url, error.errors), (Some("m"), None, None));
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        assert_eq!(retry_after_ms("2", 0.0), Some(2000.0));
        assert_eq!(retry_after_ms(" 0 ", 0.0), Some(0.0));
        let now = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:49:40 GMT", now), Some(3000.0));
        assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:49:30 GMT", now), Some(0.0));
        assert_eq!(http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(http_date_ms("Tue, 29 Feb 2028 23:59:59 GMT"), Some(1_835_481_599_000.0));
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun, 6 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(retry_after_ms(bad, now), None, "{bad:?}");
        }
        assert_eq!(Head::<Json>::new(429, None, Some("3"), 0.0).retry_after_ms, Some(3000.0));
    }

    /// Inputs the fuzzer found once, kept as plain tests (seeds in fuzz/seeds/retry_after/).
    #[test]
    fn retry_after_never_overflows() {
        let sane = |ms: Option<f64>| ms.map_or(true, |ms| ms.is_finite() && ms >= 0.0);
        for value in [
            "Sun, 06 Nov 300000000 08:49:37 GMT",
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
            "Sun, 06 Jan -9223372036854775808 08:49:37 GMT",
        ] {
            assert!(sane(retry_after_ms(value, 0.0)), "{value}");
        }
        let far = format!("1{}", "0".repeat(306));
        assert_eq!(retry_after_ms(&far, 0.0), None);
        assert!(sane(retry_after_ms(&"9".repeat(40), 0.0)));
    }
}
