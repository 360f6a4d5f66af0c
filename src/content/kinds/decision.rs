//! 重大行政决策 — one item of a year's decision catalogue followed through the stages of the
//! 重大行政决策程序暂行条例 (国务院令第713号): 公众参与, 专家论证, 风险评估, 合法性审查, 集体讨论,
//! 决定公布, 实施后评估 and 跟踪反馈, each a dated entry with its evidence. A stage not entered
//! is pending (or not applicable, where the catalogue says so), never invented.
//!
//! The rules of one record (the order of the stages, the legality review before the decision,
//! quorum and majority, an unlawful opinion never published as decided) are [`RecordKind::validate`];
//! those across records or against the clock (the catalogue item, its risk-assessment flag,
//! the consultations' reports, evaluation due dates, the year's catalogue) are in
//! `compliance::decisions`.

use super::decision_catalogue::{DecisionCatalogue, Item};
use super::{Attachment, Kind, RecordKind, ATTACHMENT, ATTACHMENT_DERIVED};
use crate::content::clock::{days_between, Clock, ClockCx, Due};
use crate::content::validate::{dangling, KindCx};
use crate::content::view::{date_text, to_value, url_of, MetaRow, ViewCx, NOT_STATED};
use crate::content::{Data, Record};
use crate::diag::{Code, Diagnostic};
use crate::schema::{ex, ex_null, Field, OpenTy, Ty};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

wire_enum! {
    /// 合法性审查意见 — the legal office's opinion.
    pub enum Opinion {
        Lawful = "合法",
        PartlyLawful = "部分合法",
        Unlawful = "违法",
    }
}

wire_enum! {
    /// 评估建议 — what the post-implementation evaluation recommends.
    pub enum Recommendation {
        Continue = "延续",
        Adjust = "调整",
        Stop = "停止",
    }
}

/// A report attached to a stage (`file` beside the record, `title` shown).
const fn report_field(zh: &'static str, help: &'static str) -> Field {
    Field {
        name: "report",
        zh,
        ty: Ty::Obj(ATTACHMENT),
        required: false,
        help,
        open: Some(ex_null(
            "report",
            OpenTy::Obj(ATTACHMENT, ATTACHMENT_DERIVED),
            "报告",
            "The report published with the stage: its title and URL.",
        )),
    }
}

const fn date_field(help: &'static str) -> Field {
    Field {
        name: "date",
        zh: "日期",
        ty: Ty::Date,
        required: true,
        help,
        open: Some(ex("date", OpenTy::Date, "日期", "Date of the stage.")),
    }
}

pub static PARTICIPATION: &[Field] = &[
    date_field("公众参与完成的日期（如征求意见结果公布日期）"),
    Field {
        name: "consultations",
        zh: "意见征集",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "本决策公开征求意见的记录，写 consultations 下的文件名；其公众参与情况报告会显示在决策页面",
        open: Some(ex(
            "consultations",
            OpenTy::UrlList,
            "意见征集",
            "URLs of the consultations held for the decision.",
        )),
    },
    Field {
        name: "hearing",
        zh: "听证会日期",
        ty: Ty::Date,
        required: false,
        help: "举行听证会的，写听证会日期",
        open: Some(ex_null("hearing", OpenTy::Date, "听证会日期", "Date of the hearing, if one was held.")),
    },
    Field {
        name: "note",
        zh: "说明",
        ty: Ty::Text,
        required: false,
        help: "其他公众参与方式，如 座谈会、问卷调查",
        open: Some(ex_null("note", OpenTy::Str, "说明", "Other forms of participation, as written.")),
    },
];

pub static EXPERT: &[Field] = &[
    date_field("专家论证会或书面论证的日期"),
    Field {
        name: "opinion",
        zh: "论证意见",
        ty: Ty::Text,
        required: false,
        help: "专家论证意见摘要",
        open: Some(ex_null(
            "opinion",
            OpenTy::Str,
            "论证意见",
            "Summary of the experts' opinion.",
        )),
    },
    report_field(
        "论证报告",
        "论证报告附件：file（文件名）和 title（显示名称）",
    ),
];

pub static RISK: &[Field] = &[
    date_field("风险评估完成的日期"),
    Field {
        name: "conclusion",
        zh: "评估结论",
        ty: Ty::Text,
        required: true,
        help: "如 风险可控，可以实施",
        open: Some(ex(
            "conclusion",
            OpenTy::Str,
            "评估结论",
            "Conclusion of the risk assessment.",
        )),
    },
    report_field(
        "评估报告",
        "风险评估报告附件：file（文件名）和 title（显示名称）",
    ),
];

