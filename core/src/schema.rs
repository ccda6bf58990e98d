//! Checking a parsed response against Looker's schema without decoding it:
//! the caller gets the server's own object, once every property this client
//! knows has been found to have the type the spec gives it. The tables here
//! mirror the serde models of [`crate::models`]; tests (and the
//! `decode_render_task` fuzzer) hold the two to the same verdict on any input.

use crate::value::{Kind, Value};

/// The JSON type a property must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// A string or `null`.
    StringOrNull,
    /// A whole number or `null` (Looker's `integer` with `int64`).
    IntegerOrNull,
    /// Any number or `null`.
    NumberOrNull,
    /// An object whose every value is a boolean (Looker's `can`).
    Permissions,
    /// An array of Looker `ValidationErrorDetail`s, or `null`.
    ValidationErrorsOrNull,
}

impl Shape {
    /// What the shape is, for messages.
    pub fn described(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::StringOrNull => "a string or null",
            Self::IntegerOrNull => "a whole number or null",
            Self::NumberOrNull => "a number or null",
            Self::Permissions => "an object of booleans",
            Self::ValidationErrorsOrNull => "an array of validation errors or null",
        }
    }
}

/// A Looker type as the check sees it: its properties' names and shapes, by
/// the same index. Every property is optional in responses: the `fields`
/// parameter leaves some out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schema {
    names: &'static [&'static str],
    shapes: &'static [Shape],
}

/// The most properties a schema has: the check reads their kinds at once,
/// into an array of this length.
pub const MAX_FIELDS: usize = 24;

impl Schema {
    /// A schema of `names` and their `shapes`, by the same index. Built in a
    /// constant, a schema of more than [`MAX_FIELDS`] properties, or of
    /// lists of different lengths, does not compile.
    pub const fn new(names: &'static [&'static str], shapes: &'static [Shape]) -> Self {
        assert!(names.len() <= MAX_FIELDS && names.len() == shapes.len(), "a schema's lists differ or are too long");
        Self { names, shapes }
    }

    /// Each property's name and shape.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, Shape)> + '_ {
        self.names.iter().copied().zip(self.shapes.iter().copied())
    }
}

/// A schema from one list of `"name": Shape` pairs.
macro_rules! schema {
    ($($name:literal: $shape:ident),* $(,)?) => {
        Schema::new(&[$($name),*], &[$(Shape::$shape),*])
    };
}

/// Looker's `RenderTask` ([`crate::models::RenderTask`]).
pub const RENDER_TASK: Schema = schema! {
    "can": Permissions,
    "created_at": StringOrNull,
    "dashboard_filters": StringOrNull,
    "dashboard_id": StringOrNull,
    "dashboard_style": StringOrNull,
    "finalized_at": StringOrNull,
    "height": IntegerOrNull,
    "id": String,
    "look_id": StringOrNull,
    "lookml_dashboard_id": StringOrNull,
    "query_id": StringOrNull,
    "dashboard_element_id": StringOrNull,
    "query_runtime": NumberOrNull,
    "render_runtime": NumberOrNull,
    "result_format": StringOrNull,
    "runtime": NumberOrNull,
    "status": StringOrNull,
    "status_detail": StringOrNull,
    "user_id": StringOrNull,
    "width": IntegerOrNull,
};

/// Looker's `ValidationErrorDetail` ([`crate::models::ValidationErrorDetail`]).
pub const VALIDATION_ERROR_DETAIL: Schema = schema! {
    "field": StringOrNull,
    "code": StringOrNull,
    "message": StringOrNull,
    "documentation_url": StringOrNull,
};

/// Looker's `Error` and `ValidationError` ([`crate::models::ErrorBody`]).
pub const ERROR: Schema = schema! {
    "message": StringOrNull,
    "documentation_url": StringOrNull,
    "errors": ValidationErrorsOrNull,
};

/// Looker's `AccessToken` ([`crate::models::AccessToken`]); `access_token`
/// itself is required, which [`crate::auth`] checks.
pub const ACCESS_TOKEN: Schema = schema! {
    "access_token": String,
    "token_type": StringOrNull,
    "expires_in": NumberOrNull,
};

