//! Outcome-only (historical) consultations: the record of a consultation held before the
//! site, and its paper opinions imported into the opinion chain (issue 18).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

pub const HIST: &str = "content/consultations/old-plan.md";

/// Only what the bureau still has: the title, the close date and the outcome.
pub const HIST_MD: &str = "---\ntitle: 关于《测试县养老服务设施布局规划》的意见征集\npublished: 2026-11-10\nhistorical: true\ncloses: 2021-03-31\noutcome:\n  published: 2021-05-10\n  decision: 规划已于2021年5月印发。\n---\n";

fn build(root: &std::path::Path) -> String {
    let o = run(&[
        "build",
        "-q",
        "--root",
        root.to_str().unwrap(),
        "--now",
        NOW,
        "--no-cache",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

fn consultation_json(root: &std::path::Path, id: &str) -> serde_json::Value {
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("public/data/consultations.json")).unwrap(),
    )
    .unwrap();
    // Valid against the published schema (the nulls included).
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("public/data/consultations.schema.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = v
        .iter_errors(&data)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let items = data.as_array().unwrap();
    items
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {data}"))
        .clone()
}

#[test]
fn a_historical_consultation_with_only_closes_and_outcome_builds_without_inventions() {
    let site = site("minimal");
    let root = site.path();
    std::fs::create_dir_all(root.join("content/consultations")).unwrap();
    std::fs::write(root.join(HIST), HIST_MD).unwrap();
    build(root);
    let html =
        std::fs::read_to_string(root.join("public/consultations/old-plan/index.html")).unwrap();
    // Absent notice items are 未注明, never the defaults of a notice.
    assert!(html.contains("决策类型未注明"), "{html}");
    assert!(html.contains("<p class=\"unstated\">未注明</p>"), "{html}");
    assert!(
        html.contains("反馈方式：<span class=\"unstated\">未注明</span>"),
        "{html}"
    );
    assert!(
        html.contains("开始时间未注明至2021年3月31日24:00"),
        "{html}"
    );
    assert!(
        !html.contains("个工作日"),
        "no invented window length: {html}"
    );
    assert!(!html.contains("发布当日不计入"), "{html}");
    // A record of a past consultation: no form, no live deadline, the outcome published.
    assert!(html.contains("本站上线前开展的意见征集"), "{html}");
    assert!(!html.contains("comment-form"), "{html}");
    assert!(!html.contains("/comment\""), "no comment form: {html}");
    assert!(!html.contains("还剩"), "{html}");
    assert!(html.contains("已公布结果"), "{html}");
    assert!(html.contains("规划已于2021年5月印发。"), "{html}");
    // Listed with its state.
    let list = std::fs::read_to_string(root.join("public/consultations/index.html")).unwrap();
    assert!(list.contains("【已公布结果】"), "{list}");
    assert!(list.contains("截至2021年3月31日24:00"), "{list}");
    // Open data: nulls, not defaults.
    let v = consultation_json(root, "old-plan");
    for key in [
        "decision_type",
        "opens",
        "open_date",
        "window",
        "window_working_days",
        "window_days",
        "situation",
        "basis",
        "reasons",
        "channels",
    ] {
        assert!(v[key].is_null(), "{key} should be null: {v}");
    }
    assert_eq!(v["state"], "concluded", "{v}");
    assert_eq!(v["close_date"], "2021-03-31", "{v}");
    assert!(
        v["notice"]
            .as_str()
            .unwrap()
            .contains("本站上线前开展的意见征集"),
        "{v}"
    );
    // Not in the calendar of open consultations.
    let ics = std::fs::read_to_string(root.join("public/consultations.ics")).unwrap_or_default();
    assert!(!ics.contains("old-plan"), "{ics}");
}

#[test]
fn without_historical_the_notice_items_are_still_required() {
    let site = site("minimal");
    let root = site.path();
    std::fs::create_dir_all(root.join("content/consultations")).unwrap();
    std::fs::write(root.join(HIST), HIST_MD.replace("historical: true\n", "")).unwrap();
    let o = run(&["check", "--root", root.to_str().unwrap(), "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    for f in ["basis", "reasons", "channels", "decision_type", "summary"] {
        assert!(out.contains(&format!("缺少必填字段“{f}”")), "{f}: {out}");
    }
}

#[test]
fn a_historical_window_shorter_than_the_minimum_is_only_a_warning() {
    let site = site("minimal");
    let root = site.path();
    std::fs::create_dir_all(root.join("content/consultations")).unwrap();
    // 2021-03-01 (Mon) to 2021-03-05: 4 working days after the opening day.
    let md = HIST_MD.replace(
        "closes: 2021-03-31\n",
        "opens: 2021-03-01\ncloses: 2021-03-05\n",
    );
    std::fs::write(root.join(HIST), md).unwrap();
    let o = run(&["check", "--root", root.to_str().unwrap(), "--now", NOW]);
    let out = text(&o);
    assert!(
        out.contains("consultation.historical-window-short"),
        "{out}"
    );
    assert!(out.contains("4个工作日"), "{out}");
    assert!(!out.contains("consultation.window-short]"), "{out}");
    build(root);
    let html =
        std::fs::read_to_string(root.join("public/consultations/old-plan/index.html")).unwrap();
    assert!(html.contains("2021年3月1日至2021年3月5日24:00"), "{html}");
    // Both dates given: the real length, from the dates entered.
    let v = consultation_json(root, "old-plan");
    assert_eq!(v["window_working_days"], 4, "{v}");
    assert_eq!(
        v["opens"].as_str().map(|s| s.starts_with("2021-03-01")),
        Some(true),
        "{v}"
    );
}

const OPINIONS_CSV: &str = "收到日期,渠道,意见内容,姓名,联系方式,同意公开,处理结果,理由\n\
2021/3/5,信函,建议在东片区增设一处日间照料中心。,张三丰,13800138000,是,采纳,已在规划中增加。\n\
2021-03-10,电子邮件,\"建议明确建设资金来源，\n并分年度实施。\",,,否,部分采纳,资金来源已明确。\n\
2021年3月20日,现场,反对在河道旁建设。,李四,,否,未采纳,选址已经论证。\n";

fn gongshi(args: &[&str]) -> std::process::Output {
    run(args)
}

/// A site with the historical record (no outcome yet) and a database path beside it.
fn site_with_history() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = site("minimal");
    let root = site.path();
    std::fs::create_dir_all(root.join("content/consultations")).unwrap();
    let md = HIST_MD.replace(
        "outcome:\n  published: 2021-05-10\n  decision: 规划已于2021年5月印发。\n",
        "",
    );
    std::fs::write(root.join(HIST), md).unwrap();
    let db = root.join("feedback.db");
    (site, db)
}

fn import(root: &std::path::Path, db: &std::path::Path, file: &str) -> std::process::Output {
    gongshi(&[
        "feedback",
        "import",
        "old-plan",
        file,
        "--root",
        root.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--init",
    ])
}

#[test]
fn paper_opinions_from_a_csv_land_in_the_chain_and_the_report() {
    let (site, db) = site_with_history();
    let root = site.path();
    let csv = root.join("opinions.csv");
    std::fs::write(&csv, OPINIONS_CSV).unwrap();
    let o = import(root, &db, csv.to_str().unwrap());
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert_eq!(out.matches("→ 回执 ZJ").count(), 3, "{out}");
    // Exported to the ledger exactly as `add` + `export` do; the chains verify.
    let o = gongshi(&[
        "feedback",
        "export",
        "--root",
        root.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--consultation",
        "old-plan",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let ledger =
        std::fs::read_to_string(root.join("content/consultations/old-plan/opinions.jsonl"))
            .unwrap();
    assert_eq!(ledger.lines().count(), 3, "{ledger}");
    for private in ["张三丰", "13800138000", "李四"] {
        assert!(
            !ledger.contains(private),
            "{private} in the ledger: {ledger}"
        );
    }
    let o = gongshi(&[
        "feedback",
        "verify",
        "--root",
        root.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("校验通过"), "{}", text(&o));
    // The handling results went to dispositions.yaml; with the outcome the report builds and
    // counts them.
    let disp =
        std::fs::read_to_string(root.join("content/consultations/old-plan/dispositions.yaml"))
            .unwrap();
    assert_eq!(disp.matches("disposition:").count(), 3, "{disp}");
    std::fs::write(
        root.join(HIST),
        HIST_MD.replace(
            "  decision: 规划已于2021年5月印发。\n",
            "  decision: 规划已于2021年5月印发。\n  opinions: {total: 3, letter: 1, email: 1, in_person: 1, adopted: 1, partly_adopted: 1, not_adopted: 1}\n",
        ),
    )
    .unwrap();
    build(root);
    let report =
        std::fs::read_to_string(root.join("public/consultations/old-plan/report/index.html"))
            .unwrap();
    for l in ledger.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(report.contains(v["receipt"].as_str().unwrap()), "{report}");
    }
    assert!(report.contains("【部分采纳】"), "{report}");
    assert!(
        report.contains("建议在东片区增设一处日间照料中心。"),
        "consented text: {report}"
    );
    for private in ["张三丰", "13800138000", "李四"] {
        for (path, bytes) in tree(&root.join("public")) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(private),
                "{private} published in {path}"
            );
        }
    }
    // The same file again is refused; so is a corrected copy repeating its rows.
    let o = import(root, &db, csv.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("这个文件已经导入过"), "{}", text(&o));
    std::fs::write(&csv, format!("{OPINIONS_CSV}2021-03-21,电话,同意。,,,,,\n")).unwrap();
    let o = import(root, &db, csv.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("opinions.csv:2:1: 与已录入的回执 ZJ"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("--allow-same-rows"), "{}", text(&o));
    let ledger_after =
        std::fs::read_to_string(root.join("content/consultations/old-plan/opinions.jsonl"))
            .unwrap();
    assert_eq!(ledger, ledger_after);
}

/// `feedback import` on a PostgreSQL store (`--db postgres://…`): the same rows, receipts,
/// handling results and refusals as on SQLite. Skipped (saying why) only when no PostgreSQL
/// server can be started.
#[test]
fn paper_opinions_import_into_postgres_as_into_sqlite() {
    let Some(url) = crate::pg_common::fresh_url("historical::paper_opinions_postgres") else {
        return;
    };
    let (site, _) = site_with_history();
    let root = site.path();
    let db = std::path::Path::new(&url);
    let csv = root.join("opinions.csv");
    std::fs::write(&csv, OPINIONS_CSV).unwrap();
    let o = import(root, db, csv.to_str().unwrap());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(text(&o).matches("→ 回执 ZJ").count(), 3, "{}", text(&o));
    let run_db = |cmd: &str, extra: &[&str]| {
        let mut v = vec![
            "feedback",
            cmd,
            "--root",
            root.to_str().unwrap(),
            "--db",
            &url,
        ];
        v.extend_from_slice(extra);
        gongshi(&v)
    };
    let o = run_db("export", &["--consultation", "old-plan"]);
    assert!(o.status.success(), "{}", text(&o));
    let ledger =
        std::fs::read_to_string(root.join("content/consultations/old-plan/opinions.jsonl"))
            .unwrap();
    assert_eq!(ledger.lines().count(), 3, "{ledger}");
    assert!(!ledger.contains("张三丰") && !ledger.contains("13800138000"));
    let o = run_db("verify", &[]);
    assert!(o.status.success(), "{}", text(&o));
    let disp =
        std::fs::read_to_string(root.join("content/consultations/old-plan/dispositions.yaml"))
            .unwrap();
    assert_eq!(disp.matches("disposition:").count(), 3, "{disp}");
    for l in ledger.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(disp.contains(v["receipt"].as_str().unwrap()), "{disp}");
    }
    // Once only; a copy repeating rows is refused row by row; nothing changes.
    let o = import(root, db, csv.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("这个文件已经导入过"), "{}", text(&o));
    std::fs::write(&csv, format!("{OPINIONS_CSV}2021-03-21,电话,同意。,,,,,\n")).unwrap();
    let o = import(root, db, csv.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("opinions.csv:2:1: 与已录入的回执 ZJ"),
        "{}",
        text(&o)
    );
    let o = gongshi(&["feedback", "stats", "--db", &url]);
    assert!(text(&o).contains("信函: 1"), "{}", text(&o));
    let disp_after =
        std::fs::read_to_string(root.join("content/consultations/old-plan/dispositions.yaml"))
            .unwrap();
    assert_eq!(disp, disp_after);
}

#[test]
fn a_bad_row_refuses_the_whole_file_with_located_messages() {
    let (site, db) = site_with_history();
    let root = site.path();
    let csv = root.join("bad.csv");
    std::fs::write(
        &csv,
        "收到日期,渠道,意见内容\n2021-03-05,信函,同意。\n2021-03-06,传真,建议增加条款。\n2021-03-07,电话,\n2021-02-30,现场,反对。\n",
    )
    .unwrap();
    let o = import(root, &db, csv.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("整个文件未导入"), "{out}");
    assert!(
        out.contains("bad.csv:3:2: “渠道”列：不认识的渠道“传真”"),
        "{out}"
    );
    assert!(out.contains("bad.csv:4:3: “意见内容”列：是空的"), "{out}");
    assert!(
        out.contains("bad.csv:5:1: “收到日期”列：无法识别的日期“2021-02-30”"),
        "{out}"
    );
    // Nothing stored, not even the good first row: the database was not even created.
    assert!(!db.exists());
    assert!(!root
        .join("content/consultations/old-plan/dispositions.yaml")
        .exists());
}

#[test]
fn a_hostile_csv_is_refused_within_bounds() {
    let (site, db) = site_with_history();
    let root = site.path();
    let start = std::time::Instant::now();
    // One huge line: over the size limit, refused before it is read.
    let huge = root.join("huge.csv");
    let mut text_huge = String::from("收到日期,渠道,意见内容\n2021-03-05,信函,");
    text_huge.push_str(&"意".repeat(3_000_000));
    std::fs::write(&huge, &text_huge).unwrap();
    let o = import(root, &db, huge.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("超过 8 MB"), "{}", text(&o));
    // A long line within the size limit: that cell is refused, located.
    let long = root.join("long.csv");
    std::fs::write(
        &long,
        format!(
            "收到日期,渠道,意见内容\n2021-03-05,信函,{}\n",
            "意".repeat(1_000_000)
        ),
    )
    .unwrap();
    let o = import(root, &db, long.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("long.csv:2:3: “意见内容”列：超过 5000 字"),
        "{}",
        text(&o)
    );
    // A million rows (small enough to be under the size limit): stopped at the row limit.
    let many = root.join("many.csv");
    std::fs::write(
        &many,
        format!("收到日期,渠道,意见内容\n{}", "1,2,3\n".repeat(1_000_000)),
    )
    .unwrap();
    let o = import(root, &db, many.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("many.csv:5002:1: 超过 5000 行"),
        "{}",
        &out[..out.len().min(2000)]
    );
    assert!(
        out.lines().count() < 60,
        "problems listed are capped: {} lines",
        out.lines().count()
    );
    assert!(!db.exists());
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
}

/// [`OPINIONS_CSV`] as a workbook a clerk keeps: the first date as an Excel date cell, the
/// others as typed; `edit` may change a cell (row, column) first.
fn opinions_xlsx(out: &std::path::Path, edit: impl Fn(usize, usize, &mut String)) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(OPINIONS_CSV.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("来信").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let mut v = v.clone();
            edit(r, c, &mut v);
            if v.is_empty() {
                continue;
            }
            if (r, c) == (2, 0) {
                let d = ExcelDateTime::parse_from_str(&v).unwrap();
                ws.write_datetime_with_format(r as u32, c as u16, &d, &date)
                    .unwrap();
            } else {
                ws.write_string(r as u32, c as u16, &v).unwrap();
            }
        }
    }
    wb.save(out).unwrap();
}

