//! Reading what callers pass in (options objects, ids, render requests) and
//! checking it before anything is sent. Every `TypeError` and `RangeError`
//! the package throws comes from here, over a [`Value`], so the rules are
//! tested natively and hold the same in the wasm build. Each options object
//! is read against one table of its keys and their types.

use crate::auth::{self, Auth, AuthMode, AuthOptions, Session};
use crate::call::{Config, Op, DEFAULT_MAX_RESULT_BYTES, DEFAULT_TIMEOUT_MS};
use crate::error::{ArgumentError, Given};
use crate::filters;
use crate::models::CreateDashboardRenderTask;
use crate::oauth::OAuthApp;
use crate::params::{
    RenderKind, ResultFormat, DASHBOARD_STYLES, DASHBOARD_STYLE_RULE, MAX_DIMENSION, PDF_PAPER_SIZES,
    PDF_PAPER_SIZE_RULE,
};
use crate::poll::{PollSchedule, DEFAULT_WAIT_TIMEOUT_MS};
use crate::request::{CreateRenderTask, DashboardOptions, Fields};
use crate::retry::RetryPolicy;
use crate::suggest;
use crate::url::ApiBase;
use crate::value::{Kind, Value};

/// The type an option must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// A string.
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A function.
    Function,
    /// An `AbortSignal`.
    Signal,
    /// An object (read with its own table).
    Object,
    /// An array of strings.
    Strings,
    /// A string or an array of strings (`fields`).
    StringOrStrings,
    /// A string, or an object of filter values (`dashboard_filters`).
    StringOrObject,
}

impl Type {
    /// The rule a value of another type breaks.
    fn rule(self) -> &'static str {
        match self {
            Self::String => "must be a string",
            Self::Number => "must be a number",
            Self::Boolean => "must be a boolean",
            Self::Function => "must be a function",
            Self::Signal => "must be an AbortSignal",
            Self::Object => "must be an object",
            Self::Strings => "must be an array of strings",
            Self::StringOrStrings => "must be a string or an array of strings",
            Self::StringOrObject => "must be a string (a URL query) or an object of filter values",
        }
    }

    fn fits<V: Value>(self, value: &V) -> bool {
        match self {
            Self::String => value.kind() == Kind::String,
            Self::Number => value.kind() == Kind::Number,
            Self::Boolean => value.kind() == Kind::Boolean,
            Self::Function => value.kind() == Kind::Function,
            Self::Signal => value.is_abort_signal(),
            Self::Object => value.kind() == Kind::Object,
            Self::Strings => string_list(value).is_some(),
            Self::StringOrStrings => value.kind() == Kind::String || string_list(value).is_some(),
            Self::StringOrObject => matches!(value.kind(), Kind::String | Kind::Object),
        }
    }
}

/// An options or request object's keys with their types, and what a key it
/// does not take is called: one table per object.
#[derive(Clone, Copy, Debug)]
pub struct Keys {
    /// The keys and their types.
    pub keys: &'static [(&'static str, Type)],
    /// The rule an unknown key breaks (`is not an option of new LookerClient()`),
    /// or `None` for an object that passes unknown keys on (a dashboard's body,
    /// where a newer Looker may take more).
    pub unknown: Option<&'static str>,
}

/// An options or request object read against its table: each key's value,
/// its type checked. `undefined` and `null` (for the object or a key) read
/// as not given.
pub struct Object<V> {
    keys: &'static [(&'static str, Type)],
    values: Vec<Option<V>>,
}

impl<V: Value> Object<V> {
    /// Reads `value`, named `name` in messages, against `keys`: a key the
    /// table lacks is a mistake (see [`Keys::unknown`]), with a hint of what
    /// was probably meant.
    pub fn read(value: &V, name: &'static str, keys: Keys) -> Result<Self, ArgumentError> {
        let given = match value.kind() {
            Kind::Undefined | Kind::Null => return Ok(Self { keys: keys.keys, values: Vec::new() }),
            Kind::Object => value,
            _ => return Err(ArgumentError::type_error(name, "", "must be an object")),
        };
        if let Some(rule) = keys.unknown {
            for unknown in given.keys() {
                if !keys.keys.iter().any(|(key, _)| *key == unknown) {
                    // The table's names, for the hint: built only for a mistake
                    // (a plain loop: smaller in the wasm than map + collect).
                    let mut names: Vec<&'static str> = Vec::new();
                    for (key, _) in keys.keys {
                        names.push(key);
                    }
                    let hint = suggest::hint(&unknown, &names);
                    return Err(ArgumentError::type_error(name, "", rule).given(Given::Unknown(unknown, hint)));
                }
            }
        }
        let mut values = Vec::with_capacity(keys.keys.len());
        for &(key, expected) in keys.keys {
            let value = given.field(key).filter(|value| !value.is_nullish());
            if value.as_ref().is_some_and(|value| !expected.fits(value)) {
                return Err(ArgumentError::type_error(name, key, expected.rule()));
            }
            values.push(value);
        }
        Ok(Self { keys: keys.keys, values })
    }

