//! Field schemas: what each record kind may contain, in one table per kind. The same table
//! validates a YAML tree (reporting every problem with its line and column), feeds serde with
//! clean JSON, writes `gongshi new` skeletons and the content guide's field lists.

use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::yaml::{Node, Style, Value};
use serde_json::{Map, Value as Json};
use std::path::Path;

/// What `gongshi new` writes where a value is still missing.
pub const PLACEHOLDER: &str = "待填写";

/// The type of a field.
#[derive(Debug)]
pub enum Ty {
    /// A line of text. Plain scalars such as `2024` are taken as text.
    Text,
    /// Longer text in Markdown.
    Markdown,
    /// `2026-11-02`.
    Date,
    /// `2026-11-02 09:00`, `2026-11-02T09:00`, RFC 3339, or a date (00:00).
    DateTime,
    /// A deadline: a date-time as [`Ty::DateTime`], but a date alone is the end of that day
    /// (24:00, i.e. 00:00 of the next day): 「至2026年12月10日」 includes the 10th.
    Deadline,
    /// A whole number (≥ 0).
    Int,
    /// A whole number (≥ 0), or the one word given (a time limit of 无).
    IntOr(&'static str),
    /// A number (amounts).
    Number,
    /// `true` / `false`.
    Bool,
    /// One of the listed words.
    Enum(&'static [&'static str]),
    /// A list of items of one type.
    List(&'static Ty),
    /// A mapping with its own fields.
    Obj(&'static [Field]),
    /// Either a line of text (an id, or a word such as 不收费) or a list.
    TextOr(&'static Ty),
}

/// One field of a record kind.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    /// Chinese name shown to staff.
    pub zh: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// What the field means and how to fill it, in Chinese.
    pub help: &'static str,
    /// How open data exports it ([`NOT_EXPORTED`]: not at all).
    pub open: Option<OpenField>,
}

impl Ty {
    /// The type in words, for messages and the content guide.
    pub fn describe(&self) -> String {
        match self {
            Ty::Text => "文字".into(),
            Ty::Markdown => "文字（可用 Markdown）".into(),
            Ty::Date => "日期，如 2026-11-02".into(),
            Ty::DateTime => "日期时间，如 2026-11-20 09:00".into(),
            Ty::Deadline => "日期或日期时间，如 2026-12-10（当日24:00）或 2026-12-10 17:00".into(),
            Ty::Int => "整数".into(),
            Ty::IntOr(w) => format!("整数，或“{w}”"),
            Ty::Number => "数字".into(),
            Ty::Bool => "true 或 false".into(),
            Ty::Enum(words) => format!("以下之一：{}", words.join("、")),
            Ty::List(inner) => format!("列表，每项为{}", inner.describe_short()),
            Ty::Obj(_) => "键值对象".into(),
            Ty::TextOr(inner) => format!("文字，或{}", inner.describe()),
        }
    }

    fn describe_short(&self) -> String {
        match self {
            Ty::Obj(_) => "键值对象".into(),
            other => other.describe(),
        }
    }
}

/// Where validation happens: the file and the time zone for date-times.
pub(crate) struct Ctx<'a> {
    pub file: &'a Path,
    pub tz: &'a jiff::tz::TimeZone,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(file: &'a Path, tz: &'a jiff::tz::TimeZone) -> Self {
        Ctx {
            file,
            tz,
            diags: Vec::new(),
        }
    }

    /// Is `node` the placeholder `gongshi new` writes (`待填写`)? Then report it as a value
    /// still to be filled in (rather than as a wrong type) and say so.
    fn placeholder(&mut self, node: &Node, path: &str, ty: &Ty) -> bool {
        let Some(s) = node.as_str() else {
            return false;
        };
        if s.trim() != PLACEHOLDER {
            return false;
        }
        self.diags.push(
            Diagnostic::error(
                Code::ContentPlaceholder,
                self.file,
                format!("字段“{path}”还没有填写"),
            )
            .span(node.pos.line, node.pos.col, node.len)
            .field(path)
            .expected(ty.describe())
            .found(s.trim().to_string())
            .hint(format!("请按原文填写。{}", type_hint(ty))),
        );
        true
    }

