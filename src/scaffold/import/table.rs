//! A spreadsheet as the importers see it: a header row and data rows of text cells, read
//! from CSV (UTF-8) or from the first (or a named) worksheet of an `.xlsx` workbook. Both
//! readers give the same text for the same table, so the importers have one code path and
//! one set of messages; a row is named as the spreadsheet shows it (header = row 1).
//!
//! Hostile files are refused with a located message and bounded memory and time: the file
//! size, the unpacked size of the workbook's parts (checked by unpacking into nothing
//! before calamine reads it, so a zip bomb costs at most [`Limits::unzipped`] bytes of
//! inflating), the number of cells and the length of a cell are all capped.

use crate::diag::{Code, Diagnostic};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Caps on what an imported file may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of the file itself.
    pub file: u64,
    /// Bytes of all the parts of an `.xlsx` archive, unpacked.
    pub unzipped: u64,
    /// Parts in an `.xlsx` archive.
    pub parts: usize,
    /// Non-empty cells (header included).
    pub cells: usize,
    /// Characters in one cell (Excel's own limit).
    pub text: usize,
    /// Columns in the header row.
    pub columns: usize,
    /// Data rows times header columns: the cells held in memory, empty ones included.
    pub grid: usize,
}

impl Limits {
    /// The limits `gongshi import` uses: far above any real fee list or document catalogue
    /// (tens of thousands of rows), far below what would strain a clerk's machine.
    pub const DEFAULT: Limits = Limits {
        file: 32 << 20,
        unzipped: 128 << 20,
        parts: 10_000,
        cells: 2_000_000,
        text: 32_767,
        columns: 1_000,
        grid: 4_000_000,
    };
}

/// One data row.
pub(crate) struct Row {
    /// The row number as the spreadsheet shows it (header = 1).
    pub row: usize,
    /// The line in the file the row starts on (CSV: differs after a cell holding a line
    /// break; XLSX: the row number).
    pub line: usize,
    /// Cells by header position, trimmed (missing cells are empty).
    pub cells: Vec<String>,
}

/// A table read from a file.
pub(crate) struct Table {
    /// The worksheet read, for `.xlsx` files.
    pub sheet: Option<String>,
    /// Column names, trimmed.
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

impl Table {
    /// "第5行" or "工作表“收费”第5行": where a row is, as the clerk finds it.
    pub(crate) fn place(&self, row: usize) -> String {
        match &self.sheet {
            Some(s) => format!("工作表“{s}”第{row}行"),
            None => format!("第{row}行"),
        }
    }

    /// The cell reference a spreadsheet shows (E5) for column `col` (0-based) of `row`,
    /// for `.xlsx` files only.
    pub(crate) fn cell_ref(&self, row: usize, col: usize) -> Option<String> {
        self.sheet.as_ref()?;
        Some(format!("{}{row}", column_letters(col)))
    }

