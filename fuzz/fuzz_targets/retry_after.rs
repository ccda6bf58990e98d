//! `Retry-After` as the core parses it (`Head::new`), on any header value:
//! never panics, and the delay is either absent or a finite number of
//! milliseconds, not negative.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render_core::response::Head;

/// Clocks as `Date.now()` gives them: the epoch, the RFC's example date,
/// about now, and the ends of the range a JS `Date` can hold.
const NOWS: [f64; 5] = [0.0, 784_111_777_000.0, 1.8e12, 8.64e15, -8.64e15];

fuzz_target!(|data: &[u8]| {
    let value = String::from_utf8_lossy(data);
    for now in NOWS {
        if let Some(ms) = Head::<serde_json::Value>::new(429, None, Some(&value), now).retry_after_ms {
            assert!(ms.is_finite() && ms >= 0.0, "{value:?} at {now}: {ms}");
        }
    }
});