    fn type_error(&mut self, node: &Node, path: &str, ty: &Ty) {
        if self.placeholder(node, path, ty) {
            return;
        }
        let found = match &node.value {
            Value::Scalar(s, _) => format!("{}“{}”", node.type_zh(), truncate(s, 30)),
            _ => node.type_zh().to_string(),
        };
        self.diags.push(
            Diagnostic::error(
                Code::SchemaWrongType,
                self.file,
                format!("字段“{path}”的类型不对"),
            )
            .span(node.pos.line, node.pos.col, node.len)
            .field(path)
            .expected(ty.describe())
            .found(found)
            .hint(type_hint(ty)),
        );
    }
}

fn type_hint(ty: &Ty) -> String {
    match ty {
        Ty::List(_) => {
            "列表的每一项另起一行，以“- ”开头，例如：\n      - 第一项\n      - 第二项".into()
        }
        Ty::Obj(fields) => format!(
            "请在下一行缩进两格后逐项填写，可用的字段：{}",
            fields.iter().map(|f| f.name).collect::<Vec<_>>().join("、")
        ),
        Ty::Date => "日期请写成 年-月-日，例如 2026-03-09（也可写成 2026-3-9）。".into(),
        Ty::DateTime => "请写成 2026-11-20 09:00 或 2026-11-20。".into(),
        Ty::Deadline => "请写成 2026-12-10（截至当日24:00）或 2026-12-10 17:00。".into(),
        Ty::Int => "请只写阿拉伯数字，不要带单位，例如 7。".into(),
        Ty::IntOr(w) => format!("请只写阿拉伯数字，不要带单位，例如 20；原文写明没有的，写“{w}”。"),
        Ty::Number => "请只写数字，不要带单位或千分位逗号，例如 20000 或 12.5。".into(),
        Ty::Bool => "请写 true（是）或 false（否）。".into(),
        Ty::Enum(words) => format!("请从以下写法中选一个，原样照抄：{}", words.join("、")),
        _ => "请检查这个字段的写法。".into(),
    }
}

fn truncate(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out.replace('\n', " ")
}

/// Validate a mapping against `fields`, reporting every problem; returns clean JSON.
pub(crate) fn check_object(
    node: &Node,
    fields: &[Field],
    prefix: &str,
    ctx: &mut Ctx,
) -> Option<Json> {
    check_fields(node, &[fields], prefix, ctx)
}

