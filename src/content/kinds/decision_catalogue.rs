//! 重大行政决策事项目录 — the year's list of major administrative decisions the bureau plans to
//! make (重大行政决策程序暂行条例, 国务院令第713号, art. 10): one record per year, each item with
//! its 承办单位, planned timing and the procedures that apply to it. A decision record
//! (`decision.rs`) follows one item by its year and number.

use crate::content::validate::KindCx;
use crate::content::view::{to_value, MetaRow, ViewCx, NOT_STATED};
use crate::content::Record;
use crate::diag::{Code, Diagnostic};
use crate::schema::{ex, ex_null, Field, OpenTy, Ty};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// One item of the catalogue.
pub static ITEM: &[Field] = &[
    Field {
        name: "no",
        zh: "序号",
        ty: Ty::Text,
        required: true,
        help: "目录中的序号，如 1；决策记录用 year 和 item 引用它，同一目录中不得重复",
        open: Some(ex("no", OpenTy::Str, "序号", "Number of the item within the year's catalogue; decisions refer to it.")),
    },
    Field {
        name: "title",
        zh: "决策事项",
        ty: Ty::Text,
        required: true,
        help: "决策事项名称",
        open: Some(ex("title", OpenTy::Str, "决策事项", "Name of the planned decision.")),
    },
    Field {
        name: "unit",
        zh: "承办单位",
        ty: Ty::Text,
        required: true,
        help: "负责起草和组织论证的单位，如 就业促进科",
        open: Some(ex("unit", OpenTy::Str, "承办单位", "Unit in charge of the decision.")),
    },
    Field {
        name: "planned",
        zh: "计划完成时间",
        ty: Ty::Text,
        required: false,
        help: "如 2026年第三季度",
        open: Some(ex_null("planned", OpenTy::Str, "计划完成时间", "Planned timing, as written (e.g. a quarter).")),
    },
    Field {
        name: "participation",
        zh: "公众参与",
        ty: Ty::Bool,
        required: false,
        help: "是否需要公开征求意见：true 或 false；不写时页面显示“未注明”",
        open: Some(ex_null("participation", OpenTy::Bool, "公众参与", "Whether public participation applies; `null` when not stated.")),
    },
    Field {
        name: "hearing",
        zh: "听证",
        ty: Ty::Bool,
        required: false,
        help: "是否需要举行听证会：true 或 false",
        open: Some(ex_null("hearing", OpenTy::Bool, "听证", "Whether a hearing applies; `null` when not stated.")),
    },
    Field {
        name: "expert",
        zh: "专家论证",
        ty: Ty::Bool,
        required: false,
        help: "是否需要专家论证：true 或 false",
        open: Some(ex_null("expert", OpenTy::Bool, "专家论证", "Whether expert argument applies; `null` when not stated.")),
    },
    Field {
        name: "risk",
        zh: "风险评估",
        ty: Ty::Bool,
        required: false,
        help: "是否需要风险评估：true 或 false；写 true 时，未经风险评估不得作出决策",
        open: Some(ex_null("risk", OpenTy::Bool, "风险评估", "Whether a risk assessment applies (no decision may be made without it); `null` when not stated.")),
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "year",
        zh: "年度",
        ty: Ty::Int,
        required: true,
        help: "目录所属年度，如 2026；每年一份目录",
        open: Some(ex("year", OpenTy::Int, "年度", "Year of the catalogue.")),
    },
    Field {
        name: "items",
        zh: "决策事项",
        ty: Ty::List(&Ty::Obj(ITEM)),
        required: true,
        help: "本年度的重大行政决策事项，每项一条",
        open: Some(ex(
            "items",
            OpenTy::ObjList(ITEM, &[]),
            "决策事项",
            "The items the bureau plans to decide this year.",
        )),
    },
];

/// 决策事项 — one item of a catalogue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    pub no: String,
    pub title: String,
    pub unit: String,
    #[serde(default)]
    pub planned: Option<String>,
    #[serde(default)]
    pub participation: Option<bool>,
    #[serde(default)]
    pub hearing: Option<bool>,
    #[serde(default)]
    pub expert: Option<bool>,
    #[serde(default)]
    pub risk: Option<bool>,
}

/// 重大行政决策事项目录 — one year's catalogue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DecisionCatalogue {
    pub year: u32,
    pub items: Vec<Item>,
}

impl DecisionCatalogue {
    /// The item numbered `no`, if the catalogue has it.
    pub fn item(&self, no: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.no.trim() == no.trim())
    }
}

/// 是 / 否 / 未注明 for a procedure flag.
pub fn applies_text(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "是",
        Some(false) => "否",
        None => NOT_STATED,
    }
}

/// The view model of a catalogue (`record.d`).
#[derive(Serialize)]
struct View<'a> {
    year: u32,
    items: Vec<ItemView<'a>>,
}

/// One item on the catalogue's page: flags in words (「未注明」 when not stated).
#[derive(Serialize)]
struct ItemView<'a> {
    no: &'a str,
    title: &'a str,
    unit: &'a str,
    planned: &'a str,
    participation: &'static str,
    hearing: &'static str,
    expert: &'static str,
    risk: &'static str,
}

impl super::RecordKind for DecisionCatalogue {
    const NAME: &'static str = "decision_catalogue";
    const FOLDER: &'static str = "decision-catalogues";
    const LABEL: &'static str = "重大行政决策事项目录";
    const FIELDS: &'static [Field] = FIELDS;
    const IMPORT_ROWS: Option<&'static str> = Some("items");

    fn validate(&self, _cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        let mut seen: Vec<&str> = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            let no = item.no.trim();
            if seen.contains(&no) {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::DecisionCatalogueDuplicateItem,
                            &r.source,
                            format!("决策事项目录中序号“{no}”重复"),
                        ),
                        &format!("items[{}].no", i + 1),
                    )
                    .hint(
                        "决策记录用 year 和 item（序号）引用目录中的事项，请给每项一个不同的序号。",
                    ),
                );
            }
            seen.push(no);
        }
    }

    fn view(&self, _cx: &ViewCx) -> Value {
        to_value(View {
            year: self.year,
            items: self
                .items
                .iter()
                .map(|i| ItemView {
                    no: &i.no,
                    title: &i.title,
                    unit: &i.unit,
                    planned: i.planned.as_deref().unwrap_or(NOT_STATED),
                    participation: applies_text(i.participation),
                    hearing: applies_text(i.hearing),
                    expert: applies_text(i.expert),
                    risk: applies_text(i.risk),
                })
                .collect(),
        })
    }

    fn meta_rows<'a>(&'a self, rows: &mut Vec<MetaRow<'a>>) {
        rows.push(MetaRow {
            label: "年度",
            value: std::borrow::Cow::Owned(format!("{}年", self.year)),
        });
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        (None, Some(format!("共{}项", self.items.len())))
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        for i in &self.items {
            parts.push(i.title.clone());
            parts.push(i.unit.clone());
        }
    }

    fn open_data(&self, _cx: &ViewCx) -> Value {
        json!({
            "year": self.year,
            "items": self.items.iter().map(|i| json!({
                "no": i.no, "title": i.title, "unit": i.unit, "planned": i.planned,
                "participation": i.participation, "hearing": i.hearing,
                "expert": i.expert, "risk": i.risk,
            })).collect::<Vec<_>>(),
        })
    }
}
