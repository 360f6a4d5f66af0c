//! 行政执法决定 — an enforcement decision: the case, the party (masked when a person), the
//! facts, basis and decision, and its status over time.

use super::fee::number;
use super::Kind;
use crate::content::clock::{Clock, ClockCx, Hidden};
use crate::content::validate::{doc_no_ok, KindCx};
use crate::content::view::{
    date, date_text, md_text, money, nonempty, to_value, url_of as exported_url, MetaRow, ViewCx,
    NOT_STATED,
};
use crate::content::{Record, Site};
use crate::diag::{Code, Diagnostic};
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::sync::LazyLock;

use crate::schema::{ex, ex_null, OpenField, OpenTy, NOT_EXPORTED};

static PARTY: &[Field] = &[
    Field {
        name: "type",
        zh: "当事人类型",
        ty: Ty::Enum(PartyType::VALUES),
        required: true,
        help: "自然人、个体工商户、法人或其他组织",
        open: Some(ex("type", OpenTy::Enum(PartyType::VALUES), "当事人类型", "自然人, 个体工商户, 法人 or 其他组织.")),
    },
    Field {
        name: "name",
        zh: "当事人名称",
        ty: Ty::Text,
        required: true,
        help: "单位写全称；自然人只写姓氏加“某”，如 张某",
        open: Some(ex("name", OpenTy::Str, "当事人名称", "Name; for a natural person only the masked form (张某).")),
    },
    Field {
        name: "credit_code",
        zh: "统一社会信用代码",
        ty: Ty::Text,
        required: false,
        help: "18 位统一社会信用代码（单位和个体工商户）",
        open: Some(ex_null("credit_code", OpenTy::Str, "统一社会信用代码", "Unified social credit code of an organisation or business; always `null` for a natural person.")),
    },
    Field {
        name: "legal_rep",
        zh: "法定代表人",
        ty: Ty::Text,
        required: false,
        help: "单位的法定代表人或负责人；是自然人，只写姓氏加“某”，如 张某。不写则不显示",
        open: Some(ex_null("legal_rep", OpenTy::Str, "法定代表人", "Legal representative, masked (张某); `null` when not entered.")),
    },
    Field {
        name: "address",
        zh: "住所",
        ty: Ty::Text,
        required: false,
        help: "单位的住所（注册地址）；当事人是自然人时不要填写。不写则不显示",
        open: Some(ex_null("address", OpenTy::Str, "住所", "Registered address of an organisation or business; always `null` for a natural person.")),
    },
    Field {
        name: "minor",
        zh: "涉及未成年人",
        ty: Ty::Bool,
        required: false,
        help: "涉及未成年人的决定不得照常公开：隐去身份信息并经审核（minor_reviewed），或只公开不予公开说明（withheld）",
        open: NOT_EXPORTED,
    },
];

static CHANGED: &[Field] = &[
    Field {
        name: "date",
        zh: "变更日期",
        ty: Ty::Date,
        required: true,
        help: "决定被变更、撤销或确认违法/无效的日期",
        open: NOT_EXPORTED,
    },
    Field {
        name: "reason",
        zh: "变更原因",
        ty: Ty::Text,
        required: true,
        help: "如 经行政复议撤销",
        open: NOT_EXPORTED,
    },
];

static MINOR_REVIEWED: &[Field] = &[
    Field {
        name: "by",
        zh: "审核人",
        ty: Ty::Text,
        required: true,
        help: "审核隐去身份信息的人员或机构，如 法制科 王某",
        open: NOT_EXPORTED,
    },
    Field {
        name: "date",
        zh: "审核日期",
        ty: Ty::Date,
        required: true,
        help: "审核的日期",
        open: NOT_EXPORTED,
    },
];

static WITHHELD: &[Field] = &[Field {
    name: "reason",
    zh: "不予公开的原因",
    ty: Ty::Text,
    required: true,
    help: "公众将看到的原因，如 涉及未成年人，依法不予公开",
    open: NOT_EXPORTED,
}];

static CORRECTION: &[Field] = &[
    Field {
        name: "date",
        zh: "更正日期",
        ty: Ty::Date,
        required: true,
        help: "发布后更正内容的日期",
        open: NOT_EXPORTED,
    },
    Field {
        name: "field",
        zh: "更正的字段",
        ty: Ty::Enum(&[
            "facts", "basis", "decision", "party", "case_no", "decided", "remedy",
        ]),
        required: true,
        help: "facts、basis、decision、party、case_no、decided 或 remedy",
        open: NOT_EXPORTED,
    },
    Field {
        name: "reason",
        zh: "更正原因",
        ty: Ty::Text,
        required: true,
        help: "如 原文当事人名称有错别字",
        open: NOT_EXPORTED,
    },
];

static LEGAL_REVIEW: &[Field] = &[
    Field {
        name: "office",
        zh: "审核机构",
        ty: Ty::Text,
        required: true,
        help: "作出法制审核的机构，如 局法制科",
        open: Some(ex(
            "office",
            OpenTy::Str,
            "审核机构",
            "The office that reviewed the decision, as entered.",
        )),
    },
    Field {
        name: "submitted",
        zh: "提交日期",
        ty: Ty::Date,
        required: true,
        help: "执法承办机构送交法制审核的日期",
        open: Some(ex(
            "submitted",
            OpenTy::Date,
            "提交日期",
            "Date the case was submitted for review.",
        )),
    },
    Field {
        name: "reviewed",
        zh: "审核日期",
        ty: Ty::Date,
        required: true,
        help: "出具审核意见的日期，不得晚于决定日期",
        open: Some(ex(
            "reviewed",
            OpenTy::Date,
            "审核日期",
            "Date of the review opinion.",
        )),
    },
    Field {
        name: "opinion",
        zh: "审核意见",
        ty: Ty::Text,
        required: true,
        help: "如 同意。事实清楚，证据确凿，适用依据正确，程序合法，处罚适当",
        open: Some(ex(
            "opinion",
            OpenTy::Str,
            "审核意见",
            "The review opinion, as entered.",
        )),
    },
    Field {
        name: "extension",
        zh: "延期理由",
        ty: Ty::Text,
        required: false,
        help: "审核超过 7 个工作日（site.toml 的 enforcement.review_working_days）时写明延期的理由",
        open: Some(ex_null(
            "extension",
            OpenTy::Str,
            "延期理由",
            "Why the review took longer than the working days allowed; `null` when not entered.",
        )),
    },
];