/// Validate a mapping against several groups of fields (e.g. the common fields and a kind's).
pub(crate) fn check_fields(
    node: &Node,
    groups: &[&[Field]],
    prefix: &str,
    ctx: &mut Ctx,
) -> Option<Json> {
    let fields = || groups.iter().flat_map(|g| g.iter());
    let Value::Map(entries) = &node.value else {
        ctx.diags.push(
            Diagnostic::error(
                Code::SchemaNotAMapping,
                ctx.file,
                "这里应当是“字段: 值”的键值对象",
            )
            .span(node.pos.line, node.pos.col, node.len)
            .field(if prefix.is_empty() {
                "(顶层)"
            } else {
                prefix
            })
            .found(node.type_zh()),
        );
        return None;
    };
    let mut out = Map::new();
    let mut ok = true;
    // Required fields a misspelt key most likely meant: reported once, as the misspelling.
    let mut suggested: Vec<&str> = Vec::new();
    for (key, value) in entries {
        let path = join(prefix, &key.text);
        let Some(field) = fields().find(|f| f.name == key.text) else {
            let mut d = Diagnostic::error(
                Code::SchemaUnknownField,
                ctx.file,
                format!("未知字段“{}”", key.text),
            )
            .span(key.pos.line, key.pos.col, key.text.chars().count())
            .field(&path);
            d = match did_you_mean(&key.text, fields().map(|f| f.name)) {
                Some(s) => {
                    suggested.push(s);
                    d.hint(format!("是否想写“{s}”？"))
                }
                None => d.hint(format!(
                    "这里可用的字段：{}",
                    fields().map(|f| f.name).collect::<Vec<_>>().join("、")
                )),
            };
            ctx.diags.push(d);
            ok = false;
            continue;
        };
        if matches!(value.value, Value::Null) {
            // An empty value counts as absent (required check below).
            continue;
        }
        if matches!(field.ty, Ty::Text | Ty::Markdown)
            && matches!(&value.value, Value::Scalar(s, _) if s.trim().is_empty())
        {
            // Blank text is never published: an error where the field is required (a title
            // or a link text of nothing), else the field is left out like an absent one.
            if field.required {
                ctx.diags.push(
                    Diagnostic::error(
                        Code::SchemaEmpty,
                        ctx.file,
                        format!("必填字段“{path}”（{}）是空的", field.zh),
                    )
                    .span(value.pos.line, value.pos.col, value.len.max(1))
                    .field(&path)
                    .expected(field.ty.describe())
                    .hint(format!("请填写{}：{}。", field.zh, field.help)),
                );
                ok = false;
            }
            continue;
        }
        match check_value(value, &field.ty, &path, ctx) {
            Some(v) => {
                out.insert(field.name.to_string(), v);
            }
            None => ok = false,
        }
    }
    for f in fields().filter(|f| f.required && !suggested.contains(&f.name)) {
        if !out.contains_key(f.name)
            && !entries
                .iter()
                .any(|(k, v)| k.text == f.name && !matches!(v.value, Value::Null))
        {
            let path = join(prefix, f.name);
            ctx.diags.push(
                Diagnostic::error(
                    Code::SchemaMissingField,
                    ctx.file,
                    format!("缺少必填字段“{}”（{}）", f.name, f.zh),
                )
                .span(node.pos.line, node.pos.col, 1)
                .field(&path)
                .expected(f.ty.describe())
                .hint(format!(
                    "请添加一行“{}: …”（{}：{}）。",
                    f.name, f.zh, f.help
                )),
            );
            ok = false;
        }
    }
    if ok {
        Some(Json::Object(out))
    } else {
        None
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Validate one value against its type.
pub(crate) fn check_value(node: &Node, ty: &Ty, path: &str, ctx: &mut Ctx) -> Option<Json> {
    match ty {
        Ty::Text | Ty::Markdown => match &node.value {
            Value::Scalar(s, _) => Some(Json::String(s.trim_end_matches('\n').to_string())),
            _ => {
                ctx.type_error(node, path, ty);
                None
            }
        },
        Ty::Date => match node.as_str().and_then(parse_date) {
            Some(d) => Some(Json::String(d.to_string())),
            None => {
                bad_date(node, path, ty, ctx);
                None
            }
        },
        Ty::DateTime => match node.as_str().map(|s| parse_datetime(s, ctx.tz)) {
            Some(Some(ts)) => Some(Json::String(ts.to_string())),
            _ => {
                bad_date(node, path, ty, ctx);
                None
            }
        },
        Ty::Deadline => match node.as_str().map(|s| parse_deadline(s, ctx.tz)) {
            Some(Some(ts)) => Some(Json::String(ts.to_string())),
            _ => {
                bad_date(node, path, ty, ctx);
                None
            }
        },
        Ty::Int => match &node.value {
            Value::Scalar(s, Style::Plain) => match s.trim().parse::<u32>() {
                Ok(n) => Some(Json::from(n)),
                Err(_) => {
                    ctx.type_error(node, path, ty);
                    None
                }
            },
            _ => {
                ctx.type_error(node, path, ty);
                None
            }
        },
        Ty::IntOr(word) => match &node.value {
            Value::Scalar(s, Style::Plain) if s.trim().parse::<u32>().is_ok() => {
                s.trim().parse::<u32>().ok().map(Json::from)
            }
            // 無 is 无.
            Value::Scalar(s, _) if crate::hant::fold(s.trim()) == *word => {
                Some(Json::String(word.to_string()))
            }
            _ => {
                ctx.type_error(node, path, ty);
                None
            }
        },
        Ty::Number => match &node.value {
            Value::Scalar(s, Style::Plain) => match s.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => serde_json::Number::from_f64(n).map(Json::Number),
                _ => {
                    ctx.type_error(node, path, ty);
                    None
                }
            },
            _ => {
                ctx.type_error(node, path, ty);
                None
            }
        },
        Ty::Bool => match node.as_str() {
            Some("true" | "True" | "TRUE" | "是") => Some(Json::Bool(true)),
            Some("false" | "False" | "FALSE" | "否") => Some(Json::Bool(false)),
            _ => {
                ctx.type_error(node, path, ty);
                None
            }
        },
        Ty::Enum(words) => match node.as_str() {
            Some(s) if words.contains(&s.trim()) => Some(Json::String(s.trim().to_string())),
            // A Traditional spelling (`廢止`) is stored as the Simplified word it folds to.
            Some(s)
                if crate::hant::has_traditional(s)
                    && words.contains(&&*crate::hant::fold(s.trim())) =>
            {
                Some(Json::String(crate::hant::fold(s.trim()).into_owned()))
            }
            Some(_) if ctx.placeholder(node, path, ty) => None,
            Some(s) => {
                let mut d = Diagnostic::error(
                    Code::SchemaBadValue,
                    ctx.file,
                    format!("字段“{path}”的值“{}”不在可选范围内", truncate(s, 30)),
                )
                .span(node.pos.line, node.pos.col, node.len)
                .field(path)
                .expected(ty.describe())
                .found(truncate(s, 30));
                if let Some(m) = did_you_mean(s, words.iter().copied()) {
                    d = d.hint(format!("是否想写“{m}”？"));
                } else {
                    d = d.hint(type_hint(ty));
                }
                ctx.diags.push(d);
                None
            }
            None => {
                ctx.type_error(node, path, ty);
                None
            }
        },
        Ty::List(inner) => match &node.value {
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{}]", i + 1);
                    match check_value(item, inner, &p, ctx) {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                ok.then_some(Json::Array(out))
            }
            _ => {
                ctx.type_error(node, path, ty);
                None
            }
        },
        Ty::Obj(fields) => check_object(node, fields, path, ctx),
        Ty::TextOr(inner) => match &node.value {
            Value::Scalar(s, _) => Some(Json::String(s.trim().to_string())),
            _ => check_value(node, inner, path, ctx),
        },
    }
}

