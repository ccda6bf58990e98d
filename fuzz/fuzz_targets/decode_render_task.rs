//! `response::decode::<RenderTask>` on any status, content type and body:
//! never panics, every failure says something, and a decoded task serializes
//! to JSON that decodes to an equal task.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render::models::RenderTask;
use looker_render::response::{decode, Failure, JsonBody, ResponseHead};
use looker_render_fuzz::Response;

fuzz_target!(|data: &[u8]| {
    let Some(response) = Response::parse(data) else {
        return;
    };
    let head = response.head();

    // As the wasm layer does it: `JSON.parse`, then typing the value.
    let from_value = decode::<RenderTask, _>(head, response.value(), "RenderTask");
    check(head, &from_value);

    // Straight from the bytes: serde_json's streaming deserializer keeps the
    // order and the duplicates of keys, which a `Value` loses.
    let mut streaming = serde_json::Deserializer::from_slice(response.body);
    let from_bytes = decode::<RenderTask, _>(head, JsonBody::Json(&mut streaming), "RenderTask");
    check(head, &from_bytes);

    for task in [from_value, from_bytes].into_iter().flatten() {
        round_trip(&task);
    }
});

fn check(head: ResponseHead<'_>, result: &Result<RenderTask, Failure>) {
    match result {
        Ok(_) => assert!(head.is_success(), "a task from a {} response", head.status),
        Err(Failure::Api(error)) => {
            assert!(!head.is_success(), "an API error from a {} response", head.status);
            assert_eq!(error.status, head.status);
            assert!(!error.message.is_empty(), "an API error without a message");
        }
        Err(Failure::Response(message)) => {
            assert!(head.is_success(), "a response failure from a {} response", head.status);
            assert!(message.contains("RenderTask"), "{message:?}");
        }
    }
    if let Err(failure) = result {
        assert!(!failure.to_string().is_empty());
    }
}

fn round_trip(task: &RenderTask) {
    let text = serde_json::to_string(task).expect("a decoded task serializes");
    let ok = ResponseHead { status: 200, content_type: Some("application/json") };
    let mut again = serde_json::Deserializer::from_str(&text);
    let back = decode::<RenderTask, _>(ok, JsonBody::Json(&mut again), "RenderTask")
        .unwrap_or_else(|failure| panic!("{text} does not decode again: {failure}"));
    assert_eq!(&back, task, "{text}");
}
