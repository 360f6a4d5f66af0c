//! 行政执法决定 — an enforcement decision: the case, the party (masked when a person), the
//! facts, basis and decision, and its status over time.

use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

static PARTY: &[Field] = &[
    Field {
        name: "type",
        zh: "当事人类型",
        ty: Ty::Enum(&["自然人", "个体工商户", "法人", "其他组织"]),
        required: true,
        help: "自然人、个体工商户、法人或其他组织",
    },
    Field {
        name: "name",
        zh: "当事人名称",
        ty: Ty::Text,
        required: true,
        help: "单位写全称；自然人只写姓氏加“某”，如 张某",
    },
    Field {
        name: "credit_code",
        zh: "统一社会信用代码",
        ty: Ty::Text,
        required: false,
        help: "18 位统一社会信用代码（单位和个体工商户）",
    },
    Field {
        name: "legal_rep",
        zh: "法定代表人",
        ty: Ty::Text,
        required: false,
        help: "单位的法定代表人或负责人；是自然人，只写姓氏加“某”，如 张某。不写则不显示",
    },
    Field {
        name: "address",
        zh: "住所",
        ty: Ty::Text,
        required: false,
        help: "单位的住所（注册地址）；当事人是自然人时不要填写。不写则不显示",
    },
    Field {
        name: "minor",
        zh: "涉及未成年人",
        ty: Ty::Bool,
        required: false,
        help: "涉及未成年人的决定不得公开",
    },
];

static CHANGED: &[Field] = &[
    Field {
        name: "date",
        zh: "变更日期",
        ty: Ty::Date,
        required: true,
        help: "决定被变更、撤销或确认违法/无效的日期",
    },
    Field {
        name: "reason",
        zh: "变更原因",
        ty: Ty::Text,
        required: true,
        help: "如 经行政复议撤销",
    },
];

static CORRECTION: &[Field] = &[
    Field {
        name: "date",
        zh: "更正日期",
        ty: Ty::Date,
        required: true,
        help: "发布后更正内容的日期",
    },
    Field {
        name: "field",
        zh: "更正的字段",
        ty: Ty::Enum(&["facts", "basis", "decision", "party", "case_no", "decided"]),
        required: true,
        help: "facts、basis、decision、party、case_no 或 decided",
    },
    Field {
        name: "reason",
        zh: "更正原因",
        ty: Ty::Text,
        required: true,
        help: "如 原文当事人名称有错别字",
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "case_no",
        zh: "决定书文号",
        ty: Ty::Text,
        required: true,
        help: "如 枝人社罚〔2026〕17号，不得重复",
    },
    Field {
        name: "action",
        zh: "执法类别",
        ty: Ty::Enum(&["许可", "处罚", "强制", "检查", "处理", "复议", "其他"]),
        required: true,
        help: "许可、处罚、强制、检查、处理（行政处理决定）、复议（行政复议决定）或其他",
    },
    Field {
        name: "reviews",
        zh: "被复议的决定",
        ty: Ty::Text,
        required: false,
        help: "行政复议决定所复议的原决定：写 enforcement 下那条记录的文件名（不含扩展名），如 2026-017",
    },
    Field {
        name: "party",
        zh: "当事人",
        ty: Ty::Obj(PARTY),
        required: true,
        help: "当事人信息",
    },
    Field {
        name: "cause",
        zh: "案由",
        ty: Ty::Text,
        required: false,
        help: "照决定书写，如 未依法为劳动者缴纳社会保险费。不写则不显示",
    },
    Field {
        name: "facts",
        zh: "主要事实",
        ty: Ty::Markdown,
        required: true,
        help: "违法事实或许可事项",
    },
    Field {
        name: "basis",
        zh: "执法依据",
        ty: Ty::Markdown,
        required: true,
        help: "法律法规名称及条款",
    },
    Field {
        name: "decision",
        zh: "决定内容",
        ty: Ty::Markdown,
        required: true,
        help: "处理决定",
    },
    Field {
        name: "remedy",
        zh: "救济途径",
        ty: Ty::Markdown,
        required: false,
        help: "照决定书写明申请行政复议或提起行政诉讼的途径和期限。不写则不显示",
    },
    Field {
        name: "fine",
        zh: "罚款金额（元）",
        ty: Ty::Number,
        required: false,
        help: "只写数字",
    },
    Field {
        name: "decided",
        zh: "决定日期",
        ty: Ty::Date,
        required: true,
        help: "作出决定的日期",
    },
    Field {
        name: "authority",
        zh: "执法机关",
        ty: Ty::Text,
        required: true,
        help: "作出决定的机关",
    },
    Field {
        name: "status",
        zh: "决定状态",
        ty: Ty::Enum(&["有效", "已变更", "已撤销", "确认违法", "确认无效"]),
        required: false,
        help: "默认 有效",
    },
    Field {
        name: "changed",
        zh: "变更情况",
        ty: Ty::Obj(CHANGED),
        required: false,
        help: "状态不是“有效”时必填",
    },
    Field {
        name: "severity",
        zh: "情节",
        ty: Ty::Enum(&["一般", "较重", "严重"]),
        required: false,
        help: "决定公示期限按情节确定",
    },
    Field {
        name: "display_until",
        zh: "公示截止日期",
        ty: Ty::Date,
        required: false,
        help: "不写时按 site.toml 中的公示期限计算",
    },
    Field {
        name: "corrections",
        zh: "更正记录",
        ty: Ty::List(&Ty::Obj(CORRECTION)),
        required: false,
        help: "发布后更正事实、依据、决定内容、当事人、文号或决定日期时，每次更正加一项并写明原因",
    },
    Field {
        name: "late_reason",
        zh: "延迟公开说明",
        ty: Ty::Text,
        required: false,
        help: "超过公开期限才发布时，说明延迟的原因",
    },
];

/// 当事人.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Party {
    #[serde(rename = "type")]
    pub party_type: String,
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
    pub action: String,
    /// 被复议的决定: the id of the enforcement record a 复议 decision reviews.
    #[serde(default)]
    pub reviews: Option<String>,
    pub party: Party,
    /// 案由.
    #[serde(default)]
    pub cause: Option<String>,
    pub facts: String,
    pub basis: String,
    pub decision: String,
    /// 救济途径 (md).
    #[serde(default)]
    pub remedy: Option<String>,
    #[serde(default)]
    pub fine: Option<f64>,
    pub decided: jiff::civil::Date,
    pub authority: String,
    #[serde(default = "valid")]
    pub status: String,
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
}

fn valid() -> String {
    "有效".to_string()
}

impl Enforcement {
    /// Still in force (有效)?
    pub fn in_force(&self) -> bool {
        self.status == "有效"
    }
}