/// `2026年12月10日` (as a notice writes it) → `2026-12-10`, for the hint.
fn chinese_date(s: &str) -> Option<jiff::civil::Date> {
    let (y, rest) = s.trim().split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest
        .strip_suffix('日')
        .or_else(|| rest.strip_suffix('号'))?;
    parse_date(&format!("{y}-{m}-{d}"))
}

fn bad_date(node: &Node, path: &str, ty: &Ty, ctx: &mut Ctx) {
    if ctx.placeholder(node, path, ty) {
        return;
    }
    let found = node
        .as_str()
        .map(|s| truncate(s, 30))
        .unwrap_or_else(|| node.type_zh().to_string());
    let hint = match node.as_str().and_then(chinese_date) {
        Some(d) => format!(
            "“{}”请写成 {d}（年-月-日，用“-”连接）。",
            node.as_str().unwrap_or("").trim()
        ),
        None => type_hint(ty),
    };
    ctx.diags.push(
        Diagnostic::error(
            Code::SchemaBadDate,
            ctx.file,
            format!("字段“{path}”不是有效的日期"),
        )
        .span(node.pos.line, node.pos.col, node.len)
        .field(path)
        .expected(ty.describe())
        .found(found)
        .hint(hint),
    );
}

/// `2026-11-02`; a month or day of one digit is accepted as well (`2026-3-6`, as clerks copy
/// it from a notice). Slashes and dots are not: one separator keeps files uniform.
pub(crate) fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    let s = s.trim();
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |t: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some() || !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return None;
    }
    format!("{y}-{m:0>2}-{d:0>2}")
        .parse::<jiff::civil::Date>()
        .ok()
}

/// A date-time in the site's time zone, or RFC 3339 with an offset. `24:00` is the end of the
/// day (00:00 of the next), as the site itself prints deadlines.
pub(crate) fn parse_datetime(s: &str, tz: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    if let Some(d) = parse_date(s) {
        return d.to_zoned_datetime(tz.clone()).ok().map(|z| z.timestamp());
    }
    let (date, time) = s.split_once([' ', 'T'])?;
    let time = time.trim();
    if matches!(time, "24:00" | "24:00:00") {
        let next = parse_date(date)?.tomorrow().ok()?;
        return next
            .to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp());
    }
    let date = parse_date(date)?;
    let dt = format!("{date}T{time}")
        .parse::<jiff::civil::DateTime>()
        .ok()?;
    dt.to_zoned_datetime(tz.clone()).ok().map(|z| z.timestamp())
}

/// A deadline ([`Ty::Deadline`]): a date alone is 24:00 of that day; otherwise as
/// [`parse_datetime`].
pub(crate) fn parse_deadline(s: &str, tz: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
    match parse_date(s) {
        Some(d) => d
            .tomorrow()
            .ok()?
            .to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp()),
        None => parse_datetime(s, tz),
    }
}

