//! `gongshi new KIND NAME`: a record skeleton under `content/<folder>/NAME.md` (a service guide:
//! `content/permits/NAME/index.md`, the folder form its attachments need) with every
//! required field and the common optional ones, each explained by a Chinese comment; today's
//! date in `published` and the next free 索引号 (`机构代码/年份-五位序号`).

use super::ScaffoldError;
use crate::config::Config;
use crate::content::load::valid_id;
use crate::content::Kind;
use crate::diag::did_you_mean;
use crate::schema::{self, Field};
use std::path::{Path, PathBuf};

/// What to create.
#[derive(Debug, Clone)]
pub struct NewOptions {
    /// The site root (holds `site.toml`).
    pub root: PathBuf,
    /// `permit` or `permits`.
    pub kind: String,
    /// The record id (file name without `.md`).
    pub name: String,
    /// The clock (`--now` or the real clock read in `main`).
    pub now: jiff::Timestamp,
}

/// What `new` created.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// The new file, relative to the root.
    pub path: PathBuf,
    pub index_no: Option<String>,
}

/// Common optional fields worth writing into every new record.
const COMMON_OPTIONAL: &[&str] = &["published", "index_no", "category", "summary"];

/// The placeholder staff must replace; the build refuses a record that still holds it.
pub const PLACEHOLDER: &str = "待填写";

fn kinds_list() -> String {
    Kind::ALL
        .iter()
        .map(|k| format!("{}（{}）", k.name(), k.label()))
        .collect::<Vec<_>>()
        .join("、")
}

/// Resolve `KIND`: the singular (`permit`) or the folder name (`permits`).
pub fn parse_kind(s: &str) -> Result<Kind, ScaffoldError> {
    Kind::from_name(s.trim()).ok_or_else(|| {
        let names = Kind::ALL
            .iter()
            .flat_map(|k| [k.name(), k.folder()])
            .collect::<Vec<_>>();
        let hint = did_you_mean(s, names.iter().copied())
            .map(|m| format!("是否想写“{m}”？"))
            .unwrap_or_default();
        ScaffoldError::Usage(format!(
            "未知的信息类别“{s}”。{hint}可用的类别：{}",
            kinds_list()
        ))
    })
}

/// Create the record. Nothing is written when anything is wrong.
pub fn new_record(opts: &NewOptions) -> Result<NewReport, ScaffoldError> {
    let kind = parse_kind(&opts.kind)?;
    let name = opts.name.as_str();
    if !valid_id(name) {
        return Err(ScaffoldError::Usage(format!(
            "名称“{name}”不能用作网址：只能使用小写英文字母、数字、“-”和“_”，并以字母或数字开头。\
             例如 shiye-baoxian、2026-017（可以用拼音）"
        )));
    }
    let (config, today) = super::site_today(&opts.root, opts.now)?;

    let folder = opts.root.join("content").join(kind.folder());
    if let Some(existing) = existing_record(&folder, name) {
        let rel = existing
            .strip_prefix(&opts.root)
            .map(Path::to_path_buf)
            .unwrap_or(existing);
        return Err(ScaffoldError::Usage(format!(
            "{} 类别中已有名为“{name}”的记录（{}）。同一类别中名称不能重复，请换一个名称",
            kind.label(),
            rel.display()
        )));
    }

    let has_index = kind.common_fields().iter().any(|f| f.name == "index_no");
    let index_no = has_index.then(|| {
        let n = max_index_no(
            &opts.root.join("content"),
            &config.organization.code,
            today.year(),
        ) + 1;
        format!("{}/{}-{n:05}", config.organization.code, today.year())
    });
    let text = skeleton(kind, &config, today, index_no.as_deref(), name);
    let rel = record_path(kind, name);
    let path = opts.root.join(&rel);
    let dir = path.parent().unwrap_or(&folder).to_path_buf();
    std::fs::create_dir_all(&dir)
        .map_err(|e| ScaffoldError::Io(format!("无法创建目录 {}：{e}", dir.display())))?;
    // create_new: never overwrite, even if the file appeared meanwhile.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| ScaffoldError::Io(format!("无法新建 {}：{e}", rel.display())))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| ScaffoldError::Io(format!("无法写入 {}：{e}", rel.display())))?;
    Ok(NewReport {
        path: rel,
        index_no,
    })
}

