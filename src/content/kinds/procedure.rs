//! 办事流程、执法流程 — numbered steps with the actor and time limit of each.

use crate::content::view::{steps, steps_ctx, to_value, StepView, ViewCx};
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::schema::{ex, ex_null, OpenField, OpenTy};

pub static STEP: &[Field] = &[
    Field {
        name: "name",
        zh: "环节名称",
        ty: Ty::Text,
        required: true,
        help: "如 受理、审查、决定",
        open: Some(ex("name", OpenTy::Str, "环节名称", "Name of the step.")),
    },
    Field {
        name: "actor",
        zh: "承办人员或机构",
        ty: Ty::Text,
        required: false,
        help: "谁来办这一步",
        open: Some(ex_null("actor", OpenTy::Str, "办理主体", "Who does it.")),
    },
    Field {
        name: "time_limit_wd",
        zh: "时限（工作日）",
        ty: Ty::Int,
        required: false,
        help: "这一步最多用几个工作日",
        open: Some(ex_null(
            "time_limit_wd",
            OpenTy::Int,
            "办理时限（工作日）",
            "Time limit in working days.",
        )),
    },
    Field {
        name: "description",
        zh: "说明",
        ty: Ty::Markdown,
        required: false,
        help: "这一步做什么",
        open: Some(ex_null(
            "description",
            OpenTy::Str,
            "说明",
            "What happens (plain text).",
        )),
    },
    Field {
        name: "outputs",
        zh: "产出文书",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "如 受理通知书",
        open: Some(ex(
            "outputs",
            OpenTy::StrList,
            "结果文书",
            "Documents the step produces.",
        )),
    },
];

/// The open-data entries of [`STEP`] objects that are derived rather than entered.
pub static STEP_DERIVED: &[OpenField] =
    &[ex("n", OpenTy::Int, "序号", "Position of the step, from 1.").first()];

wire_enum! {
    /// 流程类型: a service to the public or an enforcement procedure (absent: 办事).
    pub enum ProcedureType {
        Service = "办事",
        Enforcement = "执法",
    }
}

pub static FIELDS: &[Field] = &[
    Field {
        name: "procedure_type",
        zh: "流程类型",
        ty: Ty::Enum(ProcedureType::VALUES),
        required: false,
        help: "办事（默认）或执法",
        open: Some(ex(
            "procedure_type",
            OpenTy::Str,
            "流程类型",
            "办事 (service) or 执法 (enforcement) procedure.",
        )),
    },
    Field {
        name: "applies_to",
        zh: "适用范围",
        ty: Ty::Text,
        required: false,
        help: "这个流程适用于哪些事项",
        open: Some(ex_null(
            "applies_to",
            OpenTy::Str,
            "适用范围",
            "Matters the procedure applies to.",
        )),
    },
    Field {
        name: "basis",
        zh: "依据",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "法律法规名称及条款",
        open: Some(ex("basis", OpenTy::StrList, "依据", "Legal basis.")),
    },
    Field {
        name: "steps",
        zh: "流程步骤",
        ty: Ty::List(&Ty::Obj(STEP)),
        required: true,
        help: "按先后顺序逐步填写",
        open: Some(ex(
            "steps",
            OpenTy::ObjList(STEP, STEP_DERIVED),
            "流程环节",
            "The steps, in order.",
        )),
    },
    Field {
        name: "total_time_limit_wd",
        zh: "总时限（工作日）",
        ty: Ty::Int,
        required: false,
        help: "全流程最多几个工作日",
        open: Some(ex_null(
            "total_time_limit_wd",
            OpenTy::Int,
            "总时限（工作日）",
            "Overall time limit in working days.",
        )),
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
    pub procedure_type: Option<ProcedureType>,
    #[serde(default)]
    pub applies_to: Option<String>,
    #[serde(default)]
    pub basis: Vec<String>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub total_time_limit_wd: Option<u32>,
}

/// The view model of a procedure (`record.d`).
#[derive(Serialize)]
struct View<'a> {
    procedure_type: ProcedureType,
    applies_to: Option<&'a str>,
    basis: &'a [String],
    steps: Vec<StepView<'a>>,
    total_time_limit_wd: Option<u32>,
}

impl super::RecordKind for Procedure {
    const NAME: &'static str = "procedure";
    const FOLDER: &'static str = "procedures";
    const LABEL: &'static str = "办事流程";
    const FIELDS: &'static [Field] = FIELDS;

    fn view(&self, cx: &ViewCx) -> Value {
        let p = self;
        to_value(View {
            procedure_type: p.procedure_type.unwrap_or(ProcedureType::Service),
            applies_to: p.applies_to.as_deref(),
            basis: &p.basis,
            steps: steps_ctx(cx.r, &p.steps, "steps"),
            total_time_limit_wd: p.total_time_limit_wd,
        })
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        // Every text the page shows, with the headings the template writes.
        parts.push("流程图".into());
        if let Some(a) = &self.applies_to {
            parts.push(format!("适用范围 {a}"));
        }
        if !self.basis.is_empty() {
            parts.push("依据".into());
        }
        parts.extend(self.basis.iter().cloned());
        for s in &self.steps {
            parts.push(s.name.clone());
            parts.extend(s.actor.clone());
            parts.extend(s.outputs.iter().cloned());
        }
    }

    fn open_data(&self, cx: &ViewCx) -> Value {
        let p = self;
        json!({
            "procedure_type": p.procedure_type.unwrap_or(ProcedureType::Service),
            "applies_to": p.applies_to, "basis": p.basis, "steps": steps(cx.r, &p.steps, "steps"),
            "total_time_limit_wd": p.total_time_limit_wd,
        })
    }
}
