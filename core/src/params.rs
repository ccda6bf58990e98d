//! The values Looker's render-task API takes: render kinds, result formats,
//! paper sizes and dashboard styles, with their defaults. The one table every
//! surface reads: the CLI, the demo page and the sandbox through
//! `js/render-kinds.js`, which a test here keeps equal to this module.

/// The largest width or height this client asks Looker for, in pixels.
pub const MAX_DIMENSION: u32 = 16_384;

/// What a render task renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    /// Every kind, in the order forms list them.
    pub const ALL: [RenderKind; 4] = [Self::Look, Self::Query, Self::Dashboard, Self::DashboardElement];

    /// The kind's name in the table (`dashboard_element`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Look => "look",
            Self::Query => "query",
            Self::Dashboard => "dashboard",
            Self::DashboardElement => "dashboard_element",
        }
    }

    /// The path segment under `/render_tasks/`.
    pub fn path(self) -> &'static str {
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

    /// The name of its id, as Looker's API and a render request spell it.
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

    /// The format a tool picks when none is given.
    pub fn default_format(self) -> ResultFormat {
        self.formats()[0]
    }

    /// The rule of its formats, for a mistake's message.
    pub fn format_rule(self) -> &'static str {
        match self {
            Self::Look => "must be \"png\" or \"jpg\" for a look",
            Self::Query => "must be \"png\" or \"jpg\" for a query",
            Self::Dashboard => "must be \"pdf\", \"png\" or \"jpg\" for a dashboard",
            Self::DashboardElement => "must be \"png\" or \"jpg\" for a dashboard element",
        }
    }

    /// The rule a dashboard-only option breaks on this kind.
    pub fn dashboards_only_rule(self) -> &'static str {
        match self {
            Self::Look => "applies to dashboards only, not to a look",
            Self::Query => "applies to dashboards only, not to a query",
            Self::Dashboard => "applies to dashboards",
            Self::DashboardElement => "applies to dashboards only, not to a dashboard element",
        }
    }

    /// The size a tool picks when none is given, in pixels: a dashboard at
    /// full HD, a look or query as a large chart, a tile as a small one.
    pub fn default_size(self) -> (u32, u32) {
        match self {
            Self::Look | Self::Query => (1200, 800),
            Self::Dashboard => (1920, 1080),
            Self::DashboardElement => (800, 600),
        }
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultFormat {
    /// PNG image.
    Png,
    /// JPEG image.
    Jpg,
    /// PDF document (dashboards only).
    Pdf,
}

impl ResultFormat {
    /// Every format.
    pub const ALL: [ResultFormat; 3] = [Self::Png, Self::Jpg, Self::Pdf];

    /// Looker's name of the format.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpg => "jpg",
            Self::Pdf => "pdf",
        }
    }

    /// What a person calls it: `PNG`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpg => "JPG",
            Self::Pdf => "PDF",
        }
    }

    /// The content type of its results.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpg => "image/jpeg",
            Self::Pdf => "application/pdf",
        }
    }

    /// `format` as a format `kind` renders to, if it is one (see
    /// [`RenderKind::format_rule`] for the message when not).
    // A loop, not `find` over copied items: smaller in the wasm.
    #[allow(clippy::manual_find)]
    pub fn for_kind(kind: RenderKind, format: &str) -> Option<Self> {
        for &candidate in kind.formats() {
            if candidate.as_str() == format {
                return Some(candidate);
            }
        }
        None
    }
}

/// Looker's PDF paper sizes (`pdf_paper_size`).
pub const PDF_PAPER_SIZES: [&str; 9] = ["letter", "legal", "tabloid", "a0", "a1", "a2", "a3", "a4", "a5"];

/// The rule of [`PDF_PAPER_SIZES`], for a mistake's message (a test holds the two together).
pub const PDF_PAPER_SIZE_RULE: &str =
    "must be one of \"letter\", \"legal\", \"tabloid\", \"a0\", \"a1\", \"a2\", \"a3\", \"a4\", \"a5\"";

/// Looker's dashboard layouts (`dashboard_style`).
pub const DASHBOARD_STYLES: [&str; 2] = ["tiled", "single_column"];

/// The rule of [`DASHBOARD_STYLES`].
pub const DASHBOARD_STYLE_RULE: &str = "must be \"tiled\" or \"single_column\"";

#[cfg(test)]
mod tests {
    use super::*;

