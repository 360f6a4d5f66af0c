//! Chinese as it is written (issue 18 §4): a record in Traditional characters (`lang:
//! zh-Hant`, Traditional enum values) builds, is published as written and marked
//! `lang="zh-Hant"`, is found by a Simplified query; the privacy lint reads Traditional labels.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::process::Command;

const RECORD: &str = "content/enforcement/2026-fa-101.md";

fn build(site: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    let (root, out) = (site.to_str().unwrap(), out.to_str().unwrap());
    run(&["build", "-q", "--root", root, "--out", out, "--now", NOW])
}

/// Every token key of the built index's postings shards.
fn index_tokens(out: &std::path::Path) -> std::collections::BTreeSet<String> {
    let mut keys = std::collections::BTreeSet::new();
    for e in std::fs::read_dir(out.join("search/shards")).unwrap() {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap();
        keys.extend(v.as_object().unwrap().keys().cloned());
    }
    keys
}

#[test]
fn a_traditional_record_builds_as_written_and_is_marked_zh_hant() {
    let site = site("hant");
    let out = tempfile::tempdir().unwrap();
    let o = build(site.path(), out.path());
    assert!(o.status.success(), "{}", text(&o));
    let page =
        std::fs::read_to_string(out.path().join("enforcement/2026-fa-101/index.html")).unwrap();
    assert!(page.contains(r#"<article class="record record-enforcement" lang="zh-Hant">"#));
    // Published as written: the Traditional title and text, never converted.
    assert!(
        page.contains("枝江縣味道餐飲有限公司未依法繳納社會保險費案"),
        "{page}"
    );
    assert!(page.contains("當事人自2026年1月起"));
    // The Traditional enum value (處罰, 較重) is stored as the Simplified word.
    let data = std::fs::read_to_string(out.path().join("data/enforcement.json")).unwrap();
    assert!(data.contains("\"处罚\""), "{data}");
    assert!(!data.contains("處罰\""), "{data}");
    // A record without `lang` keeps the page's language only.
    let doc =
        std::fs::read_to_string(out.path().join("documents/notice/index.html")).unwrap_or_default();
    assert!(!doc.contains("zh-Hant"));
    // The index holds the folded (Simplified) tokens only.
    let keys = index_tokens(out.path());
    for t in ["餐饮", "缴纳", "社会", "保险", "罚款"] {
        assert!(keys.contains(t), "{t} not indexed");
    }
    for t in ["餐飲", "繳納", "社會"] {
        assert!(!keys.contains(t), "{t} indexed unfolded");
    }
    // The browser's map is shipped with the theme.
    let map = std::fs::read_to_string(out.path().join("static/t2s.json")).unwrap();
    assert!(map.starts_with('"') && map.contains("飲饮"));
}

const DRIVER: &str = r#"
const s = require(process.argv[2]), fs = require('fs'), path = require('path');
const dir = process.argv[3], queries = JSON.parse(process.argv[4]);
const read = p => new Promise(ok => ok(JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8'))));
const eng = s.createEngine(p => read(path.join('search', p)), () => read('static/t2s.json'));
(async () => {
  const out = {};
  for (const q of queries) {
    const r = await eng.search(q);
    const ds = await eng.docs(r.results.slice(0, 3).map(x => x.id));
    out[q] = ds.map(d => d.url);
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"#;

#[test]
fn simplified_and_traditional_queries_find_the_traditional_record() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("node not found: skipping");
        return;
    }
    let site = site("hant");
    let out = tempfile::tempdir().unwrap();
    let o = build(site.path(), out.path());
    assert!(o.status.success(), "{}", text(&o));
    let driver = out.path().join("driver.js");
    std::fs::write(&driver, DRIVER).unwrap();
    let queries = ["味道餐饮", "味道餐飲", "缴纳社会保险费", "繳納社會保險費"];
    let r = Command::new("node")
        .arg(&driver)
        .arg(repo().join("themes/default/static/search.js"))
        .arg(out.path())
        .arg(serde_json::to_string(&queries).unwrap())
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let answers: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&r.stdout).unwrap();
    for q in queries {
        assert_eq!(
            answers[q].first().map(String::as_str),
            Some("enforcement/2026-fa-101/"),
            "{q}: {answers:?}"
        );
    }
}

#[test]
fn a_wrong_traditional_value_lists_the_simplified_choices() {
    let site = site("hant");
    let file = site.path().join(RECORD);
    let src = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, src.replace("severity: 較重", "severity: 較輕")).unwrap();
    let o = run(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(
        t.contains("schema.bad-value") || t.contains("不在可选范围内"),
        "{t}"
    );
    assert!(t.contains("一般、较重、严重"), "{t}");
}

#[test]
fn the_privacy_lint_reads_traditional_labels() {
    let site = site("hant");
    let file = site.path().join(RECORD);
    let src = std::fs::read_to_string(&file).unwrap();
    let facts = "facts: |\n  當事人：張三豐，身份證號碼：11010519491231002X，自2026年1月起未依法為其職工繳納社會保險費。\n  經營者：王某。\n";
    let src = src.replacen(
        "facts: |\n  當事人自2026年1月起未依法為其職工繳納社會保險費，經我局責令限期繳納後逾期仍未繳納。\n",
        facts,
        1,
    );
    assert!(src.contains("張三豐"));
    std::fs::write(&file, &src).unwrap();
    let o = run(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(t.contains("privacy.resident-id"), "{t}");
    assert!(t.contains("privacy.labelled-name"), "{t}");
    // One labelled name (張三豐), on the facts' first line; the masked 王某 is not reported.
    assert_eq!(t.matches("privacy.labelled-name").count(), 1, "{t}");
    // Located in the original (Traditional) text: the line of 張三豐, after 「  當事人：」.
    let line = src.lines().position(|l| l.contains("張三豐")).unwrap() + 1;
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "privacy.labelled-name")
        .unwrap();
    assert_eq!(
        (d["line"].as_u64(), d["col"].as_u64()),
        (Some(line as u64), Some(7)),
        "{t}"
    );
    // The Traditional case number (罰, 號) is a well-formed one.
    assert!(!t.contains("enforcement.case-no"), "{t}");
    // The name is never printed in full.
    assert!(!t.contains("張三豐"), "{t}");
}
