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
    #[serde(default)]
    pub report: Option<String>,
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
