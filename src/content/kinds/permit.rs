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
        ty: Ty::IntOr("无"),
        required: true,
        help: "法律规定的办结时限（工作日数）；法律没有规定时限的写“无”",
    },
    Field {
        name: "promised_wd",
        zh: "承诺时限（工作日）",
        ty: Ty::Int,
        required: false,
        help: "本机关承诺的办结时限",
    },
];

/// The forms a material may take (`form`), beside the older `original: true/false`.
pub const MATERIAL_FORMS: &[&str] = &["原件", "复印件", "原件及复印件"];

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
        name: "form",
        zh: "材料形式",
        ty: Ty::Enum(MATERIAL_FORMS),
        required: false,
        help: "原件、复印件或原件及复印件；与 original 二选一",
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

/// 事项类型, as the national 政务服务事项 catalogue names them.
pub const ITEM_TYPES: &[&str] = &["行政许可", "公共服务", "其他行政权力"];

/// What `gongshi new permit` writes: the item type to choose and the 行政许可 items (optional
/// in the schema because other item types may leave them out).
pub const SKELETON: &[&str] = &[
    "item_type",
    "basis",
    "conditions",
    "quantity_limit",
    "procedure",
    "time_limit",
    "materials",
    "sample_forms",
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "item_type",
        zh: "事项类型",
        ty: Ty::Enum(ITEM_TYPES),
        required: false,
        help: "按政务服务事项目录填写；不写时按行政许可处理（依据、条件、数量、程序、期限、材料目录、示范文本必填）",
    },
    Field {
        name: "item_code",
        zh: "事项编码",
        ty: Ty::Text,
        required: false,
        help: "政务服务事项目录中的编码",
    },
    Field {
        name: "handling_org",
        zh: "承办机构",
        ty: Ty::Text,
        required: false,
        help: "具体承办的机构或科室",
    },
    Field {
        name: "basis",
        zh: "设定依据",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "法律法规名称及条款；行政许可必填",
    },
    Field {
        name: "conditions",
        zh: "许可条件",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "申请人应当具备的条件；行政许可必填",
    },
    Field {
        name: "quantity_limit",
        zh: "数量限制",
        ty: Ty::Text,
        required: false,
        help: "如 无数量限制；行政许可必填",
    },
    Field {
        name: "procedure",
        zh: "办理程序",
        ty: Ty::TextOr(&Ty::List(&Ty::Obj(STEP))),
        required: false,
        help: "写流程编号（procedures 下的文件名），或直接列出步骤；行政许可必填",
    },
    Field {
        name: "time_limit",
        zh: "办理期限",
        ty: Ty::Obj(TIME_LIMIT),
        required: false,
        help: "法定和承诺办结时限；行政许可必填",
    },
    Field {
        name: "materials",
        zh: "申请材料目录",
        ty: Ty::List(&Ty::Obj(MATERIAL)),
        required: false,
        help: "每种材料一项；行政许可必填",
    },
    Field {
        name: "sample_forms",
        zh: "申请书示范文本",
        ty: Ty::List(&Ty::Obj(ATTACHMENT)),
        required: false,
        help: "放在记录旁边的示范文本文件；行政许可必填",
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

/// 法定办结时限: a number of working days, or 无 (the law sets none). The schema
/// (`Ty::IntOr`) admits nothing else; `Invalid` only keeps deserialisation total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statutory {
    Days(u32),
    Nil,
    Invalid(String),
}

impl Statutory {
    /// The words on the page.
    pub fn text(&self) -> String {
        match self {
            Statutory::Days(n) => format!("{n}个工作日"),
            Statutory::Nil => "无".to_string(),
            Statutory::Invalid(s) => s.clone(),
        }
    }
}

impl Serialize for Statutory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Statutory::Days(n) => s.serialize_u32(*n),
            Statutory::Nil => s.serialize_str("无"),
            Statutory::Invalid(x) => s.serialize_str(x),
        }
    }
}

impl<'de> Deserialize<'de> for Statutory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(match &v {
            serde_json::Value::Number(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => Statutory::Days(n),
                None => Statutory::Invalid(n.to_string()),
            },
            serde_json::Value::String(s) => {
                let t = s.trim();
                if t == "无" {
                    Statutory::Nil
                } else {
                    match t.parse::<u32>() {
                        Ok(n) => Statutory::Days(n),
                        Err(_) => Statutory::Invalid(t.to_string()),
                    }
                }
            }
            other => Statutory::Invalid(other.to_string()),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimeLimit {
    pub statutory_wd: Statutory,
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
    /// 原件 / 复印件 / 原件及复印件, the alternative to `original`.
    #[serde(default)]
    pub form: Option<String>,
    /// 必需 (true) or 视情况提供 (false); absent: not stated.
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Material {
    /// 原件 / 复印件 / 原件及复印件 as entered, or None when not stated.
    pub fn form_text(&self) -> Option<&str> {
        match (&self.form, self.original) {
            (Some(f), _) => Some(f.as_str()),
            (None, Some(true)) => Some("原件"),
            (None, Some(false)) => Some("复印件"),
            (None, None) => None,
        }
    }
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

/// A service guide (办事指南): a 行政许可, 公共服务 or 其他行政权力 item. The seven 行政许可
/// items are required for a 行政许可 only (an absent `item_type` is a 行政许可: every record
/// written before the field existed is one); for other types they may be left out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Permit {
    #[serde(default)]
    pub item_type: Option<String>,
    #[serde(default)]
    pub item_code: Option<String>,
    #[serde(default)]
    pub handling_org: Option<String>,
    #[serde(default)]
    pub basis: Vec<String>,
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub quantity_limit: Option<String>,
    #[serde(default)]
    pub procedure: Option<ProcedureRef>,
    #[serde(default)]
    pub time_limit: Option<TimeLimit>,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
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

impl Permit {
    /// 事项类型; absent means 行政许可 (what the kind meant before the field existed).
    pub fn item_type(&self) -> &str {
        self.item_type.as_deref().unwrap_or("行政许可")
    }

    /// Is this a 行政许可, for which the seven publicity items are mandatory?
    pub fn is_licence(&self) -> bool {
        self.item_type() == "行政许可"
    }
}