    /// The 0-based position of the column named `name`.
    pub(crate) fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

/// A, B, …, Z, AA, AB, …
pub(crate) fn column_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// Whether `file` is read as a workbook (by its extension).
pub(crate) fn is_xlsx(file: &Path) -> bool {
    file.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

/// Read `file` (CSV, or XLSX by extension) into a table, or say why not. `shown` is how
/// messages name the file.
pub(crate) fn read(
    file: &Path,
    shown: &str,
    sheet: Option<&str>,
    limits: Limits,
) -> Result<Table, Vec<Diagnostic>> {
    let too_large = |what: String, hint: &str| {
        vec![Diagnostic::error(Code::ImportTooLarge, shown, what)
            .span(1, 1, 1)
            .hint(hint.to_string())]
    };
    let meta = std::fs::metadata(file).map_err(|e| {
        vec![Diagnostic::error(
            Code::ImportCsv,
            shown,
            format!("无法读取文件：{e}"),
        )]
    })?;
    if meta.len() > limits.file {
        return Err(too_large(
            format!(
                "文件有 {} 字节，超过导入上限 {} 字节",
                meta.len(),
                limits.file
            ),
            "请把表格分成几个文件分别导入。",
        ));
    }
    if is_xlsx(file) {
        return read_xlsx(file, shown, sheet, limits);
    }
    if let Some(s) = sheet {
        return Err(vec![Diagnostic::error(
            Code::ImportCsv,
            shown,
            format!("CSV 文件没有工作表，不能用 --sheet {s}"),
        )
        .hint("--sheet 只用于 .xlsx 文件。")]);
    }
    let bytes = std::fs::read(file).map_err(|e| {
        vec![Diagnostic::error(
            Code::ImportCsv,
            shown,
            format!("无法读取文件：{e}"),
        )]
    })?;
    read_csv(&bytes, shown, limits)
}

fn read_csv(bytes: &[u8], shown: &str, limits: Limits) -> Result<Table, Vec<Diagnostic>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(vec![Diagnostic::error(
            Code::ImportEncoding,
            shown,
            "文件不是 UTF-8 编码",
        )
        .expected("UTF-8 编码的 CSV")
        .hint("在 Excel 或 WPS 中“另存为”，文件类型选“CSV UTF-8（逗号分隔）”，再导入；也可以直接导入 .xlsx 文件。")]);
    }
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return Err(vec![Diagnostic::error(
                Code::ImportCsv,
                shown,
                format!("第1行：无法读取表头：{e}"),
            )
            .span(1, 1, 1)]);
        }
    };
    if headers.len() > limits.columns {
        return Err(vec![Diagnostic::error(
            Code::ImportTooLarge,
            shown,
            format!(
                "第1行：表头有 {} 列，超过上限 {}",
                headers.len(),
                limits.columns
            ),
        )
        .span(1, 1, 1)
        .hint("请删除不需要导入的列。")]);
    }
    let mut diags = Vec::new();
    let mut rows = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let row = n + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(
                    Diagnostic::error(Code::ImportCsv, shown, format!("第{row}行：无法读取：{e}"))
                        .span(row, 1, 1)
                        .hint("请检查引号是否成对。"),
                );
                continue;
            }
        };
        let line = rec.position().map_or(row, |p| p.line() as usize);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if let Some(long) = rec.iter().position(|c| c.chars().count() > limits.text) {
            diags.push(
                Diagnostic::error(
                    Code::ImportTooLarge,
                    shown,
                    format!("第{row}行第{}列：单元格超过 {} 个字", long + 1, limits.text),
                )
                .span(line, 1, 1)
                .hint("请检查这一格是否粘贴了整篇文件；正文请在导入后写进记录文件。"),
            );
            continue;
        }
        if (rows.len() + 1) * headers.len().max(1) > limits.grid {
            return Err(vec![Diagnostic::error(
                Code::ImportTooLarge,
                shown,
                format!("第{row}行：表格超过 {} 个单元格", limits.grid),
            )
            .span(line, 1, 1)
            .hint("请把表格分成几个文件分别导入。")]);
        }
        let cells = (0..headers.len())
            .map(|i| rec.get(i).unwrap_or_default().trim().to_string())
            .collect();
        rows.push(Row { row, line, cells });
    }
    if diags.is_empty() {
        Ok(Table {
            sheet: None,
            headers,
            rows,
        })
    } else {
        Err(diags)
    }
}

