//! Scaffolding for staff: `gongshi init` (a new site that builds at once) and `gongshi new`
//! (a record skeleton with today's date and the next 索引号).

pub mod guide;
pub mod import;
pub mod init;
pub mod new;

use crate::diag::Diagnostics;

/// Why a scaffolding command did nothing.
#[derive(Debug)]
pub enum ScaffoldError {
    /// The command was called wrongly (exit code 2): the message says how to call it.
    Usage(String),
    /// The site's own files are wrong (exit code 1).
    Content(Diagnostics),
    /// A file could not be read or written (exit code 1).
    Io(String),
}

impl ScaffoldError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            ScaffoldError::Usage(_) => 2,
            ScaffoldError::Content(_) | ScaffoldError::Io(_) => 1,
        }
    }
}
