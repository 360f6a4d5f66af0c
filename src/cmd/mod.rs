//! The subcommands, one file each: each turns its arguments into the library's option
//! structs, calls the library, prints what staff read and returns `Err` with the
//! [`Error`] that decides the exit code. [`run`] dispatches.

mod build;
mod calendar;
mod check;
mod deploy;
mod feedback;
mod import;
mod init;
mod new;
mod report;
mod requests;
mod serve;

use crate::cli::{Cli, Command};
use crate::diag::{self, Diagnostics};
use crate::error::Error;

/// The global options every command sees.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Global {
    pub quiet: bool,
    pub verbose: u8,
}

/// Run the command `cli` names.
pub(crate) fn run(cli: Cli) -> Result<(), Error> {
    let g = Global {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Build(a) => build::run(a, g),
        Command::Check(a) => check::run(a, g),
        Command::Serve(a) => serve::run(a, g),
        Command::Init(a) => init::run(a, g),
        Command::New(a) => new::run(a, g),
        Command::Import(a) => import::run(a, g),
        Command::Feedback(a) => feedback::run(a),
        Command::Requests(a) => requests::run(a),
        Command::Calendar(a) => calendar::run(a),
        Command::Deploy(a) => deploy::run(a, g),
        Command::Report(a) => report::run(a),
    }
}

/// `--now`: the given RFC 3339 time, or the current time.
fn parse_now(now: Option<&str>) -> Result<jiff::Timestamp, Error> {
    match now {
        None => Ok(jiff::Timestamp::now()),
        Some(s) => s.parse::<jiff::Timestamp>().map_err(|e| {
            Error::Usage(format!(
                "--now 的时间格式不对：{s}（{e}）；应为 RFC 3339，如 2026-11-25T10:00:00+08:00"
            ))
        }),
    }
}

/// Print diagnostics for staff on stderr.
fn print_diags(ds: &Diagnostics) {
    eprint!("{}", diag::render_text(ds));
}

/// The time zone for dates shown when the site's own is not known.
fn default_tz() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC)
}
