//! The participation report: rendered from the ledger and dispositions; the build fails on a
//! missing disposition or a rewritten ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

const LEDGER: &str = "content/consultations/resident-pension-supplement/opinions.jsonl";
const DISPOSITIONS: &str = "content/consultations/resident-pension-supplement/dispositions.yaml";

#[test]
fn the_report_lists_every_opinion_with_its_disposition_and_the_head_hash() {
    let site = site("example");
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(
        site.path()
            .join("public/consultations/resident-pension-supplement/report/index.html"),
    )
    .unwrap();
    let ledger = std::fs::read_to_string(site.path().join(LEDGER)).unwrap();
    let lines: Vec<serde_json::Value> = ledger
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for e in &lines {
        assert!(html.contains(e["receipt"].as_str().unwrap()));
        // The short check code in the text (issue 20); the full hash is in opinions.json.
        let hash = e["hash"].as_str().unwrap();
        assert!(html.contains(&format!("<code>{}</code>", &hash[..8])));
        let is_head = Some(hash) == lines.last().and_then(|l| l["hash"].as_str());
        assert_eq!(
            html.matches(hash).count(),
            usize::from(is_head),
            "{hash} in the text"
        );
    }
    let head = lines.last().unwrap()["hash"].as_str().unwrap();
    // The ledger head in full only behind a disclosure.
    assert!(html.contains(&format!(
        "<details class=\"receipt-hash\"><summary>台账末条的完整校验码</summary><p class=\"hash\"><code class=\"head-hash\">{head}</code>"
    )));
    assert_eq!(html.matches(head).count(), 1);
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("未启用 JavaScript"), "{html}");
    assert!(html.contains("【部分采纳】"));
    // The receipt check's data: receipt → hash.
    let public = std::fs::read_to_string(
        site.path()
            .join("public/consultations/resident-pension-supplement/opinions.json"),
    )
    .unwrap();
    assert!(public.contains(head));
    // Opinions without consent show no text.
    assert!(html.contains("（提交人未同意公开意见原文）"));
}

#[test]
fn a_missing_disposition_fails_the_build() {
    let site = site("example");
    let path = site.path().join(DISPOSITIONS);
    let text_before = std::fs::read_to_string(&path).unwrap();
    // Drop the last receipt's entry (three lines).
    let kept: Vec<&str> = text_before.lines().collect();
    std::fs::write(&path, kept[..kept.len() - 3].join("\n")).unwrap();
    let o = run(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("participation.disposition"), "{out}");
    assert!(out.contains("ZJ20260828-0001-DW8H"), "{out}");
}

#[test]
fn a_rewritten_ledger_fails_the_build() {
    let site = site("example");
    let dir = site.path();
    git(dir, &["init", "-q"]);
    git(
        dir,
        &[
            "-c",
            "user.email=t@example.gov.cn",
            "-c",
            "user.name=t",
            "add",
            ".",
        ],
    );
    git(
        dir,
        &[
            "-c",
            "user.email=t@example.gov.cn",
            "-c",
            "user.name=t",
            "commit",
            "-qm",
            "site",
        ],
    );
    let o = run(&["check", "--root", dir.to_str().unwrap(), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    // Drop the first committed opinion: the file is no longer an extension of what git holds.
    let path = dir.join(LEDGER);
    let ledger = std::fs::read_to_string(&path).unwrap();
    let rest: Vec<&str> = ledger.lines().skip(1).collect();
    std::fs::write(&path, rest.join("\n") + "\n").unwrap();
    let o = run(&["check", "--root", dir.to_str().unwrap(), "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("participation.ledger"), "{out}");
}
