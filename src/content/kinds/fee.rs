//! 收费项目 — a fee: its legal basis, its standards table and what was collected.

use crate::content::validate::{fee_rules, KindCx};
use crate::content::view::{
    fee_basis, fee_standard_top, money, standard_ctx, to_value, StandardView, ViewCx,
};
use crate::content::Record;
use crate::diag::Diagnostic;
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::schema::{ex, ex_null, OpenField, OpenTy};

static BASIS: &[Field] = &[
    Field {
        name: "title",
        zh: "文件名称",
        ty: Ty::Text,
        required: false,
        help: "收费依据的文件名称；原文只给文号时可不写，但文件名称和文号至少写一项",
        open: Some(ex_null(
        "title",
        OpenTy::Str,
        "依据名称",
        "Title of the document that authorises the fee; `null` when only its number was published.",
    )),
    },
    Field {
        name: "doc_no",
        zh: "文号",
        ty: Ty::Text,
        required: false,
        help: "如 鄂价费〔2020〕12号，照原文抄写（括号样式不改）；一个文件一项",
        open: Some(ex_null(
        "doc_no",
        OpenTy::Str,
        "文号",
        "Its document number, as published (bracket style kept).",
    )),
    },
];

const ITEM: Field = Field {
    name: "item",
    zh: "收费项目",
    ty: Ty::Text,
    required: true,
    help: "具体收费项目",
    open: Some(ex("item", OpenTy::Str, "收费项目", "What is charged for.")),
};
const AMOUNT: Field = Field {
    name: "amount",
    zh: "金额",
    ty: Ty::Number,
    required: false,
    help: "固定金额，只写数字，如 30；免收的写 0。与 min/max、rate、text 只写一种",
    open: Some(ex_null("amount", OpenTy::Num, "金额（元）", "Fixed amount in yuan (CNY); `null` unless `form` is `fixed`. 0 only when the publisher wrote 0.")),
};
const MIN: Field = Field {
    name: "min",
    zh: "最低金额",
    ty: Ty::Number,
    required: false,
    help: "金额为幅度时的下限，如 50（与 max 一起写）",
    open: Some(ex_null(
        "min",
        OpenTy::Num,
        "最低金额（元）",
        "Lower bound of a range, in yuan.",
    )),
};
const MAX: Field = Field {
    name: "max",
    zh: "最高金额",
    ty: Ty::Number,
    required: false,
    help: "金额为幅度时的上限，如 100（与 min 一起写）",
    open: Some(ex_null(
        "max",
        OpenTy::Num,
        "最高金额（元）",
        "Upper bound of a range, in yuan.",
    )),
};
const RATE: Field = Field {
    name: "rate",
    zh: "费率",
    ty: Ty::Number,
    required: false,
    help: "按比例或倍数收费时的数字，如 1.5（倍）或 80（%），与 rate_unit 一起写",
    open: Some(ex_null(
        "rate",
        OpenTy::Num,
        "费率",
        "A rate: a multiple (`rate_unit` 倍) or a percentage (`rate_unit` %).",
    )),
};
const RATE_UNIT: Field = Field {
    name: "rate_unit",
    zh: "费率单位",
    ty: Ty::Enum(RateUnit::VALUES),
    required: false,
    help: "倍 或 %",
    open: Some(ex_null(
        "rate_unit",
        OpenTy::Enum(RateUnit::VALUES),
        "费率单位",
        "倍 or %.",
    )),
};
const RATE_OF: Field = Field {
    name: "rate_of",
    zh: "计费基数",
    ty: Ty::Text,
    required: false,
    help: "费率按什么计算，如 基本收费标准、合同金额",
    open: Some(ex_null(
        "rate_of",
        OpenTy::Str,
        "计费基数",
        "What the rate applies to.",
    )),
};
const UNIT: Field = Field {
    name: "unit",
    zh: "计费单位",
    ty: Ty::Text,
    required: false,
    help: "如 元/人次、元/张；按固定金额或幅度收费时填写",
    open: Some(ex_null(
        "unit",
        OpenTy::Str,
        "计费单位",
        "Per what the amount is charged, e.g. 元/人次.",
    )),
};
const TEXT: Field = Field {
    name: "text",
    zh: "收费标准（文字）",
    ty: Ty::Text,
    required: false,
    help: "以上形式都不适用时照原文抄写收费标准，如 按实际成本收取",
    open: Some(ex_null(
        "text",
        OpenTy::Str,
        "收费标准（文字）",
        "The standard in the publisher's words when no other form fits.",
    )),
};
const STD_BASIS: Field = Field {
    name: "basis",
    zh: "本项依据",
    ty: Ty::List(&Ty::Obj(BASIS)),
    required: false,
    help: "这一项标准自己的批准文件（与整条记录的收费依据不同时填写）",
    open: Some(ex(
        "basis",
        OpenTy::ObjList(BASIS, &[]),
        "本项依据",
        "Documents that authorise this standard in particular (may be empty).",
    )),
};
const NOTE: Field = Field {
    name: "note",
    zh: "备注",
    ty: Ty::Text,
    required: false,
    help: "减免等说明",
    open: Some(ex_null(
        "note",
        OpenTy::Str,
        "备注",
        "Exemptions, reductions, remarks.",
    )),
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
        open: Some(ex(
            "items",
            OpenTy::ObjList(SUB_STANDARD, STANDARD_DERIVED),
            "子项",
            "Sub-items, each with its own standard (may be empty).",
        )),
    },
    NOTE,
];

