//! 日历命令输出 — the text of `gongshi calendar DATE [+N]`: argument parsing and reports (pure;
//! `main` prints them).
//!
//! Output of `gongshi calendar 2017-09-18 +7` (line 1 is always the bare close date, so scripts
//! can read it with `head -n1`):
//!
//! ```text
//! 2017-09-27
//! 自2017年9月18日起计算7个工作日（当日不计入），截至2017年9月27日24:00。
//! 计入的工作日（7天）：
//!   2017-09-19 星期二
//!   …
//! 跳过的休息日（2天）：
//!   2017-09-23 星期六 周末
//!   2017-09-24 星期日 周末
//! 节假日安排依据：
//!   国务院办公厅关于2017年部分节假日安排的通知（国办发明电〔2016〕17号）
//! ```

use super::{date_zh, load::parse_iso_date, Calendar, CalendarError, DayInfo, DayKind, Origin};
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The largest window the command accepts, in days (ten years).
pub(crate) const MAX_DAYS: u32 = 3660;

/// 期限 — the `+N` argument: working days (`+7`, `+7工作日`) or calendar days (`+30天`, `+30d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Offset {
    /// N个工作日.
    WorkingDays(u32),
    /// N日 (natural days), closing on the next working day if the last day is a day off.
    CalendarDays(u32),
}

/// Parse a date argument: `2017-09-18` (also `2017/09/18`, `2017.09.18`, `2017年9月18日`).
/// Errors are zh-CN sentences.
pub(crate) fn parse_cli_date(s: &str) -> Result<Date, String> {
    let t = s.trim();
    if let Some(rest) = t.strip_suffix('日') {
        if let Some((y, md)) = rest.split_once('年') {
            if let Some((m, d)) = md.split_once('月') {
                let iso = format!("{y:0>4}-{m:0>2}-{d:0>2}");
                return parse_iso_date(&iso).map_err(|why| format!("无法识别日期“{t}”：{why}"));
            }
        }
    }
    // 2017/09/18 and 2017.09.18 are common too, and so is 2017-9-18.
    let iso = pad_date(&t.replace(['/', '.'], "-"));
    parse_iso_date(&iso)
        .map_err(|why| format!("无法识别日期“{t}”：{why}；请写成 2017-09-18 这样的形式"))
}

/// `2017-9-8` → `2017-09-08`: a one-digit month or day gets its zero (anything else is left
/// for [`parse_iso_date`] to judge).
fn pad_date(s: &str) -> String {
    let parts: Vec<&str> = s.split('-').collect();
    match parts.as_slice() {
        [y, m, d]
            if [m, d]
                .iter()
                .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            format!("{y}-{m:0>2}-{d:0>2}")
        }
        _ => s.to_string(),
    }
}

/// Parse the `+N` argument (`+` or full-width `＋`): `+7` / `7` / `+7工作日` → working days; `+30天` / `+30日` / `+30d` →
/// calendar days. N must be 1..=[`MAX_DAYS`]. Errors are zh-CN sentences.
pub(crate) fn parse_offset(s: &str) -> Result<Offset, String> {
    let t = s.trim();
    let body = t.strip_prefix(['+', '＋']).unwrap_or(t);
    let digits: String = body.chars().take_while(char::is_ascii_digit).collect();
    let unit = &body[digits.len()..];
    let make: fn(u32) -> Offset = match unit.trim() {
        "" | "wd" | "工作日" | "个工作日" => Offset::WorkingDays,
        "d" | "天" | "日" => Offset::CalendarDays,
        _ => {
            return Err(format!(
                "无法识别期限“{t}”：请写成 +7（7个工作日）或 +30天（30日）"
            ))
        }
    };
    if digits.is_empty() {
        return Err(format!(
            "无法识别期限“{t}”：请写成 +7（7个工作日）或 +30天（30日）"
        ));
    }
    let n: u32 = digits.parse().unwrap_or(u32::MAX);
    if n == 0 {
        return Err(format!("期限“{t}”无效：天数必须至少为1"));
    }
    if n > MAX_DAYS {
        return Err(format!("期限“{t}”太长：最多 {MAX_DAYS} 天"));
    }
    Ok(make(n))
}

/// The report for `DATE DATE`: the working days and natural days from the first date
/// (not counted) to the second (counted), as a window 「自A起至B」 is counted. Line 1 is the
/// two bare numbers, working days then natural days. The dates may be given in either order.
pub(crate) fn between_report(cal: &Calendar, a: Date, b: Date) -> Result<String, CalendarError> {
    let (from, to) = if a <= b { (a, b) } else { (b, a) };
    let days = cal.days_in(from, to)?;
    let natural = days.len();
    let working: Vec<&DayInfo> = days.iter().filter(|d| d.is_working()).collect();
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", working.len(), natural);
    let _ = writeln!(
        out,
        "自{}（当日不计入）至{}（计入）：{}个工作日，共{}日。",
        date_zh(from),
        date_zh(to),
        working.len(),
        natural
    );
    if a > b {
        out.push_str("（第二个日期早于第一个，已按先后顺序计算。）\n");
    }
    let _ = writeln!(out, "计入的工作日（{}天）：", working.len());
    for d in &working {
        out.push_str(&day_line(d));
    }
    let skipped: Vec<&DayInfo> = days.iter().filter(|d| !d.is_working()).collect();
    if skipped.is_empty() {
        out.push_str("休息日：无\n");
    } else {
        let _ = writeln!(out, "休息日（{}天）：", skipped.len());
        for d in &skipped {
            out.push_str(&day_line(d));
        }
    }
    sources(cal, &days, &mut out);
    provisional_note(cal, &days, &mut out);
    Ok(out)
}

