//! The `gongshi` binary: parse the arguments and run the command ([`gongshi::run`] prints
//! and decides the exit code; the table is in docs/commands.md).

use clap::Parser;
use gongshi::cli::Cli;
use std::process::ExitCode;

// mimalloc: a build allocates many short-lived strings and JSON values across rayon threads,
// where glibc malloc's chunk consolidation is costly (figures in docs/performance.md). Built
// with `no_thp`: mimalloc does not ask for transparent huge pages, whose faults zero 2 MiB at a
// time again after each purge of part of one; on a system whose THP setting is `always`
// rather than `madvise`, MIMALLOC_ALLOW_THP=0 turns them off for the process.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => gongshi::run(cli),
        Err(e) => {
            // Usage errors go to stderr with exit code 2; --help and --version to stdout, 0.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            ExitCode::from(code)
        }
    }
}
