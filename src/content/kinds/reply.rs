//! 留言答复 — a question from the public and the bureau's reply.

use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

pub static FIELDS: &[Field] = &[
    Field {
        name: "question",
        zh: "留言内容",
        ty: Ty::Markdown,
        required: true,
        help: "去除个人信息后的留言内容",
    },
    Field {
        name: "asker",
        zh: "留言人",
        ty: Ty::Text,
        required: false,
        help: "只写姓氏，如 王女士、李先生",
    },
    Field {
        name: "received",
        zh: "受理日期",
        ty: Ty::Date,
        required: true,
        help: "收到留言的日期",
    },
    Field {
        name: "replied",
        zh: "答复日期",
        ty: Ty::Date,
        required: false,
        help: "尚未答复时不写",
    },
    Field {
        name: "reply_unit",
        zh: "答复单位",
        ty: Ty::Text,
        required: false,
        help: "已答复时必填",
    },
    Field {
        name: "reply",
        zh: "答复内容",
        ty: Ty::Markdown,
        required: false,
        help: "已答复时必填",
    },
    Field {
        name: "topic",
        zh: "主题",
        ty: Ty::Text,
        required: false,
        help: "如 社会保险",
    },
    Field {
        name: "related",
        zh: "相关记录",
        ty: Ty::Text,
        required: false,
        help: "写成 类别/编号，如 procedures/unemployment-benefit",
    },
];

/// 留言答复 — a reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply {
    pub question: String,
    #[serde(default)]
    pub asker: Option<String>,
    pub received: jiff::civil::Date,
    #[serde(default)]
    pub replied: Option<jiff::civil::Date>,
    #[serde(default)]
    pub reply_unit: Option<String>,
    #[serde(default)]
    pub reply: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub related: Option<String>,
}
