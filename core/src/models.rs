//! The Looker API 4.0 data this crate speaks, as the spec
//! (`shared/looker/render_task_spec.json`) defines it: one place for every field.
//!
//! Every property of a response is optional, and a nullable one is
//! `Option<Option<T>>`: absent, `null`, or a value. Keeping the three apart lets
//! a task JSON-serialize back to exactly what the server sent.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
#[cfg(feature = "typescript")]
use tsify::Tsify;

/// Deserializes a present property (even `null`) as `Some(..)`, so that a
/// missing property (`None`, by `#[serde(default)]`) differs from `null`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// `can`: the operations the current user may perform, by name, in the
/// server's order (so a task serializes back to what was sent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permissions(pub Vec<(String, bool)>);

impl Permissions {
    /// Whether the user may perform `operation`.
    pub fn allows(&self, operation: &str) -> bool {
        self.0.iter().any(|(name, allowed)| name == operation && *allowed)
    }
}

impl Serialize for Permissions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, allowed)| (name, allowed)))
    }
}

impl<'de> Deserialize<'de> for Permissions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PermissionsVisitor;

        impl<'de> serde::de::Visitor<'de> for PermissionsVisitor {
            type Value = Permissions;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of booleans")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Permissions, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, bool>()? {
                    entries.push(entry);
                }
                Ok(Permissions(entries))
            }
        }

        deserializer.deserialize_map(PermissionsVisitor)
    }
}

/// A render task's status. Statuses this client has never seen are kept as
/// [`RenderTaskStatus::Other`], not rejected: Looker may add some.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RenderTaskStatus {
    /// Waiting for a database connection.
    EnqueuedForQuery,
    /// Running the queries.
    Querying,
    /// Queries done, waiting for a renderer.
    EnqueuedForRender,
    /// Rendering the image or document.
    Rendering,
    /// Done: the results can be downloaded.
    Success,
    /// Done, without results: `status_detail` says why.
    Failure,
    /// A status this client does not know, as Looker sent it.
    Other(String),
}

impl RenderTaskStatus {
    /// Looker's name for the status.
    pub fn as_str(&self) -> &str {
        match self {
            Self::EnqueuedForQuery => "enqueued_for_query",
            Self::Querying => "querying",
            Self::EnqueuedForRender => "enqueued_for_render",
            Self::Rendering => "rendering",
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Other(other) => other,
        }
    }

    /// Whether Looker is done with the task, one way or the other.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Success | Self::Failure)
    }
}

impl From<String> for RenderTaskStatus {
    fn from(status: String) -> Self {
        match status.as_str() {
            "enqueued_for_query" => Self::EnqueuedForQuery,
            "querying" => Self::Querying,
            "enqueued_for_render" => Self::EnqueuedForRender,
            "rendering" => Self::Rendering,
            "success" => Self::Success,
            "failure" => Self::Failure,
            _ => Self::Other(status),
        }
    }
}

impl Serialize for RenderTaskStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RenderTaskStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

/// Looker's `RenderTask`: a request to render a look, query, dashboard or
/// dashboard element, and how far it has got.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(Tsify), tsify(missing_as_null, hashmap_as_object))]
#[non_exhaustive]
pub struct RenderTask {
    /// Operations the current user is able to perform on this object.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "Record<string, boolean>"))]
    pub can: Option<Permissions>,
    /// Date/Time render task was created.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub created_at: Option<Option<String>>,
    /// Filter values to apply to the dashboard queries, in URL query format.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub dashboard_filters: Option<Option<String>>,
    /// Id of dashboard to render.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub dashboard_id: Option<Option<String>>,
    /// Dashboard layout style: single_column or tiled.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub dashboard_style: Option<Option<String>>,
    /// Date/Time render task was completed.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub finalized_at: Option<Option<String>>,
    /// Output height in pixels. Flowed layouts may ignore this value.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "number | null"))]
    pub height: Option<Option<i64>>,
    /// Id of this render task.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string"))]
    pub id: Option<String>,
    /// Id of look to render.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub look_id: Option<Option<String>>,
    /// Id of lookml dashboard to render.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub lookml_dashboard_id: Option<Option<String>>,
    /// Id of query to render.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub query_id: Option<Option<String>>,
    /// Id of dashboard element to render: UDD dashboard element would be numeric
    /// and LookML dashboard element would be model_name::dashboard_title::lookml_link_id.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub dashboard_element_id: Option<Option<String>>,
    /// Number of seconds elapsed running queries.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "number | null"))]
    pub query_runtime: Option<Option<f64>>,
    /// Number of seconds elapsed rendering data.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "number | null"))]
    pub render_runtime: Option<Option<f64>>,
    /// Output format: pdf, png, or jpg.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub result_format: Option<Option<String>>,
    /// Total seconds elapsed for render task.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "number | null"))]
    pub runtime: Option<Option<f64>>,
    /// Render task status: enqueued_for_query, querying, enqueued_for_render,
    /// rendering, success, failure; a status this client does not know is kept.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "RenderTaskStatus | null"))]
    pub status: Option<Option<RenderTaskStatus>>,
    /// Additional information about the current status.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub status_detail: Option<Option<String>>,
    /// The user account permissions in which the render task will execute.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "string | null"))]
    pub user_id: Option<Option<String>>,
    /// Output width in pixels.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional, type = "number | null"))]
    pub width: Option<Option<i64>>,
}

