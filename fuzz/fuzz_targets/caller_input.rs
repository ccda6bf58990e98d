//! The checks on what callers pass in (`input`, and OAuth's redirect): any
//! JSON as options, ids, render requests, batches and redirects never
//! panics, and a refusal always says what was wrong in a message that
//! names something.
//!
//! Input: up to five JSON values (any bytes that are not JSON become a
//! string), separated by 0xFF bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render_core::error::ArgumentError;
use looker_render_core::input;
use looker_render_core::oauth;
use looker_render_core::params::RenderKind;
use looker_render_fuzz::json;
use serde_json::Value;

fn said<T>(result: Result<T, ArgumentError>) {
    if let Err(error) = result {
        let message = error.message();
        assert!(message.len() > error.rule.len(), "{message:?}");
        assert!(!error.rule.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xFF).map(json);
    let mut next = || parts.next().unwrap_or(Value::Null);
    let [a, b, c, d, e] = [next(), next(), next(), next(), next()];
    said(input::client_options(&a).map(|_| ()));
    said(input::render_task(&a, &b));
    said(input::render_task_results(&a, &b));
    said(input::wait_for_render_task(&a, &b));
    said(input::render(&a, &b));
    said(input::create_dashboard_render_task(&a, &b));
    for kind in RenderKind::ALL {
        said(input::create_render_task(kind, [&a, &b, &c, &d, &e]));
    }
    said(input::batch(&a, &b));
    // A client signed in with OAuth, then a redirect and what the tab kept.
    let oauth = serde_json::json!({"baseUrl": "https://looker.test", "oauth": {"clientId": "app", "redirectUri": "https://app.test/", "lookerUrl": "https://looker.test"}});
    if let Ok(options) = input::client_options(&oauth) {
        if let Err(error) = oauth::sign_in(&options.config.auth, &c, &d) {
            assert!(!error.message().is_empty());
        }
    }
});
