//! `gongshi feedback …`: the receiver and its ledgers ([`crate::feedback::cli`] does the work).

use crate::error::Error;
use crate::feedback::cli::{self as feedback_cli, FeedbackArgs};

pub(super) fn run(a: FeedbackArgs) -> Result<(), Error> {
    let mut progress = |line: &str| println!("{line}");
    let o = feedback_cli::run(a, &crate::feedback::site::load_directory, &mut progress)?;
    print!("{}", o.stdout);
    match o.exit_code {
        0 => Ok(()),
        code => Err(Error::Reported(u8::try_from(code).unwrap_or(1))),
    }
}
