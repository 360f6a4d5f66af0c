//! 年度报告 — the two annual reports a department publishes by 31 January for the year before:
//! the 政府信息公开工作年度报告 (政府信息公开条例 Art. 49–50, in the six sections and the tables
//! of 国办公开办函〔2021〕30号) and the 行政执法统计年报 (国办发〔2018〕118号).
//!
//! A report is a record (`content/reports/2025.md`): the staff write sections 一, 五 and 六,
//! the 复议/诉讼 counts of section 四 and any hand override of a number (with its reason); the
//! tables of 二 and the 执法统计 are computed here from the site's records at build time,
//! every cell with the records it counts. The request table (三) comes from the feedback
//! database, which the static build never reads: `gongshi report annual YEAR --db …` writes
//! it into the record's `requests` block with `requests_hash`, and a hand edit of the block
//! no longer matches the hash (`report.requests-edited`). `seal`, written by `--seal` when the
//! report is published, is the hash of every figure: a later change to the records of that
//! year changes a figure and the build says so (`report.seal-mismatch`, `compliance::annual`).

use crate::content::validate::KindCx;
use crate::content::view::{to_value, ViewCx};
use crate::content::{Data, Kind, Record, Site};
use crate::diag::{Code, Diagnostic};
use crate::schema::{ex, ex_null, Field, OpenField, OpenTy, Ty, NOT_EXPORTED};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::document::{DocKind, Validity};
use super::enforcement::{Action, Correction, PenaltyKind, PermitResult, Status};
use crate::content::view::NOT_STATED;

wire_enum! {
    /// 报告类型.
    pub enum ReportType {
        OpenGov = "政府信息公开",
        Enforcement = "行政执法统计",
    }
}

static OUTCOMES: &[Field] = &[
    int_field("upheld", "结果维持"),
    int_field("corrected", "结果纠正"),
    int_field("other", "其他结果"),
    int_field("pending", "尚未审结"),
];

const fn int_field(name: &'static str, zh: &'static str) -> Field {
    Field {
        name,
        zh,
        ty: Ty::Int,
        required: true,
        help: "件数",
        open: NOT_EXPORTED,
    }
}

static REVIEWS: &[Field] = &[
    Field {
        name: "review",
        zh: "行政复议",
        ty: Ty::Obj(OUTCOMES),
        required: true,
        help: "upheld（结果维持）、corrected（结果纠正）、other（其他结果）、pending（尚未审结）的件数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "litigation",
        zh: "行政诉讼（未经复议直接起诉）",
        ty: Ty::Obj(OUTCOMES),
        required: true,
        help: "同上",
        open: NOT_EXPORTED,
    },
    Field {
        name: "after_review",
        zh: "行政诉讼（复议后起诉）",
        ty: Ty::Obj(OUTCOMES),
        required: true,
        help: "同上",
        open: NOT_EXPORTED,
    },
];

static REQUEST_ROW: &[Field] = &[
    Field {
        name: "row",
        zh: "行",
        ty: Ty::Text,
        required: true,
        help: "表三的行，由 gongshi report annual 年度 --db 写入",
        open: NOT_EXPORTED,
    },
    int_field("person", "自然人"),
    int_field("business", "商业企业"),
    int_field("research", "科研机构"),
    int_field("nonprofit", "社会公益组织"),
    int_field("legal", "法律服务机构"),
    int_field("other", "其他"),
];

static OVERRIDE: &[Field] = &[
    Field {
        name: "cell",
        zh: "单元格",
        ty: Ty::Text,
        required: true,
        help: "表格/行/列，如 二/规章/本年制发件数（gongshi report annual 年度 列出全部单元格）",
        open: NOT_EXPORTED,
    },
    Field {
        name: "value",
        zh: "数值",
        ty: Ty::Number,
        required: true,
        help: "人工填写的数值",
        open: NOT_EXPORTED,
    },
    Field {
        name: "reason",
        zh: "原因",
        ty: Ty::Text,
        required: true,
        help: "为什么不用系统统计的数字，如“2025年3月纸质文件未录入网站”",
        open: NOT_EXPORTED,
    },
];

