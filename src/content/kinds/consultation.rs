//! 意见征集 — a decision under public comment: the notice's four required items, its window
//! and channels, and afterwards its outcome.

use super::{Attachment, ATTACHMENT};
use crate::content::clock::{add_days, Clock, ClockCx, Due};
use crate::content::validate::{type_alias, KindCx};
use crate::content::view::{
    attachments, date_text, datetime_text, instant, md_text, nonempty, to_value, KindFacts, ViewCx,
};
use crate::content::window::{
    self, last_day, notice_sentence, opens_of, state_without_window, State,
};
use crate::content::Record;
use crate::diag::{Code, Diagnostic};
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::schema::{ex, ex_null, OpenField, OpenTy, NOT_EXPORTED};

static CHANNELS: &[Field] = &[
    Field {
        name: "form",
        zh: "网上表单",
        ty: Ty::Bool,
        required: false,
        help: "是否在网页上提供意见表单（默认 true）",
        open: Some(ex(
            "form",
            OpenTy::Bool,
            "网上表单",
            "Comments can be sent with the form on the consultation page.",
        )),
    },
    Field {
        name: "email",
        zh: "电子邮箱",
        ty: Ty::Text,
        required: false,
        help: "接收意见的邮箱",
        open: Some(ex_null(
            "email",
            OpenTy::Str,
            "电子邮箱",
            "E-mail address for comments.",
        )),
    },
    Field {
        name: "post",
        zh: "信函地址",
        ty: Ty::Text,
        required: false,
        help: "邮寄地址及邮编",
        open: Some(ex_null(
            "post",
            OpenTy::Str,
            "通信地址",
            "Postal address for letters.",
        )),
    },
    Field {
        name: "phone",
        zh: "电话",
        ty: Ty::Text,
        required: false,
        help: "意见电话",
        open: Some(ex_null(
            "phone",
            OpenTy::Str,
            "电话",
            "Telephone for comments.",
        )),
    },
    Field {
        name: "fax",
        zh: "传真",
        ty: Ty::Text,
        required: false,
        help: "传真号码",
        open: Some(ex_null("fax", OpenTy::Str, "传真", "Fax number.")),
    },
    Field {
        name: "in_person",
        zh: "现场",
        ty: Ty::Text,
        required: false,
        help: "现场提交意见的地点",
        open: Some(ex_null(
            "in_person",
            OpenTy::Str,
            "现场",
            "Where comments can be given in person.",
        )),
    },
];

/// 意见数（条）: the figures of the outcome, checked against the opinion ledger.
static OPINION_COUNTS: &[Field] = &[
    Field {
        name: "total",
        zh: "意见总数",
        ty: Ty::Int,
        required: true,
        help: "收到的意见总条数；没有收到意见时写 0（须与意见台账一致）",
        open: NOT_EXPORTED,
    },
    Field {
        name: "web",
        zh: "网站",
        ty: Ty::Int,
        required: false,
        help: "通过网上表单提交的条数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "email",
        zh: "电子邮件",
        ty: Ty::Int,
        required: false,
        help: "通过电子邮件提交的条数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "letter",
        zh: "信函",
        ty: Ty::Int,
        required: false,
        help: "通过信函提交的条数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "phone",
        zh: "电话",
        ty: Ty::Int,
        required: false,
        help: "通过电话提出的条数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "in_person",
        zh: "现场",
        ty: Ty::Int,
        required: false,
        help: "现场提出的条数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "adopted",
        zh: "采纳",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“采纳”的条数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "partly_adopted",
        zh: "部分采纳",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“部分采纳”的条数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "not_adopted",
        zh: "未采纳",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“未采纳”的条数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "duplicate",
        zh: "重复",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“重复”的条数",
        open: NOT_EXPORTED,
    },
    Field {
        name: "irrelevant",
        zh: "与主题无关",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“与主题无关”的条数",
        open: NOT_EXPORTED,
    },
];

