//! The core of looker-render: a client for Looker API 4.0's render-task
//! endpoints with no I/O and no JavaScript. It holds the Looker contract
//! ([`models`], [`schema`], [`params`]), the HTTP rules ([`url`], [`request`],
//! [`response`], [`error`]), the policy ([`retry`], [`throttle`], [`poll`], [`auth`], [`oauth`]), the
//! checks on callers' input ([`input`]) and, in [`call`], each call of the
//! client as a state machine that an I/O layer drives: the wasm crate at the
//! repository's root, with `fetch` and timers.
//!
//! Everything here compiles natively and is tested with `cargo test`; the
//! `typescript` feature only adds TypeScript declarations of the models (tsify).
#![deny(missing_docs)]
// `push_str("=")` on purpose: pushing a `char` encodes it as UTF-8, code
// that every such call site would ship in the wasm.
#![allow(clippy::single_char_add_str)]
// Status codes read as the list of codes they are (`502 | 503 | 504`).
#![allow(clippy::manual_range_patterns)]

pub mod text;

pub mod auth;
pub mod call;
pub mod error;
pub mod filters;
pub mod input;
pub mod models;
pub mod oauth;
pub mod params;
pub mod poll;
pub mod request;
pub mod response;
pub mod retry;
pub mod schema;
pub mod suggest;
pub mod throttle;
pub mod url;
pub mod value;
