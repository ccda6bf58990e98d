//! Building Looker API requests: URLs, query parameters and bodies exactly as
//! the spec has them, and the checks on a caller's input that must pass before
//! anything is sent.

use crate::models::CreateDashboardRenderTask;
use crate::retry::Idempotency;
use std::fmt::{self, Write};

/// The path every Looker API 4.0 call lives under.
const API_PATH: &str = "/api/4.0";

/// The largest width or height this client asks Looker for, in pixels.
pub const MAX_DIMENSION: u32 = 16_384;

/// A caller's mistake, found before any request is sent. The JS layer throws
/// it as the built-in error of the same kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgumentError {
    /// The value has the wrong type, or is empty (a JS `TypeError`).
    Type(String),
    /// The value has the right type but is out of range (a JS `RangeError`).
    Range(String),
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Type(message) | Self::Range(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ArgumentError {}

/// The API root a client talks to: `https://host[:port]/api/4.0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiBase {
    root: String,
    host: String,
    https: bool,
}

impl ApiBase {
    /// Parses a Looker SDK `base_url` (`https://acme.looker.com:19999`), with or
    /// without `/api/4.0` and trailing slashes.
    pub fn parse(base_url: &str) -> Result<Self, ArgumentError> {
        let invalid = |why: &str| {
            ArgumentError::Type(format!("baseUrl must be an http(s) URL such as https://acme.looker.com:19999 ({why})"))
        };
        let trimmed = base_url.trim();
        let (https, rest) = if let Some(rest) = strip_prefix_ignore_case(trimmed, "https://") {
            (true, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(trimmed, "http://") {
            (false, rest)
        } else {
            return Err(invalid("it has no http:// or https:// scheme"));
        };
        if rest.contains(['?', '#']) {
            return Err(invalid("it has a query or fragment"));
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.contains('@') {
            return Err(invalid("credentials do not belong in the URL"));
        }
        let host = host_of(authority).ok_or_else(|| invalid("it has no host"))?;
        let mut path = path.trim_end_matches('/');
        if let Some(prefix) = path.strip_suffix(API_PATH) {
            path = prefix;
        }
        let scheme = if https { "https://" } else { "http://" };
        Ok(Self { root: format!("{scheme}{authority}{path}{API_PATH}"), host: host.to_ascii_lowercase(), https })
    }

    /// The API root, ending in `/api/4.0`.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// Whether requests travel encrypted.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// Whether the host is this machine (`localhost`, `127.0.0.0/8`, `::1`),
    /// where plain http cannot leak a token onto a network.
    pub fn is_loopback(&self) -> bool {
        let host = self.host.as_str();
        host == "localhost"
            || host == "[::1]"
            || host
                .strip_prefix("127.")
                .is_some_and(|rest| rest.split('.').count() == 3 && rest.split('.').all(|o| o.parse::<u8>().is_ok()))
    }

    fn url(&self, path: &str, query: &Query) -> String {
        let mut url = String::with_capacity(self.root.len() + path.len() + query.0.len() + 1);
        url.push_str(&self.root);
        url.push_str(path);
        if !query.0.is_empty() {
            url.push('?');
            url.push_str(&query.0);
        }
        url
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// The host of `host[:port]` or `[v6]:port`, if any.
fn host_of(authority: &str) -> Option<&str> {
    let host =
        if authority.starts_with('[') { &authority[..=authority.find(']')?] } else { authority.split(':').next()? };
    (!host.is_empty()).then_some(host)
}

/// Percent-encodes `value` for use as one path segment: all but RFC 3986's
/// unreserved characters, so `/`, `?` and `#` cannot change the URL's
/// structure.
pub fn encode_component(value: &str) -> String {
    encode(value, b"-._~")
}

/// Percent-encodes a query value; commas stay, as in Looker's `fields=a,b`.
fn encode_query_value(value: &str) -> String {
    encode(value, b"-._~,")
}

fn encode(value: &str, safe: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || safe.contains(&byte) {
            out.push(byte as char);
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A query string under construction, parameters in the order added.
#[derive(Default)]
struct Query(String);

impl Query {
    fn push(&mut self, name: &str, value: impl fmt::Display) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.push_str(name);
        self.0.push('=');
        self.0.push_str(&encode_query_value(&value.to_string()));
    }

    fn push_opt(&mut self, name: &str, value: Option<impl fmt::Display>) {
        if let Some(value) = value {
            self.push(name, value);
        }
    }
}

/// An HTTP method the Looker render-task API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Reads: safe to repeat.
    Get,
    /// Creates (and login): repeating may do it twice.
    Post,
    /// Logout.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// A request body with its content type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// `application/json`.
    Json(String),
    /// `application/x-www-form-urlencoded`.
    Form(String),
}

impl Body {
    /// The `Content-Type` header for the body.
    pub fn content_type(&self) -> &'static str {
        match self {
            Self::Json(_) => "application/json",
            Self::Form(_) => "application/x-www-form-urlencoded",
        }
    }

    /// The body's text.
    pub fn text(&self) -> &str {
        match self {
            Self::Json(text) | Self::Form(text) => text,
        }
    }
}

/// A request ready to send, but for the `Authorization` header, which the
/// I/O layer adds from its session (except to [`login`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// The body, if any.
    pub body: Option<Body>,
    /// Whether the request carries the session's token.
    pub authenticated: bool,
}

impl Request {
    /// How safe the request is to repeat, for the retry policy.
    pub fn idempotency(&self) -> Idempotency {
        match (self.method, self.authenticated) {
            (Method::Get, _) => Idempotency::Read,
            (Method::Post, true) => Idempotency::Create,
            // Login (unauthenticated POST) and logout.
            _ => Idempotency::Session,
        }
    }

    fn get(url: String) -> Self {
        Self { method: Method::Get, url, body: None, authenticated: true }
    }
}

/// The `fields` parameter: which properties the caller wants back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields(Option<String>);

impl Fields {
    /// Every property.
    pub fn all() -> Self {
        Self(None)
    }

    /// From a comma-separated string, as Looker takes it.
    pub fn from_csv(fields: &str) -> Self {
        Self::from_list(fields.split(','))
    }

    /// From a list of property names.
    pub fn from_list<'a>(fields: impl IntoIterator<Item = &'a str>) -> Self {
        let names: Vec<&str> = fields.into_iter().map(str::trim).filter(|f| !f.is_empty()).collect();
        Self((!names.is_empty()).then(|| names.join(",")))
    }

    fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// Checks that an id is usable: Looker ids are non-empty strings.
pub fn check_id(name: &str, id: &str) -> Result<(), ArgumentError> {
    if id.is_empty() {
        return Err(ArgumentError::Type(format!("{name} must be a non-empty string")));
    }
    Ok(())
}

/// `GET /render_tasks/{render_task_id}`: Looker's "Get Render Task".
pub fn render_task(base: &ApiBase, render_task_id: &str, fields: &Fields) -> Result<Request, ArgumentError> {
    check_id("renderTaskId", render_task_id)?;
    let mut query = Query::default();
    query.push_opt("fields", fields.as_deref());
    Ok(Request::get(base.url(&format!("/render_tasks/{}", encode_component(render_task_id)), &query)))
}

/// `GET /render_tasks/{render_task_id}/results`: the rendered bytes.
pub fn render_task_results(base: &ApiBase, render_task_id: &str) -> Result<Request, ArgumentError> {
    check_id("renderTaskId", render_task_id)?;
    Ok(Request::get(
        base.url(&format!("/render_tasks/{}/results", encode_component(render_task_id)), &Query::default()),
    ))
}

/// What a render task renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderKind {
    /// A saved look.
    Look,
    /// A query, by its id.
    Query,
    /// A whole dashboard (also LookML dashboards).
    Dashboard,
    /// One tile of a dashboard.
    DashboardElement,
}

impl RenderKind {
    /// The path segment under `/render_tasks/`.
    fn path(self) -> &'static str {
        match self {
            Self::Look => "looks",
            Self::Query => "queries",
            Self::Dashboard => "dashboards",
            Self::DashboardElement => "dashboard_elements",
        }
    }

    /// What a person calls it.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Look => "look",
            Self::Query => "query",
            Self::Dashboard => "dashboard",
            Self::DashboardElement => "dashboard element",
        }
    }

    /// The name of the id, as the caller wrote it.
    pub fn id_name(self) -> &'static str {
        match self {
            Self::Look => "look_id",
            Self::Query => "query_id",
            Self::Dashboard => "dashboard_id",
            Self::DashboardElement => "dashboard_element_id",
        }
    }

    /// The formats Looker renders this kind to: only dashboards make PDFs.
    pub fn formats(self) -> &'static [ResultFormat] {
        match self {
            Self::Dashboard => &[ResultFormat::Pdf, ResultFormat::Png, ResultFormat::Jpg],
            _ => &[ResultFormat::Png, ResultFormat::Jpg],
        }
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultFormat {
    /// PNG image.
    Png,
    /// JPEG image.
    Jpg,
    /// PDF document (dashboards only).
    Pdf,
}

