//! `gongshi import KIND FILE` for every kind but fees (which has its own table of standards):
//! one row, one record. The columns come from the kind's field table (`Kind::fields()` and
//! the common fields), so a new field is importable without code here:
//!
//! - a field whose value is one line (text, a date, a number, a choice) is a column named by
//!   the field (`title`) or by its Chinese label (`标题`);
//! - a list of text (`tags`) is one column, its items separated by `；` or line breaks (a
//!   list of fixed words, `penalties`, also by `、`);
//! - an object of such fields (`party`) gives one column per sub-field, `party.name` or
//!   `当事人.名称`;
//! - the one list of objects a kind names in `IMPORT_ROWS` (a catalogue's `items`, a
//!   decision's `feedback`) is one item per row: its sub-fields are columns (`items.title`;
//!   a required list's by the item's own labels, `决策事项`), and rows with the same 文件名
//!   are one record, whose own fields are in its first row;
//! - other lists of objects (attachments, materials, steps…) are not columns: they are
//!   written into the record file afterwards;
//! - `文件名` (`id`) names the record file (required), `正文` (`body`) is its Markdown body;
//! - `索引号` in the site's own series (`CODE/YYYY-NNNNN`) is the record's `index_no`; any
//!   other number is kept as `legacy_index_no` (published instead) and `index_no` allocated.
//!
//! Every row is validated with the same schema as a record file before anything is written.

use super::table::Table;
use crate::content::Kind;
use crate::diag::{Code, Diagnostic};
use crate::schema::{Field, Ty};
use std::collections::{BTreeMap, BTreeSet};

/// The file-name column.
pub const ID: (&str, &str) = ("id", "文件名");
/// The Markdown body column.
pub const BODY: (&str, &str) = ("body", "正文");

/// One importable column: the YAML path and the two header spellings.
#[derive(Debug, Clone)]
pub struct Column {
    /// `title`, or `party.name` for a sub-field.
    pub path: String,
    /// `标题`, or `当事人.名称`.
    pub zh: String,
    pub required: bool,
    pub help: &'static str,
    ty: &'static Ty,
    /// A column of the kind's row list ([`Kind::import_rows`]): one item per row.
    pub item: bool,
}

/// A value that fits in one cell.
fn scalar(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Text
            | Ty::Markdown
            | Ty::Date
            | Ty::DateTime
            | Ty::Deadline
            | Ty::Int
            | Ty::IntOr(_)
            | Ty::Number
            | Ty::Bool
            | Ty::Enum(_)
            | Ty::TextOr(_)
    )
}

/// The kind's own field table as the importer sees it. A consultation's table is that of a
/// historical record (`historical: true`, whose notice items may be absent): the columns of
/// the notice items are then optional, and a row that is not historical is still checked
/// against the full table ([`row_fields`]), which names any missing item.
fn own_fields(kind: Kind) -> &'static [Field] {
    if kind == Kind::Consultation {
        crate::content::kinds::consultation::HISTORICAL_FIELDS
    } else {
        kind.fields()
    }
}

/// The field table one row is validated against, as the loader chooses it for a file.
fn row_fields(kind: Kind, node: &crate::yaml::Node) -> &'static [Field] {
    kind.fields_for(node)
}

/// The kind's fields in table order: its own first, then the common ones it does not define.
fn fields(kind: Kind) -> Vec<&'static Field> {
    let own = own_fields(kind);
    own.iter()
        .chain(
            kind.common_fields()
                .iter()
                .filter(|c| !own.iter().any(|f| f.name == c.name)),
        )
        .collect()
}