static CORRECTION: &[Field] = &[
    Field {
        name: "date",
        zh: "更正日期",
        ty: Ty::Date,
        required: true,
        help: "如 2026-03-02",
        open: NOT_EXPORTED,
    },
    Field {
        name: "field",
        zh: "更正的字段",
        ty: Ty::Text,
        required: true,
        help: "如 seal、overview",
        open: NOT_EXPORTED,
    },
    Field {
        name: "reason",
        zh: "更正原因",
        ty: Ty::Text,
        required: true,
        help: "为什么更正已发布的年报",
        open: NOT_EXPORTED,
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "year",
        zh: "报告年度",
        ty: Ty::Int,
        required: true,
        help: "报告的年度，如 2025（次年1月31日前发布）",
        open: Some(ex("year", OpenTy::Num, "报告年度", "Year reported on.")),
    },
    Field {
        name: "report",
        zh: "报告类型",
        ty: Ty::Enum(ReportType::VALUES),
        required: true,
        help: "政府信息公开（政府信息公开工作年度报告）或 行政执法统计（行政执法统计年报）",
        open: Some(ex(
            "report",
            OpenTy::Enum(ReportType::VALUES),
            "报告类型",
            "政府信息公开 or 行政执法统计.",
        )),
    },
    Field {
        name: "overview",
        zh: "一、总体情况",
        ty: Ty::Markdown,
        required: false,
        help: "工作年度报告第一部分，由工作人员撰写",
        open: Some(ex_null("overview", OpenTy::Str, "一、总体情况", "Section 一, written by staff.")),
    },
    Field {
        name: "problems",
        zh: "五、存在的主要问题及改进情况",
        ty: Ty::Markdown,
        required: false,
        help: "工作年度报告第五部分",
        open: Some(ex_null("problems", OpenTy::Str, "五、存在的主要问题及改进情况", "Section 五, written by staff.")),
    },
    Field {
        name: "other",
        zh: "六、其他需要报告的事项",
        ty: Ty::Markdown,
        required: false,
        help: "工作年度报告第六部分（含信息处理费收取情况）",
        open: Some(ex_null("other", OpenTy::Str, "六、其他需要报告的事项", "Section 六, written by staff.")),
    },
    Field {
        name: "reviews",
        zh: "四、行政复议、行政诉讼",
        ty: Ty::Obj(REVIEWS),
        required: false,
        help: "因政府信息公开工作被申请行政复议、提起行政诉讼的件数：review、litigation、after_review，各含 upheld、corrected、other、pending",
        open: NOT_EXPORTED,
    },
    Field {
        name: "requests",
        zh: "三、收到和处理政府信息公开申请情况",
        ty: Ty::List(&Ty::Obj(REQUEST_ROW)),
        required: false,
        help: "由 gongshi report annual 年度 --db 从依申请公开登记生成，请勿手改（手改会与 requests_hash 不符）",
        open: NOT_EXPORTED,
    },
    Field {
        name: "requests_hash",
        zh: "申请情况校验值",
        ty: Ty::Text,
        required: false,
        help: "由 gongshi report annual 年度 --db 写入",
        open: NOT_EXPORTED,
    },
    Field {
        name: "overrides",
        zh: "人工调整",
        ty: Ty::List(&Ty::Obj(OVERRIDE)),
        required: false,
        help: "人工改写某个统计数字：cell（单元格）、value（数值）、reason（原因）。页面注明“人工调整”及原因",
        open: NOT_EXPORTED,
    },
    Field {
        name: "seal",
        zh: "封存校验值",
        ty: Ty::Text,
        required: false,
        help: "发布时由 gongshi report annual 年度 --seal 写入：全部数字的校验值，发布后数字变化即报错",
        open: Some(ex_null("seal", OpenTy::Str, "封存校验值", "SHA-256 of every figure, written when the report was published; `null` when not sealed.")),
    },
    Field {
        name: "corrections",
        zh: "更正记录",
        ty: Ty::List(&Ty::Obj(CORRECTION)),
        required: false,
        help: "发布后确需更正时登记：date、field、reason",
        open: NOT_EXPORTED,
    },
];

static CELL_OPEN: &[OpenField] = &[
    ex(
        "id",
        OpenTy::Str,
        "单元格",
        "Table/row/column, e.g. 二/规章/本年制发件数.",
    ),
    ex(
        "table",
        OpenTy::Str,
        "表格",
        "The table: 二, 三, 四, or a table of the 执法统计.",
    ),
    ex("row", OpenTy::Str, "行", "The row's label."),
    ex("column", OpenTy::Str, "列", "The column's label."),
    ex_null(
        "value",
        OpenTy::Num,
        "数值",
        "The published figure; `null` when nobody entered it (未注明).",
    ),
    ex_null(
        "computed",
        OpenTy::Num,
        "系统统计数",
        "What the records give, when the figure is an override; else the same as value.",
    ),
    ex_null(
        "override_reason",
        OpenTy::Str,
        "人工调整原因",
        "Why staff overrode the computed figure; `null` when not overridden.",
    ),
    ex(
        "source",
        OpenTy::Str,
        "来源",
        "records, requests (the request register) or entered.",
    ),
    ex(
        "records",
        OpenTy::UrlList,
        "计数的记录",
        "The records the figure counts (may be empty).",
    ),
];

static OPEN_DERIVED: &[OpenField] = &[ex(
    "cells",
    OpenTy::ObjList(&[], CELL_OPEN),
    "统计表单元格",
    "Every cell of the report's tables, in the order of the official format.",
)];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Outcomes {
    pub upheld: u32,
    pub corrected: u32,
    pub other: u32,
    pub pending: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reviews {
    pub review: Outcomes,
    pub litigation: Outcomes,
    pub after_review: Outcomes,
}

/// One row of table 三 as the register gave it (columns without the total).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct RequestRow {
    pub row: String,
    pub person: u32,
    pub business: u32,
    pub research: u32,
    pub nonprofit: u32,
    pub legal: u32,
    pub other: u32,
}

