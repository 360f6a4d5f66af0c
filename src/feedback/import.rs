//! `gongshi feedback import CONSULTATION FILE`: opinions that came on paper, by e-mail, phone
//! or in person, from a CSV table, each appended to the consultation's chain exactly as
//! `feedback add` appends one (a receipt issued here, names and contacts kept in the
//! database's private table, never published), with the handling result written to
//! `dispositions.yaml`.
//!
//! All or nothing: every row is checked first and any bad row refuses the whole file, with
//! each problem located as `file:row:column`; the rows are inserted in one transaction. The
//! same file (by its SHA-256) is refused a second time, and so is a row identical to an
//! offline opinion already stored (same channel, date and text) unless `--allow-same-rows`:
//! re-importing a corrected copy of a table must not double its opinions. Offline entries are
//! otherwise never merged ([`super::dedup`]).
//!
//! Bounded: at most [`MAX_IMPORT_BYTES`] read, [`MAX_IMPORT_ROWS`] rows, each text within the
//! form's limits, at most [`MAX_LISTED_PROBLEMS`] problems listed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::backend::{ImportGroup, ImportOutcome};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::directory::Directory;
use super::forms::{valid_id, MAX_OPINION_CHARS, MAX_SHORT_CHARS};
use super::model::{Accepted, Channel, Content, Personal, Submission};
use super::report::{load_dispositions, Disposition, DISPOSITIONS_FILE};
use super::{io_err, FeedbackError};

/// Largest table read (a year of letters is a few hundred rows of text).
pub const MAX_IMPORT_BYTES: u64 = 8 * 1024 * 1024;
/// Most rows in one file.
pub const MAX_IMPORT_ROWS: usize = 5000;
/// Most problems listed in the refusal (the count of the rest is given).
pub const MAX_LISTED_PROBLEMS: usize = 50;

/// The columns: (header, ASCII alias, required, what it holds).
const COLUMNS: &[Column] = &[
    (
        "收到日期",
        "received",
        true,
        "2026-11-20、2026/11/20 或 2026-11-20 09:30",
    ),
    ("渠道", "channel", true, "信函、电子邮件、电话 或 现场"),
    ("意见内容", "text", true, "意见原文"),
    ("涉及条款", "section", false, "如 第三条"),
    ("姓名", "name", false, "不公开"),
    ("单位", "organization", false, "不公开"),
    ("联系方式", "contact", false, "不公开"),
    (
        "同意公开",
        "consent",
        false,
        "是 或 否（不填为否：报告中不公开意见原文）",
    ),
    (
        "处理结果",
        "disposition",
        false,
        "采纳、部分采纳、未采纳、重复 或 与主题无关",
    ),
    ("理由", "reason", false, "处理理由"),
];

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub db: PathBuf,
    /// Create the database if it does not exist yet.
    pub init: bool,
    pub consultation: String,
    pub file: PathBuf,
    /// Import rows identical to offline opinions already stored (a second identical letter).
    pub allow_same_rows: bool,
    pub time_zone: TimeZone,
}

/// One checked row.
#[derive(Debug, Clone)]
struct Row {
    /// 1-based line of the table where the row starts (the header is line 1).
    line: u64,
    channel: Channel,
    received: Timestamp,
    text: String,
    section: Option<String>,
    consent: bool,
    personal: Personal,
    disposition: Option<(Disposition, Option<String>)>,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    pub file: PathBuf,
    /// (table line, receipt) per row, in order.
    pub receipts: Vec<(u64, Accepted)>,
    /// Rows whose handling result went to dispositions.yaml.
    pub dispositions: usize,
    pub dispositions_file: PathBuf,
}

impl ImportSummary {
    pub fn render(&self, consultation: &str) -> String {
        let mut s = format!(
            "{}: 已录入 {} 条意见 (imported {} opinions)\n",
            self.file.display(),
            self.receipts.len(),
            self.receipts.len()
        );
        for (line, a) in &self.receipts {
            let _ = writeln!(s, "  第{line}行 → 回执 {} ({})", a.receipt, a.received);
        }
        if self.dispositions > 0 {
            let _ = writeln!(
                s,
                "处理结果 {} 条已写入 {} (dispositions written)",
                self.dispositions,
                self.dispositions_file.display()
            );
        }
        let _ = writeln!(
            s,
            "下一步：gongshi feedback export --consultation {consultation} 把这些意见写入意见台账 (then export the ledger)"
        );
        s
    }
}