/// Where a value broke the schema, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The property path: `width`, `can.show`, `errors.0.field`; empty for
    /// the value itself.
    pub path: String,
    /// What the schema asks for there.
    pub expected: &'static str,
    /// What was there.
    pub found: Kind,
}

impl Mismatch {
    /// "property width: expected a whole number or null, found a string".
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if !self.path.is_empty() {
            out.push_str("property ");
            out.push_str(&self.path);
            out.push_str(": ");
        }
        crate::text!(out, "expected ", self.expected, ", found ", self.found.described())
    }
}

/// Checks that `value` is an object whose properties named in `schema` (when
/// present) have their shapes. Other properties pass through unchecked:
/// a newer Looker may add some.
pub fn check<V: Value>(schema: &Schema, value: &V) -> Result<(), Mismatch> {
    if value.kind() != Kind::Object {
        return Err(Mismatch { path: String::new(), expected: "a JSON object", found: value.kind() });
    }
    // Most shapes are settled by the kind alone, read for every field at
    // once; a value is only read for the few that look inside (whole
    // numbers, objects, arrays).
    let mut kinds = [Kind::Undefined; MAX_FIELDS];
    value.field_kinds(schema.names, &mut kinds);
    for (at, &name) in schema.names.iter().enumerate() {
        let (Some(&shape), Some(&kind)) = (schema.shapes.get(at), kinds.get(at)) else { break };
        let fits = match shape {
            _ if kind == Kind::Undefined => true,
            Shape::String => kind == Kind::String,
            Shape::StringOrNull => matches!(kind, Kind::String | Kind::Null),
            Shape::NumberOrNull => matches!(kind, Kind::Number | Kind::Null),
            Shape::IntegerOrNull | Shape::ValidationErrorsOrNull if kind == Kind::Null => true,
            _ => {
                let property = value.field(name);
                match property.map(|property| check_inside(shape, &property)) {
                    Some(Err((Some(inner), found))) => {
                        let path = crate::text!(name, ".", inner);
                        return Err(Mismatch { path, expected: shape.described(), found });
                    }
                    Some(Err((None, _))) | None => false,
                    Some(Ok(())) => true,
                }
            }
        };
        if !fits {
            return Err(Mismatch { path: name.to_owned(), expected: shape.described(), found: kind });
        }
    }
    Ok(())
}

/// Checks a property whose shape looks inside it; on failure, the path
/// below it (if any) and what was found there.
fn check_inside<V: Value>(shape: Shape, value: &V) -> Result<(), (Option<String>, Kind)> {
    let kind = value.kind();
    match shape {
        Shape::IntegerOrNull if value.number().is_some_and(is_int64) => Ok(()),
        Shape::Permissions if kind == Kind::Object => match value.stray(Kind::Boolean) {
            Some((key, found)) => Err((Some(key), found)),
            None => Ok(()),
        },
        Shape::ValidationErrorsOrNull if kind == Kind::Array => {
            for (i, item) in value.items().iter().enumerate() {
                if let Err(mismatch) = check(&VALIDATION_ERROR_DETAIL, item) {
                    let mut path = crate::text!(i);
                    if !mismatch.path.is_empty() {
                        path.push_str(".");
                        path.push_str(&mismatch.path);
                    }
                    return Err((Some(path), mismatch.found));
                }
            }
            Ok(())
        }
        _ => Err((None, kind)),
    }
}

/// Whether a JS number is a whole number an `int64` holds (what serde's
/// `i64` takes from JSON: `JSON.parse` makes no difference between 1 and 1.0).
fn is_int64(number: f64) -> bool {
    number.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&number)
}

/// A property of a checked value as a string, when it is one.
pub fn string_of<V: Value>(value: &V, name: &'static str) -> Option<String> {
    value.field(name)?.string()
}