fn read_xlsx(
    file: &Path,
    shown: &str,
    sheet: Option<&str>,
    limits: Limits,
) -> Result<Table, Vec<Diagnostic>> {
    let bad = |what: String| {
        vec![Diagnostic::error(Code::ImportXlsx, shown, what)
            .span(1, 1, 1)
            .hint(
                "请用 Excel 或 WPS 打开后另存为 .xlsx（Excel 工作簿）再导入，或另存为“CSV UTF-8”。",
            )]
    };
    let too_large = |what: String| {
        vec![Diagnostic::error(Code::ImportTooLarge, shown, what)
            .span(1, 1, 1)
            .hint("请把表格分成几个文件分别导入；只保留要导入的一个工作表。")]
    };
    let bytes = std::fs::read(file).map_err(|e| bad(format!("无法读取文件：{e}")))?;
    // Unpack every part into nothing, counting, before calamine reads any of them.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..]))
        .map_err(|e| bad(format!("不是有效的 .xlsx 文件：{e}")))?;
    if zip.len() > limits.parts {
        return Err(too_large(format!(
            "工作簿有 {} 个部件，超过上限 {}",
            zip.len(),
            limits.parts
        )));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| bad(format!("不是有效的 .xlsx 文件：{e}")))?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let left = limits.unzipped.saturating_sub(total);
        let n = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|e| bad(format!("工作簿的“{name}”部分已损坏：{e}")))?;
        total += n;
        if total > limits.unzipped {
            return Err(too_large(format!(
                "工作簿解压后超过 {} 字节（在“{name}”部分），可能是损坏或恶意构造的文件",
                limits.unzipped
            )));
        }
    }
    drop(zip);
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(&bytes[..]))
        .map_err(|e| bad(format!("不是有效的 .xlsx 文件：{e}")))?;
    let names = calamine::Reader::sheet_names(&book);
    let name = match sheet {
        Some(s) => match names.iter().find(|n| n.as_str() == s) {
            Some(n) => n.clone(),
            None => {
                return Err(vec![Diagnostic::error(
                    Code::ImportXlsx,
                    shown,
                    format!("工作簿里没有名为“{s}”的工作表"),
                )
                .expected(format!("以下工作表之一：{}", names.join("、")))
                .found(s.to_string())
                .hint("用 --sheet 指定工作表的名称（Excel 底部标签上的名称）。")]);
            }
        },
        None => match names.first() {
            Some(n) => n.clone(),
            None => return Err(bad("工作簿里没有工作表".into())),
        },
    };
    let in_sheet = format!("工作表“{name}”");
    let mut cells: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    let mut count = 0usize;
    let mut diags = Vec::new();
    {
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| bad(format!("{in_sheet}无法读取：{e}")))?;
        loop {
            let cell = match reader.next_cell() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => return Err(bad(format!("{in_sheet}无法读取：{e}"))),
            };
            let (r, c) = cell.get_position();
            let at = format!("{in_sheet}{}{}单元格", column_letters(c as usize), r + 1);
            let text = match text_of(cell.get_value()) {
                Ok(t) => t,
                Err(msg) => {
                    diags.push(
                        Diagnostic::error(Code::ImportXlsx, shown, format!("{at}：{msg}"))
                            .span(r as usize + 1, c as usize + 1, 1)
                            .hint("请在 Excel 中改正这一格（公式出错的，改成公式的结果或原文）。"),
                    );
                    continue;
                }
            };
            if text.is_empty() {
                continue;
            }
            count += 1;
            if count > limits.cells {
                return Err(too_large(format!(
                    "{in_sheet}的非空单元格超过 {} 个",
                    limits.cells
                )));
            }
            if text.chars().count() > limits.text {
                diags.push(
                    Diagnostic::error(
                        Code::ImportTooLarge,
                        shown,
                        format!("{at}：超过 {} 个字", limits.text),
                    )
                    .span(r as usize + 1, c as usize + 1, 1)
                    .hint("请检查这一格是否粘贴了整篇文件；正文请在导入后写进记录文件。"),
                );
                continue;
            }
            cells.entry(r).or_default().push((c, text));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    // The header is the first non-empty row; a sheet may start lower or further right.
    let Some((&head_r, head)) = cells.iter().next() else {
        return Ok(Table {
            sheet: Some(name),
            headers: Vec::new(),
            rows: Vec::new(),
        });
    };
    let width = head.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
    if width > limits.columns {
        return Err(too_large(format!(
            "{in_sheet}第{}行（表头）有 {width} 列，超过上限 {}",
            head_r + 1,
            limits.columns
        )));
    }
    let data_rows = cells.range(head_r + 1..).count();
    if data_rows.saturating_mul(width.max(1)) > limits.grid {
        return Err(too_large(format!(
            "{in_sheet}有 {data_rows} 行 × {width} 列，超过 {} 个单元格",
            limits.grid
        )));
    }
    let mut headers = vec![String::new(); width];
    for (c, t) in head {
        headers[*c as usize] = t.clone();
    }
    let rows = cells
        .range(head_r + 1..)
        .filter_map(|(&r, row)| {
            let mut out = vec![String::new(); width];
            for (c, t) in row {
                if let Some(slot) = out.get_mut(*c as usize) {
                    *slot = t.clone();
                }
            }
            (!out.iter().all(String::is_empty)).then(|| Row {
                row: r as usize + 1,
                line: r as usize + 1,
                cells: out,
            })
        })
        .collect();
    Ok(Table {
        sheet: Some(name),
        headers,
        rows,
    })
}

/// A cell's text as a CSV saved from the spreadsheet would carry it: numbers without
/// binary noise (15 significant digits, as Excel shows them), dates as YYYY-MM-DD.
fn text_of(v: &calamine::DataRef<'_>) -> Result<String, String> {
    use calamine::DataRef as D;
    Ok(match v {
        D::Int(i) => i.to_string(),
        D::Float(f) => number(*f),
        D::String(s) => s.trim().to_string(),
        D::SharedString(s) => s.trim().to_string(),
        D::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        D::DateTime(d) if d.is_datetime() => {
            let (y, m, day, h, min, s, ms) = d.to_ymd_hms_milli();
            if (h, min, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}")
            }
        }
        D::DateTime(d) => number(d.as_f64()),
        D::DateTimeIso(s) | D::DurationIso(s) => s.trim().to_string(),
        D::Error(e) => return Err(format!("单元格是错误值 {e}")),
        D::Empty => String::new(),
    })
}

/// `x` rounded to the 15 significant digits Excel keeps, in the shortest form.
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let rounded: f64 = format!("{x:.14e}").parse().unwrap_or(x);
    let s = format!("{rounded}");
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_binary_noise_only() {
        assert_eq!(number(30.000000000000004), "30");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(30.000000001), "30.000000001");
        assert_eq!(number(1e20), "100000000000000000000");
    }

    #[test]
    fn column_letters_count_like_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
