//! A read-only view of a parsed JSON or JavaScript value, so that every check
//! on what callers pass in and what Looker sends back is written once, here,
//! and runs the same natively (over `serde_json::Value`, in tests and fuzzers)
//! and in the wasm build (over JS values, with no second parse).

/// What kind of value a [`Value`] is, as JavaScript's `typeof` and JSON see it;
/// numbered as `js/values.js`'s `kindOf` numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// `undefined`, or a missing property.
    Undefined,
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number (JSON and JavaScript have one number type).
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// A function (only from callers, never in JSON).
    Function,
    /// Any other object.
    Object,
    /// Anything else a caller can pass (a symbol, a bigint).
    Other,
}

impl Kind {
    /// The kind with its article, for messages: "a string", "an array".
    pub fn described(self) -> &'static str {
        match self {
            Self::Undefined => "undefined",
            Self::Null => "null",
            Self::Boolean => "a boolean",
            Self::Number => "a number",
            Self::String => "a string",
            Self::Array => "an array",
            Self::Function => "a function",
            Self::Object => "an object",
            Self::Other => "another type",
        }
    }
}

/// Read access to a value. Implemented for JS values by the wasm crate and
/// for `serde_json::Value` here.
pub trait Value: Clone {
    /// Its kind.
    fn kind(&self) -> Kind;
    /// An own property of an object; `None` when missing or `undefined`.
    fn get(&self, key: &str) -> Option<Self>;
    /// A property whose name is one of the core's own (a field of a schema,
    /// a key of an options table): the same as [`Value::get`], which an
    /// implementation may make faster by keeping the names it is asked for.
    fn field(&self, name: &'static str) -> Option<Self> {
        self.get(name)
    }
    /// The kind of [`Value::field`] (`Undefined` when missing), which an
    /// implementation may answer without handing out the value.
    fn field_kind(&self, name: &'static str) -> Kind {
        self.field(name).map_or(Kind::Undefined, |value| value.kind())
    }
    /// The kinds of the fields `names` of an object (a schema's: at most
    /// [`MAX_FIELDS`](crate::schema::MAX_FIELDS), which `Schema::new` holds
    /// them to), into `kinds` by the same index (`Undefined` when missing):
    /// [`Value::field_kind`] of each, which an implementation may answer in
    /// one read (the wasm build: one call into JS for a whole schema instead
    /// of one per property).
    fn field_kinds(&self, names: &'static [&'static str], kinds: &mut [Kind; crate::schema::MAX_FIELDS]) {
        for (name, kind) in names.iter().zip(kinds) {
            *kind = self.field_kind(name);
        }
    }
    /// The first own key of an object whose value is not of `kind`, with the
    /// kind found there; `None` when every value is.
    fn stray(&self, kind: Kind) -> Option<(String, Kind)> {
        self.keys().into_iter().find_map(|key| {
            let found = self.get(&key).map_or(Kind::Undefined, |value| value.kind());
            (found != kind).then_some((key, found))
        })
    }
    /// An object's own enumerable keys, in order; empty for anything else.
    fn keys(&self) -> Vec<String>;
    /// An array's items; empty for anything else.
    fn items(&self) -> Vec<Self>;
    /// The string, if it is one.
    fn string(&self) -> Option<String>;
    /// The number, if it is one.
    fn number(&self) -> Option<f64>;
    /// The boolean, if it is one.
    fn boolean(&self) -> Option<bool>;
    /// The value as JSON text (`JSON.stringify`), when it has one.
    fn to_json(&self) -> Option<String>;
    /// Whether it is the host's abort signal (`AbortSignal` in JS).
    fn is_abort_signal(&self) -> bool {
        false
    }
    /// Whether it is `null` or `undefined` (JS options treat both as "not given").
    fn is_nullish(&self) -> bool {
        matches!(self.kind(), Kind::Undefined | Kind::Null)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Value for serde_json::Value {
    fn kind(&self) -> Kind {
        match self {
            Self::Null => Kind::Null,
            Self::Bool(_) => Kind::Boolean,
            Self::Number(_) => Kind::Number,
            Self::String(_) => Kind::String,
            Self::Array(_) => Kind::Array,
            Self::Object(_) => Kind::Object,
        }
    }

    fn get(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).cloned()
    }

    fn keys(&self) -> Vec<String> {
        self.as_object().map(|object| object.keys().cloned().collect()).unwrap_or_default()
    }

    fn items(&self) -> Vec<Self> {
        self.as_array().cloned().unwrap_or_default()
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn to_json(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}