impl ResultFormat {
    /// Looker's name of the format.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpg => "jpg",
            Self::Pdf => "pdf",
        }
    }

    /// Parses `format` as a format `kind` can be rendered to.
    pub fn for_kind(kind: RenderKind, format: &str) -> Result<Self, ArgumentError> {
        kind.formats().iter().copied().find(|f| f.as_str() == format).ok_or_else(|| format_error(kind, format))
    }
}

fn format_error(kind: RenderKind, format: &str) -> ArgumentError {
    let allowed: Vec<_> = kind.formats().iter().map(|f| format!("'{}'", f.as_str())).collect();
    ArgumentError::Range(format!("resultFormat must be {} for a {}, not {format:?}", allowed.join(" or "), kind.noun()))
}

/// A JS number for a message. Written by hand so that the wasm does not carry
/// Rust's float formatting (about 14 KiB) for a few error messages.
pub fn show_number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let value = value.abs();
    if value >= 1e15 {
        return format!(
            "{sign}{}e+{}",
            (value / 10f64.powi(value.log10() as i32)).trunc() as u64,
            value.log10() as i32
        );
    }
    if value >= 1e12 {
        // Whole numbers this large leave no room for six decimals in a u64.
        return format!("{sign}{}", value.round() as u64);
    }
    // Whole and six decimals, as integers; trailing zeros dropped.
    let micros = (value * 1e6).round() as u64;
    let (whole, fraction) = (micros / 1_000_000, micros % 1_000_000);
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let fraction = format!("{fraction:06}");
    format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
}

