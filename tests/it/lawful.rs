//! Enforcement that shows it was reviewed (issue 21 §2): the legal review of a major
//! enforcement decision on its page, the officer register and the decisions' links to it, the
//! privacy lint's treatment of the register, and hostile review dates. The rules' messages are
//! the fixtures under tests/fixtures/diagnostics/ (`enforcement-review-*`,
//! `enforcement-officer-*`, `officers-*`, `config-enforcement`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

const MAJOR: &str = "---
title: 测试有限公司违法案
published: 2026-11-05
case_no: 测人社罚〔2026〕1号
action: 处罚
party:
  type: 法人
  name: 测试有限公司
facts: 事实。
basis: 依据。
decision: 处以罚款6万元。
remedy: 如不服本决定，可在六十日内申请行政复议。
fine: 60000
decided: 2026-11-02
authority: 测试县人力资源和社会保障局
officers:
  - \"42050019001\"
  - 李明
legal_review:
  office: 局法制科
  submitted: 2026-10-20
  reviewed: 2026-10-28
  opinion: 同意。事实清楚，证据确凿。
---
";

const REGISTER: &str = "---
title: 劳动保障监察大队执法人员名录
published: 2026-01-05
unit: 测试县劳动保障监察大队
officers:
  - name: 王建国
    cert_no: \"42050019001\"
    category: 劳动保障监察
    area: 测试县全域
    valid_until: 2028-06-30
  - name: 李明
    cert_no: \"42050019002\"
    category: 劳动保障监察
    valid_until: 2028-10-31
---
";