    /// Reads `value` as an object that must be given.
    pub fn required(value: &V, name: &'static str, keys: Keys) -> Result<Self, ArgumentError> {
        if value.is_nullish() {
            return Err(ArgumentError::type_error(name, "", "must be an object"));
        }
        Self::read(value, name, keys)
    }

    /// The value of `key` (one of the table's), if given.
    pub fn get(&self, key: &str) -> Option<&V> {
        let index = self.keys.iter().position(|(name, _)| *name == key)?;
        self.values.get(index)?.as_ref()
    }

    /// A string option.
    pub fn string(&self, key: &str) -> Option<String> {
        self.get(key)?.string()
    }

    /// A number option.
    pub fn number(&self, key: &str) -> Option<f64> {
        self.get(key)?.number()
    }

    /// A boolean option.
    pub fn boolean(&self, key: &str) -> Option<bool> {
        self.get(key)?.boolean()
    }

    /// A function, signal or object option, as given.
    pub fn value(&self, key: &str) -> Option<V> {
        self.get(key).cloned()
    }

    /// An array-of-strings option.
    pub fn strings(&self, key: &str) -> Option<Vec<String>> {
        string_list(self.get(key)?)
    }

    /// The `fields` option: a comma-separated string or an array of names.
    pub fn fields(&self) -> Fields {
        match self.get("fields") {
            None => Fields::all(),
            Some(value) => match value.string() {
                Some(csv) => Fields::from_csv(&csv),
                None => {
                    let mut csv = String::new();
                    for (at, field) in string_list(value).unwrap_or_default().iter().enumerate() {
                        if at > 0 {
                            csv.push_str(",");
                        }
                        csv.push_str(field);
                    }
                    Fields::from_csv(&csv)
                }
            },
        }
    }
}

/// The strings of an array of strings.
fn string_list<V: Value>(value: &V) -> Option<Vec<String>> {
    if value.kind() != Kind::Array {
        return None;
    }
    let mut list = Vec::new();
    for item in value.items() {
        list.push(item.string()?);
    }
    Some(list)
}

/// A required id argument: a non-empty string (Looker ids are strings, even numeric ones).
pub fn id<V: Value>(key: &'static str, value: &V) -> Result<String, ArgumentError> {
    match value.string() {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(ArgumentError::type_error("", key, "must be a non-empty string")),
    }
}

/// A timeout option: a positive number of milliseconds (`Infinity` for none).
pub fn timeout(value: f64) -> Result<f64, ArgumentError> {
    if value.is_nan() || value <= 0.0 {
        return Err(ArgumentError::range_error(
            "options",
            "timeoutMs",
            "must be a positive number of milliseconds",
            Given::Number(value),
        ));
    }
    Ok(value)
}

/// A width or height: a whole number of pixels in `1..=MAX_DIMENSION`.
pub fn dimension(key: &'static str, value: f64) -> Result<u32, ArgumentError> {
    let rule = if value.fract() != 0.0 || !value.is_finite() {
        "must be a whole number of pixels"
    } else if !(1.0..=f64::from(MAX_DIMENSION)).contains(&value) {
        "must be between 1 and 16384 pixels"
    } else {
        // In range and whole, so the cast is exact.
        return Ok(value as u32);
    };
    Err(ArgumentError::range_error("", key, rule, Given::Number(value)))
}

/// A client's options, checked: its configuration, its starting session, and
/// the caller's functions the I/O layer calls.
pub struct ClientOptions<V> {
    /// How the client behaves.
    pub config: Config,
    /// Its session (holding a fixed `accessToken`).
    pub session: Session<V>,
    /// The caller's `fetch`, if given.
    pub fetch: Option<V>,
    /// The caller's `getAccessToken`, if given.
    pub get_access_token: Option<V>,
}

/// The options of `new LookerClient(options)`.
const CLIENT: Keys = Keys {
    unknown: Some("is not an option of new LookerClient()"),
    keys: &[
        ("baseUrl", Type::String),
        ("accessToken", Type::String),
        ("getAccessToken", Type::Function),
        ("clientId", Type::String),
        ("clientSecret", Type::String),
        ("fetch", Type::Function),
        ("timeoutMs", Type::Number),
        ("maxRetries", Type::Number),
        ("maxResultBytes", Type::Number),
        ("allowInsecureHttp", Type::Boolean),
        ("oauth", Type::Object),
    ],
};

/// The `oauth` option: the OAuth app a user signs in through.
const OAUTH: Keys = Keys {
    unknown: Some("is not an option of oauth (it takes clientId, redirectUri and lookerUrl)"),
    keys: &[("clientId", Type::String), ("redirectUri", Type::String), ("lookerUrl", Type::String)],
};