/// A skeleton of the fields in YAML with Chinese comments (for `gongshi new` and the guide).
pub(crate) fn skeleton(fields: &[Field], indent: usize, out: &mut String, only_required: bool) {
    let refs: Vec<&Field> = fields.iter().collect();
    skeleton_refs(&refs, indent, out, only_required);
}

/// Nested optional fields a skeleton leaves out: the other forms of a fee standard (range,
/// rate, text), its own basis and sub-items. The content guide lists them; a new record shows
/// the common form (an amount and its unit). A material's `form` (原件及复印件) likewise: the
/// skeleton shows `original`.
fn rare(f: &Field) -> bool {
    const RARE: &[(&str, &str)] = &[
        ("min", "最低金额"),
        ("max", "最高金额"),
        ("rate", "费率"),
        ("rate_unit", "费率单位"),
        ("rate_of", "计费基数"),
        ("text", "收费标准（文字）"),
        ("basis", "本项依据"),
        ("items", "子项"),
        ("form", "材料形式"),
    ];
    RARE.contains(&(f.name, f.zh))
}

/// [`skeleton`] over a list of field references.
pub(crate) fn skeleton_refs(
    fields: &[&Field],
    indent: usize,
    out: &mut String,
    only_required: bool,
) {
    let pad = " ".repeat(indent);
    for f in fields.iter().copied() {
        if only_required && !f.required {
            continue;
        }
        if indent > 0 && !f.required && rare(f) {
            continue;
        }
        let req = if f.required { "必填" } else { "选填" };
        out.push_str(&format!("{pad}# {}（{req}）：{}\n", f.zh, f.help));
        match &f.ty {
            Ty::Obj(inner) => {
                out.push_str(&format!("{pad}{}:\n", f.name));
                skeleton(inner, indent + 2, out, only_required);
            }
            Ty::List(inner) => match inner {
                Ty::Obj(inner_fields) => {
                    out.push_str(&format!("{pad}{}:\n", f.name));
                    let mut item = String::new();
                    skeleton(inner_fields, indent + 4, &mut item, only_required);
                    // Turn the first field line of the item into a list entry.
                    let marker = format!("{pad}  - ");
                    let mut first = true;
                    for line in item.lines() {
                        if first && !line.trim_start().starts_with('#') {
                            out.push_str(&format!("{marker}{}\n", line.trim_start()));
                            first = false;
                        } else {
                            out.push_str(line);
                            out.push('\n');
                        }
                    }
                }
                // A list of fixed words: its first word, as for an enum field.
                Ty::Enum(words) => out.push_str(&format!(
                    "{pad}{}:\n{pad}  - {}\n",
                    f.name,
                    words.first().copied().unwrap_or("")
                )),
                _ => out.push_str(&format!("{pad}{}:\n{pad}  - 待填写\n", f.name)),
            },
            Ty::Date => out.push_str(&format!("{pad}{}: 2026-01-01\n", f.name)),
            Ty::DateTime => out.push_str(&format!("{pad}{}: 2026-01-01 09:00\n", f.name)),
            Ty::Deadline => out.push_str(&format!("{pad}{}: 2026-01-01\n", f.name)),
            Ty::Int | Ty::IntOr(_) => out.push_str(&format!("{pad}{}: 0\n", f.name)),
            Ty::Number => out.push_str(&format!("{pad}{}: 0\n", f.name)),
            Ty::Bool => out.push_str(&format!("{pad}{}: false\n", f.name)),
            Ty::Enum(words) => out.push_str(&format!(
                "{pad}{}: {}\n",
                f.name,
                words.first().copied().unwrap_or("")
            )),
            Ty::Markdown => out.push_str(&format!("{pad}{}: |\n{pad}  待填写\n", f.name)),
            Ty::Text | Ty::TextOr(_) => out.push_str(&format!("{pad}{}: 待填写\n", f.name)),
        }
    }
}

// ---- Open data: how a field appears in the exported JSON objects (`/data/*.json`). ----
//
// A field table is also the open-data table: each `Field` says under `open` whether and how
// it is exported, and the entries open data adds (URLs, states, computed numbers) are a short
// list of derived entries beside the table. [`open_fields`] merges the two into the exported
// object's field order, from which the JSON files, their JSON Schema and the field reference in
// `docs/open-data.md` all follow.

