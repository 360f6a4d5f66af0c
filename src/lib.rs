//! gongshi (公示): a static site generator for Chinese government bodies' publicity websites.
//!
//! The data flow: `site.toml` + `content/**` → [`content::load_site`] (typed, validated
//! records and every diagnostic) → [`build`] (plan pages, render with the theme, write into a
//! staging folder and swap it into `public/` only when everything succeeded).

pub mod build;
pub mod calendar;
pub mod cli;
mod cmd;
pub mod compliance;
pub mod config;
pub mod content;
pub mod diag;
mod error;
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
