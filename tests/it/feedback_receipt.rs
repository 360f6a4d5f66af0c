//! The public receipt check (issue 16): `/receipt/<no>` and the report page's 回执核对 tell a
//! commenter whether the receipt is in the published ledger, and if not, how to report it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::ledger_common::*;

const OPEN_LEDGER: &str = "content/consultations/open-one/opinions.jsonl";

#[test]
fn the_receipt_page_says_whether_the_receipt_is_in_the_published_ledger() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    let (no, hash) = accepted(r.addr, "open-one", "建议提高补贴标准。");
    let page = |r: &Receiver| http(r.addr, "GET", &format!("/receipt/{no}"), &[], false).1;
    let json = |r: &Receiver| {
        let (_, b) = http(r.addr, "GET", &format!("/receipt/{no}"), &[], true);
        serde_json::from_str::<serde_json::Value>(&b).unwrap()
    };
    // Received, not yet exported, consultation open: nothing wrong.
    let html = page(&r);
    assert!(html.contains("尚未列入公布的意见台账"), "{html}");
    assert!(html.contains("收到时本事项的意见链共 1 条"), "{html}");
    assert!(!html.contains("提交纠错报告"), "{html}");
    assert_eq!(json(&r)["ledger"], "not-yet");
    assert_eq!(json(&r)["seq"], 1);
    // Exported: listed, hash checked.
    let o = feedback("export", &root, &db, &["--all"]);
    assert!(o.status.success(), "{}", out(&o));
    let html = page(&r);
    assert!(
        html.contains("已列入公布的意见台账（第 1 条，共 1 条），校验码一致"),
        "{html}"
    );
    assert_eq!(json(&r)["ledger"], "listed");
    // Exported, then dropped from the ledger: the commenter is told, and can report it with
    // the receipt number filled in.
    std::fs::write(root.join(OPEN_LEDGER), "").unwrap();
    let html = page(&r);
    assert!(
        html.contains("登记入意见台账，但网站的意见台账（共 0 条）中没有这个回执"),
        "{html}"
    );
    assert!(html.contains("action=\"/feedback/correction\""), "{html}");
    assert!(
        html.contains(&format!("name=\"page\" value=\"/receipt/{no}\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("回执编号 {no}（校验码 {hash}")),
        "{html}"
    );
    assert_eq!(json(&r)["ledger"], "missing");
    let description = format!("回执编号 {no}：台账中没有我的意见，请核实。");
    let (status, body) = http(
        r.addr,
        "POST",
        "/feedback/correction",
        &[
            ("page", &format!("/receipt/{no}")),
            ("description", &description),
        ],
        true,
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("JC"), "{body}");
}

#[test]
fn a_receipt_missing_from_a_concluded_consultation_is_an_alarm() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, DURING);
    let (no, _) = accepted(r.addr, "done-one", "征集期间的意见");
    r.stop();
    // The outcome is published with an empty ledger (the opinion was never exported).
    std::fs::write(root.join(DONE_LEDGER), "").unwrap();
    conclude(&root, "{total: 0}");
    let r = Receiver::start(&root, &db, NOW);
    let (_, html) = http(r.addr, "GET", &format!("/receipt/{no}"), &[], false);
    assert!(
        html.contains("征集结果已经公布，但意见台账（共 0 条）中没有这个回执"),
        "{html}"
    );
    assert!(html.contains("提交纠错报告"), "{html}");
}

#[test]
fn the_report_page_links_a_missing_receipt_to_a_prefilled_correction() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = gongshi(&[
        "build",
        "-q",
        "--root",
        s(&repo),
        "--out",
        s(tmp.path()),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", out(&o));
    let html = std::fs::read_to_string(
        tmp.path()
            .join("consultations/resident-pension-supplement/report/index.html"),
    )
    .unwrap();
    assert!(html.contains("data-correction=\"/correction/\""), "{html}");
    assert!(
        html.contains(
            "href=\"/correction/?page=/consultations/resident-pension-supplement/report/\""
        ),
        "{html}"
    );
    let js = std::fs::read_to_string(tmp.path().join("static/receipt-check.js")).unwrap();
    assert!(js.contains("offerReport(receipt"), "{js}");
    assert!(js.contains("&description="), "{js}");
    // The correction page takes the prefilled text (site.js fills it from ?description=).
    let form = std::fs::read_to_string(tmp.path().join("correction/index.html")).unwrap();
    assert!(form.contains("data-prefill=\"description\""), "{form}");
    // The heads of every consultation are published with the build.
    let heads: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("consultations/heads.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        heads["consultations"]["resident-pension-supplement"]["ledger"]["count"],
        8
    );
    assert_eq!(heads["date"], "2026-11-25");
}
