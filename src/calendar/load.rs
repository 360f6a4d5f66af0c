//! 节假日安排文件 — reading `YYYY.yaml` arrangement files (shipped and site) into checked
//! entries, with zh-CN diagnostics for staff.

use super::data::BUILTIN_YEARS;
use super::{Arrangement, Origin, Status};
use crate::diag::{did_you_mean, Code, Diagnostic};
use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// Where the shipped files live in the source tree (used in diagnostics about them).
pub(super) const BUILTIN_DIR: &str = "data/holidays";

/// The folder under the site root that holds extra or corrected years.
const SITE_DIR: &str = "calendar";

const EXAMPLE_ENTRY: &str = "{date: \"2027-01-01\", name: \"元旦\"}";

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    year: Spanned<i64>,
    source: Spanned<Vec<String>>,
    #[serde(default)]
    papers: Vec<String>,
    holidays: Vec<RawEntry>,
    workdays: Vec<RawEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    date: Spanned<String>,
    name: Spanned<String>,
}

/// One checked listed date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub date: Date,
    pub status: Status,
    pub name: String,
    /// Position of the date value (1-based line and column, characters).
    pub line: usize,
    pub col: usize,
}

/// One checked arrangement file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YearFile {
    pub arrangement: Arrangement,
    pub entries: Vec<Entry>,
}

/// The shipped files, and any problem found in them (none, as the tests check).
pub(crate) fn builtin_files() -> (Vec<YearFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for &(year, text) in BUILTIN_YEARS {
        let rel = format!("{BUILTIN_DIR}/{year}.yaml");
        match parse_file(&rel, year, text, Origin::Builtin) {
            Ok(f) => files.push(f),
            Err(ds) => problems.extend(ds),
        }
    }
    problems.extend(cross_file_problems(&files, &[]));
    (files, problems)
}

/// The shipped files with the site's `calendar/*.yaml` merged in.
pub(crate) fn load_site(site_root: &Path) -> Result<Vec<YearFile>, Vec<Diagnostic>> {
    let (builtin, mut problems) = builtin_files();
    let dir = site_root.join(SITE_DIR);
    let mut site_files: Vec<YearFile> = Vec::new();
    match std::fs::read_dir(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => problems.push(
            Diagnostic::error(
                Code::CalendarIo,
                SITE_DIR,
                format!("无法读取节假日安排目录 {}：{e}", dir.display()),
            )
            .hint("calendar/ 应是一个目录，内含 2027.yaml 这样的文件；不需要时可删除它。"),
        ),
        Ok(entries) => {
            let mut names = Vec::new();
            for entry in entries {
                match entry {
                    Ok(entry) => names.push(entry.file_name().to_string_lossy().into_owned()),
                    Err(e) => problems.push(Diagnostic::error(
                        Code::CalendarIo,
                        SITE_DIR,
                        format!("读取节假日安排目录 {} 时出错：{e}", dir.display()),
                    )),
                }
            }
            names.sort();
            for name in names {
                let rel = format!("{SITE_DIR}/{name}");
                let Some((stem, ext)) = name.rsplit_once('.') else {
                    continue;
                };
                if ext != "yaml" && ext != "yml" {
                    continue;
                }
                let path = dir.join(&name);
                if path.is_dir() {
                    continue;
                }
                if ext == "yml" {
                    problems.push(
                        Diagnostic::error(
                            Code::CalendarFileName,
                            &rel,
                            "节假日安排文件的扩展名应为 .yaml",
                        )
                        .expected(format!("{stem}.yaml"))
                        .found(name.clone())
                        .hint(format!("把文件改名为 {stem}.yaml。")),
                    );
                    continue;
                }
                let Some(year) = file_name_year(stem) else {
                    problems.push(
                        Diagnostic::error(
                            Code::CalendarFileName,
                            &rel,
                            "节假日安排文件名应为安排年份，如 2027.yaml",
                        )
                        .expected("四位数年份.yaml，如 2027.yaml")
                        .found(name.clone())
                        .hint("calendar/ 中每个年份一个文件，文件名就是通知标题中的年份（1001–9998）。"),
                    );
                    continue;
                };
                let text = match read_limited(&path) {
                    Ok(Some(t)) => t,
                    Ok(None) => {
                        problems.push(
                            Diagnostic::error(
                                Code::CalendarTooLarge,
                                &rel,
                                format!(
                                    "节假日安排文件超过 {} KB，不是一年的节假日安排",
                                    MAX_FILE_BYTES / 1024
                                ),
                            )
                            .hint("一年的安排只有几 KB：请对照 data/holidays/ 中的文件重写它，或删除这个文件。"),
                        );
                        continue;
                    }
                    Err(e) => {
                        problems.push(Diagnostic::error(
                            Code::CalendarIo,
                            &rel,
                            format!("无法读取节假日安排文件 {}：{e}", path.display()),
                        ));
                        continue;
                    }
                };
                match parse_file(&rel, year, &text, Origin::Site(rel.clone())) {
                    Ok(f) => site_files.push(f),
                    Err(ds) => problems.extend(ds),
                }
            }
        }
    }
    let mut merged: BTreeMap<i16, YearFile> = builtin
        .into_iter()
        .map(|f| (f.arrangement.year, f))
        .collect();
    let site_years: Vec<i16> = site_files.iter().map(|f| f.arrangement.year).collect();
    for f in site_files {
        merged.insert(f.arrangement.year, f);
    }
    let merged: Vec<YearFile> = merged.into_values().collect();
    problems.extend(cross_file_problems(&merged, &site_years));
    if problems.is_empty() {
        Ok(merged)
    } else {
        Err(problems)
    }
}