/// The open-data entries of a fee standard ([`STANDARD`], [`SUB_STANDARD`]) that are derived
/// rather than entered.
pub static STANDARD_DERIVED: &[OpenField] = &[
    ex(
        "form",
        OpenTy::Enum(FORMS),
        "标准形式",
        "`fixed` (an amount), `range` (`min`–`max`), `rate` (`rate` `rate_unit` of `rate_of`), `text` (only words), `items` (the sub-items carry the standards) or `unstated` (the publisher gave none; published as 未注明).",
    )
    .after("item"),
    ex(
        "display",
        OpenTy::Str,
        "收费标准",
        "The standard as published on the page (未注明 when unstated).",
    )
    .after("text"),
];

static COLLECTION: &[Field] = &[
    Field {
        name: "period",
        zh: "期间",
        ty: Ty::Text,
        required: true,
        help: "如 2026年第三季度",
        open: Some(ex(
            "period",
            OpenTy::Str,
            "期间",
            "Period, e.g. 2026年上半年.",
        )),
    },
    Field {
        name: "amount",
        zh: "收缴金额（元）",
        ty: Ty::Number,
        required: true,
        help: "只写数字",
        open: Some(ex(
            "amount",
            OpenTy::Num,
            "收缴金额（元）",
            "Amount collected in yuan.",
        )),
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "basis",
        zh: "收费依据",
        ty: Ty::List(&Ty::Obj(BASIS)),
        required: true,
        help: "收费所依据的文件",
        open: Some(ex(
            "basis",
            OpenTy::ObjList(BASIS, &[]),
            "收费依据",
            "Documents that authorise the fee.",
        )),
    },
    Field {
        name: "standards",
        zh: "收费标准",
        ty: Ty::List(&Ty::Obj(STANDARD)),
        required: true,
        help: "每个收费项目一行",
        open: Some(ex(
            "standards",
            OpenTy::ObjList(STANDARD, STANDARD_DERIVED),
            "收费标准",
            "Amounts charged: each standard in one form (`form`), never an amount nobody entered.",
        )),
    },
    Field {
        name: "payer",
        zh: "收费对象",
        ty: Ty::Text,
        required: false,
        help: "向谁收费",
        open: Some(ex_null("payer", OpenTy::Str, "缴费对象", "Who pays.")),
    },
    Field {
        name: "collections",
        zh: "收缴情况",
        ty: Ty::List(&Ty::Obj(COLLECTION)),
        required: false,
        help: "各期间收缴金额",
        open: Some(ex(
            "collections",
            OpenTy::ObjList(COLLECTION, &[]),
            "收缴情况",
            "Amounts collected by period (may be empty).",
        )),
    },
    Field {
        name: "complaint_phone",
        zh: "投诉电话",
        ty: Ty::Text,
        required: false,
        help: "价格投诉举报电话",
        open: Some(ex_null(
            "complaint_phone",
            OpenTy::Str,
            "投诉电话",
            "Telephone for complaints about the fee.",
        )),
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

wire_enum! {
    /// 费率单位: a multiple or a percentage.
    pub enum RateUnit {
        Times = "倍",
        Percent = "%",
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
    pub rate_unit: Option<RateUnit>,
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
                    self.rate_unit.map_or("", RateUnit::as_str)
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

/// The view model of a fee (`record.d`).
#[derive(Serialize)]
struct View<'a> {
    basis: Vec<BasisView<'a>>,
    standards: Vec<StandardView<'a>>,
    payer: Option<&'a str>,
    collections: Vec<CollectionView<'a>>,
    complaint_phone: Option<&'a str>,
}

/// A fee's legal basis as its page shows it.
#[derive(Serialize)]
struct BasisView<'a> {
    title: Option<&'a str>,
    doc_no: Option<&'a str>,
    label: String,
}

/// What was collected in a period, the amount as pages print money.
#[derive(Serialize)]
struct CollectionView<'a> {
    period: &'a str,
    amount: String,
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

impl super::RecordKind for Fee {
    const NAME: &'static str = "fee";
    const FOLDER: &'static str = "fees";
    const LABEL: &'static str = "收费项目";
    const FIELDS: &'static [Field] = FIELDS;

    fn validate(&self, _cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        fee_rules(r, self, out);
    }

    fn view(&self, _cx: &ViewCx) -> Value {
        let f = self;
        to_value(View {
            basis: f
                .basis
                .iter()
                .map(|b| BasisView {
                    title: b.title.as_deref(),
                    doc_no: b.doc_no.as_deref(),
                    label: b.label(),
                })
                .collect(),
            standards: f.standards.iter().map(standard_ctx).collect(),
            payer: f.payer.as_deref(),
            collections: f
                .collections
                .iter()
                .map(|c| CollectionView {
                    period: &c.period,
                    amount: money(c.amount),
                })
                .collect(),
            complaint_phone: f.complaint_phone.as_deref(),
        })
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        // Every text the page shows, with the headings the template writes.
        parts.push("收费标准 收费依据".into());
        parts.extend(self.basis.iter().map(|b| b.label()));
        if let Some(p) = &self.payer {
            parts.push(format!("收费对象 {p}"));
        }
        if !self.collections.is_empty() {
            parts.push("收缴情况".into());
        }
        for c in &self.collections {
            parts.push(format!("{} {}", c.period, money(c.amount)));
        }
        if let Some(p) = &self.complaint_phone {
            parts.push(format!("投诉电话 {p}"));
        }
        for s in std::iter::once(&self.standards)
            .flatten()
            .flat_map(|s| std::iter::once(s).chain(&s.items))
        {
            parts.extend(s.note.clone());
        }
        for s in &self.standards {
            for s in std::iter::once(s).chain(&s.items) {
                parts.push(format!(
                    "{} {} {} {}",
                    s.item,
                    s.display(money),
                    s.unit.clone().unwrap_or_default(),
                    s.basis
                        .iter()
                        .map(|b| b.label())
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
            }
        }
    }

    fn open_data(&self, _cx: &ViewCx) -> Value {
        let x = self;
        json!({
            "basis": x.basis.iter().map(fee_basis).collect::<Vec<_>>(),
            "standards": x.standards.iter().map(fee_standard_top).collect::<Vec<_>>(),
            "payer": x.payer,
            "collections": x.collections.iter().map(|c| json!({"period": c.period, "amount": c.amount})).collect::<Vec<_>>(),
            "complaint_phone": x.complaint_phone,
        })
    }

    fn csv_rows(&self, _site: &crate::content::Site, r: &Record, url: &str) -> Vec<Vec<String>> {
        let x = self;
        let mut rows = Vec::new();
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        let published = r
            .common
            .published
            .map(|d| d.to_string())
            .unwrap_or_default();
        let basis = |b: &[Basis]| b.iter().map(|b| b.label()).collect::<Vec<_>>().join("；");
        let opt = |x: Option<f64>| x.map(number).unwrap_or_default();
        for top in &x.standards {
            let rows_of =
                std::iter::once((None, top)).chain(top.items.iter().map(|c| (Some(&top.item), c)));
            for (parent, st) in rows_of {
                rows.push(vec![
                    r.id.clone(),
                    r.common.title.clone(),
                    st.item.clone(),
                    opt(st.amount),
                    s(&st.unit),
                    s(&st.note),
                    s(&x.payer),
                    basis(&x.basis),
                    published.clone(),
                    url.to_string(),
                    parent.cloned().unwrap_or_default(),
                    st.form().to_string(),
                    st.display(number),
                    opt(st.min),
                    opt(st.max),
                    opt(st.rate),
                    st.rate_unit
                        .map(RateUnit::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    s(&st.rate_of),
                    s(&st.text),
                    basis(&st.basis),
                ]);
            }
        }
        rows
    }
}
