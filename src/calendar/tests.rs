//! Tests for the working-day calendar: shipped data, windows, coverage, site files, reports.

// Tests may panic (the crate denies these lints in production code only).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use super::report::{
    calendar_days_report, day_report, offset_report, parse_cli_date, parse_offset, window_report,
    Offset,
};
use super::*;
use crate::diag::Code;
use jiff::civil::date;
use proptest::prelude::*;
use std::path::Path;

static BUILTIN: std::sync::LazyLock<Result<Calendar, Vec<crate::diag::Diagnostic>>> =
    std::sync::LazyLock::new(Calendar::builtin_checked);

fn cal() -> Calendar {
    match &*BUILTIN {
        Ok(c) => c.clone(),
        Err(ds) => panic!("shipped holiday data has problems: {ds:#?}"),
    }
}

fn d(s: &str) -> Date {
    match s.parse() {
        Ok(d) => d,
        Err(e) => panic!("bad test date {s}: {e}"),
    }
}

fn working(c: &Calendar, s: &str) -> bool {
    match c.is_working_day(d(s)) {
        Ok(w) => w,
        Err(e) => panic!("{s}: {e}"),
    }
}

fn close(c: &Calendar, opened: &str, n: u32) -> Result<Date, CalendarError> {
    c.close_date(d(opened), n)
}

fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => panic!("tempdir: {e}"),
    };
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                panic!("{e}");
            }
        }
        if let Err(e) = std::fs::write(&p, text) {
            panic!("{e}");
        }
    }
    dir
}

fn load_err(root: &Path) -> Vec<crate::diag::Diagnostic> {
    match Calendar::load(root) {
        Ok(_) => panic!("expected diagnostics"),
        Err(ds) => ds,
    }
}

fn load_ok(root: &Path) -> Calendar {
    match Calendar::load(root) {
        Ok(c) => c,
        Err(ds) => panic!("unexpected diagnostics: {ds:#?}"),
    }
}

const Y2027: &str = "# 2027 (test data, not the real notice)
year: 2027
source:
  - \"国务院办公厅关于2027年部分节假日安排的通知\"
