//! 行政许可 — a permit: basis, conditions, quantity, procedure, time limits, materials and
//! sample forms (the items the publicity rule requires for every permit).

use super::procedure::{Step, STEP};
use super::Kind;
use super::{Attachment, ATTACHMENT};
use crate::content::validate::{dangling, permit_item_rules, KindCx};
use crate::content::view::{
    attachments, steps, steps_ctx, to_value, url_of as exported_url, StepView, ViewCx, NOT_STATED,
};
use crate::content::{Data, Record, Site};
use crate::diag::{Code, Diagnostic};
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::schema::{ex, ex_null, OpenField, OpenTy};

static TIME_LIMIT: &[Field] = &[
    Field {
        name: "statutory_wd",
        zh: "法定时限（工作日）",
        ty: Ty::IntOr("无"),
        required: true,
        help: "法律规定的办结时限（工作日数）；法律没有规定时限的写“无”",
        open: Some(ex_null(
        "statutory_wd",
        OpenTy::Int,
        "法定办结时限（工作日）",
        "Statutory time limit in working days; `null` when the law sets none (`statutory_text` is 无).",
    )),
    },
    Field {
        name: "promised_wd",
        zh: "承诺时限（工作日）",
        ty: Ty::Int,
        required: false,
        help: "本机关承诺的办结时限",
        open: Some(ex_null(
        "promised_wd",
        OpenTy::Int,
        "承诺办结时限（工作日）",
        "Promised time limit in working days.",
    )),
    },
];

/// The open-data entries of [`TIME_LIMIT`] objects that are derived rather than entered.
pub static TIME_LIMIT_DERIVED: &[OpenField] = &[ex(
    "statutory_text",
    OpenTy::Str,
    "法定办结时限",
    "The statutory time limit as the page shows it: `20个工作日` or `无`.",
)
.after("statutory_wd")];

/// The forms a material may take (`form`), beside the older `original: true/false`.
pub const MATERIAL_FORMS: &[&str] = MaterialForm::VALUES;

wire_enum! {
    /// 原件或复印件 of a material, the alternative to `original`.
    pub enum MaterialForm {
        Original = "原件",
        Copy = "复印件",
        Both = "原件及复印件",
    }
}

static MATERIAL: &[Field] = &[
    Field {
        name: "name",
        zh: "材料名称",
        ty: Ty::Text,
        required: true,
        help: "如 营业执照",
        open: Some(ex(
        "name",
        OpenTy::Str,
        "材料名称",
        "Name of the document to hand in.",
    )),
    },
    Field {
        name: "copies",
        zh: "份数",
        ty: Ty::Int,
        required: false,
        help: "需要几份；不写时网站显示“未注明”",
        open: Some(ex_null("copies", OpenTy::Int, "份数", "Number of copies; `null` when the guide does not state it.")),
    },
    Field {
        name: "original",
        zh: "原件",
        ty: Ty::Bool,
        required: false,
        help: "true 为原件，false 为复印件；不写时网站显示“未注明”",
        open: Some(ex_null(
        "original",
        OpenTy::Bool,
        "原件",
        "`true`: the original; `false`: a copy; `null` when the guide does not state it.",
    )),
    },
    Field {
        name: "form",
        zh: "材料形式",
        ty: Ty::Enum(MATERIAL_FORMS),
        required: false,
        help: "原件、复印件或原件及复印件；与 original 二选一",
        open: Some(ex_null(
        "form",
        OpenTy::Enum(crate::content::kinds::permit::MATERIAL_FORMS),
        "原件/复印件",
        "原件, 复印件 or 原件及复印件 (from `original` or as entered); `null` when the guide does not state it.",
    )),
    },
    Field {
        name: "required",
        zh: "必需",
        ty: Ty::Bool,
        required: false,
        help: "true 为必需，false 为视情况提供；不写时网站显示“未注明”",
        open: Some(ex_null(
        "required",
        OpenTy::Bool,
        "必需",
        "`true`: always required; `false`: only in some cases; `null` when the guide does not state it.",
    )),
    },
    Field {
        name: "note",
        zh: "备注",
        ty: Ty::Text,
        required: false,
        help: "如 加盖公章",
        open: Some(ex_null("note", OpenTy::Str, "备注", "Remarks.")),
    },
];

