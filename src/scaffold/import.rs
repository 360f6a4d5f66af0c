//! `gongshi import KIND FILE`: records from a spreadsheet (`.xlsx` or CSV, [`table`]); for
//! every kind but fees one row is one record ([`records`]). `gongshi import fees FILE`: a fee
//! table (one row per fee standard, as real fee lists are kept) into fee records under
//! `content/fees/`. Everything the clerk typed is kept as
//! typed (document numbers with their own bracket style, several numbers per row); every
//! problem is reported with its row and column in Chinese, and nothing is written while any
//! row is wrong. The columns are documented in `docs/commands.md` and [`COLUMNS`].

use super::ScaffoldError;
use crate::content::load::valid_id;
use crate::content::Kind;
use crate::diag::{Code, Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::path::PathBuf;
pub use table::Limits;
use table::Table;

pub mod records;
pub(crate) mod table;

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The site root (holds `site.toml`).
    pub root: PathBuf,
    /// What to import: a kind (fees have their own table of standards).
    pub kind: Kind,
    /// The table: CSV (UTF-8), or `.xlsx`.
    pub file: PathBuf,
    /// The worksheet of an `.xlsx` file (default: the first).
    pub sheet: Option<String>,
    /// Caps on the file's size and content.
    pub limits: Limits,
    /// The clock: the default 发布日期 and the 索引号 year.
    pub now: jiff::Timestamp,
}

/// What `import` wrote.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// The new record files, relative to the root.
    pub written: Vec<PathBuf>,
    /// Rows imported (fee standards, or the table's rows for other kinds).
    pub rows: usize,
}

/// The columns of a fee table: header, required, what it holds. Only `文件名`,
/// `收费项目名称` and `收费标准项目` are required; other columns may be left out of the file.
pub const COLUMNS: &[(&str, bool, &str)] = &[
    (
        "文件名",
        true,
        "记录的文件名和网址（小写英文字母、数字、“-”“_”）；文件名相同的行属于同一条收费记录",
    ),
    (
        "收费项目名称",
        true,
        "记录的标题；同一记录只需在第一行填写，其他行留空或填写相同内容",
    ),
    ("收费标准项目", true, "具体收费项目（standards[].item）"),
    (
        "子项",
        false,
        "填写时，这一行是“收费标准项目”下的子项（items[].item）",
    ),
    ("金额", false, "固定金额，只写数字；免收的写 0"),
    ("最低金额", false, "幅度的下限（与“最高金额”一起写）"),
    ("最高金额", false, "幅度的上限"),
    ("费率", false, "按倍数或比例收费时的数字，如 1.5 或 80"),
    ("费率单位", false, "倍 或 %"),
    ("计费基数", false, "费率按什么计算"),
    ("计费单位", false, "如 元/人次"),
    (
        "收费标准文字",
        false,
        "以上形式都不适用时照原文抄写的收费标准",
    ),
    (
        "本项依据文号",
        false,
        "这一项标准自己的批准文号，几个文号用“；”“、”或换行分开",
    ),
    ("备注", false, "减免等说明"),
    (
        "收费依据文件名称",
        false,
        "整条记录的收费依据文件名称，几个文件用“；”或换行分开",
    ),
    (
        "收费依据文号",
        false,
        "整条记录的收费依据文号，几个文号用“；”“、”或换行分开",
    ),
    ("收费对象", false, "向谁收费"),
    ("发布日期", false, "如 2026-11-20；不填为今天"),
    (
        "索引号",
        false,
        "不填时按 gongshi new 的规则自动分配；本站启用前的原索引号照原样填写，记为 legacy_index_no 并公开显示",
    ),
    ("主题分类", false, "如 人事人才"),
    ("摘要", false, "一两句话的简介"),
    ("投诉电话", false, "价格投诉举报电话"),
];

