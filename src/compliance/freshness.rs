//! 更新及时性 — freshness (SPEC §4.7): something new published within `stale_days`, questions
//! answered within `reply_overdue_days`, a closed consultation's outcome published within
//! `report_due_days`; and, for the compliance page, consultations closing within three
//! working days.
//!
//! Codes: `freshness.stale`, `reply.overdue`, `consultation.report-overdue` (warnings).

use super::{add_days, date_zh, days_between, Input, Item, Section, Summary};
use crate::content::{Data, Kind, Record};
use crate::diag::{Code, Diagnostic};
use crate::lifecycle::State;

/// An open consultation closing within this many working days is listed as expiring soon.
pub(crate) const CLOSING_WORKING_DAYS: u32 = 3;

/// Run the freshness rules.
pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    stale(input, diags);
    for r in &input.site.records {
        match &r.data {
            Data::Reply(x) if x.replied.is_none() => {
                let days = input.site.config.publicity.reply_overdue_days;
                let due = add_days(x.received, days);
                if input.today > due {
                    diags.push(
                        r.diag_at(
                            Diagnostic::warning(
                                Code::ReplyOverdue,
                                &r.source,
                                format!("留言受理超过{days}日仍未答复"),
                            ),
                            "received",
                        )
                        .expected(format!("{}前答复（受理后{days}日内）", date_zh(due)))
                        .found(format!(
                            "{}受理，已过{}日",
                            date_zh(x.received),
                            days_between(x.received, input.today)
                        ))
                        .hint("请尽快答复，并填写 replied（答复日期）、reply_unit 和 reply。"),
                    );
                    summary.push(item(
                        r,
                        due,
                        format!(
                            "留言{}受理，应于{}前答复",
                            date_zh(x.received),
                            date_zh(due)
                        ),
                    ));
                }
            }
            Data::Consultation(c) => consultation(input, r, c.outcome.is_some(), diags, summary),
            _ => {}
        }
    }
}

fn item(r: &Record, due: jiff::civil::Date, note: String) -> Item {
    Item {
        section: Section::Overdue,
        date: Some(due),
        file: r.source.to_string_lossy().replace('\\', "/"),
        title: r.common.title.clone(),
        note,
    }
}

fn consultation(
    input: &Input,
    r: &Record,
    has_outcome: bool,
    diags: &mut Vec<Diagnostic>,
    summary: &mut Summary,
) {
    let Some((w, state)) = input.facts.windows.get(&r.key()) else {
        return;
    };
    match state {
        State::Open => {
            if let Some(&left) = input.facts.days_left.get(&r.key()) {
                if left <= CLOSING_WORKING_DAYS {
                    summary.push(Item {
                        section: Section::ExpiringSoon,
                        date: Some(w.close_date),
                        file: r.source.to_string_lossy().replace('\\', "/"),
                        title: r.common.title.clone(),
                        note: format!(
                            "意见征集{}24:00截止，还剩{left}个工作日",
                            date_zh(w.close_date)
                        ),
                    });
                }
            }
        }
        State::Closed if !has_outcome => {
            let days = input.site.config.publicity.report_due_days;
            let due = add_days(w.close_date, days);
            if input.today > due {
                diags.push(
                    r.diag_at(
                        Diagnostic::warning(
                            Code::ConsultationReportOverdue,
                            &r.source,
                            format!("意见征集结束超过{days}日，还没有公布征集结果"),
                        ),
                        "outcome",
                    )
                    .expected(format!("{}前公布结果（征集结束后{days}日内）", date_zh(due)))
                    .found(format!("{}结束，没有 outcome", date_zh(w.close_date)))
                    .hint("请添加 outcome: 下的 published（公布日期）、decision（决策结果）和 report（公众参与情况报告）。"),
                );
                summary.push(item(
                    r,
                    due,
                    format!(
                        "{}征集结束，应于{}前公布结果和公众参与情况报告",
                        date_zh(w.close_date),
                        date_zh(due)
                    ),
                ));
            }
        }
        _ => {}
    }
}

/// Nothing new published for `stale_days` days before the build's date.
fn stale(input: &Input, diags: &mut Vec<Diagnostic>) {
    let days = input.site.config.publicity.stale_days;
    if days == 0 {
        return;
    }
    let latest = input
        .site
        .records
        .iter()
        .filter(|r| r.kind != Kind::Page)
        .filter_map(|r| r.common.published.map(|p| (p, r)))
        .filter(|(p, _)| *p <= input.today)
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.source.cmp(&a.1.source)));
    let quiet_since = match latest {
        Some((p, _)) => days_between(p, input.today),
        None => i64::MAX,
    };
    if quiet_since <= i64::from(days) {
        return;
    }
    let found = match latest {
        Some((p, r)) => format!(
            "最近一次发布是{}（{}），已过{quiet_since}日",
            date_zh(p),
            r.source.to_string_lossy().replace('\\', "/")
        ),
        None => "还没有发布任何信息".to_string(),
    };
    diags.push(
        Diagnostic::warning(
            Code::FreshnessStale,
            "content",
            format!("已有{days}日以上没有发布新信息"),
        )
        .expected(format!("每{days}日内至少发布一条新信息"))
        .found(found)
        .hint("请及时发布工作动态、通知公告或办事指南的更新；首页长期不更新会被认定为“不及时”。"),
    );
}