static OUTCOME: &[Field] = &[
    Field {
        name: "published",
        zh: "结果公布日期",
        ty: Ty::Date,
        required: true,
        help: "公布结果的日期",
        open: Some(ex(
            "published",
            OpenTy::Date,
            "结果公布日期",
            "Date the outcome was published.",
        )),
    },
    Field {
        name: "decision",
        zh: "决策结果",
        ty: Ty::Markdown,
        required: true,
        help: "最终作出的决定",
        open: Some(ex(
            "decision",
            OpenTy::Str,
            "决策结果",
            "The decision taken (plain text).",
        )),
    },
    Field {
        name: "opinions",
        zh: "意见数",
        ty: Ty::Obj(OPINION_COUNTS),
        required: false,
        help: "意见总数及按渠道、按处理结果的条数；检查时与意见台账核对，不一致即报错",
        open: NOT_EXPORTED,
    },
    Field {
        name: "report",
        zh: "公众参与情况说明",
        ty: Ty::Markdown,
        required: false,
        help: "意见采纳情况及理由",
        open: Some(ex_null(
            "report",
            OpenTy::Str,
            "意见采纳情况",
            "How the comments were handled (plain text).",
        )),
    },
];

static WITHDRAWN: &[Field] = &[
    Field {
        name: "date",
        zh: "撤回日期",
        ty: Ty::Date,
        required: true,
        help: "撤回的日期",
        open: Some(ex("date", OpenTy::Date, "撤回日期", "Date of withdrawal.")),
    },
    Field {
        name: "reason",
        zh: "撤回原因",
        ty: Ty::Text,
        required: true,
        help: "为什么撤回",
        open: Some(ex("reason", OpenTy::Str, "撤回原因", "Reason given.")),
    },
];