/// A table's column: (Chinese header, English header, required, what to write in it).
pub(crate) type Column = (&'static str, &'static str, bool, &'static str);

/// Maps each header to its column (Chinese or English name, any order). Problems are located
/// `1:column:` (the caller adds the file): an unknown or repeated header, a missing required one.
pub(crate) fn header_index(
    headers: &[String],
    columns: &[Column],
) -> (BTreeMap<&'static str, usize>, Vec<String>) {
    let mut idx = BTreeMap::new();
    let mut problems = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        match columns.iter().find(|(zh, en, _, _)| *zh == h || *en == h) {
            Some((zh, _, _, _)) => {
                if idx.insert(*zh, i).is_some() {
                    problems.push(format!(
                        "1:{}: 列“{}”出现了两次：请删除其中一列",
                        i + 1,
                        cut(h)
                    ));
                }
            }
            None => problems.push(format!(
                "1:{}: 不认识的列名“{}”：可用的列名为 {}（列的顺序不限）",
                i + 1,
                cut(h),
                columns.iter().map(|c| c.0).collect::<Vec<_>>().join("、")
            )),
        }
    }
    for (zh, _, required, what) in columns {
        if *required && !idx.contains_key(zh) {
            problems.push(format!("1:1: 缺少“{zh}”列（{what}）：请在表头加上这一列"));
        }
    }
    (idx, problems)
}

/// A problem in one cell, located as the clerk finds it: `file:row:column: “列”列：…`, and for
/// a workbook the sheet, row, column and cell name too.
pub(crate) fn cell_problem(
    shown: &str,
    sheet: Option<&str>,
    line: u64,
    column: usize,
    header: &str,
    msg: &str,
) -> String {
    match sheet {
        None => format!("{shown}:{line}:{column}: “{header}”列：{msg}"),
        Some(s) => format!(
            "{shown}:{line}:{column}: 工作表“{s}”第{line}行“{header}”列（{}{line}单元格）：{msg}",
            crate::scaffold::import::table::column_letters(column - 1)
        ),
    }
}

/// The problem that stops reading a table with too many rows.
pub(crate) fn too_many_rows(shown: &str, line: u64) -> String {
    format!("{shown}:{line}:1: 超过 {MAX_IMPORT_ROWS} 行：请把表格分成几个文件导入")
}

/// `2026-11-20`, `2026/11/20`, `2026-3-6`, `2026年3月6日`, each optionally with ` 09:30`,
/// or RFC 3339: the time received, in the site's time zone.
pub(crate) fn parse_received(s: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(t) = super::cli::parse_time(s, tz) {
        return Ok(t);
    }
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let parts: Vec<&str> = date
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let bad = || format!("无法识别的日期“{s}”：请写成 2026-11-20、2026/11/20 或 2026-11-20 09:30");
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) else {
        return Err(bad());
    };
    let date = jiff::civil::Date::new(y, m, d).map_err(|_| bad())?;
    let text = match time {
        Some(t) => format!("{date} {t}"),
        None => date.to_string(),
    };
    super::cli::parse_time(&text, tz).map_err(|_| bad())
}

fn parse_consent(s: &str) -> Option<bool> {
    match s.trim() {
        "" | "否" | "不同意" | "false" | "no" | "0" => Some(false),
        "是" | "同意" | "true" | "yes" | "1" => Some(true),
        _ => None,
    }
}

fn parse_disposition(s: &str) -> Option<Disposition> {
    Disposition::ALL
        .into_iter()
        .find(|d| d.as_str() == s.trim())
}

/// A table's data rows as text cells, before checking: (line or row number, cells by
/// header position).
pub(crate) struct Cells {
    /// Where a problem is: `None` for CSV (`file:line:column`), or the worksheet of an
    /// `.xlsx` file (also named, with the cell reference, in each message).
    pub(crate) sheet: Option<String>,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<(u64, Vec<String>)>,
    /// A CSV syntax error that stopped the reading after `rows` (listed after their problems).
    pub(crate) broken: Option<String>,
}

