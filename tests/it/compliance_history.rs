//! The history rules on a real git repository: a published decision's facts, a record's
//! 索引号 and an opinion ledger never change in place; status changes and dated corrections
//! are how a published decision changes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::path::Path;

const DECISION: &str = "---
title: 测试有限公司拖欠工资案
published: 2026-11-20
index_no: CSRSJ/2026-00002
case_no: 测人社罚〔2026〕9号
action: 处罚
party:
  type: 法人
  name: 测试有限公司
  credit_code: 91420583MA4F2K7LX9
facts: |
  当事人拖欠12名劳动者2026年9月工资共计8万元。
basis: 《劳动保障监察条例》第二十六条。
decision: 责令限期支付。
remedy: 如不服本决定，可在六十日内申请行政复议。
decided: 2026-11-16
authority: 测试县人力资源和社会保障局
penalties: [警告]
---
";

/// The minimal site plus the decision, committed.
fn repo_with_decision() -> tempfile::TempDir {
    let site = site("minimal");
    let d = site.path();
    std::fs::create_dir_all(d.join("content/enforcement")).unwrap();
    std::fs::write(d.join("content/enforcement/e.md"), DECISION).unwrap();
    git(d, &["init", "-q"]);
    commit_all(d, "发布执法决定");
    site
}

