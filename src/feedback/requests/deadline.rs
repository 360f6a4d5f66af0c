//! The reply deadline of a request, on the official working-day calendar.
//!
//! Our reading of the 条例 (2019 text), which `docs/feedback.md` repeats for staff:
//!
//! - **Art. 31** fixes the day a request counts as received (当面: the day handed in; 邮寄:
//!   the day signed for, or for an ordinary letter the day confirmed with the applicant;
//!   网上/传真: the day both sides confirmed). The receiver records the day an online request
//!   arrived; staff correct it with a later 收到 event before anything else happens.
//! - **Art. 33 ¶1**: 答复 "自收到申请之日起20个工作日内". The day of receipt is not counted
//!   (民法典 Art. 201: a period in days starts the next day), so the due day is the 20th
//!   working day after it: [`Calendar::close_date`]`(received, 20)`.
//! - **Art. 30**: "答复期限自行政机关收到补正的申请之日起计算". The time from the 补正 notice
//!   to the supplement is not counted: the period counts again from the day the supplement
//!   arrived (20 working days after it). The text starts the period from the supplement; it
//!   does not resume a paused count, so the days before the notice are not carried over.
//!   While a supplement is awaited there is no due day.
//! - **Art. 33 ¶2**: an extension needs the approval of the head of the 政府信息公开工作机构
//!   and adds at most 20 working days, counted from the day after the original due day. It
//!   must be approved by the due day, and a request is extended once.
//! - **Art. 33 ¶3**: "行政机关征求第三方和其他机关意见所需时间不计算在前款规定的期限内".
//!   Unlike a 补正, the period is not started again: the count stops on the day the letter
//!   asking for the opinion (Art. 32: to a third party whose interests disclosure may harm;
//!   or to another agency) is sent — that day still counts — and resumes the day after the
//!   answer arrives, with the working days already used carried over. Consultations may
//!   follow one another, never overlap. Art. 32 gives the third party 15 working days from the
//!   day it received the letter: a consultation longer than that from the day sent is noted
//!   (the letter's delivery time is not known here), never refused.

use jiff::civil::Date;

use super::model::{Event, EventKind};
use crate::calendar::{Calendar, CalendarError};

/// Working days to answer (条例第三十三条第一款).
pub const REPLY_WORKING_DAYS: u32 = 20;
/// Working days an extension adds at most (条例第三十三条第二款).
pub const MAX_EXTENSION_DAYS: u32 = 20;
/// Working days to ask for a supplement (条例第三十条).
pub const SUPPLEMENT_NOTICE_DAYS: u32 = 7;
/// Working days a third party has to answer (条例第三十二条).
pub const THIRD_PARTY_DAYS: u32 = 15;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// 办理中 — counting towards the due day.
    Pending,
    /// 待补正 — the clock is stopped until the supplement arrives.
    AwaitingSupplement,
    /// 已延期 — counting towards the extended due day.
    Extended,
    /// 已答复.
    Replied,
    /// 征求意见中 — the clock is stopped until the third party's (or agency's) answer.
    AwaitingThirdParty,
}

impl State {
    pub fn label_zh(self) -> &'static str {
        match self {
            State::Pending => "办理中",
            State::AwaitingSupplement => "待补正",
            State::Extended => "已延期",
            State::Replied => "已答复",
            State::AwaitingThirdParty => "征求意见中",
        }
    }
}

/// A request's dates, derived from its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// 收到申请之日 (the last 收到 event).
    pub received: Date,
    /// The day the period counts from: `received`, the day the supplement arrived, or the
    /// day a consultation's answer arrived (None while the clock is stopped).
    pub counted_from: Option<Date>,
    /// Working days of the period already used before `counted_from` (the days before a
    /// consultation, 条例第三十三条第三款); 0 when the period runs from its start.
    pub days_used: u32,
    /// The open consultation: the day its letter was sent.
    pub consulting_since: Option<Date>,
    /// Working days not counted because of consultations (closed ones).
    pub consultation_days: u32,
    /// The due day before any extension (None while a supplement is awaited).
    pub original_due: Option<Date>,
    /// The due day now (with the extension).
    pub due: Option<Date>,
    pub extension_days: u32,
    pub state: State,
    pub replied: Option<Date>,
    /// Things staff should know that do not stop the record (a late 补正 notice).
    pub notes: Vec<String>,
}

