//! Decoding Looker's responses and mapping failures to errors a program can
//! branch on. Works on any serde [`Deserializer`]: the wasm layer feeds it
//! what `JSON.parse` made, the native tests and fuzzers feed it `serde_json`.

use crate::models::{ErrorBody, ValidationErrorDetail};
use serde::de::{value::MapAccessDeserializer, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;

/// The parts of a response's head that decoding looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResponseHead<'a> {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
}

impl ResponseHead<'_> {
    /// A 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn describe_body(&self, body_len: usize) -> String {
        match self.content_type {
            Some(content_type) => format!("{content_type}, {body_len} bytes"),
            None => format!("no content type, {body_len} bytes"),
        }
    }
}

/// What the I/O layer made of a body it expected to be JSON.
pub enum JsonBody<D> {
    /// Parsed JSON, ready to be typed.
    Json(D),
    /// Something that is not JSON (an HTML page, a cut-off body), of this length.
    NotJson(usize),
}

/// A non-2xx answer from Looker: the status and what Looker said.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// Looker's message, or a description of the response when the body was
    /// not a Looker error.
    pub message: String,
    /// Looker's documentation link for the error.
    pub documentation_url: Option<String>,
    /// The details of a validation error (422).
    pub errors: Option<Vec<ValidationErrorDetail>>,
}

/// Why a response did not give the value asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// Looker answered with an error status.
    Api(ApiError),
    /// A 2xx whose body is not what the spec promises.
    Response(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(error) => write!(f, "{} ({})", error.message, error.status),
            Self::Response(message) => f.write_str(message),
        }
    }
}

/// Decodes a JSON response as `T` (named `what` in messages), or maps it to
/// the failure it is.
pub fn decode<'de, T, D>(head: ResponseHead<'_>, body: JsonBody<D>, what: &str) -> Result<T, Failure>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    if !head.is_success() {
        return Err(Failure::Api(api_error(head, body)));
    }
    match body {
        JsonBody::Json(json) => serde_path_to_error::deserialize(json).map(|Object(value)| value).map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            Failure::Response(if path == "." {
                format!("The response is not a {what}: {inner}")
            } else {
                format!("The response is not a {what}: property {path}: {inner}")
            })
        }),
        JsonBody::NotJson(len) => Err(Failure::Response(format!(
            "The response is not a {what}: the body ({}) is not JSON",
            head.describe_body(len)
        ))),
    }
}

/// Decodes a response's text as `T`: the entry point for real responses.
/// Text that is not JSON at all is told apart from JSON of the wrong shape.
pub fn decode_text<T: DeserializeOwned>(head: ResponseHead<'_>, text: &str, what: &str) -> Result<T, Failure> {
    let is_json = || serde_json::from_str::<IgnoredAny>(text).is_ok();
    let not_json = || JsonBody::<&mut serde_json::Deserializer<serde_json::de::StrRead<'_>>>::NotJson(text.len());
    if !head.is_success() {
        return if is_json() {
            decode(head, JsonBody::Json(&mut serde_json::Deserializer::from_str(text)), what)
        } else {
            decode(head, not_json(), what)
        };
    }
    let mut json = serde_json::Deserializer::from_str(text);
    let decoded = decode(head, JsonBody::Json(&mut json), what).and_then(|value| match json.end() {
        Ok(()) => Ok(value),
        Err(_) => decode(head, not_json(), what),
    });
    match decoded {
        // Only on failure: is it JSON of the wrong shape, or not JSON?
        Err(Failure::Response(_)) if !is_json() => decode(head, not_json(), what),
        other => other,
    }
}

/// Maps a non-2xx response to an [`ApiError`], keeping what Looker said when
/// the body is a Looker `Error` or `ValidationError`.
pub fn api_error<'de, D: Deserializer<'de>>(head: ResponseHead<'_>, body: JsonBody<D>) -> ApiError {
    let (looker, len) = match body {
        JsonBody::Json(json) => (Object::<ErrorBody>::deserialize(json).ok().map(|Object(body)| body), None),
        JsonBody::NotJson(len) => (None, Some(len)),
    };
    let status = head.status;
    match looker {
        Some(ErrorBody { message: Some(message), documentation_url, errors }) if !message.is_empty() => {
            ApiError { status, message, documentation_url, errors }
        }
        other => {
            let reason = reason_phrase(status).map(|r| format!(" {r}")).unwrap_or_default();
            let detail = match len {
                Some(len) => format!("the body ({}) is not a Looker error", head.describe_body(len)),
                None => "the body has no Looker message".to_owned(),
            };
            let (documentation_url, errors) = other.map(|b| (b.documentation_url, b.errors)).unwrap_or_default();
            ApiError { status, message: format!("HTTP {status}{reason}: {detail}"), documentation_url, errors }
        }
    }
}

/// A `T` that only a JSON object may give. serde's derived structs also take
/// arrays (by position), which no Looker response is.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer.deserialize_map(ObjectVisitor(PhantomData)).map(Object)
    }
}