/// One record being assembled.
#[derive(Default)]
struct Rec {
    title: Option<String>,
    /// The first row of the record (for messages) and its line in the file.
    row: usize,
    line: usize,
    scalars: BTreeMap<&'static str, String>,
    titles: Vec<String>,
    numbers: Vec<String>,
    /// Standards in order: (item, fields, sub-items).
    standards: Vec<Std>,
}

struct Std {
    item: String,
    lines: Vec<String>,
    items: Vec<(String, Vec<String>)>,
}

/// Several entries in one cell, each kept as typed (trimmed): split on `；` `;` and line
/// breaks, and for document numbers also on `、` `，` `,`.
fn split(cell: &str, numbers: bool) -> Vec<String> {
    cell.split(|c| {
        matches!(c, '；' | ';' | '\n' | '\r') || (numbers && matches!(c, '、' | '，' | ','))
    })
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .map(str::to_string)
    .collect()
}

/// A YAML double-quoted scalar (a JSON string is one): the text exactly as typed.
fn q(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Import the table. Nothing is written when anything is wrong.
pub fn import(opts: &ImportOptions) -> Result<ImportReport, ScaffoldError> {
    let (config, today) = super::site_today(&opts.root, opts.now)?;
    let shown = opts.file.display().to_string();
    let table = table::read(&opts.file, &shown, opts.sheet.as_deref(), opts.limits)
        .map_err(|ds| ScaffoldError::Content(ds.into_iter().collect()))?;
    if opts.kind != Kind::Fee {
        return import_records(opts, &config, today, &table, &shown);
    }
    let (recs, rows, mut diags) = read(&table, &shown);
    let folder = opts.root.join("content/fees");
    for (name, r) in &recs {
        if ["md", "yaml", "yml"]
            .iter()
            .any(|e| folder.join(format!("{name}.{e}")).exists())
            || folder.join(name).is_dir()
        {
            diags.push(
                Diagnostic::error(
                    Code::ImportExists,
                    &shown,
                    format!("{}：收费记录“{name}”已经存在", table.place(r.row)),
                )
                .span(r.line, 1, 1)
                .field("文件名")
                .hint("导入不会覆盖已有记录：换一个文件名，或先删除（修改）已有记录。"),
            );
        }
    }
    if !diags.is_empty() {
        return Err(ScaffoldError::Content(
            diags.into_iter().collect::<Diagnostics>(),
        ));
    }
    let code = &config.organization.code;
    let mut next = super::new::max_index_no(&opts.root.join("content"), code, today.year());
    let mut files = Vec::new();
    for (name, r) in &recs {
        // A number in the site's series is the index_no; another is kept as the legacy one.
        let given = r.scalars.get("索引号");
        let legacy = given.filter(|no| !crate::content::validate::index_no_ok(no, code));
        let index_no = match given {
            Some(no) if legacy.is_none() => no.clone(),
            _ => {
                next += 1;
                format!("{code}/{}-{next:05}", today.year())
            }
        };
        files.push((
            name.clone(),
            yaml_of(r, &index_no, legacy.map(String::as_str), &today.to_string()),
        ));
    }
    std::fs::create_dir_all(&folder)
        .map_err(|e| ScaffoldError::Io(format!("无法创建目录 {}：{e}", folder.display())))?;
    let mut written = Vec::new();
    for (name, text) in files {
        let rel = PathBuf::from("content/fees").join(format!("{name}.yaml"));
        let path = opts.root.join(&rel);
        let res = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        if let Err(e) = res {
            // Leave nothing half-imported.
            for w in &written {
                let _ = std::fs::remove_file(opts.root.join(w));
            }
            return Err(ScaffoldError::Io(format!(
                "无法写入 {}：{e}",
                rel.display()
            )));
        }
        written.push(rel);
    }
    Ok(ImportReport { written, rows })
}

/// One record per row, for every kind but fees. Nothing is written when anything is wrong.
fn import_records(
    opts: &ImportOptions,
    config: &crate::config::Config,
    today: jiff::civil::Date,
    table: &Table,
    shown: &str,
) -> Result<ImportReport, ScaffoldError> {
    let kind = opts.kind;
    let tz = config.timezone().unwrap_or(jiff::tz::TimeZone::UTC);
    let (rows, mut diags) = records::read(
        kind,
        table,
        shown,
        &today.to_string(),
        &tz,
        &config.organization.code,
    );
    let folder = opts.root.join("content").join(kind.folder());
    // A record the loader would refuse as too large (many rows under one 文件名) is refused
    // here, at its first row, before anything is written.
    let max = config.limits.record_kb.saturating_mul(1024);
    for r in &rows {
        let size = (r.yaml.len() + r.body.as_ref().map_or(0, String::len)) as u64;
        if size > max {
            diags.push(
                Diagnostic::error(
                    Code::ImportTooLarge,
                    shown,
                    format!(
                        "{}：{}“{}”有{} KB，超过 site.toml 中 limits.record_kb 的 {} KB",
                        table.place(r.row),
                        kind.label(),
                        r.name,
                        size.div_ceil(1024),
                        config.limits.record_kb
                    ),
                )
                .span(r.line, 1, 1)
                .field(records::ID.1)
                .hint("请把内容分成几条记录（换用不同的文件名），很长的全文请作为附件上传。"),
            );
        }
    }
    for r in &rows {
        if let Some(existing) = super::new::existing_record(&folder, &r.name) {
            let rel = existing
                .strip_prefix(&opts.root)
                .map(std::path::Path::to_path_buf)
                .unwrap_or(existing);
            diags.push(
                Diagnostic::error(
                    Code::ImportExists,
                    shown,
                    format!(
                        "{}：{}“{}”已经存在（{}）",
                        table.place(r.row),
                        kind.label(),
                        r.name,
                        rel.display()
                    ),
                )
                .span(r.line, 1, 1)
                .field(records::ID.1)
                .hint("导入不会覆盖已有记录：换一个文件名，或先删除（修改）已有记录。"),
            );
        }
    }
    if !diags.is_empty() {
        return Err(ScaffoldError::Content(
            diags.into_iter().collect::<Diagnostics>(),
        ));
    }
    let code = &config.organization.code;
    let has_index = kind.common_fields().iter().any(|f| f.name == "index_no");
    let mut next = super::new::max_index_no(&opts.root.join("content"), code, today.year());
    let mut files = Vec::new();
    for r in &rows {
        let mut text = format!(
            "---\n# 由 gongshi import {} 从 {} 第{}行导入。\n",
            kind.folder(),
            opts.file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            r.row
        );
        text.push_str(&r.yaml);
        if has_index && !r.has_index_no {
            next += 1;
            text.push_str(&format!(
                "index_no: {}\n",
                q(&format!("{code}/{}-{next:05}", today.year()))
            ));
        }
        text.push_str("---\n");
        if let Some(body) = &r.body {
            text.push('\n');
            text.push_str(body);
            text.push('\n');
        }
        files.push((
            PathBuf::from("content")
                .join(kind.folder())
                .join(format!("{}.md", r.name)),
            text,
        ));
    }
    let written = write_all(&opts.root, files)?;
    Ok(ImportReport {
        rows: table.rows.len(),
        written,
    })
}

/// Write new files (never over an existing one); on any failure remove those written.
fn write_all(
    root: &std::path::Path,
    files: Vec<(PathBuf, String)>,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = root.join(&rel);
        let res = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
            })
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        if let Err(e) = res {
            // Leave nothing half-imported.
            for w in &written {
                let _ = std::fs::remove_file(root.join(w));
            }
            return Err(ScaffoldError::Io(format!(
                "无法写入 {}：{e}",
                rel.display()
            )));
        }
        written.push(rel);
    }
    Ok(written)
}