impl Timeline {
    /// Replied after the due day.
    pub fn replied_late(&self) -> bool {
        matches!((self.replied, self.due), (Some(r), Some(d)) if r > d)
    }
}

/// Why a log of events cannot be a request's (zh-CN, says what to do), or the calendar
/// cannot answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineError {
    /// The event at this index (0-based) does not fit what came before.
    Order {
        index: usize,
        message: String,
    },
    Calendar(CalendarError),
}

impl std::fmt::Display for DeadlineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeadlineError::Order { message, .. } => f.write_str(message),
            DeadlineError::Calendar(e) => write!(
                f,
                "无法计算答复期限：{e}（可在站点的 calendar/ 目录补充该年度的节假日安排）"
            ),
        }
    }
}

impl From<CalendarError> for DeadlineError {
    fn from(e: CalendarError) -> Self {
        DeadlineError::Calendar(e)
    }
}

/// Replays `events` (in the order recorded) into the request's dates and state; refuses a
/// log whose events do not follow the rules above.
pub fn timeline(cal: &Calendar, events: &[Event]) -> Result<Timeline, DeadlineError> {
    let order = |index: usize, message: String| DeadlineError::Order { index, message };
    let Some(first) = events.first() else {
        return Err(order(0, "申请没有“收到”记录".into()));
    };
    if first.kind != EventKind::Received {
        return Err(order(0, "第一条记录应是“收到”".into()));
    }
    let mut t = Timeline {
        received: first.date,
        counted_from: Some(first.date),
        days_used: 0,
        consulting_since: None,
        consultation_days: 0,
        original_due: None,
        due: None,
        extension_days: 0,
        state: State::Pending,
        replied: None,
        notes: Vec::new(),
    };
    let mut supplement_asked: Option<Date> = None;
    // The state a consultation interrupted (办理中 or 已延期), restored by its answer.
    let mut before_consultation = State::Pending;
    let mut prev = first.date;
    let mut only_received = true;
    for (i, e) in events.iter().enumerate().skip(1) {
        if t.state == State::Replied {
            return Err(order(i, "该申请已答复，不能再记录其他环节".into()));
        }
        if e.kind == EventKind::Received {
            if !only_received {
                return Err(order(i, "“收到”日期只能在记录其他环节之前更正".into()));
            }
            // Correcting the day of receipt (条例第三十一条) may move it either way.
            t.received = e.date;
            t.counted_from = Some(e.date);
            prev = e.date;
            continue;
        }
        only_received = false;
        if e.date < prev {
            return Err(order(
                i,
                format!(
                    "“{}”的日期 {} 早于上一环节的日期 {}，请核对日期",
                    e.kind, e.date, prev
                ),
            ));
        }
        prev = e.date;
        match e.kind {
            EventKind::Received => {}
            EventKind::SupplementRequested => {
                if t.days_used > 0 || t.consulting_since.is_some() {
                    return Err(order(
                        i,
                        "已征求过意见，不能再告知补正：补正应在收到申请后 7 个工作日内一次性告知（条例第三十条）".into(),
                    ));
                }
                if t.state != State::Pending || supplement_asked.is_some() {
                    return Err(order(
                        i,
                        "只能在办理中、延期之前告知补正一次（条例第三十条：一次性告知）".into(),
                    ));
                }
                let limit = cal.close_date(t.received, SUPPLEMENT_NOTICE_DAYS)?;
                if e.date > limit {
                    t.notes.push(format!(
                        "补正告知日期 {} 晚于收到申请后第 {SUPPLEMENT_NOTICE_DAYS} 个工作日（{limit}），条例第三十条要求 7 个工作日内告知",
                        e.date
                    ));
                }
                supplement_asked = Some(e.date);
                t.state = State::AwaitingSupplement;
                t.counted_from = None;
            }
            EventKind::SupplementReceived => {
                if t.state != State::AwaitingSupplement {
                    return Err(order(i, "没有待补正的告知，不能记录“补正收到”".into()));
                }
                t.state = State::Pending;
                t.counted_from = Some(e.date);
                t.days_used = 0;
            }
            EventKind::ThirdPartyAsked => {
                if !matches!(t.state, State::Pending | State::Extended) {
                    let why = match t.state {
                        State::AwaitingSupplement => {
                            "待补正期间不计算答复期限，请在收到补正后再记录征求意见"
                        }
                        _ => "上一次征求意见还没有记录“收到第三方意见”，请先记录",
                    };
                    return Err(order(i, why.into()));
                }
                let due = due_from(cal, &t)?;
                if e.date > due {
                    return Err(order(
                        i,
                        format!(
                            "征求意见的日期 {} 已超过答复期限 {due}：期限届满后征求意见不能中止计算（条例第三十三条第三款）",
                            e.date
                        ),
                    ));
                }
                let from = t.counted_from.unwrap_or(t.received);
                if t.days_used < REPLY_WORKING_DAYS {
                    t.original_due = Some(after(cal, from, REPLY_WORKING_DAYS - t.days_used)?);
                }
                t.days_used += cal.working_days_between(from, e.date)?;
                before_consultation = t.state;
                t.state = State::AwaitingThirdParty;
                t.counted_from = None;
                t.consulting_since = Some(e.date);
            }
            EventKind::ThirdPartyAnswered => {
                let Some(since) = t
                    .consulting_since
                    .filter(|_| t.state == State::AwaitingThirdParty)
                else {
                    return Err(order(
                        i,
                        "没有正在征求的意见，不能记录“收到第三方意见”".into(),
                    ));
                };
                let days = cal.working_days_between(since, e.date)?;
                if days > THIRD_PARTY_DAYS {
                    t.notes.push(format!(
                        "征求意见自 {since} 发出至 {} 收到意见共 {days} 个工作日，超过第三方提出意见的 {THIRD_PARTY_DAYS} 个工作日（条例第三十二条，自第三方收到征求意见书之日起算）：请核对第三方收到的日期；第三方逾期未提出意见的，由本机关依照条例决定是否公开",
                        e.date
                    ));
                }
                t.consultation_days += days;
                t.consulting_since = None;
                t.state = before_consultation;
                t.counted_from = Some(e.date);
            }
            EventKind::Extended => {
                if t.state != State::Pending {
                    let why = match t.state {
                        State::AwaitingSupplement => "待补正期间不计算答复期限，无需延期",
                        State::AwaitingThirdParty => {
                            "征求意见期间不计算答复期限，请在收到意见后再决定是否延期"
                        }
                        _ => "答复期限只能延长一次（条例第三十三条第二款）",
                    };
                    return Err(order(i, why.into()));
                }
                let days = e.days.unwrap_or(0);
                if days == 0 || days > MAX_EXTENSION_DAYS {
                    return Err(order(
                        i,
                        format!("延期天数应为 1 到 {MAX_EXTENSION_DAYS} 个工作日（条例第三十三条第二款），现为 {days}"),
                    ));
                }
                if e.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(order(i, "延期须写明理由（--reason）".into()));
                }
                let due = due_from(cal, &t)?;
                if e.date > due {
                    return Err(order(
                        i,
                        format!(
                            "延期批准日期 {} 已超过答复期限 {due}：延期须在期限届满前批准并告知申请人",
                            e.date
                        ),
                    ));
                }
                t.extension_days = days;
                t.state = State::Extended;
            }
            EventKind::Replied => {
                if e.category.is_none() {
                    return Err(order(i, "答复须注明办理结果类别（--category）".into()));
                }
                t.replied = Some(e.date);
                // While the clock is stopped (补正, consultation) a reply cannot be late.
                if t.counted_from.is_some() {
                    t.due = Some(due_from(cal, &t)?);
                }
                t.state = State::Replied;
            }
        }
    }
    if t.counted_from.is_some() && t.due.is_none() {
        t.due = Some(due_from(cal, &t)?);
    }
    if let Some(from) = t.counted_from {
        // Past the 20th day before a consultation: `original_due` was fixed when it began.
        if t.days_used < REPLY_WORKING_DAYS {
            t.original_due = Some(after(cal, from, REPLY_WORKING_DAYS - t.days_used)?);
        }
    }
    Ok(t)
}

