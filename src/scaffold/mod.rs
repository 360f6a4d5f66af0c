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

/// The site under `root` (its site.toml) and today's date in its time zone at `now`, for
/// the commands that add records to an existing site.
fn site_today(
    root: &std::path::Path,
    now: jiff::Timestamp,
) -> Result<(crate::config::Config, jiff::civil::Date), ScaffoldError> {
    if !root.join("site.toml").is_file() {
        return Err(ScaffoldError::Usage(format!(
            "“{}”不是 gongshi 站点目录（找不到 site.toml）。请在站点根目录运行，或用 --root 指定站点目录",
            root.display()
        )));
    }
    let config = crate::config::Config::load(root)
        .map_err(|ds| ScaffoldError::Content(ds.into_iter().collect()))?;
    let tz = config.timezone().unwrap_or(jiff::tz::TimeZone::UTC);
    let today = now.to_zoned_datetime(tz).date();
    Ok((config, today))
}