/// Checks a timeout option: a positive number of milliseconds (`Infinity`
/// for none).
pub fn check_timeout(name: &str, value: f64) -> Result<f64, ArgumentError> {
    if value.is_nan() || value <= 0.0 {
        return Err(ArgumentError::Range(format!(
            "{name} must be a positive number of milliseconds, not {}",
            show_number(value)
        )));
    }
    Ok(value)
}

/// Checks the `maxRetries` option: a whole number from 0 to 100.
pub fn check_max_retries(value: f64) -> Result<u32, ArgumentError> {
    if !(0.0..=100.0).contains(&value) || value.fract() != 0.0 {
        return Err(ArgumentError::Range(format!(
            "options.maxRetries must be a whole number from 0 to 100, not {}",
            show_number(value)
        )));
    }
    // In range and whole, so the cast is exact.
    Ok(value as u32)
}

/// Checks the `maxResultBytes` option: a positive number of bytes.
pub fn check_max_bytes(value: f64) -> Result<f64, ArgumentError> {
    if value.is_nan() || value <= 0.0 {
        return Err(ArgumentError::Range(format!(
            "options.maxResultBytes must be a positive number of bytes, not {}",
            show_number(value)
        )));
    }
    Ok(value)
}

/// Checks a width or height (a JS number): a whole number of pixels in
/// `1..=MAX_DIMENSION`.
pub fn check_dimension(name: &str, value: f64) -> Result<u32, ArgumentError> {
    if value.fract() != 0.0 || !value.is_finite() {
        return Err(ArgumentError::Range(format!(
            "{name} must be a whole number of pixels, not {}",
            show_number(value)
        )));
    }
    if !(1.0..=f64::from(MAX_DIMENSION)).contains(&value) {
        return Err(ArgumentError::Range(format!(
            "{name} must be between 1 and {MAX_DIMENSION} pixels, not {}",
            show_number(value)
        )));
    }
    // In range and whole, so the cast is exact.
    Ok(value as u32)
}