/// The decision's fields; `$full` is whether the decision's own content (party, facts,
/// basis, decision) is required: it is, except in a 不予公开 stub ([`WITHHELD_FIELDS`],
/// `withheld:` given), which publishes none of it and so needs only what it shows (number,
/// type, date, authority and the reason).
macro_rules! enforcement_fields {
    ($full:literal) => {
        &[
    Field {
        name: "case_no",
        zh: "决定书文号",
        ty: Ty::Text,
        required: true,
        help: "如 枝人社罚〔2026〕17号，不得重复",
        open: Some(ex(
        "case_no",
        OpenTy::Str,
        "决定书文号",
        "Number of the decision, unique.",
    )),
    },
    Field {
        name: "action",
        zh: "执法类别",
        ty: Ty::Enum(Action::VALUES),
        required: true,
        help: "许可、处罚、强制、检查、处理（行政处理决定）、复议（行政复议决定）或其他",
        open: Some(ex(
        "action",
        OpenTy::Enum(Action::VALUES),
        "执法类别",
        "许可, 处罚, 强制, 检查, 处理 (行政处理决定), 复议 (行政复议决定) or 其他.",
    )),
    },
    Field {
        name: "reviews",
        zh: "被复议的决定",
        ty: Ty::Text,
        required: false,
        help: "行政复议决定所复议的原决定：写 enforcement 下那条记录的文件名（不含扩展名），如 2026-017",
        open: Some(ex_null(
        "reviews",
        OpenTy::Url,
        "被复议的决定",
        "For a 复议 decision, URL of the decision it reviews when that one is published here.",
    )),
    },
    Field {
        name: "party",
        zh: "当事人",
        ty: Ty::Obj(PARTY),
        required: $full,
        help: "当事人信息（不予公开的决定可不填）",
        open: Some(ex_null("party", OpenTy::Obj(PARTY, &[]), "当事人", "The party concerned; `null` for a decision withheld (不予公开).")),
    },
    Field {
        name: "cause",
        zh: "案由",
        ty: Ty::Text,
        required: false,
        help: "照决定书写，如 未依法为劳动者缴纳社会保险费。不写则不显示",
        open: Some(ex_null("cause", OpenTy::Str, "案由", "Cause of the case, as the decision states it.")),
    },
    Field {
        name: "facts",
        zh: "主要事实",
        ty: Ty::Markdown,
        required: $full,
        help: "违法事实或许可事项（不予公开的决定可不填）",
        open: Some(ex_null("facts", OpenTy::Str, "主要事实", "Main facts (plain text); `null` for a decision withheld (不予公开).")),
    },
    Field {
        name: "basis",
        zh: "执法依据",
        ty: Ty::Markdown,
        required: $full,
        help: "法律法规名称及条款（不予公开的决定可不填）",
        open: Some(ex_null("basis", OpenTy::Str, "执法依据", "Legal basis (plain text); `null` for a decision withheld (不予公开).")),
    },
    Field {
        name: "decision",
        zh: "决定内容",
        ty: Ty::Markdown,
        required: $full,
        help: "处理决定（不予公开的决定可不填）",
        open: Some(ex_null(
        "decision",
        OpenTy::Str,
        "决定内容",
        "The decision (plain text); `null` for a decision withheld (不予公开).",
    )),
    },
    Field {
        name: "remedy",
        zh: "救济途径",
        ty: Ty::Markdown,
        required: false,
        help: "照决定书写明申请行政复议或提起行政诉讼的途径和期限。不写则不显示",
        open: Some(ex_null(
        "remedy",
        OpenTy::Str,
        "救济途径",
        "How to seek administrative review or bring a lawsuit (plain text); `null` when not entered.",
    )),
    },
    Field {
        name: "fine",
        zh: "罚款金额（元）",
        ty: Ty::Number,
        required: false,
        help: "只写数字",
        open: Some(ex_null(
        "fine",
        OpenTy::Num,
        "罚款金额（元）",
        "Fine in yuan, when there is one.",
    )),
    },
    Field {
        name: "penalties",
        zh: "处罚种类",
        ty: Ty::List(&Ty::Enum(PenaltyKind::VALUES)),
        required: false,
        help: "行政处罚决定的处罚种类（行政处罚法第九条），一个决定有几种的逐项写：警告、通报批评、罚款、没收违法所得、没收非法财物、暂扣许可证件、降低资质等级、吊销许可证件、限制开展生产经营活动、责令停产停业、责令关闭、限制从业、行政拘留、其他行政处罚。有罚款的须写 fine（罚款金额），有没收违法所得的写 confiscated（没收金额）。不写时行政执法统计年报计入“未注明”",
        open: Some(ex_null(
        "penalties",
        OpenTy::EnumList(PenaltyKind::VALUES),
        "处罚种类",
        "For a 行政处罚 decision, its kinds of penalty (行政处罚法 Art. 9) as entered; `null` when not entered (未注明), for other decisions and for a decision withheld (不予公开).",
    )),
    },
    Field {
        name: "confiscated",
        zh: "没收违法所得金额（元）",
        ty: Ty::Number,
        required: false,
        help: "处罚种类有“没收违法所得”时填写没收的金额，只写数字",
        open: Some(ex_null(
        "confiscated",
        OpenTy::Num,
        "没收违法所得金额（元）",
        "Illegal gains confiscated, in yuan, when entered.",
    )),
    },
    Field {
        name: "permit_result",
        zh: "许可结果",
        ty: Ty::Enum(PermitResult::VALUES),
        required: false,
        help: "行政许可决定的结果：准予许可、不予许可、准予变更、准予延续或撤销许可。不写时行政执法统计年报计入“未注明”",
        open: Some(ex_null(
        "permit_result",
        OpenTy::Enum(PermitResult::VALUES),
        "许可结果",
        "For a 行政许可 decision, its result as entered: 准予许可, 不予许可, 准予变更, 准予延续 or 撤销许可; `null` when not entered (未注明), for other decisions and for a decision withheld.",
    )),
    },
    Field {
        name: "decided",
        zh: "决定日期",
        ty: Ty::Date,
        required: true,
        help: "作出决定的日期",
        open: Some(ex("decided", OpenTy::Date, "决定日期", "Date of the decision.")),
    },
    Field {
        name: "authority",
        zh: "执法机关",
        ty: Ty::Text,
        required: true,
        help: "作出决定的机关",
        open: Some(ex("authority", OpenTy::Str, "执法机关", "Authority that decided.")),
    },
    Field {
        name: "status",
        zh: "决定状态",
        ty: Ty::Enum(Status::VALUES),
        required: false,
        help: "默认 有效",
        open: Some(ex(
        "status",
        OpenTy::Str,
        "状态",
        "Always 有效: decisions no longer in force leave the data.",
    )),
    },
    Field {
        name: "changed",
        zh: "变更情况",
        ty: Ty::Obj(CHANGED),
        required: false,
        help: "状态不是“有效”时必填",
        open: NOT_EXPORTED,
    },
    Field {
        name: "severity",
        zh: "情节",
        ty: Ty::Enum(&["一般", "较重", "严重"]),
        required: false,
        help: "决定公示期限按情节确定",
        open: Some(ex_null(
        "severity",
        OpenTy::Str,
        "情节",
        "Severity, which sets how long the decision stays published.",
    )),
    },
    Field {
        name: "display_until",
        zh: "公示截止日期",
        ty: Ty::Date,
        required: false,
        help: "不写时按 site.toml 中的公示期限计算",
        open: Some(ex_null(
        "display_until",
        OpenTy::Date,
        "公示截止日期",
        "Last day the decision stays published.",
    )),
    },
    Field {
        name: "corrections",
        zh: "更正记录",
        ty: Ty::List(&Ty::Obj(CORRECTION)),
        required: false,
        help: "发布后更正事实、依据、决定内容、当事人、文号、决定日期或救济途径时，每次更正加一项并写明原因",
        open: NOT_EXPORTED,
    },
    Field {
        name: "minor_reviewed",
        zh: "未成年人信息审核",
        ty: Ty::Obj(MINOR_REVIEWED),
        required: false,
        help: "涉及未成年人的决定，隐去全部身份信息（姓名写成“张某”）并经审核后照常公开时填写：by（审核人）和 date（审核日期）",
        open: NOT_EXPORTED,
    },
    Field {
        name: "withheld",
        zh: "不予公开",
        ty: Ty::Obj(WITHHELD),
        required: false,
        help: "决定不予公开时填写 reason（原因）：网站只显示文号、决定日期、执法机关和原因，不显示事实、依据和决定内容",
        open: Some(ex_null(
            "withheld",
            OpenTy::Str,
            "不予公开的原因",
            "Why the decision is withheld (不予公开): only its number, type, date and authority are published; `null` otherwise.",
        )),
    },
    Field {
        name: "late_reason",
        zh: "延迟公开说明",
        ty: Ty::Text,
        required: false,
        help: "超过公开期限才发布时，说明延迟的原因",
        open: NOT_EXPORTED,
    },
    Field {
        name: "major",
        zh: "重大执法决定",
        ty: Ty::Bool,
        required: false,
        help: "属于重大执法决定（如社会影响较大的案件）须经法制审核时写 true；罚款达到 site.toml 设置的金额等情形自动属于，不必写",
        open: Some(ex_null("major", OpenTy::Bool, "重大执法决定", "`true` when the decision is a 重大执法决定 that needs legal review: the record says so (`major: true`) or a rule of the bureau's catalogue in site.toml applies (fine threshold, revocation, listed measures); `major_rule` and `major_reason` say which. `null` otherwise (a decision outside the catalogue is not published as `false`) and for a decision withheld (不予公开).")),
    },
    Field {
        name: "legal_review",
        zh: "法制审核",
        ty: Ty::Obj(LEGAL_REVIEW),
        required: false,
        help: "重大执法决定在作出前经法制审核的情况：office（审核机构）、submitted（提交日期）、reviewed（审核日期）、opinion（审核意见），超过期限的写 extension（延期理由）",
        open: Some(ex_null("legal_review", OpenTy::Obj(LEGAL_REVIEW, &[]), "法制审核", "The legal office's review before the decision (重大执法决定法制审核); `null` when none is entered or the decision is withheld.")),
    },
    Field {
        name: "officers",
        zh: "执法人员",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "承办本案的执法人员，每人一行，写执法证号（或姓名）；网站有执法人员名录（content/officers/）时，须是名录中的人员",
        open: Some(ex_null("officers", OpenTy::StrList, "执法人员", "The officers who handled the case, as entered: certificate numbers (执法证号) or names; empty when none is entered; `null` for a decision withheld (不予公开).")),
    },
    Field {
        name: "plan",
        zh: "双随机抽查计划",
        ty: Ty::Text,
        required: false,
        help: "双随机抽查的检查结果所属的年度抽查计划：写 spot-check-plans 下那条记录的文件名（不含扩展名），如 2026",
        open: Some(ex_null("plan", OpenTy::Url, "双随机抽查计划", "URL of the year's spot-check plan (双随机抽查计划) an inspection belongs to; `null` otherwise.")),
    },
        ]
    };
}