/// Reads the `oauth` option.
fn oauth_app<V: Value>(value: &V, allow_insecure_http: bool) -> Result<OAuthApp, ArgumentError> {
    let oauth = Object::read(value, "options.oauth", OAUTH)?;
    let required =
        |key| oauth.string(key).ok_or_else(|| ArgumentError::type_error("options.oauth", key, "is required"));
    let (client_id, redirect_uri, looker_url) =
        (required("clientId")?, required("redirectUri")?, required("lookerUrl")?);
    OAuthApp::new(client_id, redirect_uri, &looker_url, allow_insecure_http)
}

/// Reads the options of `new LookerClient(options)`.
pub fn client_options<V: Value>(options: &V) -> Result<ClientOptions<V>, ArgumentError> {
    let options = Object::read(options, "options", CLIENT)?;
    let base_url = options.string("baseUrl").ok_or_else(|| {
        ArgumentError::type_error(
            "options",
            "baseUrl",
            "is required: the Looker API host, such as https://acme.looker.com:19999",
        )
    })?;
    let base = ApiBase::parse(&base_url)?;
    let timeout_ms = timeout(options.number("timeoutMs").unwrap_or(DEFAULT_TIMEOUT_MS))?;
    let (access_token, client_id, client_secret) =
        (options.string("accessToken"), options.string("clientId"), options.string("clientSecret"));
    let (fetch, get_access_token) = (options.value("fetch"), options.value("getAccessToken"));
    let oauth = options.get("oauth");
    let mode = auth::auth_mode(AuthOptions {
        access_token: access_token.is_some(),
        get_access_token: get_access_token.is_some(),
        client_id: client_id.is_some(),
        client_secret: client_secret.is_some(),
        fetch: fetch.is_some(),
        oauth: oauth.is_some(),
    })?;
    let allow_insecure_http = options.boolean("allowInsecureHttp").unwrap_or(false);
    if mode != AuthMode::Transport {
        auth::check_transport_security(&base, allow_insecure_http)?;
    }
    let mut retry = RetryPolicy::default();
    if let Some(max_retries) = options.number("maxRetries") {
        if !(0.0..=100.0).contains(&max_retries) || max_retries.fract() != 0.0 {
            return Err(ArgumentError::range_error(
                "options",
                "maxRetries",
                "must be a whole number from 0 to 100",
                Given::Number(max_retries),
            ));
        }
        // In range and whole, so the cast is exact.
        retry.max_retries = max_retries as u32;
    }
    let max_result_bytes = options.number("maxResultBytes").unwrap_or(DEFAULT_MAX_RESULT_BYTES);
    if max_result_bytes.is_nan() || max_result_bytes <= 0.0 {
        return Err(ArgumentError::range_error(
            "options",
            "maxResultBytes",
            "must be a positive number of bytes",
            Given::Number(max_result_bytes),
        ));
    }
    let mut session = Session::default();
    let auth = match (mode, access_token, client_id, client_secret) {
        (AuthMode::Token, Some(token), ..) => {
            auth::check_secret("accessToken", &token)?;
            session = Session::with_token(token);
            Auth::Token
        }
        (AuthMode::Credentials, _, Some(client_id), Some(client_secret)) => {
            auth::check_secret("clientId", &client_id)?;
            auth::check_secret("clientSecret", &client_secret)?;
            Auth::Credentials { client_id, client_secret }
        }
        (AuthMode::Callback, ..) => Auth::Callback,
        (AuthMode::OAuth, ..) => match oauth {
            Some(oauth) => Auth::OAuth(oauth_app(oauth, allow_insecure_http)?),
            None => Auth::Transport,
        },
        _ => Auth::Transport,
    };
    let config = Config { base, auth, timeout_ms, retry, max_result_bytes, poll: PollSchedule::default() };
    Ok(ClientOptions { config, session, fetch, get_access_token })
}

/// What a call takes besides its operation: the caller's signal, its
/// progress callback, and the deadline of a wait or render.
pub struct Controls<V> {
    /// The caller's `AbortSignal`.
    pub signal: Option<V>,
    /// The caller's `onProgress`.
    pub on_progress: Option<V>,
    /// The deadline of the whole call, for waits and renders, in ms.
    pub deadline_ms: Option<f64>,
}

impl<V> Controls<V> {
    /// No signal, no progress, no deadline of its own.
    pub fn none() -> Self {
        Self { signal: None, on_progress: None, deadline_ms: None }
    }
}

/// What an options object of a call calls a key it does not take.
const NOT_AN_OPTION: Option<&str> = Some("is not an option of this method");

/// The options of a call that returns at once: `{ fields, signal }`.
const CALL: Keys =
    Keys { unknown: NOT_AN_OPTION, keys: &[("fields", Type::StringOrStrings), ("signal", Type::Signal)] };

