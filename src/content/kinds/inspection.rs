//! 监督检查 — a test kind (feature `test-kind`): the proof that a record kind is this file,
//! one registration line in `mod.rs` and one template (`record/inspection.html`). It uses the
//! default hooks but two: its list status and a rule of its own. See
//! `docs/dev/adding-a-kind.md` and `tests/it/test_kind.rs`.

use super::RecordKind;
use crate::content::validate::KindCx;
use crate::content::view::ViewCx;
use crate::content::Record;
use crate::diag::{Code, Diagnostic};
use crate::schema::{Field, Ty, NOT_EXPORTED};
use serde::{Deserialize, Serialize};

wire_enum! {
    /// 检查结果.
    pub enum Outcome {
        Passed = "合格",
        Rectify = "限期整改",
    }
}

pub static FIELDS: &[Field] = &[
    Field {
        name: "unit",
        zh: "被检查单位",
        ty: Ty::Text,
        required: true,
        help: "单位全称",
        open: NOT_EXPORTED,
    },
    Field {
        name: "inspected",
        zh: "检查日期",
        ty: Ty::Date,
        required: true,
        help: "实施检查的日期，如 2026-11-02",
        open: NOT_EXPORTED,
    },
    Field {
        name: "outcome",
        zh: "检查结果",
        ty: Ty::Enum(Outcome::VALUES),
        required: true,
        help: "合格或限期整改",
        open: NOT_EXPORTED,
    },
    Field {
        name: "deadline",
        zh: "整改期限",
        ty: Ty::Date,
        required: false,
        help: "限期整改时必填",
        open: NOT_EXPORTED,
    },
];

/// 监督检查 — one inspection and its outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inspection {
    pub unit: String,
    pub inspected: jiff::civil::Date,
    pub outcome: Outcome,
    #[serde(default)]
    pub deadline: Option<jiff::civil::Date>,
}

impl RecordKind for Inspection {
    const NAME: &'static str = "inspection";
    const FOLDER: &'static str = "inspections";
    const LABEL: &'static str = "监督检查";
    const FIELDS: &'static [Field] = FIELDS;

    fn validate(&self, _cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        if self.outcome == Outcome::Rectify && self.deadline.is_none() {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::InspectionNoDeadline,
                        &r.source,
                        "限期整改的检查须写明整改期限",
                    )
                    .hint("请填写 deadline，如 deadline: 2026-12-31。"),
                    "deadline",
                ),
            );
        }
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        (Some(self.outcome.to_string()), Some(self.unit.clone()))
    }
}