/// Reads a CSV table (UTF-8) into cells, at most [`MAX_IMPORT_ROWS`] rows. Err: every
/// problem, located.
pub(crate) fn read_csv(shown: &str, bytes: &[u8]) -> Result<Cells, Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(vec![format!(
            "{shown}:1:1: 文件不是 UTF-8 编码：在 Excel 或 WPS 中“另存为”，文件类型选“CSV UTF-8（逗号分隔）”，再导入；也可以直接导入 .xlsx 工作簿"
        )]);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => return Err(vec![format!("{shown}:1:1: 无法读取表头：{e}")]),
    };
    let mut rows = Vec::new();
    let mut broken = None;
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                broken = Some(format!("{shown}:{line}:1: 表格格式有误：{e}"));
                break;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue; // a blank line between rows
        }
        rows.push((line, record.iter().map(str::to_string).collect()));
        if rows.len() > MAX_IMPORT_ROWS {
            break; // check_rows says so; nothing further is read
        }
    }
    Ok(Cells {
        sheet: None,
        headers,
        rows,
        broken,
    })
}

/// Reads the first worksheet of an `.xlsx` workbook with the reader and caps of
/// `gongshi import` (zip bombs, huge or sparse sheets refused within bounds), the file
/// itself at most [`MAX_IMPORT_BYTES`]. Dates in date cells read as `2026-11-20` (with
/// ` 09:30` when they hold a time), as the CSV would carry them.
pub(crate) fn read_xlsx(file: &Path, shown: &str) -> Result<Cells, Vec<String>> {
    use crate::scaffold::import::Limits;
    let limits = Limits {
        file: MAX_IMPORT_BYTES,
        ..Limits::DEFAULT
    };
    let table = crate::scaffold::import::table::read(file, shown, None, limits).map_err(|ds| {
        ds.into_iter()
            .map(|d| {
                let mut m = format!("{shown}:{}:{}: {}", d.line.max(1), d.col.max(1), d.message);
                if let Some(h) = d.hint {
                    let _ = write!(m, "：{h}");
                }
                m
            })
            .collect::<Vec<_>>()
    })?;
    Ok(Cells {
        sheet: table.sheet.clone(),
        headers: table.headers,
        rows: table
            .rows
            .into_iter()
            .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
            .take(MAX_IMPORT_ROWS + 1)
            .map(|r| (r.row as u64, r.cells))
            .collect(),
        broken: None,
    })
}