/// Where `new` writes a record, relative to the root: `content/<folder>/NAME.md`, or for a
/// service guide the folder form `content/permits/NAME/index.md`, as its 示范文本 and 材料
/// files are attachments that live beside it.
pub fn record_path(kind: Kind, name: &str) -> PathBuf {
    let folder = PathBuf::from("content").join(kind.folder());
    if kind == Kind::Permit {
        folder.join(name).join("index.md")
    } else {
        folder.join(format!("{name}.md"))
    }
}

/// A record named `name` anywhere in the kind's folder: `name.md|yaml|yml` or a `name/` folder.
pub(super) fn existing_record(folder: &Path, name: &str) -> Option<PathBuf> {
    if !folder.is_dir() {
        return None;
    }
    walkdir::WalkDir::new(folder)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            let p = e.path();
            if e.file_type().is_dir() {
                p.file_name().and_then(|n| n.to_str()) == Some(name)
            } else {
                p.file_stem().and_then(|n| n.to_str()) == Some(name)
                    && matches!(
                        p.extension().and_then(|x| x.to_str()),
                        Some("md" | "yaml" | "yml")
                    )
            }
        })
        .map(|e| e.path().to_path_buf())
}

/// The highest sequence number of `CODE/YEAR-NNNNN` used by any record under `content`.
/// Read as text, so a record with other mistakes still counts.
pub fn max_index_no(content: &Path, code: &str, year: i16) -> u32 {
    let prefix = format!("{code}/{year}-");
    walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && matches!(
                    e.path().extension().and_then(|x| x.to_str()),
                    Some("md" | "yaml" | "yml")
                )
        })
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .flat_map(|text| {
            text.lines()
                .filter_map(|line| {
                    let v = line.trim_start().strip_prefix("index_no:")?;
                    let v = v.split(" #").next().unwrap_or(v).trim();
                    let v = v.trim_matches(|c| c == '"' || c == '\'');
                    v.strip_prefix(&prefix)?.parse::<u32>().ok()
                })
                .collect::<Vec<_>>()
        })
        .max()
        .unwrap_or(0)
}

/// Placeholders of the generic skeleton that would be wrong as they stand.
fn better_default(line: &str) -> Option<&'static str> {
    Some(match line {
        "form: false" => "form: true",
        _ => return None,
    })
}

