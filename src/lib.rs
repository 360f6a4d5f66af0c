//! gongshi (公示): a static site generator for Chinese government bodies' publicity websites.
//!
//! The data flow: `site.toml` + `content/**` → [`content::load_site`] (typed, validated
//! records and every diagnostic) → [`build`] (plan pages, render with the theme, write into a
//! staging folder and swap it into `public/` only when everything succeeded).

pub mod build;
pub mod calendar;
pub mod calendar_cli;
pub mod cli;
pub mod compliance;
pub mod config;
pub mod content;
pub mod diag;
pub mod export;
pub mod facts;
pub mod feedback;
pub mod history;
#[cfg(test)]
mod layering;
pub mod ledger;
pub mod lifecycle;
pub mod participation;
pub mod pii;
pub mod plan;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod urls;
pub mod yaml;