/// Checks every row of the table. Err: every problem, located (`file:row:column`, and for a
/// workbook the sheet, row, column and cell as the clerk finds them).
fn check_rows(shown: &str, table: &Cells, tz: &TimeZone) -> Result<Vec<Row>, Vec<String>> {
    let (idx, mut problems) = header_index(&table.headers, COLUMNS);
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|p| format!("{shown}:{p}"))
            .collect());
    }
    let mut rows = Vec::new();
    for (count, (line, record)) in table.rows.iter().enumerate() {
        let line = *line;
        if count + 1 > MAX_IMPORT_ROWS {
            // First: it is why nothing else was read.
            problems.insert(0, too_many_rows(shown, line));
            break;
        }
        let sheet = table.sheet.as_deref();
        let mut err = |col: &str, msg: String| {
            let c = idx.get(col).map_or(1, |i| i + 1);
            problems.push(cell_problem(shown, sheet, line, c, col, &msg));
        };
        let cell = |col: &str| -> &str {
            idx.get(col)
                .and_then(|i| record.get(*i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let channel = match Channel::parse(cell("渠道")) {
            Some(Channel::Web) => {
                err("渠道", "网上提交的意见由意见接收程序录入，这里只能导入信函、电子邮件、电话或现场收到的意见".into());
                None
            }
            Some(c) => Some(c),
            None if cell("渠道").is_empty() => {
                err("渠道", "是空的：请填写 信函、电子邮件、电话 或 现场".into());
                None
            }
            None => {
                err(
                    "渠道",
                    format!(
                        "不认识的渠道“{}”：应为 信函、电子邮件、电话 或 现场",
                        cut(cell("渠道"))
                    ),
                );
                None
            }
        };
        let received = if cell("收到日期").is_empty() {
            err("收到日期", "是空的：请填写收到意见的日期".into());
            None
        } else {
            match parse_received(cell("收到日期"), tz) {
                Ok(t) => Some(t),
                Err(m) => {
                    err("收到日期", m);
                    None
                }
            }
        };
        let text = cell("意见内容").replace("\r\n", "\n");
        let text = if text.is_empty() {
            err("意见内容", "是空的：每行录入一条意见的原文".into());
            None
        } else if text.chars().count() > MAX_OPINION_CHARS {
            err(
                "意见内容",
                format!("超过 {MAX_OPINION_CHARS} 字：请分成几条录入"),
            );
            None
        } else {
            Some(text)
        };
        let mut short = |col: &str| -> Option<String> {
            let v = cell(col);
            if v.chars().count() > MAX_SHORT_CHARS {
                err(col, format!("过长（最多 {MAX_SHORT_CHARS} 字）"));
                None
            } else {
                Some(v.to_string()).filter(|v| !v.is_empty())
            }
        };
        let section = short("涉及条款");
        let name = short("姓名");
        let organization = short("单位");
        let contact = short("联系方式");
        let reason = short("理由");
        let consent = parse_consent(cell("同意公开")).unwrap_or_else(|| {
            err(
                "同意公开",
                format!("应为“是”或“否”，而不是“{}”", cut(cell("同意公开"))),
            );
            false
        });
        let disposition = match cell("处理结果") {
            "" => {
                if reason.is_some() {
                    err("处理结果", "填写了理由，但处理结果是空的".into());
                }
                None
            }
            d => match parse_disposition(d) {
                Some(d) => Some((d, reason)),
                None => {
                    err(
                        "处理结果",
                        format!(
                            "不认识的处理结果“{}”：应为 采纳、部分采纳、未采纳、重复 或 与主题无关",
                            cut(d)
                        ),
                    );
                    None
                }
            },
        };
        if let (Some(channel), Some(received), Some(text)) = (channel, received, text) {
            rows.push(Row {
                line,
                channel,
                received,
                text,
                section,
                consent,
                personal: Personal {
                    name,
                    organization,
                    contact,
                },
                disposition,
            });
        }
    }
    problems.extend(table.broken.clone());
    if !problems.is_empty() {
        return Err(problems);
    }
    if rows.is_empty() {
        return Err(vec![format!("{shown}:2:1: 表格中没有意见（只有表头）")]);
    }
    Ok(rows)
}

/// Reads and checks a CSV table (the tests' entry).
#[cfg(test)]
fn read_rows(shown: &str, bytes: &[u8], tz: &TimeZone) -> Result<Vec<Row>, Vec<String>> {
    read_csv(shown, bytes).and_then(|t| check_rows(shown, &t, tz))
}

/// A cell quoted in a message: at most 30 characters.
pub(crate) fn cut(s: &str) -> String {
    let mut out: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        out.push('…');
    }
    out
}

pub(crate) fn refuse(shown: &str, problems: Vec<String>) -> FeedbackError {
    let n = problems.len();
    let mut s = format!("{shown}: 发现 {n} 处问题，整个文件未导入，请改正后重新导入：\n");
    for p in problems.iter().take(MAX_LISTED_PROBLEMS) {
        let _ = writeln!(s, "  {p}");
    }
    if n > MAX_LISTED_PROBLEMS {
        let _ = writeln!(s, "  ……另有 {} 处问题", n - MAX_LISTED_PROBLEMS);
    }
    FeedbackError::Invalid(s.trim_end().to_string())
}

/// The `meta` key recording that a file was imported.
fn import_key(consultation: &str, sha: &str) -> String {
    format!("import:{consultation}:{sha}")
}

/// `<receipt>:\n  disposition: 采纳\n  reason: "…"\n` lines to append to dispositions.yaml.
fn disposition_yaml(receipt: &str, d: Disposition, reason: Option<&str>) -> String {
    let mut s = format!("{receipt}:\n  disposition: {}\n", d.as_str());
    if let Some(r) = reason {
        // A JSON string is a YAML double-quoted scalar: any text stays one value.
        let q = serde_json::to_string(r).unwrap_or_else(|_| "\"\"".into());
        let _ = writeln!(s, "  reason: {q}");
    }
    s
}

/// A table's cells, or every problem found reading it, located.
pub(crate) type ReadCells = Result<Cells, Vec<String>>;

/// Reads a table file (at most [`MAX_IMPORT_BYTES`], never past it even if it grows while
/// read): its bytes (for the file's digest) and its cells, `.xlsx` or CSV by its name.
pub(crate) fn read_table(file: &Path, shown: &str) -> Result<(Vec<u8>, ReadCells), FeedbackError> {
    let meta = std::fs::metadata(file).map_err(io_err(file))?;
    if !meta.is_file() {
        return Err(FeedbackError::Invalid(format!("{shown}: 不是文件")));
    }
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(FeedbackError::Invalid(format!(
            "{shown}: 文件有 {} 字节，超过 {} MB 的上限：请把表格分成几个文件导入",
            meta.len(),
            MAX_IMPORT_BYTES / 1024 / 1024
        )));
    }
    let mut bytes = Vec::new();
    {
        use std::io::Read as _;
        let f = std::fs::File::open(file).map_err(io_err(file))?;
        // The file may have grown since its size was read: never read past the limit.
        f.take(MAX_IMPORT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io_err(file))?;
    }
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(FeedbackError::Invalid(format!(
            "{shown}: 文件超过 {} MB 的上限",
            MAX_IMPORT_BYTES / 1024 / 1024
        )));
    }
    let cells = if crate::scaffold::import::table::is_xlsx(file) {
        read_xlsx(file, shown)
    } else {
        read_csv(shown, &bytes)
    };
    Ok((bytes, cells))
}

