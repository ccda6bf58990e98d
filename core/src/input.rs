//! Reading what callers pass in (options objects, ids, render requests) and
//! checking it before anything is sent. Every `TypeError` and `RangeError`
//! the package throws is written here, over a [`Value`], so the rules are
//! tested natively and hold the same in the wasm build.

use crate::auth::{self, Auth, AuthMode, AuthOptions, Session};
use crate::call::{Config, Op, DEFAULT_MAX_RESULT_BYTES, DEFAULT_TIMEOUT_MS};
use crate::error::ArgumentError;
use crate::models::CreateDashboardRenderTask;
use crate::params::{self, RenderKind, ResultFormat, DASHBOARD_STYLES, MAX_DIMENSION, PDF_PAPER_SIZES};
use crate::poll::{PollSchedule, DEFAULT_WAIT_TIMEOUT_MS};
use crate::request::{CreateRenderTask, DashboardOptions, Fields};
use crate::retry::RetryPolicy;
use crate::text;
use crate::url::ApiBase;
use crate::value::{Kind, Value};

fn type_error(name: &str, expected: &str) -> ArgumentError {
    ArgumentError::Type(text!(name, " must be ", expected))
}

/// An options or request object: `undefined` and `null` read as empty.
pub struct Object<'a, V> {
    value: Option<&'a V>,
    /// Its name in messages (`options`, `request`, `request.body`).
    name: &'a str,
}

impl<'a, V: Value> Object<'a, V> {
    /// Reads `value` as an object named `name`.
    pub fn new(value: &'a V, name: &'a str) -> Result<Self, ArgumentError> {
        match value.kind() {
            Kind::Undefined | Kind::Null => Ok(Self { value: None, name }),
            Kind::Object => Ok(Self { value: Some(value), name }),
            _ => Err(type_error(name, "an object")),
        }
    }

    /// Reads `value` as an object that must be given.
    pub fn required(value: &'a V, name: &'a str) -> Result<Self, ArgumentError> {
        let object = Self::new(value, name)?;
        if object.value.is_none() {
            return Err(type_error(name, "an object"));
        }
        Ok(object)
    }

    /// A property; `None` when missing, `undefined` or `null`.
    pub fn get(&self, key: &str) -> Option<V> {
        self.value?.get(key).filter(|value| !value.is_nullish())
    }

    /// `name.key`, for messages.
    pub fn label(&self, key: &str) -> String {
        text!(self.name, '.', key)
    }

    fn typed<T>(&self, key: &str, expected: &str, read: impl FnOnce(&V) -> Option<T>) -> Result<Option<T>, ArgumentError> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => read(&value).map(Some).ok_or_else(|| type_error(&self.label(key), expected)),
        }
    }

    /// An optional string property.
    pub fn string(&self, key: &str) -> Result<Option<String>, ArgumentError> {
        self.typed(key, "a string", V::string)
    }

    /// An optional number property.
    pub fn number(&self, key: &str) -> Result<Option<f64>, ArgumentError> {
        self.typed(key, "a number", V::number)
    }

    /// An optional boolean property.
    pub fn boolean(&self, key: &str) -> Result<Option<bool>, ArgumentError> {
        self.typed(key, "a boolean", V::boolean)
    }

    /// An optional function property.
    pub fn function(&self, key: &str) -> Result<Option<V>, ArgumentError> {
        self.typed(key, "a function", |value| (value.kind() == Kind::Function).then(|| value.clone()))
    }

    /// An optional `AbortSignal` property.
    pub fn signal(&self, key: &str) -> Result<Option<V>, ArgumentError> {
        self.typed(key, "an AbortSignal", |value| value.is_abort_signal().then(|| value.clone()))
    }

    /// An optional array of strings.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, ArgumentError> {
        self.typed(key, "an array of strings", string_list)
    }

    /// The `fields` option: a comma-separated string or an array of names.
    pub fn fields(&self) -> Result<Fields, ArgumentError> {
        let Some(value) = self.get("fields") else {
            return Ok(Fields::all());
        };
        if let Some(csv) = value.string() {
            return Ok(Fields::from_csv(&csv));
        }
        let names = string_list(&value).ok_or_else(|| type_error(&self.label("fields"), "a string or an array of strings"))?;
        Ok(Fields::from_list(names.iter().map(String::as_str)))
    }
}

fn string_list<V: Value>(value: &V) -> Option<Vec<String>> {
    if value.kind() != Kind::Array {
        return None;
    }
    value.items().iter().map(V::string).collect()
}

/// A required id: a non-empty string (Looker ids are strings, even numeric ones).
pub fn id<V: Value>(name: &str, value: &V) -> Result<String, ArgumentError> {
    match value.string() {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(type_error(name, "a non-empty string")),
    }
}