#[cfg(test)]
mod tests {
    //! The tables against the serde models: the same verdict on every
    //! property with a value of every kind.
    use super::*;
    use crate::models::{AccessToken, ErrorBody, RenderTask, ValidationErrorDetail};
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value as Json};

    /// A value of each JSON kind, with the edge cases of numbers.
    fn samples() -> Vec<Json> {
        vec![
            json!(null),
            json!(true),
            json!(0),
            json!(-7),
            json!(1.5),
            json!(1e300),
            json!("x"),
            json!([]),
            json!([{}]),
            json!({}),
            json!({"a": true}),
            json!({"a": 1}),
            json!([{"field": "w", "code": "c", "message": "m", "documentation_url": null}]),
            json!([{"field": 1}]),
        ]
    }

    /// serde's verdict on a value as JSON.parse leaves it (whole floats are
    /// integers there).
    fn serde_accepts<T: DeserializeOwned>(value: &Json) -> bool {
        serde_json::from_value::<T>(js_normalized(value)).is_ok()
    }

    /// What `JSON.parse` makes of a value: one number type, so 2.0 is 2.
    pub(crate) fn js_normalized(value: &Json) -> Json {
        match value {
            Json::Number(n) => match n.as_f64() {
                Some(f) if is_int64(f) => json!(f as i64),
                _ => value.clone(),
            },
            Json::Array(items) => Json::Array(items.iter().map(js_normalized).collect()),
            Json::Object(map) => Json::Object(map.iter().map(|(k, v)| (k.clone(), js_normalized(v))).collect()),
            other => other.clone(),
        }
    }

    fn agree<T: DeserializeOwned>(schema: &Schema, required: &[&str]) {
        for (name, _) in schema.fields() {
            for sample in samples() {
                let mut object = serde_json::Map::new();
                for name in required {
                    object.insert((*name).to_owned(), json!("r"));
                }
                object.insert(name.to_owned(), sample.clone());
                let value = Json::Object(object);
                assert_eq!(
                    check(schema, &value).is_ok(),
                    serde_accepts::<T>(&value),
                    "{name} = {sample}: the table and the serde model disagree"
                );
            }
        }
    }

    #[test]
    fn tables_agree_with_the_models() {
        agree::<RenderTask>(&RENDER_TASK, &[]);
        agree::<ValidationErrorDetail>(&VALIDATION_ERROR_DETAIL, &[]);
        agree::<ErrorBody>(&ERROR, &[]);
        agree::<AccessToken>(&ACCESS_TOKEN, &["access_token"]);
    }

    #[test]
    fn tables_name_every_property_of_the_models() {
        let names = |schema: &Schema| {
            let mut names = schema.names.to_vec();
            names.sort_unstable();
            names
        };
        let mut everything = serde_json::Map::new();
        for name in RENDER_TASK.names {
            everything.insert((*name).to_owned(), json!(null));
        }
        everything.insert("can".into(), json!({}));
        everything.insert("id".into(), json!("1"));
        let task: RenderTask = serde_json::from_value(Json::Object(everything)).unwrap();
        let serialized = serde_json::to_value(task).unwrap();
        let mut model: Vec<&str> = serialized.as_object().unwrap().keys().map(String::as_str).collect();
        model.sort_unstable();
        assert_eq!(names(&RENDER_TASK), model);
        let detail = serde_json::to_value(ValidationErrorDetail::default()).unwrap();
        let mut model: Vec<&str> = detail.as_object().unwrap().keys().map(String::as_str).collect();
        model.sort_unstable();
        assert_eq!(names(&VALIDATION_ERROR_DETAIL), model);
    }

    #[test]
    fn mismatches_name_the_property() {
        let error = check(&RENDER_TASK, &json!({"id": "1", "width": "wide"})).unwrap_err();
        assert_eq!(error.describe(), "property width: expected a whole number or null, found a string");
        let error = check(&RENDER_TASK, &json!({"can": {"show": "yes"}})).unwrap_err();
        assert_eq!(error.path, "can.show");
        let error = check(&ERROR, &json!({"errors": [{"field": "w"}, {"code": 7}]})).unwrap_err();
        assert_eq!(error.path, "errors.1.code");
        assert_eq!(check(&RENDER_TASK, &json!([1])).unwrap_err().describe(), "expected a JSON object, found an array");
        assert!(check(&RENDER_TASK, &json!({"id": "1", "width": 2.0, "new": [1]})).is_ok());
        assert!(check(&RENDER_TASK, &json!({"width": 2.5})).is_err());
    }
}