pub static LEGAL_REVIEW: &[Field] = &[
    date_field("合法性审查意见的出具日期"),
    Field {
        name: "opinion",
        zh: "审查意见",
        ty: Ty::Enum(Opinion::VALUES),
        required: true,
        help: "合法、部分合法或违法",
        open: Some(ex(
            "opinion",
            OpenTy::Enum(Opinion::VALUES),
            "审查意见",
            "The legal office's opinion: 合法, 部分合法 or 违法.",
        )),
    },
    Field {
        name: "reasons",
        zh: "审查理由",
        ty: Ty::Text,
        required: false,
        help: "意见的理由，部分合法或违法时写明需要修改之处",
        open: Some(ex_null(
            "reasons",
            OpenTy::Str,
            "审查理由",
            "Reasons given for the opinion.",
        )),
    },
    Field {
        name: "reviewer",
        zh: "审查机构",
        ty: Ty::Text,
        required: false,
        help: "如 局法制科、司法局",
        open: Some(ex_null(
            "reviewer",
            OpenTy::Str,
            "审查机构",
            "Office that reviewed the draft.",
        )),
    },
];

pub static VOTES: &[Field] = &[
    Field {
        name: "for",
        zh: "赞成",
        ty: Ty::Int,
        required: true,
        help: "赞成票数",
        open: Some(ex("for", OpenTy::Int, "赞成", "Votes for.")),
    },
    Field {
        name: "against",
        zh: "反对",
        ty: Ty::Int,
        required: false,
        help: "反对票数",
        open: Some(ex_null("against", OpenTy::Int, "反对", "Votes against.")),
    },
    Field {
        name: "abstain",
        zh: "弃权",
        ty: Ty::Int,
        required: false,
        help: "弃权票数",
        open: Some(ex_null("abstain", OpenTy::Int, "弃权", "Abstentions.")),
    },
];

pub static DISCUSSION: &[Field] = &[
    date_field("集体讨论（作出决定）的会议日期"),
    Field {
        name: "meeting",
        zh: "会议",
        ty: Ty::Text,
        required: true,
        help: "如 局党组会议、2026年第9次局务会议",
        open: Some(ex(
            "meeting",
            OpenTy::Str,
            "会议",
            "The meeting that discussed and decided.",
        )),
    },
    Field {
        name: "present",
        zh: "出席人数",
        ty: Ty::Int,
        required: true,
        help: "出席会议的组成人员人数，须超过半数",
        open: Some(ex("present", OpenTy::Int, "出席人数", "Members present.")),
    },
    Field {
        name: "total",
        zh: "组成人员总数",
        ty: Ty::Int,
        required: true,
        help: "会议组成人员总数",
        open: Some(ex(
            "total",
            OpenTy::Int,
            "组成人员总数",
            "Members of the body in all.",
        )),
    },
    Field {
        name: "votes",
        zh: "表决",
        ty: Ty::Obj(VOTES),
        required: false,
        help: "进行表决的，写 for（赞成）、against（反对）、abstain（弃权）票数",
        open: Some(ex_null(
            "votes",
            OpenTy::Obj(VOTES, &[]),
            "表决",
            "Vote counts, if a vote was taken.",
        )),
    },
];

pub static PUBLICATION: &[Field] = &[
    date_field("决定公布的日期"),
    Field {
        name: "document",
        zh: "决定文件",
        ty: Ty::Text,
        required: false,
        help: "公布决定的文件，写 documents 下的文件名",
        open: Some(ex_null(
            "document",
            OpenTy::Url,
            "决定文件",
            "URL of the document that published the decision.",
        )),
    },
    Field {
        name: "file",
        zh: "决定文本",
        ty: Ty::Obj(ATTACHMENT),
        required: false,
        help: "没有单独的文件记录时，附上决定文本：file（文件名）和 title（显示名称）",
        open: Some(ex_null(
            "file",
            OpenTy::Obj(ATTACHMENT, ATTACHMENT_DERIVED),
            "决定文本",
            "The decision's text attached to the record: its title and URL.",
        )),
    },
];

pub static EVALUATION: &[Field] = &[
    Field {
        name: "due",
        zh: "评估期限",
        ty: Ty::Date,
        required: false,
        help: "应当完成实施后评估的日期；过期未评估时 check 会提醒",
        open: Some(ex_null(
            "due",
            OpenTy::Date,
            "评估期限",
            "Date by which the evaluation is due.",
        )),
    },
    Field {
        name: "date",
        zh: "评估日期",
        ty: Ty::Date,
        required: false,
        help: "完成评估的日期；尚未评估时不写",
        open: Some(ex_null(
            "date",
            OpenTy::Date,
            "评估日期",
            "Date the evaluation was completed; `null` while pending.",
        )),
    },
    Field {
        name: "recommendation",
        zh: "评估建议",
        ty: Ty::Enum(Recommendation::VALUES),
        required: false,
        help: "延续、调整或停止",
        open: Some(ex_null(
            "recommendation",
            OpenTy::Enum(Recommendation::VALUES),
            "评估建议",
            "What the evaluation recommends: 延续, 调整 or 停止.",
        )),
    },
    report_field(
        "评估报告",
        "实施后评估报告附件：file（文件名）和 title（显示名称）",
    ),
];