papers: []
holidays:
  - {date: \"2027-01-01\", name: \"元旦\"}  # Fri
  - {date: \"2027-01-02\", name: \"元旦\"}  # Sat
workdays:
  - {date: \"2026-12-26\", name: \"元旦\"}  # Sat
";

// ---------------------------------------------------------------- shipped data

#[test]
fn builtin_data_loads_without_problems_and_covers_2007_to_2026() {
    let c = cal();
    assert_eq!(c.covered_years(), (2007..=2026).collect::<Vec<i16>>());
    assert_eq!(c.covered_range(), Some((2007, 2026)));
    assert_eq!(Calendar::builtin(), c);
    for y in 2007..=2026 {
        let a = c.arrangement(y);
        assert!(
            a.is_some_and(|a| a.origin == Origin::Builtin && !a.source.is_empty()),
            "{y}"
        );
    }
}

#[test]
fn builtin_workdays_are_weekends_except_2020_02_03() {
    let (files, _) = load::builtin_files();
    let mut weekday_workdays = Vec::new();
    for f in &files {
        for e in &f.entries {
            let weekend = matches!(e.date.weekday(), Weekday::Saturday | Weekday::Sunday);
            if e.status == Status::Work && !weekend {
                weekday_workdays.push(e.date);
            }
        }
    }
    assert_eq!(weekday_workdays, vec![date(2020, 2, 3)]);
}

#[test]
fn builtin_years_have_a_plausible_number_of_working_days() {
    let c = cal();
    for y in 2007..=2026 {
        let after = date(y - 1, 12, 31);
        let until = date(y, 12, 31);
        // after (Dec 31 of y-1) is not counted, so only year y is needed.
        let n = match c.working_days_between(after, until) {
            Ok(n) => n,
            Err(e) => panic!("{y}: {e}"),
        };
        assert!((247..=252).contains(&n), "{y}: {n} working days");
    }
}

#[test]
fn readme_examples() {
    let c = cal();
    assert!(working(&c, "2017-09-30")); // Sat, listed under workdays
    assert!(!working(&c, "2017-10-02")); // Mon, listed under holidays
    assert!(working(&c, "2024-02-09")); // Fri, Spring Festival eve, not listed
    assert!(!working(&c, "2025-01-28")); // Tue, Spring Festival eve, listed
}

#[test]
fn day_kinds_and_names() {
    let c = cal();
    let kind = |s: &str| c.day(d(s)).map(|i| i.kind);
    assert_eq!(kind("2017-09-18"), Ok(DayKind::Weekday));
    assert_eq!(kind("2017-09-23"), Ok(DayKind::Weekend));
    assert_eq!(
        kind("2017-09-30"),
        Ok(DayKind::AdjustedWorkday {
            name: "中秋节、国庆节".into()
        })
    );
    assert_eq!(
        kind("2017-10-07"),
        Ok(DayKind::Holiday {
            name: "中秋节、国庆节".into()
        })
    );
    assert_eq!(
        kind("2026-10-10"),
        Ok(DayKind::AdjustedWorkday {
            name: "国庆节".into()
        })
    );
    // A listed working day that is a Monday anyway is an ordinary weekday.
    assert_eq!(kind("2020-02-03"), Ok(DayKind::Weekday));
    let info = c.day(d("2017-10-01"));
    assert_eq!(
        info.as_ref().map(DayInfo::holiday_name),
        Ok(Some("中秋节、国庆节"))
    );
    assert_eq!(
        info.map(|i| i.describe_zh()),
        Ok("休息日（中秋节、国庆节）".to_string())
    );
}

#[test]
fn late_december_dates_come_from_next_years_file() {
    let c = cal();
    // 2008 notice: 2007-12-29 (Sat) working, 12-30 and 12-31 (Mon) off.
    assert!(working(&c, "2007-12-29"));
    assert!(!working(&c, "2007-12-31"));
    assert_eq!(c.arrangement_year_of(d("2007-12-31")), 2008);
    assert_eq!(c.arrangement_year_of(d("2007-12-28")), 2007);
    // 2019 notice: 2018-12-29 (Sat) working, 2018-12-31 (Mon) off.
    assert!(working(&c, "2018-12-29"));
    assert!(!working(&c, "2018-12-31"));
    // 2006-12-30/31 are known (2007 file) but 2006 is not covered.
    assert_eq!(
        c.day(d("2006-12-31")),
        Err(CalendarError::Uncovered { year: 2006 })
    );
}

// ---------------------------------------------------------------- windows

#[test]
fn spec_example_2017_09_18_plus_7_closes_2017_09_27() {
    let c = cal();
    assert_eq!(close(&c, "2017-09-18", 7), Ok(d("2017-09-27")));
    assert_eq!(
        c.working_days_between(d("2017-09-18"), d("2017-09-27")),
        Ok(7)
    );
}

#[test]
fn national_day_2017_counts_the_saturday_working_day() {
    let c = cal();
    // Opened Fri 2017-09-29: 9-30 (Sat, 调休上班) is day 1; 10-1..10-8 off; 10-9..10-13 are
    // days 2..6; the weekend; 10-16 is day 7.
    assert_eq!(close(&c, "2017-09-29", 1), Ok(d("2017-09-30")));
    assert_eq!(close(&c, "2017-09-29", 2), Ok(d("2017-10-09")));
    assert_eq!(close(&c, "2017-09-29", 7), Ok(d("2017-10-16")));
    let off = c.days_off_between(d("2017-09-29"), d("2017-10-09"));
    let off = off.unwrap_or_default();
    assert_eq!(off.len(), 8);
    assert_eq!(
        off[0],
        (d("2017-10-01"), Some("中秋节、国庆节".to_string()))
    );
    assert_eq!(
        off[7],
        (d("2017-10-08"), Some("中秋节、国庆节".to_string()))
    );
}

#[test]
fn spring_festival_2020_extension() {
    let c = cal();
    assert!(!working(&c, "2020-02-01")); // Sat, was a make-up working day until the extension
    assert!(!working(&c, "2020-02-02"));
    assert!(working(&c, "2020-02-03")); // Mon, work resumed
    assert!(working(&c, "2020-01-19")); // Sun, make-up working day
                                        // Opened Mon 2020-01-20: 1-21, 1-22, 1-23, then off until 2-2, then 2-3, 2-4.
    assert_eq!(close(&c, "2020-01-20", 5), Ok(d("2020-02-04")));
    assert_eq!(close(&c, "2020-01-23", 1), Ok(d("2020-02-03")));
}

#[test]
fn window_crossing_new_year_2024_2025() {
    let c = cal();
    // Fri 2024-12-27: 12-30, 12-31, (1-1 元旦 off), 1-2, 1-3, (weekend), 1-6, 1-7, 1-8.
    assert_eq!(close(&c, "2024-12-27", 7), Ok(d("2025-01-08")));
    assert!(!working(&c, "2025-01-01"));
    let off = c
        .days_off_between(d("2024-12-27"), d("2025-01-08"))
        .unwrap_or_default();
    let names: Vec<(String, Option<String>)> =
        off.into_iter().map(|(x, n)| (x.to_string(), n)).collect();
    assert_eq!(
        names,
        vec![
            ("2024-12-28".to_string(), None),
            ("2024-12-29".to_string(), None),
            ("2025-01-01".to_string(), Some("元旦".to_string())),
            ("2025-01-04".to_string(), None),
            ("2025-01-05".to_string(), None),
        ]
    );
}

#[test]
fn window_opened_on_a_holiday() {
    let c = cal();
    // 2024-10-01 (国庆节, off) does not count; 10-2..10-7 off; 10-8..10-11 (4), 10-12 Sat 调休 (5),
    // 10-13 Sun off, 10-14 (6), 10-15 (7).
    assert_eq!(close(&c, "2024-10-01", 7), Ok(d("2024-10-15")));
    // Opened on a Sunday: the Sunday is not counted either.
    assert_eq!(close(&c, "2017-09-24", 1), Ok(d("2017-09-25")));
    // Opened on a working day: that day is not counted.
    assert_eq!(close(&c, "2017-09-25", 1), Ok(d("2017-09-26")));
}

#[test]
fn windows_in_2026() {
    let c = cal();
    assert_eq!(close(&c, "2026-11-20", 10), Ok(d("2026-12-04")));
    // 国庆节 2026: 10-1..10-7 off, Sat 10-10 working.
    assert_eq!(close(&c, "2026-09-28", 7), Ok(d("2026-10-13")));
    // Up to the end of coverage: 12-28..12-31 are the last four working days known.
    assert_eq!(close(&c, "2026-12-25", 4), Ok(d("2026-12-31")));
}

#[test]
fn zero_length_window_is_an_error() {
    let c = cal();
    assert_eq!(close(&c, "2017-09-18", 0), Err(CalendarError::ZeroLength));
    assert_eq!(
        c.close_date_calendar_days(d("2017-09-18"), 0),
        Err(CalendarError::ZeroLength)
    );
}

#[test]
fn uncovered_years_are_errors_never_guesses() {
    let c = cal();
    // 12-28, 29, 30, 31 are 4; the 5th would be in 2027.
    assert_eq!(
        close(&c, "2026-12-25", 7),
        Err(CalendarError::Uncovered { year: 2027 })
    );
    assert_eq!(
        c.day(d("2006-06-01")),
        Err(CalendarError::Uncovered { year: 2006 })
    );
    assert_eq!(
        c.is_working_day(d("2027-03-01")),
        Err(CalendarError::Uncovered { year: 2027 })
    );
    assert_eq!(
        c.working_days_between(d("2026-12-30"), d("2027-01-02")),
        Err(CalendarError::Uncovered { year: 2027 })
    );
    assert_eq!(
        c.working_days_left(d("2006-12-30"), d("2007-01-05")),
        Err(CalendarError::Uncovered { year: 2006 })
    );
    assert_eq!(
        c.days_off_between(d("2026-12-30"), d("2027-01-02")),
        Err(CalendarError::Uncovered { year: 2027 })
    );
    // The opening day itself is never looked at, so a notice opened on 2006-12-31 is fine.
    assert_eq!(close(&c, "2006-12-31", 1), Ok(d("2007-01-04")));
    assert!(c.check_covered(d("2026-12-31")).is_ok());
}

#[test]
fn working_days_between_and_left() {
    let c = cal();
    assert_eq!(
        c.working_days_between(d("2017-09-27"), d("2017-09-18")),
        Ok(0)
    );
    assert_eq!(
        c.working_days_between(d("2017-09-18"), d("2017-09-18")),
        Ok(0)
    );
    assert_eq!(
        c.working_days_between(d("2017-09-29"), d("2017-10-09")),
        Ok(2)
    );
    // Today inclusive, close inclusive.
    assert_eq!(c.working_days_left(d("2017-09-25"), d("2017-09-27")), Ok(3));
    assert_eq!(c.working_days_left(d("2017-09-27"), d("2017-09-27")), Ok(1));
    assert_eq!(c.working_days_left(d("2017-09-28"), d("2017-09-27")), Ok(0));
    // A day off today does not count: Sat 9-23 .. Wed 9-27 = 25, 26, 27.
    assert_eq!(c.working_days_left(d("2017-09-23"), d("2017-09-27")), Ok(3));
    // The Saturday working day does.
    assert_eq!(c.working_days_left(d("2017-09-30"), d("2017-10-09")), Ok(2));
}

#[test]
fn calendar_day_periods_move_off_a_day_off() {
    let c = cal();
    assert_eq!(
        Calendar::add_calendar_days(d("2017-09-18"), 30),
        Ok(d("2017-10-18"))
    );
    // 2017-09-18 + 30 = 10-18 (Wed), a working day.
    assert_eq!(
        c.close_date_calendar_days(d("2017-09-18"), 30),
        Ok(d("2017-10-18"))
    );
    // 2017-09-01 + 30 = 10-01 (holiday) → first working day after the holiday: 10-09.
    assert_eq!(
        c.close_date_calendar_days(d("2017-09-01"), 30),
        Ok(d("2017-10-09"))
    );
    // Ends on a plain Saturday → Monday.
    assert_eq!(
        c.close_date_calendar_days(d("2017-09-16"), 7),
        Ok(d("2017-09-25"))
    );
    // Ends on a Saturday working day → stays.
    assert_eq!(
        c.close_date_calendar_days(d("2017-09-23"), 7),
        Ok(d("2017-09-30"))
    );
    // Calendar days need no holiday data, but the legal end does.
    assert_eq!(
        Calendar::add_calendar_days(d("2026-12-20"), 30),
        Ok(d("2027-01-19"))
    );
    assert_eq!(
        c.close_date_calendar_days(d("2026-12-20"), 30),
        Err(CalendarError::Uncovered { year: 2027 })
    );
    assert_eq!(
        Calendar::add_calendar_days(d("9999-12-31"), 1),
        Err(CalendarError::OutOfRange)
    );
}

#[test]
fn close_instant_is_midnight_after_the_close_date() {
    let tz = match jiff::tz::TimeZone::get("Asia/Shanghai") {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let t = close_instant(d("2017-09-27"), &tz).map(|t| t.to_string());
    assert_eq!(t, Ok("2017-09-27T16:00:00Z".to_string()));
    assert_eq!(
        close_instant(d("9999-12-31"), &tz),
        Err(CalendarError::OutOfRange)
    );
}

#[test]
fn provisional_late_december() {
    let c = cal();
    assert!(c.is_provisional(d("2026-12-28")));
    assert!(!c.is_provisional(d("2026-12-24")));
    assert!(!c.is_provisional(d("2025-12-28")));
}

// ---------------------------------------------------------------- error texts

#[test]
fn calendar_error_messages() {
    assert_eq!(
        CalendarError::Uncovered { year: 2027 }.to_string(),
        "缺少2027年的节假日安排：请在站点的 calendar/ 目录中添加 2027.yaml\
         （格式同 data/holidays/，依据国务院办公厅关于2027年部分节假日安排的通知）"
    );
    assert_eq!(
        CalendarError::ZeroLength.to_string(),
        "期限必须至少为1天：0天的期限没有意义"
    );
    assert_eq!(
        CalendarError::OutOfRange.to_string(),
        "日期超出可计算的范围（公元9999年以后）"
    );
}

// ---------------------------------------------------------------- site files

#[test]
fn missing_calendar_folder_means_builtin() {
    let site = site_with(&[("site.toml", "")]);
    assert_eq!(load_ok(site.path()), cal());
}

#[test]
fn site_file_adds_a_year() {
    let site = site_with(&[
        ("calendar/2027.yaml", Y2027),
        ("calendar/README.md", "notes"),
    ]);
    let c = load_ok(site.path());
    assert!(c.is_covered(2027));
    assert_eq!(
        c.arrangement(2027).map(|a| a.origin.clone()),
        Some(Origin::Site("calendar/2027.yaml".into()))
    );
    assert!(working(&c, "2026-12-26")); // Sat, late December from the 2027 file
    assert!(!working(&c, "2027-01-01"));
    assert!(!c.is_provisional(d("2026-12-28")));
    // 12-26 (Sat, working) 1, 12-28..12-31 2..5, (1-1, 1-2, 1-3 off), 1-4 6, 1-5 7.
    assert_eq!(c.close_date(d("2026-12-25"), 7), Ok(d("2027-01-05")));
    let report = window_report(&c, d("2026-12-25"), 7).unwrap_or_default();
    assert!(
        report.contains("  国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）\n")
    );
    assert!(report
        .contains("  国务院办公厅关于2027年部分节假日安排的通知（站点文件 calendar/2027.yaml）\n"));
}

#[test]
fn site_file_replaces_a_builtin_year() {
    // A corrected 2017: the Saturday working day is gone, 09-29 is off.
    let text = "year: 2017\nsource: [\"更正\"]\nholidays:\n  - {date: \"2017-09-29\", name: \"测试\"}\nworkdays: []\n";
    let site = site_with(&[("calendar/2017.yaml", text)]);
    let c = load_ok(site.path());
    assert!(!working(&c, "2017-09-29"));
    assert!(!working(&c, "2017-09-30"));
    assert!(working(&c, "2017-10-02")); // the shipped 2017 holidays are gone too
    assert!(!working(&c, "2016-10-03")); // other years untouched
}

fn one(ds: &[crate::diag::Diagnostic]) -> &crate::diag::Diagnostic {
    assert_eq!(ds.len(), 1, "{ds:#?}");
    &ds[0]
}

#[test]
fn malformed_site_file_gives_a_diagnostic_with_line() {
    let text = "year: 2027\nsource: [\"x\"]\nholidays:\n  - {date: \"2027-01-01\", name: \"元旦\"\nworkdays: []\n";
    let site = site_with(&[("calendar/2027.yaml", text)]);
    let ds = load_err(site.path());
    let dg = one(&ds);
    assert_eq!(dg.code, Code::CalendarSyntax);
    assert_eq!(dg.file, Path::new("calendar/2027.yaml"));
    assert_eq!(dg.message, "YAML 格式错误");
    assert!(dg.line >= 4, "{dg:#?}");
    assert!(dg.hint.is_some());
}

#[test]
fn format_errors_are_all_reported_with_positions() {
    let text = "year: 2027
source: [\"x\"]
holidays:
  - {date: \"2027-02-30\", name: \"春节\"}
  - {date: \"2027-1-1\", name: \"元旦\"}
  - {date: \"2027-10-01\", name: \"国庆节\"}
  - {date: \"2027-10-01\", name: \"国庆节\"}
  - {date: \"2025-05-01\", name: \"劳动节\"}
  - {date: \"2027-10-02\", name: \"\"}
workdays:
  - {date: \"2027-10-01\", name: \"国庆节\"}
";
    let site = site_with(&[("calendar/2027.yaml", text)]);
    let ds = load_err(site.path());
    let got: Vec<(Code, usize, usize, String)> = ds
        .iter()
        .map(|x| (x.code, x.line, x.col, x.message.to_string()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Code::CalendarBadDate, 4, 12, "日期“2027-02-30”无效：2027年2月没有30日".to_string()),
            (
                Code::CalendarBadDate,
                5,
                12,
                "日期“2027-1-1”无效：应写成 YYYY-MM-DD（四位年、两位月、两位日）".to_string()
            ),
            (Code::CalendarDuplicateDate, 7, 12, "日期 2027-10-01 重复列出（第一次在第 6 行）".to_string()),
            (Code::CalendarDateOutOfYear, 8, 12, "日期 2025-05-01 不属于2027年的安排".to_string()),
            (Code::CalendarEmptyName, 9, 32, "日期 2027-10-02 没有写节日名称".to_string()),
            (
                Code::CalendarConflictingDate,
                11,
                12,
                "日期 2027-10-01 既列为休息日（holidays）又列为调休上班日（workdays）（另一项在第 6 行）".to_string()
            ),
        ]
    );
    assert!(ds
        .iter()
        .all(|x| x.file == Path::new("calendar/2027.yaml") && x.hint.is_some()));
    assert_eq!(ds[0].field.as_deref(), Some("holidays[0].date"));
    assert_eq!(
        ds[0].source_line.as_deref(),
        Some("  - {date: \"2027-02-30\", name: \"春节\"}")
    );
}

#[test]
fn year_must_match_file_name() {
    let site = site_with(&[(
        "calendar/2027.yaml",
        Y2027.replace("year: 2027", "year: 2028").as_str(),
    )]);
    let ds = load_err(site.path());
    let dg = one(&ds);
    assert_eq!(dg.code, Code::CalendarYearMismatch);
    assert_eq!((dg.line, dg.col), (2, 7));
    assert_eq!(
        dg.message,
        "year 与文件名不一致：文件名是 2027.yaml，year 写的是 2028"
    );
    assert_eq!(dg.expected.as_deref(), Some("2027"));
}

#[test]
fn an_alias_bomb_or_a_huge_file_is_refused_with_its_place() {
    // Nine levels of nine aliases in a list the file may hold (`source`).
    let mut bomb = String::from("year: 2027\nholidays: []\nworkdays: []\n");
    bomb.push_str(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        bomb.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    bomb.push_str("source: *i\n");
    let site = site_with(&[("calendar/2027.yaml", bomb.as_str())]);
    let start = std::time::Instant::now();
    let ds = load_err(site.path());
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    let dg = one(&ds);
    assert_eq!(dg.code, Code::CalendarTooComplex);
    assert_eq!((dg.line, dg.col), (8, 4));
    assert!(dg
        .source_line
        .as_deref()
        .is_some_and(|l| l.starts_with("e: &e")));
    // serde-saphyr's budget alone (the second line) refuses it quickly too.
    let start = std::time::Instant::now();
    assert!(load::parse_file("calendar/2027.yaml", 2027, &bomb, Origin::Builtin).is_err());
    assert!(start.elapsed() < std::time::Duration::from_secs(5));

    let huge = format!("{Y2027}# {}\n", "x".repeat(300 * 1024));
    let site = site_with(&[("calendar/2027.yaml", huge.as_str())]);
    let ds = load_err(site.path());
    assert_eq!(one(&ds).code, Code::CalendarTooLarge);
}

#[test]
fn unknown_field_has_did_you_mean() {
    let site = site_with(&[(
        "calendar/2027.yaml",
        Y2027.replace("workdays:", "workday:").as_str(),
    )]);
    let ds = load_err(site.path());
    let dg = one(&ds);
    assert_eq!(dg.code, Code::CalendarUnknownField);
    assert_eq!(dg.message, "未知字段“workday”");
    assert_eq!(dg.line, 9);
    assert_eq!(dg.hint.as_deref(), Some("是不是想写“workdays”？"));
}

#[test]
fn missing_field_and_wrong_types() {
    let site = site_with(&[(
        "calendar/2027.yaml",
        "year: 2027\nsource: [\"x\"]\nholidays: []\n",
    )]);
    let dg = load_err(site.path());
    assert_eq!(one(&dg).code, Code::CalendarMissingField);
    assert_eq!(one(&dg).message, "缺少字段“workdays”");

    let site = site_with(&[(
        "calendar/2027.yaml",
        "year: 二〇二七\nsource: [\"x\"]\nholidays: []\nworkdays: []\n",
    )]);
    let dg = load_err(site.path());
    assert_eq!(one(&dg).code, Code::CalendarType);
    assert_eq!(one(&dg).message, "字段“year”的值不对");
    assert_eq!((one(&dg).line, one(&dg).col), (1, 7));

    let site = site_with(&[(
        "calendar/2027.yaml",
        "year: 2027\nsource: [\"x\"]\nholidays:\nworkdays: []\n",
    )]);
    let dg = load_err(site.path());
    assert_eq!(one(&dg).message, "字段“holidays”的值不对");

    let site = site_with(&[(
        "calendar/2027.yaml",
        "year: 2027\nsource: []\nholidays: []\nworkdays: []\n",
    )]);
    let dg = load_err(site.path());
    assert_eq!(one(&dg).code, Code::CalendarMissingSource);

    let site = site_with(&[(
        "calendar/2027.yaml",
        "year: 2027\nyear: 2027\nsource: [x]\nholidays: []\nworkdays: []\n",
    )]);
    let dg = load_err(site.path());
    assert_eq!(one(&dg).code, Code::CalendarDuplicateKey);
    assert_eq!(one(&dg).line, 2);

    let site = site_with(&[("calendar/2027.yaml", "# nothing yet\n")]);
    let dg = load_err(site.path());
    assert_eq!(one(&dg).code, Code::CalendarEmptyFile);
}

#[test]
fn bad_file_names() {
    let site = site_with(&[
        ("calendar/2027.yml", Y2027),
        ("calendar/holidays.yaml", Y2027),
        ("calendar/notes.txt", "ignored"),
    ]);
    let ds = load_err(site.path());
    let got: Vec<(Code, String)> = ds
        .iter()
        .map(|x| (x.code, x.file.display().to_string()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Code::CalendarFileName, "calendar/2027.yml".to_string()),
            (Code::CalendarFileName, "calendar/holidays.yaml".to_string()),
        ]
    );
}

#[test]
fn a_date_in_two_files_is_an_error_in_the_site_file() {
    // Late-December dates of 2026 may sit in the 2027 file, but not in both files.
    let text = Y2027.replace(
        "workdays:\n",
        "workdays:\n  - {date: \"2026-12-27\", name: \"元旦\"}\n",
    );
    let ok = site_with(&[("calendar/2027.yaml", text.as_str())]);
    assert!(Calendar::load(ok.path()).is_ok());
    let text2026 = "year: 2026\nsource: [x]\nholidays: []\nworkdays:\n  - {date: \"2026-12-26\", name: \"元旦\"}\n";
    let site = site_with(&[
        ("calendar/2027.yaml", Y2027),
        ("calendar/2026.yaml", text2026),
    ]);
    let ds = load_err(site.path());
    let dg = one(&ds);
    assert_eq!(dg.code, Code::CalendarDateInTwoFiles);
    assert_eq!(dg.file, Path::new("calendar/2027.yaml"));
    assert_eq!(
        dg.message,
        "日期 2026-12-26 同时出现在 calendar/2027.yaml 和 calendar/2026.yaml 中"
    );
    assert_eq!(dg.line, 10);
}

#[test]
fn calendar_path_that_is_a_file_is_reported() {
    let site = site_with(&[("calendar", "not a folder")]);
    let ds = load_err(site.path());
    assert_eq!(one(&ds).code, Code::CalendarIo);
}

// ---------------------------------------------------------------- reports and CLI parsing

#[test]
fn report_2017_09_18_plus_7() {
    let got = window_report(&cal(), d("2017-09-18"), 7);
    let want = "\
2017-09-27
自2017年9月18日起计算7个工作日（当日不计入），截至2017年9月27日24:00。
计入的工作日（7天）：
  2017-09-19 星期二
  2017-09-20 星期三
  2017-09-21 星期四
  2017-09-22 星期五
  2017-09-25 星期一
  2017-09-26 星期二
  2017-09-27 星期三
跳过的休息日（2天）：
  2017-09-23 星期六 周末
  2017-09-24 星期日 周末
节假日安排依据：
  国务院办公厅关于2017年部分节假日安排的通知（国办发明电〔2016〕17号）
";
    assert_eq!(got.as_deref(), Ok(want));
}

#[test]
fn report_2026_09_28_plus_7_crosses_national_day() {
    let got = window_report(&cal(), d("2026-09-28"), 7);
    let want = "\
2026-10-13
自2026年9月28日起计算7个工作日（当日不计入），截至2026年10月13日24:00。
计入的工作日（7天）：
  2026-09-29 星期二
  2026-09-30 星期三
  2026-10-08 星期四
  2026-10-09 星期五
  2026-10-10 星期六 调休上班（国庆节）
  2026-10-12 星期一
  2026-10-13 星期二
跳过的休息日（8天）：
  2026-10-01 星期四 国庆节
  2026-10-02 星期五 国庆节
  2026-10-03 星期六 国庆节
  2026-10-04 星期日 国庆节
  2026-10-05 星期一 国庆节
  2026-10-06 星期二 国庆节
  2026-10-07 星期三 国庆节
  2026-10-11 星期日 周末
节假日安排依据：
  国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）
";
    assert_eq!(got.as_deref(), Ok(want));
}

#[test]
fn report_without_days_off_and_with_provisional_note() {
    let got = window_report(&cal(), d("2026-12-25"), 4);
    let want = "\
2026-12-31
自2026年12月25日起计算4个工作日（当日不计入），截至2026年12月31日24:00。
计入的工作日（4天）：
  2026-12-28 星期一
  2026-12-29 星期二
  2026-12-30 星期三
  2026-12-31 星期四
跳过的休息日（2天）：
  2026-12-26 星期六 周末
  2026-12-27 星期日 周末
节假日安排依据：
  国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）
注意：2026年12月下旬的安排可能被2027年的节假日通知调整，2027年的安排发布后请重新核对。
";
    assert_eq!(got.as_deref(), Ok(want));
    let got = window_report(&cal(), d("2017-09-18"), 4).unwrap_or_default();
    assert!(got.contains("跳过的休息日：无\n"), "{got}");
}

#[test]
fn report_uncovered_is_the_error() {
    let got = window_report(&cal(), d("2026-12-25"), 7);
    assert_eq!(got, Err(CalendarError::Uncovered { year: 2027 }));
}

#[test]
fn report_calendar_days() {
    let got = calendar_days_report(&cal(), d("2017-09-01"), 30);
    let want = "\
2017-10-09
自2017年9月1日起计算30日（当日不计入），截至2017年10月9日24:00。
第30日（2017-10-01 星期日）是休息日（中秋节、国庆节），依《民法典》第二百零三条顺延至其后第一个工作日。
节假日安排依据：
  国务院办公厅关于2017年部分节假日安排的通知（国办发明电〔2016〕17号）
";
    assert_eq!(got.as_deref(), Ok(want));
    let got = offset_report(&cal(), d("2017-09-18"), Offset::CalendarDays(30)).unwrap_or_default();
    assert!(got.starts_with(
        "2017-10-18\n自2017年9月18日起计算30日（当日不计入），截至2017年10月18日24:00。\n"
    ));
    let got = offset_report(&cal(), d("2017-09-18"), Offset::WorkingDays(7)).unwrap_or_default();
    assert!(got.starts_with("2017-09-27\n"));
}

#[test]
fn day_reports() {
    let c = cal();
    let r = |s: &str| day_report(&c, d(s)).unwrap_or_else(|e| e.to_string());
    assert_eq!(
        r("2017-09-30"),
        "2017-09-30 星期六：工作日（调休上班，中秋节、国庆节）\n"
    );
    assert_eq!(
        r("2017-10-02"),
        "2017-10-02 星期一：休息日（中秋节、国庆节）\n"
    );
    assert_eq!(r("2017-09-23"), "2017-09-23 星期六：休息日（周末）\n");
    assert_eq!(r("2024-02-09"), "2024-02-09 星期五：工作日\n");
    assert_eq!(
        r("2026-12-31"),
        "2026-12-31 星期四：工作日\n注意：2026年12月下旬的安排可能被2027年的节假日通知调整，2027年的安排发布后请重新核对。\n"
    );
    assert_eq!(
        r("2027-01-04"),
        CalendarError::Uncovered { year: 2027 }.to_string()
    );
}

#[test]
fn cli_dates() {
    assert_eq!(parse_cli_date("2017-09-18"), Ok(date(2017, 9, 18)));
    assert_eq!(parse_cli_date(" 2017-09-18 "), Ok(date(2017, 9, 18)));
    assert_eq!(parse_cli_date("2017年9月18日"), Ok(date(2017, 9, 18)));
    assert_eq!(parse_cli_date("2017/09/18"), Ok(date(2017, 9, 18)));
    assert_eq!(parse_cli_date("2017.09.18"), Ok(date(2017, 9, 18)));
    // A one-digit month or day is accepted, as clerks copy it from a notice.
    assert_eq!(parse_cli_date("2017-9-18"), Ok(date(2017, 9, 18)));
    assert_eq!(parse_cli_date("2026-3-6"), parse_cli_date("2026-03-06"));
    assert_eq!(parse_cli_date("2026/3/6"), Ok(date(2026, 3, 6)));
    assert_eq!(
        parse_cli_date("17-9-18"),
        Err("无法识别日期“17-9-18”：应写成 YYYY-MM-DD（四位年、两位月、两位日）；请写成 2017-09-18 这样的形式".to_string())
    );
    assert_eq!(
        parse_cli_date("2017-02-29"),
        Err(
            "无法识别日期“2017-02-29”：2017年2月没有29日；请写成 2017-09-18 这样的形式".to_string()
        )
    );
    assert_eq!(
        parse_cli_date("2017-13-01"),
        Err("无法识别日期“2017-13-01”：没有13月；请写成 2017-09-18 这样的形式".to_string())
    );
    assert_eq!(
        parse_cli_date("2017年2月30日"),
        Err("无法识别日期“2017年2月30日”：2017年2月没有30日".to_string())
    );
    assert!(parse_cli_date("").is_err());
    assert!(parse_cli_date("明天").is_err());
}

#[test]
fn cli_offsets() {
    assert_eq!(parse_offset("+7"), Ok(Offset::WorkingDays(7)));
    assert_eq!(parse_offset("7"), Ok(Offset::WorkingDays(7)));
    assert_eq!(parse_offset("＋7"), Ok(Offset::WorkingDays(7)));
    assert_eq!(parse_offset("+30 天"), Ok(Offset::CalendarDays(30)));
    assert_eq!(parse_offset("+7工作日"), Ok(Offset::WorkingDays(7)));
    assert_eq!(parse_offset("+7个工作日"), Ok(Offset::WorkingDays(7)));
    assert_eq!(parse_offset("+30天"), Ok(Offset::CalendarDays(30)));
    assert_eq!(parse_offset("+30日"), Ok(Offset::CalendarDays(30)));
    assert_eq!(parse_offset("+30d"), Ok(Offset::CalendarDays(30)));
    let usage = "请写成 +7（7个工作日）或 +30天（30日）";
    assert_eq!(parse_offset("+"), Err(format!("无法识别期限“+”：{usage}")));
    assert_eq!(
        parse_offset("+7周"),
        Err(format!("无法识别期限“+7周”：{usage}"))
    );
    assert_eq!(
        parse_offset("-7"),
        Err(format!("无法识别期限“-7”：{usage}"))
    );
    assert_eq!(
        parse_offset("+0"),
        Err("期限“+0”无效：天数必须至少为1".to_string())
    );
    assert_eq!(
        parse_offset("+3661"),
        Err("期限“+3661”太长：最多 3660 天".to_string())
    );
    assert_eq!(
        parse_offset("+99999999999999999999"),
        Err("期限“+99999999999999999999”太长：最多 3660 天".to_string())
    );
}

// ---------------------------------------------------------------- properties

fn covered_day(offset: u32) -> Date {
    let start = date(2007, 1, 1);
    Calendar::add_calendar_days(start, offset).unwrap_or(start)
}

proptest! {
    #[test]
    fn close_date_is_the_first_day_reaching_n(offset in 0u32..7305, n in 1u32..=30) {
        let c = cal();
        let opened = covered_day(offset);
        match c.close_date(opened, n) {
            Ok(close) => {
                prop_assert!(close > opened);
                prop_assert_eq!(c.working_days_between(opened, close), Ok(n));
                prop_assert_eq!(c.is_working_day(close), Ok(true));
                // The day before reaches only n - 1: close is the first date reaching n.
                let before = close.yesterday().unwrap_or(close);
                prop_assert_eq!(c.working_days_between(opened, before), Ok(n - 1));
                // Consistency of the other views of the same window.
                let off = c.days_off_between(opened, close).unwrap_or_default();
                let span = (close - opened).get_days();
                prop_assert_eq!(i64::from(n) + off.len() as i64, i64::from(span));
                prop_assert_eq!(c.working_days_left(opened.tomorrow().unwrap_or(opened), close), Ok(n));
            }
            Err(e) => prop_assert_eq!(e, CalendarError::Uncovered { year: 2027 }),
        }
    }

    #[test]
    fn calendar_day_close_is_the_first_working_day_on_or_after_day_n(offset in 0u32..7305, n in 1u32..=60) {
        let c = cal();
        let opened = covered_day(offset);
        let nominal = Calendar::add_calendar_days(opened, n).unwrap_or(opened);
        match c.close_date_calendar_days(opened, n) {
            Ok(close) => {
                prop_assert!(close >= nominal);
                prop_assert_eq!(c.is_working_day(close), Ok(true));
                // No working day in [nominal, close): (nominal - 1, close - 1] has none.
                let before_nominal = nominal.yesterday().unwrap_or(nominal);
                let before_close = close.yesterday().unwrap_or(close);
                prop_assert_eq!(c.working_days_between(before_nominal, before_close), Ok(0));
            }
            Err(e) => prop_assert_eq!(e, CalendarError::Uncovered { year: 2027 }),
        }
    }
}