/// The consultation's fields; `$notice` is whether the notice's items (summary, basis,
/// reasons, decision type, channels) are required: they are, except in the record of a
/// consultation held before the site ([`HISTORICAL_FIELDS`], `historical: true`), whose notice
/// the site never published and whose absent items are shown as 「未注明」.
macro_rules! consultation_fields {
    ($notice:literal) => {
        &[
    Field {
        name: "summary",
        zh: "基本情况说明",
        ty: Ty::Markdown,
        required: $notice,
        help: "决策事项的基本情况（historical: true 的历史记录可不填，页面显示“未注明”）",
        open: Some(ex_null("situation", OpenTy::Str, "基本情况", "Basic situation of the matter (plain text); null when a historical record does not state it.").after("notice")),
    },
    Field {
        name: "basis",
        zh: "决策依据",
        ty: Ty::Markdown,
        required: $notice,
        help: "法律、法规、政策依据（历史记录可不填）",
        open: Some(ex_null("basis", OpenTy::Str, "决策依据", "Basis of the decision (plain text); null when a historical record does not state it.").after("situation")),
    },
    Field {
        name: "reasons",
        zh: "理由",
        ty: Ty::Markdown,
        required: $notice,
        help: "为什么要作出这项决策（历史记录可不填）",
        open: Some(ex_null("reasons", OpenTy::Str, "理由", "Reasons (plain text); null when a historical record does not state it.").after("basis")),
    },
    Field {
        name: "draft_text",
        zh: "征求意见稿全文",
        ty: Ty::Markdown,
        required: false,
        help: "草案全文（Markdown），显示在页面“征求意见稿全文”下，方便不下载附件直接阅读；草案的 DOCX、PDF 文件仍写在 documents 中",
        open: None,
    },
    Field {
        name: "decision_type",
        zh: "决策类型",
        ty: Ty::Text,
        required: $notice,
        help: "site.toml 中 [consultation.types] 下的名称，如 重大行政决策、规范性文件（历史记录可不填）",
        open: Some(ex_null("decision_type", OpenTy::Str, "决策类型", "Type of decision, e.g. 重大行政决策, 规范性文件; null only in the record of a consultation held before the site that does not state it.")),
    },
    Field {
        name: "opens",
        zh: "征集开始",
        ty: Ty::DateTime,
        required: false,
        help: "如 2026-11-20 或 2026-11-20 09:00；不写时为发布日期（published）当天，期限从次日起算",
        open: Some(ex_null("opens", OpenTy::DateTime, "开始时间", "When the consultation opens; null when a historical record does not state it.")),
    },
    Field {
        name: "window_working_days",
        zh: "征集期限（工作日）",
        ty: Ty::Int,
        required: false,
        help: "不写时按决策类型的最短期限",
        open: Some(ex_null("window_working_days", OpenTy::Int, "征集期限（工作日）", "Working days in the window (after the opening day up to the last day), when it is counted in them.")),
    },
    Field {
        name: "window_days",
        zh: "征集期限（自然日）",
        ty: Ty::Int,
        required: false,
        help: "按自然日计算的期限，与上一项二选一",
        open: Some(ex_null("window_days", OpenTy::Int, "征集期限（自然日）", "Natural days in the window (after the opening day up to the last day), when it is counted in them.")),
    },
    Field {
        name: "closes",
        zh: "截止时间",
        ty: Ty::Deadline,
        required: false,
        help: "公告写明的截止时间，不得早于按期限算出的时间；只写日期（如 2026-12-10）即截至当日24:00，也可写 2026-12-10 17:00",
        open: Some(ex_null("closes", OpenTy::DateTime, "截止时间", "When it closes (24:00 of the last day is given as 00:00 of the next day).").after("opens")),
    },
    Field {
        name: "shortened_reason",
        zh: "缩短期限的理由",
        ty: Ty::Text,
        required: false,
        help: "期限少于规定时必须说明理由",
        open: Some(ex_null("shortened_reason", OpenTy::Str, "缩短期限理由", "Why the window is shorter than the usual minimum.")),
    },
    Field {
        name: "channels",
        zh: "反馈方式",
        ty: Ty::Obj(CHANNELS),
        required: $notice,
        help: "除网上表单外至少再提供一种方式（历史记录只填原公告写明的方式，可不填）",
        open: Some(ex_null("channels", OpenTy::Obj(CHANNELS, &[]), "反馈方式", "How to comment; null when a historical record does not state it.")),
    },
    Field {
        name: "organizer",
        zh: "承办单位",
        ty: Ty::Text,
        required: false,
        help: "负责起草的单位",
        open: Some(ex_null("organizer", OpenTy::Str, "承办单位", "Unit in charge.")),
    },
    Field {
        name: "contact",
        zh: "联系人及电话",
        ty: Ty::Text,
        required: false,
        help: "如 张科长 0717-1234567",
        open: Some(ex_null("contact", OpenTy::Str, "联系方式", "Contact of the unit in charge.")),
    },
    Field {
        name: "documents",
        zh: "草案及说明",
        ty: Ty::List(&Ty::Obj(ATTACHMENT)),
        required: false,
        help: "征求意见稿、起草说明等文件",
        open: Some(ex("documents", OpenTy::ObjList(super::ATTACHMENT, super::ATTACHMENT_DERIVED), "草案及说明", "The draft and explanatory documents.")),
    },
    Field {
        name: "outcome",
        zh: "征集结果",
        ty: Ty::Obj(OUTCOME),
        required: false,
        help: "征集结束后填写",
        open: Some(ex_null("outcome", OpenTy::Obj(OUTCOME, &[]), "征集结果", "The outcome, once published.")),
    },
    Field {
        name: "withdrawn",
        zh: "撤回",
        ty: Ty::Obj(WITHDRAWN),
        required: false,
        help: "撤回征集时填写",
        open: Some(ex_null("withdrawn", OpenTy::Obj(WITHDRAWN, &[]), "撤回", "Set when the consultation was withdrawn.")),
    },
    Field {
        name: "historical",
        zh: "历史记录",
        ty: Ty::Bool,
        required: false,
        help: "本站上线前已开展（公告未在本站发布）的征集，只公布其结果时写 true：未填写的公告内容显示为“未注明”，不显示意见表",
        open: NOT_EXPORTED,
    },
    Field {
        name: "notice_url",
        zh: "原公告地址",
        ty: Ty::Text,
        required: false,
        help: "历史记录的原征求意见公告所在网址（如旧网站的页面），没有时不填",
        open: NOT_EXPORTED,
    },
        ]
    };
}

pub static FIELDS: &[Field] = consultation_fields!(true);

/// [`FIELDS`] for a record with `historical: true` (chosen by [`fields_for`]).
pub static HISTORICAL_FIELDS: &[Field] = consultation_fields!(false);

/// The field table a consultation file is checked against: [`HISTORICAL_FIELDS`] when it says
/// `historical: true`, else [`FIELDS`].
pub fn fields_for(node: &crate::yaml::Node) -> &'static [Field] {
    if node
        .get("historical")
        .and_then(|n| n.as_str())
        .is_some_and(|s| matches!(s, "true" | "True" | "TRUE" | "是"))
    {
        HISTORICAL_FIELDS
    } else {
        FIELDS
    }
}

/// The consultation states in open data (`state`).
pub static STATES: &[&str] = &["upcoming", "open", "closed", "concluded", "withdrawn"];