pub static FEEDBACK: &[Field] = &[
    date_field("收到意见或质疑的日期"),
    Field {
        name: "summary",
        zh: "反馈内容",
        ty: Ty::Text,
        required: true,
        help: "去除个人信息后的意见摘要",
        open: Some(ex(
            "summary",
            OpenTy::Str,
            "反馈内容",
            "The challenge or opinion, masked of personal data.",
        )),
    },
    Field {
        name: "reply",
        zh: "答复",
        ty: Ty::Text,
        required: false,
        help: "答复记录，写 replies 下的文件名",
        open: Some(ex_null(
            "reply",
            OpenTy::Url,
            "答复",
            "URL of the reply record.",
        )),
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "year",
        zh: "目录年度",
        ty: Ty::Int,
        required: true,
        help: "决策事项所在目录的年度，如 2026",
        open: Some(ex(
            "year",
            OpenTy::Int,
            "目录年度",
            "Year of the catalogue that lists the decision.",
        )),
    },
    Field {
        name: "item",
        zh: "目录序号",
        ty: Ty::Text,
        required: true,
        help: "该年度决策事项目录中的序号，如 1",
        open: Some(ex(
            "item",
            OpenTy::Str,
            "目录序号",
            "Number of the item in that catalogue.",
        )),
    },
    Field {
        name: "participation",
        zh: "公众参与",
        ty: Ty::Obj(PARTICIPATION),
        required: false,
        help: "公开征求意见、听证等；尚未进行时不写",
        open: Some(ex_null(
            "participation",
            OpenTy::Obj(PARTICIPATION, &[]),
            "公众参与",
            "Public participation; `null` while pending.",
        )),
    },
    Field {
        name: "expert",
        zh: "专家论证",
        ty: Ty::Obj(EXPERT),
        required: false,
        help: "尚未进行时不写",
        open: Some(ex_null(
            "expert",
            OpenTy::Obj(EXPERT, &[]),
            "专家论证",
            "Expert argument; `null` while pending.",
        )),
    },
    Field {
        name: "risk",
        zh: "风险评估",
        ty: Ty::Obj(RISK),
        required: false,
        help: "尚未进行时不写；目录写明需要风险评估的，未经评估不得作出决策",
        open: Some(ex_null(
            "risk",
            OpenTy::Obj(RISK, &[]),
            "风险评估",
            "Risk assessment; `null` while pending.",
        )),
    },
    Field {
        name: "legal_review",
        zh: "合法性审查",
        ty: Ty::Obj(LEGAL_REVIEW),
        required: false,
        help: "作出决策前必须经过合法性审查",
        open: Some(ex_null(
            "legal_review",
            OpenTy::Obj(LEGAL_REVIEW, &[]),
            "合法性审查",
            "Legality review; `null` while pending.",
        )),
    },
    Field {
        name: "discussion",
        zh: "集体讨论决定",
        ty: Ty::Obj(DISCUSSION),
        required: false,
        help: "集体讨论作出决定的会议；出席须超过组成人员半数",
        open: Some(ex_null(
            "discussion",
            OpenTy::Obj(DISCUSSION, &[]),
            "集体讨论决定",
            "The collective discussion that decided; `null` while pending.",
        )),
    },
    Field {
        name: "publication",
        zh: "决定公布",
        ty: Ty::Obj(PUBLICATION),
        required: false,
        help: "决定公布的日期和文件",
        open: Some(ex_null(
            "publication",
            OpenTy::Obj(PUBLICATION, &[]),
            "决定公布",
            "Publication of the decision; `null` while pending.",
        )),
    },
    Field {
        name: "evaluation",
        zh: "实施后评估",
        ty: Ty::Obj(EVALUATION),
        required: false,
        help: "评估期限、评估日期、建议和报告",
        open: Some(ex_null(
            "evaluation",
            OpenTy::Obj(EVALUATION, &[]),
            "实施后评估",
            "Post-implementation evaluation; `null` when not planned.",
        )),
    },
    Field {
        name: "feedback",
        zh: "跟踪反馈",
        ty: Ty::List(&Ty::Obj(FEEDBACK)),
        required: false,
        help: "决策实施后公众提出的意见和质疑，每条写日期、内容和答复记录",
        open: Some(ex(
            "feedback",
            OpenTy::ObjList(FEEDBACK, &[]),
            "跟踪反馈",
            "Opinions and challenges received after implementation (may be empty).",
        )),
    },
];

/// 公众参与.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Participation {
    pub date: Date,
    #[serde(default)]
    pub consultations: Vec<String>,
    #[serde(default)]
    pub hearing: Option<Date>,
    #[serde(default)]
    pub note: Option<String>,
}

/// 专家论证.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expert {
    pub date: Date,
    #[serde(default)]
    pub opinion: Option<String>,
    #[serde(default)]
    pub report: Option<Attachment>,
}

