//! Ledger export, offline entries, verification and the participation report data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use crate::feedback_common::*;
use gongshi::feedback::{
    add, build_report, export, ledger_is_append_only, ledger_public_json, load_dispositions,
    load_ledger, verify, AddOptions, Channel, ExportOptions, ReportProblem, VerifyOptions,
};

fn setup() -> (TestServer, std::path::PathBuf, Vec<String>) {
    let s = TestServer::start();
    let mut receipts = Vec::new();
    for (i, consent) in [(1, true), (2, false)] {
        let mut f = vec![("consultation", "open-one"), ("section", "第三条")];
        let op = format!("意见 {i}");
        f.push(("opinion", &op));
        if consent {
            f.push(("consent", "on"));
        }
        let contact = format!("1380000000{i}");
        f.push(("contact", &contact));
        f.push(("name", "李四"));
        receipts.push(
            post(s.addr, "/feedback/comment", &f, true).json()["receipt"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let root = s.dir.path().join("site");
    let acc = add(
        &AddOptions {
            db: s.db.clone(),
            init: false,
            consultation: "open-one".into(),
            channel: Channel::Letter,
            text: "来信：建议延长申请期限".into(),
            section: None,
            consent: true,
            received: Some(ts("2026-11-22T00:00:00+08:00")),
            name: Some("王五".into()),
            organization: None,
            contact: Some("某某路1号".into()),
            time_zone: gongshi::feedback::model::default_time_zone(),
        },
        &directory(),
    )
    .unwrap();
    assert!(acc.receipt.starts_with("ZJ20261122-0001-"));
    receipts.push(acc.receipt);
    let sum = export(&ExportOptions {
        root: root.clone(),
        db: s.db.clone(),
        consultation: "open-one".into(),
    })
    .unwrap();
    assert_eq!((sum.appended, sum.total), (3, 3));
    (s, root, receipts)
}

fn ledger(root: &Path) -> std::path::PathBuf {
    root.join("content/consultations/open-one/opinions.jsonl")
}

#[test]
fn export_has_no_personal_data_and_is_incremental() {
    let (s, root, receipts) = setup();
    let text = std::fs::read_to_string(ledger(&root)).unwrap();
    assert_eq!(text.lines().count(), 3);
    for secret in ["李四", "13800000001", "王五", "某某路1号", "意见 2"] {
        assert!(!text.contains(secret), "ledger leaks {secret}");
    }
    let entries = load_ledger(&ledger(&root)).unwrap();
    assert_eq!(
        entries
            .iter()
            .map(|e| e.receipt.clone())
            .collect::<Vec<_>>(),
        receipts
    );
    assert_eq!(entries[1].opinion, None);
    assert!(entries[1].withheld);
    assert_eq!(entries[2].channel, Channel::Letter);
    // The receipt's hash is the ledger's hash for that line.
    // Nothing new: appends nothing; one more comment: appends one.
    let again = export(&ExportOptions {
        root: root.clone(),
        db: s.db.clone(),
        consultation: "open-one".into(),
    })
    .unwrap();
    assert_eq!(again.appended, 0);
    comment(s.addr, "后来的意见", true);
    let more = export(&ExportOptions {
        root: root.clone(),
        db: s.db.clone(),
        consultation: "open-one".into(),
    })
    .unwrap();
    assert_eq!((more.appended, more.total), (1, 4));
    let rep = verify(&VerifyOptions {
        root: root.clone(),
        db: s.db.clone(),
    })
    .unwrap();
    assert!(rep.ok(), "{}", rep.render());
    let json: serde_json::Value =
        serde_json::from_str(&ledger_public_json(&load_ledger(&ledger(&root)).unwrap())).unwrap();
    assert_eq!(json["count"], 4);
    assert_eq!(json["receipts"][&receipts[0]].as_str().unwrap().len(), 64);
}

#[test]
fn report_needs_every_disposition_and_known_receipts() {
    let (_s, root, r) = setup();
    let entries = load_ledger(&ledger(&root)).unwrap();
    let dpath = root.join("content/consultations/open-one/dispositions.yaml");
    std::fs::write(&dpath, format!("{}:\n  disposition: 采纳\n{}:\n  disposition: 未采纳\n  reason: 与上位法不一致\nZJ20261125-0099-AAAA:\n  disposition: 重复\n  reason: 同前\n", r[0], r[1])).unwrap();
    let d = load_dispositions(&dpath).unwrap();
    let problems = build_report(&entries, &d).unwrap_err();
    assert!(problems.contains(&ReportProblem::MissingDisposition {
        receipt: r[2].clone()
    }));
    assert!(problems.contains(&ReportProblem::UnknownReceipt {
        receipt: "ZJ20261125-0099-AAAA".into()
    }));
    assert!(problems.iter().all(|p| !p.to_string().is_empty()));
    std::fs::write(&dpath, format!("{}:\n  disposition: 采纳\n{}:\n  disposition: 未采纳\n{}:\n  disposition: 部分采纳\n  reason: 已延长至15个工作日\n", r[0], r[1], r[2])).unwrap();
    let problems = build_report(&entries, &load_dispositions(&dpath).unwrap()).unwrap_err();
    assert_eq!(
        problems,
        vec![ReportProblem::MissingReason {
            receipt: r[1].clone()
        }]
    );
    std::fs::write(&dpath, format!("{}:\n  disposition: 采纳\n{}:\n  disposition: 未采纳\n  reason: 理由\n{}:\n  disposition: 部分采纳\n  reason: 理由\n", r[0], r[1], r[2])).unwrap();
    let report = build_report(&entries, &load_dispositions(&dpath).unwrap()).unwrap();
    assert_eq!(report.total, 3);
    assert_eq!(report.head_hash, entries[2].hash);
    assert_eq!(
        report
            .by_channel
            .iter()
            .find(|c| c.label == "网站")
            .unwrap()
            .count,
        2
    );
    assert_eq!(
        report
            .by_channel
            .iter()
            .find(|c| c.label == "信函")
            .unwrap()
            .count,
        1
    );
    assert_eq!(
        report
            .by_disposition
            .iter()
            .find(|c| c.label == "未采纳")
            .unwrap()
            .count,
        1
    );
    // A bad disposition word is a clear error.
    std::fs::write(&dpath, format!("{}:\n  disposition: 同意\n", r[0])).unwrap();
    assert!(load_dispositions(&dpath).is_err());
}

#[test]
fn rewritten_ledger_is_detected() {
    let (s, root, _r) = setup();
    let path = ledger(&root);
    let original = std::fs::read_to_string(&path).unwrap();
    // Altered text.
    let altered = original.replacen("建议延长申请期限", "建议取消申请期限", 1);
    std::fs::write(&path, &altered).unwrap();
    let e = load_ledger(&path).unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    let rep = verify(&VerifyOptions {
        root: root.clone(),
        db: s.db.clone(),
    })
    .unwrap();
    assert!(!rep.ok());
    assert!(
        rep.render().contains("opinions.jsonl:3"),
        "{}",
        rep.render()
    );
    // A dropped line.
    let dropped: String = original
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    std::fs::write(&path, &dropped).unwrap();
    assert_eq!(load_ledger(&path).unwrap_err().line, 2);
    // Git: the committed ledger must be a prefix of the working file.
    std::fs::write(&path, &original).unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    let rel = Path::new("content/consultations/open-one/opinions.jsonl");
    assert!(
        ledger_is_append_only(&root, rel).unwrap(),
        "not a repo → true"
    );
    git(&["init", "-q"]);
    git(&["-c", "user.email=t@t", "-c", "user.name=t", "add", "."]);
    git(&[
        "-c",
        "user.email=t@t",
        "-c",
        "user.name=t",
        "commit",
        "-q",
        "-m",
        "ledger",
    ]);
    assert!(ledger_is_append_only(&root, rel).unwrap());
    comment(s.addr, "追加的一条", true);
    export(&ExportOptions {
        root: root.clone(),
        db: s.db.clone(),
        consultation: "open-one".into(),
    })
    .unwrap();
    assert!(
        ledger_is_append_only(&root, rel).unwrap(),
        "appending is fine"
    );
    // Rewriting history with a valid-looking chain (regenerated file) is caught by git.
    let lines: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    std::fs::write(&path, format!("{}\n", lines[0])).unwrap();
    assert!(
        load_ledger(&path).is_ok(),
        "a truncated chain is still a valid chain…"
    );
    assert!(
        !ledger_is_append_only(&root, rel).unwrap(),
        "…but not append-only"
    );
    assert!(
        ledger_is_append_only(&root, Path::new("content/consultations/new/opinions.jsonl"))
            .unwrap()
    );
}

#[test]
fn tampering_with_the_database_is_detected() {
    let (s, root, r) = setup();
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    conn.execute("UPDATE private SET text = '改过的' WHERE entry_id = 2", [])
        .unwrap();
    let rep = verify(&VerifyOptions {
        root: root.clone(),
        db: s.db.clone(),
    })
    .unwrap();
    assert!(rep.render().contains("altered"), "{}", rep.render());
    conn.execute("DELETE FROM private WHERE entry_id = 1", [])
        .unwrap();
    conn.execute("DELETE FROM entries WHERE receipt = ?1", [&r[0]])
        .unwrap();
    let rep = verify(&VerifyOptions {
        root,
        db: s.db.clone(),
    })
    .unwrap();
    assert!(!rep.ok());
    assert!(rep.render().contains("missing"), "{}", rep.render());
}
