//! 机构职责 — a unit of the bureau, its duties and its enforcement officers.

use crate::content::view::{to_value, ViewCx};
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::schema::{ex, ex_null, OpenTy, NOT_EXPORTED};

static CONTACT: &[Field] = &[
    Field {
        name: "phone",
        zh: "电话",
        ty: Ty::Text,
        required: false,
        help: "办公电话",
        open: Some(ex_null("phone", OpenTy::Str, "电话", "Office telephone.")),
    },
    Field {
        name: "address",
        zh: "地址",
        ty: Ty::Text,
        required: false,
        help: "办公地址",
        open: Some(ex_null("address", OpenTy::Str, "地址", "Office address.")),
    },
    Field {
        name: "hours",
        zh: "办公时间",
        ty: Ty::Text,
        required: false,
        help: "如 工作日 8:30—12:00，14:30—17:30",
        open: Some(ex_null("hours", OpenTy::Str, "办公时间", "Office hours.")),
    },
    Field {
        name: "email",
        zh: "电子邮箱",
        ty: Ty::Text,
        required: false,
        help: "单位公务邮箱",
        open: Some(ex_null("email", OpenTy::Str, "电子邮箱", "Office e-mail.")),
    },
];

static OFFICER: &[Field] = &[
    Field {
        name: "name",
        zh: "姓名",
        ty: Ty::Text,
        required: true,
        help: "行政执法人员姓名",
        open: Some(ex("name", OpenTy::Str, "姓名", "Name of the law-enforcement officer.")),
    },
    Field {
        name: "cert_no",
        zh: "执法证号",
        ty: Ty::Text,
        required: true,
        help: "行政执法证件号码",
        open: Some(ex("cert_no", OpenTy::Str, "执法证号", "Number of the officer's law-enforcement certificate, published so that the public can check an officer's credentials (行政执法公示制度).")),
    },
    Field {
        name: "scope",
        zh: "执法类别",
        ty: Ty::Text,
        required: false,
        help: "执法类别或区域",
        open: Some(ex_null("scope", OpenTy::Str, "执法范围", "Area or matters the officer handles.")),
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "unit",
        zh: "机构名称",
        ty: Ty::Text,
        required: true,
        help: "如 劳动保障监察大队",
        open: Some(ex("unit", OpenTy::Str, "机构名称", "Name of the unit.")),
    },
    Field {
        name: "unit_type",
        zh: "机构类型",
        ty: Ty::Enum(UnitType::VALUES),
        required: false,
        help: "领导班子、内设机构、下属单位或派出机构",
        open: Some(ex_null(
            "unit_type",
            OpenTy::Str,
            "机构类型",
            "内设机构 or 下属单位.",
        )),
    },
    Field {
        name: "responsibilities",
        zh: "职责",
        ty: Ty::List(&Ty::Text),
        required: true,
        help: "每条职责一行",
        open: Some(ex(
            "responsibilities",
            OpenTy::StrList,
            "主要职责",
            "Responsibilities, one per item.",
        )),
    },
    Field {
        name: "basis",
        zh: "职责依据",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "三定方案或法律法规名称",
        open: Some(ex(
            "basis",
            OpenTy::StrList,
            "设立依据",
            "Legal basis of the unit and its duties.",
        )),
    },
    Field {
        name: "contact",
        zh: "联系方式",
        ty: Ty::Obj(CONTACT),
        required: false,
        help: "电话、地址、办公时间",
        open: Some(ex_null(
            "contact",
            OpenTy::Obj(CONTACT, &[]),
            "联系方式",
            "How to reach the unit.",
        )),
    },
    Field {
        name: "officers",
        zh: "执法人员",
        ty: Ty::List(&Ty::Obj(OFFICER)),
        required: false,
        help: "持证行政执法人员名单",
        open: Some(ex(
            "officers",
            OpenTy::ObjList(OFFICER, &[]),
            "执法人员",
            "Law-enforcement officers of the unit (may be empty).",
        )),
    },
    Field {
        name: "supervision",
        zh: "监督方式",
        ty: Ty::Text,
        required: false,
        help: "监督途径、举报电话",
        open: Some(ex_null(
            "supervision",
            OpenTy::Str,
            "监督途径",
            "How to complain or report (监督、举报).",
        )),
    },
    Field {
        name: "order",
        zh: "排序",
        ty: Ty::Int,
        required: false,
        help: "列表中的顺序，小的在前",
        open: NOT_EXPORTED,
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

impl super::RecordKind for Duty {
    const NAME: &'static str = "duty";
    const FOLDER: &'static str = "duties";
    const LABEL: &'static str = "机构职责";
    const NAV_LABEL: Option<&'static str> = Some("机构职责");
    const FIELDS: &'static [Field] = FIELDS;
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
        // The officers' names, certificate numbers and scopes the page lists, the contact
        // details and the supervision line.
        for o in &self.officers {
            parts.push(o.name.clone());
            parts.push(o.cert_no.clone());
            parts.extend(o.scope.clone());
        }
        if let Some(c) = &self.contact {
            parts.extend(
                [&c.phone, &c.address, &c.hours, &c.email]
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        parts.extend(self.supervision.clone());
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