impl RequestRow {
    pub fn columns(&self) -> [u32; 6] {
        [
            self.person,
            self.business,
            self.research,
            self.nonprofit,
            self.legal,
            self.other,
        ]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Override {
    pub cell: String,
    pub value: f64,
    pub reason: String,
}

/// 年度报告.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub year: i64,
    pub report: ReportType,
    #[serde(default)]
    pub overview: Option<String>,
    #[serde(default)]
    pub problems: Option<String>,
    #[serde(default)]
    pub other: Option<String>,
    #[serde(default)]
    pub reviews: Option<Reviews>,
    #[serde(default)]
    pub requests: Option<Vec<RequestRow>>,
    #[serde(default)]
    pub requests_hash: Option<String>,
    #[serde(default)]
    pub overrides: Vec<Override>,
    #[serde(default)]
    pub seal: Option<String>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

/// The columns of table 三: applicant types, then the total.
pub const REQUEST_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// The rows of table 三 in the official order: (row id, label, heading above it). The row
/// ids of the reply results are the reply categories' words (`feedback::requests::model`).
pub const REQUEST_ROWS: &[(&str, &str, Option<&str>)] = &[
    ("本年新收", "一、本年新收政府信息公开申请数量", None),
    ("上年结转", "二、上年结转政府信息公开申请数量", None),
    ("予以公开", "（一）予以公开", Some("三、本年度办理结果")),
    (
        "部分公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        None,
    ),
    (
        "不予公开-属于国家秘密",
        "1.属于国家秘密",
        Some("（三）不予公开"),
    ),
    (
        "不予公开-其他法律行政法规禁止公开",
        "2.其他法律行政法规禁止公开",
        None,
    ),
    ("不予公开-危及“三安全一稳定”", "3.危及“三安全一稳定”", None),
    ("不予公开-保护第三方合法权益", "4.保护第三方合法权益", None),
    (
        "不予公开-属于三类内部事务信息",
        "5.属于三类内部事务信息",
        None,
    ),
    ("不予公开-属于四类过程性信息", "6.属于四类过程性信息", None),
    ("不予公开-属于行政执法案卷", "7.属于行政执法案卷", None),
    ("不予公开-属于行政查询事项", "8.属于行政查询事项", None),
    (
        "无法提供-本机关不掌握相关政府信息",
        "1.本机关不掌握相关政府信息",
        Some("（四）无法提供"),
    ),
    (
        "无法提供-没有现成信息需要另行制作",
        "2.没有现成信息需要另行制作",
        None,
    ),
    (
        "无法提供-补正后申请内容仍不明确",
        "3.补正后申请内容仍不明确",
        None,
    ),
    (
        "不予处理-信访举报投诉类申请",
        "1.信访举报投诉类申请",
        Some("（五）不予处理"),
    ),
    ("不予处理-重复申请", "2.重复申请", None),
    ("不予处理-要求提供公开出版物", "3.要求提供公开出版物", None),
    (
        "不予处理-无正当理由大量反复申请",
        "4.无正当理由大量反复申请",
        None,
    ),
    (
        "不予处理-要求行政机关确认或重新出具已获取信息",
        "5.要求行政机关确认或重新出具已获取信息",
        None,
    ),
    (
        "其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        Some("（六）其他处理"),
    ),
    (
        "其他处理-申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        None,
    ),
    ("其他处理-其他", "3.其他", None),
    ("总计", "（七）总计", None),
    ("结转下年度", "四、结转下年度继续办理", None),
];

/// Rows of table 三 that are the sum of the reply results (not entered).
const RESULT_ROWS: std::ops::Range<usize> = 2..23;

/// The hash of a request block: SHA-256 over one canonical line per row.
pub fn requests_hash(rows: &[RequestRow]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for r in rows {
        let c = r.columns();
        h.update(format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            r.row, c[0], c[1], c[2], c[3], c[4], c[5]
        ));
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Records,
    Requests,
    Entered,
}

/// One cell of a report's table.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// `table/row/column`.
    pub id: String,
    pub column: &'static str,
    /// The published figure (`None`: 未注明).
    pub value: Option<f64>,
    /// What the records or the register give (before any override).
    pub computed: Option<f64>,
    pub override_reason: Option<String>,
    pub source: Source,
    /// Keys of the records counted.
    pub records: Vec<String>,
}

/// One row of a table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    /// A heading row spanning the table above this row (table 三's 三、本年度办理结果).
    pub heading: Option<&'static str>,
    pub cells: Vec<Cell>,
}

/// One table.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub id: &'static str,
    pub title: &'static str,
    /// The header row above the row labels: its first column's label, then the cells'.
    pub corner: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Row>,
    /// 金额 in 万元 or counts in 件.
    pub unit: &'static str,
}

/// A counter: the records counted per cell.
#[derive(Default)]
struct Tally {
    keys: Vec<String>,
    sum: f64,
}

impl Tally {
    fn add(&mut self, r: &Record) {
        self.keys.push(r.key());
        self.sum += 1.0;
    }
    fn add_amount(&mut self, r: &Record, amount: f64) {
        if !self.keys.contains(&r.key()) {
            self.keys.push(r.key());
        }
        self.sum += amount;
    }
    fn cell(self, table: &str, row: &str, column: &'static str) -> Cell {
        Cell {
            id: format!("{table}/{row}/{column}"),
            column,
            value: Some(self.sum),
            computed: Some(self.sum),
            override_reason: None,
            source: Source::Records,
            records: self.keys,
        }
    }
}

fn in_year(d: Option<jiff::civil::Date>, year: i64) -> bool {
    d.is_some_and(|d| i64::from(d.year()) == year)
}

fn is_draft(r: &Record) -> bool {
    r.common.draft
}

/// Decisions and documents counted: not drafts (none without a site: the layout alone).
fn counted(site: Option<&Site>, kind: Kind) -> impl Iterator<Item = &Record> {
    site.into_iter()
        .flat_map(move |s| s.of_kind(kind))
        .filter(|r| !is_draft(r))
}

/// An amount in yuan as 万元 to four places (one yuan).
fn wan(yuan: f64) -> f64 {
    yuan.round() / 10_000.0
}

/// The date a document stopped being in force: the day its successor took effect (or was
/// issued). `None` when it is in force, or when nobody recorded when it ended.
fn ended(site: Option<&Site>, d: &super::document::Document) -> Option<jiff::civil::Date> {
    if d.validity == Validity::InForce {
        return None;
    }
    let next = site?.get(&format!(
        "{}/{}",
        Kind::Document.folder(),
        d.superseded_by.as_deref()?
    ))?;
    match &next.data {
        Data::Document(n) => n.effective.or(n.issued),
        _ => None,
    }
}

