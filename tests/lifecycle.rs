//! Every consultation state rendered at fixed `--now` values: upcoming, open (working days
//! left, the form), closed (form gone), concluded (outcome), withdrawn (reason).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

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
fn withdrawn_with_the_reason() {
    let extra = "withdrawn:\n  date: 2026-11-24\n  reason: 上位政策调整，重新起草。\n";
    let html = page_at("2026-11-25T10:00:00+08:00", extra);
    assert!(html.contains("已撤回"), "{html}");
    assert!(html.contains("上位政策调整，重新起草。"));
    assert!(!html.contains("id=\"comment-form\""));
}