/// The open-data entries derived from the kind's fields (placed among them).
pub static OPEN_DERIVED: &[OpenField] = &[
    ex_null("state", OpenTy::Enum(STATES), "状态", "State when the site was built: upcoming, open, closed, concluded (outcome published) or withdrawn.").after("decision_type"),
    ex_null("state_label", OpenTy::Str, "状态（中文）", "The state in Chinese: 即将征集, 征集中, 征集已结束, 已公布结果, 已撤回.").after("state"),
    ex_null("open_date", OpenTy::Date, "开始日期", "Day it opens (not counted in the window).").after("closes"),
    ex_null("close_date", OpenTy::Date, "截止日期", "Last day of the window.").after("open_date"),
    ex_null("window", OpenTy::Str, "征集期限", "Length of the window as the notice states it, e.g. 10个工作日 or 30日; for a notice that states its end date (`closes`), its real length: 14个工作日, or 31日，其中21个工作日 for a type counted in natural days.").after("close_date"),
    ex_null("notice", OpenTy::Str, "期限说明", "The notice's sentence about the window, as on the page; for the record of a consultation held before the site (its notice not published here), the sentence saying so, with the dates entered.").after("window_days"),
];

/// 反馈方式.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Channels {
    #[serde(default = "yes")]
    pub form: bool,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub post: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub fax: Option<String>,
    #[serde(default)]
    pub in_person: Option<String>,
}

fn yes() -> bool {
    true
}

/// 征集结果.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub published: jiff::civil::Date,
    pub decision: String,
    /// 意见数: the staff's figures, checked against the ledger.
    #[serde(default)]
    pub opinions: Option<OpinionCounts>,
    #[serde(default)]
    pub report: Option<String>,
}

/// 意见数（条）: each figure the outcome states; absent ones are not stated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpinionCounts {
    pub total: u32,
    #[serde(default)]
    pub web: Option<u32>,
    #[serde(default)]
    pub email: Option<u32>,
    #[serde(default)]
    pub letter: Option<u32>,
    #[serde(default)]
    pub phone: Option<u32>,
    #[serde(default)]
    pub in_person: Option<u32>,
    #[serde(default)]
    pub adopted: Option<u32>,
    #[serde(default)]
    pub partly_adopted: Option<u32>,
    #[serde(default)]
    pub not_adopted: Option<u32>,
    #[serde(default)]
    pub duplicate: Option<u32>,
    #[serde(default)]
    pub irrelevant: Option<u32>,
}

impl OpinionCounts {
    /// (field, 中文名, stated figure, what the ledger counts it as): the channels by the
    /// ledger's channel names, the dispositions by the dispositions' words.
    pub fn stated(&self) -> Vec<(&'static str, &'static str, u32)> {
        let mut v = vec![("total", "意见总数", self.total)];
        let opt = [
            ("web", "网站", self.web),
            ("email", "电子邮件", self.email),
            ("letter", "信函", self.letter),
            ("phone", "电话", self.phone),
            ("in_person", "现场", self.in_person),
            ("adopted", "采纳", self.adopted),
            ("partly_adopted", "部分采纳", self.partly_adopted),
            ("not_adopted", "未采纳", self.not_adopted),
            ("duplicate", "重复", self.duplicate),
            ("irrelevant", "与主题无关", self.irrelevant),
        ];
        v.extend(
            opt.into_iter()
                .filter_map(|(f, zh, n)| n.map(|n| (f, zh, n))),
        );
        v
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Withdrawn {
    pub date: jiff::civil::Date,
    pub reason: String,
}

/// 意见征集 — a consultation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Consultation {
    /// Empty only in a historical record that does not state it (「未注明」).
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub reasons: String,
    /// 征求意见稿全文 (Markdown), shown on the page; `None` when only files are given.
    #[serde(default)]
    pub draft_text: Option<String>,
    #[serde(default)]
    pub decision_type: String,
    /// 征集开始; absent: 00:00 of the `published` date (see `content::window::compute`).
    #[serde(default)]
    pub opens: Option<jiff::Timestamp>,
    #[serde(default)]
    pub window_working_days: Option<u32>,
    #[serde(default)]
    pub window_days: Option<u32>,
    #[serde(default)]
    pub closes: Option<jiff::Timestamp>,
    #[serde(default)]
    pub shortened_reason: Option<String>,
    /// None only in a historical record that does not state them.
    #[serde(default)]
    pub channels: Option<Channels>,
    #[serde(default)]
    pub organizer: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub documents: Vec<Attachment>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub withdrawn: Option<Withdrawn>,
    /// 历史记录: a consultation held before the site, whose outcome the site publishes; its
    /// notice was never published here and no opinion is taken through the site.
    #[serde(default)]
    pub historical: bool,
    /// 原公告地址 of a historical record.
    #[serde(default)]
    pub notice_url: Option<String>,
}

/// The channels of a record that states none.
static NO_CHANNELS: Channels = Channels {
    form: false,
    email: None,
    post: None,
    phone: None,
    fax: None,
    in_person: None,
};

impl Consultation {
    /// The channels the notice states (none stated: every one absent).
    pub fn channels(&self) -> &Channels {
        self.channels.as_ref().unwrap_or(&NO_CHANNELS)
    }

