//! Completeness at conclusion (issue 16): an opinion received after the last export, a ledger
//! deleted (in the working tree or in a commit), a ledger history amended, staff figures that
//! differ from the ledger, a concluded consultation without a ledger. Each used to pass
//! `verify` and `build`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::ledger_common::*;

/// Two web comments on `done-one` during its window, exported, concluded (without stated
/// figures) and committed to git: a consistent site and database. Uses nothing the receiver
/// and the check did not have before issue 16, so that each test below fails on that code at
/// the attack, not in this setup.
fn concluded_site() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    Vec<String>,
) {
    let (tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, DURING);
    let a = accepted(r.addr, "done-one", "建议返还比例提高到百分之六十。");
    let b = accepted(r.addr, "done-one", "建议简化申领材料。");
    r.stop();
    let o = feedback("export", &root, &db, &["--consultation", "done-one"]);
    assert!(o.status.success(), "{}", out(&o));
    conclude_with(&root, None);
    git(&root, &["init", "-q"]);
    commit(&root, "导出意见并公布结果");
    let (ok, text) = check(&root, &[]);
    assert!(ok, "{text}");
    let o = feedback("verify", &root, &db, &[]);
    assert!(o.status.success(), "{}", out(&o));
    (tmp, root, db, vec![a.0, b.0])
}

#[test]
fn export_all_exports_every_consultation_and_records_its_head() {
    let (_tmp, root, db, receipts) = concluded_site();
    let register = std::fs::read_to_string(root.join(REGISTER)).unwrap();
    assert!(register.contains(&receipts[1]), "{register}");
    let r = Receiver::start(&root, &db, NOW);
    accepted(r.addr, "open-one", "征集中的意见");
    r.stop();
    let o = feedback("export", &root, &db, &["--all"]);
    assert!(o.status.success(), "{}", out(&o));
    let text = out(&o);
    assert!(
        text.contains("open-one/opinions.jsonl: 新增 1 条"),
        "{text}"
    );
    assert!(
        text.contains("done-one/opinions.jsonl: 新增 0 条"),
        "{text}"
    );
    assert!(text.contains("已记入链头登记簿"), "{text}");
    let register = std::fs::read_to_string(root.join(REGISTER)).unwrap();
    assert_eq!(register.lines().count(), 2, "{register}");
    // Nothing new: nothing recorded again.
    let o = feedback("export", &root, &db, &["--all"]);
    assert!(!out(&o).contains("已记入链头登记簿"), "{}", out(&o));
    let (ok, text) = check(&root, &["--feedback-db", s(&db)]);
    assert!(ok, "{text}");
}

#[test]
fn an_opinion_not_exported_at_conclusion_fails_verify_and_the_build_with_the_database() {
    let (_tmp, root, db, _) = concluded_site();
    // A letter that arrived in the window, entered after the export.
    let o = feedback(
        "add",
        &root,
        &db,
        &[
            "--consultation",
            "done-one",
            "--channel",
            "信函",
            "--received",
            "2026-11-18",
            "--text",
            "来信：建议延长申领期限。",
        ],
    );
    assert!(o.status.success(), "{}", out(&o));
    let late = out(&o)
        .lines()
        .find_map(|l| l.strip_prefix("回执编号 (receipt): "))
        .unwrap()
        .to_string();
    let o = feedback("verify", &root, &db, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("尚未导出到意见台账"), "{text}");
    assert!(text.contains(&late), "{text}");
    assert!(text.contains("征集结果已公布"), "{text}");
    // The build given the receiver's database refuses to publish the incomplete report.
    let (ok, text) = check(&root, &["--feedback-db", s(&db)]);
    assert!(!ok, "{text}");
    assert!(text.contains("错误[participation.unexported]"), "{text}");
    assert!(text.contains(&late), "{text}");
    let o = gongshi(&[
        "build",
        "--root",
        s(&root),
        "--now",
        NOW,
        "--feedback-db",
        s(&db),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    // Exported, disposed and counted: all is well again.
    let o = feedback("export", &root, &db, &["--all"]);
    assert!(o.status.success(), "{}", out(&o));
    conclude(&root, "{total: 3, web: 2, letter: 1, adopted: 3}");
    let (ok, text) = check(&root, &["--feedback-db", s(&db)]);
    assert!(ok, "{text}");
    let o = feedback("verify", &root, &db, &[]);
    assert!(o.status.success(), "{}", out(&o));
    // The build publishes the receiver's head next to the ledger's.
    let o = gongshi(&[
        "build",
        "--root",
        s(&root),
        "--now",
        NOW,
        "--feedback-db",
        s(&db),
    ]);
    assert!(o.status.success(), "{}", out(&o));
    let heads: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("public/consultations/heads.json")).unwrap(),
    )
    .unwrap();
    let done = &heads["consultations"]["done-one"];
    assert_eq!(done["ledger"]["count"], 3);
    assert_eq!(done["receiver"]["count"], 3);
    assert_eq!(done["ledger"]["head"], done["receiver"]["head"]);
    assert_eq!(done["ledger"]["receipt"].as_str(), Some(late.as_str()));
    assert_eq!(heads["register"].as_array().unwrap().len(), 2);
}