/// The JSON type of an exported field.
#[derive(Debug, Clone, Copy)]
pub enum OpenTy {
    Str,
    Int,
    Num,
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339 with offset.
    DateTime,
    /// An absolute URL.
    Url,
    StrList,
    UrlList,
    /// A string from a fixed set.
    Enum(&'static [&'static str]),
    /// An array of strings from a fixed set.
    EnumList(&'static [&'static str]),
    /// An object: the exported fields of a field table and its derived entries.
    Obj(&'static [Field], &'static [OpenField]),
    /// An array of such objects.
    ObjList(&'static [Field], &'static [OpenField]),
}

/// Where an exported entry goes among its object's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// A field: in the order of its table. A derived entry: after the table's fields.
    Here,
    /// First in the object.
    First,
    /// Right after the exported field of that name.
    After(&'static str),
}

/// One field of an exported object.
#[derive(Debug, Clone, Copy)]
pub struct OpenField {
    /// The name in the JSON object.
    pub name: &'static str,
    pub ty: OpenTy,
    /// May be `null`.
    pub null: bool,
    pub zh: &'static str,
    pub en: &'static str,
    pub at: At,
}

/// An exported field that is always present (`Field::open`, or a derived entry).
pub(crate) const fn ex(
    name: &'static str,
    ty: OpenTy,
    zh: &'static str,
    en: &'static str,
) -> OpenField {
    OpenField {
        name,
        ty,
        null: false,
        zh,
        en,
        at: At::Here,
    }
}

/// An exported field that may be `null`.
pub(crate) const fn ex_null(
    name: &'static str,
    ty: OpenTy,
    zh: &'static str,
    en: &'static str,
) -> OpenField {
    OpenField {
        null: true,
        ..ex(name, ty, zh, en)
    }
}

impl OpenField {
    /// Placed right after the exported field `name` rather than in table order.
    pub const fn after(self, name: &'static str) -> OpenField {
        OpenField {
            at: At::After(name),
            ..self
        }
    }

    /// Placed first in its object.
    pub const fn first(self) -> OpenField {
        OpenField {
            at: At::First,
            ..self
        }
    }
}

/// `Field::open` of a field open data leaves out.
pub(crate) const NOT_EXPORTED: Option<OpenField> = None;