/// The columns a table for `kind` may have, derived from its field table.
pub fn columns(kind: Kind) -> Vec<Column> {
    let mut out = Vec::new();
    for f in fields(kind) {
        match &f.ty {
            t if scalar(t) => out.push(Column {
                path: f.name.to_string(),
                zh: f.zh.to_string(),
                required: f.required,
                help: f.help,
                ty: &f.ty,
                item: false,
            }),
            Ty::List(inner) if scalar(inner) => out.push(Column {
                path: f.name.to_string(),
                zh: f.zh.to_string(),
                required: f.required,
                help: f.help,
                ty: &f.ty,
                item: false,
            }),
            Ty::Obj(subs) => object_columns(f.name, f.zh, f.required, subs, &mut out),
            Ty::List(Ty::Obj(subs)) if kind.import_rows() == Some(f.name) => {
                let from = out.len();
                object_columns(f.name, f.zh, f.required, subs, &mut out);
                for c in &mut out[from..] {
                    c.item = true;
                }
            }
            _ => {}
        }
    }
    // A required row list is what the table's rows are (a catalogue's items): its columns go
    // by the item's own labels (`序号`, `承办单位`) where no other column has that label. An
    // optional one keeps the list's (`跟踪反馈.日期`), so a row's own fields stay apart.
    let required = fields(kind)
        .iter()
        .any(|f| Some(f.name) == kind.import_rows() && f.required);
    let labels: Vec<(usize, String)> = out
        .iter()
        .enumerate()
        .filter(|(_, c)| c.item && required)
        .filter_map(|(i, c)| c.zh.split_once('.').map(|(_, s)| (i, s.to_string())))
        .collect();
    for (i, short) in labels {
        if !out.iter().any(|c| c.zh == short) {
            out[i].zh = short;
        }
    }
    out
}

/// The columns of an object's one-line sub-fields, and of the objects nested in it
/// (`outcome.opinions.total`, `征集结果.意见数.意见总数`).
fn object_columns(
    path: &str,
    zh: &str,
    required: bool,
    subs: &'static [Field],
    out: &mut Vec<Column>,
) {
    for s in subs {
        let (p, z) = (format!("{path}.{}", s.name), format!("{zh}.{}", s.zh));
        match &s.ty {
            t if scalar(t) => out.push(Column {
                path: p,
                zh: z,
                required: required && s.required,
                help: s.help,
                ty: &s.ty,
                item: false,
            }),
            Ty::List(inner) if scalar(inner) => out.push(Column {
                path: p,
                zh: z,
                required: required && s.required,
                help: s.help,
                ty: &s.ty,
                item: false,
            }),
            Ty::Obj(inner) => object_columns(&p, &z, required && s.required, inner, out),
            _ => {}
        }
    }
}

/// A record's YAML fields as a tree: top-level fields and objects in column order.
#[derive(Default)]
struct Tree(Vec<(String, Node)>);

enum Node {
    /// `key: value`, or `key:` followed by a list's lines when the value starts a new line.
    Value(String),
    Obj(Tree),
}

impl Tree {
    fn insert(&mut self, path: &str, value: String) {
        match path.split_once('.') {
            None => self.0.push((path.to_string(), Node::Value(value))),
            Some((head, rest)) => {
                let at = match self.0.iter().position(|(k, _)| k == head) {
                    Some(i) => i,
                    None => {
                        self.0.push((head.to_string(), Node::Obj(Tree::default())));
                        self.0.len() - 1
                    }
                };
                if let Node::Obj(t) = &mut self.0[at].1 {
                    t.insert(rest, value);
                }
            }
        }
    }

    fn write(&self, indent: usize, out: &mut Vec<String>) {
        let pad = " ".repeat(indent);
        for (k, n) in &self.0 {
            match n {
                // A list's items start on the next line.
                Node::Value(v) if v.starts_with('\n') => {
                    let v = v.replace('\n', &format!("\n{pad}"));
                    out.push(format!("{pad}{k}:{v}"));
                }
                Node::Value(v) => out.push(format!("{pad}{k}: {v}")),
                Node::Obj(t) => {
                    out.push(format!("{pad}{k}:"));
                    t.write(indent + 2, out);
                }
            }
        }
    }
}

/// A parsed row: the record's file name, its YAML front matter and body.
pub(crate) struct Parsed {
    pub name: String,
    pub row: usize,
    pub line: usize,
    pub yaml: String,
    pub body: Option<String>,
    /// Whether the row gave an `index_no`.
    pub has_index_no: bool,
}

/// A YAML double-quoted scalar (a JSON string is one): the text exactly as typed.
fn q(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// A number cell is written plain (the schema wants a plain scalar) only when it is made of
/// number characters; anything else is quoted, and the schema reports it as not a number.
fn plain_or_quoted(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        s.to_string()
    } else {
        q(s)
    }
}