/// 风险评估.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Risk {
    pub date: Date,
    pub conclusion: String,
    #[serde(default)]
    pub report: Option<Attachment>,
}

/// 合法性审查.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LegalReview {
    pub date: Date,
    pub opinion: Opinion,
    #[serde(default)]
    pub reasons: Option<String>,
    #[serde(default)]
    pub reviewer: Option<String>,
}

/// 表决.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Votes {
    #[serde(rename = "for")]
    pub yes: u32,
    #[serde(default)]
    pub against: Option<u32>,
    #[serde(default)]
    pub abstain: Option<u32>,
}

/// 集体讨论决定.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Discussion {
    pub date: Date,
    pub meeting: String,
    pub present: u32,
    pub total: u32,
    #[serde(default)]
    pub votes: Option<Votes>,
}

/// 决定公布.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Publication {
    pub date: Date,
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub file: Option<Attachment>,
}

/// 实施后评估.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    #[serde(default)]
    pub due: Option<Date>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub recommendation: Option<Recommendation>,
    #[serde(default)]
    pub report: Option<Attachment>,
}

/// 跟踪反馈: one opinion or challenge after implementation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Feedback {
    pub date: Date,
    pub summary: String,
    #[serde(default)]
    pub reply: Option<String>,
}

/// 重大行政决策 — one decision through its stages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decision {
    pub year: u32,
    pub item: String,
    #[serde(default)]
    pub participation: Option<Participation>,
    #[serde(default)]
    pub expert: Option<Expert>,
    #[serde(default)]
    pub risk: Option<Risk>,
    #[serde(default)]
    pub legal_review: Option<LegalReview>,
    #[serde(default)]
    pub discussion: Option<Discussion>,
    #[serde(default)]
    pub publication: Option<Publication>,
    #[serde(default)]
    pub evaluation: Option<Evaluation>,
    #[serde(default)]
    pub feedback: Vec<Feedback>,
}

impl Decision {
    /// The date the decision was made and the field that states it: the collective
    /// discussion, else its publication. `None` while undecided.
    pub fn decided(&self) -> Option<(Date, &'static str)> {
        self.discussion
            .as_ref()
            .map(|d| (d.date, "discussion.date"))
            .or_else(|| {
                self.publication
                    .as_ref()
                    .map(|p| (p.date, "publication.date"))
            })
    }

    /// The catalogue of the decision's year and its item, if the site has them.
    pub fn catalogue_item<'a>(
        &self,
        site: &'a crate::content::Site,
    ) -> Option<(&'a Record, &'a Item)> {
        site.of_kind(Kind::DecisionCatalogue)
            .find_map(|r| match &r.data {
                Data::DecisionCatalogue(c) if c.year == self.year => {
                    c.item(&self.item).map(|i| (r, i))
                }
                _ => None,
            })
    }

    /// The stages' dates in the order the procedure requires, each with its field and name:
    /// the three preparatory stages (in any order among themselves) before the legality
    /// review, then the discussion, the publication, the evaluation and the feedback.
    fn order_pairs(&self) -> Vec<(Dated, Dated)> {
        let mut before_review: Vec<Dated> = Vec::new();
        if let Some(p) = &self.participation {
            before_review.push((p.date, "participation.date".into(), "公众参与"));
        }
        if let Some(e) = &self.expert {
            before_review.push((e.date, "expert.date".into(), "专家论证"));
        }
        if let Some(k) = &self.risk {
            before_review.push((k.date, "risk.date".into(), "风险评估"));
        }
        let chain: Vec<Dated> = [
            self.legal_review
                .as_ref()
                .map(|l| (l.date, "legal_review.date".to_string(), "合法性审查")),
            self.discussion
                .as_ref()
                .map(|d| (d.date, "discussion.date".to_string(), "集体讨论决定")),
            self.publication
                .as_ref()
                .map(|p| (p.date, "publication.date".to_string(), "决定公布")),
            self.evaluation
                .as_ref()
                .and_then(|e| e.date)
                .map(|d| (d, "evaluation.date".to_string(), "实施后评估")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut pairs = Vec::new();
        // Each preparatory stage against the first later stage entered.
        if let Some(first) = chain.first() {
            for b in &before_review {
                pairs.push((b.clone(), first.clone()));
            }
        }
        for w in chain.windows(2) {
            if let [a, b] = w {
                pairs.push((a.clone(), b.clone()));
            }
        }
        if let Some(p) = &self.publication {
            for (i, f) in self.feedback.iter().enumerate() {
                pairs.push((
                    (p.date, "publication.date".into(), "决定公布"),
                    (f.date, format!("feedback[{}].date", i + 1), "跟踪反馈"),
                ));
            }
        }
        pairs
    }
}

/// A stage's date, its field path and its name (for the order rule).
type Dated = (Date, String, &'static str);

/// 已完成 / 待进行 / 不适用: a stage on the timeline.
#[derive(Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum State {
    Done,
    Pending,
    Na,
}

impl State {
    fn label(self) -> &'static str {
        match self {
            State::Done => "已完成",
            State::Pending => "待进行",
            State::Na => "不适用",
        }
    }
}

