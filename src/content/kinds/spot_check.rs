//! 双随机、一公开 — the 随机抽查事项清单 (the matters the bureau may inspect at random, with
//! category, target, basis, department and method: 事前公开 under 国办发〔2018〕118号) and the
//! yearly 双随机抽查 plan with its results. Enforcement records of action 检查 name their plan
//! (`plan:`), and the plan page lists them.

use super::Kind;
use crate::content::clock::{days_between, Clock, ClockCx, Due};
use crate::content::view::{date_text, to_value, ViewCx};
use crate::content::Record;
use crate::diag::{Code, Diagnostic};
use crate::schema::{ex, ex_null, Field, OpenTy, Ty, NOT_EXPORTED};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

static LIST_ITEM: &[Field] = &[
    Field {
        name: "category",
        zh: "抽查类别",
        ty: Ty::Text,
        required: true,
        help: "如 重点检查事项、一般检查事项",
        open: Some(ex(
            "category",
            OpenTy::Str,
            "抽查类别",
            "Category of the matter.",
        )),
    },
    Field {
        name: "matter",
        zh: "抽查事项",
        ty: Ty::Text,
        required: true,
        help: "如 用人单位遵守劳动用工和社会保险法律法规情况的检查",
        open: Some(ex(
            "matter",
            OpenTy::Str,
            "抽查事项",
            "The matter inspected.",
        )),
    },
    Field {
        name: "target",
        zh: "抽查对象",
        ty: Ty::Text,
        required: true,
        help: "如 辖区内用人单位",
        open: Some(ex(
            "target",
            OpenTy::Str,
            "抽查对象",
            "Who may be inspected.",
        )),
    },
    Field {
        name: "basis",
        zh: "抽查依据",
        ty: Ty::Text,
        required: true,
        help: "法律法规名称及条款",
        open: Some(ex(
            "basis",
            OpenTy::Str,
            "抽查依据",
            "Legal basis of the inspection.",
        )),
    },
    Field {
        name: "department",
        zh: "承办机构",
        ty: Ty::Text,
        required: true,
        help: "如 劳动保障监察大队",
        open: Some(ex(
            "department",
            OpenTy::Str,
            "承办机构",
            "Unit that carries the inspection out.",
        )),
    },
    Field {
        name: "method",
        zh: "抽查方式",
        ty: Ty::Text,
        required: true,
        help: "如 书面检查、实地核查、网络监测",
        open: Some(ex(
            "method",
            OpenTy::Str,
            "抽查方式",
            "How the inspection is carried out.",
        )),
    },
];

pub static LIST_FIELDS: &[Field] = &[Field {
    name: "items",
    zh: "抽查事项",
    ty: Ty::List(&Ty::Obj(LIST_ITEM)),
    required: true,
    help: "每个事项一项：category、matter、target、basis、department、method",
    open: Some(ex(
        "items",
        OpenTy::ObjList(LIST_ITEM, &[]),
        "抽查事项",
        "The matters of the list.",
    )),
}];

/// One matter of the 随机抽查事项清单.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListItem {
    pub category: String,
    pub matter: String,
    pub target: String,
    pub basis: String,
    pub department: String,
    pub method: String,
}

/// 随机抽查事项清单.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpotCheckList {
    pub items: Vec<ListItem>,
}

impl super::RecordKind for SpotCheckList {
    const NAME: &'static str = "spot_check_list";
    const FOLDER: &'static str = "spot-check-lists";
    const LABEL: &'static str = "随机抽查事项清单";
    const FIELDS: &'static [Field] = LIST_FIELDS;
    const IMPORT_ROWS: Option<&'static str> = Some("items");

    fn summary(&self, _r: &Record) -> String {
        format!("随机抽查事项{}项", self.items.len())
    }

    fn view(&self, _cx: &ViewCx) -> Value {
        to_value(self)
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        (None, Some(format!("{}项抽查事项", self.items.len())))
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        for i in &self.items {
            parts.push(i.matter.clone());
            parts.push(i.target.clone());
        }
    }

    fn open_data(&self, _cx: &ViewCx) -> Value {
        json!({ "items": self.items })
    }
}