/// Several entries in one cell: split on `；` `;` and line breaks, trimmed.
fn items(cell: &str) -> Vec<&str> {
    cell.split(['；', ';', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Map the header to columns, reporting unknown, doubled and missing ones.
fn header_map(
    kind: Kind,
    table: &Table,
    shown: &str,
    cols: &[Column],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<usize>> {
    // Index into cols; cols.len() = id, cols.len() + 1 = body.
    let (id_at, body_at) = (cols.len(), cols.len() + 1);
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let mut map = Vec::new();
    let mut names: Vec<String> = vec![ID.1.to_string(), BODY.1.to_string()];
    names.extend(cols.iter().map(|c| c.zh.clone()));
    for (i, h) in table.headers.iter().enumerate() {
        let found = if h == ID.0 || h == ID.1 {
            Some(id_at)
        } else if h == BODY.0 || h == BODY.1 {
            Some(body_at)
        } else {
            cols.iter().position(|c| c.path == *h || c.zh == *h)
        };
        match found {
            Some(k) => {
                if let Some(first) = seen.insert(k, i) {
                    diags.push(
                        Diagnostic::error(
                            Code::ImportUnknownColumn,
                            shown,
                            format!(
                                "{}第{}列“{h}”与第{}列“{}”是同一字段",
                                table.place(1),
                                i + 1,
                                first + 1,
                                table.headers[first]
                            ),
                        )
                        .span(1, i + 1, 1)
                        .field(h.clone())
                        .hint(
                            "一个字段只能有一列（英文字段名和中文名称任选一种）；请删除其中一列。",
                        ),
                    );
                }
                map.push(Some(k));
            }
            None if h.is_empty() => map.push(None),
            None => {
                let hint = crate::diag::did_you_mean(h, names.iter().map(String::as_str))
                    .map(|m| format!("是否想写“{m}”？"))
                    .unwrap_or_else(|| {
                        format!(
                            "请把表头改成上面的列名（列的顺序不限）；{}的其他内容（如附件、材料清单）导入后在记录文件中填写。",
                            kind.label()
                        )
                    });
                diags.push(
                    Diagnostic::error(
                        Code::ImportUnknownColumn,
                        shown,
                        format!("{}第{}列：不认识的列名“{h}”", table.place(1), i + 1),
                    )
                    .span(1, i + 1, 1)
                    .field(h.clone())
                    .expected(format!(
                        "以下列名之一（或对应的英文字段名）：{}",
                        names.join("、")
                    ))
                    .found(h.clone())
                    .hint(hint),
                );
                map.push(None);
            }
        }
    }
    let mut missing: Vec<(String, String)> = Vec::new();
    if !seen.contains_key(&id_at) {
        missing.push((ID.1.to_string(), ID.0.to_string()));
    }
    for (k, c) in cols.iter().enumerate() {
        // index_no is allocated when absent; published defaults to today.
        if c.required && !seen.contains_key(&k) && c.path != "published" {
            missing.push((c.zh.clone(), c.path.clone()));
        }
    }
    for (zh, name) in missing {
        diags.push(
            Diagnostic::error(
                Code::ImportMissingColumn,
                shown,
                format!("{}：缺少“{zh}”列", table.place(1)),
            )
            .span(1, 1, 1)
            .field(zh.clone())
            .hint(format!("请在表头加上“{zh}”（或“{name}”）列。")),
        );
    }
    map
}

/// Where a problem is: the row, the column index in the file, its header and the cell.
struct Loc {
    row: usize,
    line: usize,
    col: usize,
    name: String,
    cell: String,
}

/// The rows of one record: the first gives the record's fields, every row may give one item
/// of the kind's row list ([`Kind::import_rows`]).
struct Group<'t> {
    name: String,
    rows: Vec<&'t super::table::Row>,
}

/// Turn every row into a record's YAML, validated with the kind's schema; every problem is
/// reported with its sheet, row and column. For a kind with a row list, rows with the same
/// 文件名 are one record: the first row gives its fields, the later ones leave them empty (or
/// repeat them) and each row with cells of the list gives one item.
pub(crate) fn read(
    kind: Kind,
    table: &Table,
    shown: &str,
    today: &str,
    tz: &jiff::tz::TimeZone,
    code: &str,
) -> (Vec<Parsed>, Vec<Diagnostic>) {
    let cols = columns(kind);
    let mut diags = Vec::new();
    let map = header_map(kind, table, shown, &cols, &mut diags);
    if !diags.is_empty() {
        return (Vec::new(), diags);
    }
    let (id_at, body_at) = (cols.len(), cols.len() + 1);
    let col_of = |k: usize| map.iter().position(|m| *m == Some(k));
    let cell = |rec: &super::table::Row, k: usize| {
        col_of(k)
            .and_then(|i| rec.cells.get(i))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let locate = |rec: &super::table::Row, k: Option<usize>| {
        let i = k.and_then(col_of).unwrap_or(0);
        let cell = table
            .cell_ref(rec.row, i)
            .map(|r| format!("（{r}单元格）"))
            .unwrap_or_default();
        let name = table.headers.get(i).cloned().unwrap_or_default();
        Loc {
            row: rec.row,
            line: rec.line,
            col: i,
            name,
            cell,
        }
    };
    let row_list = kind.import_rows();

    // The records: rows grouped by file name, in the order they first appear.
    let mut groups: Vec<Group> = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for rec in &table.rows {
        let name = cell(rec, id_at).unwrap_or_default();
        if !crate::content::load::valid_id(&name) {
            let l = locate(rec, Some(id_at));
            let mut d = Diagnostic::error(
                Code::ImportRow,
                shown,
                format!(
                    "{}“{}”列{}：{}",
                    table.place(rec.row),
                    l.name,
                    l.cell,
                    if name.is_empty() {
                        "没有填写".to_string()
                    } else {
                        format!("“{name}”不能用作文件名")
                    }
                ),
            )
            .span(rec.line, l.col + 1, 1)
            .field(l.name)
            .expected("小写英文字母、数字、“-”“_”，以字母或数字开头，如 2026-017")
            .hint(if row_list.is_some() {
                "文件名就是记录的网址；同一记录的各行（每行一个事项）写相同的文件名，不同记录不能重复。"
            } else {
                "每行一条记录，文件名就是记录的网址，不能重复；可以用拼音或编号。"
            });
            if !name.is_empty() {
                d = d.found(name.clone());
            }
            diags.push(d);
            continue;
        }
        match names.get(&name) {
            None => {
                names.insert(name.clone(), groups.len());
                groups.push(Group {
                    name,
                    rows: vec![rec],
                });
            }
            Some(&g) if row_list.is_some() => {
                // A later row of the same record: its record fields empty or as the first
                // row has them.
                let first = groups[g].rows[0];
                for (k, c) in cols.iter().enumerate() {
                    if c.item {
                        continue;
                    }
                    let (Some(v), w) = (cell(rec, k), cell(first, k)) else {
                        continue;
                    };
                    if w.as_deref() != Some(v.as_str()) {
                        let l = locate(rec, Some(k));
                        diags.push(
                            Diagnostic::error(
                                Code::ImportRow,
                                shown,
                                format!(
                                    "{}“{}”列{}：与第{}行（同一文件名“{name}”）的不同",
                                    table.place(rec.row),
                                    l.name,
                                    l.cell,
                                    first.row
                                ),
                            )
                            .span(rec.line, l.col + 1, 1)
                            .field(l.name)
                            .expected(match &w {
                                Some(w) => format!("留空，或与第{}行相同：{w}", first.row),
                                None => format!("留空（第{}行没有填写）", first.row),
                            })
                            .found(v)
                            .hint("文件名相同的各行是同一条记录：记录的内容写在第一行，其余各行只填写每个事项的列。是另一条记录的，请换一个文件名。"),
                        );
                    }
                }
                groups[g].rows.push(rec);
            }
            Some(&g) => {
                let l = locate(rec, Some(id_at));
                diags.push(
                    Diagnostic::error(
                        Code::ImportRow,
                        shown,
                        format!(
                            "{}“{}”列{}：文件名“{name}”与第{}行重复",
                            table.place(rec.row),
                            l.name,
                            l.cell,
                            groups[g].rows[0].row
                        ),
                    )
                    .span(rec.line, l.col + 1, 1)
                    .field(l.name)
                    .hint("每行一条记录，文件名不能重复。"),
                );
            }
        }
    }

    let mut out = Vec::new();
    for group in &groups {
        let rec = group.rows[0];
        let (row, line) = (rec.row, rec.line);
        let at = |k: usize| cell(rec, k);
        // The YAML, top-level fields in column order, then the objects (nested ones within).
        let mut top: Vec<String> = Vec::new();
        let mut objs = Tree::default();
        let mut has_index_no = false;
        for (k, c) in cols.iter().enumerate() {
            if c.item {
                continue;
            }
            let Some(v) = at(k) else { continue };
            if c.path == "legacy_index_no" && crate::content::validate::index_no_ok(&v, code) {
                let l = locate(rec, Some(k));
                diags.push(
                    Diagnostic::error(
                        Code::ImportRow,
                        shown,
                        format!(
                            "{}“{}”列{}：原索引号“{v}”是本站索引号的格式",
                            table.place(row),
                            l.name,
                            l.cell
                        ),
                    )
                    .span(line, l.col + 1, 1)
                    .field(l.name)
                    .found(v.clone())
                    .hint("本站格式的索引号请写在“索引号”列；“原索引号”只写本站启用前其他格式的索引号。"),
                );
                continue;
            }
            if c.path == "index_no" {
                // A number in the site's own series is kept as index_no; any other is the
                // number the record had before the site (published instead), and the
                // site's own is allocated.
                if crate::content::validate::index_no_ok(&v, code) {
                    has_index_no = true;
                } else {
                    top.push(format!("legacy_index_no: {}", q(&v)));
                    continue;
                }
            }
            let value = cell_value(c.ty, &v);
            if c.path.contains('.') {
                objs.insert(&c.path, value);
            } else {
                Tree(vec![(c.path.clone(), Node::Value(value))]).write(0, &mut top);
            }
        }
        let has = |p: &str| cols.iter().position(|c| c.path == p).and_then(at).is_some();
        if !has("published") && cols.iter().any(|c| c.path == "published") {
            top.push(format!("published: {today}"));
        }
        objs.write(0, &mut top);
        // The row list: one item per row that fills any of its columns.
        let mut item_rows: Vec<&super::table::Row> = Vec::new();
        if let Some(list) = row_list {
            let mut lines = Vec::new();
            for (n, r) in group.rows.iter().enumerate() {
                let mut item = Tree::default();
                for (k, c) in cols.iter().enumerate() {
                    if !c.item {
                        continue;
                    }
                    if let Some(v) = cell(r, k) {
                        let sub = c.path.strip_prefix(list).unwrap_or(&c.path);
                        item.insert(sub.trim_start_matches('.'), cell_value(c.ty, &v));
                    }
                }
                if item.0.is_empty() {
                    if n > 0 {
                        let l = locate(r, cols.iter().position(|c| c.item));
                        diags.push(
                            Diagnostic::error(
                                Code::ImportRow,
                                shown,
                                format!(
                                    "{}：文件名与第{}行相同，但没有填写任何{}的列",
                                    table.place(r.row),
                                    row,
                                    cols.iter().find(|c| c.item).map_or(list, |c| c
                                        .zh
                                        .split('.')
                                        .next()
                                        .unwrap_or(list))
                                ),
                            )
                            .span(r.line, l.col + 1, 1)
                            .hint("文件名相同的后续各行每行写一个事项；多余的行请删除。"),
                        );
                    }
                    continue;
                }
                let mut item_lines = Vec::new();
                item.write(4, &mut item_lines);
                if let Some(first) = item_lines.first_mut() {
                    *first = format!("  - {}", &first[4..]);
                }
                lines.extend(item_lines);
                item_rows.push(r);
            }
            if !lines.is_empty() {
                top.push(format!("{list}:"));
                top.extend(lines);
            }
        }
        // A required list of objects (a procedure's steps) has no column: the record gets the
        // skeleton `gongshi new` writes, whose 待填写 placeholders `check` and `build` refuse
        // until the clerk fills them in; never a silently valid record.
        let mut yaml = top.join("\n") + "\n";
        if let Ok(Some(node)) = crate::yaml::parse(&yaml, 0) {
            for f in row_fields(kind, &node) {
                if f.required && matches!(f.ty, Ty::List(Ty::Obj(_))) && node.get(f.name).is_none()
                {
                    crate::schema::skeleton_refs(&[f], 0, &mut yaml, true);
                }
            }
        }
        let yaml = yaml;
        // Validate as the loader will, and say where in the table each problem is.
        let file = std::path::Path::new(shown);
        let mut ctx = crate::schema::Ctx::new(file, tz);
        match crate::yaml::parse(&yaml, 0) {
            Ok(Some(node)) => {
                let own_table = row_fields(kind, &node);
                let json = crate::schema::check_fields(
                    &node,
                    &[own_table, kind.common_fields()],
                    "",
                    &mut ctx,
                );
                if let Some(serde_json::Value::Object(mut obj)) = json {
                    let own: BTreeSet<&str> = own_table.iter().map(|f| f.name).collect();
                    obj.retain(|k, _| own.contains(k.as_str()));
                    if let Err(e) =
                        crate::content::Data::from_json(kind, serde_json::Value::Object(obj))
                    {
                        let l = locate(rec, None);
                        diags.push(
                            Diagnostic::error(
                                Code::ImportRow,
                                shown,
                                format!(
                                    "{}：这一行不能成为{}：{e}",
                                    table.place(row),
                                    kind.label()
                                ),
                            )
                            .span(line, l.col + 1, 1),
                        );
                    }
                }
            }
            Ok(None) => {}
            Err(errs) => {
                for e in errs {
                    diags.push(
                        Diagnostic::error(
                            Code::ImportRow,
                            shown,
                            format!("{}：无法写成记录：{}", table.place(row), e.message),
                        )
                        .span(line, 1, 1),
                    );
                }
            }
        }
        for d in ctx.diags {
            let field = d.field.clone().unwrap_or_default();
            // `items[2].title`: the column `items.title` of the row that gave item 2.
            let (path, at_row) = match row_list.and_then(|list| item_path(&field, list)) {
                Some((path, n)) => (path, item_rows.get(n).copied().unwrap_or(rec)),
                None => (field.split('[').next().unwrap_or_default().to_string(), rec),
            };
            let k = cols.iter().position(|c| c.path == path);
            let l = locate(at_row, k);
            let col = if k.and_then(col_of).is_some() {
                l.name
            } else {
                // A required field with no column: name the field as the header would.
                k.map_or(path.clone(), |k| cols[k].zh.clone())
            };
            let mut n = Diagnostic::error(
                Code::ImportRow,
                shown,
                format!("{}“{col}”列{}：{}", table.place(l.row), l.cell, d.message),
            )
            .span(l.line, l.col + 1, 1)
            .field(col);
            if let Some(x) = d.expected {
                n = n.expected(x);
            }
            if let Some(x) = d.found {
                n = n.found(x);
            }
            if let Some(x) = d.hint {
                n = n.hint(x);
            }
            diags.push(n);
        }
        out.push(Parsed {
            name: group.name.clone(),
            row,
            line,
            yaml,
            body: cell(rec, body_at),
            has_index_no,
        });
    }
    (out, diags)
}

/// A cell's value as YAML for a field of type `ty`.
fn cell_value(ty: &Ty, v: &str) -> String {
    match ty {
        Ty::Int | Ty::IntOr(_) | Ty::Number => plain_or_quoted(v),
        Ty::List(inner) => {
            // A list of fixed words (处罚种类) may also be written as a sentence lists them,
            // 警告、罚款: none of the words holds a 、.
            let list: Vec<&str> = if matches!(inner, Ty::Enum(_)) {
                items(v)
                    .into_iter()
                    .flat_map(|s| s.split('、'))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            } else {
                items(v)
            };
            let list: Vec<String> = list.into_iter().map(|s| format!("  - {}", q(s))).collect();
            format!("\n{}", list.join("\n"))
        }
        _ => q(v),
    }
}

/// `items[2].report.file` → (`items.report.file`, 1): the row-list column a schema problem
/// is in, and the item's index from 0.
fn item_path(field: &str, list: &str) -> Option<(String, usize)> {
    let rest = field.strip_prefix(list)?.strip_prefix('[')?;
    let (n, rest) = rest.split_once(']')?;
    let n: usize = n.parse().ok()?;
    let sub: String = rest
        .trim_start_matches('.')
        .split('[')
        .next()
        .unwrap_or_default()
        .to_string();
    let path = if sub.is_empty() {
        list.to_string()
    } else {
        format!("{list}.{sub}")
    };
    Some((path, n.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_from_the_field_table() {
        let cols = columns(Kind::Enforcement);
        let has = |p: &str, zh: &str| cols.iter().any(|c| c.path == p && c.zh == zh);
        assert!(has("title", "标题"), "{cols:?}");
        assert!(has("index_no", "索引号"), "{cols:?}");
        assert!(cols.iter().any(|c| c.path == "party.name"), "{cols:?}");
        assert!(!cols.iter().any(|c| c.path == "attachments"), "{cols:?}");
        if std::env::var("GONGSHI_PRINT_COLUMNS").is_ok() {
            for k in Kind::ALL {
                let list: Vec<String> = columns(k)
                    .iter()
                    .map(|c| format!("{}{}", c.zh, if c.required { "*" } else { "" }))
                    .collect();
                eprintln!("{}: {}", k.folder(), list.join("、"));
            }
        }
    }
}
