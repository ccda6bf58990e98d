//! `models::CreateDashboardRenderTask::to_json` (written by hand, not by
//! serde) on any strings: the text is valid JSON that serde_json reads back
//! as the same body.
//!
//! Input: a flags byte (bit 0: dashboard_filters set, bit 1: dashboard_style
//! set, bit 2: tab_ids set), then filters, style and the tab ids, separated
//! by 0xFF bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render_core::models::CreateDashboardRenderTask;
use looker_render_fuzz::fields;

fuzz_target!(|data: &[u8]| {
    let [flags, rest @ ..] = data else {
        return;
    };
    let mut parts = fields(rest).into_iter();
    let filters = parts.next().unwrap_or_default();
    let style = parts.next().unwrap_or_default();
    let mut body = CreateDashboardRenderTask::default();
    body.dashboard_filters = (flags & 1 != 0).then_some(filters);
    body.dashboard_style = (flags & 2 != 0).then_some(style);
    body.tab_ids = (flags & 4 != 0).then(|| parts.collect());

    let text = body.to_json();
    let back: CreateDashboardRenderTask =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{text:?} is not JSON: {error}"));
    assert_eq!(back, body, "{text}");
});