pub static FIELDS: &[Field] = enforcement_fields!(true);

/// [`FIELDS`] for a 不予公开 stub (chosen by [`fields_for`]).
pub static WITHHELD_FIELDS: &[Field] = enforcement_fields!(false);

/// The field table a decision's file is checked against: [`WITHHELD_FIELDS`] when it has a
/// `withheld:` object, else [`FIELDS`].
pub fn fields_for(node: &crate::yaml::Node) -> &'static [Field] {
    match node.get("withheld").map(|n| &n.value) {
        Some(crate::yaml::Value::Map(_)) => WITHHELD_FIELDS,
        _ => FIELDS,
    }
}

wire_enum! {
    /// 执法类别.
    pub enum Action {
        Licence = "许可",
        Penalty = "处罚",
        Coercion = "强制",
        Inspection = "检查",
        Handling = "处理",
        Review = "复议",
        Other = "其他",
    }
}

wire_enum! {
    /// 处罚种类: the kinds of 行政处罚 of 行政处罚法 (2021) Art. 9, in its order.
    pub enum PenaltyKind {
        Warning = "警告",
        Criticism = "通报批评",
        Fine = "罚款",
        ConfiscateGains = "没收违法所得",
        ConfiscateProperty = "没收非法财物",
        SuspendLicence = "暂扣许可证件",
        Downgrade = "降低资质等级",
        RevokeLicence = "吊销许可证件",
        RestrictBusiness = "限制开展生产经营活动",
        SuspendBusiness = "责令停产停业",
        Close = "责令关闭",
        RestrictPractice = "限制从业",
        Detention = "行政拘留",
        Other = "其他行政处罚",
    }
}

wire_enum! {
    /// 许可结果: what a 行政许可 decision decided (行政许可法 Art. 38, 49–50, 69).
    pub enum PermitResult {
        Granted = "准予许可",
        Refused = "不予许可",
        Changed = "准予变更",
        Extended = "准予延续",
        Revoked = "撤销许可",
    }
}

wire_enum! {
    /// 当事人类型. The default stands only in a 不予公开 stub that does not state its party,
    /// whose party is never published; 自然人 is the choice that would publish least.
    #[derive(Default)]
    pub enum PartyType {
        #[default]
        NaturalPerson = "自然人",
        SoleTrader = "个体工商户",
        LegalPerson = "法人",
        OtherOrganisation = "其他组织",
    }
}

wire_enum! {
    /// 决定状态: a decision stays 有效 until changed, revoked or found unlawful or void.
    #[derive(Default)]
    pub enum Status {
        #[default]
        InForce = "有效",
        Changed = "已变更",
        Revoked = "已撤销",
        Unlawful = "确认违法",
        Void = "确认无效",
    }
}

/// 当事人 (the default only in a 不予公开 stub, never published).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Party {
    #[serde(rename = "type")]
    pub party_type: PartyType,
    pub name: String,
    #[serde(default)]
    pub credit_code: Option<String>,
    #[serde(default)]
    pub minor: bool,
    /// 法定代表人 (a person: masked, 张某).
    #[serde(default)]
    pub legal_rep: Option<String>,
    /// 住所.
    #[serde(default)]
    pub address: Option<String>,
}