pub fn import(opts: &ImportOptions, dir: &dyn Directory) -> Result<ImportSummary, FeedbackError> {
    if !valid_id(&opts.consultation) || dir.consultation(&opts.consultation).is_none() {
        return Err(FeedbackError::Invalid(format!(
            "没有这个征集事项 (unknown consultation): {}",
            opts.consultation
        )));
    }
    let shown = opts.file.display().to_string();
    let (bytes, cells) = read_table(&opts.file, &shown)?;
    let rows = cells
        .and_then(|t| check_rows(&shown, &t, &opts.time_zone))
        .map_err(|p| refuse(&shown, p))?;
    let sha = hex::encode(Sha256::digest(&bytes));

    // dispositions.yaml beside the ledger: read (and checked) before anything is written.
    let disp_path = super::export::ledger_path(&opts.root, &opts.consultation)
        .with_file_name(DISPOSITIONS_FILE);
    let existing = load_dispositions(&disp_path)
        .map_err(|e| FeedbackError::Invalid(format!("{e}\n请先改正这个文件再导入。")))?;
    let before = match std::fs::read_to_string(&disp_path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_err(&disp_path)(e)),
    };

    let create = if opts.init {
        super::dbcheck::Create::IfMissing
    } else {
        super::dbcheck::Create::Never
    };
    let mut store = super::backend::open(&opts.db.to_string_lossy(), create)?;
    let secret = store.secret()?;
    let key = import_key(&opts.consultation, &sha);
    let subs: Vec<Submission> = rows
        .iter()
        .map(|row| Submission {
            content: Content::Comment {
                consultation: opts.consultation.clone(),
                section: row.section.clone(),
                opinion: row.text.clone(),
                consent: row.consent,
            },
            personal: row.personal.clone(),
            channel: row.channel,
            received: row.received,
            client: None,
            token: None,
        })
        .collect();
    let noted_at = super::model::format_received(Timestamp::now(), &opts.time_zone);
    // The handling results are written before the commit (and put back if the commit or
    // anything after the rows fails): never receipts in dispositions.yaml the chain does
    // not hold.
    let mut written = false;
    let mut write_yaml = |accepted: &[Accepted]| -> Result<(), FeedbackError> {
        let mut yaml = String::new();
        for (row, a) in rows.iter().zip(accepted) {
            if let Some((d, reason)) = &row.disposition {
                if existing.contains_key(&a.receipt) {
                    return Err(FeedbackError::Integrity(format!(
                        "{}: 已有回执 {} 的处理结果 (receipt already disposed)",
                        disp_path.display(),
                        a.receipt
                    )));
                }
                yaml.push_str(&disposition_yaml(&a.receipt, *d, reason.as_deref()));
            }
        }
        if !yaml.is_empty() {
            written = true;
            write_dispositions(&disp_path, before.as_deref(), &yaml)?;
        }
        Ok(())
    };
    let outcome = store.import(
        &secret,
        &opts.time_zone,
        &ImportGroup {
            key: &key,
            subs: subs.iter().collect(),
            refuse_same: !opts.allow_same_rows,
            noted_at: &noted_at,
        },
        &mut write_yaml,
    );
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            if written {
                restore(&disp_path, before.as_deref());
            }
            return Err(e);
        }
    };
    let accepted = match outcome {
        ImportOutcome::Stored(a) => a,
        ImportOutcome::AlreadyImported(note) => {
            return Err(FeedbackError::Invalid(format!(
                "{shown}: 这个文件已经导入过（{note}），未重复导入。如果表格改过，请只导入新增的行"
            )))
        }
        ImportOutcome::Same(hits) => {
            let mut same: Vec<String> = hits
                .iter()
                .filter_map(|(i, receipt)| rows.get(*i).map(|row| (row.line, receipt)))
                .map(|(line, receipt)| {
                    format!(
                        "{shown}:{line}:1: 与已录入的回执 {receipt} 相同（渠道、收到日期和意见内容都一样）"
                    )
                })
                .collect();
            same.push(format!(
                "{shown}: 确实是另一份内容相同的意见时，加 --allow-same-rows 再导入"
            ));
            return Err(refuse(&shown, same));
        }
    };
    let disposed = rows.iter().filter(|r| r.disposition.is_some()).count();
    let receipts: Vec<(u64, Accepted)> = rows.iter().map(|r| r.line).zip(accepted).collect();
    Ok(ImportSummary {
        file: opts.file.clone(),
        dispositions: disposed,
        receipts,
        dispositions_file: disp_path,
    })
}

