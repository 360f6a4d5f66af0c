//! `gongshi calendar`: exact output and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

fn cal(args: &[&str]) -> std::process::Output {
    let site = site("minimal");
    let mut v = vec!["calendar", "--root", site.path().to_str().unwrap()];
    v.extend_from_slice(args);
    let o = run(&v);
    drop(site);
    o
}

#[test]
fn window_close_date_is_the_first_line_and_skipped_days_are_named() {
    let o = cal(&["2026-09-28", "+7"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "2026-10-13");
    assert_eq!(
        lines[1],
        "自2026年9月28日起计算7个工作日（当日不计入），截至2026年10月13日24:00。"
    );
    assert!(
        out.contains("  2026-10-10 星期六 调休上班（国庆节）"),
        "{out}"
    );
    assert!(out.contains("  2026-10-01 星期四 国庆节"), "{out}");
    assert!(out.contains("  2026-10-11 星期日 周末"), "{out}");
}

#[test]
fn the_2017_notice_closes_on_the_27th() {
    let o = cal(&["2017-09-18", "+7"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().next(),
        Some("2017-09-27")
    );
}

#[test]
fn a_single_date_says_whether_it_is_a_working_day() {
    let o = cal(&["2017-09-30"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "2017-09-30 星期六：工作日（调休上班，中秋节、国庆节）\n"
    );
}

#[test]
fn an_uncovered_year_exits_1_and_says_what_to_add() {
    let o = cal(&["2026-12-25", "+7"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("缺少2027年的节假日安排"), "{err}");
    assert!(err.contains("calendar/"), "{err}");
}

#[test]
fn a_site_calendar_file_covers_the_next_year() {
    let site = site("minimal");
    std::fs::create_dir_all(site.path().join("calendar")).unwrap();
    std::fs::write(
        site.path().join("calendar/2027.yaml"),
        "year: 2027\nsource:\n  - \"测试用安排\"\nholidays:\n  - {date: \"2027-01-01\", name: \"元旦\"}\nworkdays: []\n",
    )
    .unwrap();
    let o = run(&[
        "calendar",
        "--root",
        site.path().to_str().unwrap(),
        "2026-12-25",
        "+7",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    // 12-28..31 (4), 01-01 off, 01-04..06 → 7th working day is 2027-01-06
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().next(),
        Some("2027-01-06")
    );
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(cal(&["2017-13-01"]).status.code(), Some(2));
    assert_eq!(cal(&["2017-09-18", "+x"]).status.code(), Some(2));
}

#[test]
fn two_dates_give_the_working_and_natural_days_between_them() {
    // The National Day week of 2026: 10 days, 3 of them working days (one a 调休 Saturday).
    let o = cal(&["2026-9-30", "2026-10-10"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "3 10");
    assert_eq!(
        lines[1],
        "自2026年9月30日（当日不计入）至2026年10月10日（计入）：3个工作日，共10日。"
    );
    assert!(
        out.contains("  2026-10-10 星期六 调休上班（国庆节）"),
        "{out}"
    );
    assert!(out.contains("休息日（7天）："), "{out}");
    // A notice published on 11-20 that closes on 12-10 (24:00) runs 14 working days.
    let o = cal(&["2026-11-20", "2026-12-10"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().next(),
        Some("14 20")
    );
    // In either order.
    let o = cal(&["2026-12-10", "2026-11-20"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().next(),
        Some("14 20")
    );
}

#[test]
fn one_digit_months_and_days_and_natural_day_windows() {
    let a = cal(&["2026-3-6", "+30天"]);
    let b = cal(&["2026-03-06", "+30天"]);
    assert!(a.status.success(), "{}", text(&a));
    assert_eq!(a.stdout, b.stdout);
    let out = String::from_utf8_lossy(&a.stdout);
    // Day 30 is Sunday 2026-04-05 (清明节): the period ends on the next working day.
    assert_eq!(out.lines().next(), Some("2026-04-07"));
    assert!(out.contains("依《民法典》第二百零三条顺延"), "{out}");
}

#[test]
fn a_second_argument_that_is_neither_a_window_nor_a_date_exits_2() {
    let o = cal(&["2026-11-20", "下周五"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("或写第二个日期"), "{}", text(&o));
}