/// 更正记录 — one dated correction of a published decision.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Correction {
    pub date: jiff::civil::Date,
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Changed {
    pub date: jiff::civil::Date,
    pub reason: String,
}

/// 行政执法决定 — an enforcement decision.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Enforcement {
    pub case_no: String,
    pub action: Action,
    /// 被复议的决定: the id of the enforcement record a 复议 decision reviews.
    #[serde(default)]
    pub reviews: Option<String>,
    /// Absent only in a 不予公开 stub ([`WITHHELD_FIELDS`]).
    #[serde(default)]
    pub party: Party,
    /// 案由.
    #[serde(default)]
    pub cause: Option<String>,
    /// Empty only in a 不予公开 stub, which publishes none of these three.
    #[serde(default)]
    pub facts: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub decision: String,
    /// 救济途径 (md).
    #[serde(default)]
    pub remedy: Option<String>,
    #[serde(default)]
    pub fine: Option<f64>,
    /// 处罚种类 of a 行政处罚 decision; empty when not entered (counted as 未注明).
    #[serde(default)]
    pub penalties: Vec<PenaltyKind>,
    /// 没收违法所得金额 in yuan.
    #[serde(default)]
    pub confiscated: Option<f64>,
    /// 许可结果 of a 行政许可 decision (`None`: 未注明).
    #[serde(default)]
    pub permit_result: Option<PermitResult>,
    pub decided: jiff::civil::Date,
    pub authority: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub changed: Option<Changed>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub display_until: Option<jiff::civil::Date>,
    /// 更正记录, oldest first.
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// 延迟公开说明: why the decision was published after its deadline.
    #[serde(default)]
    pub late_reason: Option<String>,
    /// 未成年人信息审核: a decision about a minor published with every identity masked.
    #[serde(default)]
    pub minor_reviewed: Option<MinorReviewed>,
    /// 不予公开: only a stub (case number, date, authority, reason) is published.
    #[serde(default)]
    pub withheld: Option<Withheld>,
    /// 重大执法决定: the record puts itself in the legal-review catalogue.
    #[serde(default)]
    pub major: bool,
    /// 法制审核: the legal office's review before the decision.
    #[serde(default)]
    pub legal_review: Option<LegalReview>,
    /// 执法人员: certificate numbers (or names) of the officers who handled the case.
    #[serde(default)]
    pub officers: Vec<String>,
    /// 双随机抽查计划: the id of the spot-check plan an inspection (检查) belongs to.
    #[serde(default)]
    pub plan: Option<String>,
}

/// 法制审核 — the legal office's review of a major enforcement decision before it is made.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LegalReview {
    pub office: String,
    pub submitted: jiff::civil::Date,
    pub reviewed: jiff::civil::Date,
    pub opinion: String,
    /// 延期理由: why the review took longer than the configured working days.
    #[serde(default)]
    pub extension: Option<String>,
}

/// 未成年人信息审核 — who checked that a decision about a minor names nobody.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MinorReviewed {
    pub by: String,
    pub date: jiff::civil::Date,
}

/// 不予公开 — the decision is published as a stub: case number, date, authority and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Withheld {
    pub reason: String,
}

impl Enforcement {
    /// Still in force (有效)?
    pub fn in_force(&self) -> bool {
        self.status == Status::InForce
    }

    /// Published as a 不予公开 stub (nothing of the facts)?
    pub fn is_withheld(&self) -> bool {
        self.withheld.is_some()
    }

    /// Marked as about a minor (`party.minor`) with neither documented way to publish it
    /// chosen: the decision is not published at all.
    pub fn minor_blocked(&self) -> bool {
        self.party.minor && self.minor_reviewed.is_none() && self.withheld.is_none()
    }

    /// Does a decision of this type have to tell the party how to seek review or sue
    /// (救济途径)? 行政处罚 and 行政处理 decisions do.
    pub fn needs_remedy(&self) -> bool {
        matches!(self.action, Action::Penalty | Action::Handling)
    }
}

/// The words of a 决定内容 that revoke a licence or permit (`enforcement.review_revocation`).
pub const REVOCATION_WORDS: &[&str] = &[
    "吊销",
    "撤销许可",
    "撤销行政许可",
    "撤回许可",
    "撤回行政许可",
];

/// Open-data entries computed from the site's rules rather than copied (see `major`).
pub static OPEN_DERIVED: &[OpenField] = &[
    ex_null(
        "major_rule",
        OpenTy::Enum(MajorRule::VALUES),
        "重大执法决定情形",
        "Which rule makes the decision a 重大执法决定: 标明 (the record says `major: true`), 罚款金额 (fine at or above `review_fine_threshold`), 吊销撤销许可 (a revocation, with `review_revocation`), 列明措施 (a measure listed in `review_measures`); `null` when none applies or the decision is withheld.",
    )
    .after("major"),
    ex_null(
        "major_reason",
        OpenTy::Str,
        "重大执法决定理由",
        "The same in words, as `gongshi check` reports it (「罚款60,000元，达到 site.toml 中须经法制审核的金额（50,000元）」); `null` when `major_rule` is.",
    )
    .after("major_rule"),
];

wire_enum! {
    /// Which rule of the 重大执法决定 catalogue a decision falls under.
    pub enum MajorRule {
        Marked = "标明",
        Fine = "罚款金额",
        Revocation = "吊销撤销许可",
        Measure = "列明措施",
    }
}

/// Why a decision is in the bureau's 重大执法决定 catalogue (法制审核目录) — the site's
/// `[enforcement]` rules or the record's own `major: true` — or `None` when it is not.
pub fn review_reason(rules: &crate::config::EnforcementRules, e: &Enforcement) -> Option<String> {
    major_rule(rules, e).map(|(_, why)| why)
}

/// The rule that makes a decision a 重大执法决定, and why in words, or `None` when none does.
/// The record's own `major: true` comes first, then the fine threshold, revocation and the
/// listed measures, in the order of `[enforcement]` in site.toml.
pub fn major_rule(
    rules: &crate::config::EnforcementRules,
    e: &Enforcement,
) -> Option<(MajorRule, String)> {
    if e.major {
        return Some((
            MajorRule::Marked,
            "本决定标明为重大执法决定（major: true）".to_string(),
        ));
    }
    if let (Some(t), Some(f)) = (rules.review_fine_threshold, e.fine) {
        if f >= t {
            return Some((
                MajorRule::Fine,
                format!(
                    "罚款{}元，达到 site.toml 中须经法制审核的金额（{}元）",
                    money(f),
                    money(t)
                ),
            ));
        }
    }
    let said =
        |w: &str| e.decision.contains(w) || e.cause.as_deref().is_some_and(|c| c.contains(w));
    if rules.review_revocation {
        // The typed outcome first; the words of the decision still catch an older record
        // that has none (a review asked for, never a published figure).
        let typed = if e.penalties.contains(&PenaltyKind::RevokeLicence) {
            Some("处罚种类含“吊销许可证件”")
        } else if e.permit_result == Some(PermitResult::Revoked) {
            Some("许可结果为“撤销许可”")
        } else {
            None
        };
        if let Some(t) = typed {
            return Some((
                MajorRule::Revocation,
                format!("{t}，吊销、撤销许可须经法制审核"),
            ));
        }
        if let Some(w) = REVOCATION_WORDS.iter().find(|w| said(w)) {
            return Some((
                MajorRule::Revocation,
                format!("决定内容含“{w}”，吊销、撤销许可须经法制审核"),
            ));
        }
    }
    rules
        .review_measures
        .iter()
        .map(|m| m.trim())
        .find(|m| !m.is_empty() && said(m))
        .map(|m| {
            (
                MajorRule::Measure,
                format!("决定含“{m}”，列在 site.toml 的 enforcement.review_measures 中"),
            )
        })
}

