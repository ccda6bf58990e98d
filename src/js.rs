//! What the wasm layer binds from JavaScript: the clock, the I/O loop of
//! `js/driver.js`, the values of `js/values.js`; and the core's [`Value`]
//! view of JS values.

use js_sys::{Array, Promise};
use looker_render_core::schema::MAX_FIELDS;
use looker_render_core::value::{Kind, Value};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    /// `Date.now()`.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub fn now_ms() -> f64;

    /// `Math.random()`, to seed the core's jitter.
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    pub fn random() -> f64;
}

#[wasm_bindgen(module = "/js/driver.js")]
extern "C" {
    /// A client's I/O: its fetch and token callback, and the calls waiting for a login.
    pub type Io;
    #[wasm_bindgen(constructor)]
    pub fn new(fetch: &JsValue, get_access_token: &JsValue) -> Io;

    /// Runs a call to its end with fetch and timers.
    pub fn drive(
        io: &Io,
        call: crate::PendingCall,
        signal: Option<AbortSignal>,
        on_progress: JsValue,
        deadline_ms: Option<f64>,
    ) -> Promise;

    /// The step "send this request".
    #[wasm_bindgen(js_name = sendStep)]
    #[allow(clippy::too_many_arguments)]
    pub fn send_step(
        settled: bool,
        method: &str,
        url: &str,
        authorization: Option<&str>,
        content_type: Option<&str>,
        body: Option<&str>,
        bytes_limit: f64,
        remaining_ms: f64,
    ) -> JsValue;

    /// Any other step.
    pub fn step(kind: u8, settled: bool, value: &JsValue, ms: f64) -> JsValue;

}

#[wasm_bindgen(module = "/js/values.js")]
extern "C" {
    #[wasm_bindgen(js_name = kindOf)]
    fn kind_of(value: &JsValue) -> u8;

    #[wasm_bindgen(js_name = property)]
    fn property_named(object: &JsValue, key: &str) -> JsValue;

    #[wasm_bindgen(js_name = property)]
    fn property(object: &JsValue, key: &JsValue) -> JsValue;

    fn keys(object: &JsValue) -> Array;

    #[wasm_bindgen(js_name = kindsAt)]
    fn kinds_at(object: &JsValue, names: &JsValue, kinds: &mut [u8]);

    #[wasm_bindgen(js_name = strayKey)]
    fn stray_key(object: &JsValue, kind: u8) -> Option<String>;

    /// `{ bytes, contentType }`, with `task` first when given.
    pub fn result(bytes: &JsValue, content_type: &str, task: &JsValue) -> JsValue;

    /// The error of a failure of `kind` (numbered as in `js/values.js`);
    /// `said` is Looker's own message, for an API error.
    pub fn failure(kind: u8, message: &str, said: Option<&str>, number: f64, a: &JsValue, b: &JsValue) -> JsValue;
}

thread_local! {
    /// The JS strings of the names `Value::field` was asked for: a few dozen,
    /// all the core's own (its schemas and options tables).
    static NAMES: RefCell<Vec<(&'static str, JsValue)>> = const { RefCell::new(Vec::new()) };
}

thread_local! {
    /// The JS arrays of the schemas' names that `Value::field_kinds` was
    /// asked for (a handful), by the address of the core's list.
    static NAME_LISTS: RefCell<Vec<(usize, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// Calls `f` with the JS string of one of the core's own names, made once:
/// decoding the name from wasm memory on every read was most of a check.
fn with_name<T>(name: &'static str, f: impl FnOnce(&JsValue) -> T) -> T {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        let known = names.iter().position(|(known, _)| known.as_ptr() == name.as_ptr() && known.len() == name.len());
        let at = known.unwrap_or_else(|| {
            names.push((name, JsValue::from_str(name)));
            names.len() - 1
        });
        f(&names[at].1)
    })
}

/// Calls `f` with the JS array of a schema's names, made once.
fn with_name_list<T>(names: &'static [&'static str], f: impl FnOnce(&JsValue) -> T) -> T {
    NAME_LISTS.with(|lists| {
        let mut lists = lists.borrow_mut();
        let address = names.as_ptr() as usize;
        let known = lists.iter().position(|(known, _)| *known == address);
        let at = known.unwrap_or_else(|| {
            let list = Array::new();
            for name in names {
                list.push(&JsValue::from_str(name));
            }
            lists.push((address, list.into()));
            lists.len() - 1
        });
        f(&lists[at].1)
    })
}

