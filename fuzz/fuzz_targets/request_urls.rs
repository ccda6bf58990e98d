//! `ApiBase::parse`, then the requests of a task by id, on any base URL, id
//! and `fields`: never panics, and the id stays one path segment: after
//! `/render_tasks/` comes no `/`, `?` or `#` of the id's, and the segment
//! decodes back to the id.
//!
//! Input: base URL, id and fields, separated by 0xFF bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render_core::request::{render_task, render_task_results, Fields};
use looker_render_core::url::ApiBase;
use looker_render_fuzz::{fields, percent_decode};

fuzz_target!(|data: &[u8]| {
    let parts = fields(data);
    let base_url = &parts[0];
    let id = parts.get(1).map_or("", String::as_str);
    let csv = parts.get(2).map_or("", String::as_str);

    let Ok(base) = ApiBase::parse(base_url) else {
        return;
    };
    let root = base.root();
    assert!(root.ends_with("/api/4.0"), "{root}");
    assert!(!root.contains(['?', '#']), "{root}");
    let prefix = format!("{root}/render_tasks/");
    let fields = Fields::from_csv(csv);

    let request = render_task(&base, id, &fields);
    let rest = request.url.strip_prefix(&prefix).expect("the URL starts at the root");
    let (segment, query) = match rest.split_once('?') {
        Some((segment, query)) => (segment, Some(query)),
        None => (rest, None),
    };
    assert!(!segment.contains(['/', '?', '#']), "{segment:?}");
    assert_eq!(percent_decode(segment).as_deref(), Some(id.as_bytes()));
    match query {
        Some(query) => {
            let value = query.strip_prefix("fields=").expect("only fields");
            assert!(!value.contains(['&', '#', '?', '=', ' ']), "{query:?}");
            assert!(fields != Fields::all());
        }
        None => assert!(fields == Fields::all()),
    }

    let results = render_task_results(&base, id, 1.0);
    assert_eq!(results.url, format!("{prefix}{segment}/results"));
});
