//! `gongshi import` (issue 18, migration): XLSX as well as CSV, the same records and the same
//! located messages; hostile workbooks refused with bounded memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::Path;

const NOW: &str = "2026-12-01T09:00:00+08:00";

fn import(site: &Path, kind: &str, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "import",
        kind,
        file.to_str().unwrap(),
        "--root",
        site.to_str().unwrap(),
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn csv_rows(file: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(file)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The CSV fixture as a workbook a clerk would keep: amounts as Excel numbers (one with the
/// binary noise arithmetic leaves), dates as Excel dates, the rest as text; `edit` may change
/// a cell first.
fn xlsx_of_csv(csv: &Path, out: &Path, sheet: &str, edit: impl Fn(usize, usize, &mut String)) {
    let rows = csv_rows(csv);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let head = rows[0].clone();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let mut v = v.clone();
            edit(r, c, &mut v);
            if v.is_empty() {
                continue;
            }
            let (r32, c16) = (r as u32, c as u16);
            let name = head[c].as_str();
            if r > 0 && ["金额", "最低金额", "最高金额", "费率"].contains(&name) {
                if let Ok(x) = v.parse::<f64>() {
                    // 1.5 with the last-bit noise arithmetic leaves: 1.5000000000000002.
                    let x = if x == 1.5 {
                        f64::from_bits(x.to_bits() + 1)
                    } else {
                        x
                    };
                    ws.write_number(r32, c16, x).unwrap();
                    continue;
                }
            }
            if r > 0 && name == "发布日期" {
                let d = ExcelDateTime::parse_from_str(&v).unwrap();
                ws.write_datetime_with_format(r32, c16, &d, &date).unwrap();
                continue;
            }
            ws.write_string(r32, c16, &v).unwrap();
        }
    }
    wb.save(out).unwrap();
}

#[test]
fn an_xlsx_fee_table_imports_exactly_as_its_csv() {
    let fixture = repo().join("tests/fixtures/import/fees.csv");
    let a = site("minimal");
    let o = import(a.path(), "fees", &fixture, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let b = site("minimal");
    let book = b.path().join("收费标准.xlsx");
    xlsx_of_csv(&fixture, &book, "收费标准", |_, _, _| {});
    let o = import(b.path(), "fees", &book, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let fees = |s: &Path| tree(&s.join("content/fees"));
    let (from_csv, from_xlsx) = (fees(a.path()), fees(b.path()));
    assert_eq!(from_csv.len(), 2);
    assert_eq!(from_csv, from_xlsx);
    let o = run(&[
        "build",
        "-q",
        "--root",
        b.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn a_named_sheet_is_read_and_a_missing_one_is_named() {
    let fixture = repo().join("tests/fixtures/import/fees.csv");
    let s = site("minimal");
    let book = s.path().join("book.xlsx");
    let rows = csv_rows(&fixture);
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "本表为收费标准")
        .unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("收费").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    wb.save(&book).unwrap();
    // The first sheet is not the table.
    let o = import(s.path(), "fees", &book, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("工作表“说明”第1行第1列：不认识的列名“本表为收费标准”"),
        "{}",
        text(&o)
    );
    let o = import(s.path(), "fees", &book, &["--sheet", "收费表"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("没有名为“收费表”的工作表"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("说明、收费"), "{}", text(&o));
    let o = import(s.path(), "fees", &book, &["--sheet", "收费"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(s.path().join("content/fees/jianding-fei.yaml").is_file());
}

#[test]
fn a_bad_xlsx_cell_is_reported_with_sheet_row_and_column() {
    let fixture = repo().join("tests/fixtures/import/fees.csv");
    let s = site("minimal");
    let book = s.path().join("bad.xlsx");
    // Row 5 as Excel shows it (the 加急鉴定 row), column E (金额): an amount with its unit.
    xlsx_of_csv(&fixture, &book, "收费标准", |r, c, v| {
        if (r, c) == (4, 4) {
            *v = "30元".into();
        }
        if (r, c) == (4, 7) {
            v.clear();
        }
        if (r, c) == (4, 8) {
            v.clear();
        }
    });
    let o = import(s.path(), "fees", &book, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("工作表“收费标准”第5行“金额”列（E5单元格）：“30元”不是数字"),
        "{out}"
    );
    assert!(out.contains("bad.xlsx:5:5"), "{out}");
    assert!(out.contains("[import.row]"), "{out}");
    assert!(!s.path().join("content/fees").exists(), "{out}");
}

/// A zip archive with the given parts, deflated.
fn zip_of(out: &Path, parts: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        z.start_file(*name, opts).unwrap();
        std::io::Write::write_all(&mut z, data).unwrap();
    }
    z.finish().unwrap();
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A workbook whose one sheet's XML is `head` then `tail`.
fn crafted(out: &Path, head: &str, tail: &str) {
    let sheet = format!("{head}{tail}");
    zip_of(
        out,
        &[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", ROOT_RELS.as_bytes()),
            ("xl/workbook.xml", WORKBOOK.as_bytes()),
            ("xl/_rels/workbook.xml.rels", RELS.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ],
    );
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";

fn inline(r: &str, t: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#)
}

#[test]
fn a_zip_bomb_is_refused_by_its_unpacked_size() {
    let s = site("minimal");
    // 160 MiB of blanks inside the sheet, 161 KiB on disk (dev/make-xlsx-bomb.py).
    let bomb = repo().join("tests/fixtures/import/bomb.xlsx");
    let size = std::fs::metadata(&bomb).unwrap().len();
    assert!(size < 256 << 10, "{size}");
    let o = import(s.path(), "fees", &bomb, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("[import.too-large]"), "{out}");
    assert!(
        out.contains("解压后超过 134217728 字节（在“xl/worksheets/sheet1.xml”部分）"),
        "{out}"
    );
    assert!(out.contains("bomb.xlsx:1:1"), "{out}");
    assert!(!s.path().join("content/fees").exists());
}

#[test]
fn a_huge_or_sparse_sheet_is_refused_or_read_sparsely() {
    let s = site("minimal");
    // One header cell and one cell at the last row and column Excel allows: read without
    // building the 17-billion-cell grid between them.
    let sparse = s.path().join("sparse.xlsx");
    let body = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "文件名"),
        inline("XFD1048576", "x")
    );
    crafted(&sparse, &format!("{SHEET_HEAD}{body}"), SHEET_TAIL);
    let o = import(s.path(), "fees", &sparse, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("缺少“收费项目名称”列"), "{}", text(&o));
    // A header 16384 columns wide.
    let wide = s.path().join("wide.xlsx");
    let body = format!(
        r#"<row r="1">{}{}</row>"#,
        inline("A1", "文件名"),
        inline("XFD1", "x")
    );
    crafted(&wide, &format!("{SHEET_HEAD}{body}"), SHEET_TAIL);
    let o = import(s.path(), "fees", &wide, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("工作表“Sheet1”第1行（表头）有 16384 列，超过上限 1000"),
        "{}",
        text(&o)
    );
    // A cell longer than Excel itself allows.
    let long = s.path().join("long.xlsx");
    let body = format!(
        r#"<row r="1">{}</row><row r="2">{}</row>"#,
        inline("A1", "文件名"),
        inline("B2", &"长".repeat(40_000))
    );
    crafted(&long, &format!("{SHEET_HEAD}{body}"), SHEET_TAIL);
    let o = import(s.path(), "fees", &long, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("工作表“Sheet1”B2单元格：超过 32767 个字"),
        "{}",
        text(&o)
    );
    // The same cap on a CSV cell, located by row and column.
    let csv = s.path().join("long.csv");
    std::fs::write(&csv, format!("文件名,标题\nx,{}\n", "长".repeat(40_000))).unwrap();
    let o = import(s.path(), "documents", &csv, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("第2行第2列：单元格超过 32767 个字"),
        "{}",
        text(&o)
    );
    // Not a zip at all.
    let junk = s.path().join("junk.xlsx");
    std::fs::write(&junk, "文件名,收费项目名称\n").unwrap();
    let o = import(s.path(), "fees", &junk, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("[import.xlsx]"), "{}", text(&o));
    assert!(text(&o).contains("不是有效的 .xlsx 文件"), "{}", text(&o));
}

fn build(site: &Path) -> std::process::Output {
    run(&[
        "build",
        "-q",
        "--root",
        site.to_str().unwrap(),
        "--now",
        NOW,
    ])
}

#[test]
fn documents_import_from_csv_one_record_per_row_and_build() {
    let s = site("minimal");
    let o = import(
        s.path(),
        "documents",
        &repo().join("tests/fixtures/import/documents.csv"),
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("新建 2 条"), "{}", text(&o));
    let rec = std::fs::read_to_string(s.path().join("content/documents/2019-gongzi.md")).unwrap();
    // Index numbers continue the site's series (the minimal site has CSRSJ/2026-00001).
    assert!(rec.contains("index_no: \"CSRSJ/2026-00002\""), "{rec}");
    assert!(
        rec.contains("tags:\n  - \"农民工\"\n  - \"工资支付\""),
        "{rec}"
    );
    let o = build(s.path());
    assert!(o.status.success(), "{}", text(&o));
    let html =
        std::fs::read_to_string(s.path().join("public/documents/2019-gongzi/index.html")).unwrap();
    for want in [
        "关于进一步做好农民工工资支付工作的通知",
        "测人社发〔2019〕8号",
        "请按月足额支付农民工工资。",
    ] {
        assert!(html.contains(want), "{want}: {html}");
    }
    let html =
        std::fs::read_to_string(s.path().join("public/documents/2020-jiuye/index.html")).unwrap();
    assert!(html.contains("已废止"), "{html}");
}

#[test]
fn enforcement_decisions_import_with_nested_party_columns_and_build() {
    let s = site("minimal");
    let o = import(
        s.path(),
        "enforcement",
        &repo().join("tests/fixtures/import/enforcement.csv"),
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let rec = std::fs::read_to_string(s.path().join("content/enforcement/2025-fa-003.md")).unwrap();
    assert!(
        rec.contains("party:\n  type: \"法人\"\n  name: \"某某餐饮有限公司\""),
        "{rec}"
    );
    assert!(rec.contains("fine: 3000\n"), "{rec}");
    let o = build(s.path());
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(s.path().join("public/enforcement/2025-fa-003/index.html"))
        .unwrap();
    assert!(html.contains("测人社罚〔2025〕3号"), "{html}");
    assert!(html.contains("某某餐饮有限公司"), "{html}");
    // 处罚种类: several in one cell, separated by 、 or ；, each a list item.
    let rec = std::fs::read_to_string(s.path().join("content/enforcement/2025-fa-004.md")).unwrap();
    assert!(
        rec.contains("penalties:\n  - \"警告\"\n  - \"没收违法所得\"\n  - \"罚款\"\n"),
        "{rec}"
    );
    assert!(rec.contains("confiscated: 1200\n"), "{rec}");
    let html = std::fs::read_to_string(s.path().join("public/enforcement/2025-fa-004/index.html"))
        .unwrap();
    assert!(
        html.contains("<dt>处罚种类</dt><dd>警告、没收违法所得、罚款</dd>"),
        "{html}"
    );
    let rec = std::fs::read_to_string(s.path().join("content/enforcement/2025-xu-005.md")).unwrap();
    assert!(rec.contains("permit_result: \"准予许可\"\n"), "{rec}");
    let html = std::fs::read_to_string(s.path().join("public/enforcement/2025-xu-005/index.html"))
        .unwrap();
    assert!(
        html.contains("<dt>许可结果</dt><dd>准予许可</dd>"),
        "{html}"
    );
}

#[test]
fn an_unknown_penalty_kind_is_located_at_its_cell_with_the_allowed_words() {
    let s = site("minimal");
    let good =
        std::fs::read_to_string(repo().join("tests/fixtures/import/enforcement.csv")).unwrap();
    let bad = good.replacen("警告、没收违法所得；罚款", "警告、罚金", 1);
    assert_ne!(bad, good);
    let file = s.path().join("执法.csv");
    std::fs::write(&file, bad).unwrap();
    let o = import(s.path(), "enforcement", &file, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("第3行“处罚种类”列") && out.contains("“罚金”不在可选范围内"),
        "{out}"
    );
    assert!(
        out.contains("没收违法所得") && out.contains("行政拘留"),
        "{out}"
    );
    assert!(
        !s.path().join("content/enforcement/2025-fa-003.md").exists(),
        "{out}"
    );
}

#[test]
fn a_bad_value_is_reported_by_the_schema_at_its_cell_and_nothing_is_written() {
    let s = site("minimal");
    let good = std::fs::read_to_string(repo().join("tests/fixtures/import/documents.csv")).unwrap();
    let bad = good
        .replacen(",已废止,", ",现行,", 1)
        .replacen("2020-06-10", "2020年6月10日", 1);
    assert_ne!(bad, good);
    // English field names work as headers as well as the Chinese labels.
    let bad = bad.replacen("文件名,标题,文件类型", "id,title,doc_kind", 1);
    let book = s.path().join("目录.xlsx");
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bad.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    wb.save(&book).unwrap();
    let o = import(s.path(), "document", &book, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains(
            "工作表“Sheet1”第3行“有效性”列（G3单元格）：字段“validity”的值“现行”不在可选范围内"
        ),
        "{out}"
    );
    assert!(out.contains("目录.xlsx:3:7"), "{out}");
    assert!(out.contains("第3行“成文日期”列（F3单元格）"), "{out}");
    assert!(
        !s.path().join("content/documents/2019-gongzi.md").exists(),
        "{out}"
    );
    // Pages are not imported from tables; the kind is checked by the argument parser.
    let o = import(s.path(), "pages", &book, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("documents"), "{}", text(&o));
}

/// A documents table with the numbers two records had before the site: one in another
/// scheme (kept as legacy_index_no), one in the site's own series (kept as index_no).
const LEGACY: &str = "文件名,标题,文件类型,有效性,发布日期,索引号
2018-old,关于2018年度社会保险缴费基数的通知,notice,失效,2018-06-01,011334156/2018-00012
2026-own,关于本站编号的通知,notice,有效,2026-11-01,CSRSJ/2026-00050
";

#[test]
fn a_legacy_index_no_is_published_on_the_page_in_open_data_and_search() {
    let s = site("minimal");
    let csv = s.path().join("legacy.csv");
    std::fs::write(&csv, LEGACY).unwrap();
    let o = import(s.path(), "documents", &csv, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let old = std::fs::read_to_string(s.path().join("content/documents/2018-old.md")).unwrap();
    assert!(
        old.contains("legacy_index_no: \"011334156/2018-00012\""),
        "{old}"
    );
    // The site's own number is still allocated (the minimal site has 00001).
    assert!(old.contains("index_no: \"CSRSJ/2026-00002\""), "{old}");
    let own = std::fs::read_to_string(s.path().join("content/documents/2026-own.md")).unwrap();
    assert!(own.contains("index_no: \"CSRSJ/2026-00050\""), "{own}");
    assert!(!own.contains("legacy_index_no"), "{own}");
    let o = build(s.path());
    assert!(o.status.success(), "{}", text(&o));
    let page =
        std::fs::read_to_string(s.path().join("public/documents/2018-old/index.html")).unwrap();
    assert!(page.contains("011334156/2018-00012"), "{page}");
    assert!(!page.contains("CSRSJ/2026-00002"), "{page}");
    let data = std::fs::read_to_string(s.path().join("public/data/documents.json")).unwrap();
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    let rows = data["records"]
        .as_array()
        .or(data.as_array())
        .cloned()
        .unwrap_or_default();
    let row = rows.iter().find(|r| r["id"] == "2018-old").unwrap();
    assert_eq!(row["index_no"], "011334156/2018-00012", "{row}");
    let catalog = std::fs::read_to_string(s.path().join("public/catalog/index.html")).unwrap();
    assert!(catalog.contains("011334156/2018-00012"), "{catalog}");
    let search: String = walkdir::WalkDir::new(s.path().join("public/search"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(
        search.contains("011334156/2018-00012"),
        "not in the search index"
    );
}

#[test]
fn a_duplicate_legacy_index_no_is_refused_naming_both_files() {
    let s = site("minimal");
    let docs = s.path().join("content/documents");
    for name in ["a", "b"] {
        std::fs::write(
            docs.join(format!("{name}.md")),
            "---\ntitle: 旧通知\npublished: 2018-06-01\ndoc_kind: notice\nvalidity: 失效\nlegacy_index_no: 011334156/2018-00012\n---\n",
        )
        .unwrap();
    }
    let o = build(s.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("[meta.duplicate]"), "{out}");
    assert!(
        out.contains("原索引号“011334156/2018-00012”与其他记录重复"),
        "{out}"
    );
    assert!(out.contains("content/documents/a.md"), "{out}");
    assert!(out.contains("content/documents/b.md"), "{out}");
    // A placeholder is not a number.
    std::fs::remove_file(docs.join("b.md")).unwrap();
    std::fs::write(
        docs.join("a.md"),
        "---\ntitle: 旧通知\npublished: 2018-06-01\ndoc_kind: notice\nvalidity: 失效\nlegacy_index_no: 待补充\n---\n",
    )
    .unwrap();
    let o = build(s.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("待补充"), "{}", text(&o));
}

/// The content guide lists the columns each kind's table may have, as the importer derives
/// them from the field tables.
#[test]
fn the_content_guide_lists_every_import_column() {
    use gongshi::content::Kind;
    let guide = std::fs::read_to_string(repo().join("docs/内容编写指南.md")).unwrap();
    for kind in Kind::ALL {
        if matches!(kind, Kind::Page | Kind::Fee) {
            continue;
        }
        let cols: Vec<String> = gongshi::scaffold::import::records::columns(kind)
            .iter()
            .map(|c| format!("{}{}", c.zh, if c.required { "*" } else { "" }))
            .collect();
        let row = format!(
            "| `{}`（{}） | 文件名*、正文、{} |",
            kind.folder(),
            kind.label(),
            cols.join("、")
        );
        assert!(guide.contains(&row), "the guide lacks {row}");
    }
}

/// The consultations fixture as a workbook: dates as Excel dates, the opinion count as a
/// number, the rest as text; `edit` may change a cell first.
fn consultations_xlsx(out: &Path, edit: impl Fn(usize, usize, &mut String)) {
    let rows = csv_rows(&repo().join("tests/fixtures/import/consultations.csv"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("历史征集").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let head = rows[0].clone();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let mut v = v.clone();
            edit(r, c, &mut v);
            if v.is_empty() {
                continue;
            }
            let (r32, c16) = (r as u32, c as u16);
            let name = head[c].as_str();
            if r > 0 && name == "征集结果.意见数.意见总数" {
                ws.write_number(r32, c16, v.parse::<f64>().unwrap())
                    .unwrap();
                continue;
            }
            if r > 0 && (name.contains("日期") || name == "征集开始" || name == "截止时间")
            {
                if let Ok(d) = ExcelDateTime::parse_from_str(&v) {
                    ws.write_datetime_with_format(r32, c16, &d, &date).unwrap();
                    continue;
                }
            }
            ws.write_string(r32, c16, &v).unwrap();
        }
    }
    wb.save(out).unwrap();
}

/// Migrating a bureau's past consultations: a CSV and the same table as XLSX import into the
/// same records, which build as historical records (outcome published, nothing invented).
#[test]
fn historical_consultations_import_from_csv_and_xlsx_and_build() {
    let fixture = repo().join("tests/fixtures/import/consultations.csv");
    let a = site("minimal");
    let o = import(a.path(), "consultations", &fixture, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("新建 2 条意见征集记录"), "{}", text(&o));
    let b = site("minimal");
    let book = b.path().join("历史征集.xlsx");
    consultations_xlsx(&book, |_, _, _| {});
    // The kind name works as well as the folder name.
    let o = import(b.path(), "consultation", &book, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let folder = |s: &Path| tree(&s.join("content/consultations"));
    let (from_csv, from_xlsx) = (folder(a.path()), folder(b.path()));
    assert_eq!(from_csv.len(), 2, "{from_csv:?}");
    // The same records but for the comment naming the file they came from.
    let strip = |m: Vec<(String, Vec<u8>)>| -> Vec<(String, String)> {
        m.into_iter()
            .map(|(k, v)| {
                let v = String::from_utf8(v).unwrap();
                let v: Vec<&str> = v.lines().filter(|l| !l.starts_with("# 由")).collect();
                (k, v.join("\n"))
            })
            .collect()
    };
    assert_eq!(strip(from_csv.clone()), strip(from_xlsx));
    let rec = from_csv
        .iter()
        .find(|(k, _)| k.contains("2021-yanglao"))
        .map(|(_, v)| String::from_utf8(v.clone()).unwrap())
        .unwrap();
    for want in [
        "historical: \"是\"",
        "notice_url: \"http://old.example.gov.cn/zjyj/2021/0301.html\"",
        "outcome:\n  published: \"2021-05-10\"\n  decision: \"规划已于2021年5月印发。\"\n  opinions:\n    total: 12\n",
    ] {
        assert!(rec.contains(want), "{want}: {rec}");
    }
    for s in [a.path(), b.path()] {
        let o = build(s);
        assert!(o.status.success(), "{}", text(&o));
        let html = std::fs::read_to_string(s.join("public/consultations/2021-yanglao/index.html"))
            .unwrap();
        for want in [
            "本站上线前开展的意见征集",
            "规划已于2021年5月印发。",
            "《养老机构管理办法》",
            "http://old.example.gov.cn/zjyj/2021/0301.html",
        ] {
            assert!(html.contains(want), "{want}: {html}");
        }
        assert!(!html.contains("comment-form"), "{html}");
        let html =
            std::fs::read_to_string(s.join("public/consultations/2022-jiuye/index.html")).unwrap();
        assert!(html.contains("决策类型未注明"), "{html}");
    }
}

/// A bad date cell is reported with its sheet, row and column; a row that is not historical
/// is checked as a notice (its missing items named as columns); nothing is written.
#[test]
fn a_bad_consultation_date_cell_is_located_and_nothing_is_written() {
    let s = site("minimal");
    let book = s.path().join("历史征集.xlsx");
    consultations_xlsx(&book, |r, c, v| {
        if (r, c) == (2, 6) {
            *v = "2022年7月15日".into();
        }
        if (r, c) == (1, 3) {
            v.clear();
        }
    });
    let o = import(s.path(), "consultations", &book, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("工作表“历史征集”第3行“截止时间”列（G3单元格）"),
        "{out}"
    );
    assert!(out.contains("历史征集.xlsx:3:7"), "{out}");
    // Row 2 lost its 历史记录 cell: the notice's items are required again.
    assert!(out.contains("第2行“基本情况说明”列"), "{out}");
    assert!(out.contains("未导入"), "{out}");
    assert!(
        !s.path().join("content/consultations").exists()
            || tree(&s.path().join("content/consultations")).is_empty(),
        "{out}"
    );
}

/// A number of the site's own series in the 原索引号 column is refused before anything is
/// written: it belongs in 索引号 (a later `gongshi new` would allocate it again).
#[test]
fn an_own_series_number_in_the_legacy_column_is_refused_at_its_cell() {
    let s = site("minimal");
    let csv = s.path().join("legacy.csv");
    std::fs::write(
        &csv,
        "文件名,标题,文件类型,有效性,发布日期,原索引号\n2018-old,旧通知,notice,失效,2018-06-01,CSRSJ/2018-00012\n",
    )
    .unwrap();
    let o = import(s.path(), "documents", &csv, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("第2行“原索引号”列：原索引号“CSRSJ/2018-00012”是本站索引号的格式"),
        "{out}"
    );
    assert!(!s.path().join("content/documents/2018-old.md").exists());
}

/// Bulk import works for every kind (issue 18 §3, Migration): one row each for the kinds the
/// other tests do not import, with only the required columns; the records build.
#[test]
fn every_other_kind_imports_from_a_table_and_builds() {
    let s = site("minimal");
    let tables = [
        (
            "duties",
            "文件名,标题,机构名称,职责\nbangongshi,办公室职责,办公室,负责机关日常运转；负责文电、会务\n",
        ),
        ("procedures", "文件名,标题,流程类型\nxinfang,信访事项办理流程,\n"),
        (
            "permits",
            "文件名,标题,事项类型\nshebao-chaxun,社会保险个人权益记录查询,公共服务\n",
        ),
        (
            "replies",
            "文件名,标题,留言内容,受理日期\n2025-001,关于工资拖欠的留言,单位拖欠工资三个月。,2025-03-02\n",
        ),
    ];
    for (kind, csv) in tables {
        let file = s.path().join(format!("{kind}.csv"));
        std::fs::write(&file, csv).unwrap();
        let o = import(s.path(), kind, &file, &[]);
        assert!(o.status.success(), "{kind}: {}", text(&o));
        assert!(text(&o).contains("新建 1 条"), "{kind}: {}", text(&o));
    }
    // A procedure's steps (a list of objects) have no column: the record carries the
    // skeleton to fill in, and the site does not build until it is filled.
    let rec = s.path().join("content/procedures/xinfang.md");
    let text0 = std::fs::read_to_string(&rec).unwrap();
    assert!(
        text0.contains("steps:\n") && text0.contains("待填写"),
        "{text0}"
    );
    let o = build(s.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("content/procedures/xinfang.md"),
        "{}",
        text(&o)
    );
    std::fs::write(&rec, text0.replace("待填写", "受理")).unwrap();
    let o = build(s.path());
    assert!(o.status.success(), "{}", text(&o));
    for page in [
        "duties/bangongshi",
        "procedures/xinfang",
        "permits/shebao-chaxun",
        "replies/2025-001",
    ] {
        assert!(
            s.path().join(format!("public/{page}/index.html")).exists(),
            "{page}"
        );
    }
}

/// A decision catalogue is one record of many items: one table row per item, the rows of one
/// record sharing its 文件名; a decision's stages are columns (`合法性审查.日期`), its
/// consultations a list in one cell and its 跟踪反馈 one row each.
#[test]
fn catalogue_items_and_decision_stages_import_from_tables_and_build() {
    let s = site("minimal");
    let o = import(
        s.path(),
        "decision_catalogue",
        &repo().join("tests/fixtures/import/decision-catalogues.csv"),
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已导入 3 行，新建 1 条"), "{}", text(&o));
    let rec =
        std::fs::read_to_string(s.path().join("content/decision-catalogues/2026.md")).unwrap();
    assert!(
        rec.contains("items:\n  - no: \"1\"\n    title: \"提高县级基础养老金标准\"\n    unit: \"社会保险股\""),
        "{rec}"
    );
    assert!(rec.contains("  - no: \"3\"\n"), "{rec}");
    assert_eq!(rec.matches("year: 2026").count(), 1, "{rec}");
    // The same table as a workbook gives the same record.
    let book = s.path().join("目录.xlsx");
    xlsx_of_csv(
        &repo().join("tests/fixtures/import/decision-catalogues.csv"),
        &book,
        "目录",
        |_, _, _| {},
    );
    let other = site("minimal");
    let o = import(other.path(), "decision_catalogue", &book, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let again =
        std::fs::read_to_string(other.path().join("content/decision-catalogues/2026.md")).unwrap();
    assert_eq!(
        rec.lines().skip(2).collect::<Vec<_>>(),
        again.lines().skip(2).collect::<Vec<_>>()
    );

    let o = import(
        s.path(),
        "decision",
        &repo().join("tests/fixtures/import/decisions.csv"),
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let rec = std::fs::read_to_string(s.path().join("content/decisions/pension.md")).unwrap();
    for want in [
        "legal_review:\n  date: \"2026-09-15\"\n  opinion: \"合法\"\n  reviewer: \"县司法局\"",
        "discussion:\n  date: \"2026-09-29\"\n  meeting: \"县人民政府常务会议\"\n  present: 9\n  total: 11\n  votes:\n    for: 9",
        "feedback:\n  - date: \"2026-10-28\"",
        "  - date: \"2026-11-02\"\n    summary: \"询问发放时间\"",
    ] {
        assert!(rec.contains(want), "{want}\n{rec}");
    }
    let o = build(s.path());
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(s.path().join("public/decision-catalogues/2026/index.html"))
        .unwrap();
    assert!(html.contains("零工市场建设和管理办法"), "{html}");
    let html =
        std::fs::read_to_string(s.path().join("public/decisions/pension/index.html")).unwrap();
    assert!(html.contains("县人民政府常务会议"), "{html}");
    assert!(html.contains("询问发放时间"), "{html}");
}

/// Problems in item rows are located at their own row and column; a later row that changes
/// the record's own fields is refused there; nothing is written.
#[test]
fn a_bad_item_row_is_located_and_nothing_is_written() {
    let s = site("minimal");
    let good =
        std::fs::read_to_string(repo().join("tests/fixtures/import/decision-catalogues.csv"))
            .unwrap();
    let bad = good
        .replacen(",是,否,是,否,", ",是,否,是,也许,", 1)
        .replacen("2026,2026,,,3,", "2026,2027,,,3,", 1);
    assert_ne!(bad, good);
    let file = s.path().join("目录.csv");
    std::fs::write(&file, &bad).unwrap();
    let o = import(s.path(), "decision_catalogue", &file, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("第3行“风险评估”列"), "{out}");
    assert!(out.contains("目录.csv:3:12"), "{out}");
    assert!(
        out.contains("第4行“年度”列：与第2行（同一文件名“2026”）的不同"),
        "{out}"
    );
    assert!(
        !s.path()
            .join("content/decision-catalogues/2026.md")
            .exists(),
        "{out}"
    );
    // A feedback row with a bad date: its own row, its own column.
    let good = std::fs::read_to_string(repo().join("tests/fixtures/import/decisions.csv")).unwrap();
    let bad = good.replacen("2026-11-02", "十一月二日", 1);
    std::fs::write(&file, &bad).unwrap();
    let o = import(s.path(), "decision", &file, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("第3行“跟踪反馈.日期”列"), "{out}");
    assert!(
        !s.path().join("content/decisions/pension.md").exists(),
        "{out}"
    );
    // A row that names a record but fills none of the item columns.
    let bad = format!("{good}pension,,,,,,,,,,,,,,,,,,,,,\n");
    std::fs::write(&file, &bad).unwrap();
    let o = import(s.path(), "decision", &file, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("第4行：文件名与第2行相同"),
        "{}",
        text(&o)
    );
}

/// Hostile input: thousands of item rows under one 文件名 would make a record the loader
/// refuses; the import refuses it first, at the record's first row, and writes nothing.
#[test]
fn too_many_item_rows_for_one_record_are_refused() {
    let s = site("minimal");
    let mut csv = String::from("文件名,年度,标题,序号,决策事项,承办单位\n");
    for i in 0..20_000 {
        let (year, title) = if i == 0 { ("2026", "目录") } else { ("", "") };
        csv.push_str(&format!(
            "big,{year},{title},{i},{},办公室\n",
            "事项".repeat(10)
        ));
    }
    let file = s.path().join("big.csv");
    std::fs::write(&file, csv).unwrap();
    let o = import(s.path(), "decision_catalogue", &file, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("[import.too-large]"), "{out}");
    assert!(out.contains("第2行"), "{out}");
    assert!(!s.path().join("content/decision-catalogues/big.md").exists());
}

/// The officer register and the random-inspection list are tables staff already keep: one
/// row per officer or matter, as a catalogue's items; check then holds decisions to them.
#[test]
fn the_officer_register_and_the_spot_check_list_import_one_row_each() {
    let s = site("minimal");
    let officers = s.path().join("officers.csv");
    std::fs::write(
        &officers,
        "文件名,执法单位,标题,姓名,执法证号,执法类别,执法区域,有效期至\n\
         dadui,测试县劳动保障监察大队,执法人员名录,王建国,42050019001,劳动保障监察,测试县全域,2029-06-30\n\
         dadui,,,李明,42050019002,劳动保障监察,,2028-12-31\n",
    )
    .unwrap();
    let o = import(s.path(), "officers", &officers, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let rec = std::fs::read_to_string(s.path().join("content/officers/dadui.md")).unwrap();
    assert!(
        rec.contains("  - name: \"李明\"\n    cert_no: \"42050019002\""),
        "{rec}"
    );
    let list = s.path().join("list.csv");
    std::fs::write(
        &list,
        "文件名,标题,抽查类别,抽查事项,抽查对象,抽查依据,承办机构,抽查方式\n\
         qingdan,随机抽查事项清单,重点检查事项,工资支付情况的检查,辖区内用人单位,《劳动保障监察条例》,监察大队,实地核查\n\
         qingdan,,一般检查事项,劳务派遣情况的检查,劳务派遣单位,,监察大队,书面检查\n",
    )
    .unwrap();
    let o = import(s.path(), "spot_check_list", &list, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("第3行“抽查依据”列"), "{out}");
    assert!(!s
        .path()
        .join("content/spot-check-lists/qingdan.md")
        .exists());
    let fixed = std::fs::read_to_string(&list).unwrap().replace(
        "劳务派遣单位,,",
        "劳务派遣单位,《劳务派遣行政许可实施办法》,",
    );
    std::fs::write(&list, fixed).unwrap();
    let o = import(s.path(), "spot_check_list", &list, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let o = build(s.path());
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(s.path().join("public/officers/dadui/index.html")).unwrap();
    assert!(html.contains("42050019002"), "{html}");
    let html = std::fs::read_to_string(s.path().join("public/spot-check-lists/qingdan/index.html"))
        .unwrap();
    assert!(html.contains("劳务派遣情况的检查"), "{html}");
}
