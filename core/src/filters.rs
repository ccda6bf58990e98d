//! Dashboard filters given as an object, `{ Region: 'EMEA', 'Order Date':
//! '7 days', Tags: ['a,b', 'c'] }`, written as the URL query string that
//! `dashboard_filters` is, the way Looker's dashboard URLs carry them:
//!
//! - pairs `name=value` joined with `&`, each side percent-encoded, so that
//!   `&`, `=`, `+`, `#`, `%` and spaces arrive as they were
//!   (`Order%20Date=7%20days`);
//! - an array is several values of one filter, joined with commas;
//! - a comma inside one value is escaped as Looker's filter expressions
//!   escape it, `^,` (`Tags=a%5E%2Cb%2Cc`).
//!
//! Each value is otherwise a Looker filter expression, passed as it is:
//! `'>= 100'`, `'7 days'`, `'-EMEA'`, `'x^_y'` keep their meaning (a caret
//! is Looker's own escape, so it is not escaped again). A string given for
//! `dashboard_filters` is sent unchanged.

use crate::error::{ArgumentError, Given};
use crate::text;
use crate::url::encode_component;
use crate::value::{Kind, Value};

/// The rule a filter value breaks.
const RULE: &str = "must map each filter to a string, a number or an array of them";

/// `filters` (an object) as a `dashboard_filters` string; `object` names it
/// in a mistake's message.
pub fn encode<V: Value>(filters: &V, object: &'static str) -> Result<String, ArgumentError> {
    let mut out = String::new();
    for name in filters.keys() {
        let Some(value) = filters.get(&name).filter(|value| !value.is_nullish()) else {
            continue;
        };
        let values = if value.kind() == Kind::Array { value.items() } else { vec![value] };
        let mut joined = String::new();
        for (at, value) in values.iter().enumerate() {
            let text = match (value.string(), value.number()) {
                (Some(text), _) => text,
                (None, Some(number)) if number.is_finite() => text!(number),
                _ => return Err(ArgumentError::type_error(object, "dashboard_filters", RULE).given(Given::At(name))),
            };
            if at > 0 {
                joined.push_str(",");
            }
            escape_into(&text, &mut joined);
        }
        if !out.is_empty() {
            out.push_str("&");
        }
        out.push_str(&encode_component(&name));
        out.push_str("=");
        out.push_str(&encode_component(&joined));
    }
    Ok(out)
}

/// Appends one value with its commas escaped (`^,`).
fn escape_into(value: &str, out: &mut String) {
    let mut copied = 0;
    for (at, byte) in value.bytes().enumerate() {
        if byte == b',' {
            out.push_str(value.get(copied..at).unwrap_or_default());
            out.push_str("^");
            copied = at;
        }
    }
    out.push_str(value.get(copied..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encoded(filters: serde_json::Value) -> String {
        encode(&filters, "request.body").unwrap()
    }

    #[test]
    fn names_and_values_arrive_intact() {
        // (serde_json sorts keys; a JS object keeps its own order.)
        assert_eq!(encoded(json!({"Order Date": "7 days", "Region": "EMEA"})), "Order%20Date=7%20days&Region=EMEA");
        assert_eq!(encoded(json!({"Year": 2024, "a&b=c": "x+y#z%w"})), "Year=2024&a%26b%3Dc=x%2By%23z%25w");
        // Several values, and a comma or caret inside one.
        assert_eq!(encoded(json!({"Tags": ["a,b", "c"]})), "Tags=a%5E%2Cb%2Cc");
        // A caret is Looker's own escape: passed as it is.
        assert_eq!(encoded(json!({"Q": "x^_y"})), "Q=x%5E_y");
        // Filter expressions keep their meaning; unset filters are left out.
        assert_eq!(encoded(json!({"Amount": ">= 100", "Any": [], "Gone": null})), "Amount=%3E%3D%20100&Any=");
        assert_eq!(encoded(json!({})), "");
    }

    #[test]
    fn values_must_be_strings_or_numbers() {
        for bad in [json!({"Region": true}), json!({"Region": {"a": 1}}), json!({"Region": ["a", ["b"]]})] {
            let error = encode(&bad, "request.body").unwrap_err();
            assert!(!error.range);
            assert_eq!(error.message(), "request.body.dashboard_filters must map each filter to a string, a number or an array of them; the value of \"Region\" is not");
        }
    }
}
