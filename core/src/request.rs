//! Building Looker API requests: URLs, query parameters and bodies exactly as
//! the spec has them, from inputs already checked (see [`crate::input`]).

use crate::models::CreateDashboardRenderTask;
use crate::params::{RenderKind, ResultFormat};
use crate::retry::Idempotency;
use crate::text;
use crate::url::{encode_component, ApiBase, Query};

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

/// What a request expects back when it succeeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expect {
    /// JSON (at most [`crate::response::MAX_JSON_BYTES`]); errors are JSON too.
    Json,
    /// Bytes, at most this many (render results); errors are still JSON.
    Bytes(f64),
}

/// A request ready to send, but for the `Authorization` header, which the
/// call adds from its session when `authenticated`.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// The body, if any.
    pub body: Option<Body>,
    /// Whether the request carries the session's token.
    pub authenticated: bool,
    /// What a 2xx answer carries.
    pub expect: Expect,
}

impl Request {
    /// How safe the request is to repeat, for the retry policy.
    pub fn idempotency(&self) -> Idempotency {
        match (self.method, self.authenticated) {
            (Method::Get, _) => Idempotency::Read,
            (Method::Post, true) => Idempotency::Create,
            // Login (an unauthenticated POST) and logout.
            _ => Idempotency::Session,
        }
    }

    fn get(url: String, expect: Expect) -> Self {
        Self { method: Method::Get, url, body: None, authenticated: true, expect }
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

    /// From a comma-separated list of property names, as Looker takes it
    /// (spaces and empty names dropped).
    pub fn from_csv(fields: &str) -> Self {
        let mut joined = String::new();
        for name in crate::text::split_ascii(fields, b',') {
            let name = name.trim_ascii();
            if name.is_empty() {
                continue;
            }
            if !joined.is_empty() {
                joined.push_str(",");
            }
            joined.push_str(name);
        }
        Self((!joined.is_empty()).then_some(joined))
    }

    fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// The dashboard-only parameters of a render.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DashboardOptions {
    /// The JSON body: filters, style, tabs.
    pub body: CreateDashboardRenderTask,
    /// Members of the body this client does not know, as the caller gave
    /// them (name, JSON text): sent on, for a Looker that takes more.
    pub extra: Vec<(String, String)>,
    /// Paper size, for PDFs.
    pub pdf_paper_size: Option<String>,
    /// Landscape, for PDFs.
    pub pdf_landscape: Option<bool>,
    /// Expand tables to show every row.
    pub long_tables: Option<bool>,
    /// Theme to apply.
    pub theme: Option<String>,
}

impl DashboardOptions {
    /// The first option that is set, if any: for "applies to dashboards only".
    pub fn first_set(&self) -> Option<&'static str> {
        // Tests one after another, not a find_map over an array: smaller in the wasm.
        let body = &self.body;
        Some(if body.dashboard_filters.is_some() {
            "body.dashboard_filters"
        } else if body.dashboard_style.is_some() {
            "body.dashboard_style"
        } else if body.tab_ids.is_some() {
            "body.tab_ids"
        } else if !self.extra.is_empty() {
            "body"
        } else if self.pdf_paper_size.is_some() {
            "pdf_paper_size"
        } else if self.pdf_landscape.is_some() {
            "pdf_landscape"
        } else if self.long_tables.is_some() {
            "long_tables"
        } else if self.theme.is_some() {
            "theme"
        } else {
            return None;
        })
    }
}

/// Everything needed to create a render task, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateRenderTask {
    /// What to render.
    pub kind: RenderKind,
    /// The id of the look, query, dashboard or element.
    pub id: String,
    /// The output format (one the kind renders to).
    pub format: ResultFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Dashboard parameters (only set for dashboards).
    pub dashboard: DashboardOptions,
    /// Which properties of the created task to return.
    pub fields: Fields,
}

/// `GET /render_tasks/{render_task_id}`: Looker's "Get Render Task".
pub fn render_task(base: &ApiBase, render_task_id: &str, fields: &Fields) -> Request {
    let mut query = Query::default();
    query.push_opt("fields", fields.as_deref());
    Request::get(base.url(&text!("/render_tasks/", encode_component(render_task_id)), &query), Expect::Json)
}

/// `GET /render_tasks/{render_task_id}/results`: the rendered bytes, at most `max_bytes`.
pub fn render_task_results(base: &ApiBase, render_task_id: &str, max_bytes: f64) -> Request {
    let path = text!("/render_tasks/", encode_component(render_task_id), "/results");
    Request::get(base.url(&path, &Query::default()), Expect::Bytes(max_bytes))
}