/// The display period in days of a decision, from `publicity.display_days`: the most specific
/// key wins — `当事人类型.情节` (`自然人.一般`), then `情节`, then `当事人类型`, then `default`.
pub fn display_days(site: &Site, e: &Enforcement) -> Option<u32> {
    let days = &site.config.publicity.display_days;
    let party = e.party.party_type.as_str();
    let by_both = e
        .severity
        .as_ref()
        .and_then(|s| days.get(&format!("{party}.{s}")));
    by_both
        .or_else(|| e.severity.as_ref().and_then(|s| days.get(s)))
        .or_else(|| days.get(party))
        .or_else(|| days.get("default"))
        .copied()
}

/// The last day a decision stays published.
pub fn display_until(site: &Site, r: &Record, e: &Enforcement) -> Option<jiff::civil::Date> {
    if let Some(d) = e.display_until {
        return Some(d);
    }
    let n = display_days(site, e)?;
    let start = r.common.published.unwrap_or(e.decided);
    start.checked_add(jiff::Span::new().days(i64::from(n))).ok()
}

/// Why a decision is no longer shown on `today`, if it is not: withdrawn or changed, about a
/// minor, or past its display period.
pub fn hidden_reason(
    site: &Site,
    r: &Record,
    e: &Enforcement,
    today: jiff::civil::Date,
) -> Option<Hidden> {
    if !e.in_force() {
        let (date, reason) = e
            .changed
            .as_ref()
            .map(|c| (c.date, c.reason.clone()))
            .unwrap_or((e.decided, String::new()));
        return Some(Hidden {
            date,
            reason,
            status: e.status.to_string(),
        });
    }
    // Marked as about a minor with neither documented way to publish it chosen (the privacy
    // lint blocks the build; a preview still shows the notice, never the decision).
    if e.minor_blocked() {
        return Some(Hidden {
            date: e.decided,
            reason: "涉及未成年人，依法不予公开".into(),
            status: "不予公开".into(),
        });
    }
    let until = display_until(site, r, e)?;
    (today > until).then(|| Hidden {
        date: until,
        reason: "公示期限已届满".into(),
        status: "公示期满".into(),
    })
}

