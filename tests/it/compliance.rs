//! Compliance rules end to end: the example site is clean (also for the privacy lint over all
//! content), `check --html` writes the staff page, JSON carries stable codes, a withdrawn or
//! expired decision leaves every output but its withdrawal notice, and `build` refuses to
//! publish a compliance error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::path::Path;

fn decision(published: &str, decided: &str, extra: &str) -> String {
    format!(
        "---
title: 测试有限公司违法案
published: {published}
case_no: 测人社罚〔2026〕1号
action: 处罚
penalties: [警告]
party:
  type: 法人
  name: 测试有限公司
facts: 独一无二的违法事实文本。
basis: 依据。
decision: 决定。
remedy: 如不服本决定，可在六十日内申请行政复议。
decided: {decided}
authority: 测试县人力资源和社会保障局
{extra}---
"
    )
}

fn with_decision(text: &str) -> tempfile::TempDir {
    let site = site("minimal");
    let dir = site.path().join("content/enforcement");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("e.md"), text).unwrap();
    site
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_example_site_has_no_privacy_findings_even_over_all_content() {
    let site = site("example");
    let o = run(&[
        "check",
        "--root",
        s(site.path()),
        "--now",
        NOW,
        "--strict",
        "--privacy-all",
    ]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(!out.contains("privacy."), "{out}");
    assert!(out.contains("检查通过"), "{out}");
}

#[test]
fn check_html_writes_a_page_with_the_late_decision() {
    let site = with_decision(&decision("2026-11-20", "2026-11-02", ""));
    let page = site.path().join("合规检查.html");
    let o = run(&[
        "check",
        "--root",
        s(site.path()),
        "--now",
        NOW,
        "--html",
        s(&page),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("<style>"), "CSS is inline");
    assert!(
        !html.contains("<script") && !html.contains("<link"),
        "self-contained"
    );
    // The overdue list names the decision, its deadline and the file.
    let overdue =
        &html[html.find("id=\"overdue\"").unwrap()..html.find("id=\"withdrawn\"").unwrap()];
    assert!(overdue.contains("测试有限公司违法案"), "{overdue}");
    assert!(overdue.contains("2026年11月11日"), "{overdue}");
    assert!(overdue.contains("content/enforcement/e.md"), "{overdue}");
    // And the diagnostics grouped by file carry the code and position.
    assert!(html.contains("<code>enforcement.late</code>"));
    assert!(html.contains("3:12"));
    // The same input gives the same bytes.
    let again = site.path().join("again.html");
    run(&[
        "check",
        "--root",
        s(site.path()),
        "--now",
        NOW,
        "--html",
        s(&again),
    ]);
    assert_eq!(
        std::fs::read(&page).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn check_html_is_written_also_when_the_check_fails() {
    let site = with_decision(&decision(
        "2026-11-20",
        "2026-11-16",
        "display_until: 2026-12-10\n",
    ));
    let e = site.path().join("content/enforcement/e.md");
    let t = std::fs::read_to_string(&e).unwrap();
    std::fs::write(
        &e,
        t.replace("type: 法人", "type: 自然人")
            .replace("测试有限公司\n", "张三\n"),
    )
    .unwrap();
    let page = site.path().join("page.html");
    let o = run(&[
        "check",
        "--root",
        s(site.path()),
        "--now",
        NOW,
        "--html",
        s(&page),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("未通过"), "{html}");
    assert!(html.contains("privacy.person-name"), "{html}");
    assert!(
        !html.contains("张三"),
        "the page never shows the personal data"
    );
    // Display period ends within 30 days: listed as expiring soon.
    let soon = &html[html.find("id=\"expiring\"").unwrap()..html.find("id=\"missing\"").unwrap()];
    assert!(soon.contains("2026年12月10日"), "{soon}");
}

#[test]
fn json_output_has_stable_codes_and_severities() {
    let site = with_decision(&decision(
        "2026-11-20",
        "2026-11-02",
        "display_until: 2026-11-21\n",
    ));
    let o = run(&[
        "check",
        "--root",
        s(site.path()),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ds = v["diagnostics"].as_array().unwrap();
    let pairs: Vec<(String, String)> = ds
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        pairs.contains(&("enforcement.late".into(), "warning".into())),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("enforcement.expired".into(), "info".into())),
        "{pairs:?}"
    );
    assert_eq!(v["warnings"], 1);
    assert_eq!(v["infos"], 1);
    assert_eq!(v["errors"], 0);
}

#[test]
fn strict_fails_on_warnings_but_not_on_notes() {
    let site = with_decision(&decision(
        "2026-11-20",
        "2026-11-16",
        "display_until: 2026-11-21\n",
    ));
    let o = run(&["check", "--root", s(site.path()), "--now", NOW, "--strict"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("另有 1 条提示"), "{}", text(&o));
    let site = with_decision(&decision("2026-11-20", "2026-11-02", ""));
    let o = run(&["check", "--root", s(site.path()), "--now", NOW, "--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

fn public_text(root: &Path) -> String {
    tree(&root.join("public"))
        .into_iter()
        .map(|(p, b)| format!("{p}\n{}", String::from_utf8_lossy(&b)))
        .collect()
}

#[test]
fn a_withdrawn_decision_leaves_every_output_but_its_notice() {
    let site = with_decision(&decision(
        "2026-11-20",
        "2026-11-16",
        "status: 已撤销\nchanged:\n  date: 2026-11-23\n  reason: 经行政复议撤销\n",
    ));
    let e = site.path().join("content/enforcement/e.md");
    let t = std::fs::read_to_string(&e).unwrap();
    std::fs::write(
        &e,
        t.replace(
            "published: 2026-11-20\n",
            "published: 2026-11-20\nupdated: 2026-11-24\n",
        ),
    )
    .unwrap();
    let o = run(&["build", "-q", "--root", s(site.path()), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let all = public_text(site.path());
    assert!(
        !all.contains("独一无二的违法事实文本"),
        "the old text is gone everywhere"
    );
    let list = std::fs::read_to_string(site.path().join("public/enforcement/index.html")).unwrap();
    assert!(!list.contains("测试有限公司违法案"), "{list}");
    let page =
        std::fs::read_to_string(site.path().join("public/enforcement/e/index.html")).unwrap();
    assert!(page.contains("经行政复议撤销"), "{page}");
}

#[test]
fn an_expired_decision_leaves_the_site_and_check_notes_it() {
    let site = with_decision(&decision(
        "2026-11-20",
        "2026-11-16",
        "display_until: 2026-11-21\n",
    ));
    let o = run(&["check", "--root", s(site.path()), "--now", NOW]);
    assert!(
        text(&o).contains("提示[enforcement.expired]: 已过公示期，已自动撤下"),
        "{}",
        text(&o)
    );
    let o = run(&["build", "-q", "--root", s(site.path()), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!public_text(site.path()).contains("独一无二的违法事实文本"));
}

#[test]
fn build_refuses_to_publish_a_compliance_error() {
    let site = with_decision(&decision("2026-11-20", "2026-11-16", ""));
    let e = site.path().join("content/enforcement/e.md");
    let t = std::fs::read_to_string(&e).unwrap();
    std::fs::write(
        &e,
        t.replace(
            "facts: 独一无二的违法事实文本。",
            "facts: 联系人手机 13912345678。",
        ),
    )
    .unwrap();
    let o = run(&["build", "--root", s(site.path()), "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("错误[privacy.mobile]"), "{out}");
    assert!(
        !out.contains("13912345678"),
        "never a digit of the value: {out}"
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn corrections_are_shown_on_the_decision_page() {
    let site = with_decision(&decision(
        "2026-11-20",
        "2026-11-16",
        "corrections:\n  - date: 2026-11-24\n    field: facts\n    reason: 原文金额有误\n",
    ));
    let o = run(&["build", "-q", "--root", s(site.path()), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let page =
        std::fs::read_to_string(site.path().join("public/enforcement/e/index.html")).unwrap();
    assert!(page.contains("更正记录"), "{page}");
    assert!(
        page.contains("2026年11月24日更正“主要事实”：原文金额有误"),
        "{page}"
    );
}

/// What the kinds' clock hooks say is due (officers' certificates, a decision's evaluation,
/// a spot-check plan's results) is listed in the compliance page's 「即将到期」 and 「逾期」,
/// not only as warnings by file.
#[test]
fn the_compliance_page_lists_what_the_kinds_say_is_due() {
    let site = site("minimal");
    let write = |rel: &str, text: &str| {
        let p = site.path().join("content").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "officers/dadui.md",
        "---\ntitle: 执法人员名录\npublished: 2026-01-05\nunit: 测试县劳动保障监察大队\nofficers:\n  - name: 王建国\n    cert_no: \"42050019001\"\n    category: 劳动保障监察\n    valid_until: 2026-12-10\n  - name: 李明\n    cert_no: \"42050019002\"\n    category: 劳动保障监察\n    valid_until: 2026-11-30\n  - name: 赵强\n    cert_no: \"42050019003\"\n    category: 劳动保障监察\n    valid_until: 2028-06-30\n---\n",
    );
    write(
        "decision-catalogues/2026.md",
        "---\ntitle: 2026年度重大行政决策事项目录\npublished: 2026-03-20\nyear: 2026\nitems:\n  - no: \"1\"\n    title: 提高县级基础养老金标准\n    unit: 社会保险股\n    risk: false\n---\n",
    );
    write(
        "decisions/d.md",
        "---\ntitle: 提高县级基础养老金标准\npublished: 2026-09-24\nyear: 2026\nitem: \"1\"\nlegal_review:\n  date: 2026-09-15\n  opinion: 合法\ndiscussion:\n  date: 2026-09-22\n  meeting: 局务会议\n  present: 9\n  total: 11\npublication:\n  date: 2026-09-24\nevaluation:\n  due: 2026-12-20\n---\n",
    );
    write(
        "spot-check-plans/2026.md",
        "---\ntitle: 2026年度双随机抽查计划\npublished: 2026-03-10\nyear: 2026\ntasks:\n  - matter: 工资支付情况的检查\n    target: 辖区内用人单位\n    department: 监察大队\n  - matter: 劳务派遣情况的检查\n    target: 劳务派遣单位\n    department: 监察大队\nresults:\n  - target: 测试县某某公司\n    matter: 工资支付情况的检查\n    date: 2026-06-16\n    outcome: 未发现问题\n---\n",
    );
    let page = site.path().join("page.html");
    let now = "2026-12-05T10:00:00+08:00";
    let o = run(&[
        "check",
        "--root",
        s(site.path()),
        "--now",
        now,
        "--html",
        s(&page),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    let section = |id: &str| {
        let from = html.find(&format!("<h2 id=\"{id}\"")).unwrap() + 3;
        let to = html[from..].find("<h2").map_or(html.len(), |i| from + i);
        html[from..to].to_string()
    };
    let soon = section("expiring");
    assert!(
        soon.contains("王建国") && soon.contains("2026年12月10日"),
        "{soon}"
    );
    assert!(
        soon.contains("实施后评估应于2026年12月20日前完成"),
        "{soon}"
    );
    assert!(soon.contains("1项抽查任务还没有公开结果"), "{soon}");
    assert!(!soon.contains("赵强") && !soon.contains("李明"), "{soon}");
    let late = section("overdue");
    assert!(
        late.contains("李明") && late.contains("已于2026年11月30日到期"),
        "{late}"
    );
    assert!(!late.contains("王建国"), "{late}");
    // The certificates are warnings in check's output as before, each once.
    let out = text(&o);
    assert_eq!(out.matches("officers.expiring").count(), 2, "{out}");
    // Ten days later the evaluation is overdue: its warning and its 「逾期」 line.
    let o = run(&[
        "check",
        "--root",
        s(site.path()),
        "--now",
        "2026-12-21T10:00:00+08:00",
        "--html",
        s(&page),
    ]);
    let out = text(&o);
    assert_eq!(
        out.matches("decision.evaluation-overdue").count(),
        1,
        "{out}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    let from = html.find("<h2 id=\"overdue\"").unwrap();
    let to = html.find("<h2 id=\"withdrawn\"").unwrap_or(html.len());
    assert!(
        html[from..to].contains("实施后评估逾期"),
        "{}",
        &html[from..to]
    );
}