    /// Does the site take opinions through its own form? Never for a historical record.
    pub fn form_offered(&self) -> bool {
        !self.historical && self.channels().form
    }
}

/// The view model of a consultation (`record.d`).
#[derive(Serialize)]
struct View<'a> {
    summary: String,
    basis: String,
    reasons: String,
    draft_text: String,
    decision_type: &'a str,
    window: Option<WindowView>,
    state: State,
    state_label: &'static str,
    shortened_reason: Option<&'a str>,
    channels: Option<&'a Channels>,
    organizer: Option<&'a str>,
    contact: Option<&'a str>,
    post_envelope: bool,
    post_send_to: bool,
    documents: Vec<Value>,
    outcome: Option<OutcomeView>,
    withdrawn: Option<WithdrawnView<'a>>,
    form_open: bool,
    report_url: Option<String>,
}

/// A consultation's window as its page shows it.
#[derive(Serialize)]
struct WindowView {
    open_text: String,
    opens_iso: String,
    close_text: String,
    close_date: String,
    closes_iso: String,
    length: String,
    sentence: String,
    days_left: Option<u32>,
}

/// The outcome of a consultation (its decision and report as HTML).
#[derive(Serialize)]
struct OutcomeView {
    published: String,
    decision: String,
    report: String,
    figures: Option<String>,
}

/// Why and since when a consultation was withdrawn.
#[derive(Serialize)]
struct WithdrawnView<'a> {
    date: String,
    reason: &'a str,
}

