//! Every consultation state rendered at fixed `--now` values: upcoming, open (working days
//! left, the form), closed (form gone), concluded (outcome), withdrawn (reason).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

const NOTICE: &str = "---
title: 制定《测试县零工市场管理办法》
published: 2026-11-20
summary: 基本情况说明。
basis: 决策依据。
reasons: 理由说明。
decision_type: 规范性文件
opens: 2026-11-20
window_working_days: 10
channels:
  email: zhengqiu@test.example.gov.cn
  post: 测试县民主大道1号
{extra}---
";

fn page_at(now: &str, extra: &str) -> String {
    let site = site("minimal");
    let dir = site.path().join("content/consultations");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("c.md"), NOTICE.replace("{extra}", extra)).unwrap();
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", now]);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::read_to_string(site.path().join("public/consultations/c/index.html")).unwrap()
}

#[test]
fn upcoming_before_it_opens() {
    let html = page_at("2026-11-19T12:00:00+08:00", "");
    assert!(html.contains("即将征集"), "{html}");
    assert!(!html.contains("id=\"comment-form\""));
}

#[test]
fn open_with_the_deadline_in_words_and_working_days_left() {
    let html = page_at("2026-12-02T10:00:00+08:00", "");
    assert!(html.contains("征集中"));
    assert!(html.contains("自2026年11月20日起公开征求意见，期限10个工作日（发布当日不计入），截至2026年12月4日24:00。"), "{html}");
    assert!(html.contains("还剩3个工作日"), "{html}");
    assert!(html.contains("datetime=\"2026-12-04T16:00:00Z\""), "{html}");
    assert!(html.contains("id=\"comment-form\""));
}

#[test]
fn closed_after_the_deadline_without_the_form() {
    let html = page_at("2026-12-05T00:00:00+08:00", "");
    assert!(html.contains("征集已结束"), "{html}");
    assert!(html.contains("正在汇总意见"), "{html}");
    assert!(!html.contains("id=\"comment-form\""));
}

#[test]
fn concluded_with_its_outcome() {
    // No opinion came in: said explicitly (a concluded consultation with a web form needs its
    // ledger or this statement, `participation.no-ledger`).
    let extra =
        "outcome:\n  published: 2026-12-10\n  decision: 已印发施行。\n  opinions: {total: 0}\n";
    let html = page_at("2026-12-11T10:00:00+08:00", extra);
    assert!(html.contains("已公布结果"), "{html}");
    assert!(html.contains("已印发施行。"));
    assert!(!html.contains("id=\"comment-form\""));
}

#[test]
fn an_outcome_dated_after_the_build_clock_is_not_published_yet() {
    // Entered ahead of its day: the page stays 征集已结束 and shows nothing of the outcome.
    let extra =
        "outcome:\n  published: 2026-12-10\n  decision: 已印发施行。\n  opinions: {total: 0}\n";
    let html = page_at("2026-12-09T10:00:00+08:00", extra);
    assert!(!html.contains("已公布结果"), "{html}");
    assert!(!html.contains("已印发施行。"), "{html}");
    assert!(html.contains("征集已结束"), "{html}");
    // From 00:00 of its date it is published.
    let html = page_at("2026-12-10T00:00:00+08:00", extra);
    assert!(html.contains("已公布结果"), "{html}");
}

#[test]
fn withdrawn_with_the_reason() {
    let extra = "withdrawn:\n  date: 2026-11-24\n  reason: 上位政策调整，重新起草。\n";
    let html = page_at("2026-11-25T10:00:00+08:00", extra);
    assert!(html.contains("已撤回"), "{html}");
    assert!(html.contains("上位政策调整，重新起草。"));
    assert!(!html.contains("id=\"comment-form\""));
}

/// A site with one consultation `c` whose front matter is `yaml`, built at `now`.
fn built_at(yaml: &str, now: &str) -> tempfile::TempDir {
    let site = site("minimal");
    let dir = site.path().join("content/consultations");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("c.md"), format!("---\n{yaml}---\n")).unwrap();
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", now]);
    assert!(o.status.success(), "{}", text(&o));
    site
}

fn read(site: &tempfile::TempDir, rel: &str) -> String {
    std::fs::read_to_string(site.path().join(rel)).unwrap()
}

/// 「请于2026年12月10日前」 copied as a date alone, with no `opens`: the notice opens on its
/// published day and closes at 24:00 of the 10th.
const BY_DATE: &str = "title: 制定《测试县零工市场管理办法》
published: 2026-11-20
summary: 基本情况说明。
basis: 决策依据。
reasons: 理由说明。
decision_type: 规范性文件
closes: 2026-12-10
channels:
  email: zhengqiu@test.example.gov.cn
";

