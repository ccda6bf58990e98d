//! `Answer::api_error` on any status, content type and body: never panics,
//! the message is never empty, Looker's own message is kept, and the details
//! handed to callers have the spec's types or are left out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render_core::response::Body;
use looker_render_core::schema::{self, VALIDATION_ERROR_DETAIL};
use looker_render_fuzz::Response;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some(response) = Response::parse(data) else {
        return;
    };
    let answer = response.answer();
    let error = answer.api_error();
    assert_eq!(error.status, response.status);
    assert!(!error.message.is_empty(), "an empty message");
    let looker_message = match &answer.body {
        Body::Json(Value::Object(body)) => body.get("message").and_then(Value::as_str).filter(|m| !m.is_empty()),
        _ => None,
    };
    match looker_message {
        Some(message) => assert_eq!(error.message, message),
        None => assert!(error.message.starts_with(&format!("HTTP {}", response.status)), "{:?}", error.message),
    }
    if let Some(link) = &error.documentation_url {
        assert!(link.is_string(), "{link}");
    }
    if let Some(details) = &error.errors {
        let items = details.as_array().expect("errors is an array");
        assert!(items.iter().all(|item| schema::check(&VALIDATION_ERROR_DETAIL, item).is_ok()));
    }
});