impl super::RecordKind for Enforcement {
    const NAME: &'static str = "enforcement";
    const FOLDER: &'static str = "enforcement";
    const LABEL: &'static str = "执法公示";
    const NAV_LABEL: Option<&'static str> = Some("执法公示");
    const FIELDS: &'static [Field] = FIELDS;
    /// 救济途径 is optional in the schema (检查 and 许可 results have none) but a penalty
    /// or handling decision without it is warned about: a new record asks for it.
    const SKELETON: &'static [&'static str] = &["remedy"];
    const OPEN_DERIVED: &'static [OpenField] = OPEN_DERIVED;
    const PUBLIC_TEXT: Option<&'static [&'static str]> = Some(&[
        "title",
        "party.name",
        "party.legal_rep",
        "party.address",
        "cause",
        "facts",
        "basis",
        "decision",
        "remedy",
        "withheld.reason",
    ]);

    fn summary(&self, r: &Record) -> String {
        match &self.withheld {
            Some(w) => format!("{}：不予公开（{}）", self.case_no, w.reason),
            None => format!(
                "{}（{}）：{}",
                self.case_no,
                self.action,
                md_text(r, "decision")
            ),
        }
    }

    /// Hidden once withdrawn or past its display period; a 复议 decision is listed on the
    /// page of the decision it reviews.
    fn clock(&self, cx: &ClockCx, r: &Record, _out: &mut Vec<Diagnostic>) -> Clock {
        Clock {
            hidden: hidden_reason(cx.site, r, self, cx.today),
            reviews: self.reviews.as_deref().map(|id| id.trim().to_string()),
            ..Clock::default()
        }
    }

    fn validate(&self, cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        let e = self;
        if let Some(id) = e.reviews.as_deref().map(str::trim) {
            if !cx.has(Kind::Enforcement, id) || id == r.id {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::ContentDanglingRef,
                            &r.source,
                            format!("被复议的决定“{id}”不存在"),
                        ),
                        "reviews",
                    )
                    .hint("请填写 content/enforcement/ 下原决定那条记录的文件名（不含扩展名），如 reviews: 2026-017；原决定不在本网站公开的，请删去 reviews，在决定内容中写明原决定书文号。"),
                );
            }
        }
        if let Some(id) = e.plan.as_deref().map(str::trim) {
            if !cx.has(Kind::SpotCheckPlan, id) {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::ContentDanglingRef,
                            &r.source,
                            format!("双随机抽查计划“{id}”不存在"),
                        ),
                        "plan",
                    )
                    .hint("请填写 content/spot-check-plans/ 下年度抽查计划那条记录的文件名（不含扩展名），如 plan: 2026；不属于双随机抽查的检查，请删去 plan。"),
                );
            }
        }
        if e.withheld.is_some() {
            withheld_content(e, r, out);
        } else if e.needs_remedy()
            && e.in_force()
            && e.remedy.as_deref().is_none_or(|t| t.trim().is_empty())
        {
            out.push(
                r.diag_at(
                    Diagnostic::warning(
                        Code::EnforcementNoRemedy,
                        &r.source,
                        // The actions that need one, spelt out: a large site can draw tens
                        // of thousands of this warning, held until the report.
                        match e.action {
                            Action::Penalty => Cow::Borrowed("行政处罚决定没有写明救济途径"),
                            Action::Handling => Cow::Borrowed("行政处理决定没有写明救济途径"),
                            a => Cow::Owned(format!("行政{a}决定没有写明救济途径")),
                        },
                    ),
                    "action",
                )
                .expected("remedy：申请行政复议或提起行政诉讼的途径和期限")
                .hint("请照决定书添加 remedy，如：如不服本决定，可在收到本决定书之日起六十日内向××人民政府申请行政复议，或者在六个月内向××人民法院提起行政诉讼。已经发布的决定，添加时在 corrections 中登记一项（field: remedy）。"),
            );
        }
        outcome_rules(e, r, out);
        if e.party.party_type == PartyType::NaturalPerson && e.party.address.is_some() {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::PrivacyPersonAddress,
                        &r.source,
                        "当事人是自然人，不得公开其住所",
                    ),
                    "party.address",
                )
                .hint("删去 party 下的 address 一行。住所只对单位和个体工商户公开。"),
            );
        }
        let no = e.case_no.trim();
        if !no.is_empty() && !doc_no_ok(no) {
            out.push(
                r.diag_at(
                    Diagnostic::warning(
                        Code::EnforcementCaseNo,
                        &r.source,
                        format!("决定书文号“{no}”格式不规范"),
                    ),
                    "case_no",
                )
                .expected("机关代字〔年份〕序号号，如 枝人社罚〔2026〕17号（年份用六角括号〔〕，序号是数字）")
                .found(no.to_string())
                .hint("请对照决定书原件核对：年份的括号写成六角括号〔〕，不要用 [] 或 ()；还没有文号的决定不要发布。"),
            );
        }
        if !e.in_force() && e.changed.is_none() {
            out.push(r.diag_at(
                Diagnostic::error(Code::EnforcementNoChangeRecord, &r.source, format!("决定状态为“{}”，但没有填写变更情况", e.status))
                    .hint("请添加 changed: 下的 date（变更日期）和 reason（原因），公众将看到这一说明。"),
                "status",
            ));
        }
        if let Some(p) = r.common.published {
            if p < e.decided {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::EnforcementDateOrder,
                            &r.source,
                            "发布日期早于决定日期",
                        )
                        .hint("请核对 published 和 decided。"),
                        "published",
                    ),
                );
            }
        }
    }

    fn view(&self, cx: &ViewCx) -> Value {
        let (e, p) = (self, &self.party);
        let reviewed_by = reviewed_by(cx);
        if let Some(w) = &e.withheld {
            return json!({
                "withheld": w.reason, "case_no": e.case_no, "action": e.action,
                "decided": date_text(e.decided), "authority": e.authority,
                "reviewed_by": reviewed_by,
            });
        }
        to_value(View {
            reviewed_by,
            case_no: &e.case_no,
            action: e.action,
            reviews: e
                .reviews
                .as_deref()
                .and_then(|id| cx.url_of(&format!("enforcement/{}", id.trim()))),
            party: PartyView {
                party_type: p.party_type,
                name: &p.name,
                credit_code: p.credit_code.as_deref(),
                legal_rep: p.legal_rep.as_deref(),
                // A person's 住所 is never shown.
                address: if p.party_type == PartyType::NaturalPerson {
                    None
                } else {
                    p.address.as_deref()
                },
            },
            cause: e.cause.as_deref(),
            remedy: e.remedy.as_ref().map(|_| cx.md("remedy")),
            facts: cx.md("facts"),
            basis: cx.md("basis"),
            decision: cx.md("decision"),
            fine: e.fine.map(money),
            penalties: (e.action == Action::Penalty).then(|| kinds_text(&e.penalties)),
            confiscated: e.confiscated.map(money),
            permit_result: (e.action == Action::Licence)
                .then(|| e.permit_result.map_or(NOT_STATED, PermitResult::as_str)),
            decided: date_text(e.decided),
            authority: &e.authority,
            status: e.status,
            severity: e.severity.as_deref(),
            display_until: cx.display_until(e).map(date_text),
            corrections: e
                .corrections
                .iter()
                .map(|c| CorrectionView {
                    date: date_text(c.date),
                    field: &c.field,
                    field_label: correction_label(&c.field),
                    reason: &c.reason,
                })
                .collect(),
            legal_review: e.legal_review.as_ref().map(|v| ReviewView {
                office: &v.office,
                reviewed: date_text(v.reviewed),
                opinion: &v.opinion,
            }),
            officers: officers_view(cx, &e.officers),
            plan: e
                .plan
                .as_deref()
                .and_then(|id| cx.url_of(&format!("spot-check-plans/{}", id.trim()))),
        })
    }

    fn meta_rows<'a>(&'a self, rows: &mut Vec<MetaRow<'a>>) {
        rows.push(MetaRow::text("决定书文号", &self.case_no));
        rows.push(MetaRow::date("决定日期", self.decided));
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        if self.is_withheld() {
            return (None, Some(format!("不予公开 · {}", self.case_no)));
        }
        (None, Some(format!("{} · {}", self.action, self.case_no)))
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        if let Some(w) = &self.withheld {
            parts.push(w.reason.clone());
        } else {
            parts.push(self.party.name.clone());
            parts.extend(self.cause.clone());
        }
        parts.push(self.authority.clone());
    }

    fn links_to(&self, key: &str) -> bool {
        self.reviews
            .as_deref()
            .is_some_and(|id| key.strip_prefix("enforcement/") == Some(id.trim()))
            || (!self.officers.is_empty() && key.starts_with("officers/"))
            || self
                .plan
                .as_deref()
                .is_some_and(|id| key.strip_prefix("spot-check-plans/") == Some(id.trim()))
    }

    fn open_data(&self, cx: &ViewCx) -> Value {
        let (e, r) = (self, cx.r);
        let person = e.party.party_type == PartyType::NaturalPerson;
        if let Some(w) = &e.withheld {
            // A stub exports what its page shows and nothing of the decision.
            return json!({
                "case_no": e.case_no, "action": e.action, "reviews": null, "party": null,
                "cause": null, "facts": null, "basis": null, "decision": null, "remedy": null,
                "fine": null, "penalties": null, "confiscated": null, "permit_result": null,
                "decided": e.decided.to_string(), "authority": e.authority,
                "status": e.status, "severity": null, "display_until": date(cx.display_until(e)),
                "withheld": w.reason, "major": null, "legal_review": null, "officers": null,
                "plan": null,
            });
        }
        let major = major_rule(&cx.site.config.enforcement, e);
        json!({
            "case_no": e.case_no, "action": e.action,
            "reviews": e.reviews.as_deref().and_then(|id| exported_url(cx, &format!("enforcement/{}", id.trim()))),
            "party": {"type": e.party.party_type, "name": e.party.name,
                      "credit_code": if person { None } else { e.party.credit_code.clone() },
                      "legal_rep": e.party.legal_rep,
                      "address": if person { None } else { e.party.address.clone() }},
            "cause": e.cause,
            "facts": md_text(r, "facts"), "basis": md_text(r, "basis"), "decision": md_text(r, "decision"),
            "remedy": nonempty(md_text(r, "remedy")),
            "fine": e.fine,
            "penalties": (!e.penalties.is_empty()).then_some(&e.penalties),
            "confiscated": e.confiscated, "permit_result": e.permit_result,
            "decided": e.decided.to_string(), "authority": e.authority,
            "status": e.status, "severity": e.severity,
            "display_until": date(cx.display_until(e)),
            "withheld": null,
            "major": major.is_some().then_some(true),
            "major_rule": major.as_ref().map(|(rule, _)| rule),
            "major_reason": major.as_ref().map(|(_, why)| why),
            "legal_review": e.legal_review.as_ref().map(|v| json!({
                "office": v.office, "submitted": v.submitted.to_string(),
                "reviewed": v.reviewed.to_string(), "opinion": v.opinion, "extension": v.extension,
            })),
            "officers": e.officers,
            "plan": e.plan.as_deref().and_then(|id| exported_url(cx, &format!("spot-check-plans/{}", id.trim()))),
        })
    }

    fn csv_rows(&self, site: &Site, r: &Record, url: &str) -> Vec<Vec<String>> {
        let e = self;
        let mut rows = Vec::new();
        let published = r
            .common
            .published
            .map(|d| d.to_string())
            .unwrap_or_default();
        if let Some(w) = &e.withheld {
            // The stub's row: what its page shows (see `open_data`).
            let mut row = vec![String::new(); 31];
            row[0] = e.case_no.clone();
            row[1] = r.common.title.clone();
            row[2] = e.action.to_string();
            row[7] = e.decided.to_string();
            row[8] = e.authority.clone();
            row[9] = published;
            row[10] = r.common.public_index_no().cloned().unwrap_or_default();
            row[11] = url.to_string();
            row[17] = w.reason.clone();
            return vec![row];
        }
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        let review =
            |f: fn(&LegalReview) -> String| e.legal_review.as_ref().map(f).unwrap_or_default();
        let person = e.party.party_type == PartyType::NaturalPerson;
        let major = major_rule(&site.config.enforcement, e);
        rows.push(vec![
            e.case_no.clone(),
            r.common.title.clone(),
            e.action.to_string(),
            e.party.party_type.to_string(),
            e.party.name.clone(),
            if person {
                String::new()
            } else {
                s(&e.party.credit_code)
            },
            e.fine.map(number).unwrap_or_default(),
            e.decided.to_string(),
            e.authority.clone(),
            published.clone(),
            s(&r.common.public_index_no().cloned()),
            url.to_string(),
            s(&e.cause),
            s(&e.party.legal_rep),
            if person {
                String::new()
            } else {
                s(&e.party.address)
            },
            md_text(r, "remedy"),
            e.reviews
                .as_deref()
                .map(|id| id.trim().to_string())
                .unwrap_or_default(),
            String::new(),
            if e.major { "是" } else { "" }.to_string(),
            review(|v| v.office.clone()),
            review(|v| v.submitted.to_string()),
            review(|v| v.reviewed.to_string()),
            review(|v| v.opinion.clone()),
            review(|v| v.extension.clone().unwrap_or_default()),
            e.officers.join("；"),
            e.plan
                .as_deref()
                .map(|id| id.trim().to_string())
                .unwrap_or_default(),
            if major.is_some() { "是" } else { "" }.to_string(),
            major.map(|(rule, _)| rule.to_string()).unwrap_or_default(),
            e.penalties
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join("；"),
            e.confiscated.map(number).unwrap_or_default(),
            e.permit_result.map(|p| p.to_string()).unwrap_or_default(),
        ]);
        rows
    }
}

