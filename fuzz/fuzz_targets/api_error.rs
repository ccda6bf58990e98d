//! `response::api_error` on any status, content type and body: never panics,
//! the message is never empty, Looker's own message is kept, and `decode`
//! of a non-2xx response gives the same error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render::models::{ErrorBody, RenderTask};
use looker_render::response::{api_error, decode, Failure, JsonBody};
use looker_render_fuzz::Response;

fuzz_target!(|data: &[u8]| {
    let Some(response) = Response::parse(data) else {
        return;
    };
    let head = response.head();
    let error = api_error(head, response.value());
    assert_eq!(error.status, head.status);
    assert!(!error.message.is_empty(), "an empty message");

    // Looker's message, when the body is a Looker error that has one.
    let looker = match serde_json::from_slice::<serde_json::Value>(response.body) {
        Ok(value @ serde_json::Value::Object(_)) => serde_json::from_value::<ErrorBody>(value).ok(),
        _ => None,
    };
    match looker.and_then(|body| body.message).filter(|m| !m.is_empty()) {
        Some(message) => assert_eq!(error.message, message),
        None => assert!(error.message.starts_with(&format!("HTTP {}", head.status)), "{:?}", error.message),
    }

    // The streaming deserializer, as any other deserializer the core is fed.
    let mut streaming = serde_json::Deserializer::from_slice(response.body);
    let streamed = api_error(head, JsonBody::Json(&mut streaming));
    assert!(!streamed.message.is_empty(), "an empty message (streaming)");

    if !head.is_success() {
        assert_eq!(decode::<RenderTask, _>(head, response.value(), "RenderTask"), Err(Failure::Api(error)));
    }
});
