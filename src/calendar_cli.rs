//! `gongshi calendar DATE [+N]`: the working-day calculator staff use to plan a notice.

use std::path::Path;

/// Run the calendar command; `Err((exit code, message))` on failure.
pub fn run(_root: &Path, _date: &str, _days: Option<&str>) -> Result<String, (u8, String)> {
    Err((2, "尚未实现".to_string()))
}
