//! `gongshi calendar DATE [+N | DATE]`: the working-day calculator staff use to plan a notice
//! (when does it close) and to check one (how long is the window it states).

use crate::calendar::{report, Calendar, CalendarError};
use crate::diag::{self, Diagnostics};
use std::path::Path;

/// Run the calendar command. `Err((exit code, message))`: 2 for bad arguments, 1 for an
/// uncovered year or a broken site calendar file.
pub fn run(root: &Path, date: &str, days: Option<&str>) -> Result<String, (u8, String)> {
    let d = report::parse_cli_date(date).map_err(|m| (2, format!("错误：{m}")))?;
    // The second argument: a window (+N, +N天) or a second date.
    enum Second {
        Offset(report::Offset),
        Date(jiff::civil::Date),
    }
    let second = match days {
        Some(s) => Some(match report::parse_offset(s) {
            Ok(o) => Second::Offset(o),
            Err(m) => match report::parse_cli_date(s) {
                Ok(e) if !s.trim_start().starts_with(['+', '＋']) => Second::Date(e),
                _ => {
                    return Err((
                        2,
                        format!("错误：{m}；或写第二个日期（如 2026-12-10），计算两个日期之间的工作日和自然日"),
                    ))
                }
            },
        }),
        None => None,
    };
    let cal = Calendar::load(root).map_err(|ds| {
        let ds: Diagnostics = ds.into_iter().collect();
        (1, diag::render_text(&ds))
    })?;
    let out = match second {
        Some(Second::Offset(o)) => report::offset_report(&cal, d, o),
        Some(Second::Date(e)) => report::between_report(&cal, d, e),
        None => report::day_report(&cal, d),
    };
    out.map_err(|e: CalendarError| (1, format!("错误：{e}")))
}