/// `POST /render_tasks/{kind}/{id}/{result_format}`: one of Looker's four
/// "Create ... Render Task" calls.
pub fn create_render_task(base: &ApiBase, task: &CreateRenderTask) -> Request {
    let mut query = Query::default();
    query.push("width", &text!(task.width));
    query.push("height", &text!(task.height));
    query.push_opt("fields", task.fields.as_deref());
    let path = text!("/render_tasks/", task.kind.path(), "/", encode_component(&task.id), "/", task.format.as_str());
    let body = (task.kind == RenderKind::Dashboard).then(|| {
        let options = &task.dashboard;
        let flag = |value: Option<bool>| value.map(|on| if on { "true" } else { "false" });
        query.push_opt("pdf_paper_size", options.pdf_paper_size.as_deref());
        query.push_opt("pdf_landscape", flag(options.pdf_landscape));
        query.push_opt("long_tables", flag(options.long_tables));
        query.push_opt("theme", options.theme.as_deref());
        Body::Json(options.body.to_json_with(&options.extra))
    });
    Request { method: Method::Post, url: base.url(&path, &query), body, authenticated: true, expect: Expect::Json }
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
        body: Some(Body::Form(form.into_string())),
        authenticated: false,
        expect: Expect::Json,
    }
}

/// `DELETE /logout`: invalidates the session's token.
pub fn logout(base: &ApiBase) -> Request {
    Request {
        method: Method::Delete,
        url: base.url("/logout", &Query::default()),
        body: None,
        authenticated: true,
        expect: Expect::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ApiBase {
        ApiBase::parse("https://acme.looker.com:19999").unwrap()
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
    fn render_task_url_encodes_the_id_as_one_segment() {
        let request = render_task(&base(), "a/b?c#d", &Fields::all());
        assert_eq!(request.url, "https://acme.looker.com:19999/api/4.0/render_tasks/a%2Fb%3Fc%23d");
        assert_eq!(request.method, Method::Get);
        assert!(request.authenticated && request.body.is_none());
        assert_eq!(request.expect, Expect::Json);
    }

    #[test]
    fn fields_become_one_parameter() {
        let url = |fields: Fields| render_task(&base(), "1", &fields).url;
        assert!(url(Fields::from_csv("id,status")).ends_with("/render_tasks/1?fields=id,status"));
        assert!(url(Fields::from_csv("id, status ,")).ends_with("?fields=id,status"));
        assert!(url(Fields::from_csv("")).ends_with("/render_tasks/1"));
        assert!(url(Fields::from_csv(" , ")).ends_with("/render_tasks/1"));
    }

    #[test]
    fn results_expect_bytes() {
        let request = render_task_results(&base(), "t 1", 100.0);
        assert_eq!(request.url, "https://acme.looker.com:19999/api/4.0/render_tasks/t%201/results");
        assert_eq!(request.expect, Expect::Bytes(100.0));
    }

    #[test]
    fn create_paths_follow_the_spec() {
        for (kind, path) in [
            (RenderKind::Look, "looks"),
            (RenderKind::Query, "queries"),
            (RenderKind::DashboardElement, "dashboard_elements"),
        ] {
            let request = create_render_task(&base(), &create(kind, ResultFormat::Png));
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
        let request = create_render_task(&base(), &create(RenderKind::Dashboard, ResultFormat::Pdf));
        assert_eq!(request.body, Some(Body::Json("{}".into())));
        let mut task = create(RenderKind::Dashboard, ResultFormat::Pdf);
        task.dashboard = DashboardOptions {
            body: CreateDashboardRenderTask {
                dashboard_filters: Some("Region=EMEA&Date=7 days".into()),
                dashboard_style: Some("single_column".into()),
                tab_ids: Some(vec!["t1".into()]),
            },
            extra: vec![("x_new".into(), "[1]".into())],
            pdf_paper_size: Some("a4".into()),
            pdf_landscape: Some(true),
            long_tables: Some(false),
            theme: Some("dark mode".into()),
        };
        task.fields = Fields::from_csv("id");
        let request = create_render_task(&base(), &task);
        assert_eq!(
            request.url,
            "https://acme.looker.com:19999/api/4.0/render_tasks/dashboards/42/pdf?width=800&height=600&fields=id&pdf_paper_size=a4&pdf_landscape=true&long_tables=false&theme=dark%20mode"
        );
        assert_eq!(
            request.body.unwrap().text(),
            r#"{"dashboard_filters":"Region=EMEA&Date=7 days","dashboard_style":"single_column","tab_ids":["t1"],"x_new":[1]}"#
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
        assert_eq!(render_task(&base(), "1", &Fields::all()).idempotency(), Idempotency::Read);
        assert_eq!(render_task_results(&base(), "1", 1.0).idempotency(), Idempotency::Read);
        let create = create_render_task(&base(), &create(RenderKind::Look, ResultFormat::Png));
        assert_eq!(create.idempotency(), Idempotency::Create);
    }
}