/// 二、主动公开政府信息情况.
fn table_two(site: Option<&Site>, year: i64) -> Vec<Table> {
    let mut rows = Vec::new();
    for (label, kind) in [
        ("规章", DocKind::Rule),
        ("行政规范性文件", DocKind::Normative),
    ] {
        let (mut made, mut repealed, mut in_force) =
            (Tally::default(), Tally::default(), Tally::default());
        let end = jiff::civil::Date::new(year as i16, 12, 31).ok();
        for r in counted(site, Kind::Document) {
            let Data::Document(d) = &r.data else { continue };
            if d.doc_kind != kind {
                continue;
            }
            let issued = d.issued.or(d.effective);
            if in_year(issued, year) {
                made.add(r);
            }
            let stop = ended(site, d);
            if in_year(stop, year) {
                repealed.add(r);
            }
            let started = issued.zip(end).is_some_and(|(i, e)| i <= e);
            let still = match (d.validity, stop, end) {
                (Validity::InForce, _, _) => true,
                (_, Some(s), Some(e)) => s > e,
                _ => false,
            };
            if started && still {
                in_force.add(r);
            }
        }
        rows.push(Row {
            label: label.to_string(),
            heading: None,
            cells: vec![
                made.cell("二", label, "本年制发件数"),
                repealed.cell("二", label, "本年废止件数"),
                in_force.cell("二", label, "现行有效件数"),
            ],
        });
    }
    let decisions = |action: Action| {
        let mut t = Tally::default();
        for r in counted(site, Kind::Enforcement) {
            if let Data::Enforcement(e) = &r.data {
                if e.action == action && i64::from(e.decided.year()) == year {
                    t.add(r);
                }
            }
        }
        t
    };
    let mut fees = Tally::default();
    let prefix = format!("{year}年");
    for r in counted(site, Kind::Fee) {
        if let Data::Fee(f) = &r.data {
            for c in f
                .collections
                .iter()
                .filter(|c| c.period.starts_with(&prefix))
            {
                fees.add_amount(r, c.amount);
            }
        }
    }
    fees.sum = wan(fees.sum);
    vec![
        Table {
            id: "二-1",
            title: "第二十条第（一）项",
            corner: "信息内容",
            columns: vec!["本年制发件数", "本年废止件数", "现行有效件数"],
            rows,
            unit: "件",
        },
        Table {
            id: "二-2",
            title: "第二十条第（五）项",
            corner: "信息内容",
            columns: vec!["本年处理决定数量"],
            rows: vec![Row {
                label: "行政许可".into(),
                heading: None,
                cells: vec![decisions(Action::Licence).cell("二", "行政许可", "本年处理决定数量")],
            }],
            unit: "件",
        },
        Table {
            id: "二-3",
            title: "第二十条第（六）项",
            corner: "信息内容",
            columns: vec!["本年处理决定数量"],
            rows: ["行政处罚", "行政强制"]
                .into_iter()
                .zip([Action::Penalty, Action::Coercion])
                .map(|(label, a)| Row {
                    label: label.into(),
                    heading: None,
                    cells: vec![decisions(a).cell("二", label, "本年处理决定数量")],
                })
                .collect(),
            unit: "件",
        },
        Table {
            id: "二-4",
            title: "第二十条第（八）项",
            corner: "信息内容",
            columns: vec!["本年收费金额（单位：万元）"],
            rows: vec![Row {
                label: "行政事业性收费".into(),
                heading: None,
                cells: vec![fees.cell("二", "行政事业性收费", "本年收费金额（单位：万元）")],
            }],
            unit: "万元",
        },
    ]
}

fn entered(table: &str, row: &str, column: &'static str, value: Option<u32>) -> Cell {
    let v = value.map(f64::from);
    Cell {
        id: format!("{table}/{row}/{column}"),
        column,
        value: v,
        computed: v,
        override_reason: None,
        source: Source::Entered,
        records: Vec::new(),
    }
}

/// 三、收到和处理政府信息公开申请情况: from the register's block (None: 未注明).
fn table_three(rows: Option<&[RequestRow]>) -> Table {
    let get = |id: &str| rows.and_then(|rs| rs.iter().find(|r| r.row == id).cloned());
    let sum_results = || -> Option<[u32; 6]> {
        let rs = rows?;
        let mut s = [0u32; 6];
        for (id, _, _) in &REQUEST_ROWS[RESULT_ROWS] {
            if let Some(r) = rs.iter().find(|r| r.row == *id) {
                for (a, b) in s.iter_mut().zip(r.columns()) {
                    *a = a.saturating_add(b);
                }
            }
        }
        Some(s)
    };
    let out_rows = REQUEST_ROWS
        .iter()
        .map(|(id, label, heading)| {
            let cols: Option<[u32; 6]> = if *id == "总计" {
                sum_results()
            } else {
                rows.map(|_| get(id).unwrap_or_default().columns())
            };
            let mut cells: Vec<Cell> = (0..6)
                .map(|i| Cell {
                    source: Source::Requests,
                    ..entered("三", id, REQUEST_COLUMNS[i], cols.map(|c| c[i]))
                })
                .collect();
            let total = cols.map(|c| c.iter().map(|x| u64::from(*x)).sum::<u64>() as f64);
            cells.push(Cell {
                id: format!("三/{id}/总计"),
                column: "总计",
                value: total,
                computed: total,
                override_reason: None,
                source: Source::Requests,
                records: Vec::new(),
            });
            Row {
                label: label.to_string(),
                heading: *heading,
                cells,
            }
        })
        .collect();
    Table {
        id: "三",
        title: "收到和处理政府信息公开申请情况",
        corner: "项目",
        columns: REQUEST_COLUMNS.to_vec(),
        rows: out_rows,
        unit: "件",
    }
}

const REVIEW_COLUMNS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// 四、政府信息公开行政复议、行政诉讼情况.
fn table_four(reviews: Option<&Reviews>) -> Table {
    let rows = [
        ("行政复议", reviews.map(|r| &r.review)),
        (
            "行政诉讼（未经复议直接起诉）",
            reviews.map(|r| &r.litigation),
        ),
        ("行政诉讼（复议后起诉）", reviews.map(|r| &r.after_review)),
    ]
    .into_iter()
    .map(|(label, o)| {
        let v = o.map(|o| [o.upheld, o.corrected, o.other, o.pending]);
        let total = v.map(|v| v.iter().sum::<u32>());
        Row {
            label: label.to_string(),
            heading: None,
            cells: (0..5)
                .map(|i| {
                    let value = if i == 4 { total } else { v.map(|v| v[i]) };
                    entered("四", label, REVIEW_COLUMNS[i], value)
                })
                .collect(),
        }
    })
    .collect();
    Table {
        id: "四",
        title: "政府信息公开行政复议、行政诉讼情况",
        corner: "类别",
        columns: REVIEW_COLUMNS.to_vec(),
        rows,
        unit: "件",
    }
}

