//! 法规政策与公告 — laws the bureau acts on, its policy documents, notices and reports.

use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

/// Codes of `doc_kind` and their Chinese names.
pub static DOC_KINDS: &[(&str, &str)] = &[
    ("law", "法律"),
    ("regulation", "行政法规"),
    ("rule", "部门规章"),
    ("normative", "规范性文件"),
    ("policy", "政策文件"),
    ("notice", "通知公告"),
    ("commitment", "公开承诺"),
    ("meeting", "会议信息"),
    ("decision", "决策信息"),
    ("report", "工作报告"),
    ("plan", "规划计划"),
    ("other", "其他"),
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "doc_kind",
        zh: "文件类型",
        ty: Ty::Enum(&["law", "regulation", "rule", "normative", "policy", "notice", "commitment", "meeting", "decision", "report", "plan", "other"]),
        required: true,
        help: "law 法律、regulation 行政法规、rule 部门规章、normative 规范性文件、policy 政策文件、notice 通知公告、commitment 公开承诺、meeting 会议信息、decision 决策信息、report 工作报告、plan 规划计划、other 其他",
    },
    Field { name: "issuer", zh: "制发机关", ty: Ty::Text, required: false, help: "发文机关" },
    Field { name: "issued", zh: "成文日期", ty: Ty::Date, required: false, help: "文件落款日期" },
    Field { name: "effective", zh: "施行日期", ty: Ty::Date, required: false, help: "开始施行的日期" },
    Field { name: "validity", zh: "有效性", ty: Ty::Enum(&["有效", "已修订", "已废止", "失效"]), required: true, help: "有效、已修订、已废止或失效" },
    Field { name: "superseded_by", zh: "替代文件", ty: Ty::Text, required: false, help: "修订或废止后施行的新文件的编号（documents 下的文件名）" },
    Field { name: "validity_note", zh: "有效性说明", ty: Ty::Text, required: false, help: "如 自2026年1月1日起废止" },
];

/// 政策文件 — a law, policy or notice.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub doc_kind: String,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub issued: Option<jiff::civil::Date>,
    #[serde(default)]
    pub effective: Option<jiff::civil::Date>,
    pub validity: String,
    #[serde(default)]
    pub superseded_by: Option<String>,
    #[serde(default)]
    pub validity_note: Option<String>,
}

impl Document {
    pub fn doc_kind_label(&self) -> &'static str {
        DOC_KINDS
            .iter()
            .find(|(c, _)| *c == self.doc_kind)
            .map(|(_, l)| *l)
            .unwrap_or("其他")
    }
}