#[test]
fn a_date_only_close_is_24_00_of_that_day_with_the_real_window_everywhere() {
    let site = built_at(BY_DATE, "2026-12-10T23:59:00+08:00");
    let html = read(&site, "public/consultations/c/index.html");
    // Open until the end of the 10th, with its real length (not the type's 7 working days).
    assert!(html.contains("征集中"), "{html}");
    assert!(html.contains("自2026年11月20日起公开征求意见，期限14个工作日（发布当日不计入），截至2026年12月10日24:00。"), "{html}");
    assert!(
        html.contains(
            "请于<strong>2026年12月10日24:00</strong>前通过以下方式提出意见（14个工作日，"
        ),
        "{html}"
    );
    assert!(!html.contains("12月9日24:00"), "{html}");
    assert!(!html.contains("7个工作日"), "{html}");
    assert!(html.contains("datetime=\"2026-12-10T16:00:00Z\""), "{html}");
    assert!(html.contains("还剩1个工作日"), "{html}");
    // The open data says the same.
    let data: serde_json::Value =
        serde_json::from_str(&read(&site, "public/data/consultations.json")).unwrap();
    let c = &data[0];
    assert_eq!(c["opens"], "2026-11-20T00:00:00+08:00");
    assert_eq!(c["closes"], "2026-12-11T00:00:00+08:00");
    assert_eq!(c["close_date"], "2026-12-10");
    assert_eq!(c["window"], "14个工作日");
    assert_eq!(c["window_working_days"], 14);
    assert_eq!(c["state"], "open");
    // The calendar's all-day event is on the 10th.
    let ics = read(&site, "public/consultations.ics");
    assert!(ics.contains("DTSTART;VALUE=DATE:20261210"), "{ics}");
    // The receiver takes comments until 24:00 of the 10th, and not after.
    let dir = gongshi::feedback::site::load_directory(site.path()).unwrap();
    let w = dir.consultation("c").unwrap();
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    assert!(w.is_open_at(at("2026-12-10T23:59:59+08:00")));
    assert!(!w.is_open_at(at("2026-12-11T00:00:00+08:00")));
    assert!(w.is_open_at(at("2026-11-20T08:00:00+08:00")));
    // Closed from 00:00 of the 11th.
    let site = built_at(BY_DATE, "2026-12-11T00:00:00+08:00");
    let html = read(&site, "public/consultations/c/index.html");
    assert!(html.contains("征集已结束"), "{html}");
    assert!(
        html.contains("本次征集已于<strong>2026年12月10日24:00</strong>截止（14个工作日）"),
        "{html}"
    );
}

#[test]
fn a_close_written_24_00_is_the_same_as_the_date_alone() {
    let a = built_at(BY_DATE, NOW);
    let b = built_at(
        &BY_DATE.replace("closes: 2026-12-10", "closes: 2026-12-10 24:00"),
        NOW,
    );
    let page = "public/consultations/c/index.html";
    assert_eq!(read(&a, page), read(&b, page));
    assert_eq!(
        read(&a, "public/data/consultations.json"),
        read(&b, "public/data/consultations.json")
    );
}

#[test]
fn a_close_with_a_time_ends_at_that_time_on_that_day() {
    let site = built_at(
        &BY_DATE.replace("closes: 2026-12-10", "closes: 2026-12-10 17:00"),
        NOW,
    );
    let html = read(&site, "public/consultations/c/index.html");
    assert!(
        html.contains("期限14个工作日（发布当日不计入），截至2026年12月10日17:00。"),
        "{html}"
    );
}

#[test]
fn a_type_counting_natural_days_names_both_counts() {
    // A draft regulation (法规草案) whose notice says 「至2026年12月21日」.
    let yaml = BY_DATE
        .replace("decision_type: 规范性文件", "decision_type: 法规草案")
        .replace("closes: 2026-12-10", "closes: 2026-12-21");
    let site = built_at(&yaml, NOW);
    let html = read(&site, "public/consultations/c/index.html");
    assert!(
        html.contains("期限31日，其中21个工作日（发布当日不计入），截至2026年12月21日24:00。"),
        "{html}"
    );
    assert!(
        html.contains("（31日，其中21个工作日，发布当日不计入；"),
        "{html}"
    );
    let data: serde_json::Value =
        serde_json::from_str(&read(&site, "public/data/consultations.json")).unwrap();
    assert_eq!(data[0]["window_working_days"], 21);
    assert_eq!(data[0]["window_days"], 31);
    let o = run(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("under-30-days"), "{}", text(&o));
}

#[test]
fn without_opens_a_notice_opens_on_its_published_day() {
    let site = built_at(BY_DATE, "2026-11-19T23:00:00+08:00");
    let html = read(&site, "public/consultations/c/index.html");
    assert!(html.contains("即将征集"), "{html}");
    assert!(html.contains("2026年11月20日起可以提交意见"), "{html}");
}

#[test]
fn the_theme_adds_no_envelope_wording_when_the_notice_has_its_own() {
    // The notice's own wording, kept as it is and not doubled.
    let own = BY_DATE.replace(
        "channels:\n",
        "channels:\n  post: 寄至测试县民主大道1号测试县人力资源和社会保障局（邮编443200），请在信封上注明“零工市场办法意见”字样\n",
    );
    let html = read(&built_at(&own, NOW), "public/consultations/c/index.html");
    assert!(html.contains("<li>信函：寄至测试县民主大道1号"), "{html}");
    assert!(!html.contains("寄至寄至"), "{html}");
    assert!(!html.contains("请在信封上注明“意见征集”"), "{html}");
    assert_eq!(
        html.matches("请在信封上注明“零工市场办法意见”字样").count(),
        2
    );
    // An address alone gets the theme's wording.
    let plain = page_at(NOW, "");
    assert!(
        plain.contains("信函：测试县民主大道1号（请在信封上注明“意见征集”）"),
        "{plain}"
    );
    assert!(plain.contains("信函：寄至测试县民主大道1号"), "{plain}");
}
