//! `gongshi requests …`: requests for information ([`crate::feedback::requests::cli`] does
//! the work).

use crate::error::Error;
use crate::feedback::requests::cli::{self as requests_cli, RequestsArgs};

pub(super) fn run(a: RequestsArgs) -> Result<(), Error> {
    let o = requests_cli::run(a)?;
    print!("{}", o.stdout);
    match o.exit_code {
        0 => Ok(()),
        code => Err(Error::Reported(u8::try_from(code).unwrap_or(1))),
    }
}