/// A PDF paper size Looker knows.
pub const PAPER_SIZES: [&str; 9] = ["letter", "legal", "tabloid", "a0", "a1", "a2", "a3", "a4", "a5"];

/// The dashboard-only parameters of a render.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DashboardOptions {
    /// The request body (required by the spec; `{}` when empty).
    pub body: CreateDashboardRenderTask,
    /// One of [`PAPER_SIZES`].
    pub pdf_paper_size: Option<String>,
    /// Landscape paper orientation.
    pub pdf_landscape: Option<bool>,
    /// Expand table visualisations to their full length.
    pub long_tables: Option<bool>,
    /// Theme to apply (renders the embedded version of the dashboard).
    pub theme: Option<String>,
}

impl DashboardOptions {
    /// The first dashboard-only parameter that is set, by its name.
    pub fn first_set(&self) -> Option<&'static str> {
        [
            ("body", self.body != CreateDashboardRenderTask::default()),
            ("pdf_paper_size", self.pdf_paper_size.is_some()),
            ("pdf_landscape", self.pdf_landscape.is_some()),
            ("long_tables", self.long_tables.is_some()),
            ("theme", self.theme.is_some()),
        ]
        .into_iter()
        .find_map(|(name, set)| set.then_some(name))
    }
}

/// Picks what a render request renders: exactly one of its four ids.
pub fn render_target(ids: [(RenderKind, Option<String>); 4]) -> Result<(RenderKind, String), ArgumentError> {
    let mut given = ids.into_iter().filter_map(|(kind, id)| id.map(|id| (kind, id)));
    match (given.next(), given.next()) {
        (Some((kind, id)), None) => {
            check_id(kind.id_name(), &id)?;
            Ok((kind, id))
        }
        (None, _) => Err(ArgumentError::Type(
            "request needs one of look_id, query_id, dashboard_id or dashboard_element_id".into(),
        )),
        (Some((first, _)), Some((second, _))) => Err(ArgumentError::Type(format!(
            "request must have exactly one id, not both {} and {}",
            first.id_name(),
            second.id_name()
        ))),
    }
}

/// Everything needed to create a render task, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateRenderTask {
    /// What to render.
    pub kind: RenderKind,
    /// The id of the look, query, dashboard or element.
    pub id: String,
    /// The output format.
    pub format: ResultFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Dashboard parameters (ignored for other kinds).
    pub dashboard: DashboardOptions,
    /// Which properties of the created task to return.
    pub fields: Fields,
}

/// `POST /render_tasks/{kind}/{id}/{result_format}`: one of Looker's four
/// "Create ... Render Task" calls.
pub fn create_render_task(base: &ApiBase, task: &CreateRenderTask) -> Result<Request, ArgumentError> {
    check_id(task.kind.id_name(), &task.id)?;
    if !task.kind.formats().contains(&task.format) {
        return Err(format_error(task.kind, task.format.as_str()));
    }
    let mut query = Query::default();
    query.push("width", task.width);
    query.push("height", task.height);
    query.push_opt("fields", task.fields.as_deref());
    let path = format!("/render_tasks/{}/{}/{}", task.kind.path(), encode_component(&task.id), task.format.as_str());
    if task.kind != RenderKind::Dashboard {
        if let Some(name) = task.dashboard.first_set() {
            return Err(ArgumentError::Type(format!(
                "{name} applies to dashboards only, not to a {}",
                task.kind.noun()
            )));
        }
    }
    let body = if task.kind == RenderKind::Dashboard {
        let options = &task.dashboard;
        if let Some(size) = options.pdf_paper_size.as_deref() {
            if !PAPER_SIZES.contains(&size) {
                return Err(ArgumentError::Range(format!(
                    "pdf_paper_size must be one of {}, not {size:?}",
                    PAPER_SIZES.join(", ")
                )));
            }
        }
        query.push_opt("pdf_paper_size", options.pdf_paper_size.as_deref());
        query.push_opt("pdf_landscape", options.pdf_landscape);
        query.push_opt("long_tables", options.long_tables);
        query.push_opt("theme", options.theme.as_deref());
        Some(Body::Json(options.body.to_json()))
    } else {
        None
    };
    Ok(Request { method: Method::Post, url: base.url(&path, &query), body, authenticated: true })
}