/// `2017-09-30 星期六：工作日（调休上班，中秋节、国庆节）`, with a note when the day may still be
/// changed by next year's notice.
pub(crate) fn day_report(cal: &Calendar, d: Date) -> Result<String, CalendarError> {
    let info = cal.day(d)?;
    let mut out = format!("{} {}：{}\n", d, info.weekday_zh(), info.describe_zh());
    provisional_note(cal, &[info], &mut out);
    Ok(out)
}

/// The report for `DATE +offset`, either kind.
pub(crate) fn offset_report(
    cal: &Calendar,
    opened: Date,
    offset: Offset,
) -> Result<String, CalendarError> {
    match offset {
        Offset::WorkingDays(n) => window_report(cal, opened, n),
        Offset::CalendarDays(n) => calendar_days_report(cal, opened, n),
    }
}

/// The report for an N-working-day window opened on `opened`. Line 1 is the bare close date.
pub(crate) fn window_report(cal: &Calendar, opened: Date, n: u32) -> Result<String, CalendarError> {
    let w = cal.window(opened, n)?;
    let mut out = String::new();
    let _ = writeln!(out, "{}", w.close);
    let _ = writeln!(
        out,
        "自{}起计算{}个工作日（当日不计入），截至{}24:00。",
        date_zh(opened),
        n,
        date_zh(w.close)
    );
    let counted: Vec<&DayInfo> = w.counted().collect();
    let _ = writeln!(out, "计入的工作日（{}天）：", counted.len());
    for d in &counted {
        out.push_str(&day_line(d));
    }
    let skipped: Vec<&DayInfo> = w.skipped().collect();
    if skipped.is_empty() {
        out.push_str("跳过的休息日：无\n");
    } else {
        let _ = writeln!(out, "跳过的休息日（{}天）：", skipped.len());
        for d in &skipped {
            out.push_str(&day_line(d));
        }
    }
    let infos: Vec<DayInfo> = w.days.clone();
    sources(cal, &infos, &mut out);
    provisional_note(cal, &infos, &mut out);
    Ok(out)
}

/// The report for a period of N calendar days (日) opened on `opened`. Line 1 is the bare close
/// date (moved to the next working day when day N is a day off, 《民法典》第二百零三条).
pub(crate) fn calendar_days_report(
    cal: &Calendar,
    opened: Date,
    n: u32,
) -> Result<String, CalendarError> {
    let nominal = Calendar::add_calendar_days(opened, n)?;
    let close = cal.close_date_calendar_days(opened, n)?;
    let mut out = String::new();
    let _ = writeln!(out, "{close}");
    let _ = writeln!(
        out,
        "自{}起计算{}日（当日不计入），截至{}24:00。",
        date_zh(opened),
        n,
        date_zh(close)
    );
    let mut infos = vec![cal.day(nominal)?];
    if close != nominal {
        let _ = writeln!(
            out,
            "第{}日（{} {}）是{}，依《民法典》第二百零三条顺延至其后第一个工作日。",
            n,
            nominal,
            infos[0].weekday_zh(),
            infos[0].describe_zh()
        );
        infos.extend(cal.days_in(nominal, close)?);
    }
    sources(cal, &infos, &mut out);
    provisional_note(cal, &infos, &mut out);
    Ok(out)
}

/// `  2026-10-10 星期六 调休上班（国庆节）` / `  2017-09-23 星期六 周末` / `  2017-10-01 星期日 中秋节、国庆节`.
fn day_line(d: &DayInfo) -> String {
    let what = match &d.kind {
        DayKind::Weekday => String::new(),
        DayKind::Weekend => " 周末".to_string(),
        DayKind::Holiday { name } => format!(" {name}"),
        DayKind::AdjustedWorkday { name } => format!(" 调休上班（{name}）"),
    };
    format!("  {} {}{}\n", d.date, d.weekday_zh(), what)
}

/// `节假日安排依据：` and the notice titles of every arrangement year the days depend on.
fn sources(cal: &Calendar, days: &[DayInfo], out: &mut String) {
    let years: BTreeSet<i16> = days
        .iter()
        .map(|d| cal.arrangement_year_of(d.date))
        .collect();
    let mut lines = Vec::new();
    for y in years {
        let Some(a) = cal.arrangement(y) else {
            continue;
        };
        let suffix = match &a.origin {
            Origin::Builtin => String::new(),
            Origin::Site(rel) => format!("（站点文件 {rel}）"),
        };
        for s in &a.source {
            lines.push(format!("  {s}{suffix}\n"));
        }
    }
    if !lines.is_empty() {
        out.push_str("节假日安排依据：\n");
        for l in lines {
            out.push_str(&l);
        }
    }
}

/// A warning line when a day lies in late December of the newest covered year.
fn provisional_note(cal: &Calendar, days: &[DayInfo], out: &mut String) {
    if let Some(d) = days.iter().find(|d| cal.is_provisional(d.date)) {
        let next = d.date.year().saturating_add(1);
        let _ = writeln!(
            out,
            "注意：{}年12月下旬的安排可能被{}年的节假日通知调整，{}年的安排发布后请重新核对。",
            d.date.year(),
            next,
            next
        );
    }
}
