//! 工作日历 — working-day arithmetic over the State Council holiday arrangements (shipped data
//! plus a site's `calendar/*.yaml`): is a date a working day, and when does an N-working-day
//! window close.
//!
//! # Rules
//!
//! - A date is a **working day** iff (Monday–Friday and not listed as a day off) or it is listed
//!   as an adjusted working day (调休上班). This is the normative rule of
//!   `data/holidays/README.md` and SPEC §5.
//! - The data is kept per **arrangement year** (the year in the notice's title). A notice may
//!   move days in late December of the year before; those dates are read from the later file.
//! - A calendar year `Y` is **covered** iff an arrangement for `Y` is loaded. A query that needs
//!   any date of an uncovered year fails with [`CalendarError::Uncovered`]; the calendar never
//!   falls back to plain Monday–Friday.
//! - Windows ("自D日起N个工作日") start on the day after `D`: `D` itself never counts (民法典
//!   第二百零一条), and the window closes at 24:00 of its last day in the site's time zone.

mod data;
mod load;
pub(crate) mod report;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::fmt;

/// 日期类别 — what kind of day a date is, and so whether it is a working day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// 工作日 — an ordinary Monday–Friday.
    Weekday,
    /// 周末 — an ordinary Saturday or Sunday.
    Weekend,
    /// 法定节假日/休息日 — listed as a day off (may be a weekday or a weekend day), with the
    /// festival the notice groups it under, e.g. `国庆节`.
    Holiday { name: String },
    /// 调休上班 — a Saturday or Sunday listed as a working day, with its festival.
    ///
    /// A listed working day that is Monday–Friday anyway (2020-02-03, named as the day work
    /// resumed after the 2020 extension) is reported as an ordinary [`DayKind::Weekday`].
    AdjustedWorkday { name: String },
}

/// 日期信息 — one date, its weekday and kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DayInfo {
    pub date: Date,
    pub kind: DayKind,
}

impl DayInfo {
    /// 是否工作日.
    pub fn is_working(&self) -> bool {
        matches!(
            self.kind,
            DayKind::Weekday | DayKind::AdjustedWorkday { .. }
        )
    }

    /// The festival name, for listed days off and adjusted working days.
    pub fn holiday_name(&self) -> Option<&str> {
        match &self.kind {
            DayKind::Holiday { name } | DayKind::AdjustedWorkday { name } => Some(name),
            DayKind::Weekday | DayKind::Weekend => None,
        }
    }

    /// 星期几, e.g. `星期六`.
    pub fn weekday_zh(&self) -> &'static str {
        weekday_zh(self.date.weekday())
    }

    /// Short description in zh-CN: `工作日`, `工作日（调休上班，国庆节）`, `休息日（周末）`,
    /// `休息日（国庆节）`.
    pub fn describe_zh(&self) -> String {
        match &self.kind {
            DayKind::Weekday => "工作日".to_string(),
            DayKind::AdjustedWorkday { name } => format!("工作日（调休上班，{name}）"),
            DayKind::Weekend => "休息日（周末）".to_string(),
            DayKind::Holiday { name } => format!("休息日（{name}）"),
        }
    }
}

/// 日历错误 — why a working-day question cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CalendarError {
    /// No holiday arrangement is loaded for this calendar year: the answer would be a guess.
    Uncovered { year: i16 },
    /// A window of zero days was asked for (a window has at least one day).
    ZeroLength,
    /// The date arithmetic left the range of representable dates (year 9999).
    OutOfRange,
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::Uncovered { year } => write!(
                f,
                "缺少{year}年的节假日安排：请在站点的 calendar/ 目录中添加 {year}.yaml\
                 （格式同 data/holidays/，依据国务院办公厅关于{year}年部分节假日安排的通知）"
            ),
            CalendarError::ZeroLength => f.write_str("期限必须至少为1天：0天的期限没有意义"),
            CalendarError::OutOfRange => f.write_str("日期超出可计算的范围（公元9999年以后）"),
        }
    }
}

impl std::error::Error for CalendarError {}

/// Whether a listed date is a day off or an adjusted working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Status {
    Off,
    Work,
}

/// One listed date, with the arrangement year whose file lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listed {
    status: Status,
    name: String,
    year: i16,
}

/// Where an arrangement year's facts come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Shipped inside the binary (`data/holidays/YYYY.yaml`).
    Builtin,
    /// A site file, path relative to the site root (`calendar/2027.yaml`).
    Site(String),
}

/// 年度节假日安排 — one arrangement year: where it comes from and the notices it cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrangement {
    pub year: i16,
    pub origin: Origin,
    /// Notice titles (`source:`), oldest first.
    pub source: Vec<String>,
    /// gov.cn URLs of the notices (`papers:`).
    pub papers: Vec<String>,
}

/// 工作日历 — the merged holiday arrangements: date → day off / adjusted working day, plus the
/// set of covered years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i16, Arrangement>,
    days: BTreeMap<Date, Listed>,
}