/// One row of a stage's details (label and text).
#[derive(Serialize)]
struct Row {
    label: &'static str,
    value: String,
}

/// One stage on the decision's timeline.
#[derive(Serialize)]
struct StageView {
    name: &'static str,
    state: State,
    state_label: &'static str,
    /// `2026年9月1日`, and the ISO date for `<time datetime>`.
    date: Option<String>,
    iso: Option<String>,
    rows: Vec<Row>,
    links: Vec<Value>,
    files: Vec<Value>,
}

impl StageView {
    fn new(name: &'static str, state: State, date: Option<Date>) -> Self {
        StageView {
            name,
            state,
            state_label: state.label(),
            date: date.map(date_text),
            iso: date.map(|d| d.to_string()),
            rows: Vec::new(),
            links: Vec::new(),
            files: Vec::new(),
        }
    }

    fn row(mut self, label: &'static str, value: impl Into<String>) -> Self {
        self.rows.push(Row {
            label,
            value: value.into(),
        });
        self
    }
}

/// A stage not entered: not applicable when the catalogue says the procedure does not apply,
/// else pending.
fn absent(name: &'static str, flag: Option<bool>) -> StageView {
    let state = if flag == Some(false) {
        State::Na
    } else {
        State::Pending
    };
    StageView::new(name, state, None)
}

/// The view model of a decision (`record.d`).
#[derive(Serialize)]
struct View<'a> {
    year: u32,
    item: &'a str,
    catalogue: Option<Value>,
    item_title: Option<&'a str>,
    unit: &'a str,
    planned: &'a str,
    status: &'static str,
    stages: Vec<StageView>,
}