/// The 行政复议 decisions published here that review this decision (「复议情况」), in site
/// order: a link each, with its case number and decision date.
fn reviewed_by(cx: &ViewCx) -> Vec<Value> {
    cx.facts
        .reviewed_by(&cx.r.id)
        .iter()
        .filter_map(|key| {
            let x = cx.site.get(key)?;
            let super::Data::Enforcement(v) = &x.data else {
                return None;
            };
            if !cx.listed(x) {
                return None;
            }
            let mut link = cx.url_of(key)?;
            link["case_no"] = json!(v.case_no);
            link["decided"] = json!(date_text(v.decided));
            Some(link)
        })
        .collect()
}

/// The typed outcomes the 行政执法统计年报 counts: 处罚种类 only on a 行政处罚 decision and
/// 许可结果 only on a 行政许可 one, each kind once, the amounts with their kinds. A penalty
/// or permit decision without its outcome is a warning (records written before the fields
/// existed): the statistics count it under 未注明 rather than guess from the decision's text.
/// A 不予公开 stub is not asked for them (it needs only what it shows).
fn outcome_rules(e: &Enforcement, r: &Record, out: &mut Vec<Diagnostic>) {
    let mismatch = |field: &str, msg: String, hint: &str| {
        r.diag_at(
            Diagnostic::error(Code::EnforcementOutcomeMismatch, &r.source, msg),
            field,
        )
        .hint(hint.to_string())
    };
    if !e.penalties.is_empty() && e.action != Action::Penalty {
        out.push(mismatch(
            "penalties",
            format!("行政{}决定不能有处罚种类", e.action),
            "处罚种类（penalties）只用于执法类别为“处罚”的决定：请核对 action，或删去 penalties。",
        ));
    }
    if e.permit_result.is_some() && e.action != Action::Licence {
        out.push(mismatch(
            "permit_result",
            format!("行政{}决定不能有许可结果", e.action),
            "许可结果（permit_result）只用于执法类别为“许可”的决定：请核对 action，或删去 permit_result。",
        ));
    }
    for (i, k) in e.penalties.iter().enumerate() {
        if e.penalties[..i].contains(k) {
            out.push(mismatch(
                &format!("penalties[{}]", i + 1),
                format!("处罚种类“{k}”重复"),
                "每种处罚只写一次；请删去重复的一项。",
            ));
        }
    }
    let has = |k: PenaltyKind| e.penalties.contains(&k);
    if e.action == Action::Penalty && !e.penalties.is_empty() {
        if has(PenaltyKind::Fine) && e.fine.is_none() {
            out.push(
                mismatch(
                    "penalties",
                    "处罚种类有罚款，但没有填写罚款金额".into(),
                    "请照决定书添加 fine（罚款金额，只写数字，单位元）：统计年报按它合计罚款金额。",
                )
                .expected("fine：罚款金额（元）"),
            );
        }
        if e.fine.is_some() && !has(PenaltyKind::Fine) {
            out.push(
                mismatch(
                    "fine",
                    "填写了罚款金额，但处罚种类中没有罚款".into(),
                    "请在 penalties 中加上“罚款”；决定没有罚款的，删去 fine。",
                )
                .found(format!("penalties: {}", kinds_text(&e.penalties))),
            );
        }
    }
    if e.confiscated.is_some() && !has(PenaltyKind::ConfiscateGains) {
        out.push(mismatch(
            "confiscated",
            "填写了没收违法所得金额，但处罚种类中没有没收违法所得".into(),
            "请在 penalties 中加上“没收违法所得”；决定没有没收违法所得的，删去 confiscated。",
        ));
    }
    if e.withheld.is_some() {
        return;
    }
    if e.action == Action::Penalty && e.penalties.is_empty() {
        out.push(
            r.diag_at(
                Diagnostic::warning(
                    Code::EnforcementNoPenaltyKind,
                    &r.source,
                    "行政处罚决定没有写明处罚种类",
                ),
                "action",
            )
            .expected(PENALTIES_EXPECTED.as_str())
            .hint("请照决定书添加 penalties，如 penalties: [警告, 罚款]。不写时行政执法统计年报把这个决定计入“处罚种类未注明”，不会从决定内容的文字推测。"),
        );
    }
    if e.action == Action::Licence && e.permit_result.is_none() {
        out.push(
            r.diag_at(
                Diagnostic::warning(
                    Code::EnforcementNoPermitResult,
                    &r.source,
                    "行政许可决定没有写明许可结果",
                ),
                "action",
            )
            .expected(PERMIT_RESULT_EXPECTED.as_str())
            .hint("请照决定书添加 permit_result，如 permit_result: 准予许可。不写时行政执法统计年报把这个决定计入“未注明”，不会从决定内容的文字推测。"),
        );
    }
}