/// A timeout: a positive number of milliseconds (`Infinity` for none).
pub fn timeout(name: &str, value: f64) -> Result<f64, ArgumentError> {
    if value.is_nan() || value <= 0.0 {
        return Err(ArgumentError::Range(text!(name, " must be a positive number of milliseconds, not ", value)));
    }
    Ok(value)
}

/// A width or height: a whole number of pixels in `1..=MAX_DIMENSION`.
pub fn dimension(name: &str, value: f64) -> Result<u32, ArgumentError> {
    if value.fract() != 0.0 || !value.is_finite() {
        return Err(ArgumentError::Range(text!(name, " must be a whole number of pixels, not ", value)));
    }
    if !(1.0..=f64::from(MAX_DIMENSION)).contains(&value) {
        return Err(ArgumentError::Range(text!(name, " must be between 1 and ", MAX_DIMENSION, " pixels, not ", value)));
    }
    // In range and whole, so the cast is exact.
    Ok(value as u32)
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

/// Reads the options of `new LookerClient(options)`.
pub fn client_options<V: Value>(options: &V) -> Result<ClientOptions<V>, ArgumentError> {
    let options = Object::new(options, "options")?;
    let base_url = options.string("baseUrl")?.ok_or_else(|| {
        ArgumentError::Type("options.baseUrl is required: the Looker API host, such as https://acme.looker.com:19999".into())
    })?;
    let base = ApiBase::parse(&base_url)?;
    let timeout_ms = timeout("options.timeoutMs", options.number("timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS))?;
    let fetch = options.function("fetch")?;
    let access_token = options.string("accessToken")?;
    let get_access_token = options.function("getAccessToken")?;
    let client_id = options.string("clientId")?;
    let client_secret = options.string("clientSecret")?;
    let mode = auth::auth_mode(AuthOptions {
        access_token: access_token.is_some(),
        get_access_token: get_access_token.is_some(),
        client_id: client_id.is_some(),
        client_secret: client_secret.is_some(),
        fetch: fetch.is_some(),
    })?;
    if mode != AuthMode::Transport {
        auth::check_transport_security(&base, options.boolean("allowInsecureHttp")?.unwrap_or(false))?;
    }
    let mut retry = RetryPolicy::default();
    if let Some(max_retries) = options.number("maxRetries")? {
        if !(0.0..=100.0).contains(&max_retries) || max_retries.fract() != 0.0 {
            return Err(ArgumentError::Range(text!(
                "options.maxRetries must be a whole number from 0 to 100, not ",
                max_retries
            )));
        }
        // In range and whole, so the cast is exact.
        retry.max_retries = max_retries as u32;
    }
    let max_result_bytes = options.number("maxResultBytes")?.unwrap_or(DEFAULT_MAX_RESULT_BYTES);
    if max_result_bytes.is_nan() || max_result_bytes <= 0.0 {
        return Err(ArgumentError::Range(text!(
            "options.maxResultBytes must be a positive number of bytes, not ",
            max_result_bytes
        )));
    }
    let mut session = Session::default();
    let auth = match (mode, access_token, client_id, client_secret) {
        (AuthMode::Token, Some(token), ..) => {
            auth::check_secret("options.accessToken", &token)?;
            session = Session::with_token(token);
            Auth::Token
        }
        (AuthMode::Credentials, _, Some(client_id), Some(client_secret)) => {
            auth::check_secret("options.clientId", &client_id)?;
            auth::check_secret("options.clientSecret", &client_secret)?;
            Auth::Credentials { client_id, client_secret }
        }
        (AuthMode::Callback, ..) => Auth::Callback,
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

fn signal_only<V: Value>(options: &Object<'_, V>) -> Result<Controls<V>, ArgumentError> {
    Ok(Controls { signal: options.signal("signal")?, on_progress: None, deadline_ms: None })
}

/// `renderTask(renderTaskId, { fields, signal })`.
pub fn render_task<V: Value>(render_task_id: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let options = Object::new(options, "options")?;
    let id = id("renderTaskId", render_task_id)?;
    Ok((Op::Get { id, fields: options.fields()? }, signal_only(&options)?))
}

/// `renderTaskResults(renderTaskId, { signal })`.
pub fn render_task_results<V: Value>(render_task_id: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let id = id("renderTaskId", render_task_id)?;
    let options = Object::new(options, "options")?;
    Ok((Op::Results { id }, signal_only(&options)?))
}

/// `create{Look,Query,DashboardElement}RenderTask(id, resultFormat, width, height, { fields, signal })`.
pub fn create_render_task<V: Value>(
    kind: RenderKind,
    [id_value, format, width, height, options]: [&V; 5],
) -> Result<(Op, Controls<V>), ArgumentError> {
    let options = Object::new(options, "options")?;
    let id = id(kind.id_name(), id_value)?;
    let format = format.string().ok_or_else(|| type_error("resultFormat", "a string"))?;
    let format = ResultFormat::for_kind(kind, &format).map_err(|why| ArgumentError::Range(text!("resultFormat ", why)))?;
    let number = |name: &str, value: &V| value.number().ok_or_else(|| type_error(name, "a number"));
    let task = CreateRenderTask {
        kind,
        id,
        format,
        width: dimension("width", number("width", width)?)?,
        height: dimension("height", number("height", height)?)?,
        dashboard: DashboardOptions::default(),
        fields: options.fields()?,
    };
    Ok((Op::Create(task), signal_only(&options)?))
}

/// `createDashboardRenderTask(request, { signal })`.
pub fn create_dashboard_render_task<V: Value>(request: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let task = render_request(request, Some(RenderKind::Dashboard))?;
    let options = Object::new(options, "options")?;
    Ok((Op::Create(task), signal_only(&options)?))
}

/// `waitForRenderTask(renderTaskId, { timeoutMs, signal, onProgress })`.
pub fn wait_for_render_task<V: Value>(render_task_id: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let id = id("renderTaskId", render_task_id)?;
    let controls = wait_controls(options)?;
    let timeout_ms = controls.deadline_ms.unwrap_or(DEFAULT_WAIT_TIMEOUT_MS);
    Ok((Op::Wait { id, timeout_ms }, controls))
}

/// `render(request, { timeoutMs, signal, onProgress })`.
pub fn render<V: Value>(request: &V, options: &V) -> Result<(Op, Controls<V>), ArgumentError> {
    let task = render_request(request, None)?;
    let controls = wait_controls(options)?;
    let timeout_ms = controls.deadline_ms.unwrap_or(DEFAULT_WAIT_TIMEOUT_MS);
    Ok((Op::Render { task, timeout_ms }, controls))
}

fn wait_controls<V: Value>(options: &V) -> Result<Controls<V>, ArgumentError> {
    let options = Object::new(options, "options")?;
    let timeout_ms = timeout("options.timeoutMs", options.number("timeoutMs")?.unwrap_or(DEFAULT_WAIT_TIMEOUT_MS))?;
    Ok(Controls {
        signal: options.signal("signal")?,
        on_progress: options.function("onProgress")?,
        deadline_ms: Some(timeout_ms),
    })
}

/// Picks what a render request renders: exactly one of its four ids.
fn render_target<V: Value>(request: &Object<'_, V>) -> Result<(RenderKind, String), ArgumentError> {
    let mut given = Vec::new();
    for kind in RenderKind::ALL {
        if let Some(value) = request.get(kind.id_name()) {
            given.push((kind, id(&request.label(kind.id_name()), &value)?));
        }
    }
    let mut given = given.into_iter();
    match (given.next(), given.next()) {
        (Some(target), None) => Ok(target),
        (None, _) => Err(ArgumentError::Type(
            "request needs one of look_id, query_id, dashboard_id or dashboard_element_id".into(),
        )),
        (Some((first, _)), Some((second, _))) => Err(ArgumentError::Type(text!(
            "request must have exactly one id, not both ",
            first.id_name(),
            " and ",
            second.id_name()
        ))),
    }
}

/// A `render()` request, or (with `only`) a `createDashboardRenderTask()` one.
pub fn render_request<V: Value>(value: &V, only: Option<RenderKind>) -> Result<CreateRenderTask, ArgumentError> {
    let request = Object::required(value, "request")?;
    let (kind, id) = match only {
        Some(kind) => {
            let value = request.get(kind.id_name()).ok_or_else(|| ArgumentError::Type(text!(request.label(kind.id_name()), " is required")))?;
            (kind, id(&request.label(kind.id_name()), &value)?)
        }
        None => render_target(&request)?,
    };
    let required = |name: &str| match request.number(name)? {
        Some(number) => Ok(number),
        None => Err(ArgumentError::Type(text!(request.label(name), " is required"))),
    };
    let format = request
        .string("result_format")?
        .ok_or_else(|| ArgumentError::Type("request.result_format is required".into()))?;
    let format = ResultFormat::for_kind(kind, &format)
        .map_err(|why| ArgumentError::Range(text!("request.result_format ", why)))?;
    let width = dimension("width", required("width")?)?;
    let height = dimension("height", required("height")?)?;
    let dashboard = dashboard_options(&request)?;
    if kind != RenderKind::Dashboard {
        if let Some(name) = dashboard.first_set() {
            return Err(ArgumentError::Type(text!(name, " applies to dashboards only, not to a ", kind.noun())));
        }
    }
    Ok(CreateRenderTask { kind, id, format, width, height, dashboard, fields: request.fields()? })
}

fn dashboard_options<V: Value>(request: &Object<'_, V>) -> Result<DashboardOptions, ArgumentError> {
    let mut body = CreateDashboardRenderTask::default();
    if let Some(value) = request.get("body") {
        let object = Object::new(&value, "request.body")?;
        body.dashboard_filters = object.string("dashboard_filters")?;
        body.dashboard_style = object.string("dashboard_style")?;
        body.tab_ids = object.strings("tab_ids")?;
        if let Some(style) = &body.dashboard_style {
            params::one_of(style, &DASHBOARD_STYLES)
                .map_err(|why| ArgumentError::Range(text!("request.body.dashboard_style ", why)))?;
        }
    }
    let pdf_paper_size = request.string("pdf_paper_size")?;
    if let Some(size) = &pdf_paper_size {
        params::one_of(size, &PDF_PAPER_SIZES).map_err(|why| ArgumentError::Range(text!("request.pdf_paper_size ", why)))?;
    }
    Ok(DashboardOptions {
        body,
        pdf_paper_size,
        pdf_landscape: request.boolean("pdf_landscape")?,
        long_tables: request.boolean("long_tables")?,
        theme: request.string("theme")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value as Json};

    fn range(result: Result<impl Sized, ArgumentError>) -> String {
        match result {
            Err(ArgumentError::Range(message)) => message,
            Err(other) => panic!("not a RangeError: {other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    fn type_err(result: Result<impl Sized, ArgumentError>) -> String {
        match result {
            Err(ArgumentError::Type(message)) => message,
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
        assert_eq!(timeout("options.timeoutMs", f64::INFINITY), Ok(f64::INFINITY));
        assert!(range(timeout("options.timeoutMs", 0.0)).ends_with("not 0"));
        assert!(timeout("options.timeoutMs", f64::NAN).is_err());
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
        assert!(type_err(base(json!({"clientId": "i", "clientSecret": "s"}))).contains("only one way"));
        assert!(type_err(client(json!({"baseUrl": "http://acme.looker.com", "accessToken": "t"}))).contains("https"));
        let credentials = client(json!({"baseUrl": "http://127.0.0.1:1", "clientId": "i", "clientSecret": "s"})).ok().unwrap();
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
        assert!(type_err(render_task(&json!("7"), &json!({"fields": 7}))).contains("options.fields"));
        assert!(type_err(render_task(&json!("7"), &json!("options"))).contains("options must be an object"));
    }

    #[test]
    fn create_arguments() {
        let args = |id: Json, format: Json, width: Json, height: Json| {
            create_render_task(RenderKind::Look, [&id, &format, &width, &height, &json!(null)])
        };
        assert!(range(args(json!("7"), json!("pdf"), json!(800), json!(600))).starts_with("resultFormat must be \"png\" or \"jpg\" for a look"));
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
        assert!(type_err(request(json!({"look_id": "7", "query_id": "1", "result_format": "png", "width": 1, "height": 1})))
            .contains("exactly one id, not both look_id and query_id"));
        assert_eq!(
            type_err(request(json!({"look_id": "7", "result_format": "png", "width": 1, "height": 1, "pdf_landscape": true}))),
            "pdf_landscape applies to dashboards only, not to a look"
        );
        assert!(type_err(request(json!({"look_id": "7", "result_format": "png", "height": 1}))).contains("request.width is required"));
        assert!(range(request(json!({"dashboard_id": "4", "result_format": "pdf", "width": 1, "height": 1, "pdf_paper_size": "a9"})))
            .starts_with("request.pdf_paper_size must be one of"));
        assert!(range(request(json!({"dashboard_id": "4", "result_format": "pdf", "width": 1, "height": 1, "body": {"dashboard_style": "grid"}})))
            .starts_with("request.body.dashboard_style"));
        assert!(type_err(render_request(&json!({"result_format": "pdf", "width": 1, "height": 1}), Some(RenderKind::Dashboard)))
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
    fn waits_have_a_deadline() {
        let (op, controls) = wait_for_render_task(&json!("t"), &json!(null)).ok().unwrap();
        assert_eq!(op, Op::Wait { id: "t".into(), timeout_ms: DEFAULT_WAIT_TIMEOUT_MS });
        assert_eq!(controls.deadline_ms, Some(DEFAULT_WAIT_TIMEOUT_MS));
        assert!(range(wait_for_render_task(&json!("t"), &json!({"timeoutMs": 0}))).contains("timeoutMs"));
        assert!(type_err(wait_for_render_task(&json!("t"), &json!({"onProgress": 1}))).contains("options.onProgress must be a function"));
    }
}
