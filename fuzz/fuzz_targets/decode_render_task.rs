//! The check the wasm runs on every render task (`Answer::checked` with the
//! `RENDER_TASK` schema, over what `JSON.parse` made of the body), on any
//! status, content type and body: never panics, every failure says what was
//! wrong, and on JSON it agrees with the serde model of Looker's RenderTask
//! (the contract): the schema accepts exactly what serde would decode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render_core::error::Error;
use looker_render_core::models::RenderTask;
use looker_render_core::response::Body;
use looker_render_core::schema::{self, RENDER_TASK};
use looker_render_fuzz::Response;

fuzz_target!(|data: &[u8]| {
    let Some(response) = Response::parse(data) else {
        return;
    };
    let answer = response.answer();
    let success = answer.head.is_success();
    let parsed = match &answer.body {
        Body::Json(value) => Some(value.clone()),
        _ => None,
    };
    match answer.checked(&RENDER_TASK, "RenderTask") {
        Ok(_) => assert!(success, "a task from a {} response", response.status),
        Err(Error::Api(error)) => {
            assert!(!success);
            assert_eq!(error.status, response.status);
            assert!(error.looker_message.is_some() || error.body.is_some(), "an API error that says nothing");
        }
        Err(Error::Response { problem, .. }) => {
            assert!(success);
            assert!(problem.contains("RenderTask"), "{problem:?}");
        }
        Err(other) => panic!("checking gave {other:?}"),
    }
    if let Some(value) = parsed {
        let schema = schema::check(&RENDER_TASK, &value).is_ok();
        // serde's derived structs also take arrays (fields by position); a
        // Looker response is only ever an object.
        let model = value.is_object() && serde_json::from_value::<RenderTask>(value.clone()).is_ok();
        assert_eq!(schema, model, "the schema and the model disagree on {value}");
    }
});