/// `2027` → 2027; anything but four ASCII digits in 1001..=9998 → None.
fn file_name_year(stem: &str) -> Option<i16> {
    if stem.len() != 4 || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i16 = stem.parse().ok()?;
    (1001..=9998).contains(&y).then_some(y)
}

/// Dates listed in two files. Reported on the later file's entry (a site file when one of the
/// two is a site file). With `site_years` empty every collision is reported (shipped data).
fn cross_file_problems(files: &[YearFile], site_years: &[i16]) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<Date, (&YearFile, &Entry)> = BTreeMap::new();
    let mut problems = Vec::new();
    for f in files {
        for e in &f.entries {
            if let Some(&(other_f, other_e)) = seen.get(&e.date) {
                let in_site = |x: &YearFile| site_years.contains(&x.arrangement.year);
                let report = site_years.is_empty() || in_site(f) || in_site(other_f);
                if report {
                    // Put the diagnostic in a site file when one is involved, else the later one.
                    let ((at_file, at_entry), elsewhere) = if in_site(f) || !in_site(other_f) {
                        ((f, e), other_f)
                    } else {
                        ((other_f, other_e), f)
                    };
                    problems.push(
                        Diagnostic::error(
                            Code::CalendarDateInTwoFiles,
                            file_label(at_file),
                            format!(
                                "日期 {} 同时出现在 {} 和 {} 中",
                                e.date,
                                file_label(at_file),
                                file_label(elsewhere)
                            ),
                        )
                        .at(at_entry.line, at_entry.col)
                        .field("date")
                        .hint("同一天只能由一年的安排规定：上一年12月下旬的调整写在新一年的文件里，并从另一个文件中删去。"),
                    );
                }
            } else {
                seen.insert(e.date, (f, e));
            }
        }
    }
    problems
}

fn file_label(f: &YearFile) -> String {
    match &f.arrangement.origin {
        Origin::Builtin => format!("{BUILTIN_DIR}/{}.yaml", f.arrangement.year),
        Origin::Site(rel) => rel.clone(),
    }
}

/// A site's arrangement file may be at most this big (a year's file is a few KB).
const MAX_FILE_BYTES: u64 = 256 * 1024;