static TASK: &[Field] = &[
    Field {
        name: "matter",
        zh: "抽查事项",
        ty: Ty::Text,
        required: true,
        help: "随机抽查事项清单中的事项",
        open: Some(ex(
            "matter",
            OpenTy::Str,
            "抽查事项",
            "The matter inspected.",
        )),
    },
    Field {
        name: "target",
        zh: "抽查对象范围",
        ty: Ty::Text,
        required: true,
        help: "如 辖区内建筑施工企业",
        open: Some(ex(
            "target",
            OpenTy::Str,
            "抽查对象范围",
            "Pool the inspected are drawn from.",
        )),
    },
    Field {
        name: "ratio",
        zh: "抽查比例",
        ty: Ty::Text,
        required: false,
        help: "如 5%。不写则显示“未注明”",
        open: Some(ex_null(
            "ratio",
            OpenTy::Str,
            "抽查比例",
            "Share drawn; `null` when not entered.",
        )),
    },
    Field {
        name: "period",
        zh: "实施时间",
        ty: Ty::Text,
        required: false,
        help: "如 2026年5月至6月。不写则显示“未注明”",
        open: Some(ex_null(
            "period",
            OpenTy::Str,
            "实施时间",
            "When the inspections take place; `null` when not entered.",
        )),
    },
    Field {
        name: "department",
        zh: "承办机构",
        ty: Ty::Text,
        required: true,
        help: "如 劳动保障监察大队",
        open: Some(ex(
            "department",
            OpenTy::Str,
            "承办机构",
            "Unit that carries the inspections out.",
        )),
    },
];

static RESULT: &[Field] = &[
    Field {
        name: "target",
        zh: "检查对象",
        ty: Ty::Text,
        required: true,
        help: "被检查单位的名称；个体工商户、自然人只写姓氏加“某”",
        open: Some(ex("target", OpenTy::Str, "检查对象", "Who was inspected.")),
    },
    Field {
        name: "matter",
        zh: "抽查事项",
        ty: Ty::Text,
        required: true,
        help: "计划中的事项",
        open: Some(ex(
            "matter",
            OpenTy::Str,
            "抽查事项",
            "The matter inspected.",
        )),
    },
    Field {
        name: "date",
        zh: "检查日期",
        ty: Ty::Date,
        required: true,
        help: "实施检查的日期",
        open: Some(ex(
            "date",
            OpenTy::Date,
            "检查日期",
            "Date of the inspection.",
        )),
    },
    Field {
        name: "outcome",
        zh: "检查结果",
        ty: Ty::Text,
        required: true,
        help: "如 未发现问题；发现问题，已责令改正",
        open: Some(ex(
            "outcome",
            OpenTy::Str,
            "检查结果",
            "What the inspection found.",
        )),
    },
];

pub static PLAN_FIELDS: &[Field] = &[
    Field {
        name: "year",
        zh: "年度",
        ty: Ty::Int,
        required: true,
        help: "计划的年度，如 2026",
        open: Some(ex("year", OpenTy::Num, "年度", "Year of the plan.")),
    },
    Field {
        name: "tasks",
        zh: "抽查任务",
        ty: Ty::List(&Ty::Obj(TASK)),
        required: true,
        help: "每项任务：matter、target、ratio、period、department",
        open: Some(ex("tasks", OpenTy::ObjList(TASK, &[]), "抽查任务", "The planned inspections.")),
    },
    Field {
        name: "results",
        zh: "抽查结果",
        ty: Ty::List(&Ty::Obj(RESULT)),
        required: false,
        help: "已实施的检查，每次一项：target、matter、date、outcome。检查结果也可以作为执法公示（action: 检查）发布，并写 plan: 本计划的文件名",
        open: Some(ex("results", OpenTy::ObjList(RESULT, &[]), "抽查结果", "Inspections carried out (may be empty).")),
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub matter: String,
    pub target: String,
    #[serde(default)]
    pub ratio: Option<String>,
    #[serde(default)]
    pub period: Option<String>,
    pub department: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub target: String,
    pub matter: String,
    pub date: jiff::civil::Date,
    pub outcome: String,
}

/// 双随机抽查计划 and its results, for one year.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpotCheckPlan {
    pub year: i64,
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub results: Vec<Outcome>,
    #[serde(default)]
    pub order: Option<u32>,
}

#[derive(Serialize)]
struct PlanView<'a> {
    year: i64,
    tasks: &'a [Task],
    results: Vec<OutcomeView<'a>>,
    /// The enforcement records (检查) that name this plan, in site order.
    decisions: Vec<Value>,
}

#[derive(Serialize)]
struct OutcomeView<'a> {
    target: &'a str,
    matter: &'a str,
    date: String,
    outcome: &'a str,
}

/// A plan whose year ends within this many days with tasks still without results is listed
/// in the compliance page's 「即将到期」.
pub const RESULTS_SOON_DAYS: i64 = 30;

