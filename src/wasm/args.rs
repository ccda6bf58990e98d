//! Reading a caller's JS arguments into Rust values, with a `TypeError` that
//! names the argument when one has the wrong type. Range rules live in the
//! core (`request`); this only checks JS types.

use crate::request::{ArgumentError, Fields};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

fn type_error(name: &str, expected: &str) -> ArgumentError {
    ArgumentError::Type(format!("{name} must be {expected}"))
}

/// An options object: `undefined` and `null` read as empty.
pub struct Options<'a> {
    object: Option<&'a Object>,
    /// The options' name in messages (`options`, `request`).
    name: &'static str,
}

impl<'a> Options<'a> {
    /// Reads `value` as an options object named `name`.
    pub fn new(value: &'a JsValue, name: &'static str) -> Result<Self, ArgumentError> {
        if value.is_undefined() || value.is_null() {
            return Ok(Self { object: None, name });
        }
        match value.dyn_ref::<Object>() {
            Some(object) if !value.is_function() && !Array::is_array(value) => Ok(Self { object: Some(object), name }),
            _ => Err(type_error(name, "an object")),
        }
    }

    /// Whether `undefined`/`null` were given.
    pub fn is_empty(&self) -> bool {
        self.object.is_none()
    }

    /// A property, `None` when missing, `undefined` or `null`.
    pub fn get(&self, key: &str) -> Option<JsValue> {
        let value = Reflect::get(self.object?, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    fn label(&self, key: &str) -> String {
        format!("{}.{key}", self.name)
    }

    /// An optional string property.
    pub fn string(&self, key: &str) -> Result<Option<String>, ArgumentError> {
        self.get(key).map(|value| value.as_string().ok_or_else(|| type_error(&self.label(key), "a string"))).transpose()
    }

    /// An optional number property.
    pub fn number(&self, key: &str) -> Result<Option<f64>, ArgumentError> {
        self.get(key).map(|value| value.as_f64().ok_or_else(|| type_error(&self.label(key), "a number"))).transpose()
    }

    /// An optional boolean property.
    pub fn boolean(&self, key: &str) -> Result<Option<bool>, ArgumentError> {
        self.get(key).map(|value| value.as_bool().ok_or_else(|| type_error(&self.label(key), "a boolean"))).transpose()
    }

    /// An optional function property.
    pub fn function(&self, key: &str) -> Result<Option<Function>, ArgumentError> {
        self.get(key)
            .map(|value| value.dyn_into::<Function>().map_err(|_| type_error(&self.label(key), "a function")))
            .transpose()
    }

    /// An optional `AbortSignal` property.
    pub fn signal(&self, key: &str) -> Result<Option<web_sys::AbortSignal>, ArgumentError> {
        self.get(key)
            .map(|value| {
                value.dyn_into::<web_sys::AbortSignal>().map_err(|_| type_error(&self.label(key), "an AbortSignal"))
            })
            .transpose()
    }

    /// An optional array of strings.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, ArgumentError> {
        self.get(key)
            .map(|value| string_list(&value).ok_or_else(|| type_error(&self.label(key), "an array of strings")))
            .transpose()
    }

    /// The `fields` option: a comma-separated string or an array of names.
    pub fn fields(&self) -> Result<Fields, ArgumentError> {
        let Some(value) = self.get("fields") else {
            return Ok(Fields::all());
        };
        if let Some(csv) = value.as_string() {
            return Ok(Fields::from_csv(&csv));
        }
        let names =
            string_list(&value).ok_or_else(|| type_error(&self.label("fields"), "a string or an array of strings"))?;
        Ok(Fields::from_list(names.iter().map(String::as_str)))
    }
}

fn string_list(value: &JsValue) -> Option<Vec<String>> {
    if !Array::is_array(value) {
        return None;
    }
    Array::from(value).iter().map(|item| item.as_string()).collect()
}

/// A required id argument: a non-empty string.
pub fn id(name: &str, value: &JsValue) -> Result<String, ArgumentError> {
    match value.as_string() {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(type_error(name, "a non-empty string")),
    }
}

/// A required string argument.
pub fn string(name: &str, value: &JsValue) -> Result<String, ArgumentError> {
    value.as_string().ok_or_else(|| type_error(name, "a string"))
}

/// A required number argument.
pub fn number(name: &str, value: &JsValue) -> Result<f64, ArgumentError> {
    value.as_f64().ok_or_else(|| type_error(name, "a number"))
}
