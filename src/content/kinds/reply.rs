//! 留言答复 — a question from the public and the bureau's reply.

use crate::content::clock::{add_days, days_between, Clock, ClockCx, Due};
use crate::content::validate::KindCx;
use crate::content::view::{date, date_text, md_text, nonempty, to_value, url_of, ViewCx};
use crate::content::Record;
use crate::diag::{Code, Diagnostic};
use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::schema::{ex, ex_null, OpenTy, NOT_EXPORTED};

pub static FIELDS: &[Field] = &[
    Field {
        name: "question",
        zh: "留言内容",
        ty: Ty::Markdown,
        required: true,
        help: "去除个人信息后的留言内容",
        open: Some(ex(
            "question",
            OpenTy::Str,
            "留言内容",
            "The question, masked of personal data (plain text).",
        )),
    },
    Field {
        name: "asker",
        zh: "留言人",
        ty: Ty::Text,
        required: false,
        help: "只写姓氏，如 王女士、李先生",
        open: NOT_EXPORTED,
    },
    Field {
        name: "received",
        zh: "受理日期",
        ty: Ty::Date,
        required: true,
        help: "收到留言的日期",
        open: Some(ex(
            "received",
            OpenTy::Date,
            "受理日期",
            "Date the question was received.",
        )),
    },
    Field {
        name: "replied",
        zh: "答复日期",
        ty: Ty::Date,
        required: false,
        help: "尚未答复时不写",
        open: Some(ex_null(
            "replied",
            OpenTy::Date,
            "答复日期",
            "Date of the reply; `null` while unanswered.",
        )),
    },
    Field {
        name: "reply_unit",
        zh: "答复单位",
        ty: Ty::Text,
        required: false,
        help: "已答复时必填",
        open: Some(ex_null(
            "reply_unit",
            OpenTy::Str,
            "答复单位",
            "Unit that replied.",
        )),
    },
    Field {
        name: "reply",
        zh: "答复内容",
        ty: Ty::Markdown,
        required: false,
        help: "已答复时必填",
        open: Some(ex_null(
            "reply",
            OpenTy::Str,
            "答复内容",
            "The reply (plain text).",
        )),
    },
    Field {
        name: "topic",
        zh: "主题",
        ty: Ty::Text,
        required: false,
        help: "如 社会保险",
        open: Some(ex_null("topic", OpenTy::Str, "主题", "Topic.")),
    },
    Field {
        name: "related",
        zh: "相关记录",
        ty: Ty::Text,
        required: false,
        help: "写成 类别/编号，如 procedures/unemployment-benefit",
        open: Some(ex_null(
            "related",
            OpenTy::Url,
            "相关信息",
            "URL of a related record.",
        )),
    },
];

/// 留言答复 — a reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply {
    pub question: String,
    #[serde(default)]
    pub asker: Option<String>,
    pub received: jiff::civil::Date,
    #[serde(default)]
    pub replied: Option<jiff::civil::Date>,
    #[serde(default)]
    pub reply_unit: Option<String>,
    #[serde(default)]
    pub reply: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub related: Option<String>,
}

/// The view model of a reply (`record.d`).
#[derive(Serialize)]
struct View<'a> {
    question: String,
    asker: Option<&'a str>,
    received: String,
    replied: Option<String>,
    reply_unit: Option<&'a str>,
    reply: String,
    topic: Option<&'a str>,
    related: Option<Value>,
}

impl super::RecordKind for Reply {
    const NAME: &'static str = "reply";
    const FOLDER: &'static str = "replies";
    const LABEL: &'static str = "留言答复";
    const NAV_LABEL: Option<&'static str> = Some("互动交流");
    const FIELDS: &'static [Field] = FIELDS;
    const PUBLIC_TEXT: Option<&'static [&'static str]> =
        Some(&["title", "question", "asker", "reply"]);

    fn summary(&self, r: &Record) -> String {
        md_text(r, "question")
    }

    /// Not answered within `reply_overdue_days` of its receipt: overdue.
    fn clock(&self, cx: &ClockCx, r: &Record, _out: &mut Vec<Diagnostic>) -> Clock {
        if self.replied.is_some() {
            return Clock::default();
        }
        let days = cx.site.config.publicity.reply_overdue_days;
        let due = add_days(self.received, days);
        if cx.today <= due {
            return Clock::default();
        }
        let received = date_text(self.received);
        let warning = r
            .diag_at(
                Diagnostic::warning(
                    Code::ReplyOverdue,
                    &r.source,
                    format!("留言受理超过{days}日仍未答复"),
                ),
                "received",
            )
            .expected(format!("{}前答复（受理后{days}日内）", date_text(due)))
            .found(format!(
                "{received}受理，已过{}日",
                days_between(self.received, cx.today)
            ))
            .hint("请尽快答复，并填写 replied（答复日期）、reply_unit 和 reply。");
        Clock {
            late: vec![Due {
                date: due,
                note: format!("留言{received}受理，应于{}前答复", date_text(due)),
                warning: Some(warning),
            }],
            ..Clock::default()
        }
    }

    fn validate(&self, cx: &KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
        let rep = self;
        if let Some(rel) = &rep.related {
            let mut parts = rel.trim_matches('/').splitn(2, '/');
            let folder = parts.next().unwrap_or("");
            let id = parts.next().unwrap_or("");
            if !cx.keys.contains(&format!("{folder}/{id}")) {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::ContentDanglingRef,
                            &r.source,
                            format!("相关记录“{rel}”不存在"),
                        ),
                        "related",
                    )
                    .hint("写成 类别目录/文件名，如 procedures/unemployment-benefit。"),
                );
            }
        }
        if rep.replied.is_some() && (rep.reply.is_none() || rep.reply_unit.is_none()) {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::ReplyIncomplete,
                        &r.source,
                        "已填写答复日期，但缺少答复内容或答复单位",
                    )
                    .hint("请补上 reply（答复内容）和 reply_unit（答复单位）。"),
                    "replied",
                ),
            );
        }
        if let (Some(replied), received) = (rep.replied, rep.received) {
            if replied < received {
                out.push(
                    r.diag_at(
                        Diagnostic::error(Code::ReplyDateOrder, &r.source, "答复日期早于受理日期")
                            .hint("请核对两个日期。"),
                        "replied",
                    ),
                );
            }
        }
    }

    fn view(&self, cx: &ViewCx) -> Value {
        let x = self;
        to_value(View {
            question: cx.md("question"),
            asker: x.asker.as_deref(),
            received: date_text(x.received),
            replied: x.replied.map(date_text),
            reply_unit: x.reply_unit.as_deref(),
            reply: cx.md("reply"),
            topic: x.topic.as_deref(),
            related: x
                .related
                .as_ref()
                .and_then(|k| cx.url_of(k.trim_matches('/'))),
        })
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        let status = if self.replied.is_some() {
            "已答复"
        } else {
            "待答复"
        };
        (Some(status.into()), None)
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        if let Some(t) = &self.topic {
            parts.push(t.clone());
        }
    }

    fn links_to(&self, key: &str) -> bool {
        self.related
            .as_ref()
            .is_some_and(|k| k.trim_matches('/') == key)
    }

    fn open_data(&self, cx: &ViewCx) -> Value {
        let (x, r) = (self, cx.r);
        json!({
            "question": md_text(r, "question"), "received": x.received.to_string(),
            "replied": date(x.replied), "reply_unit": x.reply_unit,
            "reply": nonempty(md_text(r, "reply")), "topic": x.topic,
            "related": x.related.as_ref().and_then(|k| url_of(cx, k.trim_matches('/'))),
        })
    }
}
