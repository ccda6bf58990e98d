//! A client for the Looker API 4.0 render-task endpoints.
//!
//! The crate is a sans-IO core that knows nothing of JavaScript: [`models`]
//! (the Looker contract), [`request`] (building requests), [`response`]
//! (decoding them and mapping errors). On `wasm32` a thin layer (`wasm`) adds
//! `fetch`, timers and JS errors, and is what the npm package exports.
#![deny(missing_docs)]

pub mod auth;
pub mod models;
pub mod poll;
pub mod request;
pub mod response;
pub mod retry;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(target_arch = "wasm32")]
pub use wasm::LookerClient;