/// The 行政执法统计年报's tables. 行政许可 and 行政处罚 are counted by the typed outcomes the
/// records enter (`permit_result`, `penalties`); a decision without one is counted in a
/// visible 未注明 column or row with its link, never guessed from the decision's words.
fn enforcement_tables(site: Option<&Site>, year: i64) -> Vec<Table> {
    let this_year: Vec<(&Record, &super::enforcement::Enforcement)> =
        counted(site, Kind::Enforcement)
            .filter_map(|r| match &r.data {
                Data::Enforcement(e) if i64::from(e.decided.year()) == year => Some((r, &**e)),
                _ => None,
            })
            .collect();
    let one = |table: &'static str,
               row: &str,
               column: &'static str,
               pred: &dyn Fn(&super::enforcement::Enforcement) -> bool| {
        let mut t = Tally::default();
        for (r, e) in &this_year {
            if pred(e) {
                t.add(r);
            }
        }
        t.cell(table, row, column)
    };
    // 行政许可, one column per 许可结果, then 未注明 and the total.
    let licence = |e: &super::enforcement::Enforcement| e.action == Action::Licence;
    let mut columns: Vec<&'static str> = PermitResult::VALUES.to_vec();
    columns.extend([NOT_STATED, "合计"]);
    let mut cells: Vec<Cell> = PermitResult::VALUES
        .iter()
        .map(|word| {
            one("行政许可", "行政许可决定", word, &|e| {
                licence(e) && e.permit_result.is_some_and(|p| p.as_str() == *word)
            })
        })
        .collect();
    cells.push(one(
        "行政许可",
        "行政许可决定",
        NOT_STATED,
        &|e| licence(e) && e.permit_result.is_none(),
    ));
    cells.push(one("行政许可", "行政许可决定", "合计", &licence));
    let permits = Table {
        id: "执法-1",
        title: "行政许可",
        corner: "事项",
        columns,
        rows: vec![Row {
            label: "行政许可决定".into(),
            heading: None,
            cells,
        }],
        unit: "件",
    };
    // 行政处罚, one row per 处罚种类 (a decision with several counts in each), then 未注明.
    let penalty = |e: &super::enforcement::Enforcement| e.action == Action::Penalty;
    let mut rows: Vec<Row> = PenaltyKind::VALUES
        .iter()
        .map(|word| Row {
            label: word.to_string(),
            heading: None,
            cells: vec![one("行政处罚", word, "数量", &|e| {
                penalty(e) && e.penalties.iter().any(|k| k.as_str() == *word)
            })],
        })
        .collect();
    rows.push(Row {
        label: format!("处罚种类{NOT_STATED}"),
        heading: None,
        cells: vec![one("行政处罚", NOT_STATED, "数量", &|e| {
            penalty(e) && e.penalties.is_empty()
        })],
    });
    rows.push(Row {
        label: "行政处罚决定合计（件）".into(),
        heading: None,
        cells: vec![one("行政处罚", "决定合计", "数量", &penalty)],
    });
    // The amounts as entered (`fine`, `confiscated`), in 万元.
    let (mut fines, mut gains) = (Tally::default(), Tally::default());
    for (r, e) in &this_year {
        if !penalty(e) {
            continue;
        }
        if let Some(f) = e.fine {
            fines.add_amount(r, f);
        }
        if let Some(c) = e.confiscated {
            gains.add_amount(r, c);
        }
    }
    fines.sum = wan(fines.sum);
    gains.sum = wan(gains.sum);
    rows.push(Row {
        label: "罚款金额（万元）".into(),
        heading: None,
        cells: vec![fines.cell("行政处罚", "罚款金额", "数量")],
    });
    rows.push(Row {
        label: "没收违法所得金额（万元）".into(),
        heading: None,
        cells: vec![gains.cell("行政处罚", "没收违法所得金额", "数量")],
    });
    let penalties = Table {
        id: "执法-2",
        title: "行政处罚（同一决定有多个处罚种类的，分别计入各种类）",
        corner: "处罚种类",
        columns: vec!["数量"],
        rows,
        unit: "件",
    };
    let inspection = |e: &super::enforcement::Enforcement| e.action == Action::Inspection;
    let others = Table {
        id: "执法-3",
        title: "行政强制、行政检查",
        corner: "类别",
        columns: vec!["件数"],
        rows: vec![
            Row {
                label: "行政强制".into(),
                heading: None,
                cells: vec![one("行政强制", "行政强制", "件数", &|e| {
                    e.action == Action::Coercion
                })],
            },
            Row {
                label: "行政检查（双随机抽查）".into(),
                heading: None,
                cells: vec![one("行政检查", "双随机抽查", "件数", &|e| {
                    inspection(e) && e.plan.is_some()
                })],
            },
            Row {
                label: "行政检查（其他检查）".into(),
                heading: None,
                cells: vec![one("行政检查", "其他检查", "件数", &|e| {
                    inspection(e) && e.plan.is_none()
                })],
            },
        ],
        unit: "件",
    };
    // Decisions (of any year) changed or revoked in this year by review or litigation.
    let mut changed = [Tally::default(), Tally::default(), Tally::default()];
    for r in counted(site, Kind::Enforcement) {
        let Data::Enforcement(e) = &r.data else {
            continue;
        };
        let Some(c) = &e.changed else { continue };
        if i64::from(c.date.year()) != year {
            continue;
        }
        match e.status {
            Status::Changed => changed[0].add(r),
            Status::Revoked => changed[1].add(r),
            Status::Unlawful | Status::Void => changed[2].add(r),
            Status::InForce => {}
        }
    }
    let [c0, c1, c2] = changed;
    let mut major = Tally::default();
    for r in counted(site, Kind::Enforcement) {
        if let Data::Enforcement(e) = &r.data {
            if e.legal_review
                .as_ref()
                .is_some_and(|l| i64::from(l.reviewed.year()) == year)
            {
                major.add(r);
            }
        }
    }
    let review = Table {
        id: "执法-4",
        title: "执法决定被纠正、重大执法决定法制审核",
        corner: "类别",
        columns: vec!["件数"],
        rows: vec![
            Row {
                label: "经复议或诉讼被变更的执法决定".into(),
                heading: None,
                cells: vec![c0.cell("纠错", "被变更", "件数")],
            },
            Row {
                label: "经复议或诉讼被撤销的执法决定".into(),
                heading: None,
                cells: vec![c1.cell("纠错", "被撤销", "件数")],
            },
            Row {
                label: "被确认违法或无效的执法决定".into(),
                heading: None,
                cells: vec![c2.cell("纠错", "被确认违法或无效", "件数")],
            },
            Row {
                label: "经法制审核的重大执法决定".into(),
                heading: None,
                cells: vec![major.cell("法制审核", "重大执法决定", "件数")],
            },
        ],
        unit: "件",
    };
    vec![permits, penalties, others, review]
}

