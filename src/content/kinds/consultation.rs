//! 意见征集 — a decision under public comment: the notice's four required items, its window
//! and channels, and afterwards its outcome.

use super::{Attachment, ATTACHMENT};
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

static CHANNELS: &[Field] = &[
    Field {
        name: "form",
        zh: "网上表单",
        ty: Ty::Bool,
        required: false,
        help: "是否在网页上提供意见表单（默认 true）",
    },
    Field {
        name: "email",
        zh: "电子邮箱",
        ty: Ty::Text,
        required: false,
        help: "接收意见的邮箱",
    },
    Field {
        name: "post",
        zh: "信函地址",
        ty: Ty::Text,
        required: false,
        help: "邮寄地址及邮编",
    },
    Field {
        name: "phone",
        zh: "电话",
        ty: Ty::Text,
        required: false,
        help: "意见电话",
    },
    Field {
        name: "fax",
        zh: "传真",
        ty: Ty::Text,
        required: false,
        help: "传真号码",
    },
    Field {
        name: "in_person",
        zh: "现场",
        ty: Ty::Text,
        required: false,
        help: "现场提交意见的地点",
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
    },
    Field {
        name: "web",
        zh: "网站",
        ty: Ty::Int,
        required: false,
        help: "通过网上表单提交的条数",
    },
    Field {
        name: "email",
        zh: "电子邮件",
        ty: Ty::Int,
        required: false,
        help: "通过电子邮件提交的条数",
    },
    Field {
        name: "letter",
        zh: "信函",
        ty: Ty::Int,
        required: false,
        help: "通过信函提交的条数",
    },
    Field {
        name: "phone",
        zh: "电话",
        ty: Ty::Int,
        required: false,
        help: "通过电话提出的条数",
    },
    Field {
        name: "in_person",
        zh: "现场",
        ty: Ty::Int,
        required: false,
        help: "现场提出的条数",
    },
    Field {
        name: "adopted",
        zh: "采纳",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“采纳”的条数",
    },
    Field {
        name: "partly_adopted",
        zh: "部分采纳",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“部分采纳”的条数",
    },
    Field {
        name: "not_adopted",
        zh: "未采纳",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“未采纳”的条数",
    },
    Field {
        name: "duplicate",
        zh: "重复",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“重复”的条数",
    },
    Field {
        name: "irrelevant",
        zh: "与主题无关",
        ty: Ty::Int,
        required: false,
        help: "处理结果为“与主题无关”的条数",
    },
];

static OUTCOME: &[Field] = &[
    Field {
        name: "published",
        zh: "结果公布日期",
        ty: Ty::Date,
        required: true,
        help: "公布结果的日期",
    },
    Field {
        name: "decision",
        zh: "决策结果",
        ty: Ty::Markdown,
        required: true,
        help: "最终作出的决定",
    },
    Field {
        name: "opinions",
        zh: "意见数",
        ty: Ty::Obj(OPINION_COUNTS),
        required: false,
        help: "意见总数及按渠道、按处理结果的条数；检查时与意见台账核对，不一致即报错",
    },
    Field {
        name: "report",
        zh: "公众参与情况说明",
        ty: Ty::Markdown,
        required: false,
        help: "意见采纳情况及理由",
    },
];

static WITHDRAWN: &[Field] = &[
    Field {
        name: "date",
        zh: "撤回日期",
        ty: Ty::Date,
        required: true,
        help: "撤回的日期",
    },
    Field {
        name: "reason",
        zh: "撤回原因",
        ty: Ty::Text,
        required: true,
        help: "为什么撤回",
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "summary",
        zh: "基本情况说明",
        ty: Ty::Markdown,
        required: true,
        help: "决策事项的基本情况",
    },
    Field {
        name: "basis",
        zh: "决策依据",
        ty: Ty::Markdown,
        required: true,
        help: "法律、法规、政策依据",
    },
    Field {
        name: "reasons",
        zh: "理由",
        ty: Ty::Markdown,
        required: true,
        help: "为什么要作出这项决策",
    },
    Field {
        name: "decision_type",
        zh: "决策类型",
        ty: Ty::Text,
        required: true,
        help: "site.toml 中 [consultation.types] 下的名称，如 重大行政决策、规范性文件",
    },
    Field {
        name: "opens",
        zh: "征集开始",
        ty: Ty::DateTime,
        required: false,
        help: "如 2026-11-20 或 2026-11-20 09:00；不写时为发布日期（published）当天，期限从次日起算",
    },
    Field {
        name: "window_working_days",
        zh: "征集期限（工作日）",
        ty: Ty::Int,
        required: false,
        help: "不写时按决策类型的最短期限",
    },
    Field {
        name: "window_days",
        zh: "征集期限（自然日）",
        ty: Ty::Int,
        required: false,
        help: "按自然日计算的期限，与上一项二选一",
    },
    Field {
        name: "closes",
        zh: "截止时间",
        ty: Ty::Deadline,
        required: false,
        help: "公告写明的截止时间，不得早于按期限算出的时间；只写日期（如 2026-12-10）即截至当日24:00，也可写 2026-12-10 17:00",
    },
    Field {
        name: "shortened_reason",
        zh: "缩短期限的理由",
        ty: Ty::Text,
        required: false,
        help: "期限少于规定时必须说明理由",
    },
    Field {
        name: "channels",
        zh: "反馈方式",
        ty: Ty::Obj(CHANNELS),
        required: true,
        help: "除网上表单外至少再提供一种方式",
    },
    Field {
        name: "organizer",
        zh: "承办单位",
        ty: Ty::Text,
        required: false,
        help: "负责起草的单位",
    },
    Field {
        name: "contact",
        zh: "联系人及电话",
        ty: Ty::Text,
        required: false,
        help: "如 张科长 0717-1234567",
    },
    Field {
        name: "documents",
        zh: "草案及说明",
        ty: Ty::List(&Ty::Obj(ATTACHMENT)),
        required: false,
        help: "征求意见稿、起草说明等文件",
    },
    Field {
        name: "outcome",
        zh: "征集结果",
        ty: Ty::Obj(OUTCOME),
        required: false,
        help: "征集结束后填写",
    },
    Field {
        name: "withdrawn",
        zh: "撤回",
        ty: Ty::Obj(WITHDRAWN),
        required: false,
        help: "撤回征集时填写",
    },
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
    pub summary: String,
    pub basis: String,
    pub reasons: String,
    pub decision_type: String,
    /// 征集开始; absent: 00:00 of the `published` date (see [`crate::lifecycle::window`]).
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
    pub channels: Channels,
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
}
