//! The generated parts of the content guide (`docs/内容编写指南.md`): each kind's field table
//! rendered from the same [`Field`] tables the validator uses, and each kind's example taken
//! from the sample site `gongshi init` writes, so the guide cannot drift from the code.
//! Generated blocks sit between `<!-- 生成开始：ID -->` and `<!-- 生成结束：ID -->` lines.

use crate::content::Kind;
use crate::schema::{Field, Ty};

/// The guide's path in the repository.
pub const GUIDE: &str = "docs/内容编写指南.md";

fn type_text(ty: &Ty) -> String {
    match ty {
        Ty::List(inner) => match inner {
            Ty::Obj(_) => "列表，每项为键值对象（见下方各项）".into(),
            other => format!("列表，每项为{}", other.describe()),
        },
        Ty::Obj(_) => "键值对象（见下方各项）".into(),
        Ty::TextOr(inner) => match inner {
            Ty::List(Ty::Obj(_)) => "文字，或列表（每项为键值对象，见下方各项）".into(),
            _ => ty.describe(),
        },
        other => other.describe(),
    }
}

fn rows(fields: &[Field], prefix: &str, parent_required: bool, out: &mut String) {
    for f in fields {
        let name = format!("{prefix}{}", f.name);
        let req = match (f.required, prefix.is_empty(), parent_required) {
            (false, _, _) => "选填",
            (true, true, _) | (true, false, true) => "必填",
            (true, false, false) => "填写上一级时必填",
        };
        let help = f.help.replace('|', "\\|");
        out.push_str(&format!(
            "| `{name}` | {} | {} | {req} | {help} |\n",
            f.zh,
            type_text(&f.ty).replace('|', "\\|")
        ));
        let inner = match &f.ty {
            Ty::Obj(inner) => Some((inner, ".")),
            Ty::List(Ty::Obj(inner)) => Some((inner, "[].")),
            Ty::TextOr(Ty::List(Ty::Obj(inner))) => Some((inner, "[].")),
            _ => None,
        };
        if let Some((inner, sep)) = inner {
            rows(inner, &format!("{name}{sep}"), f.required, out);
        }
    }
}

/// A Markdown table of `fields` (nested fields written as `a.b` and `list[].b`).
pub fn field_table(fields: &[Field]) -> String {
    let mut out =
        String::from("| 字段 | 中文名 | 类型 | 是否必填 | 说明 |\n|---|---|---|---|---|\n");
    rows(fields, "", true, &mut out);
    out
}

/// The example record of `kind` from the sample site, as a fenced block.
fn example(kind: Kind) -> Option<String> {
    let today = jiff::civil::date(2026, 11, 25);
    let prefix = format!("content/{}/", kind.folder());
    super::init::sample_files(today)
        .into_iter()
        .find(|(p, _)| p.starts_with(&prefix) && (p.ends_with(".md") || p.ends_with(".yaml")))
        .map(|(path, bytes)| {
            let text = String::from_utf8_lossy(&bytes);
            let lang = if path.ends_with(".yaml") {
                "yaml"
            } else {
                "markdown"
            };
            format!("文件 `{path}`：\n\n```{lang}\n{}```\n", text)
        })
}

/// Every generated block: (id, content).
pub fn blocks() -> Vec<(String, String)> {
    let mut out = vec![
        (
            "字段-公共".to_string(),
            field_table(crate::content::kinds::COMMON),
        ),
        (
            "字段-页面公共".to_string(),
            field_table(Kind::Page.common_fields()),
        ),
    ];
    for kind in Kind::ALL {
        out.push((format!("字段-{}", kind.name()), field_table(kind.fields())));
        if let Some(ex) = example(kind) {
            out.push((format!("示例-{}", kind.name()), ex));
        }
    }
    out
}

/// `text` with every generated block replaced by its current content. Errors name a block
/// whose markers are missing.
pub fn update(text: &str) -> Result<String, String> {
    let mut text = text.to_string();
    for (id, content) in blocks() {
        let start = format!("<!-- 生成开始：{id} -->\n");
        let end = format!("<!-- 生成结束：{id} -->");
        let Some(a) = text.find(&start) else {
            return Err(format!("{GUIDE} 中缺少标记行：{}", start.trim_end()));
        };
        let from = a + start.len();
        let Some(b) = text[from..].find(&end) else {
            return Err(format!("{GUIDE} 中缺少标记行：{end}"));
        };
        text.replace_range(from..from + b, &content);
    }
    Ok(text)
}

/// The skeleton of a new guide: every marker pair, in order (to start the guide from).
pub fn markers() -> String {
    blocks()
        .into_iter()
        .map(|(id, c)| format!("<!-- 生成开始：{id} -->\n{c}<!-- 生成结束：{id} -->\n\n"))
        .collect()
}