#[test]
fn a_deleted_ledger_fails_the_check_in_the_working_tree_and_once_committed() {
    let (_tmp, root, db, _) = concluded_site();
    std::fs::remove_file(root.join(DONE_LEDGER)).unwrap();
    std::fs::remove_file(root.join(DONE_DISPOSITIONS)).unwrap();
    let (ok, text) = check(&root, &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("错误[history.ledger-deleted]"), "{text}");
    assert!(
        text.contains("意见台账已公开过，不能删除：在尚未提交的修改中被删除"),
        "{text}"
    );
    assert!(text.contains("意见处理结果文件已公开过"), "{text}");
    // The register still holds its head; the outcome needs a ledger.
    assert!(text.contains("错误[participation.anchor]"), "{text}");
    assert!(text.contains("错误[participation.no-ledger]"), "{text}");
    let hash = commit(&root, "删除台账");
    let (ok, text) = check(&root, &[]);
    assert!(!ok, "{text}");
    assert!(
        text.contains(&format!("在提交 {}（删除台账）中被删除", &hash[..8])),
        "{text}"
    );
    let o = feedback("verify", &root, &db, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains("已于"), "{}", out(&o));
}

#[test]
fn a_ledger_history_amended_without_its_last_line_fails() {
    let (_tmp, root, db, receipts) = concluded_site();
    // Rewrite the one commit that added the ledger, dropping its last line (and the matching
    // disposition), as if that opinion had never been exported.
    let ledger = std::fs::read_to_string(root.join(DONE_LEDGER)).unwrap();
    let first: String = ledger.lines().take(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(root.join(DONE_LEDGER), first).unwrap();
    conclude_with(&root, None);
    git(&root, &["add", "-A"]);
    git(
        &root,
        &["commit", "-q", "--amend", "-m", "导出意见并公布结果"],
    );
    assert_eq!(git(&root, &["rev-list", "--count", "HEAD"]), "1");
    let amended = git(&root, &["rev-parse", "HEAD"]);
    // The register in the same commit still says two.
    let (ok, text) = check(&root, &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("错误[participation.anchor]"), "{text}");
    assert!(text.contains("意见台账只有 1 条"), "{text}");
    assert!(text.contains(&receipts[1]), "{text}");
    assert!(text.contains(&amended[..8]), "{text}");
    // Amending the register as well leaves the content consistent — but the receiver knows
    // it exported two, and the build given its database sees the missing one.
    let reg = std::fs::read_to_string(root.join(REGISTER)).unwrap();
    let line: serde_json::Value = serde_json::from_str(reg.lines().next().unwrap()).unwrap();
    let e1: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(root.join(DONE_LEDGER))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let forged = serde_json::json!({"date": line["date"], "consultation": "done-one", "count": 1,
        "head": e1["hash"], "receipt": e1["receipt"]});
    std::fs::write(root.join(REGISTER), format!("{forged}\n")).unwrap();
    git(&root, &["add", "-A"]);
    git(
        &root,
        &["commit", "-q", "--amend", "-m", "导出意见并公布结果"],
    );
    let (ok, text) = check(&root, &[]);
    assert!(ok, "content alone cannot tell: {text}");
    let o = feedback("verify", &root, &db, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains(&receipts[1]), "{}", out(&o));
    let (ok, text) = check(&root, &["--feedback-db", s(&db)]);
    assert!(!ok, "{text}");
    assert!(text.contains("错误[participation.unexported]"), "{text}");
}

#[test]
fn figures_that_differ_from_the_ledger_fail_the_check() {
    let (_tmp, root, _db, _) = concluded_site();
    conclude(&root, "{total: 84, web: 46, adopted: 2}");
    let (ok, text) = check(&root, &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("错误[participation.figures]"), "{text}");
    assert!(
        text.contains("“意见总数”为 84 条，意见台账为 2 条"),
        "{text}"
    );
    assert!(text.contains("“网站”为 46 条，意见台账为 2 条"), "{text}");
    conclude(&root, "{total: 2, web: 2, adopted: 1}");
    let (ok, text) = check(&root, &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("“采纳”为 1 条"), "{text}");
}

#[test]
fn a_concluded_consultation_with_a_web_form_needs_a_ledger_or_a_checked_statement() {
    let (_tmp, root, db) = fresh();
    conclude(&root, "{total: 3}");
    std::fs::remove_file(root.join(DONE_DISPOSITIONS)).unwrap();
    let (ok, text) = check(&root, &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("错误[participation.no-ledger]"), "{text}");
    // "No opinion was received" is a statement the check accepts…
    conclude(&root, "{total: 0}");
    std::fs::remove_file(root.join(DONE_DISPOSITIONS)).unwrap();
    let (ok, text) = check(&root, &[]);
    assert!(ok, "{text}");
    // …and checks against the receiver.
    let r = Receiver::start(&root, &db, DURING);
    accepted(r.addr, "done-one", "有意见。");
    r.stop();
    let (ok, text) = check(&root, &["--feedback-db", s(&db)]);
    assert!(!ok, "{text}");
    assert!(text.contains("声明没有收到意见"), "{text}");
}

#[test]
fn the_example_site_figures_agree_with_its_ledgers() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.toml"), tmp.path().join("site.toml")).unwrap();
    let o = std::process::Command::new("cp")
        .arg("-r")
        .arg(repo.join("content"))
        .arg(tmp.path().join("content"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let (ok, text) = check(tmp.path(), &[]);
    assert!(ok, "{text}");
    // The figures the bureau's page used to state (84 opinions, 46 online) are caught.
    let p = tmp
        .path()
        .join("content/consultations/resident-pension-supplement/index.md");
    let t = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, t.replacen("    total: 8\n", "    total: 84\n", 1)).unwrap();
    let (ok, text) = check(tmp.path(), &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("错误[participation.figures]"), "{text}");
}
