//! `gongshi calendar DATE [+N | DATE]`: the working-day calculator staff use to plan a notice
//! (when does it close) and to check one (how long is the window it states).

use crate::calendar::{report, Calendar};
use crate::cli::CalendarArgs;
use crate::diag::Diagnostics;
use crate::error::Error;

pub(super) fn run(a: CalendarArgs) -> Result<(), Error> {
    print!("{}", answer(&a)?);
    Ok(())
}

/// The calculator's answer: 2 for bad arguments, 1 for an uncovered year or a broken site
/// calendar file.
fn answer(a: &CalendarArgs) -> Result<String, Error> {
    let d = report::parse_cli_date(&a.date).map_err(Error::Usage)?;
    // The second argument: a window (+N, +N天) or a second date.
    enum Second {
        Offset(report::Offset),
        Date(jiff::civil::Date),
    }
    let second = match a.days.as_deref() {
        Some(s) => Some(match report::parse_offset(s) {
            Ok(o) => Second::Offset(o),
            Err(m) => match report::parse_cli_date(s) {
                Ok(e) if !s.trim_start().starts_with(['+', '＋']) => Second::Date(e),
                _ => {
                    return Err(Error::Usage(format!(
                        "{m}；或写第二个日期（如 2026-12-10），计算两个日期之间的工作日和自然日"
                    )))
                }
            },
        }),
        None => None,
    };
    let cal = Calendar::load(&a.root).map_err(|ds| {
        let ds: Diagnostics = ds.into_iter().collect();
        // This report has always ended with an empty line.
        Error::Content(ds).noted("")
    })?;
    let out = match second {
        Some(Second::Offset(o)) => report::offset_report(&cal, d, o),
        Some(Second::Date(e)) => report::between_report(&cal, d, e),
        None => report::day_report(&cal, d),
    };
    Ok(out?)
}