/// Parse the table into records by file name, with every problem found.
fn read(table: &Table, shown: &str) -> (BTreeMap<String, Rec>, usize, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut recs: BTreeMap<String, Rec> = BTreeMap::new();
    let headers = &table.headers;
    let known: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    for (i, h) in headers.iter().enumerate() {
        if !known.contains(&h.as_str()) {
            diags.push(
                Diagnostic::error(
                    Code::ImportUnknownColumn,
                    shown,
                    format!("{}第{}列：不认识的列名“{h}”", table.place(1), i + 1),
                )
                .span(1, 1, 1)
                .field(h.clone())
                .expected(format!("以下列名之一：{}", known.join("、")))
                .found(h.clone())
                .hint("请把表头改成上面的列名（列的顺序不限）；不需要的列可以删除。"),
            );
        }
    }
    for (c, required, _) in COLUMNS {
        if *required && !headers.iter().any(|h| h == c) {
            diags.push(
                Diagnostic::error(
                    Code::ImportMissingColumn,
                    shown,
                    format!("{}：缺少“{c}”列", table.place(1)),
                )
                .span(1, 1, 1)
                .field(*c)
                .hint(format!("请在表头加上“{c}”列。")),
            );
        }
    }
    if !diags.is_empty() {
        return (recs, 0, diags);
    }
    let mut rows = 0;
    for rec in &table.rows {
        let (row, line) = (rec.row, rec.line);
        let cell = |name: &str| -> Option<String> {
            let v = rec.cells.get(table.col(name)?)?;
            (!v.is_empty()).then(|| v.clone())
        };
        rows += 1;
        let mut err =
            |col: &str, msg: String, expected: &str, found: Option<String>, hint: &str| {
                let at = table.col(col).unwrap_or(0);
                let cell_ref = table
                    .cell_ref(row, at)
                    .map(|r| format!("（{r}单元格）"))
                    .unwrap_or_default();
                let mut d = Diagnostic::error(
                    Code::ImportRow,
                    shown,
                    format!("{}“{col}”列{cell_ref}：{msg}", table.place(row)),
                )
                .span(line, at + 1, 1)
                .field(col.to_string())
                .expected(expected.to_string())
                .hint(hint.to_string());
                if let Some(f) = found {
                    d = d.found(f);
                }
                diags.push(d);
            };
        let name = cell("文件名").unwrap_or_default();
        if !valid_id(&name) {
            err(
                "文件名",
                if name.is_empty() {
                    "没有填写".into()
                } else {
                    format!("“{name}”不能用作文件名")
                },
                "小写英文字母、数字、“-”“_”，以字母或数字开头，如 gongben-fei",
                (!name.is_empty()).then(|| name.clone()),
                "文件名相同的行合成一条收费记录；可以用拼音。",
            );
            continue;
        }
        let Some(item) = cell("收费标准项目") else {
            err(
                "收费标准项目",
                "没有填写".into(),
                "具体收费项目",
                None,
                "每一行是一个收费标准，请照原文填写收费项目。",
            );
            continue;
        };
        let mut lines = Vec::new();
        let mut forms = Vec::new();
        let mut nums: BTreeMap<&str, f64> = BTreeMap::new();
        for (col, key) in [
            ("金额", "amount"),
            ("最低金额", "min"),
            ("最高金额", "max"),
            ("费率", "rate"),
        ] {
            if let Some(v) = cell(col) {
                match v.parse::<f64>() {
                    Ok(x) if x.is_finite() && x >= 0.0 => {
                        nums.insert(key, x);
                        lines.push(format!("{key}: {}", crate::content::kinds::fee::number(x)));
                    }
                    _ => err(
                        col,
                        format!("“{v}”不是数字"),
                        "只写数字，如 30 或 12.5",
                        Some(v.clone()),
                        "单位写在“计费单位”或“费率单位”列；原文不是一个数字的（如“按成本收取”），写在“收费标准文字”列。",
                    ),
                }
            }
        }
        if let Some(u) = cell("费率单位") {
            if u == "倍" || u == "%" || u == "％" {
                lines.push(format!(
                    "rate_unit: {}",
                    q(if u == "％" { "%" } else { &u })
                ));
            } else {
                err(
                    "费率单位",
                    format!("“{u}”不是可选的费率单位"),
                    "倍 或 %",
                    Some(u.clone()),
                    "按倍数收费写 倍，按比例收费写 %。",
                );
            }
        }
        for (col, key) in [
            ("计费基数", "rate_of"),
            ("计费单位", "unit"),
            ("收费标准文字", "text"),
        ] {
            if let Some(v) = cell(col) {
                lines.push(format!("{key}: {}", q(&v)));
            }
        }
        if nums.contains_key("amount") {
            forms.push("金额");
        }
        if nums.contains_key("min") || nums.contains_key("max") {
            forms.push("最低金额/最高金额");
            match (nums.get("min"), nums.get("max")) {
                (Some(a), Some(b)) if a <= b => {}
                (Some(_), Some(_)) => err(
                    "最低金额",
                    "最低金额大于最高金额".into(),
                    "最低金额不大于最高金额",
                    None,
                    "请核对原文的上下限。",
                ),
                _ => err(
                    if nums.contains_key("min") {
                        "最高金额"
                    } else {
                        "最低金额"
                    },
                    "幅度只写了一头".into(),
                    "最低金额和最高金额都写",
                    None,
                    "只有上限的（如“不超过100元”）请写在“收费标准文字”列。",
                ),
            }
        }
        if nums.contains_key("rate") || cell("费率单位").is_some() {
            forms.push("费率");
            if !nums.contains_key("rate") || cell("费率单位").is_none() {
                err(
                    "费率",
                    "费率和费率单位要一起写".into(),
                    "费率（数字）和费率单位（倍 或 %）",
                    None,
                    "如 基本收费标准的1.5倍：费率 1.5，费率单位 倍，计费基数 基本收费标准。",
                );
            }
        }
        if cell("收费标准文字").is_some() {
            forms.push("收费标准文字");
        }
        if forms.len() > 1 {
            err(
                forms[1],
                format!("同时写了{}", forms.join("、")),
                "金额、最低金额/最高金额、费率、收费标准文字只写一种",
                None,
                "按原文保留一种；其他说明写在“备注”列。",
            );
        }
        let docs = cell("本项依据文号")
            .map(|c| split(&c, true))
            .unwrap_or_default();
        if !docs.is_empty() {
            lines.push("basis:".into());
            for d in docs {
                lines.push(format!("  - doc_no: {}", q(&d)));
            }
        }
        if let Some(v) = cell("备注") {
            lines.push(format!("note: {}", q(&v)));
        }
        let r = recs.entry(name.clone()).or_insert_with(|| Rec {
            row,
            line,
            ..Rec::default()
        });
        match (cell("收费项目名称"), &r.title) {
            (Some(t), None) => r.title = Some(t),
            (Some(t), Some(old)) if &t != old => err(
                "收费项目名称",
                format!("与第{}行同一记录的名称“{old}”不同", r.row),
                "同一文件名的行名称相同（或留空）",
                Some(t),
                "不同的收费项目请用不同的文件名。",
            ),
            _ => {}
        }
        for col in [
            "收费对象",
            "发布日期",
            "索引号",
            "主题分类",
            "摘要",
            "投诉电话",
        ] {
            if let Some(v) = cell(col) {
                if col == "发布日期" && v.parse::<jiff::civil::Date>().is_err() {
                    err(
                        col,
                        format!("“{v}”不是日期"),
                        "如 2026-11-20",
                        Some(v.clone()),
                        "请按 年-月-日 填写。",
                    );
                    continue;
                }
                let key: &'static str = COLUMNS.iter().find(|c| c.0 == col).map_or("", |c| c.0);
                match r.scalars.get(key) {
                    Some(old) if *old != v => err(
                        col,
                        format!("与同一记录前面行的“{old}”不同"),
                        "同一文件名的行内容相同（或留空）",
                        Some(v),
                        "一条记录只有一个值；不同的请分成不同文件名的记录。",
                    ),
                    _ => {
                        r.scalars.insert(key, v);
                    }
                }
            }
        }
        for t in cell("收费依据文件名称")
            .map(|c| split(&c, false))
            .unwrap_or_default()
        {
            if !r.titles.contains(&t) {
                r.titles.push(t);
            }
        }
        for d in cell("收费依据文号")
            .map(|c| split(&c, true))
            .unwrap_or_default()
        {
            if !r.numbers.contains(&d) {
                r.numbers.push(d);
            }
        }
        match cell("子项") {
            Some(sub) => {
                let parent = match r.standards.iter_mut().find(|s| s.item == item) {
                    Some(p) => p,
                    None => {
                        r.standards.push(Std {
                            item: item.clone(),
                            lines: Vec::new(),
                            items: Vec::new(),
                        });
                        let last = r.standards.len() - 1;
                        &mut r.standards[last]
                    }
                };
                parent.items.push((sub, lines));
            }
            None => r.standards.push(Std {
                item,
                lines,
                items: Vec::new(),
            }),
        }
    }
    for (name, r) in &recs {
        if r.title.is_none() {
            diags.push(
                Diagnostic::error(
                    Code::ImportRow,
                    shown,
                    format!(
                        "{}“收费项目名称”列：记录“{name}”没有名称",
                        table.place(r.row)
                    ),
                )
                .span(r.line, 1, 1)
                .field("收费项目名称")
                .expected("收费项目的名称（记录的标题）")
                .hint("在这条记录的第一行填写收费项目名称。"),
            );
        }
        if r.titles.is_empty() && r.numbers.is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::ImportRow,
                    shown,
                    format!(
                        "{}“收费依据文号”列：记录“{name}”没有收费依据",
                        table.place(r.row)
                    ),
                )
                .span(r.line, 1, 1)
                .field("收费依据文号")
                .expected("收费依据文件名称或文号，至少一项")
                .hint("照原文填写收费依据的文件名称或文号（几个用“；”分开）。"),
            );
        }
    }
    (recs, rows, diags)
}

