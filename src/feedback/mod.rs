//! Feedback receiver: comments on consultations, correction reports and messages.
//!
//! * `http`   — the receiver (`gongshi feedback serve`), hyper 1 on tokio, bounded.
//! * `forms`  — urlencoded parsing and validation of the three forms.
//! * `backend` — the store trait (`FeedbackStore`) and its SQLite and PostgreSQL
//!   implementations; `--db` is a file or a `postgres://` URL; `migrate`.
//! * `store`  — SQLite (WAL, synchronous=FULL), hash chains, verify, stats.
//! * `writer` — the single writer thread (group commit).
//! * `export` — ledger export and offline entries (`export`, `export --all`, `add`).
//! * `audit`  — `verify`: chains, ledgers, and the anchors outside the database.
//! * `anchor` — heads recorded outside the database (head log, register, published heads).
//! * `dedup`  — when a web submission is a resubmission (form token + identical fields).
//! * `report` — ledger/disposition loading for the participation report.
//! * `dbcheck` — is the database there, ours, whole and writable (`--init`, quick/integrity check).
//! * `limits`, `guard`, `text` — fairness (client keys, connection caps), Host/Origin/page
//!   checks, invisible characters.
//! * `log`    — the receiver's event lines (stderr, logfmt).
//! * `requests` — requests for information (依申请公开): form, event log, deadlines, CLI.
//!
//! The library never prints, except the receiver's event log (`log::LogSink`, off unless the
//! caller asks for it); every entry point returns a value or an error.

pub mod anchor;
pub mod audit;
pub mod backend;
pub mod cli;
pub mod dbcheck;
pub mod directory;
pub mod export;
pub mod forms;
pub mod guard;
pub(crate) mod html;
pub mod http;
pub mod import;
pub mod limits;
pub mod log;
pub mod model;
mod ratelimit;
pub mod reload;
pub mod requests;
pub mod search;
// One person, one opinion: when a web submission is a resubmission.
pub mod dedup;
pub use crate::ledger::report;
pub mod site;
pub mod store;
mod text;
mod writer;

use std::fmt;
use std::path::PathBuf;

pub use audit::{verify_with, AuditReport, VerifyInputs};
pub use directory::{ConsultationWindow, Directory, LedgerStatus, StaticDirectory};
pub use export::{
    add, export, export_all, verify, AddOptions, ExportAllReport, ExportOptions, ExportSummary,
    VerifyOptions, VerifyReport,
};
pub use http::{serve, start, ServeOptions, ServerHandle, Service};
pub use log::{Level, LogSink};
pub use model::{Accepted, Channel, Kind};
pub use ratelimit::RateLimit;
pub use report::{
    build_report, ledger_is_append_only, ledger_public_json, load_dispositions, load_ledger,
    Disposition, DispositionEntry, LedgerEntry, ReportData, ReportProblem,
};
pub use store::{stats, Stats};

/// Errors of the feedback commands. `Display` is a one-line message for the operator.
#[derive(Debug)]
pub enum FeedbackError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Db(rusqlite::Error),
    /// A PostgreSQL store's error (`backend::pg`).
    Pg(postgres::Error),
    /// The database or a ledger is inconsistent (chain broken, ledger differs from the DB).
    Integrity(String),
    /// The database cannot be used as it is (not writable, disk full): the message says why.
    Unusable(String),
    /// Bad input to a command (unknown consultation, bad channel, …).
    Invalid(String),
    Server(String),
}

impl fmt::Display for FeedbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeedbackError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            FeedbackError::Db(e) => write!(f, "数据库错误 (database error): {e}"),
            FeedbackError::Pg(e) => match e.as_db_error() {
                // postgres::Error's own Display is only "db error": say what the server said.
                Some(db) => write!(
                    f,
                    "数据库错误 (PostgreSQL error {}): {}{}",
                    db.code().code(),
                    db.message(),
                    db.detail().map(|d| format!(" ({d})")).unwrap_or_default()
                ),
                None => write!(f, "数据库错误 (PostgreSQL error): {e}"),
            },
            FeedbackError::Integrity(m) => write!(f, "完整性校验失败 (integrity): {m}"),
            FeedbackError::Unusable(m) => write!(f, "{m}"),
            FeedbackError::Invalid(m) => write!(f, "{m}"),
            FeedbackError::Server(m) => write!(f, "server: {m}"),
        }
    }
}

impl std::error::Error for FeedbackError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FeedbackError::Io { source, .. } => Some(source),
            FeedbackError::Db(e) => Some(e),
            FeedbackError::Pg(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for FeedbackError {
    fn from(e: rusqlite::Error) -> Self {
        FeedbackError::Db(e)
    }
}

impl From<report::FileError> for FeedbackError {
    fn from(e: report::FileError) -> Self {
        match e {
            report::FileError::Io { path, source } => FeedbackError::Io { path, source },
            report::FileError::Invalid(m) => FeedbackError::Invalid(m),
            report::FileError::Git(m) => FeedbackError::Server(m),
        }
    }
}

impl FeedbackError {
    /// Exit code for the CLI: 2 for bad input (usage), 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            FeedbackError::Invalid(_) => 2,
            _ => 1,
        }
    }
}

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> FeedbackError {
    let path = path.into();
    move |source| FeedbackError::Io { path, source }
}
