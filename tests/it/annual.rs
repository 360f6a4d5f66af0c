//! The annual reports (issue #22 §2–3): every cell of the 2025 reports of the fixture site
//! (tests/fixtures/annual) against counts made by hand from its records and a request
//! register built here; the 31 January rule at three clocks; the request block's hash; the
//! seal; immutability in git; open data against its schema; hostile report files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const CLOCK: &str = "2026-01-25T10:00:00+08:00";

fn gongshi(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--root", root.to_str().unwrap()]);
    run(&all)
}

/// (channel, received, applicant type, reply: date and category).
type Request = (
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// A request register with seven requests over 2024–2026, counted by hand below.
fn register(root: &Path) -> std::path::PathBuf {
    let db = root.join("feedback.db");
    register_in(root, db.to_str().unwrap());
    db
}

/// The register of [`register`] in the store `dbs` (an SQLite file or a PostgreSQL URL).
fn register_in(root: &Path, dbs: &str) {
    // (channel, received, applicant type, reply date, category)
    let requests: [Request; 7] = [
        // Received in 2024, answered in 2025: 上年结转 and a 2025 result.
        (
            "信函",
            "2024-12-23",
            "自然人",
            Some(("2025-01-14", "予以公开")),
        ),
        // Received and answered in 2024: not in the 2025 report at all.
        (
            "网上",
            "2024-03-04",
            "商业企业",
            Some(("2024-03-20", "予以公开")),
        ),
        (
            "网上",
            "2025-02-10",
            "自然人",
            Some(("2025-03-03", "部分公开")),
        ),
        (
            "当面",
            "2025-04-07",
            "商业企业",
            Some(("2025-04-20", "不予公开-4")),
        ),
        (
            "信函",
            "2025-06-02",
            "法人或其他组织",
            Some(("2025-06-20", "无法提供-1")),
        ),
        (
            "传真",
            "2025-09-15",
            "科研机构",
            Some(("2025-10-09", "不予处理-2")),
        ),
        // Received in 2025, answered in 2026: 结转下年度.
        (
            "网上",
            "2025-12-24",
            "法律服务机构",
            Some(("2026-01-12", "予以公开")),
        ),
    ];
    for (channel, received, kind, reply) in requests {
        let o = gongshi(
            root,
            &[
                "requests",
                "add",
                "--db",
                dbs,
                "--init",
                "--channel",
                channel,
                "--received",
                received,
                "--applicant-type",
                kind,
                "--name",
                "申请人",
                "--contact",
                "13800000000",
                "--info",
                "所需信息",
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout).to_string();
        let receipt = out
            .split_whitespace()
            .find_map(|w| w.split('：').find(|p| p.starts_with("YS")))
            .map(|s| {
                s.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                    .to_string()
            })
            .unwrap_or_else(|| panic!("no receipt in {out}"));
        let receipt: String = receipt.chars().take_while(|c| *c != '（').collect();
        if let Some((date, category)) = reply {
            let o = gongshi(
                root,
                &[
                    "requests",
                    "event",
                    "--db",
                    dbs,
                    "--date",
                    date,
                    &receipt,
                    "答复",
                    "--category",
                    category,
                    "--fee",
                    "0",
                ],
            );
            assert!(o.status.success(), "{}", text(&o));
        }
    }
}

/// The same register in PostgreSQL counts into the same table 三 as in SQLite, cell by cell.
#[test]
fn the_register_on_postgres_counts_the_same_cells() {
    let Some(url) = crate::pg_common::fresh_url("annual::the_register_on_postgres") else {
        return;
    };
    let site = site("annual");
    let root = site.path();
    let db = register(root);
    let o = gongshi(
        root,
        &["report", "annual", "2025", "--db", db.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let from_sqlite = cells(root, "annual");
    assert_eq!(from_sqlite["三/本年新收/自然人"], Value::from(1));
    let pg_site = crate::common::site("annual");
    let pg_root = pg_site.path();
    register_in(pg_root, &url);
    let o = gongshi(pg_root, &["report", "annual", "2025", "--db", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(cells(pg_root, "annual"), from_sqlite);
}

fn cells(root: &Path, which: &str) -> BTreeMap<String, Value> {
    let o = gongshi(root, &["report", which, "2025", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c["value"].clone()))
        .collect()
}

/// Every cell is the hand count in `nonzero`, or 0, or (when `unstated` says so) 未注明.
fn assert_cells(
    got: &BTreeMap<String, Value>,
    nonzero: &[(&str, Value)],
    unstated: &dyn Fn(&str) -> bool,
) {
    for (id, v) in nonzero {
        assert!(got.contains_key(*id), "no cell {id}");
        assert_eq!(&got[*id], v, "{id}");
    }
    for (id, v) in got {
        if nonzero.iter().any(|(n, _)| n == id) {
            continue;
        }
        let expected = if unstated(id) {
            Value::Null
        } else {
            Value::from(0)
        };
        assert_eq!(v, &expected, "{id}");
    }
}

#[test]
fn open_gov_report_every_cell_matches_the_hand_counts() {
    let site = site("annual");
    let root = site.path();
    // Before the register is counted, table 三 is 未注明, never zero.
    let before = cells(root, "annual");
    assert_eq!(before["三/本年新收/自然人"], Value::Null);
    let db = register(root);
    let o = gongshi(
        root,
        &["report", "annual", "2025", "--db", db.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let got = cells(root, "annual");
    let n = Value::from;
    let nonzero = [
        // 二: rule-2025 made; norm-new made; norm-old repealed by norm-new (effective
        // 2025-07-01); in force at the year's end: rule-2025 (overridden to 3), norm-new and
        // norm-2024. notice-2025 is not a 规章 or 规范性文件.
        ("二/规章/本年制发件数", n(1)),
        ("二/规章/现行有效件数", n(3)),
        ("二/行政规范性文件/本年制发件数", n(1)),
        ("二/行政规范性文件/本年废止件数", n(1)),
        ("二/行政规范性文件/现行有效件数", n(2)),
        ("二/行政许可/本年处理决定数量", n(3)),
        // fa-1 to fa-4 (fa-2024 was decided in 2024).
        ("二/行政处罚/本年处理决定数量", n(4)),
        ("二/行政强制/本年处理决定数量", n(1)),
        // 12345 + 5000 yuan in 2025 (the 2024 quarter not counted).
        (
            "二/行政事业性收费/本年收费金额（单位：万元）",
            Value::from(1.7345),
        ),
        // 三: five received in 2025 (自然人, 商业企业, 其他, 科研机构, 法律服务机构).
        ("三/本年新收/自然人", n(1)),
        ("三/本年新收/商业企业", n(1)),
        ("三/本年新收/科研机构", n(1)),
        ("三/本年新收/法律服务机构", n(1)),
        ("三/本年新收/其他", n(1)),
        ("三/本年新收/总计", n(5)),
        ("三/上年结转/自然人", n(1)),
        ("三/上年结转/总计", n(1)),
        ("三/予以公开/自然人", n(1)),
        ("三/予以公开/总计", n(1)),
        ("三/部分公开/自然人", n(1)),
        ("三/部分公开/总计", n(1)),
        ("三/不予公开-保护第三方合法权益/商业企业", n(1)),
        ("三/不予公开-保护第三方合法权益/总计", n(1)),
        ("三/无法提供-本机关不掌握相关政府信息/其他", n(1)),
        ("三/无法提供-本机关不掌握相关政府信息/总计", n(1)),
        ("三/不予处理-重复申请/科研机构", n(1)),
        ("三/不予处理-重复申请/总计", n(1)),
        ("三/总计/自然人", n(2)),
        ("三/总计/商业企业", n(1)),
        ("三/总计/科研机构", n(1)),
        ("三/总计/其他", n(1)),
        ("三/总计/总计", n(5)),
        ("三/结转下年度/法律服务机构", n(1)),
        ("三/结转下年度/总计", n(1)),
        // 四: as entered.
        ("四/行政复议/结果维持", n(1)),
        ("四/行政复议/尚未审结", n(1)),
        ("四/行政复议/总计", n(2)),
        ("四/行政诉讼（未经复议直接起诉）/结果纠正", n(1)),
        ("四/行政诉讼（未经复议直接起诉）/总计", n(1)),
    ];
    assert_cells(&got, &nonzero, &|_| false);
    // 25 rows of table 三 with 7 columns, 15 cells of 四, 10 of 二.
    assert_eq!(
        got.len(),
        10 + 25 * 7 + 15,
        "{:?}",
        got.keys().collect::<Vec<_>>()
    );
    // The format's check: 新收 + 结转 = 办理结果总计 + 结转下年度, in every column.
    for col in [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ] {
        let v = |row: &str| got[&format!("三/{row}/{col}")].as_i64().unwrap();
        assert_eq!(
            v("本年新收") + v("上年结转"),
            v("总计") + v("结转下年度"),
            "{col}"
        );
    }
}

#[test]
fn enforcement_report_every_cell_matches_the_hand_counts() {
    let site = site("annual");
    let got = cells(site.path(), "enforcement");
    let n = Value::from;
    let nonzero = [
        // xu-1 准予许可, xu-2 不予许可; xu-3 enters no 许可结果 (its text says 不予行政许可,
        // which is not read): 未注明.
        ("行政许可/行政许可决定/准予许可", n(1)),
        ("行政许可/行政许可决定/不予许可", n(1)),
        ("行政许可/行政许可决定/未注明", n(1)),
        ("行政许可/行政许可决定/合计", n(3)),
        // fa-1 [警告, 罚款], fa-2 [罚款, 没收违法所得], fa-3 [责令停产停业]; fa-4 enters no
        // 处罚种类 (its text says 给予警告, which is not read): 未注明. fa-2024 is of 2024.
        ("行政处罚/警告/数量", n(1)),
        ("行政处罚/罚款/数量", n(2)),
        ("行政处罚/没收违法所得/数量", n(1)),
        ("行政处罚/责令停产停业/数量", n(1)),
        ("行政处罚/未注明/数量", n(1)),
        ("行政处罚/决定合计/数量", n(4)),
        // 5000 + 20000 yuan.
        ("行政处罚/罚款金额/数量", Value::from(2.5)),
        // fa-2's 3000 yuan.
        ("行政处罚/没收违法所得金额/数量", Value::from(0.3)),
        ("行政强制/行政强制/件数", n(1)),
        ("行政检查/其他检查/件数", n(1)),
        // fa-2024 changed in 2025, fa-2 revoked in 2025.
        ("纠错/被变更/件数", n(1)),
        ("纠错/被撤销/件数", n(1)),
        ("法制审核/重大执法决定/件数", n(1)),
    ];
    assert_cells(&got, &nonzero, &|_| false);
    // 许可: 5 results + 未注明 + 合计; 处罚: 14 kinds + 未注明 + 合计 + two amounts.
    assert_eq!(got.len(), 7 + 18 + 3 + 4);
    // The 未注明 cells link the records they count, so staff can fill them in.
    let records = cell_records(site.path(), "enforcement");
    assert_eq!(
        records["行政许可/行政许可决定/未注明"],
        ["enforcement/xu-3"]
    );
    assert_eq!(records["行政处罚/未注明/数量"], ["enforcement/fa-4"]);
    assert_eq!(records["行政处罚/警告/数量"], ["enforcement/fa-1"]);
    assert_eq!(
        records["行政处罚/没收违法所得金额/数量"],
        ["enforcement/fa-2"]
    );
    // Both are warned about, at the record's 执法类别.
    let (_, out) = check(site.path(), CLOCK);
    assert!(
        out.contains("[enforcement.no-penalty-kind]") && out.contains("fa-4.md"),
        "{out}"
    );
    assert!(
        out.contains("[enforcement.no-permit-result]") && out.contains("xu-3.md"),
        "{out}"
    );

    // The example site's 2026 statistics count its spot check as random (it names a plan).
    let example = site_example_cells("enforcement", "2026");
    assert_eq!(example["行政检查/双随机抽查/件数"], Value::from(1));
    assert_eq!(example["行政检查/其他检查/件数"], Value::from(0));
}

/// The records each cell counts, as `gongshi report … --format json` lists them.
fn cell_records(root: &Path, which: &str) -> BTreeMap<String, Vec<String>> {
    let o = gongshi(root, &["report", which, "2025", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let keys = c["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap().to_string())
                .collect();
            (c["id"].as_str().unwrap().to_string(), keys)
        })
        .collect()
}

fn site_example_cells(which: &str, year: &str) -> BTreeMap<String, Value> {
    let o = run(&[
        "report",
        which,
        year,
        "--format",
        "json",
        "--root",
        repo().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c["value"].clone()))
        .collect()
}

fn check(root: &Path, now: &str) -> (bool, String) {
    let o = gongshi(root, &["check", "--now", now]);
    (o.status.success(), text(&o))
}

fn seal_all(root: &Path) {
    for which in ["annual", "enforcement"] {
        let o = gongshi(root, &["report", which, "2025", "--seal"]);
        assert!(o.status.success(), "{}", text(&o));
    }
}

#[test]
fn the_previous_years_report_is_due_by_31_january() {
    let site = site("annual");
    let root = site.path();
    seal_all(root);
    // 31 December 2026: nothing is due yet for 2026.
    let (ok, out) = check(root, "2026-12-31T23:00:00+08:00");
    assert!(ok, "{out}");
    assert!(!out.contains("[report."), "{out}");
    // 15 January 2027: both 2026 reports are due — warnings, the check passes.
    let (ok, out) = check(root, "2027-01-15T10:00:00+08:00");
    assert!(ok, "{out}");
    assert_eq!(out.matches("警告[report.due]").count(), 2, "{out}");
    assert!(
        out.contains("2026年政府信息公开工作年度报告尚未发布"),
        "{out}"
    );
    assert!(out.contains("2026年行政执法统计年报尚未发布"), "{out}");
    assert!(out.contains("应于2027年1月31日前发布"), "{out}");
    // 1 February 2027: overdue — errors, the check fails.
    let (ok, out) = check(root, "2027-02-01T08:00:00+08:00");
    assert!(!ok, "{out}");
    assert_eq!(out.matches("错误[report.overdue]").count(), 2, "{out}");
    // Publishing the 2026 report (dated before the clock) ends it for that type.
    std::fs::write(
        root.join("content/reports/2026.md"),
        "---\ntitle: 2026年政府信息公开工作年度报告\npublished: 2027-01-28\nindex_no: CSRSJ/2027-00001\nyear: 2026\nreport: 政府信息公开\n---\n",
    )
    .unwrap();
    let (_, out) = check(root, "2027-02-01T08:00:00+08:00");
    assert_eq!(out.matches("[report.overdue]").count(), 1, "{out}");
    assert!(out.contains("2026年行政执法统计年报逾期未发布"), "{out}");
}

#[test]
fn a_sealed_report_cannot_change_silently() {
    let site = site("annual");
    let root = site.path();
    let (_, out) = check(root, CLOCK);
    assert_eq!(out.matches("[report.unsealed]").count(), 2, "{out}");
    seal_all(root);
    let (ok, out) = check(root, CLOCK);
    assert!(ok && !out.contains("[report."), "{out}");
    // A 2025 decision entered after publication changes two figures of each report.
    let extra = std::fs::read_to_string(root.join("content/enforcement/qz-1.md"))
        .unwrap()
        .replace("CSRSJ/2025-00027", "CSRSJ/2025-00099")
        .replace("〔2025〕", "〔2025〕1")
        .replace("决定qz-1", "决定qz-2");
    std::fs::write(root.join("content/enforcement/qz-2.md"), extra).unwrap();
    let (ok, out) = check(root, CLOCK);
    assert!(!ok, "{out}");
    assert_eq!(
        out.matches("错误[report.seal-mismatch]").count(),
        2,
        "{out}"
    );
    assert!(
        out.contains("2025年的记录在封存后被新增、修改或删除"),
        "{out}"
    );
    // A 2026 decision changes nothing of 2025.
    std::fs::remove_file(root.join("content/enforcement/qz-2.md")).unwrap();
    let later = std::fs::read_to_string(root.join("content/enforcement/qz-1.md"))
        .unwrap()
        .replace("CSRSJ/2025-00027", "CSRSJ/2026-00099")
        .replace("2025-06-0", "2026-06-0")
        .replace("〔2025〕", "〔2026〕")
        .replace("决定qz-1", "决定qz-3");
    std::fs::write(root.join("content/enforcement/qz-3.md"), later).unwrap();
    let (ok, out) = check(root, CLOCK);
    assert!(ok, "{out}");
}

#[test]
fn a_published_report_is_frozen_in_the_git_history() {
    let site = site("annual");
    let root = site.path();
    seal_all(root);
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "2025年年报"]);
    let (ok, out) = check(root, CLOCK);
    assert!(ok, "{out}");
    // Rewriting a section after publication, and committing it.
    let path = root.join("content/reports/2025.md");
    let text0 = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text0.replace("存在的问题。", "没有问题。")).unwrap();
    git(root, &["commit", "-qam", "改写年报"]);
    let (ok, out) = check(root, CLOCK);
    assert!(!ok, "{out}");
    assert!(
        out.contains("错误[history.edited-after-publication]"),
        "{out}"
    );
    assert!(
        out.contains("已公开的年度报告的“五、存在的主要问题及改进情况”"),
        "{out}"
    );
    // A dated correction entry is how it may change.
    let fixed = std::fs::read_to_string(&path).unwrap().replace(
        "year: 2025\n",
        "year: 2025\ncorrections:\n  - date: 2026-01-24\n    field: problems\n    reason: 原文表述有误\n",
    );
    std::fs::write(&path, fixed).unwrap();
    let (ok, out) = check(root, CLOCK);
    assert!(ok, "{out}");
    // The page lists the correction.
    let out_dir = tempfile::tempdir().unwrap();
    let o = gongshi(
        root,
        &[
            "build",
            "-q",
            "--out",
            out_dir.path().to_str().unwrap(),
            "--now",
            CLOCK,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(out_dir.path().join("reports/2025/index.html")).unwrap();
    assert!(
        page.contains("更正记录") && page.contains("原文表述有误"),
        "{page}"
    );
}

#[test]
fn the_request_block_cannot_be_edited_by_hand() {
    let site = site("annual");
    let root = site.path();
    let db = register(root);
    let o = gongshi(
        root,
        &["report", "annual", "2025", "--db", db.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let (ok, out) = check(root, CLOCK);
    assert!(ok, "{out}");
    let path = root.join("content/reports/2025.md");
    let generated = std::fs::read_to_string(&path).unwrap();
    assert!(generated.contains("requests_hash: "), "{generated}");
    // No personal data of the register reaches the record.
    assert!(
        !generated.contains("13800000000") && !generated.contains("申请人,"),
        "{generated}"
    );
    let edited = generated.replacen(
        "{row: \"予以公开\", person: 1",
        "{row: \"予以公开\", person: 4",
        1,
    );
    assert_ne!(edited, generated);
    std::fs::write(&path, &edited).unwrap();
    let (ok, out) = check(root, CLOCK);
    assert!(!ok, "{out}");
    assert!(out.contains("错误[report.requests-edited]"), "{out}");
    // Running --db again repairs it.
    let o = gongshi(
        root,
        &["report", "annual", "2025", "--db", db.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), generated);
}

/// Hostile report files: each is an error with its file and field, never a crash, and the
/// failed build leaves the published folder as it was.
#[test]
fn hostile_report_files_are_errors_with_a_place() {
    let cases: &[(&str, &str, &str)] = &[
        ("requests: 17\n", "requests", "schema."),
        ("requests:\n  - {row: 本年新收, person: -3, business: 0, research: 0, nonprofit: 0, legal: 0, other: 0}\n", "requests", "schema."),
        ("requests:\n  - {row: 本年新收, person: 99999999999999999999, business: 0, research: 0, nonprofit: 0, legal: 0, other: 0}\n", "requests", "schema."),
        ("requests:\n  - {row: 本年新收, person: 1, business: 0, research: 0, nonprofit: 0, legal: 0, other: 0}\n", "requests", "report.requests-edited"),
        ("requests:\n  - {row: \"<script>alert(1)</script>\", person: 1, business: 0, research: 0, nonprofit: 0, legal: 0, other: 0}\nrequests_hash: x\n", "requests", "report."),
        ("requests_hash: abc\n", "requests_hash", "report.requests-edited"),
        ("overrides:\n  - {cell: 二/规章/不存在, value: 1, reason: 试}\n", "overrides[1].cell", "report.unknown-cell"),
        ("overrides:\n  - {cell: 二/规章/本年制发件数, value: 1, reason: \"  \"}\n", "overrides", "schema."),
        ("overrides:\n  - {cell: 二/规章/本年制发件数, value: 一, reason: 试}\n", "overrides", "schema."),
        ("reviews: {review: {upheld: 1}}\n", "reviews", "schema."),
        ("report: 其他报告\n", "report", "schema."),
        ("year: 二〇二五\n", "year", "schema."),
    ];
    for (extra, field, code) in cases {
        let site = site("annual");
        let root = site.path();
        let path = root.join("content/reports/2025.md");
        let base = std::fs::read_to_string(&path).unwrap();
        // Replace a key the case sets, else add it.
        let key = extra.split(':').next().unwrap();
        let kept: String = {
            let mut out = String::new();
            let mut skip = false;
            for line in base.split_inclusive('\n') {
                if line.starts_with(&format!("{key}:")) {
                    skip = true;
                    continue;
                }
                if skip && line != "---\n" && (line.starts_with(' ') || line.starts_with('-')) {
                    continue;
                }
                skip = false;
                out.push_str(line);
            }
            out
        };
        let text_ = kept.replacen("---\n", &format!("---\n{extra}"), 1);
        std::fs::write(&path, &text_).unwrap();
        let o = gongshi(root, &["check", "--now", CLOCK, "--format", "json"]);
        assert_eq!(o.status.code(), Some(1), "{extra}: {}", text(&o));
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{extra}: {e}: {}", text(&o)));
        let hit = v
            .as_array()
            .or_else(|| v["diagnostics"].as_array())
            .unwrap()
            .iter()
            .any(|d| {
                d["code"].as_str().is_some_and(|c| c.starts_with(code))
                    && d["file"]
                        .as_str()
                        .is_some_and(|f| f.ends_with("reports/2025.md"))
                    && d["field"]
                        .as_str()
                        .is_none_or(|f| f.starts_with(field.split('.').next().unwrap()))
            });
        assert!(hit, "{extra}: expected {code} at {field}: {}", text(&o));
        // The command that reads the record does not crash either.
        let o = gongshi(root, &["report", "annual", "2025"]);
        assert_ne!(o.status.code(), Some(101), "{extra}: {}", text(&o));
    }
}

#[test]
fn the_report_page_links_every_counted_cell_and_open_data_follows_its_schema() {
    let site = site("annual");
    let root = site.path();
    seal_all(root);
    let out_dir = tempfile::tempdir().unwrap();
    let o = gongshi(
        root,
        &[
            "build",
            "-q",
            "--out",
            out_dir.path().to_str().unwrap(),
            "--now",
            CLOCK,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let read = |p: &str| std::fs::read_to_string(out_dir.path().join(p)).unwrap();
    let page = read("reports/2025/index.html");
    for h in [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ] {
        assert!(page.contains(h), "{h}");
    }
    // The six sections in the official order.
    let pos: Vec<usize> = ["h-r1", "h-r2", "h-r3", "h-r4", "h-r5", "h-r6"]
        .iter()
        .map(|id| page.find(&format!("id=\"{id}\"")).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]));
    // The override is shown as such, with its reason and the computed figure.
    assert!(
        page.contains("人工调整：2025年以前制定的2件规章未录入网站；系统统计为1"),
        "{page}"
    );
    // Table 三 before the register is counted: 未注明.
    assert!(page.contains("依申请公开情况未注明"));
    // Every counted cell's note links the records it counts.
    let enf = read("reports/2025-enforcement/index.html");
    for rec in [
        "xu-1", "xu-2", "xu-3", "fa-1", "fa-2", "fa-3", "fa-4", "fa-2024", "qz-1", "jc-1",
    ] {
        assert!(
            enf.contains(&format!("href=\"/enforcement/{rec}/\"")),
            "{rec}"
        );
    }
    // A decision's page shows its typed outcome, and 未注明 when none was entered.
    let fa1 = read("enforcement/fa-1/index.html");
    assert!(
        fa1.contains("<dt>处罚种类</dt><dd>警告、罚款</dd>"),
        "{fa1}"
    );
    let fa4 = read("enforcement/fa-4/index.html");
    assert!(fa4.contains("<dt>处罚种类</dt><dd>未注明</dd>"), "{fa4}");
    assert!(read("enforcement/xu-2/index.html").contains("<dt>许可结果</dt><dd>不予许可</dd>"));
    assert!(read("enforcement/xu-3/index.html").contains("<dt>许可结果</dt><dd>未注明</dd>"));
    assert!(page.contains("href=\"/fees/exam-fee/\""));
    assert!(page.contains("href=\"/documents/norm-old/\""));
    // The column: list page, catalogue and site map.
    assert!(read("reports/index.html").contains("2025年政府信息公开工作年度报告"));
    assert!(read("catalog/index.html").contains("政府信息公开年报"));
    assert!(read("sitemap/index.html").contains("政府信息公开年报"));
    // Print: A4 and the official table borders.
    let css = read("static/site.css");
    assert!(
        css.contains("@page{size:A4") && css.contains("table.official"),
        "print CSS"
    );
    // Open data: every cell, valid against the published schema.
    let data: Value = serde_json::from_str(&read("data/reports.json")).unwrap();
    let schema: Value = serde_json::from_str(&read("data/reports.schema.json")).unwrap();
    let v = jsonschema::options().build(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(&data).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let open = data
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["report"] == "政府信息公开")
        .unwrap();
    let cells = open["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 10 + 25 * 7 + 15);
    let c = cells
        .iter()
        .find(|c| c["id"] == "二/规章/现行有效件数")
        .unwrap();
    assert_eq!(c["value"], Value::from(3));
    assert_eq!(c["computed"], Value::from(1));
    assert_eq!(c["override_reason"], "2025年以前制定的2件规章未录入网站");
    assert_eq!(
        c["records"][0],
        "https://rsj.test.example.gov.cn/documents/rule-2025/"
    );
    assert!(open["seal"].as_str().is_some_and(|s| s.len() == 64));
    // And as CSV, one row per cell of both reports (after the header).
    let csv = read("data/report-cells.csv");
    assert_eq!(csv.lines().count(), 1 + (10 + 25 * 7 + 15) + 32);
    assert!(csv.contains(
        "2025,政府信息公开,二/规章/现行有效件数,二-1,规章,现行有效件数,3,1,2025年以前制定的2件规章未录入网站,records,https://rsj.test.example.gov.cn/documents/rule-2025/,"
    ), "{csv}");
}
