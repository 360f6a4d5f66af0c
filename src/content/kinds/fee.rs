//! 收费项目 — a fee: its legal basis, its standards table and what was collected.

use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

static BASIS: &[Field] = &[
    Field {
        name: "title",
        zh: "文件名称",
        ty: Ty::Text,
        required: false,
        help: "收费依据的文件名称；原文只给文号时可不写，但文件名称和文号至少写一项",
    },
    Field {
        name: "doc_no",
        zh: "文号",
        ty: Ty::Text,
        required: false,
        help: "如 鄂价费〔2020〕12号，照原文抄写（括号样式不改）；一个文件一项",
    },
];

const ITEM: Field = Field {
    name: "item",
    zh: "收费项目",
    ty: Ty::Text,
    required: true,
    help: "具体收费项目",
};
const AMOUNT: Field = Field {
    name: "amount",
    zh: "金额",
    ty: Ty::Number,
    required: false,
    help: "固定金额，只写数字，如 30；免收的写 0。与 min/max、rate、text 只写一种",
};
const MIN: Field = Field {
    name: "min",
    zh: "最低金额",
    ty: Ty::Number,
    required: false,
    help: "金额为幅度时的下限，如 50（与 max 一起写）",
};
const MAX: Field = Field {
    name: "max",
    zh: "最高金额",
    ty: Ty::Number,
    required: false,
    help: "金额为幅度时的上限，如 100（与 min 一起写）",
};
const RATE: Field = Field {
    name: "rate",
    zh: "费率",
    ty: Ty::Number,
    required: false,
    help: "按比例或倍数收费时的数字，如 1.5（倍）或 80（%），与 rate_unit 一起写",
};
const RATE_UNIT: Field = Field {
    name: "rate_unit",
    zh: "费率单位",
    ty: Ty::Enum(&["倍", "%"]),
    required: false,
    help: "倍 或 %",
};
const RATE_OF: Field = Field {
    name: "rate_of",
    zh: "计费基数",
    ty: Ty::Text,
    required: false,
    help: "费率按什么计算，如 基本收费标准、合同金额",
};
const UNIT: Field = Field {
    name: "unit",
    zh: "计费单位",
    ty: Ty::Text,
    required: false,
    help: "如 元/人次、元/张；按固定金额或幅度收费时填写",
};
const TEXT: Field = Field {
    name: "text",
    zh: "收费标准（文字）",
    ty: Ty::Text,
    required: false,
    help: "以上形式都不适用时照原文抄写收费标准，如 按实际成本收取",
};
const STD_BASIS: Field = Field {
    name: "basis",
    zh: "本项依据",
    ty: Ty::List(&Ty::Obj(BASIS)),
    required: false,
    help: "这一项标准自己的批准文件（与整条记录的收费依据不同时填写）",
};
const NOTE: Field = Field {
    name: "note",
    zh: "备注",
    ty: Ty::Text,
    required: false,
    help: "减免等说明",
};

/// A sub-item: a standard without sub-items of its own.
static SUB_STANDARD: &[Field] = &[
    ITEM, AMOUNT, MIN, MAX, RATE, RATE_UNIT, RATE_OF, UNIT, TEXT, STD_BASIS, NOTE,
];

static STANDARD: &[Field] = &[
    ITEM,
    AMOUNT,
    MIN,
    MAX,
    RATE,
    RATE_UNIT,
    RATE_OF,
    UNIT,
    TEXT,
    STD_BASIS,
    Field {
        name: "items",
        zh: "子项",
        ty: Ty::List(&Ty::Obj(SUB_STANDARD)),
        required: false,
        help: "收费项目下分子项、各有标准时逐项列出（写法同收费标准）",
    },
    NOTE,
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
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub doc_no: Option<String>,
}

impl Basis {
    /// 「名称（文号）」, or whichever of the two was given.
    pub fn label(&self) -> String {
        match (&self.title, &self.doc_no) {
            (Some(t), Some(n)) => format!("{t}（{n}）"),
            (Some(t), None) => t.clone(),
            (None, Some(n)) => n.clone(),
            (None, None) => String::new(),
        }
    }
}

/// 收费标准: one of a fixed amount, a range, a rate, a free text; or sub-items; or nothing
/// stated (published as 「未注明」).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Standard {
    pub item: String,
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub rate: Option<f64>,
    #[serde(default)]
    pub rate_unit: Option<String>,
    #[serde(default)]
    pub rate_of: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub basis: Vec<Basis>,
    #[serde(default)]
    pub items: Vec<Standard>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The forms a standard may take.
pub const FORMS: &[&str] = &["fixed", "range", "rate", "text", "items", "unstated"];

impl Standard {
    /// The forms given (a valid standard has at most one).
    pub fn forms(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.amount.is_some() {
            v.push("fixed");
        }
        if self.min.is_some() || self.max.is_some() {
            v.push("range");
        }
        if self.rate.is_some() || self.rate_unit.is_some() {
            v.push("rate");
        }
        if self.text.is_some() {
            v.push("text");
        }
        v
    }

    /// `fixed`, `range`, `rate`, `text`, `items` (only sub-items carry standards) or
    /// `unstated`.
    pub fn form(&self) -> &'static str {
        match self.forms().first() {
            Some(f) => f,
            None if !self.items.is_empty() => "items",
            None => "unstated",
        }
    }

    /// The standard in words, as published (amounts written by `money`, rates as typed): 「50」「50–100」「基本收费标准的1.5倍」, the text,
    /// 「」 when only sub-items carry standards, 「未注明」 when nothing was entered.
    pub fn display(&self, money: fn(f64) -> String) -> String {
        match self.form() {
            "fixed" => self.amount.map(money).unwrap_or_default(),
            "range" => format!(
                "{}–{}",
                self.min.map(money).unwrap_or_else(|| "未注明".into()),
                self.max.map(money).unwrap_or_else(|| "未注明".into())
            ),
            "rate" => {
                let r = format!(
                    "{}{}",
                    self.rate.map(number).unwrap_or_else(|| "未注明".into()),
                    self.rate_unit.as_deref().unwrap_or("")
                );
                match &self.rate_of {
                    Some(of) => format!("{of}的{r}"),
                    None => r,
                }
            }
            "text" => self.text.clone().unwrap_or_default(),
            "items" => String::new(),
            _ => "未注明".into(),
        }
    }
}

/// A number as written: 50, not 50.0.
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
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
