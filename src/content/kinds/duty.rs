//! 机构职责 — a unit of the bureau, its duties and its enforcement officers.

use crate::plan::{to_value, ViewCx};
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

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
        ty: Ty::Enum(UnitType::VALUES),
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

wire_enum! {
    /// 机构类型.
    pub enum UnitType {
        Leadership = "领导班子",
        Internal = "内设机构",
        Subordinate = "下属单位",
        Outpost = "派出机构",
    }
}

/// 机构职责 — one unit of the bureau.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Duty {
    pub unit: String,
    #[serde(default)]
    pub unit_type: Option<UnitType>,
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

/// The view model of a unit (`record.d`): its fields as entered.
#[derive(Serialize)]
struct View<'a> {
    unit: &'a str,
    unit_type: Option<UnitType>,
    responsibilities: &'a [String],
    basis: &'a [String],
    contact: Option<&'a Contact>,
    officers: &'a [Officer],
    supervision: Option<&'a str>,
}

/// The open-data fields of the kind's exported objects (`/data/FOLDER.json`).
pub mod open {
    use crate::schema::{open_f as f, open_n as n, OpenField as F, OpenTy as Ty};

    pub static CONTACT: &[F] = &[
        n("phone", Ty::Str, "电话", "Office telephone."),
        n("address", Ty::Str, "地址", "Office address."),
        n("hours", Ty::Str, "办公时间", "Office hours."),
        n("email", Ty::Str, "电子邮箱", "Office e-mail."),
    ];

    pub static OFFICER: &[F] = &[
    f("name", Ty::Str, "姓名", "Name of the law-enforcement officer."),
    f("cert_no", Ty::Str, "执法证号", "Number of the officer's law-enforcement certificate, published so that the public can check an officer's credentials (行政执法公示制度)."),
    n("scope", Ty::Str, "执法范围", "Area or matters the officer handles."),
];

    pub static DUTY: &[F] = &[
        f("unit", Ty::Str, "机构名称", "Name of the unit."),
        n("unit_type", Ty::Str, "机构类型", "内设机构 or 下属单位."),
        f(
            "responsibilities",
            Ty::StrList,
            "主要职责",
            "Responsibilities, one per item.",
        ),
        f(
            "basis",
            Ty::StrList,
            "设立依据",
            "Legal basis of the unit and its duties.",
        ),
        n(
            "contact",
            Ty::Obj(CONTACT),
            "联系方式",
            "How to reach the unit.",
        ),
        f(
            "officers",
            Ty::ObjList(OFFICER),
            "执法人员",
            "Law-enforcement officers of the unit (may be empty).",
        ),
        n(
            "supervision",
            Ty::Str,
            "监督途径",
            "How to complain or report (监督、举报).",
        ),
    ];
}

impl super::RecordKind for Duty {
    const NAME: &'static str = "duty";
    const FOLDER: &'static str = "duties";
    const LABEL: &'static str = "机构职责";
    const NAV_LABEL: Option<&'static str> = Some("机构职责");
    const FIELDS: &'static [Field] = FIELDS;
    const OPEN_DATA: &'static [crate::schema::OpenField] = open::DUTY;
    const LIST_BY_ORDER: bool = true;

    fn order(&self) -> Option<u32> {
        self.order
    }

    fn summary(&self, _r: &crate::content::Record) -> String {
        self.responsibilities.join("；")
    }

    fn view(&self, _cx: &ViewCx) -> Value {
        let d = self;
        to_value(View {
            unit: &d.unit,
            unit_type: d.unit_type,
            responsibilities: &d.responsibilities,
            basis: &d.basis,
            contact: d.contact.as_ref(),
            officers: &d.officers,
            supervision: d.supervision.as_deref(),
        })
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        parts.push(self.unit.clone());
        parts.extend(self.responsibilities.iter().cloned());
        parts.extend(self.basis.iter().cloned());
    }

    fn open_data(&self, _cx: &ViewCx) -> Value {
        let d = self;
        json!({
            "unit": d.unit, "unit_type": d.unit_type, "responsibilities": d.responsibilities,
            "basis": d.basis,
            "contact": d.contact.as_ref().map(|c| json!({"phone": c.phone, "address": c.address, "hours": c.hours, "email": c.email})),
            "officers": d.officers.iter().map(|o| json!({"name": o.name, "cert_no": o.cert_no, "scope": o.scope})).collect::<Vec<_>>(),
            "supervision": d.supervision,
        })
    }
}