impl super::RecordKind for Consultation {
    const NAME: &'static str = "consultation";
    const FOLDER: &'static str = "consultations";
    const LABEL: &'static str = "意见征集";
    const NAV_LABEL: Option<&'static str> = Some("意见征集");
    const FIELDS: &'static [Field] = FIELDS;
    const PUBLIC_TEXT: Option<&'static [&'static str]> =
        Some(&["outcome.decision", "outcome.report", "draft_text"]);
    const OPEN_DERIVED: &'static [OpenField] = OPEN_DERIVED;

    fn summary(&self, r: &Record) -> String {
        md_text(r, "summary")
    }

    /// The window (checked against its rules) and its state; while open, the working days
    /// left and, near the close, a line for 「即将到期」; closed without an outcome past
    /// `report_due_days`, the overdue report.
    fn clock(&self, cx: &ClockCx, r: &Record, out: &mut Vec<Diagnostic>) -> Clock {
        let (w, ds) = window::compute(cx.cal, &cx.site.config, &cx.site.tz, r, self);
        out.extend(ds);
        let Some(w) = w else {
            return Clock::default();
        };
        let state = window::state(self, &w, cx.now, &cx.site.tz);
        let mut clock = Clock::default();
        match state {
            State::Open => {
                if let Ok(left) = cx.cal.working_days_left(cx.today, w.close_date) {
                    clock.days_left = Some(left);
                    clock
                        .soon
                        .extend((left <= CLOSING_WORKING_DAYS).then(|| Due {
                            date: w.close_date,
                            note: format!(
                                "意见征集{}24:00截止，还剩{left}个工作日",
                                date_text(w.close_date)
                            ),
                            warning: None,
                        }));
                }
            }
            State::Closed if self.outcome.is_none() => {
                clock.late.extend(report_overdue(cx, r, &w));
            }
            _ => {}
        }
        clock.window = Some((w, state));
        clock
    }

    /// A consultation opens and closes at a given hour: its state at `now`.
    fn clock_moved(
        &self,
        facts: &dyn KindFacts,
        r: &Record,
        now: jiff::Timestamp,
        tz: &jiff::tz::TimeZone,
    ) -> bool {
        facts
            .window(&r.key())
            .is_some_and(|(w, st)| window::state(self, w, now, tz) != *st)
    }

    fn validate(&self, cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        let c = self;
        // A historical record may leave the type out (「未注明」); one that names it names a
        // configured type.
        let type_stated = !(c.historical && c.decision_type.trim().is_empty());
        if type_stated && !cx.config.consultation.types.contains_key(&c.decision_type) {
            let names: Vec<&str> = cx
                .config
                .consultation
                .types
                .keys()
                .map(String::as_str)
                .collect();
            let mut d = Diagnostic::error(
                Code::ConsultationUnknownType,
                &r.source,
                format!("未知的决策类型“{}”", c.decision_type),
            );
            let meant = type_alias(&c.decision_type)
                .filter(|t| names.contains(t))
                .or_else(|| crate::diag::did_you_mean(&c.decision_type, names.iter().copied()));
            d = match meant {
                Some(s) => d.hint(format!(
                    "是否想写“{s}”？可选：{}（见 site.toml 的 [consultation.types]）",
                    names.join("、")
                )),
                None => d.hint(format!(
                    "可选：{}（见 site.toml 的 [consultation.types]）",
                    names.join("、")
                )),
            };
            out.push(r.diag_at(d, "decision_type"));
        }
        let ch = c.channels();
        if !c.historical
            && ch.email.is_none()
            && ch.post.is_none()
            && ch.phone.is_none()
            && ch.fax.is_none()
            && ch.in_person.is_none()
        {
            out.push(r.diag_at(
                Diagnostic::error(Code::ConsultationChannels, &r.source, "除网上表单外，至少还要提供一种反馈方式")
                    .hint("请在 channels 下填写 email、post（信函地址）、phone、fax 或 in_person 中的至少一项，方便不上网的群众提意见。"),
                "channels",
            ));
        }
        if c.window_working_days.is_some() && c.window_days.is_some() {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::ConsultationWindowBoth,
                        &r.source,
                        "window_working_days 和 window_days 只能填一个",
                    )
                    .hint("工作日期限写 window_working_days，自然日期限写 window_days。"),
                    "window_days",
                ),
            );
        }
    }

    fn attachments(&self) -> Vec<(String, &str)> {
        self.documents
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("documents[{}].file", i + 1), a.file.as_str()))
            .collect()
    }

    fn view(&self, cx: &ViewCx) -> Value {
        let (c, site, facts, r) = (self, cx.site, cx.facts, cx.r);
        let w = facts.window(&r.key());
        let tz = &site.tz;
        let (state, window) = match w {
            Some((w, st)) => (
                *st,
                Some(WindowView {
                    open_text: date_text(w.open_date),
                    opens_iso: w.opens.to_string(),
                    close_text: datetime_text(w.closes, tz),
                    close_date: w.close_date.to_string(),
                    closes_iso: w.closes.to_string(),
                    length: w.length.text(),
                    sentence: notice_sentence(w, tz),
                    days_left: facts.days_left(&r.key()),
                }),
            ),
            None => (state_without_window(c), None),
        };
        let post = c.channels().post.as_deref();
        let mut v = to_value(View {
            summary: cx.md("summary"),
            basis: cx.md("basis"),
            reasons: cx.md("reasons"),
            draft_text: cx.md("draft_text"),
            decision_type: &c.decision_type,
            window,
            state,
            state_label: state.label(),
            shortened_reason: c.shortened_reason.as_deref(),
            channels: c.channels.as_ref(),
            organizer: c.organizer.as_deref(),
            contact: c.contact.as_deref(),
            post_envelope: post.is_some_and(|p| !post_has_envelope_wording(p)),
            post_send_to: post.is_some_and(|p| !post_has_send_verb(p)),
            documents: c
                .documents
                .iter()
                .map(|a| cx.attachment(&a.file, &a.title))
                .collect(),
            // An outcome dated after the build clock is not shown until its day.
            outcome: c
                .outcome
                .as_ref()
                .filter(|_| state == State::Concluded)
                .map(|o| OutcomeView {
                    published: date_text(o.published),
                    decision: cx.md("outcome.decision"),
                    report: cx.md("outcome.report"),
                    figures: o.opinions.as_ref().map(figures_text),
                }),
            withdrawn: c.withdrawn.as_ref().map(|x| WithdrawnView {
                date: date_text(x.date),
                reason: &x.reason,
            }),
            form_open: state == State::Open && c.form_offered(),
            report_url: (state == State::Concluded && facts.has_report(&r.key()))
                .then(|| format!("{}report/", cx.url())),
        });
        if c.historical {
            historical_view(c, cx, &mut v);
        }
        v
    }

    fn list_status(&self, cx: &ViewCx) -> (Option<String>, Option<String>) {
        let Some((w, st)) = cx.facts.window(&cx.r.key()) else {
            // A historical record without both dates: its state, and its close as entered.
            if self.historical {
                let st = state_without_window(self);
                let extra = self
                    .closes
                    .map(|t| format!("截至{}", datetime_text(t, &cx.site.tz)));
                return (Some(st.label().to_string()), extra);
            }
            return (None, None);
        };
        let extra = match st {
            State::Open | State::Upcoming => {
                format!("截至{}", datetime_text(w.closes, &cx.site.tz))
            }
            State::Closed | State::Concluded | State::Withdrawn => {
                format!("{}至{}", date_text(w.open_date), date_text(w.close_date))
            }
        };
        (Some(st.label().to_string()), Some(extra))
    }

    fn open_data(&self, cx: &ViewCx) -> Value {
        let (c, site, facts, r) = (self, cx.site, cx.facts, cx.r);
        let w = facts.window(&r.key());
        let tz = &site.tz;
        let mut v = json!({
            "decision_type": c.decision_type,
            "state": w.map(|(_, s)| json!(s)),
            "state_label": w.map(|(_, s)| s.label()),
            "opens": opens_of(c, r, tz).map(|t| instant(site, t)),
            "closes": w.map(|(w, _)| instant(site, w.closes)),
            "open_date": w.map(|(w, _)| w.open_date.to_string()),
            "close_date": w.map(|(w, _)| w.close_date.to_string()),
            "window": w.map(|(w, _)| w.length.text()),
            "window_working_days": w.and_then(|(w, _)| w.length.working_days()),
            "window_days": w.and_then(|(w, _)| w.length.days()),
            "notice": w.map(|(w, _)| notice_sentence(w, tz)),
            "situation": md_text(r, "summary"), "basis": md_text(r, "basis"), "reasons": md_text(r, "reasons"),
            "shortened_reason": c.shortened_reason,
            "channels": c.channels.as_ref().map(|ch| json!({"form": ch.form, "email": ch.email, "post": ch.post,
                         "phone": ch.phone, "fax": ch.fax, "in_person": ch.in_person})),
            "organizer": c.organizer, "contact": c.contact,
            "documents": attachments(site, r, &c.documents),
            "outcome": c.outcome.as_ref().filter(|_| w.map_or_else(|| state_without_window(c), |(_, s)| *s) == State::Concluded).map(|o| json!({
                "published": o.published.to_string(), "decision": md_text(r, "outcome.decision"),
                "report": nonempty(md_text(r, "outcome.report")),
            })),
            "withdrawn": c.withdrawn.as_ref().map(|x| json!({"date": x.date.to_string(), "reason": x.reason})),
        });
        if c.historical {
            historical_open_data(c, cx, &mut v);
        }
        v
    }
}