/// The options of a call that only takes a signal.
const SIGNAL_ONLY: Keys = Keys { unknown: NOT_AN_OPTION, keys: &[("signal", Type::Signal)] };

/// The options of a wait or render.
const WAIT: Keys = Keys {
    unknown: NOT_AN_OPTION,
    keys: &[("timeoutMs", Type::Number), ("signal", Type::Signal), ("onProgress", Type::Function)],
};

/// What a render request calls a key it does not take.
const NOT_A_REQUEST_KEY: Option<&str> = Some("is not a property of a render request");

/// The keys of a render request (`render()`).
const REQUEST: Keys = Keys {
    unknown: NOT_A_REQUEST_KEY,
    keys: &[
        ("look_id", Type::String),
        ("query_id", Type::String),
        ("dashboard_element_id", Type::String),
        ("dashboard_id", Type::String),
        ("result_format", Type::String),
        ("width", Type::Number),
        ("height", Type::Number),
        ("body", Type::Object),
        ("pdf_paper_size", Type::String),
        ("pdf_landscape", Type::Boolean),
        ("long_tables", Type::Boolean),
        ("theme", Type::String),
        ("fields", Type::StringOrStrings),
    ],
};

/// The keys of `createDashboardRenderTask()`'s request: a render request's,
/// but for the ids of the other kinds.
const DASHBOARD_REQUEST: Keys = Keys { unknown: NOT_A_REQUEST_KEY, keys: REQUEST.keys.split_at(3).1 };

/// The keys of a dashboard's body (`CreateDashboardRenderTask`): lenient, as
/// a newer Looker may take more; the others are sent on as they are.
const DASHBOARD_BODY: Keys = Keys {
    unknown: None,
    keys: &[("dashboard_filters", Type::StringOrObject), ("dashboard_style", Type::String), ("tab_ids", Type::Strings)],
};

fn controls<V: Value>(options: &Object<V>, deadline_ms: Option<f64>) -> Controls<V> {
    Controls { signal: options.value("signal"), on_progress: options.value("onProgress"), deadline_ms }
}

/// `renderTask(renderTaskId, { fields, signal })`.
pub fn render_task<V: Value>(render_task_id: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let options = Object::read(options, "options", CALL)?;
    let id = id("renderTaskId", render_task_id)?;
    Ok((Op::Get { id, fields: options.fields() }, controls(&options, None)))
}

/// `renderTaskResults(renderTaskId, { signal })`.
pub fn render_task_results<V: Value>(render_task_id: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let id = id("renderTaskId", render_task_id)?;
    let options = Object::read(options, "options", SIGNAL_ONLY)?;
    Ok((Op::Results { id }, controls(&options, None)))
}

/// `create{Look,Query,DashboardElement}RenderTask(id, resultFormat, width, height, { fields, signal })`.
pub fn create_render_task<V: Value>(
    kind: RenderKind,
    [id_value, format, width, height, options]: [&V; 5],
) -> Result<(Op, Controls<V>), ArgumentError> {
    let options = Object::read(options, "options", CALL)?;
    let id = id(kind.id_name(), id_value)?;
    let format = format.string().ok_or_else(|| ArgumentError::type_error("", "resultFormat", "must be a string"))?;
    let format = ResultFormat::for_kind(kind, &format)
        .ok_or_else(|| ArgumentError::range_error("", "resultFormat", kind.format_rule(), Given::Text(format)))?;
    let number = |key, value: &V| value.number().ok_or_else(|| ArgumentError::type_error("", key, "must be a number"));
    let task = CreateRenderTask {
        kind,
        id,
        format,
        width: dimension("width", number("width", width)?)?,
        height: dimension("height", number("height", height)?)?,
        dashboard: DashboardOptions::default(),
        fields: options.fields(),
    };
    Ok((Op::Create(Box::new(task)), controls(&options, None)))
}

/// `createDashboardRenderTask(request, { signal })`.
pub fn create_dashboard_render_task<V: Value>(request: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let task = render_request(request, Some(RenderKind::Dashboard))?;
    let options = Object::read(options, "options", SIGNAL_ONLY)?;
    Ok((Op::Create(task), controls(&options, None)))
}

/// `waitForRenderTask(renderTaskId, { timeoutMs, signal, onProgress })`.
pub fn wait_for_render_task<V: Value>(render_task_id: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let id = id("renderTaskId", render_task_id)?;
    let (timeout_ms, controls) = wait_controls(options)?;
    Ok((Op::Wait { id, timeout_ms }, controls))
}

/// `render(request, { timeoutMs, signal, onProgress })`.
pub fn render<V: Value>(request: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let task = render_request(request, None)?;
    let (timeout_ms, controls) = wait_controls(options)?;
    Ok((Op::Render { task, timeout_ms }, controls))
}

/// The most renders a batch may have in flight.
pub const MAX_CONCURRENCY: u32 = 64;

