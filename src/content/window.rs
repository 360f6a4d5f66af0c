//! A consultation's window and state: the plain data `lifecycle` computes once per build (on
//! the official calendar, at the build's clock) and the consultation kind's hooks show. Pure
//! types and texts, below the kinds so that their hooks need nothing of a later step.

use crate::content::kinds::consultation::Consultation;
use crate::content::view::{date_text, datetime_text};
use crate::content::Record;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// How long a window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    WorkingDays(u32),
    Days(u32),
    /// A window given by its end (`closes`) of a type that counts natural days (日): both
    /// counts of the days after the opening day up to the last day.
    Both {
        days: u32,
        working_days: u32,
    },
}

impl Length {
    pub fn text(self) -> String {
        match self {
            Length::WorkingDays(n) => format!("{n}个工作日"),
            Length::Days(n) => format!("{n}日"),
            Length::Both { days, working_days } => format!("{days}日，其中{working_days}个工作日"),
        }
    }

    /// The length in working days, when it is counted in them.
    pub fn working_days(self) -> Option<u32> {
        match self {
            Length::WorkingDays(n)
            | Length::Both {
                working_days: n, ..
            } => Some(n),
            Length::Days(_) => None,
        }
    }

    /// The length in natural days (日), when it is counted in them.
    pub fn days(self) -> Option<u32> {
        match self {
            Length::Days(n) | Length::Both { days: n, .. } => Some(n),
            Length::WorkingDays(_) => None,
        }
    }
}

/// A consultation's window, computed once.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub opens: Timestamp,
    pub open_date: Date,
    pub length: Length,
    /// The last day of the window (the notice closes at its 24:00).
    pub close_date: Date,
    pub closes: Timestamp,
}

/// The state of a consultation at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Upcoming,
    Closed,
    Concluded,
    Withdrawn,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Upcoming => "即将征集",
            State::Open => "征集中",
            State::Closed => "征集已结束",
            State::Concluded => "已公布结果",
            State::Withdrawn => "已撤回",
        }
    }
}

/// When a consultation opens: `opens`, or 00:00 of its `published` date (a notice that only
/// says 「请于…前」 is open from the day it is published).
pub fn opens_of(c: &Consultation, r: &Record, tz: &TimeZone) -> Option<Timestamp> {
    c.opens.or_else(|| {
        let d = r.common.published?;
        d.to_zoned_datetime(tz.clone()).ok().map(|z| z.timestamp())
    })
}

/// The notice sentence: 自2026年11月20日起公示，期限10个工作日，截至2026年12月4日24:00。
pub fn notice_sentence(w: &Window, tz: &TimeZone) -> String {
    format!(
        "自{}起公开征求意见，期限{}（发布当日不计入），截至{}。",
        date_text(w.open_date),
        w.length.text(),
        datetime_text(w.closes, tz)
    )
}

/// The last day of a window closing at `closes`: the day whose 24:00 it is when it closes at
/// midnight, else its own day.
pub fn last_day(closes: Timestamp, tz: &TimeZone) -> Date {
    let z = closes.to_zoned_datetime(tz.clone());
    if z.hour() == 0 && z.minute() == 0 && z.second() == 0 && z.subsec_nanosecond() == 0 {
        z.date().yesterday().unwrap_or(z.date())
    } else {
        z.date()
    }
}

/// The state of a consultation without a window (a historical record without both dates):
/// withdrawn, concluded when its outcome is published, else closed.
pub fn state_without_window(c: &Consultation) -> State {
    if c.withdrawn.is_some() {
        State::Withdrawn
    } else if c.outcome.is_some() {
        State::Concluded
    } else {
        State::Closed
    }
}
