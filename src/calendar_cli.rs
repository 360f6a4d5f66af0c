//! `gongshi calendar DATE [+N]`: the working-day calculator staff use to plan a notice.

use crate::calendar::{report, Calendar, CalendarError};
use crate::diag::{self, Diagnostics};
use std::path::Path;

/// Run the calendar command. `Err((exit code, message))`: 2 for bad arguments, 1 for an
/// uncovered year or a broken site calendar file.
pub fn run(root: &Path, date: &str, days: Option<&str>) -> Result<String, (u8, String)> {
    let d = report::parse_cli_date(date).map_err(|m| (2, format!("错误：{m}")))?;
    let offset = match days {
        Some(s) => Some(report::parse_offset(s).map_err(|m| (2, format!("错误：{m}")))?),
        None => None,
    };
    let cal = Calendar::load(root).map_err(|ds| {
        let ds: Diagnostics = ds.into_iter().collect();
        (1, diag::render_text(&ds))
    })?;
    let out = match offset {
        Some(o) => report::offset_report(&cal, d, o),
        None => report::day_report(&cal, d),
    };
    out.map_err(|e: CalendarError| (1, format!("错误：{e}")))
}
