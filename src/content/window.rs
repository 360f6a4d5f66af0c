//! A consultation's window and state: computed once per build by the consultation kind's
//! clock hook (on the official calendar, at the build's clock: [`compute`], [`state`]), with
//! the rules on its length, and the types and texts its hooks show. Below the kinds' later
//! steps, so that their hooks need nothing of a step after `content`.

use crate::calendar::Calendar;
use crate::config::{Config, WindowRule};
use crate::content::kinds::consultation::Consultation;
use crate::content::view::{date_text, datetime_text};
use crate::content::Record;
use crate::diag::{Code, Diagnostic};
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

fn min_length(rule: &WindowRule) -> Length {
    match (rule.min_working_days, rule.min_days) {
        (Some(n), _) => Length::WorkingDays(n),
        (None, Some(n)) => Length::Days(n),
        (None, None) => Length::WorkingDays(7),
    }
}

fn close_of(
    cal: &Calendar,
    open: Date,
    len: Length,
) -> Result<Date, crate::calendar::CalendarError> {
    match len {
        Length::WorkingDays(n)
        | Length::Both {
            working_days: n, ..
        } => cal.close_date(open, n),
        Length::Days(n) => cal.close_date_calendar_days(open, n),
    }
}

/// The decision types for which a norm asks for a window of generally no less than 30 days
/// (日), with the norm: such a notice names its length in natural days as well.
const THIRTY_DAY_TYPES: &[(&str, &str)] = &[
    (
        "重大行政决策",
        "《重大行政决策程序暂行条例》（国务院令第713号，2019年）第十四条规定，征求意见的期限一般不少于30日",
    ),
    (
        "规章",
        "《规章制定程序条例》第十五条规定，规章草案向社会公布征求意见的期限一般不少于30日",
    ),
    (
        "法规草案",
        "《中华人民共和国立法法》和《行政法规制定程序条例》第十三条规定，法律、行政法规草案向社会公布征求意见的期限一般不少于30日（地方性法规草案按本地立法条例，一般也不少于30日）",
    ),
    (
        "涉企规范性文件",
        "《优化营商环境条例》（国务院令第722号）第六十二条规定，制定与市场主体生产经营活动密切相关的行政规范性文件，向社会公开征求意见的期限一般不少于30日",
    ),
];

/// The norm asking `decision_type` for 30 days, if any.
fn thirty_day_norm(decision_type: &str) -> Option<&'static str> {
    THIRTY_DAY_TYPES
        .iter()
        .find(|(t, _)| *t == decision_type)
        .map(|(_, norm)| *norm)
}