/// The file's text, or `None` when it is bigger than [`MAX_FILE_BYTES`] (read no further).
fn read_limited(path: &Path) -> std::io::Result<Option<String>> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)?;
    Ok((text.len() as u64 <= MAX_FILE_BYTES).then_some(text))
}

/// Parse and check one arrangement file. `rel` is the path shown in diagnostics; `year` comes
/// from the file name.
///
/// A site's file is first read by the record loader's YAML reader, which refuses what would
/// take unbounded memory (a "billion laughs" of aliases, deep nesting) where it happens;
/// serde-saphyr's own budget, set tight for files this small, is the second line.
pub(crate) fn parse_file(
    rel: &str,
    year: i16,
    text: &str,
    origin: Origin,
) -> Result<YearFile, Vec<Diagnostic>> {
    if matches!(origin, Origin::Site(_)) {
        if let Err(errs) = crate::yaml::parse(text, 0) {
            if let Some(e) = errs.into_iter().find(|e| e.code == Code::YamlTooComplex) {
                let mut d = Diagnostic::error(Code::CalendarTooComplex, rel, e.message)
                    .at(e.pos.line, e.pos.col)
                    .with_source(text);
                if let Some(h) = e.hint {
                    d = d.hint(h);
                }
                return Err(vec![d]);
            }
        }
    }
    let options = serde_saphyr::options! {
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: 8,
            max_nodes: 50_000,
            max_events: 200_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_total_scalar_bytes: 1 << 20,
            max_documents: 1,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 10_000,
        },
    };
    let raw: RawFile = match serde_saphyr::from_str_with_options(text, options) {
        Ok(raw) => raw,
        Err(e) => return Err(vec![yaml_problem(rel, text, &e)]),
    };
    let mut problems = Vec::new();
    let at = |loc: &serde_saphyr::Location| (to_usize(loc.line()), to_usize(loc.column()));

    let (yl, yc) = at(&raw.year.referenced);
    if raw.year.value != i64::from(year) {
        problems.push(
            Diagnostic::error(
                Code::CalendarYearMismatch,
                rel,
                format!(
                    "year 与文件名不一致：文件名是 {year}.yaml，year 写的是 {}",
                    raw.year.value
                ),
            )
            .span(yl, yc, raw.year.value.to_string().chars().count())
            .field("year")
            .expected(year.to_string())
            .found(raw.year.value.to_string())
            .hint("year 是通知标题中的年份，文件名必须与它相同；改正 year 或文件名。"),
        );
    }
    if raw.source.value.iter().all(|s| s.trim().is_empty()) {
        let (l, c) = at(&raw.source.referenced);
        problems.push(
            Diagnostic::error(
                Code::CalendarMissingSource,
                rel,
                "source 不能为空：请写明依据的通知标题",
            )
            .at(l, c)
            .field("source")
            .expected(format!(
                "通知标题列表，如 - \"国务院办公厅关于{year}年部分节假日安排的通知\""
            ))
            .hint("写上国务院办公厅通知的完整标题（有文号的连同文号），便于核对。"),
        );
    }

    let first = Date::new(year - 1, 12, 1).ok();
    let last = Date::new(year, 12, 31).ok();
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_date: BTreeMap<Date, usize> = BTreeMap::new();
    let lists = [
        ("holidays", Status::Off, &raw.holidays),
        ("workdays", Status::Work, &raw.workdays),
    ];
    for (list, status, items) in lists {
        for (i, item) in items.iter().enumerate() {
            let field = format!("{list}[{i}].date");
            let (l, c) = at(&item.date.referenced);
            let text_len = item.date.value.chars().count() + 2;
            let date = match parse_iso_date(&item.date.value) {
                Ok(d) => d,
                Err(why) => {
                    problems.push(
                        Diagnostic::error(
                            Code::CalendarBadDate,
                            rel,
                            format!("日期“{}”无效：{why}", item.date.value),
                        )
                        .span(l, c, text_len)
                        .field(field)
                        .expected("带引号的日期 \"YYYY-MM-DD\"，如 \"2027-01-01\"")
                        .found(item.date.value.clone())
                        .hint(format!("每项写成 {EXAMPLE_ENTRY}；月、日不足两位时补0。")),
                    );
                    continue;
                }
            };
            if first.is_some_and(|f| date < f) || last.is_some_and(|x| date > x) {
                problems.push(
                    Diagnostic::error(
                        Code::CalendarDateOutOfYear,
                        rel,
                        format!("日期 {date} 不属于{year}年的安排"),
                    )
                    .span(l, c, text_len)
                    .field(field)
                    .expected(format!(
                        "{year}年内的日期（或{}年12月的调休日期）",
                        year - 1
                    ))
                    .found(date.to_string())
                    .hint(format!(
                        "其他年份的日期请写在那一年的文件（{}.yaml）中。",
                        date.year()
                    )),
                );
                continue;
            }
            let name = item.name.value.trim().to_string();
            if name.is_empty() {
                let (nl, nc) = at(&item.name.referenced);
                problems.push(
                    Diagnostic::error(
                        Code::CalendarEmptyName,
                        rel,
                        format!("日期 {date} 没有写节日名称"),
                    )
                    .at(nl, nc)
                    .field(format!("{list}[{i}].name"))
                    .expected("通知中的节日名称，如 \"春节\"、\"国庆节\"")
                    .hint(format!("每项写成 {EXAMPLE_ENTRY}。")),
                );
            }
            if let Some(&prev) = by_date.get(&date) {
                let p = &entries[prev];
                let (code, message, hint) = if p.status == status {
                    (
                        Code::CalendarDuplicateDate,
                        format!("日期 {date} 重复列出（第一次在第 {} 行）", p.line),
                        "删去重复的一项。",
                    )
                } else {
                    (
                        Code::CalendarConflictingDate,
                        format!(
                            "日期 {date} 既列为休息日（holidays）又列为调休上班日（workdays）（另一项在第 {} 行）",
                            p.line
                        ),
                        "对照通知原文，只保留正确的一项：放假的日子写在 holidays，调休上班的日子写在 workdays。",
                    )
                };
                problems.push(
                    Diagnostic::error(code, rel, message)
                        .span(l, c, text_len)
                        .field(field)
                        .hint(hint),
                );
                continue;
            }
            by_date.insert(date, entries.len());
            entries.push(Entry {
                date,
                status,
                name,
                line: l,
                col: c,
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems.into_iter().map(|d| d.with_source(text)).collect());
    }
    entries.sort_by_key(|e| e.date);
    Ok(YearFile {
        arrangement: Arrangement {
            year,
            origin,
            source: raw.source.value,
            papers: raw.papers,
        },
        entries,
    })
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// `YYYY-MM-DD`, exactly, and a real date.
pub(crate) fn parse_iso_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err("应写成 YYYY-MM-DD（四位年、两位月、两位日）".to_string());
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<i16>().ok()).unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&m) {
        return Err(format!("没有{m}月"));
    }
    let m8 = i8::try_from(m).unwrap_or(0);
    let d8 = i8::try_from(d).unwrap_or(0);
    Date::new(y, m8, d8).map_err(|_| format!("{y}年{m}月没有{d}日"))
}