/// The open-data entries of [`MATERIAL`] objects that are derived rather than entered.
pub static MATERIAL_DERIVED: &[OpenField] =
    &[ex("n", OpenTy::Int, "序号", "Position in the list, from 1.").first()];

/// 事项类型, as the national 政务服务事项 catalogue names them.
pub const ITEM_TYPES: &[&str] = ItemType::VALUES;

wire_enum! {
    /// 事项类型.
    pub enum ItemType {
        /// 行政许可: the seven publicity items are mandatory.
        Licence = "行政许可",
        PublicService = "公共服务",
        OtherPower = "其他行政权力",
    }
}

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
        open: Some(ex(
        "item_type",
        OpenTy::Enum(crate::content::kinds::permit::ITEM_TYPES),
        "事项类型",
        "Item type as in the national 政务服务事项 catalogue; a guide that does not state it is a 行政许可.",
    )),
    },
    Field {
        name: "item_code",
        zh: "事项编码",
        ty: Ty::Text,
        required: false,
        help: "政务服务事项目录中的编码",
        open: Some(ex_null("item_code", OpenTy::Str, "事项编码", "Catalogue code of the item.")),
    },
    Field {
        name: "handling_org",
        zh: "承办机构",
        ty: Ty::Text,
        required: false,
        help: "具体承办的机构或科室",
        open: Some(ex_null("handling_org", OpenTy::Str, "承办机构", "Office that handles the item.")),
    },
    Field {
        name: "basis",
        zh: "设定依据",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "法律法规名称及条款；行政许可必填",
        open: Some(ex(
        "basis",
        OpenTy::StrList,
        "设定依据",
        "Legal basis (may be empty for an item that is not a 行政许可).",
    )),
    },
    Field {
        name: "conditions",
        zh: "许可条件",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "申请人应当具备的条件；行政许可必填",
        open: Some(ex(
        "conditions",
        OpenTy::StrList,
        "申请条件",
        "Conditions for approval (may be empty for an item that is not a 行政许可).",
    )),
    },
    Field {
        name: "quantity_limit",
        zh: "数量限制",
        ty: Ty::Text,
        required: false,
        help: "如 无数量限制；行政许可必填",
        open: Some(ex_null(
        "quantity_limit",
        OpenTy::Str,
        "数量限制",
        "Quantity limit (often 无数量限制); `null` when not stated (only for an item that is not a 行政许可).",
    )),
    },
    Field {
        name: "procedure",
        zh: "办理程序",
        ty: Ty::TextOr(&Ty::List(&Ty::Obj(STEP))),
        required: false,
        help: "写流程编号（procedures 下的文件名），或直接列出步骤；行政许可必填",
        open: Some(ex_null(
        "procedure",
        OpenTy::Url,
        "办理流程",
        "URL of the procedure page when the permit refers to one.",
    )),
    },
    Field {
        name: "time_limit",
        zh: "办理期限",
        ty: Ty::Obj(TIME_LIMIT),
        required: false,
        help: "法定和承诺办结时限；行政许可必填",
        open: Some(ex_null(
        "time_limit",
        OpenTy::Obj(TIME_LIMIT, TIME_LIMIT_DERIVED),
        "办理期限",
        "Time limits; `null` when not stated (only for an item that is not a 行政许可).",
    )),
    },
    Field {
        name: "materials",
        zh: "申请材料目录",
        ty: Ty::List(&Ty::Obj(MATERIAL)),
        required: false,
        help: "每种材料一项；行政许可必填",
        open: Some(ex(
        "materials",
        OpenTy::ObjList(MATERIAL, MATERIAL_DERIVED),
        "申请材料目录",
        "Documents to hand in.",
    )),
    },
    Field {
        name: "sample_forms",
        zh: "申请书示范文本",
        ty: Ty::List(&Ty::Obj(ATTACHMENT)),
        required: false,
        help: "放在记录旁边的示范文本文件；行政许可必填",
        open: Some(ex(
        "sample_forms",
        OpenTy::ObjList(super::ATTACHMENT, super::ATTACHMENT_DERIVED),
        "申请书示范文本",
        "Sample application forms.",
    )),
    },
    Field {
        name: "fees",
        zh: "收费",
        ty: Ty::TextOr(&Ty::List(&Ty::Text)),
        required: false,
        help: "写“不收费”，或列出收费项目编号（fees 下的文件名）；不写时网站显示“未注明”并提示补充",
        open: Some(ex(
        "fees",
        OpenTy::UrlList,
        "收费项目",
        "URLs of the fee records that apply (may be empty).",
    )),
    },
    Field {
        name: "department",
        zh: "实施机关",
        ty: Ty::Text,
        required: false,
        help: "负责许可的机关",
        open: Some(ex_null(
        "department",
        OpenTy::Str,
        "受理部门",
        "Department that accepts applications.",
    )),
    },
    Field {
        name: "service_object",
        zh: "服务对象",
        ty: Ty::Text,
        required: false,
        help: "如 企业法人",
        open: Some(ex_null("service_object", OpenTy::Str, "服务对象", "Who may apply.")),
    },
    Field {
        name: "location",
        zh: "办理地点",
        ty: Ty::Text,
        required: false,
        help: "窗口地址",
        open: Some(ex_null("location", OpenTy::Str, "办理地点", "Where to apply.")),
    },
    Field {
        name: "hours",
        zh: "办理时间",
        ty: Ty::Text,
        required: false,
        help: "窗口办公时间",
        open: Some(ex_null("hours", OpenTy::Str, "办理时间", "When to apply.")),
    },
    Field {
        name: "phone",
        zh: "咨询电话",
        ty: Ty::Text,
        required: false,
        help: "咨询电话",
        open: Some(ex_null("phone", OpenTy::Str, "咨询电话", "Telephone for questions.")),
    },
    Field {
        name: "online_url",
        zh: "网上办理",
        ty: Ty::Text,
        required: false,
        help: "网上办理地址",
        open: Some(ex_null("online_url", OpenTy::Url, "网上办理", "Link to apply online.")),
    },
];

