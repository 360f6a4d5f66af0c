//! 行政许可 — a permit: basis, conditions, quantity, procedure, time limits, materials and
//! sample forms (the items the publicity rule requires for every permit).

use super::procedure::{Step, STEP};
use super::{Attachment, ATTACHMENT};
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

static TIME_LIMIT: &[Field] = &[
    Field {
        name: "statutory_wd",
        zh: "法定时限（工作日）",
        ty: Ty::Int,
        required: true,
        help: "法律规定的办结时限",
    },
    Field {
        name: "promised_wd",
        zh: "承诺时限（工作日）",
        ty: Ty::Int,
        required: false,
        help: "本机关承诺的办结时限",
    },
];

static MATERIAL: &[Field] = &[
    Field {
        name: "name",
        zh: "材料名称",
        ty: Ty::Text,
        required: true,
        help: "如 营业执照",
    },
    Field {
        name: "copies",
        zh: "份数",
        ty: Ty::Int,
        required: false,
        help: "需要几份；不写时网站显示“未注明”",
    },
    Field {
        name: "original",
        zh: "原件",
        ty: Ty::Bool,
        required: false,
        help: "true 为原件，false 为复印件；不写时网站显示“未注明”",
    },
    Field {
        name: "required",
        zh: "必需",
        ty: Ty::Bool,
        required: false,
        help: "true 为必需，false 为视情况提供；不写时网站显示“未注明”",
    },
    Field {
        name: "note",
        zh: "备注",
        ty: Ty::Text,
        required: false,
        help: "如 加盖公章",
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "basis",
        zh: "设定依据",
        ty: Ty::List(&Ty::Text),
        required: true,
        help: "法律法规名称及条款",
    },
    Field {
        name: "conditions",
        zh: "许可条件",
        ty: Ty::List(&Ty::Text),
        required: true,
        help: "申请人应当具备的条件",
    },
    Field {
        name: "quantity_limit",
        zh: "数量限制",
        ty: Ty::Text,
        required: true,
        help: "如 无数量限制",
    },
    Field {
        name: "procedure",
        zh: "办理程序",
        ty: Ty::TextOr(&Ty::List(&Ty::Obj(STEP))),
        required: true,
        help: "写流程编号（procedures 下的文件名），或直接列出步骤",
    },
    Field {
        name: "time_limit",
        zh: "办理期限",
        ty: Ty::Obj(TIME_LIMIT),
        required: true,
        help: "法定和承诺办结时限",
    },
    Field {
        name: "materials",
        zh: "申请材料目录",
        ty: Ty::List(&Ty::Obj(MATERIAL)),
        required: true,
        help: "每种材料一项",
    },
    Field {
        name: "sample_forms",
        zh: "申请书示范文本",
        ty: Ty::List(&Ty::Obj(ATTACHMENT)),
        required: true,
        help: "放在记录旁边的示范文本文件",
    },
    Field {
        name: "fees",
        zh: "收费",
        ty: Ty::TextOr(&Ty::List(&Ty::Text)),
        required: false,
        help: "写“不收费”，或列出收费项目编号（fees 下的文件名）；不写时网站显示“未注明”并提示补充",
    },
    Field {
        name: "department",
        zh: "实施机关",
        ty: Ty::Text,
        required: false,
        help: "负责许可的机关",
    },
    Field {
        name: "service_object",
        zh: "服务对象",
        ty: Ty::Text,
        required: false,
        help: "如 企业法人",
    },
    Field {
        name: "location",
        zh: "办理地点",
        ty: Ty::Text,
        required: false,
        help: "窗口地址",
    },
    Field {
        name: "hours",
        zh: "办理时间",
        ty: Ty::Text,
        required: false,
        help: "窗口办公时间",
    },
    Field {
        name: "phone",
        zh: "咨询电话",
        ty: Ty::Text,
        required: false,
        help: "咨询电话",
    },
    Field {
        name: "online_url",
        zh: "网上办理",
        ty: Ty::Text,
        required: false,
        help: "网上办理地址",
    },
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimeLimit {
    pub statutory_wd: u32,
    #[serde(default)]
    pub promised_wd: Option<u32>,
}

/// 申请材料.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    #[serde(default)]
    pub copies: Option<u32>,
    /// 原件 (true) or 复印件 (false); absent: not stated (never a default).
    #[serde(default)]
    pub original: Option<bool>,
    /// 必需 (true) or 视情况提供 (false); absent: not stated.
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A permit's procedure: a reference to a procedure record, or its own steps.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProcedureRef {
    Id(String),
    Steps(Vec<Step>),
}

/// A permit's fees: 不收费 (or any words), or fee record ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FeesRef {
    Words(String),
    Ids(Vec<String>),
}

/// 行政许可 — a permit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Permit {
    pub basis: Vec<String>,
    pub conditions: Vec<String>,
    pub quantity_limit: String,
    pub procedure: ProcedureRef,
    pub time_limit: TimeLimit,
    pub materials: Vec<Material>,
    pub sample_forms: Vec<Attachment>,
    #[serde(default)]
    pub fees: Option<FeesRef>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub service_object: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub online_url: Option<String>,
}
