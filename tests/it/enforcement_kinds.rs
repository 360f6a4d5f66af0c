//! Enforcement decisions as they really are (issue 18 §3, Enforcement): 行政处理 and 行政复议
//! decisions, a review's link to the decision it reviews, and the fields real decisions carry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

fn built(files: &[(&str, &str)]) -> tempfile::TempDir {
    let site = site("minimal");
    let dir = site.path().join("content/enforcement");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, body) in files {
        std::fs::write(dir.join(name), body).unwrap();
    }
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    site
}

fn page(site: &tempfile::TempDir, id: &str) -> String {
    std::fs::read_to_string(
        site.path()
            .join(format!("public/enforcement/{id}/index.html")),
    )
    .unwrap()
}

#[test]
fn a_review_decision_renders_its_type_and_links_the_decision_it_reviews() {
    let site = built(&[("e.md", DECISION), ("review.md", &review_of("e"))]);
    let html = page(&site, "review");
    assert!(html.contains("<dd>行政复议决定</dd>"), "{html}");
    let at = html.find("<dt>被复议的决定</dt>").expect("the reviews row");
    let row = &html[at..at + html[at..].find("</div>").unwrap()];
    assert!(
        row.contains("/enforcement/e/\">测试有限公司违法案</a>"),
        "{row}"
    );
    // The open data carries the reference as the reviewed decision's URL.
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/data/enforcement.json")).unwrap(),
    )
    .unwrap();
    let review = data
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["action"] == "复议")
        .unwrap();
    assert!(
        review["reviews"]
            .as_str()
            .is_some_and(|u| u.ends_with("/enforcement/e/")),
        "{review}"
    );
    // The original decision has no reviews row of its own.
    assert!(!page(&site, "e").contains("被复议的决定"));
    let o = run(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn a_handling_decision_is_an_action_type() {
    let handling = DECISION.replace("action: 处罚", "action: 处理");
    let site = built(&[("e.md", &handling)]);
    assert!(page(&site, "e").contains("<dd>行政处理决定</dd>"));
}

#[test]
fn legal_rep_address_cause_and_remedy_render_when_entered_and_nothing_when_absent() {
    let full = DECISION
        .replace(
            "  name: 测试有限公司\n",
            "  name: 测试有限公司\n  legal_rep: 张某\n  address: 测试县人民路1号\n",
        )
        .replace(
            "facts: 事实。\n",
            "cause: 未依法为劳动者缴纳社会保险费\nfacts: 事实。\n",
        )
        .replace(
            "decided:",
            "remedy: 如不服本决定，可在收到决定书之日起六十日内申请行政复议。\ndecided:",
        );
    let bare = DECISION.replace("〔2026〕1号", "〔2026〕3号");
    let site = built(&[("e.md", &full), ("bare.md", &bare)]);
    let html = page(&site, "e");
    for row in [
        "<dt>法定代表人</dt><dd>张某</dd>",
        "<dt>住所</dt><dd>测试县人民路1号</dd>",
        "<dt>案由</dt><dd>未依法为劳动者缴纳社会保险费</dd>",
        "id=\"h-remedy\">救济途径</h2>",
        "六十日内申请行政复议",
    ] {
        assert!(html.contains(row), "{row}\n{html}");
    }
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/data/enforcement.json")).unwrap(),
    )
    .unwrap();
    let rows = data.as_array().unwrap();
    let with = rows.iter().find(|d| d["cause"].is_string()).unwrap();
    assert_eq!(with["party"]["legal_rep"], "张某");
    assert_eq!(with["party"]["address"], "测试县人民路1号");
    assert!(with["remedy"].as_str().unwrap().contains("六十日内"));
    let without = rows.iter().find(|d| d["cause"].is_null()).unwrap();
    assert!(without["remedy"].is_null() && without["party"]["legal_rep"].is_null());
    // Nothing entered: no row, no invented value.
    let bare = page(&site, "bare");
    for word in ["法定代表人", "住所", "案由", "救济途径"] {
        assert!(!bare.contains(word), "{word}");
    }
}

#[test]
fn the_reviewed_decision_links_back_to_its_review() {
    let site = built(&[("e.md", DECISION), ("review.md", &review_of("e"))]);
    let html = page(&site, "e");
    let at = html
        .find("<h2 id=\"h-reviewed\">复议情况</h2>")
        .expect("the 复议情况 section");
    let section = &html[at..at + html[at..].find("</section>").unwrap()];
    assert!(
        section.contains("/enforcement/review/\">测试有限公司行政复议决定</a>（测政复决字〔2026〕2号，2026年11月18日）"),
        "{section}"
    );
    // The review itself is reviewed by nothing.
    assert!(!page(&site, "review").contains("复议情况"));
}

/// A decision about a minor (`party.minor`, and facts that say so), with a masked party.
const MINOR: &str = "---
title: 招用童工违法案
published: 2026-11-20
case_no: 测人社罚〔2026〕5号
action: 处罚
party:
  type: 自然人
  name: 张某
  minor: true
facts: 当事人招用未满十六周岁的人员从事餐饮服务工作。
basis: 依据。
decision: 罚款。
remedy: 如不服本决定，可在六十日内申请行政复议。
decided: 2026-11-13
authority: 测试县人力资源和社会保障局
---
";

fn check(site: &tempfile::TempDir) -> std::process::Output {
    run(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
    ])
}

fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let site = site("minimal");
    let dir = site.path().join("content/enforcement");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, body) in files {
        std::fs::write(dir.join(name), body).unwrap();
    }
    site
}