/// The open-data entries derived from the kind's fields (placed among them).
pub static OPEN_DERIVED: &[OpenField] = &[
    ex(
        "steps",
        OpenTy::ObjList(super::procedure::STEP, super::procedure::STEP_DERIVED),
        "办理环节",
        "The steps of its procedure.",
    ).after("procedure"),
    ex_null(
        "fee_note",
        OpenTy::Str,
        "收费说明",
        "`不收费` when free, or the publisher's words; `null` when the fees are listed in `fees` or when the guide does not state them.",
    ).after("sample_forms"),
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
    pub form: Option<MaterialForm>,
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
    pub item_type: Option<ItemType>,
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
    pub fn item_type(&self) -> ItemType {
        self.item_type.unwrap_or(ItemType::Licence)
    }

    /// Is this a 行政许可, for which the seven publicity items are mandatory?
    pub fn is_licence(&self) -> bool {
        self.item_type() == ItemType::Licence
    }
}

/// The view model of a service guide (`record.d`); what the permit does not state is
/// 「未注明」.
#[derive(Serialize)]
struct View<'a> {
    item_type: ItemType,
    licence: bool,
    item_code: Option<&'a str>,
    handling_org: Option<&'a str>,
    basis: &'a [String],
    conditions: &'a [String],
    quantity_limit: Option<&'a str>,
    procedure_link: Option<Value>,
    steps: Vec<StepView<'a>>,
    has_procedure: bool,
    time_limit: Option<TimeLimitView>,
    materials: Vec<MaterialView<'a>>,
    sample_forms: Vec<Value>,
    fees: FeesView<'a>,
    department: Option<&'a str>,
    service_object: Option<&'a str>,
    location: Option<&'a str>,
    hours: Option<&'a str>,
    phone: Option<&'a str>,
    online_url: Option<&'a str>,
}