impl Decision {
    /// The word a list shows: where the decision stands.
    fn status(&self) -> &'static str {
        if self.evaluation.as_ref().is_some_and(|e| e.date.is_some()) {
            "已评估"
        } else if self.publication.is_some() {
            "已公布"
        } else if self.discussion.is_some() {
            "已决定"
        } else {
            "决策中"
        }
    }

    fn stages(&self, cx: &ViewCx, item: Option<&Item>) -> Vec<StageView> {
        let flag = |f: fn(&Item) -> Option<bool>| item.and_then(f);
        let file = |a: &Attachment| cx.attachment(&a.file, &a.title);
        let mut out = Vec::new();

        out.push(match &self.participation {
            Some(p) => {
                let mut s = StageView::new("公众参与", State::Done, Some(p.date));
                if let Some(h) = p.hearing {
                    s = s.row("听证会", date_text(h));
                } else if flag(|i| i.hearing) == Some(true) {
                    s = s.row("听证会", NOT_STATED);
                }
                if let Some(n) = &p.note {
                    s = s.row("说明", n.clone());
                }
                for id in &p.consultations {
                    let key = format!("consultations/{id}");
                    if let Some(link) = cx.url_of(&key) {
                        s.links.push(link);
                    }
                    if let Some(Data::Consultation(c)) = cx.site.get(&key).map(|r| &r.data) {
                        if let Some(o) = &c.outcome {
                            let report = cx
                                .facts
                                .has_report(&key)
                                .then(|| {
                                    cx.site.get(&key).map(|r| {
                                        format!(
                                            "{}report/",
                                            crate::content::urls::record_url(cx.site, r)
                                        )
                                    })
                                })
                                .flatten();
                            if let Some(url) = report {
                                s.links
                                    .push(json!({"url": url, "title": "公众参与情况报告"}));
                            }
                            s = s.row("征集结果公布", date_text(o.published));
                        }
                    }
                }
                s
            }
            None => absent("公众参与", flag(|i| i.participation)),
        });

        out.push(match &self.expert {
            Some(e) => {
                let mut s = StageView::new("专家论证", State::Done, Some(e.date)).row(
                    "论证意见",
                    e.opinion.clone().unwrap_or_else(|| NOT_STATED.into()),
                );
                if let Some(a) = &e.report {
                    s.files.push(file(a));
                }
                s
            }
            None => absent("专家论证", flag(|i| i.expert)),
        });

        out.push(match &self.risk {
            Some(k) => {
                let mut s = StageView::new("风险评估", State::Done, Some(k.date))
                    .row("评估结论", k.conclusion.clone());
                if let Some(a) = &k.report {
                    s.files.push(file(a));
                }
                s
            }
            None => absent("风险评估", flag(|i| i.risk)),
        });

        out.push(match &self.legal_review {
            Some(l) => StageView::new("合法性审查", State::Done, Some(l.date))
                .row("审查意见", l.opinion.as_str())
                .row(
                    "审查理由",
                    l.reasons.clone().unwrap_or_else(|| NOT_STATED.into()),
                )
                .row(
                    "审查机构",
                    l.reviewer.clone().unwrap_or_else(|| NOT_STATED.into()),
                ),
            None => absent("合法性审查", None),
        });

        out.push(match &self.discussion {
            Some(d) => {
                let mut s = StageView::new("集体讨论决定", State::Done, Some(d.date))
                    .row("会议", d.meeting.clone())
                    .row(
                        "出席",
                        format!("组成人员{}人，出席{}人", d.total, d.present),
                    );
                if let Some(v) = &d.votes {
                    let n = |x: Option<u32>| {
                        x.map_or_else(|| NOT_STATED.to_string(), |n| n.to_string())
                    };
                    s = s.row(
                        "表决",
                        format!("赞成{}，反对{}，弃权{}", v.yes, n(v.against), n(v.abstain)),
                    );
                }
                s
            }
            None => absent("集体讨论决定", None),
        });

        out.push(match &self.publication {
            Some(p) => {
                let mut s = StageView::new("决定公布", State::Done, Some(p.date));
                if let Some(link) = p
                    .document
                    .as_ref()
                    .and_then(|id| cx.url_of(&format!("documents/{id}")))
                {
                    s.links.push(link);
                }
                if let Some(a) = &p.file {
                    s.files.push(file(a));
                }
                if s.links.is_empty() && s.files.is_empty() {
                    s = s.row("决定文件", NOT_STATED);
                }
                s
            }
            None => absent("决定公布", None),
        });

        out.push(match &self.evaluation {
            Some(e) => {
                let state = if e.date.is_some() {
                    State::Done
                } else {
                    State::Pending
                };
                let mut s = StageView::new("实施后评估", state, e.date);
                if let Some(d) = e.due {
                    s = s.row("评估期限", date_text(d));
                }
                if e.date.is_some() {
                    s = s.row(
                        "评估建议",
                        e.recommendation.map_or(NOT_STATED, |r| r.as_str()),
                    );
                }
                if let Some(a) = &e.report {
                    s.files.push(file(a));
                }
                s
            }
            None => absent("实施后评估", None),
        });

        out.push(if self.feedback.is_empty() {
            absent("跟踪反馈", None)
        } else {
            let last = self.feedback.iter().map(|f| f.date).max();
            let mut s = StageView::new("跟踪反馈", State::Done, last);
            for f in &self.feedback {
                let reply = f
                    .reply
                    .as_ref()
                    .and_then(|id| cx.url_of(&format!("replies/{id}")));
                s = s.row("反馈", format!("{}：{}", date_text(f.date), f.summary));
                if let Some(link) = reply {
                    s.links.push(link);
                }
            }
            s
        });
        out
    }

    /// The records the page links to or shows facts of.
    fn refs(&self) -> Vec<String> {
        let mut keys = Vec::new();
        if let Some(p) = &self.participation {
            keys.extend(p.consultations.iter().map(|c| format!("consultations/{c}")));
        }
        if let Some(d) = self.publication.as_ref().and_then(|p| p.document.as_ref()) {
            keys.push(format!("documents/{d}"));
        }
        keys.extend(
            self.feedback
                .iter()
                .filter_map(|f| f.reply.as_ref())
                .map(|r| format!("replies/{r}")),
        );
        keys
    }
}

/// An attachment for open data: its title and absolute URL.
fn open_file(cx: &ViewCx, a: &Option<Attachment>) -> Value {
    a.as_ref().map_or(Value::Null, |a| {
        json!({"title": a.title, "url": crate::content::view::file_url(cx.site, cx.r, &a.file)})
    })
}

/// An evaluation due within this many days is listed in the compliance page's 「即将到期」.
pub const EVALUATION_SOON_DAYS: i64 = 30;