impl Report {
    /// Every table of the report, computed from the site's records, the register's block and
    /// the entered counts, with the overrides applied.
    pub fn tables(&self, site: &Site) -> Vec<Table> {
        self.tables_of(Some(site))
    }

    fn tables_of(&self, site: Option<&Site>) -> Vec<Table> {
        let mut tables = match self.report {
            ReportType::OpenGov => {
                let mut t = table_two(site, self.year);
                t.push(table_three(self.requests.as_deref()));
                t.push(table_four(self.reviews.as_ref()));
                t
            }
            ReportType::Enforcement => enforcement_tables(site, self.year),
        };
        for o in &self.overrides {
            for t in &mut tables {
                for row in &mut t.rows {
                    for c in &mut row.cells {
                        if c.id == o.cell {
                            c.value = Some(o.value);
                            c.override_reason = Some(o.reason.clone());
                        }
                    }
                }
            }
        }
        tables
    }

    /// A report of this type and year with nothing written in it: the tables alone (for
    /// `gongshi report` before the report's file exists, and for the cell ids).
    pub(crate) fn blank(report: ReportType, year: i64) -> Report {
        Report {
            year,
            report,
            overview: None,
            problems: None,
            other: None,
            reviews: None,
            requests: None,
            requests_hash: None,
            overrides: Vec::new(),
            seal: None,
            corrections: Vec::new(),
        }
    }

    /// The ids of every cell a report of this type has (for overrides and `gongshi report`).
    pub fn cell_ids(report: ReportType) -> Vec<String> {
        Report::blank(report, 2000)
            .tables_of(None)
            .into_iter()
            .flat_map(|t| {
                t.rows
                    .into_iter()
                    .flat_map(|r| r.cells.into_iter().map(|c| c.id))
            })
            .collect()
    }

    /// The seal: SHA-256 over `id=value` of every cell (未注明 as `-`).
    pub fn seal_of(tables: &[Table]) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for t in tables {
            for row in &t.rows {
                for c in &row.cells {
                    let v = c.value.map_or("-".to_string(), num_text);
                    h.update(format!("{}={v}\n", c.id));
                }
            }
        }
        hex(&h.finalize())
    }

    /// The report's title as the format names it.
    pub fn heading(&self) -> String {
        match self.report {
            ReportType::OpenGov => format!("{}年政府信息公开工作年度报告", self.year),
            ReportType::Enforcement => format!("{}年行政执法统计年报", self.year),
        }
    }
}

/// A figure as JSON: a whole number as an integer, an amount as a decimal.
pub fn num_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// A figure as printed: whole numbers without decimals, amounts to four places at most.
pub fn num_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[derive(Serialize)]
struct CellView<'a> {
    text: String,
    overridden: bool,
    reason: Option<&'a str>,
    computed: Option<String>,
    /// The note number listing the records counted (`#n-N`).
    note: Option<usize>,
}

#[derive(Serialize)]
struct NoteView {
    n: usize,
    cell: String,
    links: Vec<Value>,
}