/// 办理时限 in words.
#[derive(Serialize)]
struct TimeLimitView {
    statutory: String,
    promised_wd: Option<u32>,
}

/// A row of the 申请材料 table.
#[derive(Serialize)]
struct MaterialView<'a> {
    n: usize,
    name: &'a str,
    copies: String,
    form: &'a str,
    required: &'static str,
    note: Option<&'a str>,
}

/// 收费: `{"words": …}` (as written, or 「未注明」) or `{"links": [fee links]}`.
#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum FeesView<'a> {
    Words(&'a str),
    Links(Vec<Value>),
}

impl super::RecordKind for Permit {
    const NAME: &'static str = "permit";
    const FOLDER: &'static str = "permits";
    const LABEL: &'static str = "行政许可";
    const NAV_LABEL: Option<&'static str> = Some("办事指南");
    const FIELDS: &'static [Field] = FIELDS;
    const OPEN_DERIVED: &'static [OpenField] = OPEN_DERIVED;
    const SKELETON: &'static [&'static str] = SKELETON;

    fn validate(&self, cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        let p = self;
        if let Some(ProcedureRef::Id(id)) = &p.procedure {
            if !cx.has(Kind::Procedure, id) {
                out.push(dangling(r, "procedure", "办理程序", "procedures", id));
            }
        }
        if let Some(FeesRef::Ids(ids)) = &p.fees {
            for (i, id) in ids.iter().enumerate() {
                if !cx.has(Kind::Fee, id) {
                    out.push(dangling(
                        r,
                        &format!("fees[{}]", i + 1),
                        "收费项目",
                        "fees",
                        id,
                    ));
                }
            }
        }
        if p.fees.is_none() {
            out.push(r.diag_at(
                Diagnostic::warning(Code::PermitFeesUnstated, &r.source, "没有写明是否收费，页面将显示“收费：未注明”")
                    .hint("按办事指南原文填写：不收费的写 fees: 不收费，收费的列出收费项目（fees 下的文件名）。原文确实没有写明的，请向承办单位核实。"),
                "title",
            ));
        }
        let unstated: Vec<String> = p
            .materials
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let missing: Vec<&str> = [
                    (m.copies.is_none(), "份数（copies）"),
                    (m.form_text().is_none(), "原件或复印件（original 或 form）"),
                    (m.required.is_none(), "是否必需（required）"),
                ]
                .into_iter()
                .filter_map(|(absent, what)| absent.then_some(what))
                .collect();
                (!missing.is_empty())
                    .then(|| format!("第{}项“{}”缺{}", i + 1, m.name, missing.join("、")))
            })
            .collect();
        if !unstated.is_empty() {
            out.push(r.diag_at(
                Diagnostic::warning(Code::PermitMaterialUnstated, &r.source, "申请材料有未写明的项目，页面将显示“未注明”")
                    .found(unstated.join("；"))
                    .hint("按办事指南原文逐项填写 copies（份数）、original（true 原件 / false 复印件；原件及复印件都要的写 form: 原件及复印件）、required（true 必需 / false 视情况提供）；网站不会替您默认为“1份、复印件、必需”。"),
                "materials",
            ));
        }
        permit_item_rules(r, p, out);
        if p.is_licence() && p.materials.is_empty() {
            out.push(
                r.diag_at(
                    Diagnostic::error(Code::PermitNoMaterials, &r.source, "申请材料目录不能为空")
                        .hint("至少列出一种申请材料。"),
                    "materials",
                ),
            );
        }
        if p.is_licence() && p.sample_forms.is_empty() {
            out.push(r.diag_at(
                Diagnostic::error(Code::PermitNoSampleForm, &r.source, "缺少申请书示范文本").hint(
                    "行政许可须公开申请书示范文本：把文件放在记录旁边，并在 sample_forms 中列出。",
                ),
                "sample_forms",
            ));
        }
    }

    fn attachments(&self) -> Vec<(String, &str)> {
        self.sample_forms
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("sample_forms[{}].file", i + 1), a.file.as_str()))
            .collect()
    }

    fn view(&self, cx: &ViewCx) -> Value {
        let (p, site, r) = (self, cx.site, cx.r);
        let url_of = |key: &str| cx.url_of(key);
        let attachment_ctx =
            |_: &Site, _: &Record, file: &str, title: &str| cx.attachment(file, title);
        let (procedure_link, steps) = match &p.procedure {
            None => (None, Vec::new()),
            Some(ProcedureRef::Id(id)) => {
                let key = format!("procedures/{id}");
                let steps = match site.get(&key) {
                    Some(
                        x @ Record {
                            data: Data::Procedure(pr),
                            ..
                        },
                    ) => steps_ctx(x, &pr.steps, "steps"),
                    Some(_) | None => Vec::new(),
                };
                (url_of(&key), steps)
            }
            Some(ProcedureRef::Steps(s)) => (None, steps_ctx(r, s, "procedure")),
        };
        let fees = match &p.fees {
            None => FeesView::Words(NOT_STATED),
            Some(FeesRef::Words(w)) => FeesView::Words(w),
            Some(FeesRef::Ids(ids)) => FeesView::Links(
                ids.iter()
                    .filter_map(|id| url_of(&format!("fees/{id}")))
                    .collect(),
            ),
        };
        to_value(View {
            item_type: p.item_type(),
            licence: p.is_licence(),
            item_code: p.item_code.as_deref(),
            handling_org: p.handling_org.as_deref(),
            basis: &p.basis,
            conditions: &p.conditions,
            quantity_limit: p.quantity_limit.as_deref(),
            procedure_link,
            steps,
            has_procedure: p.procedure.is_some(),
            time_limit: p.time_limit.as_ref().map(|t| TimeLimitView {
                statutory: t.statutory_wd.text(),
                promised_wd: t.promised_wd,
            }),
            materials: p
                .materials
                .iter()
                .enumerate()
                .map(|(i, m)| MaterialView {
                    n: i + 1,
                    name: &m.name,
                    copies: m
                        .copies
                        .map_or_else(|| NOT_STATED.to_string(), |n| n.to_string()),
                    form: m.form_text().unwrap_or(NOT_STATED),
                    required: m.required.map_or(NOT_STATED, |r| {
                        if r {
                            "必需"
                        } else {
                            "视情况提供"
                        }
                    }),
                    note: m.note.as_deref(),
                })
                .collect(),
            sample_forms: p
                .sample_forms
                .iter()
                .map(|a| attachment_ctx(site, r, &a.file, &a.title))
                .collect(),
            fees,
            department: p.department.as_deref(),
            service_object: p.service_object.as_deref(),
            location: p.location.as_deref(),
            hours: p.hours.as_deref(),
            phone: p.phone.as_deref(),
            online_url: p.online_url.as_deref(),
        })
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        // Every text the page shows, with the headings the template writes.
        let licence = self.item_type() == ItemType::Licence;
        parts.extend(
            [
                &self.item_code,
                &self.department,
                &self.handling_org,
                &self.service_object,
                &self.location,
                &self.hours,
                &self.phone,
                &self.quantity_limit,
            ]
            .into_iter()
            .flatten()
            .cloned(),
        );
        if !self.basis.is_empty() {
            parts.push("设定依据".into());
        }
        parts.extend(self.basis.iter().cloned());
        if !self.conditions.is_empty() {
            parts.push(
                if licence {
                    "许可条件"
                } else {
                    "办理条件"
                }
                .into(),
            );
        }
        parts.extend(self.conditions.iter().cloned());
        parts.push("办理期限".into());
        if let Some(t) = &self.time_limit {
            parts.push(format!("法定办结时限 {}", t.statutory_wd.text()));
        }
        if !self.materials.is_empty() {
            parts.push(
                if licence {
                    "申请材料目录"
                } else {
                    "申请材料"
                }
                .into(),
            );
        }
        for m in &self.materials {
            parts.push(m.name.clone());
            parts.extend(m.form_text().map(str::to_string));
            parts.extend(m.note.clone());
        }
        parts.push("收费".into());
        if let Some(FeesRef::Words(w)) = &self.fees {
            parts.push(w.clone());
        }
    }

    fn links_to(&self, key: &str) -> bool {
        let procedure = matches!(&self.procedure, Some(ProcedureRef::Id(id))
            if key.strip_prefix("procedures/") == Some(id.as_str()));
        let fee = matches!(&self.fees, Some(FeesRef::Ids(ids))
            if ids.iter().any(|id| key.strip_prefix("fees/") == Some(id.as_str())));
        procedure || fee
    }

    fn open_data(&self, cx: &ViewCx) -> Value {
        let (p, site, r) = (self, cx.site, cx.r);
        let url_of = |key: &str| exported_url(cx, key);
        let (procedure, st) = match &p.procedure {
            None => (None, json!([])),
            Some(ProcedureRef::Id(id)) => {
                let key = format!("procedures/{id}");
                let st = match site.get(&key) {
                    Some(
                        x @ Record {
                            data: Data::Procedure(pr),
                            ..
                        },
                    ) => steps(x, &pr.steps, "steps"),
                    Some(_) | None => json!([]),
                };
                (url_of(&key), st)
            }
            Some(ProcedureRef::Steps(s)) => (None, steps(r, s, "procedure")),
        };
        let (fee_note, fees) = match &p.fees {
            None => (None, Vec::new()),
            Some(FeesRef::Words(w)) => (Some(w.clone()), Vec::new()),
            Some(FeesRef::Ids(ids)) => (
                None,
                ids.iter()
                    .filter_map(|id| url_of(&format!("fees/{id}")))
                    .collect(),
            ),
        };
        json!({
            "basis": p.basis, "conditions": p.conditions, "quantity_limit": p.quantity_limit,
            "procedure": procedure, "steps": st,
            "item_type": p.item_type(), "item_code": p.item_code, "handling_org": p.handling_org,
            "time_limit": p.time_limit.as_ref().map(|t| json!({
                "statutory_wd": match t.statutory_wd { Statutory::Days(n) => Some(n), _ => None },
                "statutory_text": t.statutory_wd.text(),
                "promised_wd": t.promised_wd,
            })),
            "materials": p.materials.iter().enumerate().map(|(i, m)| json!({
                "n": i + 1, "name": m.name, "copies": m.copies, "original": m.original, "form": m.form_text(),
                "required": m.required, "note": m.note,
            })).collect::<Vec<_>>(),
            "sample_forms": attachments(site, r, &p.sample_forms),
            "fee_note": fee_note, "fees": fees,
            "department": p.department, "service_object": p.service_object, "location": p.location,
            "hours": p.hours, "phone": p.phone, "online_url": p.online_url,
        })
    }

    fn csv_rows(&self, _site: &crate::content::Site, r: &Record, url: &str) -> Vec<Vec<String>> {
        let p = self;
        let mut rows = Vec::new();
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        for (i, m) in p.materials.iter().enumerate() {
            rows.push(vec![
                r.id.clone(),
                r.common.title.clone(),
                (i + 1).to_string(),
                m.name.clone(),
                m.copies.map(|n| n.to_string()).unwrap_or_default(),
                m.form_text().unwrap_or_default().to_string(),
                m.required
                    .map(|r| if r { "必需" } else { "视情况提供" })
                    .unwrap_or_default()
                    .to_string(),
                s(&m.note),
                url.to_string(),
            ]);
        }
        rows
    }
}