/// The record file: every value double-quoted, so that it reads back exactly as typed.
fn yaml_of(r: &Rec, index_no: &str, legacy: Option<&str>, today: &str) -> String {
    let mut out = String::from("# 由 gongshi import fees 导入。\n");
    let get = |k: &str| r.scalars.get(k);
    out.push_str(&format!(
        "title: {}\n",
        q(r.title.as_deref().unwrap_or_default())
    ));
    out.push_str(&format!(
        "published: {}\n",
        get("发布日期").map_or(today, String::as_str)
    ));
    out.push_str(&format!("index_no: {}\n", q(index_no)));
    if let Some(no) = legacy {
        out.push_str(&format!("legacy_index_no: {}\n", q(no)));
    }
    for (col, key) in [
        ("主题分类", "category"),
        ("摘要", "summary"),
        ("收费对象", "payer"),
        ("投诉电话", "complaint_phone"),
    ] {
        if let Some(v) = get(col) {
            out.push_str(&format!("{key}: {}\n", q(v)));
        }
    }
    out.push_str("basis:\n");
    if r.titles.len() == r.numbers.len() {
        for (t, n) in r.titles.iter().zip(&r.numbers) {
            out.push_str(&format!("  - title: {}\n    doc_no: {}\n", q(t), q(n)));
        }
    } else {
        for t in &r.titles {
            out.push_str(&format!("  - title: {}\n", q(t)));
        }
        for n in &r.numbers {
            out.push_str(&format!("  - doc_no: {}\n", q(n)));
        }
    }
    out.push_str("standards:\n");
    for s in &r.standards {
        out.push_str(&format!("  - item: {}\n", q(&s.item)));
        for l in &s.lines {
            out.push_str(&format!("    {l}\n"));
        }
        if !s.items.is_empty() {
            out.push_str("    items:\n");
            for (item, lines) in &s.items {
                out.push_str(&format!("      - item: {}\n", q(item)));
                for l in lines {
                    out.push_str(&format!("        {l}\n"));
                }
            }
        }
    }
    out
}
