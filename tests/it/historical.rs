//! Outcome-only (historical) consultations: the record of a consultation held before the
//! site, and its paper opinions imported into the opinion chain (issue 18).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

pub const HIST: &str = "content/consultations/old-plan.md";

/// Only what the bureau still has: the title, the close date and the outcome.
pub const HIST_MD: &str = "---\ntitle: 关于《测试县养老服务设施布局规划》的意见征集\npublished: 2026-11-10\nhistorical: true\ncloses: 2021-03-31\noutcome:\n  published: 2021-05-10\n  decision: 规划已于2021年5月印发。\n---\n";

fn build(root: &std::path::Path) -> String {
    let o = run(&[
        "build",
        "-q",
        "--root",
        root.to_str().unwrap(),
        "--now",
        NOW,
        "--no-cache",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

fn consultation_json(root: &std::path::Path, id: &str) -> serde_json::Value {
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("public/data/consultations.json")).unwrap(),
    )
    .unwrap();
    // Valid against the published schema (the nulls included).
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("public/data/consultations.schema.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = v
        .iter_errors(&data)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let items = data.as_array().unwrap();
    items
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {data}"))
        .clone()
}

#[test]
fn a_historical_consultation_with_only_closes_and_outcome_builds_without_inventions() {
    let site = site("minimal");
    let root = site.path();
    std::fs::create_dir_all(root.join("content/consultations")).unwrap();
    std::fs::write(root.join(HIST), HIST_MD).unwrap();
    build(root);
    let html =
        std::fs::read_to_string(root.join("public/consultations/old-plan/index.html")).unwrap();
    // Absent notice items are 未注明, never the defaults of a notice.
    assert!(html.contains("决策类型未注明"), "{html}");
    assert!(html.contains("<p class=\"unstated\">未注明</p>"), "{html}");
    assert!(
        html.contains("反馈方式：<span class=\"unstated\">未注明</span>"),
        "{html}"
    );
    assert!(
        html.contains("开始时间未注明至2021年3月31日24:00"),
        "{html}"
    );
    assert!(
        !html.contains("个工作日"),
        "no invented window length: {html}"
    );
    assert!(!html.contains("发布当日不计入"), "{html}");
    // A record of a past consultation: no form, no live deadline, the outcome published.
    assert!(html.contains("本站上线前开展的意见征集"), "{html}");
    assert!(!html.contains("comment-form"), "{html}");
    assert!(!html.contains("/comment\""), "no comment form: {html}");
    assert!(!html.contains("还剩"), "{html}");
    assert!(html.contains("已公布结果"), "{html}");
    assert!(html.contains("规划已于2021年5月印发。"), "{html}");
    // Open data: nulls, not defaults.
    let v = consultation_json(root, "old-plan");
    for key in [
        "decision_type",
        "opens",
        "open_date",
        "window",
        "window_working_days",
        "window_days",
        "situation",
        "basis",
        "reasons",
        "channels",
    ] {
        assert!(v[key].is_null(), "{key} should be null: {v}");
    }
    assert_eq!(v["state"], "concluded", "{v}");
    assert_eq!(v["close_date"], "2021-03-31", "{v}");
    assert!(
        v["notice"]
            .as_str()
            .unwrap()
            .contains("本站上线前开展的意见征集"),
        "{v}"
    );
    // Not in the calendar of open consultations.
    let ics = std::fs::read_to_string(root.join("public/consultations.ics")).unwrap_or_default();
    assert!(!ics.contains("old-plan"), "{ics}");
}

#[test]
fn without_historical_the_notice_items_are_still_required() {
    let site = site("minimal");
    let root = site.path();
    std::fs::create_dir_all(root.join("content/consultations")).unwrap();
    std::fs::write(root.join(HIST), HIST_MD.replace("historical: true\n", "")).unwrap();
    let o = run(&["check", "--root", root.to_str().unwrap(), "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    for f in ["basis", "reasons", "channels", "decision_type", "summary"] {
        assert!(out.contains(&format!("缺少必填字段“{f}”")), "{f}: {out}");
    }
}

#[test]
fn a_historical_window_shorter_than_the_minimum_is_only_a_warning() {
    let site = site("minimal");
    let root = site.path();
    std::fs::create_dir_all(root.join("content/consultations")).unwrap();
    // 2021-03-01 (Mon) to 2021-03-05: 4 working days after the opening day.
    let md = HIST_MD.replace(
        "closes: 2021-03-31\n",
        "opens: 2021-03-01\ncloses: 2021-03-05\n",
    );
    std::fs::write(root.join(HIST), md).unwrap();
    let o = run(&["check", "--root", root.to_str().unwrap(), "--now", NOW]);
    let out = text(&o);
    assert!(
        out.contains("consultation.historical-window-short"),
        "{out}"
    );
    assert!(out.contains("4个工作日"), "{out}");
    assert!(!out.contains("consultation.window-short]"), "{out}");
    build(root);
    let html =
        std::fs::read_to_string(root.join("public/consultations/old-plan/index.html")).unwrap();
    assert!(html.contains("2021年3月1日至2021年3月5日24:00"), "{html}");
    // Both dates given: the real length, from the dates entered.
    let v = consultation_json(root, "old-plan");
    assert_eq!(v["window_working_days"], 4, "{v}");
    assert_eq!(
        v["opens"].as_str().map(|s| s.starts_with("2021-03-01")),
        Some(true),
        "{v}"
    );
}