/// The `n`-th working day after `from`; `from` itself when `n` is 0 (a consultation sent on
/// the due day leaves nothing: the reply is due the day its answer arrives).
fn after(cal: &Calendar, from: Date, n: u32) -> Result<Date, CalendarError> {
    if n == 0 {
        Ok(from)
    } else {
        cal.close_date(from, n)
    }
}

/// The due day for the period counted from `t.counted_from`, after `t.days_used` days
/// already used, with `t.extension_days`. Counting 20 + N working days at once is the same
/// day as counting N after the 20th.
fn due_from(cal: &Calendar, t: &Timeline) -> Result<Date, DeadlineError> {
    let from = t.counted_from.unwrap_or(t.received);
    let total = REPLY_WORKING_DAYS + t.extension_days;
    Ok(after(cal, from, total.saturating_sub(t.days_used))?)
}

/// How a request stands against `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// Not replied, due day passed.
    Overdue { days_late: u32 },
    /// Not replied; working days left, today included when a working day.
    Due { working_days_left: u32 },
    /// Not replied; the clock is stopped for a consultation sent this many working days ago.
    Consulting { working_days: u32 },
    /// Nothing to count (replied, or awaiting a supplement).
    None,
}

pub fn urgency(cal: &Calendar, t: &Timeline, today: Date) -> Result<Urgency, CalendarError> {
    if t.state == State::Replied {
        return Ok(Urgency::None);
    }
    if let Some(since) = t.consulting_since {
        return Ok(Urgency::Consulting {
            working_days: cal.working_days_between(since, today)?,
        });
    }
    let Some(due) = t.due else {
        return Ok(Urgency::None);
    };
    if today > due {
        return Ok(Urgency::Overdue {
            days_late: cal.working_days_between(due, today)?,
        });
    }
    Ok(Urgency::Due {
        working_days_left: cal.working_days_left(today, due)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::requests::model::ReplyCategory;
    use jiff::civil::date;

    fn ev(kind: EventKind, d: Date) -> Event {
        Event::new(kind, d)
    }

    fn due_of(events: &[Event]) -> Option<Date> {
        timeline(&Calendar::builtin(), events)
            .ok()
            .and_then(|t| t.due)
    }

    #[test]
    fn across_spring_festival_and_an_adjusted_saturday() {
        // 2026-02-06 (Fri): 9–13 Feb (5), Sat 14 Feb 调休上班 (6), 15–23 Feb 春节, 24–27 Feb
        // (10), Sat 28 Feb 调休上班 (11), 2–6 Mar (16), 9–12 Mar (20).
        let r = [ev(EventKind::Received, date(2026, 2, 6))];
        assert_eq!(due_of(&r), Some(date(2026, 3, 12)));
    }

    #[test]
    fn across_the_year_end() {
        // 2025-12-19 (Fri): 22–31 Dec (8), 1–3 Jan 元旦, Sun 4 Jan 调休上班 (9), 5–9 Jan (14),
        // 12–16 Jan (19), Mon 19 Jan (20).
        let r = [ev(EventKind::Received, date(2025, 12, 19))];
        assert_eq!(due_of(&r), Some(date(2026, 1, 19)));
    }

    #[test]
    fn the_day_of_receipt_is_not_counted() {
        // Received on a Saturday or on a Monday: the count starts the next day either way.
        let sat = [ev(EventKind::Received, date(2026, 3, 7))];
        let mon = [ev(EventKind::Received, date(2026, 3, 9))];
        // From Mon 9 Mar: 10–13 (4), 16–20 (9), 23–27 (14), 30 Mar–3 Apr (19), 4–6 Apr 清明,
        // Tue 7 Apr (20).
        assert_eq!(due_of(&mon), Some(date(2026, 4, 7)));
        // From Sat 7 Mar: 9–13 (5), 16–20 (10), 23–27 (15), 30 Mar–3 Apr (20).
        assert_eq!(due_of(&sat), Some(date(2026, 4, 3)));
    }

    #[test]
    fn a_supplement_stops_the_clock_and_restarts_it() {
        let mut log = vec![
            ev(EventKind::Received, date(2026, 3, 2)),
            ev(EventKind::SupplementRequested, date(2026, 3, 5)),
        ];
        let cal = Calendar::builtin();
        let t = timeline(&cal, &log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.state, State::AwaitingSupplement);
        assert_eq!(t.due, None);
        assert_eq!(
            urgency(&cal, &t, date(2026, 12, 1)).ok(),
            Some(Urgency::None)
        );
        // Supplement on Fri 20 Mar: 23–27 (5), 30 Mar–3 Apr (10), 4–6 Apr 清明, 7–10 Apr (14),
        // 13–17 Apr (19), Mon 20 Apr (20).
        log.push(ev(EventKind::SupplementReceived, date(2026, 3, 20)));
        let t = timeline(&cal, &log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.state, State::Pending);
        assert_eq!(t.counted_from, Some(date(2026, 3, 20)));
        assert_eq!(t.due, Some(date(2026, 4, 20)));
        assert!(t.notes.is_empty());
    }

    #[test]
    fn a_late_supplement_notice_is_noted() {
        // 7 working days after Mon 2 Mar is Wed 11 Mar; a notice on 12 Mar is late.
        let log = [
            ev(EventKind::Received, date(2026, 3, 2)),
            ev(EventKind::SupplementRequested, date(2026, 3, 12)),
        ];
        let t = timeline(&Calendar::builtin(), &log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.notes.len(), 1);
        assert!(t.notes[0].contains("2026-03-11"), "{:?}", t.notes);
    }

    fn extension(d: Date, days: u32) -> Event {
        Event {
            days: Some(days),
            reason: Some("需调取档案".into()),
            ..ev(EventKind::Extended, d)
        }
    }

    #[test]
    fn an_extension_adds_at_most_twenty_working_days() {
        let cal = Calendar::builtin();
        // Tue 1 Sep 2026: 2–4 (3), 7–11 (8), 14–18 (13), Sun 20 Sep 调休上班 (14), 21–24 (18),
        // 25–27 中秋, Mon 28 (19), Tue 29 Sep (20).
        let received = ev(EventKind::Received, date(2026, 9, 1));
        assert_eq!(
            due_of(std::slice::from_ref(&received)),
            Some(date(2026, 9, 29))
        );
        // +20 from 29 Sep: 30 Sep (1), 1–7 Oct 国庆, 8–9 Oct (3), Sat 10 Oct 调休上班 (4),
        // 12–16 (9), 19–23 (14), 26–30 (19), Mon 2 Nov (20).
        let log = [received.clone(), extension(date(2026, 9, 25), 20)];
        let t = timeline(&cal, &log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.state, State::Extended);
        assert_eq!(t.original_due, Some(date(2026, 9, 29)));
        assert_eq!(t.due, Some(date(2026, 11, 2)));
        // 21 days, none, or approved after the due day: refused.
        for bad in [
            extension(date(2026, 9, 25), 21),
            extension(date(2026, 9, 25), 0),
            extension(date(2026, 9, 30), 10),
        ] {
            let r = timeline(&cal, &[received.clone(), bad]);
            assert!(
                matches!(r, Err(DeadlineError::Order { index: 1, .. })),
                "{r:?}"
            );
        }
        // Twice: refused.
        let twice = [
            received.clone(),
            extension(date(2026, 9, 25), 5),
            extension(date(2026, 9, 28), 5),
        ];
        assert!(timeline(&cal, &twice).is_err());
    }

    #[test]
    fn replies_close_the_log_and_may_be_late() {
        let cal = Calendar::builtin();
        let reply = |d: Date| Event {
            category: Some(ReplyCategory::Disclosed),
            fee: Some("0".into()),
            ..ev(EventKind::Replied, d)
        };
        let log = [
            ev(EventKind::Received, date(2026, 2, 6)),
            reply(date(2026, 3, 13)),
        ];
        let t = timeline(&cal, &log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.state, State::Replied);
        assert!(t.replied_late());
        let on_time = [
            ev(EventKind::Received, date(2026, 2, 6)),
            reply(date(2026, 3, 12)),
        ];
        let t = timeline(&cal, &on_time).unwrap_or_else(|e| panic!("{e}"));
        assert!(!t.replied_late());
        // Nothing after a reply; no reply without its category; no date going back.
        let after = [
            ev(EventKind::Received, date(2026, 2, 6)),
            reply(date(2026, 3, 12)),
            ev(EventKind::SupplementRequested, date(2026, 3, 13)),
        ];
        assert!(timeline(&cal, &after).is_err());
        let bare = [
            ev(EventKind::Received, date(2026, 2, 6)),
            ev(EventKind::Replied, date(2026, 3, 12)),
        ];
        assert!(timeline(&cal, &bare).is_err());
        let back = [
            ev(EventKind::Received, date(2026, 2, 6)),
            reply(date(2026, 2, 5)),
        ];
        assert!(timeline(&cal, &back).is_err());
    }

    #[test]
    fn overdue_and_days_left() {
        let cal = Calendar::builtin();
        let t = timeline(&cal, &[ev(EventKind::Received, date(2026, 2, 6))])
            .unwrap_or_else(|e| panic!("{e}"));
        // Due Thu 12 Mar: on Tue 10 Mar three working days are left (10, 11, 12).
        assert_eq!(
            urgency(&cal, &t, date(2026, 3, 10)).ok(),
            Some(Urgency::Due {
                working_days_left: 3
            })
        );
        // On Mon 16 Mar it is two working days late (13, 16).
        assert_eq!(
            urgency(&cal, &t, date(2026, 3, 16)).ok(),
            Some(Urgency::Overdue { days_late: 2 })
        );
    }

    #[test]
    fn an_uncovered_year_is_an_error_not_a_guess() {
        let r = timeline(
            &Calendar::builtin(),
            &[ev(EventKind::Received, date(2026, 12, 20))],
        );
        assert!(matches!(r, Err(DeadlineError::Calendar(_))), "{r:?}");
    }

    fn asked(d: Date) -> Event {
        Event {
            reason: Some("某公司（第三方）".into()),
            ..ev(EventKind::ThirdPartyAsked, d)
        }
    }

    #[test]
    fn a_consultation_pauses_the_count_across_spring_festival() {
        let cal = Calendar::builtin();
        // Received Mon 2 Feb 2026; letter sent Fri 6 Feb: 4 working days used (3–6 Feb).
        let mut log = vec![
            ev(EventKind::Received, date(2026, 2, 2)),
            asked(date(2026, 2, 6)),
        ];
        let t = timeline(&cal, &log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.state, State::AwaitingThirdParty);
        assert_eq!((t.due, t.days_used), (None, 4));
        // Without it the reply was due Fri 6 Mar (3–6 Feb, 9–13, Sat 14 调休, 24–27, Sat 28
        // 调休, 2–6 Mar).
        assert_eq!(t.original_due, Some(date(2026, 3, 6)));
        // On Thu 5 Mar, 15 working days since the letter (9–13, Sat 14, 24–27, Sat 28, 2–5):
        // not yet past the third party's 15.
        assert_eq!(
            urgency(&cal, &t, date(2026, 3, 5)).ok(),
            Some(Urgency::Consulting { working_days: 15 })
        );
        // The answer arrives Thu 5 Mar: 16 days remain from Fri 6 Mar (6, 9–13, 16–20,
        // 23–27) → Fri 27 Mar, the old due day moved by the 15 paused days.
        log.push(ev(EventKind::ThirdPartyAnswered, date(2026, 3, 5)));
        let t = timeline(&cal, &log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.state, State::Pending);
        assert_eq!(t.due, Some(date(2026, 3, 27)));
        assert_eq!(t.original_due, Some(date(2026, 3, 27)));
        assert_eq!(t.consultation_days, 15);
        assert!(t.notes.is_empty(), "{:?}", t.notes);
    }

    #[test]
    fn a_consultation_pauses_the_count_across_the_year_end() {
        let cal = Calendar::builtin();
        // Received Mon 1 Dec 2025, letter Fri 12 Dec (9 used: 2–5, 8–12), answer Wed 7 Jan
        // 2026 (17 paused: 15–19, 22–26, 29–31, 1–3 Jan 元旦, Sun 4 Jan 调休, 5–7 Jan);
        // 11 remain: 8–9, 12–16, 19–22 Jan → Thu 22 Jan.
        let log = [
            ev(EventKind::Received, date(2025, 12, 1)),
            asked(date(2025, 12, 12)),
            ev(EventKind::ThirdPartyAnswered, date(2026, 1, 7)),
        ];
        let t = timeline(&cal, &log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.due, Some(date(2026, 1, 22)));
        assert_eq!((t.days_used, t.consultation_days), (9, 17));
        // Longer than the third party's 15 working days: noted, not refused.
        assert_eq!(t.notes.len(), 1, "{:?}", t.notes);
        assert!(t.notes[0].contains("17 个工作日"), "{:?}", t.notes);
    }

    #[test]
    fn a_consultation_after_an_extension_moves_the_extended_day() {
        let cal = Calendar::builtin();
        // Received Tue 1 Sep 2026: due 29 Sep, +20 → Mon 2 Nov. Letter Fri 9 Oct (23 used:
        // 20 to 29 Sep, 30 Sep, 8–9 Oct), answer Mon 19 Oct (7 paused: Sat 10 Oct 调休, 12–16,
        // 19); 17 remain: 20–23, 26–30, 2–6 Nov, 9–11 → Wed 11 Nov.
        let log = [
            ev(EventKind::Received, date(2026, 9, 1)),
            extension(date(2026, 9, 25), 20),
            asked(date(2026, 10, 9)),
            ev(EventKind::ThirdPartyAnswered, date(2026, 10, 19)),
        ];
        let t = timeline(&cal, &log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.state, State::Extended);
        assert_eq!(t.original_due, Some(date(2026, 9, 29)));
        assert_eq!(t.due, Some(date(2026, 11, 11)));
        assert_eq!(t.days_used, 23);
    }

    #[test]
    fn consultations_follow_one_another_and_keep_their_rules() {
        let cal = Calendar::builtin();
        let received = ev(EventKind::Received, date(2026, 3, 2));
        // Sent on the due day (Mon 30 Mar: 3–6, 9–13, 16–20, 23–27, 30): nothing remains,
        // the reply is due the day the answer arrives.
        let on_due = [
            received.clone(),
            asked(date(2026, 3, 30)),
            ev(EventKind::ThirdPartyAnswered, date(2026, 4, 8)),
        ];
        let t = timeline(&cal, &on_due).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.due, Some(date(2026, 4, 8)));
        // Two in turn: Tue 3 Mar → Fri 6 Mar (3 paused: 4–6), Tue 10 Mar → Thu 12 Mar (2:
        // 11–12). 20 + 5 working days after 2 Mar: 30 Mar + 5 (31, 1–3 Apr, 4–6 清明, 7 Apr).
        let two = [
            received.clone(),
            asked(date(2026, 3, 3)),
            ev(EventKind::ThirdPartyAnswered, date(2026, 3, 6)),
            asked(date(2026, 3, 10)),
            ev(EventKind::ThirdPartyAnswered, date(2026, 3, 12)),
        ];
        let t = timeline(&cal, &two).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.due, Some(date(2026, 4, 7)));
        assert_eq!(t.consultation_days, 5);
        // A reply while consulting closes the log and cannot be late.
        let reply = Event {
            category: Some(ReplyCategory::ThirdParty),
            ..ev(EventKind::Replied, date(2026, 6, 1))
        };
        let t = timeline(&cal, &[received.clone(), asked(date(2026, 3, 3)), reply])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.state, t.due), (State::Replied, None));
        assert!(!t.replied_late());
        // Refused: an answer with nothing asked; two open at once; a letter after the due
        // day; an extension while consulting; a 补正 notice after a consultation; a
        // consultation while a supplement is awaited.
        let refused: [&[Event]; 6] = [
            &[
                received.clone(),
                ev(EventKind::ThirdPartyAnswered, date(2026, 3, 5)),
            ],
            &[
                received.clone(),
                asked(date(2026, 3, 3)),
                asked(date(2026, 3, 4)),
            ],
            &[received.clone(), asked(date(2026, 3, 31))],
            &[
                received.clone(),
                asked(date(2026, 3, 3)),
                extension(date(2026, 3, 4), 5),
            ],
            &[
                received.clone(),
                asked(date(2026, 3, 3)),
                ev(EventKind::ThirdPartyAnswered, date(2026, 3, 4)),
                ev(EventKind::SupplementRequested, date(2026, 3, 5)),
            ],
            &[
                received.clone(),
                ev(EventKind::SupplementRequested, date(2026, 3, 3)),
                asked(date(2026, 3, 4)),
            ],
        ];
        for log in refused {
            let r = timeline(&cal, log);
            assert!(
                matches!(r, Err(DeadlineError::Order { index, .. }) if index == log.len() - 1),
                "{log:?}: {r:?}"
            );
        }
    }
}