/// What `enforcement.no-penalty-kind` and `enforcement.no-permit-result` expect: made once,
/// not in each of the (on a large site, tens of thousands of) warnings.
static PENALTIES_EXPECTED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "penalties：{}中的一项或几项",
        PenaltyKind::VALUES.join("、")
    )
});
static PERMIT_RESULT_EXPECTED: LazyLock<String> =
    LazyLock::new(|| format!("permit_result：{}之一", PermitResult::VALUES.join("、")));

/// 处罚种类 as one line, `警告、罚款` (empty list: 未注明).
pub fn kinds_text(kinds: &[PenaltyKind]) -> String {
    if kinds.is_empty() {
        return NOT_STATED.to_string();
    }
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// A 不予公开 stub publishes nothing of the decision but its number, date, authority and the
/// reason: what else the page, the search or the open data would show is an error (and
/// choosing both ways for a minor at once is one too).
fn withheld_content(e: &Enforcement, r: &Record, out: &mut Vec<Diagnostic>) {
    let err = |field: &str, what: &str| {
        r.diag_at(
            Diagnostic::error(
                Code::EnforcementWithheldContent,
                &r.source,
                format!("不予公开的决定不能有{what}"),
            ),
            field,
        )
        .hint(format!("不予公开的决定只显示文号、决定日期、执法机关和不予公开的原因：请删去{what}；事实、依据和决定内容只保存在本文件中，不会公开。"))
    };
    if !r.body.text.trim().is_empty() {
        out.push(err("withheld", "正文"));
    }
    if r.common.summary.is_some() {
        out.push(err("summary", "摘要（summary）"));
    }
    if !r.common.tags.is_empty() {
        out.push(err("tags", "关键词（tags）"));
    }
    if !r.common.attachments.is_empty() {
        out.push(err("attachments", "附件（attachments）"));
    }
    if e.minor_reviewed.is_some() {
        out.push(
            r.diag_at(
                Diagnostic::error(
                    Code::EnforcementWithheldContent,
                    &r.source,
                    "withheld 和 minor_reviewed 只能选一种",
                ),
                "minor_reviewed",
            )
            .hint("隐去身份信息后照常公开的，删去 withheld；只公开不予公开说明的，删去 minor_reviewed。"),
        );
    }
}

/// The Chinese name of a field an enforcement correction names.
/// The view model of a decision (`record.d`).
#[derive(Serialize)]
struct View<'a> {
    reviewed_by: Vec<Value>,
    case_no: &'a str,
    action: Action,
    reviews: Option<Value>,
    party: PartyView<'a>,
    cause: Option<&'a str>,
    remedy: Option<String>,
    facts: String,
    basis: String,
    decision: String,
    fine: Option<String>,
    /// 处罚种类 of a penalty decision, `警告、罚款` or 未注明; `None` for other decisions.
    penalties: Option<String>,
    confiscated: Option<String>,
    /// 许可结果 of a permit decision, or 未注明; `None` for other decisions.
    permit_result: Option<&'static str>,
    decided: String,
    authority: &'a str,
    status: Status,
    severity: Option<&'a str>,
    display_until: Option<String>,
    corrections: Vec<CorrectionView<'a>>,
    /// 「经法制审核」: absent from the view model when there is none (pages stay as they were).
    #[serde(skip_serializing_if = "Option::is_none")]
    legal_review: Option<ReviewView<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    officers: Vec<OfficerView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<Value>,
}

/// The legal review of a decision as its page shows it.
#[derive(Serialize)]
struct ReviewView<'a> {
    office: &'a str,
    reviewed: String,
    opinion: &'a str,
}

/// An officer of a decision as its page shows it: name and certificate number from the
/// register when found there (with the register page's URL), else the words entered.
#[derive(Serialize)]
struct OfficerView<'a> {
    name: &'a str,
    cert_no: Option<&'a str>,
    url: Option<String>,
}

fn officers_view<'a>(cx: &ViewCx<'a>, list: &'a [String]) -> Vec<OfficerView<'a>> {
    if list.is_empty() {
        return Vec::new();
    }
    let registers: Vec<&'a Record> = cx.site.of_kind(Kind::Officers).collect();
    list.iter()
        .map(|entry| {
            let entry = entry.trim();
            let found = registers.iter().find_map(|r| {
                let super::Data::Officers(reg) = &r.data else {
                    return None;
                };
                let o = reg.find(entry)?;
                Some((*r, o))
            });
            match found {
                Some((r, o)) if cx.listed(r) => OfficerView {
                    name: &o.name,
                    cert_no: Some(&o.cert_no),
                    url: cx
                        .url_of(&r.key())
                        .and_then(|l| l["url"].as_str().map(|u| format!("{u}#{}", o.anchor()))),
                },
                Some((_, o)) => OfficerView {
                    name: &o.name,
                    cert_no: Some(&o.cert_no),
                    url: None,
                },
                None => OfficerView {
                    name: entry,
                    cert_no: None,
                    url: None,
                },
            }
        })
        .collect()
}

/// The party of a decision as its page shows it.
#[derive(Serialize)]
struct PartyView<'a> {
    #[serde(rename = "type")]
    party_type: PartyType,
    name: &'a str,
    credit_code: Option<&'a str>,
    legal_rep: Option<&'a str>,
    address: Option<&'a str>,
}

/// A correction of a decision as its page shows it.
#[derive(Serialize)]
struct CorrectionView<'a> {
    date: String,
    field: &'a str,
    field_label: &'static str,
    reason: &'a str,
}

fn correction_label(field: &str) -> &'static str {
    match field {
        "facts" => "主要事实",
        "basis" => "执法依据",
        "decision" => "决定内容",
        "party" => "当事人",
        "case_no" => "决定书文号",
        "decided" => "决定日期",
        "remedy" => "救济途径",
        _ => "其他",
    }
}