/// Appends `yaml` to the dispositions file (created if absent) and checks it still reads;
/// otherwise puts the old text back.
fn write_dispositions(path: &Path, before: Option<&str>, yaml: &str) -> Result<(), FeedbackError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let mut text = before.unwrap_or("").to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(yaml);
    std::fs::write(path, &text).map_err(io_err(path))?;
    if let Err(e) = load_dispositions(path) {
        restore(path, before);
        return Err(FeedbackError::Integrity(format!(
            "写入处理结果后 {} 无法读取，已恢复原文件：{e}",
            path.display()
        )));
    }
    Ok(())
}

fn restore(path: &Path, before: Option<&str>) {
    let _ = match before {
        Some(t) => std::fs::write(path, t),
        None => std::fs::remove_file(path),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz() -> TimeZone {
        TimeZone::fixed(jiff::tz::offset(8))
    }

    #[test]
    fn every_bad_row_is_located_and_none_is_kept() {
        let csv = "收到日期,渠道,意见内容\n2026-11-20,信函,同意。\n2026-11-21,传真,建议增加条款。\n2026-11-22,电话,\n";
        let err = read_rows("o.csv", csv.as_bytes(), &tz())
            .err()
            .unwrap_or_default();
        assert_eq!(err.len(), 2, "{err:?}");
        assert!(
            err[0].starts_with("o.csv:3:2: “渠道”列：不认识的渠道“传真”"),
            "{err:?}"
        );
        assert!(
            err[1].starts_with("o.csv:4:3: “意见内容”列：是空的"),
            "{err:?}"
        );
    }

    #[test]
    fn dates_as_spreadsheets_write_them() {
        for s in [
            "2026-11-20",
            "2026/11/20",
            "2026-11-20 09:30",
            "2026年11月20日",
            "2026-3-6",
        ] {
            assert!(parse_received(s, &tz()).is_ok(), "{s}");
        }
        assert!(parse_received("11月20日", &tz()).is_err());
        assert!(parse_received("2026-13-01", &tz()).is_err());
    }

    #[test]
    fn a_reason_of_any_text_stays_one_yaml_value() {
        let y = disposition_yaml("ZJ1", Disposition::NotAdopted, Some("a: b\n- c #d \"e\""));
        let m: BTreeMap<String, super::super::report::DispositionEntry> =
            serde_saphyr::from_str(&y).unwrap_or_default();
        assert_eq!(
            m.get("ZJ1").and_then(|e| e.reason.as_deref()),
            Some("a: b\n- c #d \"e\"")
        );
    }

    #[test]
    fn too_many_rows_stop_the_reading() {
        let mut csv = String::from("收到日期,渠道,意见内容\n");
        for _ in 0..(MAX_IMPORT_ROWS + 10) {
            csv.push_str("2026-11-20,信函,同意\n");
        }
        let err = read_rows("o.csv", csv.as_bytes(), &tz())
            .err()
            .unwrap_or_default();
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(err[0].contains("超过 5000 行"), "{err:?}");
        // Bad rows before the limit: the limit is still the first problem listed.
        let csv = format!(
            "收到日期,渠道,意见内容\n{}",
            "x,y,z\n".repeat(MAX_IMPORT_ROWS + 1)
        );
        let err = read_rows("o.csv", csv.as_bytes(), &tz())
            .err()
            .unwrap_or_default();
        assert!(err[0].contains("超过 5000 行"), "{:?}", err.first());
    }
}