/// The fields of an exported object, in order: the exported fields of `fields` in table order,
/// the entries placed elsewhere ([`At`]) where they say, and `derived` entries without a
/// place after them. An entry whose anchor is missing goes last (a unit test checks that none
/// is).
pub(crate) fn open_fields(fields: &[Field], derived: &[OpenField]) -> Vec<OpenField> {
    let entries = || {
        fields
            .iter()
            .filter_map(|f| f.open)
            .chain(derived.iter().copied())
    };
    let mut out: Vec<OpenField> = fields
        .iter()
        .filter_map(|f| f.open)
        .filter(|o| o.at == At::Here)
        .chain(derived.iter().copied().filter(|o| o.at == At::Here))
        .collect();
    let mut rest: Vec<OpenField> = entries().filter(|o| o.at != At::Here).collect();
    let mut firsts = 0;
    loop {
        let before = rest.len();
        rest.retain(|o| match o.at {
            At::First => {
                out.insert(firsts, *o);
                firsts += 1;
                false
            }
            At::After(anchor) => match out.iter().position(|x| x.name == anchor) {
                Some(i) => {
                    out.insert(i + 1, *o);
                    false
                }
                None => true,
            },
            At::Here => false,
        });
        if rest.is_empty() || rest.len() == before {
            break;
        }
    }
    out.extend(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    static STEP: &[Field] = &[
        Field {
            name: "name",
            zh: "名称",
            ty: Ty::Text,
            required: true,
            help: "",
            open: None,
        },
        Field {
            name: "days",
            zh: "时限",
            ty: Ty::Int,
            required: false,
            help: "",
            open: None,
        },
    ];
    static FIELDS: &[Field] = &[
        Field {
            name: "title",
            zh: "标题",
            ty: Ty::Text,
            required: true,
            help: "",
            open: None,
        },
        Field {
            name: "published",
            zh: "发布日期",
            ty: Ty::Date,
            required: true,
            help: "",
            open: None,
        },
        Field {
            name: "status",
            zh: "状态",
            ty: Ty::Enum(&["有效", "已撤销"]),
            required: false,
            help: "",
            open: None,
        },
        Field {
            name: "steps",
            zh: "步骤",
            ty: Ty::List(&Ty::Obj(STEP)),
            required: false,
            help: "",
            open: None,
        },
    ];

    fn run(src: &str) -> (Option<Json>, Vec<Diagnostic>) {
        let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
        let node = match yaml::parse(src, 0) {
            Ok(Some(n)) => n,
            other => panic!("{other:?}"),
        };
        let mut ctx = Ctx::new(Path::new("content/a.md"), &tz);
        let v = check_object(&node, FIELDS, "", &mut ctx);
        (v, ctx.diags)
    }

    #[test]
    fn valid_object_becomes_json() {
        let (v, d) =
            run("title: 2024\npublished: 2026-01-02\nsteps:\n  - name: 受理\n    days: 3\n");
        assert!(d.is_empty(), "{d:?}");
        let v = v.unwrap_or_default();
        assert_eq!(v["title"], "2024");
        assert_eq!(v["published"], "2026-01-02");
        assert_eq!(v["steps"][0]["days"], 3);
    }

    #[test]
    fn traditional_enum_values_are_stored_simplified() {
        let (v, d) = run("title: a\npublished: 2026-01-02\nstatus: 已撤銷\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v.unwrap_or_default()["status"], "已撤销");
        // A wrong one lists the Simplified choices.
        let (v, d) = run("title: a\npublished: 2026-01-02\nstatus: 廢止\n");
        assert!(v.is_none());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(format!("{:?}", d[0]).contains("有效、已撤销"), "{d:?}");
    }

    #[test]
    fn reports_every_problem_at_once() {
        let (v, d) = run("titel: a\npublished: 2026-13-01\nstatus: 撤销\nsteps:\n  - days: x\n");
        assert!(v.is_none());
        let codes: Vec<_> = d
            .iter()
            .map(|d| (d.code, d.line, d.field.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (Code::SchemaUnknownField, 1, "titel".to_string()),
                (Code::SchemaBadDate, 2, "published".to_string()),
                (Code::SchemaBadValue, 3, "status".to_string()),
                (Code::SchemaWrongType, 5, "steps[1].days".to_string()),
                (Code::SchemaMissingField, 5, "steps[1].name".to_string()),
            ]
        );
        assert_eq!(d[0].hint.as_deref(), Some("是否想写“title”？"));
    }

    #[test]
    fn datetimes_in_site_zone() {
        let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
        let ts = parse_datetime("2026-11-20 09:00", &tz).map(|t| t.to_string());
        assert_eq!(ts.as_deref(), Some("2026-11-20T01:00:00Z"));
        let ts = parse_datetime("2026-11-20", &tz).map(|t| t.to_string());
        assert_eq!(ts.as_deref(), Some("2026-11-19T16:00:00Z"));
        assert!(parse_datetime("2026-11-31", &tz).is_none());
        // 24:00 is the end of the day; one-digit months and days are accepted.
        let ts = parse_datetime("2026-12-10 24:00", &tz).map(|t| t.to_string());
        assert_eq!(ts.as_deref(), Some("2026-12-10T16:00:00Z"));
        let ts = parse_datetime("2026-3-6 09:30", &tz).map(|t| t.to_string());
        assert_eq!(ts.as_deref(), Some("2026-03-06T01:30:00Z"));
        assert!(parse_datetime("2026-12-10 24:30", &tz).is_none());
    }

    #[test]
    fn dates_with_one_digit_months_and_days() {
        assert_eq!(parse_date("2026-3-6"), parse_date("2026-03-06"));
        assert!(parse_date("2026-03-06").is_some());
        assert!(parse_date("2026-3-32").is_none());
        assert!(parse_date("26-3-6").is_none());
        assert!(parse_date("2026-003-6").is_none());
        assert!(parse_date("2026/3/6").is_none());
    }

    #[test]
    fn a_date_alone_as_a_deadline_is_the_end_of_that_day() {
        let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
        let end = |s: &str| parse_deadline(s, &tz).map(|t| t.to_string());
        assert_eq!(end("2026-12-10").as_deref(), Some("2026-12-10T16:00:00Z"));
        assert_eq!(end("2026-12-10 24:00"), end("2026-12-10"));
        assert_eq!(
            end("2026-12-10 17:00").as_deref(),
            Some("2026-12-10T09:00:00Z")
        );
    }
}
