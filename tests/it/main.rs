//! The integration tests: one binary (issue #19), one module per area. Each module runs the
//! real `gongshi` binary on fixture sites (tests/fixtures), real HTTP clients against the real
//! servers, or the library API end to end. Shared helpers: `common` (the binary, site copies),
//! `feedback_common` (in-process receiver, raw HTTP client), `ledger_common` (comment ledgers).
//!
//! Run one area with `cargo test --test it workflow::` (module path as a filter).

mod common;
mod feedback_common;
mod ledger_common;
mod pg_common;
// The synthetic site generator of examples/gen_site, shared with the scale tests.
#[path = "../../examples/gen_site/synth.rs"]
#[allow(dead_code)]
mod synth;

mod annual;
mod build;
mod build_cache;
mod build_gitkey;
mod build_incremental;
mod build_pages;
mod calendar_cli;
mod citizen;
mod compliance;
mod compliance_history;
mod consultation_draft;
mod decisions;
mod deploy;
mod diagnostics;
mod enforcement_kinds;
mod exports;
mod feedback_anchors;
mod feedback_complete;
mod feedback_crash;
mod feedback_dedup;
mod feedback_deploy;
mod feedback_hardening;
mod feedback_http;
mod feedback_load;
mod feedback_ops;
mod feedback_pg_receivers;
mod feedback_receipt;
mod feedback_reload;
mod feedback_report;
mod feedback_store;
mod fees;
mod generated_site;
mod hant;
mod historical;
mod hostile;
mod import;
mod interpretation;
mod lawful;
mod lifecycle;
mod participation;
mod requests;
mod search_example;
mod serve;
mod serve_patch;
mod service_guides;
mod test_kind;
mod unstated;
mod workflow;