impl RecordKind for Decision {
    const NAME: &'static str = "decision";
    const FOLDER: &'static str = "decisions";
    const LABEL: &'static str = "重大行政决策";
    const FIELDS: &'static [Field] = FIELDS;
    const PUBLIC_TEXT: Option<&'static [&'static str]> = Some(&["title", "feedback"]);
    const IMPORT_ROWS: Option<&'static str> = Some("feedback");

    /// The post-implementation evaluation, once planned and not yet done: due within
    /// [`EVALUATION_SOON_DAYS`] days (「即将到期」), or past its due date (「逾期」, with the
    /// `decision.evaluation-overdue` warning).
    fn clock(&self, cx: &ClockCx, r: &Record, _out: &mut Vec<Diagnostic>) -> Clock {
        let mut clock = Clock::default();
        let Some(e) = &self.evaluation else {
            return clock;
        };
        let (Some(due), None) = (e.due, e.date) else {
            return clock;
        };
        let left = days_between(cx.today, due);
        if left < 0 {
            let warning = r
                .diag_at(
                    Diagnostic::warning(
                        Code::DecisionEvaluationOverdue,
                        &r.source,
                        "实施后评估已超过评估期限，还没有评估结果",
                    ),
                    "evaluation.due",
                )
                .expected(format!("{}前完成评估", date_text(due)))
                .found("没有 evaluation.date")
                .hint("评估完成后请填写 evaluation 下的 date（评估日期）、recommendation（延续、调整或停止）和 report（评估报告）。");
            clock.late.push(Due {
                date: due,
                note: "实施后评估逾期".to_string(),
                warning: Some(warning),
            });
        } else if left <= EVALUATION_SOON_DAYS {
            clock.soon.push(Due {
                date: due,
                note: format!("实施后评估应于{}前完成，还有{left}日", date_text(due)),
                warning: None,
            });
        }
        clock
    }

    fn validate(&self, cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        // References to other records.
        if let Some(p) = &self.participation {
            for (i, id) in p.consultations.iter().enumerate() {
                if !cx.has(Kind::Consultation, id) {
                    let f = format!("participation.consultations[{}]", i + 1);
                    out.push(dangling(r, &f, "意见征集", "consultations", id));
                }
            }
        }
        if let Some(id) = self.publication.as_ref().and_then(|p| p.document.as_ref()) {
            if !cx.has(Kind::Document, id) {
                out.push(dangling(
                    r,
                    "publication.document",
                    "决定文件",
                    "documents",
                    id,
                ));
            }
        }
        for (i, f) in self.feedback.iter().enumerate() {
            if let Some(id) = &f.reply {
                if !cx.has(Kind::Reply, id) {
                    let field = format!("feedback[{}].reply", i + 1);
                    out.push(dangling(r, &field, "答复", "replies", id));
                }
            }
        }

        // No decision without a legality review.
        if let Some((_, field)) = self.decided() {
            if self.legal_review.is_none() {
                let stage = field.split('.').next().unwrap_or(field);
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::DecisionNoLegalReview,
                            &r.source,
                            "未经合法性审查，不得作出决策",
                        ),
                        stage,
                    )
                    .expected("决定之前的 legal_review（合法性审查：date、opinion）")
                    .found("没有 legal_review")
                    .hint("请补上合法性审查的日期和意见；尚未审查的，先删去 discussion 和 publication。"),
                );
            }
        }

        // An unlawful opinion cannot be published as decided.
        if let (Some(l), Some(_)) = (&self.legal_review, &self.publication) {
            if l.opinion == Opinion::Unlawful {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::DecisionUnlawful,
                            &r.source,
                            "合法性审查意见为“违法”的决策不得公布为已决定",
                        ),
                        "publication",
                    )
                    .expected("审查意见为合法或部分合法（修改后重新审查）")
                    .found(format!("legal_review.opinion: {}", l.opinion))
                    .hint("请按审查意见修改决策草案并重新进行合法性审查，再填写 publication；决策不再推进的，删去 publication。"),
                );
            }
        }

        // Stage dates in order.
        for ((da, _fa, na), (db, fb, nb)) in self.order_pairs() {
            if db < da {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::DecisionStageOrder,
                            &r.source,
                            format!("{nb}的日期早于{na}"),
                        ),
                        &fb,
                    )
                    .expected(format!("{} 当日或之后", date_text(da)))
                    .found(date_text(db))
                    .hint(format!("决策程序依次为 公众参与、专家论证、风险评估 → 合法性审查 → 集体讨论决定 → 决定公布 → 实施后评估；请核对{na}和{nb}的日期。")),
                );
            }
        }

        // Quorum and majority.
        if let Some(d) = &self.discussion {
            // In u64: counts as large as the schema accepts cannot overflow.
            let (present, total) = (u64::from(d.present), u64::from(d.total));
            if present > total || present * 2 <= total {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::DecisionQuorum,
                            &r.source,
                            "集体讨论出席人数未超过组成人员半数",
                        ),
                        "discussion.present",
                    )
                    .expected(format!("超过 {} 人的一半，且不超过 {} 人", d.total, d.total))
                    .found(format!("出席 {} 人", d.present))
                    .hint("集体讨论须有超过半数的组成人员出席方可作出决定；请核对 present（出席人数）和 total（组成人员总数）。"),
                );
            }
            if let Some(v) = &d.votes {
                let cast = u64::from(v.yes)
                    + u64::from(v.against.unwrap_or(0))
                    + u64::from(v.abstain.unwrap_or(0));
                if cast > present {
                    out.push(
                        r.diag_at(
                            Diagnostic::error(
                                Code::DecisionMajority,
                                &r.source,
                                "表决票数之和超过出席人数",
                            ),
                            "discussion.votes",
                        )
                        .expected(format!("不超过出席人数 {}", d.present))
                        .found(format!("共 {cast} 票"))
                        .hint("请核对 for（赞成）、against（反对）、abstain（弃权）和 present（出席人数）。"),
                    );
                } else if u64::from(v.yes) * 2 <= present {
                    out.push(
                        r.diag_at(
                            Diagnostic::error(
                                Code::DecisionMajority,
                                &r.source,
                                "赞成票未超过出席人数的半数，决定不能通过",
                            ),
                            "discussion.votes.for",
                        )
                        .expected(format!("超过出席人数 {} 的一半", d.present))
                        .found(format!("赞成 {} 票", v.yes))
                        .hint("未获通过的决策不能公布为已决定；请核对票数，或删去 discussion 和 publication，待重新讨论后再填写。"),
                    );
                }
            }
        }
    }

    fn attachments(&self) -> Vec<(String, &str)> {
        [
            (
                "expert.report.file",
                self.expert.as_ref().and_then(|e| e.report.as_ref()),
            ),
            (
                "risk.report.file",
                self.risk.as_ref().and_then(|k| k.report.as_ref()),
            ),
            (
                "publication.file.file",
                self.publication.as_ref().and_then(|p| p.file.as_ref()),
            ),
            (
                "evaluation.report.file",
                self.evaluation.as_ref().and_then(|e| e.report.as_ref()),
            ),
        ]
        .into_iter()
        .filter_map(|(path, a)| a.map(|a| (path.to_string(), a.file.as_str())))
        .collect()
    }

    fn view(&self, cx: &ViewCx) -> Value {
        let found = self.catalogue_item(cx.site);
        let item = found.map(|(_, i)| i);
        to_value(View {
            year: self.year,
            item: &self.item,
            catalogue: found.and_then(|(r, _)| cx.url_of(&r.key())),
            item_title: item.map(|i| i.title.as_str()),
            unit: item.map_or(NOT_STATED, |i| i.unit.as_str()),
            planned: item
                .and_then(|i| i.planned.as_deref())
                .unwrap_or(NOT_STATED),
            status: self.status(),
            stages: self.stages(cx, item),
        })
    }

    fn meta_rows<'a>(&'a self, rows: &mut Vec<MetaRow<'a>>) {
        rows.push(MetaRow::text("决策状态", self.status()));
        if let Some((d, _)) = self.decided() {
            rows.push(MetaRow::date("决定日期", d));
        }
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        (Some(self.status().into()), None)
    }

    fn links_to(&self, key: &str) -> bool {
        key.starts_with("decision-catalogues/") || self.refs().iter().any(|k| k == key)
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        if let Some(d) = &self.discussion {
            parts.push(d.meeting.clone());
        }
    }

    fn open_data(&self, cx: &ViewCx) -> Value {
        let url = |key: String| url_of(cx, &key);
        json!({
            "year": self.year,
            "item": self.item,
            "participation": self.participation.as_ref().map(|p| json!({
                "date": p.date.to_string(),
                "consultations": p.consultations.iter().filter_map(|c| url(format!("consultations/{c}"))).collect::<Vec<_>>(),
                "hearing": p.hearing.map(|d| d.to_string()),
                "note": p.note,
            })),
            "expert": self.expert.as_ref().map(|e| json!({
                "date": e.date.to_string(), "opinion": e.opinion, "report": open_file(cx, &e.report),
            })),
            "risk": self.risk.as_ref().map(|k| json!({
                "date": k.date.to_string(), "conclusion": k.conclusion, "report": open_file(cx, &k.report),
            })),
            "legal_review": self.legal_review.as_ref().map(|l| json!({
                "date": l.date.to_string(), "opinion": l.opinion, "reasons": l.reasons, "reviewer": l.reviewer,
            })),
            "discussion": self.discussion.as_ref().map(|d| json!({
                "date": d.date.to_string(), "meeting": d.meeting, "present": d.present, "total": d.total,
                "votes": d.votes.as_ref().map(|v| json!({"for": v.yes, "against": v.against, "abstain": v.abstain})),
            })),
            "publication": self.publication.as_ref().map(|p| json!({
                "date": p.date.to_string(),
                "document": p.document.as_ref().and_then(|d| url(format!("documents/{d}"))),
                "file": open_file(cx, &p.file),
            })),
            "evaluation": self.evaluation.as_ref().map(|e| json!({
                "due": e.due.map(|d| d.to_string()), "date": e.date.map(|d| d.to_string()),
                "recommendation": e.recommendation, "report": open_file(cx, &e.report),
            })),
            "feedback": self.feedback.iter().map(|f| json!({
                "date": f.date.to_string(), "summary": f.summary,
                "reply": f.reply.as_ref().and_then(|r| url(format!("replies/{r}"))),
            })).collect::<Vec<_>>(),
        })
    }
}

/// The catalogue record of a year, if the site has one.
pub fn catalogue_of(
    site: &crate::content::Site,
    year: u32,
) -> Option<(&Record, &DecisionCatalogue)> {
    site.of_kind(Kind::DecisionCatalogue)
        .find_map(|r| match &r.data {
            Data::DecisionCatalogue(c) if c.year == year => Some((r, &**c)),
            _ => None,
        })
}