impl RenderTask {
    /// The task's status, if the server sent one.
    pub fn status(&self) -> Option<&RenderTaskStatus> {
        self.status.as_ref().and_then(Option::as_ref)
    }

    /// Looker's detail on the status (the reason of a failure), if any.
    pub fn status_detail(&self) -> Option<&str> {
        self.status_detail.as_ref().and_then(Option::as_deref)
    }
}

/// The body of a Looker error response: the spec's `Error`, or its
/// `ValidationError` (a 422), which adds `errors`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// Error details.
    #[serde(default)]
    pub message: Option<String>,
    /// Documentation link.
    #[serde(default)]
    pub documentation_url: Option<String>,
    /// The validation details of a 422.
    #[serde(default)]
    pub errors: Option<Vec<ValidationErrorDetail>>,
}

/// One detail of a Looker `ValidationError`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(Tsify), tsify(missing_as_null))]
#[non_exhaustive]
pub struct ValidationErrorDetail {
    /// Field with error.
    #[serde(default)]
    pub field: Option<String>,
    /// Error code.
    #[serde(default)]
    pub code: Option<String>,
    /// Error info message.
    #[serde(default)]
    pub message: Option<String>,
    /// Documentation link (required by the spec, so always present, maybe `null`;
    /// serde reads a missing `Option` as `None`).
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub documentation_url: Option<String>,
}

/// The body of "Create Dashboard Render Task". The spec requires a body, so
/// an empty one is sent as `{}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateDashboardRenderTask {
    /// Filter values to apply to the dashboard queries, in URL query format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_filters: Option<String>,
    /// Dashboard layout style: single_column or tiled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_style: Option<String>,
    /// IDs of tabs to render (ID on a UDD and a tab label on LookML dashboards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tab_ids: Option<Vec<String>>,
}

impl CreateDashboardRenderTask {
    /// The body as JSON text. Written by hand: three string properties do not
    /// justify a JSON serializer in the shipped wasm.
    pub fn to_json(&self) -> String {
        self.to_json_with(&[])
    }

    /// The body as JSON text, with more members (name, JSON text of the value)
    /// after the known ones.
    pub fn to_json_with(&self, extra: &[(String, String)]) -> String {
        let mut out = String::from("{");
        if let Some(filters) = &self.dashboard_filters {
            member(&mut out, "dashboard_filters");
            json_string(filters, &mut out);
        }
        if let Some(style) = &self.dashboard_style {
            member(&mut out, "dashboard_style");
            json_string(style, &mut out);
        }
        if let Some(tabs) = &self.tab_ids {
            member(&mut out, "tab_ids");
            out.push_str("[");
            for (i, tab) in tabs.iter().enumerate() {
                if i > 0 {
                    out.push_str(",");
                }
                json_string(tab, &mut out);
            }
            out.push_str("]");
        }
        for (name, json) in extra {
            member(&mut out, name);
            out.push_str(json);
        }
        out.push_str("}");
        out
    }
}

/// Starts the member `name` of a JSON object under construction.
fn member(out: &mut String, name: &str) {
    if out.len() > 1 {
        out.push_str(",");
    }
    json_string(name, out);
    out.push_str(":");
}

/// Appends `value` as a JSON string literal. Works on bytes: everything that
/// needs escaping is ASCII, and the runs between escapes are copied whole.
fn json_string(value: &str, out: &mut String) {
    out.push_str("\"");
    let mut copied = 0;
    for (at, byte) in value.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "\\u00",
            _ => continue,
        };
        out.push_str(value.get(copied..at).unwrap_or_default());
        out.push_str(escape);
        if escape == "\\u00" {
            // JSON takes hex digits in either case.
            crate::text::put_hex(byte, out);
        }
        copied = at + 1;
    }
    out.push_str(value.get(copied..).unwrap_or_default());
    out.push_str("\"");
}

/// Looker's `AccessToken`, the answer to a login.
#[derive(Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AccessToken {
    /// Access Token used for API calls.
    pub access_token: String,
    /// Type of Token.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Number of seconds before the token expires.
    #[serde(default)]
    pub expires_in: Option<f64>,
}

/// Never shows the token: debug output ends up in logs.
impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashboard_body_json_is_valid_and_escaped() {
        assert_eq!(CreateDashboardRenderTask::default().to_json(), "{}");
        let body = CreateDashboardRenderTask {
            dashboard_filters: Some("a=\"x\"&b=\\\n\u{1}é".into()),
            dashboard_style: None,
            tab_ids: Some(vec![]),
        };
        let text = body.to_json();
        let back: CreateDashboardRenderTask = serde_json::from_str(&text).unwrap();
        assert_eq!(back, body);
        assert_eq!(text, r#"{"dashboard_filters":"a=\"x\"&b=\\\n\u0001é","tab_ids":[]}"#);
        assert_eq!(
            CreateDashboardRenderTask { tab_ids: Some(vec!["\u{1f}".into(), "t".into()]), ..Default::default() }
                .to_json(),
            r#"{"tab_ids":["\u001F","t"]}"#
        );
    }

    #[test]
    fn access_token_debug_hides_the_token() {
        let token: AccessToken =
            serde_json::from_str(r#"{"access_token":"s3cr3t","token_type":"Bearer","expires_in":3600}"#).unwrap();
        assert!(!format!("{token:?}").contains("s3cr3t"));
        assert_eq!(token.expires_in, Some(3600.0));
    }
}