impl super::RecordKind for Report {
    const NAME: &'static str = "report";
    const FOLDER: &'static str = "reports";
    const LABEL: &'static str = "政府信息公开年报";
    const NAV_LABEL: Option<&'static str> = None;
    const FIELDS: &'static [Field] = FIELDS;
    const OPEN_DERIVED: &'static [OpenField] = OPEN_DERIVED;
    const PUBLIC_TEXT: Option<&'static [&'static str]> =
        Some(&["title", "overview", "problems", "other", "overrides.reason"]);
    const SKELETON: &'static [&'static str] = &["overview", "problems", "other"];

    fn summary(&self, _r: &Record) -> String {
        self.heading()
    }

    fn validate(&self, _cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        if let Some(rows) = &self.requests {
            let hash = requests_hash(rows);
            if self.requests_hash.as_deref() != Some(hash.as_str()) {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::ReportRequestsEdited,
                            &r.source,
                            "依申请公开情况（requests）与校验值不符：这部分由登记数据生成，不能手改",
                        ),
                        "requests",
                    )
                    .expected(format!("requests_hash: {hash}"))
                    .found(format!(
                        "requests_hash: {}",
                        self.requests_hash.as_deref().unwrap_or("（没有）")
                    ))
                    .hint(format!(
                        "请用 gongshi report annual {} --db 反馈数据库 重新生成；确需改动某个数字时，在 overrides 中写明单元格、数值和原因。",
                        self.year
                    )),
                );
            }
            for (i, row) in rows.iter().enumerate() {
                if !REQUEST_ROWS.iter().any(|(id, _, _)| *id == row.row) || row.row == "总计" {
                    out.push(
                        r.diag_at(
                            Diagnostic::error(
                                Code::ReportUnknownCell,
                                &r.source,
                                format!("依申请公开情况中没有“{}”这一行", row.row),
                            ),
                            &format!("requests[{}].row", i + 1),
                        )
                        .expected("表三的行（本年新收、上年结转、答复类别、结转下年度）")
                        .found(row.row.clone())
                        .hint("这部分由 gongshi report annual 年度 --db 生成，请重新生成。"),
                    );
                }
            }
        }
        if self.requests.is_none() && self.requests_hash.is_some() {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::ReportRequestsEdited,
                        &r.source,
                        "有 requests_hash 却没有依申请公开情况（requests）：生成的数据被删除了",
                    ),
                    "requests_hash",
                )
                .expected("requests 与 requests_hash 同时存在")
                .found("只有 requests_hash")
                .hint(format!(
                    "请用 gongshi report annual {} --db 反馈数据库 重新生成。",
                    self.year
                )),
            );
        }
        let ids = Report::cell_ids(self.report);
        for (i, o) in self.overrides.iter().enumerate() {
            if !ids.contains(&o.cell) {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::ReportUnknownCell,
                            &r.source,
                            format!("人工调整的单元格“{}”不存在", o.cell),
                        ),
                        &format!("overrides[{}].cell", i + 1),
                    )
                    .expected("表格/行/列，如 二/规章/本年制发件数")
                    .found(o.cell.clone())
                    .hint(format!(
                        "gongshi report {} {} 列出全部单元格。",
                        cli_word(self.report),
                        self.year
                    )),
                );
            }
            if o.reason.trim().is_empty() {
                out.push(
                    r.diag_at(
                        Diagnostic::error(Code::ReportUnknownCell, &r.source, "人工调整没有写原因"),
                        &format!("overrides[{}].reason", i + 1),
                    )
                    .expected("reason: 为什么不用系统统计的数字")
                    .found("空")
                    .hint("页面会注明“人工调整”和原因，请写明。"),
                );
            }
        }
    }

    fn view(&self, cx: &ViewCx) -> Value {
        let tables = self.tables(cx.site);
        let mut notes: Vec<NoteView> = Vec::new();
        let tables_v: Vec<Value> = tables
            .iter()
            .map(|t| {
                let rows: Vec<Value> = t
                    .rows
                    .iter()
                    .map(|row| {
                        let cells: Vec<CellView> = row
                            .cells
                            .iter()
                            .map(|c| {
                                let note = (!c.records.is_empty()).then(|| {
                                    notes.push(NoteView {
                                        n: notes.len() + 1,
                                        cell: c.id.clone(),
                                        links: c
                                            .records
                                            .iter()
                                            .filter_map(|k| cx.url_of(k))
                                            .collect(),
                                    });
                                    notes.len()
                                });
                                CellView {
                                    text: c.value.map_or("未注明".to_string(), num_text),
                                    overridden: c.override_reason.is_some(),
                                    reason: c.override_reason.as_deref(),
                                    computed: c
                                        .override_reason
                                        .as_ref()
                                        .map(|_| c.computed.map_or("未注明".to_string(), num_text)),
                                    note,
                                }
                            })
                            .collect();
                        json!({"label": row.label, "heading": row.heading, "cells": cells})
                    })
                    .collect();
                json!({"id": t.id, "title": t.title, "corner": t.corner, "columns": t.columns, "rows": rows, "unit": t.unit})
            })
            .collect();
        let seal = Report::seal_of(&tables);
        to_value(json!({
            "year": self.year,
            "report": self.report,
            "open_gov": self.report == ReportType::OpenGov,
            "heading": self.heading(),
            "overview": self.overview.as_ref().map(|_| cx.md("overview")),
            "problems": self.problems.as_ref().map(|_| cx.md("problems")),
            "other": self.other.as_ref().map(|_| cx.md("other")),
            "tables": tables_v,
            "notes": notes,
            "requests_entered": self.requests.is_some(),
            "requests_hash": self.requests_hash.as_deref().map(|h| h.chars().take(12).collect::<String>()),
            "seal": self.seal.as_deref().map(|h| h.chars().take(12).collect::<String>()),
            "sealed_ok": self.seal.as_deref() == Some(seal.as_str()),
            "corrections": self.corrections,
        }))
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        (None, Some(format!("{}年度 · {}", self.year, self.report)))
    }

    fn links_to(&self, key: &str) -> bool {
        // The tables count decisions, documents and fees: any of them may change a figure.
        ["enforcement/", "documents/", "fees/"]
            .iter()
            .any(|p| key.starts_with(p))
    }

    fn open_data(&self, cx: &ViewCx) -> Value {
        let tables = self.tables(cx.site);
        let cells: Vec<Value> = tables
            .iter()
            .flat_map(|t| {
                t.rows.iter().flat_map(move |row| {
                    row.cells.iter().map(move |c| {
                        json!({
                            "id": c.id,
                            "table": t.id,
                            "row": row.label,
                            "column": c.column,
                            "value": c.value.map(num_value),
                            "computed": c.computed.map(num_value),
                            "override_reason": c.override_reason,
                            "source": c.source,
                            "records": c.records.iter().filter_map(|k| cx.site.get(k)).map(|x| crate::content::urls::absolute(cx.site, &crate::content::urls::record_url(cx.site, x))).collect::<Vec<_>>(),
                        })
                    })
                })
            })
            .collect();
        json!({
            "year": self.year,
            "report": self.report,
            "overview": self.overview,
            "problems": self.problems,
            "other": self.other,
            "seal": self.seal,
            "cells": cells,
        })
    }

    /// One row per cell (`report-cells.csv`).
    fn csv_rows(&self, site: &Site, _r: &Record, url: &str) -> Vec<Vec<String>> {
        let text = |v: Option<f64>| v.map(num_text).unwrap_or_default();
        let mut rows = Vec::new();
        for t in self.tables(site) {
            for row in &t.rows {
                for c in &row.cells {
                    let records: Vec<String> = c
                        .records
                        .iter()
                        .filter_map(|k| site.get(k))
                        .map(|x| {
                            crate::content::urls::absolute(
                                site,
                                &crate::content::urls::record_url(site, x),
                            )
                        })
                        .collect();
                    rows.push(vec![
                        self.year.to_string(),
                        self.report.as_str().to_string(),
                        c.id.clone(),
                        t.id.to_string(),
                        row.label.clone(),
                        c.column.to_string(),
                        text(c.value),
                        text(c.computed),
                        c.override_reason.clone().unwrap_or_default(),
                        serde_json::to_value(c.source)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        records.join("；"),
                        url.to_string(),
                    ]);
                }
            }
        }
        rows
    }
}

/// The word of `gongshi report WORD YEAR` for a report type.
pub fn cli_word(t: ReportType) -> &'static str {
    match t {
        ReportType::OpenGov => "annual",
        ReportType::Enforcement => "enforcement",
    }
}

/// One request as table 三 counts it: the applicant type's word, the day it was received,
/// and the first reply's day and category word (none while unanswered).
#[derive(Debug, Clone)]
pub struct CountedRequest<'a> {
    pub applicant_type: &'a str,
    pub received: jiff::civil::Date,
    pub replied: Option<(jiff::civil::Date, &'a str)>,
}