/// The standard reason phrase of the statuses a Looker client meets.
pub fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
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
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Integer seconds (no float parsing in the wasm); more than 20 digits
        // overflow, which makes no sense either.
        return value.parse::<u64>().ok().map(|seconds| seconds as f64 * 1000.0);
    }
    let at = http_date_ms(value)?;
    Some((at - now_ms).max(0.0))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the HTTP date
/// form senders must generate, to milliseconds since the Unix epoch.
fn http_date_ms(value: &str) -> Option<f64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let parts: Vec<&str> = value.split_ascii_whitespace().collect();
    let [weekday, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    weekday.strip_suffix(',')?;
    let day: i64 = day.parse().ok()?;
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    // IMF-fixdate years have four digits; bounding them keeps the day
    // arithmetic below far from overflow.
    let year: i64 = year.parse().ok().filter(|year| (1..=9999).contains(year))?;
    let hms: Vec<i64> = time.split(':').map(str::parse).collect::<Result<_, _>>().ok()?;
    let [hour, minute, second] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || !(0..24).contains(hour) || !(0..60).contains(minute) || !(0..61).contains(second) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + hour * 3_600 + minute * 60 + second) * 1_000) as f64)
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
    use crate::models::{RenderTask, RenderTaskStatus};
    use serde_json::Value;

    const OK: ResponseHead<'static> = ResponseHead { status: 200, content_type: Some("application/json") };

    fn head(status: u16) -> ResponseHead<'static> {
        ResponseHead { status, content_type: Some("application/json") }
    }

    /// What the wasm layer does with `JSON.parse`, done with serde_json.
    fn body(text: &str) -> JsonBody<Value> {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => JsonBody::Json(value),
            Err(_) => JsonBody::NotJson(text.len()),
        }
    }

    fn task(text: &str) -> Result<RenderTask, Failure> {
        decode_text(OK, text, "RenderTask")
    }

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn fixtures(dir: &str) -> Vec<(String, String)> {
        let path = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
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
    fn every_fixture_decodes_and_serializes_back_to_what_was_sent() {
        let all = fixtures("render_tasks");
        assert!(all.len() >= 9);
        for (name, text) in all {
            let decoded = task(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut sent: Value = serde_json::from_str(&text).unwrap();
            sent.as_object_mut().unwrap().remove("new_property");
            assert_eq!(serde_json::to_value(&decoded).unwrap(), sent, "{name}");
        }
    }

    #[test]
    fn statuses_are_typed_and_unknown_ones_kept() {
        assert_eq!(task(&fixture("render_tasks/success.json")).unwrap().status(), Some(&RenderTaskStatus::Success));
        let failure = task(&fixture("render_tasks/failure.json")).unwrap();
        assert_eq!(failure.status(), Some(&RenderTaskStatus::Failure));
        assert!(failure.status_detail().unwrap().starts_with("Query failed"));
        let unknown = task(&fixture("render_tasks/unknown_status.json")).unwrap();
        assert_eq!(unknown.status(), Some(&RenderTaskStatus::Other("paused_for_review".into())));
        assert_eq!(serde_json::to_value(&unknown).unwrap()["status"], "paused_for_review");
        assert!(!RenderTaskStatus::Querying.is_final() && RenderTaskStatus::Failure.is_final());
    }

    #[test]
    fn permissions_keep_their_order() {
        // From text, as responses are decoded (serde_json's Value would sort the keys itself).
        let decoded = task(r#"{"can":{"show":true,"create":false,"a":true}}"#).unwrap();
        assert_eq!(serde_json::to_string(&decoded).unwrap(), r#"{"can":{"show":true,"create":false,"a":true}}"#);
        let can = decoded.can.unwrap();
        assert!(can.allows("show") && !can.allows("create") && !can.allows("delete"));
    }

    #[test]
    fn null_and_missing_stay_apart() {
        let nulls = task(&fixture("render_tasks/nulls.json")).unwrap();
        assert_eq!(nulls.status, Some(None));
        assert_eq!(nulls.width, Some(None));
        let minimal = task(&fixture("render_tasks/minimal.json")).unwrap();
        assert_eq!(minimal.status, None);
        assert_eq!(serde_json::to_string(&minimal).unwrap(), r#"{"id":"a0000000000000000000000000000007"}"#);
    }

    #[test]
    fn wrong_types_name_the_property() {
        let error = task(r#"{"id":"1","width":"wide"}"#).unwrap_err();
        assert!(
            matches!(&error, Failure::Response(m) if m.contains("property width") && m.contains("RenderTask")),
            "{error}"
        );
        let error = task(r#"{"id":null}"#).unwrap_err();
        assert!(error.to_string().contains("property id"), "{error}");
        let error = task(r#"{"can":{"show":"yes"}}"#).unwrap_err();
        assert!(error.to_string().contains("property can.show"), "{error}");
        assert!(task("[1,2]").unwrap_err().to_string().contains("not a RenderTask"));
        // An array of the right values, by position, is still not an object.
        assert!(task(r#"[{}, null, null, null, null, null, 1, "1"]"#)
            .unwrap_err()
            .to_string()
            .contains("expected a JSON object"));
        assert!(task("null").is_err());
        assert!(task(r#"{"status":7}"#).is_err());
    }

    #[test]
    fn bodies_that_are_not_json() {
        let error = task(r#"{"id":"1","sta"#).unwrap_err();
        assert_eq!(
            error,
            Failure::Response(
                "The response is not a RenderTask: the body (application/json, 14 bytes) is not JSON".into()
            )
        );
        let html = ResponseHead { status: 200, content_type: Some("text/html") };
        let error = decode::<RenderTask, Value>(html, JsonBody::NotJson(512), "RenderTask").unwrap_err();
        assert!(error.to_string().contains("text/html, 512 bytes"), "{error}");
    }

    #[test]
    fn text_that_is_not_json_is_told_apart_from_json_of_the_wrong_shape() {
        let not_json = |text: &str| task(text).unwrap_err().to_string().contains("is not JSON");
        assert!(not_json(""));
        assert!(not_json("<html>login</html>"));
        assert!(not_json(r#"{"id":"1"} trailing"#));
        assert!(!not_json(r#"{"id":1}"#));
        let error = decode_text::<RenderTask>(head(502), "<html>bad gateway</html>", "RenderTask").unwrap_err();
        assert!(matches!(error, Failure::Api(e) if e.status == 502 && e.message.contains("is not a Looker error")));
        let error = decode_text::<RenderTask>(head(404), &fixture("errors/404.json"), "RenderTask").unwrap_err();
        assert!(matches!(error, Failure::Api(e) if e.message == "Not found"));
    }

    #[test]
    fn looker_errors_keep_status_message_and_link() {
        for (name, text) in fixtures("errors") {
            let status: u16 = name.trim_end_matches(".json").parse().unwrap();
            let Failure::Api(error) = decode::<RenderTask, _>(head(status), body(&text), "RenderTask").unwrap_err()
            else {
                panic!("{name} is not an API error");
            };
            let sent: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(error.status, status);
            assert_eq!(error.message, sent["message"]);
            assert_eq!(error.documentation_url.as_deref(), sent["documentation_url"].as_str());
            assert_eq!(error.errors.is_some(), status == 422, "{name}");
        }
        let Failure::Api(error) =
            decode::<RenderTask, _>(head(422), body(&fixture("errors/422.json")), "RenderTask").unwrap_err()
        else {
            panic!()
        };
        assert_eq!(error.errors.unwrap()[0].field.as_deref(), Some("width"));
    }

    #[test]
    fn errors_that_are_not_looker_json_get_a_clear_message() {
        let gateway = ResponseHead { status: 502, content_type: Some("text/html") };
        let error = api_error::<Value>(gateway, JsonBody::NotJson(100));
        assert_eq!(error.message, "HTTP 502 Bad Gateway: the body (text/html, 100 bytes) is not a Looker error");
        assert_eq!(error.documentation_url, None);
        let error = api_error(head(599), body(r#"{"message":null,"documentation_url":"https://d"}"#));
        assert_eq!(error.message, "HTTP 599: the body has no Looker message");
        assert_eq!(error.documentation_url.as_deref(), Some("https://d"));
        let error = api_error(head(500), body(r#"{"message":""}"#));
        assert!(error.message.starts_with("HTTP 500 Internal Server Error"));
        let error = api_error(head(503), body(r#"["x"]"#));
        assert!(error.message.starts_with("HTTP 503 Service Unavailable"));
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
        ] {
            assert_eq!(retry_after_ms(bad, now), None, "{bad:?}");
        }
    }
}

/// Inputs the fuzzer (fuzz/, scripts/fuzz.sh) found, kept as plain tests so
/// `cargo test` fails on them too. Their seeds are in fuzz/seeds/retry_after/.
#[cfg(test)]
mod fuzz_regressions {
    use super::retry_after_ms;

    fn sane(ms: Option<f64>) -> bool {
        ms.map_or(true, |ms| ms.is_finite() && ms >= 0.0)
    }

    #[test]
    fn retry_after_with_a_far_year_does_not_overflow() {
        // Panicked "attempt to multiply with overflow" in http_date_ms
        // (a year past about 292 million overflows the milliseconds).
        let ms = retry_after_ms("Sun, 06 Nov 300000000 08:49:37 GMT", 0.0);
        assert!(sane(ms), "{ms:?}");
        // Overflowed in days_from_civil: era * 146_097, year_of_era's
        // era * 400, and year - 1 for January and February.
        for value in [
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
            "Sun, 06 Jan -9223372036854775808 08:49:37 GMT",
        ] {
            let ms = retry_after_ms(value, 0.0);
            assert!(sane(ms), "{value}: {ms:?}");
        }
    }

    #[test]
    fn retry_after_in_seconds_past_f64_is_not_infinite() {
        // 307 digits: 1e306 seconds is 1e309 ms, which is f64::INFINITY.
        let value = format!("1{}", "0".repeat(306));
        let ms = retry_after_ms(&value, 0.0);
        assert!(sane(ms), "{ms:?}");
    }
}