/// A kind as `js/values.js`'s `kindOf` numbers it.
fn kind(code: u8) -> Kind {
    match code {
        0 => Kind::Undefined,
        1 => Kind::Null,
        2 => Kind::Boolean,
        3 => Kind::Number,
        4 => Kind::String,
        5 => Kind::Array,
        6 => Kind::Function,
        7 => Kind::Object,
        _ => Kind::Other,
    }
}

/// A JS value seen through the core's [`Value`] view.
#[derive(Clone, Debug)]
#[repr(transparent)]
pub struct Js(pub JsValue);

impl Value for Js {
    fn kind(&self) -> Kind {
        kind(kind_of(&self.0))
    }

    // The core asks for properties and keys of objects only (it checks the kind first).
    fn get(&self, key: &str) -> Option<Self> {
        let value = property_named(&self.0, key);
        (!value.is_undefined()).then_some(Self(value))
    }

    fn field(&self, name: &'static str) -> Option<Self> {
        let value = with_name(name, |key| property(&self.0, key));
        (!value.is_undefined()).then_some(Self(value))
    }

    fn field_kinds(&self, names: &'static [&'static str], kinds: &mut [Kind; MAX_FIELDS]) {
        // `kindsAt` writes a kind per name; a schema has no more than the
        // array holds (`Schema::new`).
        let mut codes = [0u8; MAX_FIELDS];
        with_name_list(names, |list| kinds_at(&self.0, list, &mut codes));
        for at in 0..MAX_FIELDS {
            kinds[at] = kind(codes[at]);
        }
    }

    fn stray(&self, wanted: Kind) -> Option<(String, Kind)> {
        // `Kind` is numbered as `kindOf` numbers kinds.
        let key = stray_key(&self.0, wanted as u8)?;
        let found = self.get(&key).map_or(Kind::Undefined, |value| value.kind());
        Some((key, found))
    }

    fn keys(&self) -> Vec<String> {
        // Plain loops here and in `items`: smaller than iterator chains that collect.
        let keys = keys(&self.0);
        let mut strings = Vec::new();
        for i in 0..keys.length() {
            if let Some(key) = keys.get(i).as_string() {
                strings.push(key);
            }
        }
        strings
    }

    fn items(&self) -> Vec<Self> {
        let array: &Array = self.0.unchecked_ref();
        let mut items = Vec::new();
        for i in 0..array.length() {
            items.push(Self(array.get(i)));
        }
        items
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn to_json(&self) -> Option<String> {
        js_sys::JSON::stringify(&self.0).ok()?.as_string()
    }

    fn is_abort_signal(&self) -> bool {
        self.0.has_type::<AbortSignal>()
    }
}

#[cfg(test)]
mod tests {
    //! The JS view against the kinds JSON gives: what the native view over
    //! `serde_json::Value` answers for the same text (core/src/value.rs).
    use super::*;
    use looker_render_core::value::Kind::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn parse(json: &str) -> Js {
        Js(js_sys::JSON::parse(json).unwrap_or(JsValue::UNDEFINED))
    }

    const EVERY_KIND: &str = r#"{"a": null, "b": true, "c": 1.5, "d": "x", "e": [], "f": {}}"#;
    const NAMES: &[&str] = &["a", "b", "c", "d", "e", "f", "missing"];
    const EXPECTED: [Kind; 7] = [Null, Boolean, Number, String, Array, Object, Undefined];

    #[wasm_bindgen_test]
    fn field_kinds_reads_a_schema_in_one_call() {
        let value = parse(EVERY_KIND);
        let mut kinds = [Other; MAX_FIELDS];
        value.field_kinds(NAMES, &mut kinds);
        assert_eq!(kinds[..7], EXPECTED);
        // Asked again (the names' JS array now kept): the same.
        value.field_kinds(NAMES, &mut kinds);
        assert_eq!(kinds[..7], EXPECTED);
    }

    #[wasm_bindgen_test]
    fn stray_names_the_first_value_of_another_kind() {
        assert_eq!(parse(r#"{"show": true, "download": false}"#).stray(Boolean), None);
        assert_eq!(parse("{}").stray(Boolean), None);
        assert_eq!(
            parse(r#"{"show": true, "download": "yes", "x": 1}"#).stray(Boolean),
            Some(("download".into(), String))
        );
        assert_eq!(parse(r#"{"show": null}"#).stray(Boolean), Some(("show".into(), Null)));
    }
}