/// `POST /login` with the credentials in a form body, never in the URL (the
/// query form is deprecated, and URLs end up in access logs).
pub fn login(base: &ApiBase, client_id: &str, client_secret: &str) -> Request {
    let mut form = Query::default();
    form.push("client_id", client_id);
    form.push("client_secret", client_secret);
    Request {
        method: Method::Post,
        url: base.url("/login", &Query::default()),
        body: Some(Body::Form(form.0)),
        authenticated: false,
    }
}

/// `DELETE /logout`: invalidates the session's token.
pub fn logout(base: &ApiBase) -> Request {
    Request { method: Method::Delete, url: base.url("/logout", &Query::default()), body: None, authenticated: true }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ApiBase {
        ApiBase::parse("https://acme.looker.com:19999").unwrap()
    }

    #[test]
    fn base_url_gets_the_api_path_once() {
        for url in [
            "https://acme.looker.com:19999",
            "https://acme.looker.com:19999/",
            "https://acme.looker.com:19999/api/4.0",
            "https://acme.looker.com:19999/api/4.0/",
            " https://acme.looker.com:19999// ",
            "HTTPS://acme.looker.com:19999",
        ] {
            assert_eq!(ApiBase::parse(url).unwrap().root(), "https://acme.looker.com:19999/api/4.0", "{url}");
        }
        assert_eq!(
            ApiBase::parse("http://127.0.0.1:8100/looker").unwrap().root(),
            "http://127.0.0.1:8100/looker/api/4.0"
        );
    }

    #[test]
    fn base_url_must_be_http() {
        for url in [
            "",
            "acme.looker.com",
            "ftp://acme.looker.com",
            "https://",
            "https://:443",
            "https://a.com?x=1",
            "https://u:p@a.com",
        ] {
            assert!(matches!(ApiBase::parse(url), Err(ArgumentError::Type(_))), "{url:?}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for url in
            ["http://127.0.0.1:1", "http://localhost", "http://LOCALHOST:80", "http://[::1]:8080", "http://127.255.0.1"]
        {
            assert!(ApiBase::parse(url).unwrap().is_loopback(), "{url}");
        }
        for url in [
            "http://127.0.0.1.evil.com",
            "http://localhost.evil.com",
            "http://10.0.0.1",
            "http://[::2]",
            "http://128.0.0.1",
        ] {
            assert!(!ApiBase::parse(url).unwrap().is_loopback(), "{url}");
        }
    }

    #[test]
    fn render_task_url_encodes_the_id_as_one_segment() {
        let request = render_task(&base(), "a/b?c#d", &Fields::all()).unwrap();
        assert_eq!(request.url, "https://acme.looker.com:19999/api/4.0/render_tasks/a%2Fb%3Fc%23d");
        assert_eq!(request.method, Method::Get);
        assert!(request.authenticated && request.body.is_none());
        let request = render_task(&base(), "é %", &Fields::all()).unwrap();
        assert!(request.url.ends_with("/render_tasks/%C3%A9%20%25"));
    }

    #[test]
    fn empty_ids_are_type_errors() {
        assert!(
            matches!(render_task(&base(), "", &Fields::all()), Err(ArgumentError::Type(m)) if m.contains("renderTaskId"))
        );
        assert!(render_task_results(&base(), "").is_err());
    }

    #[test]
    fn fields_become_one_parameter() {
        let url = |fields: Fields| render_task(&base(), "1", &fields).unwrap().url;
        assert!(url(Fields::from_csv("id,status")).ends_with("/render_tasks/1?fields=id,status"));
        assert!(url(Fields::from_list(["id", " status "])).ends_with("?fields=id,status"));
        assert!(url(Fields::from_csv("")).ends_with("/render_tasks/1"));
        assert!(url(Fields::from_list([])).ends_with("/render_tasks/1"));
    }

    #[test]
    fn results_url() {
        let request = render_task_results(&base(), "t 1").unwrap();
        assert_eq!(request.url, "https://acme.looker.com:19999/api/4.0/render_tasks/t%201/results");
    }

    fn create(kind: RenderKind, format: ResultFormat) -> CreateRenderTask {
        CreateRenderTask {
            kind,
            id: "42".into(),
            format,
            width: 800,
            height: 600,
            dashboard: DashboardOptions::default(),
            fields: Fields::all(),
        }
    }

    #[test]
    fn create_paths_follow_the_spec() {
        for (kind, path) in [
            (RenderKind::Look, "looks"),
            (RenderKind::Query, "queries"),
            (RenderKind::DashboardElement, "dashboard_elements"),
        ] {
            let request = create_render_task(&base(), &create(kind, ResultFormat::Png)).unwrap();
            assert_eq!(
                request.url,
                format!("https://acme.looker.com:19999/api/4.0/render_tasks/{path}/42/png?width=800&height=600")
            );
            assert_eq!(request.method, Method::Post);
            assert_eq!(request.body, None);
        }
    }

    #[test]
    fn dashboard_body_is_always_sent() {
        let request = create_render_task(&base(), &create(RenderKind::Dashboard, ResultFormat::Pdf)).unwrap();
        assert_eq!(request.body, Some(Body::Json("{}".into())));
        let mut task = create(RenderKind::Dashboard, ResultFormat::Pdf);
        task.dashboard = DashboardOptions {
            body: CreateDashboardRenderTask {
                dashboard_filters: Some("Region=EMEA&Date=7 days".into()),
                dashboard_style: Some("single_column".into()),
                tab_ids: Some(vec!["t1".into()]),
            },
            pdf_paper_size: Some("a4".into()),
            pdf_landscape: Some(true),
            long_tables: Some(false),
            theme: Some("dark mode".into()),
        };
        task.fields = Fields::from_csv("id");
        let request = create_render_task(&base(), &task).unwrap();
        assert_eq!(
            request.url,
            "https://acme.looker.com:19999/api/4.0/render_tasks/dashboards/42/pdf?width=800&height=600&fields=id&pdf_paper_size=a4&pdf_landscape=true&long_tables=false&theme=dark%20mode"
        );
        assert_eq!(
            request.body.unwrap().text(),
            r#"{"dashboard_filters":"Region=EMEA&Date=7 days","dashboard_style":"single_column","tab_ids":["t1"]}"#
        );
    }

    #[test]
    fn formats_fit_the_kind() {
        assert!(
            matches!(ResultFormat::for_kind(RenderKind::Look, "pdf"), Err(ArgumentError::Range(m)) if m.contains("'png' or 'jpg' for a look"))
        );
        assert!(ResultFormat::for_kind(RenderKind::Query, "pdf").unwrap_err().to_string().contains("for a query"));
        assert!(ResultFormat::for_kind(RenderKind::DashboardElement, "pdf")
            .unwrap_err()
            .to_string()
            .contains("dashboard element"));
        assert_eq!(ResultFormat::for_kind(RenderKind::Dashboard, "pdf"), Ok(ResultFormat::Pdf));
        assert_eq!(ResultFormat::for_kind(RenderKind::Look, "jpg"), Ok(ResultFormat::Jpg));
        assert!(ResultFormat::for_kind(RenderKind::Dashboard, "PNG").is_err());
        assert!(create_render_task(&base(), &create(RenderKind::Look, ResultFormat::Pdf)).is_err());
    }

    #[test]
    fn dimensions_are_whole_pixels_in_range() {
        assert_eq!(check_dimension("width", 1.0), Ok(1));
        assert_eq!(check_dimension("width", 16384.0), Ok(16384));
        for bad in [0.0, -1.0, 16385.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(
                matches!(check_dimension("height", bad), Err(ArgumentError::Range(m)) if m.starts_with("height")),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_render_has_exactly_one_id() {
        let ids = |look: Option<&str>, dashboard: Option<&str>| {
            render_target([
                (RenderKind::Look, look.map(String::from)),
                (RenderKind::Query, None),
                (RenderKind::Dashboard, dashboard.map(String::from)),
                (RenderKind::DashboardElement, None),
            ])
        };
        assert_eq!(ids(Some("7"), None), Ok((RenderKind::Look, "7".into())));
        assert_eq!(ids(None, Some("42")), Ok((RenderKind::Dashboard, "42".into())));
        assert!(matches!(ids(None, None), Err(ArgumentError::Type(m)) if m.contains("one of look_id")));
        assert!(
            matches!(ids(Some("7"), Some("42")), Err(ArgumentError::Type(m)) if m.contains("both look_id and dashboard_id"))
        );
        assert!(matches!(ids(Some(""), None), Err(ArgumentError::Type(m)) if m.contains("look_id")));
    }

    #[test]
    fn dashboard_options_only_for_dashboards() {
        let mut task = create(RenderKind::Look, ResultFormat::Png);
        task.dashboard.pdf_landscape = Some(true);
        assert!(
            matches!(create_render_task(&base(), &task), Err(ArgumentError::Type(m)) if m == "pdf_landscape applies to dashboards only, not to a look")
        );
    }

    #[test]
    fn numbers_in_messages() {
        for (value, shown) in [
            (0.0, "0"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (16385.0, "16385"),
            (0.1, "0.1"),
            (1e-9, "0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1e20, "1e+20"),
            (123_456_789_012_345.0, "123456789012345"),
            (5e13 + 0.5, "50000000000001"),
        ] {
            assert_eq!(show_number(value), shown, "{value}");
        }
    }

    #[test]
    fn options_are_checked() {
        assert_eq!(check_timeout("options.timeoutMs", f64::INFINITY), Ok(f64::INFINITY));
        assert!(
            matches!(check_timeout("options.timeoutMs", 0.0), Err(ArgumentError::Range(m)) if m.ends_with("not 0"))
        );
        assert!(check_timeout("options.timeoutMs", f64::NAN).is_err());
        assert_eq!(check_max_retries(0.0), Ok(0));
        assert!(
            check_max_retries(1.5).is_err() && check_max_retries(101.0).is_err() && check_max_retries(-1.0).is_err()
        );
        assert_eq!(check_max_bytes(100.0), Ok(100.0));
        assert!(check_max_bytes(0.0).is_err());
    }

    #[test]
    fn paper_sizes_are_checked() {
        let mut task = create(RenderKind::Dashboard, ResultFormat::Pdf);
        task.dashboard.pdf_paper_size = Some("a6".into());
        assert!(
            matches!(create_render_task(&base(), &task), Err(ArgumentError::Range(m)) if m.contains("pdf_paper_size"))
        );
    }

    #[test]
    fn login_keeps_the_secret_out_of_the_url() {
        let request = login(&base(), "id&1", "s=cr t");
        assert_eq!(request.url, "https://acme.looker.com:19999/api/4.0/login");
        assert_eq!(request.body, Some(Body::Form("client_id=id%261&client_secret=s%3Dcr%20t".into())));
        assert_eq!(request.body.as_ref().unwrap().content_type(), "application/x-www-form-urlencoded");
        assert!(!request.authenticated);
        assert_eq!(request.idempotency(), Idempotency::Session);
        assert_eq!(logout(&base()).method, Method::Delete);
        assert_eq!(logout(&base()).idempotency(), Idempotency::Session);
        assert_eq!(render_task(&base(), "1", &Fields::all()).unwrap().idempotency(), Idempotency::Read);
        assert_eq!(render_task_results(&base(), "1").unwrap().idempotency(), Idempotency::Read);
        let create = create_render_task(&base(), &create(RenderKind::Look, ResultFormat::Png)).unwrap();
        assert_eq!(create.idempotency(), Idempotency::Create);
    }
}
