//! Fees as they really are (issue 18 §3): a standard may be a fixed amount, a range, a rate, a
//! free text or sub-items; a basis per standard; a basis by number only; an unstated standard
//! is published as 「未注明」, never as 0. And `gongshi import fees` from a real fee table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

const FEE: &str = "title: 测试收费
published: 2026-11-20
basis:
  - title: 省物价局 省财政厅关于测试收费标准的通知
    doc_no: 鄂价费〔2020〕12号
  - doc_no: 鄂财综[2019]3号
standards:
  - item: 固定金额
    amount: 30
    unit: 元/人次
  - item: 幅度
    min: 50
    max: 120
    unit: 元/件
  - item: 费率
    rate: 1.5
    rate_unit: 倍
    rate_of: 基本收费标准
    basis:
      - doc_no: 鄂价费(2021)7号
  - item: 百分比
    rate: 80
    rate_unit: '%'
  - item: 文字标准
    text: 按实际发生的成本收取
  - item: 检测费
    items:
      - item: 常规项目
        amount: 100
        unit: 元/项
      - item: 特殊项目
        min: 200
        max: 500
        unit: 元/项
  - item: 没写标准
";

fn built(fee: &str) -> tempfile::TempDir {
    let site = site("minimal");
    let dir = site.path().join("content/fees");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("f.yaml"), fee).unwrap();
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    site
}

/// The `<tr>` of a standard on the page.
fn row(html: &str, item: &str) -> String {
    let at = html
        .find(&format!("{item}</td>"))
        .unwrap_or_else(|| panic!("no row {item}"));
    let start = html[..at].rfind("<tr").unwrap();
    html[start..at + html[at..].find("</tr>").unwrap()].to_string()
}

fn cell(row: &str, label: &str) -> String {
    let at = row.find(&format!("data-label=\"{label}\"")).unwrap();
    let from = at + row[at..].find('>').unwrap() + 1;
    row[from..from + row[from..].find("</td>").unwrap()].to_string()
}

#[test]
fn each_form_of_standard_renders_on_the_page() {
    let site = built(FEE);
    let html = std::fs::read_to_string(site.path().join("public/fees/f/index.html")).unwrap();
    let std = |item: &str| cell(&row(&html, item), "收费标准");
    assert_eq!(std("固定金额"), "30");
    assert_eq!(std("幅度"), "50–120");
    assert_eq!(std("费率"), "基本收费标准的1.5倍");
    assert_eq!(std("百分比"), "80%");
    assert_eq!(std("文字标准"), "按实际发生的成本收取");
    // Sub-items, each with its own standard.
    assert_eq!(std("其中：常规项目"), "100");
    assert_eq!(std("其中：特殊项目"), "200–500");
    assert!(row(&html, "其中：常规项目").starts_with("<tr class=\"sub\""));
    // Nothing entered: 未注明, never 0.
    assert_eq!(std("没写标准"), "未注明");
    // A basis per standard, and a basis by number only, as typed.
    assert!(cell(&row(&html, "费率"), "备注").contains("依据：鄂价费(2021)7号"));
    assert!(html.contains("<li>鄂财综[2019]3号</li>"), "{html}");
    assert!(html.contains("<li>省物价局 省财政厅关于测试收费标准的通知（鄂价费〔2020〕12号）</li>"));
}

