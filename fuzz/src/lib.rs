//! The input formats the fuzz targets share. They are plain bytes, so a seed
//! can be written with `printf` (scripts/fuzz.sh does, from tests/fixtures).

use looker_render_core::response::{Answer, Body, Head};
use serde_json::Value;

/// The content types a response is tried with: what Looker, proxies and
/// broken servers send. A selector past the table means "no header".
const CONTENT_TYPES: [&str; 6] =
    ["application/json", "application/json; charset=utf-8", "text/html", "text/plain", "", "application/octet-stream"];

/// A response as the fuzzers see it:
/// `[status high byte, status low byte, content-type selector, body...]`.
/// A selector with the high bit set takes the content type from the body's
/// first line instead (any text at all).
pub struct Response<'a> {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: &'a [u8],
}

impl<'a> Response<'a> {
    pub fn parse(data: &'a [u8]) -> Option<Self> {
        let [hi, lo, selector, body @ ..] = data else {
            return None;
        };
        let status = u16::from_be_bytes([*hi, *lo]);
        let content_type = if selector & 0x80 != 0 {
            let line = body.split(|&b| b == b'\n').next().unwrap_or_default();
            Some(String::from_utf8_lossy(line).into_owned())
        } else {
            CONTENT_TYPES.get(usize::from(*selector)).map(|s| (*s).to_owned())
        };
        Some(Self { status, content_type, body })
    }

    /// The answer the core gets from `js/driver.js`: the body as
    /// `JSON.parse` leaves it, or its length when it is not JSON.
    pub fn answer(&self) -> Answer<Value> {
        let head = Head { status: self.status, content_type: self.content_type.clone().map(Value::String), retry_after_ms: None };
        let body = match serde_json::from_slice::<Value>(self.body) {
            Ok(value) => Body::Json(js_normalized(&value)),
            Err(_) => Body::NotJson(self.body.len()),
        };
        Answer { head, body }
    }
}

/// What `JSON.parse` makes of a value: JavaScript has one number type, so
/// `2.0` is `2`, and a whole number too large for an `i64` stays a float.
pub fn js_normalized(value: &Value) -> Value {
    match value {
        Value::Number(number) => match number.as_f64() {
            Some(f) if f.fract() == 0.0 && (-9.223_372_036_854_775_808e18..9.223_372_036_854_775_808e18).contains(&f) => {
                Value::from(f as i64)
            }
            _ => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(js_normalized).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), js_normalized(v))).collect()),
        other => other.clone(),
    }
}

/// Splits an input into text fields at 0xFF, a byte no UTF-8 text contains;
/// invalid UTF-8 inside a field becomes U+FFFD.
pub fn fields(data: &[u8]) -> Vec<String> {
    data.split(|&b| b == 0xFF).map(|field| String::from_utf8_lossy(field).into_owned()).collect()
}

/// A JSON value from fuzz bytes: the bytes as JSON when they are, else a
/// string of them (so that every input is some value).
pub fn json(data: &[u8]) -> Value {
    serde_json::from_slice(data).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(data).into_owned()))
}

/// Undoes percent-encoding, to check that an encoded segment says exactly
/// what it was given. `None` for a `%` not followed by two hex digits.
pub fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(byte) = bytes.next() {
        if byte == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(byte);
        }
    }
    Some(out)
}
