//! `Answer::api_error` on any status, content type and body: never panics,
//! Looker's own message is kept (or what the body was is said instead), the
//! message starts with the status, and the details handed to callers have
//! the spec's types or are left out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render_core::error::Error;
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
    let looker_message = match &answer.body {
        Body::Json(Value::Object(body)) => body.get("message").and_then(Value::as_str).filter(|m| !m.is_empty()),
        _ => None,
    };
    assert_eq!(error.looker_message.as_deref(), looker_message);
    assert_eq!(error.body.is_some(), looker_message.is_none());
    let message = Error::Api(error.clone()).in_context(&|| "get render task 1".into()).message();
    assert!(message.starts_with(&format!("get render task 1: {}", response.status)), "{message:?}");
    if let Some(link) = &error.documentation_url {
        assert!(link.is_string(), "{link}");
    }
    if let Some(details) = &error.errors {
        let items = details.as_array().expect("errors is an array");
        assert!(items.iter().all(|item| schema::check(&VALIDATION_ERROR_DETAIL, item).is_ok()));
    }
});