/// The page of a historical record: what it states and nothing more (the template shows
/// 「未注明」 for the rest), the original dates as entered, no form.
/// An open consultation closing within this many working days is listed as expiring soon.
pub(crate) const CLOSING_WORKING_DAYS: u32 = 3;

/// The outcome of a closed consultation not published within `report_due_days`.
fn report_overdue(cx: &ClockCx, r: &Record, w: &window::Window) -> Option<Due> {
    let days = cx.site.config.publicity.report_due_days;
    let due = add_days(w.close_date, days);
    (cx.today > due).then(|| Due {
        date: due,
        note: format!(
            "{}征集结束，应于{}前公布结果和公众参与情况报告",
            date_text(w.close_date),
            date_text(due)
        ),
        warning: Some(
            r.diag_at(
                Diagnostic::warning(
                    Code::ConsultationReportOverdue,
                    &r.source,
                    format!("意见征集结束超过{days}日，还没有公布征集结果"),
                ),
                "outcome",
            )
            .expected(format!("{}前公布结果（征集结束后{days}日内）", date_text(due)))
            .found(format!("{}结束，没有 outcome", date_text(w.close_date)))
            .hint("请添加 outcome: 下的 published（公布日期）、decision（决策结果）和 report（公众参与情况报告）。"),
        ),
    })
}

fn historical_view(c: &Consultation, cx: &ViewCx, v: &mut Value) {
    let tz = &cx.site.tz;
    let opens = c.opens.map(|t| opens_text(t, tz));
    let closes = c.closes.map(|t| datetime_text(t, tz));
    v["historical"] = json!({
        "notice_url": c.notice_url,
        "opens": opens,
        "closes": closes,
        "length": cx.facts.window(&cx.r.key()).map(|(w, _)| w.length.text()),
        "decision_type": nonempty(c.decision_type.clone()),
        "sentence": historical_sentence(c, tz),
    });
    v["form_open"] = json!(false);
}

