//! The wasm layer against the sandbox, in Node and in headless Chromium
//! (`scripts/test.sh` runs this file twice, the second time with
//! `WASM_BINDGEN_USE_BROWSER=1`): `Core`, the one export `LookerClient`
//! wraps, with js/driver.js running its calls. The sandbox's URL is fixed at
//! build time, as gloo-net's tests do.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use looker_render::Core;
use looker_render_core::models::{RenderTask, RenderTaskStatus};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

const SANDBOX: Option<&str> = option_env!("LOOKER_SANDBOX_URL");
const TOKEN: &str = "sandbox-token-0123456789abcdef";
const SUCCESS: &str = "7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5";

fn options(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

fn client() -> Core {
    let url = SANDBOX.expect("LOOKER_SANDBOX_URL must name the running sandbox");
    Core::new(options(&[("baseUrl", url.into()), ("accessToken", TOKEN.into())])).unwrap()
}

// LookerClient's method numbers (js/client.js).
const RENDER_TASK: u8 = 2;
const RENDER: u8 = 9;

/// Calls `method` as `LookerClient` does (a wrong argument is thrown, the
/// rest settles the promise), and awaits what it settles with.
async fn call(core: &Core, method: u8, a: JsValue, b: JsValue) -> Result<JsValue, JsValue> {
    let undefined = JsValue::UNDEFINED;
    JsFuture::from(core.call(method, a, b, undefined.clone(), undefined.clone(), undefined)?).await
}

fn error_name(error: &JsValue) -> String {
    Reflect::get(error, &"name".into()).unwrap().as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn gets_a_task() {
    // Read back into the core's serde model: the object handed out is Looker's RenderTask.
    let value = call(&client(), RENDER_TASK, SUCCESS.into(), JsValue::UNDEFINED).await.unwrap();
    let task: RenderTask = serde_wasm_bindgen::from_value(value).unwrap();
    assert_eq!(task.id.as_deref(), Some(SUCCESS));
    assert_eq!(task.status(), Some(&RenderTaskStatus::Success));
}

#[wasm_bindgen_test]
async fn fields_narrow_the_task() {
    let fields = options(&[("fields", "id,status".into())]);
    let value = call(&client(), RENDER_TASK, SUCCESS.into(), fields).await.unwrap();
    let keys: Vec<String> = Reflect::own_keys(&value).unwrap().iter().filter_map(|k| k.as_string()).collect();
    assert_eq!(keys, ["id", "status"]);
}

#[wasm_bindgen_test]
async fn errors_are_exported_classes_and_the_module_lives_on() {
    let client = client();
    let error = call(&client, RENDER_TASK, "no-such-task".into(), JsValue::UNDEFINED).await.unwrap_err();
    assert_eq!(error_name(&error), "LookerApiError");
    assert_eq!(Reflect::get(&error, &"status".into()).unwrap().as_f64(), Some(404.0));
    assert!(error.is_instance_of::<js_sys::Error>());
    let error = call(&client, RENDER_TASK, JsValue::from(7), JsValue::UNDEFINED).await.unwrap_err();
    assert!(error.is_instance_of::<js_sys::TypeError>());
    // The same client (and module) still works after failures.
    assert!(call(&client, RENDER_TASK, SUCCESS.into(), JsValue::UNDEFINED).await.is_ok());
}

#[wasm_bindgen_test]
async fn renders_a_look() {
    let request = options(&[
        ("look_id", "7".into()),
        ("result_format", "png".into()),
        ("width", 64.into()),
        ("height", 48.into()),
    ]);
    let result = call(&client(), RENDER, request, JsValue::UNDEFINED).await.unwrap();
    let bytes: js_sys::Uint8Array = Reflect::get(&result, &"bytes".into()).unwrap().unchecked_into();
    assert_eq!(bytes.to_vec()[..4], [0x89, b'P', b'N', b'G']);
    assert_eq!(Reflect::get(&result, &"contentType".into()).unwrap().as_string().as_deref(), Some("image/png"));
}