/// A YAML syntax or shape problem, worded for staff.
fn yaml_problem(rel: &str, text: &str, e: &serde_saphyr::Error) -> Diagnostic {
    let raw = e.without_snippet().to_string();
    let detail = match raw.rfind(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let (line, col) = e
        .location()
        .map_or((0, 0), |l| (to_usize(l.line()), to_usize(l.column())));
    let key = key_before(text, line, col);
    let expected_for = |k: &str| -> Option<String> {
        Some(
            match k {
                "year" => "四位数年份，如 year: 2027",
                "source" => {
                    "通知标题列表，每行一项：- \"国务院办公厅关于2027年部分节假日安排的通知\""
                }
                "papers" => "网址列表，每行一项：- \"https://www.gov.cn/…\"",
                "holidays" | "workdays" => {
                    "列表，每项形如 {date: \"2027-01-01\", name: \"元旦\"}；没有就写 []"
                }
                "date" => "带引号的日期，如 \"2027-01-01\"",
                "name" => "节日名称，如 \"春节\"",
                _ => return None,
            }
            .to_string(),
        )
    };
    let general_hint = "对照 data/holidays/ 中的文件检查缩进、冒号、引号和括号是否成对。";
    let d = if let Some(rest) = detail.strip_prefix("unknown field `") {
        let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<String> = tail
            .split_once("expected one of ")
            .or_else(|| tail.split_once("expected "))
            .map(|(_, l)| {
                l.split(", ")
                    .map(|s| s.trim_matches('`').to_string())
                    .collect()
            })
            .unwrap_or_default();
        let hint = match did_you_mean(field, allowed.iter().map(String::as_str)) {
            Some(best) => format!("是不是想写“{best}”？"),
            None => "删去这个字段，或改为可用的字段名。".to_string(),
        };
        Diagnostic::error(
            Code::CalendarUnknownField,
            rel,
            format!("未知字段“{field}”"),
        )
        .span(line, col, field.chars().count())
        .field(field)
        .expected(format!("可用的字段：{}", allowed.join("、")))
        .hint(hint)
    } else if let Some(rest) = detail.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        let mut d = Diagnostic::error(
            Code::CalendarMissingField,
            rel,
            format!("缺少字段“{field}”"),
        )
        .at(line, col)
        .field(field)
        .hint("节假日安排文件必须有 year、source、holidays、workdays 四个字段；没有的列表写 []。");
        if let Some(x) = expected_for(field) {
            d = d.expected(x);
        }
        d
    } else if let Some(rest) = detail.strip_prefix("duplicate mapping key: ") {
        let field = rest.split(',').next().unwrap_or(rest).trim();
        Diagnostic::error(
            Code::CalendarDuplicateKey,
            rel,
            format!("字段“{field}”写了两次"),
        )
        .at(line, col)
        .field(field)
        .hint("每个字段只写一次；删去多余的一个。")
    } else if detail.starts_with("unexpected end of input") && text.trim().lines().all(is_comment) {
        Diagnostic::error(Code::CalendarEmptyFile, rel, "节假日安排文件是空的")
            .hint("按 data/holidays/ 中文件的格式写上 year、source、holidays、workdays。")
    } else if let Some(x) = key.as_deref().and_then(expected_for) {
        let k = key.unwrap_or_default();
        Diagnostic::error(Code::CalendarType, rel, format!("字段“{k}”的值不对"))
            .at(line, col)
            .field(k)
            .expected(x)
            .found(detail)
            .hint(general_hint)
    } else {
        Diagnostic::error(Code::CalendarSyntax, rel, "YAML 格式错误")
            .at(line, col)
            .found(detail)
            .hint(general_hint)
    };
    d.with_source(text)
}

fn is_comment(l: &str) -> bool {
    let t = l.trim();
    t.is_empty() || t.starts_with('#')
}

/// The last `key:` written on `line` before column `col` (1-based, characters), for saying
/// which field a type error is in.
fn key_before(text: &str, line: usize, col: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    // The position is either the value after `key:` or (for a missing value) the colon itself.
    let upto = |n: usize| -> String { l.chars().take(n).collect() };
    let (with_col, without_col) = (upto(col), upto(col.saturating_sub(1)));
    let before = with_col
        .trim_end()
        .strip_suffix(':')
        .or_else(|| without_col.trim_end().strip_suffix(':'))?;
    let key: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!key.is_empty()).then_some(key)
}