/// 公示期 — an N-working-day window worked out day by day (for reports and notice pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The day the notice opened (not counted).
    pub opened: Date,
    /// The number of working days.
    pub working_days: u32,
    /// The last day of the window; it closes at 24:00 of this day.
    pub close: Date,
    /// Every day in (opened, close], in order.
    pub days: Vec<DayInfo>,
}

impl Window {
    /// The working days counted, in order (`working_days` of them).
    pub fn counted(&self) -> impl Iterator<Item = &DayInfo> {
        self.days.iter().filter(|d| d.is_working())
    }

    /// The days off skipped inside the window, in order.
    pub fn skipped(&self) -> impl Iterator<Item = &DayInfo> {
        self.days.iter().filter(|d| !d.is_working())
    }
}

impl Calendar {
    /// The calendar built from the shipped data only (2007–2026).
    ///
    /// Never panics. The embedded files are checked by the tests; should one of them ever fail
    /// to load, its year is left out, so every query touching it fails with
    /// [`CalendarError::Uncovered`] instead of guessing. Use [`Calendar::builtin_checked`] to see
    /// such problems.
    pub fn builtin() -> Calendar {
        let (files, _problems) = load::builtin_files();
        Calendar::from_files(files)
    }

    /// The calendar built from the shipped data, or the problems found in it.
    pub fn builtin_checked() -> Result<Calendar, Vec<crate::diag::Diagnostic>> {
        let (files, problems) = load::builtin_files();
        if problems.is_empty() {
            Ok(Calendar::from_files(files))
        } else {
            Err(problems)
        }
    }

    /// The shipped data merged with the site's `<site_root>/calendar/YYYY.yaml` files.
    ///
    /// A site file for year `Y` replaces the shipped arrangement for `Y` entirely; other years
    /// are added. A missing `calendar/` folder means the shipped data alone. Every problem in
    /// every file is reported (zh-CN, path relative to the site root, line and column).
    /// Files other than `*.yaml`/`*.yml` (a README, `.gitkeep`) are ignored.
    pub fn load(site_root: &std::path::Path) -> Result<Calendar, Vec<crate::diag::Diagnostic>> {
        load::load_site(site_root).map(Calendar::from_files)
    }

    fn from_files(files: Vec<load::YearFile>) -> Calendar {
        let mut years = BTreeMap::new();
        let mut days = BTreeMap::new();
        for file in files {
            for e in file.entries {
                days.insert(
                    e.date,
                    Listed {
                        status: e.status,
                        name: e.name,
                        year: file.arrangement.year,
                    },
                );
            }
            years.insert(file.arrangement.year, file.arrangement);
        }
        Calendar { years, days }
    }

    /// The covered calendar years, ascending (they need not be contiguous).
    pub fn covered_years(&self) -> Vec<i16> {
        self.years.keys().copied().collect()
    }

    /// The first and last covered year, if any.
    pub fn covered_range(&self) -> Option<(i16, i16)> {
        Some((*self.years.keys().next()?, *self.years.keys().next_back()?))
    }

    /// Whether the arrangement for calendar year `year` is loaded.
    pub fn is_covered(&self, year: i16) -> bool {
        self.years.contains_key(&year)
    }

    /// The arrangement loaded for `year` (its notices and where it came from).
    pub fn arrangement(&self, year: i16) -> Option<&Arrangement> {
        self.years.get(&year)
    }

    /// `Ok` when `d`'s calendar year is covered.
    pub fn check_covered(&self, d: Date) -> Result<(), CalendarError> {
        if self.is_covered(d.year()) {
            Ok(())
        } else {
            Err(CalendarError::Uncovered { year: d.year() })
        }
    }

    /// What kind of day `d` is.
    pub fn day(&self, d: Date) -> Result<DayInfo, CalendarError> {
        self.check_covered(d)?;
        let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
        let kind = match self.days.get(&d) {
            Some(Listed {
                status: Status::Off,
                name,
                ..
            }) => DayKind::Holiday { name: name.clone() },
            Some(Listed {
                status: Status::Work,
                name,
                ..
            }) if weekend => DayKind::AdjustedWorkday { name: name.clone() },
            _ if weekend => DayKind::Weekend,
            _ => DayKind::Weekday,
        };
        Ok(DayInfo { date: d, kind })
    }

    /// 是否工作日.
    pub fn is_working_day(&self, d: Date) -> Result<bool, CalendarError> {
        Ok(self.day(d)?.is_working())
    }

    /// The arrangement year whose facts decide `d`: the file that lists it, else its own year.
    pub fn arrangement_year_of(&self, d: Date) -> i16 {
        self.days.get(&d).map_or(d.year(), |l| l.year)
    }

    /// Whether `d`'s status may still be changed by a notice not yet loaded: `d` lies in the last
    /// week of December (25–31) and next year's arrangement is not loaded. Next year's notice
    /// has moved such days before (2007-12-29…31 by the 2008 notice, 2018-12-29…31 by 2019's).
    pub fn is_provisional(&self, d: Date) -> bool {
        d.month() == 12 && d.day() >= 25 && !self.is_covered(d.year().saturating_add(1))
    }