    use crate::text;

    /// The table as `js/render-kinds.js` holds it for the JS surfaces.
    fn render_kinds_module() -> String {
        let list = |items: &[&str]| {
            let quoted: Vec<String> = items.iter().map(|s| text!("'", s, "'")).collect();
            text!("[", quoted.join(", "), "]")
        };
        let mut kinds = String::new();
        for kind in RenderKind::ALL {
            let formats: Vec<&str> = kind.formats().iter().map(|f| f.as_str()).collect();
            let (width, height) = kind.default_size();
            kinds.push_str(&text!(
                "    { kind: '",
                kind.name(),
                "', idName: '",
                kind.id_name(),
                "', path: '",
                kind.path(),
                "', noun: '",
                kind.noun(),
                "', formats: ",
                list(&formats),
                ", defaultFormat: '",
                kind.default_format().as_str(),
                "', defaultWidth: ",
                width,
                ", defaultHeight: ",
                height,
                " },\n"
            ));
        }
        let mut formats = String::new();
        for format in ResultFormat::ALL {
            formats.push_str(&text!(
                "    { format: '",
                format.as_str(),
                "', contentType: '",
                format.content_type(),
                "' },\n"
            ));
        }
        text!(
            "// The render kinds, formats and options Looker's render-task API takes: one table that the\n",
            "// CLI, the demo page and the sandbox read. Written from core/src/params.rs by its tests\n",
            "// (`UPDATE_RENDER_KINDS=1 cargo test -p looker-render-core`); do not edit by hand.\n",
            "const deepFreeze = (value) => {\n",
            "  if (value && typeof value === 'object') Object.values(value).forEach(deepFreeze);\n",
            "  return Object.freeze(value);\n",
            "};\n\n",
            "export const renderKinds = deepFreeze({\n",
            "  kinds: [\n",
            kinds,
            "  ],\n",
            "  formats: [\n",
            formats,
            "  ],\n",
            "  pdfPaperSizes: ",
            list(&PDF_PAPER_SIZES),
            ",\n",
            "  dashboardStyles: ",
            list(&DASHBOARD_STYLES),
            ",\n",
            "  maxDimension: ",
            MAX_DIMENSION,
            ",\n",
            "});\n"
        )
    }

    #[test]
    fn js_render_kinds_match_this_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../js/render-kinds.js");
        let expected = render_kinds_module();
        if std::env::var_os("UPDATE_RENDER_KINDS").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "js/render-kinds.js differs from core/src/params.rs; run UPDATE_RENDER_KINDS=1 cargo test -p looker-render-core"
        );
    }

    /// `must be one of "a", "b" or "c"`-style lists, as the rules write them.
    fn listed(items: &[&str], last: &str) -> String {
        let quoted: Vec<String> = items.iter().map(|s| text!("\"", s, "\"")).collect();
        match quoted.split_last() {
            Some((tail, [])) => tail.clone(),
            Some((tail, head)) => text!(head.join(", "), last, tail),
            None => String::new(),
        }
    }

    #[test]
    fn formats_fit_the_kind() {
        assert_eq!(ResultFormat::for_kind(RenderKind::Dashboard, "pdf"), Some(ResultFormat::Pdf));
        assert_eq!(ResultFormat::for_kind(RenderKind::Look, "jpg"), Some(ResultFormat::Jpg));
        assert_eq!(ResultFormat::for_kind(RenderKind::Look, "pdf"), None);
        assert_eq!(ResultFormat::for_kind(RenderKind::Dashboard, "PNG"), None);
        for kind in RenderKind::ALL {
            assert!(kind.formats().contains(&kind.default_format()));
            let formats: Vec<&str> = kind.formats().iter().map(|f| f.as_str()).collect();
            assert_eq!(kind.format_rule(), text!("must be ", listed(&formats, " or "), " for a ", kind.noun()));
            if kind != RenderKind::Dashboard {
                assert_eq!(kind.dashboards_only_rule(), text!("applies to dashboards only, not to a ", kind.noun()));
            }
        }
    }

    #[test]
    fn rules_list_the_allowed_values() {
        assert_eq!(PDF_PAPER_SIZE_RULE, text!("must be one of ", listed(&PDF_PAPER_SIZES, ", ")));
        assert_eq!(DASHBOARD_STYLE_RULE, text!("must be ", listed(&DASHBOARD_STYLES, " or ")));
    }
}