/// Compute a consultation's window and check it against the rules. Returns the window (when
/// it could be computed) and the problems found, located in the record.
pub fn compute(
    cal: &Calendar,
    config: &Config,
    tz: &TimeZone,
    r: &Record,
    c: &Consultation,
) -> (Option<Window>, Vec<Diagnostic>) {
    if c.historical {
        return historical_window(cal, config, tz, r, c);
    }
    let mut diags = Vec::new();
    let Some(opens) = opens_of(c, r, tz) else {
        return (None, diags);
    };
    let open_date = opens.to_zoned_datetime(tz.clone()).date();
    let rule = config.consultation.types.get(&c.decision_type);
    let min = rule.map(min_length).unwrap_or(Length::WorkingDays(7));
    let thirty = thirty_day_norm(&c.decision_type);
    // Whether the notice names its length in natural days too.
    let counts_days =
        c.window_days.is_some() || rule.is_some_and(|r| r.min_days.is_some()) || thirty.is_some();
    let mut length = match (c.window_working_days, c.window_days) {
        (Some(n), _) => Length::WorkingDays(n),
        (None, Some(n)) => Length::Days(n),
        (None, None) => min,
    };
    for (field, text) in [
        ("summary", &c.summary),
        ("basis", &c.basis),
        ("reasons", &c.reasons),
        ("title", &r.common.title),
    ] {
        if text.trim().is_empty() {
            diags.push(r.diag_at(
                Diagnostic::error(Code::ConsultationNoticeItem, &r.source, "征求意见公告缺少必备内容")
                    .hint("公告必须写明决策事项名称（title）、基本情况（summary）、决策依据（basis）和理由（reasons），以及反馈方式和期限。"),
                field,
            ));
        }
    }
    if matches!(length, Length::WorkingDays(0) | Length::Days(0)) {
        diags.push(
            r.diag_at(
                Diagnostic::error(Code::ConsultationWindowZero, &r.source, "征集期限不能为 0")
                    .hint("请填写正整数。"),
                if c.window_days.is_some() {
                    "window_days"
                } else {
                    "window_working_days"
                },
            ),
        );
        return (None, diags);
    }
    let opens_field = if c.opens.is_some() {
        "opens"
    } else {
        "published"
    };
    let cal_err = |e: crate::calendar::CalendarError, diags: &mut Vec<Diagnostic>| {
        diags.push(r.diag_at(
            Diagnostic::error(Code::CalendarUncovered, &r.source, e.to_string())
                .hint("在国务院办公厅公布该年度节假日安排后，把它添加到站点的 calendar/ 目录（格式见 data/holidays/README.md）。"),
            opens_field,
        ));
    };
    let close_date = match close_of(cal, open_date, length) {
        Ok(d) => d,
        Err(e) => {
            cal_err(e, &mut diags);
            return (None, diags);
        }
    };
    let min_close = match close_of(cal, open_date, min) {
        Ok(d) => d,
        Err(e) => {
            cal_err(e, &mut diags);
            return (None, diags);
        }
    };
    let computed_close = match crate::calendar::close_instant(close_date, tz) {
        Ok(t) => t,
        Err(e) => {
            cal_err(e, &mut diags);
            return (None, diags);
        }
    };
    let mut closes = computed_close;
    let mut final_close_date = close_date;
    if let Some(explicit) = c.closes {
        if explicit < computed_close {
            diags.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::ConsultationClosesEarly,
                        &r.source,
                        "截止时间早于按征集期限计算的截止时间",
                    ),
                    "closes",
                )
                .expected(format!("不早于{}", datetime_text(computed_close, tz)))
                .found(datetime_text(explicit, tz))
                .hint("删除 closes 让系统按期限计算，或把它改到计算出的截止时间之后。"),
            );
        } else {
            closes = explicit;
            final_close_date = last_day(explicit, tz);
            // The notice states the real window, not the one the close was checked against.
            let working_days = match cal.working_days_between(open_date, final_close_date) {
                Ok(n) => n,
                Err(e) => {
                    cal_err(e, &mut diags);
                    return (None, diags);
                }
            };
            let days = u32::try_from((final_close_date - open_date).get_days()).unwrap_or(0);
            length = if counts_days {
                Length::Both { days, working_days }
            } else {
                Length::WorkingDays(working_days)
            };
        }
    }
    if final_close_date < min_close
        && c.shortened_reason
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    {
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::ConsultationWindowShort,
                    &r.source,
                    format!(
                        "征集期限{}少于“{}”的最短期限{}",
                        length.text(),
                        c.decision_type,
                        min.text()
                    ),
                ),
                if c.window_days.is_some() {
                    "window_days"
                } else {
                    "window_working_days"
                },
            )
            .expected(format!(
                "不少于{}（截至{}24:00）",
                min.text(),
                date_text(min_close)
            ))
            .found(format!(
                "{}（截至{}24:00）",
                length.text(),
                date_text(final_close_date)
            ))
            .hint("延长期限；确需缩短的，请在 shortened_reason 中写明理由，理由将在公告中公开。"),
        );
    }
    if let Some(norm) = thirty.filter(|_| {
        c.shortened_reason
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    }) {
        let thirty = open_date
            .checked_add(jiff::Span::new().days(30))
            .unwrap_or(open_date);
        if final_close_date < thirty {
            let field = if c.closes.is_some() {
                "closes"
            } else if c.window_working_days.is_some() {
                "window_working_days"
            } else if c.window_days.is_some() {
                "window_days"
            } else {
                opens_field
            };
            diags.push(
                r.diag_at(
                    Diagnostic::warning(
                        Code::ConsultationUnder30Days,
                        &r.source,
                        format!("{}的征求意见期限少于30日", c.decision_type),
                    ),
                    field,
                )
                .hint(format!(
                    "{norm}；因情况紧急等原因需要缩短的，应当在 shortened_reason 中说明。"
                )),
            );
        }
    }
    (
        Some(Window {
            opens,
            open_date,
            length,
            close_date: final_close_date,
            closes,
        }),
        diags,
    )
}

