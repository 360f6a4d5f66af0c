//! What a record's kind derives from the build's clock — its deadlines: a consultation's
//! window and state, the working days left, why a decision is no longer shown, the record a
//! record points to (a 复议 decision's `reviews`), and what is late or due soon for the
//! compliance page. A kind says this in its own file ([`crate::content::kinds::RecordKind::
//! clock`]); the `facts` step calls the hook once per record and keeps the answers, which the
//! later steps (pages, `gongshi check`, the preview's one-record rebuild) read.

use crate::calendar::Calendar;
use crate::content::window::{State, Window};
use crate::content::Site;
use crate::diag::Diagnostic;
use jiff::civil::Date;
use jiff::Timestamp;

/// What a kind's clock hook sees: the site, the official calendar and the build's clock.
pub struct ClockCx<'a> {
    pub site: &'a Site,
    pub cal: &'a Calendar,
    pub now: Timestamp,
    /// The day of `now` in the site's time zone.
    pub today: Date,
}

impl<'a> ClockCx<'a> {
    pub fn new(site: &'a Site, cal: &'a Calendar, now: Timestamp) -> ClockCx<'a> {
        let today = now.to_zoned_datetime(site.tz.clone()).date();
        ClockCx {
            site,
            cal,
            now,
            today,
        }
    }
}

/// A record's clock-dependent facts (all absent by default).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// A consultation's window and its state at the build's clock.
    pub window: Option<(Window, State)>,
    /// Working days left, today included, before something the record announces is due (an
    /// open consultation's close, a deadline): what the kind's pages show as 「还剩N个工作日」.
    pub days_left: Option<u32>,
    /// Why the record is no longer listed (a withdrawn or expired decision).
    pub hidden: Option<Hidden>,
    /// The record (its id in the same folder) whose page lists this one: a 复议 decision's
    /// `reviews`, a 政策解读 document's `interprets`.
    pub reviews: Option<String>,
    /// What is past its due date: each a warning for `gongshi check` and a line in the
    /// compliance page's 「逾期」 section (a register may have several expired certificates).
    pub late: Vec<Due>,
    /// What is due soon: each a line in the compliance page's 「即将到期」 section (and its
    /// warning, if it has one).
    pub soon: Vec<Due>,
}

/// Why a record is no longer shown.
#[derive(Debug, Clone)]
pub struct Hidden {
    pub date: Date,
    pub reason: String,
    pub status: String,
}

/// A date something is due by, and what the compliance page says of it.
#[derive(Debug, Clone)]
pub struct Due {
    pub date: Date,
    /// What is due, in zh-CN (「留言2026年11月2日受理，应于…前答复」).
    pub note: String,
    /// The warning `gongshi check` reports, located in the record (when late, or when due
    /// soon is itself worth a warning: a certificate about to expire).
    pub warning: Option<Diagnostic>,
}

/// `d + n` calendar days (saturating at the end of the calendar).
pub fn add_days(d: Date, n: u32) -> Date {
    d.checked_add(jiff::Span::new().days(i64::from(n)))
        .unwrap_or(d)
}

/// Days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map_or(0, |s| i64::from(s.get_days()))
}
