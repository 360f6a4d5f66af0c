//! 监督检查 — a test kind (feature `test-kind`): the proof that a record kind is this file,
//! one registration line in `mod.rs` and one template (`record/inspection.html`). It uses the
//! default hooks but three: its list status, a rule of its own and a deadline (its clock hook:
//! the working days left to rectify, and a line in the compliance page's 「逾期」 once past).
//! See `docs/dev/adding-a-kind.md` and `tests/it/test_kind.rs`.

use super::RecordKind;
use crate::content::clock::{Clock, ClockCx, Due};
use crate::content::validate::KindCx;
use crate::content::view::{date_text, ViewCx};
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

    /// A 限期整改 has a deadline: the working days left until it, then a line in the
    /// compliance page. (Nothing in `facts` names this kind.)
    fn clock(&self, cx: &ClockCx, _r: &Record, _out: &mut Vec<Diagnostic>) -> Clock {
        let Some(deadline) = self.deadline.filter(|_| self.outcome == Outcome::Rectify) else {
            return Clock::default();
        };
        if cx.today > deadline {
            return Clock {
                late: vec![Due {
                    date: deadline,
                    note: format!("{}的整改期限{}已过", self.unit, date_text(deadline)),
                    warning: None,
                }],
                ..Clock::default()
            };
        }
        Clock {
            days_left: cx.cal.working_days_left(cx.today, deadline).ok(),
            ..Clock::default()
        }
    }

    fn list_status(&self, cx: &ViewCx) -> (Option<String>, Option<String>) {
        let line = match cx.facts.days_left(&cx.r.key()) {
            Some(n) => format!("{}，整改期限还剩{n}个工作日", self.unit),
            None => self.unit.clone(),
        };
        (Some(self.outcome.to_string()), Some(line))
    }
}