/// Renders in flight in a batch when not told: Looker's renderer runs two
/// render jobs at once by default (`--concurrent-render-jobs`).
pub const DEFAULT_CONCURRENCY: u32 = 2;

/// The options of `renderAll` and `renderMany`.
const BATCH: Keys = Keys {
    unknown: NOT_AN_OPTION,
    keys: &[
        ("concurrency", Type::Number),
        ("timeoutMs", Type::Number),
        ("signal", Type::Signal),
        ("onProgress", Type::Function),
    ],
};

/// `renderAll(requests, options)` and `renderMany(requests, options)`:
/// every request checked before anything is sent (a mistake names its
/// index), and the number of renders to keep in flight.
pub fn batch<V: Value>(requests: &V, options: &V) -> Result<u32, ArgumentError> {
    if requests.kind() != Kind::Array {
        return Err(ArgumentError::type_error("", "requests", "must be an array of render requests"));
    }
    for (index, request) in requests.items().iter().enumerate() {
        render_request(request, None).map_err(|error| error.at_item(index))?;
    }
    let options = Object::read(options, "options", BATCH)?;
    wait_controls_of(&options)?;
    match options.number("concurrency") {
        None => Ok(DEFAULT_CONCURRENCY),
        Some(n) if (1.0..=f64::from(MAX_CONCURRENCY)).contains(&n) && n.fract() == 0.0 => Ok(n as u32),
        Some(n) => Err(ArgumentError::range_error(
            "options",
            "concurrency",
            "must be a whole number from 1 to 64",
            Given::Number(n),
        )),
    }
}

fn wait_controls<V: Value>(options: &V) -> Result<(f64, Controls<V>), ArgumentError> {
    wait_controls_of(&Object::read(options, "options", WAIT)?)
}

fn wait_controls_of<V: Value>(options: &Object<V>) -> Result<(f64, Controls<V>), ArgumentError> {
    let timeout_ms = timeout(options.number("timeoutMs").unwrap_or(DEFAULT_WAIT_TIMEOUT_MS))?;
    Ok((timeout_ms, controls(options, Some(timeout_ms))))
}

/// Picks what a render request renders: exactly one of its four ids.
fn render_target<V: Value>(request: &Object<V>) -> Result<(RenderKind, String), ArgumentError> {
    let mut target: Option<(RenderKind, String)> = None;
    for kind in RenderKind::ALL {
        let Some(id) = request.string(kind.id_name()) else { continue };
        if let Some((first, _)) = target {
            return Err(ArgumentError::type_error("request", "", "must have exactly one id, not both")
                .given(Given::Both(first.id_name(), kind.id_name())));
        }
        target = Some((kind, id));
    }
    target.ok_or_else(|| {
        ArgumentError::type_error("request", "", "needs one of look_id, query_id, dashboard_id or dashboard_element_id")
    })
}

/// A `render()` request, or (with `only`) a `createDashboardRenderTask()` one.
pub fn render_request<V: Value>(value: &V, only: Option<RenderKind>) -> Result<Box<CreateRenderTask>, ArgumentError> {
    let request = Object::required(value, "request", if only.is_some() { DASHBOARD_REQUEST } else { REQUEST })?;
    let (kind, id) = match only {
        Some(kind) => match request.string(kind.id_name()) {
            Some(id) => (kind, id),
            None => return Err(ArgumentError::type_error("request", kind.id_name(), "is required")),
        },
        None => render_target(&request)?,
    };
    if id.is_empty() {
        return Err(ArgumentError::type_error("request", kind.id_name(), "must be a non-empty string"));
    }
    let format = request
        .string("result_format")
        .ok_or_else(|| ArgumentError::type_error("request", "result_format", "is required"))?;
    let format = ResultFormat::for_kind(kind, &format).ok_or_else(|| {
        ArgumentError::range_error("request", "result_format", kind.format_rule(), Given::Text(format))
    })?;
    let size = |key| match request.number(key) {
        Some(number) => dimension(key, number).map_err(|error| ArgumentError { object: "request", ..error }),
        None => Err(ArgumentError::type_error("request", key, "is required")),
    };
    let (width, height) = (size("width")?, size("height")?);
    let dashboard = dashboard_options(&request)?;
    if kind != RenderKind::Dashboard {
        if let Some(key) = dashboard.first_set() {
            return Err(ArgumentError::type_error("request", key, kind.dashboards_only_rule()));
        }
    }
    Ok(Box::new(CreateRenderTask { kind, id, format, width, height, dashboard, fields: request.fields() }))
}