/// The ledger's entries and the dispositions without what differs by design between two
/// imports: receipt numbers, and the hashes over a random salt (the opinion's digest) or over
/// the receipt (the chain's links).
fn imported(root: &std::path::Path, db: &std::path::Path) -> (Vec<serde_json::Value>, String) {
    let o = gongshi(&[
        "feedback",
        "export",
        "--root",
        root.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--consultation",
        "old-plan",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let dir = root.join("content/consultations/old-plan");
    let ledger = std::fs::read_to_string(dir.join("opinions.jsonl")).unwrap();
    let mut receipts = Vec::new();
    let entries = ledger
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let o = v.as_object_mut().unwrap();
            receipts.push(o["receipt"].as_str().unwrap().to_string());
            for k in ["receipt", "opinion_digest", "prev_hash", "hash"] {
                o.remove(k);
            }
            v
        })
        .collect();
    let mut disp = std::fs::read_to_string(dir.join("dispositions.yaml")).unwrap();
    for (i, r) in receipts.iter().enumerate() {
        disp = disp.replace(r, &format!("R{i}"));
    }
    (entries, disp)
}

/// The same opinions from an `.xlsx` workbook: the same chain entries and handling results
/// as from the CSV; a bad cell is located by sheet, row, column and cell; a zip bomb is
/// refused within the importer's bounds.
#[test]
fn paper_opinions_from_an_xlsx_give_the_same_chain_as_the_csv() {
    let (a, db_a) = site_with_history();
    let csv = a.path().join("opinions.csv");
    std::fs::write(&csv, OPINIONS_CSV).unwrap();
    let o = import(a.path(), &db_a, csv.to_str().unwrap());
    assert!(o.status.success(), "{}", text(&o));
    let (b, db_b) = site_with_history();
    let book = b.path().join("意见.xlsx");
    opinions_xlsx(&book, |_, _, _| {});
    let o = import(b.path(), &db_b, book.to_str().unwrap());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(text(&o).matches("→ 回执 ZJ").count(), 3, "{}", text(&o));
    let (from_csv, from_xlsx) = (imported(a.path(), &db_a), imported(b.path(), &db_b));
    assert_eq!(from_csv.0.len(), 3);
    assert_eq!(from_csv, from_xlsx);

    let (c, db_c) = site_with_history();
    let bad = c.path().join("bad.xlsx");
    opinions_xlsx(&bad, |r, col, v| {
        if (r, col) == (3, 1) {
            *v = "传真".into();
        }
    });
    let o = import(c.path(), &db_c, bad.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("bad.xlsx:4:2: 工作表“来信”第4行“渠道”列（B4单元格）：不认识的渠道“传真”"),
        "{out}"
    );
    assert!(!db_c.exists());
    let bomb = repo().join("tests/fixtures/import/bomb.xlsx");
    let o = import(c.path(), &db_c, bomb.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        o.status.code() == Some(2) && text(&o).contains("解压后超过"),
        "{}",
        text(&o)
    );
    assert!(!db_c.exists());
}
