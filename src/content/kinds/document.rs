//! 法规政策与公告 — laws the bureau acts on, its policy documents, notices and reports.

use super::Kind;
use crate::content::validate::{dangling, KindCx};
use crate::content::view::{to_value, url_of, MetaRow, ViewCx};
use crate::content::Record;
use crate::diag::Diagnostic;
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};
use serde_json::Value;

wire_enum! {
    /// 文件类型: the code written in `doc_kind`.
    pub enum DocKind {
        Law = "law",
        Regulation = "regulation",
        Rule = "rule",
        Normative = "normative",
        Policy = "policy",
        Notice = "notice",
        Commitment = "commitment",
        Meeting = "meeting",
        Decision = "decision",
        Report = "report",
        Plan = "plan",
        Other = "other",
    }
}

impl DocKind {
    /// The Chinese name of the type.
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Law => "法律",
            DocKind::Regulation => "行政法规",
            DocKind::Rule => "部门规章",
            DocKind::Normative => "规范性文件",
            DocKind::Policy => "政策文件",
            DocKind::Notice => "通知公告",
            DocKind::Commitment => "公开承诺",
            DocKind::Meeting => "会议信息",
            DocKind::Decision => "决策信息",
            DocKind::Report => "工作报告",
            DocKind::Plan => "规划计划",
            DocKind::Other => "其他",
        }
    }
}

use crate::schema::{ex, ex_null, OpenField, OpenTy};

pub static FIELDS: &[Field] = &[
    Field {
        name: "doc_kind",
        zh: "文件类型",
        ty: Ty::Enum(DocKind::VALUES),
        required: true,
        help: "law 法律、regulation 行政法规、rule 部门规章、normative 规范性文件、policy 政策文件、notice 通知公告、commitment 公开承诺、meeting 会议信息、decision 决策信息、report 工作报告、plan 规划计划、other 其他",
        open: Some(ex(
            "doc_kind",
            OpenTy::Str,
            "文件类型代码",
            "Type code: law, regulation, rule, policy, notice, commitment, meeting, report…",
        )),
    },
    Field { name: "issuer", zh: "制发机关", ty: Ty::Text, required: false, help: "发文机关", open: Some(ex_null(
            "issuer",
            OpenTy::Str,
            "制发机关",
            "Body that issued the document.",
        )) },
    Field { name: "issued", zh: "成文日期", ty: Ty::Date, required: false, help: "文件落款日期", open: Some(ex_null(
            "issued",
            OpenTy::Date,
            "成文日期",
            "Date the document was signed.",
        )) },
    Field { name: "effective", zh: "施行日期", ty: Ty::Date, required: false, help: "开始施行的日期", open: Some(ex_null("effective", OpenTy::Date, "施行日期", "Date it takes effect.")) },
    Field { name: "validity", zh: "有效性", ty: Ty::Enum(Validity::VALUES), required: true, help: "有效、已修订、已废止或失效", open: Some(ex(
            "validity",
            OpenTy::Enum(Validity::VALUES),
            "有效性",
            "Whether the document is in force: 有效, 已修订, 已废止 or 失效.",
        )) },
    Field { name: "superseded_by", zh: "替代文件", ty: Ty::Text, required: false, help: "修订或废止后施行的新文件的编号（documents 下的文件名）", open: Some(ex_null(
            "superseded_by",
            OpenTy::Url,
            "替代文件",
            "URL of the document that replaces this one.",
        ).after("validity_note")) },
    Field { name: "validity_note", zh: "有效性说明", ty: Ty::Text, required: false, help: "如 自2026年1月1日起废止", open: Some(ex_null(
            "validity_note",
            OpenTy::Str,
            "有效性说明",
            "Explanation of the validity, e.g. since when it is repealed.",
        )) },
    Field { name: "interprets", zh: "解读的文件", ty: Ty::Text, required: false, help: "本文件是政策解读时，填写所解读文件的编号（documents 下的文件名）；该文件页面会列出本解读", open: Some(ex_null(
            "interprets",
            OpenTy::Url,
            "解读的文件",
            "URL of the document this one interprets (政策解读).",
        )) },
];

/// The open-data entries derived from the kind's fields (placed among them).
pub static OPEN_DERIVED: &[OpenField] = &[ex(
    "doc_kind_label",
    OpenTy::Str,
    "文件类型",
    "Chinese name of the type.",
)
.after("doc_kind")];

wire_enum! {
    /// 有效性 — whether a document is in force.
    pub enum Validity {
        InForce = "有效",
        Amended = "已修订",
        Repealed = "已废止",
        Expired = "失效",
    }
}

/// 政策文件 — a law, policy or notice.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub doc_kind: DocKind,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub issued: Option<jiff::civil::Date>,
    #[serde(default)]
    pub effective: Option<jiff::civil::Date>,
    pub validity: Validity,
    #[serde(default)]
    pub superseded_by: Option<String>,
    #[serde(default)]
    pub validity_note: Option<String>,
    /// 政策解读: the id of the document this one interprets.
    #[serde(default)]
    pub interprets: Option<String>,
}

impl Document {
    pub fn doc_kind_label(&self) -> &'static str {
        self.doc_kind.label()
    }
}

