//! gongshi (公示): a static site generator for Chinese government bodies' publicity websites.
//!
//! The data flow: `site.toml` + `content/**` → [`content::load_site`] (typed, validated
//! records and every diagnostic) → [`build`] (plan pages, render with the theme, write into a
//! staging folder and swap it into `public/` only when everything succeeded).

#![warn(unreachable_pub)]
pub mod build;
pub(crate) mod calendar;
pub mod cli;
mod cmd;
pub(crate) mod compliance;
pub(crate) mod config;
pub mod content;
pub mod deploy;
pub mod diag;
mod error;
pub mod export;
pub(crate) mod facts;
pub mod feedback;
pub(crate) mod hant;
pub mod history;
#[cfg(test)]
mod layering;
pub mod lazy;
pub(crate) mod ledger;
pub(crate) mod participation;
pub(crate) mod pii;
pub(crate) mod plan;
pub(crate) mod render;
pub mod scaffold;
pub(crate) mod schema;
pub mod search;
pub(crate) mod serve;
pub(crate) mod urls;
pub(crate) mod yaml;

pub use error::Error;

/// Run the command `cli` names: print what it reports and return the process exit code
/// (the table is in docs/commands.md).
pub fn run(cli: cli::Cli) -> std::process::ExitCode {
    match cmd::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{}", e.report());
            std::process::ExitCode::from(e.exit_code())
        }
    }
}