/// The fields of `fields` (nested ones too) whose skeleton value would pass validation
/// unchanged — an enum's first word, `0`, `false`, a date — with the words to choose from:
/// a new record carries the placeholder there instead, so nothing is published that nobody
/// chose. (`published` is today, `form` defaults to true: both documented.)
fn must_choose(fields: &[Field], out: &mut Vec<(&'static str, Option<String>)>) {
    use crate::schema::Ty;
    for f in fields {
        match &f.ty {
            Ty::Enum(words) => out.push((f.name, Some(words.join("、")))),
            Ty::Int | Ty::IntOr(_) | Ty::Number | Ty::Date | Ty::DateTime | Ty::Deadline
                if f.name != "published" =>
            {
                out.push((f.name, None))
            }
            Ty::Bool if f.name != "form" && f.name != "draft" => {
                out.push((f.name, Some("true、false".into())))
            }
            Ty::Obj(inner) | Ty::List(Ty::Obj(inner)) | Ty::TextOr(Ty::List(Ty::Obj(inner))) => {
                must_choose(inner, out)
            }
            _ => {}
        }
    }
}

/// `line` with its value replaced by the placeholder when its key is one of `choose`, with
/// the words to choose from in a comment line above.
fn placeholder_for_choice(line: &str, choose: &[(&'static str, Option<String>)]) -> Option<String> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let (dash, rest) = match rest.strip_prefix("- ") {
        Some(r) => ("- ", r),
        None => ("", rest),
    };
    let (key, value) = rest.split_once(": ")?;
    if value.trim() == PLACEHOLDER {
        return None;
    }
    let (_, words) = choose.iter().find(|(name, _)| *name == key)?;
    let pad = &line[..indent];
    let comment = match words {
        Some(w) => {
            let comment_pad = " ".repeat(indent + dash.len());
            format!("{comment_pad}# 请从以下写法中选一个：{w}\n")
        }
        None => String::new(),
    };
    Some(format!("{comment}{pad}{dash}{key}: {PLACEHOLDER}"))
}

/// The text of a new record.
pub fn skeleton(
    kind: Kind,
    config: &Config,
    today: jiff::civil::Date,
    index_no: Option<&str>,
    name: &str,
) -> String {
    let own: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
    let common: Vec<&Field> = kind
        .common_fields()
        .iter()
        .filter(|f| !own.contains(&f.name))
        .filter(|f| f.required || COMMON_OPTIONAL.contains(&f.name))
        .collect();
    let required: Vec<&Field> = kind
        .fields()
        .iter()
        .filter(|f| f.required || kind.skeleton_fields().contains(&f.name))
        .collect();
    let mut fields = String::new();
    schema::skeleton_refs(&common, 0, &mut fields, false);
    schema::skeleton_refs(&required, 0, &mut fields, false);

    let date = today.to_string();
    let mut choose = Vec::new();
    must_choose(kind.fields(), &mut choose);
    must_choose(kind.common_fields(), &mut choose);
    let mut out = String::new();
    out.push_str("---\n");
    out.push_str(&format!(
        "# 本文件由 `gongshi new {} {name}` 生成（{}）。\n",
        kind.name(),
        kind.label()
    ));
    out.push_str(&format!(
        "# 请把每个“{PLACEHOLDER}”换成实际内容：还有“{PLACEHOLDER}”时，网站不会发布这条记录。\n"
    ));
    out.push_str("# 以“#”开头的是说明，可以保留也可以删除。列出的都是必填项和常用项，\n");
    out.push_str("# 其他选填项见《内容编写指南》；写好后运行 `gongshi check` 检查。\n");
    if kind == Kind::Permit {
        out.push_str(&format!(
            "# 附件：示范文本（sample_forms）、申请表和材料样表等文件放在本文件所在的文件夹\n\
             # content/permits/{name}/ 中（与 index.md 放在一起），file 只写文件名，如 file: shenqingbiao.docx。\n"
        ));
    }
    for line in fields.lines() {
        let trimmed = line.trim_start();
        let line = if trimmed.starts_with('#') {
            line.to_string()
        } else if let (Some(no), true) = (index_no, line.starts_with("index_no:")) {
            format!("index_no: {no}")
        } else if kind == Kind::Consultation && line.starts_with("decision_type:") {
            let types: Vec<&str> = config
                .consultation
                .types
                .keys()
                .map(String::as_str)
                .collect();
            format!(
                "# 本站可用的决策类型：{}\ndecision_type: {PLACEHOLDER}",
                types.join("、")
            )
        } else if let Some(better) = better_default(trimmed) {
            line.replace(trimmed, better)
        } else if let Some(choice) = placeholder_for_choice(line, &choose) {
            choice
        } else {
            // Dates default to today (the skeleton writes 2026-01-01).
            line.replace(": 2026-01-01", &format!(": {date}"))
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("---\n\n");
    out.push_str(&format!(
        "{PLACEHOLDER}：这里写正文，可以使用 Markdown（“## ”开头为小标题，“- ”开头为列表）。没有正文时删去这一行。\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_index_number_is_max_plus_one_for_the_year() {
        let dir = std::env::temp_dir().join(format!("gongshi-new-{}", std::process::id()));
        let docs = dir.join("content/documents");
        let _ = std::fs::create_dir_all(&docs);
        let _ = std::fs::write(docs.join("a.md"), "---\nindex_no: AB/2026-00007\n---\n");
        let _ = std::fs::write(docs.join("b.yaml"), "index_no: \"AB/2026-00012\" # 说明\n");
        let _ = std::fs::write(docs.join("c.md"), "---\nindex_no: AB/2025-00099\n---\n");
        assert_eq!(max_index_no(&dir.join("content"), "AB", 2026), 12);
        assert_eq!(max_index_no(&dir.join("content"), "AB", 2027), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn kinds_are_found_by_singular_or_folder() {
        assert!(matches!(parse_kind("permit"), Ok(Kind::Permit)));
        assert!(matches!(parse_kind("permits"), Ok(Kind::Permit)));
        match parse_kind("permt") {
            Err(ScaffoldError::Usage(m)) => assert!(m.contains("permit"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