fn site_with(files: &[(&str, &str)], toml_extra: &str) -> tempfile::TempDir {
    let site = site("minimal");
    for (path, body) in files {
        let p = site.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    if !toml_extra.is_empty() {
        let toml = site.path().join("site.toml");
        let mut text = std::fs::read_to_string(&toml).unwrap();
        text.push_str(toml_extra);
        std::fs::write(toml, text).unwrap();
    }
    site
}

fn build(site: &tempfile::TempDir) -> std::process::Output {
    let root = site.path().to_str().unwrap();
    run(&["build", "-q", "--root", root, "--now", NOW])
}

fn read(site: &tempfile::TempDir, rel: &str) -> String {
    std::fs::read_to_string(site.path().join("public").join(rel)).unwrap()
}

#[test]
fn a_reviewed_major_decision_shows_its_review_and_links_its_officers() {
    let site = site_with(
        &[
            ("content/enforcement/e.md", MAJOR),
            ("content/officers/team.md", REGISTER),
        ],
        "\n[enforcement]\nreview_fine_threshold = 50000\n",
    );
    let o = build(&site);
    assert!(o.status.success(), "{}", text(&o));
    let html = read(&site, "enforcement/e/index.html");
    assert!(
        html.contains(
            "<dt>法制审核</dt><dd><strong>经法制审核</strong>（局法制科，2026年10月28日）</dd>"
        ),
        "{html}"
    );
    assert!(html.contains("<dt>审核意见</dt><dd>同意。事实清楚，证据确凿。</dd>"));
    // Officers named by certificate number or by name link to their row in the register.
    assert!(
        html.contains("<a href=\"/officers/team/#o-42050019001\">王建国</a>（执法证号 42050019001）、<a href=\"/officers/team/#o-42050019002\">李明</a>（执法证号 42050019002）"),
        "{html}"
    );
    let reg = read(&site, "officers/team/index.html");
    assert!(reg.contains("<tr id=\"o-42050019001\"><td data-label=\"姓名\">王建国</td>"));
    // An area not entered is shown as not stated, never invented.
    assert!(
        reg.contains("<td data-label=\"执法区域\">未注明</td>"),
        "{reg}"
    );
    // The register is open data; the list page exists.
    let data: serde_json::Value = serde_json::from_str(&read(&site, "data/officers.json")).unwrap();
    assert_eq!(data[0]["officers"][1]["name"], "李明");
    assert_eq!(data[0]["officers"][1]["area"], serde_json::Value::Null);
    assert_eq!(data[0]["officers"][1]["valid_until"], "2028-10-31");
    assert!(read(&site, "officers/index.html").contains("/officers/team/"));
}

#[test]
fn a_decision_without_review_or_officers_shows_neither() {
    let plain = MAJOR
        .replace("fine: 60000\n", "")
        .split("officers:")
        .next()
        .unwrap()
        .to_string()
        + "---\n";
    let site = site_with(&[("content/enforcement/e.md", &plain)], "");
    let o = build(&site);
    assert!(o.status.success(), "{}", text(&o));
    let html = read(&site, "enforcement/e/index.html");
    assert!(!html.contains("法制审核"), "{html}");
    assert!(!html.contains("<dt>执法人员</dt>"), "{html}");
}

#[test]
fn a_major_decision_without_review_is_not_published() {
    let unreviewed = MAJOR.split("legal_review:").next().unwrap().to_string() + "---\n";
    let site = site_with(
        &[
            ("content/enforcement/e.md", &unreviewed),
            ("content/officers/team.md", REGISTER),
        ],
        "\n[enforcement]\nreview_fine_threshold = 50000\n",
    );
    let o = build(&site);
    assert!(!o.status.success());
    let out = text(&o);
    assert!(out.contains("错误[enforcement.review-missing]"), "{out}");
    assert!(out.contains("content/enforcement/e.md:13:7"), "{out}");
}

#[test]
fn the_privacy_lint_does_not_report_officers_names_in_the_register() {
    // Labelled full names in a register's text are what the register publishes by law.
    let register = REGISTER.replace("---\n\n", "---\n") + "大队负责人：王建国。\n";
    let site = site_with(&[("content/officers/team.md", &register)], "");
    let root = site.path().to_str().unwrap();
    let o = run(&["check", "--root", root, "--now", NOW, "--privacy-all"]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(!out.contains("privacy."), "{out}");
    // The same text in a document is still reported.
    let doc = "---\ntitle: 通知\npublished: 2026-11-01\ndoc_kind: notice\nvalidity: 有效\n---\n大队负责人：王建国。\n";
    let site = site_with(&[("content/documents/n.md", doc)], "");
    let root = site.path().to_str().unwrap();
    let o = run(&["check", "--root", root, "--now", NOW, "--privacy-all"]);
    assert!(text(&o).contains("privacy.labelled-name"), "{}", text(&o));
}

#[test]
fn hostile_review_dates_are_located_and_bounded() {
    // A review submitted in 1900 and reviewed in 9999 must not walk the calendar day by day
    // past what it covers: one located error, quickly.
    let hostile = MAJOR
        .replace("submitted: 2026-10-20", "submitted: 1900-01-01")
        .replace("reviewed: 2026-10-28", "reviewed: 2026-10-30");
    let site = site_with(&[("content/enforcement/e.md", &hostile)], "");
    let root = site.path().to_str().unwrap();
    let started = std::time::Instant::now();
    let o = run(&["check", "--root", root, "--now", NOW]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("错误[enforcement.deadline-unknown]"), "{out}");
    assert!(out.contains("legal_review.submitted"), "{out}");
    // Dates that are not dates are schema errors at their line, the decision kept in view.
    let bad = MAJOR.replace("reviewed: 2026-10-28", "reviewed: 二〇二六年");
    let site = site_with(&[("content/enforcement/e.md", &bad)], "");
    let root = site.path().to_str().unwrap();
    let o = run(&["check", "--root", root, "--now", NOW]);
    let out = text(&o);
    assert!(
        out.contains("e.md:22:13") && out.contains("schema.bad-date"),
        "{out}"
    );
}

const PLAN: &str = "---
title: 2026年度双随机抽查计划
published: 2026-03-10
year: 2026
tasks:
  - matter: 劳动用工检查
    target: 辖区内用人单位
    department: 监察大队
results:
  - target: 测试有限公司
    matter: 劳动用工检查
    date: 2026-11-02
    outcome: 未发现问题
---
";

const CHECK: &str = "---
title: 测试有限公司检查结果
published: 2026-11-05
case_no: 测人社监检〔2026〕1号
action: 检查
party:
  type: 法人
  name: 测试有限公司
facts: 事实。
basis: 依据。
decision: 未发现问题。
decided: 2026-11-02
authority: 测试县人力资源和社会保障局
plan: \"2026\"
---
";

#[test]
fn an_inspection_links_its_plan_and_the_plan_lists_it() {
    let list = "---\ntitle: 随机抽查事项清单\npublished: 2026-02-20\nitems:\n  - category: 重点检查事项\n    matter: 劳动用工检查\n    target: 辖区内用人单位\n    basis: 《劳动保障监察条例》第十一条\n    department: 监察大队\n    method: 实地核查\n---\n";
    let site = site_with(
        &[
            ("content/enforcement/c.md", CHECK),
            ("content/spot-check-plans/2026.md", PLAN),
            ("content/spot-check-lists/list.md", list),
        ],
        "",
    );
    let o = build(&site);
    assert!(o.status.success(), "{}", text(&o));
    let html = read(&site, "enforcement/c/index.html");
    assert!(
        html.contains("<dt>双随机抽查计划</dt><dd><a href=\"/spot-check-plans/2026/\">2026年度双随机抽查计划</a></dd>"),
        "{html}"
    );
    let plan = read(&site, "spot-check-plans/2026/index.html");
    assert!(
        plan.contains("<a href=\"/enforcement/c/\">测试有限公司检查结果</a>"),
        "{plan}"
    );
    // Ratio and period not entered are 「未注明」, never invented.
    assert!(
        plan.contains("<td data-label=\"抽查比例\">未注明</td>"),
        "{plan}"
    );
    let list_page = read(&site, "spot-check-lists/list/index.html");
    assert!(list_page.contains("<td data-label=\"抽查方式\">实地核查</td>"));
    let data: serde_json::Value =
        serde_json::from_str(&read(&site, "data/spot-check-plans.json")).unwrap();
    assert_eq!(data[0]["results"][0]["date"], "2026-11-02");
    assert_eq!(data[0]["tasks"][0]["ratio"], serde_json::Value::Null);
}

#[test]
fn accountability_publishes_counts_and_grades_and_states_what_is_missing() {
    let rec = "---\ntitle: 2026年度执法监督情况\npublished: 2026-11-20\nyear: 2026\ncomplaints:\n  received: 6\n  closed: 5\n  upheld: 1\nevaluations:\n  - unit: 监察大队\n    result: 优秀\n---\n";
    let site = site_with(&[("content/accountability/2026.md", rec)], "");
    let o = build(&site);
    assert!(o.status.success(), "{}", text(&o));
    let html = read(&site, "accountability/2026/index.html");
    assert!(
        html.contains("<div><dt>收到投诉</dt><dd>6件</dd></div>"),
        "{html}"
    );
    assert!(
        html.contains("<div><dt>追责问责</dt><dd>未注明</dd></div>"),
        "{html}"
    );
    assert!(
        html.contains("<td data-label=\"考核评议结果\">优秀</td>"),
        "{html}"
    );
    let data: serde_json::Value =
        serde_json::from_str(&read(&site, "data/accountability.json")).unwrap();
    assert_eq!(data[0]["complaints"]["upheld"], 1);
    assert_eq!(data[0]["evaluations"][0]["result"], "优秀");
    // A grade that is not one of the four is a located schema error.
    let bad = rec.replace("result: 优秀", "result: 良好");
    let site = site_with(&[("content/accountability/2026.md", &bad)], "");
    let o = build(&site);
    assert!(!o.status.success());
    assert!(text(&o).contains("2026.md:11"), "{}", text(&o));
}
