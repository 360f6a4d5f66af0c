//! 执法监督与责任考核 — accountability publicity for one year (行政执法公示制度: 公开承诺,
//! complaints about the bureau's own staff and their handling, 执法责任考核评议 results).
//! Complaints are counts and outcomes only: no complainant and no member of staff is named.

use crate::content::validate::KindCx;
use crate::content::view::{to_value, ViewCx};
use crate::content::Record;
use crate::diag::{Code, Diagnostic};
use crate::schema::{ex, ex_null, Field, OpenTy, Ty, NOT_EXPORTED};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

static COMPLAINTS: &[Field] = &[
    Field {
        name: "received",
        zh: "收到投诉（件）",
        ty: Ty::Int,
        required: true,
        help: "本年度收到的对本机关执法人员的投诉、举报件数",
        open: Some(ex(
            "received",
            OpenTy::Num,
            "收到投诉（件）",
            "Complaints received about the bureau's own staff.",
        )),
    },
    Field {
        name: "closed",
        zh: "已办结（件）",
        ty: Ty::Int,
        required: true,
        help: "已经办结的件数，不超过收到的件数",
        open: Some(ex(
            "closed",
            OpenTy::Num,
            "已办结（件）",
            "Complaints closed.",
        )),
    },
    Field {
        name: "upheld",
        zh: "查实（件）",
        ty: Ty::Int,
        required: true,
        help: "经查属实或部分属实的件数，不超过已办结的件数",
        open: Some(ex(
            "upheld",
            OpenTy::Num,
            "查实（件）",
            "Complaints found true in whole or in part.",
        )),
    },
    Field {
        name: "held_accountable",
        zh: "追责问责（人次）",
        ty: Ty::Int,
        required: false,
        help: "因查实的投诉被追责问责的人次。不写则显示“未注明”",
        open: Some(ex_null(
            "held_accountable",
            OpenTy::Num,
            "追责问责（人次）",
            "Members of staff held accountable; `null` when not entered.",
        )),
    },
    Field {
        name: "outcomes",
        zh: "处理情况",
        ty: Ty::Text,
        required: false,
        help: "处理情况的概述，只写数量和处理方式，不写投诉人和被投诉人的姓名",
        open: Some(ex_null(
            "outcomes",
            OpenTy::Str,
            "处理情况",
            "How the complaints were handled, without names.",
        )),
    },
];

static EVALUATION: &[Field] = &[
    Field {
        name: "unit",
        zh: "单位",
        ty: Ty::Text,
        required: true,
        help: "被考核评议的执法单位",
        open: Some(ex("unit", OpenTy::Str, "单位", "Unit evaluated.")),
    },
    Field {
        name: "result",
        zh: "考核评议结果",
        ty: Ty::Enum(Grade::VALUES),
        required: true,
        help: "优秀、较好、一般或差",
        open: Some(ex(
            "result",
            OpenTy::Enum(Grade::VALUES),
            "考核评议结果",
            "优秀, 较好, 一般 or 差.",
        )),
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "year",
        zh: "年度",
        ty: Ty::Int,
        required: true,
        help: "如 2026",
        open: Some(ex("year", OpenTy::Num, "年度", "Year reported on.")),
    },
    Field {
        name: "commitments",
        zh: "公开承诺",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "本机关向社会公开的执法承诺，每条一行",
        open: Some(ex("commitments", OpenTy::StrList, "公开承诺", "Public commitments (may be empty).")),
    },
    Field {
        name: "complaints",
        zh: "对执法人员的投诉",
        ty: Ty::Obj(COMPLAINTS),
        required: false,
        help: "received（收到）、closed（办结）、upheld（查实）的件数，held_accountable（追责问责人次）、outcomes（处理情况）。只写数量，不写个人信息",
        open: Some(ex_null("complaints", OpenTy::Obj(COMPLAINTS, &[]), "对执法人员的投诉", "Counts of complaints about staff; `null` when not entered.")),
    },
    Field {
        name: "evaluations",
        zh: "执法责任考核评议",
        ty: Ty::List(&Ty::Obj(EVALUATION)),
        required: false,
        help: "每个单位一项：unit（单位）、result（优秀、较好、一般或差）",
        open: Some(ex("evaluations", OpenTy::ObjList(EVALUATION, &[]), "执法责任考核评议", "Evaluation results per unit (may be empty).")),
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

wire_enum! {
    /// 考核评议结果.
    pub enum Grade {
        Excellent = "优秀",
        Good = "较好",
        Fair = "一般",
        Poor = "差",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Complaints {
    pub received: u32,
    pub closed: u32,
    pub upheld: u32,
    #[serde(default)]
    pub held_accountable: Option<u32>,
    #[serde(default)]
    pub outcomes: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    pub unit: String,
    pub result: Grade,
}

/// 执法监督与责任考核, one year.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Accountability {
    pub year: i64,
    #[serde(default)]
    pub commitments: Vec<String>,
    #[serde(default)]
    pub complaints: Option<Complaints>,
    #[serde(default)]
    pub evaluations: Vec<Evaluation>,
    #[serde(default)]
    pub order: Option<u32>,
}

impl super::RecordKind for Accountability {
    const NAME: &'static str = "accountability";
    const FOLDER: &'static str = "accountability";
    const LABEL: &'static str = "执法监督与考核";
    const FIELDS: &'static [Field] = FIELDS;
    const PUBLIC_TEXT: Option<&'static [&'static str]> = Some(&["title", "complaints.outcomes"]);

    fn order(&self) -> Option<u32> {
        self.order
    }

    fn summary(&self, _r: &Record) -> String {
        format!(
            "{}年度执法公开承诺、投诉处理和执法责任考核评议情况",
            self.year
        )
    }

    fn validate(&self, _cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        let Some(c) = &self.complaints else {
            return;
        };
        let mut bad = |field: &str, message: String, expected: String| {
            out.push(
                r.diag_at(
                    Diagnostic::error(Code::AccountabilityCounts, &r.source, message),
                    field,
                )
                .expected(expected)
                .hint("请核对投诉台账中的件数：办结的件数不超过收到的件数，查实的件数不超过办结的件数。"),
            );
        };
        if c.closed > c.received {
            bad(
                "complaints.closed",
                format!("办结{}件，多于收到的{}件", c.closed, c.received),
                format!("不超过{}", c.received),
            );
        }
        if c.upheld > c.closed {
            bad(
                "complaints.upheld",
                format!("查实{}件，多于办结的{}件", c.upheld, c.closed),
                format!("不超过{}", c.closed),
            );
        }
    }

    fn view(&self, _cx: &ViewCx) -> Value {
        to_value(self)
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        (None, Some(format!("{}年度", self.year)))
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        parts.extend(self.commitments.iter().cloned());
        parts.extend(self.evaluations.iter().map(|e| e.unit.clone()));
    }

    fn open_data(&self, _cx: &ViewCx) -> Value {
        json!({
            "year": self.year,
            "commitments": self.commitments,
            "complaints": self.complaints,
            "evaluations": self.evaluations,
        })
    }
}