fn check(dir: &Path) -> (bool, String) {
    let o = run(&["check", "--root", dir.to_str().unwrap(), "--now", NOW]);
    (o.status.success(), text(&o))
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{from} not in {rel}");
    std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

const E: &str = "content/enforcement/e.md";

#[test]
fn a_published_decision_is_clean_and_reformatting_is_not_a_change() {
    let site = repo_with_decision();
    let d = site.path();
    assert_eq!(check(d), (true, "检查通过：没有发现问题。\n".to_string()));
    // Same values, other YAML style.
    edit(
        d,
        E,
        "decision: 责令限期支付。",
        "decision: \"责令限期支付。\"",
    );
    edit(d, E, "facts: |\n  当事人", "facts: >-\n  当事人");
    commit_all(d, "格式调整");
    let (ok, out) = check(d);
    assert!(ok, "{out}");
}

#[test]
fn editing_the_facts_after_publication_fails_naming_the_commit() {
    let site = repo_with_decision();
    let d = site.path();
    edit(d, E, "共计8万元", "共计6万元");
    let hash = commit_all(d, "改了事实");
    let (ok, out) = check(d);
    assert!(!ok, "{out}");
    assert!(
        out.contains("错误[history.edited-after-publication]"),
        "{out}"
    );
    assert!(
        out.contains(&format!("提交 {}（改了事实）", &hash[..8])),
        "{out}"
    );
    assert!(out.contains("content/enforcement/e.md:12:3"), "{out}");
    assert!(out.contains("“主要事实”"), "{out}");
    // A dated correction entry makes the same edit legitimate.
    let t = std::fs::read_to_string(d.join(E)).unwrap();
    let t = t.replacen(
        "authority: 测试县人力资源和社会保障局\n",
        "authority: 测试县人力资源和社会保障局\ncorrections:\n  - date: 2026-11-24\n    field: facts\n    reason: 原文欠薪金额有误，以决定书为准\n",
        1,
    );
    std::fs::write(d.join(E), t).unwrap();
    let (ok, out) = check(d);
    assert!(ok, "{out}");
}

#[test]
fn an_uncommitted_edit_is_caught_before_the_commit() {
    let site = repo_with_decision();
    let d = site.path();
    edit(d, E, "name: 测试有限公司", "name: 测试实业有限公司");
    let (ok, out) = check(d);
    assert!(!ok, "{out}");
    assert!(
        out.contains("“当事人”在尚未提交的修改中被直接修改"),
        "{out}"
    );
}

#[test]
fn a_status_change_with_its_change_record_passes() {
    let site = repo_with_decision();
    let d = site.path();
    edit(
        d,
        E,
        "authority: 测试县人力资源和社会保障局\n",
        "authority: 测试县人力资源和社会保障局\nstatus: 已撤销\nchanged:\n  date: 2026-11-23\n  reason: 经行政复议撤销\n",
    );
    edit(
        d,
        E,
        "published: 2026-11-20\n",
        "published: 2026-11-20\nupdated: 2026-11-24\n",
    );
    commit_all(d, "决定被撤销");
    let (ok, out) = check(d);
    assert!(ok, "{out}");
    assert!(out.contains("检查通过"), "{out}");
}

#[test]
fn changing_an_index_number_fails_and_restoring_it_passes() {
    let site = repo_with_decision();
    let d = site.path();
    edit(
        d,
        "content/documents/notice.md",
        "index_no: CSRSJ/2026-00001",
        "index_no: CSRSJ/2026-00009",
    );
    let hash = commit_all(d, "改索引号");
    let (ok, out) = check(d);
    assert!(!ok, "{out}");
    assert!(out.contains("错误[history.index-no-changed]"), "{out}");
    assert!(out.contains(&hash[..8]), "{out}");
    assert!(
        out.contains("index_no: CSRSJ/2026-00001（首次发布时的索引号）"),
        "{out}"
    );
    edit(
        d,
        "content/documents/notice.md",
        "index_no: CSRSJ/2026-00009",
        "index_no: CSRSJ/2026-00001",
    );
    let (ok, out) = check(d);
    assert!(ok, "{out}");
}

const CONSULTATION: &str = "---
title: 测试征集
published: 2026-11-20
summary: 基本情况。
basis: 依据。
reasons: 理由。
decision_type: 规范性文件
opens: 2026-11-20
channels:
  email: a@test.example.gov.cn
---
";

/// Three entries of a valid hash-chained ledger (as `gongshi feedback export` writes them).
const LEDGER: [&str; 3] = [
    r#"{"seq":1,"receipt":"CS20261111-0001-AB1C","received":"2026-11-11T10:00:00+08:00","consultation":"c","channel":"网站","kind":"comment","section":null,"opinion":"建议延长期限。","withheld":false,"opinion_digest":"de605e164cfbcd53aa4be11122b28cbb6266c3fb94e99f264640cf44d76a5a9b","consent":true,"hash":"cb3155e812cf57863bde84ef2e938e682cf06d6d5403aafd58d5393cf29a579c","prev_hash":"0000000000000000000000000000000000000000000000000000000000000000"}"#,
    r#"{"seq":2,"receipt":"CS20261112-0002-AB2C","received":"2026-11-12T10:00:00+08:00","consultation":"c","channel":"网站","kind":"comment","section":null,"opinion":"第三条不清楚。","withheld":false,"opinion_digest":"df8e4a11e951bd2afc1a6b8d56665506249abb26cb6fc725137701525f9165d6","consent":true,"hash":"53def302429368bc18414d1c35ec18a934001e27a0d3661c6b7950ed57c6b414","prev_hash":"cb3155e812cf57863bde84ef2e938e682cf06d6d5403aafd58d5393cf29a579c"}"#,
    r#"{"seq":3,"receipt":"CS20261113-0003-AB3C","received":"2026-11-13T10:00:00+08:00","consultation":"c","channel":"网站","kind":"comment","section":null,"opinion":"第五条应当写明时限。","withheld":false,"opinion_digest":"57e9a7402c797c330819bd4e66f8ff29732fef6c1b02c315b97aba1e6b75e812","consent":true,"hash":"efc74e1f85a794c747a9bcf2bcaa18a9e54804f92fc62cf3641445e4c0b67f42","prev_hash":"53def302429368bc18414d1c35ec18a934001e27a0d3661c6b7950ed57c6b414"}"#,
];

fn ledger_of(n: usize) -> String {
    LEDGER[..n].iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn an_opinion_ledger_may_grow_but_not_be_rewritten() {
    let site = repo_with_decision();
    let d = site.path();
    let dir = d.join("content/consultations/c");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.md"), CONSULTATION).unwrap();
    std::fs::write(dir.join("opinions.jsonl"), ledger_of(2)).unwrap();
    commit_all(d, "导出意见");
    std::fs::write(dir.join("opinions.jsonl"), ledger_of(3)).unwrap();
    commit_all(d, "追加意见");
    let (ok, out) = check(d);
    assert!(ok, "{out}");
    // Dropping the last opinion keeps a valid chain, but rewrites what was published.
    std::fs::write(dir.join("opinions.jsonl"), ledger_of(2)).unwrap();
    let hash = commit_all(d, "删除一条意见");
    let (ok, out) = check(d);
    assert!(!ok, "{out}");
    assert!(out.contains("错误[history.ledger-rewritten]"), "{out}");
    assert!(
        out.contains("content/consultations/c/opinions.jsonl:3:1"),
        "{out}"
    );
    assert!(
        out.contains(&format!("提交 {}（删除一条意见）", &hash[..8])),
        "{out}"
    );
}

#[test]
fn a_folder_outside_git_has_no_history_rules() {
    let site = site("minimal");
    let d = site.path();
    std::fs::create_dir_all(d.join("content/enforcement")).unwrap();
    std::fs::write(d.join("content/enforcement/e.md"), DECISION).unwrap();
    let (ok, out) = check(d);
    assert!(ok, "{out}");
}

#[test]
fn adding_a_remedy_to_a_published_decision_needs_a_correction() {
    let site = site("minimal");
    let d = site.path();
    std::fs::create_dir_all(d.join("content/enforcement")).unwrap();
    let without = DECISION.replace("remedy: 如不服本决定，可在六十日内申请行政复议。\n", "");
    assert_ne!(without, DECISION);
    std::fs::write(d.join(E), &without).unwrap();
    git(d, &["init", "-q"]);
    commit_all(d, "发布执法决定");
    // Published without 救济途径: a warning only.
    let (ok, out) = check(d);
    assert!(ok && out.contains("警告[enforcement.no-remedy]"), "{out}");
    std::fs::write(d.join(E), DECISION).unwrap();
    let (ok, out) = check(d);
    assert!(!ok, "{out}");
    assert!(
        out.contains("“救济途径”在尚未提交的修改中被直接修改"),
        "{out}"
    );
    edit(
        d,
        E,
        "authority: 测试县人力资源和社会保障局\n",
        "authority: 测试县人力资源和社会保障局\ncorrections:\n  - date: 2026-11-24\n    field: remedy\n    reason: 原公示时漏登救济途径，照决定书补录\n",
    );
    let (ok, out) = check(d);
    assert!(ok, "{out}");
    assert!(!out.contains("enforcement.no-remedy"), "{out}");
}
