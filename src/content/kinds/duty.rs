//! 机构职责 — a unit of the bureau, its duties and its enforcement officers.

use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

static CONTACT: &[Field] = &[
    Field {
        name: "phone",
        zh: "电话",
        ty: Ty::Text,
        required: false,
        help: "办公电话",
    },
    Field {
        name: "address",
        zh: "地址",
        ty: Ty::Text,
        required: false,
        help: "办公地址",
    },
    Field {
        name: "hours",
        zh: "办公时间",
        ty: Ty::Text,
        required: false,
        help: "如 工作日 8:30—12:00，14:30—17:30",
    },
    Field {
        name: "email",
        zh: "电子邮箱",
        ty: Ty::Text,
        required: false,
        help: "单位公务邮箱",
    },
];

static OFFICER: &[Field] = &[
    Field {
        name: "name",
        zh: "姓名",
        ty: Ty::Text,
        required: true,
        help: "行政执法人员姓名",
    },
    Field {
        name: "cert_no",
        zh: "执法证号",
        ty: Ty::Text,
        required: true,
        help: "行政执法证件号码",
    },
    Field {
        name: "scope",
        zh: "执法类别",
        ty: Ty::Text,
        required: false,
        help: "执法类别或区域",
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "unit",
        zh: "机构名称",
        ty: Ty::Text,
        required: true,
        help: "如 劳动保障监察大队",
    },
    Field {
        name: "unit_type",
        zh: "机构类型",
        ty: Ty::Enum(&["领导班子", "内设机构", "下属单位", "派出机构"]),
        required: false,
        help: "领导班子、内设机构、下属单位或派出机构",
    },
    Field {
        name: "responsibilities",
        zh: "职责",
        ty: Ty::List(&Ty::Text),
        required: true,
        help: "每条职责一行",
    },
    Field {
        name: "basis",
        zh: "职责依据",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "三定方案或法律法规名称",
    },
    Field {
        name: "contact",
        zh: "联系方式",
        ty: Ty::Obj(CONTACT),
        required: false,
        help: "电话、地址、办公时间",
    },
    Field {
        name: "officers",
        zh: "执法人员",
        ty: Ty::List(&Ty::Obj(OFFICER)),
        required: false,
        help: "持证行政执法人员名单",
    },
    Field {
        name: "supervision",
        zh: "监督方式",
        ty: Ty::Text,
        required: false,
        help: "监督途径、举报电话",
    },
    Field {
        name: "order",
        zh: "排序",
        ty: Ty::Int,
        required: false,
        help: "列表中的顺序，小的在前",
    },
];

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Contact {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// 行政执法人员.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Officer {
    pub name: String,
    pub cert_no: String,
    #[serde(default)]
    pub scope: Option<String>,
}

/// 机构职责 — one unit of the bureau.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Duty {
    pub unit: String,
    #[serde(default)]
    pub unit_type: Option<String>,
    pub responsibilities: Vec<String>,
    #[serde(default)]
    pub basis: Vec<String>,
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub officers: Vec<Officer>,
    #[serde(default)]
    pub supervision: Option<String>,
    #[serde(default)]
    pub order: Option<u32>,
}