/// 「本站上线前开展的意见征集（2021年3月1日至2021年3月31日24:00），本站未发布征求意见公告，
/// 本页为其结果的记录，不接收意见。原公告：URL」: the page's and open data's statement
/// that this is the record of a past consultation, with only the dates entered.
pub fn historical_sentence(c: &Consultation, tz: &jiff::tz::TimeZone) -> String {
    let when = match (c.opens, c.closes) {
        (Some(o), Some(e)) => format!("（{}至{}）", opens_text(o, tz), datetime_text(e, tz)),
        (None, Some(e)) => format!("（截至{}）", datetime_text(e, tz)),
        (Some(o), None) => format!("（自{}起）", opens_text(o, tz)),
        (None, None) => String::new(),
    };
    let mut s = format!(
        "本站上线前开展的意见征集{when}，本站未发布征求意见公告，本页为其结果的记录，不接收意见。"
    );
    if let Some(u) = c
        .notice_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        s.push_str(&format!("原公告：{u}"));
    }
    s
}

/// A start as entered: `2021年3月1日` for a date (00:00), else with its time.
fn opens_text(t: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let z = t.to_zoned_datetime(tz.clone());
    if z.hour() == 0 && z.minute() == 0 {
        date_text(z.date())
    } else {
        datetime_text(t, tz)
    }
}

/// Open data of a historical record: what was not entered is null (never the defaults of a
/// notice), the dates are those entered, and `notice` says it is the record of a past
/// consultation.
fn historical_open_data(c: &Consultation, cx: &ViewCx, v: &mut Value) {
    let (site, r) = (cx.site, cx.r);
    let state = cx
        .facts
        .window(&r.key())
        .map(|(_, s)| *s)
        .unwrap_or_else(|| state_without_window(c));
    v["state"] = json!(state);
    v["state_label"] = json!(state.label());
    v["opens"] = json!(c.opens.map(|t| instant(site, t)));
    v["closes"] = json!(c.closes.map(|t| instant(site, t)));
    v["open_date"] = json!(c
        .opens
        .map(|t| t.to_zoned_datetime(site.tz.clone()).date().to_string()));
    v["close_date"] = json!(c.closes.map(|t| last_day(t, &site.tz).to_string()));
    v["notice"] = json!(historical_sentence(c, &site.tz));
    for (key, field) in [
        ("situation", "summary"),
        ("basis", "basis"),
        ("reasons", "reasons"),
    ] {
        v[key] = json!(nonempty(md_text(r, field)));
    }
    v["decision_type"] = json!(nonempty(c.decision_type.clone()));
}

/// Does a notice's postal channel say itself what to write on the envelope (「请在信封上注明
/// “意见征集”字样」)? Then the theme adds no wording of its own.
fn post_has_envelope_wording(post: &str) -> bool {
    ["信封", "注明", "字样"].iter().any(|w| post.contains(w))
}

/// Does a notice's postal channel start with its own verb (「寄至…」, 「邮寄到…」)? Then the
/// theme does not write 「寄至」 before it.
fn post_has_send_verb(post: &str) -> bool {
    let p = post.trim_start();
    ["寄至", "寄到", "邮寄", "寄送", "请寄", "信函寄", "来信寄"]
        .iter()
        .any(|w| p.starts_with(w))
}

/// `共收到意见8条（网站5条、电子邮件1条）；采纳4条、部分采纳2条。`: the outcome's stated
/// figures (checked against the ledger by `participation.figures`).
fn figures_text(o: &OpinionCounts) -> String {
    let stated = o.stated();
    let part = |fields: &[&str]| -> Vec<String> {
        stated
            .iter()
            .filter(|(f, _, _)| fields.contains(f))
            .map(|(_, zh, n)| format!("{zh}{n}条"))
            .collect()
    };
    let channels = part(&["web", "email", "letter", "phone", "in_person"]);
    let dispositions = part(&[
        "adopted",
        "partly_adopted",
        "not_adopted",
        "duplicate",
        "irrelevant",
    ]);
    let mut s = format!("共收到意见{}条", o.total);
    if !channels.is_empty() {
        s.push_str(&format!("（{}）", channels.join("、")));
    }
    if !dispositions.is_empty() {
        s.push_str(&format!("；{}", dispositions.join("、")));
    }
    s.push('。');
    s
}