#[test]
fn a_minor_decision_masked_and_reviewed_is_published_in_full() {
    let reviewed = MINOR.replace(
        "decided:",
        "minor_reviewed:\n  by: 法制科\n  date: 2026-11-19\ndecided:",
    );
    let site = built(&[("m.md", &reviewed)]);
    let html = page(&site, "m");
    assert!(html.contains("未满十六周岁"), "{html}");
    assert!(html.contains("<dd>张某（自然人）</dd>"), "{html}");
    let data = std::fs::read_to_string(site.path().join("public/data/enforcement.json")).unwrap();
    assert!(data.contains("测人社罚〔2026〕5号"), "{data}");
    let o = check(&site);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("privacy.minor"), "{}", text(&o));
}

#[test]
fn a_reviewed_minor_decision_still_needs_every_name_masked() {
    let unmasked = MINOR.replace("  name: 张某\n", "  name: 张小明\n").replace(
        "decided:",
        "minor_reviewed:\n  by: 法制科\n  date: 2026-11-19\ndecided:",
    );
    let site = site_with(&[("m.md", &unmasked)]);
    let o = check(&site);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("错误[privacy.person-name]"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_withheld_decision_publishes_only_the_stub_everywhere() {
    let withheld = MINOR.replace(
        "decided:",
        "withheld:\n  reason: 涉及未成年人，依法不予公开\nmajor: true\nofficers:\n  - \"42999920260077\"\nlegal_review:\n  office: 局法制审核股\n  submitted: 2026-11-05\n  reviewed: 2026-11-09\n  opinion: 同意处罚意见\ndecided:",
    );
    let site = built(&[("m.md", &withheld)]);
    let html = page(&site, "m");
    for shown in [
        "【不予公开】",
        "<dt>决定书文号</dt><dd>测人社罚〔2026〕5号</dd>",
        "<dt>决定日期</dt><dd>2026年11月13日</dd>",
        "<dt>执法机关</dt><dd>测试县人力资源和社会保障局</dd>",
        "<dt>不予公开的原因</dt><dd>涉及未成年人，依法不予公开</dd>",
    ] {
        assert!(html.contains(shown), "{shown}\n{html}");
    }
    for hidden in ["未满十六周岁", "张某", "罚款", "六十日内", "主要事实"] {
        assert!(!html.contains(hidden), "{hidden}\n{html}");
    }
    // Open data, CSV, feeds and the search index carry the stub and nothing of the facts.
    let public = site.path().join("public");
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(body) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if body.contains("测人社罚〔2026〕5号") {
            seen += 1;
        }
        for hidden in ["未满十六周岁", "六十日内", "42999920260077", "同意处罚意见"]
        {
            assert!(
                !body.contains(hidden),
                "{hidden} in {}",
                entry.path().display()
            );
        }
    }
    assert!(
        seen >= 4,
        "the stub is listed, exported and searchable ({seen} files)"
    );
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(public.join("data/enforcement.json")).unwrap(),
    )
    .unwrap();
    let stub = &data.as_array().unwrap()[0];
    assert_eq!(stub["withheld"], "涉及未成年人，依法不予公开");
    assert!(stub["facts"].is_null() && stub["party"].is_null(), "{stub}");
    for none in ["major", "legal_review", "officers", "plan"] {
        assert!(stub[none].is_null(), "{none}: {stub}");
    }
    assert_eq!(stub["authority"], "测试县人力资源和社会保障局");
    let o = check(&site);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("privacy.minor"), "{}", text(&o));
}

#[test]
fn a_minor_decision_without_either_way_is_still_blocked_and_says_both() {
    let site = site_with(&[("m.md", MINOR)]);
    let o = check(&site);
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("错误[privacy.minor]"), "{out}");
    assert!(
        out.contains("minor_reviewed") && out.contains("withheld"),
        "{out}"
    );
}

/// A 不予公开 stub entered from what the bureau publishes about it: the number, type, date,
/// authority and the reason with its legal basis. Nothing of the withheld decision (party,
/// facts, basis, decision) is needed; it builds, passes `check`, and publishes the stub.
const STUB: &str = "---
title: 行政处罚决定（不予公开）
published: 2026-11-20
case_no: 测人社罚〔2026〕9号
action: 处罚
decided: 2026-11-13
authority: 测试县人力资源和社会保障局
withheld:
  reason: 涉及未成年人，依据《中华人民共和国未成年人保护法》第七十二条不予公开
---
";

#[test]
fn a_withheld_stub_needs_only_what_it_publishes() {
    let site = built(&[("stub.md", STUB)]);
    let html = page(&site, "stub");
    for shown in [
        "【不予公开】",
        "<dt>决定书文号</dt><dd>测人社罚〔2026〕9号</dd>",
        "<dt>决定日期</dt><dd>2026年11月13日</dd>",
        "<dt>执法机关</dt><dd>测试县人力资源和社会保障局</dd>",
        "第七十二条不予公开",
    ] {
        assert!(html.contains(shown), "{shown}\n{html}");
    }
    // Nothing invented for the absent party: no type, no name row.
    for hidden in ["自然人", "当事人", "主要事实"] {
        assert!(!html.contains(hidden), "{hidden}\n{html}");
    }
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/data/enforcement.json")).unwrap(),
    )
    .unwrap();
    let stub = &data.as_array().unwrap()[0];
    assert!(stub["party"].is_null() && stub["facts"].is_null(), "{stub}");
    let o = check(&site);
    assert!(o.status.success(), "{}", text(&o));
    // Without `withheld` the same record is a decision, and its content is required again.
    let site = site_with(&[(
        "stub.md",
        &STUB.replace("withheld:\n  reason: 涉及未成年人，依据《中华人民共和国未成年人保护法》第七十二条不予公开\n", ""),
    )]);
    let o = check(&site);
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    for field in ["party", "facts", "basis", "decision"] {
        assert!(
            out.contains(&format!("缺少必填字段“{field}”")),
            "{field}: {out}"
        );
    }
}