/// The window of a consultation held before the site (`historical: true`): only when both
/// `opens` and `closes` were entered (nothing is derived from `published` or a minimum
/// length), its real length; a window shorter than the type's minimum is a warning, since
/// the past cannot be corrected.
fn historical_window(
    cal: &Calendar,
    config: &Config,
    tz: &TimeZone,
    r: &Record,
    c: &Consultation,
) -> (Option<Window>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (Some(opens), Some(closes)) = (c.opens, c.closes) else {
        return (None, diags);
    };
    let open_date = opens.to_zoned_datetime(tz.clone()).date();
    let close_date = last_day(closes, tz);
    if close_date < open_date {
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::ConsultationHistoricalDates,
                    &r.source,
                    "截止时间早于征集开始时间",
                ),
                "closes",
            )
            .found(format!(
                "{}开始，{}截止",
                datetime_text(opens, tz),
                datetime_text(closes, tz)
            ))
            .hint("请按原公告核对 opens 和 closes。"),
        );
        return (None, diags);
    }
    let working_days = match cal.working_days_between(open_date, close_date) {
        Ok(n) => n,
        // A year the calendar does not cover: the dates are shown as entered, unchecked.
        Err(_) => return (None, diags),
    };
    let days = u32::try_from((close_date - open_date).get_days()).unwrap_or(0);
    let rule = config.consultation.types.get(&c.decision_type);
    let counts_days =
        rule.is_some_and(|r| r.min_days.is_some()) || thirty_day_norm(&c.decision_type).is_some();
    let length = if counts_days {
        Length::Both { days, working_days }
    } else {
        Length::WorkingDays(working_days)
    };
    let min = rule.map(min_length).unwrap_or(Length::WorkingDays(7));
    let short = match min {
        Length::Days(n) => days < n,
        _ => min.working_days().is_some_and(|n| working_days < n),
    };
    if short
        && c.shortened_reason
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    {
        let type_name = if c.decision_type.trim().is_empty() {
            "意见征集".to_string()
        } else {
            format!("“{}”", c.decision_type)
        };
        diags.push(
            r.diag_at(
                Diagnostic::warning(
                    Code::ConsultationHistoricalWindowShort,
                    &r.source,
                    format!(
                        "按录入的日期，这次征集的期限为{}，少于{type_name}的最短期限{}",
                        length.text(),
                        min.text()
                    ),
                ),
                "closes",
            )
            .expected(format!("不少于{}", min.text()))
            .found(format!(
                "{}至{}",
                datetime_text(opens, tz),
                datetime_text(closes, tz)
            ))
            .hint("这是本站上线前的征集，期限已无法更改：请核对 opens 和 closes 是否与原公告一致；原公告说明过缩短理由的，写入 shortened_reason。"),
        );
    }
    (
        Some(Window {
            opens,
            open_date,
            length,
            close_date,
            closes,
        }),
        diags,
    )
}

/// The state at `now`.
///
/// The outcome counts from 00:00 of its `published` date in the site's time zone: an outcome
/// dated after the build clock is not published yet, so the consultation stays 征集已结束
/// until that day.
pub fn state(c: &Consultation, w: &Window, now: Timestamp, tz: &TimeZone) -> State {
    let today = now.to_zoned_datetime(tz.clone()).date();
    if c.historical {
        // Held before the site: never open here, whatever the dates.
        state_without_window(c)
    } else if c.withdrawn.is_some() {
        State::Withdrawn
    } else if c.outcome.as_ref().is_some_and(|o| o.published <= today) && now >= w.closes {
        State::Concluded
    } else if now < w.opens {
        State::Upcoming
    } else if now < w.closes {
        State::Open
    } else {
        State::Closed
    }
}