impl SpotCheckPlan {
    /// The tasks (1-based) no result names by its matter.
    fn without_results(&self) -> Vec<(usize, &Task)> {
        self.tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                !self
                    .results
                    .iter()
                    .any(|o| o.matter.trim() == t.matter.trim())
            })
            .map(|(i, t)| (i + 1, t))
            .collect()
    }
}

impl super::RecordKind for SpotCheckPlan {
    const NAME: &'static str = "spot_check_plan";
    const FOLDER: &'static str = "spot-check-plans";
    const LABEL: &'static str = "双随机抽查计划和结果";
    const FIELDS: &'static [Field] = PLAN_FIELDS;
    const PUBLIC_TEXT: Option<&'static [&'static str]> = Some(&["title"]);

    fn order(&self) -> Option<u32> {
        self.order
    }

    fn summary(&self, _r: &Record) -> String {
        format!(
            "{}年度双随机抽查任务{}项，已公开结果{}项",
            self.year,
            self.tasks.len(),
            self.results.len()
        )
    }

    fn view(&self, cx: &ViewCx) -> Value {
        let decisions = cx
            .site
            .of_kind(Kind::Enforcement)
            .filter(|x| {
                matches!(&x.data, super::Data::Enforcement(e)
                    if e.plan.as_deref().map(str::trim) == Some(cx.r.id.as_str()))
            })
            .filter(|x| cx.listed(x))
            .filter_map(|x| cx.url_of(&x.key()))
            .collect();
        to_value(PlanView {
            year: self.year,
            tasks: &self.tasks,
            results: self
                .results
                .iter()
                .map(|o| OutcomeView {
                    target: &o.target,
                    matter: &o.matter,
                    date: date_text(o.date),
                    outcome: &o.outcome,
                })
                .collect(),
            decisions,
        })
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        (None, Some(format!("{}年度", self.year)))
    }

    /// A year's plan is carried out and its results published by the year's end: tasks no
    /// result names are due then (「即将到期」 in the last [`RESULTS_SOON_DAYS`] days), and
    /// late after it (「逾期」, with the `spot-check.results-due` warning at the first such
    /// task).
    fn clock(&self, cx: &ClockCx, r: &Record, _out: &mut Vec<Diagnostic>) -> Clock {
        let mut clock = Clock::default();
        let Some(end) = i16::try_from(self.year)
            .ok()
            .and_then(|y| jiff::civil::Date::new(y, 12, 31).ok())
        else {
            return clock;
        };
        let open = self.without_results();
        let Some((first, _)) = open.first() else {
            return clock;
        };
        let left = days_between(cx.today, end);
        let matters: Vec<&str> = open.iter().map(|(_, t)| t.matter.trim()).collect();
        if left < 0 {
            let warning = r
                .diag_at(
                    Diagnostic::warning(
                        Code::SpotCheckResultsDue,
                        &r.source,
                        format!(
                            "{}年度抽查计划已结束，有{}项抽查任务还没有公开抽查结果",
                            self.year,
                            open.len()
                        ),
                    ),
                    &format!("tasks[{first}].matter"),
                )
                .expected(format!(
                    "{}前在 results 中公开每项任务的抽查结果（matter 与任务的事项相同）",
                    date_text(end)
                ))
                .found(format!("没有结果的任务：{}", matters.join("；")))
                .hint("请在 results 中添上每次检查的 target、matter、date 和 outcome；任务未实施的，请在正文中说明原因。");
            clock.late.push(Due {
                date: end,
                note: format!("{}项抽查任务没有公开结果", open.len()),
                warning: Some(warning),
            });
        } else if left <= RESULTS_SOON_DAYS {
            clock.soon.push(Due {
                date: end,
                note: format!(
                    "{}项抽查任务还没有公开结果，应于{}前公开",
                    open.len(),
                    date_text(end)
                ),
                warning: None,
            });
        }
        clock
    }

    /// The page lists the enforcement records that name the plan.
    fn links_to(&self, key: &str) -> bool {
        key.starts_with("enforcement/")
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        for t in &self.tasks {
            parts.push(t.matter.clone());
        }
    }

    fn open_data(&self, _cx: &ViewCx) -> Value {
        json!({
            "year": self.year,
            "tasks": self.tasks,
            "results": self.results.iter().map(|o| json!({
                "target": o.target, "matter": o.matter, "date": o.date.to_string(), "outcome": o.outcome,
            })).collect::<Vec<_>>(),
        })
    }
}
