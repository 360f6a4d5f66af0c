//! 办事流程、执法流程 — numbered steps with the actor and time limit of each.

use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

pub static STEP: &[Field] = &[
    Field {
        name: "name",
        zh: "环节名称",
        ty: Ty::Text,
        required: true,
        help: "如 受理、审查、决定",
    },
    Field {
        name: "actor",
        zh: "承办人员或机构",
        ty: Ty::Text,
        required: false,
        help: "谁来办这一步",
    },
    Field {
        name: "time_limit_wd",
        zh: "时限（工作日）",
        ty: Ty::Int,
        required: false,
        help: "这一步最多用几个工作日",
    },
    Field {
        name: "description",
        zh: "说明",
        ty: Ty::Markdown,
        required: false,
        help: "这一步做什么",
    },
    Field {
        name: "outputs",
        zh: "产出文书",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "如 受理通知书",
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "procedure_type",
        zh: "流程类型",
        ty: Ty::Enum(&["办事", "执法"]),
        required: false,
        help: "办事（默认）或执法",
    },
    Field {
        name: "applies_to",
        zh: "适用范围",
        ty: Ty::Text,
        required: false,
        help: "这个流程适用于哪些事项",
    },
    Field {
        name: "basis",
        zh: "依据",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "法律法规名称及条款",
    },
    Field {
        name: "steps",
        zh: "流程步骤",
        ty: Ty::List(&Ty::Obj(STEP)),
        required: true,
        help: "按先后顺序逐步填写",
    },
    Field {
        name: "total_time_limit_wd",
        zh: "总时限（工作日）",
        ty: Ty::Int,
        required: false,
        help: "全流程最多几个工作日",
    },
];

/// 流程环节.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    pub name: String,
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub time_limit_wd: Option<u32>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub outputs: Vec<String>,
}

/// 办事流程 — a procedure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Procedure {
    #[serde(default)]
    pub procedure_type: Option<String>,
    #[serde(default)]
    pub applies_to: Option<String>,
    #[serde(default)]
    pub basis: Vec<String>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub total_time_limit_wd: Option<u32>,
}