fn dashboard_options<V: Value>(request: &Object<V>) -> Result<DashboardOptions, ArgumentError> {
    let mut body = CreateDashboardRenderTask::default();
    let mut extra = Vec::new();
    if let Some(value) = request.get("body") {
        let object = Object::read(value, "request.body", DASHBOARD_BODY)?;
        for key in value.keys() {
            if !DASHBOARD_BODY.keys.iter().any(|(known, _)| *known == key) {
                if let Some(json) = value.get(&key).and_then(|value| value.to_json()) {
                    extra.push((key, json));
                }
            }
        }
        body.dashboard_filters = match object.get("dashboard_filters") {
            Some(filters) if filters.kind() == Kind::Object => Some(filters::encode(filters, "request.body")?),
            _ => object.string("dashboard_filters"),
        };
        body.dashboard_style = object.string("dashboard_style");
        body.tab_ids = object.strings("tab_ids");
        if let Some(style) = body.dashboard_style.as_ref().filter(|style| !DASHBOARD_STYLES.contains(&style.as_str())) {
            let given = Given::Text(style.clone());
            return Err(ArgumentError::range_error("request.body", "dashboard_style", DASHBOARD_STYLE_RULE, given));
        }
    }
    let pdf_paper_size = request.string("pdf_paper_size");
    if let Some(size) = pdf_paper_size.as_ref().filter(|size| !PDF_PAPER_SIZES.contains(&size.as_str())) {
        return Err(ArgumentError::range_error(
            "request",
            "pdf_paper_size",
            PDF_PAPER_SIZE_RULE,
            Given::Text(size.clone()),
        ));
    }
    Ok(DashboardOptions {
        body,
        extra,
        pdf_paper_size,
        pdf_landscape: request.boolean("pdf_landscape"),
        long_tables: request.boolean("long_tables"),
        theme: request.string("theme"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value as Json};

    fn range(result: Result<impl Sized, ArgumentError>) -> String {
        match result {
            Err(error) if error.range => error.message(),
            Err(other) => panic!("not a RangeError: {other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    fn type_err(result: Result<impl Sized, ArgumentError>) -> String {
        match result {
            Err(error) if !error.range => error.message(),
            Err(other) => panic!("not a TypeError: {other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn dimensions_are_whole_pixels_in_range() {
        assert_eq!(dimension("width", 1.0), Ok(1));
        assert_eq!(dimension("width", 16384.0), Ok(16384));
        for bad in [0.0, -1.0, 16385.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(range(dimension("height", bad)).starts_with("height"), "{bad}");
        }
        assert_eq!(range(dimension("width", 1.5)), "width must be a whole number of pixels, not 1.5");
    }

    #[test]
    fn timeouts_are_positive() {
        assert_eq!(timeout(f64::INFINITY), Ok(f64::INFINITY));
        assert_eq!(range(timeout(0.0)), "options.timeoutMs must be a positive number of milliseconds, not 0");
        assert!(timeout(f64::NAN).is_err());
    }

    fn client(options: Json) -> Result<ClientOptions<Json>, ArgumentError> {
        client_options(&options)
    }

    #[test]
    fn client_options_are_checked() {
        let ok = client(json!({"baseUrl": "https://a.looker.com", "accessToken": "t", "maxRetries": 0})).ok().unwrap();
        assert_eq!(ok.config.retry.max_retries, 0);
        assert_eq!(ok.session.current(), Some("t"));
        assert!(type_err(client(json!(null))).starts_with("options.baseUrl is required"));
        assert!(range(client(json!({"baseUrl": "https://a.looker.com", "accessToken": "t", "maxResultBytes": -1})))
            .ends_with("not -1"));
        assert!(type_err(client(json!("x"))).starts_with("options must be an object"));
        assert!(type_err(client(json!({"baseUrl": 7}))).starts_with("options.baseUrl must be a string"));
        let base = |extra: Json| {
            let mut options = json!({"baseUrl": "https://a.looker.com", "accessToken": "t"});
            options.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            client(options)
        };
        assert!(range(base(json!({"timeoutMs": -1}))).contains("timeoutMs"));
        assert!(range(base(json!({"maxRetries": 1.5}))).contains("maxRetries"));
        assert!(range(base(json!({"maxRetries": 101}))).contains("maxRetries"));
        assert!(range(base(json!({"maxResultBytes": 0}))).contains("maxResultBytes"));
        assert!(type_err(base(json!({"accessToken": "a\nb"}))).contains("accessToken"));
        assert!(type_err(base(json!({"clientId": "i", "clientSecret": "s"}))).contains("exactly one way"));
        assert!(type_err(client(json!({"baseUrl": "http://acme.looker.com", "accessToken": "t"}))).contains("https"));
        let credentials =
            client(json!({"baseUrl": "http://127.0.0.1:1", "clientId": "i", "clientSecret": "s"})).ok().unwrap();
        assert_eq!(credentials.config.auth, Auth::Credentials { client_id: "i".into(), client_secret: "s".into() });
        assert_eq!(credentials.session.current(), None);
    }

    #[test]
    fn ids_are_non_empty_strings() {
        for bad in [json!(""), json!(null), json!(42), json!({}), json!(["x"])] {
            assert!(type_err(render_task(&bad, &json!(null))).starts_with("renderTaskId"), "{bad}");
        }
        let (op, _) = render_task(&json!("7"), &json!({"fields": ["id", "status"]})).ok().unwrap();
        assert_eq!(op, Op::Get { id: "7".into(), fields: Fields::from_csv("id,status") });
        let (op, _) = render_task(&json!("7"), &json!({"fields": "id, status"})).ok().unwrap();
        assert_eq!(op, Op::Get { id: "7".into(), fields: Fields::from_csv("id,status") });
        assert!(type_err(render_task(&json!("7"), &json!({"fields": 7}))).contains("options.fields"));
        assert!(type_err(render_task(&json!("7"), &json!("options"))).contains("options must be an object"));
    }

    #[test]
    fn create_arguments() {
        let args = |id: Json, format: Json, width: Json, height: Json| {
            create_render_task(RenderKind::Look, [&id, &format, &width, &height, &json!(null)])
        };
        assert!(range(args(json!("7"), json!("pdf"), json!(800), json!(600)))
            .starts_with("resultFormat must be \"png\" or \"jpg\" for a look"));
        assert!(type_err(args(json!(""), json!("png"), json!(800), json!(600))).starts_with("look_id"));
        assert!(type_err(args(json!("7"), json!("png"), json!("800"), json!(600))).starts_with("width"));
        assert!(range(args(json!("7"), json!("png"), json!(800), json!(100_000))).starts_with("height"));
        let (op, _) = args(json!("7"), json!("jpg"), json!(800), json!(600)).ok().unwrap();
        let Op::Create(task) = op else { panic!() };
        assert_eq!((task.kind, task.format, task.width, task.height), (RenderKind::Look, ResultFormat::Jpg, 800, 600));
    }

    #[test]
    fn render_requests() {
        let request = |value: Json| render_request(&value, None);
        assert!(type_err(request(json!({"result_format": "png", "width": 1, "height": 1}))).contains("one of look_id"));
        assert!(type_err(request(
            json!({"look_id": "7", "query_id": "1", "result_format": "png", "width": 1, "height": 1})
        ))
        .contains("exactly one id, not both look_id and query_id"));
        assert_eq!(
            type_err(request(
                json!({"look_id": "7", "result_format": "png", "width": 1, "height": 1, "pdf_landscape": true})
            )),
            "request.pdf_landscape applies to dashboards only, not to a look"
        );
        assert!(type_err(request(
            json!({"query_id": "7", "result_format": "png", "width": 1, "height": 1, "body": {"tab_ids": []}})
        ))
        .starts_with("request.body.tab_ids applies to dashboards only"));
        assert!(type_err(request(json!({"look_id": "7", "result_format": "png", "height": 1})))
            .contains("request.width is required"));
        assert!(range(request(
            json!({"dashboard_id": "4", "result_format": "pdf", "width": 1, "height": 1, "pdf_paper_size": "a9"})
        ))
        .starts_with("request.pdf_paper_size must be one of \"letter\""));
        assert!(range(request(json!({"look_id": "4", "result_format": "pdf", "width": 1, "height": 1})))
            .ends_with("for a look, not \"pdf\""));
        assert!(range(request(json!({"dashboard_id": "4", "result_format": "pdf", "width": 1, "height": 1, "body": {"dashboard_style": "grid"}})))
            .starts_with("request.body.dashboard_style"));
        assert!(type_err(render_request(
            &json!({"result_format": "pdf", "width": 1, "height": 1}),
            Some(RenderKind::Dashboard)
        ))
        .contains("request.dashboard_id is required"));
        assert!(type_err(request(json!(null))).starts_with("request must be an object"));
        let task = request(json!({
            "dashboard_id": "42", "result_format": "pdf", "width": 1920, "height": 1080,
            "body": {"dashboard_filters": "a=1", "tab_ids": ["t"]}, "pdf_paper_size": "a4", "pdf_landscape": true, "fields": "id"
        }))
        .unwrap();
        assert_eq!(task.dashboard.body.tab_ids, Some(vec!["t".into()]));
        assert_eq!(task.dashboard.pdf_paper_size.as_deref(), Some("a4"));
        assert_eq!(task.fields, Fields::from_csv("id"));
    }

    #[test]
    fn unknown_keys_are_mistakes_with_a_hint() {
        let client = |options: Json| type_err(client_options(&options).map(|_| ()));
        let base = json!({"baseUrl": "https://a.looker.com", "accessToken": "t"});
        let with = |extra: Json| {
            let mut options = base.clone();
            options.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            options
        };
        assert_eq!(
            client(with(json!({"timeout": 5000}))),
            "options.timeout is not an option of new LookerClient(): did you mean timeoutMs?"
        );
        assert!(client(with(json!({"base_url": "x"}))).ends_with("did you mean baseUrl?"));
        assert!(client(with(json!({"verify_ssl": false}))).contains("certificates are always checked"));
        assert_eq!(client(with(json!({"bogus": 1}))), "options.bogus is not an option of new LookerClient()");
        assert!(type_err(render_task(&json!("7"), &json!({"field": "id"}))).ends_with("did you mean fields?"));
        assert!(type_err(render(
            &json!({"dashboardId": "4", "result_format": "pdf", "width": 1, "height": 1}),
            &json!(null)
        ))
        .starts_with("request.dashboardId is not a property of a render request: did you mean dashboard_id?"));
        assert!(type_err(render(&json!({"look_id": "4", "format": "png", "width": 1, "height": 1}), &json!(null)))
            .ends_with("did you mean result_format?"));
        assert!(
            type_err(wait_for_render_task(&json!("t"), &json!({"timeout": 1}))).ends_with("did you mean timeoutMs?")
        );
        assert!(type_err(create_dashboard_render_task(
            &json!({"dashboard_id": "4", "look_id": "7", "result_format": "pdf", "width": 1, "height": 1}),
            &json!(null)
        ))
        .starts_with("request.look_id is not a property"));
    }

    #[test]
    fn a_batch_checks_every_request_first_and_names_the_index() {
        let look = json!({"look_id": "7", "result_format": "png", "width": 1, "height": 1});
        assert_eq!(batch(&json!([look, look]), &json!(null)), Ok(DEFAULT_CONCURRENCY));
        assert_eq!(batch(&json!([]), &json!({"concurrency": 64})), Ok(64));
        let bad = json!([look, {"look_id": "7", "result_format": "png", "width": 0, "height": 1}]);
        assert!(range(batch(&bad, &json!(null))).starts_with("requests[1].width"));
        let bad = json!([look, look, {"dashboard_id": "1", "result_format": "pdf", "width": 1, "height": 1, "body": {"dashboard_style": "wide"}}]);
        assert!(range(batch(&bad, &json!(null))).starts_with("requests[2].body.dashboard_style"));
        assert!(type_err(batch(&json!([null]), &json!(null))).starts_with("requests[0]"));
        assert_eq!(type_err(batch(&json!({}), &json!(null))), "requests must be an array of render requests");
        for concurrency in [0.0, 65.0, 2.5, -1.0] {
            assert!(range(batch(&json!([]), &json!({"concurrency": concurrency}))).starts_with("options.concurrency"));
        }
        assert!(type_err(batch(&json!([]), &json!({"timeout": 1}))).ends_with("did you mean timeoutMs?"));
    }

    #[test]
    fn dashboard_filters_may_be_an_object() {
        let request = |filters: Json| {
            render_request(
                &json!({"dashboard_id": "4", "result_format": "pdf", "width": 1, "height": 1, "body": {"dashboard_filters": filters}}),
                None,
            )
        };
        let task = request(json!({"Region": ["EMEA", "a,b"]})).unwrap();
        assert_eq!(task.dashboard.body.dashboard_filters.as_deref(), Some("Region=EMEA%2Ca%5E%2Cb"));
        let task = request(json!("Region=EMEA")).unwrap();
        assert_eq!(task.dashboard.body.dashboard_filters.as_deref(), Some("Region=EMEA"));
        assert!(type_err(request(json!(7)))
            .starts_with("request.body.dashboard_filters must be a string (a URL query) or an object"));
        assert!(type_err(request(json!({"Region": {}}))).contains("\"Region\""));
    }

    #[test]
    fn a_dashboard_body_sends_on_what_a_newer_looker_may_take() {
        let task = render_request(
            &json!({"dashboard_id": "4", "result_format": "pdf", "width": 1, "height": 1, "body": {"dashboard_style": "tiled", "new_option": {"a": [1]}}}),
            None,
        )
        .unwrap();
        assert_eq!(task.dashboard.extra, [("new_option".to_owned(), r#"{"a":[1]}"#.to_owned())]);
        assert_eq!(
            task.dashboard.body.to_json_with(&task.dashboard.extra),
            r#"{"dashboard_style":"tiled","new_option":{"a":[1]}}"#
        );
    }

    #[test]
    fn waits_have_a_deadline() {
        let (op, controls) = wait_for_render_task(&json!("t"), &json!(null)).ok().unwrap();
        assert_eq!(op, Op::Wait { id: "t".into(), timeout_ms: DEFAULT_WAIT_TIMEOUT_MS });
        assert_eq!(controls.deadline_ms, Some(DEFAULT_WAIT_TIMEOUT_MS));
        assert!(range(wait_for_render_task(&json!("t"), &json!({"timeoutMs": 0}))).contains("timeoutMs"));
        assert!(type_err(wait_for_render_task(&json!("t"), &json!({"onProgress": 1})))
            .contains("options.onProgress must be a function"));
    }
}