/// The column of table 三 an applicant type is counted in (`法人或其他组织` alone: 其他).
fn request_column(applicant_type: &str) -> Option<usize> {
    Some(match applicant_type {
        "自然人" => 0,
        "商业企业" => 1,
        "科研机构" => 2,
        "社会公益组织" => 3,
        "法律服务机构" => 4,
        "法人或其他组织" | "其他" => 5,
        _ => return None,
    })
}

/// Table 三 for `year` from the register: 本年新收 (received in the year), 上年结转 (received
/// before and not answered before the year), the year's replies by category, 结转下年度
/// (received by the year's end and not answered within it). So 新收 + 结转 = 办理结果 + 结转下年度.
/// Every row of the format is present (zeros included). Errors name what cannot be counted.
pub fn count_requests(year: i64, requests: &[CountedRequest]) -> Result<Vec<RequestRow>, String> {
    let mut rows: Vec<RequestRow> = REQUEST_ROWS
        .iter()
        .filter(|(id, _, _)| *id != "总计")
        .map(|(id, _, _)| RequestRow {
            row: (*id).to_string(),
            ..RequestRow::default()
        })
        .collect();
    let y = |d: jiff::civil::Date| i64::from(d.year());
    for (i, q) in requests.iter().enumerate() {
        let col = request_column(q.applicant_type).ok_or_else(|| {
            format!(
                "第{}件申请的申请人类型“{}”无法归入表三的列",
                i + 1,
                q.applicant_type
            )
        })?;
        let mut bump = |row: &str| {
            if let Some(r) = rows.iter_mut().find(|r| r.row == row) {
                let slot = match col {
                    0 => &mut r.person,
                    1 => &mut r.business,
                    2 => &mut r.research,
                    3 => &mut r.nonprofit,
                    4 => &mut r.legal,
                    _ => &mut r.other,
                };
                *slot += 1;
            }
        };
        let received = y(q.received);
        if received > year {
            continue;
        }
        let replied = q.replied.map(|(d, _)| y(d));
        if received == year {
            bump("本年新收");
        } else if replied.is_none_or(|r| r >= year) {
            bump("上年结转");
        }
        match q.replied {
            Some((d, category)) if y(d) == year => {
                if !REQUEST_ROWS[RESULT_ROWS]
                    .iter()
                    .any(|(id, _, _)| *id == category)
                {
                    return Err(format!(
                        "第{}件申请的答复类别“{category}”不是表三的行",
                        i + 1
                    ));
                }
                bump(category);
            }
            Some((d, _)) if y(d) < year => {}
            _ => bump("结转下年度"),
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> jiff::civil::Date {
        s.parse().unwrap_or_default()
    }

    fn row<'a>(rows: &'a [RequestRow], id: &str) -> &'a RequestRow {
        rows.iter().find(|r| r.row == id).unwrap_or(&rows[0])
    }

    #[test]
    fn requests_are_counted_across_the_year_end() {
        let q = |t, r, a: Option<(&'static str, &'static str)>| CountedRequest {
            applicant_type: t,
            received: d(r),
            replied: a.map(|(x, c)| (d(x), c)),
        };
        let all = [
            // Carried over into 2025 and answered in it.
            q("自然人", "2024-12-30", Some(("2025-01-06", "予以公开"))),
            // Answered in 2024: nowhere in 2025.
            q("自然人", "2024-05-06", Some(("2024-05-20", "予以公开"))),
            // Carried over into 2025 and still unanswered at its end.
            q("商业企业", "2024-12-31", None),
            // Received in 2025, answered in 2026.
            q(
                "法人或其他组织",
                "2025-12-31",
                Some(("2026-01-05", "部分公开")),
            ),
            q(
                "科研机构",
                "2025-03-02",
                Some(("2025-03-09", "其他处理-其他")),
            ),
            // Received in 2026: not counted.
            q("自然人", "2026-01-02", None),
        ];
        let rows = count_requests(2025, &all).unwrap_or_default();
        assert_eq!(rows.len(), REQUEST_ROWS.len() - 1);
        assert_eq!(row(&rows, "本年新收").columns(), [0, 0, 1, 0, 0, 1]);
        assert_eq!(row(&rows, "上年结转").columns(), [1, 1, 0, 0, 0, 0]);
        assert_eq!(row(&rows, "予以公开").columns(), [1, 0, 0, 0, 0, 0]);
        assert_eq!(row(&rows, "其他处理-其他").columns(), [0, 0, 1, 0, 0, 0]);
        assert_eq!(row(&rows, "部分公开").columns(), [0; 6]);
        assert_eq!(row(&rows, "结转下年度").columns(), [0, 1, 0, 0, 0, 1]);
        // The same requests a year later: 2025's carry-over is 2026's.
        let next = count_requests(2026, &all).unwrap_or_default();
        assert_eq!(
            row(&next, "上年结转").columns(),
            row(&rows, "结转下年度").columns()
        );
        assert_eq!(row(&next, "部分公开").columns(), [0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn words_table_three_has_no_row_for_are_errors() {
        let bad_type = [CountedRequest {
            applicant_type: "个人",
            received: d("2025-01-02"),
            replied: None,
        }];
        assert!(count_requests(2025, &bad_type).is_err());
        let bad_category = [CountedRequest {
            applicant_type: "自然人",
            received: d("2025-01-02"),
            replied: Some((d("2025-01-09"), "总计")),
        }];
        assert!(count_requests(2025, &bad_category).is_err());
    }

    #[test]
    fn a_hand_edit_changes_the_hash_and_every_cell_has_a_unique_id() {
        let rows = vec![RequestRow {
            row: "本年新收".into(),
            person: 1,
            ..RequestRow::default()
        }];
        let mut edited = rows.clone();
        edited[0].person = 2;
        assert_ne!(requests_hash(&rows), requests_hash(&edited));
        for t in [ReportType::OpenGov, ReportType::Enforcement] {
            let ids = Report::cell_ids(t);
            let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len(), "{t}");
        }
    }

    #[test]
    fn figures_print_as_whole_numbers_or_to_four_places() {
        assert_eq!(num_text(3.0), "3");
        assert_eq!(num_text(1.7345), "1.7345");
        assert_eq!(num_text(2.5), "2.5");
        assert_eq!(wan(12_345.4), 1.2345);
    }
}
