//! 收费项目 — a fee: its legal basis, its standards table and what was collected.

use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

static BASIS: &[Field] = &[
    Field {
        name: "title",
        zh: "文件名称",
        ty: Ty::Text,
        required: true,
        help: "收费依据的文件名称",
    },
    Field {
        name: "doc_no",
        zh: "文号",
        ty: Ty::Text,
        required: false,
        help: "如 鄂价费〔2020〕12号",
    },
];

static STANDARD: &[Field] = &[
    Field {
        name: "item",
        zh: "收费项目",
        ty: Ty::Text,
        required: true,
        help: "具体收费项目",
    },
    Field {
        name: "amount",
        zh: "金额",
        ty: Ty::Number,
        required: true,
        help: "只写数字，如 30",
    },
    Field {
        name: "unit",
        zh: "计费单位",
        ty: Ty::Text,
        required: true,
        help: "如 元/人次",
    },
    Field {
        name: "note",
        zh: "备注",
        ty: Ty::Text,
        required: false,
        help: "减免等说明",
    },
];

static COLLECTION: &[Field] = &[
    Field {
        name: "period",
        zh: "期间",
        ty: Ty::Text,
        required: true,
        help: "如 2026年第三季度",
    },
    Field {
        name: "amount",
        zh: "收缴金额（元）",
        ty: Ty::Number,
        required: true,
        help: "只写数字",
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "basis",
        zh: "收费依据",
        ty: Ty::List(&Ty::Obj(BASIS)),
        required: true,
        help: "收费所依据的文件",
    },
    Field {
        name: "standards",
        zh: "收费标准",
        ty: Ty::List(&Ty::Obj(STANDARD)),
        required: true,
        help: "每个收费项目一行",
    },
    Field {
        name: "payer",
        zh: "收费对象",
        ty: Ty::Text,
        required: false,
        help: "向谁收费",
    },
    Field {
        name: "collections",
        zh: "收缴情况",
        ty: Ty::List(&Ty::Obj(COLLECTION)),
        required: false,
        help: "各期间收缴金额",
    },
    Field {
        name: "complaint_phone",
        zh: "投诉电话",
        ty: Ty::Text,
        required: false,
        help: "价格投诉举报电话",
    },
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Basis {
    pub title: String,
    #[serde(default)]
    pub doc_no: Option<String>,
}

/// 收费标准.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Standard {
    pub item: String,
    pub amount: f64,
    pub unit: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Collection {
    pub period: String,
    pub amount: f64,
}

/// 收费项目 — a fee.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fee {
    pub basis: Vec<Basis>,
    pub standards: Vec<Standard>,
    #[serde(default)]
    pub payer: Option<String>,
    #[serde(default)]
    pub collections: Vec<Collection>,
    #[serde(default)]
    pub complaint_phone: Option<String>,
}
