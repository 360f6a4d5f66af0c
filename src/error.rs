//! The one error type of the command surface: why a command failed, how to tell the user
//! (stderr, in zh-CN) and the process exit code. The exit-code table is in
//! docs/commands.md ("退出码").

use crate::calendar::CalendarError;
use crate::diag::{self, Diagnostics};
use crate::feedback::FeedbackError;
use crate::scaffold::ScaffoldError;
use std::fmt::Write as _;

/// Why a `gongshi` command failed. Each variant knows its exit code ([`Error::exit_code`])
/// and its text for stderr ([`Error::report`]).
#[derive(Debug)]
pub enum Error {
    /// The command was called wrongly (an argument, a target that exists): exit 2.
    Usage(String),
    /// Problems in the site's files, all of them: exit 1.
    Content(Diagnostics),
    /// A file could not be read or written, or a server stopped: exit 1. The message can
    /// carry file names, so control characters are shown escaped.
    Io(String),
    /// `init`, `new`, `import`: the scaffolding's own error (usage 2, content or file 1).
    Scaffold(ScaffoldError),
    /// `gongshi feedback …`: bad input 2, anything else 1.
    Feedback(FeedbackError),
    /// `gongshi calendar`: the date arithmetic cannot answer (an uncovered year): exit 1.
    Calendar(CalendarError),
    /// An error followed by one line saying what was kept (`未发布：…`, `未导入：…`).
    Noted { error: Box<Error>, note: String },
    /// The command has already printed why it failed (a failed check, a broken chain):
    /// nothing more to print, only this exit code.
    Reported(u8),
}

impl Error {
    /// The process exit code: 1 for problems in the content or the files, 2 for usage.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Content(_) | Error::Io(_) | Error::Calendar(_) => 1,
            Error::Scaffold(e) => e.exit_code(),
            Error::Feedback(e) => u8::try_from(e.exit_code()).unwrap_or(1),
            Error::Noted { error, .. } => error.exit_code(),
            Error::Reported(code) => *code,
        }
    }

    /// What to print on stderr, with its final newline (empty for [`Error::Reported`]).
    pub fn report(&self) -> String {
        let mut out = String::new();
        self.report_into(&mut out);
        out
    }

    fn report_into(&self, out: &mut String) {
        match self {
            Error::Usage(m) => {
                let _ = writeln!(out, "错误：{m}");
            }
            Error::Content(ds) | Error::Scaffold(ScaffoldError::Content(ds)) => {
                out.push_str(&diag::render_text(ds));
            }
            Error::Io(m) => {
                let _ = writeln!(out, "错误：{}", diag::escape_controls(m));
            }
            Error::Scaffold(ScaffoldError::Usage(m) | ScaffoldError::Io(m)) => {
                let _ = writeln!(out, "错误：{m}");
            }
            Error::Feedback(e) => {
                let _ = writeln!(out, "错误：{e}");
            }
            Error::Calendar(e) => {
                let _ = writeln!(out, "错误：{e}");
            }
            Error::Noted { error, note } => {
                error.report_into(out);
                let _ = writeln!(out, "{note}");
            }
            Error::Reported(_) => {}
        }
    }

    /// This error followed by `note` (what the command left as it was).
    pub fn noted(self, note: impl Into<String>) -> Error {
        Error::Noted {
            error: Box::new(self),
            note: note.into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.report().trim_end())
    }
}

impl std::error::Error for Error {}

impl From<ScaffoldError> for Error {
    fn from(e: ScaffoldError) -> Self {
        Error::Scaffold(e)
    }
}

impl From<FeedbackError> for Error {
    fn from(e: FeedbackError) -> Self {
        Error::Feedback(e)
    }
}

impl From<CalendarError> for Error {
    fn from(e: CalendarError) -> Self {
        Error::Calendar(e)
    }
}

impl From<crate::build::BuildError> for Error {
    fn from(e: crate::build::BuildError) -> Self {
        match e {
            crate::build::BuildError::Content(ds) => Error::Content(ds),
            crate::build::BuildError::Io(m) => Error::Io(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_table_in_docs_commands() {
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
        assert_eq!(Error::Content(Diagnostics::new()).exit_code(), 1);
        assert_eq!(Error::Io("x".into()).exit_code(), 1);
        assert_eq!(
            Error::Scaffold(ScaffoldError::Usage("x".into())).exit_code(),
            2
        );
        assert_eq!(
            Error::Scaffold(ScaffoldError::Io("x".into())).exit_code(),
            1
        );
        assert_eq!(
            Error::Feedback(FeedbackError::Invalid("x".into())).exit_code(),
            2
        );
        assert_eq!(
            Error::Feedback(FeedbackError::Integrity("x".into())).exit_code(),
            1
        );
        assert_eq!(Error::Calendar(CalendarError::ZeroLength).exit_code(), 1);
        assert_eq!(Error::Usage("x".into()).noted("n").exit_code(), 2);
        assert_eq!(Error::Reported(1).exit_code(), 1);
    }

    #[test]
    fn reports_say_what_failed_and_what_was_kept() {
        assert_eq!(Error::Usage("参数不对".into()).report(), "错误：参数不对\n");
        assert_eq!(
            Error::Io("无法写入 a\u{1b}b".into())
                .noted("未发布：public/ 保持上一次的内容。")
                .report(),
            "错误：无法写入 a\\u{1b}b\n未发布：public/ 保持上一次的内容。\n"
        );
        assert_eq!(Error::Reported(1).report(), "");
    }
}