#[test]
fn each_form_of_standard_is_structured_in_open_data() {
    let site = built(FEE);
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/data/fees.json")).unwrap(),
    )
    .unwrap();
    let fee = &data[0];
    let std = |item: &str| {
        fee["standards"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["item"] == item)
            .unwrap()
            .clone()
    };
    let range = std("幅度");
    assert_eq!(range["form"], "range");
    assert_eq!(
        (range["min"].as_f64(), range["max"].as_f64()),
        (Some(50.0), Some(120.0))
    );
    assert!(range["amount"].is_null());
    let rate = std("费率");
    assert_eq!(rate["form"], "rate");
    assert_eq!(rate["rate"].as_f64(), Some(1.5));
    assert_eq!(rate["rate_unit"], "倍");
    assert_eq!(rate["rate_of"], "基本收费标准");
    assert_eq!(rate["basis"][0]["doc_no"], "鄂价费(2021)7号");
    assert!(rate["basis"][0]["title"].is_null());
    let text = std("文字标准");
    assert_eq!(text["form"], "text");
    assert_eq!(text["text"], "按实际发生的成本收取");
    let parent = std("检测费");
    assert_eq!(parent["form"], "items");
    assert_eq!(parent["items"][1]["form"], "range");
    assert_eq!(parent["items"][1]["display"], "200–500");
    let none = std("没写标准");
    assert_eq!(none["form"], "unstated");
    assert!(none["amount"].is_null());
    assert_eq!(none["display"], "未注明");
    assert_eq!(fee["basis"][1]["doc_no"], "鄂财综[2019]3号");
    // The CSV: one row per standard and per sub-item, the parent named.
    let csv = std::fs::read_to_string(site.path().join("public/data/fees.csv")).unwrap();
    let mut r =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 9);
    let sub = rows.iter().find(|r| &r[2] == "特殊项目").unwrap();
    assert_eq!(
        (&sub[10], &sub[11], &sub[13], &sub[14]),
        ("检测费", "range", "200", "500")
    );
    let none = rows.iter().find(|r| &r[2] == "没写标准").unwrap();
    assert_eq!((&none[3], &none[12]), ("", "未注明"));
}

fn import(site: &std::path::Path, csv: &std::path::Path) -> std::process::Output {
    let root = site.to_str().unwrap();
    run(&[
        "import",
        "fees",
        csv.to_str().unwrap(),
        "--root",
        root,
        "--now",
        NOW,
    ])
}

#[test]
fn a_real_fee_table_imports_without_loss_and_builds() {
    let site = site("minimal");
    let o = import(site.path(), &repo().join("tests/fixtures/import/fees.csv"));
    assert!(o.status.success(), "{}", text(&o));
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let html =
        std::fs::read_to_string(site.path().join("public/fees/jianding-fei/index.html")).unwrap();
    // Several approval numbers per row, each bracket style as typed.
    for no in [
        "鄂价费〔2016〕7号",
        "发改价格[2015]2136号",
        "发改价格〔2015〕1234号",
        "鄂价费(2016)7号",
    ] {
        assert!(html.contains(no), "{no} lost: {html}");
    }
    let std = |item: &str| cell(&row(&html, item), "收费标准");
    assert_eq!(std("理论考试"), "60–120");
    assert_eq!(std("加急鉴定"), "基本收费标准的1.5倍");
    assert_eq!(std("其中：特殊项目"), "按实际成本收取");
    assert_eq!(std("资料费"), "未注明");
    let other =
        std::fs::read_to_string(site.path().join("public/fees/gongben-fei/index.html")).unwrap();
    assert!(other.contains("<li>鄂价费〔2005〕12号</li>"), "{other}");
    assert!(other.contains("<li>鄂财综[2005]3号</li>"), "{other}");
    assert_eq!(cell(&row(&other, "首次申领"), "收费标准"), "0");
}

#[test]
fn a_bad_row_is_located_and_nothing_is_written() {
    let site = site("minimal");
    let csv = site.path().join("bad.csv");
    let good = std::fs::read_to_string(repo().join("tests/fixtures/import/fees.csv")).unwrap();
    // Row 4 of the file: an amount with its unit typed in.
    let bad = good.replacen(",,加急鉴定,,,,,1.5,倍,", ",,加急鉴定,,30元,,,,,", 1);
    assert_ne!(bad, good);
    std::fs::write(&csv, bad).unwrap();
    let o = import(site.path(), &csv);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("第5行“金额”列：“30元”不是数字"), "{out}");
    // Row 5 as a spreadsheet shows it; line 6 of the file (a cell above holds a line break).
    assert!(out.contains("bad.csv:6:"), "{out}");
    assert!(out.contains("只写数字"), "{out}");
    assert!(out.contains("计费单位"), "{out}");
    assert!(!site.path().join("content/fees").exists(), "{out}");
}

#[test]
fn the_command_reference_lists_every_import_column() {
    let doc = std::fs::read_to_string(repo().join("docs/commands.md")).unwrap();
    for (name, required, help) in gongshi::scaffold::import::COLUMNS {
        let req = if *required { "必填" } else { "选填" };
        let line = format!("| `{name}` | {req} | {help} |");
        assert!(doc.contains(&line), "docs/commands.md lacks {line}");
    }
}
