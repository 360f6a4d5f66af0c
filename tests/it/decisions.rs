//! 重大行政决策: the decision page's timeline (every stage in order, done with its date and
//! links, pending, or not applicable where the catalogue says so), the catalogue's page and
//! open data, the catalogue reminder that waits for 31 March, and hostile counts.
//! The rules' exact messages are the fixtures `tests/fixtures/diagnostics/decision-*`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const CATALOGUE: &str = "---
title: 2026年度重大行政决策事项目录
published: 2026-03-20
year: 2026
items:
  - no: \"1\"
    title: 提高县级基础养老金标准
    unit: 社会保险股
    participation: true
    expert: false
    risk: true
---
";

/// Decided and published; expert argument not applicable; evaluation and feedback pending.
const DECISION: &str = "---
title: 提高县级基础养老金标准
published: 2026-09-24
year: 2026
item: \"1\"
risk:
  date: 2026-09-07
  conclusion: 低风险，可以实施
legal_review:
  date: 2026-09-15
  opinion: 部分合法
  reasons: 第三条需修改
discussion:
  date: 2026-09-22
  meeting: 2026年第9次局务会议
  present: 9
  total: 11
  votes:
    for: 8
    against: 1
publication:
  date: 2026-09-24
  document: notice
evaluation:
  due: 2027-12-31
---
";

fn decision_site() -> tempfile::TempDir {
    let site = site("minimal");
    write(
        site.path(),
        "content/decision-catalogues/2026.md",
        CATALOGUE,
    );
    write(site.path(), "content/decisions/d.md", DECISION);
    site
}

#[test]
fn the_decision_page_shows_every_stage_in_order_with_its_state() {
    let site = decision_site();
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(site.path().join("public/decisions/d/index.html")).unwrap();
    let ol = page
        .split("<ol class=\"flow\">")
        .nth(1)
        .and_then(|s| s.split("</ol>").next())
        .unwrap_or_else(|| panic!("no timeline: {page}"));
    // Eight stages, in the order of the procedure.
    let names = [
        "公众参与",
        "专家论证",
        "风险评估",
        "合法性审查",
        "集体讨论决定",
        "决定公布",
        "实施后评估",
        "跟踪反馈",
    ];
    let mut at = 0;
    for n in names {
        let i = ol[at..]
            .find(&format!("<h3 class=\"flow-name\">{n}："))
            .unwrap_or_else(|| panic!("{n} missing or out of order: {ol}"));
        at += i + 1;
    }
    assert_eq!(ol.matches("<li class=\"flow-step").count(), 8, "{ol}");
    // Done, with a machine-readable date; not applicable where the catalogue says false;
    // pending where nothing was entered (never an invented date).
    assert!(
        ol.contains("风险评估：已完成（<time datetime=\"2026-09-07\">2026年9月7日</time>）"),
        "{ol}"
    );
    assert!(ol.contains("专家论证：不适用</h3>"), "{ol}");
    assert!(ol.contains("公众参与：待进行</h3>"), "{ol}");
    assert!(ol.contains("实施后评估：待进行</h3>"), "{ol}");
    assert!(ol.contains("<dd>2027年12月31日</dd>"), "the due date: {ol}");
    assert!(ol.contains("跟踪反馈：待进行</h3>"), "{ol}");
    assert!(
        ol.contains("<dd>部分合法</dd>") && ol.contains("<dd>第三条需修改</dd>"),
        "{ol}"
    );
    assert!(ol.contains("组成人员11人，出席9人"), "{ol}");
    assert!(ol.contains("赞成8，反对1，弃权未注明"), "{ol}");
    // The decision document is linked; the catalogue item is named and linked.
    assert!(ol.contains("<a href=\"/documents/notice/\">"), "{ol}");
    assert!(
        page.contains(
            "<a href=\"/decision-catalogues/2026/\">2026年度目录</a>第1项：提高县级基础养老金标准"
        ),
        "{page}"
    );
    assert!(page.contains("<dd>社会保险股</dd>"), "{page}");
    assert!(
        page.contains("<dt>计划完成时间</dt><dd>未注明</dd>"),
        "{page}"
    );
    // No script is needed to read it.
    assert!(!ol.contains("<script"), "{ol}");

    // The catalogue's page and open data.
    let cat = std::fs::read_to_string(
        site.path()
            .join("public/decision-catalogues/2026/index.html"),
    )
    .unwrap();
    assert!(cat.contains("<td data-label=\"专家论证\">否</td>"), "{cat}");
    assert!(cat.contains("<td data-label=\"听证\">未注明</td>"), "{cat}");
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/data/decision-catalogues.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(data[0]["year"], 2026);
    assert_eq!(data[0]["items"][0]["risk"], true);
    assert!(data[0]["items"][0]["hearing"].is_null(), "{data}");
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/data/decisions.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(data[0]["legal_review"]["opinion"], "部分合法");
    assert_eq!(data[0]["discussion"]["votes"]["for"], 8);
    assert!(data[0]["expert"].is_null(), "{data}");
    assert!(data[0]["evaluation"]["date"].is_null(), "{data}");
}

#[test]
fn the_missing_catalogue_is_reported_only_after_31_march() {
    let site = site("minimal");
    write(
        site.path(),
        "content/decision-catalogues/2025.md",
        &CATALOGUE.replace("2026", "2025"),
    );
    let root = site.path().to_str().unwrap();
    let at = |now: &str| text(&run(&["check", "--root", root, "--now", now]));
    let before = at("2026-03-31T23:00:00+08:00");
    assert!(!before.contains("decision.catalogue-missing"), "{before}");
    let after = at("2026-04-01T09:00:00+08:00");
    assert!(
        after.contains("警告[decision.catalogue-missing]: 2026年度重大行政决策事项目录还没有公布"),
        "{after}"
    );
    // A site that publishes no decisions is not asked for a catalogue.
    let plain = crate::common::site("minimal");
    let o = run(&[
        "check",
        "--root",
        plain.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(!text(&o).contains("decision."), "{}", text(&o));
}

#[test]
fn huge_counts_are_located_errors_not_a_crash() {
    for (present, total, yes) in [
        ("4294967295", "4294967295", "4294967295"),
        ("99999999999999999999999", "3", "1"),
        ("-1", "3", "1"),
    ] {
        let site = decision_site();
        let text_in = DECISION
            .replace("present: 9", &format!("present: {present}"))
            .replace("total: 11", &format!("total: {total}"))
            .replace("for: 8", &format!("for: {yes}"));
        write(site.path(), "content/decisions/d.md", &text_in);
        let o = run(&[
            "check",
            "--root",
            site.path().to_str().unwrap(),
            "--now",
            NOW,
        ]);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{present}: {out}");
        assert!(out.contains("content/decisions/d.md:"), "{present}: {out}");
        assert!(!out.contains("panicked"), "{present}: {out}");
    }
}