impl super::RecordKind for Document {
    const NAME: &'static str = "document";
    const FOLDER: &'static str = "documents";
    const LABEL: &'static str = "法规政策";
    const NAV_LABEL: Option<&'static str> = Some("法规政策");
    const FIELDS: &'static [Field] = FIELDS;
    const OPEN_DERIVED: &'static [OpenField] = OPEN_DERIVED;

    /// A document counts for its category only while in force.
    fn current(&self) -> bool {
        self.validity == Validity::InForce
    }

    fn validate(&self, cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        if let Some(id) = &self.superseded_by {
            if !cx.has(Kind::Document, id) || *id == r.id {
                out.push(dangling(r, "superseded_by", "替代文件", "documents", id));
            }
        }
        if let Some(id) = &self.interprets {
            if !cx.has(Kind::Document, id) || *id == r.id {
                out.push(dangling(r, "interprets", "解读的文件", "documents", id));
            }
        }
    }

    /// The document an interpretation names lists it: the `facts` step indexes that once
    /// (`KindFacts::reviewed_by`), so a document's page need not scan every document.
    fn clock(
        &self,
        _cx: &crate::content::clock::ClockCx,
        _r: &Record,
        _out: &mut Vec<Diagnostic>,
    ) -> crate::content::clock::Clock {
        crate::content::clock::Clock {
            reviews: self.interprets.clone(),
            ..Default::default()
        }
    }

    fn view(&self, cx: &ViewCx) -> Value {
        let d = self;
        to_value(View {
            doc_kind: d.doc_kind,
            doc_kind_label: d.doc_kind_label(),
            issuer: d.issuer.as_deref(),
            validity: d.validity,
            validity_note: d.validity_note.as_deref(),
            in_force: d.validity == Validity::InForce,
            superseded_by: d
                .superseded_by
                .as_ref()
                .and_then(|id| cx.url_of(&format!("documents/{id}"))),
            interprets: d
                .interprets
                .as_ref()
                .and_then(|id| cx.url_of(&format!("documents/{id}"))),
            interpretations: interpretations(cx),
        })
    }

    fn meta_rows<'a>(&'a self, rows: &mut Vec<MetaRow<'a>>) {
        if let Some(i) = self.issued {
            rows.push(MetaRow::date("成文日期", i));
        }
        if let Some(e) = self.effective {
            rows.push(MetaRow::date("施行日期", e));
        }
        rows.push(MetaRow::text("有效性", self.validity.as_str()));
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        let status = (self.validity != Validity::InForce).then(|| self.validity.to_string());
        (status, None)
    }

    fn links_to(&self, key: &str) -> bool {
        let id = key.strip_prefix("documents/");
        [&self.superseded_by, &self.interprets]
            .iter()
            .any(|x| x.is_some() && x.as_deref() == id)
    }

    fn open_data(&self, cx: &ViewCx) -> Value {
        let d = self;
        to_value(Open {
            doc_kind: d.doc_kind,
            doc_kind_label: d.doc_kind_label(),
            issuer: d.issuer.as_deref(),
            issued: d.issued,
            effective: d.effective,
            validity: d.validity,
            validity_note: d.validity_note.as_deref(),
            superseded_by: d
                .superseded_by
                .as_ref()
                .and_then(|id| url_of(cx, &format!("documents/{id}"))),
            interprets: d
                .interprets
                .as_ref()
                .and_then(|id| url_of(cx, &format!("documents/{id}"))),
        })
    }
}

/// The published documents that interpret this one (「政策解读」), in site order: a link each.
/// The documents naming this one come from the index the `facts` step made of the clock
/// hooks' `reviews` (here a document's `interprets`), which may also hold 复议 decisions of
/// the same id: only documents are kept.
fn interpretations(cx: &ViewCx) -> Vec<Value> {
    cx.facts
        .reviewed_by(&cx.r.id)
        .iter()
        .filter_map(|key| cx.site.get(key))
        .filter(|x| match &x.data {
            super::Data::Document(d) => d.interprets.as_deref() == Some(cx.r.id.as_str()),
            _ => false,
        })
        .filter(|x| cx.listed(x))
        .filter_map(|x| cx.url_of(&x.key()))
        .collect()
}

/// The id of the document a record interprets, if it is a document that names one.
pub(crate) fn interprets(r: &Record) -> Option<&str> {
    match &r.data {
        super::Data::Document(d) => d.interprets.as_deref(),
        _ => None,
    }
}

/// The view model of a document (`record.d`).
#[derive(Serialize)]
struct View<'a> {
    doc_kind: DocKind,
    doc_kind_label: &'static str,
    issuer: Option<&'a str>,
    validity: Validity,
    validity_note: Option<&'a str>,
    in_force: bool,
    superseded_by: Option<Value>,
    interprets: Option<Value>,
    interpretations: Vec<Value>,
}

/// A document's own fields in `data/documents.json` (keys as in its open-data fields).
#[derive(Serialize)]
struct Open<'a> {
    doc_kind: DocKind,
    doc_kind_label: &'static str,
    issuer: Option<&'a str>,
    issued: Option<jiff::civil::Date>,
    effective: Option<jiff::civil::Date>,
    validity: Validity,
    validity_note: Option<&'a str>,
    superseded_by: Option<String>,
    interprets: Option<String>,
}