    /// 截止日期 — the N-th working day strictly after `opened` (the window "自opened起N个工作日").
    ///
    /// `opened` itself never counts, whether or not it is a working day, and need not be
    /// covered. `n == 0` is [`CalendarError::ZeroLength`]: a window has at least one day.
    pub fn close_date(&self, opened: Date, n: u32) -> Result<Date, CalendarError> {
        if n == 0 {
            return Err(CalendarError::ZeroLength);
        }
        let mut d = opened;
        let mut left = n;
        loop {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                left -= 1;
                if left == 0 {
                    return Ok(d);
                }
            }
        }
    }

    /// The whole window "自opened起N个工作日", day by day (see [`Calendar::close_date`]).
    pub fn window(&self, opened: Date, n: u32) -> Result<Window, CalendarError> {
        let close = self.close_date(opened, n)?;
        let days = self.days_in(opened, close)?;
        Ok(Window {
            opened,
            working_days: n,
            close,
            days,
        })
    }

    /// Every day in (after, until], classified; empty when `until <= after`.
    pub fn days_in(&self, after: Date, until: Date) -> Result<Vec<DayInfo>, CalendarError> {
        let mut out = Vec::new();
        let mut d = after;
        while d < until {
            d = next_day(d)?;
            out.push(self.day(d)?);
        }
        Ok(out)
    }

    /// Number of working days in (after, until]; 0 when `until <= after`.
    pub fn working_days_between(&self, after: Date, until: Date) -> Result<u32, CalendarError> {
        let mut count = 0u32;
        let mut d = after;
        while d < until {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// 剩余工作日 — working days from `today` inclusive to `close` inclusive, for
    /// "还剩3个工作日"; 0 when `today > close`.
    pub fn working_days_left(&self, today: Date, close: Date) -> Result<u32, CalendarError> {
        if today > close {
            return Ok(0);
        }
        let first = u32::from(self.is_working_day(today)?);
        Ok(first + self.working_days_between(today, close)?)
    }

    /// The days off in (after, until], with the festival name of listed days off (`None` for an
    /// ordinary weekend).
    pub fn days_off_between(
        &self,
        after: Date,
        until: Date,
    ) -> Result<Vec<(Date, Option<String>)>, CalendarError> {
        Ok(self
            .days_in(after, until)?
            .into_iter()
            .filter(|d| !d.is_working())
            .map(|d| {
                let name = d.holiday_name().map(str::to_string);
                (d.date, name)
            })
            .collect())
    }

    /// `opened + n` calendar days. Needs no holiday data (see
    /// [`Calendar::close_date_calendar_days`] for the legal end of such a period).
    pub fn add_calendar_days(opened: Date, n: u32) -> Result<Date, CalendarError> {
        opened
            .checked_add(
                jiff::Span::new()
                    .try_days(i64::from(n))
                    .map_err(|_| CalendarError::OutOfRange)?,
            )
            .map_err(|_| CalendarError::OutOfRange)
    }

    /// The last day of a period of `n` calendar days (日) opened on `opened`: `opened + n`, moved
    /// to the next working day when that day is a day off (《民法典》第二百零三条: 期间的最后一日是
    /// 法定休假日的，以法定休假日结束的次日为期间的最后一日).
    ///
    /// Unlike [`Calendar::add_calendar_days`] this needs the holiday data for the end date (and
    /// the days after it when it is a day off), so it can fail with `Uncovered`.
    /// `n == 0` is [`CalendarError::ZeroLength`].
    pub fn close_date_calendar_days(&self, opened: Date, n: u32) -> Result<Date, CalendarError> {
        if n == 0 {
            return Err(CalendarError::ZeroLength);
        }
        let mut d = Calendar::add_calendar_days(opened, n)?;
        while !self.is_working_day(d)? {
            d = next_day(d)?;
        }
        Ok(d)
    }
}

/// 截止时刻 — the instant a window closes: 24:00 of `close`, i.e. 00:00 of the next day, in the
/// site's time zone (an instant that does not exist because of a DST gap resolves to the
/// instant just after the gap, jiff's "compatible" rule).
pub(crate) fn close_instant(close: Date, tz: &TimeZone) -> Result<Timestamp, CalendarError> {
    let next = next_day(close)?;
    tz.to_timestamp(jiff::civil::DateTime::from(next))
        .map_err(|_| CalendarError::OutOfRange)
}

fn next_day(d: Date) -> Result<Date, CalendarError> {
    d.tomorrow().map_err(|_| CalendarError::OutOfRange)
}

/// 星期几 in zh-CN: `星期一` … `星期日`.
pub(crate) fn weekday_zh(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

/// A date written the Chinese way: `2017年9月18日`.
pub(crate) fn date_zh(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests;
